//! Signing each JSON line and writing one report (or error) per line, never the secret
//! key.

use std::io::{self, BufRead, Write};
use std::time::SystemTime;

use frs_request::Secret;
use frs_request::sign::input::{InputError, SigningInput};
use frs_request::sign::{SignError, SignableRequest, sign};
use serde::Serialize;
use serde_json::Value;

/// Everything the signer computed for a [`SigningInput`]; never the secret key.
///
/// The `authorization` value holds the signature: compare it with the `Authorization` header
/// of the request that was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct SigningReport {
    /// The canonical request (six lines joined by `\n`).
    pub(crate) canonical_request: String,
    /// `SDK-HMAC-SHA256\n<date>\n<hex sha256 of the canonical request>`.
    pub(crate) string_to_sign: String,
    /// Lower-case signed header names joined by `;`.
    pub(crate) signed_headers: String,
    /// The `Authorization` header value.
    pub(crate) authorization: String,
    /// `scheme://host` followed by the request target the signer set (path and canonical
    /// query string).
    pub(crate) uri: String,
    /// The payload hash (last line of the canonical request).
    pub(crate) payload_hash: String,
    /// The canonical URI (line 2 of the canonical request).
    pub(crate) canonical_uri: String,
    /// The canonical query string (line 3 of the canonical request).
    pub(crate) canonical_query_string: String,
    /// The headers to send, in order, `Authorization` last.
    pub(crate) sent_headers: Vec<(String, String)>,
}

/// Why a line could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SignDebugError {
    /// The line is not JSON or not a valid [`SigningInput`] (the text says why; it never
    /// contains the secret key).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The input is valid JSON of the right shape, but its query or body is not.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The signer refused the request.
    #[error("cannot sign: {0}")]
    Sign(#[from] SignError),
}

/// Signs `input` and returns every intermediate value. `now` is used only when the headers
/// hold no `X-Sdk-Date`.
///
/// # Errors
/// A [`SignDebugError`] for a bad query value or body, or when the signer refuses the
/// request (for example two headers whose names differ only in case).
pub(crate) fn sign_input(input: &SigningInput, now: SystemTime) -> Result<SigningReport, SignDebugError> {
    let query = input.query_pairs()?;
    let body = input.body_bytes()?;
    let request = SignableRequest {
        method: &input.method,
        host: &input.host,
        path: &input.path,
        query: &query,
        headers: &input.headers,
        body: &body,
    };
    let signed = sign(&request, &input.ak, &input.sk, now)?;
    Ok(SigningReport {
        authorization: signed.authorization().to_owned(),
        uri: format!("{}://{}{}", input.scheme, input.host, signed.request_uri),
        canonical_request: signed.canonical_request,
        string_to_sign: signed.string_to_sign,
        signed_headers: signed.signed_headers,
        payload_hash: signed.payload_hash,
        canonical_uri: signed.canonical_uri,
        canonical_query_string: signed.canonical_query_string,
        sent_headers: signed.headers,
    })
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    line: usize,
    error: &'a str,
}

/// How reports are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// One JSON line per input line, errors included, all on the output.
    JsonLines,
    /// Labelled text per report on the output; errors as `error: line N: ...` on the error
    /// stream.
    Text,
}

/// Reads JSON lines from `input` and writes one report per non-blank line: the
/// [`SigningReport`], or for a line that is not valid JSON, lacks a field, has a bad body or
/// cannot be signed, its error — `{"line": N, "error": "..."}` on `output` as JSON lines,
/// `error: line N: ...` on `errors` as text (`N` counts from 1, blank lines included).
/// `now` is asked for the time of each line.
///
/// No output line ever contains the secret key: error texts are built so as not to quote
/// it, and the key of a line is also removed from that line's error text.
///
/// Returns the number of error lines.
///
/// # Errors
/// Only I/O errors of `input`, `output` or `errors`.
pub(crate) fn run_lines(
    mut input: impl BufRead,
    mut output: impl Write,
    mut errors_out: impl Write,
    now: impl Fn() -> SystemTime,
    style: Style,
) -> io::Result<usize> {
    let mut buf = Vec::new();
    let mut line = 0;
    let mut errors = 0;
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        line += 1;
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match (sign_line(&buf, now()), style) {
            (Ok(report), Style::JsonLines) => {
                serde_json::to_writer(&mut output, &report)?;
                output.write_all(b"\n")?;
            }
            (Ok(report), Style::Text) => output.write_all(report.text().as_bytes())?,
            (Err(error), Style::JsonLines) => {
                errors += 1;
                serde_json::to_writer(&mut output, &ErrorLine { line, error: &error })?;
                output.write_all(b"\n")?;
            }
            (Err(error), Style::Text) => {
                errors += 1;
                writeln!(errors_out, "error: line {line}: {error}")?;
            }
        }
    }
    output.flush()?;
    errors_out.flush()?;
    Ok(errors)
}

impl SigningReport {
    /// The report as labelled text for people, one block per report, a blank line after.
    fn text(&self) -> String {
        // The canonical request's blank line stays blank (no trailing spaces).
        let indent = |text: &str| {
            text.split('\n')
                .map(|l| if l.is_empty() { "\n".to_owned() } else { format!("  {l}\n") })
                .collect::<String>()
        };
        let headers: String = self.sent_headers.iter().map(|(n, v)| format!("  {n}: {v}\n")).collect();
        format!(
            "uri: {}\ncanonical request:\n{}string to sign:\n{}signed headers: {}\n\
             authorization: {}\npayload hash: {}\ncanonical uri: {}\ncanonical query string: {}\n\
             headers sent:\n{headers}\n",
            self.uri,
            indent(&self.canonical_request),
            indent(&self.string_to_sign),
            self.signed_headers,
            self.authorization,
            self.payload_hash,
            self.canonical_uri,
            self.canonical_query_string,
        )
    }
}

/// Parses and signs one line; the error is the text to print, free of the secret key.
fn sign_line(line: &[u8], now: SystemTime) -> Result<SigningReport, String> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let value: Value = serde_json::from_slice(line).map_err(|e| {
        // Syntax errors say what was expected where, never quoting the input.
        let text = match e.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                let text = e.to_string();
                let position = format!(" at line {} column {}", e.line(), e.column());
                match text.strip_suffix(&position) {
                    Some(what) => format!("{what} at column {}", e.column()),
                    None => text,
                }
            }
            _ => "the line is not valid JSON".to_owned(),
        };
        SignDebugError::InvalidInput(text).to_string()
    })?;
    if !value.is_object() {
        return Err(SignDebugError::InvalidInput("a line must be one JSON object".to_owned()).to_string());
    }
    let sk = value.get("sk").and_then(Value::as_str).map(Secret::new);
    let redact = |e: SignDebugError| redact(&e.to_string(), sk.as_ref());
    // Type errors quote the offending value, which could be the secret put in the wrong
    // field: `redact` removes it.
    let input: SigningInput =
        serde_json::from_value(value).map_err(|e| redact(SignDebugError::InvalidInput(e.to_string())))?;
    sign_input(&input, now).map_err(redact)
}

/// Replaces every occurrence of the secret (any ASCII case, raw or `Debug`-escaped, whole or
/// cut to the 32 characters an `X-Sdk-Date` error keeps) in `text` by `***`.
fn redact(text: &str, secret: Option<&Secret>) -> String {
    let mut out = text.to_owned();
    let Some(secret) = secret.map(Secret::expose).filter(|s| !s.is_empty()) else {
        return out;
    };
    let escaped = |s: &str| {
        let debug = format!("{s:?}");
        debug[1..debug.len() - 1].to_owned()
    };
    let prefix: String = secret.chars().take(32).collect();
    let mut needles = vec![secret.to_owned(), escaped(secret), escaped(&prefix), prefix];
    // Longest first, so a prefix never leaves the rest of a longer match behind.
    needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    for needle in needles {
        out = replace_ignore_ascii_case(&out, &needle, "***");
    }
    out
}

fn replace_ignore_ascii_case(haystack: &str, needle: &str, with: &str) -> String {
    // ASCII lower-casing keeps byte offsets, so matches in the lower-cased text are matches
    // in the original, at char boundaries.
    let lower_haystack = haystack.to_ascii_lowercase();
    let lower_needle = needle.to_ascii_lowercase();
    let mut out = String::with_capacity(haystack.len());
    let mut last = 0;
    for (start, _) in lower_haystack.match_indices(&lower_needle) {
        out.push_str(&haystack[last..start]);
        out.push_str(with);
        last = start + needle.len();
    }
    out.push_str(&haystack[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    const VECTORS: &str = include_str!("../../../frs-request/tests/data/signing-vectors.json");

    fn vectors() -> Vec<Value> {
        let doc: Value = serde_json::from_str(VECTORS).unwrap();
        doc["vectors"].as_array().unwrap().clone()
    }

    fn clock() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_710_498_030) // 2024-03-15T10:20:30Z
    }

    /// Runs `input` through `run_lines`; returns the error count and the output lines.
    fn run(input: &str) -> (usize, Vec<Value>, String) {
        let mut out = Vec::new();
        let errors = run_lines(input.as_bytes(), &mut out, io::sink(), clock, Style::JsonLines).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        (errors, lines, text)
    }

    #[test]
    fn every_vector_fed_as_is_matches_the_official_signer() {
        let vectors = vectors();
        assert_eq!(vectors.len(), 88);
        let input: Vec<String> = vectors.iter().map(|v| serde_json::to_string(v).unwrap()).collect();
        let (errors, lines, _) = run(&input.join("\n"));
        assert_eq!(lines.len(), 88, "one output line per input line");
        assert_eq!(errors, 2);
        let mut checked = 0;
        for (i, (v, out)) in vectors.iter().zip(&lines).enumerate() {
            let name = v["name"].as_str().unwrap();
            match name {
                "headers_case_duplicate_quirk" => {
                    assert_eq!(out["line"], i + 1, "{name}");
                    let error = out["error"].as_str().unwrap();
                    assert!(error.contains("\"x-dup\""), "{name}: {error}");
                    assert!(error.contains("more than once"), "{name}: {error}");
                }
                "query_typed_list_of_bools_quirk" => {
                    assert_eq!(out["line"], i + 1, "{name}");
                    let error = out["error"].as_str().unwrap();
                    assert!(error.contains("\"flag\"") && error.contains("boolean"), "{name}: {error}");
                }
                _ => {
                    assert!(out.get("error").is_none(), "{name}: {out}");
                    let e = &v["expected"];
                    for field in [
                        "canonical_request",
                        "string_to_sign",
                        "signed_headers",
                        "authorization",
                        "canonical_uri",
                        "canonical_query_string",
                        "payload_hash",
                        "sent_headers",
                    ] {
                        assert_eq!(out[field], e[field], "{name}: {field}");
                    }
                    let uri = format!(
                        "{}://{}{}",
                        v["scheme"].as_str().unwrap(),
                        v["host"].as_str().unwrap(),
                        e["request_uri"].as_str().unwrap()
                    );
                    assert_eq!(out["uri"], uri, "{name}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 86);
    }

    #[test]
    fn the_secret_key_never_appears_in_output_for_the_vectors() {
        let vectors = vectors();
        let input: Vec<String> = vectors.iter().map(|v| serde_json::to_string(v).unwrap()).collect();
        let (_, lines, _) = run(&input.join("\n"));
        for (v, out) in vectors.iter().zip(&lines) {
            let sk = v["sk"].as_str().unwrap();
            assert!(!out.to_string().contains(sk), "{}", v["name"]);
        }
    }

    const SK: &str = "VerySecret-SK-0123456789abcdefghijklmnopqrstuvwxyz";

    fn line(sk: &str, extra: &str) -> String {
        format!(
            r#"{{"ak":"AK","sk":{},"method":"POST","host":"h.example.com","path":"/v2/p","query":[],"headers":[["X-Sdk-Date","20240315T102030Z"]]{extra}}}"#,
            serde_json::to_string(sk).unwrap()
        )
    }

    /// Every spelling of `sk` that could reveal it.
    fn assert_no_secret(text: &str, sk: &str) {
        let json = serde_json::to_string(sk).unwrap();
        let debug = format!("{sk:?}");
        let prefix: String = sk.chars().take(16).collect();
        for needle in [sk, &json[1..json.len() - 1], &debug[1..debug.len() - 1], &prefix] {
            assert!(
                !text.to_ascii_lowercase().contains(&needle.to_ascii_lowercase()),
                "{needle:?} in {text}"
            );
        }
    }

    #[test]
    fn the_secret_key_never_appears_in_error_lines() {
        let good = line(SK, "");
        let cases = [
            // Invalid base64 body.
            line(SK, r#","body_base64":"not base64!""#),
            // Both bodies.
            line(SK, r#","body":"{}","body_base64":"e30=""#),
            // A case-duplicate header.
            good.replace(r#"[["X-Sdk-Date""#, r#"[["X-Dup","1"],["x-dup","2"],["X-Sdk-Date""#),
            // Truncated right after the secret key value, and inside it.
            format!(r#"{{"ak":"AK","sk":"{SK}""#),
            format!(r#"{{"ak":"AK","sk":"{SK}"#),
            format!(r#"{{"ak":"AK","sk":"{SK}" "method":"GET"}}"#),
            // A missing field.
            good.replace(r#","host":"h.example.com""#, ""),
            // The secret put where serde's type error quotes the value.
            good.replace(r#""query":[]"#, &format!(r#""query":"{SK}""#)),
            good.replace(r#""method":"POST""#, &format!(r#""method":["{SK}"]"#)),
            // The secret as a header name (the signer reports it lower-cased) or as the date
            // (the signer reports its first 32 characters).
            good.replace(r#"[["X-Sdk-Date""#, &format!(r#"[["{SK}","1"],["{SK}","2"],["X-Sdk-Date""#)),
            good.replace("20240315T102030Z", SK),
            // A bool in a list, a bad query value.
            good.replace(r#""query":[]"#, r#""query":[["flag",[true]]]"#),
            good.replace(r#""query":[]"#, r#""query":[["k",null]]"#),
            // Not an object.
            format!(r#"["{SK}"]"#),
            format!(r#""{SK}""#),
        ];
        let (errors, lines, text) = run(&cases.join("\n"));
        assert_eq!(errors, cases.len(), "{text}");
        assert_eq!(lines.len(), cases.len());
        assert_no_secret(&text, SK);
        for (i, out) in lines.iter().enumerate() {
            assert_eq!(out["line"], i + 1);
            assert!(!out["error"].as_str().unwrap().is_empty());
        }
        assert!(lines[0]["error"].as_str().unwrap().contains("base64"));
        assert!(lines[2]["error"].as_str().unwrap().contains("\"x-dup\""));
        assert!(lines[6]["error"].as_str().unwrap().contains("missing field `host`"));
        assert!(lines[9]["error"].as_str().unwrap().contains("***"));

        // Secrets with characters that JSON and Debug escape, or of the wrong type.
        let odd = r#"se"cr\et-with-quotes-and-backslashes"#;
        let cases = [
            line(odd, r#","body_base64":"%%%""#)
                .replace(r#""query":[]"#, &format!(r#""query":{}"#, serde_json::to_string(odd).unwrap())),
            r#"{"ak":"AK","sk":987654321987,"method":"GET","host":"h","path":"/"}"#.to_owned(),
            r#"{"ak":"AK","sk":["987654321987"],"method":"GET","host":"h","path":"/"}"#.to_owned(),
        ];
        let (errors, _, text) = run(&cases.join("\n"));
        assert_eq!(errors, 3, "{text}");
        assert_no_secret(&text, odd);
        assert_no_secret(&text, "987654321987");
        assert!(text.contains("must be a JSON string"), "{text}");
    }

    #[test]
    fn the_report_and_debug_hold_no_secret() {
        let input: SigningInput = serde_json::from_str(&line(SK, r#","body":"{}""#)).unwrap();
        assert!(!format!("{input:?}").contains(SK));
        let report = sign_input(&input, clock()).unwrap();
        assert_no_secret(&serde_json::to_string(&report).unwrap(), SK);
        assert_no_secret(&format!("{report:?}"), SK);
    }

    #[test]
    fn blank_lines_are_skipped_but_counted() {
        let input = format!("\n{}\n  \r\n{{oops\n\n", line(SK, ""));
        let (errors, lines, _) = run(&input);
        assert_eq!(errors, 1);
        assert_eq!(lines.len(), 2);
        assert!(lines[0]["authorization"].as_str().unwrap().starts_with("SDK-HMAC-SHA256 Access=AK, "));
        assert_eq!(lines[1]["line"], 4);
        assert_eq!(lines[1]["error"], "invalid input: key must be a string at column 2");
    }

    #[test]
    fn defaults_and_the_clock() {
        let text = r#"{"ak":"AK","sk":"SK","method":"get","host":"h.example.com","path":"/a b","name":"x","extra":{"any":[1]}}"#;
        let (errors, lines, _) = run(text);
        assert_eq!(errors, 0);
        let out = &lines[0];
        assert_eq!(out["uri"], "https://h.example.com/a b");
        assert_eq!(out["signed_headers"], "host;x-sdk-date");
        assert!(out["string_to_sign"].as_str().unwrap().starts_with("SDK-HMAC-SHA256\n20240315T102030Z\n"));
        assert_eq!(out["sent_headers"][0], serde_json::json!(["X-Sdk-Date", "20240315T102030Z"]));
        // SHA-256 of the empty body.
        assert_eq!(out["payload_hash"], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn text_reports_go_to_the_output_and_errors_to_the_error_stream() {
        let input = format!("{}\n{{\"ak\":\"AK\",\"sk\":\"{SK}\"}}\n", line(SK, ""));
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let errors = run_lines(input.as_bytes(), &mut out, &mut err, clock, Style::Text).unwrap();
        let (out, err) = (String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap());
        assert_eq!(errors, 1);
        assert!(out.starts_with("uri: https://h.example.com/v2/p\ncanonical request:\n  POST\n"), "{out}");
        assert!(out.contains("\n\n  host;x-sdk-date\n"), "the blank line stays blank: {out}");
        assert!(out.contains("\nauthorization: SDK-HMAC-SHA256 Access=AK, "), "{out}");
        assert_eq!(err, "error: line 2: invalid input: missing field `method`\n");
        assert_no_secret(&format!("{out}{err}"), SK);
    }

    #[test]
    fn typed_query_values() {
        let input: SigningInput = serde_json::from_str(
            r#"{"ak":"AK","sk":"SK","method":"GET","host":"h","path":"/",
                "query":[["b",true],["n",-1],["l",["x",2]],["s","t"]]}"#,
        )
        .unwrap();
        let pairs = input.query_pairs().unwrap();
        let expect = [("b", "true"), ("n", "-1"), ("l", "x"), ("l", "2"), ("s", "t")];
        assert_eq!(pairs, expect.map(|(k, v)| (k.to_owned(), v.to_owned())));
        let nested: SigningInput = serde_json::from_str(
            r#"{"ak":"AK","sk":"SK","method":"GET","host":"h","path":"/","query":[["l",[["x"]]]]}"#,
        )
        .unwrap();
        assert_eq!(nested.query_pairs().unwrap_err(), InputError::NestedList { key: "l".into() });
    }

    #[test]
    fn base64_body() {
        let input: SigningInput = serde_json::from_str(&line(SK, r#","body_base64":"AAEC/w==""#)).unwrap();
        assert_eq!(&*input.body_bytes().unwrap(), &[0, 1, 2, 255]);
    }

    #[test]
    fn redaction() {
        assert_eq!(redact("a SeCrEt b secret", Some(&Secret::new("secret"))), "a *** b ***");
        assert_eq!(redact("text", Some(&Secret::new(""))), "text");
        assert_eq!(redact("text", None), "text");
    }

    /// The example of the crate documentation, run.
    #[test]
    fn the_documented_example() {
        let input = br#"{"ak":"AK","sk":"SK","method":"GET","host":"face.cn-north-4.myhuaweicloud.com","path":"/v2/p/face-sets","query":[],"headers":[["X-Sdk-Date","20240315T102030Z"]]}"#;
        let mut output = Vec::new();
        let failed =
            run_lines(&input[..], &mut output, io::sink(), SystemTime::now, Style::JsonLines).unwrap();
        assert_eq!(failed, 0);
        let report: Value = serde_json::from_slice(&output).unwrap();
        assert_eq!(report["uri"], "https://face.cn-north-4.myhuaweicloud.com/v2/p/face-sets");
        assert_eq!(report["signed_headers"], "host;x-sdk-date");
        assert!(report["authorization"].as_str().unwrap().starts_with("SDK-HMAC-SHA256 Access=AK, "));
    }
}
