//! Stage 6: clusters over exact groups and verified pairs, each with a representative and its
//! members scored against it.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use super::outcome::{Cluster, Member, Pair, Stats};
use super::prepared::Signed;
use super::verify::{Overlap, ShingleSets};

/// Union-find with path halving; unions keep the smaller index as root (determinism).
pub(crate) struct UnionFind(pub(crate) Vec<usize>);

impl UnionFind {
    pub(crate) fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    pub(crate) fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.0[hi] = lo;
        }
    }
}

/// The connected groups of two or more documents (each in index order, groups by their
/// smallest index), counting `clustered`, `singletons` and empty texts in `stats`.
pub(crate) fn groups(
    docs: &[Signed],
    exact_of: &[usize],
    pairs: &[Pair],
    stats: &mut Stats,
) -> Vec<Vec<usize>> {
    let mut uf = UnionFind((0..docs.len()).collect());
    for (i, &e) in exact_of.iter().enumerate() {
        uf.union(i, e);
    }
    for p in pairs {
        uf.union(p.a, p.b);
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        if d.kept_len == 0 {
            *stats.skipped.entry("empty text".into()).or_default() += 1;
            continue;
        }
        let root = uf.find(i);
        groups.entry(root).or_default().push(i);
    }
    let groups: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
    stats.clustered = groups.iter().map(Vec::len).sum();
    stats.singletons = docs.len() - stats.clustered - stats.skipped.get("empty text").unwrap_or(&0);
    groups
}

/// One cluster per group, largest first (ties by representative), numbered from 1.
pub(crate) fn clusters(
    groups: Vec<Vec<usize>>,
    docs: &[Signed],
    exact_of: &[usize],
    sets: &ShingleSets,
) -> Vec<Cluster> {
    let mut clusters: Vec<Cluster> = groups
        .into_par_iter()
        .map(|g| cluster(g, docs, exact_of, sets))
        .collect();
    clusters.sort_by(|x, y| {
        y.members.len().cmp(&x.members.len()).then_with(|| {
            representative_key(&docs[x.representative])
                .cmp(&representative_key(&docs[y.representative]))
        })
    });
    for (i, c) in clusters.iter_mut().enumerate() {
        c.id = i + 1;
    }
    clusters
}

/// A group's representative and its members in order, each scored against it (exactly when
/// both shingle sets are known).
fn cluster(g: Vec<usize>, docs: &[Signed], exact_of: &[usize], sets: &ShingleSets) -> Cluster {
    let rep = *g
        .iter()
        .min_by_key(|&&i| representative_key(&docs[i]))
        .expect("groups are not empty");
    let mut order = g.clone();
    order.sort_by_key(|&i| (i != rep, date_order(&docs[i]), docs[i].info.id.clone()));
    // Each exact-duplicate head's overlap is made once (sets of spilled units are read back
    // from disk when asked for, so the representative's is asked for once too).
    let rep_set = sets.get(docs, exact_of[rep]);
    let mut overlaps: HashMap<usize, Option<Overlap>> = HashMap::new();
    let members = order
        .into_iter()
        .map(|m| {
            let head = exact_of[m];
            let overlap = *overlaps.entry(head).or_insert_with(|| {
                let rep_set = rep_set.as_deref()?;
                Some(Overlap::of(&sets.get(docs, head)?, rep_set))
            });
            match overlap {
                Some(o) => Member {
                    doc: m,
                    jaccard: o.jaccard,
                    containment: Some(o.containment_ab),
                    rep_containment: Some(o.containment_ba),
                },
                None => Member {
                    doc: m,
                    jaccard: docs[m].signature.jaccard(&docs[rep].signature),
                    containment: None,
                    rep_containment: None,
                },
            }
        })
        .collect();
    Cluster {
        id: 0,
        representative: rep,
        members,
    }
}

/// Dated documents first, by date.
fn date_order(d: &Signed) -> (bool, u64) {
    let key = d.info.date.as_deref().and_then(crate::date::sort_key);
    (key.is_none(), key.unwrap_or(0))
}

/// Earliest date (undated last), then longest text, then smallest id.
fn representative_key(d: &Signed) -> ((bool, u64), std::cmp::Reverse<usize>, &str) {
    (
        date_order(d),
        std::cmp::Reverse(d.info.chars),
        d.info.id.as_str(),
    )
}
