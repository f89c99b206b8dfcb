//! The gas schedule (SPEC.md §Gas): the base cost of every wasm instruction of the
//! accepted profile and the dynamic costs of instructions whose work depends on an
//! operand. Costs are defined on the input wasm instructions, never on the internal
//! bytecode, so translator changes never change gas. Depends on wasmparser's operator
//! list only.

use wasmparser::Operator;

/// Version of the schedule below; bumped on any change of a cost.
pub const SCHEDULE_VERSION: u32 = 2;

/// Dynamic cost of `memory.fill`, `memory.copy` and `memory.init`: gas per started
/// 8-byte unit of the length operand (SPEC.md §Gas, dynamic costs).
pub const BULK_MEMORY_BYTES_PER_GAS: u64 = 8;
/// Dynamic cost of `memory.grow`: gas per page added.
pub const MEMORY_GROW_GAS_PER_PAGE: u64 = 1024;
/// Dynamic cost of `table.grow`, `table.fill`, `table.copy` and `table.init`: gas per
/// element.
pub const TABLE_GAS_PER_ELEMENT: u64 = 1;
/// Dynamic cost of a `throw` that collects exceptions: gas per unit of the
/// collection's work W (SPEC.md §Exceptions). Version 2 of the schedule added it.
pub const EXCEPTION_COLLECTION_GAS_PER_UNIT: u64 = 1;

/// The cost class of an instruction, as SPEC.md §Gas tabulates it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CostClass {
    /// `block`, `loop`, `end`, `else`, `nop`, `try_table`: structure only.
    Structural,
    /// Constants, locals, globals, `drop`, `select`, reference instructions.
    Simple,
    /// Integer arithmetic, comparison, bit counting, extension, wrapping.
    IntAlu,
    /// Integer division and remainder.
    IntDiv,
    /// Float arithmetic other than division and square root, comparisons,
    /// conversions, bit-level float instructions.
    Float,
    /// Float division and square root.
    FloatDiv,
    /// Loads and stores.
    Memory,
    /// `br`, `br_if`, `br_table`, `if`, `return`, `unreachable`.
    Branch,
    /// `call`, `return_call`.
    Call,
    /// `call_indirect`, `return_call_indirect`.
    CallIndirect,
    /// `memory.size`, `table.get`, `table.set`, `table.size`, `data.drop`, `elem.drop`.
    Access,
    /// `memory.grow`, `table.grow`, bulk memory and table instructions (plus their
    /// dynamic cost).
    Bulk,
    /// `throw`, `throw_ref`.
    Throw,
}

impl CostClass {
    /// The base cost of the class, in gas.
    pub const fn cost(self) -> u32 {
        match self {
            CostClass::Structural => 0,
            CostClass::Simple => 1,
            CostClass::IntAlu => 1,
            CostClass::IntDiv => 4,
            CostClass::Float => 2,
            CostClass::FloatDiv => 4,
            CostClass::Memory => 2,
            CostClass::Branch => 1,
            CostClass::Call => 5,
            CostClass::CallIndirect => 8,
            CostClass::Access => 2,
            CostClass::Bulk => 10,
            CostClass::Throw => 20,
        }
    }
}

/// The cost class of a wasm instruction of the accepted profile.
///
/// # Spec
/// SPEC.md §Gas, base costs. Instructions outside the profile never reach this
/// function (validation rejects them); they map to `Bulk` so the function is total.
pub fn class_of(op: &Operator<'_>) -> CostClass {
    use CostClass::*;
    use Operator as O;
    match op {
        O::Block { .. } | O::Loop { .. } | O::End | O::Else | O::Nop | O::TryTable { .. } => {
            Structural
        }
        O::Unreachable
        | O::Br { .. }
        | O::BrIf { .. }
        | O::BrTable { .. }
        | O::If { .. }
        | O::Return => Branch,
        O::Call { .. } | O::ReturnCall { .. } => Call,
        O::CallIndirect { .. } | O::ReturnCallIndirect { .. } => CallIndirect,
        O::Throw { .. } | O::ThrowRef => Throw,
        O::Drop
        | O::Select
        | O::TypedSelect { .. }
        | O::LocalGet { .. }
        | O::LocalSet { .. }
        | O::LocalTee { .. }
        | O::GlobalGet { .. }
        | O::GlobalSet { .. }
        | O::I32Const { .. }
        | O::I64Const { .. }
        | O::F32Const { .. }
        | O::F64Const { .. }
        | O::RefNull { .. }
        | O::RefIsNull
        | O::RefFunc { .. } => Simple,
        O::I32Load { .. }
        | O::I64Load { .. }
        | O::F32Load { .. }
        | O::F64Load { .. }
        | O::I32Load8S { .. }
        | O::I32Load8U { .. }
        | O::I32Load16S { .. }
        | O::I32Load16U { .. }
        | O::I64Load8S { .. }
        | O::I64Load8U { .. }
        | O::I64Load16S { .. }
        | O::I64Load16U { .. }
        | O::I64Load32S { .. }
        | O::I64Load32U { .. }
        | O::I32Store { .. }
        | O::I64Store { .. }
        | O::F32Store { .. }
        | O::F64Store { .. }
        | O::I32Store8 { .. }
        | O::I32Store16 { .. }
        | O::I64Store8 { .. }
        | O::I64Store16 { .. }
        | O::I64Store32 { .. } => Memory,
        O::MemorySize { .. }
        | O::TableGet { .. }
        | O::TableSet { .. }
        | O::TableSize { .. }
        | O::DataDrop { .. }
        | O::ElemDrop { .. } => Access,
        O::MemoryGrow { .. }
        | O::MemoryFill { .. }
        | O::MemoryCopy { .. }
        | O::MemoryInit { .. }
        | O::TableGrow { .. }
        | O::TableFill { .. }
        | O::TableCopy { .. }
        | O::TableInit { .. } => Bulk,
        O::I32DivS | O::I32DivU | O::I32RemS | O::I32RemU => IntDiv,
        O::I64DivS | O::I64DivU | O::I64RemS | O::I64RemU => IntDiv,
        O::F32Div | O::F32Sqrt | O::F64Div | O::F64Sqrt => FloatDiv,
        O::I32Eqz
        | O::I32Eq
        | O::I32Ne
        | O::I32LtS
        | O::I32LtU
        | O::I32GtS
        | O::I32GtU
        | O::I32LeS
        | O::I32LeU
        | O::I32GeS
        | O::I32GeU
        | O::I32Clz
        | O::I32Ctz
        | O::I32Popcnt
        | O::I32Add
        | O::I32Sub
        | O::I32Mul
        | O::I32And
        | O::I32Or
        | O::I32Xor
        | O::I32Shl
        | O::I32ShrS
        | O::I32ShrU
        | O::I32Rotl
        | O::I32Rotr
        | O::I64Eqz
        | O::I64Eq
        | O::I64Ne
        | O::I64LtS
        | O::I64LtU
        | O::I64GtS
        | O::I64GtU
        | O::I64LeS
        | O::I64LeU
        | O::I64GeS
        | O::I64GeU
        | O::I64Clz
        | O::I64Ctz
        | O::I64Popcnt
        | O::I64Add
        | O::I64Sub
        | O::I64Mul
        | O::I64And
        | O::I64Or
        | O::I64Xor
        | O::I64Shl
        | O::I64ShrS
        | O::I64ShrU
        | O::I64Rotl
        | O::I64Rotr
        | O::I32WrapI64
        | O::I64ExtendI32S
        | O::I64ExtendI32U
        | O::I32Extend8S
        | O::I32Extend16S
        | O::I64Extend8S
        | O::I64Extend16S
        | O::I64Extend32S => IntAlu,
        O::F32Eq
        | O::F32Ne
        | O::F32Lt
        | O::F32Gt
        | O::F32Le
        | O::F32Ge
        | O::F64Eq
        | O::F64Ne
        | O::F64Lt
        | O::F64Gt
        | O::F64Le
        | O::F64Ge
        | O::F32Abs
        | O::F32Neg
        | O::F32Ceil
        | O::F32Floor
        | O::F32Trunc
        | O::F32Nearest
        | O::F32Add
        | O::F32Sub
        | O::F32Mul
        | O::F32Min
        | O::F32Max
        | O::F32Copysign
        | O::F64Abs
        | O::F64Neg
        | O::F64Ceil
        | O::F64Floor
        | O::F64Trunc
        | O::F64Nearest
        | O::F64Add
        | O::F64Sub
        | O::F64Mul
        | O::F64Min
        | O::F64Max
        | O::F64Copysign
        | O::I32TruncF32S
        | O::I32TruncF32U
        | O::I32TruncF64S
        | O::I32TruncF64U
        | O::I64TruncF32S
        | O::I64TruncF32U
        | O::I64TruncF64S
        | O::I64TruncF64U
        | O::F32ConvertI32S
        | O::F32ConvertI32U
        | O::F32ConvertI64S
        | O::F32ConvertI64U
        | O::F32DemoteF64
        | O::F64ConvertI32S
        | O::F64ConvertI32U
        | O::F64ConvertI64S
        | O::F64ConvertI64U
        | O::F64PromoteF32
        | O::I32ReinterpretF32
        | O::I64ReinterpretF64
        | O::F32ReinterpretI32
        | O::F64ReinterpretI64
        | O::I32TruncSatF32S
        | O::I32TruncSatF32U
        | O::I32TruncSatF64S
        | O::I32TruncSatF64U
        | O::I64TruncSatF32S
        | O::I64TruncSatF32U
        | O::I64TruncSatF64S
        | O::I64TruncSatF64U => Float,
        _ => Bulk,
    }
}

/// Base cost of a wasm instruction, in gas (SPEC.md §Gas).
#[inline]
pub fn base_cost(op: &Operator<'_>) -> u32 {
    class_of(op).cost()
}

/// Dynamic gas of a bulk memory instruction moving `len_bytes` bytes:
/// `ceil(len_bytes / 8)`.
pub fn bulk_memory_gas(len_bytes: u64) -> u64 {
    len_bytes.div_ceil(BULK_MEMORY_BYTES_PER_GAS)
}
