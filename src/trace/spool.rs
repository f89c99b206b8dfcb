//! Where a run's trace bytes are kept while it runs and after it (SPEC.md §Trace):
//! in memory up to [`TRACE_MEMORY_BYTES`], then in an anonymous temporary file, so a
//! run's host memory does not grow with the number of host calls it makes.
//!
//! The temporary file is created in `std::env::temp_dir()` under a fresh name and
//! removed from the directory as soon as it is open (where the platform refuses that,
//! when the spool is dropped), so nothing is left behind. Nothing about it is
//! observable: its name, place and timing never reach a trace or a result, and an I/O
//! failure is an error of the run ([`crate::Error::Spool`]), never a panic.
//! The start event's rewrite at the end of a run (stdin taken from a stream) patches
//! that fixed-size record in place, and [`rechain`] recomputes the hash chain by
//! streaming the frames. Depends on `file` (the chain) and std.

use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use super::codec::Digest32;
use super::file::{chain_start, hex32, Trace, FORMAT_VERSION, MAGIC};

/// The most trace bytes a run keeps in memory, in bytes; beyond them the whole trace
/// moves to a temporary file.
pub const TRACE_MEMORY_BYTES: usize = 4 * 1024 * 1024;

/// Buffer size of file writes and reads, in bytes.
const IO_BUF_BYTES: usize = 64 * 1024;

/// How many fresh names are tried before creating the temporary file gives up.
const NAME_ATTEMPTS: u32 = 16;

/// An anonymous temporary file: removed from its directory once open, or on drop
/// where the platform refuses to remove an open file.
#[derive(Debug)]
pub(crate) struct TempFile {
    file: BufWriter<File>,
    // NOTE: declared after `file`, so the file is closed before the guard removes it.
    _leftover: RemoveOnDrop,
}

/// Removes a path on drop (`None`: nothing to remove).
#[derive(Debug)]
struct RemoveOnDrop(Option<PathBuf>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl TempFile {
    /// Creates a file no other process has opened (`create_new`), in the temporary
    /// directory, under a name made of the process id and a counter.
    fn create() -> io::Result<TempFile> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir();
        let mut last = None;
        for _ in 0..NAME_ATTEMPTS {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!("detwasm-trace-{}-{n}.tmp", std::process::id()));
            match OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(file) => {
                    let leftover = std::fs::remove_file(&path).err().map(|_| path);
                    return Ok(TempFile {
                        file: BufWriter::with_capacity(IO_BUF_BYTES, file),
                        _leftover: RemoveOnDrop(leftover),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| io::Error::other("no fresh temporary file name")))
    }

    /// The file, flushed, positioned at `at`.
    fn seek(&mut self, at: u64) -> io::Result<&mut File> {
        self.file.flush()?;
        let f = self.file.get_mut();
        f.seek(SeekFrom::Start(at))?;
        Ok(f)
    }
}

/// Trace bytes in memory up to a limit, then in a temporary file. Writes never fail
/// on the spot: the first I/O error is kept, later writes are dropped, and
/// [`Spool::check`] (called by every finishing step) reports it.
#[derive(Debug)]
pub(crate) struct Spool {
    memory: Vec<u8>,
    file: Option<TempFile>,
    len_bytes: u64,
    max_memory_bytes: usize,
    error: Option<io::Error>,
}

impl Spool {
    /// A spool keeping at most `max_memory_bytes` in memory.
    pub(crate) fn new(max_memory_bytes: usize) -> Spool {
        Spool {
            memory: Vec::with_capacity(max_memory_bytes.min(4096)),
            file: None,
            len_bytes: 0,
            max_memory_bytes,
            error: None,
        }
    }

    /// Appends `bytes`, moving everything to the temporary file when the memory limit
    /// would be passed.
    pub(crate) fn put(&mut self, bytes: &[u8]) {
        if self.error.is_some() {
            return;
        }
        self.len_bytes += bytes.len() as u64;
        if self.file.is_none() {
            if self.memory.len().saturating_add(bytes.len()) <= self.max_memory_bytes {
                self.memory.extend_from_slice(bytes);
                return;
            }
            match TempFile::create().and_then(|mut t| {
                t.file.write_all(&self.memory)?;
                Ok(t)
            }) {
                Ok(t) => {
                    self.file = Some(t);
                    self.memory = Vec::new();
                }
                Err(e) => {
                    self.error = Some(e);
                    return;
                }
            }
        }
        if let Some(t) = self.file.as_mut() {
            if let Err(e) = t.file.write_all(bytes) {
                self.error = Some(e);
            }
        }
    }

    /// The bytes written so far.
    pub(crate) fn len_bytes(&self) -> u64 {
        self.len_bytes
    }

    /// The first I/O error, if any happened.
    ///
    /// # Errors
    /// That error.
    pub(crate) fn check(&mut self) -> io::Result<()> {
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Overwrites `bytes.len()` bytes at offset `at` (which must lie inside what was
    /// written).
    ///
    /// # Errors
    /// The first I/O error so far, or one of this write; `InvalidInput` when the range
    /// is not inside the bytes written.
    pub(crate) fn patch(&mut self, at: u64, bytes: &[u8]) -> io::Result<()> {
        self.check()?;
        let end = at.checked_add(bytes.len() as u64);
        if end.is_none_or(|end| end > self.len_bytes) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "patch outside the spooled bytes",
            ));
        }
        match self.file.as_mut() {
            None => {
                let start = usize::try_from(at).map_err(io::Error::other)?;
                let slot = self
                    .memory
                    .get_mut(start..start + bytes.len())
                    .ok_or_else(|| io::Error::other("patch outside memory"))?;
                slot.copy_from_slice(bytes);
            }
            Some(t) => {
                let len = self.len_bytes;
                let f = t.seek(at)?;
                f.write_all(bytes)?;
                f.seek(SeekFrom::Start(len))?;
            }
        }
        Ok(())
    }

    /// Calls `f` with a reader over the bytes from offset `at` to the end, then puts
    /// the write position back at the end.
    ///
    /// # Errors
    /// The first I/O error so far, one of seeking, or `f`'s.
    pub(crate) fn read_from<T>(
        &mut self,
        at: u64,
        f: impl FnOnce(&mut dyn Read) -> io::Result<T>,
    ) -> io::Result<T> {
        self.check()?;
        match self.file.as_mut() {
            None => {
                let start = usize::try_from(at).map_err(io::Error::other)?;
                let mut rest = self.memory.get(start..).unwrap_or_default();
                f(&mut rest)
            }
            Some(t) => {
                let len = self.len_bytes;
                let file = t.seek(at)?;
                let out = f(&mut BufReader::with_capacity(IO_BUF_BYTES, &mut *file));
                file.seek(SeekFrom::Start(len))?;
                out
            }
        }
    }

    /// The finished bytes.
    ///
    /// # Errors
    /// The first I/O error so far, or one of flushing the file.
    pub(crate) fn finish(mut self) -> io::Result<SpoolBytes> {
        self.check()?;
        match self.file.take() {
            None => Ok(SpoolBytes::Memory(std::mem::take(&mut self.memory))),
            Some(mut t) => {
                t.file.flush()?;
                Ok(SpoolBytes::File(t))
            }
        }
    }
}

/// Where a finished spool's bytes are.
#[derive(Debug)]
pub(crate) enum SpoolBytes {
    Memory(Vec<u8>),
    File(TempFile),
}

/// Recomputes the hash chain (SPEC.md §Trace file and chain) of `frames` frames read
/// from `r`, streaming each payload. O(bytes read) time, O(1) memory.
///
/// # Errors
/// An I/O error of `r`, `UnexpectedEof` when `r` ends inside a frame.
pub(crate) fn rechain(r: &mut dyn Read, frames: u64) -> io::Result<Digest32> {
    let mut hash = chain_start(FORMAT_VERSION);
    let mut buf = vec![0u8; IO_BUF_BYTES];
    for _ in 0..frames {
        let mut head = [0u8; 9];
        r.read_exact(&mut head)?;
        let mut len = u64::from_le_bytes([
            head[1], head[2], head[3], head[4], head[5], head[6], head[7], head[8],
        ]);
        let mut s = Sha256::new();
        s.update(hash);
        s.update(head);
        while len > 0 {
            let n = usize::try_from(len).map_or(buf.len(), |l| l.min(buf.len()));
            let chunk = buf.get_mut(..n).unwrap_or_default();
            r.read_exact(chunk)?;
            s.update(&*chunk);
            len -= n as u64;
        }
        hash = s.finalize().into();
    }
    Ok(hash)
}

/// A run's finished trace (SPEC.md §Trace file and chain): its hash, event count and
/// file bytes, held in memory when they fit in [`TRACE_MEMORY_BYTES`] and otherwise in
/// an anonymous temporary file that disappears with this value.
///
/// Memory: at most [`TRACE_MEMORY_BYTES`] plus a 64 KiB buffer, whatever the trace's
/// size. [`SpooledTrace::write_to`] streams the bytes anywhere;
/// [`SpooledTrace::into_trace`] loads them into a [`Trace`] (for small traces and
/// tests: it needs memory for the whole file).
#[derive(Debug)]
pub struct SpooledTrace {
    bytes: SpoolBytes,
    len_bytes: u64,
    hash: Digest32,
    events: u64,
}

impl SpooledTrace {
    pub(crate) fn new(bytes: SpoolBytes, len_bytes: u64, hash: Digest32, events: u64) -> Self {
        SpooledTrace {
            bytes,
            len_bytes,
            hash,
            events,
        }
    }

    /// The trace hash (the last chain value).
    pub fn hash(&self) -> Digest32 {
        self.hash
    }

    /// The trace hash as 64 lowercase hex digits.
    pub fn hash_hex(&self) -> String {
        hex32(&self.hash)
    }

    /// Number of events (start, host calls, checkpoints, end).
    pub fn event_count(&self) -> u64 {
        self.events
    }

    /// Size of the trace file, in bytes (header, frames and trailer).
    pub fn len_bytes(&self) -> u64 {
        self.len_bytes
    }

    /// The file bytes when they are held in memory (`len_bytes() <=`
    /// [`TRACE_MEMORY_BYTES`]); `None` when they are in the temporary file.
    pub fn in_memory(&self) -> Option<&[u8]> {
        match &self.bytes {
            SpoolBytes::Memory(b) => Some(b),
            SpoolBytes::File(_) => None,
        }
    }

    /// Writes the file bytes to `out`, in order. O(`len_bytes()`) time, a 64 KiB
    /// buffer of memory.
    ///
    /// # Errors
    /// An I/O error reading the temporary file or writing `out`.
    pub fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        match &self.bytes {
            SpoolBytes::Memory(b) => out.write_all(b),
            SpoolBytes::File(t) => {
                // NOTE: `Spool::finish` flushed the buffer, so the file holds every byte.
                let mut file: &File = t.file.get_ref();
                file.seek(SeekFrom::Start(0))?;
                let copied = io::copy(&mut file.take(self.len_bytes), out)?;
                if copied != self.len_bytes {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the trace's temporary file is shorter than written",
                    ));
                }
                Ok(())
            }
        }
    }

    /// The trace in memory, as a [`Trace`] (its bytes, hash and event count).
    /// Needs memory for the whole file: meant for small traces, tests and tools.
    ///
    /// # Errors
    /// An I/O error reading the temporary file.
    pub fn into_trace(mut self) -> io::Result<Trace> {
        let bytes = match &mut self.bytes {
            SpoolBytes::Memory(b) => std::mem::take(b),
            SpoolBytes::File(_) => {
                let mut v = Vec::new();
                self.write_to(&mut v)?;
                v
            }
        };
        Ok(Trace::from_parts(bytes, self.hash, self.events))
    }
}

/// The offset of the first frame in a trace file: after the magic and the version.
pub(crate) const FIRST_FRAME: u64 = MAGIC.len() as u64 + 4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spills_past_the_limit_and_patches_in_place() {
        for limit in [0, 5, 1 << 20] {
            let mut s = Spool::new(limit);
            s.put(b"hello ");
            s.put(b"world");
            s.patch(0, b"J").unwrap();
            let rest = s
                .read_from(6, |r: &mut dyn Read| {
                    let mut v = Vec::new();
                    r.read_to_end(&mut v)?;
                    Ok(v)
                })
                .unwrap();
            assert_eq!(rest, b"world");
            s.put(b"!");
            assert_eq!(s.len_bytes(), 12);
            assert!(s.patch(10, b"xyz").is_err());
            let bytes = s.finish().unwrap();
            let spilled = matches!(bytes, SpoolBytes::File(_));
            assert_eq!(spilled, limit < 12, "limit {limit}");
            let t = SpooledTrace::new(bytes, 12, [0; 32], 0);
            assert_eq!(t.in_memory().is_none(), spilled);
            let mut out = Vec::new();
            t.write_to(&mut out).unwrap();
            assert_eq!(out, b"Jello world!");
            assert_eq!(t.into_trace().unwrap().as_bytes(), b"Jello world!");
        }
    }
}
