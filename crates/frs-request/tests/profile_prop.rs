//! Properties of the profile parser: any text is answered (never a panic) with an error
//! whose line exists; profiles written in any of the accepted styles read back exactly; an
//! error never repeats the text of a line.

use frs_request::chain::{ProfileErrorKind, parse_profile};
use proptest::prelude::*;

/// A value as a profile holds it: printable, no surrounding blanks, possibly with the
/// characters that are not comments or delimiters inside a value (`#`, `;`, `=`, `:`).
fn value() -> impl Strategy<Value = String> {
    "[A-Za-z0-9/+_.#;=:-]([A-Za-z0-9/+_.#;=: -]{0,30}[A-Za-z0-9/+_.#;=:-])?"
}

/// A key written in any case, with blanks around it and either delimiter.
fn line(key: &'static str, value: String) -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(any::<bool>(), key.len()),
        "[ \t]{0,3}",
        "[ \t]{0,3}",
        "[ \t]{0,3}",
        prop_oneof![Just('='), Just(':')],
    )
        .prop_map(move |(upper, pre, mid, post, delimiter)| {
            let key: String =
                key.chars().zip(upper).map(|(c, up)| if up { c.to_ascii_uppercase() } else { c }).collect();
            format!("{pre}{key}{mid}{delimiter}{post}{value}")
        })
}

/// Lines that change nothing: blanks and comments.
fn filler() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(
        prop_oneof![Just(String::new()), "[ \t]{1,3}", "[ \t]{0,2}[#;][ -~]{0,20}"],
        0..3,
    )
}

/// Another section (named from `names`), with keys that must not leak into `[basic]`.
fn other_section(names: &'static str) -> impl Strategy<Value = Vec<String>> {
    (names, value()).prop_map(|(name, v)| {
        vec![
            format!("[{name}]"),
            format!("ak = other-{v}"),
            format!("sk = other-{v}"),
            "project_id = other".into(),
        ]
    })
}

#[derive(Debug, Clone)]
struct Written {
    ak: Option<String>,
    sk: Option<String>,
    security_token: Option<String>,
    project_id: Option<String>,
    iam_endpoint: Option<String>,
}

fn written() -> impl Strategy<Value = Written> {
    (
        proptest::option::of("[A-Z0-9]{1,20}"),
        proptest::option::of(value()),
        proptest::option::of(value()),
        proptest::option::of("[a-f0-9]{8,32}"),
        proptest::option::of("https://iam\\.[a-z0-9-]{1,10}\\.example\\.com"),
    )
        .prop_map(|(ak, sk, security_token, project_id, iam_endpoint)| Written {
            ak,
            sk,
            security_token,
            project_id,
            iam_endpoint,
        })
}

/// A whole file: filler, maybe another section, `[basic]` with the written keys (each
/// followed by filler), maybe another section; joined with LF or CRLF.
fn file() -> impl Strategy<Value = (Written, String)> {
    written().prop_flat_map(|w| {
        let keys: Vec<(&'static str, Option<String>)> = vec![
            ("ak", w.ak.clone()),
            ("sk", w.sk.clone()),
            ("security_token", w.security_token.clone()),
            ("project_id", w.project_id.clone()),
            ("iam_endpoint", w.iam_endpoint.clone()),
        ];
        let lines: Vec<BoxedStrategy<Vec<String>>> = keys
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .map(|(k, v)| (line(k, v), filler()).prop_map(|(l, f)| [vec![l], f].concat()).boxed())
            .collect();
        (
            Just(w),
            filler(),
            proptest::option::of(other_section("(global|default)")),
            "[ \t]{0,2}",
            lines,
            proptest::option::of(other_section("(Basic|basic2| basic x)")),
            any::<bool>(),
        )
            .prop_map(|(w, head, before, indent, body, after, crlf)| {
                let mut all = head;
                all.extend(before.unwrap_or_default());
                all.push(format!("{indent}[basic]"));
                all.extend(body.into_iter().flatten());
                all.extend(after.unwrap_or_default());
                (w, all.join(if crlf { "\r\n" } else { "\n" }))
            })
    })
}

proptest! {
    #[test]
    fn any_text_is_answered_with_an_error_on_an_existing_line(text in "(\\PC|[\\[\\]=:#;\n\r \t]){0,200}") {
        if let Err(err) = parse_profile(&text) {
            prop_assert!(err.line >= 1 && err.line <= text.lines().count(), "{err:?} in {text:?}");
            let prefix = format!("line {}: ", err.line);
            prop_assert!(err.to_string().starts_with(&prefix), "{}", err);
        }
    }

    #[test]
    fn written_profiles_read_back_exactly((w, text) in file()) {
        let profile = parse_profile(&text).map_err(|e| TestCaseError::fail(format!("{e} in {text:?}")))?;
        let basic = profile.basic().cloned().unwrap_or_default();
        prop_assert_eq!(basic.ak, w.ak);
        prop_assert_eq!(basic.sk.map(|s| s.expose().to_owned()), w.sk);
        prop_assert_eq!(basic.security_token.map(|s| s.expose().to_owned()), w.security_token);
        prop_assert_eq!(basic.project_id, w.project_id);
        prop_assert_eq!(basic.iam_endpoint, w.iam_endpoint);
    }

    #[test]
    fn errors_never_repeat_a_line(
        secret in "[A-Za-z0-9]{12,30}",
        before in 0usize..4,
        style in 0usize..4,
    ) {
        let mut lines: Vec<String> = vec!["[basic]".into()];
        lines.extend((0..before).map(|i| format!("# comment {i}")));
        let (bad, kind) = match style {
            0 => (secret.clone(), ProfileErrorKind::NotKeyValue),
            1 => (format!("[{secret}"), ProfileErrorKind::UnclosedSection),
            2 => (format!("= {secret}"), ProfileErrorKind::EmptyKey),
            _ => {
                lines.push(format!("sk = {secret}"));
                (
                    format!("SK = {secret}"),
                    ProfileErrorKind::DuplicateKey { key: "sk".into(), section: "basic".into(), first_line: before + 2 },
                )
            }
        };
        lines.push(bad);
        let err = parse_profile(&lines.join("\n")).unwrap_err();
        prop_assert_eq!(err.line, lines.len());
        prop_assert_eq!(&err.kind, &kind);
        let shown = format!("{err} {err:?}");
        prop_assert!(!shown.contains(&secret), "{}", shown);
    }
}
