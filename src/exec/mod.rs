//! The interpreter: runs translated bytecode on an explicit frame stack (no native
//! recursion per wasm call), with segment gas charging, the SPEC.md §Stack model, typed
//! traps and exception unwinding. Never decodes wasm bytes.
//! Depends on translate (the bytecode), runtime (the store), float, gas.

#[macro_use]
mod arms;
pub(crate) mod checkpoint;
pub(crate) mod profile;
pub(crate) mod suspend;
#[cfg(detwasm_tail)]
mod tail;
mod trap;

pub use trap::{Trap, TrapCode};

use crate::error::Error;
use crate::float;
use crate::gas;
use crate::runtime::{CallerContext, FuncKind, InstanceInst, Replayed, StoreInner as Store};
use crate::translate::op::Op;
use crate::translate::{CatchKind, CompiledFunc};
use crate::value::{FuncAddr, ValType, Value};
use std::any::Any;
use std::collections::BTreeSet;

/// Size of a wasm page, in bytes (core §4.2.8).
pub const PAGE_SIZE: usize = 65536;

/// One suspended activation: the caller's function, where it resumes and its frame
/// pointer, plus what `func` names, cached so that a return needs no look-up in the
/// store (never observable: `Debug` leaves it out, and snapshots hold only the first
/// three).
///
/// A suspended caller never has prepaid gas: the translator ends a segment at every
/// call, so the op it resumes at is the head of a new segment (a `ConsumeGas`).
#[derive(Copy, Clone)]
pub(crate) struct Frame {
    pub(crate) func: u32,
    pub(crate) ret_pc: u32,
    pub(crate) fp: u32,
    /// The instance of `func` (`Machine::enter`).
    pub(crate) inst: u32,
    /// The address of the body of `func` (`Machine::enter`), which the store keeps
    /// alive; 0 until resolved (a frame decoded from a snapshot). `Machine::resume`
    /// resolves every frame before anything runs.
    pub(crate) code: usize,
}

impl Frame {
    /// A caller's activation: function `func` (of body `code` and instance `inst`)
    /// resumes at code position `ret_pc` with its frame at slot `fp`.
    pub(crate) fn new(
        func: u32,
        ret_pc: u32,
        fp: u32,
        code: *const CompiledFunc,
        inst: usize,
    ) -> Frame {
        Frame {
            func,
            ret_pc,
            fp,
            inst: inst as u32,
            code: code as usize,
        }
    }

    /// A frame decoded from a snapshot, resolved by `Machine::resume`.
    pub(crate) fn unresolved(func: u32, ret_pc: u32, fp: u32) -> Frame {
        Frame::new(func, ret_pc, fp, std::ptr::null(), 0)
    }

    /// The body and instance of `func`, as `Machine::enter` gives them.
    pub(crate) fn entered(&self) -> (*const CompiledFunc, usize) {
        (self.code as *const CompiledFunc, self.inst as usize)
    }
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frame")
            .field("func", &self.func)
            .field("ret_pc", &self.ret_pc)
            .field("fp", &self.fp)
            .finish()
    }
}

/// The live registers of the interpreter, saved when the loop exits.
#[derive(Copy, Clone, Debug)]
struct Regs {
    func: u32,
    pc: usize,
    fp: usize,
    sp: usize,
    prepaid: bool,
    /// For an out-of-gas stop inside a fused op: the component it stopped at.
    part: Option<u8>,
}

enum Exit {
    Done,
    SwitchToStep,
    /// Wasm instruction `part` of the op at `regs.pc` would pass the next checkpoint
    /// boundary (those before it fit): take the checkpoint there, then go on (in step
    /// mode).
    Checkpoint(u8),
    /// The threaded backend has no handler for the op at `regs.pc`: run it in the
    /// loop backend, then come back.
    #[cfg_attr(not(detwasm_tail), allow(dead_code))]
    Fallback,
    /// The loop backend ran the one op it was asked to (`ONE`).
    #[cfg_attr(not(detwasm_tail), allow(dead_code))]
    Yield,
}

/// Which backend `Machine::run_invocation` runs next.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Mode {
    /// The threaded backend (`tail`), where built in.
    Threaded,
    /// The loop backend.
    Loop,
    /// The loop backend for one op, then back to `Threaded`.
    One,
    /// The loop backend in step mode (gas charged op by op).
    Step,
}

/// Why the loop stopped abnormally: a trap at the op `regs.pc - 1`.
type Fault = TrapCode;

struct Machine<'s> {
    store: &'s mut Store,
    /// The host state of the `Store<T>`, handed to host functions (`HostFuncInst::f`).
    host: &'s mut dyn Any,
    frames: Vec<Frame>,
    /// Stack units (SPEC.md §Stack) of all live activations.
    height: u64,
    max_height: u64,
    max_depth: usize,
    /// Config::max_live_exceptions (SPEC.md §Exceptions).
    max_live_exceptions: u32,
    /// A trap raised by a host function, kept whole (it may carry an exit status).
    host_trap: Option<Trap>,
    /// A body that traps at once, returned by `enter` for a host function.
    trap_body: CompiledFunc,
    /// Config::gas_metering: when off, nothing is charged or refunded for wasm code.
    metering: bool,
    /// Config::checkpoint_interval (0: no checkpoints).
    cp_interval: u64,
    /// Config::dispatch.
    dispatch: crate::config::Dispatch,
    /// Set while step mode runs an op whose folded `local.set` it could not pay (see
    /// `oog_after` in `run`): a trap of that op refunds nothing for the set.
    unpaid_tail: bool,
    /// Set when a checkpoint was due at an instruction that is never reached (one
    /// before it in the same op traps): step mode runs that op past the fence.
    cp_skip: bool,
    /// With checkpoints on, for a resumable call that step mode stops at a fused op's
    /// unpaid `local.set` (`oog_after` in `run`): the stack machine's value stack at
    /// that instruction, taken before the op ran (`checkpoint::machine_stack`), for
    /// the suspension's state digest.
    owed_stack: Option<Vec<u64>>,
    /// Gas beyond the checkpoint fence: the loop sees only the gas up to the next
    /// checkpoint boundary, so running into the fence is an out-of-gas fault that the
    /// loop turns into a checkpoint. The real remaining gas is the loop's plus this.
    fence: u64,
    /// Whether an out-of-gas stop suspends the call (`suspend.rs`) instead of trapping.
    resumable: bool,
    /// Set when a host call stopped out of gas in a resumable call, its charges
    /// returned and nothing recorded: the call op runs again on resume.
    host_stop: bool,
    /// The host function and recorded answer (a replaying trace hook's) of a host call
    /// that stopped out of gas: the next host call takes it if it is to that function.
    replay_pending: Option<(u32, Replayed)>,
    /// The payload of a host function's panic caught in the threaded backend (whose
    /// `extern "C"` handlers cannot unwind); the panic continues once the chain is
    /// left.
    #[cfg_attr(not(detwasm_tail), allow(dead_code))]
    host_panic: Option<Box<dyn Any + Send>>,
}

/// Marks the path that calls it as rarely taken, so the compiler lays out and
/// allocates registers for the dispatch loop's hot ops first.
#[cold]
#[inline(never)]
fn cold() {}

#[inline(always)]
fn i32v(s: u64) -> i32 {
    s as u32 as i32
}
#[inline(always)]
fn u32v(s: u64) -> u32 {
    s as u32
}
#[inline(always)]
fn i64v(s: u64) -> i64 {
    s as i64
}
#[inline(always)]
fn u64v(s: u64) -> u64 {
    s
}
#[inline(always)]
fn o_i32(v: i32) -> u64 {
    u64::from(v as u32)
}
#[inline(always)]
fn o_u32(v: u32) -> u64 {
    u64::from(v)
}
#[inline(always)]
fn o_i64(v: i64) -> u64 {
    v as u64
}
#[inline(always)]
fn o_u64(v: u64) -> u64 {
    v
}
#[inline(always)]
fn o_bool(v: bool) -> u64 {
    u64::from(v)
}

/// An `imm` of an i64 immediate op: the constant sign-extended from 32 bits.
#[inline(always)]
fn sx(c: u32) -> u64 {
    c as i32 as i64 as u64
}

fn trunc<T>(r: Result<T, float::TruncError>) -> Result<T, TrapCode> {
    r.map_err(|e| match e {
        float::TruncError::InvalidConversion => TrapCode::InvalidConversionToInteger,
        float::TruncError::Overflow => TrapCode::IntegerOverflow,
    })
}

/// The `Refund` data op at `ip`, as `(gas, net)`: the gas a taken branch gives back
/// (the `u32` at offset 4) and the target head's gas less that (the `i64` at offset 8).
///
/// Every conditional branch that moves nothing is followed by its `Refund`
/// (`Translator::emit_cond_branch`), and `ip` is just after the branch.
#[inline(always)]
fn refund_at(ip: *const Op) -> (u64, i64) {
    // SAFETY: `ip` points at the `Refund` after a conditional branch, inside the
    // body (a branch is never a body's last op). `Op` is `#[repr(u32)]`, so a row is
    // a `repr(C)` struct of the `u32` tag and then its fields: `Refund`'s `gas`, a
    // `u32`, is at offset 4 and its `net`, an `i64`, at offset 8; ops are 8-byte
    // aligned (`Op` has `u64` fields).
    unsafe {
        (
            u64::from(*(ip as *const u32).add(1)),
            *(ip as *const i64).add(1),
        )
    }
}

/// Gas of the ops after `from` up to the end of its segment: what a frame prepaid but
/// will not execute when it leaves the segment abnormally.
fn unexecuted_gas(f: &CompiledFunc, from: usize) -> u64 {
    let mut sum = 0u64;
    for (op, side) in f.code.iter().zip(f.side.iter()).skip(from) {
        if matches!(op, Op::ConsumeGas { gas: _ }) {
            break;
        }
        sum += u64::from(side.cost());
    }
    sum
}

fn wasm_code(store: &Store, func: u32) -> Option<&CompiledFunc> {
    match &store.funcs.get(func as usize)?.kind {
        FuncKind::Wasm { code, .. } => Some(code),
        FuncKind::Host(_) => None,
    }
}

/// Invokes `func` with `args` (core §4.5.5); host functions receive `host`.
pub(crate) fn invoke(
    store: &mut Store,
    host: &mut dyn Any,
    func: FuncAddr,
    args: &[Value],
) -> Result<Vec<Value>, Error> {
    match invoke_with(store, host, func, args, false)? {
        Outcome::Finished(results) => Ok(results),
        Outcome::Suspended(_) => Err(Error::Internal("a call suspended without being resumable")),
    }
}

/// [`invoke`], and with `resumable` an out-of-gas stop suspends the call in
/// `store.suspended` instead of trapping (SPEC.md §Gas, resumption; `suspend.rs`).
pub(crate) fn invoke_with(
    store: &mut Store,
    host: &mut dyn Any,
    func: FuncAddr,
    args: &[Value],
    resumable: bool,
) -> Result<Outcome, Error> {
    if store.suspended.is_some() {
        return Err(Error::Invoke(suspend::BUSY.to_string()));
    }
    let f = store
        .funcs
        .get(func.0 as usize)
        .ok_or_else(|| Error::Invoke(format!("no function at address {}", func.0)))?;
    let ty = store
        .types
        .get(f.ty as usize)
        .ok_or(Error::Internal("function type id"))?
        .clone();
    if args.len() != ty.params().len() || args.iter().zip(ty.params()).any(|(a, t)| a.ty() != *t) {
        return Err(Error::Invoke(format!(
            "arguments do not match the function type {ty}"
        )));
    }
    for (i, a) in args.iter().enumerate() {
        store
            .check_value(a)
            .map_err(|why| Error::Invoke(format!("argument {}: {why}", i + 1)))?;
    }
    let slots: Vec<u64> = args.iter().map(Value::to_slot).collect();
    if matches!(f.kind, FuncKind::Host(_)) {
        return invoke_host(store, host, func, args.to_vec(), resumable);
    }
    let mut m = Machine::new(store, host, resumable);
    let run = m.run_invocation(func.0, &slots)?;
    Ok(finish(store, &ty, run))
}

/// Runs host function `func` invoked by the embedder (not from wasm).
fn invoke_host(
    store: &mut Store,
    host: &mut dyn Any,
    func: FuncAddr,
    args: Vec<Value>,
    resumable: bool,
) -> Result<Outcome, Error> {
    let r = call_host_root(store, host, func.0, args.clone(), resumable, None);
    match r {
        Ok(results) => Ok(Outcome::Finished(results)),
        Err(HostStop::Trap(t)) => Err(Error::Trap(t)),
        Err(HostStop::OutOfGas(replay)) => Ok(suspend::suspend_host(store, func, args, replay)),
    }
}

/// The results of a finished run as values of `ty`'s result types (pinned, SPEC.md
/// §Exceptions), or the trap of a suspension.
fn finish(store: &mut Store, ty: &crate::value::FuncType, run: Run) -> Outcome {
    match run {
        Run::Done(slots) => {
            let results: Vec<Value> = slots
                .iter()
                .zip(ty.results())
                .map(|(s, t)| Value::from_slot(*t, *s, store.id))
                .collect();
            store.pin_exns(&results);
            Outcome::Finished(results)
        }
        Run::Suspended(trap) => Outcome::Suspended(trap),
    }
}

/// What an invocation came to.
pub(crate) enum Outcome {
    /// It returned these results.
    Finished(Vec<Value>),
    /// It ran out of gas and is suspended in `store.suspended`; the out-of-gas trap
    /// says where.
    Suspended(Trap),
}

/// What the driver loop came to: the root function's result slots, or a suspension.
#[derive(Debug)]
enum Run {
    Done(Vec<u64>),
    Suspended(Trap),
}

impl<'s> Machine<'s> {
    /// A machine with no live activation over `store` and the host state `host`.
    fn new(store: &'s mut Store, host: &'s mut dyn Any, resumable: bool) -> Machine<'s> {
        // The engine's `Arc`, not a copy of its whole `Config`, per invocation.
        let engine = store.engine.clone();
        let c = engine.config();
        Machine {
            store,
            host,
            frames: Vec::new(),
            height: 0,
            max_height: c.max_stack_height,
            max_depth: c.max_call_depth as usize,
            max_live_exceptions: c.max_live_exceptions,
            host_trap: None,
            trap_body: empty_func(),
            metering: c.gas_metering,
            cp_interval: c.checkpoint_interval,
            dispatch: c.dispatch,
            fence: 0,
            unpaid_tail: false,
            cp_skip: false,
            owed_stack: None,
            resumable,
            host_stop: false,
            host_panic: None,
            replay_pending: None,
        }
    }
}

impl Machine<'_> {
    fn run_invocation(&mut self, func: u32, args: &[u64]) -> Result<Run, Trap> {
        let (units, nlocals, nops) = match wasm_code(self.store, func) {
            Some(c) => (c.stack_units, c.num_locals, c.max_operands),
            None => return Err(Trap::new(TrapCode::Internal)),
        };
        if units > self.max_height || self.max_depth == 0 {
            return Err(Trap::at(TrapCode::CallStackExhausted, FuncAddr(func), 0));
        }
        self.height = units;
        if let Some(p) = self.store.profiler.as_deref_mut() {
            p.last = self.store.gas_remaining;
            p.clear();
            p.push(func);
        }
        let need = nlocals as usize + nops as usize;
        let stack = &mut self.store.stack;
        stack.clear();
        stack.resize(need.max(args.len()), 0);
        stack[..args.len()].copy_from_slice(args);
        let regs = Regs {
            func,
            pc: 0,
            fp: 0,
            sp: nlocals as usize,
            prepaid: true,
            part: None,
        };
        self.drive(func, regs, false)
    }

    /// The driver: runs the threaded handlers or the loop (switching to step mode and
    /// taking checkpoints as it asks) until the invocation of `root` returns, traps
    /// or, when resumable, runs out of gas.
    fn drive(&mut self, root: u32, mut regs: Regs, step: bool) -> Result<Run, Trap> {
        let nresults = wasm_code(self.store, root).map_or(0, |c| c.num_results as usize);
        let mut mode = if step {
            Mode::Step
        } else if self.threaded() {
            Mode::Threaded
        } else {
            Mode::Loop
        };
        loop {
            let r = match mode {
                Mode::Step => self.run::<true, false>(&mut regs),
                Mode::Loop => self.run::<false, false>(&mut regs),
                Mode::One => self.run::<false, true>(&mut regs),
                #[cfg(detwasm_tail)]
                Mode::Threaded => tail::run(self, &mut regs),
                #[cfg(not(detwasm_tail))]
                Mode::Threaded => self.run::<false, false>(&mut regs),
            };
            match r {
                Ok(Exit::Done) => {
                    let n = nresults;
                    return Ok(Run::Done(self.store.stack[regs.fp..regs.fp + n].to_vec()));
                }
                Ok(Exit::SwitchToStep) => mode = Mode::Step,
                Ok(Exit::Checkpoint(part)) => {
                    if let Err(code) = self.take_checkpoint(&regs, part) {
                        return Err(self.fail(code, &regs));
                    }
                    mode = Mode::Step;
                }
                Ok(Exit::Fallback) => mode = Mode::One,
                Ok(Exit::Yield) => mode = Mode::Threaded,
                Err(TrapCode::OutOfGas) if self.resumable && self.host_trap.is_none() => {
                    return Ok(Run::Suspended(self.suspend(root, &regs)));
                }
                Err(code) => return Err(self.fail(code, &regs)),
            }
        }
    }

    /// Whether this invocation runs in the threaded backend: built in (`detwasm_tail`),
    /// not turned off by `Config::dispatch`, and nothing that only the loop backend
    /// does is on (checkpoints, the gas profiler). An atomic call's journal runs in
    /// the threaded backend's journal mode (`tail::Handlers::<true>`).
    fn threaded(&self) -> bool {
        cfg!(detwasm_tail)
            && self.dispatch == crate::config::Dispatch::Auto
            && self.cp_interval == 0
            && self.store.profiler.is_none()
    }

    /// Resizes the value stack to at least `need` slots (at least doubling it).
    #[cold]
    #[inline(never)]
    #[cfg_attr(not(detwasm_tail), allow(dead_code))]
    fn grow_stack(&mut self, need: usize) {
        let grown = need.max(self.store.stack.len() * 2);
        self.store.stack.resize(grown, 0);
    }

    /// Sets `fence` from the store's real remaining gas and the next checkpoint
    /// boundary: the loop may use the gas up to the boundary.
    fn refence(&mut self) {
        self.fence = 0;
        if self.cp_interval == 0 {
            return;
        }
        let remaining = self.store.gas_remaining;
        let used = self.store.gas_limit.saturating_sub(remaining);
        let room = self.store.checkpoint_next.saturating_sub(used);
        self.fence = remaining.saturating_sub(room);
    }

    /// Takes the checkpoint before wasm instruction `part` of the op at `regs.pc`
    /// (which has not run; the base gas of its instructions before `part` fits below
    /// the boundary and is not charged yet) and moves the boundary past it. When an
    /// instruction before `part` traps, `part` is never reached: no checkpoint, and
    /// step mode runs the op past the fence (`cp_skip`). `TrapCode::Internal` when the
    /// body's checkpoint map does not describe the op (a bug in detwasm).
    fn take_checkpoint(&mut self, regs: &Regs, part: u8) -> Result<(), TrapCode> {
        let internal = TrapCode::Internal;
        let used = self
            .store
            .gas_limit
            .saturating_sub(self.store.gas_remaining);
        let (cf, inst) = self.code_arc(regs.func).ok_or(internal)?;
        let p = usize::from(part);
        let parts = cf.parts(regs.pc).ok_or(internal)?;
        let before: u64 = parts.iter().take(p).map(|c| u64::from(*c)).sum();
        let stack = match checkpoint::machine_stack(self.store, inst, &cf, regs.fp, regs.pc, p) {
            Ok(stack) => stack,
            Err(checkpoint::Rebuild::Trap) => {
                self.cp_skip = true;
                return Ok(());
            }
            Err(checkpoint::Rebuild::Internal) => return Err(internal),
        };
        self.record_checkpoint(regs.func, (&cf, inst), (regs.pc, p), used + before, &stack)
    }

    /// Records the checkpoint before wasm instruction `at.1` of op `at.0` of function
    /// `func` (body and instance `code`), with `used` gas used before it and the stack
    /// machine's value stack `stack` there, and moves the boundary past the
    /// instruction's base cost. `TrapCode::Internal` when the body has no such
    /// instruction.
    pub(super) fn record_checkpoint(
        &mut self,
        func: u32,
        (cf, inst): (&CompiledFunc, usize),
        (pc, part): (usize, usize),
        used: u64,
        stack: &[u64],
    ) -> Result<(), TrapCode> {
        let internal = TrapCode::Internal;
        let cost = u64::from(*cf.parts(pc).ok_or(internal)?.get(part).ok_or(internal)?);
        let offset = cf.offset(pc, part).ok_or(internal)?;
        let func_index = self
            .store
            .instances
            .get(inst)
            .and_then(|i| i.defined_func_index(func))
            .unwrap_or(0);
        let state_digest = checkpoint::state_digest(self.store, inst, stack);
        let cp = crate::runtime::Checkpoint {
            index: self.store.checkpoint_index,
            gas_used: used,
            func: FuncAddr(func),
            func_index,
            offset,
            state_digest,
        };
        self.store.checkpoint_index += 1;
        let n = self.cp_interval;
        // The next boundary is the first multiple of N at or above the end of this
        // instruction's base cost, so with N = 1 every instruction gets one.
        self.store.checkpoint_next = (used + cost).div_ceil(n).max(1) * n;
        if let Some(mut hook) = self.store.trace_hook.take() {
            hook.checkpoint(&cp);
            self.store.trace_hook = Some(hook);
        }
        Ok(())
    }

    /// Turns a fault into a trap: refunds what the trapping activation prepaid and will
    /// not execute (SPEC.md §Gas), and drops the frames.
    fn fail(&mut self, code: TrapCode, regs: &Regs) -> Trap {
        let at = regs.pc.saturating_sub(1);
        // Only the trapping activation can have prepaid gas it will not use: callers'
        // segments end at their calls (see `Frame`).
        // A trap of an op's main instruction also leaves the `local.set` folded after
        // it unexecuted; it was charged with the op unless an out-of-gas stop in step
        // mode ran the op without paying it (`unpaid_tail`).
        let unpaid_tail = std::mem::take(&mut self.unpaid_tail);
        self.owed_stack = None;
        let refund = match wasm_code(self.store, regs.func) {
            Some(c) if self.metering => {
                let rest = if regs.prepaid {
                    unexecuted_gas(c, at + 1)
                } else {
                    0
                };
                let tail = if regs.part.is_none() && !unpaid_tail {
                    c.gas_after_main(at)
                } else {
                    0
                };
                rest + tail
            }
            _ => 0,
        };
        if let Some(p) = self.store.profiler.as_deref_mut() {
            p.flush(self.store.gas_remaining);
            p.refund(p.depth(), refund);
            p.clear();
        }
        self.store.gas_remaining = self.store.gas_remaining.saturating_add(refund);
        self.frames.clear();
        // The wasm instruction that trapped: the component an out-of-gas stop reached,
        // else the last component of the op (only the last can trap).
        let part = regs.part.unwrap_or_else(|| {
            wasm_code(self.store, regs.func)
                .and_then(|c| c.parts(at))
                .map_or(0, |p| {
                    p.iter().filter(|x| **x > 0).count().saturating_sub(1) as u8
                })
        });
        match self.host_trap.take() {
            Some(t) => t.located(FuncAddr(regs.func), at),
            None => Trap::at(code, FuncAddr(regs.func), at).with_part(part),
        }
    }

    /// The interpreter loop. `STEP` selects instruction-by-instruction gas accounting,
    /// used once the gas left cannot cover a whole segment.
    #[allow(clippy::too_many_lines)]
    /// With `ONE`, it returns `Exit::Yield` after running one op (for the threaded
    /// backend's `Exit::Fallback`).
    fn run<const STEP: bool, const ONE: bool>(&mut self, regs: &mut Regs) -> Result<Exit, Fault> {
        let mut func = regs.func;
        let mut fp = regs.fp;
        let mut prepaid = regs.prepaid;
        self.refence();
        let mut gas = self.store.gas_remaining - self.fence;
        let track = self.cp_interval > 0;
        // An atomic call's journal is open (`runtime/atomic.rs`): save old state
        // before writes.
        let journaling = self.store.journal.is_some();
        // The journal page (of memory `jmem`) the last store found saved: stores that
        // stay in it skip the journal (it stays saved until the call ends).
        let (mut jmem, mut jpage) = (usize::MAX, u64::MAX);
        // The current function's code and instance, as raw pointers so that they do
        // not borrow the store. NOTE: the store's function and instance lists are not
        // modified while code runs (host functions only see a `Caller`), and each
        // function's code is kept alive by its `Arc` in the store, so the pointers stay
        // valid for the whole loop.
        let (mut cfp, mut inst) = self.enter(func);
        let mut instp: *const InstanceInst = &self.store.instances[inst];
        let mut mem: usize = self.mem_of(inst);
        let mut stk: *mut u64 = self.store.stack.as_mut_ptr();
        let (mut mem_ptr, mut mem_len) = self.mem_raw(mem);
        // The hot registers as raw pointers: `ip` points at the next op of the
        // current body (`code0` at its first), `fpp` at the current frame's slot 0.
        // SAFETY: `regs.pc` is a position inside the body (every exit saves one) and
        // `regs.fp` plus the body's slots is inside the stack (see `sg!`).
        let mut code0: *const Op = unsafe { &*cfp }.code.as_ptr();
        let mut ip: *const Op = unsafe { code0.add(regs.pc) };
        let mut fpp: *mut u64 = unsafe { stk.add(fp) };

        macro_rules! pc {
            () => {
                // SAFETY: `ip` and `code0` point into the same body (see above).
                unsafe { ip.offset_from(code0) as usize }
            };
        }
        macro_rules! jump {
            ($target:expr) => {{
                // SAFETY: the translator resolves every branch target to a position
                // inside the body.
                ip = unsafe { code0.add($target as usize) };
            }};
        }
        // When `ip` is at a `ConsumeGas` (a branch target or a return position) that can
        // be paid, run it here, saving its dispatch: exactly what its
        // arm does. In step mode the arm runs as usual.
        macro_rules! charge_head {
            () => {{
                if !STEP {
                    // SAFETY: `ip` is inside the body (a resolved target or a return
                    // position).
                    if let Op::ConsumeGas { gas: n } = unsafe { *ip } {
                        let n = u64::from(n);
                        if gas >= n {
                            gas -= n;
                            prepaid = true;
                            // SAFETY: a segment head is never a body's last op.
                            ip = unsafe { ip.add(1) };
                        }
                    }
                }
            }};
        }
        // A conditional branch: taken when `$cond` holds.
        // A conditional branch: when taken, gives back the gas its `Refund` names if
        // the segment was prepaid (step mode charges op by op: nothing to give
        // back); when not taken, steps over the `Refund`.
        macro_rules! br_if {
            ($target:expr, $cond:expr) => {{
                if $cond {
                    let (refund, net) = refund_at(ip);
                    if prepaid {
                        gas += refund;
                    }
                    enter_segment!($target, refund.wrapping_add(net as u64));
                } else {
                    skip!(1);
                }
            }};
        }
        // A taken branch to `$target`, the op after a segment head
        // (`Translator::enter_past_heads`): jump, then charge the head's gas `$gas`.
        // When it cannot be paid, step mode goes on from the target, charging op by
        // op, exactly as after a head that cannot be paid.
        macro_rules! enter_segment {
            ($target:expr, $gas:expr) => {{
                let n: u64 = $gas;
                jump!($target);
                if gas >= n {
                    gas -= n;
                    prepaid = true;
                } else {
                    prepaid = false;
                    if !STEP {
                        save!();
                        return Ok(Exit::SwitchToStep);
                    }
                }
            }};
        }
        // A taken branch: jump, then charge the target segment's head.
        macro_rules! branch_to {
            ($target:expr) => {{
                jump!($target);
                charge_head!();
            }};
        }
        macro_rules! save {
            () => {{
                regs.func = func;
                regs.pc = pc!();
                regs.fp = fp;
                regs.prepaid = prepaid;
                self.store.gas_remaining = gas + self.fence;
            }};
        }
        macro_rules! reload_gas {
            () => {{
                self.refence();
                gas = self.store.gas_remaining - self.fence;
            }};
        }
        macro_rules! dirty {
            ($addr:expr, $len:expr) => {{
                if track {
                    self.store
                        .page_cache
                        .entry(mem as u32)
                        .or_default()
                        .mark($addr as u64, $len as u64);
                }
            }};
        }
        // Before a write of `$len` bytes at `$addr` of the current memory.
        macro_rules! journal {
            ($addr:expr, $len:expr) => {{
                if journaling {
                    self.store.journal_memory(mem, $addr as u64, $len as u64);
                }
            }};
        }
        macro_rules! fault {
            ($code:expr) => {{
                cold();
                save!();
                return Err($code);
            }};
        }
        macro_rules! tri {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(code) => fault!(code),
                }
            };
        }
        macro_rules! charge {
            ($amount:expr) => {{
                let a: u64 = if self.metering { $amount } else { 0 };
                if gas < a && self.fence > 0 {
                    // A dynamic charge passes the checkpoint fence: no checkpoint
                    // here; the next instruction takes it.
                    gas += self.fence;
                    self.fence = 0;
                }
                if gas < a {
                    fault!(TrapCode::OutOfGas);
                }
                gas -= a;
                if track {
                    save!();
                    reload_gas!();
                }
            }};
        }
        macro_rules! st {
            () => {
                self.store.stack
            };
        }
        macro_rules! cf {
            () => {
                // SAFETY: `cfp` points into an `Arc<CompiledFunc>` the store keeps
                // alive and never mutates while code runs (see above).
                unsafe { &*cfp }
            };
        }
        macro_rules! sg {
            ($i:expr) => {
                // SAFETY: every slot index is below fp + num_locals + max_operands:
                // validation bounds the operand height by `max_operands` and local
                // indices by `num_locals`, and a call resizes the stack to that size
                // before entering the callee (`stk` is refreshed after every resize).
                unsafe { *stk.add($i) }
            };
        }
        macro_rules! ss {
            ($i:expr, $v:expr) => {{
                let v: u64 = $v;
                // SAFETY: as for `sg!`.
                unsafe { *stk.add($i) = v }
            }};
        }
        macro_rules! refresh {
            () => {{
                instp = &self.store.instances[inst];
                mem = self.mem_of(inst);
                (mem_ptr, mem_len) = self.mem_raw(mem);
                stk = self.store.stack.as_mut_ptr();
                // SAFETY: as for `sg!`.
                fpp = unsafe { stk.add(fp) };
            }};
        }
        macro_rules! sl {
            ($slot:expr) => {
                // SAFETY: as for `sg!`: `fpp` is `stk + fp`, refreshed whenever either
                // changes.
                unsafe { *fpp.add($slot as usize) }
            };
        }
        macro_rules! ssl {
            ($slot:expr, $v:expr) => {{
                let v: u64 = $v;
                // SAFETY: as for `sl!`.
                unsafe { *fpp.add($slot as usize) = v }
            }};
        }
        macro_rules! ea {
            ($addr:expr, $off:expr, $n:expr) => {{
                let a = u64::from($addr as u32) + u64::from($off);
                if a + $n > mem_len {
                    fault!(TrapCode::MemoryOutOfBounds);
                }
                a as usize
            }};
        }
        macro_rules! load {
            ($dst:expr, $addr:expr, $off:expr, $n:literal, |$b:ident| $e:expr) => {{
                let a = ea!($addr, $off, $n);
                let mut $b = [0u8; $n];
                // SAFETY: `ea!` checked a + n <= mem_len, and `mem_ptr`/`mem_len`
                // describe the current memory (refreshed after anything that can
                // resize or switch it).
                unsafe { std::ptr::copy_nonoverlapping(mem_ptr.add(a), $b.as_mut_ptr(), $n) };
                ssl!($dst, $e);
            }};
        }
        macro_rules! store {
            ($addr:expr, $value:expr, $off:expr, $n:literal, |$v:ident| $e:expr) => {{
                let $v: u64 = $value;
                let a = ea!($addr, $off, $n);
                let bytes: [u8; $n] = $e;
                if journaling {
                    const J: u64 = crate::runtime::JOURNAL_PAGE_BYTES as u64;
                    let (p, q) = (a as u64 / J, (a as u64 + $n - 1) / J);
                    if p != jpage || q != p || mem != jmem {
                        self.store.journal_memory(mem, a as u64, $n);
                        (jmem, jpage) = (mem, q);
                    }
                }
                // SAFETY: as for `load!`; the journal only reads the memory.
                unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), mem_ptr.add(a), $n) };
                dirty!(a, $n);
            }};
        }
        macro_rules! prof {
            (|$p:ident| $e:expr) => {{
                if let Some($p) = self.store.profiler.as_deref_mut() {
                    $e;
                }
            }};
        }
        macro_rules! do_return {
            ($results:expr) => {{
                let src: usize = $results;
                prof!(|p| {
                    p.flush(gas + self.fence);
                    p.pop();
                });
                let n = cf!().num_results as usize;
                for i in 0..n {
                    ss!(fp + i, sg!(src + i));
                }
                self.height -= cf!().stack_units;
                match self.frames.pop() {
                    None => {
                        save!();
                        return Ok(Exit::Done);
                    }
                    Some(f) => {
                        func = f.func;
                        fp = f.fp as usize;
                        // The caller resumes at a segment head (see `Frame`).
                        prepaid = false;
                        (cfp, inst) = f.entered();
                        code0 = cf!().code.as_ptr();
                        jump!(f.ret_pc);
                        refresh!();
                        // The caller resumes at a segment head.
                        charge_head!();
                    }
                }
            }};
        }
        macro_rules! moves {
            () => {{
                // The `Moves` data op after the branch (the translator emits one
                // after every moving branch).
                match cf!().code.get(pc!()) {
                    Some(&Op::Moves { to, from, n }) => {
                        for i in 0..n as usize {
                            ss!(fp + to as usize + i, sg!(fp + from as usize + i));
                        }
                    }
                    _ => fault!(TrapCode::Internal),
                }
            }};
        }
        macro_rules! skip {
            ($n:expr) => {{
                // SAFETY: the data ops a branch skips follow it in the body.
                ip = unsafe { ip.add($n) };
            }};
        }
        macro_rules! peek {
            ($i:expr) => {
                match cf!().code.get(pc!() + $i) {
                    Some(op) => *op,
                    None => fault!(TrapCode::Internal),
                }
            };
        }
        macro_rules! ret {
            ($slot:expr) => {
                do_return!(fp + $slot as usize)
            };
        }
        macro_rules! global_get {
            ($i:expr) => {{
                // SAFETY: validation proved `$i` is below the module's global count,
                // the length of the instance's global list.
                let g = unsafe { *(*instp).globals_ref().get_unchecked($i as usize) };
                self.store.globals[g as usize].value
            }};
        }
        macro_rules! global_set {
            ($i:expr, $v:expr) => {{
                let v: u64 = $v;
                // SAFETY: as for `global_get!`.
                let g = unsafe { *(*instp).globals_ref().get_unchecked($i as usize) };
                if journaling {
                    self.store.journal_global(g as usize);
                }
                self.store.globals[g as usize].value = v;
            }};
        }
        macro_rules! memory_pages {
            () => {
                (self.store.memories[mem].data.len() / PAGE_SIZE) as u64
            };
        }
        macro_rules! call {
            ($callee:expr, $base:expr, $tail:expr) => {{
                let callee: u32 = $callee;
                let base: usize = $base;
                match self.enter_wasm(callee) {
                    Some((ncfp, ninst)) => {
                        // SAFETY: as for `cf!`.
                        let ncf = unsafe { &*ncfp };
                        let np = ncf.num_params as usize;
                        if $tail {
                            let units = self.height - cf!().stack_units + ncf.stack_units;
                            if units > self.max_height {
                                fault!(TrapCode::CallStackExhausted);
                            }
                            self.height = units;
                            prof!(|p| {
                                p.flush(gas + self.fence);
                                p.pop();
                                p.push(callee);
                            });
                            for i in 0..np {
                                ss!(fp + i, sg!(base + i));
                            }
                        } else {
                            if self.frames.len() + 1 >= self.max_depth
                                || self.height + ncf.stack_units > self.max_height
                            {
                                fault!(TrapCode::CallStackExhausted);
                            }
                            self.height += ncf.stack_units;
                            prof!(|p| {
                                p.flush(gas + self.fence);
                                p.push(callee);
                            });
                            self.frames
                                .push(Frame::new(func, pc!() as u32, fp as u32, cfp, inst));
                            fp = base;
                        }
                        let nl = ncf.num_locals as usize;
                        let need = fp + nl + ncf.max_operands as usize;
                        if st!().len() < need {
                            let grown = need.max(st!().len() * 2);
                            st!().resize(grown, 0);
                            stk = self.store.stack.as_mut_ptr();
                        }
                        // SAFETY: as for `sg!` (the stack was just sized for the callee).
                        fpp = unsafe { stk.add(fp) };
                        for i in fp + np..fp + nl {
                            ss!(i, 0);
                        }
                        func = callee;
                        cfp = ncfp;
                        code0 = cf!().code.as_ptr();
                        ip = code0;
                        if ninst != inst {
                            inst = ninst;
                            refresh!();
                        }
                    }
                    None => {
                        prof!(|p| {
                            p.flush(gas + self.fence);
                            p.push(callee);
                        });
                        save!();
                        let r = self.call_host(callee, base, inst, mem);
                        prof!(|p| {
                            p.flush(self.store.gas_remaining);
                            p.pop();
                        });
                        if let Err(code) = r {
                            reload_gas!();
                            fault!(code)
                        }
                        reload_gas!();
                        refresh!();
                        if $tail {
                            do_return!(base);
                        }
                    }
                }
            }};
        }
        macro_rules! throw {
            ($exn:expr, $fresh:expr) => {{
                prof!(|p| p.flush(gas + self.fence));
                save!();
                let caught = self.unwind($exn, $fresh, regs);
                func = regs.func;
                fp = regs.fp;
                prepaid = regs.prepaid;
                reload_gas!();
                match caught {
                    Ok(landed) => {
                        (cfp, inst) = self.enter(func);
                        code0 = cf!().code.as_ptr();
                        jump!(regs.pc);
                        refresh!();
                        if let Some(n) = landed {
                            enter_segment!(regs.pc, n);
                        } else {
                            // The catch targeted the function's own label: return
                            // what the handler pushed.
                            let n = cf!().num_results as usize;
                            do_return!(regs.sp - n);
                        }
                    }
                    Err(code) => return Err(code),
                }
            }};
        }

        // Step mode: an op whose main instruction was paid but whose `local.set` sink
        // was not runs first (it may trap), then stops out of gas at that component.
        let mut oog_after: Option<u8> = None;
        let mut ran_one = false;
        loop {
            if ONE && std::mem::replace(&mut ran_one, true) {
                save!();
                return Ok(Exit::Yield);
            }
            if STEP {
                if let Some(k) = oog_after {
                    regs.part = Some(k);
                    fault!(TrapCode::OutOfGas);
                }
            }
            debug_assert!(pc!() < cf!().code.len());
            // SAFETY: the translator ends every body with a terminator (return,
            // branch, unreachable, throw or tail call) and resolves every branch
            // target inside the body, so `ip` is always in bounds here.
            let op = unsafe { *ip };
            if STEP && !prepaid {
                let pc = pc!();
                let side = cf!().side[pc];
                let c = u64::from(side.cost());
                if gas < c && self.fence > 0 {
                    if std::mem::take(&mut self.cp_skip) {
                        // The checkpoint was due at an instruction of this op that is
                        // never reached (`take_checkpoint`): the op runs (and traps)
                        // with the gas beyond the fence, as without checkpoints.
                        gas += self.fence;
                        self.fence = 0;
                    } else {
                        // The first instruction of the op that does not fit below the
                        // boundary takes the checkpoint.
                        let mut k = 0u8;
                        let mut left = gas;
                        for part in side.parts {
                            let part = u64::from(part);
                            if left < part {
                                break;
                            }
                            left -= part;
                            k += 1;
                        }
                        save!();
                        return Ok(Exit::Checkpoint(k));
                    }
                }
                if gas < c {
                    // Charge the components of a fused op that fit, then stop before
                    // the first that does not (SPEC.md §Gas rule 1). Only the main
                    // component can trap; those before it only provide operands.
                    let mut k = 0u8;
                    for part in side.parts {
                        let part = u64::from(part);
                        if gas < part {
                            break;
                        }
                        gas -= part;
                        k += 1;
                    }
                    if usize::from(k) > cf!().main_part(pc) {
                        oog_after = Some(k);
                        self.unpaid_tail = true;
                        if track && self.resumable {
                            // The op runs before the stop: its stack machine's stack
                            // at the stop is taken now, for the suspension's digest.
                            let at = checkpoint::machine_stack(
                                self.store,
                                inst,
                                cf!(),
                                fp,
                                pc,
                                usize::from(k),
                            );
                            self.owed_stack = at.ok();
                        }
                    } else {
                        regs.part = Some(k);
                        // SAFETY: `ip` is in bounds (above); one past it is too.
                        ip = unsafe { ip.add(1) };
                        fault!(TrapCode::OutOfGas);
                    }
                } else {
                    gas -= c;
                }
            }
            // SAFETY: as above; a body never ends with a non-terminator.
            ip = unsafe { ip.add(1) };
            macro_rules! dispatch {
                ($($name:ident $fields:tt => $body:expr,)*) => {
                    match op {
                        $(Op::$name $fields => $body,)*
                        Op::ConsumeGas { gas: n } => {
                            let n = u64::from(n);
                            if gas >= n {
                                gas -= n;
                                prepaid = true;
                            } else if STEP {
                                prepaid = false;
                            } else {
                                prepaid = false;
                                save!();
                                return Ok(Exit::SwitchToStep);
                            }
                        }
                        Op::Call { func: idx, base } | Op::CallInternal { func: idx, base } => {
                            // SAFETY: `instp` is the current instance (see `cf!`); validation
                            // proved `idx` is below the module's function count, which is the
                            // length of the instance's function list.
                            let callee = unsafe { *(*instp).funcs_ref().get_unchecked(idx as usize) };
                            call!(callee, fp + base as usize, false);
                        }
                        Op::ReturnCall { func: idx, base } => {
                            // SAFETY: as for `Op::Call`.
                            let callee = unsafe { *(*instp).funcs_ref().get_unchecked(idx as usize) };
                            call!(callee, fp + base as usize, true);
                        }
                        Op::CallIndirect {
                            type_idx,
                            table,
                            index,
                        } => {
                            let callee = tri!(self.indirect(inst, type_idx, table, sl!(index)));
                            let np = self.param_count(callee);
                            call!(callee, fp + index as usize - np, false);
                        }
                        Op::ReturnCallIndirect {
                            type_idx,
                            table,
                            index,
                        } => {
                            cold();
                            let callee = tri!(self.indirect(inst, type_idx, table, sl!(index)));
                            let np = self.param_count(callee);
                            call!(callee, fp + index as usize - np, true);
                        }
                        Op::Throw { tag: tag_idx, base } => {
                            cold();
                            let tag = self.store.instances[inst].tags[tag_idx as usize];
                            let ty = self.store.tags[tag as usize].ty;
                            let n = self.store.types[ty as usize].params().len();
                            let limit = u64::from(self.max_live_exceptions);
                            if self.store.exns.len() as u64 >= limit.saturating_mul(2) {
                                // SPEC.md §Exceptions: collect before creating, for a dynamic
                                // cost; nothing changes if it cannot be paid.
                                let (work, live) = tri!(self.mark_exceptions(func, pc!(), fp));
                                charge!(work.saturating_mul(gas::EXCEPTION_COLLECTION_GAS_PER_UNIT));
                                self.store.retain_exns(&live);
                                if live.len() as u64 >= limit {
                                    fault!(TrapCode::ExceptionLimit);
                                }
                            }
                            let b = fp + base as usize;
                            let payload: Box<[u64]> = st!()[b..b + n].into();
                            let exn = self.store.new_exn(tag, payload);
                            throw!(exn, true);
                        }
                        Op::ThrowRef { src } => {
                            cold();
                            let r = sl!(src);
                            if r == 0 {
                                fault!(TrapCode::NullReference);
                            }
                            throw!(r - 1, false);
                        }
                        Op::RefFunc { dst, func: i } => {
                            cold();
                            let f = self.store.instances[inst].funcs[i as usize];
                            ssl!(dst, u64::from(f) + 1);
                        }
                        Op::TableGet { table: t, s } => {
                            cold();
                            let sp = fp + s as usize + 1;
                            let ta = self.store.instances[inst].tables[t as usize] as usize;
                            let i = sg!(sp - 1) as u32 as usize;
                            match self.store.tables[ta].elems.get(i) {
                                Some(v) => ss!(sp - 1, *v),
                                None => fault!(TrapCode::TableOutOfBounds),
                            }
                        }
                        Op::TableSet { table: t, s } => {
                            cold();
                            let ta = self.store.instances[inst].tables[t as usize] as usize;
                            let sp = fp + s as usize;
                            let i = sg!(sp) as u32 as usize;
                            let v = sg!(sp + 1);
                            if journaling {
                                self.store.journal_table(ta, i as u64, 1);
                            }
                            match self.store.tables[ta].elems.get_mut(i) {
                                Some(e) => *e = v,
                                None => fault!(TrapCode::TableOutOfBounds),
                            }
                        }
                        Op::TableSize { table: t, dst } => {
                            cold();
                            let sp = fp + dst as usize;
                            let ta = self.store.instances[inst].tables[t as usize] as usize;
                            ss!(sp, self.store.tables[ta].elems.len() as u64);
                        }
                        Op::TableGrow { table: t, s } => {
                            cold();
                            let ta = self.store.instances[inst].tables[t as usize] as usize;
                            let sp = fp + s as usize + 1;
                            let n = sg!(sp) as u32;
                            let init = sg!(sp - 1);
                            let table = &self.store.tables[ta];
                            let old = table.elems.len() as u64;
                            let max = u64::from(
                                table
                                    .ty
                                    .limits
                                    .max
                                    .unwrap_or(u32::MAX)
                                    .min(self.store.engine.config().limits.max_table_elements),
                            );
                            if old + u64::from(n) > max {
                                ss!(sp - 1, u64::from(u32::MAX));
                            } else {
                                charge!(u64::from(n) * gas::TABLE_GAS_PER_ELEMENT);
                                if journaling {
                                    self.store.journal_table(ta, 0, 0);
                                }
                                let table = &mut self.store.tables[ta];
                                table.elems.resize((old + u64::from(n)) as usize, init);
                                ss!(sp - 1, old);
                            }
                        }
                        Op::TableFill { table: t, s } => {
                            cold();
                            let ta = self.store.instances[inst].tables[t as usize] as usize;
                            let sp = fp + s as usize;
                            let (i, v, n) = (sg!(sp) as u32, sg!(sp + 1), sg!(sp + 2) as u32);
                            charge!(u64::from(n) * gas::TABLE_GAS_PER_ELEMENT);
                            let end = u64::from(i) + u64::from(n);
                            if end > self.store.tables[ta].elems.len() as u64 {
                                fault!(TrapCode::TableOutOfBounds);
                            }
                            if journaling {
                                self.store.journal_table(ta, u64::from(i), u64::from(n));
                            }
                            let elems = &mut self.store.tables[ta].elems;
                            elems[i as usize..end as usize].fill(v);
                        }
                        Op::TableCopy {
                            dst_table: dst,
                            src_table: src,
                            s: base,
                        } => {
                            cold();
                            let da = self.store.instances[inst].tables[dst as usize] as usize;
                            let sa = self.store.instances[inst].tables[src as usize] as usize;
                            let sp = fp + base as usize;
                            let (d, s, n) = (sg!(sp) as u32, sg!(sp + 1) as u32, sg!(sp + 2) as u32);
                            charge!(u64::from(n) * gas::TABLE_GAS_PER_ELEMENT);
                            let (d, s, n) = (d as usize, s as usize, n as usize);
                            if s + n > self.store.tables[sa].elems.len()
                                || d + n > self.store.tables[da].elems.len()
                            {
                                fault!(TrapCode::TableOutOfBounds);
                            }
                            if journaling {
                                self.store.journal_table(da, d as u64, n as u64);
                            }
                            if da == sa {
                                self.store.tables[da].elems.copy_within(s..s + n, d);
                            } else {
                                let tmp: Vec<u64> = self.store.tables[sa].elems[s..s + n].to_vec();
                                self.store.tables[da].elems[d..d + n].copy_from_slice(&tmp);
                            }
                        }
                        Op::TableInit { elem, table, s } => {
                            cold();
                            let ta = self.store.instances[inst].tables[table as usize] as usize;
                            let ea = self.store.instances[inst].elems[elem as usize] as usize;
                            let sp = fp + s as usize;
                            let (d, s, n) = (sg!(sp) as u32, sg!(sp + 1) as u32, sg!(sp + 2) as u32);
                            charge!(u64::from(n) * gas::TABLE_GAS_PER_ELEMENT);
                            let (d, s, n) = (d as usize, s as usize, n as usize);
                            if s + n > self.store.elems[ea].items.len()
                                || d + n > self.store.tables[ta].elems.len()
                            {
                                fault!(TrapCode::TableOutOfBounds);
                            }
                            if journaling {
                                self.store.journal_table(ta, d as u64, n as u64);
                            }
                            let store = &mut *self.store;
                            store.tables[ta].elems[d..d + n]
                                .copy_from_slice(&store.elems[ea].items[s..s + n]);
                        }
                        Op::ElemDrop { elem: e } => {
                            cold();
                            let ea = self.store.instances[inst].elems[e as usize] as usize;
                            self.store.drop_elem(ea);
                        }
                        Op::MemoryGrow { s } => {
                            cold();
                            let sp = fp + s as usize + 1;
                            let n = u64::from(sg!(sp - 1) as u32);
                            let m = &self.store.memories[mem];
                            let old = (m.data.len() / PAGE_SIZE) as u64;
                            let max = u64::from(
                                m.ty.limits
                                    .max
                                    .unwrap_or(65536)
                                    .min(self.store.engine.config().limits.max_memory_pages),
                            );
                            if old + n > max {
                                ss!(sp - 1, u64::from(u32::MAX));
                            } else {
                                charge!(n * gas::MEMORY_GROW_GAS_PER_PAGE);
                                journal!(0, 0);
                                let m = &mut self.store.memories[mem];
                                m.data.resize((old + n) as usize * PAGE_SIZE, 0);
                                // The resize may move the memory: `mem_ptr` and `mem_len`
                                // must describe it before the next load or store.
                                refresh!();
                                ss!(sp - 1, old);
                            }
                        }
                        Op::MemoryInit { data: seg, s } => {
                            cold();
                            let da = self.store.instances[inst].datas[seg as usize] as usize;
                            let sp = fp + s as usize;
                            let (d, s, n) = (
                                u64::from(sg!(sp) as u32),
                                u64::from(sg!(sp + 1) as u32),
                                u64::from(sg!(sp + 2) as u32),
                            );
                            charge!(gas::bulk_memory_gas(n));
                            let data = &self.store.datas[da];
                            let seg_len = if data.dropped {
                                0
                            } else {
                                data.bytes.len() as u64
                            };
                            if s + n > seg_len || d + n > self.store.memories[mem].data.len() as u64 {
                                fault!(TrapCode::MemoryOutOfBounds);
                            }
                            journal!(d, n);
                            let store = &mut *self.store;
                            let src = &store.datas[da].bytes[s as usize..(s + n) as usize];
                            store.memories[mem].data[d as usize..(d + n) as usize].copy_from_slice(src);
                            dirty!(d, n);
                        }
                        Op::DataDrop { data: seg } => {
                            cold();
                            let da = self.store.instances[inst].datas[seg as usize] as usize;
                            if journaling {
                                self.store.journal_data_drop(da);
                            }
                            self.store.datas[da].dropped = true;
                        }
                        Op::MemoryCopy { s } => {
                            cold();
                            let sp = fp + s as usize;
                            let (d, s, n) = (
                                u64::from(sg!(sp) as u32),
                                u64::from(sg!(sp + 1) as u32),
                                u64::from(sg!(sp + 2) as u32),
                            );
                            charge!(gas::bulk_memory_gas(n));
                            let len = self.store.memories[mem].data.len() as u64;
                            if s + n > len || d + n > len {
                                fault!(TrapCode::MemoryOutOfBounds);
                            }
                            journal!(d, n);
                            let data = &mut self.store.memories[mem].data;
                            data.copy_within(s as usize..(s + n) as usize, d as usize);
                            dirty!(d, n);
                        }
                        Op::MemoryFill { s } => {
                            cold();
                            let sp = fp + s as usize;
                            let (d, v, n) = (
                                u64::from(sg!(sp) as u32),
                                sg!(sp + 1) as u8,
                                u64::from(sg!(sp + 2) as u32),
                            );
                            charge!(gas::bulk_memory_gas(n));
                            if d + n > self.store.memories[mem].data.len() as u64 {
                                fault!(TrapCode::MemoryOutOfBounds);
                            }
                            journal!(d, n);
                            let data = &mut self.store.memories[mem].data;
                            data[d as usize..(d + n) as usize].fill(v);
                            dirty!(d, n);
                        }
                    }
                };
            }
            pure_arms!(dispatch);
        }
    }

    /// The code and instance index of a wasm function (a host function yields an
    /// empty body that traps at once; callers dispatch host functions first).
    fn enter(&self, func: u32) -> (*const CompiledFunc, usize) {
        self.enter_wasm(func)
            .unwrap_or((&self.trap_body as *const CompiledFunc, 0))
    }

    /// The code and instance index of `func`, or `None` for a host function.
    fn enter_wasm(&self, func: u32) -> Option<(*const CompiledFunc, usize)> {
        match &self.store.funcs.get(func as usize)?.kind {
            FuncKind::Wasm { instance, code } => {
                Some((&**code as *const CompiledFunc, *instance as usize))
            }
            FuncKind::Host(_) => None,
        }
    }

    /// The code (shared) and instance index of a wasm function, for cold paths.
    fn code_arc(&self, func: u32) -> Option<(std::sync::Arc<CompiledFunc>, usize)> {
        match &self.store.funcs.get(func as usize)?.kind {
            FuncKind::Wasm { instance, code } => Some((code.clone(), *instance as usize)),
            FuncKind::Host(_) => None,
        }
    }

    /// Base pointer and length in bytes of memory `mem` (null and 0 for none).
    fn mem_raw(&mut self, mem: usize) -> (*mut u8, u64) {
        match self.store.memories.get_mut(mem) {
            Some(m) => (m.data.as_mut_ptr(), m.data.len() as u64),
            None => (std::ptr::null_mut(), 0),
        }
    }

    fn mem_of(&self, inst: usize) -> usize {
        self.store.instances[inst]
            .mems
            .first()
            .map_or(usize::MAX, |m| *m as usize)
    }

    fn indirect(
        &self,
        inst: usize,
        type_idx: u32,
        table: u32,
        index: u64,
    ) -> Result<u32, TrapCode> {
        let i = &self.store.instances[inst];
        let ta = i.tables[table as usize] as usize;
        let r = *self.store.tables[ta]
            .elems
            .get(index as u32 as usize)
            .ok_or(TrapCode::UndefinedElement)?;
        if r == 0 {
            return Err(TrapCode::UninitializedElement);
        }
        let callee = (r - 1) as u32;
        let expected = i.types[type_idx as usize];
        // Every reference entering the store is checked (`Store::check_value`), so the
        // address is in range; a miss is a bug, not a panic.
        let Some(f) = self.store.funcs.get(callee as usize) else {
            return Err(TrapCode::Internal);
        };
        if f.ty != expected {
            return Err(TrapCode::IndirectCallTypeMismatch);
        }
        Ok(callee)
    }

    /// Number of parameters of function `callee` (0 for an address out of range).
    fn param_count(&self, callee: u32) -> usize {
        self.store
            .funcs
            .get(callee as usize)
            .and_then(|f| self.store.types.get(f.ty as usize))
            .map_or(0, |t| t.params().len())
    }

    /// Calls a host function from instance `inst` (memory 0 at address `mem`) with the
    /// arguments at stack slots `base..` (absolute); its results are left at `base..`.
    fn call_host(
        &mut self,
        callee: u32,
        base: usize,
        inst: usize,
        mem: usize,
    ) -> Result<(), TrapCode> {
        let store = &mut *self.store;
        let Some(f) = store.funcs.get(callee as usize) else {
            return Err(TrapCode::Internal);
        };
        let Some(ty) = store.types.get(f.ty as usize) else {
            return Err(TrapCode::Internal);
        };
        let np = ty.params().len();
        // The store's buffers, taken for the call and put back after it, so a host
        // call allocates nothing once they have grown.
        let mut args = std::mem::take(&mut store.host_args);
        let mut results = std::mem::take(&mut store.host_results);
        args.clear();
        args.extend(
            ty.params()
                .iter()
                .zip(&store.stack[base..base + np])
                .map(|(t, s)| Value::from_slot(*t, *s, store.id)),
        );
        store.pin_exns(&args);
        let caller = Some((inst, mem));
        // The recorded answer of this call's run that stopped out of gas, if any.
        let pending = self
            .replay_pending
            .take()
            .filter(|(f, _)| *f == callee)
            .map(|(_, r)| r);
        let resumable = self.resumable;
        let r = call_host_func(
            store,
            self.host,
            callee,
            (&args, &mut results),
            caller,
            resumable,
            pending,
        );
        let r = match r {
            Ok(()) => {
                let need = base + results.len();
                if store.stack.len() < need {
                    store.stack.resize(need, 0);
                }
                for (i, r) in results.iter().enumerate() {
                    store.stack[base + i] = r.to_slot();
                }
                Ok(())
            }
            Err(HostStop::Trap(t)) => {
                let code = t.code();
                self.host_trap = Some(t);
                Err(code)
            }
            Err(HostStop::OutOfGas(replay)) => {
                self.host_stop = true;
                self.replay_pending = replay.map(|r| (callee, r));
                Err(TrapCode::OutOfGas)
            }
        };
        args.clear();
        results.clear();
        store.host_args = args;
        store.host_results = results;
        r
    }

    /// The exceptions reachable at a `throw` in function `func` about to resume at
    /// `pc` with frame pointer `fp`, and the collection's dynamic cost W (SPEC.md
    /// §Exceptions): 1, plus 1 per activation, per `exnref` local and operand of every
    /// activation, per `exnref` global and per element of every `exnref` table, plus,
    /// for each reachable exception, 1 and its payload length.
    ///
    /// # Errors
    /// `TrapCode::Internal` when a frame's function has no code (a broken invariant).
    fn mark_exceptions(
        &self,
        func: u32,
        pc: usize,
        fp: usize,
    ) -> Result<(u64, BTreeSet<u64>), Fault> {
        let store = &*self.store;
        let mut work = 1u64;
        let mut pending: Vec<u64> = Vec::new();
        let slot = |i: usize| store.stack.get(i).copied().unwrap_or(0);
        // A reference slot: 0 for null, else address + 1 (SPEC.md §Values).
        let visit = |pending: &mut Vec<u64>, s: u64| {
            if s != 0 {
                pending.push(s - 1);
            }
        };
        let current = std::iter::once((func, pc as u32, fp as u32));
        let callers = self.frames.iter().rev().map(|f| (f.func, f.ret_pc, f.fp));
        for (func, resume, fp) in current.chain(callers) {
            let code = wasm_code(store, func).ok_or(TrapCode::Internal)?;
            work += 1;
            let Some(map) = code.exn_map.as_deref() else {
                continue;
            };
            let fp = fp as usize;
            for &l in map.locals.iter() {
                work += 1;
                visit(&mut pending, slot(fp + l as usize));
            }
            let base = fp + code.num_locals as usize;
            for pos in map.operands_at(resume) {
                work += 1;
                visit(&mut pending, slot(base + pos as usize));
            }
        }
        for g in store
            .globals
            .iter()
            .filter(|g| g.ty.content == ValType::ExnRef)
        {
            work += 1;
            visit(&mut pending, g.value);
        }
        for t in store.tables.iter().filter(|t| t.ty.elem == ValType::ExnRef) {
            work += t.elems.len() as u64;
            for &e in &t.elems {
                visit(&mut pending, e);
            }
        }
        pending.extend(store.exns.iter().filter(|(_, e)| e.pinned).map(|(a, _)| *a));
        let mut live = BTreeSet::new();
        while let Some(a) = pending.pop() {
            let Some(e) = store.exns.get(&a) else {
                continue;
            };
            if !live.insert(a) {
                continue;
            }
            work += 1 + e.payload.len() as u64;
            let ty = store.tags.get(e.tag as usize).map(|t| t.ty);
            let params = ty
                .and_then(|t| store.types.get(t as usize))
                .map(|t| t.params());
            for (t, &v) in params.unwrap_or(&[]).iter().zip(e.payload.iter()) {
                if *t == ValType::ExnRef {
                    visit(&mut pending, v);
                }
            }
        }
        Ok((work, live))
    }

    /// Unwinds to the innermost handler matching exception `exn` (core §4.4.11
    /// throw_ref). On a catch, `regs` hold the state to resume at (nothing prepaid);
    /// `Ok(Some(gas))` means the handler's label is at `regs.pc` and landing there
    /// charges `gas` (`Handler::gas`), `Ok(None)` that the handler targets the
    /// function's own label, so the caller must return.
    ///
    /// A `fresh` exception (just made by `throw`, so nothing else refers to it) that a
    /// handler catches without `_ref` is removed at once (SPEC.md §Exceptions), so a
    /// throw-catch loop runs in constant memory.
    fn unwind(&mut self, exn: u64, fresh: bool, regs: &mut Regs) -> Result<Option<u64>, Fault> {
        let (tag, payload) = match self.store.exns.get(&exn) {
            Some(e) => (e.tag, e.payload.clone()),
            None => return Err(TrapCode::Internal),
        };
        let mut at = regs.pc.saturating_sub(1);
        loop {
            let Some((cf, inst)) = self.code_arc(regs.func) else {
                return Err(TrapCode::Internal);
            };
            let mut found = None;
            for h in cf.handlers.iter() {
                if (h.start as usize) <= at && at < h.end as usize {
                    let matches = match h.kind {
                        CatchKind::All | CatchKind::AllRef => true,
                        CatchKind::Tag | CatchKind::TagRef => {
                            self.store.instances[inst].tags[h.tag as usize] == tag
                        }
                    };
                    if matches {
                        found = Some(*h);
                        break;
                    }
                }
            }
            if regs.prepaid && self.metering {
                let refund = unexecuted_gas(&cf, at + 1);
                self.store.gas_remaining = self.store.gas_remaining.saturating_add(refund);
                if let Some(p) = self.store.profiler.as_deref_mut() {
                    p.refund(p.depth(), refund);
                }
            }
            if let Some(h) = found {
                let mut sp = regs.fp + cf.num_locals as usize + h.height as usize;
                let push_payload = matches!(h.kind, CatchKind::Tag | CatchKind::TagRef);
                let push_ref = matches!(h.kind, CatchKind::TagRef | CatchKind::AllRef);
                let need = sp + payload.len() + 1;
                if self.store.stack.len() < need {
                    self.store.stack.resize(need, 0);
                }
                if push_payload {
                    self.store.stack[sp..sp + payload.len()].copy_from_slice(&payload);
                    sp += payload.len();
                }
                if push_ref {
                    self.store.stack[sp] = exn + 1;
                    sp += 1;
                }
                regs.sp = sp;
                regs.prepaid = false;
                if fresh && !push_ref {
                    self.store.exns.remove(&exn);
                }
                if h.target == u32::MAX {
                    return Ok(None);
                }
                regs.pc = h.target as usize;
                return Ok(Some(u64::from(h.gas)));
            }
            self.height -= cf.stack_units;
            if let Some(p) = self.store.profiler.as_deref_mut() {
                if !self.frames.is_empty() {
                    p.pop();
                }
            }
            match self.frames.pop() {
                None => {
                    regs.pc = at + 1;
                    // Already refunded above.
                    regs.prepaid = false;
                    return Err(TrapCode::UncaughtException);
                }
                Some(f) => {
                    regs.func = f.func;
                    regs.fp = f.fp as usize;
                    // Nothing after the call site is prepaid (see `Frame`).
                    regs.prepaid = false;
                    at = (f.ret_pc as usize).saturating_sub(1);
                    regs.pc = f.ret_pc as usize;
                }
            }
        }
    }
}

fn empty_func() -> CompiledFunc {
    CompiledFunc::unreachable_body()
}

/// Calls host function `func` as the root of an invocation (no wasm caller): pins the
/// exceptions among its results and gives the gas profile its one node.
fn call_host_root(
    store: &mut Store,
    host: &mut dyn Any,
    func: u32,
    args: Vec<Value>,
    resumable: bool,
    replay: Option<Replayed>,
) -> Result<Vec<Value>, HostStop> {
    let before = store.gas_remaining;
    let mut results = Vec::new();
    let r = call_host_func(
        store,
        host,
        func,
        (&args, &mut results),
        None,
        resumable,
        replay,
    )
    .map(|()| results);
    if let Ok(results) = &r {
        store.pin_exns(results);
    }
    if let Some(p) = store.profiler.as_deref_mut() {
        p.clear();
        p.push(func);
        p.last = before;
        p.flush(store.gas_remaining);
        p.clear();
    }
    r
}

/// How a host call ended when it did not return.
enum HostStop {
    /// A trap that ends the call (and the invocation).
    Trap(Trap),
    /// Resumable calls only: it ran out of gas before acting (SPEC.md §Gas, host
    /// functions); every charge it made was returned and nothing was recorded, so it
    /// runs again from its start on resume. With the answer a replaying trace hook
    /// gave for it, which its next run takes instead of asking the hook again.
    OutOfGas(Option<Replayed>),
}

/// Calls host function `func` with the host state `host`, `args` (typed as its
/// parameters), `results` (cleared, then filled with its results, or with default
/// values when it fails) and, when called from wasm, the calling instance and the address of its
/// memory 0: charges its base gas, runs it (or, when the trace hook answers from a
/// recording, applies the recorded answer), and reports the call to the trace hook.
///
/// With `resumable`, a call that ends out of gas (a recorded answer: for want of its
/// recorded gas, not by its recorded trap) is undone as far as the runtime knows it:
/// its charges are returned, the trace hook does not see it, and
/// `HostStop::OutOfGas` says so, with the recorded answer. `pending` is such an answer,
/// used instead of asking the hook.
fn call_host_func(
    store: &mut Store,
    host: &mut dyn Any,
    func: u32,
    (args, results): (&[Value], &mut Vec<Value>),
    caller: Option<(usize, usize)>,
    resumable: bool,
    pending: Option<Replayed>,
) -> Result<(), HostStop> {
    let mem = caller.map(|(_, m)| m);
    let Some(f) = store.funcs.get(func as usize) else {
        return Err(HostStop::Trap(Trap::new(TrapCode::Internal)));
    };
    let FuncKind::Host(h) = &f.kind else {
        return Err(HostStop::Trap(Trap::new(TrapCode::Internal)));
    };
    let h = h.clone();
    let Some(ty) = store.types.get(f.ty as usize) else {
        return Err(HostStop::Trap(Trap::new(TrapCode::Internal)));
    };
    results.clear();
    results.extend(ty.results().iter().map(|t| t.default_value()));
    let ty_id = f.ty;
    let mut hook = store.trace_hook.take();
    let call = crate::runtime::HostCall {
        func: FuncAddr(func),
        module: &h.module,
        name: &h.name,
        args,
    };
    let before = store.gas_remaining;
    let track = store.engine.config().checkpoint_interval > 0;
    let mut raw_mut = false;
    let mut access = crate::runtime::Access::default();
    let replayed = match pending {
        Some(r) => Some(r),
        None => hook.as_deref_mut().and_then(|k| {
            let view = mem
                .and_then(|m| store.memories.get(m))
                .map(|m| m.data.as_slice());
            k.replay(&call, view)
        }),
    };
    let outcome: Result<(), Trap> = match &replayed {
        Some(r) => apply_replayed(store, r, mem, results),
        None => {
            if store.gas_remaining < h.base_gas {
                Err(Trap::new(TrapCode::OutOfGas))
            } else {
                store.gas_remaining -= h.base_gas;
                let mem_len = mem
                    .and_then(|m| store.memories.get(m))
                    .map(|m| m.data.len());
                let ctx = CallerContext {
                    journal: match (store.journal.as_deref_mut(), mem, mem_len) {
                        (Some(j), Some(m), Some(len)) => Some(j.memory(m, len)),
                        _ => None,
                    },
                    memory: mem
                        .and_then(|m| store.memories.get_mut(m))
                        .map(|m| &mut m.data),
                    instance: caller.and_then(|(i, _)| store.instances.get(i)),
                    gas_remaining: &mut store.gas_remaining,
                    access: (hook.is_some() || track).then_some(&mut access),
                    raw_mut: &mut raw_mut,
                };
                (h.f)(host, ctx, args, results)
            }
        }
    };
    // A host function (or a recorded answer) must return values of the function's
    // result types and references of this store, or the call fails with `HostError`.
    let outcome = outcome.and_then(|()| {
        let Some(ty) = store.types.get(ty_id as usize) else {
            return Err(Trap::new(TrapCode::Internal));
        };
        let well_typed = results.len() == ty.results().len()
            && results
                .iter()
                .zip(ty.results())
                .all(|(v, t)| v.ty() == *t && store.check_value(v).is_ok());
        if well_typed {
            Ok(())
        } else {
            results.clear();
            results.extend(ty.results().iter().map(|t| t.default_value()));
            Err(Trap::new(TrapCode::HostError))
        }
    });
    if resumable {
        // A recorded answer stops for want of its gas before it acts; its recorded
        // trap (out of gas too, perhaps) is final.
        let before_acting = replayed.as_ref().is_none_or(|r| before < r.gas_charged);
        if let Err(t) = &outcome {
            if t.code() == TrapCode::OutOfGas && before_acting {
                // SPEC.md §Gas: out of gas before acting. Suspend: return every charge
                // of the call and record nothing; the call starts again on resume.
                store.gas_remaining = before;
                store.trace_hook = hook;
                return Err(HostStop::OutOfGas(replayed));
            }
        }
    }
    if let (true, Some(m)) = (track, mem) {
        let cache = store.page_cache.entry(m as u32).or_default();
        if raw_mut {
            cache.mark_all();
        }
        let writes = match &replayed {
            Some(r) => r.writes.as_slice(),
            None => access.writes.as_slice(),
        };
        for (addr, data) in writes {
            cache.mark(u64::from(*addr), data.len() as u64);
        }
    }
    if let Some(k) = hook.as_deref_mut() {
        // SPEC.md §Trace events: canonical write runs and the digest of the read runs.
        let reads_digest = access.reads_digest();
        let canonical;
        let writes = match &replayed {
            Some(r) => r.writes.as_slice(),
            None => {
                canonical = access.canonical_writes();
                canonical.as_slice()
            }
        };
        k.host_call(
            &call,
            &crate::runtime::HostCallOutcome {
                results,
                trap: outcome.as_ref().err(),
                writes,
                reads_digest,
                gas_charged: before.saturating_sub(store.gas_remaining),
                gas_used: store.gas_limit.saturating_sub(store.gas_remaining),
            },
        );
    }
    store.trace_hook = hook;
    outcome.map_err(HostStop::Trap)
}

/// Applies a recorded host call answer: its gas, its memory writes, its results.
fn apply_replayed(
    store: &mut Store,
    r: &crate::runtime::Replayed,
    mem: Option<usize>,
    results: &mut [Value],
) -> Result<(), Trap> {
    if store.gas_remaining < r.gas_charged {
        return Err(Trap::new(TrapCode::OutOfGas));
    }
    store.gas_remaining -= r.gas_charged;
    for (addr, data) in &r.writes {
        if let Some(m) = mem {
            store.journal_memory(m, u64::from(*addr), data.len() as u64);
        }
        let Some(m) = mem.and_then(|m| store.memories.get_mut(m)) else {
            return Err(Trap::new(TrapCode::HostError));
        };
        let start = *addr as usize;
        match m.data.get_mut(start..start + data.len()) {
            Some(dst) => dst.copy_from_slice(data),
            None => return Err(Trap::new(TrapCode::HostError)),
        }
    }
    if let Some(t) = &r.trap {
        return Err(t.clone());
    }
    if r.results.len() != results.len()
        || r.results
            .iter()
            .zip(results.iter())
            .any(|(a, b)| a.ty() != b.ty())
    {
        return Err(Trap::new(TrapCode::HostError));
    }
    results.copy_from_slice(&r.results);
    Ok(())
}

fn idiv32(a: i32, b: i32) -> Result<i32, TrapCode> {
    if b == 0 {
        return Err(TrapCode::IntegerDivideByZero);
    }
    a.checked_div(b).ok_or(TrapCode::IntegerOverflow)
}

fn idiv64(a: i64, b: i64) -> Result<i64, TrapCode> {
    if b == 0 {
        return Err(TrapCode::IntegerDivideByZero);
    }
    a.checked_div(b).ok_or(TrapCode::IntegerOverflow)
}

#[cfg(test)]
mod tests {
    //! Internal faults are `TrapCode::Internal`, never `HostError`: the interpreter's
    //! invariant checks, driven directly with states the public API cannot build.
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::{Engine, Extern, FuncType, Module};

    /// A store with one instantiated wasm function `f` (returns its address).
    fn store_with_wasm_func() -> (crate::Store, u32) {
        let engine = Engine::default();
        let bytes = wat::parse_str(r#"(module (func (export "f")))"#).unwrap();
        let module = Module::new(&engine, &bytes).unwrap();
        let mut store = crate::Store::new(&engine, ());
        let inst = store.instantiate(&module, &[]).unwrap();
        let Some(Extern::Func(f)) = store.instance_export(inst, "f") else {
            panic!("no export");
        };
        (store, f.addr().0)
    }

    fn machine(store: &mut Store) -> Machine<'_> {
        Machine {
            store,
            host: Box::leak(Box::new(())),
            frames: Vec::new(),
            height: 0,
            max_height: 1000,
            max_depth: 10,
            max_live_exceptions: 2048,
            host_trap: None,
            trap_body: empty_func(),
            metering: true,
            cp_interval: 0,
            dispatch: crate::config::Dispatch::Auto,
            fence: 0,
            unpaid_tail: false,
            cp_skip: false,
            owed_stack: None,
            resumable: false,
            host_stop: false,
            host_panic: None,
            replay_pending: None,
        }
    }

    fn host_trap_code<R>(r: Result<R, HostStop>) -> TrapCode {
        match r {
            Err(HostStop::Trap(t)) => t.code(),
            Err(HostStop::OutOfGas(_)) => TrapCode::OutOfGas,
            Ok(_) => panic!("the host call returned"),
        }
    }

    /// The threaded backend reads an op's tag as the `u32` at its start (`Op` is
    /// `#[repr(u32)]`): check it against `Op::tag` on every op of a translated module.
    #[test]
    fn an_ops_first_u32_is_its_tag() {
        let engine = Engine::default();
        let bytes = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/programs/sha256.wasm"),
        )
        .unwrap();
        let module = Module::new(&engine, &bytes).unwrap();
        let mut store = crate::Store::new(&engine, ());
        store.instantiate(&module, &[]).unwrap();
        let mut seen = 0;
        for f in &store.funcs {
            if let FuncKind::Wasm { code, .. } = &f.kind {
                for op in code.code.iter() {
                    // SAFETY: `Op` is `#[repr(u32)]`: its discriminant is a `u32` at
                    // offset 0.
                    let raw = unsafe { *(op as *const Op as *const u32) };
                    assert_eq!(raw, op.tag() as u32, "{op}");
                    seen += 1;
                }
            }
        }
        assert!(seen > 100);
    }

    #[test]
    fn a_host_call_to_a_wasm_function_is_an_internal_fault() {
        let (mut store, f) = store_with_wasm_func();
        let r = call_host_func(
            &mut store,
            &mut (),
            f,
            (&[], &mut Vec::new()),
            None,
            false,
            None,
        );
        assert_eq!(host_trap_code(r), TrapCode::Internal);
        let r = call_host_func(
            &mut store,
            &mut (),
            999,
            (&[], &mut Vec::new()),
            None,
            true,
            None,
        );
        assert_eq!(host_trap_code(r), TrapCode::Internal);
    }

    #[test]
    fn running_a_host_function_as_wasm_is_an_internal_fault() {
        let (mut store, _) = store_with_wasm_func();
        let h = store.alloc_host_func(FuncType::new(vec![], vec![]), |_, _, _| Ok(()));
        let t = machine(&mut store)
            .run_invocation(h.addr().0, &[])
            .unwrap_err();
        assert_eq!(t.code(), TrapCode::Internal);
    }

    #[test]
    fn unwinding_an_exception_that_does_not_exist_is_an_internal_fault() {
        let (mut store, f) = store_with_wasm_func();
        let mut regs = Regs {
            func: f,
            pc: 1,
            fp: 0,
            sp: 0,
            prepaid: false,
            part: None,
        };
        let r = machine(&mut store).unwind(7, false, &mut regs);
        assert_eq!(r.err(), Some(TrapCode::Internal));
    }

    #[test]
    fn the_newest_codes_are_appended_and_every_other_code_keeps_its_number() {
        assert_eq!(TrapCode::Internal.as_u8(), 17);
        assert_eq!(TrapCode::ExceptionLimit.as_u8(), 18);
        assert_eq!(TrapCode::ExceptionLimit.name(), "exception_limit");
        assert_eq!(TrapCode::Internal.name(), "internal");
        assert_ne!(TrapCode::Internal, TrapCode::HostError);
        assert_eq!(TrapCode::HostError.as_u8(), 14);
        assert_eq!(TrapCode::Exit.as_u8(), 16);
        for b in 1..=18u8 {
            let code = crate::trace::trap_code_of(b).unwrap();
            assert_eq!(code.as_u8(), b);
        }
        assert_eq!(crate::trace::trap_code_of(19), None);
    }
}
