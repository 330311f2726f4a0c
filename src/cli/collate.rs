//! `naql collate`: how each outlet told one story — the reports of a story (one story of
//! `--level story`, chosen ids, or every document of the inputs) linked fact by fact.

use std::io::{self, IsTerminal};

use clap::Args;

use naql::collate::{Collator, Report};
use naql::render::collate as view;

use super::args::{RunArgs, StoryGrouping};
use super::exit::{Failure, Outcome};
use super::output::with_output;
use super::progress::report_skipped;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CollateFormat {
    /// The fact grid, entities and unique content, as terminal lines.
    Text,
    /// One JSON document, spans in character offsets (schema: naql-collate-v1).
    Json,
    /// One self-contained HTML page.
    Html,
}

/// Without `--story` or `--ids`, more documents than this are refused: collate compares one
/// story's reports, not a corpus.
const MAX_WHOLE_INPUT: usize = 50;

#[derive(Args)]
pub struct CollateArgs {
    #[command(flatten)]
    run: RunArgs,
    /// The story with this number in `naql cluster --level story` output (one article per
    /// copy group, at most --max-reports).
    #[arg(long, conflicts_with = "ids")]
    story: Option<usize>,
    /// These documents, in this order (ids as `naql cluster` prints them).
    #[arg(long, num_args = 1.., value_name = "ID")]
    ids: Vec<String>,
    /// With --story: at most this many reports.
    #[arg(long, default_value_t = 12, value_name = "N")]
    max_reports: usize,
    #[command(flatten)]
    grouping: StoryGrouping,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CollateFormat::Text)]
    format: CollateFormat,
    /// Width of the text view in columns (default: the terminal's, else 120).
    #[arg(long)]
    width: Option<usize>,
}

/// What collate keeps of a document.
struct Doc {
    id: String,
    source: Option<String>,
    date: Option<String>,
    text: String,
}

pub fn run(args: CollateArgs) -> Result<Outcome, Failure> {
    let docs = match args.story {
        Some(n) => story_docs(&args, n)?,
        None => listed_docs(&args)?,
    };
    let reports: Vec<Report> = docs
        .iter()
        .map(|d| Report {
            id: &d.id,
            source: d.source.as_deref(),
            date: d.date.as_deref(),
            text: &d.text,
        })
        .collect();
    let c = Collator::default().collate(&reports);
    let to_terminal = args.run.output.is_none() && io::stdout().is_terminal();
    let width = args.width.unwrap_or_else(|| {
        terminal_size::terminal_size()
            .filter(|_| to_terminal)
            .map_or(120, |(w, _)| w.0 as usize)
    });
    with_output(args.run.output.as_deref(), |w| match args.format {
        CollateFormat::Text => view::text(w, &reports, &c, width),
        CollateFormat::Json => view::json(w, &reports, &c),
        CollateFormat::Html => {
            let title = format!(
                "naql collate: {}",
                naql::render::count(reports.len(), "report", "reports")
            );
            view::html(w, &title, &reports, &c, "")
        }
    })?;
    if !args.run.quiet && args.format != CollateFormat::Text {
        eprintln!("naql collate: {}", view::summary_line(&reports, &c));
    }
    Ok(Outcome::Done)
}

/// Every document of the inputs, or the `--ids` ones in their order.
fn listed_docs(args: &CollateArgs) -> Result<Vec<Doc>, Failure> {
    let read = args.run.read_options();
    let wanted = &args.ids;
    let (items, report) = naql::corpus::read_with(&args.run.inputs, &read, |d| {
        (wanted.is_empty() || wanted.contains(&d.id)).then_some(Doc {
            id: d.id,
            source: d.source,
            date: d.date,
            text: d.text,
        })
    })?;
    report_skipped(&args.run, &report.skipped);
    let mut found: Vec<Doc> = items.into_iter().filter_map(|i| i.value).collect();
    if wanted.is_empty() {
        if found.len() > MAX_WHOLE_INPUT {
            return Err(Failure::usage(format!(
                "the inputs hold {} documents: collate compares one story's reports; choose \
                 them with --story N or --ids ID...",
                found.len()
            )));
        }
        return Ok(found);
    }
    let mut out = Vec::with_capacity(wanted.len());
    for id in wanted {
        let k = found.iter().position(|d| &d.id == id).ok_or_else(|| {
            Failure::error(format!(
                "{}: no document with id {id:?} (ids come from --id-field or are file:line)",
                args.run.inputs.join(", ")
            ))
        })?;
        out.push(found.swap_remove(k));
    }
    Ok(out)
}

/// One article per copy group of story `n`, as `naql report --level story` picks them.
fn story_docs(args: &CollateArgs, n: usize) -> Result<Vec<Doc>, Failure> {
    let mut engine = args.run.story_engine(&args.grouping, None)?;
    let (out, mut texts) = super::report::stories_keeping_texts(&mut engine, &args.run)?;
    report_skipped(&args.run, &out.copy.skipped_records);
    let story = naql::story::select(&out, Some(n)).map_err(Failure::usage)?[0];
    let plan = naql::story::plan(&out, story, args.max_reports.saturating_sub(1));
    Ok(std::iter::once(plan.centre)
        .chain(plan.aligned)
        .map(|d| {
            let info = &out.copy.docs[d].info;
            Doc {
                id: info.id.clone(),
                source: info.source.clone(),
                date: info.date.clone(),
                text: std::mem::take(&mut texts[d]),
            }
        })
        .collect())
}
