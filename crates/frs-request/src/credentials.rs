//! How requests prove who sends them: [`Credentials`], the [`PasswordCredentials`] of an
//! IAM user, the [`TokenProvider`] that caches the tokens obtained with them, and the
//! [`MetadataProvider`] that caches temporary keys from the ECS metadata service.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use frs_types::{ProjectId, Region};

use crate::endpoint::Endpoint;
use crate::secret::Secret;

mod ecs;
pub use ecs::MetadataProvider;

/// The credentials a [`Config`](crate::Config) signs or authenticates requests with.
///
/// `Debug` shows the kind and at most the first four characters of the access key; the
/// secret key, the token and the security token are always `***`.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// An IAM user token, sent as `X-Auth-Token` (nothing is signed).
    Token(Secret),
    /// User tokens obtained with a password by a [`TokenProvider`], cached and refreshed by
    /// the execute loops, and sent as `X-Auth-Token`.
    Password(TokenProvider),
    /// A permanent or temporary access key pair; every request is signed with
    /// `SDK-HMAC-SHA256`.
    AccessKey {
        /// The access key id (AK), sent in `Authorization`.
        access_key: String,
        /// The secret access key (SK); it never leaves the process.
        secret_key: Secret,
        /// The security token of temporary credentials, sent (and signed) as
        /// `X-Security-Token`.
        security_token: Option<Secret>,
    },
    /// Temporary AK/SK pairs from the ECS metadata service, fetched by a
    /// [`MetadataProvider`] before the first call, refreshed before they expire, and used
    /// like [`Credentials::AccessKey`] with a security token.
    Metadata(MetadataProvider),
}

impl Credentials {
    /// Tokens obtained with an IAM user's password (see [`TokenProvider`]).
    pub fn password(credentials: PasswordCredentials) -> Self {
        Self::Password(TokenProvider::new(credentials))
    }

    /// Temporary keys from the ECS metadata service at `base` (normally
    /// [`Endpoint::ECS_METADATA`], `http://169.254.169.254`; see [`MetadataProvider`]).
    pub fn metadata(base: Endpoint) -> Self {
        Self::Metadata(MetadataProvider::new(base))
    }

    /// Token authentication (`X-Auth-Token`).
    pub fn token(token: impl Into<String>) -> Self {
        Self::Token(Secret::new(token))
    }

    /// A permanent AK/SK pair.
    pub fn access_key(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self::AccessKey {
            access_key: access_key.into(),
            secret_key: Secret::new(secret_key),
            security_token: None,
        }
    }

    /// A temporary AK/SK pair with its security token.
    pub fn temporary(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        Self::AccessKey {
            access_key: access_key.into(),
            secret_key: Secret::new(secret_key),
            security_token: Some(Secret::new(security_token)),
        }
    }
}

/// At most the first four characters of an access key, then `***`.
pub(crate) fn masked_access_key(ak: &str) -> String {
    let shown: String = ak.chars().take(4).collect();
    format!("{shown}***")
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Token(_) => f.write_str("Credentials::Token(***)"),
            Self::Password(provider) => f.debug_tuple("Credentials::Password").field(provider).finish(),
            Self::Metadata(provider) => f.debug_tuple("Credentials::Metadata").field(provider).finish(),
            Self::AccessKey { access_key, security_token, .. } => f
                .debug_struct("Credentials::AccessKey")
                .field("access_key", &masked_access_key(access_key))
                .field("secret_key", &"***")
                .field("security_token", &security_token.as_ref().map(|_| "***"))
                .finish(),
        }
    }
}

/// What a token is scoped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectScope {
    /// The project named after a region (`cn-north-4`), as the docs show.
    Name(String),
    /// A project by id.
    Id(ProjectId),
}

/// An IAM user's password credentials. `Debug` hides the password.
#[derive(Clone)]
pub struct PasswordCredentials {
    /// The IAM user name.
    pub user_name: String,
    /// The user's password.
    pub password: Secret,
    /// The account (domain) name the user belongs to.
    pub domain_name: String,
    /// The project the token is for.
    pub scope: ProjectScope,
}

impl PasswordCredentials {
    /// Credentials for a user of `domain_name`, scoped to the project of `region`.
    pub fn for_region(user_name: &str, password: &str, domain_name: &str, region: &Region) -> Self {
        Self {
            user_name: user_name.to_owned(),
            password: Secret::new(password),
            domain_name: domain_name.to_owned(),
            scope: ProjectScope::Name(region.id().to_owned()),
        }
    }
}

impl fmt::Debug for PasswordCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordCredentials")
            .field("user_name", &self.user_name)
            .field("password", &"***")
            .field("domain_name", &self.domain_name)
            .field("scope", &self.scope)
            .finish()
    }
}

/// Obtains user tokens with a password and caches them; clones share the cache.
///
/// A token is used until [`TokenProvider::refresh_before`] of its expiry is left (IAM
/// tokens live 24 hours; the default refreshes one hour early, as Huawei advises), and is
/// dropped when the service refuses it, so the execute loops fetch a new one and resend
/// the call once. Nothing here does I/O: the loops run the
/// [`IssueUserToken`](crate::iam::IssueUserToken) operation.
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

    /// The credentials tokens are obtained with (for [`TokenProvider::issue`]).
    pub(crate) fn password_credentials(&self) -> &PasswordCredentials {
        &self.credentials
    }

    /// Caches `token`, obtained at `now` and valid until `expires_at` (for
    /// [`TokenProvider::store`]).
    pub(crate) fn store_token(&self, token: Secret, expires_at: Option<SystemTime>, now: SystemTime) {
        let expires_at = expires_at.unwrap_or(now + Self::DEFAULT_LIFETIME);
        let life = expires_at.duration_since(now).unwrap_or_default();
        let margin = self.refresh_before.min(life / 2);
        *self.cache.lock().unwrap_or_else(PoisonError::into_inner) =
            Some(Cached { token, expires_at, margin });
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
