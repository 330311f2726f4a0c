//! Stemmers and stopwords. There are two, side by side, because their jobs differ:
//!
//! * [`for_terms`] (`terms.rs`, scheme [`STEMMER`]) serves story-level similarity: TF-IDF
//!   vectors and IDF tables are keyed by its stems, so it is versioned with the tables. One
//!   prefix and one suffix at most, stems of two letters allowed, about 200 stopwords.
//! * [`for_alignment`] (`align.rs`) serves sentence alignment in [`crate::diff`]: up to two
//!   suffixes, stems of at least three letters, a short list of function words. Measured
//!   against the term stemmer in alignment, the term stemmer paired more sentences that share
//!   only the story's vocabulary (10 of 16 seed pairs right, against 11 of 15 with this one;
//!   AraPlagDet within ±0.01), so alignment keeps its own.
//!
//! Merging them would change outputs (IDF tables, alignments), so they stay two.

mod align;
mod terms;

pub use self::align::for_alignment;
pub use self::terms::{
    HashedMap, Prehashed, STEMMER, Stopwords, for_terms, for_terms_bytes, is_stopword,
};

/// The term stemmer under its first name: [`for_terms`].
pub use self::terms::for_terms as stem;
/// The term stemmer on bytes under its first name: [`for_terms_bytes`].
pub use self::terms::for_terms_bytes as stem_bytes;
