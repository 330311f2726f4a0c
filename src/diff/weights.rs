//! Step 2: how much each stem says about which sentence is which, and the weighted overlap of
//! two stem sets.

use std::collections::HashMap;
use std::ops::Range;

use super::sentences::Sent;

/// The distinct stems of sentences `r`, sorted.
pub(super) fn union(sents: &[Sent], r: &Range<usize>) -> Vec<u64> {
    let mut v: Vec<u64> = sents[r.clone()]
        .iter()
        .flat_map(|s| s.stems.iter().copied())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Inverse sentence frequency of each stem over both texts.
pub(super) struct Weights {
    idf: HashMap<u64, f64>,
}

impl Weights {
    /// The weights of every stem of both texts.
    pub(super) fn new(sa: &[Sent], sb: &[Sent]) -> Self {
        let mut df: HashMap<u64, u32> = HashMap::new();
        for s in sa.iter().chain(sb) {
            for &k in &s.stems {
                *df.entry(k).or_default() += 1;
            }
        }
        let n = (sa.len() + sb.len()) as f64;
        let mut bg: HashMap<u64, f64> = HashMap::new();
        for s in sa.iter().chain(sb) {
            for &(k, w) in &s.background {
                let e = bg.entry(k).or_insert(w);
                *e = e.min(w);
            }
        }
        let idf = df
            .into_iter()
            .map(|(k, d)| {
                let local = (1.0 + n / d as f64).ln();
                (k, local * bg.get(&k).copied().unwrap_or(1.0))
            })
            .collect();
        Weights { idf }
    }

    /// A stem's weight (0 for a stem of neither text).
    fn weight(&self, k: u64) -> f64 {
        self.idf.get(&k).copied().unwrap_or(0.0)
    }

    /// Weighted Dice overlap of two sorted stem sets.
    pub(super) fn dice(&self, x: &[u64], y: &[u64]) -> f64 {
        let (mut i, mut j) = (0, 0);
        let mut shared = 0.0;
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += self.weight(x[i]);
                    i += 1;
                    j += 1;
                }
            }
        }
        let total: f64 = x.iter().chain(y).map(|&k| self.weight(k)).sum();
        if total == 0.0 {
            0.0
        } else {
            2.0 * shared / total
        }
    }
}
