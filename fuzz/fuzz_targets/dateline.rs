//! Datelines under any rule combination: the end lies inside the first line, on a char
//! boundary.
#![no_main]

use libfuzzer_sys::fuzz_target;
use naql::Normalizer;

fuzz_target!(|data: &[u8]| {
    let Some((options, text)) = naql_fuzz::options_and_text(data) else {
        return;
    };
    let line = text.split('\n').next().unwrap_or("");
    let end = Normalizer::new(options).dateline_end(line);
    assert!(end <= line.len(), "dateline end {end} past {line:?}");
    assert!(
        line.is_char_boundary(end),
        "dateline end {end} inside a char of {line:?}"
    );
});
