//! The settings of story clustering and their limits.

use serde::Serialize;

use crate::text::NormalizeOptions;

/// Everything that decides story similarity and clustering. `Default` is what
/// `naql cluster --level story` uses; BENCHMARKS.md says where each value comes from.
#[derive(Clone, Debug, Serialize)]
pub struct StoryConfig {
    /// The normalization rules of the words (an IDF table only fits the rules it was made with).
    pub normalize: NormalizeOptions,
    /// How many times a title word counts.
    pub title_weight: u32,
    /// How many times a word of the lead counts.
    pub lead_weight: u32,
    /// Content words of the text that form the lead.
    pub lead_words: usize,
    /// Cosine at which two articles tell the same story.
    pub threshold: f64,
    /// Average pairwise cosine two groups need to merge; 0 is single linkage (union-find).
    pub linkage: f64,
    /// Candidate pairs are at most this many days apart (when both have a date), and a story
    /// spans at most this many days from its first report to its last; `None`: no limit.
    pub window_days: Option<f64>,
    /// Highest-weighted terms of each article that go into the candidate index.
    pub index_terms: usize,
    /// Terms shown for each story.
    pub top_terms: usize,
    /// Light-stem content words (off: whole normalized words).
    pub stem: bool,
    /// Also count each pair of adjacent content words (names such as «ولي العهد»).
    pub bigrams: bool,
    /// With an IDF table that holds LSA vectors ([`crate::story::lsa`]): the share of the similarity
    /// that comes from them (the rest is TF-IDF cosine).
    pub semantic_weight: f64,
}

impl StoryConfig {
    /// The default [`StoryConfig::threshold`] when the IDF table holds LSA vectors: the blend
    /// of TF-IDF and LSA cosine runs higher than TF-IDF alone, so it needs its own; chosen like
    /// the plain one, where a random pair of SaudiNewsNet articles dated 10 days or more apart
    /// passes about 1 time in 1,000 (BENCHMARKS.md).
    pub const SEMANTIC_THRESHOLD: f64 = 0.39;

    /// Checks the parameters a user sets: `threshold` in (0, 1], `linkage` in [0, 1], a
    /// window of 0 or more days.
    pub fn validate(&self) -> Result<(), crate::ConfigError> {
        crate::error::in_unit_open("threshold", self.threshold)?;
        crate::error::in_unit_closed("linkage", self.linkage)?;
        match self.window_days {
            Some(w) if w.is_nan() || w < 0.0 => Err(crate::ConfigError::new(
                "window",
                format!("must be 0 or more days, got {w}"),
            )),
            _ => Ok(()),
        }
    }
}

impl Default for StoryConfig {
    fn default() -> Self {
        StoryConfig {
            normalize: NormalizeOptions::default(),
            title_weight: 3,
            lead_weight: 2,
            lead_words: 40,
            threshold: 0.2,
            linkage: 0.2,
            window_days: Some(3.0),
            index_terms: 12,
            top_terms: 8,
            stem: true,
            bigrams: false,
            semantic_weight: 0.5,
        }
    }
}
