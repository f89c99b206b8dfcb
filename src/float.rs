//! WebAssembly floating-point semantics on raw bits (f32 as `u32`, f64 as `u64`):
//! arithmetic, rounding, min/max, the bit-level sign operations, comparisons and every
//! float conversion (core §4.3.3, §4.3.4), made identical on every platform by the NaN
//! rule of SPEC.md §NaN: whenever an arithmetic instruction's result is a NaN, it is the
//! canonical positive NaN, while the bit-level instructions keep NaN payloads exactly.
//! It owns only pure, stateless functions; it must not trap by itself (trapping
//! conversions return [`TruncError`] for exec to map to a `TrapCode`), must not let a
//! host-FPU NaN payload escape, and never panics. It depends on nothing but `core` and
//! uses the same raw-bit representation as `value::Value`.

use core::fmt;

/// The canonical f32 NaN, `+nan(0x400000)`: every arithmetic NaN result.
///
/// # Spec
/// core §4.3.3 floating-point operations (canonical NaN); SPEC.md §NaN.
pub const F32_CANONICAL_NAN: u32 = 0x7fc0_0000;

/// The canonical f64 NaN, `+nan(0x8000000000000)`: every arithmetic NaN result.
///
/// # Spec
/// core §4.3.3 floating-point operations (canonical NaN); SPEC.md §NaN.
pub const F64_CANONICAL_NAN: u64 = 0x7ff8_0000_0000_0000;

const F32_SIGN: u32 = 0x8000_0000;
const F64_SIGN: u64 = 0x8000_0000_0000_0000;

/// Whether `bits` is a canonical f32 NaN of either sign, as the spec's `nan:canonical`
/// result pattern matches (SPEC.md §NaN further requires the positive one:
/// compare with [`F32_CANONICAL_NAN`] to check that).
///
/// # Spec
/// core §4.3.3 floating-point operations (canonical NaN); SPEC.md §NaN.
pub fn f32_is_canonical_nan(bits: u32) -> bool {
    bits & !F32_SIGN == F32_CANONICAL_NAN
}

/// Whether `bits` is an arithmetic f32 NaN (quiet bit set, any sign and payload), as
/// the spec's `nan:arithmetic` result pattern matches.
///
/// # Spec
/// core §4.3.3 floating-point operations (arithmetic NaN); SPEC.md §NaN.
pub fn f32_is_arithmetic_nan(bits: u32) -> bool {
    bits & F32_CANONICAL_NAN == F32_CANONICAL_NAN
}

/// Whether `bits` is a canonical f64 NaN of either sign, as the spec's `nan:canonical`
/// result pattern matches (SPEC.md §NaN further requires the positive one:
/// compare with [`F64_CANONICAL_NAN`] to check that).
///
/// # Spec
/// core §4.3.3 floating-point operations (canonical NaN); SPEC.md §NaN.
pub fn f64_is_canonical_nan(bits: u64) -> bool {
    bits & !F64_SIGN == F64_CANONICAL_NAN
}

/// Whether `bits` is an arithmetic f64 NaN (quiet bit set, any sign and payload), as
/// the spec's `nan:arithmetic` result pattern matches.
///
/// # Spec
/// core §4.3.3 floating-point operations (arithmetic NaN); SPEC.md §NaN.
pub fn f64_is_arithmetic_nan(bits: u64) -> bool {
    bits & F64_CANONICAL_NAN == F64_CANONICAL_NAN
}

/// The canonical f32 NaN, on a path the compiler lays out as rarely taken.
#[cold]
#[inline(never)]
fn canonical_nan_f32() -> u32 {
    F32_CANONICAL_NAN
}

/// The canonical f64 NaN, on a path the compiler lays out as rarely taken.
#[cold]
#[inline(never)]
fn canonical_nan_f64() -> u64 {
    F64_CANONICAL_NAN
}

/// The bits of an arithmetic f32 result, with any NaN replaced by the canonical one.
/// A NaN result is rare, so it is a branch (not a select on every result).
#[inline(always)]
fn canon_f32(r: f32) -> u32 {
    if r.is_nan() {
        canonical_nan_f32()
    } else {
        r.to_bits()
    }
}

/// The bits of an arithmetic f64 result, with any NaN replaced by the canonical one.
/// A NaN result is rare, so it is a branch (not a select on every result).
#[inline(always)]
fn canon_f64(r: f64) -> u64 {
    if r.is_nan() {
        canonical_nan_f64()
    } else {
        r.to_bits()
    }
}

/// Defines one IEEE 754 binary operation whose NaN results are canonical.
macro_rules! arith_binop {
    ($f:ident, $bits:ty, $canon:ident, $name:ident, $instr:literal, $what:literal, $op:tt) => {
        #[doc = concat!(
            "`", stringify!($f), ".", $instr, "`: ", $what, ", rounded to nearest, ties to even."
        )]
        ///
        /// A NaN result (from a NaN operand or an invalid operation) is the canonical
        /// positive NaN.
        ///
        /// # Spec
        #[doc = concat!("core §4.3.3 floating-point operations (`f", $instr, "`); SPEC.md §NaN.")]
        pub fn $name(a: $bits, b: $bits) -> $bits {
            $canon($f::from_bits(a) $op $f::from_bits(b))
        }
    };
}

/// Defines one IEEE 754 unary operation whose NaN results are canonical.
macro_rules! arith_unop {
    (
        $f:ident, $bits:ty, $canon:ident, $name:ident, $instr:literal, $what:literal,
        $method:ident
    ) => {
        #[doc = concat!("`", stringify!($f), ".", $instr, "`: ", $what, ".")]
        ///
        /// The sign of a zero result is kept; a NaN result is the canonical positive NaN.
        ///
        /// # Spec
        #[doc = concat!("core §4.3.3 floating-point operations (`f", $instr, "`); SPEC.md §NaN.")]
        pub fn $name(a: $bits) -> $bits {
            $canon($f::from_bits(a).$method())
        }
    };
}

/// Defines one IEEE 754 comparison.
macro_rules! compare {
    ($f:ident, $bits:ty, $name:ident, $instr:literal, $what:literal, $op:tt) => {
        #[doc = concat!(
            "`", stringify!($f), ".", $instr, "`: whether `a` ", $what,
            " `b`, as IEEE 754 orders them."
        )]
        ///
        /// `-0` equals `+0`; a NaN operand makes the result false, except for `ne`,
        /// where it makes it true.
        ///
        /// # Spec
        #[doc = concat!("core §4.3.3 floating-point operations (`f", $instr, "`); SPEC.md §NaN.")]
        #[allow(clippy::float_cmp, reason = "exact IEEE 754 comparison is the instruction itself")]
        pub fn $name(a: $bits, b: $bits) -> bool {
            $f::from_bits(a) $op $f::from_bits(b)
        }
    };
}

/// Defines every same-width operation of one float type.
macro_rules! float_ops {
    (
        $f:ident, $bits:ty, $canon:ident, $nan:ident, $sign:ident,
        [$add:ident, $sub:ident, $mul:ident, $div:ident],
        [$min:ident, $max:ident],
        [$sqrt:ident, $ceil:ident, $floor:ident, $trunc:ident, $nearest:ident],
        [$abs:ident, $neg:ident, $copysign:ident],
        [$eq:ident, $ne:ident, $lt:ident, $gt:ident, $le:ident, $ge:ident] $(,)?
    ) => {
        arith_binop!($f, $bits, $canon, $add, "add", "the sum `a + b`", +);
        arith_binop!($f, $bits, $canon, $sub, "sub", "the difference `a - b`", -);
        arith_binop!($f, $bits, $canon, $mul, "mul", "the product `a * b`", *);
        arith_binop!($f, $bits, $canon, $div, "div", "the quotient `a / b`", /);

        #[doc = concat!(
            "`", stringify!($f), ".min`: the lesser operand, with `-0` less than `+0`."
        )]
        ///
        /// A NaN operand gives the canonical positive NaN (unlike Rust's `min`, which
        /// ignores it).
        ///
        /// # Spec
        /// core §4.3.3 floating-point operations (`fmin`); SPEC.md §NaN.
        pub fn $min(a: $bits, b: $bits) -> $bits {
            let (x, y) = ($f::from_bits(a), $f::from_bits(b));
            if x.is_nan() || y.is_nan() {
                $nan
            } else if x < y {
                a
            } else if y < x {
                b
            } else {
                // Equal non-NaN operands have equal bits or are the two zeros, and
                // OR-ing the bits picks -0 from a pair of zeros.
                a | b
            }
        }

        #[doc = concat!(
            "`", stringify!($f), ".max`: the greater operand, with `+0` greater than `-0`."
        )]
        ///
        /// A NaN operand gives the canonical positive NaN (unlike Rust's `max`, which
        /// ignores it).
        ///
        /// # Spec
        /// core §4.3.3 floating-point operations (`fmax`); SPEC.md §NaN.
        pub fn $max(a: $bits, b: $bits) -> $bits {
            let (x, y) = ($f::from_bits(a), $f::from_bits(b));
            if x.is_nan() || y.is_nan() {
                $nan
            } else if x > y {
                a
            } else if y > x {
                b
            } else {
                // Equal non-NaN operands have equal bits or are the two zeros, and
                // AND-ing the bits picks +0 from a pair of zeros.
                a & b
            }
        }

        arith_unop!($f, $bits, $canon, $sqrt, "sqrt",
            "the correctly rounded square root (NaN below `-0`)", sqrt);
        arith_unop!($f, $bits, $canon, $ceil, "ceil",
            "the least integral value not below the operand", ceil);
        arith_unop!($f, $bits, $canon, $floor, "floor",
            "the greatest integral value not above the operand", floor);
        arith_unop!($f, $bits, $canon, $trunc, "trunc",
            "the operand rounded towards zero to an integral value", trunc);
        arith_unop!($f, $bits, $canon, $nearest, "nearest",
            "the nearest integral value, ties to even (so `nearest(-0.5)` is `-0`)",
            round_ties_even);

        #[doc = concat!("`", stringify!($f), ".abs`: the operand with its sign bit cleared.")]
        ///
        /// A bit operation, never float arithmetic: NaN payloads are kept exactly.
        ///
        /// # Spec
        /// core §4.3.3 floating-point operations (`fabs`); SPEC.md §NaN.
        pub fn $abs(a: $bits) -> $bits {
            a & !$sign
        }

        #[doc = concat!("`", stringify!($f), ".neg`: the operand with its sign bit flipped.")]
        ///
        /// A bit operation, never float arithmetic: NaN payloads are kept exactly.
        ///
        /// # Spec
        /// core §4.3.3 floating-point operations (`fneg`); SPEC.md §NaN.
        pub fn $neg(a: $bits) -> $bits {
            a ^ $sign
        }

        #[doc = concat!("`", stringify!($f), ".copysign`: `a` with the sign bit of `b`.")]
        ///
        /// A bit operation, never float arithmetic: NaN payloads are kept exactly.
        ///
        /// # Spec
        /// core §4.3.3 floating-point operations (`fcopysign`); SPEC.md §NaN.
        pub fn $copysign(a: $bits, b: $bits) -> $bits {
            (a & !$sign) | (b & $sign)
        }

        compare!($f, $bits, $eq, "eq", "equals", ==);
        compare!($f, $bits, $ne, "ne", "differs from", !=);
        compare!($f, $bits, $lt, "lt", "is less than", <);
        compare!($f, $bits, $gt, "gt", "is greater than", >);
        compare!($f, $bits, $le, "le", "is at most", <=);
        compare!($f, $bits, $ge, "ge", "is at least", >=);
    };
}

float_ops! {
    f32, u32, canon_f32, F32_CANONICAL_NAN, F32_SIGN,
    [f32_add, f32_sub, f32_mul, f32_div],
    [f32_min, f32_max],
    [f32_sqrt, f32_ceil, f32_floor, f32_trunc, f32_nearest],
    [f32_abs, f32_neg, f32_copysign],
    [f32_eq, f32_ne, f32_lt, f32_gt, f32_le, f32_ge],
}

float_ops! {
    f64, u64, canon_f64, F64_CANONICAL_NAN, F64_SIGN,
    [f64_add, f64_sub, f64_mul, f64_div],
    [f64_min, f64_max],
    [f64_sqrt, f64_ceil, f64_floor, f64_trunc, f64_nearest],
    [f64_abs, f64_neg, f64_copysign],
    [f64_eq, f64_ne, f64_lt, f64_gt, f64_le, f64_ge],
}

/// `f32.demote_f64`: the f64 operand rounded to nearest f32, ties to even (overflow
/// gives an infinity).
///
/// A NaN operand gives the canonical positive f32 NaN, whatever its payload.
///
/// # Spec
/// core §4.3.4 conversions (`demote`); SPEC.md §NaN.
#[allow(
    clippy::cast_possible_truncation,
    reason = "f64-to-f32 `as` is IEEE round to nearest, ties to even: the instruction itself"
)]
pub fn f32_demote_f64(a: u64) -> u32 {
    canon_f32(f64::from_bits(a) as f32)
}

/// `f64.promote_f32`: the f32 operand as an f64, exactly.
///
/// A NaN operand gives the canonical positive f64 NaN, whatever its payload.
///
/// # Spec
/// core §4.3.4 conversions (`promote`); SPEC.md §NaN.
pub fn f64_promote_f32(a: u32) -> u64 {
    canon_f64(f64::from(f32::from_bits(a)))
}

/// `f32.convert_i32_s`: the signed integer rounded to nearest f32, ties to even.
///
/// # Spec
/// core §4.3.4 conversions (`convert_s`); SPEC.md §NaN (never produces a NaN).
#[allow(
    clippy::cast_precision_loss,
    reason = "int-to-float `as` rounds to nearest, ties to even: the instruction itself"
)]
pub fn f32_convert_i32_s(a: i32) -> u32 {
    (a as f32).to_bits()
}

/// `f32.convert_i32_u`: the unsigned integer rounded to nearest f32, ties to even.
///
/// # Spec
/// core §4.3.4 conversions (`convert_u`); SPEC.md §NaN (never produces a NaN).
#[allow(
    clippy::cast_precision_loss,
    reason = "int-to-float `as` rounds to nearest, ties to even: the instruction itself"
)]
pub fn f32_convert_i32_u(a: u32) -> u32 {
    (a as f32).to_bits()
}

/// `f32.convert_i64_s`: the signed integer rounded once to nearest f32, ties to even
/// (never through f64, which could round twice).
///
/// # Spec
/// core §4.3.4 conversions (`convert_s`); SPEC.md §NaN (never produces a NaN).
#[allow(
    clippy::cast_precision_loss,
    reason = "int-to-float `as` rounds once to nearest, ties to even: the instruction itself"
)]
pub fn f32_convert_i64_s(a: i64) -> u32 {
    (a as f32).to_bits()
}

/// `f32.convert_i64_u`: the unsigned integer rounded once to nearest f32, ties to even
/// (never through f64, which could round twice).
///
/// # Spec
/// core §4.3.4 conversions (`convert_u`); SPEC.md §NaN (never produces a NaN).
#[allow(
    clippy::cast_precision_loss,
    reason = "int-to-float `as` rounds once to nearest, ties to even: the instruction itself"
)]
pub fn f32_convert_i64_u(a: u64) -> u32 {
    (a as f32).to_bits()
}

/// `f64.convert_i32_s`: the signed integer as an f64, exactly.
///
/// # Spec
/// core §4.3.4 conversions (`convert_s`); SPEC.md §NaN (never produces a NaN).
pub fn f64_convert_i32_s(a: i32) -> u64 {
    f64::from(a).to_bits()
}

/// `f64.convert_i32_u`: the unsigned integer as an f64, exactly.
///
/// # Spec
/// core §4.3.4 conversions (`convert_u`); SPEC.md §NaN (never produces a NaN).
pub fn f64_convert_i32_u(a: u32) -> u64 {
    f64::from(a).to_bits()
}

/// `f64.convert_i64_s`: the signed integer rounded to nearest f64, ties to even.
///
/// # Spec
/// core §4.3.4 conversions (`convert_s`); SPEC.md §NaN (never produces a NaN).
#[allow(
    clippy::cast_precision_loss,
    reason = "int-to-float `as` rounds to nearest, ties to even: the instruction itself"
)]
pub fn f64_convert_i64_s(a: i64) -> u64 {
    (a as f64).to_bits()
}

/// `f64.convert_i64_u`: the unsigned integer rounded to nearest f64, ties to even.
///
/// # Spec
/// core §4.3.4 conversions (`convert_u`); SPEC.md §NaN (never produces a NaN).
#[allow(
    clippy::cast_precision_loss,
    reason = "int-to-float `as` rounds to nearest, ties to even: the instruction itself"
)]
pub fn f64_convert_i64_u(a: u64) -> u64 {
    (a as f64).to_bits()
}

/// `i32.reinterpret_f32`: the f32 bits as an i32, unchanged.
///
/// # Spec
/// core §4.3.4 conversions (`reinterpret`); SPEC.md §NaN (payloads kept).
pub fn i32_reinterpret_f32(a: u32) -> i32 {
    a.cast_signed()
}

/// `i64.reinterpret_f64`: the f64 bits as an i64, unchanged.
///
/// # Spec
/// core §4.3.4 conversions (`reinterpret`); SPEC.md §NaN (payloads kept).
pub fn i64_reinterpret_f64(a: u64) -> i64 {
    a.cast_signed()
}

/// `f32.reinterpret_i32`: the i32 as f32 bits, unchanged.
///
/// # Spec
/// core §4.3.4 conversions (`reinterpret`); SPEC.md §NaN (payloads kept).
pub fn f32_reinterpret_i32(a: i32) -> u32 {
    a.cast_unsigned()
}

/// `f64.reinterpret_i64`: the i64 as f64 bits, unchanged.
///
/// # Spec
/// core §4.3.4 conversions (`reinterpret`); SPEC.md §NaN (payloads kept).
pub fn f64_reinterpret_i64(a: i64) -> u64 {
    a.cast_unsigned()
}

/// Why a trapping float-to-integer truncation has no result.
///
/// exec maps [`TruncError::InvalidConversion`] to `TrapCode::InvalidConversionToInteger`
/// and [`TruncError::Overflow`] to `TrapCode::IntegerOverflow`.
///
/// # Spec
/// core §4.3.4 conversions (`trunc_s`, `trunc_u`: undefined results trap).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum TruncError {
    /// The operand is a NaN of any sign or payload.
    InvalidConversion,
    /// The operand truncated towards zero, or an infinity, lies outside the target range.
    Overflow,
}

impl fmt::Display for TruncError {
    /// The spec test suite's trap text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TruncError::InvalidConversion => "invalid conversion to integer",
            TruncError::Overflow => "integer overflow",
        })
    }
}

impl std::error::Error for TruncError {}

/// Defines trapping truncations, one per line:
/// `name(float, bits) -> int, "instruction", lo..hi, "valid operands";`
/// where `lo..hi` bounds the operand truncated towards zero, taken as f64 (exact for
/// f32 operands too).
macro_rules! trunc_checked {
    ($(
        $name:ident($f:ident, $bits:ty) -> $int:ty, $instr:literal,
        $lo:literal..$hi:literal, $valid:literal;
    )*) => {$(
        #[doc = concat!(
            "`", $instr, "`: the operand truncated towards zero, as `", stringify!($int), "`."
        )]
        ///
        /// The range check is exact: the valid operands are
        #[doc = concat!("`", $valid, "` (both bounds are exact `", stringify!($f), "` values).")]
        ///
        /// # Errors
        /// [`TruncError::InvalidConversion`] for a NaN operand; [`TruncError::Overflow`]
        /// for an infinity or an operand outside the valid range.
        ///
        /// # Spec
        /// core §4.3.4 conversions (`trunc_s`, `trunc_u`); SPEC.md §NaN (a NaN operand traps).
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "the value is integral and checked to be in range, so `as` is exact"
        )]
        pub fn $name(a: $bits) -> Result<$int, TruncError> {
            let x = $f::from_bits(a);
            if x.is_nan() {
                return Err(TruncError::InvalidConversion);
            }
            // The bounds are 0 or ±powers of two, exact in f32 and f64, and the truncated
            // value is integral (or infinite), so the half-open range is the exact condition;
            // -0.9 truncates to -0, which is in range even for the unsigned conversions.
            let t = f64::from(x.trunc());
            if ($lo..$hi).contains(&t) {
                Ok(t as $int)
            } else {
                Err(TruncError::Overflow)
            }
        }
    )*};
}

trunc_checked! {
    i32_trunc_f32_s(f32, u32) -> i32, "i32.trunc_f32_s", -2_147_483_648.0..2_147_483_648.0,
        "-2147483904.0 < x < 2147483648.0";
    i32_trunc_f32_u(f32, u32) -> u32, "i32.trunc_f32_u", 0.0..4_294_967_296.0,
        "-1.0 < x < 4294967296.0";
    i32_trunc_f64_s(f64, u64) -> i32, "i32.trunc_f64_s", -2_147_483_648.0..2_147_483_648.0,
        "-2147483649.0 < x < 2147483648.0";
    i32_trunc_f64_u(f64, u64) -> u32, "i32.trunc_f64_u", 0.0..4_294_967_296.0,
        "-1.0 < x < 4294967296.0";
    i64_trunc_f32_s(f32, u32) -> i64, "i64.trunc_f32_s",
        -9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0,
        "-9223373136366403584.0 < x < 9223372036854775808.0";
    i64_trunc_f32_u(f32, u32) -> u64, "i64.trunc_f32_u", 0.0..18_446_744_073_709_551_616.0,
        "-1.0 < x < 18446744073709551616.0";
    i64_trunc_f64_s(f64, u64) -> i64, "i64.trunc_f64_s",
        -9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0,
        "-9223372036854777856.0 < x < 9223372036854775808.0";
    i64_trunc_f64_u(f64, u64) -> u64, "i64.trunc_f64_u", 0.0..18_446_744_073_709_551_616.0,
        "-1.0 < x < 18446744073709551616.0";
}

/// Defines saturating truncations, one per line: `name(float, bits) -> int, "instruction";`.
macro_rules! trunc_sat {
    ($($name:ident($f:ident, $bits:ty) -> $int:ty, $instr:literal;)*) => {$(
        #[doc = concat!(
            "`", $instr, "`: the operand truncated towards zero, clamped to `",
            stringify!($int), "`."
        )]
        ///
        /// A NaN operand gives 0; out-of-range values and infinities give the nearest
        /// bound. Never traps.
        ///
        /// # Spec
        /// core §4.3.4 conversions (`trunc_sat_s`, `trunc_sat_u`); SPEC.md §NaN (NaN gives 0).
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "float-to-int `as` truncates, saturates and maps NaN to 0: the instruction"
        )]
        pub fn $name(a: $bits) -> $int {
            $f::from_bits(a) as $int
        }
    )*};
}

trunc_sat! {
    i32_trunc_sat_f32_s(f32, u32) -> i32, "i32.trunc_sat_f32_s";
    i32_trunc_sat_f32_u(f32, u32) -> u32, "i32.trunc_sat_f32_u";
    i32_trunc_sat_f64_s(f64, u64) -> i32, "i32.trunc_sat_f64_s";
    i32_trunc_sat_f64_u(f64, u64) -> u32, "i32.trunc_sat_f64_u";
    i64_trunc_sat_f32_s(f32, u32) -> i64, "i64.trunc_sat_f32_s";
    i64_trunc_sat_f32_u(f32, u32) -> u64, "i64.trunc_sat_f32_u";
    i64_trunc_sat_f64_s(f64, u64) -> i64, "i64.trunc_sat_f64_s";
    i64_trunc_sat_f64_u(f64, u64) -> u64, "i64.trunc_sat_f64_u";
}

#[cfg(test)]
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::float_cmp,
    reason = "tests build reference values with `as` and compare floats exactly on purpose"
)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// f32 NaNs: quiet and signalling, both signs, with and without payloads.
    const F32_NANS: [u32; 8] = [
        0x7fa0_0001, // signalling, positive, payload
        0xffc0_0123, // quiet, negative, payload
        0x7f80_0001, // signalling, smallest payload
        0xff80_0001, // signalling, negative
        0x7fc0_0000, // canonical
        0xffc0_0000, // negative canonical
        0x7fff_ffff, // quiet, all payload bits
        0xffff_ffff,
    ];

    /// f64 NaNs: quiet and signalling, both signs, with and without payloads.
    const F64_NANS: [u64; 8] = [
        0x7ff4_0000_0000_0001,
        0xfff8_0000_0000_0123,
        0x7ff0_0000_0000_0001,
        0xfff0_0000_0000_0001,
        0x7ff8_0000_0000_0000,
        0xfff8_0000_0000_0000,
        0x7fff_ffff_ffff_ffff,
        0xffff_ffff_ffff_ffff,
    ];

    /// Non-NaN f32 operands: zeros, ones, infinities, extremes and a subnormal.
    const F32_OTHERS: [u32; 8] = [
        0x0000_0000,
        0x8000_0000,
        0x3f80_0000,
        0xbf80_0000,
        0x7f80_0000,
        0xff80_0000,
        0x0000_0001,
        0x7f7f_ffff,
    ];

    /// Non-NaN f64 operands: zeros, ones, infinities, extremes and a subnormal.
    const F64_OTHERS: [u64; 8] = [
        0x0000_0000_0000_0000,
        0x8000_0000_0000_0000,
        0x3ff0_0000_0000_0000,
        0xbff0_0000_0000_0000,
        0x7ff0_0000_0000_0000,
        0xfff0_0000_0000_0000,
        0x0000_0000_0000_0001,
        0x7fef_ffff_ffff_ffff,
    ];

    type Bin32 = fn(u32, u32) -> u32;
    type Bin64 = fn(u64, u64) -> u64;
    type Un32 = fn(u32) -> u32;
    type Un64 = fn(u64) -> u64;

    const F32_BINOPS: [(&str, Bin32); 6] = [
        ("f32.add", f32_add),
        ("f32.sub", f32_sub),
        ("f32.mul", f32_mul),
        ("f32.div", f32_div),
        ("f32.min", f32_min),
        ("f32.max", f32_max),
    ];
    const F64_BINOPS: [(&str, Bin64); 6] = [
        ("f64.add", f64_add),
        ("f64.sub", f64_sub),
        ("f64.mul", f64_mul),
        ("f64.div", f64_div),
        ("f64.min", f64_min),
        ("f64.max", f64_max),
    ];
    const F32_UNOPS: [(&str, Un32); 5] = [
        ("f32.sqrt", f32_sqrt),
        ("f32.ceil", f32_ceil),
        ("f32.floor", f32_floor),
        ("f32.trunc", f32_trunc),
        ("f32.nearest", f32_nearest),
    ];
    const F64_UNOPS: [(&str, Un64); 5] = [
        ("f64.sqrt", f64_sqrt),
        ("f64.ceil", f64_ceil),
        ("f64.floor", f64_floor),
        ("f64.trunc", f64_trunc),
        ("f64.nearest", f64_nearest),
    ];

    fn b32(x: f32) -> u32 {
        x.to_bits()
    }

    fn b64(x: f64) -> u64 {
        x.to_bits()
    }

    const F32_INF: u32 = 0x7f80_0000;
    const F32_NEG_INF: u32 = 0xff80_0000;
    const F64_INF: u64 = 0x7ff0_0000_0000_0000;
    const F64_NEG_INF: u64 = 0xfff0_0000_0000_0000;

    #[test]
    fn nan_operands_give_canonical_nan_f32() {
        for (name, op) in F32_BINOPS {
            for nan in F32_NANS {
                for other in F32_OTHERS.iter().chain(F32_NANS.iter()).copied() {
                    assert_eq!(
                        op(nan, other),
                        F32_CANONICAL_NAN,
                        "{name}({nan:#x}, {other:#x})"
                    );
                    assert_eq!(
                        op(other, nan),
                        F32_CANONICAL_NAN,
                        "{name}({other:#x}, {nan:#x})"
                    );
                }
            }
        }
        for (name, op) in F32_UNOPS {
            for nan in F32_NANS {
                assert_eq!(op(nan), F32_CANONICAL_NAN, "{name}({nan:#x})");
            }
        }
        for nan in F32_NANS {
            assert_eq!(f64_promote_f32(nan), F64_CANONICAL_NAN, "promote({nan:#x})");
        }
    }

    #[test]
    fn nan_operands_give_canonical_nan_f64() {
        for (name, op) in F64_BINOPS {
            for nan in F64_NANS {
                for other in F64_OTHERS.iter().chain(F64_NANS.iter()).copied() {
                    assert_eq!(
                        op(nan, other),
                        F64_CANONICAL_NAN,
                        "{name}({nan:#x}, {other:#x})"
                    );
                    assert_eq!(
                        op(other, nan),
                        F64_CANONICAL_NAN,
                        "{name}({other:#x}, {nan:#x})"
                    );
                }
            }
        }
        for (name, op) in F64_UNOPS {
            for nan in F64_NANS {
                assert_eq!(op(nan), F64_CANONICAL_NAN, "{name}({nan:#x})");
            }
        }
        for nan in F64_NANS {
            assert_eq!(f32_demote_f64(nan), F32_CANONICAL_NAN, "demote({nan:#x})");
        }
        // A payload in the high bits would survive a hardware demotion; it must not here.
        assert_eq!(f32_demote_f64(0x7ffc_0000_0000_0000), F32_CANONICAL_NAN);
        assert_eq!(f32_demote_f64(0xfff4_0000_2000_0000), F32_CANONICAL_NAN);
    }

    #[test]
    fn invalid_operations_give_canonical_nan() {
        let (zero32, neg_zero32, one32) = (0, 0x8000_0000, b32(1.0));
        assert_eq!(f32_sub(F32_INF, F32_INF), F32_CANONICAL_NAN);
        assert_eq!(f32_add(F32_INF, F32_NEG_INF), F32_CANONICAL_NAN);
        assert_eq!(f32_add(F32_NEG_INF, F32_INF), F32_CANONICAL_NAN);
        assert_eq!(f32_mul(zero32, F32_INF), F32_CANONICAL_NAN);
        assert_eq!(f32_mul(F32_NEG_INF, neg_zero32), F32_CANONICAL_NAN);
        assert_eq!(f32_div(zero32, zero32), F32_CANONICAL_NAN);
        assert_eq!(f32_div(neg_zero32, zero32), F32_CANONICAL_NAN);
        assert_eq!(f32_div(F32_INF, F32_NEG_INF), F32_CANONICAL_NAN);
        assert_eq!(f32_sqrt(b32(-1.0)), F32_CANONICAL_NAN);
        assert_eq!(f32_sqrt(F32_NEG_INF), F32_CANONICAL_NAN);
        assert_eq!(f32_sqrt(0x8000_0001), F32_CANONICAL_NAN);
        assert_eq!(f32_sqrt(neg_zero32), neg_zero32);
        assert_eq!(f32_div(one32, neg_zero32), F32_NEG_INF);

        let (zero64, neg_zero64, one64) = (0, F64_SIGN, b64(1.0));
        assert_eq!(f64_sub(F64_INF, F64_INF), F64_CANONICAL_NAN);
        assert_eq!(f64_add(F64_INF, F64_NEG_INF), F64_CANONICAL_NAN);
        assert_eq!(f64_add(F64_NEG_INF, F64_INF), F64_CANONICAL_NAN);
        assert_eq!(f64_mul(zero64, F64_INF), F64_CANONICAL_NAN);
        assert_eq!(f64_mul(F64_NEG_INF, neg_zero64), F64_CANONICAL_NAN);
        assert_eq!(f64_div(zero64, zero64), F64_CANONICAL_NAN);
        assert_eq!(f64_div(neg_zero64, zero64), F64_CANONICAL_NAN);
        assert_eq!(f64_div(F64_INF, F64_NEG_INF), F64_CANONICAL_NAN);
        assert_eq!(f64_sqrt(b64(-1.0)), F64_CANONICAL_NAN);
        assert_eq!(f64_sqrt(F64_NEG_INF), F64_CANONICAL_NAN);
        assert_eq!(f64_sqrt(0x8000_0000_0000_0001), F64_CANONICAL_NAN);
        assert_eq!(f64_sqrt(neg_zero64), neg_zero64);
        assert_eq!(f64_div(one64, neg_zero64), F64_NEG_INF);
    }

    #[test]
    fn bit_ops_keep_nan_payloads_f32() {
        assert_eq!(f32_abs(0xffc0_0123), 0x7fc0_0123);
        assert_eq!(f32_abs(0xff80_0001), 0x7f80_0001);
        assert_eq!(f32_abs(0x7fa0_0001), 0x7fa0_0001);
        assert_eq!(f32_neg(0x7fa0_0001), 0xffa0_0001);
        assert_eq!(f32_neg(0xffc0_0123), 0x7fc0_0123);
        assert_eq!(f32_copysign(0x7fa0_0001, 0x8000_0000), 0xffa0_0001);
        assert_eq!(f32_copysign(0xffc0_0123, 0x7fc0_0000), 0x7fc0_0123);
        assert_eq!(f32_copysign(b32(1.0), 0xffc0_0123), b32(-1.0));
        assert_eq!(f32_copysign(b32(-2.5), 0x7f80_0001), b32(2.5));
        for nan in F32_NANS {
            assert_eq!(f32_abs(nan), nan & !F32_SIGN);
            assert_eq!(f32_neg(nan), nan ^ F32_SIGN);
            assert_eq!(f32_copysign(nan, nan), nan);
            assert_eq!(f32_reinterpret_i32(i32_reinterpret_f32(nan)), nan);
        }
        assert_eq!(i32_reinterpret_f32(0xffc0_0123), 0xffc0_0123_u32 as i32);
        assert_eq!(f32_abs(0x8000_0000), 0);
        assert_eq!(f32_neg(0), 0x8000_0000);
    }

    #[test]
    fn bit_ops_keep_nan_payloads_f64() {
        assert_eq!(f64_abs(0xfff8_0000_0000_0123), 0x7ff8_0000_0000_0123);
        assert_eq!(f64_abs(0xfff0_0000_0000_0001), 0x7ff0_0000_0000_0001);
        assert_eq!(f64_neg(0x7ff4_0000_0000_0001), 0xfff4_0000_0000_0001);
        assert_eq!(f64_neg(0xfff8_0000_0000_0123), 0x7ff8_0000_0000_0123);
        assert_eq!(
            f64_copysign(0x7ff4_0000_0000_0001, F64_SIGN),
            0xfff4_0000_0000_0001
        );
        assert_eq!(
            f64_copysign(0xfff8_0000_0000_0123, 0x7ff8_0000_0000_0000),
            0x7ff8_0000_0000_0123
        );
        assert_eq!(f64_copysign(b64(1.0), 0xfff8_0000_0000_0123), b64(-1.0));
        for nan in F64_NANS {
            assert_eq!(f64_abs(nan), nan & !F64_SIGN);
            assert_eq!(f64_neg(nan), nan ^ F64_SIGN);
            assert_eq!(f64_copysign(nan, nan), nan);
            assert_eq!(f64_reinterpret_i64(i64_reinterpret_f64(nan)), nan);
        }
        assert_eq!(f64_abs(F64_SIGN), 0);
        assert_eq!(f64_neg(0), F64_SIGN);
    }

    #[test]
    fn nan_classification() {
        assert!(f32_is_canonical_nan(0x7fc0_0000));
        assert!(f32_is_canonical_nan(0xffc0_0000));
        assert!(!f32_is_canonical_nan(0x7fc0_0001));
        assert!(!f32_is_canonical_nan(0x7f80_0000));
        assert!(f32_is_arithmetic_nan(0x7fc0_0000));
        assert!(f32_is_arithmetic_nan(0xffc0_0123));
        assert!(!f32_is_arithmetic_nan(0x7fa0_0001));
        assert!(!f32_is_arithmetic_nan(0x3fc0_0000));
        assert!(f64_is_canonical_nan(0x7ff8_0000_0000_0000));
        assert!(f64_is_canonical_nan(0xfff8_0000_0000_0000));
        assert!(!f64_is_canonical_nan(0x7ff8_0000_0000_0001));
        assert!(f64_is_arithmetic_nan(0xfff8_0000_0000_0123));
        assert!(!f64_is_arithmetic_nan(0x7ff4_0000_0000_0001));
        assert!(!f64_is_arithmetic_nan(0x3ff8_0000_0000_0000));
    }

    #[test]
    fn min_max_signed_zeros() {
        let (p, n) = (0_u32, 0x8000_0000_u32);
        assert_eq!(f32_min(n, p), n);
        assert_eq!(f32_min(p, n), n);
        assert_eq!(f32_min(p, p), p);
        assert_eq!(f32_min(n, n), n);
        assert_eq!(f32_max(n, p), p);
        assert_eq!(f32_max(p, n), p);
        assert_eq!(f32_max(n, n), n);
        assert_eq!(f32_min(b32(1.0), b32(2.0)), b32(1.0));
        assert_eq!(f32_max(F32_NEG_INF, b32(-3.0)), b32(-3.0));
        let (p, n) = (0_u64, F64_SIGN);
        assert_eq!(f64_min(n, p), n);
        assert_eq!(f64_min(p, n), n);
        assert_eq!(f64_max(n, p), p);
        assert_eq!(f64_max(p, n), p);
        assert_eq!(f64_max(n, n), n);
        assert_eq!(f64_min(F64_INF, b64(7.0)), b64(7.0));
    }

    #[test]
    fn rounding_edges() {
        let cases32: [(f32, f32); 10] = [
            (0.5, 0.0),
            (1.5, 2.0),
            (2.5, 2.0),
            (3.5, 4.0),
            (-0.5, -0.0),
            (-1.5, -2.0),
            (-2.5, -2.0),
            (8_388_607.5, 8_388_608.0),
            (8_388_609.0, 8_388_609.0),
            (-0.0, -0.0),
        ];
        for (x, want) in cases32 {
            assert_eq!(f32_nearest(b32(x)), b32(want), "nearest({x})");
        }
        let cases64: [(f64, f64); 11] = [
            (0.5, 0.0),
            (1.5, 2.0),
            (2.5, 2.0),
            (3.5, 4.0),
            (-0.5, -0.0),
            (-1.5, -2.0),
            (-2.5, -2.0),
            (4_503_599_627_370_497.0, 4_503_599_627_370_497.0),
            (4_503_599_627_370_495.5, 4_503_599_627_370_496.0),
            (-4_503_599_627_370_495.5, -4_503_599_627_370_496.0),
            (-0.0, -0.0),
        ];
        for (x, want) in cases64 {
            assert_eq!(f64_nearest(b64(x)), b64(want), "nearest({x})");
        }
        assert_eq!(f32_ceil(b32(-0.5)), b32(-0.0));
        assert_eq!(f32_floor(b32(0.5)), b32(0.0));
        assert_eq!(f32_floor(b32(-0.5)), b32(-1.0));
        assert_eq!(f32_trunc(b32(-0.7)), b32(-0.0));
        assert_eq!(f32_ceil(F32_NEG_INF), F32_NEG_INF);
        assert_eq!(f64_ceil(b64(-0.5)), b64(-0.0));
        assert_eq!(f64_floor(b64(-0.0)), b64(-0.0));
        assert_eq!(f64_floor(b64(-1e-300)), b64(-1.0));
        assert_eq!(f64_trunc(b64(-0.7)), b64(-0.0));
        assert_eq!(f64_trunc(F64_INF), F64_INF);
    }

    #[test]
    fn comparisons() {
        let nan = 0x7fa0_0001;
        for (a, b) in [(nan, b32(1.0)), (b32(1.0), nan), (nan, nan)] {
            assert!(!f32_eq(a, b) && f32_ne(a, b));
            assert!(!f32_lt(a, b) && !f32_gt(a, b) && !f32_le(a, b) && !f32_ge(a, b));
        }
        assert!(f32_eq(0, 0x8000_0000) && !f32_ne(0, 0x8000_0000));
        assert!(f32_le(0x8000_0000, 0) && f32_ge(0x8000_0000, 0) && !f32_lt(0x8000_0000, 0));
        assert!(f32_lt(b32(1.0), b32(2.0)) && f32_gt(F32_INF, b32(2.0)));
        let nan = 0xfff8_0000_0000_0123;
        for (a, b) in [(nan, b64(1.0)), (b64(1.0), nan), (nan, nan)] {
            assert!(!f64_eq(a, b) && f64_ne(a, b));
            assert!(!f64_lt(a, b) && !f64_gt(a, b) && !f64_le(a, b) && !f64_ge(a, b));
        }
        assert!(f64_eq(0, F64_SIGN) && !f64_ne(0, F64_SIGN));
        assert!(f64_lt(F64_NEG_INF, b64(-1e308)) && f64_ge(b64(2.0), b64(2.0)));
    }

    #[test]
    fn demote_promote() {
        assert_eq!(f32_demote_f64(b64(1.0)), b32(1.0));
        assert_eq!(f32_demote_f64(b64(-0.0)), 0x8000_0000);
        assert_eq!(f32_demote_f64(b64(1e300)), F32_INF);
        assert_eq!(f32_demote_f64(b64(-1e300)), F32_NEG_INF);
        // 1 + 2^-24 is a tie between 1 and 1 + 2^-23: ties to even gives 1.
        assert_eq!(f32_demote_f64(0x3ff0_0000_1000_0000), 0x3f80_0000);
        // 1 + 3 * 2^-24 is a tie between 1 + 2^-23 and 1 + 2^-22: even is the upper.
        assert_eq!(f32_demote_f64(0x3ff0_0000_3000_0000), 0x3f80_0002);
        assert_eq!(f32_demote_f64(0x3ff0_0000_1000_0001), 0x3f80_0001);
        // The smallest f32 subnormal, and half of it (a tie to even, so zero).
        assert_eq!(f32_demote_f64(b64(f64::from(f32::from_bits(1)))), 1);
        assert_eq!(f32_demote_f64(b64(f64::from(f32::from_bits(1)) / 2.0)), 0);
        assert_eq!(f64_promote_f32(b32(1.5)), b64(1.5));
        assert_eq!(f64_promote_f32(0x8000_0000), F64_SIGN);
        assert_eq!(f64_promote_f32(F32_NEG_INF), F64_NEG_INF);
        assert_eq!(f64_promote_f32(1), b64(f64::from(f32::from_bits(1))));
    }

    #[test]
    fn int_to_float_rounding() {
        // 2^24 + 1 is a tie: even gives 2^24; 2^24 + 3 ties up to 2^24 + 4.
        assert_eq!(f32_convert_i32_s(16_777_217), b32(16_777_216.0));
        assert_eq!(f32_convert_i32_s(16_777_219), b32(16_777_220.0));
        assert_eq!(f32_convert_i32_s(-16_777_217), b32(-16_777_216.0));
        assert_eq!(f32_convert_i32_s(i32::MIN), b32(-2_147_483_648.0));
        assert_eq!(f32_convert_i32_s(i32::MAX), b32(2_147_483_648.0));
        assert_eq!(f32_convert_i32_u(u32::MAX), b32(4_294_967_296.0));
        assert_eq!(f32_convert_i32_u(0x8000_0080), 0x4f00_0000);
        assert_eq!(f32_convert_i32_u(0x8000_0081), 0x4f00_0001);
        // 2^63 + 2^39 + 1: one rounding goes up to 2^63 + 2^40; rounding through f64
        // first would give 2^63 + 2^39, then a tie to even, 2^63.
        assert_eq!(f32_convert_i64_u(0x8000_0080_0000_0001), 0x5f00_0001);
        assert_eq!(f32_convert_i64_u(0x8000_0080_0000_0000), 0x5f00_0000);
        assert_eq!(f32_convert_i64_u(0x8000_0180_0000_0000), 0x5f00_0002);
        assert_eq!(f32_convert_i64_u(u64::MAX), 0x5f80_0000);
        assert_eq!(f32_convert_i64_u(0), 0);
        // 2^53 + 2^29 + 1: the same double-rounding trap for the signed conversion.
        assert_eq!(f32_convert_i64_s(0x0020_0000_2000_0001), 0x5a00_0001);
        assert_eq!(f32_convert_i64_s(-0x0020_0000_2000_0001), 0xda00_0001);
        assert_eq!(f32_convert_i64_s(i64::MIN), 0xdf00_0000);
        assert_eq!(f32_convert_i64_s(i64::MAX), 0x5f00_0000);
        assert_eq!(f64_convert_i32_s(i32::MIN), b64(-2_147_483_648.0));
        assert_eq!(f64_convert_i32_u(u32::MAX), b64(4_294_967_295.0));
        // 2^53 + 1 ties to 2^53; 2^53 + 3 ties to 2^53 + 4.
        assert_eq!(
            f64_convert_i64_s(9_007_199_254_740_993),
            0x4340_0000_0000_0000
        );
        assert_eq!(
            f64_convert_i64_s(9_007_199_254_740_995),
            0x4340_0000_0000_0002
        );
        assert_eq!(
            f64_convert_i64_s(-9_007_199_254_740_993),
            0xc340_0000_0000_0000
        );
        assert_eq!(f64_convert_i64_s(i64::MIN), 0xc3e0_0000_0000_0000);
        assert_eq!(
            f64_convert_i64_u(0x8000_0000_0000_0401),
            0x43e0_0000_0000_0001
        );
        assert_eq!(
            f64_convert_i64_u(0x8000_0000_0000_0400),
            0x43e0_0000_0000_0000
        );
        assert_eq!(f64_convert_i64_u(u64::MAX), 0x43f0_0000_0000_0000);
    }

    use TruncError::{InvalidConversion as Invalid, Overflow};

    #[test]
    fn trapping_truncation_bounds_from_f32() {
        let s32: [(f32, Result<i32, TruncError>); 9] = [
            (-2_147_483_648.0, Ok(i32::MIN)),
            (2_147_483_520.0, Ok(2_147_483_520)),
            (2_147_483_648.0, Err(Overflow)),
            (-2_147_483_904.0, Err(Overflow)),
            (-0.99, Ok(0)),
            (-1.5, Ok(-1)),
            (f32::INFINITY, Err(Overflow)),
            (f32::NEG_INFINITY, Err(Overflow)),
            (-0.0, Ok(0)),
        ];
        for (x, want) in s32 {
            assert_eq!(i32_trunc_f32_s(b32(x)), want, "i32.trunc_f32_s({x})");
        }
        let u32s: [(f32, Result<u32, TruncError>); 7] = [
            (4_294_967_040.0, Ok(4_294_967_040)),
            (4_294_967_296.0, Err(Overflow)),
            (-0.9, Ok(0)),
            (-1.0, Err(Overflow)),
            (2.9, Ok(2)),
            (f32::INFINITY, Err(Overflow)),
            (f32::NEG_INFINITY, Err(Overflow)),
        ];
        for (x, want) in u32s {
            assert_eq!(i32_trunc_f32_u(b32(x)), want, "i32.trunc_f32_u({x})");
        }
        let s64: [(f32, Result<i64, TruncError>); 6] = [
            (-9_223_372_036_854_775_808.0, Ok(i64::MIN)),
            (9_223_371_487_098_961_920.0, Ok(9_223_371_487_098_961_920)),
            (9_223_372_036_854_775_808.0, Err(Overflow)),
            (-9_223_373_136_366_403_584.0, Err(Overflow)),
            (-0.99, Ok(0)),
            (f32::INFINITY, Err(Overflow)),
        ];
        for (x, want) in s64 {
            assert_eq!(i64_trunc_f32_s(b32(x)), want, "i64.trunc_f32_s({x})");
        }
        let u64s: [(f32, Result<u64, TruncError>); 6] = [
            (18_446_742_974_197_923_840.0, Ok(18_446_742_974_197_923_840)),
            (18_446_744_073_709_551_616.0, Err(Overflow)),
            (-0.9, Ok(0)),
            (-1.0, Err(Overflow)),
            (f32::NEG_INFINITY, Err(Overflow)),
            (f32::INFINITY, Err(Overflow)),
        ];
        for (x, want) in u64s {
            assert_eq!(i64_trunc_f32_u(b32(x)), want, "i64.trunc_f32_u({x})");
        }
        for nan in F32_NANS {
            assert_eq!(i32_trunc_f32_s(nan), Err(Invalid));
            assert_eq!(i32_trunc_f32_u(nan), Err(Invalid));
            assert_eq!(i64_trunc_f32_s(nan), Err(Invalid));
            assert_eq!(i64_trunc_f32_u(nan), Err(Invalid));
        }
    }

    #[test]
    fn trapping_truncation_bounds_from_f64() {
        let s32: [(f64, Result<i32, TruncError>); 9] = [
            (-2_147_483_648.0, Ok(i32::MIN)),
            (-2_147_483_648.9, Ok(i32::MIN)),
            (-2_147_483_649.0, Err(Overflow)),
            (2_147_483_647.9, Ok(i32::MAX)),
            (2_147_483_648.0, Err(Overflow)),
            (-2_147_483_904.0, Err(Overflow)),
            (-0.99, Ok(0)),
            (f64::INFINITY, Err(Overflow)),
            (f64::NEG_INFINITY, Err(Overflow)),
        ];
        for (x, want) in s32 {
            assert_eq!(i32_trunc_f64_s(b64(x)), want, "i32.trunc_f64_s({x})");
        }
        let u32s: [(f64, Result<u32, TruncError>); 7] = [
            (4_294_967_295.9, Ok(u32::MAX)),
            (4_294_967_296.0, Err(Overflow)),
            (-0.9, Ok(0)),
            (-1.0, Err(Overflow)),
            (1e-300, Ok(0)),
            (f64::INFINITY, Err(Overflow)),
            (f64::NEG_INFINITY, Err(Overflow)),
        ];
        for (x, want) in u32s {
            assert_eq!(i32_trunc_f64_u(b64(x)), want, "i32.trunc_f64_u({x})");
        }
        let s64: [(f64, Result<i64, TruncError>); 6] = [
            (-9_223_372_036_854_775_808.0, Ok(i64::MIN)),
            (9_223_372_036_854_774_784.0, Ok(9_223_372_036_854_774_784)),
            (9_223_372_036_854_775_808.0, Err(Overflow)),
            (-9_223_372_036_854_777_856.0, Err(Overflow)),
            (-0.99, Ok(0)),
            (f64::NEG_INFINITY, Err(Overflow)),
        ];
        for (x, want) in s64 {
            assert_eq!(i64_trunc_f64_s(b64(x)), want, "i64.trunc_f64_s({x})");
        }
        let u64s: [(f64, Result<u64, TruncError>); 6] = [
            (18_446_744_073_709_549_568.0, Ok(18_446_744_073_709_549_568)),
            (18_446_744_073_709_551_616.0, Err(Overflow)),
            (-0.9, Ok(0)),
            (-1.0, Err(Overflow)),
            (f64::NEG_INFINITY, Err(Overflow)),
            (f64::INFINITY, Err(Overflow)),
        ];
        for (x, want) in u64s {
            assert_eq!(i64_trunc_f64_u(b64(x)), want, "i64.trunc_f64_u({x})");
        }
        for nan in F64_NANS {
            assert_eq!(i32_trunc_f64_s(nan), Err(Invalid));
            assert_eq!(i32_trunc_f64_u(nan), Err(Invalid));
            assert_eq!(i64_trunc_f64_s(nan), Err(Invalid));
            assert_eq!(i64_trunc_f64_u(nan), Err(Invalid));
        }
        assert_eq!(Invalid.to_string(), "invalid conversion to integer");
        assert_eq!(Overflow.to_string(), "integer overflow");
    }

    #[test]
    fn saturating_truncation() {
        for nan in F32_NANS {
            assert_eq!(i32_trunc_sat_f32_s(nan), 0);
            assert_eq!(i32_trunc_sat_f32_u(nan), 0);
            assert_eq!(i64_trunc_sat_f32_s(nan), 0);
            assert_eq!(i64_trunc_sat_f32_u(nan), 0);
        }
        for nan in F64_NANS {
            assert_eq!(i32_trunc_sat_f64_s(nan), 0);
            assert_eq!(i32_trunc_sat_f64_u(nan), 0);
            assert_eq!(i64_trunc_sat_f64_s(nan), 0);
            assert_eq!(i64_trunc_sat_f64_u(nan), 0);
        }
        assert_eq!(i32_trunc_sat_f32_s(F32_INF), i32::MAX);
        assert_eq!(i32_trunc_sat_f32_s(F32_NEG_INF), i32::MIN);
        assert_eq!(i32_trunc_sat_f32_s(b32(2_147_483_648.0)), i32::MAX);
        assert_eq!(i32_trunc_sat_f32_s(b32(-2.9)), -2);
        assert_eq!(i32_trunc_sat_f32_u(b32(-1.0)), 0);
        assert_eq!(i32_trunc_sat_f32_u(F32_NEG_INF), 0);
        assert_eq!(i32_trunc_sat_f32_u(b32(1e30)), u32::MAX);
        assert_eq!(i64_trunc_sat_f32_s(b32(-1e30)), i64::MIN);
        assert_eq!(i64_trunc_sat_f32_u(F32_INF), u64::MAX);
        assert_eq!(i32_trunc_sat_f64_s(b64(-2_147_483_649.0)), i32::MIN);
        assert_eq!(i32_trunc_sat_f64_s(b64(2_147_483_647.9)), i32::MAX);
        assert_eq!(i32_trunc_sat_f64_u(b64(4_294_967_296.0)), u32::MAX);
        assert_eq!(i32_trunc_sat_f64_u(b64(4_294_967_295.9)), u32::MAX);
        assert_eq!(i64_trunc_sat_f64_s(F64_INF), i64::MAX);
        assert_eq!(i64_trunc_sat_f64_s(b64(1e300)), i64::MAX);
        assert_eq!(i64_trunc_sat_f64_u(b64(-1e300)), 0);
        assert_eq!(i64_trunc_sat_f64_u(b64(-0.9)), 0);
        assert_eq!(i64_trunc_sat_f64_u(b64(1e19)), 10_000_000_000_000_000_000);
    }

    // Property tests. Operands mix uniform bit patterns (mostly finite) with proptest's
    // float strategy, which favours zeros, infinities, subnormals and NaNs.

    fn any_f32_bits() -> impl Strategy<Value = u32> {
        prop_oneof![
            any::<u32>(),
            proptest::num::f32::ANY.prop_map(f32::to_bits),
            proptest::sample::select(F32_NANS.to_vec()),
        ]
    }

    fn any_f64_bits() -> impl Strategy<Value = u64> {
        prop_oneof![
            any::<u64>(),
            proptest::num::f64::ANY.prop_map(f64::to_bits),
            proptest::sample::select(F64_NANS.to_vec()),
        ]
    }

    /// Integers that include rounding ties and near-ties at every scale.
    fn any_u64_for_rounding() -> impl Strategy<Value = u64> {
        prop_oneof![
            any::<u64>(),
            (any::<u64>(), 0_u32..64).prop_map(|(v, s)| v >> s),
            (0_u32..64, 0_u32..64, 0_u64..2).prop_map(|(a, b, c)| (1 << a) | (1 << b) | c),
            (0_u32..64, 0_u32..64).prop_map(|(a, b)| (1_u64 << a).wrapping_sub(1) << b),
        ]
    }

    fn expect32(r: f32) -> u32 {
        if r.is_nan() {
            F32_CANONICAL_NAN
        } else {
            r.to_bits()
        }
    }

    fn expect64(r: f64) -> u64 {
        if r.is_nan() {
            F64_CANONICAL_NAN
        } else {
            r.to_bits()
        }
    }

    /// The min/max contract: canonical NaN if either operand is NaN, else the value
    /// `pick` selects numerically, with the sign of a zero result set when `neg_zero`.
    fn check_minmax64(got: u64, a: f64, b: f64, pick: f64, neg_zero: bool) -> bool {
        if a.is_nan() || b.is_nan() {
            got == F64_CANONICAL_NAN
        } else if a == 0.0 && b == 0.0 {
            got == if neg_zero { F64_SIGN } else { 0 }
        } else {
            got == pick.to_bits()
        }
    }

    /// The value `v` rounds to with `digits` significant bits, ties to even, computed on
    /// integers (exact in f64 for `digits <= 53`).
    fn round_reference(v: u64, digits: u32) -> f64 {
        let width = 64 - v.leading_zeros();
        if width <= digits {
            return v as f64;
        }
        let shift = width - digits;
        let mut m = v >> shift;
        let rem = v & ((1_u64 << shift) - 1);
        let half = 1_u64 << (shift - 1);
        if rem > half || (rem == half && m & 1 == 1) {
            m += 1;
        }
        (m as f64) * f64::from_bits(u64::from(1023 + shift) << 52)
    }

    fn signed_round_reference(v: i64, digits: u32) -> f64 {
        let r = round_reference(v.unsigned_abs(), digits);
        if v < 0 {
            -r
        } else {
            r
        }
    }

    /// The f32 bits as an f64 value, exactly.
    fn widen(bits: u32) -> f64 {
        f64::from(f32::from_bits(bits))
    }

    /// The trapping-truncation contract, computed through i128.
    fn trunc_reference<T: TryFrom<i128>>(x: f64) -> Result<T, TruncError> {
        if x.is_nan() {
            return Err(TruncError::InvalidConversion);
        }
        if x.is_infinite() {
            return Err(TruncError::Overflow);
        }
        T::try_from(x.trunc() as i128).map_err(|_| TruncError::Overflow)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn f32_arith_matches_rust(a in any_f32_bits(), b in any_f32_bits()) {
            let (x, y) = (f32::from_bits(a), f32::from_bits(b));
            prop_assert_eq!(f32_add(a, b), expect32(x + y));
            prop_assert_eq!(f32_sub(a, b), expect32(x - y));
            prop_assert_eq!(f32_mul(a, b), expect32(x * y));
            prop_assert_eq!(f32_div(a, b), expect32(x / y));
        }

        #[test]
        fn f64_arith_matches_rust(a in any_f64_bits(), b in any_f64_bits()) {
            let (x, y) = (f64::from_bits(a), f64::from_bits(b));
            prop_assert_eq!(f64_add(a, b), expect64(x + y));
            prop_assert_eq!(f64_sub(a, b), expect64(x - y));
            prop_assert_eq!(f64_mul(a, b), expect64(x * y));
            prop_assert_eq!(f64_div(a, b), expect64(x / y));
        }

        #[test]
        fn f32_min_max_contract(a in any_f32_bits(), b in any_f32_bits()) {
            let (x, y) = (f64::from(f32::from_bits(a)), f64::from(f32::from_bits(b)));
            let either_neg = (a | b) & F32_SIGN != 0;
            let both_neg = a & b & F32_SIGN != 0;
            let min = f64_promote_f32(f32_min(a, b));
            let max = f64_promote_f32(f32_max(a, b));
            prop_assert!(check_minmax64(min, x, y, x.min(y), either_neg));
            prop_assert!(check_minmax64(max, x, y, x.max(y), both_neg));
        }

        #[test]
        fn f64_min_max_contract(a in any_f64_bits(), b in any_f64_bits()) {
            let (x, y) = (f64::from_bits(a), f64::from_bits(b));
            let either_neg = (a | b) & F64_SIGN != 0;
            let both_neg = a & b & F64_SIGN != 0;
            prop_assert!(check_minmax64(f64_min(a, b), x, y, x.min(y), either_neg));
            prop_assert!(check_minmax64(f64_max(a, b), x, y, x.max(y), both_neg));
        }

        #[test]
        fn f32_comparisons_match_rust(a in any_f32_bits(), b in any_f32_bits()) {
            let (x, y) = (f32::from_bits(a), f32::from_bits(b));
            prop_assert_eq!(
                [
                    f32_eq(a, b), f32_ne(a, b), f32_lt(a, b),
                    f32_gt(a, b), f32_le(a, b), f32_ge(a, b),
                ],
                [x == y, x != y, x < y, x > y, x <= y, x >= y]
            );
        }

        #[test]
        fn f64_comparisons_match_rust(a in any_f64_bits(), b in any_f64_bits()) {
            let (x, y) = (f64::from_bits(a), f64::from_bits(b));
            prop_assert_eq!(
                [
                    f64_eq(a, b), f64_ne(a, b), f64_lt(a, b),
                    f64_gt(a, b), f64_le(a, b), f64_ge(a, b),
                ],
                [x == y, x != y, x < y, x > y, x <= y, x >= y]
            );
        }

        #[test]
        fn f32_unary_results(a in any_f32_bits()) {
            let x = f32::from_bits(a);
            prop_assert_eq!(f32_sqrt(a), expect32(x.sqrt()));
            prop_assert_eq!(f32_ceil(a), expect32(x.ceil()));
            prop_assert_eq!(f32_floor(a), expect32(x.floor()));
            prop_assert_eq!(f32_trunc(a), expect32(x.trunc()));
            // nearest, checked against its definition rather than the std call it uses.
            let r = f32::from_bits(f32_nearest(a));
            if x.is_nan() {
                prop_assert_eq!(f32_nearest(a), F32_CANONICAL_NAN);
            } else if x.is_infinite() {
                prop_assert_eq!(f32_nearest(a), a);
            } else {
                let (xd, rd) = (f64::from(x), f64::from(r));
                prop_assert_eq!(r.trunc().to_bits(), r.to_bits());
                prop_assert_eq!(r.is_sign_negative(), x.is_sign_negative());
                prop_assert!((xd - rd).abs() <= 0.5);
                if (xd - rd).abs() == 0.5 {
                    prop_assert_eq!(rd % 2.0, 0.0);
                }
            }
            prop_assert_eq!(f64_promote_f32(a), expect64(f64::from(x)));
        }

        #[test]
        fn f64_unary_results(a in any_f64_bits()) {
            let x = f64::from_bits(a);
            prop_assert_eq!(f64_sqrt(a), expect64(x.sqrt()));
            prop_assert_eq!(f64_ceil(a), expect64(x.ceil()));
            prop_assert_eq!(f64_floor(a), expect64(x.floor()));
            prop_assert_eq!(f64_trunc(a), expect64(x.trunc()));
            let r = f64::from_bits(f64_nearest(a));
            if x.is_nan() {
                prop_assert_eq!(f64_nearest(a), F64_CANONICAL_NAN);
            } else if x.is_infinite() {
                prop_assert_eq!(f64_nearest(a), a);
            } else {
                prop_assert_eq!(r.trunc().to_bits(), r.to_bits());
                prop_assert_eq!(r.is_sign_negative(), x.is_sign_negative());
                // |x - r| is exact here: both are close, or x is already integral.
                prop_assert!((x - r).abs() <= 0.5);
                if (x - r).abs() == 0.5 {
                    prop_assert_eq!(r % 2.0, 0.0);
                }
            }
            prop_assert_eq!(f32_demote_f64(a), expect32(x as f32));
        }

        #[test]
        fn int_to_float_rounds_once(v in any_u64_for_rounding()) {
            let s = v as i64;
            prop_assert_eq!(widen(f32_convert_i64_u(v)), round_reference(v, 24));
            prop_assert_eq!(widen(f32_convert_i64_s(s)), signed_round_reference(s, 24));
            prop_assert_eq!(f64::from_bits(f64_convert_i64_u(v)), round_reference(v, 53));
            prop_assert_eq!(f64::from_bits(f64_convert_i64_s(s)), signed_round_reference(s, 53));
            let (w, t) = (v as u32, v as i32);
            prop_assert_eq!(widen(f32_convert_i32_u(w)), round_reference(u64::from(w), 24));
            prop_assert_eq!(widen(f32_convert_i32_s(t)), signed_round_reference(i64::from(t), 24));
            prop_assert_eq!(f64::from_bits(f64_convert_i32_u(w)), f64::from(w));
            prop_assert_eq!(f64::from_bits(f64_convert_i32_s(t)), f64::from(t));
        }

        #[test]
        fn trapping_truncation_matches_i128(a in any_f32_bits(), b in any_f64_bits()) {
            let x = f64::from(f32::from_bits(a));
            let y = f64::from_bits(b);
            prop_assert_eq!(i32_trunc_f32_s(a), trunc_reference::<i32>(x));
            prop_assert_eq!(i32_trunc_f32_u(a), trunc_reference::<u32>(x));
            prop_assert_eq!(i64_trunc_f32_s(a), trunc_reference::<i64>(x));
            prop_assert_eq!(i64_trunc_f32_u(a), trunc_reference::<u64>(x));
            prop_assert_eq!(i32_trunc_f64_s(b), trunc_reference::<i32>(y));
            prop_assert_eq!(i32_trunc_f64_u(b), trunc_reference::<u32>(y));
            prop_assert_eq!(i64_trunc_f64_s(b), trunc_reference::<i64>(y));
            prop_assert_eq!(i64_trunc_f64_u(b), trunc_reference::<u64>(y));
        }

        #[test]
        fn saturating_truncation_agrees_with_trapping(a in any_f32_bits(), b in any_f64_bits()) {
            // In range, the saturating result is the trapping one; out of range it is a bound.
            if let Ok(v) = i32_trunc_f32_s(a) { prop_assert_eq!(i32_trunc_sat_f32_s(a), v); }
            if let Ok(v) = i64_trunc_f32_u(a) { prop_assert_eq!(i64_trunc_sat_f32_u(a), v); }
            if let Ok(v) = i32_trunc_f64_u(b) { prop_assert_eq!(i32_trunc_sat_f64_u(b), v); }
            if let Ok(v) = i64_trunc_f64_s(b) { prop_assert_eq!(i64_trunc_sat_f64_s(b), v); }
            if i32_trunc_f64_s(b) == Err(TruncError::Overflow) {
                let v = i32_trunc_sat_f64_s(b);
                prop_assert!(v == i32::MIN || v == i32::MAX);
            }
        }
    }
}
