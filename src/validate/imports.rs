//! The import check against an allowlist the host passes in as data, and the
//! conversion of wasmparser's types to detwasm's (`crate::value`). It knows nothing of
//! any host: the allowlist is plain data built by the caller. It does not validate the
//! rest of the module. Depends on `value`, `profile` and `error`.

use std::collections::BTreeMap;

use wasmparser::{AbstractHeapType, CompositeInnerType, Encoding, HeapType, Parser, Payload};

use super::error::{offset_to_usize, BadImport, ValidateError, ValidateErrorKind};
use super::{limits, profile};
use crate::value::{ExternType, FuncType, GlobalType, MemoryType, TableType, TypeLimits, ValType};

/// The imports a host provides: `(module, name) -> ExternType`.
///
/// Built as data with [`ImportAllowlist::new`] and [`ImportAllowlist::allow`] (or
/// [`ImportAllowlist::insert`]). Iteration order is by module name, then item name
/// (byte order), so anything derived from it is deterministic.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportAllowlist {
    modules: BTreeMap<String, BTreeMap<String, ExternType>>,
}

impl ImportAllowlist {
    /// An empty allowlist: every import is rejected.
    pub fn new() -> ImportAllowlist {
        ImportAllowlist::default()
    }

    /// The allowlist with `module`.`name` provided as `ty` (replacing any earlier
    /// entry for the same pair). For chained construction.
    #[must_use]
    pub fn allow(
        mut self,
        module: impl Into<String>,
        name: impl Into<String>,
        ty: ExternType,
    ) -> ImportAllowlist {
        self.insert(module, name, ty);
        self
    }

    /// Provides `module`.`name` as `ty`; returns the type it replaces, if any.
    pub fn insert(
        &mut self,
        module: impl Into<String>,
        name: impl Into<String>,
        ty: ExternType,
    ) -> Option<ExternType> {
        self.modules
            .entry(module.into())
            .or_default()
            .insert(name.into(), ty)
    }

    /// Whether `module`.`name` is provided.
    pub fn contains(&self, module: &str, name: &str) -> bool {
        self.get(module, name).is_some()
    }

    /// The type provided as `module`.`name`, if any.
    pub fn get(&self, module: &str, name: &str) -> Option<&ExternType> {
        self.modules.get(module)?.get(name)
    }

    /// Whether any item of `module` is provided.
    pub fn has_module(&self, module: &str) -> bool {
        self.modules.contains_key(module)
    }

    /// Number of `(module, name)` entries.
    pub fn len(&self) -> usize {
        self.modules.values().map(BTreeMap::len).sum()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.modules.values().all(BTreeMap::is_empty)
    }

    /// Every entry as `(module, name, type)`, sorted by module then name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &ExternType)> + '_ {
        self.modules.iter().flat_map(|(module, items)| {
            items
                .iter()
                .map(move |(name, ty)| (module.as_str(), name.as_str(), ty))
        })
    }
}

/// Checks every import of a module binary against `allow`.
///
/// An import passes when `allow` has its `(module, name)` and the provided type
/// matches the import's declared type: functions and tags by equal function type,
/// globals by equal value type and mutability, memories and tables by equal element
/// type and the limits rule of import subtyping (provided minimum >= declared minimum;
/// if a maximum is declared, the provided one exists and is <= it).
///
/// # Errors
/// - `ValidateErrorKind::Imports` listing every failing import, in module order, each
///   with its byte offset and a lowercase reason (`no such module`, `no such name in
///   module`, `kind mismatch: ...`, `type mismatch: ...`, `unsupported import type:
///   ...`); the error's `offset` is the first one's.
/// - `ValidateErrorKind::Wasm` when the bytes before the end of the import section do
///   not decode, or the binary is a component.
///
/// # Panics
/// Never.
///
/// # Spec
/// Core spec, Execution, Modules: import subtyping (external type matching). Runs in
/// O(type and import section size); stops after the import section.
pub fn check(bytes: &[u8], allow: &ImportAllowlist) -> Result<(), ValidateError> {
    // Type index space, flattened over rec groups: `None` for non-function types or
    // function types outside the profile. Grows per decoded entry only.
    let mut types: Vec<Option<FuncType>> = Vec::new();
    let mut bad = Vec::new();
    let mut parser = Parser::new(0);
    parser.set_features(profile::features());
    for payload in parser.parse_all(bytes) {
        let payload = payload?;
        match payload {
            Payload::Version {
                encoding: Encoding::Component,
                ..
            } => return super::reject_component(&payload),
            Payload::TypeSection(r) => {
                for group in r {
                    for sub in group?.into_types() {
                        types.push(match &sub.composite_type.inner {
                            CompositeInnerType::Func(ft) => convert_func_type(ft),
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(r) => {
                let range = r.range();
                for import in r.into_imports_with_offsets() {
                    let (offset, import) = import
                        .map_err(|e| limits::explain(bytes, limits::Section::Import, &range, &e))?;
                    if let Err(reason) = check_one(allow, &types, &import) {
                        bad.push(BadImport {
                            module: import.module.to_owned(),
                            name: import.name.to_owned(),
                            reason,
                            offset: offset_to_usize(offset),
                        });
                    }
                }
                break;
            }
            // The import section comes right after the type section; anything else
            // means there are no imports.
            Payload::Version { .. } | Payload::CustomSection(_) => {}
            _ => break,
        }
    }
    match bad.first() {
        None => Ok(()),
        Some(first) => Err(ValidateError {
            offset: first.offset,
            kind: ValidateErrorKind::Imports(bad),
        }),
    }
}

/// Checks one import; `Err` holds the reason it is not provided.
fn check_one(
    allow: &ImportAllowlist,
    types: &[Option<FuncType>],
    import: &wasmparser::Import<'_>,
) -> Result<(), String> {
    let Some(provided) = allow.get(import.module, import.name) else {
        return Err(if allow.has_module(import.module) {
            "no such name in module".to_owned()
        } else {
            "no such module".to_owned()
        });
    };
    let declared = convert_type_ref(&import.ty, types)?;
    if kind_name(provided) != kind_name(&declared) {
        return Err(format!(
            "kind mismatch: host provides a {}, module imports a {}",
            kind_name(provided),
            kind_name(&declared)
        ));
    }
    let ok = match (provided, &declared) {
        (ExternType::Func(p), ExternType::Func(d)) | (ExternType::Tag(p), ExternType::Tag(d)) => {
            p == d
        }
        (ExternType::Global(p), ExternType::Global(d)) => p == d,
        (ExternType::Memory(p), ExternType::Memory(d)) => limits_match(&p.limits, &d.limits),
        (ExternType::Table(p), ExternType::Table(d)) => {
            p.elem == d.elem && limits_match(&p.limits, &d.limits)
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "type mismatch: host provides {}, module imports {}",
            describe(provided),
            describe(&declared)
        ))
    }
}

/// Import subtyping on limits: `provided` matches `declared`.
fn limits_match(provided: &TypeLimits, declared: &TypeLimits) -> bool {
    provided.min >= declared.min
        && match (provided.max, declared.max) {
            (_, None) => true,
            (Some(p), Some(d)) => p <= d,
            (None, Some(_)) => false,
        }
}

/// The spec's word for an extern type's kind.
fn kind_name(ty: &ExternType) -> &'static str {
    match ty {
        ExternType::Func(_) => "func",
        ExternType::Table(_) => "table",
        ExternType::Memory(_) => "memory",
        ExternType::Global(_) => "global",
        ExternType::Tag(_) => "tag",
    }
}

/// A short lowercase description of an extern type, for reasons.
fn describe(ty: &ExternType) -> String {
    let limits = |l: &TypeLimits| match l.max {
        Some(max) => format!("{} {max}", l.min),
        None => l.min.to_string(),
    };
    match ty {
        ExternType::Func(f) => format!("func {f}"),
        ExternType::Tag(f) => format!("tag {f}"),
        ExternType::Global(g) if g.mutable => format!("global (mut {})", g.content),
        ExternType::Global(g) => format!("global {}", g.content),
        ExternType::Memory(m) => format!("memory {}", limits(&m.limits)),
        ExternType::Table(t) => format!("table {} {}", limits(&t.limits), t.elem),
    }
}

/// The declared type of an import in detwasm's terms; `Err` holds the reason it is
/// outside the profile.
fn convert_type_ref(
    ty: &wasmparser::TypeRef,
    types: &[Option<FuncType>],
) -> Result<ExternType, String> {
    let func_type = |idx: u32| {
        usize::try_from(idx)
            .ok()
            .and_then(|i| types.get(i))
            .and_then(Clone::clone)
            .ok_or_else(|| format!("unsupported import type: type index {idx} is not a function type of the profile"))
    };
    match ty {
        wasmparser::TypeRef::Func(idx) => func_type(*idx).map(ExternType::Func),
        wasmparser::TypeRef::Tag(tag) => func_type(tag.func_type_idx).map(ExternType::Tag),
        wasmparser::TypeRef::FuncExact(_) => {
            Err("unsupported import type: exact function import".to_owned())
        }
        wasmparser::TypeRef::Global(g) => convert_global_type(g)
            .map(ExternType::Global)
            .ok_or_else(|| "unsupported import type: global outside the profile".to_owned()),
        wasmparser::TypeRef::Memory(m) => convert_memory_type(m)
            .map(ExternType::Memory)
            .ok_or_else(|| "unsupported import type: memory outside the profile".to_owned()),
        wasmparser::TypeRef::Table(t) => convert_table_type(t)
            .map(ExternType::Table)
            .ok_or_else(|| "unsupported import type: table outside the profile".to_owned()),
    }
}

/// A wasmparser value type as detwasm's, or `None` outside the profile.
///
/// Numbers map one to one; reference types as [`convert_ref_type`]; `v128` is `None`.
///
/// # Spec
/// Core §2.3.4 value types; SPEC.md §Profile.
pub fn convert_valtype(ty: wasmparser::ValType) -> Option<ValType> {
    match ty {
        wasmparser::ValType::I32 => Some(ValType::I32),
        wasmparser::ValType::I64 => Some(ValType::I64),
        wasmparser::ValType::F32 => Some(ValType::F32),
        wasmparser::ValType::F64 => Some(ValType::F64),
        wasmparser::ValType::V128 => None,
        wasmparser::ValType::Ref(r) => convert_ref_type(r),
    }
}

/// A wasmparser reference type as detwasm's, or `None` outside the profile.
///
/// `funcref`, `externref` and `exnref` (nullable, unshared, abstract) map to
/// `FuncRef`, `ExternRef` and `ExnRef`. So do the other exception references the
/// profile's wasmparser validator accepts without the GC or function-references
/// proposals: `(ref exn)` (non-nullable) and `nullexnref` / `(ref noexn)` (the bottom of
/// the exception hierarchy) all map to `ExnRef`, whose values include all of theirs;
/// nullability was already checked by validation and does not change execution. Every
/// other reference type (non-nullable `func`/`extern`, concrete, GC, shared or
/// continuation references) is `None`; none of them passes validation.
///
/// # Spec
/// Core §2.3.3 reference types; exception handling proposal (`exnref`).
pub fn convert_ref_type(ty: wasmparser::RefType) -> Option<ValType> {
    let heap = ty.heap_type();
    if ty.is_nullable() || is_exn_hierarchy(heap) {
        convert_heap_type(heap)
    } else {
        None
    }
}

/// Whether a heap type is `exn` or `noexn`, unshared.
fn is_exn_hierarchy(ty: HeapType) -> bool {
    matches!(
        ty,
        HeapType::Abstract {
            shared: false,
            ty: AbstractHeapType::Exn | AbstractHeapType::NoExn,
        }
    )
}

/// The nullable reference type `(ref null ht)` for a heap type, as detwasm's value
/// type, or `None` outside the profile: the type of what `ref.null ht` pushes.
///
/// `func`, `extern` and `exn` (unshared) map to `FuncRef`, `ExternRef` and `ExnRef`;
/// `noexn` maps to `ExnRef` as in [`convert_ref_type`]; everything else is `None`.
///
/// # Spec
/// Core §2.3.3 reference types; §4.4.2 `ref.null`.
pub fn convert_heap_type(ty: HeapType) -> Option<ValType> {
    match ty {
        HeapType::Abstract { shared: false, ty } => match ty {
            AbstractHeapType::Func => Some(ValType::FuncRef),
            AbstractHeapType::Extern => Some(ValType::ExternRef),
            AbstractHeapType::Exn | AbstractHeapType::NoExn => Some(ValType::ExnRef),
            _ => None,
        },
        _ => None,
    }
}

/// A wasmparser function type as detwasm's, or `None` if a parameter or result is
/// outside the profile. Shapes: same lengths and order as the input.
///
/// # Spec
/// Core §2.3.6 function types.
pub fn convert_func_type(ty: &wasmparser::FuncType) -> Option<FuncType> {
    let params = ty
        .params()
        .iter()
        .map(|&t| convert_valtype(t))
        .collect::<Option<Vec<_>>>()?;
    let results = ty
        .results()
        .iter()
        .map(|&t| convert_valtype(t))
        .collect::<Option<Vec<_>>>()?;
    Some(FuncType::new(params, results))
}

/// A wasmparser global type as detwasm's, or `None` if shared or its value type is
/// outside the profile.
///
/// # Spec
/// Core §2.3.10 global types.
pub fn convert_global_type(ty: &wasmparser::GlobalType) -> Option<GlobalType> {
    if ty.shared {
        return None;
    }
    Some(GlobalType {
        content: convert_valtype(ty.content_type)?,
        mutable: ty.mutable,
    })
}

/// A wasmparser memory type as detwasm's (limits in 64 KiB pages), or `None` if it is
/// 64-bit, shared, has a custom page size, or a limit does not fit `u32`.
///
/// # Spec
/// Core §2.3.9 memory types.
pub fn convert_memory_type(ty: &wasmparser::MemoryType) -> Option<MemoryType> {
    if ty.memory64 || ty.shared || ty.page_size_log2.is_some() {
        return None;
    }
    Some(MemoryType {
        limits: convert_limits(ty.initial, ty.maximum)?,
    })
}

/// A wasmparser table type as detwasm's (limits in elements), or `None` if it is
/// 64-bit, shared, its element type is outside the profile, or a limit does not fit
/// `u32`.
///
/// # Spec
/// Core §2.3.8 table types.
pub fn convert_table_type(ty: &wasmparser::TableType) -> Option<TableType> {
    if ty.table64 || ty.shared {
        return None;
    }
    Some(TableType {
        elem: convert_ref_type(ty.element_type)?,
        limits: convert_limits(ty.initial, ty.maximum)?,
    })
}

/// `u64` limits as `u32` limits, or `None` if either does not fit.
fn convert_limits(min: u64, max: Option<u64>) -> Option<TypeLimits> {
    Some(TypeLimits {
        min: u32::try_from(min).ok()?,
        max: match max {
            Some(m) => Some(u32::try_from(m).ok()?),
            None => None,
        },
    })
}
