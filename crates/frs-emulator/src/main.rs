//! `frs-emulator`: the FRS emulator as a stand-alone server.
//!
//! ```text
//! cargo run -p frs-emulator -- --port 8080
//! cargo run -p frs-emulator -- --port 0 --no-auth --state-dir ./frs-state
//! ```
//!
//! The options, the start-up lines and the exit status are described in
//! [`frs_emulator::cli`], which `frs emulator` runs too.

use std::process::ExitCode;

use clap::Parser;

/// A local emulator of Huawei Cloud Face Recognition Service (FRS).
#[derive(Debug, Parser)]
#[command(name = "frs-emulator", version)]
struct Cli {
    #[command(flatten)]
    args: frs_emulator::cli::Args,
}

fn main() -> ExitCode {
    frs_emulator::cli::run(&Cli::parse().args)
}
