//! Project automation for the FRS workspace, in the cargo-xtask style: run as `cargo xtask <task>`
//! (an alias in `.cargo/config.toml`), with nothing to install.
//!
//! `codegen` regenerates the files derived from `docs/spec/frs-api.json`; with `--check` it
//! writes nothing and fails with a diff when a committed file is stale. The tests of this crate
//! run the same check, so `cargo test --workspace` catches stale files too.
//!
//! `bench-compare` runs `tools/bench-compare/run.sh`, which measures delete-face against a
//! loopback nginx and the emulator and writes `docs/performance.md` (not run in CI).
//!
//! `package` runs `tools/package/run.sh`: `cargo package` of every publishable crate (built
//! from its `.crate`), failing on any cargo warning or a package without its README and
//! licence texts.

mod codegen;
mod diff;
mod migration;
mod spec;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
Usage: cargo xtask <task> [options]

Tasks:
  codegen           regenerate the files derived from docs/spec/frs-api.json
  codegen --check   write nothing; exit 1 with a diff if a generated file is stale
  bench-compare     delete-face against a loopback nginx: wrk, the official Python SDK and
                    `frs bench`, then the emulator under wrk; writes docs/performance.md
                    (tools/bench-compare/run.sh; needs nginx, wrk, python3 and PyPI; not in CI)
  package           `cargo package` every publishable crate and check the packages (no
                    warning, README and licence texts shipped; tools/package/run.sh;
                    extra options such as --allow-dirty go to cargo package)
  help              print this message
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["help" | "--help" | "-h"] | ["codegen", "--help" | "-h"] => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        ["codegen"] => codegen_write(&workspace_root()),
        ["codegen", "--check"] => codegen_check(&workspace_root()),
        ["bench-compare"] => {
            run_script(&workspace_root(), "bench-compare", "tools/bench-compare/run.sh", &[])
        }
        ["package", rest @ ..] => run_script(&workspace_root(), "package", "tools/package/run.sh", rest),
        [] => {
            eprint!("no task given\n\n{USAGE}");
            ExitCode::from(2)
        }
        other => {
            eprint!("unknown task or option: {}\n\n{USAGE}", other.join(" "));
            ExitCode::from(2)
        }
    }
}

/// Runs one of the task scripts with `args`; its own output is the progress report.
fn run_script(root: &Path, task: &str, script: &str, args: &[&str]) -> ExitCode {
    let script = root.join(script);
    match std::process::Command::new("bash").arg(&script).args(args).current_dir(root).status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => {
            eprintln!("{task}: {} failed ({status})", script.display());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("{task}: cannot run {}: {e}", script.display());
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

fn codegen_write(root: &Path) -> ExitCode {
    match codegen::write(root) {
        Ok(written) if written.is_empty() => {
            println!("codegen: all generated files are up to date");
            ExitCode::SUCCESS
        }
        Ok(written) => {
            for path in written {
                println!("codegen: updated {path}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("codegen: {error}");
            ExitCode::FAILURE
        }
    }
}

fn codegen_check(root: &Path) -> ExitCode {
    match codegen::check(root) {
        Ok(stale) if stale.is_empty() => {
            println!("codegen: all generated files are up to date");
            ExitCode::SUCCESS
        }
        Ok(stale) => {
            eprint!("{}", codegen::report(&stale));
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("codegen: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;
    use std::process::{Command, Stdio};

    use super::workspace_root;
    use crate::codegen::{self, MARKDOWN_HEADER, RUST_HEADER};
    use crate::migration;
    use crate::spec::{RustEntry, SPEC_PATH, Spec};

    fn load_spec() -> Spec {
        let text = std::fs::read_to_string(workspace_root().join(SPEC_PATH)).expect("the spec is readable");
        Spec::parse(&text).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The same check as `cargo xtask codegen --check`.
    #[test]
    fn generated_files_are_up_to_date() {
        let stale = codegen::check(&workspace_root()).unwrap_or_else(|e| panic!("{e}"));
        assert!(stale.is_empty(), "\n{}", codegen::report(&stale));
    }

    #[test]
    fn generation_is_deterministic() {
        let (first, second) = (codegen::generate(&load_spec()), codegen::generate(&load_spec()));
        assert_eq!(first.len(), second.len());
        for (a, b) in first.iter().zip(&second) {
            assert_eq!((a.path, &a.contents), (b.path, &b.contents));
            let header = if a.path.ends_with(".md") { MARKDOWN_HEADER } else { RUST_HEADER };
            assert!(a.contents.starts_with(header), "{} lacks the header", a.path);
            assert!(!a.contents.contains('\r'), "{} has a CR", a.path);
            assert!(
                a.contents.ends_with('\n') && !a.contents.ends_with("\n\n"),
                "{}: one final newline",
                a.path
            );
        }
    }

    #[test]
    fn spec_is_canonical_and_round_trips() {
        let spec = load_spec();
        let again = Spec::parse(&spec.to_canonical_json()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec, again);
    }

    #[test]
    fn spec_counts_match_the_service_reference() {
        let spec = load_spec();
        let gateway = spec.error_codes.iter().filter(|c| c.code.starts_with("APIGW.")).count();
        // 47 FRS codes with a documented meaning plus FRS.0708 (from Huawei's liveness client).
        assert_eq!((spec.error_codes.len() - gateway, gateway), (48, 35));
        assert_eq!(spec.operations.len(), 36);
        assert_eq!(spec.sdk_method_count(), 35);
        assert_eq!(spec.endpoint_count(), 17);
        let extra: Vec<_> = spec.operations.iter().filter(|op| op.sdk_method.is_none()).collect();
        assert_eq!(extra.len(), 1);
        assert_eq!(extra[0].query, ["{field_name}"]);
    }

    #[test]
    fn invalid_specs_are_refused() {
        let spec = load_spec();
        let mut broken = spec.clone();
        broken.error_codes[1].code = broken.error_codes[0].code.clone();
        broken.operations[0].group = "misc".into();
        let error = Spec::parse(&broken.to_canonical_json()).expect_err("two problems");
        assert!(error.contains("duplicate code"), "{error}");
        assert!(error.contains("group must be one of"), "{error}");
        let unknown_field = spec.to_canonical_json().replacen("\"retryable\"", "\"retry\"", 1);
        assert!(Spec::parse(&unknown_field).is_err());
    }

    /// Whether `text` names the Python model `m.<name>` (not a longer name that starts with it).
    fn names_model(text: &str, name: &str) -> bool {
        let needle = format!("m.{name}");
        text.match_indices(&needle).any(|(at, _)| {
            !text[at + needle.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        })
    }

    /// The SDK names of the spec (and so of docs/migration.md) are the official SDK's own: the
    /// conformance script, which CI runs against Huawei's Python SDK, uses every request type,
    /// body type and method.
    #[test]
    fn sdk_names_are_those_the_official_sdk_script_uses() {
        let script = std::fs::read_to_string(workspace_root().join("tools/conformance/conformance.py"))
            .expect("the conformance script is readable");
        for op in load_spec().operations {
            let Some(method) = op.sdk_method.as_deref() else { continue };
            let request = format!("{}Request", migration::pascal_case(method));
            assert!(names_model(&script, &request), "{method}: the script never uses m.{request}");
            if let Some(body) = &op.sdk_body {
                assert!(names_model(&script, body), "{method}: the script never uses m.{body}");
            }
            let method_named = script.contains(&format!("\"{method}\""))
                || method
                    .strip_suffix("_intl")
                    .is_some_and(|base| script.contains(&format!("\"{base}\" + suffix")));
            assert!(method_named, "{method}: the script never calls it");
        }
        assert!(!names_model("m.AddFacesByUrlRequestX(", "AddFacesByUrlRequest"));
    }

    #[test]
    fn migration_rows_follow_the_official_sdks() {
        let spec = load_spec();
        let op = |method: &str| {
            spec.operations.iter().find(|o| o.sdk_method.as_deref() == Some(method)).expect("in the spec")
        };
        let delete = op("delete_face_by_external_image_id");
        assert_eq!(
            migration::python_call(delete).as_deref(),
            Some(
                "client.delete_face_by_external_image_id(DeleteFaceByExternalImageIdRequest(\
                 face_set_name=…, external_image_id=…))"
            )
        );
        assert_eq!(
            migration::go_call(delete).as_deref(),
            Some(
                "client.DeleteFaceByExternalImageId(&model.DeleteFaceByExternalImageIdRequest{\
                 FaceSetName: …, ExternalImageId: …})"
            )
        );
        assert_eq!(
            migration::rust_call(delete),
            "client.execute(&faces::DeleteFaces::by_external_image_id(face_set, id))"
        );
        assert_eq!(
            migration::go_call(op("detect_live_by_file_intl")).as_deref(),
            Some(
                "client.DetectLiveByFileIntl(&model.DetectLiveByFileIntlRequest{\
                 Body: &model.DetectLiveByFileIntlRequestBody{…}})"
            )
        );
        assert_eq!(
            migration::python_call(op("show_all_face_sets")).as_deref(),
            Some("client.show_all_face_sets(ShowAllFaceSetsRequest())")
        );

        let doc = migration::migration_doc(&spec);
        let rows: Vec<&str> =
            doc.lines().filter(|l| l.starts_with("| `client.") || l.starts_with("| no SDK")).collect();
        assert_eq!(rows.len(), 36);
        let no_sdk: Vec<&&str> =
            rows.iter().filter(|r| r.starts_with("| no SDK equivalent | no SDK equivalent |")).collect();
        assert_eq!(no_sdk.len(), 1);
        assert!(no_sdk[0].contains("DeleteFaces::by_field(face_set, name, value)"), "{}", no_sdk[0]);
        for op in spec.operations.iter().filter_map(|o| o.sdk_method.as_deref()) {
            assert!(doc.contains(&format!("`client.{op}(")), "{op} has no row");
        }
    }

    #[test]
    fn rust_entry_points_are_read() {
        let entry = RustEntry::parse("liveness::DetectLive::new(Video::Base64, actions)?.intl()").unwrap();
        assert_eq!(entry.path, "liveness::DetectLive::new");
        assert_eq!(entry.type_path(), "liveness::DetectLive");
        assert_eq!(entry.args.as_deref(), Some(&["Video::Base64".to_owned(), "actions".to_owned()][..]));
        assert!(entry.fallible);
        assert_eq!(entry.methods, ["intl"]);
        assert_eq!(entry.forms().collect::<Vec<_>>(), ["Video::Base64"]);
        let unit = RustEntry::parse("face_sets::ShowAllFaceSets").unwrap();
        assert_eq!((unit.args.as_deref(), unit.type_path()), (None, "face_sets::ShowAllFaceSets"));
        for bad in [
            "ShowAllFaceSets",
            "faces::new(x)",
            "faces::A::new(x",
            "faces::A::new(x) + 1",
            "faces::A::new(\"x\")",
        ] {
            assert!(RustEntry::parse(bad).is_err(), "{bad}");
        }
    }

    /// The Rust output is already in rustfmt style (repo `rustfmt.toml`), so `cargo fmt
    /// --check` and the codegen never fight. Skipped when no rustfmt is installed.
    #[test]
    fn generated_rust_is_rustfmt_clean() {
        let root = workspace_root();
        for file in codegen::generate(&load_spec()).iter().filter(|f| f.path.ends_with(".rs")) {
            let child = Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into()))
                .args(["--edition", "2024", "--emit", "stdout", "--config-path"])
                .arg(root.join("rustfmt.toml"))
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn();
            let Ok(mut child) = child else {
                eprintln!("rustfmt not found; skipping the formatting check");
                return;
            };
            child.stdin.take().expect("piped").write_all(file.contents.as_bytes()).expect("rustfmt reads");
            let output = child.wait_with_output().expect("rustfmt runs");
            assert!(output.status.success(), "rustfmt failed on {}", file.path);
            let formatted = String::from_utf8(output.stdout).expect("UTF-8");
            assert!(
                formatted == file.contents,
                "{} is not in rustfmt style:\n{}",
                file.path,
                crate::diff::unified(&file.contents, &formatted, "generated", "rustfmt", 100)
            );
        }
    }
}
