// An open-addressing hash table (linear probing, u32 keys and values) under an
// insert and lookup workload: a benchmark of multiplicative hashing, probe loops
// with data-dependent exits, and scattered loads and stores over 512 KiB.
//
// Freestanding: no libc, no WASI, no imports.
// Exports:
//   hashtab(n) -> for 0 <= n <= 32768: empties a table of 65536 slots, then
//                 makes n updates (key k drawn from 1..2n by a linear
//                 congruential generator; insert k with value i, or add i to
//                 the value of k if present), then 2n lookups (keys drawn from
//                 1..4n, so about half miss), and returns a checksum of the
//                 values found, the number of hits and the number of
//                 distinct keys. -1 for other n.

typedef unsigned int u32;

#define SLOT_BITS 16
#define SLOTS (1u << SLOT_BITS)
#define MAX_N (SLOTS / 2)

// Key 0 marks an empty slot; keys are never 0.
static u32 keys[SLOTS];
static u32 values[SLOTS];

static u32 slot_of(u32 key) {
    return (key * 2654435769u) >> (32 - SLOT_BITS);
}

// Returns the slot holding key, or the empty slot where it would go.
static u32 find(u32 key) {
    u32 i = slot_of(key);
    while (keys[i] != 0 && keys[i] != key) {
        i = (i + 1) & (SLOTS - 1);
    }
    return i;
}

__attribute__((export_name("hashtab"))) int hashtab(int n) {
    if (n < 0 || n > (int)MAX_N) {
        return -1;
    }
    for (u32 i = 0; i < SLOTS; i++) {
        keys[i] = 0;
        values[i] = 0;
    }
    u32 x = 2463534242u;
    u32 distinct = 0;
    u32 range = 2 * (u32)n;
    for (u32 i = 0; i < (u32)n; i++) {
        x = x * 1664525u + 1013904223u;
        u32 key = 1 + (x >> 8) % range;
        u32 s = find(key);
        if (keys[s] == 0) {
            keys[s] = key;
            values[s] = i;
            distinct++;
        } else {
            values[s] += i;
        }
    }
    u32 hits = 0;
    u32 sum = 0;
    for (u32 i = 0; i < 2 * (u32)n; i++) {
        x = x * 1664525u + 1013904223u;
        u32 key = 1 + (x >> 8) % (2 * range);
        u32 s = find(key);
        if (keys[s] != 0) {
            hits++;
            sum = sum * 31u + values[s];
        }
    }
    return (int)(sum ^ (hits << 20) ^ (distinct << 4));
}
