//! How a [`Comparison`] is shown: two terminal columns, a git-style word diff, JSON, and a
//! self-contained HTML page. Every renderer prints the original texts (each outlet's own
//! spelling); the comparison only says where things are.
//!
//! JSON schema (`naql-diff-v2`; v1 had no page chrome: its `only_a`/`only_b` counted it), spans in **Unicode character offsets** into the original
//! texts (what Python's `str` indexes), `[start, end)`:
//!
//! ```text
//! { "schema": "naql-diff-v2",
//!   "a": {"name", "source", "date", "chars"}, "b": {…},
//!   "summary": {"jaccard", "containment_ab", "containment_ba", "equal", "changed", "moved",
//!               "only_a", "only_b", "boilerplate_a", "boilerplate_b", "a_shared", "b_shared"},
//!   "rows": [{"kind": "equal"|"changed"|"moved"|"only_a"|"only_b",
//!             "a": [start, end] | null, "b": [start, end] | null, "score",
//!             "edits": [{"op": "delete"|"insert"|"replace"|"equal", "a": [s, e], "b": [s, e],
//!                        "spelling": bool}], "boilerplate": true (page chrome only)}] }
//! ```
//!
//! Page chrome (`boilerplate`, [`crate::text::chrome`]) is never paired and is counted in
//! `boilerplate_a`/`boilerplate_b`, not in `only_a`/`only_b`; `a_shared` leaves it out.
//!
//! Rows are in A's order; a moved row sits at its A position and its `b` span says where B
//! has it. Edits list every word change; an `equal` edit marks words spelled differently but
//! equal after normalization. The side an edit does not touch has an empty span at the place.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::ops::Range;

use serde::Serialize;
use unicode_width::UnicodeWidthChar;

use super::{clean, html_date, html_field, html_heading, html_meta};

/// The version of the JSON document [`json`] writes (its `"schema"`).
pub const SCHEMA: &str = "naql-diff-v2";
use crate::diff::{Comparison, Edit, Kind, Op, Row, Slot};

/// One of the two texts, with what is shown about it.
#[derive(Clone, Debug, Default)]
pub struct Side<'a> {
    /// File name or document id.
    pub name: String,
    /// The outlet, shown beside the name.
    pub source: Option<String>,
    /// The date as written, shown beside the name.
    pub date: Option<String>,
    /// The original text: every span of the comparison points into it.
    pub text: &'a str,
}

impl Side<'_> {
    /// `A: ` and the side's fields for a page, each isolated, the date kept whole.
    fn html_label(&self, tag: &str) -> String {
        let mut s = format!("{tag}: {}", html_heading(&self.name));
        if let Some(source) = &self.source {
            s.push_str(" · ");
            s.push_str(&html_field(source));
        }
        if let Some(date) = &self.date {
            s.push_str(" · ");
            s.push_str(&html_date(date));
        }
        s
    }

    fn label(&self) -> String {
        let mut s = self.name.clone();
        for x in [&self.source, &self.date].into_iter().flatten() {
            s.push_str(" · ");
            s.push_str(x);
        }
        s
    }
}

/// Maps byte offsets of a text to character offsets with a checkpoint every 4 KiB, so that a
/// 50 MB text costs a few KB and each lookup counts at most 4 KiB of characters.
pub(crate) struct CharIndex<'a> {
    text: &'a str,
    /// Character offset at byte `i * STEP` (rounded down to a char boundary).
    marks: Vec<(usize, usize)>,
}

const STEP: usize = 4096;

impl<'a> CharIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut marks = vec![(0, 0)];
        let (mut byte, mut chars) = (0, 0);
        while byte + STEP < text.len() {
            let mut next = byte + STEP;
            while !text.is_char_boundary(next) {
                next -= 1;
            }
            chars += text[byte..next].chars().count();
            byte = next;
            marks.push((byte, chars));
        }
        CharIndex { text, marks }
    }

    pub(crate) fn at(&self, byte: usize) -> usize {
        let k = self.marks.partition_point(|&(b, _)| b <= byte) - 1;
        let (b, c) = self.marks[k];
        c + self.text[b..byte].chars().count()
    }

    pub(crate) fn span(&self, r: &Range<usize>) -> [usize; 2] {
        [self.at(r.start), self.at(r.end)]
    }
}

#[derive(Serialize)]
struct JsonSide<'a> {
    name: &'a str,
    source: Option<&'a str>,
    date: Option<&'a str>,
    chars: usize,
}

#[derive(Serialize)]
struct JsonEdit {
    op: Op,
    a: [usize; 2],
    b: [usize; 2],
    spelling: bool,
}

#[derive(Serialize)]
struct JsonRow {
    kind: Kind,
    a: Option<[usize; 2]>,
    b: Option<[usize; 2]>,
    score: f64,
    edits: Vec<JsonEdit>,
    /// Page chrome (only present when true).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    boilerplate: bool,
}

#[derive(Serialize)]
struct JsonDiff<'a> {
    schema: &'static str,
    a: JsonSide<'a>,
    b: JsonSide<'a>,
    summary: &'a crate::diff::Summary,
    rows: Vec<JsonRow>,
}

/// Writes the comparison as one JSON document (schema in the module docs).
pub fn json(w: &mut dyn Write, a: &Side, b: &Side, cmp: &Comparison) -> io::Result<()> {
    let (ia, ib) = (CharIndex::new(a.text), CharIndex::new(b.text));
    let side = |s: &'_ Side<'_>, idx: &CharIndex| JsonSide {
        name: "",
        source: None,
        date: None,
        chars: idx.at(s.text.len()),
    };
    let mut ja = side(a, &ia);
    (ja.name, ja.source, ja.date) = (&a.name, a.source.as_deref(), a.date.as_deref());
    let mut jb = side(b, &ib);
    (jb.name, jb.source, jb.date) = (&b.name, b.source.as_deref(), b.date.as_deref());
    let rows = cmp
        .rows
        .iter()
        .map(|r| JsonRow {
            kind: r.kind,
            a: r.a.as_ref().map(|x| ia.span(x)),
            b: r.b.as_ref().map(|x| ib.span(x)),
            score: crate::score::round4(r.score),
            edits: r
                .edits
                .iter()
                .map(|e| JsonEdit {
                    op: e.op,
                    a: ia.span(&e.a),
                    b: ib.span(&e.b),
                    spelling: e.spelling,
                })
                .collect(),
            boilerplate: r.boilerplate,
        })
        .collect();
    let doc = JsonDiff {
        schema: SCHEMA,
        a: ja,
        b: jb,
        summary: &cmp.summary,
        rows,
    };
    serde_json::to_writer(&mut *w, &doc)?;
    writeln!(w)
}

/// How a piece of a cell is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Plain,
    Deleted,
    Inserted,
    Spelling,
    Note,
}

/// Text as pieces with styles, for one side of a row.
type Pieces = Vec<(String, Style)>;

/// The pieces of one side of a row: the row's text with the edits of that side highlighted.
fn pieces(text: &str, span: &Range<usize>, edits: &[Edit], a_side: bool, kind: Kind) -> Pieces {
    let mut out = Vec::new();
    match kind {
        Kind::OnlyA => return vec![(text[span.clone()].to_string(), Style::Deleted)],
        Kind::OnlyB => return vec![(text[span.clone()].to_string(), Style::Inserted)],
        _ => {}
    }
    let mut at = span.start;
    for e in edits {
        let r = if a_side { &e.a } else { &e.b };
        if r.is_empty() || r.start < at {
            continue;
        }
        let style = match e.op {
            Op::Equal => Style::Spelling,
            _ if a_side => Style::Deleted,
            _ => Style::Inserted,
        };
        out.push((text[at..r.start].to_string(), Style::Plain));
        out.push((text[r.clone()].to_string(), style));
        at = r.end;
    }
    out.push((text[at..span.end].to_string(), Style::Plain));
    out.retain(|(s, _)| !s.is_empty());
    out
}

/// Without colours, the words a changed row changes are marked `*like this*` and the ones that
/// differ only in spelling `~like this~`, so the view shows what changed without relying on
/// colour. Whole-sentence rows (only A, only B) have their marker column instead. Asterisk and
/// tilde are not mirrored in right-to-left text, unlike brackets.
fn mark_edits(pieces: &mut Pieces) {
    if pieces.iter().all(|(_, s)| *s != Style::Plain) {
        return;
    }
    for (text, style) in pieces.iter_mut() {
        let sign = match style {
            Style::Deleted | Style::Inserted => '*',
            Style::Spelling => '~',
            Style::Plain | Style::Note => continue,
        };
        let (lead, rest) = text.split_at(text.len() - text.trim_start().len());
        let core = rest.trim_end();
        let trail = &rest[core.len()..];
        if !core.is_empty() {
            *text = format!("{lead}{sign}{core}{sign}{trail}");
        }
    }
}

/// Whether a text reads right to left: its first strong letter is Arabic or Hebrew.
fn is_rtl(s: &str) -> bool {
    s.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(|c| matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF))
}

/// Terminal colors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Colors(pub bool);

impl Colors {
    fn paint(&self, s: &str, style: Style) -> String {
        if !self.0 || style == Style::Plain {
            return s.to_string();
        }
        let code = match style {
            Style::Deleted => "31",
            Style::Inserted => "32",
            Style::Spelling => "2;4",
            Style::Note => "36",
            Style::Plain => unreachable!(),
        };
        format!("\x1b[{code}m{s}\x1b[0m")
    }
}

/// Display columns of `s` as terminals count them: the sum of each character's width, as
/// wcwidth gives it (tmux, xterm, VTE and most emulators). Harakat and other combining marks
/// are zero-width. Not `str::width`: that counts a lam-alef pair (لا) as one column, the
/// ligature a shaping renderer draws, but terminals give each letter its own cell.
pub(crate) fn cells(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Breaks pieces into lines of at most `width` display columns, at spaces where possible.
fn wrap(pieces: &Pieces, width: usize) -> Vec<Vec<(String, Style)>> {
    let width = width.max(4);
    let mut lines: Vec<Vec<(String, Style)>> = vec![Vec::new()];
    let mut used = 0usize;
    let push = |lines: &mut Vec<Vec<(String, Style)>>, used: &mut usize, word: &str, style| {
        let w = cells(word);
        if *used > 0 && *used + w > width {
            lines.push(Vec::new());
            *used = 0;
        }
        let line = lines.last_mut().expect("never empty");
        match line.last_mut() {
            Some((s, st)) if *st == style => s.push_str(word),
            _ => line.push((word.to_string(), style)),
        }
        *used += w;
    };
    for (text, style) in pieces {
        let text = clean(text);
        // Words keep their trailing space; a word wider than the column is cut.
        for word in text.split_inclusive(' ') {
            let mut chunk = String::new();
            let mut cw = 0;
            for c in word.chars() {
                let w = c.width().unwrap_or(0);
                if cw + w > width {
                    push(&mut lines, &mut used, &chunk, *style);
                    chunk.clear();
                    cw = 0;
                }
                chunk.push(c);
                cw += w;
            }
            if !chunk.is_empty() {
                push(&mut lines, &mut used, &chunk, *style);
            }
        }
    }
    for line in &mut lines {
        if let Some((s, _)) = line.last_mut() {
            let t = s.trim_end().len();
            s.truncate(t);
        }
    }
    lines
}

/// Display columns of a line ([`cells`]).
fn display_width(line: &[(String, Style)]) -> usize {
    line.iter().map(|(s, _)| cells(s)).sum()
}

fn mark(kind: Kind) -> &'static str {
    match kind {
        Kind::Equal => "=",
        Kind::Changed => "~",
        Kind::Moved => "↕",
        Kind::OnlyA => "-",
        Kind::OnlyB => "+",
    }
}

/// The two sides of one displayed line of the layout: (A pieces, B pieces, marker).
fn slot_cells(a: &Side, b: &Side, cmp: &Comparison, slot: Slot) -> (Pieces, Pieces, String) {
    let note = |s: String| vec![(s, Style::Note)];
    match slot {
        Slot::Row(i) if cmp.rows[i].boilerplate => {
            // Page chrome: muted, on its side only.
            let r = &cmp.rows[i];
            let muted = |t: &str, s: &Option<Range<usize>>| {
                s.as_ref()
                    .map_or(Vec::new(), |s| note(t[s.clone()].to_string()))
            };
            (muted(a.text, &r.a), muted(b.text, &r.b), "·".to_string())
        }
        Slot::Row(i) => {
            let r = &cmp.rows[i];
            let pa =
                r.a.as_ref()
                    .map(|s| pieces(a.text, s, &r.edits, true, r.kind))
                    .unwrap_or_default();
            let pb = match (r.kind, &r.b) {
                (Kind::Moved, _) => note(format!("↓ moved (#{})", i + 1)),
                (_, Some(s)) => pieces(b.text, s, &r.edits, false, r.kind),
                (_, None) => Vec::new(),
            };
            (pa, pb, mark(r.kind).to_string())
        }
        Slot::MovedB(i) => {
            let r = &cmp.rows[i];
            let span = r.b.as_ref().expect("a moved row has both sides");
            (
                note(format!("↑ moved (#{})", i + 1)),
                pieces(b.text, span, &r.edits, false, r.kind),
                mark(Kind::Moved).to_string(),
            )
        }
    }
}

/// The summary's figures as (key, phrase), in the order every view shows them.
fn summary_items(s: &crate::diff::Summary) -> [(&'static str, String); 10] {
    [
        ("jaccard", format!("jaccard {:.3}", s.jaccard)),
        (
            "containment_ab",
            format!("containment A→B {:.3}", s.containment_ab),
        ),
        ("containment_ba", format!("B→A {:.3}", s.containment_ba)),
        ("equal", format!("equal {}", s.equal)),
        ("changed", format!("changed {}", s.changed)),
        ("moved", format!("moved {}", s.moved)),
        ("only_a", format!("only A {}", s.only_a)),
        ("only_b", format!("only B {}", s.only_b)),
        (
            "a_shared",
            format!("B carries {:.0}% of A", 100.0 * s.a_shared),
        ),
        (
            "b_shared",
            format!("A carries {:.0}% of B", 100.0 * s.b_shared),
        ),
    ]
}

/// Summary lines shared by the terminal renderers: the figures on one line, or on three when
/// one line would pass `width` columns (a terminal would wrap it mid-phrase).
fn summary_text(a: &Side, b: &Side, cmp: &Comparison, width: Option<usize>) -> String {
    let items = summary_items(&cmp.summary);
    let part = |r: std::ops::Range<usize>, sep: &str| {
        items[r]
            .iter()
            .map(|(_, p)| p.as_str())
            .collect::<Vec<_>>()
            .join(sep)
    };
    let figures = [part(0..3, "  "), part(3..8, "  "), part(8..10, ", ")];
    let one_line = figures.join("  |  ");
    let figures = match width {
        Some(w) if cells(&one_line) > w => figures.join("\n"),
        _ => one_line,
    };
    format!(
        "A: {}\nB: {}\n{figures}\n",
        clean(&a.label()),
        clean(&b.label()),
    )
}

/// Two columns, `width` display columns in all: A on the right (Arabic reads right to left,
/// so the first text is where the eye starts), B on the left, a marker between them.
/// Right-to-left cells are right-aligned.
pub fn columns(
    w: &mut dyn Write,
    a: &Side,
    b: &Side,
    cmp: &Comparison,
    width: usize,
    colors: Colors,
) -> io::Result<()> {
    write!(w, "{}", summary_text(a, b, cmp, Some(width)))?;
    let col = (width.saturating_sub(3) / 2).max(10);
    let rule = "─".repeat(col);
    let head = |s: &Side, tag: &str| {
        let label = clean(&format!("{tag}: {}", s.label()));
        let mut line = wrap(&vec![(label, Style::Note)], col).remove(0);
        let pad = col.saturating_sub(display_width(&line));
        line.insert(0, (" ".repeat(pad), Style::Plain));
        line
    };
    let mut lines = vec![(head(b, "B"), head(a, "A"), " ".to_string())];
    lines.push((
        vec![(rule.clone(), Style::Plain)],
        vec![(rule, Style::Plain)],
        "┼".to_string(),
    ));
    for &slot in &cmp.layout {
        let (mut pa, mut pb, m) = slot_cells(a, b, cmp, slot);
        if !colors.0 {
            mark_edits(&mut pa);
            mark_edits(&mut pb);
        }
        let la = wrap(&pa, col);
        let lb = wrap(&pb, col);
        let ra = pa.iter().map(|p| p.0.as_str()).collect::<String>();
        let rb = pb.iter().map(|p| p.0.as_str()).collect::<String>();
        let (rtl_a, rtl_b) = (is_rtl(&ra), is_rtl(&rb));
        for k in 0..la.len().max(lb.len()) {
            let cell = |lines: &[Vec<(String, Style)>], rtl: bool| {
                let line = lines.get(k).cloned().unwrap_or_default();
                let pad = col.saturating_sub(display_width(&line));
                let mut out = Vec::new();
                if rtl {
                    out.push((" ".repeat(pad), Style::Plain));
                    out.extend(line);
                } else {
                    out.extend(line);
                    out.push((" ".repeat(pad), Style::Plain));
                }
                out
            };
            let marker = if k == 0 { m.clone() } else { " ".to_string() };
            lines.push((cell(&lb, rtl_b), cell(&la, rtl_a), marker));
        }
    }
    for (left, right, m) in lines {
        let mut s = String::new();
        for (t, st) in left {
            s.push_str(&colors.paint(&t, st));
        }
        let _ = write!(s, " {m} ");
        for (t, st) in right {
            s.push_str(&colors.paint(&t, st));
        }
        writeln!(w, "{}", s.trim_end())?;
    }
    Ok(())
}

/// A git-style word diff in A's order: `[-removed-]{+added+}`, one line per row. A moved
/// sentence is shown removed where A had it and added where B has it, tagged `⇅#n`.
pub fn unified(
    w: &mut dyn Write,
    a: &Side,
    b: &Side,
    cmp: &Comparison,
    colors: Colors,
) -> io::Result<()> {
    write!(w, "{}", summary_text(a, b, cmp, None))?;
    let del = |s: &str| colors.paint(&format!("[-{}-]", clean(s)), Style::Deleted);
    let ins = |s: &str| colors.paint(&format!("{{+{}+}}", clean(s)), Style::Inserted);
    for &slot in &cmp.layout {
        let line = match slot {
            Slot::Row(i) => {
                let r = &cmp.rows[i];
                match r.kind {
                    _ if r.boilerplate => {
                        let t = r.a.as_ref().map_or_else(
                            || &b.text[r.b.clone().expect("B side")],
                            |s| &a.text[s.clone()],
                        );
                        colors.paint(&format!("· {}", clean(t)), Style::Note)
                    }
                    Kind::OnlyA => del(&a.text[r.a.clone().expect("A side")]),
                    Kind::OnlyB => ins(&b.text[r.b.clone().expect("B side")]),
                    Kind::Moved => {
                        format!("{} ⇅#{}", del(&a.text[r.a.clone().expect("A side")]), i + 1)
                    }
                    Kind::Equal | Kind::Changed => word_diff(a.text, b.text, r, &del, &ins),
                }
            }
            Slot::MovedB(i) => {
                let r = &cmp.rows[i];
                format!("{} ⇅#{}", ins(&b.text[r.b.clone().expect("B side")]), i + 1)
            }
        };
        writeln!(w, "{line}")?;
    }
    Ok(())
}

/// A's text of a paired row with B's changes written in.
fn word_diff(
    a: &str,
    b: &str,
    r: &Row,
    del: &dyn Fn(&str) -> String,
    ins: &dyn Fn(&str) -> String,
) -> String {
    let span = r.a.clone().expect("paired rows have an A side");
    let mut out = String::new();
    let mut at = span.start;
    for e in r.edits.iter().filter(|e| e.op != Op::Equal) {
        if e.a.start < at {
            continue;
        }
        out.push_str(&clean(&a[at..e.a.start]));
        if !e.a.is_empty() {
            out.push_str(&del(&a[e.a.clone()]));
        }
        if !e.b.is_empty() {
            // An insertion between words, not glued to the word before or after it.
            let before = a[..e.a.start].chars().next_back();
            if e.a.is_empty() && before.is_some_and(|c| !c.is_whitespace() && !"(«“[".contains(c))
            {
                out.push(' ');
            }
            out.push_str(&ins(&b[e.b.clone()]));
            if e.a.is_empty()
                && a[e.a.end..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
            {
                out.push(' ');
            }
        }
        at = e.a.end;
    }
    out.push_str(&clean(&a[at..span.end]));
    out
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html_pieces(p: &Pieces) -> String {
    let mut out = String::new();
    for (t, st) in p {
        let t = escape(t);
        match st {
            Style::Plain => out.push_str(&t),
            Style::Deleted => {
                let _ = write!(out, "<del>{t}</del>");
            }
            Style::Inserted => {
                let _ = write!(out, "<ins>{t}</ins>");
            }
            Style::Spelling => {
                let _ = write!(
                    out,
                    "<span class=\"spelling\" title=\"spelling only\">{t}</span>"
                );
            }
            Style::Note => {
                let _ = write!(out, "<span class=\"note\">{t}</span>");
            }
        }
    }
    out
}

const CSS: &str = "body{font-family:'Noto Naskh Arabic','Amiri','Segoe UI',Tahoma,sans-serif;\
margin:1.5em;color:#222;background:#fff;line-height:1.7}\
h1{font-size:1.3em}h2{font-size:1.15em;margin-top:2em;border-bottom:2px solid #ccc}\
.summary{background:#f4f4f8;padding:.5em 1em;border-radius:6px;margin:.5em 0}\
.summary span{margin-inline-end:1.2em;white-space:nowrap}\
table.diff{width:100%;border-collapse:collapse;table-layout:fixed}\
table.diff col.m{width:2.6em}.date{white-space:nowrap}\
table.diff th{background:#eee;padding:.4em;text-align:start}\
table.diff td{vertical-align:top;padding:.35em .6em;border-top:1px solid #eee;\
unicode-bidi:plaintext;text-align:start}\
td.m{text-align:center;color:#777;font-family:monospace}\
tr.only_a td.a{background:#fdecec}tr.only_b td.b{background:#eafbea}tr.boilerplate td{color:#999;font-size:.85em}\
tr.changed td.m{color:#b58900}tr.moved td{background:#eef3fd}\
del{background:#f8c8c8;text-decoration:line-through;text-decoration-color:#a33}\
ins{background:#bdf0bd;text-decoration:none}\
.spelling{text-decoration:underline dotted #999}.note{color:#36c;font-style:italic}\
.note a,td.m a{color:#36c}";

/// One pair to show on a page: both sides and their comparison.
pub struct Section<'a> {
    /// A heading above the pair (the cluster, for a report).
    pub heading: Option<String>,
    /// The left text (the comparison's A).
    pub a: Side<'a>,
    /// The right text (the comparison's B).
    pub b: Side<'a>,
    /// Their alignment.
    pub cmp: &'a Comparison,
}

/// A self-contained HTML page (no scripts, no network): each pair side by side, right to left,
/// A on the right, with its summary on top and moved sentences linked both ways.
pub fn html(w: &mut dyn Write, title: &str, sections: &[Section]) -> io::Result<()> {
    let mut out = String::new();
    page_start(&mut out, title, "");
    // A report holds many pairs: list them first, each linked to its section.
    if sections.len() > 1 {
        out.push_str("<nav class=\"toc\"><ol>\n");
        for (p, sec) in sections.iter().enumerate() {
            let name = sec
                .heading
                .clone()
                .unwrap_or_else(|| format!("{} ↔ {}", sec.a.name, sec.b.name));
            let _ = writeln!(
                out,
                "<li><a href=\"#p{p}\">{}</a> <span class=\"note\">Jaccard {:.3}, \
                 B carries {:.0}% of A</span></li>",
                html_heading(&name),
                sec.cmp.summary.jaccard,
                100.0 * sec.cmp.summary.a_shared
            );
        }
        out.push_str("</ol></nav>\n");
    }
    for (p, sec) in sections.iter().enumerate() {
        section_html(&mut out, p, sec);
    }
    page_end(&mut out);
    w.write_all(out.as_bytes())
}

/// How a list of pairs is written: HTML page, side by side, word diff or JSON lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// One page, [`html`].
    Html,
    /// [`columns`] `width` columns wide, each pair under its heading.
    Columns {
        /// Display columns in all.
        width: usize,
    },
    /// [`unified`], each pair under its heading.
    Unified,
    /// One [`json`] document a line, each with a `"heading"`.
    Jsonl,
}

/// Writes `sections` as `view` says (colours apply to the two terminal views); the HTML page
/// is titled `title`. A report's text views are its page's sections, in the page's order.
pub fn sections(
    w: &mut dyn Write,
    title: &str,
    sections: &[Section],
    view: View,
    colors: Colors,
) -> io::Result<()> {
    if view == View::Html {
        return html(w, title, sections);
    }
    if view != View::Jsonl {
        writeln!(w, "{}", clean(title))?;
    }
    for sec in sections {
        let heading = sec.heading.as_deref().unwrap_or("");
        match view {
            View::Jsonl => {
                // The diff's own document with the heading put first, keys in their order.
                let mut one = Vec::new();
                json(&mut one, &sec.a, &sec.b, sec.cmp)?;
                let rest = one.trim_ascii().strip_prefix(b"{").expect("a JSON object");
                write!(w, "{{\"heading\":{},", serde_json::to_string(heading)?)?;
                w.write_all(rest)?;
                writeln!(w)?;
            }
            View::Columns { width } => {
                writeln!(w, "\n{}", colors.paint(&clean(heading), Style::Note))?;
                columns(w, &sec.a, &sec.b, sec.cmp, width, colors)?;
            }
            View::Unified => {
                writeln!(w, "\n{}", colors.paint(&clean(heading), Style::Note))?;
                unified(w, &sec.a, &sec.b, sec.cmp, colors)?;
            }
            View::Html => unreachable!("handled above"),
        }
    }
    Ok(())
}

/// The head of a page and its `<h1>`: right to left, the diff CSS plus `extra_css` (already
/// trusted: the caller's own rules, never document text), no scripts. Other pages built of
/// diff sections ([`crate::render::story_page`]) start here so that they look the same.
pub(crate) fn page_start(out: &mut String, title: &str, extra_css: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"generator\" content=\"naql {}\">\n<title>{}</title>\n<style>{CSS}{extra_css}</style>\n\
         </head>\n<body>\n<h1 dir=\"auto\">{}</h1>\n",
        env!("CARGO_PKG_VERSION"),
        html_meta(title),
        html_heading(title)
    );
}

/// Closes what [`page_start`] opened.
pub(crate) fn page_end(out: &mut String) {
    out.push_str("</body>\n</html>\n");
}

/// One pair as a `<section>` with id `p{p}` (its rows `p{p}-r…`): `p` must be unique on the
/// page, since moved rows link to each other by these ids.
pub(crate) fn section_html(out: &mut String, p: usize, sec: &Section) {
    let (a, b, cmp) = (&sec.a, &sec.b, sec.cmp);
    let _ = writeln!(out, "<section class=\"pair\" id=\"p{p}\">");
    if let Some(h) = &sec.heading {
        let _ = writeln!(out, "<h2 dir=\"auto\">{}</h2>", html_heading(h));
    }
    out.push_str("<div class=\"summary\">");
    for (key, phrase) in summary_items(&cmp.summary) {
        let mut phrase = phrase;
        phrase[..1].make_ascii_uppercase();
        let _ = write!(out, "<span class=\"{key}\">{}</span>", escape(&phrase));
    }
    out.push_str("</div>\n");
    let _ = writeln!(
        out,
        "<table class=\"diff\"><colgroup><col class=\"a\"><col class=\"m\"><col class=\"b\">\
         </colgroup><thead><tr><th class=\"a\">{}</th><th class=\"m\"></th>\
         <th class=\"b\">{}</th></tr></thead><tbody>",
        a.html_label("A"),
        b.html_label("B")
    );
    for &slot in &cmp.layout {
        let (i, kind, id, link) = match slot {
            Slot::Row(i) => {
                let k = cmp.rows[i].kind;
                (
                    i,
                    k,
                    format!("p{p}-r{}", i + 1),
                    format!("p{p}-r{}b", i + 1),
                )
            }
            Slot::MovedB(i) => (
                i,
                Kind::Moved,
                format!("p{p}-r{}b", i + 1),
                format!("p{p}-r{}", i + 1),
            ),
        };
        let (pa, pb, m) = slot_cells(a, b, cmp, slot);
        let (ca, cb) = (html_pieces(&pa), html_pieces(&pb));
        let (ca, cb, m) = if kind == Kind::Moved {
            // The pointer cell links to the other position of the same sentence.
            let linked = |c: String| format!("<a href=\"#{link}\">{c}</a>");
            match slot {
                Slot::Row(_) => (ca, linked(cb), linked(m)),
                Slot::MovedB(_) => (linked(ca), cb, linked(m)),
            }
        } else {
            (ca, cb, m)
        };
        let score = cmp.rows[i].score;
        let _ = writeln!(
            out,
            "<tr class=\"{}\" id=\"{id}\" data-score=\"{score:.3}\"><td class=\"a\">{ca}</td>\
             <td class=\"m\">{m}</td><td class=\"b\">{cb}</td></tr>",
            if matches!(slot, Slot::Row(i) if cmp.rows[i].boilerplate) {
                "boilerplate"
            } else {
                kind_class(kind)
            }
        );
    }
    let _ = writeln!(out, "</tbody></table>\n</section>");
}

fn kind_class(k: Kind) -> &'static str {
    match k {
        Kind::Equal => "equal",
        Kind::Changed => "changed",
        Kind::Moved => "moved",
        Kind::OnlyA => "only_a",
        Kind::OnlyB => "only_b",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::Comparer;

    #[test]
    fn char_offsets_count_characters_not_bytes() {
        let text = "أ".repeat(5000) + "b";
        let idx = CharIndex::new(&text);
        assert_eq!(idx.at(text.len()), 5001);
        assert_eq!(idx.at(2 * 4000), 4000);
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>\"x\"&'y'</script>"),
            "&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn terminal_text_has_no_escape_sequences_or_bidi_overrides() {
        assert_eq!(clean("a\x1b[31mb\u{202E}c\nd"), "a\u{FFFD}[31mbc d");
    }

    #[test]
    fn wrapping_ignores_harakat_width() {
        let p = vec![("قَالَ الوَزِيرُ".to_string(), Style::Plain)];
        let lines = wrap(&p, 20);
        assert_eq!(lines.len(), 1);
        assert_eq!(display_width(&lines[0]), 10);
    }

    #[test]
    fn unified_marks_word_changes() {
        let a = "قصفت الطائرات مواقع المسلحين شمال المدينة.";
        let b = "قصفت الطائرات مواقع المسلحين جنوب المدينة.";
        let cmp = Comparer::default().compare(a, b);
        let mut out = Vec::new();
        let side = |t| Side {
            text: t,
            ..Side::default()
        };
        unified(&mut out, &side(a), &side(b), &cmp, Colors(false)).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("[-شمال-]{+جنوب+}"), "{out}");
    }
}
