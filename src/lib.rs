//! detwasm: a deterministic sandbox runtime for WebAssembly.
//!
//! The pipeline is validate → translate → execute: [`Module::new`] checks a binary
//! against the determinism profile and the configured limits (SPEC.md §Profile,
//! §Limits) and translates every function body once into internal bytecode;
//! [`Store::instantiate`] links and instantiates it; [`Store::invoke`] runs exported
//! functions on an explicit frame stack with exact gas metering (SPEC.md §Gas), a
//! deterministic stack model (SPEC.md §Stack) and canonical NaNs (SPEC.md §NaN).
//! This file only re-exports.

// The `detwasm` binary's code (src/main.rs calls `cli::main`): not library API.
#[doc(hidden)]
pub mod cli;
pub mod config;
pub mod contract;
mod engine;
pub mod error;
#[allow(unsafe_code)] // The interpreter hot path; every block has a SAFETY comment.
mod exec;
pub mod float;
pub mod gas;
mod module;
mod runtime;
pub mod session;
mod sha256;
pub mod snapshot;
pub mod suspend;
pub mod text;
pub mod trace;
mod translate;
pub mod validate;
pub mod value;
pub mod wasi;

/// README.md's Rust examples (the "Embedding" section), compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub use config::{Config, Dispatch, Limits};
pub use engine::Engine;
pub use error::{Error, LinkError};
pub use exec::{Trap, TrapCode, PAGE_SIZE};
pub use module::{Export, ExternKind, Import, Module};
pub use runtime::{
    AtomicStats, Caller, CallerContext, Checkpoint, Extern, Global, GlobalAddr, HostCall,
    HostCallOutcome, HostFunc, Instance, InstanceAddr, Invocation, Linker, MemAddr, Memory,
    Replayed, ResumableCall, Store, StoreInner, Table, TableAddr, Tag, TagAddr, TraceHook,
    TypedFunc, TypedInvocation, TypedResumableCall, WasmTy, WasmTyList, JOURNAL_PAGE_BYTES,
    TABLE_CHUNK_ELEMENTS,
};
pub use snapshot::Snapshot;
pub use value::{
    ExnAddr, ExternType, Func, FuncAddr, FuncType, GlobalType, MemoryType, TableType, TypeLimits,
    ValType, Value,
};
