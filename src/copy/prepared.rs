//! A document as the engine holds it between stages: [`Prepared`] after reading, [`Signed`]
//! after boilerplate removal and signing.

use std::borrow::Cow;

use crate::corpus::Origin;

use super::minhash::Signature;

/// A document after stage 1: what is shown about it, and the units to shingle.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The document's id, as read.
    pub id: String,
    /// The outlet, when the input names one (boilerplate is found per source).
    pub source: Option<String>,
    /// The date as read (ordering uses [`crate::date::sort_key`]).
    pub date: Option<String>,
    /// The headline, when the input has one.
    pub title: Option<String>,
    /// Length of the original text in characters (for choosing representatives).
    pub chars: usize,
    /// Units of all paragraphs, in order.
    pub(crate) units: Vec<u64>,
    /// For each paragraph: where its units end in `units`, and its hash.
    pub(crate) paragraphs: Vec<(u32, u64)>,
    pub(crate) dateline: bool,
    /// Signature and content key of all units, made while reading (in parallel with
    /// decompression); only documents that lose a boilerplate paragraph are signed again.
    pub(crate) signature: Signature,
    pub(crate) content_key: (u64, usize),
}

/// A document after stage 3.
#[derive(Clone, Debug)]
pub struct Signed {
    /// What stage 1 made of it.
    pub info: Prepared,
    /// Where it was read from (file and line).
    pub origin: Origin,
    /// Indices of the paragraphs left out as boilerplate.
    pub(crate) removed: Vec<u32>,
    /// How many units are kept.
    pub kept_len: usize,
    /// The MinHash signature of the kept units.
    pub signature: Signature,
    /// Hash and length of the kept units: equal for exact duplicates.
    pub content_key: (u64, usize),
}

impl Signed {
    /// The units kept after boilerplate removal (borrowed when nothing was removed).
    pub fn kept(&self) -> Cow<'_, [u64]> {
        if self.removed.is_empty() {
            return Cow::Borrowed(&self.info.units);
        }
        Cow::Owned(kept_units(&self.info, &self.removed))
    }
}

/// The units of `p` without the paragraphs in `removed` (sorted indices).
pub(crate) fn kept_units(p: &Prepared, removed: &[u32]) -> Vec<u64> {
    let mut kept = Vec::with_capacity(p.units.len());
    let mut start = 0usize;
    for (i, &(end, _)) in p.paragraphs.iter().enumerate() {
        if removed.binary_search(&(i as u32)).is_err() {
            kept.extend_from_slice(&p.units[start..end as usize]);
        }
        start = end as usize;
    }
    kept
}

/// One step of the order-dependent hash of a list of units (paragraph and content keys).
pub(crate) fn fold(h: u64, x: u64) -> u64 {
    (h.rotate_left(23) ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The hash of a whole list of units: equal lists, equal keys.
pub(crate) fn fold_all(units: &[u64]) -> u64 {
    units.iter().fold(0x6e61_716c, |h, &u| fold(h, u))
}
