//! The sans-IO core of the Huawei Cloud Face Recognition Service (FRS) SDK.
//!
//! It turns typed operations into `http::Request<Bytes>` values, signed or
//! token-authenticated, and `http::Response<Bytes>` values back into typed results. It
//! opens no socket, reads no clock and never sleeps: time and sleeping are arguments, so
//! the core embeds in any runtime. `frs-reqwest` (async) and `frs-ureq` (blocking) are thin
//! transports over it; any closure `Fn(http::Request<Bytes>) -> Result<http::Response<Bytes>, E>`
//! is a transport too.
//!
//! - [`Config`], [`Credentials`], [`Endpoint`]: where requests go and who sends them;
//!   [`chain`] finds them as the official SDKs do (explicit values, environment, profile
//!   file, ECS metadata — [`metadata`]), from what the caller read;
//! - [`sign`]: the `SDK-HMAC-SHA256` signer as pure functions ([`server`] holds what only a
//!   server needs: the verifier, the multipart parser);
//! - [`Operation`] and the operations, grouped as the service groups them ([`faces`]);
//! - [`Error`]: one error type — bad input, transport, service error code, undecodable answer;
//! - [`BlockingClient`] and [`AsyncClient`]: an operation with retries, a listing page by
//!   page, over any transport ([`SyncTransport`], [`AsyncTransport`]);
//! - [`RetryPolicy`] and the execute loops [`execute_blocking`] / [`execute_async`].
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
//! assert!(request.headers().contains_key("authorization"));
//! assert!(!format!("{request:?}").contains("Signature="));       // sensitive headers are hidden
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
