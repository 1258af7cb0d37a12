//! The `muchan` command: parses arguments and hands them to the library.

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    muchan::cli::main(muchan::cli::Cli::parse())
}
