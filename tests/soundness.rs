//! Regression tests for the soundness fixes of issue 13 (found by reading the code):
//! combinations of public API calls that ran guest code outside the store's
//! configuration, embedder values the interpreter trusted, and unbounded host memory.
//! Each test goes through the public API only. Depends on detwasm and wat.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use detwasm::{
    Config, Engine, Error, ExnAddr, Extern, Func, FuncAddr, FuncType, GlobalType, Module, Store,
    TableType, TrapCode, TypeLimits, ValType, Value,
};

/// A loop that counts down from its argument: gas proportional to the argument.
const LOOP: &str = r#"(module (func (export "count") (param i32) (result i32)
    (loop $l
      local.get 0 i32.const 1 i32.sub local.tee 0
      br_if $l)
    local.get 0))"#;

/// Instantiates `module` (made under `module_config`) in a store of `store_config`.
fn instantiate_across(module_config: Config, store_config: Config) -> Result<(), Error> {
    let bytes = wat::parse_str(LOOP).expect("wat");
    let module = Module::new(&Engine::new(module_config), &bytes).expect("module");
    let mut store = Store::new(&Engine::new(store_config), ());
    store.instantiate(&module, &[]).map(|_| ())
}

#[test]
fn a_module_translated_without_metering_is_refused_by_a_metered_store() {
    let unmetered = Config {
        gas_metering: false,
        ..Config::default()
    };
    assert_eq!(
        instantiate_across(unmetered.clone(), Config::default()),
        Err(Error::ConfigMismatch("gas_metering"))
    );
    // And the reverse: a metered module in an unmetered store.
    assert_eq!(
        instantiate_across(Config::default(), unmetered),
        Err(Error::ConfigMismatch("gas_metering"))
    );
}

#[test]
fn modules_translated_under_other_fusion_or_limits_are_refused() {
    let checkpointing = Config {
        checkpoint_interval: 100,
        ..Config::default()
    };
    assert_eq!(
        instantiate_across(checkpointing.clone(), Config::default()),
        Err(Error::ConfigMismatch("checkpoint_interval"))
    );
    assert_eq!(
        instantiate_across(Config::default(), checkpointing),
        Err(Error::ConfigMismatch("checkpoint_interval"))
    );
    // A module translated without fusion has other code positions: refused both
    // ways, with checkpoints or without.
    let unfused = Config {
        fusion: false,
        ..Config::default()
    };
    assert_eq!(
        instantiate_across(unfused.clone(), Config::default()),
        Err(Error::ConfigMismatch("fusion"))
    );
    assert_eq!(
        instantiate_across(Config::default(), unfused.clone()),
        Err(Error::ConfigMismatch("fusion"))
    );
    let both = Config {
        checkpoint_interval: 100,
        ..unfused
    };
    assert_eq!(
        instantiate_across(both, Config::default()),
        Err(Error::ConfigMismatch("fusion"))
    );
    let mut loose = Config::default();
    loose.limits.max_control_depth += 1;
    assert_eq!(
        instantiate_across(loose, Config::default()),
        Err(Error::ConfigMismatch("limits"))
    );
}

#[test]
fn runtime_only_settings_may_differ_and_the_store_meters_its_gas() {
    // Gas limit, call depth and stack height are the store's alone: a module made by
    // another engine that differs only there instantiates, and is metered by the store.
    let module_config = Config {
        gas_limit: 5,
        max_call_depth: 3,
        max_stack_height: 1000,
        ..Config::default()
    };
    let store_config = Config {
        gas_limit: 1_000_000,
        checkpoint_interval: 0,
        ..Config::default()
    };
    let bytes = wat::parse_str(LOOP).expect("wat");
    let module = Module::new(&Engine::new(module_config), &bytes).expect("module");
    let mut store = Store::new(&Engine::new(store_config), ());
    let inst = store.instantiate(&module, &[]).expect("instantiate");
    let Some(Extern::Func(f)) = store.instance_export(inst, "count") else {
        panic!("no export");
    };
    store.invoke(f, &[detwasm::Value::I32(100)]).expect("runs");
    assert!(store.gas_used() > 100, "the loop was metered");
}

/// A function that stores its funcref argument in a table and calls through it, and
/// one that rethrows its exnref argument.
const CALL_REF: &str = r#"(module
    (type $v (func))
    (table 1 funcref)
    (func $nop (export "nop"))
    (func (export "call") (param funcref)
      (table.set (i32.const 0) (local.get 0))
      (call_indirect (type $v) (i32.const 0)))
    (func (export "rethrow") (param exnref)
      (throw_ref (local.get 0))))"#;

/// A store with `CALL_REF` instantiated: the store and the export named `name`.
fn call_ref_store() -> (Store, impl Fn(&Store, &str) -> Func) {
    let engine = Engine::default();
    let module = Module::new(&engine, &wat::parse_str(CALL_REF).expect("wat")).expect("module");
    let mut store = Store::new(&engine, ());
    let inst = store.instantiate(&module, &[]).expect("instantiate");
    let export = move |store: &Store, name: &str| match store.instance_export(inst, name) {
        Some(Extern::Func(f)) => f,
        _ => panic!("no export {name}"),
    };
    (store, export)
}

#[test]
fn reference_arguments_not_of_the_store_are_invoke_errors_not_panics() {
    let (mut store, export) = call_ref_store();
    let call = export(&store, "call");
    // A funcref of another store whose address (0) is in range here, and of the same
    // type as this store's function at that address: refused all the same.
    let mut other = Store::new(&Engine::default(), ());
    let first = other.alloc_host_func(FuncType::new(vec![], vec![]), |_, _, _| Ok(()));
    assert_eq!(first.addr(), FuncAddr(0));
    match store.invoke(call, &[Value::FuncRef(Some(first))]) {
        Err(Error::Invoke(m)) => assert!(m.contains("another store"), "{m}"),
        other => panic!("expected an invoke error, got {other:?}"),
    }
    // A funcref of another, larger store, out of range in this one.
    let mut last = first;
    for _ in 0..10 {
        last = other.alloc_host_func(FuncType::new(vec![], vec![]), |_, _, _| Ok(()));
    }
    assert!(matches!(
        store.invoke(call, &[Value::FuncRef(Some(last))]),
        Err(Error::Invoke(_))
    ));
    // An exnref that names no exception.
    let rethrow = export(&store, "rethrow");
    assert!(matches!(
        store.invoke(rethrow, &[Value::ExnRef(Some(ExnAddr(3)))]),
        Err(Error::Invoke(_))
    ));
    // The store is intact: a reference of the store still runs.
    let nop = export(&store, "nop");
    assert_eq!(store.invoke(call, &[Value::FuncRef(Some(nop))]), Ok(vec![]));
}

#[test]
fn embedder_allocations_check_their_initial_values() {
    let mut other = Store::new(&Engine::default(), ());
    let foreign = other.alloc_host_func(FuncType::new(vec![], vec![]), |_, _, _| Ok(()));
    let mut store = Store::new(&Engine::default(), ());
    // In range once `store` holds a function too: still of another store.
    store.alloc_host_func(FuncType::new(vec![], vec![]), |_, _, _| Ok(()));
    let bogus = Value::FuncRef(Some(foreign));
    let gt = GlobalType {
        content: ValType::FuncRef,
        mutable: true,
    };
    assert!(matches!(
        store.alloc_global(gt, bogus),
        Err(Error::Invoke(_))
    ));
    assert!(matches!(
        store.alloc_global(gt, Value::I32(1)),
        Err(Error::Invoke(_))
    ));
    let tt = TableType {
        elem: ValType::FuncRef,
        limits: TypeLimits { min: 1, max: None },
    };
    assert!(matches!(
        store.alloc_table(tt, bogus),
        Err(Error::Invoke(_))
    ));
    assert!(store.alloc_global(gt, Value::FuncRef(None)).is_ok());
}

/// Runs `(call $h)` where host function `h: [] -> [funcref]` (or `[] -> [i32]` when
/// `i32`) writes `result(h)` (`h`'s own handle given, to return a reference of its
/// store); the outcome of the call.
fn host_returning(
    i32_result: bool,
    result: impl FnOnce(Func) -> Value,
) -> Result<Vec<Value>, Error> {
    let engine = Engine::default();
    let ty = if i32_result { "i32" } else { "funcref" };
    let wat = format!(
        r#"(module (type $v (func))
            (import "h" "h" (func $h (result {ty})))
            (table 1 funcref)
            (func (export "f") (result {ty}) (call $h)))"#
    );
    let module = Module::new(&engine, &wat::parse_str(wat).expect("wat")).expect("module");
    let mut store = Store::new(&engine, ());
    let rty = if i32_result {
        ValType::I32
    } else {
        ValType::FuncRef
    };
    let value = std::sync::Arc::new(std::sync::OnceLock::new());
    let read = std::sync::Arc::clone(&value);
    let h = store.alloc_host_func(FuncType::new(vec![], vec![rty]), move |_, _, out| {
        out[0] = *read.get().expect("set before the call");
        Ok(())
    });
    value.set(result(h)).expect("set once");
    let inst = store
        .instantiate(&module, &[Extern::Func(h)])
        .expect("instantiate");
    let Some(Extern::Func(f)) = store.instance_export(inst, "f") else {
        panic!("no export");
    };
    store.invoke(f, &[])
}

#[test]
fn host_results_of_the_wrong_type_or_store_trap_with_host_error() {
    let code = |r: Result<Vec<Value>, Error>| match r {
        Err(Error::Trap(t)) => Some(t.code()),
        _ => None,
    };
    assert_eq!(
        code(host_returning(true, |_| Value::I64(5))),
        Some(TrapCode::HostError)
    );
    // A function of another store, at an address in range in the host's store (0,
    // the host function itself, of the same type).
    let mut other = Store::new(&Engine::default(), ());
    let foreign = other
        .alloc_host_func(FuncType::new(vec![], vec![ValType::FuncRef]), |_, _, _| {
            Ok(())
        });
    assert_eq!(foreign.addr(), FuncAddr(0));
    assert_eq!(
        code(host_returning(false, |_| Value::FuncRef(Some(foreign)))),
        Some(TrapCode::HostError)
    );
    // A host function invoked directly by the embedder is checked the same way.
    let mut store = Store::new(&Engine::default(), ());
    let h = store.alloc_host_func(FuncType::new(vec![], vec![ValType::I32]), |_, _, out| {
        out[0] = Value::F32(0);
        Ok(())
    });
    assert_eq!(code(store.invoke(h, &[])), Some(TrapCode::HostError));
    // Well-typed results pass.
    assert_eq!(
        host_returning(true, |_| Value::I32(5)),
        Ok(vec![Value::I32(5)])
    );
    match host_returning(false, |own| Value::FuncRef(Some(own))).as_deref() {
        Ok([Value::FuncRef(Some(f))]) => assert_eq!(f.addr(), FuncAddr(0)),
        other => panic!("{other:?}"),
    }
}
