//! The real programs of tests/programs/ (C built for wasm32-wasi) and the SQLite shell,
//! run through the `detwasm` binary exactly as a user runs them: every case of
//! tests/programs/cases.json must give its expected stdout, stderr, exit code and final
//! tree (`--fs-out`); a second run must give identical output, tree and gas; the host
//! directories must be untouched; a different `--seed` changes only what depends on
//! randomness.

// Test helpers fail loudly on broken fixtures.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    summary: String,
    fs: String,
}

fn tmp(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("detwasm-programs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    p
}

/// Lists a tree as tests/programs/README.md defines `.fs` files, under the guest
/// mount path `prefix`.
fn listing(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map(|r| r.map(|e| e.unwrap()).collect())
        .unwrap_or_default();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = format!("{prefix}/{name}");
        let meta = std::fs::symlink_metadata(e.path()).unwrap();
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(e.path()).unwrap();
            out.push(format!("{path} symlink -> {}", target.display()));
        } else if meta.is_dir() {
            out.push(format!("{path} dir"));
            listing(&e.path(), &path, out);
        } else {
            let bytes = std::fs::read(e.path()).unwrap();
            out.push(format!(
                "{path} file {} {}",
                bytes.len(),
                hex::encode(Sha256::digest(&bytes))
            ));
        }
    }
}

fn run_case(case: &serde_json::Value, extra: &[&str], tag: &str) -> Run {
    let name = case["name"].as_str().unwrap();
    let out_dir = tmp(&format!("{name}-{tag}"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_detwasm"));
    cmd.current_dir(root()).arg("run").arg("--summary=json");
    cmd.arg("--fs-out").arg(&out_dir);
    let mut mounts = Vec::new();
    for d in case["dirs"].as_array().into_iter().flatten() {
        let d = d.as_str().unwrap();
        cmd.arg("--dir").arg(d);
        mounts.push(d.split_once("::").map_or(d, |(_, g)| g).to_string());
    }
    for e in case["env"].as_array().into_iter().flatten() {
        cmd.arg("--env").arg(e.as_str().unwrap());
    }
    if let Some(s) = case["stdin"].as_str() {
        cmd.arg("--stdin").arg(s);
    }
    cmd.args(extra);
    cmd.arg(case["module"].as_str().unwrap()).arg("--");
    for a in case["args"].as_array().into_iter().flatten() {
        cmd.arg(a.as_str().unwrap());
    }
    let out = cmd.output().expect("run detwasm");
    let mut stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // The last stderr line is the --summary=json object.
    let summary = stderr.lines().last().unwrap_or("").to_string();
    assert!(summary.starts_with("{\"exit_code\""), "{name}: {stderr}");
    stderr.truncate(stderr.len() - summary.len() - 1);
    let mut fs = Vec::new();
    for m in &mounts {
        listing(
            &out_dir.join(m.trim_start_matches('/')),
            m.trim_end_matches('/'),
            &mut fs,
        );
    }
    let _ = std::fs::remove_dir_all(&out_dir);
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
        summary,
        fs: fs.iter().map(|l| format!("{l}\n")).collect(),
    }
}

fn filtered(text: &str, ignore: Option<&str>) -> String {
    let Some(pattern) = ignore else {
        return text.to_string();
    };
    // The patterns are `^(a|b)X`: a line is dropped when it starts with a
    // alternative followed by X.
    let inner = pattern.trim_start_matches("^(");
    let (alts, tail) = inner.split_once(')').unwrap();
    let tail = tail.replace('\\', "");
    text.lines()
        .filter(|l| {
            !alts
                .split('|')
                .any(|a| l.starts_with(&format!("{a}{tail}")))
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

fn tree_digest(dir: &Path) -> String {
    let mut lines = Vec::new();
    listing(dir, "", &mut lines);
    lines.join("\n")
}

fn cases() -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(root().join("tests/programs/cases.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["cases"].as_array().unwrap().clone()
}

fn check_case(case: &serde_json::Value) {
    let name = case["name"].as_str().unwrap();
    let ignore = case["ignore_lines"].as_str();
    let host_dirs: Vec<PathBuf> = case["dirs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| root().join(d.as_str().unwrap().split("::").next().unwrap()))
        .collect();
    let before: Vec<String> = host_dirs.iter().map(|d| tree_digest(d)).collect();
    let a = run_case(case, &[], "a");
    let expected_stdout = match case["stdout_file"].as_str() {
        Some(f) => std::fs::read_to_string(root().join(f)).unwrap(),
        None => {
            std::fs::read_to_string(root().join(format!("tests/programs/expected/{name}.stdout")))
                .unwrap()
        }
    };
    let expected_stderr =
        std::fs::read_to_string(root().join(format!("tests/programs/expected/{name}.stderr")))
            .unwrap_or_default();
    assert_eq!(
        a.code,
        case["exit"].as_i64().unwrap() as i32,
        "{name}: exit code; stderr {}",
        a.stderr
    );
    assert_eq!(
        filtered(&a.stdout, ignore),
        expected_stdout,
        "{name}: stdout"
    );
    assert_eq!(
        filtered(&a.stderr, ignore),
        expected_stderr,
        "{name}: stderr"
    );
    if case["fs"].as_bool() == Some(true) {
        let expected_fs =
            std::fs::read_to_string(root().join(format!("tests/programs/expected/{name}.fs")))
                .unwrap();
        assert_eq!(a.fs, expected_fs, "{name}: final tree");
    }
    // Bit-identical again: output, tree, exit code and gas.
    let b = run_case(case, &[], "b");
    assert_eq!(
        (a.code, &a.stdout, &a.stderr, &a.fs, &a.summary),
        (b.code, &b.stdout, &b.stderr, &b.fs, &b.summary),
        "{name}: second run differs"
    );
    let after: Vec<String> = host_dirs.iter().map(|d| tree_digest(d)).collect();
    assert_eq!(before, after, "{name}: the host directory changed");
}

#[test]
fn every_program_case_gives_its_expected_outputs_twice() {
    let all = cases();
    assert!(all.len() >= 13);
    for case in &all {
        check_case(case);
    }
}

#[test]
fn a_different_seed_changes_only_random_lines() {
    let case = cases()
        .into_iter()
        .find(|c| c["name"] == "clock_rand")
        .unwrap();
    let a = run_case(&case, &["--seed", "1"], "s1");
    let b = run_case(&case, &["--seed", "2"], "s2");
    assert_eq!(a.code, 0);
    let (ra, rb): (Vec<&str>, Vec<&str>) = (
        a.stdout
            .lines()
            .filter(|l| l.starts_with("random:"))
            .collect(),
        b.stdout
            .lines()
            .filter(|l| l.starts_with("random:"))
            .collect(),
    );
    assert!(!ra.is_empty());
    assert_ne!(ra, rb, "random lines must depend on the seed");
    let rest = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| !l.starts_with("random:"))
            .map(String::from)
            .collect()
    };
    assert_eq!(rest(&a.stdout), rest(&b.stdout));
}
