//! `args_get`, `args_sizes_get`, `environ_get`, `environ_sizes_get`: exactly the
//! configured arguments and environment (`NAME=value` strings), NUL-terminated, in
//! configuration order. Depends on `errno`, `guest_mem`.

use super::errno::{CallResult, Errno, Fail};
use super::guest_mem::GuestMem;
use super::Wasi;

/// The strings as the guest receives them, each with its NUL.
fn c_strings(items: impl Iterator<Item = String>) -> Vec<Vec<u8>> {
    items
        .map(|s| {
            let mut b = s.into_bytes();
            b.push(0);
            b
        })
        .collect()
}

fn args_of(wasi: &Wasi) -> Vec<Vec<u8>> {
    c_strings(wasi.args().iter().cloned())
}

fn env_of(wasi: &Wasi) -> Vec<Vec<u8>> {
    c_strings(wasi.env().iter().map(|(n, v)| format!("{n}={v}")))
}

/// Writes the count and total size (NULs included) of `strings`.
fn sizes_get(mem: &mut GuestMem, strings: &[Vec<u8>], count_ptr: u32, size_ptr: u32) -> CallResult {
    let count = u32::try_from(strings.len()).map_err(|_| Errno::Overflow)?;
    let size: usize = strings.iter().map(Vec::len).sum();
    let size = u32::try_from(size).map_err(|_| Errno::Overflow)?;
    mem.check(count_ptr, 4)?;
    mem.check(size_ptr, 4)?;
    mem.prepay_writes(8)?;
    mem.write_u32(count_ptr, count)?;
    mem.write_u32(size_ptr, size)
}

/// Writes `strings` back to back at `buf` and a pointer to each at `ptrs`.
fn strings_get(mem: &mut GuestMem, strings: &[Vec<u8>], ptrs: u32, buf: u32) -> CallResult {
    let count = strings.len() as u64;
    let size: u64 = strings.iter().map(|s| s.len() as u64).sum();
    mem.check(ptrs, count.saturating_mul(4))?;
    mem.check(buf, size)?;
    mem.prepay_writes(count * 4 + size)?;
    let mut at = buf;
    for (i, s) in strings.iter().enumerate() {
        let slot = u32::try_from(i as u64 * 4)
            .ok()
            .and_then(|o| ptrs.checked_add(o))
            .ok_or(Errno::Fault)?;
        mem.write_u32(slot, at)?;
        mem.write(at, s)?;
        at = u32::try_from(s.len())
            .ok()
            .and_then(|l| at.checked_add(l))
            .ok_or(Fail::Errno(Errno::Fault))?;
    }
    Ok(())
}

/// `args_sizes_get(argc_ptr, argv_buf_size_ptr)`.
pub(crate) fn args_sizes_get(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    count: u32,
    size: u32,
) -> CallResult {
    sizes_get(mem, &args_of(wasi), count, size)
}

/// `args_get(argv, argv_buf)`.
pub(crate) fn args_get(wasi: &mut Wasi, mem: &mut GuestMem, ptrs: u32, buf: u32) -> CallResult {
    strings_get(mem, &args_of(wasi), ptrs, buf)
}

/// `environ_sizes_get(environc_ptr, environ_buf_size_ptr)`.
pub(crate) fn environ_sizes_get(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    count: u32,
    size: u32,
) -> CallResult {
    sizes_get(mem, &env_of(wasi), count, size)
}

/// `environ_get(environ, environ_buf)`.
pub(crate) fn environ_get(wasi: &mut Wasi, mem: &mut GuestMem, ptrs: u32, buf: u32) -> CallResult {
    strings_get(mem, &env_of(wasi), ptrs, buf)
}
