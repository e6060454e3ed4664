//! `frs emulator`: the emulator with the options of its own binary (the same code,
//! [`frs_emulator::cli`]), and `--print-env`, which prints the `export` lines that point
//! `frs` and the SDKs at it.

use std::net::IpAddr;
use std::process::ExitCode;

use frs_request::env::{AK, PROJECT_ID, SECURITY_TOKEN, SK, region_endpoint_variable};
use frs_types::Region;

use crate::args::EmulatorArgs;
use crate::exit::CliError;
use crate::settings::{FRS_ENDPOINT, FRS_TOKEN};

/// Runs the emulator until Ctrl-C or SIGTERM, or prints its environment.
///
/// # Errors
/// [`CliError::Usage`] when `--print-env` cannot know the address (`--port 0`).
pub(crate) fn run(args: &EmulatorArgs) -> Result<ExitCode, CliError> {
    if args.print_env {
        crate::output::write_out(&export_lines(&args.emulator)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    Ok(frs_emulator::cli::run(&args.emulator))
}

/// The `export` lines for an emulator started with `args`: the endpoint (`FRS_ENDPOINT`, and
/// for the official SDKs the region `FRS_REGION` with its endpoint variable), the project id
/// and the first credential it accepts.
fn export_lines(args: &frs_emulator::cli::Args) -> Result<String, CliError> {
    if args.port == 0 {
        return Err(CliError::usage(
            "--print-env needs the port the emulator will listen on: give --port N (not 0)",
        ));
    }
    let endpoint = format!("http://{}:{}", client_host(&args.host), args.port);
    let config = args.config();
    let region = Region::new(&config.region).unwrap_or(Region::CN_NORTH_4);
    let mut vars = vec![
        (FRS_ENDPOINT.to_owned(), endpoint.clone()),
        (frs_request::env::REGION.to_owned(), region.id().to_owned()),
        (region_endpoint_variable(&region), endpoint),
        (PROJECT_ID.to_owned(), config.project_id.clone()),
    ];
    if let Some(key) = config.access_keys.first() {
        vars.push((AK.to_owned(), key.access_key.clone()));
        vars.push((SK.to_owned(), key.secret_key.clone()));
        if let Some(token) = &key.security_token {
            vars.push((SECURITY_TOKEN.to_owned(), token.clone()));
        }
    } else if let Some(token) = config.tokens.first() {
        vars.push((FRS_TOKEN.to_owned(), token.clone()));
    }
    Ok(vars.iter().map(|(name, value)| format!("export {name}={}\n", shell_quote(value))).collect())
}

/// The host a client connects to: a wildcard address means this machine.
fn client_host(host: &str) -> String {
    match host.parse::<IpAddr>() {
        Ok(ip) if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_owned(),
        Ok(ip) if ip.is_unspecified() => "[::1]".to_owned(),
        Ok(IpAddr::V6(ip)) => format!("[{ip}]"),
        _ => host.to_owned(),
    }
}

/// The value as one shell word: as it is when it is plain, else in single quotes.
fn shell_quote(value: &str) -> String {
    if !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:/@%+=,[]".contains(c)) {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use clap::{Args as _, FromArgMatches as _};
    use frs_emulator::EmulatorConfig;

    use super::*;

    fn args(extra: &[&str]) -> frs_emulator::cli::Args {
        let command = frs_emulator::cli::Args::augment_args(clap::Command::new("emulator"));
        let matches =
            command.try_get_matches_from(std::iter::once("emulator").chain(extra.iter().copied())).unwrap();
        frs_emulator::cli::Args::from_arg_matches(&matches).unwrap()
    }

    #[test]
    fn the_environment_of_the_default_emulator() {
        let text = export_lines(&args(&["--port", "8080"])).unwrap();
        let expected = format!(
            "export FRS_ENDPOINT=http://127.0.0.1:8080\n\
             export FRS_REGION=cn-north-4\n\
             export HUAWEICLOUD_SDK_REGION_FRS_CN_NORTH_4=http://127.0.0.1:8080\n\
             export HUAWEICLOUD_SDK_PROJECT_ID={}\n\
             export HUAWEICLOUD_SDK_AK={}\nexport HUAWEICLOUD_SDK_SK={}\n",
            EmulatorConfig::DEFAULT_PROJECT_ID,
            EmulatorConfig::DEFAULT_ACCESS_KEY,
            EmulatorConfig::DEFAULT_SECRET_KEY
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn given_credentials_hosts_and_quoting() {
        let text =
            export_lines(&args(&["--host", "0.0.0.0", "--port", "9", "--temporary-key", "AK2:s k:sts"]))
                .unwrap();
        assert!(text.contains("FRS_ENDPOINT=http://127.0.0.1:9\n"), "{text}");
        assert!(text.contains("export HUAWEICLOUD_SDK_SK='s k'\n"), "{text}");
        assert!(text.contains("export HUAWEICLOUD_SDK_SECURITY_TOKEN=sts\n"), "{text}");
        let text = export_lines(&args(&["--port", "9", "--token", "tok"])).unwrap();
        assert!(text.ends_with("export FRS_TOKEN=tok\n"), "{text}");
        assert_eq!(client_host("::1"), "[::1]");
        assert_eq!(client_host("::"), "[::1]");
        assert_eq!(client_host("localhost"), "localhost");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(export_lines(&args(&["--port", "0"])).unwrap_err().exit_code(), crate::exit::USAGE);
    }
}
