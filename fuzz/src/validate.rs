//! The `validate` target's checks (see `fuzz_targets/validate.rs`).

use arbitrary::Unstructured;
use detwasm::validate::{profile, ValidateErrorKind};
use detwasm::{Config, Engine, Error, ExternKind, Module, Store, TrapCode};
use wasmparser::{Validator, WasmFeatures};

/// Gas for each step of the smoke run of an accepted module.
const SMOKE_GAS: u64 = 20_000;

/// wasm-smith with every proposal it knows turned on, small sizes.
fn all_features_module(u: &mut Unstructured<'_>) -> Option<Vec<u8>> {
    let c = wasm_smith::Config {
        threads_enabled: true,
        shared_everything_threads_enabled: u.arbitrary().ok()?,
        simd_enabled: true,
        relaxed_simd_enabled: true,
        memory64_enabled: true,
        gc_enabled: true,
        custom_page_sizes_enabled: true,
        wide_arithmetic_enabled: true,
        exceptions_enabled: true,
        tail_call_enabled: true,
        extended_const_enabled: true,
        max_memories: 2,
        max_tables: 3,
        max_funcs: 6,
        max_types: 8,
        max_instructions: 60,
        max_imports: u.int_in_range(0..=3).ok()?,
        max_memory32_bytes: 4 * 65536,
        max_memory64_bytes: 4 * 65536,
        max_table_elements: 100,
        ..wasm_smith::Config::default()
    };
    wasm_smith::Module::new(c, u).ok().map(|m| m.to_bytes())
}

pub fn run(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let smith;
    let bytes: &[u8] = if mode & 1 == 0 {
        rest
    } else {
        let mut u = Unstructured::new(rest);
        match all_features_module(&mut u) {
            Some(b) => {
                smith = b;
                &smith
            }
            None => return,
        }
    };
    check(bytes, mode & 1 == 1);
}

/// Every check on one binary; `valid_somewhere`: wasm-smith built it, so it is valid
/// under the union of all proposals.
pub fn check(bytes: &[u8], valid_somewhere: bool) {
    let config = Config::default();
    let standalone = detwasm::validate::validate(bytes, &config, None);
    let engine = Engine::new(config);
    let loaded = Module::new(&engine, bytes);
    let reference = Validator::new_with_features(profile::features()).validate_all(bytes);

    match &loaded {
        Ok(_) | Err(Error::Validate(_)) => {}
        Err(e) => panic!("Module::new returned a non-validation error: {e:?}"),
    }
    let same = match (&standalone, &loaded) {
        (Ok(()), Ok(_)) => true,
        (Err(a), Err(Error::Validate(b))) => a == b,
        _ => false,
    };
    if !same {
        panic!(
            "validate() and Module::new disagree: validate {standalone:?}, Module::new {:?}",
            loaded.as_ref().err()
        );
    }
    match (&standalone, &reference) {
        (Ok(()), Err(e)) => panic!("detwasm accepted a module wasmparser rejects: {e}"),
        (Err(e), Ok(_)) if matches!(e.kind, ValidateErrorKind::Wasm { .. }) => {
            panic!("detwasm rejected with a wasmparser-kind error but wasmparser accepts: {e}")
        }
        _ => {}
    }
    if valid_somewhere {
        let all = Validator::new_with_features(WasmFeatures::all()).validate_all(bytes);
        if let (Ok(_), Err(e)) = (&all, &standalone) {
            if let ValidateErrorKind::Wasm { feature: None, .. } = e.kind {
                panic!("a module valid under all proposals was rejected without naming the proposal: {e}");
            }
        }
    }
    if let Ok(module) = loaded {
        smoke_run(&engine, &module);
    }
}

/// Instantiates (when there are no imports) and runs every exported function with
/// default arguments under a small gas limit: only panics and non-trap errors matter.
fn smoke_run(engine: &Engine, module: &Module) {
    if !module.imports().is_empty() {
        return;
    }
    let mut store = Store::new(engine, ());
    store.set_gas_limit(SMOKE_GAS);
    let inst = match store.instantiate(module, &[]) {
        Ok(i) => i,
        Err(Error::Trap(t)) if t.code() == TrapCode::Internal => {
            panic!("instantiation trapped with an internal error (a bug): {t}")
        }
        Err(Error::Trap(_)) => return,
        Err(e) => panic!("instantiation returned a non-trap error: {e:?}"),
    };
    for e in module.exports() {
        if e.kind != ExternKind::Func {
            continue;
        }
        let Some(detwasm::Extern::Func(f)) = store.instance_export(inst, &e.name) else {
            panic!("export {:?} missing", e.name);
        };
        let args: Vec<_> = store
            .func_type(f.addr())
            .expect("type")
            .params()
            .iter()
            .map(|t| t.default_value())
            .collect();
        store.set_gas_limit(SMOKE_GAS);
        match store.invoke(f, &args) {
            Err(Error::Trap(t)) if t.code() == TrapCode::Internal => {
                panic!("invoke trapped with an internal error (a bug): {t}")
            }
            Ok(_) | Err(Error::Trap(_)) => {}
            Err(e) => panic!("invoke returned a non-trap error: {e:?}"),
        }
    }
}
