//! Suspended WASI runs (SPEC.md §Snapshot, suspended WASI runs): a WASI run that runs
//! out of gas is saved as bytes ([`SuspendedRun`]: the §Snapshot of its instance, the
//! WASI host state and the configuration the restore checks) and continued later,
//! in this process or another, by [`resume`], exactly as one run with the summed gas
//! would have continued. What `detwasm run --suspend-to` and `detwasm resume` call.
//! A recorded trace travels with the run ([`run_traced`]); gas profiles and embedder
//! trace hooks do not (format version 1): such runs are refused.
//! Depends on session, snapshot, trace, wasi, runtime, config.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::{Config, LIMIT_COUNT, LIMIT_NAMES};
use crate::engine::Engine;
use crate::error::Error;
use crate::exec::Trap;
use crate::module::Module;
use crate::runtime::{Extern, Instance, Invocation, Linker, ResumableCall, Store};
use crate::session::{entry_args, RunConfig, RunOutcome};
use crate::snapshot::Snapshot;
use crate::trace;
use crate::validate;
use crate::value::Value;
use crate::wasi::{self, EchoSink, OutputStream, Preopen, SavedWasi, StdinStream, Wasi};

/// The format version of [`SuspendedRun::to_bytes`] (SPEC.md §Snapshot, suspended WASI
/// runs).
pub const SUSPEND_VERSION: u32 = 1;

/// The first 16 bytes of a suspended run: `detwasm/suspend` and a NUL.
pub const SUSPEND_MAGIC: [u8; 16] = *b"detwasm/suspend\0";

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Data {
    magic: [u8; 16],
    version: u32,
    module_sha256: [u8; 32],
    /// `Config::limit_values`, in `LIMIT_NAMES` order.
    limits: Vec<u64>,
    gas_metering: bool,
    checkpoint_interval: u64,
    wasi: SavedWasi,
    /// The trace so far (header and frames, no trailer), when the run records one.
    trace: Option<Vec<u8>>,
    /// The §Snapshot bytes of the instance with its suspended call.
    snapshot: Vec<u8>,
}

/// A WASI run suspended out of gas, as a value that encodes to bytes
/// ([`SuspendedRun::to_bytes`]) and decodes with every check
/// ([`SuspendedRun::from_bytes`]).
#[derive(Clone, Debug)]
pub struct SuspendedRun {
    data: Data,
    snapshot: Snapshot,
}

/// What a suspendable run (or a resume) gives: a finished run, or one suspended out
/// of gas again.
pub enum Step {
    /// The run ended (returned, exited or trapped): everything observable, as
    /// `session::run` gives it, without a trace or gas profile.
    Finished(Box<RunOutcome>),
    /// The run ran out of gas in its entry call and was saved.
    Suspended(Box<SuspendedRun>),
}

fn err(msg: impl Into<String>) -> Error {
    Error::Snapshot(msg.into())
}

impl SuspendedRun {
    /// The serialized form: the bincode encoding of the fields (SPEC.md), then the
    /// SHA-256 of those bytes. Size: about the snapshot's (the guest's memories) plus
    /// the trees' contents and the unread stdin.
    ///
    /// # Errors
    /// `Error::Snapshot` if encoding fails (it does not for a value this library
    /// made).
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        crate::snapshot::encode_framed(&self.data)
    }

    /// Decodes [`SuspendedRun::to_bytes`]'s form. Never panics; allocates at most
    /// about the size of `bytes` (plus the trees it rebuilds). The WASI host state is
    /// checked here; the snapshot against the module by [`resume`].
    ///
    /// # Errors
    /// `Error::Snapshot` for bytes that are truncated, corrupted (trailer), of another
    /// format or version, that do not decode exactly, with a malformed snapshot, or
    /// with an inconsistent WASI host state (the message says which).
    pub fn from_bytes(bytes: &[u8]) -> Result<SuspendedRun, Error> {
        let data: Data = crate::snapshot::decode_framed(
            bytes,
            "suspended run",
            &SUSPEND_MAGIC,
            SUSPEND_VERSION,
        )?;
        if data.limits.len() != LIMIT_COUNT {
            return Err(err("malformed suspended run: wrong number of limits"));
        }
        let snapshot = Snapshot::from_bytes(&data.snapshot)?;
        if snapshot.module_sha256() != data.module_sha256 || !snapshot.is_suspended() {
            return Err(err(
                "malformed suspended run: its snapshot is not of a suspended call of its module",
            ));
        }
        Wasi::load(&data.wasi).map_err(|e| err(format!("suspended run's WASI state: {e}")))?;
        if let Some(t) = &data.trace {
            trace::resume_recording(t).map_err(|e| err(format!("suspended run's {e}")))?;
        }
        Ok(SuspendedRun { data, snapshot })
    }

    /// SHA-256 of the module binary the run was suspended with.
    pub fn module_sha256(&self) -> [u8; 32] {
        self.data.module_sha256
    }

    /// Gas used so far (instantiation and every slice), in gas units.
    pub fn gas_used(&self) -> u64 {
        self.snapshot.gas_used()
    }

    /// The sum of the gas given so far, in gas units.
    pub fn gas_limit(&self) -> u64 {
        self.snapshot.gas_limit()
    }

    /// How many bytes the run wrote to stdout and to stderr so far.
    pub fn output_len_bytes(&self, stream: OutputStream) -> u64 {
        match stream {
            OutputStream::Stdout => self.data.wasi.stdout_len_bytes(),
            OutputStream::Stderr => self.data.wasi.stderr_len_bytes(),
        }
    }

    /// Whether the run records a trace (SPEC.md §Trace), which a resume continues.
    pub fn has_trace(&self) -> bool {
        self.data.trace.is_some()
    }

    /// Whether the run's stdin continues with a stream the resume must supply
    /// ([`ResumeConfig::stdin_stream`]): the run read from a stream that had not
    /// ended.
    pub fn stdin_stream_open(&self) -> bool {
        self.data.wasi.stdin_stream_open()
    }
}

/// How a suspended run is continued.
pub struct ResumeConfig {
    /// More gas for the run, in gas units: its limit grows by this much (saturating).
    pub more_gas: u64,
    /// Whether running out of gas again suspends the run again
    /// ([`Step::Suspended`]); otherwise it is an `out_of_gas` trap.
    pub suspend_again: bool,
    /// Where the rest of stdout and stderr goes, as written (`RunConfig::echo`).
    pub echo: Option<EchoSink>,
    /// As `RunConfig::max_capture_bytes`, counted from the start of the run.
    pub max_capture_bytes: u64,
    /// The continuation of the stdin stream, when [`SuspendedRun::stdin_stream_open`]
    /// (ignored otherwise): read after the held bytes the run had not consumed.
    pub stdin_stream: Option<StdinStream>,
}

/// Runs `bytes` as `session::run` does, but with its entry call resumable: when it
/// runs out of gas (`rc.config.gas_limit`), the run is saved ([`Step::Suspended`])
/// instead of trapping. Instantiation (and a start function) is not resumable: out of
/// gas there is a trap.
///
/// # Errors
/// As `session::run`; `Error::Invoke` when `rc` asks for a gas profile or a trace
/// hook (not carried by format version 1); `Error::Snapshot` if the state cannot be
/// saved.
pub fn run(bytes: &[u8], rc: RunConfig) -> Result<Step, Error> {
    run_traced(bytes, rc, false)
}

/// [`run`], recording the run's trace (SPEC.md §Trace) when `record` is on: a
/// suspended run carries the trace so far, a resume continues it, and the finished
/// run's trace (`RunOutcome::trace`) is the trace of one run with the summed gas
/// limit, with its hash.
///
/// # Errors
/// As [`run`].
pub fn run_traced(bytes: &[u8], mut rc: RunConfig, record: bool) -> Result<Step, Error> {
    if rc.gas_profile || rc.trace_hook.is_some() {
        return Err(Error::Invoke(
            "a suspendable run carries no gas profile or trace hook".to_string(),
        ));
    }
    let engine = Engine::new(rc.config.clone());
    let module = Module::new(&engine, bytes)?;
    validate::imports::check(bytes, &wasi::allowlist())?;
    let (entry, entry_text) = match &rc.invoke {
        Some((n, a)) => (n.clone(), a.clone()),
        None => ("_start".to_string(), Vec::new()),
    };
    let entry_values = entry_args(&module, &entry, &entry_text)?;
    let recording = record.then(|| {
        let start = trace::start_event(bytes, &rc.config, &rc.wasi, &entry, &entry_values);
        trace::begin(start, None, None)
    });
    let mut host = Wasi::new(rc.wasi).map_err(|e| Error::Invoke(e.to_string()))?;
    host.set_echo(rc.echo.take());
    host.set_max_capture_bytes(rc.max_capture_bytes);
    host.set_stdin_stream(rc.stdin_stream.take());
    let mut store = Store::new(&engine, host);
    let handle = recording.map(|(hook, handle)| {
        store.set_trace_hook(Some(hook));
        handle
    });
    let mut linker = Linker::new();
    wasi::add_to_linker(&mut linker, |w: &mut Wasi| w)?;
    let inst = match linker.instantiate(&mut store, &module) {
        Err(Error::Trap(t)) => return finish(store, None, Err(Error::Trap(t)), handle).map(boxed),
        Err(e) => return Err(e),
        Ok(inst) => inst,
    };
    let func = match store.instance_export(inst, &entry) {
        Some(Extern::Func(f)) => f,
        _ => return Err(Error::Internal("the checked entry export is missing")),
    };
    match store.invoke_resumable(func, &entry_values) {
        Ok(Invocation::OutOfGas(_)) => save(&store, &module, inst, handle.as_ref()),
        Ok(Invocation::Finished(results)) => {
            finish(store, Some(inst), Ok(results), handle).map(boxed)
        }
        Err(e) => finish(store, Some(inst), Err(e), handle).map(boxed),
    }
}

/// Continues a suspended run of module `bytes` with `rc.more_gas` more gas. The run
/// continues exactly as one run whose gas limit is the sum of every slice: the same
/// stdout and stderr bytes (the rest of them: what was written before the suspension
/// is not written again), exit code or trap, results, gas used and final trees.
///
/// # Errors
/// `Error::Snapshot` when `bytes` is not the module the run was suspended with
/// (SHA-256), or the snapshot does not restore into it; `Error::Validate` for a
/// module that does not validate.
pub fn resume(bytes: &[u8], saved: &SuspendedRun, mut rc: ResumeConfig) -> Result<Step, Error> {
    let d = &saved.data;
    let mut config = Config {
        gas_metering: d.gas_metering,
        checkpoint_interval: d.checkpoint_interval,
        fusion: saved.snapshot.fusion(),
        ..Config::default()
    };
    for (name, value) in LIMIT_NAMES.iter().zip(&d.limits) {
        config
            .set_limit(name, *value)
            .map_err(|e| err(format!("suspended run's limit {name}: {e}")))?;
    }
    let sha: [u8; 32] = Sha256::digest(bytes).into();
    if sha != d.module_sha256 {
        return Err(err(format!(
            "the module (SHA-256 {}) is not the one the run was suspended with ({})",
            hex::encode(sha),
            hex::encode(d.module_sha256)
        )));
    }
    let engine = Engine::new(config);
    let module = Module::new(&engine, bytes)?;
    validate::imports::check(bytes, &wasi::allowlist())?;
    let mut host = Wasi::load(&d.wasi).map_err(|e| err(format!("WASI state: {e}")))?;
    host.set_echo(rc.echo.take());
    host.set_max_capture_bytes(rc.max_capture_bytes);
    if d.wasi.stdin_stream_open() {
        host.set_stdin_stream(rc.stdin_stream.take());
    }
    let mut store = Store::new(&engine, host);
    let mut linker = Linker::new();
    wasi::add_to_linker(&mut linker, |w: &mut Wasi| w)?;
    let inst = linker.restore(&mut store, &module, &saved.snapshot)?;
    let handle = match &d.trace {
        None => None,
        Some(t) => {
            let (hook, handle) =
                trace::resume_recording(t).map_err(|e| err(format!("suspended run's {e}")))?;
            store.set_trace_hook(Some(hook));
            Some(handle)
        }
    };
    let call: ResumableCall = store
        .suspended_call()
        .ok_or_else(|| err("the snapshot holds no suspended call"))?;
    if rc.suspend_again {
        match call.resume(&mut store, rc.more_gas) {
            Ok(Invocation::OutOfGas(_)) => save(&store, &module, inst, handle.as_ref()),
            Ok(Invocation::Finished(results)) => {
                finish(store, Some(inst), Ok(results), handle).map(boxed)
            }
            Err(e) => finish(store, Some(inst), Err(e), handle).map(boxed),
        }
    } else {
        let outcome = call.resume_final(&mut store, rc.more_gas);
        finish(store, Some(inst), outcome, handle).map(boxed)
    }
}

fn boxed(outcome: RunOutcome) -> Step {
    Step::Finished(Box::new(outcome))
}

/// Saves the store's suspended run.
fn save(
    store: &Store<Wasi>,
    module: &Module,
    inst: Instance,
    handle: Option<&trace::RunTrace>,
) -> Result<Step, Error> {
    let config = store.engine().config();
    let snapshot = store.snapshot(inst)?;
    let data = Data {
        magic: SUSPEND_MAGIC,
        version: SUSPEND_VERSION,
        module_sha256: module.sha256(),
        limits: config.limit_values().to_vec(),
        gas_metering: config.gas_metering,
        checkpoint_interval: config.checkpoint_interval,
        wasi: store.data().save(),
        trace: handle.map(trace::RunTrace::suspend).transpose()?,
        snapshot: snapshot.to_bytes()?,
    };
    Ok(Step::Suspended(Box::new(SuspendedRun { data, snapshot })))
}

/// The outcome of a finished run (as `session::run` builds it, without trace or
/// profile).
fn finish(
    mut store: Store<Wasi>,
    instance: Option<Instance>,
    result: Result<Vec<Value>, Error>,
    handle: Option<trace::RunTrace>,
) -> Result<RunOutcome, Error> {
    let (mut trap, mut exit_code, mut results): (Option<Trap>, Option<i32>, Vec<Value>) =
        (None, None, Vec::new());
    match result {
        Ok(r) => {
            results = r;
            exit_code = Some(0);
        }
        Err(Error::Trap(t)) => trap = Some(t),
        Err(e) => return Err(e),
    }
    let mut exit_status = None;
    if let Some(status) = trap.as_ref().and_then(Trap::exit_status) {
        exit_code = Some(status);
        exit_status = Some(status);
        trap = None;
    }
    let trap_func = trap
        .as_ref()
        .and_then(|t| t.func())
        .map(|f| store.func_name(f));
    let h = store.data_mut();
    let preopens: Vec<Preopen> = h
        .preopens()
        .map(|(p, t)| Preopen {
            guest_path: p.to_string(),
            tree: t.clone(),
        })
        .collect();
    let stdin_held = h.finish_stdin();
    let stdout_len_bytes = h.output_len_bytes(OutputStream::Stdout);
    let stderr_len_bytes = h.output_len_bytes(OutputStream::Stderr);
    let stdout_sha256 = h.output_sha256(OutputStream::Stdout);
    let stderr_sha256 = h.output_sha256(OutputStream::Stderr);
    let stdout = h.take_stdout();
    let stderr = h.take_stderr();
    let gas_limit = store.gas_limit;
    let trace = match handle {
        None => None,
        Some(handle) => {
            store.take_trace_hook();
            handle.set_gas_limit(gas_limit);
            let (t, _, _) = handle.finish(&trace::Finished {
                store: &store,
                instance: instance.map(|i| i.addr()),
                exit_status,
                trap: trap.as_ref(),
                results: &results,
                stdout_sha256,
                stderr_sha256,
                preopens: &preopens,
                stdin: stdin_held,
            })?;
            Some(t)
        }
    };
    Ok(RunOutcome {
        exit_code,
        trap,
        trap_func,
        results,
        gas_used: store.gas_used(),
        gas_limit,
        stdout,
        stderr,
        stdout_len_bytes,
        stderr_len_bytes,
        preopens,
        gas_profile_folded: None,
        gas_by_function: Vec::new(),
        trace_hook: None,
        store,
        instance,
        trace,
        replay_contradiction: None,
    })
}
