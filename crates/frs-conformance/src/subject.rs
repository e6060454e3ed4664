//! The transport under test, behind the client that drives it.

use std::time::{Duration, SystemTime};

use frs_request::bulk::{BulkEvent, BulkItem, BulkOptions, BulkSummary};
use frs_request::{
    AsyncClient, AsyncTransport, BlockingClient, Config, Error, Operation, RateLimit, Reply, SharedState,
    StdRuntime, SyncTransport, TransportError,
};
use frs_types::FaceSetName;
use frs_types::models::faces::FaceSetFace;
use futures_util::StreamExt as _;

/// What the checks need of a client: run an operation, walk a listing. The two
/// implementations drive the core's own clients, so the suite tests the transport through
/// exactly the code users run.
pub trait Subject {
    /// The transport's error.
    type Error: TransportError;

    /// Runs `op` through the client.
    ///
    /// # Errors
    /// The client's error.
    fn execute<O: Operation + Sync>(&self, op: &O) -> Result<Reply<O::Output>, Error<Self::Error>>;

    /// Every item of a listing of `face_set`; `before` is called with the item's index
    /// before each item is pulled (to inject a fault mid-listing).
    fn faces(
        &self,
        face_set: FaceSetName,
        page_size: u32,
        before: &mut dyn FnMut(usize),
    ) -> Vec<Result<FaceSetFace, Error<Self::Error>>>;

    /// What the client's clones share (budget, clock offset, rate limit).
    fn shared(&self) -> &SharedState;

    /// The same subject with a client-side rate limit.
    #[must_use]
    fn with_rate_limit(self, limit: RateLimit) -> Self;

    /// Runs `ops` through the client's bulk helper; the items in the order they ended.
    fn execute_many<O>(
        &self,
        ops: Vec<(u64, O)>,
        options: BulkOptions,
    ) -> BulkResults<O::Output, Self::Error>
    where
        O: Operation + Send + Sync,
        O::Output: Send;
}

/// The items of a bulk run in the order they ended, and its summary.
pub type BulkResults<T, E> = (Vec<BulkItem<u64, T, E>>, BulkSummary);

/// A blocking transport, driven by [`BlockingClient`] on the test's thread.
#[derive(Debug)]
pub struct Blocking<T>(BlockingClient<T, StdRuntime>);

impl<T: SyncTransport> Blocking<T> {
    /// The client of `config` over `transport`.
    pub fn new(config: Config, transport: T) -> Self {
        Self(BlockingClient::with_runtime(config, transport, StdRuntime))
    }
}

impl<T: SyncTransport + Sync> Subject for Blocking<T> {
    type Error = T::Error;

    fn execute<O: Operation + Sync>(&self, op: &O) -> Result<Reply<O::Output>, Error<T::Error>> {
        self.0.execute(op)
    }

    fn faces(
        &self,
        face_set: FaceSetName,
        page_size: u32,
        before: &mut dyn FnMut(usize),
    ) -> Vec<Result<FaceSetFace, Error<T::Error>>> {
        let Ok(mut faces) = self.0.faces(face_set, page_size) else { return Vec::new() };
        pull_all(before, || faces.next())
    }

    fn shared(&self) -> &SharedState {
        self.0.shared()
    }

    fn with_rate_limit(self, limit: RateLimit) -> Self {
        Self(self.0.with_rate_limit(limit))
    }

    fn execute_many<O>(&self, ops: Vec<(u64, O)>, options: BulkOptions) -> BulkResults<O::Output, T::Error>
    where
        O: Operation + Send + Sync,
        O::Output: Send,
    {
        let items = std::sync::Mutex::new(Vec::new());
        let summary = self.0.execute_many(ops, options, |item, _| {
            items.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(item);
        });
        (items.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner), summary)
    }
}

/// Pulls every item, calling `before` with each item's index first.
fn pull_all<I>(before: &mut dyn FnMut(usize), mut next: impl FnMut() -> Option<I>) -> Vec<I> {
    let mut items = Vec::new();
    loop {
        before(items.len());
        match next() {
            Some(item) => items.push(item),
            None => return items,
        }
    }
}

/// An async transport, driven by [`AsyncClient`] on a tokio runtime of its own.
#[derive(Debug)]
pub struct Async<T> {
    client: AsyncClient<T, TokioTime>,
    runtime: tokio::runtime::Runtime,
}

/// Tokio's sleep and the system clock.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TokioTime;

impl frs_request::AsyncRuntime for TokioTime {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
    fn sleep(&self, wait: Duration) -> impl Future<Output = ()> + Send {
        tokio::time::sleep(wait)
    }
}

impl<T: AsyncTransport> Async<T> {
    /// The client of `config` over `transport`, with a current-thread runtime to drive it.
    ///
    /// # Panics
    /// When tokio cannot start a runtime (a test harness failure).
    #[allow(clippy::expect_used)]
    pub fn new(config: Config, transport: T) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime for the async checks");
        Self { client: AsyncClient::with_runtime(config, transport, TokioTime), runtime }
    }
}

impl<T: AsyncTransport> Subject for Async<T> {
    type Error = T::Error;

    fn execute<O: Operation + Sync>(&self, op: &O) -> Result<Reply<O::Output>, Error<T::Error>> {
        self.runtime.block_on(self.client.execute(op))
    }

    fn faces(
        &self,
        face_set: FaceSetName,
        page_size: u32,
        before: &mut dyn FnMut(usize),
    ) -> Vec<Result<FaceSetFace, Error<T::Error>>> {
        let Ok(faces) = self.client.faces(face_set, page_size) else { return Vec::new() };
        let mut faces = std::pin::pin!(faces);
        pull_all(before, || self.runtime.block_on(faces.next()))
    }

    fn shared(&self) -> &SharedState {
        self.client.shared()
    }

    fn with_rate_limit(self, limit: RateLimit) -> Self {
        Self { client: self.client.with_rate_limit(limit), runtime: self.runtime }
    }

    fn execute_many<O>(&self, ops: Vec<(u64, O)>, options: BulkOptions) -> BulkResults<O::Output, T::Error>
    where
        O: Operation + Send + Sync,
        O::Output: Send,
    {
        let mut events = std::pin::pin!(self.client.execute_many(ops, options));
        let mut items = Vec::new();
        while let Some(event) = self.runtime.block_on(events.next()) {
            match event {
                BulkEvent::Item { item, .. } => items.push(item),
                BulkEvent::Finished(summary) => return (items, summary),
            }
        }
        (items, BulkSummary { progress: Default::default(), stopped: None })
    }
}
