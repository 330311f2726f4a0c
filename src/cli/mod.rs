//! The `naql` command: parses arguments, turns them into the library's parameters in one step
//! ([`args`]), calls the library, renders, and maps the outcome to an exit code. One file per
//! subcommand; nothing else lives here.

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use self::exit::{Failure, Outcome};

mod args;
mod cluster;
mod collate;
mod dedup;
mod diff;
mod duration;
mod exit;
mod idf;
mod index;
mod manual;
mod normalize;
mod output;
mod pairs;
mod progress;
mod report;
mod reuse;
mod sign;

#[derive(Parser)]
#[command(
    name = "naql",
    version,
    long_version = manual::long_version(),
    about = "Find copied and rewritten Arabic news across outlets",
    long_about = "naql finds copied and rewritten Arabic news across outlets.\n\n\
                  Inputs are JSONL files (also .jsonl.gz), directories of .txt files (one \
                  article each, id = relative path), single .txt files, or - for JSONL on stdin.\n\n\
                  Exit codes: 0 done, 1 error, 2 usage error, 3 a duplicate (dedup \
                  --fail-on-duplicate), 4 the index is busy (see --wait)."
)]
struct Cli {
    /// Worker threads (default: all cores). Output is identical whatever the number.
    #[arg(long, global = true)]
    threads: Option<usize>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Cluster copied reports: normalize, shingle, MinHash, LSH, verify, union-find.
    Cluster(cluster::ClusterArgs),
    /// Print verified pairs as JSONL {"a","b","jaccard_est","jaccard","containment_ab","containment_ba"}
    /// (with --level story: {"a","b","similarity"}).
    Pairs(pairs::PairsArgs),
    /// Print MinHash signatures as JSONL, one document a line, for pipelines.
    Sign(sign::SignCmdArgs),
    /// Print the normalized text of FILE (or stdin): one line per input line, tokens joined by spaces.
    Normalize(normalize::NormalizeArgs),
    /// Save the document frequencies of a corpus as an IDF table for `--level story --idf`.
    Idf(idf::IdfArgs),
    /// Compare two versions of a story sentence by sentence: `naql diff A.txt B.txt` or
    /// `naql diff CORPUS ID_A ID_B`.
    Diff(diff::DiffArgs),
    /// Cluster a corpus and write one HTML page with every cluster (or one), each member
    /// aligned against its representative; with --level story, every story (or one), each
    /// outlet's version aligned against the story's central article.
    Report(report::ReportArgs),
    /// Check new documents against a persistent index, then add them: one JSONL verdict each.
    /// Exit codes: 0 done, 1 error, 2 usage, 3 a duplicate with --fail-on-duplicate, 4 index busy.
    Dedup(dedup::DedupArgs),
    /// Create and maintain a persistent index for `naql dedup`.
    Index(index::IndexArgs),
    /// Passages documents share, corpus-wide: JSONL {"a","a_span","b","b_span","words",
    /// "score","source","target","reason","boilerplate"} with character spans.
    Reuse(reuse::ReuseArgs),
    /// How each outlet told one story: the reports of a story (`--story N`, `--ids`, or all
    /// the inputs) linked fact by fact; a fact grid, names/numbers/quotes, unique content.
    Collate(collate::CollateArgs),
    /// Print a shell completion script: `naql completions bash|zsh|fish|elvish|powershell`.
    Completions(manual::CompletionsArgs),
    /// Print the man page (roff), or write one page per command with --dir.
    Man(manual::ManArgs),
}

fn run(cli: Cli) -> Result<Outcome, Failure> {
    if let Some(n) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(Failure::error)?;
    }
    match cli.command {
        Command::Cluster(args) => cluster::run(args),
        Command::Pairs(args) => pairs::run(args),
        Command::Sign(args) => sign::run(args),
        Command::Normalize(args) => normalize::run(args),
        Command::Idf(args) => idf::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Report(args) => report::run(args),
        Command::Dedup(args) => dedup::run(args),
        Command::Index(args) => index::run(args),
        Command::Reuse(args) => reuse::run(args),
        Command::Collate(args) => collate::run(args),
        Command::Completions(args) => manual::completions(args, Cli::command()),
        Command::Man(args) => manual::man(args, Cli::command()),
    }
}

/// Parses the command line, runs it and maps the outcome to an exit code ([`exit::code`]).
pub fn main() -> ExitCode {
    exit::code(Cli::try_parse().map_err(Failure::from).and_then(run))
}
