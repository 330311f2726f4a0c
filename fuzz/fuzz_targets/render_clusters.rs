//! The cluster renderers on a clustering of fuzzed documents (one a line; each line also
//! twice, a word changed, so that clusters form): text holds no raw controls, JSON and JSONL
//! parse, CSV cells never start a formula. Ids, sources and titles come from the fuzzed line
//! too (its first characters), so hostile metadata is rendered as well as hostile text.
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
            let head: String = line.chars().take(12).collect();
            docs.push(Document {
                id: format!("{head}{i}-{k}"),
                source: Some(format!("{head}{k}")),
                date: Some(format!("2024-01-{:02}", 1 + i % 28)),
                title: Some(head),
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
    naql_fuzz::check_csv(&render(Format::Csv));
});
