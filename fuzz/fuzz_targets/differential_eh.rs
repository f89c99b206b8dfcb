//! `differential_eh`: wasm-smith modules of the profile with exception handling on
//! (tags, `throw`, `throw_ref`, `try_table`, `exnref`, mixed with calls, tail calls and
//! traps), run by detwasm, the reference meter and wasmtime (Cranelift with NaN
//! canonicalization); see `detwasm_fuzz::diff` for what is compared. Built only with
//! the `eh` feature (wasmtime is heavy): `cargo +nightly fuzz run --features eh
//! differential_eh`.
#![no_main]

// The wasmtime driver refers to its siblings through `super::`.
pub use detwasm_fuzz::{diff, Item, Outcome, Snapshot, Val};

#[path = "../src/wasmtime_side.rs"]
mod wasmtime_side;

use detwasm_fuzz::diff::Oracle;
use detwasm_fuzz::smith::Flavor;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    diff::run(data, Flavor::Exceptions, |bytes| {
        wasmtime_side::Wasmtime::new(bytes).map(|w| Box::new(w) as Box<dyn Oracle>)
    });
});
