//! `proc_exit`, `sched_yield` and the socket calls. The host has no sockets: every
//! `sock_*` call fails with `EBADF` for an fd that is not open and `ENOTSOCK` for any
//! other. Depends on `errno`, `exec::Trap`.

use super::errno::{CallResult, Errno, Fail};
use super::Wasi;
use crate::exec::Trap;

/// `proc_exit(rval)`: records the status and ends the run with `Trap::exit`.
pub(crate) fn proc_exit(wasi: &mut Wasi, status: u32) -> CallResult {
    let status = i32::from_le_bytes(status.to_le_bytes());
    wasi.exit_status = Some(status);
    Err(Fail::Trap(Trap::exit(status)))
}

/// `sched_yield()`: there is nothing to yield to; succeeds.
pub(crate) fn sched_yield() -> CallResult {
    Ok(())
}

/// `sock_accept`, `sock_recv`, `sock_send`, `sock_shutdown`: `EBADF` or `ENOTSOCK`.
pub(crate) fn sock_any(wasi: &mut Wasi, fd: u32) -> CallResult {
    wasi.fds.get(fd)?;
    Err(Errno::Notsock.into())
}
