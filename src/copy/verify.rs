//! Verification: the exact overlap of shingle sets, per candidate pair or over a whole corpus.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::minhash::Signer;
use super::outcome::Pair;
use super::prepared::Signed;

/// |A ∩ B| of two sorted, distinct lists.
pub fn intersection_size(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Exact overlap of two shingle sets (sorted, distinct).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Overlap {
    /// |A ∩ B| / |A ∪ B|.
    pub jaccard: f64,
    /// |A ∩ B| / |A|: how much of A is found in B.
    pub containment_ab: f64,
    /// |A ∩ B| / |B|.
    pub containment_ba: f64,
}

impl Overlap {
    /// The overlap of two sorted, distinct shingle sets; 0 for whatever has an empty denominator.
    pub fn of(a: &[u64], b: &[u64]) -> Overlap {
        let inter = intersection_size(a, b) as f64;
        let union = (a.len() + b.len()) as f64 - inter;
        let ratio = |x: f64, y: f64| if y > 0.0 { x / y } else { 0.0 };
        Overlap {
            jaccard: ratio(inter, union),
            containment_ab: ratio(inter, a.len() as f64),
            containment_ba: ratio(inter, b.len() as f64),
        }
    }
}

/// The exact shingle sets of the documents that need one, each computed once: the candidates'
/// (to verify them), then the representatives' of each cluster (to score members). Documents
/// whose units were spilled to disk are not kept here: their sets are made when asked for
/// ([`ShingleSets::get`]), so memory stays within the run's budget.
pub(crate) struct ShingleSets {
    sets: Vec<Option<Vec<u64>>>,
    signer: Signer,
    exact: bool,
}

impl ShingleSets {
    /// The sets of every held document in a candidate pair; none at all when verifying by
    /// estimate.
    pub(crate) fn of_candidates(
        signer: Signer,
        docs: &[Signed],
        candidates: &[(usize, usize)],
        exact: bool,
    ) -> ShingleSets {
        let mut needs = vec![false; docs.len()];
        if exact {
            for &(a, b) in candidates {
                needs[a] = true;
                needs[b] = true;
            }
        }
        let mut sets = ShingleSets {
            sets: Vec::new(),
            signer,
            exact,
        };
        let made: Vec<Option<Vec<u64>>> = needs
            .par_iter()
            .enumerate()
            .map(|(i, &n)| {
                let held = n && !docs[i].info.units.is_spilled();
                if held { sets.make(docs, i) } else { None }
            })
            .collect();
        sets.sets = made;
        sets
    }

    /// The set of document `i`: kept, or made now for a spilled document; `None` when
    /// verifying by estimate, or when a spilled document cannot be read back.
    pub(crate) fn get<'a>(&'a self, docs: &[Signed], i: usize) -> Option<Cow<'a, [u64]>> {
        match &self.sets[i] {
            Some(s) => Some(Cow::Borrowed(s)),
            None if self.exact && docs[i].info.units.is_spilled() => {
                self.make(docs, i).map(Cow::Owned)
            }
            None => None,
        }
    }

    fn make(&self, docs: &[Signed], i: usize) -> Option<Vec<u64>> {
        Some(self.signer.shingle_set(&docs[i].try_kept()?))
    }

    /// Adds the sets of `extra` held documents still missing one (the members of large LSH
    /// buckets).
    pub(crate) fn add_docs(&mut self, docs: &[Signed], extra: &[usize]) {
        let missing: HashSet<usize> = extra.iter().copied().collect();
        self.add(docs, missing);
    }

    /// Adds the sets of the exact-duplicate heads of every clustered held document still
    /// missing one.
    pub(crate) fn add_members(
        &mut self,
        docs: &[Signed],
        groups: &[Vec<usize>],
        exact_of: &[usize],
    ) {
        let heads: HashSet<usize> = groups.iter().flatten().map(|&i| exact_of[i]).collect();
        self.add(docs, heads);
    }

    fn add(&mut self, docs: &[Signed], wanted: HashSet<usize>) {
        let missing: Vec<usize> = wanted
            .into_iter()
            .filter(|&i| self.sets[i].is_none() && !docs[i].info.units.is_spilled())
            .collect();
        let computed: Vec<(usize, Option<Vec<u64>>)> = missing
            .into_par_iter()
            .map(|i| (i, self.make(docs, i)))
            .collect();
        for (i, s) in computed {
            self.sets[i] = s;
        }
    }
}

/// The candidates whose Jaccard (exact when both sets are known, else the estimate) reaches
/// `threshold`, in candidate order.
pub(crate) fn verified_pairs(
    docs: &[Signed],
    candidates: &[(usize, usize)],
    sets: &ShingleSets,
    threshold: f64,
) -> Vec<Pair> {
    candidates
        .par_iter()
        .filter_map(|&(a, b)| verify_pair(docs, sets, a, b, threshold))
        .collect()
}

/// The pair `(a, b)` when its Jaccard (exact when both sets are known, else the estimate)
/// reaches `threshold`.
pub(crate) fn verify_pair(
    docs: &[Signed],
    sets: &ShingleSets,
    a: usize,
    b: usize,
    threshold: f64,
) -> Option<Pair> {
    let jaccard_est = docs[a].signature.jaccard(&docs[b].signature);
    let overlap = match (sets.get(docs, a), sets.get(docs, b)) {
        (Some(sa), Some(sb)) => Some(Overlap::of(&sa, &sb)),
        _ => None,
    };
    let j = overlap.map_or(jaccard_est, |o| o.jaccard);
    (j >= threshold).then_some(Pair {
        a,
        b,
        jaccard_est,
        overlap,
    })
}

/// Every pair of shingle sets (each sorted and distinct) whose exact Jaccard reaches
/// `threshold`, as `(a, b, jaccard)` with `a < b`, sorted. An inverted index over all shingles
/// counts each pair's intersection, so no pair is skipped: this is the ground truth that LSH
/// recall is measured against. Its cost grows with the square of how many documents share a
/// shingle, which is fine for evaluations, not for production runs.
pub fn exact_pairs(sets: &[Vec<u64>], threshold: f64) -> Vec<(usize, usize, f64)> {
    let mut postings: HashMap<u64, Vec<u32>> = HashMap::new();
    for (i, s) in sets.iter().enumerate() {
        for &k in s {
            postings.entry(k).or_default().push(i as u32);
        }
    }
    (0..sets.len())
        .into_par_iter()
        .flat_map_iter(|i| {
            // The later documents sharing at least one shingle with `i`, and how many.
            let mut counts: HashMap<u32, u32> = HashMap::new();
            for k in &sets[i] {
                for &j in &postings[k] {
                    if j as usize > i {
                        *counts.entry(j).or_default() += 1;
                    }
                }
            }
            let mut v: Vec<(usize, usize, f64)> = counts
                .into_iter()
                .filter_map(|(j, inter)| {
                    let union = sets[i].len() + sets[j as usize].len() - inter as usize;
                    let jaccard = inter as f64 / union as f64;
                    (jaccard >= threshold).then_some((i, j as usize, jaccard))
                })
                .collect();
            v.sort_unstable_by_key(|&(a, b, _)| (a, b));
            v.into_iter()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_counts_both_directions() {
        let o = Overlap::of(&[1, 2, 3, 4], &[3, 4, 5]);
        assert_eq!(o.jaccard, 2.0 / 5.0);
        assert_eq!(o.containment_ab, 0.5);
        assert!((o.containment_ba - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(Overlap::of(&[], &[]).jaccard, 0.0);
    }

    #[test]
    fn exact_pairs_agree_with_pairwise_overlaps() {
        let sets = vec![
            vec![1, 2, 3, 4],
            vec![1, 2, 3, 5],
            vec![9],
            vec![],
            vec![1, 2, 3, 4],
        ];
        let found = exact_pairs(&sets, 0.6);
        let mut brute = Vec::new();
        for a in 0..sets.len() {
            for b in a + 1..sets.len() {
                let j = Overlap::of(&sets[a], &sets[b]).jaccard;
                if j >= 0.6 {
                    brute.push((a, b, j));
                }
            }
        }
        assert_eq!(found, brute);
        assert_eq!(found.len(), 3);
    }
}
