//! `naql reuse` run as a user runs it: AraPlagDet documents (fixtures/araplagdet) with their
//! PAN annotations, and SaudiNewsNet articles with outlets and dates.

mod common;

use common::naql_output as naql;
use serde_json::Value;

const PLAG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/araplagdet");
const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/saudinewsnet-sample.jsonl"
);

fn dirs() -> [String; 2] {
    [
        format!("{PLAG}/suspicious-documents"),
        format!("{PLAG}/source-documents"),
    ]
}

fn run(args: &[&str]) -> (String, String) {
    let out = naql(args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    (String::from_utf8(out.stdout).unwrap(), err)
}

fn links(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The annotated cases of the fixture: (suspicious id, [start, end), source id, [start, end)).
fn cases() -> Vec<(String, [usize; 2], String, [usize; 2])> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(format!("{PLAG}/plagiarism-annotation")).unwrap() {
        let xml = std::fs::read_to_string(e.unwrap().path()).unwrap();
        let attr = |tag: &str, name: &str| -> String {
            let key = format!(" {name}=\"");
            let s = tag.find(&key).unwrap() + key.len();
            tag[s..s + tag[s..].find('"').unwrap()].to_string()
        };
        let susp = attr(&xml, "reference");
        for tag in xml.split("<feature").skip(1) {
            let n = |k: &str| attr(tag, k).parse::<usize>().unwrap();
            out.push((
                susp.clone(),
                [n("this_offset"), n("this_offset") + n("this_length")],
                attr(tag, "source_reference"),
                [n("source_offset"), n("source_offset") + n("source_length")],
            ));
        }
    }
    out.sort();
    out
}

fn chars(text: &str, span: &Value) -> String {
    let (s, e) = (
        span[0].as_u64().unwrap() as usize,
        span[1].as_u64().unwrap() as usize,
    );
    text.chars().skip(s).take(e - s).collect()
}

fn overlap(x: [usize; 2], y: &Value) -> usize {
    let (s, e) = (
        y[0].as_u64().unwrap() as usize,
        y[1].as_u64().unwrap() as usize,
    );
    x[1].min(e).saturating_sub(x[0].max(s))
}

#[test]
fn the_verbatim_and_phrase_shuffled_cases_are_found_with_their_spans() {
    let [susp, src] = dirs();
    let (out, _) = run(&["reuse", &susp, &src]);
    let links = links(&out);
    for (s, this, source, that) in cases() {
        if s == "suspicious-document0343.txt" {
            continue; // word shuffling: checked below
        }
        let l = links
            .iter()
            .find(|l| l["a"] == s.as_str() && l["b"] == source.as_str())
            .unwrap_or_else(|| panic!("no link {s} – {source}: {out}"));
        // Most of the case on both sides, and not much more than it.
        assert!(
            overlap(this, &l["a_span"]) * 10 >= (this[1] - this[0]) * 9,
            "{l}"
        );
        assert!(
            overlap(that, &l["b_span"]) * 10 >= (that[1] - that[0]) * 9,
            "{l}"
        );
    }
}

#[test]
fn a_word_shuffled_passage_is_found_too() {
    let [susp, src] = dirs();
    let (out, _) = run(&["reuse", &susp, &src]);
    let found = cases()
        .into_iter()
        .filter(|c| c.0 == "suspicious-document0343.txt")
        .filter(|(s, this, source, that)| {
            links(&out).iter().any(|l| {
                l["a"] == s.as_str()
                    && l["b"] == source.as_str()
                    && overlap(*this, &l["a_span"]) > 0
                    && overlap(*that, &l["b_span"]) > 0
            })
        })
        .count();
    assert!(found >= 1, "{out}");
}

#[test]
fn spans_are_character_offsets_into_the_original_texts() {
    let [susp, src] = dirs();
    let (out, _) = run(&["reuse", &susp, &src]);
    let l = links(&out)
        .into_iter()
        .find(|l| l["a"] == "suspicious-document0351.txt")
        .unwrap();
    let a = std::fs::read_to_string(format!("{susp}/suspicious-document0351.txt")).unwrap();
    let b = std::fs::read_to_string(format!("{src}/source-document00355.txt")).unwrap();
    // The verbatim passage: the same original spelling on both sides, diacritics and all.
    // (Its first word, the stopword «ولا», seeds nothing; B's side starts earlier, where the
    // passage's «الناتج المحلي الإجمالي» and «المملكة العربية السعودية» occur too, so the
    // word-by-word extension cannot reach back to it.)
    let (pa, pb) = (chars(&a, &l["a_span"]), chars(&b, &l["b_span"]));
    assert!(pa.starts_with("تختلف إحصاءات عام 2003م"), "{pa}");
    assert!(pa.ends_with("مسيرة هذا النشاط"), "{pa}");
    assert!(
        pb.contains("أحد القطاعات الواعدة في الاقتصاد الوطني"),
        "{pb}"
    );
    assert!(pb.ends_with("مسيرة هذا النشاط"), "{pb}");
}

#[test]
fn every_document_is_accounted_for_and_the_clean_one_has_no_link() {
    let [susp, src] = dirs();
    let (out, err) = run(&["reuse", &susp, &src, "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema"], "naql-reuse-v1");
    let s = &v["stats"];
    assert_eq!(s["documents"], 7);
    assert_eq!(s["with_reuse"], 6);
    assert_eq!(s["without_reuse"], 1);
    let linked = |id: &str| {
        v["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["a"] == id || l["b"] == id)
    };
    assert!(!linked("suspicious-document0441.txt"));
    assert_eq!(
        v["clusters"].as_array().unwrap().len(),
        s["clusters"].as_u64().unwrap() as usize
    );
    assert!(
        err.contains(
            "7 documents: 6 in 3 passage clusters, 1 singleton, 0 skipped; 3 links (0 \
             boilerplate) from 3 candidate pairs"
        ),
        "{err}"
    );
}

#[test]
fn news_links_point_from_the_earlier_article_and_same_outlet_links_are_boilerplate() {
    let (out, _) = run(&["reuse", SAMPLE, "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let links = v["links"].as_array().unwrap();
    assert!(links.len() >= 30, "{}", links.len());
    let records: Vec<Value> = std::fs::read_to_string(SAMPLE)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let record = |id: &Value| {
        let id = id.as_str().unwrap();
        records
            .iter()
            .find(|r| r["id"].to_string().trim_matches('"') == id)
            .unwrap_or_else(|| panic!("no record {id}"))
    };
    let date = |id: &Value| record(id)["date_extracted"].as_str().unwrap().to_string();
    let outlet = |id: &Value| record(id)["source"].as_str().unwrap().to_string();
    let mut dated = 0;
    for l in links {
        if l["reason"] == "earlier_date" {
            dated += 1;
            assert!(date(&l["source"]) < date(&l["target"]), "{l}");
        }
        assert_eq!(l["boilerplate"], outlet(&l["a"]) == outlet(&l["b"]), "{l}");
    }
    assert!(dated > 0);
    let outlets = v["outlets"].as_array().unwrap();
    let total: u64 = outlets.iter().map(|o| o["links"].as_u64().unwrap()).sum();
    assert_eq!(total as usize, links.len());
}

#[test]
fn text_output_names_source_and_target() {
    let [susp, src] = dirs();
    let (out, _) = run(&["reuse", &susp, &src, "--format", "text", "-q"]);
    assert!(
        out.starts_with("7 documents: 6 in 3 passage clusters"),
        "{out}"
    );
    assert!(
        out.contains(
            "source source-document00355.txt → target suspicious-document0351.txt (longer passage)"
        ),
        "{out}"
    );
    // Without dates, outlets or a length difference the direction is unknown, and says so.
    assert!(
        out.contains(
            "source suspicious-document0319.txt → target source-document00084.txt (direction \
             unknown: no dates, passages of like length, no wire outlet; listed in input order)"
        ),
        "{out}"
    );
    assert!(out.contains("«تختلف إحصاءات عام 2003م"), "{out}");
    // Documents without an outlet are counted under «?».
    assert!(
        out.ends_with("links by outlet (source → target):\n       3  ? → ?\n"),
        "{out}"
    );
}

#[test]
fn bad_parameters_and_bad_input_are_clear_errors() {
    let out = naql(&["reuse", SAMPLE, "--min-score", "2"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--min-score must be in [0, 1], got 2"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"id\": \"x\", \"text\": \"نص\"}\n{not json\n").unwrap();
    let out = naql(&["reuse", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.jsonl:2"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let [susp, src] = dirs();
    let (one, _) = run(&["--threads", "1", "reuse", &susp, &src, "--format", "json"]);
    let (two, _) = run(&["--threads", "2", "reuse", &susp, &src, "--format", "json"]);
    assert_eq!(one, two);
}

/// The whole text listing of the fixture run, pinned: ids, spans, scores, directions and the
/// excerpts (review a change with `cargo insta review`).
#[test]
fn text_listing_snapshot() {
    let [susp, src] = dirs();
    let out = naql(&["reuse", &susp, &src, "--format", "text", "-q"]);
    assert!(out.status.success());
    insta::assert_snapshot!("reuse_text", String::from_utf8(out.stdout).unwrap());
}

/// The HTML page without a browser (tests/browser.rs looks at it in one): self-contained,
/// right to left, every in-page link lands on an anchor, one highlighted end per link end.
#[test]
fn the_html_page_is_self_contained_and_its_links_resolve() {
    let [susp, src] = dirs();
    let (page, _) = run(&["reuse", &susp, &src, "--format", "html", "-q"]);
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">"));
    assert!(
        !page.contains("<script") && !page.contains("src="),
        "{page}"
    );
    assert!(page.contains("<table class=\"outlets\">"));
    let attr = |name: &str| -> Vec<String> {
        page.split(name)
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].to_string())
            .collect()
    };
    let ids = attr(" id=\"");
    let hrefs = attr(" href=\"#");
    // 3 links: 6 ends, each an anchor and a reference to the other end.
    assert_eq!(hrefs.len(), 6, "{hrefs:?}");
    for h in &hrefs {
        assert!(ids.contains(h), "{h} dangles");
    }
    assert_eq!(page.matches("<mark class=\"reused\"").count(), 6);
    // The undirected links say so; the directed one points from the source.
    assert_eq!(page.matches(">shared with ").count(), 4);
    assert!(page.contains(">from source-document00355.txt<"), "{page}");
    assert!(
        page.contains(">taken by suspicious-document0351.txt<"),
        "{page}"
    );
    // The clean document is not shown; the others are, with their passage counts.
    assert!(!page.contains("suspicious-document0441.txt"));
    assert!(page.contains("suspicious-document0351.txt · 1 passage<"));
}
