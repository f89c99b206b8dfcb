//! The store and instantiation (core §4.2 runtime structure, §4.5 modules).
//!
//! A [`Store<T>`] is a [`StoreInner`] plus the embedder's host state `T`. The inner
//! store owns every function, table, memory, global, tag, element and data segment
//! instance, addressed by store-wide addresses, plus the gas meter and the value stack
//! reused across invocations; it does not depend on `T`, so the interpreter is not
//! generic. Host functions are stored type-erased in the inner store and receive the
//! host state as `&mut dyn Any`, turned back into a [`Caller<'_, T>`] at their call
//! (`caller.rs`). Instantiation matches imports, allocates the module's definitions,
//! applies active segments in order and runs the start function; a [`Linker<T>`]
//! resolves imports by name (`linker.rs`).
//! Depends on module, value, exec (to run code), config.

mod access;
mod atomic;
mod caller;
mod handle;
mod hook;
mod instantiate;
mod linker;
mod resumable;
mod typed;

pub(crate) use access::Access;
pub use atomic::{AtomicStats, JOURNAL_PAGE_BYTES, TABLE_CHUNK_ELEMENTS};
pub(crate) use caller::ErasedHostFn;
pub use caller::{Caller, CallerContext};
use handle::StoreHandle;
pub use handle::{Global, Instance, Memory, Table, Tag};
pub use hook::{Checkpoint, HostCall, HostCallOutcome, Replayed, TraceHook};
pub use linker::Linker;
pub use resumable::{Invocation, ResumableCall, TypedInvocation, TypedResumableCall};
pub use typed::{TypedFunc, WasmTy, WasmTyList};

use crate::engine::Engine;
use crate::error::Error;
use crate::exec::{self, Trap};
use crate::module::Module;
use crate::translate::CompiledFunc;
use crate::value::{Func, FuncAddr, FuncType, GlobalType, MemoryType, StoreId, TableType, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A store-wide table address: an index into a store's tables. The embedder holds
/// tables as [`Table`] handles, which also carry the store's identity; likewise
/// memories, globals and tags below.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableAddr(pub u32);
/// A store-wide memory address.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemAddr(pub u32);
/// A store-wide global address.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GlobalAddr(pub u32);
/// A store-wide tag address.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagAddr(pub u32);
/// A store-wide module instance address: an index into its store's instances. The
/// embedder holds instances as [`Instance`] handles, which also carry the store's
/// identity.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstanceAddr(pub u32);

/// An external value (core §4.2.12): what imports and exports refer to.
///
/// Each is a handle ([`Func`], [`Table`], [`Memory`], [`Global`], [`Tag`]) that
/// carries its store's identity: importing one into another store is an
/// `Error::Link` ("memory of another store", ...), never this store's item at the same
/// address.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A table.
    Table(Table),
    /// A memory.
    Memory(Memory),
    /// A global.
    Global(Global),
    /// An exception tag.
    Tag(Tag),
}

/// A host function of a `Store<T>`: receives the caller (the host state and the
/// calling instance's memory and gas meter), the arguments (typed as the function's
/// parameters) and a results slice pre-sized to the function's results, filled with
/// default values, which it must overwrite with values of the result types.
pub type HostFunc<T> =
    Arc<dyn Fn(Caller<'_, T>, &[Value], &mut [Value]) -> Result<(), Trap> + Send + Sync>;

pub(crate) enum FuncKind {
    Wasm {
        instance: u32,
        code: Arc<CompiledFunc>,
    },
    /// Behind a pointer, so a `FuncInst` stays 24 bytes for the (many) wasm
    /// functions; a host call clones the `Arc`, not the names.
    Host(Arc<HostFuncInst>),
}

/// A host function with what the runtime needs to charge and name it.
#[derive(Clone)]
pub(crate) struct HostFuncInst {
    pub f: Arc<ErasedHostFn>,
    /// Gas charged before every call, all or nothing.
    pub base_gas: u64,
    /// Import module and field name, for profiles and traces (empty when unnamed).
    pub module: Arc<str>,
    pub name: Arc<str>,
}

pub(crate) struct FuncInst {
    /// Interned type id in `Store::types`.
    pub ty: u32,
    pub kind: FuncKind,
}

pub(crate) struct TableInst {
    pub ty: TableType,
    pub elems: Vec<u64>,
}

pub(crate) struct MemInst {
    pub ty: MemoryType,
    pub data: Vec<u8>,
}

pub(crate) struct GlobalInst {
    pub ty: GlobalType,
    pub value: u64,
}

pub(crate) struct TagInst {
    pub ty: u32,
}

pub(crate) struct ElemInst {
    pub items: Vec<u64>,
}

pub(crate) struct DataInst {
    pub bytes: Arc<[u8]>,
    pub dropped: bool,
}

pub(crate) struct ExnInst {
    pub tag: u32,
    pub payload: Box<[u64]>,
    /// Handed to the embedder or a host function: reachable for the store's lifetime
    /// (SPEC.md §Exceptions).
    pub pinned: bool,
}

pub(crate) struct InstanceInst {
    pub module: Module,
    /// Interned type id of each module type index.
    pub types: Vec<u32>,
    pub funcs: Vec<u32>,
    pub tables: Vec<u32>,
    pub mems: Vec<u32>,
    pub globals: Vec<u32>,
    pub tags: Vec<u32>,
    pub elems: Vec<u32>,
    pub datas: Vec<u32>,
    pub exports: BTreeMap<String, Extern>,
}

impl InstanceInst {
    /// The instance's function addresses, by function index.
    pub(crate) fn funcs_ref(&self) -> &[u32] {
        &self.funcs
    }

    /// The module function index of `addr` when it is one of this instance's own
    /// (defined, not imported) functions. O(1): instantiation allocates them at
    /// consecutive addresses after the imports; a store where that does not hold
    /// falls back to a scan.
    pub(crate) fn defined_func_index(&self, addr: u32) -> Option<u32> {
        let imported = self.module.inner.num_imported_funcs as usize;
        let defined = self.funcs.get(imported..)?;
        let base = *defined.first()?;
        let at = addr
            .checked_sub(base)
            .map(|d| d as usize)
            .filter(|d| defined.get(*d) == Some(&addr))
            .or_else(|| defined.iter().position(|a| *a == addr))?;
        u32::try_from(imported + at).ok()
    }

    /// The instance's global addresses, by global index.
    pub(crate) fn globals_ref(&self) -> &[u32] {
        &self.globals
    }
}

/// All runtime state (core §4.2.3) that does not depend on the host state: instances
/// and everything they own, the gas meter and the value stack.
///
/// Reached through `Deref` from a [`Store<T>`], which adds the host state; its public
/// methods read state, allocate tables, memories, globals and tags, and set the gas
/// limit, the trace hook and the gas profile. Running code (instantiation, invocation)
/// needs the host state and is on [`Store<T>`].
pub struct StoreInner {
    pub(crate) engine: Engine,
    pub(crate) types: Vec<FuncType>,
    type_ids: BTreeMap<FuncType, u32>,
    pub(crate) funcs: Vec<FuncInst>,
    pub(crate) tables: Vec<TableInst>,
    pub(crate) memories: Vec<MemInst>,
    pub(crate) globals: Vec<GlobalInst>,
    pub(crate) tags: Vec<TagInst>,
    pub(crate) instances: Vec<InstanceInst>,
    pub(crate) elems: Vec<ElemInst>,
    pub(crate) datas: Vec<DataInst>,
    /// The exceptions the store holds, by address (SPEC.md §Exceptions).
    pub(crate) exns: BTreeMap<u64, ExnInst>,
    /// The address of the next exception created.
    pub(crate) next_exn: u64,
    pub(crate) gas_limit: u64,
    pub(crate) gas_remaining: u64,
    pub(crate) stack: Vec<u64>,
    pub(crate) profiler: Option<Box<crate::exec::profile::Profiler>>,
    pub(crate) trace_hook: Option<Box<dyn TraceHook>>,
    /// Page hashes of memories, for checkpoint digests.
    pub(crate) page_cache: BTreeMap<u32, crate::exec::checkpoint::PageCache>,
    /// The next checkpoint boundary (gas used) and the next checkpoint's index.
    pub(crate) checkpoint_next: u64,
    pub(crate) checkpoint_index: u64,
    /// This store's identity, unique in the process: what a [`ResumableCall`], a
    /// [`Func`], an [`Instance`] and a [`TypedFunc`] are checked against. Never
    /// observable in results, gas, traces or snapshots.
    pub(crate) id: StoreId,
    /// The suspended call, if a resumable invocation ran out of gas (SPEC.md §Gas,
    /// resumption); while it is here no other code runs in this store.
    pub(crate) suspended: Option<Box<crate::exec::suspend::Suspended>>,
    /// The sequence number of the last suspension.
    pub(crate) suspend_seq: u64,
    /// The journal of the running atomic call ([`Store::call_atomic`], SPEC.md §Atomic
    /// calls); while it is open the interpreter records old state before writes.
    pub(crate) journal: Option<Box<atomic::Journal>>,
    /// The last atomic call's journal, closed, kept for its buffers.
    pub(crate) journal_spare: Option<Box<atomic::Journal>>,
    /// Argument and result buffers of host calls from wasm, kept between calls so
    /// that a host call allocates nothing; empty between calls.
    pub(crate) host_args: Vec<Value>,
    pub(crate) host_results: Vec<Value>,
}

/// The next store id.
static NEXT_STORE_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn addr32(n: usize) -> Result<u32, Error> {
    u32::try_from(n).map_err(|_| Error::Limit("store address space exhausted".into()))
}

impl StoreInner {
    /// An empty store whose gas limit is the engine's `Config::gas_limit`.
    pub(crate) fn new(engine: &Engine) -> StoreInner {
        let gas = engine.config().gas_limit;
        StoreInner {
            engine: engine.clone(),
            types: Vec::new(),
            type_ids: BTreeMap::new(),
            funcs: Vec::new(),
            tables: Vec::new(),
            memories: Vec::new(),
            globals: Vec::new(),
            tags: Vec::new(),
            instances: Vec::new(),
            elems: Vec::new(),
            datas: Vec::new(),
            exns: BTreeMap::new(),
            next_exn: 0,
            gas_limit: gas,
            gas_remaining: gas,
            stack: Vec::new(),
            host_args: Vec::new(),
            host_results: Vec::new(),
            profiler: None,
            trace_hook: None,
            page_cache: BTreeMap::new(),
            checkpoint_next: engine.config().checkpoint_interval,
            checkpoint_index: 0,
            id: StoreId(NEXT_STORE_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)),
            suspended: None,
            suspend_seq: 0,
            journal: None,
            journal_spare: None,
        }
    }

    /// The engine the store was created with.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub(crate) fn intern_type(&mut self, ty: &FuncType) -> u32 {
        if let Some(id) = self.type_ids.get(ty) {
            return *id;
        }
        let id = self.types.len() as u32;
        self.types.push(ty.clone());
        self.type_ids.insert(ty.clone(), id);
        id
    }

    /// Allocates a host function of type `ty`, named `module.name`, costing
    /// `base_gas` gas units per call (see [`Store::alloc_named_host_func`]).
    pub(crate) fn alloc_host(
        &mut self,
        module: &str,
        name: &str,
        ty: &FuncType,
        base_gas: u64,
        f: Arc<ErasedHostFn>,
    ) -> FuncAddr {
        let ty = self.intern_type(ty);
        let addr = FuncAddr(self.funcs.len() as u32);
        self.funcs.push(FuncInst {
            ty,
            kind: FuncKind::Host(Arc::new(HostFuncInst {
                f,
                base_gas,
                module: Arc::from(module),
                name: Arc::from(name),
            })),
        });
        addr
    }

    /// Whether value `v`, given by the embedder or a host function, may enter this
    /// store: a function reference must be a [`Func`] of this store (its identity, and
    /// an address below the number of functions allocated), an exception reference the
    /// address of an exception this store still holds (one it reclaimed is refused,
    /// never taken for another: addresses are not reused). `Err` says why not.
    pub(crate) fn check_value(&self, v: &Value) -> Result<(), String> {
        match v {
            Value::FuncRef(Some(f)) if f.store_id() != self.id => Err(format!(
                "funcref {} is a function of another store",
                f.addr().0
            )),
            Value::FuncRef(Some(f)) if f.addr().0 as usize >= self.funcs.len() => Err(format!(
                "funcref {} is not a function of this store ({} functions)",
                f.addr().0,
                self.funcs.len()
            )),
            Value::ExnRef(Some(a)) if !self.exns.contains_key(&a.0) => Err(format!(
                "exnref {} is not a live exception of this store",
                a.0
            )),
            _ => Ok(()),
        }
    }

    /// Creates an exception of tag address `tag` with `payload` and returns its
    /// address (SPEC.md §Exceptions: addresses are never reused).
    pub(crate) fn new_exn(&mut self, tag: u32, payload: Box<[u64]>) -> u64 {
        let addr = self.next_exn;
        self.next_exn += 1;
        self.exns.insert(
            addr,
            ExnInst {
                tag,
                payload,
                pinned: false,
            },
        );
        addr
    }

    /// Marks the exceptions `values` refer to as handed out: they stay reachable for
    /// the store's lifetime (SPEC.md §Exceptions, root 4).
    pub(crate) fn pin_exns(&mut self, values: &[Value]) {
        for v in values {
            if let Value::ExnRef(Some(a)) = v {
                if let Some(e) = self.exns.get_mut(&a.0) {
                    e.pinned = true;
                }
            }
        }
    }

    /// How many exceptions the store holds, reachable or not: at most twice
    /// `Config::max_live_exceptions` plus one at any time (SPEC.md §Exceptions).
    pub fn exception_count(&self) -> usize {
        self.exns.len()
    }

    /// Allocates a table of type `ty` with every element set to `init`.
    ///
    /// # Errors
    /// `Error::Limit` when the minimum exceeds `Limits::max_table_elements`;
    /// `Error::Invoke` when `init` is not of the element type, or is a reference that
    /// is not of this store (a [`Func`] of another store, an exception it does not
    /// hold).
    pub fn alloc_table(&mut self, ty: TableType, init: Value) -> Result<Table, Error> {
        if init.ty() != ty.elem {
            return Err(Error::Invoke(
                "table initial value of the wrong type".into(),
            ));
        }
        self.check_value(&init).map_err(Error::Invoke)?;
        if ty.limits.min > self.engine.config().limits.max_table_elements {
            return Err(Error::Limit(
                "table minimum above max_table_elements".into(),
            ));
        }
        let addr = TableAddr(addr32(self.tables.len())?);
        self.tables.push(TableInst {
            ty,
            elems: vec![init.to_slot(); ty.limits.min as usize],
        });
        Ok(Table::new(self.id, addr))
    }

    /// Allocates a zeroed memory of type `ty` (sizes in 64 KiB pages).
    ///
    /// # Errors
    /// `Error::Limit` when the minimum exceeds `Limits::max_memory_pages`.
    pub fn alloc_memory(&mut self, ty: MemoryType) -> Result<Memory, Error> {
        if ty.limits.min > self.engine.config().limits.max_memory_pages {
            return Err(Error::Limit("memory minimum above max_memory_pages".into()));
        }
        let addr = MemAddr(addr32(self.memories.len())?);
        self.memories.push(MemInst {
            ty,
            data: vec![0; ty.limits.min as usize * exec::PAGE_SIZE],
        });
        Ok(Memory::new(self.id, addr))
    }

    /// Allocates a global of type `ty` holding `value`.
    ///
    /// # Errors
    /// `Error::Invoke` when `value` is not of the global's content type, or is a
    /// reference that is not of this store (a [`Func`] of another store, an exception
    /// it does not hold); `Error::Limit` when the store already holds 2^32 globals.
    pub fn alloc_global(&mut self, ty: GlobalType, value: Value) -> Result<Global, Error> {
        if value.ty() != ty.content {
            return Err(Error::Invoke(format!(
                "global initial value of type {} for a global of type {}",
                value.ty(),
                ty.content
            )));
        }
        self.check_value(&value).map_err(Error::Invoke)?;
        let addr = GlobalAddr(addr32(self.globals.len())?);
        self.globals.push(GlobalInst {
            ty,
            value: value.to_slot(),
        });
        Ok(Global::new(self.id, addr))
    }

    /// Allocates an exception tag whose payload types are `ty`'s parameters.
    pub fn alloc_tag(&mut self, ty: FuncType) -> Tag {
        let ty = self.intern_type(&ty);
        let addr = TagAddr(self.tags.len() as u32);
        self.tags.push(TagInst { ty });
        Tag::new(self.id, addr)
    }

    /// The export `name` of an instance; `None` when it has no export of that name or
    /// `instance` is of another store. The same as [`Instance::get_export`].
    pub fn instance_export(&self, instance: Instance, name: &str) -> Option<Extern> {
        let addr = self.instance_addr(instance).ok()?;
        self.instances
            .get(addr.0 as usize)?
            .exports
            .get(name)
            .copied()
    }

    /// The address of `instance` in this store.
    ///
    /// # Errors
    /// `Error::Invoke` when `instance` is of another store.
    pub(crate) fn instance_addr(&self, instance: Instance) -> Result<InstanceAddr, Error> {
        self.own(instance).ok_or_else(|| {
            Error::Invoke(format!(
                "instance {} is an instance of another store",
                instance.addr().0
            ))
        })
    }

    /// The address of `handle` when it is a handle of this store; `None` for a handle
    /// of another store, whatever this store holds at the same address.
    pub(crate) fn own<H: StoreHandle>(&self, handle: H) -> Option<H::Addr> {
        (handle.store_of() == self.id).then(|| handle.addr_of())
    }

    /// The address of `func` in this store.
    ///
    /// # Errors
    /// `Error::Invoke` when `func` is of another store.
    pub(crate) fn func_addr(&self, func: Func) -> Result<FuncAddr, Error> {
        self.own(func).ok_or_else(|| {
            Error::Invoke(format!(
                "function {} is a function of another store",
                func.addr().0
            ))
        })
    }

    /// The handle of this store's instance at address `addr`; `None` when no instance
    /// has that address.
    pub fn instance(&self, addr: InstanceAddr) -> Option<Instance> {
        ((addr.0 as usize) < self.instances.len()).then(|| Instance::new(self.id, addr))
    }

    /// The handle of this store's function at address `addr` (for example a trap's
    /// [`Trap::func`] or a gas profile's address); `None` when no function has that
    /// address.
    pub fn func(&self, addr: FuncAddr) -> Option<Func> {
        ((addr.0 as usize) < self.funcs.len()).then(|| Func::new(self.id, addr))
    }

    /// The handle of this store's memory at address `addr`; `None` when no memory has
    /// that address.
    pub fn memory(&self, addr: MemAddr) -> Option<Memory> {
        ((addr.0 as usize) < self.memories.len()).then(|| Memory::new(self.id, addr))
    }

    /// The handle of this store's table at address `addr`; `None` when no table has
    /// that address.
    pub fn table(&self, addr: TableAddr) -> Option<Table> {
        ((addr.0 as usize) < self.tables.len()).then(|| Table::new(self.id, addr))
    }

    /// The handle of this store's global at address `addr`; `None` when no global has
    /// that address.
    pub fn global(&self, addr: GlobalAddr) -> Option<Global> {
        ((addr.0 as usize) < self.globals.len()).then(|| Global::new(self.id, addr))
    }

    /// The handle of this store's tag at address `addr`; `None` when no tag has that
    /// address.
    pub fn tag(&self, addr: TagAddr) -> Option<Tag> {
        ((addr.0 as usize) < self.tags.len()).then(|| Tag::new(self.id, addr))
    }

    /// A function's name for people: the name section's name when present, else its
    /// first export name, else `func[N]` with its index in its module; host functions
    /// are `module.name` as registered, else `host[ADDR]`.
    pub fn func_name(&self, func: FuncAddr) -> String {
        match self.funcs.get(func.0 as usize).map(|f| &f.kind) {
            Some(FuncKind::Wasm { instance, .. }) => {
                let Some(inst) = self.instances.get(*instance as usize) else {
                    return format!("func@{}", func.0);
                };
                let idx = inst.defined_func_index(func.0).unwrap_or(0);
                if let Some(n) = inst.module.name_of_func(idx) {
                    return n.to_string();
                }
                let exported = inst
                    .module
                    .exports()
                    .iter()
                    .find(|e| e.kind == crate::module::ExternKind::Func && e.index == idx);
                match exported {
                    Some(e) => e.name.clone(),
                    None => format!("func[{idx}]"),
                }
            }
            Some(FuncKind::Host(h)) if !h.name.is_empty() => format!("{}.{}", h.module, h.name),
            Some(FuncKind::Host(_)) => format!("host[{}]", func.0),
            None => format!("func@{}", func.0),
        }
    }

    /// The byte offset in its module of the wasm instruction where `trap` happened, if
    /// it happened in a wasm function.
    pub fn trap_offset(&self, trap: &Trap) -> Option<u32> {
        let f = self.funcs.get(trap.func()?.0 as usize)?;
        let FuncKind::Wasm { code, .. } = &f.kind else {
            return None;
        };
        code.offset(trap.pos() as usize, usize::from(trap.part()))
    }

    /// The type of a function, if the address is valid.
    pub fn func_type(&self, func: FuncAddr) -> Option<&FuncType> {
        let f = self.funcs.get(func.0 as usize)?;
        self.types.get(f.ty as usize)
    }

    /// The current value of a global; `None` when `global` is a global of another
    /// store (or not one this store holds).
    ///
    /// An `exnref` read here is not kept alive by being read: once the store can no
    /// longer reach it (SPEC.md §Exceptions), a later collection may reclaim it, and
    /// `invoke` then refuses it as an argument (never takes it for another exception).
    pub fn global_get(&self, global: Global) -> Option<Value> {
        let g = self.globals.get(self.own(global)?.0 as usize)?;
        Some(Value::from_slot(g.ty.content, g.value, self.id))
    }

    /// The bytes of a memory; `None` when `mem` is a memory of another store (or not
    /// one this store holds).
    pub fn memory_data(&self, mem: Memory) -> Option<&[u8]> {
        self.memories
            .get(self.own(mem)?.0 as usize)
            .map(|m| m.data.as_slice())
    }

    /// The elements of a table; `None` when `table` is a table of another store (or
    /// not one this store holds). `exnref` elements stay valid only while the store
    /// can reach them, as for [`StoreInner::global_get`].
    pub fn table_elements(&self, table: Table) -> Option<Vec<Value>> {
        let t = self.tables.get(self.own(table)?.0 as usize)?;
        Some(
            t.elems
                .iter()
                .map(|s| Value::from_slot(t.ty.elem, *s, self.id))
                .collect(),
        )
    }

    /// Gas used since the limit was last set, in gas units.
    pub fn gas_used(&self) -> u64 {
        self.gas_limit - self.gas_remaining
    }

    /// Gas remaining, in gas units.
    pub fn gas_remaining(&self) -> u64 {
        self.gas_remaining
    }

    /// Installs (or removes, with `None`) the hook that observes every host call and
    /// may answer host calls from a recording (SPEC.md §Trace). Returns the previous
    /// hook.
    pub fn set_trace_hook(
        &mut self,
        hook: Option<Box<dyn TraceHook>>,
    ) -> Option<Box<dyn TraceHook>> {
        std::mem::replace(&mut self.trace_hook, hook)
    }

    /// Removes and returns the trace hook.
    pub fn take_trace_hook(&mut self) -> Option<Box<dyn TraceHook>> {
        self.trace_hook.take()
    }

    /// The memories, globals and tables of an instance, in index order (imports
    /// first), for state digests; `None` for an instance of another store.
    pub fn instance_state(
        &self,
        instance: Instance,
    ) -> Option<(Vec<Memory>, Vec<Global>, Vec<Table>)> {
        self.instance_state_at(self.instance_addr(instance).ok()?)
    }

    /// [`StoreInner::instance_state`] by address.
    pub(crate) fn instance_state_at(
        &self,
        instance: InstanceAddr,
    ) -> Option<(Vec<Memory>, Vec<Global>, Vec<Table>)> {
        let i = self.instances.get(instance.0 as usize)?;
        Some((
            i.mems
                .iter()
                .map(|a| Memory::new(self.id, MemAddr(*a)))
                .collect(),
            i.globals
                .iter()
                .map(|a| Global::new(self.id, GlobalAddr(*a)))
                .collect(),
            i.tables
                .iter()
                .map(|a| Table::new(self.id, TableAddr(*a)))
                .collect(),
        ))
    }

    /// Turns the gas profile on (clearing it) or off. While on, every gas unit charged
    /// by an invocation is attributed to the call path executing when it is charged.
    pub fn set_gas_profiling(&mut self, on: bool) {
        self.profiler = on.then(Box::default);
    }

    /// The gas profile: gas per call path (function addresses from the invocation's
    /// root to the charged function), in path order. The sum equals the gas used by
    /// invocations made while profiling was on. Empty when profiling is off.
    ///
    /// Recursion is folded: a call to a function already on the caller's path
    /// continues that function's path, so `main;f;g;f` is counted as `main;f`, no path
    /// repeats a function, and a recursion of any depth yields one path per distinct
    /// function on it. Self gas per function ([`StoreInner::gas_profile_by_function`]) is
    /// unaffected: the last function of a path is always the one that was executing.
    pub fn gas_profile(&self) -> Vec<(Vec<FuncAddr>, u64)> {
        match &self.profiler {
            None => Vec::new(),
            Some(p) => p
                .paths()
                .into_iter()
                .map(|(path, g)| (path.into_iter().map(FuncAddr).collect(), g))
                .collect(),
        }
    }

    /// Number of distinct call paths the gas profile has interned (0 when profiling is
    /// off). Recursion is folded (see [`StoreInner::gas_profile`]), so this is bounded by the
    /// number of distinct acyclic call paths taken, not by the call depth: a recursion
    /// through `k` functions adds at most `k` paths however deep it goes. Memory of the
    /// profile is proportional to it (plus one `u32` per live activation).
    pub fn gas_profile_node_count(&self) -> usize {
        self.profiler.as_ref().map_or(0, |p| p.node_count())
    }

    /// The gas profile as folded stacks, one `name;name;... gas` line per call path
    /// (recursion folded as in [`StoreInner::gas_profile`]), the format inferno,
    /// flamegraph.pl and speedscope load. Names come from [`StoreInner::func_name`]. The
    /// gas numbers sum to the gas used while profiling was on.
    pub fn gas_profile_folded(&self) -> String {
        let mut out = String::new();
        for (path, gas) in self.gas_profile() {
            let names: Vec<String> = path.iter().map(|f| self.func_name(*f)).collect();
            out.push_str(&names.join(";"));
            out.push(' ');
            out.push_str(&gas.to_string());
            out.push('\n');
        }
        out
    }

    /// Self gas per function (the gas charged while it was the executing function),
    /// largest first; ties in address order. Empty when profiling is off.
    pub fn gas_profile_by_function(&self) -> Vec<(FuncAddr, u64)> {
        let by = match &self.profiler {
            None => BTreeMap::new(),
            Some(p) => p.by_function(),
        };
        let mut v: Vec<(FuncAddr, u64)> = by.into_iter().map(|(f, g)| (FuncAddr(f), g)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    /// Sets the gas limit and resets gas used to 0.
    pub fn set_gas_limit(&mut self, limit: u64) {
        self.gas_limit = limit;
        self.gas_remaining = limit;
        self.checkpoint_next = self.engine.config().checkpoint_interval;
    }
}

/// A store (core §4.2.3) owning the embedder's host state `T`: a [`StoreInner`] (all
/// runtime state, reached through `Deref`) plus `T`, which host functions see through
/// [`Caller::data`] and [`Caller::data_mut`].
///
/// `T` defaults to `()` for stores without host state. Host functions are allocated
/// with [`Store::alloc_host_func`] or defined by name in a [`Linker<T>`]; the
/// interpreter itself does not depend on `T` (one dynamic call per host call).
///
/// ```
/// use detwasm::{Engine, Module, Store};
/// let engine = Engine::default();
/// let module = Module::new(&engine, &wat::parse_str(r#"(module (func (export "f")))"#)?)?;
/// let mut store = Store::new(&engine, 7u32);
/// let instance = store.instantiate(&module, &[])?;
/// instance.get_typed_func::<(), ()>(&store, "f")?.call(&mut store, ())?;
/// assert_eq!(*store.data(), 7);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Store<T = ()> {
    inner: StoreInner,
    data: T,
}

impl<T> Store<T> {
    /// An empty store holding host state `data`, whose gas limit is the engine's
    /// `Config::gas_limit` (gas units).
    pub fn new(engine: &Engine, data: T) -> Store<T> {
        Store {
            inner: StoreInner::new(engine),
            data,
        }
    }

    /// The host state.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The host state, writable.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    /// The host state, consuming the store.
    pub fn into_data(self) -> T {
        self.data
    }
}

impl<T: 'static> Store<T> {
    /// Allocates an unnamed host function of type `ty` with no base gas cost.
    ///
    /// The function must write values of `ty`'s result types into its results slice
    /// (pre-filled with defaults), references only of this store; otherwise the call
    /// traps with `TrapCode::HostError` (SPEC.md §Traps), never panics.
    pub fn alloc_host_func(
        &mut self,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Value], &mut [Value]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> Func {
        self.alloc_named_host_func("", "", ty, 0, f)
    }

    /// Allocates a host function of type `ty`, named `module.name` (its import name,
    /// used by gas profiles and traces), that costs `base_gas` gas units per call.
    ///
    /// The base cost is charged before the function runs, all or nothing: with less
    /// gas remaining the call traps with `OutOfGas` and the function does not run. The
    /// function charges dynamic costs itself with [`CallerContext::charge_gas`]
    /// (SPEC.md §Gas, host functions).
    ///
    /// As for [`Store::alloc_host_func`], results not of `ty`'s result types, or
    /// references not of this store, make the call trap with `TrapCode::HostError`
    /// (SPEC.md §Traps).
    pub fn alloc_named_host_func(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        base_gas: u64,
        f: impl Fn(Caller<'_, T>, &[Value], &mut [Value]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> Func {
        let addr = self
            .inner
            .alloc_host(module, name, &ty, base_gas, caller::erase(f));
        Func::new(self.inner.id, addr)
    }

    /// Instantiates `module` with `imports` given in the module's import order
    /// (core §4.5.4). [`Linker::instantiate`] resolves imports by name instead.
    ///
    /// # Errors
    /// `Error::ConfigMismatch` when `module` was created by an engine whose
    /// configuration differs from this store's in `gas_metering`, in whether
    /// `checkpoint_interval` is 0, or in `limits` (nothing is allocated then);
    /// `Error::Link` when the number or a type of the imports does not match, or an
    /// import is an extern of another store (a [`Func`], [`Table`], [`Memory`],
    /// [`Global`] or [`Tag`]; nothing is allocated then);
    /// `Error::Trap` when an active segment is out of bounds or the start function
    /// traps. Segments applied before the failure stay applied, as the spec says.
    /// `Error::Invoke` while a call of this store is suspended out of gas
    /// ([`Store::invoke_resumable`]); nothing is allocated then.
    pub fn instantiate(&mut self, module: &Module, imports: &[Extern]) -> Result<Instance, Error> {
        let addr =
            instantiate::instantiate(&mut self.inner, &mut self.data, module, imports, true)?;
        Ok(Instance::new(self.inner.id, addr))
    }

    /// [`Store::instantiate`] without running the start function: what a restore
    /// (SPEC.md §Snapshot) builds before it overwrites the instance's state.
    pub(crate) fn instantiate_without_start(
        &mut self,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance, Error> {
        let addr =
            instantiate::instantiate(&mut self.inner, &mut self.data, module, imports, false)?;
        Ok(Instance::new(self.inner.id, addr))
    }

    /// Invokes a function with `args` and returns its results (core §4.5.5); never
    /// panics. [`Func::call`] is the same call writing into a results slice.
    ///
    /// Host functions must fill their results with values of the function's result
    /// types, and references of this store: a host function that returns anything else
    /// traps with `TrapCode::HostError` (SPEC.md §Traps) at its call (`Error::Trap`
    /// when it was the invoked function).
    ///
    /// # Shapes
    /// `args.len() == ty.params().len()`, each of its parameter's type; the result has
    /// `ty.results().len()` values of the result types (`ty` is the function's type).
    ///
    /// # Errors
    /// `Error::Invoke` when `func` is a function of another store, for arguments that
    /// do not match the function's parameters in number or types, for a reference
    /// argument that is not of this store (a [`Func`] of another store, an exception
    /// the store does not hold), or while a call of this store is suspended out of gas
    /// ([`Store::invoke_resumable`]); nothing runs and no gas is charged then.
    /// `Error::Trap` when execution traps (gas, stack and every trap code).
    ///
    /// # Spec
    /// SPEC.md §Traps (`host_error`) and core §4.5.5 (invocation).
    pub fn invoke(&mut self, func: Func, args: &[Value]) -> Result<Vec<Value>, Error> {
        let addr = self.inner.func_addr(func)?;
        exec::invoke(&mut self.inner, &mut self.data, addr, args)
    }
}

impl<T> std::ops::Deref for Store<T> {
    type Target = StoreInner;
    fn deref(&self) -> &StoreInner {
        &self.inner
    }
}

impl<T> std::ops::DerefMut for Store<T> {
    fn deref_mut(&mut self) -> &mut StoreInner {
        &mut self.inner
    }
}
