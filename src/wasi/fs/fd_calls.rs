//! The `fd_*` calls (SPEC.md §Host fd calls): reading and writing files and stdio,
//! positions, metadata, directory listings, preopen names, closing and renumbering.
//!
//! What an fd can do depends on what it refers to. Files do everything but
//! `fd_readdir` (`ENOTDIR`); reading needs `fd_read` and writing, resizing and
//! allocating need `fd_write` in the fd's base rights (`EBADF` otherwise: the rights
//! of a file fd are its access mode, as `O_RDONLY`/`O_WRONLY`/`O_RDWR`). Directories
//! do metadata, times, rights, close, renumber, prestat and `fd_readdir`; file
//! operations on them fail with `EBADF`, as the WASI test suite requires. Stdio reads
//! (stdin) or writes (stdout, stderr) as a stream: positional operations fail with
//! `ESPIPE`, other file operations with `EINVAL`. Depends on `tree`, `fd_table` and
//! the parent module's `abi`, `errno`, `gas`, `guest_mem`.

use super::super::abi::{
    ADVICE_MAX, DIRENT_SIZE, FDFLAGS_ALL, FDFLAGS_APPEND, FDSTAT_SIZE, FILESTAT_SIZE,
    FILETYPE_DIRECTORY, FILETYPE_REGULAR_FILE, FILETYPE_UNKNOWN, FSTFLAGS_ALL, FSTFLAGS_ATIM,
    FSTFLAGS_ATIM_NOW, FSTFLAGS_MTIM, FSTFLAGS_MTIM_NOW, IOVEC_SIZE, PREOPENTYPE_DIR, PRESTAT_SIZE,
    RIGHT_FD_READ, RIGHT_FD_WRITE, WHENCE_CUR, WHENCE_END, WHENCE_SET,
};
use super::super::errno::{CallResult, Errno, Fail};
use super::super::gas;
use super::super::guest_mem::GuestMem;
use super::super::{filetype_of, OutputStream, Wasi};
use super::fd_table::{FdEntry, FdKind};
use super::tree::{Body, Node, ROOT_INO};

/// The most iovecs one call takes (POSIX `IOV_MAX`); more fail with `EINVAL`.
pub const MAX_IOVECS: u32 = 1024;

/// Reads an iovec array and checks that every buffer lies in guest memory.
fn read_iovecs(mem: &mut GuestMem, ptr: u32, count: u32) -> CallResult<Vec<(u32, u32)>> {
    if count > MAX_IOVECS {
        return Err(Errno::Inval.into());
    }
    let raw = mem.read(ptr, count * IOVEC_SIZE)?;
    let mut iovs = Vec::new();
    for chunk in raw.chunks_exact(8) {
        let buf = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        let len = u32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]);
        mem.check(buf, u64::from(len))?;
        iovs.push((buf, len));
    }
    Ok(iovs)
}

fn total_len(iovs: &[(u32, u32)]) -> u64 {
    iovs.iter().map(|&(_, len)| u64::from(len)).sum()
}

/// Writes `data` across the iovec buffers in order (`data` fits in them).
fn scatter(mem: &mut GuestMem, iovs: &[(u32, u32)], mut data: &[u8]) -> CallResult {
    for &(buf, len) in iovs {
        if data.is_empty() {
            break;
        }
        let n = data.len().min(usize::try_from(len).unwrap_or(usize::MAX));
        mem.write(buf, &data[..n])?;
        data = &data[n..];
    }
    Ok(())
}

/// Reads every iovec buffer, in order, into one vector (charged as reads).
fn gather(mem: &mut GuestMem, iovs: &[(u32, u32)]) -> CallResult<Vec<u8>> {
    let mut data = Vec::new();
    for &(buf, len) in iovs {
        data.extend_from_slice(&mem.read(buf, len)?);
    }
    Ok(data)
}

/// The contents of file `ino` of tree `tree`.
fn file_data(wasi: &Wasi, tree: usize, ino: u64) -> Result<&[u8], Errno> {
    match wasi.tree(tree)?.node(ino).map(|n| &n.body) {
        Some(Body::File(data)) => Ok(data),
        _ => Err(Errno::Badf),
    }
}

/// Sets the position of file fd `fd`.
fn set_pos(wasi: &mut Wasi, fd: u32, new_pos: u64) -> Result<(), Errno> {
    if let FdKind::File { pos, .. } = &mut wasi.fds.get_mut(fd)?.kind {
        *pos = new_pos;
    }
    Ok(())
}

/// The file an fd must be for a positional or data operation: `(tree, ino, pos)`.
///
/// # Errors
/// `EBADF` for a closed fd, a directory, or a file without `needed` in its base
/// rights; `stdio_errno` for stdio.
fn file_of(entry: &FdEntry, needed: u64, stdio_errno: Errno) -> Result<(usize, u64, u64), Errno> {
    match entry.kind {
        FdKind::File { tree, ino, pos } if entry.rights_base & needed == needed => {
            Ok((tree, ino, pos))
        }
        FdKind::Stdin | FdKind::Stdout | FdKind::Stderr => Err(stdio_errno),
        _ => Err(Errno::Badf),
    }
}

/// Copies up to the iovecs' total length from `data` at `offset` into the iovecs;
/// returns the count. Charges the data and the 4-byte result before copying.
fn read_into(
    mem: &mut GuestMem,
    iovs: &[(u32, u32)],
    data: &[u8],
    offset: u64,
    result_ptr: u32,
) -> CallResult<u64> {
    let start = usize::try_from(offset.min(data.len() as u64)).map_err(|_| Fail::internal())?;
    let avail = &data[start..];
    let n =
        usize::try_from(total_len(iovs).min(avail.len() as u64)).map_err(|_| Fail::internal())?;
    mem.charge(gas::FILE_DATA_BYTE.saturating_mul(n as u64))?;
    mem.prepay_writes(n as u64 + 4)?;
    scatter(mem, iovs, &avail[..n])?;
    mem.write_u32(result_ptr, u32::try_from(n).map_err(|_| Fail::internal())?)?;
    Ok(n as u64)
}

/// Writes `data` into file `ino` at `offset`, growing it as needed; returns the end
/// offset. Checks the limits, then charges the data (and any zero-filled gap) and
/// prepays `result_bytes` of guest writes, then writes.
///
/// # Errors
/// `EFBIG` past `max_file_bytes`; `ENOSPC` past `max_fs_bytes`; out of gas.
fn write_at(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    (tree, ino, offset): (usize, u64, u64),
    data: &[u8],
    result_bytes: u64,
) -> CallResult<u64> {
    if data.is_empty() {
        mem.prepay_writes(result_bytes)?;
        return Ok(offset);
    }
    let size = file_data(wasi, tree, ino)?.len() as u64;
    let end = offset.checked_add(data.len() as u64).ok_or(Errno::Fbig)?;
    let new_len = size.max(end);
    wasi.check_file_len(new_len)?;
    wasi.reserve(new_len - size)?;
    let gap = offset.saturating_sub(size);
    let offset_usize = usize::try_from(offset).map_err(|_| Errno::Fbig)?;
    mem.charge(gas::FILE_DATA_BYTE.saturating_mul(data.len() as u64 + gap))?;
    mem.prepay_writes(result_bytes)?;
    let now = wasi.clock.now();
    let offset = offset_usize;
    wasi.tree_mut(tree)?.write_file(ino, offset, data, now);
    Ok(end)
}

/// Resizes file `ino` to `len` bytes, zero-filling growth; checks limits and charges
/// the growth first.
fn resize(wasi: &mut Wasi, mem: &mut GuestMem, tree: usize, ino: u64, len: u64) -> CallResult {
    let size = file_data(wasi, tree, ino)?.len() as u64;
    let new_len = wasi.check_file_len(len)?;
    let growth = len.saturating_sub(size);
    wasi.reserve(growth)?;
    mem.charge(gas::FILE_DATA_BYTE.saturating_mul(growth))?;
    let now = wasi.clock.now();
    wasi.tree_mut(tree)?.set_file_len(ino, new_len, now);
    Ok(())
}

/// `fd_read(fd, iovs, iovs_len, nread_ptr)`: reads from the position (or stdin) and
/// advances it; 0 bytes at end of file.
pub(crate) fn fd_read(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    nread: u32,
) -> CallResult {
    let entry = wasi.fds.get(fd)?.clone();
    if entry.kind == FdKind::Stdin {
        let iovs = read_iovecs(mem, iovs, iovs_len)?;
        mem.check(nread, 4)?;
        wasi.stdin.fill(total_len(&iovs));
        let n = read_into(mem, &iovs, wasi.stdin.available(), 0, nread)?;
        wasi.stdin
            .consume(usize::try_from(n).map_err(|_| Fail::internal())?);
        return Ok(());
    }
    let (tree, ino, pos) = file_of(&entry, RIGHT_FD_READ, Errno::Badf)?;
    let iovs = read_iovecs(mem, iovs, iovs_len)?;
    mem.check(nread, 4)?;
    let n = read_into(mem, &iovs, file_data(wasi, tree, ino)?, pos, nread)?;
    set_pos(wasi, fd, pos.saturating_add(n))?;
    Ok(())
}

/// `fd_pread(fd, iovs, iovs_len, offset, nread_ptr)`: reads at `offset`; the
/// position does not move.
pub(crate) fn fd_pread(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    offset: u64,
    nread: u32,
) -> CallResult {
    let entry = wasi.fds.get(fd)?.clone();
    let stdio_errno = if entry.kind == FdKind::Stdin {
        Errno::Spipe
    } else {
        Errno::Badf
    };
    let (tree, ino, _) = file_of(&entry, RIGHT_FD_READ, stdio_errno)?;
    let iovs = read_iovecs(mem, iovs, iovs_len)?;
    mem.check(nread, 4)?;
    read_into(mem, &iovs, file_data(wasi, tree, ino)?, offset, nread)?;
    Ok(())
}

/// `fd_write(fd, iovs, iovs_len, nwritten_ptr)`: appends to stdout/stderr, or writes
/// at the position (at the end with `fdflags::append`) and advances it.
pub(crate) fn fd_write(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    nwritten: u32,
) -> CallResult {
    let entry = wasi.fds.get(fd)?.clone();
    let stream = match entry.kind {
        FdKind::Stdout => Some(OutputStream::Stdout),
        FdKind::Stderr => Some(OutputStream::Stderr),
        _ => None,
    };
    let file = match stream {
        Some(_) => None,
        None => Some(file_of(&entry, RIGHT_FD_WRITE, Errno::Badf)?),
    };
    let iovs = read_iovecs(mem, iovs, iovs_len)?;
    mem.check(nwritten, 4)?;
    let data = gather(mem, &iovs)?;
    let n = u32::try_from(data.len()).map_err(|_| Errno::Inval)?;
    if let Some(stream) = stream {
        mem.charge(gas::FILE_DATA_BYTE.saturating_mul(u64::from(n)))?;
        mem.prepay_writes(4)?;
        wasi.emit(stream, &data);
    } else if let Some((tree, ino, pos)) = file {
        let offset = if entry.flags & FDFLAGS_APPEND != 0 {
            file_data(wasi, tree, ino)?.len() as u64
        } else {
            pos
        };
        let end = write_at(wasi, mem, (tree, ino, offset), &data, 4)?;
        set_pos(wasi, fd, end)?;
    }
    mem.write_u32(nwritten, n)
}

/// `fd_pwrite(fd, iovs, iovs_len, offset, nwritten_ptr)`: writes at `offset` (even
/// with `fdflags::append`, as POSIX says); the position does not move.
pub(crate) fn fd_pwrite(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    offset: u64,
    nwritten: u32,
) -> CallResult {
    let entry = wasi.fds.get(fd)?.clone();
    let stdio_errno = if entry.kind == FdKind::Stdin {
        Errno::Badf
    } else {
        Errno::Spipe
    };
    let (tree, ino, _) = file_of(&entry, RIGHT_FD_WRITE, stdio_errno)?;
    let iovs = read_iovecs(mem, iovs, iovs_len)?;
    mem.check(nwritten, 4)?;
    let data = gather(mem, &iovs)?;
    let n = u32::try_from(data.len()).map_err(|_| Errno::Inval)?;
    write_at(wasi, mem, (tree, ino, offset), &data, 4)?;
    mem.write_u32(nwritten, n)
}

/// `fd_seek(fd, offset, whence, newoffset_ptr)`: moves the position relative to the
/// start, the position or the end; past the end is allowed, before the start is
/// `EINVAL`.
pub(crate) fn fd_seek(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    fd: u32,
    offset: i64,
    whence: u32,
    out: u32,
) -> CallResult {
    let entry = wasi.fds.get(fd)?.clone();
    let (tree, ino, pos) = file_of(&entry, 0, Errno::Spipe)?;
    let base = match u8::try_from(whence) {
        Ok(WHENCE_SET) => 0,
        Ok(WHENCE_CUR) => pos,
        Ok(WHENCE_END) => file_data(wasi, tree, ino)?.len() as u64,
        _ => return Err(Errno::Inval.into()),
    };
    let new = i128::from(base) + i128::from(offset);
    let new = u64::try_from(new)
        .ok()
        .filter(|&n| i64::try_from(n).is_ok())
        .ok_or(Errno::Inval)?;
    mem.check(out, 8)?;
    mem.prepay_writes(8)?;
    set_pos(wasi, fd, new)?;
    mem.write_u64(out, new)
}

/// `fd_tell(fd, offset_ptr)`: the position.
pub(crate) fn fd_tell(wasi: &mut Wasi, mem: &mut GuestMem, fd: u32, out: u32) -> CallResult {
    let entry = wasi.fds.get(fd)?.clone();
    let (_, _, pos) = file_of(&entry, 0, Errno::Spipe)?;
    mem.check(out, 8)?;
    mem.prepay_writes(8)?;
    mem.write_u64(out, pos)
}

/// `fd_close(fd)`: closes any open fd, preopens and stdio included. An unlinked file
/// or removed directory disappears with its last fd.
pub(crate) fn fd_close(wasi: &mut Wasi, fd: u32) -> CallResult {
    let entry = wasi.fds.remove(fd)?;
    wasi.drop_fd(&entry);
    Ok(())
}

/// `fd_renumber(from, to)`: moves fd `from` to number `to`, closing what `to` was.
/// Both must be open.
pub(crate) fn fd_renumber(wasi: &mut Wasi, from: u32, to: u32) -> CallResult {
    wasi.fds.get(from)?;
    wasi.fds.get(to)?;
    if from == to {
        return Ok(());
    }
    let entry = wasi.fds.remove(from)?;
    if let Some(old) = wasi.fds.insert(to, entry) {
        wasi.drop_fd(&old);
    }
    Ok(())
}

/// `fd_fdstat_get(fd, fdstat_ptr)`: file type, fdflags and rights.
pub(crate) fn fd_fdstat_get(wasi: &mut Wasi, mem: &mut GuestMem, fd: u32, out: u32) -> CallResult {
    let entry = wasi.fds.get(fd)?;
    let filetype = match entry.kind {
        // Redirected stdio, as wasmtime reports it: not a terminal, so wasi-libc's
        // `isatty` is false and programs behave as in a pipeline.
        FdKind::Stdin | FdKind::Stdout | FdKind::Stderr => FILETYPE_UNKNOWN,
        FdKind::File { .. } => FILETYPE_REGULAR_FILE,
        FdKind::Dir { .. } => FILETYPE_DIRECTORY,
    };
    let mut b = [0u8; FDSTAT_SIZE as usize];
    b[0] = filetype;
    b[2..4].copy_from_slice(&entry.flags.to_le_bytes());
    b[8..16].copy_from_slice(&entry.rights_base.to_le_bytes());
    b[16..24].copy_from_slice(&entry.rights_inheriting.to_le_bytes());
    mem.check(out, u64::from(FDSTAT_SIZE))?;
    mem.prepay_writes(u64::from(FDSTAT_SIZE))?;
    mem.write(out, &b)
}

/// `fd_fdstat_set_flags(fd, flags)`: replaces the fdflags of a file (only `append`
/// changes behaviour); `EBADF` for a directory or stdio.
pub(crate) fn fd_fdstat_set_flags(wasi: &mut Wasi, fd: u32, flags: u32) -> CallResult {
    let entry = wasi.fds.get_mut(fd)?;
    if !matches!(entry.kind, FdKind::File { .. }) {
        return Err(Errno::Badf.into());
    }
    let flags = u16::try_from(flags)
        .ok()
        .filter(|f| f & !FDFLAGS_ALL == 0)
        .ok_or(Errno::Inval)?;
    entry.flags = flags;
    Ok(())
}

/// `fd_fdstat_set_rights(fd, base, inheriting)`: not supported, as in wasmtime (rights
/// are fixed when an fd is opened): `ENOTSUP` for an open fd, `EBADF` otherwise.
pub(crate) fn fd_fdstat_set_rights(wasi: &mut Wasi, fd: u32) -> CallResult {
    wasi.fds.get(fd)?;
    Err(Errno::Notsup.into())
}

/// The `filestat` of inode `ino` of tree `tree`: `dev` is the tree's index + 1,
/// `size` is a file's length, a symlink's target length, 0 for a directory.
pub(crate) fn filestat_bytes(tree: usize, ino: u64, node: &Node) -> [u8; FILESTAT_SIZE as usize] {
    let size = match &node.body {
        Body::File(data) => data.len() as u64,
        Body::Symlink(target) => target.len() as u64,
        Body::Dir { .. } => 0,
    };
    filestat_raw(
        tree as u64 + 1,
        ino,
        filetype_of(&node.body),
        node.nlink,
        size,
        [node.atim, node.mtim, node.ctim],
    )
}

fn filestat_raw(
    dev: u64,
    ino: u64,
    filetype: u8,
    nlink: u64,
    size: u64,
    times: [u64; 3],
) -> [u8; FILESTAT_SIZE as usize] {
    let mut b = [0u8; FILESTAT_SIZE as usize];
    b[0..8].copy_from_slice(&dev.to_le_bytes());
    b[8..16].copy_from_slice(&ino.to_le_bytes());
    b[16] = filetype;
    b[24..32].copy_from_slice(&nlink.to_le_bytes());
    b[32..40].copy_from_slice(&size.to_le_bytes());
    b[40..48].copy_from_slice(&times[0].to_le_bytes());
    b[48..56].copy_from_slice(&times[1].to_le_bytes());
    b[56..64].copy_from_slice(&times[2].to_le_bytes());
    b
}

/// Writes a prepared `filestat` at `out`.
pub(crate) fn write_filestat(
    mem: &mut GuestMem,
    out: u32,
    b: &[u8; FILESTAT_SIZE as usize],
) -> CallResult {
    mem.check(out, u64::from(FILESTAT_SIZE))?;
    mem.prepay_writes(u64::from(FILESTAT_SIZE))?;
    mem.write(out, b)
}

/// `fd_filestat_get(fd, filestat_ptr)`: the inode's metadata; stdio is a character
/// device with `dev` 0, `ino` 0, one link, size 0 and times 0.
pub(crate) fn fd_filestat_get(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    fd: u32,
    out: u32,
) -> CallResult {
    let entry = wasi.fds.get(fd)?;
    let b = match entry.inode() {
        None => filestat_raw(0, 0, FILETYPE_UNKNOWN, 1, 0, [0; 3]),
        Some((tree, ino)) => {
            let node = wasi.tree(tree)?.node(ino).ok_or(Errno::Badf)?;
            filestat_bytes(tree, ino, node)
        }
    };
    write_filestat(mem, out, &b)
}

/// `fd_filestat_set_size(fd, size)`: truncates or zero-extends a file.
pub(crate) fn fd_filestat_set_size(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    fd: u32,
    size: u64,
) -> CallResult {
    let entry = wasi.fds.get(fd)?.clone();
    if matches!(entry.kind, FdKind::File { .. }) && entry.rights_base & RIGHT_FD_WRITE == 0 {
        return Err(Errno::Inval.into());
    }
    let (tree, ino, _) = file_of(&entry, RIGHT_FD_WRITE, Errno::Badf)?;
    resize(wasi, mem, tree, ino, size)
}

/// Validates `fstflags`.
///
/// # Errors
/// `EINVAL` for unknown bits, or `atim` with `atim_now`, or `mtim` with `mtim_now`.
pub(crate) fn check_fst_flags(flags: u32) -> Result<u16, Errno> {
    let flags = u16::try_from(flags).map_err(|_| Errno::Inval)?;
    let both = |a: u16, b: u16| flags & a != 0 && flags & b != 0;
    if flags & !FSTFLAGS_ALL != 0
        || both(FSTFLAGS_ATIM, FSTFLAGS_ATIM_NOW)
        || both(FSTFLAGS_MTIM, FSTFLAGS_MTIM_NOW)
    {
        return Err(Errno::Inval);
    }
    Ok(flags)
}

/// Sets the times of inode `ino` of tree `tree` as `flags` say; `*_now` and `ctim`
/// take the virtual clock's current time (not an observation).
pub(crate) fn set_times(
    wasi: &mut Wasi,
    tree: usize,
    ino: u64,
    atim: u64,
    mtim: u64,
    flags: u16,
) -> Result<(), Errno> {
    let now = wasi.clock.now();
    let node = wasi.tree_mut(tree)?.node_mut(ino).ok_or(Errno::Badf)?;
    if flags & FSTFLAGS_ATIM != 0 {
        node.atim = atim;
    } else if flags & FSTFLAGS_ATIM_NOW != 0 {
        node.atim = now;
    }
    if flags & FSTFLAGS_MTIM != 0 {
        node.mtim = mtim;
    } else if flags & FSTFLAGS_MTIM_NOW != 0 {
        node.mtim = now;
    }
    node.ctim = now;
    Ok(())
}

/// `fd_filestat_set_times(fd, atim, mtim, fst_flags)`: for files and directories;
/// `EBADF` for stdio.
pub(crate) fn fd_filestat_set_times(
    wasi: &mut Wasi,
    fd: u32,
    atim: u64,
    mtim: u64,
    flags: u32,
) -> CallResult {
    let (tree, ino) = wasi.fds.get(fd)?.inode().ok_or(Errno::Badf)?;
    let flags = check_fst_flags(flags)?;
    set_times(wasi, tree, ino, atim, mtim, flags)?;
    Ok(())
}

/// `fd_sync(fd)` and `fd_datasync(fd)`: nothing to flush; succeed for files.
pub(crate) fn fd_sync(wasi: &mut Wasi, fd: u32) -> CallResult {
    let entry = wasi.fds.get(fd)?;
    file_of(entry, 0, Errno::Badf)?;
    Ok(())
}

/// `fd_advise(fd, offset, len, advice)`: checks the advice (`EINVAL` past `noreuse`)
/// and ignores it.
pub(crate) fn fd_advise(wasi: &mut Wasi, fd: u32, advice: u32) -> CallResult {
    let entry = wasi.fds.get(fd)?;
    file_of(entry, 0, Errno::Badf)?;
    if u8::try_from(advice).map_or(true, |a| a > ADVICE_MAX) {
        return Err(Errno::Inval.into());
    }
    Ok(())
}

/// `fd_allocate(fd, offset, len)`: not supported, as in wasmtime: `ENOTSUP` for a
/// file, `EBADF` for any other fd. Nothing is charged beyond the base cost.
pub(crate) fn fd_allocate(wasi: &mut Wasi, fd: u32) -> CallResult {
    match wasi.fds.get(fd)?.kind {
        FdKind::File { .. } => Err(Errno::Notsup.into()),
        _ => Err(Errno::Badf.into()),
    }
}

/// `fd_readdir(fd, buf, buf_len, cookie, bufused_ptr)`: the directory's entries from
/// index `cookie`: `.`, `..`, then the names in byte order, each a `dirent` header
/// (`d_next` = its index + 1) followed by the name, packed and cut at `buf_len` (a
/// full buffer means "call again"). Charges [`gas::DIR_ENTRY`] per entry of the
/// directory.
pub(crate) fn fd_readdir(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    fd: u32,
    buf: u32,
    buf_len: u32,
    cookie: u64,
    bufused: u32,
) -> CallResult {
    let FdKind::Dir {
        tree: tree_idx,
        ino,
        ..
    } = wasi.fds.get(fd)?.kind
    else {
        return Err(Errno::Badf.into());
    };
    let tree = wasi.tree(tree_idx)?;
    let node = tree.node(ino).ok_or(Errno::Badf)?;
    let Body::Dir { entries, parent } = &node.body else {
        return Err(Errno::Badf.into());
    };
    let parent = if ino == ROOT_INO || node.nlink == 0 {
        ino
    } else {
        *parent
    };
    let mut list: Vec<(&str, u64, u8)> = vec![
        (".", ino, FILETYPE_DIRECTORY),
        ("..", parent, FILETYPE_DIRECTORY),
    ];
    for (name, &child) in entries {
        let filetype = tree
            .node(child)
            .map_or(FILETYPE_UNKNOWN, |n| filetype_of(&n.body));
        list.push((name, child, filetype));
    }
    mem.check(buf, u64::from(buf_len))?;
    mem.check(bufused, 4)?;
    mem.charge(gas::DIR_ENTRY.saturating_mul(list.len() as u64))?;
    let cap = usize::try_from(buf_len).map_err(|_| Fail::internal())?;
    let start = usize::try_from(cookie).unwrap_or(usize::MAX);
    let mut out = Vec::new();
    for (i, (name, child, filetype)) in list.iter().enumerate().skip(start) {
        if out.len() >= cap {
            break;
        }
        let mut header = [0u8; DIRENT_SIZE as usize];
        header[0..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        header[8..16].copy_from_slice(&child.to_le_bytes());
        let namlen = u32::try_from(name.len()).map_err(|_| Fail::internal())?;
        header[16..20].copy_from_slice(&namlen.to_le_bytes());
        header[20] = *filetype;
        out.extend_from_slice(&header);
        out.extend_from_slice(name.as_bytes());
    }
    out.truncate(cap);
    mem.prepay_writes(out.len() as u64 + 4)?;
    mem.write(buf, &out)?;
    mem.write_u32(
        bufused,
        u32::try_from(out.len()).map_err(|_| Fail::internal())?,
    )
}

/// The guest path of preopen fd `fd`.
fn preopen_name(wasi: &Wasi, fd: u32) -> Result<String, Errno> {
    match &wasi.fds.get(fd)?.kind {
        FdKind::Dir {
            preopen: Some(name),
            ..
        } => Ok(name.clone()),
        _ => Err(Errno::Badf),
    }
}

/// `fd_prestat_get(fd, prestat_ptr)`: `preopentype::dir` and the name's length;
/// `EBADF` for any fd that is not a preopen (wasi-libc scans fds from 3 until then).
pub(crate) fn fd_prestat_get(wasi: &mut Wasi, mem: &mut GuestMem, fd: u32, out: u32) -> CallResult {
    let name = preopen_name(wasi, fd)?;
    let mut b = [0u8; PRESTAT_SIZE as usize];
    b[0] = PREOPENTYPE_DIR;
    b[4..8].copy_from_slice(
        &u32::try_from(name.len())
            .map_err(|_| Errno::Overflow)?
            .to_le_bytes(),
    );
    mem.check(out, u64::from(PRESTAT_SIZE))?;
    mem.prepay_writes(u64::from(PRESTAT_SIZE))?;
    mem.write(out, &b)
}

/// `fd_prestat_dir_name(fd, path, path_len)`: writes the name (no NUL);
/// `ENAMETOOLONG` when `path_len` is shorter than it.
pub(crate) fn fd_prestat_dir_name(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    fd: u32,
    ptr: u32,
    len: u32,
) -> CallResult {
    let name = preopen_name(wasi, fd)?;
    if name.len() as u64 > u64::from(len) {
        return Err(Errno::Nametoolong.into());
    }
    mem.check(ptr, name.len() as u64)?;
    mem.prepay_writes(name.len() as u64)?;
    mem.write(ptr, name.as_bytes())
}
