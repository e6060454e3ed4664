//! `multipart/form-data` bodies: the encoder the `*_by_file` operations use, and the strict
//! parser the emulator uses to read them. No I/O.
//!
//! The wire format is the one the official SDK sends (`operations.md`, "Multipart wire
//! format"):
//!
//! ```text
//! --<b>\r\nContent-Disposition: form-data; name="top_n"\r\n\r\n5\r\n
//! --<b>\r\nContent-Disposition: form-data; name="image_file"; filename="img.jpg"\r\n\r\n<bytes>\r\n
//! --<b>--\r\n
//! ```
//!
//! Text parts carry no `Content-Type`; a file part carries one only if the caller gives one.
//! Names and file names are always quoted, and may not contain `"`, CR or LF (there is no
//! escaping in `multipart/form-data` that every server understands, so such names are
//! refused rather than mangled).
//!
//! Multipart bodies are signed with `UNSIGNED-PAYLOAD` (`auth.md` §2.9): the signer never
//! hashes them, so a file body can be sent as it is, in [`EncodedMultipart::chunks`],
//! without being copied into one buffer.
//!
//! ```
//! use bytes::Bytes;
//! use frs_request::multipart::{Multipart, parse};
//!
//! let jpeg = Bytes::from_static(&[0xFF, 0xD8, 0xFF, 0xE0]);
//! let body = Multipart::new()
//!     .text("top_n", "5")?
//!     .file("image_file", "img.jpg", jpeg.clone(), None)?
//!     .finish();
//! assert_eq!(body.boundary().len(), 32);
//! assert!(body.content_type().starts_with("multipart/form-data; boundary="));
//!
//! let bytes = body.to_bytes();
//! assert_eq!(body.content_length(), bytes.len() as u64);
//! let parts = parse(&body.content_type(), &bytes)?;
//! assert_eq!(parts[0].name, "top_n");
//! assert_eq!(parts[0].text(), Some("5"));
//! assert_eq!(parts[1].file_name.as_deref(), Some("img.jpg"));
//! assert_eq!(parts[1].data, jpeg);
//! # Ok::<(), frs_request::multipart::MultipartError>(())
//! ```

use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};
use frs_types::{ImageFile, VideoFile};
use sha2::{Digest, Sha256};

use crate::body::Body;

/// The most parts a body may have, in the encoder and the parser.
///
/// The largest FRS form (search by file) has six parts; the bound keeps a hostile body from
/// making the parser build an unbounded list.
pub const MAX_PARTS: usize = 64;

/// The most bytes the header block of one part may take in a parsed body (the headers of
/// an FRS part are well under 200 bytes).
pub const MAX_PART_HEADER_BYTES: usize = 8 * 1024;

/// Longest boundary RFC 2046 allows.
const MAX_BOUNDARY_LEN: usize = 70;

/// What went wrong while building or parsing a `multipart/form-data` body.
///
/// No variant quotes part contents (they are images: personal data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MultipartError {
    /// A part name was empty.
    #[error("multipart part name must not be empty")]
    EmptyName,
    /// A name, file name or content type contains a character that would break the header.
    #[error("multipart {what}: character {ch:?} at position {position} is not allowed (no '\"', CR or LF)")]
    InvalidHeaderValue {
        /// Which value: `part name`, `file name` or `content type`.
        what: &'static str,
        /// Byte offset of the character, from 0.
        position: usize,
        /// The character.
        ch: char,
    },
    /// A content type given for a file part is empty or has surrounding white space.
    #[error("multipart content type: {reason}")]
    InvalidContentType {
        /// What is wrong.
        reason: &'static str,
    },
    /// More than [`MAX_PARTS`] parts.
    #[error("multipart body has more than {limit} parts")]
    TooManyParts {
        /// The limit, [`MAX_PARTS`].
        limit: usize,
    },
    /// The `Content-Type` is not `multipart/form-data`.
    #[error("content type {content_type:?} is not multipart/form-data")]
    NotFormData {
        /// The content type received (at most its first 100 characters).
        content_type: String,
    },
    /// The `Content-Type` has no `boundary` parameter.
    #[error("multipart/form-data content type has no boundary parameter")]
    MissingBoundary,
    /// The `boundary` parameter breaks RFC 2046 (1–70 characters of a restricted set).
    #[error("multipart boundary is invalid: {reason}")]
    InvalidBoundary {
        /// What is wrong.
        reason: &'static str,
    },
    /// The body does not contain the first `--boundary` line.
    #[error("multipart body does not start with the boundary delimiter")]
    NoFirstBoundary,
    /// The body ends before the closing `--boundary--`.
    #[error("multipart body is missing the final boundary (--boundary--)")]
    MissingFinalBoundary,
    /// A boundary delimiter is followed by something else than CRLF or `--`.
    #[error(
        "multipart boundary delimiter at offset {offset} is not followed by CRLF or '--' \
         (bare LF line endings are not accepted)"
    )]
    BadDelimiter {
        /// Byte offset just after the delimiter.
        offset: usize,
    },
    /// The header block of a part is longer than [`MAX_PART_HEADER_BYTES`].
    #[error("multipart part #{part}: headers longer than {limit} bytes")]
    HeadersTooLarge {
        /// Index of the part, from 0.
        part: usize,
        /// The limit.
        limit: usize,
    },
    /// The header block of a part is malformed.
    #[error("multipart part #{part}: malformed headers: {reason}")]
    MalformedHeaders {
        /// Index of the part, from 0.
        part: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A part has no `Content-Disposition: form-data` header.
    #[error("multipart part #{part}: no Content-Disposition: form-data header")]
    MissingContentDisposition {
        /// Index of the part, from 0.
        part: usize,
    },
    /// A part's `Content-Disposition` has no (or an empty) `name` parameter.
    #[error("multipart part #{part}: Content-Disposition has no name")]
    MissingName {
        /// Index of the part, from 0.
        part: usize,
    },
}

// ---------------------------------------------------------------------------------------
// Encoder
// ---------------------------------------------------------------------------------------

/// One part waiting to be encoded.
#[derive(Clone, PartialEq, Eq)]
struct PendingPart {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

/// A `multipart/form-data` body being built, part by part, in order.
///
/// Every method checks its input and returns the builder, so calls chain with `?`;
/// [`Multipart::finish`] cannot fail.
///
/// # The boundary
///
/// The boundary is 32 lower-case hex characters, like the official SDK's, but it is
/// **derived, not random**: the first 128 bits of a SHA-256 over the parts' names, file
/// names, content types and contents (and the optional [`Multipart::boundary_seed`]). This
/// keeps the sans-IO core free of randomness — the same parts always give the same bytes,
/// so bodies are reproducible in tests and identical on every retry — and it still cannot
/// clash with the content: a boundary that occurs in any part is re-derived with a counter
/// until it does not (for 128-bit hashes this practically never happens; content cannot be
/// crafted to contain the boundary computed from itself).
///
/// The boundary is sent in the `Content-Type` header. Being a hash of the content, it lets
/// whoever sees the header confirm a guess of the exact body, though it reveals nothing
/// else; mix a random seed in with [`Multipart::boundary_seed`] if that matters.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Multipart {
    parts: Vec<PendingPart>,
    seed: Vec<u8>,
}

impl Multipart {
    /// An empty body.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text part (sent without a `Content-Type`).
    ///
    /// # Errors
    /// [`MultipartError::EmptyName`], [`MultipartError::InvalidHeaderValue`] for a name
    /// with `"`, CR or LF, or [`MultipartError::TooManyParts`].
    pub fn text(self, name: &str, value: impl Into<String>) -> Result<Self, MultipartError> {
        self.push(name, None, None, Bytes::from(value.into()))
    }

    /// Adds a file part: `filename="<file_name>"`, and `Content-Type: <content_type>` only
    /// if one is given (the official SDK sends none). The data is not copied: it becomes a
    /// chunk of its own in [`EncodedMultipart::chunks`].
    ///
    /// # Errors
    /// [`MultipartError::EmptyName`], [`MultipartError::InvalidHeaderValue`] for a name,
    /// file name or content type with `"`, CR or LF,
    /// [`MultipartError::InvalidContentType`] for an empty content type or one with
    /// surrounding white space, or [`MultipartError::TooManyParts`].
    pub fn file(
        self,
        name: &str,
        file_name: &str,
        data: impl Into<Bytes>,
        content_type: Option<&str>,
    ) -> Result<Self, MultipartError> {
        check_header_value("file name", file_name)?;
        if let Some(ct) = content_type {
            check_header_value("content type", ct)?;
            if ct.is_empty() {
                return Err(MultipartError::InvalidContentType { reason: "it is empty" });
            }
            if ct.trim() != ct {
                return Err(MultipartError::InvalidContentType {
                    reason: "it has leading or trailing white space",
                });
            }
        }
        self.push(name, Some(file_name.to_owned()), content_type.map(str::to_owned), data.into())
    }

    /// Adds a checked image as a file part named `name`, with its (sanitised) file name and
    /// no content type — as the official SDK sends `image_file`.
    ///
    /// # Errors
    /// As [`Multipart::file`] (the file name is always acceptable).
    pub fn image(self, name: &str, image: &ImageFile) -> Result<Self, MultipartError> {
        self.file(name, image.file_name(), image.bytes().clone(), None)
    }

    /// Adds a checked video as a file part named `name`, with its (sanitised) file name and
    /// no content type — as the official SDK sends `video_file`.
    ///
    /// # Errors
    /// As [`Multipart::file`] (the file name is always acceptable).
    pub fn video(self, name: &str, video: &VideoFile) -> Result<Self, MultipartError> {
        self.file(name, video.file_name(), video.bytes().clone(), None)
    }

    /// Mixes `seed` into the boundary derivation, e.g. random bytes from the transport, so
    /// the boundary no longer depends on the content alone. Without a seed the boundary
    /// is a function of the parts only.
    #[must_use]
    pub fn boundary_seed(mut self, seed: impl AsRef<[u8]>) -> Self {
        self.seed = seed.as_ref().to_vec();
        self
    }

    /// How many parts have been added.
    pub fn part_count(&self) -> usize {
        self.parts.len()
    }

    fn push(
        mut self,
        name: &str,
        file_name: Option<String>,
        content_type: Option<String>,
        data: Bytes,
    ) -> Result<Self, MultipartError> {
        if name.is_empty() {
            return Err(MultipartError::EmptyName);
        }
        check_header_value("part name", name)?;
        if self.parts.len() >= MAX_PARTS {
            return Err(MultipartError::TooManyParts { limit: MAX_PARTS });
        }
        self.parts.push(PendingPart { name: name.to_owned(), file_name, content_type, data });
        Ok(self)
    }

    /// Encodes the parts, in the order they were added.
    ///
    /// Text parts and the framing are written into small buffers; each file's data is a
    /// chunk of its own, shared with the caller's [`Bytes`].
    pub fn finish(self) -> EncodedMultipart {
        let boundary = derive_boundary(&self.parts, &self.seed);
        let mut chunks = Vec::with_capacity(self.parts.len() * 2 + 1);
        let mut frame = BytesMut::new();
        for (index, part) in self.parts.iter().enumerate() {
            if index > 0 {
                frame.put_slice(b"\r\n");
            }
            frame.put_slice(b"--");
            frame.put_slice(boundary.as_bytes());
            frame.put_slice(b"\r\nContent-Disposition: form-data; name=\"");
            frame.put_slice(part.name.as_bytes());
            frame.put_slice(b"\"");
            if let Some(file_name) = &part.file_name {
                frame.put_slice(b"; filename=\"");
                frame.put_slice(file_name.as_bytes());
                frame.put_slice(b"\"");
            }
            frame.put_slice(b"\r\n");
            if let Some(ct) = &part.content_type {
                frame.put_slice(b"Content-Type: ");
                frame.put_slice(ct.as_bytes());
                frame.put_slice(b"\r\n");
            }
            frame.put_slice(b"\r\n");
            if part.file_name.is_some() {
                chunks.push(frame.split().freeze());
                if !part.data.is_empty() {
                    chunks.push(part.data.clone());
                }
            } else {
                frame.put_slice(&part.data);
            }
        }
        if !self.parts.is_empty() {
            frame.put_slice(b"\r\n");
        }
        frame.put_slice(b"--");
        frame.put_slice(boundary.as_bytes());
        frame.put_slice(b"--\r\n");
        chunks.push(frame.freeze());
        let length = chunks.iter().map(|c| c.len() as u64).sum();
        EncodedMultipart { boundary, chunks, length }
    }
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.parts.iter().map(|p| p.name.as_str()).collect();
        f.debug_struct("Multipart").field("parts", &names).finish_non_exhaustive()
    }
}

/// Rejects `"`, CR and LF, which would end the quoted value or the header line.
fn check_header_value(what: &'static str, value: &str) -> Result<(), MultipartError> {
    match value.char_indices().find(|&(_, c)| matches!(c, '"' | '\r' | '\n')) {
        Some((position, ch)) => Err(MultipartError::InvalidHeaderValue { what, position, ch }),
        None => Ok(()),
    }
}

/// The boundary: the first [`candidate`] of the parts' digest that occurs in no part.
fn derive_boundary(parts: &[PendingPart], seed: &[u8]) -> String {
    pick_boundary(&content_digest(parts, seed), parts)
}

/// SHA-256 over the seed and every part's name, file name, content type and data, each
/// length-prefixed so that different part lists cannot hash alike.
fn content_digest(parts: &[PendingPart], seed: &[u8]) -> [u8; 32] {
    fn field(hasher: &mut Sha256, value: Option<&[u8]>) {
        match value {
            None => hasher.update([0u8]),
            Some(v) => {
                hasher.update([1u8]);
                hasher.update((v.len() as u64).to_le_bytes());
                hasher.update(v);
            }
        }
    }
    let mut hasher = Sha256::new();
    hasher.update(b"frs-request multipart boundary v1");
    field(&mut hasher, Some(seed));
    for part in parts {
        field(&mut hasher, Some(part.name.as_bytes()));
        field(&mut hasher, part.file_name.as_deref().map(str::as_bytes));
        field(&mut hasher, part.content_type.as_deref().map(str::as_bytes));
        field(&mut hasher, Some(&part.data));
    }
    let mut digest = [0u8; 32];
    digest.copy_from_slice(&hasher.finalize());
    digest
}

/// Candidate number `counter`: 32 hex characters of SHA-256(digest ‖ counter).
fn candidate(digest: &[u8; 32], counter: u64) -> String {
    let mut round = Sha256::new();
    round.update(digest);
    round.update(counter.to_le_bytes());
    hex(round.finalize().get(..16).unwrap_or_default())
}

/// The first candidate that occurs nowhere in the parts (names and headers included).
fn pick_boundary(digest: &[u8; 32], parts: &[PendingPart]) -> String {
    let mut counter: u64 = 0;
    loop {
        let boundary = candidate(digest, counter);
        let needle = boundary.as_bytes();
        let occurs = |hay: &[u8]| find(hay, needle, 0).is_some();
        let clashes = parts.iter().any(|p| {
            occurs(&p.data)
                || occurs(p.name.as_bytes())
                || p.file_name.as_deref().is_some_and(|n| occurs(n.as_bytes()))
                || p.content_type.as_deref().is_some_and(|c| occurs(c.as_bytes()))
        });
        if !clashes {
            return boundary;
        }
        counter = counter.wrapping_add(1);
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0F)]));
    }
    s
}

/// The first occurrence of `needle` in `hay` at or after `from`.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut start = from;
    loop {
        let at = start + hay.get(start..)?.iter().position(|&b| b == first)?;
        if hay.get(at..at.checked_add(needle.len())?)? == needle {
            return Some(at);
        }
        start = at + 1;
    }
}

/// An encoded `multipart/form-data` body: its boundary and its bytes, in chunks.
///
/// Concatenated, the chunks are the body; file contents are chunks of their own, shared
/// with the [`Bytes`] given to [`Multipart::file`].
#[derive(Clone, PartialEq, Eq)]
pub struct EncodedMultipart {
    boundary: String,
    chunks: Vec<Bytes>,
    length: u64,
}

impl EncodedMultipart {
    /// The boundary, without the leading dashes (32 lower-case hex characters).
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// The `Content-Type` header value: `multipart/form-data; boundary=<boundary>`.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The total length of the body, in bytes (the `Content-Length`).
    pub fn content_length(&self) -> u64 {
        self.length
    }

    /// The body in pieces, for transports that stream it without copying.
    pub fn chunks(&self) -> &[Bytes] {
        &self.chunks
    }

    /// The pieces, consuming the value.
    pub fn into_chunks(self) -> Vec<Bytes> {
        self.chunks
    }

    /// The body as one buffer (one copy of everything, unless there is only one chunk).
    pub fn to_bytes(&self) -> Bytes {
        if let [only] = self.chunks.as_slice() {
            return only.clone();
        }
        let mut out = BytesMut::with_capacity(usize::try_from(self.length).unwrap_or(0));
        for chunk in &self.chunks {
            out.put_slice(chunk);
        }
        out.freeze()
    }

    /// The request [`Body`] of an operation ([`Body::Multipart`]), built with
    /// [`EncodedMultipart::to_bytes`].
    pub fn into_body(self) -> Body {
        let bytes = self.to_bytes();
        Body::Multipart { boundary: self.boundary, bytes }
    }
}

impl fmt::Debug for EncodedMultipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncodedMultipart")
            .field("boundary", &self.boundary)
            .field("chunks", &self.chunks.len())
            .field("content_length", &self.length)
            .finish()
    }
}

// ---------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------

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
    let raw = parse_raw(content_type, body)?;
    Ok(raw
        .into_iter()
        .map(|p| Part {
            name: p.name,
            file_name: p.file_name,
            content_type: p.content_type,
            data: Bytes::copy_from_slice(body.get(p.data).unwrap_or_default()),
        })
        .collect())
}

/// Like [`parse`], but each part's data shares `body`'s buffer instead of being copied.
///
/// # Errors
/// As [`parse`].
pub fn parse_bytes(content_type: &str, body: &Bytes) -> Result<Vec<Part>, MultipartError> {
    let raw = parse_raw(content_type, body)?;
    Ok(raw
        .into_iter()
        .map(|p| Part {
            name: p.name,
            file_name: p.file_name,
            content_type: p.content_type,
            data: if p.data.start <= p.data.end && p.data.end <= body.len() {
                body.slice(p.data)
            } else {
                Bytes::new()
            },
        })
        .collect())
}

/// Reads the boundary from a `Content-Type` header value.
///
/// # Errors
/// [`MultipartError::NotFormData`], [`MultipartError::MissingBoundary`] or
/// [`MultipartError::InvalidBoundary`].
pub fn boundary_of(content_type: &str) -> Result<&str, MultipartError> {
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

    #[test]
    fn exact_wire_bytes_of_a_two_part_body() {
        let body = Multipart::new()
            .text("top_n", "5")
            .unwrap()
            .file("image_file", "img.jpg", Bytes::from_static(JPEG), None)
            .unwrap()
            .finish();
        let b = body.boundary().to_owned();
        assert_eq!(b.len(), 32);
        assert!(b.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
        let mut expected = Vec::new();
        expected.extend_from_slice(b"--");
        expected.extend_from_slice(b.as_bytes());
        expected.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"top_n\"\r\n\r\n5\r\n--");
        expected.extend_from_slice(b.as_bytes());
        expected.extend_from_slice(
            b"\r\nContent-Disposition: form-data; name=\"image_file\"; filename=\"img.jpg\"\r\n\r\n",
        );
        expected.extend_from_slice(JPEG);
        expected.extend_from_slice(b"\r\n--");
        expected.extend_from_slice(b.as_bytes());
        expected.extend_from_slice(b"--\r\n");
        assert_eq!(body.to_bytes(), expected);
        assert_eq!(body.content_length(), expected.len() as u64);
        assert_eq!(body.content_type(), format!("multipart/form-data; boundary={b}"));
    }

    #[test]
    fn file_part_with_content_type_and_the_chunks() {
        let data = Bytes::from(vec![7u8; 1000]);
        let body = Multipart::new()
            .file("video_file", "v.mp4", data.clone(), Some("application/octet-stream"))
            .unwrap()
            .text("actions", "1,3")
            .unwrap()
            .finish();
        let chunks = body.chunks();
        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[1].as_ptr(), data.as_ptr(), "file data is not copied");
        let b = body.boundary();
        assert_eq!(
            chunks[0],
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"video_file\"; filename=\"v.mp4\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes()
        );
        assert_eq!(
            chunks[2],
            format!(
                "\r\n--{b}\r\nContent-Disposition: form-data; name=\"actions\"\r\n\r\n1,3\r\n--{b}--\r\n"
            )
            .as_bytes()
        );
    }

    #[test]
    fn boundary_is_deterministic_and_depends_on_content() {
        let make = |v: &str| Multipart::new().text("a", v).unwrap().finish();
        assert_eq!(make("x").boundary(), make("x").boundary());
        assert_ne!(make("x").boundary(), make("y").boundary());
        let seeded = Multipart::new().text("a", "x").unwrap().boundary_seed(b"nonce").finish();
        assert_ne!(seeded.boundary(), make("x").boundary());
    }

    #[test]
    fn boundary_is_rederived_when_the_content_contains_it() {
        let digest = content_digest(&Multipart::new().text("a", "x").unwrap().parts, &[]);
        let first = candidate(&digest, 0);
        let second = candidate(&digest, 1);
        assert_ne!(first, second);
        let text = |data: String| PendingPart {
            name: "a".into(),
            file_name: None,
            content_type: None,
            data: data.into(),
        };
        assert_eq!(pick_boundary(&digest, &[text("no clash".into())]), first);
        assert_eq!(pick_boundary(&digest, &[text(format!("\r\n--{first}--"))]), second);
        let clash_both = [text(first.clone()), text(format!("x{second}y"))];
        assert_eq!(pick_boundary(&digest, &clash_both), candidate(&digest, 2));
        let clash_name = [PendingPart { name: first, ..text(String::new()) }];
        assert_eq!(pick_boundary(&digest, &clash_name), second);
    }

    #[test]
    fn empty_body_has_only_the_closing_delimiter() {
        let body = Multipart::new().finish();
        assert_eq!(body.to_bytes(), format!("--{}--\r\n", body.boundary()).as_bytes());
        assert_eq!(parse(&body.content_type(), &body.to_bytes()).unwrap(), vec![]);
    }

    #[test]
    fn builder_rejects_bad_names() {
        assert_eq!(Multipart::new().text("", "v").unwrap_err(), MultipartError::EmptyName);
        assert_eq!(
            Multipart::new().text("a\"b", "v").unwrap_err(),
            MultipartError::InvalidHeaderValue { what: "part name", position: 1, ch: '"' }
        );
        assert_eq!(
            Multipart::new().text("a\r", "v").unwrap_err(),
            MultipartError::InvalidHeaderValue { what: "part name", position: 1, ch: '\r' }
        );
        assert_eq!(
            Multipart::new().file("f", "x\n.jpg", Bytes::new(), None).unwrap_err(),
            MultipartError::InvalidHeaderValue { what: "file name", position: 1, ch: '\n' }
        );
        assert!(matches!(
            Multipart::new().file("f", "x", Bytes::new(), Some("a\r\nX-Evil: 1")),
            Err(MultipartError::InvalidHeaderValue { what: "content type", .. })
        ));
        assert!(matches!(
            Multipart::new().file("f", "x", Bytes::new(), Some(" image/png")),
            Err(MultipartError::InvalidContentType { .. })
        ));
        // Quotes in values are fine.
        assert!(Multipart::new().text("a", "\"quoted\"\r\n--").is_ok());
    }

    #[test]
    fn builder_bounds_the_number_of_parts() {
        let mut m = Multipart::new();
        for i in 0..MAX_PARTS {
            m = m.text(&format!("p{i}"), "v").unwrap();
        }
        assert_eq!(m.part_count(), MAX_PARTS);
        assert_eq!(m.text("one-more", "v").unwrap_err(), MultipartError::TooManyParts { limit: MAX_PARTS });
    }

    #[test]
    fn image_and_video_helpers() {
        let image = ImageFile::new("", Bytes::from_static(JPEG)).unwrap();
        let body = Multipart::new().image("image_file", &image).unwrap().finish();
        assert_eq!(body.chunks()[1].as_ptr(), image.bytes().as_ptr());
        let parts = parse(&body.content_type(), &body.to_bytes()).unwrap();
        assert_eq!(parts[0].file_name.as_deref(), Some("image.jpg"));
        assert_eq!(parts[0].content_type, None);
        let video = VideoFile::new("clip.flv", Bytes::from_static(b"FLV\x01")).unwrap();
        let body = Multipart::new().video("video_file", &video).unwrap().finish();
        let parts = parse_bytes(&body.content_type(), &body.to_bytes()).unwrap();
        assert_eq!(parts[0].data, &b"FLV\x01"[..]);
    }

    #[test]
    fn into_body_carries_the_boundary() {
        let encoded = Multipart::new().text("single", "true").unwrap().finish();
        let expected = encoded.to_bytes();
        let boundary = encoded.boundary().to_owned();
        assert_eq!(encoded.into_body(), Body::Multipart { boundary, bytes: expected });
    }

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
        let m = Multipart::new().file("image_file", "alice.jpg", Bytes::from_static(JPEG), None).unwrap();
        assert!(!format!("{m:?}").contains("alice") && !format!("{:?}", m.finish()).contains("255"));
    }
}
