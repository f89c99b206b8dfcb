//! The accepted WebAssembly profile as a `wasmparser::WasmFeatures` value, and the
//! naming of rejected proposals in wasmparser's errors. It owns the decision of which
//! proposals are in and out; it does not validate anything itself. Depends only on
//! wasmparser (pinned at 0.263.0; its flag set changes between releases, so a test
//! checks that every flag it knows is classified here).
//!
//! The profile is built flag by flag, never from a preset: `WasmFeatures::WASM2`
//! includes SIMD and `WASM3` includes threads, memory64, GC and more.

use wasmparser::{BinaryReaderError, WasmFeatures};

/// Flags the profile enables, each with the name of the proposal (or wasmparser gate)
/// it stands for.
///
/// Besides the proposals, two wasmparser-only gates are on: `FLOATS` (floating-point
/// types and instructions; every MVP module may use them) and `GC_TYPES` (without it
/// wasmparser rejects `externref`, which reference types needs; struct and array types
/// stay rejected because the `GC` flag is off). `REFERENCE_TYPES` and `BULK_MEMORY`
/// also carry their sub-flags `CALL_INDIRECT_OVERLONG` and `BULK_MEMORY_OPT`.
///
/// # Spec
/// SPEC.md §Profile lists the same set.
pub const ACCEPTED: &[(WasmFeatures, &str)] = &[
    (WasmFeatures::FLOATS, "floats"),
    (WasmFeatures::GC_TYPES, "gc-types"),
    (WasmFeatures::MUTABLE_GLOBAL, "mutable-global"),
    (WasmFeatures::SIGN_EXTENSION, "sign-extension-ops"),
    (
        WasmFeatures::SATURATING_FLOAT_TO_INT,
        "nontrapping-float-to-int-conversions",
    ),
    (WasmFeatures::MULTI_VALUE, "multi-value"),
    (WasmFeatures::BULK_MEMORY, "bulk-memory"),
    (WasmFeatures::BULK_MEMORY_OPT, "bulk-memory"),
    (WasmFeatures::REFERENCE_TYPES, "reference-types"),
    (WasmFeatures::CALL_INDIRECT_OVERLONG, "reference-types"),
    (WasmFeatures::EXCEPTIONS, "exceptions"),
    (WasmFeatures::TAIL_CALL, "tail-call"),
    (WasmFeatures::EXTENDED_CONST, "extended-const"),
];

/// Flags the profile leaves off, each with the proposal name reported in
/// `ValidateErrorKind::Wasm::feature` (the name of the proposal's repository, as the
/// official test suite spells it; every component-model sub-flag reports
/// `"component-model"`).
///
/// # Spec
/// SPEC.md §Profile lists the same set.
pub const REJECTED: &[(WasmFeatures, &str)] = &[
    (WasmFeatures::SIMD, "simd"),
    (WasmFeatures::RELAXED_SIMD, "relaxed-simd"),
    (WasmFeatures::THREADS, "threads"),
    (
        WasmFeatures::SHARED_EVERYTHING_THREADS,
        "shared-everything-threads",
    ),
    (WasmFeatures::LEGACY_EXCEPTIONS, "legacy-exceptions"),
    (WasmFeatures::MEMORY64, "memory64"),
    (WasmFeatures::MULTI_MEMORY, "multi-memory"),
    (WasmFeatures::GC, "gc"),
    (WasmFeatures::FUNCTION_REFERENCES, "function-references"),
    (WasmFeatures::STACK_SWITCHING, "stack-switching"),
    (WasmFeatures::WIDE_ARITHMETIC, "wide-arithmetic"),
    (WasmFeatures::CUSTOM_PAGE_SIZES, "custom-page-sizes"),
    (WasmFeatures::CUSTOM_DESCRIPTORS, "custom-descriptors"),
    (WasmFeatures::MEMORY_CONTROL, "memory-control"),
    (WasmFeatures::COMPACT_IMPORTS, "compact-imports"),
    (
        WasmFeatures::ACQUIRE_RELEASE_ATOMICS,
        "acquire-release-atomics",
    ),
    (
        WasmFeatures::MULTIBYTE_ARRAY_ACCESS,
        "multibyte-array-access",
    ),
    (WasmFeatures::COMPONENT_MODEL, "component-model"),
    (WasmFeatures::CM_VALUES, "component-model"),
    (WasmFeatures::CM_NESTED_NAMES, "component-model"),
    (WasmFeatures::CM_ASYNC, "component-model"),
    (WasmFeatures::CM_ASYNC_STACKFUL, "component-model"),
    (WasmFeatures::CM_MORE_ASYNC_BUILTINS, "component-model"),
    (WasmFeatures::CM_THREADING, "component-model"),
    (WasmFeatures::CM_ERROR_CONTEXT, "component-model"),
    (WasmFeatures::CM_FIXED_LENGTH_LISTS, "component-model"),
    (WasmFeatures::CM_GC, "component-model"),
    (WasmFeatures::CM_MAP, "component-model"),
    (WasmFeatures::CM64, "component-model"),
    (WasmFeatures::CM_IMPLEMENTS, "component-model"),
    (WasmFeatures::CM_CANON_NAMES, "component-model"),
    (WasmFeatures::CM_FORWARD, "component-model"),
    (WasmFeatures::CM_ACCESSORS, "component-model"),
];

/// The profile as one constant: the union of [`ACCEPTED`].
///
/// Accepted: the MVP with floats, mutable globals, sign extension, saturating
/// float-to-int, multi-value, bulk memory, reference types, exception handling in its
/// final form (`try_table`, `throw`, `throw_ref`, `exnref`), tail calls and extended
/// constant expressions. Everything in [`REJECTED`] is off, notably SIMD, threads,
/// legacy exceptions (`try`/`catch`/`delegate`), memory64, multi-memory, GC, typed
/// function references and the component model.
pub const PROFILE: WasmFeatures = WasmFeatures::FLOATS
    .union(WasmFeatures::GC_TYPES)
    .union(WasmFeatures::MUTABLE_GLOBAL)
    .union(WasmFeatures::SIGN_EXTENSION)
    .union(WasmFeatures::SATURATING_FLOAT_TO_INT)
    .union(WasmFeatures::MULTI_VALUE)
    .union(WasmFeatures::BULK_MEMORY)
    .union(WasmFeatures::BULK_MEMORY_OPT)
    .union(WasmFeatures::REFERENCE_TYPES)
    .union(WasmFeatures::CALL_INDIRECT_OVERLONG)
    .union(WasmFeatures::EXCEPTIONS)
    .union(WasmFeatures::TAIL_CALL)
    .union(WasmFeatures::EXTENDED_CONST);

/// The feature set every wasmparser `Validator` and `Parser` of detwasm must use.
///
/// Equal to [`PROFILE`]; a function so callers need not care that it is a constant.
///
/// # Spec
/// SPEC.md §Profile.
pub fn features() -> WasmFeatures {
    PROFILE
}

/// The rejected proposal a flag set names, if any: an exact entry of [`REJECTED`]
/// first, then the first entry `missing` contains.
///
/// Returns `None` for flags the profile accepts and for an empty set.
pub fn rejected_name(missing: WasmFeatures) -> Option<&'static str> {
    let hit = REJECTED
        .iter()
        .find(|(flag, _)| *flag == missing)
        .or_else(|| {
            REJECTED
                .iter()
                .find(|(flag, _)| !flag.is_empty() && missing.contains(*flag))
        })?;
    Some(hit.1)
}

/// Message fragments (lowercased) of wasmparser 0.263 errors that come from a
/// disabled proposal but are raised without a feature tag, each with the proposal.
/// Checked in order; the first hit wins.
const UNTAGGED_MESSAGES: &[(&str, &str)] = &[
    // Two memories without multi-memory: `check_max` reports "multiple memories".
    ("multiple memories", "multi-memory"),
    // Type-section decoding (`into_iter_err_on_gc_types`) and canonicalization.
    ("stack switching proposal not supported", "stack-switching"),
    ("gc proposal not supported", "gc"),
    ("requires `gc` proposal", "gc"),
    ("gc proposal must be enabled", "gc"),
    ("because the gc proposal is disabled", "gc"),
    ("not supported without the gc feature", "gc"),
    (
        "custom descriptors proposal must be enabled",
        "custom-descriptors",
    ),
    (
        "require the shared-everything-threads proposal",
        "shared-everything-threads",
    ),
    ("compact imports", "compact-imports"),
];

/// Phrases that mark a message as "this needs a feature that is off".
const DISABLED_MARKERS: &[&str] = &[
    "not enabled",
    "must be enabled",
    "not supported without",
    "is disabled",
    "are disabled",
    "proposal disabled",
    "feature required",
    "requires the",
    "require the",
];

/// Proposal keywords (lowercased) looked for in a message that carries one of the
/// [`DISABLED_MARKERS`]. More specific keywords come before the ones they contain.
const KEYWORDS: &[(&str, &str)] = &[
    ("relaxed simd", "relaxed-simd"),
    ("relaxed-simd", "relaxed-simd"),
    ("simd", "simd"),
    ("shared-everything-threads", "shared-everything-threads"),
    ("legacy_exceptions", "legacy-exceptions"),
    ("legacy exceptions", "legacy-exceptions"),
    ("threads", "threads"),
    ("shared memor", "threads"),
    ("atomic", "threads"),
    ("memory64", "memory64"),
    ("multi-memory", "multi-memory"),
    ("multi memory", "multi-memory"),
    ("function references", "function-references"),
    ("function-references", "function-references"),
    ("stack switching", "stack-switching"),
    ("wide arithmetic", "wide-arithmetic"),
    ("custom page size", "custom-page-sizes"),
    ("custom descriptors", "custom-descriptors"),
    ("memory control", "memory-control"),
    ("multibyte array", "multibyte-array-access"),
    ("component model", "component-model"),
    ("gc", "gc"),
];

/// The rejected proposal named by an error message, for errors wasmparser raises
/// without a feature tag. Matching is case-insensitive.
///
/// Returns `None` when the message does not say that a rejected proposal is needed.
pub fn rejected_name_in_message(message: &str) -> Option<&'static str> {
    let lower = message.to_ascii_lowercase();
    if let Some((_, name)) = UNTAGGED_MESSAGES.iter().find(|(m, _)| lower.contains(m)) {
        return Some(name);
    }
    if !DISABLED_MARKERS.iter().any(|m| lower.contains(m)) {
        return None;
    }
    KEYWORDS
        .iter()
        .find(|(k, _)| contains_word(&lower, k))
        .map(|(_, name)| *name)
}

/// Whether `needle` occurs in `hay` not glued to a letter on either side, so `gc` does
/// not match inside another word.
fn contains_word(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(start, _)| {
        let before = hay.get(..start).and_then(|s| s.chars().next_back());
        let after = hay
            .get(start.saturating_add(needle.len())..)
            .and_then(|s| s.chars().next());
        let glued = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
        !glued(before) && !glued(after)
    })
}

/// The rejected proposal a wasmparser error is due to, if any.
///
/// Uses wasmparser's `missing_wasm_feature()` tag first, then the message (some
/// feature checks in wasmparser 0.263 raise untagged errors, e.g. "multiple memories"
/// or "gc proposal not supported"). Only names from [`REJECTED`] are returned.
pub fn rejected_feature_of(err: &BinaryReaderError) -> Option<&'static str> {
    err.missing_wasm_feature()
        .and_then(rejected_name)
        .or_else(|| rejected_name_in_message(err.message()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wasmparser_flag_is_classified() {
        for (name, flag) in WasmFeatures::all().iter_names() {
            let accepted = ACCEPTED.iter().any(|(f, _)| *f == flag);
            let rejected = REJECTED.iter().any(|(f, _)| *f == flag);
            assert!(
                accepted ^ rejected,
                "wasmparser flag {name} must be in exactly one of ACCEPTED and REJECTED"
            );
        }
    }

    #[test]
    fn profile_is_union_of_accepted_and_excludes_rejected() {
        let union = ACCEPTED
            .iter()
            .fold(WasmFeatures::empty(), |acc, (f, _)| acc | *f);
        assert_eq!(union, PROFILE);
        for (flag, name) in REJECTED {
            assert!(!PROFILE.intersects(*flag), "{name} must be off");
        }
        assert!(!PROFILE.contains(WasmFeatures::SIMD));
        assert!(!PROFILE.contains(WasmFeatures::LEGACY_EXCEPTIONS));
    }

    #[test]
    fn message_fallback_names_proposals() {
        let cases = [
            ("multiple memories", Some("multi-memory")),
            ("gc proposal not supported", Some("gc")),
            ("SIMD support is not enabled", Some("simd")),
            ("relaxed SIMD support is not enabled", Some("relaxed-simd")),
            (
                "threads must be enabled for shared memories",
                Some("threads"),
            ),
            ("type mismatch: expected i32", None),
            ("unknown memory 1", None),
        ];
        for (msg, want) in cases {
            assert_eq!(rejected_name_in_message(msg), want, "{msg}");
        }
    }
}
