//! Linking large groups of near-copies (`Verdict::sampled`) must give the verdicts' clusters,
//! statuses and merges that verifying every candidate gives. The corpus: three families of
//! near-copies of real seed articles (one word changed per copy, a few more words drifting
//! every 40 copies, so a family is a chain rather than a clique), exact copies among them,
//! a fifth of them dated, shuffled, in two batches (the second against history).

use std::path::Path;

use naql::Document;
use naql::copy::Config;
use naql::corpus::{Item, Origin};
use naql::index::{DedupOptions, History, Index, Status, Verdict};

/// A small deterministic generator (the test needs no statistics, only a fixed shuffle).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

fn corpus() -> Vec<Document> {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds");
    let mut files: Vec<_> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut docs: Vec<Document> = Vec::new();
    for (fam, file) in files.iter().take(3).enumerate() {
        let text = std::fs::read_to_string(file).unwrap();
        let base: Vec<&str> = text.split_whitespace().take(250).collect();
        for k in 0..400 {
            let mut words: Vec<String> = base.iter().map(|w| w.to_string()).collect();
            for j in 0..(k / 40) * 5 {
                let at = (j * 11) % words.len();
                words[at] = format!("تغير{fam}x{j}");
            }
            let at = (k * 7) % words.len();
            words[at] = format!("زائد{k}");
            let text = match docs.last() {
                Some(prev) if k % 37 == 0 => prev.text.clone(),
                _ => words.join(" "),
            };
            docs.push(Document {
                id: format!("f{fam}-{k:04}"),
                source: Some(format!("outlet{}", k % 4)),
                date: (k % 5 == 0).then(|| format!("2022-01-{:02}", 1 + k % 20)),
                title: None,
                text,
            });
        }
    }
    let mut rng = Lcg(42);
    for i in (1..docs.len()).rev() {
        docs.swap(i, rng.below(i + 1));
    }
    docs
}

fn items(docs: &[Document]) -> Vec<Item<Document>> {
    docs.iter()
        .enumerate()
        .map(|(line, d)| Item {
            id: d.id.clone(),
            origin: Origin {
                file: "-".into(),
                line: line as u64 + 1,
            },
            value: d.clone(),
        })
        .collect()
}

/// Both batches' verdicts with the given bound.
fn run(dir: &Path, history: History, large_group: usize) -> Vec<Verdict> {
    let path = dir.join(format!("{history:?}-{large_group}.naql"));
    let mut index = Index::create(&path, &Config::default(), history).unwrap();
    let options = DedupOptions {
        large_group,
        large_history: large_group.saturating_mul(4),
        ..DedupOptions::default()
    };
    let docs = corpus();
    let (first, second) = docs.split_at(700);
    let mut verdicts = Vec::new();
    for batch in [first, second] {
        let prepared = index.prepare(items(batch));
        verdicts.extend(index.dedup(prepared, &options).unwrap().verdicts);
    }
    verdicts
}

#[test]
fn linking_large_groups_gives_the_clusters_of_verifying_every_candidate() {
    let dir = tempfile::tempdir().unwrap();
    for history in [History::Estimate, History::Exact] {
        let all = run(dir.path(), history, usize::MAX);
        let linked = run(dir.path(), history, 2);
        assert_eq!(all.len(), 1200);
        let sampled = linked.iter().filter(|v| v.sampled).count();
        assert!(sampled > 600, "{history:?}: only {sampled} linked");
        assert!(all.iter().all(|v| !v.sampled));
        let merges = all.iter().filter(|v| !v.merged.is_empty()).count();
        assert!(merges > 0, "{history:?}: the corpus should bridge clusters");
        for (a, b) in all.iter().zip(&linked) {
            assert_eq!(a.id, b.id);
            let what = (&a.status, a.cluster, &a.merged);
            assert_eq!(
                what,
                (&b.status, b.cluster, &b.merged),
                "{history:?} {}",
                a.id
            );
            if b.sampled {
                // Listed matches are verified ones: each is among the full run's matches
                // whenever the full run listed them all.
                assert!(b.match_count.is_none());
                assert!(!b.matches.is_empty() || b.status == Status::New, "{}", b.id);
                if a.match_count.is_none() {
                    for m in &b.matches {
                        assert!(a.matches.iter().any(|x| x.id == m.id), "{}: {}", b.id, m.id);
                    }
                }
            }
        }
    }
}
