//! `naql cluster`: copy clusters, or with `--level story` stories with copies nested inside.

use clap::Args;

use naql::copy::Engine;
use naql::render::clusters::{self as report, Format, Params};
use naql::render::stories;

use super::args::{Level, RunArgs, StoryArgs, TimingsArg};
use super::exit::{Failure, Outcome};
use super::output::with_output;
use super::progress::{
    check_empty, copy_engine, done, print_timings, report_skipped, report_spill,
    report_unread_dates, spinner, stage, story_engine,
};

#[derive(Args)]
pub struct ClusterArgs {
    #[command(flatten)]
    run: RunArgs,
    #[command(flatten)]
    timings: TimingsArg,
    /// Output format (story level: text, json or jsonl; the HTML page is `naql report`).
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
    #[command(flatten)]
    story: StoryArgs,
}

/// `--format`: the command line's names for [`Format`].
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FormatArg {
    Text,
    Json,
    Jsonl,
    Csv,
    /// One row per document (id, cluster, representative, jaccard, containment), as the Spark job.
    #[cfg(feature = "parquet")]
    Parquet,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Csv => Format::Csv,
            #[cfg(feature = "parquet")]
            FormatArg::Parquet => unreachable!("Parquet is written by naql::render::parquet"),
        }
    }
}

pub fn run(args: ClusterArgs) -> Result<Outcome, Failure> {
    match args.story.level {
        Level::Copy => copies(args)?,
        Level::Story => stories(args)?,
    }
    Ok(Outcome::Done)
}

fn copies(args: ClusterArgs) -> Result<(), Failure> {
    #[cfg(feature = "parquet")]
    if args.format == FormatArg::Parquet
        && args.run.output.is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        return Err("--format parquet is binary: write it with -o FILE or redirect stdout".into());
    }
    let spin = spinner(args.run.quiet);
    let engine = args.run.spilling(Engine::new(args.run.config()?));
    let engine = copy_engine(engine, &spin);
    let read = args.run.read_options();
    let out = engine.run_inputs(&args.run.inputs, &read)?;
    let params = Params::new(&engine.config, out.lsh);
    stage(&spin, "render", out.clusters.len(), "clusters");
    with_output(args.run.output.as_deref(), |w| match args.format {
        #[cfg(feature = "parquet")]
        FormatArg::Parquet => naql::render::parquet::write_documents(w, &out, &params),
        format => report::write_clusters(w, &out, &params, format.into()),
    })?;
    done(&spin);
    report_skipped(&args.run, &out.skipped_records);
    report_unread_dates(args.run.quiet, &out.unread_dates);
    report_spill(&args.run, &out.spill);
    check_empty(&args.run, &out.stats)?;
    print_timings(args.timings.timings, &out.timings);
    if summary_on_stderr(&args) {
        eprintln!("naql: {}", report::summary_line(&out));
    }
    // Freeing a large corpus piece by piece takes longer than the OS needs to drop it.
    std::mem::forget(out);
    Ok(())
}

fn stories(args: ClusterArgs) -> Result<(), Failure> {
    if args.format == FormatArg::Csv {
        return Err("--format csv is not available with --level story (use json or jsonl)".into());
    }
    #[cfg(feature = "parquet")]
    if args.format == FormatArg::Parquet {
        return Err(
            "--format parquet is not available with --level story (use json or jsonl)".into(),
        );
    }
    let spin = spinner(args.run.quiet);
    let engine = args
        .run
        .story_engine(&args.story.grouping, args.story.idf.as_deref())?;
    let mut engine = story_engine(engine, &spin);
    let read = args.run.read_options();
    let out = engine.run_inputs(&args.run.inputs, &read)?;
    stage(&spin, "render", out.stories.len(), "stories");
    with_output(args.run.output.as_deref(), |w| {
        stories::write_stories(
            w,
            &out,
            &engine.model.config,
            engine.idf_source(),
            args.format.into(),
        )
    })?;
    done(&spin);
    report_skipped(&args.run, &out.copy.skipped_records);
    report_unread_dates(args.run.quiet, &out.copy.unread_dates);
    check_empty(&args.run, &out.copy.stats)?;
    print_timings(args.timings.timings, &out.timings);
    if summary_on_stderr(&args) {
        eprintln!("naql: {}", stories::summary_line(&out));
    }
    std::mem::forget(out);
    Ok(())
}

/// The text format ends with the summary on stdout; the others say it on stderr.
fn summary_on_stderr(args: &ClusterArgs) -> bool {
    !args.run.quiet && (args.format != FormatArg::Text || args.run.output.is_some())
}
