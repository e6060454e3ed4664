//! When to try again, decided without a clock or a random source of its own.

use std::time::Duration;

use crate::error::{Error, TransportError, TransportErrorKind};

/// Whether an operation may be sent again after an attempt whose outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Idempotency {
    /// Sending it twice leaves the service as sending it once (GET, PUT, DELETE).
    ///
    /// The *answer* may differ: a delete retried after a lost answer can report that
    /// nothing matched, because the first attempt already deleted the faces.
    Idempotent,
    /// Sending it twice may act twice (adding faces, creating a face set); it is resent
    /// only when the service certainly did not act (connection refused, throttled).
    NotIdempotent,
}

/// How the wait before a retry is spread, so that many clients failing at once do not all
/// come back at the same instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Jitter {
    /// Half the backoff fixed, half random (the default): never a near-zero wait.
    #[default]
    Equal,
    /// Anywhere between zero and the backoff ("full jitter"): the widest spread, which
    /// relieves a recovering service most.
    Full,
    /// Exactly the backoff (for tests and tools that must be reproducible).
    None,
}

/// The retry budget: a token bucket, shared by every clone of a client, that each retry
/// draws from (as in aws-sdk-rust's standard retry mode).
///
/// A failing service is then not hammered by every caller at once: once the bucket is
/// empty, calls still make their first attempt but retry no more until successes have
/// refilled it. First attempts never cost anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RetryBudget {
    /// Tokens in a full bucket (and in a new one).
    pub capacity: u32,
    /// What a retry after an error answer or a failed connection costs.
    pub retry_cost: u32,
    /// What a retry after a timeout or a lost answer costs (more: the service may be
    /// overloaded rather than briefly unavailable).
    pub timeout_cost: u32,
    /// What a call that succeeds at its first attempt gives back. A call that succeeds
    /// after retries gives back the cost of its last retry instead.
    pub success_refund: u32,
}

impl Default for RetryBudget {
    /// 500 tokens, 5 a retry, 10 a retry after a timeout, 1 back per first-attempt success
    /// (aws-sdk-rust's standard mode).
    fn default() -> Self {
        Self { capacity: 500, retry_cost: 5, timeout_cost: 10, success_refund: 1 }
    }
}

/// How many times to try and how long to wait in between.
///
/// The decision ([`RetryPolicy::decide`]) is a pure function: the execute loops feed it the
/// outcome of an attempt and a random number, and sleep for what it returns. Every retry is
/// a new, freshly signed request. The clients add what needs state shared across calls:
/// the [`RetryBudget`] and the whole-call deadline ([`RetryPolicy::call_timeout`]).
///
/// All defaults are listed on [`RetryPolicy::default`] (and in `docs/reliability.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included; 1 means no retry.
    pub max_attempts: u32,
    /// The wait before the first retry; it doubles on every further retry.
    pub initial_backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
    /// The longest `Retry-After` that is honoured; when the service asks for more, the
    /// error is returned instead (a long wait would also age the signature).
    pub max_retry_after: Duration,
    /// How the backoff is spread.
    pub jitter: Jitter,
    /// The longest a whole call may take, every attempt and wait included: no retry is
    /// started (and no wait begun) that would end past it, and the last error is returned
    /// instead. `None` means no bound beyond the attempts' own. An attempt under way is
    /// bounded by the transport's per-attempt timeout, not cut short.
    pub call_timeout: Option<Duration>,
    /// The retry budget shared by the clones of a client; `None` turns it off.
    pub budget: Option<RetryBudget>,
    /// Whether an add whose outcome is unknown (a lost answer, a timeout, a 5xx) may be
    /// resent after a check (off by default: such adds are never resent).
    ///
    /// When on, the client first searches the face set with the same image, filtered by the
    /// add's `external_image_id`: if faces with that id are there, the first attempt landed
    /// and the call ends with them ([`Outcome::FoundAfterLostAnswer`]); if none are, the add
    /// is resent. An add without an `external_image_id` cannot be checked and is never
    /// resent; a check that cannot tell ends the call with
    /// [`CallError::AddOutcomeUnknown`](crate::CallError::AddOutcomeUnknown).
    ///
    /// The check cannot see an attempt the service is still working on (a per-attempt
    /// timeout shorter than the service's processing): the backoff before the check is what
    /// leaves it time to finish.
    ///
    /// [`Outcome::FoundAfterLostAnswer`]: crate::Outcome::FoundAfterLostAnswer
    pub resend_adds_after_check: bool,
}

impl Default for RetryPolicy {
    /// The defaults, in one place:
    ///
    /// | setting | default |
    /// | --- | --- |
    /// | attempts | 3 (the first and two retries) |
    /// | backoff | 200 ms, doubling, at most 5 s, equal jitter |
    /// | `Retry-After` | honoured up to 60 s |
    /// | whole call | 120 s |
    /// | budget | 500 tokens, 5 per retry, 10 per retry after a timeout, 1 back per success |
    /// | adds after an unknown outcome | never resent (opt in to check, then resend: [`RetryPolicy::resend_adds_after_check`]) |
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
            jitter: Jitter::Equal,
            call_timeout: Some(Duration::from_secs(120)),
            budget: Some(RetryBudget::default()),
            resend_adds_after_check: false,
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Wait this long, then send a new attempt.
    RetryAfter(Duration),
    /// Give up and return the error.
    Stop,
}

impl RetryPolicy {
    /// Never retry (the official SDKs' default).
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// Decides whether attempt number `attempt` (1-based), which failed with `error`, is
    /// followed by another. `random` is any random number; it spreads the waits of many
    /// clients as [`RetryPolicy::jitter`] says.
    ///
    /// Throttling (HTTP 429) and refused connections are retried for every operation, as
    /// the service did not act on the request; timeouts, 5xx answers and other transport
    /// failures only for idempotent operations.
    pub fn decide<T: TransportError>(
        &self,
        attempt: u32,
        idempotency: Idempotency,
        error: &Error<T>,
        random: u64,
    ) -> RetryDecision {
        if attempt >= self.max_attempts || !error.is_retryable() {
            return RetryDecision::Stop;
        }
        let service_did_not_act = match error {
            Error::Transport(e) => e.kind() == TransportErrorKind::Connect,
            Error::Service(e) => e.status.as_u16() == 429 || e.code.http_status() == Some(429),
            Error::Decode(e) => e.status.as_u16() == 429,
            Error::Build(_) | Error::Call(_) => false,
        };
        if !service_did_not_act && idempotency == Idempotency::NotIdempotent {
            return RetryDecision::Stop;
        }
        if let Some(wait) = error.service().and_then(|e| e.retry_after) {
            return if wait <= self.max_retry_after {
                RetryDecision::RetryAfter(wait)
            } else {
                RetryDecision::Stop
            };
        }
        let exp = self.initial_backoff.saturating_mul(1 << (attempt - 1).min(20));
        let backoff = exp.min(self.max_backoff);
        let (fixed, spread) = match self.jitter {
            Jitter::Equal => (backoff / 2, backoff / 2),
            Jitter::Full => (Duration::ZERO, backoff),
            Jitter::None => (backoff, Duration::ZERO),
        };
        let spread = u64::try_from(spread.as_nanos()).unwrap_or(u64::MAX);
        let jitter = if spread == 0 { 0 } else { random % spread };
        RetryDecision::RetryAfter(fixed + Duration::from_nanos(jitter))
    }
}
