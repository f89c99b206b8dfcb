/* links: hard links and symbolic links inside the preopen mounted at /data
 * (path_link, path_symlink, path_readlink, lookup with and without
 * symlink_follow), plus the sandbox: absolute paths outside every preopen,
 * `..` and symlinks escaping the preopen, symlink loops.
 * Usage: links.wasm [ROOT]   (ROOT defaults to /data) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "errname.h"

static const char *root = "/data";
static char pbuf[4][512];
static int pidx;
static const char *P(const char *rel) {
    char *b = pbuf[pidx++ & 3];
    snprintf(b, 512, "%s/%s", root, rel);
    return b;
}

#define CHECK(what, expr) do { errno = 0; int rc_ = (expr); \
    printf("%-44s -> %d %s\n", what, rc_, rc_ < 0 ? errname(errno) : "OK"); } while (0)

#define DENIED(what, expr) do { int rc_ = (expr); \
    printf("%-44s -> %s\n", what, rc_ < 0 ? "denied" : "allowed"); \
    if (rc_ >= 0 && strstr(what, "open")) close(rc_); } while (0)

static void cat(const char *label, const char *path) {
    char buf[256];
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("%s: open %s\n", label, errname(errno)); return; }
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    printf("%s: %.*s", label, (int)n, buf);
}

int main(int argc, char **argv) {
    if (argc > 1) root = argv[1];
    struct stat st;
    char buf[256];
    ssize_t n;

    CHECK("mkdir links", mkdir(P("links"), 0755));
    int fd = open(P("links/orig.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "original contents\n", 18);
    close(fd);

    printf("== hard links\n");
    CHECK("link orig.txt -> hard.txt", link(P("links/orig.txt"), P("links/hard.txt")));
    stat(P("links/orig.txt"), &st);
    printf("nlink after link = %lu\n", (unsigned long)st.st_nlink);
    struct stat st2;
    stat(P("links/hard.txt"), &st2);
    printf("same inode = %d\n", st.st_ino == st2.st_ino);
    fd = open(P("links/hard.txt"), O_WRONLY | O_APPEND);
    write(fd, "written via hard link\n", 22);
    close(fd);
    cat("orig.txt", P("links/orig.txt"));
    CHECK("link onto existing name", link(P("links/orig.txt"), P("links/hard.txt")));
    CHECK("unlink orig.txt", unlink(P("links/orig.txt")));
    stat(P("links/hard.txt"), &st);
    printf("nlink after unlink = %lu size = %lld\n", (unsigned long)st.st_nlink, (long long)st.st_size);

    printf("== symbolic links\n");
    CHECK("symlink hard.txt <- sym.txt", symlink("hard.txt", P("links/sym.txt")));
    CHECK("symlink ../hello.txt <- up.txt", symlink("../hello.txt", P("links/up.txt")));
    CHECK("symlink dangling", symlink("does-not-exist", P("links/dangling")));
    CHECK("symlink to dir ../sub <- subdir", symlink("../sub", P("links/subdir")));
    n = readlink(P("links/sym.txt"), buf, sizeof buf);
    printf("readlink sym.txt = %zd \"%.*s\"\n", n, (int)(n > 0 ? n : 0), buf);
    n = readlink(P("links/up.txt"), buf, sizeof buf);
    printf("readlink up.txt = %zd \"%.*s\"\n", n, (int)(n > 0 ? n : 0), buf);
    CHECK("readlink on regular file", (int)readlink(P("links/hard.txt"), buf, sizeof buf));
    cat("via sym.txt", P("links/sym.txt"));
    cat("via up.txt", P("links/up.txt"));
    cat("via subdir/nested.txt", P("links/subdir/nested.txt"));
    CHECK("lstat sym.txt", lstat(P("links/sym.txt"), &st));
    printf("lstat: islnk=%d size=%lld\n", S_ISLNK(st.st_mode), (long long)st.st_size);
    CHECK("stat sym.txt", stat(P("links/sym.txt"), &st));
    printf("stat: isreg=%d size=%lld\n", S_ISREG(st.st_mode), (long long)st.st_size);
    CHECK("stat dangling", stat(P("links/dangling"), &st));
    CHECK("lstat dangling", lstat(P("links/dangling"), &st));
    CHECK("open O_NOFOLLOW on symlink", open(P("links/sym.txt"), O_RDONLY | O_NOFOLLOW));
    CHECK("open O_CREAT through dangling link", (fd = open(P("links/dangling"), O_WRONLY | O_CREAT, 0644)) < 0 ? -1 : 0);
    if (fd >= 0) close(fd);
    CHECK("symlink onto existing name", symlink("x", P("links/sym.txt")));
    CHECK("rename symlink sym.txt -> sym2.txt", rename(P("links/sym.txt"), P("links/sym2.txt")));
    cat("via sym2.txt", P("links/sym2.txt"));
    CHECK("unlink symlink up.txt", unlink(P("links/up.txt")));
    CHECK("hello.txt still there", access(P("hello.txt"), F_OK));

    printf("== loops\n");
    CHECK("symlink loop1 -> loop2", symlink("loop2", P("links/loop1")));
    CHECK("symlink loop2 -> loop1", symlink("loop1", P("links/loop2")));
    CHECK("open loop1", open(P("links/loop1"), O_RDONLY));
    CHECK("symlink self -> self", symlink("self", P("links/self")));
    CHECK("stat self", stat(P("links/self"), &st));

    printf("== sandbox (escapes must be denied; the errno is the host's choice:\n"
           "== preview1 says ENOTCAPABLE, wasmtime answers EPERM, so only denied/allowed is printed)\n");
    DENIED("open /etc/passwd (no preopen)", open("/etc/passwd", O_RDONLY));
    DENIED("open ROOT/../etc/passwd", open(P("../etc/passwd"), O_RDONLY));
    DENIED("open ROOT/sub/../../x", open(P("sub/../../x"), O_RDONLY));
    DENIED("open ROOT/sub/../hello.txt (stays inside)", open(P("sub/../hello.txt"), O_RDONLY));
    symlink("/etc/passwd", P("links/abs"));          /* may be refused at creation */
    DENIED("open links/abs (symlink to /etc/passwd)", open(P("links/abs"), O_RDONLY));
    symlink("../../../etc/passwd", P("links/rel"));
    DENIED("open links/rel (symlink to ../../..)", open(P("links/rel"), O_RDONLY));
    DENIED("mkdir ROOT/../outside", mkdir(P("../outside"), 0755));
    DENIED("rename hello.txt -> ROOT/../stolen", rename(P("hello.txt"), P("../stolen")));
    /* Whether such symlinks may be created at all is the host's choice
     * (wasmtime refuses absolute targets): remove them so the final tree is
     * the same on every host. */
    unlink(P("links/abs"));
    unlink(P("links/rel"));
    printf("done\n");
    return 0;
}
