//! Input errors, each naming the file and line they are about.

use std::fmt;
use std::io;

/// A record that could not be read, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BadRecord {
    /// The file it is in (`-` for stdin).
    pub file: String,
    /// Its 1-based line.
    pub line: u64,
    /// Why it was set aside; starts with a stable phrase (`malformed JSON`, `no text field`, …)
    /// that the skip counts group by.
    pub reason: String,
}

impl BadRecord {
    /// The kind of problem, from the stable phrase the reason starts with; skip counts group by it.
    pub fn kind(&self) -> &'static str {
        const KINDS: &[(&str, &str)] = &[
            ("malformed JSON", "malformed JSON"),
            ("no text field", "missing text"),
            ("no field", "missing field"),
            ("duplicate id", "duplicate id"),
            ("invalid UTF-8", "invalid UTF-8"),
            ("binary data", "binary data"),
            ("UTF-16", "other encoding"),
            ("input ends", "truncated input"),
            ("cannot read", "truncated input"),
            ("line too long", "line too long"),
            ("row too long", "line too long"),
            ("dangling symbolic link", "unreadable file"),
            ("empty text", "empty text"),
        ];
        KINDS
            .iter()
            .find(|(prefix, _)| self.reason.starts_with(prefix))
            .map_or("bad record", |(_, kind)| kind)
    }
}

impl fmt::Display for BadRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

/// An input that could not be read at all, or a bad record when not skipping.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A bad record, when bad records are not set aside (`file:line: reason`).
    #[error("{0}")]
    Bad(BadRecord),
    /// A file in another encoding or format than naql reads, with how to convert it.
    #[error("{file}: {what}")]
    Format {
        /// The path as given.
        file: String,
        /// What the file is, and the command that converts it.
        what: String,
    },
    /// A file or directory that cannot be opened or read (`file: error`).
    #[error("{file}: {error}")]
    Io {
        /// The path as given.
        file: String,
        /// What the system said.
        #[source]
        error: io::Error,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error;

    #[test]
    fn io_errors_name_the_file_and_chain_the_cause() {
        let e = ReadError::Io {
            file: "a.jsonl".into(),
            error: io::Error::new(io::ErrorKind::NotFound, "gone"),
        };
        assert_eq!(e.to_string(), "a.jsonl: gone");
        assert_eq!(e.source().map(|s| s.to_string()).as_deref(), Some("gone"));
        let bad = ReadError::Bad(BadRecord {
            file: "a.jsonl".into(),
            line: 3,
            reason: "malformed JSON".into(),
        });
        assert_eq!(bad.to_string(), "a.jsonl:3: malformed JSON");
        assert!(bad.source().is_none());
    }
}
