//! Atomic calls (issue 11 item 4, SPEC.md §Atomic calls): a call made with
//! `Store::call_atomic` that fails, for any reason, leaves every memory (contents and
//! size), global and table (elements and size) of the store, and the data and element
//! segments' dropped state, as before the call: the §Trace state digests are equal to
//! those before it. Gas used stays charged, the host state is not restored, a call that
//! succeeds keeps its changes, and the journal costs what was written, not the memory
//! size.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use detwasm::{
    Caller, Checkpoint, Config, Dispatch, Engine, Error, Extern, Func, FuncAddr, HostCall,
    HostCallOutcome, Instance, Invocation, Linker, MemAddr, Module, Replayed, Store, TraceHook,
    Trap, TrapCode, ValType, Value, JOURNAL_PAGE_BYTES,
};
use proptest::prelude::*;

/// The host state of the tests: how many host calls ran (never rolled back).
#[derive(Default)]
struct Host {
    calls: u32,
}

/// `host.write(addr, byte)` writes one byte through `write_memory`; `host.raw(addr,
/// byte)` through `memory_mut`; `host.fail()` fails with `HostError`.
fn linker() -> Linker<Host> {
    let mut l = Linker::new();
    l.func_wrap::<(i32, i32), ()>("host", "write", 5, |mut c: Caller<'_, Host>, (a, v)| {
        c.data_mut().calls += 1;
        if c.write_memory(a as u32, &[v as u8]) {
            Ok(())
        } else {
            Err(Trap::new(TrapCode::HostError))
        }
    })
    .unwrap();
    l.func_wrap::<(i32, i32), ()>("host", "raw", 5, |mut c: Caller<'_, Host>, (a, v)| {
        c.data_mut().calls += 1;
        let m = c
            .memory_mut()
            .ok_or_else(|| Trap::new(TrapCode::HostError))?;
        match m.get_mut(a as u32 as usize) {
            Some(b) => {
                *b = v as u8;
                Ok(())
            }
            None => Err(Trap::new(TrapCode::HostError)),
        }
    })
    .unwrap();
    l.func_wrap::<(), ()>("host", "fail", 1, |mut c: Caller<'_, Host>, ()| {
        c.data_mut().calls += 1;
        Err(Trap::new(TrapCode::HostError))
    })
    .unwrap();
    l
}

/// Writes every kind of state, then fails as `$fail` says: 0 returns, 1
/// `unreachable`, 2 a host error, 3 out of gas (an endless loop), 4 an uncaught
/// exception, 5 a trap inside a host function after its write.
const WORK: &str = r#"
(module
  (import "host" "write" (func $hw (param i32 i32)))
  (import "host" "raw" (func $raw (param i32 i32)))
  (import "host" "fail" (func $hf))
  (memory (export "mem") 2 100)
  (global $g (export "g") (mut i32) (i32.const 7))
  (global $h (mut i64) (i64.const 9))
  (global $x (mut exnref) (ref.null exn))
  (table $t (export "t") 10 1000 funcref)
  (tag $e0 (param i32))
  (data $d "hello")
  (elem $e func $noop)
  (func $noop)
  (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "work") (param $fail i32) (result i32)
    (i32.store (i32.const 100) (i32.const 0xdeadbeef))
    (i64.store (i32.const 65532) (i64.const -1))
    (global.set $g (i32.const 42))
    (global.set $h (i64.const 43))
    (table.set $t (i32.const 3) (ref.func $noop))
    (drop (memory.grow (i32.const 2)))
    (drop (table.grow $t (ref.null func) (i32.const 5)))
    (memory.fill (i32.const 70000) (i32.const 0xab) (i32.const 100000))
    (memory.init $d (i32.const 200) (i32.const 0) (i32.const 5))
    (data.drop $d)
    (table.init $t $e (i32.const 0) (i32.const 0) (i32.const 1))
    (elem.drop $e)
    (memory.copy (i32.const 300) (i32.const 100) (i32.const 4))
    (table.fill $t (i32.const 5) (ref.func $noop) (i32.const 3))
    (table.copy $t $t (i32.const 8) (i32.const 3) (i32.const 1))
    (call $hw (i32.const 400) (i32.const 0x55))
    (call $raw (i32.const 200000) (i32.const 0x66))
    (if (i32.eq (local.get $fail) (i32.const 1)) (then unreachable))
    (if (i32.eq (local.get $fail) (i32.const 2)) (then (call $hf)))
    (if (i32.eq (local.get $fail) (i32.const 3)) (then (loop $l (br $l))))
    (if (i32.eq (local.get $fail) (i32.const 4)) (then (throw $e0 (i32.const 1))))
    (if (i32.eq (local.get $fail) (i32.const 5)) (then (call $hw (i32.const 500) (i32.const 1))
                                                       (call $raw (i32.const -1) (i32.const 1))))
    (memory.size))
)
"#;

struct Fixture {
    store: Store<Host>,
    inst: Instance,
}

impl Fixture {
    fn new(wat: &str, config: Config) -> Fixture {
        let engine = Engine::new(config);
        let module = Module::new(&engine, &wat::parse_str(wat).unwrap()).unwrap();
        let mut store = Store::new(&engine, Host::default());
        let inst = linker().instantiate(&mut store, &module).unwrap();
        Fixture { store, inst }
    }

    fn work() -> Fixture {
        Fixture::new(WORK, Config::default())
    }

    fn func(&self, name: &str) -> Func {
        match self.store.instance_export(self.inst, name) {
            Some(Extern::Func(f)) => f,
            other => panic!("no function {name}: {other:?}"),
        }
    }

    /// Everything the journal must restore, compared whole (not only by digest).
    fn state(&self) -> State {
        let (mems, globals, tables) = self.store.instance_state(self.inst).unwrap();
        State {
            digests: self.store.instance_digests(self.inst).unwrap(),
            mems: mems
                .iter()
                .map(|m| self.store.memory_data(*m).unwrap().to_vec())
                .collect(),
            globals: globals
                .iter()
                .map(|g| plain(self.store.global_get(*g).unwrap()))
                .collect(),
            tables: tables
                .iter()
                .map(|t| {
                    let elems = self.store.table_elements(*t).unwrap();
                    elems.into_iter().map(plain).collect()
                })
                .collect(),
            exceptions: self.store.exception_count(),
        }
    }
}

/// A value as its type and slot (SPEC.md §Values): references by address, so the
/// states of two stores compare (a `Func` also carries its store's identity).
fn plain(v: Value) -> (ValType, u64) {
    (v.ty(), v.to_slot())
}

#[derive(Clone, PartialEq)]
struct State {
    digests: ([u8; 32], [u8; 32], [u8; 32]),
    mems: Vec<Vec<u8>>,
    globals: Vec<(ValType, u64)>,
    tables: Vec<Vec<(ValType, u64)>>,
    exceptions: usize,
}

/// A failed comparison shows the digests, the globals and the first differing byte
/// or element in a summary, not every byte of every memory.
impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mems: Vec<String> = self
            .mems
            .iter()
            .map(|m| {
                let nonzero = m.iter().filter(|b| **b != 0).count();
                format!("{} bytes, {nonzero} non-zero", m.len())
            })
            .collect();
        let tables: Vec<String> = self
            .tables
            .iter()
            .map(|t| format!("{} elements {:?}", t.len(), &t[..t.len().min(8)]))
            .collect();
        f.debug_struct("State")
            .field("digests", &self.digests)
            .field("mems", &mems)
            .field("globals", &self.globals)
            .field("tables", &tables)
            .field("exceptions", &self.exceptions)
            .finish()
    }
}

fn trap_code(r: Result<Vec<Value>, Error>) -> TrapCode {
    match r {
        Err(Error::Trap(t)) => t.code(),
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn every_kind_of_failure_restores_the_state_and_keeps_the_gas() {
    let cases = [
        (1, TrapCode::Unreachable),
        (2, TrapCode::HostError),
        (3, TrapCode::OutOfGas),
        (4, TrapCode::UncaughtException),
        (5, TrapCode::HostError),
    ];
    for (fail, code) in cases {
        let mut f = Fixture::work();
        f.store.set_gas_limit(1_000_000);
        let work = f.func("work");
        let before = f.state();
        let r = f.store.call_atomic(work, &[Value::I32(fail)]);
        assert_eq!(trap_code(r.clone()), code, "case {fail}");
        assert_eq!(f.state(), before, "case {fail}: state not restored");
        let used = f.store.gas_used();
        assert!(used > 0);
        // The same call, not atomic, on a twin store: the same trap and the same gas.
        let mut twin = Fixture::work();
        twin.store.set_gas_limit(1_000_000);
        let plain = twin.store.invoke(twin.func("work"), &[Value::I32(fail)]);
        assert_eq!(format!("{plain:?}"), format!("{r:?}"), "case {fail}");
        assert_eq!(twin.store.gas_used(), used, "case {fail}: gas differs");
        assert_ne!(
            twin.state(),
            before,
            "case {fail}: the call changes nothing"
        );
        // The host state is not rolled back.
        assert_eq!(f.store.data().calls, twin.store.data().calls);
        assert!(f.store.data().calls >= 2);
        assert!(!f.store.in_atomic_call());
    }
}

#[test]
fn a_call_that_returns_keeps_its_changes_and_equals_a_plain_invoke() {
    let mut f = Fixture::work();
    let mut twin = Fixture::work();
    let work = f.func("work");
    let before = f.state();
    let r = f.store.call_atomic(work, &[Value::I32(0)]).unwrap();
    assert_eq!(r, vec![Value::I32(4)]);
    let plain = twin
        .store
        .invoke(twin.func("work"), &[Value::I32(0)])
        .unwrap();
    assert_eq!(r, plain);
    assert_ne!(f.state(), before);
    assert_eq!(f.state(), twin.state());
    assert_eq!(f.store.gas_used(), twin.store.gas_used());
}

#[test]
fn after_a_failed_call_the_same_call_succeeds_as_on_a_fresh_store() {
    // The failed call dropped the data and element segments and grew the memory and
    // the table: all undone, so the next call (which needs the segments) runs as the
    // first one would.
    let mut f = Fixture::work();
    let work = f.func("work");
    for _ in 0..3 {
        trap_code(f.store.call_atomic(work, &[Value::I32(1)]));
    }
    let r = f.store.call_atomic(work, &[Value::I32(0)]).unwrap();
    let mut fresh = Fixture::work();
    let fresh_work = fresh.func("work");
    assert_eq!(r, fresh.store.invoke(fresh_work, &[Value::I32(0)]).unwrap());
    assert_eq!(f.state(), fresh.state());
    // Its segments are now dropped for good: a second work traps (memory.init of a
    // dropped segment), atomically, and the successful state stays.
    let kept = f.state();
    assert_eq!(
        trap_code(f.store.call_atomic(work, &[Value::I32(0)])),
        TrapCode::MemoryOutOfBounds
    );
    assert_eq!(f.state(), kept);
}

/// Stores in a loop at addresses that step, 3 bytes at a time, across two 4 KiB journal
/// pages boundaries: a one-byte store, then an 8-byte one at the same address (which
/// straddles two pages near a boundary), plus `global.set`s, then a trap: in both
/// backends the state is restored exactly, and a successful run equals a plain invoke.
/// The threaded backend's journal mode skips the journal for a store into the page the
/// previous store found saved; a store straddling into the next page must not (the
/// one-byte store just before it found only the first page saved).
#[test]
fn stores_across_journal_pages_roll_back_in_both_backends() {
    const STRIDE: &str = r#"(module
      (import "host" "write" (func $hw (param i32 i32)))
      (import "host" "raw" (func $raw (param i32 i32)))
      (import "host" "fail" (func $hf))
      (memory 4)
      (global $g (mut i64) (i64.const 0))
      (func (export "run") (param $fail i32) (local $a i32)
        (local.set $a (i32.const 4080))
        (loop $l
          (i32.store8 (local.get $a) (i32.const 7))
          (i64.store (local.get $a) (i64.const -1))
          (global.set $g (i64.add (global.get $g) (i64.const 1)))
          (local.set $a (i32.add (local.get $a) (i32.const 3)))
          (br_if $l (i32.lt_u (local.get $a) (i32.const 8200))))
        (if (local.get $fail) (then unreachable))))"#;
    for dispatch in [Dispatch::Auto, Dispatch::Loop] {
        let config = Config {
            dispatch,
            ..Config::default()
        };
        let mut f = Fixture::new(STRIDE, config.clone());
        let run = f.func("run");
        let before = f.state();
        assert_eq!(
            trap_code(f.store.call_atomic(run, &[Value::I32(1)])),
            TrapCode::Unreachable
        );
        assert_eq!(f.state(), before, "{dispatch:?}: not restored");
        let (r, stats) = f.store.call_atomic_stats(run, &[Value::I32(0)]);
        assert_eq!(r, Ok(vec![]));
        // Bytes 4080 to 8205 are written: journal pages 0, 1 and 2, each saved once.
        assert_eq!(stats.memory_pages_saved, 3);
        let mut twin = Fixture::new(STRIDE, config);
        let twin_run = twin.func("run");
        twin.store.invoke(twin_run, &[Value::I32(0)]).unwrap();
        assert_eq!(f.state(), twin.state(), "{dispatch:?}");
        assert_ne!(f.state(), before);
    }
}

#[test]
fn memory_grow_then_trap_restores_the_size() {
    let mut f = Fixture::new(
        r#"(module (memory (export "mem") 1 100)
             (func (export "f") (param i32)
               (drop (memory.grow (local.get 0)))
               (i32.store8 (i32.const 70000) (i32.const 1))
               unreachable))"#,
        Config::default(),
    );
    let mf = f.func("f");
    let before = f.state();
    trap_code(f.store.call_atomic(mf, &[Value::I32(5)]));
    assert_eq!(f.state(), before);
    assert_eq!(
        f.store
            .memory_data(f.store.memory(MemAddr(0)).unwrap())
            .unwrap()
            .len(),
        65536
    );
}

#[test]
fn big_memory_few_pages_written_saves_only_those_pages() {
    // A 1000-page memory; the call writes one byte in each of `k` 64 KiB pages.
    let mut f = Fixture::new(
        r#"(module (memory (export "mem") 1000)
             (func (export "f") (param $k i32) (param $fail i32) (local $i i32)
               (block $done (loop $l
                 (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
                 (i32.store8 (i32.mul (local.get $i) (i32.const 65536)) (i32.const 9))
                 (local.set $i (i32.add (local.get $i) (i32.const 1)))
                 (br $l)))
               (if (local.get $fail) (then unreachable))))"#,
        Config::default(),
    );
    let mf = f.func("f");
    let before = f.state();
    for k in [1, 16, 256] {
        let (r, stats) = f
            .store
            .call_atomic_stats(mf, &[Value::I32(k), Value::I32(1)]);
        trap_code(r);
        assert!(stats.rolled_back);
        assert_eq!(stats.memory_pages_saved, k as usize);
        assert_eq!(f.state(), before, "k = {k}");
    }
    let (r, stats) = f
        .store
        .call_atomic_stats(mf, &[Value::I32(3), Value::I32(0)]);
    r.unwrap();
    assert!(!stats.rolled_back);
    assert_eq!(stats.memory_pages_saved, 3);
    assert_eq!(
        f.store
            .memory_data(f.store.memory(MemAddr(0)).unwrap())
            .unwrap()[2 * 65536],
        9
    );
    assert_eq!(JOURNAL_PAGE_BYTES, 4096);
}

#[test]
fn bad_addresses_and_arguments_are_errors() {
    let mut f = Fixture::work();
    let work = f.func("work");
    // A function of another store, at an address this store holds too.
    let mut other = Store::new(&Engine::default(), ());
    let foreign = other.alloc_host_func(
        detwasm::FuncType::new([detwasm::ValType::I32], []),
        |_, _, _| Ok(()),
    );
    let before = f.state();
    for (func, args) in [
        (foreign, vec![Value::I32(0)]),
        (work, vec![]),
        (work, vec![Value::I64(0)]),
        (work, vec![Value::I32(0), Value::I32(0)]),
    ] {
        match f.store.call_atomic(func, &args) {
            Err(Error::Invoke(_)) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(f.state(), before);
    assert_eq!(f.store.gas_used(), 0);
    // Typed: a mismatch is found at lookup; a trap rolls back.
    assert!(f.store.get_typed_func::<i64, i32>(f.inst, "work").is_err());
    let typed = f.store.get_typed_func::<i32, i32>(f.inst, "work").unwrap();
    match typed.call_atomic(&mut f.store, 1) {
        Err(Error::Trap(t)) => assert_eq!(t.code(), TrapCode::Unreachable),
        other => panic!("{other:?}"),
    }
    assert_eq!(f.state(), before);
    assert_eq!(typed.call_atomic(&mut f.store, 0).unwrap(), 4);
}

#[test]
fn a_suspended_call_refuses_an_atomic_call() {
    let mut f = Fixture::work();
    f.store.set_gas_limit(50);
    let work = f.func("work");
    let Invocation::OutOfGas(_call) = f.store.invoke_resumable(work, &[Value::I32(3)]).unwrap()
    else {
        panic!("did not suspend");
    };
    match f.store.call_atomic(work, &[Value::I32(0)]) {
        Err(Error::Invoke(_)) => {}
        other => panic!("{other:?}"),
    }
    assert!(f.store.abandon_suspended().is_some());
    f.store.set_gas_limit(1_000_000);
    let before = f.state();
    trap_code(f.store.call_atomic(work, &[Value::I32(3)]));
    assert_eq!(f.state(), before);
}

#[test]
fn a_host_function_invoked_directly_is_rolled_back_too() {
    let mut f = Fixture::work();
    // The linker allocated its host functions first, in name order: fail, raw, write.
    let fail = f.store.func(FuncAddr(0)).unwrap();
    assert_eq!(f.store.func_name(fail.addr()), "host.fail");
    let before = f.state();
    assert_eq!(
        trap_code(f.store.call_atomic(fail, &[])),
        TrapCode::HostError
    );
    assert_eq!(f.state(), before);
}

#[test]
fn a_panicking_host_function_is_rolled_back_then_panics_on() {
    let engine = Engine::default();
    let mut l = linker();
    l.func_wrap::<(i32,), ()>("host", "boom", 0, |_: Caller<'_, Host>, (x,)| {
        if x == 1 {
            panic!("boom");
        }
        Ok(())
    })
    .unwrap();
    let wat = r#"(module (import "host" "boom" (func $boom (param i32)))
        (memory 1) (global $g (mut i32) (i32.const 0))
        (func (export "f") (param i32)
          (i32.store (i32.const 8) (i32.const 9))
          (global.set $g (i32.const 5))
          (call $boom (local.get 0))))"#;
    let module = Module::new(&engine, &wat::parse_str(wat).unwrap()).unwrap();
    let mut store = Store::new(&engine, Host::default());
    let inst = l.instantiate(&mut store, &module).unwrap();
    let mut f = Fixture { store, inst };
    let func = f.func("f");
    let before = f.state();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        f.store.call_atomic(func, &[Value::I32(1)])
    }));
    assert!(r.is_err(), "the panic must go on");
    assert_eq!(f.state(), before);
    assert!(!f.store.in_atomic_call());
    f.store.call_atomic(func, &[Value::I32(0)]).unwrap();
    assert_ne!(f.state(), before);
}

#[derive(Clone, Default)]
struct Digests(Arc<Mutex<Vec<[u8; 32]>>>);

impl TraceHook for Digests {
    fn host_call(&mut self, _: &HostCall<'_>, _: &HostCallOutcome<'_>) {}
    fn checkpoint(&mut self, cp: &Checkpoint) {
        self.0.lock().unwrap().push(cp.state_digest);
    }
}

#[test]
fn checkpoints_after_a_rollback_see_the_restored_pages() {
    // The checkpoint page-hash cache must learn of the restored pages: checkpoints of a
    // later call equal those of the same call on a store where nothing failed.
    let config = Config {
        checkpoint_interval: 1,
        ..Config::default()
    };
    let run = |fail_first: bool| {
        let mut f = Fixture::new(WORK, config.clone());
        let work = f.func("work");
        let peek = f.func("peek");
        f.store.invoke(peek, &[Value::I32(0)]).unwrap();
        if fail_first {
            trap_code(f.store.call_atomic(work, &[Value::I32(1)]));
        }
        let d = Digests::default();
        f.store.set_trace_hook(Some(Box::new(d.clone())));
        f.store.invoke(peek, &[Value::I32(100)]).unwrap();
        let v = d.0.lock().unwrap().clone();
        v
    };
    let a = run(true);
    assert!(!a.is_empty());
    assert_eq!(a, run(false));
}

/// Answers every host call from a "recording": writes 0x77 at 1000..1004 and 70000,
/// then traps with `HostError` (a replayed answer that writes, then fails).
struct Replaying;

impl TraceHook for Replaying {
    fn host_call(&mut self, _: &HostCall<'_>, _: &HostCallOutcome<'_>) {}
    fn replay(&mut self, _: &HostCall<'_>, _: Option<&[u8]>) -> Option<Replayed> {
        Some(Replayed {
            results: Vec::new(),
            trap: Some(Trap::new(TrapCode::HostError)),
            writes: vec![(1000, vec![0x77; 4]), (70000, vec![0x77])],
            gas_charged: 3,
        })
    }
}

#[test]
fn writes_of_a_replayed_host_call_are_rolled_back() {
    let mut f = Fixture::work();
    let work = f.func("work");
    let before = f.state();
    f.store.set_trace_hook(Some(Box::new(Replaying)));
    assert_eq!(
        trap_code(f.store.call_atomic(work, &[Value::I32(0)])),
        TrapCode::HostError
    );
    f.store.set_trace_hook(None);
    assert_eq!(f.state(), before);
    // Not atomic, the same answer's writes stay: the test sees them.
    f.store.set_trace_hook(Some(Box::new(Replaying)));
    trap_code(f.store.invoke(work, &[Value::I32(0)]));
    assert_eq!(
        f.store
            .memory_data(f.store.memory(MemAddr(0)).unwrap())
            .unwrap()[1000],
        0x77
    );
}

#[test]
fn exceptions_collected_during_a_failed_call_are_held_again() {
    // `keep` stores an exception in a global. `churn` clears the global, then holds
    // enough exceptions to force a collection (max_live_exceptions = 2), which
    // reclaims the kept one, and traps: the rollback puts the global back, so the
    // exception must be held again, and those `churn` created are gone.
    let wat = r#"(module
      (tag $t (param i32))
      (global $x (mut exnref) (ref.null exn))
      (func (export "keep")
        (global.set $x
          (block $h (result i32 exnref)
            (try_table (catch_ref $t $h) (throw $t (i32.const 41)))
            unreachable)
          ) (drop))
      (func (export "churn") (local $i i32)
        (global.set $x (ref.null exn))
        (loop $l
          (block $h (result i32 exnref)
            (try_table (catch_ref $t $h) (throw $t (local.get $i)))
            unreachable)
          (drop) (drop)
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
        unreachable)
      (func (export "use") (result i32)
        (block $h (result i32)
          (try_table (catch $t $h) (throw_ref (global.get $x)))
          unreachable)))"#;
    let config = Config {
        max_live_exceptions: 2,
        ..Config::default()
    };
    let mut f = Fixture::new(wat, config);
    let (keep, churn, use_) = (f.func("keep"), f.func("churn"), f.func("use"));
    f.store.invoke(keep, &[]).unwrap();
    let before = f.state();
    assert_eq!(before.exceptions, 1);
    assert_eq!(
        trap_code(f.store.call_atomic(churn, &[])),
        TrapCode::Unreachable
    );
    assert_eq!(f.state(), before);
    assert_eq!(f.store.invoke(use_, &[]).unwrap(), vec![Value::I32(41)]);
}

/// One step of a random write pattern.
#[derive(Clone, Debug)]
enum Step {
    Store8(u32, u8),
    Store64(u32, u64),
    Fill(u32, u8, u32),
    Copy(u32, u32, u32),
    Grow(u32),
    Global(i64),
    Table(u32),
    Host(u32, u8),
}

fn step() -> impl Strategy<Value = Step> {
    // Addresses mostly inside the 4-page memory, sometimes outside (a trap).
    let addr = prop_oneof![8 => 0u32..4 * 65536, 1 => 0u32..8 * 65536];
    prop_oneof![
        (addr.clone(), any::<u8>()).prop_map(|(a, v)| Step::Store8(a, v)),
        (addr.clone(), any::<u64>()).prop_map(|(a, v)| Step::Store64(a, v)),
        (addr.clone(), any::<u8>(), 0u32..20_000).prop_map(|(a, v, n)| Step::Fill(a, v, n)),
        (addr.clone(), addr.clone(), 0u32..20_000).prop_map(|(d, s, n)| Step::Copy(d, s, n)),
        (0u32..3).prop_map(Step::Grow),
        any::<i64>().prop_map(Step::Global),
        (0u32..12).prop_map(Step::Table),
        (addr, any::<u8>()).prop_map(|(a, v)| Step::Host(a, v)),
    ]
}

fn program(steps: &[Step], trap_at_end: bool) -> String {
    let mut body = String::new();
    for s in steps {
        body.push_str(&match s {
            Step::Store8(a, v) => format!("(i32.store8 (i32.const {a}) (i32.const {v}))\n"),
            Step::Store64(a, v) => format!("(i64.store (i32.const {a}) (i64.const {v}))\n"),
            Step::Fill(a, v, n) => {
                format!("(memory.fill (i32.const {a}) (i32.const {v}) (i32.const {n}))\n")
            }
            Step::Copy(d, s, n) => {
                format!("(memory.copy (i32.const {d}) (i32.const {s}) (i32.const {n}))\n")
            }
            Step::Grow(n) => format!("(drop (memory.grow (i32.const {n})))\n"),
            Step::Global(v) => format!("(global.set $g (i64.const {v}))\n"),
            Step::Table(i) => format!("(table.set $t (i32.const {i}) (ref.func $f))\n"),
            Step::Host(a, v) => format!("(call $hw (i32.const {a}) (i32.const {v}))\n"),
        });
    }
    if trap_at_end {
        body.push_str("unreachable\n");
    }
    format!(
        r#"(module
  (import "host" "write" (func $hw (param i32 i32)))
  (import "host" "raw" (func $raw (param i32 i32)))
  (import "host" "fail" (func $hf))
  (memory 4 16)
  (global $g (mut i64) (i64.const 5))
  (table $t 10 funcref)
  (func $f)
  (elem declare func $f)
  (func (export "init")
    (memory.fill (i32.const 0) (i32.const 0x11) (i32.const 262144))
    (table.set $t (i32.const 1) (ref.func $f)))
  (func (export "run")
{body}))"#
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any write pattern: a failed call leaves the state (digests and bytes) as
    /// before; a successful one leaves it as a plain invoke does; gas used always
    /// equals the plain invoke's. The atomic call runs in either backend (the
    /// threaded one's journal mode or the loop's), the plain one in the default.
    #[test]
    fn random_write_patterns_roll_back_exactly(
        steps in prop::collection::vec(step(), 0..24),
        trap_at_end in any::<bool>(),
        loop_backend in any::<bool>(),
    ) {
        let wat = program(&steps, trap_at_end);
        let dispatch = if loop_backend { Dispatch::Loop } else { Dispatch::Auto };
        let mut f = Fixture::new(&wat, Config { dispatch, ..Config::default() });
        let mut twin = Fixture::new(&wat, Config::default());
        let (init, run) = (f.func("init"), f.func("run"));
        // A handle names one store: the twin's functions are its own.
        let (mut twin_init, mut twin_run) = (twin.func("init"), twin.func("run"));
        f.store.invoke(init, &[]).unwrap();
        twin.store.invoke(twin_init, &[]).unwrap();
        // Twice: the second call reuses the store's closed journal.
        for _ in 0..2 {
            let before = f.state();
            let (g0, t0) = (f.store.gas_used(), twin.store.gas_used());
            let r = f.store.call_atomic(run, &[]);
            let plain = twin.store.invoke(twin_run, &[]);
            prop_assert_eq!(format!("{r:?}"), format!("{plain:?}"));
            prop_assert_eq!(f.store.gas_used() - g0, twin.store.gas_used() - t0);
            if r.is_ok() {
                prop_assert_eq!(f.state(), twin.state());
            } else {
                prop_assert_eq!(f.state(), before.clone());
                // Bring the twin back in step: a new one, with the first call redone
                // when it had succeeded.
                twin = Fixture::new(&wat, Config::default());
                (twin_init, twin_run) = (twin.func("init"), twin.func("run"));
                twin.store.invoke(twin_init, &[]).unwrap();
                if twin.state() != before {
                    twin.store.invoke(twin_run, &[]).unwrap();
                }
                prop_assert_eq!(twin.state(), before);
            }
        }
    }
}
