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

/// How many times to try and how long to wait in between.
///
/// The decision ([`RetryPolicy::decide`]) is a pure function: the execute loops feed it the
/// outcome of an attempt and a random number, and sleep for what it returns. Every retry is
/// a new, freshly signed request.
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
}

impl Default for RetryPolicy {
    /// 3 attempts, 200 ms doubling up to 5 s, `Retry-After` honoured up to 60 s.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
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
    /// clients ("equal jitter": half the backoff fixed, half random).
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
        let half = backoff / 2;
        let spread = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        let jitter = if spread == 0 { 0 } else { random % spread };
        RetryDecision::RetryAfter(half + Duration::from_nanos(jitter))
    }
}
