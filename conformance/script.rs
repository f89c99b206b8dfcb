//! Execution of one `.wast` script against detwasm: one `Store` per file, the
//! `spectest` host module, registered instances resolved by (module, field) name, and
//! every directive kind of wast 263 turned into a pass or a failure with a message.
//! A panic inside the engine fails the directive that caused it and the script goes
//! on. Depends on wast, detwasm's public API and the sibling modules.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;

use detwasm::{Engine, Error, Extern, Instance, Module, Store, TrapCode, Value};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

use crate::spectest::{self, ImportMap};
use crate::values::{arg_value, ret_matches, show_ret, show_values};

/// One failed directive: where it is in the script and what differed.
pub struct Failure {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// What differed.
    pub message: String,
}

/// The outcome of running one script.
#[derive(Default)]
pub struct Outcome {
    /// Directives that behaved as the script says.
    pub passed: u64,
    /// Directives that did not, with [`Outcome::failures`] giving each.
    pub failed: u64,
    /// Directives not counted: a module listed in skip.toml as out of profile, which
    /// the validator rejected naming a rejected proposal, and every directive after it
    /// up to the next module (they may depend on it).
    pub skipped: u64,
    /// Every failure, in script order.
    pub failures: Vec<Failure>,
    /// Passes worth a second look (an `assert_invalid` module that wast itself
    /// refused to encode), in script order.
    pub notes: Vec<Failure>,
}

/// Counts the directives of a script without running it (for skipped files).
///
/// # Errors
/// The parse error when the script does not parse.
pub fn count_directives(text: &str) -> Result<u64, String> {
    let buf = parse_buffer(text)?;
    let wast = parser::parse::<Wast<'_>>(&buf).map_err(|e| e.message())?;
    Ok(wast.directives.len() as u64)
}

fn parse_buffer(text: &str) -> Result<ParseBuffer<'_>, String> {
    let mut lexer = wast::lexer::Lexer::new(text);
    // NOTE: names.wast and friends deliberately contain bidi and other confusable
    // code points inside strings; the spec accepts them.
    lexer.allow_confusing_unicode(true);
    ParseBuffer::new_with_lexer(lexer).map_err(|e| e.message())
}

/// Runs every directive of the script `text`. `out_of_profile` maps the 1-based line
/// of a module directive to the reason it uses a proposal the profile rejects.
pub fn run_script(text: &str, out_of_profile: &BTreeMap<usize, String>) -> Outcome {
    let mut outcome = Outcome::default();
    let buf = match parse_buffer(text) {
        Ok(buf) => buf,
        Err(e) => {
            outcome.fail(0, 0, format!("script does not lex: {e}"));
            return outcome;
        }
    };
    let wast = match parser::parse::<Wast<'_>>(&buf) {
        Ok(wast) => wast,
        Err(e) => {
            let (line, col) = e.span().linecol_in(text);
            outcome.fail(
                line + 1,
                col + 1,
                format!("script does not parse: {}", e.message()),
            );
            return outcome;
        }
    };
    let mut runner = match catch(Runner::new) {
        Ok(Ok(runner)) => runner,
        Ok(Err(e)) | Err(e) => {
            outcome.fail(0, 0, format!("cannot set up the store: {e}"));
            return outcome;
        }
    };
    let mut skipping = false;
    for directive in wast.directives {
        let (line, col) = directive.span().linecol_in(text);
        let is_module = matches!(
            directive,
            WastDirective::Module(_)
                | WastDirective::ModuleDefinition(_)
                | WastDirective::ModuleInstance { .. }
        );
        if is_module {
            skipping = false;
        }
        // Invalid and malformed modules never depend on an earlier module.
        let independent = matches!(
            directive,
            WastDirective::AssertInvalid { .. } | WastDirective::AssertMalformed { .. }
        );
        let listed = out_of_profile.contains_key(&(line + 1));
        let result = catch(|| runner.run(directive));
        match (result, listed) {
            (Ok(Ok(())), false) if !skipping || independent => outcome.passed += 1,
            (Ok(Ok(())), true) => outcome.fail(
                line + 1,
                col + 1,
                "skip.toml lists this module as out of profile, but it was accepted".into(),
            ),
            (Ok(Err(message)) | Err(message), true) => {
                if message.contains("(rejected proposal: ") {
                    outcome.skipped += 1;
                    skipping = true;
                } else {
                    outcome.fail(
                        line + 1,
                        col + 1,
                        format!(
                            "out-of-profile module failed without naming a proposal: {message}"
                        ),
                    );
                }
            }
            (_, false) if skipping && !independent => outcome.skipped += 1,
            (Ok(Err(message)) | Err(message), false) => outcome.fail(line + 1, col + 1, message),
            (Ok(Ok(())), false) => outcome.passed += 1,
        }
        for message in runner.notes.drain(..) {
            outcome.notes.push(Failure {
                line: line + 1,
                col: col + 1,
                message,
            });
        }
    }
    outcome
}

impl Outcome {
    fn fail(&mut self, line: usize, col: usize, message: String) {
        self.failed += 1;
        self.failures.push(Failure { line, col, message });
    }
}

/// Runs `f`, turning a panic into `Err` with the panic's message and location.
fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    crate::guarded(|| panic::catch_unwind(AssertUnwindSafe(f))).map_err(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "<non-string payload>".to_string());
        let at = crate::take_panic_location().unwrap_or_default();
        format!("engine panicked: {what}{at}")
    })
}

/// An instance the script can name: its address and the module it came from (for
/// enumerating exports on `register`).
struct Inst {
    addr: Instance,
    module: Rc<Module>,
}

/// The state of one script: the store and every name the script has bound.
struct Runner {
    engine: Engine,
    store: Store,
    imports: ImportMap,
    current: Option<Rc<Inst>>,
    instances: HashMap<String, Rc<Inst>>,
    definitions: HashMap<String, Rc<Module>>,
    last_definition: Option<Rc<Module>>,
    /// Notes of the directive being run, drained after each.
    notes: Vec<String>,
}

type Check = Result<(), String>;

impl Runner {
    fn new() -> Result<Runner, String> {
        let engine = Engine::new(detwasm::Config {
            dispatch: dispatch(),
            ..detwasm::Config::default()
        });
        let mut store = Store::new(&engine, ());
        let mut imports = ImportMap::new();
        spectest::install(&mut store, &mut imports)?;
        Ok(Runner {
            engine,
            store,
            imports,
            current: None,
            instances: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
            notes: Vec::new(),
        })
    }

    fn run(&mut self, directive: WastDirective<'_>) -> Check {
        match directive {
            WastDirective::Module(mut quote) => {
                // A module that fails leaves no current instance and unbinds its name,
                // so later directives cannot silently run against an older instance.
                self.current = None;
                let name = quote.name().map(|id| id.name().to_string());
                if let Some(name) = &name {
                    self.instances.remove(name);
                }
                let bytes = encode_quote(&mut quote)?;
                let module = self.compile(&bytes)?;
                let inst = self.instantiate(module)?;
                self.bind(name, inst);
                Ok(())
            }
            WastDirective::ModuleDefinition(mut quote) => {
                let name = quote.name().map(|id| id.name().to_string());
                let bytes = encode_quote(&mut quote)?;
                let module = Rc::new(self.compile(&bytes)?);
                if let Some(name) = name {
                    self.definitions.insert(name, Rc::clone(&module));
                }
                self.last_definition = Some(module);
                Ok(())
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                self.current = None;
                if let Some(id) = instance {
                    self.instances.remove(id.name());
                }
                let def = match module {
                    Some(id) => self.definitions.get(id.name()),
                    None => self.last_definition.as_ref(),
                };
                let def = def.ok_or("module instance: unknown module definition")?;
                let inst = self.instantiate_rc(Rc::clone(def))?;
                self.bind(instance.map(|id| id.name().to_string()), inst);
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                let inst = self.instance(module.map(|id| id.name()))?;
                for export in inst.module.exports() {
                    let ext = self
                        .store
                        .instance_export(inst.addr, &export.name)
                        .ok_or_else(|| format!("register: export {:?} missing", export.name))?;
                    self.imports
                        .insert((name.to_string(), export.name.clone()), ext);
                }
                Ok(())
            }
            WastDirective::Invoke(invoke) => self
                .invoke(&invoke)?
                .map(drop)
                .map_err(|e| format!("invoke {:?} failed: {e}", invoke.name)),
            WastDirective::AssertReturn { exec, results, .. } => self.assert_return(exec, &results),
            WastDirective::AssertTrap { exec, message, .. } => self.assert_trap(exec, message),
            WastDirective::AssertExhaustion { call, message, .. } => {
                let got = self.invoke(&call)?;
                expect_trap(&got, message)
            }
            WastDirective::AssertException { exec, .. } => {
                let got = self.execute(exec)?;
                match &got {
                    Err(Error::Trap(trap)) if trap.code() == TrapCode::UncaughtException => Ok(()),
                    _ => Err(format!(
                        "expected an uncaught exception, got {}",
                        describe(&got)
                    )),
                }
            }
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => self.assert_rejected(&mut module, "invalid", message),
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => self.assert_rejected(&mut module, "malformed", message),
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => self.assert_unlinkable(&mut module, message),
            WastDirective::AssertInvalidCustom { .. } => unsupported("assert_invalid_custom"),
            WastDirective::AssertMalformedCustom { .. } => unsupported("assert_malformed_custom"),
            WastDirective::AssertSuspension { .. } => unsupported("assert_suspension"),
            WastDirective::Thread(_) => unsupported("thread"),
            WastDirective::Wait { .. } => unsupported("wait"),
        }
    }

    fn compile(&self, bytes: &[u8]) -> Result<Module, String> {
        Module::new(&self.engine, bytes).map_err(|e| format!("module rejected: {e}"))
    }

    /// The imports of `module` in its import order, or the first one that no
    /// registered instance or `spectest` provides.
    fn resolve_imports(&self, module: &Module) -> Result<Vec<Extern>, String> {
        module
            .imports()
            .iter()
            .map(|import| {
                self.imports
                    .get(&(import.module.clone(), import.name.clone()))
                    .copied()
                    .ok_or_else(|| format!("unknown import {:?} {:?}", import.module, import.name))
            })
            .collect()
    }

    fn instantiate(&mut self, module: Module) -> Result<Rc<Inst>, String> {
        self.instantiate_rc(Rc::new(module))
    }

    fn instantiate_rc(&mut self, module: Rc<Module>) -> Result<Rc<Inst>, String> {
        let imports = self
            .resolve_imports(&module)
            .map_err(|e| format!("module does not link: {e}"))?;
        let addr = self
            .store
            .instantiate(&module, &imports)
            .map_err(|e| format!("instantiation failed: {e}"))?;
        Ok(Rc::new(Inst { addr, module }))
    }

    fn bind(&mut self, name: Option<String>, inst: Rc<Inst>) {
        if let Some(name) = name {
            self.instances.insert(name, Rc::clone(&inst));
        }
        self.current = Some(inst);
    }

    fn instance(&self, name: Option<&str>) -> Result<Rc<Inst>, String> {
        match name {
            Some(name) => self
                .instances
                .get(name)
                .cloned()
                .ok_or_else(|| format!("unknown instance ${name}")),
            None => self
                .current
                .clone()
                .ok_or_else(|| "no current instance".to_string()),
        }
    }

    /// Calls the export an `invoke` names. The outer `Err` is a failure of the script
    /// setup (unknown instance or export, unrepresentable argument); the inner result
    /// is what the engine returned.
    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Result<Vec<Value>, Error>, String> {
        let inst = self.instance(invoke.module.map(|id| id.name()))?;
        let func = match self.store.instance_export(inst.addr, invoke.name) {
            Some(Extern::Func(func)) => func,
            Some(_) => return Err(format!("export {:?} is not a function", invoke.name)),
            None => return Err(format!("no export {:?}", invoke.name)),
        };
        let args = invoke
            .args
            .iter()
            .map(arg_value)
            .collect::<Result<Vec<Value>, String>>()?;
        Ok(self.store.invoke(func, &args))
    }

    /// Runs the action of an assertion: an invoke, a global read (one value) or the
    /// instantiation of a module (no values).
    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Result<Vec<Value>, Error>, String> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Get { module, global, .. } => {
                let inst = self.instance(module.map(|id| id.name()))?;
                match self.store.instance_export(inst.addr, global) {
                    Some(Extern::Global(g)) => match self.store.global_get(g) {
                        Some(value) => Ok(Ok(vec![value])),
                        None => Err(format!("export {global:?}: dangling global address")),
                    },
                    Some(_) => Err(format!("export {global:?} is not a global")),
                    None => Err(format!("no export {global:?}")),
                }
            }
            WastExecute::Wat(mut wat) => {
                let bytes = encode_wat(&mut wat)?;
                let module = Rc::new(self.compile(&bytes)?);
                let imports = self
                    .resolve_imports(&module)
                    .map_err(|e| format!("module does not link: {e}"))?;
                Ok(self
                    .store
                    .instantiate(&module, &imports)
                    .map(|_| Vec::new()))
            }
        }
    }

    fn assert_return(&mut self, exec: WastExecute<'_>, expected: &[WastRet<'_>]) -> Check {
        let got = self.execute(exec)?;
        let values = match &got {
            Ok(values) => values,
            Err(_) => {
                return Err(format!(
                    "expected {}, got {}",
                    show_rets(expected),
                    describe(&got)
                ))
            }
        };
        let same = values.len() == expected.len()
            && expected.iter().zip(values).all(|(e, v)| ret_matches(e, v));
        if same {
            Ok(())
        } else {
            Err(format!(
                "expected {}, got {}",
                show_rets(expected),
                show_values(values)
            ))
        }
    }

    fn assert_trap(&mut self, exec: WastExecute<'_>, message: &str) -> Check {
        if let WastExecute::Get { .. } = exec {
            return Err("assert_trap on a global read".to_string());
        }
        let got = self.execute(exec)?;
        expect_trap(&got, message)
    }

    /// `assert_invalid` and `assert_malformed`: the module must not load. A module
    /// whose text does not even parse or encode counts as rejected.
    fn assert_rejected(&mut self, module: &mut QuoteWat<'_>, what: &str, message: &str) -> Check {
        let bytes = match module.encode() {
            Ok(bytes) => bytes,
            Err(e) => {
                // Quoted text that does not parse is how the suite spells most
                // malformed modules; an invalid module that wast cannot encode is
                // noted, since the engine never saw it.
                if what == "invalid" {
                    self.notes
                        .push(format!("passed without the engine: wast: {}", e.message()));
                }
                return Ok(());
            }
        };
        match Module::new(&self.engine, &bytes) {
            Ok(_) => Err(format!("module accepted, expected {what}: {message:?}")),
            Err(_) => Ok(()),
        }
    }

    fn assert_unlinkable(&mut self, wat: &mut Wat<'_>, message: &str) -> Check {
        let bytes = encode_wat(wat)?;
        let module = self.compile(&bytes)?;
        let imports = match self.resolve_imports(&module) {
            Ok(imports) => imports,
            Err(e) => {
                // A missing import is itself a link failure; when the script expects
                // a type mismatch instead, an earlier failure probably left the name
                // unregistered, so the pass is noted.
                if !message.contains("unknown import") {
                    self.notes.push(format!(
                        "passed without the engine: {e}, expected {message:?}"
                    ));
                }
                return Ok(());
            }
        };
        match self.store.instantiate(&module, &imports) {
            Err(Error::Link(_)) => Ok(()),
            Ok(_) => Err(format!("module linked, expected unlinkable: {message:?}")),
            Err(e) => Err(format!("expected link error {message:?}, got error: {e}")),
        }
    }
}

fn unsupported(what: &str) -> Check {
    Err(format!("unsupported directive {what}"))
}

fn encode_quote(quote: &mut QuoteWat<'_>) -> Result<Vec<u8>, String> {
    quote
        .encode()
        .map_err(|e| format!("module does not encode: {}", e.message()))
}

fn encode_wat(wat: &mut Wat<'_>) -> Result<Vec<u8>, String> {
    wat.encode()
        .map_err(|e| format!("module does not encode: {}", e.message()))
}

/// Checks that `got` is a trap whose message the script's expected message starts with
/// or contains: the suite appends details ("uninitialized element 2") that the engine
/// does not. "undefined element" and "uninitialized element" stay distinct.
fn expect_trap(got: &Result<Vec<Value>, Error>, expected: &str) -> Check {
    match got {
        Err(Error::Trap(trap)) if trap_message_matches(expected, trap.code().message()) => Ok(()),
        _ => Err(format!("expected trap {expected:?}, got {}", describe(got))),
    }
}

fn trap_message_matches(expected: &str, actual: &str) -> bool {
    !actual.is_empty() && (expected.starts_with(actual) || expected.contains(actual))
}

fn describe(got: &Result<Vec<Value>, Error>) -> String {
    match got {
        Ok(values) => format!("success {}", show_values(values)),
        Err(Error::Trap(trap)) => format!("trap {:?} ({trap})", trap.code().message()),
        Err(e) => format!("error: {e}"),
    }
}

fn show_rets(rets: &[WastRet<'_>]) -> String {
    let parts: Vec<String> = rets.iter().map(show_ret).collect();
    format!("[{}]", parts.join(", "))
}

/// Whether scripts run in the loop dispatch backend (`Dispatch::Loop`) instead of the
/// default (threaded in optimised builds); `main` runs every file in both.
static LOOP_DISPATCH: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Selects the dispatch backend of the scripts run from now on.
pub fn set_loop_dispatch(on: bool) {
    LOOP_DISPATCH.store(on, std::sync::atomic::Ordering::Relaxed);
}

fn dispatch() -> detwasm::Dispatch {
    if LOOP_DISPATCH.load(std::sync::atomic::Ordering::Relaxed) {
        detwasm::Dispatch::Loop
    } else {
        detwasm::Dispatch::Auto
    }
}
