// Sorting an array of i32 from a linear congruential generator: quicksort
// (median of three, Hoare partition, recursion on the smaller side only) that
// leaves ranges of up to 16 elements to a final insertion sort. A benchmark of
// compares, swaps, unpredictable branches and a few calls.
//
// Freestanding: no libc, no WASI, no imports.
// Exports:
//   sort_bench(n) -> for 0 <= n <= 65536: fills n elements, sorts them, checks
//                    that the result is in order and has the same sum and xor
//                    as the input, and returns a checksum of the sorted array
//                    (h = h * 31 + a[i] over all i, from h = n, in u32
//                    arithmetic). -1 for other n, -2 if the check fails.

typedef unsigned int u32;

#define MAX_N 65536
#define CUTOFF 16

static int a[MAX_N];

static void swap(int *p, int *q) {
    int t = *p;
    *p = *q;
    *q = t;
}

// Sorts a[lo..=hi] partially: every range left unsorted has at most CUTOFF
// elements and lies between the ranges before and after it.
static void quick(int lo, int hi) {
    while (hi - lo > CUTOFF) {
        int mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) {
            swap(&a[mid], &a[lo]);
        }
        if (a[hi] < a[lo]) {
            swap(&a[hi], &a[lo]);
        }
        if (a[hi] < a[mid]) {
            swap(&a[hi], &a[mid]);
        }
        int pivot = a[mid];
        int i = lo - 1;
        int j = hi + 1;
        for (;;) {
            do {
                i++;
            } while (a[i] < pivot);
            do {
                j--;
            } while (a[j] > pivot);
            if (i >= j) {
                break;
            }
            swap(&a[i], &a[j]);
        }
        // a[lo..=j] <= pivot <= a[j+1..=hi]; recurse into the smaller part.
        if (j - lo < hi - j) {
            quick(lo, j);
            lo = j + 1;
        } else {
            quick(j + 1, hi);
            hi = j;
        }
    }
}

static void insertion(int n) {
    for (int i = 1; i < n; i++) {
        int v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

__attribute__((export_name("sort_bench"))) int sort_bench(int n) {
    if (n < 0 || n > MAX_N) {
        return -1;
    }
    u32 x = 20240607u;
    u32 sum = 0;
    u32 xor = 0;
    for (int i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        u32 hi = x >> 16;
        x = x * 1103515245u + 12345u;
        a[i] = (int)((hi << 16) | (x >> 16));
        sum += (u32)a[i];
        xor ^= (u32)a[i];
    }
    if (n > 1) {
        quick(0, n - 1);
        insertion(n);
    }
    u32 h = (u32)n;
    for (int i = 0; i < n; i++) {
        if (i > 0 && a[i - 1] > a[i]) {
            return -2;
        }
        sum -= (u32)a[i];
        xor ^= (u32)a[i];
        h = h * 31u + (u32)a[i];
    }
    if (sum != 0 || xor != 0) {
        return -2;
    }
    return (int)h;
}
