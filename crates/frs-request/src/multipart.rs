//! `multipart/form-data` bodies: the encoder the `*_by_file` operations use. No I/O.
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
//! hashes them, so a file body can be sent as it is, without being copied into one buffer.
//!
//! The strict parser a server reads such bodies with is
//! [`server::multipart`](crate::server::multipart); it shares [`MAX_PARTS`] and
//! [`MultipartError`] with the encoder.
//!
//! ```
//! use bytes::Bytes;
//! use frs_request::multipart::Multipart;
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
//! let b = body.boundary();
//! assert!(bytes.starts_with(format!("--{b}\r\nContent-Disposition: form-data; name=\"top_n\"\r\n\r\n5\r\n").as_bytes()));
//! assert!(bytes.ends_with(format!("\r\n--{b}--\r\n").as_bytes()));
//! # Ok::<(), frs_request::multipart::MultipartError>(())
//! ```

mod encode;

pub use encode::{EncodedMultipart, Multipart};

/// The most parts a body may have, in the encoder and the parser
/// ([`server::multipart`](crate::server::multipart)).
///
/// The largest FRS form (search by file) has six parts; the bound keeps a hostile body from
/// making the parser build an unbounded list.
pub const MAX_PARTS: usize = 64;

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
    /// The header block of a part is longer than [`MAX_PART_HEADER_BYTES`](crate::server::multipart::MAX_PART_HEADER_BYTES).
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

/// The first occurrence of `needle` in `hay` at or after `from`.
pub(crate) fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
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
