//! `naql normalize`: the normalized text of a file, or its tokens with their spans.

use std::io::{self, Write};

use clap::Args;

use naql::text::Normalizer;

use super::args::normalize_options;
use super::exit::{Failure, Outcome};
use super::output::{read_text, with_output};

#[derive(Args)]
pub struct NormalizeArgs {
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

pub fn run(args: NormalizeArgs) -> Result<Outcome, Failure> {
    let normalizer = Normalizer::new(normalize_options(&args.no_fold)?);
    let text = read_text(&args.file)?;
    with_output(None, |w| {
        if args.tokens {
            tokens(w, &normalizer, &text)
        } else {
            let n = normalizer.normalize(&text);
            w.write_all(n.as_bytes())?;
            if !n.ends_with('\n') {
                writeln!(w)?;
            }
            Ok(())
        }
    })?;
    Ok(Outcome::Done)
}

/// `start end normalized original`, one token a line.
fn tokens(w: &mut dyn Write, normalizer: &Normalizer, text: &str) -> io::Result<()> {
    for t in normalizer.tokens(text) {
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
}
