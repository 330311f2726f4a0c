//! What a story run produces: the stories, their copy groups and members, the verified pairs
//! and the counts that account for every input record.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::copy::Outcome;
use crate::story::terms::TermCounts;

/// One article as story clustering holds it.
pub struct StoryDoc {
    /// Its weighted term counts, until the IDF is known; emptied as its vector is made.
    pub counts: TermCounts,
    /// Its date as days since 1970-01-01; `None` when undated.
    pub days: Option<f64>,
    /// Kept to name each story's terms.
    pub title: Option<String>,
    /// Kept to name each story's terms.
    pub text: String,
}

/// A verified pair (indices into the documents, `a < b`).
#[derive(Clone, Debug, PartialEq)]
pub struct StoryPair {
    /// The earlier document (index into the input).
    pub a: usize,
    /// The later document.
    pub b: usize,
    /// Their cosine.
    pub similarity: f64,
}

/// An article of a story with its cosine to the story's centre (the mean of its vectors).
#[derive(Clone, Debug, PartialEq)]
pub struct StoryMember {
    /// Index of the document in the input.
    pub doc: usize,
    /// Its cosine to the story's centre.
    pub similarity: f64,
}

/// The articles of one copy-level cluster inside a story (or one article on its own).
#[derive(Clone, Debug, PartialEq)]
pub struct CopyGroup {
    /// The id of the copy-level cluster in [`StoryOutcome::copy`]; `None` for a lone article.
    pub copy_cluster: Option<usize>,
    /// Its articles, earliest first (then by id).
    pub members: Vec<StoryMember>,
}

/// Reports of one story: copy groups and lone articles.
#[derive(Clone, Debug, PartialEq)]
pub struct Story {
    /// Its number, from 1, largest story first.
    pub id: usize,
    /// Articles in it.
    pub size: usize,
    /// Copy groups by their earliest date, then id.
    pub groups: Vec<CopyGroup>,
    /// The centre's heaviest terms (stems) with their weight in the unit centre.
    pub terms: Vec<(String, f64)>,
}

/// Counts that account for every input record.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StoryStats {
    /// Records read, good and bad.
    pub input_records: usize,
    /// Documents clustered (records that were not bad).
    pub documents: usize,
    /// Articles in stories of two or more.
    pub in_stories: usize,
    /// Articles in no story.
    pub singletons: usize,
    /// Records left out, by reason (bad records, empty texts).
    pub skipped: BTreeMap<String, usize>,
    /// Stories of two or more.
    pub stories: usize,
    /// Copy-level clusters underneath.
    pub copy_clusters: usize,
    /// Documents without a date (they pair across any window).
    pub undated: usize,
    /// Of those, documents whose date is present but unreadable.
    pub unparsed_dates: usize,
    /// Pairs sharing a heavy term inside the window.
    pub candidate_pairs: usize,
    /// Candidates whose cosine reached the threshold.
    pub verified_pairs: usize,
    /// Merges of two groups refused because their average similarity was below `linkage`.
    pub merges_refused: usize,
    /// Merges refused because the story would span more than the window.
    pub merges_refused_span: usize,
}

/// The result of a story run.
pub struct StoryOutcome {
    /// The copy-level run underneath (its clusters are the inner level of the stories).
    pub copy: Outcome,
    /// The verified pairs, sorted by (a, b).
    pub pairs: Vec<StoryPair>,
    /// Stories of two or more articles, largest first.
    pub stories: Vec<Story>,
    /// Counts that account for every input record.
    pub stats: StoryStats,
    /// Seconds spent in each stage, in order.
    pub timings: Vec<(&'static str, f64)>,
}

impl StoryOutcome {
    /// The id of document `i`.
    pub fn id(&self, i: usize) -> &str {
        &self.copy.docs[i].info.id
    }
}
