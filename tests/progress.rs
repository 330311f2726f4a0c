//! Progress on stderr (#13 item 6): every long stage is named with its count while it runs,
//! on a terminal only. The terminal is a real pseudo-terminal (`script` from util-linux), and
//! what was drawn on it is read back from its typescript, spinner lines that were cleared
//! included.

mod common;

use std::process::Command;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/saudinewsnet-sample.jsonl"
);
const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds");
const BIN: &str = env!("CARGO_BIN_EXE_naql");

/// Everything `naql args…` drew on a terminal for stderr (stdout goes to /dev/null).
fn on_a_terminal(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let typescript = dir.path().join("typescript");
    let quoted: Vec<String> = std::iter::once(BIN)
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    let status = Command::new("script")
        .args(["-q", "-e", "-c"])
        .arg(format!("{} > /dev/null", quoted.join(" ")))
        .arg(&typescript)
        .env_remove("NO_COLOR")
        .stdout(std::process::Stdio::null())
        .status()
        .expect("`script` (util-linux) runs the command in a pseudo-terminal");
    assert!(status.success(), "naql failed under script");
    String::from_utf8_lossy(&std::fs::read(&typescript).unwrap()).into_owned()
}

#[test]
fn a_terminal_sees_every_stage_with_its_count() {
    let drawn = on_a_terminal(&["report", "--level", "story", SEEDS, SAMPLE]);
    for label in [
        "sign: 321 documents",
        "verify: 235 candidate pairs",
        "weigh: 321 documents",
        "story verify: ",
        "link: ",
        "align: 36 stories",
        "render: 36 stories",
    ] {
        assert!(
            drawn.contains(label),
            "no {label:?} on the terminal:\n{drawn}"
        );
    }
    // The spinner is cleared: the summary is the last thing left.
    assert!(drawn.contains("naql: report of 36 stories"), "{drawn}");
    let drawn = on_a_terminal(&["cluster", SAMPLE]);
    assert!(drawn.contains("cluster: 128 verified pairs"), "{drawn}");
    assert!(drawn.contains("render: 31 clusters"), "{drawn}");
}

#[test]
fn a_pipe_or_quiet_sees_no_progress() {
    let out = common::naql_output(&["report", "--level", "story", SEEDS, SAMPLE]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for label in ["sign: ", "verify: ", "align: ", "render: "] {
        assert!(!err.contains(label), "{label:?} on a pipe:\n{err}");
    }
    assert!(err.contains("naql: report of 36 stories"), "{err}");
    let drawn = on_a_terminal(&["cluster", "-q", SAMPLE]);
    assert!(!drawn.contains("verify: "), "--quiet:\n{drawn}");
}

/// `reuse` and `dedup` show their stages too, each with its count.
#[test]
fn reuse_and_dedup_show_their_stages() {
    let drawn = on_a_terminal(&["reuse", SAMPLE]);
    for label in ["seeds: 316 documents", "align: ", "passages: ", "render: "] {
        assert!(drawn.contains(label), "reuse: no {label:?}:\n{drawn}");
    }
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("news.naql");
    let index = index.to_str().unwrap();
    let (_, err, code) = common::naql(&["index", "create", index]);
    assert_eq!(code, 0, "{err}");
    let drawn = on_a_terminal(&["dedup", "--index", index, SAMPLE]);
    for label in [
        "look up: 316 documents",
        "sign: 316 new documents",
        "verify: ",
        "link: ",
        "commit: ",
        "write: 316 verdicts",
    ] {
        assert!(drawn.contains(label), "dedup: no {label:?}:\n{drawn}");
    }
}
