//! Shared setup of the detwasm fuzz targets: the wasm-smith configuration of the
//! profile (SPEC.md §Profile), a normalized view of values, outcomes and instance state
//! that every engine is reduced to, and one driver per engine: detwasm itself
//! ([`det`]), the reference meter of `tests/refmeter/` ([`rf`], the independent check
//! of gas, out-of-gas points and the stack model), wasmi 2 ([`wasmi_side`], the
//! semantic oracle without exceptions); the wasmtime oracle for exception handling
//! lives in `wasmtime_side.rs`, compiled only into `differential_eh` (feature `eh`). [`diff`] compares them and
//! turns any difference into a readable report. Depends on detwasm's public API only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code, unused_imports, clippy::all)]
#[path = "../../tests/refmeter/mod.rs"]
pub mod refmeter;

pub mod det;
pub mod determinism;
pub mod diff;
pub mod rf;
pub mod smith;
pub mod trace_fuzz;
pub mod validate;
pub mod wasmi_side;

use std::fmt;

/// A value reduced for comparison: numbers by bits, references by kind and address
/// (the address is `None` for null; engines that cannot name addresses compare only
/// null-ness, see [`Val::same_as`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    I32(u32),
    I64(u64),
    F32(u32),
    F64(u64),
    Func(Option<u32>),
    Extern(Option<u32>),
    Exn(bool),
}

impl Val {
    /// Equality up to what both sides can see: references compare by null-ness only
    /// when `by_addr` is false (across engines with different address spaces).
    pub fn same_as(&self, other: &Val, by_addr: bool) -> bool {
        match (self, other) {
            (Val::Func(a), Val::Func(b)) | (Val::Extern(a), Val::Extern(b)) if !by_addr => {
                a.is_some() == b.is_some()
            }
            _ => self == other,
        }
    }
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::I32(x) => write!(f, "i32:{x:#x}"),
            Val::I64(x) => write!(f, "i64:{x:#x}"),
            Val::F32(x) => write!(f, "f32:{x:#010x}({})", f32::from_bits(*x)),
            Val::F64(x) => write!(f, "f64:{x:#018x}({})", f64::from_bits(*x)),
            Val::Func(a) => write!(f, "funcref:{a:?}"),
            Val::Extern(a) => write!(f, "externref:{a:?}"),
            Val::Exn(a) => write!(f, "exnref:{}", if *a { "non-null" } else { "null" }),
        }
    }
}

/// Interesting bit patterns for numeric arguments: range ends, signs, signed zeros,
/// infinities, canonical and non-canonical NaNs (quiet and signalling, both signs),
/// subnormals and conversion boundaries.
const SPECIAL_BITS: [u64; 24] = [
    0,
    1,
    2,
    0xff,
    0xffff,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0x7fff_ffff_ffff_ffff,
    0x8000_0000_0000_0000,
    0xffff_ffff_ffff_ffff,
    0x7fc0_0000,           // f32 canonical NaN
    0xffc0_0001,           // f32 negative quiet NaN with a payload
    0x7f80_0001,           // f32 signalling NaN
    0x7f80_0000,           // f32 +inf
    0x0000_0001,           // f32 smallest subnormal
    0x4f00_0000,           // f32 2^31
    0x7ff8_0000_0000_0000, // f64 canonical NaN
    0xfff0_0000_0000_0001, // f64 negative signalling NaN
    0x7ff4_0000_0000_0000, // f64 signalling NaN
    0xfff0_0000_0000_0000, // f64 -inf
    0x000f_ffff_ffff_ffff, // f64 largest subnormal
    0x43e0_0000_0000_0000, // f64 2^63
    0xc1e0_0000_0020_0000, // f64 just below -2^31
];

/// Arguments for a function with parameters `params`, drawn from the fuzzer's bytes:
/// numbers are a special bit pattern ([`SPECIAL_BITS`], truncated to the type), a
/// small integer, or arbitrary bits; references are null (addresses do not carry
/// across engines). When the bytes run out every argument is zero.
pub fn arbitrary_args(
    u: &mut arbitrary::Unstructured<'_>,
    params: &[detwasm::ValType],
) -> Vec<Val> {
    use detwasm::ValType as T;
    params
        .iter()
        .map(|t| {
            let bits: u64 = match u.int_in_range(0u8..=3).unwrap_or(0) {
                0 => SPECIAL_BITS[u.choose_index(SPECIAL_BITS.len()).unwrap_or(0)],
                1 => u.int_in_range(0u64..=16).unwrap_or(0),
                _ => u.arbitrary().unwrap_or(0),
            };
            match t {
                T::I32 => Val::I32(bits as u32),
                T::I64 => Val::I64(bits),
                T::F32 => Val::F32(bits as u32),
                T::F64 => Val::F64(bits),
                T::FuncRef => Val::Func(None),
                T::ExternRef => Val::Extern(None),
                T::ExnRef => Val::Exn(false),
            }
        })
        .collect()
}

/// Shows arguments for a step log.
pub fn show_args(args: &[Val]) -> String {
    let v: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    format!("({})", v.join(", "))
}

/// How one invocation (or instantiation) ended, with trap names as SPEC.md §Traps
/// spells them (`out_of_gas`, `call_stack_exhausted`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Values(Vec<Val>),
    Trap(String),
    /// The oracle stopped for a reason of its own (fuel, native stack, a limit of its
    /// own): nothing to compare from here on.
    Inconclusive(String),
}

impl Outcome {
    pub fn trap_name(&self) -> Option<&str> {
        match self {
            Outcome::Trap(t) => Some(t),
            _ => None,
        }
    }
    /// Whether detwasm stopped on a resource limit (gas, §Stack or §Exceptions), after
    /// which an oracle with other limits cannot follow.
    pub fn is_resource_stop(&self) -> bool {
        matches!(
            self.trap_name(),
            Some("out_of_gas" | "call_stack_exhausted" | "exception_limit")
        )
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Values(vs) => {
                let v: Vec<String> = vs.iter().map(|v| v.to_string()).collect();
                write!(f, "values [{}]", v.join(", "))
            }
            Outcome::Trap(t) => write!(f, "trap {t}"),
            Outcome::Inconclusive(w) => write!(f, "inconclusive ({w})"),
        }
    }
}

/// One exported item's state after a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Memory(Vec<u8>),
    /// A memory kept as its length in bytes and one digest per 64 KiB page
    /// ([`page_digests`]): the determinism target holds a state after every step of
    /// five records, and whole copies of memories that grew to tens of MiB took it
    /// past libFuzzer's 4 GiB RSS limit.
    MemoryPages(usize, Vec<u64>),
    Global(Val),
    Table(Vec<Val>),
}

/// One digest per 64 KiB page of `data` (the last page may be shorter), by SipHash
/// with fixed keys (`DefaultHasher::new`), so equal within a process run. A fuzzing
/// check, not a cryptographic commitment: two differing pages with equal digests
/// would hide a divergence with probability 2^-64.
pub fn page_digests(data: &[u8]) -> Vec<u64> {
    use std::hash::Hasher;
    data.chunks(65_536)
        .map(|page| {
            let mut h = std::hash::DefaultHasher::new();
            h.write(page);
            h.finish()
        })
        .collect()
}

/// Exported state of an instance, by export name, in export order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot(pub Vec<(String, Item)>);

impl Snapshot {
    /// The first difference from `other`, readable; `None` when equal (references by
    /// address when `by_addr`, else by null-ness).
    pub fn diff(&self, other: &Snapshot, by_addr: bool) -> Option<String> {
        // Engines list exports in different orders (wasmi sorts them): compare by name.
        let (mut mine, mut theirs) = (
            self.0.iter().collect::<Vec<_>>(),
            other.0.iter().collect::<Vec<_>>(),
        );
        mine.sort_by(|a, b| a.0.cmp(&b.0));
        theirs.sort_by(|a, b| a.0.cmp(&b.0));
        if mine.len() != theirs.len() {
            return Some(format!(
                "{} exported items vs {}",
                self.0.len(),
                other.0.len()
            ));
        }
        for ((na, a), (nb, b)) in mine.into_iter().zip(theirs) {
            if na != nb {
                return Some(format!("export {na:?} vs {nb:?}"));
            }
            match (a, b) {
                (Item::Memory(x), Item::Memory(y)) => {
                    if x.len() != y.len() {
                        return Some(format!(
                            "memory {na:?}: {} bytes vs {} bytes",
                            x.len(),
                            y.len()
                        ));
                    }
                    if let Some(i) = x.iter().zip(y).position(|(p, q)| p != q) {
                        return Some(format!(
                            "memory {na:?} byte {i:#x}: {:#04x} vs {:#04x}",
                            x[i], y[i]
                        ));
                    }
                }
                (Item::MemoryPages(lx, x), Item::MemoryPages(ly, y)) => {
                    if lx != ly {
                        return Some(format!("memory {na:?}: {lx} bytes vs {ly} bytes"));
                    }
                    if let Some(i) = x.iter().zip(y).position(|(p, q)| p != q) {
                        return Some(format!(
                            "memory {na:?} page {i} (bytes {:#x}..{:#x}) differs",
                            i * 65_536,
                            ((i + 1) * 65_536).min(*lx)
                        ));
                    }
                }
                (Item::Global(x), Item::Global(y)) => {
                    if !x.same_as(y, by_addr) {
                        return Some(format!("global {na:?}: {x} vs {y}"));
                    }
                }
                (Item::Table(x), Item::Table(y)) => {
                    if x.len() != y.len() {
                        return Some(format!("table {na:?}: {} elements vs {}", x.len(), y.len()));
                    }
                    if let Some(i) = x.iter().zip(y).position(|(p, q)| !p.same_as(q, by_addr)) {
                        return Some(format!("table {na:?} element {i}: {} vs {}", x[i], y[i]));
                    }
                }
                _ => return Some(format!("export {na:?}: kinds differ")),
            }
        }
        None
    }
}

/// Limits of one fuzz case, chosen by the fuzzer: small enough that out-of-gas and
/// both §Stack rules are reached often and cheaply.
#[derive(Clone, Copy, Debug)]
pub struct RunLimits {
    pub gas: u64,
    pub max_call_depth: u32,
    pub max_stack_height: u64,
    /// SPEC.md §Exceptions: small values make `throw` collect often.
    pub max_live_exceptions: u32,
}

impl RunLimits {
    pub fn arbitrary(u: &mut arbitrary::Unstructured<'_>) -> RunLimits {
        let gas = match u.int_in_range(0u8..=7).unwrap_or(0) {
            0 => u.int_in_range(0u64..=200).unwrap_or(0),
            1 => u.int_in_range(0u64..=10_000).unwrap_or(0),
            _ => 1_000_000,
        };
        let max_call_depth = match u.int_in_range(0u8..=3).unwrap_or(0) {
            0 => u.int_in_range(1u32..=64).unwrap_or(1),
            _ => 10_000,
        };
        let max_stack_height = match u.int_in_range(0u8..=3).unwrap_or(0) {
            0 => u.int_in_range(1u64..=2_000).unwrap_or(1),
            _ => 4_000_000,
        };
        let max_live_exceptions = match u.int_in_range(0u8..=3).unwrap_or(0) {
            0 => u.int_in_range(1u32..=8).unwrap_or(1),
            1 => 64,
            _ => 2048,
        };
        RunLimits {
            gas,
            max_call_depth,
            max_stack_height,
            max_live_exceptions,
        }
    }

    /// The detwasm configuration with these limits (everything else SPEC.md's defaults).
    pub fn config(&self) -> detwasm::Config {
        detwasm::Config {
            max_call_depth: self.max_call_depth,
            max_stack_height: self.max_stack_height,
            max_live_exceptions: self.max_live_exceptions,
            gas_limit: self.gas,
            ..detwasm::Config::default()
        }
    }
}
