//! A string that must never be shown.

use std::fmt;
use std::sync::OnceLock;

use hmac::{Hmac, KeyInit};
use sha2::Sha256;

/// A secret (secret access key, token, security token) that `Debug` prints as `***`.
///
/// It has no `Display`, so it cannot end up in a log line or an error message by accident;
/// [`Secret::expose`] is the one explicit way to read it.
#[derive(Clone)]
pub struct Secret(Box<str>, OnceLock<Hmac<Sha256>>);

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for Secret {}

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into().into_boxed_str(), OnceLock::new())
    }

    /// The secret itself. Call it only where the value is used (signing, one header).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// An HMAC-SHA256 keyed with this secret, its key state prepared once per secret (once
    /// per credential) rather than once per signature.
    pub(crate) fn hmac(&self) -> Hmac<Sha256> {
        // HMAC accepts keys of any length, so this cannot fail.
        self.1
            .get_or_init(|| {
                Hmac::new_from_slice(self.0.as_bytes())
                    .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
            })
            .clone()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}
