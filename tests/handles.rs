//! Handles of issue 11 item 2: `Instance`, `Func` and `TypedFunc` carry their store's
//! identity, and every API that takes one, or a `funcref` value, refuses one of another
//! store with an error (or a `host_error` trap for a host function's result), never a
//! panic and never by taking it for this store's function at the same address.
//! `Func::call` checks the arguments' number and types and the results slice's length.
//! Each test asserts the exact error kind and that nothing ran (no gas charged).
//! Depends on detwasm and wat.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use detwasm::{
    Caller, Engine, Error, Extern, Func, FuncAddr, FuncType, GlobalType, Instance, Invocation,
    Linker, MemoryType, Module, Store, TableType, TrapCode, TypeLimits, ValType, Value,
};

/// Functions of several shapes; `$nop` (address 0 in a store where it is instantiated
/// first) has the type of `nop` in other stores, so a foreign reference is in range
/// and well typed here: only the store's identity tells it apart.
const FUNCS: &str = r#"(module
  (type $v (func))
  (table (export "table") 2 funcref)
  (global (export "global") (mut funcref) (ref.null func))
  (elem declare func $nop)
  (func $nop (export "nop"))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "call_ref") (param funcref)
    (table.set (i32.const 0) (local.get 0))
    (call_indirect (type $v) (i32.const 0)))
  (func (export "get_ref") (result funcref) (ref.func $nop))
  (func (export "keep_ref") (param funcref)
    (global.set 0 (local.get 0))
    (table.set (i32.const 1) (local.get 0))))"#;

fn module(engine: &Engine, wat: &str) -> Module {
    Module::new(engine, &wat::parse_str(wat).expect("wat")).expect("module")
}

/// A store with `FUNCS` instantiated.
fn funcs_store(engine: &Engine) -> (Store, Instance) {
    let m = module(engine, FUNCS);
    let mut store = Store::new(engine, ());
    let inst = store.instantiate(&m, &[]).expect("instantiate");
    (store, inst)
}

fn func(store: &Store, inst: Instance, name: &str) -> Func {
    inst.get_func(store, name).expect(name)
}

fn is_invoke<T: std::fmt::Debug>(r: Result<T, Error>) -> bool {
    matches!(r, Err(Error::Invoke(_)))
}

fn trap_code<T: std::fmt::Debug>(r: Result<T, Error>) -> TrapCode {
    match r {
        Err(Error::Trap(t)) => t.code(),
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn func_call_checks_arguments_and_the_results_slice() {
    let engine = Engine::default();
    let (mut store, inst) = funcs_store(&engine);
    let add = func(&store, inst, "add");
    assert_eq!(
        add.ty(&store).unwrap(),
        FuncType::new([ValType::I32, ValType::I32], [ValType::I32])
    );
    let mut results = [Value::I64(-1)];
    add.call(&mut store, &[Value::I32(40), Value::I32(2)], &mut results)
        .unwrap();
    assert_eq!(results, [Value::I32(42)]);
    let used = store.gas_used();
    let bad_params: [&[Value]; 4] = [
        &[],
        &[Value::I32(1)],
        &[Value::I32(1), Value::I64(2)],
        &[Value::I32(1), Value::I32(2), Value::I32(3)],
    ];
    for params in bad_params {
        let mut results = [Value::I32(7)];
        assert!(
            is_invoke(add.call(&mut store, params, &mut results)),
            "{params:?}"
        );
        assert_eq!(results, [Value::I32(7)], "results untouched");
    }
    let args = [Value::I32(1), Value::I32(2)];
    for len in [0, 2, 3] {
        let mut results = vec![Value::I32(7); len];
        assert!(
            is_invoke(add.call(&mut store, &args, &mut results)),
            "{len}"
        );
        assert!(results.iter().all(|v| *v == Value::I32(7)));
    }
    // A function without results takes an empty slice, and only that.
    let nop = func(&store, inst, "nop");
    nop.call(&mut store, &[], &mut []).unwrap();
    assert!(is_invoke(nop.call(&mut store, &[], &mut [Value::I32(0)])));
    // `nop` costs nothing: every refused call above ran nothing.
    assert_eq!(store.gas_used(), used);
}

#[test]
fn func_and_instance_of_another_store_are_refused() {
    let engine = Engine::default();
    let (mut a, inst_a) = funcs_store(&engine);
    let (mut b, inst_b) = funcs_store(&engine);
    // Same module, same addresses, same types: only the store's identity differs.
    let add_a = func(&a, inst_a, "add");
    let add_b = func(&b, inst_b, "add");
    assert_eq!(add_a.addr(), add_b.addr());
    assert_ne!(add_a, add_b);
    assert_eq!(inst_a.addr(), inst_b.addr());
    assert_ne!(inst_a, inst_b);

    let args = [Value::I32(1), Value::I32(2)];
    let mut results = [Value::I32(0)];
    assert!(is_invoke(add_a.call(&mut b, &args, &mut results)));
    assert!(is_invoke(add_a.ty(&b)));
    assert!(is_invoke(add_a.typed::<(i32, i32), i32>(&b)));
    assert!(is_invoke(b.invoke(add_a, &args)));
    assert!(is_invoke(b.call_atomic(add_a, &args)));
    assert!(is_invoke(b.invoke_resumable(add_a, &args)));
    // A typed function looked up in A, with B's function of the same type at the same
    // address.
    let typed_a = inst_a.get_typed_func::<(i32, i32), i32>(&a, "add").unwrap();
    assert_eq!(typed_a.func(), add_a);
    assert!(is_invoke(typed_a.call(&mut b, (1, 2))));
    assert!(is_invoke(typed_a.call_atomic(&mut b, (1, 2))));
    assert!(is_invoke(typed_a.call_resumable(&mut b, (1, 2))));
    let typed_via_func = add_a.typed::<(i32, i32), i32>(&a).unwrap();
    assert!(is_invoke(typed_via_func.call(&mut b, (1, 2))));
    // The instance handle of A finds nothing in B.
    assert_eq!(inst_a.get_func(&b, "add"), None);
    assert_eq!(inst_a.get_export(&b, "add"), None);
    assert_eq!(inst_a.get_table(&b, "table"), None);
    assert_eq!(inst_a.get_global(&b, "global"), None);
    assert_eq!(inst_a.get_memory(&b, "memory"), None);
    assert_eq!(b.instance_export(inst_a, "add"), None);
    assert_eq!(b.instance_state(inst_a), None);
    assert_eq!(b.instance_digests(inst_a), None);
    assert!(is_invoke(
        inst_a.get_typed_func::<(i32, i32), i32>(&b, "add")
    ));
    assert!(is_invoke(
        b.get_typed_func::<(i32, i32), i32>(inst_a, "add")
    ));
    assert!(is_invoke(b.snapshot(inst_a)));
    // Nothing ran in B.
    assert_eq!(b.gas_used(), 0);
    // In their own stores, all of them work.
    assert_eq!(typed_a.call(&mut a, (1, 2)).unwrap(), 3);
    assert_eq!(b.invoke(add_b, &args).unwrap(), vec![Value::I32(3)]);
    assert!(inst_b.get_table(&b, "table").is_some());
    assert!(inst_b.get_global(&b, "global").is_some());
    assert!(b.snapshot(inst_b).is_ok());
}

#[test]
fn a_foreign_funcref_argument_is_refused_even_in_range_and_well_typed() {
    let engine = Engine::default();
    let (mut a, inst_a) = funcs_store(&engine);
    let (mut b, inst_b) = funcs_store(&engine);
    let nop_a = func(&a, inst_a, "nop");
    let call_ref_b = func(&b, inst_b, "call_ref");
    let foreign = [Value::FuncRef(Some(nop_a))];
    match b.invoke(call_ref_b, &foreign) {
        Err(Error::Invoke(m)) => assert!(m.contains("another store"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(is_invoke(call_ref_b.call(&mut b, &foreign, &mut [])));
    assert!(is_invoke(b.call_atomic(call_ref_b, &foreign)));
    assert!(is_invoke(b.invoke_resumable(call_ref_b, &foreign)));
    let keep_b = func(&b, inst_b, "keep_ref");
    assert!(is_invoke(keep_b.call(&mut b, &foreign, &mut [])));
    // Allocations with a foreign initial value.
    let gt = GlobalType {
        content: ValType::FuncRef,
        mutable: false,
    };
    assert!(is_invoke(b.alloc_global(gt, foreign[0])));
    let tt = TableType {
        elem: ValType::FuncRef,
        limits: TypeLimits { min: 1, max: None },
    };
    assert!(is_invoke(b.alloc_table(tt, foreign[0])));
    // B's state is as before: the global and table still hold null.
    let global_b = inst_b.get_global(&b, "global").unwrap();
    assert_eq!(b.global_get(global_b), Some(Value::FuncRef(None)));
    assert_eq!(b.gas_used(), 0);
    // The same call with B's own function runs.
    let nop_b = func(&b, inst_b, "nop");
    call_ref_b
        .call(&mut b, &[Value::FuncRef(Some(nop_b))], &mut [])
        .unwrap();
    // And A's reference runs in A.
    let call_ref_a = func(&a, inst_a, "call_ref");
    a.invoke(call_ref_a, &foreign).unwrap();
}

#[test]
fn funcrefs_read_from_a_store_carry_its_identity() {
    let engine = Engine::default();
    let (mut a, inst_a) = funcs_store(&engine);
    let (mut b, inst_b) = funcs_store(&engine);
    let nop_a = func(&a, inst_a, "nop");
    // A result.
    let got = a.invoke(func(&a, inst_a, "get_ref"), &[]).unwrap();
    assert_eq!(got, vec![Value::FuncRef(Some(nop_a))]);
    // A global and a table element written by wasm.
    let keep_a = func(&a, inst_a, "keep_ref");
    a.invoke(keep_a, &got).unwrap();
    let global = inst_a.get_global(&a, "global").unwrap();
    assert_eq!(a.global_get(global), Some(got[0]));
    let table = inst_a.get_table(&a, "table").unwrap();
    assert_eq!(a.table_elements(table).unwrap()[1], got[0]);
    // Each goes back into A, and is refused by B.
    let call_ref_a = func(&a, inst_a, "call_ref");
    let call_ref_b = func(&b, inst_b, "call_ref");
    for v in [
        a.global_get(global).unwrap(),
        a.table_elements(table).unwrap()[1],
    ] {
        a.invoke(call_ref_a, &[v]).unwrap();
        assert!(is_invoke(b.invoke(call_ref_b, &[v])));
    }
    // Exports are handles of their store.
    assert_eq!(a.instance_export(inst_a, "nop"), Some(Extern::Func(nop_a)));
    assert_eq!(a.func(FuncAddr(0)), Some(nop_a));
    assert_ne!(b.func(FuncAddr(0)), Some(nop_a));
}

#[test]
fn a_host_function_sees_funcrefs_of_its_store() {
    let engine = Engine::default();
    let m = module(
        &engine,
        r#"(module
          (import "env" "see" (func $see (param funcref)))
          (elem declare func $f)
          (func $f (export "f"))
          (func (export "run") (call $see (ref.func $f))))"#,
    );
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = std::sync::Arc::clone(&seen);
    let mut linker = Linker::<()>::new();
    linker
        .func_new(
            "env",
            "see",
            FuncType::new([ValType::FuncRef], []),
            0,
            move |_: Caller<'_, ()>, args: &[Value], _: &mut [Value]| {
                log.lock().unwrap().push(args[0]);
                Ok(())
            },
        )
        .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = linker.instantiate(&mut store, &m).unwrap();
    let f = func(&store, inst, "f");
    store.invoke(func(&store, inst, "run"), &[]).unwrap();
    assert_eq!(*seen.lock().unwrap(), vec![Value::FuncRef(Some(f))]);
}

/// A store whose host function `env.h: [] -> [funcref]` returns `result`, imported by
/// a module whose `run` calls it; the store, `run` and the host function itself.
fn host_returning(engine: &Engine, result: Value) -> (Store, Func, Func) {
    let m = module(
        engine,
        r#"(module
          (import "env" "h" (func $h (result funcref)))
          (func (export "run") (result funcref) (call $h)))"#,
    );
    let mut store = Store::new(engine, ());
    let h = store.alloc_host_func(FuncType::new([], [ValType::FuncRef]), move |_, _, out| {
        out[0] = result;
        Ok(())
    });
    let inst = store.instantiate(&m, &[Extern::Func(h)]).unwrap();
    let run = func(&store, inst, "run");
    (store, run, h)
}

#[test]
fn a_host_function_returning_a_foreign_funcref_or_wrong_types_traps_with_host_error() {
    let engine = Engine::default();
    // A function of another store at address 0, where the host's store has its host
    // function, of the same type.
    let mut other = Store::new(&engine, ());
    let foreign = other.alloc_host_func(FuncType::new([], [ValType::FuncRef]), |_, _, _| Ok(()));
    assert_eq!(foreign.addr(), FuncAddr(0));
    let (mut store, run, h) = host_returning(&engine, Value::FuncRef(Some(foreign)));
    assert_eq!(h.addr(), FuncAddr(0));
    assert_eq!(trap_code(store.invoke(run, &[])), TrapCode::HostError);
    // Invoked directly by the embedder, through every entry point.
    assert_eq!(trap_code(store.invoke(h, &[])), TrapCode::HostError);
    let mut results = [Value::FuncRef(None)];
    assert_eq!(
        trap_code(h.call(&mut store, &[], &mut results)),
        TrapCode::HostError
    );
    assert_eq!(results, [Value::FuncRef(None)], "results untouched");
    assert_eq!(
        trap_code(run.call(&mut store, &[], &mut results)),
        TrapCode::HostError
    );
    assert_eq!(trap_code(store.call_atomic(run, &[])), TrapCode::HostError);
    assert_eq!(
        trap_code(store.invoke_resumable(run, &[])),
        TrapCode::HostError
    );
    // Wrong types: an i32 for a funcref result.
    let (mut store, run, h) = host_returning(&engine, Value::I32(0));
    assert_eq!(trap_code(store.invoke(run, &[])), TrapCode::HostError);
    assert_eq!(
        trap_code(h.call(&mut store, &[], &mut results)),
        TrapCode::HostError
    );
    // A reference of its own store passes.
    let (mut store, run, _) = host_returning(&engine, Value::FuncRef(None));
    run.call(&mut store, &[], &mut results).unwrap();
    assert_eq!(results, [Value::FuncRef(None)]);
    match store.invoke_resumable(run, &[]).unwrap() {
        Invocation::Finished(r) => assert_eq!(r, vec![Value::FuncRef(None)]),
        Invocation::OutOfGas(_) => panic!("suspended"),
    }
}

#[test]
fn a_foreign_function_as_an_import_is_a_link_error() {
    let engine = Engine::default();
    let m = module(
        &engine,
        r#"(module (import "env" "f" (func)) (func (export "g") (call 0)))"#,
    );
    let mut other = Store::new(&engine, ());
    let foreign = other.alloc_host_func(FuncType::new([], []), |_, _, _| Ok(()));
    // In range and of the right type in `store` too.
    let mut store = Store::new(&engine, ());
    let own = store.alloc_host_func(FuncType::new([], []), |_, _, _| Ok(()));
    assert_eq!(own.addr(), foreign.addr());
    match store.instantiate(&m, &[Extern::Func(foreign)]) {
        Err(Error::Link(e)) => assert!(e.to_string().contains("another store"), "{e}"),
        other => panic!("{other:?}"),
    }
    // Through a linker: listed with the other import errors, nothing allocated.
    let mut linker = Linker::<()>::new();
    linker.define("env", "f", Extern::Func(foreign)).unwrap();
    match linker.instantiate(&mut store, &m) {
        Err(Error::Link(e)) => assert!(e.to_string().contains("another store"), "{e}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(store.func(FuncAddr(1)), None, "nothing allocated");
    // The store's own function links.
    let mut linker = Linker::<()>::new();
    linker.define("env", "f", Extern::Func(own)).unwrap();
    let inst = linker.instantiate(&mut store, &m).unwrap();
    store.invoke(func(&store, inst, "g"), &[]).unwrap();
    // That linker, used with the other store, is refused the same way.
    assert!(matches!(
        linker.instantiate(&mut other, &m),
        Err(Error::Link(_))
    ));
    // And the foreign function links in its own store.
    let mut linker = Linker::<()>::new();
    linker.define("env", "f", Extern::Func(foreign)).unwrap();
    linker.instantiate(&mut other, &m).unwrap();
}

#[test]
fn store_identity_never_shows_in_values_or_snapshots() {
    let engine = Engine::default();
    let (mut a, inst_a) = funcs_store(&engine);
    let (mut b, inst_b) = funcs_store(&engine);
    let (nop_a, nop_b) = (func(&a, inst_a, "nop"), func(&b, inst_b, "nop"));
    let (va, vb) = (Value::FuncRef(Some(nop_a)), Value::FuncRef(Some(nop_b)));
    assert_eq!(format!("{va:?}"), format!("{vb:?}"));
    assert_eq!(format!("{inst_a:?}"), format!("{inst_b:?}"));
    assert_eq!(va.to_slot(), vb.to_slot());
    // The same references stored in each: snapshots byte-identical, and one restores
    // into a third store, whose references are its own.
    a.invoke(func(&a, inst_a, "keep_ref"), &[va]).unwrap();
    b.invoke(func(&b, inst_b, "keep_ref"), &[vb]).unwrap();
    let bytes_a = a.snapshot(inst_a).unwrap().to_bytes().unwrap();
    let bytes_b = b.snapshot(inst_b).unwrap().to_bytes().unwrap();
    assert_eq!(bytes_a, bytes_b);
    let snap = detwasm::Snapshot::from_bytes(&bytes_a).unwrap();
    let mut c = Store::new(&engine, ());
    let inst_c = c.restore(&module(&engine, FUNCS), &[], &snap).unwrap();
    let global = inst_c.get_global(&c, "global").unwrap();
    let nop_c = func(&c, inst_c, "nop");
    assert_eq!(c.global_get(global), Some(Value::FuncRef(Some(nop_c))));
    assert_eq!(a.instance_digests(inst_a), c.instance_digests(inst_c));
}

/// A module importing a memory, a table, a global and a tag, each named after its kind.
const IMPORTS_EACH_KIND: &str = r#"(module
  (import "env" "memory" (memory 1))
  (import "env" "table" (table 1 funcref))
  (import "env" "global" (global i32))
  (import "env" "tag" (tag (param i32)))
  (func (export "peek") (result i32) (i32.load (i32.const 0))))"#;

/// A memory, table, global and tag allocated in `store`, in the import order of
/// `IMPORTS_EACH_KIND`.
fn externs_of_each_kind(store: &mut Store) -> [Extern; 4] {
    let memory = store
        .alloc_memory(MemoryType {
            limits: TypeLimits { min: 1, max: None },
        })
        .unwrap();
    let table = store
        .alloc_table(
            TableType {
                elem: ValType::FuncRef,
                limits: TypeLimits { min: 1, max: None },
            },
            Value::FuncRef(None),
        )
        .unwrap();
    let global = store
        .alloc_global(
            GlobalType {
                content: ValType::I32,
                mutable: false,
            },
            Value::I32(7),
        )
        .unwrap();
    let tag = store.alloc_tag(FuncType::new([ValType::I32], []));
    [
        Extern::Memory(memory),
        Extern::Table(table),
        Extern::Global(global),
        Extern::Tag(tag),
    ]
}

fn link_message<T: std::fmt::Debug>(r: Result<T, Error>) -> String {
    match r {
        Err(Error::Link(e)) => e.to_string(),
        other => panic!("expected a link error, got {other:?}"),
    }
}

#[test]
fn a_foreign_memory_table_global_or_tag_as_an_import_is_a_link_error() {
    let engine = Engine::default();
    let m = module(&engine, IMPORTS_EACH_KIND);
    let mut other = Store::new(&engine, ());
    let foreign = externs_of_each_kind(&mut other);
    // The same items at the same addresses, of the same types, in `store`: only the
    // store's identity tells the foreign ones apart.
    let mut store = Store::new(&engine, ());
    let own = externs_of_each_kind(&mut store);
    assert_eq!(format!("{own:?}"), format!("{foreign:?}"));
    let names = ["memory", "table", "global", "tag"];
    for (i, name) in names.iter().enumerate() {
        let mut imports = own;
        imports[i] = foreign[i];
        // By position: the import is named, with the kind of its extern.
        let msg = link_message(store.instantiate(&m, &imports));
        assert!(msg.contains(&format!("env.{name}")), "{msg}");
        assert!(msg.contains(&format!("{name} of another store")), "{msg}");
        // Through a linker: listed with the other import errors.
        let mut linker = Linker::<()>::new();
        for (n, e) in names.iter().zip(imports) {
            linker.define("env", n, e).unwrap();
        }
        let msg = link_message(linker.instantiate(&mut store, &m));
        assert!(msg.contains(&format!("\"env\" \"{name}\"")), "{msg}");
        assert!(msg.contains(&format!("{name} of another store")), "{msg}");
        assert!(msg.contains(": 1 import(s)"), "{msg}");
    }
    // All four at once, in one linker error, before anything is allocated.
    let mut linker = Linker::<()>::new();
    for (n, e) in names.iter().zip(foreign) {
        linker.define("env", n, e).unwrap();
    }
    linker
        .func_new("env", "unused", FuncType::new([], []), 0, |_, _, _| Ok(()))
        .unwrap();
    let msg = link_message(linker.instantiate(&mut store, &m));
    assert!(msg.contains(": 4 import(s)"), "{msg}");
    for name in names {
        assert!(msg.contains(&format!("{name} of another store")), "{msg}");
    }
    assert_eq!(store.func(FuncAddr(0)), None, "no host function allocated");
    assert_eq!(
        store.instance(detwasm::InstanceAddr(0)),
        None,
        "no instance"
    );
    // The same linker links in the items' own store, and the store's own items link.
    linker.instantiate(&mut other, &m).unwrap();
    store.instantiate(&m, &own).unwrap();
}

#[test]
fn accessors_refuse_a_foreign_memory_table_or_global() {
    let engine = Engine::default();
    let mut a = Store::new(&engine, ());
    let mut b = Store::new(&engine, ());
    let [ma, ta, ga, taga] = externs_of_each_kind(&mut a);
    let [mb, tb, gb, tagb] = externs_of_each_kind(&mut b);
    let (Extern::Memory(ma), Extern::Table(ta), Extern::Global(ga)) = (ma, ta, ga) else {
        panic!("kinds");
    };
    let (Extern::Memory(mb), Extern::Table(tb), Extern::Global(gb)) = (mb, tb, gb) else {
        panic!("kinds");
    };
    // Same addresses, different stores: unequal handles, equal Debug.
    assert_eq!(ma.addr(), mb.addr());
    assert_ne!(ma, mb);
    assert_ne!(ta, tb);
    assert_ne!(ga, gb);
    assert_ne!(taga, tagb);
    assert_eq!(
        format!("{ma:?} {ta:?} {ga:?}"),
        "Memory(0) Table(0) Global(0)"
    );
    // Each store reads its own, and finds nothing for the other's.
    assert_eq!(a.memory_data(ma).map(<[u8]>::len), Some(65536));
    assert_eq!(a.table_elements(ta), Some(vec![Value::FuncRef(None)]));
    assert_eq!(a.global_get(ga), Some(Value::I32(7)));
    assert_eq!(b.memory_data(ma), None);
    assert_eq!(b.table_elements(ta), None);
    assert_eq!(b.global_get(ga), None);
    assert_eq!(a.memory_data(mb), None);
    assert_eq!(a.table_elements(tb), None);
    assert_eq!(a.global_get(gb), None);
    // Handles by address are the store's own.
    assert_eq!(a.memory(ma.addr()), Some(ma));
    assert_eq!(a.table(ta.addr()), Some(ta));
    assert_eq!(a.global(ga.addr()), Some(ga));
    assert_eq!(b.memory(ma.addr()), Some(mb));
    assert_eq!(a.memory(detwasm::MemAddr(1)), None);
    // Exports of an instance are handles of its store: another store reads nothing.
    let (fa, inst_a) = funcs_store(&engine);
    let (fb, _) = funcs_store(&engine);
    let table = inst_a.get_table(&fa, "table").unwrap();
    let global = inst_a.get_global(&fa, "global").unwrap();
    assert!(fa.table_elements(table).is_some());
    assert!(fa.global_get(global).is_some());
    assert_eq!(fb.table_elements(table), None);
    assert_eq!(fb.global_get(global), None);
    let (mems, globals, tables) = fa.instance_state(inst_a).unwrap();
    assert!(mems.is_empty());
    assert_eq!((globals, tables), (vec![global], vec![table]));
}

#[test]
fn a_memory_shared_by_two_instances_of_one_store() {
    let engine = Engine::default();
    let writer = module(
        &engine,
        r#"(module (memory (export "memory") 1)
             (func (export "poke") (param i32) (i32.store (i32.const 0) (local.get 0))))"#,
    );
    let reader = module(&engine, IMPORTS_EACH_KIND);
    let mut store = Store::new(&engine, ());
    let w = store.instantiate(&writer, &[]).unwrap();
    let memory = w.get_memory(&store, "memory").unwrap();
    let mut imports = externs_of_each_kind(&mut store);
    imports[0] = Extern::Memory(memory);
    // Through a linker too.
    let mut linker = Linker::<()>::new();
    for (n, e) in ["memory", "table", "global", "tag"].iter().zip(imports) {
        linker.define("env", n, e).unwrap();
    }
    let r1 = store.instantiate(&reader, &imports).unwrap();
    let r2 = linker.instantiate(&mut store, &reader).unwrap();
    store
        .invoke(func(&store, w, "poke"), &[Value::I32(1234)])
        .unwrap();
    for r in [r1, r2] {
        let peek = r.get_typed_func::<(), i32>(&store, "peek").unwrap();
        assert_eq!(peek.call(&mut store, ()).unwrap(), 1234);
        assert_eq!(store.instance_state(r).unwrap().0, vec![memory]);
    }
    assert_eq!(
        &store.memory_data(memory).unwrap()[..2],
        &1234u16.to_le_bytes()
    );
}
