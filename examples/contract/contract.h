/* The contract ABI of detwasm (SPEC.md "Contract host"), for C compiled to wasm32
 * without WASI or libc. Every function is imported from module "env". */
#ifndef CONTRACT_H
#define CONTRACT_H

typedef unsigned int u32;
typedef unsigned long long u64;

#define IMPORT(n) __attribute__((import_module("env"), import_name(#n)))
#define EXPORT(n) __attribute__((export_name(#n)))

/* Status codes of call(). */
#define STATUS_OK 0
#define STATUS_TRAPPED 1
#define STATUS_OUT_OF_GAS 2
#define STATUS_DEPTH_LIMIT 3
#define STATUS_NO_CONTRACT 4
#define STATUS_NO_METHOD 5

IMPORT(input_len) u32 input_len(void);
IMPORT(input_read) void input_read(void *dst);
IMPORT(output_write) void output_write(const void *src, u32 len);
IMPORT(caller_len) u32 caller_len(void);
IMPORT(caller_read) void caller_read(void *dst);
IMPORT(return_data_len) u32 return_data_len(void);
IMPORT(return_data_read) void return_data_read(void *dst);
/* Returns the value's length (copying at most cap bytes), or -1 when absent. */
IMPORT(storage_read) int storage_read(const void *key, u32 key_len, void *val, u32 cap);
/* Returns 1 when the key held a value before, 0 otherwise. */
IMPORT(storage_write) int storage_write(const void *key, u32 key_len, const void *val, u32 len);
IMPORT(storage_remove) int storage_remove(const void *key, u32 key_len);
IMPORT(call) int call(const void *contract, u32 contract_len, const void *method, u32 method_len,
                      const void *input, u32 input_len, u64 gas);
/* Ends the call as failed with a message; its storage writes are undone. */
IMPORT(abort) __attribute__((noreturn)) void contract_abort(const char *msg, u32 len);

#define FAIL(msg) contract_abort(msg, sizeof(msg) - 1)

static inline u64 load_u64(const unsigned char *p) {
    u64 v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

static inline void store_u64(unsigned char *p, u64 v) {
    for (int i = 0; i < 8; i++) { p[i] = (unsigned char)v; v >>= 8; }
}

static inline int bytes_equal(const unsigned char *a, const unsigned char *b, u32 n) {
    for (u32 i = 0; i < n; i++) if (a[i] != b[i]) return 0;
    return 1;
}

static inline void copy_bytes(unsigned char *dst, const unsigned char *src, u32 n) {
    for (u32 i = 0; i < n; i++) dst[i] = src[i];
}

/* Reads the whole input into buf (of size cap) and returns its length. */
static inline u32 read_input(unsigned char *buf, u32 cap) {
    u32 n = input_len();
    if (n > cap) FAIL("input too long");
    input_read(buf);
    return n;
}

#endif
