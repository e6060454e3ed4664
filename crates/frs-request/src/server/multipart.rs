//! The strict `multipart/form-data` parser a server reads the SDK's bodies with (the
//! emulator does); the encoder is [`crate::multipart`].
//!
//! ```
//! use bytes::Bytes;
//! use frs_request::multipart::Multipart;
//! use frs_request::server::multipart::parse;
//!
//! let jpeg = Bytes::from_static(&[0xFF, 0xD8, 0xFF, 0xE0]);
//! let body = Multipart::new()
//!     .text("top_n", "5")?
//!     .file("image_file", "img.jpg", jpeg.clone(), None)?
//!     .finish();
//! let parts = parse(&body.content_type(), &body.to_bytes())?;
//! assert_eq!(parts[0].name, "top_n");
//! assert_eq!(parts[0].text(), Some("5"));
//! assert_eq!(parts[1].file_name.as_deref(), Some("img.jpg"));
//! assert_eq!(parts[1].data, jpeg);
//! # Ok::<(), frs_request::multipart::MultipartError>(())
//! ```

use std::fmt;

use bytes::Bytes;

use crate::multipart::{MAX_PARTS, MultipartError, find};

/// The most bytes the header block of one part may take in a parsed body (the headers of
/// an FRS part are well under 200 bytes).
pub const MAX_PART_HEADER_BYTES: usize = 8 * 1024;

/// Longest boundary RFC 2046 allows.
const MAX_BOUNDARY_LEN: usize = 70;

/// One part of a parsed `multipart/form-data` body.
///
/// Its `Debug` output shows the name, whether it is a file, the content type and the
/// length, never the data or the file name.
#[derive(Clone, PartialEq, Eq)]
pub struct Part {
    /// The `name` parameter of `Content-Disposition`.
    pub name: String,
    /// The `filename` parameter, for file parts (possibly empty).
    pub file_name: Option<String>,
    /// The part's `Content-Type` header, if it has one.
    pub content_type: Option<String>,
    /// The part's content.
    pub data: Bytes,
}

impl Part {
    /// The content as text, if it is UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.data).ok()
    }

    /// Whether the part is a file part (has a `filename` parameter).
    pub fn is_file(&self) -> bool {
        self.file_name.is_some()
    }
}

impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Part")
            .field("name", &self.name)
            .field("is_file", &self.is_file())
            .field("content_type", &self.content_type)
            .field("len", &self.data.len())
            .finish()
    }
}

/// A parsed part whose data is a range of the body.
struct RawPart {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: std::ops::Range<usize>,
}

/// Parses a `multipart/form-data` body, copying each part's data out of `body`.
///
/// The parser is strict, to catch broken clients rather than guess:
///
/// - `content_type` must be `multipart/form-data` (any case) with a `boundary` parameter
///   (quoted or not) of 1–70 RFC 2046 characters;
/// - lines end in CRLF; bare LF line endings are rejected;
/// - a preamble before the first delimiter is skipped, as RFC 2046 allows, and so is an
///   epilogue after the closing `--boundary--`; spaces or tabs after a delimiter are
///   tolerated (RFC 2046 transport padding);
/// - every part needs `Content-Disposition: form-data; name="..."` with a non-empty
///   name; `filename` and `Content-Type` are optional; other headers are ignored; header
///   folding is rejected; headers must be UTF-8 and at most [`MAX_PART_HEADER_BYTES`];
/// - quoted values are read up to the next `"`: backslash escapes are not interpreted (as
///   browsers and the official SDK do not produce them);
/// - at most [`MAX_PARTS`] parts; a body without the closing delimiter is rejected.
///
/// It never panics, whatever the input.
///
/// # Errors
/// A [`MultipartError`] saying what is malformed and where.
pub fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Part>, MultipartError> {
    parts(content_type, body, |range| Bytes::copy_from_slice(body.get(range).unwrap_or_default()))
}

/// Like [`parse`], but each part's data shares `body`'s buffer instead of being copied.
///
/// # Errors
/// As [`parse`].
pub fn parse_bytes(content_type: &str, body: &Bytes) -> Result<Vec<Part>, MultipartError> {
    parts(content_type, body, |range| {
        if range.start <= range.end && range.end <= body.len() { body.slice(range) } else { Bytes::new() }
    })
}

/// The parts of `body`, each part's data made by `data` from its range.
fn parts(
    content_type: &str,
    body: &[u8],
    data: impl Fn(std::ops::Range<usize>) -> Bytes,
) -> Result<Vec<Part>, MultipartError> {
    let raw = parse_raw(content_type, body)?;
    Ok(raw
        .into_iter()
        .map(|p| Part {
            name: p.name,
            file_name: p.file_name,
            content_type: p.content_type,
            data: data(p.data),
        })
        .collect())
}

/// Reads the boundary from a `Content-Type` header value.
///
/// # Errors
/// [`MultipartError::NotFormData`], [`MultipartError::MissingBoundary`] or
/// [`MultipartError::InvalidBoundary`].
fn boundary_of(content_type: &str) -> Result<&str, MultipartError> {
    let not_form_data =
        || MultipartError::NotFormData { content_type: content_type.chars().take(100).collect() };
    let (media_type, params) = split_params(content_type).map_err(|_| not_form_data())?;
    if !media_type.eq_ignore_ascii_case("multipart/form-data") {
        return Err(not_form_data());
    }
    let mut boundary = None;
    for (key, value) in params {
        if key.eq_ignore_ascii_case("boundary") {
            if boundary.is_some() {
                return Err(MultipartError::InvalidBoundary { reason: "the parameter is given twice" });
            }
            boundary = Some(value);
        }
    }
    let boundary = boundary.ok_or(MultipartError::MissingBoundary)?;
    let invalid = |reason| Err(MultipartError::InvalidBoundary { reason });
    if boundary.is_empty() {
        return invalid("it is empty");
    }
    if boundary.len() > MAX_BOUNDARY_LEN {
        return invalid("it is longer than 70 characters");
    }
    let bchar = |c: char| c.is_ascii_alphanumeric() || "'()+_,-./:=? ".contains(c);
    if !boundary.chars().all(bchar) {
        return invalid("it has a character outside the RFC 2046 set");
    }
    if boundary.ends_with(' ') {
        return invalid("it ends with a space");
    }
    Ok(boundary)
}

/// Parameters of a header value: `(key, value)` pairs, borrowed from the header.
type Params<'a> = Vec<(&'a str, &'a str)>;

/// Splits `type; key=value; key="value"` into the type and the parameters, honouring
/// quotes. Keys are returned as written; quoted values without their quotes.
fn split_params(value: &str) -> Result<(&str, Params<'_>), &'static str> {
    let (head, mut rest) = match value.find(';') {
        Some(at) => (value.get(..at).unwrap_or_default(), value.get(at..).unwrap_or_default()),
        None => (value, ""),
    };
    let mut params = Vec::new();
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        if rest.is_empty() {
            break;
        }
        rest = rest.strip_prefix(';').ok_or("expected ';' between parameters")?;
        rest = rest.trim_start_matches([' ', '\t']);
        if rest.is_empty() {
            break;
        }
        let eq = rest.find('=').ok_or("parameter without '='")?;
        let key = rest.get(..eq).unwrap_or_default().trim_end_matches([' ', '\t']);
        if key.is_empty() || key.contains([';', '"', ' ', '\t']) {
            return Err("malformed parameter name");
        }
        rest = rest.get(eq + 1..).unwrap_or_default().trim_start_matches([' ', '\t']);
        let val;
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"').ok_or("unterminated quoted value")?;
            val = quoted.get(..end).unwrap_or_default();
            rest = quoted.get(end + 1..).unwrap_or_default();
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            val = rest.get(..end).unwrap_or_default().trim_end_matches([' ', '\t']);
            if val.contains('"') {
                return Err("stray quote in a parameter value");
            }
            rest = rest.get(end..).unwrap_or_default();
        }
        params.push((key, val));
    }
    Ok((head.trim_matches([' ', '\t']), params))
}

fn parse_raw(content_type: &str, body: &[u8]) -> Result<Vec<RawPart>, MultipartError> {
    let boundary = boundary_of(content_type)?;
    let mut dash_boundary = Vec::with_capacity(boundary.len() + 2);
    dash_boundary.extend_from_slice(b"--");
    dash_boundary.extend_from_slice(boundary.as_bytes());
    let mut delimiter = Vec::with_capacity(boundary.len() + 4);
    delimiter.extend_from_slice(b"\r\n");
    delimiter.extend_from_slice(&dash_boundary);

    // Position just after the first `--boundary`, skipping a preamble.
    let mut pos = if body.starts_with(&dash_boundary) {
        dash_boundary.len()
    } else {
        find(body, &delimiter, 0).ok_or(MultipartError::NoFirstBoundary)? + delimiter.len()
    };
    let mut parts = Vec::new();
    loop {
        let rest = body.get(pos..).unwrap_or_default();
        if rest.starts_with(b"--") {
            return Ok(parts); // closing delimiter; the epilogue is ignored
        }
        let padding = rest.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
        let rest = rest.get(padding..).unwrap_or_default();
        if rest.is_empty() {
            return Err(MultipartError::MissingFinalBoundary);
        }
        if !rest.starts_with(b"\r\n") {
            return Err(MultipartError::BadDelimiter { offset: pos });
        }
        pos += padding + 2;
        if pos >= body.len() {
            return Err(MultipartError::MissingFinalBoundary);
        }
        let index = parts.len();
        if index >= MAX_PARTS {
            return Err(MultipartError::TooManyParts { limit: MAX_PARTS });
        }
        // Header block: empty (the part starts with CRLF) or up to the first CRLFCRLF.
        let (headers, data_start) = if body.get(pos..).unwrap_or_default().starts_with(b"\r\n") {
            (&[][..], pos + 2)
        } else {
            let window_end = body.len().min(pos.saturating_add(MAX_PART_HEADER_BYTES + 4));
            let window = body.get(..window_end).unwrap_or_default();
            match find(window, b"\r\n\r\n", pos) {
                Some(end) if end - pos <= MAX_PART_HEADER_BYTES => {
                    (body.get(pos..end).unwrap_or_default(), end + 4)
                }
                Some(_) => {
                    return Err(MultipartError::HeadersTooLarge {
                        part: index,
                        limit: MAX_PART_HEADER_BYTES,
                    });
                }
                None if window_end < body.len() => {
                    return Err(MultipartError::HeadersTooLarge {
                        part: index,
                        limit: MAX_PART_HEADER_BYTES,
                    });
                }
                None => return Err(MultipartError::MissingFinalBoundary),
            }
        };
        let (name, file_name, content_type) = parse_headers(index, headers)?;
        let data_end = find(body, &delimiter, data_start).ok_or(MultipartError::MissingFinalBoundary)?;
        parts.push(RawPart { name, file_name, content_type, data: data_start..data_end });
        pos = data_end + delimiter.len();
    }
}

/// Reads the headers of part `index`: its name, file name and content type.
fn parse_headers(
    index: usize,
    block: &[u8],
) -> Result<(String, Option<String>, Option<String>), MultipartError> {
    let malformed = |reason| MultipartError::MalformedHeaders { part: index, reason };
    let text = std::str::from_utf8(block).map_err(|_| malformed("not UTF-8"))?;
    let mut disposition = None;
    let mut content_type = None;
    if !text.is_empty() {
        for line in text.split("\r\n") {
            if line.contains(['\r', '\n']) {
                return Err(malformed("bare CR or LF in a header line"));
            }
            if line.starts_with([' ', '\t']) {
                return Err(malformed("folded header lines are not supported"));
            }
            let (name, value) = line.split_once(':').ok_or_else(|| malformed("header line without ':'"))?;
            if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c.is_control()) {
                return Err(malformed("invalid header name"));
            }
            let value = value.trim_matches([' ', '\t']);
            if name.eq_ignore_ascii_case("content-disposition") {
                if disposition.replace(value).is_some() {
                    return Err(malformed("Content-Disposition given twice"));
                }
            } else if name.eq_ignore_ascii_case("content-type") && content_type.replace(value).is_some() {
                return Err(malformed("Content-Type given twice"));
            }
        }
    }
    let disposition = disposition.ok_or(MultipartError::MissingContentDisposition { part: index })?;
    let (kind, params) = split_params(disposition).map_err(malformed)?;
    if !kind.eq_ignore_ascii_case("form-data") {
        return Err(MultipartError::MissingContentDisposition { part: index });
    }
    let mut name = None;
    let mut file_name = None;
    for (key, value) in params {
        let slot = if key.eq_ignore_ascii_case("name") {
            &mut name
        } else if key.eq_ignore_ascii_case("filename") {
            &mut file_name
        } else {
            continue;
        };
        if slot.replace(value.to_owned()).is_some() {
            return Err(malformed("Content-Disposition parameter given twice"));
        }
    }
    let name = name.filter(|n| !n.is_empty()).ok_or(MultipartError::MissingName { part: index })?;
    Ok((name, file_name, content_type.map(str::to_owned)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];

    fn body(parts: &str) -> Vec<u8> {
        parts.replace('\n', "\r\n").into_bytes()
    }

    const CT: &str = "multipart/form-data; boundary=XyZ";

    #[test]
    fn parses_a_hand_written_body() {
        let raw = body(
            "preamble\n--XyZ \t\nContent-Disposition: form-data; name=\"a\"\n\nhello\n--XyZ\n\
             content-disposition: Form-Data; filename=\"f;=.jpg\"; name=b\nCONTENT-TYPE: image/jpeg\n\
             X-Other: 1\n\nDATA\n--XyZ--\nepilogue",
        );
        let parts = parse(CT, &raw).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].name.as_str(), parts[0].text()), ("a", Some("hello")));
        assert_eq!(parts[0].file_name, None);
        assert_eq!(parts[1].name, "b");
        assert_eq!(parts[1].file_name.as_deref(), Some("f;=.jpg"));
        assert_eq!(parts[1].content_type.as_deref(), Some("image/jpeg"));
        assert_eq!(parts[1].data, &b"DATA"[..]);
        // Quoted boundary, other parameters, any case.
        let parts = parse("Multipart/Form-Data; charset=\"a;b\"; BOUNDARY=\"XyZ\"", &raw).unwrap();
        assert_eq!(parts.len(), 2);
    }

    #[test]
    fn content_type_errors() {
        let raw = body("--XyZ--\n");
        assert!(matches!(parse("application/json", &raw), Err(MultipartError::NotFormData { .. })));
        assert!(matches!(
            parse("multipart/mixed; boundary=XyZ", &raw),
            Err(MultipartError::NotFormData { .. })
        ));
        assert_eq!(parse("multipart/form-data", &raw).unwrap_err(), MultipartError::MissingBoundary);
        assert_eq!(
            parse("multipart/form-data; charset=utf-8", &raw).unwrap_err(),
            MultipartError::MissingBoundary
        );
        assert!(matches!(
            parse("multipart/form-data; boundary=", &raw),
            Err(MultipartError::InvalidBoundary { .. })
        ));
        assert!(matches!(
            parse(&format!("multipart/form-data; boundary={}", "a".repeat(71)), &raw),
            Err(MultipartError::InvalidBoundary { .. })
        ));
        assert!(matches!(
            parse("multipart/form-data; boundary=a; boundary=b", &raw),
            Err(MultipartError::InvalidBoundary { .. })
        ));
        assert!(matches!(
            parse("multipart/form-data; boundary=\"XyZ", &raw),
            Err(MultipartError::NotFormData { .. })
        ));
        assert!(parse(&format!("multipart/form-data; boundary={}", "a".repeat(70)), b"--").is_err());
    }

    #[test]
    fn body_errors() {
        let part = "Content-Disposition: form-data; name=\"a\"\n\nv";
        let cases: Vec<(Vec<u8>, MultipartError)> = vec![
            (body("no boundary here"), MultipartError::NoFirstBoundary),
            (body(&format!("--XyZ\n{part}")), MultipartError::MissingFinalBoundary),
            (body(&format!("--XyZ\n{part}\n--XyZ")), MultipartError::MissingFinalBoundary),
            (body(&format!("--XyZ\n{part}\n--XyZ\n")), MultipartError::MissingFinalBoundary),
            (body("--XyZ"), MultipartError::MissingFinalBoundary),
            (body(&format!("--XyZ\n{part}\n--XyZx\n")), MultipartError::BadDelimiter { offset: 59 }),
            // Bare LF line endings.
            (format!("--XyZ\n{part}\n--XyZ--\n").into_bytes(), MultipartError::BadDelimiter { offset: 5 }),
            (body("--XyZ\n\nv\n--XyZ--\n"), MultipartError::MissingContentDisposition { part: 0 }),
            (
                body("--XyZ\nContent-Type: text/plain\n\nv\n--XyZ--\n"),
                MultipartError::MissingContentDisposition { part: 0 },
            ),
            (
                body("--XyZ\nContent-Disposition: attachment; name=\"a\"\n\nv\n--XyZ--\n"),
                MultipartError::MissingContentDisposition { part: 0 },
            ),
            (
                body("--XyZ\nContent-Disposition: form-data; filename=\"a\"\n\nv\n--XyZ--\n"),
                MultipartError::MissingName { part: 0 },
            ),
            (
                body("--XyZ\nContent-Disposition: form-data; name=\"\"\n\nv\n--XyZ--\n"),
                MultipartError::MissingName { part: 0 },
            ),
            (
                body("--XyZ\nContent-Disposition: form-data; name=\"a\nX: b\"\n\nv\n--XyZ--\n"),
                MultipartError::MalformedHeaders { part: 0, reason: "unterminated quoted value" },
            ),
            (
                body("--XyZ\nContent-Disposition: form-data; name=a\n folded\n\nv\n--XyZ--\n"),
                MultipartError::MalformedHeaders { part: 0, reason: "folded header lines are not supported" },
            ),
            (
                body("--XyZ\nContent-Disposition: form-data; name=a; name=b\n\nv\n--XyZ--\n"),
                MultipartError::MalformedHeaders {
                    part: 0,
                    reason: "Content-Disposition parameter given twice",
                },
            ),
            (
                body("--XyZ\nContent-Disposition: form-data; name=\"a\"x\n\nv\n--XyZ--\n"),
                MultipartError::MalformedHeaders { part: 0, reason: "expected ';' between parameters" },
            ),
            (
                body("--XyZ\nNo colon\n\nv\n--XyZ--\n"),
                MultipartError::MalformedHeaders { part: 0, reason: "header line without ':'" },
            ),
        ];
        for (raw, expected) in cases {
            assert_eq!(parse(CT, &raw).unwrap_err(), expected, "{}", String::from_utf8_lossy(&raw));
        }
        let mut raw = b"--XyZ\r\nContent-Disposition: form-data; name=\"".to_vec();
        raw.extend_from_slice(&[0xFF, 0xFE]);
        raw.extend_from_slice(b"\"\r\n\r\nv\r\n--XyZ--\r\n");
        assert_eq!(
            parse(CT, &raw).unwrap_err(),
            MultipartError::MalformedHeaders { part: 0, reason: "not UTF-8" }
        );
    }

    #[test]
    fn parser_bounds_parts_and_headers() {
        let mut raw = String::new();
        for i in 0..=MAX_PARTS {
            raw.push_str(&format!("--XyZ\nContent-Disposition: form-data; name=\"p{i}\"\n\nv\n"));
        }
        raw.push_str("--XyZ--\n");
        assert_eq!(parse(CT, &body(&raw)).unwrap_err(), MultipartError::TooManyParts { limit: MAX_PARTS });

        let long = format!(
            "--XyZ\nContent-Disposition: form-data; name=\"a\"\nX-Long: {}\n\nv\n--XyZ--\n",
            "x".repeat(MAX_PART_HEADER_BYTES)
        );
        assert_eq!(
            parse(CT, &body(&long)).unwrap_err(),
            MultipartError::HeadersTooLarge { part: 0, limit: MAX_PART_HEADER_BYTES }
        );
    }

    #[test]
    fn debug_hides_data_and_file_names() {
        let part = Part {
            name: "image_file".into(),
            file_name: Some("alice.jpg".into()),
            content_type: None,
            data: Bytes::from_static(JPEG),
        };
        let debug = format!("{part:?}");
        assert_eq!(debug, "Part { name: \"image_file\", is_file: true, content_type: None, len: 6 }");
    }
}
