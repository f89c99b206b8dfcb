//! The table of provided `wasi_snapshot_preview1` functions, the one list from which
//! everything else is derived: the import allowlist the validator checks modules
//! against ([`allowlist`]), the host functions defined in a linker
//! ([`add_to_linker`]), and the base gas of each call.
//! Depends on `runtime` (Linker, Caller), `validate` (ImportAllowlist), `error`,
//! `value` and the call modules.

use super::errno::{CallResult, Fail};
use super::fs::{fd_calls, path_calls};
use super::gas::{CALL_BASE, PATH_CALL_BASE};
use super::guest_mem::GuestMem;
use super::{args_env, clock, poll, proc, random, Wasi};
use crate::error::Error;
use crate::exec::Trap;
use crate::runtime::{Caller, CallerContext, Linker};
use crate::validate::ImportAllowlist;
use crate::value::{ExternType, FuncType, ValType, Value};

/// The import module name of every provided function.
pub const WASI_MODULE: &str = "wasi_snapshot_preview1";

/// A call's body: decodes the arguments and runs.
type Imp = fn(&mut Wasi, &mut GuestMem, &[Value]) -> CallResult;

/// One provided function.
struct HostDef {
    name: &'static str,
    params: &'static [ValType],
    /// Whether it returns an `errno` (all but `proc_exit`).
    returns_errno: bool,
    /// Gas charged on entry, before anything else.
    base_gas: u64,
    imp: Imp,
}

const I: ValType = ValType::I32;
const L: ValType = ValType::I64;

/// Argument `i` as the `u32` bits of an `i32`.
fn a32(args: &[Value], i: usize) -> CallResult<u32> {
    match args.get(i) {
        Some(Value::I32(v)) => Ok(u32::from_le_bytes(v.to_le_bytes())),
        _ => Err(Fail::internal()),
    }
}

/// Argument `i` as the `u64` bits of an `i64`.
fn a64(args: &[Value], i: usize) -> CallResult<u64> {
    match args.get(i) {
        Some(Value::I64(v)) => Ok(u64::from_le_bytes(v.to_le_bytes())),
        _ => Err(Fail::internal()),
    }
}

/// Every provided function, in byte order of names. `proc_raise` is deliberately
/// absent: a module importing it is rejected by validation.
static FUNCS: &[HostDef] = &[
    HostDef {
        name: "args_get",
        params: &[I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| args_env::args_get(w, m, a32(a, 0)?, a32(a, 1)?),
    },
    HostDef {
        name: "args_sizes_get",
        params: &[I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| args_env::args_sizes_get(w, m, a32(a, 0)?, a32(a, 1)?),
    },
    HostDef {
        name: "clock_res_get",
        params: &[I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| clock::clock_res_get(w, m, a32(a, 0)?, a32(a, 1)?),
    },
    HostDef {
        name: "clock_time_get",
        params: &[I, L, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| clock::clock_time_get(w, m, a32(a, 0)?, a32(a, 2)?),
    },
    HostDef {
        name: "environ_get",
        params: &[I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| args_env::environ_get(w, m, a32(a, 0)?, a32(a, 1)?),
    },
    HostDef {
        name: "environ_sizes_get",
        params: &[I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| args_env::environ_sizes_get(w, m, a32(a, 0)?, a32(a, 1)?),
    },
    HostDef {
        name: "fd_advise",
        params: &[I, L, L, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, _, a| fd_calls::fd_advise(w, a32(a, 0)?, a32(a, 3)?),
    },
    HostDef {
        name: "fd_allocate",
        params: &[I, L, L],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, _, a| fd_calls::fd_allocate(w, a32(a, 0)?),
    },
    HostDef {
        name: "fd_close",
        params: &[I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, _, a| fd_calls::fd_close(w, a32(a, 0)?),
    },
    HostDef {
        name: "fd_datasync",
        params: &[I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, _, a| fd_calls::fd_sync(w, a32(a, 0)?),
    },
    HostDef {
        name: "fd_fdstat_get",
        params: &[I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| fd_calls::fd_fdstat_get(w, m, a32(a, 0)?, a32(a, 1)?),
    },
    HostDef {
        name: "fd_fdstat_set_flags",
        params: &[I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, _, a| fd_calls::fd_fdstat_set_flags(w, a32(a, 0)?, a32(a, 1)?),
    },
    HostDef {
        name: "fd_fdstat_set_rights",
        params: &[I, L, L],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, _, a| fd_calls::fd_fdstat_set_rights(w, a32(a, 0)?),
    },
    HostDef {
        name: "fd_filestat_get",
        params: &[I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| fd_calls::fd_filestat_get(w, m, a32(a, 0)?, a32(a, 1)?),
    },
    HostDef {
        name: "fd_filestat_set_size",
        params: &[I, L],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| fd_calls::fd_filestat_set_size(w, m, a32(a, 0)?, a64(a, 1)?),
    },
    HostDef {
        name: "fd_filestat_set_times",
        params: &[I, L, L, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, _, a| {
            fd_calls::fd_filestat_set_times(w, a32(a, 0)?, a64(a, 1)?, a64(a, 2)?, a32(a, 3)?)
        },
    },
    HostDef {
        name: "fd_pread",
        params: &[I, I, I, L, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| {
            fd_calls::fd_pread(
                w,
                m,
                a32(a, 0)?,
                a32(a, 1)?,
                a32(a, 2)?,
                a64(a, 3)?,
                a32(a, 4)?,
            )
        },
    },
    HostDef {
        name: "fd_prestat_dir_name",
        params: &[I, I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| fd_calls::fd_prestat_dir_name(w, m, a32(a, 0)?, a32(a, 1)?, a32(a, 2)?),
    },
    HostDef {
        name: "fd_prestat_get",
        params: &[I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| fd_calls::fd_prestat_get(w, m, a32(a, 0)?, a32(a, 1)?),
    },
    HostDef {
        name: "fd_pwrite",
        params: &[I, I, I, L, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| {
            fd_calls::fd_pwrite(
                w,
                m,
                a32(a, 0)?,
                a32(a, 1)?,
                a32(a, 2)?,
                a64(a, 3)?,
                a32(a, 4)?,
            )
        },
    },
    HostDef {
        name: "fd_read",
        params: &[I, I, I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| fd_calls::fd_read(w, m, a32(a, 0)?, a32(a, 1)?, a32(a, 2)?, a32(a, 3)?),
    },
    HostDef {
        name: "fd_readdir",
        params: &[I, I, I, L, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| {
            fd_calls::fd_readdir(
                w,
                m,
                a32(a, 0)?,
                a32(a, 1)?,
                a32(a, 2)?,
                a64(a, 3)?,
                a32(a, 4)?,
            )
        },
    },
    HostDef {
        name: "fd_renumber",
        params: &[I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, _, a| fd_calls::fd_renumber(w, a32(a, 0)?, a32(a, 1)?),
    },
    HostDef {
        name: "fd_seek",
        params: &[I, L, I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| {
            let offset = i64::from_le_bytes(a64(a, 1)?.to_le_bytes());
            fd_calls::fd_seek(w, m, a32(a, 0)?, offset, a32(a, 2)?, a32(a, 3)?)
        },
    },
    HostDef {
        name: "fd_sync",
        params: &[I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, _, a| fd_calls::fd_sync(w, a32(a, 0)?),
    },
    HostDef {
        name: "fd_tell",
        params: &[I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| fd_calls::fd_tell(w, m, a32(a, 0)?, a32(a, 1)?),
    },
    HostDef {
        name: "fd_write",
        params: &[I, I, I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| fd_calls::fd_write(w, m, a32(a, 0)?, a32(a, 1)?, a32(a, 2)?, a32(a, 3)?),
    },
    HostDef {
        name: "path_create_directory",
        params: &[I, I, I],
        returns_errno: true,
        base_gas: PATH_CALL_BASE,
        imp: |w, m, a| path_calls::path_create_directory(w, m, a32(a, 0)?, a32(a, 1)?, a32(a, 2)?),
    },
    HostDef {
        name: "path_filestat_get",
        params: &[I, I, I, I, I],
        returns_errno: true,
        base_gas: PATH_CALL_BASE,
        imp: |w, m, a| {
            path_calls::path_filestat_get(
                w,
                m,
                a32(a, 0)?,
                a32(a, 1)?,
                a32(a, 2)?,
                a32(a, 3)?,
                a32(a, 4)?,
            )
        },
    },
    HostDef {
        name: "path_filestat_set_times",
        params: &[I, I, I, I, L, L, I],
        returns_errno: true,
        base_gas: PATH_CALL_BASE,
        imp: |w, m, a| {
            path_calls::path_filestat_set_times(
                w,
                m,
                a32(a, 0)?,
                a32(a, 1)?,
                a32(a, 2)?,
                a32(a, 3)?,
                a64(a, 4)?,
                a64(a, 5)?,
                a32(a, 6)?,
            )
        },
    },
    HostDef {
        name: "path_link",
        params: &[I, I, I, I, I, I, I],
        returns_errno: true,
        base_gas: PATH_CALL_BASE,
        imp: |w, m, a| {
            path_calls::path_link(
                w,
                m,
                a32(a, 0)?,
                a32(a, 1)?,
                a32(a, 2)?,
                a32(a, 3)?,
                a32(a, 4)?,
                a32(a, 5)?,
                a32(a, 6)?,
            )
        },
    },
    HostDef {
        name: "path_open",
        params: &[I, I, I, I, I, L, L, I, I],
        returns_errno: true,
        base_gas: PATH_CALL_BASE,
        imp: |w, m, a| {
            path_calls::path_open(
                w,
                m,
                a32(a, 0)?,
                a32(a, 1)?,
                a32(a, 2)?,
                a32(a, 3)?,
                a32(a, 4)?,
                a64(a, 5)?,
                a64(a, 6)?,
                a32(a, 7)?,
                a32(a, 8)?,
            )
        },
    },
    HostDef {
        name: "path_readlink",
        params: &[I, I, I, I, I, I],
        returns_errno: true,
        base_gas: PATH_CALL_BASE,
        imp: |w, m, a| {
            path_calls::path_readlink(
                w,
                m,
                a32(a, 0)?,
                a32(a, 1)?,
                a32(a, 2)?,
                a32(a, 3)?,
                a32(a, 4)?,
                a32(a, 5)?,
            )
        },
    },
    HostDef {
        name: "path_remove_directory",
        params: &[I, I, I],
        returns_errno: true,
        base_gas: PATH_CALL_BASE,
        imp: |w, m, a| path_calls::path_remove_directory(w, m, a32(a, 0)?, a32(a, 1)?, a32(a, 2)?),
    },
    HostDef {
        name: "path_rename",
        params: &[I, I, I, I, I, I],
        returns_errno: true,
        base_gas: PATH_CALL_BASE,
        imp: |w, m, a| {
            path_calls::path_rename(
                w,
                m,
                a32(a, 0)?,
                a32(a, 1)?,
                a32(a, 2)?,
                a32(a, 3)?,
                a32(a, 4)?,
                a32(a, 5)?,
            )
        },
    },
    HostDef {
        name: "path_symlink",
        params: &[I, I, I, I, I],
        returns_errno: true,
        base_gas: PATH_CALL_BASE,
        imp: |w, m, a| {
            path_calls::path_symlink(
                w,
                m,
                a32(a, 0)?,
                a32(a, 1)?,
                a32(a, 2)?,
                a32(a, 3)?,
                a32(a, 4)?,
            )
        },
    },
    HostDef {
        name: "path_unlink_file",
        params: &[I, I, I],
        returns_errno: true,
        base_gas: PATH_CALL_BASE,
        imp: |w, m, a| path_calls::path_unlink_file(w, m, a32(a, 0)?, a32(a, 1)?, a32(a, 2)?),
    },
    HostDef {
        name: "poll_oneoff",
        params: &[I, I, I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| poll::poll_oneoff(w, m, a32(a, 0)?, a32(a, 1)?, a32(a, 2)?, a32(a, 3)?),
    },
    HostDef {
        name: "proc_exit",
        params: &[I],
        returns_errno: false,
        base_gas: CALL_BASE,
        imp: |w, _, a| proc::proc_exit(w, a32(a, 0)?),
    },
    HostDef {
        name: "random_get",
        params: &[I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, m, a| random::random_get(w, m, a32(a, 0)?, a32(a, 1)?),
    },
    HostDef {
        name: "sched_yield",
        params: &[],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |_, _, _| proc::sched_yield(),
    },
    HostDef {
        name: "sock_accept",
        params: &[I, I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, _, a| proc::sock_any(w, a32(a, 0)?),
    },
    HostDef {
        name: "sock_recv",
        params: &[I, I, I, I, I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, _, a| proc::sock_any(w, a32(a, 0)?),
    },
    HostDef {
        name: "sock_send",
        params: &[I, I, I, I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, _, a| proc::sock_any(w, a32(a, 0)?),
    },
    HostDef {
        name: "sock_shutdown",
        params: &[I, I],
        returns_errno: true,
        base_gas: CALL_BASE,
        imp: |w, _, a| proc::sock_any(w, a32(a, 0)?),
    },
];

impl HostDef {
    fn func_type(&self) -> FuncType {
        let results: &[ValType] = if self.returns_errno { &[I] } else { &[] };
        FuncType::new(self.params.iter().copied(), results.iter().copied())
    }
}

/// The names of every provided function with its base gas, in byte order.
pub fn provided_names() -> impl Iterator<Item = (&'static str, u64)> {
    FUNCS.iter().map(|d| (d.name, d.base_gas))
}

/// The import allowlist of the host: every provided `wasi_snapshot_preview1`
/// function with its exact signature. Pass it to `detwasm::validate::validate` so a
/// module importing anything else (another module, `proc_raise`, a misspelt name, a
/// wrong signature) is rejected before anything runs.
///
/// # Spec
/// WASI preview1 `wasi_snapshot_preview1.witx`, lowered to core wasm types.
pub fn allowlist() -> ImportAllowlist {
    let mut allow = ImportAllowlist::new();
    for def in FUNCS {
        allow.insert(WASI_MODULE, def.name, ExternType::Func(def.func_type()));
    }
    allow
}

/// Defines every provided function in `linker`, in byte order of names, as a host
/// function over the [`Wasi`] that `get` finds in the store's host state: `|w| w` for a
/// `Store<Wasi>`, `|s| &mut s.wasi` for an embedder's own state holding one.
/// Instantiating with the linker then allocates them at the store's next 45 function
/// addresses, in that order (SPEC.md §Trace checkpoints, for a fresh store: 0 to 44).
///
/// Each call charges its base gas ([`super::gas`]) on entry, before anything else.
/// `errno` results are returned to the guest; out of gas, `proc_exit` (as
/// `Trap::exit(status)`) and internal faults (`TrapCode::Internal`) end the run as
/// traps.
///
/// # Errors
/// `Error::Link` when `linker` already defines one of the functions.
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get: impl Fn(&mut T) -> &mut Wasi + Clone + Send + Sync + 'static,
) -> Result<(), Error> {
    for def in FUNCS {
        let get = get.clone();
        // The base gas is charged inside `call` (it depends on the function's class),
        // so the linker's base cost is 0; the name feeds gas profiles and traces.
        linker.func_new(
            WASI_MODULE,
            def.name,
            def.func_type(),
            0,
            move |mut caller: Caller<'_, T>, args: &[Value], results: &mut [Value]| {
                caller.charge_gas(def.base_gas)?;
                let (data, ctx) = caller.split();
                call(get(data), def, ctx, args, results)
            },
        )?;
    }
    Ok(())
}

/// Runs one host call, its base gas already charged.
fn call(
    state: &mut Wasi,
    def: &HostDef,
    caller: &mut CallerContext<'_>,
    args: &[Value],
    results: &mut [Value],
) -> Result<(), Trap> {
    let mut log = std::mem::take(state.access_log_mut());
    log.clear();
    let outcome = {
        let log = if state.recording() {
            Some(&mut log)
        } else {
            None
        };
        let mut mem = GuestMem::new(caller, log);
        (def.imp)(state, &mut mem, args)
    };
    *state.access_log_mut() = log;
    let errno = match outcome {
        Ok(()) => 0,
        Err(Fail::Errno(e)) => e.code(),
        Err(Fail::Trap(trap)) => return Err(trap),
    };
    if let Some(slot) = results.first_mut() {
        *slot = Value::I32(i32::from(errno));
    }
    Ok(())
}
