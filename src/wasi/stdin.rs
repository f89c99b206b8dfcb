//! fd 0 (SPEC.md §Host stdio): the configured stdin bytes, then, when the embedder
//! installs one, a stream read as the guest reads it (the CLI's inherited stdin), then
//! end of file.
//!
//! A read of n bytes returns n bytes, or every byte left before the end of the stream:
//! the host reads the stream until it has them (a pipe's short reads never reach the
//! guest), so the bytes the guest sees depend only on the stream's contents. An
//! interactive stream (a terminal) is the exception: a read returns the bytes already
//! held, or what one read of the stream gives, as a terminal program expects. Every
//! byte taken from the stream is counted and hashed as it is taken, so the run's trace
//! can record the stdin the host held (SPEC.md §Trace, start event) while consumed
//! bytes are dropped: memory stays bounded by what the guest asked for and has not
//! consumed. Depends on std and sha2.

use std::fmt;
use std::io::Read;

use crate::sha256::Sha256State;

/// The most bytes taken from the stream by one read of it, in bytes.
const CHUNK_BYTES: usize = 64 * 1024;

/// A stream that continues stdin after [`super::WasiConfig::stdin`]'s bytes: the
/// embedder's (or the CLI's inherited) stdin, read only as the guest asks for bytes.
pub struct StdinStream {
    reader: Box<dyn Read + Send>,
    interactive: bool,
}

impl StdinStream {
    /// A stream read through `reader`. With `interactive` (a terminal), a guest read
    /// returns the bytes held and not yet read, or, with none, returns after one read
    /// of `reader` that gives at least one byte; otherwise the
    /// host reads until the guest's request is filled or `reader` ends. A read error
    /// other than `Interrupted` ends the stream.
    pub fn new(reader: Box<dyn Read + Send>, interactive: bool) -> StdinStream {
        StdinStream {
            reader,
            interactive,
        }
    }
}

impl fmt::Debug for StdinStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StdinStream")
            .field("interactive", &self.interactive)
            .finish_non_exhaustive()
    }
}

/// Consumed bytes are dropped from the buffer once at least this many have
/// accumulated and they are at least half of it (amortized O(1) per byte).
const COMPACT_BYTES: usize = 64 * 1024;

/// The state of fd 0 during a run.
#[derive(Debug, Default)]
pub(crate) struct Stdin {
    /// The bytes not yet dropped: from a point at or before the guest's position, to
    /// the last byte held.
    held: Vec<u8>,
    /// Bytes of `held` the guest has consumed.
    pos: usize,
    /// The stream after the configured bytes, until it ends.
    stream: Option<StdinStream>,
    /// Every byte the host held so far (the configured ones, then those taken from
    /// the stream): count and running SHA-256.
    total: u64,
    hasher: Sha256State,
}

impl Stdin {
    /// Stdin holding `bytes`, then end of file.
    pub(crate) fn new(bytes: Vec<u8>) -> Stdin {
        let mut hasher = Sha256State::new();
        hasher.update(&bytes);
        Stdin {
            total: bytes.len() as u64,
            held: bytes,
            pos: 0,
            stream: None,
            hasher,
        }
    }

    /// A suspended run's stdin (`save`'s parts): `unread` held and not yet consumed,
    /// `hasher` over every byte held so far; no stream until one is set.
    pub(crate) fn resumed(unread: Vec<u8>, hasher: Sha256State) -> Stdin {
        Stdin {
            total: hasher.len_bytes(),
            held: unread,
            pos: 0,
            stream: None,
            hasher,
        }
    }

    /// The bytes held and not yet consumed, whether the stream has not ended, and the
    /// running hash of every byte held.
    pub(crate) fn save(&self) -> (Vec<u8>, bool, Sha256State) {
        (
            self.held[self.pos..].to_vec(),
            self.stream.is_some(),
            self.hasher.clone(),
        )
    }

    /// Continues stdin with `stream` after the configured bytes.
    pub(crate) fn set_stream(&mut self, stream: Option<StdinStream>) {
        self.stream = stream;
    }

    /// Makes at least `want` bytes available to the guest, or every byte left before
    /// the end of the stream (interactive: at least one, when `want` > 0).
    pub(crate) fn fill(&mut self, want: u64) {
        let Some(stream) = self.stream.as_mut() else {
            return;
        };
        if stream.interactive && self.held.len() > self.pos {
            // A terminal read returns what is held before reading the terminal again:
            // an `fd_read` run again after an out-of-gas stop (SPEC.md §Gas,
            // resumption) sees exactly the bytes its first run took.
            return;
        }
        let mut chunk = Vec::new();
        while ((self.held.len() - self.pos) as u64) < want {
            let missing = want - (self.held.len() - self.pos) as u64;
            let len = usize::try_from(missing)
                .unwrap_or(CHUNK_BYTES)
                .min(CHUNK_BYTES);
            chunk.resize(len, 0);
            match stream.reader.read(&mut chunk) {
                Ok(0) => {
                    self.stream = None;
                    return;
                }
                Ok(n) => {
                    let taken = &chunk[..n.min(len)];
                    self.hasher.update(taken);
                    self.total += taken.len() as u64;
                    self.held.extend_from_slice(taken);
                    if stream.interactive {
                        return;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => {
                    self.stream = None;
                    return;
                }
            }
        }
    }

    /// The bytes available to the guest without reading the stream.
    pub(crate) fn available(&self) -> &[u8] {
        &self.held[self.pos..]
    }

    /// Marks `n` available bytes consumed.
    pub(crate) fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.held.len());
        if self.pos >= COMPACT_BYTES && self.pos * 2 >= self.held.len() {
            self.held.drain(..self.pos);
            self.pos = 0;
        }
    }

    /// The length, in bytes, and SHA-256 of every byte the host held (the configured
    /// bytes and those taken from the stream), leaving stdin at its end.
    pub(crate) fn finish_held(&mut self) -> (u64, [u8; 32]) {
        self.pos = 0;
        self.stream = None;
        self.held = Vec::new();
        (self.total, self.hasher.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn held_of(bytes: &[u8]) -> (u64, [u8; 32]) {
        (bytes.len() as u64, Sha256::digest(bytes).into())
    }

    #[test]
    fn consumed_bytes_are_dropped_and_still_hashed() {
        // 1 MiB through a stream, read 1000 bytes at a time: the buffer never holds
        // much more than the compaction threshold.
        let data: Vec<u8> = (0..1_048_576u32).map(|i| (i % 251) as u8).collect();
        let mut s = Stdin::new(b"ab".to_vec());
        s.set_stream(Some(StdinStream::new(
            Box::new(std::io::Cursor::new(data.clone())),
            false,
        )));
        let mut seen = Vec::new();
        loop {
            s.fill(1000);
            let n = s.available().len().min(1000);
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&s.available()[..n]);
            s.consume(n);
            assert!(s.held.len() <= 2 * COMPACT_BYTES + 1000, "{}", s.held.len());
        }
        let mut all = b"ab".to_vec();
        all.extend_from_slice(&data);
        assert_eq!(seen, all);
        assert_eq!(s.finish_held(), held_of(&all));
    }

    /// A reader that gives at most `step` bytes per read, like a pipe.
    struct Trickle {
        data: Vec<u8>,
        at: usize,
        step: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.step).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn trickle(data: &[u8], step: usize, interactive: bool) -> Stdin {
        let mut s = Stdin::new(b"ab".to_vec());
        s.set_stream(Some(StdinStream::new(
            Box::new(Trickle {
                data: data.to_vec(),
                at: 0,
                step,
            }),
            interactive,
        )));
        s
    }

    #[test]
    fn reads_are_filled_whatever_the_stream_gives_per_read() {
        for step in [1, 3, 1000] {
            let mut s = trickle(b"cdefghij", step, false);
            s.fill(5);
            assert_eq!(s.available(), b"abcde", "step {step}");
            s.consume(4);
            s.fill(100);
            assert_eq!(s.available(), b"efghij");
            s.consume(6);
            s.fill(1);
            assert_eq!(s.available(), b"");
            assert_eq!(s.finish_held(), held_of(b"abcdefghij"));
            assert_eq!(s.available(), b"");
        }
    }

    #[test]
    fn interactive_reads_return_after_one_read() {
        let mut s = trickle(b"cdefghij", 3, true);
        s.consume(2);
        s.fill(100);
        assert_eq!(s.available(), b"cde");
        s.fill(0);
        assert_eq!(s.available(), b"cde");
    }

    #[test]
    fn interactive_reads_return_what_is_held_before_reading_again() {
        let mut s = trickle(b"cdefghij", 3, true);
        s.fill(100);
        assert_eq!(s.available(), b"ab");
        // The same read again (after an out-of-gas stop) takes nothing more.
        s.fill(100);
        assert_eq!(s.available(), b"ab");
        s.consume(1);
        s.fill(100);
        assert_eq!(s.available(), b"b");
        s.consume(1);
        s.fill(100);
        assert_eq!(s.available(), b"cde");
    }
}
