//! The `detwasm` command line: clap definitions and the `validate`, `run` and `inspect`
//! commands.
//! This is the only module that reads files or prints; everything it runs goes through
//! the public library API (Engine, Module, Store) exactly as an embedder would.
//! Depends on the whole library, and nothing depends on it except `main.rs`.
//!
//! Exit codes (also in README.md):
//! - 0: success (`run` returned, `validate` accepted the module);
//! - 1: `validate` rejected the module;
//! - 2: a user error: bad command line, unreadable file, malformed or rejected module,
//!   missing export, bad argument;
//! - 70: an internal error of detwasm (a bug; please report it);
//! - 75: `run --suspend-to` or `resume --suspend-to` ran out of gas and saved the run
//!   (EX_TEMPFAIL: continue it with `detwasm resume`);
//! - 134: the guest trapped (128 + SIGABRT, what a native program that aborts returns).

mod contract;
mod inspect;
mod resume;
mod run;
mod summary;
mod trace_cmd;
mod validate;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit code of a successful command.
pub const EXIT_OK: u8 = 0;
/// Exit code of `validate` when the module is rejected.
pub const EXIT_INVALID: u8 = 1;
/// Exit code of a user error: command line, file, module or argument.
pub const EXIT_USER_ERROR: u8 = 2;
/// Exit code of an internal error of detwasm.
pub const EXIT_INTERNAL: u8 = 70;
/// Exit code when a run ran out of gas and was saved (`--suspend-to`): EX_TEMPFAIL.
pub const EXIT_SUSPENDED: u8 = 75;
/// Exit code when the guest traps: 128 + SIGABRT.
pub const EXIT_TRAP: u8 = 134;

/// A deterministic WebAssembly runtime.
#[derive(Debug, Parser)]
#[command(name = "detwasm", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check that a module is accepted by detwasm's profile, limits and WASI host.
    ///
    /// Prints `valid` and exits 0, or prints the error (every import the host does
    /// not provide, each on its own line) and exits 1.
    Validate {
        /// The module, in the WebAssembly binary format.
        file: PathBuf,
    },
    /// Run a WASI command deterministically, or invoke one exported function.
    ///
    /// The program's stdout and stderr go to this process's stdout and stderr; the exit
    /// code is the program's. With --invoke, each result is printed on its own line. On
    /// a trap, prints `trap: <message> in <function>` on stderr and exits 134.
    #[command(override_usage = "detwasm run [OPTIONS] FILE [ARGS]...")]
    Run(Box<RunArgs>),
    /// Continue a WASI run that `run --suspend-to` (or `resume --suspend-to`) saved
    /// when it ran out of gas (SPEC.md §Snapshot, suspended WASI runs).
    ///
    /// Prints the rest of the program's stdout and stderr and exits as `run` would
    /// have at the end of one uninterrupted run; with --suspend-to, running out of gas
    /// again saves the run again (exit 75).
    Resume(Box<resume::ResumeArgs>),
    /// Re-execute MODULE with every host call answered from TRACE (or, with --live,
    /// against the real deterministic host) and compare the new trace with it.
    ///
    /// Prints `identical <hash>` and exits 0, or names the first divergent event with
    /// its expected and actual values and exits 1.
    Replay(Box<trace_cmd::ReplayArgs>),
    /// Compare two trace files.
    ///
    /// Prints `identical <hash>` and exits 0, or names the first differing event and
    /// field with both values and exits 1.
    Diff(trace_cmd::DiffArgs),
    /// Find the first instruction at which two recordings of a run reach different
    /// states, by re-executing both with ever finer checkpoints (SPEC.md §Trace).
    ///
    /// Prints where the states first differ and exits 1, or exits 0 when they never do.
    Bisect(trace_cmd::BisectArgs),
    /// Show what detwasm made of a module: one line per defined function, and with
    /// --bytecode each function's internal code with the wasm offset and base gas of
    /// every op (for reading a slow path or a translation bug; the format is not
    /// stable).
    ///
    /// Exits 0, or 2 for an unreadable or rejected module or an unknown function.
    Inspect(inspect::InspectArgs),
    /// Run a contract transaction script (SPEC.md §Contract host): deploy modules as
    /// accounts and call their methods, printing each result, the gas used and the
    /// state root after it.
    ///
    /// Module files are read relative to the script. Exits 0 when the script ran
    /// (failed transactions included), 2 for an unreadable or malformed script.
    Contract {
        /// The script: `deploy NAME FILE.wasm` and `call SENDER CONTRACT METHOD
        /// GAS_LIMIT [ARG...]` lines (README "Contract host").
        script: PathBuf,
    },
    /// Inspect trace files (SPEC.md §Trace).
    Trace {
        #[command(subcommand)]
        command: trace_cmd::TraceCommand,
    },
}

/// Arguments of `detwasm run`.
#[derive(Debug, clap::Args)]
struct RunArgs {
    /// FILE, then ARGS. FILE is the module, in the WebAssembly binary format: a WASI
    /// command (imports from wasi_snapshot_preview1 only, exports _start), or any
    /// module with --invoke. ARGS, without --invoke: the program's arguments
    /// (argv[1..]; argv[0] is the module's file name); with --invoke: the function's
    /// arguments, parsed by its parameter types (integers in decimal or 0x hex, floats
    /// in decimal or as inf, nan, nan:0xPAYLOAD). Options go before FILE: everything
    /// after FILE is passed on unchanged (`-v`, `--help`, `-e`, `--gas`); a `--` right
    /// after FILE is dropped, any later one passed on.
    #[arg(
        value_name = "FILE",
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    module_and_args: Vec<String>,
    /// Invoke this export instead of _start; ARGS are then its typed arguments.
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,
    /// FILE, split from `module_and_args` by [`RunArgs::split_positionals`].
    #[arg(skip)]
    file: PathBuf,
    /// ARGS, split from `module_and_args` by [`RunArgs::split_positionals`].
    #[arg(skip)]
    args: Vec<String>,
    /// Gas limit of the run, in gas units (SPEC.md §Gas). Default: no limit in practice
    /// (18446744073709551615 = 2^64 - 1, shown as gas_limit by --summary).
    #[arg(long, value_name = "LIMIT")]
    gas: Option<u64>,
    /// Set a deterministic limit: NAME is a SPEC.md §Limits field (max_module_bytes,
    /// max_funcs, ...), a §Stack number (max_call_depth, max_stack_height),
    /// max_live_exceptions (§Exceptions) or a §Host filesystem limit (max_file_bytes, max_fs_bytes); VALUE an unsigned integer
    /// (decimal or 0x hex). Repeatable; recorded in the trace's start event.
    #[arg(long = "limit", value_name = "NAME=VALUE")]
    limits: Vec<String>,
    /// Seed of the random stream random_get reads (SPEC.md §Host).
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
    /// Start of the virtual clock, nanoseconds since the Unix epoch (default
    /// 2026-01-01T00:00:00Z).
    #[arg(long, value_name = "NS")]
    clock_start: Option<u64>,
    /// Preload host directory HOST into memory and mount it at GUEST (default: the
    /// same path); repeatable. The host directory is never written.
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    dirs: Vec<String>,
    /// An environment variable of the program; repeatable. Nothing is inherited.
    #[arg(long = "env", value_name = "KEY=VALUE")]
    envs: Vec<String>,
    /// The program's stdin: FILE's bytes, `none` for an empty stdin, or `-` for this
    /// process's stdin (the default: inherited; read as the program reads it, see
    /// SPEC.md §Host stdio).
    #[arg(long, value_name = "FILE|none|-")]
    stdin: Option<PathBuf>,
    /// After the run, write the final tree of every --dir mount under DIR/GUEST.
    #[arg(long, value_name = "DIR")]
    fs_out: Option<PathBuf>,
    /// Write the gas profile as folded stacks (`caller;callee gas` lines) to FILE.
    #[arg(long, value_name = "FILE")]
    gas_profile: Option<PathBuf>,
    /// Write the run's hashed execution trace (SPEC.md §Trace) to FILE.
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// When the entry call runs out of gas, save the run to FILE and exit 75 instead of
    /// trapping; `detwasm resume` continues it (SPEC.md §Snapshot, suspended WASI
    /// runs). With --trace or --summary the trace so far is saved too and `resume`
    /// continues it; not with --gas-profile; --summary then lists no functions.
    #[arg(long, value_name = "FILE")]
    suspend_to: Option<PathBuf>,
    /// Print a summary (exit code, trap, gas, top functions by gas) on stderr after the
    /// run.
    #[arg(
        long,
        value_name = "FORMAT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "text"
    )]
    summary: Option<SummaryFormat>,
}

impl RunArgs {
    /// Splits FILE from the guest's ARGS, dropping a `--` right after FILE.
    fn split_positionals(&mut self) {
        let mut rest = std::mem::take(&mut self.module_and_args).into_iter();
        self.file = PathBuf::from(rest.next().unwrap_or_default());
        let mut args: Vec<String> = rest.collect();
        if args.first().is_some_and(|a| a == "--") {
            args.remove(0);
        }
        self.args = args;
    }
}

/// How `--summary` prints.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum SummaryFormat {
    /// One `key=value` line per field.
    Text,
    /// One JSON object on one line.
    Json,
}

/// Runs the command line of the current process and returns its exit code.
///
/// # Panics
/// Never: every error is printed as one line and mapped to an exit code.
pub fn main() -> ExitCode {
    ExitCode::from(main_with_args(std::env::args_os()))
}

/// Runs a command line given as arguments (the first is the program name) and returns
/// the exit code as a number.
pub fn main_with_args<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => return report_clap_error(&err),
    };
    match cli.command {
        Command::Validate { file } => validate::validate_command(&file),
        Command::Run(mut args) => {
            args.split_positionals();
            run::run_command(&args)
        }
        Command::Resume(args) => resume::resume_command(&args),
        Command::Replay(args) => trace_cmd::replay_command(&args),
        Command::Diff(args) => trace_cmd::diff_command(&args),
        Command::Bisect(args) => trace_cmd::bisect_command(&args),
        Command::Trace { command } => trace_cmd::trace_command(&command),
        Command::Inspect(args) => inspect::inspect_command(&args),
        Command::Contract { script } => contract::contract_command(&script),
    }
}

/// Prints a command-line error as one `error: ...` line (help and version go to stdout
/// in full) and returns the exit code.
fn report_clap_error(err: &clap::Error) -> u8 {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let mut text = err.render().to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            print_err(&text);
            return EXIT_USER_ERROR;
        }
        print_out(&text);
        return EXIT_OK;
    }
    // clap's message is the paragraphs before the usage block (the error, then tips);
    // fold them onto one line.
    let rendered = err.render().to_string();
    let mut message = String::new();
    for line in rendered
        .lines()
        .take_while(|line| !line.starts_with("Usage:") && !line.starts_with("For more information"))
        .map(str::trim)
        .filter(|line| !line.is_empty())
    {
        if !message.is_empty() {
            message.push_str(if message.ends_with(':') { " " } else { "; " });
        }
        message.push_str(line);
    }
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    print_err(&format!("error: {message} (see 'detwasm --help')\n"));
    EXIT_USER_ERROR
}

/// A one-line user error: printed as `error: <message>`, exit code 2.
#[derive(Debug)]
struct UserError(String);

impl UserError {
    fn new(message: impl Into<String>) -> UserError {
        UserError(message.into())
    }
}

/// Folds a message onto one line: every run of whitespace that contains a line break
/// becomes one space (some wasmparser messages pretty-print byte arrays over lines).
fn one_line(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for (i, line) in message.lines().enumerate() {
        let line = if i == 0 { line.trim_end() } else { line.trim() };
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// Reads a module file, mapping failure to a user error that names the path.
fn read_module_file(path: &std::path::Path) -> Result<Vec<u8>, UserError> {
    std::fs::read(path)
        .map_err(|err| UserError::new(format!("cannot read {}: {err}", path.display())))
}

/// Writes to stdout, ignoring failure (a closed pipe must not panic).
fn print_out(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Writes to stderr, ignoring failure.
fn print_err(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn messages_fold_onto_one_line() {
        assert_eq!(one_line("plain"), "plain");
        assert_eq!(
            one_line("expected=[\n    0x0,\n    0x61,\n] actual"),
            "expected=[ 0x0, 0x61, ] actual"
        );
        assert_eq!(one_line("a\n\n  b\n"), "a b");
    }
}
