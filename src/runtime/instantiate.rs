//! Instantiation (core §4.5.4): import matching, allocation of the module's
//! definitions, constant expression evaluation, active segments and the start
//! function. Constant expressions are evaluated with a heap stack, never recursion.

use super::{
    DataInst, ElemInst, Extern, FuncInst, FuncKind, Global, GlobalAddr, GlobalInst, InstanceAddr,
    InstanceInst, MemAddr, MemInst, Memory, StoreInner, Table, TableAddr, TableInst, Tag, TagAddr,
    TagInst,
};
use crate::error::{Error, LinkError};
use crate::exec::{self, Trap, TrapCode};
use crate::module::{ConstOp, ElemItems, ElemMode, ExternKind, Module};
use crate::value::{ExternType, Func, FuncAddr, TypeLimits};
use std::collections::BTreeMap;

fn limits_match(actual: &TypeLimits, expected: &TypeLimits) -> bool {
    if actual.min < expected.min {
        return false;
    }
    match (expected.max, actual.max) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(e), Some(a)) => a <= e,
    }
}

fn link_err(module: &str, name: &str, why: &str) -> Error {
    Error::Link(LinkError(format!("{module}.{name}: {why}")))
}

fn is_binary(op: &ConstOp) -> bool {
    !matches!(
        op,
        ConstOp::Const(_) | ConstOp::RefFunc(_) | ConstOp::GlobalGet(_)
    )
}

/// The value of an instruction that pushes without popping.
fn leaf(store: &StoreInner, funcs: &[u32], globals: &[u32], op: &ConstOp) -> Result<u64, Error> {
    match *op {
        ConstOp::Const(c) => Ok(c),
        ConstOp::RefFunc(i) => func_ref(funcs, i),
        ConstOp::GlobalGet(i) => {
            let a = globals
                .get(i as usize)
                .ok_or(Error::Internal("global.get index"))?;
            Ok(store
                .globals
                .get(*a as usize)
                .ok_or(Error::Internal("global address"))?
                .value)
        }
        _ => Err(Error::Internal("const op")),
    }
}

/// The slot of `ref.func i` (SPEC.md §Values: address plus 1).
fn func_ref(funcs: &[u32], i: u32) -> Result<u64, Error> {
    let a = funcs
        .get(i as usize)
        .ok_or(Error::Internal("ref.func index"))?;
    Ok(u64::from(*a) + 1)
}

/// Evaluates a constant expression against the instance being built.
pub(crate) fn eval_const(
    store: &StoreInner,
    funcs: &[u32],
    globals: &[u32],
    expr: &[ConstOp],
) -> Result<u64, Error> {
    // One instruction (nearly every expression): no stack.
    if let [op] = expr {
        if !is_binary(op) {
            return leaf(store, funcs, globals, op);
        }
    }
    let mut stack: Vec<u64> = Vec::with_capacity(4);
    for op in expr {
        let v = match *op {
            ConstOp::Const(_) | ConstOp::RefFunc(_) | ConstOp::GlobalGet(_) => {
                leaf(store, funcs, globals, op)?
            }
            bin => {
                let b = stack.pop().ok_or(Error::Internal("const stack"))?;
                let a = stack.pop().ok_or(Error::Internal("const stack"))?;
                let (a32, b32) = (a as u32, b as u32);
                match bin {
                    ConstOp::I32Add => u64::from(a32.wrapping_add(b32)),
                    ConstOp::I32Sub => u64::from(a32.wrapping_sub(b32)),
                    ConstOp::I32Mul => u64::from(a32.wrapping_mul(b32)),
                    ConstOp::I64Add => a.wrapping_add(b),
                    ConstOp::I64Sub => a.wrapping_sub(b),
                    ConstOp::I64Mul => a.wrapping_mul(b),
                    _ => return Err(Error::Internal("const op")),
                }
            }
        };
        stack.push(v);
    }
    stack
        .pop()
        .ok_or(Error::Internal("empty constant expression"))
}

/// Whether extern `ext` of `store` matches the import type `ty` (core §4.5.2 external
/// typing, with import subtyping of limits); `Err` gives the reason (`memory of another
/// store`, `unknown memory`, `incompatible import type`, ...). A handle of another
/// store is refused first, whatever this store holds at its address.
pub(super) fn import_matches(
    store: &StoreInner,
    ty: &ExternType,
    ext: &Extern,
) -> Result<(), &'static str> {
    const BAD: &str = "incompatible import type";
    let ok = match (ty, ext) {
        (ExternType::Func(ty), Extern::Func(func)) => {
            let a = store.own(*func).ok_or("function of another store")?;
            let f = store.funcs.get(a.0 as usize).ok_or("unknown function")?;
            store.types.get(f.ty as usize) == Some(ty)
        }
        (ExternType::Table(ty), Extern::Table(t)) => {
            let t = store.own(*t).ok_or("table of another store")?;
            let t = store.tables.get(t.0 as usize).ok_or("unknown table")?;
            let actual = TypeLimits {
                min: t.elems.len() as u32,
                max: t.ty.limits.max,
            };
            t.ty.elem == ty.elem && limits_match(&actual, &ty.limits)
        }
        (ExternType::Memory(ty), Extern::Memory(m)) => {
            let m = store.own(*m).ok_or("memory of another store")?;
            let mem = store.memories.get(m.0 as usize).ok_or("unknown memory")?;
            let actual = TypeLimits {
                min: (mem.data.len() / exec::PAGE_SIZE) as u32,
                max: mem.ty.limits.max,
            };
            limits_match(&actual, &ty.limits)
        }
        (ExternType::Global(ty), Extern::Global(g)) => {
            let g = store.own(*g).ok_or("global of another store")?;
            let g = store.globals.get(g.0 as usize).ok_or("unknown global")?;
            g.ty == *ty
        }
        (ExternType::Tag(ty), Extern::Tag(t)) => {
            let t = store.own(*t).ok_or("tag of another store")?;
            let t = store.tags.get(t.0 as usize).ok_or("unknown tag")?;
            store.types.get(t.ty as usize) == Some(ty)
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(BAD)
    }
}

pub(super) fn instantiate(
    store: &mut StoreInner,
    data: &mut dyn std::any::Any,
    module: &Module,
    imports: &[Extern],
    run_start: bool,
) -> Result<InstanceAddr, Error> {
    if store.suspended.is_some() {
        return Err(Error::Invoke(crate::exec::suspend::BUSY.to_string()));
    }
    let m = &module.inner;
    // A module translated without gas charges (or with fused ops, or under other
    // limits) must not run in a store that promises them (SPEC.md §Gas).
    if let Some(what) = m
        .translation
        .first_difference(&store.engine.config().translation_key())
    {
        return Err(Error::ConfigMismatch(what));
    }
    if imports.len() != m.imports.len() {
        return Err(Error::Link(LinkError(format!(
            "expected {} imports, got {}",
            m.imports.len(),
            imports.len()
        ))));
    }
    // Import matching (core §4.5.4 step 4, external typing §4.5.2), before the store
    // changes at all: a mismatched import, or an extern of another store, leaves it
    // as it was.
    for (imp, ext) in m.imports.iter().zip(imports) {
        import_matches(store, &imp.ty, ext).map_err(|why| link_err(&imp.module, &imp.name, why))?;
    }
    let types: Vec<u32> = m.types.iter().map(|t| store.intern_type(t)).collect();
    let mut inst = InstanceInst {
        module: module.clone(),
        types,
        funcs: Vec::new(),
        tables: Vec::new(),
        mems: Vec::new(),
        globals: Vec::new(),
        tags: Vec::new(),
        elems: Vec::new(),
        datas: Vec::new(),
        exports: BTreeMap::new(),
    };
    // The imports' addresses, matched above.
    for ext in imports {
        match *ext {
            Extern::Func(f) => inst.funcs.push(f.addr().0),
            Extern::Table(t) => inst.tables.push(t.addr().0),
            Extern::Memory(m) => inst.mems.push(m.addr().0),
            Extern::Global(g) => inst.globals.push(g.addr().0),
            Extern::Tag(t) => inst.tags.push(t.addr().0),
        }
    }
    let inst_idx = store.instances.len() as u32;
    // Every list's final length is known: reserve exactly, never by doubling.
    inst.funcs.reserve_exact(m.funcs.len());
    store.funcs.reserve_exact(m.funcs.len());
    inst.globals.reserve_exact(m.globals.len());
    store.globals.reserve_exact(m.globals.len());
    inst.tables.reserve_exact(m.tables.len());
    inst.elems.reserve_exact(m.elems.len());
    store.elems.reserve_exact(m.elems.len());
    inst.datas.reserve_exact(m.datas.len());
    store.datas.reserve_exact(m.datas.len());
    // Functions.
    for (i, code) in m.funcs.iter().enumerate() {
        let ty_idx = m.func_types[m.num_imported_funcs as usize + i];
        let ty = inst.types[ty_idx as usize];
        inst.funcs.push(store.funcs.len() as u32);
        store.funcs.push(FuncInst {
            ty,
            kind: FuncKind::Wasm {
                instance: inst_idx,
                code: code.clone(),
            },
        });
    }
    // Globals, in order; each may read imported and earlier globals.
    for (ty, init) in &m.globals {
        let value = eval_const(store, &inst.funcs, &inst.globals, init.ops())?;
        inst.globals.push(store.globals.len() as u32);
        store.globals.push(GlobalInst { ty: *ty, value });
    }
    let limits = store.engine.config().limits.clone();
    for (ty, init) in &m.tables {
        let v = match init {
            Some(e) => eval_const(store, &inst.funcs, &inst.globals, e.ops())?,
            None => 0,
        };
        if ty.limits.min > limits.max_table_elements {
            return Err(Error::Limit(
                "table minimum above max_table_elements".into(),
            ));
        }
        inst.tables.push(store.tables.len() as u32);
        store.tables.push(TableInst {
            ty: *ty,
            elems: vec![v; ty.limits.min as usize],
        });
    }
    for ty in &m.memories {
        if ty.limits.min > limits.max_memory_pages {
            return Err(Error::Limit("memory minimum above max_memory_pages".into()));
        }
        inst.mems.push(store.memories.len() as u32);
        store.memories.push(MemInst {
            ty: *ty,
            data: vec![0; ty.limits.min as usize * exec::PAGE_SIZE],
        });
    }
    for ty in &m.tags {
        inst.tags.push(store.tags.len() as u32);
        store.tags.push(TagInst {
            ty: inst.types[*ty as usize],
        });
    }
    for e in &m.elems {
        let mut items = Vec::with_capacity(e.items.len());
        match &e.items {
            ElemItems::Funcs(fs) => {
                for f in fs.iter() {
                    items.push(func_ref(&inst.funcs, *f)?);
                }
            }
            ElemItems::Exprs(xs) => {
                for x in xs.iter() {
                    items.push(eval_const(store, &inst.funcs, &inst.globals, x.ops())?);
                }
            }
        }
        inst.elems.push(store.elems.len() as u32);
        store.elems.push(ElemInst { items });
    }
    for d in &m.datas {
        inst.datas.push(store.datas.len() as u32);
        store.datas.push(DataInst {
            bytes: d.bytes.clone(),
            dropped: false,
        });
    }
    for e in &m.exports {
        let list = match e.kind {
            ExternKind::Func => &inst.funcs,
            ExternKind::Table => &inst.tables,
            ExternKind::Memory => &inst.mems,
            ExternKind::Global => &inst.globals,
            ExternKind::Tag => &inst.tags,
        };
        let a = *list
            .get(e.index as usize)
            .ok_or(Error::Internal("export index"))?;
        let ext = match e.kind {
            ExternKind::Func => Extern::Func(Func::new(store.id, FuncAddr(a))),
            ExternKind::Table => Extern::Table(Table::new(store.id, TableAddr(a))),
            ExternKind::Memory => Extern::Memory(Memory::new(store.id, MemAddr(a))),
            ExternKind::Global => Extern::Global(Global::new(store.id, GlobalAddr(a))),
            ExternKind::Tag => Extern::Tag(Tag::new(store.id, TagAddr(a))),
        };
        inst.exports.insert(e.name.clone(), ext);
    }
    // Segments are applied with the instance's lists borrowed (no copies), and the
    // instance is kept in the store even when a segment traps.
    let segments = apply_segments(store, m, &inst);
    store.instances.push(inst);
    let addr = InstanceAddr(inst_idx);
    segments?;
    if let Some(start) = m.start.filter(|_| run_start) {
        let f = *store
            .instances
            .get(inst_idx as usize)
            .and_then(|i| i.funcs.get(start as usize))
            .ok_or(Error::Internal("start index"))?;
        exec::invoke(store, data, FuncAddr(f), &[])?;
    }
    Ok(addr)
}

/// Applies the active element and data segments and drops the declarative ones
/// (core §4.5.4 steps 14-16), given the new instance's address lists.
fn apply_segments(
    store: &mut StoreInner,
    m: &crate::module::ModuleInner,
    inst: &InstanceInst,
) -> Result<(), Error> {
    let (funcs, globals) = (&inst.funcs, &inst.globals);
    // Active and declarative element segments, in order (core §4.5.4 steps 14-15).
    for (i, e) in m.elems.iter().enumerate() {
        let ea = inst.elems[i] as usize;
        match &e.mode {
            ElemMode::Passive => {}
            ElemMode::Declared => store.elems[ea].items = Vec::new(),
            ElemMode::Active { table, offset } => {
                let off = eval_const(store, funcs, globals, offset.ops())? as u32;
                let ta = *inst
                    .tables
                    .get(*table as usize)
                    .ok_or(Error::Internal("elem table index"))? as usize;
                let n = store.elems[ea].items.len();
                let end = u64::from(off) + n as u64;
                if end > store.tables[ta].elems.len() as u64 {
                    return Err(Error::Trap(Trap::new(TrapCode::TableOutOfBounds)));
                }
                let items = std::mem::take(&mut store.elems[ea].items);
                store.tables[ta].elems[off as usize..end as usize].copy_from_slice(&items);
            }
        }
    }
    for (i, d) in m.datas.iter().enumerate() {
        let da = inst.datas[i] as usize;
        if let Some(offset) = &d.active {
            let off = eval_const(store, funcs, globals, offset.ops())? as u32;
            let ma = *inst.mems.first().ok_or(Error::Internal("data memory"))? as usize;
            let n = d.bytes.len();
            let end = u64::from(off) + n as u64;
            if end > store.memories[ma].data.len() as u64 {
                return Err(Error::Trap(Trap::new(TrapCode::MemoryOutOfBounds)));
            }
            store.memories[ma].data[off as usize..end as usize].copy_from_slice(&d.bytes);
            store.datas[da].dropped = true;
        }
    }
    Ok(())
}
