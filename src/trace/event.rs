//! Trace events (SPEC.md §Trace, events) and their canonical payload encodings: the
//! start event (module, entry point and every configuration field that can change the
//! result), one host call event per host call, and the end event (outcome and final
//! state digests). Kinds are tagged so later kinds (checkpoints) can be added without
//! breaking readers: an unknown kind is kept as raw bytes. Depends on `codec`, `value`
//! and `exec::TrapCode`.

use super::codec::{Dec, Digest32, Enc};
use super::error::TraceError;
use crate::exec::TrapCode;
use crate::value::{FuncAddr, StoreId, ValType, Value};

/// Event kind of the start event.
pub const KIND_START: u8 = 1;
/// Event kind of a host call event.
pub const KIND_HOST_CALL: u8 = 2;
/// Event kind of the end event.
pub const KIND_END: u8 = 3;
/// Event kind reserved for checkpoints (not written by this version).
pub const KIND_CHECKPOINT: u8 = 4;

/// A value as the trace encodes it: the value type and 64 portable bits
/// (SPEC.md §Trace, values): integers and floats by their bits (i32/f32 zero-extended),
/// `funcref` as 0 for null or the function's index in the module + 1, `externref` as
/// 0 or the host handle + 1, `exnref` as 0 for null or 1.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TraceValue {
    /// The value type.
    pub ty: ValType,
    /// The portable bits.
    pub bits: u64,
}

/// The binary type byte of a value type (core §5.3), as the trace encodes it.
pub fn valtype_byte(ty: ValType) -> u8 {
    match ty {
        ValType::I32 => 0x7f,
        ValType::I64 => 0x7e,
        ValType::F32 => 0x7d,
        ValType::F64 => 0x7c,
        ValType::FuncRef => 0x70,
        ValType::ExternRef => 0x6f,
        ValType::ExnRef => 0x69,
    }
}

fn valtype_of_byte(b: u8) -> Option<ValType> {
    Some(match b {
        0x7f => ValType::I32,
        0x7e => ValType::I64,
        0x7d => ValType::F32,
        0x7c => ValType::F64,
        0x70 => ValType::FuncRef,
        0x6f => ValType::ExternRef,
        0x69 => ValType::ExnRef,
        _ => return None,
    })
}

impl TraceValue {
    /// The trace form of `v`; `func_index` maps a function address to its index in the
    /// module's function index space (`None` encodes as an index of `u32::MAX`).
    pub fn from_value(v: &Value, func_index: &dyn Fn(FuncAddr) -> Option<u32>) -> TraceValue {
        let bits = match *v {
            Value::FuncRef(Some(f)) => u64::from(func_index(f.addr()).unwrap_or(u32::MAX)) + 1,
            Value::ExnRef(r) => u64::from(r.is_some()),
            _ => v.to_slot(),
        };
        TraceValue { ty: v.ty(), bits }
    }

    /// The value for a host call: numbers and null references only (a host call's
    /// values never carry references in the WASI host). `None` for a non-null
    /// reference.
    pub fn to_value(self) -> Option<Value> {
        if self.ty.is_ref() && self.bits != 0 {
            return None;
        }
        // NOTE: only null references get here, so no store's identity is needed.
        Some(Value::from_slot(self.ty, self.bits, StoreId::NONE))
    }

    /// Text form: `i32:5`, `i64:-1`, `f32:0x7fc00000` (floats as bits), `funcref:null`,
    /// `funcref:3` (module function index).
    pub fn text(&self) -> String {
        let ty = self.ty;
        match ty {
            ValType::I32 => format!("{ty}:{}", self.bits as u32 as i32),
            ValType::I64 => format!("{ty}:{}", self.bits as i64),
            ValType::F32 => format!("{ty}:{:#010x}", self.bits),
            ValType::F64 => format!("{ty}:{:#018x}", self.bits),
            _ if self.bits == 0 => format!("{ty}:null"),
            _ => format!("{ty}:{}", self.bits - 1),
        }
    }

    fn encode(&self, e: &mut Enc) {
        e.u8(valtype_byte(self.ty));
        e.u64(self.bits);
    }

    fn decode(d: &mut Dec<'_>) -> Result<TraceValue, TraceError> {
        let at = d.offset();
        let b = d.u8("value type")?;
        let ty = valtype_of_byte(b).ok_or_else(|| TraceError::Malformed {
            offset: at,
            message: format!("unknown value type byte {b:#04x}"),
        })?;
        let bits = d.u64("value bits")?;
        let too_wide = matches!(ty, ValType::I32 | ValType::F32) && bits > u64::from(u32::MAX);
        if too_wide {
            return Err(TraceError::Malformed {
                offset: at,
                message: format!("{ty} value with bits {bits:#x} above 32 bits"),
            });
        }
        // A function index is below 2^32, so a funcref is at most 2^32; an exnref is
        // 0 or 1 (SPEC.md §Trace encoding).
        let impossible = match ty {
            ValType::FuncRef => bits > 1 << 32,
            ValType::ExnRef => bits > 1,
            _ => false,
        };
        if impossible {
            return Err(TraceError::Malformed {
                offset: at,
                message: format!("{ty} value {bits:#x} cannot occur"),
            });
        }
        Ok(TraceValue { ty, bits })
    }
}

/// Encoded size of one value, for capacity checks.
const VALUE_BYTES: usize = 9;

fn encode_values(e: &mut Enc, vs: &[TraceValue]) {
    e.len(vs.len());
    for v in vs {
        v.encode(e);
    }
}

fn decode_values(d: &mut Dec<'_>, what: &'static str) -> Result<Vec<TraceValue>, TraceError> {
    let n = d.count(VALUE_BYTES, what)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(TraceValue::decode(d)?);
    }
    Ok(out)
}

/// Names of the limits a start event records, in encoding order: every
/// [`crate::Limits`] field, then `max_call_depth`, `max_stack_height` and
/// `max_live_exceptions`.
pub use crate::config::LIMIT_NAMES;

/// The first event: what ran, under which configuration (SPEC.md §Trace, start event).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartEvent {
    /// The trace format version (also in the file header).
    pub format_version: u32,
    /// SHA-256 of the module's bytes.
    pub module_sha256: Digest32,
    /// The export invoked (`_start` for a WASI command).
    pub entry: String,
    /// Its arguments.
    pub entry_args: Vec<TraceValue>,
    /// Gas limit, in gas units.
    pub gas_limit: u64,
    /// Whether wasm instructions are metered (`Config::gas_metering`).
    pub gas_metering: bool,
    /// `gas::SCHEDULE_VERSION`.
    pub gas_schedule_version: u32,
    /// SHA-256 of the gas schedule listing (SPEC.md §Trace, schedule digests).
    pub gas_schedule_sha256: Digest32,
    /// `wasi::gas::HOST_SCHEDULE_VERSION`.
    pub host_schedule_version: u32,
    /// SHA-256 of the host schedule listing.
    pub host_schedule_sha256: Digest32,
    /// Seed of the random stream.
    pub seed: u64,
    /// Clock start, ns since the Unix epoch.
    pub clock_start_ns: u64,
    /// Clock step per observation, ns (the clock rule).
    pub clock_step_ns: u64,
    /// WASI arguments (`args[0]` included).
    pub args: Vec<String>,
    /// WASI environment, in order.
    pub env: Vec<(String, String)>,
    /// Length of stdin, bytes.
    pub stdin_len: u64,
    /// SHA-256 of stdin.
    pub stdin_sha256: Digest32,
    /// Digest of the initial preopened trees (SPEC.md §Trace, tree digest).
    pub fs_sha256: Digest32,
    /// `WasiConfig::max_file_bytes`.
    pub max_file_bytes: u64,
    /// `WasiConfig::max_fs_bytes`.
    pub max_fs_bytes: u64,
    /// The limits, in [`LIMIT_NAMES`] order.
    pub limits: [u64; crate::config::LIMIT_COUNT],
    /// `Config::checkpoint_interval`, in gas units (0: no checkpoints). Version 1
    /// records it but writes no checkpoint events.
    pub checkpoint_interval: u64,
}

/// A trap as a host call event records it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TrapRecord {
    /// The stable trap code (SPEC.md §Traps).
    pub code: TrapCode,
    /// The exit status for `exit` (code 16), else 0.
    pub status: i32,
}

/// One host call (SPEC.md §Trace, host call event).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostCallEvent {
    /// Import module name.
    pub module: String,
    /// Import field name.
    pub name: String,
    /// Arguments.
    pub args: Vec<TraceValue>,
    /// Results (defaults when the call trapped).
    pub results: Vec<TraceValue>,
    /// The trap the call ended with, if any.
    pub trap: Option<TrapRecord>,
    /// Every write into guest memory 0, in order: address and bytes.
    pub writes: Vec<(u32, Vec<u8>)>,
    /// SHA-256 over every read of guest memory, in order, each as address (u32 LE),
    /// length (u32 LE) and the bytes.
    pub reads_sha256: Digest32,
    /// Gas the call charged.
    pub gas_charged: u64,
    /// Gas used by the run after the call.
    pub gas_used: u64,
}

/// How the run ended (SPEC.md §Trace, end event).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The entry point returned these values.
    Returned(Vec<TraceValue>),
    /// The program called `proc_exit` with this status.
    Exit(i32),
    /// A trap (never `exit`).
    Trap {
        /// The stable trap code.
        code: TrapCode,
        /// Index of the function in the module's function index space, or
        /// `u32::MAX` when the trap happened outside any function.
        func: u32,
        /// Byte offset of the trapping instruction in the module binary; `u32::MAX`
        /// when the trap happened outside any function.
        offset: u32,
    },
}

/// The last event (SPEC.md §Trace, end event).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndEvent {
    /// The outcome.
    pub outcome: Outcome,
    /// Gas used by instantiation and the run.
    pub gas_used: u64,
    /// Digest of the instance's memories.
    pub memory_sha256: Digest32,
    /// Digest of the instance's globals.
    pub globals_sha256: Digest32,
    /// Digest of the instance's tables.
    pub tables_sha256: Digest32,
    /// Digest of the final preopened trees.
    pub fs_sha256: Digest32,
    /// SHA-256 of everything written to stdout.
    pub stdout_sha256: Digest32,
    /// SHA-256 of everything written to stderr.
    pub stderr_sha256: Digest32,
}

/// A checkpoint (SPEC.md §Trace checkpoints): the state before an instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointEvent {
    /// 0 for the run's first checkpoint, then 1, 2, ...
    pub index: u64,
    /// Gas used before the instruction.
    pub gas_used: u64,
    /// The executing function's index in its module.
    pub func_index: u32,
    /// Byte offset of the instruction in the module binary.
    pub offset: u32,
    /// The state digest.
    pub state_sha256: Digest32,
}

impl CheckpointEvent {
    fn encode(&self, e: &mut Enc) {
        e.u64(self.index);
        e.u64(self.gas_used);
        e.u32(self.func_index);
        e.u32(self.offset);
        e.digest(&self.state_sha256);
    }

    fn decode(d: &mut Dec<'_>) -> Result<CheckpointEvent, TraceError> {
        Ok(CheckpointEvent {
            index: d.u64("checkpoint index")?,
            gas_used: d.u64("checkpoint gas_used")?,
            func_index: d.u32("checkpoint func_index")?,
            offset: d.u32("checkpoint offset")?,
            state_sha256: d.digest("checkpoint state_sha256")?,
        })
    }
}

/// One trace event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A checkpoint.
    Checkpoint(CheckpointEvent),
    /// The start event.
    Start(Box<StartEvent>),
    /// A host call.
    HostCall(HostCallEvent),
    /// The end event.
    End(EndEvent),
    /// An event of a kind this version does not define, kept verbatim.
    Other {
        /// Its kind byte.
        kind: u8,
        /// Its payload.
        payload: Vec<u8>,
    },
}

/// The trap code with stable number `b`.
pub fn trap_code_of(b: u8) -> Option<TrapCode> {
    use TrapCode::*;
    Some(match b {
        1 => Unreachable,
        2 => IntegerOverflow,
        3 => IntegerDivideByZero,
        4 => InvalidConversionToInteger,
        5 => MemoryOutOfBounds,
        6 => TableOutOfBounds,
        7 => UndefinedElement,
        8 => UninitializedElement,
        9 => IndirectCallTypeMismatch,
        10 => CallStackExhausted,
        11 => ValueStackExhausted,
        12 => OutOfGas,
        13 => UncaughtException,
        14 => HostError,
        15 => NullReference,
        16 => Exit,
        17 => Internal,
        18 => ExceptionLimit,
        _ => return None,
    })
}

fn decode_trap_code(d: &mut Dec<'_>, what: &'static str) -> Result<u8, TraceError> {
    let at = d.offset();
    let b = d.u8(what)?;
    if b != 0 && trap_code_of(b).is_none() {
        return Err(TraceError::Malformed {
            offset: at,
            message: format!("{what}: unknown trap code {b}"),
        });
    }
    Ok(b)
}

impl Event {
    /// The event's kind byte.
    pub fn kind(&self) -> u8 {
        match self {
            Event::Start(_) => KIND_START,
            Event::HostCall(_) => KIND_HOST_CALL,
            Event::End(_) => KIND_END,
            Event::Checkpoint(_) => KIND_CHECKPOINT,
            Event::Other { kind, .. } => *kind,
        }
    }

    /// The kind's name: `start`, `host_call`, `end`, `checkpoint` or `unknown`.
    pub fn kind_name(&self) -> &'static str {
        kind_name(self.kind())
    }

    /// The canonical payload (without the frame).
    pub fn payload(&self) -> Vec<u8> {
        let mut e = Enc::default();
        match self {
            Event::Start(s) => s.encode(&mut e),
            Event::HostCall(c) => c.encode(&mut e),
            Event::End(x) => x.encode(&mut e),
            Event::Checkpoint(c) => c.encode(&mut e),
            Event::Other { payload, .. } => e.buf.extend_from_slice(payload),
        }
        e.buf
    }

    /// Decodes the payload of an event of kind `kind`; `base` is its file offset.
    ///
    /// # Errors
    /// `Truncated` or `Malformed` when the payload does not decode exactly.
    pub(crate) fn decode(kind: u8, payload: &[u8], base: u64) -> Result<Event, TraceError> {
        let mut d = Dec::new(payload, base);
        let ev = match kind {
            KIND_START => Event::Start(Box::new(StartEvent::decode(&mut d)?)),
            KIND_HOST_CALL => Event::HostCall(HostCallEvent::decode(&mut d)?),
            KIND_END => Event::End(EndEvent::decode(&mut d)?),
            KIND_CHECKPOINT => Event::Checkpoint(CheckpointEvent::decode(&mut d)?),
            _ => {
                return Ok(Event::Other {
                    kind,
                    payload: payload.to_vec(),
                })
            }
        };
        if !d.is_empty() {
            return Err(TraceError::Malformed {
                offset: d.offset(),
                message: format!(
                    "{} event payload has {} unexpected bytes at its end",
                    kind_name(kind),
                    d.remaining()
                ),
            });
        }
        Ok(ev)
    }
}

/// The name of event kind `kind`.
pub fn kind_name(kind: u8) -> &'static str {
    match kind {
        KIND_START => "start",
        KIND_HOST_CALL => "host_call",
        KIND_END => "end",
        KIND_CHECKPOINT => "checkpoint",
        _ => "unknown",
    }
}

impl StartEvent {
    fn encode(&self, e: &mut Enc) {
        e.u32(self.format_version);
        e.digest(&self.module_sha256);
        e.str(&self.entry);
        encode_values(e, &self.entry_args);
        e.u64(self.gas_limit);
        e.bool(self.gas_metering);
        e.u32(self.gas_schedule_version);
        e.digest(&self.gas_schedule_sha256);
        e.u32(self.host_schedule_version);
        e.digest(&self.host_schedule_sha256);
        e.u64(self.seed);
        e.u64(self.clock_start_ns);
        e.u64(self.clock_step_ns);
        e.len(self.args.len());
        for a in &self.args {
            e.str(a);
        }
        e.len(self.env.len());
        for (k, v) in &self.env {
            e.str(k);
            e.str(v);
        }
        e.u64(self.stdin_len);
        e.digest(&self.stdin_sha256);
        e.digest(&self.fs_sha256);
        e.u64(self.max_file_bytes);
        e.u64(self.max_fs_bytes);
        for l in self.limits {
            e.u64(l);
        }
        e.u64(self.checkpoint_interval);
    }

    fn decode(d: &mut Dec<'_>) -> Result<StartEvent, TraceError> {
        let format_version = d.u32("start format_version")?;
        let module_sha256 = d.digest("module_sha256")?;
        let entry = d.str("entry")?;
        let entry_args = decode_values(d, "entry_args")?;
        let gas_limit = d.u64("gas_limit")?;
        let gas_metering = d.bool("gas_metering")?;
        let gas_schedule_version = d.u32("gas_schedule_version")?;
        let gas_schedule_sha256 = d.digest("gas_schedule_sha256")?;
        let host_schedule_version = d.u32("host_schedule_version")?;
        let host_schedule_sha256 = d.digest("host_schedule_sha256")?;
        let seed = d.u64("seed")?;
        let clock_start_ns = d.u64("clock_start_ns")?;
        let clock_step_ns = d.u64("clock_step_ns")?;
        let n = d.count(8, "args")?;
        let mut args = Vec::with_capacity(n);
        for _ in 0..n {
            args.push(d.str("arg")?);
        }
        let n = d.count(16, "env")?;
        let mut env = Vec::with_capacity(n);
        for _ in 0..n {
            env.push((d.str("env name")?, d.str("env value")?));
        }
        let stdin_len = d.u64("stdin_len")?;
        let stdin_sha256 = d.digest("stdin_sha256")?;
        let fs_sha256 = d.digest("fs_sha256")?;
        let max_file_bytes = d.u64("max_file_bytes")?;
        let max_fs_bytes = d.u64("max_fs_bytes")?;
        let mut limits = [0u64; crate::config::LIMIT_COUNT];
        for l in &mut limits {
            *l = d.u64("limit")?;
        }
        let checkpoint_interval = d.u64("checkpoint_interval")?;
        Ok(StartEvent {
            format_version,
            module_sha256,
            entry,
            entry_args,
            gas_limit,
            gas_metering,
            gas_schedule_version,
            gas_schedule_sha256,
            host_schedule_version,
            host_schedule_sha256,
            seed,
            clock_start_ns,
            clock_step_ns,
            args,
            env,
            stdin_len,
            stdin_sha256,
            fs_sha256,
            max_file_bytes,
            max_fs_bytes,
            limits,
            checkpoint_interval,
        })
    }
}

/// A host call event's fields, borrowed: what the recorder encodes without copying
/// the call's data.
pub(crate) struct HostCallRef<'a, A, R> {
    pub module: &'a str,
    pub name: &'a str,
    pub args: A,
    pub results: R,
    pub trap: Option<TrapRecord>,
    pub writes: &'a [(u32, Vec<u8>)],
    pub reads_sha256: &'a Digest32,
    pub gas_charged: u64,
    pub gas_used: u64,
}

impl<A, R> HostCallRef<'_, A, R>
where
    A: ExactSizeIterator<Item = TraceValue>,
    R: ExactSizeIterator<Item = TraceValue>,
{
    /// The canonical payload of the event.
    pub(crate) fn encode(self, e: &mut Enc) {
        e.str(self.module);
        e.str(self.name);
        e.len(self.args.len());
        for v in self.args {
            v.encode(e);
        }
        e.len(self.results.len());
        for v in self.results {
            v.encode(e);
        }
        match &self.trap {
            None => {
                e.u8(0);
                e.i32(0);
            }
            Some(t) => {
                e.u8(t.code.as_u8());
                e.i32(t.status);
            }
        }
        e.len(self.writes.len());
        for (addr, data) in self.writes {
            e.u32(*addr);
            e.bytes(data);
        }
        e.digest(self.reads_sha256);
        e.u64(self.gas_charged);
        e.u64(self.gas_used);
    }
}

impl HostCallEvent {
    pub(crate) fn encode(&self, e: &mut Enc) {
        HostCallRef {
            module: &self.module,
            name: &self.name,
            args: self.args.iter().copied(),
            results: self.results.iter().copied(),
            trap: self.trap,
            writes: &self.writes,
            reads_sha256: &self.reads_sha256,
            gas_charged: self.gas_charged,
            gas_used: self.gas_used,
        }
        .encode(e);
    }

    fn decode(d: &mut Dec<'_>) -> Result<HostCallEvent, TraceError> {
        let module = d.str("host module")?;
        let name = d.str("host function name")?;
        let args = decode_values(d, "host args")?;
        let results = decode_values(d, "host results")?;
        let code = decode_trap_code(d, "host trap code")?;
        let at = d.offset();
        let status = d.i32("host trap status")?;
        // Canonical encoding: only an exit (code 16) carries a status.
        if code != 16 && status != 0 {
            return Err(TraceError::Malformed {
                offset: at,
                message: format!("host trap status {status} without an exit"),
            });
        }
        let trap = trap_code_of(code).map(|code| TrapRecord { code, status });
        let n = d.count(12, "writes")?;
        let mut writes: Vec<(u32, Vec<u8>)> = Vec::with_capacity(n);
        // Canonical write runs: non-empty, in address order, neither overlapping nor
        // touching the previous run (SPEC.md §Trace events).
        let mut next_free = 0u64;
        for i in 0..n {
            let at = d.offset();
            let addr = d.u32("write address")?;
            let data = d.bytes("write data")?.to_vec();
            if data.is_empty() || (i > 0 && u64::from(addr) <= next_free) {
                return Err(TraceError::Malformed {
                    offset: at,
                    message: format!(
                        "write {i} at {addr} is not a canonical run (empty, out of address \
                         order, or overlapping or touching the previous one)"
                    ),
                });
            }
            next_free = u64::from(addr) + data.len() as u64;
            writes.push((addr, data));
        }
        Ok(HostCallEvent {
            module,
            name,
            args,
            results,
            trap,
            writes,
            reads_sha256: d.digest("reads_sha256")?,
            gas_charged: d.u64("gas_charged")?,
            gas_used: d.u64("gas_used")?,
        })
    }
}

impl EndEvent {
    fn encode(&self, e: &mut Enc) {
        match &self.outcome {
            Outcome::Returned(vs) => {
                e.u8(0);
                encode_values(e, vs);
            }
            Outcome::Exit(status) => {
                e.u8(1);
                e.i32(*status);
            }
            Outcome::Trap { code, func, offset } => {
                e.u8(2);
                e.u8(code.as_u8());
                e.u32(*func);
                e.u32(*offset);
            }
        }
        e.u64(self.gas_used);
        e.digest(&self.memory_sha256);
        e.digest(&self.globals_sha256);
        e.digest(&self.tables_sha256);
        e.digest(&self.fs_sha256);
        e.digest(&self.stdout_sha256);
        e.digest(&self.stderr_sha256);
    }

    fn decode(d: &mut Dec<'_>) -> Result<EndEvent, TraceError> {
        let at = d.offset();
        let outcome = match d.u8("outcome kind")? {
            0 => Outcome::Returned(decode_values(d, "returned values")?),
            1 => Outcome::Exit(d.i32("exit status")?),
            2 => {
                let at = d.offset();
                let b = d.u8("trap code")?;
                let code = trap_code_of(b)
                    .filter(|c| *c != TrapCode::Exit)
                    .ok_or_else(|| TraceError::Malformed {
                        offset: at,
                        message: format!("end event trap code {b} is not a trap"),
                    })?;
                Outcome::Trap {
                    code,
                    func: d.u32("trap function")?,
                    offset: d.u32("trap offset")?,
                }
            }
            k => {
                return Err(TraceError::Malformed {
                    offset: at,
                    message: format!("unknown outcome kind {k}"),
                })
            }
        };
        Ok(EndEvent {
            outcome,
            gas_used: d.u64("end gas_used")?,
            memory_sha256: d.digest("memory_sha256")?,
            globals_sha256: d.digest("globals_sha256")?,
            tables_sha256: d.digest("tables_sha256")?,
            fs_sha256: d.digest("end fs_sha256")?,
            stdout_sha256: d.digest("stdout_sha256")?,
            stderr_sha256: d.digest("stderr_sha256")?,
        })
    }
}
