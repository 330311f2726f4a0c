//! `naql sign`: MinHash signatures as JSONL, one document a line.

use naql::copy::Engine;
use naql::render::clusters as report;

use super::args::RunArgs;
use super::exit::{Failure, Outcome};
use super::output::with_output;
use super::progress::report_skipped;

pub fn run(args: RunArgs) -> Result<Outcome, Failure> {
    let engine = Engine::new(args.config()?);
    let read = args.read_options();
    let (docs, skipped) = engine.sign_inputs(&args.inputs, &read)?;
    with_output(args.output.as_deref(), |w| {
        report::write_signatures(w, &docs, &engine.config)
    })?;
    report_skipped(&args, &skipped);
    Ok(Outcome::Done)
}
