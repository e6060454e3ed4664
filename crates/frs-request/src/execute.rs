//! The execute loops: build, send, parse, and retry as the policy decides.
//!
//! The logic lives in [`Call`], a small state machine with no I/O: it says what to send
//! and how long to sleep, obtains user tokens when password credentials are configured and
//! temporary keys when ECS metadata credentials are, and resends once with new ones when
//! the service refuses the cached ones. The blocking and async loops only add the transport
//! call and the sleep, so both transports behave the same by construction.

use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use frs_types::ErrorCode;

use crate::config::Config;
use crate::credentials::{Credentials, MetadataProvider};
use crate::error::{BuildError, CallError, Error, TransportError};
use crate::metadata::{SECURITY_KEY_PATH, TOKEN_PATH};
use crate::operation::{Idempotency, Operation, Reply};
use crate::retry::RetryDecision;
use crate::spec::AuthMode;
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
    /// A user token from IAM.
    Token,
    /// A session token from the ECS metadata service.
    MetadataToken,
    /// Temporary keys from the ECS metadata service.
    MetadataKey,
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
    /// Attempts of the current credential request (token or metadata).
    token_attempts: u32,
    /// Whether refused credentials were already replaced once.
    token_refreshed: bool,
    /// Whether a refused metadata session token was already replaced once.
    session_renewed: bool,
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
            session_renewed: false,
            sent: 0,
        }
    }

    /// How many requests were handed out so far (token requests included).
    pub fn requests_sent(&self) -> u32 {
        self.sent
    }

    /// The first step, and the step after a sleep: the next request to send (a token
    /// request or the metadata calls first when credentials are needed).
    pub fn next<E>(&mut self, now: SystemTime) -> Step<O::Output, E> {
        match self.config.credentials() {
            // An anonymous operation (a token or metadata request run by hand) needs none.
            Credentials::Password(provider) if provider.current(now).is_none() && !self.is_anonymous() => {
                self.phase = Phase::Token;
                self.token_attempts += 1;
                return self.send(provider.issue().to_request(self.config, now));
            }
            Credentials::Metadata(provider) if provider.current(now).is_none() && !self.is_anonymous() => {
                self.token_attempts += 1;
                let built = match provider.session(now) {
                    None => {
                        self.phase = Phase::MetadataToken;
                        provider.issue_token().to_request(self.config, now)
                    }
                    Some(session) => {
                        self.phase = Phase::MetadataKey;
                        provider.security_key(session).to_request(self.config, now)
                    }
                };
                return self.send(built);
            }
            _ => {}
        }
        self.phase = Phase::Operation;
        self.attempts += 1;
        self.send(self.op.to_request(self.config, now))
    }

    /// Whether the operation is sent without credentials. Asked only when credentials
    /// would have to be fetched (or were refused), as building the spec may cost a body.
    fn is_anonymous(&self) -> bool {
        self.op.request_spec().is_ok_and(|spec| spec.auth == AuthMode::Anonymous)
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
        if matches!(self.phase, Phase::MetadataToken | Phase::MetadataKey) {
            let Credentials::Metadata(provider) = self.config.credentials() else {
                return Step::Done(Err(Error::Build(BuildError::NoTemporaryCredentials)));
            };
            return self.record_metadata(provider, outcome, now, seed);
        }
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
        if !self.token_refreshed && is_token_refusal(&error) && !self.is_anonymous() {
            // The cached token or keys were refused (expired early, revoked): fetch new ones
            // and resend once.
            let refetch = match self.config.credentials() {
                Credentials::Password(provider) => {
                    provider.invalidate();
                    true
                }
                Credentials::Metadata(provider) => {
                    provider.invalidate();
                    true
                }
                _ => false,
            };
            if refetch {
                self.token_refreshed = true;
                self.attempts -= 1;
                return self.next(now);
            }
        }
        match retry.decide(self.attempts, self.op.idempotency(), &error, seed) {
            RetryDecision::RetryAfter(wait) => Step::Sleep(wait),
            RetryDecision::Stop => Step::Done(Err(error)),
        }
    }
}

impl<O: Operation + ?Sized> Call<'_, O> {
    /// Records the answer to a metadata call: a session token, or the temporary keys.
    fn record_metadata<E: TransportError>(
        &mut self,
        provider: &MetadataProvider,
        outcome: Result<http::Response<Bytes>, E>,
        now: SystemTime,
        seed: u64,
    ) -> Step<O::Output, E> {
        let (path, error) = if self.phase == Phase::MetadataToken {
            let result = match outcome {
                Ok(response) => provider.issue_token().parse(response).map_err(Error::into_transport),
                Err(e) => Err(Error::Transport(e)),
            };
            match result {
                Ok(reply) => {
                    provider.store_token(&reply.value, now);
                    self.token_attempts = 0;
                    return self.next(now);
                }
                // No token API (an older metadata service): read the keys without one.
                Err(e) if e.status().is_some_and(|s| matches!(s.as_u16(), 404 | 405)) => {
                    provider.store_no_token(now);
                    self.token_attempts = 0;
                    return self.next(now);
                }
                Err(e) => (TOKEN_PATH, e),
            }
        } else {
            let result = match outcome {
                Ok(response) => provider.security_key(None).parse(response).map_err(Error::into_transport),
                Err(e) => Err(Error::Transport(e)),
            };
            match result {
                Ok(reply) => {
                    provider.store(&reply.value, now);
                    self.token_attempts = 0;
                    if provider.current(now).is_none() {
                        return Step::Done(Err(Error::Call(CallError::ExpiredTemporaryCredentials)));
                    }
                    return self.next(now);
                }
                // The session token was refused (expired, revoked): get one and read again, once.
                Err(e) if e.status().is_some_and(|s| s.as_u16() == 401) && !self.session_renewed => {
                    provider.drop_session();
                    self.session_renewed = true;
                    self.token_attempts = 0;
                    return self.next(now);
                }
                Err(e) => (SECURITY_KEY_PATH, e),
            }
        };
        match self.config.retry().decide(self.token_attempts, Idempotency::Idempotent, &error, seed) {
            RetryDecision::RetryAfter(wait) => Step::Sleep(wait),
            RetryDecision::Stop => Step::Done(Err(Error::Call(CallError::Metadata {
                url: provider.url(path),
                status: error.status().map(|s| s.as_u16()),
                reason: error.to_string(),
            }))),
        }
    }
}

/// Whether the service refused the token (or the signature) itself.
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
