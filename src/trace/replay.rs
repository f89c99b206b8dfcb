//! Replaying a recorded trace (SPEC.md §Trace, replay): [`replay`] re-executes a
//! module with every host call answered from the recording, [`replay_live`] re-runs
//! it against the real deterministic host; both compare the new trace with the
//! recorded one event by event and report the first divergence. Depends on `session`
//! (one run), `file`, `record`, `show`.

use super::codec::Digest32;
use super::digest;
use super::error::TraceError;
use super::event::StartEvent;
use super::file::{hex32, Trace};
use super::record::Replay;
use super::show::{diff_events, Divergence};
use crate::config::Config;
use crate::error::Error;
use crate::session::{self, RunConfig, RunOutcome, TraceOptions};

/// Why a replay could not be carried out (a divergence is not an error: it is in the
/// report).
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The trace is unreadable or does not belong to the module or this build.
    #[error(transparent)]
    Trace(#[from] TraceError),
    /// The run itself failed before executing (validation, invocation).
    #[error(transparent)]
    Run(#[from] Error),
}

/// What a replay found.
pub struct ReplayReport {
    /// The trace of the replay run.
    pub trace: Trace,
    /// The recorded trace's hash.
    pub recorded_hash: Digest32,
    /// The first event where the replay differs from the recording, if any.
    pub divergence: Option<Divergence>,
    /// The first recorded host answer that the recorded inputs contradict (a replay
    /// from the trace checks the answers they determine: random stream, arguments,
    /// environment, clock, stdout and stderr, their host gas, the start event's
    /// inputs), if any.
    pub contradiction: Option<String>,
    /// Whether the file system's answers were taken from the trace unchecked (a
    /// replay from the trace; `--live` checks them).
    pub fs_unchecked: bool,
    /// The replay run's outcome (its `trace` taken out: it is `trace` above).
    pub outcome: RunOutcome,
}

impl ReplayReport {
    /// Whether the replay reproduced the recording bit for bit (same trace hash).
    pub fn identical(&self) -> bool {
        self.divergence.is_none()
            && self.contradiction.is_none()
            && self.trace.hash() == self.recorded_hash
    }
}

/// Checks that `start` was recorded from `bytes` under this build's schedules.
///
/// # Errors
/// `ModuleMismatch`, `ScheduleMismatch`.
pub fn check_start(start: &StartEvent, bytes: &[u8]) -> Result<(), TraceError> {
    let actual = digest::sha256(bytes);
    if start.module_sha256 != actual {
        return Err(TraceError::ModuleMismatch {
            trace: hex32(&start.module_sha256),
            actual: hex32(&actual),
        });
    }
    let checks = [
        (
            "gas schedule version",
            start.gas_schedule_version.to_string(),
            crate::gas::SCHEDULE_VERSION.to_string(),
        ),
        (
            "gas schedule sha256",
            hex32(&start.gas_schedule_sha256),
            hex32(&digest::gas_schedule_sha256()),
        ),
        (
            "host schedule version",
            start.host_schedule_version.to_string(),
            crate::wasi::gas::HOST_SCHEDULE_VERSION.to_string(),
        ),
        (
            "host schedule sha256",
            hex32(&start.host_schedule_sha256),
            hex32(&digest::host_schedule_sha256()),
        ),
        (
            "clock step (ns)",
            start.clock_step_ns.to_string(),
            crate::wasi::clock::CLOCK_STEP_NS.to_string(),
        ),
    ];
    for (what, trace, actual) in checks {
        if trace != actual {
            return Err(TraceError::ScheduleMismatch {
                what,
                trace,
                actual,
            });
        }
    }
    Ok(())
}

/// The engine configuration a start event records.
///
/// # Errors
/// `TraceError::Structure` for a 32-bit limit recorded above 2^32 - 1.
pub fn config_of(start: &StartEvent) -> Result<Config, TraceError> {
    let mut config = Config {
        gas_limit: start.gas_limit,
        gas_metering: start.gas_metering,
        checkpoint_interval: start.checkpoint_interval,
        ..Config::default()
    };
    for (name, &value) in super::event::LIMIT_NAMES.iter().zip(&start.limits) {
        config.set_limit(name, value).map_err(|_| {
            TraceError::Structure(format!("limit {name} = {value} does not fit in 32 bits"))
        })?;
    }
    Ok(config)
}

/// The `invoke` of a run configuration for the recorded entry point.
pub(crate) fn invoke_of(start: &StartEvent) -> Option<(String, Vec<String>)> {
    let args: Option<Vec<String>> = start
        .entry_args
        .iter()
        .map(|v| v.to_value().map(|v| crate::text::format_value(&v)))
        .collect();
    Some((start.entry.clone(), args.unwrap_or_default()))
}

fn report(
    recorded: &Trace,
    recorded_events: &[super::Event],
    mut outcome: RunOutcome,
    fs_unchecked: bool,
) -> Result<ReplayReport, ReplayError> {
    // NOTE: the replay's trace is compared event by event, so it is loaded into
    // memory, as the recorded one already is.
    let trace = outcome
        .trace
        .take()
        .ok_or(Error::Internal("a replay run recorded no trace"))?
        .into_trace()
        .map_err(|e| Error::Spool(format!("cannot read the replay's trace back: {e}")))?;
    let actual = trace.events()?;
    Ok(ReplayReport {
        divergence: diff_events(recorded_events, &actual),
        contradiction: outcome.replay_contradiction.clone(),
        fs_unchecked,
        recorded_hash: recorded.hash(),
        trace,
        outcome,
    })
}

/// Re-executes `bytes` with every host call answered from `recorded` (no file
/// system, stdin or host inputs needed): each call must be the recorded one (same
/// function and arguments) and gets the recorded results, memory writes, gas and
/// trap. The replay's own trace is compared with the recording, and the answers the
/// recorded inputs determine are checked against them (`ReplayReport::contradiction`);
/// the file system's answers are taken from the trace.
///
/// # Errors
/// `ReplayError::Trace` when the trace is unreadable, was recorded from another
/// module or under other schedules; `ReplayError::Run` when the run cannot start.
pub fn replay(bytes: &[u8], recorded: &Trace) -> Result<ReplayReport, ReplayError> {
    let events = recorded.events()?;
    let source = Replay::from_events(&events)?;
    check_start(source.start(), bytes)?;
    let rc = RunConfig {
        config: config_of(source.start())?,
        invoke: invoke_of(source.start()),
        ..RunConfig::default()
    };
    let opts = TraceOptions {
        record: true,
        replay: Some(source),
    };
    let outcome = session::run_traced(bytes, rc, opts)?;
    report(recorded, &events, outcome, true)
}

/// Re-runs `bytes` under `rc` with the real deterministic host and compares the new
/// trace with `recorded` event by event.
///
/// # Errors
/// As [`replay`].
pub fn replay_live(
    bytes: &[u8],
    recorded: &Trace,
    rc: RunConfig,
) -> Result<ReplayReport, ReplayError> {
    let events = recorded.events()?;
    let source = Replay::from_events(&events)?;
    check_start(source.start(), bytes)?;
    let outcome = session::run(bytes, rc)?;
    report(recorded, &events, outcome, false)
}
