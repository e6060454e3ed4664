//! Writing test images and videos that declare what they show.
//!
//! The emulator's [face engine](crate::engine) reads `frs:` declarations from the bytes;
//! these builders write them, in files that are structurally valid (each format's writer
//! lives beside its reader, in the emulator's `formats` modules):
//!
//! ```
//! use frs_emulator::engine;
//! use frs_emulator::testimage::{TestImage, TestVideo};
//!
//! let group = TestImage::person("alice").faces(2).live(false).size(800, 600).png();
//! let analysis = engine::analyze_image(&group)?;
//! assert_eq!((analysis.width, analysis.height), (800, 600));
//! assert_eq!(analysis.faces[0].person, "alice");
//! assert_eq!(analysis.faces[1].person, "alice#2");
//! assert!(!analysis.live);
//!
//! let video = TestVideo::person("bob").duration_ms(3000).actions(&[1, 3]).mp4();
//! let video = engine::analyze_video(&video)?;
//! assert_eq!(engine::judge_actions(&video, &[1, 3]).0, true);
//! assert_eq!(engine::judge_actions(&video, &[2]).0, false);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What the files contain:
//!
//! - **PNG** ([`TestImage::png`]): the signature, `IHDR` with the size (8-bit greyscale),
//!   one `tEXt` chunk per declaration (keyword `frs:<key>`, the value as text; an `iTXt`
//!   chunk when the value is not ASCII), one `IDAT` and `IEND`, every CRC correct. The
//!   pixels are a light grey background with a dark square where each declared face is
//!   (the boxes of [`engine::face_boxes`]), compressed with a small run-length deflate
//!   (fixed Huffman codes, matches at distance 1), so even 4096 × 4096 stays near 100 KB.
//!   It opens in any image viewer.
//! - **JPEG** ([`TestImage::jpeg`]): `SOI`, `APP0` (JFIF), a `COM` segment with the
//!   declarations as tokens (`frs:person=alice frs:faces=2`), a quantisation table, `SOF0`
//!   with the size (one grey component; sizes above 65 535 are written as 65 535), two
//!   one-symbol Huffman tables, `SOS`, scan data of 2 bits per 8 × 8 block, `EOI`: a
//!   baseline JPEG of uniform mid grey (faces are not drawn). 4096 × 4096 is about 64 KB.
//! - **BMP** ([`TestImage::bmp`]): the file and info headers (8 bits per pixel, RLE8
//!   compressed, bottom-up), a 256-entry grey palette, the declarations as tokens between
//!   the palette and the pixels (where the file header's pixel offset skips them), then the
//!   pixels drawn as for PNG.
//! - **Videos** ([`TestVideo`]): the container's header only (an MP4 `ftyp` box, a QuickTime
//!   `ftyp` box, a RIFF/AVI header, an FLV header, a WebM EBML header, an ASF header GUID)
//!   followed by the declarations as tokens in a padding box/chunk/element where the format
//!   has one (`free`, `JUNK`, `Void`). No media: the emulator reads nothing else.
//!
//! Only declarations that were set are written; the engine's defaults apply to the rest.
//! Tokens allow `[A-Za-z0-9_.,-]` in values (and `[A-Za-z0-9_]` in keys): in JPEG, BMP
//! and video files every other character is written as `_`. PNG text chunks carry any
//! value unchanged.

use frs_types::{ImageFormat, VideoFormat};

use crate::engine;
use crate::formats::declaration::{Declarations, Key};
use crate::formats::{Picture, bmp, jpeg, png, video};

pub use crate::formats::png::crc32;

/// The methods both builders share, over their `declared` field: who is in the file, how
/// many faces, which picture or recording, any other declaration.
macro_rules! declaring {
    ($builder:ident, $what:literal, faces: $faces:literal, variant: $variant:literal, declare: $declare:literal) => {
        impl $builder {
            #[doc = concat!("A ", $what, " of `person` (`frs:person`).")]
            pub fn person(person: &str) -> Self {
                Self::anonymous().with(Key::Person, person)
            }

            fn with(mut self, key: Key, value: impl std::fmt::Display) -> Self {
                self.declared.set(key, value);
                self
            }

            #[doc = $faces]
            #[must_use]
            pub fn faces(self, faces: u32) -> Self {
                self.with(Key::Faces, faces)
            }

            #[doc = $variant]
            #[must_use]
            pub fn variant(self, variant: u64) -> Self {
                self.with(Key::Variant, variant)
            }

            #[doc = $declare]
            #[must_use]
            pub fn declare(mut self, key: &str, value: &str) -> Self {
                self.declared.push(key, value);
                self
            }

            /// The declarations written, in order.
            pub fn declarations(&self) -> Vec<(String, String)> {
                self.declared.to_vec()
            }
        }
    };
}

// ---------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------

/// A test image to write: who is in it, how many faces, live or not, how large.
///
/// The size defaults to 640 × 480; declarations that are not set are not written, so the
/// engine's defaults apply (see [`crate::engine`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestImage {
    declared: Declarations,
    width: u32,
    height: u32,
}

impl Default for TestImage {
    /// [`TestImage::anonymous`].
    fn default() -> Self {
        Self::anonymous()
    }
}

declaring!(
    TestImage,
    "An image",
    faces: "The number of faces (`frs:faces`; 0 = no face).",
    variant: "Which picture of the person (`frs:variant`): two images with the same person and \
              variant compare with similarity 1.0.",
    declare: "Any other declaration, e.g. `declare(\"age\", \"30\")` or `declare(\"mask\", \"yes\")`."
);

impl TestImage {
    /// An image that declares no person: the engine derives one from the bytes.
    pub fn anonymous() -> Self {
        Self {
            declared: Declarations::default(),
            width: engine::DEFAULT_WIDTH,
            height: engine::DEFAULT_HEIGHT,
        }
    }

    /// The silent liveness verdict (`frs:live`).
    #[must_use]
    pub fn live(self, live: bool) -> Self {
        self.with(Key::Live, live)
    }

    /// The size in pixels, written into the headers.
    #[must_use]
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.width = width;
        self.height = height;
        self
    }

    /// The image in `format`.
    pub fn encode(&self, format: ImageFormat) -> Vec<u8> {
        match format {
            ImageFormat::Png => self.png(),
            ImageFormat::Jpeg => self.jpeg(),
            ImageFormat::Bmp => self.bmp(),
        }
    }

    /// What the writers draw: the face boxes of [`engine::face_boxes`] (at most
    /// [`engine::MAX_DECLARED_FACES`]) and the declarations.
    fn picture(&self) -> Picture {
        let faces = self.declared.get(Key::Faces).and_then(|n| n.parse().ok()).unwrap_or(1);
        let boxes = engine::face_boxes(self.width, self.height, u32::min(faces, engine::MAX_DECLARED_FACES));
        Picture::new(self.width, self.height, &boxes, self.declarations())
    }

    /// A PNG file: 8-bit greyscale, declarations in `tEXt`/`iTXt` chunks.
    pub fn png(&self) -> Vec<u8> {
        png::write(&self.picture())
    }

    /// A baseline JPEG of uniform grey with the declarations in a `COM` segment.
    pub fn jpeg(&self) -> Vec<u8> {
        jpeg::write(&self.picture())
    }

    /// A BMP file: 8-bit RLE8, a grey palette, declarations as tokens before the pixels.
    pub fn bmp(&self) -> Vec<u8> {
        bmp::write(&self.picture())
    }
}

// ---------------------------------------------------------------------------------------
// Videos
// ---------------------------------------------------------------------------------------

/// A test video to write: who is filmed, how long, which actions were performed.
///
/// Declarations that are not set are not written, so the engine's defaults apply (3 s,
/// alive, every requested action performed; see [`crate::engine`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestVideo {
    declared: Declarations,
}

declaring!(
    TestVideo,
    "A video",
    faces: "The number of faces (`frs:faces`).",
    variant: "Which recording of the person (`frs:variant`).",
    declare: "Any other declaration."
);

impl TestVideo {
    /// A video that declares no person: the engine derives one from the bytes.
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// The length in milliseconds (`frs:duration_ms`); outside 1000–15000 the emulator
    /// refuses the video with FRS.0706.
    #[must_use]
    pub fn duration_ms(self, duration_ms: u64) -> Self {
        self.with(Key::DurationMs, duration_ms)
    }

    /// Whether a live person is filmed (`frs:alive`).
    #[must_use]
    pub fn alive(self, alive: bool) -> Self {
        self.with(Key::Alive, alive)
    }

    /// The action codes actually performed (`frs:actions`; an empty list is written as
    /// `none`).
    #[must_use]
    pub fn actions(self, actions: &[u8]) -> Self {
        let list = if actions.is_empty() {
            "none".to_owned()
        } else {
            actions.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
        };
        self.with(Key::Actions, list)
    }

    /// The frame rate (`frs:fps`).
    #[must_use]
    pub fn fps(self, fps: u32) -> Self {
        self.with(Key::Fps, fps)
    }

    /// The video in `container`.
    pub fn container(&self, container: VideoFormat) -> Vec<u8> {
        video::write(container, &self.declarations())
    }

    /// An `ftyp` box (brand `isom`) and a `free` box carrying the declarations.
    pub fn mp4(&self) -> Vec<u8> {
        self.container(VideoFormat::Mp4)
    }

    /// A QuickTime `ftyp` box (brand `qt  `) and a `free` box carrying the declarations.
    pub fn mov(&self) -> Vec<u8> {
        self.container(VideoFormat::Mov)
    }

    /// A RIFF `AVI ` header and a `JUNK` chunk carrying the declarations.
    pub fn avi(&self) -> Vec<u8> {
        self.container(VideoFormat::Avi)
    }

    /// An FLV header (version 1, audio and video), the first previous-tag size, then the
    /// declarations.
    pub fn flv(&self) -> Vec<u8> {
        self.container(VideoFormat::Flv)
    }

    /// A WebM EBML header (doc type `webm`) and a `Void` element carrying the
    /// declarations.
    pub fn webm(&self) -> Vec<u8> {
        self.container(VideoFormat::Webm)
    }

    /// An ASF header object GUID and size, then the declarations.
    pub fn asf(&self) -> Vec<u8> {
        self.container(VideoFormat::Asf)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::engine::{ImageRejection, analyze_image, similarity};

    #[test]
    fn every_image_declaration_round_trips() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Bmp] {
            let image = TestImage::person("alice")
                .faces(3)
                .live(false)
                .variant(42)
                .size(1024, 768)
                .declare("gender", "female")
                .declare("age", "44")
                .declare("mask", "yes")
                .declare("expression", "happy");
            let bytes = image.encode(format);
            assert_eq!(ImageFormat::detect(&bytes), Some(format));
            let a = analyze_image(&bytes).unwrap();
            assert_eq!(a.format, format);
            assert_eq!((a.width, a.height, a.size_from_headers), (1024, 768, true));
            assert!(!a.live);
            let persons: Vec<_> = a.faces.iter().map(|f| f.person.as_str()).collect();
            assert_eq!(persons, ["alice", "alice#2", "alice#3"], "{format}");
            assert_eq!(a.faces[0].variant, 42);
            let attributes = &a.faces[0].attributes;
            assert_eq!(attributes.gender.as_deref(), Some("female"));
            assert_eq!(attributes.age, Some(44));
            assert_eq!(attributes.mask.as_deref(), Some("yes"));
            assert_eq!(attributes.expression.as_ref().unwrap().kind.as_deref(), Some("happy"));
            let areas: Vec<_> =
                a.faces.iter().map(|f| f.bounding_box.width * f.bounding_box.height).collect();
            assert!(areas.windows(2).all(|w| w[0] >= w[1]));
            assert_eq!(
                a.faces.iter().map(|f| f.bounding_box).collect::<Vec<_>>(),
                engine::face_boxes(1024, 768, 3)
            );
            let declared = engine::declarations(&bytes);
            for (key, value) in image.declarations() {
                assert_eq!(declared.get(&key), Some(&value), "{format} {key}");
            }

            let defaults = analyze_image(&TestImage::person("bob").encode(format)).unwrap();
            assert!(defaults.live && defaults.live_confidence >= 0.9);
            assert_eq!(defaults.faces.len(), 1);
            assert_eq!(defaults.faces[0].attributes, engine::attributes_for("bob"));
            assert!(
                analyze_image(&TestImage::person("nobody").faces(0).encode(format)).unwrap().faces.is_empty()
            );
            let bad = TestImage::person("x").declare("faces", "lots").encode(format);
            assert!(matches!(analyze_image(&bad), Err(ImageRejection::InvalidDeclaration { .. })));
        }
    }

    #[test]
    fn anonymous_images_are_deterministic() {
        let a = TestImage::anonymous().png();
        assert_eq!(a, TestImage::default().png());
        let x = analyze_image(&a).unwrap();
        assert_eq!(x, analyze_image(&a).unwrap());
        let y = analyze_image(&TestImage::anonymous().size(641, 480).png()).unwrap();
        assert_ne!(x.faces[0].person, y.faces[0].person);
        assert_eq!(x.faces[0].person, engine::default_person(&a));
    }

    #[test]
    fn similarity_through_files() {
        let one = analyze_image(&TestImage::person("erin").png()).unwrap();
        let two = analyze_image(&TestImage::person("erin").size(800, 600).jpeg()).unwrap();
        let other = analyze_image(&TestImage::person("frank").png()).unwrap();
        let key = |a: &engine::ImageAnalysis| (a.faces[0].person.clone(), a.faces[0].variant);
        let (p1, v1) = key(&one);
        let (p2, v2) = key(&two);
        let (p3, v3) = key(&other);
        assert_eq!(similarity((&p1, v1), (&p1, v1)), 1.0);
        assert!(similarity((&p1, v1), (&p2, v2)) >= 0.93);
        assert!(similarity((&p1, v1), (&p3, v3)) <= 0.6);
        // Same person and variant declared in two different files: the same picture.
        let a = analyze_image(&TestImage::person("erin").variant(5).png()).unwrap();
        let b = analyze_image(&TestImage::person("erin").variant(5).bmp()).unwrap();
        assert_eq!(
            similarity((&a.faces[0].person, a.faces[0].variant), (&b.faces[0].person, b.faces[0].variant)),
            1.0
        );
    }
}
