//! Configuration: the global options, the environment, the profile file and (when asked
//! for) the ECS metadata service turned into a [`frs_request::Config`], with where each
//! setting came from — through the library's credential chain ([`frs_request::chain`]), so
//! `frs` finds credentials exactly where the SDK does.
//!
//! [`from_process`] is the one entry point; it reads what the chain needs (the process
//! environment, the profile file) and [`resolve`] does the rest over what was read.
//! Precedence, first found wins (a credential is taken whole from one place):
//!
//! 1. flags: `--token` or `--iam-user` + `--iam-domain` (password in `FRS_IAM_PASSWORD`),
//!    `--project-id`, `--region`, `--endpoint`, `--iam-endpoint`;
//! 2. the environment: `HUAWEICLOUD_SDK_AK` + `HUAWEICLOUD_SDK_SK` (+
//!    `HUAWEICLOUD_SDK_SECURITY_TOKEN`), or `FRS_TOKEN`; `HUAWEICLOUD_SDK_PROJECT_ID`,
//!    `FRS_REGION`, `FRS_ENDPOINT`, `HUAWEICLOUD_SDK_REGION_FRS_<REGION>`,
//!    `HUAWEICLOUD_SDK_IAM_ENDPOINT`;
//! 3. the profile file (`HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else
//!    `~/.huaweicloud/credentials`), section `[basic]`: `ak`, `sk`, `security_token`,
//!    `project_id`, `iam_endpoint`;
//! 4. the ECS metadata service, only when `FRS_METADATA_URL` is set (use
//!    `http://169.254.169.254` on an ECS): off ECS the address never answers, and a tool
//!    that waits for a timeout before saying "no credentials" is worse than one that says
//!    where to look.

use std::path::PathBuf;

use frs_request::RetryPolicy;
use frs_request::chain::{self, ChainError, ChainInput, Explicit, PasswordLogin, ProfileText};

use crate::args::GlobalArgs;
use crate::exit::CliError;

/// The token variable `frs` reads (sent as `X-Auth-Token`).
pub(crate) const FRS_TOKEN: &str = frs_request::env::TOKEN;
/// The password of `--iam-user` (never a flag, so it is not visible in the process list).
pub(crate) const FRS_IAM_PASSWORD: &str = "FRS_IAM_PASSWORD";
/// The endpoint variable `frs` reads before the official SDKs' region variable.
pub(crate) const FRS_ENDPOINT: &str = frs_request::env::ENDPOINT;

/// A configuration and where each of its settings came from.
#[derive(Debug)]
pub(crate) struct Resolved {
    /// What requests are built with.
    pub(crate) config: frs_request::Config,
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
    /// Where it came from: `--endpoint`, `environment variable HUAWEICLOUD_SDK_AK`, `default`.
    pub(crate) source: String,
}

impl SettingSource {
    fn new(setting: &'static str, value: impl Into<String>, source: impl Into<String>) -> Self {
        Self { setting, value: value.into(), source: source.into() }
    }
}

/// The configuration for the global options and this process's environment and profile
/// file: what every command calls.
///
/// # Errors
/// As [`resolve`].
pub(crate) fn from_process(global: &GlobalArgs) -> Result<Resolved, CliError> {
    let env = |name: &str| std::env::var(name).ok();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let profile = chain::profile_path(&env, home.as_deref()).map(|path| {
        // An unreadable file counts as absent; the chain says which path it looked at.
        let text = std::fs::read_to_string(&path).ok();
        ProfileText { path, text }
    });
    resolve(global, &env, profile)
}

/// Turns the global options, the environment (through `env`) and the profile file's text
/// into a configuration.
///
/// # Errors
/// [`CliError::Usage`] for an invalid region, endpoint or project id (naming where it came
/// from); [`CliError::Credentials`] when no credentials or no project id were found, listing
/// every place that was looked at, or when a place holds half a credential.
pub(crate) fn resolve(
    global: &GlobalArgs,
    env: &dyn Fn(&str) -> Option<String>,
    profile: Option<ProfileText>,
) -> Result<Resolved, CliError> {
    let password = match (&global.iam_user, &global.iam_domain) {
        (Some(user_name), Some(domain_name)) => {
            // Never a flag: a password on the command line is visible to every user of the machine.
            let password = env(FRS_IAM_PASSWORD).filter(|p| !p.is_empty()).ok_or_else(|| {
                CliError::Credentials(format!(
                    "--iam-user {user_name} needs its password in {FRS_IAM_PASSWORD}"
                ))
            })?;
            Some(PasswordLogin {
                user_name: user_name.clone(),
                password: password.into(),
                domain_name: domain_name.clone(),
            })
        }
        _ => None,
    };
    let explicit = Explicit {
        token: global.token.clone().map(Into::into),
        password,
        project_id: global.project_id.clone(),
        region: global.region.clone(),
        endpoint: global.endpoint.clone(),
        iam_endpoint: global.iam_endpoint.clone(),
        ..Explicit::default()
    };
    // ECS metadata only when asked for (see the module documentation).
    let metadata = match env(frs_request::env::METADATA_URL) {
        Some(_) => Some(chain::metadata_endpoint(env).map_err(chain_error)?),
        None => None,
    };
    let input = ChainInput { explicit, env, profile, metadata };
    let resolved = chain::resolve(&input).map_err(chain_error)?;
    let mut sources: Vec<SettingSource> = resolved
        .sources
        .iter()
        .map(|s| {
            let source = match s.source() {
                chain::Source::Explicit => explicit_flag(s.setting()).to_owned(),
                other => other.to_string(),
            };
            SettingSource::new(s.setting().name(), s.masked(), source)
        })
        .collect();

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
    Ok(Resolved { config: resolved.config.with_retry(retry), sources })
}

/// The flag behind an explicit setting.
fn explicit_flag(setting: chain::Setting) -> &'static str {
    match setting {
        chain::Setting::Token => "--token",
        chain::Setting::ProjectId => "--project-id",
        chain::Setting::Region => "--region",
        chain::Setting::Endpoint => "--endpoint",
        chain::Setting::IamEndpoint => "--iam-endpoint",
        _ => "flag",
    }
}

/// The exit code of a chain error: a value that cannot be used, or no region or endpoint at
/// all, is bad input (2); missing or half-given credentials and a missing project id are
/// credential problems (3). There is no default region, as in the official SDKs: a request
/// sent to a region the user did not choose is worse than an error.
fn chain_error(error: ChainError) -> CliError {
    match error {
        ChainError::Invalid { .. } | ChainError::NoEndpoint { .. } => {
            CliError::Usage(format!("{}; give --region or --endpoint (see docs/cli.md)", in_flags(&error)))
        }
        other => {
            CliError::Credentials(format!("{}; see `frs config show` and docs/cli.md", in_flags(&other)))
        }
    }
}

/// The chain's words for explicit values, in the flags' own names.
fn in_flags(error: &ChainError) -> String {
    error
        .to_string()
        .replace("explicit values (none)", "flags (no --token)")
        .replace("explicit values (no project id)", "flags (no --project-id)")
        .replace("explicit values (no endpoint, no region)", "flags (no --endpoint, no --region)")
        .replace("discover it with frs_request::iam::ListProjects", "give --project-id")
        .replace("(not tried)", "(not tried: set FRS_METADATA_URL=http://169.254.169.254 on an ECS)")
}

/// Retries after the first attempt when `--retries` is not given (the SDK's default of three
/// attempts).
pub(crate) const DEFAULT_RETRIES: u32 = 2;

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use frs_request::Credentials;
    use frs_request::env::{AK, PROJECT_ID, REGION, SECURITY_TOKEN, SK};

    use super::*;

    const SECRET: &str = "sk-very-secret-0123456789";

    fn resolve_with(
        global: &GlobalArgs,
        vars: &[(&str, &str)],
        profile: Option<&str>,
    ) -> Result<Resolved, CliError> {
        let map: HashMap<String, String> =
            vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let profile = ProfileText {
            path: "/home/test/.huaweicloud/credentials".into(),
            text: profile.map(str::to_owned),
        };
        resolve(global, &|name| map.get(name).cloned(), Some(profile))
    }

    fn source<'a>(resolved: &'a Resolved, setting: &str) -> &'a SettingSource {
        resolved
            .sources
            .iter()
            .find(|s| s.setting == setting)
            .unwrap_or_else(|| panic!("{setting}: {:?}", resolved.sources))
    }

    #[test]
    fn the_environment_as_the_official_sdks_read_it() {
        let r = resolve_with(
            &GlobalArgs::default(),
            &[(AK, "AK1"), (SK, SECRET), (PROJECT_ID, "p1"), (REGION, "cn-north-4")],
            None,
        )
        .unwrap();
        assert_eq!(r.config.endpoint().to_string(), "https://face.cn-north-4.myhuaweicloud.com");
        assert!(matches!(r.config.credentials(), Credentials::AccessKey { security_token: None, .. }));
        assert_eq!(source(&r, "secret key").value, "****6789");
        assert_eq!(source(&r, "secret key").source, "environment variable HUAWEICLOUD_SDK_SK");
        assert_eq!(source(&r, "retries").value, "2");
        assert_eq!(r.config.retry().max_attempts, 3);
        assert!(!format!("{:?}", r.sources).contains(SECRET));

        let vars = [
            (AK, "AK1"),
            (SK, SECRET),
            (SECURITY_TOKEN, "security-token-abcdefgh"),
            (PROJECT_ID, "p1"),
            ("HUAWEICLOUD_SDK_REGION_FRS_CN_NORTH_4", " http://127.0.0.1:9 , https://backup.example.com"),
            (REGION, "cn-north-4"),
        ];
        let r = resolve_with(&GlobalArgs::default(), &vars, None).unwrap();
        assert!(matches!(r.config.credentials(), Credentials::AccessKey { security_token: Some(_), .. }));
        assert_eq!(r.config.endpoint().to_string(), "http://127.0.0.1:9");
        assert_eq!(source(&r, "security token").value, "****efgh");
    }

    #[test]
    fn flags_win_over_the_environment_which_wins_over_the_profile() {
        let global = GlobalArgs {
            endpoint: Some("http://127.0.0.1:1".into()),
            project_id: Some("flag-project".into()),
            token: Some("flag-token-0123456789".into()),
            retries: Some(0),
            ..GlobalArgs::default()
        };
        let vars =
            [(AK, "AK1"), (SK, SECRET), (PROJECT_ID, "env-project"), (FRS_ENDPOINT, "http://127.0.0.1:2")];
        let r = resolve_with(&global, &vars, None).unwrap();
        assert_eq!(r.config.endpoint().to_string(), "http://127.0.0.1:1");
        assert_eq!(r.config.project_id().as_str(), "flag-project");
        assert!(matches!(r.config.credentials(), Credentials::Token(_)));
        assert_eq!(source(&r, "token").source, "--token");
        assert_eq!(source(&r, "endpoint").source, "--endpoint");
        assert_eq!(r.config.retry().max_attempts, 1);

        let profile = "[basic]\nak = PROFILEAK1\nsk = profile-secret-0001\nproject_id = profile-project\n";
        let r = resolve_with(
            &GlobalArgs::default(),
            &[(AK, "AK1"), (SK, SECRET), (FRS_ENDPOINT, "http://127.0.0.1:2")],
            Some(profile),
        )
        .unwrap();
        let Credentials::AccessKey { access_key, .. } = r.config.credentials() else { panic!() };
        assert_eq!(access_key, "AK1", "the environment's keys win over the profile's");
        assert_eq!(r.config.project_id().as_str(), "profile-project", "settings are looked up one by one");
        let r = resolve_with(&GlobalArgs::default(), &[(REGION, "cn-north-4")], Some(profile)).unwrap();
        assert_eq!(source(&r, "access key").source, "profile file /home/test/.huaweicloud/credentials");
    }

    #[test]
    fn missing_credentials_list_every_place_looked_at() {
        let err = resolve_with(&GlobalArgs::default(), &[], None).unwrap_err();
        assert_eq!(err.exit_code(), crate::exit::CREDENTIALS);
        let text = err.to_string();
        for place in [AK, SK, FRS_TOKEN, "/home/test/.huaweicloud/credentials", "ECS metadata", "docs/cli.md"]
        {
            assert!(text.contains(place), "{place} missing from {text}");
        }
        // Half a key pair is reported, not mixed with another source.
        let err = resolve_with(&GlobalArgs::default(), &[(AK, "AK1"), (PROJECT_ID, "p")], None).unwrap_err();
        assert_eq!(err.exit_code(), crate::exit::CREDENTIALS);
        assert!(err.to_string().contains("incomplete credentials"), "{err}");
        let err = resolve_with(&GlobalArgs::default(), &[(SK, SECRET), (PROJECT_ID, "p")], None).unwrap_err();
        assert!(!err.to_string().contains(SECRET));
    }

    #[test]
    fn invalid_values_are_usage_errors_naming_their_source() {
        let vars = [(AK, "AK1"), (SK, SECRET), (PROJECT_ID, "p")];
        let global = GlobalArgs { endpoint: Some("ftp://x".into()), ..GlobalArgs::default() };
        let err = resolve_with(&global, &vars, None).unwrap_err();
        assert_eq!(err.exit_code(), crate::exit::USAGE, "{err}");
        let err = resolve_with(
            &GlobalArgs::default(),
            &[(FRS_ENDPOINT, "nope"), (AK, "a"), (SK, "b"), (PROJECT_ID, "p")],
            None,
        )
        .unwrap_err();
        assert!(err.to_string().contains("FRS_ENDPOINT"), "{err}");
        let global = GlobalArgs { region: Some("Not A Region".into()), ..GlobalArgs::default() };
        assert_eq!(resolve_with(&global, &vars, None).unwrap_err().exit_code(), crate::exit::USAGE);
        // No region and no endpoint anywhere: no default region, a usage error.
        let err = resolve_with(&GlobalArgs::default(), &vars, None).unwrap_err();
        assert_eq!(err.exit_code(), crate::exit::USAGE);
        assert!(err.to_string().contains("--region"), "{err}");
    }

    #[test]
    fn ecs_metadata_is_used_only_when_asked_for() {
        let r = resolve_with(
            &GlobalArgs::default(),
            &[("FRS_METADATA_URL", "http://127.0.0.1:9"), (PROJECT_ID, "p"), (REGION, "cn-north-4")],
            None,
        )
        .unwrap();
        assert!(matches!(r.config.credentials(), Credentials::Metadata(_)));
        assert!(source(&r, "access key").source.contains("ECS metadata"), "{:?}", r.sources);
    }
}
