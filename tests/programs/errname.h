/* Tiny helper shared by the test programs: errno value -> symbolic name,
 * so expected outputs do not depend on strerror() wording. */
#ifndef ERRNAME_H
#define ERRNAME_H
#include <errno.h>
static const char *errname(int e) {
    switch (e) {
    case 0: return "OK";
    case EACCES: return "EACCES";
    case EBADF: return "EBADF";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case EISDIR: return "EISDIR";
    case ELOOP: return "ELOOP";
    case ENOENT: return "ENOENT";
    case ENOTDIR: return "ENOTDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case EPERM: return "EPERM";
    case ESPIPE: return "ESPIPE";
    case ENOSYS: return "ENOSYS";
    case ENOTSUP: return "ENOTSUP";
    default: return "E?";
    }
}
#endif
