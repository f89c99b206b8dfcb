//! Path resolution inside one preopen's tree (SPEC.md §Host paths). It turns a guest
//! path relative to a directory inode into the directory holding the last component
//! and that component, following symlinks with a fixed hop limit. Nothing can name an
//! inode outside the tree: absolute paths, `..` above the root and symlinks doing
//! either fail with `EPERM`. Resolution has no effects; it charges
//! [`gas::PATH_STEP`] per component before looking it up. Depends on `tree`, `errno`,
//! `guest_mem`, `gas`.

use super::super::errno::{CallResult, Errno};
use super::super::gas;
use super::super::guest_mem::GuestMem;
use super::tree::{Body, Dir, MAX_NAME_BYTES, MAX_PATH_BYTES, ROOT_INO};

/// Symlinks followed during one resolution before it fails with `ELOOP`.
pub const MAX_SYMLINK_HOPS: u32 = 32;

/// Whether resolution follows a symlink named by the path's last component.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Follow {
    /// Always (`lookupflags::symlink_follow`).
    Always,
    /// Only when the path ends with `/`; the symlink then stands for its target
    /// followed by `/.` (as in POSIX path resolution), so a symlink to a directory
    /// resolves to that directory without a name.
    IfSlash,
    /// Never, even with a trailing `/`: the calls that create or rename a name see
    /// the symlink itself.
    Never,
}

/// Where a path ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Last {
    /// The path ends in `.` or `..`: it names this directory, which has no name here.
    Itself(u64),
    /// The path ends in a name of directory `dir`, which may or may not exist.
    Name {
        dir: u64,
        name: String,
        node: Option<u64>,
    },
}

/// A resolved path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub(crate) last: Last,
    /// The path ended with `/` (the result must be a directory).
    pub(crate) trailing_slash: bool,
}

impl Resolved {
    /// The inode the path names, if it exists.
    pub(crate) fn node(&self) -> Option<u64> {
        match &self.last {
            Last::Itself(ino) => Some(*ino),
            Last::Name { node, .. } => *node,
        }
    }
}

/// Decodes a guest path: UTF-8, no NUL, at most [`MAX_PATH_BYTES`].
///
/// # Errors
/// `EILSEQ` for bytes that are not UTF-8; `EINVAL` for a NUL byte.
pub(crate) fn decode(bytes: Vec<u8>) -> Result<String, Errno> {
    let path = String::from_utf8(bytes).map_err(|_| Errno::Ilseq)?;
    if path.contains('\0') {
        return Err(Errno::Inval);
    }
    Ok(path)
}

/// Reads a path argument (`ptr`, `len`) from guest memory.
///
/// # Errors
/// `ENAMETOOLONG` when `len` exceeds [`MAX_PATH_BYTES`] (nothing is read);
/// `EFAULT`; as [`decode`]; out of gas.
pub(crate) fn read_path(mem: &mut GuestMem, ptr: u32, len: u32) -> CallResult<String> {
    if usize::try_from(len).map_or(true, |l| l > MAX_PATH_BYTES) {
        return Err(Errno::Nametoolong.into());
    }
    let bytes = mem.read(ptr, len)?;
    Ok(decode(bytes)?)
}

/// Pushes the components of `path` onto `stack` so they pop in order. With
/// `trailing_dot`, a trailing `/` becomes a final `.` so the component before it must
/// be a directory (used for symlink targets; the path argument's own trailing `/` is
/// kept as [`Resolved::trailing_slash`] instead, so the last name stays known).
fn push_components(stack: &mut Vec<String>, path: &str, trailing_dot: bool) -> Result<(), Errno> {
    let mut parts: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
    if trailing_dot && path.ends_with('/') {
        parts.push(".");
    }
    for part in parts.iter().rev() {
        if part.len() > MAX_NAME_BYTES {
            return Err(Errno::Nametoolong);
        }
        stack.push((*part).to_owned());
    }
    Ok(())
}

/// Resolves `path` relative to directory `start` of `tree`.
///
/// Components are taken left to right: empty ones (repeated `/`) are skipped, `.`
/// stays, `..` goes to the parent (at the root: `EPERM`), a name is looked up in the
/// current directory. A symlink met before the last component is always followed; the
/// last one only with `follow_last` or a trailing `/`. Following means: count a hop
/// (more than [`MAX_SYMLINK_HOPS`]: `ELOOP`), then resolve the target's components
/// from the symlink's directory in place of the symlink (an absolute or empty target:
/// `EPERM` / `ENOENT`).
///
/// # Errors
/// `ENOENT` for an empty path, a missing component before the last, or a removed
/// directory; `EPERM` for an absolute path or escaping the root; `ENOTDIR` for a
/// non-directory before the last component; `ELOOP`; `ENAMETOOLONG` for a component
/// over [`MAX_NAME_BYTES`] bytes; out of gas ([`gas::PATH_STEP`] per component).
pub(crate) fn resolve(
    tree: &Dir,
    start: u64,
    path: &str,
    follow: Follow,
    mem: &mut GuestMem,
) -> CallResult<Resolved> {
    if path.is_empty() {
        return Err(Errno::Noent.into());
    }
    if path.starts_with('/') {
        return Err(Errno::Perm.into());
    }
    let mut trailing_slash = path.ends_with('/');
    let mut stack = Vec::new();
    push_components(&mut stack, path, false)?;
    let mut cur = start;
    let mut hops = 0u32;
    loop {
        let Some(comp) = stack.pop() else {
            // Only reachable for paths made of slashes, which start with '/'.
            return Ok(Resolved {
                last: Last::Itself(cur),
                trailing_slash,
            });
        };
        mem.charge(gas::PATH_STEP)?;
        let is_last = stack.is_empty();
        let dir = tree.node(cur).ok_or(Errno::Noent)?;
        if dir.nlink == 0 && cur != ROOT_INO {
            // A removed directory held open by an fd: nothing can be found or made in
            // it, and it has no parent any more.
            return Err(Errno::Noent.into());
        }
        match comp.as_str() {
            "." => {
                if is_last {
                    return Ok(Resolved {
                        last: Last::Itself(cur),
                        trailing_slash,
                    });
                }
            }
            ".." => {
                if cur == ROOT_INO {
                    return Err(Errno::Perm.into());
                }
                cur = tree.parent(cur).ok_or(Errno::Noent)?;
                if is_last {
                    return Ok(Resolved {
                        last: Last::Itself(cur),
                        trailing_slash,
                    });
                }
            }
            name => {
                let Some(child) = tree.child(cur, name) else {
                    if is_last {
                        return Ok(Resolved {
                            last: Last::Name {
                                dir: cur,
                                name: name.to_owned(),
                                node: None,
                            },
                            trailing_slash,
                        });
                    }
                    return Err(Errno::Noent.into());
                };
                let node = tree.node(child).ok_or(Errno::Noent)?;
                let follows = !is_last
                    || match follow {
                        Follow::Always => true,
                        Follow::IfSlash => trailing_slash,
                        Follow::Never => false,
                    };
                match &node.body {
                    Body::Symlink(target) if follows => {
                        hops += 1;
                        if hops > MAX_SYMLINK_HOPS {
                            return Err(Errno::Loop.into());
                        }
                        if target.is_empty() {
                            return Err(Errno::Noent.into());
                        }
                        if target.starts_with('/') {
                            return Err(Errno::Perm.into());
                        }
                        if is_last {
                            if trailing_slash {
                                // `link/` stands for `target/.`.
                                stack.push(".".to_owned());
                            } else if target.ends_with('/') {
                                // The target's trailing `/` is the path's now.
                                trailing_slash = true;
                            }
                            push_components(&mut stack, target, false)?;
                        } else {
                            push_components(&mut stack, target, true)?;
                        }
                    }
                    _ if is_last => {
                        return Ok(Resolved {
                            last: Last::Name {
                                dir: cur,
                                name: name.to_owned(),
                                node: Some(child),
                            },
                            trailing_slash,
                        });
                    }
                    Body::Dir { .. } => cur = child,
                    _ => return Err(Errno::Notdir.into()),
                }
            }
        }
    }
}
