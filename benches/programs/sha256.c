// SHA-256 (FIPS 180-4) over a buffer in linear memory: a load/store and
// integer-arithmetic benchmark.
//
// Freestanding: no libc, no WASI, no imports.
// Exports:
//   sha256_abc()     -> first digest word of SHA-256("abc"), 0xba7816bf as i32
//                       (-1166534977): a known-answer check of the code below.
//   sha256_bench(n)  -> hashes a 4096-byte buffer n times, feeding each digest
//                       back into the first 32 bytes of the buffer, and returns
//                       a checksum of the last digest (its eight words xored).

typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned char u8;

#define BUF_BYTES 4096

static u8 buf[BUF_BYTES];
static u8 digest[32];

static const u32 K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static u32 rotr(u32 x, u32 n) {
    return (x >> n) | (x << (32 - n));
}

// Compresses one 64-byte block into the state h.
static void compress(u32 h[8], const u8 *block) {
    u32 w[64];
    for (int t = 0; t < 16; t++) {
        w[t] = ((u32)block[4 * t] << 24) | ((u32)block[4 * t + 1] << 16) |
               ((u32)block[4 * t + 2] << 8) | (u32)block[4 * t + 3];
    }
    for (int t = 16; t < 64; t++) {
        u32 s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        u32 s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    u32 a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int t = 0; t < 64; t++) {
        u32 S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        u32 ch = (e & f) ^ (~e & g);
        u32 t1 = hh + S1 + ch + K[t] + w[t];
        u32 S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        u32 maj = (a & b) ^ (a & c) ^ (b & c);
        u32 t2 = S0 + maj;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

// Writes SHA-256(msg[0..len]) to out[0..32].
static void sha256(const u8 *msg, u32 len, u8 *out) {
    u32 h[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };
    u32 off = 0;
    while (len - off >= 64) {
        compress(h, msg + off);
        off += 64;
    }
    // The final one or two blocks: the tail, 0x80, zeros, and the bit length.
    u8 last[128];
    u32 rest = len - off;
    u32 total = rest + 9 <= 64 ? 64 : 128;
    for (u32 i = 0; i < total; i++) {
        u8 byte = 0;
        if (i < rest) {
            byte = msg[off + i];
        } else if (i == rest) {
            byte = 0x80;
        }
        last[i] = byte;
    }
    u64 bits = (u64)len * 8;
    for (u32 i = 0; i < 8; i++) {
        last[total - 1 - i] = (u8)(bits >> (8 * i));
    }
    compress(h, last);
    if (total == 128) {
        compress(h, last + 64);
    }
    for (u32 i = 0; i < 8; i++) {
        out[4 * i] = (u8)(h[i] >> 24);
        out[4 * i + 1] = (u8)(h[i] >> 16);
        out[4 * i + 2] = (u8)(h[i] >> 8);
        out[4 * i + 3] = (u8)h[i];
    }
}

static u32 word(const u8 *p) {
    return ((u32)p[0] << 24) | ((u32)p[1] << 16) | ((u32)p[2] << 8) | (u32)p[3];
}

__attribute__((export_name("sha256_abc"))) int sha256_abc(void) {
    u8 msg[3] = {'a', 'b', 'c'};
    sha256(msg, 3, digest);
    return (int)word(digest);
}

__attribute__((export_name("sha256_bench"))) int sha256_bench(int n) {
    // A deterministic fill from a 32-bit linear congruential generator.
    u32 x = 12345;
    for (u32 i = 0; i < BUF_BYTES; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (u8)(x >> 16);
    }
    for (int r = 0; r < n; r++) {
        sha256(buf, BUF_BYTES, digest);
        for (u32 i = 0; i < 32; i++) {
            buf[i] = digest[i];
        }
    }
    u32 sum = 0;
    for (u32 i = 0; i < 8; i++) {
        sum ^= word(digest + 4 * i);
    }
    return (int)sum;
}
