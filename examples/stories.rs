//! Group reports of the same story, then see how two outlets told it: the story level and
//! the sentence aligner from the library alone.
//!
//!     cargo run --example stories -- fixtures/seeds fixtures/saudinewsnet-sample.jsonl
use std::collections::HashMap;

use naql::{Comparer, CopyConfig, ReadOptions, StoryConfig, StoryEngine};

fn main() -> Result<(), naql::Error> {
    let mut inputs: Vec<String> = std::env::args().skip(1).collect();
    if inputs.is_empty() {
        inputs = vec![
            "fixtures/seeds".into(),
            "fixtures/saudinewsnet-sample.jsonl".into(),
        ];
    }
    let (docs, _) = naql::corpus::read_all(&inputs, &ReadOptions::default())?;
    let texts: HashMap<String, String> = docs
        .iter()
        .map(|(d, _)| (d.id.clone(), d.text.clone()))
        .collect();
    let story = StoryConfig::default();
    story.validate()?;
    // No IDF table: document frequencies come from the inputs themselves.
    let mut engine = StoryEngine::new(CopyConfig::default(), story, None);
    let out = engine.run_documents(docs.into_iter().map(|(d, _)| d).collect());
    println!("{} stories", out.stories.len());
    let Some(first) = out.stories.first() else {
        return Ok(());
    };
    let terms: Vec<&str> = first.terms.iter().map(|(t, _)| t.as_str()).collect();
    println!(
        "story 1: {} reports, terms {}",
        first.size,
        terms.join(" · ")
    );
    // One article of each of its first two copy groups, aligned sentence by sentence.
    let id = |g: usize| {
        first
            .groups
            .get(g)
            .map(|g| &out.copy.docs[g.members[0].doc].info.id)
    };
    if let (Some(a), Some(b)) = (id(0), id(1)) {
        let cmp = Comparer::default().compare(&texts[a], &texts[b]);
        println!(
            "{a} ↔ {b}: {} sentence rows, {} shared",
            cmp.rows.len(),
            cmp.rows.iter().filter(|r| r.is_shared()).count()
        );
    }
    Ok(())
}
