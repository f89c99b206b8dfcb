//! One deterministic run of a module: the main job of detwasm (`detwasm run`).
//!
//! [`run`] validates the module against the profile and the WASI host's allowlist,
//! instantiates it with the deterministic WASI host, invokes `_start` (or a named
//! export) under the gas limit, and returns everything observable: exit code or trap,
//! results, gas used, stdout and stderr (their lengths, and their first bytes up to a
//! limit), the final preopened trees and the trace. Nothing here does real I/O; the
//! caller loads directories and writes outputs. Every run records its hashed trace
//! (SPEC.md §Trace) unless `TraceOptions::record` is off; the trace spools to an
//! anonymous temporary file past `trace::TRACE_MEMORY_BYTES`.
//! Depends on module, runtime, wasi, validate, trace.

use crate::config::Config;
use crate::engine::Engine;
use crate::error::Error;
use crate::exec::{Trap, TrapCode};
use crate::module::{ExternKind, Module};
use crate::runtime::{Extern, Invocation, Linker, Store, TraceHook};
use crate::trace;
use crate::validate;
use crate::value::Value;
use crate::wasi::{self, EchoSink, OutputStream, Preopen, Wasi, WasiConfig};

/// The default of [`RunConfig::max_capture_bytes`]: 4 MiB, in bytes.
pub const DEFAULT_MAX_CAPTURE_BYTES: u64 = 4 * 1024 * 1024;

/// What to run and with which inputs. Every field that can change the outcome is here.
pub struct RunConfig {
    /// Engine configuration: limits, stack model, gas limit (`Config::gas_limit`).
    pub config: Config,
    /// The WASI inputs: args (`args[0]` is the module's file name), env, seed, clock
    /// start, stdin, preopens, file system limits.
    pub wasi: WasiConfig,
    /// The export to invoke with its arguments; `None` runs `_start` with none.
    pub invoke: Option<(String, Vec<String>)>,
    /// Whether to record the gas profile.
    pub gas_profile: bool,
    /// Where stdout and stderr bytes go as the guest writes them (they are also
    /// captured, up to `max_capture_bytes`).
    pub echo: Option<EchoSink>,
    /// How many of the first bytes written to each of stdout and stderr the outcome
    /// keeps ([`RunOutcome::stdout`], [`RunOutcome::stderr`]), in bytes; default
    /// [`DEFAULT_MAX_CAPTURE_BYTES`], so a run's memory does not grow with its
    /// output. `u64::MAX` keeps everything; 0 keeps nothing (the CLI, which streams
    /// the output through `echo`). The trace's digests always cover every byte.
    pub max_capture_bytes: u64,
    /// A trace hook to install for the run (recording or replaying host calls). It
    /// sees every host call after the run's own trace recorder.
    pub trace_hook: Option<Box<dyn TraceHook>>,
    /// A stream that continues stdin after `wasi.stdin`, read as the guest reads
    /// (SPEC.md §Host stdio); the CLI's inherited stdin. The bytes taken from it are
    /// recorded in the trace's start event.
    pub stdin_stream: Option<wasi::StdinStream>,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            config: Config::default(),
            wasi: WasiConfig::default(),
            invoke: None,
            gas_profile: false,
            echo: None,
            max_capture_bytes: DEFAULT_MAX_CAPTURE_BYTES,
            trace_hook: None,
            stdin_stream: None,
        }
    }
}

/// How a run is traced (SPEC.md §Trace).
pub struct TraceOptions {
    /// Record the run's trace (on by default: every run has a trace hash).
    pub record: bool,
    /// Answer every host call from this recording instead of running the host.
    pub replay: Option<crate::trace::Replay>,
}

impl Default for TraceOptions {
    fn default() -> Self {
        TraceOptions {
            record: true,
            replay: None,
        }
    }
}

/// Everything observable about a finished run.
pub struct RunOutcome {
    /// The guest's exit code: `proc_exit`'s status, or 0 when `_start` returned.
    /// `None` when the run trapped.
    pub exit_code: Option<i32>,
    /// The trap that ended the run, if any (never `TrapCode::Exit`).
    pub trap: Option<Trap>,
    /// Name of the function where the trap happened, if any.
    pub trap_func: Option<String>,
    /// Results of an `--invoke`d function.
    pub results: Vec<Value>,
    /// Gas used by instantiation and the run, in gas units.
    pub gas_used: u64,
    /// The gas limit, in gas units.
    pub gas_limit: u64,
    /// The first `RunConfig::max_capture_bytes` bytes written to stdout (all of them
    /// when `stdout.len() as u64 == stdout_len_bytes`).
    pub stdout: Vec<u8>,
    /// The first `RunConfig::max_capture_bytes` bytes written to stderr.
    pub stderr: Vec<u8>,
    /// How many bytes were written to stdout in all, in bytes.
    pub stdout_len_bytes: u64,
    /// How many bytes were written to stderr in all, in bytes.
    pub stderr_len_bytes: u64,
    /// The preopened trees as the run left them, with their guest paths.
    pub preopens: Vec<Preopen>,
    /// Gas profile as folded stacks, when asked for.
    pub gas_profile_folded: Option<String>,
    /// Self gas per function, largest first, when the profile was asked for.
    pub gas_by_function: Vec<(String, u64)>,
    /// The trace hook, handed back after the run.
    pub trace_hook: Option<Box<dyn TraceHook>>,
    /// The store after the run, for state digests; its host state is the WASI host as
    /// the run left it (stdout and stderr already taken out into this outcome).
    pub store: Store<Wasi>,
    /// The instance that ran, if instantiation got that far.
    pub instance: Option<crate::runtime::Instance>,
    /// The run's trace (SPEC.md §Trace), in memory up to
    /// [`crate::trace::TRACE_MEMORY_BYTES`] and otherwise in an anonymous temporary
    /// file; `None` only when `TraceOptions::record` was off.
    pub trace: Option<crate::trace::SpooledTrace>,
    /// In a replay (`TraceOptions::replay`), the first recorded host answer that the
    /// recorded inputs contradict (SPEC.md §Trace replay); `None` otherwise.
    pub replay_contradiction: Option<String>,
}

/// Parses a command-line argument as a value of type `ty` (SPEC.md §Values): integers
/// in decimal or `0x` hex, floats in decimal, `inf`, `nan` or `nan:0xPAYLOAD`.
///
/// # Errors
/// A message naming the argument when it does not parse.
pub fn parse_arg(ty: crate::value::ValType, text: &str) -> Result<Value, String> {
    crate::text::parse_value(text, ty)
}

/// Runs `bytes` as a WASI command (or invokes one export) under `rc`.
///
/// # Errors
/// `Error::Validate` when the module is malformed, outside the profile, beyond a limit
/// or imports something the host does not provide (every such import is listed);
/// `Error::Invoke` for a missing export or bad arguments; `Error::Spool` when the
/// trace's temporary file fails. Traps are not errors: they are in the outcome.
///
/// Memory: besides the module, the guest's memories and tables, the preopened trees
/// and the stdin bytes the host held, a run keeps at most
/// [`crate::trace::TRACE_MEMORY_BYTES`] of trace and `max_capture_bytes` of each
/// output stream, whatever the number of host calls and of bytes written.
pub fn run(bytes: &[u8], rc: RunConfig) -> Result<RunOutcome, Error> {
    run_traced(bytes, rc, TraceOptions::default())
}

/// [`run`] with trace options: recording off (to measure its cost) or host calls
/// answered from a recorded trace (`trace::replay`).
///
/// # Errors
/// As [`run`].
pub fn run_traced(bytes: &[u8], rc: RunConfig, opts: TraceOptions) -> Result<RunOutcome, Error> {
    run_sliced(bytes, rc, opts, &[])
}

/// [`run_traced`] with the gas limit (`rc.config.gas_limit`, as the trace records it)
/// given out in slices: the run starts with `slices[0]` gas, each time the entry call
/// runs out of gas it is resumed with the next slice (SPEC.md §Gas, resumption), and
/// the last time with what is left of the limit, as a final resume (out of gas is then
/// a trap). Instantiation (and a start function) runs in the first slice, not
/// resumably. With no slices this is [`run_traced`]; with any slices, everything in
/// the outcome (results, exit code, trap, gas, outputs, trees, profile, trace) is what
/// [`run_traced`] gives, also in a replay (`opts.replay`).
///
/// # Errors
/// As [`run`]; `Error::Invoke` when the slices add up to more than the limit.
pub fn run_sliced(
    bytes: &[u8],
    rc: RunConfig,
    opts: TraceOptions,
    slices: &[u64],
) -> Result<RunOutcome, Error> {
    run_in_slices(bytes, rc, opts, slices, false)
}

/// [`run_sliced`] where each suspension goes through a snapshot (SPEC.md §Snapshot):
/// the instance is snapshotted, encoded and decoded, and restored into a new store
/// (built by the same WASI linker), into which the WASI host state and the trace
/// recorder are moved (in this process: they are not part of a snapshot), and the
/// call resumes there. The outcome (results, exit code, trap, gas, outputs, trees,
/// trace hash) is [`run_traced`]'s.
///
/// # Errors
/// As [`run_sliced`]; `Error::Invoke` when `rc.gas_profile` is on (a snapshot does
/// not carry the gas profile); `Error::Snapshot` if a snapshot cannot be taken (a
/// stop inside a replayed host call).
pub fn run_sliced_through_snapshots(
    bytes: &[u8],
    rc: RunConfig,
    opts: TraceOptions,
    slices: &[u64],
) -> Result<RunOutcome, Error> {
    if rc.gas_profile {
        return Err(Error::Invoke(
            "a gas profile is not carried by snapshots".to_string(),
        ));
    }
    run_in_slices(bytes, rc, opts, slices, true)
}

fn run_in_slices(
    bytes: &[u8],
    mut rc: RunConfig,
    opts: TraceOptions,
    slices: &[u64],
    through_snapshots: bool,
) -> Result<RunOutcome, Error> {
    let total = rc.config.gas_limit;
    let sliced: u64 = slices.iter().fold(0u64, |a, s| a.saturating_add(*s));
    if sliced > total {
        return Err(Error::Invoke(format!(
            "gas slices add up to {sliced}, more than the gas limit {total}"
        )));
    }
    let engine = Engine::new(rc.config.clone());
    // Module::new validates the profile and the limits; only the imports are left.
    let module = Module::new(&engine, bytes)?;
    validate::imports::check(bytes, &wasi::allowlist())?;
    let (entry, entry_text) = match &rc.invoke {
        Some((n, a)) => (n.clone(), a.clone()),
        None => ("_start".to_string(), Vec::new()),
    };
    let entry_values = entry_args(&module, &entry, &entry_text)?;
    let TraceOptions { record, replay } = opts;
    let run_trace = (record || replay.is_some()).then(|| {
        let start = trace::start_event(bytes, &rc.config, &rc.wasi, &entry, &entry_values);
        trace::begin(start, replay, rc.trace_hook.take())
    });
    let mut host = Wasi::new(rc.wasi).map_err(|e| Error::Invoke(e.to_string()))?;
    host.set_echo(rc.echo.take());
    host.set_max_capture_bytes(rc.max_capture_bytes);
    host.set_stdin_stream(rc.stdin_stream.take());
    let mut store = Store::new(&engine, host);
    if let Some(first) = slices.first() {
        store.set_gas_limit(*first);
    }
    store.set_gas_profiling(rc.gas_profile);
    let run_trace = match run_trace {
        Some((recorder, handle)) => {
            store.set_trace_hook(Some(recorder));
            Some(handle)
        }
        None => {
            store.set_trace_hook(rc.trace_hook.take());
            None
        }
    };
    let mut linker = Linker::new();
    wasi::add_to_linker(&mut linker, |w: &mut Wasi| w)?;
    let mut trap: Option<Trap> = None;
    let mut exit_code = None;
    let mut results = Vec::new();
    let mut instance = None;
    match linker.instantiate(&mut store, &module) {
        Err(Error::Trap(t)) => trap = Some(t),
        Err(e) => return Err(e),
        Ok(inst) => {
            instance = Some(inst);
            let func = match store.instance_export(inst, &entry) {
                Some(Extern::Func(f)) => f,
                _ => return Err(Error::Internal("the checked entry export is missing")),
            };
            let outcome = if slices.is_empty() {
                store.invoke(func, &entry_values)
            } else {
                let restore = through_snapshots.then_some((&linker, &module, inst.addr()));
                invoke_in_slices(
                    &mut store,
                    func,
                    &entry_values,
                    &slices[1..],
                    total,
                    restore,
                )
            };
            match outcome {
                Ok(r) => {
                    results = r;
                    exit_code = Some(0);
                }
                Err(Error::Trap(t)) => trap = Some(t),
                Err(e) => return Err(e),
            }
        }
    }
    let mut exit_status = None;
    if let Some(t) = &trap {
        if let Some(status) = t.exit_status() {
            exit_code = Some(status);
            exit_status = Some(status);
            trap = None;
        }
    }
    let trap_func = trap
        .as_ref()
        .and_then(|t| t.func())
        .map(|f| store.func_name(f));
    let (stdout, stderr, outputs, preopens, stdin_held) = {
        let h = store.data_mut();
        let preopens: Vec<Preopen> = h
            .preopens()
            .map(|(p, t)| Preopen {
                guest_path: p.to_string(),
                tree: t.clone(),
            })
            .collect();
        let stdin_held = h.finish_stdin();
        let outputs = [OutputStream::Stdout, OutputStream::Stderr]
            .map(|s| (h.output_len_bytes(s), h.output_sha256(s)));
        (
            h.take_stdout(),
            h.take_stderr(),
            outputs,
            preopens,
            stdin_held,
        )
    };
    let (gas_profile_folded, gas_by_function) = if rc.gas_profile {
        let by = store
            .gas_profile_by_function()
            .into_iter()
            .map(|(f, g)| (store.func_name(f), g))
            .collect();
        (Some(store.gas_profile_folded()), by)
    } else {
        (None, Vec::new())
    };
    let (trace, trace_hook, replay_contradiction) = match run_trace {
        Some(handle) => {
            store.take_trace_hook();
            let (t, inner, contradiction) = handle.finish(&trace::Finished {
                store: &store,
                instance: instance.map(|i| i.addr()),
                exit_status,
                trap: trap.as_ref(),
                results: &results,
                stdout_sha256: outputs[0].1,
                stderr_sha256: outputs[1].1,
                preopens: &preopens,
                stdin: stdin_held,
            })?;
            (Some(t), inner, contradiction)
        }
        None => (None, store.take_trace_hook(), None),
    };
    Ok(RunOutcome {
        exit_code,
        trap,
        trap_func,
        results,
        gas_used: store.gas_used(),
        gas_limit: rc.config.gas_limit,
        stdout,
        stderr,
        stdout_len_bytes: outputs[0].0,
        stderr_len_bytes: outputs[1].0,
        preopens,
        gas_profile_folded,
        gas_by_function,
        trace_hook,
        // Re-bound to the store as it is now: a run sliced through snapshots ends in
        // another store than it started in.
        instance: instance.and_then(|i| store.instance(i.addr())),
        store,
        trace,
        replay_contradiction,
    })
}

/// Invokes `func` resumably, resuming it with each of `more` in turn as it runs out
/// of gas, and finally (not resumably) with what is left of `total`. With `restore`,
/// each suspension is moved through a snapshot into a new store first
/// ([`run_sliced_through_snapshots`]).
fn invoke_in_slices(
    store: &mut Store<Wasi>,
    func: crate::value::Func,
    args: &[Value],
    more: &[u64],
    total: u64,
    restore: Option<(&Linker<Wasi>, &Module, crate::runtime::InstanceAddr)>,
) -> Result<Vec<Value>, Error> {
    let mut call = match store.invoke_resumable(func, args)? {
        Invocation::Finished(results) => return Ok(results),
        Invocation::OutOfGas(call) => call,
    };
    for slice in more {
        if let Some((linker, module, inst)) = restore {
            call = move_through_snapshot(store, linker, module, inst)?;
        }
        call = match call.resume(store, *slice)? {
            Invocation::Finished(results) => return Ok(results),
            Invocation::OutOfGas(call) => call,
        };
    }
    if let Some((linker, module, inst)) = restore {
        call = move_through_snapshot(store, linker, module, inst)?;
    }
    let rest = total.saturating_sub(store.gas_limit);
    call.resume_final(store, rest)
}

/// Replaces `store` by a new store restored from its snapshot's bytes, with the host
/// state and the trace hook moved over; returns the handle on its suspended call.
fn move_through_snapshot(
    store: &mut Store<Wasi>,
    linker: &Linker<Wasi>,
    module: &Module,
    inst: crate::runtime::InstanceAddr,
) -> Result<crate::runtime::ResumableCall, Error> {
    // The store may itself be a restored one: its instance is looked up again by
    // address (a handle names one store only).
    let handle = store
        .instance(inst)
        .ok_or(Error::Internal("the sliced run's instance is missing"))?;
    let bytes = store.snapshot(handle)?.to_bytes()?;
    let snap = crate::snapshot::Snapshot::from_bytes(&bytes)?;
    let hook = store.take_trace_hook();
    let engine = store.engine().clone();
    let placeholder = Wasi::new(WasiConfig::default()).map_err(|e| Error::Invoke(e.to_string()))?;
    let old = std::mem::replace(store, Store::new(&engine, placeholder));
    *store = Store::new(&engine, old.into_data());
    store.set_trace_hook(hook);
    let restored = linker.restore(store, module, &snap)?;
    if restored.addr() != inst {
        return Err(Error::Internal("a restore gave another instance address"));
    }
    store.suspended_call().ok_or(Error::Internal(
        "a restored snapshot without its suspended call",
    ))
}

/// The entry point's typed arguments, checked against the module before anything
/// runs: `name` must be an exported function taking exactly `args`, each parsing as
/// its parameter type (`text::parse_value`).
///
/// # Errors
/// `Error::Invoke` naming what is wrong: no such export (listing the exported
/// functions), an export of another kind, a wrong argument count, an argument that
/// does not parse.
pub fn entry_args(module: &Module, name: &str, args: &[String]) -> Result<Vec<Value>, Error> {
    let Some(ty) = module.export_func_type(name) else {
        if let Some(export) = module.exports().iter().find(|e| e.name == name) {
            let kind = match export.kind {
                ExternKind::Func => "function",
                ExternKind::Table => "table",
                ExternKind::Memory => "memory",
                ExternKind::Global => "global",
                ExternKind::Tag => "tag",
            };
            return Err(Error::Invoke(format!(
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
        return Err(Error::Invoke(format!("no export named '{name}' ({known})")));
    };
    if ty.params().len() != args.len() {
        return Err(Error::Invoke(format!(
            "'{name}' has type {ty} and takes {} argument(s), but {} were given",
            ty.params().len(),
            args.len()
        )));
    }
    args.iter()
        .zip(ty.params())
        .enumerate()
        .map(|(i, (text, &param))| {
            parse_arg(param, text)
                .map_err(|err| Error::Invoke(format!("argument {} of '{name}': {err}", i + 1)))
        })
        .collect()
}

impl RunOutcome {
    /// The trap code, if the run trapped.
    pub fn trap_code(&self) -> Option<TrapCode> {
        self.trap.as_ref().map(Trap::code)
    }
}
