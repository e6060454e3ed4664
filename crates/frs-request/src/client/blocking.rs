//! The blocking client.

use frs_types::FaceSetName;
use frs_types::ValidationError;
use frs_types::models::faces::FaceSetFace;

use super::BlockingRuntime;
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
