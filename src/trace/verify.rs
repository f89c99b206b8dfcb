//! What a replay checks beyond re-executing the wasm (SPEC.md §Trace replay): the
//! recorded host answers that the recorded inputs determine must be the ones those
//! inputs give. Checked: the start event's WASI inputs are ones a configuration
//! accepts; `random_get` bytes against the recorded seed's stream; `args_*` and
//! `environ_*` answers against the recorded arguments and environment; `clock_time_get`
//! answers against the clock rule (start, step, poll_oneoff only moving it forward);
//! the stdout and stderr digests against the data of every `fd_write` to them (read
//! from guest memory as the replay reaches the call); stdin reads against the start
//! event's stdin length and digest; and the host gas of each of these calls against
//! §Host gas. Answers that need the file system are taken from the trace unchecked. Depends on `event`, `digest`, `runtime`
//! (`Access` for canonical write runs), `wasi` (random stream, gas, clock constants).

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::codec::Digest32;
use super::event::{EndEvent, HostCallEvent, StartEvent};
use crate::runtime::Access;
use crate::value::ValType;
use crate::wasi::gas::{CALL_BASE, FILE_DATA_BYTE, GUEST_READ_BYTE, GUEST_WRITE_BYTE};
use crate::wasi::RandomStream;

/// Which stdio stream an fd still names.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Stream {
    Stdin,
    Stdout,
    Stderr,
}

/// The checks of one replay, fed every answered host call in order.
pub(crate) struct Verifier {
    start: StartEvent,
    random: RandomStream,
    /// Elapsed virtual time (ns) the next clock observation must show, or `None`
    /// after a `poll_oneoff`, which may move the clock by an amount the trace does not
    /// show (the next observation then only has to be later).
    next_elapsed: Option<u64>,
    /// The least elapsed time the next observation may show.
    min_elapsed: u64,
    streams: BTreeMap<u32, Stream>,
    stdout: Sha256,
    stderr: Sha256,
    /// The stdin bytes the guest was given, in order.
    stdin: Sha256,
    stdin_len: u64,
    failure: Option<String>,
}

fn u32_arg(ev: &HostCallEvent, i: usize) -> Option<u32> {
    ev.args
        .get(i)
        .filter(|v| v.ty == ValType::I32)
        .and_then(|v| u32::try_from(v.bits).ok())
}

/// Whether the recorded call returned errno 0 without a trap.
fn succeeded(ev: &HostCallEvent) -> bool {
    ev.trap.is_none() && ev.results.len() == 1 && ev.results[0].bits == 0
}

impl Verifier {
    /// The verifier of a replay of a recording that starts with `start`.
    pub(crate) fn new(start: &StartEvent) -> Verifier {
        let mut v = Verifier {
            start: start.clone(),
            random: RandomStream::new(start.seed),
            next_elapsed: Some(0),
            min_elapsed: 0,
            streams: BTreeMap::from([(0, Stream::Stdin), (1, Stream::Stdout), (2, Stream::Stderr)]),
            stdout: Sha256::new(),
            stderr: Sha256::new(),
            stdin: Sha256::new(),
            stdin_len: 0,
            failure: None,
        };
        v.check_start();
        v
    }

    fn fail(&mut self, message: String) {
        if self.failure.is_none() {
            self.failure = Some(message);
        }
    }

    /// The start event's WASI inputs must be ones `WasiConfig` accepts (§Host
    /// arguments and environment).
    fn check_start(&mut self) {
        let s = &self.start;
        let mut problem = None;
        if let Some(a) = s.args.iter().find(|a| a.contains('\0')) {
            problem = Some(format!("argument {a:?} contains NUL"));
        }
        for (name, value) in &s.env {
            if name.is_empty() || name.contains('=') || name.contains('\0') {
                problem = Some(format!(
                    "environment name {name:?} is empty or contains '=' or NUL"
                ));
            } else if value.contains('\0') {
                problem = Some(format!("environment value of {name} contains NUL"));
            }
        }
        if let Some(p) = problem {
            self.fail(format!("start event: {p}, which no run accepts"));
        }
    }

    /// Checks recorded call number `index`; `memory` is guest memory 0 as the replay
    /// reaches the call (before the recorded writes are applied).
    pub(crate) fn call(&mut self, index: usize, ev: &HostCallEvent, memory: Option<&[u8]>) {
        if self.failure.is_some() || ev.module != crate::wasi::WASI_MODULE {
            return;
        }
        let ok = succeeded(ev);
        let result = match ev.name.as_str() {
            "random_get" if ok => self.random_get(ev),
            "args_sizes_get" if ok => self.sizes(ev, &args_strings(&self.start)),
            "environ_sizes_get" if ok => self.sizes(ev, &env_strings(&self.start)),
            "args_get" if ok => self.strings(ev, &args_strings(&self.start)),
            "environ_get" if ok => self.strings(ev, &env_strings(&self.start)),
            "clock_time_get" if ok => self.clock(ev),
            "poll_oneoff" => {
                self.next_elapsed = None;
                Ok(())
            }
            "fd_write" if ok => self.fd_write(ev, memory),
            "fd_read" if ok => self.fd_read(ev, memory),
            "fd_close" if ok => {
                if let Some(fd) = u32_arg(ev, 0) {
                    self.streams.remove(&fd);
                }
                Ok(())
            }
            "fd_renumber" if ok => {
                if let (Some(from), Some(to)) = (u32_arg(ev, 0), u32_arg(ev, 1)) {
                    let moved = self.streams.remove(&from);
                    self.streams.remove(&to);
                    if let Some(s) = moved {
                        self.streams.insert(to, s);
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(message) = result {
            self.fail(format!("host call {index} ({}): {message}", ev.name));
        }
    }

    fn expect_writes(ev: &HostCallEvent, writes: Vec<(u32, Vec<u8>)>) -> Result<(), String> {
        let expected = Access {
            writes,
            reads: Vec::new(),
        }
        .canonical_writes();
        if ev.writes != expected {
            return Err("its memory writes are not what the recorded inputs give".into());
        }
        Ok(())
    }

    fn expect_gas(ev: &HostCallEvent, gas: u64) -> Result<(), String> {
        if ev.gas_charged != gas {
            return Err(format!(
                "it charged {} gas, §Host gas says {gas}",
                ev.gas_charged
            ));
        }
        Ok(())
    }

    fn random_get(&mut self, ev: &HostCallEvent) -> Result<(), String> {
        let (Some(buf), Some(len)) = (u32_arg(ev, 0), u32_arg(ev, 1)) else {
            return Err("bad arguments".into());
        };
        let mut bytes = vec![0u8; len as usize];
        self.random.fill(&mut bytes);
        Self::expect_writes(ev, vec![(buf, bytes)])
            .map_err(|_| "its bytes are not the recorded seed's random stream".to_string())?;
        Self::expect_gas(ev, CALL_BASE + GUEST_WRITE_BYTE * u64::from(len))
    }

    fn sizes(&mut self, ev: &HostCallEvent, strings: &[Vec<u8>]) -> Result<(), String> {
        let (Some(count_ptr), Some(size_ptr)) = (u32_arg(ev, 0), u32_arg(ev, 1)) else {
            return Err("bad arguments".into());
        };
        let size: usize = strings.iter().map(|s| s.len() + 1).sum();
        Self::expect_writes(
            ev,
            vec![
                (count_ptr, (strings.len() as u32).to_le_bytes().to_vec()),
                (size_ptr, (size as u32).to_le_bytes().to_vec()),
            ],
        )?;
        Self::expect_gas(ev, CALL_BASE + 8 * GUEST_WRITE_BYTE)
    }

    fn strings(&mut self, ev: &HostCallEvent, strings: &[Vec<u8>]) -> Result<(), String> {
        let (Some(ptrs), Some(buf)) = (u32_arg(ev, 0), u32_arg(ev, 1)) else {
            return Err("bad arguments".into());
        };
        // §Trace events, write order: each pointer, then its string with its NUL.
        let mut writes = Vec::new();
        let mut at = u64::from(buf);
        let mut total = 0u64;
        for (i, s) in strings.iter().enumerate() {
            let slot = u64::from(ptrs) + 4 * i as u64;
            let (Ok(slot), Ok(addr)) = (u32::try_from(slot), u32::try_from(at)) else {
                return Err("its pointers leave the address space".into());
            };
            writes.push((slot, addr.to_le_bytes().to_vec()));
            let mut with_nul = s.clone();
            with_nul.push(0);
            total += 4 + with_nul.len() as u64;
            at += with_nul.len() as u64;
            writes.push((addr, with_nul));
        }
        Self::expect_writes(ev, writes)?;
        Self::expect_gas(ev, CALL_BASE + total * GUEST_WRITE_BYTE)
    }

    fn clock(&mut self, ev: &HostCallEvent) -> Result<(), String> {
        let (Some(id), Some(out)) = (u32_arg(ev, 0), u32_arg(ev, 2)) else {
            return Err("bad arguments".into());
        };
        let value = match ev.writes.as_slice() {
            [(addr, data)] if *addr == out && data.len() == 8 => {
                let mut b = [0u8; 8];
                b.copy_from_slice(data);
                u64::from_le_bytes(b)
            }
            _ => return Err("it did not write one 8-byte value at its pointer".into()),
        };
        let elapsed = match id {
            0 | 1 => value.checked_sub(self.start.clock_start_ns),
            2 | 3 => Some(value),
            _ => None,
        }
        .ok_or_else(|| format!("clock {id} read {value}, before the recorded clock start"))?;
        let saturated = value == u64::MAX;
        match self.next_elapsed {
            Some(expected) if !saturated && elapsed != expected => {
                return Err(format!(
                    "clock {id} read {value}: the clock rule gives {expected} ns elapsed, not {elapsed}"
                ))
            }
            None if !saturated && elapsed < self.min_elapsed => {
                return Err(format!("clock {id} read {value}: the clock went back"));
            }
            _ => {}
        }
        let step = self.start.clock_step_ns;
        if saturated {
            // The value no longer shows the elapsed time: only a lower bound is left.
            self.next_elapsed = None;
        } else {
            self.next_elapsed = Some(elapsed.saturating_add(step));
            self.min_elapsed = elapsed.saturating_add(step);
        }
        Self::expect_gas(ev, CALL_BASE + 8 * GUEST_WRITE_BYTE)
    }

    fn fd_write(&mut self, ev: &HostCallEvent, memory: Option<&[u8]>) -> Result<(), String> {
        let (Some(fd), Some(iovs), Some(count)) = (u32_arg(ev, 0), u32_arg(ev, 1), u32_arg(ev, 2))
        else {
            return Err("bad arguments".into());
        };
        // Only fd_close and fd_renumber move the streams (both followed above); any
        // other fd is a file, whose data the file system answers cover.
        let Some(&stream) = self.streams.get(&fd).filter(|s| **s != Stream::Stdin) else {
            return Ok(());
        };
        let Some(mem) = memory else {
            return Err("it wrote to a stream without a memory".into());
        };
        let byte = |at: u64, len: u64| -> Option<&[u8]> {
            let start = usize::try_from(at).ok()?;
            let end = start.checked_add(usize::try_from(len).ok()?)?;
            mem.get(start..end)
        };
        let mut data = Vec::new();
        for i in 0..u64::from(count) {
            let entry = byte(u64::from(iovs) + 8 * i, 8)
                .ok_or_else(|| "its iovecs are outside memory".to_string())?;
            let buf = u32::from_le_bytes([entry[0], entry[1], entry[2], entry[3]]);
            let len = u32::from_le_bytes([entry[4], entry[5], entry[6], entry[7]]);
            let bytes = byte(u64::from(buf), u64::from(len))
                .ok_or_else(|| "its data is outside memory".to_string())?;
            data.extend_from_slice(bytes);
        }
        match stream {
            Stream::Stdout => self.stdout.update(&data),
            _ => self.stderr.update(&data),
        }
        let n = data.len() as u64;
        let gas = CALL_BASE
            + GUEST_READ_BYTE * (8 * u64::from(count) + n)
            + FILE_DATA_BYTE * n
            + 4 * GUEST_WRITE_BYTE;
        Self::expect_gas(ev, gas)
    }

    /// A read of stdin: the bytes it wrote into its iovecs (in iovec order, `nread` of
    /// them) continue the stdin the trace's start event describes.
    fn fd_read(&mut self, ev: &HostCallEvent, memory: Option<&[u8]>) -> Result<(), String> {
        let (Some(fd), Some(iovs), Some(count), Some(nread_ptr)) = (
            u32_arg(ev, 0),
            u32_arg(ev, 1),
            u32_arg(ev, 2),
            u32_arg(ev, 3),
        ) else {
            return Err("bad arguments".into());
        };
        if self.streams.get(&fd) != Some(&Stream::Stdin) {
            return Ok(());
        }
        let mem = memory.ok_or_else(|| "it read stdin without a memory".to_string())?;
        // The bytes as the recorded writes leave them.
        let written = |at: u64| -> Option<u8> {
            ev.writes.iter().find_map(|(addr, data)| {
                let off = at.checked_sub(u64::from(*addr))?;
                data.get(usize::try_from(off).ok()?).copied()
            })
        };
        let read_u32 = |at: u64, f: &dyn Fn(u64) -> Option<u8>| -> Option<u32> {
            let b = [f(at)?, f(at + 1)?, f(at + 2)?, f(at + 3)?];
            Some(u32::from_le_bytes(b))
        };
        let from_memory = |at: u64| -> Option<u8> { mem.get(usize::try_from(at).ok()?).copied() };
        let n = read_u32(u64::from(nread_ptr), &written)
            .ok_or_else(|| "it wrote no nread".to_string())?;
        let mut data = Vec::new();
        let mut spans: Vec<(u64, u64)> = Vec::new();
        for i in 0..u64::from(count) {
            let entry = u64::from(iovs) + 8 * i;
            let (Some(buf), Some(len)) = (
                read_u32(entry, &from_memory),
                read_u32(entry + 4, &from_memory),
            ) else {
                return Err("its iovecs are outside memory".into());
            };
            // Overlapping buffers: a later iovec's data hides an earlier one's.
            let span = (u64::from(buf), u64::from(buf) + u64::from(len));
            if spans.iter().any(|&(s, e)| span.0 < e && s < span.1) {
                return Ok(());
            }
            spans.push(span);
            for j in 0..u64::from(len) {
                if data.len() as u64 == u64::from(n) {
                    break;
                }
                let at = u64::from(buf) + j;
                // `nread` written over its own buffer hides the data there: unchecked.
                if at < u64::from(nread_ptr) + 4 && at + 1 > u64::from(nread_ptr) {
                    return Ok(());
                }
                data.push(
                    written(at).ok_or_else(|| "it reports more bytes than it wrote".to_string())?,
                );
            }
        }
        if data.len() as u64 != u64::from(n) {
            return Err(format!("it reports {n} bytes, more than its iovecs hold"));
        }
        self.stdin.update(&data);
        self.stdin_len += u64::from(n);
        if self.stdin_len > self.start.stdin_len {
            return Err(format!(
                "the program read {} bytes of stdin, more than the {} the start event records",
                self.stdin_len, self.start.stdin_len
            ));
        }
        let gas = CALL_BASE
            + GUEST_READ_BYTE * 8 * u64::from(count)
            + FILE_DATA_BYTE * u64::from(n)
            + GUEST_WRITE_BYTE * (u64::from(n) + 4);
        Self::expect_gas(ev, gas)
    }

    /// The first contradiction found, after checking the end event's stream digests.
    pub(crate) fn finish(mut self, end: &EndEvent) -> Option<String> {
        if self.failure.is_none() && self.stdin_len == self.start.stdin_len {
            // Every stdin byte the host held was read: they are the recorded stdin.
            let stdin: Digest32 = self.stdin.clone().finalize().into();
            if stdin != self.start.stdin_sha256 {
                self.fail(
                    "start event: stdin_sha256 is not the digest of the stdin the program read"
                        .into(),
                );
            }
        }
        if self.failure.is_none() {
            let out: Digest32 = self.stdout.clone().finalize().into();
            let err: Digest32 = self.stderr.clone().finalize().into();
            if out != end.stdout_sha256 {
                self.fail(
                    "end event: stdout_sha256 is not the digest of the data written to stdout"
                        .into(),
                );
            } else if err != end.stderr_sha256 {
                self.fail(
                    "end event: stderr_sha256 is not the digest of the data written to stderr"
                        .into(),
                );
            }
        }
        self.failure
    }
}

fn args_strings(start: &StartEvent) -> Vec<Vec<u8>> {
    start.args.iter().map(|a| a.as_bytes().to_vec()).collect()
}

fn env_strings(start: &StartEvent) -> Vec<Vec<u8>> {
    start
        .env
        .iter()
        .map(|(n, v)| format!("{n}={v}").into_bytes())
        .collect()
}
