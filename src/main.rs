//! The `muchan` command: parses arguments and hands them to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    muchan::cli::main(muchan::cli::Cli::parse())
}
