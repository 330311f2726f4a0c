//! Orthographic robustness on real articles: a copy that differs only by the spelling variants
//! outlets introduce (diacritics, tatweel, hamza/alef, ى/ي, ة/ه, digits, ligatures, invisible
//! marks, Persian letters) plus a dateline and a footer keeps Jaccard ≥ 0.8 to its original.

use naql::copy::Overlap;
use naql::copy::{Config, Engine};
use naql::corpus::{Document, ReadOptions, read_all};
use naql::text::NormalizeOptions;

mod common;
use common::Rng;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/saudinewsnet-sample.jsonl"
);

fn is_arabic_letter(c: char) -> bool {
    ('\u{0621}'..='\u{064A}').contains(&c) && c != '\u{0640}'
}

/// The same text as another outlet might type it.
fn respell(text: &str, rng: &mut Rng) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() * 2);
    for (i, &c) in chars.iter().enumerate() {
        let prev_letter = i > 0 && is_arabic_letter(chars[i - 1]);
        let next_letter = chars.get(i + 1).is_some_and(|&n| is_arabic_letter(n));
        let word_end = !next_letter;
        let mut c = c;
        match c {
            'ا' if !prev_letter && rng.chance(0.5) => c = rng.pick(&['أ', 'إ', 'آ']),
            'أ' | 'إ' if rng.chance(0.5) => c = 'ا',
            'ي' if word_end && rng.chance(0.5) => c = 'ى',
            'ى' if rng.chance(0.5) => c = 'ي',
            'ي' if rng.chance(0.1) => c = 'ی',
            'ك' if rng.chance(0.1) => c = 'ک',
            'ة' if rng.chance(0.5) => c = 'ه',
            'ؤ' if rng.chance(0.3) => c = 'و',
            '0'..='9' => c = char::from_u32(0x0660 + (c as u32 - '0' as u32)).unwrap_or(c),
            'ل' if chars.get(i + 1) == Some(&'ا') && rng.chance(0.5) => {
                out.push('\u{FEFB}'); // ﻻ, and skip the alef below
                continue;
            }
            _ => {}
        }
        if c == 'ا' && i > 0 && chars[i - 1] == 'ل' && out.ends_with('\u{FEFB}') {
            continue;
        }
        out.push(c);
        if is_arabic_letter(c) {
            if rng.chance(0.3) {
                out.push(rng.pick(&[
                    '\u{064E}', '\u{064F}', '\u{0650}', '\u{0651}', '\u{0652}', '\u{064B}',
                ]));
            }
            if next_letter && rng.chance(0.04) {
                out.push('\u{0640}');
            }
            if next_letter && rng.chance(0.02) {
                out.push(rng.pick(&['\u{200F}', '\u{200C}', '\u{200B}', '\u{00AD}']));
            }
        }
    }
    format!("الرياض - واس: {out}\nللتواصل مع الكاتب ارسل رسالة SMS\nSource link")
}

fn jaccards(options: NormalizeOptions, datelines: bool) -> Vec<f64> {
    let (docs, _) = read_all(&[SAMPLE.to_string()], &ReadOptions::default()).expect("fixture");
    let mut rng = Rng(0x6e61_716c);
    let engine = Engine::new(Config {
        normalize: options,
        datelines,
        ..Config::default()
    });
    docs.into_iter()
        .map(|(d, _)| d)
        .filter(|d| d.text.split_whitespace().count() >= 120)
        .take(60)
        .map(|d| {
            let variant = Document {
                id: format!("{}-variant", d.id),
                text: respell(&d.text, &mut rng),
                ..d.clone()
            };
            assert_ne!(variant.text, d.text);
            let out = engine.run_documents(vec![d, variant]);
            let s = engine.config.signer;
            let a = s.shingle_set(&out.docs[0].kept());
            let b = s.shingle_set(&out.docs[1].kept());
            Overlap::of(&a, &b).jaccard
        })
        .collect()
}

#[test]
fn respelled_copies_with_dateline_and_footer_stay_above_0_8() {
    let js = jaccards(NormalizeOptions::default(), true);
    assert!(js.len() >= 40, "only {} long articles", js.len());
    let min = js.iter().cloned().fold(1.0, f64::min);
    let mean = js.iter().sum::<f64>() / js.len() as f64;
    println!("{} articles: min J {min:.3}, mean J {mean:.3}", js.len());
    assert!(min >= 0.8, "min Jaccard {min}");
}

#[test]
fn without_normalization_the_same_copies_fall_apart() {
    // The control: the variants really differ, so the test above measures the normalizer.
    let js = jaccards(NormalizeOptions::none(), false);
    let mean = js.iter().sum::<f64>() / js.len() as f64;
    println!("no folds: mean J {mean:.3}");
    assert!(mean < 0.3, "mean Jaccard without folds {mean}");
}

/// A ligature that NFKC expands into several words (ﷺ: four) gives them one span; the
/// dateline finder sliced backwards between them and every command panicked (issue #12).
#[test]
fn a_ligature_of_several_words_does_not_crash_any_command() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("x.jsonl");
    let line = r#"{"id":"1","text":"قال النبي ﷺ إن الدين يسر"}"#;
    let other = r#"{"id":"2","text":"Gﱣ"}"#;
    std::fs::write(&jsonl, format!("{line}\n{other}\n")).unwrap();
    let a = dir.path().join("a.txt");
    std::fs::write(&a, "قال النبي ﷺ إن الدين يسر").unwrap();
    let (j, a) = (jsonl.to_str().unwrap(), a.to_str().unwrap());
    let html = dir.path().join("r.html");
    let runs: [&[&str]; 6] = [
        &["cluster", j],
        &["cluster", j, "--no-fold", "diacritics"],
        &["cluster", "--level", "story", j],
        &["pairs", j],
        &["diff", a, a, "--format", "json"],
        &["report", j, "-o", html.to_str().unwrap()],
    ];
    for args in runs {
        let (_, err, code) = common::naql(args);
        assert_eq!(code, 0, "naql {args:?}: {err}");
        assert!(!err.contains("panicked"), "naql {args:?}: {err}");
    }
}
