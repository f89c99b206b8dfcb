//! Resumable out-of-gas (issue 11 item 3, SPEC.md §Gas, resumption): a run split into
//! any number of gas slices gives exactly what one run with the summed limit gives
//! (results, trap and where, gas used, gas profile, host calls and checkpoints as a
//! trace sees them, trace hash, memory, outputs and trees), whether the slices end in
//! fused ops, dynamic costs, host calls with dynamic charges or exceptions; handles are
//! checked against their store; a call without resumption behaves as before.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod trace_support;

use std::sync::{Arc, Mutex, OnceLock};

use detwasm::session::{self, RunOutcome, TraceOptions};
use detwasm::{
    Caller, Checkpoint, Config, Engine, Error, Extern, Func, FuncAddr, HostCall, HostCallOutcome,
    Invocation, Linker, Module, Store, TraceHook, Trap, TrapCode, ValType, Value,
};
use proptest::prelude::*;
use trace_support::Vector;

// ---------------------------------------------------------------------------
// Session runs: the golden vectors (WASI programs of tests/programs/, the WASI host
// probes, exceptions, bulk memory, out-of-gas cases) in slices, live and replayed.

/// Everything observable about a session run.
#[derive(Debug, PartialEq)]
struct Observed {
    exit_code: Option<i32>,
    trap: Option<Trap>,
    /// Results by type and slot (SPEC.md §Values): references by address, so runs in
    /// different stores compare (a `Func` also carries its store's identity).
    results: Vec<(ValType, u64)>,
    gas_used: u64,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    fs: String,
    profile: Option<String>,
    trace_hash: String,
}

fn observe(o: RunOutcome) -> Observed {
    Observed {
        exit_code: o.exit_code,
        trap: o.trap,
        results: o.results.iter().map(|v| (v.ty(), v.to_slot())).collect(),
        gas_used: o.gas_used,
        stdout: o.stdout,
        stderr: o.stderr,
        fs: trace_support::fs_text(&o.preopens),
        profile: o.gas_profile_folded,
        trace_hash: o.trace.map(|t| t.hash_hex()).unwrap_or_default(),
    }
}

/// Whether the module has a start function (instantiation is not resumable).
fn has_start(bytes: &[u8]) -> bool {
    wasmparser::Parser::new(0)
        .parse_all(bytes)
        .any(|p| matches!(p, Ok(wasmparser::Payload::StartSection { .. })))
}

fn run_vector(v: &Vector, checkpoints: u64, slices: &[u64]) -> Observed {
    let mut rc = v.run_config();
    rc.gas_profile = true;
    rc.config.checkpoint_interval = checkpoints;
    let out = session::run_sliced(&v.module_bytes(), rc, TraceOptions::default(), slices)
        .unwrap_or_else(|e| panic!("{}: {e}", v.name));
    observe(out)
}

/// The vectors that can run in slices, with their one-run observation (profile on, no
/// checkpoints).
fn vectors() -> &'static [(Vector, Observed)] {
    static V: OnceLock<Vec<(Vector, Observed)>> = OnceLock::new();
    V.get_or_init(|| {
        trace_support::load_all()
            .into_iter()
            .filter(|v| !v.slow() && !has_start(&v.module_bytes()))
            .map(|v| {
                let one = run_vector(&v, 0, &[]);
                (v, one)
            })
            .collect()
    })
}

/// Slices from fractions (per mille) of the gas a run uses, so that every slice ends
/// somewhere inside the run; a few are 0 or 1 gas.
fn slices_of(gas_used: u64, fractions: &[u16], limit: u64) -> Vec<u64> {
    let mut out = Vec::new();
    let mut sum = 0u64;
    for f in fractions {
        let s = match f {
            0..=9 => u64::from(*f % 2),
            _ => gas_used.saturating_mul(u64::from(*f)) / 4000,
        };
        if sum + s > limit {
            break;
        }
        sum += s;
        out.push(s);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Every vector in random slices equals its one run, checkpoints off.
    #[test]
    fn vectors_in_slices_equal_one_run(
        pick in any::<prop::sample::Index>(),
        fractions in prop::collection::vec(0u16..1200, 1..8),
    ) {
        let all = vectors();
        let (v, one) = &all[pick.index(all.len())];
        let limit = v.run_config().config.gas_limit;
        let slices = slices_of(one.gas_used, &fractions, limit);
        let sliced = run_vector(v, 0, &slices);
        prop_assert_eq!(&sliced, one, "{} in slices {:?}", v.name, slices);
    }

    /// The same with checkpoints (interval 1 on the small runs): the checkpoint
    /// events, in the trace hash, are those of one run.
    #[test]
    fn vectors_in_slices_with_checkpoints_equal_one_run(
        pick in any::<prop::sample::Index>(),
        fractions in prop::collection::vec(0u16..1200, 1..6),
        interval in prop::sample::select(vec![1u64, 7, 250, 4096]),
    ) {
        let all = vectors();
        let (v, one) = &all[pick.index(all.len())];
        let interval = if one.gas_used > 50_000 { interval.max(4096) } else { interval };
        let whole = run_vector(v, interval, &[]);
        let limit = v.run_config().config.gas_limit;
        let slices = slices_of(one.gas_used, &fractions, limit);
        let sliced = run_vector(v, interval, &slices);
        prop_assert_eq!(&sliced, &whole, "{} in slices {:?}, interval {}", v.name, slices, interval);
    }
}

/// A replay of the vector's recorded one run (every host call answered from the
/// trace), in slices: the observation and the replay's contradiction, if any.
fn replay_vector(v: &Vector, slices: &[u64]) -> (Observed, Option<String>) {
    let recorded = session::run(&v.module_bytes(), v.run_config()).unwrap();
    let trace = recorded.trace.unwrap().into_trace().unwrap();
    let events = trace.events().unwrap();
    let opts = TraceOptions {
        record: true,
        replay: Some(detwasm::trace::Replay::from_events(&events).unwrap()),
    };
    let mut rc = v.run_config();
    rc.gas_profile = true;
    let out = session::run_sliced(&v.module_bytes(), rc, opts, slices).unwrap();
    let contradiction = out.replay_contradiction.clone();
    let seen = observe(out);
    assert_eq!(seen.trace_hash, trace.hash_hex(), "{}", v.name);
    (seen, contradiction)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// A replay in slices (host calls answered from the recording, suspended when
    /// their recorded gas does not fit) equals the replay in one run.
    #[test]
    fn replays_in_slices_equal_one_replay(
        pick in any::<prop::sample::Index>(),
        fractions in prop::collection::vec(0u16..1200, 1..8),
    ) {
        let all = vectors();
        let (v, one) = &all[pick.index(all.len())];
        let limit = v.run_config().config.gas_limit;
        let slices = slices_of(one.gas_used, &fractions, limit);
        let whole = replay_vector(v, &[]);
        prop_assert_eq!(&whole.1, &None);
        prop_assert_eq!(replay_vector(v, &slices), whole, "{} in slices {:?}", v.name, slices);
    }
}

#[test]
fn every_vector_runs_in_one_gas_slices_of_its_first_hundred_gas() {
    // The first 100 gas one by one, then the rest: stops at every instruction of the
    // start of every program (its first host calls included).
    for (v, one) in vectors() {
        let limit = v.run_config().config.gas_limit;
        let slices = vec![1u64; 100.min(limit as usize)];
        let sliced = run_vector(v, 0, &slices);
        assert_eq!(&sliced, one, "{}", v.name);
        // And replayed: host calls answered from the recording stop for their gas.
        assert_eq!(
            replay_vector(v, &slices),
            replay_vector(v, &[]),
            "{}",
            v.name
        );
    }
}

#[test]
fn the_sqlite_demo_in_slices_equals_one_run() {
    let v = trace_support::load_all()
        .into_iter()
        .find(|v| v.name == "prog_sqlite_demo")
        .expect("the SQLite vector");
    let one = run_vector(&v, 0, &[]);
    let g = one.gas_used;
    let sliced = run_vector(&v, 0, &[g / 7, 1, g / 3, 12_345, g / 5]);
    assert_eq!(sliced, one);
}

// ---------------------------------------------------------------------------
// Store runs: a wat module with loops, fused ops, calls, indirect and tail calls,
// exceptions, memory.grow, bulk memory, table.grow, globals and a host function with a
// dynamic charge that writes guest memory and host state.

const WAT: &str = r#"(module
  (import "env" "work" (func $work (param i32) (result i32)))
  (memory (export "memory") 1 6)
  (table $t 2 funcref)
  (table $r 0 64 externref)
  (tag $e (param i32))
  (type $un (func (param i32) (result i32)))
  (elem (table $t) (i32.const 0) func $sq $fib)
  (global $g (mut i32) (i32.const 0))
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $fib (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $tail (param i32 i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (local.get 1))
      (else (return_call $tail (i32.sub (local.get 0) (i32.const 1))
                               (i32.add (local.get 1) (local.get 0))))))
  (func $thrower (param i32) (result i32)
    (if (i32.and (local.get 0) (i32.const 1)) (then (throw $e (local.get 0))))
    (local.get 0))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32) (local $x i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $i)))
        (local.set $x (i32.mul (local.get $i) (i32.const 3)))
        (i32.store (i32.shl (i32.and (local.get $i) (i32.const 255)) (i32.const 2))
                   (local.get $acc))
        (local.set $acc (i32.add (local.get $acc)
          (call_indirect $t (type $un) (i32.and (local.get $i) (i32.const 7))
                                       (i32.and (local.get $i) (i32.const 1)))))
        (local.set $acc (i32.add (local.get $acc) (call $work (local.get $i))))
        (local.set $acc (i32.add (local.get $acc)
          (block $h (result i32)
            (try_table (catch $e $h) (drop (call $thrower (local.get $i))))
            (i32.const 0))))
        (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 3)))
          (then (local.set $acc (i32.add (local.get $acc) (memory.grow (i32.const 1))))))
        (memory.fill (i32.const 4096) (local.get $i) (i32.mul (local.get $i) (i32.const 16)))
        (memory.copy (i32.const 8192) (i32.const 4096) (i32.mul (local.get $i) (i32.const 8)))
        (global.set $g (i32.add (global.get $g) (local.get $x)))
        (drop (table.grow $r (ref.null extern) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.add (local.get $acc) (i32.add (global.get $g) (call $tail (local.get $n) (i32.const 0)))))
  (func (export "trap_after") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (drop (call $work (local.get $i)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.div_u (local.get $n) (i32.sub (local.get $i) (local.get $n)))))"#;

/// What a trace hook sees: every host call and checkpoint, as text.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

impl TraceHook for Seen {
    fn host_call(&mut self, call: &HostCall<'_>, o: &HostCallOutcome<'_>) {
        self.0.lock().unwrap().push(format!(
            "{}.{} {:?} -> {:?} {:?} {:?} {:?} {} {}",
            call.module,
            call.name,
            call.args,
            o.results,
            o.trap,
            o.writes,
            o.reads_digest,
            o.gas_charged,
            o.gas_used
        ));
    }
    fn checkpoint(&mut self, c: &Checkpoint) {
        self.0.lock().unwrap().push(format!("{c:?}"));
    }
}

/// Everything observable about a store run.
#[derive(Debug, PartialEq)]
struct StoreObserved {
    result: Result<Vec<Value>, String>,
    gas_used: u64,
    profile: Vec<(Vec<FuncAddr>, u64)>,
    seen: Vec<String>,
    memory_sha: Vec<u8>,
    calls: u32,
}

fn engine(checkpoints: u64) -> Engine {
    Engine::new(Config {
        checkpoint_interval: checkpoints,
        ..Config::default()
    })
}

fn module(engine: &Engine) -> Module {
    Module::new(engine, &wat::parse_str(WAT).unwrap()).unwrap()
}

/// A store (host state: the number of `work` calls) with the module instantiated.
fn store(engine: &Engine, module: &Module) -> (Store<u32>, detwasm::Instance, Seen) {
    let mut linker = Linker::<u32>::new();
    linker
        .func_wrap("env", "work", 10, |mut c: Caller<'_, u32>, n: i32| {
            // Dynamic charge first (all or nothing), then act.
            c.charge_gas(u64::from(n.unsigned_abs()) * 3 + 1)?;
            *c.data_mut() += 1;
            let calls = *c.data();
            let at = 64 + (n.unsigned_abs() % 16) * 4;
            c.write_memory(at, &calls.to_le_bytes());
            Ok(i32::try_from(calls).unwrap_or(0))
        })
        .unwrap();
    let mut store = Store::new(engine, 0u32);
    store.set_gas_profiling(true);
    let seen = Seen::default();
    store.set_trace_hook(Some(Box::new(seen.clone())));
    let inst = linker.instantiate(&mut store, module).unwrap();
    (store, inst, seen)
}

fn func(store: &Store<u32>, inst: detwasm::Instance, name: &str) -> Func {
    match store.instance_export(inst, name) {
        Some(Extern::Func(f)) => f,
        _ => panic!("no export {name}"),
    }
}

fn finish(
    store: &Store<u32>,
    inst: detwasm::Instance,
    seen: &Seen,
    result: Result<Vec<Value>, Error>,
) -> StoreObserved {
    use sha2::{Digest, Sha256};
    let (mems, _, _) = store.instance_state(inst).unwrap();
    let memory = store.memory_data(mems[0]).unwrap();
    StoreObserved {
        result: result.map_err(|e| format!("{e:?}")),
        gas_used: store.gas_used(),
        profile: store.gas_profile(),
        seen: seen.0.lock().unwrap().clone(),
        memory_sha: Sha256::digest(memory).to_vec(),
        calls: *store.data(),
    }
}

/// One run of `name(arg)` with limit `limit`.
fn one_run(checkpoints: u64, name: &str, arg: i32, limit: u64) -> StoreObserved {
    let engine = engine(checkpoints);
    let module = module(&engine);
    let (mut store, inst, seen) = store(&engine, &module);
    let f = func(&store, inst, name);
    store.set_gas_limit(limit);
    let r = store.invoke(f, &[Value::I32(arg)]);
    finish(&store, inst, &seen, r)
}

/// The same run in `slices`, the last resume final with the rest of `limit`.
fn sliced_run(checkpoints: u64, name: &str, arg: i32, limit: u64, slices: &[u64]) -> StoreObserved {
    let engine = engine(checkpoints);
    let module = module(&engine);
    let (mut store, inst, seen) = store(&engine, &module);
    let f = func(&store, inst, name);
    store.set_gas_limit(slices[0]);
    let mut given = slices[0];
    let mut inv = store.invoke_resumable(f, &[Value::I32(arg)]);
    let mut next = 1;
    let r = loop {
        match inv {
            Ok(Invocation::Finished(r)) => break Ok(r),
            Err(e) => break Err(e),
            Ok(Invocation::OutOfGas(call)) => {
                assert_eq!(call.trap().code(), TrapCode::OutOfGas);
                assert!(store.is_suspended());
                if next < slices.len() {
                    given += slices[next];
                    inv = call.resume(&mut store, slices[next]);
                    next += 1;
                } else {
                    break call.resume_final(&mut store, limit - given);
                }
            }
        }
    };
    assert!(!store.is_suspended());
    finish(&store, inst, &seen, r)
}

const BIG: u64 = 10_000_000;

#[test]
fn one_gas_slices_equal_one_run() {
    for checkpoints in [0, 1, 13] {
        let one = one_run(checkpoints, "run", 7, BIG);
        assert!(one.result.is_ok(), "{:?}", one.result);
        let slices = vec![1u64; one.gas_used as usize + 50];
        let sliced = sliced_run(checkpoints, "run", 7, BIG, &slices);
        assert_eq!(sliced, one, "checkpoints {checkpoints}");
    }
}

#[test]
fn a_trap_after_resuming_is_reported_as_in_one_run() {
    let one = one_run(0, "trap_after", 4, BIG);
    assert!(one
        .result
        .as_ref()
        .unwrap_err()
        .contains("IntegerDivideByZero"));
    let g = one.gas_used;
    for slices in [vec![1; g as usize - 3], vec![g / 2, 1, 1, 1], vec![g - 1]] {
        assert_eq!(sliced_run(0, "trap_after", 4, BIG, &slices), one);
    }
}

#[test]
fn out_of_gas_at_the_end_of_the_slices_is_the_one_run_trap() {
    let whole = one_run(0, "run", 9, BIG).gas_used;
    for limit in [whole / 3, whole / 2 + 7, whole - 1, 130, 131, 132] {
        let one = one_run(0, "run", 9, limit);
        assert!(one.result.as_ref().unwrap_err().contains("OutOfGas"));
        for slices in [vec![1; (limit / 2) as usize], vec![limit / 3, limit / 3]] {
            assert_eq!(
                sliced_run(0, "run", 9, limit, &slices),
                one,
                "limit {limit}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_slices_equal_one_run(
        arg in 0i32..14,
        sizes in prop::collection::vec(0u64..400, 1..40),
        checkpoints in prop::sample::select(vec![0u64, 0, 1, 29]),
        short in any::<bool>(),
    ) {
        let whole = one_run(checkpoints, "run", arg, BIG);
        // Sometimes a limit below what the run needs: it ends out of gas.
        let limit = if short { whole.gas_used * 2 / 3 } else { BIG };
        let one = if short { one_run(checkpoints, "run", arg, limit) } else { whole };
        let mut slices = Vec::new();
        let mut sum = 0;
        for s in sizes {
            if sum + s > limit { break; }
            sum += s;
            slices.push(s);
        }
        if slices.is_empty() {
            slices.push(0);
        }
        let sliced = sliced_run(checkpoints, "run", arg, limit, &slices);
        prop_assert_eq!(sliced, one);
    }
}

// ---------------------------------------------------------------------------
// Handles, suspension rules and the non-resumable path.

fn suspended_store() -> (Store<u32>, detwasm::Instance, Func, detwasm::ResumableCall) {
    let engine = engine(0);
    let module = module(&engine);
    let (mut store, inst, _) = store(&engine, &module);
    let f = func(&store, inst, "run");
    store.set_gas_limit(100);
    let Ok(Invocation::OutOfGas(call)) = store.invoke_resumable(f, &[Value::I32(5)]) else {
        panic!("did not suspend");
    };
    (store, inst, f, call)
}

#[test]
fn a_handle_of_another_store_is_an_error() {
    let (mut a, _, _, call_a) = suspended_store();
    let (mut b, _, _, _) = suspended_store();
    let e = call_a.resume(&mut b, 1_000_000).unwrap_err();
    assert!(matches!(e, Error::Invoke(_)), "{e:?}");
    // Both calls are still suspended and can be resumed by their own handles.
    assert!(a.is_suspended() && b.is_suspended());
    let r = a.suspended_call().unwrap().resume(&mut a, BIG).unwrap();
    assert!(matches!(r, Invocation::Finished(_)));
}

#[test]
fn a_stale_handle_is_an_error() {
    let (mut store, _, f, call) = suspended_store();
    let copy = store.suspended_call().unwrap();
    // Resumed out of gas again: the old handles are stale, the new one works.
    let Ok(Invocation::OutOfGas(next)) = call.resume(&mut store, 10) else {
        panic!("did not suspend again");
    };
    assert!(matches!(
        copy.resume(&mut store, BIG),
        Err(Error::Invoke(_))
    ));
    // Abandoned: stale too.
    let trap = store.abandon_suspended().unwrap();
    assert_eq!(trap.code(), TrapCode::OutOfGas);
    assert!(matches!(
        next.resume(&mut store, BIG),
        Err(Error::Invoke(_))
    ));
    assert!(store.abandon_suspended().is_none());
    // The store runs code again.
    store.set_gas_limit(BIG);
    assert!(store.invoke(f, &[Value::I32(5)]).is_ok());
}

#[test]
fn nothing_else_runs_while_a_call_is_suspended() {
    let (mut store, inst, f, call) = suspended_store();
    let used = store.gas_used();
    assert!(matches!(
        store.invoke(f, &[Value::I32(1)]),
        Err(Error::Invoke(_))
    ));
    assert!(matches!(
        store.invoke_resumable(f, &[Value::I32(1)]),
        Err(Error::Invoke(_))
    ));
    let typed = store.get_typed_func::<i32, i32>(inst, "run").unwrap();
    assert!(matches!(typed.call(&mut store, 1), Err(Error::Invoke(_))));
    let engine = store.engine().clone();
    let m = Module::new(&engine, &wat::parse_str("(module)").unwrap()).unwrap();
    assert!(matches!(store.instantiate(&m, &[]), Err(Error::Invoke(_))));
    assert_eq!(store.gas_used(), used);
    // The refused calls changed nothing: the suspended call ends as one run does.
    let r = call.resume_final(&mut store, BIG - 100).unwrap();
    let one = one_run(0, "run", 5, BIG);
    assert_eq!(Ok(r), one.result);
    assert_eq!(store.gas_used(), one.gas_used);
}

#[test]
fn an_abandoned_call_used_the_gas_of_the_out_of_gas_trap() {
    for limit in [3u64, 40, 57, 100, 200] {
        let one = one_run(0, "run", 5, limit);
        let engine = engine(0);
        let module = module(&engine);
        let (mut store, inst, _) = store(&engine, &module);
        let f = func(&store, inst, "run");
        store.set_gas_limit(limit);
        let Ok(Invocation::OutOfGas(call)) = store.invoke_resumable(f, &[Value::I32(5)]) else {
            panic!("did not suspend");
        };
        let trap = store.abandon_suspended().unwrap();
        assert_eq!(&trap, call.trap());
        let Err(one_trap) = &one.result else { panic!() };
        // A stop inside the host function returns its charges; elsewhere the same.
        if one.seen.is_empty() || !one.seen.last().unwrap().contains("OutOfGas") {
            assert_eq!(
                &format!("{:?}", Error::Trap(trap)),
                one_trap,
                "limit {limit}"
            );
            assert_eq!(store.gas_used(), one.gas_used, "limit {limit}");
        }
    }
}

#[test]
fn typed_calls_resume() {
    let engine = engine(0);
    let module = module(&engine);
    let (mut store, inst, _) = store(&engine, &module);
    let run = store.get_typed_func::<i32, i32>(inst, "run").unwrap();
    let expected = one_run(0, "run", 6, BIG).result.unwrap();
    store.set_gas_limit(50);
    let mut inv = run.call_resumable(&mut store, 6).unwrap();
    let got = loop {
        match inv {
            detwasm::TypedInvocation::Finished(r) => break r,
            detwasm::TypedInvocation::OutOfGas(c) => inv = c.resume(&mut store, 50).unwrap(),
        }
    };
    assert_eq!(vec![Value::I32(got)], expected);
}

#[test]
fn a_host_function_invoked_directly_resumes_from_its_start() {
    let engine = engine(0);
    let mut store = Store::new(&engine, 0u32);
    let ty = detwasm::FuncType::new(vec![detwasm::ValType::I32], vec![detwasm::ValType::I32]);
    let h = store.alloc_named_host_func("env", "h", ty, 10, |mut c, args, results| {
        let Value::I32(n) = args[0] else { panic!() };
        c.charge_gas(u64::from(n.unsigned_abs()))?;
        *c.data_mut() += 1;
        results[0] = Value::I32(n + 1);
        Ok(())
    });
    store.set_gas_limit(5);
    let Ok(Invocation::OutOfGas(call)) = store.invoke_resumable(h, &[Value::I32(20)]) else {
        panic!("did not suspend");
    };
    // The base gas did not fit: nothing charged, the function did not run.
    assert_eq!((store.gas_used(), *store.data()), (0, 0));
    let Ok(Invocation::OutOfGas(call)) = call.resume(&mut store, 10) else {
        panic!("did not suspend at the dynamic charge");
    };
    // The dynamic charge did not fit: the base cost was returned too.
    assert_eq!((store.gas_used(), *store.data()), (0, 0));
    let Ok(Invocation::Finished(r)) = call.resume(&mut store, 15) else {
        panic!("did not finish");
    };
    assert_eq!(r, vec![Value::I32(21)]);
    assert_eq!((store.gas_used(), *store.data()), (30, 1));
}

#[test]
fn a_call_without_resumption_traps_out_of_gas_as_before() {
    let engine = engine(0);
    let module = module(&engine);
    let (mut store, inst, _) = store(&engine, &module);
    let f = func(&store, inst, "run");
    store.set_gas_limit(100);
    let e = store.invoke(f, &[Value::I32(5)]).unwrap_err();
    assert!(matches!(&e, Error::Trap(t) if t.code() == TrapCode::OutOfGas));
    assert!(!store.is_suspended());
    assert!(store.suspended_call().is_none());
    // The store runs the next call at once.
    store.set_gas_limit(BIG);
    assert!(store.invoke(f, &[Value::I32(5)]).is_ok());
}

#[test]
fn the_gas_profile_sums_to_the_gas_used_with_checkpoints() {
    // A fix made with resumption: the loop attributed gas to the profile without the
    // gas beyond the checkpoint fence, so with checkpoints the profile was wrong.
    for checkpoints in [0, 1, 13, 1000] {
        let one = one_run(checkpoints, "run", 7, BIG);
        let sum: u64 = one.profile.iter().map(|p| p.1).sum();
        assert_eq!(sum, one.gas_used, "checkpoints {checkpoints}");
        assert_eq!(one.profile, one_run(0, "run", 7, BIG).profile);
    }
}

#[test]
fn counter_branches_stopped_at_every_part_resume_as_one_run() {
    // Loops whose counter's step is fused into their branch (`BrIncIf...`: fusion is
    // on without checkpoints), given their gas one unit at a time: each suspension
    // is the out-of-gas trap a run with that limit raises (the same instruction and
    // part, also inside the fused step before the branch), and the resumed call ends
    // as one run does, with the same result, memory and gas used.
    let wat = r#"(module (memory 1)
      (func (export "f") (param $n i32) (result i32)
        (local $i i32) (local $s i32)
        (loop $a
          (local.set $s (i32.add (local.get $s) (local.get $i)))
          (br_if $a (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
        (loop $b
          (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (local.get $i)))
          (local.set $i (i32.sub (local.get $i) (i32.const 2)))
          (br_if $b (i32.gt_s (local.get $i) (i32.const 0))))
        (i32.add (local.get $s) (i32.load (i32.const 0)))))"#;
    let engine = Engine::new(Config::default());
    let module = Module::new(&engine, &wat::parse_str(wat).unwrap()).unwrap();
    let start = |limit: u64| {
        let mut store = Store::new(&engine, ());
        let inst = Linker::<()>::new()
            .instantiate(&mut store, &module)
            .unwrap();
        let Some(Extern::Func(f)) = store.instance_export(inst, "f") else {
            panic!("no export f")
        };
        store.set_gas_limit(limit);
        (store, inst, f)
    };
    let memory = |store: &Store<()>, inst| {
        let (mems, _, _) = store.instance_state(inst).unwrap();
        store.memory_data(mems[0]).unwrap()[..4].to_vec()
    };
    let args = [Value::I32(5)];
    let (mut store, inst, f) = start(u64::MAX);
    let want = store.invoke(f, &args).unwrap();
    // s = 0 + 1 + 2 + 3 + 4 = 10, then 5 + 3 + 1 at address 0: 19.
    assert_eq!(want, vec![Value::I32(19)]);
    let (gas, mem) = (store.gas_used(), memory(&store, inst));
    let (mut sliced, sinst, sf) = start(1);
    let mut inv = sliced.invoke_resumable(sf, &args).unwrap();
    let mut given = 1;
    let got = loop {
        match inv {
            Invocation::Finished(r) => break r,
            Invocation::OutOfGas(call) => {
                let (mut one, _, of) = start(given);
                match one.invoke(of, &args) {
                    Err(Error::Trap(t)) => assert_eq!(&t, call.trap(), "limit {given}"),
                    other => panic!("limit {given}: {other:?}"),
                }
                given += 1;
                inv = call.resume(&mut sliced, 1).unwrap();
            }
        }
    };
    assert_eq!(got, want);
    assert_eq!((sliced.gas_used(), memory(&sliced, sinst)), (gas, mem));
    assert_eq!(given, gas);
}
