//! `naql index …` and `naql dedup --index` run as a cron job runs them: real processes on the
//! real articles of the fixture, including killed jobs, concurrent jobs and failing disks.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/saudinewsnet-sample.jsonl"
);
const BIN: &str = env!("CARGO_BIN_EXE_naql");

fn run(cmd: &mut Command) -> (String, String, i32) {
    let out = cmd.output().expect("run naql");
    (
        String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        String::from_utf8(out.stderr).expect("UTF-8 stderr"),
        out.status.code().unwrap_or(-1),
    )
}

fn naql(args: &[&str]) -> (String, String, i32) {
    run(Command::new(BIN).args(args))
}

fn sample() -> Vec<Value> {
    std::fs::read_to_string(SAMPLE)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn write_jsonl(path: &Path, docs: &[Value]) -> String {
    let mut f = std::fs::File::create(path).unwrap();
    for d in docs {
        writeln!(f, "{d}").unwrap();
    }
    path.to_str().unwrap().to_string()
}

fn create(dir: &Path, extra: &[&str]) -> String {
    let index = dir.join("news.naql").to_str().unwrap().to_string();
    let mut args = vec!["index", "create", &index];
    args.extend_from_slice(extra);
    let (_, err, code) = naql(&args);
    assert_eq!(code, 0, "{err}");
    index
}

fn dedup(index: &str, inputs: &[&str], extra: &[&str]) -> (Vec<Value>, String, i32) {
    let mut args = vec!["dedup", "--index", index];
    args.extend_from_slice(extra);
    args.extend_from_slice(inputs);
    let (out, err, code) = naql(&args);
    let verdicts = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON verdict"))
        .collect();
    (verdicts, err, code)
}

fn export(index: &str) -> Vec<Value> {
    let (out, err, code) = naql(&["index", "export", index]);
    assert_eq!(code, 0, "{err}");
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn check_ok(index: &str) {
    let (out, err, code) = naql(&["index", "check", index]);
    assert_eq!(code, 0, "index check failed: {out}{err}");
    assert!(out.starts_with("ok: "), "{out}");
}

/// Clusters of two or more ids, from `naql index export`.
fn exported_clusters(index: &str) -> BTreeSet<BTreeSet<String>> {
    let mut by: BTreeMap<u64, BTreeSet<String>> = BTreeMap::new();
    for d in export(index) {
        by.entry(d["cluster"].as_u64().unwrap())
            .or_default()
            .insert(d["id"].as_str().unwrap().to_string());
    }
    by.into_values().filter(|c| c.len() > 1).collect()
}

/// Clusters of two or more ids from one-shot `naql cluster`.
fn oneshot_clusters(input: &str, extra: &[&str]) -> BTreeSet<BTreeSet<String>> {
    let mut args = vec!["cluster", "--format", "json", "-q", input];
    args.extend_from_slice(extra);
    let (out, err, code) = naql(&args);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    v["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            c["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["id"].as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

/// The fixture split into its 18 days of `date_extracted`, oldest first.
fn daily_batches(dir: &Path) -> Vec<String> {
    let mut days: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for d in sample() {
        let day = d["date_extracted"].as_str().unwrap()[..10].to_string();
        days.entry(day).or_default().push(d);
    }
    days.iter()
        .map(|(day, docs)| write_jsonl(&dir.join(format!("{day}.jsonl")), docs))
        .collect()
}

/// Verified pairs of one-shot `naql pairs`, with their exact Jaccard.
fn oneshot_pairs(threshold: &str) -> BTreeMap<(String, String), f64> {
    let (out, err, code) = naql(&["pairs", "-q", "--threshold", threshold, SAMPLE]);
    assert_eq!(code, 0, "{err}");
    out.lines()
        .map(|l| {
            let p: Value = serde_json::from_str(l).unwrap();
            let (a, b) = (p["a"].as_str().unwrap(), p["b"].as_str().unwrap());
            let key = if a < b { (a, b) } else { (b, a) };
            (
                (key.0.to_string(), key.1.to_string()),
                p["jaccard"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn daily_batches_build_the_clusters_of_a_one_shot_run() {
    for history in ["exact", "estimate"] {
        let mut pairs: BTreeSet<(String, String)> = BTreeSet::new();
        let dir = tempfile::tempdir().unwrap();
        let index = create(dir.path(), &["--history", history]);
        let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
        let batches = daily_batches(dir.path());
        assert_eq!(batches.len(), 18);
        for b in &batches {
            let (verdicts, err, code) = dedup(&index, &[b], &[]);
            assert_eq!(code, 0, "{err}");
            for v in verdicts {
                for m in v["matches"].as_array().unwrap() {
                    let (a, b) = (v["id"].as_str().unwrap(), m["id"].as_str().unwrap());
                    let key = if a < b { (a, b) } else { (b, a) };
                    pairs.insert((key.0.to_string(), key.1.to_string()));
                }
                *statuses
                    .entry(v["status"].as_str().unwrap().into())
                    .or_default() += 1;
            }
        }
        // Every article is accounted for, once.
        assert_eq!(statuses.values().sum::<usize>(), 316, "{statuses:?}");
        assert_eq!(statuses["skipped"], 3); // the three empty articles
        assert!(statuses["exact_duplicate"] > 0 && statuses["duplicate"] > 0);
        check_ok(&index);
        if history == "exact" {
            // Verified exactly, batch by batch: the same clusters and pairs as one run.
            assert_eq!(exported_clusters(&index), oneshot_clusters(SAMPLE, &[]));
            let oneshot: BTreeSet<_> = oneshot_pairs("0.8").into_keys().collect();
            assert_eq!(pairs, oneshot);
        } else {
            // Verified by the MinHash estimate against history: the pairs that differ are
            // those whose exact Jaccard lies near the threshold, where the estimate
            // (k = 128, standard deviation 0.035 at 0.8) can fall on either side.
            let exact = oneshot_pairs("0.6");
            let oneshot: BTreeSet<_> = oneshot_pairs("0.8").into_keys().collect();
            let differ: Vec<_> = pairs.symmetric_difference(&oneshot).collect();
            assert!(
                differ.len() * 10 < oneshot.len(),
                "{} of {}",
                differ.len(),
                oneshot.len()
            );
            for p in differ {
                let j = exact.get(p).copied().unwrap_or(0.0);
                assert!((0.7..0.9).contains(&j), "{p:?}: exact Jaccard {j}");
            }
        }
    }
}

#[test]
fn verdicts_name_matches_and_clusters_stay_stable_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let index = create(dir.path(), &["--history", "exact"]);
    let docs = sample();
    let first = write_jsonl(&dir.path().join("a.jsonl"), &docs[..200]);
    let rest = write_jsonl(&dir.path().join("b.jsonl"), &docs[200..]);
    let (v1, err, code) = dedup(&index, &[&first], &[]);
    assert_eq!(code, 0, "{err}");
    let cluster_of: BTreeMap<String, u64> = v1
        .iter()
        .filter_map(|v| Some((v["id"].as_str()?.to_string(), v["cluster"].as_u64()?)))
        .collect();
    let (v2, err, code) = dedup(&index, &[&rest], &[]);
    assert_eq!(code, 0, "{err}");
    // A document matching an earlier run's document joins that document's cluster.
    let mut joined = 0;
    for v in &v2 {
        for m in v["matches"].as_array().unwrap() {
            let keys: BTreeSet<&str> = m.as_object().unwrap().keys().map(|k| k.as_str()).collect();
            assert!(
                ["id", "source", "date", "jaccard", "containment"]
                    .iter()
                    .all(|k| keys.contains(k))
            );
            let j = m["jaccard"].as_f64().unwrap();
            assert!((0.8..=1.0).contains(&j), "{m}");
            if let Some(&c) = cluster_of.get(m["id"].as_str().unwrap())
                && v["merged"].is_null()
            {
                assert_eq!(v["cluster"].as_u64(), Some(c), "{v}");
                joined += 1;
            }
        }
        if v["status"] == "exact_duplicate" {
            assert!(
                v["matches"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|m| m["jaccard"] == 1.0)
            );
        }
        if v["status"] == "new" {
            assert!(v["matches"].as_array().unwrap().is_empty());
        }
    }
    assert!(
        joined > 0,
        "no second-run document joined a first-run cluster"
    );
    // The export agrees with what the verdicts said.
    let exported: BTreeMap<String, u64> = export(&index)
        .into_iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().into(),
                d["cluster"].as_u64().unwrap(),
            )
        })
        .collect();
    for v in &v2 {
        if let Some(c) = v["cluster"].as_u64() {
            assert_eq!(exported[v["id"].as_str().unwrap()], c);
        }
    }
    // A re-run indexes nothing twice, and gives the verdicts of the first time again (their
    // clusters as they are now: the second run merged some).
    let (v3, err, code) = dedup(&index, &[&first, &rest], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("; 0 added to"), "{err}");
    assert!(
        err.contains("313 indexed before, their stored verdicts given again"),
        "{err}"
    );
    assert_eq!(v3.len(), 316);
    for (again, was) in v3.iter().zip(v1.iter().chain(&v2)) {
        let mut was = was.clone();
        if let Some(id) = was["id"].as_str().filter(|_| was["cluster"].is_u64()) {
            was["cluster"] = exported[id].into();
        }
        assert_eq!(again, &was);
    }
    assert_eq!(export(&index).len(), 313);
}

#[test]
fn a_document_bridging_two_clusters_merges_them() {
    let dir = tempfile::tempdir().unwrap();
    // At 0.4, the concatenation of two articles of similar length matches each of them.
    let index = create(dir.path(), &["--threshold", "0.4"]);
    let docs = sample();
    let words = |d: &Value| d["content"].as_str().unwrap().split_whitespace().count();
    let mut long: Vec<&Value> = docs
        .iter()
        .filter(|d| (150..200).contains(&words(d)))
        .collect();
    long.truncate(2);
    let (a, b) = (long[0], long[1]);
    let batch1 = write_jsonl(&dir.path().join("1.jsonl"), &[a.clone(), b.clone()]);
    let (v1, err, code) = dedup(&index, &[&batch1], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(v1.iter().all(|v| v["status"] == "new"), "{v1:?}");
    let (ca, cb) = (
        v1[0]["cluster"].as_u64().unwrap(),
        v1[1]["cluster"].as_u64().unwrap(),
    );
    assert_ne!(ca, cb);
    let both = json!({"id": "both", "source": "x", "date_extracted": "2015-08-01",
        "content": format!("{}\n{}", a["content"].as_str().unwrap(), b["content"].as_str().unwrap())});
    let batch2 = write_jsonl(&dir.path().join("2.jsonl"), &[both]);
    let (v2, err, code) = dedup(&index, &[&batch2], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v2[0]["status"], "duplicate", "{v2:?}");
    assert_eq!(v2[0]["cluster"].as_u64(), Some(ca.min(cb)));
    assert_eq!(v2[0]["merged"], json!([ca.max(cb)]));
    assert!(err.contains("1 cluster merges"), "{err}");
    let clusters = exported_clusters(&index);
    assert_eq!(clusters.len(), 1);
    assert_eq!(clusters.iter().next().unwrap().len(), 3);
}

#[test]
fn dry_run_window_and_fail_on_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let index = create(dir.path(), &[]);
    let docs = sample();
    let orig = docs
        .iter()
        .find(|d| d["content"].as_str().unwrap().split_whitespace().count() > 100)
        .unwrap();
    let batch1 = write_jsonl(&dir.path().join("1.jsonl"), std::slice::from_ref(orig));
    assert_eq!(dedup(&index, &[&batch1], &[]).2, 0);
    // The same story republished three weeks later under another id.
    let mut later = orig.clone();
    later["id"] = "later".into();
    later["date_extracted"] = "2015-08-11 10:00:00".into();
    let batch2 = write_jsonl(&dir.path().join("2.jsonl"), &[later]);
    let (v, _, code) = dedup(&index, &[&batch2], &["--window", "7d", "--dry-run"]);
    assert_eq!((v[0]["status"].as_str(), code), (Some("new"), 0));
    let (v, _, code) = dedup(&index, &[&batch2], &["--window", "30d", "--dry-run"]);
    assert_eq!(
        (v[0]["status"].as_str(), code),
        (Some("exact_duplicate"), 0)
    );
    let (v, err, code) = dedup(&index, &[&batch2], &["--dry-run", "--fail-on-duplicate"]);
    assert_eq!(
        (v[0]["status"].as_str(), code),
        (Some("exact_duplicate"), 3),
        "{err}"
    );
    // Dry runs added nothing.
    assert_eq!(export(&index).len(), 1);
    let (_, _, code) = dedup(&index, &[&batch2], &["--fail-on-duplicate"]);
    assert_eq!(code, 3);
    assert_eq!(
        export(&index).len(),
        2,
        "the batch is added before exiting 3"
    );
    let (_, _, code) = dedup(&index, &[&batch1], &["--fail-on-duplicate"]);
    assert_eq!(code, 0, "already indexed is not a duplicate");
    let (_, err, code) = dedup(&index, &[&batch2], &["--window", "7 days"]);
    assert_eq!(code, 2, "a usage error, as in cluster");
    assert!(err.contains("unit"), "{err}");
}

#[test]
fn remove_prune_export_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let index = create(dir.path(), &[]);
    let (v, err, code) = dedup(&index, &[SAMPLE], &[]);
    assert_eq!(code, 0, "{err}");
    let all = export(&index);
    assert_eq!(all.len(), 313);
    // Remove an article that has an exact copy: a fresh copy then matches only the other one.
    let dup = v.iter().find(|v| v["status"] == "exact_duplicate").unwrap();
    let gone = dup["matches"][0]["id"].as_str().unwrap().to_string();
    let (_, err, code) = naql(&["index", "remove", &index, &gone]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(export(&index).len(), 312);
    check_ok(&index);
    let (_, err, code) = naql(&["index", "remove", &index, &gone]);
    assert_eq!(code, 1);
    assert!(err.contains(&gone), "{err}");
    // Prune: everything dated before August goes, the rest stays.
    let before = all
        .iter()
        .filter(|d| d["id"] != gone.as_str() && d["date"].as_str().unwrap() < "2015-08-01")
        .count();
    let (_, err, code) = naql(&["index", "prune", &index, "--before", "2015-08-01"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!("removed {before} documents")),
        "{err}"
    );
    let left = export(&index);
    assert_eq!(left.len(), 312 - before);
    assert!(
        left.iter()
            .all(|d| d["date"].as_str().unwrap() >= "2015-08-01")
    );
    check_ok(&index);
    let (out, _, code) = naql(&["index", "stats", &index, "--json"]);
    assert_eq!(code, 0);
    let s: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(s["documents"].as_u64(), Some(left.len() as u64));
    assert_eq!(s["params"]["algorithm"], "naql-oph-v2");
    assert!(s["bytes_per_document"].as_f64().unwrap() > 0.0);
    let (_, err, code) = naql(&["index", "prune", &index, "--before", "last week"]);
    assert_eq!(code, 2, "a usage error");
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    // Pruning leaves free pages; compacting gives them back and keeps every document.
    let size = |p: &str| std::fs::metadata(p).unwrap().len();
    let pruned_size = size(&index);
    let (_, err, code) = naql(&["index", "compact", &index]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("freed"), "{err}");
    assert!(
        size(&index) < pruned_size,
        "{} bytes after compacting, {pruned_size} before",
        size(&index)
    );
    assert_eq!(export(&index), left);
    check_ok(&index);
    let (v, err, code) = dedup(&index, &[SAMPLE], &["--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(v.iter().any(|v| v["status"] == "exact_duplicate"));
    // At rest the index is one file: no write-ahead log or shared memory left behind.
    let files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["news.naql"]);
}

#[test]
fn wrong_files_and_parameters_are_refused_with_clear_messages() {
    let dir = tempfile::tempdir().unwrap();
    let index = create(dir.path(), &[]);
    let err_of = |args: &[&str]| {
        let (_, err, code) = naql(args);
        assert_eq!(code, 1, "{args:?}: {err}");
        err
    };
    // Not an index: a JSONL file, another SQLite database.
    let e = err_of(&["dedup", "--index", SAMPLE, SAMPLE]);
    assert!(
        e.contains("not a naql index") && e.contains("saudinewsnet-sample"),
        "{e}"
    );
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t(x)")
        .unwrap();
    let e = err_of(&["index", "stats", other.to_str().unwrap()]);
    assert!(e.contains("not one naql made"), "{e}");
    // Missing file, missing directory, existing file.
    let e = err_of(&["dedup", "--index", "/nonexistent/x.naql", SAMPLE]);
    assert!(e.contains("no index there"), "{e}");
    let e = err_of(&["index", "create", "/nonexistent/dir/x.naql"]);
    assert!(
        e.contains("/nonexistent/dir") && e.contains("does not exist"),
        "{e}"
    );
    let e = err_of(&["index", "create", &index]);
    assert!(e.contains("already exists"), "{e}");
    // Parameters that would mix signatures.
    let e = err_of(&["dedup", "--index", &index, "--ngram", "5", SAMPLE]);
    assert!(e.contains("shingling"), "{e}");
    let e = err_of(&["dedup", "--index", &index, "--no-fold", "alef", SAMPLE]);
    assert!(e.contains("normalization"), "{e}");
    // An unknown format version, and a stored algorithm this naql does not make.
    let copy = dir.path().join("v99.naql");
    std::fs::copy(&index, &copy).unwrap();
    let c = rusqlite::Connection::open(&copy).unwrap();
    c.execute_batch("PRAGMA user_version = 99").unwrap();
    drop(c);
    let e = err_of(&["index", "stats", copy.to_str().unwrap()]);
    assert!(e.contains("format version 99"), "{e}");
    let c = rusqlite::Connection::open(&index).unwrap();
    c.execute_batch(
        "UPDATE meta SET value = replace(value, 'naql-oph-v2', 'naql-oph-v9') WHERE key = 'params'",
    )
    .unwrap();
    drop(c);
    let e = err_of(&["dedup", "--index", &index, SAMPLE]);
    assert!(e.contains("naql-oph-v9") && e.contains("new index"), "{e}");
    // Bad input names its file and line, and adds nothing.
    let index2 = dir.path().join("second.naql");
    naql(&["index", "create", index2.to_str().unwrap()]);
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"id\": 1, \"text\": \"نص\"}\n{\"id\": 2, \"text\": \n",
    )
    .unwrap();
    let e = err_of(&[
        "dedup",
        "--index",
        index2.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert!(e.contains("bad.jsonl:2"), "{e}");
    assert!(export(index2.to_str().unwrap()).is_empty());
}

fn is_root() -> bool {
    // Root ignores file modes; the test then runs naql as `nobody`.
    unsafe_free_uid() == 0
}

fn unsafe_free_uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self")
        .map(|m| m.uid())
        .unwrap_or(1)
}

#[test]
fn a_read_only_index_is_refused_and_left_alone() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let index = create(dir.path(), &[]);
    let docs = sample();
    let first = write_jsonl(&dir.path().join("a.jsonl"), &docs[..100]);
    let (v, _, code) = dedup(&index, &[&first], &[]);
    assert_eq!(code, 0);
    let before = v.iter().filter(|v| v["status"] != "skipped").count();
    std::fs::set_permissions(&index, std::fs::Permissions::from_mode(0o444)).unwrap();
    let mut cmd = Command::new(BIN);
    cmd.args(["dedup", "--index", &index, SAMPLE]);
    if is_root() {
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        cmd.uid(65534).gid(65534);
    }
    let (_, err, code) = run(&mut cmd);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("read-only") && err.contains("news.naql"),
        "{err}"
    );
    // Reading a WAL database needs its -shm file: without a writable directory, the index is
    // read immutable (no write-ahead log waits to be folded in).
    if is_root() {
        let mut cmd = Command::new(BIN);
        cmd.args(["index", "stats", &index]).uid(65534).gid(65534);
        let (out, err, code) = run(&mut cmd);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(&format!("documents   {before} ")), "{out}");
    }
    assert_eq!(export(&index).len(), before);
}

#[test]
fn a_full_disk_fails_cleanly_and_the_index_stays_usable() {
    let dir = tempfile::tempdir().unwrap();
    let index = create(dir.path(), &[]);
    // A file size limit of 100 blocks: the write-ahead log of the batch cannot be written.
    // SIGXFSZ is ignored so that the write fails with EFBIG instead of killing the process.
    let (_, err, code) = run(Command::new("sh").args([
        "-c",
        "trap '' XFSZ; ulimit -f 100; exec \"$0\" \"$@\"",
        BIN,
        "dedup",
        "--index",
        &index,
        SAMPLE,
    ]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("cannot write") && err.contains("news.naql"),
        "{err}"
    );
    check_ok(&index);
    assert!(export(&index).is_empty());
    let (_, err, code) = dedup(&index, &[SAMPLE], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(export(&index).len(), 313);
}

#[test]
fn a_second_job_waits_a_bounded_time_then_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    let index = create(dir.path(), &[]);
    // Another job holds the write lock.
    let holder = rusqlite::Connection::open(&index).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let t = Instant::now();
    let (_, err, code) = dedup(&index, &[SAMPLE], &["--wait", "0.5"]);
    assert_eq!(code, 4, "{err}");
    assert!(t.elapsed() >= Duration::from_millis(500));
    assert!(err.contains("in use by another job"), "{err}");
    // A job that waits long enough goes through once the lock is released.
    let child = Command::new(BIN)
        .args(["dedup", "--index", &index, "--wait", "60", "-q", SAMPLE])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    holder.execute_batch("COMMIT").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 316);
    // Two real jobs at once: both finish, each document is indexed once.
    let docs = sample();
    let a = write_jsonl(&dir.path().join("a.jsonl"), &docs[..160]);
    let b = write_jsonl(&dir.path().join("b.jsonl"), &docs[100..]);
    let index2 = dir.path().join("two.naql").to_str().unwrap().to_string();
    naql(&["index", "create", &index2]);
    let jobs: Vec<_> = [&a, &b]
        .iter()
        .map(|input| {
            Command::new(BIN)
                .args(["dedup", "--index", &index2, "-q", "-o", "/dev/null", input])
                .spawn()
                .unwrap()
        })
        .collect();
    for mut j in jobs {
        assert!(j.wait().unwrap().success());
    }
    check_ok(&index2);
    let ids: Vec<String> = export(&index2)
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 313);
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 313);
}

#[test]
fn a_job_killed_at_any_moment_leaves_a_consistent_index_and_the_rerun_adds_each_once() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    // Eight copies of the fixture under other ids: a batch long enough to be killed inside.
    let docs: Vec<Value> = (0..8)
        .flat_map(|c| {
            sample().into_iter().map(move |mut d| {
                d["id"] = format!("{c}-{}", d["id"]).into();
                d
            })
        })
        .collect();
    let input = write_jsonl(&dir.path().join("big.jsonl"), &docs);
    let full = docs.len() - 8 * 3; // the empty articles are never indexed
    let index_at = |i: usize| {
        let p = dir.path().join(format!("k{i}.naql"));
        let p = p.to_str().unwrap().to_string();
        assert_eq!(naql(&["index", "create", &p]).2, 0);
        p
    };
    // How long an uninterrupted run takes.
    let probe = index_at(100);
    let t = Instant::now();
    assert_eq!(dedup(&probe, &[&input], &["-q"]).2, 0);
    let span = t.elapsed();
    // Kill moments: spread over the run, then three times as soon as the job starts writing
    // its transaction (the write-ahead log grows), which is where a torn batch would show.
    let moments: Vec<Option<f64>> = (0..6)
        .map(|i| Some(i as f64 / 5.0))
        .chain([None, None, None])
        .collect();
    let (mut killed, mut empty_after_kill, mut killed_writing) = (0, 0, 0);
    for (i, moment) in moments.into_iter().enumerate() {
        let index = index_at(i);
        let wal = PathBuf::from(format!("{index}-wal"));
        let mut child = Command::new(BIN)
            .args(["dedup", "--index", &index, "-q", "-o", "/dev/null", &input])
            .spawn()
            .unwrap();
        let mut writing = false;
        match moment {
            Some(f) => std::thread::sleep(span.mul_f64(f)),
            None => {
                let t = Instant::now();
                while child.try_wait().unwrap().is_none() && t.elapsed() < span * 4 {
                    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
                        writing = true;
                        break;
                    }
                    std::thread::sleep(Duration::from_micros(200));
                }
            }
        }
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        let was_killed = status.signal() == Some(9);
        check_ok(&index);
        let n = export(&index).len();
        assert!(
            n == 0 || n == full,
            "kill {i}: {n} documents, neither none nor all"
        );
        killed += was_killed as usize;
        empty_after_kill += (was_killed && n == 0) as usize;
        killed_writing += (was_killed && writing) as usize;
        let (_, err, code) = dedup(&index, &[&input], &[]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains(&format!("; {} added to", full - n)), "{err}");
        let ids: BTreeSet<String> = export(&index)
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids.len(), full);
        check_ok(&index);
    }
    assert!(
        killed >= 5,
        "only {killed} runs were killed before finishing"
    );
    assert!(empty_after_kill >= 1);
    assert!(
        killed_writing >= 1,
        "no job was killed while writing its transaction"
    );
}

#[test]
fn a_missing_index_path_is_not_created_by_dedup() {
    let dir = tempfile::tempdir().unwrap();
    let index: PathBuf = dir.path().join("typo.naql");
    let (_, err, code) = naql(&["dedup", "--index", index.to_str().unwrap(), SAMPLE]);
    assert_eq!(code, 1);
    assert!(err.contains("naql index create"), "{err}");
    assert!(!index.exists());
}
