//! `detwasm run FILE --invoke NAME [ARGS...]`: load, instantiate with no imports, invoke
//! one export, print its results. Depends on the public library API only.

use crate::{Config, Engine, Error, Extern, ExternKind, FuncType, Module, Store, Trap, Value};

use super::summary::{print_summary, Outcome};
use super::{
    one_line, print_err, print_out, read_module_file, RunArgs, UserError, EXIT_INTERNAL, EXIT_OK,
    EXIT_TRAP, EXIT_USER_ERROR,
};
use crate::text::{format_value, parse_value};

/// Why a run stopped before printing results.
enum Failure {
    /// The command line, file or module is at fault: exit 2.
    User(UserError),
    /// The guest trapped during instantiation or the call: exit 134.
    Trap(Trap),
    /// detwasm itself is at fault: exit 70.
    Internal(String),
}

impl From<UserError> for Failure {
    fn from(err: UserError) -> Failure {
        Failure::User(err)
    }
}

/// Maps a library error outside of a trap to a failure.
fn library_failure(context: &str, err: Error) -> Failure {
    match err {
        Error::Trap(trap) => Failure::Trap(trap),
        Error::Internal(message) => Failure::Internal(format!("{context}: {message}")),
        other => Failure::User(UserError::new(format!("{context}: {other}"))),
    }
}

/// Runs `detwasm run` and returns the exit code.
pub(super) fn run_command(args: &RunArgs) -> u8 {
    let mut outcome = None;
    let code = match run(args, &mut outcome) {
        Ok(results) => {
            let mut text = String::new();
            for value in &results {
                text.push_str(&format_value(value));
                text.push('\n');
            }
            print_out(&text);
            EXIT_OK
        }
        Err(Failure::User(err)) => {
            print_err(&format!("error: {}\n", one_line(&err.0)));
            EXIT_USER_ERROR
        }
        Err(Failure::Trap(trap)) => {
            print_err(&format!("trap: {}\n", one_line(&trap.to_string())));
            EXIT_TRAP
        }
        Err(Failure::Internal(message)) => {
            print_err(&format!(
                "internal error: {} (this is a bug in detwasm)\n",
                one_line(&message)
            ));
            EXIT_INTERNAL
        }
    };
    if let (Some(format), Some(outcome)) = (args.summary, outcome) {
        print_summary(format, code, &outcome);
    }
    code
}

/// Loads, instantiates and invokes. Fills `outcome` once execution has started
/// (instantiation may run a start function), so the summary can report gas and traps.
fn run(args: &RunArgs, outcome: &mut Option<Outcome>) -> Result<Vec<Value>, Failure> {
    let bytes = read_module_file(&args.file)?;
    let engine = Engine::new(Config::default());
    let module = Module::new(&engine, &bytes).map_err(|err| match err {
        Error::Validate(err) => Failure::User(UserError::new(format!(
            "invalid module {}: {err}",
            args.file.display()
        ))),
        other => library_failure("cannot load module", other),
    })?;
    check_no_imports(&module)?;
    let ty = exported_func_type(&module, &args.invoke)?;
    let params = parse_args(&args.invoke, ty, &args.args)?;

    let mut store = Store::new(&engine);
    let gas_limit = args.gas.unwrap_or(engine.config().gas_limit);
    store.set_gas_limit(gas_limit);
    let result = instantiate_and_invoke(&mut store, &module, &args.invoke, &params);
    *outcome = Some(Outcome {
        trap: match &result {
            Err(Failure::Trap(trap)) => Some(trap.code()),
            _ => None,
        },
        gas_used: store.gas_used(),
        gas_limit,
    });
    result
}

fn instantiate_and_invoke(
    store: &mut Store,
    module: &Module,
    name: &str,
    params: &[Value],
) -> Result<Vec<Value>, Failure> {
    let instance = store
        .instantiate(module, &[])
        .map_err(|err| library_failure("cannot instantiate module", err))?;
    let func = match store.instance_export(instance, name) {
        Some(Extern::Func(func)) => func,
        _ => {
            return Err(Failure::Internal(format!(
                "export '{name}' of the instance is not the module's function export"
            )))
        }
    };
    store
        .invoke(func, params)
        .map_err(|err| library_failure(&format!("cannot invoke '{name}'"), err))
}

/// Rejects a module with imports: `run` has no host functions to offer yet.
fn check_no_imports(module: &Module) -> Result<(), UserError> {
    let imports = module.imports();
    match imports.first() {
        None => Ok(()),
        Some(first) => Err(UserError::new(format!(
            "the module has {} import(s), the first '{}.{}', but detwasm run provides no \
             imports yet (WASI support is not implemented yet)",
            imports.len(),
            first.module,
            first.name
        ))),
    }
}

/// The type of the exported function `name`, or a user error saying what is exported.
fn exported_func_type<'m>(module: &'m Module, name: &str) -> Result<&'m FuncType, UserError> {
    if let Some(ty) = module.export_func_type(name) {
        return Ok(ty);
    }
    if let Some(export) = module.exports().iter().find(|e| e.name == name) {
        let kind = match export.kind {
            ExternKind::Func => "function",
            ExternKind::Table => "table",
            ExternKind::Memory => "memory",
            ExternKind::Global => "global",
            ExternKind::Tag => "tag",
        };
        return Err(UserError::new(format!(
            "export '{name}' is a {kind}, not a function"
        )));
    }
    let funcs: Vec<&str> = module
        .exports()
        .iter()
        .filter(|e| e.kind == ExternKind::Func)
        .map(|e| e.name.as_str())
        .collect();
    let known = if funcs.is_empty() {
        "the module exports no function".to_string()
    } else {
        format!("exported functions: {}", funcs.join(", "))
    };
    Err(UserError::new(format!(
        "no export named '{name}' ({known})"
    )))
}

/// Parses the command-line arguments by the function's parameter types.
fn parse_args(name: &str, ty: &FuncType, args: &[String]) -> Result<Vec<Value>, UserError> {
    if args.len() != ty.params().len() {
        return Err(UserError::new(format!(
            "'{name}' has type {ty} and takes {} argument(s), but {} were given",
            ty.params().len(),
            args.len()
        )));
    }
    args.iter()
        .zip(ty.params())
        .enumerate()
        .map(|(i, (text, &param))| {
            parse_value(text, param)
                .map_err(|err| UserError::new(format!("argument {} of '{name}': {err}", i + 1)))
        })
        .collect()
}
