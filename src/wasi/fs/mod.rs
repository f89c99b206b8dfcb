//! The in-memory filesystem of the WASI host: trees ([`Dir`], one per preopen), path
//! resolution confined to a tree (`path`), the fd table (`fd_table`), the `fd_*` and
//! `path_*` calls (`fd_calls`, `path_calls`), and the loading and export of trees
//! from and to the host disk (`host_io`, used only outside runs). Depends on the
//! parent module's `errno`, `gas`, `guest_mem` and `abi`.

pub(crate) mod fd_calls;
pub(crate) mod fd_table;
mod host_io;
pub(crate) mod path;
pub(crate) mod path_calls;
pub(crate) mod tree;

pub use fd_table::MAX_OPEN_FDS;
pub use host_io::export_to_host;
pub use path::MAX_SYMLINK_HOPS;
pub use tree::{Dir, Entry, INODE_OVERHEAD_BYTES, MAX_NAME_BYTES, MAX_PATH_BYTES, ROOT_INO};
