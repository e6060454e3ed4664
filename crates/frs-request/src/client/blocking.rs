//! The blocking client.

use frs_types::FaceSetName;
use frs_types::ValidationError;
use frs_types::models::faces::FaceSetFace;

use std::sync::{Mutex, PoisonError};

use super::BlockingRuntime;
use crate::bulk::{BulkItem, BulkOptions, BulkProgress, BulkRun, BulkSummary};
use crate::config::Config;
use crate::error::Error;
use crate::execute::{Call, drive_blocking};
use crate::listing::{FaceListing, ListingStep};
use crate::operation::{Operation, Reply};
use crate::shared::SharedState;
use crate::transport::SyncTransport;

/// A blocking FRS client: a [`Config`], a [`SyncTransport`] and a [`BlockingRuntime`].
///
/// Each call builds and signs a fresh request per attempt, sends it, and retries as the
/// configuration's [`RetryPolicy`](crate::RetryPolicy) decides, sleeping in between.
/// `frs_ureq::Client` is this type over ureq.
#[derive(Debug, Clone)]
pub struct BlockingClient<T, R> {
    config: Config,
    transport: T,
    runtime: R,
    shared: SharedState,
}

impl<T: Default, R: Default> BlockingClient<T, R> {
    /// A client over a default transport and runtime.
    pub fn new(config: Config) -> Self {
        Self::with_runtime(config, T::default(), R::default())
    }
}

super::shared_parts!(BlockingClient);

impl<T: SyncTransport, R: BlockingRuntime> BlockingClient<T, R> {
    /// Runs an operation: its typed answer, or the error of the last attempt.
    ///
    /// # Errors
    /// [`Error`]: bad input (nothing sent), transport failure, the service's error answer,
    /// or an answer that is not the service's.
    pub fn execute<O: Operation + ?Sized>(&self, op: &O) -> Result<Reply<O::Output>, Error<T::Error>> {
        drive_blocking(
            Call::with_shared(&self.config, op, &self.shared),
            &self.transport,
            || self.runtime.now(),
            |wait| {
                self.runtime.sleep(wait);
            },
        )
    }

    /// Every face of a face set, fetched `page_size` at a time as the iterator advances.
    ///
    /// The service lists at most the first 10 000 faces; when a set holds more, the last
    /// item is a [`CallError::ListingDepth`](crate::CallError::ListingDepth) error rather
    /// than a silent end. After any error the iterator ends.
    ///
    /// # Errors
    /// A [`ValidationError`] for a `page_size` outside 1–10 000.
    pub fn faces(&self, face_set: FaceSetName, page_size: u32) -> Result<Faces<'_, T, R>, ValidationError> {
        Ok(Faces { client: self, listing: FaceListing::new(face_set, page_size)? })
    }
}

impl<T: SyncTransport + Sync, R: BlockingRuntime + Sync> BlockingClient<T, R> {
    /// Runs many operations (adds, deletes: any [`Operation`]) with at most
    /// `options.concurrency` in flight, on the runtime's worker pool
    /// ([`BlockingRuntime::run_workers`]).
    ///
    /// `ops` is pulled one item at a time as a worker frees up, each with a key of the
    /// caller's (a path, a line number) that comes back in its [`BulkItem`]. `on_item` is
    /// called on the worker's thread as each item ends, with the counts so far. Each call
    /// retries as the client's policy says; the run stops starting items when the
    /// [`BulkRun`] decides (too many failures, an error every item would meet).
    ///
    /// ```
    /// # use std::convert::Infallible; use std::time::{Duration, SystemTime}; use bytes::Bytes;
    /// use frs_request::bulk::{BulkOptions, DeleteOutcome};
    /// use frs_request::{faces::DeleteFaces, BlockingClient, Config, Credentials, Endpoint};
    /// # let config = Config::new(Endpoint::parse("http://127.0.0.1:9")?, "my-project".parse()?,
    /// #                          Credentials::token("my-token"));
    /// # let transport = |_req: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
    /// #     Ok(http::Response::new(Bytes::from_static(br#"{"face_number": 1}"#)))
    /// # };
    /// # let client = BlockingClient::with_runtime(config, transport, (SystemTime::now, |_: Duration| {}));
    /// let ids = ["img-1", "img-2", "img-3"];
    /// let deletes = ids.iter().map(|id| Ok::<_, frs_request::types::ValidationError>((*id,
    ///     DeleteFaces::by_external_image_id("staff".parse()?, id.parse()?))));
    /// let deletes: Vec<_> = deletes.collect::<Result<_, _>>()?;
    /// let summary = client.execute_many(deletes, BulkOptions::concurrency(2), |item, progress| {
    ///     assert_eq!(DeleteOutcome::of(&item.result), DeleteOutcome::Deleted(Some(1)));
    ///     println!("{}: done ({} of 3)", item.key, progress.finished());
    /// });
    /// assert_eq!(summary.progress.succeeded, 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn execute_many<K, O, I, F>(&self, ops: I, options: BulkOptions, on_item: F) -> BulkSummary
    where
        I: IntoIterator<Item = (K, O)>,
        I::IntoIter: Send,
        K: Send,
        O: Operation + Send,
        F: Fn(BulkItem<K, O::Output, T::Error>, BulkProgress) + Sync,
    {
        let input = Mutex::new(ops.into_iter().zip(0u64..));
        let run = Mutex::new(BulkRun::new(options));
        let work = || {
            loop {
                // The input's lock orders the items (and their indexes); the run's decides.
                let next = {
                    let mut input = lock(&input);
                    if !lock(&run).may_start() {
                        return;
                    }
                    let next = input.next();
                    if next.is_some() {
                        lock(&run).start();
                    }
                    next
                };
                let Some(((key, op), index)) = next else { return };
                let result = self.execute(&op);
                let progress = {
                    let mut run = lock(&run);
                    run.record(&result);
                    run.progress()
                };
                on_item(BulkItem { key, index, result }, progress);
            }
        };
        self.runtime.run_workers(options.workers(), &work);
        lock(&run).summary()
    }
}

/// A lock that a panicking worker did not make unusable (its item is lost, not the run).
fn lock<V>(mutex: &Mutex<V>) -> std::sync::MutexGuard<'_, V> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The faces of a face set, page by page ([`BlockingClient::faces`]).
#[derive(Debug)]
pub struct Faces<'a, T: SyncTransport, R> {
    client: &'a BlockingClient<T, R>,
    listing: FaceListing<T::Error>,
}

impl<T: SyncTransport, R: BlockingRuntime> Iterator for Faces<'_, T, R> {
    type Item = Result<FaceSetFace, Error<T::Error>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.listing.next_step() {
                ListingStep::Face(face) => return Some(Ok(*face)),
                ListingStep::Fetch(op) => self.listing.receive(self.client.execute(&op)),
                ListingStep::Failed(error) => return Some(Err(error)),
                ListingStep::Done => return None,
            }
        }
    }
}
