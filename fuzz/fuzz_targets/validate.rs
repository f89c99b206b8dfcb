//! `validate`: hostile bytes to the validator and the translator. Half the inputs are
//! taken as raw bytes, half drive wasm-smith with every proposal on (SIMD, threads,
//! GC, memory64, ...) so the profile's rejections are exercised. Checked:
//!
//! - no panic (the fuzzer's crash), no `Error::Internal`, no error other than
//!   `Error::Validate` from `Module::new`;
//! - `validate::validate` and `Module::new` agree on acceptance;
//! - an accepted module is accepted by wasmparser's `Validator` with
//!   `profile::features()`; a `Wasm` rejection is a wasmparser rejection too;
//! - a module valid under all proposals but rejected by the profile names the
//!   rejected proposal (SPEC.md §Profile);
//! - an accepted module without imports instantiates and runs every export under a
//!   small gas limit without panicking or returning a non-trap error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    detwasm_fuzz::validate::run(data);
});
