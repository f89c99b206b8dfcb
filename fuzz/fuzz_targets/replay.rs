//! `replay`: see `detwasm_fuzz::trace_fuzz`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    detwasm_fuzz::trace_fuzz::replay(data);
});
