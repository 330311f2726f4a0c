//! Sentence segmentation of Arabic news text, with byte spans into the original.
//!
//! A sentence ends at `.` `!` `?` `؟` `…` (a run of them counts as one end, as in «؟!» or
//! «...») together with any closing quotes or brackets right after it, and at every paragraph
//! break (a line break). It does not end at `،` or `؛`, at a point between digits (3.5,
//! 1.000.000; the Arabic decimal separator ٫ is never an end), or after an abbreviation: a single
//! letter followed by a point (د. for doctor, م. for the Gregorian year, أ. for professor), a
//! known short form (هـ. ص. ق.م.), a run of Latin letter–point pairs (U.S.), or inside a
//! Latin name glued to the point on both sides (www.spa.gov.sa).
//!
//! Spans are byte ranges of `text` with surrounding whitespace trimmed; blank stretches
//! produce no sentence.

use std::ops::Range;

/// Closing marks that stay with the sentence they follow.
fn is_closer(c: char) -> bool {
    matches!(c, '»' | '"' | '\'' | ')' | ']' | '”' | '’' | '›')
}

fn is_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | '…')
}

/// True when the point at byte `dot` of `text` is part of an abbreviation or a number.
fn point_continues(text: &str, dot: usize) -> bool {
    let before = &text[..dot];
    let after = &text[dot + 1..];
    let prev = before.chars().next_back();
    let next = after.chars().next();
    // 3.5 or 1.000.000: a point between digits.
    if prev.is_some_and(|c| c.is_numeric()) && next.is_some_and(|c| c.is_numeric()) {
        return true;
    }
    // spa.gov.sa, document.body: a point glued to Latin letters on both sides. (Between
    // Arabic words a missing space after the point is a common typo, so there it still ends.)
    if prev.is_some_and(|c| c.is_ascii_alphanumeric())
        && next.is_some_and(|c| c.is_ascii_alphabetic())
    {
        return true;
    }
    // The word before the point, from the last space or punctuation.
    let word_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.' || c == 'ـ'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[word_start..];
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    // د. أ. م. — one letter and a point; U.S. — letter-point pairs.
    if letters == 1 && !word.contains('.') {
        return true;
    }
    if word.contains('.') && word.split('.').all(|p| p.chars().count() == 1) {
        return true;
    }
    matches!(
        word,
        "هـ" | "ه" | "ق.م" | "ص" | "ج" | "ت" | "Mr" | "Dr" | "Mrs" | "No" | "St"
    )
}

/// The sentences of `text` as byte spans.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let push = |out: &mut Vec<Range<usize>>, from: usize, to: usize| {
        let piece = &text[from..to];
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            let lead = piece.len() - piece.trim_start().len();
            out.push(from + lead..from + lead + trimmed.len());
        }
    };
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\n' {
            push(&mut out, start, i);
            start = i + 1;
            continue;
        }
        if !is_end(c) || (c == '.' && point_continues(text, i)) {
            continue;
        }
        // Take the whole run of end marks and the closers after it.
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if is_end(d) || is_closer(d) {
                end = j + d.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        push(&mut out, start, end);
        start = end;
    }
    push(&mut out, start, text.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn ends_at_arabic_and_latin_marks_and_paragraphs() {
        assert_eq!(
            split("قال الوزير إن الاتفاق سيوقع. هل يوقع اليوم؟ نعم!\nفقرة ثانية بلا نقطة"),
            [
                "قال الوزير إن الاتفاق سيوقع.",
                "هل يوقع اليوم؟",
                "نعم!",
                "فقرة ثانية بلا نقطة"
            ]
        );
    }

    #[test]
    fn points_inside_latin_names_do_not_end_a_sentence() {
        assert_eq!(
            split("نقلا عن موقع www.spa.gov.sa الرسمي. انتهى.وقال المصدر"),
            [
                "نقلا عن موقع www.spa.gov.sa الرسمي.",
                "انتهى.",
                "وقال المصدر"
            ]
        );
    }

    #[test]
    fn commas_and_semicolons_do_not_end_a_sentence() {
        assert_eq!(split("أولاً، ثانياً؛ ثالثاً."), ["أولاً، ثانياً؛ ثالثاً."]);
    }

    #[test]
    fn numbers_and_abbreviations_do_not_end_a_sentence() {
        assert_eq!(
            split("ارتفع المؤشر 3.5% إلى 1.000.250 نقطة."),
            ["ارتفع المؤشر 3.5% إلى 1.000.250 نقطة."]
        );
        assert_eq!(
            split("بلغ النمو ٣٫٥ بالمئة. ثم تراجع."),
            ["بلغ النمو ٣٫٥ بالمئة.", "ثم تراجع."]
        );
        assert_eq!(
            split("قال د. أحمد إن عام 1436 هـ. كان صعباً."),
            ["قال د. أحمد إن عام 1436 هـ. كان صعباً."]
        );
        assert_eq!(
            split("زار U.S. وفد أمس. ثم عاد."),
            ["زار U.S. وفد أمس.", "ثم عاد."]
        );
    }

    #[test]
    fn runs_of_marks_and_closing_quotes_stay_with_their_sentence() {
        assert_eq!(
            split("قال: «لن نتنازل.» ثم أضاف: ماذا بعد؟! انتهى... حقاً"),
            [
                "قال: «لن نتنازل.»",
                "ثم أضاف: ماذا بعد؟!",
                "انتهى...",
                "حقاً"
            ]
        );
    }

    #[test]
    fn blank_text_has_no_sentences_and_spans_are_trimmed() {
        assert!(sentences("  \n\n \r\n").is_empty());
        let text = "  جملة أولى.   جملة ثانية  ";
        let spans = sentences(text);
        assert_eq!(&text[spans[0].clone()], "جملة أولى.");
        assert_eq!(&text[spans[1].clone()], "جملة ثانية");
    }
}
