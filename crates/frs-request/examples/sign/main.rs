//! The signing debugger: signs requests described in JSON and shows every intermediate
//! string, for when the gateway answers `APIGW.0301` (signature rejected).
//!
//! ```text
//! echo '{"ak":"AK","sk":"SK","method":"GET","host":"face.cn-north-4.myhuaweicloud.com","path":"/v2/p/face-sets","query":[],"headers":[["X-Sdk-Date","20240315T102030Z"]]}' \
//!     | cargo run -p frs-request --example sign
//! cargo run -p frs-request --example sign < requests.jsonl
//! ```
//!
//! It reads JSON lines on standard input and writes one JSON line per non-blank input line:
//! the report (canonical request, string to sign, signed headers, `Authorization`, URI,
//! payload hash, canonical URI and query string, headers sent), or
//! `{"line": N, "error": "..."}`. It exits with status 1 if any line failed. The secret key
//! is never printed.
//!
//! Signing the same request locally shows exactly what went into the signature: comparing
//! the report with what reached the server (or with the report of a request that works)
//! shows which part differs — a header added or trimmed by a proxy, a path encoded twice, a
//! clock-skewed `X-Sdk-Date`, …
//!
//! A line has the shape of one entry of the signing vectors
//! (`tests/data/signing-vectors.json`, see `auth.md` §12), so a vector can be fed as it is;
//! unknown fields (`name`, `note`, `quirk`, `tags`, `expected`, …) are ignored:
//!
//! | field | meaning |
//! |---|---|
//! | `ak`, `sk` | access key and secret key (the secret is never printed) |
//! | `method` | HTTP method |
//! | `scheme` | `https` (default) or `http` |
//! | `host` | `host[:port]` |
//! | `path` | the raw path, starting with `/` |
//! | `query` | `[[key, value], …]`; a value is a string, a boolean, a number or a list of strings and numbers (one pair per element). Optional. |
//! | `headers` | `[[name, value], …]`, in the order they are given to the signer. Optional. |
//! | `body` / `body_base64` | the body as UTF-8 text or as base64 (at most one). Optional. |
//!
//! Without an `X-Sdk-Date` header, the current time is used.
//!
//! The input type is `input.rs` (shared with `tests/signing_vectors.rs`); signing and
//! reporting are `run.rs`.

mod input;
mod run;

use std::io;
use std::process::ExitCode;
use std::time::SystemTime;

fn main() -> io::Result<ExitCode> {
    let failed = run::run_lines(io::stdin().lock(), io::stdout().lock(), SystemTime::now)?;
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
