//! `frs demo`: a narrated run of the whole API against an embedded emulator. Not written
//! yet: this stub says so and fails.

use crate::args::DemoArgs;
use crate::exit::CliError;

/// Runs the demo.
///
/// # Errors
/// Always, for now.
pub(crate) fn run(_args: &DemoArgs) -> Result<(), CliError> {
    println!("demo: not yet");
    Err(CliError::Failed("frs demo is not written yet".to_owned()))
}
