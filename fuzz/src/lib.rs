//! What the fuzz targets share: option sets from bytes, a scratch folder, and the checks.

use std::ops::Range;
use std::path::PathBuf;

use naql::NormalizeOptions;
use naql::corpus::Document;

/// A set of normalization rules from the bits of `bits`: bit `i` turns on
/// [`NormalizeOptions::RULES`]`[i]` (a rule past the sixteenth, should there be one, stays off).
pub fn options(bits: u16) -> NormalizeOptions {
    let mut o = NormalizeOptions::none();
    for (i, rule) in NormalizeOptions::RULES.iter().enumerate() {
        let on = 1u16.checked_shl(i as u32).is_some_and(|m| bits & m != 0);
        assert!(o.set(rule, on), "unknown rule {rule}");
    }
    o
}

/// The first two bytes as an option set, the rest as UTF-8 text (None: not UTF-8).
pub fn options_and_text(data: &[u8]) -> Option<(NormalizeOptions, &str)> {
    if data.len() < 2 {
        return None;
    }
    let bits = u16::from_le_bytes([data[0], data[1]]);
    Some((options(bits), std::str::from_utf8(&data[2..]).ok()?))
}

/// Lets panics raised inside the named dependencies unwind instead of aborting (libFuzzer's
/// hook aborts on any panic). naql catches those panics at the call and turns them into errors,
/// because the crate is known to assert on corrupt input; any other panic, or one of theirs
/// that naql fails to catch (it reaches libFuzzer's own catch), is still a crash.
pub fn unwind_panics_inside(crates: &'static [&'static str]) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let file = info.location().map_or("", |l| l.file());
            let theirs = crates.iter().any(|c| file.contains(&format!("/{c}-")));
            if !theirs {
                abort(info);
            }
        }));
    });
}

/// Documents made from the first `lines` lines of `text`, each line in every form `forms`
/// gives it (copies, a word added, pasted into other words), so that the engines find
/// something. Ids, outlets, dates and titles come from the line's first characters, so
/// hostile metadata is rendered too; ids stay distinct.
pub fn documents(text: &str, lines: usize, forms: impl Fn(&str) -> Vec<String>) -> Vec<Document> {
    let mut docs = Vec::new();
    for (i, line) in text.lines().take(lines).enumerate() {
        let head: String = line.chars().take(12).collect();
        for (k, body) in forms(line).into_iter().enumerate() {
            docs.push(Document {
                id: format!("{i}-{k}-{head}"),
                source: Some(format!("{head}{k}")),
                date: Some(format!("{head} 2024-01-{:02}", 1 + i % 28)),
                title: Some(head.clone()),
                text: body,
            });
        }
    }
    docs
}

/// A file path of this process's own in a scratch folder (made on first use).
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("naql-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir.join(name)
}

/// Spans on char boundaries, inside `text`, in order and not overlapping (each starts at or
/// after the previous one's end; the extra tokens of a ligature have empty spans at its end).
pub fn check_spans(text: &str, spans: &[Range<usize>]) {
    let mut last_end = 0;
    for s in spans {
        assert!(s.start <= s.end, "backwards span {s:?} in {text:?}");
        assert!(s.end <= text.len(), "span {s:?} past the end of {text:?}");
        assert!(
            text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
            "span {s:?} not on char boundaries in {text:?}"
        );
        assert!(
            s.start >= last_end,
            "span {s:?} overlaps the one before (ends at {last_end}) in {text:?}"
        );
        last_end = s.end;
    }
}

/// Terminal text holds no C0 control but newline and tab, no DEL and no C1 control.
pub fn check_terminal(out: &str) {
    for (i, c) in out.char_indices() {
        let bad = (c.is_control() && c != '\n' && c != '\t') || c == '\u{7f}';
        assert!(!bad, "raw control {c:?} at byte {i} of terminal output");
    }
}

/// Every cell of RFC 4180 `csv` (quoted cells unquoted) that starts like a spreadsheet formula
/// (`=` `+` `-` `@`, tab, carriage return) is a number; no cell holds NUL.
pub fn check_csv(csv: &str) {
    let (mut cell, mut quoted, mut chars) = (String::new(), false, csv.chars().peekable());
    let check = |cell: &mut String| {
        let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
        assert!(
            !risky || cell.parse::<f64>().is_ok(),
            "CSV cell starts a formula: {cell:?}"
        );
        assert!(!cell.contains('\0'), "NUL in CSV cell {cell:?}");
        cell.clear();
    };
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            '"' => quoted = !quoted,
            ',' | '\n' if !quoted => check(&mut cell),
            _ => cell.push(c),
        }
    }
    check(&mut cell);
}

/// The tags and attributes the HTML pages may hold; anything else means text got through
/// unescaped. `<!DOCTYPE html>` and comments are allowed too.
const TAGS: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "main", "header", "footer", "section",
    "article", "div", "span", "p", "h1", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "td",
    "th", "a", "del", "ins", "mark", "small", "b", "i", "em", "strong", "code", "pre", "ul", "ol",
    "li", "nav", "details", "summary", "bdi", "br", "hr", "sup", "sub", "abbr", "dl", "dt", "dd",
    "col", "colgroup", "caption", "label", "time", "aside", "figure", "q",
];

/// Every `<` in `html` opens an allowed tag, and no tag carries a script attribute or URL.
pub fn check_html(html: &str) {
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        if rest.starts_with("!DOCTYPE") || rest.starts_with("!--") {
            continue;
        }
        let body = rest.strip_prefix('/').unwrap_or(rest);
        let name: String = body
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(
            TAGS.contains(&name.to_ascii_lowercase().as_str()),
            "tag <{name}> is not on the allow-list: {:?}",
            &rest[..rest.len().min(80)]
        );
        let end = rest.find('>').expect("unclosed tag");
        let tag = rest[..end].to_ascii_lowercase();
        for key in attribute_names(&tag) {
            assert!(!key.starts_with("on"), "event attribute in <{tag}>");
            assert!(key != "src" && key != "srcset", "src attribute in <{tag}>");
        }
        assert!(!tag.contains("javascript:"), "script URL in <{tag}>");
    }
}

/// The attribute names of a tag's inside (`span class="a b" title='c'`), quoted values skipped.
fn attribute_names(tag: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut quote = None;
    let mut start = None;
    for (i, c) in tag.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c.is_whitespace() || c == '=' || c == '/' => {
                if let Some(s) = start.take() {
                    names.push(&tag[s..i]);
                }
            }
            None if start.is_none() => start = Some(i),
            None => {}
        }
    }
    if let Some(s) = start {
        names.push(&tag[s..]);
    }
    // The first word is the tag's name.
    names.into_iter().skip(1).collect()
}
