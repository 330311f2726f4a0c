//! `naql index …`: create and maintain the persistent index of `naql dedup`, one function
//! per subcommand around [`naql::index`].

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Subcommand};

use naql::index::{Access, History, Index, IndexError, IndexStats};

use super::args::{LshArgs, SignArgs};
use super::duration;
use super::exit::{Failure, Outcome};
use super::output::with_output;

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
    /// How long to wait for another job that holds the index (60, 2m; a bare number is
    /// seconds).
    #[arg(long, default_value = "60", value_parser = duration::wait, value_name = "DURATION")]
    wait: Duration,
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
    #[command(flatten)]
    lsh: LshArgs,
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
    format: StatsFormat,
    /// The same as `--format json` (the flag's older name).
    #[arg(long, hide = true)]
    json: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum StatsFormat {
    Text,
    Json,
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
    /// Remove documents dated before this: a date (YYYY-MM-DD[ hh:mm:ss], UTC) or a duration
    /// back from now (30d, 12h, 2w; a bare number is days).
    #[arg(long, value_parser = duration::before, value_name = "DATE|DURATION")]
    before: i64,
}

#[derive(Args)]
struct ExportArgs {
    #[command(flatten)]
    file: FileArg,
    /// Write here instead of stdout (replaced atomically).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn run(args: IndexArgs) -> Result<Outcome, Failure> {
    match args.command {
        IndexCommand::Create(a) => create(a),
        IndexCommand::Stats(a) => stats(a),
        IndexCommand::Remove(a) => remove(a),
        IndexCommand::Prune(a) => prune(a),
        IndexCommand::Compact(a) => compact(a),
        IndexCommand::Export(a) => export(a),
        IndexCommand::Check(a) => check(a),
    }
}

impl FileArg {
    fn open(&self, access: Access) -> Result<Index, Failure> {
        Ok(Index::open(&self.file, access, self.wait)?)
    }
}

fn create(a: CreateArgs) -> Result<Outcome, Failure> {
    let config = a
        .sign
        .config(a.threshold, naql::copy::Verify::Exact, &a.lsh)?;
    let history = match a.history {
        HistoryArg::Exact => History::Exact,
        HistoryArg::Estimate => History::Estimate,
    };
    let idx = Index::create(&a.file, &config, history)?;
    let lsh = config.lsh();
    eprintln!(
        "naql: created {} (threshold {}, k={}, LSH {} bands × {} rows, history {})",
        idx.path().display(),
        config.threshold,
        config.signer.num_perm,
        lsh.bands,
        lsh.rows,
        match history {
            History::Exact => "exact",
            History::Estimate => "estimate",
        }
    );
    Ok(Outcome::Done)
}

fn stats(a: StatsArgs) -> Result<Outcome, Failure> {
    let idx = a.file.open(Access::ReadOnly)?;
    let s = idx.stats()?;
    with_output(None, |w| {
        if a.json || a.format == StatsFormat::Json {
            serde_json::to_writer(&mut *w, &s)?;
            writeln!(w)
        } else {
            stats_text(w, &a.file.file, &s)
        }
    })?;
    Ok(Outcome::Done)
}

fn stats_text(w: &mut dyn Write, file: &Path, s: &IndexStats) -> std::io::Result<()> {
    writeln!(w, "index       {}", file.display())?;
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

fn remove(a: RemoveArgs) -> Result<Outcome, Failure> {
    let mut idx = a.file.open(Access::ReadWrite)?;
    let missing = idx.remove(&a.ids)?;
    eprintln!(
        "naql: removed {} of {} documents",
        a.ids.len() - missing.len(),
        a.ids.len()
    );
    if !missing.is_empty() {
        return Err(Failure::error(format!(
            "not in the index: {}",
            missing.join(", ")
        )));
    }
    Ok(Outcome::Done)
}

fn prune(a: PruneArgs) -> Result<Outcome, Failure> {
    let epoch = a.before;
    let mut idx = a.file.open(Access::ReadWrite)?;
    let n = idx.prune_before(epoch)?;
    let when = jiff::Timestamp::from_second(epoch).map_or(epoch.to_string(), |t| t.to_string());
    eprintln!("naql: removed {n} documents dated before {when}");
    Ok(Outcome::Done)
}

fn compact(a: FileArg) -> Result<Outcome, Failure> {
    let mut idx = a.open(Access::ReadWrite)?;
    let (before, after) = idx.compact()?;
    eprintln!(
        "naql: {}: {} → {} bytes ({:.1} MB freed)",
        a.file.display(),
        before,
        after,
        before.saturating_sub(after) as f64 / 1e6
    );
    Ok(Outcome::Done)
}

fn export(a: ExportArgs) -> Result<Outcome, Failure> {
    let idx = a.file.open(Access::ReadOnly)?;
    let mut failure = None;
    with_output(a.output.as_deref(), |w| {
        let r = idx.export(|d| {
            serde_json::to_writer(&mut *w, &d)?;
            writeln!(w)
        });
        match r {
            // A write error goes back to `with_output`, which is quiet on a closed pipe.
            Err(IndexError::Io(_, e)) => Err(e),
            Err(e) => {
                failure = Some(e);
                Ok(())
            }
            Ok(()) => Ok(()),
        }
    })?;
    if let Some(e) = failure {
        return Err(e.into());
    }
    Ok(Outcome::Done)
}

fn check(a: FileArg) -> Result<Outcome, Failure> {
    let idx = a.open(Access::ReadOnly)?;
    let problems = idx.check()?;
    if !problems.is_empty() {
        for p in problems.iter().take(50) {
            eprintln!("naql: {}: {p}", a.file.display());
        }
        return Err(Failure::error(format!(
            "{}: {} problems found",
            a.file.display(),
            problems.len()
        )));
    }
    let s = idx.stats()?;
    with_output(None, |w| {
        writeln!(w, "ok: {} documents, consistent", s.documents)
    })?;
    Ok(Outcome::Done)
}
