/* Calls other contracts. Storage: "token" -> the token contract's name;
 * "status" -> status byte of the last payment; "tried" -> status byte of the
 * last try_faulty; "paid" -> number of successful payments, u64 little-endian.
 *   init        name             remember the token contract
 *   pay         u64 amount, name  token.transfer from the vault to name; output: status byte
 *   try_faulty                   call faulty.run with 20000 gas; output: status byte
 *   recurse     u32 depth, name  call name.recurse with depth + 1 until a call fails;
 *                                output: the deepest depth reached, u32 little-endian */
#include "contract.h"

#define MAX_NAME 64
#define ALL_GAS 0xffffffffffffffffull

static unsigned char input[8 + MAX_NAME];

/* Stores the status byte under key (of length key_len) and outputs it. */
static void record_status(const char *key, u32 key_len, int status) {
    unsigned char s = (unsigned char)status;
    storage_write(key, key_len, &s, 1);
    output_write(&s, 1);
}

EXPORT(init) void init(void) {
    unsigned char name[MAX_NAME];
    if (storage_read("token", 5, name, 0) >= 0) FAIL("already initialized");
    u32 n = read_input(input, MAX_NAME);
    storage_write("token", 5, input, n);
}

EXPORT(pay) void pay(void) {
    unsigned char token[MAX_NAME], v[8];
    int token_len = storage_read("token", 5, token, MAX_NAME);
    if (token_len < 0) FAIL("not initialized");
    u32 n = read_input(input, sizeof input);
    int status = call(token, (u32)token_len, "transfer", 8, input, n, ALL_GAS);
    if (status == STATUS_OK) {
        int len = storage_read("paid", 4, v, 8);
        u64 paid = len == 8 ? load_u64(v) : 0;
        store_u64(v, paid + 1);
        storage_write("paid", 4, v, 8);
    }
    record_status("status", 6, status);
}

EXPORT(try_faulty) void try_faulty(void) {
    record_status("tried", 5, call("faulty", 6, "run", 3, "", 0, 20000));
}

EXPORT(recurse) void recurse(void) {
    u32 n = read_input(input, 4 + MAX_NAME);
    if (n < 5) FAIL("expected depth and name");
    u32 depth = (u32)input[0] | (u32)input[1] << 8 | (u32)input[2] << 16 | (u32)input[3] << 24;
    u32 next = depth + 1;
    unsigned char arg[4 + MAX_NAME];
    arg[0] = (unsigned char)next;
    arg[1] = (unsigned char)(next >> 8);
    arg[2] = (unsigned char)(next >> 16);
    arg[3] = (unsigned char)(next >> 24);
    copy_bytes(arg + 4, input + 4, n - 4);
    int status = call(input + 4, n - 4, "recurse", 7, arg, n, ALL_GAS);
    if (status == STATUS_OK && return_data_len() == 4) {
        unsigned char deepest[4];
        return_data_read(deepest);
        output_write(deepest, 4);
    } else {
        output_write(input, 4);
    }
}
