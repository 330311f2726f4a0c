//! Cluster the copies in a corpus with the library alone (no CLI): read a JSONL file (fields
//! detected as `naql cluster` does), run the copy engine, print each cluster's outlets.
//!
//!     cargo run --example cluster_copies -- fixtures/saudinewsnet-sample.jsonl
use naql::{CopyConfig, CopyEngine, ReadOptions};

fn main() -> Result<(), naql::Error> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or("fixtures/saudinewsnet-sample.jsonl".into());
    // 3-word shingles at Jaccard 0.8: wire copy republished with small edits.
    let config = CopyConfig {
        threshold: 0.8,
        ..CopyConfig::default()
    };
    config.validate()?;
    let engine = CopyEngine::new(config);
    let out = engine.run_inputs(&[path], &ReadOptions::default())?;
    println!(
        "{} documents, {} clusters, {} singletons",
        out.stats.documents, out.stats.clusters, out.stats.singletons
    );
    for c in out.clusters.iter().take(5) {
        let rep = &out.docs[c.representative].info;
        let outlets: Vec<&str> = c
            .members
            .iter()
            .filter_map(|m| out.docs[m.doc].info.source.as_deref())
            .collect();
        println!(
            "#{} first carried by {:?}: {}",
            c.id,
            rep.source,
            outlets.join(", ")
        );
    }
    Ok(())
}
