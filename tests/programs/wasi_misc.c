/* Probes the preview1 calls outside the path family at the raw ABI level
 * (<wasi/api.h>): stdio fdstat, prestat, fd_renumber, fd_fdstat_set_rights,
 * fd_seek whence values, fd_readdir cookies and short buffers, poll_oneoff (clock
 * and fd subscriptions, bad input), sched_yield, the socket calls, random_get and
 * clock_res_get errors. Prints errno names and values that do not depend on time
 * or the random stream. Run with one writable preopen as fd 3; the differential
 * test (tests/wasi_differential.rs) compares it with wasmtime. */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#include "wasi_errno.h"

#define ROOT 3

static void prestats(void) {
    for (__wasi_fd_t fd = 0; fd < 6; fd++) {
        __wasi_prestat_t p;
        __wasi_errno_t e = __wasi_fd_prestat_get(fd, &p);
        if (e != 0) {
            printf("prestat %u -> %s\n", fd, en(e));
            continue;
        }
        char name[64];
        e = __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, p.u.dir.pr_name_len);
        printf("prestat %u -> OK tag %u len %u name %.*s (%s)\n", fd, p.tag,
               (unsigned)p.u.dir.pr_name_len, (int)p.u.dir.pr_name_len, name, en(e));
        if (p.u.dir.pr_name_len > 0)
            printf("prestat_dir_name short -> %s\n",
                   en(__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, p.u.dir.pr_name_len - 1)));
    }
}

static void seeks(void) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(ROOT, 0, "seek.txt", __WASI_OFLAGS_CREAT,
                                        __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE |
                                            __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL,
                                        0, 0, &fd);
    printf("open seek.txt -> %s\n", en(e));
    static const uint8_t text[] = "0123456789";
    __wasi_ciovec_t iov = {text, 10};
    __wasi_size_t n;
    printf("write -> %s\n", en(__wasi_fd_write(fd, &iov, 1, &n)));
    struct { __wasi_filedelta_t off; __wasi_whence_t whence; } cases[] = {
        {0, __WASI_WHENCE_SET}, {3, __WASI_WHENCE_SET}, {-1, __WASI_WHENCE_CUR},
        {-2, __WASI_WHENCE_END}, {5, __WASI_WHENCE_END}, {-100, __WASI_WHENCE_CUR},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        __wasi_filesize_t pos = 12345;
        e = __wasi_fd_seek(fd, cases[i].off, cases[i].whence, &pos);
        printf("seek %lld %u -> %s %llu\n", (long long)cases[i].off, cases[i].whence, en(e),
               e == 0 ? (unsigned long long)pos : 0ULL);
    }
    /* Writing past the end leaves a zero-filled gap. */
    __wasi_filesize_t pos;
    printf("seek past end -> %s\n", en(__wasi_fd_seek(fd, 14, __WASI_WHENCE_SET, &pos)));
    printf("write gap -> %s\n", en(__wasi_fd_write(fd, &iov, 1, &n)));
    __wasi_filestat_t st;
    printf("size -> %s %llu\n", en(__wasi_fd_filestat_get(fd, &st)), (unsigned long long)st.size);
    /* Dropping rights, then using them. */
    printf("set_rights drop -> %s\n",
           en(__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ, 0)));
    printf("set_rights regain -> %s\n",
           en(__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0)));
    printf("write after drop -> %s\n", en(__wasi_fd_write(fd, &iov, 1, &n)));
    printf("seek after drop -> %s\n", en(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos)));
    /* Renumbering. */
    __wasi_fd_t other;
    printf("open again -> %s\n",
           en(__wasi_path_open(ROOT, 0, "seek.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &other)));
    printf("renumber -> %s\n", en(__wasi_fd_renumber(other, fd)));
    printf("old fd after renumber -> %s\n", en(__wasi_fd_close(other)));
    printf("renumber closed -> %s\n", en(__wasi_fd_renumber(77, fd)));
    printf("renumber to closed -> %s\n", en(__wasi_fd_renumber(fd, 77)));
    printf("close -> %s\n", en(__wasi_fd_close(fd)));
    printf("close again -> %s\n", en(__wasi_fd_close(fd)));
}

static void readdirs(void) {
    __wasi_fd_t d;
    printf("mkdir rd -> %s\n", en(__wasi_path_create_directory(ROOT, "rd")));
    static const char *const names[] = {"b", "a", "ccc", "dd"};
    for (size_t i = 0; i < 4; i++) {
        char p[16];
        snprintf(p, sizeof p, "rd/%s", names[i]);
        __wasi_fd_t f;
        if (__wasi_path_open(ROOT, 0, p, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &f) == 0)
            (void)__wasi_fd_close(f);
    }
    printf("open rd -> %s\n",
           en(__wasi_path_open(ROOT, 0, "rd", __WASI_OFLAGS_DIRECTORY,
                               __WASI_RIGHTS_FD_READDIR, 0, 0, &d)));
    /* Names in the order the runtime lists them are compared as a set: collect all. */
    uint8_t buf[512];
    __wasi_size_t used;
    __wasi_errno_t e = __wasi_fd_readdir(d, buf, sizeof buf, 0, &used);
    int entries = 0;
    for (size_t at = 0; e == 0 && at + sizeof(__wasi_dirent_t) <= used;) {
        __wasi_dirent_t de;
        memcpy(&de, buf + at, sizeof de);
        entries++;
        at += sizeof de + de.d_namlen;
    }
    printf("readdir -> %s entries %d\n", en(e), entries);
    printf("readdir tiny -> %s used %u\n", en(__wasi_fd_readdir(d, buf, 10, 0, &used)), (unsigned)used);
    printf("readdir past end -> %s used %u\n",
           en(__wasi_fd_readdir(d, buf, sizeof buf, 1000, &used)), (unsigned)used);
    (void)__wasi_fd_close(d);
}

static void polls(void) {
    __wasi_subscription_t subs[3];
    __wasi_event_t events[3];
    __wasi_size_t n = 99;
    memset(subs, 0, sizeof subs);
    subs[0].userdata = 11;
    subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[0].u.u.clock.timeout = 1000; /* 1 us */
    __wasi_errno_t e = __wasi_poll_oneoff(subs, events, 1, &n);
    printf("poll clock -> %s n %u userdata %llu error %s type %u\n", en(e), (unsigned)n,
           (unsigned long long)events[0].userdata, en(events[0].error), events[0].type);
    subs[1].userdata = 22;
    subs[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
    subs[1].u.u.fd_write.file_descriptor = 1;
    e = __wasi_poll_oneoff(subs, events, 2, &n);
    printf("poll clock+stdout -> %s n %u\n", en(e), (unsigned)n);
    for (__wasi_size_t i = 0; e == 0 && i < n; i++)
        printf("  event userdata %llu error %s type %u\n", (unsigned long long)events[i].userdata,
               en(events[i].error), events[i].type);
    printf("poll none -> %s\n", en(__wasi_poll_oneoff(subs, events, 0, &n)));
    subs[2].userdata = 33;
    subs[2].u.tag = __WASI_EVENTTYPE_FD_READ;
    subs[2].u.u.fd_read.file_descriptor = 88;
    e = __wasi_poll_oneoff(subs + 2, events, 1, &n);
    printf("poll closed fd -> %s n %u error %s\n", en(e), (unsigned)n, en(events[0].error));
    struct { const char *what; __wasi_fd_t fd; __wasi_eventtype_t type; } fds[] = {
        {"stdin write", 0, __WASI_EVENTTYPE_FD_WRITE}, {"stdout read", 1, __WASI_EVENTTYPE_FD_READ},
        {"dir read", ROOT, __WASI_EVENTTYPE_FD_READ}, {"dir write", ROOT, __WASI_EVENTTYPE_FD_WRITE},
    };
    for (size_t i = 0; i < sizeof fds / sizeof *fds; i++) {
        subs[2].u.tag = fds[i].type;
        subs[2].u.u.fd_read.file_descriptor = fds[i].fd;
        n = 99;
        e = __wasi_poll_oneoff(subs + 2, events, 1, &n);
        printf("poll %s -> %s n %u error %s\n", fds[i].what, en(e), (unsigned)n,
               en(events[0].error));
    }
    subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[0].u.u.clock.id = 99;
    e = __wasi_poll_oneoff(subs, events, 1, &n);
    printf("poll bad clock -> %s n %u error %s\n", en(e), (unsigned)n, en(events[0].error));
}

static void others(void) {
    printf("sched_yield -> %s\n", en(__wasi_sched_yield()));
    __wasi_timestamp_t t;
    printf("clock_res_get monotonic -> %s\n", en(__wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &t)));
    uint8_t r[8];
    printf("random_get 0 -> %s\n", en(__wasi_random_get(r, 0)));
    printf("random_get 8 -> %s\n", en(__wasi_random_get(r, 8)));
    __wasi_fd_t s;
    printf("sock_accept stdin -> %s\n", en(__wasi_sock_accept(0, 0, &s)));
    printf("sock_accept closed -> %s\n", en(__wasi_sock_accept(66, 0, &s)));
    printf("sock_shutdown stdout -> %s\n", en(__wasi_sock_shutdown(1, __WASI_SDFLAGS_WR)));
    uint8_t buf[4];
    __wasi_iovec_t iov = {buf, 4};
    __wasi_size_t n;
    __wasi_roflags_t ro;
    printf("sock_recv preopen -> %s\n", en(__wasi_sock_recv(ROOT, &iov, 1, 0, &n, &ro)));
    __wasi_ciovec_t ciov = {buf, 4};
    printf("sock_send stderr -> %s\n", en(__wasi_sock_send(2, &ciov, 1, 0, &n)));
}

int main(void) {
    prestats();
    seeks();
    readdirs();
    polls();
    others();
    return 0;
}
