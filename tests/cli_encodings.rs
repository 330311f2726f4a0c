//! Issue #13 item 11: files in another encoding or format say what they are and how to
//! convert them (before: "binary data (NUL bytes)" for UTF-16, "invalid UTF-8 at byte 0" for
//! Windows-1256, "malformed JSON" for a UTF-8 byte-order mark or a JSON array).

mod common;

use common::naql;

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

/// UTF-16 little-endian with a byte-order mark, as Windows tools write it.
fn utf16(s: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for u in s.encode_utf16() {
        out.extend(u.to_le_bytes());
    }
    out
}

/// «قال الوزير إن» in Windows-1256.
const CP1256: &[u8] = b"\xDE\xC7\xE1 \xC7\xE1\xE6\xD2\xED\xD1 \xC5\xE4";

#[test]
fn each_foreign_input_is_named_with_its_conversion() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let line = "{\"id\":\"1\",\"text\":\"قال الوزير إن الحكومة\"}\n";
    let cases = [
        (
            write(d, "u16.jsonl", &utf16(line)),
            "UTF-16 text",
            "iconv -f UTF-16 -t UTF-8",
        ),
        (
            write(
                d,
                "cp.jsonl",
                &[b"{\"id\":\"1\",\"text\":\"", CP1256, b"\"}\n"].concat(),
            ),
            ":1: invalid UTF-8 at byte 18 of the line; it looks like Windows-1256",
            "iconv -f WINDOWS-1256 -t UTF-8",
        ),
        (
            write(
                d,
                "arr.json",
                format!("[\n{}]\n", line.trim_end()).as_bytes(),
            ),
            "a JSON array, not JSON lines",
            "jq -c '.[]'",
        ),
        (
            write(d, "t.csv", b"id,text\n1,x\n"),
            "CSV is not read",
            "mlr --icsv --ojsonl",
        ),
    ];
    for (file, what, how) in &cases {
        let (_, err, code) = naql(&["cluster", file]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains(file.as_str()), "{err}");
        assert!(err.contains(what) && err.contains(how), "{err}");
    }
}

#[test]
fn a_utf8_byte_order_mark_is_not_part_of_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let line = "{\"id\":\"1\",\"text\":\"قال الوزير إن الحكومة\"}\n";
    let file = write(
        dir.path(),
        "bom.jsonl",
        &[b"\xEF\xBB\xBF", line.as_bytes()].concat(),
    );
    let (out, err, code) = naql(&["cluster", "--format", "json", &file]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["stats"]["documents"], 1);
    let txt = write(
        dir.path(),
        "a.txt",
        &[b"\xEF\xBB\xBF", "العنوان\nنص".as_bytes()].concat(),
    );
    let (out, err, code) = naql(&["cluster", "--format", "json", &txt]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains('\u{feff}'), "{out}");
}

#[test]
fn foreign_txt_files_in_a_directory_are_skipped_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.txt",
        "خبر عن الطقس في الرياض اليوم".as_bytes(),
    );
    write(dir.path(), "b.txt", &utf16("خبر آخر"));
    write(dir.path(), "c.txt", CP1256);
    let input = dir.path().display().to_string();
    let (out, err, code) = naql(&["cluster", "--skip-bad", "--format", "json", &input]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let reasons: Vec<&str> = v["skipped_records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].starts_with("UTF-16 text"), "{reasons:?}");
    assert!(reasons[1].contains("Windows-1256"), "{reasons:?}");
    assert_eq!(v["stats"]["skipped"]["other encoding"], 1);
    assert_eq!(v["stats"]["skipped"]["invalid UTF-8"], 1);
}
