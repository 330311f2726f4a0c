//! `naql diff` and `naql report` run as a user runs them, on the fixtures' real articles.

use std::path::Path;
mod common;

use common::{naql_output as naql, ok};
use std::process::{Command, Output};

use serde_json::Value;
use unicode_width::UnicodeWidthChar;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/saudinewsnet-sample.jsonl"
);
const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds");

fn fails(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "expected an error");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn seed(prefix: &str) -> String {
    let dir = std::fs::read_dir(SEEDS).unwrap();
    let mut names: Vec<_> = dir
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| {
            Path::new(p)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(prefix)
        })
        .collect();
    names.sort();
    names.remove(0)
}

/// Writes `a` and `b` as a.txt and b.txt in `dir`; returns their paths.
fn write_pair(dir: &tempfile::TempDir, a: &str, b: &str) -> (String, String) {
    let path = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    (path("a.txt", a), path("b.txt", b))
}

fn diff_json(args: &[&str]) -> Value {
    let mut all = vec!["diff", "--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(&naql(&all))).expect("one JSON document")
}

/// The text of a `[start, end]` character span.
fn chars(text: &str, span: &Value) -> String {
    let s = span[0].as_u64().unwrap() as usize;
    let e = span[1].as_u64().unwrap() as usize;
    text.chars().skip(s).take(e - s).collect()
}

fn rows<'a>(v: &'a Value, kind: &str) -> Vec<&'a Value> {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == kind)
        .collect()
}

fn shared(v: &Value) -> Vec<&Value> {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| matches!(r["kind"].as_str(), Some("equal" | "changed" | "moved")))
        .collect()
}

/// The A and B texts of every shared row.
fn shared_texts(v: &Value, a: &str, b: &str) -> Vec<(String, String)> {
    shared(v)
        .into_iter()
        .map(|r| (chars(a, &r["a"]), chars(b, &r["b"])))
        .collect()
}

#[test]
fn seed_reports_pair_the_sentences_that_report_the_same_fact() {
    let (pa, pb, pc) = (seed("000"), seed("001"), seed("002"));
    let (a, b, c) = (
        std::fs::read_to_string(&pa).unwrap(),
        std::fs::read_to_string(&pb).unwrap(),
        std::fs::read_to_string(&pc).unwrap(),
    );
    // Moscow's December draft agreements with the US and NATO, told by two outlets.
    let v = diff_json(&[&pa, &pb]);
    let pairs = shared_texts(&v, &a, &b);
    assert!(
        pairs
            .iter()
            .any(|(x, y)| x.contains("مسودتي اتفاقيتين") && y.contains("مسودة اتفاقيات")),
        "{pairs:#?}"
    );
    // Independent translations share few sentences: most stay unpaired.
    let s = &v["summary"];
    assert!(pairs.len() <= 5, "{pairs:#?}");
    assert!(s["only_a"].as_u64().unwrap() >= 15 && s["only_b"].as_u64().unwrap() >= 15);
    assert!(
        rows(&v, "only_a")
            .iter()
            .any(|r| chars(&a, &r["a"]) == "مؤتمر الاثنين.")
    );

    // The demand for legally binding guarantees against NATO's eastward expansion.
    let v = diff_json(&[&pa, &pc]);
    let pairs = shared_texts(&v, &a, &c);
    assert!(
        pairs
            .iter()
            .any(|(x, y)| x.contains("ملزمة قانونًا") && y.contains("تعهد ملزم")),
        "{pairs:#?}"
    );
}

/// A real article and a republished copy: spelling normalized differently, the last paragraph
/// moved to the top, one sentence dropped and one added.
fn edited_copy() -> (String, String, String, String) {
    // Plain sentences of the first article that has seven: one full stop each, at the end.
    let sample = std::fs::read_to_string(SAMPLE).unwrap();
    let sentences: Vec<String> = sample
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["content"]
                .as_str()
                .unwrap()
                .split_inclusive(". ")
                .map(|s| s.trim().to_string())
                .filter(|s| s.matches(['.', '!', '?', '؟', '\n']).count() == 1 && s.ends_with('.'))
                .collect::<Vec<_>>()
        })
        .find(|s| s.len() >= 7)
        .unwrap();
    let dropped = sentences[2].to_string();
    let a = sentences.join("\n");
    let respell = |s: &str| {
        s.replace('أ', "ا")
            .replace('ى', "ي")
            .replace('ة', "ه")
            .replace("ال", "الـ")
    };
    let added = "وأكد مصدر مطلع لـ«الصحيفة» أن المفاوضات ستستأنف خلال الأسبوع المقبل.";
    let mut b: Vec<String> = vec![respell(&sentences[sentences.len() - 1])];
    for (i, s) in sentences[..sentences.len() - 1].iter().enumerate() {
        if i != 2 {
            b.push(respell(s));
        }
        if i == 4 {
            b.push(added.to_string());
        }
    }
    let moved = sentences[sentences.len() - 1].to_string();
    (a, b.join("\n"), dropped, moved)
}

#[test]
fn a_respelled_copy_shows_one_move_one_drop_one_addition_and_no_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, dropped, moved) = edited_copy();
    let (fa, fb) = write_pair(&dir, &a, &b);
    let v = diff_json(&[&fa, &fb]);
    let s = &v["summary"];
    assert_eq!(s["changed"], 0, "{v:#}");
    assert_eq!(s["moved"], 1, "{v:#}");
    assert_eq!(s["only_a"], 1, "{v:#}");
    assert_eq!(s["only_b"], 1, "{v:#}");
    assert!(s["equal"].as_u64().unwrap() >= 4);
    assert_eq!(chars(&a, &rows(&v, "only_a")[0]["a"]), dropped);
    assert!(chars(&b, &rows(&v, "only_b")[0]["b"]).contains("مصدر مطلع"));
    assert_eq!(chars(&a, &rows(&v, "moved")[0]["a"]), moved);
    // Spelling differences are marked, never counted as changes.
    let spelled: usize = rows(&v, "equal")
        .iter()
        .flat_map(|r| r["edits"].as_array().unwrap())
        .filter(|e| e["spelling"] == true && e["op"] == "equal")
        .count();
    assert!(spelled > 0);
    // Both sides of each spelling edit hold the original spellings.
    for r in rows(&v, "equal") {
        for e in r["edits"].as_array().unwrap() {
            assert_ne!(chars(&a, &e["a"]), chars(&b, &e["b"]));
        }
    }
}

#[test]
fn unified_shows_word_changes_in_each_outlets_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let a = "قصفت الطائرات مواقع المسلحين شمال المدينة فجر الأحد.";
    let b = "قصفت الطائراتُ مواقعَ المسلحين جنوب المدينة فجر الاحد.";
    let (fa, fb) = write_pair(&dir, a, b);
    let out = ok(&naql(&["diff", &fa, &fb]));
    // Piped, the default is the unified view without colors.
    assert!(out.contains("[-شمال-]{+جنوب+}"), "{out}");
    assert!(!out.contains('\x1b'));
    assert!(out.contains("changed 1"), "{out}");
}

#[test]
fn colors_follow_the_flag_and_no_color() {
    let (pa, pb) = (seed("000"), seed("001"));
    let always = ok(&naql(&["diff", &pa, &pb, "--color", "always"]));
    assert!(always.contains("\x1b[31m"));
    let never = ok(&naql(&[
        "diff", &pa, &pb, "--color", "never", "--format", "text",
    ]));
    assert!(!never.contains('\x1b'));
    let out = Command::new(env!("CARGO_BIN_EXE_naql"))
        .args(["diff", &pa, &pb, "--format", "text"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!ok(&out).contains('\x1b'));
}

/// Display cells of a line as terminals count them (wcwidth per character: a lam-alef pair
/// is two cells, harakat none).
fn cells(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

#[test]
fn side_by_side_fits_the_width_and_right_aligns_arabic() {
    let (pa, pb) = (seed("000"), seed("004"));
    for width in [60usize, 100, 160] {
        let out = ok(&naql(&[
            "diff",
            &pa,
            &pb,
            "--format",
            "text",
            "--width",
            &width.to_string(),
        ]));
        // Every line fits, the summary above the table included (it takes three lines
        // when one would not fit); the table starts at the headers above its rule.
        for line in out.lines() {
            assert!(cells(line) <= width, "{} > {width}: {line}", cells(line));
        }
        let rule = out.lines().position(|l| l.contains('┼')).unwrap();
        let table: Vec<&str> = out.lines().skip(rule - 1).collect();
        assert!(table.len() > 20);
        // A (right column) is right-aligned: where it holds Arabic, the line ends at its edge.
        let col = (width - 3) / 2;
        let mut with_a = 0;
        for line in &table {
            let (mut w, mut cut) = (0, line.len());
            for (i, c) in line.char_indices() {
                if w >= col + 3 {
                    cut = i;
                    break;
                }
                w += c.width().unwrap_or(0);
            }
            let first = line[cut..].chars().find(|c| c.is_alphabetic());
            if first.is_some_and(|c| ('\u{600}'..='\u{6FF}').contains(&c)) {
                with_a += 1;
                assert_eq!(cells(line), 2 * col + 3, "{line}");
            }
        }
        assert!(with_a > 20);
    }
}

#[test]
fn mixed_rtl_and_ltr_text_aligns_each_cell_by_its_direction() {
    let dir = tempfile::tempdir().unwrap();
    let a = "Reuters reported the talks ended without agreement.\nقال الوزير إن المحادثات انتهت دون اتفاق.";
    let b = "Reuters reported the talks ended without an agreement.\nقال الوزير ان المحادثات انتهت بلا اتفاق.";
    let (fa, fb) = write_pair(&dir, a, b);
    let out = ok(&naql(&[
        "diff", &fa, &fb, "--format", "text", "--width", "140",
    ]));
    let english = out.lines().find(|l| l.contains("Reuters")).unwrap();
    assert!(english.starts_with("Reuters"), "{english:?}");
    let arabic = out.lines().find(|l| l.contains("الوزير")).unwrap();
    assert!(arabic.starts_with("  "), "{arabic:?}");
}

#[test]
fn corpus_mode_finds_documents_by_id_and_names_missing_ids() {
    let v = diff_json(&[SAMPLE, "22910", "22673"]);
    assert_eq!(
        v["a"]["name"].as_str().unwrap().split(' ').next(),
        Some("22910")
    );
    assert!(v["a"]["source"].is_string() && v["b"]["date"].is_string());
    assert!(v["summary"]["jaccard"].as_f64().unwrap() > 0.8);
    assert!(v["summary"]["a_shared"].as_f64().unwrap() > 0.8);

    let err = fails(&naql(&["diff", SAMPLE, "22910", "no-such-id"]));
    assert!(
        err.contains("no-such-id") && err.contains("saudinewsnet-sample.jsonl"),
        "{err}"
    );
}

#[test]
fn html_escapes_article_text_and_names() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "<script>document.title='pwned'</script> \" onmouseover=\"alert(1) <img src=x onerror=alert(2)>";
    let a = format!("قال الوزير إن الاجتماع انتهى. {evil}");
    let b = format!("قال الوزير ان الاجتماع انتهى. {evil} وأضاف أن الوفد غادر.");
    let corpus = dir.path().join("c.jsonl");
    let line = |id: &str, src: &str, text: &str| {
        serde_json::json!({"id": id, "source": src, "text": text}).to_string()
    };
    std::fs::write(
        &corpus,
        format!(
            "{}\n{}\n",
            line("a\"<b>", "<i>x</i>", &a),
            line("b'", "y", &b)
        ),
    )
    .unwrap();
    let html = ok(&naql(&[
        "diff",
        corpus.to_str().unwrap(),
        "a\"<b>",
        "b'",
        "--format",
        "html",
    ]));
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"));
    assert!(!html.contains("\" onmouseover"));
    assert!(!html.contains("<b>") && !html.contains("<i>x"));
    assert!(html.contains("&lt;script&gt;"));
    assert!(html.contains("dir=\"rtl\""));
}

#[test]
fn bad_input_gets_clear_messages_and_odd_input_works() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    std::fs::write(p("empty.txt"), "").unwrap();
    std::fs::write(p("bad.txt"), b"\xd8\xa7\xd8\n\xff\xfe").unwrap();
    // Empty documents compare to nothing, without error.
    let v = diff_json(&[&p("empty.txt"), &p("empty.txt")]);
    assert_eq!(v["rows"].as_array().unwrap().len(), 0);
    assert_eq!(v["summary"]["jaccard"], 0.0);
    let v = diff_json(&[&p("empty.txt"), &seed("000")]);
    assert_eq!(shared(&v).len(), 0);
    assert!(rows(&v, "only_b").len() > 20);
    // Invalid UTF-8 names the file and line; a missing file names itself.
    let err = fails(&naql(&["diff", &p("bad.txt"), &p("empty.txt")]));
    assert!(err.contains("bad.txt:1"), "{err}");
    let err = fails(&naql(&["diff", &p("missing.txt"), &p("empty.txt")]));
    assert!(err.contains("missing.txt"), "{err}");
    // Wrong argument counts are usage errors.
    let out = naql(&["diff", &p("empty.txt")]);
    assert_eq!(out.status.code(), Some(2));
    let err = fails(&naql(&[
        "diff",
        &p("empty.txt"),
        &p("empty.txt"),
        "--min-score",
        "2",
    ]));
    assert!(err.contains("--min-score"), "{err}");
}

#[test]
fn text_without_sentence_punctuation_still_aligns() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _, _, _) = edited_copy();
    let flat: String = a.replace(['.', '\n'], " ");
    let other = flat.replacen("ال", "الـ", 3) + " وأضاف المصدر أن الوفد غادر";
    let (fa, fb) = write_pair(&dir, &flat, &other);
    let v = diff_json(&[&fa, &fb]);
    assert_eq!(v["rows"].as_array().unwrap().len(), 1, "{v:#}");
    assert_eq!(v["rows"][0]["kind"], "changed");
    let ins: Vec<_> = v["rows"][0]["edits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["op"] == "insert")
        .collect();
    assert_eq!(ins.len(), 1);
    assert_eq!(chars(&other, &ins[0]["b"]), "وأضاف المصدر أن الوفد غادر");
}

#[test]
fn report_aligns_every_member_of_every_cluster_with_its_representative() {
    let dir = tempfile::tempdir().unwrap();
    let clusters: Value =
        serde_json::from_str(&ok(&naql(&["cluster", SAMPLE, "--format", "json", "-q"]))).unwrap();
    let clusters = clusters["clusters"].as_array().unwrap();
    let members: usize = clusters
        .iter()
        .map(|c| c["size"].as_u64().unwrap() as usize - 1)
        .sum();
    let out = dir.path().join("report.html");
    ok(&naql(&[
        "report",
        SAMPLE,
        "-q",
        "-o",
        out.to_str().unwrap(),
    ]));
    let html = std::fs::read_to_string(&out).unwrap();
    assert_eq!(html.matches("<section class=\"pair\"").count(), members);
    // The contents link every cluster, and its members table every diff.
    assert_eq!(html.matches("<li><a href=\"#c").count(), clusters.len());
    assert_eq!(html.matches("\">B</a>").count(), members);
    assert!(html.contains(&format!("{} clusters", clusters.len())));

    let first = &clusters[0];
    let id = first["id"].to_string();
    ok(&naql(&[
        "report",
        SAMPLE,
        "-q",
        "--cluster",
        &id,
        "-o",
        out.to_str().unwrap(),
    ]));
    let html = std::fs::read_to_string(&out).unwrap();
    let size = first["size"].as_u64().unwrap() as usize;
    assert_eq!(html.matches("<section class=\"pair\"").count(), size - 1);
    assert!(html.contains(first["representative"].as_str().unwrap()));

    let err = fails(&naql(&["report", SAMPLE, "-q", "--cluster", "9999"]));
    assert!(err.contains("no cluster 9999"), "{err}");
}

/// A 50 MB article against a copy with edits at both ends: bounded time and memory.
/// `cargo test --release --test cli_diff -- --ignored`.
#[test]
#[ignore]
fn a_50_mb_document_diffs_in_bounded_time() {
    let dir = tempfile::tempdir().unwrap();
    let texts: Vec<String> = std::fs::read_to_string(SAMPLE)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["content"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let mut a = String::new();
    let mut k = 0;
    while a.len() < 50 << 20 {
        a.push_str(&format!("({k}) "));
        a.push_str(&texts[k % texts.len()]);
        a.push('\n');
        k += 1;
    }
    let b = format!("مقدمة أضافها المحرر في أول النص.\n{a}خاتمة أضافها المحرر.");
    let (fa, fb) = write_pair(&dir, &a, &b);
    let start = std::time::Instant::now();
    let out = naql(&["diff", &fa, &fb, "--format", "json"]);
    let v: Value = serde_json::from_str(&ok(&out)).unwrap();
    eprintln!("50 MB diff: {:?}", start.elapsed());
    assert_eq!(v["summary"]["only_b"], 2, "{}", v["summary"]);
    assert_eq!(v["summary"]["changed"], 0);
    assert_eq!(v["summary"]["only_a"], 0);
    assert!(v["summary"]["a_shared"].as_f64().unwrap() > 0.999);
}

#[test]
fn a_background_idf_table_is_used_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("idf.json");
    ok(&naql(&["idf", SAMPLE, "-o", table.to_str().unwrap()]));
    let (pa, pb) = (seed("000"), seed("001"));
    let (a, b) = (
        std::fs::read_to_string(&pa).unwrap(),
        std::fs::read_to_string(&pb).unwrap(),
    );
    let v = diff_json(&[&pa, &pb, "--idf", table.to_str().unwrap()]);
    let pairs = shared_texts(&v, &a, &b);
    assert!(
        pairs
            .iter()
            .any(|(x, y)| x.contains("مسودتي اتفاقيتين") && y.contains("مسودة اتفاقيات")),
        "{pairs:#?}"
    );
    // Scores change with the weights: the same pair, weighed differently.
    let plain = diff_json(&[&pa, &pb]);
    let score = |v: &Value| {
        shared(v)
            .iter()
            .find(|r| chars(&a, &r["a"]).contains("مسودتي اتفاقيتين"))
            .map(|r| r["score"].as_f64().unwrap())
    };
    assert_ne!(score(&v), score(&plain));
    // A table made under other normalization rules is refused, naming the file.
    let err = fails(&naql(&[
        "diff",
        &pa,
        &pb,
        "--idf",
        table.to_str().unwrap(),
        "--no-fold",
        "digits",
    ]));
    assert!(
        err.contains("idf.json") && err.contains("normalization"),
        "{err}"
    );
}

#[test]
fn without_colour_the_changed_words_are_marked() {
    // Before: with --color never (or NO_COLOR) a changed row showed only its `~` marker.
    let (pa, pb) = (seed("000"), seed("001"));
    let view = |color: &str| {
        ok(&naql(&[
            "diff", &pa, &pb, "--format", "text", "--width", "120", "--color", color,
        ]))
    };
    let (plain, coloured) = (view("never"), view("always"));
    let stars = |s: &str| s.matches('*').count();
    assert_eq!(stars(&coloured), 0, "{coloured}");
    assert!(stars(&plain) >= 10, "{plain}");
    assert_eq!(stars(&plain) % 2, 0, "marks come in pairs");
    assert!(
        plain.contains("*ومع ذلك ، من الممكن مواصلة* الحوار"),
        "{plain}"
    );
    // Only A / only B rows keep their marker column and get no marks.
    let only: Vec<&str> = plain.lines().filter(|l| l.contains(" - ")).collect();
    assert!(
        !only.is_empty() && only.iter().all(|l| !l.contains('*')),
        "{only:?}"
    );
}

/// The text of a JSON span (Unicode character offsets) of `text`.
fn chars_of(text: &str, span: &Value) -> String {
    let (s, e) = (
        span[0].as_u64().unwrap() as usize,
        span[1].as_u64().unwrap() as usize,
    );
    text.chars().skip(s).take(e - s).collect()
}

#[test]
fn seed_003_page_chrome_is_never_aligned_nor_only_a() {
    let a_path = seed("003");
    let a = std::fs::read_to_string(&a_path).unwrap();
    for other in ["000", "001", "002", "004"] {
        let out = ok(&naql(&["diff", &a_path, &seed(other), "--format", "json"]));
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["schema"], "naql-diff-v2");
        let rows = v["rows"].as_array().unwrap();
        let chrome: Vec<String> = rows
            .iter()
            .filter(|r| r["boilerplate"] == true)
            .filter(|r| !r["a"].is_null())
            .map(|r| chars_of(&a, &r["a"]))
            .collect();
        for line in [
            "الخبر من المصدر",
            "تمت ترجمة هذا الخبر باستخدام ادوات الترجمة الفورية من Google",
            "مساحة إعلانية - ضع إعلانك هنا",
            "الكلمات الدلالية",
            "إعلان",
            "إقرأ أيضاً:",
            "إغلاق",
            "شاهد الحادثة:",
        ] {
            assert!(
                chrome.iter().any(|c| c == line),
                "{other}: {line} in {chrome:?}"
            );
        }
        // Chrome rows are unpaired, and counted apart from "only A".
        for r in rows.iter().filter(|r| r["boilerplate"] == true) {
            assert!(r["a"].is_null() || r["b"].is_null(), "{r}");
        }
        let s = &v["summary"];
        let only_a = rows
            .iter()
            .filter(|r| r["kind"] == "only_a" && r["boilerplate"] != true)
            .count();
        assert_eq!(s["only_a"].as_u64().unwrap() as usize, only_a);
        assert_eq!(s["boilerplate_a"].as_u64().unwrap() as usize, chrome.len());
    }
    // The word diff shows them muted, not as removed text.
    let out = ok(&naql(&[
        "diff",
        &a_path,
        &seed("000"),
        "--format",
        "unified",
    ]));
    assert!(out.lines().any(|l| l == "· إقرأ أيضاً:"), "{out}");
    assert!(!out.contains("[-إقرأ أيضاً:-]"), "{out}");
}
