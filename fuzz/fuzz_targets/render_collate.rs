//! The collation renderers on up to six fuzzed reports (split at NUL; each also gets a
//! shared sentence so that facts link): text holds no raw controls at two widths, the HTML
//! page only allowed tags, the JSON parses. Ids, outlets and dates come from the reports'
//! first characters, so hostile metadata is rendered too.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use naql::collate::{Collator, Options, Report};
use naql::render::collate as view;

/// One collator per process: building it loads the embedded background table.
fn collator() -> &'static Collator {
    static C: OnceLock<Collator> = OnceLock::new();
    C.get_or_init(|| Collator::new(Options::default()))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let shared = "وقال الوزير إن المحادثات ستستأنف في جنيف يوم 10 يناير 2022.";
    let bodies: Vec<String> = text
        .split('\0')
        .take(6)
        .map(|t| format!("{t}\n{shared}"))
        .collect();
    let heads: Vec<(String, String, String)> = text
        .split('\0')
        .take(6)
        .enumerate()
        .map(|(i, t)| {
            let head = |skip| t.chars().skip(skip).take(10).collect::<String>();
            (format!("{i}-{}", head(0)), head(10), head(20))
        })
        .collect();
    let reports: Vec<Report> = bodies
        .iter()
        .zip(&heads)
        .map(|(body, (id, source, date))| Report {
            id,
            source: Some(source),
            date: Some(date),
            text: body,
        })
        .collect();
    let c = collator().collate(&reports);
    let render = |f: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut out = Vec::new();
        f(&mut out).expect("writing to memory");
        String::from_utf8(out).expect("UTF-8 output")
    };
    for width in [40, 160] {
        naql_fuzz::check_terminal(&render(&|w| view::text(w, &reports, &c, width)));
    }
    let json = render(&|w| view::json(w, &reports, &c));
    serde_json::from_str::<serde_json::Value>(&json).expect("collate JSON parses");
    naql_fuzz::check_html(&render(&|w| {
        view::html(w, "naql collate", &reports, &c, "")
    }));
});
