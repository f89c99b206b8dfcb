//! Recording a run (SPEC.md §Trace): the [`Recorder`] trace hook that `session::run`
//! installs for every run, the start event built from the run configuration, and the
//! end event built from the finished store. In replay mode the same recorder answers
//! host calls from a recorded trace ([`Replay`]) and still records what the run does,
//! so a replay has a trace hash of its own. The recorder only observes and substitutes
//! recorded answers: it never changes gas or results on its own.
//! Depends on `event`, `file`, `digest`, `runtime` (hook types, store), `session`
//! (RunConfig), `wasi` (configuration, trees).

use std::sync::{Arc, Mutex};

use super::codec::Digest32;
use super::digest::{self, FuncIndex};
use super::event::{
    EndEvent, Event, HostCallEvent, HostCallRef, Outcome, StartEvent, TraceValue, TrapRecord,
};
use super::file::{SpoolWriter, FORMAT_VERSION};
use super::spool::{SpooledTrace, TRACE_MEMORY_BYTES};
use crate::config::Config;
use crate::exec::{Trap, TrapCode};
use crate::runtime::{HostCall, HostCallOutcome, InstanceAddr, Replayed, StoreInner, TraceHook};
use crate::value::Value;
use crate::wasi::{Preopen, WasiConfig};

/// A recorded trace prepared for answering host calls (`RunConfig::replay`).
#[derive(Clone, Debug)]
pub struct Replay {
    pub(crate) start: StartEvent,
    pub(crate) calls: Vec<HostCallEvent>,
    pub(crate) end: EndEvent,
}

impl Replay {
    /// The replay source for a checked trace's events.
    ///
    /// # Errors
    /// `TraceError::Structure` when the events are not a start event, host calls and
    /// an end event (unknown kinds are skipped).
    pub fn from_events(events: &[Event]) -> Result<Replay, super::TraceError> {
        let (Some(Event::Start(start)), Some(Event::End(end))) = (events.first(), events.last())
        else {
            return Err(super::TraceError::Structure(
                "a replay needs a start event first and an end event last".into(),
            ));
        };
        let calls = events
            .iter()
            .filter_map(|e| match e {
                Event::HostCall(c) => Some(c.clone()),
                _ => None,
            })
            .collect();
        Ok(Replay {
            start: (**start).clone(),
            calls,
            end: end.clone(),
        })
    }

    /// The recorded start event.
    pub fn start(&self) -> &StartEvent {
        &self.start
    }
}

/// Where a replay is in the recorded host calls.
struct Cursor {
    replay: Replay,
    next: usize,
    stopped: bool,
    /// Checks the recorded answers the recorded inputs determine.
    verifier: super::verify::Verifier,
}

/// The answer that stops a replay whose calls no longer match the recording.
fn stop() -> Replayed {
    Replayed {
        results: Vec::new(),
        trap: Some(Trap::new(TrapCode::HostError)),
        writes: Vec::new(),
        gas_charged: 0,
    }
}

fn no_funcs(_: crate::value::FuncAddr) -> Option<u32> {
    None
}

fn trace_values(vs: &[Value]) -> Vec<TraceValue> {
    vs.iter()
        .map(|v| TraceValue::from_value(v, &no_funcs))
        .collect()
}

impl Cursor {
    /// The recorded answer to `call`, and the recorded read digest, or the stopping
    /// answer when the call is not the one recorded next.
    fn answer(
        &mut self,
        call: &HostCall<'_>,
        memory: Option<&[u8]>,
    ) -> (Replayed, Option<Digest32>) {
        if self.stopped {
            return (stop(), None);
        }
        let Some(ev) = self.replay.calls.get(self.next) else {
            self.stopped = true;
            return (stop(), None);
        };
        let same =
            ev.module == call.module && ev.name == call.name && ev.args == trace_values(call.args);
        let results: Option<Vec<Value>> = ev.results.iter().map(|v| v.to_value()).collect();
        let Some(results) = results.filter(|_| same) else {
            self.stopped = true;
            return (stop(), None);
        };
        self.verifier.call(self.next, ev, memory);
        self.next += 1;
        let trap = ev.trap.map(|t| match t.code {
            TrapCode::Exit => Trap::exit(t.status),
            code => Trap::new(code),
        });
        (
            Replayed {
                results,
                trap,
                writes: ev.writes.clone(),
                gas_charged: ev.gas_charged,
            },
            Some(ev.reads_sha256),
        )
    }
}

/// State shared by the hook in the store and the session that finishes the trace.
struct Shared {
    writer: SpoolWriter,
    /// The start event as first written.
    start: StartEvent,
    cursor: Option<Cursor>,
    inner: Option<Box<dyn TraceHook>>,
    /// The recorded read digest of the call just answered from the recording.
    answered: Option<Digest32>,
    /// The gas limit the start event must record, when it is known only at the end
    /// (a suspended run: the sum of its slices).
    final_gas_limit: Option<u64>,
}

/// The trace hook every run installs: records one event per host call and, in replay
/// mode, answers host calls from the recording. Forwards everything to an inner hook
/// (`RunConfig::trace_hook`) as well.
pub struct Recorder(Arc<Mutex<Shared>>);

impl TraceHook for Recorder {
    fn host_call(&mut self, call: &HostCall<'_>, outcome: &HostCallOutcome<'_>) {
        let Ok(mut guard) = self.0.lock() else { return };
        let s = &mut *guard;
        let reads = s.answered.take().unwrap_or(outcome.reads_digest);
        let value = |v: &Value| TraceValue::from_value(v, &no_funcs);
        s.writer.push_host_call_ref(HostCallRef {
            module: call.module,
            name: call.name,
            args: call.args.iter().map(value),
            results: outcome.results.iter().map(value),
            trap: outcome.trap.map(|t| TrapRecord {
                code: t.code(),
                status: t.exit_status().unwrap_or(0),
            }),
            writes: outcome.writes,
            reads_sha256: &reads,
            gas_charged: outcome.gas_charged,
            gas_used: outcome.gas_used,
        });
        if let Some(inner) = s.inner.as_mut() {
            inner.host_call(call, outcome);
        }
    }

    fn checkpoint(&mut self, cp: &crate::runtime::Checkpoint) {
        let Ok(mut guard) = self.0.lock() else { return };
        let s = &mut *guard;
        s.writer
            .push(&Event::Checkpoint(super::event::CheckpointEvent {
                index: cp.index,
                gas_used: cp.gas_used,
                func_index: cp.func_index,
                offset: cp.offset,
                state_sha256: cp.state_digest,
            }));
        if let Some(inner) = s.inner.as_mut() {
            inner.checkpoint(cp);
        }
    }

    fn replay(&mut self, call: &HostCall<'_>, memory: Option<&[u8]>) -> Option<Replayed> {
        let Ok(mut guard) = self.0.lock() else {
            return Some(stop());
        };
        let s = &mut *guard;
        if let Some(cursor) = s.cursor.as_mut() {
            let (answer, reads) = cursor.answer(call, memory);
            s.answered = reads;
            return Some(answer);
        }
        s.inner.as_mut().and_then(|k| k.replay(call, memory))
    }
}

/// The session's handle on the recorder it installed.
pub(crate) struct RunTrace(Arc<Mutex<Shared>>);

/// The start event of a run of `bytes` under `config` and `wasi`, invoking `entry`
/// with `entry_args`.
pub fn start_event(
    bytes: &[u8],
    config: &Config,
    wasi: &WasiConfig,
    entry: &str,
    entry_args: &[Value],
) -> StartEvent {
    let canonical: Vec<(String, crate::wasi::fs::Dir)> = wasi
        .preopens
        .iter()
        .map(|p| {
            (
                p.guest_path.clone(),
                p.tree.canonical(wasi.clock_start_ns).0,
            )
        })
        .collect();
    StartEvent {
        format_version: FORMAT_VERSION,
        module_sha256: digest::sha256(bytes),
        entry: entry.to_string(),
        entry_args: trace_values(entry_args),
        gas_limit: config.gas_limit,
        gas_metering: config.gas_metering,
        gas_schedule_version: crate::gas::SCHEDULE_VERSION,
        gas_schedule_sha256: digest::gas_schedule_sha256(),
        host_schedule_version: crate::wasi::gas::HOST_SCHEDULE_VERSION,
        host_schedule_sha256: digest::host_schedule_sha256(),
        seed: wasi.seed,
        clock_start_ns: wasi.clock_start_ns,
        clock_step_ns: crate::wasi::clock::CLOCK_STEP_NS,
        args: wasi.args.clone(),
        env: wasi.env.clone(),
        stdin_len: wasi.stdin.len() as u64,
        stdin_sha256: digest::sha256(&wasi.stdin),
        fs_sha256: digest::tree_digest(canonical.iter().map(|(p, t)| (p.as_str(), t))),
        max_file_bytes: wasi.max_file_bytes,
        max_fs_bytes: wasi.max_fs_bytes,
        limits: config.limit_values(),
        checkpoint_interval: config.checkpoint_interval,
    }
}

/// Starts the trace of a run: builds the start event (in replay mode, with the host
/// inputs of the recording: a replay runs without them) and the recorder to install.
pub(crate) fn begin(
    mut start: StartEvent,
    replay: Option<Replay>,
    inner: Option<Box<dyn TraceHook>>,
) -> (Box<dyn TraceHook>, RunTrace) {
    if let Some(r) = &replay {
        let rec = &r.start;
        start.seed = rec.seed;
        start.clock_start_ns = rec.clock_start_ns;
        start.args = rec.args.clone();
        start.env = rec.env.clone();
        start.stdin_len = rec.stdin_len;
        start.stdin_sha256 = rec.stdin_sha256;
        start.fs_sha256 = rec.fs_sha256;
        start.max_file_bytes = rec.max_file_bytes;
        start.max_fs_bytes = rec.max_fs_bytes;
    }
    let mut writer = SpoolWriter::new(TRACE_MEMORY_BYTES);
    writer.push(&Event::Start(Box::new(start.clone())));
    let shared = Arc::new(Mutex::new(Shared {
        writer,
        start,
        cursor: replay.map(|replay| Cursor {
            verifier: super::verify::Verifier::new(&replay.start),
            replay,
            next: 0,
            stopped: false,
        }),
        inner,
        answered: None,
        final_gas_limit: None,
    }));
    (Box::new(Recorder(Arc::clone(&shared))), RunTrace(shared))
}

/// Continues recording a suspended run's trace (`RunTrace::suspend`'s bytes): checks
/// the header and every frame (each decodes; a start event first, then only host calls
/// and checkpoints), recomputes the chain and count, and returns the recorder to
/// install and its handle.
///
/// # Errors
/// A message naming what is malformed.
pub(crate) fn resume(bytes: &[u8]) -> Result<(Box<dyn TraceHook>, RunTrace), String> {
    use super::codec::Dec;
    use super::event::{KIND_CHECKPOINT, KIND_HOST_CALL, KIND_START};
    use super::file::{chain_next, chain_start, MAGIC};
    let bad = |e: super::TraceError| format!("trace so far: {e}");
    let mut d = Dec::new(bytes, 0);
    if d.take(8, "magic").map_err(bad)? != MAGIC
        || d.u32("format version").map_err(bad)? != FORMAT_VERSION
    {
        return Err("trace so far: bad magic or format version".to_string());
    }
    let mut hash = chain_start(FORMAT_VERSION);
    let mut count = 0u64;
    let mut start = None;
    while !d.is_empty() {
        let kind = d.u8("event kind").map_err(bad)?;
        let len = d.count(1, "event payload").map_err(bad)?;
        let at = d.offset();
        let payload = d.take(len, "event payload").map_err(bad)?;
        let event = Event::decode(kind, payload, at).map_err(bad)?;
        match (count, kind, event) {
            (0, KIND_START, Event::Start(s)) => start = Some(*s),
            (1.., KIND_HOST_CALL | KIND_CHECKPOINT, _) => {}
            _ => return Err(format!("trace so far: event {count} out of place")),
        }
        hash = chain_next(&hash, kind, payload);
        count += 1;
    }
    let start = start.ok_or("trace so far: no start event")?;
    let writer = SpoolWriter::resumed(bytes, count, hash, TRACE_MEMORY_BYTES);
    let shared = Arc::new(Mutex::new(Shared {
        writer,
        start,
        cursor: None,
        inner: None,
        answered: None,
        final_gas_limit: None,
    }));
    Ok((Box::new(Recorder(Arc::clone(&shared))), RunTrace(shared)))
}

/// What [`RunTrace::finish`] gives back: the trace, the inner hook, and for a replay
/// the first recorded answer that contradicts the recorded inputs.
pub(crate) type Finish = (SpooledTrace, Option<Box<dyn TraceHook>>, Option<String>);

/// What a finished run hands to [`RunTrace::finish`].
pub(crate) struct Finished<'a> {
    pub store: &'a StoreInner,
    pub instance: Option<InstanceAddr>,
    /// The `proc_exit` status, when the run ended by exiting.
    pub exit_status: Option<i32>,
    pub trap: Option<&'a Trap>,
    pub results: &'a [Value],
    /// SHA-256 of everything written to stdout (`Wasi::output_sha256`).
    pub stdout_sha256: Digest32,
    /// SHA-256 of everything written to stderr.
    pub stderr_sha256: Digest32,
    pub preopens: &'a [Preopen],
    /// Length, in bytes, and SHA-256 of every stdin byte the host held
    /// (`Wasi::finish_stdin`).
    pub stdin: (u64, Digest32),
}

impl RunTrace {
    /// The trace so far, for a suspended run: the file's header and frames (no
    /// trailer), which [`resume`] continues.
    ///
    /// # Errors
    /// `Error::Internal` for a poisoned recorder; `Error::Spool` for an I/O error of
    /// the trace's temporary file; `Error::Snapshot` while replaying.
    pub(crate) fn suspend(&self) -> Result<Vec<u8>, crate::Error> {
        let mut s = self
            .0
            .lock()
            .map_err(|_| crate::Error::Internal("trace recorder poisoned"))?;
        if s.cursor.is_some() {
            return Err(crate::Error::Snapshot(
                "a replay cannot be suspended".to_string(),
            ));
        }
        Ok(s.writer.bytes_so_far().map_err(spool_error)?.0)
    }

    /// Makes the start event record `gas_limit` (the sum of a suspended run's
    /// slices), patched in at [`RunTrace::finish`].
    pub(crate) fn set_gas_limit(&self, gas_limit: u64) {
        if let Ok(mut s) = self.0.lock() {
            s.final_gas_limit = Some(gas_limit);
        }
    }

    /// Appends the end event and returns the trace, the inner hook and, for a replay,
    /// the first recorded answer that contradicts the recorded inputs
    /// (`verify::Verifier`).
    ///
    /// # Errors
    /// `Error::Internal` when the recorder's state was poisoned by a panic;
    /// `Error::Spool` when the trace's temporary file failed (written, patched or
    /// read back).
    pub(crate) fn finish(self, f: &Finished<'_>) -> Result<Finish, crate::Error> {
        let inst = digest::run_instance(f.store, f.instance);
        let funcs = FuncIndex::new(f.store, inst);
        let lookup = |a| funcs.get(a);
        let outcome = match (f.trap, f.exit_status) {
            (Some(t), _) => Outcome::Trap {
                code: t.code(),
                func: t.func().and_then(|a| funcs.get(a)).unwrap_or(u32::MAX),
                offset: f.store.trap_offset(t).unwrap_or(u32::MAX),
            },
            (None, Some(status)) => Outcome::Exit(status),
            (None, None) => Outcome::Returned(
                f.results
                    .iter()
                    .map(|v| TraceValue::from_value(v, &lookup))
                    .collect(),
            ),
        };
        let (memory_sha256, globals_sha256, tables_sha256) =
            digest::state_digests(f.store, inst, &funcs);
        let mut end = EndEvent {
            outcome,
            gas_used: f.store.gas_used(),
            memory_sha256,
            globals_sha256,
            tables_sha256,
            fs_sha256: digest::tree_digest(
                f.preopens.iter().map(|p| (p.guest_path.as_str(), &p.tree)),
            ),
            stdout_sha256: f.stdout_sha256,
            stderr_sha256: f.stderr_sha256,
        };
        let shared = Arc::try_unwrap(self.0)
            .map_err(|_| crate::Error::Internal("trace recorder still shared"))?
            .into_inner()
            .map_err(|_| crate::Error::Internal("trace recorder poisoned"))?;
        let mut writer = shared.writer;
        let (stdin_len, stdin_sha256) = f.stdin;
        let gas_limit = shared.final_gas_limit.unwrap_or(shared.start.gas_limit);
        if shared.cursor.is_none()
            && (stdin_len != shared.start.stdin_len || gas_limit != shared.start.gas_limit)
        {
            // Bytes were taken from a stdin stream: the start event records every
            // stdin byte the host held (SPEC.md §Trace events), known only now; a
            // suspended run's gas limit is the sum of its slices, known only now.
            let mut start = shared.start;
            start.stdin_len = stdin_len;
            start.stdin_sha256 = stdin_sha256;
            start.gas_limit = gas_limit;
            writer
                .replace_first(&Event::Start(Box::new(start)))
                .map_err(spool_error)?;
        }
        let mut contradiction = None;
        if let Some(c) = shared.cursor {
            // The host's side of the final state comes from the recording: a replay
            // has no file system or streams of its own.
            end.fs_sha256 = c.replay.end.fs_sha256;
            end.stdout_sha256 = c.replay.end.stdout_sha256;
            end.stderr_sha256 = c.replay.end.stderr_sha256;
            contradiction = c.verifier.finish(&c.replay.end);
        }
        writer.push(&Event::End(end));
        let trace = writer.finish().map_err(spool_error)?;
        Ok((trace, shared.inner, contradiction))
    }
}

/// The run's error for an I/O failure of the trace's temporary file.
fn spool_error(e: std::io::Error) -> crate::Error {
    crate::Error::Spool(format!("cannot keep the trace in a temporary file: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The trace so far of a run that recorded only its start event.
    fn started() -> Vec<u8> {
        let start = start_event(
            b"\0asm\x01\0\0\0",
            &Config::default(),
            &WasiConfig::default(),
            "_start",
            &[],
        );
        let (_hook, handle) = begin(start, None, None);
        handle.suspend().unwrap()
    }

    #[test]
    fn a_suspended_trace_resumes_and_forged_ones_are_refused() {
        let bytes = started();
        let (_hook, handle) = resume(&bytes).unwrap();
        assert_eq!(handle.suspend().unwrap(), bytes);
        // Every truncation inside the start event, a flipped kind, a second start
        // event, garbage: refused, never a panic.
        for cut in 0..bytes.len() {
            if cut != bytes.len() {
                assert!(resume(&bytes[..cut]).is_err(), "cut {cut}");
            }
        }
        let mut flipped = bytes.clone();
        flipped[12] = 3;
        assert!(resume(&flipped).is_err());
        let mut twice = bytes.clone();
        twice.extend_from_slice(&bytes[12..]);
        assert!(resume(&twice).is_err());
        assert!(resume(b"dwtrace\0\x01\0\0\0\xff\xff").is_err());
        assert!(resume(b"").is_err());
    }
}
