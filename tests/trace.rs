//! The hashed execution trace (SPEC.md §Trace) through the library: replay reproduces
//! every vector bit for bit (recorded host answers, and live); diff and replay name the
//! first divergence of a tampered trace and of a run with another seed; truncated,
//! corrupted, mismatched and wrong-version traces give typed errors and never panic;
//! recording never changes a run's results.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod trace_support;

use std::sync::{Arc, Mutex};

use detwasm::session::{self, RunConfig, TraceOptions};
use detwasm::trace::{
    self, chain_next, chain_start, diff_events, read_events, Event, Trace, TraceError,
    FORMAT_VERSION, MAGIC,
};
use detwasm::{HostCall, HostCallOutcome, TraceHook};
use trace_support::{expected_trace_hash, load_all, run_slow, Vector};

fn vector(name: &str) -> Vector {
    load_all()
        .into_iter()
        .find(|v| v.name == name)
        .unwrap_or_else(|| panic!("no vector {name}"))
}

/// The vector's recorded trace: its stored `trace.bin`, or (hash-only vectors) a
/// fresh recording checked against the stored hash.
fn recorded(v: &Vector) -> Trace {
    match std::fs::read(v.dir.join("trace.bin")) {
        Ok(bytes) => Trace::from_bytes(&bytes).unwrap(),
        Err(_) => {
            let out = session::run(&v.module_bytes(), v.run_config()).unwrap();
            out.trace.unwrap().into_trace().unwrap()
        }
    }
}

#[test]
fn replay_reproduces_every_vector_bit_for_bit() {
    let mut checked = 0;
    for v in load_all() {
        if v.slow() && !run_slow() {
            println!("vector {}: skipped (slow)", v.name);
            continue;
        }
        let rec = recorded(&v);
        assert_eq!(rec.hash_hex(), expected_trace_hash(&v), "{}", v.name);
        let report = trace::replay(&v.module_bytes(), &rec).unwrap();
        assert!(
            report.identical(),
            "{}: replay diverged: {}",
            v.name,
            report
                .divergence
                .map_or("hash differs".into(), |d| d.to_string())
        );
        assert_eq!(report.trace.as_bytes(), rec.as_bytes(), "{}", v.name);
        // The replay ran without any host input, yet reproduced the outputs' digests.
        assert!(
            report.outcome.stdout.is_empty(),
            "{}: a replay writes no stdout",
            v.name
        );
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} vectors replayed");
}

#[test]
fn live_replay_reproduces_the_vectors() {
    for name in [
        "wasi_path",
        "wasi_poll",
        "prog_wc",
        "prog_fs_ops",
        "trap_start_function",
    ] {
        let v = vector(name);
        let report = trace::replay_live(&v.module_bytes(), &recorded(&v), v.run_config()).unwrap();
        assert!(report.identical(), "{name}: {:?}", report.divergence);
        assert!(!report.outcome.stdout.is_empty() || name.starts_with("trap"));
    }
}

/// The events of `trace` with one byte of the data of the first host call that writes
/// `min_len` bytes or more flipped; returns the tampered events and the event index.
/// Flips one byte of the first write run of at least `min_len` bytes; returns the
/// events, the event's index and the run's index in its call's writes.
fn flip_written_byte(events: &[Event], min_len: usize) -> (Vec<Event>, usize, usize) {
    let mut events = events.to_vec();
    for (i, e) in events.iter_mut().enumerate() {
        if let Event::HostCall(c) = e {
            if let Some((w, (_, data))) = c
                .writes
                .iter_mut()
                .enumerate()
                .find(|(_, (_, d))| d.len() >= min_len)
            {
                data[min_len / 2] ^= 0x01;
                return (events, i, w);
            }
        }
    }
    panic!("no host call writes {min_len} bytes");
}

#[test]
fn diff_and_replay_name_a_flipped_byte_of_written_data() {
    let v = vector("prog_wc");
    let rec = recorded(&v);
    let events = rec.events().unwrap();
    // fd_read of stdin writes the text into guest memory; flip one byte of it.
    let (tampered_events, index, run) = flip_written_byte(&events, 100);
    let tampered = Trace::from_events(&tampered_events);
    assert_ne!(tampered.hash(), rec.hash());
    let d = trace::diff(&rec, &tampered).unwrap().expect("a difference");
    assert_eq!(d.index, index);
    assert_eq!(d.field, format!("writes[{run}].data"));
    assert_eq!(d.expected_event, "host_call wasi_snapshot_preview1.fd_read");
    assert!(
        d.expected.contains("byte 50") && d.actual.contains("byte 50"),
        "{d}"
    );
    assert_ne!(d.expected, d.actual);
    println!("{d}");
    // Replaying the tampered trace feeds the flipped byte to the program: its output and
    // final memory no longer match what the trace recorded.
    let report = trace::replay(&v.module_bytes(), &tampered).unwrap();
    assert!(!report.identical());
    let d = report.divergence.unwrap();
    assert!(d.index > index, "{d}");
    println!("replay: {d}");
}

#[test]
fn a_tampered_result_makes_the_replay_diverge_after_it() {
    // fd_read reports one byte less than it wrote: wc computes with one byte less from
    // then on, and the replay's trace departs from the recording after that call.
    let v = vector("prog_wc");
    let rec = recorded(&v);
    let mut events = rec.events().unwrap();
    let (i, c) = events
        .iter_mut()
        .enumerate()
        .find_map(|(i, e)| match e {
            Event::HostCall(c) if c.name == "fd_read" => Some((i, c)),
            _ => None,
        })
        .unwrap();
    // The 4-byte `nread` result (records are in address order, SPEC.md §Trace events).
    let nread = c.writes.iter_mut().find(|(_, d)| d.len() == 4).unwrap();
    nread.1[0] = nread.1[0].wrapping_sub(1);
    let report = trace::replay(&v.module_bytes(), &Trace::from_events(&events)).unwrap();
    let d = report.divergence.expect("a divergence");
    assert!(d.index > i && d.index < events.len(), "{d}");
    println!("{d}");
}

#[test]
fn diff_names_a_different_seed() {
    let a = recorded(&vector("wasi_random"));
    let b = recorded(&vector("wasi_random_seed_8"));
    let d = trace::diff(&a, &b).unwrap().unwrap();
    assert_eq!((d.index, d.field.as_str()), (0, "seed"));
    assert_eq!((d.expected.as_str(), d.actual.as_str()), ("7", "8"));
    // Past the start event, the first host call that differs is the first random_get.
    let ea = a.events().unwrap();
    let eb = b.events().unwrap();
    let d = diff_events(&ea[1..], &eb[1..]).unwrap();
    assert_eq!(
        d.expected_event,
        "host_call wasi_snapshot_preview1.random_get"
    );
    assert_eq!(d.field, "writes[0].data");
    // A live replay of the seed-7 trace with seed 8 diverges at the start event.
    let v = vector("wasi_random");
    let mut rc = v.run_config();
    rc.wasi.seed = 8;
    let report = trace::replay_live(&v.module_bytes(), &a, rc).unwrap();
    let d = report.divergence.unwrap();
    assert_eq!((d.index, d.field.as_str()), (0, "seed"));
    assert_eq!(report.trace.hash(), b.hash());
}

/// Replays `events` (the chain recomputed, as a forger would) from the trace alone and
/// returns the contradiction it reports.
fn contradiction_of(v: &Vector, events: &[Event]) -> String {
    let forged = Trace::from_events(events);
    let report = trace::replay(&v.module_bytes(), &forged).unwrap();
    assert!(!report.identical(), "a forged trace replayed as identical");
    report.contradiction.expect("a contradiction")
}

fn start_of(events: &mut [Event]) -> &mut trace::StartEvent {
    match &mut events[0] {
        Event::Start(s) => s,
        _ => unreachable!("the first event is the start event"),
    }
}

#[test]
fn replay_checks_what_the_recorded_inputs_determine() {
    // Untouched recordings replay as identical, noting what was not checked.
    for name in [
        "wasi_random",
        "wasi_args_env",
        "wasi_clock",
        "wasi_stdio",
        "prog_wc",
    ] {
        let v = vector(name);
        let report = trace::replay(&v.module_bytes(), &recorded(&v)).unwrap();
        assert!(report.identical(), "{name}: {:?}", report.contradiction);
        assert!(report.fs_unchecked);
    }
    // A changed seed: the recorded random bytes are not the new seed's stream.
    let v = vector("wasi_random");
    let mut events = recorded(&v).events().unwrap();
    start_of(&mut events).seed += 1;
    let c = contradiction_of(&v, &events);
    assert!(c.contains("random_get") && c.contains("seed"), "{c}");
    // A changed environment value: environ_get's writes no longer follow from it.
    let v = vector("wasi_args_env");
    let mut events = recorded(&v).events().unwrap();
    start_of(&mut events).env[0].1 = "2".into();
    let c = contradiction_of(&v, &events);
    assert!(c.contains("environ"), "{c}");
    // An environment name no configuration accepts.
    let mut events = recorded(&v).events().unwrap();
    start_of(&mut events).env[0].0 = "A=B".into();
    let c = contradiction_of(&v, &events);
    assert!(c.contains("start event") && c.contains("A=B"), "{c}");
    // A changed argument.
    let mut events = recorded(&v).events().unwrap();
    start_of(&mut events).args[1] = "other".into();
    let c = contradiction_of(&v, &events);
    assert!(c.contains("args_"), "{c}");
    // A changed clock start: the recorded observations break the clock rule.
    let v = vector("wasi_clock");
    let mut events = recorded(&v).events().unwrap();
    start_of(&mut events).clock_start_ns += 1;
    let c = contradiction_of(&v, &events);
    assert!(c.contains("clock"), "{c}");
    // A changed stdout digest: it is not the digest of what the program wrote.
    let v = vector("prog_wc");
    let mut events = recorded(&v).events().unwrap();
    let last = events.len() - 1;
    if let Event::End(e) = &mut events[last] {
        e.stdout_sha256[0] ^= 1;
    }
    let c = contradiction_of(&v, &events);
    assert!(c.contains("stdout_sha256"), "{c}");
    // A changed stdin digest, and a stdin shorter than what the program read.
    let mut events = recorded(&v).events().unwrap();
    start_of(&mut events).stdin_sha256[5] ^= 1;
    let c = contradiction_of(&v, &events);
    assert!(c.contains("stdin_sha256"), "{c}");
    let mut events = recorded(&v).events().unwrap();
    start_of(&mut events).stdin_len -= 1;
    let c = contradiction_of(&v, &events);
    assert!(c.contains("more than the"), "{c}");
    // Host gas that §Host gas does not give.
    let v = vector("wasi_random");
    let mut events = recorded(&v).events().unwrap();
    let call = events
        .iter_mut()
        .find_map(|e| match e {
            Event::HostCall(c) if c.name == "random_get" => Some(c),
            _ => None,
        })
        .unwrap();
    call.gas_charged += 1;
    call.gas_used += 1;
    let forged = Trace::from_events(&events);
    let report = trace::replay(&v.module_bytes(), &forged).unwrap();
    assert!(!report.identical());
}

#[test]
fn identical_traces_have_no_difference() {
    let a = recorded(&vector("wasi_clock"));
    assert_eq!(trace::diff(&a, &a.clone()).unwrap(), None);
}

// ------------------------------------------------------------------------------------
// Bad input

fn small_trace() -> Vec<u8> {
    recorded(&vector("wasi_proc_exit")).into_bytes()
}

#[test]
fn every_truncation_is_a_typed_error() {
    let bytes = small_trace();
    for n in 0..bytes.len() {
        let err = Trace::from_bytes(&bytes[..n]).unwrap_err();
        assert!(
            matches!(err, TraceError::Truncated { .. } | TraceError::BadMagic),
            "prefix {n}: {err}"
        );
    }
    let err = Trace::from_bytes(&bytes[..bytes.len() - 10]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("truncated trace: trailer trace hash"),
        "{err}"
    );
}

#[test]
fn every_flipped_bit_is_a_typed_error() {
    let bytes = small_trace();
    for i in 0..bytes.len() {
        for bit in [0x01u8, 0x80] {
            let mut b = bytes.clone();
            b[i] ^= bit;
            assert!(
                Trace::from_bytes(&b).is_err(),
                "byte {i} bit {bit:#x} went unnoticed"
            );
        }
    }
    // A flipped byte inside an event is caught by the chain.
    let mut b = bytes.clone();
    b[40] ^= 0x10;
    let err = Trace::from_bytes(&b).unwrap_err();
    assert!(matches!(err, TraceError::HashMismatch { .. }), "{err}");
    assert!(err.to_string().contains("corrupted or was edited"), "{err}");
}

#[test]
fn wrong_magic_version_and_trailing_bytes_are_named() {
    let bytes = small_trace();
    let mut b = bytes.clone();
    b[0] = b'D';
    assert_eq!(Trace::from_bytes(&b), Err(TraceError::BadMagic));
    let mut b = bytes.clone();
    // Version 1 (no max_live_exceptions in the start event) is refused, as is 3.
    b[8..12].copy_from_slice(&1u32.to_le_bytes());
    let err = Trace::from_bytes(&b).unwrap_err();
    assert_eq!(
        err,
        TraceError::UnsupportedVersion {
            found: 1,
            supported: 2
        }
    );
    assert_eq!(
        err.to_string(),
        "unsupported trace format version 1 (this detwasm reads version 2)"
    );
    b[8..12].copy_from_slice(&3u32.to_le_bytes());
    assert!(matches!(
        Trace::from_bytes(&b),
        Err(TraceError::UnsupportedVersion { found: 3, .. })
    ));
    let mut b = bytes.clone();
    b.extend_from_slice(b"junk");
    assert!(matches!(
        Trace::from_bytes(&b),
        Err(TraceError::TrailingBytes { count: 4, .. })
    ));
    assert!(matches!(
        Trace::from_bytes(b"not a trace at all"),
        Err(TraceError::BadMagic)
    ));
}

/// A trace file made of raw frames with a correct chain and trailer.
fn raw_trace(frames: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    let mut h = chain_start(FORMAT_VERSION);
    for (kind, payload) in frames {
        out.push(*kind);
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(payload);
        h = chain_next(&h, *kind, payload);
    }
    out.push(0);
    out.extend_from_slice(&(frames.len() as u64).to_le_bytes());
    out.extend_from_slice(&h);
    out
}

#[test]
fn huge_length_fields_never_allocate() {
    // A frame claiming a payload of 2^64 - 1 bytes.
    let mut b = MAGIC.to_vec();
    b.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    b.push(1);
    b.extend_from_slice(&u64::MAX.to_le_bytes());
    assert!(matches!(
        Trace::from_bytes(&b),
        Err(TraceError::Truncated {
            what: "event payload",
            ..
        })
    ));
    // A correctly chained start event whose argument count is 2^60.
    let events = recorded(&vector("wasi_proc_exit")).events().unwrap();
    let mut frames: Vec<(u8, Vec<u8>)> = events.iter().map(|e| (e.kind(), e.payload())).collect();
    let start = &mut frames[0].1;
    // format_version, module_sha256, entry ("_start"), entry_args (0), ...: the entry
    // args count is at 4 + 32 + 8 + 6.
    start[50..58].copy_from_slice(&(1u64 << 60).to_le_bytes());
    let err = Trace::from_bytes(&raw_trace(&frames)).unwrap_err();
    assert!(
        matches!(
            err,
            TraceError::Truncated {
                what: "entry_args",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn structure_errors_are_named() {
    let events = recorded(&vector("wasi_proc_exit")).events().unwrap();
    let frames: Vec<(u8, Vec<u8>)> = events.iter().map(|e| (e.kind(), e.payload())).collect();
    let no_end = raw_trace(&frames[..frames.len() - 1]);
    let err = Trace::from_bytes(&no_end).unwrap_err();
    assert!(matches!(err, TraceError::Structure(_)), "{err}");
    let mut two_starts = frames.clone();
    two_starts.insert(1, frames[0].clone());
    assert!(matches!(
        Trace::from_bytes(&raw_trace(&two_starts)),
        Err(TraceError::Structure(_))
    ));
    // A payload with an extra byte: chained correctly, but it does not decode exactly.
    let mut extra = frames.clone();
    extra[1].1.push(0);
    let err = Trace::from_bytes(&raw_trace(&extra)).unwrap_err();
    assert!(matches!(err, TraceError::Malformed { .. }), "{err}");
    // An unknown value type byte.
    let mut bad = frames.clone();
    let call = &mut bad[1].1;
    let at = 8 + "wasi_snapshot_preview1".len() + 8 + "fd_write".len() + 8;
    call[at] = 0x42;
    let err = Trace::from_bytes(&raw_trace(&bad)).unwrap_err();
    assert!(
        err.to_string().contains("unknown value type byte 0x42"),
        "{err}"
    );
}

#[test]
fn impossible_values_and_stray_checkpoints_are_malformed() {
    let events = recorded(&vector("wasi_proc_exit")).events().unwrap();
    let frames: Vec<(u8, Vec<u8>)> = events.iter().map(|e| (e.kind(), e.payload())).collect();
    // The first argument of the first host call, rewritten as a reference value.
    let at = 8 + "wasi_snapshot_preview1".len() + 8 + "fd_write".len() + 8;
    let with_value = |ty: u8, bits: u64| {
        let mut f = frames.clone();
        f[1].1[at] = ty;
        f[1].1[at + 1..at + 9].copy_from_slice(&bits.to_le_bytes());
        raw_trace(&f)
    };
    for (ty, bits, ok) in [
        (0x69u8, 0u64, true),
        (0x69, 1, true),
        (0x69, 2, false),
        (0x70, 1 << 32, true),
        (0x70, (1 << 32) + 1, false),
    ] {
        let bytes = with_value(ty, bits);
        let read = Trace::from_bytes(&bytes).and_then(|t| t.events());
        assert_eq!(read.is_ok(), ok, "type {ty:#x} bits {bits:#x}: {read:?}");
        if !ok {
            assert!(
                read.unwrap_err().to_string().contains("cannot occur"),
                "type {ty:#x}"
            );
        }
        // The independent checker agrees (when python3 is there).
        let path = std::env::temp_dir().join(format!(
            "detwasm-value-{}-{ty}-{bits}.trace",
            std::process::id()
        ));
        std::fs::write(&path, &bytes).unwrap();
        let checker =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/check_trace.py");
        if let Ok(out) = std::process::Command::new("python3")
            .arg(&checker)
            .arg(&path)
            .output()
        {
            assert_eq!(
                out.status.success(),
                ok,
                "checker on type {ty:#x} bits {bits:#x}"
            );
        }
        let _ = std::fs::remove_file(&path);
    }
    // A checkpoint event in a trace recorded without checkpoints (interval 0).
    assert_eq!(
        match &events[0] {
            Event::Start(s) => s.checkpoint_interval,
            _ => unreachable!(),
        },
        0
    );
    let mut stray = frames.clone();
    let mut cp = Vec::new();
    for v in [0u64, 5] {
        cp.extend_from_slice(&v.to_le_bytes());
    }
    cp.extend_from_slice(&[0u8; 40]);
    stray.insert(1, (4, cp));
    let stray = raw_trace(&stray);
    let err = Trace::from_bytes(&stray)
        .and_then(|t| t.events())
        .unwrap_err();
    assert!(
        err.to_string().contains("checkpoint interval is 0"),
        "{err}"
    );
    let path = std::env::temp_dir().join(format!("detwasm-stray-{}.trace", std::process::id()));
    std::fs::write(&path, &stray).unwrap();
    let checker = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/check_trace.py");
    if let Ok(out) = std::process::Command::new("python3")
        .arg(&checker)
        .arg(&path)
        .output()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("checkpoint interval is 0"), "{text}");
    }
    let _ = std::fs::remove_file(&path);
}

/// An event kind no version defines yet.
const UNKNOWN_KIND: u8 = 9;

#[test]
fn unknown_event_kinds_are_chained_and_kept() {
    // A future kind (a checkpoint) between host calls: readers of this version hash it,
    // keep its bytes and go on.
    let events = recorded(&vector("wasi_proc_exit")).events().unwrap();
    let mut frames: Vec<(u8, Vec<u8>)> = events.iter().map(|e| (e.kind(), e.payload())).collect();
    frames.insert(1, (UNKNOWN_KIND, vec![1, 2, 3]));
    let read = read_events(&raw_trace(&frames)).unwrap();
    assert_eq!(read.events.len(), events.len() + 1);
    assert_eq!(
        read.events[1],
        Event::Other {
            kind: UNKNOWN_KIND,
            payload: vec![1, 2, 3]
        }
    );
    let lines = trace::show_json_lines(&raw_trace(&frames)).unwrap();
    assert!(lines[1].contains("\"kind\":\"unknown\""), "{}", lines[1]);
}

#[test]
fn a_trace_of_another_module_is_rejected() {
    let rec = recorded(&vector("trap_unreachable"));
    let other = vector("trap_integer_overflow").module_bytes();
    let err = trace::replay(&other, &rec).err().unwrap();
    let msg = err.to_string();
    assert!(
        matches!(
            err,
            trace::ReplayError::Trace(TraceError::ModuleMismatch { .. })
        ),
        "{msg}"
    );
    assert!(
        msg.starts_with("the trace was recorded from another module"),
        "{msg}"
    );
}

// ------------------------------------------------------------------------------------
// Recording is only an observer

#[derive(Default)]
struct Counter(Arc<Mutex<Vec<String>>>);

impl TraceHook for Counter {
    fn host_call(&mut self, call: &HostCall<'_>, _outcome: &HostCallOutcome<'_>) {
        self.0.lock().unwrap().push(call.name.to_string());
    }
}

#[test]
fn recording_changes_nothing_and_forwards_to_the_embedders_hook() {
    for name in ["prog_fs_ops", "oog_host_call", "wasi_stdio"] {
        let v = vector(name);
        let calls = Arc::new(Mutex::new(Vec::new()));
        let rc = RunConfig {
            trace_hook: Some(Box::new(Counter(Arc::clone(&calls)))),
            ..v.run_config()
        };
        let on = session::run(&v.module_bytes(), rc).unwrap();
        let off = session::run_traced(
            &v.module_bytes(),
            v.run_config(),
            TraceOptions {
                record: false,
                replay: None,
            },
        )
        .unwrap();
        assert!(off.trace.is_none());
        assert_eq!(on.stdout, off.stdout);
        assert_eq!(on.stderr, off.stderr);
        assert_eq!(on.gas_used, off.gas_used);
        assert_eq!(on.exit_code, off.exit_code);
        assert_eq!(on.trap, off.trap);
        assert_eq!(on.preopens, off.preopens);
        let events = on.trace.unwrap().into_trace().unwrap().events().unwrap();
        let names: Vec<String> = events
            .iter()
            .filter_map(|e| match e {
                Event::HostCall(c) => Some(c.name.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(*calls.lock().unwrap(), names, "{name}");
        assert!(
            on.trace_hook.is_some(),
            "the embedder's hook is handed back"
        );
    }
}

#[test]
fn show_prints_one_json_object_per_event() {
    let rec = recorded(&vector("wasi_args_env"));
    let lines = trace::show_json_lines(rec.as_bytes()).unwrap();
    assert_eq!(lines.len() as u64, rec.event_count() + 1);
    assert!(lines[0].starts_with("{\"index\":0,\"kind\":\"start\""));
    assert!(
        lines[0].contains("\"args\":[\"prog.wasm\",\"hello world\",\"\",\"ünï\"]"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("\"env\":[[\"A\",\"1\"],[\"EMPTY\",\"\"],[\"X\",\"a=b\"]]"));
    assert!(lines[0].contains("\"limits\":{\"max_module_bytes\":268435456,"));
    assert!(lines[1].contains("\"func\":\"wasi_snapshot_preview1.args_sizes_get\""));
    // argc at 256 and the buffer size at 260 are one write run (SPEC.md §Trace events).
    assert!(
        lines[1].contains("\"writes\":[{\"addr\":256,\"len\":8,\"data\":\"04000000"),
        "{}",
        lines[1]
    );
    let last = lines.last().unwrap();
    assert_eq!(
        *last,
        format!(
            "{{\"kind\":\"trailer\",\"events\":{},\"trace_hash\":\"{}\"}}",
            rec.event_count(),
            rec.hash_hex()
        )
    );
    for l in &lines {
        assert!(l.starts_with('{') && l.ends_with('}') && !l.contains('\n'));
    }
}

#[test]
fn checkpoints_change_only_the_recorded_interval() {
    // Checkpoints turn fused ops off; gas, results and host calls stay the same, so the
    // trace differs only in the start event's checkpoint_interval and the checkpoint
    // events between the others.
    let v = vector("prog_wc");
    let mut rc = v.run_config();
    rc.config.checkpoint_interval = 10_000;
    let out = session::run(&v.module_bytes(), rc).unwrap();
    let with = out.trace.unwrap().into_trace().unwrap();
    let without = recorded(&v);
    let d = trace::diff(&without, &with).unwrap().unwrap();
    assert_eq!((d.index, d.field.as_str()), (0, "checkpoint_interval"));
    let (a, b) = (without.events().unwrap(), with.events().unwrap());
    let b_rest: Vec<_> = b[1..]
        .iter()
        .filter(|e| !matches!(e, trace::Event::Checkpoint(_)))
        .cloned()
        .collect();
    assert_eq!(a[1..], b_rest[..]);
    assert!(b.len() > a.len() + 10, "checkpoint events are recorded");
    let report = trace::replay(&v.module_bytes(), &with).unwrap();
    assert!(report.identical(), "{:?}", report.divergence);
}
