//! The `hooktap` binary: parse, set up logging, run, turn the outcome into an exit code.

use std::process::ExitCode;

use clap::Parser;
use hooktap::cli::Cli;

fn main() -> ExitCode {
    hooktap::error::exit_quietly_on_broken_pipe();
    let cli = Cli::parse();
    hooktap::logging::init(&cli.global);
    let result = hooktap::cmd::run(cli);
    hooktap::error::report(result)
}
