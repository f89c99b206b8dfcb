/* A fungible token. Storage: "owner" -> the account allowed to mint; "b/" + account
 * -> its balance, u64 little-endian.
 *   init                        the caller becomes the owner (once)
 *   mint      u64 amount, name  owner only: credit name with amount
 *   transfer  u64 amount, name  move amount from the caller to name
 *   balance   name              output: name's balance, u64 little-endian */
#include "contract.h"

#define MAX_NAME 64

static unsigned char input[8 + MAX_NAME];
static unsigned char key[2 + MAX_NAME];

/* Builds the balance key of name into key[] and returns its length. */
static u32 balance_key(const unsigned char *name, u32 len) {
    if (len == 0 || len > MAX_NAME) FAIL("bad account name");
    key[0] = 'b';
    key[1] = '/';
    copy_bytes(key + 2, name, len);
    return 2 + len;
}

static u64 get_balance(const unsigned char *name, u32 len) {
    unsigned char v[8];
    u32 k = balance_key(name, len);
    int n = storage_read(key, k, v, 8);
    if (n < 0) return 0;
    if (n != 8) FAIL("corrupt balance");
    return load_u64(v);
}

static void set_balance(const unsigned char *name, u32 len, u64 balance) {
    unsigned char v[8];
    u32 k = balance_key(name, len);
    store_u64(v, balance);
    storage_write(key, k, v, 8);
}

/* Reads the caller's name into buf and returns its length. */
static u32 read_caller(unsigned char *buf) {
    u32 n = caller_len();
    if (n > MAX_NAME) FAIL("caller name too long");
    caller_read(buf);
    return n;
}

EXPORT(init) void init(void) {
    unsigned char owner[MAX_NAME];
    if (storage_read("owner", 5, owner, 0) >= 0) FAIL("already initialized");
    u32 n = read_caller(owner);
    storage_write("owner", 5, owner, n);
}

EXPORT(mint) void mint(void) {
    unsigned char owner[MAX_NAME], who[MAX_NAME];
    int owner_len = storage_read("owner", 5, owner, MAX_NAME);
    u32 who_len = read_caller(who);
    if (owner_len < 0 || (u32)owner_len != who_len || !bytes_equal(owner, who, who_len))
        FAIL("only the owner mints");
    u32 n = read_input(input, sizeof input);
    if (n < 9) FAIL("expected amount and account");
    u64 amount = load_u64(input);
    u64 balance = get_balance(input + 8, n - 8);
    if (balance + amount < balance) FAIL("balance overflow");
    set_balance(input + 8, n - 8, balance + amount);
}

EXPORT(transfer) void transfer(void) {
    unsigned char from[MAX_NAME];
    u32 from_len = read_caller(from);
    u32 n = read_input(input, sizeof input);
    if (n < 9) FAIL("expected amount and account");
    u64 amount = load_u64(input);
    u64 from_balance = get_balance(from, from_len);
    if (from_balance < amount) FAIL("insufficient balance");
    set_balance(from, from_len, from_balance - amount);
    u64 to_balance = get_balance(input + 8, n - 8);
    if (to_balance + amount < to_balance) FAIL("balance overflow");
    set_balance(input + 8, n - 8, to_balance + amount);
}

EXPORT(balance) void balance(void) {
    unsigned char out[8];
    u32 n = read_input(input, sizeof input);
    store_u64(out, get_balance(input, n));
    output_write(out, 8);
}
