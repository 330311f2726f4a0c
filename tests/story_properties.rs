//! Laws of the stemmer and of story similarity, for any input.

use naql::stem::stem;
use naql::story::{StoryConfig, StoryModel};
use naql::text::default_normalizer;
use proptest::prelude::*;

/// Arabic words built from letters that the affix rules look at, plus some that they do not.
fn word() -> impl Strategy<Value = String> {
    let letters = prop::sample::select(vec![
        "ا", "ل", "و", "ب", "ك", "ف", "ه", "ي", "ن", "ت", "ر", "س", "م", "ع", "د",
    ]);
    prop::collection::vec(letters, 1..9).prop_map(|v| v.concat())
}

fn text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "في",
        "من",
        "الرياض",
        "والسعودية",
        "وزير",
        "الخارجية",
        "روسيا",
        "الناتو",
        "محادثات",
        "جنيف",
        "الأمنية",
        "أمطار",
        "2015",
        "nato",
        " ",
        "\n",
        "،",
        ".",
        "قال",
        "واس",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.join(" "))
}

fn model() -> &'static StoryModel {
    static M: std::sync::OnceLock<StoryModel> = std::sync::OnceLock::new();
    M.get_or_init(|| StoryModel::new(StoryConfig::default()))
}

proptest! {
    #[test]
    fn a_stem_is_a_non_empty_piece_of_its_word(w in word()) {
        let s = stem(&w);
        prop_assert!(!s.is_empty());
        prop_assert!(w.contains(s));
        // Stripping keeps at least two letters; a word of two letters or fewer is kept whole.
        prop_assert!(s.chars().count() >= 2.min(w.chars().count()));
        if w.chars().count() <= 2 {
            prop_assert_eq!(s, w.as_str());
        }
    }

    #[test]
    fn stems_of_normalized_text_are_never_empty(t in text()) {
        default_normalizer().for_each_token(&t, |w, _| assert!(!stem(w).is_empty()));
    }

    #[test]
    fn similarity_is_symmetric_in_unit_range_and_one_with_itself(a in text(), b in text()) {
        let m = model();
        let (va, vb) = (m.vector(Some("عنوان"), &a), m.vector(None, &b));
        let ab = va.cosine(&vb);
        prop_assert_eq!(ab, vb.cosine(&va));
        prop_assert!((0.0..=1.0).contains(&ab));
        let norm: f64 = va.0.iter().map(|x| (x.1 as f64).powi(2)).sum();
        prop_assert!((norm - 1.0).abs() < 1e-5, "norm² {}", norm);
        prop_assert!((va.cosine(&va) - 1.0).abs() < 1e-5);
    }
}
