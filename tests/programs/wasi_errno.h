/* WASI preview1 errno numbers -> witx names, for the raw-ABI probes (wasi_edges.c,
 * wasi_misc.c): they print the errno a <wasi/api.h> call returned, before any libc
 * mapping, so the outputs compare runtimes exactly. */
#ifndef WASI_ERRNO_H
#define WASI_ERRNO_H
#include <wasi/api.h>

static const char *const ERRNO_NAMES[] = {
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN",
    "ALREADY", "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED",
    "CONNREFUSED", "CONNRESET", "DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST",
    "FAULT", "FBIG", "HOSTUNREACH", "IDRM", "ILSEQ", "INPROGRESS", "INTR", "INVAL",
    "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK", "MSGSIZE", "MULTIHOP",
    "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE", "NOBUFS", "NODEV",
    "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC",
    "NOSYS", "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP",
    "NOTTY", "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO",
    "PROTONOSUPPORT", "PROTOTYPE", "RANGE", "ROFS", "SPIPE", "SRCH", "STALE",
    "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE",
};

static const char *en(__wasi_errno_t e) {
    return e < sizeof ERRNO_NAMES / sizeof *ERRNO_NAMES ? ERRNO_NAMES[e] : "?";
}
#endif
