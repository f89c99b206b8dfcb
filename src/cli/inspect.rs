//! `detwasm inspect FILE [FUNC]`: what detwasm made of a module. Without options it
//! prints one line per defined function (index, name, type, sizes); with `--bytecode`
//! it prints each function's internal code: every op with its code position, the byte
//! offsets in the module of the wasm instructions it stands for and their base gas,
//! then the function's exception handlers and `exnref` slots. The listing is for
//! people reading a slow path or a translation bug; its format is not stable.
//! Depends on `module` and `translate` (the compiled functions).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::translate::op::OpKind;
use crate::translate::{CompiledFunc, MAX_PARTS};
use crate::{Config, Engine, Module};

use super::{one_line, print_err, print_out, read_module_file, EXIT_OK, EXIT_USER_ERROR};

/// Arguments of `detwasm inspect`.
#[derive(Debug, clap::Args)]
pub(super) struct InspectArgs {
    /// The module, in the WebAssembly binary format.
    file: PathBuf,
    /// Only this function: its index in the function index space (imports first) or
    /// the name of a function export.
    func: Option<String>,
    /// Print each function's internal bytecode with the wasm offsets and base gas of
    /// every op.
    #[arg(long)]
    bytecode: bool,
}

/// Runs `detwasm inspect`: 0 on success, 2 for an unreadable or rejected module or an
/// unknown function.
pub(super) fn inspect_command(args: &InspectArgs) -> u8 {
    match inspect(&args.file, args.func.as_deref(), args.bytecode) {
        Ok(text) => {
            print_out(&text);
            EXIT_OK
        }
        Err(msg) => {
            print_err(&format!("error: {}\n", one_line(&msg)));
            EXIT_USER_ERROR
        }
    }
}

fn inspect(path: &Path, func: Option<&str>, bytecode: bool) -> Result<String, String> {
    let bytes = read_module_file(path).map_err(|e| e.0)?;
    let module = Module::new(&Engine::new(Config::default()), &bytes).map_err(|e| e.to_string())?;
    let inner = &module.inner;
    let imported = inner.num_imported_funcs;
    let selected: Option<u32> = match func {
        None => None,
        Some(f) => Some(match f.parse::<u32>() {
            Ok(i) => i,
            Err(_) => inner
                .exports
                .iter()
                .find(|e| e.name == f && e.kind == crate::ExternKind::Func)
                .map(|e| e.index)
                .ok_or_else(|| format!("no function export named '{f}'"))?,
        }),
    };
    if let Some(i) = selected {
        if i < imported {
            return Err(format!("function {i} is imported: it has no code"));
        }
        if i >= module.num_funcs() {
            return Err(format!(
                "no function {i} (the module has {} functions)",
                module.num_funcs()
            ));
        }
    }
    let mut out = String::new();
    for (k, code) in inner.funcs.iter().enumerate() {
        let index = imported + k as u32;
        if selected.is_some_and(|s| s != index) {
            continue;
        }
        let ty = inner
            .func_types
            .get(index as usize)
            .and_then(|t| inner.types.get(*t as usize))
            .map_or_else(String::new, ToString::to_string);
        let name = module
            .name_of_func(index)
            .map_or_else(String::new, |n| format!(" ${n}"));
        let _ = writeln!(
            out,
            "func {index}{name} {ty}: {} locals, {} operand slots, {} stack units, {} ops",
            code.num_locals,
            code.max_operands,
            code.stack_units,
            code.code.len()
        );
        if bytecode {
            listing(&mut out, code);
        }
    }
    Ok(out)
}

/// Appends the bytecode listing of one function.
fn listing(out: &mut String, code: &CompiledFunc) {
    for (pc, op) in code.code.iter().enumerate() {
        let parts = code.parts(pc).unwrap_or_default();
        let offsets: [u32; MAX_PARTS] =
            std::array::from_fn(|part| code.offset(pc, part).unwrap_or(0));
        // The wasm instructions this op stands for: the non-zero offsets, or the
        // first one (an op of one instruction at offset 0 cannot occur: a body starts
        // after the section headers). In an op standing for several, the main one
        // (the operator the op is named after) is marked; those before it push its
        // operands (`local.get`, a constant), those after it are a `local.set` or
        // the further copies of a `Copy2` or `Copy3`.
        let several = parts[1] != 0;
        let main = code.main_part(pc);
        let wasm: Vec<String> = offsets
            .iter()
            .zip(parts)
            .enumerate()
            .filter(|(i, (off, _))| *i == 0 || **off != 0)
            .map(|(i, (off, gas))| {
                if several && i == main {
                    format!("@{off:#x} gas {gas} (main)")
                } else {
                    format!("@{off:#x} gas {gas}")
                }
            })
            .collect();
        let note = if op.kind() == OpKind::Gas {
            "segment head: charges the segment's static gas".to_string()
        } else {
            wasm.join(", ")
        };
        let _ = writeln!(out, "  {pc:>6}  {op}  ; {note}");
    }
    for h in code.handlers.iter() {
        let target = if h.target == u32::MAX {
            "return".to_string()
        } else {
            h.target.to_string()
        };
        let _ = writeln!(
            out,
            "  handler {}..{} {:?} tag {} -> {target} (height {})",
            h.start, h.end, h.kind, h.tag, h.height
        );
    }
    if let Some(map) = code.exn_map.as_deref() {
        let _ = writeln!(out, "  exnref locals {:?}", map.locals);
        for pc in 0..=code.code.len() as u32 {
            let slots: Vec<u32> = map.operands_at(pc).collect();
            if !slots.is_empty() {
                let _ = writeln!(out, "  exnref operands resuming at {pc}: {slots:?}");
            }
        }
    }
}
