//! The top-level error type: one variant per stage, wrapping that stage's error.
//! Depends on the stage error types only.

use crate::exec::Trap;
use crate::validate::ValidateError;

/// Why linking failed (core §4.5.4 external typing and import matching).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown import or incompatible import type: {0}")]
pub struct LinkError(pub String);

/// Any error of the library.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The module was rejected by validation or the profile.
    #[error(transparent)]
    Validate(#[from] ValidateError),
    /// Instantiation could not resolve or match an import.
    #[error(transparent)]
    Link(#[from] LinkError),
    /// Execution trapped (also during instantiation: segment bounds, start function).
    #[error("trap: {0}")]
    Trap(#[from] Trap),
    /// An invocation with the wrong number or types of arguments, or a bad address.
    #[error("invalid invocation: {0}")]
    Invoke(String),
    /// A resource limit of the configuration was exceeded outside execution.
    #[error("limit exceeded: {0}")]
    Limit(String),
    /// `Store::instantiate` was given a module created by an engine whose configuration
    /// differs from the store's in a setting translation depends on (`gas_metering`,
    /// `fusion`, whether `checkpoint_interval` is 0, or `limits`); the field names the first such
    /// setting. Create the module with an engine of the store's configuration.
    #[error("module translated under a different configuration: {0} differs from the store's")]
    ConfigMismatch(&'static str),
    /// The run's trace could not be kept in its anonymous temporary file (created,
    /// written, patched or read back; SPEC.md §Trace): the message says which I/O
    /// error. The run itself was not affected, but its trace is lost.
    #[error("{0}")]
    Spool(String),
    /// A snapshot could not be taken, decoded or restored (SPEC.md §Snapshot): bytes
    /// that are not a snapshot of this format version (truncated, corrupted, trailing
    /// bytes), a snapshot of another module, gas schedule or configuration, a store it
    /// cannot be restored into, or state that breaks an invariant; the message says
    /// which.
    #[error("snapshot: {0}")]
    Snapshot(String),
    /// A condition validation should have excluded; a bug in detwasm.
    #[error("internal error: {0}")]
    Internal(&'static str),
}
