//! Renderers for story results: the stories as text, JSON or JSONL, the verified story pairs
//! as JSONL, and the one-line summary that accounts for every input record.
//!
//! They take a finished [`StoryOutcome`] and write it; nothing here decides anything. The JSON
//! shapes are part of naql's interface (documented in the README); similarities and term
//! weights are rounded to four decimals so that output bytes are identical across runs and
//! thread counts.

use std::io::{self, Write};

use serde::Serialize;

use super::clean;
use crate::corpus::BadRecord;
use crate::render::clusters::Format;
use crate::score::round4;
use crate::story::{StoryConfig, StoryOutcome, StoryStats};
use crate::text::stem::STEMMER;

#[derive(Serialize)]
struct ArticleOut<'a> {
    id: &'a str,
    source: Option<&'a str>,
    date: Option<&'a str>,
    title: Option<&'a str>,
    similarity: f64,
}

#[derive(Serialize)]
struct GroupOut<'a> {
    copy_cluster: Option<usize>,
    articles: Vec<ArticleOut<'a>>,
}

#[derive(Serialize)]
struct StoryOut<'a> {
    id: usize,
    size: usize,
    sources: Vec<&'a str>,
    first_date: Option<&'a str>,
    last_date: Option<&'a str>,
    terms: Vec<(&'a str, f64)>,
    copy_groups: Vec<GroupOut<'a>>,
}

fn stories_out(out: &StoryOutcome) -> Vec<StoryOut<'_>> {
    out.stories
        .iter()
        .map(|s| {
            let info = |i: usize| &out.copy.docs[i].info;
            let members = s.groups.iter().flat_map(|g| &g.members);
            let mut sources: Vec<&str> = members
                .clone()
                .filter_map(|m| info(m.doc).source.as_deref())
                .collect();
            sources.sort_unstable();
            sources.dedup();
            let mut dates: Vec<(u64, &str)> = members
                .filter_map(|m| {
                    let d = info(m.doc).date.as_deref()?;
                    Some((crate::date::sort_key(d)?, d))
                })
                .collect();
            dates.sort_unstable();
            StoryOut {
                id: s.id,
                size: s.size,
                sources,
                first_date: dates.first().map(|d| d.1),
                last_date: dates.last().map(|d| d.1),
                terms: s
                    .terms
                    .iter()
                    .map(|(t, w)| (t.as_str(), round4(*w)))
                    .collect(),
                copy_groups: s
                    .groups
                    .iter()
                    .map(|g| GroupOut {
                        copy_cluster: g.copy_cluster,
                        articles: g
                            .members
                            .iter()
                            .map(|m| {
                                let d = info(m.doc);
                                ArticleOut {
                                    id: &d.id,
                                    source: d.source.as_deref(),
                                    date: d.date.as_deref(),
                                    title: d.title.as_deref(),
                                    similarity: round4(m.similarity),
                                }
                            })
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// One line that accounts for every input record.
pub fn summary_line(out: &StoryOutcome) -> String {
    let s = &out.stats;
    let stories = (s.in_stories, s.stories, ("story", "stories"));
    super::accounting_line(s.input_records, stories, s.singletons, &s.skipped)
}

#[derive(Serialize)]
struct Whole<'a> {
    params: &'a StoryConfig,
    stemmer: &'static str,
    idf: &'a str,
    stats: &'a StoryStats,
    skipped_records: &'a [BadRecord],
    #[serde(skip_serializing_if = "super::is_zero")]
    skipped_records_left_out: usize,
    stories: Vec<StoryOut<'a>>,
}

/// Writes the stories in `format` (text, json or jsonl; csv is refused by the caller).
pub fn write_stories(
    w: &mut dyn Write,
    out: &StoryOutcome,
    config: &StoryConfig,
    idf: &str,
    format: Format,
) -> io::Result<()> {
    match format {
        Format::Json => {
            let whole = Whole {
                params: config,
                stemmer: STEMMER,
                idf,
                stats: &out.stats,
                skipped_records: out.copy.skipped_records.listed(),
                skipped_records_left_out: out.copy.skipped_records.left_out(),
                stories: stories_out(out),
            };
            serde_json::to_writer_pretty(&mut *w, &whole)?;
            writeln!(w)
        }
        Format::Jsonl | Format::Csv => {
            for s in stories_out(out) {
                serde_json::to_writer(&mut *w, &s)?;
                writeln!(w)?;
            }
            Ok(())
        }
        Format::Text => write_text(w, out, config, idf),
    }
}

/// The readable listing: the summary, the settings and counts, then each story with its
/// articles by copy group.
fn write_text(
    w: &mut dyn Write,
    out: &StoryOutcome,
    config: &StoryConfig,
    idf: &str,
) -> io::Result<()> {
    let s = &out.stats;
    writeln!(w, "{}", summary_line(out))?;
    writeln!(
        w,
        "cosine ≥ {} · average linkage ≥ {} · window {} · {} copy clusters · {} candidate pairs → {} verified · merges refused: {} by linkage, {} by span{}",
        config.threshold,
        config.linkage,
        config
            .window_days
            .map_or("none".to_string(), |d| format!("{d} days")),
        s.copy_clusters,
        s.candidate_pairs,
        s.verified_pairs,
        s.merges_refused,
        s.merges_refused_span,
        idf_note(idf)
    )?;
    for st in stories_out(out) {
        write_story_text(w, &st)?;
    }
    Ok(())
}

/// Says when the word weights came from the built-in background model (the input's own and
/// a `--idf` table the user gave go unsaid; JSON's `idf` names all three).
fn idf_note(idf: &str) -> String {
    match idf {
        "input" | "table" | "table+lsa" => String::new(),
        model => {
            format!(" · IDF: {model} (built in: the input is too small to weigh its own words)")
        }
    }
}

/// One story of the readable listing, after a blank line.
fn write_story_text(w: &mut dyn Write, st: &StoryOut<'_>) -> io::Result<()> {
    writeln!(w)?;
    let terms: Vec<String> = st.terms.iter().map(|t| clean(t.0)).collect();
    let sources: Vec<String> = st.sources.iter().map(|s| clean(s)).collect();
    let day = |d: Option<&str>| clean(&d.map_or("-".into(), crate::date::shown_day));
    writeln!(
        w,
        "story {} · {} reports · {} · {} … {}",
        st.id,
        st.size,
        super::outlets_label(&sources),
        day(st.first_date),
        day(st.last_date),
    )?;
    writeln!(w, "  terms: {}", terms.join(" · "))?;
    for g in &st.copy_groups {
        for (i, a) in g.articles.iter().enumerate() {
            let mark = match (g.copy_cluster, i) {
                (Some(c), 0) => format!("copies #{c:<4}"),
                (Some(_), _) => "  ″".to_string(),
                (None, _) => String::new(),
            };
            writeln!(
                w,
                "  {:<12} {:<12} {:<10} {:.2}  {}  {}",
                mark,
                clean(a.source.unwrap_or("-")),
                day(a.date),
                a.similarity,
                clean(a.id),
                clean(a.title.unwrap_or(""))
            )?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct PairOut<'a> {
    a: &'a str,
    b: &'a str,
    similarity: f64,
}

/// Verified story pairs as JSONL `{"a", "b", "similarity"}`, sorted by (a, b) in input order.
pub fn write_pairs(w: &mut dyn Write, out: &StoryOutcome) -> io::Result<()> {
    for p in &out.pairs {
        let o = PairOut {
            a: out.id(p.a),
            b: out.id(p.b),
            similarity: round4(p.similarity),
        };
        serde_json::to_writer(&mut *w, &o)?;
        writeln!(w)?;
    }
    Ok(())
}
