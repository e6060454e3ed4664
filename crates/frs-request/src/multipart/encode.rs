//! The encoder: parts in, one body with a derived boundary out.

use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};
use frs_types::{ImageFile, VideoFile};
use sha2::{Digest, Sha256};

use super::{MAX_PARTS, MultipartError, find};
use crate::body::Body;

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
/// names, content types and contents. This
/// keeps the sans-IO core free of randomness — the same parts always give the same bytes,
/// so bodies are reproducible in tests and identical on every retry — and it still cannot
/// clash with the content: a boundary that occurs in any part is re-derived with a counter
/// until it does not (for 128-bit hashes this practically never happens; content cannot be
/// crafted to contain the boundary computed from itself).
///
/// The boundary is sent in the `Content-Type` header. Being a hash of the content, it lets
/// whoever sees the header confirm a guess of the exact body, though it reveals nothing
/// else.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Multipart {
    parts: Vec<PendingPart>,
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
    /// if one is given (the official SDK sends none). The data is not copied into the
    /// framing: it stays a chunk of its own until [`EncodedMultipart::to_bytes`].
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
        let boundary = derive_boundary(&self.parts);
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
fn derive_boundary(parts: &[PendingPart]) -> String {
    pick_boundary(&content_digest(parts), parts)
}

/// SHA-256 over every part's name, file name, content type and data, each
/// length-prefixed so that different part lists cannot hash alike.
fn content_digest(parts: &[PendingPart]) -> [u8; 32] {
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
    // An empty seed: the derivation once mixed in an optional caller's seed, and hashing
    // its empty form keeps every boundary what it was.
    field(&mut hasher, Some(&[]));
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

    /// The body in pieces (the tests check that file data is shared, not copied).
    #[cfg(test)]
    fn chunks(&self) -> &[Bytes] {
        &self.chunks
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::server::multipart::{parse, parse_bytes};

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
        // Names count too, not only contents.
        let named = Multipart::new().text("b", "x").unwrap().finish();
        assert_ne!(named.boundary(), make("x").boundary());
    }

    #[test]
    fn boundary_is_rederived_when_the_content_contains_it() {
        let digest = content_digest(&Multipart::new().text("a", "x").unwrap().parts);
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
        assert_eq!(m.parts.len(), MAX_PARTS);
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

    proptest::proptest! {
        /// Moved from `tests/multipart_prop.rs` when the chunks became internal.
        #[test]
        fn the_chunks_concatenate_to_the_body(
            parts in proptest::collection::vec(
                (proptest::bool::ANY, "[a-z]{1,8}", proptest::collection::vec(proptest::num::u8::ANY, 0..64)),
                0..8,
            )
        ) {
            let mut m = Multipart::new();
            for (is_file, name, data) in parts {
                m = if is_file {
                    m.file(&name, "f.bin", Bytes::from(data), None).unwrap()
                } else {
                    m.text(&name, String::from_utf8_lossy(&data)).unwrap()
                };
            }
            let encoded = m.finish();
            proptest::prop_assert_eq!(encoded.chunks().concat(), encoded.to_bytes().to_vec());
        }
    }

    #[test]
    fn debug_hides_data_and_file_names() {
        let m = Multipart::new().file("image_file", "alice.jpg", Bytes::from_static(JPEG), None).unwrap();
        assert!(!format!("{m:?}").contains("alice") && !format!("{:?}", m.finish()).contains("255"));
    }
}
