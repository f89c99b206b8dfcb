//! The reference meter's replay host: functions of kind `Host::Replay` answer each call
//! from a list of recorded host calls (SPEC.md §Trace replay), in order, so WASI
//! programs can run in the meter without a WASI host of its own. For each call it
//! checks that it is the next recorded one, with the same import name and the same
//! arguments (type and bits); charges the recorded gas through the meter's own counter
//! (SPEC.md §Host gas: all of it must fit, also for a call recorded as ending with
//! `out_of_gas`, whose recorded gas is what the host charged before it trapped);
//! applies the recorded writes to the calling instance's memory 0; checks that the
//! meter's gas used then equals the recorded figure; and returns the recorded results,
//! or ends the run with the recorded trap (`exit` with its status, `out_of_gas`, ...).
//! Any disagreement ends the run with the trap [`REPLAY_MISMATCH`] and a readable
//! report in [`ReplayHost::mismatch`]. The recording is plain data: this module knows
//! nothing of detwasm (the harness converts detwasm's trace events). Depends on the
//! sibling modules.

use super::store::{FuncKind, Host, Store};
use super::{Trap, VT};

/// The trap that ends a run whose host call does not match the recording.
pub const REPLAY_MISMATCH: Trap = Trap("replay_mismatch");

/// The trap of `proc_exit` (SPEC.md §Traps code 16); the status is in
/// [`ReplayHost::exit_status`].
pub const EXIT: Trap = Trap("exit");

/// How a recorded call ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallEnd {
    /// It returned its results.
    Returned,
    /// `proc_exit` with this status.
    Exit(i32),
    /// Another trap, by SPEC.md §Traps name (`out_of_gas`, ...).
    Trap(&'static str),
}

/// One recorded host call.
#[derive(Clone, Debug)]
pub struct RecordedCall {
    /// Index of the event in its trace, for reports.
    pub event: usize,
    pub module: String,
    pub name: String,
    /// Arguments and results as (type, bits), numbers zero-extended to 64 bits.
    pub args: Vec<(VT, u64)>,
    pub results: Vec<(VT, u64)>,
    pub end: CallEnd,
    /// Every write into guest memory 0, in order: address and bytes.
    pub writes: Vec<(u32, Vec<u8>)>,
    /// Gas the call charged.
    pub gas_charged: u64,
    /// The run's gas used after the call.
    pub gas_used: u64,
}

/// The state of a replay: the imports the `Host::Replay` indices name, the recording
/// and how far it has been consumed.
#[derive(Debug, Default)]
pub struct ReplayHost {
    /// (module, name) of each `Host::Replay` index.
    pub imports: Vec<(String, String)>,
    pub calls: Vec<RecordedCall>,
    /// The next recorded call to answer.
    pub next: usize,
    /// Set when the run ended with `exit`.
    pub exit_status: Option<i32>,
    /// The first disagreement with the recording.
    pub mismatch: Option<String>,
}

impl ReplayHost {
    pub fn new(imports: Vec<(String, String)>, calls: Vec<RecordedCall>) -> ReplayHost {
        ReplayHost {
            imports,
            calls,
            ..ReplayHost::default()
        }
    }
}

fn show(vs: &[(VT, u64)]) -> String {
    let items: Vec<String> = vs.iter().map(|(t, b)| format!("{t:?}:{b:#x}")).collect();
    format!("[{}]", items.join(", "))
}

/// Answers a call of the `Host::Replay` function at store address `f` with `args`
/// (slots), made from instance `caller` (`None`: invoked from outside any function).
/// Returns the recorded results, or the trap that ends the run.
pub fn answer(
    store: &mut Store,
    f: usize,
    caller: Option<usize>,
    args: &[u64],
) -> Result<Vec<u64>, Trap> {
    let Some(mut host) = store.replay.take() else {
        panic!("reference meter: a replay host function without a recording");
    };
    let r = answer_with(store, &mut host, f, caller, args);
    if let Err(msg) = &r {
        if host.mismatch.is_none() {
            host.mismatch = Some(msg.clone());
        }
    }
    store.replay = Some(host);
    r.unwrap_or(Err(REPLAY_MISMATCH))
}

/// [`answer`] with the host taken out of the store; `Err(report)` on a mismatch.
fn answer_with(
    store: &mut Store,
    host: &mut ReplayHost,
    f: usize,
    caller: Option<usize>,
    args: &[u64],
) -> Result<Result<Vec<u64>, Trap>, String> {
    let FuncKind::Host(Host::Replay(import)) = store.funcs[f].kind else {
        unreachable!("answer called for a function that is not a replay host function")
    };
    let ty = store.funcs[f].ty.clone();
    let (module, name) = &host.imports[import];
    let index = host.next;
    let Some(call) = host.calls.get(index) else {
        return Err(format!(
            "host call #{index} {module}.{name}: the recording has only {} host calls",
            host.calls.len()
        ));
    };
    let at = format!(
        "event {} (host call #{index} {}.{})",
        call.event, call.module, call.name
    );
    if (&call.module, &call.name) != (module, name) {
        return Err(format!("{at}: the meter called {module}.{name}"));
    }
    let actual: Vec<(VT, u64)> = ty
        .params
        .iter()
        .copied()
        .zip(args.iter().copied())
        .collect();
    if actual != call.args {
        return Err(format!(
            "{at}: arguments: recorded {}, meter {}",
            show(&call.args),
            show(&actual)
        ));
    }
    let result_types: Vec<VT> = call.results.iter().map(|(t, _)| *t).collect();
    if result_types != ty.results {
        return Err(format!(
            "{at}: recorded results {} do not fit the import's result types {:?}",
            show(&call.results),
            ty.results
        ));
    }
    host.next += 1;
    let before = store.gas_used();
    if store.charge(call.gas_charged).is_err() {
        return Err(format!(
            "{at}: recorded gas_charged {} does not fit: meter gas used {before} of limit {}",
            call.gas_charged, store.gas_limit
        ));
    }
    if store.gas_used() != call.gas_used {
        return Err(format!(
            "{at}: gas_used after the call: recorded {}, meter {} ({before} before + {} charged)",
            call.gas_used,
            store.gas_used(),
            call.gas_charged
        ));
    }
    if !call.writes.is_empty() {
        let mem = caller.and_then(|i| store.instances[i].mems.first().copied());
        let Some(mem) = mem else {
            return Err(format!(
                "{at}: recorded writes but the caller has no memory"
            ));
        };
        for (addr, bytes) in &call.writes {
            let (a, len) = (*addr as usize, store.mems[mem].data.len());
            if a + bytes.len() > len {
                return Err(format!(
                    "{at}: recorded write of {} bytes at {a} is outside memory 0 ({len} bytes)",
                    bytes.len()
                ));
            }
            store.mem_write(mem, a, bytes);
        }
    }
    Ok(match call.end {
        CallEnd::Returned => Ok(call.results.iter().map(|(_, b)| *b).collect()),
        CallEnd::Exit(status) => {
            host.exit_status = Some(status);
            Err(EXIT)
        }
        CallEnd::Trap(name) => Err(Trap(name)),
    })
}
