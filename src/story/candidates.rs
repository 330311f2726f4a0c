//! Candidate pairs from an inverted index over each article's heaviest terms, and their
//! verification by cosine.

use rayon::prelude::*;

use crate::story::outcome::StoryPair;
use crate::story::vector::{TermVector, tail_dot, tail_start};
use crate::text::stem::HashedMap;

/// Candidate pairs: articles sharing one of their `k` heaviest terms, dated at most `window`
/// days apart (undated articles pair with every date). Sorted and distinct, `a < b`.
pub fn candidate_pairs(
    vectors: &[TermVector],
    days: &[Option<f64>],
    k: usize,
    window: Option<f64>,
) -> Vec<(usize, usize)> {
    candidate_pairs_wide(vectors, days, k, k, window)
}

/// [`candidate_pairs`], asymmetric: a pair qualifies when a term is among the `k` heaviest of
/// one article and the `wide` heaviest (`wide ≥ k`) of the other. Same-story pairs often share
/// a term that is heavy in one report and only middling in the other.
pub fn candidate_pairs_wide(
    vectors: &[TermVector],
    days: &[Option<f64>],
    k: usize,
    wide: usize,
    window: Option<f64>,
) -> Vec<(usize, usize)> {
    let wide = wide.max(k);
    // (term, article, among its k heaviest)
    let mut postings: Vec<(u64, u32, bool)> = vectors
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, v)| {
            v.top(wide)
                .into_iter()
                .enumerate()
                .map(move |(r, t)| (t, i as u32, r < k))
        })
        .collect();
    postings.par_sort_unstable();
    let mut lists: Vec<&[(u64, u32, bool)]> = Vec::new();
    let mut s = 0;
    while s < postings.len() {
        let e = s + postings[s..]
            .iter()
            .take_while(|p| p.0 == postings[s].0)
            .count();
        if e - s > 1 && postings[s..e].iter().any(|p| p.2) {
            lists.push(&postings[s..e]);
        }
        s = e;
    }
    let w = window.unwrap_or(f64::INFINITY);
    let mut pairs: Vec<(usize, usize)> = lists
        .par_iter()
        .flat_map_iter(|list| {
            // By date, so the window is a sliding range; undated articles pair with all.
            let mut dated: Vec<(f64, usize, bool)> = Vec::new();
            let mut undated: Vec<(usize, bool)> = Vec::new();
            for &(_, d, narrow) in *list {
                match days[d as usize] {
                    Some(t) if window.is_some() => dated.push((t, d as usize, narrow)),
                    _ => undated.push((d as usize, narrow)),
                }
            }
            dated.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut out = Vec::new();
            for (x, &(tx, a, na)) in dated.iter().enumerate() {
                for &(ty, b, nb) in &dated[x + 1..] {
                    if ty - tx > w {
                        break;
                    }
                    if na || nb {
                        out.push((a.min(b), a.max(b)));
                    }
                }
            }
            for (x, &(a, na)) in undated.iter().enumerate() {
                let others = undated[x + 1..]
                    .iter()
                    .copied()
                    .chain(dated.iter().map(|&(_, d, n)| (d, n)));
                for (b, nb) in others {
                    if na || nb {
                        out.push((a.min(b), a.max(b)));
                    }
                }
            }
            out.into_iter()
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// The candidates whose cosine reaches `threshold`. Each article `a` is spread once into a
/// dense array over term ranks, then every candidate `b` of `a` is scored by looking its
/// terms up: no merge, no branch per term. `b`'s terms are taken in hash order, so the
/// products are summed in the same order as [`TermVector::cosine`] and give the same value.
pub fn verify(
    vectors: &[TermVector],
    candidates: &[(usize, usize)],
    threshold: f64,
) -> Vec<StoryPair> {
    let mut hashes: Vec<u64> = vectors
        .par_iter()
        .flat_map_iter(|v| v.0.iter().map(|x| x.0))
        .collect();
    hashes.par_sort_unstable();
    // Only a term of two or more articles can add to a pair's cosine; the others are left
    // out of the sums, which changes no bit of them (x + 0 = x) and makes the dense array
    // smaller (on SaudiNewsNet's candidates the sums get only about 2% shorter).
    let mut shared: Vec<(u32, u64)> = Vec::new();
    let mut s = 0;
    while s < hashes.len() {
        let e = s + hashes[s..].iter().take_while(|&&h| h == hashes[s]).count();
        if e - s > 1 {
            shared.push((u32::MAX - (e - s) as u32, hashes[s]));
        }
        s = e;
    }
    drop(hashes);
    // Common terms first: the part of the dense array that most lookups hit stays in cache.
    // (A rank only says where a term's weight sits; the sums still run in term order.)
    shared.par_sort_unstable();
    let rank: HashedMap<u32> = shared
        .iter()
        .enumerate()
        .map(|(r, &(_, h))| (h, r as u32))
        .collect();
    // Terms by rank, and the LSA tail apart (summed by `tail_dot`, as `dot` does).
    type Ranked = (Vec<(u32, f32)>, Vec<f32>);
    let ranked: Vec<Ranked> = vectors
        .par_iter()
        .map(|v| {
            let t = tail_start(&v.0);
            (
                v.0[..t]
                    .iter()
                    .filter_map(|&(h, w)| Some((*rank.get(&h)?, w)))
                    .collect(),
                v.0[t..].iter().map(|e| e.1).collect(),
            )
        })
        .collect();
    let vocabulary = shared.len();
    drop(rank);
    // Runs of candidates with the same `a` (the list is sorted).
    let mut runs: Vec<&[(usize, usize)]> = Vec::new();
    let mut s = 0;
    while s < candidates.len() {
        let e = s + candidates[s..]
            .iter()
            .take_while(|c| c.0 == candidates[s].0)
            .count();
        runs.push(&candidates[s..e]);
        s = e;
    }
    runs.par_iter()
        .map_init(
            || vec![0f32; vocabulary],
            |dense, run| {
                let a = run[0].0;
                for &(t, w) in &ranked[a].0 {
                    dense[t as usize] = w;
                }
                let out: Vec<StoryPair> = run
                    .iter()
                    .filter_map(|&(_, b)| {
                        let mut sum = 0.0f64;
                        for &(t, w) in &ranked[b].0 {
                            sum += dense[t as usize] as f64 * w as f64;
                        }
                        let (ta, tb) = (&ranked[a].1, &ranked[b].1);
                        let tail = if ta.is_empty() || tb.is_empty() {
                            0.0
                        } else {
                            tail_dot(ta, tb, |x| *x)
                        };
                        let similarity = (sum + tail).clamp(0.0, 1.0);
                        (similarity >= threshold).then_some(StoryPair { a, b, similarity })
                    })
                    .collect();
                for &(t, _) in &ranked[a].0 {
                    dense[t as usize] = 0.0;
                }
                out
            },
        )
        .flatten_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::story::vector::SEMANTIC_KEY;

    #[test]
    fn candidates_share_a_top_term_inside_the_window() {
        let v = |terms: &[u64]| {
            let w = 1.0 / (terms.len() as f32).sqrt();
            let mut t: Vec<(u64, f32)> = terms.iter().map(|&h| (h, w)).collect();
            t.sort_by_key(|x| x.0);
            TermVector(t)
        };
        let vectors = vec![v(&[1, 2]), v(&[1, 3]), v(&[1, 4]), v(&[5, 6]), v(&[1, 2])];
        let days = vec![Some(0.0), Some(2.5), Some(10.0), Some(0.0), None];
        let c = candidate_pairs(&vectors, &days, 2, Some(3.0));
        // 0–1 inside 3 days, 0–2 and 1–2 outside; 3 shares nothing; the undated 4 pairs with all.
        assert_eq!(c, vec![(0, 1), (0, 4), (1, 4), (2, 4)]);
        // Asymmetric lists lie between the symmetric ones: top-1 × top-2 holds every top-1
        // pair and only top-2 pairs.
        let narrow = candidate_pairs(&vectors, &days, 1, Some(3.0));
        let wide = candidate_pairs_wide(&vectors, &days, 1, 2, Some(3.0));
        assert!(narrow.iter().all(|p| wide.contains(p)));
        assert!(wide.iter().all(|p| c.contains(p)));
        assert_eq!(candidate_pairs_wide(&vectors, &days, 2, 2, Some(3.0)), c);
        let all = candidate_pairs(&vectors, &days, 2, None);
        assert!(all.contains(&(0, 2)) && all.contains(&(1, 2)));
        let scored = verify(&vectors, &all, 0.0);
        for p in &scored {
            assert_eq!(p.similarity, vectors[p.a].cosine(&vectors[p.b]));
        }
    }

    /// With LSA tails, verification, cosine and the blend agree: the dot product is the terms'
    /// part plus the tails' part, to the same bits, and top terms never list a dimension.
    #[test]
    fn lsa_tails_are_summed_alike_everywhere() {
        let v = |terms: &[(u64, f32)], tail: Option<[f32; 7]>| {
            let mut t: Vec<(u64, f32)> = terms.to_vec();
            if let Some(d) = tail {
                t.extend(
                    d.iter()
                        .enumerate()
                        .map(|(i, &x)| (SEMANTIC_KEY + i as u64, x)),
                );
            }
            TermVector(t)
        };
        let d1 = [0.3, 0.1, 0.2, 0.05, 0.1, 0.2, 0.15];
        let d2 = [0.1, 0.3, 0.2, 0.1, 0.05, 0.2, 0.1];
        let vectors = vec![
            v(&[(1, 0.5), (2, 0.4)], Some(d1)),
            v(&[(1, 0.3), (3, 0.6)], Some(d2)),
            v(&[(2, 0.7)], None),
        ];
        let expected = 0.5 * 0.3
            + d1.iter()
                .zip(&d2)
                .map(|(a, b)| *a as f64 * *b as f64)
                .sum::<f64>();
        let c = vectors[0].cosine(&vectors[1]);
        assert!((c - expected).abs() < 1e-6, "{c} vs {expected}");
        // An article without LSA terms meets the others on terms alone.
        assert!((vectors[0].cosine(&vectors[2]) - 0.4 * 0.7).abs() < 1e-6);
        let scored = verify(&vectors, &[(0, 1), (0, 2), (1, 2)], 0.0);
        assert_eq!(scored.len(), 3);
        for p in &scored {
            assert_eq!(p.similarity, vectors[p.a].cosine(&vectors[p.b]));
        }
        assert_eq!(vectors[0].top(5), vec![1, 2]);
    }
}
