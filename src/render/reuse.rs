//! Passage reuse (`naql reuse`): one link a line (JSONL), one JSON document with clusters and
//! the outlet × outlet table, readable text, or a self-contained HTML page.
//!
//! A JSONL link: `{"a", "a_span": [start, end], "b", "b_span", "words", "seeds", "score",
//! "source", "target", "reason", "boilerplate"}`. Spans are Unicode character offsets into
//! the original texts, end exclusive (as in `naql diff --format json`); `words` is the shorter
//! side's length; `source`/`target` are the two ids, the likely source first, with the
//! `reason`: `earlier_date`, `longer_passage`, `wire` or `input_order`. `input_order` means
//! the direction is unknown: no dates (or equal ones), passages of like length and no wire
//! outlet, so the document read first is listed as the source only to keep the output
//! deterministic (AraPlagDet has neither dates nor outlets: most of its equal-length
//! verbatim cases end there).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::ops::Range;

use serde::Serialize;

use super::html_meta;
use crate::reuse::{Cluster, Link, Outcome, Reason, Stats};

#[derive(Serialize)]
struct JsonLink<'a> {
    a: &'a str,
    a_span: [usize; 2],
    b: &'a str,
    b_span: [usize; 2],
    words: u32,
    seeds: usize,
    score: f64,
    source: &'a str,
    target: &'a str,
    reason: Reason,
    boilerplate: bool,
}

fn json_link<'a>(out: &'a Outcome, l: &Link) -> JsonLink<'a> {
    let (a, b) = (&out.docs[l.a as usize].id, &out.docs[l.b as usize].id);
    let (source, target) = if l.direction.a_is_source {
        (a, b)
    } else {
        (b, a)
    };
    JsonLink {
        a,
        a_span: [l.a_chars.start, l.a_chars.end],
        b,
        b_span: [l.b_chars.start, l.b_chars.end],
        words: l.words(),
        seeds: l.seeds,
        score: l.score,
        source,
        target,
        reason: l.direction.reason,
        boilerplate: l.boilerplate,
    }
}

/// One link a line.
pub fn jsonl(w: &mut dyn Write, out: &Outcome) -> io::Result<()> {
    for l in &out.links {
        serde_json::to_writer(&mut *w, &json_link(out, l))?;
        writeln!(w)?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonMember<'a> {
    id: &'a str,
    span: [usize; 2],
}

#[derive(Serialize)]
struct JsonCluster<'a> {
    documents: usize,
    links: usize,
    earliest: Option<&'a str>,
    boilerplate_share: f64,
    members: Vec<JsonMember<'a>>,
}

#[derive(Serialize)]
struct OutletRow<'a> {
    source: &'a str,
    target: &'a str,
    links: usize,
}

#[derive(Serialize)]
struct JsonReuse<'a> {
    schema: &'static str,
    stats: &'a Stats,
    links: Vec<JsonLink<'a>>,
    clusters: Vec<JsonCluster<'a>>,
    outlets: Vec<OutletRow<'a>>,
}

fn json_cluster<'a>(out: &'a Outcome, c: &Cluster) -> JsonCluster<'a> {
    JsonCluster {
        documents: c.members.len(),
        links: c.links.len(),
        earliest: c
            .earliest
            .map(|m| out.docs[c.members[m].doc as usize].id.as_str()),
        boilerplate_share: crate::score::round4(c.boilerplate_share),
        members: c
            .members
            .iter()
            .map(|m| JsonMember {
                id: &out.docs[m.doc as usize].id,
                span: member_span(out, &m.ends),
            })
            .collect(),
    }
}

/// The characters a member covers: from the first of its link ends to the last.
fn member_span(out: &Outcome, ends: &[usize]) -> [usize; 2] {
    let mut span = [usize::MAX, 0];
    for &e in ends {
        let l = &out.links[e / 2];
        let c = if e % 2 == 0 { &l.a_chars } else { &l.b_chars };
        span = [span[0].min(c.start), span[1].max(c.end)];
    }
    span
}

/// Links by outlet of the source and of the target (`?` for a document without one), most first.
pub fn outlet_table(out: &Outcome) -> Vec<(&str, &str, usize)> {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for l in &out.links {
        let (s, t) = if l.direction.a_is_source {
            (l.a, l.b)
        } else {
            (l.b, l.a)
        };
        let outlet = |d: u32| out.docs[d as usize].source.as_deref().unwrap_or("?");
        *counts.entry((outlet(s), outlet(t))).or_default() += 1;
    }
    let mut rows: Vec<(&str, &str, usize)> =
        counts.into_iter().map(|((s, t), n)| (s, t, n)).collect();
    rows.sort_by(|x, y| y.2.cmp(&x.2).then_with(|| (x.0, x.1).cmp(&(y.0, y.1))));
    rows
}

/// The version of the JSON document [`json`] writes.
pub const SCHEMA: &str = "naql-reuse-v1";

/// One JSON document (`naql-reuse-v1`): the stats, every link, the clusters (member spans in
/// characters) and the outlet × outlet table.
pub fn json(w: &mut dyn Write, out: &Outcome) -> io::Result<()> {
    let doc = JsonReuse {
        schema: SCHEMA,
        stats: &out.stats,
        links: out.links.iter().map(|l| json_link(out, l)).collect(),
        clusters: out.clusters.iter().map(|c| json_cluster(out, c)).collect(),
        outlets: outlet_table(out)
            .into_iter()
            .map(|(source, target, links)| OutletRow {
                source,
                target,
                links,
            })
            .collect(),
    };
    serde_json::to_writer(&mut *w, &doc)?;
    writeln!(w)
}

/// The line that accounts for every input record, worded as the other listings
/// (`accounting_line`): documents with reuse are counted in passage clusters,
/// documents without as singletons.
pub fn summary_line(out: &Outcome) -> String {
    let s = &out.stats;
    let clusters = (
        s.with_reuse,
        s.clusters,
        ("passage cluster", "passage clusters"),
    );
    let line = super::accounting_line(s.input_records, clusters, s.without_reuse, &s.skipped);
    format!(
        "{line}; {} ({} boilerplate) from {}",
        super::count(s.links, "link", "links"),
        s.boilerplate_links,
        super::count(s.candidate_pairs, "candidate pair", "candidate pairs")
    )
}

/// Readable text: the summary, then one block per link (source → target, spans, score,
/// the start of the passage), then the outlet table.
pub fn text(w: &mut dyn Write, out: &Outcome) -> io::Result<()> {
    writeln!(w, "{}", summary_line(out))?;
    for l in &out.links {
        let j = json_link(out, l);
        writeln!(w)?;
        writeln!(
            w,
            "{} [{}..{}] ⇄ {} [{}..{}]  {} words, score {:.2}{}",
            super::clean(j.a),
            j.a_span[0],
            j.a_span[1],
            super::clean(j.b),
            j.b_span[0],
            j.b_span[1],
            j.words,
            j.score,
            if j.boilerplate { ", boilerplate" } else { "" }
        )?;
        writeln!(
            w,
            "  source {} → target {} ({})",
            super::clean(j.source),
            super::clean(j.target),
            reason_words(j.reason)
        )?;
        writeln!(w, "  «{}…»", super::clean(&l.excerpt))?;
    }
    let rows = outlet_table(out);
    if !rows.is_empty() {
        writeln!(w)?;
        writeln!(w, "links by outlet (source → target):")?;
        for (s, t, n) in rows {
            writeln!(w, "  {:>6}  {} → {}", n, super::clean(s), super::clean(t))?;
        }
    }
    Ok(())
}

fn reason_words(r: Reason) -> &'static str {
    match r {
        Reason::EarlierDate => "earlier date",
        Reason::LongerPassage => "longer passage",
        Reason::Wire => "wire agency",
        Reason::InputOrder => {
            "direction unknown: no dates, passages of like length, no wire outlet; listed in input order"
        }
    }
}

const REUSE_CSS: &str = "table.outlets{border-collapse:collapse;margin:.5em 0}\
table.outlets th,table.outlets td{padding:.2em .6em;border:1px solid #ddd;text-align:center;\
unicode-bidi:plaintext}\
table.outlets th{background:#eee}table.outlets td.same{color:#999;background:#f6f6f6}\
table.outlets td.zero{color:#ccc}\
section.doc{margin-top:2em}h3.doc{font-size:1.05em;border-bottom:1px solid #ccc}\
div.text{white-space:pre-wrap;unicode-bidi:plaintext;text-align:start}\
mark.reused{background:#fff1a8;border-radius:3px}\
mark.reused.boilerplate{background:#eee;color:#888}\
sup.refs{font-size:.75em;color:#36c}sup.refs a{color:#36c;margin-inline-start:.4em}\
sup.refs a.boilerplate{color:#999}";

/// A self-contained page (no script, nothing fetched), right to left: the summary, the
/// outlet × outlet table (likely source in rows, target in columns), then every document
/// with a link, its text in the original spelling with each reused passage highlighted and
/// linked to the same passage in the other document. Passages between two documents of one
/// outlet (boilerplate) are muted. `texts[i]` is the original text of `out.docs[i]` (only
/// those with a link are read; [`crate::reuse::Engine::run_inputs_with_texts`] keeps those).
pub fn html<T: AsRef<str>>(w: &mut dyn Write, out: &Outcome, texts: &[T]) -> io::Result<()> {
    assert_eq!(texts.len(), out.docs.len(), "one text per document");
    let title = format!(
        "naql reuse: {} among {}",
        super::count(out.links.len(), "passage link", "passage links"),
        super::count(out.stats.with_reuse, "document", "documents")
    );
    let mut page = String::new();
    super::diff::page_start(&mut page, &title, REUSE_CSS);
    let _ = writeln!(
        page,
        "<p class=\"note\" dir=\"ltr\">{}</p>",
        super::diff::escape(&summary_line(out))
    );
    outlet_matrix(&mut page, out);
    let mut ends: Vec<Vec<End>> = vec![Vec::new(); out.docs.len()];
    for (k, l) in out.links.iter().enumerate() {
        ends[l.a as usize].push(End { link: k, a: true });
        ends[l.b as usize].push(End { link: k, a: false });
    }
    for (d, e) in ends.iter_mut().enumerate() {
        if !e.is_empty() {
            doc_section(&mut page, out, d, texts[d].as_ref(), e);
        }
    }
    super::diff::page_end(&mut page);
    w.write_all(page.as_bytes())
}

/// One end of a link: link `link`, its A side or its B side.
#[derive(Clone, Copy, Debug)]
struct End {
    link: usize,
    a: bool,
}

impl End {
    /// The anchor of this end on the page; the other end links to it.
    fn anchor(self) -> String {
        format!("l{}{}", self.link, if self.a { 'a' } else { 'b' })
    }

    fn other(self) -> End {
        End {
            link: self.link,
            a: !self.a,
        }
    }

    fn bytes(self, out: &Outcome) -> Range<usize> {
        let l = &out.links[self.link];
        if self.a {
            l.a_bytes.clone()
        } else {
            l.b_bytes.clone()
        }
    }
}

/// The outlet × outlet table: every outlet that is a source or a target, rows by source.
fn outlet_matrix(page: &mut String, out: &Outcome) {
    let rows = outlet_table(out);
    let mut outlets: Vec<&str> = rows.iter().flat_map(|r| [r.0, r.1]).collect();
    outlets.sort_unstable();
    outlets.dedup();
    let counts: BTreeMap<(&str, &str), usize> = rows.iter().map(|&(s, t, n)| ((s, t), n)).collect();
    let undirected = out
        .links
        .iter()
        .filter(|l| l.direction.reason == Reason::InputOrder)
        .count();
    let _ = writeln!(
        page,
        "<h2><bdi dir=\"ltr\">Passage links by outlet: source (row) → target (column)</bdi></h2>\n\
         <p class=\"note\" dir=\"ltr\">The diagonal (an outlet with itself) holds the \
         boilerplate links; «?» is a document without an outlet.{}</p>",
        if undirected == 0 {
            String::new()
        } else {
            format!(
                " {} without a known direction (no dates, passages of like length, no wire \
                 outlet) {} counted with the document read first as the source.",
                super::count(undirected, "link", "links"),
                if undirected == 1 { "is" } else { "are" }
            )
        }
    );
    page.push_str("<table class=\"outlets\"><thead><tr><th>source \\ target</th>");
    for t in &outlets {
        let _ = write!(page, "<th>{}</th>", html_meta(t));
    }
    page.push_str("</tr></thead><tbody>\n");
    for s in &outlets {
        let _ = write!(page, "<tr><th>{}</th>", html_meta(s));
        for t in &outlets {
            let n = counts.get(&(*s, *t)).copied().unwrap_or(0);
            let class = match (s == t && *s != "?", n) {
                (true, _) => " class=\"same\"",
                (false, 0) => " class=\"zero\"",
                _ => "",
            };
            let _ = write!(page, "<td{class}>{n}</td>");
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody></table>\n");
}

/// One document: its header and its text, with its link ends merged into highlighted regions
/// (ends that overlap share one), each followed by links to the other documents' passages.
fn doc_section(page: &mut String, out: &Outcome, d: usize, text: &str, ends: &mut [End]) {
    let info = &out.docs[d];
    let mut head = info.id.clone();
    for x in [&info.source, &info.date].into_iter().flatten() {
        head.push_str(" · ");
        head.push_str(x);
    }
    let _ = writeln!(
        page,
        "<section class=\"doc\" id=\"d{d}\">\n<h3 class=\"doc\"><bdi dir=\"ltr\">{} · {}</bdi></h3>",
        html_meta(&head),
        super::count(ends.len(), "passage", "passages")
    );
    ends.sort_by_key(|e| (e.bytes(out).start, e.link));
    page.push_str("<div class=\"text\">");
    let mut at = 0;
    let mut i = 0;
    while i < ends.len() {
        let mut region = ends[i].bytes(out);
        let mut j = i + 1;
        while j < ends.len() && ends[j].bytes(out).start < region.end {
            region.end = region.end.max(ends[j].bytes(out).end);
            j += 1;
        }
        page.push_str(&page_text(&text[at..region.start]));
        region_html(page, out, &text[region.clone()], &ends[i..j]);
        at = region.end;
        i = j;
    }
    page.push_str(&page_text(&text[at..]));
    page.push_str("</div>\n</section>\n");
}

/// A highlighted region: the anchors of its ends, the text, then one link per end to the
/// other document's passage, saying which way the passage went.
fn region_html(page: &mut String, out: &Outcome, text: &str, ends: &[End]) {
    let boilerplate = ends.iter().all(|e| out.links[e.link].boilerplate);
    let titles: Vec<String> = ends
        .iter()
        .map(|e| {
            let l = &out.links[e.link];
            format!("{} words, score {:.2}", l.words(), l.score)
        })
        .collect();
    let _ = write!(
        page,
        "<mark class=\"reused{}\" title=\"{}\">",
        if boilerplate { " boilerplate" } else { "" },
        super::diff::escape(&titles.join("; "))
    );
    for e in ends {
        let _ = write!(page, "<a id=\"{}\"></a>", e.anchor());
    }
    page.push_str(&page_text(text));
    page.push_str("</mark><sup class=\"refs\">");
    for &e in ends {
        let l = &out.links[e.link];
        let other = if e.a { l.b } else { l.a };
        let is_source = l.direction.a_is_source == e.a;
        let role = match (l.direction.reason, is_source) {
            (Reason::InputOrder, _) => "shared with",
            (_, true) => "taken by",
            (_, false) => "from",
        };
        let _ = write!(
            page,
            "<a href=\"#{}\" class=\"{}\" title=\"{}\"><bdi dir=\"ltr\">{role} {}</bdi></a>",
            e.other().anchor(),
            if l.boilerplate { "boilerplate" } else { "ref" },
            reason_words(l.direction.reason),
            html_meta(&out.docs[other as usize].id)
        );
    }
    page.push_str("</sup>");
}

/// Article text for the page: escaped, without bidi controls (an unclosed one would reorder
/// what follows) or other control characters, line breaks kept (the text is `pre-wrap`).
fn page_text(s: &str) -> String {
    let kept: String = s
        .split('\n')
        .map(super::clean)
        .collect::<Vec<_>>()
        .join("\n");
    super::diff::escape(&kept)
}
