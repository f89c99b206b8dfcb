//! The hashed execution trace (SPEC.md §Trace): every run records a start event, one
//! event per host call and an end event, encodes each canonically and chains their
//! SHA-256 hashes into the trace hash; a recorded trace can be replayed (host calls
//! answered from it), re-run live, diffed against another and shown as JSON lines.
//!
//! Layout: `codec` (the byte encoding), `event` (event types and payloads), `file`
//! (file layout, hash chain, checked reading), `spool` (a run's trace bytes: in memory
//! up to a size, then in an anonymous temporary file), `digest` (schedule, tree and
//! state digests), `record` (the recorder hook `session::run` installs), `replay`,
//! `show` (JSON lines and diff). The trace only observes: it never changes control
//! flow, gas or results (a replay substitutes recorded host answers, which is its
//! purpose). The only I/O here is the spool's temporary file, which nothing observable
//! depends on. Depends on session, runtime (hook types, store), wasi
//! (configuration, trees, schedule constants), gas, value, exec (trap codes), sha2.

mod bisect;
mod codec;
mod digest;
mod error;
mod event;
mod file;
mod record;
mod replay;
mod show;
mod spool;
mod verify;

pub use bisect::{bisect, Bisection};
pub use codec::Digest32;
pub use digest::{
    gas_schedule_listing, gas_schedule_sha256, host_schedule_listing, host_schedule_sha256, sha256,
    tree_digest,
};
pub(crate) use digest::{state_digests, FuncIndex};
pub use error::TraceError;
pub use event::{
    kind_name, trap_code_of, valtype_byte, CheckpointEvent, EndEvent, Event, HostCallEvent,
    Outcome, StartEvent, TraceValue, TrapRecord, KIND_CHECKPOINT, KIND_END, KIND_HOST_CALL,
    KIND_START, LIMIT_NAMES,
};
pub use file::{
    chain_next, chain_start, hex32, read_events, ReadTrace, Trace, TraceWriter, DOMAIN_TAG,
    FORMAT_VERSION, MAGIC,
};
pub(crate) use record::{begin, resume as resume_recording, Finished, RunTrace};
pub use record::{start_event, Recorder, Replay};
pub use replay::{check_start, config_of, replay, replay_live, ReplayError, ReplayReport};
pub use show::{
    diff_events, event_fields, event_json, event_label, json_str, Divergence, FieldValue,
};
pub use spool::{SpooledTrace, TRACE_MEMORY_BYTES};

/// The first difference between two trace files.
///
/// # Errors
/// A [`TraceError`] naming which file is unreadable is left to the caller: both are
/// read here, the first error is returned.
pub fn diff(expected: &Trace, actual: &Trace) -> Result<Option<Divergence>, TraceError> {
    let a = expected.events()?;
    let b = actual.events()?;
    Ok(diff_events(&a, &b))
}

/// The JSON lines of `trace show`: one per event, then a trailer line with the event
/// count and the trace hash.
///
/// # Errors
/// Every [`TraceError`] of [`read_events`].
pub fn show_json_lines(bytes: &[u8]) -> Result<Vec<String>, TraceError> {
    let read = read_events(bytes)?;
    let mut lines: Vec<String> = read
        .events
        .iter()
        .zip(&read.chain)
        .enumerate()
        .map(|(i, (e, h))| event_json(i, e, h))
        .collect();
    lines.push(format!(
        "{{\"kind\":\"trailer\",\"events\":{},\"trace_hash\":\"{}\"}}",
        read.events.len(),
        hex32(&read.hash)
    ));
    Ok(lines)
}
