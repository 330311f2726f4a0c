//! Step 1: each report cut into sentences, each sentence into weighted content stems, numbers
//! and quotes, with spans into the original text.

use std::ops::Range;

use crate::hash::{term_hash, token_hash};
use crate::text::{default_normalizer, sentences};

use super::Report;

/// A sentence as the collation sees it.
#[derive(Clone, Debug)]
pub struct Sentence {
    /// Byte span in the report's original text.
    pub span: Range<usize>,
    /// Part of a page-chrome line: shown muted, never linked, never unique content.
    pub chrome: bool,
    /// Distinct content stems (sorted by key) with their rarity in news, in (0, 1].
    pub stems: Vec<Stem>,
    /// The numbers it states with multiplier and unit, normalized ("10 الاف جند", "2022").
    pub numbers: Vec<String>,
    /// Where each of `numbers` is, with its unit word («10 آلاف جندي»), in the original text.
    pub number_spans: Vec<Range<usize>>,
    /// Byte spans of the quoted speech it holds («…», “…”, "…").
    pub quotes: Vec<Range<usize>>,
    /// Keys of the names ([`super::Entity`]) it mentions; filled once names are known.
    pub names: Vec<u64>,
}

/// One content stem of a sentence.
#[derive(Clone, Debug)]
pub struct Stem {
    /// Hash of the alignment stem.
    pub key: u64,
    /// Background rarity: IDF in the embedded news table over its maximum (1 when unknown).
    pub rarity: f64,
    /// The first word with this stem, as a byte span of the original text.
    pub word: Range<usize>,
}

/// Words that multiply the number before them («10 آلاف»): part of the number's key.
const MULTIPLIERS: &[&str] = &[
    "الف",
    "الاف",
    "مليون",
    "ملايين",
    "مليار",
    "مليارات",
    "الفا",
    "بالمءه",
    "بالماءه",
    "%",
];

/// The sentences of every report.
pub(super) fn prepare(reports: &[Report]) -> Vec<Vec<Sentence>> {
    reports.iter().map(|r| split(r.text)).collect()
}

fn chrome_spans(text: &str) -> Vec<Range<usize>> {
    crate::text::chrome::chrome_lines(text)
        .into_iter()
        .filter_map(|(span, c)| c.map(|_| span))
        .collect()
}

fn split(text: &str) -> Vec<Sentence> {
    let chrome = chrome_spans(text);
    let quotes = quote_spans(text);
    sentences(text)
        .into_iter()
        .map(|span| {
            let mut s = sentence(text, span);
            s.chrome = chrome
                .iter()
                .any(|c| c.start <= s.span.start && s.span.end <= c.end);
            s.quotes = quotes
                .iter()
                .filter(|q| q.start >= s.span.start && q.end <= s.span.end)
                .cloned()
                .collect();
            s
        })
        .collect()
}

/// The background table's rarity of a normalized token, in (0, 1].
pub(super) fn rarity(token: &str) -> f64 {
    let Some(bg) = crate::story::background_idf(crate::text::NormalizeOptions::default()) else {
        return 1.0;
    };
    let max = 1.0 + ((bg.documents as f64 + 1.0).ln());
    let key = term_hash(crate::text::stem::for_terms(token).as_bytes());
    (bg.weight(key) as f64 / max).clamp(0.0, 1.0)
}

fn sentence(text: &str, span: Range<usize>) -> Sentence {
    let piece = &text[span.clone()];
    let mut toks: Vec<(String, Range<usize>)> = Vec::new();
    default_normalizer().for_each_token(piece, |t, s| {
        toks.push((t.to_owned(), span.start + s.start..span.start + s.end));
    });
    let mut stems: Vec<Stem> = Vec::new();
    for (t, s) in &toks {
        if let Some(stem) = crate::text::stem::for_alignment(t) {
            stems.push(Stem {
                key: token_hash(stem),
                rarity: rarity(t),
                word: s.clone(),
            });
        }
    }
    stems.sort_by_key(|s| (s.key, s.word.start));
    stems.dedup_by_key(|s| s.key);
    let (numbers, number_spans) = numbers(&toks).into_iter().unzip();
    Sentence {
        numbers,
        number_spans,
        span,
        chrome: false,
        stems,
        quotes: Vec::new(),
        names: Vec::new(),
    }
}

/// Numbers with their multiplier and unit word (the content word after them, stemmed), keyed
/// «10 آلاف جندي» → "10 الاف جند", «14000 شخص» → "14000 شخص"; the span runs to the unit.
fn numbers(toks: &[(String, Range<usize>)]) -> Vec<(String, Range<usize>)> {
    let mut out: Vec<(String, Range<usize>)> = Vec::new();
    for (i, (t, span)) in toks.iter().enumerate() {
        if !t
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
            || !t.chars().any(|c| c.is_ascii_digit())
        {
            continue;
        }
        let mut key = t.clone();
        let mut next = i + 1;
        if let Some((m, _)) = toks.get(next)
            && MULTIPLIERS.contains(&m.as_str())
        {
            key = format!("{key} {m}");
            next += 1;
        }
        // The unit word is part of the key too: «9 أشهر» is not «9 آب».
        let end = match toks.get(next) {
            Some((u, s)) if !is_number(u) && crate::text::stem::for_alignment(u).is_some() => {
                key = format!("{key} {}", crate::text::stem::for_terms(u));
                s.end
            }
            _ => toks[next - 1].1.end,
        };
        if !out.iter().any(|o| o.0 == key) {
            out.push((key, span.start..end));
        }
    }
    out
}

fn is_number(t: &str) -> bool {
    t.chars().any(|c| c.is_ascii_digit())
}

/// Byte spans of quoted speech: «…», “…” and straight "…" pairs on one line, with at least two
/// words inside (a quoted single word is a term, not speech).
pub(super) fn quote_spans(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for (open, close) in [('«', '»'), ('“', '”'), ('"', '"')] {
        let mut from = 0;
        while let Some(i) = text[from..].find(open) {
            let start = from + i + open.len_utf8();
            let Some(j) = text[start..].find(close) else {
                break;
            };
            let end = start + j;
            let inner = &text[start..end];
            if !inner.contains('\n') && inner.split_whitespace().count() >= 2 {
                out.push(start..end);
                from = end + close.len_utf8();
            } else {
                from = start;
            }
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_multiplier_and_arabic_digits_are_read() {
        let s = sentence("حشدت روسيا ١٠ آلاف جندي و14000 آلية في 2022.", 0..0);
        assert!(s.numbers.is_empty(), "empty span, no tokens");
        let text = "حشدت روسيا ١٠ آلاف جندي و14000 آلية في 2022.";
        let s = sentence(text, 0..text.len());
        assert_eq!(s.numbers[0], "10 الاف جند");
        assert_eq!(s.numbers.len(), 2, "{:?}", s.numbers);
    }

    #[test]
    fn quotes_of_two_words_or_more() {
        let t = "قال «لن نتنازل أبدا» وأضاف “كلمة” ثم \"نحن مستعدون للحوار\".";
        let q: Vec<&str> = quote_spans(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(q, ["لن نتنازل أبدا", "نحن مستعدون للحوار"]);
    }

    #[test]
    fn rare_words_weigh_more_than_common_ones() {
        assert!(rarity("لافروف") > rarity("قال"));
    }
}
