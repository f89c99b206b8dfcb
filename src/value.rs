//! Value types, values and the function type, in the spec's terms (core §2.3, §4.2).
//! Floats are carried as raw bits so no platform float behaviour touches a value that
//! is only moved. Depends on nothing.

use std::fmt;

/// A value type of the accepted profile (core §2.3.4, plus `exnref` from the exception
/// handling proposal).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE 754 float.
    F32,
    /// 64-bit IEEE 754 float.
    F64,
    /// Nullable reference to a function.
    FuncRef,
    /// Nullable opaque host reference.
    ExternRef,
    /// Nullable reference to a caught exception.
    ExnRef,
}

impl ValType {
    /// Whether the type is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(
            self,
            ValType::FuncRef | ValType::ExternRef | ValType::ExnRef
        )
    }

    /// The default value of the type: zero, or the null reference (core §4.2.1).
    pub fn default_value(self) -> Value {
        match self {
            ValType::I32 => Value::I32(0),
            ValType::I64 => Value::I64(0),
            ValType::F32 => Value::F32(0),
            ValType::F64 => Value::F64(0),
            ValType::FuncRef => Value::FuncRef(None),
            ValType::ExternRef => Value::ExternRef(None),
            ValType::ExnRef => Value::ExnRef(None),
        }
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
            ValType::ExnRef => "exnref",
        })
    }
}

/// A store-wide function address (core §4.2.3): an index into the store's functions.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncAddr(pub u32);

/// The identity of a store, unique in the process (a counter, never reused): what a
/// [`Func`] handle and the runtime's other handles carry so that a store refuses the
/// handles of another. Never observable: not in `Display`, traces, hashes or
/// snapshots.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct StoreId(pub(crate) u64);

impl StoreId {
    /// The id of no store: what a value decoded without a store (a trace's null
    /// references) carries. Refused by every store; the counter never reaches it.
    pub(crate) const NONE: StoreId = StoreId(u64::MAX);
}

/// A function of a store (core §4.2.3 function address), as the embedder holds it:
/// the store-wide address plus the identity of the store it belongs to. `Copy`; it
/// holds no borrow of the store.
///
/// This is the payload of a non-null [`Value::FuncRef`] and of `Extern::Func`. Every
/// API of a store that takes one refuses a `Func` of another store with an error
/// (`Error::Invoke`, or `Error::Link` for an import, or the `host_error` trap for a
/// host function's result; SPEC.md §Traps), never taking it for its own function at
/// that address. Two handles are equal when they name the same function of the same
/// store. `Debug` shows the address only (the store's identity is never observable).
///
/// Calls and type queries are in `runtime/handle.rs`: [`Func::call`], [`Func::ty`],
/// [`Func::typed`].
#[derive(Copy, Clone, PartialEq, Eq, Hash)]
pub struct Func {
    addr: FuncAddr,
    store: StoreId,
}

impl Func {
    /// The handle of the function at `addr` of the store `store`.
    pub(crate) fn new(store: StoreId, addr: FuncAddr) -> Func {
        Func { addr, store }
    }

    /// The function's store-wide address: an index into its store's functions, the
    /// form traps, gas profiles and `StoreInner::func_name` use.
    pub fn addr(&self) -> FuncAddr {
        self.addr
    }

    /// The identity of the store the function belongs to.
    pub(crate) fn store_id(&self) -> StoreId {
        self.store
    }
}

impl fmt::Debug for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Func").field(&self.addr.0).finish()
    }
}

/// A store-wide exception address (SPEC.md §Exceptions): a number the store gives
/// each exception it creates, in creation order, never reused, so an address the store
/// has reclaimed names no exception rather than another one.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExnAddr(pub u64);

/// A WebAssembly value (core §4.2.1). Floats are raw IEEE 754 bits.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, as its bits.
    F32(u32),
    /// An `f64`, as its bits.
    F64(u64),
    /// A `funcref`: `None` is null; a function carries its store's identity (see
    /// [`Func`]).
    FuncRef(Option<Func>),
    /// An `externref`: `None` is null; `Some(n)` is the host's opaque handle `n`.
    ExternRef(Option<u32>),
    /// An `exnref`: `None` is null.
    ExnRef(Option<ExnAddr>),
}

impl Value {
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Value::I32(_) => ValType::I32,
            Value::I64(_) => ValType::I64,
            Value::F32(_) => ValType::F32,
            Value::F64(_) => ValType::F64,
            Value::FuncRef(_) => ValType::FuncRef,
            Value::ExternRef(_) => ValType::ExternRef,
            Value::ExnRef(_) => ValType::ExnRef,
        }
    }

    /// The value as one untyped 64-bit stack slot (SPEC.md §Values): integers and
    /// floats by their bits zero-extended, references as address + 1 with 0 for null.
    /// A function reference keeps only its address: slots never carry a store's
    /// identity, so whoever lets a value into a store checks it first
    /// (`StoreInner::check_value`).
    pub fn to_slot(&self) -> u64 {
        match *self {
            Value::I32(v) => u64::from(v as u32),
            Value::I64(v) => v as u64,
            Value::F32(v) => u64::from(v),
            Value::F64(v) => v,
            Value::FuncRef(r) => r.map_or(0, |f| u64::from(f.addr.0) + 1),
            Value::ExternRef(r) => r.map_or(0, |a| u64::from(a) + 1),
            Value::ExnRef(r) => r.map_or(0, |a| a.0.wrapping_add(1)),
        }
    }

    /// The inverse of [`Value::to_slot`] for a slot known to hold a value of type `ty`,
    /// in the store `store`: a non-null function reference is a [`Func`] of that store.
    pub(crate) fn from_slot(ty: ValType, slot: u64, store: StoreId) -> Value {
        let addr = |s: u64| u32::try_from(s.wrapping_sub(1)).unwrap_or(u32::MAX);
        match ty {
            ValType::I32 => Value::I32(slot as u32 as i32),
            ValType::I64 => Value::I64(slot as i64),
            ValType::F32 => Value::F32(slot as u32),
            ValType::F64 => Value::F64(slot),
            ValType::FuncRef => {
                Value::FuncRef((slot != 0).then(|| Func::new(store, FuncAddr(addr(slot)))))
            }
            ValType::ExternRef => Value::ExternRef((slot != 0).then(|| addr(slot))),
            ValType::ExnRef => Value::ExnRef((slot != 0).then(|| ExnAddr(slot - 1))),
        }
    }
}

/// A function type (core §2.3.6): parameter and result types.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncType {
    params: Box<[ValType]>,
    results: Box<[ValType]>,
}

impl FuncType {
    /// A function type from its parameter and result types.
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> FuncType {
        FuncType {
            params: params.into_iter().collect(),
            results: results.into_iter().collect(),
        }
    }

    /// Parameter types, in order.
    pub fn params(&self) -> &[ValType] {
        &self.params
    }

    /// Result types, in order.
    pub fn results(&self) -> &[ValType] {
        &self.results
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[")?;
        for (i, p) in self.params.iter().enumerate() {
            write!(f, "{}{p}", if i > 0 { " " } else { "" })?;
        }
        write!(f, "] -> [")?;
        for (i, r) in self.results.iter().enumerate() {
            write!(f, "{}{r}", if i > 0 { " " } else { "" })?;
        }
        write!(f, "]")
    }
}

/// Limits of a memory or table type (core §2.3.7): minimum and optional maximum, in
/// pages (memory) or elements (table).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TypeLimits {
    /// Minimum size.
    pub min: u32,
    /// Maximum size, if declared.
    pub max: Option<u32>,
}

/// A memory type (core §2.3.9), sizes in 64 KiB pages.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct MemoryType {
    /// Size limits in pages.
    pub limits: TypeLimits,
}

/// A table type (core §2.3.8): element reference type and limits in elements.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TableType {
    /// The element type; a reference type.
    pub elem: ValType,
    /// Size limits in elements.
    pub limits: TypeLimits,
}

/// A global type (core §2.3.10).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct GlobalType {
    /// The value type.
    pub content: ValType,
    /// Whether `global.set` may change it.
    pub mutable: bool,
}

/// The type of an external value (core §2.3.11).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternType {
    /// A function of this type.
    Func(FuncType),
    /// A table.
    Table(TableType),
    /// A memory.
    Memory(MemoryType),
    /// A global.
    Global(GlobalType),
    /// An exception tag whose payload is the function type's parameters.
    Tag(FuncType),
}
