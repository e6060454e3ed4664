//! The size limits of images and videos (`limits.md`, "Images" and "Action live detection"),
//! in one table.
//!
//! The checked types of this crate, the SDK's file readers (which decide from a file's length
//! before reading it) and the emulator all read [`MediaLimits`], so a limit cannot be right in
//! one place and wrong in another. The `MAX_*` constants are the same figures under their
//! older names.

use super::MediaError;

/// 8 MiB: the service documents every media limit as "8 MB", read here as
/// 8 × 1024 × 1024 = 8 388 608 bytes, the more generous of the two readings.
const EIGHT_MIB: usize = 8 * 1024 * 1024;

/// The size rules of one kind of media: the file-size limit of its multipart part and the
/// length limit of its Base64 text, with the wire names errors report them under.
///
/// ```
/// use frs_types::{MediaError, MediaLimits};
///
/// // Images must be smaller than 8 MiB, videos may be exactly 8 MiB.
/// let eight_mib = 8 * 1024 * 1024;
/// assert!(MediaLimits::IMAGE.check_file_len(eight_mib).is_err());
/// assert!(MediaLimits::VIDEO.check_file_len(eight_mib).is_ok());
/// assert!(matches!(
///     MediaLimits::IMAGE.check_base64_len(usize::MAX),
///     Err(MediaError::Base64TooLong { field: "image_base64", .. })
/// ));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaLimits {
    /// The wire name of the multipart file part: `image_file` / `video_file`.
    pub file_field: &'static str,
    /// The file-size limit, in bytes (8 MiB for both).
    pub max_file_bytes: usize,
    /// Whether a file of exactly [`max_file_bytes`](Self::max_file_bytes) is accepted:
    /// `false` for images (documented "< 8 MB"), `true` for videos ("≤ 8 MB").
    pub file_limit_inclusive: bool,
    /// The wire name of the JSON Base64 field: `image_base64` / `video_base64`.
    pub base64_field: &'static str,
    /// The longest Base64 text accepted, in bytes *after* encoding (the limit itself is
    /// accepted).
    pub max_base64_len: usize,
}

impl MediaLimits {
    /// The limits of images (detect, compare, search, add faces, silent liveness).
    pub const IMAGE: Self = Self {
        file_field: "image_file",
        max_file_bytes: EIGHT_MIB,
        file_limit_inclusive: false,
        base64_field: "image_base64",
        max_base64_len: EIGHT_MIB,
    };

    /// The limits of the image of silent live detection (`DetectLiveFace`): 2 MB
    /// (Huawei's current page for the operation), read as for other images: a file smaller
    /// than 2 MiB, Base64 text of at most 2 MiB.
    pub const LIVENESS_IMAGE: Self = Self {
        file_field: "image_file",
        max_file_bytes: TWO_MIB,
        file_limit_inclusive: false,
        base64_field: "image_base64",
        max_base64_len: TWO_MIB,
    };

    /// The limits of videos (action live detection).
    pub const VIDEO: Self = Self {
        file_field: "video_file",
        max_file_bytes: EIGHT_MIB,
        file_limit_inclusive: true,
        base64_field: "video_base64",
        max_base64_len: EIGHT_MIB,
    };

    /// Checks the size of a file of `len` bytes, so a file can be refused from its length
    /// alone, before any byte is read.
    ///
    /// # Errors
    /// [`MediaError::TooLarge`] naming [`file_field`](Self::file_field), the size (saturated
    /// at `usize::MAX`), the limit and whether it is inclusive.
    pub fn check_file_len(&self, len: u64) -> Result<(), MediaError> {
        let limit = u64::try_from(self.max_file_bytes).unwrap_or(u64::MAX);
        let too_large = if self.file_limit_inclusive { len > limit } else { len >= limit };
        if too_large {
            return Err(MediaError::TooLarge {
                field: self.file_field,
                size: usize::try_from(len).unwrap_or(usize::MAX),
                limit: self.max_file_bytes,
                inclusive: self.file_limit_inclusive,
            });
        }
        Ok(())
    }

    /// Checks the length of Base64 text (actual, or what raw data would encode to).
    ///
    /// # Errors
    /// [`MediaError::Base64TooLong`] naming [`base64_field`](Self::base64_field), the length
    /// and the limit.
    pub fn check_base64_len(&self, len: usize) -> Result<(), MediaError> {
        if len > self.max_base64_len {
            return Err(MediaError::Base64TooLong {
                field: self.base64_field,
                len,
                limit: self.max_base64_len,
            });
        }
        Ok(())
    }
}

/// Image files must be **smaller than** this many bytes (documented as "< 8 MB", read as
/// 8 MiB = 8 388 608 bytes). A file of exactly 8 MiB is rejected.
/// The same figure as [`MediaLimits::IMAGE`]`.max_file_bytes`.
pub const MAX_IMAGE_BYTES: usize = MediaLimits::IMAGE.max_file_bytes;

/// Base64 image text may be **at most** this many characters after encoding (documented as
/// "≤ 8 MB after encoding", read as 8 MiB).
/// The same figure as [`MediaLimits::IMAGE`]`.max_base64_len`.
pub const MAX_BASE64_LEN: usize = MediaLimits::IMAGE.max_base64_len;

/// Video files may be **at most** this many bytes (documented as "≤ 8 MB", read as 8 MiB).
/// The same figure as [`MediaLimits::VIDEO`]`.max_file_bytes`.
pub const MAX_VIDEO_BYTES: usize = MediaLimits::VIDEO.max_file_bytes;

/// Base64 video text may be **at most** this many characters after encoding (documented as
/// "≤ 8 MB after encoding", read as 8 MiB).
/// The same figure as [`MediaLimits::VIDEO`]`.max_base64_len`.
pub const MAX_VIDEO_BASE64_LEN: usize = MediaLimits::VIDEO.max_base64_len;

/// 2 MiB, the image limit of silent live detection.
const TWO_MIB: usize = 2 * 1024 * 1024;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn image_file_limit_is_exclusive_and_video_inclusive() {
        let at = 8 * 1024 * 1024;
        assert_eq!(MediaLimits::IMAGE.check_file_len(at - 1), Ok(()));
        assert_eq!(
            MediaLimits::IMAGE.check_file_len(at),
            Err(MediaError::TooLarge {
                field: "image_file",
                size: MAX_IMAGE_BYTES,
                limit: MAX_IMAGE_BYTES,
                inclusive: false
            })
        );
        assert_eq!(MediaLimits::VIDEO.check_file_len(at), Ok(()));
        assert_eq!(
            MediaLimits::VIDEO.check_file_len(at + 1),
            Err(MediaError::TooLarge {
                field: "video_file",
                size: MAX_VIDEO_BYTES + 1,
                limit: MAX_VIDEO_BYTES,
                inclusive: true
            })
        );
        // A file larger than memory can address is still refused, with a saturated size.
        let err = MediaLimits::VIDEO.check_file_len(u64::MAX).unwrap_err();
        assert!(matches!(err, MediaError::TooLarge { .. }));
    }

    #[test]
    fn base64_limit_is_inclusive_for_both() {
        for limits in [MediaLimits::IMAGE, MediaLimits::VIDEO] {
            assert_eq!(limits.check_base64_len(limits.max_base64_len), Ok(()));
            assert_eq!(
                limits.check_base64_len(limits.max_base64_len + 1),
                Err(MediaError::Base64TooLong {
                    field: limits.base64_field,
                    len: limits.max_base64_len + 1,
                    limit: limits.max_base64_len
                })
            );
        }
        assert_eq!(MediaLimits::VIDEO.base64_field, "video_base64");
        assert_eq!(MAX_BASE64_LEN, MAX_VIDEO_BASE64_LEN);
    }
}
