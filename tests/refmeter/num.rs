//! Numeric instructions of the reference meter (core §4.4.1): integer arithmetic with
//! the spec's traps, and float instructions through `detwasm::float` (SPEC.md §NaN).
//! Operands are 64-bit slots (SPEC.md §Values): `i32`/`f32` zero-extended bits.
//! Depends on wasmparser and `detwasm::float`.

use detwasm::float as fl;
use wasmparser::Operator as O;

use super::Trap;

fn trunc_trap(e: fl::TruncError) -> Trap {
    match e {
        fl::TruncError::InvalidConversion => Trap::INVALID_CONVERSION,
        fl::TruncError::Overflow => Trap::INTEGER_OVERFLOW,
    }
}

fn b(v: bool) -> u64 {
    u64::from(v)
}

fn w32(v: u32) -> u64 {
    u64::from(v)
}

/// Executes `op` if it is a numeric instruction on the top of `stack`; `None` when it
/// is not one.
pub fn exec_numeric(op: &O<'_>, stack: &mut Vec<u64>) -> Option<Result<(), Trap>> {
    macro_rules! un {
        (|$a:ident| $e:expr) => {{
            let $a = stack.pop().expect("operand");
            let r: Result<u64, Trap> = $e;
            r
        }};
    }
    macro_rules! bin {
        (|$a:ident, $b:ident| $e:expr) => {{
            let $b = stack.pop().expect("operand");
            let $a = stack.pop().expect("operand");
            let r: Result<u64, Trap> = $e;
            r
        }};
    }
    let r: Result<u64, Trap> = match *op {
        O::I32Const { value } => Ok(w32(value as u32)),
        O::I64Const { value } => Ok(value as u64),
        O::F32Const { value } => Ok(w32(value.bits())),
        O::F64Const { value } => Ok(value.bits()),

        O::I32Eqz => un!(|a| Ok(b(a as u32 == 0))),
        O::I64Eqz => un!(|a| Ok(b(a == 0))),
        O::I32Eq => bin!(|a, c| Ok(b(a as u32 == c as u32))),
        O::I32Ne => bin!(|a, c| Ok(b(a as u32 != c as u32))),
        O::I32LtS => bin!(|a, c| Ok(b((a as i32) < (c as i32)))),
        O::I32LtU => bin!(|a, c| Ok(b((a as u32) < (c as u32)))),
        O::I32GtS => bin!(|a, c| Ok(b((a as i32) > (c as i32)))),
        O::I32GtU => bin!(|a, c| Ok(b((a as u32) > (c as u32)))),
        O::I32LeS => bin!(|a, c| Ok(b((a as i32) <= (c as i32)))),
        O::I32LeU => bin!(|a, c| Ok(b((a as u32) <= (c as u32)))),
        O::I32GeS => bin!(|a, c| Ok(b((a as i32) >= (c as i32)))),
        O::I32GeU => bin!(|a, c| Ok(b((a as u32) >= (c as u32)))),
        O::I64Eq => bin!(|a, c| Ok(b(a == c))),
        O::I64Ne => bin!(|a, c| Ok(b(a != c))),
        O::I64LtS => bin!(|a, c| Ok(b((a as i64) < (c as i64)))),
        O::I64LtU => bin!(|a, c| Ok(b(a < c))),
        O::I64GtS => bin!(|a, c| Ok(b((a as i64) > (c as i64)))),
        O::I64GtU => bin!(|a, c| Ok(b(a > c))),
        O::I64LeS => bin!(|a, c| Ok(b((a as i64) <= (c as i64)))),
        O::I64LeU => bin!(|a, c| Ok(b(a <= c))),
        O::I64GeS => bin!(|a, c| Ok(b((a as i64) >= (c as i64)))),
        O::I64GeU => bin!(|a, c| Ok(b(a >= c))),

        O::I32Clz => un!(|a| Ok(w32((a as u32).leading_zeros()))),
        O::I32Ctz => un!(|a| Ok(w32((a as u32).trailing_zeros()))),
        O::I32Popcnt => un!(|a| Ok(w32((a as u32).count_ones()))),
        O::I32Add => bin!(|a, c| Ok(w32((a as u32).wrapping_add(c as u32)))),
        O::I32Sub => bin!(|a, c| Ok(w32((a as u32).wrapping_sub(c as u32)))),
        O::I32Mul => bin!(|a, c| Ok(w32((a as u32).wrapping_mul(c as u32)))),
        O::I32DivS => bin!(|a, c| {
            let (x, y) = (a as i32, c as i32);
            if y == 0 {
                Err(Trap::DIV_BY_ZERO)
            } else if x == i32::MIN && y == -1 {
                Err(Trap::INTEGER_OVERFLOW)
            } else {
                Ok(w32((x / y) as u32))
            }
        }),
        O::I32DivU => bin!(|a, c| match c as u32 {
            0 => Err(Trap::DIV_BY_ZERO),
            y => Ok(w32(a as u32 / y)),
        }),
        O::I32RemS => bin!(|a, c| match c as i32 {
            0 => Err(Trap::DIV_BY_ZERO),
            y => Ok(w32((a as i32).wrapping_rem(y) as u32)),
        }),
        O::I32RemU => bin!(|a, c| match c as u32 {
            0 => Err(Trap::DIV_BY_ZERO),
            y => Ok(w32(a as u32 % y)),
        }),
        O::I32And => bin!(|a, c| Ok(w32(a as u32 & c as u32))),
        O::I32Or => bin!(|a, c| Ok(w32(a as u32 | c as u32))),
        O::I32Xor => bin!(|a, c| Ok(w32(a as u32 ^ c as u32))),
        O::I32Shl => bin!(|a, c| Ok(w32((a as u32).wrapping_shl(c as u32)))),
        O::I32ShrS => bin!(|a, c| Ok(w32((a as i32).wrapping_shr(c as u32) as u32))),
        O::I32ShrU => bin!(|a, c| Ok(w32((a as u32).wrapping_shr(c as u32)))),
        O::I32Rotl => bin!(|a, c| Ok(w32((a as u32).rotate_left(c as u32 % 32)))),
        O::I32Rotr => bin!(|a, c| Ok(w32((a as u32).rotate_right(c as u32 % 32)))),

        O::I64Clz => un!(|a| Ok(u64::from(a.leading_zeros()))),
        O::I64Ctz => un!(|a| Ok(u64::from(a.trailing_zeros()))),
        O::I64Popcnt => un!(|a| Ok(u64::from(a.count_ones()))),
        O::I64Add => bin!(|a, c| Ok(a.wrapping_add(c))),
        O::I64Sub => bin!(|a, c| Ok(a.wrapping_sub(c))),
        O::I64Mul => bin!(|a, c| Ok(a.wrapping_mul(c))),
        O::I64DivS => bin!(|a, c| {
            let (x, y) = (a as i64, c as i64);
            if y == 0 {
                Err(Trap::DIV_BY_ZERO)
            } else if x == i64::MIN && y == -1 {
                Err(Trap::INTEGER_OVERFLOW)
            } else {
                Ok((x / y) as u64)
            }
        }),
        O::I64DivU => bin!(|a, c| match c {
            0 => Err(Trap::DIV_BY_ZERO),
            y => Ok(a / y),
        }),
        O::I64RemS => bin!(|a, c| match c as i64 {
            0 => Err(Trap::DIV_BY_ZERO),
            y => Ok((a as i64).wrapping_rem(y) as u64),
        }),
        O::I64RemU => bin!(|a, c| match c {
            0 => Err(Trap::DIV_BY_ZERO),
            y => Ok(a % y),
        }),
        O::I64And => bin!(|a, c| Ok(a & c)),
        O::I64Or => bin!(|a, c| Ok(a | c)),
        O::I64Xor => bin!(|a, c| Ok(a ^ c)),
        O::I64Shl => bin!(|a, c| Ok(a.wrapping_shl(c as u32))),
        O::I64ShrS => bin!(|a, c| Ok((a as i64).wrapping_shr(c as u32) as u64)),
        O::I64ShrU => bin!(|a, c| Ok(a.wrapping_shr(c as u32))),
        O::I64Rotl => bin!(|a, c| Ok(a.rotate_left((c % 64) as u32))),
        O::I64Rotr => bin!(|a, c| Ok(a.rotate_right((c % 64) as u32))),

        O::I32WrapI64 => un!(|a| Ok(w32(a as u32))),
        O::I64ExtendI32S => un!(|a| Ok(a as u32 as i32 as i64 as u64)),
        O::I64ExtendI32U => un!(|a| Ok(w32(a as u32))),
        O::I32Extend8S => un!(|a| Ok(w32(a as u8 as i8 as i32 as u32))),
        O::I32Extend16S => un!(|a| Ok(w32(a as u16 as i16 as i32 as u32))),
        O::I64Extend8S => un!(|a| Ok(a as u8 as i8 as i64 as u64)),
        O::I64Extend16S => un!(|a| Ok(a as u16 as i16 as i64 as u64)),
        O::I64Extend32S => un!(|a| Ok(a as u32 as i32 as i64 as u64)),

        O::F32Eq => bin!(|a, c| Ok(b(fl::f32_eq(a as u32, c as u32)))),
        O::F32Ne => bin!(|a, c| Ok(b(fl::f32_ne(a as u32, c as u32)))),
        O::F32Lt => bin!(|a, c| Ok(b(fl::f32_lt(a as u32, c as u32)))),
        O::F32Gt => bin!(|a, c| Ok(b(fl::f32_gt(a as u32, c as u32)))),
        O::F32Le => bin!(|a, c| Ok(b(fl::f32_le(a as u32, c as u32)))),
        O::F32Ge => bin!(|a, c| Ok(b(fl::f32_ge(a as u32, c as u32)))),
        O::F64Eq => bin!(|a, c| Ok(b(fl::f64_eq(a, c)))),
        O::F64Ne => bin!(|a, c| Ok(b(fl::f64_ne(a, c)))),
        O::F64Lt => bin!(|a, c| Ok(b(fl::f64_lt(a, c)))),
        O::F64Gt => bin!(|a, c| Ok(b(fl::f64_gt(a, c)))),
        O::F64Le => bin!(|a, c| Ok(b(fl::f64_le(a, c)))),
        O::F64Ge => bin!(|a, c| Ok(b(fl::f64_ge(a, c)))),

        O::F32Abs => un!(|a| Ok(w32(fl::f32_abs(a as u32)))),
        O::F32Neg => un!(|a| Ok(w32(fl::f32_neg(a as u32)))),
        O::F32Ceil => un!(|a| Ok(w32(fl::f32_ceil(a as u32)))),
        O::F32Floor => un!(|a| Ok(w32(fl::f32_floor(a as u32)))),
        O::F32Trunc => un!(|a| Ok(w32(fl::f32_trunc(a as u32)))),
        O::F32Nearest => un!(|a| Ok(w32(fl::f32_nearest(a as u32)))),
        O::F32Sqrt => un!(|a| Ok(w32(fl::f32_sqrt(a as u32)))),
        O::F32Add => bin!(|a, c| Ok(w32(fl::f32_add(a as u32, c as u32)))),
        O::F32Sub => bin!(|a, c| Ok(w32(fl::f32_sub(a as u32, c as u32)))),
        O::F32Mul => bin!(|a, c| Ok(w32(fl::f32_mul(a as u32, c as u32)))),
        O::F32Div => bin!(|a, c| Ok(w32(fl::f32_div(a as u32, c as u32)))),
        O::F32Min => bin!(|a, c| Ok(w32(fl::f32_min(a as u32, c as u32)))),
        O::F32Max => bin!(|a, c| Ok(w32(fl::f32_max(a as u32, c as u32)))),
        O::F32Copysign => bin!(|a, c| Ok(w32(fl::f32_copysign(a as u32, c as u32)))),
        O::F64Abs => un!(|a| Ok(fl::f64_abs(a))),
        O::F64Neg => un!(|a| Ok(fl::f64_neg(a))),
        O::F64Ceil => un!(|a| Ok(fl::f64_ceil(a))),
        O::F64Floor => un!(|a| Ok(fl::f64_floor(a))),
        O::F64Trunc => un!(|a| Ok(fl::f64_trunc(a))),
        O::F64Nearest => un!(|a| Ok(fl::f64_nearest(a))),
        O::F64Sqrt => un!(|a| Ok(fl::f64_sqrt(a))),
        O::F64Add => bin!(|a, c| Ok(fl::f64_add(a, c))),
        O::F64Sub => bin!(|a, c| Ok(fl::f64_sub(a, c))),
        O::F64Mul => bin!(|a, c| Ok(fl::f64_mul(a, c))),
        O::F64Div => bin!(|a, c| Ok(fl::f64_div(a, c))),
        O::F64Min => bin!(|a, c| Ok(fl::f64_min(a, c))),
        O::F64Max => bin!(|a, c| Ok(fl::f64_max(a, c))),
        O::F64Copysign => bin!(|a, c| Ok(fl::f64_copysign(a, c))),

        O::I32TruncF32S => un!(|a| fl::i32_trunc_f32_s(a as u32)
            .map(|v| w32(v as u32))
            .map_err(trunc_trap)),
        O::I32TruncF32U => un!(|a| fl::i32_trunc_f32_u(a as u32).map(w32).map_err(trunc_trap)),
        O::I32TruncF64S => un!(|a| fl::i32_trunc_f64_s(a)
            .map(|v| w32(v as u32))
            .map_err(trunc_trap)),
        O::I32TruncF64U => un!(|a| fl::i32_trunc_f64_u(a).map(w32).map_err(trunc_trap)),
        O::I64TruncF32S => un!(|a| fl::i64_trunc_f32_s(a as u32)
            .map(|v| v as u64)
            .map_err(trunc_trap)),
        O::I64TruncF32U => un!(|a| fl::i64_trunc_f32_u(a as u32).map_err(trunc_trap)),
        O::I64TruncF64S => un!(|a| fl::i64_trunc_f64_s(a).map(|v| v as u64).map_err(trunc_trap)),
        O::I64TruncF64U => un!(|a| fl::i64_trunc_f64_u(a).map_err(trunc_trap)),
        O::I32TruncSatF32S => un!(|a| Ok(w32(fl::i32_trunc_sat_f32_s(a as u32) as u32))),
        O::I32TruncSatF32U => un!(|a| Ok(w32(fl::i32_trunc_sat_f32_u(a as u32)))),
        O::I32TruncSatF64S => un!(|a| Ok(w32(fl::i32_trunc_sat_f64_s(a) as u32))),
        O::I32TruncSatF64U => un!(|a| Ok(w32(fl::i32_trunc_sat_f64_u(a)))),
        O::I64TruncSatF32S => un!(|a| Ok(fl::i64_trunc_sat_f32_s(a as u32) as u64)),
        O::I64TruncSatF32U => un!(|a| Ok(fl::i64_trunc_sat_f32_u(a as u32))),
        O::I64TruncSatF64S => un!(|a| Ok(fl::i64_trunc_sat_f64_s(a) as u64)),
        O::I64TruncSatF64U => un!(|a| Ok(fl::i64_trunc_sat_f64_u(a))),
        O::F32ConvertI32S => un!(|a| Ok(w32(fl::f32_convert_i32_s(a as u32 as i32)))),
        O::F32ConvertI32U => un!(|a| Ok(w32(fl::f32_convert_i32_u(a as u32)))),
        O::F32ConvertI64S => un!(|a| Ok(w32(fl::f32_convert_i64_s(a as i64)))),
        O::F32ConvertI64U => un!(|a| Ok(w32(fl::f32_convert_i64_u(a)))),
        O::F64ConvertI32S => un!(|a| Ok(fl::f64_convert_i32_s(a as u32 as i32))),
        O::F64ConvertI32U => un!(|a| Ok(fl::f64_convert_i32_u(a as u32))),
        O::F64ConvertI64S => un!(|a| Ok(fl::f64_convert_i64_s(a as i64))),
        O::F64ConvertI64U => un!(|a| Ok(fl::f64_convert_i64_u(a))),
        O::F32DemoteF64 => un!(|a| Ok(w32(fl::f32_demote_f64(a)))),
        O::F64PromoteF32 => un!(|a| Ok(fl::f64_promote_f32(a as u32))),
        // Reinterpretations keep every bit; slots already hold the raw bits.
        O::I32ReinterpretF32
        | O::I64ReinterpretF64
        | O::F32ReinterpretI32
        | O::F64ReinterpretI64 => return Some(Ok(())),
        _ => return None,
    };
    Some(r.map(|v| stack.push(v)))
}
