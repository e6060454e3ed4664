//! The async client.

use frs_types::FaceSetName;
use frs_types::ValidationError;
use frs_types::models::faces::FaceSetFace;
use futures_util::Stream;

use std::sync::{Arc, Mutex, PoisonError};

use super::AsyncRuntime;
use crate::bulk::{BulkEvent, BulkOptions, BulkRun};
use crate::config::Config;
use crate::error::Error;
use crate::execute::{Call, drive_async};
use crate::listing::{FaceListing, ListingStep};
use crate::operation::{Operation, Reply};
use crate::shared::SharedState;
use crate::transport::{AsyncTransport, TransportLimits};

/// An async FRS client: a [`Config`], an [`AsyncTransport`] and an [`AsyncRuntime`].
///
/// Each call builds and signs a fresh request per attempt, sends it, and retries as the
/// configuration's [`RetryPolicy`](crate::RetryPolicy) decides, waiting in between. Its
/// futures are `Send`. `frs_reqwest::Client` is this type over reqwest and tokio.
#[derive(Debug, Clone)]
pub struct AsyncClient<T, R> {
    config: Config,
    transport: T,
    runtime: R,
    shared: SharedState,
}

impl<T: TryFrom<TransportLimits>, R: Default> AsyncClient<T, R> {
    /// A client over a transport built with default [`TransportLimits`].
    ///
    /// # Errors
    /// When the transport cannot be built (e.g. no TLS backend can be initialised).
    pub fn new(config: Config) -> Result<Self, T::Error> {
        Ok(Self::with_transport(config, T::try_from(TransportLimits::default())?))
    }
}

super::shared_parts!(AsyncClient);

impl<T: AsyncTransport, R: AsyncRuntime> AsyncClient<T, R> {
    /// Runs an operation: its typed answer, or the error of the last attempt.
    ///
    /// # Errors
    /// [`Error`]: bad input (nothing sent), transport failure, the service's error answer,
    /// or an answer that is not the service's.
    pub async fn execute<O: Operation + Sync + ?Sized>(
        &self,
        op: &O,
    ) -> Result<Reply<O::Output>, Error<T::Error>> {
        let runtime = &self.runtime;
        let call = Call::with_shared(&self.config, op, &self.shared);
        drive_async(call, &self.transport, || runtime.now(), |wait| runtime.sleep(wait)).await
    }

    /// Runs many operations (adds, deletes: any [`Operation`]) with at most
    /// `options.concurrency` calls in flight, as a stream: each item as it ends (in the
    /// order they end) with the counts so far, then [`BulkEvent::Finished`] with the
    /// summary.
    ///
    /// `ops` is pulled one item at a time as a slot frees up, each with a key of the
    /// caller's that comes back in its [`BulkItem`](crate::bulk::BulkItem). The calls run
    /// concurrently within the task polling the stream (nothing is spawned). Each call
    /// retries as the client's policy says; the run stops starting items when the
    /// [`BulkRun`] decides (too many failures, an error every item would meet).
    pub fn execute_many<'a, K, O, I>(
        &'a self,
        ops: I,
        options: BulkOptions,
    ) -> impl Stream<Item = BulkEvent<K, O::Output, T::Error>> + Send + 'a
    where
        I: IntoIterator<Item = (K, O)>,
        I::IntoIter: Send + 'a,
        K: Send + 'a,
        O: Operation + Send + Sync + 'a,
        O::Output: Send,
    {
        use futures_util::StreamExt as _;
        let run = Arc::new(Mutex::new(BulkRun::new(options)));
        let (gate, starts, records, end) = (run.clone(), run.clone(), run.clone(), run);
        let items = futures_util::stream::iter(ops.into_iter().zip(0u64..))
            // Asked each time a slot frees up: a stopped run starts nothing more.
            .take_while(move |_| std::future::ready(lock(&gate).may_start()))
            .map(move |((key, op), index)| {
                lock(&starts).start();
                async move {
                    let result = self.execute(&op).await;
                    crate::bulk::BulkItem { key, index, result }
                }
            })
            .buffer_unordered(options.workers())
            .map(move |item| {
                let mut run = lock(&records);
                run.record(&item.result);
                BulkEvent::Item { item, progress: run.progress() }
            });
        let finished = futures_util::stream::once(async move { BulkEvent::Finished(lock(&end).summary()) });
        items.chain(finished)
    }

    /// Every face of a face set, fetched `page_size` at a time as the stream is polled.
    ///
    /// The service lists at most the first 10 000 faces; when a set holds more, the last
    /// item is a [`CallError::ListingDepth`](crate::CallError::ListingDepth) error rather
    /// than a silent end. After any error the stream ends.
    ///
    /// # Errors
    /// A [`ValidationError`] for a `page_size` outside 1–10 000.
    pub fn faces(
        &self,
        face_set: FaceSetName,
        page_size: u32,
    ) -> Result<impl Stream<Item = Result<FaceSetFace, Error<T::Error>>> + Send + '_, ValidationError> {
        let listing = FaceListing::new(face_set, page_size)?;
        Ok(futures_util::stream::unfold(listing, move |mut listing| async move {
            loop {
                match listing.next_step() {
                    ListingStep::Face(face) => return Some((Ok(*face), listing)),
                    ListingStep::Fetch(op) => listing.receive(self.execute(&op).await),
                    ListingStep::Failed(error) => return Some((Err(error), listing)),
                    ListingStep::Done => return None,
                }
            }
        }))
    }
}

/// A lock that a panicking poll did not make unusable.
fn lock<V>(mutex: &Mutex<V>) -> std::sync::MutexGuard<'_, V> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
