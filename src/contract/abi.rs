//! The contract ABI (SPEC.md §Contract host): the host functions a contract imports
//! from module `env`, their gas costs, limits and status codes, defined on a
//! [`Linker<ContractCtx>`]. Each function only moves bytes between guest memory and
//! the running call's [`ContractCtx`]; the nested `call` hands the work to
//! `frame::run`. Depends on the runtime's `Linker`/`Caller` and on `frame`.

use std::sync::Arc;

use super::frame::{self, ContractCtx, Failure, FrameCall};
use crate::error::Error;
use crate::exec::{Trap, TrapCode};
use crate::runtime::{Caller, Linker};

/// The import module name of every contract host function.
pub const IMPORT_MODULE: &str = "env";

/// The most nested contract calls that may be live at once: the transaction's
/// contract is at depth 1, and a `call` from depth 8 returns
/// [`status::DEPTH_LIMIT`] without running anything.
pub const MAX_CALL_DEPTH: u32 = 8;

/// The longest storage key, in bytes; a longer one traps with `host_error`.
pub const MAX_KEY_BYTES: u32 = 256;

/// The longest storage value, in bytes; a longer one traps with `host_error`.
pub const MAX_VALUE_BYTES: u32 = 65536;

/// The longest contract or method name `call` looks up, in bytes; a longer name is
/// reported as [`status::NO_CONTRACT`] or [`status::NO_METHOD`].
pub const MAX_NAME_BYTES: u32 = 64;

/// Gas costs of the contract host functions (contract host schedule version 1), in
/// gas units, charged through the store's counter in addition to the guest's `call`
/// instruction (SPEC.md §Contract host gas).
pub mod gas {
    /// Version of this schedule; any change of a cost below changes it.
    pub const SCHEDULE_VERSION: u32 = 1;
    /// Base cost of `input_len`, `caller_len` and `return_data_len`.
    pub const LEN_BASE: u64 = 10;
    /// Base cost of `input_read`, `caller_read`, `return_data_read`, `output_write`
    /// and `abort`.
    pub const COPY_BASE: u64 = 20;
    /// Per byte copied between guest memory and the host by the functions of
    /// [`COPY_BASE`], and per byte of the contract name, method name and input of a
    /// `call`.
    pub const COPY_BYTE: u64 = 1;
    /// Base cost of `storage_read`.
    pub const STORAGE_READ_BASE: u64 = 200;
    /// Per key byte of `storage_read` and `storage_remove`, and per value byte
    /// `storage_read` copies into guest memory.
    pub const STORAGE_READ_BYTE: u64 = 2;
    /// Base cost of `storage_write`.
    pub const STORAGE_WRITE_BASE: u64 = 500;
    /// Per key byte and per value byte of `storage_write`.
    pub const STORAGE_WRITE_BYTE: u64 = 20;
    /// Base cost of `storage_remove`.
    pub const STORAGE_REMOVE_BASE: u64 = 200;
    /// Base cost of `call`, not counting the gas the callee uses (which is charged
    /// to the caller too).
    pub const CALL_BASE: u64 = 1000;
}

/// The status codes `call` returns to the calling contract.
pub mod status {
    /// The callee returned; its writes are kept and its output is the return data.
    pub const OK: i32 = 0;
    /// The callee trapped (other than out of gas) or aborted; its writes are undone.
    pub const TRAPPED: i32 = 1;
    /// The callee ran out of its forwarded gas; its writes are undone.
    pub const OUT_OF_GAS: i32 = 2;
    /// The call would exceed [`super::MAX_CALL_DEPTH`]; nothing ran.
    pub const DEPTH_LIMIT: i32 = 3;
    /// No contract is deployed under that name; nothing ran.
    pub const NO_CONTRACT: i32 = 4;
    /// The contract exports no function of that name of type `[] -> []`; nothing ran.
    pub const NO_METHOD: i32 = 5;
}

/// The status code of a failed callee.
pub(crate) fn failure_status(failure: &Failure) -> i32 {
    match failure {
        Failure::Trap(TrapCode::OutOfGas) => status::OUT_OF_GAS,
        Failure::NoContract => status::NO_CONTRACT,
        Failure::NoMethod => status::NO_METHOD,
        Failure::Trap(_)
        | Failure::Abort(_)
        | Failure::Host(_)
        | Failure::Instantiate(_)
        | Failure::Internal(_) => status::TRAPPED,
    }
}

type Cx<'a> = Caller<'a, ContractCtx>;

/// A guest `i32` length or pointer as the unsigned bit pattern it stands for.
fn unsigned(x: i32) -> u32 {
    u32::from_ne_bytes(x.to_ne_bytes())
}

/// A host-side length as a guest `i32`; every length the host hands out is below
/// 2^31 (bounded by guest memory), so the fallback is unreachable.
fn guest_len(len: usize) -> Result<i32, Trap> {
    i32::try_from(len).map_err(|_| Trap::new(TrapCode::HostError))
}

fn charge_bytes(caller: &mut Cx<'_>, bytes: u64, per_byte: u64) -> Result<(), Trap> {
    caller.charge_gas(bytes.saturating_mul(per_byte))
}

fn read(caller: &mut Cx<'_>, ptr: i32, len: i32) -> Result<Vec<u8>, Trap> {
    caller
        .read_memory(unsigned(ptr), unsigned(len))
        .ok_or_else(|| Trap::new(TrapCode::MemoryOutOfBounds))
}

fn write(caller: &mut Cx<'_>, ptr: i32, data: &[u8]) -> Result<(), Trap> {
    if caller.write_memory(unsigned(ptr), data) {
        Ok(())
    } else {
        Err(Trap::new(TrapCode::MemoryOutOfBounds))
    }
}

/// Ends the call with `host_error`, recording `reason` as the failure.
fn host_fault(caller: &mut Cx<'_>, reason: String) -> Trap {
    caller.data_mut().fault = Some(Failure::Host(reason));
    Trap::new(TrapCode::HostError)
}

fn check_key(caller: &mut Cx<'_>, key_len: i32) -> Result<(), Trap> {
    let len = unsigned(key_len);
    if len > MAX_KEY_BYTES {
        return Err(host_fault(
            caller,
            format!("storage key of {len} bytes exceeds {MAX_KEY_BYTES}"),
        ));
    }
    Ok(())
}

/// Copies a host-held buffer (chosen by `pick`) into guest memory at `ptr`.
fn copy_out(caller: &mut Cx<'_>, ptr: i32, pick: fn(&ContractCtx) -> &[u8]) -> Result<(), Trap> {
    let data = pick(caller.data()).to_vec();
    charge_bytes(caller, data.len() as u64, gas::COPY_BYTE)?;
    write(caller, ptr, &data)
}

/// A linker defining every contract host function (SPEC.md §Contract host ABI).
///
/// # Errors
/// Never in practice: `Error::Link` only if a name were defined twice.
pub(crate) fn linker() -> Result<Linker<ContractCtx>, Error> {
    let mut l = Linker::<ContractCtx>::new();
    let m = IMPORT_MODULE;
    l.func_wrap(m, "input_len", gas::LEN_BASE, |c: Cx<'_>, (): ()| {
        guest_len(c.data().input.len())
    })?;
    l.func_wrap(
        m,
        "input_read",
        gas::COPY_BASE,
        |mut c: Cx<'_>, ptr: i32| copy_out(&mut c, ptr, |x| &x.input),
    )?;
    l.func_wrap(m, "caller_len", gas::LEN_BASE, |c: Cx<'_>, (): ()| {
        guest_len(c.data().caller.len())
    })?;
    l.func_wrap(
        m,
        "caller_read",
        gas::COPY_BASE,
        |mut c: Cx<'_>, ptr: i32| copy_out(&mut c, ptr, |x| x.caller.as_bytes()),
    )?;
    l.func_wrap(m, "return_data_len", gas::LEN_BASE, |c: Cx<'_>, (): ()| {
        guest_len(c.data().return_data.len())
    })?;
    l.func_wrap(
        m,
        "return_data_read",
        gas::COPY_BASE,
        |mut c: Cx<'_>, ptr: i32| copy_out(&mut c, ptr, |x| &x.return_data),
    )?;
    l.func_wrap(
        m,
        "output_write",
        gas::COPY_BASE,
        |mut c: Cx<'_>, (ptr, len): (i32, i32)| {
            charge_bytes(&mut c, u64::from(unsigned(len)), gas::COPY_BYTE)?;
            let data = read(&mut c, ptr, len)?;
            c.data_mut().output = data;
            Ok(())
        },
    )?;
    l.func_wrap(
        m,
        "abort",
        gas::COPY_BASE,
        |mut c: Cx<'_>, (ptr, len): (i32, i32)| -> Result<(), Trap> {
            charge_bytes(&mut c, u64::from(unsigned(len)), gas::COPY_BYTE)?;
            let data = read(&mut c, ptr, len)?;
            let message = String::from_utf8_lossy(&data).into_owned();
            c.data_mut().fault = Some(Failure::Abort(message));
            Err(Trap::new(TrapCode::HostError))
        },
    )?;
    define_storage(&mut l)?;
    l.func_wrap(m, "call", gas::CALL_BASE, host_call)?;
    Ok(l)
}

fn define_storage(l: &mut Linker<ContractCtx>) -> Result<(), Error> {
    let m = IMPORT_MODULE;
    l.func_wrap(
        m,
        "storage_read",
        gas::STORAGE_READ_BASE,
        |mut c: Cx<'_>, (kp, kl, vp, cap): (i32, i32, i32, i32)| {
            check_key(&mut c, kl)?;
            charge_bytes(&mut c, u64::from(unsigned(kl)), gas::STORAGE_READ_BYTE)?;
            let key = read(&mut c, kp, kl)?;
            let ctx = c.data();
            let Some(value) = ctx.state.get(&ctx.account, &key) else {
                return Ok(-1);
            };
            let value = value.to_vec();
            let n = value.len().min(unsigned(cap) as usize);
            charge_bytes(&mut c, n as u64, gas::STORAGE_READ_BYTE)?;
            write(&mut c, vp, value.get(..n).unwrap_or_default())?;
            guest_len(value.len())
        },
    )?;
    l.func_wrap(
        m,
        "storage_write",
        gas::STORAGE_WRITE_BASE,
        |mut c: Cx<'_>, (kp, kl, vp, vl): (i32, i32, i32, i32)| {
            check_key(&mut c, kl)?;
            let value_len = unsigned(vl);
            if value_len > MAX_VALUE_BYTES {
                return Err(host_fault(
                    &mut c,
                    format!("storage value of {value_len} bytes exceeds {MAX_VALUE_BYTES}"),
                ));
            }
            let bytes = u64::from(unsigned(kl)) + u64::from(value_len);
            charge_bytes(&mut c, bytes, gas::STORAGE_WRITE_BYTE)?;
            let key = read(&mut c, kp, kl)?;
            let value = read(&mut c, vp, vl)?;
            let ctx = c.data_mut();
            let existed = ctx.state.put(&ctx.account, &key, Some(value));
            Ok(i32::from(existed))
        },
    )?;
    l.func_wrap(
        m,
        "storage_remove",
        gas::STORAGE_REMOVE_BASE,
        |mut c: Cx<'_>, (kp, kl): (i32, i32)| {
            check_key(&mut c, kl)?;
            charge_bytes(&mut c, u64::from(unsigned(kl)), gas::STORAGE_READ_BYTE)?;
            let key = read(&mut c, kp, kl)?;
            let ctx = c.data_mut();
            let existed = ctx.state.put(&ctx.account, &key, None);
            Ok(i32::from(existed))
        },
    )?;
    Ok(())
}

/// `call(contract_ptr, contract_len, method_ptr, method_len, input_ptr, input_len,
/// gas) -> status`: runs `method` of `contract` in a fresh store with at most `gas`
/// of the caller's remaining gas, charges the caller what it used, and returns a
/// [`status`] code (SPEC.md §Contract calls).
fn host_call(
    mut c: Cx<'_>,
    (cp, cl, mp, ml, ip, il, gas_arg): (i32, i32, i32, i32, i32, i32, i64),
) -> Result<i32, Trap> {
    let bytes = u64::from(unsigned(cl)) + u64::from(unsigned(ml)) + u64::from(unsigned(il));
    charge_bytes(&mut c, bytes, gas::COPY_BYTE)?;
    let contract = read(&mut c, cp, cl)?;
    let method = read(&mut c, mp, ml)?;
    let input = read(&mut c, ip, il)?;
    c.data_mut().return_data.clear();
    let depth = c.data().depth;
    if depth >= MAX_CALL_DEPTH {
        return Ok(status::DEPTH_LIMIT);
    }
    let contract = match String::from_utf8(contract) {
        Ok(s) if s.len() <= MAX_NAME_BYTES as usize && c.data().env.code.contains_key(&s) => s,
        _ => return Ok(status::NO_CONTRACT),
    };
    let method = match String::from_utf8(method) {
        Ok(s) if s.len() <= MAX_NAME_BYTES as usize => s,
        _ => return Ok(status::NO_METHOD),
    };
    let forwarded = u64::from_ne_bytes(gas_arg.to_ne_bytes()).min(c.gas_remaining());
    let ctx = c.data_mut();
    let env = Arc::clone(&ctx.env);
    let caller_account = ctx.account.clone();
    let result = frame::run(
        &env,
        &mut ctx.state,
        FrameCall {
            account: &contract,
            caller: &caller_account,
            method: &method,
            input,
            gas_limit: forwarded,
            depth: depth + 1,
        },
    );
    // The callee used at most `forwarded`, which is at most what remains: this
    // charge cannot fail, and the caller pays exactly the callee's gas.
    c.charge_gas(result.gas_used)?;
    match result.outcome {
        Ok(output) => {
            c.data_mut().return_data = output;
            Ok(status::OK)
        }
        Err(failure) => Ok(failure_status(&failure)),
    }
}
