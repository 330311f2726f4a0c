//! `naql dedup --index`: check a batch against the persistent index, then add it; one JSONL
//! verdict per document. Phases: open the index and check the flags against it, read the
//! batch, match it, write the verdicts, summarize.

use std::path::PathBuf;

use clap::Args;

use naql::corpus::{self, ReadReport, UnreadDates};
use naql::index::{self, Access, BatchOutcome, DedupOptions, Index, Status};

use super::args::{FieldArgs, normalize_options};
use super::duration;
use super::exit::{Failure, Outcome};
use super::output::with_output;
use super::progress::{done, report_unread_dates, spinner, stage};

#[derive(Args)]
pub struct DedupArgs {
    /// The index (made by `naql index create`).
    #[arg(long, required = true)]
    index: PathBuf,
    /// JSONL (.jsonl, .jsonl.gz), directories of .txt, .txt files, or - (JSONL on stdin).
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Only match documents dated within this of the new one: 7d, 12h, 2w (s, m, h, d, w; a
    /// bare number is days). A document without a usable date then matches nothing.
    #[arg(long, value_parser = duration::window_seconds, value_name = "DURATION")]
    window: Option<i64>,
    /// Check the batch, add nothing.
    #[arg(long)]
    dry_run: bool,
    /// Exit with 3 when a document is a duplicate or exact duplicate (after adding the batch).
    #[arg(long)]
    fail_on_duplicate: bool,
    /// How long to wait for another job that holds the index (60, 2m; a bare number is
    /// seconds); then exit 4.
    #[arg(long, default_value = "60", value_parser = duration::wait, value_name = "DURATION")]
    wait: std::time::Duration,
    /// Refuse to run unless the index was made with this threshold.
    #[arg(long)]
    threshold: Option<f64>,
    /// Refuse to run unless the index was made with this shingle size.
    #[arg(long)]
    ngram: Option<usize>,
    /// Refuse to run unless the index was made with this many MinHash values.
    #[arg(long)]
    num_perm: Option<usize>,
    /// Refuse to run unless the index was made with these rules off.
    #[arg(long = "no-fold", value_name = "RULE")]
    no_fold: Vec<String>,
    #[command(flatten)]
    fields: FieldArgs,
    /// Set bad records aside (reported with file, line and reason) instead of stopping.
    #[arg(long)]
    skip_bad: bool,
    /// Also list, per document, the passages (about 25 words or more) it shares with documents
    /// indexed by earlier `--passages` runs, and store this batch's passage seeds.
    #[arg(long)]
    passages: bool,
    /// List at most this many matches per verdict, the best ones (`match_count` counts all).
    #[arg(long, default_value_t = index::DEFAULT_MAX_MATCHES)]
    max_matches: usize,
    /// Write the verdicts here (replaced atomically) instead of stdout.
    /// If writing them fails after the batch was added, a re-run gives the same verdicts.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// No summary on stderr.
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(args: DedupArgs) -> Result<Outcome, Failure> {
    let window = args.window;
    let access = if args.dry_run {
        Access::ReadOnly
    } else {
        Access::ReadWrite
    };
    let mut idx = Index::open(&args.index, access, args.wait)?;
    check_params(&args, &idx)?;
    let read = naql::corpus::ReadOptions {
        progress: super::progress::bar(&args.inputs, args.quiet),
        ..args.fields.read_options(args.skip_bad)
    };
    let engine = idx.engine();
    let seeder = args.passages.then(|| idx.passage_seeder());
    let (items, report) = corpus::read_with(&args.inputs, &read, |doc| {
        let seeds = seeder.as_ref().map(|s| s.seeds(&doc.text));
        (engine.prepare(doc), seeds)
    })?;
    let (items, seeds) = split_seeds(items, args.passages);
    let unread = UnreadDates::of(items.iter().map(|i| (&i.origin, i.value.date.as_deref())));
    let passages = match &seeds {
        Some(s) => Some(idx.shared_passages(s.as_slice())?),
        None => None,
    };
    let options = DedupOptions {
        window,
        dry_run: args.dry_run,
        max_matches: args.max_matches,
        ..DedupOptions::default()
    };
    let spin = spinner(args.quiet);
    let stages = spin.as_deref().map(|s| s as &dyn naql::copy::Stages);
    let out = idx.dedup_telling(items.into(), &options, stages)?;
    crash_point_for_tests();
    if let (Some(s), false) = (&seeds, args.dry_run) {
        idx.store_passage_seeds(s.as_slice())?;
    }
    stage(&spin, "write", out.verdicts.len(), "verdicts");
    with_output(args.output.as_deref(), |w| {
        for (i, v) in out.verdicts.iter().enumerate() {
            match &passages {
                Some(p) => serde_json::to_writer(&mut *w, &with_passages(v, &p[i]))?,
                None => serde_json::to_writer(&mut *w, v)?,
            }
            writeln!(w)?;
        }
        Ok(())
    })?;
    done(&spin);
    if !args.quiet {
        summary(&args, &out, &report);
    }
    report_unread_dates(args.quiet, &unread);
    let duplicates = count(&out, Status::Duplicate) + count(&out, Status::ExactDuplicate);
    if args.fail_on_duplicate && duplicates > 0 {
        return Ok(Outcome::Duplicate);
    }
    Ok(Outcome::Done)
}

/// Each document's passage seeds (with `--passages`) apart from what dedup needs.
type SeedList = Vec<(String, naql::index::PassageSeeds)>;

fn split_seeds<P>(
    items: Vec<corpus::Item<(P, Option<naql::index::PassageSeeds>)>>,
    passages: bool,
) -> (Vec<corpus::Item<P>>, Option<SeedList>) {
    let mut seeds = Vec::new();
    let items = items
        .into_iter()
        .map(|i| {
            let (value, s) = i.value;
            if let Some(s) = s {
                seeds.push((i.id.clone(), s));
            }
            corpus::Item {
                id: i.id,
                origin: i.origin,
                value,
            }
        })
        .collect::<Vec<_>>();
    (items, passages.then_some(seeds))
}

/// A verdict line with its `passages` (best first): `{"id", "source", "date", "span",
/// "other_span", "seeds"}`, spans in characters of the new and of the indexed document.
fn with_passages(v: &naql::index::Verdict, p: &[naql::index::SharedPassage]) -> serde_json::Value {
    let mut j = serde_json::to_value(v).expect("a verdict is JSON");
    j["passages"] = serde_json::to_value(p).expect("passages are JSON");
    j
}

/// Test builds only: `NAQL_TEST_ABORT_AFTER_COMMIT=1` kills the process right after the batch
/// was committed and before any verdict is written, as a crash at that moment would (the tests
/// of durable verdicts use it). Release builds have no such hook.
fn crash_point_for_tests() {
    #[cfg(debug_assertions)]
    if std::env::var_os("NAQL_TEST_ABORT_AFTER_COMMIT").is_some() {
        std::process::abort();
    }
}

/// Options that decide signatures must agree with the index, if given at all.
fn check_params(args: &DedupArgs, idx: &Index) -> Result<(), Failure> {
    let mut wanted = idx.config().clone();
    if let Some(t) = args.threshold {
        wanted.threshold = t;
    }
    if let Some(n) = args.ngram {
        wanted.signer.shingling = naql::copy::Shingling::Words(n);
    }
    if let Some(k) = args.num_perm {
        wanted.signer.num_perm = k;
    }
    if !args.no_fold.is_empty() {
        wanted.normalize = normalize_options(&args.no_fold)?;
    }
    Ok(idx.check_config(&wanted)?)
}

fn count(out: &BatchOutcome, s: Status) -> usize {
    out.verdicts.iter().filter(|v| v.status == s).count()
}

/// The first skipped records and one line of counts, on stderr.
fn summary(args: &DedupArgs, out: &BatchOutcome, report: &ReadReport) {
    for b in report.skipped.listed().iter().take(20) {
        eprintln!("naql: skipped {b}");
    }
    let merges: usize = out.verdicts.iter().map(|v| v.merged.len()).sum();
    eprintln!(
        "naql: {} records: {} new, {} duplicate, {} exact duplicate, {} already indexed, \
         {} empty, {} bad; {} cluster merges; {}{}",
        out.verdicts.len() + report.skipped.total(),
        count(out, Status::New),
        count(out, Status::Duplicate),
        count(out, Status::ExactDuplicate),
        count(out, Status::AlreadyIndexed),
        count(out, Status::Skipped),
        report.skipped.total(),
        merges,
        if args.dry_run {
            "dry run, nothing added".to_string()
        } else {
            format!("{} added to {}", out.added, args.index.display())
        },
        if out.replayed > 0 {
            format!(
                "; {} indexed before, their stored verdicts given again",
                out.replayed
            )
        } else {
            String::new()
        }
    );
}
