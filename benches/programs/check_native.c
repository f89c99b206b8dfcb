// Native harness for check.py: compiles one benchmark program's C source with
// the host C compiler and prints the results of the calls given on the command
// line, plus independent reference results where the program has one.
//
//   gcc -O2 -ffp-contract=off -Wno-attributes -DPROG_<name> check_native.c
//   ./a.out EXPORT ARG [EXPORT ARG ...]
//
// Prints one line per call: `EXPORT ARG i32 VALUE` or `EXPORT ARG f64 HEXFLOAT`,
// and for calls with a reference, a second line `ref EXPORT ARG i32 VALUE`
// computed by code written independently of the program (a different
// algorithm or data structure). Not part of any build; needs libc.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*int_fn)(int);
typedef double (*f64_fn)(int);

struct entry {
    const char *name;
    int_fn i;
    f64_fn f;
    int_fn reference;
};

#if defined(PROG_nbody)
#include "nbody.c"
static const struct entry entries[] = {{"nbody", 0, nbody, 0}};

#elif defined(PROG_sieve)
#include "sieve.c"
// Trial division by odd numbers up to the square root.
static int count_primes(int n) {
    if (n < 0 || n > MAX_N) {
        return -1;
    }
    int count = 0;
    for (int p = 2; p < n; p++) {
        int prime = p == 2 || p % 2 != 0;
        for (int d = 3; prime && d * d <= p; d += 2) {
            prime = p % d != 0;
        }
        count += prime;
    }
    return count;
}
static const struct entry entries[] = {{"sieve", sieve, 0, count_primes}};

#elif defined(PROG_lz)
#include "lz.c"
static const struct entry entries[] = {{"lz_bench", lz_bench, 0, 0}, {"lz_ratio", lz_ratio, 0, 0}};

#elif defined(PROG_vm)
#include "vm.c"
// The same computation in C, without the virtual machine.
static int collatz_total(int n) {
    unsigned long long total = 0;
    for (long long i = 1; i <= n; i++) {
        unsigned long long x = (unsigned long long)i;
        while (x != 1) {
            x = x % 2 ? 3 * x + 1 : x / 2;
            total++;
        }
    }
    return (int)(unsigned)total;
}
static const struct entry entries[] = {{"vm_collatz", vm_collatz, 0, collatz_total},
                                       {"vm_steps", vm_steps, 0, 0}};

#elif defined(PROG_hashtab)
#include "hashtab.c"
// The same workload on a directly indexed table (keys are at most 4n).
static int hashtab_reference(int n) {
    if (n < 0 || n > (int)MAX_N) {
        return -1;
    }
    unsigned *vals = calloc(4 * (size_t)n + 2, sizeof *vals);
    unsigned char *present = calloc(4 * (size_t)n + 2, 1);
    unsigned x = 2463534242u, distinct = 0, hits = 0, sum = 0;
    for (unsigned i = 0; i < (unsigned)n; i++) {
        x = x * 1664525u + 1013904223u;
        unsigned key = 1 + (x >> 8) % (2 * (unsigned)n);
        if (!present[key]) {
            present[key] = 1;
            vals[key] = 0;
            distinct++;
        }
        vals[key] += i;
    }
    for (unsigned i = 0; i < 2 * (unsigned)n; i++) {
        x = x * 1664525u + 1013904223u;
        unsigned key = 1 + (x >> 8) % (4 * (unsigned)n);
        if (present[key]) {
            hits++;
            sum = sum * 31u + vals[key];
        }
    }
    free(vals);
    free(present);
    return (int)(sum ^ (hits << 20) ^ (distinct << 4));
}
static const struct entry entries[] = {{"hashtab", hashtab, 0, hashtab_reference}};

#elif defined(PROG_sort)
#include "sort.c"
static int cmp_int(const void *p, const void *q) {
    int x = *(const int *)p, y = *(const int *)q;
    return (x > y) - (x < y);
}
// The same input sorted by the C library's qsort.
static int sort_reference(int n) {
    if (n < 0 || n > MAX_N) {
        return -1;
    }
    int *v = malloc(((size_t)n + 1) * sizeof *v);
    unsigned x = 20240607u;
    for (int i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        unsigned hi = x >> 16;
        x = x * 1103515245u + 12345u;
        v[i] = (int)((hi << 16) | (x >> 16));
    }
    qsort(v, (size_t)n, sizeof *v, cmp_int);
    unsigned h = (unsigned)n;
    for (int i = 0; i < n; i++) {
        h = h * 31u + (unsigned)v[i];
    }
    free(v);
    return (int)h;
}
static const struct entry entries[] = {{"sort_bench", sort_bench, 0, sort_reference}};

#else
#error "define PROG_<name>"
#endif

int main(int argc, char **argv) {
    for (int k = 1; k + 1 < argc; k += 2) {
        const char *name = argv[k];
        int arg = atoi(argv[k + 1]);
        const struct entry *e = 0;
        for (size_t j = 0; j < sizeof entries / sizeof entries[0]; j++) {
            if (strcmp(entries[j].name, name) == 0) {
                e = &entries[j];
            }
        }
        if (!e) {
            fprintf(stderr, "unknown export %s\n", name);
            return 2;
        }
        if (e->f) {
            printf("%s %d f64 %a\n", name, arg, e->f(arg));
        } else {
            printf("%s %d i32 %d\n", name, arg, e->i(arg));
        }
        if (e->reference) {
            printf("ref %s %d i32 %d\n", name, arg, e->reference(arg));
        }
    }
    return 0;
}
