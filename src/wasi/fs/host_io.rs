//! The only real file I/O of the WASI host, done outside any run: reading a host
//! directory into a [`Dir`] before the run ([`Dir::load_host`]) and writing a [`Dir`]
//! out after it ([`Dir::export_to_host`]). Neither recurses on the tree's depth. The
//! CLI calls them; nothing during a run does. Depends on `tree` and std::fs.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::tree::{valid_name, Body, Dir, Node, ROOT_INO};

/// An `InvalidData` error naming `path`.
fn bad(path: &Path, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{}: {what}", path.display()),
    )
}

impl Dir {
    /// Reads the host directory `path` into memory: regular files with their bytes,
    /// subdirectories, and symlinks as symlinks (their targets verbatim, never
    /// followed). Entries are added in byte order of names, so inode numbers are
    /// deterministic; all times are left for the host to set at start (see
    /// `Wasi::new`). `path` itself may be a symlink to a directory.
    ///
    /// # Errors
    /// Any I/O error reading the tree; `InvalidData` for a name or symlink target that
    /// is not UTF-8 or is not a valid entry name, and for any entry that is neither a
    /// regular file, a directory nor a symlink (devices, sockets, FIFOs);
    /// `InvalidInput` when `path` is not a directory.
    pub fn load_host(path: impl AsRef<Path>) -> io::Result<Dir> {
        let path = path.as_ref();
        if !fs::metadata(path)?.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{}: not a directory", path.display()),
            ));
        }
        let mut dir = Dir::new();
        let mut stack: Vec<(PathBuf, u64)> = vec![(path.to_path_buf(), ROOT_INO)];
        while let Some((host_dir, ino)) = stack.pop() {
            let mut children = Vec::new();
            for entry in fs::read_dir(&host_dir)? {
                let entry = entry?;
                let host_path = entry.path();
                let name = entry
                    .file_name()
                    .into_string()
                    .map_err(|_| bad(&host_path, "name is not UTF-8"))?;
                if !valid_name(&name) {
                    return Err(bad(&host_path, "name is not a valid entry name"));
                }
                children.push((name, host_path, entry.file_type()?));
            }
            children.sort_by(|a, b| a.0.cmp(&b.0));
            for (name, host_path, file_type) in children {
                let body = if file_type.is_symlink() {
                    let target = fs::read_link(&host_path)?
                        .into_os_string()
                        .into_string()
                        .map_err(|_| bad(&host_path, "symlink target is not UTF-8"))?;
                    if target.is_empty() || target.contains('\0') {
                        return Err(bad(&host_path, "bad symlink target"));
                    }
                    Body::Symlink(target)
                } else if file_type.is_dir() {
                    Body::Dir {
                        entries: Default::default(),
                        parent: ino,
                    }
                } else if file_type.is_file() {
                    Body::File(fs::read(&host_path)?)
                } else {
                    return Err(bad(&host_path, "not a regular file, directory or symlink"));
                };
                let is_dir = matches!(body, Body::Dir { .. });
                let child = dir.create(ino, &name, body, 0);
                if is_dir {
                    stack.push((host_path, child));
                }
            }
        }
        Ok(dir)
    }

    /// Writes the tree out under the host directory `path`, which is created if
    /// missing and must otherwise be empty. Files become regular files (a hard-linked
    /// file is written once per name), directories directories and symlinks symlinks
    /// with their targets verbatim. Host times and permissions are the host's
    /// defaults.
    ///
    /// # Errors
    /// Any I/O error; `AlreadyExists` when `path` is a non-empty directory;
    /// `Unsupported` for a symlink on a host without symlinks.
    pub fn export_to_host(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let path = path.as_ref();
        fs::create_dir_all(path)?;
        if fs::read_dir(path)?.next().is_some() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{}: directory is not empty", path.display()),
            ));
        }
        let mut stack: Vec<(u64, PathBuf)> = vec![(ROOT_INO, path.to_path_buf())];
        while let Some((ino, host_dir)) = stack.pop() {
            let Some(Body::Dir { entries, .. }) = self.node(ino).map(|n: &Node| &n.body) else {
                continue;
            };
            for (name, &child) in entries {
                let host_path = host_dir.join(name);
                match self.node(child).map(|n| &n.body) {
                    Some(Body::File(data)) => {
                        use std::io::Write;
                        let mut f = fs::OpenOptions::new()
                            .write(true)
                            .create_new(true)
                            .open(&host_path)?;
                        f.write_all(data)?;
                    }
                    Some(Body::Dir { .. }) => {
                        fs::create_dir(&host_path)?;
                        stack.push((child, host_path));
                    }
                    Some(Body::Symlink(target)) => make_symlink(target, &host_path)?,
                    None => {}
                }
            }
        }
        Ok(())
    }
}

/// Writes [`Dir::export_to_host`]'s output: `dir` under the host directory `path`.
///
/// # Errors
/// As [`Dir::export_to_host`].
pub fn export_to_host(dir: &Dir, path: impl AsRef<Path>) -> io::Result<()> {
    dir.export_to_host(path)
}

#[cfg(unix)]
fn make_symlink(target: &str, at: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, at)
}

#[cfg(not(unix))]
fn make_symlink(_target: &str, at: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        format!("{}: symlinks are not supported on this host", at.display()),
    ))
}
