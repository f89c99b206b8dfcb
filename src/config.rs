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
            max_module_bytes: 64 * 1024 * 1024,
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
            max_data_bytes: 64 * 1024 * 1024,
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
    /// Gas available to one store, in gas units (SPEC.md §Gas).
    pub gas_limit: u64,
    /// Whether wasm instructions are metered. `false` exists only to measure the cost
    /// of metering in benchmarks: no instruction is charged (host functions still
    /// charge), so runs are not bounded by gas. Default `true`.
    pub gas_metering: bool,
    /// Take a checkpoint (SPEC.md §Trace, checkpoints) each time gas used is about to
    /// pass a multiple of this many gas units; 0 (the default) takes none. Turning
    /// checkpoints on also turns off fused ops so every checkpoint position is one wasm
    /// instruction.
    pub checkpoint_interval: u64,
}

impl Config {
    /// The part of the configuration that `Module::new` bakes into a module: the
    /// shape limits it validated against, whether it emitted gas charges
    /// (`gas_metering`) and whether it fused instructions (`checkpoint_interval == 0`).
    /// A store only instantiates modules whose key equals its own engine's (SPEC.md
    /// §Limits, §Gas).
    pub(crate) fn translation_key(&self) -> TranslationKey {
        TranslationKey {
            limits: self.limits.clone(),
            gas_metering: self.gas_metering,
            fused: self.checkpoint_interval == 0,
        }
    }
}

/// What translation depends on in a [`Config`] (see `Config::translation_key`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TranslationKey {
    pub limits: Limits,
    pub gas_metering: bool,
    pub fused: bool,
}

impl TranslationKey {
    /// The name of the first setting in which `self` (a module's) differs from
    /// `store` (a store's), if any.
    pub(crate) fn first_difference(&self, store: &TranslationKey) -> Option<&'static str> {
        if self.gas_metering != store.gas_metering {
            Some("gas_metering")
        } else if self.fused != store.fused {
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
            gas_limit: 10_000_000_000,
            gas_metering: true,
            checkpoint_interval: 0,
        }
    }
}
