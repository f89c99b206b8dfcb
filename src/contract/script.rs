//! The transaction script format of `detwasm contract` (README "Contract host"): one
//! command per line, parsed whole before anything runs, then run on a [`Chain`] with
//! one report per command. Pure text in, text out: the caller supplies module bytes
//! through a loader, so this module does no I/O. Depends on `chain`.
//!
//! ```text
//! # comment (also after a command)
//! deploy NAME FILE.wasm
//! call SENDER CONTRACT METHOD GAS_LIMIT [ARG...]
//! storage NAME
//! ```
//!
//! The input of a call is its arguments' bytes, concatenated: `u32:N` and `u64:N`
//! (decimal or `0x` hex) are 4 and 8 bytes little-endian, `hex:HEX` the given
//! bytes, `str:TEXT` and a bare word without `:` their UTF-8 bytes.

use std::fmt::Write as _;

use super::chain::{is_valid_account_name, Chain, Transaction};

/// One command of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Deploy the module at `file` (as the loader resolves it) as account `name`.
    Deploy {
        /// The account name.
        name: String,
        /// The module's file, as written in the script.
        file: String,
    },
    /// One transaction.
    Call {
        /// Who sends it.
        sender: String,
        /// The called contract.
        contract: String,
        /// The exported method.
        method: String,
        /// Gas limit, in gas units.
        gas_limit: u64,
        /// The input bytes.
        input: Vec<u8>,
    },
    /// Print an account's storage entries (changes nothing).
    Storage {
        /// The account name.
        name: String,
    },
}

/// A script parse error: the 1-based line and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong, lowercase, no trailing period.
    pub message: String,
}

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ScriptError {}

/// Parses a whole script into its commands with their 1-based line numbers.
/// O(script size).
///
/// # Errors
/// The first malformed line: an unknown command, a wrong number of words, an invalid
/// account name, a bad gas limit or a bad argument.
pub fn parse_script(text: &str) -> Result<Vec<(usize, Command)>, ScriptError> {
    let mut commands = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let words: Vec<&str> = raw
            .split('#')
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        let err = |message: String| ScriptError { line, message };
        let Some((&verb, rest)) = words.split_first() else {
            continue;
        };
        let command = match verb {
            "deploy" => {
                let [name, file] = rest else {
                    return Err(err("expected `deploy NAME FILE.wasm`".into()));
                };
                Command::Deploy {
                    name: account(name).map_err(err)?,
                    file: (*file).to_owned(),
                }
            }
            "call" => {
                let [sender, contract, method, gas, args @ ..] = rest else {
                    return Err(err(
                        "expected `call SENDER CONTRACT METHOD GAS_LIMIT [ARG...]`".into(),
                    ));
                };
                let gas_limit =
                    parse_int(gas).ok_or_else(|| err(format!("bad gas limit {gas:?}")))?;
                let mut input = Vec::new();
                for arg in args {
                    input.extend(parse_arg(arg).map_err(err)?);
                }
                Command::Call {
                    sender: account(sender).map_err(err)?,
                    contract: account(contract).map_err(err)?,
                    method: (*method).to_owned(),
                    gas_limit,
                    input,
                }
            }
            "storage" => {
                let [name] = rest else {
                    return Err(err("expected `storage NAME`".into()));
                };
                Command::Storage {
                    name: account(name).map_err(err)?,
                }
            }
            other => return Err(err(format!("unknown command {other:?}"))),
        };
        commands.push((line, command));
    }
    Ok(commands)
}

fn account(name: &str) -> Result<String, String> {
    if is_valid_account_name(name) {
        Ok(name.to_owned())
    } else {
        Err(format!(
            "invalid account name {name:?} (1 to 64 of A-Z a-z 0-9 _ - .)"
        ))
    }
}

/// A decimal or `0x` hexadecimal unsigned integer.
fn parse_int(s: &str) -> Option<u64> {
    match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

fn parse_arg(arg: &str) -> Result<Vec<u8>, String> {
    let Some((kind, value)) = arg.split_once(':') else {
        return Ok(arg.as_bytes().to_vec());
    };
    let bad = || format!("bad argument {arg:?}");
    match kind {
        "u32" => parse_int(value)
            .and_then(|v| u32::try_from(v).ok())
            .map(|v| v.to_le_bytes().to_vec())
            .ok_or_else(bad),
        "u64" => parse_int(value)
            .map(|v| v.to_le_bytes().to_vec())
            .ok_or_else(bad),
        "hex" => hex::decode(value).map_err(|_| bad()),
        "str" => Ok(value.as_bytes().to_vec()),
        _ => Err(format!(
            "unknown argument type {kind:?} in {arg:?} (u32, u64, hex or str)"
        )),
    }
}

/// Runs `commands` on `chain` and returns the report: for each command, a line that
/// restates it and an indented line with its result (`ok`, the output in hex and gas
/// used, or `failed` and why) and the state root after it; for `storage`, one
/// indented line per entry, key and value in hex, in key order. A deploy whose file
/// `load` cannot supply fails like any refused deployment. The same commands and
/// files always give the same bytes.
pub fn run_script(
    chain: &mut Chain,
    commands: &[(usize, Command)],
    mut load: impl FnMut(&str) -> Result<Vec<u8>, String>,
) -> String {
    let mut out = String::new();
    for (line, command) in commands {
        match command {
            Command::Deploy { name, file } => {
                let _ = writeln!(out, "{line}: deploy {name} {file}");
                let result = load(file)
                    .and_then(|bytes| chain.deploy(name, &bytes).map_err(|e| e.to_string()));
                let status = match result {
                    Ok(hash) => format!("ok code={}", hex::encode(hash)),
                    // One line, whatever the error's own layout.
                    Err(e) => format!(
                        "failed {}",
                        e.split_whitespace().collect::<Vec<_>>().join(" ")
                    ),
                };
                let _ = writeln!(out, "  {status} root={}", hex::encode(chain.state_root()));
            }
            Command::Call {
                sender,
                contract,
                method,
                gas_limit,
                input,
            } => {
                let _ = writeln!(
                    out,
                    "{line}: call {sender} {contract}.{method} input={} gas_limit={gas_limit}",
                    hex::encode(input)
                );
                let receipt = chain.call(&Transaction {
                    sender,
                    contract,
                    method,
                    input,
                    gas_limit: *gas_limit,
                });
                let status = match &receipt.outcome {
                    Ok(output) => format!("ok output={}", hex::encode(output)),
                    Err(failure) => format!("failed {failure}"),
                };
                let _ = writeln!(
                    out,
                    "  {status} gas_used={} root={}",
                    receipt.gas_used,
                    hex::encode(chain.state_root())
                );
            }
            Command::Storage { name } => {
                let entries = chain.state().entries(name);
                let _ = writeln!(out, "{line}: storage {name}: {} entries", entries.len());
                for (key, value) in entries {
                    let _ = writeln!(out, "  {}={}", hex::encode(key), hex::encode(value));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_concatenate_into_the_input() {
        let cmds = parse_script("call a b m 0x10 u32:1 u64:0x2 hex:ff str:x:y bob # c\n").unwrap();
        let Command::Call {
            gas_limit, input, ..
        } = &cmds[0].1
        else {
            panic!("not a call");
        };
        assert_eq!(*gas_limit, 16);
        let mut want = vec![1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0xff];
        want.extend_from_slice(b"x:ybob");
        assert_eq!(input, &want);
    }

    #[test]
    fn malformed_lines_are_errors_with_line_numbers() {
        for (text, line) in [
            ("\n\nfrobnicate\n", 3),
            ("deploy a\n", 1),
            ("# ok\ndeploy a/b x.wasm\n", 2),
            ("call a b m\n", 1),
            ("call a b m -1\n", 1),
            ("call a b m 10 u32:4294967296\n", 1),
            ("call a b m 10 hex:f\n", 1),
            ("call a b m 10 i8:1\n", 1),
            ("storage\n", 1),
            ("storage a b\n", 1),
        ] {
            let e = parse_script(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
        }
    }
}
