//! The reference meter's store (core §4.2): functions, tables, memories, globals, tags,
//! element and data segments, exceptions and instances, addressed store-wide in
//! allocation order, plus the gas counter and the stack limits of SPEC.md §Stack.
//! Instantiation follows core §4.5.4: allocate, apply active element segments then
//! active data segments in module order (a segment out of bounds traps and those before
//! it stay applied), then run the start function. An optional undo journal records
//! every mutation so a dry run can be rolled back. References are slots per SPEC.md
//! §Values: 0 for null, else address + 1. Depends on the sibling modules.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use wasmparser::{ExternalKind, Operator};

use super::module::{Code, ConstExpr, ImportKind, RModule, SegMode};
use super::replay_host::ReplayHost;
use super::{FnTy, Trap, VT};

/// Bytes per memory page.
pub const PAGE: u64 = 65536;

/// A host function: `Nop` is a `spectest` print function (does nothing, costs
/// nothing); `Replay(i)` is import `i` of [`Store::replay`], answered from a recorded
/// trace (`replay_host`).
#[derive(Clone, Copy, Debug)]
pub enum Host {
    Nop,
    Replay(usize),
}

/// Where the last trap of [`super::exec::invoke`] happened: the activation's instance
/// and function address, and the byte offset of the trapping instruction in the module
/// binary (for a trap inside a host call, the calling instruction).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrapSite {
    pub inst: usize,
    pub func: usize,
    pub offset: u32,
}

/// What a function address holds.
#[derive(Clone, Debug)]
pub enum FuncKind {
    Wasm { inst: usize, code: Rc<Code> },
    Host(Host),
}

#[derive(Clone, Debug)]
pub struct FuncInst {
    pub ty: FnTy,
    pub kind: FuncKind,
}

#[derive(Clone, Debug)]
pub struct TableInst {
    pub elem: VT,
    pub max: u64,
    pub elems: Vec<u64>,
}

#[derive(Clone, Debug)]
pub struct MemInst {
    /// Maximum size in pages: the smaller of the declared maximum (65536 when none)
    /// and `max_memory_pages`.
    pub max_pages: u64,
    pub data: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct GlobalInst {
    pub ty: VT,
    pub value: u64,
}

#[derive(Clone, Debug)]
pub struct Exn {
    pub tag: usize,
    pub payload: Vec<u64>,
}

/// An instance: the store addresses of its index spaces, and its exports.
#[derive(Clone, Debug)]
pub struct Instance {
    pub module: Rc<RModule>,
    pub funcs: Vec<usize>,
    pub tables: Vec<usize>,
    pub mems: Vec<usize>,
    pub globals: Vec<usize>,
    pub tags: Vec<usize>,
    pub elems: Vec<usize>,
    pub datas: Vec<usize>,
    pub exports: Vec<(String, RExtern)>,
}

/// An external value.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RExtern {
    Func(usize),
    Table(usize),
    Memory(usize),
    Global(usize),
    Tag(usize),
}

/// One recorded mutation, undone in reverse order.
#[derive(Debug)]
pub enum Undo {
    Mem {
        mem: usize,
        at: usize,
        old: Vec<u8>,
    },
    MemSize {
        mem: usize,
        len: usize,
    },
    Global {
        global: usize,
        old: u64,
    },
    TableRange {
        table: usize,
        at: usize,
        old: Vec<u64>,
    },
    TableSize {
        table: usize,
        len: usize,
    },
    Elem {
        elem: usize,
        old: Vec<u64>,
    },
    Data {
        data: usize,
        old: Vec<u8>,
    },
    /// Exception `addr` was created (it was the next address).
    ExnCreated {
        addr: usize,
    },
    /// Exception `addr` was removed.
    ExnRemoved {
        addr: usize,
        exn: Exn,
    },
    /// Exception `addr` was handed out of the store.
    ExnPinned {
        addr: usize,
    },
}

/// The whole reference state.
#[derive(Debug)]
pub struct Store {
    pub funcs: Vec<FuncInst>,
    pub tables: Vec<TableInst>,
    pub mems: Vec<MemInst>,
    pub globals: Vec<GlobalInst>,
    /// Payload types of each tag.
    pub tags: Vec<FnTy>,
    pub elems: Vec<Vec<u64>>,
    pub datas: Vec<Vec<u8>>,
    /// The exceptions the store holds (SPEC.md §Exceptions), by address; its length is
    /// the store's count of held exceptions.
    pub exns: BTreeMap<usize, Exn>,
    /// The address of the next exception created: the number created so far.
    pub next_exn: usize,
    /// Exceptions handed out of the store (invocation results, host function
    /// arguments): reachable for the rest of the store's life.
    pub pinned: BTreeSet<usize>,
    /// SPEC.md §Exceptions' `max_live_exceptions` (default 2048).
    pub max_live_exceptions: u64,
    pub instances: Vec<Instance>,
    pub gas_limit: u64,
    pub gas_remaining: u64,
    pub max_call_depth: u64,
    pub max_stack_height: u64,
    pub max_memory_pages: u64,
    pub max_table_elements: u64,
    /// When `Some`, every mutation is recorded here.
    pub journal: Option<Vec<Undo>>,
    /// Memories and tables written since the last [`Store::clear_dirty`].
    pub dirty_mems: BTreeSet<usize>,
    pub dirty_tables: BTreeSet<usize>,
    /// Whether anything changed since the last [`Store::clear_dirty`], the held
    /// exceptions included (their count decides when a later `throw` collects).
    pub mutated: bool,
    /// The recorded host calls that answer `Host::Replay` functions, if any.
    pub replay: Option<Box<ReplayHost>>,
    /// Where the last invocation trapped, when it trapped inside a function.
    pub trap_site: Option<TrapSite>,
}

impl Store {
    /// An empty store with SPEC.md's default limits: call depth 10000, stack height
    /// 4000000, 16384 memory pages, 10000000 table elements.
    pub fn new() -> Store {
        Store {
            funcs: Vec::new(),
            tables: Vec::new(),
            mems: Vec::new(),
            globals: Vec::new(),
            tags: Vec::new(),
            elems: Vec::new(),
            datas: Vec::new(),
            exns: BTreeMap::new(),
            next_exn: 0,
            pinned: BTreeSet::new(),
            max_live_exceptions: 2048,
            instances: Vec::new(),
            gas_limit: u64::MAX,
            gas_remaining: u64::MAX,
            max_call_depth: 10_000,
            max_stack_height: 4_000_000,
            max_memory_pages: 16_384,
            max_table_elements: 10_000_000,
            journal: None,
            dirty_mems: BTreeSet::new(),
            dirty_tables: BTreeSet::new(),
            mutated: false,
            replay: None,
            trap_site: None,
        }
    }

    /// Sets the limit and resets gas used to 0.
    pub fn set_gas_limit(&mut self, limit: u64) {
        self.gas_limit = limit;
        self.gas_remaining = limit;
    }

    pub fn gas_used(&self) -> u64 {
        self.gas_limit - self.gas_remaining
    }

    /// Charges `cost`, all or nothing.
    pub fn charge(&mut self, cost: u64) -> Result<(), Trap> {
        if self.gas_remaining < cost {
            return Err(Trap::OUT_OF_GAS);
        }
        self.gas_remaining -= cost;
        Ok(())
    }

    pub fn clear_dirty(&mut self) {
        self.dirty_mems.clear();
        self.dirty_tables.clear();
        self.mutated = false;
    }

    /// Starts recording mutations.
    pub fn begin_journal(&mut self) {
        self.journal = Some(Vec::new());
    }

    /// Stops recording and undoes every recorded change, the store's exceptions
    /// included (their count decides when a later `throw` collects).
    pub fn rollback(&mut self) {
        let Some(journal) = self.journal.take() else {
            return;
        };
        for undo in journal.into_iter().rev() {
            match undo {
                Undo::Mem { mem, at, old } => {
                    self.mems[mem].data[at..at + old.len()].copy_from_slice(&old)
                }
                Undo::MemSize { mem, len } => self.mems[mem].data.truncate(len),
                Undo::Global { global, old } => self.globals[global].value = old,
                Undo::TableRange { table, at, old } => {
                    self.tables[table].elems[at..at + old.len()].copy_from_slice(&old)
                }
                Undo::TableSize { table, len } => self.tables[table].elems.truncate(len),
                Undo::Elem { elem, old } => self.elems[elem] = old,
                Undo::Data { data, old } => self.datas[data] = old,
                Undo::ExnCreated { addr } => {
                    self.exns.remove(&addr);
                    self.next_exn = addr;
                }
                Undo::ExnRemoved { addr, exn } => {
                    self.exns.insert(addr, exn);
                }
                Undo::ExnPinned { addr } => {
                    self.pinned.remove(&addr);
                }
            }
        }
    }

    fn record(&mut self, undo: impl FnOnce(&Store) -> Undo) {
        self.mutated = true;
        if self.journal.is_some() {
            let u = undo(self);
            if let Some(j) = self.journal.as_mut() {
                j.push(u);
            }
        }
    }

    /// Creates an exception; returns its address.
    pub fn exn_create(&mut self, exn: Exn) -> usize {
        let addr = self.next_exn;
        self.record(|_| Undo::ExnCreated { addr });
        self.next_exn += 1;
        self.exns.insert(addr, exn);
        addr
    }

    /// Removes exception `addr`.
    pub fn exn_remove(&mut self, addr: usize) {
        if let Some(exn) = self.exns.remove(&addr) {
            self.record(move |_| Undo::ExnRemoved { addr, exn });
        }
    }

    /// Hands the exception of reference slot `slot` (if not null) out of the store.
    pub fn exn_pin(&mut self, slot: u64) {
        if slot != 0 && self.pinned.insert(slot as usize - 1) {
            self.record(|_| Undo::ExnPinned {
                addr: slot as usize - 1,
            });
        }
    }

    /// Writes `bytes` at `at` in memory `mem` (bounds already checked).
    pub fn mem_write(&mut self, mem: usize, at: usize, bytes: &[u8]) {
        self.dirty_mems.insert(mem);
        self.record(|s| Undo::Mem {
            mem,
            at,
            old: s.mems[mem].data[at..at + bytes.len()].to_vec(),
        });
        self.mems[mem].data[at..at + bytes.len()].copy_from_slice(bytes);
    }

    /// Grows memory `mem` to `len` bytes.
    pub fn mem_resize(&mut self, mem: usize, len: usize) {
        self.dirty_mems.insert(mem);
        self.record(|s| Undo::MemSize {
            mem,
            len: s.mems[mem].data.len(),
        });
        self.mems[mem].data.resize(len, 0);
    }

    pub fn global_write(&mut self, global: usize, value: u64) {
        self.record(|s| Undo::Global {
            global,
            old: s.globals[global].value,
        });
        self.globals[global].value = value;
    }

    /// Writes `items` at `at` in table `table` (bounds already checked).
    pub fn table_write(&mut self, table: usize, at: usize, items: &[u64]) {
        self.dirty_tables.insert(table);
        self.record(|s| Undo::TableRange {
            table,
            at,
            old: s.tables[table].elems[at..at + items.len()].to_vec(),
        });
        self.tables[table].elems[at..at + items.len()].copy_from_slice(items);
    }

    /// Grows table `table` to `len` elements, new ones set to `init`.
    pub fn table_resize(&mut self, table: usize, len: usize, init: u64) {
        self.dirty_tables.insert(table);
        self.record(|s| Undo::TableSize {
            table,
            len: s.tables[table].elems.len(),
        });
        self.tables[table].elems.resize(len, init);
    }

    pub fn elem_drop(&mut self, elem: usize) {
        self.record(|s| Undo::Elem {
            elem,
            old: s.elems[elem].clone(),
        });
        self.elems[elem] = Vec::new();
    }

    pub fn data_drop(&mut self, data: usize) {
        self.record(|s| Undo::Data {
            data,
            old: s.datas[data].clone(),
        });
        self.datas[data] = Vec::new();
    }

    pub fn alloc_host_func(&mut self, ty: FnTy, host: Host) -> usize {
        self.funcs.push(FuncInst {
            ty,
            kind: FuncKind::Host(host),
        });
        self.funcs.len() - 1
    }

    pub fn alloc_table(&mut self, elem: VT, min: u64, max: Option<u64>, init: u64) -> usize {
        let max = max
            .unwrap_or(u64::from(u32::MAX))
            .min(self.max_table_elements);
        self.tables.push(TableInst {
            elem,
            max,
            elems: vec![init; min as usize],
        });
        self.tables.len() - 1
    }

    pub fn alloc_memory(&mut self, min: u64, max: Option<u64>) -> usize {
        let max_pages = max.unwrap_or(65536).min(self.max_memory_pages);
        self.mems.push(MemInst {
            max_pages,
            data: vec![0; (min * PAGE) as usize],
        });
        self.mems.len() - 1
    }

    pub fn alloc_global(&mut self, ty: VT, value: u64) -> usize {
        self.globals.push(GlobalInst { ty, value });
        self.globals.len() - 1
    }

    /// Evaluates a constant expression in the context of instance `inst` (whose
    /// globals and functions so far are allocated).
    pub fn eval_const(&self, inst: &Instance, expr: &ConstExpr) -> u64 {
        let mut stack: Vec<u64> = Vec::new();
        for op in expr {
            let v = match *op {
                Operator::I32Const { value } => u64::from(value as u32),
                Operator::I64Const { value } => value as u64,
                Operator::F32Const { value } => u64::from(value.bits()),
                Operator::F64Const { value } => value.bits(),
                Operator::RefNull { .. } => 0,
                Operator::RefFunc { function_index } => {
                    inst.funcs[function_index as usize] as u64 + 1
                }
                Operator::GlobalGet { global_index } => {
                    self.globals[inst.globals[global_index as usize]].value
                }
                Operator::I32Add | Operator::I32Sub | Operator::I32Mul => {
                    let b = stack.pop().expect("const operand") as u32;
                    let a = stack.pop().expect("const operand") as u32;
                    u64::from(match op {
                        Operator::I32Add => a.wrapping_add(b),
                        Operator::I32Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    })
                }
                Operator::I64Add | Operator::I64Sub | Operator::I64Mul => {
                    let b = stack.pop().expect("const operand");
                    let a = stack.pop().expect("const operand");
                    match op {
                        Operator::I64Add => a.wrapping_add(b),
                        Operator::I64Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    }
                }
                ref other => panic!("not a constant instruction: {other:?}"),
            };
            stack.push(v);
        }
        stack.pop().expect("constant expression value")
    }

    /// Instantiates `module` with `imports` in its import order (already type-checked
    /// by detwasm's linker). Returns the instance address, or the trap of a segment or
    /// of the start function together with the instance address (it stays allocated).
    pub fn instantiate(
        &mut self,
        module: Rc<RModule>,
        imports: &[RExtern],
    ) -> Result<usize, (Trap, usize)> {
        let mut inst = Instance {
            module: Rc::clone(&module),
            funcs: Vec::new(),
            tables: Vec::new(),
            mems: Vec::new(),
            globals: Vec::new(),
            tags: Vec::new(),
            elems: Vec::new(),
            datas: Vec::new(),
            exports: Vec::new(),
        };
        for ((_, _, kind), ext) in module.imports.iter().zip(imports) {
            match (kind, *ext) {
                (ImportKind::Func(_), RExtern::Func(a)) => inst.funcs.push(a),
                (ImportKind::Table, RExtern::Table(a)) => inst.tables.push(a),
                (ImportKind::Memory, RExtern::Memory(a)) => inst.mems.push(a),
                (ImportKind::Global, RExtern::Global(a)) => inst.globals.push(a),
                (ImportKind::Tag, RExtern::Tag(a)) => inst.tags.push(a),
                (k, e) => panic!("import kind mismatch: {k:?} given {e:?}"),
            }
        }
        let inst_addr = self.instances.len();
        for (i, &t) in module.funcs.iter().enumerate() {
            self.funcs.push(FuncInst {
                ty: module.types[t as usize].clone(),
                kind: FuncKind::Wasm {
                    inst: inst_addr,
                    code: Rc::clone(&module.codes[i]),
                },
            });
            inst.funcs.push(self.funcs.len() - 1);
        }
        for g in &module.globals {
            let v = self.eval_const(&inst, &g.init);
            inst.globals.push(self.alloc_global(g.ty, v));
        }
        for t in &module.tables {
            let init = t.init.as_ref().map_or(0, |e| self.eval_const(&inst, e));
            inst.tables
                .push(self.alloc_table(t.elem, t.min, t.max, init));
        }
        for m in &module.mems {
            inst.mems.push(self.alloc_memory(m.min, m.max));
        }
        for &t in &module.tags {
            self.tags.push(module.types[t as usize].clone());
            inst.tags.push(self.tags.len() - 1);
        }
        for e in &module.elems {
            let items = e.items.iter().map(|x| self.eval_const(&inst, x)).collect();
            self.elems.push(items);
            inst.elems.push(self.elems.len() - 1);
        }
        for d in &module.datas {
            self.datas.push(d.bytes.clone());
            inst.datas.push(self.datas.len() - 1);
        }
        for (name, kind, index) in &module.exports {
            let i = *index as usize;
            let ext = match kind {
                ExternalKind::Func | ExternalKind::FuncExact => RExtern::Func(inst.funcs[i]),
                ExternalKind::Table => RExtern::Table(inst.tables[i]),
                ExternalKind::Memory => RExtern::Memory(inst.mems[i]),
                ExternalKind::Global => RExtern::Global(inst.globals[i]),
                ExternalKind::Tag => RExtern::Tag(inst.tags[i]),
            };
            inst.exports.push((name.clone(), ext));
        }
        self.instances.push(inst);
        self.init_segments(inst_addr).map_err(|t| (t, inst_addr))?;
        if let Some(start) = module.start {
            let f = self.instances[inst_addr].funcs[start as usize];
            super::exec::invoke(self, f, &[]).map_err(|t| (t, inst_addr))?;
        }
        Ok(inst_addr)
    }

    /// Applies active element segments, then active data segments, in module order
    /// (`table.init`/`memory.init` followed by a drop); drops declared element segments.
    fn init_segments(&mut self, inst_addr: usize) -> Result<(), Trap> {
        let inst = self.instances[inst_addr].clone();
        for (i, e) in inst.module.elems.iter().enumerate() {
            let elem = inst.elems[i];
            match &e.mode {
                SegMode::Active { index, offset } => {
                    let table = inst.tables[*index as usize];
                    let d = self.eval_const(&inst, offset) as u32 as u64;
                    let n = self.elems[elem].len() as u64;
                    if d + n > self.tables[table].elems.len() as u64 {
                        return Err(Trap::TABLE_OOB);
                    }
                    let items = self.elems[elem].clone();
                    self.table_write(table, d as usize, &items);
                    self.elem_drop(elem);
                }
                SegMode::Declared => self.elem_drop(elem),
                SegMode::Passive => {}
            }
        }
        for (i, d) in inst.module.datas.iter().enumerate() {
            let data = inst.datas[i];
            if let SegMode::Active { index, offset } = &d.mode {
                let mem = inst.mems[*index as usize];
                let at = self.eval_const(&inst, offset) as u32 as u64;
                let bytes = self.datas[data].clone();
                if at + bytes.len() as u64 > self.mems[mem].data.len() as u64 {
                    return Err(Trap::MEMORY_OOB);
                }
                self.mem_write(mem, at as usize, &bytes);
                self.data_drop(data);
            }
        }
        Ok(())
    }

    /// The export `name` of instance `inst`.
    pub fn export(&self, inst: usize, name: &str) -> Option<RExtern> {
        self.instances[inst]
            .exports
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, e)| *e)
    }
}
