//! The trace file and the hash chain (SPEC.md §Trace, file and chain): magic, format
//! version, framed events, trailer with the event count and the trace hash.
//! [`TraceWriter`] appends events in memory, hashing as it goes, and `SpoolWriter`
//! does the same for a run, in a `spool` that moves to a temporary file past a size;
//! [`Trace`] holds a finished file in memory; [`read_events`] checks a file completely (framing, chain,
//! count, structure) before handing out its events. Reading is O(file size) in time
//! and never allocates more than the file's size. Depends on `codec`, `event`, sha2.

use sha2::{Digest, Sha256};

use super::codec::{Dec, Digest32, Enc};
use super::error::TraceError;
use super::event::{Event, HostCallEvent, HostCallRef, KIND_END, KIND_HOST_CALL, KIND_START};
use super::spool::{self, Spool, SpooledTrace};

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

/// Where a trace's frames go: a plain buffer ([`TraceWriter`]) or a spool
/// ([`SpoolWriter`]).
trait Out {
    fn put(&mut self, bytes: &[u8]);
}

impl Out for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl Out for Spool {
    fn put(&mut self, bytes: &[u8]) {
        Spool::put(self, bytes);
    }
}

/// The header, framed events and running chain of a trace file being written.
#[derive(Debug)]
struct Frames<O> {
    out: O,
    hash: Digest32,
    count: u64,
    scratch: Enc,
}

impl<O: Out> Frames<O> {
    fn new(mut out: O) -> Frames<O> {
        out.put(&MAGIC);
        out.put(&FORMAT_VERSION.to_le_bytes());
        Frames {
            out,
            hash: chain_start(FORMAT_VERSION),
            count: 0,
            scratch: Enc::default(),
        }
    }

    /// Frames the payload in `scratch` as an event of `kind`.
    fn frame(&mut self, kind: u8) {
        let payload = &self.scratch.buf;
        self.hash = chain_next(&self.hash, kind, payload);
        let mut head = [0u8; 9];
        head[0] = kind;
        head[1..].copy_from_slice(&(payload.len() as u64).to_le_bytes());
        self.out.put(&head);
        self.out.put(payload);
        self.count += 1;
        self.scratch.buf.clear();
    }

    fn push(&mut self, event: &Event) {
        self.scratch.buf.clear();
        let payload = event.payload();
        self.scratch.buf.extend_from_slice(&payload);
        self.frame(event.kind());
    }

    fn push_host_call(&mut self, call: &HostCallEvent) {
        self.scratch.buf.clear();
        call.encode(&mut self.scratch);
        self.frame(KIND_HOST_CALL);
    }

    fn push_host_call_ref<A, R>(&mut self, call: HostCallRef<'_, A, R>)
    where
        A: ExactSizeIterator<Item = super::event::TraceValue>,
        R: ExactSizeIterator<Item = super::event::TraceValue>,
    {
        self.scratch.buf.clear();
        call.encode(&mut self.scratch);
        self.frame(KIND_HOST_CALL);
    }

    /// The trailer: the marker, the event count, the trace hash.
    fn trailer(&mut self) {
        self.out.put(&[TRAILER]);
        self.out.put(&self.count.to_le_bytes());
        self.out.put(&self.hash);
    }
}

/// Builds a trace file event by event, in memory.
#[derive(Debug)]
pub struct TraceWriter(Frames<Vec<u8>>);

impl Default for TraceWriter {
    fn default() -> Self {
        TraceWriter::new()
    }
}

impl TraceWriter {
    /// A file with its header and no events.
    pub fn new() -> TraceWriter {
        TraceWriter(Frames::new(Vec::with_capacity(4096)))
    }

    /// Appends an event.
    pub fn push(&mut self, event: &Event) {
        self.0.push(event);
    }

    /// Appends a host call event (without building an [`Event`]).
    pub fn push_host_call(&mut self, call: &HostCallEvent) {
        self.0.push_host_call(call);
    }

    /// Events so far.
    pub fn count(&self) -> u64 {
        self.0.count
    }

    /// The chain value so far.
    pub fn hash(&self) -> Digest32 {
        self.0.hash
    }

    /// Appends the trailer and returns the finished trace.
    pub fn finish(mut self) -> Trace {
        self.0.trailer();
        Trace {
            bytes: self.0.out,
            hash: self.0.hash,
            events: self.0.count,
        }
    }
}

/// Builds a run's trace file event by event in a [`Spool`]: in memory up to
/// `TRACE_MEMORY_BYTES`, then in an anonymous temporary file. I/O errors are kept
/// and reported by [`SpoolWriter::replace_first`] and [`SpoolWriter::finish`].
#[derive(Debug)]
pub(crate) struct SpoolWriter(Frames<Spool>);

impl SpoolWriter {
    /// A file with its header and no events, keeping at most `max_memory_bytes` of it
    /// in memory.
    pub(crate) fn new(max_memory_bytes: usize) -> SpoolWriter {
        SpoolWriter(Frames::new(Spool::new(max_memory_bytes)))
    }

    /// Appends an event.
    pub(crate) fn push(&mut self, event: &Event) {
        self.0.push(event);
    }

    /// A writer continuing `bytes` (a header and `count` whole frames whose chain
    /// value is `hash`, as [`SpoolWriter::bytes_so_far`] gave them), keeping at most
    /// `max_memory_bytes` in memory.
    pub(crate) fn resumed(
        bytes: &[u8],
        count: u64,
        hash: Digest32,
        max_memory_bytes: usize,
    ) -> SpoolWriter {
        let mut out = Spool::new(max_memory_bytes);
        out.put(bytes);
        SpoolWriter(Frames {
            out,
            hash,
            count,
            scratch: Enc::default(),
        })
    }

    /// The file so far (header and frames, no trailer) and its event count.
    ///
    /// # Errors
    /// An I/O error of the spool.
    pub(crate) fn bytes_so_far(&mut self) -> std::io::Result<(Vec<u8>, u64)> {
        let bytes = self.0.out.read_from(0, |r| {
            let mut v = Vec::new();
            r.read_to_end(&mut v)?;
            Ok(v)
        })?;
        Ok((bytes, self.0.count))
    }

    /// Appends a host call event from borrowed fields.
    pub(crate) fn push_host_call_ref<A, R>(&mut self, call: HostCallRef<'_, A, R>)
    where
        A: ExactSizeIterator<Item = super::event::TraceValue>,
        R: ExactSizeIterator<Item = super::event::TraceValue>,
    {
        self.0.push_host_call_ref(call);
    }

    /// Replaces the first event, the start event, by `event` and recomputes the
    /// chain, for a start event whose stdin fields are known only at the end of the
    /// run (a stdin stream, SPEC.md §Host stdio). `event` must encode to as many bytes
    /// as the event it replaces (only the fixed-size `stdin_len` and `stdin_sha256`
    /// differ): the record is patched in place and the chain recomputed by streaming
    /// the frames. O(file size) time, O(1) memory.
    ///
    /// # Errors
    /// An I/O error of the spool so far or of this rewrite; `InvalidInput` when the
    /// new start event's size differs from the old one's.
    pub(crate) fn replace_first(&mut self, event: &Event) -> std::io::Result<()> {
        let payload = event.payload();
        let head_at = spool::FIRST_FRAME;
        let old_len = self.0.out.read_from(head_at, |r| {
            let mut head = [0u8; 9];
            r.read_exact(&mut head)?;
            let mut len = [0u8; 8];
            len.copy_from_slice(&head[1..]);
            Ok((head[0], u64::from_le_bytes(len)))
        })?;
        if old_len != (event.kind(), payload.len() as u64) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the new start event's size differs from the recorded one's",
            ));
        }
        self.0.out.patch(head_at + 9, &payload)?;
        let count = self.0.count;
        self.0.hash = self
            .0
            .out
            .read_from(head_at, |r| spool::rechain(r, count))?;
        Ok(())
    }

    /// Appends the trailer and returns the finished trace.
    ///
    /// # Errors
    /// The first I/O error of the spool.
    pub(crate) fn finish(mut self) -> std::io::Result<SpooledTrace> {
        self.0.trailer();
        let len_bytes = self.0.out.len_bytes();
        let (hash, count) = (self.0.hash, self.0.count);
        let bytes = self.0.out.finish()?;
        Ok(SpooledTrace::new(bytes, len_bytes, hash, count))
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

    /// A trace from the parts of a file this build wrote (not checked again).
    pub(crate) fn from_parts(bytes: Vec<u8>, hash: Digest32, events: u64) -> Trace {
        Trace {
            bytes,
            hash,
            events,
        }
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
