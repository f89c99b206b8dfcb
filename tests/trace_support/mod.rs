//! Shared by `tests/vectors.rs` and `tests/trace.rs`: loading the golden vectors of
//! `vectors/` (their `run.conf`, documented in `vectors/README.md`), turning one into
//! a `RunConfig`, and rendering a run's expected files (`expected/result.txt`,
//! `stdout`, `stderr`, `fs.txt`, `trace.bin`).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use detwasm::session::{RunConfig, RunOutcome};
use detwasm::trace::{Event, Outcome};
use detwasm::wasi::fs::{Dir, Entry};
use detwasm::wasi::{Preopen, WasiConfig};
use sha2::{Digest, Sha256};

/// The repository's `vectors/` directory.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// One vector: its directory and parsed `run.conf`.
#[derive(Debug, Clone)]
pub struct Vector {
    pub name: String,
    pub dir: PathBuf,
    pub entries: Vec<(String, String)>,
}

impl Vector {
    /// Every value of `key`, in order.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The last value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.all(key).last().copied()
    }

    fn num(&self, key: &str) -> Option<u64> {
        self.get(key).map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{}: bad {key} {v:?}", self.name))
        })
    }

    /// Whether the vector is marked `slow = true` (run in debug builds only with
    /// `DETWASM_SLOW_VECTORS=1`).
    pub fn slow(&self) -> bool {
        self.get("slow") == Some("true")
    }

    /// Whether the trace file is stored (`trace = full`, the default) or only its hash.
    pub fn stores_trace(&self) -> bool {
        self.get("trace") != Some("hash-only")
    }

    /// Path of the module binary.
    pub fn module_path(&self) -> PathBuf {
        self.dir.join(self.get("module").unwrap_or("module.wasm"))
    }

    /// The module's bytes.
    pub fn module_bytes(&self) -> Vec<u8> {
        std::fs::read(self.module_path())
            .unwrap_or_else(|e| panic!("{}: cannot read module: {e}", self.name))
    }

    /// The run configuration.
    pub fn run_config(&self) -> RunConfig {
        let mut rc = RunConfig::default();
        let mut wasi = WasiConfig {
            args: self.all("argv").iter().map(|s| s.to_string()).collect(),
            ..WasiConfig::default()
        };
        for e in self.all("env") {
            let (k, v) = e.split_once('=').expect("env is NAME=VALUE");
            wasi.env.push((k.to_string(), v.to_string()));
        }
        if let Some(s) = self.get("stdin") {
            wasi.stdin = std::fs::read(self.dir.join(s)).unwrap();
        }
        for d in self.all("dir") {
            let (host, guest) = d.split_once("::").expect("dir is HOST::GUEST");
            wasi.preopens.push(Preopen {
                guest_path: guest.to_string(),
                tree: Dir::load_host(self.dir.join(host)).unwrap(),
            });
        }
        if let Some(v) = self.num("seed") {
            wasi.seed = v;
        }
        if let Some(v) = self.num("clock_start_ns") {
            wasi.clock_start_ns = v;
        }
        if let Some(v) = self.num("max_file_bytes") {
            wasi.max_file_bytes = v;
        }
        if let Some(v) = self.num("max_fs_bytes") {
            wasi.max_fs_bytes = v;
        }
        if let Some(v) = self.num("gas_limit") {
            rc.config.gas_limit = v;
        }
        if let Some(v) = self.num("max_call_depth") {
            rc.config.max_call_depth = u32::try_from(v).unwrap();
        }
        if let Some(v) = self.num("max_stack_height") {
            rc.config.max_stack_height = v;
        }
        if let Some(v) = self.num("max_live_exceptions") {
            rc.config.max_live_exceptions = u32::try_from(v).unwrap();
        }
        if let Some(v) = self.num("max_memory_pages") {
            rc.config.limits.max_memory_pages = u32::try_from(v).unwrap();
        }
        if let Some(v) = self.num("max_table_elements") {
            rc.config.limits.max_table_elements = u32::try_from(v).unwrap();
        }
        if let Some(name) = self.get("invoke") {
            let args = self.all("arg").iter().map(|s| s.to_string()).collect();
            rc.invoke = Some((name.to_string(), args));
        }
        rc.wasi = wasi;
        rc
    }
}

/// Parses a `run.conf`: `key = value` lines, `#` comments, blank lines ignored; the
/// value is everything after the first `=` minus one leading space.
pub fn parse_conf(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| {
            let (k, v) = l
                .split_once('=')
                .unwrap_or_else(|| panic!("bad line {l:?}"));
            (
                k.trim().to_string(),
                v.strip_prefix(' ').unwrap_or(v).to_string(),
            )
        })
        .collect()
}

/// Every vector, in name order.
pub fn load_all() -> Vec<Vector> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(vectors_dir()).unwrap() {
        let dir = entry.unwrap().path();
        let conf = dir.join("run.conf");
        if !conf.is_file() {
            continue;
        }
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        let entries = parse_conf(&std::fs::read_to_string(&conf).unwrap());
        out.push(Vector { name, dir, entries });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Whether slow vectors run: always in release builds, in debug builds only with
/// `DETWASM_SLOW_VECTORS=1`.
pub fn run_slow() -> bool {
    !cfg!(debug_assertions) || std::env::var("DETWASM_SLOW_VECTORS").as_deref() == Ok("1")
}

/// Lowercase hex SHA-256.
pub fn sha_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

/// The outcome line of `result.txt`.
pub fn outcome_text(o: &Outcome) -> String {
    match o {
        Outcome::Exit(s) => format!("exit {s}"),
        Outcome::Returned(vs) => {
            let mut s = "returned".to_string();
            for v in vs {
                s.push(' ');
                s.push_str(&v.text());
            }
            s
        }
        Outcome::Trap { code, func, .. } => {
            let f = if *func == u32::MAX {
                "none".to_string()
            } else {
                func.to_string()
            };
            format!("trap {} func {f}", code.name())
        }
    }
}

/// The final trees as `fs.txt` lines: `== GUEST_PATH`, then per entry `path dir`,
/// `path file SIZE SHA256` or `path symlink -> TARGET`, in walk order.
pub fn fs_text(preopens: &[Preopen]) -> String {
    let mut s = String::new();
    for p in preopens {
        writeln!(s, "== {}", p.guest_path).unwrap();
        for (path, entry) in p.tree.walk() {
            match entry {
                Entry::Dir => writeln!(s, "{path} dir").unwrap(),
                Entry::File(data) => {
                    writeln!(s, "{path} file {} {}", data.len(), sha_hex(data)).unwrap()
                }
                Entry::Symlink(t) => writeln!(s, "{path} symlink -> {t}").unwrap(),
            }
        }
    }
    s
}

/// The expected files of a vector for a run's outcome: (relative path, bytes).
pub fn expected_files(v: &Vector, out: &RunOutcome) -> Vec<(String, Vec<u8>)> {
    let spooled = out.trace.as_ref().expect("every run has a trace");
    let mut bytes = Vec::new();
    spooled.write_to(&mut bytes).unwrap();
    let trace = detwasm::trace::Trace::from_bytes(&bytes).unwrap();
    assert_eq!(trace.hash(), spooled.hash(), "{}", v.name);
    let events = trace.events().unwrap();
    let Some(Event::End(end)) = events.last() else {
        panic!("{}: no end event", v.name)
    };
    let calls = events
        .iter()
        .filter(|e| matches!(e, Event::HostCall(_)))
        .count();
    let h = detwasm::trace::hex32;
    let mut r = String::new();
    writeln!(r, "outcome = {}", outcome_text(&end.outcome)).unwrap();
    writeln!(r, "gas_used = {}", end.gas_used).unwrap();
    writeln!(r, "host_calls = {calls}").unwrap();
    writeln!(r, "events = {}", events.len()).unwrap();
    writeln!(r, "memory_sha256 = {}", h(&end.memory_sha256)).unwrap();
    writeln!(r, "globals_sha256 = {}", h(&end.globals_sha256)).unwrap();
    writeln!(r, "tables_sha256 = {}", h(&end.tables_sha256)).unwrap();
    writeln!(r, "fs_sha256 = {}", h(&end.fs_sha256)).unwrap();
    writeln!(r, "stdout_sha256 = {}", h(&end.stdout_sha256)).unwrap();
    writeln!(r, "stderr_sha256 = {}", h(&end.stderr_sha256)).unwrap();
    writeln!(r, "trace_hash = {}", trace.hash_hex()).unwrap();
    let mut files = vec![
        ("expected/result.txt".to_string(), r.into_bytes()),
        ("expected/stdout".to_string(), out.stdout.clone()),
        ("expected/stderr".to_string(), out.stderr.clone()),
    ];
    if !out.preopens.is_empty() {
        files.push((
            "expected/fs.txt".into(),
            fs_text(&out.preopens).into_bytes(),
        ));
    }
    if v.stores_trace() {
        files.push(("trace.bin".into(), trace.as_bytes().to_vec()));
    }
    files
}

/// The `trace_hash` recorded in a vector's `expected/result.txt`.
pub fn expected_trace_hash(v: &Vector) -> String {
    let text = std::fs::read_to_string(v.dir.join("expected/result.txt")).unwrap();
    parse_conf(&text)
        .into_iter()
        .find(|(k, _)| k == "trace_hash")
        .map(|(_, v)| v)
        .expect("result.txt has trace_hash")
}
