//! Normalization v2 (issue 13, item 3) through the binary: two reports that differ only in the
//! spellings v2 folds (the seat of a hamza, a tanween alef) are exact copies of each other.

mod common;

use serde_json::Value;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/saudinewsnet-sample.jsonl"
);

/// The sample's article 22731 (alweeam, 2015-08-06), which spells الطوارىء both ways.
fn article() -> Value {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    text.lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|d| d["id"] == 22731)
        .expect("article 22731 in the sample")
}

#[test]
fn reports_differing_only_in_hamza_seats_and_tanween_alef_are_exact_copies() {
    let a = article();
    let content = a["content"].as_str().unwrap();
    // The other outlet's spelling: مسئولية for مسؤولية, الطوارئ for الطوارىء (and back), شخص
    // for شخصا (the accusative's tanween alef).
    let other = content
        .replace("مسؤوليته", "مسئوليته")
        .replace("الطوارئ", "@")
        .replace("الطوارىء", "الطوارئ")
        .replace('@', "الطوارىء")
        .replace("شخصا", "شخص");
    assert!(other != content);
    let mut b = a.clone();
    b["id"] = "22731-b".into();
    b["source"] = "another".into();
    b["content"] = other.into();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("two.jsonl");
    std::fs::write(&input, format!("{a}\n{b}\n")).unwrap();

    let input = input.to_str().unwrap();
    let (out, err, code) = common::naql(&["cluster", "--format", "json", "-q", input]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let clusters = v["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 1, "{out}");
    for m in clusters[0]["members"].as_array().unwrap() {
        assert_eq!(m["jaccard"], 1.0, "{m}");
    }
    // The same key, so the same signature.
    let (sigs, err, code) = common::naql(&["sign", input]);
    assert_eq!(code, 0, "{err}");
    let sig: Vec<Value> = sigs
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["signature"].clone())
        .collect();
    assert_eq!(sig.len(), 2);
    assert_eq!(sig[0], sig[1]);
}

/// `--no-fold` turns each new rule off by name, as the older rules.
#[test]
fn the_new_rules_can_be_turned_off_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("words.txt");
    std::fs::write(&input, "مسؤول مسئول الطوارىء الطوارئ شيء شئ جزراً جزر\n").unwrap();
    let input = input.to_str().unwrap();
    for (args, want) in [
        (vec![], "مسءول مسءول الطوارء الطوارء شء شء جزر جزر"),
        (
            vec!["--no-fold", "hamza_carriers"],
            "مسؤول مسئول الطواريء الطوارئ شيء شئ جزر جزر",
        ),
        (
            vec!["--no-fold", "tanween_alef"],
            "مسءول مسءول الطوارء الطوارء شء شء جزرا جزر",
        ),
    ] {
        let mut all = vec!["normalize"];
        all.extend_from_slice(&args);
        all.push(input);
        let (out, err, code) = common::naql(&all);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.trim_end(), want, "{args:?}");
    }
}
