//! The shape-limit pre-pass: one walk over a module's sections with
//! `wasmparser::Parser` that checks every count and size of `crate::config::Limits`
//! except `max_control_depth` (checked while operators are validated, by `body`).
//! It decodes section entries and local declarations but never operators, and it does
//! not validate: a module that passes may still be invalid. Depends on `config`,
//! `profile` and `error`.

use std::ops::Range;

use wasmparser::{
    BinaryReader, BinaryReaderError, CompositeInnerType, ElementItems, Encoding,
    ImportSectionReader, MemorySectionReader, MemoryType, Parser, Payload, TableSectionReader,
    TableType, TypeRef, WasmFeatures,
};

use super::error::{offset_to_usize, ValidateError, ValidateErrorKind};
use super::profile;
use crate::config::Limits;

/// Checks the shape limits of a module binary before full validation.
///
/// Checked, each against the `Limits` field it is named after: module size in bytes;
/// entries of the type, import, export, data and element sections (and the data count
/// section); functions, globals, tables and tags, imported plus defined; parameters
/// plus declared locals of each function (summed in `u64`); each function body's size
/// in bytes; declared minimum and maximum of every memory (pages) and table (elements),
/// imports included; total bytes of all data segments; total items of all element
/// segments. Counts are taken from section headers and checked before any entry is
/// decoded, so nothing is allocated in proportion to a count the module declares.
///
/// A component binary is rejected as wasmparser rejects it under the profile (a `Wasm`
/// error naming `component-model`).
///
/// # Errors
/// - `ValidateErrorKind::Limit` for the first limit exceeded, in binary order, with the
///   `Limits` field name, the module's value and the limit; `offset` points at the
///   section, entry or body concerned (for `max_module_bytes`, at the first byte past
///   the limit).
/// - `ValidateErrorKind::Wasm` when the bytes do not decode (wasmparser's error).
///
/// # Panics
/// Never.
///
/// # Spec
/// SPEC.md §Limits. Runs in O(module size) time; memory is O(number of types and
/// functions), each of which occupies at least one byte of the module.
pub fn check(bytes: &[u8], limits: &Limits) -> Result<(), ValidateError> {
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    exceed(
        "max_module_bytes",
        len,
        limits.max_module_bytes,
        offset_to_usize(limits.max_module_bytes),
    )?;
    let mut pass = Pass::new(bytes, limits);
    let mut parser = Parser::new(0);
    parser.set_features(profile::features());
    for payload in parser.parse_all(bytes) {
        let payload = payload?;
        if let Payload::Version {
            encoding: Encoding::Component,
            ..
        } = &payload
        {
            return super::reject_component(&payload);
        }
        pass.payload(payload)?;
    }
    Ok(())
}

/// Returns a `Limit` error when `value > max`.
fn exceed(what: &'static str, value: u64, max: u64, offset: usize) -> Result<(), ValidateError> {
    if value > max {
        Err(ValidateError::limit(what, value, max, offset))
    } else {
        Ok(())
    }
}

/// State carried across sections: imported counts, and what locals checking needs.
struct Pass<'b, 'l> {
    bytes: &'b [u8],
    limits: &'l Limits,
    imported_funcs: u64,
    imported_globals: u64,
    imported_tables: u64,
    imported_tags: u64,
    /// Parameter count of each type index; `None` for a non-function type. Grows one
    /// entry per decoded type, never by a declared count.
    type_params: Vec<Option<u64>>,
    /// Type index of each defined function, in order. Filled only after the function
    /// count passed `max_funcs`.
    func_types: Vec<u32>,
    /// Index of the next code section entry.
    next_body: usize,
    data_bytes: u64,
    elem_items: u64,
}

impl<'b, 'l> Pass<'b, 'l> {
    fn new(bytes: &'b [u8], limits: &'l Limits) -> Self {
        Pass {
            bytes,
            limits,
            imported_funcs: 0,
            imported_globals: 0,
            imported_tables: 0,
            imported_tags: 0,
            type_params: Vec::new(),
            func_types: Vec::new(),
            next_body: 0,
            data_bytes: 0,
            elem_items: 0,
        }
    }

    fn payload(&mut self, payload: Payload<'_>) -> Result<(), ValidateError> {
        let l = self.limits;
        match payload {
            Payload::TypeSection(r) => {
                let at = start(&r.range());
                exceed("max_types", r.count().into(), l.max_types.into(), at)?;
                for group in r {
                    for sub in group?.into_types() {
                        self.type_params.push(match &sub.composite_type.inner {
                            CompositeInnerType::Func(ft) => Some(len_u64(ft.params().len())),
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(r) => {
                let at = start(&r.range());
                exceed("max_imports", r.count().into(), l.max_imports.into(), at)?;
                let mut imports: u64 = 0;
                let range = r.range();
                for import in r.into_imports_with_offsets() {
                    let (offset, import) =
                        import.map_err(|e| explain(self.bytes, Section::Import, &range, &e))?;
                    let offset = offset_to_usize(offset);
                    imports = imports.saturating_add(1);
                    exceed("max_imports", imports, l.max_imports.into(), offset)?;
                    match import.ty {
                        TypeRef::Func(_) | TypeRef::FuncExact(_) => {
                            self.imported_funcs = self.imported_funcs.saturating_add(1)
                        }
                        TypeRef::Global(_) => {
                            self.imported_globals = self.imported_globals.saturating_add(1)
                        }
                        TypeRef::Tag(_) => {
                            self.imported_tags = self.imported_tags.saturating_add(1)
                        }
                        TypeRef::Table(t) => {
                            self.imported_tables = self.imported_tables.saturating_add(1);
                            check_table(l, &t, offset)?;
                        }
                        TypeRef::Memory(m) => check_memory(l, &m, offset)?,
                    }
                }
                exceed("max_funcs", self.imported_funcs, l.max_funcs.into(), at)?;
                exceed(
                    "max_globals",
                    self.imported_globals,
                    l.max_globals.into(),
                    at,
                )?;
                exceed("max_tables", self.imported_tables, l.max_tables.into(), at)?;
                exceed("max_tags", self.imported_tags, l.max_tags.into(), at)?;
            }
            Payload::FunctionSection(r) => {
                let at = start(&r.range());
                let total = self.imported_funcs.saturating_add(r.count().into());
                exceed("max_funcs", total, l.max_funcs.into(), at)?;
                for ty in r {
                    self.func_types.push(ty?);
                }
            }
            Payload::TableSection(r) => {
                let at = start(&r.range());
                let total = self.imported_tables.saturating_add(r.count().into());
                exceed("max_tables", total, l.max_tables.into(), at)?;
                let range = r.range();
                for table in r.into_iter_with_offsets() {
                    let (offset, table) =
                        table.map_err(|e| explain(self.bytes, Section::Table, &range, &e))?;
                    check_table(l, &table.ty, offset_to_usize(offset))?;
                }
            }
            Payload::MemorySection(r) => {
                let range = r.range();
                for memory in r.into_iter_with_offsets() {
                    let (offset, memory) =
                        memory.map_err(|e| explain(self.bytes, Section::Memory, &range, &e))?;
                    check_memory(l, &memory, offset_to_usize(offset))?;
                }
            }
            Payload::TagSection(r) => {
                let at = start(&r.range());
                let total = self.imported_tags.saturating_add(r.count().into());
                exceed("max_tags", total, l.max_tags.into(), at)?;
            }
            Payload::GlobalSection(r) => {
                let at = start(&r.range());
                let total = self.imported_globals.saturating_add(r.count().into());
                exceed("max_globals", total, l.max_globals.into(), at)?;
            }
            Payload::ExportSection(r) => {
                let at = start(&r.range());
                exceed("max_exports", r.count().into(), l.max_exports.into(), at)?;
            }
            Payload::ElementSection(r) => {
                let at = start(&r.range());
                let max_segments = l.max_elem_segments.into();
                exceed("max_elem_segments", r.count().into(), max_segments, at)?;
                for elem in r.into_iter_with_offsets() {
                    let (offset, elem) = elem?;
                    let items = match &elem.items {
                        ElementItems::Functions(f) => f.count(),
                        ElementItems::Expressions(_, e) => e.count(),
                    };
                    self.elem_items = self.elem_items.saturating_add(items.into());
                    let offset = offset_to_usize(offset);
                    exceed("max_elem_items", self.elem_items, l.max_elem_items, offset)?;
                }
            }
            Payload::DataCountSection { count, range } => {
                let max = l.max_data_segments.into();
                exceed("max_data_segments", count.into(), max, start(&range))?;
            }
            Payload::DataSection(r) => {
                let at = start(&r.range());
                let max = l.max_data_segments.into();
                exceed("max_data_segments", r.count().into(), max, at)?;
                for data in r.into_iter_with_offsets() {
                    let (offset, data) = data?;
                    let len = len_u64(data.data.len());
                    self.data_bytes = self.data_bytes.saturating_add(len);
                    let offset = offset_to_usize(offset);
                    exceed("max_data_bytes", self.data_bytes, l.max_data_bytes, offset)?;
                }
            }
            Payload::CodeSectionStart {
                count,
                unchecked_range: range,
                ..
            } => {
                let total = self.imported_funcs.saturating_add(count.into());
                exceed("max_funcs", total, l.max_funcs.into(), start(&range))?;
            }
            Payload::CodeSectionEntry(body) => self.body(&body)?,
            _ => {}
        }
        Ok(())
    }

    /// Checks one function body's size and its parameters plus declared locals.
    fn body(&mut self, body: &wasmparser::FunctionBody<'_>) -> Result<(), ValidateError> {
        let l = self.limits;
        let range = body.range();
        let at = start(&range);
        let size = range.end.saturating_sub(range.start);
        exceed(
            "max_func_body_bytes",
            size,
            l.max_func_body_bytes.into(),
            at,
        )?;
        // NOTE: a body without a matching function or type entry is invalid and
        // wasmparser's validator reports it; here it just counts no parameters.
        let params = self
            .func_types
            .get(self.next_body)
            .and_then(|&ty| usize::try_from(ty).ok())
            .and_then(|ty| self.type_params.get(ty).copied().flatten())
            .unwrap_or(0);
        self.next_body = self.next_body.saturating_add(1);
        let max_locals = l.max_locals_per_func.into();
        let mut locals = params;
        exceed("max_locals_per_func", locals, max_locals, at)?;
        // Locals are decoded here rather than with `LocalsReader`, whose own `u32` total
        // fails with an untyped error before a limit above 2^32 - 1 could be reported.
        let mut reader = body.get_binary_reader();
        let groups = reader.read_var_u32()?;
        for _ in 0..groups {
            let offset = offset_to_usize(reader.original_position());
            let count = reader.read_var_u32()?;
            locals = locals.saturating_add(count.into());
            exceed("max_locals_per_func", locals, max_locals, offset)?;
            reader.read::<wasmparser::ValType>()?;
        }
        Ok(())
    }
}

/// Checks a table type's declared minimum against `max_table_elements`.
///
/// A declared maximum above the limit is accepted: the table can never grow past
/// `max_table_elements` at run time (`table.grow` returns -1 there, SPEC.md §Limits),
/// so the larger maximum is unobservable and valid modules keep validating.
///
/// A 64-bit table is rejected first, naming memory64, as the validator would (see
/// [`explain`] for why the validator may not get the chance). A shared table is left
/// to the validator, which names its proposal; its size is not compared.
fn check_table(l: &Limits, t: &TableType, offset: usize) -> Result<(), ValidateError> {
    if t.table64 {
        return Err(memory64_error("tables", offset));
    }
    if t.shared {
        return Ok(());
    }
    exceed(
        "max_table_elements",
        t.initial,
        l.max_table_elements.into(),
        offset,
    )
}

/// Checks a memory type's declared minimum against `max_memory_pages`.
///
/// A declared maximum above the limit is accepted: memory can never grow past
/// `max_memory_pages` at run time (`memory.grow` returns -1 there, SPEC.md §Limits).
///
/// A 64-bit memory is rejected first, naming memory64, as the validator would (see
/// [`explain`] for why the validator may not get the chance). Shared memories and
/// memories with a custom page size are left to the validator, which names their
/// proposals (threads, custom-page-sizes); their sizes are not compared, so that the
/// rejection names the proposal rather than a limit.
fn check_memory(l: &Limits, m: &MemoryType, offset: usize) -> Result<(), ValidateError> {
    if m.memory64 {
        return Err(memory64_error("memories", offset));
    }
    if m.shared || m.page_size_log2.is_some() {
        return Ok(());
    }
    exceed(
        "max_memory_pages",
        m.initial,
        l.max_memory_pages.into(),
        offset,
    )
}

/// The error wasmparser gives for a 64-bit memory or table under the profile.
fn memory64_error(what: &str, offset: usize) -> ValidateError {
    ValidateError {
        kind: ValidateErrorKind::Wasm {
            message: format!("memory64 must be enabled for 64-bit {what}"),
            feature: Some("memory64"),
        },
        offset,
    }
}

/// A section whose entries may hold memory or table types.
#[derive(Clone, Copy)]
pub(crate) enum Section {
    Import,
    Memory,
    Table,
}

/// Turns a decode error in an import, memory or table section into the error naming
/// memory64 when a 64-bit memory or table caused it; otherwise wraps it unchanged.
///
/// NOTE: under the profile wasmparser decodes memory and table limits as `u32`, so a
/// 64-bit memory or table whose limits need more than 32 bits fails to decode with an
/// untagged error ("invalid var_u32 ..."). This re-decodes the section `range` of
/// `bytes` with the memory64 flag on, and if an entry starting at or before the error
/// is 64-bit, reports memory64 at that entry. Only runs on the error path.
pub(crate) fn explain(
    bytes: &[u8],
    section: Section,
    range: &Range<u64>,
    err: &BinaryReaderError,
) -> ValidateError {
    let original = ValidateError::from_wasmparser(err);
    if original.rejected_feature().is_some() {
        return original;
    }
    let found = find_64bit(bytes, section, range, err.offset());
    match found {
        Some((what, offset)) => memory64_error(what, offset_to_usize(offset)),
        None => original,
    }
}

/// The first 64-bit memory or table entry of a section starting at or before
/// `limit`, decoded with the memory64 flag on: `("memories" | "tables", offset)`.
fn find_64bit(
    bytes: &[u8],
    section: Section,
    range: &Range<u64>,
    limit: u64,
) -> Option<(&'static str, u64)> {
    let start = usize::try_from(range.start).ok()?;
    let end = usize::try_from(range.end).ok()?;
    let data = bytes.get(start..end)?;
    let features = profile::features() | WasmFeatures::MEMORY64;
    let reader = BinaryReader::new_features(data, range.start, features);
    match section {
        Section::Import => ImportSectionReader::new(reader)
            .ok()?
            .into_imports_with_offsets()
            .map_while(Result::ok)
            .take_while(|&(at, _)| at <= limit)
            .find_map(|(at, i)| width_of(&i.ty).map(|w| (w, at))),
        Section::Memory => MemorySectionReader::new(reader)
            .ok()?
            .into_iter_with_offsets()
            .map_while(Result::ok)
            .take_while(|&(at, _)| at <= limit)
            .find_map(|(at, m)| m.memory64.then_some(("memories", at))),
        Section::Table => TableSectionReader::new(reader)
            .ok()?
            .into_iter_with_offsets()
            .map_while(Result::ok)
            .take_while(|&(at, _)| at <= limit)
            .find_map(|(at, t)| t.ty.table64.then_some(("tables", at))),
    }
}

/// `Some("memories")` or `Some("tables")` for a 64-bit memory or table import.
fn width_of(ty: &TypeRef) -> Option<&'static str> {
    match ty {
        TypeRef::Memory(m) if m.memory64 => Some("memories"),
        TypeRef::Table(t) if t.table64 => Some("tables"),
        _ => None,
    }
}

/// Start of a byte range as a `usize` offset.
fn start(range: &Range<u64>) -> usize {
    offset_to_usize(range.start)
}

/// A length as `u64`, saturating (lengths always fit on supported targets).
fn len_u64(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}
