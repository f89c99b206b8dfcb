//! [`Linker<T>`]: host functions and other externs defined by `(module, name)`, and
//! instantiation that resolves a module's imports by name, rejecting every missing or
//! mistyped import at once before anything is allocated or runs.
//! Depends on the store, `caller` (type-erased host functions), `typed` (the
//! `WasmTyList` conversions), module, value and error.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::sync::Arc;

use super::caller::{self, Caller, ErasedHostFn};
use super::typed::WasmTyList;
use super::{Extern, Func, Instance, Store};
use crate::error::{Error, LinkError};
use crate::exec::{Trap, TrapCode};
use crate::module::Module;
use crate::value::{ExternType, FuncType, Value};

/// One definition of a linker.
#[derive(Clone)]
enum Definition {
    /// A host function, allocated in the store at each instantiation.
    Func {
        ty: FuncType,
        base_gas: u64,
        f: Arc<ErasedHostFn>,
    },
    /// An extern of a store (the store instantiated with must be that store).
    Extern(Extern),
}

/// Host functions, memories, tables, globals and tags defined by import module and
/// name, for instantiating modules in a [`Store<T>`] by name rather than by position.
///
/// Host functions ([`Linker::func_wrap`], [`Linker::func_new`]) see the store's host
/// state `T` through their [`Caller<'_, T>`] and declare a base gas cost, charged
/// before each call, all or nothing (SPEC.md §Gas, host functions).
///
/// Deterministic addresses: [`Linker::instantiate`] allocates every host function the
/// linker defines (whether the module imports it or not) in byte order of module name,
/// then name, before the module's own functions, so function addresses, and the
/// function references a state digest holds, depend only on the linker's definitions
/// and the module.
///
/// ```
/// use detwasm::{Caller, Engine, Linker, Module, Store};
/// let engine = Engine::default();
/// let wat = r#"(module (import "env" "double" (func $d (param i32) (result i32)))
///                (func (export "run") (param i32) (result i32) (call $d (local.get 0))))"#;
/// let module = Module::new(&engine, &wat::parse_str(wat)?)?;
/// let mut linker = Linker::<u32>::new();
/// linker.func_wrap("env", "double", 10, |mut caller: Caller<'_, u32>, x: i32| {
///     *caller.data_mut() += 1;
///     Ok(x * 2)
/// })?;
/// let mut store = Store::new(&engine, 0u32);
/// let instance = linker.instantiate(&mut store, &module)?;
/// let run = instance.get_typed_func::<i32, i32>(&store, "run")?;
/// assert_eq!(run.call(&mut store, 21)?, 42);
/// assert_eq!(*store.data(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Linker<T> {
    defs: BTreeMap<String, BTreeMap<String, Definition>>,
    _data: PhantomData<fn(&mut T)>,
}

impl<T> Clone for Linker<T> {
    fn clone(&self) -> Self {
        Linker {
            defs: self.defs.clone(),
            _data: PhantomData,
        }
    }
}

impl<T> Default for Linker<T> {
    fn default() -> Self {
        Linker {
            defs: BTreeMap::new(),
            _data: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for Linker<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self
            .defs
            .iter()
            .flat_map(|(m, items)| items.keys().map(move |n| format!("{m}.{n}")))
            .collect();
        f.debug_struct("Linker").field("defs", &names).finish()
    }
}

impl<T: 'static> Linker<T> {
    /// An empty linker.
    pub fn new() -> Linker<T> {
        Linker::default()
    }

    /// Whether `module`.`name` is defined.
    pub fn contains(&self, module: &str, name: &str) -> bool {
        self.get(module, name).is_some()
    }

    fn get(&self, module: &str, name: &str) -> Option<&Definition> {
        self.defs.get(module)?.get(name)
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition) -> Result<&mut Self, Error> {
        let items = self.defs.entry(module.to_owned()).or_default();
        if items.contains_key(name) {
            return Err(Error::Link(LinkError(format!(
                "{module:?} {name:?} is already defined in the linker"
            ))));
        }
        items.insert(name.to_owned(), def);
        Ok(self)
    }

    /// Defines `module`.`name` as a host function with typed parameters and results
    /// (`()`, one of `i32`, `i64`, `f32`, `f64`, or a tuple of up to eight), costing
    /// `base_gas` gas units per call, charged before `f` runs (all or nothing: with
    /// less gas the call traps with `OutOfGas` and `f` does not run). `f` charges
    /// dynamic costs with [`super::CallerContext::charge_gas`]; a `Trap` it returns
    /// ends the call with that trap.
    ///
    /// # Errors
    /// `Error::Link` when `module`.`name` is already defined.
    pub fn func_wrap<Params: WasmTyList, Results: WasmTyList>(
        &mut self,
        module: &str,
        name: &str,
        base_gas: u64,
        f: impl Fn(Caller<'_, T>, Params) -> Result<Results, Trap> + Send + Sync + 'static,
    ) -> Result<&mut Self, Error> {
        let ty = FuncType::new(Params::types(), Results::types());
        let f = move |caller: Caller<'_, T>, args: &[Value], results: &mut [Value]| {
            // The interpreter passes arguments of the function's type, so this
            // conversion fails only on a broken invariant: a trap, not a panic.
            let params = Params::from_values(args).ok_or_else(|| Trap::new(TrapCode::HostError))?;
            if f(caller, params)?.write_values(results) {
                Ok(())
            } else {
                Err(Trap::new(TrapCode::HostError))
            }
        };
        self.func_new(module, name, ty, base_gas, f)
    }

    /// Defines `module`.`name` as a host function of type `ty` over untyped values,
    /// costing `base_gas` gas units per call (charged as for [`Linker::func_wrap`]).
    ///
    /// `f` receives the arguments (typed as `ty`'s parameters) and a results slice of
    /// `ty`'s result count filled with default values. Results it leaves of another
    /// type than `ty` says, or references not of the store, make the call trap with
    /// `TrapCode::HostError` (SPEC.md §Traps), never panic.
    ///
    /// # Errors
    /// `Error::Link` when `module`.`name` is already defined.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        base_gas: u64,
        f: impl Fn(Caller<'_, T>, &[Value], &mut [Value]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> Result<&mut Self, Error> {
        let f = caller::erase(f);
        self.insert(module, name, Definition::Func { ty, base_gas, f })
    }

    /// Defines `module`.`name` as `item`, an extern of a store (a memory, table,
    /// global, tag, or a function already allocated in it). Only instantiate in that
    /// store: every extern handle carries its store's identity, and
    /// [`Linker::instantiate`] in another store rejects it (`Error::Link`, "function of
    /// another store", "memory of another store", ...), never taking it for that
    /// store's item at the same address.
    ///
    /// # Errors
    /// `Error::Link` when `module`.`name` is already defined.
    pub fn define(&mut self, module: &str, name: &str, item: Extern) -> Result<&mut Self, Error> {
        self.insert(module, name, Definition::Extern(item))
    }

    /// Instantiates `module` in `store` with its imports resolved by name
    /// ([`Store::instantiate`] does the rest: allocation, segments, start function).
    ///
    /// Before anything is allocated, every import is looked up and type-checked:
    /// imports the linker does not define, and imports whose definition does not match
    /// (a host function of another type, an extern of another kind or type, an
    /// extern of another store, an address `store` does not hold) are all listed in
    /// one error. Then every host function the linker
    /// defines is allocated in `store`, in byte order of module name, then name (see
    /// [`Linker`]); each instantiation allocates them anew.
    ///
    /// # Errors
    /// `Error::Link` listing every missing or mistyped import, in module order (`"m"
    /// "n": not defined in the linker`); otherwise as [`Store::instantiate`]
    /// (`Error::ConfigMismatch`, `Error::Trap`); `Error::Invoke` while a call of
    /// `store` is suspended (nothing is allocated then).
    pub fn instantiate(&self, store: &mut Store<T>, module: &Module) -> Result<Instance, Error> {
        let imports = self.resolve(store, module)?;
        store.instantiate(module, &imports)
    }

    /// What [`Linker::instantiate`] does before `Store::instantiate`: checks every
    /// import, allocates the linker's host functions and returns the module's imports
    /// in order (also used by a restore, SPEC.md §Snapshot).
    pub(crate) fn resolve(
        &self,
        store: &mut Store<T>,
        module: &Module,
    ) -> Result<Vec<Extern>, Error> {
        if store.suspended.is_some() {
            return Err(Error::Invoke(crate::exec::suspend::BUSY.to_string()));
        }
        let mut bad = Vec::new();
        for import in module.imports() {
            let (m, n) = (&import.module, &import.name);
            match self.get(m, n) {
                None => bad.push(format!("{m:?} {n:?}: not defined in the linker")),
                Some(Definition::Func { ty, .. }) if import.ty != ExternType::Func(ty.clone()) => {
                    bad.push(format!(
                        "{m:?} {n:?}: imported as {}, defined as a host function of type {ty}",
                        describe(&import.ty)
                    ));
                }
                Some(Definition::Extern(e)) => {
                    if let Err(why) = super::instantiate::import_matches(store, &import.ty, e) {
                        bad.push(format!(
                            "{m:?} {n:?}: imported as {}, defined as {e:?}: {why}",
                            describe(&import.ty)
                        ));
                    }
                }
                Some(Definition::Func { .. }) => {}
            }
        }
        if !bad.is_empty() {
            return Err(Error::Link(LinkError(format!(
                "{} import(s) not provided by the linker: {}",
                bad.len(),
                bad.join("; ")
            ))));
        }
        let mut allocated: BTreeMap<(&str, &str), Extern> = BTreeMap::new();
        for (m, items) in &self.defs {
            for (n, def) in items {
                let item = match def {
                    Definition::Func { ty, base_gas, f } => {
                        let addr = store.alloc_host(m, n, ty, *base_gas, Arc::clone(f));
                        Extern::Func(Func::new(store.id, addr))
                    }
                    Definition::Extern(e) => *e,
                };
                allocated.insert((m.as_str(), n.as_str()), item);
            }
        }
        module
            .imports()
            .iter()
            .map(|i| {
                allocated
                    .get(&(i.module.as_str(), i.name.as_str()))
                    .copied()
                    .ok_or(Error::Internal("an import checked as defined is missing"))
            })
            .collect::<Result<Vec<Extern>, Error>>()
    }
}

/// An import's type for people: `a function of type [i32] -> []`, `a memory`, ...
fn describe(ty: &ExternType) -> String {
    match ty {
        ExternType::Func(f) => format!("a function of type {f}"),
        ExternType::Table(_) => "a table".into(),
        ExternType::Memory(_) => "a memory".into(),
        ExternType::Global(_) => "a global".into(),
        ExternType::Tag(_) => "a tag".into(),
    }
}
