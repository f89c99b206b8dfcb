//! `validate::validate` (what `detwasm validate` runs) and `Module::new` make the same
//! decision on every binary, with the same error: random wasm-smith modules (of the
//! profile, and with every proposal on so the profile rejects some), byte-level
//! mutations of them, and random limits small enough that the shape limits and
//! `max_control_depth` reject some. Plus the issue 13 regression: a body nested
//! 10 001 blocks deep. Depends on detwasm's public API, wasm-smith, arbitrary and
//! proptest.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use arbitrary::Unstructured;
use detwasm::validate::{self, ValidateErrorKind};
use detwasm::{Config, Engine, Error, Module};
use proptest::prelude::*;

/// A wasm-smith module, with every proposal on (`all`) or only the profile's.
fn smith(u: &mut Unstructured<'_>, all: bool) -> Option<Vec<u8>> {
    let c = wasm_smith::Config {
        threads_enabled: all,
        simd_enabled: all,
        relaxed_simd_enabled: all,
        memory64_enabled: all,
        gc_enabled: all,
        custom_page_sizes_enabled: all,
        wide_arithmetic_enabled: all,
        max_memories: if all { 2 } else { 1 },
        exceptions_enabled: true,
        tail_call_enabled: true,
        extended_const_enabled: true,
        max_funcs: 8,
        max_types: 8,
        max_instructions: 120,
        max_nesting_depth: 10,
        max_imports: 3,
        max_memory32_bytes: 4 * 65536,
        max_memory64_bytes: 4 * 65536,
        max_table_elements: 100,
        ..wasm_smith::Config::default()
    };
    wasm_smith::Module::new(c, u).ok().map(|m| m.to_bytes())
}

/// Asserts both entry points decide `bytes` alike under `config`; returns whether it
/// was accepted.
fn agree(bytes: &[u8], config: &Config) -> bool {
    let standalone = validate::validate(bytes, config, None);
    let loaded = Module::new(&Engine::new(config.clone()), bytes);
    match (&standalone, &loaded) {
        (Ok(()), Ok(_)) => true,
        (Err(a), Err(Error::Validate(b))) if a == b => false,
        _ => panic!(
            "validate and Module::new disagree: validate {standalone:?}, Module::new {:?}",
            loaded.as_ref().err()
        ),
    }
}

/// A configuration with the limits the proptest chose (small ones reject modules).
fn config_with(depth: u32, funcs: u32, body_bytes: u32, locals: u32) -> Config {
    let mut c = Config::default();
    c.limits.max_control_depth = depth;
    c.limits.max_funcs = funcs;
    c.limits.max_func_body_bytes = body_bytes;
    c.limits.max_locals_per_func = locals;
    c
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn validate_and_module_new_agree(
        data in proptest::collection::vec(any::<u8>(), 64..4000),
        all in any::<bool>(),
        depth in prop_oneof![1u32..8, Just(10_000u32)],
        funcs in prop_oneof![1u32..6, Just(1_000_000u32)],
        body_bytes in prop_oneof![8u32..200, Just(7_654_321u32)],
        locals in prop_oneof![0u32..8, Just(50_000u32)],
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..4), 0..6),
    ) {
        let mut u = Unstructured::new(&data);
        let Some(mut bytes) = smith(&mut u, all) else {
            return Ok(());
        };
        let config = config_with(depth, funcs, body_bytes, locals);
        agree(&bytes, &config);
        agree(&bytes, &Config::default());
        // Mutations: the result is usually invalid, sometimes differently so.
        for (pos, byte, kind) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = pos % bytes.len();
            match kind {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                2 => bytes[i] ^= 1 << (byte % 8),
                _ => {
                    bytes.remove(i);
                }
            }
            agree(&bytes, &config);
        }
    }
}

/// A module whose one function nests `depth` blocks.
fn nested(depth: usize) -> Vec<u8> {
    let body = format!("{}{}", "block ".repeat(depth), "end ".repeat(depth));
    wat::parse_str(format!("(module (func {body}))")).expect("wat")
}

#[test]
fn validate_rejects_a_body_nested_past_max_control_depth_as_module_new_does() {
    let config = Config::default();
    // 10 000 blocks plus the function's own: 10 001 > 10 000.
    let deep = nested(10_000);
    let err = validate::validate(&deep, &config, None).expect_err("too deep");
    assert_eq!(
        err.kind,
        ValidateErrorKind::Limit {
            what: "max_control_depth",
            value: 10_001,
            max: 10_000
        }
    );
    assert!(!agree(&deep, &config));
    // One less is accepted by both.
    assert!(agree(&nested(9_999), &config));
}

#[test]
fn validate_reports_a_body_error_before_a_later_section_error_as_module_new_does() {
    // Body 0 is invalid (i32.add on an empty stack) and the data section after the
    // code section names a memory that does not exist. Module::new stops at the body;
    // so must validate (wasmparser's validate_all would report the data section).
    let bytes =
        wat::parse_str(r#"(module (func i32.add drop) (data (memory 3) (i32.const 0) "x"))"#)
            .expect("wat");
    let config = Config::default();
    let err = validate::validate(&bytes, &config, None).expect_err("invalid");
    let ValidateErrorKind::Wasm { message, .. } = &err.kind else {
        panic!("expected a wasmparser error, got {err}");
    };
    assert!(message.contains("type mismatch"), "{message}");
    assert!(!agree(&bytes, &config));
}

/// The generator is not vacuous: over fixed inputs, some modules are accepted, some
/// rejected by `max_control_depth`, and some by wasmparser.
#[test]
fn the_generated_cases_cover_acceptance_and_both_kinds_of_rejection() {
    let (mut ok, mut depth, mut wasm) = (0, 0, 0);
    for seed in 0u32..200 {
        let data: Vec<u8> = (0..2000u32)
            .map(|i| {
                (i.wrapping_mul(2_654_435_761)
                    .wrapping_add(seed.wrapping_mul(40_503))
                    >> 13) as u8
            })
            .collect();
        let mut u = Unstructured::new(&data);
        let Some(bytes) = smith(&mut u, seed % 2 == 0) else {
            continue;
        };
        let config = config_with(3, 1_000_000, 7_654_321, 50_000);
        if agree(&bytes, &config) {
            ok += 1;
        }
        match validate::validate(&bytes, &config, None) {
            Err(e)
                if matches!(
                    e.kind,
                    ValidateErrorKind::Limit {
                        what: "max_control_depth",
                        ..
                    }
                ) =>
            {
                depth += 1;
            }
            Err(e) if matches!(e.kind, ValidateErrorKind::Wasm { .. }) => wasm += 1,
            _ => {}
        }
    }
    assert!(
        ok > 0 && depth > 0 && wasm > 0,
        "accepted {ok}, depth {depth}, wasm {wasm}"
    );
}
