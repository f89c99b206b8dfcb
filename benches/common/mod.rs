//! What the benchmarks share: the programs of `benches/programs/` with their entry
//! points, arguments and expected results, and one runner per engine (detwasm with gas
//! metering on or off, wasmi 2.0 with fuel off or on, both translating eagerly) that
//! instantiates a program once and calls its entry point; and the SQLite demo of
//! `examples/` as a whole embedded run, for detwasm only (wasmi would need a WASI host).
//! Included by `benches/execute.rs` and `benches/instructions.rs`.

use std::path::Path;

/// One benchmark program: its committed binary, entry point, argument and result.
pub struct Program {
    pub name: &'static str,
    pub export: &'static str,
    pub arg: i32,
    pub expected: Outcome,
}

/// A result both engines can produce, compared by bits.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    I32(i32),
    F64(u64),
}

pub const PROGRAMS: &[Program] = &[
    Program {
        name: "fib",
        export: "fib",
        arg: 25,
        expected: Outcome::I32(75025),
    },
    Program {
        name: "sha256",
        export: "sha256_bench",
        arg: 10,
        expected: Outcome::I32(-1511106770),
    },
    Program {
        name: "matmul",
        export: "matmul",
        arg: 64,
        expected: Outcome::F64(0xbfdb_0000_0000_0000), // -0.421875
    },
    Program {
        name: "nbody",
        export: "nbody",
        arg: 1000,
        expected: Outcome::F64(0xc049_1ea7_c9a4_3627), // -50.23949547308103
    },
    Program {
        name: "sieve",
        export: "sieve",
        arg: 150_000,
        expected: Outcome::I32(13848),
    },
    Program {
        name: "lz",
        export: "lz_bench",
        arg: 2,
        expected: Outcome::I32(1236599611),
    },
    Program {
        name: "vm",
        export: "vm_collatz",
        arg: 150,
        expected: Outcome::I32(5742),
    },
    Program {
        name: "hashtab",
        export: "hashtab",
        arg: 25_000,
        expected: Outcome::I32(-1038649143),
    },
    Program {
        name: "sort",
        export: "sort_bench",
        arg: 10_000,
        expected: Outcome::I32(-608596358),
    },
];

pub fn wasm_bytes(program: &Program) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/programs")
        .join(format!("{}.wasm", program.name));
    std::fs::read(&path).unwrap_or_else(|err| panic!("reading {}: {err}", path.display()))
}

// ---- detwasm ----------------------------------------------------------------------

/// Gas high enough that no benchmark run can exhaust it.
pub const DETWASM_GAS: u64 = 1 << 60;

/// A detwasm engine with gas metering on (the default) or off.
pub fn detwasm_engine(metering: bool) -> detwasm::Engine {
    detwasm::Engine::new(detwasm::Config {
        gas_metering: metering,
        ..detwasm::Config::default()
    })
}

pub struct DetwasmRunner {
    store: detwasm::Store,
    func: detwasm::Func,
}

impl DetwasmRunner {
    pub fn new(engine: &detwasm::Engine, module: &detwasm::Module, export: &str) -> DetwasmRunner {
        let mut store = detwasm::Store::new(engine, ());
        store.set_gas_limit(DETWASM_GAS);
        let instance = store.instantiate(module, &[]).unwrap();
        let func = match store.instance_export(instance, export) {
            Some(detwasm::Extern::Func(func)) => func,
            other => panic!("export {export}: {other:?}"),
        };
        DetwasmRunner { store, func }
    }

    pub fn call(&mut self, arg: i32) -> Outcome {
        let results = self
            .store
            .invoke(self.func, &[detwasm::Value::I32(arg)])
            .unwrap();
        match results.as_slice() {
            [detwasm::Value::I32(v)] => Outcome::I32(*v),
            [detwasm::Value::F64(bits)] => Outcome::F64(*bits),
            other => panic!("unexpected results {other:?}"),
        }
    }
}

// ---- wasmi --------------------------------------------------------------------------

pub fn wasmi_engine(fuel: bool) -> wasmi::Engine {
    let mut config = wasmi::Config::default();
    config.compilation_mode(wasmi::CompilationMode::Eager);
    config.consume_fuel(fuel);
    wasmi::Engine::new(&config)
}

pub struct WasmiRunner {
    store: wasmi::Store<()>,
    func: wasmi::Func,
    fuel: bool,
    results: [wasmi::Val; 1],
}

impl WasmiRunner {
    pub fn new(
        engine: &wasmi::Engine,
        module: &wasmi::Module,
        export: &str,
        fuel: bool,
    ) -> WasmiRunner {
        let mut store = wasmi::Store::new(engine, ());
        if fuel {
            store.set_fuel(u64::MAX).unwrap();
        }
        let linker = wasmi::Linker::<()>::new(engine);
        let instance = linker.instantiate_and_start(&mut store, module).unwrap();
        let func = instance.get_func(&store, export).unwrap();
        WasmiRunner {
            store,
            func,
            fuel,
            results: [wasmi::Val::I32(0)],
        }
    }

    pub fn call(&mut self, arg: i32) -> Outcome {
        if self.fuel {
            // Refill so that no number of iterations can run out.
            self.store.set_fuel(u64::MAX).unwrap();
        }
        self.func
            .call(&mut self.store, &[wasmi::Val::I32(arg)], &mut self.results)
            .unwrap();
        match &self.results[0] {
            wasmi::Val::I32(v) => Outcome::I32(*v),
            wasmi::Val::F64(v) => Outcome::F64(v.to_bits()),
            other => panic!("unexpected result {other:?}"),
        }
    }
}

// ---- the SQLite demo (detwasm only) -------------------------------------------------

/// The name the SQLite demo goes by in the benchmarks' tables.
pub const SQLITE_DEMO: &str = "sqlite_demo";

/// The SQLite demo of README.md: the SQLite shell (`examples/sqlite3.wasm`) running
/// `examples/sql/demo.sql` from stdin against `/data/demo.db`, with `examples/sql`
/// preloaded at `/data`, through `session::run` (validation, translation,
/// instantiation and the run with its 2 200 host calls, trace recorded as by default;
/// about 600 M gas). There is no wasmi counterpart: it would need a WASI host.
pub struct SqliteDemo {
    bytes: Vec<u8>,
    wasi: detwasm::wasi::WasiConfig,
    expected: String,
}

impl SqliteDemo {
    /// The module's bytes (`examples/sqlite3.wasm`).
    #[allow(dead_code)] // used by benches/execute.rs (translation), not by instructions.rs
    pub fn module_bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn load() -> SqliteDemo {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let read = |path: &str| {
            std::fs::read(root.join(path)).unwrap_or_else(|err| panic!("reading {path}: {err}"))
        };
        let wasi = detwasm::wasi::WasiConfig {
            args: vec!["sqlite3.wasm".to_string(), "/data/demo.db".to_string()],
            stdin: read("examples/sql/demo.sql"),
            preopens: vec![detwasm::wasi::Preopen {
                guest_path: "/data".to_string(),
                tree: detwasm::wasi::fs::Dir::load_host(root.join("examples/sql")).unwrap(),
            }],
            ..detwasm::wasi::WasiConfig::default()
        };
        SqliteDemo {
            bytes: read("examples/sqlite3.wasm"),
            wasi,
            expected: String::from_utf8(read("examples/sql/expected.txt")).unwrap(),
        }
    }

    /// One whole run with gas metering on or off; checks its exit code and stdout
    /// against `examples/sql/expected.txt` (which leaves out the lines starting with
    /// `clock|` and `random|`, as tests/programs/cases.json does).
    pub fn run(&self, metering: bool) {
        let rc = detwasm::session::RunConfig {
            config: detwasm::Config {
                gas_metering: metering,
                gas_limit: DETWASM_GAS,
                ..detwasm::Config::default()
            },
            wasi: self.wasi.clone(),
            ..detwasm::session::RunConfig::default()
        };
        let out = detwasm::session::run(&self.bytes, rc).unwrap();
        assert!(out.trap.is_none(), "SQLite demo trapped: {:?}", out.trap);
        assert_eq!(out.exit_code, Some(0), "SQLite demo exit code");
        let stdout = String::from_utf8(out.stdout).unwrap();
        let kept: String = stdout
            .split_inclusive('\n')
            .filter(|line| !line.starts_with("clock|") && !line.starts_with("random|"))
            .collect();
        assert!(
            kept == self.expected,
            "SQLite demo stdout differs from expected.txt"
        );
    }
}

// ---- callgrind ----------------------------------------------------------------------

/// The machine instructions valgrind's callgrind counts for this benchmark binary run
/// as `EXE run ARGS... REPS` (the benchmarks' child mode). Needs `valgrind` on the PATH.
#[allow(dead_code)] // `benches/execute.rs` measures time only
pub fn callgrind_count(args: &[&str], reps: u32) -> u64 {
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(&exe)
        .arg("run")
        .args(args)
        .arg(reps.to_string())
        .output()
        .unwrap_or_else(|e| panic!("running valgrind: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{args:?} x{reps} under callgrind failed:\n{stderr}"
    );
    // callgrind's summary line: "==PID== Collected : N".
    stderr
        .lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no instruction count in callgrind's output:\n{stderr}"))
}

/// The instructions of the second of two repetitions: count(2) - count(1), for runs
/// too long under callgrind to repeat three times.
#[allow(dead_code)] // `benches/execute.rs` measures time only
pub fn callgrind_second_rep(args: &[&str]) -> u64 {
    callgrind_count(args, 2).saturating_sub(callgrind_count(args, 1))
}

/// The instructions of one repetition: (count(3) - count(1)) / 2, which leaves out
/// process start-up, loading and translation.
#[allow(dead_code)] // `benches/execute.rs` measures time only
pub fn callgrind_per_rep(args: &[&str]) -> u64 {
    callgrind_count(args, 3).saturating_sub(callgrind_count(args, 1)) / 2
}

// ---- timing -------------------------------------------------------------------------

/// Runs per timed figure of the harness benchmarks (`DETWASM_BENCH_RUNS`, default 15).
#[allow(dead_code)] // criterion benchmarks choose their own sample counts
pub fn runs() -> usize {
    std::env::var("DETWASM_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15)
}

/// The median of `v` (the upper one for an even count); `v` is not empty.
#[allow(dead_code)] // criterion benchmarks report their own statistics
pub fn median(mut v: Vec<std::time::Duration>) -> std::time::Duration {
    v.sort();
    v[v.len() / 2]
}
