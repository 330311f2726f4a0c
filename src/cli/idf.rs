//! `naql idf`: the document frequencies of a corpus (and optionally LSA vectors) as a table
//! for `--level story --idf`.

use std::path::PathBuf;

use clap::Args;

use naql::story::{IdfTable, StoryConfig, StoryModel};

use super::args::FieldArgs;
use super::exit::{Failure, Outcome};
use super::output::with_output;

#[derive(Args)]
pub struct IdfArgs {
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
    /// No notice and no summary on stderr (warnings still go there).
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(args: IdfArgs) -> Result<Outcome, Failure> {
    let read = args.fields.read_options(args.skip_bad);
    let (docs, report) = naql::corpus::read_all(&args.inputs, &read)?;
    let model = StoryModel::new(StoryConfig::default());
    let texts: Vec<(Option<String>, String)> =
        docs.into_iter().map(|(d, _)| (d.title, d.text)).collect();
    naql::story::lsa::Lsa::validate_dims(args.dims)?;
    if args.dims > 0 && !args.quiet {
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
    if !args.quiet {
        summary(&table, texts.len(), report.skipped.total());
    }
    Ok(Outcome::Done)
}

fn summary(table: &IdfTable, read: usize, skipped: usize) {
    eprintln!(
        "naql: IDF table of {} distinct articles ({} read, {} bad records set aside), {} terms{}",
        table.documents,
        read,
        skipped,
        table.df.len(),
        table.lsa.as_ref().map_or(String::new(), |l| format!(
            ", LSA vectors ({} dimensions) for {} of them",
            l.dims,
            l.scales.len()
        ))
    );
}
