//! Configuration from the environment variables Huawei's official SDKs read, through a
//! lookup function, so the core itself never reads the process environment.
//!
//! [`config_from_env`] reads the environment alone; the whole credential chain (explicit
//! values, environment, profile file, ECS metadata) is [`chain`](crate::chain). Besides the
//! official variables, this SDK reads [`TOKEN`], [`ENDPOINT`], [`REGION`] and
//! [`METADATA_URL`] (all `FRS_…`).

use frs_types::{ProjectId, Region};

use crate::config::Config;
use crate::credentials::Credentials;
use crate::endpoint::Endpoint;

/// The access key (`HUAWEICLOUD_SDK_AK`).
pub const AK: &str = "HUAWEICLOUD_SDK_AK";
/// The secret key (`HUAWEICLOUD_SDK_SK`).
pub const SK: &str = "HUAWEICLOUD_SDK_SK";
/// The security token of temporary credentials (`HUAWEICLOUD_SDK_SECURITY_TOKEN`).
pub const SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// The project id (`HUAWEICLOUD_SDK_PROJECT_ID`).
pub const PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// The IAM endpoint (`HUAWEICLOUD_SDK_IAM_ENDPOINT`).
pub const IAM_ENDPOINT: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";
/// The profile file (`HUAWEICLOUD_SDK_CREDENTIALS_FILE`; else `~/.huaweicloud/credentials`).
pub const CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";
/// An IAM user token, sent as `X-Auth-Token` (`FRS_TOKEN`; this SDK's own variable).
pub const TOKEN: &str = "FRS_TOKEN";
/// The FRS endpoint, e.g. an emulator's `http://127.0.0.1:8080` (`FRS_ENDPOINT`; this SDK's own).
pub const ENDPOINT: &str = "FRS_ENDPOINT";
/// The region id, e.g. `cn-north-4` (`FRS_REGION`; this SDK's own).
pub const REGION: &str = "FRS_REGION";
/// The base URL of the ECS metadata service, instead of `http://169.254.169.254`, for tests
/// and proxies (`FRS_METADATA_URL`; this SDK's own).
pub const METADATA_URL: &str = "FRS_METADATA_URL";

/// The variable that overrides the FRS endpoint of `region`, as the official SDKs name it:
/// `HUAWEICLOUD_SDK_REGION_FRS_CN_NORTH_4` for `cn-north-4`.
pub fn region_endpoint_variable(region: &Region) -> String {
    format!("HUAWEICLOUD_SDK_REGION_FRS_{}", region.id().to_ascii_uppercase().replace('-', "_"))
}

/// Why the environment does not describe a usable configuration. The message names the
/// variable; it never repeats a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvError {
    /// A required variable is not set (or empty).
    #[error("{variable} is not set{hint}")]
    Missing {
        /// The variable.
        variable: &'static str,
        /// What to do instead, if anything.
        hint: &'static str,
    },
    /// A variable holds something unusable.
    #[error("{variable} is invalid: {reason}")]
    Invalid {
        /// The variable.
        variable: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// Builds a [`Config`] for `region` from environment variables, read through `lookup` (pass
/// `|name| std::env::var(name).ok()` to read the process environment):
///
/// - credentials: [`AK`] and [`SK`], with [`SECURITY_TOKEN`] for temporary credentials;
/// - project: [`PROJECT_ID`] (discovering it is an explicit call: see
///   [`ListProjects`](crate::iam::ListProjects));
/// - endpoint: [`region_endpoint_variable`] (the first of a comma-separated list), else the
///   region's; IAM: [`IAM_ENDPOINT`], else the region's.
///
/// # Errors
/// [`EnvError`] naming the variable that is missing or invalid.
///
/// ```
/// use std::collections::HashMap;
/// use frs_request::env::{config_from_env, AK, SK, PROJECT_ID};
/// use frs_types::Region;
///
/// let vars = HashMap::from([(AK, "MY-AK"), (SK, "MY-SK"), (PROJECT_ID, "0a1b2c3d"),
///     ("HUAWEICLOUD_SDK_REGION_FRS_CN_NORTH_4", "http://127.0.0.1:8080")]);
/// let config = config_from_env(&Region::CN_NORTH_4, |name| vars.get(name).map(|v| v.to_string()))?;
/// assert_eq!(config.endpoint().to_string(), "http://127.0.0.1:8080");
/// # Ok::<(), frs_request::env::EnvError>(())
/// ```
pub fn config_from_env(region: &Region, lookup: impl Fn(&str) -> Option<String>) -> Result<Config, EnvError> {
    let get = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let ak = get(AK).ok_or(EnvError::Missing { variable: AK, hint: "" })?;
    let sk = get(SK).ok_or(EnvError::Missing { variable: SK, hint: "" })?;
    let credentials = match get(SECURITY_TOKEN) {
        Some(token) => Credentials::temporary(ak, sk, token),
        None => Credentials::access_key(ak, sk),
    };
    let project = get(PROJECT_ID).ok_or(EnvError::Missing {
        variable: PROJECT_ID,
        hint: " (or discover it with frs_request::iam::ListProjects)",
    })?;
    let project = ProjectId::new(project)
        .map_err(|e| EnvError::Invalid { variable: PROJECT_ID.to_owned(), reason: e.to_string() })?;
    let mut config = Config::for_region(region, project, credentials);
    let endpoint_var = region_endpoint_variable(region);
    if let Some(list) = get(&endpoint_var) {
        let first = list.split(',').map(str::trim).find(|s| !s.is_empty()).unwrap_or_default();
        let endpoint = Endpoint::parse(first)
            .map_err(|e| EnvError::Invalid { variable: endpoint_var.clone(), reason: e.to_string() })?;
        config = Config::new(endpoint, config.project_id().clone(), config.credentials().clone())
            .with_iam_endpoint(config.iam_endpoint().clone());
    }
    if let Some(iam) = get(IAM_ENDPOINT) {
        let endpoint = Endpoint::parse(&iam)
            .map_err(|e| EnvError::Invalid { variable: IAM_ENDPOINT.to_owned(), reason: e.to_string() })?;
        config = config.with_iam_endpoint(endpoint);
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn from(vars: &[(&str, &str)]) -> Result<Config, EnvError> {
        let map: HashMap<String, String> =
            vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        config_from_env(&Region::CN_EAST_3, |name| map.get(name).cloned())
    }

    #[test]
    fn reads_the_official_variables() {
        let config = from(&[(AK, "AK1"), (SK, "secret-1"), (PROJECT_ID, "p1")]).unwrap();
        assert_eq!(config.endpoint().to_string(), "https://face.cn-east-3.myhuaweicloud.com");
        assert_eq!(config.iam_endpoint().to_string(), "https://iam.cn-east-3.myhuaweicloud.com");
        assert!(matches!(config.credentials(), Credentials::AccessKey { security_token: None, .. }));
        let config = from(&[
            (AK, "AK1"),
            (SK, "secret-1"),
            (SECURITY_TOKEN, "sts"),
            (PROJECT_ID, "p1"),
            ("HUAWEICLOUD_SDK_REGION_FRS_CN_EAST_3", " http://127.0.0.1:9000 , https://backup.example.com"),
            (IAM_ENDPOINT, "http://127.0.0.1:9001"),
        ])
        .unwrap();
        assert!(matches!(config.credentials(), Credentials::AccessKey { security_token: Some(_), .. }));
        assert_eq!(config.endpoint().to_string(), "http://127.0.0.1:9000");
        assert_eq!(config.iam_endpoint().to_string(), "http://127.0.0.1:9001");
    }

    #[test]
    fn errors_name_the_variable_and_never_the_secret() {
        assert_eq!(
            from(&[(SK, "secret-1"), (PROJECT_ID, "p")]).unwrap_err(),
            EnvError::Missing { variable: AK, hint: "" }
        );
        assert!(matches!(from(&[(AK, "a"), (SK, " ")]).unwrap_err(), EnvError::Missing { variable: SK, .. }));
        let err = from(&[(AK, "a"), (SK, "secret-1")]).unwrap_err();
        assert!(err.to_string().contains("HUAWEICLOUD_SDK_PROJECT_ID is not set"), "{err}");
        let err = from(&[(AK, "a"), (SK, "secret-1"), (PROJECT_ID, "p/1")]).unwrap_err();
        assert!(err.to_string().contains("HUAWEICLOUD_SDK_PROJECT_ID is invalid"), "{err}");
        let err = from(&[
            (AK, "a"),
            (SK, "secret-1"),
            (PROJECT_ID, "p"),
            ("HUAWEICLOUD_SDK_REGION_FRS_CN_EAST_3", "ftp://x"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("HUAWEICLOUD_SDK_REGION_FRS_CN_EAST_3"), "{err}");
        assert!(!format!("{err} {err:?}").contains("secret-1"));
    }
}
