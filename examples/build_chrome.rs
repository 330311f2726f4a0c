//! Builds the table of page-chrome lines (`models/chrome-lines-v2.txt.gz`, [`CHROME_MODEL`])
//! from news corpora: short lines found in many distinct articles on many distinct days.
//!
//! ```text
//! cargo run --release --example build_chrome -- ../shared/data/saudinewsnet.jsonl.gz \
//!     ../shared/data/antcorpus-multisource.jsonl.gz | gzip -n -9 > models/chrome-lines-v2.txt.gz
//! ```
//!
//! Each line of each article's text is keyed by [`line_key`] (normalized tokens); a line
//! counts once per distinct article text, with the article's source and day. Rows are sorted
//! by line, so one corpus always gives the same bytes.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use naql::corpus::{FieldMap, ReadOptions, read_all};
use naql::text::chrome::{
    CHROME_MODEL, TABLE_MAX_TOKENS, TABLE_MIN_DAYS, TABLE_MIN_DOCS, line_key,
};
use naql::text::default_normalizer;

#[derive(Default)]
struct Seen {
    docs: usize,
    sources: BTreeSet<String>,
    days: BTreeSet<String>,
}

fn main() {
    let inputs: Vec<String> = std::env::args().skip(1).collect();
    let (docs, _) = read_all(
        &inputs,
        &ReadOptions {
            fields: FieldMap::default(),
            skip_bad: true,
            progress: None,
            max_record_bytes: None,
        },
    )
    .expect("read corpora");
    let n = default_normalizer();
    let mut texts = HashSet::new();
    let mut lines: BTreeMap<String, Seen> = BTreeMap::new();
    for (d, _) in &docs {
        if !texts.insert(naql::hash::term_hash(d.text.as_bytes())) {
            continue;
        }
        let day = d
            .date
            .as_deref()
            .and_then(naql::date::epoch_days)
            .map_or(String::new(), |x| format!("{}", x.floor()));
        let mut in_doc = HashSet::new();
        for line in d.text.lines() {
            let key = line_key(n, line);
            let words = key.split(' ').count();
            // Numbers alone (list items, scores) say nothing about chrome.
            let number = key.chars().all(|c| c.is_ascii_digit() || c == ' ');
            if number || words > TABLE_MAX_TOKENS || !in_doc.insert(key.clone()) {
                continue;
            }
            let e = lines.entry(key).or_default();
            e.docs += 1;
            if let Some(s) = &d.source {
                e.sources.insert(s.clone());
            }
            e.days.insert(day.clone());
        }
    }
    println!("{CHROME_MODEL}");
    for (line, s) in &lines {
        if s.docs >= TABLE_MIN_DOCS && s.days.len() >= TABLE_MIN_DAYS {
            println!("{}\t{}\t{}\t{line}", s.docs, s.sources.len(), s.days.len());
        }
    }
}
