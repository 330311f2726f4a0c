//! Scheduled dedup against everything seen before: create an index once, then check each new
//! batch against it and add it, as `naql dedup --index` does under cron.
//!
//!     cargo run --example scheduled_dedup -- fixtures/saudinewsnet-sample.jsonl
use std::time::Duration;

use naql::CopyConfig;
use naql::corpus::{Document, Item, ReadOptions, read_with};
use naql::index::{Access, DedupOptions, History, Index};

fn main() -> Result<(), naql::Error> {
    let input = std::env::args()
        .nth(1)
        .unwrap_or("fixtures/saudinewsnet-sample.jsonl".into());
    let dir = std::env::temp_dir().join(format!("naql-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let path = dir.join("seen.naql");
    // The parameters are fixed for the index's lifetime; later batches are checked against them.
    drop(Index::create(
        &path,
        &CopyConfig::default(),
        History::Estimate,
    )?);
    let (docs, _) = read_with(&[input], &ReadOptions::default(), |d| d)?;
    let mut first: Vec<Item<Document>> = docs;
    let second = first.split_off(first.len() / 2);
    let mut index = Index::open(&path, Access::ReadWrite, Duration::from_secs(60))?;
    for (day, batch) in [first, second].into_iter().enumerate() {
        let prepared = index.prepare(batch);
        let out = index.dedup(prepared, &DedupOptions::default())?;
        let copies = out
            .verdicts
            .iter()
            .filter(|v| !v.matches.is_empty())
            .count();
        println!(
            "batch {day}: {} documents, {copies} copy an earlier or batch document, {} added",
            out.verdicts.len(),
            out.added
        );
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}
