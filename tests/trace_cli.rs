//! The trace commands of the `detwasm` binary: `trace show`, `diff`, `replay` and
//! `replay --live`, on committed vectors: exact first lines, exit codes (0 identical,
//! 1 divergent, 2 unusable input) and the named divergence.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn detwasm(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_detwasm"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .output()
        .expect("the detwasm binary runs");
    Output {
        code: out.status.code().expect("an exit code"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn expected_hash(vector: &str) -> String {
    let text = std::fs::read_to_string(
        Path::new("vectors")
            .join(vector)
            .join("expected/result.txt"),
    )
    .or_else(|_| {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("vectors")
                .join(vector)
                .join("expected/result.txt"),
        )
    })
    .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("trace_hash = "))
        .unwrap()
        .to_string()
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("detwasm-trace-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn show_prints_json_lines() {
    let r = detwasm(&["trace", "show", "vectors/wasi_proc_exit/trace.bin"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[0].starts_with("{\"index\":0,\"kind\":\"start\",\"format_version\":2,"));
    assert!(lines[lines.len() - 2].contains("\"kind\":\"end\",\"outcome\":{\"exit\":7}"));
    assert_eq!(
        lines[lines.len() - 1],
        format!(
            "{{\"kind\":\"trailer\",\"events\":{},\"trace_hash\":\"{}\"}}",
            lines.len() - 1,
            expected_hash("wasi_proc_exit")
        )
    );
}

#[test]
fn diff_names_the_first_difference() {
    let same = detwasm(&[
        "diff",
        "vectors/wasi_clock/trace.bin",
        "vectors/wasi_clock/trace.bin",
    ]);
    assert_eq!(same.code, 0);
    assert_eq!(
        same.stdout,
        format!("identical {}\n", expected_hash("wasi_clock"))
    );
    let r = detwasm(&[
        "diff",
        "vectors/wasi_random/trace.bin",
        "vectors/wasi_random_seed_8/trace.bin",
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "first divergence at event 0");
    assert_eq!(lines[3], "  field: seed");
    assert_eq!(lines[4], "  expected: 7");
    assert_eq!(lines[5], "  actual:   8");
}

#[test]
fn replay_reproduces_a_vector_without_its_inputs() {
    let r = detwasm(&[
        "replay",
        "vectors/prog_fs_ops/trace.bin",
        "tests/programs/fs_ops.wasm",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.stdout,
        format!(
            "identical {} (file system answers taken from the trace; use --live to check them)\n",
            expected_hash("prog_fs_ops")
        )
    );
    // Live: the real host with the recorded run's inputs.
    let r = detwasm(&[
        "replay",
        "--live",
        "--stdin",
        "tests/programs/input/words.txt",
        "vectors/prog_wc/trace.bin",
        "tests/programs/wc.wasm",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.stdout,
        format!("identical {}\n", expected_hash("prog_wc"))
    );
    // Live without the stdin: the start event already differs.
    let r = detwasm(&[
        "replay",
        "--live",
        "vectors/prog_wc/trace.bin",
        "tests/programs/wc.wasm",
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.starts_with("first divergence at event 0\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("  field: stdin_len\n  expected: 1160\n  actual:   0\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn unusable_traces_are_user_errors() {
    let r = detwasm(&[
        "replay",
        "vectors/prog_wc/trace.bin",
        "tests/programs/fs_ops.wasm",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("error: the trace was recorded from another module: trace module sha256 "),
        "{}",
        r.stderr
    );
    let bytes = std::fs::read("vectors/prog_wc/trace.bin").unwrap();
    let cut = temp("cut.trace");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let r = detwasm(&["trace", "show", cut.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(": truncated trace: "), "{}", r.stderr);
    let mut flipped = bytes.clone();
    flipped[100] ^= 1;
    let bad = temp("flipped.trace");
    std::fs::write(&bad, &flipped).unwrap();
    let r = detwasm(&["diff", bad.to_str().unwrap(), "vectors/prog_wc/trace.bin"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("trace hash mismatch"), "{}", r.stderr);
    let r = detwasm(&["trace", "show", "tests/programs/wc.wasm"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("not a detwasm trace file"),
        "{}",
        r.stderr
    );
}
