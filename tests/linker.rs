//! The embedding API of issue 11 items 1 and 2: `Store<T>` owning host state, `Linker<T>`
//! (`func_wrap`, `func_new`, `define`, `instantiate`), `Caller<'_, T>`, and the errors
//! (never panics) for ill-typed host results, ill-typed arguments and missing imports.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use detwasm::wasi::{self, Wasi, WasiConfig};
use detwasm::{
    Caller, Engine, Error, Extern, Func, FuncAddr, FuncType, Linker, MemoryType, Module, Store,
    Trap, TrapCode, TypeLimits, ValType, Value,
};

fn module(engine: &Engine, wat: &str) -> Module {
    Module::new(engine, &wat::parse_str(wat).expect("wat")).expect("module")
}

fn export(store: &Store<impl Sized>, inst: detwasm::Instance, name: &str) -> Func {
    match store.instance_export(inst, name) {
        Some(Extern::Func(f)) => f,
        other => panic!("{name}: {other:?}"),
    }
}

fn trap_code(r: Result<Vec<Value>, Error>) -> Option<TrapCode> {
    match r {
        Err(Error::Trap(t)) => Some(t.code()),
        _ => None,
    }
}

/// The host state of the counter tests.
#[derive(Default)]
struct Counter {
    calls: u32,
    sum: i64,
}

const COUNTING: &str = r#"(module
  (import "env" "count" (func $count (param i32) (result i32)))
  (func (export "run") (param i32) (result i32) (call $count (local.get 0))))"#;

/// `COUNTING` instantiated in a store holding `data`, with `env.count` as `count`
/// costing `base_gas`; returns the store, the instance and the export `run`.
fn counting<T: 'static>(
    data: T,
    base_gas: u64,
    count: impl Fn(Caller<'_, T>, i32) -> Result<i32, Trap> + Send + Sync + 'static,
) -> (Store<T>, detwasm::Instance, Func) {
    let engine = Engine::default();
    let m = module(&engine, COUNTING);
    let mut linker = Linker::<T>::new();
    linker.func_wrap("env", "count", base_gas, count).unwrap();
    let mut store = Store::new(&engine, data);
    let inst = linker.instantiate(&mut store, &m).unwrap();
    let run = export(&store, inst, "run");
    (store, inst, run)
}

#[test]
fn data_mut_persists_across_calls_and_base_gas_is_charged() {
    let (mut store, inst, _) = counting(Counter::default(), 25, |mut caller, x| {
        let state = caller.data_mut();
        state.calls += 1;
        state.sum += i64::from(x);
        Ok(i32::try_from(state.calls).unwrap_or(i32::MAX))
    });
    let run = store.get_typed_func::<i32, i32>(inst, "run").unwrap();
    assert_eq!(run.call(&mut store, 5).unwrap(), 1);
    assert_eq!(run.call(&mut store, 7).unwrap(), 2);
    let before = store.gas_used();
    assert_eq!(run.call(&mut store, 30).unwrap(), 3);
    // `local.get` (1) and `call` (5, SPEC.md §Gas) plus the host's base cost.
    assert_eq!(store.gas_used() - before, 6 + 25);
    assert_eq!(store.data().calls, 3);
    store.data_mut().calls = 10;
    assert_eq!(run.call(&mut store, 0).unwrap(), 11);
    let state = store.into_data();
    assert_eq!((state.calls, state.sum), (11, 42));
}

#[test]
fn a_base_cost_above_the_gas_left_traps_before_the_host_runs() {
    let (mut store, _, run) = counting(Counter::default(), 100, |mut c, _| {
        c.data_mut().calls += 1;
        Ok(0)
    });
    store.set_gas_limit(50);
    assert_eq!(
        trap_code(store.invoke(run, &[Value::I32(1)])),
        Some(TrapCode::OutOfGas)
    );
    assert_eq!(store.data().calls, 0);
}

#[test]
fn charge_gas_is_all_or_nothing() {
    let (mut store, _, run) = counting(Vec::new(), 0, |mut c, n| {
        let before = c.gas_remaining();
        let ok = c.charge_gas(u64::from(n.unsigned_abs())).is_ok();
        let after = c.gas_remaining();
        c.data_mut().push((before - after, ok));
        if ok {
            Ok(0)
        } else {
            Err(Trap::new(TrapCode::OutOfGas))
        }
    });
    store.set_gas_limit(100);
    store.invoke(run, &[Value::I32(60)]).unwrap();
    assert_eq!(
        trap_code(store.invoke(run, &[Value::I32(60)])),
        Some(TrapCode::OutOfGas)
    );
    // 6 gas of wasm before each host call; the second charge of 60 finds 28 and
    // charges nothing.
    assert_eq!(store.data(), &vec![(60, true), (0, false)]);
    assert_eq!(store.gas_remaining(), 100 - 6 - 60 - 6);
}

#[test]
fn missing_and_mistyped_imports_are_all_listed_before_anything_is_allocated() {
    let engine = Engine::default();
    let m = module(
        &engine,
        r#"(module
          (import "env" "a" (func))
          (import "env" "count" (func (param i64)))
          (import "other" "t" (table 1 funcref))
          (import "env" "g" (global i32))
          (import "env" "small" (memory 2)))"#,
    );
    let mut store = Store::new(&engine, ());
    let one_page = store
        .alloc_memory(MemoryType {
            limits: TypeLimits { min: 1, max: None },
        })
        .unwrap();
    let mut linker = Linker::<()>::new();
    linker
        .func_wrap("env", "count", 0, |_: Caller<'_, ()>, x: i32| Ok(x))
        .unwrap()
        .define("env", "small", Extern::Memory(one_page))
        .unwrap();
    let err = linker.instantiate(&mut store, &m).unwrap_err();
    let Error::Link(err) = err else {
        panic!("{err:?}")
    };
    let msg = err.to_string();
    assert!(
        msg.contains("5 import(s) not provided by the linker"),
        "{msg}"
    );
    for part in [
        r#""env" "a": not defined in the linker"#,
        r#""env" "count": imported as a function of type [i64] -> [], defined as a host function of type [i32] -> [i32]"#,
        r#""other" "t": not defined"#,
        r#""env" "g": not defined"#,
        r#""env" "small": imported as a memory, defined as Memory(Memory(0)): incompatible import type"#,
    ] {
        assert!(msg.contains(part), "{part} in {msg}");
    }
    // In module order.
    let a = msg.find(r#""env" "a""#).unwrap();
    let g = msg.find(r#""env" "g""#).unwrap();
    assert!(a < g, "{msg}");
    // Nothing was allocated: a function of the next module gets address 1 (after the
    // linker's one host function).
    let ok = module(&engine, r#"(module (func (export "f")))"#);
    let inst = linker.instantiate(&mut store, &ok).unwrap();
    assert_eq!(export(&store, inst, "f").addr(), FuncAddr(1));
}

#[test]
fn a_name_is_defined_once() {
    let mut linker = Linker::<()>::new();
    linker
        .func_wrap("env", "f", 0, |_: Caller<'_, ()>, ()| Ok(()))
        .unwrap();
    let again = linker.func_new(
        "env",
        "f",
        FuncType::new([], []),
        0,
        |_: Caller<'_, ()>, _: &[Value], _: &mut [Value]| Ok(()),
    );
    assert!(matches!(again, Err(Error::Link(_))), "{again:?}");
    assert!(linker.contains("env", "f"));
    assert!(!linker.contains("env", "g"));
}

#[test]
fn a_host_function_returning_wrong_types_is_an_error_not_a_panic() {
    let engine = Engine::default();
    let m = module(
        &engine,
        r#"(module
          (import "env" "bad" (func $bad (result i32)))
          (func (export "run") (result i32) (call $bad)))"#,
    );
    let mut linker = Linker::<()>::new();
    linker
        .func_new(
            "env",
            "bad",
            FuncType::new([], [ValType::I32]),
            0,
            |_: Caller<'_, ()>, _: &[Value], results: &mut [Value]| {
                results[0] = Value::I64(1);
                Ok(())
            },
        )
        .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = linker.instantiate(&mut store, &m).unwrap();
    let run = export(&store, inst, "run");
    assert_eq!(trap_code(store.invoke(run, &[])), Some(TrapCode::HostError));
    // Invoked directly by the embedder: the same error.
    let bad = store.func(FuncAddr(0)).unwrap();
    assert_eq!(store.func_name(bad.addr()), "env.bad");
    assert_eq!(trap_code(store.invoke(bad, &[])), Some(TrapCode::HostError));
    // Through a typed call.
    let typed = store.get_typed_func::<(), i32>(inst, "run").unwrap();
    match typed.call(&mut store, ()) {
        Err(Error::Trap(t)) => assert_eq!(t.code(), TrapCode::HostError),
        other => panic!("{other:?}"),
    }
    // A function reference that is not of the store (here one of `store`, which holds
    // more functions) is refused the same way.
    let mut store2 = Store::new(&engine, ());
    let h = store2.alloc_host_func(
        FuncType::new([], [ValType::FuncRef]),
        move |_: Caller<'_, ()>, _: &[Value], out: &mut [Value]| {
            out[0] = Value::FuncRef(Some(run));
            Ok(())
        },
    );
    assert_eq!(trap_code(store2.invoke(h, &[])), Some(TrapCode::HostError));
}

#[test]
fn calls_with_wrong_arguments_are_errors() {
    let (mut store, inst, run) = counting((), 0, |_, x| Ok(x));
    let host = store.func(FuncAddr(0)).unwrap();
    for f in [run, host] {
        for args in [
            vec![],
            vec![Value::I64(1)],
            vec![Value::I32(1), Value::I32(2)],
            vec![Value::FuncRef(None)],
        ] {
            let r = store.invoke(f, &args);
            assert!(matches!(r, Err(Error::Invoke(_))), "{f:?} {args:?}: {r:?}");
        }
    }
    // No function at the address: no handle for it.
    assert_eq!(store.func(FuncAddr(99)), None);
    // Typed lookups check the type once.
    assert!(matches!(
        store.get_typed_func::<i64, i32>(inst, "run"),
        Err(Error::Invoke(_))
    ));
    assert!(matches!(
        store.get_typed_func::<i32, ()>(inst, "run"),
        Err(Error::Invoke(_))
    ));
    assert_eq!(
        store.invoke(run, &[Value::I32(4)]).unwrap(),
        vec![Value::I32(4)]
    );
}

#[test]
fn memory_by_export_name_and_index() {
    let engine = Engine::default();
    let m = module(
        &engine,
        r#"(module
          (import "env" "put" (func $put (param i32 i32) (result i32)))
          (memory (export "mem") 1)
          (func (export "run") (result i32)
            (drop (call $put (i32.const 16) (i32.const 0x01020304)))
            (i32.load (i32.const 16)))
          (func (export "outside") (result i32)
            (call $put (i32.const 65534) (i32.const 0))))"#,
    );
    let mut linker = Linker::<Vec<String>>::new();
    linker
        .func_wrap(
            "env",
            "put",
            0,
            |mut c: Caller<'_, Vec<String>>, (addr, v): (i32, i32)| {
                let index = c.memory_index("mem").expect("exported memory");
                assert_eq!(c.memory_index("nope"), None);
                let addr = addr as u32;
                if !c.write_memory_at(index, addr, &v.to_le_bytes()) {
                    return Ok(-1);
                }
                let back = c.read_memory_at(index, addr, 4).expect("in bounds");
                assert_eq!(c.read_memory_at(1, addr, 4), None);
                assert!(!c.write_memory_at(1, addr, &[0]));
                c.data_mut().push(format!("{addr}: {back:?}"));
                Ok(0)
            },
        )
        .unwrap();
    let mut store = Store::new(&engine, Vec::new());
    let inst = linker.instantiate(&mut store, &m).unwrap();
    let run = export(&store, inst, "run");
    assert_eq!(
        store.invoke(run, &[]).unwrap(),
        vec![Value::I32(0x01020304)]
    );
    let outside = export(&store, inst, "outside");
    assert_eq!(store.invoke(outside, &[]).unwrap(), vec![Value::I32(-1)]);
    assert_eq!(store.data(), &vec!["16: [4, 3, 2, 1]".to_string()]);
}

#[test]
fn define_provides_memories_and_functions_of_the_store() {
    let engine = Engine::default();
    let m = module(
        &engine,
        r#"(module
          (import "env" "memory" (memory 1))
          (import "env" "seven" (func $seven (result i32)))
          (func (export "run") (result i32)
            (i32.store (i32.const 0) (call $seven))
            (i32.load (i32.const 0))))"#,
    );
    let mut store = Store::new(&engine, ());
    let mem = store
        .alloc_memory(MemoryType {
            limits: TypeLimits { min: 1, max: None },
        })
        .unwrap();
    let seven = store.alloc_named_host_func(
        "env",
        "seven",
        FuncType::new([], [ValType::I32]),
        3,
        |_: Caller<'_, ()>, _: &[Value], out: &mut [Value]| {
            out[0] = Value::I32(7);
            Ok(())
        },
    );
    let mut linker = Linker::new();
    linker
        .define("env", "memory", Extern::Memory(mem))
        .unwrap()
        .define("env", "seven", Extern::Func(seven))
        .unwrap();
    let inst = linker.instantiate(&mut store, &m).unwrap();
    let run = export(&store, inst, "run");
    assert_eq!(store.invoke(run, &[]).unwrap(), vec![Value::I32(7)]);
    assert_eq!(&store.memory_data(mem).unwrap()[..4], &[7, 0, 0, 0]);
}

/// An embedder's state combining the WASI host with its own.
struct Embedder {
    wasi: Wasi,
    logged: Vec<i32>,
}

#[test]
fn wasi_and_embedder_functions_share_one_store() {
    let engine = Engine::default();
    let m = module(
        &engine,
        r#"(module
          (import "wasi_snapshot_preview1" "fd_write"
            (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "env" "log" (func $log (param i32)))
          (memory (export "memory") 1)
          (data (i32.const 8) "hello\n")
          (func (export "_start")
            (i32.store (i32.const 0) (i32.const 8))
            (i32.store (i32.const 4) (i32.const 6))
            (call $log (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 32)))))"#,
    );
    let mut linker = Linker::<Embedder>::new();
    wasi::add_to_linker(&mut linker, |s: &mut Embedder| &mut s.wasi).unwrap();
    linker
        .func_wrap(
            "env",
            "log",
            0,
            |mut c: Caller<'_, Embedder>, errno: i32| {
                c.data_mut().logged.push(errno);
                Ok(())
            },
        )
        .unwrap();
    let state = Embedder {
        wasi: Wasi::new(WasiConfig::default()).unwrap(),
        logged: Vec::new(),
    };
    let mut store = Store::new(&engine, state);
    let inst = linker.instantiate(&mut store, &m).unwrap();
    // The 45 WASI functions and `env.log`, in byte order of module then name.
    assert_eq!(store.func_name(FuncAddr(0)), "env.log");
    assert_eq!(
        store.func_name(FuncAddr(1)),
        "wasi_snapshot_preview1.args_get"
    );
    let start = store.get_typed_func::<(), ()>(inst, "_start").unwrap();
    start.call(&mut store, ()).unwrap();
    let state = store.data_mut();
    assert_eq!(state.logged, vec![0]);
    assert_eq!(state.wasi.take_stdout(), b"hello\n");
}

#[test]
fn host_functions_of_a_store_of_another_type_trap_instead_of_panicking() {
    // Swapping the inner stores of two stores of different host state types (possible
    // through `DerefMut`) leaves host functions facing the wrong `T`: a host_error trap.
    let engine = Engine::default();
    let mut a = Store::new(&engine, 0u32);
    let f = a.alloc_host_func(
        FuncType::new([], []),
        |mut c: Caller<'_, u32>, _: &[Value], _: &mut [Value]| {
            *c.data_mut() += 1;
            Ok(())
        },
    );
    a.invoke(f, &[]).unwrap();
    let mut b = Store::new(&engine, String::new());
    std::mem::swap(&mut *a, &mut *b);
    assert_eq!(trap_code(b.invoke(f, &[])), Some(TrapCode::HostError));
    assert_eq!(*a.data(), 1);
    assert!(matches!(a.invoke(f, &[]), Err(Error::Invoke(_))));
}
