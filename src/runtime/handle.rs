//! Handles (issue 11 item 2): [`Instance`], [`Memory`], [`Table`], [`Global`],
//! [`Tag`], and the calls and type queries of [`Func`] (defined in `value.rs`, since a
//! function reference value carries one). Each handle is `Copy`, holds the store-wide
//! address plus the identity of the store that made it, and every operation checks that
//! identity first, so a handle of another store is an `Error::Invoke`, an
//! `Error::Link` (as an import) or `None`, never taken for this store's item at the
//! same address. Built on `Store::invoke` and `StoreInner`'s exports; owns no
//! execution. Depends on runtime (the store), value and error.

use super::typed::{TypedFunc, WasmTyList};
use super::{Extern, GlobalAddr, InstanceAddr, MemAddr, Store, StoreInner, TableAddr, TagAddr};
use crate::error::Error;
use crate::value::{Func, FuncAddr, FuncType, StoreId, Value};

/// A module instance of a store (core §4.2.5), as the embedder holds it: the
/// store-wide [`InstanceAddr`] plus the identity of the store it belongs to. `Copy`;
/// it holds no borrow of the store. What [`Store::instantiate`] and
/// `Linker::instantiate` return.
///
/// Every lookup takes the store: given another store, it finds nothing (`None`) or is
/// an `Error::Invoke`, never that store's instance at the same address. `Debug` shows
/// the address only.
///
/// ```
/// use detwasm::{Engine, Module, Store, Value};
/// let wat = r#"(module (func (export "inc") (param i32) (result i32)
///                (i32.add (local.get 0) (i32.const 1))))"#;
/// let engine = Engine::default();
/// let module = Module::new(&engine, &wat::parse_str(wat)?)?;
/// let mut store = Store::new(&engine, ());
/// let instance = store.instantiate(&module, &[])?;
/// let inc = instance.get_func(&store, "inc").expect("export");
/// let mut results = [Value::I32(0)];
/// inc.call(&mut store, &[Value::I32(41)], &mut results)?;
/// assert_eq!(results, [Value::I32(42)]);
/// // The same function, its type checked once here instead of at every call.
/// let inc = instance.get_typed_func::<i32, i32>(&store, "inc")?;
/// assert_eq!(inc.call(&mut store, 1)?, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Copy, Clone, PartialEq, Eq, Hash)]
pub struct Instance {
    addr: InstanceAddr,
    store: StoreId,
}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Instance").field(&self.addr.0).finish()
    }
}

impl Instance {
    /// The handle of the instance at `addr` of the store `store`.
    pub(crate) fn new(store: StoreId, addr: InstanceAddr) -> Instance {
        Instance { addr, store }
    }

    /// The identity of the store the instance belongs to.
    pub(crate) fn store_id(&self) -> StoreId {
        self.store
    }

    /// The instance's store-wide address: an index into its store's instances.
    pub fn addr(&self) -> InstanceAddr {
        self.addr
    }

    /// The export `name`; `None` when the instance has no export of that name or
    /// `store` is not the instance's store.
    ///
    /// # Spec
    /// core §4.5.4 (an instance's exports).
    pub fn get_export(&self, store: &StoreInner, name: &str) -> Option<Extern> {
        store.instance_export(*self, name)
    }

    /// The function export `name`; `None` when the instance has no function export of
    /// that name or `store` is not the instance's store.
    pub fn get_func(&self, store: &StoreInner, name: &str) -> Option<Func> {
        match self.get_export(store, name)? {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }

    /// The function export `name`, checked to have exactly the parameter types of
    /// `Params` and the result types of `Results` (see [`TypedFunc`]).
    ///
    /// # Errors
    /// `Error::Invoke` when `store` is not the instance's store, the instance has no
    /// function export `name`, or its type differs (the message gives both types).
    ///
    /// # Spec
    /// Function types match when their parameter and result lists are equal (core
    /// §3.2.9 for external function types).
    pub fn get_typed_func<Params: WasmTyList, Results: WasmTyList>(
        &self,
        store: &StoreInner,
        name: &str,
    ) -> Result<TypedFunc<Params, Results>, Error> {
        store.get_typed_func(*self, name)
    }

    /// The memory export `name`; `None` when there is none or `store` is not the
    /// instance's store.
    pub fn get_memory(&self, store: &StoreInner, name: &str) -> Option<Memory> {
        match self.get_export(store, name)? {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }

    /// The global export `name`; `None` when there is none or `store` is not the
    /// instance's store.
    pub fn get_global(&self, store: &StoreInner, name: &str) -> Option<Global> {
        match self.get_export(store, name)? {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }

    /// The table export `name`; `None` when there is none or `store` is not the
    /// instance's store.
    pub fn get_table(&self, store: &StoreInner, name: &str) -> Option<Table> {
        match self.get_export(store, name)? {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }

    /// The tag export `name`; `None` when there is none or `store` is not the
    /// instance's store.
    pub fn get_tag(&self, store: &StoreInner, name: &str) -> Option<Tag> {
        match self.get_export(store, name)? {
            Extern::Tag(t) => Some(t),
            _ => None,
        }
    }
}

/// A handle on an item of one store: its store-wide address and the identity of the
/// store that made it. [`StoreInner::own`] turns a handle into its address only when it
/// is of that store, the one check every handle operation and import starts with.
pub(crate) trait StoreHandle: Copy {
    /// The store-wide address type (`FuncAddr`, `MemAddr`, ...).
    type Addr: Copy;
    /// The identity of the store the item belongs to.
    fn store_of(&self) -> StoreId;
    /// The item's store-wide address.
    fn addr_of(&self) -> Self::Addr;
}

/// `StoreHandle` for a handle type with inherent `addr` and `store_id`.
macro_rules! impl_store_handle {
    ($($name:ident: $addr:ident),*) => {$(
        impl StoreHandle for $name {
            type Addr = $addr;
            fn store_of(&self) -> StoreId {
                self.store_id()
            }
            fn addr_of(&self) -> $addr {
                self.addr()
            }
        }
    )*};
}

impl_store_handle!(
    Instance: InstanceAddr,
    Func: FuncAddr,
    Memory: MemAddr,
    Table: TableAddr,
    Global: GlobalAddr,
    Tag: TagAddr
);

/// Declares a store-checked handle on a store-wide address: `Copy`, the address plus
/// the store's identity, equal when the same item of the same store, `Debug` showing
/// the address only.
macro_rules! store_handle {
    ($(#[$doc:meta])* $name:ident, $addr:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Copy, Clone, PartialEq, Eq, Hash)]
        pub struct $name {
            addr: $addr,
            store: StoreId,
        }

        impl $name {
            #[doc = concat!("The handle of the ", $what, " at `addr` of the store `store`.")]
            pub(crate) fn new(store: StoreId, addr: $addr) -> $name {
                $name { addr, store }
            }

            #[doc = concat!("The ", $what, "'s store-wide address: an index into its store's ", $what, "s.")]
            pub fn addr(&self) -> $addr {
                self.addr
            }

            #[doc = concat!("The identity of the store the ", $what, " belongs to.")]
            pub(crate) fn store_id(&self) -> StoreId {
                self.store
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.addr.0).finish()
            }
        }
    };
}

store_handle!(
    /// A memory of a store (core §4.2.8 memory address), as the embedder holds it: the
    /// store-wide [`MemAddr`] plus the identity of the store it belongs to. `Copy`; it
    /// holds no borrow of the store. The payload of `Extern::Memory`, what
    /// `StoreInner::alloc_memory` and [`Instance::get_memory`] return.
    ///
    /// A store refuses a memory of another store: as an import (`Error::Link`, "memory
    /// of another store"), and [`StoreInner::memory_data`] finds nothing (`None`). Two
    /// handles are equal when they name the same memory of the same store. `Debug`
    /// shows the address only (the store's identity is never observable).
    Memory,
    MemAddr,
    "memory"
);

store_handle!(
    /// A table of a store (core §4.2.7 table address), as the embedder holds it: the
    /// store-wide [`TableAddr`] plus the identity of the store it belongs to. `Copy`.
    /// The payload of `Extern::Table`, what `StoreInner::alloc_table` and
    /// [`Instance::get_table`] return.
    ///
    /// A store refuses a table of another store: as an import (`Error::Link`, "table of
    /// another store"), and [`StoreInner::table_elements`] finds nothing (`None`).
    /// `Debug` shows the address only.
    Table,
    TableAddr,
    "table"
);

store_handle!(
    /// A global of a store (core §4.2.9 global address), as the embedder holds it: the
    /// store-wide [`GlobalAddr`] plus the identity of the store it belongs to. `Copy`.
    /// The payload of `Extern::Global`, what `StoreInner::alloc_global` and
    /// [`Instance::get_global`] return.
    ///
    /// A store refuses a global of another store: as an import (`Error::Link`, "global
    /// of another store"), and [`StoreInner::global_get`] finds nothing (`None`).
    /// `Debug` shows the address only.
    Global,
    GlobalAddr,
    "global"
);

store_handle!(
    /// An exception tag of a store (a tag address of the exception handling proposal),
    /// as the embedder holds it: the store-wide [`TagAddr`] plus the identity of the
    /// store it belongs to. `Copy`. The payload of `Extern::Tag`, what
    /// `StoreInner::alloc_tag` and [`Instance::get_tag`] return.
    ///
    /// A store refuses a tag of another store as an import (`Error::Link`, "tag of
    /// another store"). `Debug` shows the address only.
    Tag,
    TagAddr,
    "tag"
);

impl Func {
    /// The function's type.
    ///
    /// # Errors
    /// `Error::Invoke` when `store` is not the function's store.
    pub fn ty(&self, store: &StoreInner) -> Result<FuncType, Error> {
        let addr = store.func_addr(*self)?;
        store.func_type(addr).cloned().ok_or(Error::Internal(
            "a function handle of the store without a type",
        ))
    }

    /// Calls the function with `params` and writes its results into `results`: the
    /// same call as [`Store::invoke`] (same gas, trace and traps).
    ///
    /// # Shapes
    /// `params.len() == ty.params().len()`, each of its parameter's type;
    /// `results.len() == ty.results().len()` (any values: they are overwritten), where
    /// `ty` is [`Func::ty`].
    ///
    /// # Errors
    /// `Error::Invoke`, before anything runs (no gas charged, `results` untouched),
    /// when `store` is not the function's store, `params` do not match the parameter
    /// types in number or types, a reference in `params` is not of this store (a
    /// [`Func`] of another store, an exception the store does not hold), `results` is
    /// not of the number of results, or a call of the store is suspended out of gas.
    /// `Error::Trap` when execution traps, among them the `host_error` trap of a host
    /// function that returned values not of its result types or references not of its
    /// store (SPEC.md §Traps); `results` is untouched then.
    ///
    /// # Panics
    /// Never.
    ///
    /// # Spec
    /// core §4.5.5 (invocation); SPEC.md §Traps.
    pub fn call<T: 'static>(
        &self,
        store: &mut Store<T>,
        params: &[Value],
        results: &mut [Value],
    ) -> Result<(), Error> {
        let ty = self.ty(store)?;
        if results.len() != ty.results().len() {
            return Err(Error::Invoke(format!(
                "a results slice of {} values for the function type {ty}",
                results.len()
            )));
        }
        let values = store.invoke(*self, params)?;
        if values.len() != results.len() {
            return Err(Error::Internal(
                "an invocation returned another result count",
            ));
        }
        results.copy_from_slice(&values);
        Ok(())
    }

    /// The function as a [`TypedFunc`], checked once here to have exactly the
    /// parameter types of `Params` and the result types of `Results`.
    ///
    /// # Errors
    /// `Error::Invoke` when `store` is not the function's store or the function's type
    /// differs (the message gives both types).
    pub fn typed<Params: WasmTyList, Results: WasmTyList>(
        &self,
        store: &StoreInner,
    ) -> Result<TypedFunc<Params, Results>, Error> {
        TypedFunc::new(store, *self, &format!("function {}", self.addr().0))
    }
}
