//! One contract call: instantiates the contract's module in a fresh `Store` with its
//! own gas limit, runs the method, and keeps or undoes the call's storage writes
//! (SPEC.md §Contract execution). Memory needs no rollback: every call gets a fresh
//! instance. Owns the call's host state [`ContractCtx`] and the failure kinds.
//! Depends on `state` (the journal), `abi` (the linker) and the runtime.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use super::state::JournaledState;
use crate::engine::Engine;
use crate::error::Error;
use crate::exec::TrapCode;
use crate::module::Module;
use crate::runtime::{Linker, Store};

/// What every call of a transaction shares: the engine, the deployed modules by
/// account name and the linker of the contract ABI.
#[derive(Clone)]
pub(crate) struct Env {
    pub(crate) engine: Engine,
    pub(crate) code: BTreeMap<String, Module>,
    pub(crate) linker: Linker<ContractCtx>,
}

/// The host state of one contract call (the `T` of its `Store<T>`).
pub(crate) struct ContractCtx {
    pub(crate) env: Arc<Env>,
    /// The transaction's state, moved in for the call and out again after it.
    pub(crate) state: JournaledState,
    /// The running contract's account name: storage functions reach only its storage.
    pub(crate) account: String,
    /// Who called: the transaction's sender, or the calling contract.
    pub(crate) caller: String,
    pub(crate) input: Vec<u8>,
    pub(crate) output: Vec<u8>,
    /// The output of the last successful `call` this call made (empty otherwise).
    pub(crate) return_data: Vec<u8>,
    /// 1 for the transaction's contract, one more per nested `call`.
    pub(crate) depth: u32,
    /// Why a host function ended the call with `host_error`, when it did.
    pub(crate) fault: Option<Failure>,
}

/// Why a contract call failed. Every failure undoes the call's storage writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The contract trapped with this code (`out_of_gas` included).
    Trap(TrapCode),
    /// The contract called `abort` with this message (invalid UTF-8 replaced by U+FFFD).
    Abort(String),
    /// A host function refused an argument (a key or value over its limit).
    Host(String),
    /// No contract is deployed under the called name.
    NoContract,
    /// The contract exports no function of the called name of type `[] -> []`.
    NoMethod,
    /// Instantiation failed for a reason other than a trap.
    Instantiate(String),
    /// The runtime refused the call: a bug of detwasm if it ever happens.
    Internal(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Trap(code) => write!(f, "trap {}", code.name()),
            Failure::Abort(message) => write!(f, "abort {message:?}"),
            Failure::Host(reason) => write!(f, "host_error {reason:?}"),
            Failure::NoContract => f.write_str("no_contract"),
            Failure::NoMethod => f.write_str("no_method"),
            Failure::Instantiate(reason) => write!(f, "instantiate {reason:?}"),
            Failure::Internal(reason) => write!(f, "internal {reason:?}"),
        }
    }
}

/// One call to run.
pub(crate) struct FrameCall<'a> {
    pub(crate) account: &'a str,
    pub(crate) caller: &'a str,
    pub(crate) method: &'a str,
    pub(crate) input: Vec<u8>,
    /// Gas units the call may use.
    pub(crate) gas_limit: u64,
    pub(crate) depth: u32,
}

/// What a call did: its output or why it failed, and the gas it used (at most its
/// limit).
pub(crate) struct FrameResult {
    pub(crate) outcome: Result<Vec<u8>, Failure>,
    pub(crate) gas_used: u64,
}

/// Runs `call` against `state`: on success its writes stay in `state` (the caller's
/// own failure can still undo them); on any failure they are undone. Never panics.
pub(crate) fn run(env: &Arc<Env>, state: &mut JournaledState, call: FrameCall<'_>) -> FrameResult {
    let fail = |failure| FrameResult {
        outcome: Err(failure),
        gas_used: 0,
    };
    let Some(module) = env.code.get(call.account) else {
        return fail(Failure::NoContract);
    };
    match module.export_func_type(call.method) {
        Some(ty) if ty.params().is_empty() && ty.results().is_empty() => {}
        _ => return fail(Failure::NoMethod),
    }
    let checkpoint = state.checkpoint();
    let ctx = ContractCtx {
        env: Arc::clone(env),
        state: std::mem::take(state),
        account: call.account.to_owned(),
        caller: call.caller.to_owned(),
        input: call.input,
        output: Vec::new(),
        return_data: Vec::new(),
        depth: call.depth,
        fault: None,
    };
    let mut store = Store::new(&env.engine, ctx);
    store.set_gas_limit(call.gas_limit);
    let result = execute(env, &mut store, module, call.method);
    let gas_used = store.gas_used();
    let mut ctx = store.into_data();
    *state = std::mem::take(&mut ctx.state);
    let outcome = match result {
        Ok(()) => Ok(ctx.output),
        Err(failure) => {
            state.revert(checkpoint);
            Err(ctx.fault.take().unwrap_or(failure))
        }
    };
    FrameResult { outcome, gas_used }
}

/// Instantiates `module` in `store` and runs its export `method`.
fn execute(
    env: &Env,
    store: &mut Store<ContractCtx>,
    module: &Module,
    method: &str,
) -> Result<(), Failure> {
    let instance = env.linker.instantiate(store, module).map_err(|e| match e {
        Error::Trap(t) => Failure::Trap(t.code()),
        other => Failure::Instantiate(other.to_string()),
    })?;
    let func = store
        .get_typed_func::<(), ()>(instance, method)
        .map_err(|_| Failure::NoMethod)?;
    func.call(store, ()).map_err(|e| match e {
        Error::Trap(t) => Failure::Trap(t.code()),
        other => Failure::Internal(other.to_string()),
    })
}
