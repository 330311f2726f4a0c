//! Passage clusters: the same passage reused by many documents, as connected components of
//! link ends whose spans overlap in the same document.

use std::ops::Range;

/// One document's part in a cluster: the union of its overlapping link ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The document (input position).
    pub doc: u32,
    /// Its words in the cluster's passage (end exclusive).
    pub words: Range<u32>,
    /// The link ends it unites (end `2i` is link `i`'s A side, `2i + 1` its B side).
    pub ends: Vec<usize>,
}

/// A passage and every document that has it.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    /// The members, by document then position.
    pub members: Vec<Member>,
    /// The links inside.
    pub links: Vec<usize>,
    /// The member whose document is dated earliest (`None` when no member is dated).
    pub earliest: Option<usize>,
    /// Share of its links between two documents of the same outlet (passim's `pboiler`).
    pub boilerplate_share: f64,
}

/// Union-find with path halving.
struct Sets(Vec<usize>);

impl Sets {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn union(&mut self, x: usize, y: usize) {
        let (x, y) = (self.find(x), self.find(y));
        if x != y {
            self.0[x.max(y)] = x.min(y);
        }
    }
}

/// The clusters of `ends` (for link `i`, ends `2i` and `2i + 1`: document and words), largest
/// first. `date` gives a document's date key, `same_source` whether link `i` joins two documents
/// of one outlet.
pub fn cluster(
    ends: &[(u32, Range<u32>)],
    date: impl Fn(u32) -> Option<u64>,
    same_source: impl Fn(usize) -> bool,
) -> Vec<Cluster> {
    let mut sets = Sets((0..ends.len()).collect());
    for i in (0..ends.len()).step_by(2) {
        sets.union(i, i + 1);
    }
    let mut order: Vec<usize> = (0..ends.len()).collect();
    order.sort_unstable_by_key(|&i| (ends[i].0, ends[i].1.start, i));
    // Within a document, an end that starts before the previous ones finish joins them.
    for w in order.chunk_by(|&x, &y| ends[x].0 == ends[y].0) {
        let mut reach = 0;
        for (k, &i) in w.iter().enumerate() {
            if k > 0 && ends[i].1.start < reach {
                sets.union(w[k - 1], i);
            }
            reach = if k == 0 {
                ends[i].1.end
            } else {
                reach.max(ends[i].1.end)
            };
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for &i in &order {
        let root = sets.find(i);
        groups.entry(root).or_default().push(i);
    }
    let mut out: Vec<Cluster> = groups
        .into_values()
        .map(|g| build(&g, ends, &date, &same_source))
        .collect();
    out.sort_by(|x, y| {
        y.members
            .len()
            .cmp(&x.members.len())
            .then_with(|| x.links[0].cmp(&y.links[0]))
    });
    out
}

/// One cluster from its ends (in document, start order).
fn build(
    group: &[usize],
    ends: &[(u32, Range<u32>)],
    date: &impl Fn(u32) -> Option<u64>,
    same_source: &impl Fn(usize) -> bool,
) -> Cluster {
    let mut members: Vec<Member> = Vec::new();
    for &i in group {
        let (doc, w) = &ends[i];
        match members.last_mut() {
            Some(m) if m.doc == *doc && w.start < m.words.end => {
                m.words.end = m.words.end.max(w.end);
                m.ends.push(i);
            }
            _ => members.push(Member {
                doc: *doc,
                words: w.clone(),
                ends: vec![i],
            }),
        }
    }
    let mut links: Vec<usize> = group.iter().map(|&i| i / 2).collect();
    links.sort_unstable();
    links.dedup();
    let earliest = (0..members.len())
        .filter_map(|m| date(members[m].doc).map(|d| (d, m)))
        .min()
        .map(|(_, m)| m);
    let same = links.iter().filter(|&&l| same_source(l)).count();
    Cluster {
        members,
        boilerplate_share: same as f64 / links.len() as f64,
        links,
        earliest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_ends_in_one_document_join_their_links() {
        // Link 0: doc 0 [0,20) – doc 1 [5,25); link 1: doc 1 [10,30) – doc 2 [0,20);
        // link 2: doc 3 – doc 4, apart.
        let ends = vec![
            (0, 0..20),
            (1, 5..25),
            (1, 10..30),
            (2, 0..20),
            (3, 0..10),
            (4, 0..10),
        ];
        let dates = [Some(3), Some(1), None, None, None];
        let c = cluster(&ends, |d| dates[d as usize], |l| l == 2);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].links, [0, 1]);
        assert_eq!(c[0].members.len(), 3);
        assert_eq!(c[0].members[1].words, 5..30);
        assert_eq!(c[0].earliest, Some(1));
        assert_eq!(c[0].boilerplate_share, 0.0);
        assert_eq!(c[1].boilerplate_share, 1.0);
        assert_eq!(c[1].earliest, None);
    }
}
