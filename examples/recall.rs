//! LSH recall and precision of `naql cluster` against exact ground truth.
//!
//! Ground truth: every pair of documents whose exact Jaccard over the same shingle sets naql
//! uses (after normalization, datelines and boilerplate) reaches the threshold, found by an
//! inverted index over all shingles (exact: no pair is skipped).
//!
//!     cargo run --release --example recall -- ../shared/data/saudinewsnet.jsonl.gz [--ngram N] 0.5 0.8

use std::collections::HashSet;
use std::time::Instant;

use naql::copy::{Config, Engine};
use naql::corpus::ReadOptions;
use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (input, rest) = args
        .split_first()
        .expect("usage: recall CORPUS [--ngram N] T...");
    let (ngram, thresholds) = match rest {
        [flag, n, ts @ ..] if flag == "--ngram" => (n.parse().expect("n"), ts),
        ts => (3, ts),
    };
    for t in thresholds {
        let threshold: f64 = t.parse().expect("threshold");
        let mut config = Config {
            threshold,
            ..Config::default()
        };
        config.signer.shingling = naql::copy::Shingling::Words(ngram);
        let engine = Engine::new(config);
        let start = Instant::now();
        let out = engine
            .run_inputs(std::slice::from_ref(input), &ReadOptions::default())
            .expect("read");
        let elapsed = start.elapsed();
        let found: HashSet<(usize, usize)> = out.all_pairs().iter().map(|p| (p.a, p.b)).collect();

        let signer = engine.config.signer;
        let sets: Vec<Vec<u64>> = out
            .docs
            .par_iter()
            .map(|d| signer.shingle_set(&d.kept()))
            .collect();
        let truth: Vec<(usize, usize)> = naql::copy::exact_pairs(&sets, threshold)
            .into_iter()
            .map(|(a, b, _)| (a, b))
            .collect();
        let truth_set: HashSet<(usize, usize)> = truth.iter().copied().collect();
        let hit = found.intersection(&truth_set).count();
        let cross_outlet = truth
            .iter()
            .filter(|(a, b)| out.docs[*a].info.source != out.docs[*b].info.source)
            .count();
        println!(
            "n={ngram} threshold {threshold}: LSH {}x{} P(cand|J=t)={:.3} | ground truth {} pairs ({} cross-outlet) | naql {} pairs, {} true | recall {:.4} precision {:.4} | candidates {} | naql run {:.2}s",
            out.lsh.bands,
            out.lsh.rows,
            out.lsh.p_at_threshold,
            truth.len(),
            cross_outlet,
            found.len(),
            hit,
            hit as f64 / truth.len().max(1) as f64,
            hit as f64 / found.len().max(1) as f64,
            out.stats.candidate_pairs,
            elapsed.as_secs_f64()
        );
        let missed: Vec<_> = truth
            .iter()
            .filter(|p| !found.contains(p))
            .take(5)
            .collect();
        for (a, b) in missed {
            let o = naql::copy::Overlap::of(&sets[*a], &sets[*b]);
            println!(
                "  missed {} ~ {}: J={:.3} est={:.3} sizes {} {}",
                out.docs[*a].info.id,
                out.docs[*b].info.id,
                o.jaccard,
                out.docs[*a].signature.jaccard(&out.docs[*b].signature),
                sets[*a].len(),
                sets[*b].len()
            );
        }
    }
}
