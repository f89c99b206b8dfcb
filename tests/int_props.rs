//! Property tests of every integer instruction, executed by the interpreter, against
//! Rust's wrapping and checked arithmetic (core §4.3.2 integer operations). Each case
//! builds one module in which every binary operator appears in four shapes, because
//! the translator fuses instructions (superinstructions with immediates, fused
//! compare-and-branch): operands from locals, the right operand an immediate, both
//! operands constants, and (for comparisons) the comparison feeding `br_if` and `if`.
//! Unary operators and conversions appear from a local and from a constant. Operands
//! mix edge values (0, ±1, MIN, MAX, shift counts around the width) with random bits.
//! Depends on detwasm's public API, wat and proptest.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use detwasm::{Engine, Error, Extern, Module, Store, TrapCode, Value};
use proptest::prelude::*;

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum T {
    I32,
    I64,
}

impl T {
    fn name(self) -> &'static str {
        match self {
            T::I32 => "i32",
            T::I64 => "i64",
        }
    }
    fn value(self, bits: u64) -> Value {
        match self {
            T::I32 => Value::I32(bits as u32 as i32),
            T::I64 => Value::I64(bits as i64),
        }
    }
    fn lit(self, bits: u64) -> String {
        match self {
            T::I32 => format!("{}", bits as u32 as i32),
            T::I64 => format!("{}", bits as i64),
        }
    }
}

fn bits_of(v: &Value) -> u64 {
    match *v {
        Value::I32(x) => u64::from(x as u32),
        Value::I64(x) => x as u64,
        ref other => panic!("not an integer: {other:?}"),
    }
}

type R = Result<u64, TrapCode>;

fn b(x: bool) -> R {
    Ok(u64::from(x))
}

/// The reference result of binary `op` on `ty`, operands as raw bits.
fn binop(ty: T, op: &str, a: u64, c: u64) -> R {
    use TrapCode::{IntegerDivideByZero as Div0, IntegerOverflow as Ovf};
    match ty {
        T::I32 => {
            let (x, y) = (a as u32, c as u32);
            let (sx, sy) = (x as i32, y as i32);
            let r: u32 = match op {
                "add" => x.wrapping_add(y),
                "sub" => x.wrapping_sub(y),
                "mul" => x.wrapping_mul(y),
                "div_s" => {
                    if sy == 0 {
                        return Err(Div0);
                    }
                    sx.checked_div(sy).ok_or(Ovf)? as u32
                }
                "div_u" => x.checked_div(y).ok_or(Div0)?,
                "rem_s" => {
                    if sy == 0 {
                        return Err(Div0);
                    }
                    sx.wrapping_rem(sy) as u32
                }
                "rem_u" => x.checked_rem(y).ok_or(Div0)?,
                "and" => x & y,
                "or" => x | y,
                "xor" => x ^ y,
                "shl" => x.wrapping_shl(y),
                "shr_s" => sx.wrapping_shr(y) as u32,
                "shr_u" => x.wrapping_shr(y),
                "rotl" => x.rotate_left(y % 32),
                "rotr" => x.rotate_right(y % 32),
                "eq" => return b(x == y),
                "ne" => return b(x != y),
                "lt_s" => return b(sx < sy),
                "lt_u" => return b(x < y),
                "gt_s" => return b(sx > sy),
                "gt_u" => return b(x > y),
                "le_s" => return b(sx <= sy),
                "le_u" => return b(x <= y),
                "ge_s" => return b(sx >= sy),
                "ge_u" => return b(x >= y),
                _ => unreachable!("{op}"),
            };
            Ok(u64::from(r))
        }
        T::I64 => {
            let (x, y) = (a, c);
            let (sx, sy) = (x as i64, y as i64);
            let r: u64 = match op {
                "add" => x.wrapping_add(y),
                "sub" => x.wrapping_sub(y),
                "mul" => x.wrapping_mul(y),
                "div_s" => {
                    if sy == 0 {
                        return Err(Div0);
                    }
                    sx.checked_div(sy).ok_or(Ovf)? as u64
                }
                "div_u" => x.checked_div(y).ok_or(Div0)?,
                "rem_s" => {
                    if sy == 0 {
                        return Err(Div0);
                    }
                    sx.wrapping_rem(sy) as u64
                }
                "rem_u" => x.checked_rem(y).ok_or(Div0)?,
                "and" => x & y,
                "or" => x | y,
                "xor" => x ^ y,
                "shl" => x.wrapping_shl(y as u32),
                "shr_s" => sx.wrapping_shr(y as u32) as u64,
                "shr_u" => x.wrapping_shr(y as u32),
                "rotl" => x.rotate_left((y % 64) as u32),
                "rotr" => x.rotate_right((y % 64) as u32),
                "eq" => return b(x == y),
                "ne" => return b(x != y),
                "lt_s" => return b(sx < sy),
                "lt_u" => return b(x < y),
                "gt_s" => return b(sx > sy),
                "gt_u" => return b(x > y),
                "le_s" => return b(sx <= sy),
                "le_u" => return b(x <= y),
                "ge_s" => return b(sx >= sy),
                "ge_u" => return b(x >= y),
                _ => unreachable!("{op}"),
            };
            Ok(r)
        }
    }
}

const BINOPS: [&str; 25] = [
    "add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s",
    "shr_u", "rotl", "rotr", "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s",
    "ge_u",
];
const COMPARES: [&str; 10] = [
    "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u",
];

/// A unary operator or conversion: instruction, operand type, result type, reference.
type Unop = (&'static str, T, T, fn(u64) -> u64);

fn unops() -> Vec<Unop> {
    vec![
        ("i32.clz", T::I32, T::I32, |a| {
            u64::from((a as u32).leading_zeros())
        }),
        ("i32.ctz", T::I32, T::I32, |a| {
            u64::from((a as u32).trailing_zeros())
        }),
        ("i32.popcnt", T::I32, T::I32, |a| {
            u64::from((a as u32).count_ones())
        }),
        ("i32.eqz", T::I32, T::I32, |a| u64::from(a as u32 == 0)),
        ("i32.extend8_s", T::I32, T::I32, |a| {
            u64::from(a as u8 as i8 as i32 as u32)
        }),
        ("i32.extend16_s", T::I32, T::I32, |a| {
            u64::from(a as u16 as i16 as i32 as u32)
        }),
        ("i64.clz", T::I64, T::I64, |a| u64::from(a.leading_zeros())),
        ("i64.ctz", T::I64, T::I64, |a| u64::from(a.trailing_zeros())),
        ("i64.popcnt", T::I64, T::I64, |a| u64::from(a.count_ones())),
        ("i64.eqz", T::I64, T::I32, |a| u64::from(a == 0)),
        ("i64.extend8_s", T::I64, T::I64, |a| {
            a as u8 as i8 as i64 as u64
        }),
        ("i64.extend16_s", T::I64, T::I64, |a| {
            a as u16 as i16 as i64 as u64
        }),
        ("i64.extend32_s", T::I64, T::I64, |a| {
            a as u32 as i32 as i64 as u64
        }),
        ("i32.wrap_i64", T::I64, T::I32, |a| u64::from(a as u32)),
        ("i64.extend_i32_s", T::I32, T::I64, |a| {
            a as u32 as i32 as i64 as u64
        }),
        ("i64.extend_i32_u", T::I32, T::I64, |a| u64::from(a as u32)),
    ]
}

/// One module with every operator in every shape, for operands `a` and `c`.
fn module_text(a: u64, c: u64) -> String {
    let mut m = String::from("(module\n");
    for ty in [T::I32, T::I64] {
        let t = ty.name();
        let (la, lc) = (ty.lit(a), ty.lit(c));
        for op in BINOPS {
            let rt = if COMPARES.contains(&op) { "i32" } else { t };
            m += &format!(
                "(func (export \"p {t}.{op}\") (param {t} {t}) (result {rt}) local.get 0 local.get 1 {t}.{op})\n\
                 (func (export \"i {t}.{op}\") (param {t}) (result {rt}) local.get 0 {t}.const {lc} {t}.{op})\n\
                 (func (export \"k {t}.{op}\") (result {rt}) {t}.const {la} {t}.const {lc} {t}.{op})\n"
            );
            if COMPARES.contains(&op) {
                m += &format!(
                    "(func (export \"b {t}.{op}\") (param {t} {t}) (result i32)\n\
                       (block (result i32) i32.const 1 local.get 0 local.get 1 {t}.{op} br_if 0 drop i32.const 0))\n\
                     (func (export \"f {t}.{op}\") (param {t} {t}) (result i32)\n\
                       (if (result i32) ({t}.{op} (local.get 0) (local.get 1)) (then i32.const 1) (else i32.const 0)))\n\
                     (func (export \"j {t}.{op}\") (param {t}) (result i32)\n\
                       (block (result i32) i32.const 1 local.get 0 {t}.const {lc} {t}.{op} br_if 0 drop i32.const 0))\n"
                );
            }
        }
    }
    for (op, at, rt, _) in unops() {
        let (a_t, r_t) = (at.name(), rt.name());
        let la = at.lit(a);
        m += &format!(
            "(func (export \"p {op}\") (param {a_t}) (result {r_t}) local.get 0 {op})\n\
             (func (export \"k {op}\") (result {r_t}) {a_t}.const {la} {op})\n"
        );
    }
    m.push(')');
    m
}

fn call(store: &mut Store, inst: detwasm::Instance, name: &str, args: &[Value]) -> R {
    let Some(Extern::Func(f)) = store.instance_export(inst, name) else {
        panic!("no export {name}");
    };
    match store.invoke(f, args) {
        Ok(v) => Ok(bits_of(&v[0])),
        Err(Error::Trap(t)) => Err(t.code()),
        Err(e) => panic!("{name}: {e}"),
    }
}

fn check_all(a: u64, c: u64) {
    let engine = Engine::default();
    let bytes = wat::parse_str(module_text(a, c)).expect("wat");
    let module = Module::new(&engine, &bytes).expect("module");
    let mut store = Store::new(&engine, ());
    let inst = store.instantiate(&module, &[]).expect("instantiate");
    for ty in [T::I32, T::I64] {
        let t = ty.name();
        let (va, vc) = (ty.value(a), ty.value(c));
        for op in BINOPS {
            let want = binop(ty, op, a, c);
            let mut shapes = vec![
                (format!("p {t}.{op}"), vec![va, vc]),
                (format!("i {t}.{op}"), vec![va]),
                (format!("k {t}.{op}"), vec![]),
            ];
            if COMPARES.contains(&op) {
                shapes.push((format!("b {t}.{op}"), vec![va, vc]));
                shapes.push((format!("f {t}.{op}"), vec![va, vc]));
                shapes.push((format!("j {t}.{op}"), vec![va]));
            }
            for (name, args) in shapes {
                let got = call(&mut store, inst, &name, &args);
                assert_eq!(got, want, "{name}({a:#x}, {c:#x})");
            }
        }
    }
    for (op, at, _, f) in unops() {
        let want = Ok(f(a));
        let got = call(&mut store, inst, &format!("p {op}"), &[at.value(a)]);
        assert_eq!(got, want, "p {op}({a:#x})");
        let got = call(&mut store, inst, &format!("k {op}"), &[]);
        assert_eq!(got, want, "k {op}({a:#x})");
    }
}

/// Edge operands: zero, one, all ones, the signed extremes of both widths, and shift
/// counts around 32 and 64.
fn operand() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => any::<u64>(),
        2 => prop::sample::select(vec![
            0u64, 1, 2, 3, 31, 32, 33, 63, 64, 65, u64::MAX, u64::MAX - 1,
            0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 0x1_0000_0000,
            0x7fff_ffff_ffff_ffff, 0x8000_0000_0000_0000,
            0xffff_ffff_8000_0000, 0x80, 0xff, 0x8000, 0xffff,
        ]),
        1 => 0u64..70,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn integer_instructions_match_rust_arithmetic(a in operand(), c in operand()) {
        check_all(a, c);
    }
}

#[test]
fn integer_edge_pairs() {
    let edges = [
        0u64,
        1,
        u64::MAX,
        0x8000_0000,
        0xffff_ffff,
        0x8000_0000_0000_0000,
        31,
        32,
        63,
        64,
    ];
    for a in edges {
        for c in edges {
            check_all(a, c);
        }
    }
}
