//! Arabic text: normalization, tokens with spans back into the original text, datelines,
//! sentences, stemmers and stopwords.
//!
//! Normalization runs in one pass over the characters, driven by a lookup table that the
//! [`Normalizer`] builds once from its [`NormalizeOptions`]. Each character is either
//! *dropped* (it vanishes but does not break the word: diacritics, tatweel, invisible marks),
//! *mapped* to one or more letters (alef forms, ى, ة, digits, ligatures, case), or it
//! *separates* tokens (spaces and punctuation). Every token keeps the byte span of the original
//! text it came from, so later stages can show the original spelling.
//!
//! The rules, each switchable in [`NormalizeOptions`] (each documented on its field):
//!
//! | rule | effect | why |
//! |---|---|---|
//! | `diacritics` | drop U+064B–U+065F (harakat, tanween, shadda, sukun), U+0670, U+06D6–U+06ED, U+08D3–U+08FF | outlets vocalize the same words differently |
//! | `tatweel` | drop U+0640 | decorative stretching |
//! | `alef` | آ أ إ ٱ → ا | hamza on alef is written inconsistently |
//! | `alef_maqsura` | ى → ي | Egyptian and Saudi typesetting swap them |
//! | `teh_marbuta` | ة → ه | final ة is often typed as ه |
//! | `hamza_carriers` | ؤ ئ → ء; word-final يء ىء → ء | the seat of one hamza varies (مسؤول / مسئول, الطوارئ / الطوارىء, شيء / شئ) |
//! | `tanween_alef` | drop a word-final ا (ً written or not) in words of ≥ 4 letters, not after ه nor in definite words | جزراً / جزر; the mark is left out about 2 times in 3 |
//! | `digits` | Arabic-Indic ٠–٩ and Persian ۰–۹ → 0–9 | one number, three scripts |
//! | `presentation_forms` | U+FB50–U+FDFF and U+FE70–U+FEFF → base letters (NFKC), lam-alef ligatures split | copy-paste from PDFs |
//! | `persian_letters` | ک ی ہ ھ ۃ → ك ي ه ه ه | keyboards with Persian/Urdu layouts |
//! | `invisible` | drop U+200B–U+200F, U+202A–U+202E, U+2066–U+2069, U+061C, U+FEFF, U+00AD | bidi and zero-width marks from CMSs |
//! | `case` | lowercase Latin (and any cased script) | `NATO` = `Nato` |
//!
//! Together the default rules are version [`NORMALIZATION`] (`naql-norm-v2`); what is made of
//! normalized text (signatures, indexes, IDF tables) is versioned with it.
//!
//! Everything that is not a letter, digit or combining mark separates tokens: whitespace,
//! ASCII punctuation and Arabic punctuation (، ؛ ؟ « » “ ” ٪ ٫ ٬ …).
//!
//! Where things are: `normalize.rs` (the options and the per-character table), `tokens.rs`
//! (the scan, with its SSSE3 runs in `tokens/simd.rs`), `dateline.rs`
//! ([`Normalizer::dateline_end`]), [`mod@sentences`], [`stem`] (the two stemmers and their
//! stopwords), [`chrome`] (page-chrome lines: the embedded table and line features).

pub mod chrome;
mod dateline;
mod normalize;
pub mod sentences;
pub mod stem;
mod tokens;

pub use self::normalize::{
    NORMALIZATION, NormalizeOptions, Normalizer, TANWEEN_MIN_CHARS, default_normalizer,
};
pub use self::sentences::sentences;
pub use self::tokens::Token;
