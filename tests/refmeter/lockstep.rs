//! Lockstep comparison of detwasm and the reference meter: a [`Pair`] holds one detwasm
//! `Store` and one reference store that receive the same allocations, instantiations
//! and invocations in the same order, so their store addresses coincide (checked on
//! every export). Every run is compared on its outcome (values by bits, trap by name),
//! its `gas_used`, and the memories, tables and globals it may have changed; sampled
//! runs are repeated with gas limits below their total to compare out-of-gas points.
//! Mismatches are collected as readable reports, never panics. Depends on detwasm's
//! public API (never on its internals) and the reference meter.

use std::fmt::Write as _;
use std::rc::Rc;

use detwasm::{
    Error, Extern, Func, FuncType, GlobalAddr, GlobalType, Instance, MemAddr, MemoryType, Module,
    Store, TableAddr, TableType, TrapCode, TypeLimits, ValType, Value,
};

use super::store::Host;
use super::{exec, FnTy, RExtern, RModule, Trap, VT};

/// Default gas limit of runs that are not probing an out-of-gas point.
pub const MAIN_LIMIT: u64 = 10_000_000_000;

/// A value, normalized for comparison: numbers by bits, `funcref` by store address
/// (both stores allocate in the same order), `externref` by handle, `exnref` only by
/// whether it is null (exception addresses are an implementation's business).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    I32(u32),
    I64(u64),
    F32(u32),
    F64(u64),
    Func(Option<u32>),
    Extern(Option<u32>),
    Exn(bool),
}

/// What a run ended with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Values(Vec<Val>),
    Trap(String),
}

impl Outcome {
    pub fn is_out_of_gas(&self) -> bool {
        matches!(self, Outcome::Trap(t) if t == "out_of_gas")
    }
}

/// One run of one engine.
#[derive(Clone, Debug)]
pub struct Run {
    pub outcome: Outcome,
    pub gas_used: u64,
}

pub fn val_of_det(v: &Value) -> Val {
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

pub fn val_of_ref(ty: VT, slot: u64) -> Val {
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

/// The reference slot of an argument (SPEC.md §Values).
pub fn slot_of_det(v: &Value) -> u64 {
    match *v {
        Value::I32(x) => u64::from(x as u32),
        Value::I64(x) => x as u64,
        Value::F32(x) => u64::from(x),
        Value::F64(x) => x,
        Value::FuncRef(r) => r.map_or(0, |f| u64::from(f.addr().0) + 1),
        Value::ExternRef(r) => r.map_or(0, |a| u64::from(a) + 1),
        Value::ExnRef(r) => r.map_or(0, |a| a.0 + 1),
    }
}

pub fn vt_of_det(t: ValType) -> VT {
    match t {
        ValType::I32 => VT::I32,
        ValType::I64 => VT::I64,
        ValType::F32 => VT::F32,
        ValType::F64 => VT::F64,
        ValType::FuncRef => VT::FuncRef,
        ValType::ExternRef => VT::ExternRef,
        ValType::ExnRef => VT::ExnRef,
    }
}

/// SPEC.md §Traps name of a detwasm trap code.
pub fn trap_name(code: TrapCode) -> &'static str {
    match code {
        TrapCode::Unreachable => "unreachable",
        TrapCode::IntegerOverflow => "integer_overflow",
        TrapCode::IntegerDivideByZero => "integer_divide_by_zero",
        TrapCode::InvalidConversionToInteger => "invalid_conversion_to_integer",
        TrapCode::MemoryOutOfBounds => "memory_out_of_bounds",
        TrapCode::TableOutOfBounds => "table_out_of_bounds",
        TrapCode::UndefinedElement => "undefined_element",
        TrapCode::UninitializedElement => "uninitialized_element",
        TrapCode::IndirectCallTypeMismatch => "indirect_call_type_mismatch",
        TrapCode::CallStackExhausted => "call_stack_exhausted",
        TrapCode::ValueStackExhausted => "value_stack_exhausted",
        TrapCode::OutOfGas => "out_of_gas",
        TrapCode::UncaughtException => "uncaught_exception",
        TrapCode::HostError => "host_error",
        TrapCode::NullReference => "null_reference",
        TrapCode::Exit => "exit",
        TrapCode::Internal => "internal",
        TrapCode::ExceptionLimit => "exception_limit",
    }
}

fn det_outcome(r: Result<Vec<Value>, Error>) -> Outcome {
    match r {
        Ok(vs) => Outcome::Values(vs.iter().map(val_of_det).collect()),
        Err(Error::Trap(t)) => Outcome::Trap(trap_name(t.code()).to_string()),
        Err(e) => Outcome::Trap(format!("error: {e}")),
    }
}

fn ref_outcome(r: Result<Vec<u64>, Trap>, results: &[VT]) -> Outcome {
    match r {
        Ok(slots) if slots.len() == results.len() => Outcome::Values(
            results
                .iter()
                .zip(&slots)
                .map(|(t, s)| val_of_ref(*t, *s))
                .collect(),
        ),
        Ok(slots) => Outcome::Trap(format!("refmeter: {} results left", slots.len())),
        Err(t) => Outcome::Trap(t.0.to_string()),
    }
}

/// Counters of what was compared.
#[derive(Default, Debug)]
pub struct Stats {
    pub invocations: u64,
    pub instantiations: u64,
    pub oog_points: u64,
    pub oog_invocations: u64,
}

/// Which invocations get out-of-gas probes: those whose total gas is in `lo..=hi`;
/// every limit below the total is probed when the total is at most `exhaustive_below`.
#[derive(Clone, Copy, Debug)]
pub struct Sampling {
    pub lo: u64,
    pub hi: u64,
    pub exhaustive_below: u64,
}

/// Where a run comes from, for reports.
pub struct Ctx<'a> {
    pub origin: &'a str,
    pub func: &'a str,
    pub args: &'a [Value],
}

/// A function on both sides.
#[derive(Clone, Copy)]
pub struct PairFunc {
    pub det: Func,
    pub rf: usize,
}

/// An instance on both sides.
#[derive(Clone, Copy, Debug)]
pub struct PairInst {
    pub det: Instance,
    pub rf: usize,
}

/// The two stores in lock step.
pub struct Pair {
    pub det: Store,
    pub rf: super::Store,
    pub stats: Stats,
    pub mismatches: Vec<String>,
    /// Seed of the deterministic sampler of out-of-gas limits.
    seed: u64,
    /// Gas limit of instantiations and of the unprobed run of each invocation
    /// ([`MAIN_LIMIT`] unless a caller lowers it, e.g. for a program that only ends by
    /// running out of gas).
    pub main_limit: u64,
}

/// An external value on both sides.
pub type PairExtern = (Extern, RExtern);

impl Pair {
    pub fn new(engine: &detwasm::Engine) -> Pair {
        Pair {
            det: Store::new(engine, ()),
            rf: super::Store::new(),
            stats: Stats::default(),
            mismatches: Vec::new(),
            seed: 0x9e37_79b9_7f4a_7c15,
            main_limit: MAIN_LIMIT,
        }
    }

    /// Allocates the `spectest` module's externals in both stores, in the same order:
    /// seven print functions that do nothing, four constant globals, a 10..20 funcref
    /// table and a 1..2 page memory.
    pub fn install_spectest(&mut self) -> Vec<(String, PairExtern)> {
        use ValType::{F32, F64, I32, I64};
        let mut out = Vec::new();
        let funcs: [(&str, &[ValType]); 7] = [
            ("print", &[]),
            ("print_i32", &[I32]),
            ("print_i64", &[I64]),
            ("print_f32", &[F32]),
            ("print_f64", &[F64]),
            ("print_i32_f32", &[I32, F32]),
            ("print_f64_f64", &[F64, F64]),
        ];
        for (name, params) in funcs {
            let d = self.det.alloc_host_func(
                FuncType::new(params.iter().copied(), []),
                |_c: detwasm::Caller<'_, ()>, _a: &[Value], _r: &mut [Value]| Ok(()),
            );
            let ty = FnTy {
                params: params.iter().map(|t| vt_of_det(*t)).collect(),
                results: Vec::new(),
            };
            let r = self.rf.alloc_host_func(ty, Host::Nop);
            out.push((name.to_string(), (Extern::Func(d), RExtern::Func(r))));
        }
        let globals = [
            ("global_i32", Value::I32(666)),
            ("global_i64", Value::I64(666)),
            ("global_f32", Value::F32(666.6_f32.to_bits())),
            ("global_f64", Value::F64(666.6_f64.to_bits())),
        ];
        for (name, v) in globals {
            let ty = GlobalType {
                content: v.ty(),
                mutable: false,
            };
            let d = self.det.alloc_global(ty, v).expect("spectest global");
            let r = self.rf.alloc_global(vt_of_det(v.ty()), slot_of_det(&v));
            out.push((name.to_string(), (Extern::Global(d), RExtern::Global(r))));
        }
        let table_ty = TableType {
            elem: ValType::FuncRef,
            limits: TypeLimits {
                min: 10,
                max: Some(20),
            },
        };
        let d = self
            .det
            .alloc_table(table_ty, Value::FuncRef(None))
            .expect("spectest table");
        let r = self.rf.alloc_table(VT::FuncRef, 10, Some(20), 0);
        out.push(("table".to_string(), (Extern::Table(d), RExtern::Table(r))));
        let memory_ty = MemoryType {
            limits: TypeLimits {
                min: 1,
                max: Some(2),
            },
        };
        let d = self.det.alloc_memory(memory_ty).expect("spectest memory");
        let r = self.rf.alloc_memory(1, Some(2));
        out.push((
            "memory".to_string(),
            (Extern::Memory(d), RExtern::Memory(r)),
        ));
        out
    }

    fn mismatch(&mut self, ctx: &Ctx<'_>, what: String) {
        let args: Vec<String> = ctx.args.iter().map(|a| format!("{a:?}")).collect();
        self.mismatches.push(format!(
            "{}: {}({}): {what}",
            ctx.origin,
            ctx.func,
            args.join(", ")
        ));
    }

    /// Instantiates `module` (both forms) with `imports` on both sides and compares the
    /// outcome, the gas of the start function and the address layout of the exports.
    /// Returns the instance when both succeed; `None` (after reporting any mismatch)
    /// otherwise, or when detwasm refuses to link.
    pub fn instantiate(
        &mut self,
        origin: &str,
        det_module: &Module,
        rf_module: &Rc<RModule>,
        imports: &[PairExtern],
    ) -> Option<PairInst> {
        let det_imports: Vec<Extern> = imports.iter().map(|(d, _)| *d).collect();
        let rf_imports: Vec<RExtern> = imports.iter().map(|(_, r)| *r).collect();
        self.det.set_gas_limit(self.main_limit);
        let d = self.det.instantiate(det_module, &det_imports);
        let det_gas = self.det.gas_used();
        let d = match d {
            Err(Error::Link(_)) => return None,
            other => other,
        };
        self.rf.set_gas_limit(self.main_limit);
        self.rf.clear_dirty();
        let r = self.rf.instantiate(Rc::clone(rf_module), &rf_imports);
        let rf_gas = self.rf.gas_used();
        self.stats.instantiations += 1;
        let ctx = Ctx {
            origin,
            func: "<instantiate>",
            args: &[],
        };
        let d_out = match &d {
            Ok(_) => Outcome::Values(Vec::new()),
            Err(e) => det_outcome(Err(e.clone())),
        };
        let r_out = match &r {
            Ok(_) => Outcome::Values(Vec::new()),
            Err((t, _)) => Outcome::Trap(t.0.to_string()),
        };
        let det_run = Run {
            outcome: d_out,
            gas_used: det_gas,
        };
        let rf_run = Run {
            outcome: r_out,
            gas_used: rf_gas,
        };
        self.check(&ctx, self.main_limit, &det_run, &rf_run, None);
        let (Ok(det), Ok(rf)) = (d, r) else {
            return None;
        };
        let inst = PairInst { det, rf };
        for (name, rext) in self.rf.instances[rf].exports.clone() {
            let dext = self.det.instance_export(det, &name);
            let same = match (dext, rext) {
                (Some(Extern::Func(a)), RExtern::Func(b)) => a.addr().0 as usize == b,
                (Some(Extern::Table(a)), RExtern::Table(b)) => a.addr().0 as usize == b,
                (Some(Extern::Memory(a)), RExtern::Memory(b)) => a.addr().0 as usize == b,
                (Some(Extern::Global(a)), RExtern::Global(b)) => a.addr().0 as usize == b,
                (Some(Extern::Tag(a)), RExtern::Tag(b)) => a.addr().0 as usize == b,
                _ => false,
            };
            if !same {
                self.mismatch(
                    &ctx,
                    format!("export {name:?}: detwasm {dext:?}, refmeter {rext:?} (store layout differs)"),
                );
                return None;
            }
        }
        Some(inst)
    }

    /// Runs `func` on detwasm with `limit`.
    fn det_run(&mut self, f: Func, args: &[Value], limit: u64) -> Run {
        self.det.set_gas_limit(limit);
        let r = self.det.invoke(f, args);
        Run {
            outcome: det_outcome(r),
            gas_used: self.det.gas_used(),
        }
    }

    /// Runs `func` on the reference meter with `limit`.
    fn rf_run(&mut self, f: usize, args: &[u64], limit: u64) -> Run {
        self.rf.set_gas_limit(limit);
        self.rf.clear_dirty();
        let results = self.rf.funcs[f].ty.results.clone();
        let r = exec::invoke(&mut self.rf, f, args);
        Run {
            outcome: ref_outcome(r, &results),
            gas_used: self.rf.gas_used(),
        }
    }

    /// The reference run from the current state with an unbounded limit, rolled back.
    fn rf_dry(&mut self, f: usize, args: &[u64]) -> Run {
        self.rf.begin_journal();
        let run = self.rf_run(f, args, self.main_limit);
        self.rf.rollback();
        run
    }

    /// Compares one invocation with an unbounded limit (the script's own run). Then,
    /// when its total T is in `sample`'s range, probes out-of-gas points: runs it again
    /// with limits below T (T-1, T/2 and pseudo-random ones, or every limit when T is
    /// small), requiring both engines to stop with `out_of_gas` at the same gas and
    /// state, and finally with limit T, requiring both to finish. When a run changes the
    /// store, T is recomputed by a reference dry run before the next probe; both
    /// engines see every probe, so they stay in lock step.
    pub fn invoke(&mut self, ctx: &Ctx<'_>, f: PairFunc, extra_mems: &[usize], sample: Sampling) {
        let rf_args: Vec<u64> = ctx.args.iter().map(slot_of_det).collect();
        let r = self.rf_run(f.rf, &rf_args, self.main_limit);
        let d = self.det_run(f.det, ctx.args, self.main_limit);
        self.stats.invocations += 1;
        self.check(ctx, self.main_limit, &d, &r, Some(extra_mems));
        let t = r.gas_used;
        if r.outcome.is_out_of_gas() || !(sample.lo..=sample.hi).contains(&t) || t == 0 {
            return;
        }
        self.stats.oog_invocations += 1;
        let mut perturbed = self.rf.mutated;
        let mut t_cur = t;
        for limit in self.limits_below(t, sample.exhaustive_below) {
            if perturbed {
                t_cur = self.rf_dry(f.rf, &rf_args).gas_used;
                perturbed = false;
            }
            if limit >= t_cur {
                continue;
            }
            let r = self.rf_run(f.rf, &rf_args, limit);
            perturbed |= self.rf.mutated;
            let d = self.det_run(f.det, ctx.args, limit);
            self.stats.oog_points += 1;
            if !r.outcome.is_out_of_gas() || r.gas_used > limit {
                self.mismatch(
                    ctx,
                    format!("refmeter inconsistent: limit {limit} < total {t_cur} gave {r:?}"),
                );
            }
            self.check(ctx, limit, &d, &r, Some(extra_mems));
        }
        let mut expect_oog = false;
        if perturbed {
            let dry = self.rf_dry(f.rf, &rf_args);
            t_cur = dry.gas_used;
            expect_oog = dry.outcome.is_out_of_gas();
        }
        let r = self.rf_run(f.rf, &rf_args, t_cur);
        let d = self.det_run(f.det, ctx.args, t_cur);
        if r.outcome.is_out_of_gas() != expect_oog || r.gas_used != t_cur {
            self.mismatch(
                ctx,
                format!("refmeter inconsistent: limit = total {t_cur} gave {r:?}"),
            );
        }
        self.check(ctx, t_cur, &d, &r, Some(extra_mems));
    }

    /// Limits strictly below `t`, deterministic, descending, without repeats: every one
    /// when `t <= exhaustive_below`, else T-1, T/2 and three pseudo-random ones.
    fn limits_below(&mut self, t: u64, exhaustive_below: u64) -> Vec<u64> {
        if t <= exhaustive_below {
            return (0..t).rev().collect();
        }
        let mut v = vec![t - 1, t / 2];
        for _ in 0..3 {
            self.seed = splitmix(self.seed);
            v.push(self.seed % t);
        }
        v.sort_unstable_by(|a, b| b.cmp(a));
        v.dedup();
        v
    }

    /// Compares two runs: outcome, gas, then state (the memories the reference meter
    /// wrote plus `extra_mems`, every global, the tables it wrote). `state == None`
    /// compares only the outcome and gas.
    fn check(&mut self, ctx: &Ctx<'_>, limit: u64, d: &Run, r: &Run, state: Option<&[usize]>) {
        let mut diffs = String::new();
        if d.outcome != r.outcome || d.gas_used != r.gas_used {
            let _ = write!(
                diffs,
                "detwasm {:?} gas {} | refmeter {:?} gas {}",
                d.outcome, d.gas_used, r.outcome, r.gas_used
            );
        }
        let mut mems: Vec<usize> = self.rf.dirty_mems.iter().copied().collect();
        if let Some(extra) = state {
            mems.extend_from_slice(extra);
        }
        mems.sort_unstable();
        mems.dedup();
        let tables: Vec<usize> = self.rf.dirty_tables.iter().copied().collect();
        if let Some(s) = self.state_diff(&mems, &tables) {
            let _ = write!(
                diffs,
                "{}state: {s}",
                if diffs.is_empty() { "" } else { "; " }
            );
            self.resync();
        }
        if !diffs.is_empty() {
            self.mismatch(ctx, format!("limit {limit}: {diffs}"));
        }
    }

    /// The first difference between the two stores in memories `mems`, tables
    /// `tables` and every global.
    pub fn state_diff(&self, mems: &[usize], tables: &[usize]) -> Option<String> {
        for &m in mems {
            let d = self
                .det
                .memory(MemAddr(m as u32))
                .and_then(|h| self.det.memory_data(h));
            let r = &self.rf.mems[m].data;
            match d {
                Some(d) if d == r.as_slice() => {}
                Some(d) if d.len() != r.len() => {
                    return Some(format!(
                        "memory {m}: detwasm {} bytes, refmeter {} bytes",
                        d.len(),
                        r.len()
                    ))
                }
                Some(d) => {
                    let at = d.iter().zip(r).position(|(a, b)| a != b).unwrap_or(0);
                    return Some(format!(
                        "memory {m} byte {at}: detwasm {:#04x}, refmeter {:#04x}",
                        d[at], r[at]
                    ));
                }
                None => return Some(format!("memory {m} missing in detwasm")),
            }
        }
        for (g, gi) in self.rf.globals.iter().enumerate() {
            let d = self
                .det
                .global(GlobalAddr(g as u32))
                .and_then(|h| self.det.global_get(h))
                .map(|v| val_of_det(&v));
            let r = val_of_ref(gi.ty, gi.value);
            if d.as_ref() != Some(&r) {
                return Some(format!("global {g}: detwasm {d:?}, refmeter {r:?}"));
            }
        }
        for &t in tables {
            let ti = &self.rf.tables[t];
            let d = self
                .det
                .table(TableAddr(t as u32))
                .and_then(|h| self.det.table_elements(h));
            let d: Option<Vec<Val>> = d.map(|vs| vs.iter().map(val_of_det).collect());
            let r: Vec<Val> = ti.elems.iter().map(|s| val_of_ref(ti.elem, *s)).collect();
            if d.as_ref() != Some(&r) {
                let at = d.as_ref().map(|d| {
                    d.iter()
                        .zip(&r)
                        .position(|(a, b)| a != b)
                        .unwrap_or(d.len())
                });
                return Some(format!(
                    "table {t}: differs at {at:?} (detwasm len {:?}, refmeter len {})",
                    d.map(|d| d.len()),
                    r.len()
                ));
            }
        }
        None
    }

    /// Copies detwasm's memories, globals and tables into the reference store after a
    /// state mismatch, so that one difference is reported once and later runs are
    /// still compared from equal states. An `exnref` cannot be copied (exception
    /// addresses differ); it keeps the reference's value when both are non-null.
    fn resync(&mut self) {
        for (m, mi) in self.rf.mems.iter_mut().enumerate() {
            if let Some(d) = self
                .det
                .memory(MemAddr(m as u32))
                .and_then(|h| self.det.memory_data(h))
            {
                mi.data = d.to_vec();
            }
        }
        for (g, gi) in self.rf.globals.iter_mut().enumerate() {
            if let Some(v) = self
                .det
                .global(GlobalAddr(g as u32))
                .and_then(|h| self.det.global_get(h))
            {
                gi.value = resync_slot(&v, gi.value);
            }
        }
        for (t, ti) in self.rf.tables.iter_mut().enumerate() {
            if let Some(vs) = self
                .det
                .table(TableAddr(t as u32))
                .and_then(|h| self.det.table_elements(h))
            {
                let old = std::mem::take(&mut ti.elems);
                ti.elems = vs
                    .iter()
                    .enumerate()
                    .map(|(k, v)| resync_slot(v, old.get(k).copied().unwrap_or(0)))
                    .collect();
            }
        }
    }

    /// Compares every memory, table and global of the two stores.
    pub fn full_state_check(&mut self, origin: &str) {
        let mems: Vec<usize> = (0..self.rf.mems.len()).collect();
        let tables: Vec<usize> = (0..self.rf.tables.len()).collect();
        if let Some(s) = self.state_diff(&mems, &tables) {
            self.mismatches
                .push(format!("{origin}: final state differs: {s}"));
        }
    }

    /// The function export `name` of `inst` on both sides, with its reference type.
    pub fn func_export(&self, inst: PairInst, name: &str) -> Option<(PairFunc, FnTy)> {
        let Some(Extern::Func(d)) = self.det.instance_export(inst.det, name) else {
            return None;
        };
        let Some(RExtern::Func(r)) = self.rf.export(inst.rf, name) else {
            return None;
        };
        Some((PairFunc { det: d, rf: r }, self.rf.funcs[r].ty.clone()))
    }

    /// The memories of instance `inst` (reference addresses, equal to detwasm's).
    pub fn inst_mems(&self, inst: PairInst) -> Vec<usize> {
        self.rf.instances[inst.rf].mems.clone()
    }
}

/// The reference slot standing for detwasm's value `v`, given the reference's `old`.
fn resync_slot(v: &Value, old: u64) -> u64 {
    match v {
        Value::ExnRef(Some(_)) if old != 0 => old,
        Value::ExnRef(Some(_)) => 0,
        other => slot_of_det(other),
    }
}

/// SplitMix64: the deterministic sampler.
pub fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
