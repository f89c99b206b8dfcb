//! `detwasm validate FILE`: runs the validator with the default configuration and the
//! WASI host's import allowlist (so every import `run` could not provide is listed),
//! and reports the verdict. Depends on `validate` and `config`.

use std::path::Path;

use crate::Config;

use super::{
    one_line, print_err, print_out, read_module_file, EXIT_INVALID, EXIT_OK, EXIT_USER_ERROR,
};

/// Validates the module at `path`: prints `valid` on stdout and returns 0, or prints
/// `error: <validation error>` on stderr and returns 1. An unreadable file returns 2.
pub(super) fn validate_command(path: &Path) -> u8 {
    let bytes = match read_module_file(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            print_err(&format!("error: {}\n", one_line(&err.0)));
            return EXIT_USER_ERROR;
        }
    };
    match crate::validate::validate(&bytes, &Config::default(), Some(&crate::wasi::allowlist())) {
        Ok(()) => {
            print_out("valid\n");
            EXIT_OK
        }
        Err(err) => {
            print_err(&format!("error: {}\n", one_line(&err.to_string())));
            EXIT_INVALID
        }
    }
}
