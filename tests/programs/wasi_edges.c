/* Probes the WASI preview1 path and fd calls at the raw ABI level (<wasi/api.h>,
 * no libc path handling in between) with the edge cases where runtimes differ:
 * absolute paths, `..` past the preopen, dangling, looping and escaping symlinks,
 * trailing slashes, non-directories in the middle of a path, `.`/`..` endings, and
 * fd calls on the wrong kind of fd. Prints one line per call: the call, its path
 * and the errno name (plus the file type or size where that is what differs).
 *
 * Run with one preopen (fd 3), a writable directory: every phase works in fresh
 * fixture directories it creates (p1, p2_NN, p3_NN), so the final tree records
 * every effect. The differential test (tests/wasi_differential.rs) runs it under
 * detwasm and wasmtime and requires the same output and the same final tree. */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#include "wasi_errno.h"

static const char *ftype(__wasi_filetype_t t) {
    switch (t) {
    case __WASI_FILETYPE_DIRECTORY: return "dir";
    case __WASI_FILETYPE_REGULAR_FILE: return "file";
    case __WASI_FILETYPE_SYMBOLIC_LINK: return "symlink";
    default: return "other";
    }
}

#define ROOT 3
#define RIGHTS_RW (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE)

static void must(__wasi_errno_t e, const char *what) {
    if (e != 0) {
        printf("setup failed: %s: %s\n", what, en(e));
        __wasi_proc_exit(1);
    }
}

static void write_file(const char *path, const char *text) {
    __wasi_fd_t fd;
    must(__wasi_path_open(ROOT, 0, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                          RIGHTS_RW, 0, 0, &fd), path);
    __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
    __wasi_size_t n;
    must(__wasi_fd_write(fd, &iov, 1, &n), path);
    must(__wasi_fd_close(fd), path);
}

/* The fixture: a directory `d` with a file, a non-empty directory, and symlinks
 * that dangle, loop, escape (absolute, `..` past the root) or point inside. */
static void fixture(const char *d) {
    char p[256];
    must(__wasi_path_create_directory(ROOT, d), d);
#define AT(name) (snprintf(p, sizeof p, "%s/%s", d, name), p)
    write_file(AT("file.txt"), "hello\n");
    must(__wasi_path_create_directory(ROOT, AT("dir")), "dir");
    must(__wasi_path_create_directory(ROOT, AT("dir/inner")), "dir/inner");
    write_file(AT("dir/inner/leaf"), "leaf\n");
    static const char *const links[][2] = {
        {"nowhere", "dangling"}, {"loop2", "loop1"}, {"loop1", "loop2"},
        {"self", "self"}, {"file.txt", "tofile"}, {"dir", "todir"},
        {"..", "updir"}, {"../../outside", "up"}, {"dir/../../..", "upmore"},
        {"file.txt/", "tofile_slash"},
    };
    for (size_t i = 0; i < sizeof links / sizeof *links; i++)
        must(__wasi_path_symlink(links[i][0], ROOT, AT(links[i][1])), links[i][1]);
#undef AT
}

/* Paths relative to the preopen; `@` is replaced by the phase's fixture dir. */
static const char *const PATHS[] = {
    "/", "/etc", "/@/file.txt", "..", "../x", "@/../..", "@/../../x", "@/file.txt",
    "@/file.txt/", "@/file.txt/x", "@/missing", "@/missing/", "@/missing/x",
    "@/dangling", "@/dangling/", "@/loop1", "@/loop1/x", "@/self", "@/abs",
    "@/up", "@/up/x", "@/upmore", "@/tofile", "@/tofile/", "@/tofile_slash",
    "@/todir", "@/todir/", "@/todir/inner", "@/dir", "@/dir/", "@/dir/inner/",
    "@/updir/@/file.txt", "@/.", "@/dir/..", "@//file.txt", "@/./file.txt", "",
    ".", "@/dir/inner/leaf/..",
};
#define NPATHS (sizeof PATHS / sizeof *PATHS)

static const char *expand(const char *pattern, const char *d, char *out, size_t cap) {
    size_t n = 0;
    for (const char *s = pattern; *s && n + 1 < cap; s++) {
        if (*s == '@') {
            for (const char *t = d; *t && n + 1 < cap; t++) out[n++] = *t;
        } else {
            out[n++] = *s;
        }
    }
    out[n] = 0;
    return out;
}

static void report_stat(const char *op, const char *path, __wasi_errno_t e,
                        const __wasi_filestat_t *st) {
    if (e == 0 && st->filetype == __WASI_FILETYPE_REGULAR_FILE)
        printf("%s '%s' -> OK file %llu\n", op, path, (unsigned long long)st->size);
    else if (e == 0)
        printf("%s '%s' -> OK %s\n", op, path, ftype(st->filetype));
    else
        printf("%s '%s' -> %s\n", op, path, en(e));
}

static void open_probe(const char *op, const char *path, __wasi_lookupflags_t lf,
                       __wasi_oflags_t of, __wasi_rights_t rights) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(ROOT, lf, path, of, rights, 0, 0, &fd);
    if (e == 0) {
        __wasi_fdstat_t st;
        __wasi_errno_t e2 = __wasi_fd_fdstat_get(fd, &st);
        printf("%s '%s' -> OK %s\n", op, path, e2 == 0 ? ftype(st.fs_filetype) : en(e2));
        (void)__wasi_fd_close(fd);
    } else {
        printf("%s '%s' -> %s\n", op, path, en(e));
    }
}

/* Phase 1: calls that only look. */
static void look(void) {
    fixture("p1");
    char path[256];
    for (size_t i = 0; i < NPATHS; i++) {
        expand(PATHS[i], "p1", path, sizeof path);
        __wasi_filestat_t st;
        __wasi_errno_t e = __wasi_path_filestat_get(ROOT, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, &st);
        report_stat("stat", path, e, &st);
        e = __wasi_path_filestat_get(ROOT, 0, path, &st);
        report_stat("lstat", path, e, &st);
        open_probe("open", path, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, __WASI_RIGHTS_FD_READ);
        open_probe("open_nofollow", path, 0, 0, __WASI_RIGHTS_FD_READ);
        open_probe("open_dir", path, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW,
                   __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR);
        open_probe("open_write", path, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, RIGHTS_RW);
        uint8_t buf[64];
        __wasi_size_t used = 0;
        e = __wasi_path_readlink(ROOT, path, buf, sizeof buf, &used);
        if (e == 0)
            printf("readlink '%s' -> OK '%.*s'\n", path, (int)used, (const char *)buf);
        else
            printf("readlink '%s' -> %s\n", path, en(e));
    }
}

/* Phase 2: calls that create, each path in a fresh fixture. */
static void create(void) {
    char d[32], path[256], p2[256];
    for (size_t i = 0; i < NPATHS; i++) {
        snprintf(d, sizeof d, "p2_%02zu", i);
        fixture(d);
        expand(PATHS[i], d, path, sizeof path);
        __wasi_fd_t fd;
        __wasi_errno_t e = __wasi_path_open(ROOT, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path,
                                            __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL,
                                            RIGHTS_RW, 0, 0, &fd);
        printf("create_excl '%s' -> %s\n", path, en(e));
        if (e == 0) (void)__wasi_fd_close(fd);
        e = __wasi_path_open(ROOT, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path,
                             __WASI_OFLAGS_CREAT, RIGHTS_RW, 0, 0, &fd);
        printf("create '%s' -> %s\n", path, en(e));
        if (e == 0) (void)__wasi_fd_close(fd);
        printf("mkdir '%s' -> %s\n", path, en(__wasi_path_create_directory(ROOT, path)));
        printf("symlink '%s' -> %s\n", path, en(__wasi_path_symlink("target", ROOT, path)));
        printf("symlink_abs '%s' -> %s\n", path,
               en(__wasi_path_symlink("/abs/target", ROOT, path)));
        expand("@/file.txt", d, p2, sizeof p2);
        printf("link_to '%s' -> %s\n", path, en(__wasi_path_link(ROOT, 0, p2, ROOT, path)));
        expand("@/linked", d, p2, sizeof p2);
        printf("link_from '%s' -> %s\n", path, en(__wasi_path_link(ROOT, 0, path, ROOT, p2)));
        printf("link_from_follow '%s' -> %s\n", path,
               en(__wasi_path_link(ROOT, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, ROOT, p2)));
    }
}

/* Phase 3: calls that remove or move, each path in a fresh fixture. */
static void destroy(void) {
    char d[32], path[256], p2[256];
    for (size_t i = 0; i < NPATHS; i++) {
        snprintf(d, sizeof d, "p3_%02zu", i);
        fixture(d);
        expand(PATHS[i], d, path, sizeof path);
        expand("@/renamed", d, p2, sizeof p2);
        printf("rename_from '%s' -> %s\n", path, en(__wasi_path_rename(ROOT, path, ROOT, p2)));
        expand("@/dir/inner/leaf", d, p2, sizeof p2);
        printf("rename_to '%s' -> %s\n", path, en(__wasi_path_rename(ROOT, p2, ROOT, path)));
        printf("unlink '%s' -> %s\n", path, en(__wasi_path_unlink_file(ROOT, path)));
        printf("rmdir '%s' -> %s\n", path, en(__wasi_path_remove_directory(ROOT, path)));
    }
}

/* Phase 4: fd calls on the wrong kind of fd. */
static void fds(void) {
    __wasi_fd_t dir, file, file_rw, file_all;
    must(__wasi_path_open(ROOT, 0, "p1/dir", __WASI_OFLAGS_DIRECTORY,
                          __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_FD_READ, 0, 0, &dir), "dir");
    must(__wasi_path_open(ROOT, 0, "p1/file.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &file), "file");
    must(__wasi_path_open(ROOT, 0, "p1/rw.txt", __WASI_OFLAGS_CREAT, RIGHTS_RW, 0, 0, &file_rw),
         "rw");
    must(__wasi_path_open(ROOT, 0, "p1/all.txt", __WASI_OFLAGS_CREAT, (((__wasi_rights_t)1 << 30) - 1), 0, 0,
                          &file_all), "all");
    uint8_t buf[16];
    static const uint8_t wbuf[] = "[w]\n";
    __wasi_iovec_t iov = {buf, sizeof buf};
    __wasi_ciovec_t ciov = {wbuf, 4};
    __wasi_size_t n;
    __wasi_filesize_t pos;
    struct { const char *name; __wasi_fd_t fd; } fdv[] = {
        {"dir", dir}, {"file_ro", file}, {"file_rw", file_rw}, {"file_all", file_all},
        {"preopen", ROOT}, {"closed", 99}, {"stdin", 0}, {"stdout", 1}, {"stderr", 2},
    };
    fflush(stdout);
    for (size_t i = 0; i < sizeof fdv / sizeof *fdv; i++) {
        __wasi_fd_t fd = fdv[i].fd;
        const char *w = fdv[i].name;
        printf("fd_read %s -> %s\n", w, en(__wasi_fd_read(fd, &iov, 1, &n)));
        printf("fd_write %s -> %s\n", w, en(__wasi_fd_write(fd, &ciov, 1, &n)));
        printf("fd_pread %s -> %s\n", w, en(__wasi_fd_pread(fd, &iov, 1, 0, &n)));
        printf("fd_seek %s -> %s\n", w, en(__wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &pos)));
        printf("fd_tell %s -> %s\n", w, en(__wasi_fd_tell(fd, &pos)));
        printf("fd_readdir %s -> %s\n", w, en(__wasi_fd_readdir(fd, buf, sizeof buf, 0, &n)));
        printf("fd_filestat_set_size %s -> %s\n", w, en(__wasi_fd_filestat_set_size(fd, 3)));
        printf("fd_allocate %s -> %s\n", w, en(__wasi_fd_allocate(fd, 0, 3)));
        printf("fd_sync %s -> %s\n", w, en(__wasi_fd_sync(fd)));
        printf("fd_datasync %s -> %s\n", w, en(__wasi_fd_datasync(fd)));
        printf("fd_pwrite %s -> %s\n", w, en(__wasi_fd_pwrite(fd, &ciov, 1, 0, &n)));
        printf("fd_advise %s -> %s\n", w, en(__wasi_fd_advise(fd, 0, 1, __WASI_ADVICE_NORMAL)));
        printf("fd_filestat_set_times %s -> %s\n", w,
               en(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW)));
        printf("fd_fdstat_set_flags %s -> %s\n", w, en(__wasi_fd_fdstat_set_flags(fd, 0)));
        __wasi_filestat_t st;
        printf("fd_filestat_get %s -> %s\n", w, en(__wasi_fd_filestat_get(fd, &st)));
    }
    (void)__wasi_fd_close(dir);
    (void)__wasi_fd_close(file);
    (void)__wasi_fd_close(file_rw);
    (void)__wasi_fd_close(file_all);
}

int main(void) {
    __wasi_prestat_t pre;
    must(__wasi_fd_prestat_get(ROOT, &pre), "fd 3 is not a preopen");
    look();
    create();
    destroy();
    fds();
    return 0;
}
