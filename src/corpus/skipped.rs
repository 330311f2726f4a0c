//! Records set aside: every one counted by kind, only the first few thousand kept.
//!
//! A scrape can hold millions of bad lines (a truncated dump, a file of another format); keeping
//! each one's file, line and reason would cost more memory than the records themselves. The
//! counts stay exact; the list is capped at [`Skipped::LISTED`] and says how many it left out.

use std::collections::BTreeMap;

use super::error::BadRecord;

/// The records set aside in one run, in the order they were found.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    listed: Vec<BadRecord>,
    total: usize,
    by_kind: BTreeMap<&'static str, usize>,
}

impl Skipped {
    /// How many skipped records are kept with their file, line and reason.
    pub const LISTED: usize = 1000;

    /// Counts `bad`, and keeps it while fewer than [`Skipped::LISTED`] are kept.
    pub fn push(&mut self, bad: BadRecord) {
        self.total += 1;
        *self.by_kind.entry(bad.kind()).or_default() += 1;
        if self.listed.len() < Self::LISTED {
            self.listed.push(bad);
        }
    }

    /// Adds `later` (records that came after these in the input).
    pub fn append(&mut self, later: Skipped) {
        self.total += later.total;
        for (kind, n) in later.by_kind {
            *self.by_kind.entry(kind).or_default() += n;
        }
        let room = Self::LISTED.saturating_sub(self.listed.len());
        self.listed.extend(later.listed.into_iter().take(room));
    }

    /// The records kept, the first [`Skipped::LISTED`] in input order.
    pub fn listed(&self) -> &[BadRecord] {
        &self.listed
    }

    /// How many records were set aside in all.
    pub fn total(&self) -> usize {
        self.total
    }

    /// How many were counted but not kept in [`Skipped::listed`].
    pub fn left_out(&self) -> usize {
        self.total - self.listed.len()
    }

    /// Counts by kind ([`BadRecord::kind`]).
    pub fn by_kind(&self) -> &BTreeMap<&'static str, usize> {
        &self.by_kind
    }

    /// Whether nothing was set aside.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

impl FromIterator<BadRecord> for Skipped {
    fn from_iter<I: IntoIterator<Item = BadRecord>>(iter: I) -> Self {
        let mut s = Skipped::default();
        for b in iter {
            s.push(b);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(line: u64, reason: &str) -> BadRecord {
        BadRecord {
            file: "f.jsonl".into(),
            line,
            reason: reason.into(),
        }
    }

    #[test]
    fn counts_every_record_and_keeps_the_first_ones_in_order() {
        let mut first: Skipped = (1..=700).map(|i| bad(i, "malformed JSON: x")).collect();
        let later: Skipped = (701..=1500).map(|i| bad(i, "no text field")).collect();
        first.append(later);
        assert_eq!(first.total(), 1500);
        assert_eq!(first.listed().len(), Skipped::LISTED);
        assert_eq!(first.left_out(), 500);
        assert_eq!(first.listed()[699].line, 700);
        assert_eq!(first.listed()[999].line, 1000);
        assert_eq!(first.by_kind()["malformed JSON"], 700);
        assert_eq!(first.by_kind()["missing text"], 800);
    }
}
