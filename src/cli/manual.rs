//! `naql completions SHELL` and `naql man`: generated from the same clap definitions as the
//! parser, so they cannot list a flag the command does not take. Also the long `--version`,
//! which names every versioned algorithm and format a run's output depends on.

use std::path::PathBuf;

use clap::{Args, Command};
use clap_complete::Shell;

use super::exit::{Failure, Outcome};
use super::output::with_output;

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell. Install, e.g. for bash:
    /// `naql completions bash > ~/.local/share/bash-completion/completions/naql`.
    shell: Shell,
}

#[derive(Args)]
pub struct ManArgs {
    /// Write naql.1 and one page per subcommand (naql-cluster.1, …) into this directory
    /// instead of printing naql.1 on stdout.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// The versions behind `naql --version`: what decides whether two runs' outputs compare.
pub fn long_version() -> &'static str {
    let text = format!(
        "{}\n\
         normalize   {}\n\
         signatures  {} ({})\n\
         index       format {}\n\
         idf table   {}\n\
         background  {}\n\
         page chrome {}\n\
         diff json   {}\n\
         reuse json  {}\n\
         collate     {}",
        env!("CARGO_PKG_VERSION"),
        naql::text::NORMALIZATION,
        naql::copy::ALGORITHM,
        "xxh3-64",
        naql::index::FORMAT_VERSION,
        naql::story::IDF_FORMAT,
        naql::story::BACKGROUND_MODEL,
        naql::text::chrome::CHROME_MODEL,
        naql::render::diff::SCHEMA,
        naql::render::reuse::SCHEMA,
        naql::render::collate::SCHEMA,
    );
    // Built once per process, for clap, which keeps `'static` strings.
    Box::leak(text.into_boxed_str())
}

pub fn completions(args: CompletionsArgs, mut cmd: Command) -> Result<Outcome, Failure> {
    with_output(None, |w| {
        clap_complete::generate(args.shell, &mut cmd, "naql", w);
        Ok(())
    })?;
    Ok(Outcome::Done)
}

pub fn man(args: ManArgs, cmd: Command) -> Result<Outcome, Failure> {
    match args.dir {
        Some(dir) => {
            clap_mangen::generate_to(cmd, &dir)
                .map_err(|e| Failure::error(format!("{}: {e}", dir.display())))?;
        }
        None => with_output(None, |w| clap_mangen::Man::new(cmd).render(w))?,
    }
    Ok(Outcome::Done)
}
