//! Every renderer: cluster and story listings (text, JSON, CSV), the diff views (terminal
//! columns, unified, JSON, HTML) and the HTML pages.

pub mod clusters;
pub mod collate;
pub mod copy_page;
pub mod diff;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod reuse;
pub mod stories;
pub mod story_page;

use std::collections::BTreeMap;

use crate::copy::Prepared;

/// What a group's header says about it (a copy cluster's, a story's): its outlets, sorted
/// once each, and its first and last dates.
pub(crate) struct Header<'a> {
    pub sources: Vec<&'a str>,
    first: Option<&'a str>,
    last: Option<&'a str>,
}

impl<'a> Header<'a> {
    /// The header of the documents `infos`.
    pub fn of(infos: impl Iterator<Item = &'a Prepared> + Clone) -> Header<'a> {
        let mut sources: Vec<&str> = infos.clone().filter_map(|i| i.source.as_deref()).collect();
        sources.sort_unstable();
        sources.dedup();
        let mut dates: Vec<(u64, &str)> = infos
            .filter_map(|i| {
                let d = i.date.as_deref()?;
                Some((crate::date::sort_key(d)?, d))
            })
            .collect();
        dates.sort_unstable();
        Header {
            sources,
            first: dates.first().map(|d| d.1),
            last: dates.last().map(|d| d.1),
        }
    }

    /// `2015-08-06 … 2015-08-07` (one day once), each date kept whole.
    pub fn span_html(&self) -> String {
        let day = |d: &str| crate::date::shown_day(d).into_owned();
        match (self.first, self.last) {
            (Some(f), Some(l)) if day(f) == day(l) => html_date(&day(f)),
            (Some(f), Some(l)) => format!("{} … {}", html_date(&day(f)), html_date(&day(l))),
            _ => "undated".into(),
        }
    }
}

/// Makes text safe for a terminal: control characters (escape sequences!) and bidi
/// overrides from article text must not reach it; line breaks become spaces. Every terminal
/// output (diff bodies and headers, cluster and story listings) passes ids, titles, sources
/// and text through it.
pub(crate) fn clean(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
            '\u{061C}' | '\u{FEFF}' => None,
            c if c.is_control() => Some('\u{FFFD}'),
            c => Some(c),
        })
        .collect()
}

/// The bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): an
/// unclosed one reverses or reorders everything after it.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Metadata for an HTML page (an id, title, source or date, or a heading or label made of
/// them), escaped and without bidi embedding, override and isolate controls, so that an
/// unclosed U+202E in one field cannot reverse the fields that follow it. Text without such
/// controls comes out exactly as [`diff::escape`] writes it.
pub(crate) fn html_meta(s: &str) -> String {
    if s.contains(is_bidi_control) {
        diff::escape(&s.replace(is_bidi_control, ""))
    } else {
        diff::escape(s)
    }
}

/// One field of a page's header (an id, a headline, an outlet), isolated from its neighbours:
/// `<bdi>` keeps an Arabic headline and the number beside it from trading places ("24008
/// :naql diff").
pub(crate) fn html_field(s: &str) -> String {
    format!("<bdi>{}</bdi>", html_meta(s))
}

/// A date as one left-to-right unit that never wraps (`2015-08-07 06:43:38`, not `2015-` /
/// `08-07`).
pub(crate) fn html_date(s: &str) -> String {
    format!("<bdi class=\"date\" dir=\"ltr\">{}</bdi>", html_meta(s))
}

/// A heading naql composed, `PREFIX: A ↔ B` with `ID — HEADLINE` on each side (any part may
/// be missing), with every part isolated ([`html_field`]). Only these separators are split,
/// once each, so a headline's own colon stays inside its field.
pub(crate) fn html_heading(s: &str) -> String {
    let (prefix, rest) = match s.split_once(": ") {
        Some((p, r)) => (Some(p), r),
        None => (None, s),
    };
    let side = |t: &str| match t.split_once(" — ") {
        Some((id, title)) => format!("{} — {}", html_field(id), html_field(title)),
        None => html_field(t),
    };
    let sides: Vec<String> = rest.split(" ↔ ").map(side).collect();
    let body = sides.join(" ↔ ");
    match prefix {
        Some(p) => format!("{}: {body}", html_field(p)),
        None => body,
    }
}

/// `n` and the noun that goes with it: `1 story`, `2 stories`, `0 outlets`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one line that accounts for every input record, at either level:
/// `N documents: X in G clusters, S singletons, K skipped (n reason, …)`.
pub(crate) fn accounting_line(
    input_records: usize,
    (grouped, groups, (one, many)): (usize, usize, (&str, &str)),
    singletons: usize,
    skipped: &BTreeMap<String, usize>,
) -> String {
    let total: usize = skipped.values().sum();
    let reasons: Vec<String> = skipped.iter().map(|(r, n)| format!("{n} {r}")).collect();
    let mut line = format!(
        "{}: {grouped} in {}, {}, {total} skipped",
        count(input_records, "document", "documents"),
        count(groups, one, many),
        count(singletons, "singleton", "singletons"),
    );
    if !reasons.is_empty() {
        line += &format!(" ({})", reasons.join(", "));
    }
    line
}

/// `N outlets` and, when there are any, their names: `3 outlets: okaz, sabq, was`.
pub(crate) fn outlets_label<S: AsRef<str>>(sources: &[S]) -> String {
    let names: Vec<&str> = sources.iter().map(|s| s.as_ref()).collect();
    let n = count(names.len(), "outlet", "outlets");
    if names.is_empty() {
        n
    } else {
        format!("{n}: {}", names.join(", "))
    }
}

/// For `skip_serializing_if`: a count that is zero is left out of the JSON.
pub(crate) fn is_zero(n: &usize) -> bool {
    *n == 0
}
