//! Errors: one type per layer, each naming the file (and line) it is about, and [`Error`],
//! which holds any of them for callers that do not care which layer failed.
//!
//! | type | layer | what went wrong |
//! |---|---|---|
//! | [`crate::corpus::ReadError`] | corpus | an input file cannot be read, or a record in it is bad (file:line) |
//! | [`crate::story::TableError`] | story | an IDF/LSA table cannot be read, is damaged, or was made otherwise |
//! | [`crate::index::IndexError`] | index | the index file is missing, busy, full, damaged or made otherwise |
//! | [`ConfigError`] | every engine | a parameter outside what the algorithms accept |

use std::fmt;

/// A parameter outside what an engine accepts, found by a `validate` method before any work.
///
/// `param` is the parameter's name as the library spells it (`threshold`, `num_perm`); the
/// command line shows it as its flag (`--threshold`, `--num-perm`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The parameter's name.
    pub param: &'static str,
    /// What it must be, and what it was: `must be in (0, 1], got 2`.
    pub constraint: String,
}

impl ConfigError {
    pub(crate) fn new(param: &'static str, constraint: impl Into<String>) -> ConfigError {
        ConfigError {
            param,
            constraint: constraint.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.param, self.constraint)
    }
}

impl std::error::Error for ConfigError {}

/// Checks that `value` is in `(0, 1]`.
pub(crate) fn in_unit_open(param: &'static str, value: f64) -> Result<(), ConfigError> {
    if value > 0.0 && value <= 1.0 {
        Ok(())
    } else {
        Err(ConfigError::new(
            param,
            format!("must be in (0, 1], got {value}"),
        ))
    }
}

/// Checks that `value` is in `[0, 1]`.
pub(crate) fn in_unit_closed(param: &'static str, value: f64) -> Result<(), ConfigError> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::new(
            param,
            format!("must be in [0, 1], got {value}"),
        ))
    }
}

/// Any error of the library, by layer; [`std::error::Error::source`] gives the layer's error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading the input failed.
    #[error(transparent)]
    Input(#[from] crate::corpus::ReadError),
    /// An IDF/LSA table could not be used.
    #[error(transparent)]
    Table(#[from] crate::story::TableError),
    /// The index could not be used.
    #[error(transparent)]
    Index(#[from] crate::index::IndexError),
    /// A parameter is out of range.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
