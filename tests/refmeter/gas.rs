//! The SPEC.md §Gas schedule, version 1, written again from the text of its table and
//! keyed on wasmparser's `Operator` variants: one arm per class, in the table's order.
//! Dynamic costs are computed in `exec`, where the operands are. It must not use
//! `detwasm::gas`. Depends on wasmparser.

use wasmparser::Operator as O;

/// `block`, `loop`, `end`, `else`, `nop`, `try_table`.
pub const STRUCTURAL: u64 = 0;
/// Constants, locals, globals, `drop`, `select`, `ref.null`, `ref.is_null`, `ref.func`.
pub const SIMPLE: u64 = 1;
/// Integer arithmetic, comparison, bit, shift, rotate, extension and wrapping.
pub const INTEGER: u64 = 1;
/// `div_s`, `div_u`, `rem_s`, `rem_u`.
pub const INTEGER_DIVISION: u64 = 4;
/// Other float instructions, float comparisons, conversions and reinterpretations.
pub const FLOAT: u64 = 2;
/// `f32/f64.div` and `f32/f64.sqrt`.
pub const FLOAT_DIVISION: u64 = 4;
/// Loads and stores.
pub const MEMORY: u64 = 2;
/// `br`, `br_if`, `br_table`, `if`, `return`, `unreachable`.
pub const BRANCH: u64 = 1;
/// `call`, `return_call`.
pub const CALL: u64 = 5;
/// `call_indirect`, `return_call_indirect`.
pub const INDIRECT_CALL: u64 = 8;
/// `memory.size`, `table.get/set/size`, `data.drop`, `elem.drop`.
pub const ACCESS: u64 = 2;
/// `memory.grow/fill/copy/init`, `table.grow/fill/copy/init`.
pub const BULK: u64 = 10;
/// `throw`, `throw_ref`.
pub const THROW: u64 = 20;
/// `memory.grow`, per page added.
pub const PER_PAGE: u64 = 1024;

/// The base cost of an instruction.
///
/// # Panics
/// On an instruction outside the profile (never in an accepted module).
pub fn base_cost(op: &O<'_>) -> u64 {
    match op {
        O::Block { .. } | O::Loop { .. } | O::End | O::Else | O::Nop | O::TryTable { .. } => {
            STRUCTURAL
        }

        O::I32Const { .. }
        | O::I64Const { .. }
        | O::F32Const { .. }
        | O::F64Const { .. }
        | O::LocalGet { .. }
        | O::LocalSet { .. }
        | O::LocalTee { .. }
        | O::GlobalGet { .. }
        | O::GlobalSet { .. }
        | O::Drop
        | O::Select
        | O::TypedSelect { .. }
        | O::RefNull { .. }
        | O::RefIsNull
        | O::RefFunc { .. } => SIMPLE,

        O::I32DivS
        | O::I32DivU
        | O::I32RemS
        | O::I32RemU
        | O::I64DivS
        | O::I64DivU
        | O::I64RemS
        | O::I64RemU => INTEGER_DIVISION,

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
        | O::I64Extend32S => INTEGER,

        O::F32Div | O::F64Div | O::F32Sqrt | O::F64Sqrt => FLOAT_DIVISION,

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
        | O::I32TruncSatF32S
        | O::I32TruncSatF32U
        | O::I32TruncSatF64S
        | O::I32TruncSatF64U
        | O::I64TruncSatF32S
        | O::I64TruncSatF32U
        | O::I64TruncSatF64S
        | O::I64TruncSatF64U
        | O::F32ConvertI32S
        | O::F32ConvertI32U
        | O::F32ConvertI64S
        | O::F32ConvertI64U
        | O::F64ConvertI32S
        | O::F64ConvertI32U
        | O::F64ConvertI64S
        | O::F64ConvertI64U
        | O::F32DemoteF64
        | O::F64PromoteF32
        | O::I32ReinterpretF32
        | O::I64ReinterpretF64
        | O::F32ReinterpretI32
        | O::F64ReinterpretI64 => FLOAT,

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
        | O::I64Store32 { .. } => MEMORY,

        O::Br { .. }
        | O::BrIf { .. }
        | O::BrTable { .. }
        | O::If { .. }
        | O::Return
        | O::Unreachable => BRANCH,

        O::Call { .. } | O::ReturnCall { .. } => CALL,
        O::CallIndirect { .. } | O::ReturnCallIndirect { .. } => INDIRECT_CALL,

        O::MemorySize { .. }
        | O::TableGet { .. }
        | O::TableSet { .. }
        | O::TableSize { .. }
        | O::DataDrop { .. }
        | O::ElemDrop { .. } => ACCESS,

        O::MemoryGrow { .. }
        | O::MemoryFill { .. }
        | O::MemoryCopy { .. }
        | O::MemoryInit { .. }
        | O::TableGrow { .. }
        | O::TableFill { .. }
        | O::TableCopy { .. }
        | O::TableInit { .. } => BULK,

        O::Throw { .. } | O::ThrowRef => THROW,

        other => panic!("instruction outside the profile: {other:?}"),
    }
}

/// The dynamic cost of `memory.fill/copy/init` for a length of `n` bytes: ceil(n / 8).
pub fn bytes_cost(n: u64) -> u64 {
    n.div_ceil(8)
}
