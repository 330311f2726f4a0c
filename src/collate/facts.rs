//! Step 4: linked sentences grouped into facts (the grid's rows), and each report's sentences
//! that link to nothing.

use std::collections::BTreeMap;

use super::prepare::Sentence;
use super::{Link, Report};

/// One row of the grid: the sentences of each report that state one fact.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    /// Per report (input order): its sentence indices in this fact, in text order; empty when
    /// the report does not carry it.
    pub cells: Vec<Vec<usize>>,
    /// The reports that carried it first: the earliest date among the carriers (several on a
    /// tie; none when no carrier is dated).
    pub first: Vec<usize>,
}

impl Fact {
    /// How many reports carry the fact.
    pub fn carriers(&self) -> usize {
        self.cells.iter().filter(|c| !c.is_empty()).count()
    }
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// Connected groups of linked sentences, ordered by where they first appear in reading order.
pub(super) fn facts(
    sentences: &[Vec<Sentence>],
    links: &[Link],
    order: &[usize],
    reports: &[Report],
) -> Vec<Fact> {
    let base: Vec<usize> = sentences
        .iter()
        .scan(0, |acc, s| {
            let b = *acc;
            *acc += s.len();
            Some(b)
        })
        .collect();
    let n = base
        .last()
        .map_or(0, |b| b + sentences.last().map_or(0, Vec::len));
    let mut parent: Vec<usize> = (0..n).collect();
    for l in links {
        let (x, y) = (
            find(&mut parent, base[l.a] + l.a_sentence),
            find(&mut parent, base[l.b] + l.b_sentence),
        );
        parent[x.max(y)] = x.min(y);
    }
    let mut groups: BTreeMap<usize, Vec<Vec<usize>>> = BTreeMap::new();
    for l in links {
        for (r, s) in [(l.a, l.a_sentence), (l.b, l.b_sentence)] {
            let root = find(&mut parent, base[r] + s);
            let cells = groups
                .entry(root)
                .or_insert_with(|| vec![Vec::new(); sentences.len()]);
            if !cells[r].contains(&s) {
                cells[r].push(s);
            }
        }
    }
    let rank: Vec<usize> = {
        let mut rank = vec![0; order.len()];
        for (i, &r) in order.iter().enumerate() {
            rank[r] = i;
        }
        rank
    };
    let mut facts: Vec<Fact> = groups
        .into_values()
        .map(|mut cells| {
            cells.iter_mut().for_each(|c| c.sort_unstable());
            Fact {
                first: earliest(&cells, reports),
                cells,
            }
        })
        .collect();
    facts.sort_by_key(|f| {
        (0..f.cells.len())
            .filter(|&r| !f.cells[r].is_empty())
            .map(|r| (rank[r], f.cells[r][0]))
            .min()
    });
    facts
}

/// The carriers with the earliest date.
fn earliest(cells: &[Vec<usize>], reports: &[Report]) -> Vec<usize> {
    let dated: Vec<(usize, i64)> = (0..cells.len())
        .filter(|&r| !cells[r].is_empty())
        .filter_map(|r| Some((r, reports[r].date.and_then(crate::date::epoch_seconds)?)))
        .collect();
    let Some(min) = dated.iter().map(|d| d.1).min() else {
        return Vec::new();
    };
    dated
        .into_iter()
        .filter(|d| d.1 == min)
        .map(|d| d.0)
        .collect()
}

/// Per report: its content sentences (not chrome, with a word) that no link touches.
pub(super) fn unique(sentences: &[Vec<Sentence>], links: &[Link]) -> Vec<Vec<usize>> {
    let mut linked: Vec<Vec<bool>> = sentences.iter().map(|s| vec![false; s.len()]).collect();
    for l in links {
        linked[l.a][l.a_sentence] = true;
        linked[l.b][l.b_sentence] = true;
    }
    sentences
        .iter()
        .enumerate()
        .map(|(r, ss)| {
            (0..ss.len())
                .filter(|&s| !linked[r][s] && !ss[s].chrome && !ss[s].stems.is_empty())
                .collect()
        })
        .collect()
}
