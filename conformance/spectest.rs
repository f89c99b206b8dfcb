//! The `spectest` host module that the official test suite imports from: print
//! functions that do nothing, four constant globals, a table and a memory, allocated
//! with the public `Store` API exactly as an embedder would. Depends only on detwasm's
//! public API.

use std::collections::HashMap;

use detwasm::{
    Caller, Extern, FuncType, GlobalType, MemoryType, Store, TableType, Trap, TypeLimits, ValType,
    Value,
};

/// The import map: (module name, field name) to the external value it resolves to.
pub type ImportMap = HashMap<(String, String), Extern>;

/// Allocates the `spectest` module's externals in `store` and adds them to `imports`
/// under the module name `spectest`.
///
/// # Errors
/// A message when the store refuses the table or the memory.
pub fn install(store: &mut Store, imports: &mut ImportMap) -> Result<(), String> {
    use ValType::{F32, F64, I32, I64};

    let funcs: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[I32]),
        ("print_i64", &[I64]),
        ("print_f32", &[F32]),
        ("print_f64", &[F64]),
        ("print_i32_f32", &[I32, F32]),
        ("print_f64_f64", &[F64, F64]),
    ];
    for (name, params) in funcs {
        let ty = FuncType::new(params.iter().copied(), []);
        let func = store.alloc_host_func(
            ty,
            |_caller: Caller<'_, ()>, _args: &[Value], _results: &mut [Value]| Ok::<(), Trap>(()),
        );
        add(imports, name, Extern::Func(func));
    }

    let globals = [
        ("global_i32", Value::I32(666)),
        ("global_i64", Value::I64(666)),
        ("global_f32", Value::F32(666.6_f32.to_bits())),
        ("global_f64", Value::F64(666.6_f64.to_bits())),
    ];
    for (name, value) in globals {
        let ty = GlobalType {
            content: value.ty(),
            mutable: false,
        };
        let global = store
            .alloc_global(ty, value)
            .map_err(|e| format!("spectest {name}: {e}"))?;
        add(imports, name, Extern::Global(global));
    }

    let table_ty = TableType {
        elem: ValType::FuncRef,
        limits: TypeLimits {
            min: 10,
            max: Some(20),
        },
    };
    let table = store
        .alloc_table(table_ty, Value::FuncRef(None))
        .map_err(|e| format!("spectest table: {e}"))?;
    add(imports, "table", Extern::Table(table));

    let memory_ty = MemoryType {
        limits: TypeLimits {
            min: 1,
            max: Some(2),
        },
    };
    let memory = store
        .alloc_memory(memory_ty)
        .map_err(|e| format!("spectest memory: {e}"))?;
    add(imports, "memory", Extern::Memory(memory));
    Ok(())
}

fn add(imports: &mut ImportMap, name: &str, ext: Extern) {
    imports.insert(("spectest".to_string(), name.to_string()), ext);
}
