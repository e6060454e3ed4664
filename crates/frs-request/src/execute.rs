//! The execute loops: build, send, parse, and retry as the policy decides.
//!
//! The loop's logic lives in [`Attempts`], a small state machine with no I/O; the blocking
//! and async loops only add the transport call and the sleep, so both transports behave
//! the same by construction.

use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use crate::config::Config;
use crate::error::{Error, TransportError};
use crate::operation::{Operation, Reply};
use crate::retry::RetryDecision;
use crate::transport::{AsyncTransport, SyncTransport};

/// What to do after an attempt.
#[derive(Debug)]
pub enum Step<T, E> {
    /// The call is over, with this result.
    Done(Result<Reply<T>, Error<E>>),
    /// Sleep this long, then call [`Attempts::next_request`] again.
    Sleep(Duration),
}

/// The state of one call across its attempts.
///
/// ```text
/// loop { let req = attempts.next_request(clock())?; let out = transport.send(req);
///        match attempts.record(out) { Step::Done(r) => return r, Step::Sleep(d) => sleep(d) } }
/// ```
#[derive(Debug)]
pub struct Attempts<'a, O: ?Sized> {
    config: &'a Config,
    op: &'a O,
    attempt: u32,
    last_now: SystemTime,
}

impl<'a, O: Operation + ?Sized> Attempts<'a, O> {
    /// Starts a call of `op` under `config`.
    pub fn new(config: &'a Config, op: &'a O) -> Self {
        Self { config, op, attempt: 0, last_now: UNIX_EPOCH }
    }

    /// The number of attempts made so far.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// Builds (and signs) the request of the next attempt at time `now`.
    ///
    /// # Errors
    /// [`Error::Build`] when the input is invalid; nothing should be sent then.
    pub fn next_request<E>(&mut self, now: SystemTime) -> Result<http::Request<Bytes>, Error<E>> {
        self.attempt += 1;
        self.last_now = now;
        Ok(self.op.to_request(self.config, now)?)
    }

    /// Records what the transport returned for the last request.
    pub fn record<E: TransportError>(
        &mut self,
        outcome: Result<http::Response<Bytes>, E>,
    ) -> Step<O::Output, E> {
        let result = match outcome {
            Ok(response) => self.op.parse(response).map_err(Error::into_transport),
            Err(e) => Err(Error::Transport(e)),
        };
        let error = match result {
            Ok(reply) => return Step::Done(Ok(reply)),
            Err(error) => error,
        };
        match self.config.retry().decide(
            self.attempt,
            self.op.idempotency(),
            &error,
            jitter_seed(self.last_now, self.attempt),
        ) {
            RetryDecision::RetryAfter(wait) => Step::Sleep(wait),
            RetryDecision::Stop => Step::Done(Err(error)),
        }
    }
}

/// A pseudo-random number from the attempt's time; enough to spread clients apart.
fn jitter_seed(now: SystemTime, attempt: u32) -> u64 {
    let nanos = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos().into());
    // splitmix64 finaliser
    let mut z = nanos ^ (u64::from(attempt) << 32) ^ 0x9E37_79B9_7F4A_7C15;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Runs `op` over a blocking transport: builds and signs a request per attempt with the
/// time from `clock`, and sleeps with `sleep` between attempts as the config's retry policy
/// decides.
///
/// # Errors
/// The [`Error`] of the last attempt.
pub fn execute_blocking<T, O>(
    config: &Config,
    transport: &T,
    op: &O,
    clock: impl Fn() -> SystemTime,
    mut sleep: impl FnMut(Duration),
) -> Result<Reply<O::Output>, Error<T::Error>>
where
    T: SyncTransport + ?Sized,
    O: Operation + ?Sized,
{
    let mut attempts = Attempts::new(config, op);
    loop {
        let request = attempts.next_request(clock())?;
        match attempts.record(transport.send(request)) {
            Step::Done(result) => return result,
            Step::Sleep(wait) => sleep(wait),
        }
    }
}

/// Runs `op` over an async transport; as [`execute_blocking`], with an async `sleep`.
///
/// # Errors
/// The [`Error`] of the last attempt.
pub async fn execute_async<T, O, S, F>(
    config: &Config,
    transport: &T,
    op: &O,
    clock: impl Fn() -> SystemTime,
    sleep: S,
) -> Result<Reply<O::Output>, Error<T::Error>>
where
    T: AsyncTransport + ?Sized,
    O: Operation + ?Sized,
    S: Fn(Duration) -> F,
    F: Future<Output = ()>,
{
    let mut attempts = Attempts::new(config, op);
    loop {
        let request = attempts.next_request(clock())?;
        match attempts.record(transport.send(request).await) {
            Step::Done(result) => return result,
            Step::Sleep(wait) => sleep(wait).await,
        }
    }
}
