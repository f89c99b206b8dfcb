//! The harness that checks WASI programs against the reference meter. The meter has
//! no WASI host, so each program is first run in detwasm (`session::run`, the
//! deterministic WASI host, trace recorded); then the same module runs in the meter
//! with every WASI import bound to a `Host::Replay` function that answers the calls
//! from that trace's host call events, in order (`replay_host`: same name and
//! arguments, the recorded gas charged through the meter's own counter, the recorded
//! writes applied to memory 0, the recorded results or trap). The meter's outcome
//! (returned, exit status, or trap with its function index and byte offset), its total
//! gas used (instantiation included) and the SPEC.md §Trace digests of its memories,
//! globals and tables, computed by the meter (`digest.rs`), must equal the trace's end
//! event. Out-of-gas points are probed the same way: for each limit, a fresh detwasm
//! trace at that limit, replayed in the meter. Mismatches are collected as readable
//! reports (program, limit, event, expected vs actual). Reading the trace, loading
//! the cases and locating a state difference use detwasm's public API; the meter's
//! execution and gas are its own. Depends on the reference meter, `digest.rs`,
//! detwasm's public `session`, `trace` and `wasi` API, serde_json and hex.

use std::fmt::Write as _;
use std::path::Path;
use std::rc::Rc;

use detwasm::session::{self, RunConfig};
use detwasm::trace::{EndEvent, Event, HostCallEvent, Outcome as EndOutcome, StartEvent};
use detwasm::wasi::fs::Dir;
use detwasm::wasi::{Preopen, WasiConfig};
use detwasm::{Config, Instance, TrapCode, Value};

use crate::digest::{state_digests, Portable, StateDigests};
use crate::refmeter::lockstep::{splitmix, trap_name, vt_of_det};
use crate::refmeter::module::ImportKind;
use crate::refmeter::replay_host::{CallEnd, RecordedCall, ReplayHost, EXIT, REPLAY_MISMATCH};
use crate::refmeter::store::Host;
use crate::refmeter::{exec, RExtern, RModule, Store, VT};

/// One case of tests/programs/cases.json, ready to run.
pub struct Program {
    pub name: String,
    pub bytes: Vec<u8>,
    pub rf: Rc<RModule>,
    pub wasi: WasiConfig,
    /// The exit status cases.json expects.
    pub exit: i32,
    /// Gas limit of the main run (the default limit unless the case is bounded to a
    /// prefix).
    pub main_limit: u64,
    /// Probe only the total T and T - 1 (for runs too long to repeat more often).
    pub edges_only: bool,
}

/// Loads every case of `tests/programs/cases.json` under `root` as the command line
/// would run it: args[0] is the module's file name, then the case's arguments;
/// `--env`, `--stdin` and `--dir HOST::GUEST` mounts as given. Modules are decoded
/// for the meter once each.
pub fn programs(root: &Path) -> Vec<Program> {
    let text = std::fs::read_to_string(root.join("tests/programs/cases.json")).expect("cases");
    let json: serde_json::Value = serde_json::from_str(&text).expect("cases.json");
    let strs = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|s| s.as_str().expect("string").to_string())
            .collect()
    };
    let mut decoded: Vec<(String, Rc<RModule>)> = Vec::new();
    let mut out = Vec::new();
    for case in json["cases"].as_array().expect("cases array") {
        let name = case["name"].as_str().expect("name").to_string();
        let module = case["module"].as_str().expect("module").to_string();
        let bytes = std::fs::read(root.join(&module)).expect("module file");
        let rf = match decoded.iter().find(|(m, _)| *m == module) {
            Some((_, rf)) => Rc::clone(rf),
            None => {
                let rf =
                    Rc::new(RModule::decode(&bytes).unwrap_or_else(|e| panic!("{module}: {e}")));
                decoded.push((module.clone(), Rc::clone(&rf)));
                rf
            }
        };
        let mut wasi = WasiConfig::default();
        let file_name = Path::new(&module).file_name().expect("file name");
        wasi.args.push(file_name.to_string_lossy().into_owned());
        wasi.args.extend(strs(&case["args"]));
        for e in strs(&case["env"]) {
            let (k, v) = e.split_once('=').expect("KEY=VALUE");
            wasi.env.push((k.to_string(), v.to_string()));
        }
        if let Some(stdin) = case["stdin"].as_str() {
            wasi.stdin = std::fs::read(root.join(stdin)).expect("stdin file");
        }
        for d in strs(&case["dirs"]) {
            let (host, guest) = d.split_once("::").unwrap_or((&d, &d));
            wasi.preopens.push(Preopen {
                guest_path: guest.to_string(),
                tree: Dir::load_host(root.join(host)).expect("--dir tree"),
            });
        }
        out.push(Program {
            name,
            bytes,
            rf,
            wasi,
            exit: case["exit"].as_i64().expect("exit") as i32,
            main_limit: Config::default().gas_limit,
            edges_only: false,
        });
    }
    out
}

/// One detwasm run at one gas limit: its trace events and its final store.
pub struct DetRun {
    pub start: StartEvent,
    /// Host call events with their index in the trace.
    pub calls: Vec<(usize, HostCallEvent)>,
    pub end: EndEvent,
    pub store: detwasm::Store<detwasm::wasi::Wasi>,
    pub instance: Option<Instance>,
}

/// Runs `p` in detwasm with gas limit `limit`, trace recorded.
pub fn det_run(p: &Program, limit: u64) -> DetRun {
    let rc = RunConfig {
        config: Config {
            gas_limit: limit,
            ..Config::default()
        },
        wasi: p.wasi.clone(),
        ..RunConfig::default()
    };
    let outcome = session::run(&p.bytes, rc).unwrap_or_else(|e| panic!("{}: {e}", p.name));
    let trace = outcome.trace.expect("a recorded trace");
    let events = trace
        .into_trace()
        .expect("trace reads back")
        .events()
        .expect("trace decodes");
    let (mut start, mut calls, mut end) = (None, Vec::new(), None);
    for (i, e) in events.into_iter().enumerate() {
        match e {
            Event::Start(s) => start = Some(*s),
            Event::HostCall(c) => calls.push((i, c)),
            Event::End(x) => end = Some(x),
            other => panic!("{}: unexpected event {i}: {other:?}", p.name),
        }
    }
    DetRun {
        start: start.expect("start event"),
        calls,
        end: end.expect("end event"),
        store: outcome.store,
        instance: outcome.instance,
    }
}

/// How a run ended, in the end event's terms (values as type and portable bits; a
/// trap by SPEC.md name, with its function index and byte offset, `u32::MAX` when
/// outside any function).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    Returned(Vec<(VT, u64)>),
    Exit(i32),
    Trap {
        name: String,
        func: u32,
        offset: u32,
    },
}

fn expected_end(e: &EndOutcome) -> End {
    match e {
        EndOutcome::Returned(vs) => {
            End::Returned(vs.iter().map(|v| (vt_of_det(v.ty), v.bits)).collect())
        }
        EndOutcome::Exit(s) => End::Exit(*s),
        EndOutcome::Trap { code, func, offset } => End::Trap {
            name: trap_name(*code).to_string(),
            func: *func,
            offset: *offset,
        },
    }
}

/// The reference meter's run against one detwasm trace.
pub struct MeterRun {
    pub end: End,
    pub gas_used: u64,
    pub digests: StateDigests,
    /// Host calls answered from the recording.
    pub answered: usize,
    /// The first disagreement with the recorded host calls, if any.
    pub host_mismatch: Option<String>,
    pub store: Store,
    pub inst: Option<usize>,
}

fn recorded(index: usize, c: &HostCallEvent) -> RecordedCall {
    let vals = |vs: &[detwasm::trace::TraceValue]| -> Vec<(VT, u64)> {
        vs.iter().map(|v| (vt_of_det(v.ty), v.bits)).collect()
    };
    let end = match c.trap {
        None => CallEnd::Returned,
        Some(t) if t.code == TrapCode::Exit => CallEnd::Exit(t.status),
        Some(t) => CallEnd::Trap(trap_name(t.code)),
    };
    RecordedCall {
        event: index,
        module: c.module.clone(),
        name: c.name.clone(),
        args: vals(&c.args),
        results: vals(&c.results),
        end,
        writes: c.writes.clone(),
        gas_charged: c.gas_charged,
        gas_used: c.gas_used,
    }
}

/// Runs `p` in the reference meter with the configuration of `det`'s start event
/// (gas limit, §Stack and growth limits, entry point), every import answered from
/// `det`'s host call events.
pub fn meter_run(p: &Program, det: &DetRun) -> MeterRun {
    let start = &det.start;
    let mut s = Store::new();
    s.max_memory_pages = start.limits[13];
    s.max_table_elements = start.limits[14];
    s.max_call_depth = start.limits[17];
    s.max_stack_height = start.limits[18];
    // SPEC.md §Exceptions: max_live_exceptions is the last entry of the limits.
    if let Some(&m) = start.limits.get(19) {
        s.max_live_exceptions = m;
    }
    let mut names = Vec::new();
    let mut imports = Vec::new();
    for (module, name, kind) in &p.rf.imports {
        let ImportKind::Func(t) = *kind else {
            panic!("{}: import {module}.{name} is not a function", p.name);
        };
        let ty = p.rf.types[t as usize].clone();
        imports.push(RExtern::Func(
            s.alloc_host_func(ty, Host::Replay(names.len())),
        ));
        names.push((module.clone(), name.clone()));
    }
    let calls = det.calls.iter().map(|(i, c)| recorded(*i, c)).collect();
    s.replay = Some(Box::new(ReplayHost::new(names, calls)));
    s.set_gas_limit(start.gas_limit);
    let (r, inst, results) = match s.instantiate(Rc::clone(&p.rf), &imports) {
        Err((t, inst)) => (Err(t), Some(inst), Vec::new()),
        Ok(inst) => match s.export(inst, &start.entry) {
            Some(RExtern::Func(f)) => {
                let args: Vec<u64> = start.entry_args.iter().map(|v| v.bits).collect();
                let results = s.funcs[f].ty.results.clone();
                (exec::invoke(&mut s, f, &args), Some(inst), results)
            }
            other => panic!("{}: entry {:?} is {other:?}", p.name, start.entry),
        },
    };
    let host = s.replay.take().expect("replay host");
    let end = match r {
        Ok(slots) => {
            let portable = Portable::new(&s, inst.expect("an instance"));
            End::Returned(
                results
                    .iter()
                    .zip(slots)
                    .map(|(t, v)| (*t, portable.bits(*t, v)))
                    .collect(),
            )
        }
        Err(t) if t == EXIT => End::Exit(host.exit_status.expect("exit status")),
        Err(t) => {
            let (func, offset) = match s.trap_site {
                Some(site) => {
                    let funcs = &s.instances[site.inst].funcs;
                    let index = funcs.iter().position(|&a| a == site.func);
                    (index.map_or(u32::MAX, |i| i as u32), site.offset)
                }
                None => (u32::MAX, u32::MAX),
            };
            End::Trap {
                name: t.0.to_string(),
                func,
                offset,
            }
        }
    };
    let host_mismatch = host.mismatch.clone().or_else(|| {
        // Every recorded call must have been made, unless the run ended early for a
        // reason already reported.
        let rest = host.calls.get(host.next)?;
        Some(format!(
            "event {} (host call #{} {}.{}) was recorded but the meter's run ended before it",
            rest.event, host.next, rest.module, rest.name
        ))
    });
    MeterRun {
        end,
        gas_used: s.gas_used(),
        digests: state_digests(&s, inst),
        answered: host.next,
        host_mismatch,
        store: s,
        inst,
    }
}

/// Compares a meter run with the detwasm run it replayed; returns every difference.
pub fn compare(det: &DetRun, m: &MeterRun) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(h) = &m.host_mismatch {
        out.push(h.clone());
    }
    if m.end.is_replay_mismatch() {
        // The meter's run was cut short at that call: the rest would only repeat it.
        return out;
    }
    let end_index = det.calls.last().map_or(1, |(i, _)| i + 1);
    let expected = expected_end(&det.end.outcome);
    if m.end != expected {
        out.push(format!(
            "event {end_index} (end): outcome: detwasm {expected:?}, meter {:?}",
            m.end
        ));
    }
    if m.gas_used != det.end.gas_used {
        out.push(format!(
            "event {end_index} (end): gas_used: detwasm {}, meter {}",
            det.end.gas_used, m.gas_used
        ));
    }
    let d = &det.end;
    let digests = [
        ("memories", d.memory_sha256, m.digests.memories),
        ("globals", d.globals_sha256, m.digests.globals),
        ("tables", d.tables_sha256, m.digests.tables),
    ];
    for (what, dd, md) in digests {
        if dd != md {
            out.push(format!(
                "event {end_index} (end): {what} digest: detwasm {}, meter {}{}",
                hex::encode(&dd[..8]),
                hex::encode(&md[..8]),
                state_difference(det, m, what)
            ));
        }
    }
    out
}

impl End {
    fn is_replay_mismatch(&self) -> bool {
        matches!(self, End::Trap { name, .. } if name == REPLAY_MISMATCH.0)
    }
}

/// Where the states differ, found directly in the two stores (for the report).
fn state_difference(det: &DetRun, m: &MeterRun, what: &str) -> String {
    let (Some(di), Some(mi)) = (det.instance, m.inst) else {
        return format!(
            " (detwasm instance {:?}, meter instance {:?})",
            det.instance, m.inst
        );
    };
    let Some((dmems, dglobals, dtables)) = det.store.instance_state(di) else {
        return " (detwasm has no such instance)".to_string();
    };
    let inst = &m.store.instances[mi];
    let mut s = String::new();
    match what {
        "memories" => {
            for (k, (&dm, &rm)) in dmems.iter().zip(&inst.mems).enumerate() {
                let d = det.store.memory_data(dm).unwrap_or_default();
                let r = &m.store.mems[rm].data;
                if d.len() != r.len() {
                    let _ = write!(
                        s,
                        "; memory {k}: detwasm {} bytes, meter {}",
                        d.len(),
                        r.len()
                    );
                } else if let Some(at) = d.iter().zip(r).position(|(a, b)| a != b) {
                    let n = d.iter().zip(r).filter(|(a, b)| a != b).count();
                    let _ = write!(
                        s,
                        "; memory {k}: {n} bytes differ, first at {at:#x}: detwasm {:#04x}, meter {:#04x}",
                        d[at], r[at]
                    );
                }
            }
            if dmems.len() != inst.mems.len() {
                let _ = write!(s, "; {} memories vs {}", dmems.len(), inst.mems.len());
            }
        }
        "globals" => {
            for (k, (&dg, &rg)) in dglobals.iter().zip(&inst.globals).enumerate() {
                let d = det.store.global_get(dg);
                let r = &m.store.globals[rg];
                if d.map(|v| v.to_slot()) != Some(r.value)
                    || d.map(|v| vt_of_det(v.ty())) != Some(r.ty)
                {
                    let _ = write!(
                        s,
                        "; global {k}: detwasm {d:?}, meter {:?} {:#x}",
                        r.ty, r.value
                    );
                }
            }
        }
        _ => {
            let portable = Portable::new(&m.store, mi);
            for (k, (&dt, &rt)) in dtables.iter().zip(&inst.tables).enumerate() {
                let d = det.store.table_elements(dt).unwrap_or_default();
                let r = &m.store.tables[rt];
                if d.len() != r.elems.len() {
                    let _ = write!(
                        s,
                        "; table {k}: detwasm {} elements, meter {}",
                        d.len(),
                        r.elems.len()
                    );
                } else {
                    // detwasm's function references are store addresses, the meter's
                    // portable bits are module indices: only nullness compares here.
                    let null = |v: &Value| {
                        matches!(
                            v,
                            Value::FuncRef(None) | Value::ExternRef(None) | Value::ExnRef(None)
                        )
                    };
                    let at = d
                        .iter()
                        .zip(&r.elems)
                        .position(|(a, b)| null(a) != (*b == 0));
                    let _ = match at {
                        Some(at) => write!(
                            s,
                            "; table {k} element {at}: detwasm {:?}, meter portable bits {}",
                            d[at],
                            portable.bits(r.elem, r.elems[at])
                        ),
                        None => write!(s, "; table {k}: the same null elements, other functions"),
                    };
                }
            }
        }
    }
    s
}

/// Counts of what was compared.
#[derive(Default, Debug)]
pub struct Stats {
    pub programs: u64,
    /// Host calls in the programs' main runs.
    pub host_calls: u64,
    /// Meter runs compared (one per limit).
    pub runs: u64,
    /// Host calls the meter answered from traces, over all runs.
    pub answered: u64,
    /// Limits below a program's total.
    pub oog_limits: u64,
    /// Of those, limits where detwasm ran out of gas inside a host call.
    pub oog_in_host: u64,
    /// The last program's total gas and host calls, for the progress line.
    pub last: String,
}

/// Programs whose total exceeds this get one pseudo-random limit instead of three (a
/// probe costs as much gas as its limit, in both engines; see `check_program`).
pub const MANY_RANDOM_LIMITS_UP_TO: u64 = 100_000_000;

/// The limits probed for a program whose main run used `t` gas: `t` itself (must
/// repeat the main run), `t - 1`, `t / 2`, pseudo-random limits in `1..t` (three, or
/// one when `t` exceeds [`MANY_RANDOM_LIMITS_UP_TO`]), and limits that run out of gas
/// inside a host call: for the first and the middle host call, its `gas_used - 1` (its
/// last charge does not fit); for the first, also `gas_used - gas_charged` (its first
/// charge does not fit) and `gas_used + 1`. Descending, without repeats, each in
/// `1..=t`.
pub fn probe_limits(t: u64, calls: &[(usize, HostCallEvent)], seed: &mut u64) -> Vec<u64> {
    let mut v = vec![t, t.saturating_sub(1), t / 2];
    let randoms = if t > MANY_RANDOM_LIMITS_UP_TO { 1 } else { 3 };
    for _ in 0..randoms {
        *seed = splitmix(*seed);
        v.push(1 + *seed % t.saturating_sub(1).max(1));
    }
    if let Some((_, first)) = calls.first() {
        v.push(first.gas_used.saturating_sub(1));
        v.push(first.gas_used - first.gas_charged);
        v.push(first.gas_used + 1);
    }
    if let Some((_, mid)) = calls.get(calls.len() / 2) {
        v.push(mid.gas_used.saturating_sub(1));
    }
    v.retain(|l| (1..=t).contains(l));
    v.sort_unstable_by(|a, b| b.cmp(a));
    v.dedup();
    v
}

/// Checks program `p` and returns the mismatches, each prefixed with the program and
/// the limit. detwasm runs it once with `p.main_limit`, giving the total T; then, for
/// each limit of [`probe_limits`], detwasm records a fresh trace at that limit and the
/// meter runs against it. At limit T detwasm must repeat the main run exactly (every
/// host call event and the end event), so the meter's run at T is its check of the
/// whole program (a meter run that completes within T would be the same with any
/// larger limit: charges are all or nothing). Below T both must stop with
/// `out_of_gas`, within the limit, at the same gas, state and instruction.
pub fn check_program(p: &Program, stats: &mut Stats, seed: &mut u64) -> Vec<String> {
    let mut out = Vec::new();
    stats.programs += 1;
    let main = det_run(p, p.main_limit);
    stats.host_calls += main.calls.len() as u64;
    let t = main.end.gas_used;
    // The harness runs the case as cases.json says (else the check could be vacuous).
    let exited_as_expected = match main.end.outcome {
        EndOutcome::Returned(_) => p.exit == 0,
        EndOutcome::Exit(status) => status == p.exit,
        EndOutcome::Trap { .. } => false,
    };
    if p.main_limit == Config::default().gas_limit && !exited_as_expected {
        out.push(format!(
            "{}: harness: the main run ended with {:?}, cases.json expects exit {}",
            p.name, main.end.outcome, p.exit
        ));
    }
    stats.last = format!("{t} gas, {} host calls", main.calls.len());
    let limits = if p.edges_only {
        vec![t, t.saturating_sub(1)]
    } else {
        probe_limits(t, &main.calls, seed)
    };
    for limit in limits {
        let det = det_run(p, limit);
        let m = meter_run(p, &det);
        stats.runs += 1;
        stats.answered += m.answered as u64;
        let mut diffs = Vec::new();
        if limit == t {
            let same_calls = det.calls.len() == main.calls.len()
                && det.calls.iter().zip(&main.calls).all(|(a, b)| a == b);
            if !same_calls || det.end != main.end {
                diffs.push(format!(
                    "detwasm inconsistent: limit = total {t} does not repeat the main run \
                     with limit {} ({} host calls, end {:?} gas {}; main: {} host calls, \
                     end {:?} gas {})",
                    p.main_limit,
                    det.calls.len(),
                    det.end.outcome,
                    det.end.gas_used,
                    main.calls.len(),
                    main.end.outcome,
                    main.end.gas_used
                ));
            }
        } else {
            stats.oog_limits += 1;
            let in_host = det.calls.last().and_then(|(_, c)| c.trap);
            if in_host.is_some_and(|t| t.code == TrapCode::OutOfGas) {
                stats.oog_in_host += 1;
            }
            let oog = |e: &End| matches!(e, End::Trap { name, .. } if name == "out_of_gas");
            if !oog(&expected_end(&det.end.outcome)) || det.end.gas_used > limit {
                diffs.push(format!(
                    "detwasm inconsistent: limit {limit} < total {t} gave {:?} gas {}",
                    det.end.outcome, det.end.gas_used
                ));
            }
            if !(oog(&m.end) || m.end.is_replay_mismatch()) || m.gas_used > limit {
                diffs.push(format!(
                    "meter inconsistent: limit {limit} < total {t} gave {:?} gas {}",
                    m.end, m.gas_used
                ));
            }
        }
        diffs.extend(compare(&det, &m));
        for d in diffs {
            out.push(format!("{} limit {limit}: {d}", p.name));
        }
    }
    out
}
