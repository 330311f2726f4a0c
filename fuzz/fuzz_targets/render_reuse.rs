//! The passage-reuse renderers on fuzzed documents (one a line; each line also pasted into a
//! second document between other words, so that passages are found): text holds no raw
//! controls, JSON and JSONL parse, the HTML page only allowed tags. Ids, outlets and dates
//! come from the line's first characters, so hostile metadata is rendered too.
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use naql::render::reuse as view;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let docs = naql_fuzz::documents(text, 32, |line| {
        let framed = format!("في تقرير منفصل قالت الصحيفة {line} وأضافت أن الاجتماع انتهى");
        vec![line.to_string(), framed]
    });
    let texts: HashMap<String, String> = docs
        .iter()
        .map(|d| (d.id.clone(), d.text.clone()))
        .collect();
    let out = naql::reuse::Engine::new(naql::reuse::Config::default()).run_documents(docs);
    let render = |f: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut buf = Vec::new();
        f(&mut buf).expect("writing to memory");
        String::from_utf8(buf).expect("UTF-8 output")
    };
    naql_fuzz::check_terminal(&render(&|w| view::text(w, &out)));
    serde_json::from_str::<serde_json::Value>(&render(&|w| view::json(w, &out)))
        .expect("reuse JSON parses");
    for line in render(&|w| view::jsonl(w, &out)).lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("reuse JSONL line parses");
    }
    let shown: Vec<&str> = out.docs.iter().map(|d| texts[&d.id].as_str()).collect();
    naql_fuzz::check_html(&render(&|w| view::html(w, &out, &shown)));
});
