//! The document every reader produces, and where it came from.

use std::fmt;

/// One article.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    /// Unique across all inputs: from the record's id field, else `file:line`, or the path of a
    /// `.txt` file.
    pub id: String,
    /// The outlet, when the record names one.
    pub source: Option<String>,
    /// The date as written (read by [`crate::date`] where it matters).
    pub date: Option<String>,
    /// The headline: a title field, or the first non-blank line of a `.txt` file.
    pub title: Option<String>,
    /// The article's text, as read.
    pub text: String,
}

/// Where a record came from: file (or `-`) and 1-based line (files of a directory: line 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The path as given (or `-` for stdin and documents in memory); shared by the records of
    /// one file, as a run holds millions of them.
    pub file: std::sync::Arc<str>,
    /// The 1-based line.
    pub line: u64,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// Dates present in documents but not readable by [`crate::date`] (those documents count as
/// undated): how many, and the first in input order, where it was read and as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnreadDates {
    /// How many documents have such a date.
    pub count: usize,
    /// The first of them: where it was read, and its date as written.
    pub first: Option<(Origin, String)>,
}

impl UnreadDates {
    /// The unreadable dates among `docs` (each document's origin and date), in input order.
    pub fn of<'a>(docs: impl IntoIterator<Item = (&'a Origin, Option<&'a str>)>) -> UnreadDates {
        let mut unread = UnreadDates::default();
        for (origin, date) in docs {
            let Some(date) = date.filter(|d| crate::date::parse(d).is_none()) else {
                continue;
            };
            unread.count += 1;
            if unread.first.is_none() {
                unread.first = Some((origin.clone(), date.to_owned()));
            }
        }
        unread
    }
}
