//! Exit codes, in one place: every subcommand returns `Result<Outcome, Failure>`, and
//! [`code`] turns that into the code and the one line on stderr (clap's own errors included).
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done |
//! | 1 | error: bad input, unreadable file, bad option value, … |
//! | 2 | usage: unknown flag, missing argument (clap), a `--story` number that names no story |
//! | 3 | `dedup --fail-on-duplicate` and the batch held a duplicate (the batch is still added) |
//! | 4 | another job held the index longer than `--wait` |
//! | 129, 130, 143 | as a shell reports them: SIGHUP, SIGINT (Ctrl-C) or SIGTERM while writing an `-o` file; its temporary file was removed, then the process died of the signal (see `output`) |
//!
//! A reader that goes away early (`naql index export i.naql | head`) is no failure: the
//! output stops quietly and the code is what it would have been.

use std::fmt::Display;
use std::process::ExitCode;

use naql::index::IndexError;

use super::args::flag_error;

/// How a command that ran to its end went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything asked was done.
    Done,
    /// Done, and `--fail-on-duplicate` found a duplicate: a verdict, not an error.
    Duplicate,
}

/// Why a command stopped, with the words it says on stderr.
#[derive(Debug)]
pub enum Failure {
    /// Bad input, an unreadable file, a bad option value.
    Error(String),
    /// Arguments that cannot mean anything, as clap's own usage errors.
    Usage(String),
    /// The index is held by another job: a cron job may simply try later.
    Busy(String),
    /// clap's verdict on the command line; `--help` and `--version` end here too.
    CommandLine(clap::Error),
}

impl Failure {
    /// [`Failure::Error`] with `message`.
    pub fn error(message: impl Display) -> Failure {
        Failure::Error(message.to_string())
    }

    /// [`Failure::Usage`] with `message`.
    pub fn usage(message: impl Display) -> Failure {
        Failure::Usage(message.to_string())
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::error(message)
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Failure {
        Failure::error(message)
    }
}

/// A parameter out of range, named by its flag.
impl From<naql::ConfigError> for Failure {
    fn from(e: naql::ConfigError) -> Failure {
        Failure::error(flag_error(e))
    }
}

impl From<naql::corpus::ReadError> for Failure {
    fn from(e: naql::corpus::ReadError) -> Failure {
        Failure::error(e)
    }
}

impl From<naql::story::TableError> for Failure {
    fn from(e: naql::story::TableError) -> Failure {
        Failure::error(e)
    }
}

impl From<IndexError> for Failure {
    fn from(e: IndexError) -> Failure {
        match e {
            IndexError::Busy(..) => Failure::Busy(e.to_string()),
            e => Failure::error(e),
        }
    }
}

impl From<naql::Error> for Failure {
    fn from(e: naql::Error) -> Failure {
        match e {
            naql::Error::Index(e) => e.into(),
            naql::Error::Config(e) => e.into(),
            e => Failure::error(e),
        }
    }
}

impl From<clap::Error> for Failure {
    fn from(e: clap::Error) -> Failure {
        Failure::CommandLine(e)
    }
}

/// The exit code of a run, after saying on stderr why it failed, if it did.
pub fn code(result: Result<Outcome, Failure>) -> ExitCode {
    let code = match result {
        Ok(Outcome::Done) => 0,
        Ok(Outcome::Duplicate) => 3,
        Err(Failure::Error(message)) => {
            eprintln!("naql: error: {message}");
            1
        }
        Err(Failure::Usage(message)) => {
            eprintln!("naql: error: {message}");
            2
        }
        // Not a mistake of naql's or the caller's: said without `error:`.
        Err(Failure::Busy(message)) => {
            eprintln!("naql: {message}");
            4
        }
        // As `clap::Error::exit` does it: help and version on stdout and 0, errors 2.
        Err(Failure::CommandLine(e)) => {
            let _ = e.print();
            if e.use_stderr() { 2 } else { 0 }
        }
    };
    ExitCode::from(code)
}
