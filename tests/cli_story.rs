//! `naql cluster --level story`, `naql pairs --level story` and `naql idf`, run as a user runs
//! them, on the fixtures.

mod common;

use common::{naql, story_articles as articles};

use serde_json::Value;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/saudinewsnet-sample.jsonl"
);
const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds");

fn stories_json(args: &[&str]) -> Value {
    let mut all = vec!["cluster", "--level", "story", "--format", "json", "-q"];
    all.extend_from_slice(args);
    let (out, err, code) = naql(&all);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("JSON output")
}

fn is_seed(id: &str) -> bool {
    id.ends_with(".txt")
}

#[test]
fn the_five_seeds_form_one_story_that_no_sample_article_joins() {
    let v = stories_json(&[SEEDS, SAMPLE]);
    let stories = v["stories"].as_array().unwrap();
    let with_seeds: Vec<&Value> = stories
        .iter()
        .filter(|s| {
            articles(s)
                .iter()
                .any(|a| is_seed(a["id"].as_str().unwrap()))
        })
        .collect();
    assert_eq!(with_seeds.len(), 1, "the seeds are split");
    let ids: Vec<&str> = articles(with_seeds[0])
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 5, "{ids:?}");
    assert!(ids.iter().all(|id| is_seed(id)), "{ids:?}");
    // The terms that define it are the story's: Russia and NATO.
    let terms: Vec<&str> = with_seeds[0]["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t[0].as_str().unwrap())
        .collect();
    assert!(
        terms.contains(&"روس") && terms.contains(&"ناتو"),
        "{terms:?}"
    );
    for a in articles(with_seeds[0]) {
        let s = a["similarity"].as_f64().unwrap();
        assert!(s > 0.3 && s <= 1.0, "{a}");
    }
}

#[test]
fn every_article_is_accounted_for_and_stories_nest_copy_clusters() {
    let v = stories_json(&[SAMPLE]);
    let s = &v["stats"];
    let n = |k: &str| s[k].as_u64().unwrap();
    let skipped: u64 = s["skipped"]
        .as_object()
        .unwrap()
        .values()
        .map(|x| x.as_u64().unwrap())
        .sum();
    assert_eq!(n("input_records"), 316);
    assert_eq!(n("in_stories") + n("singletons") + skipped, 316);
    let stories = v["stories"].as_array().unwrap();
    assert_eq!(stories.len() as u64, n("stories"));
    let sizes: u64 = stories.iter().map(|s| s["size"].as_u64().unwrap()).sum();
    assert_eq!(sizes, n("in_stories"));
    // Copy-level clusters are never split between stories, and each story holds at least one
    // copy cluster or two lone articles.
    let copy = {
        let (out, err, code) = naql(&["cluster", "--format", "json", "-q", SAMPLE]);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<Value>(&out).unwrap()
    };
    for c in copy["clusters"].as_array().unwrap() {
        let members: Vec<&str> = c["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap())
            .collect();
        let holders: Vec<u64> = stories
            .iter()
            .filter(|s| {
                articles(s)
                    .iter()
                    .any(|a| members.contains(&a["id"].as_str().unwrap()))
            })
            .map(|s| s["id"].as_u64().unwrap())
            .collect();
        assert_eq!(
            holders.len(),
            1,
            "copy cluster {} split: {holders:?}",
            c["id"]
        );
    }
    for s in stories {
        assert!(s["size"].as_u64().unwrap() >= 2);
        assert!(s["first_date"].as_str().unwrap() <= s["last_date"].as_str().unwrap());
    }
}

#[test]
fn story_pairs_are_jsonl_and_output_does_not_depend_on_threads() {
    let run = |threads: &str| {
        let (out, err, code) = naql(&[
            "--threads",
            threads,
            "pairs",
            "--level",
            "story",
            "-q",
            SAMPLE,
        ]);
        assert_eq!(code, 0, "{err}");
        out
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    let mut n = 0;
    for line in one.lines() {
        let p: Value = serde_json::from_str(line).unwrap();
        let obj = p.as_object().unwrap();
        assert_eq!(obj.len(), 3, "{line}");
        let s = p["similarity"].as_f64().unwrap();
        assert!((0.2..=1.0).contains(&s), "{line}");
        assert_ne!(p["a"], p["b"]);
        n += 1;
    }
    assert!(n > 50, "{n} pairs");
    let cluster = |threads: &str| {
        naql(&[
            "--threads",
            threads,
            "cluster",
            "--level",
            "story",
            "--format",
            "jsonl",
            "-q",
            SAMPLE,
        ])
        .0
    };
    assert_eq!(cluster("1"), cluster("2"));
}

#[test]
fn a_saved_idf_table_serves_a_small_batch() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("idf.json");
    let t = table.to_str().unwrap();
    let (_, err, code) = naql(&["idf", SAMPLE, "-o", t]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("IDF table of"), "{err}");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&table).unwrap()).unwrap();
    assert_eq!(saved["format"], "naql-idf-v2");
    // `-q` (for cron jobs) gives the same table and says nothing.
    let (out, err, code) = naql(&["idf", SAMPLE, "-q"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), saved);
    assert_eq!(saved["stemmer"], "naql-light-stem-v1");
    // Five articles alone cannot estimate document frequencies; with the table they can.
    let v = stories_json(&["--idf", t, SEEDS]);
    assert_eq!(v["idf"], "table");
    assert_eq!(v["stats"]["stories"], 1);
    assert_eq!(v["stats"]["in_stories"], 5);
    let (out, _, code) = naql(&["pairs", "--level", "story", "--idf", t, "-q", SEEDS]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 10, "all ten seed pairs:\n{out}");
}

#[test]
fn bad_options_and_tables_fail_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"format\": \"naql-idf-v2\", \n oops").unwrap();
    let b = bad.to_str().unwrap();
    let (_, err, code) = naql(&["cluster", "--level", "story", "--idf", b, SEEDS]);
    assert_eq!(code, 1);
    assert!(err.contains(b) && err.contains("line 2"), "{err}");
    let (_, err, code) = naql(&[
        "cluster",
        "--level",
        "story",
        "--idf",
        "/no/such/file",
        SEEDS,
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("/no/such/file"), "{err}");
    let (_, err, code) = naql(&["cluster", "--level", "story", "--format", "csv", SEEDS]);
    assert_eq!(code, 1);
    assert!(err.contains("csv"), "{err}");
    let (_, err, code) = naql(&["cluster", "--level", "story", "--threshold", "1.5", SEEDS]);
    assert_eq!(code, 1);
    assert!(err.contains("--threshold"), "{err}");
    let (_, err, code) = naql(&["cluster", "--level", "story", "--window", "-1", SEEDS]);
    assert_ne!(code, 0);
    assert!(err.contains("window") || err.contains("-1"), "{err}");
    let jsonl = dir.path().join("in.jsonl");
    std::fs::write(
        &jsonl,
        "{\"id\": \"a\", \"text\": \"نص\"}\n{\"id\": \"b\", \"text\": \n",
    )
    .unwrap();
    let j = jsonl.to_str().unwrap();
    let (_, err, code) = naql(&["cluster", "--level", "story", j]);
    assert_eq!(code, 1);
    assert!(err.contains(&format!("{j}:2")), "{err}");
}

#[test]
fn text_output_shows_the_hierarchy() {
    let (out, err, code) = naql(&["cluster", "--level", "story", SAMPLE]);
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    let head = lines.next().unwrap();
    assert!(head.starts_with("316 documents: "), "{head}");
    assert!(out.contains("\nstory 1 · "), "{out}");
    assert!(out.contains("  terms: "));
    assert!(
        out.contains("copies #"),
        "copy clusters are shown inside stories"
    );
}

/// `naql idf --dims` adds LSA term vectors; with them the story level blends LSA into its
/// similarity and uses its own default threshold, and a damaged vector part is refused.
#[test]
fn an_idf_table_with_lsa_vectors_blends_them_in() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("lsa.json");
    let t = table.to_str().unwrap();
    let (_, err, code) = naql(&["idf", SAMPLE, SEEDS, "--dims", "24", "-o", t]);
    assert_eq!(code, 0, "{err}");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&table).unwrap()).unwrap();
    let lsa = &saved["lsa"];
    assert_eq!(lsa["dims"], 24);
    // One scale per term with at least min_df articles, rows in the table's order.
    let min_df = lsa["min_df"].as_u64().unwrap();
    let rows = saved["df"]
        .as_object()
        .unwrap()
        .values()
        .filter(|n| n.as_u64().unwrap() >= min_df)
        .count();
    assert!(rows > 100, "{rows} terms with vectors");
    assert_eq!(lsa["scales"].as_array().unwrap().len(), rows);

    // The same corpus gives the same table, byte for byte.
    let again = dir.path().join("again.json");
    let (_, err, code) = naql(&[
        "idf",
        SAMPLE,
        SEEDS,
        "--dims",
        "24",
        "-o",
        again.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(&table).unwrap(),
        std::fs::read(&again).unwrap()
    );

    // The seeds still make one story, now at the LSA threshold, and the blend moves the
    // similarities away from plain TF-IDF cosine.
    let v = stories_json(&["--idf", t, SEEDS]);
    assert_eq!(v["idf"], "table+lsa");
    assert_eq!(v["params"]["threshold"], 0.39);
    assert_eq!(v["stats"]["stories"], 1);
    assert_eq!(v["stats"]["in_stories"], 5);
    let plain = dir.path().join("plain.json");
    let (_, err, code) = naql(&["idf", SAMPLE, SEEDS, "-o", plain.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let pairs = |table: &str| -> Vec<f64> {
        let (out, err, code) = naql(&[
            "pairs",
            "--level",
            "story",
            "--threshold",
            "0.01",
            "--idf",
            table,
            "-q",
            SEEDS,
        ]);
        assert_eq!(code, 0, "{err}");
        out.lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["similarity"]
                    .as_f64()
                    .unwrap()
            })
            .collect()
    };
    let (with, without) = (pairs(t), pairs(plain.to_str().unwrap()));
    assert_eq!(with.len(), 10);
    assert_eq!(without.len(), 10);
    assert_ne!(with, without);
    // A user's --threshold still wins.
    let v = stories_json(&["--idf", t, "--threshold", "0.5", SEEDS]);
    assert_eq!(v["params"]["threshold"], 0.5);

    // Vectors cut short: the error names the file and says what does not fit.
    let mut broken = saved.clone();
    broken["lsa"]["scales"].as_array_mut().unwrap().pop();
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, broken.to_string()).unwrap();
    let b = bad.to_str().unwrap();
    let (_, err, code) = naql(&["cluster", "--level", "story", "--idf", b, SEEDS]);
    assert_eq!(code, 1);
    assert!(err.contains(b) && err.contains("LSA"), "{err}");
    let (_, err, code) = naql(&["idf", SEEDS, "--dims", "5000"]);
    assert_eq!(code, 1);
    assert!(err.contains("--dims"), "{err}");
}

#[test]
fn the_seeds_alone_are_one_story_weighed_by_the_background_model() {
    // Five articles cannot weigh their own words: the built-in model does, and says so.
    let v = stories_json(&[SEEDS]);
    assert_eq!(v["idf"], "naql-background-v2");
    assert_eq!(v["stats"]["stories"], 1, "{}", v["stats"]);
    assert_eq!(v["stats"]["in_stories"], 5, "{}", v["stats"]);
    let (out, err, code) = naql(&["cluster", "--level", "story", SEEDS]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("5 documents: 5 in 1 story,"), "{out}");
    assert!(out.contains("IDF: naql-background-v2"), "{out}");
}

#[test]
fn a_small_batch_with_unrelated_articles_keeps_the_seed_story_apart() {
    // The seeds with 40 unrelated articles (under the background threshold): the five ANT
    // ones and 35 of SaudiNewsNet; one seed story, no other article in it.
    let dir = tempfile::tempdir().unwrap();
    let read = |f: &str| {
        std::fs::read_to_string(format!("{}/fixtures/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    };
    let (ant, snn) = (read("ant-sample.jsonl"), read("saudinewsnet-sample.jsonl"));
    let few: String = ant
        .lines()
        .chain(snn.lines().take(35))
        .map(|l| format!("{l}\n"))
        .collect();
    let path = dir.path().join("few.jsonl");
    std::fs::write(&path, few).unwrap();
    let v = stories_json(&[SEEDS, path.to_str().unwrap()]);
    assert_eq!(v["idf"], "naql-background-v2");
    let seeded: Vec<&Value> = v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            articles(s)
                .iter()
                .any(|a| is_seed(a["id"].as_str().unwrap()))
        })
        .collect();
    assert_eq!(seeded.len(), 1, "the seeds are split");
    let ids: Vec<&str> = articles(seeded[0])
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 5, "{ids:?}");
    assert!(ids.iter().all(|id| is_seed(id)), "{ids:?}");
    // From 50 distinct articles up the input weighs its own words.
    let v = stories_json(&[SEEDS, SAMPLE]);
    assert_eq!(v["idf"], "input");
}

#[test]
fn a_txt_title_skips_the_site_menu_line() {
    let v = stories_json(&[SEEDS]);
    let titles: Vec<&str> = v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| articles(s))
        .filter(|a| a["id"].as_str().unwrap().starts_with("001_"))
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["المطالب الروسية بضمانات أمنية يتفاعل الكرملين بحذر مع إجابات الناتو"]
    );
}
