//! `detwasm run --suspend-to` and `detwasm resume` (SPEC.md §Snapshot, suspended WASI
//! runs), through the built binary: the SQLite demo of README.md run in gas slices,
//! each slice a separate process continuing the previous one's saved state, prints the
//! same stdout and stderr, exits the same way, uses the same gas and leaves the same
//! tree as one run; corrupted, truncated and foreign state files and the wrong module
//! are one-line errors.

// Tests state their expectations with unwrap and panics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

const EXIT_SUSPENDED: i32 = 75;
const EXIT_USER_ERROR: i32 = 2;
const EXIT_TRAP: i32 = 134;

/// What one process produced.
#[derive(Debug)]
struct Output {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

fn detwasm(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_detwasm"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env_clear()
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the detwasm binary runs");
    Output {
        code: out.status.code().expect("detwasm exits with a code"),
        stdout: out.stdout,
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// A fresh temporary directory for one test, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("detwasm-suspend-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const SQLITE: &str = "examples/sqlite3.wasm";

/// The demo's inputs (README.md, "The main command"), before the module.
const DEMO: [&str; 4] = [
    "--dir",
    "examples/sql::/data",
    "--stdin",
    "examples/sql/demo.sql",
];

/// The unsigned integer field `key` of a one-line `--summary=json` object.
fn json_field(json: &str, key: &str) -> u64 {
    json.split(&format!("\"{key}\":"))
        .nth(1)
        .and_then(|rest| rest.split([',', '}']).next())
        .unwrap_or_else(|| panic!("no {key} in {json}"))
        .parse()
        .unwrap_or_else(|err| panic!("{key} in {json}: {err}"))
}

/// Every file of a tree, by relative path, with its bytes.
fn tree_files(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_string();
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The end of a run, as compared: exit code, stdout, stderr without the summary and
/// `suspended:` lines, gas used, the summary's trap, the final tree.
#[derive(Clone, Debug, PartialEq, Eq)]
struct End {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
    gas_used: u64,
    summary_trap: String,
    trace_hash: String,
    files: Vec<(String, Vec<u8>)>,
}

/// Splits the summary line off stderr.
fn split_summary(stderr: &str) -> (String, String) {
    let mut rest = String::new();
    let mut summary = String::new();
    for line in stderr.lines() {
        if line.starts_with("{\"exit_code\"") {
            summary = line.to_string();
        } else if !line.starts_with("suspended: ") {
            rest.push_str(line);
            rest.push('\n');
        }
    }
    (rest, summary)
}

fn hash_of(summary: &str) -> String {
    let hash = summary
        .split("\"trace_hash\":\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("no trace hash in {summary}"))
        .to_string();
    assert_eq!(hash.len(), 64, "{summary}");
    hash
}

fn trap_of(summary: &str) -> String {
    summary
        .split("\"trap\":")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .unwrap()
        .to_string()
}

/// One uninterrupted run with `gas` (or no limit).
fn one_run(dir: &TempDir, gas: Option<u64>) -> End {
    let out_dir = dir.path("one-fs");
    let _ = std::fs::remove_dir_all(&out_dir);
    let gas_text = gas.map(|g| g.to_string());
    let mut args = vec!["run", "--summary=json", "--fs-out", &out_dir];
    if let Some(g) = &gas_text {
        args.extend(["--gas", g]);
    }
    args.extend(DEMO);
    args.extend([SQLITE, "/data/demo.db"]);
    let out = detwasm(&args);
    let (stderr, summary) = split_summary(&out.stderr);
    End {
        code: out.code,
        stdout: out.stdout,
        stderr,
        gas_used: json_field(&summary, "gas_used"),
        summary_trap: trap_of(&summary),
        trace_hash: hash_of(&summary),
        files: tree_files(Path::new(&out_dir)),
    }
}

/// The run in slices: `run --gas slices[0] --suspend-to`, then one `resume` per
/// further slice, each a new process reading the previous one's state; the last
/// resume gets `last` (None: no `--gas`) without `--suspend-to`.
fn sliced_run(dir: &TempDir, slices: &[u64], last: Option<u64>) -> End {
    let out_dir = dir.path("sliced-fs");
    let _ = std::fs::remove_dir_all(&out_dir);
    let mut stdout = Vec::new();
    let mut stderr = String::new();
    let first_gas = slices[0].to_string();
    let state0 = dir.path("state0");
    let mut args = vec![
        "run",
        "--summary=json",
        "--fs-out",
        &out_dir,
        "--gas",
        &first_gas,
        "--suspend-to",
        &state0,
    ];
    args.extend(DEMO);
    args.extend([SQLITE, "/data/demo.db"]);
    let out = detwasm(&args);
    assert_eq!(out.code, EXIT_SUSPENDED, "{}", out.stderr);
    assert!(
        out.stderr.contains("suspended: out of gas after "),
        "{}",
        out.stderr
    );
    stdout.extend(out.stdout);
    stderr.push_str(&out.stderr);
    let mut state = state0;
    for (i, slice) in slices[1..].iter().enumerate() {
        let next = dir.path(&format!("state{}", i + 1));
        let gas = slice.to_string();
        let out = detwasm(&[
            "resume",
            "--summary=json",
            "--fs-out",
            &out_dir,
            "--gas",
            &gas,
            "--suspend-to",
            &next,
            "--module",
            SQLITE,
            &state,
        ]);
        assert_eq!(out.code, EXIT_SUSPENDED, "slice {i}: {}", out.stderr);
        stdout.extend(out.stdout);
        stderr.push_str(&out.stderr);
        state = next;
    }
    let last_text = last.map(|g| g.to_string());
    let mut args = vec!["resume", "--summary=json", "--fs-out", &out_dir];
    if let Some(g) = &last_text {
        args.extend(["--gas", g]);
    }
    args.extend(["--module", SQLITE, &state]);
    let out = detwasm(&args);
    stdout.extend(out.stdout);
    stderr.push_str(&out.stderr);
    let (stderr, summary) = split_summary(&stderr);
    End {
        code: out.code,
        stdout,
        stderr,
        gas_used: json_field(&summary, "gas_used"),
        summary_trap: trap_of(&summary),
        trace_hash: hash_of(&summary),
        files: tree_files(Path::new(&out_dir)),
    }
}

#[test]
fn sqlite_demo_in_slices_across_processes_equals_one_run() {
    let dir = TempDir::new("sqlite");
    let full = one_run(&dir, None);
    assert_eq!(full.code, 0, "{full:?}");
    assert_eq!(full.summary_trap, "null");
    let expected =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sql/expected.txt"))
            .unwrap();
    let lines = |b: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(b)
            .lines()
            .filter(|l| !l.starts_with("clock|") && !l.starts_with("random|"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(lines(&full.stdout), lines(&expected));
    // The demo uses about 604 million gas: three slices of 150 million and an
    // unlimited last one (the summed limit is then 2^64 - 1, as without --gas).
    let sliced = sliced_run(&dir, &[150_000_000, 150_000_000, 150_000_000], None);
    check_same(&sliced, &full);
    // Uneven slices (one tiny) and a last slice that more than suffices: the trace
    // records the summed limit, so the one run to compare with has that limit.
    let slices = [1_000_000, 333_333_333, 7_777, 200_000_000];
    let last = full.gas_used;
    let sum = slices.iter().sum::<u64>() + last;
    let one = one_run(&dir, Some(sum));
    assert_eq!(one.gas_used, full.gas_used);
    assert_ne!(one.trace_hash, full.trace_hash, "the limit is in the trace");
    check_same(&sliced_run(&dir, &slices, Some(last)), &one);
}

/// Compares two ends field by field (without printing megabytes on failure).
fn check_same(a: &End, b: &End) {
    assert_eq!(a.code, b.code, "exit code");
    assert!(a.stdout == b.stdout, "stdout differs");
    assert_eq!(a.stderr, b.stderr, "stderr");
    assert_eq!(a.gas_used, b.gas_used, "gas used");
    assert_eq!(a.summary_trap, b.summary_trap, "trap");
    assert_eq!(a.trace_hash, b.trace_hash, "trace hash");
    assert!(a.files == b.files, "final trees differ");
    assert_eq!(a, b);
}

#[test]
fn sqlite_demo_in_slices_runs_out_of_gas_where_one_run_does() {
    let dir = TempDir::new("oog");
    // 400 million gas in one run, or in 100 + 250 + 50 million across three processes.
    let full = one_run(&dir, Some(400_000_000));
    assert_eq!(full.code, EXIT_TRAP, "{full:?}");
    assert_eq!(full.summary_trap, "\"out_of_gas\"");
    assert_eq!(full.gas_used, 400_000_000);
    let sliced = sliced_run(&dir, &[100_000_000, 250_000_000], Some(50_000_000));
    check_same(&sliced, &full);
}

/// A saved state of the demo, suspended after 50 million gas.
fn demo_state(dir: &TempDir) -> String {
    let state = dir.path("state");
    let mut args = vec!["run", "--gas", "50000000", "--suspend-to", &state];
    args.extend(DEMO);
    args.extend([SQLITE, "/data/demo.db"]);
    let out = detwasm(&args);
    assert_eq!(out.code, EXIT_SUSPENDED, "{}", out.stderr);
    state
}

fn check_user_error(args: &[&str], needle: &str) {
    let out = detwasm(args);
    assert_eq!(out.code, EXIT_USER_ERROR, "{args:?}: {out:?}");
    assert!(out.stdout.is_empty(), "{args:?}");
    assert!(out.stderr.starts_with("error: "), "{args:?}: {out:?}");
    assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {out:?}");
    assert!(
        out.stderr.contains(needle),
        "{args:?}: {out:?} lacks {needle:?}"
    );
}

#[test]
fn corrupted_truncated_and_foreign_states_are_errors() {
    let dir = TempDir::new("corrupt");
    let state = demo_state(&dir);
    let bytes = std::fs::read(&state).unwrap();
    let bad = dir.path("bad");
    let resume = ["resume", "--module", SQLITE, &bad];
    // Truncated anywhere, or one byte flipped anywhere (sampled): the trailer says so.
    for cut in [0, 1, 20, 31, 32, 100, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&bad, &bytes[..cut]).unwrap();
        check_user_error(&resume, "cannot resume");
    }
    for at in [
        0,
        16,
        17,
        60,
        1000,
        bytes.len() / 3,
        bytes.len() - 40,
        bytes.len() - 1,
    ] {
        let mut b = bytes.clone();
        b[at] ^= 0x40;
        std::fs::write(&bad, &b).unwrap();
        check_user_error(&resume, "cannot resume");
    }
    std::fs::write(&bad, &bytes[..bytes.len() - 7]).unwrap();
    check_user_error(&resume, "corrupted");
    // Something else with a valid trailer: not a suspended run.
    let mut other = b"detwasm/snapshot\x01\0\0\0 and then some bytes".to_vec();
    let digest = sha256(&other);
    other.extend_from_slice(&digest);
    std::fs::write(&bad, &other).unwrap();
    check_user_error(&resume, "bad magic");
    // A body that the trailer seals but that does not decode.
    let mut forged = bytes[..bytes.len() / 2].to_vec();
    let digest = sha256(&forged);
    forged.extend_from_slice(&digest);
    std::fs::write(&bad, &forged).unwrap();
    check_user_error(&resume, "malformed");
    check_user_error(
        &["resume", "--module", SQLITE, &dir.path("missing")],
        "cannot read",
    );
}

#[test]
fn resume_with_another_module_is_an_error() {
    let dir = TempDir::new("module");
    let state = demo_state(&dir);
    let fib = "benches/programs/fib.wasm";
    check_user_error(
        &["resume", "--module", fib, &state],
        "is not the one the run was suspended with",
    );
    // The right module still resumes it.
    let out = detwasm(&["resume", "--module", SQLITE, &state]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn suspend_to_refuses_gas_profiles_and_resume_needs_a_trace_to_write_one() {
    let dir = TempDir::new("refuse");
    let state = dir.path("state");
    let target = dir.path("out");
    let mut args = vec![
        "run",
        "--gas",
        "1000",
        "--suspend-to",
        &state,
        "--gas-profile",
        &target,
    ];
    args.extend(DEMO);
    args.push(SQLITE);
    check_user_error(&args, "--suspend-to cannot be combined with --gas-profile");
    assert!(!Path::new(&state).exists());
    // A run suspended without --trace or --summary has no trace to continue.
    let state = demo_state(&dir);
    check_user_error(
        &["resume", "--trace", &target, "--module", SQLITE, &state],
        "was suspended without a trace",
    );
}

/// `--trace` across three processes writes the very file one run writes.
#[test]
fn sqlite_demo_trace_across_processes_is_the_trace_of_one_run() {
    let dir = TempDir::new("trace");
    let one = dir.path("one.trace");
    let mut args = vec!["run", "--trace", &one];
    args.extend(DEMO);
    args.extend([SQLITE, "/data/demo.db"]);
    assert_eq!(detwasm(&args).code, 0);
    let (s1, s2, sliced) = (dir.path("s1"), dir.path("s2"), dir.path("sliced.trace"));
    let mut args = vec![
        "run",
        "--trace",
        &sliced,
        "--gas",
        "200000000",
        "--suspend-to",
        &s1,
    ];
    args.extend(DEMO);
    args.extend([SQLITE, "/data/demo.db"]);
    assert_eq!(detwasm(&args).code, EXIT_SUSPENDED);
    assert!(
        !Path::new(&sliced).exists(),
        "no trace file before the run ends"
    );
    let out = detwasm(&[
        "resume",
        "--gas",
        "200000000",
        "--suspend-to",
        &s2,
        "--module",
        SQLITE,
        &s1,
    ]);
    assert_eq!(out.code, EXIT_SUSPENDED, "{}", out.stderr);
    let out = detwasm(&["resume", "--trace", &sliced, "--module", SQLITE, &s2]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        std::fs::read(&sliced).unwrap(),
        std::fs::read(&one).unwrap()
    );
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).into()
}

/// A stdin stream over `data` from `start` that gives at most `step` bytes per read
/// (like a pipe) and counts what it gave.
struct Pipe {
    data: std::sync::Arc<Vec<u8>>,
    at: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    step: usize,
}

impl std::io::Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::sync::atomic::Ordering;
        let at = self.at.load(Ordering::SeqCst);
        let n = buf.len().min(self.step).min(self.data.len() - at);
        buf[..n].copy_from_slice(&self.data[at..at + n]);
        self.at.store(at + n, Ordering::SeqCst);
        Ok(n)
    }
}

/// Through the library: the demo reading its SQL from a stdin stream, suspended every
/// 200 million gas, each state through bytes and resumed in a fresh store with the
/// rest of the stream (from where the host had stopped taking bytes), writes what one
/// run with the SQL as configured stdin writes, with the same gas.
#[test]
fn a_stdin_stream_continues_after_a_resume() {
    use detwasm::session::{self, RunConfig};
    use detwasm::suspend::{self, ResumeConfig, Step, SuspendedRun};
    use detwasm::wasi::{fs::Dir, OutputStream, Preopen, StdinStream, WasiConfig};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let module = std::fs::read(root.join(SQLITE)).unwrap();
    let sql = Arc::new(std::fs::read(root.join("examples/sql/demo.sql")).unwrap());
    let wasi = |stdin: Vec<u8>| WasiConfig {
        args: vec!["sqlite3.wasm".into(), "/data/demo.db".into()],
        stdin,
        preopens: vec![Preopen {
            guest_path: "/data".into(),
            tree: Dir::load_host(root.join("examples/sql")).unwrap(),
        }],
        ..WasiConfig::default()
    };
    let one = session::run(
        &module,
        RunConfig {
            wasi: wasi(sql.to_vec()),
            max_capture_bytes: u64::MAX,
            ..RunConfig::default()
        },
    )
    .unwrap();
    assert_eq!(one.exit_code, Some(0));

    let out = Arc::new(Mutex::new(Vec::new()));
    let sink = |out: &Arc<Mutex<Vec<u8>>>| -> detwasm::wasi::EchoSink {
        let out = Arc::clone(out);
        Box::new(move |stream, bytes: &[u8]| {
            if stream == OutputStream::Stdout {
                out.lock().unwrap().extend_from_slice(bytes);
            }
        })
    };
    let taken = Arc::new(AtomicUsize::new(0));
    let pipe = |taken: &Arc<AtomicUsize>| {
        StdinStream::new(
            Box::new(Pipe {
                data: Arc::clone(&sql),
                at: Arc::clone(taken),
                step: 1000,
            }),
            false,
        )
    };
    let slice = 200_000_000;
    let mut rc = RunConfig {
        wasi: wasi(Vec::new()),
        echo: Some(sink(&out)),
        max_capture_bytes: 0,
        stdin_stream: Some(pipe(&taken)),
        ..RunConfig::default()
    };
    rc.config.gas_limit = slice;
    let mut step = suspend::run_traced(&module, rc, true).unwrap();
    let mut resumes = 0;
    let end = loop {
        match step {
            Step::Finished(outcome) => break outcome,
            Step::Suspended(saved) => {
                resumes += 1;
                let saved = SuspendedRun::from_bytes(&saved.to_bytes().unwrap()).unwrap();
                // A new stream starting where the last one stopped.
                let at = taken.load(Ordering::SeqCst);
                let rest = Arc::new(AtomicUsize::new(at));
                step = suspend::resume(
                    &module,
                    &saved,
                    ResumeConfig {
                        more_gas: slice,
                        suspend_again: true,
                        echo: Some(sink(&out)),
                        max_capture_bytes: 0,
                        stdin_stream: Some(pipe(&rest)),
                    },
                )
                .unwrap();
                taken.store(rest.load(Ordering::SeqCst), Ordering::SeqCst);
            }
        }
    };
    assert!(resumes >= 3, "{resumes} resumes");
    assert_eq!(end.exit_code, Some(0));
    assert_eq!(end.gas_used, one.gas_used);
    assert_eq!(*out.lock().unwrap(), one.stdout);
    assert_eq!(end.stdout_len_bytes, one.stdout_len_bytes);
    assert_eq!(end.preopens, one.preopens);
    // The digests carried on across the suspensions.
    assert_eq!(
        end.store.data().output_sha256(OutputStream::Stdout),
        one.store.data().output_sha256(OutputStream::Stdout)
    );
    // The trace (stdin fields and gas limit patched in at the end) is that of one
    // run with the summed limit.
    let mut rc = RunConfig {
        wasi: wasi(sql.to_vec()),
        ..RunConfig::default()
    };
    rc.config.gas_limit = end.gas_limit;
    assert_eq!(end.gas_limit, slice * (resumes + 1));
    let same_limit = session::run(&module, rc).unwrap();
    assert_eq!(
        end.trace.as_ref().unwrap().hash_hex(),
        same_limit.trace.as_ref().unwrap().hash_hex()
    );
}
