//! Image and video files for multipart parts: checked data and a safe file name
//! ([`ImageFile`], [`VideoFile`]).

use std::fmt;

use bytes::Bytes;

use super::{IMAGE_RULES, ImageFormat, MediaError, VIDEO_RULES, VideoFormat};

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

/// Defines the checked file type `$file` of one kind of media, for the multipart part
/// `$part`, its size limit `$limit` described by `$rule`.
macro_rules! file_type {
    ($file:ident, $rules:expr, $format:ty, $kind:literal, $part:literal, $rule:literal, $limit:ident) => {
        #[doc = concat!(
            "A file of ", $kind, " for a multipart `", $part, "` part: checked data and a safe file name."
        )]
        ///
        #[doc = concat!($rule, " [`", stringify!($limit), "`](super::", stringify!($limit), ") bytes;")]
        /// its `Debug` output shows only the format and the length.
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

file_type!(ImageFile, IMAGE_RULES, ImageFormat, "an image", "image_file", "Smaller than", MAX_IMAGE_BYTES);
file_type!(VideoFile, VIDEO_RULES, VideoFormat, "a video", "video_file", "At most", MAX_VIDEO_BYTES);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::media::test_support::{BMP, JPEG, PNG, buffer};
    use crate::media::{Image, MAX_IMAGE_BYTES, MAX_VIDEO_BYTES, Video};

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
}
