//! Image and video inputs, checked before any request is built.
//!
//! Every image operation (detect, compare, search, add faces, silent liveness) takes an
//! image in one of three forms — Base64 text in JSON, an OBS URL in JSON, or a file in a
//! `multipart/form-data` body — and action live detection takes a video in the same three
//! forms. [`Image`] and [`Video`] hold exactly one form each, and making one runs the
//! service's documented pre-flight checks (`limits.md`, "Images" and "Action live
//! detection"):
//!
//! - the format, read from the magic bytes (JPG/JPEG, PNG, BMP; mp4, mov, avi, flv, webm,
//!   asf) — a file name or extension is never trusted;
//! - the size: image files must be **smaller than** [`MAX_IMAGE_BYTES`], Base64 text at most
//!   [`MAX_BASE64_LEN`] characters *after* encoding, videos at most [`MAX_VIDEO_BYTES`] /
//!   [`MAX_VIDEO_BASE64_LEN`];
//! - Base64 text: the standard alphabet with `=` padding on one line (the service rejects
//!   line breaks), and it must decode;
//! - OBS URLs: one of the two documented forms (see [`ObsUrl`]).
//!
//! The service documents its limits as "8 MB"; this crate reads that as 8 MiB
//! (8 × 1024 × 1024 = 8 388 608 bytes), the more generous of the two readings, so that no
//! input the service might accept is refused here. The service remains the judge: a value
//! that passes these checks can still be refused (resolution, face size, codec, duration
//! are not checked here).
//!
//! Images are personal data: the `Debug` output of every type here shows the format and the
//! length, never the bytes or the Base64 text, and no error message quotes them.
//!
//! ```
//! use frs_types::{Image, ImageFormat, MediaError};
//!
//! // A (tiny, truncated) JPEG: only the magic bytes are looked at.
//! let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
//! let image = Image::from_bytes("face.jpg", jpeg.clone())?;
//! assert_eq!(image.format(), Some(ImageFormat::Jpeg));
//! assert!(!format!("{image:?}").contains("255")); // no bytes in Debug output
//!
//! let base64 = Image::base64_from_bytes(&jpeg)?;
//! assert!(matches!(base64, Image::Base64(_)));
//!
//! let url = Image::from_url("/my-bucket/faces/1.jpg")?;
//! assert!(matches!(url, Image::Url(_)));
//!
//! let err = Image::from_base64_text("/9j/\n4AAQ").unwrap_err();
//! assert!(matches!(err, MediaError::Base64Whitespace { position: 4, .. }));
//! # Ok::<(), MediaError>(())
//! ```

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use serde::{Serialize, Serializer};

/// Image files must be **smaller than** this many bytes (documented as "< 8 MB", read as
/// 8 MiB = 8 388 608 bytes). A file of exactly 8 MiB is rejected.
pub const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;

/// Base64 image text may be **at most** this many characters after encoding (documented as
/// "≤ 8 MB after encoding", read as 8 MiB).
pub const MAX_BASE64_LEN: usize = 8 * 1024 * 1024;

/// Video files may be **at most** this many bytes (documented as "≤ 8 MB", read as 8 MiB).
pub const MAX_VIDEO_BYTES: usize = 8 * 1024 * 1024;

/// Base64 video text may be **at most** this many characters after encoding (documented as
/// "≤ 8 MB after encoding", read as 8 MiB).
pub const MAX_VIDEO_BASE64_LEN: usize = 8 * 1024 * 1024;

/// Longest OBS URL accepted, in bytes.
///
/// The service documents no limit; 2048 is the common URL limit and leaves room for any
/// OBS object key (at most 1024 bytes) plus the host.
pub const MAX_OBS_URL_LEN: usize = 2048;

/// The two accepted OBS URL forms, as error messages show them.
const OBS_URL_FORMS: &str = "the path form `/bucket/object-path` (recommended) or \
                             `https://{bucket}.obs.{region}.myhuaweicloud.com/{object}`";

/// Expected image formats, as error messages show them.
const IMAGE_FORMATS: &str = "a JPG/JPEG, PNG or BMP image";

/// Expected video containers, as error messages show them.
const VIDEO_FORMATS: &str = "an mp4, mov, avi, flv, webm or asf video";

/// Size of the buffer Base64 text is decoded through when it is checked (3 KiB of output
/// per 4 KiB of text), so checking never allocates a copy of the whole decoded data.
const DECODE_CHUNK: usize = 4096;

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// An image, video or OBS URL that the service would refuse.
///
/// Every variant names the field (as the service spells it, e.g. `image_base64`) and the
/// limit or rule; none quotes the data itself (images are personal data), only positions,
/// lengths and at most the first 12 bytes in hex to identify a wrong format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// Nothing was given.
    #[error("{field}: empty, expected {expected}")]
    Empty {
        /// The wire name of the field.
        field: &'static str,
        /// What was expected.
        expected: &'static str,
    },
    /// A file is too large.
    #[error("{field}: {size} bytes, {}", size_rule(*.limit, *.inclusive))]
    TooLarge {
        /// The wire name of the field.
        field: &'static str,
        /// The size of the rejected file, in bytes.
        size: usize,
        /// The limit, in bytes.
        limit: usize,
        /// `true` if a file of exactly `limit` bytes is accepted (videos), `false` if the
        /// file must be smaller (images: "< 8 MB").
        inclusive: bool,
    },
    /// Base64 text is longer than allowed.
    #[error("{field}: {len} bytes after base64 encoding, the limit is {limit}")]
    Base64TooLong {
        /// The wire name of the field.
        field: &'static str,
        /// The length of the (possibly would-be) Base64 text.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// Base64 text contains a line break or other white space, which the service rejects.
    #[error(
        "{field}: {} at position {position}; base64 text must be one line without line breaks or white space",
        describe_space(*.byte)
    )]
    Base64Whitespace {
        /// The wire name of the field.
        field: &'static str,
        /// Byte offset of the first white-space byte, from 0.
        position: usize,
        /// The white-space byte.
        byte: u8,
    },
    /// Base64 text contains a character outside the standard alphabet.
    #[error(
        "{field}: character {ch:?} at position {position} is not in the standard base64 alphabet \
         (A-Z, a-z, 0-9, '+', '/', with '=' padding)"
    )]
    Base64Character {
        /// The wire name of the field.
        field: &'static str,
        /// Byte offset of the character, from 0.
        position: usize,
        /// The character.
        ch: char,
    },
    /// A `=` somewhere else than in the last one or two positions.
    #[error(
        "{field}: '=' at position {position} is misplaced; padding may only end the text (at most two '=')"
    )]
    Base64Padding {
        /// The wire name of the field.
        field: &'static str,
        /// Byte offset of the misplaced `=`, from 0.
        position: usize,
    },
    /// Base64 text whose length is not a multiple of 4 (padding missing or truncated text).
    #[error("{field}: {len} characters is not a multiple of 4; base64 text must be padded with '='")]
    Base64Length {
        /// The wire name of the field.
        field: &'static str,
        /// The length of the text.
        len: usize,
    },
    /// Base64 text that is well formed character by character but does not decode.
    #[error("{field}: invalid base64 at position {position}: {reason}")]
    Base64Decode {
        /// The wire name of the field.
        field: &'static str,
        /// Byte offset of the problem, from 0.
        position: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// The data is not one of the accepted formats.
    #[error("{field}: not {expected} (the data starts with {prefix})")]
    UnknownFormat {
        /// The wire name of the field.
        field: &'static str,
        /// The accepted formats.
        expected: &'static str,
        /// The first bytes of the (decoded) data, in hex (`47 49 46 38 39 61`).
        prefix: String,
    },
    /// An OBS URL longer than [`MAX_OBS_URL_LEN`].
    #[error("{field}: {len} bytes, the limit is {limit}")]
    UrlTooLong {
        /// The wire name of the field.
        field: &'static str,
        /// The length of the URL, in bytes.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// A URL that is not one of the accepted OBS URL forms.
    #[error("{field}: {reason}; expected {}", OBS_URL_FORMS)]
    InvalidUrl {
        /// The wire name of the field.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
}

impl MediaError {
    /// The wire name of the rejected field, e.g. `image_file`.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Empty { field, .. }
            | Self::TooLarge { field, .. }
            | Self::Base64TooLong { field, .. }
            | Self::Base64Whitespace { field, .. }
            | Self::Base64Character { field, .. }
            | Self::Base64Padding { field, .. }
            | Self::Base64Length { field, .. }
            | Self::Base64Decode { field, .. }
            | Self::UnknownFormat { field, .. }
            | Self::UrlTooLong { field, .. }
            | Self::InvalidUrl { field, .. } => field,
        }
    }

    /// The same error for another field name, for operations whose wire names differ from
    /// the defaults (compare face sends `image1_file` and `image2_file`).
    #[must_use]
    pub fn with_field(mut self, name: &'static str) -> Self {
        match &mut self {
            Self::Empty { field, .. }
            | Self::TooLarge { field, .. }
            | Self::Base64TooLong { field, .. }
            | Self::Base64Whitespace { field, .. }
            | Self::Base64Character { field, .. }
            | Self::Base64Padding { field, .. }
            | Self::Base64Length { field, .. }
            | Self::Base64Decode { field, .. }
            | Self::UnknownFormat { field, .. }
            | Self::UrlTooLong { field, .. }
            | Self::InvalidUrl { field, .. } => *field = name,
        }
        self
    }
}

/// "the limit is N (8 MiB)" or "must be less than N (8 MiB)".
fn size_rule(limit: usize, inclusive: bool) -> String {
    let mib = if limit.is_multiple_of(1024 * 1024) {
        format!(" ({} MiB)", limit / (1024 * 1024))
    } else {
        String::new()
    };
    if inclusive { format!("the limit is {limit}{mib}") } else { format!("must be less than {limit}{mib}") }
}

/// Names a white-space byte for error messages.
fn describe_space(byte: u8) -> &'static str {
    match byte {
        b'\n' => "line break (LF)",
        b'\r' => "line break (CR)",
        b'\t' => "tab",
        b' ' => "space",
        _ => "white space",
    }
}

/// The first `n` bytes of `data` in hex, separated by spaces.
fn hex_prefix(data: &[u8], n: usize) -> String {
    let mut out = String::with_capacity(n * 3);
    for (i, b) in data.iter().take(n).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&format!("{b:02x}"));
    }
    if out.is_empty() { "nothing".to_owned() } else { out }
}

// ---------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------

/// An image format the service accepts, recognised by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    /// JPEG (`.jpg`/`.jpeg`): starts with `FF D8 FF`.
    Jpeg,
    /// PNG: starts with `89 50 4E 47 0D 0A 1A 0A`.
    Png,
    /// Windows bitmap: starts with `BM`.
    Bmp,
}

impl ImageFormat {
    /// How many leading bytes [`ImageFormat::detect`] may look at.
    pub const MAGIC_LEN: usize = 8;

    /// Recognises the format from the first bytes of the data; `None` for anything else
    /// (GIF, WebP, HEIC, … are not accepted by the service).
    pub fn detect(data: &[u8]) -> Option<Self> {
        if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if data.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(Self::Png)
        } else if data.starts_with(b"BM") {
            Some(Self::Bmp)
        } else {
            None
        }
    }

    /// The usual file extension, without the dot: `jpg`, `png`, `bmp`.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Bmp => "bmp",
        }
    }

    /// The media type: `image/jpeg`, `image/png`, `image/bmp`.
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Bmp => "image/bmp",
        }
    }

    /// The file name used when the caller gives none: `image.jpg`, `image.png`, `image.bmp`.
    pub fn default_file_name(self) -> &'static str {
        match self {
            Self::Jpeg => "image.jpg",
            Self::Png => "image.png",
            Self::Bmp => "image.bmp",
        }
    }
}

impl fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Jpeg => "JPEG",
            Self::Png => "PNG",
            Self::Bmp => "BMP",
        })
    }
}

/// A video container the service accepts, recognised by its magic bytes.
///
/// Only the container is checked; the codec (h261, h263, h264, hevc, vc1, vp8, vp9, wmv3),
/// duration (1–15 s) and frame rate are judged by the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VideoFormat {
    /// MPEG-4 (ISO base media): an `ftyp` box first, with a brand other than `qt  `.
    Mp4,
    /// QuickTime: an `ftyp` box with brand `qt  `, or a file starting with a `moov`, `mdat`,
    /// `wide` or `free` atom (QuickTime files may lack `ftyp`).
    Mov,
    /// AVI: `RIFF`, four size bytes, then `AVI `.
    Avi,
    /// Flash video: starts with `FLV`.
    Flv,
    /// WebM: starts with the EBML header `1A 45 DF A3`. Matroska shares it and is let
    /// through as well; the service decides.
    Webm,
    /// ASF / WMV: starts with the ASF header GUID `30 26 B2 75 8E 66 CF 11`.
    Asf,
}

impl VideoFormat {
    /// How many leading bytes [`VideoFormat::detect`] may look at.
    pub const MAGIC_LEN: usize = 12;

    /// Recognises the container from the first bytes of the data; `None` for anything else.
    pub fn detect(data: &[u8]) -> Option<Self> {
        let box_type = data.get(4..8);
        if box_type == Some(b"ftyp") {
            return Some(if data.get(8..12) == Some(b"qt  ") { Self::Mov } else { Self::Mp4 });
        }
        if matches!(box_type, Some(b"moov" | b"mdat" | b"wide" | b"free")) {
            return Some(Self::Mov);
        }
        if data.starts_with(b"RIFF") && data.get(8..12) == Some(b"AVI ") {
            return Some(Self::Avi);
        }
        if data.starts_with(b"FLV") {
            return Some(Self::Flv);
        }
        if data.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
            return Some(Self::Webm);
        }
        if data.starts_with(&[0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11]) {
            return Some(Self::Asf);
        }
        None
    }

    /// The usual file extension, without the dot: `mp4`, `mov`, `avi`, `flv`, `webm`, `asf`.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Mp4 => "mp4",
            Self::Mov => "mov",
            Self::Avi => "avi",
            Self::Flv => "flv",
            Self::Webm => "webm",
            Self::Asf => "asf",
        }
    }

    /// The media type: `video/mp4`, `video/quicktime`, `video/x-msvideo`, `video/x-flv`,
    /// `video/webm`, `video/x-ms-asf`.
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Mp4 => "video/mp4",
            Self::Mov => "video/quicktime",
            Self::Avi => "video/x-msvideo",
            Self::Flv => "video/x-flv",
            Self::Webm => "video/webm",
            Self::Asf => "video/x-ms-asf",
        }
    }

    /// The file name used when the caller gives none: `video.mp4`, `video.mov`, ….
    pub fn default_file_name(self) -> &'static str {
        match self {
            Self::Mp4 => "video.mp4",
            Self::Mov => "video.mov",
            Self::Avi => "video.avi",
            Self::Flv => "video.flv",
            Self::Webm => "video.webm",
            Self::Asf => "video.asf",
        }
    }
}

impl fmt::Display for VideoFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

// ---------------------------------------------------------------------------------------
// Shared checks
// ---------------------------------------------------------------------------------------

/// What differs between image and video checks.
struct Rules<F> {
    file_field: &'static str,
    base64_field: &'static str,
    file_limit: usize,
    /// Whether a file of exactly `file_limit` bytes is accepted.
    file_limit_inclusive: bool,
    base64_limit: usize,
    expected: &'static str,
    magic_len: usize,
    detect: fn(&[u8]) -> Option<F>,
}

const IMAGE_RULES: Rules<ImageFormat> = Rules {
    file_field: "image_file",
    base64_field: "image_base64",
    file_limit: MAX_IMAGE_BYTES,
    file_limit_inclusive: false,
    base64_limit: MAX_BASE64_LEN,
    expected: IMAGE_FORMATS,
    magic_len: ImageFormat::MAGIC_LEN,
    detect: ImageFormat::detect,
};

const VIDEO_RULES: Rules<VideoFormat> = Rules {
    file_field: "video_file",
    base64_field: "video_base64",
    file_limit: MAX_VIDEO_BYTES,
    file_limit_inclusive: true,
    base64_limit: MAX_VIDEO_BASE64_LEN,
    expected: VIDEO_FORMATS,
    magic_len: VideoFormat::MAGIC_LEN,
    detect: VideoFormat::detect,
};

impl<F> Rules<F> {
    /// Format of `data` under the field `field`, or the error naming its first bytes.
    fn format_of(&self, field: &'static str, data: &[u8]) -> Result<F, MediaError> {
        (self.detect)(data).ok_or_else(|| MediaError::UnknownFormat {
            field,
            expected: self.expected,
            prefix: hex_prefix(data, self.magic_len),
        })
    }

    /// Checks a raw file: not empty, within the size limit, a known format.
    fn check_file(&self, data: &[u8]) -> Result<F, MediaError> {
        let field = self.file_field;
        if data.is_empty() {
            return Err(MediaError::Empty { field, expected: self.expected });
        }
        let too_large = if self.file_limit_inclusive {
            data.len() > self.file_limit
        } else {
            data.len() >= self.file_limit
        };
        if too_large {
            return Err(MediaError::TooLarge {
                field,
                size: data.len(),
                limit: self.file_limit,
                inclusive: self.file_limit_inclusive,
            });
        }
        self.format_of(field, data)
    }

    /// Checks raw data that is about to be Base64-encoded: its encoded length and format.
    fn check_to_encode(&self, data: &[u8]) -> Result<F, MediaError> {
        let field = self.base64_field;
        if data.is_empty() {
            return Err(MediaError::Empty { field, expected: self.expected });
        }
        let len = data.len().div_ceil(3).saturating_mul(4);
        if len > self.base64_limit {
            return Err(MediaError::Base64TooLong { field, len, limit: self.base64_limit });
        }
        self.format_of(field, data)
    }

    /// Checks Base64 text: length, alphabet, no white space, padding, decodes, and the
    /// decoded data is a known format.
    ///
    /// The text is decoded through a fixed-size stack buffer, so checking an 8 MiB text
    /// allocates nothing.
    fn check_base64(&self, text: &str) -> Result<F, MediaError> {
        let field = self.base64_field;
        let bytes = text.as_bytes();
        let len = bytes.len();
        if len == 0 {
            return Err(MediaError::Empty { field, expected: self.expected });
        }
        if len > self.base64_limit {
            return Err(MediaError::Base64TooLong { field, len, limit: self.base64_limit });
        }
        for (position, &b) in bytes.iter().enumerate() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => {}
                b'=' => {
                    // Only `...=` or `...==` at the very end.
                    let ok = position + 1 == len || (position + 2 == len && bytes.last() == Some(&b'='));
                    if !ok {
                        return Err(MediaError::Base64Padding { field, position });
                    }
                }
                b' ' | b'\t' | b'\r' | b'\n' | 0x0B | 0x0C => {
                    return Err(MediaError::Base64Whitespace { field, position, byte: b });
                }
                _ => {
                    // Every earlier byte is ASCII, so `position` is a character boundary.
                    let ch = text.get(position..).and_then(|s| s.chars().next()).unwrap_or('\u{FFFD}');
                    return Err(MediaError::Base64Character { field, position, ch });
                }
            }
        }
        if !len.is_multiple_of(4) {
            return Err(MediaError::Base64Length { field, len });
        }
        let mut buf = [0u8; DECODE_CHUNK / 4 * 3];
        let mut format = None;
        for (index, chunk) in bytes.chunks(DECODE_CHUNK).enumerate() {
            let start = index * DECODE_CHUNK;
            let decoded =
                STANDARD.decode_slice(chunk, &mut buf).map_err(|e| decode_error(field, start, &e))?;
            if format.is_none() {
                let head = buf.get(..decoded.min(self.magic_len)).unwrap_or_default();
                format = Some(self.format_of(field, head)?);
            }
        }
        format.ok_or(MediaError::Empty { field, expected: self.expected })
    }
}

/// Maps an error of the `base64` crate, found in the chunk starting at `start`.
fn decode_error(field: &'static str, start: usize, error: &base64::DecodeSliceError) -> MediaError {
    use base64::{DecodeError, DecodeSliceError};
    match error {
        DecodeSliceError::DecodeError(DecodeError::InvalidByte(offset, byte)) => {
            if *byte == b'=' {
                MediaError::Base64Padding { field, position: start + offset }
            } else {
                MediaError::Base64Character { field, position: start + offset, ch: char::from(*byte) }
            }
        }
        DecodeSliceError::DecodeError(DecodeError::InvalidLength(len)) => {
            MediaError::Base64Length { field, len: start + len }
        }
        DecodeSliceError::DecodeError(DecodeError::InvalidLastSymbol { offset, .. }) => {
            MediaError::Base64Decode {
                field,
                position: start + offset,
                reason: "the last symbol has non-zero unused bits (truncated or non-canonical base64)",
            }
        }
        DecodeSliceError::DecodeError(DecodeError::InvalidPadding) => MediaError::Base64Decode {
            field,
            position: start,
            reason: "the padding does not match the length",
        },
        DecodeSliceError::OutputSliceTooSmall => {
            MediaError::Base64Decode { field, position: start, reason: "the text could not be decoded" }
        }
    }
}

/// Makes a file name safe for a quoted `filename="..."` parameter: `"`, CR, LF and every
/// other control character become `_`; an empty or blank name becomes `default`.
fn sanitize_file_name(name: &str, default: &str) -> Box<str> {
    if name.trim().is_empty() {
        return default.into();
    }
    name.chars()
        .map(|c| if c == '"' || c.is_control() { '_' } else { c })
        .collect::<String>()
        .into_boxed_str()
}

/// Base64 text shared between clones, exposed as [`Bytes`] without copying.
#[derive(Clone, PartialEq, Eq)]
struct SharedText(Arc<String>);

impl AsRef<[u8]> for SharedText {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl SharedText {
    fn as_str(&self) -> &str {
        &self.0
    }

    fn to_bytes(&self) -> Bytes {
        Bytes::from_owner(self.clone())
    }
}

// ---------------------------------------------------------------------------------------
// Base64 and file types (the same shape for images and videos)
// ---------------------------------------------------------------------------------------

/// Defines the checked Base64 type and file type of one kind of media.
macro_rules! media_types {
    (
        rules = $rules:expr, format = $format:ty, kind = $kind:literal,
        $(#[$b64_meta:meta])* base64 = $b64:ident,
        $(#[$file_meta:meta])* file = $file:ident $(,)?
    ) => {
        $(#[$b64_meta])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $b64 {
            format: $format,
            text: SharedText,
        }

        impl $b64 {
            #[doc = concat!("Checks Base64 text of ", $kind, " and wraps it (no copy of the text).")]
            ///
            /// The text must use the standard alphabet with `=` padding, on one line (no line
            /// breaks or white space anywhere), stay within the length limit, decode, and
            /// decode to an accepted format. Only the magic bytes are kept from decoding;
            /// the rest is checked through a small buffer.
            ///
            /// # Errors
            /// A [`MediaError`] naming the field, the position or limit.
            pub fn new(text: impl Into<String>) -> Result<Self, MediaError> {
                let text = text.into();
                let format = $rules.check_base64(&text)?;
                Ok(Self { format, text: SharedText(Arc::new(text)) })
            }

            #[doc = concat!("Encodes raw ", $kind, " data as Base64 (standard alphabet, padded, one line).")]
            ///
            /// # Errors
            /// A [`MediaError`] for empty data, an unknown format, or text that would be
            /// longer than the limit (checked before encoding).
            pub fn encode(data: impl AsRef<[u8]>) -> Result<Self, MediaError> {
                let data = data.as_ref();
                let format = $rules.check_to_encode(data)?;
                Ok(Self { format, text: SharedText(Arc::new(STANDARD.encode(data))) })
            }

            /// The format found in the decoded data.
            pub fn format(&self) -> $format {
                self.format
            }

            /// The Base64 text, as sent in the JSON body.
            pub fn as_str(&self) -> &str {
                self.text.as_str()
            }

            /// The length of the Base64 text, in bytes (the figure the limit applies to).
            pub fn encoded_len(&self) -> usize {
                self.text.as_str().len()
            }

            /// The Base64 text as [`Bytes`], sharing the same buffer (no copy).
            pub fn to_bytes(&self) -> Bytes {
                self.text.to_bytes()
            }
        }

        impl fmt::Debug for $b64 {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($b64))
                    .field("format", &self.format)
                    .field("encoded_len", &self.encoded_len())
                    .finish_non_exhaustive()
            }
        }

        impl Serialize for $b64 {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        $(#[$file_meta])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $file {
            format: $format,
            file_name: Box<str>,
            data: Bytes,
        }

        impl $file {
            #[doc = concat!("Checks raw ", $kind, " data and keeps it with its file name.")]
            ///
            /// The file name only labels the multipart part (`filename="..."`); it is
            /// sanitised (`"`, CR, LF and other control characters become `_`) and, when
            /// empty or blank, replaced by a default from the format (`image.jpg`,
            /// `video.mp4`, …). The data is held as [`Bytes`] and never copied.
            ///
            /// # Errors
            /// A [`MediaError`] for empty data, data over the size limit or an unknown
            /// format.
            pub fn new(file_name: impl AsRef<str>, data: impl Into<Bytes>) -> Result<Self, MediaError> {
                let data = data.into();
                let format = $rules.check_file(&data)?;
                let file_name = sanitize_file_name(file_name.as_ref(), format.default_file_name());
                Ok(Self { format, file_name, data })
            }

            /// The format found in the data.
            pub fn format(&self) -> $format {
                self.format
            }

            /// The (sanitised) file name for the multipart `filename=` parameter.
            pub fn file_name(&self) -> &str {
                &self.file_name
            }

            /// The raw data (a cheap clone shares it).
            pub fn bytes(&self) -> &Bytes {
                &self.data
            }

            /// The size of the data, in bytes.
            pub fn byte_len(&self) -> usize {
                self.data.len()
            }

            /// The raw data, consuming the value.
            pub fn into_bytes(self) -> Bytes {
                self.data
            }
        }

        impl fmt::Debug for $file {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($file))
                    .field("format", &self.format)
                    .field("byte_len", &self.data.len())
                    .finish_non_exhaustive()
            }
        }
    };
}

media_types! {
    rules = IMAGE_RULES, format = ImageFormat, kind = "an image",
    /// An image as checked Base64 text, for the JSON `image_base64` field.
    ///
    /// At most [`MAX_BASE64_LEN`] characters; its `Debug` output shows only the format and
    /// the length.
    base64 = ImageBase64,
    /// An image file for a multipart `image_file` part: checked data and a safe file name.
    ///
    /// Smaller than [`MAX_IMAGE_BYTES`]; its `Debug` output shows only the format and the
    /// length.
    file = ImageFile,
}

media_types! {
    rules = VIDEO_RULES, format = VideoFormat, kind = "a video",
    /// A video as checked Base64 text, for the JSON `video_base64` field of action live
    /// detection.
    ///
    /// At most [`MAX_VIDEO_BASE64_LEN`] characters; its `Debug` output shows only the format
    /// and the length.
    base64 = VideoBase64,
    /// A video file for the multipart `video_file` part: checked data and a safe file name.
    ///
    /// At most [`MAX_VIDEO_BYTES`]; its `Debug` output shows only the format and the length.
    file = VideoFile,
}

// ---------------------------------------------------------------------------------------
// OBS URLs
// ---------------------------------------------------------------------------------------

/// A URL of an object in Huawei Cloud Object Storage Service (OBS), the only kind of URL
/// the service reads images and videos from (after "service authorization").
///
/// Two forms are accepted:
///
/// - the path form `/bucket/object-path`, which the FAQ recommends (FRS.0022);
/// - `https://{bucket}.obs.{region}.myhuaweicloud.com/{object}` (virtual-hosted style),
///   without port, user information, query or fragment.
///
/// The bucket name must follow the OBS naming rules (3–63 characters: lower-case letters,
/// digits, `-`, `.`, starting and ending with a letter or digit); the object path must not
/// be empty. No white space or control characters anywhere, at most [`MAX_OBS_URL_LEN`]
/// bytes. The object path is kept verbatim (not percent-decoded).
///
/// ```
/// use frs_types::ObsUrl;
///
/// let path = ObsUrl::new("/photos/2024/a.jpg")?;
/// assert_eq!((path.bucket(), path.object(), path.region()), ("photos", "2024/a.jpg", None));
///
/// let https = ObsUrl::new("https://photos.obs.cn-north-4.myhuaweicloud.com/2024/a.jpg")?;
/// assert_eq!((https.bucket(), https.region()), ("photos", Some("cn-north-4")));
///
/// assert!(ObsUrl::new("https://example.com/a.jpg").is_err());
/// # Ok::<(), frs_types::MediaError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ObsUrl {
    url: Box<str>,
    bucket: Range<usize>,
    object_start: usize,
    region: Option<Range<usize>>,
}

impl ObsUrl {
    /// Checks `url` against the two accepted forms (errors name the field `url`).
    ///
    /// # Errors
    /// [`MediaError::Empty`], [`MediaError::UrlTooLong`] or [`MediaError::InvalidUrl`]
    /// saying what is wrong and which forms are expected.
    pub fn new(url: impl Into<String>) -> Result<Self, MediaError> {
        Self::parse("url", url.into())
    }

    /// Checks `url` and reports errors under the wire name `field`.
    fn parse(field: &'static str, url: String) -> Result<Self, MediaError> {
        let invalid = |reason: String| MediaError::InvalidUrl { field, reason };
        if url.is_empty() {
            return Err(MediaError::Empty { field, expected: "an OBS URL" });
        }
        if url.len() > MAX_OBS_URL_LEN {
            return Err(MediaError::UrlTooLong { field, len: url.len(), limit: MAX_OBS_URL_LEN });
        }
        if let Some((position, ch)) = url.char_indices().find(|(_, c)| c.is_whitespace() || c.is_control()) {
            return Err(invalid(format!("character {ch:?} at position {position} is not allowed")));
        }
        if let Some(rest) = url.strip_prefix('/') {
            let Some((bucket, object)) = rest.split_once('/') else {
                return Err(invalid("the object path after the bucket is missing".to_owned()));
            };
            check_bucket(bucket).map_err(invalid)?;
            if object.is_empty() {
                return Err(invalid("the object path is empty".to_owned()));
            }
            let bucket = 1..1 + bucket.len();
            let object_start = bucket.end + 1;
            return Ok(Self { url: url.into_boxed_str(), bucket, object_start, region: None });
        }
        const HTTPS: &str = "https://";
        if url.get(..HTTPS.len()).is_some_and(|s| s.eq_ignore_ascii_case(HTTPS)) {
            let rest = url.get(HTTPS.len()..).unwrap_or_default();
            let (host, object) = rest.split_once('/').unwrap_or((rest, ""));
            if host.contains('@') {
                return Err(invalid("user information in the URL is not allowed".to_owned()));
            }
            if host.contains(':') {
                return Err(invalid("a port is not allowed".to_owned()));
            }
            const SUFFIX: &str = ".myhuaweicloud.com";
            const OBS: &str = ".obs";
            let not_obs = || invalid(format!("host {host:?} is not an OBS endpoint"));
            let stem = host
                .len()
                .checked_sub(SUFFIX.len())
                .filter(|&at| host.get(at..).is_some_and(|s| s.eq_ignore_ascii_case(SUFFIX)))
                .and_then(|at| host.get(..at))
                .ok_or_else(not_obs)?;
            let (front, region) = stem.rsplit_once('.').ok_or_else(not_obs)?;
            let bucket = front
                .len()
                .checked_sub(OBS.len())
                .filter(|&at| front.get(at..).is_some_and(|s| s.eq_ignore_ascii_case(OBS)))
                .and_then(|at| front.get(..at))
                .ok_or_else(not_obs)?;
            if region.is_empty() || !region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(invalid(format!("region {region:?} in the host is not a region id")));
            }
            check_bucket(bucket).map_err(invalid)?;
            if object.is_empty() {
                return Err(invalid("the object path is missing".to_owned()));
            }
            if object.contains(['?', '#']) {
                return Err(invalid("a query or fragment is not allowed".to_owned()));
            }
            let bucket_range = HTTPS.len()..HTTPS.len() + bucket.len();
            let region_start = bucket_range.end + OBS.len() + 1;
            let region_range = region_start..region_start + region.len();
            let object_start = HTTPS.len() + host.len() + 1;
            return Ok(Self {
                url: url.into_boxed_str(),
                bucket: bucket_range,
                object_start,
                region: Some(region_range),
            });
        }
        if let Some(at) = url.find("://") {
            let scheme = url.get(..at).unwrap_or_default();
            return Err(invalid(format!("the scheme {scheme:?} is not accepted (only https)")));
        }
        Err(invalid("the URL must start with '/' (path form) or 'https://'".to_owned()))
    }

    /// The URL as given, as sent in the JSON `image_url` / `video_url` field.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The bucket name.
    pub fn bucket(&self) -> &str {
        self.url.get(self.bucket.clone()).unwrap_or_default()
    }

    /// The object path (key) inside the bucket, verbatim, without the leading `/`.
    pub fn object(&self) -> &str {
        self.url.get(self.object_start..).unwrap_or_default()
    }

    /// The region of an `https://` URL; `None` for the path form.
    pub fn region(&self) -> Option<&str> {
        self.region.as_ref().and_then(|r| self.url.get(r.clone()))
    }

    /// Whether the URL is in the path form `/bucket/object-path`.
    pub fn is_path_form(&self) -> bool {
        self.region.is_none()
    }
}

/// Checks an OBS bucket name; the error is the reason, for [`MediaError::InvalidUrl`].
fn check_bucket(bucket: &str) -> Result<(), String> {
    if bucket.is_empty() {
        return Err("the bucket name is empty".to_owned());
    }
    if let Some((position, ch)) = bucket
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'))
    {
        return Err(format!(
            "character {ch:?} at position {position} of the bucket name is not allowed \
             (lower-case letters, digits, '-' and '.')"
        ));
    }
    if !(3..=63).contains(&bucket.len()) {
        return Err(format!("the bucket name must be 3 to 63 characters long, got {}", bucket.len()));
    }
    let alnum = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
    if !alnum(bucket.as_bytes().first()) || !alnum(bucket.as_bytes().last()) {
        return Err("the bucket name must start and end with a letter or digit".to_owned());
    }
    Ok(())
}

impl fmt::Debug for ObsUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObsUrl({:?})", &*self.url)
    }
}

impl fmt::Display for ObsUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

impl AsRef<str> for ObsUrl {
    fn as_ref(&self) -> &str {
        &self.url
    }
}

impl std::str::FromStr for ObsUrl {
    type Err = MediaError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl Serialize for ObsUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.url)
    }
}

// ---------------------------------------------------------------------------------------
// Image and Video
// ---------------------------------------------------------------------------------------

/// Declares an input type with the three forms the service takes (Base64 text in JSON, an
/// OBS URL in JSON, a file in a multipart part), so images and videos share one definition.
macro_rules! media_input {
    (
        $(#[$meta:meta])*
        $input:ident, $b64:ident, $file:ident, $format:ident, prefix = $prefix:literal
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum $input {
            #[doc = concat!("Base64 text in the JSON field `", $prefix, "_base64`.")]
            Base64($b64),
            #[doc = concat!("An OBS URL in the JSON field `", $prefix, "_url`.")]
            Url(ObsUrl),
            #[doc = concat!("A file in the multipart part `", $prefix, "_file`.")]
            File($file),
        }

        impl $input {
            #[doc = concat!("A file sent as a multipart part: see [`", stringify!($file), "::new`].")]
            ///
            /// # Errors
            #[doc = concat!("A [`MediaError`] for the field `", $prefix, "_file`.")]
            pub fn from_bytes(file_name: impl AsRef<str>, data: impl Into<Bytes>) -> Result<Self, MediaError> {
                $file::new(file_name, data).map(Self::File)
            }

            #[doc = concat!("Raw data encoded as Base64 and sent in JSON: see [`", stringify!($b64), "::encode`].")]
            ///
            /// # Errors
            #[doc = concat!("A [`MediaError`] for the field `", $prefix, "_base64`.")]
            pub fn base64_from_bytes(data: impl AsRef<[u8]>) -> Result<Self, MediaError> {
                $b64::encode(data).map(Self::Base64)
            }

            #[doc = concat!("Base64 text the caller already has: see [`", stringify!($b64), "::new`].")]
            ///
            /// # Errors
            #[doc = concat!("A [`MediaError`] for the field `", $prefix, "_base64`.")]
            pub fn from_base64_text(text: impl Into<String>) -> Result<Self, MediaError> {
                $b64::new(text).map(Self::Base64)
            }

            /// An OBS URL: see [`ObsUrl`].
            ///
            /// # Errors
            #[doc = concat!("A [`MediaError`] for the field `", $prefix, "_url`.")]
            pub fn from_url(url: impl Into<String>) -> Result<Self, MediaError> {
                ObsUrl::parse(concat!($prefix, "_url"), url.into()).map(Self::Url)
            }

            /// The format, when the data is at hand (`None` for a URL).
            pub fn format(&self) -> Option<$format> {
                match self {
                    Self::Base64(b) => Some(b.format()),
                    Self::File(f) => Some(f.format()),
                    Self::Url(_) => None,
                }
            }

            /// The size the service's size limit applies to: the file size, or the Base64
            /// length; `None` for a URL (the object's size is unknown here).
            pub fn byte_len(&self) -> Option<usize> {
                match self {
                    Self::Base64(b) => Some(b.encoded_len()),
                    Self::File(f) => Some(f.byte_len()),
                    Self::Url(_) => None,
                }
            }
        }

        impl From<$b64> for $input {
            fn from(value: $b64) -> Self {
                Self::Base64(value)
            }
        }

        impl From<ObsUrl> for $input {
            fn from(value: ObsUrl) -> Self {
                Self::Url(value)
            }
        }

        impl From<$file> for $input {
            fn from(value: $file) -> Self {
                Self::File(value)
            }
        }
    };
}

media_input! {
    /// The image input of an operation, in exactly one of the three forms the service takes.
    ///
    /// Each form is checked when it is made (see the [module documentation](self)); an
    /// operation given an `Image` sends `image_base64` or `image_url` in a JSON body, or an
    /// `image_file` part in a multipart body.
    Image, ImageBase64, ImageFile, ImageFormat, prefix = "image"
}

media_input! {
    /// The video input of action live detection, in exactly one of the three forms the
    /// service takes.
    ///
    /// Each form is checked when it is made (see the [module documentation](self)); the
    /// operation sends `video_base64` or `video_url` in a JSON body, or a `video_file` part
    /// in a multipart body.
    Video, VideoBase64, VideoFile, VideoFormat, prefix = "video"
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0];
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    const BMP: &[u8] = b"BM\x36\x00";

    /// `n` bytes starting with `magic`, zero-filled.
    fn buffer(magic: &[u8], n: usize) -> Vec<u8> {
        let mut v = vec![0u8; n];
        v[..magic.len()].copy_from_slice(magic);
        v
    }

    /// Base64 text of length `n` (a multiple of 4) that decodes to a JPEG prefix.
    fn base64_text(n: usize) -> String {
        let mut s = String::with_capacity(n);
        s.push_str("/9j/"); // FF D8 FF
        s.extend(std::iter::repeat_n('A', n - 4));
        s
    }

    #[test]
    fn image_magic_detection() {
        assert_eq!(ImageFormat::detect(JPEG), Some(ImageFormat::Jpeg));
        assert_eq!(ImageFormat::detect(PNG), Some(ImageFormat::Png));
        assert_eq!(ImageFormat::detect(BMP), Some(ImageFormat::Bmp));
        assert_eq!(ImageFormat::detect(b"GIF89a"), None);
        assert_eq!(ImageFormat::detect(&PNG[..7]), None);
        assert_eq!(ImageFormat::detect(&[0xFF, 0xD8]), None);
        assert_eq!(ImageFormat::detect(b""), None);
    }

    #[test]
    fn video_magic_detection() {
        let cases: [(&[u8], Option<VideoFormat>); 12] = [
            (b"\0\0\0\x20ftypisom\0\0\0\0", Some(VideoFormat::Mp4)),
            (b"\0\0\0\x18ftypmp42", Some(VideoFormat::Mp4)),
            (b"\0\0\0\x14ftypqt  ", Some(VideoFormat::Mov)),
            (b"\0\0\0\x08wide\0\0\0\0", Some(VideoFormat::Mov)),
            (b"\0\0\0\x08moov", Some(VideoFormat::Mov)),
            (b"\0\0\0\x08mdat", Some(VideoFormat::Mov)),
            (b"\0\0\0\x08free", Some(VideoFormat::Mov)),
            (b"RIFF\x10\0\0\0AVI LIST", Some(VideoFormat::Avi)),
            (b"FLV\x01\x05", Some(VideoFormat::Flv)),
            (&[0x1A, 0x45, 0xDF, 0xA3, 0x9F], Some(VideoFormat::Webm)),
            (&[0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6], Some(VideoFormat::Asf)),
            (b"RIFF\x10\0\0\0WAVEfmt ", None),
        ];
        for (data, expected) in cases {
            assert_eq!(VideoFormat::detect(data), expected, "{data:?}");
        }
        assert_eq!(VideoFormat::detect(b"\0\0\0\x20ftyp"), Some(VideoFormat::Mp4));
        assert_eq!(VideoFormat::detect(b"ftyp"), None);
        assert_eq!(VideoFormat::detect(JPEG), None);
    }

    #[test]
    fn image_file_ok_and_default_names() {
        for (magic, format, name) in [
            (JPEG, ImageFormat::Jpeg, "image.jpg"),
            (PNG, ImageFormat::Png, "image.png"),
            (BMP, ImageFormat::Bmp, "image.bmp"),
        ] {
            let file = ImageFile::new("", magic.to_vec()).unwrap();
            assert_eq!(file.format(), format);
            assert_eq!(file.file_name(), name);
            assert_eq!(file.byte_len(), magic.len());
        }
        assert_eq!(ImageFile::new("  ", JPEG).unwrap().file_name(), "image.jpg");
    }

    #[test]
    fn file_names_are_sanitised() {
        let file = ImageFile::new("a\"b\r\nc\u{0}.jpg", JPEG).unwrap();
        assert_eq!(file.file_name(), "a_b__c_.jpg");
        let file = ImageFile::new("相片 1.jpg", JPEG).unwrap();
        assert_eq!(file.file_name(), "相片 1.jpg");
    }

    #[test]
    fn image_file_does_not_copy() {
        let data = Bytes::from(buffer(JPEG, 1000));
        let file = ImageFile::new("x.jpg", data.clone()).unwrap();
        assert_eq!(file.bytes().as_ptr(), data.as_ptr());
    }

    #[test]
    fn image_file_size_limit_is_exclusive() {
        assert!(Image::from_bytes("a.jpg", buffer(JPEG, MAX_IMAGE_BYTES - 1)).is_ok());
        let err = Image::from_bytes("a.jpg", buffer(JPEG, MAX_IMAGE_BYTES)).unwrap_err();
        assert_eq!(
            err,
            MediaError::TooLarge {
                field: "image_file",
                size: MAX_IMAGE_BYTES,
                limit: MAX_IMAGE_BYTES,
                inclusive: false
            }
        );
        assert_eq!(err.to_string(), "image_file: 8388608 bytes, must be less than 8388608 (8 MiB)");
    }

    #[test]
    fn video_file_size_limit_is_inclusive() {
        let mp4 = b"\0\0\0\x20ftypisom";
        assert!(Video::from_bytes("v.mp4", buffer(mp4, MAX_VIDEO_BYTES)).is_ok());
        let err = Video::from_bytes("v.mp4", buffer(mp4, MAX_VIDEO_BYTES + 1)).unwrap_err();
        assert_eq!(err.to_string(), "video_file: 8388609 bytes, the limit is 8388608 (8 MiB)");
        assert_eq!(err.field(), "video_file");
    }

    #[test]
    fn empty_inputs_are_rejected() {
        assert!(matches!(
            Image::from_bytes("a", Vec::new()),
            Err(MediaError::Empty { field: "image_file", .. })
        ));
        assert!(matches!(Image::from_base64_text(""), Err(MediaError::Empty { field: "image_base64", .. })));
        assert!(matches!(
            Image::base64_from_bytes(b""),
            Err(MediaError::Empty { field: "image_base64", .. })
        ));
        assert!(matches!(Image::from_url(""), Err(MediaError::Empty { field: "image_url", .. })));
        assert!(matches!(
            Video::from_bytes("v", Vec::new()),
            Err(MediaError::Empty { field: "video_file", .. })
        ));
    }

    #[test]
    fn unknown_format_names_the_prefix_in_hex() {
        let err = Image::from_bytes("a.gif", b"GIF89a\x01\x00\x01\x00".to_vec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "image_file: not a JPG/JPEG, PNG or BMP image (the data starts with 47 49 46 38 39 61 01 00)"
        );
        let err = Video::from_bytes("a", b"hello".to_vec()).unwrap_err();
        assert!(matches!(&err, MediaError::UnknownFormat { prefix, .. } if prefix == "68 65 6c 6c 6f"));
        // Base64 of a GIF: the decoded prefix is reported.
        let err = Image::from_base64_text("R0lGODlh").unwrap_err();
        assert!(matches!(&err, MediaError::UnknownFormat { field: "image_base64", prefix, .. }
            if prefix == "47 49 46 38 39 61"));
    }

    #[test]
    fn base64_round_trip_and_formats() {
        let png = buffer(PNG, 100);
        let image = Image::base64_from_bytes(&png).unwrap();
        let Image::Base64(b64) = &image else { panic!("not base64") };
        assert_eq!(b64.format(), ImageFormat::Png);
        assert_eq!(STANDARD.decode(b64.as_str()).unwrap(), png);
        assert_eq!(b64.encoded_len(), 136);
        assert_eq!(image.byte_len(), Some(136));
        assert_eq!(b64.to_bytes(), b64.as_str().as_bytes());
        assert_eq!(b64.to_bytes().as_ptr(), b64.as_str().as_ptr(), "to_bytes shares the text");
        let again = Image::from_base64_text(b64.as_str()).unwrap();
        assert_eq!(again, image);

        let avi = buffer(b"RIFF\0\0\0\0AVI ", 30);
        let video = VideoBase64::encode(&avi).unwrap();
        assert_eq!(video.format(), VideoFormat::Avi);
        assert_eq!(VideoBase64::new(video.as_str()).unwrap().format(), VideoFormat::Avi);
    }

    #[test]
    fn base64_length_limit_is_inclusive() {
        assert!(Image::from_base64_text(base64_text(MAX_BASE64_LEN)).is_ok());
        let err = Image::from_base64_text(base64_text(MAX_BASE64_LEN + 4)).unwrap_err();
        assert_eq!(
            err,
            MediaError::Base64TooLong {
                field: "image_base64",
                len: MAX_BASE64_LEN + 4,
                limit: MAX_BASE64_LEN
            }
        );
        let mut over_by_one = base64_text(MAX_BASE64_LEN);
        over_by_one.push('A');
        assert!(matches!(Image::from_base64_text(over_by_one), Err(MediaError::Base64TooLong { .. })));
        assert!(
            Video::from_base64_text({
                let mut s = String::from("AAAAIGZ0eXBpc29t"); // 00 00 00 20 "ftypisom"
                s.extend(std::iter::repeat_n('A', MAX_VIDEO_BASE64_LEN - s.len()));
                s
            })
            .is_ok()
        );
    }

    #[test]
    fn base64_size_is_checked_before_encoding() {
        // 6 MiB encodes to exactly 8 MiB; one more byte goes over.
        let at = MAX_BASE64_LEN / 4 * 3;
        assert!(ImageBase64::encode(buffer(JPEG, at)).is_ok());
        let err = ImageBase64::encode(buffer(JPEG, at + 1)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "image_base64: 8388612 bytes after base64 encoding, the limit is 8388608"
        );
    }

    #[test]
    fn base64_line_breaks_and_spaces_are_rejected_with_position() {
        let text = format!("{}\r\n{}", &base64_text(76), "AAAA");
        let err = Image::from_base64_text(text).unwrap_err();
        assert_eq!(err, MediaError::Base64Whitespace { field: "image_base64", position: 76, byte: b'\r' });
        assert_eq!(
            err.to_string(),
            "image_base64: line break (CR) at position 76; base64 text must be one line without line \
             breaks or white space"
        );
        let err = Image::from_base64_text("/9j/\nAAAA").unwrap_err();
        assert!(matches!(err, MediaError::Base64Whitespace { position: 4, byte: b'\n', .. }));
        let err = Image::from_base64_text(" /9j/AAAA").unwrap_err();
        assert!(matches!(err, MediaError::Base64Whitespace { position: 0, byte: b' ', .. }));
        let err = Image::from_base64_text("/9j/AAAA\n").unwrap_err();
        assert!(matches!(err, MediaError::Base64Whitespace { position: 8, .. }));
    }

    #[test]
    fn base64_alphabet_padding_and_length() {
        let err = Image::from_base64_text("/9j-AAAA").unwrap_err();
        assert_eq!(err, MediaError::Base64Character { field: "image_base64", position: 3, ch: '-' });
        let err = Image::from_base64_text("/9j/AAé=").unwrap_err();
        assert_eq!(err, MediaError::Base64Character { field: "image_base64", position: 6, ch: 'é' });
        let err = Image::from_base64_text("/9j/A=AA").unwrap_err();
        assert_eq!(err, MediaError::Base64Padding { field: "image_base64", position: 5 });
        let err = Image::from_base64_text("/9j/AA=A").unwrap_err();
        assert_eq!(err, MediaError::Base64Padding { field: "image_base64", position: 6 });
        let err = Image::from_base64_text("/9j/A===").unwrap_err();
        assert_eq!(err, MediaError::Base64Padding { field: "image_base64", position: 5 });
        let err = Image::from_base64_text("/9j/AAA").unwrap_err();
        assert_eq!(err, MediaError::Base64Length { field: "image_base64", len: 7 });
        // Non-canonical: the unused bits of the last symbol are set.
        let err = Image::from_base64_text("/9j/AB==").unwrap_err();
        assert!(matches!(err, MediaError::Base64Decode { position: 5, .. }), "{err:?}");
        // Valid padding forms.
        assert!(Image::from_base64_text("/9j/AA==").is_ok());
        assert!(Image::from_base64_text("/9j/AAA=").is_ok());
    }

    #[test]
    fn base64_error_found_after_the_first_chunk_has_an_absolute_position() {
        let mut text = base64_text(3 * DECODE_CHUNK);
        text.replace_range(2 * DECODE_CHUNK + 10..2 * DECODE_CHUNK + 14, "AA==");
        let err = Image::from_base64_text(text).unwrap_err();
        assert_eq!(err, MediaError::Base64Padding { field: "image_base64", position: 2 * DECODE_CHUNK + 12 });
        let mut text = base64_text(2 * DECODE_CHUNK);
        text.replace_range(2 * DECODE_CHUNK - 2.., "B=");
        let err = Image::from_base64_text(text).unwrap_err();
        assert!(matches!(err, MediaError::Base64Decode { position, .. } if position == 2 * DECODE_CHUNK - 2));
    }

    #[test]
    fn debug_hides_the_data() {
        let data = buffer(JPEG, 64);
        let secret = "/9j/SECRETSECRET";
        let values: Vec<String> = vec![
            format!("{:?}", Image::from_bytes("face.jpg", data.clone()).unwrap()),
            format!("{:?}", Image::base64_from_bytes(&data).unwrap()),
            format!("{:?}", Image::from_base64_text(secret).unwrap()),
            format!("{:?}", Video::from_bytes("v", buffer(b"FLV", 32)).unwrap()),
            format!("{:?}", Video::base64_from_bytes(buffer(b"FLV", 32)).unwrap()),
        ];
        for debug in &values {
            assert!(!debug.contains("255") && !debug.contains("0xff") && !debug.contains("\\xff"), "{debug}");
            assert!(
                !debug.contains("SECRET") && !debug.contains("/9j/") && !debug.contains("AAAA"),
                "{debug}"
            );
            assert!(!debug.contains("face.jpg"), "{debug}");
        }
        assert_eq!(values[0], "File(ImageFile { format: Jpeg, byte_len: 64, .. })");
        assert_eq!(values[2], "Base64(ImageBase64 { format: Jpeg, encoded_len: 16, .. })");
    }

    #[test]
    fn obs_url_path_form() {
        let url = ObsUrl::new("/my-bucket/faces/2024/a b.jpg");
        assert!(url.is_err(), "spaces are rejected");
        let url = ObsUrl::new("/my-bucket/faces/2024/a.jpg").unwrap();
        assert_eq!(url.bucket(), "my-bucket");
        assert_eq!(url.object(), "faces/2024/a.jpg");
        assert_eq!(url.region(), None);
        assert!(url.is_path_form());
        assert_eq!(serde_json::to_string(&url).unwrap(), "\"/my-bucket/faces/2024/a.jpg\"");
    }

    #[test]
    fn obs_url_https_form() {
        let url = ObsUrl::new("https://my.bucket-1.obs.cn-north-4.myhuaweicloud.com/faces/a.jpg").unwrap();
        assert_eq!(url.bucket(), "my.bucket-1");
        assert_eq!(url.region(), Some("cn-north-4"));
        assert_eq!(url.object(), "faces/a.jpg");
        assert!(!url.is_path_form());
        assert!(ObsUrl::new("HTTPS://b12.OBS.ap-southeast-1.MyHuaweiCloud.com/x").is_ok());
    }

    #[test]
    fn obs_url_rejections() {
        let cases = [
            ("http://bkt.obs.cn-north-4.myhuaweicloud.com/a.jpg", "scheme \"http\""),
            ("ftp://x/y", "scheme \"ftp\""),
            ("obs://bkt/a.jpg", "scheme \"obs\""),
            ("bkt/a.jpg", "must start with '/'"),
            ("https://example.com/a.jpg", "not an OBS endpoint"),
            ("https://bkt.obs.cn-north-4.myhuaweicloud.com.evil.com/a.jpg", "not an OBS endpoint"),
            ("https://bkt.cn-north-4.myhuaweicloud.com/a.jpg", "not an OBS endpoint"),
            ("https://obs.cn-north-4.myhuaweicloud.com/bkt/a.jpg", "not an OBS endpoint"),
            ("https://.obs.cn-north-4.myhuaweicloud.com/a.jpg", "bucket name is empty"),
            ("https://bkt.obs..myhuaweicloud.com/a.jpg", "region"),
            ("https://bkt.obs.cn-north-4.myhuaweicloud.com", "object path is missing"),
            ("https://bkt.obs.cn-north-4.myhuaweicloud.com/", "object path is missing"),
            ("https://bkt.obs.cn-north-4.myhuaweicloud.com:443/a", "port"),
            ("https://u@bkt.obs.cn-north-4.myhuaweicloud.com/a", "user information"),
            ("https://bkt.obs.cn-north-4.myhuaweicloud.com/a.jpg?x=1", "query"),
            ("/bucket", "object path after the bucket is missing"),
            ("/bucket/", "object path is empty"),
            ("//a.jpg", "bucket name is empty"),
            ("/My_Bucket/a.jpg", "character 'M' at position 0"),
            ("/ab/a.jpg", "3 to 63"),
            ("/-ab/a.jpg", "start and end"),
            ("/bucket/a\tb", "character '\\t' at position 9"),
            ("/bucket/a\u{7f}", "character '\\u{7f}'"),
        ];
        for (url, needle) in cases {
            let err = Image::from_url(url).unwrap_err();
            let text = err.to_string();
            assert_eq!(err.field(), "image_url");
            assert!(text.contains(needle), "{url}: {text}");
            assert!(text.contains("`/bucket/object-path`") || matches!(err, MediaError::UrlTooLong { .. }));
        }
        let long = format!("/bucket/{}", "a".repeat(MAX_OBS_URL_LEN - 8));
        assert_eq!(long.len(), MAX_OBS_URL_LEN);
        assert!(ObsUrl::new(long.clone()).is_ok());
        let err = Video::from_url(format!("{long}a")).unwrap_err();
        assert_eq!(
            err,
            MediaError::UrlTooLong { field: "video_url", len: MAX_OBS_URL_LEN + 1, limit: MAX_OBS_URL_LEN }
        );
    }

    #[test]
    fn with_field_renames() {
        let err = Image::from_bytes("a", Vec::new()).unwrap_err().with_field("image1_file");
        assert_eq!(err.field(), "image1_file");
        assert!(err.to_string().starts_with("image1_file: empty"));
    }

    #[test]
    fn serialises_as_text() {
        let b64 = ImageBase64::new("/9j/AAAA").unwrap();
        assert_eq!(serde_json::to_string(&b64).unwrap(), "\"/9j/AAAA\"");
    }
}
