//! `frs sign`, the signing debugger: signs requests described in JSON and shows every
//! intermediate string, for when the gateway answers `APIGW.0301` (signature rejected).
//!
//! ```text
//! echo '{"ak":"AK","sk":"SK","method":"GET","host":"face.cn-north-4.myhuaweicloud.com","path":"/v2/p/face-sets","query":[],"headers":[["X-Sdk-Date","20240315T102030Z"]]}' \
//!     | frs sign
//! frs sign requests.jsonl --output jsonl
//! ```
//!
//! It reads JSON lines (from a file, or standard input) and, for each non-blank line, shows
//! the report: canonical request, string to sign, signed headers, `Authorization`, URI,
//! payload hash, canonical URI and query string, headers sent. With `--output json` or
//! `jsonl` each report is one JSON line, and a line that cannot be signed is
//! `{"line": N, "error": "..."}`; by default the report is text and such a line is an
//! `error: line N: ...` on stderr. It exits with status 2 if any line failed. The secret
//! key is never printed.
//!
//! Signing the same request locally shows exactly what went into the signature: comparing
//! the report with what reached the server (or with the report of a request that works)
//! shows which part differs — a header added or trimmed by a proxy, a path encoded twice, a
//! clock-skewed `X-Sdk-Date`, …
//!
//! A line has the shape of one entry of the signing vectors, so a vector can be fed as it
//! is: the fields are those of [`frs_request::sign::input::SigningInput`]. Without an
//! `X-Sdk-Date` header, the current time is used.
//!
//! Signing and reporting are `run.rs`; the input type is the library's.

mod run;

use std::io::{self, BufRead, BufReader};
use std::time::SystemTime;

use crate::args::{Format, SignArgs};
use crate::exit::CliError;
use crate::output::Printer;

/// Signs every line of the input and prints the reports.
///
/// # Errors
/// [`CliError::Usage`] when the input cannot be read or a line could not be signed (its
/// error is printed with the reports); [`CliError::Output`].
pub(crate) fn run(args: &SignArgs, printer: Printer) -> Result<(), CliError> {
    let input: Box<dyn BufRead> = match &args.input {
        Some(path) if path.as_os_str() != "-" => Box::new(BufReader::new(
            std::fs::File::open(path)
                .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?,
        )),
        _ => Box::new(io::stdin().lock()),
    };
    let style = match printer.format() {
        Format::Table => run::Style::Text,
        Format::Json | Format::Jsonl => run::Style::JsonLines,
    };
    let failed = run::run_lines(input, io::stdout().lock(), io::stderr().lock(), SystemTime::now, style)?;
    if failed > 0 {
        return Err(CliError::Usage(format!(
            "{failed} line{} could not be signed",
            if failed == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}
