//! The reference-meter side: the same module in the test-only reference meter
//! (`tests/refmeter/`, an instruction-by-instruction interpreter written from SPEC.md
//! alone), with the same §Stack limits and per-invocation gas limits as detwasm. Its
//! store allocates in the same order as detwasm's, so function addresses coincide and
//! references compare by address. Its journal gives the total gas of an invocation
//! without changing the state, so out-of-gas points below that total can be probed.

use std::rc::Rc;

use super::refmeter::{exec, RExtern, RModule, Store, VT};
use super::{Item, Outcome, RunLimits, Snapshot, Val};

/// The comparison form of a reference-meter slot of type `ty`.
pub fn val(ty: VT, slot: u64) -> Val {
    let r = slot.checked_sub(1).map(|a| a as u32);
    match ty {
        VT::I32 => Val::I32(slot as u32),
        VT::I64 => Val::I64(slot),
        VT::F32 => Val::F32(slot as u32),
        VT::F64 => Val::F64(slot),
        VT::FuncRef => Val::Func(r),
        VT::ExternRef => Val::Extern(r),
        VT::ExnRef => Val::Exn(slot != 0),
    }
}

/// The reference-meter slot of an argument (null references are slot 0).
pub fn slot(v: &Val) -> u64 {
    match *v {
        Val::I32(x) | Val::F32(x) => u64::from(x),
        Val::I64(x) | Val::F64(x) => x,
        Val::Func(_) | Val::Extern(_) | Val::Exn(_) => 0,
    }
}

/// One reference-meter instance of a module.
pub struct Rf {
    pub module: Rc<RModule>,
    pub store: Store,
    pub inst: Option<usize>,
}

impl Rf {
    /// Decodes `bytes` (already accepted by detwasm). A decode failure is a finding
    /// of the harness or the meter, reported by the caller.
    pub fn new(bytes: &[u8], limits: &RunLimits) -> Result<Rf, String> {
        let module = Rc::new(RModule::decode(bytes)?);
        let mut store = Store::new();
        store.max_call_depth = u64::from(limits.max_call_depth);
        store.max_stack_height = limits.max_stack_height;
        store.max_live_exceptions = u64::from(limits.max_live_exceptions);
        Ok(Rf {
            module,
            store,
            inst: None,
        })
    }

    pub fn instantiate(&mut self, limit: u64) -> (Outcome, u64) {
        self.store.set_gas_limit(limit);
        let r = self.store.instantiate(Rc::clone(&self.module), &[]);
        let gas = self.store.gas_used();
        match r {
            Ok(i) => {
                self.inst = Some(i);
                (Outcome::Values(Vec::new()), gas)
            }
            Err((t, _)) => (Outcome::Trap(t.0.to_string()), gas),
        }
    }

    fn func(&self, name: &str) -> usize {
        match self.store.export(self.inst.expect("instantiated"), name) {
            Some(RExtern::Func(f)) => f,
            other => panic!("reference meter: export {name:?} is {other:?}"),
        }
    }

    /// Invokes export `name` with `args` (numbers by bits, null references) and gas
    /// `limit`.
    pub fn call(&mut self, name: &str, args: &[Val], limit: u64) -> (Outcome, u64) {
        let f = self.func(name);
        let ty = self.store.funcs[f].ty.clone();
        let args: Vec<u64> = args.iter().map(slot).collect();
        self.store.set_gas_limit(limit);
        self.store.clear_dirty();
        let r = exec::invoke(&mut self.store, f, &args);
        let gas = self.store.gas_used();
        let out = match r {
            Ok(slots) if slots.len() == ty.results.len() => Outcome::Values(
                ty.results
                    .iter()
                    .zip(&slots)
                    .map(|(t, s)| val(*t, *s))
                    .collect(),
            ),
            Ok(slots) => Outcome::Trap(format!("refmeter: {} results", slots.len())),
            Err(t) => Outcome::Trap(t.0.to_string()),
        };
        (out, gas)
    }

    /// The gas the invocation would use with `limit`, leaving the state unchanged.
    pub fn dry_gas(&mut self, name: &str, args: &[Val], limit: u64) -> (Outcome, u64) {
        self.store.begin_journal();
        let r = self.call(name, args, limit);
        self.store.rollback();
        r
    }

    /// The exported memories, globals and tables, in export order.
    pub fn snapshot(&self) -> Snapshot {
        let Some(inst) = self.inst else {
            return Snapshot::default();
        };
        let mut out = Vec::new();
        for (name, ext) in &self.store.instances[inst].exports {
            let item = match *ext {
                RExtern::Memory(m) => Item::Memory(self.store.mems[m].data.clone()),
                RExtern::Global(g) => {
                    let gi = &self.store.globals[g];
                    Item::Global(val(gi.ty, gi.value))
                }
                RExtern::Table(t) => {
                    let ti = &self.store.tables[t];
                    Item::Table(ti.elems.iter().map(|s| val(ti.elem, *s)).collect())
                }
                _ => continue,
            };
            out.push((name.clone(), item));
        }
        Snapshot(out)
    }
}
