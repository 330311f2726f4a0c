//! Average linkage: union-find over groups of articles that merges two groups only when they
//! are, on average, similar enough and the merged story stays inside the window.

use std::collections::HashMap;

use crate::copy::Cluster;
use crate::story::outcome::StoryPair;
use crate::story::vector::{TermVector, add, dot};

/// Union-find over groups that keeps each group's size and the sum of its unit vectors, so
/// the average pairwise cosine of two groups is `sum_a · sum_b / (n_a · n_b)`.
pub(crate) struct Groups<'a> {
    parent: Vec<usize>,
    pub(crate) size: Vec<usize>,
    /// The sum of a group's unit vectors; empty for a lone article (its vector is the sum).
    sum: Vec<Vec<(u64, f32)>>,
    vectors: &'a [TermVector],
    /// Earliest and latest date of each group (infinite when it has none).
    first: Vec<f64>,
    last: Vec<f64>,
}

/// Merges refused while linking, by reason.
#[derive(Default)]
pub(crate) struct Refused {
    /// The average similarity of the two groups was below `linkage`.
    pub(crate) linkage: usize,
    /// The merged story would have spanned more than the window.
    pub(crate) span: usize,
}

impl<'a> Groups<'a> {
    /// Every article a group of its own, dated by `days`.
    pub(crate) fn new(vectors: &'a [TermVector], days: &[Option<f64>]) -> Groups<'a> {
        let n = days.len();
        Groups {
            parent: (0..n).collect(),
            size: vec![1; n],
            sum: vec![Vec::new(); n],
            vectors,
            first: days.iter().map(|d| d.unwrap_or(f64::INFINITY)).collect(),
            last: days
                .iter()
                .map(|d| d.unwrap_or(f64::NEG_INFINITY))
                .collect(),
        }
    }

    /// Joins the members of each copy-level cluster: the starting groups (a story never
    /// splits a copy cluster).
    pub(crate) fn merge_copies(&mut self, clusters: &[Cluster]) {
        for c in clusters {
            let first = c.members.iter().map(|m| m.doc).min().expect("not empty");
            for m in &c.members {
                let (ra, rb) = (self.find(first), self.find(m.doc));
                if ra != rb {
                    self.union(ra, rb);
                }
            }
        }
    }

    /// Merges along the verified pairs, most similar first (ties by documents), where the
    /// merged story spans at most `max_span` days and the groups' average similarity reaches
    /// `linkage`.
    pub(crate) fn merge_pairs(
        &mut self,
        pairs: &[StoryPair],
        linkage: f64,
        max_span: f64,
    ) -> Refused {
        let mut order: Vec<&StoryPair> = pairs.iter().collect();
        order.sort_by(|x, y| {
            y.similarity
                .total_cmp(&x.similarity)
                .then((x.a, x.b).cmp(&(y.a, y.b)))
        });
        let mut refused = Refused::default();
        let mut refusals: HashMap<(usize, usize), (usize, usize)> = HashMap::new();
        for p in order {
            let (ra, rb) = (self.find(p.a), self.find(p.b));
            if ra == rb {
                continue;
            }
            // The span is checked first: it costs two comparisons, the linkage a dot product.
            // Groups only grow, so a refusal stands until either group changes size: it is
            // remembered with the sizes it was made at.
            let key = (ra.min(rb), ra.max(rb));
            let sizes = (self.size[key.0], self.size[key.1]);
            if self.span(ra, rb) > max_span {
                refused.span += 1;
            } else if refusals.get(&key) == Some(&sizes) {
                refused.linkage += 1;
            } else if self.linkage(ra, rb) < linkage {
                refusals.insert(key, sizes);
                refused.linkage += 1;
            } else {
                self.union(ra, rb);
            }
        }
        refused
    }

    /// The group (its root) of article `x`.
    pub(crate) fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Days from the earliest to the latest report if `a` and `b` merged (0 without dates).
    fn span(&self, a: usize, b: usize) -> f64 {
        let first = self.first[a].min(self.first[b]);
        let last = self.last[a].max(self.last[b]);
        if first.is_finite() && last.is_finite() {
            last - first
        } else {
            0.0
        }
    }

    /// The sum of the unit vectors of the group rooted at `root`.
    pub(crate) fn sum(&self, root: usize) -> &[(u64, f32)] {
        if self.size[root] == 1 {
            &self.vectors[root].0
        } else {
            &self.sum[root]
        }
    }

    fn linkage(&self, a: usize, b: usize) -> f64 {
        dot(self.sum(a), self.sum(b)) / (self.size[a] * self.size[b]) as f64
    }

    /// Merges two roots; the smaller index stays the root (determinism).
    fn union(&mut self, a: usize, b: usize) {
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        self.parent[hi] = lo;
        let merged = add(self.sum(lo), self.sum(hi));
        self.sum[lo] = merged;
        self.sum[hi] = Vec::new();
        self.size[lo] += self.size[hi];
        self.first[lo] = self.first[lo].min(self.first[hi]);
        self.last[lo] = self.last[lo].max(self.last[hi]);
    }
}
