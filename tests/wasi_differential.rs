//! The differential WASI test (issue 12): every case of `tests/programs/cases.json`
//! (the real programs, the raw-ABI probes `wasi_edges` and `wasi_misc`, the SQLite
//! demo) runs under the `detwasm` binary and under wasmtime, and both must agree on
//! exit code, stdout, stderr and the final file tree, except for the intentional
//! differences listed with their reasons in `tests/programs/wasi_differences.json`.
//!
//! wasmtime is the PyPI package `wasmtime` (it ships the engine), pinned to
//! [`WASMTIME_VERSION`] and installed by this test into a virtual environment under
//! the cargo target directory the first time it runs (so `cargo test --release` sets
//! itself up on a fresh machine with python3 and access to PyPI). The comparison is
//! `tests/programs/wasi_diff.py`; run it by hand to see every case.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The wasmtime release the behaviour is compared with.
const WASMTIME_VERSION: &str = "50.0.1";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The virtual environment's python, with wasmtime [`WASMTIME_VERSION`] installed.
fn python_with_wasmtime() -> PathBuf {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasi-diff-venv");
    let python = venv.join("bin/python");
    let check = format!(
        "import importlib.metadata as m, wasmtime; assert m.version('wasmtime') == '{WASMTIME_VERSION}'"
    );
    let ready = |p: &Path| {
        Command::new(p)
            .args(["-c", &check])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if ready(&python) {
        return python;
    }
    let _ = std::fs::remove_dir_all(&venv);
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .expect("python3 runs (the differential WASI test needs python3)");
    assert!(
        made.status.success(),
        "python3 -m venv failed: {}",
        String::from_utf8_lossy(&made.stderr)
    );
    let pip = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("wasmtime=={WASMTIME_VERSION}"),
        ])
        .output()
        .unwrap();
    assert!(
        pip.status.success(),
        "installing wasmtime {WASMTIME_VERSION} from PyPI failed (the differential WASI \
         test needs it): {}",
        String::from_utf8_lossy(&pip.stderr)
    );
    assert!(
        ready(&python),
        "wasmtime {WASMTIME_VERSION} does not import"
    );
    python
}

#[test]
fn detwasm_and_wasmtime_agree_on_every_wasi_program() {
    let python = python_with_wasmtime();
    let out = Command::new(&python)
        .current_dir(root())
        .arg("tests/programs/wasi_diff.py")
        .arg("--detwasm")
        .arg(env!("CARGO_BIN_EXE_detwasm"))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    println!("{report}");
    assert!(
        out.status.success(),
        "detwasm and wasmtime differ:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every case ran: the report ends with the count, and nothing failed.
    let cases = std::fs::read_to_string(root().join("tests/programs/cases.json")).unwrap();
    let n = cases.matches("\"name\":").count();
    assert!(
        report.contains(&format!("{n} passed, 0 failed")),
        "{report}"
    );
}
