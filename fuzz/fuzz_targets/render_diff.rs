//! The diff renderers on a comparison of two fuzzed texts (split at the first NUL): the
//! terminal formats hold no raw controls, the HTML page only allowed tags, the JSON parses.
//! The names, sources and dates are the texts' first characters, so hostile metadata is
//! rendered too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use naql::render::diff::{self as view, Colors, Section, Side};

/// A side named by its text's first characters (name, source and date, ten characters each).
fn side(text: &str) -> Side<'_> {
    let head = |skip| text.chars().skip(skip).take(10).collect::<String>();
    Side {
        name: head(0),
        source: Some(head(10)),
        date: Some(head(20)),
        text,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (a, b) = text.split_once('\0').unwrap_or((text, ""));
    let cmp = naql::Comparer::default().compare(a, b);
    let (sa, sb) = (side(a), side(b));
    let render = |f: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut out = Vec::new();
        f(&mut out).expect("writing to memory");
        String::from_utf8(out).expect("UTF-8 output")
    };
    for width in [40, 120] {
        let cols = render(&|w| view::columns(w, &sa, &sb, &cmp, width, Colors(false)));
        naql_fuzz::check_terminal(&cols);
    }
    naql_fuzz::check_terminal(&render(&|w| {
        view::unified(w, &sa, &sb, &cmp, Colors(false))
    }));
    let json = render(&|w| view::json(w, &sa, &sb, &cmp));
    serde_json::from_str::<serde_json::Value>(&json).expect("diff JSON parses");
    let section = Section {
        heading: Some("cluster 1".into()),
        a: sa.clone(),
        b: sb.clone(),
        cmp: &cmp,
    };
    naql_fuzz::check_html(&render(&|w| {
        view::html(w, "naql diff", std::slice::from_ref(&section))
    }));
});
