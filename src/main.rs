//! The `hooktap` binary: parse, set up logging, run, turn the outcome into an exit code.

use std::process::ExitCode;

use clap::Parser;
use hooktap::cli::Cli;

// Every delivery allocates a few dozen small buffers on several threads at once;
// mimalloc's per-thread heaps make that measurably cheaper than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    hooktap::error::exit_quietly_on_broken_pipe();
    let cli = Cli::parse();
    hooktap::logging::init(&cli.global.log_options());
    let result = hooktap::cmd::run(cli);
    hooktap::error::report(result)
}
