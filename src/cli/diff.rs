//! `naql diff`: two versions of a story aligned sentence by sentence, from two text files or
//! two ids in a corpus.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

use clap::Args;

use naql::copy::{Config, Shingling, Signer};
use naql::corpus::Document;
use naql::diff::{Comparer, Comparison};
use naql::render::diff::{self as view, Colors, Section, Side};

use super::args::{AlignArgs, FieldArgs, Validated, normalize_options};
use super::exit::{Failure, Outcome};
use super::output::{read_text, with_output};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    /// Two columns side by side (the default on a terminal).
    Text,
    /// Git-style word diff, `[-removed-]{+added+}` (the default when piped).
    Unified,
    /// One JSON document, spans in character offsets (schema: naql-diff-v2).
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
pub struct DiffArgs {
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

pub fn run(args: DiffArgs) -> Result<Outcome, Failure> {
    let comparer = comparer(&args)?;
    let (a, b) = match &args.args[..] {
        [corpus, id_a, id_b] => from_corpus(&args, corpus, id_a, id_b)?,
        [first, second] if looks_like_corpus(first) && !Path::new(second).exists() => {
            return Err(Failure::usage(format!(
                "{first} is a corpus and {second} is not a file: a corpus takes two ids, \
                 `naql diff {first} {second} OTHER_ID` (or give two text files)"
            )));
        }
        _ => (from_file(&args.args[0])?, from_file(&args.args[1])?),
    };
    let cmp = comparer.compare(&a.text, &b.text);
    render(&args, &a, &b, &cmp)?;
    Ok(Outcome::Done)
}

/// Whether `path` is read as a corpus (JSONL, gzip, a directory) rather than one text.
fn looks_like_corpus(path: &str) -> bool {
    path.ends_with(".jsonl") || path.ends_with(".gz") || Path::new(path).is_dir()
}

/// The comparer: the copy config for the summary's Jaccard, the alignment options.
fn comparer(args: &DiffArgs) -> Result<Comparer, Failure> {
    let config = Config {
        normalize: normalize_options(&args.no_fold)?,
        signer: Signer {
            shingling: Shingling::Words(args.ngram),
            ..Signer::default()
        },
        ..Config::default()
    }
    .validated()?;
    let options = args.align.options(&config.normalize)?;
    Ok(Comparer::new(config, options))
}

/// The two documents with ids `id_a` and `id_b` in `corpus`, read in one pass.
fn from_corpus(
    args: &DiffArgs,
    corpus: &String,
    id_a: &str,
    id_b: &str,
) -> Result<(Document, Document), Failure> {
    let read = args.fields.read_options(false);
    let wanted = [id_a, id_b];
    let (items, _) = naql::corpus::read_with(std::slice::from_ref(corpus), &read, |doc| {
        wanted.contains(&doc.id.as_str()).then_some(doc)
    })?;
    let mut found: Vec<Document> = items.into_iter().filter_map(|i| i.value).collect();
    let mut take = |id: &str| {
        let k = found.iter().position(|d| d.id == id).ok_or_else(|| {
            format!(
                "{corpus}: no document with id {id:?} (ids come from --id-field or are file:line)"
            )
        })?;
        Ok::<_, Failure>(found.swap_remove(k))
    };
    let a = take(id_a)?;
    let b = if id_a == id_b { a.clone() } else { take(id_b)? };
    Ok((a, b))
}

/// A text file as a document named by its path.
fn from_file(path: &str) -> Result<Document, Failure> {
    Ok(Document {
        id: path.to_owned(),
        text: read_text(path)?,
        ..Document::default()
    })
}

/// A document as one side of the diff: named by id and title.
fn side(d: &Document) -> Side<'_> {
    Side {
        name: d
            .title
            .clone()
            .map_or(d.id.clone(), |t| format!("{} — {t}", d.id)),
        source: d.source.clone(),
        date: d.date.clone(),
        text: &d.text,
    }
}

fn render(args: &DiffArgs, a: &Document, b: &Document, cmp: &Comparison) -> Result<(), Failure> {
    let (sa, sb) = (side(a), side(b));
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
        DiffFormat::Text => view::columns(w, &sa, &sb, cmp, width, colors),
        DiffFormat::Unified => view::unified(w, &sa, &sb, cmp, colors),
        DiffFormat::Json => view::json(w, &sa, &sb, cmp),
        DiffFormat::Html => {
            let title = format!("naql diff: {} ↔ {}", sa.name, sb.name);
            view::html(
                w,
                &title,
                &[Section {
                    heading: None,
                    a: sa.clone(),
                    b: sb.clone(),
                    cmp,
                }],
            )
        }
    })
}
