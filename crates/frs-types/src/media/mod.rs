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
//!   [`MAX_VIDEO_BASE64_LEN`] — one table, [`MediaLimits`], holds these rules for the SDK's
//!   checks, its file readers and the emulator alike;
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

mod base64;
mod error;
mod file;
mod format;
mod input;
mod limits;
mod obs_url;

pub use base64::{ImageBase64, VideoBase64};
pub use error::MediaError;
pub use file::{ImageFile, VideoFile};
pub use format::{ImageFormat, VideoFormat};
pub use input::{Image, Video};
pub use limits::{MAX_BASE64_LEN, MAX_IMAGE_BYTES, MAX_VIDEO_BASE64_LEN, MAX_VIDEO_BYTES, MediaLimits};
pub use obs_url::{MAX_OBS_URL_LEN, ObsUrl};

use error::hex_prefix;
use format::{IMAGE_FORMATS, VIDEO_FORMATS};

/// What differs between image and video checks: the size limits (from [`MediaLimits`]) and
/// how the format is recognised.
struct Rules<F> {
    limits: MediaLimits,
    expected: &'static str,
    magic_len: usize,
    detect: fn(&[u8]) -> Option<F>,
}

const IMAGE_RULES: Rules<ImageFormat> = Rules {
    limits: MediaLimits::IMAGE,
    expected: IMAGE_FORMATS,
    magic_len: ImageFormat::MAGIC_LEN,
    detect: ImageFormat::detect,
};

const VIDEO_RULES: Rules<VideoFormat> = Rules {
    limits: MediaLimits::VIDEO,
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
        let field = self.limits.file_field;
        if data.is_empty() {
            return Err(MediaError::Empty { field, expected: self.expected });
        }
        self.limits.check_file_len(u64::try_from(data.len()).unwrap_or(u64::MAX))?;
        self.format_of(field, data)
    }
}

/// Sample data shared by the tests of the media modules.
#[cfg(test)]
mod test_support {
    pub(super) const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0];
    pub(super) const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    pub(super) const BMP: &[u8] = b"BM\x36\x00";

    /// `n` bytes starting with `magic`, zero-filled.
    pub(super) fn buffer(magic: &[u8], n: usize) -> Vec<u8> {
        let mut v = vec![0u8; n];
        v[..magic.len()].copy_from_slice(magic);
        v
    }

    /// Base64 text of length `n` (a multiple of 4) that decodes to a JPEG prefix.
    pub(super) fn base64_text(n: usize) -> String {
        let mut s = String::with_capacity(n);
        s.push_str("/9j/"); // FF D8 FF
        s.extend(std::iter::repeat_n('A', n - 4));
        s
    }
}
