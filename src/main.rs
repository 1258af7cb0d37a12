//! The `muchan` command: parses arguments (the [`cli`] module, one file per subcommand) and
//! hands them to the library, which knows nothing of the command line.

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;

fn main() -> std::process::ExitCode {
    cli::main(cli::Cli::parse())
}
