//! A document as the engine holds it between stages: [`Prepared`] after reading, [`Signed`]
//! after boilerplate removal and signing.

use std::borrow::Cow;
use std::sync::Arc;

use crate::corpus::Origin;

use super::minhash::Signature;
use super::spill::{Spill, Spilled};

/// A document's units: in memory, or in the run's spill file past its memory budget.
#[derive(Clone)]
pub(crate) enum Units {
    Held(Vec<u64>),
    Spilled(Arc<Spill>, Spilled),
}

impl std::fmt::Debug for Units {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Units::Held(u) => f.debug_tuple("Held").field(&u.len()).finish(),
            Units::Spilled(_, at) => f.debug_tuple("Spilled").field(at).finish(),
        }
    }
}

impl Units {
    /// The units; `None` when they were spilled and the read failed (the spill counts it).
    pub(crate) fn get(&self) -> Option<Cow<'_, [u64]>> {
        match self {
            Units::Held(u) => Some(Cow::Borrowed(u)),
            Units::Spilled(spill, at) => spill.read(*at).map(Cow::Owned),
        }
    }

    /// The units, for public functions that cannot fail: only units a run spilled can fail to
    /// come back (a disk error in its temporary file), and then this panics saying so.
    pub(crate) fn all(&self) -> Cow<'_, [u64]> {
        self.get()
            .expect("the run's spill file of units could not be read back")
    }

    pub(crate) fn is_spilled(&self) -> bool {
        matches!(self, Units::Spilled(..))
    }
}

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
    pub(crate) units: Units,
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
    /// The units kept after boilerplate removal (borrowed when nothing was removed and they
    /// are in memory).
    ///
    /// # Panics
    /// When the run spilled this document's units to disk and reading them back fails; the
    /// run's own stages use [`Signed::try_kept`] and fall back to the signature instead.
    pub fn kept(&self) -> Cow<'_, [u64]> {
        self.try_kept()
            .expect("the run's spill file of units could not be read back")
    }

    /// The kept units; `None` when they were spilled and cannot be read back.
    pub fn try_kept(&self) -> Option<Cow<'_, [u64]>> {
        let units = self.info.units.get()?;
        if self.removed.is_empty() {
            return Some(units);
        }
        Some(Cow::Owned(kept_from(
            &units,
            &self.info.paragraphs,
            &self.removed,
        )))
    }
}

/// The units of `p` without the paragraphs in `removed` (sorted indices). `p` comes from
/// [`super::Engine::prepare`], which keeps units in memory (see [`Units::all`]).
pub(crate) fn kept_units(p: &Prepared, removed: &[u32]) -> Vec<u64> {
    kept_from(&p.units.all(), &p.paragraphs, removed)
}

/// `units` without the paragraphs in `removed` (sorted indices), paragraphs ending where
/// `paragraphs` says.
pub(crate) fn kept_from(units: &[u64], paragraphs: &[(u32, u64)], removed: &[u32]) -> Vec<u64> {
    let mut kept = Vec::with_capacity(units.len());
    let mut start = 0usize;
    for (i, &(end, _)) in paragraphs.iter().enumerate() {
        if removed.binary_search(&(i as u32)).is_err() {
            kept.extend_from_slice(&units[start..end as usize]);
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
