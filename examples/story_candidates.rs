//! Which candidate generator for story pairs is faster at equal recall: naql's inverted index
//! on each article's top-weighted terms, or weighted MinHash (ProbMinHash-style P-MinHash) with
//! LSH? Ground truth: every pair inside the date window whose cosine reaches the threshold,
//! found exactly by prefix filtering (each article indexes its heaviest terms until the rest
//! of its unit vector has norm below √t; two articles whose shared terms all lie in both rests
//! have cosine < √t·√t = t, so no qualifying pair is missed).
//!
//! ```text
//! cargo run --release --example story_candidates -- ../shared/data/saudinewsnet.jsonl.gz
//! ```

use std::collections::HashMap;
use std::time::Instant;

use naql::copy::fmix64;
use naql::corpus::{FieldMap, ReadOptions, read_all};
use naql::story::{StoryConfig, StoryModel, TermVector, candidate_pairs, candidate_pairs_wide};
use rayon::prelude::*;

fn within(days: &[Option<f64>], a: usize, b: usize, w: f64) -> bool {
    match (days[a], days[b]) {
        (Some(x), Some(y)) => (x - y).abs() <= w,
        _ => true,
    }
}

/// Exact pairs (a < b) with cosine ≥ t inside the window, by prefix filtering with the
/// max-weight bound (Bayardo, Ma & Srikant 2007): each article indexes all its terms except a
/// "suffix" whose possible contribution to any dot product, Σ x_t · max_y y_t, stays below t.
/// A pair reaching t must then share a term in one side's indexed part.
fn exact(vectors: &[TermVector], days: &[Option<f64>], t: f64, w: f64) -> Vec<(usize, usize)> {
    let mut maxw: HashMap<u64, f32> = HashMap::new();
    for v in vectors {
        for &(h, x) in &v.0 {
            let m = maxw.entry(h).or_default();
            *m = m.max(x);
        }
    }
    let mut index: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, v) in vectors.iter().enumerate() {
        let mut terms: Vec<(f64, u64)> =
            v.0.iter()
                .map(|&(h, x)| (x as f64 * maxw[&h] as f64, h))
                .collect();
        terms.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut bound = 0.0;
        for (c, h) in terms {
            bound += c;
            if bound >= t * 0.999 {
                index.entry(h).or_default().push(i);
            }
        }
    }
    let mut out: Vec<(usize, usize)> = vectors
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, v)| {
            let mut cands = Vec::new();
            for (h, _) in &v.0 {
                if let Some(list) = index.get(h) {
                    for &j in list {
                        if j != i && within(days, i, j, w) {
                            cands.push(j);
                        }
                    }
                }
            }
            cands.sort_unstable();
            cands.dedup();
            cands
                .into_iter()
                .filter(move |&j| vectors[i].cosine(&vectors[j]) >= t)
                .map(move |j| (i.min(j), i.max(j)))
        })
        .collect();
    out.par_sort_unstable();
    out.dedup();
    out
}

/// P-MinHash signature (sampled term per component, collision probability = probability
/// Jaccard) computed the ProbMinHash way: each term's exponential race is generated in
/// increasing order and stopped once it cannot change any component.
fn pminhash(v: &TermVector, m: usize) -> Vec<u64> {
    let mut h = vec![f64::INFINITY; m];
    let mut sig = vec![0u64; m];
    let mut max = f64::INFINITY;
    let mut terms = v.0.clone();
    terms.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for (term, w) in terms {
        let mut state = fmix64(term ^ 0x70_6d69_6e68);
        let rate = w as f64 * m as f64;
        let mut x = 0.0;
        loop {
            state = fmix64(state.wrapping_add(0x9E37_79B9_7F4A_7C15));
            let u = ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
            x += -u.ln() / rate;
            if x >= max {
                break;
            }
            let k = (((fmix64(state) >> 32) * m as u64) >> 32) as usize;
            if x < h[k] {
                let was_max = h[k] == max;
                h[k] = x;
                sig[k] = term;
                if was_max || max.is_infinite() {
                    max = h.iter().copied().fold(0.0, f64::max);
                }
            }
        }
    }
    sig
}

fn lsh_pairs(sigs: &[Vec<u64>], days: &[Option<f64>], rows: usize, w: f64) -> Vec<(usize, usize)> {
    let bands = sigs[0].len() / rows;
    let mut pairs: Vec<(usize, usize)> = (0..bands)
        .into_par_iter()
        .flat_map_iter(|b| {
            let mut keys: Vec<(u64, usize)> = sigs
                .iter()
                .enumerate()
                .filter(|(_, s)| s.iter().any(|&x| x != 0))
                .map(|(i, s)| {
                    let key = s[b * rows..(b + 1) * rows]
                        .iter()
                        .fold(b as u64, |k, &x| fmix64(k ^ x));
                    (key, i)
                })
                .collect();
            keys.sort_unstable();
            let mut out = Vec::new();
            let mut s = 0;
            while s < keys.len() {
                let e = s + keys[s..].iter().take_while(|k| k.0 == keys[s].0).count();
                for x in s..e {
                    for y in x + 1..e {
                        let (a, c) = (keys[x].1, keys[y].1);
                        if within(days, a, c, w) {
                            out.push((a.min(c), a.max(c)));
                        }
                    }
                }
                s = e;
            }
            out
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

fn recall(found: &[(usize, usize)], truth: &[(usize, usize)]) -> f64 {
    let hit = truth
        .iter()
        .filter(|p| found.binary_search(p).is_ok())
        .count();
    hit as f64 / truth.len().max(1) as f64
}

fn main() {
    let corpus = std::env::args().nth(1).expect("corpus path");
    let (docs, _) = read_all(
        &[corpus],
        &ReadOptions {
            fields: FieldMap::default(),
            skip_bad: true,
            progress: None,
            max_record_bytes: None,
        },
    )
    .expect("read corpus");
    let docs: Vec<_> = docs.into_iter().map(|(d, _)| d).collect();
    let config = StoryConfig::default();
    let (t, w) = (
        config.threshold,
        config.window_days.unwrap_or(f64::INFINITY),
    );
    let model = StoryModel::from_documents(config, &docs);
    let vectors: Vec<TermVector> = docs
        .par_iter()
        .map(|d| model.vector(d.title.as_deref(), &d.text))
        .collect();
    let days: Vec<Option<f64>> = docs
        .iter()
        .map(|d| d.date.as_deref().and_then(naql::date::epoch_days))
        .collect();
    let clock = Instant::now();
    // The exact pass is slow (minutes): cached beside the system's temporary files.
    let cache =
        std::env::temp_dir().join(format!("naql-story-truth-{}-{t}-{w}.txt", vectors.len()));
    let truth: Vec<(usize, usize)> = match std::fs::read_to_string(&cache) {
        Ok(s) => s
            .lines()
            .map(|l| {
                let (a, b) = l.split_once(' ').expect("pair");
                (a.parse().expect("index"), b.parse().expect("index"))
            })
            .collect(),
        Err(_) => {
            let truth = exact(&vectors, &days, t, w);
            let text: String = truth.iter().map(|(a, b)| format!("{a} {b}\n")).collect();
            std::fs::write(&cache, text).expect("write cache");
            truth
        }
    };
    println!(
        "{} articles; {} pairs with cosine ≥ {t} within {w} days (exact, prefix filtering: {:.2} s)",
        vectors.len(),
        truth.len(),
        clock.elapsed().as_secs_f64()
    );
    println!("method | candidates | recall | candidates + verify (s)");
    let verify = |c: &[(usize, usize)]| -> usize {
        c.par_iter()
            .filter(|&&(a, b)| vectors[a].cosine(&vectors[b]) >= t)
            .count()
    };
    for k in [4, 6, 8, 12, 16] {
        let clock = Instant::now();
        let c = candidate_pairs(&vectors, &days, k, Some(w));
        let _ = verify(&c);
        let secs = clock.elapsed().as_secs_f64();
        println!(
            "top-{k} term index | {} | {:.4} | {secs:.2}",
            c.len(),
            recall(&c, &truth)
        );
    }
    for (k, wide) in [(8, 24), (12, 24), (12, 36), (16, 32)] {
        let clock = Instant::now();
        let c = candidate_pairs_wide(&vectors, &days, k, wide, Some(w));
        let _ = verify(&c);
        let secs = clock.elapsed().as_secs_f64();
        println!(
            "top-{k} × top-{wide} term index | {} | {:.4} | {secs:.2}",
            c.len(),
            recall(&c, &truth)
        );
    }
    if std::env::var_os("NAQL_SKIP_MINHASH").is_some() {
        return;
    }
    for (m, rows) in [(128, 2), (256, 2), (256, 3)] {
        let clock = Instant::now();
        let sigs: Vec<Vec<u64>> = vectors.par_iter().map(|v| pminhash(v, m)).collect();
        let sign = clock.elapsed().as_secs_f64();
        let c = lsh_pairs(&sigs, &days, rows, w);
        let _ = verify(&c);
        let secs = clock.elapsed().as_secs_f64();
        println!(
            "P-MinHash m={m}, LSH {}x{rows} | {} | {:.4} | {secs:.2} (signing {sign:.2})",
            m / rows,
            c.len(),
            recall(&c, &truth)
        );
    }
}
