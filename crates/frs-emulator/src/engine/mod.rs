//! The emulator's deterministic face engine: declared, not guessed.
//!
//! The emulator does not look at pixels. What an image or video "shows" is either
//! **declared** in the file itself or **derived from a hash of its bytes**, so every answer
//! is reproducible and a test can say exactly what it expects. [`crate::testimage`] writes
//! such files.
//!
//! # Declarations
//!
//! A declaration is a `key` / `value` pair found in the bytes, in one of two forms:
//!
//! - **PNG text chunks** whose keyword is `frs:<key>`: a `tEXt` chunk (keyword `frs:person`,
//!   text `alice`) or an uncompressed `iTXt` chunk (UTF-8 text; compressed `iTXt` chunks
//!   are ignored). The text is trimmed and taken whole, so it may contain any character.
//! - **Tokens** `frs:<key>=<value>` anywhere in the bytes, in any format (a JPEG `COM`
//!   segment, an MP4 `free` box, an AVI `JUNK` chunk, bytes after a BMP's headers or at its
//!   end, a PNG `tEXt` chunk with another keyword such as `Comment`, …). The key is
//!   `[A-Za-z0-9_]+`, the value `[A-Za-z0-9_.,-]+` (it ends at the first other byte).
//!
//! For each key the first declaration wins: PNG text chunks (in file order) before tokens
//! (in byte order). Unknown keys are ignored (see [`declarations`] to list everything that
//! was read). A known key with a value that does not parse makes the input rejected with
//! [`ImageRejection::InvalidDeclaration`] / [`VideoRejection::InvalidDeclaration`]: a typo
//! in a test fixture should fail loudly, not silently fall back to a default.
//!
//! ## Image keys
//!
//! | Key | Value | Default |
//! |---|---|---|
//! | `person` | who is in the picture | `person-` and the first 12 hex digits of the SHA-256 of the bytes |
//! | `faces` | number of faces, `0`–[`MAX_DECLARED_FACES`]; `0` = no face | `1` |
//! | `live` | silent liveness verdict, `true` / `false` | `true` |
//! | `variant` | which picture of the person (a `u64`), see [features](#features-and-similarity) | bytes 8–15 of the SHA-256 of the bytes |
//! | `gender` | `male` / `female` | from the person |
//! | `age` | `0`–`120` | from the person (18–70) |
//! | `glass` | `yes` / `dark` / `none` / `unknown` | from the person |
//! | `hat`, `mask`, `beard` | `yes` / `none` / `unknown` | from the person |
//! | `hair` | `long` / `short` / `unknown` | from the person |
//! | `phototype` | `idcard` / `monitor` / `internet_photo` (answered as `internet photo`) | from the person |
//! | `expression` | `neutral` / `happy` / `fear` / `surprise` / `sad` / `angry` / `disgust` / `unknown` | from the person |
//!
//! The faces of one image belong to `person`, `person#2`, `person#3`, … (largest first),
//! so searching or comparing with a group photo uses the declared person's face, as the
//! service uses the largest face. Attribute declarations apply to the first (largest) face
//! only; every other attribute is derived from the face's person by [`attributes_for`].
//!
//! ## Video keys
//!
//! | Key | Value | Default |
//! |---|---|---|
//! | `person` | who is in the video | as for images |
//! | `faces` | number of faces, `0`–[`MAX_DECLARED_FACES`] | `1` |
//! | `duration_ms` | length in milliseconds; outside 1000–15000 the video is refused (FRS.0706) | `3000` |
//! | `alive` | whether a live person is filmed, `true` / `false` | `true` |
//! | `actions` | the action codes actually performed, comma separated (`1,3`), or `none` | every requested action |
//! | `fps` | frame rate, `1`–`240` (reported, not judged) | `25` |
//! | `variant` | as for images | as for images |
//!
//! # Image facts from the headers
//!
//! The format comes from the magic bytes ([`ImageFormat::detect`](frs_types::ImageFormat::detect): JPG/JPEG, PNG, BMP;
//! anything else is [`ImageRejection::UnsupportedFormat`], FRS.0016). Width and height
//! come from the PNG `IHDR` chunk, the JPEG `SOF` marker or the BMP info header; when they
//! are absent, zero or unparseable (a truncated test file), the image is taken to be
//! [`DEFAULT_WIDTH`] × [`DEFAULT_HEIGHT`] (640 × 480, the size the service's QPS figures
//! assume). Sizes read from the headers are checked against a [`ResolutionLimit`]:
//! [`analyze_image`] uses [`ResolutionLimit::INTERNATIONAL`] (smaller than 4096 × 2160,
//! in either orientation), the stricter of the two documented limits, because an emulator
//! laxer than the service lets tests pass and production fail;
//! [`analyze_image_with_limit`] accepts the other one ([`ResolutionLimit::CHINA_2025`]).
//!
//! Faces are laid out by [`face_boxes`]: a grid over the image, each face a square in its
//! cell, sizes non-increasing, so the first face is the largest. Face size limits (> 80 × 80)
//! are not enforced.
//!
//! # Features and similarity
//!
//! Every (person, variant) pair has a unit feature vector of [`FEATURE_DIM`] (128)
//! dimensions ([`features`]): a direction drawn from a PRNG seeded with the SHA-256 of the
//! person's name, tilted by a fixed small angle towards a per-variant direction that is
//! orthogonal to it (sin² of the angle is 0.03). Hence:
//!
//! - same person, same variant: cosine 1;
//! - same person, another variant: cosine 0.97 ± 0.003, and never below 0.94 (the worst
//!   case, two opposite variant directions, is cos 2θ = 0.94);
//! - different people: cosine ≈ 0 ± 0.09 (independent random directions).
//!
//! [`similarity_from_cosine`] maps a cosine `c` to a similarity in [0, 1], monotonically:
//! `c ≥ 0.94` is kept as is (and `c ≥ 1 − 10⁻⁶` becomes exactly 1.0), `0.8 ≤ c < 0.94` is
//! stretched linearly onto [0.6, 0.94), and `c < 0.8` onto [0, 0.6) by `0.6 · (c + 1) / 1.8`.
//! So the same person scores ≥ 0.94 (1.0 for the very same picture), different people score
//! about 0.33 ± 0.03 and at most 0.6 unless their cosine reaches 0.8 (a 9-sigma event that
//! no name tried in the tests comes near). The service's suggested threshold, 0.93,
//! separates them.
//!
//! Computing a vector costs two SHA-256 digests and 256 PRNG draws; a search over a large
//! face set should keep the vectors (see [`FeatureCache`]) and call [`cosine`].
//!
//! # Liveness
//!
//! Silent liveness answers the declared `live` with a confidence of 0.90–0.99 (live) or
//! 0.05–0.30 (not live), derived from the bytes. Action liveness ([`judge_actions`]): a
//! requested action that was performed by a live subject gets 0.90–0.99, any other 0.05–0.30,
//! and the video is alive only if the subject is live, a face is present and every
//! requested action was performed; [`video_warnings`] gives the matching warning codes.

mod declared;
mod features;
mod image;
mod results;
mod video;

use sha2::{Digest, Sha256};

use crate::mix::{self, SplitMix64};

pub use self::features::{FeatureCache, cosine, features, similarity, similarity_from_cosine};
pub use self::image::{
    analyze_image, analyze_image_with_limit, attributes_for, face_boxes, face_person, face_variant,
};
pub use self::results::{
    EngineFace, ImageAnalysis, ImageRejection, ResolutionLimit, VideoAnalysis, VideoRejection,
};
pub use self::video::{
    analyze_video, judge_actions, judge_timed_actions, timed_video_warnings, video_warnings,
};
pub use crate::formats::declarations;

/// The width assumed when an image's headers give none.
pub const DEFAULT_WIDTH: u32 = 640;
/// The height assumed when an image's headers give none.
pub const DEFAULT_HEIGHT: u32 = 480;
/// The most faces an image or video may declare.
pub const MAX_DECLARED_FACES: u32 = 100;
/// The duration of a video that declares none, in milliseconds.
pub const DEFAULT_VIDEO_DURATION_MS: u32 = 3000;
/// The shortest accepted video, in milliseconds (1 s).
pub const MIN_VIDEO_DURATION_MS: u32 = 1000;
/// The longest accepted video, in milliseconds (15 s).
pub const MAX_VIDEO_DURATION_MS: u32 = 15_000;
/// The frame rate of a video that declares none.
pub const DEFAULT_FPS: u32 = 25;
/// The number of dimensions of a feature vector.
pub const FEATURE_DIM: usize = 128;

/// A face's feature vector: unit length, [`FEATURE_DIM`] dimensions.
pub type Features = [f32; FEATURE_DIM];

// ---------------------------------------------------------------------------------------
// Hashing and the PRNG
// ---------------------------------------------------------------------------------------

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    let digest = hasher.finalize();
    let mut out = [0u8; 32];
    for (o, d) in out.iter_mut().zip(digest.iter()) {
        *o = *d;
    }
    out
}

/// Little-endian u64 from up to 8 bytes.
fn le_u64(bytes: &[u8]) -> u64 {
    bytes.iter().take(8).rev().fold(0, |acc, &b| (acc << 8) | u64::from(b))
}

fn seed(parts: &[&[u8]]) -> u64 {
    le_u64(&sha256(parts))
}

/// The engine's draws: [`SplitMix64`] seeded one step further than the seed (the values
/// the engine has always produced).
struct Rng(SplitMix64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(SplitMix64::new(seed.wrapping_add(mix::GOLDEN_GAMMA)))
    }

    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in [lo, hi).
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        self.0.range(lo, hi)
    }

    /// Uniform integer in [lo, hi].
    fn int(&mut self, lo: u32, hi: u32) -> u32 {
        let span = u64::from(hi.saturating_sub(lo)) + 1;
        lo + u32::try_from(self.next_u64() % span).unwrap_or(0)
    }

    /// Picks from weighted choices.
    fn pick<'a>(&mut self, choices: &[(&'a str, u32)]) -> &'a str {
        let total: u32 = choices.iter().map(|(_, w)| w).sum();
        let mut roll = self.int(0, total.saturating_sub(1));
        for (value, weight) in choices {
            if roll < *weight {
                return value;
            }
            roll -= weight;
        }
        choices.first().map_or("unknown", |(v, _)| *v)
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// A quality score as the service writes them: a multiple of 1/8192.
fn quantize(x: f64) -> f64 {
    (x * 8192.0).round() / 8192.0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The person of an input that declares none: `person-` and the first 12 hex digits of
/// the SHA-256 of the bytes.
pub fn default_person(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!("person-{}", hex(digest.get(..6).unwrap_or_default()))
}

/// The variant of an input that declares none: bytes 8–15 of the SHA-256 of the bytes, as
/// a little-endian `u64`.
pub fn default_variant(bytes: &[u8]) -> u64 {
    let digest = Sha256::digest(bytes);
    le_u64(digest.get(8..16).unwrap_or_default())
}

/// A confidence for a positive (0.90–0.99) or negative (0.05–0.30) verdict, derived from
/// the parts.
fn confidence(positive: bool, parts: &[&[u8]]) -> f64 {
    let mut rng = Rng::new(seed(parts));
    round4(if positive { rng.range(0.90, 0.99) } else { rng.range(0.05, 0.30) })
}

#[cfg(test)]
fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("user-{i}-{}", mix::hash(i as u64) % 1000)).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn tokens_are_found_anywhere() {
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xFE, 0x00];
        bytes.extend_from_slice(
            b"junk frs:person=alice.b-c_1 frs:faces=2\0frs:live=false;frs:=x frs:k= frs:person=bob",
        );
        let d = declarations(&bytes);
        assert_eq!(d.get("person").map(String::as_str), Some("alice.b-c_1"));
        assert_eq!(d.get("faces").map(String::as_str), Some("2"));
        assert_eq!(d.get("live").map(String::as_str), Some("false"));
        assert_eq!(d.len(), 3);
        let a = analyze_image(&bytes).unwrap();
        assert_eq!(a.faces.len(), 2);
        assert_eq!(a.faces[0].person, "alice.b-c_1");
        assert_eq!(a.faces[1].person, "alice.b-c_1#2");
        assert!(!a.live);
        assert!(a.live_confidence <= 0.30 && a.live_confidence >= 0.05);
        assert!(!a.size_from_headers);
        assert_eq!((a.width, a.height), (DEFAULT_WIDTH, DEFAULT_HEIGHT));
    }

    #[test]
    fn rejections() {
        assert_eq!(analyze_image(&[]), Err(ImageRejection::Empty));
        assert_eq!(analyze_image(b"GIF89a frs:person=x"), Err(ImageRejection::UnsupportedFormat));
        assert_eq!(ImageRejection::UnsupportedFormat.error_code().as_str(), "FRS.0016");
        assert_eq!(ImageRejection::Empty.error_code().as_str(), "FRS.0011");
        let err = analyze_image(b"BM frs:faces=many").unwrap_err();
        assert!(matches!(&err, ImageRejection::InvalidDeclaration { key, .. } if key == "faces"));
        assert_eq!(err.error_code().as_str(), "FRS.0012");
        assert!(err.to_string().contains("frs:faces=many"), "{err}");
        assert!(analyze_image(b"BM frs:faces=101").is_err());
        assert!(analyze_image(b"BM frs:faces=100").is_ok());
        assert!(analyze_image(b"BM frs:live=yes").is_err());
        assert!(analyze_image(b"BM frs:age=121").is_err());
        assert!(analyze_image(b"BM frs:gender=x").is_err());
        assert!(analyze_image(b"BM frs:unknown_key=whatever").is_ok());
        assert_eq!(analyze_video(&[]), Err(VideoRejection::Empty));
        let err = analyze_video(b"not a video").unwrap_err();
        assert_eq!(err, VideoRejection::UnsupportedContainer);
        assert_eq!(err.error_code().as_str(), "FRS.0701");
        assert_eq!(err.to_string(), "Parse video data failed.");
    }
}
