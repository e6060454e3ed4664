//! The execute loops: build, send, parse, and retry as the policy decides.
//!
//! The logic lives in [`Call`], a small state machine with no I/O: it says what to send
//! and how long to sleep, obtains user tokens when password credentials are configured,
//! and resends once with a new token when the service refuses the cached one. The blocking
//! and async loops only add the transport call and the sleep, so both transports behave
//! the same by construction.

use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use frs_types::ErrorCode;

use crate::config::Config;
use crate::credentials::Credentials;
use crate::error::{BuildError, CallError, Error, TransportError};
use crate::operation::{Idempotency, Operation, Reply};
use crate::retry::RetryDecision;
use crate::transport::{AsyncTransport, SyncTransport};

/// What a loop driving a [`Call`] does next.
// A step lives for one turn of a loop; boxing the request would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Step<T, E> {
    /// Send this request and give the outcome to [`Call::record`].
    Send(http::Request<Bytes>),
    /// Sleep this long, then call [`Call::next`].
    Sleep(Duration),
    /// The call is over, with this result.
    Done(Result<Reply<T>, Error<E>>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Token,
    Operation,
}

/// The state of one call across its attempts.
///
/// ```text
/// let mut step = call.next(clock());
/// loop { step = match step {
///     Step::Send(req) => call.record(transport.send(req), clock()),
///     Step::Sleep(d)  => { sleep(d); call.next(clock()) }
///     Step::Done(r)   => return r } }
/// ```
#[derive(Debug)]
pub struct Call<'a, O: ?Sized> {
    config: &'a Config,
    op: &'a O,
    phase: Phase,
    attempts: u32,
    token_attempts: u32,
    token_refreshed: bool,
    sent: u32,
}

impl<'a, O: Operation + ?Sized> Call<'a, O> {
    /// A call of `op` under `config`.
    pub fn new(config: &'a Config, op: &'a O) -> Self {
        Self {
            config,
            op,
            phase: Phase::Operation,
            attempts: 0,
            token_attempts: 0,
            token_refreshed: false,
            sent: 0,
        }
    }

    /// How many requests were handed out so far (token requests included).
    pub fn requests_sent(&self) -> u32 {
        self.sent
    }

    /// The first step, and the step after a sleep: the next request to send (a token
    /// request first when a token is needed).
    pub fn next<E>(&mut self, now: SystemTime) -> Step<O::Output, E> {
        if let Credentials::Password(provider) = self.config.credentials()
            && provider.current(now).is_none()
        {
            self.phase = Phase::Token;
            self.token_attempts += 1;
            return self.send(provider.issue().to_request(self.config, now));
        }
        self.phase = Phase::Operation;
        self.attempts += 1;
        self.send(self.op.to_request(self.config, now))
    }

    fn send<E>(&mut self, built: Result<http::Request<Bytes>, BuildError>) -> Step<O::Output, E> {
        match built {
            Ok(request) => {
                self.sent += 1;
                Step::Send(request)
            }
            Err(e) => Step::Done(Err(Error::Build(e))),
        }
    }

    /// Records the transport's outcome for the last request sent, at time `now`.
    pub fn record<E: TransportError>(
        &mut self,
        outcome: Result<http::Response<Bytes>, E>,
        now: SystemTime,
    ) -> Step<O::Output, E> {
        let retry = self.config.retry();
        let seed = jitter_seed(now, self.sent);
        if self.phase == Phase::Token {
            let Credentials::Password(provider) = self.config.credentials() else {
                return Step::Done(Err(Error::Build(BuildError::NoToken)));
            };
            let issue = provider.issue();
            let result = match outcome {
                Ok(response) => issue.parse(response).map_err(Error::into_transport),
                Err(e) => Err(Error::Transport(e)),
            };
            return match result {
                Ok(reply) => {
                    provider.store(&reply.value, now);
                    self.token_attempts = 0;
                    if provider.current(now).is_none() {
                        // A token that is already (nearly) expired: asking again would loop.
                        return Step::Done(Err(Error::Call(CallError::ExpiredToken)));
                    }
                    self.next(now)
                }
                Err(error) => {
                    match retry.decide(self.token_attempts, Idempotency::Idempotent, &error, seed) {
                        RetryDecision::RetryAfter(wait) => Step::Sleep(wait),
                        RetryDecision::Stop => Step::Done(Err(error)),
                    }
                }
            };
        }
        let result = match outcome {
            Ok(response) => self.op.parse(response).map_err(Error::into_transport),
            Err(e) => Err(Error::Transport(e)),
        };
        let error = match result {
            Ok(reply) => return Step::Done(Ok(reply)),
            Err(error) => error,
        };
        if let Credentials::Password(provider) = self.config.credentials()
            && !self.token_refreshed
            && is_token_refusal(&error)
        {
            // The cached token was refused (expired early, revoked): fetch one and resend once.
            provider.invalidate();
            self.token_refreshed = true;
            self.attempts -= 1;
            return self.next(now);
        }
        match retry.decide(self.attempts, self.op.idempotency(), &error, seed) {
            RetryDecision::RetryAfter(wait) => Step::Sleep(wait),
            RetryDecision::Stop => Step::Done(Err(error)),
        }
    }
}

/// Whether the service refused the token itself.
fn is_token_refusal<E>(error: &Error<E>) -> bool {
    error.service().is_some_and(|e| {
        e.status.as_u16() == 401
            || matches!(
                e.code,
                ErrorCode::TokenInvalid
                    | ErrorCode::GatewayIamAuthFailed
                    | ErrorCode::GatewayTokenMustBeUpdated
            )
    })
}

/// A pseudo-random number from the time; enough to spread clients' waits apart.
fn jitter_seed(now: SystemTime, n: u32) -> u64 {
    let nanos = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos().into());
    // splitmix64 finaliser
    let mut z = nanos ^ (u64::from(n) << 32) ^ 0x9E37_79B9_7F4A_7C15;
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
    let mut call = Call::new(config, op);
    let mut step = call.next(clock());
    loop {
        step = match step {
            Step::Send(request) => {
                let outcome = transport.send(request);
                call.record(outcome, clock())
            }
            Step::Sleep(wait) => {
                sleep(wait);
                call.next(clock())
            }
            Step::Done(result) => return result,
        };
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
    let mut call = Call::new(config, op);
    let mut step = call.next(clock());
    loop {
        step = match step {
            Step::Send(request) => {
                let outcome = transport.send(request).await;
                call.record(outcome, clock())
            }
            Step::Sleep(wait) => {
                sleep(wait).await;
                call.next(clock())
            }
            Step::Done(result) => return result,
        };
    }
}
