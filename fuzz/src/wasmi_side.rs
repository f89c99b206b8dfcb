//! The wasmi 2 side: the semantic oracle for modules without exceptions. Built with
//! wasmi's `deterministic` feature, which canonicalizes the NaN results of arithmetic
//! instructions exactly as SPEC.md §NaN, so floats compare by bits. Compiled eagerly;
//! fuel is only a bound (its costs differ from our gas), and wasmi's store limits are
//! set to SPEC.md §Limits' growth limits so `memory.grow`/`table.grow` fail alike.

use wasmi::{
    CompilationMode, Config, Engine, Extern, Instance, Linker, Module, Ref, Store, StoreLimits,
    StoreLimitsBuilder, TrapCode, Val as WVal, ValType,
};

use super::{Item, Outcome, Snapshot, Val};

/// Bytes of a 64 KiB page.
const PAGE: usize = 65536;

pub struct Wasmi {
    store: Store<StoreLimits>,
    module: Module,
    inst: Option<Instance>,
}

fn val(v: &WVal) -> Val {
    match v {
        WVal::I32(x) => Val::I32(*x as u32),
        WVal::I64(x) => Val::I64(*x as u64),
        WVal::F32(x) => Val::F32(x.to_bits()),
        WVal::F64(x) => Val::F64(x.to_bits()),
        // Addresses are wasmi's own: only null-ness is compared.
        WVal::FuncRef(r) => Val::Func((!r.is_null()).then_some(u32::MAX)),
        WVal::ExternRef(r) => Val::Extern((!r.is_null()).then_some(u32::MAX)),
        WVal::V128(_) => panic!("wasmi returned a v128 outside the profile"),
    }
}

fn ref_val(r: &Ref) -> Val {
    match r {
        Ref::Func(f) => Val::Func((!f.is_null()).then_some(u32::MAX)),
        Ref::Extern(e) => Val::Extern((!e.is_null()).then_some(u32::MAX)),
    }
}

/// The SPEC.md §Traps name of a wasmi error; fuel and stack exhaustion are
/// inconclusive (wasmi's limits are not ours).
fn outcome_of_error(e: &wasmi::Error) -> Outcome {
    let name = match e.as_trap_code() {
        Some(TrapCode::UnreachableCodeReached) => "unreachable",
        Some(TrapCode::MemoryOutOfBounds) => "memory_out_of_bounds",
        // wasmi reports a `call_indirect` index past the table as a table access out
        // of bounds; the comparison accepts it for `undefined_element` (diff.rs).
        Some(TrapCode::TableOutOfBounds) => "table_out_of_bounds",
        Some(TrapCode::IndirectCallToNull) => "uninitialized_element",
        Some(TrapCode::IntegerDivisionByZero) => "integer_divide_by_zero",
        Some(TrapCode::IntegerOverflow) => "integer_overflow",
        Some(TrapCode::BadConversionToInteger) => "invalid_conversion_to_integer",
        Some(TrapCode::BadSignature) => "indirect_call_type_mismatch",
        Some(TrapCode::StackOverflow) => {
            return Outcome::Inconclusive("wasmi stack overflow".into())
        }
        Some(TrapCode::OutOfFuel) => return Outcome::Inconclusive("wasmi out of fuel".into()),
        _ => return Outcome::Inconclusive(format!("wasmi error: {e}")),
    };
    Outcome::Trap(name.to_string())
}

impl Wasmi {
    /// Compiles `bytes`; an error is reported by the caller (every profile module
    /// without exceptions should compile).
    pub fn new(bytes: &[u8]) -> Result<Wasmi, String> {
        let mut config = Config::default();
        config
            .consume_fuel(true)
            .compilation_mode(CompilationMode::Eager)
            .wasm_tail_call(true)
            .wasm_extended_const(true)
            .set_max_recursion_depth(200_000)
            .set_max_stack_height(1 << 30);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, bytes).map_err(|e| e.to_string())?;
        let limits = StoreLimitsBuilder::new()
            .memory_size(16_384 * PAGE)
            .table_elements(10_000_000)
            .build();
        let mut store = Store::new(&engine, limits);
        store.limiter(|l| l);
        Ok(Wasmi {
            store,
            module,
            inst: None,
        })
    }

    pub fn instantiate(&mut self, fuel: u64) -> Outcome {
        self.store.set_fuel(fuel).expect("fuel");
        let linker = Linker::new(self.store.engine());
        match linker.instantiate_and_start(&mut self.store, &self.module) {
            Ok(i) => {
                self.inst = Some(i);
                Outcome::Values(Vec::new())
            }
            Err(e) => outcome_of_error(&e),
        }
    }

    pub fn call(&mut self, name: &str, args: &[Val], fuel: u64) -> Outcome {
        let inst = self.inst.expect("instantiated");
        let f = inst.get_func(&self.store, name).expect("wasmi export");
        let ty = f.ty(&self.store);
        let args: Vec<WVal> = ty
            .params()
            .iter()
            .zip(args)
            .map(|(t, a)| match *a {
                Val::I32(x) => WVal::I32(x as i32),
                Val::I64(x) => WVal::I64(x as i64),
                Val::F32(x) => WVal::F32(wasmi::F32::from_bits(x)),
                Val::F64(x) => WVal::F64(wasmi::F64::from_bits(x)),
                // References are null (see `arbitrary_args`).
                _ => WVal::default_for_ty(*t),
            })
            .collect();
        let mut results: Vec<WVal> = ty
            .results()
            .iter()
            .map(|t| WVal::default_for_ty(*t))
            .collect();
        self.store.set_fuel(fuel).expect("fuel");
        match f.call(&mut self.store, &args, &mut results) {
            Ok(()) => Outcome::Values(results.iter().map(val).collect()),
            Err(e) => outcome_of_error(&e),
        }
    }

    /// The exported memories, globals and tables, in export order.
    pub fn snapshot(&self) -> Snapshot {
        let Some(inst) = self.inst else {
            return Snapshot::default();
        };
        let mut out = Vec::new();
        for e in self.module.exports() {
            let name = e.name().to_string();
            let item = match inst.get_export(&self.store, &name) {
                Some(Extern::Memory(m)) => Item::Memory(m.data(&self.store).to_vec()),
                Some(Extern::Global(g)) => Item::Global(val(&g.get(&self.store))),
                Some(Extern::Table(t)) => {
                    let n = t.size(&self.store);
                    Item::Table(
                        (0..n)
                            .map(|i| ref_val(&t.get(&self.store, i).expect("in bounds")))
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

/// Whether `t` is a value type of the profile (wasmi also knows `v128`).
pub fn in_profile(t: ValType) -> bool {
    !matches!(t, ValType::V128)
}
