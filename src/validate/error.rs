//! `ValidateError`, the one error type of the validate stage: a kind (a wasmparser
//! error with the rejected proposal it names, a shape limit, or the list of imports the
//! host does not provide) plus the byte offset in the module binary it points at. It
//! only describes errors; it decides nothing. Depends on wasmparser (for the error it
//! wraps) and on `profile` (to name rejected proposals).

use std::fmt;

use super::profile;

/// A module rejected by validation: what is wrong and where.
///
/// Displays as `at byte offset 0x1a: <kind>`, for example
/// `at byte offset 0x1a: simd support is not enabled (rejected proposal: simd)`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("at byte offset {offset:#x}: {kind}")]
pub struct ValidateError {
    /// What is wrong.
    pub kind: ValidateErrorKind,
    /// Byte offset in the module binary of the offending construct (section, entry,
    /// body or instruction), as wasmparser reports it for `Wasm` errors. Saturates at
    /// `usize::MAX` on targets where an offset does not fit.
    pub offset: usize,
}

/// The reason a module was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValidateErrorKind {
    /// wasmparser rejected the module: malformed, invalid, or using a proposal the
    /// profile rejects (then `feature` names it, e.g. `"simd"`; see
    /// `profile::REJECTED` for every name).
    #[error("{}{}", lowercase_lead(message), FeatureNote(*feature))]
    Wasm {
        /// wasmparser's message, verbatim (no offset in it).
        message: String,
        /// The rejected proposal the error is due to, if it is due to one.
        feature: Option<&'static str>,
    },
    /// A shape limit of `crate::config::Limits` is exceeded.
    #[error("limit {what} exceeded: {value} > {max}")]
    Limit {
        /// The `Limits` field name, e.g. `"max_funcs"`.
        what: &'static str,
        /// The module's value (a count, or a size in the field's unit). For running
        /// totals (data bytes, elem items, locals) it is the total at the first entry
        /// that passes the limit.
        value: u64,
        /// The limit, in the same unit.
        max: u64,
    },
    /// Imports the host does not provide, every one of them, in module order.
    #[error("{} import(s) not provided by the host: {}", .0.len(), BadImportList(.0))]
    Imports(Vec<BadImport>),
}

/// One import the host does not provide (unknown module or name, or a different type).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadImport {
    /// The import's module name.
    pub module: String,
    /// The import's item name.
    pub name: String,
    /// Why it is not provided, lowercase, e.g. `"no such module"`.
    pub reason: String,
    /// Byte offset of the import entry in the module binary.
    pub offset: usize,
}

impl fmt::Display for BadImport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names come from the guest: `{:?}` quotes and escapes them.
        write!(
            f,
            "{:?} {:?} at {:#x}: {}",
            self.module, self.name, self.offset, self.reason
        )
    }
}

/// Displays a list of bad imports separated by `; `.
struct BadImportList<'a>(&'a [BadImport]);

impl fmt::Display for BadImportList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, bad) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{bad}")?;
        }
        Ok(())
    }
}

/// Displays ` (rejected proposal: NAME)` when a feature is named, nothing otherwise.
struct FeatureNote(Option<&'static str>);

impl fmt::Display for FeatureNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(name) => write!(f, " (rejected proposal: {name})"),
            None => Ok(()),
        }
    }
}

/// Displays a message with its leading word lowercased when that word is plain ASCII
/// capitals or capitalised (wasmparser writes `SIMD support is not enabled`); the rest,
/// which may quote guest names, is left as is.
struct LowercaseLead<'a>(&'a str);

fn lowercase_lead(message: &str) -> LowercaseLead<'_> {
    LowercaseLead(message)
}

impl fmt::Display for LowercaseLead<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = self
            .0
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(self.0.len());
        let (word, rest) = self.0.split_at(end);
        write!(f, "{}{rest}", word.to_ascii_lowercase())
    }
}

impl ValidateError {
    /// Wraps a wasmparser error, keeping its message and offset and naming the
    /// rejected proposal it is due to (`profile::rejected_feature_of`).
    pub fn from_wasmparser(err: &wasmparser::BinaryReaderError) -> ValidateError {
        ValidateError {
            kind: ValidateErrorKind::Wasm {
                message: err.message().to_owned(),
                feature: profile::rejected_feature_of(err),
            },
            offset: offset_to_usize(err.offset()),
        }
    }

    /// A `Limit` error: `what` is the `Limits` field name, `value` the module's value,
    /// `max` the limit, `offset` the byte offset of the offending construct.
    pub fn limit(what: &'static str, value: u64, max: u64, offset: usize) -> ValidateError {
        ValidateError {
            kind: ValidateErrorKind::Limit { what, value, max },
            offset,
        }
    }

    /// The rejected proposal this error is due to, e.g. `Some("simd")`; `None` for
    /// every other error.
    pub fn rejected_feature(&self) -> Option<&'static str> {
        match &self.kind {
            ValidateErrorKind::Wasm { feature, .. } => *feature,
            ValidateErrorKind::Limit { .. } | ValidateErrorKind::Imports(_) => None,
        }
    }
}

impl From<wasmparser::BinaryReaderError> for ValidateError {
    fn from(err: wasmparser::BinaryReaderError) -> ValidateError {
        ValidateError::from_wasmparser(&err)
    }
}

/// A wasmparser offset (`u64`) as `usize`, saturating on narrow targets.
pub(crate) fn offset_to_usize(offset: u64) -> usize {
    usize::try_from(offset).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_forms() {
        let e = ValidateError {
            kind: ValidateErrorKind::Wasm {
                message: "SIMD support is not enabled".into(),
                feature: Some("simd"),
            },
            offset: 0x1a,
        };
        assert_eq!(
            e.to_string(),
            "at byte offset 0x1a: simd support is not enabled (rejected proposal: simd)"
        );
        let e = ValidateError::limit("max_funcs", 12, 10, 0x20);
        assert_eq!(
            e.to_string(),
            "at byte offset 0x20: limit max_funcs exceeded: 12 > 10"
        );
        let e = ValidateError {
            kind: ValidateErrorKind::Imports(vec![BadImport {
                module: "env".into(),
                name: "f\n".into(),
                reason: "no such module".into(),
                offset: 0xb,
            }]),
            offset: 0xb,
        };
        assert_eq!(
            e.to_string(),
            "at byte offset 0xb: 1 import(s) not provided by the host: \"env\" \"f\\n\" at 0xb: no such module"
        );
    }
}
