//! Conversion between the wast script's constants and detwasm values: arguments of
//! `invoke`, and the matching of results against `assert_return` patterns (exact bits
//! for numbers, the spec's `nan:canonical` / `nan:arithmetic` classes, null references
//! of each kind, `ref.extern N`, `ref.func`, `ref.host N` and `either`). Depends on
//! wast and detwasm's public API.

use detwasm::float::{
    f32_is_arithmetic_nan, f32_is_canonical_nan, f64_is_arithmetic_nan, f64_is_canonical_nan,
};
use detwasm::{ValType, Value};
use wast::core::{AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore};
use wast::{WastArg, WastRet};

/// The value an `invoke` argument denotes.
///
/// # Errors
/// A message for constants the profile has no value for (`v128`, GC references,
/// component values).
pub fn arg_value(arg: &WastArg<'_>) -> Result<Value, String> {
    let WastArg::Core(core) = arg else {
        return Err("component-model argument".to_string());
    };
    Ok(match core {
        WastArgCore::I32(v) => Value::I32(*v),
        WastArgCore::I64(v) => Value::I64(*v),
        WastArgCore::F32(v) => Value::F32(v.bits),
        WastArgCore::F64(v) => Value::F64(v.bits),
        WastArgCore::RefNull(heap) => match null_kind(heap) {
            Some(ty) => ty.default_value(),
            None => return Err(format!("unsupported null reference {heap:?}")),
        },
        // NOTE: the profile has no anyref, so a host reference is carried as the
        // externref handle of the same number.
        WastArgCore::RefExtern(n) | WastArgCore::RefHost(n) => Value::ExternRef(Some(*n)),
        WastArgCore::V128(_) => return Err("unsupported v128 argument".to_string()),
    })
}

/// The reference type whose null a `ref.null <heap type>` denotes, if the profile has
/// one.
fn null_kind(heap: &HeapType<'_>) -> Option<ValType> {
    match heap {
        HeapType::Abstract { shared: false, ty } => match ty {
            AbstractHeapType::Func | AbstractHeapType::NoFunc => Some(ValType::FuncRef),
            AbstractHeapType::Extern | AbstractHeapType::NoExtern => Some(ValType::ExternRef),
            AbstractHeapType::Exn | AbstractHeapType::NoExn => Some(ValType::ExnRef),
            _ => None,
        },
        _ => None,
    }
}

/// Whether `actual` matches the expected result pattern `expected`.
pub fn ret_matches(expected: &WastRet<'_>, actual: &Value) -> bool {
    match expected {
        WastRet::Core(core) => core_matches(core, actual),
        _ => false,
    }
}

fn core_matches(expected: &WastRetCore<'_>, actual: &Value) -> bool {
    match (expected, *actual) {
        (WastRetCore::I32(e), Value::I32(a)) => *e == a,
        (WastRetCore::I64(e), Value::I64(a)) => *e == a,
        (WastRetCore::F32(pattern), Value::F32(bits)) => match pattern {
            NanPattern::CanonicalNan => f32_is_canonical_nan(bits),
            NanPattern::ArithmeticNan => f32_is_arithmetic_nan(bits),
            NanPattern::Value(e) => e.bits == bits,
        },
        (WastRetCore::F64(pattern), Value::F64(bits)) => match pattern {
            NanPattern::CanonicalNan => f64_is_canonical_nan(bits),
            NanPattern::ArithmeticNan => f64_is_arithmetic_nan(bits),
            NanPattern::Value(e) => e.bits == bits,
        },
        (WastRetCore::RefNull(None), v) => is_null(&v),
        (WastRetCore::RefNull(Some(heap)), v) => {
            is_null(&v) && null_kind(heap).is_some_and(|ty| ty == v.ty())
        }
        (WastRetCore::RefExtern(None), Value::ExternRef(Some(_))) => true,
        (WastRetCore::RefExtern(Some(e)), Value::ExternRef(Some(a))) => *e == a,
        (WastRetCore::RefHost(e), Value::ExternRef(Some(a))) => *e == a,
        // NOTE: `ref.func` with an index names a function of the module under test,
        // which has no store address the runner could know; any non-null funcref
        // matches, as in wasmtime's runner.
        (WastRetCore::RefFunc(_), Value::FuncRef(Some(_))) => true,
        (WastRetCore::Either(alternatives), v) => {
            alternatives.iter().any(|alt| core_matches(alt, &v))
        }
        _ => false,
    }
}

fn is_null(v: &Value) -> bool {
    matches!(
        v,
        Value::FuncRef(None) | Value::ExternRef(None) | Value::ExnRef(None)
    )
}

/// A readable rendering of a value: type, number, and the bits of floats.
pub fn show_value(v: &Value) -> String {
    match *v {
        Value::I32(x) => format!("i32:{x}"),
        Value::I64(x) => format!("i64:{x}"),
        Value::F32(b) => format!("f32:{}(0x{b:08x})", f32::from_bits(b)),
        Value::F64(b) => format!("f64:{}(0x{b:016x})", f64::from_bits(b)),
        Value::FuncRef(None) => "ref.null func".to_string(),
        Value::FuncRef(Some(f)) => format!("ref.func@{}", f.addr().0),
        Value::ExternRef(None) => "ref.null extern".to_string(),
        Value::ExternRef(Some(n)) => format!("ref.extern {n}"),
        Value::ExnRef(None) => "ref.null exn".to_string(),
        Value::ExnRef(Some(a)) => format!("ref.exn@{}", a.0),
    }
}

/// A list of values, rendered with [`show_value`].
pub fn show_values(vs: &[Value]) -> String {
    let parts: Vec<String> = vs.iter().map(show_value).collect();
    format!("[{}]", parts.join(", "))
}

/// A readable rendering of an expected result pattern.
pub fn show_ret(r: &WastRet<'_>) -> String {
    match r {
        WastRet::Core(core) => show_core_ret(core),
        _ => "<component value>".to_string(),
    }
}

fn show_core_ret(r: &WastRetCore<'_>) -> String {
    fn nan<T>(p: &NanPattern<T>, value: impl Fn(&T) -> String) -> String {
        match p {
            NanPattern::CanonicalNan => "nan:canonical".to_string(),
            NanPattern::ArithmeticNan => "nan:arithmetic".to_string(),
            NanPattern::Value(v) => value(v),
        }
    }
    match r {
        WastRetCore::I32(x) => format!("i32:{x}"),
        WastRetCore::I64(x) => format!("i64:{x}"),
        WastRetCore::F32(p) => format!(
            "f32:{}",
            nan(p, |v| format!(
                "{}(0x{:08x})",
                f32::from_bits(v.bits),
                v.bits
            ))
        ),
        WastRetCore::F64(p) => format!(
            "f64:{}",
            nan(p, |v| format!(
                "{}(0x{:016x})",
                f64::from_bits(v.bits),
                v.bits
            ))
        ),
        WastRetCore::RefNull(None) => "ref.null".to_string(),
        WastRetCore::RefNull(Some(heap)) => match null_kind(heap) {
            Some(ValType::FuncRef) => "ref.null func".to_string(),
            Some(ValType::ExternRef) => "ref.null extern".to_string(),
            Some(ValType::ExnRef) => "ref.null exn".to_string(),
            _ => format!("ref.null {heap:?}"),
        },
        WastRetCore::RefExtern(None) => "ref.extern".to_string(),
        WastRetCore::RefExtern(Some(n)) => format!("ref.extern {n}"),
        WastRetCore::RefHost(n) => format!("ref.host {n}"),
        WastRetCore::RefFunc(_) => "ref.func".to_string(),
        WastRetCore::Either(alts) => {
            let parts: Vec<String> = alts.iter().map(show_core_ret).collect();
            format!("(either {})", parts.join(" | "))
        }
        other => format!("{other:?}"),
    }
}
