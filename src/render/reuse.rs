//! Passage reuse (`naql reuse`): one link a line (JSONL), one JSON document with clusters and
//! the outlet × outlet table, or readable text.
//!
//! A JSONL link: `{"a", "a_span": [start, end], "b", "b_span", "words", "seeds", "score",
//! "source", "target", "reason", "boilerplate"}`. Spans are Unicode character offsets into
//! the original texts, end exclusive (as in `naql diff --format json`); `words` is the shorter
//! side's length; `source`/`target` are the two ids, the likely source first, with the
//! `reason`: `earlier_date`, `longer_passage`, `wire` or `input_order`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

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

/// One JSON document (`naql-reuse-v1`): the stats, every link, the clusters (member spans in
/// characters) and the outlet × outlet table.
pub fn json(w: &mut dyn Write, out: &Outcome) -> io::Result<()> {
    let doc = JsonReuse {
        schema: "naql-reuse-v1",
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

/// The line that accounts for every input record.
pub fn summary_line(out: &Outcome) -> String {
    let s = &out.stats;
    let skipped: usize = s.skipped.values().sum();
    let reasons: Vec<String> = s.skipped.iter().map(|(r, n)| format!("{n} {r}")).collect();
    let mut line = format!(
        "{} documents: {} with reuse, {} without, {} skipped",
        s.input_records, s.with_reuse, s.without_reuse, skipped
    );
    if !reasons.is_empty() {
        line += &format!(" ({})", reasons.join(", "));
    }
    line + &format!(
        "; {} links ({} boilerplate) in {} clusters from {} candidate pairs",
        s.links, s.boilerplate_links, s.clusters, s.candidate_pairs
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
        Reason::InputOrder => "read first",
    }
}
