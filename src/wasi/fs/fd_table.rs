//! The fd table: which fd numbers are open and what each refers to (stdio stream,
//! file or directory of a preopen tree, with position, flags and rights). It allocates
//! the lowest free number, deterministically. It does not touch trees' open counts;
//! the calls that open and close do. Depends on `errno`.

use std::collections::BTreeMap;

use super::super::errno::Errno;

/// The most fds open at once; opening another fails with `EMFILE`.
pub const MAX_OPEN_FDS: u32 = 1024;

/// What an fd refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FdKind {
    /// The configured stdin bytes.
    Stdin,
    /// The captured stdout.
    Stdout,
    /// The captured stderr.
    Stderr,
    /// A regular file (or, through `path_open` without follow, never a symlink) of
    /// tree `tree`, with the current position in bytes.
    File { tree: usize, ino: u64, pos: u64 },
    /// A directory of tree `tree`; `preopen` holds the guest path of a preopen.
    Dir {
        tree: usize,
        ino: u64,
        preopen: Option<String>,
    },
}

/// One open fd.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FdEntry {
    pub(crate) kind: FdKind,
    /// `fdflags` bits (only `append` changes behaviour).
    pub(crate) flags: u16,
    pub(crate) rights_base: u64,
    pub(crate) rights_inheriting: u64,
}

impl FdEntry {
    /// The tree and inode the fd refers to, for files and directories.
    pub(crate) fn inode(&self) -> Option<(usize, u64)> {
        match self.kind {
            FdKind::File { tree, ino, .. } | FdKind::Dir { tree, ino, .. } => Some((tree, ino)),
            _ => None,
        }
    }
}

/// Open fds by number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct FdTable {
    fds: BTreeMap<u32, FdEntry>,
}

impl FdTable {
    pub(crate) fn get(&self, fd: u32) -> Result<&FdEntry, Errno> {
        self.fds.get(&fd).ok_or(Errno::Badf)
    }

    pub(crate) fn get_mut(&mut self, fd: u32) -> Result<&mut FdEntry, Errno> {
        self.fds.get_mut(&fd).ok_or(Errno::Badf)
    }

    /// The lowest free fd number, without taking it.
    ///
    /// # Errors
    /// `EMFILE` when [`MAX_OPEN_FDS`] are open.
    pub(crate) fn next_free(&self) -> Result<u32, Errno> {
        if self.fds.len() >= MAX_OPEN_FDS as usize {
            return Err(Errno::Mfile);
        }
        let mut want = 0u32;
        for &fd in self.fds.keys() {
            if fd != want {
                break;
            }
            want += 1;
        }
        Ok(want)
    }

    /// Puts `entry` at `fd`, returning what was there.
    pub(crate) fn insert(&mut self, fd: u32, entry: FdEntry) -> Option<FdEntry> {
        self.fds.insert(fd, entry)
    }

    /// Every open fd with its entry, in increasing fd order.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (u32, &FdEntry)> {
        self.fds.iter().map(|(&fd, e)| (fd, e))
    }

    pub(crate) fn remove(&mut self, fd: u32) -> Result<FdEntry, Errno> {
        self.fds.remove(&fd).ok_or(Errno::Badf)
    }
}
