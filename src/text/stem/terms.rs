//! The term stemmer and stopwords: light Arabic stemming for story-level similarity (TF-IDF
//! vectors and IDF tables, which store its version [`STEMMER`]).
//!
//! Both work on text that the [`Normalizer`] already folded (ة → ه,
//! ى → ي, أ/إ/آ → ا), so the affixes are written in folded form.
//!
//! **Stemming** ([`for_terms`], scheme [`STEMMER`]) strips at most one prefix and then at most one
//! suffix, each the longest one in its list that matches:
//!
//! | | affixes | kept only if what remains has |
//! |---|---|---|
//! | prefixes | وال بال كال فال لل ال | ≥ 2 letters |
//! | | و | ≥ 3 letters (و starts many roots: وزير, وطن) |
//! | suffixes | ها ان ات ون ين يه (ية) ه (ة) ي | ≥ 2 letters |
//!
//! Only words made entirely of Arabic letters are stemmed; numbers and Latin words are kept as
//! they are. The aim is recall of shared content words across outlets (السعودية / سعودي /
//! والسعوديين → سعود), not linguistic roots: a stem is always a non-empty slice of the word.
//!
//! **Stopwords** ([`is_stopword`]): about 200 function words, pronouns, prepositions,
//! reporting verbs (قال, أكد, أضاف …) and time words (اليوم, أمس) that say nothing about which
//! story an article tells. A word is also a stopword when it is و, ف, ب or ل followed by one
//! (وفيها, ولكن, بأن). The list was written for naql from general knowledge of Arabic news
//! prose; it is checked against the normalizer's folds at build time.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use crate::hash::term_hash;

use crate::text::Normalizer;

/// The name and version of the stemming scheme and stopword list; stored with IDF tables.
pub const STEMMER: &str = "naql-light-stem-v1";

/// Prefixes, longest first (a longer one is tried before the one it contains).
const PREFIXES: [&str; 7] = ["وال", "بال", "كال", "فال", "لل", "ال", "و"];
/// Suffixes, longest first; ية and ة appear as يه and ه after normalization.
const SUFFIXES: [&str; 8] = ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"];

/// The stem of one normalized word (see the module docs for the rules).
pub fn for_terms(word: &str) -> &str {
    std::str::from_utf8(for_terms_bytes(word.as_bytes())).expect("affixes are whole letters")
}

/// True when `w` is made only of the Arabic letters ء … ي (U+0621–U+064A), which are the
/// two-byte sequences D8 A1 … D9 8A in UTF-8.
fn all_arabic_letters(w: &[u8]) -> bool {
    w.len().is_multiple_of(2)
        && w.chunks_exact(2).all(|c| match c[0] {
            0xD8 => (0xA1..=0xBF).contains(&c[1]),
            0xD9 => (0x80..=0x8A).contains(&c[1]),
            _ => false,
        })
}

/// [`for_terms`] on UTF-8 bytes: the same rules, without re-validating the word.
pub fn for_terms_bytes(word: &[u8]) -> &[u8] {
    if word.is_empty() || !all_arabic_letters(word) {
        return word;
    }
    // Every letter is two bytes, so lengths in letters are half the byte lengths.
    let letters = |s: &[u8]| s.len() / 2;
    let mut w = word;
    // Every prefix starts with و ب ك ف ل or ا (D9 88, D8 A8, D9 83, D9 81, D9 84, D8 A7); most
    // words start with none of them, so the list is searched only after this cheap test.
    let may_prefix = matches!(
        w,
        [0xD9, 0x88 | 0x83 | 0x81 | 0x84, ..] | [0xD8, 0xA8 | 0xA7, ..]
    );
    if let Some(p) = PREFIXES
        .iter()
        .filter(|_| may_prefix)
        .find(|p| w.starts_with(p.as_bytes()))
    {
        let rest = &w[p.len()..];
        let min = if *p == "و" { 3 } else { 2 };
        if letters(rest) >= min {
            w = rest;
        }
    }
    // Every suffix ends in ا ن ت ه or ي (D8 A7, D9 86, D8 AA, D9 87, D9 8A).
    let may_suffix = matches!(w, [.., 0xD8, 0xA7 | 0xAA] | [.., 0xD9, 0x86 | 0x87 | 0x8A]);
    if let Some(s) = SUFFIXES
        .iter()
        .filter(|_| may_suffix)
        .find(|s| w.ends_with(s.as_bytes()))
    {
        let rest = &w[..w.len() - s.len()];
        if letters(rest) >= 2 {
            w = rest;
        }
    }
    w
}

/// The stopwords as written; normalized with the caller's normalizer before use.
const STOPWORDS: &str = "
في من على إلى عن مع أن إن كان كانت يكون تكون كانوا يكونوا يكونون أصبح أصبحت صار ظل
هذا هذه ذلك تلك هذان هاتان هذين هاتين هؤلاء أولئك الذي التي الذين اللذين اللتين اللواتي اللاتي
ما ماذا لا لم لن ليس ليست ليسوا قد لقد ثم أو أم بل حتى إذا إذ لو لولا لكن لكنه لكنها
كل كلا كلتا كلها كله بعض غير سوى بين عند عندما منذ خلال حول ضد دون قبل بعد فوق تحت
أمام خلف وراء لدى هو هي هم هن هما أنا نحن أنت أنتم كما مثل أي أية أيضا فقط جدا حيث
حين بينما كيف لماذا متى أين هناك هنالك هنا ذات ذو ذي ذا عليه عليها عليهم فيه فيها فيهم
منه منها منهم له لها لهم لهما به بها بهم إليه إليها إليهم عنه عنها عنهم معه معها معهم
إلا أما إما لأن كأن كي لكي نحو عدة أكثر أقل جميع كافة نفس ذاته ذاتها تم يتم تمت
أنه أنها إنه إنها أنهم إنهم بأن كانا أي إلي عليك لك منك
قال قالت يقول تقول قالوا أكد أكدت يؤكد أضاف أضافت يضيف أشار أشارت يشير أوضح أوضحت
يوضح ذكر ذكرت أفاد أفادت أعرب أعربت لفت وفق وفقا طبقا حسب بحسب بشأن إزاء تجاه عبر
اليوم أمس غدا الآن يوم الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت
الماضي الماضية المقبل المقبلة الحالي الحالية الجاري الجارية
أول ثاني آخر أخرى الأول الأولى الثاني الثانية الأخير الأخيرة خاصة إضافة بالإضافة
وذلك كذلك لذلك هكذا بذلك أيضاً ضمن لدي أحد إحدى
";

/// A no-op hasher for keys that already are XXH3 hashes (fast, and no random state: lookups
/// only, no iteration order is ever observed).
#[derive(Default)]
pub struct Prehashed(u64);

/// A map keyed by XXH3 hashes.
pub type HashedMap<V> = std::collections::HashMap<u64, V, BuildHasherDefault<Prehashed>>;

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys")
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = x;
    }
}

/// The XXH3-64 hashes of the normalized stopwords (lookups only: no order is ever observed).
pub struct Stopwords {
    hashes: HashSet<u64, BuildHasherDefault<Prehashed>>,
    /// The longest stopword in bytes: longer words need no proclitic check.
    max_len: usize,
}

impl Stopwords {
    /// The list above, normalized with `normalizer`.
    pub fn new(normalizer: &Normalizer) -> Stopwords {
        let mut hashes = HashSet::default();
        let mut max_len = 0;
        normalizer.for_each_token(STOPWORDS, |t, _| {
            hashes.insert(term_hash(t.as_bytes()));
            max_len = max_len.max(t.len());
        });
        Stopwords { hashes, max_len }
    }

    /// True for a stopword, or و/ف/ب/ل followed by one. `hash` is XXH3-64 of `word`.
    #[inline]
    pub fn contains(&self, word: &[u8], hash: u64) -> bool {
        if self.hashes.contains(&hash) {
            return true;
        }
        // و ف ب ل are D9 88, D9 81, D8 A8, D9 84 in UTF-8.
        let proclitic = matches!(word, [0xD9, 0x88 | 0x81 | 0x84, ..] | [0xD8, 0xA8, ..]);
        proclitic
            && word.len() > 2
            && word.len() <= self.max_len + 2
            && self.hashes.contains(&term_hash(&word[2..]))
    }
}

/// Whether `word` (normalized by the default normalizer) is a stopword.
pub fn is_stopword(word: &str) -> bool {
    static S: OnceLock<Stopwords> = OnceLock::new();
    S.get_or_init(|| Stopwords::new(crate::text::default_normalizer()))
        .contains(word.as_bytes(), term_hash(word.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::default_normalizer;

    fn st(w: &str) -> String {
        for_terms(&default_normalizer().normalize(w)).to_string()
    }

    #[test]
    fn strips_each_documented_prefix_and_suffix() {
        assert_eq!(st("والسعودية"), "سعود");
        assert_eq!(st("بالرياض"), "رياض");
        assert_eq!(st("كالعادة"), "عاد");
        assert_eq!(st("فالحكومة"), "حكوم");
        assert_eq!(st("للمملكة"), "مملك");
        assert_eq!(st("السعودي"), "سعود");
        assert_eq!(st("وموسكو"), "موسكو");
        assert_eq!(st("سيارتها"), "سيارت");
        assert_eq!(st("الطرفان"), "طرف");
        assert_eq!(st("المفاوضات"), "مفاوض");
        assert_eq!(st("المسلمون"), "مسلم");
        assert_eq!(st("المسلمين"), "مسلم");
        assert_eq!(st("الأمنية"), "امن");
        assert_eq!(st("كتابه"), "كتاب");
    }

    #[test]
    fn keeps_short_stems_numbers_and_latin() {
        assert_eq!(st("وزن"), "وزن"); // و + 2 letters: not a prefix
        assert_eq!(st("ألم"), "الم"); // ال + 1 letter
        assert_eq!(st("بين"), "بين"); // ين would leave 1 letter
        assert_eq!(st("2022"), "2022");
        assert_eq!(st("nato"), "nato");
        assert_eq!(st("و"), "و");
    }

    #[test]
    fn stopwords_include_proclitic_forms_but_not_content_words() {
        let n = default_normalizer();
        let is = |w: &str| is_stopword(&n.normalize(w));
        assert!(is("في") && is("إلى") && is("الذي") && is("وفيها") && is("ولكن") && is("قال"));
        assert!(!is("روسيا") && !is("الناتو") && !is("وزير") && !is("ولي"));
    }
}
