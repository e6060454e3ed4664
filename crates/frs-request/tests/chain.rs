//! The credential chain: every source, its precedence, partial and ambiguous sources, the
//! places an error lists, and secrets kept out of every message.

use std::collections::HashMap;
use std::path::PathBuf;

use frs_request::chain::{
    ChainError, ChainInput, Explicit, PasswordLogin, ProfileErrorKind, ProfileText, Resolved, Setting,
    Source, metadata_endpoint, profile_path, resolve,
};
use frs_request::{Credentials, Endpoint, Secret};

const PROFILE_PATH: &str = "/home/me/.huaweicloud/credentials";

/// Every secret the tests use; none may ever show in a message.
const SECRETS: [&str; 7] = [
    "explicit-secret-key",
    "env-secret-key-0001",
    "profile-secret-key",
    "env-security-token",
    "profile-sts-token",
    "frs-token-secret",
    "pass-word-secret",
];

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    move |name| map.get(name).cloned()
}

fn profile(text: &str) -> Option<ProfileText> {
    Some(ProfileText { path: PathBuf::from(PROFILE_PATH), text: Some(text.to_owned()) })
}

fn absent_profile() -> Option<ProfileText> {
    Some(ProfileText { path: PathBuf::from(PROFILE_PATH), text: None })
}

const ENV_KEYS: [(&str, &str); 2] =
    [("HUAWEICLOUD_SDK_AK", "ENVACCESSKEY01"), ("HUAWEICLOUD_SDK_SK", "env-secret-key-0001")];
const PROFILE_KEYS: &str = "[basic]\nak = PROFILEAK0001\nsk = profile-secret-key\n";
const PROJECT: (&str, &str) = ("HUAWEICLOUD_SDK_PROJECT_ID", "env-project");
const REGION: (&str, &str) = ("FRS_REGION", "cn-east-3");

fn explicit_keys() -> Explicit {
    Explicit {
        access_key: Some("EXPLICITAK001".into()),
        secret_key: Some(Secret::new("explicit-secret-key")),
        ..Explicit::default()
    }
}

fn run(
    explicit: Explicit,
    vars: &[(&str, &str)],
    profile: Option<ProfileText>,
    metadata: Option<Endpoint>,
) -> Result<Resolved, ChainError> {
    let env = env(vars);
    let input = ChainInput { explicit, env: &env, profile, metadata };
    let result = resolve(&input);
    let shown = match &result {
        Ok(resolved) => format!("{resolved:?} {:?} {}", input, sources_text(resolved)),
        Err(e) => format!("{e} {e:?} {input:?}"),
    };
    for secret in SECRETS {
        assert!(!shown.contains(secret), "{secret} leaked in {shown}");
    }
    result
}

fn sources_text(resolved: &Resolved) -> String {
    resolved.sources.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

fn access_key_of(resolved: &Resolved) -> String {
    match resolved.config.credentials() {
        Credentials::AccessKey { access_key, .. } => access_key.clone(),
        other => format!("{other:?}"),
    }
}

fn source_of(resolved: &Resolved, setting: Setting) -> Source {
    resolved.source(setting).unwrap_or_else(|| panic!("no {setting}")).source().clone()
}

fn profile_source() -> Source {
    Source::Profile(PathBuf::from(PROFILE_PATH))
}

fn env_source(name: &str) -> Source {
    Source::Env(name.to_owned())
}

// ---------------------------------------------------------------------------------------------
// Every source, and the order between them.
// ---------------------------------------------------------------------------------------------

#[test]
fn explicit_beats_environment_beats_profile_beats_metadata() {
    let all_env = [ENV_KEYS[0], ENV_KEYS[1], PROJECT, REGION];
    let meta = Some(Endpoint::ECS_METADATA);
    let r = run(explicit_keys(), &all_env, profile(PROFILE_KEYS), meta.clone()).unwrap();
    assert_eq!(access_key_of(&r), "EXPLICITAK001");
    assert_eq!(source_of(&r, Setting::SecretKey), Source::Explicit);

    let r = run(Explicit::default(), &all_env, profile(PROFILE_KEYS), meta.clone()).unwrap();
    assert_eq!(access_key_of(&r), "ENVACCESSKEY01");
    assert_eq!(source_of(&r, Setting::AccessKey), env_source("HUAWEICLOUD_SDK_AK"));
    assert_eq!(source_of(&r, Setting::SecretKey), env_source("HUAWEICLOUD_SDK_SK"));

    let r = run(Explicit::default(), &[PROJECT, REGION], profile(PROFILE_KEYS), meta.clone()).unwrap();
    assert_eq!(access_key_of(&r), "PROFILEAK0001");
    assert_eq!(source_of(&r, Setting::SecretKey), profile_source());

    let r = run(Explicit::default(), &[PROJECT, REGION], absent_profile(), meta).unwrap();
    let Credentials::Metadata(provider) = r.config.credentials() else { panic!("{r:?}") };
    assert_eq!(provider.base(), &Endpoint::ECS_METADATA);
    assert_eq!(source_of(&r, Setting::SecurityToken), Source::Metadata("http://169.254.169.254".into()));
    assert_eq!(r.source(Setting::SecretKey).unwrap().masked(), "(fetched on first call)");
}

#[test]
fn temporary_keys_come_with_their_security_token_from_each_source() {
    let r = run(
        Explicit { security_token: Some(Secret::new("explicit-sts")), ..explicit_keys() },
        &[PROJECT, REGION],
        None,
        None,
    )
    .unwrap();
    assert!(matches!(r.config.credentials(), Credentials::AccessKey { security_token: Some(_), .. }));

    let vars =
        [ENV_KEYS[0], ENV_KEYS[1], ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "env-security-token"), PROJECT, REGION];
    let r = run(Explicit::default(), &vars, None, None).unwrap();
    let Credentials::AccessKey { security_token: Some(sts), .. } = r.config.credentials() else { panic!() };
    assert_eq!(sts.expose(), "env-security-token");
    assert_eq!(source_of(&r, Setting::SecurityToken), env_source("HUAWEICLOUD_SDK_SECURITY_TOKEN"));

    let text = format!("{PROFILE_KEYS}security_token = profile-sts-token\n");
    let r = run(Explicit::default(), &[PROJECT, REGION], profile(&text), None).unwrap();
    let Credentials::AccessKey { security_token: Some(sts), .. } = r.config.credentials() else { panic!() };
    assert_eq!(sts.expose(), "profile-sts-token");
}

#[test]
fn a_token_and_a_password_login_are_choices_too() {
    let r =
        run(Explicit::default(), &[("FRS_TOKEN", "frs-token-secret"), PROJECT, REGION], None, None).unwrap();
    let Credentials::Token(token) = r.config.credentials() else { panic!("{r:?}") };
    assert_eq!(token.expose(), "frs-token-secret");
    assert_eq!(source_of(&r, Setting::Token), env_source("FRS_TOKEN"));
    assert_eq!(r.source(Setting::Token).unwrap().masked(), "****cret");

    // An explicit token beats AK/SK in the environment.
    let explicit = Explicit { token: Some(Secret::new("frs-token-secret")), ..Explicit::default() };
    let r = run(explicit, &[ENV_KEYS[0], ENV_KEYS[1], PROJECT, REGION], None, None).unwrap();
    assert!(matches!(r.config.credentials(), Credentials::Token(_)));

    let login = PasswordLogin {
        user_name: "alice".into(),
        password: Secret::new("pass-word-secret"),
        domain_name: "acme".into(),
    };
    let r = run(Explicit { password: Some(login), ..Explicit::default() }, &[PROJECT, REGION], None, None)
        .unwrap();
    assert!(matches!(r.config.credentials(), Credentials::Password(_)));
    assert_eq!(r.source(Setting::User).unwrap().masked(), "alice (acme)");
    assert_eq!(r.source(Setting::Password).unwrap().masked(), "****cret");
}

// ---------------------------------------------------------------------------------------------
// Partial and ambiguous sources are reported, never mixed.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_partial_source_is_reported_and_never_completed_from_the_next() {
    // AK in the environment, SK in the profile: not mixed.
    let err = run(
        Explicit::default(),
        &[ENV_KEYS[0], PROJECT, REGION],
        profile("[basic]\nsk = profile-secret-key\n"),
        None,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "incomplete credentials in the environment variables: HUAWEICLOUD_SDK_AK without HUAWEICLOUD_SDK_SK \
         (a credential is taken whole from one place)"
    );
    let err = run(
        Explicit::default(),
        &[("HUAWEICLOUD_SDK_SECURITY_TOKEN", "env-security-token"), PROJECT, REGION],
        profile(PROFILE_KEYS),
        None,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("HUAWEICLOUD_SDK_SECURITY_TOKEN without HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK"),
        "{err}"
    );
    let err = run(
        Explicit { secret_key: Some(Secret::new("explicit-secret-key")), ..Explicit::default() },
        &[ENV_KEYS[0], ENV_KEYS[1], PROJECT, REGION],
        None,
        None,
    )
    .unwrap_err();
    assert!(err.to_string().contains("explicit values: a secret key without an access key"), "{err}");
    let err = run(Explicit::default(), &[PROJECT, REGION], profile("[basic]\nak = PROFILEAK0001\n"), None)
        .unwrap_err();
    assert!(err.to_string().contains(&format!("profile file {PROFILE_PATH}: ak without sk")), "{err}");
    assert!(matches!(err, ChainError::Incomplete { .. }));
}

#[test]
fn two_kinds_of_credentials_in_one_place_are_an_error() {
    let err = run(
        Explicit::default(),
        &[ENV_KEYS[0], ENV_KEYS[1], ("FRS_TOKEN", "frs-token-secret"), PROJECT, REGION],
        None,
        None,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the environment variables give both an AK/SK pair and a token; keep only one"
    );
    let explicit = Explicit { token: Some(Secret::new("frs-token-secret")), ..explicit_keys() };
    assert!(matches!(run(explicit, &[PROJECT, REGION], None, None), Err(ChainError::Conflict { .. })));
}

#[test]
fn blank_values_count_as_not_given() {
    let explicit =
        Explicit { access_key: Some("  ".into()), secret_key: Some(Secret::new("")), ..Explicit::default() };
    let vars = [("HUAWEICLOUD_SDK_AK", " "), ("FRS_TOKEN", ""), PROJECT, REGION];
    let r = run(explicit, &vars, profile(PROFILE_KEYS), None).unwrap();
    assert_eq!(access_key_of(&r), "PROFILEAK0001");
}

// ---------------------------------------------------------------------------------------------
// Errors list every place looked at.
// ---------------------------------------------------------------------------------------------

#[test]
fn no_credentials_lists_every_place_and_what_was_found() {
    let err = run(Explicit::default(), &[PROJECT, REGION], absent_profile(), None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no credentials found; looked at: explicit values (none); environment: HUAWEICLOUD_SDK_AK, \
         HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN and FRS_TOKEN (none set); profile file \
         /home/me/.huaweicloud/credentials (absent); ECS metadata http://169.254.169.254 (not tried)"
    );
    let ChainError::NoCredentials { looked_at } = &err else { panic!("{err:?}") };
    assert_eq!(looked_at.places().len(), 4);

    let place = |text: Option<ProfileText>| {
        let err = run(Explicit::default(), &[PROJECT, REGION], text, None).unwrap_err();
        let ChainError::NoCredentials { looked_at } = err else { panic!("{err:?}") };
        looked_at.places()[2].clone()
    };
    assert_eq!(
        place(profile("[global]\nak = G\nsk = GS\n")),
        format!("profile file {PROFILE_PATH} (no [basic] section)")
    );
    assert_eq!(
        place(profile("[basic]\nproject_id = p\n")),
        format!("profile file {PROFILE_PATH} (no ak and sk in [basic])")
    );
    assert_eq!(
        place(None),
        "profile file (none: HUAWEICLOUD_SDK_CREDENTIALS_FILE is not set and there is no home directory)"
    );
}

#[test]
fn a_missing_project_id_or_endpoint_lists_its_places_too() {
    let err = run(explicit_keys(), &[REGION], absent_profile(), None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no project id found; looked at: explicit values (no project id); environment: \
         HUAWEICLOUD_SDK_PROJECT_ID (not set); profile file /home/me/.huaweicloud/credentials (absent) \
         (set one, or discover it with frs_request::iam::ListProjects)"
    );
    let err = run(explicit_keys(), &[PROJECT], None, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no endpoint or region found; looked at: explicit values (no endpoint, no region); environment: \
         FRS_ENDPOINT and FRS_REGION (not set)"
    );
}

#[test]
fn invalid_values_name_the_setting_and_its_source() {
    let err = run(explicit_keys(), &[("HUAWEICLOUD_SDK_PROJECT_ID", "p/1"), REGION], None, None).unwrap_err();
    assert!(matches!(&err, ChainError::Invalid { setting: Setting::ProjectId, .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("invalid project id from the environment variable HUAWEICLOUD_SDK_PROJECT_ID")
    );
    let err = run(explicit_keys(), &[PROJECT, ("FRS_ENDPOINT", "ftp://x")], None, None).unwrap_err();
    assert!(
        err.to_string().starts_with("invalid endpoint from the environment variable FRS_ENDPOINT"),
        "{err}"
    );
    let err = run(explicit_keys(), &[PROJECT, ("FRS_REGION", "Not A Region")], None, None).unwrap_err();
    assert!(matches!(err, ChainError::Invalid { setting: Setting::Region, .. }), "{err:?}");
    let err = run(
        Explicit::default(),
        &[PROJECT, REGION],
        profile("[basic]\nak = A1\nsk = profile-secret-key\niam_endpoint = nope\n"),
        None,
    )
    .unwrap_err();
    assert!(
        err.to_string().starts_with(&format!("invalid IAM endpoint from the profile file {PROFILE_PATH}")),
        "{err}"
    );
}

#[test]
fn a_broken_profile_names_its_path_and_line_and_no_secret() {
    let err =
        run(Explicit::default(), &[PROJECT, REGION], profile("[basic]\nak = A\nprofile-secret-key\n"), None)
            .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "profile file {PROFILE_PATH}: line 3: expected 'key = value', a [section] header or a comment"
        )
    );
    let ChainError::Profile { error, .. } = &err else { panic!("{err:?}") };
    assert_eq!(error.kind, ProfileErrorKind::NotKeyValue);
    // A broken profile that nothing needs is not read: everything came from before it.
    let explicit = Explicit {
        project_id: Some("p".into()),
        iam_endpoint: Some("https://iam.example.com".into()),
        ..explicit_keys()
    };
    assert!(run(explicit, &[REGION], profile("not ini"), None).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Project, region, endpoints.
// ---------------------------------------------------------------------------------------------

#[test]
fn the_project_id_is_looked_up_on_its_own() {
    // Credentials from the environment, project id from the profile.
    let r = run(
        Explicit::default(),
        &[ENV_KEYS[0], ENV_KEYS[1], REGION],
        profile("[basic]\nproject_id = prof-p\n"),
        None,
    )
    .unwrap();
    assert_eq!(r.config.project_id().as_str(), "prof-p");
    assert_eq!(source_of(&r, Setting::ProjectId), profile_source());
    let r = run(
        Explicit::default(),
        &[ENV_KEYS[0], ENV_KEYS[1], PROJECT, REGION],
        profile("[basic]\nproject_id = prof-p\n"),
        None,
    )
    .unwrap();
    assert_eq!(r.config.project_id().as_str(), "env-project");
    let explicit = Explicit { project_id: Some("x-p".into()), ..explicit_keys() };
    let r = run(explicit, &[PROJECT, REGION], None, None).unwrap();
    assert_eq!(r.config.project_id().as_str(), "x-p");
}

#[test]
fn endpoints_follow_the_region_unless_given() {
    let r = run(explicit_keys(), &[PROJECT, REGION], None, None).unwrap();
    assert_eq!(r.config.endpoint().to_string(), "https://face.cn-east-3.myhuaweicloud.com");
    assert_eq!(r.config.iam_endpoint().to_string(), "https://iam.cn-east-3.myhuaweicloud.com");
    assert_eq!(r.region.as_ref().map(|r| r.id()), Some("cn-east-3"));
    assert_eq!(source_of(&r, Setting::Endpoint), Source::Default);
    assert_eq!(source_of(&r, Setting::Region), env_source("FRS_REGION"));

    // The official region variable, first of its list.
    let vars = [
        PROJECT,
        REGION,
        ("HUAWEICLOUD_SDK_REGION_FRS_CN_EAST_3", " http://127.0.0.1:9000 , https://b.example.com"),
    ];
    let r = run(explicit_keys(), &vars, None, None).unwrap();
    assert_eq!(r.config.endpoint().to_string(), "http://127.0.0.1:9000");
    assert_eq!(source_of(&r, Setting::Endpoint), env_source("HUAWEICLOUD_SDK_REGION_FRS_CN_EAST_3"));

    // FRS_ENDPOINT beats a region from the environment; an explicit region beats FRS_ENDPOINT.
    let vars = [PROJECT, REGION, ("FRS_ENDPOINT", "http://127.0.0.1:8080")];
    let r = run(explicit_keys(), &vars, None, None).unwrap();
    assert_eq!(r.config.endpoint().to_string(), "http://127.0.0.1:8080");
    let explicit = Explicit { region: Some("cn-north-4".into()), ..explicit_keys() };
    let r = run(explicit, &vars, None, None).unwrap();
    assert_eq!(r.config.endpoint().to_string(), "https://face.cn-north-4.myhuaweicloud.com");
    let explicit = Explicit { endpoint: Some("http://10.0.0.1:1".into()), ..explicit_keys() };
    let r = run(explicit, &vars, None, None).unwrap();
    assert_eq!(r.config.endpoint().to_string(), "http://10.0.0.1:1");
    assert_eq!(source_of(&r, Setting::Endpoint), Source::Explicit);

    // An endpoint without a region: the global IAM endpoint.
    let r = run(explicit_keys(), &[PROJECT, ("FRS_ENDPOINT", "http://127.0.0.1:8080")], None, None).unwrap();
    assert_eq!(r.config.iam_endpoint().to_string(), "https://iam.myhuaweicloud.com");
    assert!(r.region.is_none());
}

#[test]
fn the_iam_endpoint_prefers_the_profile_to_the_variable_as_the_official_sdks_do() {
    let iam_var = ("HUAWEICLOUD_SDK_IAM_ENDPOINT", "http://127.0.0.1:7001");
    let text = "[basic]\niam_endpoint = http://127.0.0.1:7002\n";
    let r = run(explicit_keys(), &[PROJECT, REGION, iam_var], profile(text), None).unwrap();
    assert_eq!(r.config.iam_endpoint().to_string(), "http://127.0.0.1:7002");
    assert_eq!(source_of(&r, Setting::IamEndpoint), profile_source());
    let r = run(explicit_keys(), &[PROJECT, REGION, iam_var], absent_profile(), None).unwrap();
    assert_eq!(r.config.iam_endpoint().to_string(), "http://127.0.0.1:7001");
    let explicit = Explicit { iam_endpoint: Some("http://127.0.0.1:7000".into()), ..explicit_keys() };
    let r = run(explicit, &[PROJECT, REGION, iam_var], profile(text), None).unwrap();
    assert_eq!(r.config.iam_endpoint().to_string(), "http://127.0.0.1:7000");
}

#[test]
fn config_show_lists_every_setting_with_its_source_and_secrets_masked() {
    let vars = [ENV_KEYS[0], ENV_KEYS[1], PROJECT, REGION];
    let r = run(Explicit::default(), &vars, None, None).unwrap();
    assert_eq!(
        sources_text(&r),
        "access key: ****EY01 (environment variable HUAWEICLOUD_SDK_AK)\n\
         secret key: ****0001 (environment variable HUAWEICLOUD_SDK_SK)\n\
         project id: env-project (environment variable HUAWEICLOUD_SDK_PROJECT_ID)\n\
         region: cn-east-3 (environment variable FRS_REGION)\n\
         endpoint: https://face.cn-east-3.myhuaweicloud.com (default)\n\
         IAM endpoint: https://iam.cn-east-3.myhuaweicloud.com (default)"
    );
}

// ---------------------------------------------------------------------------------------------
// The paths the caller reads.
// ---------------------------------------------------------------------------------------------

#[test]
fn profile_path_and_metadata_endpoint_read_their_variables() {
    let home = std::path::Path::new("/home/me");
    assert_eq!(profile_path(&env(&[]), Some(home)), Some(PathBuf::from(PROFILE_PATH)));
    assert_eq!(profile_path(&env(&[]), None), None);
    let set = env(&[("HUAWEICLOUD_SDK_CREDENTIALS_FILE", " /etc/creds ")]);
    assert_eq!(profile_path(&set, Some(home)), Some(PathBuf::from("/etc/creds")));

    assert_eq!(metadata_endpoint(&env(&[])).unwrap(), Endpoint::ECS_METADATA);
    let url = env(&[("FRS_METADATA_URL", "http://127.0.0.1:8080")]);
    assert_eq!(metadata_endpoint(&url).unwrap().to_string(), "http://127.0.0.1:8080");
    let bad = env(&[("FRS_METADATA_URL", "http://127.0.0.1:8080/path")]);
    let err = metadata_endpoint(&bad).unwrap_err();
    assert!(
        err.to_string().starts_with("invalid endpoint from the environment variable FRS_METADATA_URL"),
        "{err}"
    );

    // The metadata base from the chain's input is the one the credentials use.
    let base = metadata_endpoint(&url).unwrap();
    let r = run(Explicit::default(), &[PROJECT, REGION], None, Some(base)).unwrap();
    let Credentials::Metadata(provider) = r.config.credentials() else { panic!() };
    assert_eq!(provider.base().to_string(), "http://127.0.0.1:8080");
    assert_eq!(source_of(&r, Setting::AccessKey), Source::Metadata("http://127.0.0.1:8080".into()));
}
