//! `naql reuse`: the passages documents share, corpus-wide, as JSONL links (or JSON, text,
//! HTML).

use clap::Args;

use naql::render::reuse as render;
use naql::reuse::{Config, Engine};

use super::args::{FieldArgs, normalize_options};
use super::exit::{Failure, Outcome};
use super::output::with_output;
use super::progress;

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Jsonl,
    Json,
    Text,
    /// One self-contained page: the outlet table and each document's passages highlighted.
    Html,
}

#[derive(Args)]
pub struct ReuseArgs {
    /// JSONL (.jsonl, .jsonl.gz), directories of .txt, .txt files, or - (JSONL on stdin).
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Fewest words a passage has on each side.
    #[arg(long, default_value_t = Config::default().min_words)]
    min_words: usize,
    /// A seed in more documents than this seeds nothing (passim's maxDF).
    #[arg(long, default_value_t = Config::default().max_df)]
    max_df: usize,
    /// Within a compared pair, seeds in up to this share of the documents make hits (0–1).
    #[arg(long, default_value_t = Config::default().align_df_share)]
    align_df_share: f64,
    /// Rare seeds two documents must share to be compared.
    #[arg(long, default_value_t = Config::default().min_shared)]
    min_shared: usize,
    /// Fewest seed hits in a passage.
    #[arg(long, default_value_t = Config::default().min_seeds)]
    min_seeds: usize,
    /// Most words between two seed hits of one passage, along either document.
    #[arg(long, default_value_t = Config::default().gap)]
    gap: usize,
    /// Share of a passage's informative words that must match (0–1).
    #[arg(long, default_value_t = Config::default().min_score)]
    min_score: f64,
    /// Content words per seed (1 survives word shuffling).
    #[arg(long, default_value_t = Config::default().ngram)]
    ngram: usize,
    /// Wire agency outlets (comma-separated): with no date to decide, passages come from them.
    #[arg(long, value_delimiter = ',', default_value = "was")]
    wire: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    format: Format,
    /// Turn a normalization rule off (repeatable), as for `cluster`.
    #[arg(long = "no-fold", value_name = "RULE")]
    no_fold: Vec<String>,
    #[command(flatten)]
    fields: FieldArgs,
    /// Set bad records aside (reported with file, line and reason) instead of stopping.
    #[arg(long)]
    skip_bad: bool,
    /// Write the output here (replaced atomically).
    #[arg(short, long)]
    output: Option<std::path::PathBuf>,
    /// No progress bar, no summary on stderr.
    #[arg(short, long)]
    quiet: bool,
    /// Print the wall time of each stage on stderr.
    #[arg(long)]
    timings: bool,
}

impl ReuseArgs {
    fn config(&self) -> Result<Config, Failure> {
        let c = Config {
            normalize: normalize_options(&self.no_fold)?,
            ngram: self.ngram,
            max_df: self.max_df,
            align_df_share: self.align_df_share,
            min_shared: self.min_shared,
            gap: self.gap,
            min_words: self.min_words,
            min_seeds: self.min_seeds,
            min_score: self.min_score,
            wire: self.wire.clone(),
            ..Config::default()
        };
        c.validate()?;
        Ok(c)
    }
}

pub fn run(args: ReuseArgs) -> Result<Outcome, Failure> {
    let spin = progress::spinner(args.quiet);
    let engine = match &spin {
        Some(s) => Engine::new(args.config()?).with_stages(s.clone()),
        None => Engine::new(args.config()?),
    };
    let read = naql::corpus::ReadOptions {
        progress: progress::bar(&args.inputs, args.quiet),
        ..args.fields.read_options(args.skip_bad)
    };
    let (out, texts) = if matches!(args.format, Format::Html) {
        engine.run_inputs_with_texts(&args.inputs, &read)?
    } else {
        (engine.run_inputs(&args.inputs, &read)?, Vec::new())
    };
    progress::stage(&spin, "render", out.links.len(), "passage links");
    with_output(args.output.as_deref(), |w| match args.format {
        Format::Jsonl => render::jsonl(w, &out),
        Format::Json => render::json(w, &out),
        Format::Text => render::text(w, &out),
        Format::Html => render::html(w, &out, &texts),
    })?;
    progress::done(&spin);
    if args.timings {
        for (stage, secs) in &out.timings {
            eprintln!("naql: {stage:<18} {secs:>8.3} s");
        }
    }
    if !args.quiet {
        for b in out.skipped_records.listed().iter().take(20) {
            eprintln!("naql: skipped {b}");
        }
        eprintln!("naql: {}", render::summary_line(&out));
    }
    Ok(Outcome::Done)
}
