//! Tests of the validate stage on small hand-written modules: each rejected proposal is
//! rejected with its name and an offset at the offending construct, a module using every
//! accepted proposal is accepted, every `Limits` field is enforced with its own name and
//! the module's value, and the import check lists every import the host lacks.
//! Depends on the public `detwasm::validate` API, wat and wasmparser only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use detwasm::config::{Config, Limits};
use detwasm::validate::{
    self, convert_heap_type, convert_ref_type, convert_valtype, imports, limits, profile,
    ImportAllowlist, ValidateError, ValidateErrorKind,
};
use detwasm::value::{ExternType, FuncType, GlobalType, MemoryType, TypeLimits, ValType};
use wasmparser::{Validator, WasmFeatures};

// ---------------------------------------------------------------------------------
// Helpers

fn wasm(wat: &str) -> Vec<u8> {
    wat::parse_str(wat).unwrap_or_else(|e| panic!("bad test wat: {e}\n{wat}"))
}

/// Content range (after id and size) of the first section with `id`.
fn section(bytes: &[u8], id: u8) -> std::ops::Range<usize> {
    let mut pos = 8;
    while pos < bytes.len() {
        let sid = bytes[pos];
        pos += 1;
        let (mut size, mut shift) = (0usize, 0);
        loop {
            let b = bytes[pos];
            pos += 1;
            size |= usize::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
        if sid == id {
            return pos..pos + size;
        }
        pos += size;
    }
    panic!("no section {id}")
}

/// Position of `needle` inside `range` of `bytes`.
fn find(bytes: &[u8], range: std::ops::Range<usize>, needle: &[u8]) -> usize {
    bytes[range.clone()]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + range.start)
        .unwrap_or_else(|| panic!("needle {needle:x?} not in {range:?}"))
}

const TYPE: u8 = 1;
const MEMORY: u8 = 5;
const CODE: u8 = 10;

/// Where a rejection must point.
enum At {
    /// Inside the content of the section with this id.
    Section(u8),
    /// Within 2 bytes of this byte sequence in the code section.
    Code(&'static [u8]),
    /// Exactly this offset.
    Exactly(usize),
}

/// Validates `bytes` (default config), expects a rejection naming `feature`, checks the
/// offset, and checks that wasmparser with every feature on accepts the module (so the
/// rejection is the profile's doing).
fn rejected_bytes(bytes: &[u8], feature: &str, at: At) -> ValidateError {
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(bytes)
        .expect("module must be valid with every feature on");
    let err = validate::validate(bytes, &Config::default(), None).unwrap_err();
    assert_eq!(err.rejected_feature(), Some(feature), "{err}");
    assert!(err.offset > 0, "offset must be non-zero: {err}");
    match at {
        At::Section(id) => {
            let r = section(bytes, id);
            // A section-level error may point at the section's count (its start).
            assert!(
                r.contains(&err.offset),
                "offset {:#x} not in section {id} {r:x?}: {err}",
                err.offset
            );
        }
        At::Code(needle) => {
            let p = find(bytes, section(bytes, CODE), needle);
            assert!(
                err.offset.abs_diff(p) <= 2,
                "offset {:#x} not near {p:#x}: {err}",
                err.offset
            );
        }
        At::Exactly(p) => assert_eq!(err.offset, p, "{err}"),
    }
    assert!(
        err.to_string()
            .contains(&format!("(rejected proposal: {feature})")),
        "{err}"
    );
    err
}

fn rejected(wat: &str, feature: &str, at: At) -> ValidateError {
    rejected_bytes(&wasm(wat), feature, at)
}

fn accept(bytes: &[u8]) {
    if let Err(e) = validate::validate(bytes, &Config::default(), None) {
        panic!("rejected: {e}");
    }
}

// ---------------------------------------------------------------------------------
// Rejected proposals

#[test]
fn rejects_shared_memory() {
    rejected(
        "(module (memory 1 1 shared))",
        "threads",
        At::Section(MEMORY),
    );
}

#[test]
fn rejects_large_shared_memory_as_threads_not_as_limit() {
    rejected(
        "(module (memory 1 65536 shared))",
        "threads",
        At::Section(MEMORY),
    );
}

#[test]
fn rejects_atomics() {
    rejected(
        "(module (memory 1 1) (func (drop (i32.atomic.load (i32.const 0)))))",
        "threads",
        At::Code(&[0xfe, 0x10]),
    );
}

#[test]
fn rejects_atomic_fence() {
    rejected(
        "(module (func atomic.fence))",
        "threads",
        At::Code(&[0xfe, 0x03]),
    );
}

#[test]
fn rejects_simd_const() {
    let err = rejected(
        "(module (func (drop (v128.const i32x4 1 2 3 4))))",
        "simd",
        At::Code(&[0xfd, 0x0c]),
    );
    assert!(
        err.to_string().contains("simd support is not enabled"),
        "{err}"
    );
}

#[test]
fn rejects_simd_op() {
    // In unreachable code the operands are polymorphic, so the op itself is what fails.
    rejected(
        "(module (func unreachable i32x4.add drop))",
        "simd",
        At::Code(&[0xfd, 0xae, 0x01]),
    );
}

#[test]
fn rejects_simd_valtype() {
    rejected("(module (func (param v128)))", "simd", At::Section(TYPE));
}

#[test]
fn rejects_relaxed_simd() {
    rejected(
        "(module (func unreachable i8x16.relaxed_swizzle drop))",
        "relaxed-simd",
        At::Code(&[0xfd, 0x80, 0x02]),
    );
}

#[test]
fn rejects_legacy_try_catch() {
    rejected(
        "(module (tag $e) (func try catch $e end))",
        "legacy-exceptions",
        At::Code(&[0x06, 0x40]),
    );
}

#[test]
fn rejects_legacy_try_delegate() {
    rejected(
        "(module (func try delegate 0))",
        "legacy-exceptions",
        At::Code(&[0x06, 0x40]),
    );
}

#[test]
fn rejects_memory64() {
    rejected("(module (memory i64 1))", "memory64", At::Section(MEMORY));
}

#[test]
fn rejects_memory64_with_limits_beyond_u32() {
    // Under the profile wasmparser cannot even decode these limits; the error must
    // still name memory64.
    rejected(
        "(module (memory i64 0x1_0000_0000_0000))",
        "memory64",
        At::Section(MEMORY),
    );
    let bytes = wasm(r#"(module (import "env" "m" (memory i64 1 0x1_0000_0000_0000)))"#);
    rejected_bytes(&bytes, "memory64", At::Section(2));
    let err = imports::check(&bytes, &ImportAllowlist::new()).unwrap_err();
    assert_eq!(err.rejected_feature(), Some("memory64"), "{err}");
    rejected(
        "(module (table i64 0x1_0000_0000_0000 funcref))",
        "memory64",
        At::Section(4),
    );
}

#[test]
fn rejects_multi_memory() {
    rejected(
        "(module (memory 1) (memory 1))",
        "multi-memory",
        At::Section(MEMORY),
    );
}

#[test]
fn rejects_multi_memory_with_import() {
    let bytes = wasm(r#"(module (import "env" "m" (memory 1)) (memory 1))"#);
    rejected_bytes(&bytes, "multi-memory", At::Section(MEMORY));
}

#[test]
fn rejects_gc_struct() {
    rejected("(module (type (struct)))", "gc", At::Section(TYPE));
}

#[test]
fn rejects_gc_array() {
    rejected("(module (type (array i8)))", "gc", At::Section(TYPE));
}

#[test]
fn rejects_gc_subtype() {
    rejected("(module (type (sub (func))))", "gc", At::Section(TYPE));
}

#[test]
fn rejects_gc_rec_group() {
    rejected("(module (rec (type (func))))", "gc", At::Section(TYPE));
}

#[test]
fn rejects_gc_heap_type() {
    rejected("(module (func (local anyref)))", "gc", At::Code(&[0x6e]));
}

#[test]
fn rejects_typed_function_references_call_ref() {
    // The type section is plain; `ref.null $t` is the first typed reference.
    rejected(
        "(module (type $t (func)) (func (call_ref $t (ref.null $t))))",
        "function-references",
        At::Code(&[0xd0, 0x00]),
    );
}

#[test]
fn rejects_typed_function_references_param() {
    rejected(
        "(module (type $t (func)) (func (param (ref null $t))))",
        "function-references",
        At::Section(TYPE),
    );
}

#[test]
fn rejects_non_nullable_funcref() {
    rejected(
        "(module (func (local (ref func))))",
        "function-references",
        At::Code(&[0x64, 0x70]),
    );
}

#[test]
fn rejects_wide_arithmetic() {
    rejected(
        "(module (func (param i64 i64 i64 i64) (result i64 i64)
            local.get 0 local.get 1 local.get 2 local.get 3 i64.add128))",
        "wide-arithmetic",
        At::Code(&[0xfc, 0x13]),
    );
}

#[test]
fn rejects_custom_page_sizes() {
    rejected(
        "(module (memory 1 (pagesize 1)))",
        "custom-page-sizes",
        At::Section(MEMORY),
    );
}

#[test]
fn rejects_large_custom_page_size_memory_as_proposal_not_as_limit() {
    rejected(
        "(module (memory 100000 (pagesize 1)))",
        "custom-page-sizes",
        At::Section(MEMORY),
    );
}

#[test]
fn rejects_component_binary() {
    let bytes = wasm("(component)");
    rejected_bytes(&bytes, "component-model", At::Exactly(4));
}

#[test]
fn rejects_stack_switching() {
    rejected(
        "(module (type $f (func)) (type $c (cont $f)))",
        "stack-switching",
        At::Section(TYPE),
    );
}

#[test]
fn rejects_compact_imports() {
    // Compact import encoding 1: module "m", empty name, 0x7f, then one item "f" of
    // function type 0. wat cannot write it, so the bytes are spelled out.
    let bytes = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: (func)
        0x02, 0x0a, 0x01, // import section, 1 group
        0x01, b'm', 0x00, 0x7f, // module "m", name "", compact form 1
        0x01, 0x01, b'f', 0x00, 0x00, // 1 item: "f" func type 0
    ];
    rejected_bytes(&bytes, "compact-imports", At::Exactly(20));
}

// ---------------------------------------------------------------------------------
// Accepted proposals

/// A module using every accepted proposal at least once.
const EVERYTHING: &str = r#"
(module
  (type $pair (func (param i32) (result i32 i32)))
  (import "env" "counter" (global $imported (mut i32)))
  (import "env" "log" (func $log (param i32)))
  (tag $e (param i32))
  (tag $empty)
  (memory 1 2)
  (table $tab 4 funcref)
  (table $ext 2 externref)
  (table $exns 1 exnref)
  (global $mut (mut i32) (i32.const 0))
  (global $ext_const i32 (i32.add (i32.mul (i32.const 2) (i32.const 3)) (i32.const 1)))
  (global $ext_const64 i64 (i64.sub (i64.const 10) (i64.const 4)))
  (export "mut" (global $mut))
  (data $d "abc")
  (data (i32.const 8) "xyz")
  (elem $el func $pair_fn $sat)
  (elem (table $tab) (i32.const 0) func $pair_fn)
  (elem declare func $tail)

  ;; multi-value: two results, and a block with a param and two results
  (func $pair_fn (type $pair)
    (local.get 0)
    (block (param i32) (result i32 i32) (local.get 0)))

  ;; saturating float-to-int and sign extension
  (func $sat (param f32 i32) (result i32 i64)
    (i32.add (i32.trunc_sat_f32_s (local.get 0)) (i32.extend8_s (local.get 1)))
    (i64.extend32_s (i64.trunc_sat_f32_u (local.get 0))))

  ;; bulk memory and table operations
  (func $bulk
    (memory.init $d (i32.const 0) (i32.const 0) (i32.const 3))
    (data.drop $d)
    (memory.copy (i32.const 4) (i32.const 0) (i32.const 3))
    (memory.fill (i32.const 0) (i32.const 7) (i32.const 2))
    (table.init $tab $el (i32.const 1) (i32.const 0) (i32.const 2))
    (elem.drop $el)
    (table.copy $tab $tab (i32.const 0) (i32.const 1) (i32.const 1)))

  ;; reference types
  (func $refs (param externref) (result i32)
    (table.set $ext (i32.const 0) (local.get 0))
    (drop (table.grow $ext (ref.null extern) (i32.const 1)))
    (table.fill $ext (i32.const 0) (ref.null extern) (i32.const 1))
    (drop (select (result externref) (table.get $ext (i32.const 0)) (local.get 0) (i32.const 1)))
    (drop (table.size $tab))
    (drop (ref.func $tail))
    (i32.add (ref.is_null (local.get 0)) (ref.is_null (ref.null func))))

  ;; mutable globals and extended const
  (func $globals (result i32)
    (global.set $imported (i32.add (global.get $imported) (global.get $ext_const)))
    (global.set $mut (global.get $imported))
    (global.get $mut))

  ;; tail calls
  (func $tail (param i32) (result i32 i32)
    (return_call $pair_fn (local.get 0)))
  (func $tail_indirect (param i32) (result i32 i32)
    (return_call_indirect $tab (type $pair) (local.get 0) (i32.const 0)))

  ;; exception handling, final form: try_table, throw, throw_ref, exnref
  (func $throws (param i32) (throw $e (local.get 0)))
  (func $catch_value (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $throws (i32.const 42)))
      (i32.const 0)))
  (func $catch_ref_rethrow (result i32)
    (local $x exnref)
    (block $h (result i32 exnref)
      (try_table (catch_ref $e $h) (call $throws (i32.const 1)))
      (unreachable))
    (local.set $x)
    (drop)
    (throw_ref (local.get $x)))
  (func $catch_all (local $x exnref)
    (block $a
      (local.set $x
        (block $b (result exnref)
          (try_table (catch_all_ref $b) (catch_all $a) (throw $empty))
          (ref.null exn)))
      (table.set $exns (i32.const 0) (local.get $x))
      (if (i32.eqz (ref.is_null (local.get $x)))
        (then (throw_ref (local.get $x))))))
)
"#;

#[test]
fn accepts_every_accepted_proposal() {
    let bytes = wasm(EVERYTHING);
    accept(&bytes);
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(&bytes)
        .unwrap();
    limits::check(&bytes, &Limits::default()).unwrap();
}

#[test]
fn accepts_mvp_and_empty_modules() {
    accept(&wasm("(module)"));
    accept(&wasm(
        "(module (memory 1) (func (export \"f\") (param f64) (result f64)
           (f64.sqrt (local.get 0))))",
    ));
}

#[test]
fn accepts_exception_refs_the_profile_admits() {
    // wasmparser admits these exception references with the exceptions proposal alone;
    // the type conversion maps them all to exnref.
    accept(&wasm(
        "(module (func (local (ref exn)) (local nullexnref)))",
    ));
    accept(&wasm("(module (func (result exnref) (ref.null noexn)))"));
}

#[test]
fn profile_flags() {
    let f = profile::features();
    for on in [
        WasmFeatures::FLOATS,
        WasmFeatures::MUTABLE_GLOBAL,
        WasmFeatures::SIGN_EXTENSION,
        WasmFeatures::SATURATING_FLOAT_TO_INT,
        WasmFeatures::MULTI_VALUE,
        WasmFeatures::BULK_MEMORY,
        WasmFeatures::REFERENCE_TYPES,
        WasmFeatures::EXCEPTIONS,
        WasmFeatures::TAIL_CALL,
        WasmFeatures::EXTENDED_CONST,
    ] {
        assert!(f.contains(on), "{on:?} must be on");
    }
    for off in [
        WasmFeatures::SIMD,
        WasmFeatures::RELAXED_SIMD,
        WasmFeatures::THREADS,
        WasmFeatures::LEGACY_EXCEPTIONS,
        WasmFeatures::MEMORY64,
        WasmFeatures::MULTI_MEMORY,
        WasmFeatures::GC,
        WasmFeatures::FUNCTION_REFERENCES,
        WasmFeatures::STACK_SWITCHING,
        WasmFeatures::WIDE_ARITHMETIC,
        WasmFeatures::CUSTOM_PAGE_SIZES,
        WasmFeatures::COMPONENT_MODEL,
        WasmFeatures::SHARED_EVERYTHING_THREADS,
        WasmFeatures::CUSTOM_DESCRIPTORS,
        WasmFeatures::COMPACT_IMPORTS,
    ] {
        assert!(!f.intersects(off), "{off:?} must be off");
    }
}

#[test]
fn malformed_module_names_no_feature() {
    let err = validate::validate(b"\0asm\x01\0\0\0\x01", &Config::default(), None).unwrap_err();
    assert!(matches!(err.kind, ValidateErrorKind::Wasm { .. }), "{err}");
    assert_eq!(err.rejected_feature(), None);
    let err = validate::validate(
        &wasm("(module (func (result i32) (i64.const 0)))"),
        &Config::default(),
        None,
    )
    .unwrap_err();
    assert_eq!(err.rejected_feature(), None, "{err}");
    assert!(err.to_string().starts_with("at byte offset 0x"), "{err}");
}

#[test]
fn value_type_conversion() {
    use wasmparser::{HeapType, RefType, ValType as W};
    assert_eq!(convert_valtype(W::I32), Some(ValType::I32));
    assert_eq!(convert_valtype(W::F64), Some(ValType::F64));
    assert_eq!(convert_valtype(W::V128), None);
    assert_eq!(convert_valtype(W::FUNCREF), Some(ValType::FuncRef));
    assert_eq!(convert_valtype(W::EXTERNREF), Some(ValType::ExternRef));
    assert_eq!(convert_valtype(W::EXNREF), Some(ValType::ExnRef));
    assert_eq!(convert_ref_type(RefType::EXN), Some(ValType::ExnRef));
    assert_eq!(convert_ref_type(RefType::NULLEXNREF), Some(ValType::ExnRef));
    assert_eq!(convert_ref_type(RefType::FUNC), None);
    assert_eq!(convert_ref_type(RefType::EXTERN), None);
    assert_eq!(convert_ref_type(RefType::ANYREF), None);
    assert_eq!(convert_ref_type(RefType::NULLFUNCREF), None);
    assert_eq!(convert_heap_type(HeapType::FUNC), Some(ValType::FuncRef));
    assert_eq!(
        convert_heap_type(HeapType::EXTERN),
        Some(ValType::ExternRef)
    );
}

// ---------------------------------------------------------------------------------
// Limits

/// Default limits with one field changed.
fn limits_with(f: impl FnOnce(&mut Limits)) -> Limits {
    let mut l = Limits::default();
    f(&mut l);
    l
}

/// Expects `limits::check` and `validate` to report `what` with `value` and `max`.
fn over_bytes(bytes: &[u8], limits: Limits, what: &str, value: u64, max: u64) {
    let err = limits::check(bytes, &limits).unwrap_err();
    match &err.kind {
        ValidateErrorKind::Limit {
            what: w,
            value: v,
            max: m,
        } => assert_eq!((*w, *v, *m), (what, value, max), "{err}"),
        other => panic!("expected limit {what}, got {other}"),
    }
    assert!(err.offset > 0 && err.offset <= bytes.len(), "{err}");
    assert!(
        err.to_string()
            .contains(&format!("limit {what} exceeded: {value} > {max}")),
        "{err}"
    );
    let config = Config {
        limits: limits.clone(),
        ..Config::default()
    };
    assert_eq!(validate::validate(bytes, &config, None).unwrap_err(), err);
    // The same module passes with default limits.
    limits::check(bytes, &Limits::default()).unwrap();
}

fn over(wat: &str, limits: Limits, what: &str, value: u64, max: u64) {
    over_bytes(&wasm(wat), limits, what, value, max);
}

#[test]
fn limit_max_module_bytes() {
    let bytes = wasm("(module (func) (func))");
    let len = bytes.len() as u64;
    let err = limits::check(&bytes, &limits_with(|l| l.max_module_bytes = 10)).unwrap_err();
    assert_eq!(
        err.kind,
        ValidateErrorKind::Limit {
            what: "max_module_bytes",
            value: len,
            max: 10
        }
    );
    assert_eq!(err.offset, 10);
}

#[test]
fn limit_max_types() {
    over(
        "(module (type (func)) (type (func (param i32))) (type (func (param i64))))",
        limits_with(|l| l.max_types = 2),
        "max_types",
        3,
        2,
    );
}

#[test]
fn limit_max_funcs_imported_plus_defined() {
    over(
        r#"(module (import "a" "b" (func)) (func) (func))"#,
        limits_with(|l| l.max_funcs = 2),
        "max_funcs",
        3,
        2,
    );
}

#[test]
fn limit_max_funcs_imported_only() {
    over(
        r#"(module (import "a" "b" (func)) (import "a" "c" (func)))"#,
        limits_with(|l| l.max_funcs = 1),
        "max_funcs",
        2,
        1,
    );
}

#[test]
fn limit_max_imports() {
    over(
        r#"(module (import "a" "b" (func)) (import "a" "c" (global i32)))"#,
        limits_with(|l| l.max_imports = 1),
        "max_imports",
        2,
        1,
    );
}

#[test]
fn limit_max_exports() {
    over(
        r#"(module (func (export "a") (export "b")))"#,
        limits_with(|l| l.max_exports = 1),
        "max_exports",
        2,
        1,
    );
}

#[test]
fn limit_max_globals() {
    over(
        r#"(module (import "a" "g" (global i32)) (global i32 (i32.const 0)))"#,
        limits_with(|l| l.max_globals = 1),
        "max_globals",
        2,
        1,
    );
}

#[test]
fn limit_max_tables() {
    over(
        "(module (table 1 funcref) (table 1 externref))",
        limits_with(|l| l.max_tables = 1),
        "max_tables",
        2,
        1,
    );
}

#[test]
fn limit_max_tags() {
    over(
        r#"(module (import "a" "t" (tag)) (tag) (tag (param i32)))"#,
        limits_with(|l| l.max_tags = 2),
        "max_tags",
        3,
        2,
    );
}

#[test]
fn limit_max_data_segments() {
    over(
        r#"(module (memory 1) (data (i32.const 0) "a") (data "b"))"#,
        limits_with(|l| l.max_data_segments = 1),
        "max_data_segments",
        2,
        1,
    );
}

#[test]
fn limit_max_data_segments_from_data_count() {
    // `memory.init` makes the encoder emit a data count section, checked first.
    let bytes = wasm(
        r#"(module (memory 1) (data $a "a") (data $b "b")
             (func (memory.init $b (i32.const 0) (i32.const 0) (i32.const 1))))"#,
    );
    let data_count = section(&bytes, 12);
    let err = limits::check(&bytes, &limits_with(|l| l.max_data_segments = 1)).unwrap_err();
    assert_eq!(err.offset, data_count.start, "{err}");
    over_bytes(
        &bytes,
        limits_with(|l| l.max_data_segments = 1),
        "max_data_segments",
        2,
        1,
    );
}

#[test]
fn limit_max_elem_segments() {
    over(
        "(module (table 2 funcref) (func $f) (elem (i32.const 0) $f) (elem declare func $f))",
        limits_with(|l| l.max_elem_segments = 1),
        "max_elem_segments",
        2,
        1,
    );
}

#[test]
fn limit_max_locals_per_func() {
    over(
        "(module (func (param i32 i64) (local f32) (local i32 i64)))",
        limits_with(|l| l.max_locals_per_func = 4),
        "max_locals_per_func",
        5,
        4,
    );
}

#[test]
fn limit_max_locals_params_alone() {
    over(
        "(module (func (param i32 i32 i32)))",
        limits_with(|l| l.max_locals_per_func = 2),
        "max_locals_per_func",
        3,
        2,
    );
}

/// A module whose one function declares two groups of 2^32 - 1 `i32` locals.
fn hostile_locals() -> Vec<u8> {
    let body = [
        0x02, // 2 local groups
        0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, // 2^32 - 1 x i32
        0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, // 2^32 - 1 x i32
        0x0b, // end
    ];
    let mut bytes = vec![0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    bytes.extend([0x01, 0x04, 0x01, 0x60, 0x00, 0x00]); // type (func)
    bytes.extend([0x03, 0x02, 0x01, 0x00]); // one function of type 0
    bytes.extend([0x0a, 2 + body.len() as u8, 0x01, body.len() as u8]);
    bytes.extend(body);
    bytes
}

#[test]
fn limit_max_locals_hostile_groups_sum_in_u64() {
    let bytes = hostile_locals();
    // With the limit at u32::MAX the first group fits and the sum overflows u32.
    let limits = limits_with(|l| l.max_locals_per_func = u32::MAX);
    let err = limits::check(&bytes, &limits).unwrap_err();
    assert_eq!(
        err.kind,
        ValidateErrorKind::Limit {
            what: "max_locals_per_func",
            value: 2 * u64::from(u32::MAX),
            max: u64::from(u32::MAX),
        },
        "{err}"
    );
    // With default limits the first group already fails, and so does `validate`.
    let err = validate::validate(&bytes, &Config::default(), None).unwrap_err();
    assert!(
        matches!(
            err.kind,
            ValidateErrorKind::Limit {
                what: "max_locals_per_func",
                value: 0xffff_ffff,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn limit_max_func_body_bytes() {
    let bytes = wasm("(module (func (drop (i32.add (i32.const 1) (i32.const 2)))))");
    let code = section(&bytes, CODE);
    // Code section: count (1 byte), body size (1 byte), then the body.
    let body_len = u64::from(bytes[code.start + 1]);
    over_bytes(
        &bytes,
        limits_with(|l| l.max_func_body_bytes = 4),
        "max_func_body_bytes",
        body_len,
        4,
    );
}

#[test]
fn limit_max_memory_pages_min() {
    over(
        "(module (memory 3))",
        limits_with(|l| l.max_memory_pages = 2),
        "max_memory_pages",
        3,
        2,
    );
}

#[test]
fn declared_maxima_above_the_limits_are_accepted() {
    // SPEC.md §Limits: only the declared minimum is limited; growth stops at the limit.
    for wat in [
        "(module (memory 1 5))",
        r#"(module (import "env" "m" (memory 1 9)))"#,
        "(module (table 1 20 funcref))",
    ] {
        let limits = limits_with(|l| {
            l.max_memory_pages = 2;
            l.max_table_elements = 10;
        });
        assert!(limits::check(&wasm(wat), &limits).is_ok(), "{wat}");
    }
}

#[test]
fn limit_max_memory_pages_import() {
    over(
        r#"(module (import "env" "m" (memory 9 9)))"#,
        limits_with(|l| l.max_memory_pages = 8),
        "max_memory_pages",
        9,
        8,
    );
}

#[test]
fn limit_max_table_elements() {
    over(
        "(module (table 11 funcref))",
        limits_with(|l| l.max_table_elements = 10),
        "max_table_elements",
        11,
        10,
    );
    over(
        r#"(module (import "env" "t" (table 20 20 externref)))"#,
        limits_with(|l| l.max_table_elements = 10),
        "max_table_elements",
        20,
        10,
    );
}

#[test]
fn limit_max_data_bytes() {
    over(
        r#"(module (memory 1) (data (i32.const 0) "abc") (data (i32.const 8) "de"))"#,
        limits_with(|l| l.max_data_bytes = 4),
        "max_data_bytes",
        5,
        4,
    );
}

#[test]
fn limit_max_elem_items() {
    over(
        "(module (table 4 funcref) (func $f) (elem (i32.const 0) $f $f) (elem declare func $f $f))",
        limits_with(|l| l.max_elem_items = 3),
        "max_elem_items",
        4,
        3,
    );
}

#[test]
fn control_depth_is_left_to_the_translator() {
    // `max_control_depth` is checked while operators are translated, not here.
    let bytes = wasm("(module (func (block (block (block)))))");
    limits::check(&bytes, &limits_with(|l| l.max_control_depth = 1)).unwrap();
}

#[test]
fn limits_huge_declared_count_is_rejected_without_allocating() {
    // A type section claiming 2^32 - 1 entries in 5 bytes.
    let bytes = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f,
    ];
    let err = limits::check(&bytes, &Limits::default()).unwrap_err();
    assert!(
        matches!(
            err.kind,
            ValidateErrorKind::Limit {
                what: "max_types",
                value: 0xffff_ffff,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn limits_never_panic_on_truncated_or_corrupted_input() {
    let bytes = wasm(EVERYTHING);
    let limits = Limits::default();
    for len in 0..bytes.len() {
        let _ = limits::check(&bytes[..len], &limits);
        let _ = imports::check(&bytes[..len], &ImportAllowlist::new());
        let _ = validate::validate(&bytes[..len], &Config::default(), None);
    }
    for i in 8..bytes.len() {
        for v in [0x00, 0x7f, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[i] = v;
            let _ = limits::check(&b, &limits);
            let _ = imports::check(&b, &ImportAllowlist::new());
        }
    }
}

// ---------------------------------------------------------------------------------
// Imports

fn host() -> ImportAllowlist {
    ImportAllowlist::new()
        .allow(
            "env",
            "log",
            ExternType::Func(FuncType::new([ValType::I32], [])),
        )
        .allow(
            "env",
            "mem",
            ExternType::Memory(MemoryType {
                limits: TypeLimits {
                    min: 1,
                    max: Some(4),
                },
            }),
        )
        .allow(
            "env",
            "counter",
            ExternType::Global(GlobalType {
                content: ValType::I64,
                mutable: true,
            }),
        )
}

fn bad_imports(err: &ValidateError) -> Vec<(String, String, String)> {
    match &err.kind {
        ValidateErrorKind::Imports(list) => list
            .iter()
            .map(|b| (b.module.clone(), b.name.clone(), b.reason.clone()))
            .collect(),
        other => panic!("expected imports error, got {other}"),
    }
}

#[test]
fn imports_lists_every_bad_function() {
    let bytes = wasm(
        r#"(module
             (import "envx" "log" (func (param i32)))
             (import "env" "lgo" (func (param i32)))
             (import "env" "log" (func (param i64)))
             (import "env" "log" (func (param i32))))"#,
    );
    let err = validate::validate(&bytes, &Config::default(), Some(&host())).unwrap_err();
    let bad = bad_imports(&err);
    assert_eq!(bad.len(), 3, "{err}");
    assert_eq!((bad[0].0.as_str(), bad[0].1.as_str()), ("envx", "log"));
    assert_eq!(bad[0].2, "no such module");
    assert_eq!((bad[1].0.as_str(), bad[1].1.as_str()), ("env", "lgo"));
    assert_eq!(bad[1].2, "no such name in module");
    assert_eq!((bad[2].0.as_str(), bad[2].1.as_str()), ("env", "log"));
    assert!(bad[2].2.starts_with("type mismatch"), "{}", bad[2].2);
    assert!(bad[2].2.contains("[i32] -> []"), "{}", bad[2].2);
    assert!(bad[2].2.contains("[i64] -> []"), "{}", bad[2].2);
    // Offsets are distinct, increasing and inside the import section.
    let ValidateErrorKind::Imports(list) = &err.kind else {
        unreachable!()
    };
    let imports = section(&bytes, 2);
    assert!(list.windows(2).all(|w| w[0].offset < w[1].offset));
    assert!(list.iter().all(|b| imports.contains(&b.offset)));
    assert_eq!(err.offset, list[0].offset);
    assert_eq!(imports::check(&bytes, &host()).unwrap_err(), err);
}

#[test]
fn imports_matching_other_kinds() {
    let ok = wasm(
        r#"(module (import "env" "mem" (memory 1))
                   (import "env" "counter" (global (mut i64)))
                   (import "env" "log" (func (param i32))))"#,
    );
    imports::check(&ok, &host()).unwrap();
    validate::validate(&ok, &Config::default(), Some(&host())).unwrap();

    let bad = wasm(
        r#"(module (import "env" "mem" (memory 2 3))
                   (import "env" "counter" (global i64))
                   (import "env" "log" (global i32)))"#,
    );
    let err = imports::check(&bad, &host()).unwrap_err();
    let bad = bad_imports(&err);
    assert_eq!(bad.len(), 3, "{err}");
    assert!(bad[0].2.starts_with("type mismatch"), "{}", bad[0].2);
    assert!(bad[1].2.starts_with("type mismatch"), "{}", bad[1].2);
    assert!(bad[2].2.starts_with("kind mismatch"), "{}", bad[2].2);
}

#[test]
fn imports_empty_allowlist_rejects_all_and_no_imports_pass() {
    let bytes = wasm(r#"(module (import "a" "b" (func)) (import "c" "d" (memory 1)))"#);
    let err = imports::check(&bytes, &ImportAllowlist::new()).unwrap_err();
    assert_eq!(bad_imports(&err).len(), 2);
    imports::check(&wasm("(module (func))"), &ImportAllowlist::new()).unwrap();
}

#[test]
fn allowlist_api() {
    let mut list = host();
    assert!(list.contains("env", "log"));
    assert!(!list.contains("env", "nope"));
    assert!(list.has_module("env"));
    assert_eq!(list.len(), 3);
    assert!(!list.is_empty());
    let old = list.insert("env", "log", ExternType::Func(FuncType::new([], [])));
    assert!(old.is_some());
    assert_eq!(
        list.get("env", "log"),
        Some(&ExternType::Func(FuncType::new([], [])))
    );
    let names: Vec<_> = list.iter().map(|(m, n, _)| format!("{m}.{n}")).collect();
    assert_eq!(names, ["env.counter", "env.log", "env.mem"]);
    assert!(ImportAllowlist::new().is_empty());
}
