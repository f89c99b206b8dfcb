//! The `replay` and `trace_decode` targets' checks. `replay`: one of the WASI test
//! programs (`tests/programs/*.wasm`, embedded) is run by `session::run` with inputs
//! the fuzzer picks (arguments, environment, seed, clock start, stdin, a small preopened
//! tree, a gas limit), its trace recorded; then `trace::replay` answers every host call
//! from the recording and must reproduce it exactly (no divergence, same trace hash,
//! same outcome and gas), and a second live run with the same inputs must give the same
//! trace hash. `trace_decode`: arbitrary bytes to the trace reader and everything built
//! on it (`read_events`, `Trace::from_bytes`, `show_json_lines`, `Replay::from_events`,
//! `trace::replay` against a small module): typed errors only, and whatever decodes
//! re-encodes to a trace that decodes to the same events. Each input is also tried
//! with its hash chain and trailer recomputed, so mutations reach the event decoder.

use arbitrary::Unstructured;
use detwasm::session::{self, RunConfig};
use detwasm::trace::{self, Replay, Trace};
use detwasm::wasi::fs::Dir;
use detwasm::wasi::{Preopen, WasiConfig};
use detwasm::Config;

/// The WASI programs of the seed corpus.
pub const PROGRAMS: [(&str, &[u8]); 8] = [
    (
        "args_env",
        include_bytes!("../../tests/programs/args_env.wasm"),
    ),
    (
        "clock_rand",
        include_bytes!("../../tests/programs/clock_rand.wasm"),
    ),
    (
        "exit_code",
        include_bytes!("../../tests/programs/exit_code.wasm"),
    ),
    ("floats", include_bytes!("../../tests/programs/floats.wasm")),
    ("fs_ops", include_bytes!("../../tests/programs/fs_ops.wasm")),
    ("heap", include_bytes!("../../tests/programs/heap.wasm")),
    ("links", include_bytes!("../../tests/programs/links.wasm")),
    ("wc", include_bytes!("../../tests/programs/wc.wasm")),
];

fn small_string(u: &mut Unstructured<'_>) -> String {
    let n = u.int_in_range(0..=12).unwrap_or(0);
    (0..n)
        .map(|_| char::from(u.int_in_range(0x20u8..=0x7e).unwrap_or(b'a')))
        .collect()
}

/// WASI inputs and limits chosen by the fuzzer.
fn run_config(u: &mut Unstructured<'_>, name: &str) -> RunConfig {
    let mut args = vec![format!("{name}.wasm")];
    for _ in 0..u.int_in_range(0..=3).unwrap_or(0) {
        args.push(small_string(u));
    }
    let env = (0..u.int_in_range(0..=2).unwrap_or(0))
        .map(|_| {
            (
                format!("K{}", small_string(u).replace('=', "_")),
                small_string(u),
            )
        })
        .collect();
    let mut tree = Dir::new();
    for i in 0..u.int_in_range(0..=3).unwrap_or(0) {
        let data: Vec<u8> = (0..u.int_in_range(0..=64).unwrap_or(0))
            .map(|_| u.arbitrary().unwrap_or(0))
            .collect();
        let _ = tree.add_file(&format!("f{i}.txt"), data);
    }
    if u.arbitrary().unwrap_or(false) {
        let _ = tree.add_dir("sub/deeper");
        let _ = tree.add_symlink("link", "f0.txt");
    }
    let stdin: Vec<u8> = (0..u.int_in_range(0..=256).unwrap_or(0))
        .map(|_| u.arbitrary().unwrap_or(b'x'))
        .collect();
    let wasi = WasiConfig {
        args,
        env,
        seed: u.arbitrary().unwrap_or(0),
        clock_start_ns: u.arbitrary().unwrap_or(0),
        stdin,
        preopens: vec![Preopen {
            guest_path: "/data".into(),
            tree,
        }],
        ..WasiConfig::default()
    };
    let config = Config {
        gas_limit: u.int_in_range(0..=5_000_000).unwrap_or(1_000_000),
        ..Config::default()
    };
    RunConfig {
        config,
        wasi,
        ..RunConfig::default()
    }
}

pub fn replay(data: &[u8]) {
    // The same bytes give the same program and inputs: built twice for two live runs.
    let pick = || {
        let mut u = Unstructured::new(data);
        let (name, bytes) = PROGRAMS[u.choose_index(PROGRAMS.len()).unwrap_or(0)];
        (name, bytes, run_config(&mut u, name))
    };
    let (name, bytes, rc) = pick();
    let (_, _, rc2) = pick();
    let what = format!(
        "{name} args {:?} env {:?} seed {} clock {} stdin {} bytes gas {}",
        rc.wasi.args,
        rc.wasi.env,
        rc.wasi.seed,
        rc.wasi.clock_start_ns,
        rc.wasi.stdin.len(),
        rc.config.gas_limit
    );
    let recorded = match session::run(bytes, rc) {
        Ok(o) => o,
        Err(e) => panic!("{what}: session::run failed: {e}"),
    };
    if let Some(t) = recorded.trap.as_ref() {
        if t.code() == detwasm::TrapCode::Internal {
            panic!("{what}: detwasm trapped with an internal error (a bug): {t}");
        }
    }
    let Some(spooled) = recorded.trace.as_ref() else {
        panic!("{what}: no trace recorded");
    };
    let mut file = Vec::new();
    if let Err(e) = spooled.write_to(&mut file) {
        panic!("{what}: cannot read the trace back: {e}");
    }
    let trace = match Trace::from_bytes(&file) {
        Ok(t) => t,
        Err(e) => panic!("{what}: the recorded trace does not read back: {e}"),
    };
    let trace = &trace;
    let report = match trace::replay(bytes, trace) {
        Ok(r) => r,
        Err(e) => panic!("{what}: replay failed: {e}"),
    };
    if let Some(d) = &report.divergence {
        panic!("{what}: replay diverges from the recording: {d:?}");
    }
    if report.trace.hash() != trace.hash() {
        panic!(
            "{what}: replay hash {} != recorded {}",
            report.trace.hash_hex(),
            trace.hash_hex()
        );
    }
    if report.outcome.gas_used != recorded.gas_used
        || report.outcome.exit_code != recorded.exit_code
        || report.outcome.trap.as_ref().map(|t| t.code())
            != recorded.trap.as_ref().map(|t| t.code())
    {
        panic!(
            "{what}: replay outcome differs: gas {} vs {}, exit {:?} vs {:?}, trap {:?} vs {:?}",
            report.outcome.gas_used,
            recorded.gas_used,
            report.outcome.exit_code,
            recorded.exit_code,
            report.outcome.trap,
            recorded.trap
        );
    }
    // A second live run with the same inputs: the same trace.
    let again = match session::run(bytes, rc2) {
        Ok(o) => o,
        Err(e) => panic!("{what}: second session::run failed: {e}"),
    };
    let h2 = again.trace.as_ref().map(trace::SpooledTrace::hash_hex);
    if h2.as_deref() != Some(trace.hash_hex().as_str()) {
        panic!(
            "{what}: second live run hash {h2:?} != {}",
            trace.hash_hex()
        );
    }
}

/// A tiny module for replaying decoded traces against.
const TINY: &[u8] = include_bytes!("../../tests/programs/exit_code.wasm");

/// The input with its hash chain and trailer recomputed, when it has a valid header and
/// frames (kind, u64 length, payload) up to a trailer kind or the end: mutated payloads
/// then reach the event decoder instead of stopping at `HashMismatch`.
fn rechain(data: &[u8]) -> Option<Vec<u8>> {
    let header = trace::MAGIC.len() + 4;
    if data.len() < header || data[..8] != trace::MAGIC {
        return None;
    }
    let version = u32::from_le_bytes(data[8..12].try_into().ok()?);
    let mut out = data[..header].to_vec();
    let mut hash = trace::chain_start(version);
    let mut count = 0u64;
    let mut at = header;
    while at < data.len() && data[at] != 0 {
        let kind = data[at];
        let len_bytes = data.get(at + 1..at + 9)?;
        let len = u64::from_le_bytes(len_bytes.try_into().ok()?);
        let start = at + 9;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        let payload = data.get(start..end)?;
        hash = trace::chain_next(&hash, kind, payload);
        out.extend_from_slice(&data[at..end]);
        count += 1;
        at = end;
    }
    out.push(0);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&hash);
    Some(out)
}

pub fn trace_decode(data: &[u8]) {
    decode_checks(data);
    if let Some(fixed) = rechain(data) {
        decode_checks(&fixed);
    }
}

fn decode_checks(data: &[u8]) {
    let _ = trace::show_json_lines(data);
    let read = trace::read_events(data);
    let from = Trace::from_bytes(data);
    if read.is_ok() != from.is_ok() {
        panic!(
            "read_events and Trace::from_bytes disagree: {:?} vs {:?}",
            read.as_ref().err(),
            from.as_ref().err()
        );
    }
    let (Ok(read), Ok(t)) = (read, from) else {
        return;
    };
    let events = match t.events() {
        Ok(e) => e,
        Err(e) => panic!("Trace::from_bytes accepted what events() rejects: {e}"),
    };
    if events != read.events {
        panic!("events() and read_events disagree");
    }
    let again = Trace::from_events(&events);
    match trace::read_events(again.as_bytes()) {
        Ok(r) if r.events == events => {}
        Ok(_) => panic!("re-encoded trace decodes to other events"),
        Err(e) => panic!("re-encoded trace does not decode: {e}"),
    }
    if again.hash() != t.hash() {
        panic!(
            "re-encoding changed the trace hash: {} vs {}",
            again.hash_hex(),
            t.hash_hex()
        );
    }
    let _ = Replay::from_events(&events);
    let _ = trace::replay(TINY, &t);
}
