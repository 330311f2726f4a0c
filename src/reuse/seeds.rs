//! Seeds: each document's content words as hashed stems (alone or in n-grams) with their word
//! positions, the document frequency of every seed, and the candidate pairs that share enough
//! rare ones.

use rayon::prelude::*;

use crate::hash::term_hash;
use crate::text::Normalizer;
use crate::text::stem::{HashedMap, Stopwords, for_terms_bytes};

/// One document's seeds, before and after the corpus's document frequencies are known.
#[derive(Clone, Debug, Default)]
pub struct Prepared {
    /// Words in the document (every token, stopwords included): positions count these.
    pub words: u32,
    /// `(seed, position)` of every seed, sorted; after [`SeedIndex::restrict`] only those in
    /// 2..=`align_df` documents, the ones hits are made of, in position order (so that the
    /// seeds of a window are a slice).
    pub seeds: Vec<(u64, u32)>,
    /// The rare seeds among `seeds` (in 2..=`max_df` documents), sorted: they make candidates,
    /// and a pair whose rare hits make no passage is not aligned further.
    pub rare: Vec<(u64, u32)>,
    /// Positions of the informative seeds (in at most `align_df` documents, unique ones too), in
    /// order: a passage's score is the share of these that matched. Filled by
    /// [`SeedIndex::restrict`].
    pub informative: Vec<u32>,
    /// Every word's hash (its low 32 bits), for extending a passage word by word.
    pub tokens: Vec<u32>,
}

/// Cuts `text` into seeds: stems of the words that are not stopwords, `n` at a time.
pub fn prepare(text: &str, normalizer: &Normalizer, stopwords: &Stopwords, n: usize) -> Prepared {
    let mut stems: Vec<(u64, u32)> = Vec::new();
    let mut words = 0u32;
    let mut tokens = Vec::new();
    normalizer.for_each_token_bytes(text, |t, _| {
        let pos = words;
        words += 1;
        let h = term_hash(t);
        tokens.push(h as u32);
        // Single letters (a detached و) say nothing about where a passage came from.
        if t.len() < 3 || stopwords.contains(t, h) {
            return;
        }
        stems.push((term_hash(for_terms_bytes(t)), pos));
    });
    let mut seeds: Vec<(u64, u32)> = if n == 1 {
        stems
    } else {
        stems
            .windows(n)
            .map(|w| {
                let mut h = w[0].0;
                for &(x, _) in &w[1..] {
                    h = h.rotate_left(23) ^ x.wrapping_mul(0x9E37_79B9_7F4A_7C15);
                }
                (h, w[0].1)
            })
            .collect()
    };
    seeds.sort_unstable();
    Prepared {
        words,
        seeds,
        rare: Vec::new(),
        informative: Vec::new(),
        tokens,
    }
}

/// The document frequency of every seed and the posting lists of the rare ones.
pub struct SeedIndex {
    df: HashedMap<u32>,
    /// Where each rare seed's documents are in `docs`.
    postings: HashedMap<(u32, u32)>,
    docs: Vec<u32>,
    max_df: usize,
    align_df: usize,
}

impl SeedIndex {
    /// Counts every seed's documents and keeps the posting lists of seeds in 2..=`max_df`;
    /// hits will use seeds in up to `align_df` documents (at least 2). In a corpus so small
    /// that `align_df` is below `max_df`, candidates use `align_df` too: there, a word in
    /// every document is not rare whatever its count.
    pub fn build(prepared: &[Prepared], max_df: usize, align_df: usize) -> SeedIndex {
        let align_df = align_df.max(2);
        let max_df = max_df.min(align_df);
        let mut pairs: Vec<(u64, u32)> = prepared
            .par_iter()
            .enumerate()
            .flat_map_iter(|(d, p)| {
                let mut last = None;
                p.seeds.iter().filter_map(move |&(h, _)| {
                    (last.replace(h) != Some(h)).then_some((h, d as u32))
                })
            })
            .collect();
        pairs.par_sort_unstable();
        let mut df = HashedMap::default();
        let mut postings = HashedMap::default();
        let mut docs = Vec::new();
        for group in pairs.chunk_by(|x, y| x.0 == y.0) {
            df.insert(group[0].0, group.len() as u32);
            if group.len() >= 2 && group.len() <= max_df {
                postings.insert(group[0].0, (docs.len() as u32, group.len() as u32));
                docs.extend(group.iter().map(|&(_, d)| d));
            }
        }
        SeedIndex {
            df,
            postings,
            docs,
            max_df,
            align_df,
        }
    }

    /// Distinct seeds in the corpus.
    pub fn len(&self) -> usize {
        self.df.len()
    }

    /// No seed at all (no document has a content word).
    pub fn is_empty(&self) -> bool {
        self.df.is_empty()
    }

    /// How many documents hold `seed`.
    pub fn df(&self, seed: u64) -> usize {
        self.df.get(&seed).copied().unwrap_or(0) as usize
    }

    /// The documents of a rare seed (empty for others), in input order.
    pub fn documents(&self, seed: u64) -> &[u32] {
        self.postings.get(&seed).map_or(&[], |&(start, len)| {
            &self.docs[start as usize..(start + len) as usize]
        })
    }

    /// Keeps only the seeds of `p` that can make hits, and notes its informative positions.
    /// A seed repeated more than `max_repeats` times in `p` makes no hits (it would make a grid
    /// of them) but stays informative: counting it as unmatched kept more false passages out
    /// on AraPlagDet dev (plagdet 0.912 against 0.900 at the best `min_score` without it).
    pub fn restrict(&self, p: &mut Prepared, max_repeats: usize) {
        let mut informative = Vec::new();
        let mut kept = Vec::with_capacity(p.seeds.len());
        let mut rare = Vec::new();
        for group in p.seeds.chunk_by(|x, y| x.0 == y.0) {
            let df = self.df(group[0].0);
            if df > self.align_df {
                continue;
            }
            informative.extend(group.iter().map(|s| s.1));
            if df >= 2 && group.len() <= max_repeats {
                kept.extend_from_slice(group);
                if df <= self.max_df {
                    rare.extend_from_slice(group);
                }
            }
        }
        informative.sort_unstable();
        kept.sort_unstable_by_key(|&(h, pos)| (pos, h));
        p.seeds = kept;
        p.rare = rare;
        p.informative = informative;
    }

    /// Pairs `(a, b)`, `a < b`, that share at least `min_shared` distinct rare seeds, with that
    /// number; in order. `prepared` must be restricted already.
    pub fn candidates(&self, prepared: &[Prepared], min_shared: usize) -> Vec<(u32, u32, u32)> {
        prepared
            .par_iter()
            .enumerate()
            .flat_map_iter(|(a, p)| {
                let a = a as u32;
                let mut counts: HashedMap<u32> = HashedMap::default();
                let mut last = None;
                for &(h, _) in &p.rare {
                    if last.replace(h) == Some(h) {
                        continue;
                    }
                    let docs = self.documents(h);
                    let after = docs.partition_point(|&d| d <= a);
                    for &b in &docs[after..] {
                        *counts.entry(u64::from(b)).or_default() += 1;
                    }
                }
                let mut out: Vec<(u32, u32, u32)> = counts
                    .into_iter()
                    .filter(|&(_, n)| n as usize >= min_shared)
                    .map(|(b, n)| (a, b as u32, n))
                    .collect();
                out.sort_unstable();
                out
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prep(texts: &[&str]) -> Vec<Prepared> {
        let n = crate::text::default_normalizer();
        let s = Stopwords::new(n);
        texts.iter().map(|t| prepare(t, n, &s, 1)).collect()
    }

    #[test]
    fn stopwords_are_no_seeds_but_keep_their_positions() {
        let p = &prep(&["قال الوزير في المؤتمر"])[0];
        assert_eq!(p.words, 4);
        let positions: Vec<u32> = {
            let mut v: Vec<u32> = p.seeds.iter().map(|s| s.1).collect();
            v.sort();
            v
        };
        // «في» is a stopword; «قال» too.
        assert_eq!(positions, [1, 3]);
    }

    #[test]
    fn common_seeds_make_no_candidates() {
        let mut p = prep(&[
            "الوزير المؤتمر الصحفي الحكومه",
            "الوزير المؤتمر الصحفي الحكومه",
            "الوزير المؤتمر",
        ]);
        let index = SeedIndex::build(&p, 2, 2);
        // الوزير and المؤتمر are in three documents: more than max_df.
        assert_eq!(index.df(term_hash(for_terms_bytes("الوزير".as_bytes()))), 3);
        for x in &mut p {
            index.restrict(x, 4);
        }
        assert_eq!(p[2].rare, []);
        assert_eq!(index.candidates(&p, 2), [(0, 1, 2)]);
        assert!(index.candidates(&p, 3).is_empty());
    }
}
