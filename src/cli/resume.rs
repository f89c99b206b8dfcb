//! `detwasm resume [OPTIONS] --module FILE.wasm STATE`: continues a WASI run that
//! `detwasm run --suspend-to STATE` saved when it ran out of gas (SPEC.md §Snapshot,
//! suspended WASI runs), through `detwasm::suspend`. The rest of its stdout and stderr
//! is streamed; its end is reported as `run` reports it. Depends on the public
//! library API only.

use std::path::PathBuf;

use crate::suspend::{self, ResumeConfig, SuspendedRun};
use crate::wasi::StdinStream;
use crate::Error;

use super::run::{conclude_step, echo, report, stdin_stream, Failure};
use super::{read_module_file, SummaryFormat, UserError};

/// Arguments of `detwasm resume`.
#[derive(Debug, clap::Args)]
pub(super) struct ResumeArgs {
    /// The suspended run, as `detwasm run --suspend-to` (or a previous resume) wrote it.
    #[arg(value_name = "STATE")]
    state: PathBuf,
    /// The module the run was suspended with (checked against the SHA-256 the state
    /// holds).
    #[arg(long, value_name = "FILE.wasm")]
    module: PathBuf,
    /// More gas for the run, in gas units (SPEC.md §Gas): its limit grows by this much.
    /// Default: no limit in practice (18446744073709551615).
    #[arg(long, value_name = "LIMIT")]
    gas: Option<u64>,
    /// When the run runs out of gas again, save it to FILE (exit 75) instead of
    /// trapping.
    #[arg(long, value_name = "FILE")]
    suspend_to: Option<PathBuf>,
    /// The continuation of the run's stdin stream, when the run read its inherited
    /// stdin and it had not ended: FILE's bytes, `none` (end of file), or `-` (this
    /// process's stdin, the default). Bytes the run had read and not yet consumed are
    /// in STATE.
    #[arg(long, value_name = "FILE|none|-")]
    stdin: Option<PathBuf>,
    /// When the run ends, write its hashed execution trace (SPEC.md §Trace) to FILE:
    /// the trace of the whole run, as one uninterrupted run would have written it. The
    /// run must have been started with --trace or --summary (its trace so far is in
    /// STATE).
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// When the run ends, write the final tree of every mount under DIR/GUEST.
    #[arg(long, value_name = "DIR")]
    fs_out: Option<PathBuf>,
    /// When the run ends, print a summary (exit code, trap, gas used and limit over
    /// all slices, and the trace hash when the run records a trace) on stderr; no
    /// functions by gas.
    #[arg(
        long,
        value_name = "FORMAT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "text"
    )]
    summary: Option<SummaryFormat>,
}

/// Runs `detwasm resume` and returns the process exit code.
pub(super) fn resume_command(args: &ResumeArgs) -> u8 {
    report(resume(args), args.summary)
}

fn resume(args: &ResumeArgs) -> Result<(u8, Option<super::summary::Outcome>), Failure> {
    let state = std::fs::read(&args.state)
        .map_err(|e| UserError::new(format!("cannot read {}: {e}", args.state.display())))?;
    let saved = SuspendedRun::from_bytes(&state)
        .map_err(|e| UserError::new(format!("cannot resume {}: {e}", args.state.display())))?;
    if args.trace.is_some() && !saved.has_trace() {
        return Err(Failure::User(UserError::new(format!(
            "--trace: {} was suspended without a trace (start the run with --trace or --summary)",
            args.state.display()
        ))));
    }
    let bytes = read_module_file(&args.module)?;
    let stdin = match &args.stdin {
        Some(p) if p.as_os_str() == "none" => None,
        Some(p) if p.as_os_str() != "-" => {
            let file = std::fs::File::open(p)
                .map_err(|e| UserError::new(format!("cannot read --stdin {}: {e}", p.display())))?;
            Some(StdinStream::new(Box::new(file), false))
        }
        _ if saved.stdin_stream_open() => stdin_stream(None),
        _ => None,
    };
    let rc = ResumeConfig {
        more_gas: args.gas.unwrap_or(u64::MAX),
        suspend_again: args.suspend_to.is_some(),
        echo: Some(echo()),
        max_capture_bytes: 0,
        stdin_stream: stdin,
    };
    let step = suspend::resume(&bytes, &saved, rc).map_err(|e| match e {
        Error::Validate(err) => Failure::User(UserError::new(format!(
            "invalid module {}: {err}",
            args.module.display()
        ))),
        Error::Internal(m) => Failure::Internal(m.to_string()),
        other => Failure::User(UserError::new(format!(
            "cannot resume {}: {other}",
            args.state.display()
        ))),
    })?;
    let next = args.suspend_to.clone().unwrap_or_default();
    conclude_step(
        step,
        &next,
        &args.module,
        args.fs_out.as_deref(),
        args.trace.as_deref(),
    )
}
