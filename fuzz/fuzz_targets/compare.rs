//! `Comparer::compare` on two texts (split at the first NUL): never panics; every row's
//! spans lie on char boundaries inside its text, and the figures are finite.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (a, b) = text.split_once('\0').unwrap_or((text, ""));
    let cmp = naql::Comparer::default().compare(a, b);
    for row in &cmp.rows {
        naql_fuzz::check_spans(a, row.a.as_slice());
        naql_fuzz::check_spans(b, row.b.as_slice());
        assert!(row.score.is_finite(), "score {} of {row:?}", row.score);
    }
    let s = &cmp.summary;
    for f in [
        s.jaccard,
        s.containment_ab,
        s.containment_ba,
        s.a_shared,
        s.b_shared,
    ] {
        assert!(f.is_finite() && (0.0..=1.0 + 1e-9).contains(&f), "{s:?}");
    }
});
