//! `bisect`: the first instruction at which two recordings of the same run reach
//! different states. Both are re-executed with their host calls answered from their
//! own recording, with checkpoints (SPEC.md §Trace checkpoints) every N gas units, N
//! halving down to 1; the first checkpoint whose gas, position or state digest differs
//! is the answer. Each round costs two runs; the last round digests the state before
//! every instruction. Depends on session and the replay machinery.

use super::event::{CheckpointEvent, Event};
use super::file::Trace;
use super::record::Replay;
use super::replay::{check_start, config_of, invoke_of, ReplayError};
use crate::session::{self, RunConfig, TraceOptions};

/// Where two recordings first reach different states.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bisection {
    /// The checkpoint interval of the final round (1 when the search went all the way).
    pub interval: u64,
    /// The last checkpoint both runs agree on, if any.
    pub last_equal: Option<CheckpointEvent>,
    /// The first differing checkpoint of run A (`None` if A ended first).
    pub a: Option<CheckpointEvent>,
    /// The first differing checkpoint of run B (`None` if B ended first).
    pub b: Option<CheckpointEvent>,
}

fn checkpoints(
    bytes: &[u8],
    t: &Trace,
    interval: u64,
) -> Result<Vec<CheckpointEvent>, ReplayError> {
    let events = t.events()?;
    let source = Replay::from_events(&events)?;
    check_start(source.start(), bytes)?;
    let mut config = config_of(source.start())?;
    config.checkpoint_interval = interval;
    let rc = RunConfig {
        config,
        invoke: invoke_of(source.start()),
        ..RunConfig::default()
    };
    let opts = TraceOptions {
        record: true,
        replay: Some(source),
    };
    let outcome = session::run_traced(bytes, rc, opts)?;
    let Some(trace) = outcome.trace else {
        return Ok(Vec::new());
    };
    let trace = trace
        .into_trace()
        .map_err(|e| crate::Error::Spool(format!("cannot read the trace back: {e}")))?;
    Ok(trace
        .events()?
        .into_iter()
        .filter_map(|e| match e {
            Event::Checkpoint(c) => Some(c),
            _ => None,
        })
        .collect())
}

/// The first differing pair of checkpoint lists, with the last equal one.
fn first_difference(a: &[CheckpointEvent], b: &[CheckpointEvent]) -> Option<Bisection> {
    let n = a.len().max(b.len());
    (0..n).find_map(|i| {
        let (x, y) = (a.get(i), b.get(i));
        (x != y).then(|| Bisection {
            interval: 0,
            last_equal: i.checked_sub(1).and_then(|j| a.get(j).cloned()),
            a: x.cloned(),
            b: y.cloned(),
        })
    })
}

/// Finds the first checkpoint at which the runs recorded in `a` and `b` differ,
/// starting with checkpoints every `start_interval` gas units and halving to 1.
/// `Ok(None)` when no checkpoint differs at any interval (the runs reach the same
/// state before every instruction).
///
/// # Errors
/// `ReplayError` when a trace is unreadable or not a recording of `bytes`.
pub fn bisect(
    bytes: &[u8],
    a: &Trace,
    b: &Trace,
    start_interval: u64,
) -> Result<Option<Bisection>, ReplayError> {
    let mut interval = start_interval.max(1);
    let mut found = None;
    loop {
        let ca = checkpoints(bytes, a, interval)?;
        let cb = checkpoints(bytes, b, interval)?;
        if let Some(mut d) = first_difference(&ca, &cb) {
            d.interval = interval;
            found = Some(d);
        }
        if interval == 1 {
            return Ok(found);
        }
        interval = (interval / 2).max(1);
    }
}
