//! What the chain tells its caller: where each setting came from ([`SettingSource`], for
//! `frs config show`), and, when it fails, every place it looked ([`ChainError`]).

use std::fmt;
use std::path::PathBuf;

use super::profile::ProfileError;
use crate::secret::Secret;

/// A setting the chain resolves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Setting {
    /// The access key id (AK).
    AccessKey,
    /// The secret access key (SK).
    SecretKey,
    /// The security token of temporary credentials.
    SecurityToken,
    /// An IAM user token (`X-Auth-Token`).
    Token,
    /// The IAM user (and account) of a password login.
    User,
    /// The IAM user's password.
    Password,
    /// The project id.
    ProjectId,
    /// The region id.
    Region,
    /// The FRS endpoint.
    Endpoint,
    /// The IAM endpoint.
    IamEndpoint,
}

impl Setting {
    /// The setting's name, as a sentence says it: `secret key`.
    pub fn name(self) -> &'static str {
        match self {
            Self::AccessKey => "access key",
            Self::SecretKey => "secret key",
            Self::SecurityToken => "security token",
            Self::Token => "token",
            Self::User => "IAM user",
            Self::Password => "password",
            Self::ProjectId => "project id",
            Self::Region => "region",
            Self::Endpoint => "endpoint",
            Self::IamEndpoint => "IAM endpoint",
        }
    }

    /// Whether its value is shown masked. The access key is masked too: it is half of a
    /// credential, and `aws configure list` shows it so as well.
    pub fn is_secret(self) -> bool {
        matches!(self, Self::AccessKey | Self::SecretKey | Self::SecurityToken | Self::Token | Self::Password)
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// Given explicitly (a builder, a command-line flag).
    Explicit,
    /// An environment variable, by name.
    Env(String),
    /// The `[basic]` section of the profile file at this path.
    Profile(PathBuf),
    /// The ECS metadata service at this URL.
    Metadata(String),
    /// Built in (a region's endpoint, the global IAM endpoint).
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Explicit => f.write_str("explicit value"),
            Self::Env(name) => write!(f, "environment variable {name}"),
            Self::Profile(path) => write!(f, "profile file {}", path.display()),
            Self::Metadata(url) => write!(f, "ECS metadata {url}"),
            Self::Default => f.write_str("default"),
        }
    }
}

#[derive(Clone)]
enum Value {
    Plain(String),
    Secret(Secret),
    /// Known only after the first call (ECS metadata keys).
    Pending,
}

/// Which source won for one setting, and its value — shown masked when it is a secret.
///
/// ```
/// use frs_request::chain::{ChainInput, Setting, resolve};
///
/// let env = |name: &str| match name {
///     "HUAWEICLOUD_SDK_AK" => Some("MYACCESSKEY0001".to_owned()),
///     "HUAWEICLOUD_SDK_SK" => Some("my-secret-key-wxyz".to_owned()),
///     "HUAWEICLOUD_SDK_PROJECT_ID" => Some("0a1b2c3d".to_owned()),
///     "FRS_REGION" => Some("cn-north-4".to_owned()),
///     _ => None,
/// };
/// let resolved = resolve(&ChainInput::new(&env))?;
/// let sk = resolved.source(Setting::SecretKey).unwrap();
/// assert_eq!(sk.masked(), "****wxyz");
/// assert_eq!(sk.to_string(), "secret key: ****wxyz (environment variable HUAWEICLOUD_SDK_SK)");
/// # Ok::<(), frs_request::chain::ChainError>(())
/// ```
#[derive(Clone)]
pub struct SettingSource {
    setting: Setting,
    source: Source,
    value: Value,
}

impl SettingSource {
    /// A setting whose value may be shown.
    pub(crate) fn plain(setting: Setting, source: Source, value: impl Into<String>) -> Self {
        Self { setting, source, value: Value::Plain(value.into()) }
    }

    /// A setting whose value is masked.
    pub(crate) fn secret(setting: Setting, source: Source, value: Secret) -> Self {
        Self { setting, source, value: Value::Secret(value) }
    }

    /// A setting fetched by the first call.
    pub(crate) fn pending(setting: Setting, source: Source) -> Self {
        Self { setting, source, value: Value::Pending }
    }

    /// The setting.
    pub fn setting(&self) -> Setting {
        self.setting
    }

    /// Where it came from.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The value as it may be shown: a secret as `****` and its last four characters (only
    /// `****` when it is shorter than eight, so that little of it shows), the rest verbatim,
    /// and `(fetched on first call)` for keys the ECS metadata service gives later.
    pub fn masked(&self) -> String {
        let shown = match &self.value {
            Value::Plain(text) if !self.setting.is_secret() => return text.clone(),
            Value::Plain(text) => text.as_str(),
            Value::Secret(secret) => secret.expose(),
            Value::Pending => return "(fetched on first call)".to_owned(),
        };
        let chars: Vec<char> = shown.chars().collect();
        if chars.len() < 8 {
            return "****".to_owned();
        }
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("****{tail}")
    }
}

impl fmt::Display for SettingSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.setting, self.masked(), self.source)
    }
}

impl fmt::Debug for SettingSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SettingSource")
            .field("setting", &self.setting)
            .field("source", &self.source)
            .field("value", &self.masked())
            .finish()
    }
}

/// Every place the chain looked, and what it found there, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LookedAt(Vec<String>);

impl LookedAt {
    pub(crate) fn push(&mut self, place: impl Into<String>) {
        self.0.push(place.into());
    }

    /// One entry per place: `environment: HUAWEICLOUD_SDK_AK (not set), …`.
    pub fn places(&self) -> &[String] {
        &self.0
    }
}

impl fmt::Display for LookedAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("; "))
    }
}

/// Why the chain found no usable configuration. The message says every place that was
/// looked at and what was found there; it never repeats a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// No source gave credentials.
    #[error("no credentials found; looked at: {looked_at}")]
    NoCredentials {
        /// The places looked at.
        looked_at: LookedAt,
    },
    /// A source gave part of a credential (an AK without its SK, say). Credentials are never
    /// assembled from several places, so this is an error rather than a reason to look on.
    #[error(
        "incomplete credentials in the {place}: {present} without {missing} (a credential is taken whole from one place)"
    )]
    Incomplete {
        /// The source (`environment`, `profile file …`, `explicit values`).
        place: String,
        /// What it gives.
        present: String,
        /// What it lacks.
        missing: String,
    },
    /// A source gave two kinds of credentials at once (a token and an AK/SK pair, say).
    #[error("the {place} give both {first} and {second}; keep only one")]
    Conflict {
        /// The source.
        place: String,
        /// One kind.
        first: String,
        /// The other.
        second: String,
    },
    /// A value is unusable (a project id with a slash, an endpoint with a path).
    #[error("invalid {setting} from the {origin}: {reason}")]
    Invalid {
        /// The setting.
        setting: Setting,
        /// Where it came from.
        origin: Source,
        /// What is wrong with it (never the value of a secret).
        reason: String,
    },
    /// The profile file is not valid INI.
    #[error("profile file {}: {error}", path.display())]
    Profile {
        /// The file.
        path: PathBuf,
        /// The line and what is wrong with it.
        error: ProfileError,
    },
    /// No source gave a project id.
    #[error(
        "no project id found; looked at: {looked_at} (set one, or discover it with frs_request::iam::ListProjects)"
    )]
    NoProjectId {
        /// The places looked at.
        looked_at: LookedAt,
    },
    /// No source gave an endpoint or a region.
    #[error("no endpoint or region found; looked at: {looked_at}")]
    NoEndpoint {
        /// The places looked at.
        looked_at: LookedAt,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_shows_at_most_the_last_four_characters() {
        let secret = |v: &str| SettingSource::secret(Setting::SecretKey, Source::Explicit, Secret::new(v));
        assert_eq!(secret("abcdefgh-1234").masked(), "****1234");
        assert_eq!(secret("12345678").masked(), "****5678");
        assert_eq!(secret("1234567").masked(), "****");
        assert_eq!(secret("").masked(), "****");
        assert_eq!(secret("ééééé-çà").masked(), "****é-çà");
        let ak = SettingSource::plain(
            Setting::AccessKey,
            Source::Env("HUAWEICLOUD_SDK_AK".into()),
            "AKEXAMPLE0001",
        );
        assert_eq!(ak.masked(), "****0001");
        assert!(!format!("{ak:?} {ak}").contains("AKEXAMPLE"));
        let project = SettingSource::plain(Setting::ProjectId, Source::Default, "0a1b2c3d");
        assert_eq!(project.masked(), "0a1b2c3d");
        let pending =
            SettingSource::pending(Setting::SecretKey, Source::Metadata("http://169.254.169.254".into()));
        assert_eq!(
            pending.to_string(),
            "secret key: (fetched on first call) (ECS metadata http://169.254.169.254)"
        );
    }
}
