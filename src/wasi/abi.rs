//! The WASI preview1 ABI as numbers: rights bits, flag bits, file types, clock ids and
//! the byte layouts of the structures exchanged through guest memory. Plain constants,
//! no logic. Depends on nothing.
//!
//! Every value is the one of the preview1 witx files (`typenames.witx`), which
//! wasi-libc's `wasi/api.h` also asserts.

/// `rights::fd_datasync`.
pub const RIGHT_FD_DATASYNC: u64 = 1 << 0;
/// `rights::fd_read`.
pub const RIGHT_FD_READ: u64 = 1 << 1;
/// `rights::fd_seek`.
pub const RIGHT_FD_SEEK: u64 = 1 << 2;
/// `rights::fd_fdstat_set_flags`.
pub const RIGHT_FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
/// `rights::fd_sync`.
pub const RIGHT_FD_SYNC: u64 = 1 << 4;
/// `rights::fd_tell`.
pub const RIGHT_FD_TELL: u64 = 1 << 5;
/// `rights::fd_write`.
pub const RIGHT_FD_WRITE: u64 = 1 << 6;
/// `rights::fd_advise`.
pub const RIGHT_FD_ADVISE: u64 = 1 << 7;
/// `rights::fd_allocate`.
pub const RIGHT_FD_ALLOCATE: u64 = 1 << 8;
/// `rights::path_create_directory`.
pub const RIGHT_PATH_CREATE_DIRECTORY: u64 = 1 << 9;
/// `rights::path_create_file`.
pub const RIGHT_PATH_CREATE_FILE: u64 = 1 << 10;
/// `rights::path_link_source`.
pub const RIGHT_PATH_LINK_SOURCE: u64 = 1 << 11;
/// `rights::path_link_target`.
pub const RIGHT_PATH_LINK_TARGET: u64 = 1 << 12;
/// `rights::path_open`.
pub const RIGHT_PATH_OPEN: u64 = 1 << 13;
/// `rights::fd_readdir`.
pub const RIGHT_FD_READDIR: u64 = 1 << 14;
/// `rights::path_readlink`.
pub const RIGHT_PATH_READLINK: u64 = 1 << 15;
/// `rights::path_rename_source`.
pub const RIGHT_PATH_RENAME_SOURCE: u64 = 1 << 16;
/// `rights::path_rename_target`.
pub const RIGHT_PATH_RENAME_TARGET: u64 = 1 << 17;
/// `rights::path_filestat_get`.
pub const RIGHT_PATH_FILESTAT_GET: u64 = 1 << 18;
/// `rights::path_filestat_set_size` (never granted: truncation goes through
/// `path_open` with `oflags::trunc`).
pub const RIGHT_PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
/// `rights::path_filestat_set_times`.
pub const RIGHT_PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
/// `rights::fd_filestat_get`.
pub const RIGHT_FD_FILESTAT_GET: u64 = 1 << 21;
/// `rights::fd_filestat_set_size`.
pub const RIGHT_FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
/// `rights::fd_filestat_set_times`.
pub const RIGHT_FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
/// `rights::path_symlink`.
pub const RIGHT_PATH_SYMLINK: u64 = 1 << 24;
/// `rights::path_remove_directory`.
pub const RIGHT_PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
/// `rights::path_unlink_file`.
pub const RIGHT_PATH_UNLINK_FILE: u64 = 1 << 26;
/// `rights::poll_fd_readwrite`.
pub const RIGHT_POLL_FD_READWRITE: u64 = 1 << 27;
/// `rights::sock_shutdown`.
pub const RIGHT_SOCK_SHUTDOWN: u64 = 1 << 28;
/// `rights::sock_accept`.
pub const RIGHT_SOCK_ACCEPT: u64 = 1 << 29;

/// Every right that applies to a regular file fd; a file fd never reports others.
pub const FILE_RIGHTS: u64 = RIGHT_FD_DATASYNC
    | RIGHT_FD_READ
    | RIGHT_FD_SEEK
    | RIGHT_FD_FDSTAT_SET_FLAGS
    | RIGHT_FD_SYNC
    | RIGHT_FD_TELL
    | RIGHT_FD_WRITE
    | RIGHT_FD_ADVISE
    | RIGHT_FD_ALLOCATE
    | RIGHT_FD_FILESTAT_GET
    | RIGHT_FD_FILESTAT_SET_SIZE
    | RIGHT_FD_FILESTAT_SET_TIMES
    | RIGHT_POLL_FD_READWRITE;

/// Every right that applies to a directory fd (the base rights of a preopen).
pub const DIR_RIGHTS: u64 = RIGHT_PATH_CREATE_DIRECTORY
    | RIGHT_PATH_CREATE_FILE
    | RIGHT_PATH_LINK_SOURCE
    | RIGHT_PATH_LINK_TARGET
    | RIGHT_PATH_OPEN
    | RIGHT_FD_READDIR
    | RIGHT_PATH_READLINK
    | RIGHT_PATH_RENAME_SOURCE
    | RIGHT_PATH_RENAME_TARGET
    | RIGHT_PATH_FILESTAT_GET
    | RIGHT_PATH_FILESTAT_SET_TIMES
    | RIGHT_FD_FILESTAT_GET
    | RIGHT_FD_FILESTAT_SET_TIMES
    | RIGHT_PATH_SYMLINK
    | RIGHT_PATH_REMOVE_DIRECTORY
    | RIGHT_PATH_UNLINK_FILE;

/// The inheriting rights of a directory fd: what fds opened through it may get.
pub const DIR_INHERITING_RIGHTS: u64 = DIR_RIGHTS | FILE_RIGHTS;

/// Base rights of stdin.
pub const STDIN_RIGHTS: u64 = RIGHT_FD_READ | RIGHT_FD_FILESTAT_GET | RIGHT_POLL_FD_READWRITE;
/// Base rights of stdout and stderr.
pub const STDOUT_RIGHTS: u64 = RIGHT_FD_WRITE | RIGHT_FD_FILESTAT_GET | RIGHT_POLL_FD_READWRITE;

/// `oflags::creat`.
pub const OFLAGS_CREAT: u16 = 1 << 0;
/// `oflags::directory`.
pub const OFLAGS_DIRECTORY: u16 = 1 << 1;
/// `oflags::excl`.
pub const OFLAGS_EXCL: u16 = 1 << 2;
/// `oflags::trunc`.
pub const OFLAGS_TRUNC: u16 = 1 << 3;
/// Every defined `oflags` bit.
pub const OFLAGS_ALL: u16 = OFLAGS_CREAT | OFLAGS_DIRECTORY | OFLAGS_EXCL | OFLAGS_TRUNC;

/// `fdflags::append`.
pub const FDFLAGS_APPEND: u16 = 1 << 0;
/// Every defined `fdflags` bit (`append`, `dsync`, `nonblock`, `rsync`, `sync`).
pub const FDFLAGS_ALL: u16 = 0x1f;

/// `lookupflags::symlink_follow`.
pub const LOOKUPFLAGS_SYMLINK_FOLLOW: u32 = 1 << 0;

/// `fstflags::atim`.
pub const FSTFLAGS_ATIM: u16 = 1 << 0;
/// `fstflags::atim_now`.
pub const FSTFLAGS_ATIM_NOW: u16 = 1 << 1;
/// `fstflags::mtim`.
pub const FSTFLAGS_MTIM: u16 = 1 << 2;
/// `fstflags::mtim_now`.
pub const FSTFLAGS_MTIM_NOW: u16 = 1 << 3;
/// Every defined `fstflags` bit.
pub const FSTFLAGS_ALL: u16 = 0xf;

/// `subclockflags::subscription_clock_abstime`.
pub const SUBCLOCKFLAGS_ABSTIME: u16 = 1 << 0;

/// `filetype::unknown`.
pub const FILETYPE_UNKNOWN: u8 = 0;
/// `filetype::character_device`.
pub const FILETYPE_CHARACTER_DEVICE: u8 = 2;
/// `filetype::directory`.
pub const FILETYPE_DIRECTORY: u8 = 3;
/// `filetype::regular_file`.
pub const FILETYPE_REGULAR_FILE: u8 = 4;
/// `filetype::symbolic_link`.
pub const FILETYPE_SYMBOLIC_LINK: u8 = 7;

/// `whence::set`.
pub const WHENCE_SET: u8 = 0;
/// `whence::cur`.
pub const WHENCE_CUR: u8 = 1;
/// `whence::end`.
pub const WHENCE_END: u8 = 2;

/// The largest `advice` value (`noreuse`).
pub const ADVICE_MAX: u8 = 5;

/// `eventtype::clock`.
pub const EVENTTYPE_CLOCK: u8 = 0;
/// `eventtype::fd_read`.
pub const EVENTTYPE_FD_READ: u8 = 1;
/// `eventtype::fd_write`.
pub const EVENTTYPE_FD_WRITE: u8 = 2;

/// `preopentype::dir`.
pub const PREOPENTYPE_DIR: u8 = 0;

/// Size of `iovec` / `ciovec` (`buf: u32` at 0, `buf_len: u32` at 4), in bytes.
pub const IOVEC_SIZE: u32 = 8;
/// Size of `fdstat` (`fs_filetype: u8` at 0, `fs_flags: u16` at 2, `fs_rights_base:
/// u64` at 8, `fs_rights_inheriting: u64` at 16), in bytes.
pub const FDSTAT_SIZE: u32 = 24;
/// Size of `filestat` (`dev` 0, `ino` 8, `filetype: u8` 16, `nlink` 24, `size` 32,
/// `atim` 40, `mtim` 48, `ctim` 56; all u64 but filetype), in bytes.
pub const FILESTAT_SIZE: u32 = 64;
/// Size of `prestat` (`tag: u8` at 0, `pr_name_len: u32` at 4), in bytes.
pub const PRESTAT_SIZE: u32 = 8;
/// Size of a `dirent` header (`d_next: u64` 0, `d_ino: u64` 8, `d_namlen: u32` 16,
/// `d_type: u8` 20), in bytes; the name follows it, not NUL-terminated.
pub const DIRENT_SIZE: u32 = 24;
/// Size of `subscription` (`userdata: u64` 0, tag `u8` 8; clock: `id: u32` 16,
/// `timeout: u64` 24, `precision: u64` 32, `flags: u16` 40; fd: `fd: u32` 16), in bytes.
pub const SUBSCRIPTION_SIZE: u32 = 48;
/// Size of `event` (`userdata: u64` 0, `error: u16` 8, `type: u8` 10, `nbytes: u64`
/// 16, `flags: u16` 24), in bytes.
pub const EVENT_SIZE: u32 = 32;
