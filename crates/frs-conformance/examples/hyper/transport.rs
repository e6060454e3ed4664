//! An async transport over hyper 1.x (`hyper-util`'s pooled client on tokio): what a
//! runtime built on hyper adds to the sans-IO core.

use bytes::Bytes;
use frs_request::{AsyncTransport, TransportError, TransportErrorKind, TransportLimits};
use http_body_util::{BodyExt as _, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// Why an exchange failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HyperError {
    /// hyper could not connect, send or read the head.
    #[error(transparent)]
    Client(#[from] hyper_util::client::legacy::Error),
    /// The body failed or was over the cap.
    #[error("reading the answer body: {0}")]
    Body(Box<dyn std::error::Error + Send + Sync>),
    /// The attempt took longer than the limit.
    #[error("no complete answer within {0:?}")]
    Timeout(std::time::Duration),
}

impl TransportError for HyperError {
    fn kind(&self) -> TransportErrorKind {
        match self {
            Self::Client(e) if e.is_connect() => TransportErrorKind::Connect,
            Self::Body(e) if e.is::<http_body_util::LengthLimitError>() => TransportErrorKind::BodyTooLarge,
            Self::Timeout(_) => TransportErrorKind::Timeout,
            _ => TransportErrorKind::Other,
        }
    }
}

/// A pooled hyper client applying [`TransportLimits`]; it follows no redirects (hyper
/// never does) and adds only `Host` and `Content-Length`, which are not signed headers it
/// could change.
#[derive(Debug, Clone)]
pub(crate) struct HyperTransport {
    client: Client<HttpConnector, Full<Bytes>>,
    limits: TransportLimits,
}

impl HyperTransport {
    /// A transport with its own connection pool.
    pub(crate) fn new(limits: TransportLimits) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(limits.connect_timeout));
        connector.set_nodelay(true);
        Self { client: Client::builder(TokioExecutor::new()).build(connector), limits }
    }
}

impl AsyncTransport for HyperTransport {
    type Error = HyperError;

    async fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, HyperError> {
        let max = usize::try_from(self.limits.max_response_bytes).unwrap_or(usize::MAX);
        let exchange = async {
            let (head, body) = self.client.request(request.map(Full::new)).await?.into_parts();
            let body = Limited::new(body, max).collect().await.map_err(HyperError::Body)?;
            Ok(http::Response::from_parts(head, body.to_bytes()))
        };
        let total = self.limits.total_timeout;
        tokio::time::timeout(total, exchange).await.map_err(|_| HyperError::Timeout(total))?
    }
}
