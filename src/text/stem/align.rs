//! The stemmer and stopwords of sentence alignment ([`crate::diff`]): see the parent module
//! for why it is not the term stemmer.

/// Function words that carry no story: they never make two sentences look alike.
/// Normalized spellings (ا for أ/إ, ي for ى, ه for ة, normalization v2's tanween alef dropped:
/// ايض, انم, ماذ).
const STOPWORDS: &[&str] = &[
    "في",
    "من",
    "الي",
    "علي",
    "عن",
    "مع",
    "ان",
    "انه",
    "انها",
    "او",
    "ام",
    "ثم",
    "قد",
    "لقد",
    "لا",
    "لم",
    "لن",
    "ما",
    "ماذ",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "هو",
    "هي",
    "هم",
    "هما",
    "نحن",
    "التي",
    "الذي",
    "الذين",
    "اللذين",
    "كان",
    "كانت",
    "يكون",
    "تكون",
    "كما",
    "بين",
    "حتي",
    "حيث",
    "عند",
    "منذ",
    "خلال",
    "بعد",
    "قبل",
    "كل",
    "بعض",
    "غير",
    "اي",
    "اذا",
    "لكن",
    "ولكن",
    "بل",
    "انم",
    "فقط",
    "ايض",
    "وقال",
    "قال",
    "وقالت",
    "قالت",
    "واضاف",
    "اضاف",
    "يوم",
    "اليوم",
    "امس",
    "به",
    "بها",
    "له",
    "لها",
    "فيه",
    "فيها",
    "منه",
    "منها",
    "عليه",
    "عليها",
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "for",
    "on",
    "that",
];

/// Light stem of a normalized token for matching sentences, or `None` for a function word.
/// Strips one conjunction/preposition clitic and the article (و ف ب ل ك ال), then up to two
/// common suffixes, keeping at least three letters. Crude on purpose: it only has to make two
/// outlets' inflections of the same word meet, and a wrong conflation costs little once weighted.
pub fn for_alignment(token: &str) -> Option<&str> {
    if STOPWORDS.contains(&token) {
        return None;
    }
    let letters = |s: &str| s.chars().count();
    let mut s = token;
    for prefix in [
        "وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك",
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            if STOPWORDS.contains(&rest) {
                return None;
            }
            if letters(rest) >= 3 {
                s = rest;
                break;
            }
        }
    }
    // Two rounds, so «اتفاقيات» and «اتفاقية» both reach «اتفاق».
    for _ in 0..2 {
        let before = s;
        for suffix in [
            "هما", "تين", "ات", "ان", "ون", "ين", "يه", "ها", "هم", "تي", "ه", "ي", "ت",
        ] {
            if let Some(rest) = s.strip_suffix(suffix)
                && letters(rest) >= 3
            {
                s = rest;
                break;
            }
        }
        if s == before {
            break;
        }
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_meet_across_clitics() {
        assert_eq!(for_alignment("والمفاوضات"), for_alignment("المفاوضات"));
        assert_eq!(for_alignment("بالاتفاقيه"), Some("اتفاق"));
        assert_eq!(for_alignment("الاتفاقيات"), Some("اتفاق"));
        assert_eq!(for_alignment("مسودتي"), for_alignment("مسوده"));
        assert_eq!(for_alignment("في"), None);
        assert_eq!(for_alignment("وفي"), None);
    }
}
