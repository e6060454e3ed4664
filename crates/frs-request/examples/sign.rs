//! Usage: `cargo run -p frs-request --example sign < requests.jsonl`
//!
//! Signs each JSON line (see `frs_request::sign_debug`), prints one JSON report or
//! `{"line": N, "error": "..."}` per line, and exits with status 1 if any line failed.

use std::io;
use std::process::ExitCode;
use std::time::SystemTime;

fn main() -> io::Result<ExitCode> {
    let failed =
        frs_request::sign_debug::run_lines(io::stdin().lock(), io::stdout().lock(), SystemTime::now)?;
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
