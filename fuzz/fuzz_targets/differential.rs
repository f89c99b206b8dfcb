//! `differential`: wasm-smith modules of the profile without exceptions, run by detwasm,
//! the reference meter (gas, out-of-gas points, §Stack) and wasmi 2 (semantics); see
//! `detwasm_fuzz::diff` for what is compared.
#![no_main]

use detwasm_fuzz::diff::{self, Oracle};
use detwasm_fuzz::smith::Flavor;
use detwasm_fuzz::wasmi_side::Wasmi;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    diff::run(data, Flavor::NoExceptions, |bytes| {
        Wasmi::new(bytes).map(|w| Box::new(w) as Box<dyn Oracle>)
    });
});
