//! A user token obtained with a password, cached and refreshed before it expires.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use crate::iam::{IssueUserToken, IssuedToken, PasswordCredentials};
use crate::secret::Secret;

/// Obtains user tokens with a password and caches them; clones share the cache.
///
/// A token is used until [`TokenProvider::refresh_before`] of its expiry is left (IAM
/// tokens live 24 hours; the default refreshes one hour early, as Huawei advises), and is
/// dropped when the service refuses it, so the execute loops fetch a new one and resend
/// the call once. Nothing here does I/O: the loops run the [`IssueUserToken`] operation.
#[derive(Clone)]
pub struct TokenProvider {
    credentials: Arc<PasswordCredentials>,
    cache: Arc<Mutex<Option<Cached>>>,
    refresh_before: Duration,
}

#[derive(Clone)]
struct Cached {
    token: Secret,
    expires_at: SystemTime,
    /// How long before expiry it is replaced: the provider's margin, but at most half the
    /// token's life, so a short-lived token is still used.
    margin: Duration,
}

impl TokenProvider {
    /// Tokens lacking an expiry time are assumed to live this long (IAM's documented 24 h).
    pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(24 * 3600);

    /// A provider for `credentials`, refreshing one hour before expiry.
    pub fn new(credentials: PasswordCredentials) -> Self {
        Self {
            credentials: Arc::new(credentials),
            cache: Arc::new(Mutex::new(None)),
            refresh_before: Duration::from_secs(3600),
        }
    }

    /// Refreshes this long before expiry instead.
    #[must_use]
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = margin;
        self
    }

    /// The cached token, if it is still good at `now`.
    pub fn current(&self, now: SystemTime) -> Option<Secret> {
        let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache
            .as_ref()
            .filter(|c| c.expires_at.duration_since(now).is_ok_and(|left| left > c.margin))
            .map(|c| c.token.clone())
    }

    /// The operation that obtains a new token.
    pub fn issue(&self) -> IssueUserToken {
        IssueUserToken::new(PasswordCredentials::clone(&self.credentials))
    }

    /// Stores a token obtained at `now`.
    pub fn store(&self, issued: &IssuedToken, now: SystemTime) {
        let expires_at = issued.expires_at.unwrap_or(now + Self::DEFAULT_LIFETIME);
        let life = expires_at.duration_since(now).unwrap_or_default();
        let margin = self.refresh_before.min(life / 2);
        *self.cache.lock().unwrap_or_else(PoisonError::into_inner) =
            Some(Cached { token: issued.token.clone(), expires_at, margin });
    }

    /// Drops the cached token (the service refused it).
    pub fn invalidate(&self) {
        *self.cache.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

impl fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.cache.lock().map(|c| c.as_ref().map(|c| c.expires_at)).unwrap_or(None);
        f.debug_struct("TokenProvider")
            .field("credentials", &self.credentials)
            .field("token_expires_at", &cached)
            .field("refresh_before", &self.refresh_before)
            .finish()
    }
}
