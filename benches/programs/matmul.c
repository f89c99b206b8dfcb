// Dense matrix multiplication C = A * B of two n x n f64 matrices: a float
// and memory benchmark.
//
// Freestanding: no libc, no WASI, no imports.
// Exports:
//   matmul(n) -> the trace of C as f64, for 1 <= n <= 128; -1.0 otherwise.
// The entries of A and B are small multiples of 1/8, so every product and sum
// is exact in f64 and the result does not depend on summation order.

#define MAX_N 128

static double a[MAX_N * MAX_N];
static double b[MAX_N * MAX_N];
static double c[MAX_N * MAX_N];

__attribute__((export_name("matmul"))) double matmul(int n) {
    if (n < 1 || n > MAX_N) {
        return -1.0;
    }
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            a[i * n + j] = (double)((i * 7 + j * 3) % 17) / 8.0 - 1.0;
            b[i * n + j] = (double)((i * 5 + j * 11) % 13) / 8.0 - 0.75;
        }
    }
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            double sum = 0.0;
            for (int k = 0; k < n; k++) {
                sum += a[i * n + k] * b[k * n + j];
            }
            c[i * n + j] = sum;
        }
    }
    double trace = 0.0;
    for (int i = 0; i < n; i++) {
        trace += c[i * n + i];
    }
    return trace;
}
