//! The spike interpreter: one instruction encoding, one set of handler bodies, three
//! dispatch backends generated from the op table.
//!
//! Encoding: code is a `[u64]`. An instruction is its dispatch word (the handler's
//! address for the threaded and fn-pointer-loop backends, the opcode for the match loop;
//! written by `link`) followed by 1..3 operand words. Slots are u16 indices relative to
//! the frame pointer `fp` into one `Vec<u64>` value stack; constants are immediates.
//!
//! Frames live on the value stack: a callee's `fp[-2]` is its return ip and `fp[-1]`
//! the caller's fp. No native recursion per wasm call.
//!
//! Gas: a register-held counter. Block costs are folded into branches (taken and
//! fall-through cost), calls (callee entry cost from the function table, continuation
//! cost in the call's last word, charged by `Return`) and, only for a label reached by
//! fall-through, a `ConsumeGas` op.

#![allow(clippy::missing_safety_doc)]

/// Why the handler chain stopped. 0 means "continue" inside bodies, never returned.
pub const DONE: u32 = 1;
pub const OUT_OF_GAS: u32 = 2;
pub const MEM_OOB: u32 = 3;
pub const STACK_OVERFLOW: u32 = 4;

#[repr(C)]
pub struct FuncInfo {
    pub code: *const u64,
    /// slots the frame needs (locals + temporaries + call windows)
    pub frame: usize,
    /// static cost of the entry block
    pub entry_gas: u64,
}

/// Cold state: only touched by calls (function table, stack limit) and exits.
#[repr(C)]
pub struct Cx {
    pub funcs: *const FuncInfo,
    pub stack_end: *mut u64,
    pub exit_ip: *const u64,
    pub exit_fp: *mut u64,
    pub exit_gas: u64,
    /// only read with feature `perturb`: a checkpoint-fence style extra check in branches
    pub fence: u64,
}

/// Hot state as seen by a body. In the threaded backend it is rebuilt from the
/// handler's arguments and taken apart again for the tail call, so after inlining it
/// lives in registers only.
#[derive(Clone, Copy)]
pub struct St {
    pub ip: *const u64,
    pub fp: *mut u64,
    pub gas: u64,
    pub mem: *mut u8,
    pub memlen: usize,
}

#[inline(always)]
unsafe fn w(s: &St, i: usize) -> u64 {
    *s.ip.add(i)
}
#[inline(always)]
unsafe fn get(s: &St, i: u64) -> u64 {
    *s.fp.add((i & 0xffff) as usize)
}
#[inline(always)]
unsafe fn set(s: &St, i: u64, v: u64) {
    *s.fp.add((i & 0xffff) as usize) = v
}
/// Leaves the handler chain: the only place state is written back.
#[inline(always)]
unsafe fn exit(s: &St, cx: *mut Cx, code: u32) -> u32 {
    (*cx).exit_ip = s.ip;
    (*cx).exit_fp = s.fp;
    (*cx).exit_gas = s.gas;
    code
}
/// Charges `cost` and moves to `to`, or stops (unpaid) at `to`.
#[inline(always)]
unsafe fn enter(s: &mut St, cx: *mut Cx, to: *const u64, cost: u64) -> u32 {
    s.ip = to;
    #[cfg(feature = "perturb")]
    if s.gas < (*cx).fence.wrapping_add(cost) {
        return exit(s, cx, OUT_OF_GAS);
    }
    if s.gas < cost {
        return exit(s, cx, OUT_OF_GAS);
    }
    s.gas -= cost;
    0
}
#[inline(always)]
fn rel(ip: *const u64, off: u64) -> *const u64 {
    ip.wrapping_offset(off as u32 as i32 as isize)
}

// ---- operand layouts (word 1): d | a<<16 | b<<32 ; or d | a<<16 | imm<<32
macro_rules! bin {
    ($name:ident, |$x:ident, $y:ident| $e:expr) => {
        #[inline(always)]
        pub unsafe fn $name(s: &mut St, _cx: *mut Cx) -> u32 {
            let o = w(s, 1);
            let $x = get(s, o >> 16) as u32;
            let $y = get(s, o >> 32) as u32;
            set(s, o, ($e) as u64);
            s.ip = s.ip.add(2);
            0
        }
    };
}
macro_rules! bin_imm {
    ($name:ident, |$x:ident, $y:ident| $e:expr) => {
        #[inline(always)]
        pub unsafe fn $name(s: &mut St, _cx: *mut Cx) -> u32 {
            let o = w(s, 1);
            let $x = get(s, o >> 16) as u32;
            let $y = (o >> 32) as u32;
            set(s, o, ($e) as u64);
            s.ip = s.ip.add(2);
            0
        }
    };
}

pub mod body {
    use super::*;

    #[inline(always)]
    pub unsafe fn halt(s: &mut St, cx: *mut Cx) -> u32 {
        exit(s, cx, DONE)
    }
    /// [ConsumeGas][cost]: a label entered by fall-through.
    #[inline(always)]
    pub unsafe fn consume_gas(s: &mut St, cx: *mut Cx) -> u32 {
        let cost = w(s, 1);
        enter(s, cx, s.ip.add(2), cost)
    }
    /// [Const][d | imm<<32]
    #[inline(always)]
    pub unsafe fn konst(s: &mut St, _cx: *mut Cx) -> u32 {
        let o = w(s, 1);
        set(s, o, o >> 32);
        s.ip = s.ip.add(2);
        0
    }
    /// [Copy][d | a<<16]
    #[inline(always)]
    pub unsafe fn copy(s: &mut St, _cx: *mut Cx) -> u32 {
        let o = w(s, 1);
        set(s, o, get(s, o >> 16));
        s.ip = s.ip.add(2);
        0
    }
    bin!(add, |a, b| a.wrapping_add(b));
    bin!(xor, |a, b| a ^ b);
    bin!(and, |a, b| a & b);
    bin!(or, |a, b| a | b);
    bin_imm!(add_imm, |a, i| a.wrapping_add(i));
    bin_imm!(xor_imm, |a, i| a ^ i);
    bin_imm!(shl_imm, |a, i| a.wrapping_shl(i));
    bin_imm!(shr_u_imm, |a, i| a.wrapping_shr(i));
    bin_imm!(rotr_imm, |a, i| a.rotate_right(i));
    bin_imm!(gt_u_imm, |a, i| (a > i) as u32);

    /// [Load32][d | addr<<16 | off<<32]
    #[inline(always)]
    pub unsafe fn load32(s: &mut St, cx: *mut Cx) -> u32 {
        let o = w(s, 1);
        let ea = get(s, o >> 16) as u32 as usize + (o >> 32) as usize;
        if ea + 4 > s.memlen {
            return exit(s, cx, MEM_OOB);
        }
        let v = u32::from_le_bytes(*(s.mem.add(ea) as *const [u8; 4]));
        set(s, o, v as u64);
        s.ip = s.ip.add(2);
        0
    }
    /// [Load8U][d | addr<<16 | off<<32]
    #[inline(always)]
    pub unsafe fn load8u(s: &mut St, cx: *mut Cx) -> u32 {
        let o = w(s, 1);
        let ea = get(s, o >> 16) as u32 as usize + (o >> 32) as usize;
        if ea + 1 > s.memlen {
            return exit(s, cx, MEM_OOB);
        }
        set(s, o, *s.mem.add(ea) as u64);
        s.ip = s.ip.add(2);
        0
    }
    /// [Store32][val | addr<<16 | off<<32]
    #[inline(always)]
    pub unsafe fn store32(s: &mut St, cx: *mut Cx) -> u32 {
        let o = w(s, 1);
        let ea = get(s, o >> 16) as u32 as usize + (o >> 32) as usize;
        if ea + 4 > s.memlen {
            return exit(s, cx, MEM_OOB);
        }
        *(s.mem.add(ea) as *mut [u8; 4]) = (get(s, o) as u32).to_le_bytes();
        s.ip = s.ip.add(2);
        0
    }
    /// [Jump][target_rel | gas<<32]
    #[inline(always)]
    pub unsafe fn jump(s: &mut St, cx: *mut Cx) -> u32 {
        let o = w(s, 1);
        enter(s, cx, rel(s.ip, o), o >> 32)
    }
    /// [BrIfNez][a | target_rel<<32][gas_taken | gas_fall<<32]
    #[inline(always)]
    pub unsafe fn br_if_nez(s: &mut St, cx: *mut Cx) -> u32 {
        let o = w(s, 1);
        let g = w(s, 2);
        if get(s, o) as u32 != 0 {
            enter(s, cx, rel(s.ip, o >> 32), g & 0xffff_ffff)
        } else {
            enter(s, cx, s.ip.add(3), g >> 32)
        }
    }
    /// [BrIfLtUImm][a | imm<<32][target_rel][gas_taken | gas_fall<<32]
    #[inline(always)]
    pub unsafe fn br_if_lt_u_imm(s: &mut St, cx: *mut Cx) -> u32 {
        let o = w(s, 1);
        let g = w(s, 3);
        if (get(s, o) as u32) < (o >> 32) as u32 {
            enter(s, cx, rel(s.ip, w(s, 2)), g & 0xffff_ffff)
        } else {
            enter(s, cx, s.ip.add(4), g >> 32)
        }
    }
    /// [BrIfGeSImm][a | imm<<32][target_rel][gas_taken | gas_fall<<32]
    #[inline(always)]
    pub unsafe fn br_if_ge_s_imm(s: &mut St, cx: *mut Cx) -> u32 {
        let o = w(s, 1);
        let g = w(s, 3);
        if (get(s, o) as u32 as i32) >= (o >> 32) as u32 as i32 {
            enter(s, cx, rel(s.ip, w(s, 2)), g & 0xffff_ffff)
        } else {
            enter(s, cx, s.ip.add(4), g >> 32)
        }
    }
    /// [Call][func | window<<32][cont_gas]. Arguments are already in the window slots
    /// `window+2..`; the callee's frame starts at `fp + window + 2`.
    #[inline(always)]
    pub unsafe fn call(s: &mut St, cx: *mut Cx) -> u32 {
        let o = w(s, 1);
        let f = &*(*cx).funcs.add((o & 0xffff_ffff) as usize);
        let nfp = s.fp.add((o >> 32) as usize + 2);
        if nfp.add(f.frame) > (*cx).stack_end {
            return exit(s, cx, STACK_OVERFLOW);
        }
        if s.gas < f.entry_gas {
            return exit(s, cx, OUT_OF_GAS); // stopped before the call: callee unpaid
        }
        s.gas -= f.entry_gas;
        *nfp.sub(2) = s.ip.add(3) as u64;
        *nfp.sub(1) = s.fp as u64;
        s.fp = nfp;
        s.ip = f.code;
        0
    }
    /// [Return][src]: result to fp[0], back to the caller, charging the continuation
    /// block whose cost is the word before the return address.
    #[inline(always)]
    pub unsafe fn ret(s: &mut St, cx: *mut Cx) -> u32 {
        let o = w(s, 1);
        *s.fp = get(s, o);
        let rip = *s.fp.sub(2) as *const u64;
        s.fp = *s.fp.sub(1) as *mut u64;
        enter(s, cx, rip, *rip.sub(1))
    }
}

/// The op table: Name = body, operand words.
macro_rules! for_each_op {
    ($m:ident) => {
        $m! {
            Halt = halt, 0;
            ConsumeGas = consume_gas, 1;
            Const = konst, 1;
            Copy = copy, 1;
            Add = add, 1;
            Xor = xor, 1;
            And = and, 1;
            Or = or, 1;
            AddImm = add_imm, 1;
            XorImm = xor_imm, 1;
            ShlImm = shl_imm, 1;
            ShrUImm = shr_u_imm, 1;
            RotrImm = rotr_imm, 1;
            GtUImm = gt_u_imm, 1;
            Load32 = load32, 1;
            Load8U = load8u, 1;
            Store32 = store32, 1;
            Jump = jump, 1;
            BrIfNez = br_if_nez, 2;
            BrIfLtUImm = br_if_lt_u_imm, 3;
            BrIfGeSImm = br_if_ge_s_imm, 3;
            Call = call, 2;
            Return = ret, 1;
        }
    };
}

macro_rules! gen_opcode {
    ($($name:ident = $body:ident, $n:expr;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u16)]
        pub enum Op { $($name),* }
        impl Op {
            pub const ALL: &'static [Op] = &[$(Op::$name),*];
            pub fn operand_words(self) -> usize { match self { $(Op::$name => $n),* } }
        }
    };
}
for_each_op!(gen_opcode);

// ---------------------------------------------------------------------------------
// Backend T: direct-threaded tail calls. Six integer arguments = the six SysV/AAPCS
// argument registers; the return value is a u32 in rax.
pub type Handler =
    unsafe fn(ip: *const u64, fp: *mut u64, gas: u64, mem: *mut u8, memlen: usize, cx: *mut Cx) -> u32;

pub mod tail {
    use super::*;
    macro_rules! gen_tail {
        ($($name:ident = $body:ident, $n:expr;)*) => {
            $(
                #[inline(never)]
                pub unsafe fn $body(ip: *const u64, fp: *mut u64, gas: u64, mem: *mut u8, memlen: usize, cx: *mut Cx) -> u32 {
                    let mut s = St { ip, fp, gas, mem, memlen };
                    let r = body::$body(&mut s, cx);
                    if r != 0 {
                        return r;
                    }
                    let next: Handler = core::mem::transmute::<u64, Handler>(*s.ip);
                    next(s.ip, s.fp, s.gas, s.mem, s.memlen, cx)
                }
            )*
            pub fn handler(op: Op) -> Handler {
                match op { $(Op::$name => $body as Handler),* }
            }
        };
    }
    for_each_op!(gen_tail);

    pub unsafe fn run(s: St, cx: *mut Cx) -> u32 {
        let h: Handler = core::mem::transmute::<u64, Handler>(*s.ip);
        h(s.ip, s.fp, s.gas, s.mem, s.memlen, cx)
    }
}

// ---------------------------------------------------------------------------------
// Backend L: a loop calling handler function pointers; state in memory (`&mut St`).
pub type LHandler = unsafe fn(s: &mut St, cx: *mut Cx) -> u32;

pub mod fnloop {
    use super::*;
    macro_rules! gen_fnloop {
        ($($name:ident = $body:ident, $n:expr;)*) => {
            $(
                #[inline(never)]
                pub unsafe fn $body(s: &mut St, cx: *mut Cx) -> u32 {
                    body::$body(s, cx)
                }
            )*
            pub fn handler(op: Op) -> LHandler {
                match op { $(Op::$name => $body as LHandler),* }
            }
        };
    }
    for_each_op!(gen_fnloop);

    #[inline(never)]
    pub unsafe fn run(mut s: St, cx: *mut Cx) -> u32 {
        loop {
            let h: LHandler = core::mem::transmute::<u64, LHandler>(*s.ip);
            let r = h(&mut s, cx);
            if r != 0 {
                return r;
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Backend M: `loop { match }` on the opcode in the dispatch word, bodies inlined.
pub mod matchloop {
    use super::*;
    macro_rules! gen_match {
        ($($name:ident = $body:ident, $n:expr;)*) => {
            #[inline(never)]
            pub unsafe fn run<const COUNT: bool>(s0: St, cx: *mut Cx, count: &mut [u64; 32]) -> u32 {
                // A fresh local, not the by-reference argument: LLVM keeps stores to an
                // indirect argument (it cannot see the caller never reads it back).
                let mut s = St { ..s0 };
                
                #[allow(non_upper_case_globals)]
                mod c { $(pub const $name: u64 = super::Op::$name as u64;)* }
                loop {
                    if COUNT { count[*s.ip as usize] += 1; }
                    let r = match *s.ip {
                        $(c::$name => body::$body(&mut s, cx),)*
                        // SAFETY (spike): `link` writes only opcodes of `Op`.
                        _ => core::hint::unreachable_unchecked(),
                    };
                    if r != 0 {
                                                return r;
                    }
                }
            }
        };
    }
    for_each_op!(gen_match);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Tail,
    FnLoop,
    Match,
}

/// Rewrites every dispatch word for `mode` (`starts`: instruction starts, `ops`: opcodes).
pub fn link(code: &mut [u64], starts: &[(usize, Op)], mode: Mode) {
    for &(at, op) in starts {
        code[at] = match mode {
            Mode::Tail => tail::handler(op) as usize as u64,
            Mode::FnLoop => fnloop::handler(op) as usize as u64,
            Mode::Match => op as u64,
        };
    }
}

/// The backend chosen at build time (see build.rs).
pub const AUTO: Mode = if cfg!(spike_tail) { Mode::Tail } else { Mode::Match };
