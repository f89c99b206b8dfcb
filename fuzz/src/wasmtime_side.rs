//! The wasmtime side: the oracle for exception handling (`throw`, `throw_ref`,
//! `try_table`, `exnref`) and its interplay with calls, tail calls and traps, which
//! wasmi lacks. Cranelift's NaN canonicalization gives SPEC.md §NaN's canonical NaNs
//! (positive, quiet, payload zero), so floats compare by bits. Fuel is only a bound;
//! wasmtime's native-stack overflow and fuel exhaustion are inconclusive. Store limits
//! mirror SPEC.md §Limits' growth limits. Compiled only with the `eh` feature.

use wasmtime::{
    Config, Engine, Instance, Linker, Module, Ref, Store, StoreLimits, StoreLimitsBuilder, Trap,
    Val as WVal,
};

use super::diff::Oracle;
use super::{Item, Outcome, Snapshot, Val};

const PAGE: usize = 65536;

pub struct Wasmtime {
    store: Store<StoreLimits>,
    module: Module,
    inst: Option<Instance>,
}

fn val(v: &WVal) -> Val {
    match v {
        WVal::I32(x) => Val::I32(*x as u32),
        WVal::I64(x) => Val::I64(*x as u64),
        WVal::F32(x) => Val::F32(*x),
        WVal::F64(x) => Val::F64(*x),
        WVal::FuncRef(r) => Val::Func(r.is_some().then_some(u32::MAX)),
        WVal::ExternRef(r) => Val::Extern(r.is_some().then_some(u32::MAX)),
        WVal::ExnRef(r) => Val::Exn(r.is_some()),
        other => panic!("wasmtime returned a value outside the profile: {other:?}"),
    }
}

fn ref_val(r: &Ref) -> Val {
    match r {
        Ref::Func(f) => Val::Func(f.is_some().then_some(u32::MAX)),
        Ref::Extern(e) => Val::Extern(e.is_some().then_some(u32::MAX)),
        Ref::Exn(e) => Val::Exn(e.is_some()),
        other => panic!("wasmtime table element outside the profile: {other:?}"),
    }
}

fn outcome_of_error(e: &wasmtime::Error) -> Outcome {
    let name = match e.downcast_ref::<Trap>() {
        Some(Trap::UnreachableCodeReached) => "unreachable",
        Some(Trap::MemoryOutOfBounds) => "memory_out_of_bounds",
        Some(Trap::TableOutOfBounds) => "table_out_of_bounds",
        Some(Trap::IndirectCallToNull) => "uninitialized_element",
        Some(Trap::BadSignature) => "indirect_call_type_mismatch",
        Some(Trap::IntegerOverflow) => "integer_overflow",
        Some(Trap::IntegerDivisionByZero) => "integer_divide_by_zero",
        Some(Trap::BadConversionToInteger) => "invalid_conversion_to_integer",
        Some(Trap::NullReference) => "null_reference",
        Some(Trap::StackOverflow) => {
            return Outcome::Inconclusive("wasmtime stack overflow".into())
        }
        Some(Trap::OutOfFuel) => return Outcome::Inconclusive("wasmtime out of fuel".into()),
        Some(other) => return Outcome::Inconclusive(format!("wasmtime trap {other:?}")),
        None if e.is::<wasmtime::ThrownException>() => "uncaught_exception",
        None => return Outcome::Inconclusive(format!("wasmtime error: {e:?}")),
    };
    Outcome::Trap(name.to_string())
}

impl Wasmtime {
    /// The shared engine (creating one per case would dominate the run time).
    fn engine() -> Result<&'static Engine, String> {
        static ENGINE: std::sync::OnceLock<Result<Engine, String>> = std::sync::OnceLock::new();
        ENGINE
            .get_or_init(|| {
                let mut config = Config::new();
                config
                    .wasm_exceptions(true)
                    .wasm_tail_call(true)
                    .wasm_reference_types(true)
                    .wasm_simd(false)
                    .wasm_relaxed_simd(false)
                    .wasm_multi_memory(false)
                    .wasm_memory64(false)
                    .cranelift_nan_canonicalization(true)
                    .consume_fuel(true)
                    .max_wasm_stack(1 << 20);
                Engine::new(&config).map_err(|e| format!("{e:?}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    pub fn new(bytes: &[u8]) -> Result<Wasmtime, String> {
        let engine = Self::engine()?;
        let module = Module::new(engine, bytes).map_err(|e| format!("{e:?}"))?;
        let limits = StoreLimitsBuilder::new()
            .memory_size(16_384 * PAGE)
            .table_elements(10_000_000)
            .build();
        let mut store = Store::new(engine, limits);
        store.limiter(|l| l);
        Ok(Wasmtime {
            store,
            module,
            inst: None,
        })
    }
}

impl Oracle for Wasmtime {
    fn name(&self) -> &'static str {
        "wasmtime"
    }

    fn instantiate(&mut self, fuel: u64) -> Outcome {
        self.store.set_fuel(fuel).expect("fuel");
        let linker = Linker::new(self.store.engine());
        match linker.instantiate(&mut self.store, &self.module) {
            Ok(i) => {
                self.inst = Some(i);
                Outcome::Values(Vec::new())
            }
            Err(e) => outcome_of_error(&e),
        }
    }

    fn call(&mut self, name: &str, args: &[Val], fuel: u64) -> Outcome {
        let inst = self.inst.expect("instantiated");
        let f = inst
            .get_func(&mut self.store, name)
            .expect("wasmtime export");
        let ty = f.ty(&self.store);
        let args: Vec<WVal> = ty
            .params()
            .zip(args)
            .map(|(t, a)| match *a {
                Val::I32(x) => WVal::I32(x as i32),
                Val::I64(x) => WVal::I64(x as i64),
                Val::F32(x) => WVal::F32(x),
                Val::F64(x) => WVal::F64(x),
                // References are null (see `arbitrary_args`).
                _ => WVal::default_for_ty(&t).expect("defaultable"),
            })
            .collect();
        let mut results: Vec<WVal> = ty
            .results()
            .map(|t| WVal::default_for_ty(&t).expect("defaultable"))
            .collect();
        self.store.set_fuel(fuel).expect("fuel");
        match f.call(&mut self.store, &args, &mut results) {
            Ok(()) => Outcome::Values(results.iter().map(val).collect()),
            Err(e) => outcome_of_error(&e),
        }
    }

    fn snapshot(&mut self) -> Snapshot {
        let Some(inst) = self.inst else {
            return Snapshot::default();
        };
        let names: Vec<String> = self
            .module
            .exports()
            .map(|e| e.name().to_string())
            .collect();
        let store = &mut self.store;
        let mut out = Vec::new();
        for name in names {
            let item = match inst.get_export(&mut *store, &name) {
                Some(wasmtime::Extern::Memory(m)) => Item::Memory(m.data(&*store).to_vec()),
                Some(wasmtime::Extern::Global(g)) => Item::Global(val(&g.get(&mut *store))),
                Some(wasmtime::Extern::Table(t)) => {
                    let n = t.size(&*store);
                    Item::Table(
                        (0..n)
                            .map(|i| ref_val(&t.get(&mut *store, i).expect("in bounds")))
                            .collect(),
                    )
                }
                _ => continue,
            };
            out.push((name, item));
        }
        Snapshot(out)
    }
}
