//! Exception reclamation and the live-exception bound (SPEC.md §Exceptions, issue 13):
//! a throw-catch-by-reference loop of 10^7 exceptions runs in bounded memory, holding
//! more than `max_live_exceptions` traps with `exception_limit`, every root (locals and
//! operands of every frame, globals, tables, payloads, references handed to the
//! embedder) survives collections, and the collection's dynamic gas is exactly
//! SPEC.md's W. Depends on detwasm's public API and wat.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use detwasm::{Config, Engine, Error, Extern, Func, Instance, Module, Store, TrapCode, Value};

#[path = "support/exn_programs.rs"]
mod exn_programs;
use exn_programs::{DROP_LOOP, EMBEDDER, HOARD, ROOTS};

fn store_with(wat: &str, config: Config) -> (Store, Instance) {
    let engine = Engine::new(config);
    let module = Module::new(&engine, &wat::parse_str(wat).expect("wat")).expect("module");
    let mut store = Store::new(&engine, ());
    let inst = store.instantiate(&module, &[]).expect("instantiate");
    (store, inst)
}

fn func(store: &Store, inst: Instance, name: &str) -> Func {
    match store.instance_export(inst, name) {
        Some(Extern::Func(f)) => f,
        _ => panic!("no export {name}"),
    }
}

fn limit(l: u32) -> Config {
    Config {
        max_live_exceptions: l,
        gas_limit: u64::MAX,
        ..Config::default()
    }
}

#[test]
fn ten_million_exceptions_caught_by_reference_and_dropped_run_in_bounded_memory() {
    let (mut store, inst) = store_with(DROP_LOOP, limit(2048));
    let run = func(&store, inst, "run");
    assert_eq!(store.invoke(run, &[Value::I32(10_000_000)]), Ok(vec![]));
    assert!(
        store.exception_count() <= 2 * 2048,
        "{}",
        store.exception_count()
    );
}

#[test]
fn holding_more_than_the_limit_traps_at_the_collection_that_finds_them() {
    let (mut store, inst) = store_with(HOARD, limit(10));
    let run = func(&store, inst, "run");
    match store.invoke(run, &[]) {
        Err(Error::Trap(t)) => assert_eq!(t.code(), TrapCode::ExceptionLimit),
        other => panic!("expected exception_limit, got {other:?}"),
    }
    // Throws 1..=20 found fewer than 2 × 10 held; the 21st collected, found all 20
    // reachable from the table, and trapped before creating its exception.
    let Some(Extern::Global(g)) = store.instance_export(inst, "count") else {
        panic!("no global");
    };
    assert_eq!(store.global_get(g), Some(Value::I32(20)));
    assert_eq!(store.exception_count(), 20);
}

#[test]
fn collections_keep_every_root_of_every_frame_global_and_payload() {
    // 40 frames hold 40 locals, 40 operands and 40 chain links (120 reachable
    // exceptions); 1000 churned exceptions force collections every 180 throws with
    // max_live_exceptions = 150 (a store holds up to 300).
    let (mut store, inst) = store_with(ROOTS, limit(150));
    let run = func(&store, inst, "run");
    let depth = 39;
    let want: i32 = (0..=depth).sum::<i32>() * 2;
    assert_eq!(
        store.invoke(run, &[Value::I32(depth), Value::I32(1000)]),
        Ok(vec![Value::I32(want)])
    );
    let chain = func(&store, inst, "chain_sum");
    assert_eq!(store.invoke(chain, &[]), Ok(vec![Value::I32(want / 2)]));
}

/// Runs `DROP_LOOP` for `n` throws under `config`; returns the gas used.
fn drop_loop_gas(config: Config, n: i32) -> Result<u64, Error> {
    let (mut store, inst) = store_with(DROP_LOOP, config);
    let run = func(&store, inst, "run");
    store
        .invoke(run, &[Value::I32(n)])
        .map(|_| store.gas_used())
}

#[test]
fn a_collection_charges_exactly_w() {
    // With max_live_exceptions = 1, throws 3, 5, 7, ... find 2 held and collect: W =
    // 1 + 1 activation + 0 exnref slots + 0 reachable = 2 each. A large limit never
    // collects.
    let n = 10;
    let base = drop_loop_gas(limit(1_000_000), n).unwrap();
    let collecting = drop_loop_gas(limit(1), n).unwrap();
    assert_eq!(collecting - base, 2 * ((n as u64 - 1) / 2));

    // The same loop with an exnref local, a 5-element exnref table and an exnref
    // global holding one exception with a 2-value payload: W = 1 + 1 activation +
    // (1 local + 5 elements + 1 global) + (1 + 2) for the reachable one = 12.
    let held = r#"(module
      (tag $e (param i32))
      (tag $p (param i32 i64))
      (table 5 exnref)
      (global $g (mut exnref) (ref.null exn))
      (func (export "run") (param $n i32) (local $x exnref)
        (global.set $g
          (block $h (result exnref)
            (try_table (catch_all_ref $h) (throw $p (i32.const 1) (i64.const 2)))
            (unreachable)))
        (loop $l
          (block $h (result exnref)
            (try_table (catch_all_ref $h) (throw $e (local.get $n)))
            (unreachable))
          (drop)
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))"#;
    let gas = |l: u32| {
        let (mut store, inst) = store_with(held, limit(l));
        let run = func(&store, inst, "run");
        store.invoke(run, &[Value::I32(n)]).unwrap();
        store.gas_used()
    };
    // Limit 2 (collect when 4 are held): the global's exception plus the loop's
    // dropped ones reach 4 held at loop throws 4, 7 and 10; each collection keeps the
    // global's one. (Limit 1 would trap: the global's exception alone is 1 reachable.)
    assert_eq!(gas(2) - gas(1_000_000), 12 * 3);
}

#[test]
fn a_collection_that_cannot_be_paid_runs_out_of_gas_and_changes_nothing() {
    // With max_live_exceptions = 1 the third throw collects for W = 2. Lower the gas
    // limit one unit at a time from the run's total: the limits that stop at that
    // throw's collection leave both earlier exceptions held (nothing collected,
    // nothing created) and stop with less than W unspent; lower ones stop earlier.
    let full = drop_loop_gas(limit(1), 3).unwrap();
    let mut stops = Vec::new();
    for lim in full.saturating_sub(60)..full {
        let config = Config {
            gas_limit: lim,
            ..limit(1)
        };
        let (mut store, inst) = store_with(DROP_LOOP, config);
        let run = func(&store, inst, "run");
        match store.invoke(run, &[Value::I32(3)]) {
            Err(Error::Trap(t)) => assert_eq!(t.code(), TrapCode::OutOfGas),
            other => panic!("expected out_of_gas at {lim}, got {other:?}"),
        }
        stops.push((lim, store.gas_used(), store.exception_count()));
    }
    // The highest stop that left both exceptions held is the collection's: the throw's
    // base cost (20) charged, W = 2 not payable, so exactly the limits leaving 0 or 1
    // unspent stop there; below them the throw's own base cost did not fit; above them
    // the collection ran (1 held, the third's exception) and a later instruction stopped.
    let g = stops
        .iter()
        .filter(|s| s.2 == 2)
        .map(|s| s.1)
        .max()
        .unwrap();
    let at_w: Vec<u64> = stops.iter().filter(|s| s.1 == g).map(|s| s.0).collect();
    assert_eq!(at_w, vec![g, g + 1], "{stops:?}");
    assert!(
        stops.iter().filter(|s| s.0 >= g + 2).all(|s| s.2 == 1),
        "{stops:?}"
    );
    assert!(
        stops
            .iter()
            .any(|s| s.0 == g - 1 && s.1 == g - 20 && s.2 == 2),
        "{stops:?}"
    );
}

#[test]
fn references_returned_to_the_embedder_survive_collections_and_reclaimed_ones_are_refused() {
    let (mut store, inst) = store_with(EMBEDDER, limit(4));
    let f = |name: &str| func(&store, inst, name);
    let (make, read, churn, stash, clear) =
        (f("make"), f("read"), f("churn"), f("stash"), f("clear"));
    let kept = store.invoke(make, &[Value::I32(77)]).unwrap();
    // An exnref read from a global is not pinned by being read.
    store.invoke(stash, &[Value::I32(5)]).unwrap();
    let Some(Extern::Global(g)) = store.instance_export(inst, "g") else {
        panic!("no global");
    };
    let read_from_global = store.global_get(g).unwrap();
    store.invoke(clear, &[]).unwrap();
    store.invoke(churn, &[Value::I32(1000)]).unwrap();
    assert!(store.exception_count() <= 9, "{}", store.exception_count());
    // The returned reference is still the same exception.
    assert_eq!(store.invoke(read, &kept), Ok(vec![Value::I32(77)]));
    // The global's old one was reclaimed: refused, never another exception.
    match store.invoke(read, &[read_from_global]) {
        Err(Error::Invoke(m)) => assert!(m.contains("not a live exception"), "{m}"),
        other => panic!("expected an invoke error, got {other:?}"),
    }
}
