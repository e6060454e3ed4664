//! The spans of a call, behind the `tracing` feature: `frs.call` (operation, attempts,
//! status, FRS code, request id, total wait, outcome) and, inside it, one `frs.attempt` per
//! request sent (what was sent, attempt number, status, FRS code, request id, latency, the
//! transport's failure kind, the wait that followed).
//!
//! What is recorded is chosen so that nothing secret can be: no header, no body, no URL
//! query, no message text — only numbers, codes and ids. Without the feature every method
//! is empty and the type holds nothing.

use std::time::{Duration, SystemTime};

use bytes::Bytes;

use crate::error::{Error, TransportError};
#[cfg(feature = "tracing")]
use crate::response::Outcome;
use crate::response::Reply;

/// The spans of one call (nothing without the `tracing` feature).
#[derive(Debug)]
pub(crate) struct CallTrace {
    #[cfg(feature = "tracing")]
    call: tracing::Span,
    /// The span of the request under way and when it was sent.
    #[cfg(feature = "tracing")]
    attempt: Option<(tracing::Span, SystemTime)>,
    #[cfg(feature = "tracing")]
    waited: Duration,
}

#[cfg(feature = "tracing")]
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl CallTrace {
    pub(crate) fn new(operation: &'static str) -> Self {
        #[cfg(not(feature = "tracing"))]
        let _ = operation;
        Self {
            #[cfg(feature = "tracing")]
            call: tracing::info_span!(
                "frs.call",
                operation,
                attempts = tracing::field::Empty,
                status = tracing::field::Empty,
                code = tracing::field::Empty,
                request_id = tracing::field::Empty,
                waited_ms = tracing::field::Empty,
                outcome = tracing::field::Empty,
            ),
            #[cfg(feature = "tracing")]
            attempt: None,
            #[cfg(feature = "tracing")]
            waited: Duration::ZERO,
        }
    }

    /// A request went out: `what` (the operation, or the credential request before it).
    pub(crate) fn sent(&mut self, what: &'static str, attempt: u32, now: SystemTime) {
        #[cfg(feature = "tracing")]
        {
            let span = tracing::info_span!(
                parent: &self.call,
                "frs.attempt",
                request = what,
                attempt,
                status = tracing::field::Empty,
                code = tracing::field::Empty,
                request_id = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
                failure = tracing::field::Empty,
                wait_ms = tracing::field::Empty,
            );
            self.attempt = Some((span, now));
        }
        #[cfg(not(feature = "tracing"))]
        let _ = (what, attempt, now);
    }

    /// The transport's outcome for the request under way.
    pub(crate) fn answered<E: TransportError>(
        &mut self,
        outcome: &Result<http::Response<Bytes>, E>,
        now: SystemTime,
    ) {
        #[cfg(feature = "tracing")]
        if let Some((span, sent)) = &self.attempt {
            span.record("latency_ms", millis(now.duration_since(*sent).unwrap_or_default()));
            match outcome {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    if let Some(id) = response.headers().get("x-request-id").and_then(|v| v.to_str().ok()) {
                        span.record("request_id", id);
                    }
                }
                Err(e) => {
                    span.record("failure", tracing::field::debug(e.kind()));
                }
            }
        }
        #[cfg(not(feature = "tracing"))]
        let _ = (outcome, now);
    }

    /// The error the answer was read as.
    pub(crate) fn failed<E>(&mut self, error: &Error<E>) {
        #[cfg(feature = "tracing")]
        if let (Some((span, _)), Some(code)) = (&self.attempt, error.code()) {
            span.record("code", code.as_str());
        }
        #[cfg(not(feature = "tracing"))]
        let _ = error;
    }

    /// The call waits this long (a retry's backoff, or the rate limit).
    pub(crate) fn waiting(&mut self, wait: Duration) {
        #[cfg(feature = "tracing")]
        {
            self.waited += wait;
            if let Some((span, _)) = &self.attempt {
                span.record("wait_ms", millis(wait));
            }
        }
        #[cfg(not(feature = "tracing"))]
        let _ = wait;
    }

    /// The call is over.
    pub(crate) fn finished<T, E>(&mut self, result: &Result<Reply<T>, Error<E>>, attempts: u32) {
        #[cfg(feature = "tracing")]
        {
            self.attempt = None;
            let call = &self.call;
            call.record("attempts", attempts);
            call.record("waited_ms", millis(self.waited));
            match result {
                Ok(reply) => {
                    call.record("status", reply.status.as_u16());
                    if let Some(id) = &reply.request_id {
                        call.record("request_id", id.as_str());
                    }
                    call.record(
                        "outcome",
                        match reply.outcome {
                            Outcome::GoneCountUnknown { .. } => "gone_count_unknown",
                            _ => "ok",
                        },
                    );
                }
                Err(error) => {
                    if let Some(status) = error.status() {
                        call.record("status", status.as_u16());
                    }
                    if let Some(code) = error.code() {
                        call.record("code", code.as_str());
                    }
                    if let Some(id) = error.request_id() {
                        call.record("request_id", id);
                    }
                    call.record("outcome", "error");
                }
            }
        }
        #[cfg(not(feature = "tracing"))]
        let _ = (result, attempts);
    }
}
