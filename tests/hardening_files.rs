//! Issue #12, items 11 and 12: the files and pipes a command writes to. A signal leaves no
//! temporary file beside an `-o` target, a stale one of a killed run is swept, the target
//! keeps its permissions; a reader that closes early ends the output quietly (exit 0).

mod common;

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SAMPLE: &str = "fixtures/saudinewsnet-sample.jsonl";
const INDEX: &str = "fixtures/compat/index-estimate-v2.naql";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The sample corpus `copies` times over with new ids: a report of ~20 MB that takes a while
/// to write, so a signal can land while the temporary file is open.
fn big_corpus(dir: &Path, copies: usize) -> PathBuf {
    let sample = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    let mut out = String::new();
    for k in 0..copies {
        for line in sample.lines() {
            let mut doc: serde_json::Value = serde_json::from_str(line).unwrap();
            let id = match &doc["id"] {
                serde_json::Value::String(s) => format!("{s}-{k}"),
                other => format!("{other}-{k}"),
            };
            doc["id"] = serde_json::Value::String(id);
            out.push_str(&doc.to_string());
            out.push('\n');
        }
    }
    let path = dir.join("big.jsonl");
    std::fs::write(&path, out).unwrap();
    path
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains(".naql-tmp-"))
        .collect()
}

/// Starts `naql report BIG -o out.html`, waits until its temporary file exists, sends
/// `signal`, and returns the exit code. None when the run ended before a temp file was seen.
fn interrupt_report(dir: &Path, corpus: &Path, signal: &str) -> Option<i32> {
    let out = dir.join("out.html");
    let mut child = Command::new(env!("CARGO_BIN_EXE_naql"))
        .args(["report", "-q", corpus.to_str().unwrap(), "-o"])
        .arg(&out)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while temp_files(dir).is_empty() {
        if let Some(status) = child.try_wait().unwrap() {
            eprintln!("ended before a temp file was seen: {status}");
            return None;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let pid = child.id().to_string();
    let killed = Command::new("kill").args(["-s", signal, &pid]).status();
    assert!(killed.unwrap().success());
    let status = child.wait().unwrap();
    // Killed by the signal (re-raised after the cleanup) or, failing that, 128 + signal: a
    // shell's `$?` is 130 or 143 either way.
    use std::os::unix::process::ExitStatusExt;
    Some(
        status
            .code()
            .unwrap_or_else(|| 128 + status.signal().unwrap_or(0)),
    )
}

fn assert_signal_cleans_up(signal: &str, code: i32) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = big_corpus(dir.path(), 8);
    // The write can end between the poll and the signal: try a few times for one landing.
    for _ in 0..5 {
        if let Some(got) = interrupt_report(dir.path(), &corpus, signal) {
            let left = temp_files(dir.path());
            assert!(left.is_empty(), "SIG{signal} left {left:?}");
            if got == 0 {
                continue; // finished before the signal arrived
            }
            assert_eq!(got, code, "exit code after SIG{signal}");
            return;
        }
    }
    panic!("no run was caught writing its temporary file");
}

#[test]
fn sigterm_while_writing_leaves_no_temp_file() {
    assert_signal_cleans_up("TERM", 143);
}

#[test]
fn sigint_while_writing_leaves_no_temp_file() {
    assert_signal_cleans_up("INT", 130);
}

/// A killed run (SIGKILL cannot be caught) leaves its temp file; the next write to the same
/// target removes it, and leaves alone one whose process is alive.
#[test]
fn stale_temp_files_of_dead_runs_are_swept() {
    let dir = tempfile::tempdir().unwrap();
    let mut gone = Command::new("true").spawn().unwrap();
    let dead_pid = gone.id();
    gone.wait().unwrap();
    let stale = dir.path().join(format!(".out.jsonl.naql-tmp-{dead_pid}"));
    let live = dir
        .path()
        .join(format!(".out.jsonl.naql-tmp-{}", std::process::id()));
    let other = dir.path().join(format!(".other.naql-tmp-{dead_pid}"));
    for p in [&stale, &live, &other] {
        std::fs::write(p, "half a report").unwrap();
    }
    let out = dir.path().join("out.jsonl");
    let sample = root().join(SAMPLE);
    let (_, err, code) = common::naql(&[
        "sign",
        "-q",
        sample.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!stale.exists(), "the dead run's temp file stays");
    assert!(live.exists(), "a live run's temp file was removed");
    assert!(other.exists(), "another target's temp file was removed");
    assert!(out.exists());
}

#[test]
fn replaced_target_keeps_its_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let sample = root().join(SAMPLE);
    for mode in [0o600, 0o640, 0o604] {
        let out = dir.path().join(format!("out-{mode:o}.jsonl"));
        std::fs::write(&out, "old").unwrap();
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(mode)).unwrap();
        let (_, err, code) = common::naql(&[
            "sign",
            "-q",
            sample.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        let meta = std::fs::metadata(&out).unwrap();
        assert!(meta.len() > 3, "not replaced");
        assert_eq!(
            meta.permissions().mode() & 0o7777,
            mode,
            "{}",
            out.display()
        );
    }
}

/// Runs naql with stdout a pipe whose reader is closed before anything is written.
fn closed_pipe(args: &[&str]) -> (String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_naql"))
        .args(args)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    (err, status.code().unwrap_or(-1))
}

#[test]
fn closed_stdout_is_quiet_for_every_command() {
    let cases: &[&[&str]] = &[
        &["index", "export", INDEX],
        &["index", "stats", INDEX],
        &["index", "check", INDEX],
        &["cluster", SAMPLE],
        &["cluster", "--format", "json", SAMPLE],
        &["cluster", "--format", "csv", SAMPLE],
        &["cluster", "--level", "story", SAMPLE],
        &["pairs", SAMPLE],
        &["sign", SAMPLE],
        &["normalize", SAMPLE],
        &["report", SAMPLE],
        &["idf", SAMPLE],
    ];
    for args in cases {
        let (err, code) = closed_pipe(args);
        assert_eq!(code, 0, "naql {args:?}: {err}");
        assert!(
            !err.contains("Broken pipe") && !err.contains("error") && !err.contains("panicked"),
            "naql {args:?}: {err}"
        );
    }
}

#[test]
fn closed_stdout_is_quiet_for_dedup_and_diff() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("i.naql");
    let index = index.to_str().unwrap();
    let (_, err, code) = common::naql(&["index", "create", index]);
    assert_eq!(code, 0, "{err}");
    let sample = root().join(SAMPLE);
    let (err, code) = closed_pipe(&["dedup", "--index", index, sample.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("Broken pipe"), "{err}");
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    std::fs::write(
        &a,
        "قال الوزير اليوم إن الاجتماع كان مثمرا. وأضاف أن العمل مستمر.\n",
    )
    .unwrap();
    std::fs::write(
        &b,
        "قال الوزير أمس إن الاجتماع كان مثمرا. وأضاف أن العمل مستمر.\n",
    )
    .unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    for format in ["text", "unified", "html", "json"] {
        let (err, code) = closed_pipe(&["diff", "--format", format, a, b]);
        assert_eq!(code, 0, "diff --format {format}: {err}");
        assert!(
            !err.contains("Broken pipe"),
            "diff --format {format}: {err}"
        );
    }
}

/// `-o FIFO` whose reader reads a little and goes away, as `-o >(head -c 100)` would.
#[test]
fn fifo_output_whose_reader_closes_is_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("out.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut f = std::fs::File::open(&fifo).unwrap();
            let mut buf = [0u8; 100];
            f.read_exact(&mut buf).unwrap();
        })
    };
    let (_, err, code) = common::naql(&["report", "-q", SAMPLE, "-o", fifo.to_str().unwrap()]);
    reader.join().unwrap();
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("Broken pipe"), "{err}");
}
