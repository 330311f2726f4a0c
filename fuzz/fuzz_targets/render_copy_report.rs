//! The copy-level report page (`naql report`) on a clustering of fuzzed documents (one a
//! line, each also twice with a word added, so that clusters form): every member aligned
//! with its cluster's representative, the page holds only allowed tags. Ids, outlets, dates
//! and titles come from the line's first characters, so hostile metadata is rendered too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use naql::corpus::Document;
use naql::render::copy_page;
use naql::render::diff::{Section, Side};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let docs = naql_fuzz::documents(text, 32, |line| {
        vec![
            line.to_string(),
            format!("{line} اليوم"),
            format!("أمس {line}"),
        ]
    });
    let texts: Vec<Document> = docs.clone();
    let engine = naql::CopyEngine::new(naql::CopyConfig::default());
    let out = engine.run_documents(docs);
    let comparer = naql::Comparer::default();
    let by_id = |id: &str| {
        texts
            .iter()
            .find(|d| d.id == id)
            .expect("a member is an input")
    };
    let side = |doc: usize| {
        let d = by_id(&out.docs[doc].info.id);
        Side {
            name: d
                .title
                .clone()
                .map_or(d.id.clone(), |t| format!("{} — {t}", d.id)),
            source: d.source.clone(),
            date: d.date.clone(),
            text: d.text.as_str(),
        }
    };
    let clusters: Vec<_> = out.clusters.iter().collect();
    let mut pairs = Vec::new();
    for c in &clusters {
        for m in c.members.iter().filter(|m| m.doc != c.representative) {
            pairs.push((c.representative, m.doc));
        }
    }
    let comparisons: Vec<_> = pairs
        .iter()
        .map(|&(rep, doc)| comparer.compare(side(rep).text, side(doc).text))
        .collect();
    let sections: Vec<Section> = pairs
        .iter()
        .zip(&comparisons)
        .map(|(&(rep, doc), cmp)| Section {
            heading: Some(format!(
                "{} ↔ {}",
                out.docs[rep].info.id, out.docs[doc].info.id
            )),
            a: side(rep),
            b: side(doc),
            cmp,
        })
        .collect();
    let mut page = Vec::new();
    copy_page::html(&mut page, &out, &clusters, &sections).expect("writing to memory");
    naql_fuzz::check_html(&String::from_utf8(page).expect("UTF-8 output"));
});
