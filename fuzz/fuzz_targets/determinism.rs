//! `determinism`: the same module and inputs run twice in one process (two stores of
//! one Engine), once more on a fresh Engine and Module, and once with the gas profile
//! on; then again with each invocation's limit set to the gas it used (must finish the
//! same) and one invocation's limit one below (must run out of gas at a point no later).
//! Outcomes, gas used and the full instance state must be identical every time.
//! Modules include exceptions (detwasm only; no oracle needed).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    detwasm_fuzz::determinism::run(data);
});
