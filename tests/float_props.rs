//! Property tests of every float instruction against a software floating-point
//! reference, `rustc_apfloat` (the Rust port of LLVM's APFloat: IEEE 754 arithmetic in
//! integer code, no host FPU), plus the SPEC.md §NaN rule: a NaN result of an
//! arithmetic instruction must be the canonical positive NaN, and the bit instructions
//! (`abs`, `neg`, `copysign`, `reinterpret`) keep every other bit.
//!
//! `sqrt` has no APFloat routine; it is checked exactly instead: a positive finite
//! result `r` is the correctly rounded square root of `x` iff `lo² < x < hi²`, where
//! `lo` and `hi` are the midpoints between `r` and its neighbours. The midpoints and
//! their squares are exact in the next wider format (f32 in f64: 25-bit midpoints,
//! 50-bit squares; f64 in IEEE quad: 54-bit midpoints, 108-bit squares), and a square
//! root is never exactly a midpoint, so no tie arises.
//!
//! Each instruction is checked twice: through `detwasm::float` directly, and through
//! the interpreter (one exported function per instruction taking its operands as
//! parameters). Operands mix edge bit patterns (signed zeros, infinities, quiet and
//! signalling NaNs with payloads, subnormals, the normal range ends, halves and the
//! integer-conversion boundaries) with random bits. Depends on detwasm's public API,
//! rustc_apfloat, wat and proptest.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use detwasm::float as fl;
use detwasm::{Engine, Error, Extern, Instance, Module, Store, TrapCode, ValType, Value};
use proptest::prelude::*;
use rustc_apfloat::ieee::{Double, Quad, Single};
use rustc_apfloat::{Float, FloatConvert, Round, Status};

const C32: u64 = fl::F32_CANONICAL_NAN as u64;
const C64: u64 = fl::F64_CANONICAL_NAN;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum W {
    F32,
    F64,
}

/// A reference result: bits of a value (floats, integers) or a trap.
type R = Result<u64, TrapCode>;

fn canon32(x: Single) -> u64 {
    if x.is_nan() {
        C32
    } else {
        x.to_bits() as u64
    }
}
fn canon64(x: Double) -> u64 {
    if x.is_nan() {
        C64
    } else {
        x.to_bits() as u64
    }
}
fn s(b: u64) -> Single {
    Single::from_bits(u128::from(b as u32))
}
fn d(b: u64) -> Double {
    Double::from_bits(u128::from(b))
}

/// Reference for the binary arithmetic instructions.
fn ref_binary(w: W, op: &str, a: u64, b: u64) -> u64 {
    macro_rules! go {
        ($x:expr, $y:expr, $canon:ident) => {{
            let (x, y) = ($x, $y);
            match op {
                "add" => $canon((x + y).value),
                "sub" => $canon((x - y).value),
                "mul" => $canon((x * y).value),
                "div" => $canon((x / y).value),
                // IEEE 754-2019 minimum/maximum: NaN-propagating, -0 < +0.
                "min" => $canon(x.minimum(y)),
                "max" => $canon(x.maximum(y)),
                _ => unreachable!("{op}"),
            }
        }};
    }
    match w {
        W::F32 => go!(s(a), s(b), canon32),
        W::F64 => go!(d(a), d(b), canon64),
    }
}

/// Reference for the comparisons (IEEE 754: unordered is false except `ne`).
fn ref_compare(w: W, op: &str, a: u64, b: u64) -> u64 {
    use std::cmp::Ordering::*;
    let ord = match w {
        W::F32 => s(a).partial_cmp(&s(b)),
        W::F64 => d(a).partial_cmp(&d(b)),
    };
    u64::from(match op {
        "eq" => ord == Some(Equal),
        "ne" => ord != Some(Equal),
        "lt" => ord == Some(Less),
        "gt" => ord == Some(Greater),
        "le" => matches!(ord, Some(Less | Equal)),
        "ge" => matches!(ord, Some(Greater | Equal)),
        _ => unreachable!("{op}"),
    })
}

/// Reference for the rounding instructions and the bit instructions.
fn ref_unary(w: W, op: &str, a: u64) -> u64 {
    let round = match op {
        "ceil" => Some(Round::TowardPositive),
        "floor" => Some(Round::TowardNegative),
        "trunc" => Some(Round::TowardZero),
        "nearest" => Some(Round::NearestTiesToEven),
        _ => None,
    };
    let (sign, mask) = match w {
        W::F32 => (0x8000_0000u64, 0xffff_ffffu64),
        W::F64 => (1u64 << 63, u64::MAX),
    };
    match (op, round) {
        (_, Some(r)) => match w {
            W::F32 => canon32(s(a).round_to_integral(r).value),
            W::F64 => canon64(d(a).round_to_integral(r).value),
        },
        ("abs", _) => a & !sign & mask,
        ("neg", _) => (a ^ sign) & mask,
        _ => unreachable!("{op}"),
    }
}

/// Checks `r` as the square root of `x` (see the file comment).
fn check_sqrt(w: W, x: u64, r: u64) -> Result<(), String> {
    let (canon, sign, inf) = match w {
        W::F32 => (C32, 0x8000_0000u64, 0x7f80_0000u64),
        W::F64 => (C64, 1u64 << 63, 0x7ff0_0000_0000_0000u64),
    };
    let mag = x & !sign;
    let is_nan = mag > inf;
    if is_nan || (x & sign != 0 && mag != 0) {
        return if r == canon {
            Ok(())
        } else {
            Err(format!("sqrt({x:#x}) = {r:#x}, want the canonical NaN"))
        };
    }
    if mag == 0 || x == inf {
        return if r == x {
            Ok(())
        } else {
            Err(format!("sqrt({x:#x}) = {r:#x}, want {x:#x}"))
        };
    }
    if r & sign != 0 || r & !sign >= inf || r == 0 {
        return Err(format!(
            "sqrt({x:#x}) = {r:#x}: not a positive finite value"
        ));
    }
    macro_rules! exact {
        ($narrow:ty, $wide:ty, $bits:expr) => {{
            let rn = <$narrow>::from_bits(u128::from($bits(r)));
            let mut lossy = false;
            let wide = |v: $narrow| -> $wide {
                let mut l = false;
                let c: $wide = v.convert(&mut l).value;
                assert!(!l);
                c
            };
            let rw = wide(rn);
            let down = wide(rn.next_down().value);
            let up_n = rn.next_up().value;
            let up = if up_n.is_infinite() {
                (rw + (rw - down).value).value
            } else {
                wide(up_n)
            };
            let two = <$wide>::from_u128(2).value;
            let lo = ((rw + down).value / two).value;
            let hi = ((rw + up).value / two).value;
            let lo2 = lo * lo;
            let hi2 = hi * hi;
            assert_eq!(lo2.status, Status::OK, "inexact square");
            assert_eq!(hi2.status, Status::OK, "inexact square");
            let xw: $wide = <$narrow>::from_bits(u128::from($bits(x)))
                .convert(&mut lossy)
                .value;
            if lo2.value < xw && xw < hi2.value {
                Ok(())
            } else {
                Err(format!("sqrt({x:#x}) = {r:#x} is not correctly rounded"))
            }
        }};
    }
    match w {
        W::F32 => exact!(Single, Double, |v: u64| v as u32),
        W::F64 => exact!(Double, Quad, |v: u64| v),
    }
}

/// Integer conversions to float: (instruction, source width, signed, target).
const FROM_INT: [(&str, u32, bool, W); 8] = [
    ("f32.convert_i32_s", 32, true, W::F32),
    ("f32.convert_i32_u", 32, false, W::F32),
    ("f32.convert_i64_s", 64, true, W::F32),
    ("f32.convert_i64_u", 64, false, W::F32),
    ("f64.convert_i32_s", 32, true, W::F64),
    ("f64.convert_i32_u", 32, false, W::F64),
    ("f64.convert_i64_s", 64, true, W::F64),
    ("f64.convert_i64_u", 64, false, W::F64),
];

fn ref_from_int(width: u32, signed: bool, to: W, a: u64) -> u64 {
    let v: i128 = match (width, signed) {
        (32, true) => i128::from(a as u32 as i32),
        (32, false) => i128::from(a as u32),
        (64, true) => i128::from(a as i64),
        _ => i128::from(a),
    };
    match to {
        W::F32 => Single::from_i128(v).value.to_bits() as u64,
        W::F64 => Double::from_i128(v).value.to_bits() as u64,
    }
}

/// Float to integer truncations: (instruction, source, target width, signed, saturating).
const TO_INT: [(&str, W, u32, bool, bool); 16] = [
    ("i32.trunc_f32_s", W::F32, 32, true, false),
    ("i32.trunc_f32_u", W::F32, 32, false, false),
    ("i32.trunc_f64_s", W::F64, 32, true, false),
    ("i32.trunc_f64_u", W::F64, 32, false, false),
    ("i64.trunc_f32_s", W::F32, 64, true, false),
    ("i64.trunc_f32_u", W::F32, 64, false, false),
    ("i64.trunc_f64_s", W::F64, 64, true, false),
    ("i64.trunc_f64_u", W::F64, 64, false, false),
    ("i32.trunc_sat_f32_s", W::F32, 32, true, true),
    ("i32.trunc_sat_f32_u", W::F32, 32, false, true),
    ("i32.trunc_sat_f64_s", W::F64, 32, true, true),
    ("i32.trunc_sat_f64_u", W::F64, 32, false, true),
    ("i64.trunc_sat_f32_s", W::F32, 64, true, true),
    ("i64.trunc_sat_f32_u", W::F32, 64, false, true),
    ("i64.trunc_sat_f64_s", W::F64, 64, true, true),
    ("i64.trunc_sat_f64_u", W::F64, 64, false, true),
];

fn ref_to_int(from: W, width: u32, signed: bool, sat: bool, a: u64) -> R {
    let (nan, inf, neg) = match from {
        W::F32 => (s(a).is_nan(), s(a).is_infinite(), s(a).is_negative()),
        W::F64 => (d(a).is_nan(), d(a).is_infinite(), d(a).is_negative()),
    };
    let (lo, hi): (i128, i128) = match (width, signed) {
        (32, true) => (i128::from(i32::MIN), i128::from(i32::MAX)),
        (32, false) => (0, i128::from(u32::MAX)),
        (64, true) => (i128::from(i64::MIN), i128::from(i64::MAX)),
        _ => (0, i128::from(u64::MAX)),
    };
    let mask = if width == 32 {
        0xffff_ffffu64
    } else {
        u64::MAX
    };
    if nan {
        return if sat {
            Ok(0)
        } else {
            Err(TrapCode::InvalidConversionToInteger)
        };
    }
    // Truncated towards zero; `None` when beyond i128 (infinities and huge f32/f64).
    let t: Option<i128> = if inf {
        None
    } else {
        let mut exact = false;
        let r = match from {
            W::F32 => s(a).to_i128_r(128, Round::TowardZero, &mut exact),
            W::F64 => d(a).to_i128_r(128, Round::TowardZero, &mut exact),
        };
        (!r.status.contains(Status::INVALID_OP)).then_some(r.value)
    };
    let v = match t {
        Some(v) if (lo..=hi).contains(&v) => v,
        _ if sat => {
            if neg {
                lo
            } else {
                hi
            }
        }
        _ => return Err(TrapCode::IntegerOverflow),
    };
    Ok((v as u64) & mask)
}

fn ref_demote(a: u64) -> u64 {
    let mut l = false;
    let r: Single = d(a).convert(&mut l).value;
    canon32(r)
}
fn ref_promote(a: u64) -> u64 {
    let mut l = false;
    let r: Double = s(a).convert(&mut l).value;
    canon64(r)
}

// ---------------------------------------------------------------------------------
// The library functions.

fn lib_binary(w: W, op: &str, a: u64, b: u64) -> u64 {
    let (x, y) = (a as u32, b as u32);
    match (w, op) {
        (W::F32, "add") => u64::from(fl::f32_add(x, y)),
        (W::F32, "sub") => u64::from(fl::f32_sub(x, y)),
        (W::F32, "mul") => u64::from(fl::f32_mul(x, y)),
        (W::F32, "div") => u64::from(fl::f32_div(x, y)),
        (W::F32, "min") => u64::from(fl::f32_min(x, y)),
        (W::F32, "max") => u64::from(fl::f32_max(x, y)),
        (W::F32, "copysign") => u64::from(fl::f32_copysign(x, y)),
        (W::F32, "eq") => u64::from(fl::f32_eq(x, y)),
        (W::F32, "ne") => u64::from(fl::f32_ne(x, y)),
        (W::F32, "lt") => u64::from(fl::f32_lt(x, y)),
        (W::F32, "gt") => u64::from(fl::f32_gt(x, y)),
        (W::F32, "le") => u64::from(fl::f32_le(x, y)),
        (W::F32, "ge") => u64::from(fl::f32_ge(x, y)),
        (W::F64, "add") => fl::f64_add(a, b),
        (W::F64, "sub") => fl::f64_sub(a, b),
        (W::F64, "mul") => fl::f64_mul(a, b),
        (W::F64, "div") => fl::f64_div(a, b),
        (W::F64, "min") => fl::f64_min(a, b),
        (W::F64, "max") => fl::f64_max(a, b),
        (W::F64, "copysign") => fl::f64_copysign(a, b),
        (W::F64, "eq") => u64::from(fl::f64_eq(a, b)),
        (W::F64, "ne") => u64::from(fl::f64_ne(a, b)),
        (W::F64, "lt") => u64::from(fl::f64_lt(a, b)),
        (W::F64, "gt") => u64::from(fl::f64_gt(a, b)),
        (W::F64, "le") => u64::from(fl::f64_le(a, b)),
        (W::F64, "ge") => u64::from(fl::f64_ge(a, b)),
        _ => unreachable!("{op}"),
    }
}

fn lib_unary(w: W, op: &str, a: u64) -> u64 {
    let x = a as u32;
    match (w, op) {
        (W::F32, "abs") => u64::from(fl::f32_abs(x)),
        (W::F32, "neg") => u64::from(fl::f32_neg(x)),
        (W::F32, "sqrt") => u64::from(fl::f32_sqrt(x)),
        (W::F32, "ceil") => u64::from(fl::f32_ceil(x)),
        (W::F32, "floor") => u64::from(fl::f32_floor(x)),
        (W::F32, "trunc") => u64::from(fl::f32_trunc(x)),
        (W::F32, "nearest") => u64::from(fl::f32_nearest(x)),
        (W::F64, "abs") => fl::f64_abs(a),
        (W::F64, "neg") => fl::f64_neg(a),
        (W::F64, "sqrt") => fl::f64_sqrt(a),
        (W::F64, "ceil") => fl::f64_ceil(a),
        (W::F64, "floor") => fl::f64_floor(a),
        (W::F64, "trunc") => fl::f64_trunc(a),
        (W::F64, "nearest") => fl::f64_nearest(a),
        _ => unreachable!("{op}"),
    }
}

fn lib_from_int(name: &str, a: u64) -> u64 {
    match name {
        "f32.convert_i32_s" => u64::from(fl::f32_convert_i32_s(a as u32 as i32)),
        "f32.convert_i32_u" => u64::from(fl::f32_convert_i32_u(a as u32)),
        "f32.convert_i64_s" => u64::from(fl::f32_convert_i64_s(a as i64)),
        "f32.convert_i64_u" => u64::from(fl::f32_convert_i64_u(a)),
        "f64.convert_i32_s" => fl::f64_convert_i32_s(a as u32 as i32),
        "f64.convert_i32_u" => fl::f64_convert_i32_u(a as u32),
        "f64.convert_i64_s" => fl::f64_convert_i64_s(a as i64),
        "f64.convert_i64_u" => fl::f64_convert_i64_u(a),
        _ => unreachable!("{name}"),
    }
}

fn lib_to_int(name: &str, a: u64) -> R {
    fn tr<T>(r: Result<T, fl::TruncError>) -> Result<T, TrapCode> {
        r.map_err(|e| match e {
            fl::TruncError::InvalidConversion => TrapCode::InvalidConversionToInteger,
            fl::TruncError::Overflow => TrapCode::IntegerOverflow,
        })
    }
    let x = a as u32;
    Ok(match name {
        "i32.trunc_f32_s" => u64::from(tr(fl::i32_trunc_f32_s(x))? as u32),
        "i32.trunc_f32_u" => u64::from(tr(fl::i32_trunc_f32_u(x))?),
        "i32.trunc_f64_s" => u64::from(tr(fl::i32_trunc_f64_s(a))? as u32),
        "i32.trunc_f64_u" => u64::from(tr(fl::i32_trunc_f64_u(a))?),
        "i64.trunc_f32_s" => tr(fl::i64_trunc_f32_s(x))? as u64,
        "i64.trunc_f32_u" => tr(fl::i64_trunc_f32_u(x))?,
        "i64.trunc_f64_s" => tr(fl::i64_trunc_f64_s(a))? as u64,
        "i64.trunc_f64_u" => tr(fl::i64_trunc_f64_u(a))?,
        "i32.trunc_sat_f32_s" => u64::from(fl::i32_trunc_sat_f32_s(x) as u32),
        "i32.trunc_sat_f32_u" => u64::from(fl::i32_trunc_sat_f32_u(x)),
        "i32.trunc_sat_f64_s" => u64::from(fl::i32_trunc_sat_f64_s(a) as u32),
        "i32.trunc_sat_f64_u" => u64::from(fl::i32_trunc_sat_f64_u(a)),
        "i64.trunc_sat_f32_s" => fl::i64_trunc_sat_f32_s(x) as u64,
        "i64.trunc_sat_f32_u" => fl::i64_trunc_sat_f32_u(x),
        "i64.trunc_sat_f64_s" => fl::i64_trunc_sat_f64_s(a) as u64,
        "i64.trunc_sat_f64_u" => fl::i64_trunc_sat_f64_u(a),
        _ => unreachable!("{name}"),
    })
}

// ---------------------------------------------------------------------------------
// The interpreter: one function per instruction, operands as parameters.

const BINARY: [&str; 7] = ["add", "sub", "mul", "div", "min", "max", "copysign"];
const COMPARE: [&str; 6] = ["eq", "ne", "lt", "gt", "le", "ge"];
const UNARY: [&str; 7] = ["abs", "neg", "sqrt", "ceil", "floor", "trunc", "nearest"];

fn tname(w: W) -> &'static str {
    match w {
        W::F32 => "f32",
        W::F64 => "f64",
    }
}

fn module_text() -> String {
    let mut m = String::from("(module\n");
    let mut f = |name: &str, params: &str, result: &str, body: &str| {
        m += &format!("(func (export \"{name}\") (param {params}) (result {result}) {body})\n");
    };
    for w in [W::F32, W::F64] {
        let t = tname(w);
        for op in BINARY {
            f(
                &format!("{t}.{op}"),
                &format!("{t} {t}"),
                t,
                &format!("local.get 0 local.get 1 {t}.{op}"),
            );
        }
        for op in COMPARE {
            f(
                &format!("{t}.{op}"),
                &format!("{t} {t}"),
                "i32",
                &format!("local.get 0 local.get 1 {t}.{op}"),
            );
        }
        for op in UNARY {
            f(&format!("{t}.{op}"), t, t, &format!("local.get 0 {t}.{op}"));
        }
    }
    for (name, width, _, to) in FROM_INT {
        f(
            name,
            &format!("i{width}"),
            tname(to),
            &format!("local.get 0 {name}"),
        );
    }
    for (name, from, width, _, _) in TO_INT {
        f(
            name,
            tname(from),
            &format!("i{width}"),
            &format!("local.get 0 {name}"),
        );
    }
    f("f32.demote_f64", "f64", "f32", "local.get 0 f32.demote_f64");
    f(
        "f64.promote_f32",
        "f32",
        "f64",
        "local.get 0 f64.promote_f32",
    );
    f(
        "i32.reinterpret_f32",
        "f32",
        "i32",
        "local.get 0 i32.reinterpret_f32",
    );
    f(
        "i64.reinterpret_f64",
        "f64",
        "i64",
        "local.get 0 i64.reinterpret_f64",
    );
    f(
        "f32.reinterpret_i32",
        "i32",
        "f32",
        "local.get 0 f32.reinterpret_i32",
    );
    f(
        "f64.reinterpret_i64",
        "i64",
        "f64",
        "local.get 0 f64.reinterpret_i64",
    );
    m.push(')');
    m
}

struct Interp {
    store: Store,
    inst: Instance,
}

impl Interp {
    fn new() -> Interp {
        let engine = Engine::default();
        let bytes = wat::parse_str(module_text()).expect("wat");
        let module = Module::new(&engine, &bytes).expect("module");
        let mut store = Store::new(&engine, ());
        let inst = store.instantiate(&module, &[]).expect("instantiate");
        Interp { store, inst }
    }

    /// Calls `name` with operands given as bits, each converted to the parameter type.
    fn call(&mut self, name: &str, args: &[u64]) -> R {
        let Some(Extern::Func(f)) = self.store.instance_export(self.inst, name) else {
            panic!("no export {name}");
        };
        let params = self
            .store
            .func_type(f.addr())
            .expect("type")
            .params()
            .to_vec();
        let vals: Vec<Value> = params
            .iter()
            .zip(args)
            .map(|(t, a)| match t {
                ValType::I32 => Value::I32(*a as u32 as i32),
                ValType::I64 => Value::I64(*a as i64),
                ValType::F32 => Value::F32(*a as u32),
                ValType::F64 => Value::F64(*a),
                _ => panic!("no float operand of type {t}"),
            })
            .collect();
        match self.store.invoke(f, &vals) {
            Ok(v) => Ok(v[0].to_slot()),
            Err(Error::Trap(t)) => Err(t.code()),
            Err(e) => panic!("{name}: {e}"),
        }
    }
}

fn mask(w: W, v: u64) -> u64 {
    match w {
        W::F32 => v & 0xffff_ffff,
        W::F64 => v,
    }
}

/// Checks every instruction on operands `a`, `b` (bits for f32 in the low half).
fn check_all(it: &mut Interp, a64: u64, b64: u64) {
    for w in [W::F32, W::F64] {
        let (a, b) = (mask(w, a64), mask(w, b64));
        let t = tname(w);
        for op in BINARY {
            let want = if op == "copysign" {
                let sign = mask(w, if w == W::F32 { 0x8000_0000 } else { 1 << 63 });
                (a & !sign) | (b & sign)
            } else {
                ref_binary(w, op, a, b)
            };
            assert_eq!(
                lib_binary(w, op, a, b),
                want,
                "float::{t}_{op}({a:#x}, {b:#x})"
            );
            assert_eq!(
                it.call(&format!("{t}.{op}"), &[a, b]),
                Ok(want),
                "{t}.{op}({a:#x}, {b:#x})"
            );
        }
        for op in COMPARE {
            let want = ref_compare(w, op, a, b);
            assert_eq!(
                lib_binary(w, op, a, b),
                want,
                "float::{t}_{op}({a:#x}, {b:#x})"
            );
            assert_eq!(
                it.call(&format!("{t}.{op}"), &[a, b]),
                Ok(want),
                "{t}.{op}({a:#x}, {b:#x})"
            );
        }
        for op in UNARY {
            let lib = lib_unary(w, op, a);
            let got = it.call(&format!("{t}.{op}"), &[a]);
            if op == "sqrt" {
                if let Err(e) = check_sqrt(w, a, lib) {
                    panic!("float::{e}");
                }
                assert_eq!(
                    got,
                    Ok(lib),
                    "{t}.sqrt({a:#x}) differs from float::{t}_sqrt"
                );
            } else {
                let want = ref_unary(w, op, a);
                assert_eq!(lib, want, "float::{t}_{op}({a:#x})");
                assert_eq!(got, Ok(want), "{t}.{op}({a:#x})");
            }
        }
    }
    for (name, width, signed, to) in FROM_INT {
        let want = ref_from_int(width, signed, to, a64);
        assert_eq!(lib_from_int(name, a64), want, "float::{name}({a64:#x})");
        assert_eq!(it.call(name, &[a64]), Ok(want), "{name}({a64:#x})");
    }
    for (name, from, width, signed, sat) in TO_INT {
        let a = mask(from, a64);
        let want = ref_to_int(from, width, signed, sat, a);
        assert_eq!(lib_to_int(name, a), want, "float::{name}({a:#x})");
        assert_eq!(it.call(name, &[a]), want, "{name}({a:#x})");
    }
    let a32 = a64 & 0xffff_ffff;
    let want = ref_demote(a64);
    assert_eq!(
        u64::from(fl::f32_demote_f64(a64)),
        want,
        "float::f32_demote_f64({a64:#x})"
    );
    assert_eq!(
        it.call("f32.demote_f64", &[a64]),
        Ok(want),
        "f32.demote_f64({a64:#x})"
    );
    let want = ref_promote(a32);
    assert_eq!(
        fl::f64_promote_f32(a32 as u32),
        want,
        "float::f64_promote_f32({a32:#x})"
    );
    assert_eq!(
        it.call("f64.promote_f32", &[a32]),
        Ok(want),
        "f64.promote_f32({a32:#x})"
    );
    // Reinterpretations keep every bit (NaN payloads included).
    assert_eq!(it.call("i32.reinterpret_f32", &[a32]), Ok(a32));
    assert_eq!(it.call("f32.reinterpret_i32", &[a32]), Ok(a32));
    assert_eq!(it.call("i64.reinterpret_f64", &[a64]), Ok(a64));
    assert_eq!(it.call("f64.reinterpret_i64", &[a64]), Ok(a64));
}

/// f32 edge patterns, in the low 32 bits.
const EDGE32: [u32; 30] = [
    0x0000_0000,
    0x8000_0000,
    0x7f80_0000,
    0xff80_0000,
    0x7fc0_0000,
    0xffc0_0000,
    0x7f80_0001,
    0x7fbf_ffff,
    0xffff_ffff,
    0x7fc0_1234,
    0x0000_0001,
    0x8000_0001,
    0x007f_ffff,
    0x0080_0000,
    0x7f7f_ffff,
    0xff7f_ffff,
    0x3f80_0000,
    0x3f00_0000,
    0xbf00_0000,
    0x3fc0_0000,
    0x4020_0000,
    0xbfc0_0000,
    0x4b00_0000,
    0x4b00_0001,
    0x4f00_0000,
    0xcf00_0000,
    0x4f80_0000,
    0x5f00_0000,
    0xdf00_0000,
    0x5f80_0000,
];

/// f64 edge patterns.
const EDGE64: [u64; 30] = [
    0,
    1 << 63,
    0x7ff0_0000_0000_0000,
    0xfff0_0000_0000_0000,
    0x7ff8_0000_0000_0000,
    0xfff8_0000_0000_0000,
    0x7ff0_0000_0000_0001,
    0x7ff7_ffff_ffff_ffff,
    u64::MAX,
    0x7ff8_0000_dead_beef,
    1,
    0x8000_0000_0000_0001,
    0x000f_ffff_ffff_ffff,
    0x0010_0000_0000_0000,
    0x7fef_ffff_ffff_ffff,
    0xffef_ffff_ffff_ffff,
    0x3ff0_0000_0000_0000,
    0x3fe0_0000_0000_0000,
    0xbfe0_0000_0000_0000,
    0x3ff8_0000_0000_0000,
    0x4004_0000_0000_0000,
    0x4330_0000_0000_0000,
    0x4330_0000_0000_0001,
    0x41e0_0000_0000_0000,
    0xc1e0_0000_0000_0000,
    0x41ef_ffff_ffe0_0000,
    0x43e0_0000_0000_0000,
    0xc3e0_0000_0000_0000,
    0x43f0_0000_0000_0000,
    0x47ef_ffff_e000_0000,
];

/// Operand bits: edges of either width, random bits, and random values near 1 and near
/// the integer-conversion boundaries (random sign and mantissa, chosen exponents).
fn operand() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => any::<u64>(),
        2 => prop::sample::select(EDGE32.to_vec()).prop_map(u64::from),
        2 => prop::sample::select(EDGE64.to_vec()),
        2 => (any::<bool>(), 120u32..160, any::<u32>()).prop_map(|(neg, e, m)| {
            u64::from((u32::from(neg) << 31) | (e << 23) | (m & 0x7f_ffff))
        }),
        2 => (any::<bool>(), 1016u64..1090, any::<u64>()).prop_map(|(neg, e, m)| {
            (u64::from(neg) << 63) | (e << 52) | (m & 0xf_ffff_ffff_ffff)
        }),
        1 => (any::<bool>(), any::<u64>()).prop_map(|(neg, m)| {
            (u64::from(neg) << 63) | (m & 0xf_ffff_ffff_ffff)
        }),
        // f32 in the low half with upper bits set: the interpreter must ignore them? No:
        // an f32 value's slot is zero-extended (SPEC.md §Values); keep the low half only.
        1 => any::<u32>().prop_map(u64::from),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn float_instructions_match_apfloat_and_the_nan_rule(a in operand(), b in operand()) {
        let mut it = Interp::new();
        check_all(&mut it, a, b);
        check_all(&mut it, b, a);
    }
}

#[test]
fn float_edge_pairs() {
    let mut it = Interp::new();
    for a in EDGE32 {
        for b in EDGE32 {
            check_all(&mut it, u64::from(a), u64::from(b));
        }
    }
    for a in EDGE64 {
        for b in EDGE64 {
            check_all(&mut it, a, b);
        }
    }
}

#[test]
fn sqrt_reference_rejects_a_wrong_rounding() {
    // The check itself must be able to fail: sqrt(2) rounded the wrong way.
    let x = 2.0f64.to_bits();
    let r = 2.0f64.sqrt().to_bits();
    assert!(check_sqrt(W::F64, x, r).is_ok());
    assert!(check_sqrt(W::F64, x, r + 1).is_err());
    assert!(check_sqrt(W::F64, x, r - 1).is_err());
    let x = 2.0f32.to_bits();
    let r = 2.0f32.sqrt().to_bits();
    assert!(check_sqrt(W::F32, u64::from(x), u64::from(r)).is_ok());
    assert!(check_sqrt(W::F32, u64::from(x), u64::from(r + 1)).is_err());
}
