//! The async client.

use frs_types::FaceSetName;
use frs_types::ValidationError;
use frs_types::models::faces::FaceSetFace;
use futures_util::Stream;

use super::AsyncRuntime;
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
