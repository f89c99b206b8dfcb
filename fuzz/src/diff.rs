//! The differential driver shared by `differential` (oracle wasmi) and
//! `differential_eh` (oracle wasmtime). One case: limits chosen by the fuzzer
//! ([`RunLimits`]), a wasm-smith module of the profile, instantiated alone in detwasm,
//! the reference meter and the oracle; then every exported function is invoked in
//! export order with arguments drawn from the fuzzer's bytes (`arbitrary_args`:
//! special bit patterns, small integers or arbitrary bits; null references). After
//! each step:
//!
//! - detwasm and the reference meter must agree exactly: outcome (values by bits,
//!   references by address, trap by name), `gas_used`, and the exported state. This
//!   includes runs that end in `out_of_gas` or `call_stack_exhausted`: they are not
//!   discarded, they are where gas and §Stack are fuzzed. With `probe` on, some
//!   invocations get a gas limit below their total (found with the meter's journal) so
//!   the out-of-gas point itself is compared.
//! - detwasm and the oracle must agree on the outcome (the oracle's trap codes mapped
//!   to SPEC.md names) and the exported state, as long as detwasm has not stopped on a
//!   resource limit: from the first such stop (or the oracle's own fuel or stack
//!   exhaustion) on, the oracle's state may legitimately differ and it is dropped.
//!
//! Any difference panics with a readable report: the limits, the step log, where the
//! module was saved, and the module as text.

use arbitrary::Unstructured;
use detwasm::{Engine, Module};

use super::det::Det;
use super::rf::Rf;
use super::smith::{self, Flavor};
use super::{arbitrary_args, show_args, Outcome, RunLimits, Snapshot, Val};

/// An engine the fuzzer compares detwasm with, on outcomes and exported state.
pub trait Oracle {
    fn name(&self) -> &'static str;
    fn instantiate(&mut self, fuel: u64) -> Outcome;
    /// Invokes export `name` with `args` (numbers by bits, null references).
    fn call(&mut self, name: &str, args: &[Val], fuel: u64) -> Outcome;
    fn snapshot(&mut self) -> Snapshot;
}

impl Oracle for super::wasmi_side::Wasmi {
    fn name(&self) -> &'static str {
        "wasmi"
    }
    fn instantiate(&mut self, fuel: u64) -> Outcome {
        super::wasmi_side::Wasmi::instantiate(self, fuel)
    }
    fn call(&mut self, name: &str, args: &[Val], fuel: u64) -> Outcome {
        super::wasmi_side::Wasmi::call(self, name, args, fuel)
    }
    fn snapshot(&mut self) -> Snapshot {
        super::wasmi_side::Wasmi::snapshot(self)
    }
}

/// Most invocations per case (wasm-smith exports every function).
const MAX_CALLS: usize = 24;

/// The oracle's fuel for a step detwasm finished with `gas_used`: generous, since
/// wasmi's and wasmtime's fuel costs are not ours (fuel is only a bound).
fn fuel_for(gas_used: u64) -> u64 {
    gas_used.saturating_mul(10).saturating_add(100_000)
}

/// The step log of one case and its failure report.
pub struct Report<'a> {
    bytes: &'a [u8],
    header: String,
    log: Vec<String>,
}

impl<'a> Report<'a> {
    pub fn new(bytes: &'a [u8], header: String) -> Report<'a> {
        Report {
            bytes,
            header,
            log: Vec::new(),
        }
    }

    pub fn step(&mut self, line: String) {
        self.log.push(line);
    }

    /// Logs a case where the oracle disagrees with detwasm and the reference meter,
    /// which agree with each other: the report goes to `$DETWASM_FUZZ_LOG_DIR` (default
    /// `<tmp>/detwasm-fuzz-oracle/`) for triage, one line to stderr, and the case goes on
    /// without the oracle. Known oracle bugs (wasmi 2.0.0 miscomputes a `select`
    /// feeding `i32.rem_u` in some register layouts, see notes/FUZZING.md) would
    /// otherwise stop every long run.
    pub fn outvoted(&self, what: &str) {
        let dir = std::env::var_os("DETWASM_FUZZ_LOG_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join("detwasm-fuzz-oracle"));
        let path = dir.join(format!("{:016x}.txt", self.hash()));
        let text = format!(
            "{what}\n---- case: {}\n---- steps:\n  {}\n---- module:\n{}\n",
            self.header,
            self.log.join("\n  "),
            smith::to_text(self.bytes)
        );
        let _ = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, text));
        eprintln!(
            "detwasm-fuzz: oracle outvoted (detwasm = reference meter): {what}; see {}",
            path.display()
        );
    }

    fn hash(&self) -> u64 {
        self.bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// Saves the module next to the temp dir and panics with everything known.
    pub fn fail(&self, what: &str) -> ! {
        let hash = self.hash();
        let path = std::env::temp_dir().join(format!("detwasm-fuzz-{hash:016x}.wasm"));
        let saved = match std::fs::write(&path, self.bytes) {
            Ok(()) => format!("module saved to {}", path.display()),
            Err(e) => format!("module not saved: {e}"),
        };
        panic!(
            "\n==== detwasm fuzz finding ====\n{what}\n---- case: {}\n---- steps:\n  {}\n---- {saved}\n---- module:\n{}\n==== end ====",
            self.header,
            self.log.join("\n  "),
            smith::to_text(self.bytes)
        );
    }
}

/// Whether detwasm's trap and the oracle's trap name the same thing.
fn same_trap(det: &str, oracle: &str) -> bool {
    det == oracle || (det == "undefined_element" && oracle == "table_out_of_bounds")
}

/// Compares detwasm with the oracle on one step. Returns false when the oracle must be
/// dropped from now on (inconclusive or outvoted); panics on a difference only in
/// strict mode.
fn check_oracle(rep: &Report<'_>, step: &str, d: &Outcome, o: &Outcome) -> bool {
    let same = match (d, o) {
        (_, Outcome::Inconclusive(_)) => return false,
        (Outcome::Values(a), Outcome::Values(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_as(y, false))
        }
        (Outcome::Trap(a), Outcome::Trap(b)) => same_trap(a, b),
        _ => false,
    };
    if !same {
        let what = format!("{step}: detwasm and the oracle differ: detwasm {d} | oracle {o}");
        // Reaching here, detwasm already agreed with the reference meter on this step:
        // two independent implementations against the oracle (see `Report::outvoted`).
        if strict_oracle() {
            rep.fail(&what);
        }
        rep.outvoted(&what);
        return false;
    }
    true
}

/// Whether an oracle that disagrees with both detwasm and the reference meter is a
/// crash (`DETWASM_FUZZ_STRICT_ORACLE=1`) rather than a logged disagreement.
fn strict_oracle() -> bool {
    std::env::var_os("DETWASM_FUZZ_STRICT_ORACLE").is_some_and(|v| v == "1")
}

/// Runs `f` (an oracle's work) and returns its panic's message as `Err` instead of
/// aborting: libFuzzer's panic hook (which aborts) is replaced by a silent one for
/// the call and put back after it. detwasm's own code never runs inside.
fn catch_oracle_panic<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    r.map_err(|p| {
        p.downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".into())
    })
}

/// Runs one differential case from fuzzer bytes. `make_oracle` builds the oracle for
/// the module (an error there is a finding: every profile module must load).
pub fn run(
    data: &[u8],
    flavor: Flavor,
    make_oracle: impl FnOnce(&[u8]) -> Result<Box<dyn Oracle>, String>,
) {
    run_capped(data, flavor, u64::MAX, make_oracle);
}

/// [`run`] with the gas limit capped at `gas_cap` (the normal test suite runs in debug
/// builds and keeps cases short).
pub fn run_capped(
    data: &[u8],
    flavor: Flavor,
    gas_cap: u64,
    make_oracle: impl FnOnce(&[u8]) -> Result<Box<dyn Oracle>, String>,
) {
    let mut u = Unstructured::new(data);
    let mut limits = RunLimits::arbitrary(&mut u);
    limits.gas = limits.gas.min(gas_cap);
    let probe = u.ratio(1, 3).unwrap_or(false);
    let Some(bytes) = smith::module(&mut u, flavor) else {
        return;
    };
    let mut rep = Report::new(
        &bytes,
        format!("{limits:?}, probe out-of-gas points: {probe}"),
    );

    let mut v = wasmparser::Validator::new_with_features(detwasm::validate::profile::features());
    if let Err(e) = v.validate_all(&bytes) {
        rep.fail(&format!(
            "harness: wasm-smith made a module outside the profile: {e}"
        ));
    }
    // Both sides run with the case's max_live_exceptions (small values make `throw`
    // collect often), so the lock step compares SPEC.md §Exceptions' collection gas W.
    let engine = Engine::new(limits.config());
    let module = match Module::new(&engine, &bytes) {
        Ok(m) => m,
        Err(e) => rep.fail(&format!(
            "detwasm rejected a valid module of the profile: {e}"
        )),
    };
    let mut det = Det::new(engine, module);
    let mut rf = match Rf::new(&bytes, &limits) {
        Ok(r) => r,
        Err(e) => rep.fail(&format!("reference meter could not decode the module: {e}")),
    };
    let mut oracle = match catch_oracle_panic(|| make_oracle(&bytes)) {
        Ok(Ok(o)) => Some(o),
        Ok(Err(e)) => rep.fail(&format!(
            "oracle rejected a valid module of the profile: {e}"
        )),
        // wasmi 2.0.0's translator reaches an `unreachable!` on some stores
        // (`choose_store_op_vt`): an oracle bug, logged for triage, not a crash.
        Err(p) => {
            rep.outvoted(&format!("oracle panicked compiling the module: {p}"));
            None
        }
    };

    // Instantiation (segments, start function).
    let (d, dg) = det.instantiate(limits.gas);
    let (r, rg) = rf.instantiate(limits.gas);
    rep.step(format!(
        "instantiate: detwasm {d} gas {dg} | refmeter {r} gas {rg}"
    ));
    compare_with_meter(&rep, "instantiate", (&d, dg), (&r, rg), &det, &rf);
    oracle_step(
        &mut rep,
        &mut oracle,
        "instantiate",
        &d,
        dg,
        &det,
        |o, fuel| o.instantiate(fuel),
    );
    if det.inst.is_none() {
        return;
    }

    for name in det.func_exports().into_iter().take(MAX_CALLS) {
        let args = arbitrary_args(&mut u, &det.param_types(&name));
        let mut limit = limits.gas;
        if probe && u.arbitrary::<bool>().unwrap_or(false) {
            let (o, total) = rf.dry_gas(&name, &args, limits.gas);
            if total > 0 && o.trap_name() != Some("out_of_gas") {
                limit = u.int_in_range(0..=total - 1).unwrap_or(total - 1);
                rep.step(format!("probe {name:?}: total {total}, limit {limit}"));
            }
        }
        let (d, dg) = det.call(&name, &args, limit);
        let (r, rg) = rf.call(&name, &args, limit);
        let step = format!("call {name:?}{} limit {limit}", show_args(&args));
        rep.step(format!(
            "{step}: detwasm {d} gas {dg} | refmeter {r} gas {rg}"
        ));
        compare_with_meter(&rep, &step, (&d, dg), (&r, rg), &det, &rf);
        if limit < limits.gas && d.trap_name() != Some("out_of_gas") {
            rep.fail(&format!(
                "{step}: limit below the meter's total did not run out of gas"
            ));
        }
        oracle_step(&mut rep, &mut oracle, &step, &d, dg, &det, |o, fuel| {
            o.call(&name, &args, fuel)
        });
    }
    if std::env::var_os("DETWASM_FUZZ_VERBOSE").is_some() {
        eprintln!("---- case {}\n  {}", rep.header, rep.log.join("\n  "));
    }
}

/// detwasm against the reference meter: outcome, gas and exported state, exactly.
fn compare_with_meter(
    rep: &Report<'_>,
    step: &str,
    d: (&Outcome, u64),
    r: (&Outcome, u64),
    det: &Det,
    rf: &Rf,
) {
    if d.0 != r.0 || d.1 != r.1 {
        rep.fail(&format!(
            "{step}: detwasm and the reference meter differ: detwasm {} gas {} | refmeter {} gas {}",
            d.0, d.1, r.0, r.1
        ));
    }
    if let Some(s) = det.snapshot().diff(&rf.snapshot(), true) {
        rep.fail(&format!(
            "{step}: state differs from the reference meter (detwasm vs refmeter): {s}"
        ));
    }
}

/// detwasm against the oracle, while the oracle is still in step.
fn oracle_step(
    rep: &mut Report<'_>,
    oracle: &mut Option<Box<dyn Oracle>>,
    step: &str,
    d: &Outcome,
    dg: u64,
    det: &Det,
    run: impl FnOnce(&mut dyn Oracle, u64) -> Outcome,
) {
    let Some(o) = oracle.as_mut() else {
        return;
    };
    if d.is_resource_stop() {
        rep.step(format!(
            "{step}: {} dropped (detwasm stopped on a limit)",
            o.name()
        ));
        *oracle = None;
        return;
    }
    let out = run(o.as_mut(), fuel_for(dg));
    rep.step(format!("{step}: {} {out}", o.name()));
    if !check_oracle(rep, step, d, &out) {
        *oracle = None;
        return;
    }
    if let Some(s) = det.snapshot().diff(&o.snapshot(), false) {
        let what = format!(
            "{step}: state differs from {} (detwasm vs oracle): {s}",
            o.name()
        );
        if strict_oracle() {
            rep.fail(&what);
        }
        // detwasm's state already equals the reference meter's.
        rep.outvoted(&what);
        *oracle = None;
    }
}
