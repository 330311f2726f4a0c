//! The flag groups several subcommands share, and the one step from each to the library's
//! parameters: copy [`Config`], [`StoryEngine`], diff [`Options`](naql::diff::Options) and
//! [`ReadOptions`]. The limits are the library's: every config goes through its `validate()`,
//! with the error worded as a flag ([`flag_error`]).

use clap::Args;

use naql::copy::{Config, Shingling, Signer, Verify};
use naql::corpus::{FieldMap, ReadOptions};
use naql::story::{Idf, StoryConfig, StoryEngine};
use naql::text::NormalizeOptions;

use super::exit::Failure;
use super::progress;

/// The inputs and output flags of every command that reads a corpus and signs it (`cluster`,
/// `pairs`, `sign`, `report`).
#[derive(Args)]
pub struct Inputs {
    /// JSONL (.jsonl, .jsonl.gz), directories of .txt, .txt files, or - (JSONL on stdin).
    #[arg(required = true)]
    pub inputs: Vec<String>,
    #[command(flatten)]
    pub fields: FieldArgs,
    /// Set bad records aside (reported with file, line and reason) instead of stopping.
    #[arg(long)]
    pub skip_bad: bool,
    /// Write the output here (a regular file is replaced atomically: written beside it, then
    /// renamed into place; devices and pipes are written in place).
    #[arg(short, long)]
    pub output: Option<std::path::PathBuf>,
    /// No progress bar, no summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// Exit 1 when the inputs hold no document at all (an empty directory, only non-.txt
    /// files), instead of only warning: for cron jobs that must notice a feed gone dry.
    #[arg(long)]
    pub fail_on_empty: bool,
    /// Keep at most this many MiB of word hashes in memory (8 bytes a word, most of what a
    /// run holds); later documents' go to an unnamed temporary file in TMPDIR (put it on a
    /// disk, not tmpfs) and are read back only for candidates. Same results; about 1.2 KB of
    /// memory a document instead of 4 KB. 0 keeps none in memory.
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    pub spill_after: usize,
}

/// The flags of every command that clusters (`cluster`, `pairs`, `report`): the inputs, the
/// signatures, LSH and verification. `sign` takes only [`Inputs`] and [`SignArgs`].
#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub io: Inputs,
    /// Jaccard similarity at which two reports count as copies (default 0.8); with --level
    /// story, the cosine at which they tell the same story (default 0.2; 0.39 with an --idf
    /// table that holds LSA vectors).
    #[arg(long)]
    pub threshold: Option<f64>,
    #[command(flatten)]
    pub sign: SignArgs,
    #[command(flatten)]
    pub lsh: LshArgs,
    /// How candidates are verified.
    #[arg(long, value_enum, default_value_t = VerifyArg::Exact)]
    pub verify: VerifyArg,
}

impl std::ops::Deref for RunArgs {
    type Target = Inputs;
    fn deref(&self) -> &Inputs {
        &self.io
    }
}

/// `--timings` (`cluster` and `pairs`, whose engines time their stages).
#[derive(Args)]
pub struct TimingsArg {
    /// Print the wall time of each stage on stderr.
    #[arg(long)]
    pub timings: bool,
}

/// The LSH tuning flags of the commands that look for candidates (not `sign`).
#[derive(Args)]
pub struct LshArgs {
    /// LSH tuning: weight of false candidates (they only cost verification time).
    #[arg(long, default_value_t = Config::default().false_positive_weight)]
    fp_weight: f64,
    /// LSH tuning: weight of missed pairs.
    #[arg(long, default_value_t = Config::default().false_negative_weight)]
    fn_weight: f64,
}

impl Default for LshArgs {
    fn default() -> Self {
        LshArgs {
            fp_weight: Config::default().false_positive_weight,
            fn_weight: Config::default().false_negative_weight,
        }
    }
}

/// The flags that decide signatures (defaults: the library's), defined once for every command
/// that signs (`cluster`, `pairs`, `sign`, `report`, `index create`) so they cannot drift
/// apart. LSH tuning is [`LshArgs`]; `--verify` is in [`RunArgs`] (`index create` always
/// verifies exactly: its `--history` decides what is kept for that).
#[derive(Args)]
pub struct SignArgs {
    /// Words per shingle (3 finds rewritten wire copies that 5 misses; see BENCHMARKS.md).
    #[arg(long, default_value_t = 3)]
    ngram: usize,
    /// Use character shingles of this length instead of words (for headlines and short texts).
    #[arg(long)]
    char_ngram: Option<usize>,
    /// MinHash values per signature.
    #[arg(long, default_value_t = Signer::default().num_perm)]
    num_perm: usize,
    /// Hash seed (signatures from different seeds are not comparable).
    #[arg(long, default_value_t = Signer::default().seed)]
    seed: u64,
    /// A paragraph in this many distinct documents of one source is boilerplate (0: off).
    #[arg(long, default_value_t = Config::default().boilerplate_min_docs)]
    boilerplate_min_docs: usize,
    /// Keep leading datelines («الرياض - واس:») in the shingles.
    #[arg(long)]
    keep_datelines: bool,
    /// Turn a normalization rule off (repeatable): diacritics, tatweel, alef, alef_maqsura,
    /// teh_marbuta, hamza_carriers, tanween_alef, digits, presentation_forms, persian_letters,
    /// invisible, case.
    #[arg(long = "no-fold", value_name = "RULE")]
    no_fold: Vec<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum VerifyArg {
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

/// Which fields of a JSONL record hold what (default: detected).
#[derive(Args)]
pub struct FieldArgs {
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
    /// Longest JSON line (or Parquet row, its fields' bytes) read as a record, in bytes
    /// (default 67108864 = 64 MiB); a longer one is a bad record ("line too long"), an
    /// error unless --skip-bad.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_record_bytes: Option<u64>,
}

/// copy or story level (`cluster`, `pairs`, `report`).
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Level {
    /// Copies: shared word shingles (Jaccard).
    Copy,
    /// Stories: shared content words (TF-IDF cosine), copies nested inside.
    Story,
}

/// The level and story flags of `cluster` and `pairs`.
#[derive(Args)]
pub struct StoryArgs {
    /// copy: reports that copy one another; story: reports of the same story (see README).
    #[arg(long, value_enum, default_value_t = Level::Copy)]
    pub level: Level,
    #[command(flatten)]
    pub grouping: StoryGrouping,
    /// Story level: document frequencies from this table (`naql idf`) instead of the input;
    /// for batches too small to estimate them.
    #[arg(long, value_name = "FILE")]
    pub idf: Option<String>,
}

/// How stories are delimited (shared by `cluster`, `pairs` and `report`).
#[derive(Args)]
pub struct StoryGrouping {
    /// Story level: candidate pairs are at most this far apart, and a story spans at most
    /// this much (articles with dates; undated ones pair with any date): 3d, 12h, 1w; a bare
    /// number is days.
    #[arg(long, default_value = "3d", value_parser = super::duration::days, value_name = "DURATION")]
    window: f64,
    /// Story level: no date window.
    #[arg(long)]
    no_window: bool,
    /// Story level: average similarity two groups need to merge (default: the threshold;
    /// 0: single linkage, which lets chains of similar articles join unrelated stories).
    #[arg(long)]
    linkage: Option<f64>,
}

/// The sentence alignment flags of `diff` and `report`.
#[derive(Args)]
pub struct AlignArgs {
    /// Weighted stem overlap at which two sentences count as the same sentence (0–1).
    #[arg(long, default_value_t = naql::diff::Options::default().min_score)]
    min_score: f64,
    /// Weigh words by this IDF table too (from `naql idf`), so words all news uses count less.
    /// With `report --level story`, also the story level's document frequencies, as
    /// `cluster --level story --idf` uses them (so the stories and their numbers agree).
    #[arg(long = "idf", value_name = "FILE")]
    pub align_idf: Option<String>,
}

/// A library [`naql::ConfigError`] in the words of the command line: its parameter as a flag.
pub fn flag_error(e: naql::ConfigError) -> String {
    format!("--{} {}", e.param.replace('_', "-"), e.constraint)
}

/// Validation by the library, errors worded as flags (by `From<ConfigError> for Failure`).
pub trait Validated: Sized {
    fn validated(self) -> Result<Self, Failure>;
}

impl Validated for Config {
    fn validated(self) -> Result<Self, Failure> {
        self.validate()?;
        Ok(self)
    }
}

/// The normalization with the `--no-fold` rules turned off.
pub fn normalize_options(no_fold: &[String]) -> Result<NormalizeOptions, Failure> {
    let mut o = NormalizeOptions::default();
    for rule in no_fold {
        if !o.set(rule, false) {
            return Err(Failure::error(format!(
                "unknown normalization rule {rule:?}; rules: {}",
                NormalizeOptions::RULES.join(", ")
            )));
        }
    }
    Ok(o)
}

impl SignArgs {
    /// The copy-level [`Config`] at `threshold`: the one place where the flags are checked and
    /// turned into library parameters.
    pub fn config(&self, threshold: f64, verify: Verify, lsh: &LshArgs) -> Result<Config, Failure> {
        Config {
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
            false_positive_weight: lsh.fp_weight,
            false_negative_weight: lsh.fn_weight,
            verify,
            boilerplate_min_docs: self.boilerplate_min_docs,
            datelines: !self.keep_datelines,
        }
        .validated()
    }
}

impl FieldArgs {
    /// How to read the inputs, without a progress bar.
    pub fn read_options(&self, skip_bad: bool) -> ReadOptions {
        ReadOptions {
            fields: FieldMap {
                id: self.id_field.clone(),
                text: self.text_field.clone(),
                source: self.source_field.clone(),
                date: self.date_field.clone(),
                title: self.title_field.clone(),
            },
            skip_bad,
            progress: None,
            max_record_bytes: self
                .max_record_bytes
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
        }
    }
}

impl Inputs {
    /// `engine` with the memory budget of `--spill-after`.
    pub fn spilling(&self, engine: naql::copy::Engine) -> naql::copy::Engine {
        engine.spill_after(self.spill_after.saturating_mul(1 << 20), None)
    }

    /// How to read the inputs: with a progress bar on a terminal, unless `--quiet`.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            progress: progress::bar(&self.inputs, self.quiet),
            ..self.fields.read_options(self.skip_bad)
        }
    }
}

impl RunArgs {
    /// The copy-level [`Config`]; `--threshold` defaults to the library's (the story level
    /// reads it itself).
    pub fn config(&self) -> Result<Config, Failure> {
        let threshold = self.threshold.unwrap_or(Config::default().threshold);
        self.sign.config(threshold, self.verify.into(), &self.lsh)
    }

    /// The engines of `--level story`: copy level with the copy flags (at the library's copy
    /// threshold), story level with `--threshold` as its cosine.
    pub fn story_engine(
        &self,
        story: &StoryGrouping,
        idf: Option<&str>,
    ) -> Result<StoryEngine, Failure> {
        let copy = self
            .sign
            .config(Config::default().threshold, self.verify.into(), &self.lsh)?;
        let mut cfg = StoryConfig {
            normalize: copy.normalize,
            ..StoryConfig::default()
        };
        let idf = match idf {
            Some(path) => Some(Idf::load(path, cfg.normalize)?),
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
        cfg.validate()?;
        Ok(StoryEngine::new(copy, cfg, idf))
    }
}

impl AlignArgs {
    /// The diff [`Options`](naql::diff::Options), with the `--idf` table as background.
    pub fn options(&self, normalize: &NormalizeOptions) -> Result<naql::diff::Options, Failure> {
        let background = match &self.align_idf {
            Some(path) => Some(Idf::load(path, *normalize)?),
            None => None,
        };
        let options = naql::diff::Options {
            min_score: self.min_score,
            background,
            ..Default::default()
        };
        options.validate()?;
        Ok(options)
    }
}

/// The output format of `diff` and `report`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ViewFormat {
    /// Two columns side by side (`diff`'s default on a terminal).
    Text,
    /// Git-style word diff, `[-removed-]{+added+}` (`diff`'s default when piped).
    Unified,
    /// JSON, spans in character offsets (schema: naql-diff-v2); `report`: one pair a line.
    Json,
    /// One self-contained HTML page (`report`'s default).
    Html,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// How `diff` and `report` show their alignments.
#[derive(Args)]
pub struct ViewArgs {
    /// Output format (diff: text on a terminal, unified otherwise; report: html).
    #[arg(long, value_enum)]
    pub format: Option<ViewFormat>,
    /// Colors in text and unified output; `auto` means on a terminal and NO_COLOR unset.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Width of the side-by-side view in columns (default: the terminal's, else 120).
    #[arg(long)]
    width: Option<usize>,
}

impl ViewArgs {
    /// The view, `default` unless `--format` says otherwise; `to_terminal` when stdout is one
    /// and no `-o` was given.
    pub fn view(&self, default: ViewFormat, to_terminal: bool) -> naql::render::diff::View {
        use naql::render::diff::View;
        match self.format.unwrap_or(default) {
            ViewFormat::Text => View::Columns {
                width: self.width.unwrap_or_else(|| {
                    terminal_size::terminal_size()
                        .filter(|_| to_terminal)
                        .map_or(120, |(w, _)| w.0 as usize)
                }),
            },
            ViewFormat::Unified => View::Unified,
            ViewFormat::Json => View::Jsonl,
            ViewFormat::Html => View::Html,
        }
    }

    /// Whether to colour the terminal views.
    pub fn colors(&self, to_terminal: bool) -> naql::render::diff::Colors {
        naql::render::diff::Colors(match self.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        })
    }
}
