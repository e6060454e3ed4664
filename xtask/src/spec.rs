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
    /// Top-level fields of the response body.
    pub(crate) response: Vec<String>,
    /// The Rust entry point, relative to the `frs_request` crate.
    pub(crate) rust: String,
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
            check(op.note.as_deref().is_none_or(is_one_line), format!("{at}: note must be one line"));
            for name in op.query.iter().chain(&op.body_fields).chain(&op.response) {
                check(is_one_line(name) && !name.contains(' '), format!("{at}: bad field name `{name}`"));
            }
        }
        problems
    }
}

/// Non-empty, no line break, no leading or trailing white space.
fn is_one_line(text: &str) -> bool {
    !text.is_empty() && !text.contains(['\n', '\r']) && text.trim() == text
}
