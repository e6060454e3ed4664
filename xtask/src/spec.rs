//! The service description `docs/spec/frs-api.json`: its types, loading and validation.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// The spec's path, relative to the workspace root.
pub(crate) const SPEC_PATH: &str = "docs/spec/frs-api.json";

/// The service's own grouping of its operations, in the order the docs list them.
pub(crate) const OPERATION_GROUPS: [&str; 5] = ["face sets", "faces", "search", "detection", "liveness"];

/// The whole description. Field order here is the key order of the canonical file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Spec {
    /// What the file is, for readers of the JSON.
    pub(crate) about: String,
    /// The error-code catalogue, in catalogue order.
    pub(crate) error_codes: Vec<ErrorCodeSpec>,
    /// One entry per official SDK method, plus the operations no SDK has.
    pub(crate) operations: Vec<OperationSpec>,
}

/// One documented error code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ErrorCodeSpec {
    /// As the service writes it, e.g. `FRS.0402`.
    pub(crate) code: String,
    /// The `ErrorCode` variant, e.g. `FieldNotFound`.
    pub(crate) variant: String,
    /// The documented HTTP status, if any.
    pub(crate) http_status: Option<u16>,
    /// Whether the same request may succeed later.
    pub(crate) retryable: bool,
    /// A short English meaning.
    pub(crate) meaning: String,
    /// The variant's one-line doc comment.
    pub(crate) doc: String,
    /// The catalogue group (a range of codes, or "API gateway").
    pub(crate) group: String,
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OperationSpec {
    /// The official SDK method, or `None` for an operation no SDK has.
    pub(crate) sdk_method: Option<String>,
    /// One of [`OPERATION_GROUPS`].
    pub(crate) group: String,
    /// The logical-endpoint number of the operations reference (`"1"`, `"1i"`, … `"15"`).
    pub(crate) endpoint: String,
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub(crate) http_method: String,
    /// The path template.
    pub(crate) path: String,
    /// Query parameter names; `{field_name}` for a custom field.
    pub(crate) query: Vec<String>,
    /// The kind of request body.
    pub(crate) body: BodyKind,
    /// JSON field names or multipart part names.
    pub(crate) body_fields: Vec<String>,
    /// The official SDKs' body model (the same name in Python and Go, e.g. `AddFacesBase64Req`);
    /// `None` when the request has no body or no SDK method.
    pub(crate) sdk_body: Option<String>,
    /// Top-level fields of the response body.
    pub(crate) response: Vec<String>,
    /// The Rust entry point, relative to the `frs_request` crate.
    pub(crate) rust: String,
    /// The `frs` command that sends the request, with placeholders in capitals (`N` for a
    /// number), e.g. `frs face delete FACE_SET --face-id ID`.
    pub(crate) cli: String,
    /// A short remark, if any.
    pub(crate) note: Option<String>,
}

/// The kind of request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum BodyKind {
    /// No body.
    None,
    /// A JSON object.
    Json,
    /// `multipart/form-data`.
    Multipart,
}

impl BodyKind {
    /// The variant name in the generated Rust code.
    pub(crate) fn rust_name(self) -> &'static str {
        match self {
            Self::None => "None",
            Self::Json => "Json",
            Self::Multipart => "Multipart",
        }
    }

    /// How the docs write it.
    pub(crate) fn doc_name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Json => "JSON",
            Self::Multipart => "multipart",
        }
    }
}

impl Spec {
    /// Parses and validates the spec.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let spec: Self = serde_json::from_str(text).map_err(|e| format!("{SPEC_PATH}: {e}"))?;
        let problems = spec.problems();
        if problems.is_empty() {
            Ok(spec)
        } else {
            Err(format!("{SPEC_PATH} is invalid:\n  - {}", problems.join("\n  - ")))
        }
    }

    /// The canonical text of the spec: pretty-printed, keys in declaration order, final newline.
    pub(crate) fn to_canonical_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("the spec types always serialize");
        text.push('\n');
        text
    }

    /// The official SDK methods (operations with an `sdk_method`).
    pub(crate) fn sdk_method_count(&self) -> usize {
        self.operations.iter().filter(|op| op.sdk_method.is_some()).count()
    }

    /// The number of distinct logical endpoints.
    pub(crate) fn endpoint_count(&self) -> usize {
        self.operations.iter().map(|op| op.endpoint.as_str()).collect::<BTreeSet<_>>().len()
    }

    /// The number of distinct HTTP method + path pairs.
    pub(crate) fn route_count(&self) -> usize {
        self.operations.iter().map(|op| (&op.http_method, &op.path)).collect::<BTreeSet<_>>().len()
    }

    /// The error-code groups, in catalogue order.
    pub(crate) fn error_code_groups(&self) -> Vec<&str> {
        let mut groups: Vec<&str> = Vec::new();
        for code in &self.error_codes {
            if groups.last() != Some(&code.group.as_str()) {
                groups.push(&code.group);
            }
        }
        groups
    }

    /// Everything wrong with the spec; empty when it is valid.
    fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        // Filled inside the loop below, where `check` holds `problems`.
        let mut problems_of_entry = Vec::new();
        let mut check = |ok: bool, problem: String| {
            if !ok {
                problems.push(problem);
            }
        };

        let mut codes = BTreeSet::new();
        let mut variants = BTreeSet::new();
        for (i, c) in self.error_codes.iter().enumerate() {
            let at = format!("error_codes[{i}] ({})", c.code);
            let numeric = |rest: &str| rest.len() == 4 && rest.bytes().all(|b| b.is_ascii_digit());
            let code_ok =
                c.code.strip_prefix("FRS.").or_else(|| c.code.strip_prefix("APIGW.")).is_some_and(numeric);
            check(code_ok, format!("{at}: code must look like FRS.0000 or APIGW.0000"));
            check(codes.insert(c.code.as_str()), format!("{at}: duplicate code"));
            let ident_ok = c.variant.starts_with(|ch: char| ch.is_ascii_uppercase())
                && c.variant.chars().all(|ch| ch.is_ascii_alphanumeric());
            check(ident_ok, format!("{at}: variant `{}` is not a CamelCase identifier", c.variant));
            check(c.variant != "Unknown", format!("{at}: `Unknown` is reserved"));
            check(variants.insert(c.variant.as_str()), format!("{at}: duplicate variant `{}`", c.variant));
            check(
                c.http_status.is_none_or(|s| (100..=599).contains(&s)),
                format!("{at}: HTTP status out of range"),
            );
            for (name, text) in [("meaning", &c.meaning), ("doc", &c.doc), ("group", &c.group)] {
                check(is_one_line(text), format!("{at}: {name} must be one non-empty, trimmed line"));
            }
        }
        let groups = self.error_code_groups();
        let distinct: BTreeSet<_> = groups.iter().collect();
        check(distinct.len() == groups.len(), "error_codes: the codes of a group must be contiguous".into());

        let mut methods = BTreeSet::new();
        for (i, op) in self.operations.iter().enumerate() {
            let at = format!("operations[{i}] ({})", op.sdk_method.as_deref().unwrap_or(&op.rust));
            if let Some(method) = &op.sdk_method {
                let ok = !method.is_empty()
                    && method.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                check(ok, format!("{at}: sdk_method must be snake_case"));
                check(methods.insert(method.as_str()), format!("{at}: duplicate sdk_method"));
            }
            check(
                OPERATION_GROUPS.contains(&op.group.as_str()),
                format!("{at}: group must be one of {OPERATION_GROUPS:?}"),
            );
            check(is_one_line(&op.endpoint), format!("{at}: endpoint must be set"));
            check(
                ["GET", "POST", "PUT", "DELETE"].contains(&op.http_method.as_str()),
                format!("{at}: unknown HTTP method `{}`", op.http_method),
            );
            check(
                op.path.starts_with("/v1/{project_id}") || op.path.starts_with("/v2/{project_id}"),
                format!("{at}: path must start with /v1/{{project_id}} or /v2/{{project_id}}"),
            );
            check(
                (op.body == BodyKind::None) == op.body_fields.is_empty(),
                format!("{at}: body_fields must be empty exactly when body is \"none\""),
            );
            check(is_one_line(&op.rust), format!("{at}: rust must be one non-empty, trimmed line"));
            if let Err(e) = RustEntry::parse(&op.rust) {
                problems_of_entry.push(format!("{at}: rust `{}`: {e}", op.rust));
            }
            check(
                op.sdk_body.is_some() == (op.sdk_method.is_some() && op.body != BodyKind::None),
                format!("{at}: sdk_body must be set exactly when an SDK method sends a body"),
            );
            check(
                op.sdk_body.as_deref().is_none_or(is_pascal_case),
                format!("{at}: sdk_body must be a PascalCase type name"),
            );
            let cli_ok = is_one_line(&op.cli)
                && op.cli.starts_with("frs ")
                && !op.cli.contains(['\'', '"', '|', '`', '\\']);
            check(cli_ok, format!("{at}: cli must be one line `frs ...` without quotes, `|` or backticks"));
            check(op.note.as_deref().is_none_or(is_one_line), format!("{at}: note must be one line"));
            for name in op.query.iter().chain(&op.body_fields).chain(&op.response) {
                check(is_one_line(name) && !name.contains(' '), format!("{at}: bad field name `{name}`"));
            }
        }
        problems.extend(problems_of_entry);
        problems
    }
}

/// `Pascal` or `PascalCase2`: an ASCII upper-case letter, then letters and digits.
fn is_pascal_case(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_uppercase()) && text.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The shape of an operation's `rust` entry point, e.g.
/// `liveness::DetectLive::new(Video::Base64, actions)?.intl()`: a path relative to
/// `frs_request`, called or not, fallible or not, then methods that keep the operation's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RustEntry {
    /// The constructor or unit value, e.g. `liveness::DetectLive::new` or `face_sets::ShowAllFaceSets`.
    pub(crate) path: String,
    /// The arguments, each a placeholder (`face_set`) or an input form (`Image::Base64`);
    /// `None` for a value that is not called.
    pub(crate) args: Option<Vec<String>>,
    /// Whether the constructor returns a `Result` (`?` after the call).
    pub(crate) fallible: bool,
    /// Methods chained after the call, taking and returning the operation (`intl`).
    pub(crate) methods: Vec<String>,
}

impl RustEntry {
    /// Reads an entry point; the error says what is not of the expected shape.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let is_path = |p: &str| {
            !p.is_empty()
                && p.split("::").all(|seg| {
                    seg.starts_with(|c: char| c.is_ascii_alphabetic())
                        && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
        };
        let Some(open) = text.find('(') else {
            return if is_path(text) && text.contains("::") {
                Ok(Self { path: text.to_owned(), args: None, fallible: false, methods: Vec::new() })
            } else {
                Err("expected `module::Type` or `module::Type::constructor(args)`".into())
            };
        };
        let path = &text[..open];
        if !is_path(path) || path.split("::").count() < 3 {
            return Err(format!("`{path}` is not a `module::Type::constructor` path"));
        }
        let close = text[open..].find(')').map(|i| open + i).ok_or("unclosed `(`")?;
        let args: Vec<String> = text[open + 1..close]
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect();
        for arg in &args {
            let form = arg.contains("::") && arg.starts_with(|c: char| c.is_ascii_uppercase());
            let placeholder = !arg.contains("::") && arg.starts_with(|c: char| c.is_ascii_lowercase());
            if !is_path(arg) || !(form || placeholder) {
                return Err(format!("argument `{arg}` is neither a placeholder nor `Type::Variant`"));
            }
        }
        let mut rest = &text[close + 1..];
        let fallible = rest.starts_with('?');
        if fallible {
            rest = &rest[1..];
        }
        let mut methods = Vec::new();
        while !rest.is_empty() {
            let method = rest
                .strip_prefix('.')
                .and_then(|r| r.strip_suffix("()").map(|m| (m, "")).or_else(|| r.split_once("()")))
                .filter(|(m, _)| is_path(m) && !m.contains("::"))
                .ok_or_else(|| format!("`{rest}` is not a chain of `.method()` calls"))?;
            methods.push(method.0.to_owned());
            rest = method.1;
        }
        Ok(Self { path: path.to_owned(), args: Some(args), fallible, methods })
    }

    /// The operation's type, e.g. `liveness::DetectLive` (the path without its constructor).
    pub(crate) fn type_path(&self) -> &str {
        if self.args.is_some() {
            self.path.rsplit_once("::").map_or(&self.path, |(t, _)| t)
        } else {
            &self.path
        }
    }

    /// The input forms among the arguments, e.g. `Image::Base64`.
    pub(crate) fn forms(&self) -> impl Iterator<Item = &str> {
        self.args.iter().flatten().map(String::as_str).filter(|a| a.contains("::"))
    }
}

/// Non-empty, no line break, no leading or trailing white space.
fn is_one_line(text: &str) -> bool {
    !text.is_empty() && !text.contains(['\n', '\r']) && text.trim() == text
}
