//! `frs`: Huawei Cloud Face Recognition Service (FRS) from the shell.
//!
//! One subcommand per operation, grouped as the service groups them (`frs face-set`,
//! `frs face`, `frs search`, `frs detect`, `frs compare`, `frs live`), plus `frs config show`,
//! the signing debugger (`frs sign`), the emulator (`frs emulator`), shell completions and
//! `frs demo`. Results go to stdout as tables, JSON or JSON lines; errors go to stderr as
//! `error: <the SDK's error>`; the exit code says what kind of failure it was
//! ([`exit`]). Nothing prompts, pages or colours. `docs/cli.md` is the user's guide.

mod args;
mod bulk;
mod client;
mod commands;
mod demo;
mod dry_run;
mod emulator;
mod exit;
mod inputs;
mod output;
mod settings;
mod sign;
mod spans;
#[cfg(test)]
mod spec_commands;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

use crate::exit::CliError;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        // The reader went away (`frs face list | head`): what it wanted was written.
        Err(CliError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr().lock(), "error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
