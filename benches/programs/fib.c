// Recursive Fibonacci: a call-heavy benchmark.
//
// Freestanding: no libc, no WASI, no imports.
// Expected results: fib(0) = 0, fib(1) = 1, fib(20) = 6765, fib(30) = 832040.

__attribute__((export_name("fib"))) int fib(int n) {
    if (n < 2) {
        return n;
    }
    return fib(n - 1) + fib(n - 2);
}
