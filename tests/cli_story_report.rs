//! `naql report --level story`, run as a user runs it, on the fixtures: the page against the
//! stories `naql cluster --level story` finds in the same inputs.

use std::path::Path;
mod common;

use common::{naql_output as naql, ok, story_articles as articles};

use serde_json::{Value, json};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/saudinewsnet-sample.jsonl"
);
const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds");

fn stories(inputs: &[&str]) -> Vec<Value> {
    let mut args = vec!["cluster", "--level", "story", "--format", "json", "-q"];
    args.extend_from_slice(inputs);
    let v: Value = serde_json::from_str(&ok(&naql(&args))).unwrap();
    v["stories"].as_array().unwrap().clone()
}

fn report(args: &[&str]) -> String {
    let mut all = vec!["report", "--level", "story", "-q"];
    all.extend_from_slice(args);
    ok(&naql(&all))
}

/// The part of the page that belongs to story `id`: from its section to the next story's.
fn story_part(html: &str, id: u64) -> &str {
    let start = html
        .find(&format!("<section class=\"story\" id=\"s{id}\">"))
        .unwrap_or_else(|| panic!("no section for story {id}"));
    let rest = &html[start + 1..];
    let end = rest
        .find("<section class=\"story\"")
        .unwrap_or(rest.len() - 1);
    &html[start..start + 1 + end]
}

/// The five seed reports as JSONL with the outlet each came from (the .txt files carry none).
fn seeds_with_outlets(dir: &Path) -> String {
    let outlets = ["rt", "outlet-b", "outlet-c", "outlet-d", "outlet-e"];
    let mut names: Vec<_> = std::fs::read_dir(SEEDS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let mut lines = String::new();
    for (path, outlet) in names.iter().zip(outlets) {
        let text = std::fs::read_to_string(path).unwrap();
        let title = text.lines().next().unwrap();
        let rec = json!({
            "id": path.file_name().unwrap().to_str().unwrap(),
            "source": outlet,
            "date": "2022-01-25",
            "title": title,
            "text": text,
        });
        lines.push_str(&rec.to_string());
        lines.push('\n');
    }
    let p = dir.join("seeds.jsonl");
    std::fs::write(&p, lines).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn the_seeds_are_one_story_with_five_outlets_and_every_article_in_its_table() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = seeds_with_outlets(dir.path());
    let found = stories(&[&seeds, SAMPLE]);
    let html = report(&[&seeds, SAMPLE]);

    // Right to left, self-contained, one TOC entry and one section per story.
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">"));
    assert!(!html.contains("<script") && !html.contains("src=\"http"));
    assert_eq!(html.matches("<li><a href=\"#s").count(), found.len());
    assert_eq!(
        html.matches("<section class=\"story\"").count(),
        found.len()
    );
    for s in &found {
        assert!(html.contains(&format!("<a href=\"#s{}\">story {}</a>", s["id"], s["id"])));
    }

    // The seeds: one story, its five outlets in the header, its five articles in its table.
    let seed_story = found
        .iter()
        .find(|s| {
            articles(s)
                .iter()
                .any(|a| a["id"] == "000_c451157b21fd5381.txt")
        })
        .expect("the seeds form a story");
    assert_eq!(articles(seed_story).len(), 5);
    let part = story_part(&html, seed_story["id"].as_u64().unwrap());
    assert!(
        part.contains("5 reports · 5 outlets · <bdi class=\"date\" dir=\"ltr\">2022-01-25</bdi>"),
        "{part}"
    );
    assert!(
        part.contains("Outlets: outlet-b, outlet-c, outlet-d, outlet-e, rt"),
        "{part}"
    );
    assert_eq!(part.matches("<tr class=\"article").count(), 5);
    for a in articles(seed_story) {
        assert!(part.contains(a["id"].as_str().unwrap()), "{a}");
    }
    // Five lone articles: the centre against the four others, nothing left out.
    assert_eq!(part.matches("<tr class=\"article centre\"").count(), 1);
    assert_eq!(part.matches("<section class=\"pair\"").count(), 4);
    assert!(part.contains("4 of 4 other copy groups"), "{part}");
    assert!(!part.contains("left out"));
    // Stems as the story output gives them.
    // (روسيا is روس since normalization v2 drops a final bare alef: روسيا / روسي meet.)
    assert!(part.contains("<span>روس</span>") && part.contains("<span>ناتو</span>"));

    // Every article of every story is in its story's table, once.
    for s in &found {
        let part = story_part(&html, s["id"].as_u64().unwrap());
        assert_eq!(
            part.matches("<tr class=\"article").count(),
            articles(s).len(),
            "story {}",
            s["id"]
        );
    }
}

#[test]
fn the_centre_is_the_article_closest_to_the_story_centre_and_copies_are_not_diffed() {
    let found = stories(&[SAMPLE]);
    let first = &found[0];
    let html = report(&[SAMPLE, "--story", "1"]);
    let best = articles(first)
        .into_iter()
        .max_by(|a, b| {
            a["similarity"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["similarity"].as_f64().unwrap())
        })
        .unwrap();
    // Side A of every diff is the centre.
    let a_head = format!(
        "<th class=\"a\">A: <bdi>{}</bdi>",
        best["id"].as_str().unwrap()
    );
    let groups = first["copy_groups"].as_array().unwrap().len();
    assert_eq!(html.matches(&a_head).count(), groups - 1, "{a_head}");
    assert_eq!(html.matches("<section class=\"pair\"").count(), groups - 1);
    // The near copies that were not diffed are counted.
    let copies: usize = first["copy_groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["articles"].as_array().unwrap().len() - 1)
        .sum();
    assert!(copies > 0, "the fixture's largest story holds copy groups");
    assert!(html.contains("near copies"), "copies must be mentioned");
}

#[test]
fn story_n_limits_the_page_and_an_unknown_number_is_a_usage_error() {
    let found = stories(&[SAMPLE]);
    let html = report(&[SAMPLE, "--story", "2"]);
    assert_eq!(html.matches("<section class=\"story\"").count(), 1);
    assert!(html.contains("<section class=\"story\" id=\"s2\">"));
    // No table of contents for a single story.
    assert!(!html.contains("<nav class=\"toc\">"));
    assert_eq!(
        html.matches("<tr class=\"article").count(),
        articles(&found[1]).len()
    );

    let out = naql(&["report", "--level", "story", "-q", SAMPLE, "--story", "999"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no story 999"), "{err}");
    assert!(err.contains(&format!("{} stories", found.len())), "{err}");
    // The flags of one level are refused at the other.
    let out = naql(&["report", "-q", SAMPLE, "--story", "1"]);
    assert_eq!(out.status.code(), Some(1));
    let out = naql(&["report", "--level", "story", "-q", SAMPLE, "--cluster", "1"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn diffs_over_the_cap_are_counted_and_named() {
    let found = stories(&[SAMPLE]);
    let first = &found[0];
    let others = first["copy_groups"].as_array().unwrap().len() - 1;
    assert!(others >= 3, "the largest story needs several copy groups");
    let html = report(&[SAMPLE, "--story", "1", "--max-diffs", "2"]);
    assert_eq!(html.matches("<section class=\"pair\"").count(), 2);
    let left = others - 2;
    assert!(
        html.contains(&format!(
            "data-count=\"{left}\">{left} diffs left out over the cap of 2"
        )),
        "the left-out count is missing"
    );
    assert_eq!(html.matches(">over the cap<").count(), left);
    // Without the cap nothing is left out.
    let html = report(&[SAMPLE, "--story", "1"]);
    assert!(!html.contains("left out"));
}

#[test]
fn markup_in_titles_texts_and_ids_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let body = "أعلنت وزارة الصحة اليوم عن تسجيل حالات جديدة في عدد من المناطق وأكدت أن الفرق \
                الطبية تعمل على مدار الساعة لمتابعة المخالطين في المدن الكبرى";
    let rec = |id: &str, source: &str, title: &str, text: String| {
        json!({"id": id, "source": source, "date": "2015-08-01", "title": title, "text": text})
            .to_string()
    };
    let lines = [
        rec(
            "a<script>",
            "x\"><script>alert(1)</script>",
            "<script>alert('title')</script> الصحة",
            format!("{body} <script>alert('text')</script>"),
        ),
        rec(
            "b",
            "okaz",
            "الصحة: حالات جديدة",
            format!("قالت الوزارة اليوم. {body}. <img src=x onerror=alert(2)>"),
        ),
    ];
    let p = dir.path().join("evil.jsonl");
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    let html = report(&[p.to_str().unwrap(), "--threshold", "0.1"]);
    assert!(html.contains("<section class=\"story\""), "no story formed");
    assert!(html.contains("<section class=\"pair\""), "no diff shown");
    assert!(!html.contains("<script"), "unescaped script");
    assert!(!html.contains("<img"), "unescaped tag");
    assert!(html.contains("&lt;script&gt;alert(&#39;title&#39;)"));
}
