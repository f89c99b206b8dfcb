// The sieve of Eratosthenes over a byte array in linear memory: a benchmark of
// tight loops of byte stores with a variable stride, then a counting pass.
//
// Freestanding: no libc, no WASI, no imports.
// Exports:
//   sieve(n) -> the number of primes p with 2 <= p < n, for 0 <= n <= 4194304
//               (4 MiB of flags); -1 for n outside that range.

#define MAX_N 4194304

static unsigned char composite[MAX_N];

__attribute__((export_name("sieve"))) int sieve(int n) {
    if (n < 0 || n > MAX_N) {
        return -1;
    }
    for (int i = 0; i < n; i++) {
        composite[i] = 0;
    }
    for (int i = 2; i * i < n; i++) {
        if (!composite[i]) {
            for (int j = i * i; j < n; j += i) {
                composite[j] = 1;
            }
        }
    }
    int count = 0;
    for (int i = 2; i < n; i++) {
        count += !composite[i];
    }
    return count;
}
