//! Decoding of a module for the reference meter: every section into plain data, every
//! function body into a `Vec<Operator>` (no translation), the matching `else`/`end` of
//! every structured instruction (found with a heap stack, never recursion), and each
//! function's static height per SPEC.md §Stack, measured by running wasmparser's
//! validator over the body (the definition says "as wasmparser's validator counts
//! them"). The module bytes are leaked so operators can borrow them for `'static`: this
//! is test code and the corpus is finite. Depends on wasmparser and the parent module.

use std::collections::HashMap;
use std::rc::Rc;

use wasmparser::{
    AbstractHeapType, BlockType, DataKind, ElementItems, ElementKind, ExternalKind, HeapType,
    Operator, Parser, Payload, RefType, TableInit, TypeRef, ValType, Validator, WasmFeatures,
};

use super::{FnTy, VT};

/// A constant expression, its operators without the final `end`.
pub type ConstExpr = Vec<Operator<'static>>;

/// The kind of an import (detwasm's linker has checked its type); a function import
/// carries its type index.
#[derive(Clone, Copy, Debug)]
pub enum ImportKind {
    Func(u32),
    Table,
    Memory,
    Global,
    Tag,
}

/// A table's type (and, for a defined table, its initial value).
#[derive(Clone, Debug)]
pub struct TableDef {
    pub elem: VT,
    pub min: u64,
    pub max: Option<u64>,
    pub init: Option<ConstExpr>,
}

/// A memory's type, in 64 KiB pages.
#[derive(Clone, Copy, Debug)]
pub struct MemDef {
    pub min: u64,
    pub max: Option<u64>,
}

/// A defined global.
#[derive(Clone, Debug)]
pub struct GlobalDef {
    pub ty: VT,
    pub init: ConstExpr,
}

/// The mode of an element or data segment.
#[derive(Clone, Debug)]
pub enum SegMode {
    Passive,
    Active { index: u32, offset: ConstExpr },
    Declared,
}

/// An element segment: each item is a constant expression giving a reference.
#[derive(Clone, Debug)]
pub struct ElemDef {
    pub mode: SegMode,
    pub items: Vec<ConstExpr>,
}

/// A data segment.
#[derive(Clone, Debug)]
pub struct DataDef {
    pub mode: SegMode,
    pub bytes: Vec<u8>,
}

/// One decoded function body.
#[derive(Debug)]
pub struct Code {
    pub nparams: usize,
    pub nresults: usize,
    /// Declared locals (parameters excluded), in order.
    pub locals: Vec<VT>,
    /// The body's operators, the final `end` included.
    pub ops: Vec<Operator<'static>>,
    /// The byte offset in the module binary of each operator (for trap sites).
    pub offsets: Vec<u32>,
    /// For `block`, `loop`, `if`, `else` and `try_table` at pc: the pc of the matching
    /// `end`.
    pub end_of: Vec<u32>,
    /// For `if` at pc: the pc of its `else`, or `u32::MAX` when it has none.
    pub else_of: Vec<u32>,
    /// For `br_table` at pc: its targets and default.
    pub br_tables: HashMap<usize, (Vec<u32>, u32)>,
    /// SPEC.md §Stack: 1 + params + declared locals + max operand height + max label depth.
    pub height: u64,
    /// Indices (parameters first) of the `exnref`-typed locals.
    pub exn_locals: Vec<u32>,
    /// For each `call`, `call_indirect` and `throw` at pc whose operand stack (as the
    /// validator types it just before the instruction) holds `exnref` values: their
    /// positions, counted from the bottom of the function's operand stack. These are
    /// the slots SPEC.md §Exceptions' root 1 names at a throw and in a suspended caller.
    pub exn_operands: HashMap<usize, Vec<u32>>,
}

/// A decoded module.
#[derive(Debug, Default)]
pub struct RModule {
    pub types: Vec<FnTy>,
    pub imports: Vec<(String, String, ImportKind)>,
    /// Type index of each defined function.
    pub funcs: Vec<u32>,
    pub tables: Vec<TableDef>,
    pub mems: Vec<MemDef>,
    pub globals: Vec<GlobalDef>,
    /// Type index of each defined tag.
    pub tags: Vec<u32>,
    pub exports: Vec<(String, ExternalKind, u32)>,
    pub start: Option<u32>,
    pub elems: Vec<ElemDef>,
    pub datas: Vec<DataDef>,
    pub codes: Vec<Rc<Code>>,
}

/// The features of SPEC.md §Profile, written from its table (not from detwasm's
/// profile constant), plus the internal gates `floats` and `gc-types` it names.
pub fn profile_features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::FLOATS
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::MULTI_VALUE
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::REFERENCE_TYPES
        | WasmFeatures::EXCEPTIONS
        | WasmFeatures::TAIL_CALL
        | WasmFeatures::EXTENDED_CONST
        | WasmFeatures::GC_TYPES
}

/// The profile's value type of a wasmparser value type.
///
/// # Panics
/// On `v128` (never in an accepted module).
pub fn vt(t: ValType) -> VT {
    match t {
        ValType::I32 => VT::I32,
        ValType::I64 => VT::I64,
        ValType::F32 => VT::F32,
        ValType::F64 => VT::F64,
        ValType::Ref(r) => ref_vt(r),
        ValType::V128 => panic!("v128 in an accepted module"),
    }
}

/// The profile's reference type of a wasmparser reference type.
pub fn ref_vt(r: RefType) -> VT {
    match r.heap_type() {
        HeapType::Abstract { ty, .. } => match ty {
            AbstractHeapType::Extern | AbstractHeapType::NoExtern => VT::ExternRef,
            AbstractHeapType::Exn | AbstractHeapType::NoExn => VT::ExnRef,
            _ => VT::FuncRef,
        },
        _ => VT::FuncRef,
    }
}

fn const_expr(e: &wasmparser::ConstExpr<'static>) -> ConstExpr {
    let mut r = e.get_operators_reader();
    let mut ops = Vec::new();
    while !r.eof() {
        let op = r.read().expect("const expr");
        if !matches!(op, Operator::End) {
            ops.push(op);
        }
    }
    ops
}

fn table_def(t: wasmparser::TableType, init: Option<ConstExpr>) -> TableDef {
    TableDef {
        elem: ref_vt(t.element_type),
        min: t.initial,
        max: t.maximum,
        init,
    }
}

fn mem_def(m: wasmparser::MemoryType) -> MemDef {
    MemDef {
        min: m.initial,
        max: m.maximum,
    }
}

impl RModule {
    /// Decodes `bytes`, which detwasm has accepted.
    ///
    /// # Panics
    /// When the module does not decode or validate under the profile's features:
    /// that would be a disagreement with detwasm's validator, reported by the caller.
    pub fn decode(bytes: &[u8]) -> Result<RModule, String> {
        let bytes: &'static [u8] = Box::leak(bytes.to_vec().into_boxed_slice());
        let mut m = RModule::default();
        let mut validator = Validator::new_with_features(profile_features());
        for payload in Parser::new(0).parse_all(bytes) {
            let payload = payload.map_err(|e| format!("decode: {e}"))?;
            let valid = validator
                .payload(&payload)
                .map_err(|e| format!("validate: {e}"))?;
            match payload {
                Payload::TypeSection(r) => {
                    for group in r {
                        let group = group.map_err(|e| e.to_string())?;
                        for sub in group.into_types() {
                            let f = sub.unwrap_func();
                            m.types.push(FnTy {
                                params: f.params().iter().map(|t| vt(*t)).collect(),
                                results: f.results().iter().map(|t| vt(*t)).collect(),
                            });
                        }
                    }
                }
                Payload::ImportSection(r) => {
                    for imp in r.into_imports() {
                        let imp = imp.map_err(|e| e.to_string())?;
                        let kind = match imp.ty {
                            TypeRef::Func(t) | TypeRef::FuncExact(t) => ImportKind::Func(t),
                            TypeRef::Table(_) => ImportKind::Table,
                            TypeRef::Memory(_) => ImportKind::Memory,
                            TypeRef::Global(_) => ImportKind::Global,
                            TypeRef::Tag(_) => ImportKind::Tag,
                        };
                        m.imports
                            .push((imp.module.to_string(), imp.name.to_string(), kind));
                    }
                }
                Payload::FunctionSection(r) => {
                    for t in r {
                        let t = t.map_err(|e| e.to_string())?;
                        m.funcs.push(t);
                    }
                }
                Payload::TableSection(r) => {
                    for t in r {
                        let t = t.map_err(|e| e.to_string())?;
                        let init = match &t.init {
                            TableInit::RefNull => None,
                            TableInit::Expr(e) => Some(const_expr(e)),
                        };
                        m.tables.push(table_def(t.ty, init));
                    }
                }
                Payload::MemorySection(r) => {
                    for t in r {
                        m.mems.push(mem_def(t.map_err(|e| e.to_string())?));
                    }
                }
                Payload::TagSection(r) => {
                    for t in r {
                        m.tags.push(t.map_err(|e| e.to_string())?.func_type_idx);
                    }
                }
                Payload::GlobalSection(r) => {
                    for g in r {
                        let g = g.map_err(|e| e.to_string())?;
                        m.globals.push(GlobalDef {
                            ty: vt(g.ty.content_type),
                            init: const_expr(&g.init_expr),
                        });
                    }
                }
                Payload::ExportSection(r) => {
                    for e in r {
                        let e = e.map_err(|e| e.to_string())?;
                        m.exports.push((e.name.to_string(), e.kind, e.index));
                    }
                }
                Payload::StartSection { func, .. } => m.start = Some(func),
                Payload::ElementSection(r) => {
                    for e in r {
                        let e = e.map_err(|e| e.to_string())?;
                        let mode = match e.kind {
                            ElementKind::Passive => SegMode::Passive,
                            ElementKind::Declared => SegMode::Declared,
                            ElementKind::Active {
                                table_index,
                                offset_expr,
                            } => SegMode::Active {
                                index: table_index.unwrap_or(0),
                                offset: const_expr(&offset_expr),
                            },
                        };
                        let mut items = Vec::new();
                        match e.items {
                            ElementItems::Functions(r) => {
                                for f in r {
                                    let function_index = f.map_err(|e| e.to_string())?;
                                    items.push(vec![Operator::RefFunc { function_index }]);
                                }
                            }
                            ElementItems::Expressions(_, r) => {
                                for x in r {
                                    items.push(const_expr(&x.map_err(|e| e.to_string())?));
                                }
                            }
                        }
                        m.elems.push(ElemDef { mode, items });
                    }
                }
                Payload::DataSection(r) => {
                    for d in r {
                        let d = d.map_err(|e| e.to_string())?;
                        let mode = match d.kind {
                            DataKind::Passive => SegMode::Passive,
                            DataKind::Active {
                                memory_index,
                                offset_expr,
                            } => SegMode::Active {
                                index: memory_index,
                                offset: const_expr(&offset_expr),
                            },
                        };
                        m.datas.push(DataDef {
                            mode,
                            bytes: d.data.to_vec(),
                        });
                    }
                }
                Payload::CodeSectionEntry(_) => {
                    let wasmparser::ValidPayload::Func(to_validate, body) = valid else {
                        return Err("code entry without a function validator".into());
                    };
                    let type_index = to_validate.ty;
                    let ty = m.types[type_index as usize].clone();
                    let fv = to_validate.into_validator(Default::default());
                    m.codes.push(Rc::new(decode_body(fv, &body, &ty)?));
                }
                _ => {}
            }
        }
        Ok(m)
    }

    /// Parameter and result counts of a block type.
    pub fn block_arity(&self, bt: BlockType) -> (usize, usize) {
        match bt {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(i) => {
                let t = &self.types[i as usize];
                (t.params.len(), t.results.len())
            }
        }
    }
}

/// Decodes one body into operators, structure and height, validating as it goes.
fn decode_body(
    mut fv: wasmparser::FuncValidator<wasmparser::ValidatorResources>,
    body: &wasmparser::FunctionBody<'static>,
    ty: &FnTy,
) -> Result<Code, String> {
    let mut locals = Vec::new();
    let mut lr = body.get_locals_reader().map_err(|e| e.to_string())?;
    for _ in 0..lr.get_count() {
        let (count, t) = lr.read().map_err(|e| e.to_string())?;
        fv.define_locals(lr.original_position(), count, t)
            .map_err(|e| e.to_string())?;
        for _ in 0..count {
            locals.push(vt(t));
        }
    }
    let mut reader = body.get_operators_reader().map_err(|e| e.to_string())?;
    let mut ops = Vec::new();
    let mut offsets = Vec::new();
    let (mut max_operands, mut max_labels) = (0u64, u64::from(fv.control_stack_height()));
    let mut br_tables = HashMap::new();
    let mut exn_operands = HashMap::new();
    while !reader.eof() {
        let offset = reader.original_position();
        let op = reader.read().map_err(|e| e.to_string())?;
        if matches!(
            op,
            Operator::Call { .. } | Operator::CallIndirect { .. } | Operator::Throw { .. }
        ) {
            let exn = exn_operand_positions(&fv);
            if !exn.is_empty() {
                exn_operands.insert(ops.len(), exn);
            }
        }
        fv.op(offset, &op).map_err(|e| e.to_string())?;
        max_operands = max_operands.max(u64::from(fv.operand_stack_height()));
        max_labels = max_labels.max(u64::from(fv.control_stack_height()));
        if let Operator::BrTable { targets } = &op {
            let list: Vec<u32> = targets.targets().map(|t| t.expect("br_table")).collect();
            br_tables.insert(ops.len(), (list, targets.default()));
        }
        ops.push(op);
        offsets.push(offset as u32);
    }
    let (end_of, else_of) = match_structure(&ops)?;
    let height = 1 + ty.params.len() as u64 + locals.len() as u64 + max_operands + max_labels;
    let exn_locals = ty
        .params
        .iter()
        .chain(&locals)
        .enumerate()
        .filter(|(_, t)| **t == VT::ExnRef)
        .map(|(i, _)| i as u32)
        .collect();
    Ok(Code {
        nparams: ty.params.len(),
        nresults: ty.results.len(),
        locals,
        ops,
        offsets,
        end_of,
        else_of,
        br_tables,
        height,
        exn_locals,
        exn_operands,
    })
}

/// The positions (from the bottom) of the `exnref`-typed values on the validator's
/// operand stack. In unreachable code a value may have no known type; such code never
/// runs, so those count as not `exnref`.
fn exn_operand_positions(
    fv: &wasmparser::FuncValidator<wasmparser::ValidatorResources>,
) -> Vec<u32> {
    let h = fv.operand_stack_height() as usize;
    (0..h)
        .filter(|&depth| {
            matches!(fv.get_operand_type(depth), Some(Some(ValType::Ref(r))) if ref_vt(r) == VT::ExnRef)
        })
        .map(|depth| (h - 1 - depth) as u32)
        .rev()
        .collect()
}

/// The matching `end` of every structured instruction and the `else` of every `if`,
/// found with an explicit stack.
fn match_structure(ops: &[Operator<'static>]) -> Result<(Vec<u32>, Vec<u32>), String> {
    let mut end_of = vec![0u32; ops.len()];
    let mut else_of = vec![u32::MAX; ops.len()];
    let mut open: Vec<usize> = Vec::new();
    for (pc, op) in ops.iter().enumerate() {
        match op {
            Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::TryTable { .. } => open.push(pc),
            Operator::Else => {
                let at = *open.last().ok_or("else outside if")?;
                else_of[at] = pc as u32;
            }
            Operator::End => {
                // The body's own final `end` closes nothing on the stack.
                if let Some(at) = open.pop() {
                    end_of[at] = pc as u32;
                    if else_of[at] != u32::MAX {
                        end_of[else_of[at] as usize] = pc as u32;
                    }
                }
            }
            _ => {}
        }
    }
    if !open.is_empty() {
        return Err("unbalanced structure".into());
    }
    Ok((end_of, else_of))
}
