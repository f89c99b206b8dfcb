//! The reference meter: a deliberately simple, slow and independent interpreter that
//! walks the original WebAssembly instructions one by one, as wasmparser decodes them,
//! and charges gas exactly as SPEC.md §Gas says, with the call-depth and stack-height
//! rules of SPEC.md §Stack. It is written from SPEC.md alone: it shares no code with
//! detwasm's translator, interpreter or gas table (only `detwasm::float` for float
//! arithmetic, which is tested on its own), so agreement between the two is evidence
//! that both follow the text. It does not validate: it is only fed modules that
//! detwasm's `Module::new` accepted. WASI imports are answered by `replay_host` from a
//! recorded list of host calls (plain data), so the meter needs no WASI host.
//! Depends on wasmparser and `detwasm::float`; only `lockstep`, the harness that runs
//! it beside detwasm and compares, uses detwasm's public API.
//!
//! Two more files live here but outside this module tree, because they need
//! dependencies the fuzz crate (which includes this tree) does not have:
//! `digest.rs` (SPEC.md §Trace digests of the meter's state, with sha2) and
//! `wasi_lockstep.rs` (the harness for WASI programs: detwasm traces replayed in the
//! meter). `tests/gas_reference.rs` includes them by path.

pub mod exec;
pub mod gas;
pub mod lockstep;
pub mod mem;
pub mod module;
pub mod num;
pub mod replay_host;
pub mod store;

pub use module::RModule;
pub use store::{RExtern, Store};

/// A value type of the profile (SPEC.md §Profile).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum VT {
    I32,
    I64,
    F32,
    F64,
    FuncRef,
    ExternRef,
    ExnRef,
}

/// A function type: parameter and result types.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct FnTy {
    pub params: Vec<VT>,
    pub results: Vec<VT>,
}

/// A trap, by its SPEC.md §Traps name (`out_of_gas`, `unreachable`, ...).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Trap(pub &'static str);

impl Trap {
    pub const UNREACHABLE: Trap = Trap("unreachable");
    pub const INTEGER_OVERFLOW: Trap = Trap("integer_overflow");
    pub const DIV_BY_ZERO: Trap = Trap("integer_divide_by_zero");
    pub const INVALID_CONVERSION: Trap = Trap("invalid_conversion_to_integer");
    pub const MEMORY_OOB: Trap = Trap("memory_out_of_bounds");
    pub const TABLE_OOB: Trap = Trap("table_out_of_bounds");
    pub const UNDEFINED_ELEMENT: Trap = Trap("undefined_element");
    pub const UNINITIALIZED_ELEMENT: Trap = Trap("uninitialized_element");
    pub const INDIRECT_TYPE_MISMATCH: Trap = Trap("indirect_call_type_mismatch");
    pub const CALL_STACK_EXHAUSTED: Trap = Trap("call_stack_exhausted");
    pub const OUT_OF_GAS: Trap = Trap("out_of_gas");
    pub const UNCAUGHT_EXCEPTION: Trap = Trap("uncaught_exception");
    pub const NULL_REFERENCE: Trap = Trap("null_reference");
    pub const EXCEPTION_LIMIT: Trap = Trap("exception_limit");
}
