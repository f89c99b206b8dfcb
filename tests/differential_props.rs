//! Random valid modules round-tripped through validate, translate and execute under
//! detwasm, the reference meter (`tests/refmeter/`) and wasmi 2, as part of the normal
//! test suite: the `differential` fuzz target's driver (`fuzz/src/`, included here by
//! path) fed with random bytes from proptest instead of libFuzzer, a few hundred cases
//! per run, with the gas limit capped so a debug build stays quick. Each case is a
//! wasm-smith module of the profile without exceptions; every exported function is
//! invoked and outcomes, gas, out-of-gas points and exported state are compared (see
//! `fuzz/src/diff.rs`). A failure prints the module as text. The `replay` target's
//! driver runs here too, on random WASI inputs, and the `determinism` target's check
//! that fusion changes no result and no checkpoint. Depends on detwasm's
//! public API, wasm-smith, wasmi (with its `deterministic` feature), wasmprinter and
//! proptest.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code, unused_imports)]
#[path = "../fuzz/src/lib.rs"]
mod detwasm_fuzz;

use detwasm_fuzz::diff::{self, Oracle};
use detwasm_fuzz::smith::Flavor;
use detwasm_fuzz::wasmi_side::Wasmi;
use proptest::prelude::*;

/// Gas limit cap of a case (the fuzz target allows 1 000 000).
const GAS_CAP: u64 = 50_000;

fn case(bytes: &[u8]) {
    diff::run_capped(bytes, Flavor::NoExceptions, GAS_CAP, |m| {
        Wasmi::new(m).map(|w| Box::new(w) as Box<dyn Oracle>)
    });
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_modules_agree_with_wasmi_and_the_reference_meter(
        bytes in proptest::collection::vec(any::<u8>(), 256..6000)
    ) {
        case(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        max_shrink_iters: 32,
        ..ProptestConfig::default()
    })]

    /// The `determinism` fuzz target's fusion check with proptest's bytes (gas capped
    /// at 20 000 a step): a random module (exceptions included) gives the same
    /// outcomes, gas and state without fusion, and with checkpoints at an interval of
    /// 1 to 64 the fused and the unfused translation take the same checkpoints.
    #[test]
    fn random_modules_take_the_same_checkpoints_with_and_without_fusion(
        bytes in proptest::collection::vec(any::<u8>(), 256..6000)
    ) {
        detwasm_fuzz::determinism::fusion_keeps_checkpoints(&bytes, 20_000);
    }
}

/// The committed seed corpus of the `differential` fuzz target, replayed.
#[test]
fn differential_seed_corpus_replays() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/differential");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/seeds/differential") {
        let path = entry.expect("entry").path();
        case(&std::fs::read(&path).expect("seed"));
        n += 1;
    }
    assert!(n > 0, "no seeds in {}", dir.display());
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        max_shrink_iters: 32,
        ..ProptestConfig::default()
    })]

    /// The `replay` fuzz target's check with proptest's bytes: a WASI program of
    /// tests/programs under random args, env, seed, clock start, stdin, tree and gas,
    /// recorded, then replayed from its trace (every recorded answer the inputs
    /// determine is checked, SPEC.md §Trace replay) and run live again: identical.
    #[test]
    fn random_wasi_runs_replay_identically(
        bytes in proptest::collection::vec(any::<u8>(), 0..800)
    ) {
        detwasm_fuzz::trace_fuzz::replay(&bytes);
    }
}
