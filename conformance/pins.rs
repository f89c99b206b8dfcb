//! The two checked-in files that pin the conformance run: `expected.txt` (per-file
//! passed, failed and skipped counts; any drift fails the run, `BLESS=1` rewrites it)
//! and `skip.toml` (whole files skipped because the profile rejects their proposal,
//! each with a reason). Both are parsed by hand: the formats are one entry a line.
//! Depends on std only.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Pinned counts of one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    /// Directives that passed.
    pub passed: u64,
    /// Directives that failed.
    pub failed: u64,
    /// Directives not run because the file is skipped.
    pub skipped: u64,
}

/// Parses `expected.txt`: `<set>/<file> <passed> <failed> <skipped>` a line; blank
/// lines and lines starting with `#` are ignored.
///
/// # Errors
/// A message naming the first malformed or duplicated line.
pub fn parse_expected(text: &str) -> Result<BTreeMap<String, Counts>, String> {
    let mut pins = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let bad = || format!("expected.txt:{}: malformed line {line:?}", i + 1);
        let [key, passed, failed, skipped] = fields[..] else {
            return Err(bad());
        };
        let num = |s: &str| s.parse::<u64>().map_err(|_| bad());
        let counts = Counts {
            passed: num(passed)?,
            failed: num(failed)?,
            skipped: num(skipped)?,
        };
        if pins.insert(key.to_string(), counts).is_some() {
            return Err(format!("expected.txt:{}: duplicate entry {key}", i + 1));
        }
    }
    Ok(pins)
}

/// Renders `expected.txt` from the counts of a run, in run order.
pub fn render_expected(entries: &[(String, Counts)]) -> String {
    let mut out = String::from(
        "# Pinned conformance counts: <set>/<file> <passed> <failed> <skipped>.\n\
         # Any drift fails `cargo test --test conformance`; regenerate with\n\
         # `BLESS=1 cargo test --test conformance` and commit with the change that moved them.\n",
    );
    for (key, c) in entries {
        let _ = writeln!(out, "{key} {} {} {}", c.passed, c.failed, c.skipped);
    }
    out
}

/// Parses `skip.toml`: `"<set>/<file>" = "<reason>"` a line; blank lines, `#`
/// comments and `[table]` headers are ignored. No escapes are recognised inside the
/// quotes.
///
/// # Errors
/// A message naming the first malformed or duplicated line, or an empty reason.
pub fn parse_skips(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut skips = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('[') {
            continue;
        }
        let bad = || {
            format!(
                "skip.toml:{}: expected `\"file\" = \"reason\"`: {line:?}",
                i + 1
            )
        };
        let (key, reason) = line.split_once('=').ok_or_else(bad)?;
        let key = unquote(key.trim()).ok_or_else(bad)?;
        let reason = unquote(reason.trim()).ok_or_else(bad)?;
        if reason.trim().is_empty() {
            return Err(format!("skip.toml:{}: {key} has an empty reason", i + 1));
        }
        if skips.insert(key.to_string(), reason.to_string()).is_some() {
            return Err(format!("skip.toml:{}: duplicate entry {key}", i + 1));
        }
    }
    Ok(skips)
}

fn unquote(s: &str) -> Option<&str> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains('"')).then_some(inner)
}
