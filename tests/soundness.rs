//! Regression tests for the soundness fixes of issue 13 (found by reading the code):
//! combinations of public API calls that ran guest code outside the store's
//! configuration, embedder values the interpreter trusted, and unbounded host memory.
//! Each test goes through the public API only. Depends on detwasm and wat.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use detwasm::{Config, Engine, Error, Extern, Module, Store};

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
    let mut store = Store::new(&Engine::new(store_config));
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
    let mut store = Store::new(&Engine::new(store_config));
    let inst = store.instantiate(&module, &[]).expect("instantiate");
    let Some(Extern::Func(f)) = store.instance_export(inst, "count") else {
        panic!("no export");
    };
    store.invoke(f, &[detwasm::Value::I32(100)]).expect("runs");
    assert!(store.gas_used() > 100, "the loop was metered");
}
