//! `naql pairs`: every verified pair as JSONL, copy or story level.

use clap::Args;

use naql::copy::Engine;
use naql::render::clusters as report;
use naql::render::stories;

use super::args::{Level, RunArgs, StoryArgs, TimingsArg};
use super::exit::{Failure, Outcome};
use super::output::with_output;
use super::progress::{
    check_empty, copy_engine, done, print_timings, report_skipped, report_spill,
    report_unread_dates, spinner, stage, story_engine,
};

#[derive(Args)]
pub struct PairsArgs {
    #[command(flatten)]
    run: RunArgs,
    #[command(flatten)]
    timings: TimingsArg,
    #[command(flatten)]
    story: StoryArgs,
}

pub fn run(args: PairsArgs) -> Result<Outcome, Failure> {
    match args.story.level {
        Level::Copy => copies(args.run, args.timings.timings)?,
        Level::Story => stories(args.run, args.story, args.timings.timings)?,
    }
    Ok(Outcome::Done)
}

fn copies(args: RunArgs, timings: bool) -> Result<(), Failure> {
    let spin = spinner(args.quiet);
    let engine = args.spilling(Engine::new(args.config()?).all_pairs());
    let engine = copy_engine(engine, &spin);
    let read = args.read_options();
    let out = engine.run_inputs(&args.inputs, &read)?;
    let pairs = out.all_pairs();
    stage(&spin, "render", pairs.len(), "pairs");
    with_output(args.output.as_deref(), |w| {
        report::write_pairs(w, &out, &pairs)
    })?;
    done(&spin);
    report_skipped(&args, &out.skipped_records);
    report_unread_dates(args.quiet, &out.unread_dates);
    report_spill(&args, &out.spill);
    check_empty(&args, &out.stats)?;
    print_timings(timings, &out.timings);
    if !args.quiet {
        eprintln!(
            "naql: {}; {}",
            pairs_line(&out, pairs.len()),
            report::summary_line(&out)
        );
    }
    Ok(())
}

fn stories(args: RunArgs, story: StoryArgs, timings: bool) -> Result<(), Failure> {
    let spin = spinner(args.quiet);
    let engine = args.story_engine(&story.grouping, story.idf.as_deref())?;
    let mut engine = story_engine(engine, &spin);
    let read = args.read_options();
    let out = engine.run_inputs(&args.inputs, &read)?;
    stage(&spin, "render", out.pairs.len(), "story pairs");
    with_output(args.output.as_deref(), |w| stories::write_pairs(w, &out))?;
    done(&spin);
    report_skipped(&args, &out.copy.skipped_records);
    report_unread_dates(args.quiet, &out.copy.unread_dates);
    check_empty(&args, &out.copy.stats)?;
    print_timings(timings, &out.timings);
    if !args.quiet {
        eprintln!(
            "naql: {} verified story pairs; {}",
            out.pairs.len(),
            stories::summary_line(&out)
        );
    }
    std::mem::forget(out);
    Ok(())
}

/// What the count of pairs holds, in the words `naql cluster` uses for its own count
/// ("verified between distinct texts"): every pair of documents, exact duplicates included.
fn pairs_line(out: &naql::copy::Outcome, pairs: usize) -> String {
    format!(
        "{} (exact duplicates included; {} verified between distinct texts, as naql cluster \
         counts them)",
        naql::render::count(pairs, "verified pair", "verified pairs"),
        out.stats.verified_pairs
    )
}
