//! `naql dedup --passages` (issue #15 item 5) as a daily job runs it: two days of real
//! SaudiNewsNet articles from the fixture, day 2 carrying an article that quotes one paragraph
//! of a day-1 article inside its own text. Copy verification cannot see that (the Jaccard of
//! the two documents is small); the passage listing must, with the spans of the paragraph in
//! both documents.

mod common;

use std::io::Write;
use std::path::Path;

use common::naql;
use serde_json::{Value, json};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/saudinewsnet-sample.jsonl"
);

fn ok(args: &[&str]) -> String {
    let (out, err, code) = naql(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

/// The verdicts of `naql dedup --index INDEX -q FLAGS… BATCH`.
fn dedup(index: &str, flags: &[&str], batch: &str) -> Vec<Value> {
    let mut args = vec!["dedup", "--index", index, "-q"];
    args.extend_from_slice(flags);
    args.push(batch);
    verdicts(&ok(&args))
}

/// A new index and the two days' batches written beside it: (folder, index, day 1, day 2).
fn two_days(r: &Replay) -> (tempfile::TempDir, String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("news.naql").to_str().unwrap().to_owned();
    ok(&["index", "create", &index]);
    let day1 = write_jsonl(&dir.path().join("day1.jsonl"), &r.day1);
    let day2 = write_jsonl(&dir.path().join("day2.jsonl"), &r.day2);
    (dir, index, day1, day2)
}

fn verdicts(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn write_jsonl(path: &Path, docs: &[Value]) -> String {
    let mut f = std::fs::File::create(path).unwrap();
    for d in docs {
        writeln!(f, "{d}").unwrap();
    }
    path.to_str().unwrap().to_string()
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// The day-1 article quoted, its paragraph, and the two days' batches (day 2 with the quote).
struct Replay {
    quoted: Value,
    paragraph: String,
    /// Where the paragraph is in the quoted article and in the quoting one, in characters.
    in_quoted: [usize; 2],
    in_quote: [usize; 2],
    day1: Vec<Value>,
    day2: Vec<Value>,
}

fn replay() -> Replay {
    let all: Vec<Value> = std::fs::read_to_string(SAMPLE)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let on = |day: &str| -> Vec<Value> {
        all.iter()
            .filter(|d| d["date_extracted"].as_str().unwrap().starts_with(day))
            .cloned()
            .collect()
    };
    let (day1, mut day2) = (on("2015-07-21"), on("2015-07-22"));
    // The first day-1 article with a paragraph of 40 words or more, and that paragraph.
    let (quoted, paragraph) = day1
        .iter()
        .find_map(|d| {
            let p = d["content"]
                .as_str()
                .unwrap()
                .split('\n')
                .find(|p| p.split_whitespace().count() >= 40)?;
            Some((d.clone(), p.trim().to_string()))
        })
        .expect("a long paragraph on day 1");
    let text = quoted["content"].as_str().unwrap();
    let at = chars(&text[..text.find(&paragraph).unwrap()]);
    // A long day-2 article of another outlet quotes it between its own paragraphs (and
    // takes that article's place in the batch).
    let host = day2
        .iter()
        .enumerate()
        .filter(|(_, d)| d["source"] != quoted["source"])
        .max_by_key(|(_, d)| d["content"].as_str().unwrap().len())
        .map(|(i, _)| i)
        .unwrap();
    let host = day2.remove(host);
    let own = host["content"].as_str().unwrap();
    let cut = own[..own.len() / 2].rfind('\n').unwrap_or(own.len() / 2);
    let cut = (0..=cut).rev().find(|&i| own.is_char_boundary(i)).unwrap();
    let content = format!("{}\n{paragraph}\n{}", &own[..cut], &own[cut..]);
    let start = chars(&own[..cut]) + 1;
    let mut quote = host.clone();
    quote["id"] = json!("quote-1");
    quote["content"] = json!(content);
    day2.push(quote);
    Replay {
        in_quoted: [at, at + chars(&paragraph)],
        in_quote: [start, start + chars(&paragraph)],
        quoted,
        paragraph,
        day1,
        day2,
    }
}

fn overlap(x: [usize; 2], y: &Value) -> usize {
    let (s, e) = (
        y[0].as_u64().unwrap() as usize,
        y[1].as_u64().unwrap() as usize,
    );
    x[1].min(e).saturating_sub(x[0].max(s))
}

#[test]
fn day_two_reports_the_paragraph_it_quotes_from_day_one_with_both_spans() {
    let r = replay();
    let (_dir, index, day1, day2) = two_days(&r);
    let index = index.as_str();
    dedup(index, &["--passages"], &day1);

    // A dry run first: the same answer as the real run, and nothing stored.
    let dry = dedup(index, &["--passages", "--dry-run"], &day2);
    let out = dedup(index, &["--passages"], &day2);
    assert_eq!(dry, out);
    assert_eq!(out.len(), r.day2.len());
    let v = out.iter().find(|v| v["id"] == "quote-1").unwrap();
    // Not a copy of anything: one quoted paragraph in a long article.
    assert_eq!(v["status"], "new", "{v:#}");
    let quoted_id = r.quoted["id"].to_string().trim_matches('"').to_string();
    let p = v["passages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == quoted_id.as_str())
        .unwrap_or_else(|| panic!("no passage from {quoted_id}: {v:#}"));
    assert_eq!(p["source"], r.quoted["source"]);
    assert_eq!(p["date"], r.quoted["date_extracted"]);
    let len = chars(&r.paragraph);
    // Most of the paragraph on both sides, and little beyond it.
    for (want, got) in [(r.in_quote, &p["span"]), (r.in_quoted, &p["other_span"])] {
        assert!(overlap(want, got) * 10 >= len * 9, "{want:?} {p}");
        let width = got[1].as_u64().unwrap() - got[0].as_u64().unwrap();
        assert!(width as usize <= len + len / 10, "{want:?} {p}");
    }
    // The other day-2 articles were not given the quote's passage.
    for v in out.iter().filter(|v| v["id"] != "quote-1") {
        assert!(v["passages"].is_array(), "{v}");
    }

    // Opt-in: without the flag the verdict lines are what they always were.
    let plain = dedup(index, &["--dry-run"], &day2);
    assert!(plain.iter().all(|v| v.get("passages").is_none()));

    // Removing the quoted article removes its seeds: the quote has no passage from it any more,
    // and the index still checks clean.
    ok(&["index", "remove", index, &quoted_id]);
    let again = dedup(index, &["--passages", "--dry-run"], &day2);
    let v = again.iter().find(|v| v["id"] == "quote-1").unwrap();
    assert!(
        v["passages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["id"] != quoted_id.as_str()),
        "{v:#}"
    );
    ok(&["index", "check", index]);
}

#[test]
fn an_index_without_passage_seeds_reports_none_and_works_as_before() {
    let r = replay();
    let (_dir, index, day1, day2) = two_days(&r);
    // Day 1 indexed without the flag: its documents have no seeds, so nothing is reported.
    dedup(&index, &[], &day1);
    let out = dedup(&index, &["--passages", "--dry-run"], &day2);
    assert!(out.iter().all(|v| v["passages"] == json!([])), "{out:?}");
}
