//! The sans-IO core of the Huawei Cloud Face Recognition Service (FRS) SDK.
//!
//! It turns typed operations into `http::Request<Bytes>` values, signed or
//! token-authenticated, and `http::Response<Bytes>` values back into typed results. It
//! opens no socket, reads no clock and never sleeps: time and sleeping are arguments, so
//! the core embeds in any runtime. `frs-reqwest` (async) and `frs-ureq` (blocking) are thin
//! transports over it; any closure `Fn(http::Request<Bytes>) -> Result<http::Response<Bytes>, E>`
//! is a transport too.
//!
//! # When to use it
//!
//! Every program uses it: the operations, [`Config`], [`Credentials`] and [`Error`] are
//! here, whichever transport sends them. Depend on it *alone* when you bring your own HTTP
//! stack or runtime (implement [`SyncTransport`] or [`AsyncTransport`], one method, and use
//! [`BlockingClient`] / [`AsyncClient`]), or to test exact requests without a socket (a
//! closure as the transport, below). To just call the service, add `frs-ureq` (blocking) or
//! `frs-reqwest` (async) as well: their `Client` is this crate's client over their
//! transport. For a local service to test against, `frs-emulator`.
//!
//! # Where to start
//!
//! - [`Config`], [`Credentials`], [`Endpoint`]: where requests go and who sends them
//!   (`Config::for_region` for a public region, `Config::new` for any endpoint);
//!   [`chain`] finds them as the official SDKs do (explicit values, environment, profile
//!   file, ECS metadata — [`metadata`]), from what the caller read; [`env`](mod@env) reads the
//!   environment alone;
//! - the operations, one type each, grouped as the service groups them: [`face_sets`]
//!   ([`CreateFaceSet`](face_sets::CreateFaceSet), …), [`faces`]
//!   ([`AddFaces`](faces::AddFaces), [`DeleteFaces`](faces::DeleteFaces),
//!   [`BatchDeleteFaces`](faces::BatchDeleteFaces), [`ShowFaces`](faces::ShowFaces),
//!   [`UpdateFace`](faces::UpdateFace)), [`search`] ([`SearchFaces`](search::SearchFaces)),
//!   [`detection`] ([`DetectFaces`](detection::DetectFaces),
//!   [`CompareFaces`](detection::CompareFaces)), [`liveness`]
//!   ([`DetectLive`](liveness::DetectLive), [`DetectLiveFace`](liveness::DetectLiveFace)) and
//!   [`iam`] (tokens, project discovery); all implement [`Operation`], and [`catalogue`]
//!   lists them;
//! - [`BlockingClient`] and [`AsyncClient`]: an operation with retries (`execute`), a face
//!   set page by page (`faces`, over [`faces::FaceListing`]), many operations at once
//!   (`execute_many`, [`bulk`]);
//! - [`Error`]: one error type — bad input ([`BuildError`]), transport, service error code
//!   ([`ServiceError`], [`frs_types::ErrorCode`]), undecodable answer ([`DecodeError`]), the
//!   client's own decisions ([`CallError`]); [`Reply`] and [`Outcome`] on success;
//! - [`RetryPolicy`] (what is retried, how long to wait) and the execute loops
//!   [`execute_blocking`] / [`execute_async`], both driving the [`Call`] state machine;
//! - [`sign`]: the `SDK-HMAC-SHA256` signer as pure functions ([`server`] holds what only a
//!   server needs: the verifier, the multipart parser).
//!
//! The path of one request through these types is told in `docs/architecture.md`; the
//! guide for newcomers is `docs/guide.md`.
//!
//! # Examples
//!
//! The exact request, signed, without sending it:
//!
//! ```
//! use std::time::SystemTime;
//! use frs_request::{faces::DeleteFaces, Config, Credentials, Operation};
//! use frs_types::Region;
//!
//! let config = Config::for_region(&Region::CN_NORTH_4, "0a1b2c3d4e5f".parse()?,
//!                                 Credentials::access_key("MY-AK", "MY-SK"));
//! let op = DeleteFaces::by_external_image_id("showFaceSet".parse()?, "imageID".parse()?);
//! let request = op.to_request(&config, SystemTime::now())?;   // signed, ready to send
//! assert_eq!(request.uri().to_string(), "https://face.cn-north-4.myhuaweicloud.com\
//!     /v2/0a1b2c3d4e5f/face-sets/showFaceSet/faces?external_image_id=imageID");
//! assert!(request.headers().contains_key("authorization"));
//! assert!(!format!("{request:?}").contains("Signature="));       // sensitive headers are hidden
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A client over a closure transport and a closure runtime (clock, sleep): the retries are
//! the real ones, the answers are yours — a retryable `FRS.0018` (500), then a success:
//!
//! ```
//! use std::{cell::Cell, convert::Infallible, time::{Duration, SystemTime}};
//! use bytes::Bytes;
//! use frs_request::{faces::DeleteFaces, BlockingClient, Config, Credentials, Endpoint};
//!
//! let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
//!                          "my-project".parse()?, Credentials::token("my-token"));
//! let calls = Cell::new(0);
//! let transport = |_req: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
//!     calls.set(calls.get() + 1);
//!     Ok(match calls.get() {
//!         1 => http::Response::builder().status(500)
//!             .body(Bytes::from_static(br#"{"error_code": "FRS.0018", "error_msg": "internal error"}"#)).unwrap(),
//!         _ => http::Response::new(Bytes::from_static(br#"{"face_number": 3}"#)),
//!     })
//! };
//! let runtime = (SystemTime::now, |_wait: Duration| {}); // no real sleeping in a test
//! let client = BlockingClient::with_runtime(config, &transport, runtime);
//! let op = DeleteFaces::by_field("staff".parse()?, "floor".parse()?, "3".parse()?);
//! assert_eq!(client.execute(&op)?.face_number, Some(3)); // a delete is idempotent: retried
//! assert_eq!(calls.get(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod body;
pub mod bulk;
mod canonical;
pub mod catalogue;
pub mod chain;
pub mod client;
mod config;
mod credentials;
pub mod detection;
mod endpoint;
pub mod env;
mod error;
mod execute;
pub mod face_sets;
pub mod faces;
mod form;
pub mod iam;
mod listing;
pub mod liveness;
pub mod media_file;
pub mod metadata;
pub mod multipart;
mod operation;
pub mod response;
mod retry;
mod runtime;
pub mod sdk_date;
pub mod search;
mod secret;
pub mod server;
mod shared;
pub mod sign;
mod sign_error;
mod spec;
mod trace;
mod transport;

pub use body::Body;
pub use client::{AsyncClient, AsyncRuntime, BlockingClient, BlockingRuntime};
pub use config::{Config, DEFAULT_USER_AGENT};
pub use credentials::{Credentials, MetadataProvider, TokenProvider};
pub use endpoint::Endpoint;
pub use error::{
    BuildError, CallError, DecodeError, Error, ServiceError, TransportError, TransportErrorKind,
};
pub use execute::{Call, Step, execute_async, execute_blocking};
pub use operation::Operation;
pub use response::{Outcome, Reply, decode_json};
pub use retry::{Idempotency, Jitter, RetryBudget, RetryDecision, RetryPolicy};
pub use runtime::StdRuntime;
pub use secret::Secret;
pub use shared::{RateLimit, SharedState};
pub use spec::{ApiVersion, AuthMode, RequestSpec, Service};
pub use transport::{
    AsyncTransport, BoxSendFuture, DynAsyncTransport, SharedAsyncTransport, SyncTransport, TransportLimits,
};

pub use frs_types as types;

// The crate README's example is compiled as a doc test (the package ships the README).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
