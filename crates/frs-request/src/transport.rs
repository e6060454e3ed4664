//! What a transport is: anything that turns an `http::Request` into an `http::Response`.
//!
//! The runtime crates implement these traits over reqwest and ureq; a closure implements
//! them too, which is how requests are checked byte for byte without sockets:
//!
//! ```
//! use std::convert::Infallible;
//! use bytes::Bytes;
//! use frs_request::{faces::DeleteFaces, execute_blocking, Config, Credentials, Endpoint};
//!
//! let config = Config::new(
//!     Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
//!     "my-project".parse()?,
//!     Credentials::token("my-token"),
//! );
//! let transport = |req: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
//!     assert_eq!(req.uri().path_and_query().unwrap().as_str(),
//!                "/v2/my-project/face-sets/showFaceSet/faces?id=home");
//!     Ok(http::Response::new(Bytes::from_static(br#"{"face_number": 2}"#)))
//! };
//! let op = DeleteFaces::by_field("showFaceSet".parse()?, "id".parse()?, "home".parse()?);
//! let reply = execute_blocking(&config, &transport, &op, std::time::SystemTime::now, |_| {})?;
//! assert_eq!(reply.face_number, Some(2));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;

use crate::error::TransportError;

/// A blocking transport.
pub trait SyncTransport {
    /// The transport's error.
    type Error: TransportError;

    /// Sends the request as it is (no header added or changed that is signed) and returns
    /// the whole answer.
    ///
    /// # Errors
    /// The transport's error when no complete answer arrived.
    fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, Self::Error>;
}

impl<F, E> SyncTransport for F
where
    F: Fn(http::Request<Bytes>) -> Result<http::Response<Bytes>, E>,
    E: TransportError,
{
    type Error = E;
    fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, E> {
        self(request)
    }
}

/// An asynchronous transport; its futures are `Send`.
pub trait AsyncTransport: Send + Sync {
    /// The transport's error.
    type Error: TransportError;

    /// Sends the request as it is and returns the whole answer.
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, Self::Error>> + Send;
}

impl<F, Fut, E> AsyncTransport for F
where
    F: Fn(http::Request<Bytes>) -> Fut + Send + Sync,
    Fut: Future<Output = Result<http::Response<Bytes>, E>> + Send,
    E: TransportError,
{
    type Error = E;
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, E>> + Send {
        self(request)
    }
}

/// A boxed future of a transport's answer.
pub type BoxSendFuture<'a, E> = Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, E>> + Send + 'a>>;

/// The object-safe twin of [`AsyncTransport`], for storing transports as
/// `Arc<dyn DynAsyncTransport<Error = E>>`; every `AsyncTransport` is one.
pub trait DynAsyncTransport: Send + Sync {
    /// The transport's error.
    type Error: TransportError;

    /// Sends the request; the future is boxed.
    fn send_boxed(&self, request: http::Request<Bytes>) -> BoxSendFuture<'_, Self::Error>;
}

impl<T: AsyncTransport> DynAsyncTransport for T {
    type Error = T::Error;
    fn send_boxed(&self, request: http::Request<Bytes>) -> BoxSendFuture<'_, Self::Error> {
        Box::pin(self.send(request))
    }
}

/// A shared, type-erased async transport, usable wherever an [`AsyncTransport`] is.
pub struct SharedAsyncTransport<E>(pub Arc<dyn DynAsyncTransport<Error = E>>);

impl<E> Clone for SharedAsyncTransport<E> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<E: TransportError> AsyncTransport for SharedAsyncTransport<E> {
    type Error = E;
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, E>> + Send {
        self.0.send_boxed(request)
    }
}

/// Limits every transport applies, so a slow or hostile peer can neither hang a call nor
/// exhaust memory. The transports take them as they are; they hold no request logic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportLimits {
    /// Longest wait for a connection (TCP and TLS).
    pub connect_timeout: std::time::Duration,
    /// Longest time for a whole attempt: sending, waiting and reading the answer.
    pub total_timeout: std::time::Duration,
    /// Largest answer body read; a larger one fails with
    /// [`TransportErrorKind::BodyTooLarge`](crate::TransportErrorKind::BodyTooLarge).
    pub max_response_bytes: u64,
}

impl TransportLimits {
    /// The default cap on answer bodies: 16 MiB, well above the largest FRS answer (a
    /// liveness result with a face picture).
    pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;
}

impl Default for TransportLimits {
    /// 10 s to connect, 120 s per attempt (the official SDKs wait 60 s + 120 s), 16 MiB.
    fn default() -> Self {
        Self {
            connect_timeout: std::time::Duration::from_secs(10),
            total_timeout: std::time::Duration::from_secs(120),
            max_response_bytes: Self::DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}
