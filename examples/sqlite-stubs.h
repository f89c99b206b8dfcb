/* Declarations for the functions examples/sqlite-stubs.c provides, which
 * wasi-libc's headers do not declare.  Force-included (-include) into the
 * SQLite sources by examples/build-sqlite.sh. */
#ifndef DETWASM_SQLITE_STUBS_H
#define DETWASM_SQLITE_STUBS_H
#include <sys/types.h>
int chmod(const char *path, mode_t mode);
int fchmod(int fd, mode_t mode);
int fchown(int fd, uid_t uid, gid_t gid);
uid_t geteuid(void);
uid_t getuid(void);
char *realpath(const char *restrict path, char *restrict resolved);
int detwasm_sqlite_init(const char *unused);
#endif
