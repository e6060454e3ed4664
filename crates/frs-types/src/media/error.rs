//! The one error type of image, video and OBS URL checks.

use super::obs_url::OBS_URL_FORMS;

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
    /// An OBS URL longer than [`MAX_OBS_URL_LEN`](super::MAX_OBS_URL_LEN).
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

/// The `field` of every variant of a [`MediaError`] (by reference or by mutable reference,
/// as `$error` is), so the variants are listed once for [`MediaError::field`] and
/// [`MediaError::with_field`].
macro_rules! field_of {
    ($error:expr) => {
        match $error {
            MediaError::Empty { field, .. }
            | MediaError::TooLarge { field, .. }
            | MediaError::Base64TooLong { field, .. }
            | MediaError::Base64Whitespace { field, .. }
            | MediaError::Base64Character { field, .. }
            | MediaError::Base64Padding { field, .. }
            | MediaError::Base64Length { field, .. }
            | MediaError::Base64Decode { field, .. }
            | MediaError::UnknownFormat { field, .. }
            | MediaError::UrlTooLong { field, .. }
            | MediaError::InvalidUrl { field, .. } => field,
        }
    };
}

impl MediaError {
    /// The wire name of the rejected field, e.g. `image_file`.
    pub fn field(&self) -> &'static str {
        field_of!(self)
    }

    /// The same error for another field name, for operations whose wire names differ from
    /// the defaults (compare face sends `image1_file` and `image2_file`).
    #[must_use]
    pub fn with_field(mut self, name: &'static str) -> Self {
        *field_of!(&mut self) = name;
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
pub(super) fn hex_prefix(data: &[u8], n: usize) -> String {
    let mut out = String::with_capacity(n * 3);
    for (i, b) in data.iter().take(n).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&format!("{b:02x}"));
    }
    if out.is_empty() { "nothing".to_owned() } else { out }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use crate::media::Image;

    #[test]
    fn with_field_renames() {
        let err = Image::from_bytes("a", Vec::new()).unwrap_err().with_field("image1_file");
        assert_eq!(err.field(), "image1_file");
        assert!(err.to_string().starts_with("image1_file: empty"));
    }
}
