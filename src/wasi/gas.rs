//! The gas schedule of the WASI host (SPEC.md §Host gas): every constant a host call
//! charges, in one place. A call charges its base cost on entry, then per-unit costs
//! for the work it is about to do, each charge all or nothing and before the work it
//! pays for; a call never has an effect it has not paid for. Depends on nothing.
//!
//! Units are gas, the unit of the wasm instruction schedule (`crate::gas`).

/// Version of the host schedule below; bumped on any change of a cost.
pub const HOST_SCHEDULE_VERSION: u32 = 1;

/// Base cost of every host call that takes no path (`fd_*`, `args_*`, `environ_*`,
/// `clock_*`, `random_get`, `poll_oneoff`, `sched_yield`, `proc_exit`, `sock_*`).
pub const CALL_BASE: u64 = 100;

/// Base cost of a call that resolves paths (`path_*`), in place of [`CALL_BASE`].
pub const PATH_CALL_BASE: u64 = 200;

/// Per byte read from guest memory (paths, iovec arrays, data to write,
/// subscriptions), charged before the bytes are copied.
pub const GUEST_READ_BYTE: u64 = 1;

/// Per byte written into guest memory (data read, results, structures, names),
/// charged before the call has any effect.
pub const GUEST_WRITE_BYTE: u64 = 1;

/// Per byte of file data copied into or out of a file, or zero-filled when a file
/// grows (`fd_write` past the end, `fd_filestat_set_size`, `fd_allocate`); also per
/// byte of stdin consumed and of stdout/stderr captured.
pub const FILE_DATA_BYTE: u64 = 1;

/// Per path component looked up during path resolution (including every component
/// of each symlink target followed), and per ancestor visited by `path_rename`'s
/// check that a directory is not moved into itself.
pub const PATH_STEP: u64 = 10;

/// Per directory entry (including `.` and `..`) of the directory `fd_readdir` lists:
/// the listing is built whole on every call.
pub const DIR_ENTRY: u64 = 10;
