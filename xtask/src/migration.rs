//! The generated files that map Huawei's official SDKs onto this workspace:
//! `docs/migration.md`, and the two files that keep its names honest —
//! `crates/frs-request/tests/entry_points.rs` (compiles only if every Rust entry point of the
//! spec exists with the shape the docs give it) and `crates/frs-cli/src/spec_commands.rs`
//! (the spec's `frs` commands, which a test of `frs-cli` parses with the real command line).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::codegen::{MARKDOWN_HEADER, RUST_HEADER};
use crate::spec::{OPERATION_GROUPS, OperationSpec, RustEntry, Spec};

/// `snake_case` to `PascalCase`, as the official SDKs name their Go methods and model types.
pub(crate) fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// The parameters the official SDKs' request object carries besides the body: the path's
/// parameters (but `project_id`, which the client fills in), then the query's.
fn request_params(op: &OperationSpec) -> Vec<String> {
    let path_params = op
        .path
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .filter(|name| *name != "project_id")
        .map(str::to_owned);
    path_params.chain(op.query.iter().cloned()).collect()
}

/// `client.delete_face_by_face_id(DeleteFaceByFaceIdRequest(face_set_name=…, face_id=…))`.
pub(crate) fn python_call(op: &OperationSpec) -> Option<String> {
    let method = op.sdk_method.as_deref()?;
    let mut args: Vec<String> = request_params(op).iter().map(|p| format!("{p}=…")).collect();
    if let Some(body) = &op.sdk_body {
        args.push(format!("body={body}(…)"));
    }
    Some(format!("client.{method}({}Request({}))", pascal_case(method), args.join(", ")))
}

/// `client.DeleteFaceByFaceId(&model.DeleteFaceByFaceIdRequest{FaceSetName: …, FaceId: …})`.
pub(crate) fn go_call(op: &OperationSpec) -> Option<String> {
    let method = pascal_case(op.sdk_method.as_deref()?);
    let mut fields: Vec<String> =
        request_params(op).iter().map(|p| format!("{}: …", pascal_case(p))).collect();
    if let Some(body) = &op.sdk_body {
        fields.push(format!("Body: &model.{body}{{…}}"));
    }
    Some(format!("client.{method}(&model.{method}Request{{{}}})", fields.join(", ")))
}

/// `client.execute(&faces::DeleteFaces::by_face_id(face_set, id))`.
pub(crate) fn rust_call(op: &OperationSpec) -> String {
    format!("client.execute(&{})", op.rust)
}

/// Text inside a Markdown table cell's code span.
fn code_cell(text: &str) -> String {
    format!("`{}`", text.replace('|', "\\|"))
}

/// e. `docs/migration.md`.
pub(crate) fn migration_doc(spec: &Spec) -> String {
    let mut out = String::from(MARKDOWN_HEADER);
    out.push_str(HEAD);
    for group in OPERATION_GROUPS {
        let mut title = group.to_owned();
        title[..1].make_ascii_uppercase();
        let _ = write!(
            out,
            "\n### {title}\n\n| Python SDK | Go SDK | Rust (`frs_request`) | `frs` CLI |\n|---|---|---|---|\n"
        );
        for op in spec.operations.iter().filter(|op| op.group == group) {
            let none = "no SDK equivalent".to_owned();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                python_call(op).map_or_else(|| none.clone(), |c| code_cell(&c)),
                go_call(op).map_or(none, |c| code_cell(&c)),
                code_cell(&rust_call(op)),
                code_cell(&op.cli),
            );
        }
    }
    let extras = spec.operations.len() - spec.sdk_method_count();
    let _ = write!(
        out,
        "\n{} SDK methods and {extras} operation{} no SDK has: {} rows.\n",
        spec.sdk_method_count(),
        if extras == 1 { "" } else { "s" },
        spec.operations.len(),
    );
    out
}

/// The hand-written head of `docs/migration.md`. Its Rust block is compiled as a doc test of
/// `frs-conformance`, where every crate it uses is visible.
const HEAD: &str = r#"
# Migrating from Huawei's official SDKs

Huawei's generated FRS SDKs (`huaweicloudsdkfrs` for Python, `huaweicloud-sdk-go-v3/services/frs/v2`
for Go, and their siblings in Java, .NET, Node.js and C++) all have the same 35 methods, one request
type each. This page maps every one of them to this workspace: the Rust operation that sends the
same request (the field-for-field equality is tested against requests recorded from the official
Python SDK) and the `frs` command that does it from a shell. The tables are generated from
`docs/spec/frs-api.json` by `cargo xtask codegen`; every Rust entry point in them is compiled by
`crates/frs-request/tests/entry_points.rs`, and every `frs` command is parsed by the real command
line in a test of `frs-cli`.

## Concepts

| Official SDKs | Here |
|---|---|
| `BasicCredentials(ak, sk, project_id)` (Go: `basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithProjectId(id).Build()`) | `Credentials::access_key(ak, sk)`; the project id is an argument of `Config` |
| `.with_security_token(token)` on the credentials | `Credentials::temporary(ak, sk, token)` |
| an IAM token or user password | `Credentials::token(token)`, `Credentials::password(…)` (token fetched, cached and refreshed by the client) |
| `FrsClient.new_builder().with_credentials(c).with_region(FrsRegion.value_of("cn-north-4")).build()` | `Config::for_region(&Region::CN_NORTH_4, project_id, credentials)`, then `frs_ureq::Client::new(config)` (blocking) or `frs_reqwest::Client::new(config)?` (async) |
| `.with_endpoints(["https://…"])` | `Config::new(Endpoint::parse("https://…")?, project_id, credentials)` |
| `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, … environment variables | `env::config_from_env(&region, \|name\| std::env::var(name).ok())` reads the same ones |
| `XxxRequest(face_set_name=…, body=XxxReq(…))`, then `client.xxx(request)` | an operation value (`faces::DeleteFaces::by_face_id(face_set, id)`), then `client.execute(&op)`; identifiers are validated types (`"staff".parse::<FaceSetName>()?`), checked before anything is sent |
| `image_base64="…"`, `image_url="…"`, `image_file=FormFile(open(path, "rb"))` | `Image::base64_from_bytes(data)?` (`Image::Base64`), `Image::from_url(url)?` (`Image::Url`), `frs_ureq::read_image(path)?` or `Image::from_bytes(name, data)?` (`Image::File`); `Video` the same way |
| `ClientRequestException` (4xx) / `ServerResponseException` (5xx) with `status_code`, `error_code`, `error_msg`, `request_id` (Go: `*sdkerr.ServiceResponseError`) | `Error::Service(e)` with `e.status`, `e.code` (an `ErrorCode`, e.g. `ErrorCode::FieldNotFound` for `FRS.0402`; unknown codes kept as `ErrorCode::Unknown`), `e.message`, `e.request_id`; `err.code()` is a shortcut. Also `Error::Build` (bad input, nothing sent), `Error::Transport`, `Error::Decode` (an HTML 502 from a proxy, a truncated body) — see [error-codes.md](error-codes.md) |
| `ConnectionException`, `RequestTimeoutException` | `Error::Transport`; `is_retryable()` on every error |
| no retry unless you ask per call: `client.xxx_invoker(request).with_retry(condition, max_retries, backoff).invoke()` | `RetryPolicy::default()` on every call: 3 attempts, exponential backoff with jitter, `Retry-After` honoured, only retryable errors, a 120 s whole-call deadline and a retry budget; `Config::with_retry(RetryPolicy::none())` behaves as the SDK's default — see [reliability.md](reliability.md) |
| `show_faces_by_limit(offset=…, limit=…)` in a loop of your own | `client.faces(face_set, page_size)?`: every page, as an iterator (blocking) or a stream (async), ending with an error rather than silently at the service's 10 000-face bound; `faces::ShowFaces::page` for one page |
| one request at a time | `client.execute_many(…)` for bounded concurrency with per-item outcomes, and `frs face import` / `delete-many` for folders and files — see [bulk.md](bulk.md) |

The same program in both worlds — the official Python SDK:

```text
credentials = BasicCredentials(ak, sk, project_id)
client = FrsClient.new_builder().with_credentials(credentials) \
    .with_region(FrsRegion.value_of("cn-north-4")).build()
try:
    client.delete_face_by_external_image_id(DeleteFaceByExternalImageIdRequest(
        face_set_name="showFaceSet", external_image_id="imageID"))
except ClientRequestException as e:
    if e.error_code != "FRS.0402":
        raise
```

and here (blocking; `frs_reqwest::Client` is the same with `.await`):

```rust,no_run
use frs_request::{faces::DeleteFaces, Config, Credentials, Error, RetryPolicy};
use frs_types::{ErrorCode, Region};

let credentials = Credentials::access_key(std::env::var("HUAWEICLOUD_SDK_AK")?, std::env::var("HUAWEICLOUD_SDK_SK")?);
let config = Config::for_region(&Region::CN_NORTH_4, std::env::var("HUAWEICLOUD_SDK_PROJECT_ID")?.parse()?, credentials)
    .with_retry(RetryPolicy::none()); // only to behave as the official SDK does; the default retries
let client = frs_ureq::Client::new(config);

match client.execute(&DeleteFaces::by_external_image_id("showFaceSet".parse()?, "imageID".parse()?)) {
    Ok(reply) => println!("deleted {} face(s)", reply.face_number.unwrap_or(0)),
    Err(Error::Service(e)) if e.code == ErrorCode::FieldNotFound => println!("none had that id ({:?})", e.request_id),
    Err(e) => return Err(e.into()),
}

// Every face, all pages (the SDK: show_faces_by_limit in a loop).
for face in client.faces("showFaceSet".parse()?, 100)? {
    println!("{:?}", face?.face_id);
}
# Ok::<(), Box<dyn std::error::Error>>(())
```

## Every SDK method

One row per method of the official SDKs, plus deleting by a custom field, which no SDK can send.
In the Python column the client is `FrsClient` and the types come from `huaweicloudsdkfrs.v2`; in
the Go column from `services/frs/v2` and its `model` package (the Go method is the Python method in
PascalCase, and both SDKs name the request and body types alike). In the Rust column the paths are
relative to `frs_request`; `Image::Base64`, `Image::Url` and `Image::File` are the three forms of
`frs_types::Image` (likewise `Video`), and `?` marks the constructors that validate their
arguments. In the CLI column the words in capitals are yours to fill in; `frs --help` and
[cli.md](cli.md) list the options.
"#;

/// f. `crates/frs-request/tests/entry_points.rs`: compiles only if every entry point exists
/// with the arity, fallibility and chained methods the spec gives it.
pub(crate) fn entry_points_test(spec: &Spec) -> String {
    let mut checks: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut push = |line: String| {
        if seen.insert(line.clone()) {
            checks.push(line);
        }
    };
    // The constructor shapes in use, (fallible, arity): only those helpers are generated.
    let mut shapes = BTreeSet::new();
    for op in &spec.operations {
        let entry = RustEntry::parse(&op.rust).expect("the spec was validated");
        match &entry.args {
            None => push(format!("value(frs_request::{});", entry.path)),
            Some(args) => {
                shapes.insert((entry.fallible, args.len()));
                let kind = if entry.fallible { "fallible" } else { "infallible" };
                push(format!("{kind}{}(frs_request::{});", args.len(), entry.path));
            }
        }
        for method in &entry.methods {
            push(format!("method(frs_request::{}::{method});", entry.type_path()));
        }
        for form in entry.forms() {
            let ty = form.split("::").next().unwrap_or(form);
            push(format!("form::<frs_request::types::{ty}, _>(frs_request::types::{form});"));
        }
    }
    let mut out = String::from(RUST_HEADER);
    out.push_str(
        "\n//! Every Rust entry point of `docs/spec/frs-api.json` (as shown in `docs/api-coverage.md`,\n\
         //! `docs/migration.md` and `frs_request::catalogue`) exists with the shape given there:\n\
         //! a constructor with that many arguments returning an operation (or a `Result` of one where\n\
         //! the entry point has `?`), methods that keep the operation, and the input forms as\n\
         //! variants. This file compiles only if every one does.\n\n\
         use frs_request::Operation;\n\n\
         /// An operation that is a value, not a call.\n\
         fn value<O: Operation>(_: O) {}\n\n\
         /// A chained method that takes and returns the operation.\n\
         fn method<O: Operation>(_: fn(O) -> O) {}\n\n\
         /// An input form: a variant of `T` made from its payload.\n\
         fn form<T, P>(_: fn(P) -> T) {}\n",
    );
    let letters = ["A", "B", "C", "D", "E", "F", "G", "H"];
    for (fallible, arity) in shapes {
        let params = letters[..arity.min(letters.len())].join(", ");
        let s = if arity == 1 { "" } else { "s" };
        if fallible {
            let _ = write!(
                out,
                "\n/// A constructor of {arity} argument{s} that validates them.\n\
                 fn fallible{arity}<{params}, O: Operation, Err: std::error::Error>(_: fn({params}) -> Result<O, Err>) {{}}\n",
            );
        } else {
            let _ = write!(
                out,
                "\n/// A constructor of {arity} argument{s} that cannot fail.\n\
                 fn infallible{arity}<{params}, O: Operation>(_: fn({params}) -> O) {{}}\n",
            );
        }
    }
    out.push_str("\n#[test]\nfn every_entry_point_exists_with_its_documented_shape() {\n");
    for check in &checks {
        let _ = writeln!(out, "    {check}");
    }
    out.push_str("}\n");
    out
}

/// g. `crates/frs-cli/src/spec_commands.rs`: the `frs` command of every operation.
pub(crate) fn cli_commands(spec: &Spec) -> String {
    let mut out = String::from(RUST_HEADER);
    out.push_str(
        "\n//! The `frs` command of every operation in `docs/spec/frs-api.json` (the CLI column of\n\
         //! `docs/migration.md`); a test in `args.rs` parses each with the real command line.\n\n\
         /// `(operation, command)`: the SDK method (or the Rust entry point when no SDK has one) and\n\
         /// the command, placeholders in capitals (`N` for a number).\n\
         pub(crate) const SPEC_COMMANDS: &[(&str, &str)] = &[\n",
    );
    for op in &spec.operations {
        let name = op.sdk_method.as_deref().unwrap_or(&op.rust);
        let _ = writeln!(out, "    ({name:?}, {:?}),", op.cli);
    }
    out.push_str("];\n");
    out
}
