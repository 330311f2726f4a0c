//! `naql dedup --index` and `naql index …`: argument parsing and rendering around
//! [`naql::index`].

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use naql::corpus::{self, FieldMap, ReadOptions};
use naql::index::{self, Access, DedupOptions, History, Index, IndexError, Status};

use super::{FieldArgs, SignArgs, normalize_options, with_output};

/// Exit code when `--fail-on-duplicate` is given and the batch holds a duplicate.
pub const EXIT_DUPLICATE: u8 = 3;
/// Exit code when another job holds the index longer than `--wait`.
pub const EXIT_BUSY: u8 = 4;

#[derive(Args)]
pub struct IndexArgs {
    #[command(subcommand)]
    command: IndexCommand,
}

#[derive(Subcommand)]
enum IndexCommand {
    /// Create an empty index; its parameters are fixed for its lifetime.
    Create(CreateArgs),
    /// Documents, clusters, dates, size on disk and parameters.
    Stats(StatsArgs),
    /// Remove documents by id (cluster ids of the others do not change); ids not in the index
    /// are listed and make the exit code 1.
    Remove(RemoveArgs),
    /// Remove documents dated before DATE (undated documents stay).
    Prune(PruneArgs),
    /// Give the space of removed or pruned documents back to the file system (SQLite VACUUM;
    /// needs free space about the size of the index while it runs).
    Compact(FileArg),
    /// Print every indexed document as JSONL {"id","source","date","cluster","batch","shingles"}.
    Export(ExportArgs),
    /// Check the file (SQLite integrity) and naql's invariants; exit 1 on any problem.
    Check(FileArg),
}

#[derive(Args)]
struct FileArg {
    /// The index file.
    file: PathBuf,
    /// Seconds to wait for another job that holds the index.
    #[arg(long, default_value_t = 60.0)]
    wait: f64,
}

#[derive(Args)]
struct CreateArgs {
    /// The index file to create (never overwritten).
    file: PathBuf,
    /// Jaccard similarity at which two reports count as copies.
    #[arg(long, default_value_t = 0.8)]
    threshold: f64,
    #[command(flatten)]
    sign: SignArgs,
    /// How matches against indexed documents are verified: `estimate` (MinHash, under 1 KB
    /// per document) or `exact` (stores shingle sets: exact like `naql cluster`, ~4 bytes
    /// more per word).
    #[arg(long, value_enum, default_value_t = HistoryArg::Estimate)]
    history: HistoryArg,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum HistoryArg {
    Exact,
    Estimate,
}

#[derive(Args)]
struct StatsArgs {
    #[command(flatten)]
    file: FileArg,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct RemoveArgs {
    #[command(flatten)]
    file: FileArg,
    /// Ids of the documents to remove.
    #[arg(required = true)]
    ids: Vec<String>,
}

#[derive(Args)]
struct PruneArgs {
    #[command(flatten)]
    file: FileArg,
    /// Remove documents dated before this (YYYY-MM-DD[ hh:mm:ss]).
    #[arg(long)]
    before: String,
}

#[derive(Args)]
struct ExportArgs {
    #[command(flatten)]
    file: FileArg,
    /// Write here instead of stdout (replaced atomically).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Args)]
pub struct DedupArgs {
    /// The index (made by `naql index create`).
    #[arg(long, required = true)]
    index: PathBuf,
    /// JSONL (.jsonl, .jsonl.gz), directories of .txt, .txt files, or - (JSONL on stdin).
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Only match documents dated within this of the new one: 7d, 12h, 2w (s, m, h, d, w).
    /// A document without a usable date then matches nothing.
    #[arg(long)]
    window: Option<String>,
    /// Check the batch, add nothing.
    #[arg(long)]
    dry_run: bool,
    /// Exit with 3 when a document is a duplicate or exact duplicate (after adding the batch).
    #[arg(long)]
    fail_on_duplicate: bool,
    /// Seconds to wait for another job that holds the index; then exit 4.
    #[arg(long, default_value_t = 60.0)]
    wait: f64,
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
    /// Write the verdicts here (replaced atomically) instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// No summary on stderr.
    #[arg(short, long)]
    quiet: bool,
}

fn wait_of(secs: f64) -> Result<Duration, String> {
    Duration::try_from_secs_f64(secs).map_err(|_| format!("--wait {secs}: not a duration"))
}

/// Busy is an exit code of its own (a cron job may simply try later); the rest are errors.
fn fail(e: IndexError) -> Result<u8, String> {
    match e {
        IndexError::Busy(..) => {
            eprintln!("naql: {e}");
            Ok(EXIT_BUSY)
        }
        e => Err(e.to_string()),
    }
}

pub fn index(args: IndexArgs) -> Result<u8, String> {
    match args.command {
        IndexCommand::Create(a) => {
            let config = a.sign.config(a.threshold, naql::copy::Verify::Exact)?;
            let history = match a.history {
                HistoryArg::Exact => History::Exact,
                HistoryArg::Estimate => History::Estimate,
            };
            let idx = match Index::create(&a.file, &config, history) {
                Ok(i) => i,
                Err(e) => return fail(e),
            };
            let lsh = config.lsh();
            eprintln!(
                "naql: created {} (threshold {}, k={}, LSH {} bands × {} rows, history {:?})",
                idx.path().display(),
                config.threshold,
                config.signer.num_perm,
                lsh.bands,
                lsh.rows,
                history
            );
        }
        IndexCommand::Stats(a) => {
            let idx = match Index::open(&a.file.file, Access::ReadOnly, wait_of(a.file.wait)?) {
                Ok(i) => i,
                Err(e) => return fail(e),
            };
            let s = match idx.stats() {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            with_output(None, |w| {
                if a.json {
                    serde_json::to_writer(&mut *w, &s)?;
                    writeln!(w)
                } else {
                    writeln!(w, "index       {}", a.file.file.display())?;
                    writeln!(w, "format      version {}", s.format_version)?;
                    writeln!(
                        w,
                        "documents   {} ({} in {} clusters, {} sources, {} batches)",
                        s.documents, s.clustered, s.clusters, s.sources, s.batches
                    )?;
                    writeln!(
                        w,
                        "dates       {} … {}",
                        s.first_date.as_deref().unwrap_or("-"),
                        s.last_date.as_deref().unwrap_or("-")
                    )?;
                    writeln!(
                        w,
                        "size        {} bytes{}",
                        s.file_bytes,
                        s.bytes_per_document
                            .map(|b| format!(" ({b:.0} bytes per document)"))
                            .unwrap_or_default()
                    )?;
                    writeln!(w, "params      {}", s.params)
                }
            })?;
        }
        IndexCommand::Remove(a) => {
            let mut idx = match Index::open(&a.file.file, Access::ReadWrite, wait_of(a.file.wait)?)
            {
                Ok(i) => i,
                Err(e) => return fail(e),
            };
            let missing = match idx.remove(&a.ids) {
                Ok(m) => m,
                Err(e) => return fail(e),
            };
            eprintln!(
                "naql: removed {} of {} documents",
                a.ids.len() - missing.len(),
                a.ids.len()
            );
            if !missing.is_empty() {
                return Err(format!("not in the index: {}", missing.join(", ")));
            }
        }
        IndexCommand::Prune(a) => {
            let epoch = naql::date::epoch_seconds(&a.before)
                .ok_or_else(|| format!("--before {:?}: expected YYYY-MM-DD", a.before))?;
            let mut idx = match Index::open(&a.file.file, Access::ReadWrite, wait_of(a.file.wait)?)
            {
                Ok(i) => i,
                Err(e) => return fail(e),
            };
            match idx.prune_before(epoch) {
                Ok(n) => eprintln!("naql: removed {n} documents dated before {}", a.before),
                Err(e) => return fail(e),
            }
        }
        IndexCommand::Compact(a) => {
            let mut idx = match Index::open(&a.file, Access::ReadWrite, wait_of(a.wait)?) {
                Ok(i) => i,
                Err(e) => return fail(e),
            };
            match idx.compact() {
                Ok((before, after)) => eprintln!(
                    "naql: {}: {} → {} bytes ({:.1} MB freed)",
                    a.file.display(),
                    before,
                    after,
                    before.saturating_sub(after) as f64 / 1e6
                ),
                Err(e) => return fail(e),
            }
        }
        IndexCommand::Export(a) => {
            let idx = match Index::open(&a.file.file, Access::ReadOnly, wait_of(a.file.wait)?) {
                Ok(i) => i,
                Err(e) => return fail(e),
            };
            let mut failure = None;
            with_output(a.output.as_deref(), |w| {
                let r = idx.export(|d| {
                    serde_json::to_writer(&mut *w, &d)?;
                    writeln!(w)
                });
                if let Err(e) = r {
                    failure = Some(e);
                }
                Ok(())
            })?;
            if let Some(e) = failure {
                return fail(e);
            }
        }
        IndexCommand::Check(a) => {
            let idx = match Index::open(&a.file, Access::ReadOnly, wait_of(a.wait)?) {
                Ok(i) => i,
                Err(e) => return fail(e),
            };
            let problems = match idx.check() {
                Ok(p) => p,
                Err(e) => return fail(e),
            };
            if !problems.is_empty() {
                for p in problems.iter().take(50) {
                    eprintln!("naql: {}: {p}", a.file.display());
                }
                return Err(format!(
                    "{}: {} problems found",
                    a.file.display(),
                    problems.len()
                ));
            }
            let s = idx.stats().map_err(|e| e.to_string())?;
            println!("ok: {} documents, consistent", s.documents);
        }
    }
    Ok(0)
}

pub fn dedup(args: DedupArgs) -> Result<u8, String> {
    let window = args
        .window
        .as_deref()
        .map(index::parse_window)
        .transpose()
        .map_err(|e| e.to_string())?;
    let access = if args.dry_run {
        Access::ReadOnly
    } else {
        Access::ReadWrite
    };
    let mut idx = match Index::open(&args.index, access, wait_of(args.wait)?) {
        Ok(i) => i,
        Err(e) => return fail(e),
    };
    // Options that decide signatures must agree with the index, if given at all.
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
    idx.check_config(&wanted).map_err(|e| e.to_string())?;

    let f = &args.fields;
    let read = ReadOptions {
        fields: FieldMap {
            id: f.id_field.clone(),
            text: f.text_field.clone(),
            source: f.source_field.clone(),
            date: f.date_field.clone(),
            title: f.title_field.clone(),
        },
        skip_bad: args.skip_bad,
        progress: None,
    };
    let engine = idx.engine();
    let (items, report) = corpus::read_with(&args.inputs, &read, |doc| engine.prepare(doc))
        .map_err(|e| e.to_string())?;
    let options = DedupOptions {
        window,
        dry_run: args.dry_run,
    };
    let out = match idx.dedup(items.into(), &options) {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    with_output(args.output.as_deref(), |w| {
        for v in &out.verdicts {
            serde_json::to_writer(&mut *w, v)?;
            writeln!(w)?;
        }
        Ok(())
    })?;
    let count = |s: Status| out.verdicts.iter().filter(|v| v.status == s).count();
    let duplicates = count(Status::Duplicate) + count(Status::ExactDuplicate);
    if !args.quiet {
        for b in report.skipped.iter().take(20) {
            eprintln!("naql: skipped {b}");
        }
        let merges: usize = out.verdicts.iter().map(|v| v.merged.len()).sum();
        eprintln!(
            "naql: {} records: {} new, {} duplicate, {} exact duplicate, {} already indexed, \
             {} empty, {} bad; {} cluster merges; {}",
            out.verdicts.len() + report.skipped.len(),
            count(Status::New),
            count(Status::Duplicate),
            count(Status::ExactDuplicate),
            count(Status::AlreadyIndexed),
            count(Status::Skipped),
            report.skipped.len(),
            merges,
            if args.dry_run {
                "dry run, nothing added".to_string()
            } else {
                format!("{} added to {}", out.added, args.index.display())
            }
        );
    }
    if args.fail_on_duplicate && duplicates > 0 {
        return Ok(EXIT_DUPLICATE);
    }
    Ok(0)
}
