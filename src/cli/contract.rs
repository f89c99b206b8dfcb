//! `detwasm contract SCRIPT`: runs a contract transaction script (the format of
//! `detwasm::contract::parse_script`) on a fresh `Chain` and prints the report. Module
//! files are read relative to the script's directory. Depends on `contract`.

use std::path::Path;

use crate::contract::{parse_script, run_script, Chain};
use crate::Engine;

use super::{one_line, print_err, print_out, EXIT_INTERNAL, EXIT_OK, EXIT_USER_ERROR};

/// Runs the script at `path`: prints the report on stdout and returns 0 (failed
/// transactions are part of the report), or prints `error: ...` on stderr and returns
/// 2 for an unreadable or malformed script (nothing runs then).
pub(super) fn contract_command(path: &Path) -> u8 {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) => {
            print_err(&format!("error: cannot read {}: {err}\n", path.display()));
            return EXIT_USER_ERROR;
        }
    };
    let commands = match parse_script(&text) {
        Ok(commands) => commands,
        Err(err) => {
            print_err(&format!("error: {}: {err}\n", path.display()));
            return EXIT_USER_ERROR;
        }
    };
    let mut chain = match Chain::new(&Engine::default()) {
        Ok(chain) => chain,
        Err(err) => {
            print_err(&format!("error: {}\n", one_line(&err.to_string())));
            return EXIT_INTERNAL;
        }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let report = run_script(&mut chain, &commands, |file| {
        // The message names the file as the script does, so the report does not
        // depend on the directory the script was run from.
        std::fs::read(dir.join(file)).map_err(|err| format!("cannot read {file}: {}", err.kind()))
    });
    print_out(&report);
    EXIT_OK
}
