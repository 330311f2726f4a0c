//! Step 4: linked sentences grouped into facts (the grid's rows), and each report's sentences
//! that link to nothing.

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

/// A share of cross pairs that must be linked for a sentence to join a fact, or for two facts
/// to merge: a fact is a group whose members mostly link to each other, not a chain.
const COHESION: f64 = 0.5;

/// Groups linked sentences into facts (global sentence numbers): links are taken best first;
/// a sentence joins a fact when it links to at least half its members, two facts merge when
/// half their cross pairs are linked. A linked sentence left out of every group at the end
/// joins the fact of its best partner.
fn groups(n: usize, links: &[(usize, usize, f64)]) -> Vec<Vec<usize>> {
    let linked: std::collections::HashSet<(usize, usize)> = links
        .iter()
        .flat_map(|&(x, y, _)| [(x, y), (y, x)])
        .collect();
    let mut order: Vec<usize> = (0..links.len()).collect();
    order.sort_by(|&i, &j| links[j].2.total_cmp(&links[i].2).then(i.cmp(&j)));
    let mut fact: Vec<Option<usize>> = vec![None; n];
    let mut members: Vec<Vec<usize>> = Vec::new();
    let share = |xs: &[usize], ys: &[usize]| {
        let hit = xs
            .iter()
            .flat_map(|x| ys.iter().map(move |y| (*x, *y)))
            .filter(|p| linked.contains(p))
            .count();
        hit as f64 / (xs.len() * ys.len()) as f64
    };
    for &i in &order {
        let (x, y, _) = links[i];
        match (fact[x], fact[y]) {
            (None, None) => {
                fact[x] = Some(members.len());
                fact[y] = Some(members.len());
                members.push(vec![x, y]);
            }
            (Some(f), None) | (None, Some(f)) => {
                let new = if fact[x].is_none() { x } else { y };
                if share(&[new], &members[f]) >= COHESION {
                    fact[new] = Some(f);
                    members[f].push(new);
                }
            }
            (Some(f), Some(g)) if f != g && share(&members[f], &members[g]) >= COHESION => {
                let moved = std::mem::take(&mut members[g]);
                for &m in &moved {
                    fact[m] = Some(f);
                }
                members[f].extend(moved);
            }
            _ => {}
        }
    }
    for &i in &order {
        let (x, y, _) = links[i];
        match (fact[x], fact[y]) {
            (None, Some(f)) => {
                fact[x] = Some(f);
                members[f].push(x);
            }
            (Some(f), None) => {
                fact[y] = Some(f);
                members[f].push(y);
            }
            _ => {}
        }
    }
    members.retain(|m| !m.is_empty());
    members
}

/// Cohesive groups of linked sentences, ordered by where they first appear in reading order.
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
    let n: usize = sentences.iter().map(Vec::len).sum();
    let mut of = vec![(0, 0); n];
    for (r, ss) in sentences.iter().enumerate() {
        for s in 0..ss.len() {
            of[base[r] + s] = (r, s);
        }
    }
    let pairs: Vec<(usize, usize, f64)> = links
        .iter()
        .map(|l| (base[l.a] + l.a_sentence, base[l.b] + l.b_sentence, l.score))
        .collect();
    let rank: Vec<usize> = {
        let mut rank = vec![0; order.len()];
        for (i, &r) in order.iter().enumerate() {
            rank[r] = i;
        }
        rank
    };
    let mut facts: Vec<Fact> = groups(n, &pairs)
        .into_iter()
        .map(|m| {
            let mut cells = vec![Vec::new(); sentences.len()];
            for g in m {
                let (r, s) = of[g];
                cells[r].push(s);
            }
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
