//! The `naql` command: parses arguments, calls the library, renders. Nothing else lives here.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use naql::copy::{Config, Engine, Verify};
use naql::copy::{Shingling, Signer};
use naql::corpus::{Document, FieldMap, ReadOptions};
use naql::diff::Comparer;
use naql::render::clusters::{self as report, Format, Params};
use naql::render::diff::{self as view, Colors, Section, Side};
use naql::render::stories;
use naql::render::story_page as story_report;
use naql::story::{self, Idf, StoryConfig, StoryEngine, StoryModel, StoryOutcome};
use naql::text::{NormalizeOptions, Normalizer};
use rayon::prelude::*;

mod index;
use self::index as index_cli;

#[derive(Parser)]
#[command(
    name = "naql",
    version,
    about = "Find copied and rewritten Arabic news across outlets",
    long_about = "naql finds copied and rewritten Arabic news across outlets.\n\n\
                  Inputs are JSONL files (also .jsonl.gz), directories of .txt files (one \
                  article each, id = relative path), single .txt files, or - for JSONL on stdin."
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
    Cluster(ClusterArgs),
    /// Print verified pairs as JSONL {"a","b","jaccard_est","jaccard","containment_ab","containment_ba"}
    /// (with --level story: {"a","b","similarity"}).
    Pairs(PairsArgs),
    /// Print MinHash signatures as JSONL, one document a line, for pipelines.
    Sign(RunArgs),
    /// Print the normalized text of FILE (or stdin): one line per input line, tokens joined by spaces.
    Normalize(NormalizeArgs),
    /// Save the document frequencies of a corpus as an IDF table for `--level story --idf`.
    Idf(IdfArgs),
    /// Compare two versions of a story sentence by sentence: `naql diff A.txt B.txt` or
    /// `naql diff CORPUS ID_A ID_B`.
    Diff(DiffArgs),
    /// Cluster a corpus and write one HTML page with every cluster (or one), each member
    /// aligned against its representative; with --level story, every story (or one), each
    /// outlet's version aligned against the story's central article.
    Report(ReportArgs),
    /// Check new documents against a persistent index, then add them: one JSONL verdict each.
    /// Exit codes: 0 done, 1 error, 2 usage, 3 a duplicate with --fail-on-duplicate, 4 index busy.
    Dedup(index_cli::DedupArgs),
    /// Create and maintain a persistent index for `naql dedup`.
    Index(index_cli::IndexArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    /// Two columns side by side (the default on a terminal).
    Text,
    /// Git-style word diff, `[-removed-]{+added+}` (the default when piped).
    Unified,
    /// One JSON document, spans in character offsets (schema: naql-diff-v1).
    Json,
    /// One self-contained HTML page.
    Html,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
struct DiffArgs {
    /// Two text files, or a corpus (JSONL, .jsonl.gz, directory of .txt) and two ids in it.
    #[arg(required = true, num_args = 2..=3, value_names = ["A|CORPUS", "B|ID_A", "ID_B"])]
    args: Vec<String>,
    /// Output format (default: text on a terminal, unified otherwise).
    #[arg(long, value_enum)]
    format: Option<DiffFormat>,
    /// Colors in text and unified output; `auto` means on a terminal and NO_COLOR unset.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Width of the side-by-side view in columns (default: the terminal's, else 120).
    #[arg(long)]
    width: Option<usize>,
    #[command(flatten)]
    align: AlignArgs,
    /// Turn a normalization rule off (repeatable); see `naql cluster --help`.
    #[arg(long = "no-fold", value_name = "RULE")]
    no_fold: Vec<String>,
    /// Words per shingle for the summary's Jaccard and containment.
    #[arg(long, default_value_t = 3)]
    ngram: usize,
    #[command(flatten)]
    fields: FieldArgs,
    /// Write the output here instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Args)]
struct AlignArgs {
    /// Weighted stem overlap at which two sentences count as the same sentence (0–1).
    #[arg(long, default_value_t = naql::diff::Options::default().min_score)]
    min_score: f64,
    /// Weigh words by this IDF table too (from `naql idf`), so words all news uses count less.
    /// With `report --level story`, also the story level's document frequencies, as
    /// `cluster --level story --idf` uses them (so the stories and their numbers agree).
    #[arg(long = "idf", value_name = "FILE")]
    align_idf: Option<String>,
}

#[derive(Args)]
struct ReportArgs {
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
}

#[derive(Args)]
struct ClusterArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Output format (story level: text, json or jsonl; the HTML page is `naql report`).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    story: StoryArgs,
}

#[derive(Args)]
struct PairsArgs {
    #[command(flatten)]
    run: RunArgs,
    #[command(flatten)]
    story: StoryArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Level {
    /// Copies: shared word shingles (Jaccard).
    Copy,
    /// Stories: shared content words (TF-IDF cosine), copies nested inside.
    Story,
}

#[derive(Args)]
struct StoryArgs {
    /// copy: reports that copy one another; story: reports of the same story (see README).
    #[arg(long, value_enum, default_value_t = Level::Copy)]
    level: Level,
    #[command(flatten)]
    grouping: StoryGrouping,
    /// Story level: document frequencies from this table (`naql idf`) instead of the input;
    /// for batches too small to estimate them.
    #[arg(long, value_name = "FILE")]
    idf: Option<String>,
}

/// How stories are delimited (shared by `cluster`, `pairs` and `report`).
#[derive(Args)]
struct StoryGrouping {
    /// Story level: candidate pairs are at most this many days apart, and a story spans at most
    /// this many days (articles with dates; undated ones pair with any date).
    #[arg(long, default_value_t = 3.0, value_name = "DAYS")]
    window: f64,
    /// Story level: no date window.
    #[arg(long)]
    no_window: bool,
    /// Story level: average similarity two groups need to merge (default: the threshold;
    /// 0: single linkage, which lets chains of similar articles join unrelated stories).
    #[arg(long)]
    linkage: Option<f64>,
}

#[derive(Args)]
struct IdfArgs {
    /// JSONL (.jsonl, .jsonl.gz), directories of .txt, .txt files, or - (JSONL on stdin).
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Leave out terms found in fewer articles (they count as unseen).
    #[arg(long, default_value_t = 2)]
    min_df: u32,
    /// Also learn this many LSA dimensions (word vectors from which articles share words), so
    /// that `--level story` relates reports that tell one story in different words; 0: none.
    /// Worth it from some thousands of articles up.
    #[arg(long, default_value_t = 0)]
    dims: usize,
    #[command(flatten)]
    fields: FieldArgs,
    /// Set bad records aside instead of stopping.
    #[arg(long)]
    skip_bad: bool,
    /// Write the table here (default: stdout).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Args)]
struct RunArgs {
    /// JSONL (.jsonl, .jsonl.gz), directories of .txt, .txt files, or - (JSONL on stdin).
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Jaccard similarity at which two reports count as copies (default 0.8); with --level
    /// story, the cosine at which they tell the same story (default 0.2; 0.39 with an --idf
    /// table that holds LSA vectors).
    #[arg(long)]
    threshold: Option<f64>,
    #[command(flatten)]
    sign: SignArgs,
    /// How candidates are verified.
    #[arg(long, value_enum, default_value_t = VerifyArg::Exact)]
    verify: VerifyArg,
    #[command(flatten)]
    fields: FieldArgs,
    /// Set bad records aside (reported with file, line and reason) instead of stopping.
    #[arg(long)]
    skip_bad: bool,
    /// Write the output here (a regular file is replaced atomically: written beside it, then
    /// renamed into place; devices and pipes are written in place).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// No progress bar, no summary on stderr.
    #[arg(short, long)]
    quiet: bool,
    /// Print the wall time of each stage on stderr (cluster and pairs).
    #[arg(long)]
    timings: bool,
}

/// The flags that decide signatures and copy matching, defined once for every command that
/// signs (`cluster`, `pairs`, `sign`, `report`, `index create`) so they cannot drift apart.
/// `--verify` is not among them: `index create` always verifies exactly (its `--history`
/// decides what is kept for that).
#[derive(Args)]
struct SignArgs {
    /// Words per shingle (3 finds rewritten wire copies that 5 misses; see BENCHMARKS.md).
    #[arg(long, default_value_t = 3)]
    ngram: usize,
    /// Use character shingles of this length instead of words (for headlines and short texts).
    #[arg(long)]
    char_ngram: Option<usize>,
    /// MinHash values per signature.
    #[arg(long, default_value_t = 128)]
    num_perm: usize,
    /// Hash seed (signatures from different seeds are not comparable).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// LSH tuning: weight of false candidates (they only cost verification time).
    #[arg(long, default_value_t = 0.01)]
    fp_weight: f64,
    /// LSH tuning: weight of missed pairs.
    #[arg(long, default_value_t = 0.99)]
    fn_weight: f64,
    /// A paragraph in this many distinct documents of one source is boilerplate (0: off).
    #[arg(long, default_value_t = 5)]
    boilerplate_min_docs: usize,
    /// Keep leading datelines («الرياض - واس:») in the shingles.
    #[arg(long)]
    keep_datelines: bool,
    /// Turn a normalization rule off (repeatable): diacritics, tatweel, alef, alef_maqsura,
    /// teh_marbuta, hamza_carriers, digits, presentation_forms, persian_letters, invisible, case.
    #[arg(long = "no-fold", value_name = "RULE")]
    no_fold: Vec<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum VerifyArg {
    Exact,
    Estimate,
}

impl From<VerifyArg> for Verify {
    fn from(v: VerifyArg) -> Verify {
        match v {
            VerifyArg::Exact => Verify::Exact,
            VerifyArg::Estimate => Verify::Estimate,
        }
    }
}

impl SignArgs {
    /// The copy-level [`Config`] at `threshold`: the one place where the flags are checked and
    /// turned into library parameters.
    fn config(&self, threshold: f64, verify: Verify) -> Result<Config, String> {
        Ok(Config {
            normalize: normalize_options(&self.no_fold)?,
            signer: Signer {
                shingling: match self.char_ngram {
                    Some(n) => Shingling::Chars(n),
                    None => Shingling::Words(self.ngram),
                },
                num_perm: self.num_perm,
                seed: self.seed,
            },
            threshold,
            false_positive_weight: self.fp_weight,
            false_negative_weight: self.fn_weight,
            verify,
            boilerplate_min_docs: self.boilerplate_min_docs,
            datelines: !self.keep_datelines,
        }
        .validated()?)
    }
}

/// A library [`naql::ConfigError`] in the words of the command line: its parameter as a flag.
fn flag_error(e: naql::ConfigError) -> String {
    format!("--{} {}", e.param.replace('_', "-"), e.constraint)
}

/// Validation by the library, errors worded as flags.
trait Validated: Sized {
    fn validated(self) -> Result<Self, String>;
}

impl Validated for Config {
    fn validated(self) -> Result<Self, String> {
        self.validate().map_err(flag_error)?;
        Ok(self)
    }
}

#[derive(Args)]
struct FieldArgs {
    /// Field holding the document id (default: detect id, doc_id, docno, …; else file:line).
    #[arg(long)]
    id_field: Option<String>,
    /// Field holding the text (default: detect text, content, body, …).
    #[arg(long)]
    text_field: Option<String>,
    /// Field holding the outlet (default: detect source, outlet, src, …).
    #[arg(long)]
    source_field: Option<String>,
    /// Field holding the date (default: detect date, published, time, date_extracted, …).
    #[arg(long)]
    date_field: Option<String>,
    /// Field holding the title (default: detect title, headline).
    #[arg(long)]
    title_field: Option<String>,
}

#[derive(Args)]
struct NormalizeArgs {
    /// A text file, or - (the default) for stdin.
    #[arg(default_value = "-")]
    file: String,
    /// Turn a normalization rule off (repeatable); see `naql cluster --help`.
    #[arg(long = "no-fold", value_name = "RULE")]
    no_fold: Vec<String>,
    /// Print one token a line with its byte span in the original: `start end normalized original`.
    #[arg(long)]
    tokens: bool,
}

fn normalize_options(no_fold: &[String]) -> Result<NormalizeOptions, String> {
    let mut o = NormalizeOptions::default();
    for rule in no_fold {
        if !o.set(rule, false) {
            return Err(format!(
                "unknown normalization rule {rule:?}; rules: {}",
                NormalizeOptions::RULES.join(", ")
            ));
        }
    }
    Ok(o)
}

impl RunArgs {
    /// The copy-level [`Config`]; `--threshold` defaults to 0.8 (the story level reads it itself).
    fn config(&self) -> Result<Config, String> {
        self.sign
            .config(self.threshold.unwrap_or(0.8), self.verify.into())
    }

    fn read_options(&self) -> ReadOptions {
        let f = &self.fields;
        let progress = (!self.quiet && io::stderr().is_terminal()).then(|| {
            let total: u64 = self
                .inputs
                .iter()
                .filter_map(|p| std::fs::metadata(p).ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum();
            std::sync::Arc::new(Bar::new(total)) as std::sync::Arc<dyn naql::corpus::Progress>
        });
        ReadOptions {
            fields: field_map(f),
            skip_bad: self.skip_bad,
            progress,
        }
    }

    /// The engines of `--level story`: copy level with the copy flags (threshold 0.8), story
    /// level with `--threshold` as its cosine.
    fn story_engine(
        &self,
        story: &StoryGrouping,
        idf: Option<&str>,
    ) -> Result<StoryEngine, String> {
        let copy = self.sign.config(0.8, self.verify.into())?;
        let mut cfg = StoryConfig {
            normalize: copy.normalize,
            ..StoryConfig::default()
        };
        let idf = match idf {
            Some(path) => Some(Idf::load(path, cfg.normalize).map_err(|e| e.to_string())?),
            None => None,
        };
        if idf.as_ref().is_some_and(|i| i.lsa.is_some()) {
            cfg.threshold = StoryConfig::SEMANTIC_THRESHOLD;
        }
        if let Some(t) = self.threshold {
            cfg.threshold = t;
        }
        // A group must be, on average, as similar as a pair that counts.
        cfg.linkage = story.linkage.unwrap_or(cfg.threshold);
        cfg.window_days = (!story.no_window).then_some(story.window);
        cfg.validate().map_err(flag_error)?;
        Ok(StoryEngine::new(copy, cfg, idf))
    }
}

/// The progress bar on stderr while inputs are read (only on a terminal, without `--quiet`).
struct Bar(indicatif::ProgressBar);

impl Bar {
    fn new(total_bytes: u64) -> Bar {
        let bar = indicatif::ProgressBar::new(total_bytes);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {elapsed}")
                .expect("valid template"),
        );
        Bar(bar)
    }
}

impl naql::corpus::Progress for Bar {
    fn advance(&self, bytes: u64) {
        self.0.inc(bytes);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// Writes to a temporary file beside `path` and renames it into place when done, so a reader
/// (or a killed job) never sees half an output; or writes to stdout.
fn with_output(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), String> {
    match path {
        None => {
            let stdout = io::stdout();
            let mut w = BufWriter::with_capacity(1 << 16, stdout.lock());
            match write(&mut w).and_then(|_| w.flush()) {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                r => r.map_err(|e| format!("writing output: {e}")),
            }
        }
        // A symlink, device or FIFO (`-o /dev/stdout`, `-o /dev/null`) is written in place:
        // renaming over it would replace the link or the device itself.
        Some(path) if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) => {
            let err = |e: io::Error| format!("{}: {e}", path.display());
            let file = std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(path)
                .map_err(err)?;
            let mut w = BufWriter::new(file);
            write(&mut w).and_then(|_| w.flush()).map_err(err)
        }
        Some(path) => {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            let tmp = path.with_file_name(format!(".{name}.naql-tmp-{}", std::process::id()));
            let err = |e: io::Error| format!("{}: {e}", path.display());
            let result = (|| {
                let mut w = BufWriter::new(File::create(&tmp)?);
                write(&mut w)?;
                w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
                std::fs::rename(&tmp, path)
            })();
            if result.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            result.map_err(err)
        }
    }
}

fn run(cli: Cli) -> Result<u8, String> {
    if let Some(n) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| e.to_string())?;
    }
    match cli.command {
        Command::Cluster(args) if args.story.level == Level::Story => {
            if args.format == Format::Csv {
                return Err(
                    "--format csv is not available with --level story (use json or jsonl)".into(),
                );
            }
            let mut engine = args
                .run
                .story_engine(&args.story.grouping, args.story.idf.as_deref())?;
            let read = args.run.read_options();
            let out = engine
                .run_inputs(&args.run.inputs, &read)
                .map_err(|e| e.to_string())?;
            with_output(args.run.output.as_deref(), |w| {
                stories::write_stories(
                    w,
                    &out,
                    &engine.model.config,
                    engine.idf_source(),
                    args.format,
                )
            })?;
            report_skipped(&args.run, &out.copy.skipped_records);
            print_story_timings(&args.run, &out);
            if !args.run.quiet && (args.format != Format::Text || args.run.output.is_some()) {
                eprintln!("naql: {}", stories::summary_line(&out));
            }
            std::mem::forget(out);
        }
        Command::Pairs(PairsArgs { run: args, story }) if story.level == Level::Story => {
            let mut engine = args.story_engine(&story.grouping, story.idf.as_deref())?;
            let read = args.read_options();
            let out = engine
                .run_inputs(&args.inputs, &read)
                .map_err(|e| e.to_string())?;
            with_output(args.output.as_deref(), |w| stories::write_pairs(w, &out))?;
            report_skipped(&args, &out.copy.skipped_records);
            print_story_timings(&args, &out);
            if !args.quiet {
                eprintln!(
                    "naql: {} verified story pairs; {}",
                    out.pairs.len(),
                    stories::summary_line(&out)
                );
            }
            std::mem::forget(out);
        }
        Command::Idf(args) => {
            let read = ReadOptions {
                fields: field_map(&args.fields),
                skip_bad: args.skip_bad,
                progress: None,
            };
            let (docs, report) =
                naql::corpus::read_all(&args.inputs, &read).map_err(|e| e.to_string())?;
            let model = StoryModel::new(StoryConfig::default());
            let texts: Vec<(Option<String>, String)> =
                docs.into_iter().map(|(d, _)| (d.title, d.text)).collect();
            naql::story::lsa::Lsa::validate_dims(args.dims).map_err(flag_error)?;
            if args.dims > 0 {
                // The SVD is the slow part (about a minute for 30,000 articles): say so first.
                eprintln!(
                    "naql: learning {} LSA dimensions from {} articles…",
                    args.dims,
                    texts.len()
                );
            }
            let table = model.idf_table(&texts, args.min_df, args.dims);
            with_output(args.output.as_deref(), |w| {
                serde_json::to_writer(&mut *w, &table)?;
                writeln!(w)
            })?;
            eprintln!(
                "naql: IDF table of {} distinct articles ({} read, {} bad records set aside), {} terms{}",
                table.documents,
                texts.len(),
                report.skipped.len(),
                table.df.len(),
                table.lsa.as_ref().map_or(String::new(), |l| format!(
                    ", LSA vectors ({} dimensions) for {} of them",
                    l.dims,
                    l.scales.len()
                ))
            );
        }
        Command::Dedup(args) => return index_cli::dedup(args),
        Command::Index(args) => return index_cli::index(args),
        Command::Cluster(args) => {
            let config = args.run.config()?;
            let engine = Engine::new(config);
            let read = args.run.read_options();
            let out = engine
                .run_inputs(&args.run.inputs, &read)
                .map_err(|e| e.to_string())?;
            let params = Params::new(&engine.config, out.lsh);
            with_output(args.run.output.as_deref(), |w| {
                report::write_clusters(w, &out, &params, args.format)
            })?;
            report_skipped(&args.run, &out.skipped_records);
            print_timings(&args.run, &out);
            if !args.run.quiet && (args.format != Format::Text || args.run.output.is_some()) {
                eprintln!("naql: {}", report::summary_line(&out));
            }
            // Freeing a large corpus piece by piece takes longer than the OS needs to drop it.
            std::mem::forget(out);
        }
        Command::Pairs(PairsArgs { run: args, .. }) => {
            let engine = Engine::new(args.config()?);
            let read = args.read_options();
            let out = engine
                .run_inputs(&args.inputs, &read)
                .map_err(|e| e.to_string())?;
            let pairs = out.all_pairs();
            with_output(args.output.as_deref(), |w| {
                report::write_pairs(w, &out, &pairs)
            })?;
            report_skipped(&args, &out.skipped_records);
            print_timings(&args, &out);
            if !args.quiet {
                eprintln!(
                    "naql: {} verified pairs; {}",
                    pairs.len(),
                    report::summary_line(&out)
                );
            }
        }
        Command::Sign(args) => {
            let engine = Engine::new(args.config()?);
            let read = args.read_options();
            let (docs, skipped) = engine
                .sign_inputs(&args.inputs, &read)
                .map_err(|e| e.to_string())?;
            with_output(args.output.as_deref(), |w| {
                report::write_signatures(w, &docs, &engine.config)
            })?;
            report_skipped(&args, &skipped);
        }
        Command::Diff(args) => diff(args)?,
        Command::Report(args) if args.level == Level::Story => return report_stories(args),
        Command::Report(args) => report_html(args)?,
        Command::Normalize(args) => {
            let normalizer = Normalizer::new(normalize_options(&args.no_fold)?);
            let text = read_text(&args.file)?;
            with_output(None, |w| {
                if args.tokens {
                    for t in normalizer.tokens(&text) {
                        writeln!(
                            w,
                            "{}\t{}\t{}\t{}",
                            t.span.start,
                            t.span.end,
                            t.text,
                            &text[t.span.clone()]
                        )?;
                    }
                    Ok(())
                } else {
                    let n = normalizer.normalize(&text);
                    w.write_all(n.as_bytes())?;
                    if !n.ends_with('\n') {
                        writeln!(w)?;
                    }
                    Ok(())
                }
            })?;
        }
    }
    Ok(0)
}

impl AlignArgs {
    fn options(&self, normalize: &NormalizeOptions) -> Result<naql::diff::Options, String> {
        let background = match &self.align_idf {
            Some(path) => {
                Some(naql::story::Idf::load(path, *normalize).map_err(|e| e.to_string())?)
            }
            None => None,
        };
        let options = naql::diff::Options {
            min_score: self.min_score,
            background,
            ..Default::default()
        };
        options.validate().map_err(flag_error)?;
        Ok(options)
    }
}

fn field_map(f: &FieldArgs) -> FieldMap {
    FieldMap {
        id: f.id_field.clone(),
        text: f.text_field.clone(),
        source: f.source_field.clone(),
        date: f.date_field.clone(),
        title: f.title_field.clone(),
    }
}

fn diff(args: DiffArgs) -> Result<(), String> {
    let config = Config {
        normalize: normalize_options(&args.no_fold)?,
        signer: Signer {
            shingling: Shingling::Words(args.ngram),
            ..Signer::default()
        },
        ..Config::default()
    }
    .validated()?;
    let comparer = Comparer::new(config.clone(), args.align.options(&config.normalize)?);
    let (a, b) = if let [corpus, id_a, id_b] = &args.args[..] {
        let read = ReadOptions {
            fields: field_map(&args.fields),
            skip_bad: false,
            progress: None,
        };
        let wanted = [id_a.as_str(), id_b.as_str()];
        let (items, _) = naql::corpus::read_with(std::slice::from_ref(corpus), &read, |doc| {
            wanted.contains(&doc.id.as_str()).then_some(doc)
        })
        .map_err(|e| e.to_string())?;
        let mut found: Vec<Document> = items.into_iter().filter_map(|i| i.value).collect();
        let mut take = |id: &str| {
            let k = found.iter().position(|d| d.id == id).ok_or_else(|| {
                format!("{corpus}: no document with id {id:?} (ids come from --id-field or are file:line)")
            })?;
            Ok::<_, String>(found.swap_remove(k))
        };
        let a = take(id_a)?;
        let b = if id_a == id_b { a.clone() } else { take(id_b)? };
        (a, b)
    } else {
        let doc = |path: &String| -> Result<Document, String> {
            Ok(Document {
                id: path.clone(),
                text: read_text(path)?,
                ..Document::default()
            })
        };
        (doc(&args.args[0])?, doc(&args.args[1])?)
    };
    let cmp = comparer.compare(&a.text, &b.text);
    let side = |d: &Document| Side {
        name: d
            .title
            .clone()
            .map_or(d.id.clone(), |t| format!("{} — {t}", d.id)),
        source: d.source.clone(),
        date: d.date.clone(),
        text: "",
    };
    let (mut sa, mut sb) = (side(&a), side(&b));
    (sa.text, sb.text) = (&a.text, &b.text);
    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let format = args.format.unwrap_or(if to_terminal {
        DiffFormat::Text
    } else {
        DiffFormat::Unified
    });
    let colors = Colors(match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    });
    let width = args.width.unwrap_or_else(|| {
        terminal_size::terminal_size()
            .filter(|_| to_terminal)
            .map_or(120, |(w, _)| w.0 as usize)
    });
    with_output(args.output.as_deref(), |w| match format {
        DiffFormat::Text => view::columns(w, &sa, &sb, &cmp, width, colors),
        DiffFormat::Unified => view::unified(w, &sa, &sb, &cmp, colors),
        DiffFormat::Json => view::json(w, &sa, &sb, &cmp),
        DiffFormat::Html => {
            let title = format!("naql diff: {} ↔ {}", sa.name, sb.name);
            view::html(
                w,
                &title,
                &[Section {
                    heading: None,
                    a: sa.clone(),
                    b: sb.clone(),
                    cmp: &cmp,
                }],
            )
        }
    })
}

fn report_html(args: ReportArgs) -> Result<(), String> {
    if args.story.is_some() {
        return Err("--story needs --level story (for copy clusters: --cluster)".into());
    }
    let engine = Engine::new(args.run.config()?);
    let comparer = Comparer::new(
        engine.config.clone(),
        args.align.options(&engine.config.normalize)?,
    );
    let read = args.run.read_options();
    let (items, report) = naql::corpus::read_with(&args.run.inputs, &read, |doc| {
        let keep = (
            doc.text.clone(),
            doc.source.clone(),
            doc.date.clone(),
            doc.title.clone(),
        );
        (engine.prepare(doc), keep)
    })
    .map_err(|e| e.to_string())?;
    let mut texts = std::collections::HashMap::new();
    let items = items
        .into_iter()
        .map(|i| {
            let (prepared, keep) = i.value;
            texts.insert(i.id.clone(), keep);
            naql::corpus::Item {
                id: i.id,
                origin: i.origin,
                value: prepared,
            }
        })
        .collect();
    let out = engine.run(items, report.skipped);
    let clusters: Vec<_> = match args.cluster {
        Some(id) => {
            let c: Vec<_> = out.clusters.iter().filter(|c| c.id == id).collect();
            if c.is_empty() {
                return Err(format!(
                    "no cluster {id}: `naql cluster` found {} clusters (numbered from 1)",
                    out.clusters.len()
                ));
            }
            c
        }
        None => out.clusters.iter().collect(),
    };
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
    let mut pairs = Vec::new();
    for c in &clusters {
        for m in c.members.iter().filter(|m| m.doc != c.representative) {
            pairs.push((c.id, c.members.len(), c.representative, m.doc));
        }
    }
    let comparisons: Vec<_> = pairs
        .par_iter()
        .map(|&(_, _, rep, doc)| {
            comparer.compare(
                texts[&out.docs[rep].info.id].0.as_str(),
                texts[&out.docs[doc].info.id].0.as_str(),
            )
        })
        .collect();
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
        "naql report: {} clusters, {} aligned pairs",
        clusters.len(),
        sections.len()
    );
    with_output(args.run.output.as_deref(), |w| {
        view::html(w, &title, &sections)
    })?;
    if !args.run.quiet {
        eprintln!("naql: {title}; {}", report::summary_line(&out));
    }
    report_skipped(&args.run, &out.skipped_records);
    Ok(())
}

/// `naql report --level story`: the stories exactly as `naql cluster --level story` finds them
/// (same engine, same numbers), read in one pass that also keeps each text for the diffs.
fn report_stories(args: ReportArgs) -> Result<u8, String> {
    if args.cluster.is_some() {
        return Err("--cluster is for --level copy; with --level story use --story".into());
    }
    let mut engine = args
        .run
        .story_engine(&args.grouping, args.align.align_idf.as_deref())?;
    let comparer = Comparer::new(
        engine.copy.config.clone(),
        args.align.options(&engine.copy.config.normalize)?,
    );
    let read = args.run.read_options();
    let (items, report) = naql::corpus::read_with(&args.run.inputs, &read, |doc| {
        let (prepared, sdoc) = engine.prepare(doc);
        let text = sdoc.text.clone();
        ((prepared, sdoc), text)
    })
    .map_err(|e| e.to_string())?;
    let mut texts = Vec::with_capacity(items.len());
    let items = items
        .into_iter()
        .map(|i| {
            let (value, text) = i.value;
            texts.push(text);
            naql::corpus::Item {
                id: i.id,
                origin: i.origin,
                value,
            }
        })
        .collect();
    let mut out = engine.run(items, report.skipped);
    out.copy.stats.ignored_files = report.ignored_files.len();
    let chosen = match story::select(&out, args.story) {
        Ok(s) => s,
        // A number that names no story is a usage error, as clap's are.
        Err(e) => {
            eprintln!("naql: error: {e}");
            return Ok(2);
        }
    };
    let aligned = story::align(&out, &chosen, &texts, args.max_diffs, |a, b| {
        comparer.compare(a, b)
    });
    with_output(args.run.output.as_deref(), |w| {
        story_report::html(w, &out, &chosen, &aligned, &texts)
    })?;
    if !args.run.quiet {
        let n = chosen.len();
        eprintln!(
            "naql: report of {n} {}; {}",
            if n == 1 { "story" } else { "stories" },
            stories::summary_line(&out)
        );
    }
    report_skipped(&args.run, &out.copy.skipped_records);
    std::mem::forget(out);
    Ok(0)
}

fn print_timings(args: &RunArgs, out: &naql::copy::Outcome) {
    if args.timings {
        for (stage, secs) in &out.timings {
            eprintln!("naql: {stage:<18} {secs:>8.3} s");
        }
    }
}

fn print_story_timings(args: &RunArgs, out: &StoryOutcome) {
    if args.timings {
        for (stage, secs) in &out.timings {
            eprintln!("naql: {stage:<18} {secs:>8.3} s");
        }
    }
}

fn report_skipped(args: &RunArgs, skipped: &[naql::corpus::BadRecord]) {
    if args.quiet || skipped.is_empty() {
        return;
    }
    eprintln!("naql: skipped {} bad records:", skipped.len());
    for b in skipped.iter().take(20) {
        eprintln!("  {b}");
    }
    if skipped.len() > 20 {
        eprintln!(
            "  … and {} more (all are listed in --format json)",
            skipped.len() - 20
        );
    }
}

fn read_text(file: &str) -> Result<String, String> {
    let mut bytes = Vec::new();
    if file == "-" {
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("stdin: {e}"))?;
    } else {
        bytes = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
        format!("{file}:{line}: invalid UTF-8 at byte {at}")
    })
}

/// Parses the command line, runs it and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("naql: error: {e}");
            ExitCode::from(1)
        }
    }
}
