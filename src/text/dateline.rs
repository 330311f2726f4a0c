//! Datelines: the «الرياض - واس:» that opens a wire story, found so that it can be left out of
//! the shingles (outlets rewrite datelines when they copy).

use std::ops::Range;

use super::normalize::Normalizer;

/// News agencies as they appear in datelines, normalized (multi-word names as token lists).
const AGENCIES: &[&[&str]] = &[
    &["واس"],
    &["ا", "ف", "ب"],
    &["اف", "ب"],
    &["رويترز"],
    &["د", "ب", "ا"],
    &["الاناضول"],
    &["قنا"],
    &["وام"],
    &["بنا"],
    &["كون"],
    &["سبا"],
    &["سان"],
    &["وفا"],
    &["العمانيه"],
    &["الفرنسيه"],
    &["الالمانيه"],
    &["يو", "بي", "اي"],
    &["اسوشيتد", "برس"],
    &["شينخو"],
    &["ونا"],
];

fn ends_with_agency(words: &[&str]) -> bool {
    AGENCIES.iter().any(|a| words.ends_with(a))
}

const DASHES: &[char] = &['-', '–', '—', '_'];

impl Normalizer {
    /// The byte offset where the news starts in the first line of an article, past a dateline
    /// such as «الرياض - واس:», «جدة: عكاظ —» or a whole line «بريدة 25 شوال 1436 هـ … واس»;
    /// 0 when there is none. Outlets rewrite datelines when they copy, so they are left out of
    /// the shingles. Rules (checked on the first 12 tokens only):
    /// 1. a colon after at most 8 tokens, where the prefix holds a dash or ends with an agency;
    /// 2. a dash after at most 4 tokens followed by an agency name (then an optional colon);
    /// 3. a line of at most 14 tokens that ends with an agency name (the whole line goes).
    pub fn dateline_end(&self, line: &str) -> usize {
        // Only the start of the line matters: tokenize at most ~600 bytes of it.
        let mut cut = line.len().min(600);
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        let head = &line[..cut];
        let mut buf = String::new();
        let mut toks: Vec<(Range<usize>, Range<usize>)> = Vec::with_capacity(16); // (in buf, span)
        self.for_each_token(head, |t, span| {
            if toks.len() < 15 {
                let at = buf.len();
                buf.push_str(t);
                toks.push((at..buf.len(), span));
            }
        });
        if toks.is_empty() {
            return 0;
        }
        let whole_line = cut == line.len() && toks.len() < 15;
        let words: Vec<&str> = toks.iter().map(|(b, _)| &buf[b.clone()]).collect();
        // The separator text between token i and i+1 (or after the last one).
        let gap = |i: usize| {
            let from = toks[i].1.end;
            // Token spans never overlap (text/tokens.rs), so this `max` is only a guard: the
            // words of one ligature after its first have empty spans, and their gaps are empty.
            let to = toks.get(i + 1).map_or(line.len(), |t| t.1.start).max(from);
            &line[from..to]
        };
        for i in 0..toks.len().min(8) {
            let g = gap(i);
            if g.contains(['.', '!', '?', '؟']) {
                break;
            }
            if g.contains(':') {
                let dashed = (0..i).any(|j| gap(j).contains(DASHES)) || g.contains(DASHES);
                if dashed || ends_with_agency(&words[..=i]) {
                    return toks.get(i + 1).map_or(line.len(), |t| t.1.start);
                }
                break;
            }
        }
        for i in 0..toks.len().min(4) {
            if gap(i).contains(DASHES) {
                for a in AGENCIES {
                    if words[i + 1..].starts_with(a) {
                        let last = i + a.len();
                        return toks.get(last + 1).map_or(line.len(), |t| t.1.start);
                    }
                }
                break;
            }
        }
        if whole_line && ends_with_agency(&words) {
            return line.len();
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::text::default_normalizer;

    #[test]
    fn finds_datelines() {
        let n = default_normalizer();
        let cut = |l: &str| l[n.dateline_end(l)..].to_string();
        assert_eq!(cut("الرياض - واس: أعلن الوزير"), "أعلن الوزير");
        assert_eq!(cut("القاهرة – أ ف ب: قال"), "قال");
        assert_eq!(cut("جدة - واس أعلن الوزير"), "أعلن الوزير");
        assert_eq!(
            cut(" بريدة 25 شوال 1436 هـ الموافق 10 اغسطس 2015 م واس"),
            ""
        );
        assert_eq!(cut("لندن (رويترز): ارتفعت"), "ارتفعت");
        // Not datelines: a quote after a colon, a dash inside a sentence, a long line.
        assert_eq!(cut("قال الوزير: إن"), "قال الوزير: إن");
        assert_eq!(
            cut("أعلن الوزير أن الاتفاق - وهو الأول - سيوقع"),
            "أعلن الوزير أن الاتفاق - وهو الأول - سيوقع"
        );
        assert_eq!(cut(""), "");
    }
}
