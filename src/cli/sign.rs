//! `naql sign`: MinHash signatures as JSONL, one document a line.

use naql::copy::Engine;
use naql::render::clusters as report;

use clap::Args;

use super::args::{Inputs, LshArgs, SignArgs};
use super::exit::{Failure, Outcome};
use super::output::with_output;
use super::progress::{report_skipped, report_spill};

/// Only the flags that change a signature: no threshold, LSH tuning or verification.
#[derive(Args)]
pub struct SignCmdArgs {
    #[command(flatten)]
    io: Inputs,
    #[command(flatten)]
    sign: SignArgs,
}

pub fn run(args: SignCmdArgs) -> Result<Outcome, Failure> {
    let threshold = naql::copy::Config::default().threshold;
    let config = args
        .sign
        .config(threshold, naql::copy::Verify::Exact, &LshArgs::default())?;
    let engine = args.io.spilling(Engine::new(config));
    let read = args.io.read_options();
    let (docs, skipped) = engine.sign_inputs(&args.io.inputs, &read)?;
    with_output(args.io.output.as_deref(), |w| {
        report::write_signatures(w, &docs, &engine.config)
    })?;
    report_skipped(&args.io, &skipped);
    report_spill(&args.io, &engine.spill_report());
    Ok(Outcome::Done)
}
