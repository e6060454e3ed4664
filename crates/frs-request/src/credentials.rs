//! How requests prove who sends them.

use std::fmt;

use crate::secret::Secret;
use crate::token::TokenProvider;

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
}

impl Credentials {
    /// Tokens obtained with an IAM user's password (see [`TokenProvider`]).
    pub fn password(credentials: crate::iam::PasswordCredentials) -> Self {
        Self::Password(TokenProvider::new(credentials))
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
            Self::AccessKey { access_key, security_token, .. } => f
                .debug_struct("Credentials::AccessKey")
                .field("access_key", &masked_access_key(access_key))
                .field("secret_key", &"***")
                .field("security_token", &security_token.as_ref().map(|_| "***"))
                .finish(),
        }
    }
}
