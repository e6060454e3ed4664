//! One module per group of the service (face sets, faces, search, detection, liveness), plus
//! the configuration. Each command checks its input and builds its operation first — so bad
//! input fails with exit code 2 before any configuration is read or anything is sent —
//! then runs it and prints the answer.

mod bench;
mod config;
mod detection;
mod face_sets;
mod faces;
mod liveness;
mod search;

use std::process::ExitCode;

use clap::CommandFactory as _;
use frs_request::Operation;

use crate::args::{Cli, Command, ConfigCommand, GlobalArgs};
use crate::client::Runner;
use crate::exit::CliError;
use crate::output::{Printer, View};

/// Runs the command the user asked for.
///
/// # Errors
/// The [`CliError`] that decides the exit code.
pub(crate) fn run(cli: Cli) -> Result<ExitCode, CliError> {
    let global = &cli.global;
    let printer = Printer::new(global.output);
    match cli.command {
        Command::FaceSet(command) => face_sets::run(command, global, printer)?,
        Command::Face(command) => faces::run(command, global, printer)?,
        Command::Search(args) => search::run(&args, global, printer)?,
        Command::Detect(args) => detection::detect(&args, global, printer)?,
        Command::Compare(args) => detection::compare(&args, global, printer)?,
        Command::Live(command) => liveness::run(command, global, printer)?,
        Command::Config(ConfigCommand::Show) => config::show(global, printer)?,
        Command::Sign(args) => crate::sign::run(&args, printer)?,
        Command::Emulator(args) => return crate::emulator::run(&args),
        Command::Completions(args) => {
            let mut out = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "frs", &mut out);
            crate::output::write_out(&String::from_utf8_lossy(&out))?;
        }
        Command::Demo(args) => crate::demo::run(&args)?,
        Command::Bench(args) => bench::run(&args, global)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs one operation and prints its answer (or, with `--dry-run`, its request).
fn execute<O>(global: &GlobalArgs, printer: Printer, op: &O) -> Result<(), CliError>
where
    O: Operation,
    O::Output: View,
{
    let runner = Runner::new(global)?;
    if let Some(reply) = runner.call(op)? {
        printer.show(&reply.value)?;
    }
    Ok(())
}
