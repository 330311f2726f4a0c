//! Evidence for the default shingle size: for each n, how similar unrelated articles look,
//! how similar the five same-story seed reports look, and how similar a lightly rewritten copy
//! stays to its original.
//!
//!     cargo run --release --example ngram_evidence -- ../shared/data/saudinewsnet.jsonl.gz fixtures/seeds
//!
//! A good n keeps the first two near 0 (so a copy threshold is not reached by chance or by a
//! shared topic) while the third stays high (so rewritten copies are still found).

use naql::copy::{Config, Engine};
use naql::copy::{Overlap, Shingling, Signer};
use naql::corpus::ReadOptions;

#[path = "../tests/common/mod.rs"]
mod common;
use common::Rng;

fn quantile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let engine = Engine::new(Config::default());
    let corpus = engine
        .run_inputs(&args[..1], &ReadOptions::default())
        .expect("corpus");
    let seeds = engine
        .run_inputs(&args[1..2], &ReadOptions::default())
        .expect("seeds");
    let units: Vec<Vec<u64>> = corpus.docs.iter().map(|d| d.kept().into_owned()).collect();
    let days: Vec<u64> = corpus
        .docs
        .iter()
        .map(|d| {
            d.info
                .date
                .as_deref()
                .and_then(naql::date::sort_key)
                .unwrap_or(0)
                / 1_000_000
        })
        .collect();
    let mut rng = Rng(42);

    // Unrelated: pairs of non-trivial articles published at least three days apart.
    let long: Vec<usize> = (0..units.len()).filter(|&i| units[i].len() >= 50).collect();
    let mut unrelated = Vec::new();
    while unrelated.len() < 20_000 {
        let (a, b) = (long[rng.below(long.len())], long[rng.below(long.len())]);
        if days[a].abs_diff(days[b]) >= 3 {
            unrelated.push((a, b));
        }
    }
    // Rewrites: 300 long articles with 5% or 10% of their words replaced by random words.
    let originals: Vec<usize> = long
        .iter()
        .copied()
        .filter(|&i| units[i].len() >= 150)
        .take(300)
        .collect();
    let rewrite = |rng: &mut Rng, i: usize, p: f64| -> Vec<u64> {
        units[i]
            .iter()
            .map(|&t| {
                if (rng.next() % 10_000) as f64 / 10_000.0 < p {
                    let o = &units[long[rng.below(long.len())]];
                    o[rng.below(o.len())]
                } else {
                    t
                }
            })
            .collect()
    };
    let rewrites5: Vec<(usize, Vec<u64>)> = originals
        .iter()
        .map(|&i| (i, rewrite(&mut rng, i, 0.05)))
        .collect();
    let rewrites10: Vec<(usize, Vec<u64>)> = originals
        .iter()
        .map(|&i| (i, rewrite(&mut rng, i, 0.10)))
        .collect();
    let seed_units: Vec<Vec<u64>> = seeds.docs.iter().map(|d| d.kept().into_owned()).collect();

    println!(
        "| n | unrelated p99.9 | unrelated max | unrelated ≥ 0.3 | seeds max | 5% rewrite mean (p5) | 10% rewrite mean (p5) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for n in 1..=8 {
        let s = Signer {
            shingling: Shingling::Words(n),
            ..Signer::default()
        };
        let j = |a: &[u64], b: &[u64]| Overlap::of(&s.shingle_set(a), &s.shingle_set(b)).jaccard;
        let mut un: Vec<f64> = unrelated
            .iter()
            .map(|&(a, b)| j(&units[a], &units[b]))
            .collect();
        let over = un.iter().filter(|&&x| x >= 0.3).count();
        let max = un.iter().cloned().fold(0.0, f64::max);
        let p999 = quantile(&mut un, 0.999);
        let mut seed_max: f64 = 0.0;
        for a in 0..seed_units.len() {
            for b in a + 1..seed_units.len() {
                seed_max = seed_max.max(j(&seed_units[a], &seed_units[b]));
            }
        }
        let stats = |rw: &[(usize, Vec<u64>)]| {
            let mut v: Vec<f64> = rw.iter().map(|(i, r)| j(&units[*i], r)).collect();
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            (mean, quantile(&mut v, 0.05))
        };
        let (m5, p5) = stats(&rewrites5);
        let (m10, p10) = stats(&rewrites10);
        println!(
            "| {n} | {p999:.3} | {max:.3} | {over} / 20000 | {seed_max:.3} | {m5:.3} ({p5:.3}) | {m10:.3} ({p10:.3}) |"
        );
    }
}
