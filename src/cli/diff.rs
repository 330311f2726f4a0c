//! `naql diff`: two versions of a story aligned sentence by sentence, from two text files or
//! two ids in a corpus.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

use clap::Args;

use naql::copy::{Config, Shingling, Signer};
use naql::corpus::Document;
use naql::diff::{Comparer, Comparison};
use naql::render::diff::{self as view, Section, Side, View};

use super::args::{AlignArgs, FieldArgs, Validated, ViewArgs, ViewFormat, normalize_options};
use super::exit::{Failure, Outcome};
use super::output::{read_text, with_output};

#[derive(Args)]
pub struct DiffArgs {
    /// Two text files, or a corpus (JSONL, .jsonl.gz, directory of .txt) and two ids in it.
    #[arg(required = true, num_args = 2..=3, value_names = ["A|CORPUS", "B|ID_A", "ID_B"])]
    args: Vec<String>,
    #[command(flatten)]
    view: ViewArgs,
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
    let default = if to_terminal {
        ViewFormat::Text
    } else {
        ViewFormat::Unified
    };
    let colors = args.view.colors(to_terminal);
    with_output(args.output.as_deref(), |w| {
        match args.view.view(default, to_terminal) {
            View::Columns { width } => view::columns(w, &sa, &sb, cmp, width, colors),
            View::Unified => view::unified(w, &sa, &sb, cmp, colors),
            View::Jsonl => view::json(w, &sa, &sb, cmp),
            View::Html => {
                let title = format!("naql diff: {} ↔ {}", sa.name, sb.name);
                let section = Section {
                    heading: None,
                    a: sa.clone(),
                    b: sb.clone(),
                    cmp,
                };
                view::html(w, &title, &[section])
            }
        }
    })
}
