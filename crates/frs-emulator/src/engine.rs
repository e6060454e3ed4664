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
//! The format comes from the magic bytes ([`ImageFormat::detect`]: JPG/JPEG, PNG, BMP;
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

use std::collections::{BTreeMap, HashMap};

use frs_types::models::common::{BoundingBox, Warning};
use frs_types::models::detection::{Attributes, Dress, Expression, FaceQuality};
use frs_types::{ErrorCode, ImageFormat, VideoFormat};
use sha2::{Digest, Sha256};

use crate::mix::{self, SplitMix64};

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

/// sin² of the angle between a person's base direction and any of their variants.
const VARIANT_SPREAD: f64 = 0.03;

/// Longest value quoted in an error message.
const MAX_QUOTED: usize = 64;

// ---------------------------------------------------------------------------------------
// Results and rejections
// ---------------------------------------------------------------------------------------

/// The largest image resolution accepted: images must be smaller than `long_side` ×
/// `short_side`, in either orientation (the long side of the image is compared with
/// `long_side`, the short side with `short_side`; both must be strictly smaller).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResolutionLimit {
    /// The long side must be smaller than this, in pixels.
    pub long_side: u32,
    /// The short side must be smaller than this, in pixels.
    pub short_side: u32,
}

impl ResolutionLimit {
    /// "< 4096 × 2160": the en-us API reference, product description, international
    /// Chinese pages and FRS.0013's description. The default, being the stricter.
    pub const INTERNATIONAL: Self = Self { long_side: 4096, short_side: 2160 };
    /// "< 4096 × 4096": the Chinese pages updated in 2025-12 / 2026-01.
    pub const CHINA_2025: Self = Self { long_side: 4096, short_side: 4096 };

    /// Whether an image of `width` × `height` is small enough.
    pub fn allows(self, width: u32, height: u32) -> bool {
        let (long, short) = if width >= height { (width, height) } else { (height, width) };
        long < self.long_side && short < self.short_side
    }
}

impl Default for ResolutionLimit {
    /// [`ResolutionLimit::INTERNATIONAL`].
    fn default() -> Self {
        Self::INTERNATIONAL
    }
}

/// What the engine makes of an image.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageAnalysis {
    /// The format, from the magic bytes.
    pub format: ImageFormat,
    /// The width in pixels, from the headers or [`DEFAULT_WIDTH`].
    pub width: u32,
    /// The height in pixels, from the headers or [`DEFAULT_HEIGHT`].
    pub height: u32,
    /// Whether `width` and `height` were read from the headers (not assumed).
    pub size_from_headers: bool,
    /// The faces, largest first; empty when the image declares `faces=0`.
    pub faces: Vec<EngineFace>,
    /// The silent liveness verdict.
    pub live: bool,
    /// How sure the verdict is, 0–1.
    pub live_confidence: f64,
}

/// One face found by the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineFace {
    /// Whose face it is: the declared or derived person, `person#2`, `person#3`, … for the
    /// further faces of a group photo.
    pub person: String,
    /// Which picture of that person: the first face has the image's variant, the others a
    /// value mixed from it and the face's index.
    pub variant: u64,
    /// Where the face is; inside the image.
    pub bounding_box: BoundingBox,
    /// Every attribute, filled in.
    pub attributes: Attributes,
}

/// Why an image is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImageRejection {
    /// No bytes at all.
    #[error("the image is empty")]
    Empty,
    /// Not a JPG/JPEG, PNG or BMP file.
    #[error("unsupported image format: expected a JPG/JPEG, PNG or BMP image")]
    UnsupportedFormat,
    /// Larger than the resolution limit.
    #[error(
        "image resolution {width}x{height} is too large: it must be smaller than {}x{}",
        .limit.long_side,
        .limit.short_side
    )]
    ResolutionTooLarge {
        /// The image's width.
        width: u32,
        /// The image's height.
        height: u32,
        /// The limit applied.
        limit: ResolutionLimit,
    },
    /// A declaration with a value that does not parse.
    #[error("emulator declaration frs:{key}={value} in the image: expected {expected}")]
    InvalidDeclaration {
        /// The key.
        key: String,
        /// The value (at most 64 characters of it).
        value: String,
        /// What the value should be.
        expected: &'static str,
    },
}

impl ImageRejection {
    /// The service error the emulator answers with: FRS.0011 (empty), FRS.0016 (format),
    /// FRS.0013 (resolution), FRS.0012 (a bad declaration; the emulator's own rule).
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Self::Empty => ErrorCode::ParameterMissing,
            Self::UnsupportedFormat => ErrorCode::UnsupportedFormat,
            Self::ResolutionTooLarge { .. } => ErrorCode::ImageSizeOutOfRange,
            Self::InvalidDeclaration { .. } => ErrorCode::ParameterInvalid,
        }
    }
}

/// What the engine makes of a video.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoAnalysis {
    /// The container, from the magic bytes.
    pub format: VideoFormat,
    /// The length in milliseconds (declared, or [`DEFAULT_VIDEO_DURATION_MS`]).
    pub duration_ms: u32,
    /// Who is filmed.
    pub person: String,
    /// Which recording of the person (as an image's variant).
    pub variant: u64,
    /// How many faces are visible.
    pub faces: u32,
    /// Whether a live person is filmed.
    pub alive: bool,
    /// The action codes performed; `None`: every requested action.
    pub performed_actions: Option<Vec<u8>>,
    /// The frame rate.
    pub fps: u32,
}

/// Why a video is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VideoRejection {
    /// No bytes at all.
    #[error("the video is empty")]
    Empty,
    /// Not one of the accepted containers.
    #[error("Parse video data failed.")]
    UnsupportedContainer,
    /// A declared duration outside 1–15 s.
    #[error("Video time {duration_ms} ms is not supported: it must be 1-15 s.")]
    Duration {
        /// The declared duration.
        duration_ms: u64,
    },
    /// A declaration with a value that does not parse.
    #[error("emulator declaration frs:{key}={value} in the video: expected {expected}")]
    InvalidDeclaration {
        /// The key.
        key: String,
        /// The value (at most 64 characters of it).
        value: String,
        /// What the value should be.
        expected: &'static str,
    },
}

impl VideoRejection {
    /// The service error the emulator answers with: FRS.0011 (empty), FRS.0701 (container),
    /// FRS.0706 (duration), FRS.0012 (a bad declaration; the emulator's own rule).
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Self::Empty => ErrorCode::ParameterMissing,
            Self::UnsupportedContainer => ErrorCode::VideoParseFailed,
            Self::Duration { .. } => ErrorCode::VideoDurationNotSupported,
            Self::InvalidDeclaration { .. } => ErrorCode::ParameterInvalid,
        }
    }
}

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

/// The variant of face `index` (0 = largest) of an image whose variant is `base`: `base`
/// for the first face, a mix of both for the others.
pub fn face_variant(base: u64, index: usize) -> u64 {
    if index == 0 { base } else { mix::hash(base ^ (index as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93)) }
}

/// The person of face `index` (0 = largest) of a picture of `person`: `person` itself,
/// then `person#2`, `person#3`, …
pub fn face_person(person: &str, index: usize) -> String {
    if index == 0 { person.to_owned() } else { format!("{person}#{}", index + 1) }
}

// ---------------------------------------------------------------------------------------
// Declarations
// ---------------------------------------------------------------------------------------

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_value_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b',' | b'-')
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(b.iter().fold(0, |acc, &x| (acc << 8) | u32::from(x)))
}

fn be_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(b.iter().fold(0, |acc, &x| (acc << 8) | u16::from(x)))
}

fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(b.iter().rev().fold(0, |acc, &x| (acc << 8) | u32::from(x)))
}

fn le_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(b.iter().rev().fold(0, |acc, &x| (acc << 8) | u16::from(x)))
}

/// The chunks of a PNG file: (type, data), stopping at `IEND` or at the first chunk that
/// runs past the end. CRCs are not checked.
fn png_chunks(bytes: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut out = Vec::new();
    if !bytes.starts_with(&PNG_SIGNATURE) {
        return out;
    }
    let mut at = PNG_SIGNATURE.len();
    while let Some(len) = be_u32(bytes, at) {
        let Ok(len) = usize::try_from(len) else { break };
        let Some(kind) = bytes.get(at + 4..at + 8) else { break };
        let kind = [kind[0], kind[1], kind[2], kind[3]];
        let start = at + 8;
        let Some(data) = start.checked_add(len).and_then(|end| bytes.get(start..end)) else { break };
        out.push((kind, data));
        if &kind == b"IEND" {
            break;
        }
        at = start + len + 4;
    }
    out
}

/// `frs:` declarations from PNG `tEXt` and uncompressed `iTXt` chunks, in file order.
fn png_text_declarations(bytes: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (kind, data) in png_chunks(bytes) {
        let (keyword, text) = match &kind {
            b"tEXt" => {
                let Some(nul) = data.iter().position(|&b| b == 0) else { continue };
                let (keyword, rest) = data.split_at(nul);
                // tEXt is Latin-1.
                let text: String = rest.iter().skip(1).map(|&b| char::from(b)).collect();
                (keyword, text)
            }
            b"iTXt" => {
                let Some(nul) = data.iter().position(|&b| b == 0) else { continue };
                let (keyword, rest) = data.split_at(nul);
                // NUL, compression flag, compression method, language tag NUL, translated
                // keyword NUL, text.
                if rest.get(1) != Some(&0) {
                    continue; // compressed: not supported
                }
                let Some(rest) = rest.get(3..) else { continue };
                let Some(lang_end) = rest.iter().position(|&b| b == 0) else { continue };
                let Some(rest) = rest.get(lang_end + 1..) else { continue };
                let Some(tk_end) = rest.iter().position(|&b| b == 0) else { continue };
                let Some(text) = rest.get(tk_end + 1..) else { continue };
                (keyword, String::from_utf8_lossy(text).into_owned())
            }
            _ => continue,
        };
        let Some(key) = keyword.strip_prefix(b"frs:") else { continue };
        if key.is_empty() || !key.iter().all(|&b| is_key_byte(b)) {
            continue;
        }
        out.push((String::from_utf8_lossy(key).into_owned(), text.trim().to_owned()));
    }
    out
}

/// `frs:<key>=<value>` tokens anywhere in the bytes, in byte order.
fn token_declarations(bytes: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = bytes.get(at..).and_then(|rest| rest.windows(4).position(|w| w == b"frs:")) {
        let key_start = at + found + 4;
        let key_len = bytes.get(key_start..).map_or(0, |r| r.iter().take_while(|&&b| is_key_byte(b)).count());
        let eq = key_start + key_len;
        at = key_start;
        if key_len == 0 || bytes.get(eq) != Some(&b'=') {
            continue;
        }
        let value_start = eq + 1;
        let value_len =
            bytes.get(value_start..).map_or(0, |r| r.iter().take_while(|&&b| is_value_byte(b)).count());
        if value_len == 0 {
            continue;
        }
        let key = String::from_utf8_lossy(bytes.get(key_start..eq).unwrap_or_default()).into_owned();
        let value =
            String::from_utf8_lossy(bytes.get(value_start..value_start + value_len).unwrap_or_default())
                .into_owned();
        out.push((key, value));
        at = value_start + value_len;
    }
    out
}

/// Every declaration in the bytes, key → value; for each key the first one wins (PNG text
/// chunks before tokens). Includes keys the engine does not know.
pub fn declarations(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (key, value) in png_text_declarations(bytes).into_iter().chain(token_declarations(bytes)) {
        out.entry(key).or_insert(value);
    }
    out
}

/// A declaration that does not parse: (key, value, expected).
type BadDeclaration = (String, String, &'static str);

struct Declared(BTreeMap<String, String>);

impl Declared {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    fn bad(key: &str, value: &str, expected: &'static str) -> BadDeclaration {
        (key.to_owned(), value.chars().take(MAX_QUOTED).collect(), expected)
    }

    fn person(&self, bytes: &[u8]) -> Result<String, BadDeclaration> {
        match self.get("person") {
            Some("") => Err(Self::bad("person", "", "a non-empty name")),
            Some(name) => Ok(name.to_owned()),
            None => Ok(default_person(bytes)),
        }
    }

    fn number<T: std::str::FromStr + PartialOrd + Copy>(
        &self,
        key: &str,
        lo: T,
        hi: T,
        expected: &'static str,
    ) -> Result<Option<T>, BadDeclaration> {
        let Some(value) = self.get(key) else { return Ok(None) };
        match value.parse::<T>() {
            Ok(n) if n >= lo && n <= hi => Ok(Some(n)),
            _ => Err(Self::bad(key, value, expected)),
        }
    }

    fn flag(&self, key: &str) -> Result<Option<bool>, BadDeclaration> {
        match self.get(key) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(Self::bad(key, other, "`true` or `false`")),
        }
    }

    fn choice(
        &self,
        key: &str,
        allowed: &[&'static str],
        expected: &'static str,
    ) -> Result<Option<&'static str>, BadDeclaration> {
        let Some(value) = self.get(key) else { return Ok(None) };
        allowed.iter().find(|a| **a == value).map(|a| Some(*a)).ok_or_else(|| Self::bad(key, value, expected))
    }

    fn variant(&self, bytes: &[u8]) -> Result<u64, BadDeclaration> {
        Ok(self
            .number("variant", 0, u64::MAX, "an unsigned 64-bit number")?
            .unwrap_or_else(|| default_variant(bytes)))
    }

    fn faces(&self) -> Result<u32, BadDeclaration> {
        Ok(self.number("faces", 0, MAX_DECLARED_FACES, "a whole number from 0 to 100")?.unwrap_or(1))
    }

    /// Applies attribute declarations to `attributes`.
    fn apply_attributes(&self, attributes: &mut Attributes) -> Result<(), BadDeclaration> {
        let some = |s: &str| Some(s.to_owned());
        if let Some(g) = self.choice("gender", &["male", "female"], "`male` or `female`")? {
            attributes.gender = some(g);
        }
        if let Some(age) = self.number::<i64>("age", 0, 120, "a whole number from 0 to 120")? {
            attributes.age = Some(age);
        }
        if let Some(g) =
            self.choice("glass", &["yes", "dark", "none", "unknown"], "yes, dark, none or unknown")?
        {
            attributes.glass = some(g);
            attributes.dress.get_or_insert_with(Dress::default).glass = some(g);
        }
        if let Some(h) = self.choice("hat", &["yes", "none", "unknown"], "yes, none or unknown")? {
            attributes.hat = some(h);
            attributes.dress.get_or_insert_with(Dress::default).hat = some(h);
        }
        if let Some(m) = self.choice("mask", &["yes", "none", "unknown"], "yes, none or unknown")? {
            attributes.mask = some(m);
        }
        if let Some(b) = self.choice("beard", &["yes", "none", "unknown"], "yes, none or unknown")? {
            attributes.beard = some(b);
        }
        if let Some(h) = self.choice("hair", &["long", "short", "unknown"], "long, short or unknown")? {
            attributes.hair = some(h);
        }
        if let Some(p) = self.choice(
            "phototype",
            &["idcard", "monitor", "internet_photo"],
            "idcard, monitor or internet_photo",
        )? {
            attributes.phototype = some(if p == "internet_photo" { "internet photo" } else { p });
        }
        if let Some(e) = self.choice(
            "expression",
            &["neutral", "happy", "fear", "surprise", "sad", "angry", "disgust", "unknown"],
            "neutral, happy, fear, surprise, sad, angry, disgust or unknown",
        )? {
            attributes.expression.get_or_insert_with(Expression::default).kind = some(e);
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------

/// Width and height from the headers, when present and non-zero.
fn image_size(format: ImageFormat, bytes: &[u8]) -> Option<(u32, u32)> {
    let (w, h) = match format {
        ImageFormat::Png => {
            // The signature, then IHDR: length, "IHDR", width, height.
            if bytes.get(12..16) != Some(b"IHDR") {
                return None;
            }
            (be_u32(bytes, 16)?, be_u32(bytes, 20)?)
        }
        ImageFormat::Jpeg => jpeg_size(bytes)?,
        ImageFormat::Bmp => {
            let header = le_u32(bytes, 14)?;
            if !matches!(header, 12 | 16 | 40 | 52 | 56 | 64 | 108 | 124) {
                return None; // not a known DIB header: the size is unknown
            }
            if header == 12 {
                // BITMAPCOREHEADER: 16-bit width and height.
                (u32::from(le_u16(bytes, 18)?), u32::from(le_u16(bytes, 20)?))
            } else {
                // BITMAPINFOHEADER and later: signed 32-bit; a negative height is top-down.
                let w = le_u32(bytes, 18)?.cast_signed();
                let h = le_u32(bytes, 22)?.cast_signed();
                (w.unsigned_abs(), h.unsigned_abs())
            }
        }
    };
    (w > 0 && h > 0).then_some((w, h))
}

/// Width and height from the first SOF marker before the scan.
fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2; // after SOI
    loop {
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        while *bytes.get(at)? == 0xFF {
            at += 1;
        }
        let marker = *bytes.get(at)?;
        match marker {
            0x01 | 0xD0..=0xD8 => {
                at += 1;
                continue;
            }
            0xD9 | 0xDA => return None,
            _ => {}
        }
        let len = usize::from(be_u16(bytes, at + 1)?);
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            // length (2), precision (1), height (2), width (2)
            let h = be_u16(bytes, at + 4)?;
            let w = be_u16(bytes, at + 6)?;
            return Some((u32::from(w), u32::from(h)));
        }
        if len < 2 {
            return None;
        }
        at += 1 + len;
    }
}

/// Where the faces of a `width` × `height` image are: `faces` squares on a grid (as many
/// columns as the rounded-up square root of `faces`), each centred in its cell, the first
/// 3/5 of the cell's smaller side and each next one smaller, down to about half of that.
/// Non-increasing sizes, so the first box is the largest; all inside the image (a zero
/// width or height counts as 1; in an image too small for the grid every face is the
/// top-left pixel).
pub fn face_boxes(width: u32, height: u32, faces: u32) -> Vec<BoundingBox> {
    if faces == 0 {
        return Vec::new();
    }
    let n = u64::from(faces);
    let (w, h) = (u64::from(width.max(1)), u64::from(height.max(1)));
    let mut cols = 1;
    while cols * cols < n {
        cols += 1;
    }
    let rows = n.div_ceil(cols);
    let (cell_w, cell_h) = (w / cols, h / rows);
    if cell_w == 0 || cell_h == 0 {
        // Too small for a grid: every face is the top-left pixel.
        return (0..n).map(|_| BoundingBox { top_left_x: 0, top_left_y: 0, width: 1, height: 1 }).collect();
    }
    // At most the cell's smaller side, so every square stays inside its cell.
    let base = (cell_w.min(cell_h) * 3 / 5).max(1);
    let int = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    (0..n)
        .map(|i| {
            let side = base - base * i / (2 * n);
            let (col, row) = (i % cols, i / cols);
            let x = col * cell_w + (cell_w - side) / 2;
            let y = row * cell_h + (cell_h - side) / 2;
            BoundingBox { top_left_x: int(x), top_left_y: int(y), width: int(side), height: int(side) }
        })
        .collect()
}

/// Every attribute of `person`'s face, derived from a hash of the name: gender, age
/// 18–70, glasses, hat, mask, hair, beard, photo type, quality scores in [0, 1] (multiples
/// of 1/8192, as the service writes them), an expression with its probability, and
/// `face_angle` 0.
pub fn attributes_for(person: &str) -> Attributes {
    let mut rng = Rng::new(seed(&[b"frs-emulator/attributes", person.as_bytes()]));
    let gender = rng.pick(&[("male", 1), ("female", 1)]);
    let age = i64::from(rng.int(18, 70));
    let glass = rng.pick(&[("none", 70), ("yes", 20), ("dark", 10)]);
    let hat = rng.pick(&[("none", 85), ("yes", 15)]);
    let mask = rng.pick(&[("none", 90), ("yes", 10)]);
    let hair = if gender == "female" {
        rng.pick(&[("long", 75), ("short", 25)])
    } else {
        rng.pick(&[("short", 80), ("long", 20)])
    };
    let beard = if gender == "female" { "none" } else { rng.pick(&[("none", 70), ("yes", 30)]) };
    let phototype = rng.pick(&[("internet photo", 70), ("monitor", 20), ("idcard", 10)]);
    let quality = FaceQuality {
        total_score: Some(quantize(rng.range(0.55, 0.95))),
        blur: Some(quantize(rng.range(0.05, 0.40))),
        pose: Some(quantize(rng.range(0.05, 0.40))),
        occlusion: Some(quantize(rng.range(0.05, 0.40))),
        illumination: Some(quantize(rng.range(0.05, 0.40))),
    };
    let expression = rng.pick(&[
        ("neutral", 50),
        ("happy", 30),
        ("surprise", 8),
        ("sad", 5),
        ("angry", 3),
        ("fear", 2),
        ("disgust", 2),
    ]);
    let probability = round4(rng.range(0.6, 0.99));
    let s = |v: &str| Some(v.to_owned());
    Attributes {
        gender: s(gender),
        age: Some(age),
        dress: Some(Dress { glass: s(glass), hat: s(hat) }),
        glass: s(glass),
        hat: s(hat),
        mask: s(mask),
        hair: s(hair),
        beard: s(beard),
        phototype: s(phototype),
        quality: Some(quality),
        expression: Some(Expression { kind: s(expression), probability: Some(probability) }),
        face_angle: Some(0),
    }
}

/// A confidence for a positive (0.90–0.99) or negative (0.05–0.30) verdict, derived from
/// the parts.
fn confidence(positive: bool, parts: &[&[u8]]) -> f64 {
    let mut rng = Rng::new(seed(parts));
    round4(if positive { rng.range(0.90, 0.99) } else { rng.range(0.05, 0.30) })
}

/// Analyses an image with the default [`ResolutionLimit::INTERNATIONAL`]; see the
/// [module documentation](self) for the rules.
///
/// # Errors
/// An empty input, an unsupported format, a resolution too large, a declaration that
/// does not parse.
pub fn analyze_image(bytes: &[u8]) -> Result<ImageAnalysis, ImageRejection> {
    analyze_image_with_limit(bytes, ResolutionLimit::INTERNATIONAL)
}

/// Analyses an image, checking its resolution against `limit`.
///
/// # Errors
/// As [`analyze_image`].
pub fn analyze_image_with_limit(
    bytes: &[u8],
    limit: ResolutionLimit,
) -> Result<ImageAnalysis, ImageRejection> {
    if bytes.is_empty() {
        return Err(ImageRejection::Empty);
    }
    let format = ImageFormat::detect(bytes).ok_or(ImageRejection::UnsupportedFormat)?;
    let size = image_size(format, bytes);
    if let Some((width, height)) = size
        && !limit.allows(width, height)
    {
        return Err(ImageRejection::ResolutionTooLarge { width, height, limit });
    }
    let (width, height) = size.unwrap_or((DEFAULT_WIDTH, DEFAULT_HEIGHT));
    let invalid =
        |(key, value, expected): BadDeclaration| ImageRejection::InvalidDeclaration { key, value, expected };
    let declared = Declared(declarations(bytes));
    let person = declared.person(bytes).map_err(invalid)?;
    let face_count = declared.faces().map_err(invalid)?;
    let live = declared.flag("live").map_err(invalid)?.unwrap_or(true);
    let variant = declared.variant(bytes).map_err(invalid)?;
    let mut first_attributes = attributes_for(&person);
    declared.apply_attributes(&mut first_attributes).map_err(invalid)?;

    let faces = face_boxes(width, height, face_count)
        .into_iter()
        .enumerate()
        .map(|(index, bounding_box)| {
            let face_person = face_person(&person, index);
            let attributes = if index == 0 { first_attributes.clone() } else { attributes_for(&face_person) };
            EngineFace {
                person: face_person,
                variant: face_variant(variant, index),
                bounding_box,
                attributes,
            }
        })
        .collect();
    let live_confidence =
        confidence(live, &[b"frs-emulator/live", &variant.to_le_bytes(), person.as_bytes()]);
    Ok(ImageAnalysis {
        format,
        width,
        height,
        size_from_headers: size.is_some(),
        faces,
        live,
        live_confidence,
    })
}

// ---------------------------------------------------------------------------------------
// Features and similarity
// ---------------------------------------------------------------------------------------

/// A random direction (not normalised) from `seed`.
fn random_direction(seed: u64) -> [f64; FEATURE_DIM] {
    let mut rng = Rng::new(seed);
    let mut v = [0.0; FEATURE_DIM];
    for x in &mut v {
        *x = rng.range(-1.0, 1.0);
    }
    v
}

fn dot64(a: &[f64; FEATURE_DIM], b: &[f64; FEATURE_DIM]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn normalize(v: &mut [f64; FEATURE_DIM]) -> bool {
    let norm = dot64(v, v).sqrt();
    if norm < 1e-9 {
        return false;
    }
    for x in v.iter_mut() {
        *x /= norm;
    }
    true
}

/// The feature vector of `person`'s face in picture `variant`: unit length; see the
/// [module documentation](self#features-and-similarity).
pub fn features(person: &str, variant: u64) -> Features {
    let mut base = random_direction(seed(&[b"frs-emulator/person", person.as_bytes()]));
    let mut out = [0.0f32; FEATURE_DIM];
    if !normalize(&mut base) {
        return out;
    }
    let mut noise =
        random_direction(seed(&[b"frs-emulator/variant", person.as_bytes(), &variant.to_le_bytes()]));
    let along = dot64(&noise, &base);
    for (n, b) in noise.iter_mut().zip(&base) {
        *n -= along * b;
    }
    let (cos, sin) = if normalize(&mut noise) {
        ((1.0 - VARIANT_SPREAD).sqrt(), VARIANT_SPREAD.sqrt())
    } else {
        (1.0, 0.0)
    };
    for ((o, b), n) in out.iter_mut().zip(&base).zip(&noise) {
        *o = (cos * b + sin * n) as f32;
    }
    out
}

/// The cosine of the angle between two vectors (0 when either is zero); symmetric.
pub fn cosine(a: &Features, b: &Features) -> f64 {
    let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    let norms = (aa * bb).sqrt();
    if norms == 0.0 { 0.0 } else { (ab / norms).clamp(-1.0, 1.0) }
}

/// Maps a cosine to a similarity in [0, 1], monotonically: at least 0.94 stays as is
/// (from 1 − 10⁻⁶ on it is exactly 1.0), [0.8, 0.94) becomes [0.6, 0.94) linearly, below
/// 0.8 becomes `0.6 · (c + 1) / 1.8`.
pub fn similarity_from_cosine(c: f64) -> f64 {
    const SAME: f64 = 0.94;
    const LOW: f64 = 0.8;
    const LOW_SIMILARITY: f64 = 0.6;
    let c = if c.is_nan() { -1.0 } else { c.clamp(-1.0, 1.0) };
    if c >= 1.0 - 1e-6 {
        1.0
    } else if c >= SAME {
        c
    } else if c >= LOW {
        LOW_SIMILARITY + (c - LOW) * (SAME - LOW_SIMILARITY) / (SAME - LOW)
    } else {
        (LOW_SIMILARITY * (c + 1.0) / (LOW + 1.0)).max(0.0)
    }
}

/// The similarity of two faces, each (person, variant), in [0, 1] and symmetric: 1.0 for
/// the same picture, at least 0.94 for the same person, about 0.33 (at most 0.6) for
/// different people.
pub fn similarity(a: (&str, u64), b: (&str, u64)) -> f64 {
    if a == b {
        return 1.0;
    }
    similarity_from_cosine(cosine(&features(a.0, a.1), &features(b.0, b.1)))
}

/// Feature vectors kept by (person, variant), so that a search over many stored faces
/// computes each vector once.
#[derive(Debug, Clone, Default)]
pub struct FeatureCache {
    vectors: HashMap<(String, u64), Features>,
}

impl FeatureCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The vector of (person, variant), computed on first use.
    pub fn get(&mut self, person: &str, variant: u64) -> &Features {
        self.vectors.entry((person.to_owned(), variant)).or_insert_with(|| features(person, variant))
    }

    /// The similarity of two faces, through the cache.
    pub fn similarity(&mut self, a: (&str, u64), b: (&str, u64)) -> f64 {
        if a == b {
            return 1.0;
        }
        let fa = *self.get(a.0, a.1);
        similarity_from_cosine(cosine(&fa, self.get(b.0, b.1)))
    }

    /// How many vectors are kept.
    pub fn len(&self) -> usize {
        self.vectors.len()
    }

    /// Whether no vector is kept.
    pub fn is_empty(&self) -> bool {
        self.vectors.is_empty()
    }

    /// Forgets every vector.
    pub fn clear(&mut self) {
        self.vectors.clear();
    }
}

// ---------------------------------------------------------------------------------------
// Videos
// ---------------------------------------------------------------------------------------

fn parse_actions(value: &str) -> Option<Vec<u8>> {
    if value == "none" {
        return Some(Vec::new());
    }
    value.split(',').map(|code| code.parse::<u8>().ok().filter(|c| *c > 0)).collect()
}

/// Analyses a video; see the [module documentation](self) for the rules.
///
/// # Errors
/// An empty input, an unknown container (FRS.0701), a declared duration outside 1–15 s
/// (FRS.0706), a declaration that does not parse.
pub fn analyze_video(bytes: &[u8]) -> Result<VideoAnalysis, VideoRejection> {
    if bytes.is_empty() {
        return Err(VideoRejection::Empty);
    }
    let format = VideoFormat::detect(bytes).ok_or(VideoRejection::UnsupportedContainer)?;
    let invalid =
        |(key, value, expected): BadDeclaration| VideoRejection::InvalidDeclaration { key, value, expected };
    let declared = Declared(declarations(bytes));
    let duration_ms = match declared.get("duration_ms") {
        None => DEFAULT_VIDEO_DURATION_MS,
        Some(value) => {
            let ms = value.parse::<u64>().map_err(|_| {
                invalid(Declared::bad("duration_ms", value, "a whole number of milliseconds"))
            })?;
            match u32::try_from(ms) {
                Ok(ms) if (MIN_VIDEO_DURATION_MS..=MAX_VIDEO_DURATION_MS).contains(&ms) => ms,
                _ => return Err(VideoRejection::Duration { duration_ms: ms }),
            }
        }
    };
    let person = declared.person(bytes).map_err(invalid)?;
    let variant = declared.variant(bytes).map_err(invalid)?;
    let faces = declared.faces().map_err(invalid)?;
    let alive = declared.flag("alive").map_err(invalid)?.unwrap_or(true);
    let fps = declared
        .number("fps", 1, 240, "a whole number from 1 to 240")
        .map_err(invalid)?
        .unwrap_or(DEFAULT_FPS);
    let performed_actions = match declared.get("actions") {
        None => None,
        Some(value) => Some(parse_actions(value).ok_or_else(|| {
            invalid(Declared::bad("actions", value, "action codes separated by commas (`1,3`) or `none`"))
        })?),
    };
    Ok(VideoAnalysis { format, duration_ms, person, variant, faces, alive, performed_actions, fps })
}

fn performed(video: &VideoAnalysis, action: u8) -> bool {
    video.performed_actions.as_ref().is_none_or(|done| done.contains(&action))
}

/// The verdict on `requested` actions: whether the video is alive (a live subject, a
/// face, every requested action performed) and a confidence per requested action, in the
/// requested order (0.90–0.99 when a live subject performed it, 0.05–0.30 otherwise).
pub fn judge_actions(video: &VideoAnalysis, requested: &[u8]) -> (bool, Vec<(u8, f64)>) {
    let subject = video.alive && video.faces > 0;
    let confidences = requested
        .iter()
        .enumerate()
        .map(|(i, &action)| {
            let positive = subject && performed(video, action);
            let parts: [&[u8]; 5] = [
                b"frs-emulator/action",
                video.person.as_bytes(),
                &video.variant.to_le_bytes(),
                &[action],
                &(i as u64).to_le_bytes(),
            ];
            (action, confidence(positive, &parts))
        })
        .collect();
    let alive = subject && requested.iter().all(|&a| performed(video, a));
    (alive, confidences)
}

/// The warnings for a video and its requested actions, by code: 4 several faces, 5 no
/// face, 6 a requested action was not performed (its amplitude was too small), 7 not a
/// live person. The messages are the emulator's own (the service's are not documented).
pub fn video_warnings(video: &VideoAnalysis, requested: &[u8]) -> Vec<Warning> {
    let warning = |code: i64, message: &str| Warning { code: Some(code), message: Some(message.to_owned()) };
    let mut out = Vec::new();
    if video.faces >= 2 {
        out.push(warning(4, "Two or more faces were detected in the video."));
    }
    if video.faces == 0 {
        out.push(warning(5, "No face was detected in the video."));
    }
    let missing: Vec<String> =
        requested.iter().filter(|&&a| !performed(video, a)).map(ToString::to_string).collect();
    if video.faces > 0 && !missing.is_empty() {
        out.push(warning(
            6,
            &format!("Action amplitude too small: action {} not detected.", missing.join(",")),
        ));
    }
    if !video.alive {
        out.push(warning(7, "Poor video quality or not a real person."));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("user-{i}-{}", mix::hash(i as u64) % 1000)).collect()
    }

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

    #[test]
    fn resolution_limits() {
        let l = ResolutionLimit::INTERNATIONAL;
        assert!(l.allows(4095, 2159));
        assert!(l.allows(2159, 4095));
        assert!(!l.allows(4096, 2000));
        assert!(!l.allows(3840, 2160));
        assert!(!l.allows(2160, 3840));
        assert!(ResolutionLimit::CHINA_2025.allows(4095, 4095));
        assert!(!ResolutionLimit::CHINA_2025.allows(4096, 100));
        assert_eq!(ResolutionLimit::default(), l);
    }

    #[test]
    fn jpeg_and_bmp_sizes_from_headers() {
        // SOI, APP0 (length 4), SOF0 with height 300, width 400.
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x01, 0x2C, 0x01,
            0x90, 0x01, 0x01, 0x11, 0x00,
        ];
        let a = analyze_image(&jpeg).unwrap();
        assert_eq!((a.width, a.height, a.size_from_headers), (400, 300, true));
        // A JPEG of 4096 x 2160 is refused.
        let mut big = jpeg;
        big[13..17].copy_from_slice(&[0x08, 0x70, 0x10, 0x00]);
        let err = analyze_image(&big).unwrap_err();
        assert!(
            matches!(err, ImageRejection::ResolutionTooLarge { width: 4096, height: 2160, .. }),
            "{err:?}"
        );
        assert_eq!(err.error_code().as_str(), "FRS.0013");
        assert!(analyze_image_with_limit(&big, ResolutionLimit::CHINA_2025).is_err());
        // 3840 x 2160 (4K UHD): refused by the international limit only.
        big[13..17].copy_from_slice(&[0x08, 0x70, 0x0F, 0x00]);
        assert!(analyze_image(&big).is_err());
        assert!(analyze_image_with_limit(&big, ResolutionLimit::CHINA_2025).is_ok());
        // BMP, BITMAPINFOHEADER, top-down (negative height).
        let mut bmp = vec![0u8; 54];
        bmp[0..2].copy_from_slice(b"BM");
        bmp[14..18].copy_from_slice(&40u32.to_le_bytes());
        bmp[18..22].copy_from_slice(&800i32.to_le_bytes());
        bmp[22..26].copy_from_slice(&(-600i32).to_le_bytes());
        let a = analyze_image(&bmp).unwrap();
        assert_eq!((a.width, a.height), (800, 600));
        // BITMAPCOREHEADER.
        let mut core = vec![0u8; 26];
        core[0..2].copy_from_slice(b"BM");
        core[14..18].copy_from_slice(&12u32.to_le_bytes());
        core[18..20].copy_from_slice(&320u16.to_le_bytes());
        core[20..22].copy_from_slice(&200u16.to_le_bytes());
        let a = analyze_image(&core).unwrap();
        assert_eq!((a.width, a.height), (320, 200));
        // Truncated: the default size.
        let a = analyze_image(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F']).unwrap();
        assert_eq!((a.width, a.height, a.size_from_headers), (640, 480, false));
    }

    #[test]
    fn undeclared_inputs_are_deterministic() {
        let a = analyze_image(b"BM some bytes").unwrap();
        let b = analyze_image(b"BM some bytes").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.faces.len(), 1);
        assert!(a.faces[0].person.starts_with("person-"));
        assert_eq!(a.faces[0].person.len(), "person-".len() + 12);
        assert!(a.live);
        let mut persons = std::collections::HashSet::new();
        for i in 0..200 {
            let bytes = format!("BM image {i}");
            let x = analyze_image(bytes.as_bytes()).unwrap();
            persons.insert(x.faces[0].person.clone());
        }
        assert_eq!(persons.len(), 200);
    }

    #[test]
    fn attributes_are_complete_and_deterministic() {
        for name in names(300) {
            let a = attributes_for(&name);
            assert_eq!(a, attributes_for(&name));
            assert!(matches!(a.gender.as_deref(), Some("male" | "female")));
            assert!((18..=70).contains(&a.age.unwrap()));
            assert_eq!(a.dress.as_ref().unwrap().glass, a.glass);
            assert_eq!(a.dress.as_ref().unwrap().hat, a.hat);
            assert!(matches!(a.glass.as_deref(), Some("yes" | "dark" | "none")));
            assert!(matches!(a.hat.as_deref(), Some("yes" | "none")));
            assert!(matches!(a.mask.as_deref(), Some("yes" | "none")));
            assert!(matches!(a.hair.as_deref(), Some("long" | "short")));
            assert!(matches!(a.beard.as_deref(), Some("yes" | "none")));
            if a.gender.as_deref() == Some("female") {
                assert_eq!(a.beard.as_deref(), Some("none"));
            }
            assert!(matches!(a.phototype.as_deref(), Some("idcard" | "monitor" | "internet photo")));
            let q = a.quality.unwrap();
            for v in [q.total_score, q.blur, q.pose, q.occlusion, q.illumination] {
                let v = v.unwrap();
                assert!((0.0..=1.0).contains(&v));
                assert_eq!(v * 8192.0, (v * 8192.0).round());
            }
            let e = a.expression.unwrap();
            assert!(e.kind.is_some());
            assert!((0.0..=1.0).contains(&e.probability.unwrap()));
            assert_eq!(a.face_angle, Some(0));
        }
        let genders: std::collections::HashSet<_> =
            names(50).iter().map(|n| attributes_for(n).gender).collect();
        assert_eq!(genders.len(), 2);
    }

    #[test]
    fn declared_attributes_override_the_first_face() {
        let bytes = b"BM frs:person=carol frs:faces=2 frs:gender=female frs:age=33 frs:glass=dark frs:hat=yes \
                      frs:mask=yes frs:beard=none frs:hair=long frs:phototype=internet_photo frs:expression=sad";
        let a = analyze_image(bytes).unwrap();
        let f = &a.faces[0].attributes;
        assert_eq!(f.gender.as_deref(), Some("female"));
        assert_eq!(f.age, Some(33));
        assert_eq!(f.glass.as_deref(), Some("dark"));
        assert_eq!(f.dress.as_ref().unwrap().glass.as_deref(), Some("dark"));
        assert_eq!(f.hat.as_deref(), Some("yes"));
        assert_eq!(f.dress.as_ref().unwrap().hat.as_deref(), Some("yes"));
        assert_eq!(f.mask.as_deref(), Some("yes"));
        assert_eq!(f.beard.as_deref(), Some("none"));
        assert_eq!(f.hair.as_deref(), Some("long"));
        assert_eq!(f.phototype.as_deref(), Some("internet photo"));
        assert_eq!(f.expression.as_ref().unwrap().kind.as_deref(), Some("sad"));
        assert_eq!(a.faces[1].attributes, attributes_for("carol#2"));
    }

    #[test]
    fn face_boxes_are_inside_and_largest_first() {
        for (w, h) in [(640, 480), (1, 1), (33, 4000), (4095, 2159), (100, 100)] {
            for n in 0..=MAX_DECLARED_FACES {
                let boxes = face_boxes(w, h, n);
                assert_eq!(boxes.len(), n as usize);
                for pair in boxes.windows(2) {
                    assert!(pair[0].width * pair[0].height >= pair[1].width * pair[1].height);
                }
                for b in &boxes {
                    assert!(b.top_left_x >= 0 && b.top_left_y >= 0 && b.width >= 1 && b.height >= 1);
                    assert!(b.top_left_x + b.width <= i64::from(w), "{w}x{h} {n}: {b:?}");
                    assert!(b.top_left_y + b.height <= i64::from(h), "{w}x{h} {n}: {b:?}");
                }
            }
        }
        let one = face_boxes(640, 480, 1);
        assert_eq!(one[0], BoundingBox { top_left_x: 176, top_left_y: 96, width: 288, height: 288 });
        let two = face_boxes(640, 480, 2);
        assert!(two[0].width > two[1].width);
    }

    #[test]
    fn group_photos_and_variants() {
        let a = analyze_image(b"BM frs:person=dave frs:faces=3 frs:variant=7").unwrap();
        let persons: Vec<_> = a.faces.iter().map(|f| f.person.as_str()).collect();
        assert_eq!(persons, ["dave", "dave#2", "dave#3"]);
        assert_eq!(a.faces[0].variant, 7);
        assert_eq!(a.faces[1].variant, face_variant(7, 1));
        assert_ne!(a.faces[1].variant, a.faces[2].variant);
        let areas: Vec<_> = a.faces.iter().map(|f| f.bounding_box.width * f.bounding_box.height).collect();
        assert!(areas.windows(2).all(|w| w[0] > w[1]), "{areas:?}");
        assert!(analyze_image(b"BM frs:faces=0").unwrap().faces.is_empty());
        // Undeclared variants differ between images of the same person.
        let x = analyze_image(b"BM frs:person=dave 1").unwrap();
        let y = analyze_image(b"BM frs:person=dave 2").unwrap();
        assert_ne!(x.faces[0].variant, y.faces[0].variant);
        let s =
            similarity((&x.faces[0].person, x.faces[0].variant), (&y.faces[0].person, y.faces[0].variant));
        assert!((0.94..1.0).contains(&s), "{s}");
    }

    #[test]
    fn features_are_unit_vectors() {
        for name in names(20) {
            for variant in [0, 1, u64::MAX] {
                let f = features(&name, variant);
                let norm: f64 = f.iter().map(|x| f64::from(*x) * f64::from(*x)).sum::<f64>().sqrt();
                assert!((norm - 1.0).abs() < 1e-5, "{norm}");
                assert_eq!(f, features(&name, variant));
            }
        }
    }

    #[test]
    fn similarity_properties() {
        let names = names(300);
        let vectors: Vec<_> =
            names.iter().map(|n| (features(n, 0), features(n, 1), features(n, 99))).collect();
        let mut max_different = 0.0f64;
        let mut min_same = 1.0f64;
        for (i, (a0, a1, a2)) in vectors.iter().enumerate() {
            for pair in [(a0, a1), (a0, a2), (a1, a2)] {
                let s = similarity_from_cosine(cosine(pair.0, pair.1));
                let back = similarity_from_cosine(cosine(pair.1, pair.0));
                assert_eq!(s, back);
                assert!((0.94..1.0).contains(&s), "{}: {s}", names[i]);
                min_same = min_same.min(s);
            }
            assert_eq!(similarity_from_cosine(cosine(a0, a0)), 1.0);
            for (b0, b1, _) in vectors.iter().skip(i + 1) {
                for pair in [(a0, b0), (a1, b1), (a0, b1)] {
                    let s = similarity_from_cosine(cosine(pair.0, pair.1));
                    assert_eq!(s, similarity_from_cosine(cosine(pair.1, pair.0)));
                    assert!((0.0..=0.6).contains(&s), "{s}");
                    max_different = max_different.max(s);
                }
            }
        }
        assert!(min_same >= 0.94, "{min_same}");
        assert!(max_different < 0.55, "{max_different}");
        // The public helpers agree.
        assert_eq!(similarity(("alice", 3), ("alice", 3)), 1.0);
        let s = similarity(("alice", 3), ("alice", 4));
        assert_eq!(s, similarity(("alice", 4), ("alice", 3)));
        assert!(s >= 0.93);
        assert!(similarity(("alice", 3), ("bob", 3)) <= 0.6);
        let mut cache = FeatureCache::new();
        assert!(cache.is_empty());
        assert_eq!(cache.similarity(("alice", 3), ("alice", 4)), s);
        assert_eq!(cache.len(), 2);
        cache.clear();
        assert!(cache.is_empty());
    }

    #[test]
    fn similarity_mapping_is_monotone() {
        let mut last = -1.0;
        for i in -1000..=1000 {
            let s = similarity_from_cosine(f64::from(i) / 1000.0);
            assert!((0.0..=1.0).contains(&s));
            assert!(s >= last);
            last = s;
        }
        assert_eq!(similarity_from_cosine(-1.0), 0.0);
        assert_eq!(similarity_from_cosine(1.0), 1.0);
        assert!((similarity_from_cosine(0.8) - 0.6).abs() < 1e-12);
        assert_eq!(similarity_from_cosine(0.95), 0.95);
        assert_eq!(similarity_from_cosine(f64::NAN), 0.0);
        assert_eq!(cosine(&[0.0; FEATURE_DIM], &features("a", 0)), 0.0);
    }

    fn mp4(tokens: &str) -> Vec<u8> {
        let mut v = vec![0, 0, 0, 16];
        v.extend_from_slice(b"ftypisom\0\0\0\0");
        v.extend_from_slice(tokens.as_bytes());
        v
    }

    #[test]
    fn videos() {
        let v = analyze_video(&mp4("")).unwrap();
        assert_eq!(v.format, VideoFormat::Mp4);
        assert_eq!(v.duration_ms, 3000);
        assert!(v.person.starts_with("person-"));
        assert_eq!((v.faces, v.alive, v.fps, v.performed_actions.clone()), (1, true, 25, None));
        let (alive, conf) = judge_actions(&v, &[1, 3]);
        assert!(alive);
        assert_eq!(conf.iter().map(|c| c.0).collect::<Vec<_>>(), [1, 3]);
        assert!(conf.iter().all(|c| c.1 >= 0.9 && c.1 <= 0.99));
        assert!(video_warnings(&v, &[1, 3]).is_empty());

        let v = analyze_video(&mp4("frs:person=bob frs:actions=1 frs:fps=12 frs:duration_ms=15000")).unwrap();
        assert_eq!((v.person.as_str(), v.fps, v.duration_ms), ("bob", 12, 15000));
        let (alive, conf) = judge_actions(&v, &[1, 3]);
        assert!(!alive);
        assert!(conf[0].1 >= 0.9);
        assert!(conf[1].1 <= 0.3);
        let codes: Vec<_> = video_warnings(&v, &[1, 3]).iter().map(|w| w.code.unwrap()).collect();
        assert_eq!(codes, [6]);

        let v = analyze_video(&mp4("frs:alive=false frs:faces=2")).unwrap();
        let (alive, conf) = judge_actions(&v, &[2]);
        assert!(!alive && conf[0].1 <= 0.3);
        let codes: Vec<_> = video_warnings(&v, &[2]).iter().map(|w| w.code.unwrap()).collect();
        assert_eq!(codes, [4, 7]);

        let v = analyze_video(&mp4("frs:faces=0")).unwrap();
        assert!(!judge_actions(&v, &[1]).0);
        let codes: Vec<_> = video_warnings(&v, &[1]).iter().map(|w| w.code.unwrap()).collect();
        assert_eq!(codes, [5]);

        let v = analyze_video(&mp4("frs:actions=none")).unwrap();
        assert_eq!(v.performed_actions, Some(vec![]));
        assert!(!judge_actions(&v, &[4]).0);

        for bad in ["frs:duration_ms=999", "frs:duration_ms=15001", "frs:duration_ms=99999999999"] {
            let err = analyze_video(&mp4(bad)).unwrap_err();
            assert!(matches!(err, VideoRejection::Duration { .. }), "{bad}: {err:?}");
            assert_eq!(err.error_code().as_str(), "FRS.0706");
        }
        assert!(analyze_video(&mp4("frs:duration_ms=1000")).is_ok());
        for bad in ["frs:duration_ms=x1", "frs:actions=1,,2", "frs:actions=0", "frs:fps=0", "frs:alive=no"] {
            let err = analyze_video(&mp4(bad)).unwrap_err();
            assert!(matches!(err, VideoRejection::InvalidDeclaration { .. }), "{bad}: {err:?}");
            assert_eq!(err.error_code().as_str(), "FRS.0012");
        }
    }
}
