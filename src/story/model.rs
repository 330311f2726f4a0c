//! [`StoryModel`]: articles to weighted term vectors (TF-IDF, blended with LSA when the IDF
//! table has it).

use rayon::prelude::*;

use crate::corpus::Document;
use crate::story::config::StoryConfig;
use crate::story::idf::Idf;
use crate::story::terms::TermCounts;
use crate::story::vector::{SEMANTIC_KEY, TermVector};
use crate::text::Normalizer;
use crate::text::stem::Stopwords;

/// Turns articles into term vectors. Build once, use from many threads.
pub struct StoryModel {
    /// The settings the vectors follow.
    pub config: StoryConfig,
    pub(super) normalizer: Normalizer,
    pub(super) stopwords: Stopwords,
    /// The document frequencies the weights use (empty: every term weighs the same).
    pub idf: Idf,
}

impl StoryModel {
    /// A model with an empty IDF (every term weighs the same) until one is set.
    pub fn new(config: StoryConfig) -> StoryModel {
        let normalizer = Normalizer::new(config.normalize);
        let stopwords = Stopwords::new(&normalizer);
        StoryModel {
            config,
            normalizer,
            stopwords,
            idf: Idf::default(),
        }
    }

    /// A model whose IDF comes from `docs`.
    pub fn from_documents(config: StoryConfig, docs: &[Document]) -> StoryModel {
        let mut m = StoryModel::new(config);
        let counts: Vec<TermCounts> = docs
            .par_iter()
            .map(|d| m.counts(d.title.as_deref(), &d.text))
            .collect();
        m.idf = Idf::from_counts(&counts.iter().collect::<Vec<_>>());
        m
    }

    /// The unit vector of weighted counts: TF-IDF, and with LSA vectors in the IDF table, the
    /// TF-IDF part scaled by `√(1 − w)` followed by the unit LSA vector scaled by `√w`
    /// (`w` = [`StoryConfig::semantic_weight`]), so that a dot product is
    /// `(1 − w) · TF-IDF cosine + w · LSA cosine` and the whole stays a unit vector.
    pub fn weigh(&self, counts: &TermCounts) -> TermVector {
        let v = self.idf.weigh(counts);
        let Some(lsa) = &self.idf.lsa else {
            return v;
        };
        let Some(e) = lsa.embed(&v.0) else {
            return v;
        };
        let w = self.config.semantic_weight.clamp(0.0, 1.0);
        let (a, b) = ((1.0 - w).sqrt() as f32, w.sqrt() as f32);
        let mut out: Vec<(u64, f32)> = Vec::with_capacity(v.0.len() + e.len());
        out.extend(
            v.0.iter()
                .filter(|x| x.0 < SEMANTIC_KEY)
                .map(|&(t, x)| (t, x * a)),
        );
        out.extend(
            e.iter()
                .enumerate()
                .map(|(i, &x)| (SEMANTIC_KEY + i as u64, x * b)),
        );
        TermVector(out)
    }

    /// The unit TF-IDF vector of an article.
    pub fn vector(&self, title: Option<&str>, text: &str) -> TermVector {
        self.weigh(&self.counts(title, text))
    }

    /// Story similarity of two articles (cosine of their vectors).
    pub fn similarity(&self, a: (Option<&str>, &str), b: (Option<&str>, &str)) -> f64 {
        self.vector(a.0, a.1).cosine(&self.vector(b.0, b.1))
    }
}
