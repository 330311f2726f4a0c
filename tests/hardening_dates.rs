//! Issue #12 item 5: dates as news data carries them (RFC 2822 from RSS, ISO 8601 with zones,
//! Unix time, Arabic-Indic digits) order copies, fill story windows and `dedup --window`; a
//! date present but unreadable is counted and warned about, never silently undated.
//!
//! `fixtures/ant-sample.jsonl`: five ANT articles whose `time` is RFC 2822. Al Arabiya's
//! rewrite `AL-economy-709-20180602` is dated `10:45:37 +0400` (06:45 UTC), an hour before the
//! France24 wire story it shares (`07:44:40 GMT`, published twice): earliest in UTC, latest as
//! written. `AL-sport-1964-20180614` (`Thu, 14 Jun 2018 18:29:16 +0400`) comes ten hours before
//! Sky News' `SK-sport-1647-20180615` (`Fri, 15 Jun 2018 01:05:45 GMT`).

mod common;

use std::path::Path;

use common::naql;
use serde_json::Value;

const ANT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/ant-sample.jsonl");

fn json(args: &[&str]) -> Value {
    let mut all = vec!["cluster", "--format", "json", "-q"];
    all.extend_from_slice(args);
    let (out, err, code) = naql(&all);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("JSON output")
}

fn representatives(v: &Value) -> Vec<&str> {
    v["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["representative"].as_str().unwrap())
        .collect()
}

#[test]
fn the_representative_is_the_earliest_report_in_utc() {
    let v = json(&[ANT]);
    assert_eq!(
        representatives(&v),
        ["AL-economy-709-20180602", "AL-sport-1964-20180614"]
    );
    // JSON keeps the dates as written.
    assert_eq!(
        v["clusters"][0]["members"][0]["date"],
        "Sat, 02 Jun 2018 10:45:37 +0400"
    );
    assert_eq!(v["stats"]["unparsed_dates"], 0);
}

#[test]
fn text_listings_show_the_day_read_not_ten_bytes() {
    let (out, err, code) = naql(&["cluster", ANT]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("Sat, 02 Ju"), "{out}");
    assert!(
        out.contains("alarabia     2018-06-02 representative"),
        "{out}"
    );
    assert!(out.contains("skynews      2018-06-15 J "), "{out}");
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn story_windows_show_real_dates() {
    let (out, err, code) = naql(&["cluster", "--level", "story", ANT]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("- … -"), "{out}");
    assert!(out.contains("· 2018-06-02 … 2018-06-02"), "{out}");
    assert!(out.contains("· 2018-06-14 … 2018-06-15"), "{out}");
    let v = json(&["--level", "story", ANT]);
    assert_eq!(v["stats"]["undated"], 0);
    assert_eq!(v["stats"]["unparsed_dates"], 0);
    // First and last in UTC: 10:45 +0400 is before 07:44 GMT.
    assert_eq!(
        v["stories"][0]["first_date"],
        "Sat, 02 Jun 2018 10:45:37 +0400"
    );
    assert_eq!(
        v["stories"][0]["last_date"],
        "Sat, 02 Jun 2018 07:44:40 GMT"
    );
}

/// `(id, status, matched ids)` of each verdict of a dry run against a fresh index.
fn verdicts(index: &str, input: &str, extra: &[&str]) -> Vec<(String, String, Vec<String>)> {
    let mut args = vec!["dedup", "--index", index, "--dry-run", "-q"];
    args.extend_from_slice(extra);
    args.push(input);
    let (out, err, code) = naql(&args);
    assert_eq!(code, 0, "{err}");
    out.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let matches = v["matches"].as_array().map_or(Vec::new(), |m| {
                m.iter()
                    .map(|m| m["id"].as_str().unwrap().to_string())
                    .collect()
            });
            let field = |k: &str| v[k].as_str().unwrap().to_string();
            (field("id"), field("status"), matches)
        })
        .collect()
}

#[test]
fn dedup_window_finds_the_duplicates_found_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("i.naql").display().to_string();
    let (_, err, code) = naql(&["index", "create", &index]);
    assert_eq!(code, 0, "{err}");
    let all = verdicts(&index, ANT, &[]);
    let duplicates = all.iter().filter(|v| v.1 != "new").count();
    assert_eq!(duplicates, 3, "{all:?}");
    assert_eq!(verdicts(&index, ANT, &["--window", "7d"]), all);
    // 06:45 UTC and 07:44 UTC are within an hour; as written (10:45 and 07:44) they are not.
    let hour = verdicts(&index, ANT, &["--window", "1h"]);
    assert_eq!(hour[1].0, "AL-economy-709-20180602");
    assert_eq!(hour[1].1, "duplicate");
    assert_eq!(hour[1].2, ["FR-internationalNews-1583-20180602"]);
    // The Sky News / Al Arabiya pair is ten hours apart.
    assert_eq!(hour[4].1, "new", "{hour:?}");
}

/// The ANT sample with `time` replaced by `dates` (`None`: the field removed), in `dir`.
fn with_dates(dir: &Path, dates: &[Option<Value>]) -> String {
    let text = std::fs::read_to_string(ANT).unwrap();
    let mut out = String::new();
    for (line, date) in text.lines().zip(dates) {
        let mut v: Value = serde_json::from_str(line).unwrap();
        match date {
            Some(d) => v["time"] = d.clone(),
            None => {
                v.as_object_mut().unwrap().remove("time");
            }
        }
        out.push_str(&v.to_string());
        out.push('\n');
    }
    let path = dir.join("dated.jsonl");
    std::fs::write(&path, out).unwrap();
    path.display().to_string()
}

#[test]
fn unix_time_iso_zones_and_arabic_digits_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = with_dates(
        dir.path(),
        &[
            Some(Value::from("2018-06-02T07:44:40Z")),
            Some(Value::from(1_527_921_937_u64)), // 2018-06-02 06:45:37 UTC, a JSON number
            Some(Value::from("1527925480000")),   // 07:44:40 in milliseconds
            Some(Value::from("٢٠١٨-٠٦-١٥T٠٤:٠٥:٤٥+٠٣:٠٠")),
            Some(Value::from("2018/06/14 14:29:16")),
        ],
    );
    let (out, err, code) = naql(&["cluster", &path]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("warning"), "{err}");
    assert!(
        out.contains("alarabia     2018-06-02 representative"),
        "{out}"
    );
    assert!(
        out.contains("alarabia     2018-06-14 representative"),
        "{out}"
    );
    assert!(out.contains("skynews      2018-06-15 J "), "{out}");
    let v = json(&[&path]);
    assert_eq!(
        representatives(&v),
        ["AL-economy-709-20180602", "AL-sport-1964-20180614"]
    );
    // The JSON number is shown as its digits, as written.
    assert_eq!(v["clusters"][0]["members"][0]["date"], "1527921937");
}

#[test]
fn unreadable_dates_are_counted_and_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let path = with_dates(
        dir.path(),
        &[
            Some(Value::from("2018-06-02 07:44:40")),
            Some(Value::from("أمس")),
            None,
            Some(Value::from("2018")),
            Some(Value::from("Thu, 14 Jun 2018 18:29:16 +0400")),
        ],
    );
    let warning = format!(
        "naql: warning: 2 dates could not be read (first: {path}:2: \"أمس\"); \
         those articles count as undated"
    );
    for level in ["copy", "story"] {
        let (_, err, code) = naql(&["cluster", "--level", level, &path]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains(&warning), "{level}: {err}");
        let v = json(&["--level", level, &path]);
        assert_eq!(v["stats"]["unparsed_dates"], 2, "{level}");
    }
    let v = json(&["--level", "story", &path]);
    assert_eq!(v["stats"]["undated"], 3); // two unreadable and one without a date
    let (_, err, _) = naql(&["cluster", "-q", &path]);
    assert!(!err.contains("warning"), "{err}");
    for cmd in ["pairs", "report"] {
        let out = dir.path().join(format!("{cmd}.out")).display().to_string();
        let (_, err, code) = naql(&[cmd, &path, "-o", &out]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains(&warning), "{cmd}: {err}");
    }
    let index = dir.path().join("i.naql").display().to_string();
    assert_eq!(naql(&["index", "create", &index]).2, 0);
    let (_, err, code) = naql(&["dedup", "--index", &index, "--dry-run", &path]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&warning), "dedup: {err}");
}

/// An index as naql before the RFC 2822 reader left it (c491b38 writes the same rows): the ANT
/// sample's first line added, its `epoch` NULL and no `date_reader` in `meta`. Returns the
/// index and the other four lines (an exact copy of the first among them, at the same time).
fn index_with_old_epochs(dir: &Path) -> (String, String) {
    let text = std::fs::read_to_string(ANT).unwrap();
    let (first, rest) = text.split_once('\n').unwrap();
    let (one, others) = (dir.join("one.jsonl"), dir.join("others.jsonl"));
    std::fs::write(&one, format!("{first}\n")).unwrap();
    std::fs::write(&others, rest).unwrap();
    let index = dir.join("old.naql").display().to_string();
    for args in [
        vec!["index", "create", &index],
        vec!["dedup", "--index", &index, "-q", one.to_str().unwrap()],
    ] {
        let (_, err, code) = naql(&args);
        assert_eq!(code, 0, "{err}");
    }
    let conn = rusqlite::Connection::open(&index).unwrap();
    conn.execute_batch("UPDATE docs SET epoch = NULL; DELETE FROM meta WHERE key = 'date_reader';")
        .unwrap();
    drop(conn);
    (index, others.display().to_string())
}

fn stored(index: &str) -> (Option<i64>, Option<i64>) {
    let conn = rusqlite::Connection::open(index).unwrap();
    let epoch = conn
        .query_row("SELECT epoch FROM docs", [], |r| r.get(0))
        .unwrap();
    let reader = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'date_reader'",
            [],
            |r| r.get(0),
        )
        .ok();
    (epoch, reader)
}

#[test]
fn an_index_whose_rfc_2822_dates_were_left_undated_reads_them_now() {
    // Before: the stored document stayed undated, so under --window its exact copy published
    // at the same minute matched nothing ("new"), in every later batch, and `index prune`
    // never removed it.
    let dir = tempfile::tempdir().unwrap();
    let (index, others) = index_with_old_epochs(dir.path());
    let dry = verdicts(&index, &others, &["--window", "3h"]);
    assert_eq!(dry[1].0, "FR-middleEast-564-20180602");
    assert_eq!(dry[1].1, "exact_duplicate", "{dry:?}");
    assert_eq!(dry[1].2[0], "FR-internationalNews-1583-20180602");
    assert_eq!(stored(&index), (None, None), "a dry run writes nothing");
    let (_, err, code) = naql(&["dedup", "--index", &index, "-q", "--window", "3h", &others]);
    assert_eq!(code, 0, "{err}");
    // Sat, 02 Jun 2018 07:44:40 GMT.
    assert_eq!(stored(&index), (Some(1_527_925_480), Some(2)));
}
