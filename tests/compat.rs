//! Every versioned format against its compat fixture (`fixtures/compat/`, see its README.md):
//! today's naql still reads what an earlier naql stored and gives the recorded answers, still
//! writes the same bytes for the same input, and refuses a damaged or other-version copy with a
//! message that says so.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const COMPAT: &str = "fixtures/compat";
const SAMPLE: &str = "fixtures/saudinewsnet-sample.jsonl";
const SEED_A: &str = "fixtures/seeds/000_c451157b21fd5381.txt";
const SEED_B: &str = "fixtures/seeds/003_ada74c54324190cc.txt";

/// Runs naql from the repository root (the fixtures were made from there, with relative paths).
fn run(args: &[&str]) -> Output {
    common::naql_output_in(Path::new(ROOT), args)
}

fn fixture(name: &str) -> PathBuf {
    Path::new(ROOT).join(COMPAT).join(name)
}

fn recorded(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temporary path")
}

/// A change made to a copy of a fixture.
type Edit = fn(&mut Vec<u8>);

/// A copy of the fixture `name` in `dir`, optionally changed by `edit`.
fn copy_of(dir: &Path, name: &str, edit: impl FnOnce(&mut Vec<u8>)) -> PathBuf {
    let mut bytes = std::fs::read(fixture(name)).unwrap();
    edit(&mut bytes);
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The stderr of a run that must fail with exit code 1, its folder `dir` read as `[TMP]`.
fn refusal(out: &Output, dir: &Path) -> String {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "expected exit code 1: {err}");
    assert!(out.stdout.is_empty(), "a refused run printed results");
    assert!(!err.contains("panicked"), "{err}");
    err.replace(path_str(dir), "[TMP]")
}

/// Replaces the first occurrence of `from` by `to` (of the same length, so that an SQLite page
/// keeps its layout).
fn replace_once(bytes: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let at = bytes
        .windows(from.len())
        .position(|w| w == from)
        .expect("the string is in the file");
    bytes[at..at + to.len()].copy_from_slice(to);
}

// ---- SQLite index: format version 2 (read), version 1 (refused: normalization v1) ----

const HISTORIES: [&str; 2] = ["estimate", "exact"];

/// The SQLite header's big-endian 32-bit field at `offset` (60: user_version, 68: application_id).
fn header_field(bytes: &[u8], offset: usize) -> u32 {
    u32::from_be_bytes(bytes[offset..offset + 4].try_into().unwrap())
}

#[test]
fn index_fixtures_are_of_their_format_version_at_rest() {
    for (h, v) in HISTORIES.iter().flat_map(|h| [(h, 1), (h, 2)]) {
        let name = format!("index-{h}-v{v}.naql");
        let bytes = std::fs::read(fixture(&name)).unwrap();
        assert!(bytes.starts_with(b"SQLite format 3\0"), "{name}");
        assert_eq!(header_field(&bytes, 60), v, "{name}: user_version");
        assert_eq!(
            header_field(&bytes, 68),
            0x6e61_716c,
            "{name}: application_id"
        );
        assert!(
            !fixture(&format!("{name}-wal")).exists(),
            "{name}: a -wal file"
        );
    }
}

#[test]
fn index_v2_stats_export_and_check_are_as_recorded() {
    for h in HISTORIES {
        let dir = tempfile::tempdir().unwrap();
        let index = copy_of(dir.path(), &format!("index-{h}-v2.naql"), |_| {});
        let index = path_str(&index);
        for (cmd, file) in [
            (vec!["index", "stats", "--json", index], "stats.json"),
            (vec!["index", "export", index], "export.jsonl"),
            (vec!["index", "check", index], "check.txt"),
        ] {
            let out = common::ok(&run(&cmd));
            assert_eq!(
                out,
                recorded(&format!("index-{h}-v2.{file}")),
                "{h}: naql {}",
                cmd[..2].join(" ")
            );
        }
    }
}

#[test]
fn index_v2_dedup_gives_the_recorded_verdicts() {
    for h in HISTORIES {
        let dir = tempfile::tempdir().unwrap();
        let index = copy_of(dir.path(), &format!("index-{h}-v2.naql"), |_| {});
        let index = path_str(&index);
        for batch in ["batch-2", "probe"] {
            let input = format!("{COMPAT}/{batch}.jsonl");
            let out = run(&["dedup", "--index", index, "--dry-run", &input]);
            let what = format!("{h}: dry run of {batch}");
            assert_eq!(out.status.code(), Some(0), "{what}: {}", text(&out.stderr));
            let expected = recorded(&format!("index-{h}-v2.dry-run-{batch}.jsonl"));
            assert_eq!(text(&out.stdout), expected, "{what}: verdicts");
            let summary = recorded(&format!("index-{h}-v2.dry-run-{batch}.err"));
            assert_eq!(text(&out.stderr), summary, "{what}: summary");
        }
        // Nothing was added by the dry runs.
        let export = common::ok(&run(&["index", "export", index]));
        assert_eq!(
            export,
            recorded(&format!("index-{h}-v2.export.jsonl")),
            "{h}"
        );

        // The old file takes a real batch too: the same verdicts, then one more document.
        let probe = format!("{COMPAT}/probe.jsonl");
        let out = run(&["dedup", "--index", index, &probe]);
        assert_eq!(out.status.code(), Some(0), "{h}: {}", text(&out.stderr));
        let expected = recorded(&format!("index-{h}-v2.dry-run-probe.jsonl"));
        assert_eq!(text(&out.stdout), expected, "{h}: dedup after the dry run");
        let check = common::ok(&run(&["index", "check", index]));
        assert_eq!(check, "ok: 15 documents, consistent\n", "{h}");
    }
}

#[test]
fn index_of_another_version_or_kind_is_refused() {
    let probe = format!("{COMPAT}/probe.jsonl");
    let name = "index-estimate-v2.naql";
    let cases: [(&str, Edit, &str); 4] = [
        (
            "format version 3",
            |b| b[60..64].copy_from_slice(&3u32.to_be_bytes()),
            "naql: error: [TMP]/index-estimate-v2.naql: index format version 3, \
             this naql reads version 2 only\n",
        ),
        (
            "another application id",
            |b| b[68..72].copy_from_slice(&0x1234_5678u32.to_be_bytes()),
            "naql: error: [TMP]/index-estimate-v2.naql: not a naql index \
             (an SQLite database, but not one naql made)\n",
        ),
        (
            "another signature algorithm",
            |b| replace_once(b, b"naql-oph-v2", b"naql-oph-v3"),
            "naql: error: [TMP]/index-estimate-v2.naql: signatures were made with \
             \"naql-oph-v3\"; this naql makes \"naql-oph-v2\": build a new index\n",
        ),
        (
            "not SQLite",
            |b| *b = b"not a database\n".repeat(100),
            "naql: error: [TMP]/index-estimate-v2.naql: not a naql index \
             (not an SQLite database)\n",
        ),
    ];
    for (what, edit, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let path = copy_of(d, name, edit);
        let before = std::fs::read(&path).unwrap();
        let index = path_str(&path);
        let stats = refusal(&run(&["index", "stats", "--json", index]), d);
        assert_eq!(stats, message, "index stats of {what}");
        let dedup = refusal(&run(&["dedup", "--index", index, &probe]), d);
        assert_eq!(dedup, message, "dedup into {what}");
        // Refused means untouched: nothing written into the file, nothing left beside it.
        assert!(
            std::fs::read(&path).unwrap() == before,
            "{what}: the file changed"
        );
        let left: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, [name], "{what}: files left beside the index");
    }
}

/// An index of format 1 (normalization v1: its keys are not this naql's) is refused by every
/// command that opens it, with the commands that rebuild it, and left untouched.
#[test]
fn index_of_format_1_is_refused_with_how_to_rebuild() {
    let probe = format!("{COMPAT}/probe.jsonl");
    for h in HISTORIES {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let name = format!("index-{h}-v1.naql");
        let path = copy_of(d, &name, |_| {});
        let before = std::fs::read(&path).unwrap();
        let index = path_str(&path);
        let message = format!(
            "naql: error: [TMP]/{name}: index format version 1, built with normalization \
             naql-norm-v1; this naql (format 2, naql-norm-v2) cannot add to it or compare \
             with it: rebuild it from the documents with `naql index create NEW.naql` (the \
             same --history and options), then `naql dedup --index NEW.naql FILES...`\n"
        );
        for cmd in [
            vec!["index", "stats", "--json", index],
            vec!["index", "export", index],
            vec!["index", "check", index],
            vec!["dedup", "--index", index, &probe],
            vec!["dedup", "--index", index, "--dry-run", &probe],
        ] {
            assert_eq!(
                refusal(&run(&cmd), d),
                message,
                "{h}: naql {}",
                cmd.join(" ")
            );
        }
        assert!(
            std::fs::read(&path).unwrap() == before,
            "{h}: the file changed"
        );
    }
}

// ---- IDF tables: naql-idf-v2 (read), naql-idf-v1 (refused: normalization v1) ----

const TABLES: [&str; 2] = ["idf-v2", "idf-lsa8-v2"];

#[test]
fn idf_tables_give_the_recorded_stories() {
    for t in TABLES {
        let table = format!("{COMPAT}/{t}.json");
        let batch = format!("{COMPAT}/batch-1.jsonl");
        let args = [
            "cluster",
            "--level",
            "story",
            "--idf",
            &table,
            "fixtures/seeds",
            &batch,
        ];
        let out = common::ok(&run(&args));
        assert_eq!(out, recorded(&format!("{t}.stories.txt")), "{t}");
    }
}

#[test]
fn idf_table_weighs_the_recorded_diff() {
    let table = format!("{COMPAT}/idf-v2.json");
    let args = [
        "diff",
        SEED_A,
        SEED_B,
        "--format",
        "json",
        "--idf",
        &table,
        "--min-score",
        "0.3",
    ];
    assert_eq!(common::ok(&run(&args)), recorded(DIFF_IDF));
}

/// The same corpus gives the same table, byte for byte (LSA training included).
#[test]
fn idf_tables_are_made_the_same_today() {
    let dir = tempfile::tempdir().unwrap();
    for (t, dims) in [("idf-v2", "0"), ("idf-lsa8-v2", "8")] {
        let out = dir.path().join(format!("{t}.json"));
        let args = [
            "idf",
            SAMPLE,
            "--min-df",
            "3",
            "--dims",
            dims,
            "-o",
            path_str(&out),
        ];
        common::ok(&run(&args));
        let made = std::fs::read(&out).unwrap();
        let kept = std::fs::read(fixture(&format!("{t}.json"))).unwrap();
        assert!(
            made == kept,
            "{t}: the table made today differs from the fixture"
        );
    }
}

#[test]
fn idf_table_of_another_version_or_kind_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let other_rules = format!(
        "naql: error: [TMP]/idf-v2.json: IDF table made with other normalization rules ({}) \
         than this run ({})\n",
        rules("null"),
        rules("true")
    );
    let cases: [(&str, &str, Edit, &str); 7] = [
        (
            "format naql-idf-v1 (normalization v1)",
            "idf-v1.json",
            |_| {},
            OLD_IDF_V1,
        ),
        (
            "format naql-idf-v1 with LSA vectors",
            "idf-lsa8-v1.json",
            |_| {},
            OLD_IDF_LSA8_V1,
        ),
        (
            "format naql-idf-v3",
            "idf-v2.json",
            |b| replace_once(b, b"\"naql-idf-v2\"", b"\"naql-idf-v3\""),
            "naql: error: [TMP]/idf-v2.json: IDF table format \"naql-idf-v3\", \
             this naql reads \"naql-idf-v2\"\n",
        ),
        (
            "another stemmer",
            "idf-v2.json",
            |b| replace_once(b, b"naql-light-stem-v1", b"naql-light-stem-v2"),
            "naql: error: [TMP]/idf-v2.json: IDF table made with stemmer \
             \"naql-light-stem-v2\", this naql uses \"naql-light-stem-v1\"\n",
        ),
        (
            "a cut file",
            "idf-v2.json",
            |b| b.truncate(1000),
            "naql: error: [TMP]/idf-v2.json: not a naql IDF table: \
             EOF while parsing an object at line 1 column 1000\n",
        ),
        (
            "LSA vectors one row short",
            "idf-lsa8-v2.json",
            |b| cut_lsa_vectors(b),
            "naql: error: [TMP]/idf-lsa8-v2.json: LSA part holds 2139 scales and 17106 \
             bytes, but 2139 terms × 8 dimensions need 2139 and 17112\n",
        ),
        (
            "other normalization rules",
            "idf-v2.json",
            |b| replace_once(b, b"\"alef\":true,", b"\"alef\":null,"),
            &other_rules,
        ),
    ];
    for (what, name, edit, message) in cases {
        let table = copy_of(d, name, edit);
        let args = [
            "cluster",
            "--level",
            "story",
            "--idf",
            path_str(&table),
            "fixtures/seeds",
        ];
        assert_eq!(refusal(&run(&args), d), message, "{what}");
    }
    // The genuine table, with a run whose normalization differs from the table's.
    let table = copy_of(d, "idf-v2.json", |_| {});
    let args = [
        "cluster",
        "--level",
        "story",
        "--idf",
        path_str(&table),
        "--no-fold",
        "alef",
        "fixtures/seeds",
    ];
    let message = format!(
        "naql: error: [TMP]/idf-v2.json: IDF table made with other normalization rules ({}) \
         than this run ({})\n",
        rules("true"),
        rules("false")
    );
    assert_eq!(refusal(&run(&args), d), message, "--no-fold alef");
}

const OLD_IDF_V1: &str = "naql: error: [TMP]/idf-v1.json: IDF table format \"naql-idf-v1\", \
     made with normalization naql-norm-v1; this naql reads \"naql-idf-v2\" (naql-norm-v2): \
     rebuild it from its corpus with `naql idf CORPUS... -o [TMP]/idf-v1.json`\n";
const OLD_IDF_LSA8_V1: &str = "naql: error: [TMP]/idf-lsa8-v1.json: IDF table format \
     \"naql-idf-v1\", made with normalization naql-norm-v1; this naql reads \"naql-idf-v2\" \
     (naql-norm-v2): rebuild it from its corpus with `naql idf CORPUS... -o \
     [TMP]/idf-lsa8-v1.json`\n";

/// The normalization rules as a table and the refusal show them, all on but `alef`.
fn rules(alef: &str) -> String {
    format!(
        "{{\"alef\":{alef},\"alef_maqsura\":true,\"case\":true,\"diacritics\":true,\
         \"digits\":true,\"hamza_carriers\":true,\"invisible\":true,\
         \"persian_letters\":true,\"presentation_forms\":true,\"tanween_alef\":true,\
         \"tatweel\":true,\
         \"teh_marbuta\":true}}"
    )
}

/// Drops the last 8 base64 characters (6 bytes, less its padding) of the LSA vectors.
fn cut_lsa_vectors(b: &mut Vec<u8>) {
    let key = b"\"vectors\":\"";
    let start = b.windows(key.len()).position(|w| w == key).unwrap() + key.len();
    let end = start + b[start..].iter().position(|&c| c == b'"').unwrap();
    b.drain(end - 8..end);
}

// ---- MinHash signatures, naql-oph-v2, and diff JSON, naql-diff-v2 ----

/// `naql diff --format json` of the two seeds, recorded under normalization v2.
const DIFF: &str = "diff-norm2.json";
/// The same with `--idf idf-v2.json --min-score 0.3`.
const DIFF_IDF: &str = "diff-idf-norm2.json";

#[test]
fn signatures_are_the_recorded_bytes() {
    let batch = format!("{COMPAT}/batch-1.jsonl");
    let out = common::ok(&run(&["sign", "fixtures/seeds", &batch]));
    let kept = recorded("sign-oph-v2.jsonl");
    assert_eq!(kept.lines().count(), 12);
    assert!(
        kept.lines()
            .all(|l| l.contains("\"algorithm\":\"naql-oph-v2\""))
    );
    assert!(out == kept, "naql sign differs from sign-oph-v2.jsonl");
    // v1 (kept as written) names its algorithm, so a stored v1 signature is never compared
    // with a v2 one as if it were.
    let v1 = recorded("sign-oph-v1.jsonl");
    assert!(
        v1.lines()
            .all(|l| l.contains("\"algorithm\":\"naql-oph-v1\""))
    );
}

#[test]
fn diff_json_is_the_recorded_bytes() {
    let out = common::ok(&run(&["diff", SEED_A, SEED_B, "--format", "json"]));
    let kept = recorded(DIFF);
    assert!(kept.contains("\"schema\":\"naql-diff-v2\""));
    assert_eq!(out, kept);
    // v1 (kept as written) differs only where page chrome is concerned: same rows and spans.
    let v1: serde_json::Value = serde_json::from_str(&recorded("diff-v1.json")).unwrap();
    let v2: serde_json::Value = serde_json::from_str(&kept).unwrap();
    let spans = |v: &serde_json::Value| -> Vec<String> {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| format!("{} {} {}", r["kind"], r["a"], r["b"]))
            .collect()
    };
    assert_eq!(spans(&v1), spans(&v2));
    let s = |v: &serde_json::Value, k: &str| v["summary"][k].as_u64().unwrap_or(0);
    assert_eq!(s(&v1, "only_a"), s(&v2, "only_a") + s(&v2, "boilerplate_a"));
    assert_eq!(s(&v1, "only_b"), s(&v2, "only_b") + s(&v2, "boilerplate_b"));
}
