//! Issue #12 items 8–10 on hostile JSONL records: ids, titles and sources with terminal escapes
//! (ESC, OSC, BEL, CR, C1 CSI, NUL), spreadsheet formulas and unclosed bidi overrides.
//!
//! 8. No raw control character reaches a terminal listing (`cluster`, `cluster --level story`)
//!    or the `A:`/`B:` headers of `diff` (text and unified).
//! 9. CSV cells starting with `= + - @`, tab or CR are neutralised with a leading `'`; NUL goes.
//! 10. No bidi embedding/override/isolate control is left in the metadata of the HTML pages
//!     (`diff --format html`, `report`, `report --level story`).

mod common;

use common::naql;

const TEXT: &str = "قصفت الطائرات مواقع المسلحين شمال المدينة فجر الأحد وقال مسؤول إن الهجوم أسفر \
                    عن مقتل عشرة أشخاص وإصابة آخرين بجروح في المنطقة الشمالية من البلاد";

const ID_A: &str = "a\x1b]0;pwned\x07x";
const ID_B: &str = "b\rERASE";

/// Three copies of one story whose metadata attacks terminals, spreadsheets and bidi.
fn hostile_corpus(dir: &tempfile::TempDir) -> String {
    let recs = [
        (
            ID_A,
            "=HYPERLINK(\"http://evil\")\x1b[2J",
            "\u{202E}okaz\u{9B}31m",
            "2020-01-01",
            "",
        ),
        (
            ID_B,
            "+cmd|' /C calc'!A0\u{2066}",
            "@src\0nul",
            "2020-01-02",
            " اليوم",
        ),
        (
            "-c\x1b]8;;http://x\x1b\\link",
            "\tTab",
            "\u{202B}sabq",
            "2020-01-03",
            " أمس",
        ),
    ];
    let mut body = String::new();
    for (id, title, source, date, extra) in recs {
        let rec = serde_json::json!({
            "id": id, "title": title, "source": source, "date": date,
            "text": format!("{TEXT}{extra}"),
        });
        body += &format!("{rec}\n");
    }
    let path = dir.path().join("hostile.jsonl");
    std::fs::write(&path, body).unwrap();
    path.to_str().unwrap().to_string()
}

fn ok(args: &[&str]) -> String {
    let (out, err, code) = naql(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

/// Every control character except the line feed that ends lines.
fn raw_controls(s: &str) -> Vec<char> {
    s.chars().filter(|&c| c.is_control() && c != '\n').collect()
}

#[test]
fn terminal_listings_and_diff_headers_carry_no_raw_controls() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = hostile_corpus(&dir);
    let outputs = [
        ok(&["cluster", &corpus, "-q"]),
        ok(&["cluster", &corpus, "-q", "--format", "text"]),
        ok(&["cluster", &corpus, "-q", "--level", "story"]),
        ok(&["diff", &corpus, ID_A, ID_B, "--format", "unified"]),
        ok(&[
            "diff", &corpus, ID_A, ID_B, "--format", "text", "--color", "never",
        ]),
    ];
    for out in &outputs {
        assert!(
            out.contains("pwned"),
            "the hostile records are listed: {out}"
        );
        assert_eq!(raw_controls(out), Vec::<char>::new(), "{out:?}");
        assert!(
            !out.contains(['\u{202E}', '\u{202B}', '\u{2066}']),
            "{out:?}"
        );
    }
    // The escapes show as a visible replacement character, the text around them stays.
    assert!(
        outputs[0].contains("a\u{FFFD}]0;pwned\u{FFFD}x"),
        "{}",
        outputs[0]
    );
    assert!(
        outputs[3].starts_with("A: a\u{FFFD}]0;pwned\u{FFFD}x"),
        "{}",
        outputs[3]
    );
}

#[test]
fn csv_cells_cannot_be_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = hostile_corpus(&dir);
    let csv = ok(&["cluster", &corpus, "-q", "--format", "csv"]);
    assert!(!csv.contains('\0'), "{csv:?}");
    assert!(
        csv.contains(",\"'=HYPERLINK(\"\"http://evil\"\")\x1b[2J\","),
        "{csv:?}"
    );
    assert!(csv.contains(",'+cmd|' /C calc'!A0"), "{csv:?}");
    assert!(csv.contains(",'@srcnul,"), "{csv:?}");
    assert!(csv.contains(",'-c\x1b]8;;"), "{csv:?}");
    assert!(csv.contains(",'\tTab,"), "{csv:?}");
    // No cell of any row starts a formula.
    for line in csv.lines().skip(1) {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?} in {line:?}"
            );
        }
    }
}

#[test]
fn html_metadata_has_no_bidi_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = hostile_corpus(&dir);
    let page = |args: &[&str]| {
        let out = dir.path().join("page.html");
        let mut all = args.to_vec();
        all.extend(["-o", out.to_str().unwrap()]);
        ok(&all);
        std::fs::read_to_string(out).unwrap()
    };
    let pages = [
        page(&["diff", &corpus, ID_A, ID_B, "--format", "html"]),
        page(&["report", &corpus, "-q"]),
        page(&["report", &corpus, "-q", "--level", "story"]),
    ];
    for html in &pages {
        assert!(html.contains("okaz"), "the hostile records are on the page");
        let bidi: Vec<char> = html
            .chars()
            .filter(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
            .collect();
        assert_eq!(bidi, Vec::<char>::new(), "{html}");
    }
}
