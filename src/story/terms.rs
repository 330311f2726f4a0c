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
        self.for_each_term_bytes(title, text, |t, _, w| {
            f(std::str::from_utf8(t).expect("stems are cut at letters"), w)
        })
    }

    /// [`StoryModel::for_each_term`] with terms as UTF-8 bytes and their hashes: the hot
    /// path, which never re-validates a token.
    pub fn for_each_term_bytes(
        &self,
        title: Option<&str>,
        text: &str,
        f: impl FnMut(&[u8], u64, u32),
    ) {
        let mut terms = Terms::new(self, title, Each(f));
        self.normalizer
            .for_each_token_bytes_hashed(self.body(text), |w, h| terms.body_word(w, h));
    }

    /// The weighted term counts of an article.
    pub fn counts(&self, title: Option<&str>, text: &str) -> TermCounts {
        let mut counter = self.counter(title, text.len() / 12);
        self.normalizer
            .for_each_token_bytes_hashed(self.body(text), |w, h| counter.word(w, h));
        counter.finish()
    }

    /// The text after its dateline (cut in the first line with a letter or digit).
    fn body<'t>(&self, text: &'t str) -> &'t str {
        let first = text.lines().find(|l| l.chars().any(char::is_alphanumeric));
        if let Some(line) = first {
            let cut = self.normalizer.dateline_end(line);
            if cut > 0 {
                let at = line.as_ptr() as usize - text.as_ptr() as usize + cut;
                return &text[at..];
            }
        }
        text
    }

    /// A counter of one article's terms, fed its body's words one by one (normalized, after
    /// the dateline) by a caller that tokenizes the text anyway: the copy level's reading
    /// (see [`crate::copy::Engine::prepare_keeping_text`]). `capacity`: terms expected.
    pub fn counter(&self, title: Option<&str>, capacity: usize) -> TermCounter<'_> {
        TermCounter(Terms::new(self, title, Vec::with_capacity(capacity)))
    }

    /// Maps term hashes back to stems by re-reading `texts` (for showing a story's terms).
    /// Titles are read first: a story's terms are usually in them.
    pub(crate) fn names(
        &self,
        texts: &[(Option<&str>, &str)],
        wanted: &[u64],
    ) -> HashMap<u64, String> {
        let mut names = Names {
            wanted,
            found: HashMap::new(),
        };
        for title in texts.iter().filter_map(|t| t.0) {
            if names.done() {
                return names.found;
            }
            names = Terms::new(self, Some(title), names).out;
        }
        // Bodies line by line, to stop as soon as every term is named.
        for &(_, text) in texts {
            if names.done() {
                break;
            }
            let mut terms = Terms::new(self, None, names);
            for line in self.body(text).split('\n') {
                self.normalizer
                    .for_each_token_bytes_hashed(line, |w, h| terms.body_word(w, h));
                if terms.out.done() {
                    break;
                }
            }
            names = terms.out;
        }
        names.found
    }
}

/// The stems of the wanted term hashes, as [`StoryModel::names`] finds them.
struct Names<'w> {
    wanted: &'w [u64],
    found: HashMap<u64, String>,
}

impl Names<'_> {
    fn done(&self) -> bool {
        self.found.len() == self.wanted.len()
    }
}

impl TermOut for Names<'_> {
    fn term(&mut self, bytes: &[u8], hash: u64, _: u32) {
        if self.wanted.contains(&hash) && !self.found.contains_key(&hash) {
            let name = std::str::from_utf8(bytes).expect("stems are cut at letters");
            self.found.insert(hash, name.to_owned());
        }
    }
}

/// One article's counts, built word by word ([`StoryModel::counter`]).
pub struct TermCounter<'m>(Terms<'m, Vec<(u64, u32)>>);

impl TermCounter<'_> {
    /// The next word of the body: normalized bytes and [`term_hash`].
    #[inline]
    pub fn word(&mut self, word: &[u8], hash: u64) {
        self.0.body_word(word, hash);
    }

    /// The counts of the words so far.
    pub fn finish(self) -> TermCounts {
        let mut v = self.0.out;
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
}

/// Where [`Terms`] puts each term: its bytes, hash and weight.
trait TermOut {
    fn term(&mut self, bytes: &[u8], hash: u64, weight: u32);
}

impl TermOut for Vec<(u64, u32)> {
    #[inline(always)]
    fn term(&mut self, _: &[u8], hash: u64, weight: u32) {
        self.push((hash, weight));
    }
}

/// A closure as a [`TermOut`].
struct Each<F>(F);

impl<F: FnMut(&[u8], u64, u32)> TermOut for Each<F> {
    #[inline(always)]
    fn term(&mut self, bytes: &[u8], hash: u64, weight: u32) {
        (self.0)(bytes, hash, weight)
    }
}

/// Normalized words in, terms out: stopwords dropped, stems, bigrams of neighbouring content
/// words, and the weights of title, lead and the rest.
struct Terms<'m, O> {
    model: &'m StoryModel,
    out: O,
    /// The previous content word, for bigrams; a stopword in between breaks the pair.
    prev: Vec<u8>,
    pair: Vec<u8>,
    /// Content words of the body so far (the first `lead_words` weigh `lead_weight`).
    seen: usize,
}

impl<'m, O: TermOut> Terms<'m, O> {
    /// Starts an article: the title's terms go out first.
    fn new(model: &'m StoryModel, title: Option<&str>, out: O) -> Self {
        let mut t = Terms {
            model,
            out,
            prev: Vec::new(),
            pair: Vec::new(),
            seen: 0,
        };
        if let Some(title) = title {
            let weight = model.config.title_weight;
            model.normalizer.for_each_token_bytes_hashed(title, |w, h| {
                t.emit(w, h, weight);
            });
            t.prev.clear();
        }
        t
    }

    #[inline]
    fn body_word(&mut self, word: &[u8], hash: u64) {
        let c = &self.model.config;
        let weight = if self.seen < c.lead_words {
            c.lead_weight
        } else {
            1
        };
        self.seen += self.emit(word, hash, weight) as usize;
    }

    /// One word (`hash` = [`term_hash`] of it); false for a stopword or a 1-byte word.
    #[inline]
    fn emit(&mut self, word: &[u8], hash: u64, weight: u32) -> bool {
        let model = self.model;
        if word.len() < 2 || model.stopwords.contains(word, hash) {
            self.prev.clear();
            return false;
        }
        let (s, h) = if model.config.stem {
            let s = stem_bytes(word);
            // A stem is a cut of the word: the same length is the same bytes.
            (
                s,
                if s.len() == word.len() {
                    hash
                } else {
                    term_hash(s)
                },
            )
        } else {
            (word, hash)
        };
        self.out.term(s, h, weight);
        if model.config.bigrams {
            if !self.prev.is_empty() {
                self.pair.clear();
                self.pair.extend_from_slice(&self.prev);
                self.pair.push(b' ');
                self.pair.extend_from_slice(s);
                self.out.term(&self.pair, term_hash(&self.pair), weight);
            }
            self.prev.clear();
            self.prev.extend_from_slice(s);
        }
        true
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
