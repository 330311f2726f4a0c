//! Everything that decides a clustering result, and its validation.

use crate::error::ConfigError;
use crate::text::NormalizeOptions;

use super::lsh::LshParams;
use super::minhash::{Shingling, Signer};

/// How candidates are verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verify {
    /// Exact Jaccard of the shingle sets: precision 1 by construction (the default).
    Exact,
    /// The signature estimate only: faster on huge candidate sets; containment is not known.
    Estimate,
}

/// Everything that decides the result. `Default` is what `naql cluster` uses.
#[derive(Clone, Debug)]
pub struct Config {
    /// Which spelling differences are folded away before shingling.
    pub normalize: NormalizeOptions,
    /// Shingling, signature length and seed.
    pub signer: Signer,
    /// The Jaccard similarity a pair must reach to be kept (in (0, 1]).
    pub threshold: f64,
    /// The weight of false candidates below the threshold when choosing LSH bands.
    pub false_positive_weight: f64,
    /// The weight of missed pairs above the threshold when choosing LSH bands.
    pub false_negative_weight: f64,
    /// Exact or estimated verification of candidates.
    pub verify: Verify,
    /// A paragraph in this many distinct documents of one source is boilerplate; 0 turns it off.
    pub boilerplate_min_docs: usize,
    /// Leave a leading dateline («الرياض - واس:») out of the shingles.
    pub datelines: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            normalize: NormalizeOptions::default(),
            signer: Signer::default(),
            threshold: 0.8,
            false_positive_weight: 0.01,
            false_negative_weight: 0.99,
            verify: Verify::Exact,
            boilerplate_min_docs: 5,
            datelines: true,
        }
    }
}

/// The longest word or character shingle ([`Config::validate`]): the rolling shingle hash keeps
/// at most this many token hashes.
pub const MAX_NGRAM: usize = 16;
/// The most MinHash values a signature may have ([`Config::validate`]).
pub const MAX_NUM_PERM: usize = 4096;

impl Config {
    /// Checks every parameter before any work: `threshold` in (0, 1], `num_perm` in
    /// 1..=[`MAX_NUM_PERM`], a shingle length in 1..=[`MAX_NGRAM`] words or at least 1 character.
    pub fn validate(&self) -> Result<(), ConfigError> {
        crate::error::in_unit_open("threshold", self.threshold)?;
        if self.signer.num_perm == 0 || self.signer.num_perm > MAX_NUM_PERM {
            return Err(ConfigError::new(
                "num_perm",
                format!("must be between 1 and {MAX_NUM_PERM}"),
            ));
        }
        match self.signer.shingling {
            Shingling::Words(n) if n == 0 || n > MAX_NGRAM => Err(ConfigError::new(
                "ngram",
                format!("must be between 1 and {MAX_NGRAM}, got {n}"),
            )),
            Shingling::Chars(0) => Err(ConfigError::new("char_ngram", "must be at least 1")),
            _ => Ok(()),
        }
    }

    /// The LSH bands and rows for this threshold and these weights.
    pub fn lsh(&self) -> LshParams {
        LshParams::optimal(
            self.threshold,
            self.signer.num_perm,
            self.false_positive_weight,
            self.false_negative_weight,
        )
    }
}
