//! Step 5: names, numbers and quotes, and which reports carry each.
//!
//! No model: a *name* is a capitalised Latin word («NATO», «RT») or a run of two or three
//! words, each rare in news (the background IDF), that recurs in at least two reports of the
//! story: «نيد برايس», «سيرغي لافروف», «منظمة الأمن والتعاون». The recurring runs are the
//! gazetteer the story teaches. A *number* is a digit token with its multiplier (آلاف، مليون)
//! and unit word. A *quote* is speech in «…», “…” or "…"; two outlets' quotes are one when
//! they share at least three content words.

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;

use crate::hash::token_hash;
use crate::text::default_normalizer;

use super::Report;
use super::prepare::{Sentence, rarity};

/// Rarity (background IDF over its maximum) every word of an Arabic name must reach.
const NAME_RARITY: f64 = 0.55;

/// What an entity is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A person, place or organisation.
    Name,
    /// A number with its multiplier and unit.
    Number,
    /// Quoted speech.
    Quote,
}

/// A name, number or quote and where each report has it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// What it is.
    pub kind: EntityKind,
    /// Hash of its normalized form (links' evidence names entities by it).
    pub key: u64,
    /// As the first report that has it spells it.
    pub text: String,
    /// Per report (input order): byte spans of its mentions.
    pub mentions: Vec<Vec<Range<usize>>>,
}

impl Entity {
    /// How many reports carry it.
    pub fn carriers(&self) -> usize {
        self.mentions.iter().filter(|m| !m.is_empty()).count()
    }
}

/// The entities of the story, the ones most reports carry first, then by kind and first
/// appearance in reading order; the sentences learn the names they mention.
pub(super) fn entities(
    reports: &[Report],
    sentences: &mut [Vec<Sentence>],
    order: &[usize],
) -> Vec<Entity> {
    let mut all = names(reports, sentences);
    all.extend(numbers(reports, sentences));
    all.extend(quotes(reports, sentences));
    for e in all.iter().filter(|e| e.kind == EntityKind::Name) {
        for (r, spans) in e.mentions.iter().enumerate() {
            for span in spans {
                if let Some(s) = sentences[r]
                    .iter_mut()
                    .find(|s| s.span.start <= span.start && span.end <= s.span.end)
                    && !s.names.contains(&e.key)
                {
                    s.names.push(e.key);
                }
            }
        }
    }
    let first = |e: &Entity| {
        order
            .iter()
            .enumerate()
            .find_map(|(i, &r)| e.mentions[r].first().map(|s| (i, s.start)))
    };
    all.sort_by_cached_key(|e| (std::cmp::Reverse(e.carriers()), e.kind, first(e), e.key));
    all
}

/// Adds a mention of `key` in report `r` to `table`, spelled `text` the first time.
fn mention(
    table: &mut Vec<Entity>,
    index: &mut HashMap<u64, usize>,
    (kind, key, text): (EntityKind, u64, &str),
    (r, span, n): (usize, Range<usize>, usize),
) {
    let i = *index.entry(key).or_insert_with(|| {
        table.push(Entity {
            kind,
            key,
            text: text.to_owned(),
            mentions: vec![Vec::new(); n],
        });
        table.len() - 1
    });
    table[i].mentions[r].push(span);
}

/// Keeps the entities at least `min` reports carry.
fn carried(table: Vec<Entity>, min: usize) -> Vec<Entity> {
    table.into_iter().filter(|e| e.carriers() >= min).collect()
}

fn names(reports: &[Report], sentences: &[Vec<Sentence>]) -> Vec<Entity> {
    let (mut latin, mut latin_ix) = (Vec::new(), HashMap::new());
    let (mut runs, mut runs_ix) = (Vec::new(), HashMap::new());
    let n = reports.len();
    for (r, rep) in reports.iter().enumerate() {
        for s in sentences[r].iter().filter(|s| !s.chrome) {
            let mut toks: Vec<(String, Range<usize>)> = Vec::new();
            default_normalizer().for_each_token(&rep.text[s.span.clone()], |t, sp| {
                toks.push((t.to_owned(), s.span.start + sp.start..s.span.start + sp.end));
            });
            for (t, sp) in &toks {
                let orig = &rep.text[sp.clone()];
                if orig.starts_with(|c: char| c.is_ascii_uppercase()) && orig.len() >= 2 {
                    let key = token_hash(&format!("latin:{t}"));
                    mention(
                        &mut latin,
                        &mut latin_ix,
                        (EntityKind::Name, key, orig),
                        (r, sp.clone(), n),
                    );
                }
            }
            for (key, span) in name_runs(rep.text, &toks) {
                let text = &rep.text[span.clone()];
                mention(
                    &mut runs,
                    &mut runs_ix,
                    (EntityKind::Name, key, text),
                    (r, span, n),
                );
            }
        }
    }
    let runs = carried(runs, 2);
    let mut out = drop_covered(runs);
    out.extend(carried(latin, 1));
    out
}

/// Runs of two or three adjacent rare words (only spaces between them): their key and span.
fn name_runs(text: &str, toks: &[(String, Range<usize>)]) -> Vec<(u64, Range<usize>)> {
    let ok: Vec<bool> = toks
        .iter()
        .map(|(t, _)| {
            crate::text::stem::for_alignment(t).is_some()
                && !t.chars().any(|c| c.is_ascii_digit())
                && t.chars().count() >= 3
                && rarity(t) >= NAME_RARITY
        })
        .collect();
    let mut out = Vec::new();
    for len in 2..=3 {
        for i in 0..toks.len().saturating_sub(len - 1) {
            let run = &toks[i..i + len];
            let adjacent = run.windows(2).all(|w| {
                text[w[0].1.end..w[1].1.start]
                    .chars()
                    .all(char::is_whitespace)
            });
            if ok[i..i + len].iter().all(|&b| b) && adjacent {
                let norm: Vec<&str> = run.iter().map(|t| t.0.as_str()).collect();
                out.push((
                    token_hash(&norm.join(" ")),
                    run[0].1.start..run[len - 1].1.end,
                ));
            }
        }
    }
    out
}

/// Leaves out a two-word name whose every mention sits inside a kept longer name.
fn drop_covered(names: Vec<Entity>) -> Vec<Entity> {
    let inside = |small: &Entity, big: &Entity| {
        small.mentions.iter().zip(&big.mentions).all(|(ms, mb)| {
            ms.iter()
                .all(|s| mb.iter().any(|b| b.start <= s.start && s.end <= b.end))
        })
    };
    let keep: Vec<bool> = names
        .iter()
        .map(|e| {
            !names
                .iter()
                .any(|o| o.key != e.key && o.text.len() > e.text.len() && inside(e, o))
        })
        .collect();
    names
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect()
}

fn numbers(reports: &[Report], sentences: &[Vec<Sentence>]) -> Vec<Entity> {
    let (mut table, mut index) = (Vec::new(), HashMap::new());
    for (r, rep) in reports.iter().enumerate() {
        for s in sentences[r].iter().filter(|s| !s.chrome) {
            for (num, span) in s.numbers.iter().zip(&s.number_spans) {
                let key = token_hash(&format!("number:{num}"));
                let text = &rep.text[span.clone()];
                mention(
                    &mut table,
                    &mut index,
                    (EntityKind::Number, key, text),
                    (r, span.clone(), reports.len()),
                );
            }
        }
    }
    table
}

/// Quotes, one entity per group of quotes that share three content words.
fn quotes(reports: &[Report], sentences: &[Vec<Sentence>]) -> Vec<Entity> {
    let mut table: Vec<(Vec<String>, Entity)> = Vec::new();
    for (r, rep) in reports.iter().enumerate() {
        for s in sentences[r].iter().filter(|s| !s.chrome) {
            for q in &s.quotes {
                let words = content_words(&rep.text[q.clone()]);
                let found = table.iter().position(|(w, _)| {
                    words.iter().filter(|x| w.contains(x)).count() >= 3.min(words.len())
                });
                match found {
                    Some(i) => table[i].1.mentions[r].push(q.clone()),
                    None => {
                        let mut mentions = vec![Vec::new(); reports.len()];
                        mentions[r].push(q.clone());
                        let key = token_hash(&format!("quote:{}", words.join(" ")));
                        let text = rep.text[q.clone()].to_owned();
                        table.push((
                            words,
                            Entity {
                                kind: EntityKind::Quote,
                                key,
                                text,
                                mentions,
                            },
                        ));
                    }
                }
            }
        }
    }
    table.into_iter().map(|t| t.1).collect()
}

fn content_words(text: &str) -> Vec<String> {
    let mut v = Vec::new();
    default_normalizer().for_each_token(text, |t, _| {
        if let Some(s) = crate::text::stem::for_alignment(t) {
            v.push(s.to_owned());
        }
    });
    v
}
