//! `detwasm run [OPTIONS] FILE [ARGS...]`: one deterministic run through
//! `session::run`, with the command line's inputs (directories read into memory,
//! stdin read before the run) and outputs (stdout/stderr streamed, `--fs-out`,
//! `--gas-profile`, `--summary`). Depends on the public library API only.

use std::io::Write;
use std::path::Path;

use crate::session::{self, RunConfig, RunOutcome, TraceOptions};
use crate::text::format_value;
use crate::wasi::{fs::Dir, OutputStream, Preopen, StdinStream, WasiConfig};
use crate::{Config, Error, TrapCode};

use super::summary::{print_summary, Outcome};
use super::{
    one_line, print_err, print_out, read_module_file, RunArgs, SummaryFormat, UserError,
    EXIT_INTERNAL, EXIT_SUSPENDED, EXIT_TRAP, EXIT_USER_ERROR,
};

/// Runs `detwasm run` and returns the process exit code.
pub(super) fn run_command(args: &RunArgs) -> u8 {
    report(run(args), args.summary)
}

/// Prints the summary (of a finished run) or the error, and gives the exit code.
pub(super) fn report(
    result: Result<(u8, Option<Outcome>), Failure>,
    summary: Option<SummaryFormat>,
) -> u8 {
    match result {
        Ok((code, outcome)) => {
            if let (Some(format), Some(outcome)) = (summary, outcome) {
                print_summary(format, code, &outcome);
            }
            code
        }
        Err(Failure::User(err)) => {
            print_err(&format!("error: {}\n", one_line(&err.0)));
            EXIT_USER_ERROR
        }
        Err(Failure::Internal(message)) => {
            print_err(&format!(
                "internal error: {} (this is a bug in detwasm)\n",
                one_line(&message)
            ));
            EXIT_INTERNAL
        }
    }
}

/// Why a run could not produce an outcome.
pub(super) enum Failure {
    /// The command line, a file or the module is at fault: exit 2.
    User(UserError),
    /// detwasm itself is at fault: exit 70.
    Internal(String),
}

impl From<UserError> for Failure {
    fn from(err: UserError) -> Failure {
        Failure::User(err)
    }
}

fn run(args: &RunArgs) -> Result<(u8, Option<Outcome>), Failure> {
    let bytes = read_module_file(&args.file)?;
    let mut config = Config {
        gas_limit: args.gas.unwrap_or(DEFAULT_CLI_GAS_LIMIT),
        ..Config::default()
    };
    let mut wasi = wasi_config(args)?;
    for text in &args.limits {
        set_limit(&mut config, &mut wasi, text)?;
    }
    let stdin_stream = stdin_stream(args.stdin.as_deref());
    if let Some(path) = &args.suspend_to {
        if args.gas_profile.is_some() {
            return Err(Failure::User(UserError::new(
                "--suspend-to cannot be combined with --gas-profile: a suspended run carries no gas profile (SPEC.md §Snapshot, suspended WASI runs, version 1)",
            )));
        }
        let rc = RunConfig {
            config,
            wasi,
            invoke: args.invoke.clone().map(|n| (n, args.args.clone())),
            gas_profile: false,
            echo: Some(echo()),
            max_capture_bytes: 0,
            trace_hook: None,
            stdin_stream,
        };
        let record = args.trace.is_some() || args.summary.is_some();
        let step =
            crate::suspend::run_traced(&bytes, rc, record).map_err(|e| map_error(e, args))?;
        return conclude_step(
            step,
            path,
            &args.file,
            args.fs_out.as_deref(),
            args.trace.as_deref(),
        );
    }
    let rc = RunConfig {
        config,
        wasi,
        invoke: args.invoke.clone().map(|n| (n, args.args.clone())),
        gas_profile: args.gas_profile.is_some() || args.summary.is_some(),
        echo: Some(echo()),
        // The output is streamed through `echo` as it is written: none is kept.
        max_capture_bytes: 0,
        trace_hook: None,
        stdin_stream,
    };
    // The trace is recorded when it is asked for: it changes no result (SPEC.md §Trace).
    let opts = TraceOptions {
        record: args.trace.is_some() || args.summary.is_some(),
        replay: None,
    };
    let outcome = session::run_traced(&bytes, rc, opts).map_err(|e| map_error(e, args))?;
    let _ = std::io::stdout().flush();
    write_outputs(args, &outcome)?;
    let (code, summary) = conclude(&outcome)?;
    Ok((code, Some(summary)))
}

/// The echo sink of the command line: the guest's output goes out as it is written;
/// a closed pipe is ignored.
pub(super) fn echo() -> crate::wasi::EchoSink {
    Box::new(|stream, bytes: &[u8]| {
        let _ = match stream {
            OutputStream::Stdout => std::io::stdout().lock().write_all(bytes),
            OutputStream::Stderr => std::io::stderr().lock().write_all(bytes),
        };
    })
}

/// A library error of `run` as a failure of the command.
fn map_error(e: Error, args: &RunArgs) -> Failure {
    match e {
        Error::Validate(err) => Failure::User(UserError::new(format!(
            "invalid module {}: {err}",
            args.file.display()
        ))),
        Error::Internal(m) => Failure::Internal(m.to_string()),
        Error::Invoke(m) if args.invoke.is_none() && m.contains("'_start'") => {
            Failure::User(UserError::new(format!(
                "{m}; it is not a WASI command (use --invoke NAME to call another export)"
            )))
        }
        other => Failure::User(UserError::new(other.to_string())),
    }
}

/// Ends a suspendable run (`run --suspend-to`, `resume`): a finished one as `run`
/// does (results, trap line, `--fs-out`), a suspended one by writing its state to
/// `path` and printing one `suspended:` line on stderr (exit [`EXIT_SUSPENDED`]).
pub(super) fn conclude_step(
    step: crate::suspend::Step,
    path: &Path,
    module: &Path,
    fs_out: Option<&Path>,
    trace: Option<&Path>,
) -> Result<(u8, Option<Outcome>), Failure> {
    let _ = std::io::stdout().flush();
    match step {
        crate::suspend::Step::Finished(outcome) => {
            if let Some(out) = fs_out {
                write_fs_out(out, &outcome)?;
            }
            if let Some(path) = trace {
                super::trace_cmd::write_trace(path, &outcome)?;
            }
            let (code, summary) = conclude(&outcome)?;
            Ok((code, Some(summary)))
        }
        crate::suspend::Step::Suspended(saved) => {
            let bytes = saved
                .to_bytes()
                .map_err(|e| Failure::Internal(e.to_string()))?;
            std::fs::write(path, &bytes).map_err(|e| {
                UserError::new(format!("cannot write --suspend-to {}: {e}", path.display()))
            })?;
            print_err(&format!(
                "suspended: out of gas after {} gas units; saved to {} (continue with: detwasm resume --module {} [--gas N] {})\n",
                saved.gas_used(),
                path.display(),
                module.display(),
                path.display()
            ));
            Ok((EXIT_SUSPENDED, None))
        }
    }
}

/// The exit code and summary of a finished run; prints its results or trap line.
fn conclude(outcome: &RunOutcome) -> Result<(u8, Outcome), Failure> {
    let code = match (&outcome.trap, outcome.exit_code) {
        // detwasm's own fault, never the program's: reported as an internal error.
        (Some(trap), _) if trap.code() == TrapCode::Internal => {
            return Err(Failure::Internal(format!("{trap}")));
        }
        (Some(trap), _) => {
            let place = outcome
                .trap_func
                .as_deref()
                .map(|f| format!(" in {f}"))
                .unwrap_or_default();
            print_err(&format!("trap: {}{place}\n", trap.code().message()));
            EXIT_TRAP
        }
        (None, Some(status)) => {
            let mut text = String::new();
            for value in &outcome.results {
                text.push_str(&format_value(value));
                text.push('\n');
            }
            print_out(&text);
            // A WASI exit status outside 0..=255 is reported modulo 256, as POSIX does.
            (status & 0xff) as u8
        }
        (None, None) => return Err(Failure::Internal("run ended without outcome".into())),
    };
    let summary = Outcome {
        trap: outcome.trap_code(),
        gas_used: outcome.gas_used,
        gas_limit: outcome.gas_limit,
        top: outcome.gas_by_function.iter().take(10).cloned().collect(),
        trace_hash: super::trace_cmd::trace_hash(outcome),
    };
    Ok((code, summary))
}

/// `run`'s gas limit without `--gas`: 2^64 - 1 gas units, no limit in practice (a
/// CLI user running their own program expects it to finish; SPEC.md §Gas).
pub const DEFAULT_CLI_GAS_LIMIT: u64 = u64::MAX;

/// Sets one §Host filesystem limit of a [`WasiConfig`], in bytes.
type WasiLimitSet = fn(&mut WasiConfig, u64);

/// The limits `--limit` accepts besides [`crate::config::LIMIT_NAMES`]: the §Host
/// filesystem limits of [`WasiConfig`], with their setters.
const WASI_LIMITS: [(&str, WasiLimitSet); 2] = [
    ("max_file_bytes", |w, v| w.max_file_bytes = v),
    ("max_fs_bytes", |w, v| w.max_fs_bytes = v),
];

/// Applies one `--limit NAME=VALUE`.
fn set_limit(config: &mut Config, wasi: &mut WasiConfig, text: &str) -> Result<(), UserError> {
    let valid = || {
        crate::config::LIMIT_NAMES
            .iter()
            .copied()
            .chain(WASI_LIMITS.iter().map(|(n, _)| *n))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some((name, value)) = text.split_once('=') else {
        return Err(UserError::new(format!(
            "--limit {text}: expected NAME=VALUE (names: {})",
            valid()
        )));
    };
    let value = parse_u64(value).ok_or_else(|| {
        UserError::new(format!(
            "--limit {text}: '{value}' is not an unsigned integer (decimal or 0x hex)"
        ))
    })?;
    if let Some((_, set)) = WASI_LIMITS.iter().find(|(n, _)| *n == name) {
        set(wasi, value);
        return Ok(());
    }
    config.set_limit(name, value).map_err(|e| match e {
        crate::config::LimitError::UnknownName(_) => UserError::new(format!(
            "--limit {text}: unknown limit '{name}' (names: {})",
            valid()
        )),
        other => UserError::new(format!("--limit {text}: {other}")),
    })
}

/// An unsigned integer in decimal or `0x` hex, underscores allowed between digits.
fn parse_u64(text: &str) -> Option<u64> {
    let t = text.trim().replace('_', "");
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() => u64::from_str_radix(hex, 16).ok(),
        Some(_) => None,
        None if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => t.parse().ok(),
        None => None,
    }
}

/// The inherited stdin as a stream (SPEC.md §Host stdio): without `--stdin` or with
/// `--stdin -`. A regular file redirected to stdin is a stream too; a terminal is read
/// interactively (a read returns what one line gives).
pub(super) fn stdin_stream(stdin: Option<&Path>) -> Option<StdinStream> {
    let inherit = match stdin {
        None => true,
        Some(p) => p.as_os_str() == "-",
    };
    if !inherit {
        return None;
    }
    let interactive = std::io::IsTerminal::is_terminal(&std::io::stdin());
    Some(StdinStream::new(Box::new(std::io::stdin()), interactive))
}

/// The WASI inputs of the run from the command line.
fn wasi_config(args: &RunArgs) -> Result<WasiConfig, UserError> {
    let mut w = WasiConfig::default();
    let argv0 = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| args.file.display().to_string());
    w.args.push(argv0);
    if args.invoke.is_none() {
        w.args.extend(args.args.iter().cloned());
    }
    w.seed = args.seed;
    if let Some(start) = args.clock_start {
        w.clock_start_ns = start;
    }
    for e in &args.envs {
        let Some((k, v)) = e.split_once('=') else {
            return Err(UserError::new(format!("--env {e}: expected KEY=VALUE")));
        };
        w.env.push((k.to_string(), v.to_string()));
    }
    w.stdin = match &args.stdin {
        // Inherited stdin is a stream the host reads as the guest does (stdin_stream).
        None => Vec::new(),
        Some(p) if p.as_os_str() == "-" || p.as_os_str() == "none" => Vec::new(),
        Some(p) => std::fs::read(p)
            .map_err(|e| UserError::new(format!("cannot read --stdin {}: {e}", p.display())))?,
    };
    for d in &args.dirs {
        let (host, guest) = match d.split_once("::") {
            Some((h, g)) => (h, g),
            None => (d.as_str(), d.as_str()),
        };
        let tree = Dir::load_host(Path::new(host))
            .map_err(|e| UserError::new(format!("cannot load --dir {host}: {e}")))?;
        w.preopens.push(Preopen {
            guest_path: guest.to_string(),
            tree,
        });
    }
    Ok(w)
}

/// Writes `--fs-out` and `--gas-profile` after the run.
fn write_outputs(args: &RunArgs, outcome: &RunOutcome) -> Result<(), UserError> {
    if let Some(out) = &args.fs_out {
        write_fs_out(out, outcome)?;
    }
    if let Some(path) = &args.trace {
        super::trace_cmd::write_trace(path, outcome)?;
    }
    if let (Some(path), Some(folded)) = (&args.gas_profile, &outcome.gas_profile_folded) {
        std::fs::write(path, folded).map_err(|e| {
            UserError::new(format!(
                "cannot write --gas-profile {}: {e}",
                path.display()
            ))
        })?;
    }
    Ok(())
}

/// Writes the final tree of every mount under `out` (`--fs-out`).
fn write_fs_out(out: &Path, outcome: &RunOutcome) -> Result<(), UserError> {
    for p in &outcome.preopens {
        let rel = p.guest_path.trim_start_matches('/');
        let dest = if rel.is_empty() {
            out.to_path_buf()
        } else {
            out.join(rel)
        };
        p.tree.export_to_host(&dest).map_err(|e| {
            UserError::new(format!("cannot write --fs-out {}: {e}", dest.display()))
        })?;
    }
    Ok(())
}
