//! Running an operation: resolving the configuration, then either printing the signed
//! request (`--dry-run`) or sending it over ureq, with `--verbose` lines on stderr.

use std::io::Write as _;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use frs_request::{BlockingClient, Operation, Reply, SyncTransport, TransportLimits};
use frs_ureq::{StdRuntime, UreqError, UreqTransport};

use crate::args::GlobalArgs;
use crate::exit::CliError;
use crate::settings::{self, Resolved};

/// The transport limits the global options ask for: `--timeout` for each attempt (and at
/// most that long to connect).
pub(crate) fn limits(global: &GlobalArgs) -> TransportLimits {
    let defaults = TransportLimits::default();
    match global.timeout {
        Some(timeout) => TransportLimits {
            connect_timeout: defaults.connect_timeout.min(timeout),
            total_timeout: timeout,
            ..defaults
        },
        None => defaults,
    }
}

/// The ureq transport, printing one line per HTTP exchange on stderr with `--verbose`:
/// the request line before, then the status, request id and time. Neither line can hold a
/// secret: the path and query never carry one, and no header is printed.
#[derive(Debug, Clone)]
pub(crate) struct CliTransport {
    inner: UreqTransport,
    verbose: bool,
}

impl SyncTransport for CliTransport {
    type Error = UreqError;

    fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, UreqError> {
        if !self.verbose {
            return self.inner.send(request);
        }
        let line = format!("{} {}", request.method(), request.uri());
        verbose(&format!("> {line}"));
        let started = Instant::now();
        let result = self.inner.send(request);
        let took = millis(started.elapsed());
        match &result {
            Ok(response) => {
                let status = response.status();
                let id =
                    response.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("none");
                verbose(&format!("< {} {} (request id {id}, {took} ms)", status.as_u16(), reason(status)));
            }
            Err(e) => verbose(&format!("< no answer after {took} ms: {e}")),
        }
        result
    }
}

fn reason(status: http::StatusCode) -> &'static str {
    status.canonical_reason().unwrap_or("")
}

fn millis(duration: Duration) -> u128 {
    duration.as_millis()
}

/// A verbose line on stderr; a closed stderr is not worth failing the call for.
fn verbose(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// The client every command uses.
pub(crate) type Client = BlockingClient<CliTransport, StdRuntime>;

/// What a command runs its operations with: the client, and whether to send at all.
pub(crate) struct Runner {
    dry_run: bool,
    client: Client,
}

impl Runner {
    /// Resolves the configuration from the global options and the process environment.
    ///
    /// # Errors
    /// As [`settings::from_process`].
    pub(crate) fn new(global: &GlobalArgs) -> Result<Self, CliError> {
        let Resolved { config, .. } = settings::from_process(global)?;
        if global.verbose {
            crate::spans::show_on_stderr();
        }
        let transport = CliTransport { inner: UreqTransport::new(limits(global)), verbose: global.verbose };
        Ok(Self { dry_run: global.dry_run, client: Client::with_transport(config, transport) })
    }

    /// The client (for listings).
    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    /// Whether requests are only printed.
    pub(crate) fn dry_run(&self) -> bool {
        self.dry_run
    }

    /// Runs `op`: with `--dry-run` prints its signed request and returns `None`, otherwise
    /// sends it (with retries) and returns the answer.
    ///
    /// # Errors
    /// [`CliError::Call`] when the call fails; [`CliError::Usage`] when the request cannot
    /// be built.
    pub(crate) fn call<O: Operation>(&self, op: &O) -> Result<Option<Reply<O::Output>>, CliError> {
        if self.dry_run() {
            self.print_request(op)?;
            return Ok(None);
        }
        Ok(Some(self.client.execute(op)?))
    }

    /// Prints the request `op` would send now, signed, with secrets masked.
    ///
    /// # Errors
    /// [`CliError::Usage`] when the request cannot be built; [`CliError::Output`].
    pub(crate) fn print_request<O: Operation>(&self, op: &O) -> Result<(), CliError> {
        let request = op.to_request(self.client.config(), SystemTime::now())?;
        let text = crate::dry_run::render(&request);
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timeout_bounds_the_whole_attempt_and_the_connection() {
        let global = GlobalArgs { timeout: Some(Duration::from_secs(2)), ..GlobalArgs::default() };
        let limits = limits(&global);
        assert_eq!(
            (limits.connect_timeout, limits.total_timeout),
            (Duration::from_secs(2), Duration::from_secs(2))
        );
        assert_eq!(super::limits(&GlobalArgs::default()), TransportLimits::default());
    }
}
