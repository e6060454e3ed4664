//! The official SDKs' credential chain: explicit values, then the environment, then the
//! profile file, then the ECS metadata service — resolved without I/O.
//!
//! The core reads no file, no environment and no network: the caller passes what it read
//! ([`ChainInput`]: a lookup function for variables, the profile file's text, whether to use
//! ECS metadata), and [`resolve`] returns a [`Config`] with, for every setting, the source
//! that won ([`Resolved::sources`], for `frs config show`). Fetching ECS metadata keys is
//! left to the client: the chain answers with [`Credentials::Metadata`], and the first call
//! fetches them.
//!
//! # Precedence
//!
//! **Credentials** come whole from the first place that has any:
//!
//! 1. explicit values ([`Explicit`]: a builder, command-line flags): an AK/SK pair (with a
//!    security token for temporary keys), a token, or an IAM password login;
//! 2. the environment: `HUAWEICLOUD_SDK_AK` + `HUAWEICLOUD_SDK_SK` (+
//!    `HUAWEICLOUD_SDK_SECURITY_TOKEN`), or `FRS_TOKEN`;
//! 3. the profile file ([`profile_path`]: `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else
//!    `~/.huaweicloud/credentials`), section `[basic]`: `ak` + `sk` (+ `security_token`);
//! 4. the ECS metadata service, when the caller asks for it ([`ChainInput::metadata`];
//!    [`metadata_endpoint`] reads `FRS_METADATA_URL`, else `http://169.254.169.254`).
//!
//! A place that gives part of a credential (an AK without its SK) is an error, never
//! completed from the next place; one that gives two kinds (a token and an AK/SK pair) is
//! an error too.
//!
//! **Other settings** are looked up one by one, explicit → environment → profile:
//! the project id (`HUAWEICLOUD_SDK_PROJECT_ID`, `project_id`); the region (`FRS_REGION`);
//! the endpoint (`FRS_ENDPOINT`, else the region's: `HUAWEICLOUD_SDK_REGION_FRS_<REGION>`,
//! else the built-in `https://face.{region}.myhuaweicloud.com`) — an explicit region beats
//! an endpoint from the environment; the IAM endpoint, where as in the official SDKs the
//! profile's `iam_endpoint` comes before `HUAWEICLOUD_SDK_IAM_ENDPOINT`, then the region's,
//! then `https://iam.myhuaweicloud.com`.
//!
//! ```
//! use std::collections::HashMap;
//! use std::path::PathBuf;
//! use frs_request::chain::{resolve, ChainInput, Explicit, ProfileText, Setting, Source};
//!
//! // What a program read: the environment, and the profile file.
//! let vars = HashMap::from([("FRS_REGION", "cn-north-4")]);
//! let env = |name: &str| vars.get(name).map(|v| v.to_string());
//! let profile = ProfileText {
//!     path: PathBuf::from("/home/me/.huaweicloud/credentials"),
//!     text: Some("[basic]\nak = PROFILEAK001\nsk = profile-secret-key\nproject_id = 0a1b2c3d\n".into()),
//! };
//! let input = ChainInput {
//!     explicit: Explicit { project_id: Some("explicit-project".into()), ..Explicit::default() },
//!     profile: Some(profile),
//!     ..ChainInput::new(&env)
//! };
//! let resolved = resolve(&input)?;
//! assert_eq!(resolved.config.project_id().as_str(), "explicit-project"); // explicit wins
//! assert_eq!(resolved.config.endpoint().to_string(), "https://face.cn-north-4.myhuaweicloud.com");
//! let ak = resolved.source(Setting::AccessKey).unwrap();
//! assert!(matches!(ak.source(), Source::Profile(_)));
//! assert_eq!(ak.masked(), "****K001");
//!
//! // Nothing anywhere: the error lists every place looked at.
//! let nothing = |_: &str| None;
//! let err = resolve(&ChainInput::new(&nothing)).unwrap_err();
//! assert!(err.to_string().starts_with("no credentials found; looked at: explicit values (none); environment:"));
//! # Ok::<(), frs_request::chain::ChainError>(())
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use frs_types::{ProjectId, Region};

use crate::config::Config;
use crate::credentials::{Credentials, PasswordCredentials, ProjectScope};
use crate::endpoint::Endpoint;
use crate::env;
use crate::secret::Secret;

mod profile;
mod report;

pub use profile::{BASIC, Profile, ProfileError, ProfileErrorKind, ProfileSection, parse_profile};
pub use report::{ChainError, LookedAt, Setting, SettingSource, Source};

/// Values given explicitly (a builder, command-line flags); they beat every other source.
/// Empty strings count as not given. `Debug` masks the access key and hides the secrets.
#[derive(Clone, Default)]
pub struct Explicit {
    /// The access key id.
    pub access_key: Option<String>,
    /// The secret key.
    pub secret_key: Option<Secret>,
    /// The security token of temporary keys.
    pub security_token: Option<Secret>,
    /// An IAM user token (`X-Auth-Token`).
    pub token: Option<Secret>,
    /// An IAM password login (tokens obtained and refreshed by the client).
    pub password: Option<PasswordLogin>,
    /// The project id.
    pub project_id: Option<String>,
    /// The region id (`cn-north-4`).
    pub region: Option<String>,
    /// The FRS endpoint (`https://…`, `http://127.0.0.1:8080`).
    pub endpoint: Option<String>,
    /// The IAM endpoint.
    pub iam_endpoint: Option<String>,
}

impl fmt::Debug for Explicit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Explicit")
            .field("access_key", &self.access_key.as_deref().map(crate::credentials::masked_access_key))
            .field("secret_key", &self.secret_key)
            .field("security_token", &self.security_token)
            .field("token", &self.token)
            .field("password", &self.password)
            .field("project_id", &self.project_id)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("iam_endpoint", &self.iam_endpoint)
            .finish()
    }
}

/// An IAM user's password login. `Debug` hides the password.
#[derive(Clone)]
pub struct PasswordLogin {
    /// The IAM user name.
    pub user_name: String,
    /// The password.
    pub password: Secret,
    /// The account (domain) the user belongs to.
    pub domain_name: String,
}

impl fmt::Debug for PasswordLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordLogin")
            .field("user_name", &self.user_name)
            .field("password", &"***")
            .field("domain_name", &self.domain_name)
            .finish()
    }
}

/// The profile file as the caller read it. `Debug` shows the path, never the text.
#[derive(Clone)]
pub struct ProfileText {
    /// Where it is (for messages and [`Source::Profile`]).
    pub path: PathBuf,
    /// Its text; `None` when the file does not exist.
    pub text: Option<String>,
}

impl fmt::Debug for ProfileText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileText")
            .field("path", &self.path)
            .field("bytes", &self.text.as_ref().map(String::len))
            .finish()
    }
}

/// What the chain reads.
pub struct ChainInput<'a> {
    /// Explicit values.
    pub explicit: Explicit,
    /// Looks up an environment variable (`|name| std::env::var(name).ok()` for the process's).
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// The profile file; `None` when there is no path for it (see [`profile_path`]).
    pub profile: Option<ProfileText>,
    /// The ECS metadata service to take temporary keys from when nothing else gives
    /// credentials; `None` not to use it. The official SDKs always try it last: pass
    /// `Some(metadata_endpoint(env)?)` to do the same, knowing that off ECS the first call
    /// then fails with [`CallError::Metadata`](crate::CallError::Metadata) after the
    /// transport's connect timeout.
    pub metadata: Option<Endpoint>,
}

impl<'a> ChainInput<'a> {
    /// Input with only an environment: no explicit value, no profile file, no metadata.
    pub fn new(env: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Self { explicit: Explicit::default(), env, profile: None, metadata: None }
    }
}

impl fmt::Debug for ChainInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChainInput")
            .field("explicit", &self.explicit)
            .field("profile", &self.profile)
            .field("metadata", &self.metadata)
            .finish_non_exhaustive()
    }
}

/// Where the profile file is: `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else
/// `{home}/.huaweicloud/credentials`; `None` when neither is known.
///
/// ```
/// use std::path::{Path, PathBuf};
/// use frs_request::chain::profile_path;
///
/// let none = |_: &str| None;
/// assert_eq!(profile_path(&none, Some(Path::new("/home/me"))),
///            Some(PathBuf::from("/home/me/.huaweicloud/credentials")));
/// let set = |name: &str| (name == "HUAWEICLOUD_SDK_CREDENTIALS_FILE").then(|| "/etc/frs/creds".to_owned());
/// assert_eq!(profile_path(&set, None), Some(PathBuf::from("/etc/frs/creds")));
/// ```
pub fn profile_path(env: &dyn Fn(&str) -> Option<String>, home: Option<&Path>) -> Option<PathBuf> {
    lookup(env, env::CREDENTIALS_FILE)
        .map(PathBuf::from)
        .or_else(|| home.map(|h| h.join(".huaweicloud").join("credentials")))
}

/// The ECS metadata service's base URL: `FRS_METADATA_URL`, else `http://169.254.169.254`.
///
/// # Errors
/// [`ChainError::Invalid`] when the variable is not an `http(s)://host[:port]` URL.
pub fn metadata_endpoint(env: &dyn Fn(&str) -> Option<String>) -> Result<Endpoint, ChainError> {
    match lookup(env, env::METADATA_URL) {
        Some(url) => Endpoint::parse(&url).map_err(|e| ChainError::Invalid {
            setting: Setting::Endpoint,
            origin: Source::Env(env::METADATA_URL.to_owned()),
            reason: e.to_string(),
        }),
        None => Ok(Endpoint::ECS_METADATA),
    }
}

/// What the chain found: a configuration, the region if one was given, and where every
/// setting came from.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The configuration to build a client with.
    pub config: Config,
    /// The region, when one was given (for [`ListProjects`](crate::iam::ListProjects), say).
    pub region: Option<Region>,
    /// One entry per setting found, credentials first, in a stable order.
    pub sources: Vec<SettingSource>,
}

impl Resolved {
    /// Where `setting` came from, if it was set.
    pub fn source(&self, setting: Setting) -> Option<&SettingSource> {
        self.sources.iter().find(|s| s.setting() == setting)
    }
}

/// A variable's value, trimmed; `None` when unset or blank.
fn lookup(env: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    env(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn given(value: Option<&String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn given_secret(value: Option<&Secret>) -> Option<Secret> {
    value.map(|v| v.expose().trim()).filter(|v| !v.is_empty()).map(Secret::new)
}

/// The profile, parsed when a setting first needs it.
struct ProfileState<'a> {
    text: Option<&'a ProfileText>,
    parsed: Option<Profile>,
}

impl<'a> ProfileState<'a> {
    fn new(text: Option<&'a ProfileText>) -> Self {
        Self { text, parsed: None }
    }

    fn source(&self) -> Option<Source> {
        self.text.map(|t| Source::Profile(t.path.clone()))
    }

    /// The `[basic]` section, if there is a file with one; an error for a broken file.
    fn basic(&mut self) -> Result<Option<&ProfileSection>, ChainError> {
        let Some(ProfileText { path, text: Some(text) }) = self.text else { return Ok(None) };
        if self.parsed.is_none() {
            let parsed =
                parse_profile(text).map_err(|error| ChainError::Profile { path: path.clone(), error })?;
            self.parsed = Some(parsed);
        }
        Ok(self.parsed.as_ref().and_then(Profile::basic))
    }

    /// How a place is described when it gave nothing for `what` (`ak and sk`).
    fn describe(&mut self, what: &str) -> Result<String, ChainError> {
        let Some(file) = self.text else {
            return Ok(format!(
                "profile file (none: {} is not set and there is no home directory)",
                env::CREDENTIALS_FILE
            ));
        };
        let path = file.path.display().to_string();
        Ok(match (file.text.is_some(), self.basic()?.is_some()) {
            (false, _) => format!("profile file {path} (absent)"),
            (true, false) => format!("profile file {path} (no [basic] section)"),
            (true, true) => format!("profile file {path} (no {what} in [basic])"),
        })
    }
}

/// The credentials found, before the project id is known (a password login is scoped to it).
enum Found {
    Keys { access_key: String, secret_key: Secret, security_token: Option<Secret> },
    Token(Secret),
    Password(PasswordLogin),
    Metadata(Endpoint),
}

/// One place's credential values, named as that place names them.
struct Offer<'a> {
    /// The place, as messages name it (`environment variables`).
    place: String,
    /// Where each setting of this place comes from.
    source_of: &'a dyn Fn(Setting) -> Source,
    /// How this place names the access key, the secret key and the security token.
    names: [&'a str; 3],
    access_key: Option<String>,
    secret_key: Option<Secret>,
    security_token: Option<Secret>,
    token: Option<Secret>,
    password: Option<PasswordLogin>,
}

impl Offer<'_> {
    /// The credentials of this place: `None` when it has none, an error when they are
    /// partial or of two kinds.
    fn take(self, sources: &mut Vec<SettingSource>) -> Result<Option<Found>, ChainError> {
        let [ak_name, sk_name, sts_name] = self.names;
        let has_keys =
            self.access_key.is_some() || self.secret_key.is_some() || self.security_token.is_some();
        let kinds: Vec<&str> = [
            (has_keys, "an AK/SK pair"),
            (self.token.is_some(), "a token"),
            (self.password.is_some(), "a password login"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        if let [first, second, ..] = kinds.as_slice() {
            return Err(ChainError::Conflict {
                place: self.place,
                first: (*first).to_owned(),
                second: (*second).to_owned(),
            });
        }
        let source = self.source_of;
        if let Some(token) = self.token {
            sources.push(SettingSource::secret(Setting::Token, source(Setting::Token), token.clone()));
            return Ok(Some(Found::Token(token)));
        }
        if let Some(login) = self.password {
            let user = format!("{} ({})", login.user_name, login.domain_name);
            sources.push(SettingSource::plain(Setting::User, source(Setting::User), user));
            sources.push(SettingSource::secret(
                Setting::Password,
                source(Setting::Password),
                login.password.clone(),
            ));
            return Ok(Some(Found::Password(login)));
        }
        match (self.access_key, self.secret_key, self.security_token) {
            (None, None, None) => Ok(None),
            (Some(access_key), Some(secret_key), security_token) => {
                let sources_of = [Setting::AccessKey, Setting::SecretKey, Setting::SecurityToken].map(source);
                let [ak_source, sk_source, sts_source] = sources_of;
                sources.push(SettingSource::plain(Setting::AccessKey, ak_source, access_key.clone()));
                sources.push(SettingSource::secret(Setting::SecretKey, sk_source, secret_key.clone()));
                if let Some(sts) = &security_token {
                    sources.push(SettingSource::secret(Setting::SecurityToken, sts_source, sts.clone()));
                }
                Ok(Some(Found::Keys { access_key, secret_key, security_token }))
            }
            (ak, sk, sts) => {
                let names = |pairs: [(bool, &str); 3]| {
                    pairs
                        .into_iter()
                        .filter_map(|(on, name)| on.then_some(name))
                        .collect::<Vec<_>>()
                        .join(" and ")
                };
                Err(ChainError::Incomplete {
                    place: self.place,
                    present: names([
                        (ak.is_some(), ak_name),
                        (sk.is_some(), sk_name),
                        (sts.is_some(), sts_name),
                    ]),
                    missing: names([(ak.is_none(), ak_name), (sk.is_none(), sk_name), (false, "")]),
                })
            }
        }
    }
}

/// Resolves the chain: credentials, project id, region, endpoint and IAM endpoint, each
/// from the first source that has it (see the [module](self) for the order).
///
/// # Errors
/// [`ChainError`]: nothing found (listing every place looked at), a partial or ambiguous
/// credential, an invalid value, or a profile file that is not valid INI.
pub fn resolve(input: &ChainInput<'_>) -> Result<Resolved, ChainError> {
    let mut profile = ProfileState::new(input.profile.as_ref());
    let mut sources = Vec::new();
    let found = credentials(input, &mut profile, &mut sources)?;
    let project_id = project_id(input, &mut profile, &mut sources)?;
    let region = region(input, &mut sources)?;
    let endpoint = endpoint(input, region.as_ref(), &mut sources)?;
    let iam_endpoint = iam_endpoint(input, &mut profile, region.as_ref(), &mut sources)?;
    let credentials = match found {
        Found::Keys { access_key, secret_key, security_token } => {
            Credentials::AccessKey { access_key, secret_key, security_token }
        }
        Found::Token(token) => Credentials::Token(token),
        Found::Password(login) => Credentials::password(PasswordCredentials {
            user_name: login.user_name,
            password: login.password,
            domain_name: login.domain_name,
            scope: ProjectScope::Id(project_id.clone()),
        }),
        Found::Metadata(base) => Credentials::metadata(base),
    };
    let config = Config::new(endpoint, project_id, credentials).with_iam_endpoint(iam_endpoint);
    Ok(Resolved { config, region, sources })
}

fn credentials(
    input: &ChainInput<'_>,
    profile: &mut ProfileState<'_>,
    sources: &mut Vec<SettingSource>,
) -> Result<Found, ChainError> {
    let mut looked_at = LookedAt::default();
    let x = &input.explicit;
    let explicit = Offer {
        place: "explicit values".into(),
        source_of: &|_| Source::Explicit,
        names: ["an access key", "a secret key", "a security token"],
        access_key: given(x.access_key.as_ref()),
        secret_key: given_secret(x.secret_key.as_ref()),
        security_token: given_secret(x.security_token.as_ref()),
        token: given_secret(x.token.as_ref()),
        password: x.password.clone().filter(|p| !p.user_name.trim().is_empty()),
    };
    if let Some(found) = explicit.take(sources)? {
        return Ok(found);
    }
    looked_at.push("explicit values (none)");

    let var = |name: &str| lookup(input.env, name);
    let from_env = Offer {
        place: "environment variables".into(),
        source_of: &|setting| {
            let name = match setting {
                Setting::AccessKey => env::AK,
                Setting::SecretKey => env::SK,
                Setting::SecurityToken => env::SECURITY_TOKEN,
                _ => env::TOKEN,
            };
            Source::Env(name.to_owned())
        },
        names: [env::AK, env::SK, env::SECURITY_TOKEN],
        access_key: var(env::AK),
        secret_key: var(env::SK).map(Secret::new),
        security_token: var(env::SECURITY_TOKEN).map(Secret::new),
        token: var(env::TOKEN).map(Secret::new),
        password: None,
    };
    if let Some(found) = from_env.take(sources)? {
        return Ok(found);
    }
    looked_at.push(format!(
        "environment: {}, {}, {} and {} (none set)",
        env::AK,
        env::SK,
        env::SECURITY_TOKEN,
        env::TOKEN
    ));

    if let Some(file) = profile.text {
        let basic = profile.basic()?.cloned().unwrap_or_default();
        let offer = Offer {
            place: format!("profile file {}", file.path.display()),
            source_of: &|_| Source::Profile(file.path.clone()),
            names: ["ak", "sk", "security_token"],
            access_key: basic.ak,
            secret_key: basic.sk,
            security_token: basic.security_token,
            token: None,
            password: None,
        };
        if let Some(found) = offer.take(sources)? {
            return Ok(found);
        }
    }
    looked_at.push(profile.describe("ak and sk")?);

    match &input.metadata {
        Some(base) => {
            let source = Source::Metadata(base.to_string());
            for setting in [Setting::AccessKey, Setting::SecretKey, Setting::SecurityToken] {
                sources.push(SettingSource::pending(setting, source.clone()));
            }
            Ok(Found::Metadata(base.clone()))
        }
        None => {
            looked_at.push(format!("ECS metadata {} (not tried)", Endpoint::ECS_METADATA));
            Err(no_credentials(looked_at))
        }
    }
}

fn no_credentials(looked_at: LookedAt) -> ChainError {
    ChainError::NoCredentials { looked_at }
}

fn invalid(setting: Setting, source: Source, reason: impl fmt::Display) -> ChainError {
    ChainError::Invalid { setting, origin: source, reason: reason.to_string() }
}

fn project_id(
    input: &ChainInput<'_>,
    profile: &mut ProfileState<'_>,
    sources: &mut Vec<SettingSource>,
) -> Result<ProjectId, ChainError> {
    let mut found = given(input.explicit.project_id.as_ref()).map(|v| (v, Source::Explicit));
    if found.is_none() {
        found = lookup(input.env, env::PROJECT_ID).map(|v| (v, Source::Env(env::PROJECT_ID.to_owned())));
    }
    if found.is_none() {
        // Read only when needed: a broken file nothing needs is no error.
        let value = profile.basic()?.and_then(|b| b.project_id.clone());
        found = value.zip(profile.source());
    }
    if let Some((value, source)) = found {
        let id = ProjectId::new(value.clone()).map_err(|e| invalid(Setting::ProjectId, source.clone(), e))?;
        sources.push(SettingSource::plain(Setting::ProjectId, source, value));
        return Ok(id);
    }
    let mut looked_at = LookedAt::default();
    looked_at.push("explicit values (no project id)");
    looked_at.push(format!("environment: {} (not set)", env::PROJECT_ID));
    looked_at.push(profile.describe("project_id")?);
    Err(ChainError::NoProjectId { looked_at })
}

fn region(input: &ChainInput<'_>, sources: &mut Vec<SettingSource>) -> Result<Option<Region>, ChainError> {
    let candidates = [
        (given(input.explicit.region.as_ref()), Source::Explicit),
        (lookup(input.env, env::REGION), Source::Env(env::REGION.to_owned())),
    ];
    for (value, source) in candidates {
        if let Some(value) = value {
            let region = Region::new(&value).map_err(|e| invalid(Setting::Region, source.clone(), e))?;
            sources.push(SettingSource::plain(Setting::Region, source, value));
            return Ok(Some(region));
        }
    }
    Ok(None)
}

fn parse_endpoint(setting: Setting, source: &Source, url: &str) -> Result<Endpoint, ChainError> {
    Endpoint::parse(url).map_err(|e| invalid(setting, source.clone(), e))
}

/// The FRS endpoint of `region`: its variable (the first of a comma-separated list), else the
/// built-in one.
fn region_endpoint(input: &ChainInput<'_>, region: &Region) -> Result<(Endpoint, Source), ChainError> {
    let variable = env::region_endpoint_variable(region);
    if let Some(list) = lookup(input.env, &variable) {
        let first = list.split(',').map(str::trim).find(|s| !s.is_empty()).unwrap_or_default();
        let source = Source::Env(variable);
        return Ok((parse_endpoint(Setting::Endpoint, &source, first)?, source));
    }
    Ok((Endpoint::for_region(region), Source::Default))
}

fn endpoint(
    input: &ChainInput<'_>,
    region: Option<&Region>,
    sources: &mut Vec<SettingSource>,
) -> Result<Endpoint, ChainError> {
    let region_given_explicitly = given(input.explicit.region.as_ref()).is_some();
    let found = if let Some(url) = given(input.explicit.endpoint.as_ref()) {
        Some((parse_endpoint(Setting::Endpoint, &Source::Explicit, &url)?, Source::Explicit))
    } else if let (Some(region), true) = (region, region_given_explicitly) {
        Some(region_endpoint(input, region)?)
    } else if let Some(url) = lookup(input.env, env::ENDPOINT) {
        let source = Source::Env(env::ENDPOINT.to_owned());
        Some((parse_endpoint(Setting::Endpoint, &source, &url)?, source))
    } else if let Some(region) = region {
        Some(region_endpoint(input, region)?)
    } else {
        None
    };
    let Some((endpoint, source)) = found else {
        let mut looked_at = LookedAt::default();
        looked_at.push("explicit values (no endpoint, no region)");
        looked_at.push(format!("environment: {} and {} (not set)", env::ENDPOINT, env::REGION));
        return Err(ChainError::NoEndpoint { looked_at });
    };
    sources.push(SettingSource::plain(Setting::Endpoint, source, endpoint.to_string()));
    Ok(endpoint)
}

fn iam_endpoint(
    input: &ChainInput<'_>,
    profile: &mut ProfileState<'_>,
    region: Option<&Region>,
    sources: &mut Vec<SettingSource>,
) -> Result<Endpoint, ChainError> {
    let mut found = None;
    if let Some(url) = given(input.explicit.iam_endpoint.as_ref()) {
        found = Some((url, Source::Explicit));
    } else if let Some(found_in_profile) =
        profile.basic()?.and_then(|b| b.iam_endpoint.clone()).zip(profile.source())
    {
        found = Some(found_in_profile);
    } else if let Some(url) = lookup(input.env, env::IAM_ENDPOINT) {
        found = Some((url, Source::Env(env::IAM_ENDPOINT.to_owned())));
    }
    let (endpoint, source) = match found {
        Some((url, source)) => (parse_endpoint(Setting::IamEndpoint, &source, &url)?, source),
        None => (region.map_or(Endpoint::GLOBAL_IAM, Endpoint::iam_for_region), Source::Default),
    };
    sources.push(SettingSource::plain(Setting::IamEndpoint, source, endpoint.to_string()));
    Ok(endpoint)
}
