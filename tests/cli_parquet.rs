//! Parquet in and out through the real `naql` binary: the fixture written by pyarrow
//! (fixtures/parquet/make.py) clusters exactly as its JSONL does, `--format parquet` has one
//! row per document, and files whose columns do not fit fail naming the file and the column.
#![cfg(feature = "parquet")]

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, ArrayRef, Int64Array, RecordBatch, StringArray};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;

const JSONL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/saudinewsnet-sample.jsonl"
);
const PARQUET: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/parquet/saudinewsnet-sample.parquet"
);

fn naql(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_naql"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run naql")
}

fn json_of(out: &Output) -> Value {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "naql failed: {err}");
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

/// Asserts a clean failure (exit 1, no panic, no output) and returns stderr.
fn fails(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "expected exit 1; stderr: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    assert!(out.stdout.is_empty(), "no output on failure");
    err
}

/// Writes `columns` as a Parquet file at `path`.
fn write(path: &Path, columns: Vec<(&str, ArrayRef)>) {
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let mut w = ArrowWriter::try_new(File::create(path).unwrap(), batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

fn strings(v: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}

const STORY: &str = "أعلنت وزارة الصحة اليوم عن تسجيل حالات جديدة في عدد من المناطق وأكدت أن الفرق \
                     الطبية تعمل على مدار الساعة لمتابعة المخالطين وتقديم الرعاية اللازمة للمرضى";

#[test]
fn parquet_fixture_clusters_exactly_as_its_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let run = |input: &str| json_of(&naql(dir.path(), &["cluster", "--format", "json", input]));
    let (jsonl, parquet) = (run(JSONL), run(PARQUET));
    assert_eq!(parquet["clusters"], jsonl["clusters"]);
    assert_eq!(parquet["stats"], jsonl["stats"]);
    assert_eq!(parquet["params"], jsonl["params"]);
    // 31 since normalization v2 (30 before): a pair that differed only in hamza seats and
    // tanween alefs now clusters.
    assert_eq!(jsonl["clusters"].as_array().unwrap().len(), 31);
}

/// Reads naql's `--format parquet` output: id → (cluster, representative, jaccard, containment).
type Rows = BTreeMap<String, (Option<String>, Option<String>, Option<f64>, Option<f64>)>;

fn read_rows(path: &Path) -> (Rows, usize) {
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let mut rows = Rows::new();
    let mut n = 0;
    for batch in reader {
        let b = batch.unwrap();
        let s = |name: &str, i: usize| {
            let c = b.column_by_name(name).unwrap().as_string::<i32>();
            c.is_valid(i).then(|| c.value(i).to_string())
        };
        let f = |name: &str, i: usize| {
            let c = b
                .column_by_name(name)
                .unwrap()
                .as_primitive::<Float64Type>();
            c.is_valid(i).then(|| c.value(i))
        };
        for i in 0..b.num_rows() {
            n += 1;
            let id = s("id", i).unwrap();
            let row = (
                s("cluster", i),
                s("representative", i),
                f("jaccard", i),
                f("containment", i),
            );
            rows.insert(id, row);
        }
    }
    (rows, n)
}

#[test]
fn format_parquet_has_a_row_per_document_with_its_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let json = json_of(&naql(dir.path(), &["cluster", "--format", "json", JSONL]));
    let out = naql(
        dir.path(),
        &[
            "cluster",
            "--format",
            "parquet",
            "-o",
            "docs.parquet",
            JSONL,
        ],
    );
    assert!(out.status.success() && out.stdout.is_empty());
    let (rows, n) = read_rows(&dir.path().join("docs.parquet"));
    assert_eq!(n, 316, "one row per record, empty texts included");
    assert_eq!(rows.len(), 316, "ids unique");
    let mut clustered = 0;
    for c in json["clusters"].as_array().unwrap() {
        let rep = c["representative"].as_str().unwrap();
        for m in c["members"].as_array().unwrap() {
            let (cluster, representative, jaccard, containment) = &rows[m["id"].as_str().unwrap()];
            assert_eq!(cluster.as_deref(), Some(rep));
            assert_eq!(representative.as_deref(), Some(rep));
            assert_eq!(*jaccard, m["jaccard"].as_f64());
            assert_eq!(*containment, m["containment"].as_f64());
            clustered += 1;
        }
    }
    assert_eq!(
        clustered,
        json["stats"]["clustered"].as_u64().unwrap() as usize
    );
    let singletons = rows.values().filter(|r| r.0.is_none()).count();
    assert_eq!(singletons, 316 - clustered);
    assert!(
        rows.values()
            .all(|r| r.0.is_some() || (r.2.is_none() && r.3.is_none()))
    );
}

#[test]
fn columns_are_mapped_with_the_field_flags() {
    let dir = tempfile::tempdir().unwrap();
    let other =
        "انتهت مباراة كرة القدم بين الفريقين في الملعب الكبير مساء أمس بالتعادل بعد شوط ثان";
    write(
        &dir.path().join("renamed.parquet"),
        vec![
            (
                "doc",
                Arc::new(Int64Array::from(vec![10, 11, 12])) as ArrayRef,
            ),
            ("body_ar", strings(&[Some(STORY), Some(STORY), Some(other)])),
            ("outlet_name", strings(&[Some("a"), Some("b"), None])),
        ],
    );
    let out = naql(
        dir.path(),
        &["cluster", "--format", "json", "renamed.parquet"],
    );
    let err = fails(&out);
    assert!(
        err.contains("renamed.parquet: no text column") && err.contains("body_ar"),
        "{err}"
    );
    let json = json_of(&naql(
        dir.path(),
        &[
            "cluster",
            "--format",
            "json",
            "--text-field",
            "body_ar",
            "--id-field",
            "doc",
            "--source-field",
            "outlet_name",
            "renamed.parquet",
        ],
    ));
    let c = &json["clusters"][0];
    assert_eq!(c["representative"], "10");
    assert_eq!(c["sources"], serde_json::json!(["a", "b"]));
    assert_eq!(json["clusters"].as_array().unwrap().len(), 1);
}

#[test]
fn a_column_of_the_wrong_type_or_a_bad_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("numbers.parquet"),
        vec![("text", Arc::new(Int64Array::from(vec![1, 2])) as ArrayRef)],
    );
    let err = fails(&naql(dir.path(), &["cluster", "numbers.parquet"]));
    assert!(
        err.contains("numbers.parquet: column \"text\" (text) is Int64, not a string"),
        "{err}"
    );
    std::fs::write(dir.path().join("fake.parquet"), "not parquet at all").unwrap();
    let err = fails(&naql(dir.path(), &["cluster", "fake.parquet"]));
    assert!(
        err.contains("fake.parquet: not a readable Parquet file"),
        "{err}"
    );
    let err = fails(&naql(dir.path(), &["cluster", "missing.parquet"]));
    assert!(err.contains("missing.parquet: "), "{err}");
}

/// `corrupt-footer.parquet` is what the `parquet_read` fuzz target found in CI (a mutation of
/// fuzz/seeds/parquet_read/three-rows.parquet): a column chunk of negative length, on which
/// the parquet crate panics instead of returning an error.
#[test]
fn a_footer_pointing_outside_the_file_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let corrupt = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/parquet/corrupt-footer.parquet"
    );
    for args in [
        vec!["cluster", corrupt],
        vec!["cluster", "--skip-bad", corrupt],
    ] {
        let err = fails(&naql(dir.path(), &args));
        assert!(
            err.contains("corrupt-footer.parquet: corrupt Parquet footer: column \"source\""),
            "{err}"
        );
    }
}

#[test]
fn a_null_id_is_a_bad_record_naming_its_row() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("ids.parquet"),
        vec![
            ("id", strings(&[Some("a"), None, Some("c")])),
            ("text", strings(&[Some(STORY), Some(STORY), Some(STORY)])),
        ],
    );
    let err = fails(&naql(dir.path(), &["cluster", "ids.parquet"]));
    assert!(
        err.contains("ids.parquet:2: field \"id\" is not a usable id"),
        "{err}"
    );
    let json = json_of(&naql(
        dir.path(),
        &["cluster", "--format", "json", "--skip-bad", "ids.parquet"],
    ));
    assert_eq!(json["stats"]["input_records"], 3);
    assert_eq!(json["skipped_records"][0]["line"], 2);
    assert_eq!(json["clusters"][0]["size"], 2);
}

/// `--max-record-bytes` caps a Parquet row as it caps a JSON line: an over-long row is a bad
/// record naming its row, skipped with `--skip-bad`, the others kept.
#[test]
fn a_row_over_the_record_cap_is_a_bad_record() {
    let dir = tempfile::tempdir().unwrap();
    let long = STORY.repeat(40);
    write(
        &dir.path().join("big.parquet"),
        vec![
            ("id", strings(&[Some("a"), Some("b"), Some("c")])),
            ("text", strings(&[Some(STORY), Some(&long), Some(STORY)])),
        ],
    );
    let cap = (long.len() - 1).to_string();
    let err = fails(&naql(
        dir.path(),
        &["cluster", "--max-record-bytes", &cap, "big.parquet"],
    ));
    assert!(err.contains("big.parquet:2: row too long (over"), "{err}");
    let json = json_of(&naql(
        dir.path(),
        &[
            "cluster",
            "--format",
            "json",
            "--skip-bad",
            "--max-record-bytes",
            &cap,
            "big.parquet",
        ],
    ));
    assert_eq!(json["skipped_records"][0]["line"], 2);
    assert_eq!(json["clusters"][0]["members"].as_array().unwrap().len(), 2);
}

#[test]
fn parquet_output_is_refused_at_story_level() {
    let dir = tempfile::tempdir().unwrap();
    let out = naql(
        dir.path(),
        &[
            "cluster",
            "--level",
            "story",
            "--format",
            "parquet",
            "-o",
            "x.parquet",
            JSONL,
        ],
    );
    let err = fails(&out);
    assert!(
        err.contains("--format parquet is not available with --level story"),
        "{err}"
    );
    assert!(!dir.path().join("x.parquet").exists());
}

#[test]
fn a_directory_of_parquet_parts_is_read_in_path_order() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("table");
    std::fs::create_dir(&table).unwrap();
    for (part, ids) in [
        ("part-00001.parquet", ["c", "d"]),
        ("part-00000.parquet", ["a", "b"]),
    ] {
        write(
            &table.join(part),
            vec![
                ("id", strings(&[Some(ids[0]), Some(ids[1])])),
                ("text", strings(&[Some(STORY), Some(STORY)])),
            ],
        );
    }
    std::fs::write(table.join("_SUCCESS"), "").unwrap();
    let json = json_of(&naql(dir.path(), &["cluster", "--format", "json", "table"]));
    assert_eq!(json["stats"]["input_records"], 4);
    assert_eq!(json["stats"]["ignored_files"], 1);
    let members: Vec<&str> = json["clusters"][0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["a", "b", "c", "d"]);
}
