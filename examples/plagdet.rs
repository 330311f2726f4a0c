//! Scores `naql reuse` links as PAN external plagiarism detection (AraPlagDet 2015).
//!
//! ```text
//! naql reuse DATA/suspicious-documents DATA/source-documents > links.jsonl
//! cargo run --release --example plagdet -- DATA/plagiarism-annotation links.jsonl
//! ```
//!
//! A link between a `suspicious-document*` and a `source-document*` is a detection (its
//! character spans on both sides); links between two documents of the same kind are not
//! scored. The measures are PAN's (Potthast et al., 2010), on characters of both documents:
//! macro precision (per detection, the share of its characters inside the cases it detects),
//! macro recall (per case, the share of its characters detected), granularity (detections per
//! detected case) and plagdet = F1 / log2(1 + granularity). A detection detects a case when
//! their suspicious spans overlap, their source documents are the same and their source spans
//! overlap. Per obfuscation: the cases of that obfuscation, and the detections that detect
//! one of them (so a false detection counts against the whole run only).

use std::collections::HashMap;
use std::ops::Range;

/// A passage on both sides: suspicious document and span, source document and span.
#[derive(Clone, Debug)]
struct Pair {
    susp: String,
    this: Range<usize>,
    src: String,
    that: Range<usize>,
    obfuscation: String,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = start + tag[start..].find('"')?;
    Some(tag[start..end].to_string())
}

fn read_cases(dir: &str) -> (Vec<Pair>, usize) {
    let mut cases = Vec::new();
    let mut docs = 0;
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    for f in files {
        docs += 1;
        let xml = std::fs::read_to_string(&f).unwrap();
        let susp = attr(&xml, "reference").expect("document reference");
        for tag in xml.split("<feature").skip(1) {
            if attr(tag, "name").as_deref() != Some("plagiarism") {
                continue;
            }
            let num = |n: &str| -> usize { attr(tag, n).unwrap().parse().unwrap() };
            let (to, tl, so, sl) = (
                num("this_offset"),
                num("this_length"),
                num("source_offset"),
                num("source_length"),
            );
            cases.push(Pair {
                susp: susp.clone(),
                this: to..to + tl,
                src: attr(tag, "source_reference").unwrap(),
                that: so..so + sl,
                obfuscation: attr(tag, "obfuscation").unwrap_or_else(|| "none".into()),
            });
        }
    }
    (cases, docs)
}

fn read_detections(path: &str) -> Vec<Pair> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON link");
        let side = |k: &str| -> (String, Range<usize>) {
            let id = v[k].as_str().unwrap().to_string();
            let s = &v[format!("{k}_span")];
            (
                id,
                s[0].as_u64().unwrap() as usize..s[1].as_u64().unwrap() as usize,
            )
        };
        let (a, b) = (side("a"), side("b"));
        let kind = |id: &str| id.starts_with("suspicious-document");
        let ((susp, this), (src, that)) = match (kind(&a.0), kind(&b.0)) {
            (true, false) => (a, b),
            (false, true) => (b, a),
            _ => continue,
        };
        out.push(Pair {
            susp,
            this,
            src,
            that,
            obfuscation: String::new(),
        });
    }
    out
}

fn overlap(x: &Range<usize>, y: &Range<usize>) -> Range<usize> {
    x.start.max(y.start)..x.end.min(y.end).max(x.start.max(y.start))
}

fn detects(r: &Pair, s: &Pair) -> bool {
    r.susp == s.susp
        && r.src == s.src
        && !overlap(&r.this, &s.this).is_empty()
        && !overlap(&r.that, &s.that).is_empty()
}

/// Characters covered by the union of `ranges`.
fn union_len(mut ranges: Vec<Range<usize>>) -> usize {
    ranges.sort_by_key(|r| r.start);
    let (mut total, mut reach) = (0, 0);
    for r in ranges {
        let start = r.start.max(reach);
        if r.end > start {
            total += r.end - start;
            reach = r.end;
        }
    }
    total
}

/// Characters of `inner` (both sides) covered by the overlaps with `others` it matches.
fn covered(inner: &Pair, others: &[&Pair]) -> f64 {
    let this: Vec<_> = others
        .iter()
        .map(|o| overlap(&inner.this, &o.this))
        .collect();
    let that: Vec<_> = others
        .iter()
        .map(|o| overlap(&inner.that, &o.that))
        .collect();
    (union_len(this) + union_len(that)) as f64 / (inner.this.len() + inner.that.len()) as f64
}

struct Scores {
    precision: f64,
    recall: f64,
    granularity: f64,
    cases: usize,
    detections: usize,
}

impl Scores {
    fn plagdet(&self) -> f64 {
        let (p, r) = (self.precision, self.recall);
        if p + r == 0.0 {
            return 0.0;
        }
        (2.0 * p * r / (p + r)) / (1.0 + self.granularity).log2()
    }
}

/// Positions of `xs` by suspicious document.
fn by_doc<'a>(xs: &[&'a Pair]) -> HashMap<&'a str, Vec<usize>> {
    let mut m: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, x) in xs.iter().enumerate() {
        m.entry(x.susp.as_str()).or_default().push(i);
    }
    m
}

fn score(cases: &[&Pair], dets: &[&Pair]) -> Scores {
    let (cases_of, dets_of) = (by_doc(cases), by_doc(dets));
    let mut recall = 0.0;
    let (mut detected, mut gran) = (0usize, 0usize);
    for s in cases {
        let rs: Vec<&Pair> = dets_of
            .get(s.susp.as_str())
            .into_iter()
            .flatten()
            .map(|&i| dets[i])
            .filter(|r| detects(r, s))
            .collect();
        recall += covered(s, &rs);
        if !rs.is_empty() {
            detected += 1;
            gran += rs.len();
        }
    }
    let mut precision = 0.0;
    for r in dets {
        let ss: Vec<&Pair> = cases_of
            .get(r.susp.as_str())
            .into_iter()
            .flatten()
            .map(|&i| cases[i])
            .filter(|s| detects(r, s))
            .collect();
        precision += covered(r, &ss);
    }
    Scores {
        precision: if dets.is_empty() {
            0.0
        } else {
            precision / dets.len() as f64
        },
        recall: if cases.is_empty() {
            0.0
        } else {
            recall / cases.len() as f64
        },
        granularity: if detected == 0 {
            1.0
        } else {
            gran as f64 / detected as f64
        },
        cases: cases.len(),
        detections: dets.len(),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [annotations, links] = &args[..] else {
        eprintln!("usage: plagdet ANNOTATION_DIR LINKS.jsonl");
        std::process::exit(2);
    };
    let (cases, docs) = read_cases(annotations);
    let dets = read_detections(links);
    let all_cases: Vec<&Pair> = cases.iter().collect();
    let all_dets: Vec<&Pair> = dets.iter().collect();
    println!(
        "{docs} suspicious documents, {} cases, {} detections",
        cases.len(),
        dets.len()
    );
    println!("| obfuscation | cases | detections | precision | recall | granularity | plagdet |");
    println!("|---|---|---|---|---|---|---|");
    let row = |name: &str, s: &Scores| {
        println!(
            "| {name} | {} | {} | {:.4} | {:.4} | {:.4} | {:.4} |",
            s.cases,
            s.detections,
            s.precision,
            s.recall,
            s.granularity,
            s.plagdet()
        )
    };
    row("all", &score(&all_cases, &all_dets));
    let mut kinds: Vec<&str> = cases.iter().map(|c| c.obfuscation.as_str()).collect();
    kinds.sort();
    kinds.dedup();
    for k in kinds {
        let cs: Vec<&Pair> = cases.iter().filter(|c| c.obfuscation == k).collect();
        let ds: Vec<&Pair> = dets
            .iter()
            .filter(|r| cs.iter().any(|s| detects(r, s)))
            .collect();
        row(k, &score(&cs, &ds));
    }
}
