//! Step 1: each text cut into sentences, each sentence into normalized tokens (with spans in
//! the original) and a set of content stems.

use std::ops::Range;

use crate::copy::token_hash;
use crate::text::sentences;

use super::Comparer;

/// A normalized token and where it is in the original text.
pub(super) struct Tok {
    pub(super) norm: u64,
    pub(super) span: Range<usize>,
}

/// A sentence as the aligner sees it.
pub(super) struct Sent {
    pub(super) span: Range<usize>,
    pub(super) toks: Vec<Tok>,
    /// Distinct content stems, sorted.
    pub(super) stems: Vec<u64>,
    /// Hash of the normalized token sequence: equal for sentences equal up to spelling.
    pub(super) whole: u64,
    pub(super) chars: usize,
    /// Background weight of each stem (from an IDF table), when one is given.
    pub(super) background: Vec<(u64, f64)>,
    /// Part of a page-chrome line: left out of the alignment.
    pub(super) chrome: bool,
}

impl Comparer {
    /// The sentences of `text` with their tokens and stems.
    pub(super) fn split(&self, text: &str) -> Vec<Sent> {
        let chrome: Vec<std::ops::Range<usize>> = if self.options.skip_chrome {
            crate::text::chrome::chrome_lines(text)
                .into_iter()
                .filter_map(|(span, c)| c.map(|_| span))
                .collect()
        } else {
            Vec::new()
        };
        let in_chrome =
            |s: &Range<usize>| chrome.iter().any(|c| c.start <= s.start && s.end <= c.end);
        sentences(text)
            .into_iter()
            .map(|span| {
                let piece = &text[span.clone()];
                let mut toks = Vec::new();
                let mut stems = Vec::new();
                let mut whole = 0x6e61_716c_u64;
                let mut bgw: Vec<(u64, f64)> = Vec::new();
                self.normalizer().for_each_token(piece, |t, s| {
                    let norm = token_hash(t);
                    whole = crate::copy::fold(whole, norm);
                    toks.push(Tok {
                        norm,
                        span: span.start + s.start..span.start + s.end,
                    });
                    if let Some(stem) = crate::text::stem::for_alignment(t) {
                        stems.push(token_hash(stem));
                        if let Some(bg) = &self.options.background {
                            // The table is keyed by the story stemmer's stems.
                            let key =
                                crate::hash::term_hash(crate::text::stem::for_terms(t).as_bytes());
                            bgw.push((token_hash(stem), bg.weight(key) as f64));
                        }
                    }
                });
                stems.sort_unstable();
                stems.dedup();
                if toks.is_empty() {
                    // Marks only («…», «***»): identical ones still pair up.
                    whole = token_hash(piece);
                }
                Sent {
                    chrome: in_chrome(&span),
                    background: bgw,
                    chars: piece.chars().count(),
                    span,
                    toks,
                    stems,
                    whole,
                }
            })
            .collect()
    }
}
