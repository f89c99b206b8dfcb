// An LZ77-style compressor and decompressor: a benchmark of byte loads and
// stores, hashing, data-dependent branches and short copy loops.
//
// Freestanding: no libc, no WASI, no imports.
// Exports:
//   lz_bench(n) -> runs n rounds; round r generates a 16 KiB buffer that is
//                  pseudo-random but compressible (seed r), compresses it,
//                  decompresses the result and compares it with the input.
//                  Returns a checksum of every round's compressed bytes and
//                  sizes, or -1 if any round does not reproduce its input.
//   lz_ratio(r) -> the compressed size in bytes of round r's buffer.
//
// Compressed format, a sequence of tokens:
//   0x00..0x7f t:  a literal run of t + 1 bytes, which follow the token;
//   0x80..0xff t:  a match of (t & 0x7f) + 4 bytes, followed by its distance
//                  d (1..65535) as two bytes, little-endian: copy from d bytes
//                  back in the output (the copy may overlap itself).
// The compressor is greedy: a 4096-entry hash table of 4-byte prefixes gives
// the most recent earlier position with the same hash, which is used when its
// first four bytes match.

typedef unsigned int u32;
typedef unsigned char u8;

#define LEN 16384
#define HASH_BITS 12
#define MIN_MATCH 4
#define MAX_MATCH (127 + MIN_MATCH)
#define MAX_LIT 128

static u8 input[LEN];
static u8 packed[LEN + LEN / MAX_LIT + 16];
static u8 output[LEN];
static u32 head[1 << HASH_BITS];

static u32 rng;

static u32 next(void) {
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
}

// Fills input: runs of letters from a 16-letter alphabet, alternating with
// copies of 4 to 35 bytes from up to 2048 bytes back.
static void generate(u32 seed) {
    rng = seed * 2654435761u + 1u;
    u32 pos = 0;
    while (pos < LEN) {
        u32 choice = next();
        if (pos >= 64 && (choice & 3) != 0) {
            u32 dist = 1 + next() % (pos < 2048 ? pos : 2048);
            u32 len = 4 + next() % 32;
            for (u32 k = 0; k < len && pos < LEN; k++, pos++) {
                input[pos] = input[pos - dist];
            }
        } else {
            u32 len = 1 + next() % 8;
            for (u32 k = 0; k < len && pos < LEN; k++, pos++) {
                input[pos] = (u8)('a' + next() % 16);
            }
        }
    }
}

static u32 hash4(const u8 *p) {
    u32 v = (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) | ((u32)p[3] << 24);
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

// Writes the literal run src[from..to] as tokens of at most MAX_LIT bytes.
static u32 put_literals(const u8 *src, u32 from, u32 to, u8 *dst, u32 out) {
    while (from < to) {
        u32 run = to - from;
        if (run > MAX_LIT) {
            run = MAX_LIT;
        }
        dst[out++] = (u8)(run - 1);
        for (u32 k = 0; k < run; k++) {
            dst[out++] = src[from + k];
        }
        from += run;
    }
    return out;
}

static u32 compress(const u8 *src, u32 len, u8 *dst) {
    for (u32 i = 0; i < (1u << HASH_BITS); i++) {
        head[i] = 0;
    }
    u32 out = 0;
    u32 pos = 0;
    u32 lit = 0;
    while (pos + MIN_MATCH <= len) {
        u32 h = hash4(src + pos);
        u32 cand = head[h];
        head[h] = pos + 1;
        if (cand != 0 && pos - (cand - 1) <= 65535) {
            cand -= 1;
            u32 m = 0;
            while (m < MAX_MATCH && pos + m < len && src[cand + m] == src[pos + m]) {
                m++;
            }
            if (m >= MIN_MATCH) {
                out = put_literals(src, lit, pos, dst, out);
                u32 dist = pos - cand;
                dst[out++] = (u8)(0x80 | (m - MIN_MATCH));
                dst[out++] = (u8)dist;
                dst[out++] = (u8)(dist >> 8);
                // Index the positions inside the match too.
                for (u32 k = 1; k < m && pos + k + MIN_MATCH <= len; k++) {
                    head[hash4(src + pos + k)] = pos + k + 1;
                }
                pos += m;
                lit = pos;
                continue;
            }
        }
        pos++;
    }
    return put_literals(src, lit, len, dst, out);
}

// Returns the decompressed length, or LEN + 1 if the input is malformed or
// would write past cap.
static u32 decompress(const u8 *src, u32 len, u8 *dst, u32 cap) {
    u32 in = 0;
    u32 out = 0;
    while (in < len) {
        u32 t = src[in++];
        if (t < 0x80) {
            u32 run = t + 1;
            if (in + run > len || out + run > cap) {
                return LEN + 1;
            }
            for (u32 k = 0; k < run; k++) {
                dst[out++] = src[in++];
            }
        } else {
            if (in + 2 > len) {
                return LEN + 1;
            }
            u32 m = (t & 0x7f) + MIN_MATCH;
            u32 dist = (u32)src[in] | ((u32)src[in + 1] << 8);
            in += 2;
            if (dist == 0 || dist > out || out + m > cap) {
                return LEN + 1;
            }
            for (u32 k = 0; k < m; k++, out++) {
                dst[out] = dst[out - dist];
            }
        }
    }
    return out;
}

__attribute__((export_name("lz_bench"))) int lz_bench(int n) {
    u32 sum = 0x811c9dc5u;
    for (int r = 0; r < n; r++) {
        generate((u32)r);
        u32 clen = compress(input, LEN, packed);
        u32 dlen = decompress(packed, clen, output, LEN);
        if (dlen != LEN) {
            return -1;
        }
        for (u32 i = 0; i < LEN; i++) {
            if (output[i] != input[i]) {
                return -1;
            }
        }
        for (u32 i = 0; i < clen; i++) {
            sum = (sum ^ packed[i]) * 16777619u;
        }
        sum = (sum ^ clen) * 16777619u;
    }
    return (int)sum;
}

__attribute__((export_name("lz_ratio"))) int lz_ratio(int r) {
    generate((u32)r);
    return (int)compress(input, LEN, packed);
}
