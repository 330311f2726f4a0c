//! `naql reuse` stages on real text: the seed index (seeding, document frequencies, candidate
//! pairs) over the SaudiNewsNet fixture sample (316 articles), and the alignment of one
//! AraPlagDet pair (suspicious document 0319 against its source 00084, a phrase-shuffled
//! passage) from its seed hits to passages.
//!
//!     cargo bench --bench reuse
//!
//! Whole-corpus timings (SaudiNewsNet, AraPlagDet dev) are measured with the release binary;
//! see BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use naql::reuse::{Config, Engine, Prepared, SeedIndex, hits, prepare, rectangles};
use naql::text::default_normalizer;
use naql::text::stem::Stopwords;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");

fn sample_texts() -> Vec<String> {
    let text = std::fs::read_to_string(format!("{FIXTURES}/saudinewsnet-sample.jsonl")).unwrap();
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["content"].as_str().unwrap_or("").to_string()
        })
        .collect()
}

fn seed_index(c: &mut Criterion) {
    let texts = sample_texts();
    let n = default_normalizer();
    let stop = Stopwords::new(n);
    let cfg = Config::default();
    c.bench_function("reuse seed index (316 articles)", |b| {
        b.iter(|| {
            let mut p: Vec<Prepared> = texts.iter().map(|t| prepare(t, n, &stop, 1)).collect();
            let align_df = (cfg.align_df_share * p.len() as f64) as usize;
            let index = SeedIndex::build(&p, cfg.max_df, align_df);
            for x in &mut p {
                index.restrict(x, cfg.max_repeats);
            }
            black_box(index.candidates(&p, cfg.min_shared).len())
        })
    });
    let docs: Vec<naql::Document> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| naql::Document {
            id: i.to_string(),
            text: t.clone(),
            ..Default::default()
        })
        .collect();
    let engine = Engine::new(cfg);
    c.bench_function("reuse whole run (316 articles)", |b| {
        b.iter(|| black_box(engine.run_documents(docs.clone()).links.len()))
    });
}

fn align(c: &mut Criterion) {
    let read = |p: &str| std::fs::read_to_string(format!("{FIXTURES}/araplagdet/{p}")).unwrap();
    let a = read("suspicious-documents/suspicious-document0319.txt");
    let b = read("source-documents/source-document00084.txt");
    let n = default_normalizer();
    let stop = Stopwords::new(n);
    let mut p = vec![prepare(&a, n, &stop, 1), prepare(&b, n, &stop, 1)];
    // Two documents: every seed they share is in both, so the index keeps them all.
    let cfg = Config::default();
    let index = SeedIndex::build(&p, 2, 2);
    for x in &mut p {
        index.restrict(x, cfg.max_repeats);
    }
    c.bench_function("reuse align one pair (hits + rectangles)", |bench| {
        bench.iter(|| {
            let h = hits(&p[0], &p[1], cfg.max_repeats);
            black_box(rectangles(h, cfg.gap as u32, cfg.min_seeds).len())
        })
    });
}

criterion_group!(benches, seed_index, align);
criterion_main!(benches);
