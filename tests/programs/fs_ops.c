/* fs_ops: filesystem work inside the preopened directory mounted at /data
 * (tests/programs/data).  Reads the preloaded files, then creates files and
 * directories under /data/out, seeks, reads/writes at offsets, truncates,
 * renames, unlinks, removes directories, lists directories, and checks the
 * errno of failing calls.  Finally prints the whole tree (sorted) with sizes
 * and FNV-1a checksums, which is also what --fs-out should contain.
 * Usage: fs_ops.wasm [ROOT]   (ROOT defaults to /data) */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "errname.h"

static const char *root = "/data";
static char pbuf[4][512];
static int pidx;

/* root-relative path helper (rotating static buffers) */
static const char *P(const char *rel) {
    char *b = pbuf[pidx++ & 3];
    snprintf(b, 512, "%s/%s", root, rel);
    return b;
}

static uint32_t fnv1a(const unsigned char *p, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 16777619u; }
    return h;
}

static unsigned char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 256, n = 0;
    unsigned char *buf = malloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

#define CHECK(what, expr) do { errno = 0; int rc_ = (expr); \
    printf("%-40s -> %d %s\n", what, rc_, rc_ < 0 ? errname(errno) : "OK"); } while (0)

static int write_str(const char *path, const char *s, int flags) {
    int fd = open(path, flags, 0644);
    if (fd < 0) return -1;
    ssize_t w = write(fd, s, strlen(s));
    close(fd);
    return (int)w;
}

static int cmpstr(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read a directory's entry names (without . and ..) in readdir order. */
static int list_dir(const char *path, char ***out) {
    DIR *d = opendir(path);
    if (!d) return -1;
    int n = 0, cap = 16;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (n == cap) names = realloc(names, (cap *= 2) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    *out = names;
    return n;
}

static void tree(const char *path, const char *rel, int depth) {
    char **names;
    int n = list_dir(path, &names);
    if (n < 0) { printf("  (cannot list %s: %s)\n", path, errname(errno)); return; }
    qsort(names, n, sizeof *names, cmpstr);
    for (int i = 0; i < n; i++) {
        char full[512], r[512];
        snprintf(full, sizeof full, "%s/%s", path, names[i]);
        snprintf(r, sizeof r, "%s%s", rel, names[i]);
        struct stat st;
        if (lstat(full, &st) != 0) { printf("  %s: lstat %s\n", r, errname(errno)); continue; }
        if (S_ISDIR(st.st_mode)) {
            printf("  %-28s dir\n", r);
            char r2[520];
            snprintf(r2, sizeof r2, "%s/", r);
            tree(full, r2, depth + 1);
        } else if (S_ISREG(st.st_mode)) {
            size_t len;
            unsigned char *b = slurp(full, &len);
            printf("  %-28s file %6lld bytes fnv1a=%08x\n", r, (long long)st.st_size, b ? fnv1a(b, len) : 0);
            free(b);
        } else {
            printf("  %-28s other\n", r);
        }
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv) {
    if (argc > 1) root = argv[1];
    printf("== read preloaded files under %s\n", root);
    size_t len;
    unsigned char *b = slurp(P("hello.txt"), &len);
    if (!b) { printf("cannot read hello.txt: %s\n", errname(errno)); return 1; }
    printf("hello.txt (%zu bytes): %.*s", len, (int)len, b);
    free(b);

    FILE *csv = fopen(P("numbers.csv"), "r");
    char line[256];
    fgets(line, sizeof line, csv); /* header */
    int rows = 0; long qty = 0; double total = 0;
    while (fgets(line, sizeof line, csv)) {
        char name[64]; int q; double price;
        if (sscanf(line, "%63[^,],%d,%lf", name, &q, &price) == 3) {
            rows++; qty += q; total += q * price;
            printf("csv row %d: %s qty=%d price=%.2f\n", rows, name, q, price);
        }
    }
    fclose(csv);
    printf("csv: rows=%d qty=%ld total=%.2f\n", rows, qty, total);

    b = slurp(P("binary.bin"), &len);
    printf("binary.bin: %zu bytes fnv1a=%08x\n", len, fnv1a(b, len));
    free(b);
    int fd = open(P("binary.bin"), O_RDONLY);
    unsigned char four[4];
    ssize_t r = pread(fd, four, 4, 510);
    printf("pread(4 @510) = %zd: %02x %02x %02x %02x\n", r, four[0], four[1], four[2], four[3]);
    printf("lseek(END,-3) = %lld\n", (long long)lseek(fd, -3, SEEK_END));
    r = read(fd, four, 4);
    printf("read after it = %zd: %02x %02x %02x\n", r, four[0], four[1], four[2]);
    printf("read at EOF = %zd\n", read(fd, four, 4));
    close(fd);
    b = slurp(P("sub/nested.txt"), &len);
    printf("sub/nested.txt: %.*s", (int)len, b);
    free(b);

    printf("== directories\n");
    CHECK("mkdir out", mkdir(P("out"), 0755));
    CHECK("mkdir out again", mkdir(P("out"), 0755));
    CHECK("mkdir out/x/y (missing parent)", mkdir(P("out/x/y"), 0755));
    CHECK("mkdir out/docs", mkdir(P("out/docs"), 0755));
    CHECK("mkdir out/empty", mkdir(P("out/empty"), 0755));
    CHECK("mkdir out/docs/deep", mkdir(P("out/docs/deep"), 0755));

    printf("== write, append, read back\n");
    FILE *f = fopen(P("out/log.txt"), "w");
    for (int i = 1; i <= 5; i++) fprintf(f, "log line %d: %d squared is %d\n", i, i, i * i);
    fclose(f);
    f = fopen(P("out/log.txt"), "a");
    fprintf(f, "appended line\n");
    fclose(f);
    b = slurp(P("out/log.txt"), &len);
    printf("out/log.txt (%zu bytes):\n%.*s", len, (int)len, b);
    free(b);
    CHECK("O_CREAT|O_EXCL on existing file", open(P("out/log.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644));
    CHECK("write docs/a.txt", write_str(P("out/docs/a.txt"), "alpha\n", O_WRONLY | O_CREAT | O_TRUNC));
    CHECK("write docs/b.txt", write_str(P("out/docs/b.txt"), "bravo bravo\n", O_WRONLY | O_CREAT | O_TRUNC));
    CHECK("write docs/deep/c.txt", write_str(P("out/docs/deep/c.txt"), "charlie\n", O_WRONLY | O_CREAT | O_TRUNC));
    CHECK("O_TRUNC rewrite docs/b.txt", write_str(P("out/docs/b.txt"), "B\n", O_WRONLY | O_TRUNC));
    CHECK("O_APPEND docs/a.txt", write_str(P("out/docs/a.txt"), "alpha2\n", O_WRONLY | O_APPEND));

    printf("== seek, pwrite, holes, truncate\n");
    fd = open(P("out/seek.bin"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    printf("write 10 = %zd\n", write(fd, "0123456789", 10));
    printf("lseek(SET,3) = %lld\n", (long long)lseek(fd, 3, SEEK_SET));
    printf("write 3 = %zd\n", write(fd, "abc", 3));
    printf("lseek(CUR,0) = %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    printf("lseek(END,5) = %lld\n", (long long)lseek(fd, 5, SEEK_END));
    printf("write 1 = %zd\n", write(fd, "Z", 1));
    printf("pwrite(\"PQ\" @1) = %zd\n", pwrite(fd, "PQ", 2, 1));
    printf("lseek(CUR,0) after pwrite = %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    struct stat st;
    fstat(fd, &st);
    printf("fstat size = %lld\n", (long long)st.st_size);
    unsigned char buf[32];
    lseek(fd, 0, SEEK_SET);
    r = read(fd, buf, sizeof buf);
    printf("contents (%zd):", r);
    for (ssize_t i = 0; i < r; i++) printf(" %02x", buf[i]);
    printf("\n");
    printf("lseek(CUR,-4) = %lld\n", (long long)lseek(fd, -4, SEEK_CUR));
    r = read(fd, buf, 4);
    printf("read 4 = %zd: %02x %02x %02x %02x\n", r, buf[0], buf[1], buf[2], buf[3]);
    CHECK("lseek(SET,-1)", (int)lseek(fd, -1, SEEK_SET));
    CHECK("ftruncate(8)", ftruncate(fd, 8));
    fstat(fd, &st);
    printf("size after ftruncate = %lld\n", (long long)st.st_size);
    CHECK("ftruncate(12) (extend)", ftruncate(fd, 12));
    r = pread(fd, buf, sizeof buf, 0);
    printf("pread all (%zd):", r);
    for (ssize_t i = 0; i < r; i++) printf(" %02x", buf[i]);
    printf("\n");
    close(fd);
    CHECK("truncate(path, 4) docs/a.txt", truncate(P("out/docs/a.txt"), 4));
    CHECK("lseek on stdout (ESPIPE?)", (int)lseek(1, 0, SEEK_CUR) < 0 ? -1 : 0);

    printf("== rename\n");
    CHECK("rename log.txt -> renamed.txt", rename(P("out/log.txt"), P("out/renamed.txt")));
    CHECK("stat old name", stat(P("out/log.txt"), &st));
    CHECK("stat new name", stat(P("out/renamed.txt"), &st));
    printf("renamed.txt size = %lld\n", (long long)st.st_size);
    CHECK("write out/victim.txt", write_str(P("out/victim.txt"), "to be replaced\n", O_WRONLY | O_CREAT | O_TRUNC));
    CHECK("rename docs/b.txt over victim.txt", rename(P("out/docs/b.txt"), P("out/victim.txt")));
    b = slurp(P("out/victim.txt"), &len);
    printf("victim.txt now: %.*s", (int)len, b);
    free(b);
    CHECK("rename missing file", rename(P("out/nope"), P("out/nope2")));
    CHECK("rename dir docs/deep -> out/moved", rename(P("out/docs/deep"), P("out/moved")));
    CHECK("stat out/moved/c.txt", stat(P("out/moved/c.txt"), &st));

    printf("== unlink, rmdir\n");
    CHECK("write out/tmp.txt", write_str(P("out/tmp.txt"), "temporary\n", O_WRONLY | O_CREAT | O_TRUNC));
    CHECK("unlink out/tmp.txt", unlink(P("out/tmp.txt")));
    CHECK("unlink out/tmp.txt again", unlink(P("out/tmp.txt")));
    CHECK("access out/tmp.txt", access(P("out/tmp.txt"), F_OK));
    CHECK("rmdir out/docs (not empty)", rmdir(P("out/docs")));
    CHECK("rmdir out/empty", rmdir(P("out/empty")));
    CHECK("rmdir out/empty again", rmdir(P("out/empty")));
    CHECK("rmdir a file", rmdir(P("out/renamed.txt")));
    CHECK("unlink a directory", unlink(P("out/docs")));
    /* unlink while open: the open fd keeps working */
    fd = open(P("out/ghost.txt"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "boo", 3);
    CHECK("unlink open file ghost.txt", unlink(P("out/ghost.txt")));
    r = pread(fd, buf, 3, 0);
    printf("read from unlinked open fd = %zd: %.3s\n", r, buf);
    close(fd);

    printf("== errors\n");
    CHECK("open missing file", open(P("missing.txt"), O_RDONLY));
    CHECK("open file as dir", open(P("hello.txt/x"), O_RDONLY));
    CHECK("open dir for writing", open(P("sub"), O_WRONLY));
    CHECK("opendir on a file", opendir(P("hello.txt")) ? 0 : -1);
    CHECK("mkdir over existing file", mkdir(P("hello.txt"), 0755));

    printf("== stat\n");
    stat(P("sub"), &st);
    printf("sub: isdir=%d\n", S_ISDIR(st.st_mode));
    stat(P("binary.bin"), &st);
    printf("binary.bin: isreg=%d size=%lld\n", S_ISREG(st.st_mode), (long long)st.st_size);

    printf("== directory listing of %s (sorted)\n", root);
    char **names;
    int n = list_dir(root, &names);
    char **sorted = malloc(n * sizeof *sorted);
    memcpy(sorted, names, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmpstr);
    for (int i = 0; i < n; i++) printf("  %s\n", sorted[i]);
    /* readdir order is host-defined; detwasm returns names in byte order,
     * so on detwasm this line equals the sorted list. */
    printf("readdir-order:");
    for (int i = 0; i < n; i++) printf(" %s", names[i]);
    printf("\n");

    printf("== final tree of %s\n", root);
    tree(root, "", 0);
    return 0;
}
