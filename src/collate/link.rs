//! Steps 2 and 3: stem weights over the story, candidate sentence pairs from shared stems,
//! and the [`Similarity`] that decides which pairs state the same fact.

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;

use super::Options;
use super::prepare::{Sentence, Stem};

/// How a linked pair relates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// Both sentences state the same fact, about as fully.
    Same,
    /// The shorter sentence's fact is inside the longer one, which says more.
    Partial,
}

/// What made a link.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evidence {
    /// The shared content words, as spans of A's text, rarest first (at most eight).
    pub words: Vec<Range<usize>>,
    /// Numbers both state.
    pub numbers: Vec<String>,
    /// Keys of names both mention ([`super::Entity::key`]).
    pub names: Vec<u64>,
    /// Both carry quoted speech with shared words.
    pub quote: bool,
}

/// A sentence of report `a` and one of report `b` (`a < b`) that state the same fact.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// Report index of A.
    pub a: usize,
    /// Sentence index in A.
    pub a_sentence: usize,
    /// Byte span of the sentence in A's text.
    pub a_span: Range<usize>,
    /// Report index of B.
    pub b: usize,
    /// Sentence index in B.
    pub b_sentence: usize,
    /// Byte span in B's text.
    pub b_span: Range<usize>,
    /// In [0, 1]: how surely the two state one fact.
    pub score: f64,
    /// Whole or partial.
    pub kind: LinkKind,
    /// Why.
    pub evidence: Evidence,
}

/// How much each stem says about which fact a sentence states, over the whole story.
pub struct Weights {
    local: HashMap<u64, f64>,
}

impl Weights {
    fn new(sentences: &[&Sentence]) -> Self {
        let mut sf: HashMap<u64, u32> = HashMap::new();
        for s in sentences {
            for st in &s.stems {
                *sf.entry(st.key).or_default() += 1;
            }
        }
        let n = sentences.len().max(1) as f64;
        let top = (1.0 + n).ln();
        let local = sf
            .into_iter()
            .map(|(k, d)| (k, (1.0 + n / d as f64).ln() / top))
            .collect();
        Weights { local }
    }

    /// Weight of a stem of a sentence, in (0, 1]: its rarity in news times its rarity in the
    /// story.
    pub fn weight(&self, st: &Stem) -> f64 {
        self.local.get(&st.key).copied().unwrap_or(1.0) * st.rarity
    }

    /// Total content weight of a sentence.
    pub fn total(&self, s: &Sentence) -> f64 {
        s.stems.iter().map(|st| self.weight(st)).sum()
    }
}

/// A candidate pair as a [`Similarity`] sees it.
pub struct Pair<'a> {
    /// Sentence A.
    pub a: &'a Sentence,
    /// Sentence B.
    pub b: &'a Sentence,
    /// The texts the spans point into.
    pub texts: (&'a str, &'a str),
    /// Stem weights over the story.
    pub weights: &'a Weights,
}

/// A pair's verdict.
#[derive(Clone, Debug)]
pub struct Scored {
    /// Overall likeness in [0, 1].
    pub score: f64,
    /// Share of the lighter sentence's content found in the other, in [0, 1].
    pub contained: f64,
    /// How many content stems they share.
    pub shared: usize,
    /// Lighter side's weight over the heavier's, in (0, 1].
    pub balance: f64,
    /// Weight of the most telling shared stem: a fact needs one word rare in news and in the
    /// story (or a shared number or quote), not only the story's common vocabulary.
    pub top: f64,
    /// What they share.
    pub evidence: Evidence,
}

/// Scores two sentences of different reports. The seam where a sentence encoder can plug in:
/// an implementation may blend the lexical verdict ([`Lexical`]) with a cosine of embeddings.
pub trait Similarity {
    /// The verdict on one candidate pair (pairs that share no content stem are never asked).
    fn score(&self, pair: &Pair) -> Scored;
}

/// Weighted stem overlap, raised by shared numbers, names and quotes.
pub struct Lexical;

impl Similarity for Lexical {
    fn score(&self, p: &Pair) -> Scored {
        let w = p.weights;
        let (wa, wb) = (w.total(p.a), w.total(p.b));
        let mut words: Vec<(f64, Range<usize>)> = Vec::new();
        let (mut i, mut j) = (0, 0);
        let (sa, sb) = (&p.a.stems, &p.b.stems);
        while i < sa.len() && j < sb.len() {
            match sa[i].key.cmp(&sb[j].key) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    words.push((w.weight(&sa[i]).min(w.weight(&sb[j])), sa[i].word.clone()));
                    i += 1;
                    j += 1;
                }
            }
        }
        let shared: f64 = words.iter().map(|x| x.0).sum();
        let dice = if wa + wb > 0.0 {
            2.0 * shared / (wa + wb)
        } else {
            0.0
        };
        let lighter = wa.min(wb);
        let contained = if lighter > 0.0 { shared / lighter } else { 0.0 };
        let evidence = evidence(p, words.clone());
        let bonus = 0.08 * evidence.numbers.len().min(2) as f64
            + 0.05 * evidence.names.len().min(2) as f64
            + if evidence.quote { 0.1 } else { 0.0 };
        Scored {
            score: (dice + bonus).min(1.0),
            contained: contained.min(1.0),
            shared: words.len(),
            balance: if wa.max(wb) > 0.0 {
                lighter / wa.max(wb)
            } else {
                0.0
            },
            top: words.iter().map(|x| x.0).fold(0.0, f64::max),
            evidence,
        }
    }
}

fn evidence(p: &Pair, mut words: Vec<(f64, Range<usize>)>) -> Evidence {
    words.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.start.cmp(&y.1.start)));
    let numbers =
        p.a.numbers
            .iter()
            .filter(|n| p.b.numbers.contains(n))
            .cloned()
            .collect();
    let names =
        p.a.names
            .iter()
            .filter(|n| p.b.names.contains(n))
            .copied()
            .collect();
    let quote = !p.a.quotes.is_empty() && !p.b.quotes.is_empty() && quotes_meet(p);
    Evidence {
        words: words.into_iter().take(8).map(|w| w.1).collect(),
        numbers,
        names,
        quote,
    }
}

/// Whether some quote of A and some quote of B share at least three words (normalized).
fn quotes_meet(p: &Pair) -> bool {
    let words = |text: &str, spans: &[Range<usize>]| {
        let mut v: Vec<String> = Vec::new();
        for s in spans {
            crate::text::default_normalizer().for_each_token(&text[s.clone()], |t, _| {
                if crate::text::stem::for_alignment(t).is_some() {
                    v.push(t.to_owned());
                }
            });
        }
        v
    };
    let a = words(p.texts.0, &p.a.quotes);
    let b = words(p.texts.1, &p.b.quotes);
    a.iter().filter(|t| b.contains(t)).count() >= 3
}

/// Every link between sentences of different reports.
pub(super) fn links(
    options: &Options,
    similarity: &dyn Similarity,
    sentences: &[Vec<Sentence>],
    texts: &[&str],
) -> Vec<Link> {
    let flat: Vec<(usize, usize)> = sentences
        .iter()
        .enumerate()
        .flat_map(|(r, ss)| (0..ss.len()).map(move |s| (r, s)))
        .filter(|&(r, s)| !sentences[r][s].chrome && !sentences[r][s].stems.is_empty())
        .collect();
    let of = |k: usize| &sentences[flat[k].0][flat[k].1];
    let all: Vec<&Sentence> = (0..flat.len()).map(of).collect();
    let weights = Weights::new(&all);
    let mut postings: HashMap<u64, Vec<usize>> = HashMap::new();
    for (k, s) in all.iter().enumerate() {
        for st in &s.stems {
            postings.entry(st.key).or_default().push(k);
        }
    }
    let mut out = Vec::new();
    for (k, s) in all.iter().enumerate() {
        let mut met: Vec<usize> = s
            .stems
            .iter()
            .filter_map(|st| postings.get(&st.key))
            .filter(|p| p.len() <= options.max_postings)
            .flat_map(|p| {
                p.iter()
                    .copied()
                    .filter(|&m| m > k && flat[m].0 != flat[k].0)
            })
            .collect();
        met.sort_unstable();
        met.dedup();
        for m in met {
            let ((ra, ia), (rb, ib)) = (flat[k], flat[m]);
            let pair = Pair {
                a: s,
                b: all[m],
                texts: (texts[ra], texts[rb]),
                weights: &weights,
            };
            let scored = similarity.score(&pair);
            if let Some(kind) = verdict(options, &scored) {
                let a_lighter = weights.total(s) <= weights.total(all[m]);
                out.push((
                    a_lighter,
                    Link {
                        a: ra,
                        a_sentence: ia,
                        a_span: s.span.clone(),
                        b: rb,
                        b_sentence: ib,
                        b_span: all[m].span.clone(),
                        score: round(scored.score.max(scored.contained * scored.balance.sqrt())),
                        kind,
                        evidence: scored.evidence,
                    },
                ));
            }
        }
    }
    let mut out = near_best(out, options.relative);
    out.sort_by_key(|l| (l.a, l.b, l.a_sentence, l.b_sentence));
    out
}

/// The links whose score is at least `share` of the best each of their sentences has into
/// the other report. A partial link answers only to its lighter sentence's best: the heavier
/// one says more, so it may carry several facts of the other report.
fn near_best(links: Vec<(bool, Link)>, share: f64) -> Vec<Link> {
    let mut best: HashMap<(usize, usize, usize), f64> = HashMap::new();
    for (_, l) in &links {
        for key in [(l.a, l.a_sentence, l.b), (l.b, l.b_sentence, l.a)] {
            let b = best.entry(key).or_default();
            *b = b.max(l.score);
        }
    }
    let near = |key, score: f64| score >= share * best[&key];
    links
        .into_iter()
        .filter(|(a_lighter, l)| {
            let a = near((l.a, l.a_sentence, l.b), l.score);
            let b = near((l.b, l.b_sentence, l.a), l.score);
            match l.kind {
                LinkKind::Same => a && b,
                LinkKind::Partial if *a_lighter => a,
                LinkKind::Partial => b,
            }
        })
        .map(|(_, l)| l)
        .collect()
}

/// Four decimals: scores are shown and compared in JSON, and stay the same bytes.
fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// Whether a scored pair is a link, and which kind.
fn verdict(o: &Options, s: &Scored) -> Option<LinkKind> {
    let strong = !s.evidence.numbers.is_empty() || s.evidence.quote;
    if s.shared < o.min_shared && !(strong && s.shared + 1 >= o.min_shared) {
        return None;
    }
    if s.top < o.min_top && !strong {
        return None;
    }
    if s.score >= o.min_score {
        return Some(if s.balance < 0.5 {
            LinkKind::Partial
        } else {
            LinkKind::Same
        });
    }
    (s.contained >= o.min_contained && s.balance < 0.5).then_some(LinkKind::Partial)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(a_sentence: usize, b_sentence: usize, score: f64, kind: LinkKind) -> Link {
        Link {
            a: 0,
            a_sentence,
            a_span: 0..0,
            b: 1,
            b_sentence,
            b_span: 0..0,
            score,
            kind,
            evidence: Evidence::default(),
        }
    }

    fn kept(links: Vec<(bool, Link)>) -> Vec<(usize, usize)> {
        near_best(links, 0.7)
            .iter()
            .map(|l| (l.a_sentence, l.b_sentence))
            .collect()
    }

    #[test]
    fn a_sentence_keeps_only_links_near_its_best_into_the_other_report() {
        let links = vec![
            (true, link(0, 0, 0.9, LinkKind::Same)),
            (true, link(0, 1, 0.3, LinkKind::Same)),
            (true, link(1, 1, 0.8, LinkKind::Same)),
        ];
        assert_eq!(kept(links), [(0, 0), (1, 1)]);
    }

    #[test]
    fn a_long_sentence_may_carry_several_partial_facts() {
        // B's sentence 0 carries A's sentences 0 and 1: each partial link answers to A's side.
        let links = vec![
            (true, link(0, 0, 0.9, LinkKind::Partial)),
            (true, link(1, 0, 0.4, LinkKind::Partial)),
            (false, link(2, 0, 0.4, LinkKind::Partial)),
        ];
        assert_eq!(kept(links), [(0, 0), (1, 0)]);
    }
}
