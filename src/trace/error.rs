//! [`TraceError`]: why a trace file could not be read, or does not belong to the
//! module or configuration it is used with. Every variant names what is wrong and
//! where (byte offset or event index). Depends on nothing.

/// A trace file that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TraceError {
    /// The file does not start with the trace magic bytes.
    #[error("not a detwasm trace file: the first 8 bytes are not the trace magic \"dwtrace\\0\"")]
    BadMagic,
    /// The file's format version is not the one this build reads.
    #[error("unsupported trace format version {found} (this detwasm reads version {supported})")]
    UnsupportedVersion {
        /// The version in the file.
        found: u32,
        /// The version this build reads and writes.
        supported: u32,
    },
    /// The file ends (or an event's payload ends) before a field is complete.
    #[error(
        "truncated trace: {what} at byte {offset} needs {needed} bytes but only {available} remain"
    )]
    Truncated {
        /// The field being read.
        what: &'static str,
        /// Byte offset of the field in the file.
        offset: u64,
        /// Bytes the field needs (saturated).
        needed: u64,
        /// Bytes left.
        available: u64,
    },
    /// A field has a value no writer produces (bad UTF-8, unknown value type, ...).
    #[error("malformed trace at byte {offset}: {message}")]
    Malformed {
        /// Byte offset of the field in the file.
        offset: u64,
        /// What is wrong.
        message: String,
    },
    /// The events do not hash to the hash recorded at the end of the file.
    #[error(
        "trace hash mismatch: the file records {recorded} but its events hash to {computed} \
         (the file is corrupted or was edited)"
    )]
    HashMismatch {
        /// The recorded trace hash, hex.
        recorded: String,
        /// The hash of the events as read, hex.
        computed: String,
    },
    /// The trailer's event count differs from the number of events in the file.
    #[error("trace trailer records {recorded} events but the file holds {actual}")]
    CountMismatch {
        /// The recorded count.
        recorded: u64,
        /// The events read.
        actual: u64,
    },
    /// Bytes follow the trailer.
    #[error("{count} unexpected bytes after the trace trailer at byte {offset}")]
    TrailingBytes {
        /// Offset of the first extra byte.
        offset: u64,
        /// How many.
        count: u64,
    },
    /// The events are not a start event, host calls (and future kinds), and one end
    /// event, in that order.
    #[error("invalid trace structure: {0}")]
    Structure(String),
    /// The trace was recorded from another module.
    #[error("the trace was recorded from another module: trace module sha256 {trace}, given module sha256 {actual}")]
    ModuleMismatch {
        /// The module hash in the trace's start event, hex.
        trace: String,
        /// The given module's hash, hex.
        actual: String,
    },
    /// The trace was recorded under a gas or host schedule this build does not
    /// implement.
    #[error("the trace was recorded with {what} {trace}, this detwasm has {actual}")]
    ScheduleMismatch {
        /// Which schedule field.
        what: &'static str,
        /// The trace's value.
        trace: String,
        /// This build's value.
        actual: String,
    },
}
