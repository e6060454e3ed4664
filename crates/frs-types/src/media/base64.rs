//! Base64 text of images and videos: the checks of the text (alphabet, one line, padding,
//! length, decodes to an accepted format) and the checked types [`ImageBase64`] and
//! [`VideoBase64`].

use std::fmt;
use std::sync::Arc;

use ::base64::Engine as _;
use ::base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use serde::{Serialize, Serializer};

use super::{IMAGE_RULES, ImageFormat, MediaError, Rules, VIDEO_RULES, VideoFormat};

/// Size of the buffer Base64 text is decoded through when it is checked (3 KiB of output
/// per 4 KiB of text), so checking never allocates a copy of the whole decoded data.
const DECODE_CHUNK: usize = 4096;

impl<F> Rules<F> {
    /// Checks raw data that is about to be Base64-encoded: its encoded length and format.
    fn check_to_encode(&self, data: &[u8]) -> Result<F, MediaError> {
        let field = self.limits.base64_field;
        if data.is_empty() {
            return Err(MediaError::Empty { field, expected: self.expected });
        }
        self.limits.check_base64_len(data.len().div_ceil(3).saturating_mul(4))?;
        self.format_of(field, data)
    }

    /// Checks Base64 text: length, alphabet, no white space, padding, decodes, and the
    /// decoded data is a known format.
    ///
    /// The text is decoded through a fixed-size stack buffer, so checking an 8 MiB text
    /// allocates nothing.
    fn check_base64(&self, text: &str) -> Result<F, MediaError> {
        let field = self.limits.base64_field;
        let bytes = text.as_bytes();
        let len = bytes.len();
        if len == 0 {
            return Err(MediaError::Empty { field, expected: self.expected });
        }
        self.limits.check_base64_len(len)?;
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
fn decode_error(field: &'static str, start: usize, error: &::base64::DecodeSliceError) -> MediaError {
    use ::base64::{DecodeError, DecodeSliceError};
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

/// Defines the checked Base64 type `$b64` of one kind of media, for the JSON field `$field`
/// and at most `$limit` characters.
macro_rules! base64_type {
    ($b64:ident, $rules:expr, $format:ty, $kind:literal, $field:literal, $limit:ident) => {
        #[doc = concat!("Checked Base64 text of ", $kind, ", for the JSON `", $field, "` field.")]
        ///
        #[doc = concat!("At most [`", stringify!($limit), "`](super::", stringify!($limit), ") characters;")]
        /// its `Debug` output shows only the format and the length.
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
    };
}

base64_type!(ImageBase64, IMAGE_RULES, ImageFormat, "an image", "image_base64", MAX_BASE64_LEN);
base64_type!(VideoBase64, VIDEO_RULES, VideoFormat, "a video", "video_base64", MAX_VIDEO_BASE64_LEN);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::media::test_support::{JPEG, PNG, base64_text, buffer};
    use crate::media::{Image, MAX_BASE64_LEN, MAX_VIDEO_BASE64_LEN, Video};

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
    fn serialises_as_text() {
        let b64 = ImageBase64::new("/9j/AAAA").unwrap();
        assert_eq!(serde_json::to_string(&b64).unwrap(), "\"/9j/AAAA\"");
    }
}
