//! Snapshots of what the real binary prints on the fixtures: every renderer (text, JSON, JSONL,
//! CSV, unified, HTML) of every command, the stderr summaries, and the error messages with their
//! exit codes. They pin today's output byte for byte, so that a change of it — wanted or not —
//! shows up as a reviewable diff of `tests/snapshots/*.snap`.
//!
//! Each snapshot starts with a line giving the byte and line count of the output, placeholders
//! included (insta trims trailing whitespace, so this catches a lost or added final newline
//! too). Temporary folders read `[TMP]` and the naql version `[version]`, so neither a machine
//! nor a version bump changes a snapshot. Review a changed snapshot with `cargo insta review` or by reading the
//! `.snap.new` file that a failing run leaves beside it.

mod common;

use std::path::Path;
use std::process::Output;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const SAMPLE: &str = "fixtures/saudinewsnet-sample.jsonl";
const SEEDS: &str = "fixtures/seeds";
const SEED_A: &str = "fixtures/seeds/000_c451157b21fd5381.txt";
const SEED_B: &str = "fixtures/seeds/003_ada74c54324190cc.txt";
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Runs naql from the repository root, so the paths in `args` and in the output are relative.
fn run(args: &[&str]) -> Output {
    common::naql_output_in(Path::new(ROOT), args)
}

/// `text` with the naql version and the temporary folder `tmp` replaced by placeholders.
fn scrub(text: &str, tmp: Option<&Path>) -> String {
    let mut s = text
        .replace(
            &format!("\"naql_version\": \"{VERSION}\""),
            "\"naql_version\": \"[version]\"",
        )
        .replace(
            &format!("\"naql_version\":\"{VERSION}\""),
            "\"naql_version\":\"[version]\"",
        )
        .replace(
            &format!("content=\"naql {VERSION}\""),
            "content=\"naql [version]\"",
        );
    if let Some(dir) = tmp {
        // Longest first: the canonical path may extend the given one (a symlinked /tmp).
        let mut forms = vec![dir.display().to_string()];
        if let Ok(c) = dir.canonicalize() {
            forms.push(c.display().to_string());
        }
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        for f in forms {
            s = s.replace(&f, "[TMP]");
        }
    }
    s
}

/// What a snapshot of one output holds: its size, then the text.
fn pinned(text: &str, tmp: Option<&Path>) -> String {
    let s = scrub(text, tmp);
    format!("{} bytes, {} lines\n{s}", s.len(), s.lines().count())
}

/// A whole run: exit code, stdout and stderr.
fn transcript(out: &Output, tmp: Option<&Path>) -> String {
    let text = |b: &[u8]| scrub(std::str::from_utf8(b).expect("UTF-8 output"), tmp);
    let (o, e) = (text(&out.stdout), text(&out.stderr));
    format!(
        "exit code: {}\n--- stdout: {} bytes\n{o}--- stderr: {} bytes\n{e}",
        out.status
            .code()
            .map_or("killed".to_string(), |c| c.to_string()),
        o.len(),
        e.len()
    )
}

/// Checks `value` against the snapshot `name`, whose header names the command that made it.
fn snap(name: &str, args: &[&str], tmp: Option<&Path>, value: String) {
    let mut settings = insta::Settings::clone_current();
    settings.set_description(scrub(&format!("naql {}", args.join(" ")), tmp));
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, value));
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temporary path")
}

/// Snapshots the stdout of a run that must succeed.
fn snap_stdout(name: &str, args: &[&str], tmp: Option<&Path>) {
    snap(name, args, tmp, pinned(&common::ok(&run(args)), tmp));
}

/// Snapshots a whole run (exit code, stdout, stderr).
fn snap_run(name: &str, args: &[&str], tmp: Option<&Path>) -> Output {
    let out = run(args);
    snap(name, args, tmp, transcript(&out, tmp));
    out
}

/// Snapshots the file that a run wrote.
fn snap_file(name: &str, args: &[&str], tmp: Option<&Path>, file: &Path) {
    let text = std::fs::read_to_string(file).expect("the run wrote its file");
    snap(name, args, tmp, pinned(&text, tmp));
}

/// The first `n` lines of the sample, written to `dir/NAME`.
fn sample_head(dir: &Path, name: &str, n: usize) -> String {
    let text = std::fs::read_to_string(Path::new(ROOT).join(SAMPLE)).unwrap();
    let head: String = text.lines().take(n).map(|l| format!("{l}\n")).collect();
    let path = dir.join(name);
    std::fs::write(&path, head).unwrap();
    path_str(&path).to_string()
}

#[test]
fn cluster_every_format() {
    for format in ["text", "json", "jsonl", "csv"] {
        let name = format!("cluster_{format}");
        snap_stdout(&name, &["cluster", SAMPLE, "--format", format], None);
    }
}

#[test]
fn cluster_json_is_the_same_on_one_thread() {
    let all = common::ok(&run(&["cluster", SAMPLE, "--format", "json"]));
    let one = common::ok(&run(&[
        "cluster",
        SAMPLE,
        "--format",
        "json",
        "--threads",
        "1",
    ]));
    assert_eq!(all, one);
}

#[test]
fn story_every_format() {
    for format in ["text", "json", "jsonl"] {
        let name = format!("story_{format}");
        let args = [
            "cluster", "--level", "story", SEEDS, SAMPLE, "--format", format,
        ];
        snap_stdout(&name, &args, None);
    }
}

#[test]
fn pairs_copy_and_story() {
    snap_stdout("pairs", &["pairs", SAMPLE], None);
    snap_stdout(
        "pairs_story",
        &["pairs", "--level", "story", SEEDS, SAMPLE],
        None,
    );
}

/// Ten documents: the whole sample's signatures are 465 KB.
#[test]
fn sign_a_few_documents() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = Some(dir.path());
    let input = sample_head(dir.path(), "ten.jsonl", 10);
    snap_stdout("sign_ten", &["sign", &input], tmp);
    let args = [
        "sign",
        &input,
        "--char-ngram",
        "4",
        "--num-perm",
        "64",
        "--seed",
        "7",
    ];
    snap_stdout("sign_ten_char4_k64_seed7", &args, tmp);
}

#[test]
fn diff_every_view() {
    let views: [(&str, &[&str]); 6] = [
        (
            "diff_text_w100",
            &["--format", "text", "--width", "100", "--color", "never"],
        ),
        (
            "diff_text_w160",
            &["--format", "text", "--width", "160", "--color", "never"],
        ),
        ("diff_unified", &["--format", "unified"]),
        (
            "diff_unified_color",
            &["--format", "unified", "--color", "always"],
        ),
        ("diff_json", &["--format", "json"]),
        ("diff_html", &["--format", "html"]),
    ];
    for (name, flags) in views {
        let mut args = vec!["diff", SEED_A, SEED_B];
        args.extend_from_slice(flags);
        snap_stdout(name, &args, None);
    }
}

#[test]
fn report_pages() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = Some(dir.path());
    let page = dir.path().join("cluster-2.html");
    let args = ["report", SAMPLE, "--cluster", "2", "-o", path_str(&page)];
    let out = snap_run("report_cluster_2_run", &args, tmp);
    assert!(out.status.success());
    snap_file("report_cluster_2_html", &args, tmp, &page);

    let page = dir.path().join("story-1.html");
    let args = [
        "report",
        "--level",
        "story",
        SEEDS,
        "--story",
        "1",
        "--max-diffs",
        "3",
        "-o",
        path_str(&page),
    ];
    let out = snap_run("report_story_1_run", &args, tmp);
    assert!(out.status.success());
    snap_file("report_story_1_html", &args, tmp, &page);
}

#[test]
fn normalize_a_seed() {
    let seed = "fixtures/seeds/001_d20af5be6fc817dc.txt";
    snap_stdout("normalize_tokens", &["normalize", "--tokens", seed], None);
    snap_stdout("normalize", &["normalize", SEED_A], None);
}

/// With `-o` the summary goes to stderr, and the file holds what stdout would have.
#[test]
fn summaries_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = Some(dir.path());
    let runs: [(&str, &[&str]); 2] = [
        ("summary_cluster", &["cluster", SAMPLE]),
        (
            "summary_story",
            &["cluster", "--level", "story", SEEDS, SAMPLE],
        ),
    ];
    for (name, args) in runs {
        let file = dir.path().join(format!("{name}.txt"));
        let mut with_o = args.to_vec();
        with_o.extend_from_slice(&["-o", path_str(&file)]);
        let out = snap_run(name, &with_o, tmp);
        assert!(out.status.success());
        let written = std::fs::read(&file).expect("the output file was written");
        assert_eq!(
            written,
            run(args).stdout,
            "{name}: -o FILE differs from stdout"
        );
    }
}

#[test]
fn errors_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = Some(dir.path());
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"id\":\"1\",\"text\":\"a\"}\n{bad\n").unwrap();
    let bad = path_str(&bad);
    let cases: [(&str, &[&str]); 8] = [
        ("error_malformed_jsonl", &["cluster", bad]),
        (
            "error_threshold_2",
            &["cluster", SAMPLE, "--threshold", "2"],
        ),
        ("error_ngram_17", &["cluster", SAMPLE, "--ngram", "17"]),
        (
            "error_unknown_no_fold_rule",
            &["cluster", SAMPLE, "--no-fold", "nothing"],
        ),
        (
            "error_report_story_99",
            &["report", "--level", "story", SEEDS, "--story", "99"],
        ),
        (
            "error_report_cluster_999",
            &["report", SAMPLE, "--cluster", "999"],
        ),
        (
            "error_story_csv",
            &["cluster", "--level", "story", SAMPLE, "--format", "csv"],
        ),
        ("error_unknown_flag", &["cluster", SAMPLE, "--nonsense"]),
    ];
    for (name, args) in cases {
        let out = snap_run(name, args, tmp);
        assert!(!out.status.success(), "{name} succeeded");
    }
    // --skip-bad sets the bad line aside and names it.
    let args = ["cluster", bad, "--skip-bad", "--format", "json"];
    let out = snap_run("skip_bad_json", &args, tmp);
    assert!(out.status.success());
}
