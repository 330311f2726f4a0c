//! Page chrome: the lines a scraper keeps around an article that are not the article («إقرأ
//! أيضاً», «اترك رد», "Source link", share buttons, tag lists, bylines, photo credits).
//!
//! A line is chrome when either
//! - the **table** (`models/chrome-lines-v2.txt.gz`, [`CHROME_MODEL`]) holds it: short lines
//!   found in at least [`TABLE_MIN_DOCS`] distinct articles on at least [`TABLE_MIN_DAYS`]
//!   distinct days of SaudiNewsNet and ANT. News copied from a wire repeats across outlets for
//!   a day or two; chrome repeats for weeks. Built by `scripts/build_models.sh`; or
//! - its own **features** say so: no sentence punctuation and short, and made of interface
//!   words (share, comments, tags, advertisement, read also, close …), a URL, a byline or a
//!   photo credit, or Latin words only in an Arabic text.
//!
//! Lines are compared normalized (tokens joined by one space), so spelling variants of a
//! line meet. EVALUATION.md measures precision and recall on hand-labelled lines.

use std::collections::HashMap;
use std::io::Read;
use std::ops::Range;
use std::sync::OnceLock;

use super::normalize::{NormalizeOptions, Normalizer, default_normalizer};

/// The name and version of the embedded table of chrome lines.
pub const CHROME_MODEL: &str = "naql-chrome-v2";

/// Fewest distinct articles a line needs to enter the table.
pub const TABLE_MIN_DOCS: usize = 8;

/// Fewest distinct days (of the articles' dates) a line needs to enter the table.
pub const TABLE_MIN_DAYS: usize = 4;

/// Longest line, in tokens, the table holds (chrome is short; a longer line is content).
pub const TABLE_MAX_TOKENS: usize = 16;

/// The table: a first line `naql-chrome-v2`, then one normalized line a row as
/// `articles<TAB>sources<TAB>days<TAB>line`.
const TABLE_GZ: &[u8] = include_bytes!("../../models/chrome-lines-v2.txt.gz");

/// Why a line is page chrome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Chrome {
    /// The corpus-learnt table holds it.
    Table,
    /// Interface words: share, comments, tags, advertisement, read also, close, menus.
    Interface,
    /// A web address (and little else).
    Url,
    /// A byline or a source credit («… – عين اليوم», «رابط الخبر بصحيفة الوئام: …»).
    Byline,
    /// A photo credit («تصوير: …», «الصورة: …», "Getty Images").
    Credit,
    /// Latin words only, inside an Arabic text ("Source link", "author", "Similar Posts").
    Latin,
    /// A time stamp, or a date with a time, alone on its line («25 يناير 2022 20:51»).
    Timestamp,
}

/// The normalized form of a line as the table keys it: its tokens joined by one space.
pub fn line_key(normalizer: &Normalizer, line: &str) -> String {
    let mut key = String::new();
    normalizer.for_each_token(line, |t, _| {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(t);
    });
    key
}

/// The embedded table's lines (parsed once, on first use).
fn table() -> &'static HashMap<String, usize> {
    static TABLE: OnceLock<HashMap<String, usize>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut text = String::new();
        if flate2::read::GzDecoder::new(TABLE_GZ)
            .read_to_string(&mut text)
            .is_err()
        {
            return HashMap::new();
        }
        let mut rows = text.lines();
        if rows.next() != Some(CHROME_MODEL) {
            return HashMap::new();
        }
        rows.filter_map(|r| {
            let (docs, rest) = r.split_once('\t')?;
            let line = rest.rsplit('\t').next()?;
            Some((line.to_owned(), docs.parse().ok()?))
        })
        .collect()
    })
}

/// A table line that ends as a sentence here needs this many articles: formulas that close
/// real texts («والله الموفق.») recur too, but less than a footer does.
const TABLE_SENTENCE_MIN_DOCS: usize = 50;

/// Interface words and phrases, normalized. A short unpunctuated line made mostly of them is
/// chrome.
/// Spelt as normalization v2 folds them: «أيضاً» is ايض, «اقرأ» and «اقرا» اقر.
const INTERFACE: &[&str] = &[
    "اقر ايض",
    "اقر المزيد",
    "شاهد ايض",
    "شاهد",
    "اترك رد",
    "اترك تعليق",
    "اضف تعليق",
    "التعليقات",
    "تعليقات",
    "تعليق",
    "مقالات ذات صله",
    "اخبار ذات صله",
    "مواضيع ذات صله",
    "المزيد عن هذا الموضوع",
    "زر الذهاب الي الاعلي",
    "الكلمات الدلاليه",
    "كلمات دلاليه",
    "الوسوم",
    "سمات",
    "اعلان",
    "مساحه اعلانيه",
    "ضع اعلانك هنا",
    "اغلاق",
    "طباعه",
    "ارسال",
    "شارك",
    "مشاركه",
    "شارك الخبر",
    "تابعون",
    "تابعن",
    "اشترك",
    "النشره البريديه",
    "الخبر من المصدر",
    "المصدر",
    "رابط الخبر",
    "رابط مختصر",
    "نسخ الرابط",
    "الرءيسيه",
    "اخبار",
    "اخر الاخبار",
    "اخبار عالميه",
    "اخبار عالميهاخر الاخبار",
    "الاخبار",
    "هذه القصه تم تحديثها",
    "لن يتم نشر عنوان بريدك الالكتروني",
    "الحقول الالزاميه مشار اليها ب",
    "تمت ترجمه هذا الخبر باستخدام ادوات الترجمه الفوريه من google",
    "source link",
    "facebook comments box",
    "facebook",
    "twitter",
    "whatsapp",
    "telegram",
    "share",
    "tweet",
    "print",
    "email",
    "similar posts",
    "next",
    "previous",
    "related posts",
    "read more",
    "author",
    "advertisement",
    "comments",
    "فيسبوك",
    "تويتر",
    "واتساب",
    "تيليجرام",
    "انستقرام",
    "يوتيوب",
];

/// Phrases that open a pointer to another page («للمزيد: …», «اقرأ أيضاً: …») or a reprint
/// credit, whatever follows.
const OPENERS: &[&str] = &[
    "للمزيد ",
    "المزيد عن هذا الموضوع",
    "اقر ايض",
    "اقر المزيد",
    "شاهد ايض",
    "شاهد الفيديو",
    "ذات صله",
];

/// Words that open a list of tags or pager links (when no sentence follows).
const TAG_OPENERS: &[&str] = &["سمات ", "الوسوم ", "كلمات دلاليه ", "next previous"];

/// Phrases that open a byline or a reprint credit (not followed by a long sentence).
const BYLINE_OPENERS: &[&str] = &["رابط الخبر", "بقلم ", "نقل عن ", "خاص ب", "المصدر "];

/// Whether `line` reads as a long sentence (over 12 words with a comma or a full stop inside).
fn long_sentence(line: &str) -> bool {
    line.split_whitespace().count() > 12 && (line.contains('،') || line.contains(". "))
}

/// Month names, normalized, and the marks of the time of day that dates and times use.
const DATE_WORDS: &[&str] = &[
    "يناير",
    "فبراير",
    "مارس",
    "ابريل",
    "مايو",
    "يونيو",
    "يوليو",
    "اغسطس",
    "سبتمبر",
    "اكتوبر",
    "نوفمبر",
    "ديسمبر",
    "كانون",
    "شباط",
    "اذار",
    "نيسان",
    "ايار",
    "حزيران",
    "تموز",
    "اب",
    "ايلول",
    "تشرين",
    "الاول",
    "الثاني",
    "ت",
    "م",
    "ص",
    "مساء",
    "صباح",
    "am",
    "pm",
    "gmt",
];

/// A line of a time (`20:51`) and date words only.
fn is_timestamp(line: &str) -> bool {
    let has_time = line
        .as_bytes()
        .windows(3)
        .any(|w| w[1] == b':' && w[0].is_ascii_digit() && w[2].is_ascii_digit());
    let key = line_key(default_normalizer(), line);
    has_time
        && key
            .split(' ')
            .all(|w| w.chars().all(|c| c.is_ascii_digit()) || DATE_WORDS.contains(&w))
}

/// Words that open a photo credit.
const CREDIT: &[&str] = &[
    "تصوير",
    "الصوره",
    "صوره",
    "عدسه",
    "photo",
    "getty",
    "afp",
    "رويترز",
];

/// Words that open or close a byline.
const BYLINE: &[&str] = &[
    "رابط الخبر",
    "بقلم",
    "كتب",
    "كتبت",
    "متابعات",
    "عين اليوم",
    "صحيفه الوءام",
    "الوءام",
    "سبق",
    "المواطن",
];

/// Whether a line ends or holds a sentence (a full stop, a question, a quote that closes a
/// sentence): chrome lines do not.
fn has_sentence_punctuation(line: &str) -> bool {
    let t = line.trim_end_matches([' ', '"', '»', '”', ')', '\'']);
    t.ends_with(['.', '؟', '?', '!', '…']) || t.contains(". ") || t.contains("، ")
}

/// Whether a line is page chrome, and why; `arabic_text`: the article is mostly Arabic (then a
/// line of Latin words only is chrome).
pub fn chrome_line(line: &str, arabic_text: bool) -> Option<Chrome> {
    let n = default_normalizer();
    let key = line_key(n, line);
    if key.is_empty() {
        return None;
    }
    let words = key.split(' ').count();
    if words <= TABLE_MAX_TOKENS {
        let needed = if has_sentence_punctuation(line) {
            TABLE_SENTENCE_MIN_DOCS
        } else {
            1
        };
        if table().get(&key).is_some_and(|&docs| docs >= needed) {
            return Some(Chrome::Table);
        }
    }
    features(line, &key, words, arabic_text)
}

/// The line-level features (see the module docs).
fn features(line: &str, key: &str, words: usize, arabic_text: bool) -> Option<Chrome> {
    let url = line.contains("http://") || line.contains("https://") || line.contains("www.");
    if url && words <= 12 {
        return Some(Chrome::Url);
    }
    let punct = has_sentence_punctuation(line);
    let starts = |list: &[&str]| {
        list.iter()
            .any(|w| key == *w || key.starts_with(&format!("{w} ")))
    };
    if words <= 6 && !punct && starts(CREDIT) {
        return Some(Chrome::Credit);
    }
    if words <= 16 && OPENERS.iter().any(|o| key.starts_with(o)) {
        return Some(Chrome::Interface);
    }
    // «سمات الجوازات وافدون …»: a tag list; "Next Previous …": pager links.
    if words <= 16 && !punct && TAG_OPENERS.iter().any(|o| key.starts_with(o)) {
        return Some(Chrome::Interface);
    }
    if words <= 12 && BYLINE_OPENERS.iter().any(|o| key.starts_with(o)) && !long_sentence(line) {
        return Some(Chrome::Byline);
    }
    // «ساهمت … في هذا التقرير.»: who contributed.
    if words <= 20 && key.starts_with("ساهم") && key.contains("في هذا التقرير") {
        return Some(Chrome::Byline);
    }
    // "— Name (@handle) January 15, 2022": the credit line of an embedded tweet.
    let dash = line.trim_start().starts_with(['—', '–', '-']);
    if dash && line.contains("(@") && words <= 16 {
        return Some(Chrome::Credit);
    }
    if words <= 7 && !punct && is_timestamp(line) {
        return Some(Chrome::Timestamp);
    }
    // «عين اليوم – الرياض», «صقر خالد – جدة»: a name and a place around a dash.
    if words <= 6
        && !punct
        && let Some((l, r)) = line.split_once(['–', '—'])
    {
        let (l, r) = (
            line_key(default_normalizer(), l),
            line_key(default_normalizer(), r),
        );
        let short = |k: &str| !k.is_empty() && k.split(' ').count() <= 3;
        if short(&l) && short(&r) {
            return Some(Chrome::Byline);
        }
    }
    // «… – عين اليوم»: a short line whose last part, after a dash, is an outlet.
    if words <= 14
        && !punct
        && let Some((_, tail)) = line.rsplit_once(['–', '—', '|'])
    {
        let tail = line_key(default_normalizer(), tail);
        if !tail.is_empty() && BYLINE.iter().any(|b| tail == *b) {
            return Some(Chrome::Byline);
        }
    }
    if words <= 8 && !punct && interface_share(key) >= 0.5 {
        return Some(Chrome::Interface);
    }
    // A long interface phrase opening the line («لن يتم نشر عنوان بريدك الإلكتروني. …»).
    let opens = INTERFACE
        .iter()
        .any(|p| p.matches(' ').count() >= 2 && (key == *p || key.starts_with(&format!("{p} "))));
    if words <= 25 && opens {
        return Some(Chrome::Interface);
    }
    let arabic = line.chars().any(is_arabic_letter);
    if arabic_text && !arabic && words <= 6 && !punct {
        return Some(Chrome::Latin);
    }
    None
}

/// The share of a line's words that interface phrases cover.
fn interface_share(key: &str) -> f64 {
    let words: Vec<&str> = key.split(' ').collect();
    let mut covered = vec![false; words.len()];
    for phrase in INTERFACE {
        let p: Vec<&str> = phrase.split(' ').collect();
        if p.len() > words.len() {
            continue;
        }
        for s in 0..=words.len() - p.len() {
            if words[s..s + p.len()] == p[..] {
                covered[s..s + p.len()].iter_mut().for_each(|c| *c = true);
            }
        }
    }
    covered.iter().filter(|&&c| c).count() as f64 / words.len() as f64
}

fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{064A}' | '\u{066E}'..='\u{06D3}')
}

/// Whether most letters of `text` are Arabic.
pub fn is_arabic(text: &str) -> bool {
    let (mut ar, mut all) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        all += 1;
        ar += is_arabic_letter(c) as usize;
    }
    all > 0 && ar * 2 >= all
}

/// Each line of `text` (byte span, blank lines left out) and whether it is chrome.
pub fn chrome_lines(text: &str) -> Vec<(Range<usize>, Option<Chrome>)> {
    let arabic = is_arabic(text);
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            let lead = line.len() - line.trim_start().len();
            let span = start + lead..start + lead + trimmed.len();
            out.push((span, chrome_line(trimmed, arabic)));
        }
        start += line.len();
    }
    out
}

/// The first line of `text` that is not chrome (trimmed): a `.txt` article's title.
pub fn first_content_line(text: &str) -> Option<&str> {
    chrome_lines(text)
        .into_iter()
        .find(|(_, c)| c.is_none())
        .map(|(span, _)| &text[span])
}

/// The title of an article whose title is its text's first line (a `.txt` file): when that
/// line is chrome («أخبار عالميةأخر الاخبار»), the first line that is not. Other titles are
/// kept as they are.
pub fn skip_chrome_title(title: Option<String>, text: &str) -> Option<String> {
    let t = title?;
    let first = text.lines().map(str::trim).find(|l| !l.is_empty());
    if first != Some(t.as_str()) || chrome_line(&t, is_arabic(text)).is_none() {
        return Some(t);
    }
    first_content_line(text)
        .filter(|l| l.chars().count() <= 300)
        .map(str::to_owned)
        .or(Some(t))
}

/// Whether the table fits `options` (it was made with the default rules).
pub fn table_fits(options: &NormalizeOptions) -> bool {
    *options == NormalizeOptions::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interface_lines_bylines_credits_and_urls_are_chrome() {
        for line in [
            "إقرأ أيضاً:",
            "مساحة إعلانية - ضع إعلانك هنا",
            "الكلمات الدلالية",
            "إغلاق",
            "شاهد الحادثة:",
            "Source link",
            "Facebook Comments Box",
            "اترك رد",
            "زر الذهاب إلى الأعلى",
            "رابط الخبر بصحيفة الوئام: المفتي يدين التفجير",
            "تصوير: محمد العتيبي",
            "https://example.com/news/1",
        ] {
            assert!(chrome_line(line, true).is_some(), "{line}");
        }
        for line in [
            "قال وزير الخارجية الروسي سيرغي لافروف إن روسيا ستبدأ المحادثات في يناير.",
            "وأضاف أن السلطات الأوكرانية تراقب الوضع عن كثب.",
            "روسيا تدعو إلى إنهاء توسع الناتو شرقاً",
        ] {
            assert_eq!(chrome_line(line, true), None, "{line}");
        }
    }

    #[test]
    fn the_title_skips_a_menu_line() {
        let text = "أخبار عالميةأخر الاخبار\n\nالمطالب الروسية بضمانات أمنية\nنص الخبر.";
        assert_eq!(
            first_content_line(text),
            Some("المطالب الروسية بضمانات أمنية")
        );
    }
}
