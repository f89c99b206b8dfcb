//! The internal bytecode, defined by one op table. `for_each_op!` lists every internal
//! instruction once: its name, its operand fields, what kind of op it is, and the wasm
//! instructions (wasmparser's `Operator` names) it stands for. Everything else about
//! ops is derived from that list: the `Op` enum, the disassembler's names and operand
//! display (`detwasm inspect --bytecode`), the one-to-one lowering of every `simple`
//! wasm operator, the branch patching of every `branch` op, and which ops end a gas
//! segment. The interpreter's dispatch `match` has one arm per op and no catch-all, so
//! the compiler rejects an op without a handler; the tests below fail when a wasm
//! operator of the profile has no row.
//!
//! Operands live in untyped 64-bit stack slots; locals are addressed relative to the
//! frame pointer; branch targets are resolved code positions. Nothing here decodes
//! wasm bytes. Depends on wasmparser's `Operator` (names only).
//!
//! # Adding an instruction
//! 1. Add a row to `for_each_op!` (doc comment, name, fields, kind, wasm instructions).
//! 2. Add its arm to the interpreter's dispatch `match` (`exec`); the build fails until
//!    it exists.
//! 3. For kinds other than `simple`, emit it in the translator (`translate`): a
//!    `custom` lowering in `Translator::op`, or a rule in `fuse2`/`fuse3` for `fused`.
//!
//! Kinds:
//! - `simple`: a wasm operator without immediates, lowered one to one by `lower_simple`
//!   (each listed operator becomes this op).
//! - `custom`: lowered by the translator's own code (immediates, control flow).
//! - `branch`: carries a `target` code position that the translator patches.
//! - `call`: a call; it ends its gas segment (SPEC.md §Gas, charging semantics).
//! - `dynamic`: has a dynamic gas cost; it ends its gas segment.
//! - `fused`: several wasm instructions of one segment in one dispatch. Every component
//!   but the last only moves values on the operand stack or into locals, so stopping
//!   part way (out of gas) leaves nothing observable; `CompiledFunc::parts` gives each
//!   component's gas for exact out-of-gas points (SPEC.md §Gas).
//! - `gas`: the segment head, standing for no wasm instruction.
//! - `data`: operands of the op before it, never dispatched on its own.

use std::fmt;

/// What kind of op a row of the op table is (see the module docs).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// Lowered one to one from a wasm operator without immediates.
    Simple,
    /// Lowered by the translator's own code.
    Custom,
    /// Carries a `target` code position.
    Branch,
    /// A call: ends its gas segment.
    Call,
    /// Has a dynamic gas cost: ends its gas segment.
    Dynamic,
    /// Stands for several wasm instructions.
    Fused,
    /// The segment head (`ConsumeGas`).
    Gas,
    /// Operands of the op before it.
    Data,
}

/// The op table: calls `$m!` with every row, in the form
/// `doc-comments Name { field: type, ... } kind [WasmOperator, ...];`
/// (the braces are omitted for an op without operands).
macro_rules! for_each_op {
    ($m:ident) => {
        $m! {
        // ---- control
        /// Trap `unreachable`.
        Unreachable custom [Unreachable];
        /// Head of a straight-line segment: charges the static gas (`gas`) of the whole
        /// segment (SPEC.md §Gas, charging semantics).
        ConsumeGas { gas: u32 } gas [];
        /// Unconditional branch that moves nothing (a `br`, or the jump over an `else`).
        Jump { target: u32 } branch [Br];
        /// Unconditional branch: move the top `keep` slots down by `drop`, then jump.
        Br { target: u32, drop: u32, keep: u32 } branch [Br];
        /// Pop an i32; branch (with drop/keep as `Br`) when it is non-zero.
        BrIfNez { target: u32, drop: u32, keep: u32 } branch [BrIf];
        /// Pop an i32; jump when it is zero (the `if` instruction).
        BrIfEqz { target: u32 } branch [If];
        /// Pop an i32; return from the function when it is non-zero.
        ReturnIfNez custom [BrIf];
        /// Pop an i32 index; the next `len + 1` ops are `BrTableEntry`s, the last the
        /// default.
        BrTable { len: u32 } custom [BrTable];
        /// Data of a `BrTable`; `target == u32::MAX` means return from the function.
        BrTableEntry { target: u32, drop: u32, keep: u32 } branch [];
        /// Return from the function.
        Return custom [Return];
        /// Call function `func` of the current instance's function index space.
        Call { func: u32 } call [Call];
        /// Call through table `table`, checking the callee against type `type_idx`.
        CallIndirect { type_idx: u32, table: u32 } call [CallIndirect];
        /// Tail call of function `func`.
        ReturnCall { func: u32 } custom [ReturnCall];
        /// Tail call through table `table`.
        ReturnCallIndirect { type_idx: u32, table: u32 } custom [ReturnCallIndirect];
        /// Throw a fresh exception of tag `tag`.
        Throw { tag: u32 } custom [Throw];
        /// Rethrow the exnref on top of the stack.
        ThrowRef custom [ThrowRef];

        // ---- parametric
        /// Drop the top slot.
        Drop simple [Drop];
        /// `select`, typed or not.
        Select custom [Select, TypedSelect];

        // ---- variables
        /// Push local `local`.
        LocalGet { local: u32 } custom [LocalGet];
        /// Pop into local `local`.
        LocalSet { local: u32 } custom [LocalSet];
        /// Copy the top slot into local `local`.
        LocalTee { local: u32 } custom [LocalTee];
        /// Push global `global`.
        GlobalGet { global: u32 } custom [GlobalGet];
        /// Pop into global `global`.
        GlobalSet { global: u32 } custom [GlobalSet];

        // ---- constants and no-op moves
        /// Push one slot `value` (any numeric constant, or a null reference as 0).
        Const { value: u64 } custom [I32Const, I64Const, F32Const, F64Const, RefNull];
        /// A bit-preserving reinterpretation: no effect on the slot, but it is a wasm
        /// instruction with a cost.
        Reinterpret simple [I32ReinterpretF32, I64ReinterpretF64, F32ReinterpretI32, F64ReinterpretI64];

        // ---- references
        /// `ref.is_null`.
        RefIsNull simple [RefIsNull];
        /// Push a reference to function `func`.
        RefFunc { func: u32 } custom [RefFunc];

        // ---- tables
        /// `table.get` of table `table`.
        TableGet { table: u32 } custom [TableGet];
        /// `table.set` of table `table`.
        TableSet { table: u32 } custom [TableSet];
        /// `table.size` of table `table`.
        TableSize { table: u32 } custom [TableSize];
        /// `table.grow` of table `table`.
        TableGrow { table: u32 } dynamic [TableGrow];
        /// `table.fill` of table `table`.
        TableFill { table: u32 } dynamic [TableFill];
        /// `table.copy` from table `src` to table `dst`.
        TableCopy { dst: u32, src: u32 } dynamic [TableCopy];
        /// `table.init` of table `table` from element segment `elem`.
        TableInit { elem: u32, table: u32 } dynamic [TableInit];
        /// `elem.drop` of element segment `elem`.
        ElemDrop { elem: u32 } custom [ElemDrop];

        // ---- memory; `offset` is the static offset in bytes
        /// `i32.load`.
        I32Load { offset: u32 } custom [I32Load];
        /// `i64.load`.
        I64Load { offset: u32 } custom [I64Load];
        /// `f32.load`.
        F32Load { offset: u32 } custom [F32Load];
        /// `f64.load`.
        F64Load { offset: u32 } custom [F64Load];
        /// `i32.load8_s`.
        I32Load8S { offset: u32 } custom [I32Load8S];
        /// `i32.load8_u`.
        I32Load8U { offset: u32 } custom [I32Load8U];
        /// `i32.load16_s`.
        I32Load16S { offset: u32 } custom [I32Load16S];
        /// `i32.load16_u`.
        I32Load16U { offset: u32 } custom [I32Load16U];
        /// `i64.load8_s`.
        I64Load8S { offset: u32 } custom [I64Load8S];
        /// `i64.load8_u`.
        I64Load8U { offset: u32 } custom [I64Load8U];
        /// `i64.load16_s`.
        I64Load16S { offset: u32 } custom [I64Load16S];
        /// `i64.load16_u`.
        I64Load16U { offset: u32 } custom [I64Load16U];
        /// `i64.load32_s`.
        I64Load32S { offset: u32 } custom [I64Load32S];
        /// `i64.load32_u`.
        I64Load32U { offset: u32 } custom [I64Load32U];
        /// `i32.store`.
        I32Store { offset: u32 } custom [I32Store];
        /// `i64.store`.
        I64Store { offset: u32 } custom [I64Store];
        /// `f32.store`.
        F32Store { offset: u32 } custom [F32Store];
        /// `f64.store`.
        F64Store { offset: u32 } custom [F64Store];
        /// `i32.store8`.
        I32Store8 { offset: u32 } custom [I32Store8];
        /// `i32.store16`.
        I32Store16 { offset: u32 } custom [I32Store16];
        /// `i64.store8`.
        I64Store8 { offset: u32 } custom [I64Store8];
        /// `i64.store16`.
        I64Store16 { offset: u32 } custom [I64Store16];
        /// `i64.store32`.
        I64Store32 { offset: u32 } custom [I64Store32];
        /// `memory.size`.
        MemorySize custom [MemorySize];
        /// `memory.grow`.
        MemoryGrow dynamic [MemoryGrow];
        /// `memory.init` from data segment `data`.
        MemoryInit { data: u32 } dynamic [MemoryInit];
        /// `data.drop` of data segment `data`.
        DataDrop { data: u32 } custom [DataDrop];
        /// `memory.copy`.
        MemoryCopy dynamic [MemoryCopy];
        /// `memory.fill`.
        MemoryFill dynamic [MemoryFill];

        // ---- numeric, one to one
        I32Eqz simple [I32Eqz];
        I32Eq simple [I32Eq];
        I32Ne simple [I32Ne];
        I32LtS simple [I32LtS];
        I32LtU simple [I32LtU];
        I32GtS simple [I32GtS];
        I32GtU simple [I32GtU];
        I32LeS simple [I32LeS];
        I32LeU simple [I32LeU];
        I32GeS simple [I32GeS];
        I32GeU simple [I32GeU];
        I32Clz simple [I32Clz];
        I32Ctz simple [I32Ctz];
        I32Popcnt simple [I32Popcnt];
        I32Add simple [I32Add];
        I32Sub simple [I32Sub];
        I32Mul simple [I32Mul];
        I32DivS simple [I32DivS];
        I32DivU simple [I32DivU];
        I32RemS simple [I32RemS];
        I32RemU simple [I32RemU];
        I32And simple [I32And];
        I32Or simple [I32Or];
        I32Xor simple [I32Xor];
        I32Shl simple [I32Shl];
        I32ShrS simple [I32ShrS];
        I32ShrU simple [I32ShrU];
        I32Rotl simple [I32Rotl];
        I32Rotr simple [I32Rotr];
        I64Eqz simple [I64Eqz];
        I64Eq simple [I64Eq];
        I64Ne simple [I64Ne];
        I64LtS simple [I64LtS];
        I64LtU simple [I64LtU];
        I64GtS simple [I64GtS];
        I64GtU simple [I64GtU];
        I64LeS simple [I64LeS];
        I64LeU simple [I64LeU];
        I64GeS simple [I64GeS];
        I64GeU simple [I64GeU];
        I64Clz simple [I64Clz];
        I64Ctz simple [I64Ctz];
        I64Popcnt simple [I64Popcnt];
        I64Add simple [I64Add];
        I64Sub simple [I64Sub];
        I64Mul simple [I64Mul];
        I64DivS simple [I64DivS];
        I64DivU simple [I64DivU];
        I64RemS simple [I64RemS];
        I64RemU simple [I64RemU];
        I64And simple [I64And];
        I64Or simple [I64Or];
        I64Xor simple [I64Xor];
        I64Shl simple [I64Shl];
        I64ShrS simple [I64ShrS];
        I64ShrU simple [I64ShrU];
        I64Rotl simple [I64Rotl];
        I64Rotr simple [I64Rotr];
        F32Eq simple [F32Eq];
        F32Ne simple [F32Ne];
        F32Lt simple [F32Lt];
        F32Gt simple [F32Gt];
        F32Le simple [F32Le];
        F32Ge simple [F32Ge];
        F32Abs simple [F32Abs];
        F32Neg simple [F32Neg];
        F32Ceil simple [F32Ceil];
        F32Floor simple [F32Floor];
        F32Trunc simple [F32Trunc];
        F32Nearest simple [F32Nearest];
        F32Sqrt simple [F32Sqrt];
        F32Add simple [F32Add];
        F32Sub simple [F32Sub];
        F32Mul simple [F32Mul];
        F32Div simple [F32Div];
        F32Min simple [F32Min];
        F32Max simple [F32Max];
        F32Copysign simple [F32Copysign];
        F64Eq simple [F64Eq];
        F64Ne simple [F64Ne];
        F64Lt simple [F64Lt];
        F64Gt simple [F64Gt];
        F64Le simple [F64Le];
        F64Ge simple [F64Ge];
        F64Abs simple [F64Abs];
        F64Neg simple [F64Neg];
        F64Ceil simple [F64Ceil];
        F64Floor simple [F64Floor];
        F64Trunc simple [F64Trunc];
        F64Nearest simple [F64Nearest];
        F64Sqrt simple [F64Sqrt];
        F64Add simple [F64Add];
        F64Sub simple [F64Sub];
        F64Mul simple [F64Mul];
        F64Div simple [F64Div];
        F64Min simple [F64Min];
        F64Max simple [F64Max];
        F64Copysign simple [F64Copysign];
        I32WrapI64 simple [I32WrapI64];
        I32TruncF32S simple [I32TruncF32S];
        I32TruncF32U simple [I32TruncF32U];
        I32TruncF64S simple [I32TruncF64S];
        I32TruncF64U simple [I32TruncF64U];
        I64ExtendI32S simple [I64ExtendI32S];
        I64ExtendI32U simple [I64ExtendI32U];
        I64TruncF32S simple [I64TruncF32S];
        I64TruncF32U simple [I64TruncF32U];
        I64TruncF64S simple [I64TruncF64S];
        I64TruncF64U simple [I64TruncF64U];
        F32ConvertI32S simple [F32ConvertI32S];
        F32ConvertI32U simple [F32ConvertI32U];
        F32ConvertI64S simple [F32ConvertI64S];
        F32ConvertI64U simple [F32ConvertI64U];
        F32DemoteF64 simple [F32DemoteF64];
        F64ConvertI32S simple [F64ConvertI32S];
        F64ConvertI32U simple [F64ConvertI32U];
        F64ConvertI64S simple [F64ConvertI64S];
        F64ConvertI64U simple [F64ConvertI64U];
        F64PromoteF32 simple [F64PromoteF32];
        I32Extend8S simple [I32Extend8S];
        I32Extend16S simple [I32Extend16S];
        I64Extend8S simple [I64Extend8S];
        I64Extend16S simple [I64Extend16S];
        I64Extend32S simple [I64Extend32S];
        I32TruncSatF32S simple [I32TruncSatF32S];
        I32TruncSatF32U simple [I32TruncSatF32U];
        I32TruncSatF64S simple [I32TruncSatF64S];
        I32TruncSatF64U simple [I32TruncSatF64U];
        I64TruncSatF32S simple [I64TruncSatF32S];
        I64TruncSatF32U simple [I64TruncSatF32U];
        I64TruncSatF64S simple [I64TruncSatF64S];
        I64TruncSatF64U simple [I64TruncSatF64U];

        // ---- fused ops
        /// `local.get a; local.get b`.
        LocalGet2 { a: u32, b: u32 } fused [LocalGet, LocalGet];
        /// `i32.const imm; i32.add` (and `i32.sub` of `-imm`).
        I32AddImm { imm: u32 } fused [I32Const, I32Add];
        /// `i32.const imm; i32.and`.
        I32AndImm { imm: u32 } fused [I32Const, I32And];
        /// `i32.const imm; i32.or`.
        I32OrImm { imm: u32 } fused [I32Const, I32Or];
        /// `i32.const imm; i32.xor`.
        I32XorImm { imm: u32 } fused [I32Const, I32Xor];
        /// `i32.const imm; i32.shl`.
        I32ShlImm { imm: u32 } fused [I32Const, I32Shl];
        /// `i32.const imm; i32.shr_s`.
        I32ShrSImm { imm: u32 } fused [I32Const, I32ShrS];
        /// `i32.const imm; i32.shr_u`.
        I32ShrUImm { imm: u32 } fused [I32Const, I32ShrU];
        /// `i32.const imm; i32.eq`.
        I32EqImm { imm: u32 } fused [I32Const, I32Eq];
        /// `i32.const imm; i32.ne`.
        I32NeImm { imm: u32 } fused [I32Const, I32Ne];
        /// `i32.const imm; i32.lt_s`.
        I32LtSImm { imm: u32 } fused [I32Const, I32LtS];
        /// `i32.const imm; i32.lt_u`.
        I32LtUImm { imm: u32 } fused [I32Const, I32LtU];
        /// `i32.const imm; i32.gt_s`.
        I32GtSImm { imm: u32 } fused [I32Const, I32GtS];
        /// `i32.const imm; i32.gt_u`.
        I32GtUImm { imm: u32 } fused [I32Const, I32GtU];
        /// `i32.const imm; i32.le_s`.
        I32LeSImm { imm: u32 } fused [I32Const, I32LeS];
        /// `i32.const imm; i32.le_u`.
        I32LeUImm { imm: u32 } fused [I32Const, I32LeU];
        /// `i32.const imm; i32.ge_s`.
        I32GeSImm { imm: u32 } fused [I32Const, I32GeS];
        /// `i32.const imm; i32.ge_u`.
        I32GeUImm { imm: u32 } fused [I32Const, I32GeU];
        /// `i64.const imm; i64.add` for a constant that fits in i32 (sign-extended).
        I64AddImm { imm: u32 } fused [I64Const, I64Add];
        /// `local.set local; local.get local`: the same effect as `local.tee local`.
        LocalSetGet { local: u32 } fused [LocalSet, LocalGet];
        /// `local.get local; i32.const imm; i32.add`.
        I32AddLocalImm { local: u32, imm: u32 } fused [LocalGet, I32Const, I32Add];
        /// `local.get local; br_if` with nothing to drop.
        BrIfLocalNez { local: u32, target: u32 } fused [LocalGet, BrIf];
        /// `local.get local; i32.load offset`.
        I32LoadLocal { local: u32, offset: u32 } fused [LocalGet, I32Load];
        /// `local.get local; i64.load offset`.
        I64LoadLocal { local: u32, offset: u32 } fused [LocalGet, I64Load];
        }
    };
}

/// Generates `Op` and its derived methods from the op table.
macro_rules! define_op {
    ($(
        $(#[$doc:meta])*
        $name:ident $({ $($field:ident : $fty:ty),* })? $kind:ident [$($wasm:ident),*];
    )*) => {
        /// One internal instruction (the rows of `for_each_op!`). Sixteen bytes; a
        /// test asserts it.
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        pub enum Op {
            $(
                $(#[$doc])*
                $name $({ $(#[allow(missing_docs)] $field: $fty),* })?,
            )*
        }

        impl Op {
            /// The op's name, as in the op table.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Op::$name { .. } => stringify!($name),)*
                }
            }

            /// The op's kind (see the module docs).
            pub fn kind(&self) -> OpKind {
                match self {
                    $(Op::$name { .. } => op_kind!($kind),)*
                }
            }

            /// The wasm instructions the op stands for, by wasmparser `Operator` name:
            /// for a `fused` op its components in order; for other ops every wasm
            /// operator it may be lowered from.
            pub fn stands_for(&self) -> &'static [&'static str] {
                match self {
                    $(Op::$name { .. } => &[$(stringify!($wasm)),*],)*
                }
            }

            /// The code position the op jumps to, for patching: its `target` operand
            /// field (every `branch` row and the fused `BrIfLocalNez` have one);
            /// `None` for an op without that field.
            pub fn target_mut(&mut self) -> Option<&mut u32> {
                $(op_target!(self, $name; $($($field),*)?);)*
                None
            }

            /// Whether the op ends its gas segment: calls and ops with a dynamic cost
            /// (SPEC.md §Gas, charging semantics).
            pub fn ends_segment(&self) -> bool {
                matches!(self.kind(), OpKind::Call | OpKind::Dynamic)
            }
        }

        impl fmt::Display for Op {
            /// `Name field=value ...`, the disassembler's form.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $(
                        Op::$name $({ $($field),* })? => {
                            f.write_str(stringify!($name))?;
                            $($(write!(f, concat!(" ", stringify!($field), "={}"), $field)?;)*)?
                            Ok(())
                        }
                    )*
                }
            }
        }

        /// The op of a wasm operator that a `simple` row lowers one to one; `None`
        /// for every other operator.
        pub(crate) fn lower_simple(op: &wasmparser::Operator<'_>) -> Option<Op> {
            $(op_simple!($kind, op, $name, [$($wasm),*]);)*
            None
        }

        /// Every row: name, kind and the wasm operators it stands for (for tests and
        /// documentation).
        pub const OP_TABLE: &[(&str, OpKind, &[&str])] = &[
            $((stringify!($name), op_kind!($kind), &[$(stringify!($wasm)),*]),)*
        ];
    };
}

macro_rules! op_kind {
    (simple) => {
        OpKind::Simple
    };
    (custom) => {
        OpKind::Custom
    };
    (branch) => {
        OpKind::Branch
    };
    (call) => {
        OpKind::Call
    };
    (dynamic) => {
        OpKind::Dynamic
    };
    (fused) => {
        OpKind::Fused
    };
    (gas) => {
        OpKind::Gas
    };
    (data) => {
        OpKind::Data
    };
}

/// `return Some(target)` for op `$name` when its operand fields include `target`.
macro_rules! op_target {
    ($s:ident, $name:ident; target $(, $rest:ident)*) => {
        if let Op::$name { target, .. } = $s {
            return Some(target);
        }
    };
    ($s:ident, $name:ident; $first:ident $(, $rest:ident)*) => {
        op_target!($s, $name; $($rest),*)
    };
    ($s:ident, $name:ident;) => {};
}

macro_rules! op_simple {
    (simple, $op:ident, $name:ident, [$($wasm:ident),*]) => {
        if matches!($op, $(wasmparser::Operator::$wasm)|*) {
            return Some(Op::$name);
        }
    };
    ($kind:ident, $op:ident, $name:ident, [$($wasm:ident),*]) => {};
}

for_each_op!(define_op);

#[cfg(test)]
mod tests;
