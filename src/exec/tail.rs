//! The threaded dispatch backend: one handler function per op, each ending by calling
//! the next op's handler in tail position, with the hot interpreter state (`ip`, the
//! frame pointer, gas left, the memory's base) passed in registers.
//!
//! Built only when `build.rs` sets `detwasm_tail` (optimised builds on x86-64 and
//! aarch64 without sanitizers and without the `loop-dispatch` feature), where LLVM
//! turns those calls into jumps (sibling calls): nothing in the language guarantees it,
//! so `tests/dispatch.rs` runs a long guest loop on a small native stack. Every other
//! build runs only `Machine::run`'s `loop { match }`, which cannot grow the native
//! stack.
//!
//! The shared arms (`pure_arms!`, exec/arms.rs) become one handler each; `ConsumeGas`,
//! `Call` and `CallIndirect` have their own (a host callee is called from the chain).
//! Every handler is generic over the journal mode `J`: an atomic call runs the table
//! `Handlers::<true>`, whose stores and `global.set` save old state in the store's
//! journal first (runtime/atomic.rs), every other call `Handlers::<false>`. Every
//! other op, and anything that needs step mode, checkpoints or the gas profiler leave
//! the chain: the handler saves the state and returns an exit code,
//! and the driver (`Machine::run_invocation`) runs that op in the loop backend
//! (`Exit::Fallback`) and comes back. Both backends run the same arm bodies, so an op
//! means the same thing in each; `tests/dispatch.rs` and the conformance suite run
//! both.

use super::{
    cold, i32v, i64v, o_bool, o_i32, o_i64, o_u32, o_u64, sx, trunc, u32v, u64v, Exit, Fault,
    Frame, Machine, Regs, PAGE_SIZE,
};
use super::{idiv32, idiv64, TrapCode};
use crate::float;
use crate::runtime::InstanceInst;
use crate::translate::op::{Op, OpTag, OP_COUNT};
use crate::translate::CompiledFunc;
use std::sync::Arc;

/// The code of the op `ip` points at leaves the chain with: see `Cx`.
const DONE: u32 = 0;
const FALLBACK: u32 = 1;
const SWITCH_TO_STEP: u32 = 2;
const FAULT: u32 = 3;

/// How many slots a call zeroes with one write when the callee's non-parameter locals
/// fit (more are zeroed by a loop).
const ZERO_RUN: usize = crate::translate::ZERO_RUN as usize;

/// What a handler needs besides its register arguments: the machine and the current
/// function's and instance's pointers, plus the state saved when the chain ends.
pub(super) struct Cx<'a, 's> {
    m: &'a mut Machine<'s>,
    /// The current function's first op.
    code0: *const Op,
    cfp: *const CompiledFunc,
    /// The value stack's slot 0 (refreshed whenever the stack is resized).
    stk: *mut u64,
    /// One past the value stack's last slot (refreshed with `stk`).
    stack_end: *const u64,
    instp: *const InstanceInst,
    /// The current instance's module's defined functions, offset so that function
    /// index `i` (imports first) is at `defs + i` (`defs_of`).
    defs: *const Arc<CompiledFunc>,
    func: u32,
    inst: usize,
    /// The instance `h::enter_instance` switches to.
    next_inst: usize,
    /// The first result slot of the return `h::ret_multi` finishes.
    ret_src: usize,
    mem: usize,
    /// The current memory's length in bytes (its base is a handler argument).
    mem_len: u64,
    prepaid: bool,
    /// Journal mode only: the memory and journal page the last store found saved.
    jmem: usize,
    jpage: u64,
    fault: TrapCode,
    ip: *const Op,
    fpp: *mut u64,
    gas: u64,
    /// The gas left beyond `CHAIN_GAS_MAX`, held out of the chain's `gas` (see
    /// `chain_gas`).
    held: u64,
}

/// The most gas the chain holds in its `gas` register, 2^62: it keeps the signed
/// charge of a taken branch (`br_if!`) exact. The rest waits in `Cx::held`; a chain
/// that uses up 2^62 gas (centuries of execution) goes on in step mode, exactly.
const CHAIN_GAS_MAX: u64 = 1 << 62;

/// `(gas, held)`: the store's gas left `all`, split into what the chain holds and
/// what waits beyond `CHAIN_GAS_MAX`.
fn chain_gas(all: u64) -> (u64, u64) {
    let held = all.saturating_sub(CHAIN_GAS_MAX);
    (all - held, held)
}

/// A handler: the op at `ip` (not yet executed), the frame's slot 0, gas left, the
/// current memory's base, and the context (which holds the memory's length, so that
/// one more register is free in every handler). Returns an exit code when the chain
/// ends (the state is then in `Cx`).
type Handler = unsafe extern "C" fn(*const Op, *mut u64, u64, *mut u8, &mut Cx<'_, '_>) -> u32;

/// The handler tables, by `OpTag`: `Handlers::<false>::TABLE` for plain calls and
/// `Handlers::<true>::TABLE` while an atomic call's journal is open (whose handlers
/// save old state before a store or a `global.set`, as the loop backend does).
struct Handlers<const J: bool>;

impl<const J: bool> Handlers<J> {
    const TABLE: [Handler; OP_COUNT] = {
        let mut t: [Handler; OP_COUNT] = [h::fallback; OP_COUNT];
        macro_rules! set {
            ($($name:ident $fields:tt => $body:expr,)*) => {
                $(t[OpTag::$name as usize] = h::$name::<J>;)*
            };
        }
        pure_arms!(set);
        t[OpTag::BrTable as usize] = h::br_table_fast::<J>;
        t[OpTag::ConsumeGas as usize] = h::ConsumeGas::<J>;
        t[OpTag::Call as usize] = h::Call::<J>;
        t[OpTag::CallInternal as usize] = h::CallInternal::<J>;
        t[OpTag::CallIndirect as usize] = h::CallIndirect::<J>;
        t
    };
}

/// The handler of the op `ip` points at, from the table of journal mode `J`.
///
/// # Safety
/// `ip` points at an op of a body (every body ends with a terminator, so a handler
/// never advances past it).
#[inline(always)]
unsafe fn handler_of<const J: bool>(ip: *const Op) -> Handler {
    let table: &'static [Handler; OP_COUNT] = &Handlers::<J>::TABLE;
    // SAFETY: `Op` is `#[repr(u32)]`, so its discriminant is the `u32` at offset 0,
    // and it is the row's `OpTag`, below `OP_COUNT`.
    unsafe { *table.get_unchecked(*(ip as *const u32) as usize) }
}

/// The defined functions of `inst`'s module, as `Cx::defs` holds them: offset back by
/// the number of imported functions, with `wrapping_sub` (only indices of defined
/// functions are ever added back, by `CallInternal`).
fn defs_of(inst: &InstanceInst) -> *const Arc<CompiledFunc> {
    let m = &inst.module.inner;
    m.funcs.as_ptr().wrapping_sub(m.num_imported_funcs as usize)
}

/// Runs the current invocation from `regs` in threaded mode until an op leaves the
/// chain (see the module docs).
pub(super) fn run(m: &mut Machine<'_>, regs: &mut Regs) -> Result<Exit, Fault> {
    m.refence();
    let (gas, held) = chain_gas(m.store.gas_remaining - m.fence);
    let (cfp, inst) = m.enter(regs.func);
    let instp: *const InstanceInst = &m.store.instances[inst];
    let defs = defs_of(&m.store.instances[inst]);
    let mem = m.mem_of(inst);
    let (mem_ptr, mem_len) = m.mem_raw(mem);
    let stk = m.store.stack.as_mut_ptr();
    let stack_end = stk.wrapping_add(m.store.stack.len());
    // SAFETY: `cfp` is kept alive by the store (see `Machine::run`); `regs.pc` is a
    // position inside its body and `regs.fp` plus its slots is inside the stack.
    let code0 = unsafe { &*cfp }.code.as_ptr();
    let ip = unsafe { code0.add(regs.pc) };
    let fpp = unsafe { stk.add(regs.fp) };
    let mut cx = Cx {
        m,
        code0,
        cfp,
        stk,
        stack_end,
        instp,
        defs,
        func: regs.func,
        inst,
        next_inst: inst,
        mem_len,
        ret_src: 0,
        mem,
        prepaid: regs.prepaid,
        jmem: usize::MAX,
        jpage: u64::MAX,
        fault: TrapCode::Internal,
        ip,
        fpp,
        gas,
        held,
    };
    // SAFETY: as above.
    let code = if cx.m.store.journal.is_some() {
        unsafe { handler_of::<true>(ip)(ip, fpp, gas, mem_ptr, &mut cx) }
    } else {
        unsafe { handler_of::<false>(ip)(ip, fpp, gas, mem_ptr, &mut cx) }
    };
    regs.func = cx.func;
    // SAFETY: the chain ends with `ip` inside the current body and `fpp` inside the
    // stack (every exit saves them).
    regs.pc = unsafe { cx.ip.offset_from(cx.code0) } as usize;
    regs.fp = unsafe { cx.fpp.offset_from(cx.stk) } as usize;
    regs.prepaid = cx.prepaid;
    let m = cx.m;
    m.store.gas_remaining = cx.gas + cx.held + m.fence;
    if let Some(panic) = m.host_panic.take() {
        std::panic::resume_unwind(panic);
    }
    match code {
        DONE => Ok(Exit::Done),
        FALLBACK => Ok(Exit::Fallback),
        SWITCH_TO_STEP => Ok(Exit::SwitchToStep),
        _ => Err(cx.fault),
    }
}

/// Defines one handler: `$name` runs `$body` for the op `Op::$name $fields`, then the
/// next op's handler. The macros the shared arms use (exec/arms.rs) are defined over
/// the handler's arguments.
macro_rules! handler {
    (fn $fname:ident for $name:ident $fields:tt => $body:expr) => {
        handler!(@def $fname, [$name $fields], $body);
    };
    // A handler of no op of its own: `$body` runs with `ip` where it was passed.
    (fn $fname:ident => $body:expr) => {
        handler!(@def $fname, [], $body);
    };
    ($name:ident $fields:tt => $body:expr) => {
        handler!(@def $name, [$name $fields], $body);
    };
    (@def $fname:ident, [$($name:ident $fields:tt)?], $body:expr) => {
        // Never inlined into a handler that hands its op on (`call_internal_full`), which
        // would bring the slow path's register saves back into the fast one.
        #[inline(never)]
        #[allow(
            non_snake_case,
            unused_mut,
            unused_variables,
            unused_macros,
            unused_assignments,
            unreachable_code
        )]
        pub(super) unsafe extern "C" fn $fname<const J: bool>(
            ip: *const Op,
            fpp: *mut u64,
            gas: u64,
            mem_ptr: *mut u8,
            cx: &mut Cx<'_, '_>,
        ) -> u32 {
            let mut ip = ip;
            // The op itself, where a call to a host function leaves the chain.
            let at = ip;
            let mut fpp = fpp;
            let mut gas = gas;
            let mut mem_ptr = mem_ptr;
            macro_rules! exit {
                ($code:expr) => {{
                    cx.ip = ip;
                    cx.fpp = fpp;
                    cx.gas = gas;
                    return $code;
                }};
            }
            macro_rules! fault {
                ($code:expr) => {{
                    cold();
                    cx.fault = $code;
                    exit!(FAULT)
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
            macro_rules! sl {
                ($slot:expr) => {
                    // SAFETY: every slot index is below num_locals + max_operands of
                    // the current body, and the stack holds that many slots from
                    // `fpp` (`Machine::run`'s `sg!`).
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
                    if a + $n > cx.mem_len {
                        fault!(TrapCode::MemoryOutOfBounds);
                    }
                    a as usize
                }};
            }
            macro_rules! load {
                ($dst:expr, $addr:expr, $off:expr, $n:literal, |$b:ident| $e:expr) => {{
                    let a = ea!($addr, $off, $n);
                    let mut $b = [0u8; $n];
                    // SAFETY: `ea!` checked a + n <= mem_len, and `mem_ptr`/`cx.mem_len`
                    // describe the current memory (the chain is left by anything
                    // that can resize it, and re-entered with fresh values).
                    unsafe { std::ptr::copy_nonoverlapping(mem_ptr.add(a), $b.as_mut_ptr(), $n) };
                    ssl!($dst, $e);
                }};
            }
            macro_rules! store {
                ($addr:expr, $value:expr, $off:expr, $n:literal, |$v:ident| $e:expr) => {{
                    // No dirty-page marking: threaded mode never runs with checkpoints.
                    let $v: u64 = $value;
                    let a = ea!($addr, $off, $n);
                    let bytes: [u8; $n] = $e;
                    if J {
                        // An atomic call: the journal saves the page before its first
                        // write (as the loop backend's `store!`); a store to the page
                        // the previous one found saved skips it.
                        const JP: u64 = crate::runtime::JOURNAL_PAGE_BYTES as u64;
                        let (p, q) = (a as u64 / JP, (a as u64 + $n - 1) / JP);
                        if p != cx.jpage || q != p || cx.mem != cx.jmem {
                            cx.m.store.journal_memory(cx.mem, a as u64, $n);
                            (cx.jmem, cx.jpage) = (cx.mem, q);
                        }
                    }
                    // SAFETY: as for `load!`.
                    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), mem_ptr.add(a), $n) };
                }};
            }
            macro_rules! jump {
                ($target:expr) => {{
                    // SAFETY: the translator resolves every branch target to a
                    // position inside the body.
                    ip = unsafe { cx.code0.add($target as usize) };
                }};
            }
            // As `Machine::run`'s `charge_head!`: a paid segment head at a branch
            // target or a return position runs here.
            macro_rules! charge_head {
                () => {{
                    // SAFETY: `ip` is inside the body.
                    if let Op::ConsumeGas { gas: n } = unsafe { *ip } {
                        let n = u64::from(n);
                        if gas >= n {
                            gas -= n;
                            cx.prepaid = true;
                            // SAFETY: a segment head is never a body's last op.
                            ip = unsafe { ip.add(1) };
                        }
                    }
                }};
            }
            macro_rules! branch_to {
                ($target:expr) => {{
                    jump!($target);
                    charge_head!();
                }};
            }
            // As `Machine::run`'s `br_if!`; the threaded backend runs only with its
            // segment prepaid (a head that cannot be paid switches to step mode).
            //
            // Taken, it charges the target head's gas less its refund (`Refund::net`)
            // with one subtraction: the chain's gas is at most `CHAIN_GAS_MAX`, so
            // the signed result is exact, and negative exactly when the head cannot
            // be paid. Step mode then goes on from the target, as in the loop.
            macro_rules! br_if {
                ($target:expr, $cond:expr) => {{
                    if $cond {
                        let (refund, net) = crate::exec::refund_at(ip);
                        let g = gas.wrapping_sub(net as u64);
                        jump!($target);
                        if (g as i64) < 0 {
                            cold();
                            gas += refund;
                            cx.prepaid = false;
                            exit!(SWITCH_TO_STEP);
                        }
                        gas = g;
                    } else {
                        skip!(1);
                    }
                }};
            }
            // As `Machine::run`'s `enter_segment!` (a segment prepaid stays so).
            macro_rules! enter_segment {
                ($target:expr, $gas:expr) => {{
                    jump!($target);
                    match gas.checked_sub($gas) {
                        Some(g) => gas = g,
                        None => {
                            cold();
                            cx.prepaid = false;
                            exit!(SWITCH_TO_STEP);
                        }
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
                    // SAFETY: the data ops of a `BrTable` follow it in the body.
                    unsafe { *ip.add($i) }
                };
            }
            macro_rules! moves {
                () => {{
                    match peek!(0) {
                        Op::Moves { to, from, n } => {
                            for i in 0..n {
                                ssl!(to + i, sl!(from + i));
                            }
                        }
                        _ => fault!(TrapCode::Internal),
                    }
                }};
            }
            macro_rules! global_get {
                ($i:expr) => {{
                    // SAFETY: validation proved `$i` is below the module's global
                    // count, the length of the instance's global list.
                    let g = unsafe { *(*cx.instp).globals_ref().get_unchecked($i as usize) };
                    cx.m.store.globals[g as usize].value
                }};
            }
            macro_rules! global_set {
                ($i:expr, $v:expr) => {{
                    let v: u64 = $v;
                    // SAFETY: as for `global_get!`.
                    let g = unsafe { *(*cx.instp).globals_ref().get_unchecked($i as usize) };
                    if J {
                        cx.m.store.journal_global(g as usize);
                    }
                    cx.m.store.globals[g as usize].value = v;
                }};
            }
            macro_rules! memory_pages {
                () => {
                    cx.mem_len / PAGE_SIZE as u64
                };
            }
            // Switches to the instance of the code just entered when it differs.
            macro_rules! switch_instance {
                ($inst:expr) => {{
                    let inst: usize = $inst;
                    if inst != cx.inst {
                        cx.inst = inst;
                        cx.instp = &cx.m.store.instances[inst];
                        cx.defs = defs_of(&cx.m.store.instances[inst]);
                        cx.mem = cx.m.mem_of(inst);
                        (mem_ptr, cx.mem_len) = cx.m.mem_raw(cx.mem);
                    }
                }};
            }
            macro_rules! ret_multi {
                () => {{
                    // SAFETY: as for `ret!`.
                    let n = unsafe { &*cx.cfp }.num_results as usize;
                    let src = cx.ret_src;
                    for i in 0..n {
                        ssl!(i, sl!(src + i));
                    }
                    ret_rest!();
                }};
            }
            macro_rules! enter_next_instance {
                () => {{
                    switch_instance!(cx.next_inst);
                    charge_head!();
                }};
            }
            macro_rules! ret {
                ($slot:expr) => {{
                    // SAFETY: `cfp` points at the current body, kept alive by the
                    // store; the results are `num_results` slots at `$slot..`, inside
                    // the frame.
                    let cf = unsafe { &*cx.cfp };
                    let src = $slot as usize;
                    let n = cf.num_results as usize;
                    if n == 1 {
                        ssl!(0, sl!(src));
                    } else if n > 1 {
                        // The copy loop (which LLVM unrolls with more registers) is in
                        // `ret_multi`, reached by a call in tail position.
                        cx.ret_src = src;
                        // SAFETY: as for this handler.
                        return unsafe { ret_multi::<J>(ip, fpp, gas, mem_ptr, cx) };
                    }
                    ret_rest!();
                }};
            }
            // The rest of `ret!` once the results are in place: leaves the frame.
            macro_rules! ret_rest {
                () => {{
                    // SAFETY: as for `ret!`.
                    let cf = unsafe { &*cx.cfp };
                    cx.m.height -= cf.stack_units;
                    match cx.m.frames.pop() {
                        None => exit!(DONE),
                        Some(f) => {
                            cx.func = f.func;
                            let (cfp, inst) = f.entered();
                            cx.cfp = cfp;
                            // SAFETY: a frame's cached body is its function's, which
                            // the store keeps alive (a call in this store pushed it, or
                            // `Machine::resume` resolved it); `ret_pc` is a position in
                            // that body and `f.fp` its frame inside the stack.
                            cx.code0 = unsafe { &*cfp }.code.as_ptr();
                            ip = unsafe { cx.code0.add(f.ret_pc as usize) };
                            fpp = unsafe { cx.stk.add(f.fp as usize) };
                            if inst != cx.inst {
                                // The switch (with its native calls) is in
                                // `enter_instance`, reached by a call in tail position,
                                // so this handler needs no callee-saved registers.
                                cx.next_inst = inst;
                                // The caller resumes at a segment head (see `Frame`),
                                // which `enter_instance` charges when it can.
                                cx.prepaid = false;
                                // SAFETY: `ip` is at an op of the caller's body.
                                return unsafe { enter_instance::<J>(ip, fpp, gas, mem_ptr, cx) };
                            }
                            // The caller resumes at a segment head (see `Frame`), with
                            // metering: paid here when it can be, the segment stays
                            // prepaid; otherwise nothing is, and the head's handler
                            // switches to step mode.
                            // SAFETY: `ip` is inside the caller's body.
                            if let Op::ConsumeGas { gas: n } = unsafe { *ip } {
                                match gas.checked_sub(u64::from(n)) {
                                    Some(g) => {
                                        gas = g;
                                        // SAFETY: a segment head is never a body's
                                        // last op.
                                        ip = unsafe { ip.add(1) };
                                    }
                                    None => cx.prepaid = false,
                                }
                            }
                        }
                    }
                }};
            }
            // A call of `$callee` with its arguments at slot `$base..`: a wasm callee
            // is entered here, a host callee called (`host_call!`).
            macro_rules! call {
                ($callee:expr, $base:expr) => {{
                    let callee: u32 = $callee;
                    let Some((ncfp, ninst)) = cx.m.enter_wasm(callee) else {
                        host_call!(callee, $base);
                        // SAFETY: as for this handler (`ip` is at the op after the call).
                        return unsafe { handler_of::<J>(ip)(ip, fpp, gas, mem_ptr, cx) };
                    };
                    // SAFETY: as for `ret!`.
                    let ncf = unsafe { &*ncfp };
                    if cx.m.frames.len() + 1 >= cx.m.max_depth
                        || cx.m.height + ncf.stack_units > cx.m.max_height
                    {
                        fault!(TrapCode::CallStackExhausted);
                    }
                    cx.m.height += ncf.stack_units;
                    // SAFETY: `ip` and `code0` are in the same body; `fpp` and `stk`
                    // in the same stack.
                    let pc = unsafe { ip.offset_from(cx.code0) } as u32;
                    let fp = unsafe { fpp.offset_from(cx.stk) } as usize;
                    cx.m.frames.push(Frame::new(cx.func, pc, fp as u32, cx.cfp, cx.inst));
                    let fp = fp + $base as usize;
                    let np = ncf.num_params as usize;
                    let nl = ncf.num_locals as usize;
                    // `ZERO_RUN` slots of slack past the callee's slots, so its
                    // locals can be zeroed by one fixed-size write.
                    let need = fp + nl + ncf.max_operands as usize + ZERO_RUN;
                    if cx.m.store.stack.len() < need {
                        cx.m.grow_stack(need);
                        cx.stk = cx.m.store.stack.as_mut_ptr();
                        cx.stack_end = cx.stk.wrapping_add(cx.m.store.stack.len());
                    }
                    // SAFETY: the stack was just sized for the callee.
                    fpp = unsafe { cx.stk.add(fp) };
                    if nl - np <= ZERO_RUN {
                        // Zeroes the locals and slots past them that the callee
                        // writes before it reads (operand slots) or never uses.
                        // SAFETY: fp + np + ZERO_RUN <= need <= the stack's length.
                        unsafe { (fpp.add(np) as *mut [u64; ZERO_RUN]).write_unaligned([0; ZERO_RUN]) };
                    } else {
                        for i in np..nl {
                            ssl!(i, 0);
                        }
                    }
                    cx.func = callee;
                    cx.cfp = ncfp;
                    cx.code0 = ncf.code.as_ptr();
                    ip = cx.code0;
                    switch_instance!(ninst);
                    // The callee's first segment head, charged here when it can be paid.
                    charge_head!();
                }};
            }

            // A call of host function `$callee` with its arguments at slot `$base..`,
            // as the loop backend makes it (`Machine::call_host`); the chain goes on at
            // the op after the call. A trap (or a resumable call's out-of-gas stop) is
            // this op's fault, with `ip` past it as in the loop. A panic of the host
            // function is caught (an `extern "C"` handler cannot unwind) and continues
            // once the chain is left (`run`).
            macro_rules! host_call {
                ($callee:expr, $base:expr) => {{
                    // SAFETY: `fpp` and `stk` are in the same stack.
                    let fp = unsafe { fpp.offset_from(cx.stk) } as usize;
                    // No fence in the threaded backend (it never runs with checkpoints).
                    cx.m.store.gas_remaining = gas + cx.held;
                    let (m, inst, mem) = (&mut *cx.m, cx.inst, cx.mem);
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        m.call_host($callee, fp + $base as usize, inst, mem)
                    }));
                    (gas, cx.held) = chain_gas(cx.m.store.gas_remaining);
                    // The call may have grown the value stack for its results.
                    cx.stk = cx.m.store.stack.as_mut_ptr();
                    cx.stack_end = cx.stk.wrapping_add(cx.m.store.stack.len());
                    // SAFETY: the frame at `fp` is inside the (possibly moved) stack.
                    fpp = unsafe { cx.stk.add(fp) };
                    match r {
                        Ok(Ok(())) => {}
                        Ok(Err(code)) => fault!(code),
                        Err(panic) => {
                            cx.m.host_panic = Some(panic);
                            fault!(TrapCode::HostError)
                        }
                    }
                }};
            }

            // The bodies of the handlers that are not shared arms (they use the
            // handler's own registers, which a body passed in cannot name).
            macro_rules! consume_gas {
                ($n:expr) => {{
                    let n = u64::from($n);
                    if gas >= n {
                        gas -= n;
                        cx.prepaid = true;
                    } else {
                        cx.prepaid = false;
                        exit!(SWITCH_TO_STEP);
                    }
                }};
            }
            macro_rules! call_direct {
                ($idx:expr, $base:expr) => {{
                    // SAFETY: validation proved `idx` is below the module's function
                    // count, the length of the instance's function list.
                    let callee = unsafe { *(*cx.instp).funcs_ref().get_unchecked($idx as usize) };
                    call!(callee, $base);
                }};
            }
            // A call of a function the module defines (`CallInternal`; its code and
            // instance are known without a look-up in the store), with no native call
            // on its path: room for one more frame in the frame list and for the
            // callee's slots in the value stack, at most `ZERO_RUN` locals to zero, no
            // limit reached. Anything else is handed, before anything changed, to
            // `call_internal_full` (the whole `call!`), by a call in tail position.
            macro_rules! call_fast {
                ($idx:expr, $base:expr) => {{
                    let m = &mut *cx.m;
                    let depth = m.frames.len();
                    // SAFETY: the translator makes a `CallInternal` only of a call of a
                    // defined function (an index at least the number of imports, which
                    // validation proved below the function count), so `defs + idx` is
                    // in the module's list of defined functions, which the instance's
                    // module keeps alive; the callee is this instance's.
                    let ncfp: *const CompiledFunc = unsafe { &**cx.defs.wrapping_add($idx as usize) };
                    // SAFETY: as above.
                    let ncf = unsafe { &*ncfp };
                    let height = m.height + ncf.stack_units;
                    // SAFETY: `base` is a slot of the caller's frame, inside the stack.
                    let nfpp = unsafe { fpp.add($base as usize) };
                    // The slots from the callee's frame to the stack's end.
                    let room = (cx.stack_end as usize).saturating_sub(nfpp as usize) / 8;
                    if depth + 1 >= m.max_depth
                        || depth >= m.frames.capacity()
                        || height > m.max_height
                        || room < ncf.fast_call_extent as usize
                    {
                        // SAFETY: nothing has changed; `call_internal_full` runs the op
                        // at `at`.
                        return unsafe { call_internal_full::<J>(at, fpp, gas, mem_ptr, cx) };
                    }
                    m.height = height;
                    // SAFETY: `ip` and `code0` are in the same body, `fpp` and `stk` in
                    // the same stack.
                    let pc = unsafe { ip.offset_from(cx.code0) } as u32;
                    let fp = unsafe { fpp.offset_from(cx.stk) } as u32;
                    // SAFETY: `depth` is below the capacity, so the slot is allocated;
                    // it is written before the length covers it.
                    unsafe {
                        m.frames.as_mut_ptr().add(depth).write(Frame::new(cx.func, pc, fp, cx.cfp, cx.inst));
                        m.frames.set_len(depth + 1);
                    }
                    // SAFETY: `fast_call_extent` is finite only when the non-parameter
                    // locals fit `ZERO_RUN` slots, and `np + ZERO_RUN` is at most
                    // `fast_call_extent`, at most the slots left (checked above).
                    unsafe {
                        (nfpp.add(ncf.num_params as usize) as *mut [u64; ZERO_RUN])
                            .write_unaligned([0; ZERO_RUN])
                    };
                    fpp = nfpp;
                    // SAFETY: as for `call_direct!`.
                    cx.func = unsafe { *(*cx.instp).funcs_ref().get_unchecked($idx as usize) };
                    cx.cfp = ncfp;
                    cx.code0 = ncf.code.as_ptr();
                    // The callee's first segment head, charged here without reading it
                    // (`CompiledFunc::entry`); when it cannot be paid, its handler
                    // switches to step mode.
                    let (skip, head) = ncf.entry;
                    ip = cx.code0;
                    if let Some(g) = gas.checked_sub(u64::from(head)) {
                        gas = g;
                        // SAFETY: a body is never a head alone (it ends with a
                        // terminator), so the op after its head is inside it.
                        ip = unsafe { ip.add(skip as usize) };
                    }
                }};
            }
            // `BrTable` to a label that keeps no values: anything else (values to
            // move, a return) is handed to the shared arm's handler (`BrTable`), by a
            // call in tail position, before anything changed.
            macro_rules! br_table_fast {
                ($len:expr, $index:expr) => {{
                    let i = (sl!($index) as u32).min($len) as usize;
                    match peek!(i) {
                        Op::BrTableJump { target, gas } => enter_segment!(target, gas),
                        // SAFETY: `at` is this `BrTable`.
                        _ => return unsafe { BrTable::<J>(at, fpp, gas, mem_ptr, cx) },
                    }
                }};
            }
            macro_rules! call_indirect {
                ($type_idx:expr, $table:expr, $index:expr) => {{
                    let callee = tri!(cx.m.indirect(cx.inst, $type_idx, $table, sl!($index)));
                    let np = cx.m.param_count(callee);
                    call!(callee, $index as usize - np);
                }};
            }

            $(
                // SAFETY: this handler is only reached for an op of its own row
                // (the handler tables are indexed by the op's tag).
                let Op::$name $fields = (unsafe { *ip }) else {
                    unsafe { std::hint::unreachable_unchecked() }
                };
                // SAFETY: a body never ends with a non-terminator.
                ip = unsafe { ip.add(1) };
            )?
            $body;
            // SAFETY: `ip` is at an op of the body (the next one, a branch target or
            // a return position).
            unsafe { handler_of::<J>(ip)(ip, fpp, gas, mem_ptr, cx) }
        }
    };
}

/// The handlers (one per op with a threaded handler, named after it).
#[allow(clippy::wildcard_imports)]
mod h {
    use super::*;

    macro_rules! handlers {
        ($($name:ident $fields:tt => $body:expr,)*) => {
            $(handler!($name $fields => $body);)*
        };
    }
    pure_arms!(handlers);

    handler!(ConsumeGas { gas: n } => consume_gas!(n));
    handler!(Call { func: idx, base } => call_direct!(idx, base));
    handler!(CallInternal { func: idx, base } => call_fast!(idx, base));
    handler!(fn call_internal_full for CallInternal { func: idx, base } => call_direct!(idx, base));
    // Continues at `ip`, the first op of a callee or the return position of a caller,
    // after switching to instance `cx.next_inst`.
    handler!(fn enter_instance => enter_next_instance!());
    // `ret!` of more than one result, at `cx.ret_src..`.
    handler!(fn ret_multi => ret_multi!());
    handler!(CallIndirect { type_idx, table, index } => call_indirect!(type_idx, table, index));
    handler!(fn br_table_fast for BrTable { len, sel, top } => br_table_fast!(len, sel));

    /// Leaves the chain before the op at `ip`, which the loop backend runs.
    #[allow(clippy::missing_safety_doc)]
    pub(super) unsafe extern "C" fn fallback(
        ip: *const Op,
        fpp: *mut u64,
        gas: u64,
        _mem_ptr: *mut u8,
        cx: &mut Cx<'_, '_>,
    ) -> u32 {
        cx.ip = ip;
        cx.fpp = fpp;
        cx.gas = gas;
        FALLBACK
    }
}
