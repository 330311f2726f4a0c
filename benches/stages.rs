//! Per-stage throughput on real Arabic text (the SaudiNewsNet fixture sample).
//!
//!     cargo bench --bench stages
//!
//! `sign` is the library's signing path (normalize + shingle + MinHash) measured in bytes of
//! input text per second on one core; the stages before it split that cost. `lsh candidates`
//! bands every SaudiNewsNet signature and lists the colliding pairs (both cores), and `cluster`
//! runs every stage in memory on the fixture.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

use naql::copy::Signer;
use naql::copy::{Config, Engine};
use naql::corpus::{ReadOptions, read_all};
use naql::text::default_normalizer;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/saudinewsnet-sample.jsonl"
);
const SAUDI: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/saudinewsnet.jsonl.gz"
);

fn texts() -> Vec<String> {
    let (docs, _) = read_all(&[SAMPLE.to_string()], &ReadOptions::default()).expect("fixture");
    docs.into_iter().map(|(d, _)| d.text).collect()
}

fn stages(c: &mut Criterion) {
    let texts = texts();
    let bytes: usize = texts.iter().map(String::len).sum();
    let n = default_normalizer();
    let signer = Signer::default();
    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("normalize", |b| {
        b.iter(|| {
            let mut count = 0usize;
            for t in &texts {
                n.for_each_token_bytes(t, |tok, _| count += tok.len());
            }
            black_box(count)
        })
    });
    g.bench_function("normalize+hash", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for t in &texts {
                n.for_each_token_hash(t, |h, _| acc ^= h);
            }
            black_box(acc)
        })
    });
    let units: Vec<Vec<u64>> = texts
        .iter()
        .map(|t| {
            let mut u = Vec::new();
            signer.units(n, t, &mut u);
            u
        })
        .collect();
    g.bench_function("shingle (keys from token hashes)", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for u in &units {
                signer.for_each_shingle(u, |k| acc ^= k);
            }
            black_box(acc)
        })
    });
    g.bench_function("shingle+minhash (token hashes given)", |b| {
        b.iter(|| {
            for u in &units {
                black_box(signer.sign_units(u));
            }
        })
    });
    g.bench_function("sign", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(signer.sign(n, t));
            }
        })
    });
    // LSH build + query (all candidate pairs) over every SaudiNewsNet signature when the shared
    // data is there (a realistic bucket distribution), else over the fixture.
    let corpus = if std::path::Path::new(SAUDI).exists() {
        SAUDI
    } else {
        SAMPLE
    };
    let engine = Engine::new(Config::default());
    let sigs: Vec<naql::copy::Signature> = engine
        .sign_inputs(&[corpus.to_string()], &ReadOptions::default())
        .expect("corpus")
        .0
        .into_iter()
        .map(|d| d.signature)
        .filter(|s| !s.is_empty())
        .collect();
    let refs: Vec<&naql::copy::Signature> = sigs.iter().collect();
    let lsh = engine.config.lsh();
    g.throughput(Throughput::Elements(refs.len() as u64));
    g.sample_size(20);
    let name = format!(
        "lsh candidates ({} signatures, {}x{})",
        refs.len(),
        lsh.bands,
        lsh.rows
    );
    g.bench_function(name, |b| {
        b.iter(|| black_box(naql::copy::candidate_pairs(&refs, &lsh).len()))
    });
    let docs: Vec<naql::corpus::Document> =
        read_all(&[SAMPLE.to_string()], &ReadOptions::default())
            .expect("fixture")
            .0
            .into_iter()
            .map(|(d, _)| d)
            .collect();
    g.throughput(Throughput::Elements(docs.len() as u64));
    g.bench_function("cluster (in memory, all stages)", |b| {
        b.iter(|| black_box(engine.run_documents(docs.clone()).clusters.len()))
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
