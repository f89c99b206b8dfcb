//! The detwasm side: one store with one instance of the fuzzed module, invoked by
//! export name with the fuzzer's arguments under a per-invocation gas limit, its state read
//! through the public API (`instance_state`, `memory_data`, `global_get`,
//! `table_elements`).

use detwasm::{Engine, Error, Extern, ExternKind, Instance, Module, Store, ValType, Value};

use super::{Item, Outcome, Snapshot, Val};

/// The comparison form of a detwasm value (SPEC.md §Values: references by address).
pub fn val(v: &Value) -> Val {
    match *v {
        Value::I32(x) => Val::I32(x as u32),
        Value::I64(x) => Val::I64(x as u64),
        Value::F32(x) => Val::F32(x),
        Value::F64(x) => Val::F64(x),
        Value::FuncRef(r) => Val::Func(r.map(|f| f.addr().0)),
        Value::ExternRef(r) => Val::Extern(r),
        Value::ExnRef(r) => Val::Exn(r.is_some()),
    }
}

/// The detwasm value of an argument (references are null: see `arbitrary_args`).
pub fn value(v: &Val) -> Value {
    match *v {
        Val::I32(x) => Value::I32(x as i32),
        Val::I64(x) => Value::I64(x as i64),
        Val::F32(x) => Value::F32(x),
        Val::F64(x) => Value::F64(x),
        Val::Func(_) => Value::FuncRef(None),
        Val::Extern(_) => Value::ExternRef(None),
        Val::Exn(_) => Value::ExnRef(None),
    }
}

/// The outcome of a trap. `TrapCode::Internal` is a bug in detwasm: it panics (the
/// fuzzer's crash).
pub fn trap_outcome(t: &detwasm::Trap) -> Outcome {
    if t.code() == detwasm::TrapCode::Internal {
        panic!("detwasm trapped with an internal error (a bug): {t}");
    }
    Outcome::Trap(t.code().name().to_string())
}

/// The outcome of a detwasm result. `Error::Internal`, `TrapCode::Internal` and other
/// non-trap errors are bugs: they panic with the message (the fuzzer's crash).
pub fn outcome(r: Result<Vec<Value>, Error>) -> Outcome {
    match r {
        Ok(vs) => Outcome::Values(vs.iter().map(val).collect()),
        Err(Error::Trap(t)) => trap_outcome(&t),
        Err(e) => panic!("detwasm returned a non-trap error while running: {e:?}"),
    }
}

/// One detwasm instance of a module.
pub struct Det {
    pub engine: Engine,
    pub module: Module,
    pub store: Store,
    pub inst: Option<Instance>,
}

impl Det {
    pub fn new(engine: Engine, module: Module) -> Det {
        let store = Store::new(&engine, ());
        Det {
            engine,
            module,
            store,
            inst: None,
        }
    }

    /// Instantiates with gas `limit`: the outcome (no values) and gas used.
    pub fn instantiate(&mut self, limit: u64) -> (Outcome, u64) {
        self.store.set_gas_limit(limit);
        let r = self.store.instantiate(&self.module, &[]);
        let gas = self.store.gas_used();
        match r {
            Ok(i) => {
                self.inst = Some(i);
                (Outcome::Values(Vec::new()), gas)
            }
            Err(Error::Trap(t)) => (trap_outcome(&t), gas),
            Err(e) => panic!("detwasm instantiation failed with a non-trap error: {e:?}"),
        }
    }

    /// The exported functions, in export order.
    pub fn func_exports(&self) -> Vec<String> {
        self.module
            .exports()
            .iter()
            .filter(|e| e.kind == ExternKind::Func)
            .map(|e| e.name.clone())
            .collect()
    }

    /// The parameter types of function export `name`.
    pub fn param_types(&self, name: &str) -> Vec<ValType> {
        self.module
            .export_func_type(name)
            .expect("function export")
            .params()
            .to_vec()
    }

    /// Invokes export `name` with `args` (numbers by bits, null references) and gas
    /// `limit`.
    pub fn call(&mut self, name: &str, args: &[Val], limit: u64) -> (Outcome, u64) {
        let inst = self.inst.expect("instantiated");
        let Some(Extern::Func(f)) = self.store.instance_export(inst, name) else {
            panic!("detwasm lost function export {name:?}");
        };
        let args: Vec<Value> = args.iter().map(value).collect();
        self.store.set_gas_limit(limit);
        let r = self.store.invoke(f, &args);
        (outcome(r), self.store.gas_used())
    }

    /// The exported memories, globals and tables, in export order.
    pub fn snapshot(&self) -> Snapshot {
        let Some(inst) = self.inst else {
            return Snapshot::default();
        };
        let mut out = Vec::new();
        for e in self.module.exports() {
            let item = match self.store.instance_export(inst, &e.name) {
                Some(Extern::Memory(m)) => {
                    Item::Memory(self.store.memory_data(m).expect("memory").to_vec())
                }
                Some(Extern::Global(g)) => {
                    Item::Global(val(&self.store.global_get(g).expect("global")))
                }
                Some(Extern::Table(t)) => Item::Table(
                    self.store
                        .table_elements(t)
                        .expect("table")
                        .iter()
                        .map(val)
                        .collect(),
                ),
                _ => continue,
            };
            out.push((e.name.clone(), item));
        }
        Snapshot(out)
    }

    /// Every memory (as page digests), global and table of the instance (exported
    /// or not), for the determinism target.
    pub fn full_state(&self) -> Snapshot {
        let Some(inst) = self.inst else {
            return Snapshot::default();
        };
        let (mems, globals, tables) = self.store.instance_state(inst).expect("instance state");
        let mut out = Vec::new();
        for (i, m) in mems.iter().enumerate() {
            let data = self.store.memory_data(*m).expect("memory");
            out.push((
                format!("memory {i}"),
                Item::MemoryPages(data.len(), super::page_digests(data)),
            ));
        }
        for (i, g) in globals.iter().enumerate() {
            let v = val(&self.store.global_get(*g).expect("global"));
            out.push((format!("global {i}"), Item::Global(v)));
        }
        for (i, t) in tables.iter().enumerate() {
            let v = self.store.table_elements(*t).expect("table");
            out.push((
                format!("table {i}"),
                Item::Table(v.iter().map(val).collect()),
            ));
        }
        Snapshot(out)
    }
}
