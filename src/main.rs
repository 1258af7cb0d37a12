//! The `muchan` command: parses arguments (the [`cli`] module, one file per subcommand) and
//! hands them to the library, which knows nothing of the command line.

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;

fn main() -> std::process::ExitCode {
    muchan::pipeline::at_each_stage_end(release_freed_memory);
    cli::main(cli::Cli::parse())
}

/// Hands the memory freed during a stage back to the system. mimalloc keeps freed pages for a
/// second before it returns them, and a province's stages take tenths of one, so the peak
/// counted the freed pages of several stages: about 680 MiB for a live heap of about 490 MB.
/// Returned at each stage's end, the peak is about 590 MiB, for some system time refaulting
/// pages later reused (docs/decisions.md, Scale).
fn release_freed_memory() {
    // SAFETY: `mi_collect` has no precondition; it only walks mimalloc's own heaps and arenas.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
