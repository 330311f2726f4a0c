//! One consistent command line (#13 item 10): one duration syntax, `--format json` everywhere,
//! help that lists only the flags a command takes, every skipped record listed, "verified" said
//! the same way by `pairs` and `cluster`, and `report` taking the view flags of `diff`.

mod common;

use common::naql;
use serde_json::Value;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/saudinewsnet-sample.jsonl"
);
const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds");

fn json(out: &str) -> Value {
    serde_json::from_str(out).expect("one JSON document")
}

#[test]
fn story_window_takes_units_and_a_bare_number_is_days() {
    let window = |w: &str| {
        let (out, err, code) = naql(&[
            "cluster", "--level", "story", "--format", "json", "--window", w, SEEDS,
        ]);
        assert_eq!(code, 0, "--window {w}: {err}");
        json(&out)["params"]["window_days"].as_f64()
    };
    assert_eq!(window("12h"), Some(0.5));
    assert_eq!(window("1w"), Some(7.0));
    assert_eq!(window("3"), window("3d"));
    let (_, err, code) = naql(&["cluster", "--level", "story", "--window", "3x", SEEDS]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unit"), "{err}");
}

#[test]
fn index_prune_takes_a_duration_and_stats_take_format_json() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("news.naql");
    let index = index.to_str().unwrap();
    let (_, err, code) = naql(&["index", "create", index]);
    assert_eq!(code, 0, "{err}");
    let (_, err, code) = naql(&["dedup", "--index", index, "-q", "--wait", "2m", SAMPLE]);
    assert_eq!(code, 0, "{err}");
    let (out, err, code) = naql(&["index", "stats", index, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let before = json(&out)["documents"].as_u64().unwrap();
    assert!(before > 300);
    // The old flag still works, and is not listed.
    let (old, _, code) = naql(&["index", "stats", index, "--json"]);
    assert_eq!((code, old), (0, out));
    let (help, _, _) = naql(&["index", "stats", "--help"]);
    assert!(
        help.contains("--format") && !help.contains("--json"),
        "{help}"
    );
    // The sample is from 2015: 5,000 weeks back from now (the 1930s) prunes nothing, a week back
    // every dated document; a bare number is days.
    let (_, err, code) = naql(&["index", "prune", index, "--before", "5000w"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("removed 0 documents dated before 19"), "{err}");
    let (_, err, code) = naql(&["index", "prune", index, "--before", "7"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("removed 0 "), "{err}");
    let (out, _, _) = naql(&["index", "stats", index, "--format", "json"]);
    let s = json(&out);
    assert!(s["documents"].as_u64().unwrap() < before);
    assert!(
        s["last_date"].is_null(),
        "only undated documents are left: {s}"
    );
}

/// A bad duration is a usage error (exit 2, the flag named) in every command that takes one,
/// before any file is touched.
#[test]
fn a_bad_duration_is_a_usage_error_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("never.naql");
    let index = index.to_str().unwrap();
    for args in [
        vec!["cluster", "--level", "story", "--window", "3x", SEEDS],
        vec!["dedup", "--index", index, "--window", "3x", SEEDS],
        vec!["dedup", "--index", index, "--wait", "3x", SEEDS],
        vec!["index", "stats", index, "--wait", "3x"],
        vec!["index", "prune", index, "--before", "3x"],
    ] {
        let (_, err, code) = naql(&args);
        let flag = args
            .iter()
            .find(|a| a.starts_with("--w") || a.starts_with("--b"));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains(&format!("for '{}", flag.unwrap())),
            "{args:?}: {err}"
        );
    }
    assert!(!std::path::Path::new(index).exists());
}

#[test]
fn sign_help_lists_only_the_flags_sign_takes() {
    let (help, _, code) = naql(&["sign", "--help"]);
    assert_eq!(code, 0);
    for flag in [
        "--threshold",
        "--verify",
        "--fp-weight",
        "--fn-weight",
        "--timings",
    ] {
        assert!(!help.contains(flag), "sign --help lists {flag}:\n{help}");
    }
    for flag in ["--ngram", "--num-perm", "--seed", "--no-fold", "--skip-bad"] {
        assert!(help.contains(flag), "sign --help lacks {flag}");
    }
    let (_, err, code) = naql(&["sign", "--threshold", "0.5", SEEDS]);
    assert_eq!(code, 2, "{err}");
    let (help, _, _) = naql(&["report", "--help"]);
    assert!(!help.contains("--timings"), "{help}");
    let (help, _, _) = naql(&["cluster", "--help"]);
    assert!(help.contains("--timings") && help.contains("--fp-weight"));
}

#[test]
fn empty_texts_are_listed_among_the_skipped_records() {
    let (out, err, code) = naql(&["cluster", "--format", "json", SAMPLE]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    let empty = v["stats"]["skipped"]["empty text"].as_u64().unwrap();
    let listed: Vec<&Value> = v["skipped_records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["reason"].as_str().unwrap().starts_with("empty text"))
        .collect();
    assert_eq!(listed.len() as u64, empty);
    assert!(listed.iter().all(|r| r["line"].as_u64().unwrap() > 0));
    // They are counted in the summary, not listed as bad records on stderr.
    assert!(!err.contains("bad record"), "{err}");
    let (out, _, _) = naql(&["cluster", "--level", "story", "--format", "json", SAMPLE]);
    assert_eq!(
        json(&out)["skipped_records"].as_array().unwrap().len() as u64,
        empty
    );
}

#[test]
fn pairs_and_cluster_say_what_verified_counts() {
    let (out, _, code) = naql(&["cluster", SAMPLE]);
    assert_eq!(code, 0);
    let (json_out, _, _) = naql(&["cluster", "--format", "json", SAMPLE]);
    let distinct = json(&json_out)["stats"]["verified_pairs"].as_u64().unwrap();
    assert!(
        out.contains(&format!("→ {distinct} verified between distinct texts")),
        "{out}"
    );
    let (pairs, err, code) = naql(&["pairs", SAMPLE]);
    assert_eq!(code, 0);
    let n = pairs.lines().count();
    assert!(n as u64 > distinct, "the sample has exact duplicates");
    assert!(
        err.contains(&format!(
            "{n} verified pairs (exact duplicates included; {distinct} verified between distinct texts"
        )),
        "{err}"
    );
}

#[test]
fn report_takes_format_color_and_width() {
    let (out, err, code) = naql(&[
        "report",
        SAMPLE,
        "--cluster",
        "2",
        "--format",
        "text",
        "--color",
        "never",
        "--width",
        "90",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("naql report: 1 cluster, "), "{out}");
    assert!(out.contains("cluster 2 ("), "{out}");
    assert!(!out.contains('\x1b'), "--color never");
    let rule = out
        .lines()
        .find(|l| l.contains('┼'))
        .expect("the columns' rule");
    assert!(
        rule.chars().count() <= 90 && rule.chars().count() > 80,
        "--width 90: {rule}"
    );
    let (out, _, code) = naql(&[
        "report",
        SAMPLE,
        "--cluster",
        "2",
        "--format",
        "unified",
        "--color",
        "always",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains('\x1b'), "--color always");
    let (out, err, code) = naql(&["report", "--level", "story", SEEDS, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 4, "the five seeds: one story, four diffs");
    assert!(rows.iter().all(|r| r["schema"] == "naql-diff-v2"));
    assert!(
        rows[0]["heading"]
            .as_str()
            .unwrap()
            .starts_with("story 1: ")
    );
    let (out, _, _) = naql(&["report", "--level", "story", SEEDS]);
    assert!(out.starts_with("<!DOCTYPE html>"), "html stays the default");
}
