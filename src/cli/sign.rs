//! `naql sign`: MinHash signatures as JSONL, one document a line.

use naql::copy::Engine;
use naql::render::clusters as report;

use super::args::RunArgs;
use super::output::with_output;
use super::progress::report_skipped;

pub fn run(args: RunArgs) -> Result<u8, String> {
    let engine = Engine::new(args.config()?);
    let read = args.read_options();
    let (docs, skipped) = engine
        .sign_inputs(&args.inputs, &read)
        .map_err(|e| e.to_string())?;
    with_output(args.output.as_deref(), |w| {
        report::write_signatures(w, &docs, &engine.config)
    })?;
    report_skipped(&args, &skipped);
    Ok(0)
}
