//! Exact ground truth for the peer comparison (`benches/peers/`): every pair of documents whose
//! exact Jaccard over naql's word-shingle sets reaches the threshold, written as JSONL
//! `{"a","b","jaccard"}` (document ids, `a` before `b` in input order, Jaccard rounded to 4
//! decimals like `naql pairs`). A JSON summary (documents with words, empty documents, distinct
//! shingles summed over documents, pairs) goes to stdout.
//!
//! The shingles are the ones `naql pairs --keep-datelines --boilerplate-min-docs 0` uses: the
//! default normalization, no dateline removal, no boilerplate removal, so that naql and the
//! Python peers (which have neither) see the same sets. Pairs are found with an inverted index
//! over all shingles (`naql::copy::exact_pairs`, as in `examples/recall.rs`): no pair is skipped.
//!
//!     cargo run --release --example ground_truth -- CORPUS OUT.jsonl [--ngram 5] [--threshold 0.8]

use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

use naql::copy::Shingling;
use naql::copy::{Config, Engine};
use naql::corpus::ReadOptions;
use rayon::prelude::*;

const USAGE: &str = "usage: ground_truth CORPUS OUT.jsonl [--ngram N] [--threshold T]";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut positional = Vec::new();
    let (mut ngram, mut threshold) = (5usize, 0.8f64);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--ngram" => ngram = it.next().and_then(|v| v.parse().ok()).expect(USAGE),
            "--threshold" => threshold = it.next().and_then(|v| v.parse().ok()).expect(USAGE),
            _ => positional.push(a.clone()),
        }
    }
    let [input, output] = positional.as_slice() else {
        panic!("{USAGE}");
    };

    let mut config = Config {
        threshold,
        datelines: false,
        boilerplate_min_docs: 0,
        ..Config::default()
    };
    config.signer.shingling = Shingling::Words(ngram);
    let engine = Engine::new(config);
    let start = Instant::now();
    let (docs, skipped) = engine
        .sign_inputs(std::slice::from_ref(input), &ReadOptions::default())
        .expect("read");
    assert!(skipped.is_empty(), "bad records: {skipped:?}");

    let signer = engine.config.signer;
    let sets: Vec<Vec<u64>> = docs
        .par_iter()
        .map(|d| signer.shingle_set(&d.kept()))
        .collect();
    let truth = naql::copy::exact_pairs(&sets, threshold);

    let mut w = BufWriter::new(File::create(output).expect("create output"));
    for &(a, b, jaccard) in &truth {
        let line = serde_json::json!({
            "a": docs[a].info.id,
            "b": docs[b].info.id,
            "jaccard": (jaccard * 1e4).round() / 1e4,
        });
        writeln!(w, "{line}").expect("write");
    }
    w.flush().expect("write");
    let empty = sets.iter().filter(|s| s.is_empty()).count();
    let shingles: usize = sets.iter().map(Vec::len).sum();
    // For the comparison script: the peers' shingle sets must add up to the same counts.
    println!(
        "{}",
        serde_json::json!({
            "documents": docs.len() - empty,
            "empty": empty,
            "shingles": shingles,
            "pairs": truth.len(),
        })
    );
    eprintln!(
        "ground truth: {} documents ({} empty), {}-word shingles, J >= {}: {} pairs in {:.2} s (datelines kept, boilerplate kept)",
        docs.len(),
        empty,
        ngram,
        threshold,
        truth.len(),
        start.elapsed().as_secs_f64()
    );
}
