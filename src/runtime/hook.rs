//! The trace hook: how a trace observes every host call, and how a replay answers host
//! calls from a recorded trace instead of running them. The hook only observes or
//! substitutes recorded answers: it never changes gas or results on its own.
//! Depends on value and exec's `Trap`.

use crate::exec::Trap;
use crate::value::{FuncAddr, Value};

/// A host call about to happen or just made.
#[derive(Debug)]
pub struct HostCall<'a> {
    /// The host function's store address.
    pub func: FuncAddr,
    /// Its import module name (empty for unnamed host functions).
    pub module: &'a str,
    /// Its import field name (empty for unnamed host functions).
    pub name: &'a str,
    /// The arguments, typed by the function's parameters.
    pub args: &'a [Value],
}

/// What a host call did, as the trace records it (SPEC.md §Trace, host call event).
#[derive(Debug)]
pub struct HostCallOutcome<'a> {
    /// The results, typed by the function's results (defaults when it trapped).
    pub results: &'a [Value],
    /// The trap the call ended with (`proc_exit` is `TrapCode::Exit`), if any.
    pub trap: Option<&'a Trap>,
    /// Every write into guest memory 0, in order: address and bytes.
    pub writes: &'a [(u32, Vec<u8>)],
    /// SHA-256 over every read of guest memory in order, each as address (u32 LE),
    /// length (u32 LE) and the bytes read.
    pub reads_digest: [u8; 32],
    /// Gas the call charged (its base cost plus everything it charged itself).
    pub gas_charged: u64,
    /// The store's gas used after the call.
    pub gas_used: u64,
}

/// A recorded answer that replaces running a host function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replayed {
    /// Results to return (ignored when `trap` is set).
    pub results: Vec<Value>,
    /// The trap to end with instead of returning, if any.
    pub trap: Option<Trap>,
    /// Writes to apply to guest memory 0, in order.
    pub writes: Vec<(u32, Vec<u8>)>,
    /// Gas to charge, all or nothing (out of gas if less remains).
    pub gas_charged: u64,
}

/// A checkpoint: the state of the executing instance just before an instruction
/// (SPEC.md §Trace, checkpoints).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// 0 for the first checkpoint of the store, then 1, 2, ...
    pub index: u64,
    /// Gas used before the instruction, in gas units.
    pub gas_used: u64,
    /// The executing function's store address.
    pub func: FuncAddr,
    /// Its index in its module's function index space.
    pub func_index: u32,
    /// Byte offset in the module binary of the instruction about to execute.
    pub offset: u32,
    /// The state digest: memories, globals, tables and value stack.
    pub state_digest: [u8; 32],
}

/// Observes every host call made by wasm code or by `Store::invoke` of a host
/// function. Installed with `Store::set_trace_hook`.
pub trait TraceHook: Send {
    /// Called after every host call with what it did.
    fn host_call(&mut self, call: &HostCall<'_>, outcome: &HostCallOutcome<'_>);

    /// Called before every host call: `Some` answers it from a recording and the host
    /// function does not run (`host_call` is still called with the replayed outcome).
    /// `memory` is the calling instance's memory 0 as the call finds it, for checks
    /// of what the recording says (a replay reads, never writes, through it).
    fn replay(&mut self, _call: &HostCall<'_>, _memory: Option<&[u8]>) -> Option<Replayed> {
        None
    }

    /// Called at every checkpoint when `Config::checkpoint_interval` is not 0.
    fn checkpoint(&mut self, _checkpoint: &Checkpoint) {}
}
