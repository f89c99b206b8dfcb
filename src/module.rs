//! Module: a validated and translated module, immutable and shareable (core §2.5).
//! `Module::new` runs the limits pre-pass, then wasmparser's validator with the
//! profile's features over every section, translating each function body in lock step
//! with its validation. Depends on validate, translate, value, config.

use crate::engine::Engine;
use crate::error::Error;
use crate::translate::{translate_function, CompiledFunc, TranslateEnv, TranslateScratch};
use crate::validate::{self, ValidateError};
use crate::value::{ExternType, FuncType, GlobalType, MemoryType, TableType, TypeLimits, ValType};
use std::collections::BTreeMap;
use std::sync::Arc;
use wasmparser::{
    ElementItems, ElementKind, ExternalKind, Parser, Payload, TypeRef, ValidPayload, Validator,
};

/// An import of a module (core §2.5.11).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// Module name.
    pub module: String,
    /// Field name.
    pub name: String,
    /// The expected type.
    pub ty: ExternType,
}

/// The kind of an export (core §2.5.10).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ExternKind {
    /// A function.
    Func,
    /// A table.
    Table,
    /// A memory.
    Memory,
    /// A global.
    Global,
    /// A tag.
    Tag,
}

/// An export of a module (core §2.5.10): its name, kind and index in that kind's
/// index space.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// Export name.
    pub name: String,
    /// Kind of the exported item.
    pub kind: ExternKind,
    /// Index in the kind's index space (imports first).
    pub index: u32,
}

/// One instruction of a constant expression (core §3.3.11, with extended const).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ConstOp {
    Const(u64),
    RefFunc(u32),
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

/// A constant expression. Nearly all are one instruction, kept inline (no allocation
/// per global or element item).
#[derive(Clone, Debug)]
pub(crate) enum ConstExpr {
    One(ConstOp),
    Many(Box<[ConstOp]>),
}

impl ConstExpr {
    /// The instructions, in order.
    pub(crate) fn ops(&self) -> &[ConstOp] {
        match self {
            ConstExpr::One(op) => std::slice::from_ref(op),
            ConstExpr::Many(ops) => ops,
        }
    }
}

/// The items of an element segment: function indices when the segment lists
/// functions (4 bytes an item), else constant expressions.
#[derive(Clone, Debug)]
pub(crate) enum ElemItems {
    Funcs(Box<[u32]>),
    Exprs(Box<[ConstExpr]>),
}

impl ElemItems {
    /// Number of items.
    pub(crate) fn len(&self) -> usize {
        match self {
            ElemItems::Funcs(f) => f.len(),
            ElemItems::Exprs(e) => e.len(),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) enum ElemMode {
    Passive,
    Declared,
    Active { table: u32, offset: ConstExpr },
}

#[derive(Clone, Debug)]
pub(crate) struct ElemDef {
    pub mode: ElemMode,
    pub items: ElemItems,
}

#[derive(Clone, Debug)]
pub(crate) struct DataDef {
    pub active: Option<ConstExpr>,
    pub bytes: Arc<[u8]>,
}

#[derive(Debug)]
pub(crate) struct ModuleInner {
    pub types: Vec<FuncType>,
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    /// Type index of every function, imports first.
    pub func_types: Vec<u32>,
    pub num_imported_funcs: u32,
    pub funcs: Vec<Arc<CompiledFunc>>,
    pub tables: Vec<(TableType, Option<ConstExpr>)>,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<(GlobalType, ConstExpr)>,
    /// Type index of each defined tag.
    pub tags: Vec<u32>,
    pub elems: Vec<ElemDef>,
    pub datas: Vec<DataDef>,
    pub start: Option<u32>,
    pub func_names: BTreeMap<u32, String>,
    /// The configuration the module was validated and translated under; a store
    /// instantiates it only under the same key.
    pub translation: crate::config::TranslationKey,
    /// SHA-256 of the module binary: what a snapshot names its module by (SPEC.md
    /// §Snapshot).
    pub sha256: [u8; 32],
}

/// A validated, translated module. Clone is cheap (a shared pointer).
#[derive(Clone, Debug)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

fn wp(e: wasmparser::BinaryReaderError) -> Error {
    Error::Validate(ValidateError::from_wasmparser(&e))
}

use crate::validate::{convert_ref_type as conv_reftype, convert_valtype as conv_valtype};

fn unsupported() -> Error {
    Error::Internal("type outside the profile passed validation")
}

fn conv_table(t: &wasmparser::TableType) -> Result<TableType, Error> {
    Ok(TableType {
        elem: conv_reftype(t.element_type).ok_or_else(unsupported)?,
        limits: TypeLimits {
            min: u32::try_from(t.initial).map_err(|_| unsupported())?,
            max: t.maximum.map(|m| u32::try_from(m).unwrap_or(u32::MAX)),
        },
    })
}

fn conv_memory(t: &wasmparser::MemoryType) -> Result<MemoryType, Error> {
    Ok(MemoryType {
        limits: TypeLimits {
            min: u32::try_from(t.initial).map_err(|_| unsupported())?,
            max: t.maximum.map(|m| u32::try_from(m).unwrap_or(u32::MAX)),
        },
    })
}

fn conv_global(t: &wasmparser::GlobalType) -> Result<GlobalType, Error> {
    Ok(GlobalType {
        content: conv_valtype(t.content_type).ok_or_else(unsupported)?,
        mutable: t.mutable,
    })
}

fn const_expr(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, Error> {
    use wasmparser::Operator as O;
    let mut out = Vec::new();
    let mut reader = expr.get_operators_reader();
    while !reader.eof() {
        let op = reader.read().map_err(wp)?;
        out.push(match op {
            O::I32Const { value } => ConstOp::Const(u64::from(value as u32)),
            O::I64Const { value } => ConstOp::Const(value as u64),
            O::F32Const { value } => ConstOp::Const(u64::from(value.bits())),
            O::F64Const { value } => ConstOp::Const(value.bits()),
            O::RefNull { .. } => ConstOp::Const(0),
            O::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            O::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            O::I32Add => ConstOp::I32Add,
            O::I32Sub => ConstOp::I32Sub,
            O::I32Mul => ConstOp::I32Mul,
            O::I64Add => ConstOp::I64Add,
            O::I64Sub => ConstOp::I64Sub,
            O::I64Mul => ConstOp::I64Mul,
            O::End => break,
            _ => {
                return Err(Error::Internal(
                    "non-constant operator in constant expression",
                ))
            }
        });
    }
    Ok(match out.as_slice() {
        [op] => ConstExpr::One(*op),
        _ => ConstExpr::Many(out.into_boxed_slice()),
    })
}

/// Whether any function type, global or table of `m` (defined or imported) holds an
/// `exnref`: then a call, `global.get` or `table.get` can push one in any function
/// (`TranslateEnv::exn_types`).
fn mentions_exnref(m: &ModuleInner) -> bool {
    let exn = |t: &ValType| *t == ValType::ExnRef;
    m.types
        .iter()
        .any(|t| t.params().iter().chain(t.results()).any(exn))
        || m.globals.iter().any(|(g, _)| exn(&g.content))
        || m.tables.iter().any(|(t, _)| exn(&t.elem))
        || m.imports.iter().any(|i| match &i.ty {
            ExternType::Global(g) => exn(&g.content),
            ExternType::Table(t) => exn(&t.elem),
            _ => false,
        })
}

impl Module {
    /// Validates and translates a binary module.
    ///
    /// # Errors
    /// `Error::Validate` when the bytes are malformed, invalid, outside the profile
    /// (the error names the rejected proposal and gives the byte offset) or beyond a
    /// limit of the engine's `Config::limits`.
    ///
    /// # Panics
    /// Never, for any input.
    ///
    /// # Complexity
    /// Linear in the module size in time and memory.
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        let config = engine.config();
        validate::limits::check(bytes, &config.limits)?;
        let mut validator = Validator::new_with_features(validate::profile::features());
        let mut m = ModuleInner {
            types: Vec::new(),
            imports: Vec::new(),
            exports: Vec::new(),
            func_types: Vec::new(),
            num_imported_funcs: 0,
            funcs: Vec::new(),
            tables: Vec::new(),
            memories: Vec::new(),
            globals: Vec::new(),
            tags: Vec::new(),
            elems: Vec::new(),
            datas: Vec::new(),
            start: None,
            func_names: BTreeMap::new(),
            translation: config.translation_key(),
            sha256: sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(bytes))
                .into(),
        };
        let mut type_arity: Vec<(u32, u32)> = Vec::new();
        let mut allocs = crate::validate::body::BodyAllocs::default();
        let mut scratch = TranslateScratch::default();
        let mut defined_index = 0usize;
        // Whether a type of the module holds an `exnref` (known once the code
        // section starts; every section before it is read by then).
        let mut exn_types: Option<bool> = None;
        let mut parser = Parser::new(0);
        parser.set_features(validate::profile::features());
        for payload in parser.parse_all(bytes) {
            let payload = payload.map_err(wp)?;
            let valid = validator.payload(&payload).map_err(wp)?;
            match payload {
                Payload::TypeSection(reader) => {
                    for rec in reader {
                        let rec = rec.map_err(wp)?;
                        for sub in rec.into_types() {
                            match &sub.composite_type.inner {
                                wasmparser::CompositeInnerType::Func(f) => {
                                    let params: Option<Vec<ValType>> =
                                        f.params().iter().map(|t| conv_valtype(*t)).collect();
                                    let results: Option<Vec<ValType>> =
                                        f.results().iter().map(|t| conv_valtype(*t)).collect();
                                    let ty = FuncType::new(
                                        params.ok_or_else(unsupported)?,
                                        results.ok_or_else(unsupported)?,
                                    );
                                    type_arity.push((
                                        ty.params().len() as u32,
                                        ty.results().len() as u32,
                                    ));
                                    m.types.push(ty);
                                }
                                _ => return Err(unsupported()),
                            }
                        }
                    }
                }
                Payload::ImportSection(reader) => {
                    for imp in reader.into_imports() {
                        let imp = imp.map_err(wp)?;
                        let ty = match imp.ty {
                            TypeRef::Func(t) => {
                                m.func_types.push(t);
                                m.num_imported_funcs += 1;
                                ExternType::Func(
                                    m.types.get(t as usize).cloned().ok_or_else(unsupported)?,
                                )
                            }
                            TypeRef::Table(t) => ExternType::Table(conv_table(&t)?),
                            TypeRef::Memory(t) => ExternType::Memory(conv_memory(&t)?),
                            TypeRef::Global(t) => ExternType::Global(conv_global(&t)?),
                            TypeRef::Tag(t) => ExternType::Tag(
                                m.types
                                    .get(t.func_type_idx as usize)
                                    .cloned()
                                    .ok_or_else(unsupported)?,
                            ),
                            _ => return Err(unsupported()),
                        };
                        m.imports.push(Import {
                            module: imp.module.to_string(),
                            name: imp.name.to_string(),
                            ty,
                        });
                    }
                }
                Payload::FunctionSection(reader) => {
                    m.func_types.reserve_exact(reader.count() as usize);
                    m.funcs.reserve_exact(reader.count() as usize);
                    for t in reader {
                        m.func_types.push(t.map_err(wp)?);
                    }
                }
                Payload::TableSection(reader) => {
                    for t in reader {
                        let t = t.map_err(wp)?;
                        let init = match &t.init {
                            wasmparser::TableInit::RefNull => None,
                            wasmparser::TableInit::Expr(e) => Some(const_expr(e)?),
                        };
                        m.tables.push((conv_table(&t.ty)?, init));
                    }
                }
                Payload::MemorySection(reader) => {
                    for t in reader {
                        m.memories.push(conv_memory(&t.map_err(wp)?)?);
                    }
                }
                Payload::TagSection(reader) => {
                    for t in reader {
                        m.tags.push(t.map_err(wp)?.func_type_idx);
                    }
                }
                Payload::GlobalSection(reader) => {
                    m.globals.reserve_exact(reader.count() as usize);
                    for g in reader {
                        let g = g.map_err(wp)?;
                        m.globals
                            .push((conv_global(&g.ty)?, const_expr(&g.init_expr)?));
                    }
                }
                Payload::ExportSection(reader) => {
                    for e in reader {
                        let e = e.map_err(wp)?;
                        let kind = match e.kind {
                            ExternalKind::Func | ExternalKind::FuncExact => ExternKind::Func,
                            ExternalKind::Table => ExternKind::Table,
                            ExternalKind::Memory => ExternKind::Memory,
                            ExternalKind::Global => ExternKind::Global,
                            ExternalKind::Tag => ExternKind::Tag,
                        };
                        m.exports.push(Export {
                            name: e.name.to_string(),
                            kind,
                            index: e.index,
                        });
                    }
                }
                Payload::StartSection { func, .. } => m.start = Some(func),
                Payload::ElementSection(reader) => {
                    for e in reader {
                        let e = e.map_err(wp)?;
                        let mode = match e.kind {
                            ElementKind::Passive => ElemMode::Passive,
                            ElementKind::Declared => ElemMode::Declared,
                            ElementKind::Active {
                                table_index,
                                offset_expr,
                            } => ElemMode::Active {
                                table: table_index.unwrap_or(0),
                                offset: const_expr(&offset_expr)?,
                            },
                        };
                        let items = match e.items {
                            ElementItems::Functions(r) => {
                                let mut funcs = Vec::with_capacity(r.count() as usize);
                                for f in r {
                                    funcs.push(f.map_err(wp)?);
                                }
                                ElemItems::Funcs(funcs.into_boxed_slice())
                            }
                            ElementItems::Expressions(_, r) => {
                                let mut exprs = Vec::with_capacity(r.count() as usize);
                                for x in r {
                                    exprs.push(const_expr(&x.map_err(wp)?)?);
                                }
                                ElemItems::Exprs(exprs.into_boxed_slice())
                            }
                        };
                        m.elems.push(ElemDef { mode, items });
                    }
                }
                Payload::DataSection(reader) => {
                    for d in reader {
                        let d = d.map_err(wp)?;
                        let active = match d.kind {
                            wasmparser::DataKind::Passive => None,
                            wasmparser::DataKind::Active { offset_expr, .. } => {
                                Some(const_expr(&offset_expr)?)
                            }
                        };
                        m.datas.push(DataDef {
                            active,
                            bytes: Arc::from(d.data),
                        });
                    }
                }
                Payload::CustomSection(c) => {
                    if let wasmparser::KnownCustom::Name(names) = c.as_known() {
                        // A malformed name section is ignored, as the spec allows.
                        for n in names.into_iter().flatten() {
                            if let wasmparser::Name::Function(map) = n {
                                for naming in map.into_iter().flatten() {
                                    m.func_names.insert(naming.index, naming.name.to_string());
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
            if let ValidPayload::Func(func, body) = valid {
                let func_idx = m.num_imported_funcs as usize + defined_index;
                defined_index += 1;
                let ty = m
                    .func_types
                    .get(func_idx)
                    .and_then(|t| type_arity.get(*t as usize))
                    .copied()
                    .ok_or_else(unsupported)?;
                let exn_types = *exn_types.get_or_insert_with(|| mentions_exnref(&m));
                let env = TranslateEnv {
                    type_arity: &type_arity,
                    exn_types,
                    max_control_depth: config.limits.max_control_depth,
                    metering: config.gas_metering,
                    fuse: config.fusion,
                    checkpoints: config.checkpoint_interval > 0,
                    num_imported_funcs: m.num_imported_funcs,
                };
                let (compiled, a) = translate_function(
                    func,
                    &body,
                    &env,
                    std::mem::take(&mut allocs),
                    &mut scratch,
                    ty.0,
                    ty.1,
                )?;
                allocs = a;
                m.funcs.push(Arc::new(compiled));
            }
        }
        Ok(Module { inner: Arc::new(m) })
    }

    /// SHA-256 of the module's binary, as given to [`Module::new`] (what a snapshot
    /// and a trace's start event name the module by; SPEC.md §Snapshot).
    pub fn sha256(&self) -> [u8; 32] {
        self.inner.sha256
    }

    /// The module's imports, in order.
    pub fn imports(&self) -> &[Import] {
        &self.inner.imports
    }

    /// The module's exports, in order.
    pub fn exports(&self) -> &[Export] {
        &self.inner.exports
    }

    /// The type of the exported function `name`, if there is one.
    pub fn export_func_type(&self, name: &str) -> Option<&FuncType> {
        let e = self
            .inner
            .exports
            .iter()
            .find(|e| e.name == name && e.kind == ExternKind::Func)?;
        let t = *self.inner.func_types.get(e.index as usize)?;
        self.inner.types.get(t as usize)
    }

    /// The name section's name of function `idx`, if present.
    pub fn name_of_func(&self, idx: u32) -> Option<&str> {
        self.inner.func_names.get(&idx).map(String::as_str)
    }

    /// Number of functions, imported and defined.
    pub fn num_funcs(&self) -> u32 {
        self.inner.func_types.len() as u32
    }
}
