//! The cache behind [`Credentials::Metadata`](crate::Credentials::Metadata): temporary keys
//! from the ECS metadata service, and the session token the service hands out to read them.
//!
//! Nothing here does I/O: the execute loops run the [`metadata`](crate::metadata)
//! operations and store what they answer.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use crate::secret::Secret;

/// Obtains temporary AK/SK pairs (with their security token) from the ECS metadata service
/// and caches them; clones share the cache, so clones of a client fetch once.
///
/// A pair is used until [`MetadataProvider::refresh_before`] of its `expires_at` is left
/// (ECS issues pairs valid one hour and rotates them ten minutes before they expire; the
/// default margin is those ten minutes, capped at half the pair's life so a short-lived pair
/// is still used). It is dropped when the service refuses it, so the execute loops fetch a
/// new one and resend the call once.
///
/// Fetching is two calls, run by the execute loops before the operation that needs keys:
/// `PUT {base}/meta-data/latest/api/token` (a session token, cached for its life) and
/// `GET {base}/openstack/latest/securitykey` with that token.
///
/// ```
/// use std::time::SystemTime;
/// use frs_request::{Credentials, Endpoint, MetadataProvider};
///
/// let provider = MetadataProvider::new(Endpoint::ECS_METADATA);
/// assert_eq!(provider.base().to_string(), "http://169.254.169.254");
/// assert!(provider.current(SystemTime::now()).is_none()); // nothing fetched yet
/// // What a client is configured with; its first call fetches the keys.
/// let credentials = Credentials::metadata(Endpoint::ECS_METADATA);
/// assert!(format!("{credentials:?}").starts_with("Credentials::Metadata"));
/// ```
#[derive(Clone)]
pub struct MetadataProvider {
    base: Endpoint,
    state: Arc<Mutex<State>>,
    refresh_before: Duration,
}

#[derive(Default)]
struct State {
    /// The metadata session token: `Some(None)` when the service has no token API (it
    /// answered the PUT with 404 or 405), so the keys are read without one.
    session: Option<(Option<Secret>, SystemTime)>,
    keys: Option<Keys>,
}

struct Keys {
    access_key: String,
    secret_key: Secret,
    security_token: Secret,
    expires_at: SystemTime,
    /// How long before expiry the pair is replaced.
    margin: Duration,
}

impl MetadataProvider {
    /// The default margin: ECS rotates its pairs ten minutes before they expire.
    pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(10 * 60);

    /// A provider reading the metadata service at `base` (normally
    /// [`Endpoint::ECS_METADATA`]; a loopback emulator or a proxy in tests).
    pub fn new(base: Endpoint) -> Self {
        Self {
            base,
            state: Arc::new(Mutex::new(State::default())),
            refresh_before: Self::DEFAULT_REFRESH_BEFORE,
        }
    }

    /// Refreshes this long before expiry instead.
    #[must_use]
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = margin;
        self
    }

    /// The base URL of the metadata service.
    pub fn base(&self) -> &Endpoint {
        &self.base
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached temporary credentials ([`Credentials::AccessKey`] with a security token),
    /// if they are still good at `now`.
    pub fn current(&self, now: SystemTime) -> Option<Credentials> {
        let state = self.state();
        state
            .keys
            .as_ref()
            .filter(|k| k.expires_at.duration_since(now).is_ok_and(|left| left > k.margin))
            .map(|k| Credentials::AccessKey {
                access_key: k.access_key.clone(),
                secret_key: k.secret_key.clone(),
                security_token: Some(k.security_token.clone()),
            })
    }

    /// When the cached pair expires, if one is cached.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.state().keys.as_ref().map(|k| k.expires_at)
    }

    /// Drops the cached pair (the service refused it).
    pub fn invalidate(&self) {
        self.state().keys = None;
    }

    /// Caches a pair valid until `expires_at`, obtained at `now`.
    pub(crate) fn store_keys(
        &self,
        access_key: String,
        secret_key: Secret,
        security_token: Secret,
        expires_at: SystemTime,
        now: SystemTime,
    ) {
        let life = expires_at.duration_since(now).unwrap_or_default();
        let margin = self.refresh_before.min(life / 2);
        self.state().keys = Some(Keys { access_key, secret_key, security_token, expires_at, margin });
    }

    /// The session to read the keys with, if one is cached at `now`: `Some(Some(token))`,
    /// or `Some(None)` for a service without a token API.
    pub(crate) fn session(&self, now: SystemTime) -> Option<Option<Secret>> {
        self.state().session.as_ref().filter(|(_, until)| *until > now).map(|(token, _)| token.clone())
    }

    /// Caches a session token (or its absence) until `until`.
    pub(crate) fn store_session(&self, token: Option<Secret>, until: SystemTime) {
        self.state().session = Some((token, until));
    }

    /// Drops the session token (the service refused it).
    pub(crate) fn drop_session(&self) {
        self.state().session = None;
    }
}

impl fmt::Debug for MetadataProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetadataProvider")
            .field("base", &self.base)
            .field("keys_expire_at", &self.expires_at())
            .field("refresh_before", &self.refresh_before)
            .finish()
    }
}
