//! Digests a trace records instead of data (SPEC.md §Trace, digests): the gas and host
//! schedule listings, the preopened trees, and an instance's memories, globals and
//! tables. Each is SHA-256 over a canonical byte stream defined in SPEC.md, so another
//! implementation can compute the same value. Depends on `gas`, `wasi` (schedule
//! constants and trees), `runtime` (the store's instance state) and sha2.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use wasmparser::{BlockType, Ieee32, Ieee64, MemArg, MemArgTarget, Operator};

use super::codec::Digest32;
use super::event::{valtype_byte, TraceValue};
use crate::gas::{self, CostClass};
use crate::runtime::{InstanceAddr, StoreInner};
use crate::value::FuncAddr;
use crate::wasi::fs::Dir;

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> Digest32 {
    Sha256::digest(data).into()
}

fn class_name(c: CostClass) -> &'static str {
    match c {
        CostClass::Structural => "structural",
        CostClass::Simple => "simple",
        CostClass::IntAlu => "integer",
        CostClass::IntDiv => "integer_division",
        CostClass::Float => "float",
        CostClass::FloatDiv => "float_division",
        CostClass::Memory => "memory",
        CostClass::Branch => "branch",
        CostClass::Call => "call",
        CostClass::CallIndirect => "indirect_call",
        CostClass::Access => "access",
        CostClass::Bulk => "bulk",
        CostClass::Throw => "throw",
    }
}

const CLASSES: [CostClass; 13] = [
    CostClass::Structural,
    CostClass::Simple,
    CostClass::IntAlu,
    CostClass::IntDiv,
    CostClass::Float,
    CostClass::FloatDiv,
    CostClass::Memory,
    CostClass::Branch,
    CostClass::Call,
    CostClass::CallIndirect,
    CostClass::Access,
    CostClass::Bulk,
    CostClass::Throw,
];

macro_rules! plain_ops {
    ($($op:ident)*) => { vec![$(Operator::$op),*] };
}

/// One operator of every form the schedule lists, in listing order.
fn listed_operators() -> Vec<Operator<'static>> {
    let m = MemArg {
        align: 0,
        max_align: 0,
        offset: 0,
        target: MemArgTarget::Memory(0),
        ordering: None,
    };
    let e = BlockType::Empty;
    let mut ops = vec![
        Operator::Block { blockty: e },
        Operator::Loop { blockty: e },
        Operator::If { blockty: e },
        Operator::Br { relative_depth: 0 },
        Operator::BrIf { relative_depth: 0 },
        Operator::Call { function_index: 0 },
        Operator::ReturnCall { function_index: 0 },
        Operator::CallIndirect {
            type_index: 0,
            table_index: 0,
        },
        Operator::ReturnCallIndirect {
            type_index: 0,
            table_index: 0,
        },
        Operator::Throw { tag_index: 0 },
        Operator::LocalGet { local_index: 0 },
        Operator::LocalSet { local_index: 0 },
        Operator::LocalTee { local_index: 0 },
        Operator::GlobalGet { global_index: 0 },
        Operator::GlobalSet { global_index: 0 },
        Operator::I32Const { value: 0 },
        Operator::I64Const { value: 0 },
        Operator::F32Const {
            value: Ieee32::from(0.0f32),
        },
        Operator::F64Const {
            value: Ieee64::from(0.0f64),
        },
        Operator::TypedSelect {
            ty: wasmparser::ValType::I32,
        },
        Operator::RefFunc { function_index: 0 },
        Operator::I32Load { memarg: m },
        Operator::I64Load { memarg: m },
        Operator::F32Load { memarg: m },
        Operator::F64Load { memarg: m },
        Operator::I32Load8S { memarg: m },
        Operator::I32Load8U { memarg: m },
        Operator::I32Load16S { memarg: m },
        Operator::I32Load16U { memarg: m },
        Operator::I64Load8S { memarg: m },
        Operator::I64Load8U { memarg: m },
        Operator::I64Load16S { memarg: m },
        Operator::I64Load16U { memarg: m },
        Operator::I64Load32S { memarg: m },
        Operator::I64Load32U { memarg: m },
        Operator::I32Store { memarg: m },
        Operator::I64Store { memarg: m },
        Operator::F32Store { memarg: m },
        Operator::F64Store { memarg: m },
        Operator::I32Store8 { memarg: m },
        Operator::I32Store16 { memarg: m },
        Operator::I64Store8 { memarg: m },
        Operator::I64Store16 { memarg: m },
        Operator::I64Store32 { memarg: m },
        Operator::MemorySize { mem: 0 },
        Operator::MemoryGrow { mem: 0 },
        Operator::MemoryFill { mem: 0 },
        Operator::MemoryCopy {
            dst_mem: 0,
            src_mem: 0,
        },
        Operator::MemoryInit {
            data_index: 0,
            mem: 0,
        },
        Operator::DataDrop { data_index: 0 },
        Operator::TableGet { table: 0 },
        Operator::TableSet { table: 0 },
        Operator::TableSize { table: 0 },
        Operator::TableGrow { table: 0 },
        Operator::TableFill { table: 0 },
        Operator::TableCopy {
            dst_table: 0,
            src_table: 0,
        },
        Operator::TableInit {
            elem_index: 0,
            table: 0,
        },
        Operator::ElemDrop { elem_index: 0 },
    ];
    ops.extend(plain_ops![
        End Else Nop Unreachable Return ThrowRef Drop Select RefIsNull
        I32Eqz I32Eq I32Ne I32LtS I32LtU I32GtS I32GtU I32LeS I32LeU I32GeS I32GeU
        I64Eqz I64Eq I64Ne I64LtS I64LtU I64GtS I64GtU I64LeS I64LeU I64GeS I64GeU
        F32Eq F32Ne F32Lt F32Gt F32Le F32Ge F64Eq F64Ne F64Lt F64Gt F64Le F64Ge
        I32Clz I32Ctz I32Popcnt I32Add I32Sub I32Mul I32DivS I32DivU I32RemS I32RemU
        I32And I32Or I32Xor I32Shl I32ShrS I32ShrU I32Rotl I32Rotr
        I64Clz I64Ctz I64Popcnt I64Add I64Sub I64Mul I64DivS I64DivU I64RemS I64RemU
        I64And I64Or I64Xor I64Shl I64ShrS I64ShrU I64Rotl I64Rotr
        F32Abs F32Neg F32Ceil F32Floor F32Trunc F32Nearest F32Sqrt F32Add F32Sub F32Mul
        F32Div F32Min F32Max F32Copysign
        F64Abs F64Neg F64Ceil F64Floor F64Trunc F64Nearest F64Sqrt F64Add F64Sub F64Mul
        F64Div F64Min F64Max F64Copysign
        I32WrapI64 I32TruncF32S I32TruncF32U I32TruncF64S I32TruncF64U
        I64ExtendI32S I64ExtendI32U I64TruncF32S I64TruncF32U I64TruncF64S I64TruncF64U
        F32ConvertI32S F32ConvertI32U F32ConvertI64S F32ConvertI64U F32DemoteF64
        F64ConvertI32S F64ConvertI32U F64ConvertI64S F64ConvertI64U F64PromoteF32
        I32ReinterpretF32 I64ReinterpretF64 F32ReinterpretI32 F64ReinterpretI64
        I32Extend8S I32Extend16S I64Extend8S I64Extend16S I64Extend32S
        I32TruncSatF32S I32TruncSatF32U I32TruncSatF64S I32TruncSatF64U
        I64TruncSatF32S I64TruncSatF32U I64TruncSatF64S I64TruncSatF64U
    ]);
    ops
}

/// The operator's variant name in wasmparser (its `Debug` form up to the first space).
fn operator_name(op: &Operator<'_>) -> String {
    let dbg = format!("{op:?}");
    dbg.split([' ', '{', '(']).next().unwrap_or("").to_string()
}

/// The gas schedule listing (SPEC.md §Trace, schedule digests): a header line, one
/// `class NAME COST` line per cost class, one `op NAME COST` line per listed operator
/// (wasmparser's variant name, base cost from [`gas::base_cost`]), and the dynamic
/// costs; every line ends with `\n`.
pub fn gas_schedule_listing() -> String {
    schedule_text(
        &format!("detwasm gas schedule {}", gas::SCHEDULE_VERSION),
        &|op| gas::base_cost(op).to_string(),
    )
}

/// The schedule's lines after `first`: the classes, one `op NAME X` line per listed
/// operator with `X = op_value(op)`, then the dynamic costs. The listing uses the base
/// cost for `X`; SPEC.md's `gas-schedule` block the class name.
fn schedule_text(first: &str, op_value: &dyn Fn(&Operator<'_>) -> String) -> String {
    let mut s = format!("{first}\n");
    for c in CLASSES {
        s.push_str(&format!("class {} {}\n", class_name(c), c.cost()));
    }
    for op in listed_operators() {
        s.push_str(&format!("op {} {}\n", operator_name(&op), op_value(&op)));
    }
    s.push_str(&format!(
        "dynamic memory.grow gas_per_page {}\n",
        gas::MEMORY_GROW_GAS_PER_PAGE
    ));
    s.push_str(&format!(
        "dynamic memory.fill/copy/init bytes_per_gas {}\n",
        gas::BULK_MEMORY_BYTES_PER_GAS
    ));
    s.push_str(&format!(
        "dynamic table.grow/fill/copy/init gas_per_element {}\n",
        gas::TABLE_GAS_PER_ELEMENT
    ));
    s.push_str(&format!(
        "dynamic throw.collection gas_per_unit {}\n",
        gas::EXCEPTION_COLLECTION_GAS_PER_UNIT
    ));
    s
}

/// SHA-256 of [`gas_schedule_listing`] (computed once per process).
pub fn gas_schedule_sha256() -> Digest32 {
    static HASH: std::sync::OnceLock<Digest32> = std::sync::OnceLock::new();
    *HASH.get_or_init(|| sha256(gas_schedule_listing().as_bytes()))
}

/// The host schedule listing: a header line, the host gas constants
/// (`NAME VALUE`) and one `func NAME BASE_GAS` line per provided function in byte
/// order of names; every line ends with `\n`.
pub fn host_schedule_listing() -> String {
    use crate::wasi::gas as h;
    let mut s = format!("detwasm host schedule {}\n", h::HOST_SCHEDULE_VERSION);
    for (name, v) in [
        ("CALL_BASE", h::CALL_BASE),
        ("PATH_CALL_BASE", h::PATH_CALL_BASE),
        ("GUEST_READ_BYTE", h::GUEST_READ_BYTE),
        ("GUEST_WRITE_BYTE", h::GUEST_WRITE_BYTE),
        ("FILE_DATA_BYTE", h::FILE_DATA_BYTE),
        ("PATH_STEP", h::PATH_STEP),
        ("DIR_ENTRY", h::DIR_ENTRY),
    ] {
        s.push_str(&format!("{name} {v}\n"));
    }
    for (name, base) in crate::wasi::provided_names() {
        s.push_str(&format!("func {name} {base}\n"));
    }
    s
}

/// SHA-256 of [`host_schedule_listing`] (computed once per process).
pub fn host_schedule_sha256() -> Digest32 {
    static HASH: std::sync::OnceLock<Digest32> = std::sync::OnceLock::new();
    *HASH.get_or_init(|| sha256(host_schedule_listing().as_bytes()))
}

/// A SHA-256 stream fed with canonical encodings.
struct Stream(Sha256);

impl Stream {
    fn u8(&mut self, v: u8) {
        self.0.update([v]);
    }
    fn u64(&mut self, v: u64) {
        self.0.update(v.to_le_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.0.update(b);
    }
    fn done(self) -> Digest32 {
        self.0.finalize().into()
    }
}

/// WASI `filetype` numbers used by the tree digest.
const FILETYPE_DIRECTORY: u8 = 3;
const FILETYPE_REGULAR_FILE: u8 = 4;
const FILETYPE_SYMBOLIC_LINK: u8 = 7;

/// The tree digest of preopened trees (SPEC.md §Trace, tree digest): for each preopen
/// in order its guest path and every entry reachable from its root (the root first,
/// as path `""`, then [`Dir::walk`] order) with path, inode number, filetype, the three
/// times and the file's bytes or the symlink's target.
pub fn tree_digest<'a>(preopens: impl ExactSizeIterator<Item = (&'a str, &'a Dir)>) -> Digest32 {
    let mut s = Stream(Sha256::new());
    s.u64(preopens.len() as u64);
    for (guest_path, tree) in preopens {
        s.bytes(guest_path.as_bytes());
        let mut entries: Vec<(String, u64)> = vec![(String::new(), crate::wasi::fs::ROOT_INO)];
        for (path, _) in tree.walk() {
            let ino = tree.ino(&path).unwrap_or(0);
            entries.push((path, ino));
        }
        s.u64(entries.len() as u64);
        for (path, ino) in entries {
            s.bytes(path.as_bytes());
            s.u64(ino);
            let Some(node) = tree.node(ino) else {
                // Unreachable: walk only lists existing inodes.
                s.u8(0);
                continue;
            };
            use crate::wasi::fs::tree::Body;
            let ty = match &node.body {
                Body::Dir { .. } => FILETYPE_DIRECTORY,
                Body::File(_) => FILETYPE_REGULAR_FILE,
                Body::Symlink(_) => FILETYPE_SYMBOLIC_LINK,
            };
            s.u8(ty);
            s.u64(node.atim);
            s.u64(node.mtim);
            s.u64(node.ctim);
            match &node.body {
                Body::Dir { .. } => {}
                Body::File(data) => s.bytes(data),
                Body::Symlink(target) => s.bytes(target.as_bytes()),
            }
        }
    }
    s.done()
}

/// Maps function addresses of one instance to module function indices: the first
/// index holding the address. The instance's own functions sit at consecutive
/// addresses after its imports (`InstanceInst::defined_func_index`, O(1)); only the
/// imports are kept in a map, so the map's size is the import count, not the function
/// count.
pub(crate) struct FuncIndex<'s> {
    inst: Option<&'s crate::runtime::InstanceInst>,
    imports: BTreeMap<u32, u32>,
}

impl<'s> FuncIndex<'s> {
    /// The map for `inst` (empty without an instance).
    pub(crate) fn new(store: &'s StoreInner, inst: Option<InstanceAddr>) -> FuncIndex<'s> {
        let inst = inst.and_then(|i| store.instances.get(i.0 as usize));
        let mut imports = BTreeMap::new();
        if let Some(i) = inst {
            let n = i.module.inner.num_imported_funcs as usize;
            for (idx, addr) in i.funcs_ref().iter().take(n).enumerate() {
                imports
                    .entry(*addr)
                    .or_insert(u32::try_from(idx).unwrap_or(u32::MAX));
            }
        }
        FuncIndex { inst, imports }
    }

    /// The module function index of `f`. An imported address comes first in the
    /// index space; a defined function's address never appears among its own
    /// instance's imports (it did not exist when they were resolved).
    pub(crate) fn get(&self, f: FuncAddr) -> Option<u32> {
        if let Some(i) = self.imports.get(&f.0) {
            return Some(*i);
        }
        self.inst?.defined_func_index(f.0)
    }
}

/// The instance a finished run's state digests describe: the given one, else the last
/// instance of the store (instantiation that trapped after allocating it).
pub(crate) fn run_instance(store: &StoreInner, inst: Option<InstanceAddr>) -> Option<InstanceAddr> {
    inst.or_else(|| {
        store
            .instances
            .len()
            .checked_sub(1)
            .and_then(|i| u32::try_from(i).ok())
            .map(InstanceAddr)
    })
}

/// Digests of an instance's memories, globals and tables (SPEC.md §Trace, state
/// digests); without an instance, the digests of empty lists.
pub(crate) fn state_digests(
    store: &StoreInner,
    inst: Option<InstanceAddr>,
    funcs: &FuncIndex,
) -> (Digest32, Digest32, Digest32) {
    let (mems, globals, tables) = inst
        .and_then(|i| store.instance_state_at(i))
        .unwrap_or_default();
    let mut m = Stream(Sha256::new());
    m.u64(mems.len() as u64);
    for a in &mems {
        m.bytes(store.memory_data(*a).unwrap_or(&[]));
    }
    let lookup = |f: FuncAddr| funcs.get(f);
    let mut g = Stream(Sha256::new());
    g.u64(globals.len() as u64);
    for a in &globals {
        let v = store.global_get(*a).unwrap_or(crate::value::Value::I32(0));
        let tv = TraceValue::from_value(&v, &lookup);
        g.u8(valtype_byte(tv.ty));
        g.u64(tv.bits);
    }
    let mut t = Stream(Sha256::new());
    t.u64(tables.len() as u64);
    for a in &tables {
        let ty = store
            .tables
            .get(a.addr().0 as usize)
            .map_or(crate::value::ValType::FuncRef, |t| t.ty.elem);
        // Straight from the slots: no copy of the table as values.
        let elems = store
            .tables
            .get(a.addr().0 as usize)
            .map_or(&[][..], |t| &t.elems);
        t.u8(valtype_byte(ty));
        t.u64(elems.len() as u64);
        for slot in elems {
            let v = crate::value::Value::from_slot(ty, *slot, store.id);
            t.u64(TraceValue::from_value(&v, &lookup).bits);
        }
    }
    (m.done(), g.done(), t.done())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listings_name_every_operator_once() {
        let listing = gas_schedule_listing();
        let ops: Vec<&str> = listing.lines().filter(|l| l.starts_with("op ")).collect();
        let mut names: Vec<&str> = ops
            .iter()
            .map(|l| l.split(' ').nth(1).unwrap_or(""))
            .collect();
        assert!(names
            .iter()
            .all(|n| !n.is_empty() && n.chars().all(char::is_alphanumeric)));
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "duplicate operator in the gas listing");
        assert!(host_schedule_listing().contains("func fd_write 100\n"));
    }

    /// The `gas-schedule` block of SPEC.md §Gas (schedule listing): the listing with
    /// each operator's class name in place of its cost and `version V` as the first
    /// line, so an implementation rebuilds the listing (and its hash) from SPEC.md alone.
    fn gas_schedule_spec_block() -> String {
        schedule_text(&format!("version {}", gas::SCHEDULE_VERSION), &|op| {
            class_name(gas::class_of(op)).to_string()
        })
    }

    /// The fenced `gas-schedule` block of SPEC.md.
    fn spec_block() -> String {
        let spec = include_str!("../../SPEC.md");
        let start = spec
            .find("```gas-schedule\n")
            .expect("SPEC.md has a gas-schedule block")
            + "```gas-schedule\n".len();
        let len = spec[start..].find("```").expect("the block ends");
        spec[start..start + len].to_string()
    }

    #[test]
    fn spec_lists_every_operator_with_its_class() {
        let block = gas_schedule_spec_block();
        if std::env::var("BLESS").as_deref() == Ok("1") {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/SPEC.md");
            let spec = std::fs::read_to_string(path).unwrap();
            let old = format!("```gas-schedule\n{}```", spec_block());
            let new = format!("```gas-schedule\n{block}```");
            std::fs::write(path, spec.replacen(&old, &new, 1)).unwrap();
            return;
        }
        assert_eq!(
            spec_block(),
            block,
            "SPEC.md's gas-schedule block is stale (BLESS=1)"
        );
        // The rule SPEC.md states rebuilds the listing from the block.
        let cost: std::collections::BTreeMap<&str, &str> = block
            .lines()
            .filter_map(|l| l.strip_prefix("class "))
            .filter_map(|l| l.split_once(' '))
            .collect();
        let mut rebuilt = String::new();
        for line in block.lines() {
            let words: Vec<&str> = line.split(' ').collect();
            match words.as_slice() {
                ["version", v] => rebuilt.push_str(&format!("detwasm gas schedule {v}\n")),
                ["op", name, class] => {
                    rebuilt.push_str(&format!("op {name} {}\n", cost[class]));
                }
                _ => rebuilt.push_str(&format!("{line}\n")),
            }
        }
        assert_eq!(rebuilt, gas_schedule_listing());
    }
}
