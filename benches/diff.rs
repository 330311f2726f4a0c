//! `naql diff` on a pair of 1,000-word articles, and `naql report` work for a 50-member cluster,
//! all on real Arabic text (the seed reports and the SaudiNewsNet fixture sample).
//!
//!     cargo bench --bench diff
//!
//! The 1,000-word pair is seed report 003 followed by lines of 000 up to 1,000 words, against an edited copy:
//! respelled (hamza, ى, ة, tatweel), one sentence in five reworded, one dropped, the last
//! paragraph moved to the top. `align` is the comparison alone; `align+html` and
//! `align+text` include rendering, as `naql diff` does. `report 50` aligns 49 edited copies of a
//! real wire story with their representative and renders the page, as `naql report` does after
//! clustering.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use naql::diff::Comparer;
use naql::render::diff::{self as view, Colors, Section, Side};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds");

fn seed(prefix: &str) -> String {
    let mut names: Vec<_> = std::fs::read_dir(SEEDS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    names.sort();
    std::fs::read_to_string(&names[0]).unwrap()
}

/// An outlet's edit of `text`: respelled, every fifth sentence reworded, the third dropped,
/// the last paragraph moved to the top. `k` varies which words are reworded.
fn edit(text: &str, k: usize) -> String {
    let respell = |s: &str| {
        s.replace('أ', "ا")
            .replace('ى', "ي")
            .replace('ة', "ه")
            .replace("ال", "الـ")
    };
    let mut paras: Vec<String> = text.lines().map(respell).collect();
    for (i, p) in paras.iter_mut().enumerate() {
        if (i + k).is_multiple_of(5) {
            *p = p.replacen(" في ", " خلال ", 1).replacen(" من ", " عن ", 1);
        }
    }
    if paras.len() > 3 {
        paras.remove(2);
    }
    if let Some(last) = paras.pop() {
        paras.insert(0, last);
    }
    paras.join("\n")
}

fn side(text: &str) -> Side<'_> {
    Side {
        name: "x".into(),
        text,
        ..Side::default()
    }
}

fn diff(c: &mut Criterion) {
    // Seed 003, then lines of seed 000 until the text has 1,000 words.
    let mut a = seed("003");
    for line in seed("000").lines() {
        if a.split_whitespace().count() >= 1000 {
            break;
        }
        a.push('\n');
        a.push_str(line);
    }
    let words = a.split_whitespace().count();
    assert!((1000..1100).contains(&words), "{words} words");
    let b = edit(&a, 0);
    let cmp = Comparer::default();
    let mut g = c.benchmark_group("diff 1000 words");
    g.bench_function("align", |bench| {
        bench.iter(|| black_box(cmp.compare(&a, &b)))
    });
    g.bench_function("align+html", |bench| {
        bench.iter(|| {
            let c = cmp.compare(&a, &b);
            let mut out = Vec::new();
            let s = [Section {
                heading: None,
                a: side(&a),
                b: side(&b),
                cmp: &c,
            }];
            view::html(&mut out, "t", &s).unwrap();
            black_box(out)
        })
    });
    g.bench_function("align+text", |bench| {
        bench.iter(|| {
            let c = cmp.compare(&a, &b);
            let mut out = Vec::new();
            view::columns(&mut out, &side(&a), &side(&b), &c, 160, Colors(true)).unwrap();
            black_box(out)
        })
    });
    g.finish();

    let members: Vec<String> = (1..50).map(|k| edit(&a, k)).collect();
    c.bench_function("report 50 members", |bench| {
        bench.iter(|| {
            let cmps: Vec<_> = members.iter().map(|m| cmp.compare(&a, m)).collect();
            let sections: Vec<Section> = members
                .iter()
                .zip(&cmps)
                .map(|(m, c)| Section {
                    heading: Some("c".into()),
                    a: side(&a),
                    b: side(m),
                    cmp: c,
                })
                .collect();
            let mut out = Vec::new();
            view::html(&mut out, "t", &sections).unwrap();
            black_box(out)
        })
    });
}

criterion_group!(benches, diff);
criterion_main!(benches);
