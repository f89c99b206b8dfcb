//! wasm-smith configurations of detwasm's profile (SPEC.md §Profile): no threads, SIMD,
//! relaxed SIMD, memory64, multi-memory, GC, wide arithmetic or custom page sizes;
//! exceptions only where the oracle has them; sizes bounded so a case runs in
//! milliseconds. No imports: every engine instantiates the module alone.

use arbitrary::{Result, Unstructured};
use wasm_smith::Config;

/// Which oracle the generated module must suit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// wasmi 2: no exception handling.
    NoExceptions,
    /// wasmtime: exceptions on.
    Exceptions,
}

/// A profile-conforming configuration; the fuzzer picks the knobs that do not affect
/// conformance (sizes, which optional features, NaN canonicalization, traps allowed).
pub fn config(u: &mut Unstructured<'_>, flavor: Flavor) -> Result<Config> {
    let mut c = Config {
        // Outside the profile.
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        simd_enabled: false,
        relaxed_simd_enabled: false,
        memory64_enabled: false,
        gc_enabled: false,
        custom_page_sizes_enabled: false,
        wide_arithmetic_enabled: false,
        compact_imports_enabled: false,
        custom_descriptors_enabled: false,
        acquire_release_atomics_enabled: false,
        multibyte_array_access_enabled: false,
        max_memories: 1,
        // Inside the profile; exceptions only for the oracle that has them.
        exceptions_enabled: flavor == Flavor::Exceptions,
        tail_call_enabled: true,
        extended_const_enabled: true,
        reference_types_enabled: true,
        multi_value_enabled: true,
        bulk_memory_enabled: true,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        // No imports: each engine instantiates the module alone.
        max_imports: 0,
        // Everything exported, so final memories, tables and globals compare by name.
        export_everything: true,
        // Bounded sizes.
        max_types: 12,
        max_funcs: 12,
        max_globals: 12,
        max_tags: 4,
        max_exports: 40,
        max_tables: 3,
        max_table_elements: 200,
        max_elements: 20,
        max_element_segments: 8,
        max_data_segments: 8,
        max_instructions: 200,
        max_nesting_depth: 8,
        max_memory32_bytes: 4 * 65536,
        max_type_size: 100,
        max_values: 8,
        ..Config::default()
    };
    // Knobs that keep conformance: chosen by the fuzzer.
    c.canonicalize_nans = u.ratio(1, 8)?;
    c.disallow_traps = u.ratio(1, 8)?;
    c.allow_start_export = u.arbitrary()?;
    c.min_funcs = u.int_in_range(1..=3)?;
    c.memory_max_size_required = u.arbitrary()?;
    c.table_max_size_required = u.arbitrary()?;
    Ok(c)
}

/// Generates a module for `flavor`; `None` when the input runs out before one is built.
pub fn module(u: &mut Unstructured<'_>, flavor: Flavor) -> Option<Vec<u8>> {
    let c = config(u, flavor).ok()?;
    let m = wasm_smith::Module::new(c, u).ok()?;
    Some(m.to_bytes())
}

/// The module as text for a report (wasmprinter), or a hex dump if printing fails.
pub fn to_text(bytes: &[u8]) -> String {
    match wasmprinter::print_bytes(bytes) {
        Ok(t) => t,
        Err(e) => format!("(wasmprinter failed: {e}) {bytes:02x?}"),
    }
}
