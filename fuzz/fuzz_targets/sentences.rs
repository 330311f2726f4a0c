//! Sentence splitting: spans on char boundaries, inside the text, in order, not overlapping.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let spans = naql::text::sentences(text);
    naql_fuzz::check_spans(text, &spans);
    for w in spans.windows(2) {
        assert!(
            w[0].end <= w[1].start,
            "sentences {w:?} overlap in {text:?}"
        );
    }
});
