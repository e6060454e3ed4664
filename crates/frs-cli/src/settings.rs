//! Configuration: the global options and the environment turned into a
//! [`frs_request::Config`], with where each setting came from.
//!
//! [`from_process`] is the one entry point; its callers know nothing of how it looks things
//! up ([`resolve`] does, over a lookup function).
//! Precedence, first found wins:
//!
//! - credentials: `--token`; then `HUAWEICLOUD_SDK_AK` + `HUAWEICLOUD_SDK_SK` (with
//!   `HUAWEICLOUD_SDK_SECURITY_TOKEN` for temporary keys); then `FRS_TOKEN`. A credential
//!   comes whole from one place: an AK without its SK is reported, not completed elsewhere;
//! - project id: `--project-id`, then `HUAWEICLOUD_SDK_PROJECT_ID`;
//! - region: `--region`, else `cn-north-4`;
//! - endpoint: `--endpoint`, then `FRS_ENDPOINT`, then `HUAWEICLOUD_SDK_REGION_FRS_<REGION>`
//!   (the first of a comma-separated list), then the region's public endpoint;
//! - IAM endpoint: `HUAWEICLOUD_SDK_IAM_ENDPOINT`, then the region's.
//!
//! [`resolve`] reads the environment through a lookup function, so tests give their own.

use frs_request::env::{AK, IAM_ENDPOINT, PROJECT_ID, SECURITY_TOKEN, SK, region_endpoint_variable};
use frs_request::{Config, Credentials, Endpoint, RetryPolicy};
use frs_types::{ProjectId, Region};

use crate::args::GlobalArgs;
use crate::exit::CliError;

/// The token variable `frs` reads (sent as `X-Auth-Token`).
pub(crate) const FRS_TOKEN: &str = "FRS_TOKEN";
/// The endpoint variable `frs` reads before the official SDKs' region variable.
pub(crate) const FRS_ENDPOINT: &str = "FRS_ENDPOINT";
/// The region used when none is given.
pub(crate) const DEFAULT_REGION: Region = Region::CN_NORTH_4;

/// A configuration and where each of its settings came from.
#[derive(Debug)]
pub(crate) struct Resolved {
    /// What requests are built with.
    pub(crate) config: Config,
    /// One entry per setting, in a fixed order, for `frs config show`.
    pub(crate) sources: Vec<SettingSource>,
}

/// One setting: its name, its value as it may be shown, and its origin.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct SettingSource {
    /// The setting, e.g. `secret key`.
    pub(crate) setting: &'static str,
    /// The value, secrets masked to their last four characters.
    pub(crate) value: String,
    /// Where it came from: `--endpoint`, `environment HUAWEICLOUD_SDK_AK`, `default`.
    pub(crate) source: String,
}

impl SettingSource {
    fn new(setting: &'static str, value: impl Into<String>, source: impl Into<String>) -> Self {
        Self { setting, value: value.into(), source: source.into() }
    }
}

/// A secret as it may be shown: `***` and its last four characters, or only `***` when it
/// is too short for four characters to be safe to show.
pub(crate) fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 12 {
        return "***".to_owned();
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("***{tail}")
}

/// Where a value was found.
struct Found {
    value: String,
    source: String,
}

/// Looks a setting up: the flag first, then each variable in turn.
fn lookup(
    flag: Option<&str>,
    flag_name: &str,
    variables: &[&str],
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<Found> {
    if let Some(value) = flag.map(str::trim).filter(|v| !v.is_empty()) {
        return Some(Found { value: value.to_owned(), source: flag_name.to_owned() });
    }
    variables.iter().find_map(|name| {
        let value = env(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())?;
        Some(Found { value, source: format!("environment {name}") })
    })
}

/// The configuration for the global options and this process's environment: what every
/// command calls.
///
/// # Errors
/// As [`resolve`].
pub(crate) fn from_process(global: &GlobalArgs) -> Result<Resolved, CliError> {
    resolve(global, &|name| std::env::var(name).ok())
}

/// Turns the global options and the environment into a configuration.
///
/// # Errors
/// [`CliError::Usage`] for an invalid region, endpoint or project id (naming where it came
/// from); [`CliError::Credentials`] when no credentials or no project id were found, listing
/// every place that was looked at.
pub(crate) fn resolve(
    global: &GlobalArgs,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, CliError> {
    let get = |name: &str| env(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let mut sources = Vec::new();

    let region = match lookup(global.region.as_deref(), "--region", &[], env) {
        Some(found) => {
            let region =
                Region::new(&found.value).map_err(|e| CliError::usage(format!("{}: {e}", found.source)))?;
            sources.push(SettingSource::new("region", region.id(), found.source));
            region
        }
        None => {
            sources.push(SettingSource::new("region", DEFAULT_REGION.id(), "default"));
            DEFAULT_REGION
        }
    };

    let region_variable = region_endpoint_variable(&region);
    let endpoint =
        match lookup(global.endpoint.as_deref(), "--endpoint", &[FRS_ENDPOINT, &region_variable], env) {
            Some(found) => {
                // The official variable may hold a comma-separated list: its first entry is used.
                let first = found.value.split(',').map(str::trim).find(|s| !s.is_empty()).unwrap_or_default();
                let endpoint =
                    Endpoint::parse(first).map_err(|e| CliError::usage(format!("{}: {e}", found.source)))?;
                sources.push(SettingSource::new("endpoint", endpoint.to_string(), found.source));
                endpoint
            }
            None => {
                let endpoint = Endpoint::for_region(&region);
                sources.push(SettingSource::new(
                    "endpoint",
                    endpoint.to_string(),
                    format!("region {}", region.id()),
                ));
                endpoint
            }
        };

    let iam_endpoint = match lookup(None, "", &[IAM_ENDPOINT], env) {
        Some(found) => {
            let endpoint = Endpoint::parse(&found.value)
                .map_err(|e| CliError::usage(format!("{}: {e}", found.source)))?;
            sources.push(SettingSource::new("IAM endpoint", endpoint.to_string(), found.source));
            endpoint
        }
        None => {
            let endpoint = Endpoint::iam_for_region(&region);
            sources.push(SettingSource::new(
                "IAM endpoint",
                endpoint.to_string(),
                format!("region {}", region.id()),
            ));
            endpoint
        }
    };

    let mut missing = Vec::new();
    let project = match lookup(global.project_id.as_deref(), "--project-id", &[PROJECT_ID], env) {
        Some(found) => {
            let project =
                ProjectId::new(found.value).map_err(|e| CliError::usage(format!("{}: {e}", found.source)))?;
            sources.push(SettingSource::new("project id", project.as_str(), found.source));
            Some(project)
        }
        None => {
            missing
                .push(format!("no project id; looked at: --project-id (not given), {PROJECT_ID} (not set)"));
            None
        }
    };

    let credentials = if let Some(found) = lookup(global.token.as_deref(), "--token", &[], env) {
        sources.push(SettingSource::new("token", mask(&found.value), found.source));
        Some(Credentials::token(found.value))
    } else {
        match (get(AK), get(SK)) {
            (Some(ak), Some(sk)) => {
                sources.push(SettingSource::new("access key", ak.as_str(), format!("environment {AK}")));
                sources.push(SettingSource::new("secret key", mask(&sk), format!("environment {SK}")));
                Some(match get(SECURITY_TOKEN) {
                    Some(token) => {
                        sources.push(SettingSource::new(
                            "security token",
                            mask(&token),
                            format!("environment {SECURITY_TOKEN}"),
                        ));
                        Credentials::temporary(ak, sk, token)
                    }
                    None => Credentials::access_key(ak, sk),
                })
            }
            (ak, sk) => match get(FRS_TOKEN) {
                Some(token) => {
                    sources.push(SettingSource::new(
                        "token",
                        mask(&token),
                        format!("environment {FRS_TOKEN}"),
                    ));
                    Some(Credentials::token(token))
                }
                None => {
                    let keys = match (ak, sk) {
                        (Some(_), None) => format!("{AK} set but {SK} not set"),
                        (None, Some(_)) => format!("{SK} set but {AK} not set"),
                        _ => format!("{AK} and {SK} not set"),
                    };
                    missing.push(format!(
                        "no credentials found; looked at: --token (not given), environment ({keys}), \
                         {FRS_TOKEN} (not set)"
                    ));
                    None
                }
            },
        }
    };

    let (Some(project), Some(credentials)) = (project, credentials) else {
        missing.push("see `frs config show` and docs/cli.md".to_owned());
        return Err(CliError::Credentials(missing.join("; ")));
    };

    let retries = global.retries.unwrap_or(DEFAULT_RETRIES);
    sources.push(SettingSource::new(
        "retries",
        retries.to_string(),
        if global.retries.is_some() { "--retries" } else { "default" },
    ));
    let retry = RetryPolicy { max_attempts: retries.saturating_add(1), ..RetryPolicy::default() };
    let timeout = crate::client::limits(global).total_timeout;
    sources.push(SettingSource::new(
        "timeout",
        format!("{} s", timeout.as_secs_f64()),
        if global.timeout.is_some() { "--timeout" } else { "default" },
    ));

    let config =
        Config::new(endpoint, project, credentials).with_iam_endpoint(iam_endpoint).with_retry(retry);
    Ok(Resolved { config, sources })
}

/// Retries after the first attempt when `--retries` is not given (the SDK's default of three
/// attempts).
pub(crate) const DEFAULT_RETRIES: u32 = 2;

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const SECRET: &str = "sk-very-secret-0123456789";

    fn resolve_with(global: &GlobalArgs, vars: &[(&str, &str)]) -> Result<Resolved, CliError> {
        let map: HashMap<String, String> =
            vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        resolve(global, &|name| map.get(name).cloned())
    }

    fn source<'a>(resolved: &'a Resolved, setting: &str) -> &'a SettingSource {
        resolved.sources.iter().find(|s| s.setting == setting).unwrap()
    }

    #[test]
    fn the_environment_as_the_official_sdks_read_it() {
        let r =
            resolve_with(&GlobalArgs::default(), &[(AK, "AK1"), (SK, SECRET), (PROJECT_ID, "p1")]).unwrap();
        assert_eq!(r.config.endpoint().to_string(), "https://face.cn-north-4.myhuaweicloud.com");
        assert!(matches!(r.config.credentials(), Credentials::AccessKey { security_token: None, .. }));
        assert_eq!(source(&r, "secret key").value, "***6789");
        assert_eq!(source(&r, "secret key").source, "environment HUAWEICLOUD_SDK_SK");
        assert_eq!(source(&r, "endpoint").source, "region cn-north-4");
        assert_eq!(source(&r, "retries").value, "2");
        assert_eq!(r.config.retry().max_attempts, 3);
        assert!(!format!("{:?}", r.sources).contains(SECRET));

        let r = resolve_with(
            &GlobalArgs::default(),
            &[
                (AK, "AK1"),
                (SK, SECRET),
                (SECURITY_TOKEN, "security-token-abcdefgh"),
                (PROJECT_ID, "p1"),
                ("HUAWEICLOUD_SDK_REGION_FRS_CN_NORTH_4", " http://127.0.0.1:9 , https://backup.example.com"),
            ],
        )
        .unwrap();
        assert!(matches!(r.config.credentials(), Credentials::AccessKey { security_token: Some(_), .. }));
        assert_eq!(r.config.endpoint().to_string(), "http://127.0.0.1:9");
        assert_eq!(source(&r, "security token").value, "***efgh");
    }

    #[test]
    fn flags_win_over_the_environment() {
        let global = GlobalArgs {
            endpoint: Some("http://127.0.0.1:1".into()),
            region: Some("cn-east-3".into()),
            project_id: Some("flag-project".into()),
            token: Some("flag-token-0123456789".into()),
            retries: Some(0),
            ..GlobalArgs::default()
        };
        let vars =
            [(AK, "AK1"), (SK, SECRET), (PROJECT_ID, "env-project"), (FRS_ENDPOINT, "http://127.0.0.1:2")];
        let r = resolve_with(&global, &vars).unwrap();
        assert_eq!(r.config.endpoint().to_string(), "http://127.0.0.1:1");
        assert_eq!(r.config.project_id().as_str(), "flag-project");
        assert_eq!(r.config.iam_endpoint().to_string(), "https://iam.cn-east-3.myhuaweicloud.com");
        assert!(matches!(r.config.credentials(), Credentials::Token(_)));
        assert_eq!(source(&r, "token").source, "--token");
        assert_eq!(r.config.retry().max_attempts, 1);

        // FRS_ENDPOINT before the official region variable; FRS_TOKEN after the keys.
        let vars = [
            (FRS_TOKEN, "env-token-0123456789"),
            (PROJECT_ID, "p"),
            (FRS_ENDPOINT, "http://127.0.0.1:2"),
            ("HUAWEICLOUD_SDK_REGION_FRS_CN_NORTH_4", "http://127.0.0.1:3"),
        ];
        let r = resolve_with(&GlobalArgs::default(), &vars).unwrap();
        assert_eq!(r.config.endpoint().to_string(), "http://127.0.0.1:2");
        assert_eq!(source(&r, "token").source, "environment FRS_TOKEN");
        let r = resolve_with(
            &GlobalArgs::default(),
            &[(AK, "AK1"), (SK, SECRET), (PROJECT_ID, "p"), (FRS_TOKEN, "t")],
        )
        .unwrap();
        assert!(matches!(r.config.credentials(), Credentials::AccessKey { .. }));
    }

    #[test]
    fn missing_credentials_list_every_place_looked_at() {
        let err = resolve_with(&GlobalArgs::default(), &[]).unwrap_err();
        assert_eq!(err.exit_code(), crate::exit::CREDENTIALS);
        let text = err.to_string();
        for place in ["--token", AK, SK, FRS_TOKEN, "--project-id", PROJECT_ID] {
            assert!(text.contains(place), "{place} missing from {text}");
        }
        // Half a key pair is reported, not mixed with another source.
        let err = resolve_with(&GlobalArgs::default(), &[(AK, "AK1"), (PROJECT_ID, "p")]).unwrap_err();
        assert!(err.to_string().contains("HUAWEICLOUD_SDK_AK set but HUAWEICLOUD_SDK_SK not set"), "{err}");
        assert!(!err.to_string().contains("project id"), "{err}");
        let err = resolve_with(&GlobalArgs::default(), &[(SK, SECRET), (PROJECT_ID, "p")]).unwrap_err();
        assert!(!err.to_string().contains(SECRET));
    }

    #[test]
    fn invalid_values_are_usage_errors_naming_their_source() {
        let vars = [(AK, "AK1"), (SK, SECRET), (PROJECT_ID, "p")];
        let global = GlobalArgs { endpoint: Some("ftp://x".into()), ..GlobalArgs::default() };
        let err = resolve_with(&global, &vars).unwrap_err();
        assert_eq!(err.exit_code(), crate::exit::USAGE);
        assert!(err.to_string().starts_with("--endpoint: "), "{err}");
        let err = resolve_with(&GlobalArgs::default(), &[(FRS_ENDPOINT, "nope"), (AK, "a"), (SK, "b")])
            .unwrap_err();
        assert!(err.to_string().starts_with("environment FRS_ENDPOINT: "), "{err}");
        let global = GlobalArgs { region: Some("Not A Region".into()), ..GlobalArgs::default() };
        assert_eq!(resolve_with(&global, &vars).unwrap_err().exit_code(), crate::exit::USAGE);
    }

    #[test]
    fn masking() {
        assert_eq!(mask("emulator-secret-key-0000000000000000000"), "***0000");
        assert_eq!(mask("short"), "***");
        assert_eq!(mask(""), "***");
    }
}
