//! Issue #12, items 3 (copy half), 4, 6 and 13b: memory stays bounded on large groups of
//! near-copies and on huge lines; empty inputs and odd files in directories are reported.
//! Issue #17: word hashes spilled to disk past `--spill-after` change no output.

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

/// `naql` with `args` and `TMPDIR` set (when given): stdout, stderr, exit code.
fn naql_tmpdir(tmpdir: Option<&str>, args: &[&str]) -> (String, String, i32) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_naql"));
    cmd.args(args);
    if let Some(t) = tmpdir {
        cmd.env("TMPDIR", t);
    }
    let out = cmd.output().expect("run naql");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn word_hashes_spilled_to_disk_change_no_output() {
    // Issue #17: past --spill-after, word hashes go to a temporary file and come back for
    // boilerplate removal, verification and member scores; every output must stay the same.
    let dir = scratch("spill");
    let near = dir.join("near.jsonl");
    near_copies(&near, 300);
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/saudinewsnet-sample.jsonl"
    );
    let commands: [&[&str]; 5] = [
        &["cluster", "--format", "json"],
        &["cluster", "--format", "csv", "--verify", "estimate"],
        &["cluster", "--format", "jsonl", "--threshold", "0.5"],
        &["pairs"],
        &["sign"],
    ];
    for input in [sample, near.to_str().unwrap()] {
        for cmd in commands {
            let run = |extra: &[&str], tmpdir: Option<&str>| {
                let args: Vec<&str> = cmd.iter().chain(&[input]).chain(extra).copied().collect();
                let (out, err, code) = naql_tmpdir(tmpdir, &args);
                assert_eq!(code, 0, "{args:?}: {err}");
                (out, err)
            };
            let (held, err) = run(&["-q"], None);
            assert!(err.is_empty(), "{err}");
            assert!(held.len() > 1000, "{cmd:?} {input}: {held}");
            let (spilled, err) = run(&["--spill-after", "0"], None);
            assert_eq!(spilled, held, "{cmd:?} {input}");
            assert!(err.contains("were kept in a temporary file"), "{err}");
            // No temporary file can be made: a warning, and the same output from memory.
            let (fallback, err) = run(&["--spill-after", "0", "-q"], Some("/nonexistent/naql"));
            assert_eq!(fallback, held, "{cmd:?} {input}");
            assert!(
                err.contains("warning: 1 temporary-file errors")
                    && err.contains("could not be made"),
                "{err}"
            );
        }
    }
}

/// A gzip file (small on disk) of one line of `mib` MiB without a newline, then `tail`:
/// concatenated gzip members of one compressed MiB each.
fn gzip_bomb(path: &Path, mib: usize, tail: &str) {
    use std::io::Write;
    let member = |bytes: &[u8]| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(bytes).unwrap();
        gz.finish().unwrap()
    };
    let one = member(&vec![b'a'; 1 << 20]);
    let mut out = Vec::new();
    for _ in 0..mib {
        out.extend_from_slice(&one);
    }
    out.extend(member(tail.as_bytes()));
    std::fs::write(path, out).unwrap();
}

#[test]
fn a_newline_free_gzip_bomb_is_a_bad_line_not_an_abort() {
    // Before: the whole 160 MiB line was buffered (then doubled), past a 384 MiB limit.
    let dir = scratch("bomb");
    let bomb = dir.join("bomb.jsonl.gz");
    gzip_bomb(&bomb, 160, "\n{\"id\":\"x\",\"text\":\"نص قصير\"}\n");
    let bomb = bomb.to_str().unwrap();
    let args = ["cluster", "--skip-bad", "--format", "json", bomb];
    let (out, err, code) = naql_limited(384 << 20, &args);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["stats"]["documents"], 1,
        "the record after the long line is read"
    );
    assert_eq!(v["skipped_records"][0]["line"], 1);
    let reason = v["skipped_records"][0]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("line too long (over 67108864 bytes"),
        "{reason}"
    );
}

#[test]
fn a_line_over_max_record_bytes_is_an_error_naming_file_and_line() {
    let dir = scratch("long");
    let file = dir.join("long.jsonl");
    let long = "ن".repeat(1 << 20);
    let text =
        format!("{{\"id\":\"a\",\"text\":\"قصير\"}}\n{{\"id\":\"b\",\"text\":\"{long}\"}}\n");
    std::fs::write(&file, text).unwrap();
    let file = file.to_str().unwrap();
    let (_, err, code) = common::naql(&["cluster", "--max-record-bytes", "1048576", file]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("long.jsonl:2: line too long (over 1048576 bytes"),
        "{err}"
    );
    let (_, err, code) = common::naql(&["cluster", file]);
    assert_eq!(
        code, 0,
        "the default cap is far above a 2 MiB article: {err}"
    );
}

/// Runs the binary with a time limit (`timeout`), so that a hang fails instead of blocking.
fn naql_timed(secs: u32, args: &[&str]) -> (String, String, i32) {
    let out = Command::new("timeout")
        .arg(secs.to_string())
        .arg(env!("CARGO_BIN_EXE_naql"))
        .args(args)
        .output()
        .expect("run timeout (coreutils)");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn fifos_are_not_read_and_dangling_symlinks_are_bad_records() {
    // Before: the FIFO blocked the run forever; the dangling link aborted it even with
    // --skip-bad.
    let dir = scratch("special");
    std::fs::write(dir.join("a.txt"), "خبر عن الطقس في الرياض اليوم").unwrap();
    let fifo = dir.join("pipe.txt");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let input = dir.to_str().unwrap();
    let (out, err, code) = naql_timed(60, &["cluster", "--format", "json", input]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["stats"]["documents"], 1);
    assert_eq!(
        v["stats"]["ignored_files"], 1,
        "the FIFO is counted as not read"
    );

    std::os::unix::fs::symlink(dir.join("gone.txt"), dir.join("link.txt")).unwrap();
    let (_, err, code) = naql_timed(60, &["cluster", input]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("link.txt:1: dangling symbolic link"), "{err}");
    let (out, err, code) = naql_timed(60, &["cluster", "--skip-bad", "--format", "json", input]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["stats"]["documents"], 1);
    assert_eq!(v["stats"]["skipped"]["unreadable file"], 1);
    let file = v["skipped_records"][0]["file"].as_str().unwrap();
    assert!(file.ends_with("link.txt"), "{file}");
}

#[test]
fn empty_inputs_warn_and_fail_on_empty_exits_1() {
    // Before: "0 documents", exit 0, and nothing else said.
    let dir = scratch("empty");
    std::fs::write(dir.join("a.png"), [0u8, 1, 2]).unwrap();
    std::fs::write(dir.join("b.bin"), [3u8]).unwrap();
    let input = dir.to_str().unwrap();
    let warning = format!("naql: warning: no documents in {input}; 2 files ignored (not .txt)");
    for level in ["copy", "story"] {
        let (_, err, code) = common::naql(&["cluster", "--level", level, input]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains(&warning), "{level}: {err}");
        let (_, err, code) = common::naql(&["cluster", "--level", level, "--fail-on-empty", input]);
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains("no documents in") && err.contains("2 files ignored"),
            "{err}"
        );
    }
    let (_, err, code) = common::naql(&["pairs", "--fail-on-empty", input]);
    assert_eq!(code, 1, "{err}");
    let page = dir.join("r.html");
    let page = page.to_str().unwrap();
    let (_, err, code) = common::naql(&["report", "--fail-on-empty", input, "-o", page]);
    assert_eq!(code, 1, "{err}");
    let full = dir.join("x.txt");
    std::fs::write(&full, "خبر عن الطقس").unwrap();
    let (_, err, code) = common::naql(&["cluster", "--fail-on-empty", input]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("warning"), "{err}");
}

/// One good record followed by `bad` lines that are not JSON.
fn mostly_bad(path: &Path, bad: usize) {
    let mut out = String::from("{\"id\":\"good\",\"text\":\"نص صالح للقراءة في هذا الملف\"}\n");
    out.push_str(&"x\n".repeat(bad));
    std::fs::write(path, out).unwrap();
}

#[test]
fn millions_of_bad_records_are_counted_and_only_the_first_thousand_kept() {
    // Before: every bad record was kept with its file, line and reason, and all were written
    // to the JSON (2 M bad lines of 2 bytes: ~1 GB of memory, a 200 MB report).
    let dir = scratch("bad");
    let input = dir.join("bad.jsonl");
    mostly_bad(&input, 2_000_000);
    let input = input.to_str().unwrap();
    for level in ["copy", "story"] {
        let (out, err, code) = naql_limited(
            GIB,
            &[
                "cluster",
                "--level",
                level,
                "--skip-bad",
                "--format",
                "json",
                input,
            ],
        );
        assert_eq!(code, 0, "{level}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let listed = v["skipped_records"].as_array().unwrap();
        assert_eq!(listed.len(), 1000, "{level}");
        assert_eq!(listed[0]["line"], 2);
        assert_eq!(listed[999]["line"], 1001);
        assert_eq!(v["skipped_records_left_out"], 1_999_000, "{level}");
        assert_eq!(
            v["stats"]["skipped"]["malformed JSON"], 2_000_000,
            "{level}"
        );
        assert_eq!(v["stats"]["input_records"], 2_000_001, "{level}");
        assert!(err.contains("naql: skipped 2000000 bad records:"), "{err}");
        assert!(err.contains("the first 1000 are listed"), "{err}");
    }
}
