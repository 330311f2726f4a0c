//! Content words: the terms of an article (title, lead, body; stems and bigrams), counted.

use std::collections::HashMap;

use crate::hash::term_hash;
use crate::story::model::StoryModel;
use crate::text::stem::stem_bytes;

/// Raw term counts of one article: `(term hash, weighted count)` sorted by hash.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TermCounts(pub Vec<(u64, u32)>);

impl TermCounts {
    /// A hash of the counts: equal for articles with the same terms (counted once in df).
    pub(crate) fn key(&self) -> u64 {
        self.0.iter().fold(0x0073_746f_7279, |h, &(t, c)| {
            crate::copy::fmix64(h.rotate_left(17) ^ t ^ (c as u64).wrapping_mul(0x9E37))
        })
    }
}

impl StoryModel {
    /// Calls `f(stem, weight)` for every content word of an article, in order: the title's
    /// words weigh `title_weight`, the lead's `lead_weight`, the rest 1.
    pub fn for_each_term(&self, title: Option<&str>, text: &str, mut f: impl FnMut(&str, u32)) {
        self.for_each_term_bytes(title, text, |t, w| {
            f(std::str::from_utf8(t).expect("stems are cut at letters"), w)
        })
    }

    /// [`StoryModel::for_each_term`] with terms as UTF-8 bytes: the hot path, which never
    /// re-validates a token.
    pub fn for_each_term_bytes(
        &self,
        title: Option<&str>,
        text: &str,
        mut f: impl FnMut(&[u8], u32),
    ) {
        let (stemming, bigrams) = (self.config.stem, self.config.bigrams);
        // The previous content word, for bigrams; a stopword in between breaks the pair.
        let mut prev: Vec<u8> = Vec::new();
        let mut pair: Vec<u8> = Vec::new();
        let mut emit = |word: &[u8], weight: u32| -> bool {
            if word.len() < 2 || self.stopwords.contains(word, term_hash(word)) {
                prev.clear();
                return false;
            }
            let s = if stemming { stem_bytes(word) } else { word };
            f(s, weight);
            if bigrams {
                if !prev.is_empty() {
                    pair.clear();
                    pair.extend_from_slice(&prev);
                    pair.push(b' ');
                    pair.extend_from_slice(s);
                    f(&pair, weight);
                }
                prev.clear();
                prev.extend_from_slice(s);
            }
            true
        };
        if let Some(t) = title {
            self.normalizer
                .for_each_token_bytes(t, |w, _| _ = emit(w, self.config.title_weight));
            emit(b"", 0);
        }
        let mut body = text;
        let first = text.lines().find(|l| l.chars().any(char::is_alphanumeric));
        if let Some(line) = first {
            let cut = self.normalizer.dateline_end(line);
            if cut > 0 {
                let at = line.as_ptr() as usize - text.as_ptr() as usize + cut;
                body = &text[at..];
            }
        }
        let mut seen = 0usize;
        let (lead, lead_words) = (self.config.lead_weight, self.config.lead_words);
        self.normalizer.for_each_token_bytes(body, |w, _| {
            let weight = if seen < lead_words { lead } else { 1 };
            seen += emit(w, weight) as usize;
        });
    }

    /// The weighted term counts of an article.
    pub fn counts(&self, title: Option<&str>, text: &str) -> TermCounts {
        let mut v: Vec<(u64, u32)> = Vec::with_capacity(text.len() / 12);
        self.for_each_term_bytes(title, text, |s, w| v.push((term_hash(s), w)));
        v.sort_unstable_by_key(|&(h, _)| h);
        let mut out: Vec<(u64, u32)> = Vec::with_capacity(v.len());
        for (h, w) in v {
            match out.last_mut() {
                Some(last) if last.0 == h => last.1 += w,
                _ => out.push((h, w)),
            }
        }
        TermCounts(out)
    }

    /// Maps term hashes back to stems by re-reading `texts` (for showing a story's terms).
    /// Titles are read first: a story's terms are usually in them.
    pub(crate) fn names(
        &self,
        texts: &[(Option<&str>, &str)],
        wanted: &[u64],
    ) -> HashMap<u64, String> {
        let mut out = HashMap::new();
        let titles = texts.iter().filter_map(|t| t.0).map(|t| (Some(t), ""));
        let bodies = texts.iter().map(|t| (None, t.1));
        for (title, text) in titles.chain(bodies) {
            if out.len() == wanted.len() {
                break;
            }
            self.for_each_term(title, text, |s, _| {
                let h = term_hash(s.as_bytes());
                if wanted.contains(&h) && !out.contains_key(&h) {
                    out.insert(h, s.to_owned());
                }
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::hash::term_hash;
    use crate::story::{StoryConfig, StoryModel};
    use crate::text::stem::stem;

    #[test]
    fn title_and_lead_words_weigh_more_and_stopwords_nothing() {
        let m = StoryModel::new(StoryConfig {
            lead_words: 2,
            ..StoryConfig::default()
        });
        let c = m.counts(Some("الرياض"), "جدة مكة الرياض في من على جدة");
        let get = |w: &str| {
            let h = term_hash(stem(&m.normalizer.normalize(w)).as_bytes());
            c.0.iter().find(|x| x.0 == h).map_or(0, |x| x.1)
        };
        assert_eq!(get("الرياض"), 3 + 1); // title 3, past the lead 1
        assert_eq!(get("جدة"), 2 + 1); // lead 2, later 1
        assert_eq!(get("مكة"), 2);
        assert_eq!(get("في"), 0);
        assert_eq!(c.0.len(), 3);
    }

    #[test]
    fn datelines_are_not_terms() {
        let m = StoryModel::new(StoryConfig::default());
        let a = m.counts(None, "الرياض - واس: افتتح الأمير المعرض");
        let b = m.counts(None, "افتتح الأمير المعرض");
        assert_eq!(
            a.0.iter().map(|x| x.0).collect::<Vec<_>>(),
            b.0.iter().map(|x| x.0).collect::<Vec<_>>()
        );
    }
}
