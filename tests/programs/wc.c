/* wc: reads all of stdin (fd_read on fd 0 until EOF) and prints line, word
 * and byte counts, a checksum, the longest line, and the ten most frequent
 * words (case-folded), counted with a small chained hash table.
 * Empty stdin is fine: every count is 0. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct entry { char *word; int count; struct entry *next; };
static struct entry **table;
static size_t nbuckets = 1024, nentries;

static uint32_t hash(const char *s) {
    uint32_t h = 2166136261u;
    while (*s) { h ^= (unsigned char)*s++; h *= 16777619u; }
    return h;
}

static void grow(void) {
    size_t nb = nbuckets * 2;
    struct entry **t = calloc(nb, sizeof *t);
    for (size_t i = 0; i < nbuckets; i++)
        for (struct entry *e = table[i], *next; e; e = next) {
            next = e->next;
            size_t b = hash(e->word) & (nb - 1);
            e->next = t[b]; t[b] = e;
        }
    free(table);
    table = t; nbuckets = nb;
}

static void add(const char *w) {
    size_t b = hash(w) & (nbuckets - 1);
    for (struct entry *e = table[b]; e; e = e->next)
        if (!strcmp(e->word, w)) { e->count++; return; }
    struct entry *e = malloc(sizeof *e);
    e->word = strdup(w); e->count = 1; e->next = table[b]; table[b] = e;
    if (++nentries > nbuckets * 2) grow();
}

static int bycount(const void *a, const void *b) {
    const struct entry *x = *(struct entry *const *)a, *y = *(struct entry *const *)b;
    if (x->count != y->count) return y->count - x->count;
    return strcmp(x->word, y->word);
}

int main(void) {
    table = calloc(nbuckets, sizeof *table);
    size_t cap = 4096, len = 0;
    unsigned char *data = malloc(cap);
    ssize_t r;
    int reads = 0;
    while ((r = read(0, data + len, cap - len)) > 0) {
        len += r; reads++;
        if (len == cap) data = realloc(data, cap *= 2);
    }
    if (r < 0) { perror("read"); return 1; }

    size_t lines = 0, words = 0, longest = 0, cur = 0, longest_at = 0;
    uint32_t h = 2166136261u;
    char word[128]; size_t wl = 0;
    for (size_t i = 0; i <= len; i++) {
        int c = i < len ? data[i] : -1;
        if (c >= 0) { h ^= c; h *= 16777619u; }
        if (c == '\n') {
            lines++;
            if (cur > longest) { longest = cur; longest_at = lines; }
            cur = 0;
        } else if (c >= 0) cur++;
        if (c >= 0 && (isalnum(c) || c == '\'' || c >= 0x80)) {
            if (wl < sizeof word - 1) word[wl++] = tolower(c);
        } else if (wl) {
            word[wl] = 0; wl = 0; words++;
            add(word);
        }
    }
    if (cur > longest) { longest = cur; longest_at = lines + 1; }
    printf("bytes=%zu lines=%zu words=%zu distinct=%zu fnv1a=%08x\n", len, lines, words, nentries, h);
    printf("longest line: #%zu (%zu bytes)\n", longest_at, longest);

    struct entry **all = malloc((nentries + 1) * sizeof *all);
    size_t k = 0;
    for (size_t i = 0; i < nbuckets; i++)
        for (struct entry *e = table[i]; e; e = e->next) all[k++] = e;
    qsort(all, k, sizeof *all, bycount);
    for (size_t i = 0; i < k && i < 10; i++)
        printf("%2zu. %-12s %d\n", i + 1, all[i]->word, all[i]->count);
    return 0;
}
