//! Events for people and scripts: one JSON object per event (`detwasm trace show`),
//! a flat field list per event, and [`diff_events`], which names the first event and
//! field where two traces differ (`detwasm diff`, `detwasm replay`). Pure functions of
//! the events; hand-written JSON (strings escaped per RFC 8259). Depends on `event`.

use std::fmt::Write as _;

use super::codec::Digest32;
use super::event::{Event, HostCallEvent, Outcome, StartEvent, TraceValue, LIMIT_NAMES};
use super::file::hex32;

/// A JSON string literal.
pub fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn jhex(b: &[u8]) -> String {
    format!("\"{}\"", hex::encode(b))
}

fn jdigest(d: &Digest32) -> String {
    format!("\"{}\"", hex32(d))
}

fn jvalues(vs: &[TraceValue]) -> String {
    let items: Vec<String> = vs.iter().map(|v| json_str(&v.text())).collect();
    format!("[{}]", items.join(","))
}

fn jstrings(vs: &[String]) -> String {
    let items: Vec<String> = vs.iter().map(|v| json_str(v)).collect();
    format!("[{}]", items.join(","))
}

/// A field's value, as JSON text or raw bytes (compared byte by byte in a diff).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldValue {
    /// A JSON value.
    Json(String),
    /// Bytes (a write's data).
    Bytes(Vec<u8>),
}

impl FieldValue {
    fn json(&self) -> String {
        match self {
            FieldValue::Json(s) => s.clone(),
            FieldValue::Bytes(b) => jhex(b),
        }
    }
}

type Fields = Vec<(String, FieldValue)>;

fn push(f: &mut Fields, name: impl Into<String>, v: String) {
    f.push((name.into(), FieldValue::Json(v)));
}

fn start_fields(s: &StartEvent, f: &mut Fields) {
    push(f, "format_version", s.format_version.to_string());
    push(f, "module_sha256", jdigest(&s.module_sha256));
    push(f, "entry", json_str(&s.entry));
    push(f, "entry_args", jvalues(&s.entry_args));
    push(f, "gas_limit", s.gas_limit.to_string());
    push(f, "gas_metering", s.gas_metering.to_string());
    push(
        f,
        "gas_schedule_version",
        s.gas_schedule_version.to_string(),
    );
    push(f, "gas_schedule_sha256", jdigest(&s.gas_schedule_sha256));
    push(
        f,
        "host_schedule_version",
        s.host_schedule_version.to_string(),
    );
    push(f, "host_schedule_sha256", jdigest(&s.host_schedule_sha256));
    push(f, "seed", s.seed.to_string());
    push(f, "clock_start_ns", s.clock_start_ns.to_string());
    push(f, "clock_step_ns", s.clock_step_ns.to_string());
    push(f, "args", jstrings(&s.args));
    let env: Vec<String> = s
        .env
        .iter()
        .map(|(k, v)| format!("[{},{}]", json_str(k), json_str(v)))
        .collect();
    push(f, "env", format!("[{}]", env.join(",")));
    push(f, "stdin_len", s.stdin_len.to_string());
    push(f, "stdin_sha256", jdigest(&s.stdin_sha256));
    push(f, "fs_sha256", jdigest(&s.fs_sha256));
    push(f, "max_file_bytes", s.max_file_bytes.to_string());
    push(f, "max_fs_bytes", s.max_fs_bytes.to_string());
    for (name, v) in LIMIT_NAMES.iter().zip(s.limits) {
        push(f, format!("limits.{name}"), v.to_string());
    }
    push(f, "checkpoint_interval", s.checkpoint_interval.to_string());
}

fn trap_json(t: &super::event::TrapRecord) -> String {
    format!(
        "{{\"code\":{},\"name\":{},\"status\":{}}}",
        t.code.as_u8(),
        json_str(t.code.name()),
        t.status
    )
}

fn host_call_fields(c: &HostCallEvent, f: &mut Fields) {
    push(f, "func", json_str(&format!("{}.{}", c.module, c.name)));
    push(f, "args", jvalues(&c.args));
    push(f, "results", jvalues(&c.results));
    push(f, "trap", c.trap.as_ref().map_or("null".into(), trap_json));
    push(f, "writes.count", c.writes.len().to_string());
    for (i, (addr, data)) in c.writes.iter().enumerate() {
        push(f, format!("writes[{i}].addr"), addr.to_string());
        f.push((format!("writes[{i}].data"), FieldValue::Bytes(data.clone())));
    }
    push(f, "reads_sha256", jdigest(&c.reads_sha256));
    push(f, "gas_charged", c.gas_charged.to_string());
    push(f, "gas_used", c.gas_used.to_string());
}

fn outcome_json(o: &Outcome) -> String {
    match o {
        Outcome::Returned(vs) => format!("{{\"returned\":{}}}", jvalues(vs)),
        Outcome::Exit(s) => format!("{{\"exit\":{s}}}"),
        Outcome::Trap { code, func, offset } => {
            let opt = |v: u32| {
                if v == u32::MAX {
                    "null".to_string()
                } else {
                    v.to_string()
                }
            };
            format!(
                "{{\"trap\":{},\"code\":{},\"func\":{},\"offset\":{}}}",
                json_str(code.name()),
                code.as_u8(),
                opt(*func),
                opt(*offset)
            )
        }
    }
}

/// The fields of an event in encoding order, `kind` first; values are JSON.
pub fn event_fields(e: &Event) -> Vec<(String, FieldValue)> {
    let mut f = Vec::new();
    push(&mut f, "kind", json_str(e.kind_name()));
    match e {
        Event::Start(s) => start_fields(s, &mut f),
        Event::HostCall(c) => host_call_fields(c, &mut f),
        Event::End(x) => {
            push(&mut f, "outcome", outcome_json(&x.outcome));
            push(&mut f, "gas_used", x.gas_used.to_string());
            push(&mut f, "memory_sha256", jdigest(&x.memory_sha256));
            push(&mut f, "globals_sha256", jdigest(&x.globals_sha256));
            push(&mut f, "tables_sha256", jdigest(&x.tables_sha256));
            push(&mut f, "fs_sha256", jdigest(&x.fs_sha256));
            push(&mut f, "stdout_sha256", jdigest(&x.stdout_sha256));
            push(&mut f, "stderr_sha256", jdigest(&x.stderr_sha256));
        }
        Event::Checkpoint(c) => {
            push(&mut f, "index", c.index.to_string());
            push(&mut f, "gas_used", c.gas_used.to_string());
            push(&mut f, "func_index", c.func_index.to_string());
            push(&mut f, "offset", c.offset.to_string());
            push(&mut f, "state_sha256", jdigest(&c.state_sha256));
        }
        Event::Other { kind, payload } => {
            push(&mut f, "kind_byte", kind.to_string());
            f.push(("payload".into(), FieldValue::Bytes(payload.clone())));
        }
    }
    f
}

/// One event as a JSON object on one line: `index`, the fields (limits grouped in a
/// `limits` object, writes as `{addr, len, data}` objects with hex data) and `chain`,
/// the chain value after the event.
pub fn event_json(index: usize, e: &Event, chain: &Digest32) -> String {
    let mut out = format!("{{\"index\":{index}");
    let mut limits = Vec::new();
    let fields = event_fields(e);
    let mut writes: Vec<(String, String)> = Vec::new();
    for (name, v) in &fields {
        if let Some(l) = name.strip_prefix("limits.") {
            limits.push(format!("{}:{}", json_str(l), v.json()));
            if l == LIMIT_NAMES[LIMIT_NAMES.len() - 1] {
                let _ = write!(out, ",\"limits\":{{{}}}", limits.join(","));
            }
            continue;
        }
        if name == "writes.count" {
            continue;
        }
        if name.starts_with("writes[") {
            if name.ends_with(".addr") {
                writes.push((v.json(), String::new()));
            } else if let (Some(last), FieldValue::Bytes(b)) = (writes.last_mut(), v) {
                last.1 = format!("\"len\":{},\"data\":{}", b.len(), jhex(b));
            }
            continue;
        }
        if name == "reads_sha256" {
            let items: Vec<String> = writes
                .iter()
                .map(|(a, rest)| format!("{{\"addr\":{a},{rest}}}"))
                .collect();
            let _ = write!(out, ",\"writes\":[{}]", items.join(","));
        }
        let _ = write!(out, ",{}:{}", json_str(name), v.json());
    }
    let _ = write!(out, ",\"chain\":{}}}", jdigest(chain));
    out
}

/// The first difference between two traces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// Index of the first event that differs.
    pub index: usize,
    /// A short description of the expected event (`host_call wasi_snapshot_preview1.fd_write`),
    /// or `(none)` when the expected trace has no event there.
    pub expected_event: String,
    /// The same for the actual event.
    pub actual_event: String,
    /// The first field that differs (`kind` when the kinds differ, `event` when one
    /// side has no event).
    pub field: String,
    /// The expected value of the field.
    pub expected: String,
    /// The actual value of the field.
    pub actual: String,
}

impl std::fmt::Display for Divergence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "first difference at event {} ({}): {}: expected {}, actual {}",
            self.index,
            if self.expected_event == self.actual_event {
                self.expected_event.clone()
            } else {
                format!(
                    "expected {}, actual {}",
                    self.expected_event, self.actual_event
                )
            },
            self.field,
            self.expected,
            self.actual
        )
    }
}

/// `start`, `host_call MODULE.NAME`, `end` or `checkpoint`.
pub fn event_label(e: &Event) -> String {
    match e {
        Event::HostCall(c) => format!("host_call {}.{}", c.module, c.name),
        _ => e.kind_name().to_string(),
    }
}

/// Describes two byte strings that differ: length and the first differing byte with
/// up to 8 bytes of context on each side.
fn bytes_pair(a: &[u8], b: &[u8]) -> (String, String) {
    let at = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let show = |d: &[u8]| {
        let lo = at.saturating_sub(8).min(d.len());
        let hi = (at + 8).min(d.len());
        let byte = d
            .get(at)
            .map_or("end of data".to_string(), |x| format!("{x:#04x}"));
        format!(
            "{} bytes, byte {at} = {byte} (bytes {lo}..{hi}: {})",
            d.len(),
            hex::encode(&d[lo..hi])
        )
    };
    (show(a), show(b))
}

fn compare_events(index: usize, a: &Event, b: &Event) -> Option<Divergence> {
    let fa = event_fields(a);
    let fb = event_fields(b);
    let div = |field: &str, ea: String, eb: String| Divergence {
        index,
        expected_event: event_label(a),
        actual_event: event_label(b),
        field: field.to_string(),
        expected: ea,
        actual: eb,
    };
    for (name, va) in &fa {
        let vb = fb.iter().find(|(n, _)| n == name).map(|(_, v)| v);
        match (va, vb) {
            (_, None) => return Some(div(name, va.json(), "(absent)".into())),
            (FieldValue::Bytes(x), Some(FieldValue::Bytes(y))) if x != y => {
                let (ea, eb) = bytes_pair(x, y);
                return Some(div(name, ea, eb));
            }
            (va, Some(vb)) if va != vb => return Some(div(name, va.json(), vb.json())),
            _ => {}
        }
    }
    for (name, vb) in &fb {
        if !fa.iter().any(|(n, _)| n == name) {
            return Some(div(name, "(absent)".into(), vb.json()));
        }
    }
    None
}

/// The first difference between `expected` and `actual`, or `None` when they are the
/// same events.
pub fn diff_events(expected: &[Event], actual: &[Event]) -> Option<Divergence> {
    let n = expected.len().max(actual.len());
    for i in 0..n {
        match (expected.get(i), actual.get(i)) {
            (Some(a), Some(b)) => {
                if a != b {
                    if let Some(d) = compare_events(i, a, b) {
                        return Some(d);
                    }
                }
            }
            (a, b) => {
                let label = |e: Option<&Event>| e.map_or("(none)".to_string(), event_label);
                return Some(Divergence {
                    index: i,
                    expected_event: label(a),
                    actual_event: label(b),
                    field: "event".into(),
                    expected: label(a),
                    actual: label(b),
                });
            }
        }
    }
    None
}
