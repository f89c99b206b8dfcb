//! The `--summary` report of `detwasm run`: exit code, trap, gas used and gas limit, as
//! `key=value` lines or as one JSON object, on stderr. Depends on `exec` (TrapCode).

use crate::TrapCode;

use super::{print_err, SummaryFormat};

/// What a run did, as far as the summary reports it.
pub(super) struct Outcome {
    /// The trap that stopped the run, if any.
    pub trap: Option<TrapCode>,
    /// Gas used by instantiation and the call, in gas units.
    pub gas_used: u64,
    /// The gas limit of the run, in gas units.
    pub gas_limit: u64,
    /// The functions that used the most gas themselves, largest first.
    pub top: Vec<(String, u64)>,
    /// The run's trace hash (SPEC.md §Trace), hex.
    pub trace_hash: Option<String>,
}

/// Prints the summary on stderr.
///
/// Text: `exit_code=N`, `trap=NAME` (or `trap=none`), `gas_used=N`, `gas_limit=N`, one
/// per line, then `trace_hash=HEX` and `self_gas N NAME` lines. JSON: `{"exit_code":N,"trap":"NAME"|null,"gas_used":N,"gas_limit":N,"trace_hash":"HEX"|null}`.
pub(super) fn print_summary(format: SummaryFormat, exit_code: u8, outcome: &Outcome) {
    let text = match format {
        SummaryFormat::Text => {
            let mut t = format!(
                "exit_code={exit_code}\ntrap={}\ngas_used={}\ngas_limit={}\ntrace_hash={}\n",
                outcome.trap.map_or("none", TrapCode::name),
                outcome.gas_used,
                outcome.gas_limit,
                outcome.trace_hash.as_deref().unwrap_or("none")
            );
            for (name, gas) in &outcome.top {
                t.push_str(&format!("self_gas {gas} {name}\n"));
            }
            t
        }
        SummaryFormat::Json => format!(
            "{{\"exit_code\":{exit_code},\"trap\":{},\"gas_used\":{},\"gas_limit\":{},\"trace_hash\":{}}}\n",
            outcome.trap.map_or("null".to_string(), |code| format!(
                "\"{}\"",
                code.name()
            )),
            outcome.gas_used,
            outcome.gas_limit,
            outcome
                .trace_hash
                .as_ref()
                .map_or("null".to_string(), |h| format!("\"{h}\""))
        ),
    };
    print_err(&text);
}
