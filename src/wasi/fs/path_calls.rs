//! The `path_*` calls (SPEC.md §Host path calls): open, stat, set times, create and
//! remove directories, unlink, rename, hard links, symlinks and readlink. Each resolves
//! its paths with `path::resolve` inside the tree of its directory fd, checks every
//! error case and the limits, charges, and only then changes the tree. Calls naming
//! two trees (rename, link) fail with `EXDEV`. Depends on `path`, `tree`, `fd_table`,
//! `fd_calls` and the parent module's `abi`, `errno`, `gas`, `guest_mem`.

use super::super::abi::{
    DIR_INHERITING_RIGHTS, DIR_RIGHTS, FDFLAGS_ALL, FILE_RIGHTS, LOOKUPFLAGS_SYMLINK_FOLLOW,
    OFLAGS_ALL, OFLAGS_CREAT, OFLAGS_DIRECTORY, OFLAGS_EXCL, OFLAGS_TRUNC, RIGHT_FD_WRITE,
};
use super::super::errno::{CallResult, Errno};
use super::super::gas;
use super::super::guest_mem::GuestMem;
use super::super::Wasi;
use super::fd_calls::{check_fst_flags, filestat_bytes, set_times, write_filestat};
use super::fd_table::{FdEntry, FdKind};
use super::path::{read_path, resolve, Follow, Last, Resolved};
use super::tree::{Body, Dir, Node, ROOT_INO};

/// How lookup flags resolve a final symlink.
fn follows(lookup_flags: u32) -> Follow {
    if lookup_flags & LOOKUPFLAGS_SYMLINK_FOLLOW != 0 {
        Follow::Always
    } else {
        Follow::IfSlash
    }
}

/// Reads the path argument and resolves it in the tree of directory fd `fd`; returns
/// the tree index with the result.
fn lookup(
    wasi: &Wasi,
    mem: &mut GuestMem,
    fd: u32,
    ptr: u32,
    len: u32,
    follow: Follow,
) -> CallResult<(usize, Resolved)> {
    let (tree, start) = wasi.dir_fd(fd)?;
    let path = read_path(mem, ptr, len)?;
    let resolved = resolve(wasi.tree(tree)?, start, &path, follow, mem)?;
    Ok((tree, resolved))
}

/// The node a resolved path must name, checking a trailing `/`.
///
/// # Errors
/// `ENOENT` when it does not exist; `ENOTDIR` when a trailing `/` follows a
/// non-directory.
fn existing<'t>(tree: &'t Dir, r: &Resolved) -> Result<(u64, &'t Node), Errno> {
    let ino = r.node().ok_or(Errno::Noent)?;
    let node = tree.node(ino).ok_or(Errno::Noent)?;
    if r.trailing_slash && !node.is_dir() {
        return Err(Errno::Notdir);
    }
    Ok((ino, node))
}

/// `path_filestat_get(fd, flags, path, path_len, filestat_ptr)`.
pub(crate) fn path_filestat_get(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    fd: u32,
    flags: u32,
    ptr: u32,
    len: u32,
    out: u32,
) -> CallResult {
    let (tree, r) = lookup(wasi, mem, fd, ptr, len, follows(flags))?;
    let (ino, node) = existing(wasi.tree(tree)?, &r)?;
    let b = filestat_bytes(tree, ino, node);
    write_filestat(mem, out, &b)
}

/// `path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fst_flags)`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn path_filestat_set_times(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    fd: u32,
    flags: u32,
    ptr: u32,
    len: u32,
    atim: u64,
    mtim: u64,
    fst_flags: u32,
) -> CallResult {
    let fst_flags = check_fst_flags(fst_flags)?;
    let (tree, r) = lookup(wasi, mem, fd, ptr, len, follows(flags))?;
    let (ino, _) = existing(wasi.tree(tree)?, &r)?;
    set_times(wasi, tree, ino, atim, mtim, fst_flags)?;
    Ok(())
}

/// `path_open(fd, dirflags, path, path_len, oflags, rights_base, rights_inheriting,
/// fdflags, fd_ptr)`: opens (or with `oflags::creat` creates) a file or directory and
/// returns the lowest free fd.
///
/// A final symlink is followed only with `lookupflags::symlink_follow` (and never
/// with `creat|excl`); an unfollowed symlink gives `ELOOP`. A directory result allows
/// no `creat`, no `trunc` and no `fd_write` right requested (`EISDIR`); a file result
/// needs no `oflags::directory` or trailing `/` (`ENOTDIR`). The new fd's rights are
/// the requested ones within the directory fd's inheriting rights and within what
/// applies to its type.
#[allow(clippy::too_many_arguments)]
pub(crate) fn path_open(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    fd: u32,
    dirflags: u32,
    ptr: u32,
    len: u32,
    oflags: u32,
    rights_base: u64,
    rights_inheriting: u64,
    fdflags: u32,
    out: u32,
) -> CallResult {
    let dir_inheriting = {
        wasi.dir_fd(fd)?;
        wasi.fds.get(fd)?.rights_inheriting
    };
    let oflags = u16::try_from(oflags)
        .ok()
        .filter(|f| f & !OFLAGS_ALL == 0)
        .ok_or(Errno::Inval)?;
    let fdflags = u16::try_from(fdflags)
        .ok()
        .filter(|f| f & !FDFLAGS_ALL == 0)
        .ok_or(Errno::Inval)?;
    let creat = oflags & OFLAGS_CREAT != 0;
    let excl = creat && oflags & OFLAGS_EXCL != 0;
    let want_dir = oflags & OFLAGS_DIRECTORY != 0;
    if creat && want_dir {
        return Err(Errno::Inval.into());
    }
    let follow = if excl {
        Follow::IfSlash
    } else {
        follows(dirflags)
    };
    let (tree_idx, start) = wasi.dir_fd(fd)?;
    let path = read_path(mem, ptr, len)?;
    let trimmed = path.trim_end_matches('/');
    if creat && trimmed.len() < path.len() && !trimmed.is_empty() {
        // Only a directory can be named with a trailing `/`, and `creat` makes files:
        // whatever the path names (once it resolves), `EISDIR`.
        resolve(wasi.tree(tree_idx)?, start, trimmed, follow, mem)?;
        return Err(Errno::Isdir.into());
    }
    let r = resolve(wasi.tree(tree_idx)?, start, &path, follow, mem)?;
    if creat && r.trailing_slash {
        // The same through a followed symlink whose target ends with `/`.
        return Err(Errno::Isdir.into());
    }
    mem.check(out, 4)?;
    let tree = wasi.tree(tree_idx)?;
    // What to open: an existing inode, or a new file named `name` in `dir`.
    let (existing_ino, create_in) = match &r.last {
        Last::Itself(ino) => (Some(*ino), None),
        Last::Name {
            node: Some(ino), ..
        } => (Some(*ino), None),
        Last::Name {
            dir,
            name,
            node: None,
        } => (None, Some((*dir, name.clone()))),
    };
    let is_dir = match existing_ino {
        Some(ino) => {
            if excl {
                return Err(Errno::Exist.into());
            }
            let node = tree.node(ino).ok_or(Errno::Noent)?;
            match &node.body {
                Body::Symlink(_) => return Err(Errno::Loop.into()),
                Body::Dir { .. } => {
                    if creat || oflags & OFLAGS_TRUNC != 0 || rights_base & RIGHT_FD_WRITE != 0 {
                        return Err(Errno::Isdir.into());
                    }
                    true
                }
                Body::File(_) => {
                    if want_dir || r.trailing_slash {
                        return Err(Errno::Notdir.into());
                    }
                    false
                }
            }
        }
        None => {
            if !creat {
                return Err(Errno::Noent.into());
            }
            if r.trailing_slash {
                return Err(Errno::Isdir.into());
            }
            false
        }
    };
    let new_fd = wasi.fds.next_free()?;
    if let Some((_, name)) = &create_in {
        wasi.reserve(Dir::cost_of_new(name, &Body::File(Vec::new())))?;
    }
    mem.prepay_writes(4)?;
    // Effects from here on.
    let now = wasi.clock.now();
    let tree = wasi.tree_mut(tree_idx)?;
    let ino = match (existing_ino, create_in) {
        (Some(ino), _) => {
            if !is_dir && oflags & OFLAGS_TRUNC != 0 {
                tree.set_file_len(ino, 0, now);
            }
            ino
        }
        (None, Some((dir, name))) => tree.create(dir, &name, Body::File(Vec::new()), now),
        (None, None) => return Err(Errno::Noent.into()),
    };
    let (kind, base_mask, inheriting_mask) = if is_dir {
        (
            FdKind::Dir {
                tree: tree_idx,
                ino,
                preopen: None,
            },
            DIR_RIGHTS,
            DIR_INHERITING_RIGHTS,
        )
    } else {
        (
            FdKind::File {
                tree: tree_idx,
                ino,
                pos: 0,
            },
            FILE_RIGHTS,
            FILE_RIGHTS,
        )
    };
    wasi.hold(tree_idx, ino);
    wasi.fds.insert(
        new_fd,
        FdEntry {
            kind,
            flags: fdflags,
            rights_base: rights_base & dir_inheriting & base_mask,
            rights_inheriting: rights_inheriting & dir_inheriting & inheriting_mask,
        },
    );
    mem.write_u32(out, new_fd)
}

/// `path_create_directory(fd, path, path_len)`: `EEXIST` when the path names
/// anything, a dangling symlink included.
pub(crate) fn path_create_directory(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    fd: u32,
    ptr: u32,
    len: u32,
) -> CallResult {
    let (tree, r) = lookup(wasi, mem, fd, ptr, len, Follow::Never)?;
    let Last::Name {
        dir,
        name,
        node: None,
    } = r.last
    else {
        return Err(Errno::Exist.into());
    };
    let body = Body::Dir {
        entries: Default::default(),
        parent: dir,
    };
    wasi.reserve(Dir::cost_of_new(&name, &body))?;
    let now = wasi.clock.now();
    wasi.tree_mut(tree)?.create(dir, &name, body, now);
    Ok(())
}

/// `path_remove_directory(fd, path, path_len)`: removes an empty directory.
pub(crate) fn path_remove_directory(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    fd: u32,
    ptr: u32,
    len: u32,
) -> CallResult {
    let (tree_idx, r) = lookup(wasi, mem, fd, ptr, len, Follow::IfSlash)?;
    let tree = wasi.tree(tree_idx)?;
    let Last::Name { dir, name, node } = r.last else {
        return Err(Errno::Inval.into());
    };
    let ino = node.ok_or(Errno::Noent)?;
    match &tree.node(ino).ok_or(Errno::Noent)?.body {
        Body::Dir { entries, .. } if entries.is_empty() => {}
        Body::Dir { .. } => return Err(Errno::Notempty.into()),
        _ => return Err(Errno::Notdir.into()),
    }
    let now = wasi.clock.now();
    wasi.tree_mut(tree_idx)?.unlink(dir, &name, now);
    Ok(())
}

/// `path_unlink_file(fd, path, path_len)`: removes a name of a file or symlink (the
/// symlink itself); the inode lives on while an fd holds it.
pub(crate) fn path_unlink_file(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    fd: u32,
    ptr: u32,
    len: u32,
) -> CallResult {
    let (tree_idx, r) = lookup(wasi, mem, fd, ptr, len, Follow::IfSlash)?;
    let tree = wasi.tree(tree_idx)?;
    let Last::Name { dir, name, node } = &r.last else {
        return Err(Errno::Isdir.into());
    };
    let ino = node.ok_or(Errno::Noent)?;
    if tree.node(ino).ok_or(Errno::Noent)?.is_dir() {
        return Err(Errno::Isdir.into());
    }
    if r.trailing_slash {
        return Err(Errno::Notdir.into());
    }
    let (dir, name) = (*dir, name.clone());
    let now = wasi.clock.now();
    wasi.tree_mut(tree_idx)?.unlink(dir, &name, now);
    Ok(())
}

/// `path_readlink(fd, path, path_len, buf, buf_len, bufused_ptr)`: the target,
/// cut at `buf_len` bytes; `EINVAL` for anything but a symlink.
#[allow(clippy::too_many_arguments)]
pub(crate) fn path_readlink(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    fd: u32,
    ptr: u32,
    len: u32,
    buf: u32,
    buf_len: u32,
    bufused: u32,
) -> CallResult {
    let (tree, r) = lookup(wasi, mem, fd, ptr, len, Follow::IfSlash)?;
    let (_, node) = existing(wasi.tree(tree)?, &r)?;
    let Body::Symlink(target) = &node.body else {
        return Err(Errno::Inval.into());
    };
    let n = target
        .len()
        .min(usize::try_from(buf_len).unwrap_or(usize::MAX));
    mem.check(buf, n as u64)?;
    mem.check(bufused, 4)?;
    mem.prepay_writes(n as u64 + 4)?;
    mem.write(buf, &target.as_bytes()[..n])?;
    mem.write_u32(bufused, u32::try_from(n).map_err(|_| Errno::Overflow)?)
}

/// `path_symlink(old_path, old_path_len, fd, new_path, new_path_len)`: creates a
/// symlink whose target is `old_path` verbatim (only resolution checks it).
pub(crate) fn path_symlink(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    old_ptr: u32,
    old_len: u32,
    fd: u32,
    new_ptr: u32,
    new_len: u32,
) -> CallResult {
    let target = read_path(mem, old_ptr, old_len)?;
    if target.is_empty() {
        return Err(Errno::Noent.into());
    }
    if target.starts_with('/') {
        // No resolution could follow it (§Host paths), so it is refused at once.
        return Err(Errno::Perm.into());
    }
    let (tree, r) = lookup(wasi, mem, fd, new_ptr, new_len, Follow::IfSlash)?;
    let (dir, name) = match r.last {
        Last::Itself(_) => return Err(Errno::Exist.into()),
        Last::Name {
            node: Some(ino), ..
        } => {
            let is_dir = wasi.tree(tree)?.node(ino).is_some_and(Node::is_dir);
            return Err(if r.trailing_slash && !is_dir {
                Errno::Notdir
            } else {
                Errno::Exist
            }
            .into());
        }
        Last::Name { node: None, .. } if r.trailing_slash => return Err(Errno::Noent.into()),
        Last::Name { dir, name, .. } => (dir, name),
    };
    let body = Body::Symlink(target);
    wasi.reserve(Dir::cost_of_new(&name, &body))?;
    let now = wasi.clock.now();
    wasi.tree_mut(tree)?.create(dir, &name, body, now);
    Ok(())
}

/// `path_link(old_fd, old_flags, old_path, old_path_len, new_fd, new_path,
/// new_path_len)`: a new name for a file or symlink (not a directory: `EPERM`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn path_link(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    old_fd: u32,
    old_flags: u32,
    old_ptr: u32,
    old_len: u32,
    new_fd: u32,
    new_ptr: u32,
    new_len: u32,
) -> CallResult {
    if old_flags & LOOKUPFLAGS_SYMLINK_FOLLOW != 0 {
        // Hard links to a symlink's target are not made (wasmtime refuses the flag).
        return Err(Errno::Inval.into());
    }
    let (old_tree, ro) = lookup(wasi, mem, old_fd, old_ptr, old_len, Follow::IfSlash)?;
    let (ino, node) = existing(wasi.tree(old_tree)?, &ro)?;
    if node.is_dir() {
        return Err(Errno::Perm.into());
    }
    let (new_tree, rn) = lookup(wasi, mem, new_fd, new_ptr, new_len, Follow::IfSlash)?;
    if old_tree != new_tree {
        return Err(Errno::Xdev.into());
    }
    let (dir, name) = match rn.last {
        Last::Name {
            node: Some(existing),
            ..
        } if rn.trailing_slash
            && !wasi
                .tree(new_tree)?
                .node(existing)
                .is_some_and(Node::is_dir) =>
        {
            return Err(Errno::Notdir.into())
        }
        Last::Itself(_) | Last::Name { node: Some(_), .. } => return Err(Errno::Exist.into()),
        Last::Name { .. } if rn.trailing_slash => return Err(Errno::Noent.into()),
        Last::Name { dir, name, .. } => (dir, name),
    };
    wasi.reserve(name.len() as u64)?;
    let now = wasi.clock.now();
    wasi.tree_mut(new_tree)?.link(dir, &name, ino, now);
    Ok(())
}

/// `path_rename(fd, old_path, old_path_len, new_fd, new_path, new_path_len)`: POSIX
/// `rename`, replacing a file by a non-directory or an empty directory by a
/// directory; renaming a name onto another name of the same inode does nothing.
#[allow(clippy::too_many_arguments)]
pub(crate) fn path_rename(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    old_fd: u32,
    old_ptr: u32,
    old_len: u32,
    new_fd: u32,
    new_ptr: u32,
    new_len: u32,
) -> CallResult {
    let (old_tree, ro) = lookup(wasi, mem, old_fd, old_ptr, old_len, Follow::Never)?;
    let Last::Name {
        dir: old_dir,
        name: old_name,
        node: old_node,
    } = ro.last
    else {
        return Err(Errno::Busy.into());
    };
    let ino = old_node.ok_or(Errno::Noent)?;
    let (new_tree, rn) = lookup(wasi, mem, new_fd, new_ptr, new_len, Follow::Never)?;
    let Last::Name {
        dir: new_dir,
        name: new_name,
        node: replaced,
    } = rn.last
    else {
        return Err(Errno::Busy.into());
    };
    if old_tree != new_tree {
        return Err(Errno::Xdev.into());
    }
    let tree = wasi.tree(old_tree)?;
    let is_dir = tree.node(ino).ok_or(Errno::Noent)?.is_dir();
    if (ro.trailing_slash || rn.trailing_slash) && !is_dir {
        return Err(Errno::Notdir.into());
    }
    if let Some(target) = replaced {
        if target == ino {
            return Ok(());
        }
        match (&tree.node(target).ok_or(Errno::Noent)?.body, is_dir) {
            (Body::Dir { entries, .. }, true) if !entries.is_empty() => {
                return Err(Errno::Notempty.into())
            }
            (Body::Dir { .. }, true) => {}
            (_, true) => return Err(Errno::Notdir.into()),
            (Body::Dir { .. }, false) => return Err(Errno::Isdir.into()),
            (_, false) => {}
        }
    }
    if is_dir {
        // A directory must not move into itself or its own subtree.
        let mut at = new_dir;
        loop {
            mem.charge(gas::PATH_STEP)?;
            if at == ino {
                return Err(Errno::Inval.into());
            }
            if at == ROOT_INO {
                break;
            }
            at = tree.parent(at).ok_or(Errno::Noent)?;
        }
    }
    wasi.reserve((new_name.len() as u64).saturating_sub(old_name.len() as u64))?;
    let now = wasi.clock.now();
    let tree = wasi.tree_mut(old_tree)?;
    if replaced.is_some() {
        tree.unlink(new_dir, &new_name, now);
    }
    tree.move_entry(old_dir, &old_name, new_dir, &new_name, now);
    Ok(())
}
