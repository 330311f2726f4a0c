//! Bad and unusual inputs through the real `naql` binary: every failure must name its file and
//! line and exit with 1 (never a panic), and with `--skip-bad` every record must be accounted for.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/saudinewsnet-sample.jsonl"
);

const STORY: &str = "أعلنت وزارة الصحة اليوم عن تسجيل حالات جديدة في عدد من المناطق وأكدت أن الفرق \
                     الطبية تعمل على مدار الساعة لمتابعة المخالطين وتقديم الرعاية اللازمة للمرضى \
                     في المستشفيات الحكومية والخاصة";
const OTHER: &str = "انتهت مباراة كرة القدم بين الفريقين في الملعب الكبير مساء أمس بالتعادل بعد شوط \
                     ثان مثير شهد فرصا كثيرة للطرفين أمام جمهور غفير ملأ المدرجات";

/// Runs `naql ARGS` in `dir` (so file names in messages are the relative names given).
fn naql(dir: &Path, args: &[&str]) -> Output {
    naql_stdin(dir, args, b"")
}

fn naql_stdin(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_naql"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start naql");
    let mut pipe = child.stdin.take().expect("stdin");
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("run naql");
    writer.join().expect("stdin writer");
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts a clean failure: exit code 1 (a panic is 101), and returns stderr.
fn fails(out: &Output) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "expected exit 1; stderr: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    assert!(out.stdout.is_empty(), "no output on failure");
    err
}

/// Asserts success and parses stdout as the `--format json` document.
fn json_of(out: &Output) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "expected exit 0; stderr: {}",
        stderr(out)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// `naql cluster -q --format json ARGS` in `dir`, which must succeed.
fn cluster_json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["cluster", "-q", "--format", "json"];
    all.extend_from_slice(args);
    json_of(&naql(dir, &all))
}

fn stat(v: &Value, key: &str) -> u64 {
    v["stats"][key]
        .as_u64()
        .unwrap_or_else(|| panic!("stats.{key} in {}", v["stats"]))
}

fn skipped(v: &Value, reason: &str) -> u64 {
    v["stats"]["skipped"][reason].as_u64().unwrap_or(0)
}

/// Every record is clustered, a singleton, or skipped for a reason.
fn assert_accounted(v: &Value) {
    let skipped: u64 = v["stats"]["skipped"]
        .as_object()
        .expect("stats.skipped")
        .values()
        .map(|n| n.as_u64().expect("count"))
        .sum();
    assert_eq!(
        stat(v, "input_records"),
        stat(v, "clustered") + stat(v, "singletons") + skipped,
        "stats: {}",
        v["stats"]
    );
}

/// Member ids of each cluster, as sets.
fn cluster_ids(v: &Value) -> Vec<BTreeSet<String>> {
    v["clusters"]
        .as_array()
        .expect("clusters")
        .iter()
        .map(|c| {
            c["members"]
                .as_array()
                .expect("members")
                .iter()
                .map(|m| m["id"].as_str().expect("id").to_string())
                .collect()
        })
        .collect()
}

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn line(id: &str, text: &str) -> String {
    json!({"id": id, "text": text}).to_string()
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, bytes).expect("write");
}

fn fixture_lines() -> Vec<String> {
    std::fs::read_to_string(FIXTURE)
        .expect("fixture")
        .lines()
        .map(str::to_owned)
        .collect()
}

mod common;
use common::Rng;

#[test]
fn malformed_json_names_its_line_and_is_counted_with_skip_bad() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        line("a", STORY),
        line("b", &format!("{STORY}.")),
        r#"{"id": "c", "text": "نص مقطوع"#.to_string(),
        line("d", OTHER),
        String::new(), // a blank line is not a record
        line("e", "خبر قصير آخر عن الطقس في المنطقة الشرقية اليوم"),
    ];
    write(dir.path(), "bad.jsonl", lines.join("\n") + "\n");

    let err = fails(&naql(dir.path(), &["cluster", "bad.jsonl"]));
    assert!(err.contains("bad.jsonl:3: malformed JSON"), "{err}");

    let v = cluster_json(dir.path(), &["--skip-bad", "bad.jsonl"]);
    assert_eq!(stat(&v, "input_records"), 5);
    assert_eq!(stat(&v, "documents"), 4);
    assert_eq!(skipped(&v, "malformed JSON"), 1);
    assert_eq!(v["skipped_records"].as_array().unwrap().len(), 1);
    assert_eq!(v["skipped_records"][0]["file"], "bad.jsonl");
    assert_eq!(v["skipped_records"][0]["line"], 3);
    assert_eq!(cluster_ids(&v), [ids(&["a", "b"])]);
    assert_accounted(&v);
}

#[test]
fn missing_text_field_names_its_line_and_text_field_picks_another() {
    let dir = tempfile::tempdir().unwrap();
    let no_text = [
        line("a", STORY),
        json!({"id": "b", "title": "عنوان", "story": STORY}).to_string(),
    ];
    write(dir.path(), "no_text.jsonl", no_text.join("\n") + "\n");
    let err = fails(&naql(dir.path(), &["cluster", "no_text.jsonl"]));
    assert!(err.contains("no_text.jsonl:2: no text field"), "{err}");
    assert!(
        err.contains("--text-field"),
        "the message says how to fix it: {err}"
    );
    let v = cluster_json(dir.path(), &["--skip-bad", "no_text.jsonl"]);
    assert_eq!(skipped(&v, "missing text"), 1);
    assert_eq!(v["skipped_records"][0]["line"], 2);

    // `text` holds a teaser that differs, `body` the copied article: the flag decides.
    let both = [
        json!({"id": "a", "text": "ملخص أول", "body": STORY}).to_string(),
        json!({"id": "b", "text": "ملخص ثان مختلف", "body": format!("{STORY}!")}).to_string(),
        json!({"id": "c", "text": "ملخص ثالث", "body": OTHER}).to_string(),
    ];
    write(dir.path(), "body.jsonl", both.join("\n") + "\n");
    let v = cluster_json(dir.path(), &["body.jsonl"]);
    assert_eq!(stat(&v, "clusters"), 0, "default reads `text`");
    let v = cluster_json(dir.path(), &["--text-field", "body", "body.jsonl"]);
    assert_eq!(stat(&v, "documents"), 3);
    assert_eq!(cluster_ids(&v), [ids(&["a", "b"])]);

    // A named field that a record lacks is an error naming the line.
    let err = fails(&naql(
        dir.path(),
        &["cluster", "--text-field", "body", "no_text.jsonl"],
    ));
    assert!(err.contains("no_text.jsonl:1: no field \"body\""), "{err}");
}

#[test]
fn invalid_utf8_names_its_line_and_is_counted_with_skip_bad() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = Vec::new();
    bytes.extend_from_slice(line("a", STORY).as_bytes());
    bytes.push(b'\n');
    // Arabic in Windows-1256, as old Arabic sites serve it.
    bytes.extend_from_slice(b"{\"id\": \"b\", \"text\": \"\xe3\xd1\xcd\xc8\xc7 \xc8\xdf\xe3\"}\n");
    bytes.extend_from_slice(line("c", &format!("{STORY}؟")).as_bytes());
    bytes.push(b'\n');
    write(dir.path(), "cp1256.jsonl", &bytes);

    let err = fails(&naql(dir.path(), &["cluster", "cp1256.jsonl"]));
    assert!(err.contains("cp1256.jsonl:2: invalid UTF-8"), "{err}");

    let v = cluster_json(dir.path(), &["--skip-bad", "cp1256.jsonl"]);
    assert_eq!(stat(&v, "input_records"), 3);
    assert_eq!(skipped(&v, "invalid UTF-8"), 1);
    assert_eq!(v["skipped_records"][0]["line"], 2);
    assert_eq!(cluster_ids(&v), [ids(&["a", "c"])]);
    assert_accounted(&v);
}

#[test]
fn duplicate_ids_name_both_places_and_the_first_wins_with_skip_bad() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        line("x", STORY),
        line("y", &format!("{STORY}.")),
        line("x", OTHER),
    ];
    write(dir.path(), "dup.jsonl", lines.join("\n") + "\n");
    let err = fails(&naql(dir.path(), &["cluster", "dup.jsonl"]));
    assert!(
        err.contains("dup.jsonl:3: duplicate id \"x\" (first at dup.jsonl:1)"),
        "{err}"
    );

    let v = cluster_json(dir.path(), &["--skip-bad", "dup.jsonl"]);
    assert_eq!(stat(&v, "input_records"), 3);
    assert_eq!(stat(&v, "documents"), 2);
    assert_eq!(skipped(&v, "duplicate id"), 1);
    assert_eq!(v["skipped_records"][0]["line"], 3);
    // The first "x" (the story) was kept, so it clusters with "y".
    assert_eq!(cluster_ids(&v), [ids(&["x", "y"])]);
    assert_accounted(&v);

    // Across files too.
    write(dir.path(), "one.jsonl", line("x", STORY) + "\n");
    write(
        dir.path(),
        "two.jsonl",
        line("z", OTHER) + "\n" + &line("x", OTHER) + "\n",
    );
    let err = fails(&naql(dir.path(), &["cluster", "one.jsonl", "two.jsonl"]));
    assert!(
        err.contains("two.jsonl:2: duplicate id \"x\" (first at one.jsonl:1)"),
        "{err}"
    );
}

#[test]
fn binary_junk_is_reported_as_binary_data_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    for seed in 1..=8u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let junk: Vec<u8> = (0..8192).map(|_| rng.next() as u8).collect();
        assert!(junk.contains(&0));
        let name = format!("junk{seed}.jsonl");
        write(dir.path(), &name, &junk);

        let err = fails(&naql(dir.path(), &["cluster", &name]));
        assert!(err.contains(&format!("{name}:1: binary data")), "{err}");

        // With --skip-bad every non-blank line is a skipped record.
        let records = junk
            .split(|&b| b == b'\n')
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
            .count() as u64;
        let v = cluster_json(dir.path(), &["--skip-bad", &name]);
        assert_eq!(stat(&v, "input_records"), records);
        assert_eq!(stat(&v, "documents"), 0);
        assert!(skipped(&v, "binary data") > 0, "{}", v["stats"]);
        assert_accounted(&v);
    }

    // A gzip file without the .gz name, and binary junk named .txt.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(line("a", STORY).as_bytes()).unwrap();
    write(dir.path(), "packed.jsonl", gz.finish().unwrap());
    let err = fails(&naql(dir.path(), &["cluster", "packed.jsonl"]));
    assert!(err.contains("packed.jsonl:1: binary data"), "{err}");

    let mut rng = Rng(42);
    let junk: Vec<u8> = (0..4096).map(|_| rng.next() as u8).collect();
    write(dir.path(), "junk.txt", &junk);
    let err = fails(&naql(dir.path(), &["cluster", "junk.txt"]));
    assert!(err.contains("junk.txt:1: binary data"), "{err}");
}

#[test]
fn empty_inputs_give_empty_results() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.jsonl", "");
    write(dir.path(), "blank.jsonl", "\n\r\n  \t\n");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"").unwrap();
    write(dir.path(), "empty.jsonl.gz", gz.finish().unwrap());
    std::fs::create_dir(dir.path().join("emptydir")).unwrap();
    for input in ["empty.jsonl", "blank.jsonl", "empty.jsonl.gz", "emptydir"] {
        let v = cluster_json(dir.path(), &[input]);
        assert_eq!(stat(&v, "input_records"), 0, "{input}");
        assert_eq!(stat(&v, "clusters"), 0, "{input}");
        assert_eq!(v["clusters"], json!([]), "{input}");
        assert_eq!(v["skipped_records"], json!([]), "{input}");
    }
    let out = naql_stdin(dir.path(), &["pairs", "-q", "-"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
}

#[test]
fn empty_and_blank_texts_are_counted_and_every_record_accounted_for() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        line("a", STORY),
        line("empty", ""),
        line("spaces", "  \t \n  \r\n "),
        json!({"id": "null", "text": null}).to_string(),
        line("punct", "،. ؟! - «» ..."),
        line("b", &format!("{STORY}.")),
        line("c", OTHER),
        "{not json".to_string(),
    ];
    write(dir.path(), "e.jsonl", lines.join("\n") + "\n");
    let v = cluster_json(dir.path(), &["--skip-bad", "e.jsonl"]);
    assert_eq!(stat(&v, "input_records"), 8);
    assert_eq!(stat(&v, "documents"), 7);
    assert_eq!(skipped(&v, "empty text"), 4);
    assert_eq!(skipped(&v, "malformed JSON"), 1);
    assert_eq!(stat(&v, "clustered"), 2);
    assert_eq!(stat(&v, "singletons"), 1);
    assert_eq!(cluster_ids(&v), [ids(&["a", "b"])]);
    assert_accounted(&v);

    // Empty texts are never clustered with each other, not even as exact duplicates.
    let empties = [line("e1", ""), line("e2", ""), line("e3", " ")];
    write(dir.path(), "empties.jsonl", empties.join("\n") + "\n");
    let v = cluster_json(dir.path(), &["empties.jsonl"]);
    assert_eq!(skipped(&v, "empty text"), 3);
    assert_eq!(stat(&v, "clusters"), 0);
    assert_eq!(stat(&v, "singletons"), 0);
    assert_accounted(&v);
}

#[test]
fn crlf_line_endings_give_the_same_clusters_as_lf() {
    let dir = tempfile::tempdir().unwrap();
    let lines = fixture_lines();
    // JSONL: CRLF after each record, and CRLF inside the texts.
    let lf = lines.join("\n") + "\n";
    let crlf = lines
        .iter()
        .map(|l| l.replace("\\n", "\\r\\n"))
        .collect::<Vec<_>>()
        .join("\r\n")
        + "\r\n";
    write(dir.path(), "lf.jsonl", &lf);
    write(dir.path(), "crlf.jsonl", &crlf);
    let a = cluster_json(dir.path(), &["lf.jsonl"]);
    let b = cluster_json(dir.path(), &["crlf.jsonl"]);
    assert!(stat(&a, "clusters") > 10, "the fixture has copies");
    // Ids are file:line here (the fixture has no id field); compare with the file name swapped.
    let b_clusters = b["clusters"]
        .to_string()
        .replace("crlf.jsonl:", "lf.jsonl:");
    assert_eq!(a["clusters"].to_string(), b_clusters);
    assert_eq!(a["stats"], b["stats"]);

    // Directories of .txt: title line, then the paragraphs.
    for (i, l) in lines.iter().enumerate() {
        let r: Value = serde_json::from_str(l).unwrap();
        let text = format!(
            "{}\n\n{}\n",
            r["title"].as_str().unwrap_or(""),
            r["content"].as_str().unwrap_or("")
        );
        write(dir.path(), &format!("lf/{i:03}.txt"), &text);
        write(
            dir.path(),
            &format!("crlf/{i:03}.txt"),
            text.replace('\n', "\r\n"),
        );
    }
    let a = cluster_json(dir.path(), &["lf"]);
    let b = cluster_json(dir.path(), &["crlf"]);
    assert!(stat(&a, "clusters") > 10);
    assert_eq!(a["clusters"], b["clusters"]);
    assert_eq!(a["stats"], b["stats"]);
}

#[test]
fn truncated_gzip_names_the_file_and_keeps_the_records_before_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    let plain = fixture_lines().join("\n") + "\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(plain.as_bytes()).unwrap();
    let whole = gz.finish().unwrap();
    let cut = &whole[..whole.len() * 6 / 10];
    write(dir.path(), "cut.jsonl.gz", cut);

    // What a decoder gets out of the cut file before the error: that many whole lines.
    let mut decoded = Vec::new();
    let mut decoder = flate2::read::MultiGzDecoder::new(cut);
    let mut buf = [0u8; 1 << 16];
    loop {
        match decoder.read(&mut buf) {
            Ok(0) => panic!("a cut gzip must not end cleanly"),
            Ok(n) => decoded.extend_from_slice(&buf[..n]),
            Err(_) => break,
        }
    }
    let whole_lines = decoded.iter().filter(|&&b| b == b'\n').count() as u64;
    assert!(whole_lines > 50, "the cut keeps a good part of the file");

    let err = fails(&naql(dir.path(), &["cluster", "cut.jsonl.gz"]));
    assert!(
        err.contains(&format!("cut.jsonl.gz:{}:", whole_lines + 1)),
        "{err}"
    );
    assert!(err.contains("truncated"), "{err}");

    let v = cluster_json(dir.path(), &["--skip-bad", "cut.jsonl.gz"]);
    assert_eq!(stat(&v, "documents"), whole_lines);
    assert_eq!(skipped(&v, "truncated input"), 1, "{}", v["stats"]);
    assert_eq!(stat(&v, "input_records"), whole_lines + 1);
    // The sample's empty texts are listed too (after the bad records).
    let bad: Vec<&Value> = v["skipped_records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["reason"].as_str().unwrap().starts_with("empty text"))
        .collect();
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0]["file"], "cut.jsonl.gz");
    assert_eq!(bad[0]["line"], whole_lines + 1);
    assert!(stat(&v, "clusters") > 0);
    assert_accounted(&v);
}

/// One JSONL line of about `bytes` bytes of real Arabic words, and a copy with a few changed.
fn huge_pair(dir: &Path, bytes: usize) {
    let words: Vec<String> = fixture_lines()
        .iter()
        .filter_map(|l| {
            let r: Value = serde_json::from_str(l).ok()?;
            Some(r["content"].as_str()?.to_owned())
        })
        .flat_map(|c| c.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let mut rng = Rng(7);
    let mut picked: Vec<&str> = Vec::new();
    let mut len = 0;
    while len < bytes {
        let w = &words[(rng.next() % words.len() as u64) as usize];
        len += w.len() + 1;
        picked.push(w);
    }
    let text = picked.join(" ");
    let step = picked.len() / 20;
    for i in (0..picked.len()).step_by(step) {
        picked[i] = "كلمةمختلفة";
    }
    let changed = picked.join(" ");
    let mut file = std::io::BufWriter::new(std::fs::File::create(dir.join("huge.jsonl")).unwrap());
    serde_json::to_writer(&mut file, &json!({"id": "orig", "text": text})).unwrap();
    file.write_all(b"\n").unwrap();
    serde_json::to_writer(&mut file, &json!({"id": "copy", "text": changed})).unwrap();
    file.write_all(b"\n").unwrap();
    file.flush().unwrap();
}

fn huge_documents_cluster(bytes: usize) {
    let dir = tempfile::tempdir().unwrap();
    huge_pair(dir.path(), bytes);
    let v = cluster_json(dir.path(), &["huge.jsonl"]);
    assert_eq!(stat(&v, "input_records"), 2);
    assert_eq!(stat(&v, "exact_duplicates"), 0);
    assert_eq!(stat(&v, "verified_pairs"), 1);
    assert_eq!(cluster_ids(&v), [ids(&["orig", "copy"])]);
}

#[test]
fn a_5_mb_document_and_its_copy_cluster() {
    huge_documents_cluster(5 << 20);
}

// About 30 s in a debug build on two cores, 2 s in release:
// `cargo test --release --test cli_inputs -- --ignored`.
#[test]
#[ignore]
fn a_50_mb_document_and_its_copy_cluster() {
    huge_documents_cluster(50 << 20);
}

#[test]
fn directories_give_relative_ids_and_count_ignored_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "corpus/a.txt", STORY);
    write(dir.path(), "corpus/sub/a.txt", format!("{STORY}.\n"));
    write(dir.path(), "corpus/sub/deeper/b.txt", OTHER);
    write(dir.path(), "corpus/notes.md", STORY);
    for input in ["corpus", "corpus/"] {
        let v = cluster_json(dir.path(), &[input]);
        assert_eq!(stat(&v, "input_records"), 3, "{input}");
        assert_eq!(stat(&v, "ignored_files"), 1, "{input}");
        assert_eq!(stat(&v, "singletons"), 1, "{input}");
        assert_eq!(cluster_ids(&v), [ids(&["a.txt", "sub/a.txt"])], "{input}");
    }
    let v = cluster_json(&dir.path().join("corpus"), &["."]);
    assert_eq!(cluster_ids(&v), [ids(&["a.txt", "sub/a.txt"])]);

    // A bad file in a directory stops the run like a bad JSONL line, unless skipped.
    write(dir.path(), "corpus/sub/bad.txt", b"\xe3\xd1\xcd\xc8\xc7\n");
    let err = fails(&naql(dir.path(), &["cluster", "corpus"]));
    assert!(err.contains("corpus/sub/bad.txt:1: invalid UTF-8"), "{err}");
    let v = cluster_json(dir.path(), &["--skip-bad", "corpus"]);
    assert_eq!(stat(&v, "input_records"), 4);
    assert_eq!(skipped(&v, "invalid UTF-8"), 1);
    assert_eq!(v["skipped_records"][0]["file"], "corpus/sub/bad.txt");
    assert_accounted(&v);
}

#[test]
fn dash_reads_jsonl_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        line("a", STORY),
        line("b", &format!("{STORY}.")),
        json!({"text": OTHER}).to_string(),
    ];
    let input = lines.join("\n") + "\n";
    let out = naql_stdin(
        dir.path(),
        &["cluster", "-q", "--format", "json", "-"],
        input.as_bytes(),
    );
    let v = json_of(&out);
    assert_eq!(stat(&v, "input_records"), 3);
    assert_eq!(cluster_ids(&v), [ids(&["a", "b"])]);

    // Records without an id are named after stdin and their line.
    let input = format!("{}\n{}\n", line("x", STORY), json!({"text": STORY}));
    let out = naql_stdin(
        dir.path(),
        &["cluster", "-q", "--format", "json", "-"],
        input.as_bytes(),
    );
    assert_eq!(cluster_ids(&json_of(&out)), [ids(&["x", "-:2"])]);

    let input = format!("{}\n{{oops\n", line("a", STORY));
    let out = naql_stdin(dir.path(), &["cluster", "-"], input.as_bytes());
    let err = fails(&out);
    assert!(err.contains("-:2: malformed JSON"), "{err}");
}

#[test]
fn thread_count_does_not_change_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = naql(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(!out.stdout.is_empty());
        out.stdout
    };
    let cluster = |threads: &str| {
        run(&[
            "--threads",
            threads,
            "cluster",
            "-q",
            "--format",
            "json",
            FIXTURE,
        ])
    };
    let pairs = |threads: &str| run(&["--threads", threads, "pairs", "-q", FIXTURE]);
    let one = cluster("1");
    assert!(one == cluster("2"), "cluster --format json differs");
    let v: Value = serde_json::from_slice(&one).unwrap();
    assert!(stat(&v, "clusters") > 10);
    let one = pairs("1");
    assert!(one == pairs("2"), "pairs differ");
    assert!(one.iter().filter(|&&b| b == b'\n').count() > 10);
}

#[test]
fn output_file_is_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "in.jsonl",
        [line("a", STORY), line("b", &format!("{STORY}."))].join("\n") + "\n",
    );
    let stdout = naql(
        dir.path(),
        &["cluster", "-q", "--format", "json", "in.jsonl"],
    );
    let out = naql(
        dir.path(),
        &[
            "cluster", "-q", "--format", "json", "-o", "out.json", "in.jsonl",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "-o writes nothing to stdout");
    let written = std::fs::read(dir.path().join("out.json")).expect("out.json");
    assert_eq!(written, stdout.stdout);
    let leftovers = |dir: &Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("naql-tmp"))
            .collect()
    };
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());

    // Overwriting an existing file works the same.
    let out = naql(dir.path(), &["pairs", "-q", "-o", "out.json", "in.jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = std::fs::read_to_string(dir.path().join("out.json")).unwrap();
    assert_eq!(written.lines().count(), 1);
    assert!(written.starts_with(r#"{"a":"a","b":"b""#), "{written}");

    // A directory that does not exist.
    let err = fails(&naql(
        dir.path(),
        &["cluster", "-q", "-o", "missing/dir/out.json", "in.jsonl"],
    ));
    assert!(err.contains("missing/dir/out.json"), "{err}");
    assert!(!dir.path().join("missing").exists());

    // A path that cannot be replaced (a directory): the temporary file is cleaned up.
    std::fs::create_dir(dir.path().join("taken")).unwrap();
    std::fs::write(dir.path().join("taken/keep"), "x").unwrap();
    let err = fails(&naql(
        dir.path(),
        &["cluster", "-q", "-o", "taken", "in.jsonl"],
    ));
    assert!(err.contains("taken"), "{err}");
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn bad_options_fail_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "in.jsonl", line("a", STORY) + "\n");
    let err = fails(&naql(
        dir.path(),
        &["cluster", "--no-fold", "vowels", "in.jsonl"],
    ));
    assert!(
        err.contains("unknown normalization rule \"vowels\""),
        "{err}"
    );
    assert!(err.contains("diacritics"), "lists the rules: {err}");
    let err = fails(&naql(dir.path(), &["normalize", "--no-fold", "vowels"]));
    assert!(err.contains("\"vowels\""), "{err}");
    for t in ["0", "1.5", "-0.2", "NaN"] {
        let err = fails(&naql(
            dir.path(),
            &["cluster", &format!("--threshold={t}"), "in.jsonl"],
        ));
        assert!(err.contains("--threshold must be in (0, 1]"), "{t}: {err}");
        assert!(err.contains(&format!("got {t}")), "{t}: {err}");
    }
    // The bounds themselves are fine.
    let v = cluster_json(dir.path(), &["--threshold", "1", "in.jsonl"]);
    assert_eq!(stat(&v, "input_records"), 1);
    // Options are checked before any input is read.
    let err = fails(&naql(
        dir.path(),
        &["cluster", "--threshold", "0", "does-not-exist.jsonl"],
    ));
    assert!(err.contains("--threshold"), "{err}");
}
