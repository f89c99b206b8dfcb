//! The trace commands (SPEC.md §Trace): `detwasm replay TRACE MODULE [--live ...]`,
//! `detwasm diff A B`, `detwasm trace show TRACE`, and the `run --trace FILE` output
//! ([`write_trace`]). Reads trace and module files, prints results; the work is done by
//! `crate::trace`. Depends on the public library API only.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::session::{RunConfig, RunOutcome};
use crate::trace::{self, Divergence, ReplayReport, Trace};
use crate::wasi::{fs::Dir, Preopen, WasiConfig};

use super::{
    one_line, print_err, print_out, read_module_file, UserError, EXIT_INVALID, EXIT_OK,
    EXIT_USER_ERROR,
};

/// Arguments of `detwasm replay`.
#[derive(Debug, clap::Args)]
pub(super) struct ReplayArgs {
    /// The trace file (written by `detwasm run --trace`).
    trace: PathBuf,
    /// The module the trace was recorded from.
    module: PathBuf,
    /// Re-run against the real deterministic host instead of answering host calls from
    /// the trace: give the same --dir and --stdin as the recorded run (seed, clock
    /// start, arguments and environment default to the recorded ones).
    #[arg(long)]
    live: bool,
    /// With --live: preload host directory HOST at GUEST (default: the same path);
    /// repeatable.
    #[arg(long = "dir", value_name = "HOST[::GUEST]", requires = "live")]
    dirs: Vec<String>,
    /// With --live: the program's stdin file.
    #[arg(long, value_name = "FILE", requires = "live")]
    stdin: Option<PathBuf>,
    /// With --live: the random seed (default: the recorded one).
    #[arg(long, value_name = "N", requires = "live")]
    seed: Option<u64>,
    /// With --live: the clock start in ns (default: the recorded one).
    #[arg(long, value_name = "NS", requires = "live")]
    clock_start: Option<u64>,
    /// With --live: an environment variable; replaces the recorded environment
    /// (repeatable).
    #[arg(long = "env", value_name = "KEY=VALUE", requires = "live")]
    envs: Vec<String>,
}

/// Arguments of `detwasm diff`.
#[derive(Debug, clap::Args)]
pub(super) struct DiffArgs {
    /// The expected trace.
    a: PathBuf,
    /// The actual trace.
    b: PathBuf,
}

/// Arguments of `detwasm bisect`.
#[derive(Debug, clap::Args)]
pub(super) struct BisectArgs {
    /// One recording of the run.
    a: PathBuf,
    /// Another recording of the same module and configuration.
    b: PathBuf,
    /// The module both recordings ran.
    module: PathBuf,
    /// Checkpoint interval of the first round, in gas units; it halves to 1.
    #[arg(long, value_name = "GAS", default_value_t = 1024)]
    interval: u64,
}

/// Runs `detwasm bisect A B MODULE`: re-executes both recordings (host calls answered
/// from each) with ever finer checkpoints and names the first instruction before
/// which their states differ. Exit 0 when no state differs, 1 when one does.
pub(super) fn bisect_command(args: &BisectArgs) -> u8 {
    let inputs = read_trace(&args.a).and_then(|a| Ok((a, read_trace(&args.b)?)));
    let (a, b) = match inputs {
        Ok(t) => t,
        Err(e) => return user_error(&e),
    };
    let bytes = match std::fs::read(&args.module) {
        Ok(b) => b,
        Err(e) => {
            return user_error(&UserError::new(format!(
                "cannot read {}: {e}",
                args.module.display()
            )))
        }
    };
    let show = |c: &Option<trace::CheckpointEvent>| match c {
        None => "(run ended)".to_string(),
        Some(c) => format!(
            "checkpoint {} gas_used={} func={} offset=0x{:x} state={}",
            c.index,
            c.gas_used,
            c.func_index,
            c.offset,
            trace::hex32(&c.state_sha256)
        ),
    };
    match trace::bisect(&bytes, &a, &b, args.interval) {
        Ok(None) => {
            print_out(
                "no checkpoint differs: the runs reach the same state before every instruction\n",
            );
            EXIT_OK
        }
        Ok(Some(d)) => {
            let mut s = String::new();
            let _ = writeln!(
                s,
                "states first differ at checkpoint interval {}",
                d.interval
            );
            let _ = writeln!(s, "  last equal: {}", show(&d.last_equal));
            let _ = writeln!(s, "  a: {}", show(&d.a));
            let _ = writeln!(s, "  b: {}", show(&d.b));
            if let (Some(x), 1) = (&d.a, d.interval) {
                let _ = writeln!(
                    s,
                    "first instruction whose state differs: func {} at offset 0x{:x}",
                    x.func_index, x.offset
                );
            }
            print_out(&s);
            EXIT_INVALID
        }
        Err(e) => user_error(&UserError::new(e.to_string())),
    }
}

/// `detwasm trace` subcommands.
#[derive(Debug, clap::Subcommand)]
pub(super) enum TraceCommand {
    /// Print a trace's events as JSON lines: one object per event, then a trailer line
    /// with the event count and the trace hash.
    Show {
        /// The trace file.
        file: PathBuf,
    },
}

/// Writes the run's trace to `path` (`detwasm run --trace FILE`), streaming it from
/// the run's spool (memory: one 64 KiB buffer, whatever the trace's size).
///
/// # Errors
/// A user error naming the file when it cannot be written (or the spool read back).
pub(super) fn write_trace(path: &Path, outcome: &RunOutcome) -> Result<(), UserError> {
    let Some(t) = &outcome.trace else {
        return Ok(());
    };
    let fail =
        |e: std::io::Error| UserError::new(format!("cannot write --trace {}: {e}", path.display()));
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(fail)?);
    t.write_to(&mut out).map_err(fail)?;
    std::io::Write::flush(&mut out).map_err(fail)
}

/// The trace hash of a run as hex, for `--summary`.
pub(super) fn trace_hash(outcome: &RunOutcome) -> Option<String> {
    outcome.trace.as_ref().map(trace::SpooledTrace::hash_hex)
}

fn read_trace(path: &Path) -> Result<Trace, UserError> {
    let bytes = std::fs::read(path)
        .map_err(|e| UserError::new(format!("cannot read {}: {e}", path.display())))?;
    Trace::from_bytes(&bytes).map_err(|e| UserError::new(format!("{}: {e}", path.display())))
}

fn user_error(err: &UserError) -> u8 {
    print_err(&format!("error: {}\n", one_line(&err.0)));
    EXIT_USER_ERROR
}

/// The lines that describe a divergence.
fn divergence_text(d: &Divergence, expected_hash: &str, actual_hash: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "first divergence at event {}", d.index);
    let _ = writeln!(s, "  expected event: {}", d.expected_event);
    let _ = writeln!(s, "  actual event:   {}", d.actual_event);
    let _ = writeln!(s, "  field: {}", d.field);
    let _ = writeln!(s, "  expected: {}", d.expected);
    let _ = writeln!(s, "  actual:   {}", d.actual);
    let _ = writeln!(s, "expected trace hash {expected_hash}");
    let _ = writeln!(s, "actual trace hash   {actual_hash}");
    s
}

/// Runs `detwasm diff A B`: prints `identical <hash>` and returns 0, or prints the
/// first difference and returns 1.
pub(super) fn diff_command(args: &DiffArgs) -> u8 {
    let traces = read_trace(&args.a).and_then(|a| Ok((a, read_trace(&args.b)?)));
    let (a, b) = match traces {
        Ok(t) => t,
        Err(e) => return user_error(&e),
    };
    match trace::diff(&a, &b) {
        Ok(None) if a.hash() == b.hash() => {
            print_out(&format!("identical {}\n", a.hash_hex()));
            EXIT_OK
        }
        Ok(None) => {
            print_out(&format!(
                "the events are equal but the hashes differ: {} {}\n",
                a.hash_hex(),
                b.hash_hex()
            ));
            EXIT_INVALID
        }
        Ok(Some(d)) => {
            print_out(&divergence_text(&d, &a.hash_hex(), &b.hash_hex()));
            EXIT_INVALID
        }
        Err(e) => user_error(&UserError::new(e.to_string())),
    }
}

/// Runs `detwasm trace show FILE`.
pub(super) fn trace_command(cmd: &TraceCommand) -> u8 {
    match cmd {
        TraceCommand::Show { file } => {
            let bytes = match std::fs::read(file) {
                Ok(b) => b,
                Err(e) => {
                    return user_error(&UserError::new(format!(
                        "cannot read {}: {e}",
                        file.display()
                    )))
                }
            };
            match trace::show_json_lines(&bytes) {
                Ok(lines) => {
                    let mut out = lines.join("\n");
                    out.push('\n');
                    print_out(&out);
                    EXIT_OK
                }
                Err(e) => user_error(&UserError::new(format!("{}: {e}", file.display()))),
            }
        }
    }
}

/// The run configuration of `replay --live`: the recorded engine configuration and
/// entry point, the recorded host inputs unless overridden, the given trees and stdin.
fn live_config(args: &ReplayArgs, recorded: &Trace) -> Result<RunConfig, UserError> {
    let events = recorded
        .events()
        .map_err(|e| UserError::new(format!("{}: {e}", args.trace.display())))?;
    let Some(trace::Event::Start(start)) = events.first() else {
        return Err(UserError::new("the trace has no start event"));
    };
    let config = trace::config_of(start).map_err(|e| UserError::new(e.to_string()))?;
    let mut wasi = WasiConfig {
        args: start.args.clone(),
        env: start.env.clone(),
        seed: args.seed.unwrap_or(start.seed),
        clock_start_ns: args.clock_start.unwrap_or(start.clock_start_ns),
        max_file_bytes: start.max_file_bytes,
        max_fs_bytes: start.max_fs_bytes,
        ..WasiConfig::default()
    };
    if !args.envs.is_empty() {
        wasi.env.clear();
        for e in &args.envs {
            let (k, v) = e
                .split_once('=')
                .ok_or_else(|| UserError::new(format!("--env {e}: expected KEY=VALUE")))?;
            wasi.env.push((k.to_string(), v.to_string()));
        }
    }
    if let Some(p) = &args.stdin {
        wasi.stdin = std::fs::read(p)
            .map_err(|e| UserError::new(format!("cannot read --stdin {}: {e}", p.display())))?;
    }
    for d in &args.dirs {
        let (host, guest) = d.split_once("::").unwrap_or((d.as_str(), d.as_str()));
        let tree = Dir::load_host(Path::new(host))
            .map_err(|e| UserError::new(format!("cannot load --dir {host}: {e}")))?;
        wasi.preopens.push(Preopen {
            guest_path: guest.to_string(),
            tree,
        });
    }
    let entry_args = start
        .entry_args
        .iter()
        .filter_map(|v| v.to_value())
        .map(|v| crate::text::format_value(&v))
        .collect();
    Ok(RunConfig {
        config,
        wasi,
        invoke: Some((start.entry.clone(), entry_args)),
        ..RunConfig::default()
    })
}

/// Runs `detwasm replay`: prints `identical <hash>` and returns 0, or prints the first
/// divergent event with expected and actual values and returns 1.
pub(super) fn replay_command(args: &ReplayArgs) -> u8 {
    let result = (|| -> Result<ReplayReport, UserError> {
        let recorded = read_trace(&args.trace)?;
        let bytes = read_module_file(&args.module)?;
        let report = if args.live {
            let rc = live_config(args, &recorded)?;
            trace::replay_live(&bytes, &recorded, rc)
        } else {
            trace::replay(&bytes, &recorded)
        };
        report.map_err(|e| UserError::new(e.to_string()))
    })();
    match result {
        Ok(r) if r.identical() => {
            let note = if r.fs_unchecked {
                " (file system answers taken from the trace; use --live to check them)"
            } else {
                ""
            };
            print_out(&format!("identical {}{note}\n", r.trace.hash_hex()));
            EXIT_OK
        }
        Ok(r) => {
            let text = match (&r.divergence, &r.contradiction) {
                (Some(d), _) => {
                    divergence_text(d, &trace::hex32(&r.recorded_hash), &r.trace.hash_hex())
                }
                (None, Some(c)) => {
                    format!("not identical: the recording contradicts its own inputs: {c}\n")
                }
                (None, None) => format!(
                    "the events are equal but the hashes differ: {} {}\n",
                    trace::hex32(&r.recorded_hash),
                    r.trace.hash_hex()
                ),
            };
            print_out(&text);
            EXIT_INVALID
        }
        Err(e) => user_error(&e),
    }
}
