//! `naql collate` on a 10-report input, all real Arabic text: the five seed reports and the
//! five ANT reports of fixtures/collate/ant-azaria.jsonl (47 KB, about 230 sentences).
//!
//!     cargo bench --bench collate
//!
//! `collate 10` is the library alone (sentences, names, links, facts); `+json` and `+html`
//! include rendering, as `naql collate --format json|html` does after reading.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use naql::collate::{Collator, Report};
use naql::render::collate as view;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// `(id, text)` of the ten reports.
fn texts() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut seeds: Vec<_> = std::fs::read_dir(format!("{ROOT}/fixtures/seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    seeds.sort();
    for p in seeds {
        let id = p.file_name().unwrap().to_string_lossy().into_owned();
        out.push((id, std::fs::read_to_string(&p).unwrap()));
    }
    let ant = std::fs::read_to_string(format!("{ROOT}/fixtures/collate/ant-azaria.jsonl")).unwrap();
    for line in ant.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        out.push((
            v["docno"].as_str().unwrap().to_owned(),
            v["text"].as_str().unwrap().to_owned(),
        ));
    }
    assert_eq!(out.len(), 10);
    out
}

fn bench(c: &mut Criterion) {
    let docs = texts();
    let reports: Vec<Report> = docs.iter().map(|(id, t)| Report::new(id, t)).collect();
    let collator = Collator::default();
    // The embedded background table is parsed once per process, before the first collation.
    collator.collate(&reports);
    c.bench_function("collate 10", |b| {
        b.iter(|| black_box(collator.collate(black_box(&reports))))
    });
    c.bench_function("collate 10 +json", |b| {
        b.iter(|| {
            let c = collator.collate(&reports);
            let mut out = Vec::new();
            view::json(&mut out, &reports, &c).unwrap();
            black_box(out)
        })
    });
    c.bench_function("collate 10 +html", |b| {
        b.iter(|| {
            let c = collator.collate(&reports);
            let mut out = Vec::new();
            view::html(&mut out, "bench", &reports, &c, "").unwrap();
            black_box(out)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
