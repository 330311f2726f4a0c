//! The cluster renderers on a clustering of fuzzed documents (one a line; each line also
//! twice, a word changed, so that clusters form): text holds no raw controls, JSON and JSONL
//! parse. Ids, titles and sources are fixed: their escaping is issue #12 items 8–9.
#![no_main]

use libfuzzer_sys::fuzz_target;
use naql::corpus::Document;
use naql::render::clusters::{self as report, Format, Params};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut docs = Vec::new();
    for (i, line) in text.lines().take(64).enumerate() {
        for (k, body) in [line.to_string(), format!("{line} اليوم")]
            .into_iter()
            .enumerate()
        {
            docs.push(Document {
                id: format!("d{i}-{k}"),
                source: Some(format!("outlet{k}")),
                date: Some(format!("2024-01-{:02}", 1 + i % 28)),
                title: None,
                text: body,
            });
        }
    }
    let engine = naql::CopyEngine::new(naql::CopyConfig::default());
    let out = engine.run_documents(docs);
    let params = Params::new(&engine.config, out.lsh);
    let render = |format| {
        let mut buf = Vec::new();
        report::write_clusters(&mut buf, &out, &params, format).expect("writing to memory");
        String::from_utf8(buf).expect("UTF-8 output")
    };
    naql_fuzz::check_terminal(&render(Format::Text));
    serde_json::from_str::<serde_json::Value>(&render(Format::Json)).expect("JSON parses");
    for line in render(Format::Jsonl).lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("JSONL line parses");
    }
    let _ = render(Format::Csv);
});
