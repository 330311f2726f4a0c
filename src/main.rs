//! The `naql` command: a thin front door onto the library (see `cli`).

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
