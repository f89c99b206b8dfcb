//! Translation of one validated function body into internal bytecode, once, at load.
//!
//! The translator runs in lock step with wasmparser's function validator: every
//! operator is validated first, then emitted. It resolves branch targets to code
//! positions, computes the drop/keep of every branch from the validator's operand
//! heights, lays out straight-line gas segments (one `ConsumeGas` at each segment head,
//! SPEC.md §Gas) and records exception handler ranges. It never re-checks what
//! validation proved. Time and memory are linear in the body size: every operator is
//! visited once and every fixup is patched once.
//! Depends on validate (errors), gas (the schedule) and value.

pub(crate) mod checkpoint_map;
pub mod exn_map;
pub mod op;

use crate::error::Error;
use crate::gas;
use crate::validate::body::{BodyAllocs, OpVisit};
use crate::validate::ValidateError;
use checkpoint_map::{Alias, CheckpointMap};
use exn_map::{ExnMap, ExnMapBuilder};
use op::{Op, OpKind};
use wasmparser::{
    BlockType, FuncToValidate, FuncValidator, FunctionBody, Operator, ValidatorResources,
};

/// Type information the translator needs about the module being translated.
pub(crate) struct TranslateEnv<'a> {
    /// Parameter and result counts of every type in the type section.
    pub type_arity: &'a [(u32, u32)],
    /// Control nesting limit (Limits::max_control_depth).
    pub max_control_depth: u32,
    /// Whether a function type, global or table of the module holds an `exnref`.
    /// When not, a function holds one only once an `exnref` local, a `ref.null exn`
    /// or a `catch_ref` / `catch_all_ref` makes one, and its `exnref` mirror
    /// (`ExnMapBuilder`) starts there instead of at its first operator.
    pub exn_types: bool,
    /// Whether to emit `ConsumeGas` ops (Config::gas_metering).
    pub metering: bool,
    /// Whether to fuse instructions into one op (`Config::fusion`).
    pub fuse: bool,
    /// Whether to build each body's `CheckpointMap` (`Config::checkpoint_interval`
    /// above 0).
    pub checkpoints: bool,
    /// How many of the module's functions are imported (a call of a higher index is
    /// a `CallInternal`).
    pub num_imported_funcs: u32,
}

/// What kind of exception a handler catches (core §3.3.8 try_table).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CatchKind {
    /// `catch tag label`: pushes the payload.
    Tag,
    /// `catch_ref tag label`: pushes the payload and the exnref.
    TagRef,
    /// `catch_all label`: pushes nothing.
    All,
    /// `catch_all_ref label`: pushes the exnref.
    AllRef,
}

/// One catch clause of a `try_table`, covering code positions `start..end`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Handler {
    /// First covered code position.
    pub start: u32,
    /// One past the last covered code position.
    pub end: u32,
    /// Which exceptions match.
    pub kind: CatchKind,
    /// Tag index (module-local) for `Tag`/`TagRef`.
    pub tag: u32,
    /// Code position of the label; `u32::MAX` means return from the function. With
    /// metering, the op after the label's segment head, if it has one.
    pub target: u32,
    /// Operand height (slots above the locals) of the label.
    pub height: u32,
    /// With metering, the gas that landing at the label charges: that of its segment
    /// head, or of the rest of the segment it is inside (SPEC.md §Gas is unchanged);
    /// 0 without metering.
    pub gas: u32,
}

/// A translated function body.
#[derive(Clone, Debug)]
pub struct CompiledFunc {
    /// Number of parameters.
    pub num_params: u32,
    /// Number of results.
    pub num_results: u32,
    /// Parameters plus declared locals, in slots.
    pub num_locals: u32,
    /// Largest operand stack height, in slots.
    pub max_operands: u32,
    /// The function's maximum stack height in SPEC.md §Stack units:
    /// 1 (frame) + locals + max operand height + max label depth.
    pub stack_units: u64,
    /// For the threaded backend's fast call path: `num_locals + max_operands +
    /// ZERO_RUN`, the slots a call needs from the callee's frame pointer, when the
    /// non-parameter locals fit one `ZERO_RUN`-slot write; `u32::MAX` otherwise.
    #[cfg_attr(not(detwasm_tail), allow(dead_code))]
    pub(crate) fast_call_extent: u32,
    /// For the threaded backend's fast call path: the position of the op after the
    /// body's first segment head (1 with metering, 0 without) and that head's gas
    /// (0 without metering), which the call charges itself.
    #[cfg_attr(not(detwasm_tail), allow(dead_code))]
    pub(crate) entry: (u32, u32),
    /// The bytecode.
    pub code: Box<[Op]>,
    /// Per op (`side.len() == code.len()`): where its first wasm instruction is and
    /// the base gas of each wasm instruction it stands for.
    pub side: Box<[OpSide]>,
    /// For each fused op (one standing for more than one wasm instruction), by op
    /// position in increasing order: the byte offsets of its second and later wasm
    /// instructions, and which of its instructions is the main one (the only one
    /// that can trap: those before it push a local or a constant, or step a loop
    /// counter (`fuse_counter_branch`), the one after it is a `local.set`); empty (no
    /// allocation) for a body without fused ops.
    fused: Box<[FusedSide]>,
    /// What checkpoints need to name the stack machine's value stack at each wasm
    /// instruction; only with checkpoints on (`TranslateEnv::checkpoints`).
    pub(crate) checkpoint_map: Option<Box<CheckpointMap>>,
    /// Exception handlers, innermost first for any covered position.
    pub handlers: Box<[Handler]>,
    /// Where the frame holds `exnref` values, for the exception collection (SPEC.md
    /// §Exceptions); `None` when it never does.
    pub exn_map: Option<Box<ExnMap>>,
}

/// The rest of what a fused op stands for (see `CompiledFunc::fused`): 12 bytes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
struct FusedSide {
    pc: u32,
    /// Byte length of each part before the last: the distance in the module from
    /// part `i`'s offset to part `i + 1`'s (the parts are a contiguous run of short
    /// instructions, none longer than 21 bytes); 0 past the parts in use.
    gaps: [u8; MAX_PARTS - 1],
    main: u8,
}

/// What an op stands for beyond its semantics: 12 bytes an op.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct OpSide {
    /// Byte offset in the module of the first wasm instruction the op stands for.
    pub offset: u32,
    /// Base gas of each wasm instruction the op stands for, in order (up to
    /// `MAX_PARTS`, zero-padded; 0 for ops that stand for structural instructions or
    /// are data). Used for exact out-of-gas points inside fused ops.
    pub parts: [u8; MAX_PARTS],
}

impl OpSide {
    /// Base gas of the wasm instructions the op stands for: the sum of `parts`.
    pub fn cost(&self) -> u32 {
        self.parts.iter().map(|p| u32::from(*p)).sum()
    }
}

/// How many slots past a callee's locals a call may zero with one fixed-size write
/// (the value stack keeps that much slack past every frame's slots).
pub(crate) const ZERO_RUN: u32 = 8;

/// The most wasm instructions one op stands for (`OpSide::parts`): a contiguous
/// run, of which one is the main instruction (`CompiledFunc::main_part`).
pub const MAX_PARTS: usize = 8;

/// The slots of a local-to-local copy as `Op::Copy2` operands:
/// `(dst, src)`, or `None` when a slot is 65536 or more.
fn pack_copy(dst: u32, src: u32) -> Option<(u16, u16)> {
    Some((u16::try_from(dst).ok()?, u16::try_from(src).ok()?))
}

/// The parts of an op standing for one instruction of base cost `cost`.
fn one_part(cost: u32) -> [u8; MAX_PARTS] {
    let mut p = [0; MAX_PARTS];
    p[0] = small(cost);
    p
}

/// `CompiledFunc::fast_call_extent` of a body with these counts.
fn fast_call_extent(num_params: u32, num_locals: u32, max_operands: u32) -> u32 {
    if num_locals - num_params <= ZERO_RUN {
        num_locals
            .saturating_add(max_operands)
            .saturating_add(ZERO_RUN)
    } else {
        u32::MAX
    }
}

impl CompiledFunc {
    /// A body of one `unreachable` op standing for nothing (no parameters, locals or
    /// results).
    pub(crate) fn unreachable_body() -> CompiledFunc {
        CompiledFunc {
            num_params: 0,
            num_results: 0,
            num_locals: 0,
            max_operands: 0,
            stack_units: 0,
            fast_call_extent: fast_call_extent(0, 0, 0),
            entry: (0, 0),
            code: Box::new([Op::Unreachable]),
            side: Box::new([OpSide::default()]),
            fused: Box::new([]),
            checkpoint_map: None,
            handlers: Box::new([]),
            exn_map: None,
        }
    }

    /// Base gas of the wasm instructions op `pc` stands for; `None` past the end.
    pub fn cost(&self, pc: usize) -> Option<u32> {
        self.side.get(pc).map(OpSide::cost)
    }

    /// Base gas of each wasm instruction op `pc` stands for (zero-padded); `None`
    /// past the end.
    pub fn parts(&self, pc: usize) -> Option<[u8; MAX_PARTS]> {
        self.side.get(pc).map(|s| s.parts)
    }

    fn fused_side(&self, pc: usize) -> Option<&FusedSide> {
        let pc = u32::try_from(pc).ok()?;
        let i = self.fused.binary_search_by_key(&pc, |f| f.pc).ok()?;
        self.fused.get(i)
    }

    /// Byte offset in the module of wasm instruction `part` (0 to `MAX_PARTS` - 1)
    /// of op `pc`: 0 for a part the op does not have; `None` past the end or for a
    /// part of `MAX_PARTS` or more. O(log fused ops).
    pub fn offset(&self, pc: usize, part: usize) -> Option<u32> {
        let side = self.side.get(pc)?;
        match part {
            0 => Some(side.offset),
            1..MAX_PARTS if side.parts[part] == 0 => Some(0),
            1..MAX_PARTS => Some(self.fused_side(pc).map_or(0, |f| {
                let run: u32 = f.gaps[..part].iter().map(|g| u32::from(*g)).sum();
                side.offset + run
            })),
            _ => None,
        }
    }

    /// Base gas of the wasm instructions op `pc` stands for after its main one (a
    /// folded `local.set`): what a trap of the main one leaves unexecuted.
    pub fn gas_after_main(&self, pc: usize) -> u64 {
        let Some(side) = self.side.get(pc) else {
            return 0;
        };
        side.parts
            .iter()
            .skip(self.main_part(pc) + 1)
            .map(|p| u64::from(*p))
            .sum()
    }

    /// Which wasm instruction of op `pc` is its main one, the only one that can trap
    /// (0 for an op that stands for one instruction). O(log fused ops).
    pub fn main_part(&self, pc: usize) -> usize {
        self.fused_side(pc).map_or(0, |f| usize::from(f.main))
    }
}

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum CtrlKind {
    Func,
    Block,
    Loop,
    If,
    Else,
    TryTable,
}

#[derive(Copy, Clone, Debug)]
enum Fixup {
    Op(usize),
    Handler(usize),
}

struct Ctrl {
    kind: CtrlKind,
    /// Operand height at the label (below the block's parameters).
    height: u32,
    /// Values a branch to this label carries.
    label_arity: u32,
    /// For loops, the code position of the head.
    start: u32,
    fixups: Vec<Fixup>,
    else_fixup: Option<usize>,
    entry_reachable: bool,
    try_start: u32,
    pending_handlers: Vec<usize>,
}

/// What one emitted op stands for, while translating: 20 bytes.
#[derive(Copy, Clone)]
struct TSide {
    /// Byte offset of the first wasm instruction.
    offset: u32,
    /// Base gas of each wasm instruction, zero-padded.
    parts: [u8; MAX_PARTS],
    /// Byte distance from each part in use but the last to the next (as
    /// `FusedSide::gaps`); 0 past them, and for a distance outside 1..=255, which
    /// consecutive instructions never have and `fused_side` reports.
    gaps: [u8; MAX_PARTS - 1],
    /// Which part is the main instruction.
    main: u8,
}

impl TSide {
    /// Stands for one instruction of base gas `part` at byte `offset`.
    fn one(part: u8, offset: u32) -> TSide {
        let mut parts = [0; MAX_PARTS];
        parts[0] = part;
        TSide {
            offset,
            parts,
            gaps: [0; MAX_PARTS - 1],
            main: 0,
        }
    }

    /// Byte offset of part `k` (in use).
    fn offset_of(&self, k: usize) -> u32 {
        self.gaps[..k]
            .iter()
            .fold(self.offset, |o, g| o.wrapping_add(u32::from(*g)))
    }

    /// Makes part `k` (the first not in use) the instruction of base gas `part` at
    /// byte `offset`.
    fn set_part(&mut self, k: usize, part: u8, offset: u32) {
        if k == 0 {
            self.offset = offset;
        } else {
            self.gaps[k - 1] = gap(self.offset_of(k - 1), offset);
        }
        self.parts[k] = part;
    }

    /// Appends the `n` parts in use of `next` after this side's `k` parts in use.
    fn append(&mut self, k: usize, next: &TSide, n: usize) {
        if k == 0 {
            *self = TSide {
                main: self.main,
                ..*next
            };
            return;
        }
        self.gaps[k - 1] = gap(self.offset_of(k - 1), next.offset);
        self.parts[k..k + n].copy_from_slice(&next.parts[..n]);
        if n > 1 {
            self.gaps[k..k + n - 1].copy_from_slice(&next.gaps[..n - 1]);
        }
    }
}

/// The byte distance from `from` to `to` when it is 1 to 255, else 0.
fn gap(from: u32, to: u32) -> u8 {
    to.checked_sub(from)
        .and_then(|g| u8::try_from(g).ok())
        .unwrap_or(0)
}

/// Buffers one module's translation reuses from function to function, so that a
/// body's code and side tables grow in place of a fresh allocation per function (and
/// per block, for branch fixups); each function's results are copied out at their
/// exact length. Holds nothing between two functions (every buffer is cleared).
#[derive(Default)]
pub(crate) struct TranslateScratch {
    code: Vec<Op>,
    sides: Vec<TSide>,
    ctrl: Vec<Ctrl>,
    handlers: Vec<(u32, Handler)>,
    /// Cleared fixup lists of closed blocks, for the next blocks to reuse.
    fixup_pool: Vec<Vec<Fixup>>,
    refunds: Vec<(usize, u64)>,
    entries: Vec<(u32, u64)>,
    entry_gas: Vec<(u32, u32)>,
}

struct Translator<'e> {
    env: &'e TranslateEnv<'e>,
    /// Cleared fixup lists of closed blocks (`TranslateScratch::fixup_pool`).
    fixup_pool: Vec<Vec<Fixup>>,
    code: Vec<Op>,
    /// Per op: what it stands for (parts, their offsets, the main part).
    sides: Vec<TSide>,
    /// Per op, with checkpoints on and fusion off: the operand height before it.
    heights: Vec<u32>,
    /// With checkpoints and fusion on: the operands whose slot a folded `local.get`
    /// or `local.tee` left unwritten (`CheckpointMap`).
    aliases: Vec<Alias>,
    /// Offset of the operator being translated.
    cur_offset: u32,
    /// Operand height before the operator being translated.
    cur_h: u32,
    /// Parameters plus declared locals: the slot of the operand at height h is
    /// `nl + h`.
    nl: u32,
    /// No op before this position may be fused with a later one (a label, a handler
    /// range boundary or branch data lies between).
    barrier: usize,
    ctrl: Vec<Ctrl>,
    handlers: Vec<(u32, Handler)>,
    reachable: bool,
    seg_head: usize,
    /// Base gas of the current segment so far.
    seg_cost: u64,
    /// The `Refund` ops of the conditional branches inside the current segment, and
    /// `seg_cost` just after each branch (`emit_cond_branch`).
    refunds: Vec<(usize, u64)>,
    /// The labels inside the current segment (`label_in_segment`), and `seg_cost`
    /// at each.
    entries: Vec<(u32, u64)>,
    /// Every label inside a segment, by increasing position, and the gas from it to
    /// its segment's end: what a branch to it charges (`enter_past_heads`).
    entry_gas: Vec<(u32, u32)>,
    num_results: u32,
    max_labels: u32,
    /// The `exnref` mirror: made at the first operator (when the locals are known)
    /// when the function can hold an `exnref` from its start, else at the first
    /// operator that can make one (`track_exn`); `None` until then.
    exn: Option<ExnMapBuilder>,
    /// Whether the first operator has been seen (`nl` is set then).
    started: bool,
    /// Code position just after the call or `throw` op the current operator emitted.
    site_pc: Option<u32>,
}

/// The wasm operators of the profile that no op stands for: they only shape control
/// (labels, handler ranges, segments) and are lowered by `Translator::op` into
/// branches, segment heads and fixups. Every other operator of the profile is named by
/// a row of the op table (`op::for_each_op!`); a test checks both lists together.
#[cfg(test)]
pub(crate) const STRUCTURAL: &[&str] = &["Nop", "Block", "Loop", "Else", "End", "TryTable"];

/// The `FusedSide` of the op at `pc`, which stands for more than one instruction:
/// `Error::Internal` when two consecutive parts are not 1 to 255 bytes apart (they
/// are consecutive instructions of at most 21 bytes each).
fn fused_side(pc: usize, d: &TSide) -> Result<FusedSide, Error> {
    for i in 1..MAX_PARTS {
        if d.parts[i] == 0 {
            break;
        }
        if d.gaps[i - 1] == 0 {
            return Err(internal("the parts of a fused op are not consecutive"));
        }
    }
    Ok(FusedSide {
        pc: u32::try_from(pc).map_err(|_| internal("op position beyond 32 bits"))?,
        gaps: d.gaps,
        main: d.main,
    })
}

/// Whether `op` can push an `exnref` made from nothing of the module's types: `ref.null
/// exn` (or `noexn`), and a `try_table` with a `catch_ref` or `catch_all_ref` clause,
/// whose landing pushes the caught exception. Every other way to get one (a local, a
/// call, a global, a table) has an `exnref` in a type (`TranslateEnv::exn_types`).
#[inline]
fn makes_exnref(op: &Operator<'_>) -> bool {
    use wasmparser::{AbstractHeapType, Catch, HeapType};
    match op {
        Operator::RefNull { hty } => matches!(
            hty,
            HeapType::Abstract {
                ty: AbstractHeapType::Exn | AbstractHeapType::NoExn,
                ..
            }
        ),
        Operator::TryTable { try_table } => try_table
            .catches
            .iter()
            .any(|c| matches!(c, Catch::OneRef { .. } | Catch::AllRef { .. })),
        _ => false,
    }
}

/// A broken translator invariant (validation excluded it): `Error::Internal`, never a
/// validation error, so no one mistakes a detwasm bug for the module's fault.
fn internal(what: &'static str) -> Error {
    Error::Internal(what)
}

impl<'e> Translator<'e> {
    fn block_arity(&self, bt: BlockType) -> (u32, u32) {
        match bt {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(i) => self
                .env
                .type_arity
                .get(i as usize)
                .copied()
                .unwrap_or((0, 0)),
        }
    }

    fn pc(&self) -> u32 {
        self.code.len() as u32
    }

    /// The slot of the operand at height `h`.
    fn slot(&self, h: u32) -> u32 {
        self.nl + h
    }

    /// Appends `op` standing for one wasm instruction of base cost `cost`. Returns
    /// the op's position.
    fn emit(&mut self, op: Op, cost: u32) -> usize {
        self.seg_cost += u64::from(cost);
        self.push(op, one_part(cost))
    }

    /// Appends `op`, which pops every operand it reads (`Op::reads_mut`), standing for
    /// one wasm instruction of base cost `cost`; when fusing, the `local.get` or
    /// constant ops just before it that provide those operands are folded into it
    /// (one op standing for a contiguous run of wasm instructions). Returns the op's
    /// position.
    fn emit_folding(&mut self, mut op: Op, cost: u32) -> usize {
        self.seg_cost += u64::from(cost);
        // Providers folded, last first: (parts, offset).
        let mut folded: [(u8, u32); 2] = [(0, 0); 2];
        let mut nf = 0usize;
        // A `local.get` or a constant just before is folded (the loop below), and
        // a `local.get` or `local.tee` a few pure ops back (`fold_back`).
        if self.env.fuse {
            let nl = self.nl;
            // The slots the op reads, in order (`Op::reads_mut` lists them first).
            let mut slots = [0u32; 2];
            let mut nreads = 0usize;
            for v in op.reads_mut().into_iter().flatten() {
                slots[nreads] = *v;
                nreads += 1;
            }
            let mut new = slots;
            // The immediate form the folded constant gives the op (`imm_form`).
            let mut imm: Option<Op> = None;
            for i in (0..nreads).rev() {
                let n = self.code.len();
                if n <= self.barrier || self.sides[n - 1].parts[1] != 0 {
                    break;
                }
                let folds = match self.code[n - 1] {
                    Op::Copy { dst, src } if dst == slots[i] && dst >= nl => {
                        new[i] = src;
                        true
                    }
                    Op::Const { dst, value } if dst == slots[i] && i == 1 && nreads == 2 => {
                        imm = imm_form(op, value);
                        imm.is_some()
                    }
                    _ => false,
                };
                if !folds {
                    break;
                }
                // A `local.tee`'s copy back stands for nothing (`emit_local_tee`):
                // its operand is the local until this op pops it.
                if self.sides[n - 1].parts[0] != 0 {
                    folded[nf] = (self.sides[n - 1].parts[0], self.sides[n - 1].offset);
                    nf += 1;
                } else if let Op::Copy { dst, src } = self.code[n - 1] {
                    self.alias(dst, src, self.sides[n - 1].offset);
                }
                self.code.pop();
                self.sides.pop();
                if !self.heights.is_empty() {
                    self.heights.pop();
                }
            }
            for i in 0..nreads {
                if new[i] == slots[i] && slots[i] >= nl {
                    if let Some(src) = self.fold_back(slots[i]) {
                        new[i] = src;
                    }
                }
            }
            if let Some(o) = imm {
                // The immediate form reads `a` only, the first of the op's reads.
                op = o;
            }
            if new != slots || imm.is_some() {
                for (v, n) in op.reads_mut().into_iter().flatten().zip(new) {
                    *v = n;
                }
            }
        }
        // The folded providers (last first in `folded`), then the op's own part.
        let mut side = TSide::one(small(cost), self.cur_offset);
        if nf > 0 {
            let (first_part, first) = folded[nf - 1];
            side.offset = first;
            side.parts[0] = first_part;
            let mut prev = first;
            for k in 1..=nf {
                let (part, offset) = if k < nf {
                    folded[nf - 1 - k]
                } else {
                    (small(cost), self.cur_offset)
                };
                side.parts[k] = part;
                side.gaps[k - 1] = gap(prev, offset);
                prev = offset;
            }
            side.main = nf as u8;
        }
        self.push_side(op, side)
    }

    /// Folds a `local.get` that is not just before the op popping its operand (slot
    /// `t`): when one of the last `LOOKBACK` ops (after the barrier) is the `Copy`
    /// of a `local.get x` into `t` standing for that one instruction, and the ops
    /// after it each only write a `dst` other than `t` and `x` (pure ops of the
    /// operand stack above `t`) and none reads `t` (a `local.tee` of the operand in
    /// `t` reads it in place), the `Copy` is removed, its part becomes the first
    /// part of the op after it (which so stands for the `local.get` too, before its
    /// main instruction, and still a contiguous run), and `x` is returned for the
    /// popping op to read directly. A `local.tee x`'s copy back into `t`, which
    /// stands for no instruction, is folded the same way and only removed.
    fn fold_back(&mut self, t: u32) -> Option<u32> {
        const LOOKBACK: usize = 6;
        let n = self.code.len();
        let lo = self.barrier.max(n.saturating_sub(LOOKBACK + 1));
        // Most operands come from no `Copy` in reach: a plain scan says so before
        // the walk below looks at what each op reads and writes.
        if !self.code[lo..n]
            .iter()
            .any(|op| matches!(op, Op::Copy { dst, .. } if *dst == t))
        {
            return None;
        }
        // The `dst` of each op after the candidate.
        let mut written = [u32::MAX; LOOKBACK + 1];
        let mut m = n;
        while m > lo {
            m -= 1;
            let mut op = self.code[m];
            let side = self.sides[m];
            if let Op::Copy { dst, src } = op {
                if dst == t {
                    if m + 1 == n || side.parts[1] != 0 {
                        return None;
                    }
                    if written[..n - m - 1].contains(&src)
                        || self.exn.as_ref().is_some_and(|e| e.is_exn_local(src))
                    {
                        return None;
                    }
                    if side.parts[0] == 0 {
                        // A `local.tee`'s copy back, standing for nothing: only removed.
                        self.alias(t, src, side.offset);
                        self.code.remove(m);
                        self.sides.remove(m);
                        return Some(src);
                    }
                    let k = self.parts_used(m + 1);
                    let next = &self.sides[m + 1];
                    if k == 0 || k == MAX_PARTS {
                        return None;
                    }
                    let mut merged = TSide::one(side.parts[0], side.offset);
                    merged.append(1, next, k);
                    merged.main = next.main + 1;
                    self.sides[m + 1] = merged;
                    self.alias(t, src, side.offset);
                    self.code.remove(m);
                    self.sides.remove(m);
                    return Some(src);
                }
            }
            let simple = matches!(
                op.kind(),
                OpKind::Unop | OpKind::Binop | OpKind::BinImm | OpKind::Custom
            );
            // An op in between pops only slots above `t`, but a `local.tee` that
            // could not be folded into the op before it is a `Copy` reading the
            // operand in `t` in place: `t` must keep its value for it.
            if op.reads_mut().into_iter().flatten().any(|s| *s == t) {
                return None;
            }
            match op.dst_mut() {
                Some(d) if simple && *d != t => written[n - 1 - m] = *d,
                _ => return None,
            }
        }
        None
    }

    /// With checkpoints on, records that from just after the `local.get` or
    /// `local.tee` at byte offset `from` up to the current instruction, which pops
    /// it, the operand in slot `slot` is local `local` (`CheckpointMap`).
    fn alias(&mut self, slot: u32, local: u32, from: u32) {
        if self.env.checkpoints {
            self.aliases.push(Alias {
                slot,
                local,
                from,
                to: self.cur_offset,
            });
        }
    }

    /// Lowers `local.set x` of the operand in slot `t`: when fusing and the op just
    /// before wrote `t` as its one result, that op writes `x` instead and stands for
    /// the `local.set` too; else a `Copy`.
    fn emit_local_set(&mut self, x: u32, t: u32, cost: u32) {
        if !self.retarget_last(t, x, cost) {
            self.emit(Op::Copy { dst: x, src: t }, cost);
        }
        self.merge_copies();
    }

    /// When fusing, merges a `Copy` into a local just emitted (a `local.set`, or a
    /// `local.tee` folded into the `local.get` before it) with a `Copy` into a local
    /// just before it into one `Copy2` standing for both runs of instructions: when
    /// both are after the barrier, every slot is below 65536 (`pack_copy`) and the
    /// parts fit in `MAX_PARTS`. A copy into a local is final (only a copy into an
    /// operand slot is folded by the op that pops it), and neither copy can trap, so
    /// the main part stays the first one's. (A `Copy3` of six `u16` operands was
    /// measured: its handler needs more registers than the dispatch it saves.)
    fn merge_copies(&mut self) {
        let n = self.code.len();
        if !self.env.fuse || n < self.barrier + 2 {
            return;
        }
        let nl = self.nl;
        let last = match self.code[n - 1] {
            Op::Copy { dst, src } if dst < nl => pack_copy(dst, src),
            _ => None,
        };
        let Some((d, s)) = last else {
            return;
        };
        let merged = match self.code[n - 2] {
            Op::Copy { dst, src } if dst < nl => pack_copy(dst, src).map(|(d0, s0)| Op::Copy2 {
                d0,
                s0,
                d1: d,
                s1: s,
            }),
            _ => None,
        };
        if let Some(merged) = merged {
            self.merge_last_two(merged, false);
        }
    }

    /// Replaces the last two ops (both after the barrier, each standing for at least
    /// one instruction, together for at most `MAX_PARTS`) with `op`, standing for the
    /// first's parts and then the second's; its main part is the second's when
    /// `main_is_last`, else the first's. Returns false, changing nothing, when the
    /// parts do not fit.
    fn merge_last_two(&mut self, op: Op, main_is_last: bool) -> bool {
        let n = self.code.len();
        debug_assert!(n >= self.barrier + 2);
        let (k0, k1) = (self.parts_used(n - 2), self.parts_used(n - 1));
        if k0 == 0 || k1 == 0 || k0 + k1 > MAX_PARTS {
            return false;
        }
        let last = self.sides[n - 1];
        let side = &mut self.sides[n - 2];
        side.append(k0, &last, k1);
        if main_is_last {
            side.main = k0 as u8 + last.main;
        }
        self.code[n - 2] = op;
        self.code.pop();
        self.sides.pop();
        true
    }

    /// When fusing and the op just before (after the barrier) wrote slot `t` as its
    /// one result and stands for fewer than `MAX_PARTS` instructions, makes it write `x`
    /// instead and stand for one more instruction of cost `cost`, and returns true.
    /// Not an op that only the interpreter loop runs (`ref.func`, `table.size`): a
    /// checkpoint at the `local.set` runs the op's instructions on a copy of the frame
    /// (`exec::checkpoint::machine_stack`), which knows the shared arms only.
    fn retarget_last(&mut self, t: u32, x: u32, cost: u32) -> bool {
        let n = self.code.len();
        if !self.env.fuse
            || n <= self.barrier
            || matches!(self.code[n - 1], Op::RefFunc { .. } | Op::TableSize { .. })
        {
            return false;
        }
        let k = self.parts_used(n - 1);
        let last = self.code[n - 1];
        match self.code[n - 1].dst_mut().filter(|d| **d == t) {
            Some(dst) if k < MAX_PARTS => {
                *dst = x;
                if let (0, Op::Copy { src, .. }) = (k, last) {
                    // A `local.tee`'s copy back, which stood for nothing: its operand
                    // is the local until this instruction pops it.
                    self.alias(t, src, self.sides[n - 1].offset);
                }
                self.add_part(n - 1, cost);
                true
            }
            _ => false,
        }
    }

    /// How many wasm instructions op `at` stands for: every wasm instruction costs at
    /// least 1 gas, so the parts in use are the non-zero ones.
    fn parts_used(&self, at: usize) -> usize {
        self.sides[at].parts.iter().take_while(|p| **p != 0).count()
    }

    /// Makes op `at` stand for one more wasm instruction, the current one of cost
    /// `cost` (charged to the segment); returns that part's index. The caller checked
    /// that fewer than `MAX_PARTS` parts are in use.
    fn add_part(&mut self, at: usize, cost: u32) -> usize {
        let k = self.parts_used(at);
        self.seg_cost += u64::from(cost);
        let offset = self.cur_offset;
        self.sides[at].set_part(k, small(cost), offset);
        k
    }

    /// Lowers `local.tee x` of the operand in slot `t`: when fusing and the op just
    /// before wrote `t` as its one result, that op writes `x` instead and stands for
    /// the `local.tee` too, and a `Copy` from `x` back to `t` standing for no
    /// instruction follows, which the op that pops the operand folds away
    /// (`emit_folding`) when it comes next; else a `Copy` from `t` to `x`.
    fn emit_local_tee(&mut self, x: u32, t: u32, cost: u32) {
        // Not for an `exnref` local: the exception collection reads operand slots by
        // the exnref map, and the slot `t` a folded copy back never writes could
        // hold a stale value there.
        let exn_local = self.exn.as_ref().is_some_and(|e| e.is_exn_local(x));
        if !exn_local && self.retarget_last(t, x, cost) {
            self.merge_copies();
            self.push(Op::Copy { dst: t, src: x }, [0; MAX_PARTS]);
        } else {
            self.emit(Op::Copy { dst: x, src: t }, cost);
        }
    }

    /// Emits a conditional branch on slot `cond` (taken when it is non-zero, or zero
    /// when `negate`, as for `if`) that moves nothing, followed by its `Refund`. When
    /// fusing and the op just before is a compare (or `i32.eqz`) whose result is
    /// `cond`, the two become one compare-and-branch op standing for both (and the
    /// operands the compare folded). Returns the branch op's position.
    ///
    /// The code after it starts a new segment, or, when metering and fusing, goes on
    /// with the current one: its head then prepays the instructions after the branch
    /// too, and the branch, when taken, gives them back (the `Refund`, written when
    /// the segment closes). That saves a segment head on every fall-through; a head
    /// that cannot be paid whole still switches to step mode before its first
    /// instruction, so every out-of-gas point and gas figure stays that of SPEC.md
    /// §Gas. The fall-through is never a branch target (a label starts a new segment
    /// or is recorded inside this one, `label_in_segment`).
    fn emit_cond_branch(&mut self, target: u32, cond: u32, negate: bool, cost: u32) -> usize {
        let at = self.emit_branch_op(target, cond, negate, cost);
        let refund = self.push(Op::Refund { gas: 0, net: 0 }, [0; MAX_PARTS]);
        if self.env.metering && self.env.fuse {
            self.refunds.push((refund, self.seg_cost));
            self.barrier = self.code.len();
        } else {
            self.new_segment();
        }
        at
    }

    /// The branch op of `emit_cond_branch`, fused with a loop counter's step just
    /// before it when it can be (`fuse_counter_branch`).
    fn emit_branch_op(&mut self, target: u32, cond: u32, negate: bool, cost: u32) -> usize {
        let at = self.emit_compare_branch(target, cond, negate, cost);
        self.fuse_counter_branch()
            .or_else(|| self.fuse_sum_branch())
            .unwrap_or(at)
    }

    /// The branch op of `emit_branch_op`, fused with the compare before it when it
    /// can be.
    fn emit_compare_branch(&mut self, target: u32, cond: u32, negate: bool, cost: u32) -> usize {
        let n = self.code.len();
        if self.env.fuse && n > self.barrier && cond >= self.nl {
            if let Some(fused) = compare_branch(self.code[n - 1], cond, target, negate) {
                if self.parts_used(n - 1) < MAX_PARTS {
                    self.code[n - 1] = fused;
                    // The branch is the main instruction: nothing in the op traps,
                    // and an out-of-gas stop must come before it branches.
                    self.sides[n - 1].main = self.add_part(n - 1, cost) as u8;
                    return n - 1;
                }
            }
        }
        let op = if negate {
            Op::BrIfEqz { target, cond }
        } else {
            Op::BrIfNez { target, cond }
        };
        self.emit_folding(op, cost)
    }

    /// After `emit_compare_branch` put a conditional branch last: when the op just
    /// before it (after the barrier) is an `I32AddImm` writing its own operand slot
    /// `x` (a loop counter's step, `x = x + c`, with its `local.set` or `local.tee`
    /// folded), the two become one `BrIncIf...` op standing for the step's parts and
    /// then the branch's, the branch the main part. The step runs first, so a
    /// compare reading `x` sees the new value, as in the two ops. Only for `x` and
    /// compared slots below 65536 and a step that fits in 16 bits (any step for a
    /// branch on `x` itself being zero or not), and for parts that fit in
    /// `MAX_PARTS`. Nothing in the op traps: an out-of-gas stop inside it is before
    /// the branch, leaves it unexecuted and charges its paid parts (SPEC.md §Gas
    /// rule 1; its local's new value is seen only by the op, which runs whole when a
    /// suspended call resumes). Returns the fused op's position.
    fn fuse_counter_branch(&mut self) -> Option<usize> {
        let (n, step, branch) = self.last_two()?;
        let Op::I32AddImm { dst: x, a, imm: c } = step else {
            return None;
        };
        if x != a {
            return None;
        }
        let narrow = |s: u32| u16::try_from(s).ok();
        let add = i16::try_from(c as i32).ok();
        macro_rules! fuse {
            ($($br:ident / $imm:ident => $inc:ident / $inc_imm:ident),*) => {
                match branch {
                    Op::BrIfNez { target, cond } if cond == x => {
                        Op::BrIncIfNez { target, x, add: c }
                    }
                    Op::BrIfEqz { target, cond } if cond == x => {
                        Op::BrIncIfEqz { target, x, add: c }
                    }
                    $(
                        Op::$br { target, a: p, b: q } => Op::$inc {
                            target,
                            x: narrow(x)?,
                            add: add?,
                            p: narrow(p)?,
                            q: narrow(q)?,
                        },
                        Op::$imm { target, a: p, imm } if p == x => Op::$inc_imm {
                            target,
                            x: narrow(x)?,
                            add: add?,
                            imm,
                        },
                    )*
                    _ => return None,
                }
            };
        }
        let fused = fuse!(
            BrIfI32Eq / BrIfI32EqImm => BrIncIfI32Eq / BrIncIfI32EqImm,
            BrIfI32Ne / BrIfI32NeImm => BrIncIfI32Ne / BrIncIfI32NeImm,
            BrIfI32LtS / BrIfI32LtSImm => BrIncIfI32LtS / BrIncIfI32LtSImm,
            BrIfI32LtU / BrIfI32LtUImm => BrIncIfI32LtU / BrIncIfI32LtUImm,
            BrIfI32GtS / BrIfI32GtSImm => BrIncIfI32GtS / BrIncIfI32GtSImm,
            BrIfI32GtU / BrIfI32GtUImm => BrIncIfI32GtU / BrIncIfI32GtUImm,
            BrIfI32LeS / BrIfI32LeSImm => BrIncIfI32LeS / BrIncIfI32LeSImm,
            BrIfI32LeU / BrIfI32LeUImm => BrIncIfI32LeU / BrIncIfI32LeUImm,
            BrIfI32GeS / BrIfI32GeSImm => BrIncIfI32GeS / BrIncIfI32GeSImm,
            BrIfI32GeU / BrIfI32GeUImm => BrIncIfI32GeU / BrIncIfI32GeUImm
        );
        self.merge_last_two(fused, true).then_some(n - 2)
    }

    /// When fusing, folds the `i32.add` (of two operands or of a constant) just
    /// before a load of static offset 0 into it, when the add's result is the load's
    /// address operand and nothing else: the op just before (after the barrier) is an
    /// `I32Add` or `I32AddImm` writing the operand slot the load reads, standing for
    /// fewer than `MAX_PARTS` instructions. It becomes the fused load (`I32LoadAdd`, ...),
    /// which stands for the add's instructions and then the load, its main part, the
    /// only one that can trap (`OpSide::parts`). Returns its position, or `None` when
    /// nothing was fused (the caller then emits `load` as it is).
    fn emit_load(&mut self, load: Op, cost: u32) -> Option<usize> {
        let n = self.code.len();
        if !self.env.fuse || n <= self.barrier {
            return None;
        }
        macro_rules! fuse {
            ($($load:ident => $imm:ident / $add:ident $(/ $shl:ident)?),*) => {
                match (load, self.code[n - 1]) {
                    $(
                        (Op::$load { dst, addr, offset: 0 }, Op::I32AddImm { dst: t, a, imm })
                            if t == addr && t >= self.nl => Op::$imm { dst, a, imm },
                        (Op::$load { dst, addr, offset: 0 }, Op::I32Add { dst: t, a, b })
                            if t == addr && t >= self.nl => Op::$add { dst, a, b },
                        // The add already fused with the shift of one of its operands
                        // (`fuse_shifted_operand`): the scaled load (`emit_scaled_load`).
                        $(
                        (Op::$load { dst, addr, offset: 0 }, Op::I32AddShl { dst: t, a, x, sh })
                            if t == addr && t >= self.nl => Op::$shl { dst, x, sh, y: a },
                        )?
                    )*
                    _ => return None,
                }
            };
        }
        let fused = fuse!(
            I32Load => I32LoadAddImm / I32LoadAdd / I32LoadShlAdd,
            I64Load => I64LoadAddImm / I64LoadAdd / I64LoadShlAdd,
            F32Load => F32LoadAddImm / F32LoadAdd / F32LoadShlAdd,
            F64Load => F64LoadAddImm / F64LoadAdd / F64LoadShlAdd,
            I32Load8S => I32Load8SAddImm / I32Load8SAdd,
            I32Load8U => I32Load8UAddImm / I32Load8UAdd,
            I32Load16S => I32Load16SAddImm / I32Load16SAdd,
            I32Load16U => I32Load16UAddImm / I32Load16UAdd
        );
        // The add wrote an operand slot, so no `local.set` follows its main part.
        if !(1..MAX_PARTS).contains(&self.parts_used(n - 1)) {
            return None;
        }
        self.code[n - 1] = fused;
        self.sides[n - 1].main = self.add_part(n - 1, cost) as u8;
        Some(self.emit_scaled_load().unwrap_or(n - 1))
    }

    /// When fusing and the last two ops are both after the barrier: the code length
    /// and those two ops, for the peephole fusions of a pair (`fuse_mul_add`, ...).
    /// After `emit_folding` put an op last: the pair fusion its row takes part in as
    /// the second op, if any (one match on the last op, not a call per rule). Returns
    /// the fused op's position, or `None` when nothing fused.
    fn fuse_pair(&mut self) -> Option<usize> {
        let (_, _, last) = self.last_two()?;
        match last {
            Op::F64Store { .. } => self
                .fuse_store_address()
                .or_else(|| self.fuse_store_value()),
            Op::I32Store { .. }
            | Op::I64Store { .. }
            | Op::F32Store { .. }
            | Op::I32Store8 { .. }
            | Op::I32Store16 { .. }
            | Op::I64Store8 { .. }
            | Op::I64Store16 { .. }
            | Op::I64Store32 { .. }
            | Op::I32StoreImm { .. }
            | Op::I32Store8Imm { .. }
            | Op::I32Store16Imm { .. }
            | Op::I64StoreImm { .. }
            | Op::I64Store8Imm { .. }
            | Op::I64Store16Imm { .. }
            | Op::I64Store32Imm { .. } => self.fuse_store_address(),
            Op::I32Add { .. }
            | Op::I32Or { .. }
            | Op::I32Xor { .. }
            | Op::I64Add { .. }
            | Op::I64Or { .. }
            | Op::I64Xor { .. } => self.fuse_shifted_operand(),
            Op::F64Add { .. } => self.fuse_mul_add(),
            Op::I32AndImm { .. } | Op::I32ShrUImm { .. } => self.fuse_imm_pair(),
            _ => None,
        }
    }

    fn last_two(&self) -> Option<(usize, Op, Op)> {
        let n = self.code.len();
        (self.env.fuse && n >= self.barrier + 2).then(|| (n, self.code[n - 2], self.code[n - 1]))
    }

    /// After `emit_folding` put an `f64.store` last: when the op just before it (after
    /// the barrier) is the `f64.add`, `f64.sub` or `f64.mul` that computed its value
    /// into an operand slot, and the address and the binop's operands are slots
    /// below 65536, the two become one op (`F64AddStore`, `F64SubStore`,
    /// `F64MulStore`) standing for the binop's parts and then the store's; the store
    /// stays the main part (the only one that can trap). The binop's result is an
    /// operand slot the store popped, so nothing else reads it. Returns the fused
    /// op's position, or `None` when nothing fused.
    fn fuse_store_value(&mut self) -> Option<usize> {
        let n = self.code.len();
        if !self.env.fuse || n < self.barrier + 2 {
            return None;
        }
        let Op::F64Store { addr, val, offset } = self.code[n - 1] else {
            return None;
        };
        let narrow = |s: u32| u16::try_from(s).ok();
        let (at, t) = (narrow(addr)?, val);
        macro_rules! fuse {
            ($($bin:ident => $fused:ident),*) => {
                match self.code[n - 2] {
                    $(
                        Op::$bin { dst, a, b } if dst == t && t >= self.nl && t != addr => {
                            Op::$fused { at, x: narrow(a)?, y: narrow(b)?, offset }
                        }
                    )*
                    _ => return None,
                }
            };
        }
        let fused = fuse!(F64Add => F64AddStore, F64Sub => F64SubStore, F64Mul => F64MulStore);
        self.merge_last_two(fused, true).then_some(n - 2)
    }

    /// After `emit_folding` put an `f64.add` last: when the op just before it (after
    /// the barrier) is the `f64.mul` that computed one of its operands into an
    /// operand slot, and the mul's operands and the add's other operand are slots
    /// below 65536, the two become one `F64MulAdd` standing for the mul's parts and
    /// then the add's; the add is the main part (neither can trap). The sum is
    /// computed as the add computes it with the product on either side (IEEE 754
    /// addition is commutative, and a NaN result is canonical either way). The
    /// product is an operand slot the add popped, so nothing else reads it. Returns
    /// the fused op's position, or `None` when nothing fused.
    fn fuse_mul_add(&mut self) -> Option<usize> {
        let (n, Op::F64Mul { dst: t, a: x, b: y }, Op::F64Add { dst, a, b }) = self.last_two()?
        else {
            return None;
        };
        if t < self.nl || (a == t) == (b == t) {
            return None;
        }
        let z = if a == t { b } else { a };
        let narrow = |s: u32| u16::try_from(s).ok();
        let fused = Op::F64MulAdd {
            dst,
            x: narrow(x)?,
            y: narrow(y)?,
            z: narrow(z)?,
        };
        self.merge_last_two(fused, true).then_some(n - 2)
    }

    /// After `emit_compare_branch` put a compare-and-branch with a constant last:
    /// when the op just before it (after the barrier) is an `I32AddImm` that computed
    /// the compared value into an operand slot `t` from another slot `a` (a bounds
    /// test such as `if (p + 4 > n)`), the two become one `BrSumIf...Imm` op standing
    /// for the add's parts and then the branch's, the branch the main part (nothing
    /// traps). The compare popped `t`, so the op does not write it. Only for `a`
    /// below 65536 and a constant that fits in 16 bits. Returns the fused op's
    /// position.
    fn fuse_sum_branch(&mut self) -> Option<usize> {
        let (n, Op::I32AddImm { dst: t, a, imm: c }, branch) = self.last_two()? else {
            return None;
        };
        if t < self.nl || t == a {
            return None;
        }
        let s = u16::try_from(a).ok()?;
        let add = i16::try_from(c as i32).ok()?;
        macro_rules! fuse {
            ($($br:ident => $sum:ident),*) => {
                match branch {
                    $(Op::$br { target, a: p, imm } if p == t => Op::$sum { target, s, add, imm },)*
                    _ => return None,
                }
            };
        }
        let fused = fuse!(
            BrIfI32EqImm => BrSumIfI32EqImm,
            BrIfI32NeImm => BrSumIfI32NeImm,
            BrIfI32LtSImm => BrSumIfI32LtSImm,
            BrIfI32LtUImm => BrSumIfI32LtUImm,
            BrIfI32GtSImm => BrSumIfI32GtSImm,
            BrIfI32GtUImm => BrSumIfI32GtUImm,
            BrIfI32LeSImm => BrSumIfI32LeSImm,
            BrIfI32LeUImm => BrSumIfI32LeUImm,
            BrIfI32GeSImm => BrSumIfI32GeSImm,
            BrIfI32GeUImm => BrSumIfI32GeUImm
        );
        self.merge_last_two(fused, true).then_some(n - 2)
    }

    /// After `emit_folding` put an `i32` op with a constant operand last: when the op
    /// just before it (after the barrier) is another such op that computed its
    /// operand into an operand slot, the shift and the mask of a bit field (`i32.and`
    /// with a constant of an `i32.shr_u` by a constant: `I32ShrUAndImm`) or the mul
    /// and the shift of a multiplicative hash (`i32.shr_u` by a constant of an
    /// `i32.mul` by a constant: `I32MulShrUImm`) become one op, standing for the
    /// first's parts and then the second's, the main part (neither can trap); the
    /// shift count is the constant mod 32. The intermediate value is an operand slot
    /// the second op popped, so nothing else reads it. Only for a first operand
    /// below 65536. Returns the fused op's position, or `None` when nothing fused.
    fn fuse_imm_pair(&mut self) -> Option<usize> {
        let (n, first, second) = self.last_two()?;
        let narrow = |s: u32| u16::try_from(s).ok();
        let (t, a, fused) = match (first, second) {
            (Op::I32ShrUImm { dst: t, a: x, imm }, Op::I32AndImm { dst, a, imm: mask }) => {
                let sh = (imm & 31) as u16;
                let x = narrow(x)?;
                (t, a, Op::I32ShrUAndImm { dst, x, sh, mask })
            }
            (
                Op::I32MulImm {
                    dst: t,
                    a: x,
                    imm: mul,
                },
                Op::I32ShrUImm { dst, a, imm },
            ) => {
                let sh = (imm & 31) as u16;
                let x = narrow(x)?;
                (t, a, Op::I32MulShrUImm { dst, x, sh, mul })
            }
            _ => return None,
        };
        if t < self.nl || a != t {
            return None;
        }
        self.merge_last_two(fused, true).then_some(n - 2)
    }

    /// After `emit_folding` put an `i32.add`, `i32.or` or `i32.xor` (or the `i64`
    /// one) of two slots last: when the op just before it (after the barrier) is a
    /// shift left, shift right unsigned or rotation left of the same width by a
    /// constant (`I32ShlImm`, `I32ShrUImm`, `I32RotlImm`, ...) that wrote one of its
    /// operands into an operand slot, and the shift's operand `x` is a slot below
    /// 65536, the two become one op (`I32AddShl`, ..., `I64XorRotl`) standing for the
    /// shift's parts and then the binop's; the binop is the main part (neither can
    /// trap). The shift's result is an operand slot the binop popped, so nothing
    /// else reads it. Returns the fused op's position, or `None` when nothing fused.
    fn fuse_shifted_operand(&mut self) -> Option<usize> {
        let n = self.code.len();
        if !self.env.fuse || n < self.barrier + 2 {
            return None;
        }
        let nl = self.nl;
        macro_rules! fuse {
            ($($shift:ident & $mask:literal => $($bin:ident => $fused:ident),*;)*) => {
                match (self.code[n - 2], self.code[n - 1]) {
                    $($(
                        (Op::$shift { dst: t, a: x, imm }, Op::$bin { dst, a, b })
                            if t >= nl && (a == t) != (b == t) =>
                        {
                            let x = u16::try_from(x).ok()?;
                            let sh = (imm & $mask) as u16;
                            let a = if a == t { b } else { a };
                            Op::$fused { dst, a, x, sh }
                        }
                    )*)*
                    _ => return None,
                }
            };
        }
        let fused = fuse!(
            I32ShlImm & 31 => I32Add => I32AddShl, I32Or => I32OrShl, I32Xor => I32XorShl;
            I32ShrUImm & 31 => I32Add => I32AddShrU, I32Or => I32OrShrU, I32Xor => I32XorShrU;
            I32RotlImm & 31 => I32Add => I32AddRotl, I32Or => I32OrRotl, I32Xor => I32XorRotl;
            I64ShlImm & 63 => I64Add => I64AddShl, I64Or => I64OrShl, I64Xor => I64XorShl;
            I64ShrUImm & 63 => I64Add => I64AddShrU, I64Or => I64OrShrU, I64Xor => I64XorShrU;
            I64RotlImm & 63 => I64Add => I64AddRotl, I64Or => I64OrRotl, I64Xor => I64XorRotl;
        );
        self.merge_last_two(fused, true).then_some(n - 2)
    }

    /// After `emit_folding` put a store of static offset 0 last: when the op just
    /// before it (after the barrier) is the `i32.add` (or `i32.add` of a constant)
    /// that computed its address into an operand slot, the two become one op (the
    /// store's `...Add` or `...AddImm` row) standing for the add's parts and then the
    /// store's; the store stays the main part (the only one that can trap). The
    /// add's result is an operand slot the store popped, so nothing else reads it.
    /// Returns the fused op's position, or `None` when nothing fused.
    fn fuse_store_address(&mut self) -> Option<usize> {
        let n = self.code.len();
        if !self.env.fuse || n < self.barrier + 2 {
            return None;
        }
        let nl = self.nl;
        macro_rules! fuse {
            ($($st:ident => $imm:ident / $add:ident),* ; $($sti:ident => $immi:ident),*) => {
                match (self.code[n - 2], self.code[n - 1]) {
                    $(
                        (Op::I32AddImm { dst: t, a, imm }, Op::$st { addr, val, offset: 0 })
                            if t == addr && t >= nl && val != t => Op::$imm { a, imm, v: val },
                        (Op::I32Add { dst: t, a, b }, Op::$st { addr, val, offset: 0 })
                            if t == addr && t >= nl && val != t => Op::$add { a, b, v: val },
                    )*
                    $(
                        (Op::I32AddImm { dst: t, a, imm: add }, Op::$sti { addr, imm, offset: 0 })
                            if t == addr && t >= nl => Op::$immi { a, add, imm },
                    )*
                    _ => return None,
                }
            };
        }
        let fused = fuse!(
            I32Store => I32StoreAddImm / I32StoreAdd,
            I64Store => I64StoreAddImm / I64StoreAdd,
            F32Store => F32StoreAddImm / F32StoreAdd,
            F64Store => F64StoreAddImm / F64StoreAdd,
            I32Store8 => I32Store8AddImm / I32Store8Add,
            I32Store16 => I32Store16AddImm / I32Store16Add,
            I64Store8 => I64Store8AddImm / I64Store8Add,
            I64Store16 => I64Store16AddImm / I64Store16Add,
            I64Store32 => I64Store32AddImm / I64Store32Add;
            I32StoreImm => I32StoreImmAddImm,
            I32Store8Imm => I32Store8ImmAddImm,
            I32Store16Imm => I32Store16ImmAddImm,
            I64StoreImm => I64StoreImmAddImm,
            I64Store8Imm => I64Store8ImmAddImm,
            I64Store16Imm => I64Store16ImmAddImm,
            I64Store32Imm => I64Store32ImmAddImm
        );
        self.merge_last_two(fused, true).then_some(n - 2)
    }

    /// After `emit_load` fused a full-width load (`i32`, `i64`, `f32`, `f64`) with its
    /// address's `i32.add` of a constant into the last op: when the op before it
    /// (after the barrier) is an `I32ShlImm` writing the operand slot the add read,
    /// with its operand `x` a slot below 65536, the two become one
    /// `I32LoadShlAddImm` (and the same for the other three loads), standing for the
    /// shift's parts and then the load's; the load stays the main part. The shift's
    /// result is an operand slot the add popped, so nothing else reads it. Returns
    /// the fused op's position, or `None` when nothing fused. (An `i32.add` of two
    /// operands has already fused with the shift, `fuse_shifted_operand`, and
    /// `emit_load` makes the `I32LoadShlAdd` of that.)
    fn emit_scaled_load(&mut self) -> Option<usize> {
        let n = self.code.len();
        if n < self.barrier + 2 {
            return None;
        }
        let Op::I32ShlImm { dst: t, a, imm } = self.code[n - 2] else {
            return None;
        };
        let x = u16::try_from(a).ok().filter(|_| t >= self.nl)?;
        let sh = (imm & 31) as u16;
        macro_rules! fuse {
            ($($add_imm:ident => $shl_imm:ident),*) => {
                match self.code[n - 1] {
                    $(
                        Op::$add_imm { dst, a, imm } if a == t => Op::$shl_imm { dst, x, sh, imm },
                    )*
                    _ => return None,
                }
            };
        }
        let fused = fuse!(
            I32LoadAddImm => I32LoadShlAddImm,
            I64LoadAddImm => I64LoadShlAddImm,
            F32LoadAddImm => F32LoadShlAddImm,
            F64LoadAddImm => F64LoadShlAddImm
        );
        self.merge_last_two(fused, true).then_some(n - 2)
    }

    /// Emits the return at operand height `h` of a wasm instruction of cost `cost`
    /// (`return`, a branch to the function's label, or the body's `end` at cost 0).
    /// When fusing, a function of one result returns a `local.get` just before it
    /// straight from the local.
    fn emit_return(&mut self, h: u32, cost: u32) {
        let results = self.slot(h.saturating_sub(self.num_results));
        let n = self.code.len();
        if self.env.fuse
            && self.num_results == 1
            && n > self.barrier
            && self.sides[n - 1].parts[1] == 0
        {
            if let Op::Copy { dst, src } = self.code[n - 1] {
                if dst == results && dst >= self.nl {
                    self.seg_cost += u64::from(cost);
                    self.code[n - 1] = Op::Return { results: src };
                    // A `local.tee`'s copy back stands for nothing (no part 0): its
                    // operand is the local until the return.
                    let k = usize::from(self.sides[n - 1].parts[0] != 0);
                    if k == 0 {
                        self.alias(dst, src, self.sides[n - 1].offset);
                    }
                    if cost != 0 {
                        let offset = self.cur_offset;
                        self.sides[n - 1].set_part(k, small(cost), offset);
                        self.sides[n - 1].main = k as u8;
                    }
                    return;
                }
            }
        }
        self.emit(Op::Return { results }, cost);
    }

    fn push(&mut self, op: Op, parts: [u8; MAX_PARTS]) -> usize {
        self.push_side(
            op,
            TSide {
                offset: self.cur_offset,
                parts,
                gaps: [0; MAX_PARTS - 1],
                main: 0,
            },
        )
    }

    fn push_side(&mut self, op: Op, side: TSide) -> usize {
        self.code.push(op);
        self.sides.push(side);
        if self.env.checkpoints && !self.env.fuse {
            self.heights.push(self.cur_h);
        }
        self.code.len() - 1
    }

    /// Emits an op that is data or stands for no single instruction; nothing fuses
    /// across it.
    fn emit_plain(&mut self, op: Op, cost: u32) -> usize {
        self.seg_cost += u64::from(cost);
        let at = self.push(op, one_part(cost));
        self.barrier = self.code.len();
        at
    }

    /// Writes the current segment's gas into its head, and into each `Refund` of a
    /// conditional branch inside it the gas of the instructions after the branch.
    fn close_segment(&mut self) {
        if !self.env.metering {
            return;
        }
        let total = self.seg_cost;
        let cost = u32::try_from(total).unwrap_or(u32::MAX);
        self.code[self.seg_head] = Op::ConsumeGas { gas: cost };
        for (at, paid) in self.entries.drain(..) {
            let gas = u32::try_from(total - paid).unwrap_or(u32::MAX);
            self.entry_gas.push((at, gas));
        }
        for (at, paid) in self.refunds.drain(..) {
            self.code[at] = Op::Refund {
                gas: u32::try_from(total - paid).unwrap_or(u32::MAX),
                net: 0,
            };
        }
    }

    /// Once the body is complete: points every branch that charges the segment it
    /// enters (`Jump`, `BrTableJump`, a conditional branch that moves nothing, which
    /// is followed by a `Refund`, and an exception handler's landing) past the
    /// segment head at its target, and writes the gas it charges into it (a `Jump`'s
    /// or `BrTableJump`'s `gas`; a `Refund`'s `net`, that gas less the refund; a
    /// handler's `gas`): the head's gas, or for a label inside a segment
    /// (`label_in_segment`) the gas of the rest of that segment. So a taken branch
    /// dispatches no head (ARCHITECTURE.md, "Architecture invariants"). Without
    /// metering there are no heads: targets stay and the gas is 0. Linear in the
    /// body's length, plus a binary search per branch to a label inside a segment.
    ///
    /// # Errors
    /// `Error::Internal` when, with metering, a branch targets neither a segment head
    /// nor a label inside a segment, or one that moves values (`Br`, `BrIfNezMove`,
    /// `BrTableEntry`) targets anything but a head.
    fn enter_past_heads(&mut self) -> Result<(), Error> {
        for i in 0..self.code.len() {
            match self.code[i] {
                Op::Jump { target, .. } => {
                    let (target, gas) = self.past_head(target)?;
                    self.code[i] = Op::Jump {
                        target,
                        gas: u64::from(gas),
                    };
                }
                Op::BrTableJump { target, .. } => {
                    let (target, gas) = self.past_head(target)?;
                    self.code[i] = Op::BrTableJump {
                        target,
                        gas: u64::from(gas),
                    };
                }
                Op::Refund { gas: refund, .. } => {
                    let branch = i
                        .checked_sub(1)
                        .and_then(|b| self.code[b].target_mut().copied())
                        .ok_or_else(|| internal("a Refund after an op without a target"))?;
                    let (target, gas) = self.past_head(branch)?;
                    if let Some(t) = self.code[i - 1].target_mut() {
                        *t = target;
                    }
                    let net = i64::from(gas) - i64::from(refund);
                    self.code[i] = Op::Refund { gas: refund, net };
                }
                Op::Br { target }
                | Op::BrIfNezMove { target, .. }
                | Op::BrTableEntry { target, .. } => {
                    let head = self.code.get(target as usize);
                    if self.env.metering
                        && target != u32::MAX
                        && !matches!(head, Some(Op::ConsumeGas { .. }))
                    {
                        return Err(internal("a branch that moves values to no segment head"));
                    }
                }
                _ => {}
            }
        }
        for k in 0..self.handlers.len() {
            let target = self.handlers[k].1.target;
            if target != u32::MAX {
                let (target, gas) = self.past_head(target)?;
                self.handlers[k].1.target = target;
                self.handlers[k].1.gas = gas;
            }
        }
        Ok(())
    }

    /// Where a branch to `target` lands and the gas it charges there: past the
    /// segment head at `target` and its gas, or `target` itself and the rest of the
    /// segment when it is a label inside one; `target` and 0 without metering.
    fn past_head(&self, target: u32) -> Result<(u32, u32), Error> {
        if !self.env.metering {
            return Ok((target, 0));
        }
        if let Some(Op::ConsumeGas { gas }) = self.code.get(target as usize) {
            return Ok((target + 1, *gas));
        }
        match self.entry_gas.binary_search_by_key(&target, |e| e.0) {
            Ok(k) => Ok((target, self.entry_gas[k].1)),
            Err(_) => Err(internal("a branch target that is not a segment head")),
        }
    }

    /// Whether the branch `fixup` names charges the segment it enters, so that its
    /// label may be inside a segment (`enter_past_heads`).
    fn enters_past_heads(&self, fixup: Fixup) -> bool {
        match fixup {
            Fixup::Op(i) => {
                matches!(self.code[i], Op::Jump { .. } | Op::BrTableJump { .. })
                    || matches!(self.code.get(i + 1), Some(Op::Refund { .. }))
            }
            Fixup::Handler(_) => true,
        }
    }

    /// A label reached by falling through, with metering and fusion, that only
    /// branches charging the segment they enter target: the current segment goes on
    /// past it (its head prepays the code after the label too), and the label is
    /// recorded with the segment's gas so far, from which `close_segment` computes
    /// what a branch to it charges. Nothing fuses across it. Returns its position.
    fn label_in_segment(&mut self) -> u32 {
        let pc = self.pc();
        self.barrier = self.code.len();
        self.entries.push((pc, self.seg_cost));
        pc
    }

    /// Starts a new straight-line segment here and returns its head position, a valid
    /// branch target. An empty current segment is reused.
    fn new_segment(&mut self) -> u32 {
        self.barrier = self.code.len();
        if !self.env.metering {
            return self.pc();
        }
        if self.code.len() == self.seg_head + 1 {
            return self.seg_head as u32;
        }
        self.close_segment();
        self.seg_head = self.code.len();
        self.seg_cost = 0;
        self.push(Op::ConsumeGas { gas: 0 }, [0; MAX_PARTS]);
        self.barrier = self.code.len();
        self.seg_head as u32
    }

    /// Sets the target of a recorded fixup: a branch op's `target` (the op table's
    /// `Op::target_mut`) or a handler's label.
    ///
    /// # Errors
    /// `Error::Internal` when the fixup names an op without a target.
    fn patch(&mut self, fixup: Fixup, target: u32) -> Result<(), Error> {
        match fixup {
            Fixup::Op(i) => {
                let t = self
                    .code
                    .get_mut(i)
                    .and_then(Op::target_mut)
                    .ok_or_else(|| internal("fixup of an op without a branch target"))?;
                *t = target;
            }
            Fixup::Handler(i) => self.handlers[i].1.target = target,
        }
        Ok(())
    }

    /// Resolves a branch of relative depth `depth` taken at operand height `h`.
    /// Returns `None` for a branch to the function's own label (a return), else the
    /// target (0 when it needs a fixup), drop, keep and the control index.
    fn branch(&self, depth: u32, h: u32) -> Option<(u32, u32, u32, usize)> {
        let idx = self.ctrl.len().checked_sub(1 + depth as usize)?;
        if idx == 0 {
            return None;
        }
        let c = &self.ctrl[idx];
        let keep = c.label_arity;
        let drop = h.saturating_sub(c.height).saturating_sub(keep);
        let target = if c.kind == CtrlKind::Loop { c.start } else { 0 };
        Some((target, drop, keep, idx))
    }

    fn add_fixup(&mut self, idx: usize, fixup: Fixup) {
        if self.ctrl[idx].kind != CtrlKind::Loop {
            self.ctrl[idx].fixups.push(fixup);
        }
    }

    /// Emits the `Moves` data op of a branch at operand height `h` carrying `keep`
    /// values over `drop` others.
    fn emit_moves(&mut self, h: u32, drop: u32, keep: u32) {
        let from = self.slot(h - keep);
        self.emit_plain(
            Op::Moves {
                to: from - drop,
                from,
                n: keep,
            },
            0,
        );
    }

    fn emit_br(&mut self, depth: u32, h: u32, cost: u32) {
        match self.branch(depth, h) {
            None => self.emit_return(h, cost),
            Some((target, drop, keep, idx)) => {
                let at = if drop == 0 || keep == 0 {
                    self.emit_plain(Op::Jump { target, gas: 0 }, cost)
                } else {
                    let at = self.emit_plain(Op::Br { target }, cost);
                    self.emit_moves(h, drop, keep);
                    at
                };
                self.add_fixup(idx, Fixup::Op(at));
            }
        }
    }

    fn push_ctrl(&mut self, kind: CtrlKind, height: u32, label_arity: u32, start: u32) {
        self.barrier = self.code.len();
        self.ctrl.push(Ctrl {
            kind,
            height,
            label_arity,
            start,
            fixups: self.fixup_pool.pop().unwrap_or_default(),
            else_fixup: None,
            entry_reachable: self.reachable,
            try_start: self.pc(),
            pending_handlers: Vec::new(),
        });
        self.max_labels = self.max_labels.max(self.ctrl.len() as u32);
    }

    /// Keeps the `exnref` mirror in step with the validator after `op` (operand height
    /// `h` before it, innermost control frame at `ctrl_height` before it), and records
    /// the call or `throw` site `op` emitted, if any.
    #[inline(always)]
    fn track_exn(
        &mut self,
        op: &Operator<'_>,
        h: u32,
        ctrl_height: u32,
        v: &FuncValidator<ValidatorResources>,
    ) -> Result<(), Error> {
        use Operator as O;
        let arity = |ti: Option<u32>| {
            ti.and_then(|t| self.env.type_arity.get(t as usize))
                .copied()
                .unwrap_or((0, 0))
        };
        let func_type = |f: u32| {
            use wasmparser::WasmModuleResources;
            v.resources().type_index_of_function(f)
        };
        if self.exn.is_none() {
            // No `exnref` local and no module type with one: until an operator makes
            // an `exnref`, none is on the operand stack and there is nothing to mirror.
            if !makes_exnref(op) {
                #[cfg(test)]
                if !ExnMapBuilder::none_on_stack(v) {
                    return Err(internal("an exnref before the exnref mirror started"));
                }
                return Ok(());
            }
            // The validator has applied the operator: the mirror starts from its whole
            // stack.
            let mut exn = ExnMapBuilder::new(v);
            exn.sync(v, u32::MAX);
            self.exn = Some(exn);
        }
        // Operands the frame keeps below a call's arguments; results it pushes.
        let (keep, pushed) = match op {
            O::Call { function_index } => {
                let (p, r) = arity(func_type(*function_index));
                (h.saturating_sub(p), r)
            }
            O::CallIndirect { type_index, .. } => {
                let (p, r) = arity(Some(*type_index));
                (h.saturating_sub(p + 1), r)
            }
            O::Throw { .. } => (h, 0),
            O::Block { .. } | O::Loop { .. } | O::If { .. } | O::TryTable { .. } => {
                let inner = self.ctrl.last().map_or(0, |c| c.height);
                (0, v.operand_stack_height().saturating_sub(inner))
            }
            O::Else | O::End => (0, v.operand_stack_height().saturating_sub(ctrl_height)),
            O::BrIf { relative_depth } => {
                let idx = self.ctrl.len().checked_sub(1 + *relative_depth as usize);
                (0, idx.map_or(0, |i| self.ctrl[i].label_arity))
            }
            O::Br { .. }
            | O::BrTable { .. }
            | O::Return
            | O::Unreachable
            | O::ThrowRef
            | O::ReturnCall { .. }
            | O::ReturnCallIndirect { .. } => (0, 0),
            // The operators that can push one reference of any type; every other
            // operator pushes at most one value that is not an exnref.
            O::LocalGet { local_index } | O::LocalTee { local_index } => {
                let exn_local = self
                    .exn
                    .as_ref()
                    .is_some_and(|e| e.is_exn_local(*local_index));
                (0, if exn_local { 1 } else { u32::MAX })
            }
            O::GlobalGet { .. }
            | O::TableGet { .. }
            | O::RefNull { .. }
            | O::Select
            | O::TypedSelect { .. } => (0, 1),
            _ => (0, u32::MAX),
        };
        let Some(exn) = self.exn.as_mut() else {
            return Err(internal("exnref mirror missing"));
        };
        if let Some(pc) = self.site_pc {
            exn.site(pc, keep);
        }
        if pushed == u32::MAX {
            exn.sync_plain(v);
        } else {
            exn.sync(v, pushed);
        }
        #[cfg(test)]
        if !exn.agrees(v) {
            return Err(internal("exnref mirror disagrees with the validator"));
        }
        Ok(())
    }

    /// At the first operator, when the locals are known: `nl`, and the `exnref`
    /// mirror when the function can hold an `exnref` from its start.
    #[cold]
    fn start(&mut self, v: &FuncValidator<ValidatorResources>) {
        self.started = true;
        self.nl = v.len_locals();
        let exn = ExnMapBuilder::new(v);
        if self.env.exn_types || exn.has_locals() {
            self.exn = Some(exn);
        }
    }

    /// Translates one operator that validation has just accepted. `h` is the operand
    /// height before the operator.
    #[inline(always)]
    fn op(
        &mut self,
        op: &Operator<'_>,
        h: u32,
        v: &FuncValidator<ValidatorResources>,
    ) -> Result<(), Error> {
        use Operator as O;
        let cost = gas::base_cost(op);
        // Control structure is tracked in unreachable code too.
        match op {
            O::Block { blockty } => {
                let (p, r) = self.block_arity(*blockty);
                self.push_ctrl(CtrlKind::Block, h.saturating_sub(p), r, 0);
                return Ok(());
            }
            O::Loop { blockty } => {
                let (p, _) = self.block_arity(*blockty);
                // A loop without parameters is branched to only by branches that
                // charge the segment they enter (`enter_past_heads`), so when it is
                // entered by falling through the segment goes on into it.
                let start = if !self.reachable {
                    0
                } else if p == 0 && self.env.metering && self.env.fuse {
                    self.label_in_segment()
                } else {
                    self.new_segment()
                };
                self.push_ctrl(CtrlKind::Loop, h.saturating_sub(p), p, start);
                return Ok(());
            }
            O::If { blockty } => {
                let (p, r) = self.block_arity(*blockty);
                let mut else_fixup = None;
                if self.reachable {
                    let cond = self.slot(h.saturating_sub(1));
                    else_fixup = Some(self.emit_cond_branch(0, cond, true, cost));
                }
                self.push_ctrl(CtrlKind::If, h.saturating_sub(1 + p), r, 0);
                if let Some(c) = self.ctrl.last_mut() {
                    c.else_fixup = else_fixup;
                }
                return Ok(());
            }
            O::TryTable { try_table } => {
                let (p, r) = self.block_arity(try_table.ty);
                let mut pending = Vec::new();
                if self.reachable {
                    for catch in &try_table.catches {
                        let (kind, tag, label) = match *catch {
                            wasmparser::Catch::One { tag, label } => (CatchKind::Tag, tag, label),
                            wasmparser::Catch::OneRef { tag, label } => {
                                (CatchKind::TagRef, tag, label)
                            }
                            wasmparser::Catch::All { label } => (CatchKind::All, 0, label),
                            wasmparser::Catch::AllRef { label } => (CatchKind::AllRef, 0, label),
                        };
                        let (target, height, idx) = match self.branch(label, h) {
                            None => (u32::MAX, 0, None),
                            Some((t, _, _, idx)) => (t, self.ctrl[idx].height, Some(idx)),
                        };
                        let hi = self.handlers.len();
                        let depth = self.ctrl.len() as u32;
                        self.handlers.push((
                            depth,
                            Handler {
                                start: 0,
                                end: 0,
                                kind,
                                tag,
                                target,
                                height,
                                gas: 0,
                            },
                        ));
                        if let Some(idx) = idx {
                            self.add_fixup(idx, Fixup::Handler(hi));
                        }
                        pending.push(hi);
                    }
                }
                self.push_ctrl(CtrlKind::TryTable, h.saturating_sub(p), r, 0);
                if let Some(c) = self.ctrl.last_mut() {
                    c.pending_handlers = pending;
                }
                return Ok(());
            }
            O::Else => {
                if self.reachable {
                    let at = self.emit_plain(Op::Jump { target: 0, gas: 0 }, cost);
                    if let Some(c) = self.ctrl.last_mut() {
                        c.fixups.push(Fixup::Op(at));
                    }
                }
                let (entry, else_fixup) = match self.ctrl.last() {
                    Some(c) => (c.entry_reachable, c.else_fixup),
                    None => return Err(internal("else without if")),
                };
                if entry {
                    let pc = self.new_segment();
                    if let Some(i) = else_fixup {
                        self.patch(Fixup::Op(i), pc)?;
                    }
                }
                if let Some(c) = self.ctrl.last_mut() {
                    c.else_fixup = None;
                    c.kind = CtrlKind::Else;
                }
                self.reachable = entry;
                return Ok(());
            }
            O::End => {
                let Some(c) = self.ctrl.pop() else {
                    return Err(internal("end without block"));
                };
                if c.kind == CtrlKind::Func {
                    if self.reachable {
                        self.emit_return(h, cost);
                    }
                    return Ok(());
                }
                let end_of_body = self.pc();
                self.barrier = self.code.len();
                let reachable_after = self.reachable
                    || !c.fixups.is_empty()
                    || (c.kind == CtrlKind::If && c.entry_reachable);
                // A label no branch targets is reached only by falling through:
                // the segment goes on past its `end`.
                let targeted = !c.fixups.is_empty() || c.else_fixup.is_some();
                if targeted || (reachable_after && !self.reachable) {
                    // Reached by falling through too, and only by branches that charge
                    // the segment they enter: the segment goes on past it.
                    let pc = if self.reachable
                        && self.env.metering
                        && self.env.fuse
                        && c.fixups.iter().all(|f| self.enters_past_heads(*f))
                    {
                        self.label_in_segment()
                    } else {
                        self.new_segment()
                    };
                    for f in &c.fixups {
                        self.patch(*f, pc)?;
                    }
                    if let Some(i) = c.else_fixup {
                        self.patch(Fixup::Op(i), pc)?;
                    }
                }
                for hi in c.pending_handlers {
                    self.handlers[hi].1.start = c.try_start;
                    self.handlers[hi].1.end = end_of_body;
                }
                let mut fixups = c.fixups;
                fixups.clear();
                self.fixup_pool.push(fixups);
                self.reachable = reachable_after;
                return Ok(());
            }
            _ => {}
        }
        if !self.reachable {
            return Ok(());
        }
        let mem = |m: &wasmparser::MemArg| u32::try_from(m.offset).unwrap_or(u32::MAX);
        // Slots of the operands at heights h - 1, h - 2, h - 3 and of a pushed result.
        let top = self.slot(h.saturating_sub(1));
        let second = self.slot(h.saturating_sub(2));
        let third = self.slot(h.saturating_sub(3));
        let push = self.slot(h);
        let func_params = |f: u32| {
            use wasmparser::WasmModuleResources;
            v.resources()
                .type_index_of_function(f)
                .and_then(|t| self.env.type_arity.get(t as usize))
                .map_or(0, |a| a.0)
        };
        match op {
            O::Nop => {
                // Nothing fuses across a `nop`: the parts of an op stay consecutive
                // instructions, a byte gap apart each (`FusedSide::gaps`).
                self.barrier = self.code.len();
                return Ok(());
            }
            O::Unreachable => {
                self.emit(Op::Unreachable, cost);
                self.reachable = false;
                return Ok(());
            }
            O::Br { relative_depth } => {
                self.emit_br(*relative_depth, h, cost);
                self.reachable = false;
                return Ok(());
            }
            O::BrIf { relative_depth } => {
                let h = h.saturating_sub(1);
                match self.branch(*relative_depth, h) {
                    None => {
                        let results = self.slot(h.saturating_sub(self.num_results));
                        self.emit_folding(Op::ReturnIfNez { cond: top, results }, cost);
                        self.new_segment();
                    }
                    Some((target, drop, keep, idx)) => {
                        // `emit_cond_branch` starts or continues the segment after it.
                        let at = if drop == 0 || keep == 0 {
                            self.emit_cond_branch(target, top, false, cost)
                        } else {
                            let at = self.emit_plain(Op::BrIfNezMove { target, cond: top }, cost);
                            self.emit_moves(h, drop, keep);
                            self.new_segment();
                            at
                        };
                        self.add_fixup(idx, Fixup::Op(at));
                    }
                }
                return Ok(());
            }
            O::BrTable { targets } => {
                let h = h.saturating_sub(1);
                self.emit_folding(
                    Op::BrTable {
                        len: targets.len(),
                        sel: top,
                        top,
                    },
                    cost,
                );
                self.barrier = self.code.len();
                let mut all = Vec::new();
                for t in targets.targets() {
                    all.push(t.map_err(|e| ValidateError::from_wasmparser(&e))?);
                }
                all.push(targets.default());
                for depth in all {
                    let at = self.code.len();
                    match self.branch(depth, h) {
                        None => {
                            self.emit_plain(
                                Op::BrTableEntry {
                                    target: u32::MAX,
                                    to: 0,
                                    keep: self.num_results,
                                },
                                0,
                            );
                        }
                        Some((target, _, 0, idx)) => {
                            self.emit_plain(Op::BrTableJump { target, gas: 0 }, 0);
                            self.add_fixup(idx, Fixup::Op(at));
                        }
                        Some((target, drop, keep, idx)) => {
                            let to = self.slot(h - keep - drop);
                            self.emit_plain(Op::BrTableEntry { target, to, keep }, 0);
                            self.add_fixup(idx, Fixup::Op(at));
                        }
                    }
                }
                self.reachable = false;
                return Ok(());
            }
            O::Return => {
                self.emit_return(h, cost);
                self.reachable = false;
                return Ok(());
            }
            O::ReturnCall { function_index } => {
                let base = self.slot(h.saturating_sub(func_params(*function_index)));
                let func = *function_index;
                self.emit(Op::ReturnCall { func, base }, cost);
                self.reachable = false;
                return Ok(());
            }
            O::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                self.emit_folding(
                    Op::ReturnCallIndirect {
                        type_idx: *type_index,
                        table: *table_index,
                        index: top,
                    },
                    cost,
                );
                self.reachable = false;
                return Ok(());
            }
            O::Throw { tag_index } => {
                use wasmparser::WasmModuleResources;
                let n = v
                    .resources()
                    .tag_at(*tag_index)
                    .map_or(0, |t| t.params().len() as u32);
                let base = self.slot(h.saturating_sub(n));
                let at = self.emit(
                    Op::Throw {
                        tag: *tag_index,
                        base,
                    },
                    cost,
                );
                self.site_pc = Some(at as u32 + 1);
                self.reachable = false;
                return Ok(());
            }
            O::ThrowRef => {
                self.emit_folding(Op::ThrowRef { src: top }, cost);
                self.reachable = false;
                return Ok(());
            }
            O::LocalGet { local_index } => {
                self.emit(
                    Op::Copy {
                        dst: push,
                        src: *local_index,
                    },
                    cost,
                );
                return Ok(());
            }
            O::LocalSet { local_index } => {
                self.emit_local_set(*local_index, top, cost);
                return Ok(());
            }
            O::LocalTee { local_index } => {
                self.emit_local_tee(*local_index, top, cost);
                return Ok(());
            }
            O::I32Const { value } => {
                let value = u64::from(*value as u32);
                self.emit(Op::Const { dst: push, value }, cost);
                return Ok(());
            }
            O::I64Const { value } => {
                let value = *value as u64;
                self.emit(Op::Const { dst: push, value }, cost);
                return Ok(());
            }
            O::F32Const { value } => {
                let value = u64::from(value.bits());
                self.emit(Op::Const { dst: push, value }, cost);
                return Ok(());
            }
            O::F64Const { value } => {
                let value = value.bits();
                self.emit(Op::Const { dst: push, value }, cost);
                return Ok(());
            }
            O::RefNull { .. } => {
                self.emit(
                    Op::Const {
                        dst: push,
                        value: 0,
                    },
                    cost,
                );
                return Ok(());
            }
            _ => {}
        }
        let (o, folding) = match op {
            O::Call { function_index } => {
                let (func, base) = (
                    *function_index,
                    self.slot(h.saturating_sub(func_params(*function_index))),
                );
                let call = if func >= self.env.num_imported_funcs {
                    Op::CallInternal { func, base }
                } else {
                    Op::Call { func, base }
                };
                (call, false)
            }
            O::CallIndirect {
                type_index,
                table_index,
            } => (
                Op::CallIndirect {
                    type_idx: *type_index,
                    table: *table_index,
                    index: top,
                },
                true,
            ),
            O::Drop => (Op::Drop, false),
            O::Select | O::TypedSelect { .. } => (Op::Select { s: third }, false),
            O::GlobalGet { global_index } => (
                Op::GlobalGet {
                    dst: push,
                    global: *global_index,
                },
                false,
            ),
            O::GlobalSet { global_index } => (
                Op::GlobalSet {
                    src: top,
                    global: *global_index,
                },
                true,
            ),
            O::RefFunc { function_index } => (
                Op::RefFunc {
                    dst: push,
                    func: *function_index,
                },
                false,
            ),
            O::TableGet { table } => (
                Op::TableGet {
                    table: *table,
                    s: top,
                },
                false,
            ),
            O::TableSet { table } => (
                Op::TableSet {
                    table: *table,
                    s: second,
                },
                false,
            ),
            O::TableSize { table } => (
                Op::TableSize {
                    table: *table,
                    dst: push,
                },
                false,
            ),
            O::TableGrow { table } => (
                Op::TableGrow {
                    table: *table,
                    s: second,
                },
                false,
            ),
            O::TableFill { table } => (
                Op::TableFill {
                    table: *table,
                    s: third,
                },
                false,
            ),
            O::TableCopy {
                dst_table,
                src_table,
            } => (
                Op::TableCopy {
                    dst_table: *dst_table,
                    src_table: *src_table,
                    s: third,
                },
                false,
            ),
            O::TableInit { elem_index, table } => (
                Op::TableInit {
                    elem: *elem_index,
                    table: *table,
                    s: third,
                },
                false,
            ),
            O::ElemDrop { elem_index } => (Op::ElemDrop { elem: *elem_index }, false),
            O::MemorySize { .. } => (Op::MemorySize { dst: push }, false),
            O::MemoryGrow { .. } => (Op::MemoryGrow { s: top }, false),
            O::MemoryInit { data_index, .. } => (
                Op::MemoryInit {
                    data: *data_index,
                    s: third,
                },
                false,
            ),
            O::DataDrop { data_index } => (Op::DataDrop { data: *data_index }, false),
            O::MemoryCopy { .. } => (Op::MemoryCopy { s: third }, false),
            O::MemoryFill { .. } => (Op::MemoryFill { s: third }, false),
            other => {
                if let Some(o) = lower_memory(other, top, second, mem) {
                    (o, true)
                } else if let Some(o) = op::lower_binop(other, second, second, top) {
                    (o, true)
                } else if let Some(o) = op::lower_unop(other, top, top) {
                    (o, true)
                } else {
                    return Err(internal("operator outside the profile"));
                }
            }
        };
        let at = if folding {
            match self.emit_load(o, cost) {
                Some(at) => at,
                None => {
                    let at = self.emit_folding(o, cost);
                    self.fuse_pair().unwrap_or(at)
                }
            }
        } else {
            self.emit(o, cost)
        };
        if o.kind() == OpKind::Call {
            self.site_pc = Some(at as u32 + 1);
        }
        // A call or a dynamic charge ends its segment: whatever charges gas while the
        // instruction runs (the callee, a host function, the dynamic cost) must see
        // exactly the instructions executed so far charged, not the rest of a prepaid
        // segment (SPEC.md §Gas, charging semantics).
        if o.ends_segment() {
            self.new_segment();
        }
        Ok(())
    }
}

/// The load or store op of a memory operator: a load reads its address from slot
/// `top` and writes its result there; a store reads its address from `second` and
/// its value from `top`. `None` for any other operator.
fn lower_memory(
    op: &Operator<'_>,
    top: u32,
    second: u32,
    mem: impl Fn(&wasmparser::MemArg) -> u32,
) -> Option<Op> {
    use Operator as O;
    let (dst, addr) = (top, top);
    Some(match op {
        O::I32Load { memarg } => Op::I32Load {
            dst,
            addr,
            offset: mem(memarg),
        },
        O::I64Load { memarg } => Op::I64Load {
            dst,
            addr,
            offset: mem(memarg),
        },
        O::F32Load { memarg } => Op::F32Load {
            dst,
            addr,
            offset: mem(memarg),
        },
        O::F64Load { memarg } => Op::F64Load {
            dst,
            addr,
            offset: mem(memarg),
        },
        O::I32Load8S { memarg } => Op::I32Load8S {
            dst,
            addr,
            offset: mem(memarg),
        },
        O::I32Load8U { memarg } => Op::I32Load8U {
            dst,
            addr,
            offset: mem(memarg),
        },
        O::I32Load16S { memarg } => Op::I32Load16S {
            dst,
            addr,
            offset: mem(memarg),
        },
        O::I32Load16U { memarg } => Op::I32Load16U {
            dst,
            addr,
            offset: mem(memarg),
        },
        O::I64Load8S { memarg } => Op::I64Load8S {
            dst,
            addr,
            offset: mem(memarg),
        },
        O::I64Load8U { memarg } => Op::I64Load8U {
            dst,
            addr,
            offset: mem(memarg),
        },
        O::I64Load16S { memarg } => Op::I64Load16S {
            dst,
            addr,
            offset: mem(memarg),
        },
        O::I64Load16U { memarg } => Op::I64Load16U {
            dst,
            addr,
            offset: mem(memarg),
        },
        O::I64Load32S { memarg } => Op::I64Load32S {
            dst,
            addr,
            offset: mem(memarg),
        },
        O::I64Load32U { memarg } => Op::I64Load32U {
            dst,
            addr,
            offset: mem(memarg),
        },
        _ => {
            let (addr, val) = (second, top);
            match op {
                O::I32Store { memarg } => Op::I32Store {
                    addr,
                    val,
                    offset: mem(memarg),
                },
                O::I64Store { memarg } => Op::I64Store {
                    addr,
                    val,
                    offset: mem(memarg),
                },
                O::F32Store { memarg } => Op::F32Store {
                    addr,
                    val,
                    offset: mem(memarg),
                },
                O::F64Store { memarg } => Op::F64Store {
                    addr,
                    val,
                    offset: mem(memarg),
                },
                O::I32Store8 { memarg } => Op::I32Store8 {
                    addr,
                    val,
                    offset: mem(memarg),
                },
                O::I32Store16 { memarg } => Op::I32Store16 {
                    addr,
                    val,
                    offset: mem(memarg),
                },
                O::I64Store8 { memarg } => Op::I64Store8 {
                    addr,
                    val,
                    offset: mem(memarg),
                },
                O::I64Store16 { memarg } => Op::I64Store16 {
                    addr,
                    val,
                    offset: mem(memarg),
                },
                O::I64Store32 { memarg } => Op::I64Store32 {
                    addr,
                    val,
                    offset: mem(memarg),
                },
                _ => return None,
            }
        }
    })
}

/// The compare-and-branch op for compare `cmp` writing slot `cond`, followed by a
/// branch to `target` taken when the result is non-zero (zero when `negate`); `None`
/// when `cmp` is not a compare writing `cond`.
fn compare_branch(cmp: Op, cond: u32, target: u32, negate: bool) -> Option<Op> {
    macro_rules! cb {
        ($($op:ident => $br:ident / $neg:ident),* ; $($iop:ident => $ibr:ident / $ineg:ident),*) => {
            match cmp {
                Op::I32Eqz { dst, a } if dst == cond => Some(if negate {
                    Op::BrIfNez { target, cond: a }
                } else {
                    Op::BrIfEqz { target, cond: a }
                }),
                $(Op::$op { dst, a, b } if dst == cond => Some(if negate {
                    Op::$neg { target, a, b }
                } else {
                    Op::$br { target, a, b }
                }),)*
                $(Op::$iop { dst, a, imm } if dst == cond => Some(if negate {
                    Op::$ineg { target, a, imm }
                } else {
                    Op::$ibr { target, a, imm }
                }),)*
                _ => None,
            }
        };
    }
    cb!(
        I32Eq => BrIfI32Eq / BrIfI32Ne, I32Ne => BrIfI32Ne / BrIfI32Eq,
        I32LtS => BrIfI32LtS / BrIfI32GeS, I32LtU => BrIfI32LtU / BrIfI32GeU,
        I32GtS => BrIfI32GtS / BrIfI32LeS, I32GtU => BrIfI32GtU / BrIfI32LeU,
        I32LeS => BrIfI32LeS / BrIfI32GtS, I32LeU => BrIfI32LeU / BrIfI32GtU,
        I32GeS => BrIfI32GeS / BrIfI32LtS, I32GeU => BrIfI32GeU / BrIfI32LtU,
        I64Eq => BrIfI64Eq / BrIfI64Ne, I64Ne => BrIfI64Ne / BrIfI64Eq,
        I64LtS => BrIfI64LtS / BrIfI64GeS, I64LtU => BrIfI64LtU / BrIfI64GeU,
        I64GtS => BrIfI64GtS / BrIfI64LeS, I64GtU => BrIfI64GtU / BrIfI64LeU,
        I64LeS => BrIfI64LeS / BrIfI64GtS, I64LeU => BrIfI64LeU / BrIfI64GtU,
        I64GeS => BrIfI64GeS / BrIfI64LtS, I64GeU => BrIfI64GeU / BrIfI64LtU;
        I32EqImm => BrIfI32EqImm / BrIfI32NeImm, I32NeImm => BrIfI32NeImm / BrIfI32EqImm,
        I32LtSImm => BrIfI32LtSImm / BrIfI32GeSImm, I32LtUImm => BrIfI32LtUImm / BrIfI32GeUImm,
        I32GtSImm => BrIfI32GtSImm / BrIfI32LeSImm, I32GtUImm => BrIfI32GtUImm / BrIfI32LeUImm,
        I32LeSImm => BrIfI32LeSImm / BrIfI32GtSImm, I32LeUImm => BrIfI32LeUImm / BrIfI32GtUImm,
        I32GeSImm => BrIfI32GeSImm / BrIfI32LtSImm, I32GeUImm => BrIfI32GeUImm / BrIfI32LtUImm
    )
}

/// The immediate form of binop or store `op` (its second read, `b` or `val`,
/// replaced by the constant `value`), if there is one: i32 constants as they are,
/// i64 constants that sign-extend from 32 bits (any i64 constant for the narrow
/// stores, which keep its low bits only); a subtraction becomes an addition of the
/// negated constant. The immediate form keeps the first read (`a` or `addr`).
fn imm_form(op: Op, value: u64) -> Option<Op> {
    let c32 = value as u32;
    let c64 = value as i64;
    let fits = |c: i64| i64::from(c as i32) == c;
    macro_rules! imm {
        ($($from:ident => $to:ident),* ; $($from64:ident => $to64:ident),*) => {
            match op {
                Op::I32Sub { dst, a, .. } => Some(Op::I32AddImm { dst, a, imm: c32.wrapping_neg() }),
                // Stores of the constant: the value is `b`, the second read.
                Op::I32Store { addr, offset, .. } => Some(Op::I32StoreImm { addr, imm: c32, offset }),
                Op::I32Store8 { addr, offset, .. } => Some(Op::I32Store8Imm { addr, imm: c32, offset }),
                Op::I32Store16 { addr, offset, .. } => Some(Op::I32Store16Imm { addr, imm: c32, offset }),
                Op::I64Store { addr, offset, .. } if fits(c64) => {
                    Some(Op::I64StoreImm { addr, imm: c32, offset })
                }
                Op::I64Store8 { addr, offset, .. } => Some(Op::I64Store8Imm { addr, imm: c32, offset }),
                Op::I64Store16 { addr, offset, .. } => Some(Op::I64Store16Imm { addr, imm: c32, offset }),
                Op::I64Store32 { addr, offset, .. } => Some(Op::I64Store32Imm { addr, imm: c32, offset }),
                Op::I64Sub { dst, a, .. } if fits(c64.wrapping_neg()) => {
                    Some(Op::I64AddImm { dst, a, imm: c64.wrapping_neg() as u32 })
                }
                $(Op::$from { dst, a, .. } => Some(Op::$to { dst, a, imm: c32 }),)*
                $(Op::$from64 { dst, a, .. } if fits(c64) => Some(Op::$to64 { dst, a, imm: c64 as u32 }),)*
                _ => None,
            }
        };
    }
    imm!(
        I32Add => I32AddImm, I32Mul => I32MulImm, I32And => I32AndImm, I32Or => I32OrImm,
        I32Xor => I32XorImm, I32Shl => I32ShlImm, I32ShrS => I32ShrSImm, I32ShrU => I32ShrUImm, I32Rotl => I32RotlImm, I32Rotr => I32RotrImm,
        I32Eq => I32EqImm, I32Ne => I32NeImm, I32LtS => I32LtSImm, I32LtU => I32LtUImm,
        I32GtS => I32GtSImm, I32GtU => I32GtUImm, I32LeS => I32LeSImm, I32LeU => I32LeUImm,
        I32GeS => I32GeSImm, I32GeU => I32GeUImm;
        I64Add => I64AddImm, I64Mul => I64MulImm, I64And => I64AndImm, I64Or => I64OrImm,
        I64Xor => I64XorImm, I64Shl => I64ShlImm, I64ShrS => I64ShrSImm, I64ShrU => I64ShrUImm, I64Rotl => I64RotlImm, I64Rotr => I64RotrImm,
        I64Eq => I64EqImm, I64Ne => I64NeImm, I64LtS => I64LtSImm, I64LtU => I64LtUImm,
        I64GtS => I64GtSImm, I64GtU => I64GtUImm, I64LeS => I64LeSImm, I64LeU => I64LeUImm,
        I64GeS => I64GeSImm, I64GeU => I64GeUImm
    )
}

/// A base cost as stored in `CompiledFunc::parts` (every cost of SPEC.md §Gas fits).
fn small(cost: u32) -> u8 {
    u8::try_from(cost).unwrap_or(u8::MAX)
}

/// The translator runs after each operator the validator accepts.
impl OpVisit for Translator<'_> {
    type Error = Error;

    /// Translates the operator `op` at byte `offset` that validation has just
    /// accepted (`h` is the operand height before it) and keeps the `exnref` mirror
    /// in step. Inlined into `walk_body`'s visit method of each operator, where `op`
    /// is a constant and the matches on it fold to the one arm.
    #[inline(always)]
    fn visit(
        &mut self,
        op: &Operator<'_>,
        h: u32,
        offset: usize,
        v: &FuncValidator<ValidatorResources>,
    ) -> Result<(), Error> {
        self.cur_offset = u32::try_from(offset).unwrap_or(u32::MAX);
        let ctrl_height = self.ctrl.last().map_or(0, |c| c.height);
        self.site_pc = None;
        if !self.started {
            self.start(v);
        }
        self.cur_h = h;
        self.op(op, h, v)?;
        self.track_exn(op, h, ctrl_height, v)
    }
}

/// Validates and translates one function body.
///
/// # Errors
/// `Error::Validate` for an invalid body (wasmparser's message and offset) or a body
/// beyond `max_control_depth`: exactly the errors of `validate::body::walk_body`,
/// which decides; translation itself rejects nothing a valid body can contain.
/// `Error::Internal` when a translator invariant breaks (a bug in detwasm).
///
/// With checkpoints on (`TranslateEnv::checkpoints`) and fusion, the body is
/// validated and translated a second time without fusion, for its `CheckpointMap`.
///
/// # Complexity
/// O(body size) in time and memory.
pub(crate) fn translate_function(
    func: FuncToValidate<ValidatorResources>,
    body: &FunctionBody<'_>,
    env: &TranslateEnv<'_>,
    allocs: BodyAllocs,
    scratch: &mut TranslateScratch,
    num_params: u32,
    num_results: u32,
) -> Result<(CompiledFunc, BodyAllocs), Error> {
    let arity = (num_params, num_results);
    if !env.checkpoints {
        let once = translate_once(func, body, env, allocs, scratch, arity)?;
        return Ok((once.compiled, once.allocs));
    }
    let again = env.fuse.then(|| FuncToValidate {
        resources: func.resources.clone(),
        index: func.index,
        ty: func.ty,
        features: func.features,
    });
    let mut once = translate_once(func, body, env, allocs, scratch, arity)?;
    let map = match again {
        Some(func) => {
            let plain_env = TranslateEnv {
                fuse: false,
                ..*env
            };
            let plain = translate_once(func, body, &plain_env, once.allocs, scratch, arity)?;
            once.allocs = plain.allocs;
            CheckpointMap::new(&plain.compiled, &plain.heights, once.aliases)?
        }
        None => CheckpointMap::new(&once.compiled, &once.heights, Vec::new())?,
    };
    once.compiled.checkpoint_map = Some(Box::new(map));
    Ok((once.compiled, once.allocs))
}

/// One translation of a body (`translate_function`), with what its checkpoint map
/// is built from.
struct Once {
    compiled: CompiledFunc,
    allocs: BodyAllocs,
    /// Per op, with checkpoints on and fusion off: the operand height before it.
    heights: Vec<u32>,
    /// With checkpoints and fusion on: the operands left in a local (`Alias`).
    aliases: Vec<Alias>,
}

fn translate_once(
    func: FuncToValidate<ValidatorResources>,
    body: &FunctionBody<'_>,
    env: &TranslateEnv<'_>,
    allocs: BodyAllocs,
    scratch: &mut TranslateScratch,
    (num_params, num_results): (u32, u32),
) -> Result<Once, Error> {
    let mut t = Translator {
        env,
        fixup_pool: std::mem::take(&mut scratch.fixup_pool),
        code: std::mem::take(&mut scratch.code),
        sides: std::mem::take(&mut scratch.sides),
        heights: Vec::new(),
        aliases: Vec::new(),
        cur_offset: 0,
        cur_h: 0,
        nl: 0,
        barrier: 0,
        ctrl: std::mem::take(&mut scratch.ctrl),
        handlers: std::mem::take(&mut scratch.handlers),
        reachable: true,
        seg_head: 0,
        seg_cost: 0,
        refunds: std::mem::take(&mut scratch.refunds),
        entries: std::mem::take(&mut scratch.entries),
        entry_gas: std::mem::take(&mut scratch.entry_gas),
        num_results,
        max_labels: 0,
        exn: None,
        started: false,
        site_pc: None,
    };
    if env.metering {
        t.push(Op::ConsumeGas { gas: 0 }, [0; MAX_PARTS]);
    }
    t.barrier = t.code.len();
    t.push_ctrl(CtrlKind::Func, 0, num_results, 0);
    // The acceptance decision is `walk_body`'s alone (shared with
    // `validate::validate`); the translator only emits code for what it accepted.
    let facts =
        crate::validate::body::walk_body(func, body, allocs, env.max_control_depth, &mut t)?;
    let (num_locals, max_operands) = (facts.num_locals, facts.max_operands);
    t.close_segment();
    t.enter_past_heads()?;
    let _ = t.num_results;
    // Innermost try_table first for any covered position; clause order kept.
    t.handlers.sort_by_key(|h| std::cmp::Reverse(h.0));
    // One pass over the ops: every op's side entry, and the extra entry of each op
    // standing for more than one instruction.
    let mut side = Vec::with_capacity(t.sides.len());
    let mut fused = Vec::new();
    for (pc, d) in t.sides.iter().enumerate() {
        side.push(OpSide {
            offset: d.offset,
            parts: d.parts,
        });
        if d.parts[1] != 0 {
            fused.push(fused_side(pc, d)?);
        }
    }
    let stack_units = 1 + u64::from(num_locals) + u64::from(max_operands) + u64::from(t.max_labels);
    let compiled = CompiledFunc {
        num_params,
        num_results,
        num_locals,
        max_operands,
        stack_units,
        fast_call_extent: fast_call_extent(num_params, num_locals, max_operands),
        entry: match t.code.first() {
            Some(Op::ConsumeGas { gas }) => (1, *gas),
            _ => (0, 0),
        },
        side: side.into(),
        fused: fused.into(),
        checkpoint_map: None,
        code: t.code.as_slice().into(),
        handlers: t.handlers.iter().map(|(_, h)| *h).collect(),
        exn_map: t.exn.take().and_then(ExnMapBuilder::finish),
    };
    t.code.clear();
    t.sides.clear();
    t.ctrl.clear();
    t.handlers.clear();
    t.refunds.clear();
    t.entries.clear();
    t.entry_gas.clear();
    *scratch = TranslateScratch {
        code: t.code,
        sides: t.sides,
        ctrl: t.ctrl,
        handlers: t.handlers,
        fixup_pool: t.fixup_pool,
        refunds: t.refunds,
        entries: t.entries,
        entry_gas: t.entry_gas,
    };
    Ok(Once {
        compiled,
        allocs: facts.allocs,
        heights: t.heights,
        aliases: t.aliases,
    })
}
