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

pub mod exn_map;
pub mod op;

use crate::error::Error;
use crate::gas;
use crate::validate::ValidateError;
use exn_map::{ExnMap, ExnMapBuilder};
use op::{Op, OpKind};
use wasmparser::{
    BlockType, FuncToValidate, FuncValidator, FuncValidatorAllocations, FunctionBody, Operator,
    ValidatorResources,
};

/// Type information the translator needs about the module being translated.
pub(crate) struct TranslateEnv<'a> {
    /// Parameter and result counts of every type in the type section.
    pub type_arity: &'a [(u32, u32)],
    /// Control nesting limit (Limits::max_control_depth).
    pub max_control_depth: u32,
    /// Whether to emit `ConsumeGas` ops (Config::gas_metering).
    pub metering: bool,
    /// Whether to fuse instructions into one op (off while checkpointing).
    pub fuse: bool,
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
    /// Code position of the label; `u32::MAX` means return from the function.
    pub target: u32,
    /// Operand height (slots above the locals) of the label.
    pub height: u32,
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
    /// The bytecode.
    pub code: Box<[Op]>,
    /// Per op (`side.len() == code.len()`): where its first wasm instruction is and
    /// the base gas of each wasm instruction it stands for.
    pub side: Box<[OpSide]>,
    /// The byte offsets of the second and third wasm instructions of each fused op
    /// (ops standing for more than one), by op position in increasing order; empty
    /// (no allocation) for a body without fused ops.
    fused: Box<[(u32, [u32; 2])]>,
    /// Exception handlers, innermost first for any covered position.
    pub handlers: Box<[Handler]>,
    /// Where the frame holds `exnref` values, for the exception collection (SPEC.md
    /// §Exceptions); `None` when it never does.
    pub exn_map: Option<Box<ExnMap>>,
}

/// What an op stands for beyond its semantics: 8 bytes an op.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct OpSide {
    /// Byte offset in the module of the first wasm instruction the op stands for.
    pub offset: u32,
    /// Base gas of each wasm instruction the op stands for, in order (up to three,
    /// zero-padded; 0 for ops that stand for structural instructions or are data).
    /// Used for exact out-of-gas points inside fused ops.
    pub parts: [u8; 3],
}

impl OpSide {
    /// Base gas of the wasm instructions the op stands for: the sum of `parts`.
    pub fn cost(&self) -> u32 {
        self.parts.iter().map(|p| u32::from(*p)).sum()
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
            code: Box::new([Op::Unreachable]),
            side: Box::new([OpSide::default()]),
            fused: Box::new([]),
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
    pub fn parts(&self, pc: usize) -> Option<[u8; 3]> {
        self.side.get(pc).map(|s| s.parts)
    }

    /// Byte offset in the module of wasm instruction `part` (0, 1 or 2) of op `pc`:
    /// 0 for a part the op does not have; `None` past the end or for a part above 2.
    /// O(log fused ops).
    pub fn offset(&self, pc: usize, part: usize) -> Option<u32> {
        let first = self.side.get(pc)?.offset;
        match part {
            0 => Some(first),
            1 | 2 => {
                let pc = u32::try_from(pc).ok()?;
                Some(
                    self.fused
                        .binary_search_by_key(&pc, |f| f.0)
                        .map_or(0, |i| self.fused[i].1[part - 1]),
                )
            }
            _ => None,
        }
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

struct Translator<'e> {
    env: &'e TranslateEnv<'e>,
    code: Vec<Op>,
    parts: Vec<[u8; 3]>,
    offsets: Vec<[u32; 3]>,
    /// Offset of the operator being translated.
    cur_offset: u32,
    /// No op before this position may be fused with a later one (a label, a handler
    /// range boundary or branch data lies between).
    barrier: usize,
    ctrl: Vec<Ctrl>,
    handlers: Vec<(u32, Handler)>,
    reachable: bool,
    seg_head: usize,
    seg_cost: u64,
    num_results: u32,
    max_labels: u32,
    /// The `exnref` mirror, made at the first operator (when the locals are known).
    exn: Option<ExnMapBuilder>,
    /// Code position just after the call or `throw` op the current operator emitted.
    site_pc: Option<u32>,
}

/// The wasm operators of the profile that no op stands for: they only shape control
/// (labels, handler ranges, segments) and are lowered by `Translator::op` into
/// branches, segment heads and fixups. Every other operator of the profile is named by
/// a row of the op table (`op::for_each_op!`); a test checks both lists together.
#[cfg(test)]
pub(crate) const STRUCTURAL: &[&str] = &["Nop", "Block", "Loop", "Else", "End", "TryTable"];

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

    /// Appends `op` standing for one wasm instruction of base cost `cost`, fusing it
    /// with the ops before it where a fused op exists. Returns the op's position.
    fn emit(&mut self, op: Op, cost: u32) -> usize {
        self.seg_cost += u64::from(cost);
        let n = self.code.len();
        let fuse = self.env.fuse;
        let last = (fuse && n > self.barrier).then(|| self.code[n - 1]);
        let last2 = (fuse && n > self.barrier + 1).then(|| (self.code[n - 2], self.code[n - 1]));
        if let Some(fused) = fuse3(last2, op) {
            self.code.truncate(n - 2);
            let (p0, p1) = (self.parts[n - 2][0], self.parts[n - 1][0]);
            self.parts.truncate(n - 2);
            let offs = [
                self.offsets[n - 2][0],
                self.offsets[n - 1][0],
                self.cur_offset,
            ];
            self.offsets.truncate(n - 2);
            return self.push_at(fused, [p0, p1, small(cost)], offs);
        }
        if let Some(fused) = fuse2(last, op) {
            self.code.truncate(n - 1);
            let p0 = self.parts[n - 1][0];
            self.parts.truncate(n - 1);
            let offs = [self.offsets[n - 1][0], self.cur_offset, 0];
            self.offsets.truncate(n - 1);
            return self.push_at(fused, [p0, small(cost), 0], offs);
        }
        self.push(op, [small(cost), 0, 0])
    }

    fn push(&mut self, op: Op, parts: [u8; 3]) -> usize {
        self.push_at(op, parts, [self.cur_offset, 0, 0])
    }

    fn push_at(&mut self, op: Op, parts: [u8; 3], offsets: [u32; 3]) -> usize {
        self.code.push(op);
        self.parts.push(parts);
        self.offsets.push(offsets);
        self.code.len() - 1
    }

    /// Emits an op that is data or stands for no single instruction; nothing fuses
    /// across it.
    fn emit_plain(&mut self, op: Op, cost: u32) -> usize {
        self.seg_cost += u64::from(cost);
        let at = self.push(op, [small(cost), 0, 0]);
        self.barrier = self.code.len();
        at
    }

    fn close_segment(&mut self) {
        if !self.env.metering {
            return;
        }
        let cost = u32::try_from(self.seg_cost).unwrap_or(u32::MAX);
        self.code[self.seg_head] = Op::ConsumeGas { gas: cost };
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
        self.code.push(Op::ConsumeGas { gas: 0 });
        self.parts.push([0; 3]);
        self.offsets.push([self.cur_offset, 0, 0]);
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

    fn emit_br(&mut self, depth: u32, h: u32, cost: u32) {
        match self.branch(depth, h) {
            None => {
                self.emit(Op::Return, cost);
            }
            Some((target, drop, keep, idx)) => {
                let at = if drop == 0 {
                    self.emit_plain(Op::Jump { target }, cost)
                } else {
                    self.emit_plain(Op::Br { target, drop, keep }, cost)
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
            fixups: Vec::new(),
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
            self.exn = Some(ExnMapBuilder::new(v));
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

    /// Translates one operator that validation has just accepted. `h` is the operand
    /// height before the operator.
    fn op(&mut self, op: &Operator<'_>, h: u32) -> Result<(), Error> {
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
                let start = if self.reachable {
                    self.new_segment()
                } else {
                    0
                };
                self.push_ctrl(CtrlKind::Loop, h.saturating_sub(p), p, start);
                return Ok(());
            }
            O::If { blockty } => {
                let (p, r) = self.block_arity(*blockty);
                let mut else_fixup = None;
                if self.reachable {
                    else_fixup = Some(self.emit_plain(Op::BrIfEqz { target: 0 }, cost));
                    self.new_segment();
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
                    let at = self.emit_plain(Op::Jump { target: 0 }, cost);
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
                        self.emit(Op::Return, cost);
                    }
                    return Ok(());
                }
                let end_of_body = self.pc();
                self.barrier = self.code.len();
                let reachable_after = self.reachable
                    || !c.fixups.is_empty()
                    || (c.kind == CtrlKind::If && c.entry_reachable);
                if reachable_after || c.else_fixup.is_some() {
                    let pc = self.new_segment();
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
                self.reachable = reachable_after;
                return Ok(());
            }
            _ => {}
        }
        if !self.reachable {
            return Ok(());
        }
        let mem = |m: &wasmparser::MemArg| u32::try_from(m.offset).unwrap_or(u32::MAX);
        let o = match op {
            O::Nop => return Ok(()),
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
                        self.emit(Op::ReturnIfNez, cost);
                    }
                    Some((target, drop, keep, idx)) => {
                        let at = self.emit(Op::BrIfNez { target, drop, keep }, cost);
                        self.add_fixup(idx, Fixup::Op(at));
                    }
                }
                self.new_segment();
                return Ok(());
            }
            O::BrTable { targets } => {
                let h = h.saturating_sub(1);
                self.emit_plain(Op::BrTable { len: targets.len() }, cost);
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
                                    drop: 0,
                                    keep: 0,
                                },
                                0,
                            );
                        }
                        Some((target, drop, keep, idx)) => {
                            self.emit_plain(Op::BrTableEntry { target, drop, keep }, 0);
                            self.add_fixup(idx, Fixup::Op(at));
                        }
                    }
                }
                self.reachable = false;
                return Ok(());
            }
            O::Return => {
                self.emit(Op::Return, cost);
                self.reachable = false;
                return Ok(());
            }
            O::ReturnCall { function_index } => {
                self.emit(
                    Op::ReturnCall {
                        func: *function_index,
                    },
                    cost,
                );
                self.reachable = false;
                return Ok(());
            }
            O::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                self.emit(
                    Op::ReturnCallIndirect {
                        type_idx: *type_index,
                        table: *table_index,
                    },
                    cost,
                );
                self.reachable = false;
                return Ok(());
            }
            O::Throw { tag_index } => {
                let at = self.emit(Op::Throw { tag: *tag_index }, cost);
                self.site_pc = Some(at as u32 + 1);
                self.reachable = false;
                return Ok(());
            }
            O::ThrowRef => {
                self.emit(Op::ThrowRef, cost);
                self.reachable = false;
                return Ok(());
            }
            O::Call { function_index } => Op::Call {
                func: *function_index,
            },
            O::CallIndirect {
                type_index,
                table_index,
            } => Op::CallIndirect {
                type_idx: *type_index,
                table: *table_index,
            },
            O::Select | O::TypedSelect { .. } => Op::Select,
            O::LocalGet { local_index } => Op::LocalGet {
                local: *local_index,
            },
            O::LocalSet { local_index } => Op::LocalSet {
                local: *local_index,
            },
            O::LocalTee { local_index } => Op::LocalTee {
                local: *local_index,
            },
            O::GlobalGet { global_index } => Op::GlobalGet {
                global: *global_index,
            },
            O::GlobalSet { global_index } => Op::GlobalSet {
                global: *global_index,
            },
            O::I32Const { value } => Op::Const {
                value: u64::from(*value as u32),
            },
            O::I64Const { value } => Op::Const {
                value: *value as u64,
            },
            O::F32Const { value } => Op::Const {
                value: u64::from(value.bits()),
            },
            O::F64Const { value } => Op::Const {
                value: value.bits(),
            },
            O::RefNull { .. } => Op::Const { value: 0 },
            O::RefFunc { function_index } => Op::RefFunc {
                func: *function_index,
            },
            O::TableGet { table } => Op::TableGet { table: *table },
            O::TableSet { table } => Op::TableSet { table: *table },
            O::TableSize { table } => Op::TableSize { table: *table },
            O::TableGrow { table } => Op::TableGrow { table: *table },
            O::TableFill { table } => Op::TableFill { table: *table },
            O::TableCopy {
                dst_table,
                src_table,
            } => Op::TableCopy {
                dst: *dst_table,
                src: *src_table,
            },
            O::TableInit { elem_index, table } => Op::TableInit {
                elem: *elem_index,
                table: *table,
            },
            O::ElemDrop { elem_index } => Op::ElemDrop { elem: *elem_index },
            O::I32Load { memarg } => Op::I32Load {
                offset: mem(memarg),
            },
            O::I64Load { memarg } => Op::I64Load {
                offset: mem(memarg),
            },
            O::F32Load { memarg } => Op::F32Load {
                offset: mem(memarg),
            },
            O::F64Load { memarg } => Op::F64Load {
                offset: mem(memarg),
            },
            O::I32Load8S { memarg } => Op::I32Load8S {
                offset: mem(memarg),
            },
            O::I32Load8U { memarg } => Op::I32Load8U {
                offset: mem(memarg),
            },
            O::I32Load16S { memarg } => Op::I32Load16S {
                offset: mem(memarg),
            },
            O::I32Load16U { memarg } => Op::I32Load16U {
                offset: mem(memarg),
            },
            O::I64Load8S { memarg } => Op::I64Load8S {
                offset: mem(memarg),
            },
            O::I64Load8U { memarg } => Op::I64Load8U {
                offset: mem(memarg),
            },
            O::I64Load16S { memarg } => Op::I64Load16S {
                offset: mem(memarg),
            },
            O::I64Load16U { memarg } => Op::I64Load16U {
                offset: mem(memarg),
            },
            O::I64Load32S { memarg } => Op::I64Load32S {
                offset: mem(memarg),
            },
            O::I64Load32U { memarg } => Op::I64Load32U {
                offset: mem(memarg),
            },
            O::I32Store { memarg } => Op::I32Store {
                offset: mem(memarg),
            },
            O::I64Store { memarg } => Op::I64Store {
                offset: mem(memarg),
            },
            O::F32Store { memarg } => Op::F32Store {
                offset: mem(memarg),
            },
            O::F64Store { memarg } => Op::F64Store {
                offset: mem(memarg),
            },
            O::I32Store8 { memarg } => Op::I32Store8 {
                offset: mem(memarg),
            },
            O::I32Store16 { memarg } => Op::I32Store16 {
                offset: mem(memarg),
            },
            O::I64Store8 { memarg } => Op::I64Store8 {
                offset: mem(memarg),
            },
            O::I64Store16 { memarg } => Op::I64Store16 {
                offset: mem(memarg),
            },
            O::I64Store32 { memarg } => Op::I64Store32 {
                offset: mem(memarg),
            },
            O::MemorySize { .. } => Op::MemorySize,
            O::MemoryGrow { .. } => Op::MemoryGrow,
            O::MemoryInit { data_index, .. } => Op::MemoryInit { data: *data_index },
            O::DataDrop { data_index } => Op::DataDrop { data: *data_index },
            O::MemoryCopy { .. } => Op::MemoryCopy,
            O::MemoryFill { .. } => Op::MemoryFill,
            other => match op::lower_simple(other) {
                Some(o) => o,
                None => return Err(internal("operator outside the profile")),
            },
        };
        let at = self.emit(o, cost);
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

/// A base cost as stored in `CompiledFunc::parts` (every cost of SPEC.md §Gas fits).
fn small(cost: u32) -> u8 {
    u8::try_from(cost).unwrap_or(u8::MAX)
}

/// The fused op for `a; op`, if there is one.
fn fuse2(a: Option<Op>, op: Op) -> Option<Op> {
    let a = a?;
    Some(match (a, op) {
        (Op::LocalGet { local: x }, Op::LocalGet { local: y }) => Op::LocalGet2 { a: x, b: y },
        (Op::LocalSet { local: x }, Op::LocalGet { local: y }) if x == y => {
            Op::LocalSetGet { local: x }
        }
        (
            Op::LocalGet { local: x },
            Op::BrIfNez {
                target, drop: 0, ..
            },
        ) => Op::BrIfLocalNez { local: x, target },
        (Op::LocalGet { local: x }, Op::I32Load { offset }) => {
            Op::I32LoadLocal { local: x, offset }
        }
        (Op::LocalGet { local: x }, Op::I64Load { offset }) => {
            Op::I64LoadLocal { local: x, offset }
        }
        (Op::Const { value: c }, op) => {
            let c32 = c as u32;
            match op {
                Op::I32Add => Op::I32AddImm { imm: c32 },
                Op::I32Sub => Op::I32AddImm {
                    imm: c32.wrapping_neg(),
                },
                Op::I32And => Op::I32AndImm { imm: c32 },
                Op::I32Or => Op::I32OrImm { imm: c32 },
                Op::I32Xor => Op::I32XorImm { imm: c32 },
                Op::I32Shl => Op::I32ShlImm { imm: c32 },
                Op::I32ShrS => Op::I32ShrSImm { imm: c32 },
                Op::I32ShrU => Op::I32ShrUImm { imm: c32 },
                Op::I32Eq => Op::I32EqImm { imm: c32 },
                Op::I32Ne => Op::I32NeImm { imm: c32 },
                Op::I32LtS => Op::I32LtSImm { imm: c32 },
                Op::I32LtU => Op::I32LtUImm { imm: c32 },
                Op::I32GtS => Op::I32GtSImm { imm: c32 },
                Op::I32GtU => Op::I32GtUImm { imm: c32 },
                Op::I32LeS => Op::I32LeSImm { imm: c32 },
                Op::I32LeU => Op::I32LeUImm { imm: c32 },
                Op::I32GeS => Op::I32GeSImm { imm: c32 },
                Op::I32GeU => Op::I32GeUImm { imm: c32 },
                Op::I64Add if i64::from(c as i64 as i32) == c as i64 => {
                    Op::I64AddImm { imm: c as u32 }
                }
                _ => return None,
            }
        }
        _ => return None,
    })
}

/// The fused op for `a; b; op`, if there is one.
fn fuse3(ab: Option<(Op, Op)>, op: Op) -> Option<Op> {
    let (a, b) = ab?;
    match (a, b, op) {
        (Op::LocalGet { local }, Op::Const { value: c }, Op::I32Add) => Some(Op::I32AddLocalImm {
            local,
            imm: c as u32,
        }),
        (Op::LocalGet { local }, Op::Const { value: c }, Op::I32Sub) => Some(Op::I32AddLocalImm {
            local,
            imm: (c as u32).wrapping_neg(),
        }),
        _ => None,
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
/// # Complexity
/// O(body size) in time and memory.
pub(crate) fn translate_function(
    func: FuncToValidate<ValidatorResources>,
    body: &FunctionBody<'_>,
    env: &TranslateEnv<'_>,
    allocs: FuncValidatorAllocations,
    num_params: u32,
    num_results: u32,
) -> Result<(CompiledFunc, FuncValidatorAllocations), Error> {
    let mut t = Translator {
        env,
        code: Vec::new(),
        parts: Vec::new(),
        offsets: Vec::new(),
        cur_offset: 0,
        barrier: 0,
        ctrl: Vec::new(),
        handlers: Vec::new(),
        reachable: true,
        seg_head: 0,
        seg_cost: 0,
        num_results,
        max_labels: 0,
        exn: None,
        site_pc: None,
    };
    if env.metering {
        t.push(Op::ConsumeGas { gas: 0 }, [0; 3]);
    }
    t.barrier = t.code.len();
    t.push_ctrl(CtrlKind::Func, 0, num_results, 0);
    // The acceptance decision is `walk_body`'s alone (shared with
    // `validate::validate`); the translator only emits code for what it accepted.
    let facts = crate::validate::body::walk_body(
        func,
        body,
        allocs,
        env.max_control_depth,
        |op, h, offset, v| {
            t.cur_offset = u32::try_from(offset).unwrap_or(u32::MAX);
            let ctrl_height = t.ctrl.last().map_or(0, |c| c.height);
            t.site_pc = None;
            t.op(op, h)?;
            t.track_exn(op, h, ctrl_height, v)
        },
    )?;
    let (num_locals, max_operands) = (facts.num_locals, facts.max_operands);
    t.close_segment();
    let _ = t.num_results;
    let mut handlers = t.handlers;
    // Innermost try_table first for any covered position; clause order kept.
    handlers.sort_by_key(|h| std::cmp::Reverse(h.0));
    let stack_units = 1 + u64::from(num_locals) + u64::from(max_operands) + u64::from(t.max_labels);
    let compiled = CompiledFunc {
        num_params,
        num_results,
        num_locals,
        max_operands,
        stack_units,
        side: t
            .offsets
            .iter()
            .zip(&t.parts)
            .map(|(o, p)| OpSide {
                offset: o[0],
                parts: *p,
            })
            .collect(),
        fused: t
            .offsets
            .iter()
            .enumerate()
            .filter(|(_, o)| o[1] != 0 || o[2] != 0)
            .map(|(pc, o)| (u32::try_from(pc).unwrap_or(u32::MAX), [o[1], o[2]]))
            .collect(),
        code: t.code.into_boxed_slice(),
        handlers: handlers.into_iter().map(|(_, h)| h).collect(),
        exn_map: t.exn.and_then(ExnMapBuilder::finish),
    };
    Ok((compiled, facts.allocs))
}
