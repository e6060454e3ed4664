//! [`Image`] and [`Video`]: the input of an operation in exactly one of the three forms the
//! service takes.

use bytes::Bytes;

use super::{ImageBase64, ImageFile, ImageFormat, MediaError, ObsUrl, VideoBase64, VideoFile, VideoFormat};

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
    /// Each form is checked when it is made (see the [module documentation](crate::media)); an
    /// operation given an `Image` sends `image_base64` or `image_url` in a JSON body, or an
    /// `image_file` part in a multipart body.
    Image, ImageBase64, ImageFile, ImageFormat, prefix = "image"
}

media_input! {
    /// The video input of action live detection, in exactly one of the three forms the
    /// service takes.
    ///
    /// Each form is checked when it is made (see the [module documentation](crate::media)); the
    /// operation sends `video_base64` or `video_url` in a JSON body, or a `video_file` part
    /// in a multipart body.
    Video, VideoBase64, VideoFile, VideoFormat, prefix = "video"
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::media::test_support::{JPEG, buffer};

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
}
