//! What the benchmarks share: the programs of `benches/programs/` with their entry
//! points, arguments and expected results, and one runner per engine (detwasm with gas
//! metering on or off, wasmi 2.0 with fuel off or on, both translating eagerly) that
//! instantiates a program once and calls its entry point. Included by
//! `benches/execute.rs` and `benches/instructions.rs`.

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
    func: detwasm::FuncAddr,
}

impl DetwasmRunner {
    pub fn new(engine: &detwasm::Engine, module: &detwasm::Module, export: &str) -> DetwasmRunner {
        let mut store = detwasm::Store::new(engine);
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
