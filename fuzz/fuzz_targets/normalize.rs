//! The normalizer under any rule combination: tokens' spans stay on char boundaries, inside
//! the text, in order and not overlapping; normalizing never panics, and normalizing twice
//! changes nothing (what `naql.normalize` users rely on).
#![no_main]

use libfuzzer_sys::fuzz_target;
use naql::Normalizer;

fuzz_target!(|data: &[u8]| {
    let Some((options, text)) = naql_fuzz::options_and_text(data) else {
        return;
    };
    let n = Normalizer::new(options);
    let spans: Vec<_> = n.tokens(text).into_iter().map(|t| t.span).collect();
    naql_fuzz::check_spans(text, &spans);
    let mut seen = Vec::new();
    n.for_each_token(text, |_, span| seen.push(span));
    assert_eq!(seen, spans, "for_each_token and tokens disagree");
    let once = n.normalize(text);
    assert_eq!(n.normalize(&once), once, "not idempotent under {options:?}");
});
