//! Resumable out-of-gas (SPEC.md §Gas, resumption): a resumable invocation that runs
//! out of gas is not unwound but suspended, its whole state kept in the store as plain
//! data ([`Suspended`]: no pointers, so a snapshot can serialize it); [`resume`] adds
//! gas and continues at the exact wasm instruction that did not fit.
//!
//! What is kept for the instruction the call stopped at, so that nothing is charged or
//! refunded twice:
//! - a stop inside a fused op before its main instruction: the op runs again on
//!   resume, and the base gas of the instructions before the stop (`paid`) is not
//!   charged again;
//! - a stop at a fused op's unpaid `local.set` after its main instruction ran: the
//!   op's result is already in place; resume charges the rest of the op (`owed_from`)
//!   and goes on with the next op;
//! - a stop at a dynamic cost (`memory.grow`, bulk operations, a collecting `throw`):
//!   the instruction runs again with its base gas (`paid`) not charged again;
//! - a stop inside a host function: the host call is undone (`call_host_func`: its
//!   charges returned, nothing recorded in a trace; SPEC.md §Gas says it has not
//!   acted), and the call instruction runs again, its base gas (`paid`) not charged
//!   again, so the host function is called again from its start.
//!
//! On resume the driver pays the rest of the current segment at once when it can (the
//! fast loop then runs as usual), else it continues in step mode, where the
//! instruction's `paid` gas is lent to the counter for the one op that charges it.
//! Depends on the machine of `mod.rs` and the store.

use super::{
    call_host_root, checkpoint, finish, unexecuted_gas, wasm_code, Frame, HostStop, Machine,
    Outcome, Regs, Run, Trap, TrapCode,
};
use crate::error::Error;
use crate::runtime::{Replayed, StoreInner as Store};
use crate::value::{FuncAddr, Value};
use std::any::Any;

/// The `Error::Invoke` message for running code in a store with a suspended call.
pub(crate) const BUSY: &str = "a call of this store is suspended out of gas: resume it or \
abandon it (Store::abandon_suspended) before running other code";

/// A suspended call: everything needed to continue it, as plain data.
#[derive(Clone, Debug)]
pub(crate) struct Suspended {
    /// The sequence number of this suspension in its store; handles carry it.
    pub seq: u64,
    /// The invoked function.
    pub root: FuncAddr,
    /// Where it stopped: the out-of-gas trap a non-resumable call would have raised.
    pub trap: Trap,
    pub state: State,
}

/// What was running when the call stopped.
#[derive(Clone, Debug)]
pub(crate) enum State {
    /// The invoked function is a host function; it is called again with `args` (and
    /// the recorded answer a replaying trace hook gave for it, if any).
    Host {
        args: Vec<Value>,
        replay: Option<Replayed>,
    },
    /// Wasm code.
    Wasm(WasmState),
}

/// The interpreter's state at a suspension.
#[derive(Clone, Debug)]
pub(crate) struct WasmState {
    /// The callers' activations, oldest first.
    pub frames: Vec<Frame>,
    /// The executing function, the op to dispatch next, the frame pointer and the
    /// operand stack pointer (slot indices).
    pub func: u32,
    pub pc: u32,
    pub fp: u32,
    pub sp: u32,
    /// Stack units of all live activations (SPEC.md §Stack).
    pub height: u64,
    /// The value stack, every slot of every live activation.
    pub stack: Vec<u64>,
    /// Base gas of op `pc` already charged (not charged again on resume).
    pub paid: u64,
    /// For a stop at the unpaid `local.set` of op `pc - 1` (its main instruction
    /// ran): the first of its components still to be charged.
    pub owed_from: Option<u8>,
    /// For a stop inside a host call answered by a replaying trace hook: the host
    /// function and the recorded answer, which the call takes when it runs again.
    pub replay: Option<(u32, Replayed)>,
    /// With checkpoints on (`Config::checkpoint_interval > 0`): the stack machine's
    /// value stack at the instruction the call stopped at, what a checkpoint there
    /// digests (`checkpoint::machine_stack`; SPEC.md §Snapshot, state digest).
    pub digest_stack: Option<Vec<u64>>,
}

impl Machine<'_> {
    /// Turns an out-of-gas fault of a resumable call into a suspension: refunds what
    /// `fail` would (the unexecuted rest of the segment and an unexecuted folded
    /// `local.set`), keeps every activation, and stores the state in the store.
    /// Returns the out-of-gas trap a non-resumable call would have raised.
    pub(super) fn suspend(&mut self, root: u32, regs: &Regs) -> Trap {
        let at = regs.pc.saturating_sub(1);
        let unpaid_tail = std::mem::take(&mut self.unpaid_tail);
        let host_stop = std::mem::take(&mut self.host_stop);
        let code_arc = self.code_arc(regs.func);
        let code = code_arc.as_ref().map(|(c, _)| &**c);
        let refund = match code {
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
        let parts = code.and_then(|c| c.parts(at)).unwrap_or_default();
        let main = code.map_or(0, |c| c.main_part(at));
        let cost: u64 = parts.iter().map(|p| u64::from(*p)).sum();
        let after_main = code.map_or(0, |c| c.gas_after_main(at));
        let (pc, paid, owed_from) = match regs.part {
            // The main instruction ran; its folded `local.set` is still to pay.
            Some(k) if usize::from(k) > main => (at + 1, 0, Some(k)),
            // Stopped before instruction k of the op: the op runs on resume.
            Some(k) => {
                let paid = parts.iter().take(usize::from(k)).map(|p| u64::from(*p));
                (at, paid.sum(), None)
            }
            // A dynamic cost or a host call: the op runs again, its base gas paid
            // (but for a folded `local.set`, refunded above or never charged).
            None => (at, cost.saturating_sub(after_main), None),
        };
        if let Some(p) = self.store.profiler.as_deref_mut() {
            p.flush(self.store.gas_remaining);
            p.refund(p.depth(), refund);
        }
        self.store.gas_remaining = self.store.gas_remaining.saturating_add(refund);
        let part = regs
            .part
            .unwrap_or_else(|| parts.iter().filter(|x| **x > 0).count().saturating_sub(1) as u8);
        let trap = if host_stop {
            Trap::new(TrapCode::OutOfGas).located(FuncAddr(regs.func), at)
        } else {
            Trap::at(TrapCode::OutOfGas, FuncAddr(regs.func), at).with_part(part)
        };
        // With checkpoints on, what a checkpoint at the stop digests: the op has not
        // run, except at an unpaid `local.set`, whose stack step mode took before.
        let owed_stack = self.owed_stack.take();
        let digest_stack = match (&code_arc, regs.part) {
            _ if self.cp_interval == 0 => None,
            (_, Some(k)) if usize::from(k) > main => owed_stack,
            (Some((c, inst)), _) => {
                checkpoint::machine_stack(self.store, *inst, c, regs.fp, at, usize::from(part)).ok()
            }
            (None, _) => None,
        };
        let mut stack = std::mem::take(&mut self.store.stack);
        // Every slot of the live activations (a caller's operand slots may reach past
        // the frame of a small callee above them).
        if let Some(live) = live_slots(self.store, &self.frames, regs.func, regs.fp) {
            stack.truncate(live);
        }
        let state = WasmState {
            frames: std::mem::take(&mut self.frames),
            func: regs.func,
            pc: u32::try_from(pc).unwrap_or(u32::MAX),
            fp: u32::try_from(regs.fp).unwrap_or(u32::MAX),
            sp: u32::try_from(regs.sp).unwrap_or(u32::MAX),
            height: self.height,
            stack,
            paid: if self.metering { paid } else { 0 },
            owed_from: if self.metering { owed_from } else { None },
            replay: self.replay_pending.take(),
            digest_stack,
        };
        keep(self.store, FuncAddr(root), trap.clone(), State::Wasm(state));
        trap
    }

    /// Continues a suspended wasm call from `w`.
    pub(super) fn resume_wasm(&mut self, root: u32, w: WasmState) -> Result<Run, Trap> {
        let internal = || Trap::new(TrapCode::Internal);
        let Some((cf, inst)) = self.code_arc(w.func) else {
            return Err(internal());
        };
        let (pc, fp) = (w.pc as usize, w.fp as usize);
        if pc >= cf.code.len() {
            return Err(internal());
        }
        let Some(need) = live_slots(self.store, &w.frames, w.func, fp) else {
            return Err(internal());
        };
        // The cached body and instance of every caller come from this store, whatever
        // store the state was taken in (or none: a snapshot's frames).
        let mut frames = w.frames;
        for f in &mut frames {
            let (code, inst) = self.enter(f.func);
            *f = Frame::new(f.func, f.ret_pc, f.fp, code, inst);
        }
        self.frames = frames;
        self.height = w.height;
        self.replay_pending = w.replay;
        self.store.stack = w.stack;
        if self.store.stack.len() < need {
            self.store.stack.resize(need, 0);
        }
        let mut regs = Regs {
            func: w.func,
            pc,
            fp,
            sp: w.sp as usize,
            prepaid: false,
            part: None,
        };
        if !self.metering {
            // Nothing is charged for wasm code: the loop needs no segment state.
            regs.prepaid = true;
            return self.drive(root, regs, false);
        }
        if let Some(k) = w.owed_from {
            // The rest of the op before `pc`, component by component (SPEC.md §Gas
            // rule 1), each taking the checkpoint due before it (with checkpoints on;
            // the stack machine's stack moves on past the components paid): a
            // component that still does not fit suspends again, unchanged.
            let at = pc.saturating_sub(1);
            let parts = cf.parts(at).ok_or_else(internal)?;
            let (mut digest, mut digest_at) = (w.digest_stack, usize::from(k));
            for (i, part) in parts.iter().enumerate().skip(usize::from(k)) {
                let part = u64::from(*part);
                if part > 0 && self.cp_interval > 0 {
                    let d = digest.ok_or_else(internal)?;
                    let d =
                        checkpoint::advance_stack(self.store, inst, &cf, fp, at, d, digest_at..i)
                            .map_err(|_| internal())?;
                    digest_at = i;
                    let used = self
                        .store
                        .gas_limit
                        .saturating_sub(self.store.gas_remaining);
                    if used + part > self.store.checkpoint_next {
                        self.record_checkpoint(w.func, (&cf, inst), (at, i), used, &d)
                            .map_err(|_| internal())?;
                    }
                    digest = Some(d);
                }
                if self.store.gas_remaining < part {
                    let state = WasmState {
                        frames: std::mem::take(&mut self.frames),
                        func: w.func,
                        pc: w.pc,
                        fp: w.fp,
                        sp: w.sp,
                        height: self.height,
                        stack: std::mem::take(&mut self.store.stack),
                        paid: 0,
                        owed_from: Some(u8::try_from(i).unwrap_or(u8::MAX)),
                        replay: self.replay_pending.take(),
                        digest_stack: digest,
                    };
                    let trap = Trap::at(TrapCode::OutOfGas, FuncAddr(w.func), at)
                        .with_part(u8::try_from(i).unwrap_or(u8::MAX));
                    keep(self.store, FuncAddr(root), trap.clone(), State::Wasm(state));
                    return Ok(Run::Suspended(trap));
                }
                self.store.gas_remaining -= part;
            }
        }
        // The rest of the segment from `pc`, less what op `pc` already paid: charged at
        // once when it fits before the checkpoint fence, as a segment head would be.
        let rest = unexecuted_gas(&cf, pc).saturating_sub(w.paid);
        self.refence();
        if self.store.gas_remaining - self.fence >= rest {
            self.store.gas_remaining -= rest;
            regs.prepaid = true;
            self.drive(root, regs, false)
        } else {
            // Step mode charges op `pc` whole: lend it what it already paid. It can
            // be charged at once (the op takes the loan back first), since nothing
            // observes the counter between here and that charge.
            self.store.gas_remaining = self.store.gas_remaining.saturating_add(w.paid);
            self.drive(root, regs, true)
        }
    }
}

/// The number of value-stack slots the live activations use: every slot the loop may
/// touch in any of them (frame pointer + locals + operand slots); `None` when one of
/// them is not a wasm function.
fn live_slots(store: &Store, frames: &[Frame], func: u32, fp: usize) -> Option<usize> {
    let current = std::iter::once((func, fp));
    let callers = frames.iter().map(|f| (f.func, f.fp as usize));
    current.chain(callers).try_fold(0usize, |most, (func, fp)| {
        let c = wasm_code(store, func)?;
        Some(most.max(fp + c.num_locals as usize + c.max_operands as usize))
    })
}

/// Keeps a suspension in the store under a new sequence number.
fn keep(store: &mut Store, root: FuncAddr, trap: Trap, state: State) {
    store.suspend_seq = store.suspend_seq.wrapping_add(1);
    store.suspended = Some(Box::new(Suspended {
        seq: store.suspend_seq,
        root,
        trap,
        state,
    }));
}

/// Suspends a host function invoked directly by the embedder (`invoke_host`): it is
/// called again on resume.
pub(super) fn suspend_host(
    store: &mut Store,
    func: FuncAddr,
    args: Vec<Value>,
    replay: Option<Replayed>,
) -> Outcome {
    let trap = Trap::new(TrapCode::OutOfGas);
    keep(store, func, trap.clone(), State::Host { args, replay });
    Outcome::Suspended(trap)
}

/// Resumes the store's suspended call `seq` with `more_gas` more gas (the limit grows
/// by as much, so gas used carries on; saturating at 2^64 - 1). Without `resumable`,
/// running out of gas again is a trap, as in a non-resumable call.
///
/// # Errors
/// `Error::Invoke` when the store has no suspended call `seq` (a stale handle);
/// `Error::Trap` when the call traps after resuming.
pub(crate) fn resume(
    store: &mut Store,
    host: &mut dyn Any,
    seq: u64,
    more_gas: u64,
    resumable: bool,
) -> Result<Outcome, Error> {
    match store.suspended.as_deref() {
        Some(s) if s.seq == seq => {}
        Some(_) => {
            return Err(Error::Invoke(
                "stale resumable call: the store's suspended call is a later one".into(),
            ))
        }
        None => {
            return Err(Error::Invoke(
                "stale resumable call: the store has no suspended call".into(),
            ))
        }
    }
    let Some(s) = store.suspended.take() else {
        return Err(Error::Internal("suspension vanished"));
    };
    let add = more_gas.min(u64::MAX - store.gas_limit);
    store.gas_limit += add;
    store.gas_remaining = store.gas_remaining.saturating_add(add);
    let Suspended {
        root, state, trap, ..
    } = *s;
    let ty = store
        .funcs
        .get(root.0 as usize)
        .and_then(|f| store.types.get(f.ty as usize))
        .cloned()
        .ok_or(Error::Internal("suspended function"))?;
    match state {
        State::Host { args, replay } => {
            let r = call_host_root(store, host, root.0, args.clone(), resumable, replay);
            match r {
                Ok(results) => Ok(Outcome::Finished(results)),
                Err(HostStop::Trap(t)) => Err(Error::Trap(t)),
                Err(HostStop::OutOfGas(replay)) => {
                    keep(store, root, trap.clone(), State::Host { args, replay });
                    Ok(Outcome::Suspended(trap))
                }
            }
        }
        State::Wasm(w) => {
            if let Some(p) = store.profiler.as_deref_mut() {
                p.last = store.gas_remaining;
            }
            let mut m = Machine::new(store, host, resumable);
            let run = m.resume_wasm(root.0, w)?;
            Ok(finish(store, &ty, run))
        }
    }
}

/// Drops the store's suspended call, if any, as if it had trapped out of gas where it
/// stopped (its gas stays used); returns that trap.
pub(crate) fn abandon(store: &mut Store) -> Option<Trap> {
    let s = store.suspended.take()?;
    if let Some(p) = store.profiler.as_deref_mut() {
        p.clear();
    }
    if let State::Wasm(w) = s.state {
        // The value stack is the store's again, for the next invocation to reuse.
        store.stack = w.stack;
    }
    Some(s.trap)
}
