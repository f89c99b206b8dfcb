//! The internal bytecode: one compact `Copy` instruction enum, the single list the
//! translator emits and the interpreter dispatches on. Operands live in untyped 64-bit
//! stack slots; locals are addressed relative to the frame pointer; branch targets are
//! resolved code positions. Nothing here decodes wasm bytes. Depends on nothing.
//!
//! Ops that match a wasm instruction one-to-one use wasmparser's spelling; specialised
//! ops add a suffix (`BrIfEqz`, `ConsumeGas`).

/// One internal instruction. Sixteen bytes; a test asserts it.
#[allow(missing_docs)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Op {
    // ---- control
    Unreachable,
    /// Head of a straight-line segment: charges the static gas of the whole segment
    /// (SPEC.md §Gas, charging semantics).
    ConsumeGas(u32),
    /// Unconditional branch that moves nothing.
    Jump(u32),
    /// Unconditional branch: move the top `keep` slots down by `drop`, then jump.
    Br {
        target: u32,
        drop: u32,
        keep: u32,
    },
    /// Pop an i32; branch (with drop/keep as `Br`) when it is non-zero.
    BrIfNez {
        target: u32,
        drop: u32,
        keep: u32,
    },
    /// Pop an i32; jump when it is zero (the `if` instruction).
    BrIfEqz(u32),
    /// Pop an i32; return from the function when it is non-zero.
    ReturnIfNez,
    /// Pop an i32 index; the next `len + 1` ops are `BrTableEntry`s, the last the default.
    BrTable {
        len: u32,
    },
    /// Data of a `BrTable`; `target == u32::MAX` means return from the function.
    BrTableEntry {
        target: u32,
        drop: u32,
        keep: u32,
    },
    Return,
    /// Call function `idx` of the current instance's function index space.
    Call(u32),
    CallIndirect {
        type_idx: u32,
        table: u32,
    },
    ReturnCall(u32),
    ReturnCallIndirect {
        type_idx: u32,
        table: u32,
    },
    Throw(u32),
    ThrowRef,

    // ---- parametric
    Drop,
    Select,

    // ---- variables
    LocalGet(u32),
    LocalSet(u32),
    LocalTee(u32),
    GlobalGet(u32),
    GlobalSet(u32),

    // ---- constants and no-op moves
    /// Push one slot (any numeric constant, or a null reference as 0).
    Const(u64),
    /// A bit-preserving reinterpretation: no effect on the slot, but it is a wasm
    /// instruction with a cost.
    Reinterpret,

    // ---- references
    RefIsNull,
    RefFunc(u32),

    // ---- tables
    TableGet(u32),
    TableSet(u32),
    TableSize(u32),
    TableGrow(u32),
    TableFill(u32),
    TableCopy {
        dst: u32,
        src: u32,
    },
    TableInit {
        elem: u32,
        table: u32,
    },
    ElemDrop(u32),

    // ---- memory; the immediate is the static offset in bytes
    I32Load(u32),
    I64Load(u32),
    F32Load(u32),
    F64Load(u32),
    I32Load8S(u32),
    I32Load8U(u32),
    I32Load16S(u32),
    I32Load16U(u32),
    I64Load8S(u32),
    I64Load8U(u32),
    I64Load16S(u32),
    I64Load16U(u32),
    I64Load32S(u32),
    I64Load32U(u32),
    I32Store(u32),
    I64Store(u32),
    F32Store(u32),
    F64Store(u32),
    I32Store8(u32),
    I32Store16(u32),
    I64Store8(u32),
    I64Store16(u32),
    I64Store32(u32),
    MemorySize,
    MemoryGrow,
    MemoryInit(u32),
    DataDrop(u32),
    MemoryCopy,
    MemoryFill,

    // ---- i32
    I32Eqz,
    I32Eq,
    I32Ne,
    I32LtS,
    I32LtU,
    I32GtS,
    I32GtU,
    I32LeS,
    I32LeU,
    I32GeS,
    I32GeU,
    I32Clz,
    I32Ctz,
    I32Popcnt,
    I32Add,
    I32Sub,
    I32Mul,
    I32DivS,
    I32DivU,
    I32RemS,
    I32RemU,
    I32And,
    I32Or,
    I32Xor,
    I32Shl,
    I32ShrS,
    I32ShrU,
    I32Rotl,
    I32Rotr,
    // ---- i64
    I64Eqz,
    I64Eq,
    I64Ne,
    I64LtS,
    I64LtU,
    I64GtS,
    I64GtU,
    I64LeS,
    I64LeU,
    I64GeS,
    I64GeU,
    I64Clz,
    I64Ctz,
    I64Popcnt,
    I64Add,
    I64Sub,
    I64Mul,
    I64DivS,
    I64DivU,
    I64RemS,
    I64RemU,
    I64And,
    I64Or,
    I64Xor,
    I64Shl,
    I64ShrS,
    I64ShrU,
    I64Rotl,
    I64Rotr,
    // ---- f32
    F32Eq,
    F32Ne,
    F32Lt,
    F32Gt,
    F32Le,
    F32Ge,
    F32Abs,
    F32Neg,
    F32Ceil,
    F32Floor,
    F32Trunc,
    F32Nearest,
    F32Sqrt,
    F32Add,
    F32Sub,
    F32Mul,
    F32Div,
    F32Min,
    F32Max,
    F32Copysign,
    // ---- f64
    F64Eq,
    F64Ne,
    F64Lt,
    F64Gt,
    F64Le,
    F64Ge,
    F64Abs,
    F64Neg,
    F64Ceil,
    F64Floor,
    F64Trunc,
    F64Nearest,
    F64Sqrt,
    F64Add,
    F64Sub,
    F64Mul,
    F64Div,
    F64Min,
    F64Max,
    F64Copysign,
    // ---- conversions
    I32WrapI64,
    I32TruncF32S,
    I32TruncF32U,
    I32TruncF64S,
    I32TruncF64U,
    I64ExtendI32S,
    I64ExtendI32U,
    I64TruncF32S,
    I64TruncF32U,
    I64TruncF64S,
    I64TruncF64U,
    F32ConvertI32S,
    F32ConvertI32U,
    F32ConvertI64S,
    F32ConvertI64U,
    F32DemoteF64,
    F64ConvertI32S,
    F64ConvertI32U,
    F64ConvertI64S,
    F64ConvertI64U,
    F64PromoteF32,
    I32Extend8S,
    I32Extend16S,
    I64Extend8S,
    I64Extend16S,
    I64Extend32S,
    I32TruncSatF32S,
    I32TruncSatF32U,
    I32TruncSatF64S,
    I32TruncSatF64U,
    I64TruncSatF32S,
    I64TruncSatF32U,
    I64TruncSatF64S,
    I64TruncSatF64U,

    // ---- fused ops: several wasm instructions of one segment in one dispatch. Every
    // component but the last only moves values on the operand stack or into locals, so
    // stopping part way (out of gas) leaves nothing observable; `CompiledFunc::parts`
    // gives each component's gas for exact out-of-gas points (SPEC.md §Gas).
    /// `local.get a; local.get b`.
    LocalGet2(u32, u32),
    /// `i32.const c; i32.add` (and `i32.sub` of `-c`).
    I32AddImm(u32),
    /// `i32.const c; i32.and`.
    I32AndImm(u32),
    /// `i32.const c; i32.or`.
    I32OrImm(u32),
    /// `i32.const c; i32.xor`.
    I32XorImm(u32),
    /// `i32.const c; i32.shl`.
    I32ShlImm(u32),
    /// `i32.const c; i32.shr_s`.
    I32ShrSImm(u32),
    /// `i32.const c; i32.shr_u`.
    I32ShrUImm(u32),
    /// `i32.const c; i32.eq`.
    I32EqImm(u32),
    /// `i32.const c; i32.ne`.
    I32NeImm(u32),
    /// `i32.const c; i32.lt_s`.
    I32LtSImm(u32),
    /// `i32.const c; i32.lt_u`.
    I32LtUImm(u32),
    /// `i32.const c; i32.gt_s`.
    I32GtSImm(u32),
    /// `i32.const c; i32.gt_u`.
    I32GtUImm(u32),
    /// `i32.const c; i32.le_s`.
    I32LeSImm(u32),
    /// `i32.const c; i32.le_u`.
    I32LeUImm(u32),
    /// `i32.const c; i32.ge_s`.
    I32GeSImm(u32),
    /// `i32.const c; i32.ge_u`.
    I32GeUImm(u32),
    /// `i64.const c; i64.add` for a constant that fits in i32 (sign-extended).
    I64AddImm(u32),
    /// `local.get a; i32.const c; i32.add`.
    I32AddLocalImm {
        local: u32,
        imm: u32,
    },
    /// `local.get a; br_if` with nothing to drop.
    BrIfLocalNez {
        local: u32,
        target: u32,
    },
    /// `local.get a; i32.load offset`.
    I32LoadLocal {
        local: u32,
        offset: u32,
    },
    /// `local.get a; i64.load offset`.
    I64LoadLocal {
        local: u32,
        offset: u32,
    },
}

#[cfg(test)]
mod tests {
    #[test]
    fn op_is_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<super::Op>(), 16);
    }
}
