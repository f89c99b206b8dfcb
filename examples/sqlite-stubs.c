/* Stubs for the few POSIX functions SQLite's os_unix.c and shell.c reference
 * that wasi-libc does not provide.  WASI has no permission bits, owners or
 * process control, so these are harmless no-ops (or fail with ENOSYS where
 * a caller checks the result).  Linked by examples/build-sqlite.sh. */
#include <errno.h>
#include <sys/types.h>

int chmod(const char *path, mode_t mode) { (void)path; (void)mode; return 0; }
int fchmod(int fd, mode_t mode) { (void)fd; (void)mode; return 0; }
int fchown(int fd, uid_t uid, gid_t gid) { (void)fd; (void)uid; (void)gid; return 0; }
uid_t geteuid(void) { return 0; }
uid_t getuid(void) { return 0; }
mode_t umask(mode_t mask) { (void)mask; return 022; }

/* realpath(): wasi-libc has none (WASI has no global namespace to resolve
 * against).  Used only by the shell's realpath() SQL function.  This version
 * normalizes lexically ("." and ".." components, repeated slashes) against
 * the current directory and fails with ENOENT when the path does not exist;
 * symbolic links are not resolved. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *realpath(const char *restrict path, char *restrict resolved) {
    char buf[PATH_MAX];
    struct stat st;
    if (!path) { errno = EINVAL; return NULL; }
    if (stat(path, &st) != 0) return NULL;
    size_t len = 0;
    if (path[0] != '/') {
        if (!getcwd(buf, sizeof buf)) return NULL;
        len = strlen(buf);
        if (len == 1) len = 0; /* "/" */
    }
    const char *p = path;
    while (*p) {
        while (*p == '/') p++;
        const char *start = p;
        while (*p && *p != '/') p++;
        size_t n = (size_t)(p - start);
        if (n == 0 || (n == 1 && start[0] == '.')) continue;
        if (n == 2 && start[0] == '.' && start[1] == '.') {
            while (len > 0 && buf[len - 1] != '/') len--;
            if (len > 0) len--;
            continue;
        }
        if (len + 1 + n + 1 > sizeof buf) { errno = ENAMETOOLONG; return NULL; }
        buf[len++] = '/';
        memcpy(buf + len, start, n);
        len += n;
    }
    if (len == 0) buf[len++] = '/';
    buf[len] = 0;
    if (!resolved) return strdup(buf);
    memcpy(resolved, buf, len + 1);
    return resolved;
}

/* SQLITE_EXTRA_INIT hook (build-sqlite.sh passes
 * -DSQLITE_EXTRA_INIT=detwasm_sqlite_init), run at the end of
 * sqlite3_initialize().  On WASI, os_unix.c's xRandomness tries to open
 * /dev/urandom, which no preopen provides, and falls back to time() and a
 * fixed pid: random(), randomblob() and temporary names would then depend
 * on the clock only.  This points the default VFS's xRandomness at
 * getentropy(), i.e. WASI random_get, so they follow the host's RNG (in
 * detwasm: the --seed). */
#include <unistd.h>
#include "sqlite3.h"

static int wasi_randomness(sqlite3_vfs *vfs, int n, char *out) {
    (void)vfs;
    int done = 0;
    while (done < n) {
        int chunk = n - done > 256 ? 256 : n - done;
        if (getentropy(out + done, (size_t)chunk) != 0) break;
        done += chunk;
    }
    return done;
}

int detwasm_sqlite_init(const char *unused) {
    (void)unused;
    sqlite3_vfs *vfs = sqlite3_vfs_find(0);
    if (vfs) vfs->xRandomness = wasi_randomness;
    return SQLITE_OK;
}
