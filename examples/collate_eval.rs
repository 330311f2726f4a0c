//! Fact links, measured: precision and recall of `naql collate`'s links (and, as the baseline,
//! of the sentence pairs `naql diff` aligns over every pair of reports) against hand labels.
//!
//! ```text
//! cargo run --release --example collate_eval -- fixtures/collate/*.tsv
//! cargo run --release --example collate_eval -- dump fixtures/seeds > seeds.tsv   # to label
//! ```
//!
//! A label file names its input (`#input<TAB>path`, relative to the working directory) and
//! holds one row per sentence as `naql::text::sentences` cuts it: `doc<TAB>index<TAB>facts
//! <TAB>text`. `facts` is a comma-separated list of fact tags (empty: the sentence shares no
//! fact; `-`: page chrome). Two sentences of different reports that share a tag state the same
//! fact: that pair is gold. A link counts as right when its pair is gold. The text column is
//! checked against the input, so a change of sentence cutting fails loudly instead of scoring
//! wrong pairs.

use std::collections::{BTreeMap, BTreeSet};

use naql::collate::{Collator, Report};
use naql::corpus::{Document, ReadOptions};
use naql::diff::Comparer;

type Pair = (usize, usize, usize, usize);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("dump") => dump(&args[1..]),
        Some(_) => score(&args),
        None => panic!("usage: collate_eval LABELS.tsv... | collate_eval dump INPUT..."),
    }
}

fn read(inputs: &[String]) -> Vec<Document> {
    let (items, _) = naql::corpus::read_with(inputs, &ReadOptions::default(), |d| d)
        .unwrap_or_else(|e| panic!("{e}"));
    items.into_iter().map(|i| i.value).collect()
}

/// The options, with `MIN_SCORE`, `MIN_CONTAINED`, `MIN_SHARED` from the environment when set
/// (for sensitivity runs).
fn collator() -> Collator {
    let mut o = naql::collate::Options::default();
    let var = |k: &str| std::env::var(k).ok().map(|v| v.parse::<f64>().expect(k));
    if let Some(v) = var("MIN_SCORE") {
        o.min_score = v;
    }
    if let Some(v) = var("MIN_CONTAINED") {
        o.min_contained = v;
    }
    if let Some(v) = var("MIN_TOP") {
        o.min_top = v;
    }
    if let Some(v) = var("RELATIVE") {
        o.relative = v;
    }
    if let Some(v) = var("MIN_SHARED") {
        o.min_shared = v as usize;
    }
    Collator::new(o)
}

fn reports(docs: &[Document]) -> Vec<Report<'_>> {
    docs.iter()
        .map(|d| Report {
            id: &d.id,
            source: d.source.as_deref(),
            date: d.date.as_deref(),
            text: &d.text,
        })
        .collect()
}

/// One row per sentence, facts left to fill in (chrome marked `-`).
fn dump(inputs: &[String]) {
    for i in inputs {
        println!("#input\t{i}");
    }
    let docs = read(inputs);
    let c = Collator::default().collate(&reports(&docs));
    for (r, d) in docs.iter().enumerate() {
        for (s, sent) in c.sentences[r].iter().enumerate() {
            let text = d.text[sent.span.clone()].replace(['\t', '\n'], " ");
            let tag = if sent.chrome { "-" } else { "" };
            println!("{}\t{s}\t{tag}\t{text}", d.id);
        }
    }
}

struct Labels {
    inputs: Vec<String>,
    /// (doc id, sentence index) → tags.
    tags: BTreeMap<(String, usize), Vec<String>>,
    texts: BTreeMap<(String, usize), String>,
}

fn labels(path: &str) -> Labels {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut l = Labels {
        inputs: Vec::new(),
        tags: BTreeMap::new(),
        texts: BTreeMap::new(),
    };
    for (n, row) in text.lines().enumerate() {
        if let Some(input) = row.strip_prefix("#input\t") {
            l.inputs.push(input.to_owned());
            continue;
        }
        if row.starts_with('#') || row.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = row.splitn(4, '\t').collect();
        let [doc, s, tags, t] = f[..] else {
            panic!("{path}:{}: want doc<TAB>index<TAB>facts<TAB>text", n + 1)
        };
        let s: usize = s
            .parse()
            .unwrap_or_else(|_| panic!("{path}:{}: index", n + 1));
        let tags = tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty() && *t != "-")
            .map(str::to_owned)
            .collect();
        l.tags.insert((doc.to_owned(), s), tags);
        l.texts.insert((doc.to_owned(), s), t.to_owned());
    }
    l
}

/// Gold pairs: sentences of different reports sharing a tag, as (report, sentence, report,
/// sentence) with the first report lower.
fn gold(l: &Labels, docs: &[Document]) -> BTreeSet<Pair> {
    let at: BTreeMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let mut by_tag: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for ((doc, s), tags) in &l.tags {
        let r = *at
            .get(doc.as_str())
            .unwrap_or_else(|| panic!("no document {doc}"));
        for t in tags {
            by_tag.entry(t).or_default().push((r, *s));
        }
    }
    let mut out = BTreeSet::new();
    for members in by_tag.values() {
        for &(ra, sa) in members {
            for &(rb, sb) in members {
                if ra < rb {
                    out.insert((ra, sa, rb, sb));
                }
            }
        }
    }
    out
}

/// The sentence pairs `naql diff` aligns, over every pair of reports: each shared row pairs
/// every sentence of its A side with every sentence of its B side.
fn diff_pairs(docs: &[Document], sents: &[Vec<std::ops::Range<usize>>]) -> BTreeSet<Pair> {
    let cmp = Comparer::default();
    let mut out = BTreeSet::new();
    let inside = |r: usize, span: &std::ops::Range<usize>| -> Vec<usize> {
        (0..sents[r].len())
            .filter(|&s| sents[r][s].start >= span.start && sents[r][s].end <= span.end)
            .collect()
    };
    for ra in 0..docs.len() {
        for rb in ra + 1..docs.len() {
            let c = cmp.compare(&docs[ra].text, &docs[rb].text);
            for row in c.rows.iter().filter(|r| r.is_shared()) {
                let (Some(a), Some(b)) = (&row.a, &row.b) else {
                    continue;
                };
                for sa in inside(ra, a) {
                    for sb in inside(rb, b) {
                        out.insert((ra, sa, rb, sb));
                    }
                }
            }
        }
    }
    out
}

fn pr(said: &BTreeSet<Pair>, gold: &BTreeSet<Pair>) -> (usize, usize, usize, f64, f64) {
    let right = said.intersection(gold).count();
    let p = if said.is_empty() {
        0.0
    } else {
        right as f64 / said.len() as f64
    };
    let r = if gold.is_empty() {
        0.0
    } else {
        right as f64 / gold.len() as f64
    };
    (said.len(), right, gold.len(), p, r)
}

fn score(paths: &[String]) {
    let verbose = std::env::var_os("VERBOSE").is_some();
    println!("| story | reports | gold pairs | method | links | right | precision | recall |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut totals: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for path in paths {
        let l = labels(path);
        let docs = read(&l.inputs);
        let reps = reports(&docs);
        let c = collator().collate(&reps);
        for ((doc, s), t) in &l.texts {
            let r = docs
                .iter()
                .position(|d| &d.id == doc)
                .expect("labelled doc");
            let have = docs[r].text[c.span(r, *s)].replace(['\t', '\n'], " ");
            assert_eq!(
                &have, t,
                "{path}: {doc} sentence {s} is cut differently now"
            );
        }
        let gold = gold(&l, &docs);
        let ours: BTreeSet<Pair> = c
            .links
            .iter()
            .map(|k| (k.a, k.a_sentence, k.b, k.b_sentence))
            .collect();
        let sents: Vec<Vec<_>> = c
            .sentences
            .iter()
            .map(|ss| ss.iter().map(|s| s.span.clone()).collect())
            .collect();
        let base = diff_pairs(&docs, &sents);
        let name = std::path::Path::new(path)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_string();
        for (method, said) in [("naql diff (pairwise)", &base), ("naql collate", &ours)] {
            let (n, right, g, p, r) = pr(said, &gold);
            println!(
                "| {name} | {} | {g} | {method} | {n} | {right} | {p:.3} | {r:.3} |",
                docs.len()
            );
            let t = totals.entry(method).or_default();
            *t = (t.0 + n, t.1 + right, t.2 + g);
        }
        if verbose {
            let show = |(ra, sa, rb, sb): Pair| {
                format!(
                    "{}#{sa} {}\n      {}#{sb} {}",
                    docs[ra].id,
                    &docs[ra].text[c.span(ra, sa)],
                    docs[rb].id,
                    &docs[rb].text[c.span(rb, sb)]
                )
            };
            for p in ours.difference(&gold) {
                println!("  FP {}", show(*p));
            }
            for p in gold.difference(&ours) {
                println!("  FN {}", show(*p));
            }
        }
    }
    for (method, (n, right, g)) in totals {
        let p = right as f64 / n.max(1) as f64;
        let r = right as f64 / g.max(1) as f64;
        println!("| all | | {g} | {method} | {n} | {right} | {p:.3} | {r:.3} |");
    }
}
