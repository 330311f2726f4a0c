//! `naql cluster`, `pairs`, `sign` and `normalize` run as a user runs them, on the fixtures.

mod common;

use common::naql;

use serde_json::Value;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/saudinewsnet-sample.jsonl"
);
const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds");

fn cluster_json(args: &[&str]) -> Value {
    let mut all = vec!["cluster", "--format", "json", "-q"];
    all.extend_from_slice(args);
    let (out, err, code) = naql(&all);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("JSON output")
}

#[test]
fn the_sample_clusters_real_wire_copies_and_accounts_for_every_article() {
    let v = cluster_json(&[SAMPLE]);
    let stats = &v["stats"];
    let n = |k: &str| stats[k].as_u64().unwrap();
    let skipped: u64 = stats["skipped"]
        .as_object()
        .unwrap()
        .values()
        .map(|x| x.as_u64().unwrap())
        .sum();
    assert_eq!(n("input_records"), 316);
    assert_eq!(n("clustered") + n("singletons") + skipped, 316);
    assert_eq!(stats["skipped"]["empty text"], 3);
    let clusters = v["clusters"].as_array().unwrap();
    assert!(clusters.len() >= 20, "{} clusters", clusters.len());
    assert_eq!(clusters.len() as u64, n("clusters"));
    // Wire copies cross outlets: most clusters hold two or more sources.
    let multi = clusters
        .iter()
        .filter(|c| c["sources"].as_array().unwrap().len() >= 2)
        .count();
    assert!(multi * 2 > clusters.len());
    for c in clusters {
        let members = c["members"].as_array().unwrap();
        assert_eq!(c["size"].as_u64().unwrap() as usize, members.len());
        assert_eq!(members[0]["id"], c["representative"]);
        assert_eq!(members[0]["jaccard"], 1.0);
        // The representative is the earliest report.
        let first = members[0]["date"].as_str().unwrap();
        assert!(members.iter().all(|m| m["date"].as_str().unwrap() >= first));
        for m in members {
            let j = m["jaccard"].as_f64().unwrap();
            let cn = m["containment"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&j) && j <= cn + 1e-9);
        }
    }
    // Parameters that reproduce the run are in the output.
    assert_eq!(v["params"]["algorithm"], "naql-oph-v2");
    assert_eq!(v["params"]["num_perm"], 128);
    assert!(v["params"]["lsh"]["p_at_threshold"].as_f64().unwrap() > 0.9);
}

#[test]
fn the_five_seed_reports_are_one_story_but_not_copies() {
    for threshold in ["0.8", "0.5", "0.3"] {
        let v = cluster_json(&[SEEDS, "--threshold", threshold]);
        assert_eq!(v["stats"]["singletons"], 5, "threshold {threshold}");
        assert_eq!(v["clusters"].as_array().unwrap().len(), 0);
    }
}

#[test]
fn every_format_carries_the_same_clusters() {
    let v = cluster_json(&[SAMPLE]);
    let clusters = v["clusters"].as_array().unwrap();
    let members: usize = clusters
        .iter()
        .map(|c| c["members"].as_array().unwrap().len())
        .sum();

    let (jsonl, _, code) = naql(&["cluster", SAMPLE, "--format", "jsonl", "-q"]);
    assert_eq!(code, 0);
    let lines: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&lines, clusters);

    let (csv, _, _) = naql(&["cluster", SAMPLE, "--format", "csv", "-q"]);
    let mut rows = csv.lines();
    assert!(
        rows.next()
            .unwrap()
            .starts_with("cluster,size,representative,id,")
    );
    // Titles may hold commas or quotes; the row count still matches one row per member.
    assert_eq!(csv.lines().count() - 1, members);

    let (text, _, _) = naql(&["cluster", SAMPLE]);
    assert!(text.starts_with("316 documents:"));
    assert_eq!(text.matches("\n#").count(), clusters.len());
    let rep = clusters[0]["representative"].as_str().unwrap();
    assert!(text.contains(rep));
}

#[test]
fn pairs_are_verified_and_agree_with_clusters() {
    let (out, _, code) = naql(&["pairs", SAMPLE, "-q"]);
    assert_eq!(code, 0);
    let pairs: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!pairs.is_empty());
    let v = cluster_json(&[SAMPLE]);
    let cluster_of = |id: &str| {
        v["clusters"].as_array().unwrap().iter().position(|c| {
            c["members"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["id"] == id)
        })
    };
    for p in &pairs {
        let j = p["jaccard"].as_f64().unwrap();
        assert!(j >= 0.8, "{p}");
        assert!(p["containment_ab"].as_f64().unwrap() >= j);
        let (a, b) = (p["a"].as_str().unwrap(), p["b"].as_str().unwrap());
        assert!(
            cluster_of(a).is_some() && cluster_of(a) == cluster_of(b),
            "{a} {b}"
        );
    }
}

#[test]
fn signatures_are_jsonl_with_their_algorithm() {
    let (out, _, code) = naql(&["sign", SEEDS, "-q", "--num-perm", "64"]);
    assert_eq!(code, 0);
    let sigs: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(sigs.len(), 5);
    for s in &sigs {
        assert_eq!(s["algorithm"], "naql-oph-v2");
        assert_eq!(s["signature"].as_array().unwrap().len(), 64);
    }
    assert_eq!(sigs[0]["id"], "000_c451157b21fd5381.txt");
}

#[test]
fn normalize_prints_folded_text_and_token_spans() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("in.txt");
    std::fs::write(&f, "قالَ المُتحدِّث: «أمريكا» رفضت ٣ مقترحات\nسطر ثانٍ").unwrap();
    let (out, _, code) = naql(&["normalize", f.to_str().unwrap()]);
    assert_eq!(code, 0);
    // امريك: the final bare alef goes (tanween_alef, normalization v2).
    assert_eq!(out, "قال المتحدث امريك رفضت 3 مقترحات\nسطر ثان\n");
    let (tokens, _, _) = naql(&["normalize", "--tokens", f.to_str().unwrap()]);
    let first: Vec<&str> = tokens.lines().next().unwrap().split('\t').collect();
    assert_eq!(first, ["0", "8", "قال", "قالَ"]);
    let (kept, _, _) = naql(&["normalize", "--no-fold", "alef", f.to_str().unwrap()]);
    assert!(kept.contains("أمريك "), "{kept}");
}

#[test]
fn output_through_a_symlink_writes_the_target_and_keeps_the_link() {
    // Renaming a temporary file over `-o PATH` must never replace a link or a device
    // (`-o /dev/stdout` once replaced the /dev/stdout link on a developer machine).
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.json");
    let link = dir.path().join("link.json");
    std::fs::write(&target, "old").unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let (_, err, code) = naql(&["cluster", SEEDS, "-q", "-o", link.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .starts_with("5 documents:")
    );
}

#[test]
fn estimate_verification_reports_estimates_and_no_containment() {
    let exact = cluster_json(&[SAMPLE]);
    let est = cluster_json(&[SAMPLE, "--verify", "estimate"]);
    assert_eq!(est["params"]["verify"], "estimate");
    let clusters = est["clusters"].as_array().unwrap();
    // The same copies are found (estimates near 0.8 may move a few pairs either way).
    let n = |v: &Value| v["stats"]["clustered"].as_i64().unwrap();
    assert!(
        (n(&est) - n(&exact)).abs() <= 10,
        "{} vs {}",
        n(&est),
        n(&exact)
    );
    for m in clusters
        .iter()
        .flat_map(|c| c["members"].as_array().unwrap())
    {
        assert!(m["containment"].is_null());
        assert!((0.0..=1.0).contains(&m["jaccard"].as_f64().unwrap()));
    }
}

#[test]
fn character_shingles_match_reworded_headlines() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("titles.jsonl");
    let lines = [
        r#"{"id": "a", "text": "خادم الحرمين الشريفين يهنئ رئيس جمهورية النيجر بذكرى استقلال بلاده"}"#,
        r#"{"id": "b", "text": "خادم الحرمين يهنّئ رئيس جمهورية النيجر بذكرى استقلال بلاده"}"#,
        r#"{"id": "c", "text": "ارتفاع أسعار النفط الخام في الأسواق العالمية اليوم"}"#,
    ];
    std::fs::write(&f, lines.join("\n")).unwrap();
    let path = f.to_str().unwrap();
    let words = cluster_json(&[path, "--threshold", "0.7"]);
    assert_eq!(words["clusters"].as_array().unwrap().len(), 0);
    let chars = cluster_json(&[path, "--threshold", "0.7", "--char-ngram", "4"]);
    let clusters = chars["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 1);
    assert_eq!(clusters[0]["size"], 2);
    assert_eq!(chars["params"]["shingling"]["kind"], "chars");
}

#[test]
fn exit_codes_are_told_and_kept() {
    let (out, _, code) = naql(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Exit codes: 0 done, 1 error, 2 usage error"),
        "{out}"
    );
    let (_, err, code) = naql(&["cluster", SAMPLE, "--threshold", "2"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("naql: error: --threshold "), "{err}");
    let (_, err, code) = naql(&["cluster", SAMPLE, "--nonsense"]);
    assert_eq!(code, 2, "{err}");
    let (_, err, code) = naql(&["report", "--level", "story", SEEDS, "--story", "99", "-q"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("naql: error: no story 99: "), "{err}");
}
