//! Every deterministic number of the runtime: shape limits checked at validation, the
//! stack model's limits checked at run time, and the gas limit. Defaults are the values
//! written in SPEC.md §Limits and §Stack; changing one is a change of observable behaviour.
//! Depends on nothing.

/// Shape limits a module must satisfy to be accepted (SPEC.md §Limits).
///
/// Every field is an inclusive maximum. A module exceeding any of them is rejected by
/// validation with `ValidateErrorKind::Limit` naming the field.
///
/// Several defaults equal wasmparser 0.263's own implementation limits: 1 000 000
/// types, functions, imports, exports, globals and tags; 100 000 data and element
/// segments; 50 000 parameters plus locals per function; 7 654 321 bytes per function
/// body; 10 000 000 items per element segment. A value above wasmparser's limit has no
/// effect: wasmparser rejects first, with `ValidateErrorKind::Wasm` instead of `Limit`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Size of the module binary, in bytes.
    pub max_module_bytes: u64,
    /// Entries in the type section.
    pub max_types: u32,
    /// Functions, imported and defined together.
    pub max_funcs: u32,
    /// Entries in the import section.
    pub max_imports: u32,
    /// Entries in the export section.
    pub max_exports: u32,
    /// Globals, imported and defined together.
    pub max_globals: u32,
    /// Tables, imported and defined together.
    pub max_tables: u32,
    /// Tags, imported and defined together.
    pub max_tags: u32,
    /// Data segments.
    pub max_data_segments: u32,
    /// Element segments.
    pub max_elem_segments: u32,
    /// Parameters plus declared locals of one function.
    pub max_locals_per_func: u32,
    /// Size of one function body, in bytes.
    pub max_func_body_bytes: u32,
    /// Control nesting depth (block, loop, if, try_table) inside one function body,
    /// counting the function's own implicit block.
    pub max_control_depth: u32,
    /// Declared minimum and maximum of a memory, and the largest size `memory.grow`
    /// may reach at run time, in 64 KiB pages.
    pub max_memory_pages: u32,
    /// Declared minimum and maximum of a table, and the largest size `table.grow` may
    /// reach at run time, in elements.
    pub max_table_elements: u32,
    /// Total bytes of all data segments.
    pub max_data_bytes: u64,
    /// Total items of all element segments.
    pub max_elem_items: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_module_bytes: 256 * 1024 * 1024,
            max_types: 100_000,
            max_funcs: 1_000_000,
            max_imports: 100_000,
            max_exports: 100_000,
            max_globals: 1_000_000,
            max_tables: 100,
            max_tags: 100_000,
            max_data_segments: 100_000,
            max_elem_segments: 100_000,
            max_locals_per_func: 50_000,
            max_func_body_bytes: 7_654_321,
            max_control_depth: 10_000,
            max_memory_pages: 16_384,
            max_table_elements: 10_000_000,
            max_data_bytes: 256 * 1024 * 1024,
            max_elem_items: 10_000_000,
        }
    }
}

/// Configuration of an [`crate::Engine`]: limits, stack model and gas.
///
/// # Spec
/// SPEC.md §Limits, §Stack and §Gas give the meaning and the defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Shape limits checked at validation.
    pub limits: Limits,
    /// Maximum number of activation frames (wasm function calls) alive at once.
    /// A call that would exceed it traps with `CallStackExhausted`.
    pub max_call_depth: u32,
    /// Maximum stack height in the units of SPEC.md §Stack (value slots, label
    /// entries and frames). A call that would exceed it traps with `CallStackExhausted`.
    pub max_stack_height: u64,
    /// Maximum number of exceptions reachable when a `throw` creates one (SPEC.md
    /// §Exceptions): a `throw` that finds more traps with `ExceptionLimit`. A store
    /// holds at most twice this many exceptions, reachable or not.
    pub max_live_exceptions: u32,
    /// Gas available to one store, in gas units (SPEC.md §Gas).
    pub gas_limit: u64,
    /// Whether wasm instructions are metered. `false` exists only to measure the cost
    /// of metering in benchmarks: no instruction is charged (host functions still
    /// charge), so runs are not bounded by gas. Default `true`.
    pub gas_metering: bool,
    /// Take a checkpoint (SPEC.md §Trace, checkpoints) each time gas used is about to
    /// pass a multiple of this many gas units; 0 (the default) takes none. With
    /// checkpoints on, translation also keeps what rebuilds the stack machine's value
    /// stack at every wasm instruction inside a fused op (about 24 bytes per
    /// instruction, and a second translation of each body).
    pub checkpoint_interval: u64,
    /// Whether the translator fuses a run of wasm instructions into one op (ARCHITECTURE.md,
    /// "Fusion"). Never changes an observable result (results, gas figures, out-of-gas
    /// points, traps, traces, checkpoints): `false`, one op per wasm instruction, exists
    /// so that tests and differential fuzzing can compare the two translations.
    /// Default `true`.
    pub fusion: bool,
    /// Which interpreter loop runs wasm code. Never changes an observable result
    /// (results, gas, traps, traces): it exists so tests can run both. Default
    /// [`Dispatch::Auto`].
    pub dispatch: Dispatch,
}

/// The interpreter's dispatch backend (ARCHITECTURE.md, "Dispatch").
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum Dispatch {
    /// Threaded dispatch (each op's handler jumps to the next one's) where the build
    /// has it (optimised builds on x86-64 and aarch64 without sanitizers or the
    /// `loop-dispatch` feature), with the loop for what it does not handle; the
    /// loop everywhere else.
    #[default]
    Auto,
    /// The `loop { match }` backend only.
    Loop,
}

impl Config {
    /// The part of the configuration that `Module::new` bakes into a module: the
    /// shape limits it validated against, whether it emitted gas charges
    /// (`gas_metering`), whether it fused instructions (`fusion`) and whether it kept
    /// what checkpoints need (`checkpoint_interval > 0`).
    /// A store only instantiates modules whose key equals its own engine's (SPEC.md
    /// §Limits, §Gas).
    pub(crate) fn translation_key(&self) -> TranslationKey {
        TranslationKey {
            limits: self.limits.clone(),
            gas_metering: self.gas_metering,
            fused: self.fusion,
            checkpoints: self.checkpoint_interval > 0,
        }
    }
}

/// What translation depends on in a [`Config`] (see `Config::translation_key`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TranslationKey {
    pub limits: Limits,
    pub gas_metering: bool,
    pub fused: bool,
    pub checkpoints: bool,
}

impl TranslationKey {
    /// The name of the first setting in which `self` (a module's) differs from
    /// `store` (a store's), if any.
    pub(crate) fn first_difference(&self, store: &TranslationKey) -> Option<&'static str> {
        if self.gas_metering != store.gas_metering {
            Some("gas_metering")
        } else if self.fused != store.fused {
            Some("fusion")
        } else if self.checkpoints != store.checkpoints {
            Some("checkpoint_interval")
        } else if self.limits != store.limits {
            Some("limits")
        } else {
            None
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            limits: Limits::default(),
            max_call_depth: 10_000,
            max_stack_height: 4_000_000,
            max_live_exceptions: 2048,
            gas_limit: 10_000_000_000,
            gas_metering: true,
            checkpoint_interval: 0,
            fusion: true,
            dispatch: Dispatch::Auto,
        }
    }
}

/// Reads one numbered limit of a [`Config`].
type LimitGet = fn(&Config) -> u64;
/// Writes one numbered limit of a [`Config`]; `None` when the value does not fit.
type LimitSet = fn(&mut Config, u64) -> Option<()>;

/// The reader and writer of one field, `u64` or `u32` (a wider value does not fit).
macro_rules! limit_access {
    (u64, $($field:ident).+) => {
        (
            (|c: &Config| c.$($field).+) as LimitGet,
            (|c: &mut Config, v: u64| {
                c.$($field).+ = v;
                Some(())
            }) as LimitSet,
        )
    };
    (u32, $($field:ident).+) => {
        (
            (|c: &Config| u64::from(c.$($field).+)) as LimitGet,
            (|c: &mut Config, v: u64| {
                c.$($field).+ = u32::try_from(v).ok()?;
                Some(())
            }) as LimitSet,
        )
    };
}

/// Defines [`LIMIT_NAMES`] and `LIMIT_TABLE` from one list, so names and fields
/// cannot drift apart.
macro_rules! limit_table {
    ($($name:literal: $ty:ident $($field:ident).+;)*) => {
        /// Names of a configuration's named numbers: the 17 SPEC.md §Limits fields in
        /// table order, then the §Stack numbers `max_call_depth` and
        /// `max_stack_height`, then §Exceptions' `max_live_exceptions`. This is the order of the trace start event's `limits`
        /// field (SPEC.md §Trace events) and the names `detwasm run --limit NAME=VALUE`
        /// accepts.
        pub const LIMIT_NAMES: [&str; LIMIT_COUNT] = [$($name),*];

        /// The reader and writer of each [`LIMIT_NAMES`] entry, in its order.
        static LIMIT_TABLE: [(LimitGet, LimitSet); LIMIT_COUNT] = [$(limit_access!($ty, $($field).+)),*];
    };
}

limit_table! {
    "max_module_bytes": u64 limits.max_module_bytes;
    "max_types": u32 limits.max_types;
    "max_funcs": u32 limits.max_funcs;
    "max_imports": u32 limits.max_imports;
    "max_exports": u32 limits.max_exports;
    "max_globals": u32 limits.max_globals;
    "max_tables": u32 limits.max_tables;
    "max_tags": u32 limits.max_tags;
    "max_data_segments": u32 limits.max_data_segments;
    "max_elem_segments": u32 limits.max_elem_segments;
    "max_locals_per_func": u32 limits.max_locals_per_func;
    "max_func_body_bytes": u32 limits.max_func_body_bytes;
    "max_control_depth": u32 limits.max_control_depth;
    "max_memory_pages": u32 limits.max_memory_pages;
    "max_table_elements": u32 limits.max_table_elements;
    "max_data_bytes": u64 limits.max_data_bytes;
    "max_elem_items": u64 limits.max_elem_items;
    "max_call_depth": u32 max_call_depth;
    "max_stack_height": u64 max_stack_height;
    "max_live_exceptions": u32 max_live_exceptions;
}

/// How many named numbers a [`Config`] has ([`LIMIT_NAMES`]).
pub const LIMIT_COUNT: usize = 20;

/// A named limit that [`Config::set_limit`] cannot set.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// No limit has this name.
    #[error("unknown limit '{0}'")]
    UnknownName(String),
    /// The value does not fit the limit's type (a 32-bit count above 4294967295).
    #[error("{name} = {value} does not fit in 32 bits (at most 4294967295)")]
    TooLarge {
        /// The limit's name.
        name: &'static str,
        /// The value given.
        value: u64,
    },
}

impl Config {
    /// Every named number, in [`LIMIT_NAMES`] order: the §Limits fields, then
    /// `max_call_depth`, `max_stack_height` and `max_live_exceptions` (SPEC.md §Trace
    /// events, `limits`).
    pub fn limit_values(&self) -> [u64; LIMIT_COUNT] {
        let mut out = [0u64; LIMIT_COUNT];
        for (slot, (get, _)) in out.iter_mut().zip(LIMIT_TABLE.iter()) {
            *slot = get(self);
        }
        out
    }

    /// The named number `name` (a [`LIMIT_NAMES`] entry), or `None` for another name.
    pub fn limit(&self, name: &str) -> Option<u64> {
        let i = LIMIT_NAMES.iter().position(|n| *n == name)?;
        Some((LIMIT_TABLE[i].0)(self))
    }

    /// Sets the named number `name` (a [`LIMIT_NAMES`] entry) to `value`.
    ///
    /// # Errors
    /// [`LimitError::UnknownName`] for a name not in [`LIMIT_NAMES`];
    /// [`LimitError::TooLarge`] when a 32-bit limit gets a value above 2^32 - 1.
    pub fn set_limit(&mut self, name: &str, value: u64) -> Result<(), LimitError> {
        let Some(i) = LIMIT_NAMES.iter().position(|n| *n == name) else {
            return Err(LimitError::UnknownName(name.to_string()));
        };
        (LIMIT_TABLE[i].1)(self, value).ok_or(LimitError::TooLarge {
            name: LIMIT_NAMES[i],
            value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_table_names_every_field_once_in_spec_order() {
        // Each entry reads and writes its own field: setting entry i to a distinct
        // value changes exactly entry i.
        for (i, name) in LIMIT_NAMES.iter().enumerate() {
            let mut c = Config::default();
            let before = c.limit_values();
            c.set_limit(name, 12_345 + i as u64).unwrap();
            let after = c.limit_values();
            for j in 0..LIMIT_COUNT {
                if j == i {
                    assert_eq!(after[j], 12_345 + i as u64, "{name}");
                } else {
                    assert_eq!(after[j], before[j], "{name} changed {}", LIMIT_NAMES[j]);
                }
            }
        }
    }

    #[test]
    fn set_limit_rejects_unknown_names_and_32_bit_overflow() {
        let mut c = Config::default();
        assert_eq!(
            c.set_limit("max_nothing", 1),
            Err(LimitError::UnknownName("max_nothing".into()))
        );
        assert!(matches!(
            c.set_limit("max_funcs", 1 << 32),
            Err(LimitError::TooLarge {
                name: "max_funcs",
                ..
            })
        ));
        c.set_limit("max_module_bytes", 1 << 40).unwrap();
        assert_eq!(c.limit("max_module_bytes"), Some(1 << 40));
        assert_eq!(c.limit("max_nothing"), None);
    }
}
