//! Laws of the stemmer and of story similarity, for any input.

use naql::story::{Idf, SEMANTIC_KEY, StoryConfig, StoryModel, TermVector};
use naql::text::default_normalizer;
use naql::text::stem::stem;
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

/// Models that share one IDF table with LSA vectors (16 dimensions learnt from the fixture
/// sample), with the LSA share `w` = 0, 0.5 and 1.
fn lsa_models() -> &'static [StoryModel; 3] {
    static M: std::sync::OnceLock<[StoryModel; 3]> = std::sync::OnceLock::new();
    M.get_or_init(|| {
        let sample = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/saudinewsnet-sample.jsonl"
        );
        let texts: Vec<(Option<String>, String)> = std::fs::read_to_string(sample)
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                let title = v["title"].as_str().map(str::to_owned);
                (title, v["text"].as_str().unwrap_or("").to_owned())
            })
            .collect();
        let table = StoryModel::new(StoryConfig::default()).idf_table(&texts, 2, 16);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.json");
        std::fs::write(&path, serde_json::to_vec(&table).unwrap()).unwrap();
        let idf = Idf::load(path.to_str().unwrap(), StoryConfig::default().normalize).unwrap();
        assert_eq!(idf.lsa.as_ref().unwrap().dims(), 16);
        [0.0, 0.5, 1.0].map(|w| {
            let mut m = StoryModel::new(StoryConfig {
                semantic_weight: w,
                ..StoryConfig::default()
            });
            m.idf = idf.clone();
            m
        })
    })
}

/// The vectors of `a` (with a title) and `b`, and their similarity, after checking that it is
/// symmetric, in [0, 1], of unit vectors, and 1 for an article with itself.
fn unit_laws(
    m: &StoryModel,
    a: &str,
    b: &str,
) -> Result<(TermVector, TermVector, f64), TestCaseError> {
    let (va, vb) = (m.vector(Some("عنوان"), a), m.vector(None, b));
    let ab = va.cosine(&vb);
    prop_assert_eq!(ab, vb.cosine(&va));
    prop_assert!((0.0..=1.0).contains(&ab));
    let norm: f64 = va.0.iter().map(|x| (x.1 as f64).powi(2)).sum();
    prop_assert!((norm - 1.0).abs() < 1e-5, "norm² {}", norm);
    prop_assert!((va.cosine(&va) - 1.0).abs() < 1e-5);
    Ok((va, vb, ab))
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
        unit_laws(model(), &a, &b)?;
    }

    #[test]
    fn with_lsa_similarity_is_a_unit_blend_of_its_two_parts(a in text(), b in text()) {
        let [plain, half, lsa] = lsa_models();
        let (va, vb, ab) = unit_laws(half, &a, &b)?;
        // LSA dimensions are never shown or indexed as terms.
        prop_assert!(va.top(50).iter().all(|&t| t < SEMANTIC_KEY));
        // When both articles have LSA vectors, the blend is the mean of the two cosines.
        let tail = |v: &TermVector| v.0.iter().any(|x| x.0 >= SEMANTIC_KEY);
        if tail(&va) && tail(&vb) {
            let parts = |m: &StoryModel| m.vector(Some("عنوان"), &a).cosine(&m.vector(None, &b));
            let (c0, c1) = (parts(plain), parts(lsa));
            // LSA cosines can be negative and cosines are clamped at 0, so the law is exact where
            // both parts are positive.
            if c0 > 0.0 && c1 > 0.0 && ab > 0.0 {
                prop_assert!((ab - (0.5 * c0 + 0.5 * c1)).abs() < 1e-4, "{} vs {} and {}", ab, c0, c1);
            }
        }
    }
}
