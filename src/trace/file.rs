//! The trace file and the hash chain (SPEC.md §Trace, file and chain): magic, format
//! version, framed events, trailer with the event count and the trace hash.
//! [`TraceWriter`] appends events as a run makes them, hashing as it goes; [`Trace`]
//! holds a finished file; [`read_events`] checks a file completely (framing, chain,
//! count, structure) before handing out its events. Reading is O(file size) in time
//! and never allocates more than the file's size. Depends on `codec`, `event`, sha2.

use sha2::{Digest, Sha256};

use super::codec::{Dec, Digest32, Enc};
use super::error::TraceError;
use super::event::{Event, HostCallEvent, HostCallRef, KIND_END, KIND_HOST_CALL, KIND_START};

/// The trace format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 2;

/// The first 8 bytes of every trace file.
pub const MAGIC: [u8; 8] = *b"dwtrace\0";

/// The domain tag hashed with the version into the chain's first value.
pub const DOMAIN_TAG: &[u8] = b"detwasm/trace";

/// Kind byte that starts the trailer instead of an event.
const TRAILER: u8 = 0;

/// h0 = SHA-256(domain tag || version as u32 LE).
pub fn chain_start(version: u32) -> Digest32 {
    let mut h = Sha256::new();
    h.update(DOMAIN_TAG);
    h.update(version.to_le_bytes());
    h.finalize().into()
}

/// h(i+1) = SHA-256(h(i) || frame of event i), the frame being kind (u8), payload
/// length (u64 LE) and payload.
pub fn chain_next(h: &Digest32, kind: u8, payload: &[u8]) -> Digest32 {
    let mut s = Sha256::new();
    s.update(h);
    s.update([kind]);
    s.update((payload.len() as u64).to_le_bytes());
    s.update(payload);
    s.finalize().into()
}

/// Lowercase hex of a digest.
pub fn hex32(d: &Digest32) -> String {
    hex::encode(d)
}

/// Builds a trace file event by event.
#[derive(Debug)]
pub struct TraceWriter {
    buf: Vec<u8>,
    hash: Digest32,
    count: u64,
    scratch: Enc,
}

impl Default for TraceWriter {
    fn default() -> Self {
        TraceWriter::new()
    }
}

impl TraceWriter {
    /// A file with its header and no events.
    pub fn new() -> TraceWriter {
        let mut buf = Vec::with_capacity(4096);
        buf.extend_from_slice(&MAGIC);
        buf.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        TraceWriter {
            buf,
            hash: chain_start(FORMAT_VERSION),
            count: 0,
            scratch: Enc::default(),
        }
    }

    fn frame(&mut self, kind: u8) {
        let payload = &self.scratch.buf;
        self.hash = chain_next(&self.hash, kind, payload);
        self.buf.push(kind);
        self.buf
            .extend_from_slice(&(payload.len() as u64).to_le_bytes());
        self.buf.extend_from_slice(payload);
        self.count += 1;
        self.scratch.buf.clear();
    }

    /// Appends an event.
    pub fn push(&mut self, event: &Event) {
        self.scratch.buf.clear();
        let payload = event.payload();
        self.scratch.buf.extend_from_slice(&payload);
        self.frame(event.kind());
    }

    /// Appends a host call event (without building an [`Event`]).
    pub fn push_host_call(&mut self, call: &HostCallEvent) {
        self.scratch.buf.clear();
        call.encode(&mut self.scratch);
        self.frame(KIND_HOST_CALL);
    }

    /// Appends a host call event from borrowed fields.
    pub(crate) fn push_host_call_ref<A, R>(&mut self, call: HostCallRef<'_, A, R>)
    where
        A: ExactSizeIterator<Item = super::event::TraceValue>,
        R: ExactSizeIterator<Item = super::event::TraceValue>,
    {
        self.scratch.buf.clear();
        call.encode(&mut self.scratch);
        self.frame(KIND_HOST_CALL);
    }

    /// This file with its first event replaced by `event` and the chain recomputed,
    /// for a start event whose stdin fields are known only at the end of the run (a
    /// stdin stream, SPEC.md §Host stdio). O(file size).
    pub(crate) fn replace_first(self, event: &Event) -> TraceWriter {
        let mut out = TraceWriter::new();
        out.push(event);
        let mut at = MAGIC.len() + 4;
        let mut index = 0u64;
        while let Some(&kind) = self.buf.get(at) {
            let Some(len) = self
                .buf
                .get(at + 1..at + 9)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .and_then(|b| usize::try_from(u64::from_le_bytes(b)).ok())
            else {
                break;
            };
            let Some(payload) = self.buf.get(at + 9..at + 9 + len) else {
                break;
            };
            if index > 0 {
                out.scratch.buf.extend_from_slice(payload);
                out.frame(kind);
            }
            index += 1;
            at += 9 + len;
        }
        out
    }

    /// Events so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The chain value so far.
    pub fn hash(&self) -> Digest32 {
        self.hash
    }

    /// Appends the trailer and returns the finished trace.
    pub fn finish(mut self) -> Trace {
        self.buf.push(TRAILER);
        self.buf.extend_from_slice(&self.count.to_le_bytes());
        self.buf.extend_from_slice(&self.hash);
        Trace {
            bytes: self.buf,
            hash: self.hash,
            events: self.count,
        }
    }
}

/// A finished trace file: its bytes, hash and event count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    bytes: Vec<u8>,
    hash: Digest32,
    events: u64,
}

impl Trace {
    /// The trace hash (the last chain value).
    pub fn hash(&self) -> Digest32 {
        self.hash
    }

    /// The trace hash as lowercase hex.
    pub fn hash_hex(&self) -> String {
        hex32(&self.hash)
    }

    /// Number of events.
    pub fn event_count(&self) -> u64 {
        self.events
    }

    /// The file bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The file bytes, owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// Reads and checks a trace file.
    ///
    /// # Errors
    /// Every [`TraceError`] of [`read_events`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Trace, TraceError> {
        let read = read_events(bytes)?;
        Ok(Trace {
            bytes: bytes.to_vec(),
            hash: read.hash,
            events: read.events.len() as u64,
        })
    }

    /// The events of the trace.
    ///
    /// # Errors
    /// As [`Trace::from_bytes`] (never for a trace this build wrote).
    pub fn events(&self) -> Result<Vec<Event>, TraceError> {
        Ok(read_events(&self.bytes)?.events)
    }

    /// The trace made of `events`, encoded canonically (for tools and tests that
    /// build or edit traces).
    pub fn from_events(events: &[Event]) -> Trace {
        let mut w = TraceWriter::new();
        for e in events {
            w.push(e);
        }
        w.finish()
    }
}

/// A checked trace file.
#[derive(Clone, Debug)]
pub struct ReadTrace {
    /// The events, in order.
    pub events: Vec<Event>,
    /// The chain value after each event (`chain[i]` = h(i+1)).
    pub chain: Vec<Digest32>,
    /// The trace hash.
    pub hash: Digest32,
}

/// Reads a trace file completely: header, every frame, trailer; checks the chain
/// against the recorded hash, the count, and the event structure (one start event
/// first, one end event last), then decodes every event.
///
/// # Errors
/// `BadMagic`, `UnsupportedVersion`, `Truncated` (the file or an event ends early),
/// `TrailingBytes`, `CountMismatch`, `HashMismatch`, `Malformed` (a payload that does
/// not decode), `Structure`.
pub fn read_events(bytes: &[u8]) -> Result<ReadTrace, TraceError> {
    let mut d = Dec::new(bytes, 0);
    if d.take(8, "magic")? != MAGIC {
        return Err(TraceError::BadMagic);
    }
    let version = d.u32("format version")?;
    if version != FORMAT_VERSION {
        return Err(TraceError::UnsupportedVersion {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    let mut hash = chain_start(version);
    let mut frames: Vec<(u8, &[u8], u64)> = Vec::new();
    let mut chain = Vec::new();
    let (recorded_count, recorded_hash) = loop {
        let kind = d.u8("event kind or trailer")?;
        if kind == TRAILER {
            let count = d.u64("trailer event count")?;
            let h = d.digest("trailer trace hash")?;
            break (count, h);
        }
        let len = d.count(1, "event payload")?;
        let at = d.offset();
        let payload = d.take(len, "event payload")?;
        hash = chain_next(&hash, kind, payload);
        chain.push(hash);
        frames.push((kind, payload, at));
    };
    if !d.is_empty() {
        return Err(TraceError::TrailingBytes {
            offset: d.offset(),
            count: d.remaining() as u64,
        });
    }
    if recorded_count != frames.len() as u64 {
        return Err(TraceError::CountMismatch {
            recorded: recorded_count,
            actual: frames.len() as u64,
        });
    }
    if recorded_hash != hash {
        return Err(TraceError::HashMismatch {
            recorded: hex32(&recorded_hash),
            computed: hex32(&hash),
        });
    }
    check_structure(&frames)?;
    let mut events = Vec::with_capacity(frames.len());
    for (kind, payload, at) in frames {
        events.push(Event::decode(kind, payload, at)?);
    }
    if let Some(Event::Start(s)) = events.first() {
        if s.format_version != version {
            return Err(TraceError::Structure(format!(
                "the start event says format version {} but the header says {version}",
                s.format_version
            )));
        }
        if s.checkpoint_interval == 0 {
            if let Some(i) = events
                .iter()
                .position(|e| matches!(e, Event::Checkpoint(_)))
            {
                return Err(TraceError::Structure(format!(
                    "event {i} is a checkpoint, but the start event's checkpoint interval is 0"
                )));
            }
        }
    }
    Ok(ReadTrace {
        events,
        chain,
        hash,
    })
}

fn check_structure(frames: &[(u8, &[u8], u64)]) -> Result<(), TraceError> {
    let n = frames.len();
    for (i, (kind, _, _)) in frames.iter().enumerate() {
        let ok = match *kind {
            KIND_START => i == 0,
            KIND_END => i + 1 == n,
            _ => i != 0 && i + 1 != n,
        };
        if !ok {
            return Err(TraceError::Structure(format!(
                "event {i} has kind {} ({}); a trace is one start event, then host calls, then one end event",
                kind,
                super::event::kind_name(*kind)
            )));
        }
    }
    if n < 2 {
        return Err(TraceError::Structure(format!(
            "{n} events; a trace has at least a start and an end event"
        )));
    }
    Ok(())
}
