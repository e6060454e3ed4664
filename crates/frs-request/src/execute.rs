//! The execute loops: build, send, parse, and retry as the policy decides.
//!
//! The logic lives in [`Call`], a small state machine with no I/O: it says what to send
//! and how long to sleep, obtains user tokens when password credentials are configured and
//! temporary keys when ECS metadata credentials are, and resends once with new ones when
//! the service refuses the cached ones. The blocking and async loops only add the transport
//! call and the sleep, so both transports behave the same by construction.
//!
//! What must outlive one call — the retry budget, the clock offset learnt from a refused
//! signature, the rate limit — is a [`SharedState`] that a client hands every call
//! ([`Call::with_shared`]); [`Call::new`] and the free execute functions use a fresh one.

use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use frs_types::ErrorCode;

use crate::config::Config;
use crate::credentials::{Credentials, MetadataProvider};
use crate::error::{BuildError, CallError, Error, TransportError, TransportErrorKind};
use crate::metadata::{SECURITY_KEY_PATH, TOKEN_PATH};
use crate::operation::{Idempotency, Operation, Reply};
use crate::response::Outcome;
use crate::retry::RetryDecision;
use crate::sdk_date::parse_http_date;
use crate::search::SearchFaces;
use crate::shared::SharedState;
use crate::spec::AuthMode;
use crate::trace::CallTrace;
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
    /// The search that tells whether an add whose answer was lost landed.
    Check,
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
    shared: SharedState,
    /// When the call began (the local clock), for the whole-call deadline.
    started: Option<SystemTime>,
    /// Whether the rate limiter's slot for the next request was already waited for.
    slot_taken: bool,
    /// The (corrected) time the last operation request was signed with.
    signed_at: Option<SystemTime>,
    /// Whether the clock was already corrected once in this call.
    skew_corrected: bool,
    /// What the last retry cost in budget tokens (0: none yet).
    last_cost: u32,
    /// Whether an earlier attempt of the operation may have acted without its answer
    /// arriving (a timeout, a dropped connection, a 5xx).
    answer_lost: bool,
    /// The check to send before resending an add whose answer was lost.
    checking: Option<SearchFaces>,
    trace: CallTrace,
}

/// How far the service's `Date` may be from the signing time before a refused signature
/// is put down to the local clock (the gateway itself allows 15 minutes).
const SKEW_THRESHOLD_SECS: i64 = 4 * 60;

impl<'a, O: Operation + ?Sized> Call<'a, O> {
    /// A call of `op` under `config`, with a state of its own (no budget, clock offset or
    /// rate limit shared with other calls).
    pub fn new(config: &'a Config, op: &'a O) -> Self {
        Self::with_shared(config, op, &SharedState::default())
    }

    /// A call of `op` under `config` that shares `shared` (a client's budget, clock offset
    /// and rate limit) with the other calls given it.
    pub fn with_shared(config: &'a Config, op: &'a O, shared: &SharedState) -> Self {
        Self {
            config,
            op,
            phase: Phase::Operation,
            attempts: 0,
            token_attempts: 0,
            token_refreshed: false,
            session_renewed: false,
            sent: 0,
            shared: shared.clone(),
            started: None,
            slot_taken: false,
            signed_at: None,
            skew_corrected: false,
            last_cost: 0,
            answer_lost: false,
            checking: None,
            trace: CallTrace::new(O::NAME),
        }
    }

    /// The local time `now` moved by the clock offset learnt from the service, if any.
    fn corrected(&self, now: SystemTime) -> SystemTime {
        match self.shared.clock_offset() {
            Some(secs) => {
                let shift = Duration::from_secs(secs.unsigned_abs());
                let moved = if secs >= 0 { now.checked_add(shift) } else { now.checked_sub(shift) };
                moved.unwrap_or(now)
            }
            None => now,
        }
    }

    /// How many requests were handed out so far (token requests included).
    pub fn requests_sent(&self) -> u32 {
        self.sent
    }

    /// The first step, and the step after a sleep: the next request to send (a token
    /// request or the metadata calls first when credentials are needed).
    pub fn next<E>(&mut self, now: SystemTime) -> Step<O::Output, E> {
        let step = self.next_step(now);
        self.traced(step)
    }

    /// Records the end of the call, when `step` is it.
    fn traced<E>(&mut self, step: Step<O::Output, E>) -> Step<O::Output, E> {
        if let Step::Done(result) = &step {
            self.trace.finished(result, self.attempts);
        }
        step
    }

    fn next_step<E>(&mut self, now: SystemTime) -> Step<O::Output, E> {
        self.started.get_or_insert(now);
        if !self.slot_taken {
            self.slot_taken = true;
            let wait = self.shared.reserve(now);
            if !wait.is_zero() {
                self.trace.waiting(wait);
                return Step::Sleep(wait);
            }
        }
        self.slot_taken = false;
        let now = self.corrected(now);
        match self.config.credentials() {
            // An anonymous operation (a token or metadata request run by hand) needs none.
            Credentials::Password(provider) if provider.current(now).is_none() && !self.is_anonymous() => {
                self.phase = Phase::Token;
                self.token_attempts += 1;
                return self.send(provider.issue().to_request(self.config, now), now);
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
                return self.send(built, now);
            }
            _ => {}
        }
        if let Some(check) = &self.checking {
            self.phase = Phase::Check;
            self.signed_at = Some(now);
            let built = check.to_request(self.config, now);
            return self.send(built, now);
        }
        self.phase = Phase::Operation;
        self.attempts += 1;
        self.signed_at = Some(now);
        self.send(self.op.to_request(self.config, now), now)
    }

    /// Whether the operation is sent without credentials. Asked only when credentials
    /// would have to be fetched (or were refused), as building the spec may cost a body.
    fn is_anonymous(&self) -> bool {
        self.op.request_spec().is_ok_and(|spec| spec.auth == AuthMode::Anonymous)
    }

    fn send<E>(
        &mut self,
        built: Result<http::Request<Bytes>, BuildError>,
        now: SystemTime,
    ) -> Step<O::Output, E> {
        match built {
            Ok(request) => {
                self.sent += 1;
                let (what, attempt) = match self.phase {
                    Phase::Token => ("IssueUserToken", self.token_attempts),
                    Phase::MetadataToken => ("MetadataToken", self.token_attempts),
                    Phase::MetadataKey => ("GetSecurityKey", self.token_attempts),
                    Phase::Operation => (O::NAME, self.attempts),
                    Phase::Check => ("SearchFace (did the lost add land?)", self.attempts),
                };
                self.trace.sent(what, attempt, now);
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
        self.trace.answered(&outcome, self.corrected(now));
        let step = self.record_step(outcome, now);
        self.traced(step)
    }

    fn record_step<E: TransportError>(
        &mut self,
        outcome: Result<http::Response<Bytes>, E>,
        now: SystemTime,
    ) -> Step<O::Output, E> {
        let retry = self.config.retry();
        let seed = jitter_seed(now, self.sent);
        let local = now;
        let now = self.corrected(now);
        if matches!(self.phase, Phase::MetadataToken | Phase::MetadataKey) {
            let Credentials::Metadata(provider) = self.config.credentials() else {
                return Step::Done(Err(Error::Build(BuildError::NoTemporaryCredentials)));
            };
            return self.record_metadata(provider, outcome, local, seed);
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
                    self.next_step(local)
                }
                Err(error) => {
                    let decision = retry.decide(self.token_attempts, Idempotency::Idempotent, &error, seed);
                    self.retry_or_stop(decision, error, local)
                }
            };
        }
        if self.phase == Phase::Check {
            return self.record_check(outcome, local);
        }
        let server_date = outcome
            .as_ref()
            .ok()
            .and_then(|r| r.headers().get(http::header::DATE))
            .and_then(|v| v.to_str().ok().and_then(parse_http_date));
        let result = match outcome {
            Ok(response) => self.op.parse(response).map_err(Error::into_transport),
            Err(e) => Err(Error::Transport(e)),
        };
        let error = match result {
            Ok(reply) => {
                self.succeeded();
                return Step::Done(Ok(reply));
            }
            Err(error) => error,
        };
        self.trace.failed(&error);
        if is_throttling(&error) {
            self.shared.throttled();
        }
        if let Some(offset) = self.skew(&error, server_date) {
            // The signature was refused and the service's clock is far from the one the
            // request was signed with: sign with the service's time from now on, and resend
            // once (the request was refused, so it did not act).
            let known = self.shared.clock_offset().unwrap_or(0);
            self.shared.set_clock_offset(known.saturating_add(offset));
            self.skew_corrected = true;
            self.attempts -= 1;
            return self.next_step(local);
        }
        if let Some(service) = error.service().filter(|_| self.answer_lost)
            && let Some(value) = self.op.gone_after_lost_answer(&service.code)
        {
            // An earlier attempt deleted what this one found missing.
            let reply = Reply {
                value,
                status: service.status,
                request_id: service.request_id.clone(),
                outcome: Outcome::GoneCountUnknown { code: service.code.clone() },
            };
            self.succeeded();
            return Step::Done(Ok(reply));
        }
        self.answer_lost |= outcome_unknown(&error);
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
                return self.next_step(local);
            }
        }
        if retry.resend_adds_after_check
            && self.op.idempotency() == Idempotency::NotIdempotent
            && outcome_unknown(&error)
            && let Some(check) = self.op.landed_check()
        {
            // Opted in: wait as for any retry, then look for the faces before resending.
            let decision = retry.decide(self.attempts, Idempotency::Idempotent, &error, seed);
            self.checking = Some(check);
            return self.retry_or_stop(decision, error, local);
        }
        let decision = retry.decide(self.attempts, self.op.idempotency(), &error, seed);
        self.retry_or_stop(decision, error, local)
    }

    /// Records the answer to the check of a lost add: its faces found end the call, none
    /// found resends the add, and a check that failed leaves the outcome unknown.
    fn record_check<E: TransportError>(
        &mut self,
        outcome: Result<http::Response<Bytes>, E>,
        local: SystemTime,
    ) -> Step<O::Output, E> {
        let checked = match (self.checking.take(), outcome) {
            (Some(check), Ok(response)) => check.parse(response).map_err(|e| e.to_string()),
            (_, Err(e)) => Err(e.to_string()),
            (None, Ok(_)) => Err("no check was under way".to_owned()),
        };
        let reply = match checked {
            Ok(reply) => reply,
            Err(reason) => return Step::Done(Err(Error::Call(CallError::AddOutcomeUnknown { reason }))),
        };
        let hits = reply.value.faces.unwrap_or_default();
        if hits.is_empty() {
            // The lost attempt did not land: resend (the backoff was waited before the check).
            return self.next_step(local);
        }
        match self.op.landed(hits) {
            Some(value) => {
                self.succeeded();
                Step::Done(Ok(Reply {
                    value,
                    status: reply.status,
                    request_id: reply.request_id,
                    outcome: Outcome::FoundAfterLostAnswer,
                }))
            }
            None => Step::Done(Err(Error::Call(CallError::AddOutcomeUnknown {
                reason: "faces with its external_image_id were found, but the operation cannot report them"
                    .to_owned(),
            }))),
        }
    }

    /// Follows the policy's decision unless the whole-call deadline or the retry budget
    /// forbids the retry; then the call ends with `error`.
    fn retry_or_stop<E: TransportError>(
        &mut self,
        decision: RetryDecision,
        error: Error<E>,
        now: SystemTime,
    ) -> Step<O::Output, E> {
        match self.admit(decision, &error, now) {
            Some(wait) => {
                self.trace.waiting(wait);
                Step::Sleep(wait)
            }
            None => Step::Done(Err(error)),
        }
    }

    /// The wait before a retry, if the deadline and the budget allow one.
    fn admit<E: TransportError>(
        &mut self,
        decision: RetryDecision,
        error: &Error<E>,
        now: SystemTime,
    ) -> Option<Duration> {
        let RetryDecision::RetryAfter(wait) = decision else {
            return None;
        };
        let retry = self.config.retry();
        if let (Some(limit), Some(start)) = (retry.call_timeout, self.started) {
            let elapsed = now.duration_since(start).unwrap_or(Duration::ZERO);
            if elapsed.saturating_add(wait) >= limit {
                return None;
            }
        }
        if let Some(budget) = &retry.budget {
            let timed_out = matches!(error, Error::Transport(e) if e.kind() == TransportErrorKind::Timeout);
            let cost = if timed_out { budget.timeout_cost } else { budget.retry_cost };
            if !self.shared.withdraw(budget, cost) {
                return None;
            }
            self.last_cost = cost;
        }
        Some(wait)
    }

    /// A success: refill the budget (the last retry's cost, or the small refund of a first
    /// attempt) and, in adaptive mode, speed up again.
    fn succeeded(&mut self) {
        if let Some(budget) = &self.config.retry().budget {
            let refund = if self.last_cost > 0 { self.last_cost } else { budget.success_refund };
            self.shared.refund(budget, refund);
        }
        self.shared.succeeded();
    }

    /// The clock offset (the service's time minus the signing time, in seconds) when
    /// `error` refuses a signature and the answer's `Date` shows a skewed clock; once per
    /// call, and only for signed requests.
    fn skew<E>(&self, error: &Error<E>, server_date: Option<SystemTime>) -> Option<i64> {
        if self.skew_corrected
            || !matches!(self.config.credentials(), Credentials::AccessKey { .. } | Credentials::Metadata(_))
            || !error.service().is_some_and(|e| {
                e.status.as_u16() == 401
                    && matches!(e.code, ErrorCode::GatewayIamAuthFailed | ErrorCode::GatewayAppAuthFailed)
            })
        {
            return None;
        }
        let (server, signed) = (server_date?, self.signed_at?);
        let offset = match server.duration_since(signed) {
            Ok(ahead) => i64::try_from(ahead.as_secs()).ok()?,
            Err(behind) => -i64::try_from(behind.duration().as_secs()).ok()?,
        };
        (offset.abs() > SKEW_THRESHOLD_SECS).then_some(offset)
    }
}

/// Whether an answer says the quota is exhausted (HTTP 429, `APIGW.0308`).
fn is_throttling<E>(error: &Error<E>) -> bool {
    error.status().is_some_and(|s| s.as_u16() == 429)
        || error.code().is_some_and(|c| *c == ErrorCode::GatewayThrottled)
}

/// Whether the service may have acted on the request of a failed attempt (the call's own
/// stops aside).
fn outcome_unknown<E: TransportError>(error: &Error<E>) -> bool {
    !matches!(error, Error::Call(_)) && error.may_have_acted()
}

impl<O: Operation + ?Sized> Call<'_, O> {
    /// Records the answer to a metadata call: a session token, or the temporary keys.
    fn record_metadata<E: TransportError>(
        &mut self,
        provider: &MetadataProvider,
        outcome: Result<http::Response<Bytes>, E>,
        local: SystemTime,
        seed: u64,
    ) -> Step<O::Output, E> {
        let now = self.corrected(local);
        let (path, error) = if self.phase == Phase::MetadataToken {
            let result = match outcome {
                Ok(response) => provider.issue_token().parse(response).map_err(Error::into_transport),
                Err(e) => Err(Error::Transport(e)),
            };
            match result {
                Ok(reply) => {
                    provider.store_token(&reply.value, now);
                    self.token_attempts = 0;
                    return self.next_step(local);
                }
                // No token API (an older metadata service): read the keys without one.
                Err(e) if e.status().is_some_and(|s| matches!(s.as_u16(), 404 | 405)) => {
                    provider.store_no_token(now);
                    self.token_attempts = 0;
                    return self.next_step(local);
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
                    return self.next_step(local);
                }
                // The session token was refused (expired, revoked): get one and read again, once.
                Err(e) if e.status().is_some_and(|s| s.as_u16() == 401) && !self.session_renewed => {
                    provider.drop_session();
                    self.session_renewed = true;
                    self.token_attempts = 0;
                    return self.next_step(local);
                }
                Err(e) => (SECURITY_KEY_PATH, e),
            }
        };
        let decision = self.config.retry().decide(self.token_attempts, Idempotency::Idempotent, &error, seed);
        match self.admit(decision, &error, local) {
            Some(wait) => {
                self.trace.waiting(wait);
                Step::Sleep(wait)
            }
            None => Step::Done(Err(Error::Call(CallError::Metadata {
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
    sleep: impl FnMut(Duration),
) -> Result<Reply<O::Output>, Error<T::Error>>
where
    T: SyncTransport + ?Sized,
    O: Operation + ?Sized,
{
    drive_blocking(Call::new(config, op), transport, clock, sleep)
}

/// Drives `call` to its end over a blocking transport.
pub(crate) fn drive_blocking<T, O>(
    mut call: Call<'_, O>,
    transport: &T,
    clock: impl Fn() -> SystemTime,
    mut sleep: impl FnMut(Duration),
) -> Result<Reply<O::Output>, Error<T::Error>>
where
    T: SyncTransport + ?Sized,
    O: Operation + ?Sized,
{
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
    drive_async(Call::new(config, op), transport, clock, sleep).await
}

/// Drives `call` to its end over an async transport.
pub(crate) async fn drive_async<T, O, S, F>(
    mut call: Call<'_, O>,
    transport: &T,
    clock: impl Fn() -> SystemTime,
    sleep: S,
) -> Result<Reply<O::Output>, Error<T::Error>>
where
    T: AsyncTransport + ?Sized,
    O: Operation + ?Sized,
    S: Fn(Duration) -> F,
    F: Future<Output = ()>,
{
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
