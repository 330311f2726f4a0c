//! `naql report`: one HTML page of copy clusters (each member aligned against its
//! representative) or, with `--level story`, of stories (one article per copy group aligned
//! against the story's central article).

use std::collections::HashMap;
use std::io::IsTerminal;

use clap::Args;
use rayon::prelude::*;

use naql::copy::{self, Cluster, Engine};
use naql::corpus::Item;
use naql::diff::{Comparer, Comparison};
use naql::render::clusters as summary;
use naql::render::copy_page;
use naql::render::diff::{self as view, Section, Side};
use naql::render::stories;
use naql::render::story_page;
use naql::story::{StoryEngine, StoryOutcome};

use super::args::{AlignArgs, Level, RunArgs, StoryGrouping, ViewArgs, ViewFormat};
use super::exit::{Failure, Outcome};
use super::output::with_output;
use super::progress::{
    check_empty, copy_engine, done, report_skipped, report_unread_dates, spinner, stage,
    story_engine,
};

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    run: RunArgs,
    /// copy: each copy cluster, every member aligned against its representative; story: each
    /// story, one article per copy group aligned against the story's central article.
    #[arg(long, value_enum, default_value_t = Level::Copy)]
    level: Level,
    /// Only this cluster (its number in `naql cluster` output).
    #[arg(long)]
    cluster: Option<usize>,
    /// Only this story (its number in `naql cluster --level story` output).
    #[arg(long)]
    story: Option<usize>,
    /// Story level: at most this many diffs per story (the page names the ones left out).
    #[arg(long, default_value_t = 12, value_name = "N")]
    max_diffs: usize,
    #[command(flatten)]
    grouping: StoryGrouping,
    #[command(flatten)]
    align: AlignArgs,
    #[command(flatten)]
    view: ViewArgs,
}

impl ReportArgs {
    /// Writes the report's sections as `--format` says (HTML by default).
    fn write(&self, title: &str, sections: &[Section]) -> Result<(), Failure> {
        let to_terminal = self.run.output.is_none() && std::io::stdout().is_terminal();
        let view = self.view.view(ViewFormat::Html, to_terminal);
        let colors = self.view.colors(to_terminal);
        with_output(self.run.output.as_deref(), |w| {
            view::sections(w, title, sections, view, colors)
        })
    }
}

pub fn run(args: ReportArgs) -> Result<Outcome, Failure> {
    match args.level {
        Level::Copy => copies(args).map(|()| Outcome::Done),
        Level::Story => stories(args),
    }
}

/// What the page shows of each document besides its alignment: text, source, date, title.
type Shown = (String, Option<String>, Option<String>, Option<String>);

fn copies(args: ReportArgs) -> Result<(), Failure> {
    if args.story.is_some() {
        return Err("--story needs --level story (for copy clusters: --cluster)".into());
    }
    let spin = spinner(args.run.quiet);
    let engine = copy_engine(Engine::new(args.run.config()?), &spin);
    let comparer = Comparer::new(
        engine.config.clone(),
        args.align.options(&engine.config.normalize)?,
    );
    let (out, texts) = cluster_keeping_texts(&engine, &args.run)?;
    let clusters = select_clusters(&out, args.cluster)?;
    let side = |doc: usize| {
        let id = &out.docs[doc].info.id;
        let (text, source, date, title) = &texts[id];
        Side {
            name: title.clone().map_or(id.clone(), |t| format!("{id} — {t}")),
            source: source.clone(),
            date: date.clone(),
            text: text.as_str(),
        }
    };
    let pairs = member_pairs(&clusters);
    stage(&spin, "align", pairs.len(), "pairs");
    let comparisons = compare_pairs(&comparer, &out, &texts, &pairs);
    let sections: Vec<Section> = pairs
        .iter()
        .zip(&comparisons)
        .map(|(&(cid, size, rep, doc), cmp)| Section {
            heading: Some(format!(
                "cluster {cid} ({size} reports): {} ↔ {}",
                out.docs[rep].info.id, out.docs[doc].info.id
            )),
            a: side(rep),
            b: side(doc),
            cmp,
        })
        .collect();
    let title = format!(
        "naql report: {}, {}",
        naql::render::count(clusters.len(), "cluster", "clusters"),
        naql::render::count(sections.len(), "aligned pair", "aligned pairs"),
    );
    stage(&spin, "render", sections.len(), "pairs");
    if args.view.format.is_none_or(|f| f == ViewFormat::Html) {
        with_output(args.run.output.as_deref(), |w| {
            copy_page::html(w, &out, &clusters, &sections)
        })?;
    } else {
        args.write(&title, &sections)?;
    }
    done(&spin);
    if !args.run.quiet {
        eprintln!("{title}; {}", summary::summary_line(&out));
    }
    report_skipped(&args.run, &out.skipped_records);
    report_unread_dates(args.run.quiet, &out.unread_dates);
    check_empty(&args.run, &out.stats)?;
    Ok(())
}

/// Clusters the inputs in one pass that also keeps what the page shows of each document.
fn cluster_keeping_texts(
    engine: &Engine,
    run: &RunArgs,
) -> Result<(copy::Outcome, HashMap<String, Shown>), Failure> {
    let read = run.read_options();
    let (items, report) = naql::corpus::read_with(&run.inputs, &read, |doc| {
        let keep = (
            doc.text.clone(),
            doc.source.clone(),
            doc.date.clone(),
            doc.title.clone(),
        );
        (engine.prepare(doc), keep)
    })?;
    let mut texts = HashMap::new();
    let items = items
        .into_iter()
        .map(|i| {
            let (prepared, keep) = i.value;
            texts.insert(i.id.clone(), keep);
            Item {
                id: i.id,
                origin: i.origin,
                value: prepared,
            }
        })
        .collect();
    Ok((engine.run(items, report.skipped), texts))
}

/// Every cluster, or the one `--cluster` names.
fn select_clusters(out: &copy::Outcome, wanted: Option<usize>) -> Result<Vec<&Cluster>, Failure> {
    match wanted {
        Some(id) => {
            let c: Vec<_> = out.clusters.iter().filter(|c| c.id == id).collect();
            if c.is_empty() {
                return Err(Failure::error(format!(
                    "no cluster {id}: `naql cluster` found {} clusters (numbered from 1)",
                    out.clusters.len()
                )));
            }
            Ok(c)
        }
        None => Ok(out.clusters.iter().collect()),
    }
}

/// `(cluster id, cluster size, representative, member)` for every member but the
/// representative, in cluster order.
fn member_pairs(clusters: &[&Cluster]) -> Vec<(usize, usize, usize, usize)> {
    let mut pairs = Vec::new();
    for c in clusters {
        for m in c.members.iter().filter(|m| m.doc != c.representative) {
            pairs.push((c.id, c.members.len(), c.representative, m.doc));
        }
    }
    pairs
}

/// Each member aligned against its representative, in parallel, in the order of `pairs`.
fn compare_pairs(
    comparer: &Comparer,
    out: &copy::Outcome,
    texts: &HashMap<String, Shown>,
    pairs: &[(usize, usize, usize, usize)],
) -> Vec<Comparison> {
    pairs
        .par_iter()
        .map(|&(_, _, rep, doc)| {
            comparer.compare(
                texts[&out.docs[rep].info.id].0.as_str(),
                texts[&out.docs[doc].info.id].0.as_str(),
            )
        })
        .collect()
}

/// `naql report --level story`: the stories exactly as `naql cluster --level story` finds them
/// (same engine, same numbers), read in one pass that also keeps each text for the diffs.
fn stories(args: ReportArgs) -> Result<Outcome, Failure> {
    if args.cluster.is_some() {
        return Err("--cluster is for --level copy; with --level story use --story".into());
    }
    let spin = spinner(args.run.quiet);
    let engine = args
        .run
        .story_engine(&args.grouping, args.align.align_idf.as_deref())?;
    let mut engine = story_engine(engine, &spin);
    let comparer = Comparer::new(
        engine.copy.config.clone(),
        args.align.options(&engine.copy.config.normalize)?,
    );
    let (out, texts) = stories_keeping_texts(&mut engine, &args.run)?;
    // A number that names no story is a usage error, as clap's are.
    let chosen = naql::story::select(&out, args.story).map_err(Failure::usage)?;
    stage(&spin, "align", chosen.len(), "stories");
    let aligned = naql::story::align(&out, &chosen, &texts, args.max_diffs, |a, b| {
        comparer.compare(a, b)
    });
    stage(&spin, "render", chosen.len(), "stories");
    if args.view.format.is_none_or(|f| f == ViewFormat::Html) {
        let collations = collate_stories(&out, &aligned, &texts);
        with_output(args.run.output.as_deref(), |w| {
            story_page::html_collated(w, &out, &chosen, &aligned, &texts, Some(&collations))
        })?;
    } else {
        let sections: Vec<Section> = chosen
            .iter()
            .zip(&aligned)
            .flat_map(|(s, a)| story_page::sections(&out, s, &a.plan, &a.comparisons, &texts))
            .collect();
        let title = format!(
            "naql report: {}, {}",
            naql::render::count(chosen.len(), "story", "stories"),
            naql::render::count(sections.len(), "aligned pair", "aligned pairs"),
        );
        args.write(&title, &sections)?;
    }
    done(&spin);
    if !args.run.quiet {
        let n = chosen.len();
        eprintln!(
            "naql: report of {n} {}; {}",
            if n == 1 { "story" } else { "stories" },
            stories::summary_line(&out)
        );
    }
    report_skipped(&args.run, &out.copy.skipped_records);
    report_unread_dates(args.run.quiet, &out.copy.unread_dates);
    check_empty(&args.run, &out.copy.stats)?;
    std::mem::forget(out);
    Ok(Outcome::Done)
}

/// Each story's plan articles (centre, then one per copy group) collated, in parallel.
fn collate_stories(
    out: &StoryOutcome,
    aligned: &[naql::story::Aligned<Comparison>],
    texts: &[String],
) -> Vec<naql::collate::Collation> {
    let collator = naql::collate::Collator::default();
    aligned
        .par_iter()
        .map(|a| {
            let reports: Vec<naql::collate::Report> = std::iter::once(a.plan.centre)
                .chain(a.plan.aligned.iter().copied())
                .map(|d| {
                    let info = &out.copy.docs[d].info;
                    naql::collate::Report {
                        id: &info.id,
                        source: info.source.as_deref(),
                        date: info.date.as_deref(),
                        text: &texts[d],
                    }
                })
                .collect();
            collator.collate(&reports)
        })
        .collect()
}

/// Groups the inputs into stories in one pass that also keeps each text, in document order.
pub(super) fn stories_keeping_texts(
    engine: &mut StoryEngine,
    run: &RunArgs,
) -> Result<(StoryOutcome, Vec<String>), Failure> {
    let read = run.read_options();
    let (items, report) = naql::corpus::read_with(&run.inputs, &read, |doc| {
        let (prepared, sdoc) = engine.prepare(doc);
        let text = sdoc.text.clone();
        ((prepared, sdoc), text)
    })?;
    let mut texts = Vec::with_capacity(items.len());
    let items = items
        .into_iter()
        .map(|i| {
            let (value, text) = i.value;
            texts.push(text);
            Item {
                id: i.id,
                origin: i.origin,
                value,
            }
        })
        .collect();
    let mut out = engine.run(items, report.skipped);
    out.copy.stats.ignored_files = report.ignored_files.len();
    Ok((out, texts))
}
