//! Many operations at once: adding a folder of faces, deleting thousands of selectors.
//!
//! The decisions live here, without I/O: [`BulkRun`] hands out the next item while the run
//! may go on, records each outcome, and stops the run when failures pass
//! [`BulkOptions::max_failures`] or an error says every further item would fail too (the
//! credentials were refused, the face set does not exist or is full). Retries stay per
//! item, in each call's own retry policy; the QPS cap is the client's rate limit
//! ([`BlockingClient::with_rate_limit`](crate::BlockingClient::with_rate_limit)), shared by
//! every worker.
//!
//! The clients drive it: [`BlockingClient::execute_many`](crate::BlockingClient::execute_many)
//! with a bounded pool of workers (the runtime's [`run_workers`](crate::BlockingRuntime::run_workers)),
//! [`AsyncClient::execute_many`](crate::AsyncClient::execute_many) as a stream of outcomes
//! with at most [`BulkOptions::concurrency`] calls in flight. Input is pulled one item at a
//! time as a worker frees up, never collected whole.

use frs_types::ErrorCode;
use frs_types::models::faces::DeleteFacesResponse;

use crate::error::Error;
use crate::faces::nothing_matched;
use crate::operation::Reply;
use crate::response::Outcome;

/// How a bulk run proceeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkOptions {
    /// Calls in flight at once (at least 1; the default is 4).
    pub concurrency: usize,
    /// Failed items after which no further item is started (`None`: never stop for
    /// failures alone). Calls already in flight still finish and are reported.
    pub max_failures: Option<u64>,
}

impl Default for BulkOptions {
    fn default() -> Self {
        Self { concurrency: 4, max_failures: None }
    }
}

impl BulkOptions {
    /// `concurrency` calls at once, no failure limit.
    pub fn concurrency(concurrency: usize) -> Self {
        Self { concurrency, ..Self::default() }
    }

    /// The number of workers a run uses: `concurrency`, at least 1.
    pub fn workers(&self) -> usize {
        self.concurrency.max(1)
    }
}

/// Counts of a run so far, handed to progress callbacks and returned at the end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BulkProgress {
    /// Items started (handed to a worker).
    pub started: u64,
    /// Items that ended with a success.
    pub succeeded: u64,
    /// Items that ended with an error.
    pub failed: u64,
}

impl BulkProgress {
    /// Items that ended, either way.
    pub fn finished(&self) -> u64 {
        self.succeeded + self.failed
    }
}

/// Why a run stopped before its input ran out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkStop {
    /// More items failed than [`BulkOptions::max_failures`] allows.
    TooManyFailures {
        /// The limit that was passed.
        max: u64,
    },
    /// An error that every further item would meet too: credentials refused (HTTP 401,
    /// 403), the face set unknown or full.
    Fatal {
        /// The error's code, when the service gave one.
        code: Option<ErrorCode>,
        /// The error, as text (never a secret).
        message: String,
    },
}

/// The end of a run: the counts, and why it stopped early if it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkSummary {
    /// The final counts.
    pub progress: BulkProgress,
    /// `None` when every item of the input was run.
    pub stopped: Option<BulkStop>,
}

/// One item's outcome: the key it was given with, its position in the input, and the
/// call's result.
#[derive(Debug)]
pub struct BulkItem<K, T, E> {
    /// What the caller passed with the operation (a path, a line number, a ledger row).
    pub key: K,
    /// The item's position in the input, from 0.
    pub index: u64,
    /// The call's result, as [`execute`](crate::BlockingClient::execute) returns it.
    pub result: Result<Reply<T>, Error<E>>,
}

/// What a bulk run's stream yields
/// ([`AsyncClient::execute_many`](crate::AsyncClient::execute_many)): each item as it ends,
/// with the counts so far, then the summary once.
// An item lives for one turn of the caller's loop; boxing would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum BulkEvent<K, T, E> {
    /// An item ended.
    Item {
        /// The item.
        item: BulkItem<K, T, E>,
        /// The counts, this item included.
        progress: BulkProgress,
    },
    /// The run is over (the last event).
    Finished(BulkSummary),
}

/// What became of one delete of a bulk delete, as a summary counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteOutcome {
    /// The service deleted faces: how many, when it said (not after a lost answer).
    Deleted(Option<u64>),
    /// Nothing matched: already absent (`FRS.0402`, `FRS.0403`, `FRS.0407`). The service
    /// also answers `FRS.0402` for a field the set does not have; a selector is checked
    /// against the schema before the run, so here it means the value.
    AlreadyAbsent,
    /// Any other error.
    Failed,
}

impl DeleteOutcome {
    /// Classifies the result of a delete (by selector or by filter).
    pub fn of<E>(result: &Result<Reply<DeleteFacesResponse>, Error<E>>) -> Self {
        match result {
            Ok(reply) if matches!(reply.outcome, Outcome::GoneCountUnknown { .. }) => Self::Deleted(None),
            Ok(reply) => Self::Deleted(reply.value.face_number),
            Err(error) if error.code().is_some_and(nothing_matched) => Self::AlreadyAbsent,
            Err(_) => Self::Failed,
        }
    }
}

/// The state of a bulk run, shared by its workers: what has been handed out and how it
/// ended, and whether to go on.
#[derive(Debug, Clone, Default)]
pub struct BulkRun {
    options: BulkOptions,
    progress: BulkProgress,
    stopped: Option<BulkStop>,
}

impl BulkRun {
    /// A run under `options`.
    pub fn new(options: BulkOptions) -> Self {
        Self { options, progress: BulkProgress::default(), stopped: None }
    }

    /// Whether another item may start (the run has not stopped).
    pub fn may_start(&self) -> bool {
        self.stopped.is_none()
    }

    /// Counts an item as started.
    pub fn start(&mut self) {
        self.progress.started += 1;
    }

    /// Records an item's result, deciding whether the run goes on.
    pub fn record<T, E: std::fmt::Display>(&mut self, result: &Result<Reply<T>, Error<E>>) {
        let Err(error) = result else {
            self.progress.succeeded += 1;
            return;
        };
        self.progress.failed += 1;
        if self.stopped.is_some() {
            return;
        }
        if is_fatal(error) {
            self.stopped = Some(BulkStop::Fatal { code: error.code().cloned(), message: error.to_string() });
        } else if let Some(max) = self.options.max_failures
            && self.progress.failed > max
        {
            self.stopped = Some(BulkStop::TooManyFailures { max });
        }
    }

    /// The counts so far.
    pub fn progress(&self) -> BulkProgress {
        self.progress
    }

    /// The end of the run.
    pub fn summary(&self) -> BulkSummary {
        BulkSummary { progress: self.progress, stopped: self.stopped.clone() }
    }
}

/// Whether `error` means every further item fails too, so the run should stop.
fn is_fatal<E>(error: &Error<E>) -> bool {
    let Error::Service(e) = error else {
        return false;
    };
    matches!(e.status.as_u16(), 401 | 403)
        || matches!(
            e.code,
            ErrorCode::FaceSetNotFound
                | ErrorCode::FaceSetFull
                | ErrorCode::TokenInvalid
                | ErrorCode::GatewayIamAuthFailed
                | ErrorCode::GatewayAppAuthFailed
                | ErrorCode::GatewayTokenMustBeUpdated
        )
}
