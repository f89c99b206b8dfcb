//! Host memory under output and host-call floods (found by the hostile-input suite): a
//! run's trace spools to an anonymous temporary file past `trace::TRACE_MEMORY_BYTES`
//! and its stdout is hashed as written and kept only up to
//! `RunConfig::max_capture_bytes`, so the heap a run holds does not grow with the
//! number of host calls or the bytes written; a spilled trace, its start event patched
//! for a streamed stdin, is byte for byte the trace of the same run with that stdin
//! known up front; the CLI's `--trace` streams the same bytes; a temporary-file
//! failure is a clean error.

// Test helpers fail loudly; the counting allocator needs `unsafe`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unsafe_code)]

use std::io::Read;
use std::process::Command;

use detwasm::session::{self, RunConfig, DEFAULT_MAX_CAPTURE_BYTES};
use detwasm::trace::{Event, Trace, TRACE_MEMORY_BYTES};
use detwasm::wasi::{StdinStream, WasiConfig};
use sha2::{Digest, Sha256};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::{peak_heap, Counting};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: u64 = 1024 * 1024;

/// `_start` makes `calls` `sched_yield` calls, then reads up to 16 bytes of stdin into
/// address 100 and writes what it read to stdout.
fn host_calls_then_read(calls: u32) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
  (import "wasi_snapshot_preview1" "sched_yield" (func $y (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $i i32)
    (block $done
      (br_if $done (i32.eqz (i32.const {calls})))
      (loop $l
        (drop (call $y))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const {calls})))))
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 16))
    (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
    (i32.store (i32.const 4) (i32.load (i32.const 8)))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#
    ))
    .unwrap()
}

/// `_start` writes its whole 64 KiB memory to stdout `chunks` times.
fn stdout_flood(chunks: u32) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $i i32)
    (i32.store (i32.const 0) (i32.const 0))
    (i32.store (i32.const 4) (i32.const 65536))
    (loop $l
      (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const {chunks}))))))"#
    ))
    .unwrap()
}

/// The bytes of `stdout_flood(chunks)`: the page with the iovec at 0 and, from the
/// second write on, the previous write's `nwritten` (65536) at 8.
fn stdout_flood_digest(chunks: u32) -> [u8; 32] {
    let mut page = vec![0u8; 65536];
    page[4..8].copy_from_slice(&65536u32.to_le_bytes());
    let mut h = Sha256::new();
    for i in 0..chunks {
        if i == 1 {
            page[8..12].copy_from_slice(&65536u32.to_le_bytes());
        }
        h.update(&page);
    }
    h.finalize().into()
}

fn config(stdin: &[u8]) -> RunConfig {
    RunConfig {
        wasi: WasiConfig {
            args: vec!["flood.wasm".into()],
            stdin: stdin.to_vec(),
            ..WasiConfig::default()
        },
        ..RunConfig::default()
    }
}

/// The trace file of a run, read back from its spool and checked.
fn file_of(out: &session::RunOutcome) -> Vec<u8> {
    let spooled = out.trace.as_ref().expect("a trace");
    let mut bytes = Vec::new();
    spooled.write_to(&mut bytes).unwrap();
    assert_eq!(bytes.len() as u64, spooled.len_bytes());
    let read = Trace::from_bytes(&bytes).unwrap();
    assert_eq!(read.hash(), spooled.hash());
    assert_eq!(read.event_count(), spooled.event_count());
    bytes
}

/// The temporary files of this process's trace spools left in the directory: those
/// seen twice 100 ms apart (a spool of another test thread is in the directory only
/// between its creation and its removal a moment later).
fn leftover_spools() -> Vec<String> {
    let prefix = format!("detwasm-trace-{}-", std::process::id());
    let list = || -> Vec<String> {
        std::fs::read_dir(std::env::temp_dir())
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.starts_with(&prefix))
            .collect()
    };
    let first = list();
    std::thread::sleep(std::time::Duration::from_millis(100));
    let second = list();
    first.into_iter().filter(|n| second.contains(n)).collect()
}

#[test]
fn host_call_flood_holds_a_bounded_heap() {
    let calls = 60_000;
    let wasm = host_calls_then_read(calls);
    let (out, heap) = peak_heap(|| session::run(&wasm, config(b"")).unwrap());
    assert_eq!(out.exit_code, Some(0));
    let spooled = out.trace.as_ref().unwrap();
    assert!(spooled.len_bytes() > 2 * TRACE_MEMORY_BYTES as u64);
    assert!(spooled.in_memory().is_none(), "the trace spilled");
    assert_eq!(spooled.event_count(), u64::from(calls) + 4);
    assert!(heap < 8 * MIB, "held {heap} bytes of heap");
    let left = leftover_spools();
    assert!(left.is_empty(), "{left:?}");
    file_of(&out);
}

#[test]
fn stdout_flood_holds_a_bounded_heap_unless_asked_to_keep_it() {
    let chunks = 512;
    let total = u64::from(chunks) * 65536;
    let wasm = stdout_flood(chunks);
    let (out, heap) = peak_heap(|| session::run(&wasm, config(b"")).unwrap());
    assert_eq!(out.exit_code, Some(0));
    assert_eq!(out.stdout_len_bytes, total);
    assert_eq!(out.stdout.len() as u64, DEFAULT_MAX_CAPTURE_BYTES);
    assert!(heap < 12 * MIB, "held {heap} bytes of heap");
    let trace = out.trace.unwrap().into_trace().unwrap();
    let events = trace.events().unwrap();
    let Some(Event::End(end)) = events.last() else {
        panic!("no end event")
    };
    assert_eq!(end.stdout_sha256, stdout_flood_digest(chunks));

    let mut rc = config(b"");
    rc.max_capture_bytes = u64::MAX;
    let kept = session::run(&wasm, rc).unwrap();
    assert_eq!(kept.stdout.len() as u64, total);
    assert_eq!(kept.stdout[..out.stdout.len()], out.stdout[..]);
    assert_eq!(kept.trace.unwrap().hash(), trace.hash());

    let mut rc = config(b"");
    rc.max_capture_bytes = 0;
    let none = session::run(&wasm, rc).unwrap();
    assert!(none.stdout.is_empty());
    assert_eq!(none.stdout_len_bytes, total);
    assert_eq!(none.trace.unwrap().hash(), trace.hash());
}

/// A reader giving at most 5 bytes per read, like a pipe.
struct Trickle(Vec<u8>, usize);

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(5).min(self.0.len() - self.1);
        buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
        self.1 += n;
        Ok(n)
    }
}

#[test]
fn a_patched_start_event_gives_the_trace_of_the_stdin_known_up_front() {
    let stream = b"hello from stdin, and more";
    for calls in [0, 40_000] {
        let wasm = host_calls_then_read(calls);
        let mut rc = config(b"");
        rc.stdin_stream = Some(StdinStream::new(
            Box::new(Trickle(stream.to_vec(), 0)),
            false,
        ));
        let streamed = session::run(&wasm, rc).unwrap();
        assert_eq!(streamed.stdout, b"hello from stdin");
        let known = session::run(&wasm, config(&stream[..16])).unwrap();
        let spilled = streamed.trace.as_ref().unwrap().in_memory().is_none();
        assert_eq!(spilled, calls > 0, "{calls} calls");
        let (a, b) = (file_of(&streamed), file_of(&known));
        assert!(a == b, "{calls} calls: the traces differ");
        let events = Trace::from_bytes(&a).unwrap().events().unwrap();
        assert!(Trace::from_events(&events).as_bytes() == a.as_slice());
        let Some(Event::Start(start)) = events.first() else {
            panic!("no start event")
        };
        assert_eq!(start.stdin_len, 16);
    }
}

/// Runs the binary in a fresh directory holding `flood.wasm` and `in.txt`.
fn detwasm(
    wasm: &[u8],
    args: &[&str],
    tmpdir: Option<&str>,
) -> (std::process::Output, std::path::PathBuf) {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("detwasm-flood-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("flood.wasm"), wasm).unwrap();
    std::fs::write(dir.join("in.txt"), b"hello from stdin, and more").unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_detwasm"));
    cmd.current_dir(&dir)
        .arg("run")
        .args(args)
        .arg("flood.wasm");
    if let Some(t) = tmpdir {
        cmd.env("TMPDIR", t);
    }
    (cmd.output().unwrap(), dir)
}

#[test]
fn cli_trace_of_a_spilled_run_is_the_library_trace() {
    let wasm = host_calls_then_read(40_000);
    let (out, dir) = detwasm(&wasm, &["--stdin", "in.txt", "--trace", "t.trace"], None);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, b"hello from stdin");
    let cli = std::fs::read(dir.join("t.trace")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let mut rc = config(b"hello from stdin, and more");
    // The CLI's gas limit without --gas.
    rc.config.gas_limit = u64::MAX;
    let lib = session::run(&wasm, rc).unwrap();
    assert!(lib.trace.as_ref().unwrap().in_memory().is_none());
    assert!(
        cli == file_of(&lib),
        "the CLI's trace differs from the library's"
    );
}

#[test]
fn a_temporary_file_failure_is_a_clean_error() {
    let wasm = host_calls_then_read(40_000);
    let missing = std::env::temp_dir().join(format!("detwasm-no-such-dir-{}", std::process::id()));
    let (out, dir) = detwasm(&wasm, &["--summary"], missing.to_str());
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot keep the trace in a temporary file: "),
        "{stderr}"
    );
    // Without --trace and --summary no trace is recorded, so none is spooled.
    let (out, dir) = detwasm(&wasm, &[], missing.to_str());
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}
