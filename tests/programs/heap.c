/* heap: malloc-heavy work.  Merge-sorts N pseudo-random ints (default
 * N = 200000, or argv[1]) and qsorts N/10 of them, builds a string-keyed
 * hash table of N/4 entries with rehashing, looks up and deletes, grows a
 * vector to 250k elements with realloc, allocates 50k small blocks and frees
 * them in shuffled order.  Prints checksums and the final
 * linear-memory size, all deterministic (the PRNG is a fixed xorshift). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t s = 0x2545F4914F6CDD1Dull;
static uint64_t next(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }

static int cmpint(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void merge_rec(int *a, int *tmp, int n) {
    if (n < 2) return;
    int h = n / 2;
    merge_rec(a, tmp, h);
    merge_rec(a + h, tmp, n - h);
    int i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = a[j] < a[i] ? a[j++] : a[i++];
    while (i < h) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

static void merge_sort(int *a, int n) {
    int *tmp = malloc(n * sizeof *tmp);
    merge_rec(a, tmp, n);
    free(tmp);
}

static int is_sorted(const int *a, int n) {
    for (int i = 1; i < n; i++) if (a[i - 1] > a[i]) return 0;
    return 1;
}

static uint64_t checksum(const int *a, int n) {
    uint64_t ck = 0;
    for (int i = 0; i < n; i++) ck = ck * 1000003u + (uint32_t)a[i];
    return ck;
}

struct kv { char *key; uint64_t val; struct kv *next; };

/* "k<hex of i>-<hex of i*golden>", without snprintf's cost */
static void make_key(char *out, uint32_t i) {
    static const char hx[] = "0123456789abcdef";
    uint32_t parts[2] = {i, i * 2654435761u};
    *out++ = 'k';
    for (int p = 0; p < 2; p++) {
        int started = 0;
        for (int sh = 28; sh >= 0; sh -= 4) {
            int d = (parts[p] >> sh) & 15;
            if (d || started || sh == 0) { *out++ = hx[d]; started = 1; }
        }
        if (p == 0) *out++ = '-';
    }
    *out = 0;
}

static uint32_t hash(const char *p) {
    uint32_t h = 2166136261u;
    while (*p) { h ^= (unsigned char)*p++; h *= 16777619u; }
    return h;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 200000;
    if (n < 2) n = 2;

    /* 1. sort: merge sort (with a malloc'd buffer) of n ints, and libc qsort
     *    of the first n/10 (musl's smoothsort is much slower per element). */
    int *a = malloc(n * sizeof *a);
    int64_t sum = 0;
    for (int i = 0; i < n; i++) { a[i] = (int)(next() >> 33) - (1 << 30); sum += a[i]; }
    int q = n / 10;
    int *b = malloc(q * sizeof *b);
    memcpy(b, a, q * sizeof *b);
    merge_sort(a, n);
    qsort(b, q, sizeof *b, cmpint);
    printf("merge sort: n=%d sorted=%d min=%d median=%d max=%d sum=%lld checksum=%016llx\n",
           n, is_sorted(a, n), a[0], a[n / 2], a[n - 1], (long long)sum, (unsigned long long)checksum(a, n));
    printf("qsort: n=%d sorted=%d min=%d max=%d checksum=%016llx\n",
           q, is_sorted(b, q), b[0], b[q - 1], (unsigned long long)checksum(b, q));
    free(b);
    free(a);

    /* 2. hash table with chaining, rehashing as it grows */
    int m = n / 4;
    size_t nb = 16, count = 0;
    struct kv **tab = calloc(nb, sizeof *tab);
    char key[32];
    for (int i = 0; i < m; i++) {
        make_key(key, (uint32_t)i);
        struct kv *e = malloc(sizeof *e);
        e->key = strdup(key); e->val = (uint64_t)i * i;
        size_t b = hash(key) & (nb - 1);
        e->next = tab[b]; tab[b] = e;
        if (++count > nb) {
            size_t nb2 = nb * 4;
            struct kv **t2 = calloc(nb2, sizeof *t2);
            for (size_t j = 0; j < nb; j++)
                for (struct kv *x = tab[j], *nx; x; x = nx) {
                    nx = x->next;
                    size_t b2 = hash(x->key) & (nb2 - 1);
                    x->next = t2[b2]; t2[b2] = x;
                }
            free(tab); tab = t2; nb = nb2;
        }
    }
    uint64_t found = 0, vsum = 0;
    for (int i = 0; i < m; i += 3) {
        make_key(key, (uint32_t)i);
        for (struct kv *x = tab[hash(key) & (nb - 1)]; x; x = x->next)
            if (!strcmp(x->key, key)) { found++; vsum += x->val; break; }
    }
    size_t deleted = 0;
    for (int i = 0; i < m; i += 2) {
        make_key(key, (uint32_t)i);
        struct kv **pp = &tab[hash(key) & (nb - 1)];
        for (; *pp; pp = &(*pp)->next)
            if (!strcmp((*pp)->key, key)) {
                struct kv *d = *pp; *pp = d->next; free(d->key); free(d); deleted++; count--;
                break;
            }
    }
    size_t longest = 0, used = 0;
    uint64_t rest = 0;
    for (size_t j = 0; j < nb; j++) {
        size_t l = 0;
        for (struct kv *x = tab[j]; x; x = x->next) { l++; rest += x->val; }
        if (l) used++;
        if (l > longest) longest = l;
    }
    printf("hash: inserted=%d buckets=%zu found=%llu vsum=%llu deleted=%zu left=%zu rest=%llu used=%zu longest=%zu\n",
           m, nb, (unsigned long long)found, (unsigned long long)vsum, deleted, count,
           (unsigned long long)rest, used, longest);
    for (size_t j = 0; j < nb; j++)
        for (struct kv *x = tab[j], *nx; x; x = nx) { nx = x->next; free(x->key); free(x); }
    free(tab);

    /* 3. realloc growth */
    size_t cap = 1, len = 0;
    uint32_t *v = malloc(cap * sizeof *v);
    int moves = 0;
    for (uint32_t i = 0; i < 250000; i++) {
        if (len == cap) {
            uint32_t *old = v;
            v = realloc(v, (cap *= 2) * sizeof *v);
            if (v != old) moves++;
        }
        v[len++] = i ^ (i >> 3);
    }
    uint64_t vs = 0;
    for (size_t i = 0; i < len; i++) vs += v[i];
    printf("realloc: len=%zu cap=%zu sum=%llu\n", len, cap, (unsigned long long)vs);
    free(v);

    /* 4. many small blocks, freed in shuffled order */
    enum { K = 50000 };
    void **blocks = malloc(K * sizeof *blocks);
    uint64_t bytes = 0;
    for (int i = 0; i < K; i++) {
        size_t sz = 1 + next() % 200;
        blocks[i] = malloc(sz);
        memset(blocks[i], i & 0xff, sz);
        bytes += sz;
    }
    for (int i = K - 1; i > 0; i--) {
        int j = next() % (i + 1);
        void *t = blocks[i]; blocks[i] = blocks[j]; blocks[j] = t;
    }
    for (int i = 0; i < K; i++) free(blocks[i]);
    free(blocks);
    printf("small blocks: %d allocated, %llu bytes, all freed\n", K, (unsigned long long)bytes);
    printf("memory pages at end: %zu (%zu KiB)\n", __builtin_wasm_memory_size(0),
           __builtin_wasm_memory_size(0) * 64);
    return 0;
}
