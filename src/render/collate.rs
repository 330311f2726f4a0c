//! The views of a [`Collation`]: terminal grid, JSON (`naql-collate-v1`) and HTML.
//!
//! ## JSON schema `naql-collate-v1`
//!
//! One object; every span is `[start, end)` in **Unicode characters** of the report's
//! original text, reports are named by id.
//!
//! ```text
//! {"schema": "naql-collate-v1",
//!  "reports": [{"id", "source", "date", "chars", "sentences", "chrome"}],   // input order
//!  "order": [id, ...],                        // reading order: by date, undated last
//!  "links": [{"a": id, "a_span": [s, e], "b": id, "b_span": [s, e],
//!             "score": 0..1, "kind": "same" | "partial",
//!             "evidence": {"words": [..], "numbers": [..], "names": [..], "quote": bool}}],
//!  "facts": [{"carriers": n, "first": [id, ...],
//!             "cells": [{"report": id, "spans": [[s, e], ...]}]}],   // carriers only
//!  "entities": [{"kind": "name" | "number" | "quote", "text",
//!                "mentions": [{"report": id, "spans": [[s, e], ...]}]}],
//!  "unique": [{"report": id, "spans": [[s, e], ...]}]}
//! ```

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use crate::collate::{Collation, EntityKind, LinkKind, Report};

use super::diff::{CharIndex, cells, escape, page_end, page_start};
use super::{clean, html_meta};

/// The JSON schema name, bumped when a field changes meaning.
pub const SCHEMA: &str = "naql-collate-v1";

#[derive(Serialize)]
struct JsonReport<'a> {
    id: &'a str,
    source: Option<&'a str>,
    date: Option<&'a str>,
    chars: usize,
    sentences: usize,
    chrome: usize,
}

#[derive(Serialize)]
struct JsonEvidence {
    words: Vec<String>,
    numbers: Vec<String>,
    names: Vec<String>,
    quote: bool,
}

#[derive(Serialize)]
struct JsonLink<'a> {
    a: &'a str,
    a_span: [usize; 2],
    b: &'a str,
    b_span: [usize; 2],
    score: f64,
    kind: LinkKind,
    evidence: JsonEvidence,
}

#[derive(Serialize)]
struct JsonSpans<'a> {
    report: &'a str,
    spans: Vec<[usize; 2]>,
}

#[derive(Serialize)]
struct JsonFact<'a> {
    carriers: usize,
    first: Vec<&'a str>,
    cells: Vec<JsonSpans<'a>>,
}

#[derive(Serialize)]
struct JsonEntity<'a> {
    kind: EntityKind,
    text: &'a str,
    mentions: Vec<JsonSpans<'a>>,
}

#[derive(Serialize)]
struct JsonCollation<'a> {
    schema: &'static str,
    reports: Vec<JsonReport<'a>>,
    order: Vec<&'a str>,
    links: Vec<JsonLink<'a>>,
    facts: Vec<JsonFact<'a>>,
    entities: Vec<JsonEntity<'a>>,
    unique: Vec<JsonSpans<'a>>,
}

/// Writes the collation as one JSON document (schema in the module docs).
pub fn json(w: &mut dyn Write, reports: &[Report], c: &Collation) -> io::Result<()> {
    let idx: Vec<CharIndex> = reports.iter().map(|r| CharIndex::new(r.text)).collect();
    let name_of = |key: u64| {
        c.entities
            .iter()
            .find(|e| e.key == key)
            .map_or(String::new(), |e| e.text.clone())
    };
    let links = c
        .links
        .iter()
        .map(|l| JsonLink {
            a: reports[l.a].id,
            a_span: idx[l.a].span(&l.a_span),
            b: reports[l.b].id,
            b_span: idx[l.b].span(&l.b_span),
            score: l.score,
            kind: l.kind,
            evidence: JsonEvidence {
                words: l
                    .evidence
                    .words
                    .iter()
                    .map(|s| reports[l.a].text[s.clone()].to_owned())
                    .collect(),
                numbers: l.evidence.numbers.clone(),
                names: l.evidence.names.iter().map(|&k| name_of(k)).collect(),
                quote: l.evidence.quote,
            },
        })
        .collect();
    let spans = |r: usize, list: &mut dyn Iterator<Item = std::ops::Range<usize>>| JsonSpans {
        report: reports[r].id,
        spans: list.map(|s| idx[r].span(&s)).collect(),
    };
    let facts = c
        .facts
        .iter()
        .map(|f| JsonFact {
            carriers: f.carriers(),
            first: f.first.iter().map(|&r| reports[r].id).collect(),
            cells: (0..reports.len())
                .filter(|&r| !f.cells[r].is_empty())
                .map(|r| spans(r, &mut f.cells[r].iter().map(|&s| c.span(r, s))))
                .collect(),
        })
        .collect();
    let entities = c
        .entities
        .iter()
        .map(|e| JsonEntity {
            kind: e.kind,
            text: &e.text,
            mentions: (0..reports.len())
                .filter(|&r| !e.mentions[r].is_empty())
                .map(|r| spans(r, &mut e.mentions[r].iter().cloned()))
                .collect(),
        })
        .collect();
    let doc = JsonCollation {
        schema: SCHEMA,
        reports: reports
            .iter()
            .enumerate()
            .map(|(r, rep)| JsonReport {
                id: rep.id,
                source: rep.source,
                date: rep.date,
                chars: idx[r].at(rep.text.len()),
                sentences: c.sentences[r].len(),
                chrome: c.sentences[r].iter().filter(|s| s.chrome).count(),
            })
            .collect(),
        order: c.order.iter().map(|&r| reports[r].id).collect(),
        links,
        facts,
        entities,
        unique: (0..reports.len())
            .map(|r| spans(r, &mut c.unique[r].iter().map(|&s| c.span(r, s))))
            .collect(),
    };
    serde_json::to_writer(&mut *w, &doc)?;
    writeln!(w)
}

/// A report's label: its column number and outlet (or id).
fn label(reports: &[Report], r: usize) -> String {
    format!(
        "R{} {}",
        r + 1,
        clean(reports[r].source.unwrap_or(reports[r].id))
    )
}

/// `s` cut to `width` terminal columns, with an ellipsis when cut.
fn fit(s: &str, width: usize) -> String {
    if cells(s) <= width {
        return s.to_owned();
    }
    let mut out = String::new();
    for ch in s.chars() {
        if cells(&out) + cells(&ch.to_string()) + 1 > width {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}

/// One line of figures: reports, links, facts, facts all carry, facts one carries.
pub fn summary_line(reports: &[Report], c: &Collation) -> String {
    let n = reports.len();
    let all = c.facts.iter().filter(|f| f.carriers() == n).count();
    let unique: usize = c.unique.iter().map(Vec::len).sum();
    format!(
        "{}, {}, {} ({} in all {n}), {}",
        super::count(n, "report", "reports"),
        super::count(c.links.len(), "link", "links"),
        super::count(c.facts.len(), "fact", "facts"),
        all,
        super::count(unique, "unique sentence", "unique sentences"),
    )
}

/// The terminal view: the reports, then the grid (one line per fact: a mark per report, `*`
/// for the earliest, and the earliest cell's text), names/numbers/quotes, unique content.
/// Lines are cut to `width` columns as terminals count them.
pub fn text(w: &mut dyn Write, reports: &[Report], c: &Collation, width: usize) -> io::Result<()> {
    let mut out = String::new();
    let _ = writeln!(out, "naql collate: {}", summary_line(reports, c));
    for r in 0..reports.len() {
        let rep = &reports[r];
        let line = format!(
            "  {}  {}  {}",
            label(reports, r),
            clean(rep.date.unwrap_or("-")),
            clean(rep.id)
        );
        let _ = writeln!(out, "{}", fit(&line, width));
    }
    let marks = |cellsets: &dyn Fn(usize) -> (bool, bool)| -> String {
        (0..reports.len())
            .map(|r| match cellsets(r) {
                (true, true) => '*',
                (true, false) => '#',
                _ => '.',
            })
            .collect()
    };
    let _ = writeln!(
        out,
        "\nfacts ({}: # carries it, * carried it first, . does not)",
        (1..=reports.len())
            .map(|r| format!("R{r}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    for (i, f) in c.facts.iter().enumerate() {
        let m = marks(&|r| (!f.cells[r].is_empty(), f.first.contains(&r)));
        let r = c
            .order
            .iter()
            .copied()
            .find(|&r| !f.cells[r].is_empty())
            .unwrap_or(0);
        let s = &reports[r].text[c.span(r, f.cells[r][0])];
        let head = format!("{:>3} {m} R{} ", i + 1, r + 1);
        let room = width.saturating_sub(cells(&head));
        let _ = writeln!(out, "{head}{}", fit(&clean(s), room));
    }
    let _ = writeln!(out, "\nnames, numbers, quotes (in two reports or more)");
    for e in c.entities.iter().filter(|e| e.carriers() >= 2) {
        let m = marks(&|r| (!e.mentions[r].is_empty(), false));
        let kind = match e.kind {
            EntityKind::Name => "name",
            EntityKind::Number => "number",
            EntityKind::Quote => "quote",
        };
        let head = format!("    {m} {kind:<6} ");
        let room = width.saturating_sub(cells(&head));
        let _ = writeln!(out, "{head}{}", fit(&clean(&e.text), room));
    }
    for r in 0..reports.len() {
        let _ = writeln!(
            out,
            "\nonly in {} ({})",
            label(reports, r),
            c.unique[r].len()
        );
        for &s in &c.unique[r] {
            let t = clean(&reports[r].text[c.span(r, s)]);
            let _ = writeln!(out, "    {}", fit(&t, width.saturating_sub(4)));
        }
    }
    w.write_all(out.as_bytes())
}

/// The page rules of the collation views (also used by the story report).
pub const CSS: &str = "table.grid{width:100%;border-collapse:collapse;table-layout:fixed}\
table.grid th,table.grid td{border:1px solid #ddd;padding:.35em .5em;vertical-align:top;\
text-align:start;unicode-bidi:plaintext;overflow-wrap:anywhere}\
table.grid th{background:#eee;font-size:.9em}table.grid .n{width:3.5em;color:#555;\
font-family:monospace;text-align:center}\
td.first{background:#fff7d6}td.empty{background:#fafafa}\
tr.all td.n{background:#d9f2d9}tr.one td.n{background:#f7e1e1}\
.s{display:block;margin-bottom:.3em}.s:target{outline:2px solid #36c}\
.to{font-size:.8em;margin-inline-start:.3em;white-space:nowrap}\
.to a{color:#36c;unicode-bidi:isolate;direction:ltr}.summary{direction:ltr;text-align:left}\
.chrome{color:#aaa;font-size:.85em}table.ents td.k{color:#555;width:5em}\
table.ents td.c{text-align:center;width:3em}";

/// Where a sentence sits on the page (its anchor id).
fn anchor(r: usize, s: usize) -> String {
    format!("r{}s{s}", r + 1)
}

/// A self-contained HTML page (no script, right to left): the reports, the grid with outlets
/// as columns and each linked sentence pointing at its partners, the entity table, and each
/// outlet's unique content with its page chrome muted.
pub fn html(
    w: &mut dyn Write,
    title: &str,
    reports: &[Report],
    c: &Collation,
    extra: &str,
) -> io::Result<()> {
    let mut out = String::new();
    page_start(&mut out, title, CSS);
    section(&mut out, reports, c, "");
    out.push_str(extra);
    page_end(&mut out);
    w.write_all(out.as_bytes())
}

/// The collation as page content, anchors prefixed with `prefix` (unique on the page).
pub fn section(out: &mut String, reports: &[Report], c: &Collation, prefix: &str) {
    let id = |r: usize, s: usize| format!("{prefix}{}", anchor(r, s));
    let _ = writeln!(
        out,
        "<div class=\"summary\">{}</div>",
        escape(&summary_line(reports, c))
    );
    let n = reports.len();
    out.push_str("<table class=\"grid\">\n<tr><th class=\"n\">fact</th>");
    for (r, rep) in reports.iter().enumerate() {
        let _ = write!(
            out,
            "<th>R{} {}<br><span class=\"note\">{} {}</span></th>",
            r + 1,
            html_meta(rep.source.unwrap_or("")),
            html_meta(rep.id),
            html_meta(rep.date.unwrap_or(""))
        );
    }
    out.push_str("</tr>\n");
    let partners = partners(c);
    for (i, f) in c.facts.iter().enumerate() {
        let class = match f.carriers() {
            k if k == n => " class=\"all\"",
            1 => " class=\"one\"",
            _ => "",
        };
        let _ = write!(
            out,
            "<tr{class}><td class=\"n\">{}<br>{}/{n}</td>",
            i + 1,
            f.carriers()
        );
        for r in 0..n {
            if f.cells[r].is_empty() {
                out.push_str("<td class=\"empty\"></td>");
                continue;
            }
            let first = f.first.contains(&r);
            out.push_str(if first {
                "<td class=\"first\" title=\"first\">"
            } else {
                "<td>"
            });
            for &s in &f.cells[r] {
                let _ = write!(
                    out,
                    "<span class=\"s\" id=\"{}\">{}",
                    id(r, s),
                    escape(&reports[r].text[c.span(r, s)])
                );
                for &(pr, ps) in first_per_report(&partners[r][s]).iter() {
                    let _ = write!(
                        out,
                        "<span class=\"to\"><a href=\"#{}\" title=\"linked sentence of R{}\">R{}</a></span>",
                        id(pr, ps),
                        pr + 1,
                        pr + 1
                    );
                }
                out.push_str("</span>");
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    entities_html(out, reports, c, &id);
    unique_html(out, reports, c, &id);
}

/// One partner per report (its first sentence), in report order: a cell points at each other
/// outlet that carries the fact once.
fn first_per_report(partners: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut v = partners.to_vec();
    v.sort_unstable();
    v.dedup_by_key(|p| p.0);
    v
}

/// For every sentence, the sentences it links to.
fn partners(c: &Collation) -> Vec<Vec<Vec<(usize, usize)>>> {
    let mut p: Vec<Vec<Vec<(usize, usize)>>> = c
        .sentences
        .iter()
        .map(|s| vec![Vec::new(); s.len()])
        .collect();
    for l in &c.links {
        p[l.a][l.a_sentence].push((l.b, l.b_sentence));
        p[l.b][l.b_sentence].push((l.a, l.a_sentence));
    }
    p
}

fn entities_html(
    out: &mut String,
    reports: &[Report],
    c: &Collation,
    id: &dyn Fn(usize, usize) -> String,
) {
    out.push_str("<h2>Names, numbers, quotes</h2>\n<table class=\"grid ents\"><tr><th class=\"k\">kind</th><th>text</th>");
    for r in 0..reports.len() {
        let _ = write!(out, "<th class=\"c\">R{}</th>", r + 1);
    }
    out.push_str("</tr>\n");
    for e in c.entities.iter().filter(|e| e.carriers() >= 2) {
        let kind = match e.kind {
            EntityKind::Name => "name",
            EntityKind::Number => "number",
            EntityKind::Quote => "quote",
        };
        let _ = write!(
            out,
            "<tr><td class=\"k\">{kind}</td><td>{}</td>",
            escape(&e.text)
        );
        for r in 0..reports.len() {
            let at = e.mentions[r].first().and_then(|m| {
                c.sentences[r]
                    .iter()
                    .position(|s| s.span.start <= m.start && m.end <= s.span.end)
            });
            match at {
                Some(s) => {
                    let _ = write!(out, "<td class=\"c\"><a href=\"#{}\">✓</a></td>", id(r, s));
                }
                None => out.push_str("<td class=\"c\"></td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

fn unique_html(
    out: &mut String,
    reports: &[Report],
    c: &Collation,
    id: &dyn Fn(usize, usize) -> String,
) {
    out.push_str("<h2>Only in one report</h2>\n");
    for r in 0..reports.len() {
        let _ = writeln!(
            out,
            "<h3>{} <span class=\"note\">({})</span></h3>",
            html_meta(&label(reports, r)),
            c.unique[r].len()
        );
        for &s in &c.unique[r] {
            let _ = writeln!(
                out,
                "<p class=\"s\" id=\"{}\">{}</p>",
                id(r, s),
                escape(&reports[r].text[c.span(r, s)])
            );
        }
        let chrome: Vec<usize> = (0..c.sentences[r].len())
            .filter(|&s| c.sentences[r][s].chrome)
            .collect();
        if !chrome.is_empty() {
            let _ = writeln!(
                out,
                "<details class=\"chrome\"><summary>page chrome, not counted ({})</summary>",
                chrome.len()
            );
            for s in chrome {
                let _ = writeln!(
                    out,
                    "<p class=\"chrome\">{}</p>",
                    escape(&reports[r].text[c.span(r, s)])
                );
            }
            out.push_str("</details>\n");
        }
    }
}
