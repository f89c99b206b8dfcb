//! The `determinism` target's checks (see `fuzz_targets/determinism.rs`). A record is
//! the list of steps (instantiation, then each exported function in export order, with
//! arguments drawn once per case by `arbitrary_args`) with
//! each step's outcome, gas used and the full instance state after it. The record is
//! the same with the translation of one op per instruction (`Config::fusion` off),
//! and with checkpoints at a small interval, where the fused and the unfused
//! translation take the same checkpoints (SPEC.md §Trace checkpoints).

use std::sync::{Arc, Mutex};

use arbitrary::Unstructured;
use detwasm::{Checkpoint, Config, Engine, HostCall, HostCallOutcome, Module, TraceHook};

use super::det::Det;
use super::diff::Report;
use super::smith::{self, Flavor};
use super::{arbitrary_args, show_args, Outcome, RunLimits, Snapshot, Val};

const MAX_CALLS: usize = 24;

#[derive(Clone, Debug, PartialEq, Eq)]
struct Step {
    what: String,
    outcome: Outcome,
    gas_used: u64,
    state: Snapshot,
}

/// Collects checkpoints.
struct Checkpoints(Arc<Mutex<Vec<Checkpoint>>>);

impl TraceHook for Checkpoints {
    fn host_call(&mut self, _: &HostCall<'_>, _: &HostCallOutcome<'_>) {}
    fn checkpoint(&mut self, cp: &Checkpoint) {
        if let Ok(mut v) = self.0.lock() {
            v.push(cp.clone());
        }
    }
}

/// Runs the steps with the given limits (`limits[0]` for instantiation, then one per
/// export), stopping after `stop_after` steps if given. Returns the steps, when
/// `profile` the gas profile's total, and the checkpoints taken.
fn record(
    engine: &Engine,
    module: &Module,
    exports: &[(String, Vec<Val>)],
    limits: &[u64],
    stop_after: Option<usize>,
    profile: bool,
) -> (Vec<Step>, u64, Vec<Checkpoint>) {
    let mut det = Det::new(engine.clone(), module.clone());
    det.store.set_gas_profiling(profile);
    let cps = Arc::new(Mutex::new(Vec::new()));
    if engine.config().checkpoint_interval > 0 {
        det.store
            .set_trace_hook(Some(Box::new(Checkpoints(Arc::clone(&cps)))));
    }
    let mut steps = Vec::new();
    let (outcome, gas_used) = det.instantiate(limits[0]);
    steps.push(Step {
        what: "instantiate".into(),
        outcome,
        gas_used,
        state: det.full_state(),
    });
    if det.inst.is_some() {
        for (i, (name, args)) in exports.iter().enumerate() {
            if stop_after.is_some_and(|n| steps.len() >= n) {
                break;
            }
            let (outcome, gas_used) = det.call(name, args, limits[i + 1]);
            steps.push(Step {
                what: format!("call {name:?}{}", show_args(args)),
                outcome,
                gas_used,
                state: det.full_state(),
            });
        }
    }
    let profiled = det.store.gas_profile().iter().map(|(_, g)| *g).sum();
    let cps = cps.lock().map(|v| v.clone()).unwrap_or_default();
    (steps, profiled, cps)
}

fn compare(rep: &Report<'_>, what: &str, a: &[Step], b: &[Step]) {
    if a.len() != b.len() {
        rep.fail(&format!("{what}: {} steps vs {}", a.len(), b.len()));
    }
    for (x, y) in a.iter().zip(b) {
        if x.outcome != y.outcome || x.gas_used != y.gas_used {
            rep.fail(&format!(
                "{what}: {}: {} gas {} vs {} gas {}",
                x.what, x.outcome, x.gas_used, y.outcome, y.gas_used
            ));
        }
        if let Some(d) = x.state.diff(&y.state, true) {
            rep.fail(&format!("{what}: {}: state {d}", x.what));
        }
    }
}

/// One case: the module, its limits, the exports to call with their arguments and
/// each step's gas limit, drawn from the fuzzer's bytes; `None` when the bytes make no
/// module. With `gas_cap`, no limit is above it.
struct Case {
    lim: RunLimits,
    bytes: Vec<u8>,
    exports: Vec<(String, Vec<Val>)>,
    limits: Vec<u64>,
}

fn case(u: &mut Unstructured<'_>, gas_cap: Option<u64>) -> Option<Case> {
    let mut lim = RunLimits::arbitrary(u);
    if let Some(cap) = gas_cap {
        lim.gas = lim.gas.min(cap);
    }
    let bytes = smith::module(u, Flavor::Exceptions)?;
    let rep = Report::new(&bytes, format!("{lim:?}"));
    let engine = Engine::new(lim.config());
    let module = match Module::new(&engine, &bytes) {
        Ok(m) => m,
        Err(e) => rep.fail(&format!(
            "detwasm rejected a valid module of the profile: {e}"
        )),
    };
    let det = Det::new(engine, module);
    let exports: Vec<(String, Vec<Val>)> = det
        .func_exports()
        .into_iter()
        .take(MAX_CALLS)
        .map(|name| {
            let args = arbitrary_args(u, &det.param_types(&name));
            (name, args)
        })
        .collect();
    // Random per-step limits, the same for every run.
    let mut limits = vec![lim.gas];
    for _ in &exports {
        let l = if u.ratio(1, 3).unwrap_or(false) {
            u.int_in_range(0..=lim.gas).unwrap_or(0)
        } else {
            lim.gas
        };
        limits.push(l);
    }
    Some(Case {
        lim,
        bytes,
        exports,
        limits,
    })
}

/// The record of `c` with the default configuration.
fn reference(rep: &mut Report<'_>, c: &Case) -> Vec<Step> {
    rep.step(format!("limits {:?}", c.limits));
    let engine = Engine::new(c.lim.config());
    let module = match Module::new(&engine, &c.bytes) {
        Ok(m) => m,
        Err(e) => rep.fail(&format!("Module::new failed: {e}")),
    };
    let (a, _, _) = record(&engine, &module, &c.exports, &c.limits, None, false);
    for s in &a {
        rep.step(format!("{}: {} gas {}", s.what, s.outcome, s.gas_used));
    }
    a
}

/// Without fusion, and with checkpoints with and without it: the record `a` again,
/// and the same checkpoints with and without fusion (SPEC.md §Trace checkpoints).
/// The interval is drawn from 1 to 64, but at least a 2 000th of the gas limit (at
/// most 2 000 checkpoints a step, which keeps the target near its former speed).
fn fusion_changes_nothing(rep: &Report<'_>, u: &mut Unstructured<'_>, c: &Case, a: &[Step]) {
    let interval = u
        .int_in_range(1u64..=64)
        .unwrap_or(1)
        .max(c.lim.gas / 2_000);
    let mut taken: Vec<Vec<Checkpoint>> = Vec::new();
    for (fusion, checkpoint_interval) in [(false, 0), (true, interval), (false, interval)] {
        let config = Config {
            fusion,
            checkpoint_interval,
            ..c.lim.config()
        };
        let what = format!("fusion {fusion}, checkpoint interval {checkpoint_interval}");
        let engine = Engine::new(config);
        let module = match Module::new(&engine, &c.bytes) {
            Ok(m) => m,
            Err(e) => rep.fail(&format!("Module::new with {what} failed: {e}")),
        };
        let (s, _, cps) = record(&engine, &module, &c.exports, &c.limits, None, false);
        compare(rep, &what, a, &s);
        if checkpoint_interval > 0 {
            taken.push(cps);
        }
    }
    if let [fused, plain] = &taken[..] {
        if fused != plain {
            let i = fused.iter().zip(plain).take_while(|(x, y)| x == y).count();
            rep.fail(&format!(
                "interval {interval}: {} checkpoints fused, {} unfused; first difference at \
                 {i}: {:?} vs {:?}",
                fused.len(),
                plain.len(),
                fused.get(i),
                plain.get(i)
            ));
        }
    }
}

/// Only the check that fusion changes no record and no checkpoint, with every gas
/// limit at most `gas_cap` (for the test suite: `tests/differential_props.rs`).
pub fn fusion_keeps_checkpoints(data: &[u8], gas_cap: u64) {
    let mut u = Unstructured::new(data);
    let Some(c) = case(&mut u, Some(gas_cap)) else {
        return;
    };
    let mut rep = Report::new(&c.bytes, format!("{:?}", c.lim));
    let a = reference(&mut rep, &c);
    fusion_changes_nothing(&rep, &mut u, &c, &a);
}

pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Some(c) = case(&mut u, None) else {
        return;
    };
    let Case {
        lim,
        bytes,
        exports,
        limits,
    } = &c;
    let (lim, exports, limits) = (*lim, exports.as_slice(), limits.as_slice());
    let mut rep = Report::new(bytes, format!("{lim:?}"));
    let a = reference(&mut rep, &c);
    let engine = Engine::new(lim.config());
    let module = match Module::new(&engine, bytes) {
        Ok(m) => m,
        Err(e) => rep.fail(&format!("Module::new failed: {e}")),
    };
    let (b, profiled, _) = record(&engine, &module, exports, limits, None, true);
    compare(&rep, "second store of the same engine", &a, &b);
    let total: u64 = b.iter().map(|s| s.gas_used).sum();
    if profiled != total && profiled != total - b[0].gas_used {
        rep.fail(&format!(
            "gas profile sums to {profiled}, runs used {total} ({} in instantiation)",
            b[0].gas_used
        ));
    }
    let engine2 = Engine::new(lim.config());
    let module2 = match Module::new(&engine2, bytes) {
        Ok(m) => m,
        Err(e) => rep.fail(&format!("second Module::new failed: {e}")),
    };
    let (c2, _, _) = record(&engine2, &module2, exports, limits, None, false);
    compare(&rep, "fresh engine", &a, &c2);
    fusion_changes_nothing(&rep, &mut u, &c, &a);

    // Each step's limit set to the gas it used: everything repeats exactly (a finished
    // step fits; an out-of-gas step stops at the same instruction).
    let tight: Vec<u64> = a
        .iter()
        .map(|s| s.gas_used)
        .chain(std::iter::repeat(0))
        .take(limits.len())
        .collect();
    let (d, _, _) = record(&engine, &module, exports, &tight, None, false);
    compare(&rep, "limits = gas used", &a, &d);

    // One step with one gas less than it used (and did not run out): it must now run
    // out of gas, having used no more than the new limit.
    let candidates: Vec<usize> = a
        .iter()
        .enumerate()
        .filter(|(_, s)| s.gas_used > 0 && s.outcome.trap_name() != Some("out_of_gas"))
        .map(|(i, _)| i)
        .collect();
    if candidates.is_empty() {
        return;
    }
    let k = candidates[u.choose_index(candidates.len()).unwrap_or(0)];
    let mut below = tight.clone();
    below[k] = a[k].gas_used - 1;
    let (e, _, _) = record(&engine, &module, exports, &below, Some(k + 1), false);
    compare(
        &rep,
        "limits = gas used, before the probed step",
        &a[..k],
        &e[..k.min(e.len())],
    );
    match e.get(k) {
        Some(s) if s.outcome.trap_name() == Some("out_of_gas") && s.gas_used <= below[k] => {}
        other => rep.fail(&format!(
            "step {} with limit {} (one below its use) gave {other:?}",
            a[k].what, below[k]
        )),
    }
}
