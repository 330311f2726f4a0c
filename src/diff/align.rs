//! Steps 3 and 4: pairing sentences (identical ones, then by weighted stem overlap, growing
//! pairs into 1:2, 2:1 and larger groups), and the backbone of pairs that keep their order.

use std::collections::HashMap;
use std::ops::Range;

use crate::copy::intersection_size;

use super::Options;
use super::sentences::Sent;
use super::weights::{Weights, union};

/// A pairing of sentence runs `a` (indices into A's sentences) and `b`.
#[derive(Clone, Debug)]
pub(super) struct Group {
    pub(super) a: Range<usize>,
    pub(super) b: Range<usize>,
    pub(super) score: f64,
}

/// A candidate pair of single sentences: (score, A index, B index).
type Scored = (f64, usize, usize);

/// Groups of paired sentences, sorted by their A position.
pub(super) fn pair(options: &Options, sa: &[Sent], sb: &[Sent], w: &Weights) -> Vec<Group> {
    let mut p = Pairing {
        options,
        sa,
        sb,
        w,
        // Page chrome is taken from the start: nothing pairs with it.
        used_a: sa.iter().map(|s| s.chrome).collect(),
        used_b: sb.iter().map(|s| s.chrome).collect(),
    };
    let mut groups = p.identical();
    let scored = p.scored();
    p.take_strong(&scored, &mut groups);
    p.seed_weak(&scored, &mut groups);
    groups.sort_by_key(|g| g.a.start);
    groups
}

/// The state of one pairing: both texts and which of their sentences are taken.
struct Pairing<'a> {
    options: &'a Options,
    sa: &'a [Sent],
    sb: &'a [Sent],
    w: &'a Weights,
    used_a: Vec<bool>,
    used_b: Vec<bool>,
}

impl Pairing<'_> {
    /// Sentences identical up to spelling pair first, in order, whatever their stems.
    fn identical(&mut self) -> Vec<Group> {
        let mut groups = Vec::new();
        let mut by_whole: HashMap<u64, Vec<usize>> = HashMap::new();
        for (j, s) in self.sb.iter().enumerate().rev() {
            by_whole.entry(s.whole).or_default().push(j);
        }
        for (i, s) in self.sa.iter().enumerate() {
            if let Some(js) = by_whole.get_mut(&s.whole)
                && let Some(j) = js.pop()
            {
                self.used_a[i] = true;
                self.used_b[j] = true;
                groups.push(Group {
                    a: i..i + 1,
                    b: j..j + 1,
                    score: 1.0,
                });
            }
        }
        groups
    }

    /// Candidate pairs of free sentences, best first: they share at least two stems (one that
    /// is not everywhere proposes them) and score at least the seed score.
    fn scored(&self) -> Vec<Scored> {
        let (sa, sb) = (self.sa, self.sb);
        let mut postings: HashMap<u64, Vec<u32>> = HashMap::new();
        for (j, s) in sb.iter().enumerate() {
            if self.used_b[j] {
                continue;
            }
            for &k in &s.stems {
                postings.entry(k).or_default().push(j as u32);
            }
        }
        let mut scored = Vec::new();
        let mut seen = vec![usize::MAX; sb.len()];
        for (i, s) in sa.iter().enumerate() {
            if self.used_a[i] {
                continue;
            }
            for &k in &s.stems {
                let Some(list) = postings.get(&k) else {
                    continue;
                };
                if list.len() > self.options.max_postings {
                    continue;
                }
                for &j in list {
                    let j = j as usize;
                    if seen[j] == i {
                        continue;
                    }
                    seen[j] = i;
                    // One shared word is chance, however short the sentences.
                    if intersection_size(&s.stems, &sb[j].stems) < 2 {
                        continue;
                    }
                    let score = self.w.dice(&s.stems, &sb[j].stems);
                    if score >= self.options.seed_score {
                        scored.push((score, i, j));
                    }
                }
            }
        }
        scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        scored
    }

    /// Pairs at `min_score` or above, taken greedily (each sentence once), then grown.
    fn take_strong(&mut self, scored: &[Scored], groups: &mut Vec<Group>) {
        let min = self.options.min_score;
        let first_new = groups.len();
        for &(score, i, j) in scored.iter().filter(|c| c.0 >= min) {
            if !self.used_a[i] && !self.used_b[j] {
                self.used_a[i] = true;
                self.used_b[j] = true;
                groups.push(Group {
                    a: i..i + 1,
                    b: j..j + 1,
                    score,
                });
            }
        }
        for g in &mut groups[first_new..] {
            self.grow(g, self.options.grow_gain);
        }
    }

    /// Weaker pairs may be the seed of a larger match: a passage whose words were shuffled
    /// across sentence ends, or one outlet's long sentence holding three of the other's. A
    /// seed is kept only if it grows to `min_score`.
    fn seed_weak(&mut self, scored: &[Scored], groups: &mut Vec<Group>) {
        let min = self.options.min_score;
        for &(score, i, j) in scored.iter().filter(|c| c.0 < min) {
            if self.used_a[i] || self.used_b[j] {
                continue;
            }
            self.used_a[i] = true;
            self.used_b[j] = true;
            let mut g = Group {
                a: i..i + 1,
                b: j..j + 1,
                score,
            };
            // Any gain will do here: the group only counts if it ends at `min_score`.
            self.grow(&mut g, 1e-3);
            if g.score >= min {
                groups.push(g);
            } else {
                self.used_a[g.a].fill(false);
                self.used_b[g.b].fill(false);
            }
        }
    }

    /// Extends a group by free neighbouring sentences, one at a time, while the union of the
    /// two sides overlaps better by at least `gain`.
    fn grow(&mut self, g: &mut Group, gain: f64) {
        let max = self.options.max_group;
        let (sa, sb, w) = (self.sa, self.sb, self.w);
        loop {
            let mut best: Option<(f64, Range<usize>, Range<usize>)> = None;
            let (a, b) = (g.a.clone(), g.b.clone());
            // Each side may stay, or take its free neighbour before or after; both sides at once
            // too, since a passage may only match better once both have grown.
            let side = |r: &Range<usize>, used: &[bool], len: usize| {
                let mut v = vec![r.clone()];
                if r.len() < max {
                    if r.start > 0 && !used[r.start - 1] {
                        v.push(r.start - 1..r.end);
                    }
                    if r.end < len && !used[r.end] {
                        v.push(r.start..r.end + 1);
                    }
                }
                v
            };
            let mut tries = Vec::with_capacity(8);
            for ta in side(&a, &self.used_a, sa.len()) {
                for tb in side(&b, &self.used_b, sb.len()) {
                    if ta != a || tb != b {
                        tries.push((ta.clone(), tb));
                    }
                }
            }
            for (ta, tb) in tries {
                let score = w.dice(&union(sa, &ta), &union(sb, &tb));
                if score >= g.score + gain && best.as_ref().is_none_or(|(s, _, _)| score > *s) {
                    best = Some((score, ta, tb));
                }
            }
            let Some((score, ta, tb)) = best else {
                return;
            };
            self.used_a[ta.clone()].fill(true);
            self.used_b[tb.clone()].fill(true);
            *g = Group {
                a: ta,
                b: tb,
                score,
            };
        }
    }
}

/// Step 4: which groups (sorted by A position) form the heaviest chain increasing in B too.
/// Weighted longest increasing subsequence with a Fenwick tree of prefix maxima over B
/// positions: O(n log n), so a long text with thousands of pairs stays fast.
pub(super) fn backbone(groups: &[Group], sa: &[Sent], sb: &[Sent]) -> Vec<bool> {
    let n = sb.len();
    let mut tree: Vec<(f64, usize)> = vec![(0.0, usize::MAX); n + 1];
    let mut best_before = vec![usize::MAX; groups.len()];
    let mut total = vec![0.0; groups.len()];
    for (g, grp) in groups.iter().enumerate() {
        let tokens: usize = sa[grp.a.clone()]
            .iter()
            .map(|s| s.toks.len())
            .sum::<usize>()
            + sb[grp.b.clone()]
                .iter()
                .map(|s| s.toks.len())
                .sum::<usize>();
        let weight = grp.score * (tokens.max(1) as f64);
        // Best chain ending strictly before this group's B start.
        let (mut best, mut from) = (0.0, usize::MAX);
        let mut k = grp.b.start;
        while k > 0 {
            if tree[k].0 > best {
                (best, from) = tree[k];
            }
            k &= k - 1;
        }
        total[g] = best + weight;
        best_before[g] = from;
        // Record at this group's last B position, so the next group must start after it.
        let mut k = grp.b.end;
        while k <= n {
            if total[g] > tree[k].0 {
                tree[k] = (total[g], g);
            }
            k += k & k.wrapping_neg();
        }
    }
    let mut in_order = vec![false; groups.len()];
    let mut g = (0..groups.len()).max_by(|&x, &y| total[x].total_cmp(&total[y]).then(y.cmp(&x)));
    while let Some(k) = g {
        in_order[k] = true;
        g = (best_before[k] != usize::MAX).then_some(best_before[k]);
    }
    in_order
}
