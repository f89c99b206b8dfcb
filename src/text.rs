//! The text form of values: parsing command-line arguments into [`Value`]s by their parameter type, and printing
//! result values. Pure string conversions: no I/O. Depends on `value`.
//!
//! Integers: decimal (signed, or unsigned up to the type's width) or `0x` hex, with an
//! optional `-` sign; the bits are kept, so `4294967295`, `0xffffffff` and `-1` are the
//! same `i32`. Floats: decimal as Rust parses it (correctly rounded), `inf`, `-inf`,
//! `nan` (the canonical NaN), `-nan`, and `nan:0xPAYLOAD` (a NaN with that mantissa).
//! Results print integers as signed decimal and floats as Rust's shortest round-trip
//! form (`0.75`, `1.0`, `1e300`), with NaNs in the same syntax the parser accepts.

use crate::{ValType, Value};

/// Parses one argument as a value of type `ty`.
///
/// # Errors
/// A message naming the argument and the type when it does not parse or does not fit.
pub fn parse_value(text: &str, ty: ValType) -> Result<Value, String> {
    let bad = || format!("cannot parse '{text}' as {ty}");
    match ty {
        ValType::I32 => {
            let wide = parse_int(text, 32).ok_or_else(bad)?;
            // parse_int keeps the value within [-2^31, 2^32), so the low 32 bits are it.
            let bits = u32::try_from(wide & 0xffff_ffff).map_err(|_| bad())?;
            Ok(Value::I32(i32::from_ne_bytes(bits.to_ne_bytes())))
        }
        ValType::I64 => {
            let wide = parse_int(text, 64).ok_or_else(bad)?;
            let bits = u64::try_from(wide & 0xffff_ffff_ffff_ffff).map_err(|_| bad())?;
            Ok(Value::I64(i64::from_ne_bytes(bits.to_ne_bytes())))
        }
        ValType::F32 => parse_f32_bits(text).map(Value::F32).ok_or_else(bad),
        ValType::F64 => parse_f64_bits(text).map(Value::F64).ok_or_else(bad),
        ValType::FuncRef | ValType::ExternRef | ValType::ExnRef => {
            if text == "null" {
                Ok(ty.default_value())
            } else {
                Err(format!(
                    "cannot parse '{text}' as {ty}: only 'null' is accepted"
                ))
            }
        }
    }
}

/// Parses a decimal or `0x` hex integer with an optional sign, accepting the signed
/// and the unsigned range of a `width`-bit integer: [-2^(width-1), 2^width).
fn parse_int(text: &str, width: u32) -> Option<i128> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits = digits.replace('_', "");
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u128::from_str_radix(hex, 16).ok()?
        }
        Some(_) => return None,
        None if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse::<u128>().ok()?
        }
        None => return None,
    };
    let magnitude = i128::try_from(magnitude).ok()?;
    let value = if negative { -magnitude } else { magnitude };
    let min = -(1i128 << (width - 1));
    let max = (1i128 << width) - 1;
    (min..=max).contains(&value).then_some(value)
}

/// Splits an optional sign off a float literal: (sign bit set, rest).
fn split_sign(text: &str) -> (bool, &str) {
    match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    }
}

/// Parses an f32 literal to its bits.
fn parse_f32_bits(text: &str) -> Option<u32> {
    let (negative, rest) = split_sign(text);
    let sign = if negative { 1u32 << 31 } else { 0 };
    let lower = rest.to_ascii_lowercase();
    let magnitude = match lower.as_str() {
        "inf" | "infinity" => 0x7f80_0000,
        "nan" => 0x7fc0_0000,
        _ => match lower.strip_prefix("nan:0x") {
            Some(hex) => {
                let payload = u32::from_str_radix(hex, 16).ok()?;
                if payload == 0 || payload > 0x007f_ffff {
                    return None;
                }
                0x7f80_0000 | payload
            }
            // Digits only from here: Rust would also take "nan" and "inf" spellings.
            None if rest.starts_with(|c: char| c.is_ascii_digit() || c == '.') => {
                rest.parse::<f32>().ok()?.to_bits()
            }
            None => return None,
        },
    };
    Some(sign | magnitude)
}

/// Parses an f64 literal to its bits.
fn parse_f64_bits(text: &str) -> Option<u64> {
    let (negative, rest) = split_sign(text);
    let sign = if negative { 1u64 << 63 } else { 0 };
    let lower = rest.to_ascii_lowercase();
    let magnitude = match lower.as_str() {
        "inf" | "infinity" => 0x7ff0_0000_0000_0000,
        "nan" => 0x7ff8_0000_0000_0000,
        _ => match lower.strip_prefix("nan:0x") {
            Some(hex) => {
                let payload = u64::from_str_radix(hex, 16).ok()?;
                if payload == 0 || payload > 0x000f_ffff_ffff_ffff {
                    return None;
                }
                0x7ff0_0000_0000_0000 | payload
            }
            None if rest.starts_with(|c: char| c.is_ascii_digit() || c == '.') => {
                rest.parse::<f64>().ok()?.to_bits()
            }
            None => return None,
        },
    };
    Some(sign | magnitude)
}

/// Formats a result value for printing.
pub fn format_value(value: &Value) -> String {
    match *value {
        Value::I32(v) => v.to_string(),
        Value::I64(v) => v.to_string(),
        Value::F32(bits) => format_f32(bits),
        Value::F64(bits) => format_f64(bits),
        Value::FuncRef(r) => format_ref("funcref", r.map(|f| u64::from(f.addr().0))),
        Value::ExternRef(r) => format_ref("externref", r.map(u64::from)),
        Value::ExnRef(r) => format_ref("exnref", r.map(|a| a.0)),
    }
}

fn format_ref(kind: &str, addr: Option<u64>) -> String {
    match addr {
        None => "null".to_string(),
        Some(addr) => format!("{kind}:{addr}"),
    }
}

/// Formats f32 bits: shortest round-trip decimal, `inf`, or a NaN with its payload
/// unless it is the canonical one.
fn format_f32(bits: u32) -> String {
    let sign = if bits >> 31 == 1 { "-" } else { "" };
    let exponent = (bits >> 23) & 0xff;
    let payload = bits & 0x007f_ffff;
    match (exponent, payload) {
        (0xff, 0) => format!("{sign}inf"),
        (0xff, 0x0040_0000) => format!("{sign}nan"),
        (0xff, _) => format!("{sign}nan:0x{payload:x}"),
        _ => format!("{:?}", f32::from_bits(bits)),
    }
}

/// Formats f64 bits like [`format_f32`].
fn format_f64(bits: u64) -> String {
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    let exponent = (bits >> 52) & 0x7ff;
    let payload = bits & 0x000f_ffff_ffff_ffff;
    match (exponent, payload) {
        (0x7ff, 0) => format!("{sign}inf"),
        (0x7ff, 0x0008_0000_0000_0000) => format!("{sign}nan"),
        (0x7ff, _) => format!("{sign}nan:0x{payload:x}"),
        _ => format!("{:?}", f64::from_bits(bits)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Func, FuncAddr, StoreId};

    fn check(text: &str, ty: ValType, expect: Option<Value>) {
        assert_eq!(
            parse_value(text, ty).ok(),
            expect,
            "parsing {text:?} as {ty}"
        );
    }

    #[test]
    fn integers() {
        check("0", ValType::I32, Some(Value::I32(0)));
        check("-5", ValType::I32, Some(Value::I32(-5)));
        check("+7", ValType::I32, Some(Value::I32(7)));
        check("0x14", ValType::I32, Some(Value::I32(20)));
        check("0xffffffff", ValType::I32, Some(Value::I32(-1)));
        check("4294967295", ValType::I32, Some(Value::I32(-1)));
        check("-2147483648", ValType::I32, Some(Value::I32(i32::MIN)));
        check("1_000", ValType::I32, Some(Value::I32(1000)));
        check("4294967296", ValType::I32, None);
        check("-2147483649", ValType::I32, None);
        check("0x100000000", ValType::I32, None);
        check("", ValType::I32, None);
        check("-", ValType::I32, None);
        check("0x", ValType::I32, None);
        check("1.5", ValType::I32, None);
        check("abc", ValType::I32, None);
        check("18446744073709551615", ValType::I64, Some(Value::I64(-1)));
        check(
            "-9223372036854775808",
            ValType::I64,
            Some(Value::I64(i64::MIN)),
        );
        check(
            "0x8000000000000000",
            ValType::I64,
            Some(Value::I64(i64::MIN)),
        );
        check("18446744073709551616", ValType::I64, None);
    }

    #[test]
    fn floats() {
        check("1.5", ValType::F32, Some(Value::F32(1.5f32.to_bits())));
        check("-0", ValType::F32, Some(Value::F32((-0.0f32).to_bits())));
        check("inf", ValType::F32, Some(Value::F32(0x7f80_0000)));
        check("-inf", ValType::F32, Some(Value::F32(0xff80_0000)));
        check("nan", ValType::F32, Some(Value::F32(0x7fc0_0000)));
        check("-nan", ValType::F32, Some(Value::F32(0xffc0_0000)));
        check("nan:0x1", ValType::F32, Some(Value::F32(0x7f80_0001)));
        check("nan:0x0", ValType::F32, None);
        check("nan:0x800000", ValType::F32, None);
        check("1e3", ValType::F64, Some(Value::F64(1000.0f64.to_bits())));
        check(".5", ValType::F64, Some(Value::F64(0.5f64.to_bits())));
        check("nan", ValType::F64, Some(Value::F64(0x7ff8_0000_0000_0000)));
        check(
            "-nan:0x1",
            ValType::F64,
            Some(Value::F64(0xfff0_0000_0000_0001)),
        );
        check("x", ValType::F64, None);
        check("--1", ValType::F64, None);
        check("-+1", ValType::F64, None);
        check("null", ValType::FuncRef, Some(Value::FuncRef(None)));
        check("0", ValType::ExternRef, None);
    }

    #[test]
    fn formatting() {
        let cases = [
            (Value::I32(-1), "-1"),
            (Value::I64(i64::MAX), "9223372036854775807"),
            (Value::F64(2.4375f64.to_bits()), "2.4375"),
            (Value::F64(1.0f64.to_bits()), "1.0"),
            (Value::F64(1e300f64.to_bits()), "1e300"),
            (Value::F32(0.1f32.to_bits()), "0.1"),
            (Value::F32((-0.0f32).to_bits()), "-0.0"),
            (Value::F32(0xff80_0000), "-inf"),
            (Value::F32(0x7fc0_0000), "nan"),
            (Value::F64(0xfff8_0000_0000_0000), "-nan"),
            (Value::F32(0x7f80_0001), "nan:0x1"),
            (Value::FuncRef(None), "null"),
            // A store's identity never shows: only the address does.
            (
                Value::FuncRef(Some(Func::new(StoreId(7), FuncAddr(3)))),
                "funcref:3",
            ),
        ];
        for (value, expect) in cases {
            assert_eq!(format_value(&value), expect);
        }
    }

    #[test]
    fn round_trip() {
        for text in [
            "nan",
            "-nan",
            "nan:0x1234",
            "inf",
            "-inf",
            "0.1",
            "-2.5",
            "1e-40",
        ] {
            for ty in [ValType::F32, ValType::F64] {
                let value = parse_value(text, ty).map(|v| format_value(&v));
                assert_eq!(value.as_deref(), Ok(text), "round trip of {text} as {ty}");
            }
        }
    }
}
