//! A local emulator of Huawei Cloud Face Recognition Service (FRS), for tests and offline
//! development.
//!
//! It serves real HTTP on loopback with the service's paths, bodies, status codes and error
//! codes — every operation of the API, IAM tokens and projects, and the ECS metadata
//! service — and checks credentials as Huawei's API gateway does (tokens, and AK/SK
//! signatures recomputed from the request as it arrived, within ±15 minutes, with the
//! core's own verifier). Its face engine is declared rather than guessed: an image says who
//! it shows ([`testimage`] writes such images), so search and compare answer the same way
//! every time. Faults (error answers, a proxy's HTML page, throttling, delays, silence,
//! dropped connections, truncated bodies) are injected for the next requests
//! ([`Emulator::inject`], [`Fault`]); the state can be seeded, snapshotted and kept durably.
//! The whole behaviour, including each place where it is a documented guess, is described
//! in `docs/emulator.md`.
//!
//! # When to use it
//!
//! - **In-process, from Rust tests**: [`Emulator::start`] listens on `127.0.0.1:0` on a
//!   thread of its own with its own runtime (so blocking and async clients alike can use
//!   it) and stops when dropped. Seed what a test needs with [`Emulator::seed_face_set`] /
//!   [`Emulator::seed_face`] (or go through the API), then look at what arrived with
//!   [`Emulator::requests`].
//! - **As a program**, for a shell, another language's SDK or a CI job: the `frs-emulator`
//!   binary (`cargo run -p frs-emulator -- --port 8080`) or `frs emulator`, which runs the
//!   same code ([`cli`]). Both take the same flags; `frs emulator --print-env` prints the
//!   `export` lines that point `frs` and the SDKs at it.
//! - To check requests without any HTTP at all, a closure transport is lighter
//!   (`frs_request::execute_blocking` with a closure, see `frs_request`'s docs); the
//!   emulator is for when the service's *behaviour* matters: state, errors, auth, faults.
//!
//! No library crate needs it: it is a dev-dependency of the transports and the test-suites.
//!
//! # Example
//!
//! A test of your own code, against the emulator, over the blocking client:
//!
//! ```
//! use frs_emulator::{Emulator, EmulatorConfig, Fault, SeededFace};
//! use frs_request::{faces::DeleteFaces, Config, Credentials, Endpoint, RetryPolicy};
//! use frs_types::ErrorCode;
//!
//! let emulator = Emulator::start(EmulatorConfig::default())?; // 127.0.0.1, a free port
//! emulator.seed_face_set("staff", &[]);
//! emulator.seed_face("staff", SeededFace::new("img-1"));
//!
//! let config = Config::new(
//!     Endpoint::parse(&emulator.endpoint())?,
//!     EmulatorConfig::DEFAULT_PROJECT_ID.parse()?,
//!     Credentials::access_key(EmulatorConfig::DEFAULT_ACCESS_KEY, EmulatorConfig::DEFAULT_SECRET_KEY),
//! );
//! let client = frs_ureq::Client::new(config.clone());
//! let op = DeleteFaces::by_external_image_id("staff".parse()?, "img-1".parse()?);
//! assert_eq!(client.execute(&op)?.face_number, Some(1)); // signature verified, face deleted
//! assert_eq!(emulator.face_count("staff"), Some(0));
//!
//! // Deleting it again: the service's own error answer, typed.
//! let err = client.execute(&op).unwrap_err();
//! assert_eq!(err.code(), Some(&ErrorCode::FieldNotFound));
//!
//! // A proxy's HTML 502 for the next request: a decode error, retryable, not retried here.
//! emulator.inject(Fault::html(502, "<html>Bad Gateway</html>"), 1);
//! let once = frs_ureq::Client::new(config.with_retry(RetryPolicy::none()));
//! assert!(once.execute(&op).unwrap_err().is_retryable());
//!
//! // Every request as it arrived (secrets redacted).
//! let seen = emulator.requests();
//! assert_eq!(seen[0].method, "DELETE");
//! assert_eq!(seen[0].target, "/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/face-sets/staff/faces?external_image_id=img-1");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin;
mod auth;
pub mod cli;
mod conn;
pub mod engine;
mod faults;
mod formats;
mod http_util;
mod iam;
mod inputs;
mod journal;
mod metadata;
#[doc(hidden)]
pub mod mix;
mod persist;
mod routes;
mod server;
mod service;
mod state;
pub mod testimage;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

pub use faults::Fault;
use frs_types::models::face_sets::FieldType;
pub use server::{ADMIN_PREFIX, RecordedRequest};
pub use state::SeededFace;

/// A configured access key pair.
#[derive(Clone)]
pub struct AccessKeyPair {
    /// The access key id.
    pub access_key: String,
    /// The secret access key.
    pub secret_key: String,
    /// For temporary credentials: the security token every request must carry.
    pub security_token: Option<String>,
}

impl std::fmt::Debug for AccessKeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKeyPair")
            .field("access_key", &self.access_key)
            .field("secret_key", &"***")
            .field("security_token", &self.security_token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// How the emulator is set up.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// The project id every path must carry.
    pub project_id: String,
    /// Tokens accepted in `X-Auth-Token`.
    pub tokens: Vec<String>,
    /// Access key pairs whose signatures are accepted.
    pub access_keys: Vec<AccessKeyPair>,
    /// Accept every request without checking credentials.
    pub no_auth: bool,
    /// The allowed difference between `X-Sdk-Date` and the emulator's clock.
    pub max_clock_skew: Duration,
    /// Added to the emulator's clock when checking `X-Sdk-Date` (to test skew).
    pub clock_offset_secs: i64,
    /// Largest request body accepted (the gateway's 12 MB).
    pub max_body_bytes: usize,
    /// The region the emulator's project is named after (`GET /v3/projects?name=`).
    pub region: String,
    /// Where to keep the state durably (`None`: in memory only).
    pub state_dir: Option<std::path::PathBuf>,
    /// IAM users that may obtain tokens with `POST /v3/auth/tokens`.
    pub users: Vec<IamUser>,
    /// The ECS metadata service (temporary keys the gateway accepts).
    pub metadata: EcsMetadata,
    /// The largest face-set capacity accepted (the service's default is 100,000; customers
    /// can have it raised).
    pub max_capacity: u64,
    /// The most requests the journal (`GET /__emulator/requests`) keeps; older ones are
    /// dropped.
    pub journal_max_entries: usize,
    /// About how many bytes of requests the journal keeps; older ones are dropped.
    pub journal_max_bytes: usize,
    /// How long a client may take to send a request's headers (slow clients are cut off).
    pub header_read_timeout: Duration,
    /// How long a client may take to send a request's body.
    pub body_read_timeout: Duration,
    /// The most connections served at once; further ones are closed at once.
    pub max_connections: usize,
    /// The token admin requests must carry in `X-Emulator-Admin-Token`; required for the
    /// admin API when the emulator listens on an address other than loopback.
    pub admin_token: Option<String>,
    /// Requests per second the project may send; beyond it the gateway answers
    /// `APIGW.0308` (429). `None`: no quota.
    pub qps_quota: Option<u32>,
    /// A state dump (the JSON of `GET /__emulator/state`) to start from, replacing the
    /// state (also a durable one).
    pub load_state: Option<std::path::PathBuf>,
    /// Where to write the state dump when the emulator stops.
    pub export_on_exit: Option<std::path::PathBuf>,
    /// Print to standard error what the emulator computed for a request refused with a
    /// signature mismatch (canonical request, string to sign).
    pub verbose: bool,
}

/// The ECS metadata service the emulator plays: `PUT /meta-data/latest/api/token` and
/// `GET /openstack/latest/securitykey`, unauthenticated like the real one, the second only
/// with a session token from the first. The keys it hands out are accepted by the gateway,
/// with their security token, until their `expires_at`.
#[derive(Clone, Debug)]
pub struct EcsMetadata {
    /// Whether the two paths are served (when not, they are unknown APIs, as off ECS).
    pub enabled: bool,
    /// The pair every fetch answers with (a security token is made up when it has none);
    /// `None`: a fresh pair per fetch.
    pub credentials: Option<AccessKeyPair>,
    /// How long a fetched pair is valid: its `expires_at` is the fetch time plus this.
    pub lifetime: Duration,
}

impl Default for EcsMetadata {
    /// Served, a fresh pair per fetch, valid one hour (as ECS gives them).
    fn default() -> Self {
        Self { enabled: true, credentials: None, lifetime: Duration::from_secs(3600) }
    }
}

/// An IAM user that may obtain a token with its password.
#[derive(Clone)]
pub struct IamUser {
    /// The user name.
    pub name: String,
    /// The password.
    pub password: String,
    /// The account (domain) name.
    pub domain: String,
}

impl std::fmt::Debug for IamUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IamUser")
            .field("name", &self.name)
            .field("password", &"***")
            .field("domain", &self.domain)
            .finish()
    }
}

impl EmulatorConfig {
    /// The project id of [`EmulatorConfig::default`].
    pub const DEFAULT_PROJECT_ID: &'static str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    /// The token of [`EmulatorConfig::default`].
    pub const DEFAULT_TOKEN: &'static str = "emulator-token";
    /// The access key of [`EmulatorConfig::default`].
    pub const DEFAULT_ACCESS_KEY: &'static str = "EMULATORAK0000000001";
    /// The secret key of [`EmulatorConfig::default`].
    pub const DEFAULT_SECRET_KEY: &'static str = "emulator-secret-key-0000000000000000000";
}

impl Default for EmulatorConfig {
    /// One project, one token and one AK/SK pair (the `DEFAULT_*` constants), 15 minutes
    /// of allowed skew, 12 MB bodies, ECS metadata served with fresh one-hour pairs.
    fn default() -> Self {
        Self {
            project_id: Self::DEFAULT_PROJECT_ID.to_owned(),
            tokens: vec![Self::DEFAULT_TOKEN.to_owned()],
            access_keys: vec![AccessKeyPair {
                access_key: Self::DEFAULT_ACCESS_KEY.to_owned(),
                secret_key: Self::DEFAULT_SECRET_KEY.to_owned(),
                security_token: None,
            }],
            no_auth: false,
            max_clock_skew: Duration::from_secs(15 * 60),
            clock_offset_secs: 0,
            max_body_bytes: 12 * 1024 * 1024,
            region: "cn-north-4".to_owned(),
            state_dir: None,
            users: Vec::new(),
            metadata: EcsMetadata::default(),
            max_capacity: state::DEFAULT_CAPACITY,
            journal_max_entries: 1000,
            journal_max_bytes: 4 * 1024 * 1024,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            max_connections: 512,
            admin_token: None,
            qps_quota: None,
            load_state: None,
            export_on_exit: None,
            verbose: false,
        }
    }
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("project_id", &self.project_id)
            .field("tokens", &format_args!("[{} token(s)]", self.tokens.len()))
            .field("access_keys", &self.access_keys)
            .field("no_auth", &self.no_auth)
            .field("max_clock_skew", &self.max_clock_skew)
            .field("metadata", &self.metadata)
            .finish_non_exhaustive()
    }
}

/// State shared by the server task and the handle.
pub(crate) struct Shared {
    pub(crate) config: EmulatorConfig,
    pub(crate) store: Mutex<state::Store>,
    pub(crate) faults: Mutex<faults::FaultQueue>,
    /// The QPS quota of the project.
    pub(crate) quota: Mutex<faults::Quota>,
    /// Snapshots of the state, by name.
    pub(crate) snapshots: Mutex<BTreeMap<String, state::dump::StateDump>>,
    pub(crate) log: Mutex<journal::Journal>,
    /// The secret key of each configured access key (in `config.access_keys`' order), kept
    /// so that each key's HMAC state is prepared once, not per request.
    pub(crate) secrets: Vec<frs_request::Secret>,
    /// Requests received so far (numbers the request ids).
    pub(crate) requests_seen: std::sync::atomic::AtomicU64,
    /// Differs from one start to the next, so request ids do not repeat after a restart.
    pub(crate) boot_salt: u64,
    /// The address listened on (the admin API's `Host` check).
    pub(crate) addr: SocketAddr,
    /// Objects of the fake OBS, by (bucket, object), for `image_url` inputs.
    pub(crate) objects: Mutex<BTreeMap<(String, String), bytes::Bytes>>,
    /// Tokens issued by `POST /v3/auth/tokens`, with their expiry.
    pub(crate) issued_tokens: Mutex<Vec<(String, std::time::SystemTime)>>,
    /// ECS metadata session tokens handed out, with their expiry.
    pub(crate) metadata_sessions: Mutex<Vec<(String, std::time::SystemTime)>>,
    /// Temporary pairs handed out by the ECS metadata service.
    pub(crate) metadata_keys: Mutex<Vec<metadata::IssuedPair>>,
    /// TCP connections accepted so far.
    pub(crate) connections: Arc<std::sync::atomic::AtomicU64>,
}

impl Shared {
    pub(crate) fn store(&self) -> std::sync::MutexGuard<'_, state::Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The bytes of an object of the fake OBS.
    pub(crate) fn obs_object(&self, url: &str) -> Result<bytes::Bytes, inputs::Failure> {
        service::obs_object(&self.objects.lock().unwrap_or_else(PoisonError::into_inner), url)
    }
}

/// A value that differs from one start to the next (time and process id).
fn boot_salt() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos() % u128::from(u64::MAX)).unwrap_or(0));
    mix::id_bits(nanos ^ (u64::from(std::process::id()) << 32))
}

/// The threads serving connections: one per core, up to four (an emulator is started by
/// every test of a suite, many at once).
fn server_threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get).clamp(1, 4)
}

/// A running emulator; it stops when dropped.
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Emulator {
    /// Starts an emulator on `127.0.0.1` with a free port, on a thread of its own (so it
    /// serves blocking and async clients alike).
    ///
    /// # Errors
    /// When no port can be bound or the runtime cannot start.
    pub fn start(config: EmulatorConfig) -> std::io::Result<Self> {
        Self::start_on(config, SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Starts an emulator on `addr`.
    ///
    /// # Errors
    /// When the address cannot be bound or the runtime cannot start.
    pub fn start_on(config: EmulatorConfig, addr: SocketAddr) -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let mut initial = match &config.state_dir {
            Some(dir) => persist::Db::open(dir)?,
            None => state::Store::default(),
        };
        if let Some(path) = &config.load_state {
            let bytes = std::fs::read(path)
                .map_err(|e| std::io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display())))?;
            let dump = admin::read_dump(&config, &bytes).map_err(|e| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: {e}", path.display()))
            })?;
            initial.replace_with(dump).map_err(|e| std::io::Error::other(e.to_string()))?;
        }
        let journal = journal::Journal::new(config.journal_max_entries, config.journal_max_bytes);
        let quota = faults::Quota::new(config.qps_quota);
        let secrets =
            config.access_keys.iter().map(|p| frs_request::Secret::new(p.secret_key.clone())).collect();
        let shared = Arc::new(Shared {
            secrets,
            config,
            store: Mutex::new(initial),
            faults: Mutex::new(faults::FaultQueue::default()),
            quota: Mutex::new(quota),
            snapshots: Mutex::new(BTreeMap::new()),
            log: Mutex::new(journal),
            requests_seen: std::sync::atomic::AtomicU64::new(0),
            boot_salt: boot_salt(),
            addr,
            objects: Mutex::new(BTreeMap::new()),
            issued_tokens: Mutex::new(Vec::new()),
            metadata_sessions: Mutex::new(Vec::new()),
            metadata_keys: Mutex::new(Vec::new()),
            connections: Arc::default(),
        });
        // One single-threaded runtime per core, each serving the connections handed to it,
        // as nginx runs one worker per core: a connection's readiness, its task and its
        // answer stay on one thread, with none of a work-stealing scheduler's cross-thread
        // wake-ups (on 2 cores those cost more than the second worker gave).
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let workers = server::Workers::start(server_threads() - 1, runtime.handle().clone())?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let server_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new().name("frs-emulator".into()).spawn(move || {
            runtime.block_on(async {
                match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => server::serve(listener, server_shared, &workers, rx).await,
                    Err(e) => eprintln!("frs-emulator: cannot listen: {e}"),
                }
            });
            workers.stop();
            runtime.shutdown_timeout(Duration::from_millis(100));
        })?;
        Ok(Self { addr, shared, shutdown: Some(tx), thread: Some(thread) })
    }

    /// The address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The endpoint to configure a client with: `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The emulator's configuration.
    pub fn config(&self) -> &EmulatorConfig {
        &self.shared.config
    }

    /// Creates a face set directly (not through the API) with a custom-field schema, and
    /// returns its id.
    pub fn seed_face_set(&self, name: &str, fields: &[(&str, FieldType)]) -> String {
        let fields: BTreeMap<String, FieldType> = fields.iter().map(|(n, t)| ((*n).to_owned(), *t)).collect();
        let mut store = self.shared.store();
        // Seeding is a test's setup: a failure to save is reported on stderr, not returned.
        store.create_face_set(name, state::DEFAULT_CAPACITY, fields, server::create_date()).unwrap_or_else(
            |e| {
                eprintln!("frs-emulator: cannot save the state: {e}");
                String::new()
            },
        )
    }

    /// Adds a face to a seeded face set and returns its face id; `None` when the set does
    /// not exist.
    pub fn seed_face(&self, face_set: &str, face: SeededFace) -> Option<String> {
        let mut store = self.shared.store();
        store.add_face(face_set, face).unwrap_or_else(|e| {
            eprintln!("frs-emulator: cannot save the state: {e}");
            None
        })
    }

    /// Stores an object in the emulator's fake OBS, so `image_url`/`video_url` inputs such
    /// as `/bucket/object` (or `https://bucket.obs.{region}.myhuaweicloud.com/object`) can
    /// be read.
    ///
    /// # Errors
    /// When `url` is not an OBS URL.
    pub fn put_object(&self, url: &str, bytes: impl Into<bytes::Bytes>) -> Result<(), String> {
        let key = service::obs_key(url).map_err(|f| f.message)?;
        self.shared.objects.lock().unwrap_or_else(PoisonError::into_inner).insert(key, bytes.into());
        Ok(())
    }

    /// The number of faces in a face set, `None` when it does not exist.
    pub fn face_count(&self, face_set: &str) -> Option<usize> {
        self.shared.store().face_count(face_set)
    }

    /// Answers the next `times` requests with `fault` instead of serving them.
    pub fn inject(&self, fault: Fault, times: u32) {
        self.shared.faults.lock().unwrap_or_else(PoisonError::into_inner).push(fault, times);
    }

    /// Answers every request with `fault` with probability `probability`, drawn from a
    /// generator seeded with `seed` (the same seed replays the same faults).
    pub fn inject_randomly(&self, fault: Fault, probability: f64, seed: u64) {
        self.shared.faults.lock().unwrap_or_else(PoisonError::into_inner).set_random(
            fault,
            probability,
            seed,
        );
    }

    /// Sets the project's quota of requests per second (`None`: no quota); beyond it the
    /// gateway answers `APIGW.0308` (429).
    pub fn set_qps_quota(&self, qps: Option<u32>) {
        self.shared.quota.lock().unwrap_or_else(PoisonError::into_inner).set(qps);
    }

    /// Keeps the current state under `name` (replacing a snapshot of that name), for
    /// [`Emulator::restore`].
    pub fn snapshot(&self, name: &str) {
        let dump = self.shared.store().dump();
        self.shared.snapshots.lock().unwrap_or_else(PoisonError::into_inner).insert(name.to_owned(), dump);
    }

    /// Puts back the state kept by [`Emulator::snapshot`] under `name` (in one transaction
    /// when the state is durable).
    ///
    /// # Errors
    /// When there is no such snapshot or the state cannot be saved.
    pub fn restore(&self, name: &str) -> Result<(), String> {
        admin::restore(&self.shared, name)
    }

    /// The whole state as JSON, as `GET /__emulator/state` answers it (and as
    /// [`EmulatorConfig::load_state`] reads it).
    pub fn export_state(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(&self.shared.store().dump()).unwrap_or_default()
    }

    /// The requests received so far, oldest first (secret header values are redacted).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log.lock().unwrap_or_else(PoisonError::into_inner).to_vec()
    }

    /// How many TCP connections have been accepted so far: with keep-alive, fewer than the
    /// requests.
    pub fn connections_accepted(&self) -> u64 {
        self.shared.connections.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(path) = &self.shared.config.export_on_exit
            && let Err(e) = std::fs::write(path, self.export_state())
        {
            eprintln!("frs-emulator: cannot export the state to {}: {e}", path.display());
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator").field("addr", &self.addr).field("config", &self.shared.config).finish()
    }
}

// The crate README's example is compiled as a doc test (the package ships the README).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
