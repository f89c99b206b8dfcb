//! Integration tests of the `detwasm` binary: exact stdout, stderr shape and exit codes
//! of `run` and `validate` on the committed benchmark programs and on small modules
//! compiled from WAT into a temporary directory. No network, clock or environment.

// Tests state their expectations with unwrap and panics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

const EXIT_TRAP: i32 = 134;
const EXIT_USER_ERROR: i32 = 2;

/// What one run of the binary produced.
#[derive(Debug)]
struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn detwasm(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_detwasm"))
        .args(args)
        .env_clear()
        .output()
        .expect("the detwasm binary runs");
    Output {
        code: out.status.code().expect("detwasm exits with a code"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Path of a committed benchmark program.
fn program(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/programs")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

/// A fresh temporary directory for one test, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("detwasm-cli-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// Writes `bytes` to `name` in the directory and returns its path.
    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_string()
    }

    /// Compiles `wat` and writes it as `name`.
    fn wat(&self, name: &str, wat: &str) -> String {
        self.file(name, &wat::parse_str(wat).unwrap())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Checks a successful run: exit 0, exact stdout, empty stderr.
fn check_ok(args: &[&str], stdout: &str) {
    let out = detwasm(args);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, stdout, ""),
        "{args:?}"
    );
}

/// Checks a user error: exit 2, no stdout, one `error: ` line on stderr containing `needle`.
fn check_user_error(args: &[&str], needle: &str) {
    let out = detwasm(args);
    assert_eq!(out.code, EXIT_USER_ERROR, "{args:?}: {out:?}");
    assert_eq!(out.stdout, "", "{args:?}");
    assert!(out.stderr.starts_with("error: "), "{args:?}: {out:?}");
    assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {out:?}");
    assert!(
        out.stderr.contains(needle),
        "{args:?}: {out:?} lacks {needle:?}"
    );
}

/// Checks a trap: exit 134, no stdout, stderr starting with `trap: <message>`.
fn check_trap(args: &[&str], message: &str) {
    let out = detwasm(args);
    assert_eq!(out.code, EXIT_TRAP, "{args:?}: {out:?}");
    assert_eq!(out.stdout, "", "{args:?}");
    assert!(
        out.stderr.starts_with(&format!("trap: {message}")),
        "{args:?}: {out:?}"
    );
    assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {out:?}");
}

/// The unsigned integer field `key` of a one-line `--summary=json` object.
fn json_field(json: &str, key: &str) -> u64 {
    json.split(&format!("\"{key}\":"))
        .nth(1)
        .and_then(|rest| rest.split([',', '}']).next())
        .unwrap_or_else(|| panic!("no {key} in {json}"))
        .parse()
        .unwrap_or_else(|err| panic!("{key} in {json}: {err}"))
}

const TRAPS_WAT: &str = r#"
(module
  (func (export "boom") unreachable)
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "oob") (result i32) (i32.load (i32.const 70000)))
  (func $loop (export "spin") (loop $l (br $l)))
  (memory 1))
"#;

const VALUES_WAT: &str = r#"
(module
  (func (export "id_i32") (param i32) (result i32) (local.get 0))
  (func (export "id_i64") (param i64) (result i64) (local.get 0))
  (func (export "id_f32") (param f32) (result f32) (local.get 0))
  (func (export "id_f64") (param f64) (result f64) (local.get 0))
  (func (export "add_f64") (param f64 f64) (result f64)
    (f64.add (local.get 0) (local.get 1)))
  (func (export "pair") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
  (func (export "nothing"))
  (global (export "g") i32 (i32.const 7)))
"#;

#[test]
fn run_fib() {
    let fib = program("fib.wasm");
    check_ok(&["run", "--invoke", "fib", &fib, "20"], "6765\n");
    check_ok(&["run", "--invoke", "fib", &fib, "0x14"], "6765\n");
    check_ok(&["run", "--invoke", "fib", &fib, "0"], "0\n");
    check_ok(&["run", "--invoke", "fib", &fib, "10"], "55\n");
}

#[test]
fn run_sha256_and_matmul() {
    let sha = program("sha256.wasm");
    check_ok(&["run", "--invoke", "sha256_abc", &sha], "-1166534977\n");
    check_ok(
        &["run", "--invoke", "sha256_bench", &sha, "10"],
        "-1511106770\n",
    );
    let matmul = program("matmul.wasm");
    check_ok(&["run", "--invoke", "matmul", &matmul, "10"], "1.5625\n");
    check_ok(&["run", "--invoke", "matmul", &matmul, "0"], "-1.0\n");
}

#[test]
fn run_values() {
    let dir = TempDir::new("values");
    let m = dir.wat("values.wasm", VALUES_WAT);
    let cases: &[(&str, &[&str], &str)] = &[
        ("id_i32", &["-5"], "-5\n"),
        ("id_i32", &["0xffffffff"], "-1\n"),
        ("id_i32", &["4294967295"], "-1\n"),
        ("id_i64", &["18446744073709551615"], "-1\n"),
        ("id_i64", &["--", "-0x10"], "-16\n"),
        ("id_f32", &["0.1"], "0.1\n"),
        ("id_f32", &["--", "-inf"], "-inf\n"),
        ("id_f32", &["nan:0x1"], "nan:0x1\n"),
        ("id_f64", &["--", "-nan"], "-nan\n"),
        ("id_f64", &["1e300"], "1e300\n"),
        ("id_f64", &["2"], "2.0\n"),
        ("add_f64", &["-1.5", "2.25"], "0.75\n"),
        ("add_f64", &["inf", "1"], "inf\n"),
        ("pair", &["3", "-4"], "-4\n3\n"),
        ("nothing", &[], ""),
    ];
    for (name, args, stdout) in cases {
        let mut argv = vec!["run", "--invoke", name, m.as_str()];
        argv.extend_from_slice(args);
        check_ok(&argv, stdout);
    }
}

#[test]
fn run_traps() {
    let dir = TempDir::new("traps");
    let m = dir.wat("traps.wasm", TRAPS_WAT);
    check_trap(&["run", "--invoke", "boom", &m], "unreachable");
    check_trap(
        &["run", "--invoke", "div", &m, "1", "0"],
        "integer divide by zero",
    );
    check_trap(
        &["run", "--invoke", "div", &m, "-2147483648", "-1"],
        "integer overflow",
    );
    check_trap(
        &["run", "--invoke", "oob", &m],
        "out of bounds memory access",
    );
    check_trap(
        &["run", "--invoke", "spin", "--gas", "1000", &m],
        "out of gas",
    );
    // A trap in the start function is a trap too.
    let start = dir.wat(
        "start.wasm",
        r#"(module (func $s unreachable) (start $s) (func (export "f")))"#,
    );
    check_trap(&["run", "--invoke", "f", &start], "unreachable");
}

/// The string value of `key` in a one-line JSON object.
fn json_str(json: &str, key: &str) -> String {
    let start = json.find(&format!("\"{key}\":\"")).expect("key") + key.len() + 4;
    json[start..].split('"').next().expect("value").to_string()
}

/// The trace hash of a text summary.
fn text_hash(summary: &str) -> String {
    summary
        .lines()
        .find_map(|l| l.strip_prefix("trace_hash="))
        .expect("trace_hash line")
        .to_string()
}

#[test]
fn run_summary() {
    let fib = program("fib.wasm");
    let out = detwasm(&["run", "--invoke", "fib", "--summary=json", &fib, "20"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "6765\n"));
    let json = out.stderr.trim_end();
    assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
    assert!(
        json.starts_with(r#"{"exit_code":0,"trap":null,"gas_used":"#),
        "{json}"
    );
    assert!(
        json.contains(r#","gas_limit":18446744073709551615,"trace_hash":""#),
        "{json}"
    );
    let hash = json_str(json, "trace_hash");
    assert_eq!(hash.len(), 64, "{json}");
    let gas_used = json_field(json, "gas_used");
    // Pinned: the gas schedule (SPEC.md §Gas, version 1) and the committed fib.wasm
    // determine it; a change of either must update this number.
    assert_eq!(gas_used, 335_123, "{json}");

    // The same run again uses exactly the same gas, and the text form agrees.
    let again = detwasm(&["run", "--invoke", "fib", "--summary=json", &fib, "20"]);
    assert_eq!(again.stderr, out.stderr);
    let text = detwasm(&[
        "run",
        "--summary",
        "--invoke",
        "fib",
        "--gas",
        "99999999",
        &fib,
        "20",
    ]);
    assert_eq!(text.stdout, "6765\n");
    assert_eq!(
        text.stderr,
        format!(
            "exit_code=0\ntrap=none\ngas_used={gas_used}\ngas_limit=99999999\ntrace_hash={}\nself_gas {gas_used} fib\n",
            text_hash(&text.stderr)
        )
    );

    // Out of gas (SPEC.md §Gas): the run traps at the first instruction whose base cost
    // does not fit. Each level of fib.wasm's recursion executes local.get, i32.const,
    // i32.ge_s, br_if, i32.const, local.set, local.get, i32.const, i32.add (1 each) and
    // call (5) before entering the next level: 14 gas. Seven levels use 98; the eighth
    // executes local.get and i32.const (100) and traps at i32.ge_s with 100 used.
    let out = detwasm(&[
        "run",
        "--invoke",
        "fib",
        "--gas",
        "100",
        "--summary=json",
        &fib,
        "20",
    ]);
    assert_eq!(out.code, EXIT_TRAP, "{out:?}");
    let mut lines = out.stderr.lines();
    assert!(
        lines.next().unwrap().starts_with("trap: out of gas"),
        "{out:?}"
    );
    let json = lines.next().unwrap();
    assert!(
        json.starts_with(r#"{"exit_code":134,"trap":"out_of_gas","gas_used":"#),
        "{json}"
    );
    assert!(
        json.contains(r#","gas_limit":100,"trace_hash":""#),
        "{json}"
    );
    assert_eq!(lines.next(), None);
    let gas_used = json_field(json, "gas_used");
    assert_eq!(gas_used, 100, "{json}");
}

#[test]
fn run_user_errors() {
    let fib = program("fib.wasm");
    let dir = TempDir::new("user-errors");
    let missing = dir.0.join("missing.wasm");
    let missing = missing.to_str().unwrap();
    check_user_error(&["run", "--invoke", "fib", missing, "1"], "cannot read");
    let garbage = dir.file("garbage.wasm", b"\0asm\x01\0\0\0\x01\xff");
    check_user_error(&["run", "--invoke", "fib", &garbage, "1"], "invalid module");
    let text = dir.file("text.wasm", b"(module)");
    check_user_error(&["run", "--invoke", "fib", &text, "1"], "invalid module");
    let simd = dir.wat(
        "simd.wasm",
        r#"(module (func (export "f") (result v128) (v128.const i64x2 0 0)))"#,
    );
    check_user_error(&["run", "--invoke", "f", &simd], "invalid module");
    let imports = dir.wat(
        "imports.wasm",
        r#"(module (import "env" "foo" (func)) (import "wasi_snapshot_preview1" "proc_raise" (func (param i32) (result i32))))"#,
    );
    check_user_error(&["run", "--invoke", "f", &imports], "\"env\" \"foo\"");
    check_user_error(
        &["run", "--invoke", "f", &imports],
        "\"wasi_snapshot_preview1\" \"proc_raise\"",
    );
    check_user_error(
        &["run", "--invoke", "fib", &fib, "abc"],
        "cannot parse 'abc' as i32",
    );
    check_user_error(&["run", "--invoke", "fib", &fib, "4294967296"], "as i32");
    check_user_error(
        &["run", "--invoke", "fib", &fib],
        "takes 1 argument(s), but 0 were given",
    );
    check_user_error(
        &["run", "--invoke", "fib", &fib, "1", "2"],
        "but 2 were given",
    );
    check_user_error(
        &["run", "--invoke", "nope", &fib, "1"],
        "no export named 'nope' (exported functions: fib)",
    );
    check_user_error(
        &["run", "--invoke", "memory", &fib],
        "export 'memory' is a memory, not a function",
    );
    check_user_error(&["run", &fib, "fib", "1"], "--invoke");
    check_user_error(
        &["run", "--invoke", "fib", "--gas", "lots", &fib, "1"],
        "lots",
    );
    check_user_error(
        &["run", "--invoke", "fib", "--summary=yaml", &fib, "1"],
        "yaml",
    );
    // Everything after FILE is an argument, even when it looks like an option.
    check_ok(&["run", "--invoke", "fib", &fib, "-0x1"], "-1\n");
    check_user_error(&["run", "--invoke", "fib", &fib, "--gas"], "'--gas' as i32");
    check_user_error(&["frobnicate"], "frobnicate");
}

#[test]
fn validate_command() {
    let out = detwasm(&["validate", &program("sha256.wasm")]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "valid\n", "")
    );
    let dir = TempDir::new("validate");
    let garbage = dir.file("garbage.wasm", b"\0asm\x01\0\0\0\x01\xff");
    let out = detwasm(&["validate", &garbage]);
    assert_eq!((out.code, out.stdout.as_str()), (1, ""), "{out:?}");
    assert!(out.stderr.starts_with("error: "), "{out:?}");
    assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
    let missing = dir.0.join("missing.wasm");
    check_user_error(&["validate", missing.to_str().unwrap()], "cannot read");
}

#[test]
fn help_and_version() {
    let out = detwasm(&["--help"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains("validate") && out.stdout.contains("run"),
        "{out:?}"
    );
    let out = detwasm(&["--version"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("detwasm "), "{out:?}");
}

/// Runs the binary with `stdin` piped in (`None`: no stdin at all, as in CI).
fn detwasm_stdin(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_detwasm"))
        .args(args)
        .env_clear()
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the detwasm binary runs");
    let mut pipe = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    // Write from another thread: the guest may stop reading before the end.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Output {
        code: out.status.code().expect("detwasm exits with a code"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Path of a committed WASI test program.
fn wasi_program(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/programs")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

/// The `argv[i]=...` lines args_env.wasm prints.
fn argv_lines(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with("argv["))
        .map(str::to_string)
        .collect()
}

#[test]
fn run_passes_everything_after_the_module_to_the_guest() {
    let prog = wasi_program("args_env.wasm");
    let line = |i: usize, a: &str| format!("argv[{i}]=\"{a}\" (len {})", a.len());
    let guest = [
        "-v",
        "--help",
        "-e",
        "print(1)",
        "--gas",
        "5",
        "--",
        "--summary",
    ];
    let mut argv = vec!["run", &prog];
    argv.extend_from_slice(&guest);
    let out = detwasm(&argv);
    assert_eq!(out.code, 0, "{out:?}");
    let mut expected = vec![line(0, "args_env.wasm")];
    expected.extend(guest.iter().enumerate().map(|(i, a)| line(i + 1, a)));
    assert_eq!(argv_lines(&out.stdout), expected);
    assert!(out.stdout.starts_with("argc=9\n"), "{out:?}");
    assert_eq!(out.stderr, "", "no option after FILE reached detwasm");

    // A `--` right after FILE is dropped (the old way to pass such arguments).
    let out = detwasm(&["run", &prog, "--", "-v"]);
    assert_eq!(
        argv_lines(&out.stdout),
        [line(0, "args_env.wasm"), line(1, "-v")]
    );
    // ... and a second one reaches the guest.
    let out = detwasm(&["run", &prog, "--", "--"]);
    assert_eq!(
        argv_lines(&out.stdout),
        [line(0, "args_env.wasm"), line(1, "--")]
    );
    // Options before FILE are detwasm's, also after a `--` that ends them.
    let out = detwasm(&["run", "--summary=json", "--", &prog, "-x"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.starts_with("{\"exit_code\":0"), "{out:?}");
    assert_eq!(
        argv_lines(&out.stdout),
        [line(0, "args_env.wasm"), line(1, "-x")]
    );
    // With --invoke, arguments that look like options are values too.
    check_ok(
        &["run", "--invoke", "fib", &program("fib.wasm"), "-5"],
        "-5\n",
    );
}

#[test]
fn run_inherits_stdin() {
    let wc = wasi_program("wc.wasm");
    let text = b"the quick brown fox\njumps over the lazy dog\n";
    let piped = detwasm_stdin(&["run", &wc], text);
    assert_eq!(piped.code, 0, "{piped:?}");
    assert!(
        piped.stdout.starts_with("bytes=44 lines=2 words=9 "),
        "{piped:?}"
    );
    // The same bytes from a file give the same output.
    let dir = TempDir::new("stdin");
    let file = dir.file("in.txt", text);
    let from_file = detwasm(&["run", "--stdin", &file, &wc]);
    assert_eq!(from_file.stdout, piped.stdout);
    // `--stdin -` is the inherited stdin too; `--stdin none` is empty.
    let dash = detwasm_stdin(&["run", "--stdin", "-", &wc], text);
    assert_eq!(dash.stdout, piped.stdout);
    let none = detwasm_stdin(&["run", "--stdin", "none", &wc], text);
    assert!(
        none.stdout.starts_with("bytes=0 lines=0 words=0 "),
        "{none:?}"
    );
    // No stdin at all (a closed or null stdin) is an empty one.
    let empty = detwasm(&["run", &wc]);
    assert!(
        empty.stdout.starts_with("bytes=0 lines=0 words=0 "),
        "{empty:?}"
    );
}

#[test]
fn inherited_stdin_is_recorded_and_replays_without_it() {
    let wc = wasi_program("wc.wasm");
    let dir = TempDir::new("stdin-trace");
    let piped_trace = dir.0.join("piped.trace");
    let file_trace = dir.0.join("file.trace");
    let text = "alpha beta\ngamma\n".repeat(5000);
    let piped = detwasm_stdin(
        &["run", "--trace", piped_trace.to_str().unwrap(), &wc],
        text.as_bytes(),
    );
    assert_eq!(piped.code, 0, "{piped:?}");
    // The trace of a piped stdin equals the trace of the same bytes given as a file:
    // the start event records the bytes the host held, which is all of them here.
    let file = dir.file("in.txt", text.as_bytes());
    let from_file = detwasm(&[
        "run",
        "--stdin",
        &file,
        "--trace",
        file_trace.to_str().unwrap(),
        &wc,
    ]);
    assert_eq!(from_file.stdout, piped.stdout);
    let a = std::fs::read(&piped_trace).unwrap();
    let b = std::fs::read(&file_trace).unwrap();
    assert!(a == b, "the piped and file traces differ");
    let show = detwasm(&["trace", "show", piped_trace.to_str().unwrap()]);
    assert!(
        show.stdout
            .contains(&format!("\"stdin_len\":{}", text.len())),
        "{}",
        &show.stdout[..show.stdout.len().min(2000)]
    );
    // Replay answers fd_read from the trace: no stdin needed.
    let replay = detwasm(&["replay", piped_trace.to_str().unwrap(), &wc]);
    assert_eq!(replay.code, 0, "{replay:?}");
    assert!(replay.stdout.starts_with("identical "), "{replay:?}");
}

#[test]
fn run_has_no_practical_gas_limit_by_default() {
    // 2 500 000 fills of 32 KiB at 4096 gas each (SPEC.md §Gas: 1 per 8 bytes), plus
    // the loop: more than 10^10 gas, the old default, in a few seconds.
    let dir = TempDir::new("gas");
    let m = dir.wat(
        "burn.wasm",
        r#"(module (memory 1)
             (func (export "burn") (result i64) (local $i i32)
               (loop $l
                 (memory.fill (i32.const 0) (local.get $i) (i32.const 32768))
                 (local.set $i (i32.add (local.get $i) (i32.const 1)))
                 (br_if $l (i32.lt_u (local.get $i) (i32.const 2500000))))
               (i64.const 1)))"#,
    );
    let out = detwasm(&["run", "--summary=json", "--invoke", "burn", &m]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "1\n");
    assert!(
        json_field(&out.stderr, "gas_used") > 10_000_000_000,
        "{out:?}"
    );
    assert_eq!(json_field(&out.stderr, "gas_limit"), u64::MAX, "{out:?}");
    // --gas still sets one.
    let limited = detwasm(&["run", "--gas", "1000000", "--invoke", "burn", &m]);
    assert_eq!(limited.code, EXIT_TRAP, "{limited:?}");
}

#[test]
fn run_sets_limits_by_name() {
    let fib = program("fib.wasm");
    let size = std::fs::metadata(&fib).unwrap().len();
    let small = format!("max_module_bytes={}", size - 1);
    check_user_error(
        &["run", "--limit", &small, "--invoke", "fib", &fib, "3"],
        "limit max_module_bytes exceeded",
    );
    let exact = format!("max_module_bytes={size}");
    check_ok(
        &["run", "--limit", &exact, "--invoke", "fib", &fib, "3"],
        "2\n",
    );
    // The stack numbers too: fib(20) recurses 20 deep.
    check_trap(
        &[
            "run",
            "--limit",
            "max_call_depth=5",
            "--invoke",
            "fib",
            &fib,
            "20",
        ],
        "call stack exhausted",
    );
    check_ok(
        &[
            "run",
            "--limit",
            "max_call_depth=0x40",
            "--invoke",
            "fib",
            &fib,
            "20",
        ],
        "6765\n",
    );
    // Unknown names and bad values: one line naming the valid names.
    for (arg, needle) in [
        (
            "max_nothing=1",
            "unknown limit 'max_nothing' (names: max_module_bytes, ",
        ),
        ("max_funcs", "expected NAME=VALUE"),
        ("max_funcs=-1", "is not an unsigned integer"),
        ("max_funcs=4294967296", "does not fit in 32 bits"),
    ] {
        check_user_error(
            &["run", "--limit", arg, "--invoke", "fib", &fib, "3"],
            needle,
        );
    }
    let out = detwasm(&["run", "--limit", "max_nothing=1", &fib]);
    assert!(out
        .stderr
        .contains("max_stack_height, max_live_exceptions, max_file_bytes, max_fs_bytes)"));
    assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
}

#[test]
fn run_loads_a_module_above_the_default_size_with_limit() {
    // A valid module of 257 MiB (the default max_module_bytes is 256 MiB): fib.wasm
    // with a custom section appended.
    let default = detwasm::Config::default().limits.max_module_bytes;
    let mut bytes = std::fs::read(program("fib.wasm")).unwrap();
    let payload = usize::try_from(default).unwrap() + (1 << 20);
    bytes.push(0); // custom section id
    let mut size = payload + 2; // name length byte + "x"
    let mut leb = Vec::new();
    loop {
        let b = (size & 0x7f) as u8;
        size >>= 7;
        if size == 0 {
            leb.push(b);
            break;
        }
        leb.push(b | 0x80);
    }
    bytes.extend_from_slice(&leb);
    bytes.extend_from_slice(&[1, b'x']);
    bytes.resize(bytes.len() + payload, 0);
    let dir = TempDir::new("big-module");
    let big = dir.file("big.wasm", &bytes);
    drop(bytes);
    check_user_error(
        &["run", "--invoke", "fib", &big, "10"],
        "limit max_module_bytes exceeded",
    );
    check_ok(
        &[
            "run",
            "--limit",
            "max_module_bytes=0x20000000",
            "--invoke",
            "fib",
            &big,
            "10",
        ],
        "55\n",
    );
}

#[test]
fn inspect_lists_functions_and_their_bytecode_with_wasm_offsets() {
    let fib = "benches/programs/fib.wasm".to_string();
    let out = detwasm(&["inspect", &fib]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.starts_with("func 0 $fib [i32] -> [i32]: "),
        "{out:?}"
    );
    let out = detwasm(&["inspect", "--bytecode", &fib, "fib"]);
    assert_eq!(out.code, 0, "{out:?}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[1].contains("ConsumeGas") && lines[1].contains("segment head"),
        "{out:?}"
    );
    // Every other op names the module offset of a wasm instruction and its gas.
    assert!(lines[2..]
        .iter()
        .filter(|l| !l.contains("ConsumeGas"))
        .all(|l| l.contains("; @0x") && l.contains(" gas ")));
    assert!(out.stdout.contains("CallInternal func=0 base="), "{out:?}");
    // One function by index; unknown or imported functions are user errors.
    let by_index = detwasm(&["inspect", "--bytecode", &fib, "0"]);
    assert_eq!(by_index.stdout, out.stdout);
    check_user_error(
        &["inspect", &fib, "nope"],
        "no function export named 'nope'",
    );
    check_user_error(&["inspect", &fib, "7"], "no function 7");
}
