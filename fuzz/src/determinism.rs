//! The `determinism` target's checks (see `fuzz_targets/determinism.rs`). A record is
//! the list of steps (instantiation, then each exported function in export order, with
//! arguments drawn once per case by `arbitrary_args`) with
//! each step's outcome, gas used and the full instance state after it.

use arbitrary::Unstructured;
use detwasm::{Engine, Module};

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

/// Runs the steps with the given limits (`limits[0]` for instantiation, then one per
/// export), stopping after `stop_after` steps if given. Returns the steps and, when
/// `profile`, the gas profile's total.
fn record(
    engine: &Engine,
    module: &Module,
    exports: &[(String, Vec<Val>)],
    limits: &[u64],
    stop_after: Option<usize>,
    profile: bool,
) -> (Vec<Step>, u64) {
    let mut det = Det::new(engine.clone(), module.clone());
    det.store.set_gas_profiling(profile);
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
    (steps, profiled)
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

pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let lim = RunLimits::arbitrary(&mut u);
    let Some(bytes) = smith::module(&mut u, Flavor::Exceptions) else {
        return;
    };
    let mut rep = Report::new(&bytes, format!("{lim:?}"));
    let engine = Engine::new(lim.config());
    let module = match Module::new(&engine, &bytes) {
        Ok(m) => m,
        Err(e) => rep.fail(&format!(
            "detwasm rejected a valid module of the profile: {e}"
        )),
    };
    let det = Det::new(engine.clone(), module.clone());
    let exports: Vec<(String, Vec<Val>)> = det
        .func_exports()
        .into_iter()
        .take(MAX_CALLS)
        .map(|name| {
            let args = arbitrary_args(&mut u, &det.param_types(&name));
            (name, args)
        })
        .collect();
    drop(det);
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
    rep.step(format!("limits {limits:?}"));

    let (a, _) = record(&engine, &module, &exports, &limits, None, false);
    for s in &a {
        rep.step(format!("{}: {} gas {}", s.what, s.outcome, s.gas_used));
    }
    let (b, profiled) = record(&engine, &module, &exports, &limits, None, true);
    compare(&rep, "second store of the same engine", &a, &b);
    let total: u64 = b.iter().map(|s| s.gas_used).sum();
    if profiled != total && profiled != total - b[0].gas_used {
        rep.fail(&format!(
            "gas profile sums to {profiled}, runs used {total} ({} in instantiation)",
            b[0].gas_used
        ));
    }
    let engine2 = Engine::new(lim.config());
    let module2 = match Module::new(&engine2, &bytes) {
        Ok(m) => m,
        Err(e) => rep.fail(&format!("second Module::new failed: {e}")),
    };
    let (c, _) = record(&engine2, &module2, &exports, &limits, None, false);
    compare(&rep, "fresh engine", &a, &c);

    // Each step's limit set to the gas it used: everything repeats exactly (a finished
    // step fits; an out-of-gas step stops at the same instruction).
    let tight: Vec<u64> = a
        .iter()
        .map(|s| s.gas_used)
        .chain(std::iter::repeat(0))
        .take(limits.len())
        .collect();
    let (d, _) = record(&engine, &module, &exports, &tight, None, false);
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
    let (e, _) = record(&engine, &module, &exports, &below, Some(k + 1), false);
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
