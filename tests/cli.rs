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
    check_ok(&["run", &fib, "--invoke", "fib", "20"], "6765\n");
    check_ok(&["run", &fib, "--invoke", "fib", "0x14"], "6765\n");
    check_ok(&["run", &fib, "--invoke", "fib", "0"], "0\n");
    check_ok(&["run", "--invoke", "fib", &fib, "10"], "55\n");
}

#[test]
fn run_sha256_and_matmul() {
    let sha = program("sha256.wasm");
    check_ok(&["run", &sha, "--invoke", "sha256_abc"], "-1166534977\n");
    check_ok(
        &["run", &sha, "--invoke", "sha256_bench", "10"],
        "-1511106770\n",
    );
    let matmul = program("matmul.wasm");
    check_ok(&["run", &matmul, "--invoke", "matmul", "10"], "1.5625\n");
    check_ok(&["run", &matmul, "--invoke", "matmul", "0"], "-1.0\n");
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
        let mut argv = vec!["run", m.as_str(), "--invoke", name];
        argv.extend_from_slice(args);
        check_ok(&argv, stdout);
    }
}

#[test]
fn run_traps() {
    let dir = TempDir::new("traps");
    let m = dir.wat("traps.wasm", TRAPS_WAT);
    check_trap(&["run", &m, "--invoke", "boom"], "unreachable");
    check_trap(
        &["run", &m, "--invoke", "div", "1", "0"],
        "integer divide by zero",
    );
    check_trap(
        &["run", &m, "--invoke", "div", "-2147483648", "-1"],
        "integer overflow",
    );
    check_trap(
        &["run", &m, "--invoke", "oob"],
        "out of bounds memory access",
    );
    check_trap(
        &["run", &m, "--invoke", "spin", "--gas", "1000"],
        "out of gas",
    );
    // A trap in the start function is a trap too.
    let start = dir.wat(
        "start.wasm",
        r#"(module (func $s unreachable) (start $s) (func (export "f")))"#,
    );
    check_trap(&["run", &start, "--invoke", "f"], "unreachable");
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
    let out = detwasm(&["run", &fib, "--invoke", "fib", "20", "--summary=json"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "6765\n"));
    let json = out.stderr.trim_end();
    assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
    assert!(
        json.starts_with(r#"{"exit_code":0,"trap":null,"gas_used":"#),
        "{json}"
    );
    assert!(
        json.contains(r#","gas_limit":10000000000,"trace_hash":""#),
        "{json}"
    );
    let hash = json_str(json, "trace_hash");
    assert_eq!(hash.len(), 64, "{json}");
    let gas_used = json_field(json, "gas_used");
    // Pinned: the gas schedule (SPEC.md §Gas, version 1) and the committed fib.wasm
    // determine it; a change of either must update this number.
    assert_eq!(gas_used, 335_123, "{json}");

    // The same run again uses exactly the same gas, and the text form agrees.
    let again = detwasm(&["run", &fib, "--invoke", "fib", "20", "--summary=json"]);
    assert_eq!(again.stderr, out.stderr);
    let text = detwasm(&[
        "run",
        &fib,
        "--summary",
        "--invoke",
        "fib",
        "20",
        "--gas",
        "99999999",
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
        &fib,
        "--invoke",
        "fib",
        "20",
        "--gas",
        "100",
        "--summary=json",
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
    check_user_error(&["run", missing, "--invoke", "fib", "1"], "cannot read");
    let garbage = dir.file("garbage.wasm", b"\0asm\x01\0\0\0\x01\xff");
    check_user_error(&["run", &garbage, "--invoke", "fib", "1"], "invalid module");
    let text = dir.file("text.wasm", b"(module)");
    check_user_error(&["run", &text, "--invoke", "fib", "1"], "invalid module");
    let simd = dir.wat(
        "simd.wasm",
        r#"(module (func (export "f") (result v128) (v128.const i64x2 0 0)))"#,
    );
    check_user_error(&["run", &simd, "--invoke", "f"], "invalid module");
    let imports = dir.wat(
        "imports.wasm",
        r#"(module (import "env" "foo" (func)) (import "wasi_snapshot_preview1" "proc_raise" (func (param i32) (result i32))))"#,
    );
    check_user_error(&["run", &imports, "--invoke", "f"], "\"env\" \"foo\"");
    check_user_error(
        &["run", &imports, "--invoke", "f"],
        "\"wasi_snapshot_preview1\" \"proc_raise\"",
    );
    check_user_error(
        &["run", &fib, "--invoke", "fib", "abc"],
        "cannot parse 'abc' as i32",
    );
    check_user_error(&["run", &fib, "--invoke", "fib", "4294967296"], "as i32");
    check_user_error(
        &["run", &fib, "--invoke", "fib"],
        "takes 1 argument(s), but 0 were given",
    );
    check_user_error(
        &["run", &fib, "--invoke", "fib", "1", "2"],
        "but 2 were given",
    );
    check_user_error(
        &["run", &fib, "--invoke", "nope", "1"],
        "no export named 'nope' (exported functions: fib)",
    );
    check_user_error(
        &["run", &fib, "--invoke", "memory"],
        "export 'memory' is a memory, not a function",
    );
    check_user_error(&["run", &fib, "fib", "1"], "--invoke");
    check_user_error(
        &["run", &fib, "--invoke", "fib", "1", "--gas", "lots"],
        "lots",
    );
    check_user_error(
        &["run", &fib, "--invoke", "fib", "1", "--summary=yaml"],
        "yaml",
    );
    check_user_error(&["run", &fib, "--invoke", "fib", "-0x1"], "use '-- -0'");
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
