//! The clients: a [`Config`](crate::Config), a transport and a runtime, and everything a
//! caller does with them — run an operation with retries ([`BlockingClient::execute`],
//! [`AsyncClient::execute`]), walk a face set page by page ([`BlockingClient::faces`],
//! [`AsyncClient::faces`]).
//!
//! They live here, once, so that every transport behaves the same by construction: a
//! transport crate only sends bytes ([`SyncTransport`](crate::SyncTransport),
//! [`AsyncTransport`](crate::AsyncTransport)) and names the runtime that gives the time and
//! sleeps ([`BlockingRuntime`], [`AsyncRuntime`]). The core itself never reads the clock
//! or sleeps: a pair of closures `(clock, sleep)` is a runtime, which is how tests control
//! time.
//!
//! ```
//! use std::convert::Infallible;
//! use std::time::{Duration, SystemTime};
//! use bytes::Bytes;
//! use frs_request::{faces::DeleteFaces, BlockingClient, Config, Credentials, Endpoint};
//!
//! let config = Config::new(Endpoint::parse("http://127.0.0.1:9")?, "my-project".parse()?,
//!                          Credentials::token("my-token"));
//! let transport = |_req: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
//!     Ok(http::Response::new(Bytes::from_static(br#"{"face_number": 1}"#)))
//! };
//! let runtime = (SystemTime::now, |_wait: Duration| {});
//! let client = BlockingClient::with_runtime(config, transport, runtime);
//! let op = DeleteFaces::by_face_id("staff".parse()?, "a1b2c3d4".parse()?);
//! assert_eq!(client.execute(&op)?.face_number, Some(1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod blocking;
mod nonblocking;

/// The constructors and accessors both clients share.
macro_rules! shared_parts {
    ($client:ident) => {
        impl<T, R: Default> $client<T, R> {
            /// A client over a given transport (a caller-built agent or client, a closure).
            pub fn with_transport(config: Config, transport: T) -> Self {
                Self::with_runtime(config, transport, R::default())
            }
        }

        impl<T, R> $client<T, R> {
            /// A client over a given transport and runtime (e.g. `(clock, sleep)` closures in
            /// tests).
            pub fn with_runtime(config: Config, transport: T, runtime: R) -> Self {
                Self { config, transport, runtime, shared: SharedState::default() }
            }

            /// The same client with a client-side rate limit, shared by its clones (set
            /// before cloning).
            #[must_use]
            pub fn with_rate_limit(self, limit: $crate::RateLimit) -> Self {
                self.shared.set_rate_limit(Some(limit));
                self
            }

            /// What the clones of this client share: the retry budget's tokens, the clock
            /// offset learnt from the service, the rate limit in force.
            pub fn shared(&self) -> &SharedState {
                &self.shared
            }

            /// The configuration.
            pub fn config(&self) -> &Config {
                &self.config
            }

            /// The transport.
            pub fn transport(&self) -> &T {
                &self.transport
            }

            /// The runtime.
            pub fn runtime(&self) -> &R {
                &self.runtime
            }
        }
    };
}
use shared_parts;

use std::future::Future;
use std::time::{Duration, SystemTime};

pub use blocking::{BlockingClient, Faces};
pub use nonblocking::AsyncClient;

/// What a blocking client needs from its runtime besides sending: the time (requests are
/// signed with it) and a way to wait between attempts.
pub trait BlockingRuntime {
    /// The current time.
    fn now(&self) -> SystemTime;
    /// Blocks the calling thread for `wait`.
    fn sleep(&self, wait: Duration);
    /// Runs `work` on `workers` threads at once and returns when every one has returned:
    /// the bounded worker pool of
    /// [`BlockingClient::execute_many`](crate::BlockingClient::execute_many). The default
    /// runs a single worker on the calling thread (the core starts no thread of its own);
    /// [`StdRuntime`](crate::StdRuntime) starts `workers` scoped threads.
    fn run_workers(&self, workers: usize, work: &(dyn Fn() + Sync)) {
        let _ = workers;
        work();
    }
}

impl<C, S> BlockingRuntime for (C, S)
where
    C: Fn() -> SystemTime,
    S: Fn(Duration),
{
    fn now(&self) -> SystemTime {
        (self.0)()
    }
    fn sleep(&self, wait: Duration) {
        (self.1)(wait);
    }
}

/// What an async client needs from its runtime besides sending: the time and an async
/// wait between attempts. Its futures are `Send`.
pub trait AsyncRuntime: Send + Sync {
    /// The current time.
    fn now(&self) -> SystemTime;
    /// Waits for `wait` without blocking the thread.
    fn sleep(&self, wait: Duration) -> impl Future<Output = ()> + Send;
}

impl<C, S, F> AsyncRuntime for (C, S)
where
    C: Fn() -> SystemTime + Send + Sync,
    S: Fn(Duration) -> F + Send + Sync,
    F: Future<Output = ()> + Send,
{
    fn now(&self) -> SystemTime {
        (self.0)()
    }
    fn sleep(&self, wait: Duration) -> impl Future<Output = ()> + Send {
        (self.1)(wait)
    }
}
