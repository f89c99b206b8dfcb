//! Snapshots (issue 11 item 5, SPEC.md §Snapshot): a plain instance round trips
//! (bytes, digest, memory, behaviour); a call suspended out of gas, snapshotted,
//! encoded, restored into a fresh store (and in another process) and resumed gives the
//! results and gas of one uninterrupted run, whatever the slice points; the state
//! digest of a suspension equals the trace checkpoint's at the same instruction;
//! corrupted, truncated or hostile snapshots and snapshots of another module or
//! configuration are errors, never panics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::{Arc, Mutex};

use detwasm::{
    Checkpoint, Config, Engine, Error, Extern, HostCall, HostCallOutcome, Instance, Invocation,
    Module, Snapshot, Store, TraceHook, Value,
};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

fn engine(checkpoint_interval: u64) -> Engine {
    let config = Config {
        checkpoint_interval,
        ..Config::default()
    };
    Engine::new(config)
}

fn program(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/programs")
        .join(format!("{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Programs of benches/programs with small arguments: (file, export, argument).
const CALLS: &[(&str, &str, i32)] = &[
    ("fib", "fib", 16),
    ("sha256", "sha256_bench", 1),
    ("matmul", "matmul", 12),
    ("nbody", "nbody", 40),
    ("sieve", "sieve", 4000),
    ("lz", "lz_bench", 1),
    ("vm", "vm_collatz", 8),
    ("hashtab", "hashtab", 600),
    ("sort", "sort_bench", 300),
];

fn instance(engine: &Engine, bytes: &[u8]) -> (Module, Store<()>, Instance) {
    let module = Module::new(engine, bytes).unwrap();
    let mut store = Store::new(engine, ());
    let inst = store.instantiate(&module, &[]).unwrap();
    (module, store, inst)
}

fn func(store: &Store<()>, inst: Instance, name: &str) -> detwasm::Func {
    match store.instance_export(inst, name) {
        Some(Extern::Func(f)) => f,
        other => panic!("export {name}: {other:?}"),
    }
}

fn memory0(store: &Store<()>, inst: Instance) -> Vec<u8> {
    let (mems, _, _) = store.instance_state(inst).unwrap();
    mems.first()
        .map(|m| store.memory_data(*m).unwrap().to_vec())
        .unwrap_or_default()
}

/// One uninterrupted run: results, gas used, memory 0.
fn one_run(engine: &Engine, bytes: &[u8], export: &str, arg: i32) -> (Vec<Value>, u64, Vec<u8>) {
    let (_, mut store, inst) = instance(engine, bytes);
    store.set_gas_limit(u64::MAX / 2);
    let f = func(&store, inst, export);
    let results = store.invoke(f, &[Value::I32(arg)]).unwrap();
    let mem = memory0(&store, inst);
    (results, store.gas_used(), mem)
}

/// A store restored from `bytes` (a serialized snapshot) with a fresh engine.
fn restored(config_cp: u64, wasm: &[u8], bytes: &[u8]) -> (Store<()>, Instance) {
    let engine = engine(config_cp);
    let module = Module::new(&engine, wasm).unwrap();
    let snap = Snapshot::from_bytes(bytes).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = store.restore(&module, &[], &snap).unwrap();
    (store, inst)
}

/// Runs `export(arg)` in slices of `slices` gas, each slice in a fresh store restored
/// from the serialized snapshot of the previous one, then to its end.
fn sliced_run(
    cp: u64,
    wasm: &[u8],
    export: &str,
    arg: i32,
    slices: &[u64],
) -> (Vec<Value>, u64, Vec<u8>, usize) {
    let engine = engine(cp);
    let (_, mut store, mut inst) = instance(&engine, wasm);
    let f = func(&store, inst, export);
    store.set_gas_limit(slices.first().copied().unwrap_or(0));
    let mut inv = store.invoke_resumable(f, &[Value::I32(arg)]).unwrap();
    let mut restores = 0;
    for slice in slices
        .iter()
        .skip(1)
        .copied()
        .chain(std::iter::once(u64::MAX / 4))
    {
        match inv {
            Invocation::Finished(_) => break,
            Invocation::OutOfGas(_) => {
                let snap = store.snapshot(inst).unwrap();
                let bytes = snap.to_bytes().unwrap();
                drop(store);
                (store, inst) = restored(cp, wasm, &bytes);
                assert_eq!(
                    store.snapshot(inst).unwrap().state_digest(),
                    snap.state_digest()
                );
                restores += 1;
                let call = store.suspended_call().expect("restored suspended call");
                inv = call.resume(&mut store, slice).unwrap();
            }
        }
    }
    let Invocation::Finished(results) = inv else {
        panic!("still suspended")
    };
    let mem = memory0(&store, inst);
    (results, store.gas_used(), mem, restores)
}

#[test]
fn plain_instance_round_trips() {
    let engine = engine(0);
    let wasm = program("sha256");
    let (module, mut store, inst) = instance(&engine, &wasm);
    let f = func(&store, inst, "sha256_bench");
    let first = store.invoke(f, &[Value::I32(2)]).unwrap();
    let snap = store.snapshot(inst).unwrap();
    assert!(!snap.is_suspended());
    assert_eq!(snap.module_sha256(), module.sha256());
    assert_eq!(snap.gas_used(), store.gas_used());
    let bytes = snap.to_bytes().unwrap();
    // Deterministic: the same state gives the same bytes.
    assert_eq!(store.snapshot(inst).unwrap().to_bytes().unwrap(), bytes);
    let back = Snapshot::from_bytes(&bytes).unwrap();
    assert_eq!(back, snap);
    assert_eq!(back.state_digest(), snap.state_digest());

    let (mut copy, cinst) = restored(0, &wasm, &bytes);
    assert_eq!(memory0(&copy, cinst), memory0(&store, inst));
    assert_eq!(copy.gas_used(), store.gas_used());
    assert_eq!(
        copy.snapshot(cinst).unwrap().state_digest(),
        snap.state_digest()
    );
    // The digest is that of the state: a change shows.
    let g = func(&copy, cinst, "sha256_bench");
    let again = copy.invoke(g, &[Value::I32(2)]).unwrap();
    let orig = store.invoke(f, &[Value::I32(2)]).unwrap();
    assert_eq!(again, orig);
    assert_eq!(copy.gas_used(), store.gas_used());
    assert_eq!(memory0(&copy, cinst), memory0(&store, inst));
    assert_eq!(
        copy.snapshot(cinst).unwrap().state_digest(),
        store.snapshot(inst).unwrap().state_digest()
    );
    let _ = first;
}

#[test]
fn globals_tables_and_dropped_segments_round_trip() {
    let wat = r#"(module
        (memory (export "memory") 1 4)
        (global $g (mut i64) (i64.const 5))
        (global $r (mut funcref) (ref.null func))
        (table $t 2 10 funcref)
        (elem $e func $f $f)
        (data $d "hello")
        (func $f (export "f") (result i32) (i32.const 7))
        (func (export "run")
            (global.set $g (i64.const -3))
            (global.set $r (ref.func $f))
            (drop (table.grow $t (ref.func $f) (i32.const 3)))
            (table.init $t $e (i32.const 0) (i32.const 0) (i32.const 2))
            (elem.drop $e)
            (memory.init $d (i32.const 100) (i32.const 0) (i32.const 5))
            (data.drop $d)
            (drop (memory.grow (i32.const 2))))
        (func (export "init_again") (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)))
        (func (export "g") (result i64) (global.get $g)))"#;
    let wasm = wat::parse_str(wat).unwrap();
    let engine = engine(0);
    let (_, mut store, inst) = instance(&engine, &wasm);
    store.invoke(func(&store, inst, "run"), &[]).unwrap();
    let bytes = store.snapshot(inst).unwrap().to_bytes().unwrap();
    let (mut copy, cinst) = restored(0, &wasm, &bytes);
    assert_eq!(memory0(&copy, cinst).len(), 3 * 65536);
    assert_eq!(&memory0(&copy, cinst)[100..105], b"hello");
    assert_eq!(
        copy.invoke(func(&copy, cinst, "g"), &[]).unwrap(),
        vec![Value::I64(-3)]
    );
    let (_, globals, tables) = copy.instance_state(cinst).unwrap();
    let (_, oglobals, otables) = store.instance_state(inst).unwrap();
    // The same function address, each a handle of its own store.
    let (g, og) = (
        copy.global_get(globals[1]).unwrap(),
        store.global_get(oglobals[1]).unwrap(),
    );
    assert_eq!(g.to_slot(), og.to_slot());
    let Value::FuncRef(Some(f)) = g else {
        panic!("{g:?}")
    };
    assert_eq!(copy.func(f.addr()), Some(f));
    assert_ne!(g, og);
    assert_eq!(copy.table_elements(tables[0]).unwrap().len(), 5);
    let slots = |v: Vec<Value>| v.iter().map(Value::to_slot).collect::<Vec<u64>>();
    assert_eq!(
        slots(copy.table_elements(tables[0]).unwrap()),
        slots(store.table_elements(otables[0]).unwrap())
    );
    // The data segment stays dropped: memory.init of a dropped segment traps.
    let e = copy
        .invoke(func(&copy, cinst, "init_again"), &[])
        .unwrap_err();
    assert!(matches!(e, Error::Trap(_)), "{e:?}");
}

#[test]
fn suspended_calls_resume_in_fresh_stores_as_one_run() {
    for (name, export, arg) in CALLS {
        let wasm = program(name);
        let (results, gas, mem) = one_run(&engine(0), &wasm, export, *arg);
        for parts in [2u64, 3, 7] {
            let slices: Vec<u64> = (0..parts).map(|_| gas / parts).collect();
            let (r, g, m, n) = sliced_run(0, &wasm, export, *arg, &slices);
            assert_eq!((&r, g), (&results, gas), "{name} in {parts} slices");
            assert!(m == mem, "{name}: memory differs");
            assert!(n >= parts as usize - 1, "{name}: {n} restores");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Random slice points (some of 0 and 1 gas), checkpoints on or off.
    #[test]
    fn random_slices_through_snapshots_equal_one_run(
        pick in 0..CALLS.len(),
        fractions in prop::collection::vec(0u16..1000, 1..6),
        checkpoints in prop::sample::select(vec![0u64, 0, 1000]),
    ) {
        let (name, export, arg) = CALLS[pick];
        let wasm = program(name);
        let (results, gas, mem) = one_run(&engine(checkpoints), &wasm, export, arg);
        let slices: Vec<u64> = fractions
            .iter()
            .map(|f| if *f < 10 { u64::from(*f % 2) } else { gas * u64::from(*f) / 3000 })
            .collect();
        let (r, g, m, _) = sliced_run(checkpoints, &wasm, export, arg, &slices);
        prop_assert_eq!((&r, g), (&results, gas), "{} in slices {:?}", name, slices);
        prop_assert!(m == mem);
    }
}

/// Collects checkpoints.
struct Checkpoints(Arc<Mutex<Vec<Checkpoint>>>);

impl TraceHook for Checkpoints {
    fn host_call(&mut self, _: &HostCall<'_>, _: &HostCallOutcome<'_>) {}
    fn checkpoint(&mut self, cp: &Checkpoint) {
        self.0.lock().unwrap().push(cp.clone());
    }
}

#[test]
fn suspension_digest_equals_the_checkpoint_digest() {
    for (name, export, arg) in &CALLS[..5] {
        let wasm = program(name);
        let engine = engine(997);
        let (_, mut store, inst) = instance(&engine, &wasm);
        let cps = Arc::new(Mutex::new(Vec::new()));
        store.set_trace_hook(Some(Box::new(Checkpoints(Arc::clone(&cps)))));
        store.set_gas_limit(u64::MAX / 2);
        let f = func(&store, inst, export);
        store.invoke(f, &[Value::I32(*arg)]).unwrap();
        let cps = cps.lock().unwrap().clone();
        assert!(cps.len() > 3, "{name}: {} checkpoints", cps.len());
        let step = (cps.len() / 5).max(1);
        for cp in cps.iter().step_by(step) {
            let (module, mut store, inst) = instance(&engine, &wasm);
            store.set_gas_limit(cp.gas_used);
            let f = func(&store, inst, export);
            let Invocation::OutOfGas(call) =
                store.invoke_resumable(f, &[Value::I32(*arg)]).unwrap()
            else {
                panic!("{name}: finished within {} gas", cp.gas_used)
            };
            assert_eq!(store.trap_offset(call.trap()), Some(cp.offset));
            let snap = store.snapshot(inst).unwrap();
            assert_eq!(
                snap.state_digest(),
                cp.state_digest,
                "{name} at checkpoint {}",
                cp.index
            );
            // And after a trip through bytes and a fresh store.
            let bytes = snap.to_bytes().unwrap();
            let mut other = Store::new(&engine, ());
            let oinst = other
                .restore(&module, &[], &Snapshot::from_bytes(&bytes).unwrap())
                .unwrap();
            assert_eq!(
                other.snapshot(oinst).unwrap().state_digest(),
                cp.state_digest
            );
        }
    }
}

/// Across processes: the test binary runs itself as a child that restores the
/// snapshot file written here, resumes it and prints its results and gas.
#[test]
fn resumes_in_another_process() {
    let (name, export, arg) = ("sort", "sort_bench", 300);
    let wasm = program(name);
    if let Ok(path) = std::env::var("DETWASM_SNAPSHOT_CHILD") {
        let bytes = std::fs::read(path).unwrap();
        let (mut store, _) = restored(0, &wasm, &bytes);
        let call = store.suspended_call().expect("a suspended call");
        let results = call.resume_final(&mut store, u64::MAX / 4).unwrap();
        println!("CHILD-RESULT {results:?} gas {}", store.gas_used());
        return;
    }
    let (results, gas, _) = one_run(&engine(0), &wasm, export, arg);
    let e = engine(0);
    let (_, mut store, inst) = instance(&e, &wasm);
    store.set_gas_limit(gas / 3);
    let f = func(&store, inst, export);
    assert!(matches!(
        store.invoke_resumable(f, &[Value::I32(arg)]).unwrap(),
        Invocation::OutOfGas(_)
    ));
    let file =
        std::env::temp_dir().join(format!("detwasm-snapshot-test-{}.bin", std::process::id()));
    std::fs::write(&file, store.snapshot(inst).unwrap().to_bytes().unwrap()).unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "resumes_in_another_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("DETWASM_SNAPSHOT_CHILD", &file)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want = format!("CHILD-RESULT {results:?} gas {gas}");
    assert!(
        stdout.contains(&want),
        "child printed {stdout}, want {want}"
    );
}

/// A small module (no memory) with a call suspended in a callee: a few hundred bytes.
const SMALL: &str = r#"(module
    (global $g (mut i32) (i32.const 0))
    (table 2 funcref)
    (elem (i32.const 0) $inner)
    (func $inner (param i32) (result i32)
        (local i32)
        (loop $l
            (local.set 1 (i32.add (local.get 1) (local.get 0)))
            (global.set $g (i32.add (global.get $g) (i32.const 1)))
            (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
            (br_if $l (local.get 0)))
        (local.get 1))
    (func (export "sum") (param i32) (result i32)
        (i32.add (i32.const 1)
            (call_indirect (param i32) (result i32) (local.get 0) (i32.const 0)))))"#;

fn small_suspended() -> (Vec<u8>, Vec<u8>) {
    let wasm = wat::parse_str(SMALL).unwrap();
    let e = engine(0);
    let (_, mut store, inst) = instance(&e, &wasm);
    store.set_gas_limit(57);
    let f = func(&store, inst, "sum");
    assert!(matches!(
        store.invoke_resumable(f, &[Value::I32(20)]).unwrap(),
        Invocation::OutOfGas(_)
    ));
    let bytes = store.snapshot(inst).unwrap().to_bytes().unwrap();
    (wasm, bytes)
}

#[test]
fn small_snapshot_resumes() {
    let (wasm, bytes) = small_suspended();
    assert!(bytes.len() < 1024, "{} bytes", bytes.len());
    let (mut store, _) = restored(0, &wasm, &bytes);
    let r = store
        .suspended_call()
        .unwrap()
        .resume_final(&mut store, 10_000)
        .unwrap();
    assert_eq!(r, vec![Value::I32(211)]);
}

#[test]
fn every_byte_flip_and_truncation_is_an_error() {
    let (_, bytes) = small_suspended();
    for i in 0..bytes.len() {
        for x in [0x01u8, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[i] ^= x;
            let e = Snapshot::from_bytes(&b).unwrap_err();
            assert!(matches!(e, Error::Snapshot(_)), "flip at {i}: {e:?}");
        }
    }
    for n in 0..bytes.len() {
        let e = Snapshot::from_bytes(&bytes[..n]).unwrap_err();
        assert!(matches!(e, Error::Snapshot(_)), "truncated to {n}: {e:?}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Snapshot::from_bytes(&longer).is_err());
}

/// Seals a body with its SHA-256 trailer, as `to_bytes` does.
fn reseal(body: &[u8]) -> Vec<u8> {
    let mut out = body.to_vec();
    out.extend_from_slice(&Sha256::digest(body));
    out
}

/// Hostile snapshots (a valid trailer over altered contents): decoding and restoring
/// return errors or a consistent state, and resuming whatever was accepted never
/// panics.
#[test]
fn resealed_alterations_never_panic() {
    let (wasm, bytes) = small_suspended();
    let body = &bytes[..bytes.len() - 32];
    let e = engine(0);
    let module = Module::new(&e, &wasm).unwrap();
    let (mut accepted, mut refused) = (0, 0);
    for i in 0..body.len() {
        for x in [0x01u8, 0x02, 0x10, 0x80, 0xff] {
            let mut b = body.to_vec();
            b[i] ^= x;
            let Ok(snap) = Snapshot::from_bytes(&reseal(&b)) else {
                refused += 1;
                continue;
            };
            let mut store = Store::new(&e, ());
            match store.restore(&module, &[], &snap) {
                Err(err) => {
                    assert!(matches!(err, Error::Snapshot(_)), "{err:?}");
                    refused += 1;
                }
                Ok(_) => {
                    accepted += 1;
                    if let Some(call) = store.suspended_call() {
                        let _ = call.resume_final(&mut store, 100_000);
                    }
                }
            }
        }
    }
    // Altering the stack or globals is accepted; altering lengths, positions or
    // frames is refused.
    assert!(
        accepted > 0 && refused > 0,
        "{accepted} accepted, {refused} refused"
    );
    // Huge length prefixes (of the memories and the globals: SPEC.md §Snapshot gives
    // the offsets) are refused without allocating them.
    for at in [366, 374] {
        for len in [u64::MAX, 1 << 40, (body.len() as u64) / 8 + 1] {
            let mut b = body.to_vec();
            b[at..at + 8].copy_from_slice(&len.to_le_bytes());
            assert!(
                Snapshot::from_bytes(&reseal(&b)).is_err(),
                "length {len} at {at}"
            );
        }
    }
}

#[test]
fn another_module_or_configuration_is_an_error() {
    let (wasm, bytes) = small_suspended();
    let snap = Snapshot::from_bytes(&bytes).unwrap();
    let e = engine(0);
    // Module B: the same code and one more export.
    let other =
        wat::parse_str(SMALL.replace("(export \"sum\")", "(export \"sum\") (export \"sum2\")"))
            .unwrap();
    let mut store = Store::new(&e, ());
    let err = store
        .restore(&Module::new(&e, &other).unwrap(), &[], &snap)
        .unwrap_err();
    assert!(
        matches!(&err, Error::Snapshot(m) if m.contains("module")),
        "{err:?}"
    );
    // Other limits.
    let mut config = Config::default();
    config.limits.max_memory_pages = 100;
    let e2 = Engine::new(config);
    let mut store = Store::new(&e2, ());
    let err = store
        .restore(&Module::new(&e2, &wasm).unwrap(), &[], &snap)
        .unwrap_err();
    assert!(
        matches!(&err, Error::Snapshot(m) if m.contains("max_memory_pages")),
        "{err:?}"
    );
    // Other gas metering / checkpoint interval.
    let e3 = engine(10);
    let mut store = Store::new(&e3, ());
    let err = store
        .restore(&Module::new(&e3, &wasm).unwrap(), &[], &snap)
        .unwrap_err();
    assert!(
        matches!(&err, Error::Snapshot(m) if m.contains("checkpoint_interval")),
        "{err:?}"
    );
    // Code positions of the translation without fusion.
    let e4 = Engine::new(Config {
        fusion: false,
        ..Config::default()
    });
    let mut store = Store::new(&e4, ());
    let err = store
        .restore(&Module::new(&e4, &wasm).unwrap(), &[], &snap)
        .unwrap_err();
    assert!(
        matches!(&err, Error::Snapshot(m) if m.contains("fusion")),
        "{err:?}"
    );
    // A store that already holds an instance.
    let module = Module::new(&e, &wasm).unwrap();
    let mut store = Store::new(&e, ());
    store.instantiate(&module, &[]).unwrap();
    assert!(matches!(
        store.restore(&module, &[], &snap),
        Err(Error::Snapshot(_))
    ));
    // A store of another layout (an extra host function first).
    let mut store = Store::new(&e, ());
    store.alloc_host_func(detwasm::FuncType::new(vec![], vec![]), |_, _, _| Ok(()));
    let err = store.restore(&module, &[], &snap).unwrap_err();
    assert!(
        matches!(&err, Error::Snapshot(m) if m.contains("layout")),
        "{err:?}"
    );
    // Another gas schedule version (the field after magic, version and module hash).
    let mut body = bytes[..bytes.len() - 32].to_vec();
    body[52] ^= 1;
    let snap2 = Snapshot::from_bytes(&reseal(&body)).unwrap();
    let mut store = Store::new(&e, ());
    let err = store.restore(&module, &[], &snap2).unwrap_err();
    assert!(
        matches!(&err, Error::Snapshot(m) if m.contains("gas schedule")),
        "{err:?}"
    );
    // Another format version.
    let mut body = bytes[..bytes.len() - 32].to_vec();
    body[16] = 9;
    let err = Snapshot::from_bytes(&reseal(&body)).unwrap_err();
    assert!(
        matches!(&err, Error::Snapshot(m) if m.contains("version")),
        "{err:?}"
    );
}

/// A module calling a host function with a dynamic charge, and exporting it.
const HOSTED: &str = r#"(module
    (import "env" "work" (func $work (param i32) (result i32)))
    (export "work" (func $work))
    (memory 1)
    (func (export "run") (param i32) (result i32)
        (local i32)
        (loop $l
            (local.set 1 (i32.add (local.get 1) (call $work (local.get 0))))
            (i32.store (i32.const 16) (local.get 1))
            (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
            (br_if $l (local.get 0)))
        (local.get 1)))"#;

fn hosted_linker() -> detwasm::Linker<u64> {
    let mut linker = detwasm::Linker::new();
    linker
        .func_wrap(
            "env",
            "work",
            5,
            |mut caller: detwasm::Caller<'_, u64>, n: i32| {
                caller.charge_gas(n as u64)?;
                *caller.data_mut() += n as u64;
                Ok(n * 2)
            },
        )
        .unwrap();
    linker
}

/// Slices through snapshots with the host state carried by the embedder: every stop
/// inside the host function (its dynamic charge) and between instructions.
#[test]
fn linker_restore_with_host_calls_equals_one_run() {
    let wasm = wat::parse_str(HOSTED).unwrap();
    let e = engine(0);
    let module = Module::new(&e, &wasm).unwrap();
    let linker = hosted_linker();
    let mut store = Store::new(&e, 0u64);
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let Some(Extern::Func(run)) = store.instance_export(inst, "run") else {
        panic!()
    };
    let one = store.invoke(run, &[Value::I32(30)]).unwrap();
    let (gas, data) = (store.gas_used(), *store.data());
    for slice in [1u64, 7, 20, 33, 64] {
        let mut store = Store::new(&e, 0u64);
        let mut inst = linker.instantiate(&mut store, &module).unwrap();
        // This store's own handle on `run` (a handle names one store).
        let run = inst.get_func(&store, "run").unwrap();
        store.set_gas_limit(slice);
        let mut inv = store.invoke_resumable(run, &[Value::I32(30)]).unwrap();
        let mut restores = 0;
        let results = loop {
            match inv {
                Invocation::Finished(r) => break r,
                Invocation::OutOfGas(_) => {
                    let bytes = store.snapshot(inst).unwrap().to_bytes().unwrap();
                    let host = *store.data();
                    store = Store::new(&e, host);
                    // The restored instance is the new store's.
                    inst = linker
                        .restore(&mut store, &module, &Snapshot::from_bytes(&bytes).unwrap())
                        .unwrap();
                    restores += 1;
                    inv = store
                        .suspended_call()
                        .unwrap()
                        .resume(&mut store, slice)
                        .unwrap();
                }
            }
        };
        assert_eq!(
            (results, store.gas_used(), *store.data()),
            (one.clone(), gas, data),
            "slice {slice}"
        );
        assert!(restores as u64 >= gas / slice - 1);
    }
    // A host function invoked directly, suspended before its base cost.
    let mut store = Store::new(&e, 0u64);
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let Some(Extern::Func(work)) = store.instance_export(inst, "work") else {
        panic!()
    };
    store.set_gas_limit(3);
    assert!(matches!(
        store.invoke_resumable(work, &[Value::I32(4)]).unwrap(),
        Invocation::OutOfGas(_)
    ));
    let bytes = store.snapshot(inst).unwrap().to_bytes().unwrap();
    let mut store = Store::new(&e, 0u64);
    linker
        .restore(&mut store, &module, &Snapshot::from_bytes(&bytes).unwrap())
        .unwrap();
    let r = store
        .suspended_call()
        .unwrap()
        .resume_final(&mut store, 100)
        .unwrap();
    assert_eq!(
        (r, store.gas_used(), *store.data()),
        (vec![Value::I32(8)], 9, 4)
    );
}

/// Exceptions the store holds travel with the snapshot: an `exnref` kept in a global
/// is rethrown after a restore with its payload.
#[test]
fn exceptions_round_trip() {
    let wat = r#"(module
        (tag $e (param i32))
        (global $g (mut exnref) (ref.null exn))
        (func (export "keep") (param i32)
            (global.set $g
                (block $h (result exnref)
                    (try_table (catch_all_ref $h) (throw $e (local.get 0)))
                    (unreachable))
                ))
        (func (export "rethrow") (result i32)
            (block $c (result i32)
                (try_table (catch $e $c) (throw_ref (global.get $g)))
                (i32.const -1))))"#;
    let wasm = wat::parse_str(wat).unwrap();
    let e = engine(0);
    let (_, mut store, inst) = instance(&e, &wasm);
    store
        .invoke(func(&store, inst, "keep"), &[Value::I32(42)])
        .unwrap();
    assert!(store.exception_count() >= 1);
    let bytes = store.snapshot(inst).unwrap().to_bytes().unwrap();
    let (mut copy, cinst) = restored(0, &wasm, &bytes);
    assert_eq!(copy.exception_count(), store.exception_count());
    assert_eq!(
        copy.invoke(func(&copy, cinst, "rethrow"), &[]).unwrap(),
        vec![Value::I32(42)]
    );
    // The payload is the snapshot's: altered (trailer recomputed), it is what the
    // restored store rethrows.
    let mut body = bytes[..bytes.len() - 32].to_vec();
    let snap = Snapshot::from_bytes(&bytes).unwrap();
    assert_eq!(
        snap.state_digest(),
        store.snapshot(inst).unwrap().state_digest()
    );
    let at = body
        .windows(8)
        .rposition(|w| w == 42u64.to_le_bytes())
        .unwrap();
    body[at] = 43;
    let altered = Snapshot::from_bytes(&reseal(&body)).unwrap();
    let (mut other, oinst) = {
        let m = Module::new(&e, &wasm).unwrap();
        let mut s = Store::new(&e, ());
        let i = s.restore(&m, &[], &altered).unwrap();
        (s, i)
    };
    assert_eq!(
        other.invoke(func(&other, oinst, "rethrow"), &[]).unwrap(),
        vec![Value::I32(43)]
    );
}

/// A restore does not run the start function again: the host sees no call, and the
/// state is the snapshot's.
#[test]
fn restore_does_not_run_the_start_function() {
    let wat = r#"(module
        (import "env" "tick" (func $tick))
        (global $n (export "n") (mut i32) (i32.const 0))
        (func $start (call $tick) (global.set $n (i32.add (global.get $n) (i32.const 1))))
        (start $start)
        (func (export "bump") (global.set $n (i32.add (global.get $n) (i32.const 10)))))"#;
    let wasm = wat::parse_str(wat).unwrap();
    let e = engine(0);
    let module = Module::new(&e, &wasm).unwrap();
    let mut linker = detwasm::Linker::<u32>::new();
    linker
        .func_wrap(
            "env",
            "tick",
            0,
            |mut c: detwasm::Caller<'_, u32>, (): ()| {
                *c.data_mut() += 1;
                Ok(())
            },
        )
        .unwrap();
    let mut store = Store::new(&e, 0u32);
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let Some(Extern::Func(bump)) = store.instance_export(inst, "bump") else {
        panic!()
    };
    store.invoke(bump, &[]).unwrap();
    assert_eq!(*store.data(), 1);
    let snap = store.snapshot(inst).unwrap();
    let mut copy = Store::new(&e, 0u32);
    let cinst = linker.restore(&mut copy, &module, &snap).unwrap();
    assert_eq!(*copy.data(), 0, "the start function ran on restore");
    let Some(Extern::Global(n)) = copy.instance_export(cinst, "n") else {
        panic!()
    };
    assert_eq!(copy.global_get(n), Some(Value::I32(11)));
}

/// Hostile snapshots of a program with memory, suspended deep in its call: every
/// byte outside the memory's contents altered (trailer recomputed) is refused or
/// restores to a state that runs without a panic.
#[test]
fn resealed_alterations_of_a_large_snapshot_never_panic() {
    let wasm = program("fib");
    let e = engine(0);
    let module = Module::new(&e, &wasm).unwrap();
    let (_, mut store, inst) = instance(&e, &wasm);
    store.set_gas_limit(5_000);
    let f = func(&store, inst, "fib");
    assert!(matches!(
        store.invoke_resumable(f, &[Value::I32(20)]).unwrap(),
        Invocation::OutOfGas(_)
    ));
    let bytes = store.snapshot(inst).unwrap().to_bytes().unwrap();
    let body = &bytes[..bytes.len() - 32];
    let mem_len = memory0(&store, inst).len();
    // The header and the memory's length, then everything after the memory.
    let after_mem = 365 + 8 + 8 + mem_len;
    let positions = (0..381).chain(after_mem..body.len());
    let (mut accepted, mut refused) = (0, 0);
    for i in positions {
        for x in [0x01u8, 0x04, 0x40, 0xff] {
            let mut b = body.to_vec();
            b[i] ^= x;
            let Ok(snap) = Snapshot::from_bytes(&reseal(&b)) else {
                refused += 1;
                continue;
            };
            let mut s = Store::new(&e, ());
            match s.restore(&module, &[], &snap) {
                Err(err) => {
                    assert!(matches!(err, Error::Snapshot(_)), "at {i}: {err:?}");
                    refused += 1;
                }
                Ok(_) => {
                    accepted += 1;
                    if let Some(call) = s.suspended_call() {
                        let _ = call.resume_final(&mut s, 200_000);
                    }
                }
            }
        }
    }
    assert!(
        accepted > 0 && refused > 0,
        "{accepted} accepted, {refused} refused"
    );
}

/// The SQLite demo (README's main job) run in slices, each suspension snapshotted,
/// encoded, decoded and restored into a fresh store (`session::
/// run_sliced_through_snapshots`): stdout, exit code, gas, final trees and trace hash
/// equal one uninterrupted run's.
#[test]
fn sqlite_demo_through_snapshots_equals_one_run() {
    use detwasm::session::{self, RunConfig, TraceOptions};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read(root.join(p)).unwrap();
    let wasm = read("examples/sqlite3.wasm");
    let rc = || RunConfig {
        config: Config {
            gas_limit: 2_000_000_000,
            ..Config::default()
        },
        wasi: detwasm::wasi::WasiConfig {
            args: vec!["sqlite3.wasm".to_string(), "/data/demo.db".to_string()],
            stdin: read("examples/sql/demo.sql"),
            preopens: vec![detwasm::wasi::Preopen {
                guest_path: "/data".to_string(),
                tree: detwasm::wasi::fs::Dir::load_host(root.join("examples/sql")).unwrap(),
            }],
            ..detwasm::wasi::WasiConfig::default()
        },
        max_capture_bytes: u64::MAX,
        ..RunConfig::default()
    };
    let one = session::run(&wasm, rc()).unwrap();
    assert_eq!(one.exit_code, Some(0));
    let slices = [one.gas_used / 5, one.gas_used / 3, 1, one.gas_used / 4];
    let sliced =
        session::run_sliced_through_snapshots(&wasm, rc(), TraceOptions::default(), &slices)
            .unwrap();
    assert_eq!(sliced.exit_code, one.exit_code);
    assert_eq!(sliced.trap, one.trap);
    assert_eq!(sliced.gas_used, one.gas_used);
    assert!(sliced.stdout == one.stdout, "stdout differs");
    assert_eq!(sliced.preopens, one.preopens);
    assert_eq!(
        sliced.trace.as_ref().map(|t| t.hash_hex()),
        one.trace.as_ref().map(|t| t.hash_hex())
    );
    let mut rc_profiled = rc();
    rc_profiled.gas_profile = true;
    assert!(session::run_sliced_through_snapshots(
        &wasm,
        rc_profiled,
        TraceOptions::default(),
        &slices
    )
    .is_err());
}
