//! What a run says on stderr besides its errors: a progress bar while the inputs are read,
//! then the wall time of each stage and the records set aside.

use std::io::{self, IsTerminal};
use std::sync::Arc;

use naql::corpus::{Progress, Skipped, UnreadDates};

use super::args::Inputs;
use super::exit::Failure;

/// The progress bar on stderr while inputs are read (only on a terminal, without `--quiet`).
struct Bar(indicatif::ProgressBar);

impl Bar {
    fn new(total_bytes: u64) -> Bar {
        let bar = indicatif::ProgressBar::new(total_bytes);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {elapsed}")
                .expect("valid template"),
        );
        Bar(bar)
    }
}

impl Progress for Bar {
    fn advance(&self, bytes: u64) {
        self.0.inc(bytes);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// A bar over the size of the input files, when stderr is a terminal and not `quiet`.
pub fn bar(inputs: &[String], quiet: bool) -> Option<Arc<dyn Progress>> {
    (!quiet && io::stderr().is_terminal()).then(|| {
        let total: u64 = inputs
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .filter(|m| m.is_file())
            .map(|m| m.len())
            .sum();
        Arc::new(Bar::new(total)) as Arc<dyn Progress>
    })
}

/// A spinner on stderr naming the stage after reading and what it works through
/// (`verify: 237 candidate pairs`), cargo style; cleared when the run ends.
pub struct Spinner(std::sync::Mutex<Option<indicatif::ProgressBar>>);

impl naql::copy::Stages for Spinner {
    fn start(&self, name: &'static str, count: usize, what: &'static str) {
        let mut bar = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let bar = bar.get_or_insert_with(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}")
                    .expect("valid template"),
            );
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        });
        bar.set_message(format!("{name}: {count} {what}"));
    }

    fn finish(&self) {
        if let Some(bar) = self.0.lock().unwrap_or_else(|e| e.into_inner()).take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Spinner {
    /// A run that fails between stages leaves no spinner line behind.
    fn drop(&mut self) {
        naql::copy::Stages::finish(self);
    }
}

/// The stage spinner, when stderr is a terminal and not `quiet` (else nothing is drawn).
pub fn spinner(quiet: bool) -> Option<Arc<Spinner>> {
    (!quiet && io::stderr().is_terminal()).then(|| Arc::new(Spinner(Default::default())))
}

/// `engine` telling `spinner`, if any, of its stages.
pub fn copy_engine(
    engine: naql::copy::Engine,
    spinner: &Option<Arc<Spinner>>,
) -> naql::copy::Engine {
    match spinner {
        Some(s) => engine.with_stages(s.clone()),
        None => engine,
    }
}

/// `engine` telling `spinner`, if any, of the stages of both levels.
pub fn story_engine(
    engine: naql::story::StoryEngine,
    spinner: &Option<Arc<Spinner>>,
) -> naql::story::StoryEngine {
    match spinner {
        Some(s) => engine.with_stages(s.clone()),
        None => engine,
    }
}

/// Tells `spinner`, if any, that `name` starts (the stages the command line runs itself:
/// align, render, write).
pub fn stage(spinner: &Option<Arc<Spinner>>, name: &'static str, count: usize, what: &'static str) {
    if let Some(s) = spinner {
        naql::copy::Stages::start(&**s, name, count, what);
    }
}

/// Ends the spinner, if any, before the summary is printed.
pub fn done(spinner: &Option<Arc<Spinner>>) {
    if let Some(s) = spinner {
        naql::copy::Stages::finish(&**s);
    }
}

/// `--timings`: one line per stage, as the copy and story engines measured them.
pub fn print_timings(on: bool, timings: &[(&'static str, f64)]) {
    if on {
        for (stage, secs) in timings {
            eprintln!("naql: {stage:<18} {secs:>8.3} s");
        }
    }
}

/// The records `--skip-bad` set aside: the first 20 with file, line and reason. Empty texts
/// are only counted in the summary (`--format json` lists them with the bad records).
pub fn report_skipped(args: &Inputs, skipped: &Skipped) {
    let empty = skipped.by_kind().get("empty text").copied().unwrap_or(0);
    let total = skipped.total() - empty;
    if args.quiet || total == 0 {
        return;
    }
    let n = naql::render::count(total, "bad record", "bad records");
    eprintln!("naql: skipped {n}:");
    let bad = skipped.listed().iter().filter(|b| b.kind() != "empty text");
    for b in bad.clone().take(20) {
        eprintln!("  {b}");
    }
    if total > 20 {
        let listed = if skipped.left_out() == 0 {
            "all are listed".to_string()
        } else {
            format!("the first {} are listed", bad.count())
        };
        eprintln!("  … and {} more ({listed} in --format json)", total - 20);
    }
}

/// Dates present but unreadable: one warning with the count and the first (unless `quiet`).
pub fn report_unread_dates(quiet: bool, unread: &UnreadDates) {
    let Some((origin, date)) = unread.first.as_ref().filter(|_| !quiet) else {
        return;
    };
    let (n, what) = (
        unread.count,
        if unread.count == 1 { "date" } else { "dates" },
    );
    eprintln!(
        "naql: warning: {n} {what} could not be read (first: {origin}: {date:?}); \
         those articles count as undated"
    );
}

/// Spilling is told (unless `--quiet`): the temporary file took disk space. A failed write
/// or read is a warning even with `--quiet`: those documents kept their units in memory, or
/// a pair was scored by its signature estimate.
pub fn report_spill(io: &Inputs, spill: &naql::copy::SpillReport) {
    if spill.documents > 0 && !io.quiet {
        eprintln!(
            "naql: the word hashes of {} documents ({:.1} MB) were kept in a temporary file \
             past --spill-after {} MiB (deleted on exit)",
            spill.documents,
            spill.bytes as f64 / 1e6,
            io.spill_after
        );
    }
    if let Some(e) = &spill.first_error {
        eprintln!(
            "naql: warning: {} temporary-file errors past --spill-after (first: {e}); those \
             documents kept their word hashes in memory, or were scored by their signatures",
            spill.errors
        );
    }
}

/// No document was read: a warning on stderr (unless `--quiet`) naming the inputs and the files
/// left unread, or with `--fail-on-empty` the same words as an error (exit 1), for cron jobs.
pub fn check_empty(args: &Inputs, stats: &naql::copy::Stats) -> Result<(), Failure> {
    if stats.documents > 0 {
        return Ok(());
    }
    let message = format!(
        "no documents in {}; {} files ignored (not .txt)",
        args.inputs.join(", "),
        stats.ignored_files
    );
    if args.fail_on_empty {
        return Err(Failure::error(message));
    }
    if !args.quiet {
        eprintln!("naql: warning: {message}");
    }
    Ok(())
}
