//! Writing test images and videos that declare what they show.
//!
//! The emulator's [face engine](crate::engine) reads `frs:` declarations from the bytes;
//! these builders write them, in files that are structurally valid:
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

/// The grey of the background.
const BACKGROUND: u8 = 0xB4;
/// The grey of a face.
const FACE: u8 = 0x5A;

/// CRC-32 (ISO-HDLC, as PNG and zlib use it) of `data`, computed bit by bit.
pub fn crc32(data: &[u8]) -> u32 {
    crc32_update(0xFFFF_FFFF, data) ^ 0xFFFF_FFFF
}

fn crc32_update(mut crc: u32, data: &[u8]) -> u32 {
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    crc
}

fn token_key(key: &str) -> String {
    key.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect()
}

fn token_value(value: &str) -> String {
    let v: String = value
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ',' | '-') { c } else { '_' })
        .collect();
    if v.is_empty() { "_".to_owned() } else { v }
}

/// The declarations as tokens separated by spaces: `frs:person=alice frs:faces=2`.
fn tokens(declarations: &[(String, String)]) -> String {
    declarations
        .iter()
        .map(|(k, v)| format!("frs:{}={}", token_key(k), token_value(v)))
        .collect::<Vec<_>>()
        .join(" ")
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
    person: Option<String>,
    faces: Option<u32>,
    live: Option<bool>,
    variant: Option<u64>,
    width: u32,
    height: u32,
    extra: Vec<(String, String)>,
}

impl Default for TestImage {
    /// [`TestImage::anonymous`].
    fn default() -> Self {
        Self::anonymous()
    }
}

impl TestImage {
    /// An image of `person` (`frs:person`).
    pub fn person(person: &str) -> Self {
        Self { person: Some(person.to_owned()), ..Self::anonymous() }
    }

    /// An image that declares no person: the engine derives one from the bytes.
    pub fn anonymous() -> Self {
        Self {
            person: None,
            faces: None,
            live: None,
            variant: None,
            width: engine::DEFAULT_WIDTH,
            height: engine::DEFAULT_HEIGHT,
            extra: Vec::new(),
        }
    }

    /// The number of faces (`frs:faces`; 0 = no face).
    #[must_use]
    pub fn faces(mut self, faces: u32) -> Self {
        self.faces = Some(faces);
        self
    }

    /// The silent liveness verdict (`frs:live`).
    #[must_use]
    pub fn live(mut self, live: bool) -> Self {
        self.live = Some(live);
        self
    }

    /// Which picture of the person (`frs:variant`): two images with the same person and
    /// variant compare with similarity 1.0.
    #[must_use]
    pub fn variant(mut self, variant: u64) -> Self {
        self.variant = Some(variant);
        self
    }

    /// The size in pixels, written into the headers.
    #[must_use]
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.width = width;
        self.height = height;
        self
    }

    /// Any other declaration, e.g. `declare("age", "30")` or `declare("mask", "yes")`.
    #[must_use]
    pub fn declare(mut self, key: &str, value: &str) -> Self {
        self.extra.push((key.to_owned(), value.to_owned()));
        self
    }

    /// The declarations written, in order.
    pub fn declarations(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(person) = &self.person {
            out.push(("person".to_owned(), person.clone()));
        }
        if let Some(faces) = self.faces {
            out.push(("faces".to_owned(), faces.to_string()));
        }
        if let Some(live) = self.live {
            out.push(("live".to_owned(), live.to_string()));
        }
        if let Some(variant) = self.variant {
            out.push(("variant".to_owned(), variant.to_string()));
        }
        out.extend(self.extra.iter().cloned());
        out
    }

    /// The image in `format`.
    pub fn encode(&self, format: ImageFormat) -> Vec<u8> {
        match format {
            ImageFormat::Png => self.png(),
            ImageFormat::Jpeg => self.jpeg(),
            ImageFormat::Bmp => self.bmp(),
        }
    }

    /// The face boxes drawn (at most [`engine::MAX_DECLARED_FACES`]).
    fn boxes(&self) -> Vec<(u64, u64, u64, u64)> {
        let faces = self.faces.unwrap_or(1).min(engine::MAX_DECLARED_FACES);
        engine::face_boxes(self.width, self.height, faces)
            .iter()
            .map(|b| {
                let c = |v: i64| u64::try_from(v).unwrap_or(0);
                (c(b.top_left_x), c(b.top_left_y), c(b.width), c(b.height))
            })
            .collect()
    }

    /// Row `y` as runs of (grey, count).
    fn row(&self, boxes: &[(u64, u64, u64, u64)], y: u64) -> Vec<(u8, u64)> {
        let width = u64::from(self.width);
        let mut spans: Vec<(u64, u64)> =
            boxes.iter().filter(|b| b.1 <= y && y < b.1 + b.3).map(|b| (b.0, b.0 + b.2)).collect();
        spans.sort_unstable();
        let mut runs = Vec::with_capacity(spans.len() * 2 + 1);
        let mut cursor = 0;
        for (start, end) in spans {
            let start = start.max(cursor).min(width);
            let end = end.min(width);
            if start > cursor {
                runs.push((BACKGROUND, start - cursor));
            }
            if end > start {
                runs.push((FACE, end - start));
            }
            cursor = cursor.max(end);
        }
        if cursor < width {
            runs.push((BACKGROUND, width - cursor));
        }
        runs
    }

    /// A PNG file: 8-bit greyscale, declarations in `tEXt`/`iTXt` chunks.
    pub fn png(&self) -> Vec<u8> {
        let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        let mut ihdr = Vec::with_capacity(13);
        ihdr.extend_from_slice(&self.width.to_be_bytes());
        ihdr.extend_from_slice(&self.height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // depth 8, greyscale, deflate, filter 0, no interlace
        png_chunk(&mut out, b"IHDR", &ihdr);
        for (key, value) in self.declarations() {
            let mut data = format!("frs:{}", token_key(&key)).into_bytes();
            data.push(0);
            if value.is_ascii() {
                data.extend_from_slice(value.as_bytes());
                png_chunk(&mut out, b"tEXt", &data);
            } else {
                // Not compressed, no language tag, no translated keyword.
                data.extend_from_slice(&[0, 0, 0, 0]);
                data.extend_from_slice(value.as_bytes());
                png_chunk(&mut out, b"iTXt", &data);
            }
        }
        let boxes = self.boxes();
        let mut z = ZlibRle::new();
        for y in 0..u64::from(self.height) {
            z.run(0, 1); // filter type 0
            for (grey, count) in self.row(&boxes, y) {
                z.run(grey, count);
            }
        }
        png_chunk(&mut out, b"IDAT", &z.finish());
        png_chunk(&mut out, b"IEND", &[]);
        out
    }

    /// A baseline JPEG of uniform grey with the declarations in a `COM` segment.
    pub fn jpeg(&self) -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8];
        // APP0: JFIF 1.1, no density units, 1:1, no thumbnail.
        out.extend_from_slice(&[
            0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
        ]);
        let mut comment = tokens(&self.declarations()).into_bytes();
        comment.truncate(65_533);
        if !comment.is_empty() {
            jpeg_segment(&mut out, 0xFE, &comment);
        }
        // DQT: table 0, 8-bit, all ones.
        let mut dqt = vec![0u8];
        dqt.extend_from_slice(&[1; 64]);
        jpeg_segment(&mut out, 0xDB, &dqt);
        // SOF0: 8-bit, height, width, one component (id 1, 1x1 sampling, table 0).
        let w = u16::try_from(self.width).unwrap_or(u16::MAX);
        let h = u16::try_from(self.height).unwrap_or(u16::MAX);
        let mut sof = vec![8];
        sof.extend_from_slice(&h.to_be_bytes());
        sof.extend_from_slice(&w.to_be_bytes());
        sof.extend_from_slice(&[1, 1, 0x11, 0]);
        jpeg_segment(&mut out, 0xC0, &sof);
        // DHT: DC table 0 and AC table 0, each one 1-bit code ("0") for symbol 0
        // (DC: difference category 0; AC: end of block).
        for class_id in [0x00, 0x10] {
            let mut dht = vec![class_id, 1];
            dht.extend_from_slice(&[0; 15]);
            dht.push(0);
            jpeg_segment(&mut out, 0xC4, &dht);
        }
        // SOS: one component, tables 0/0, spectral 0-63, no approximation.
        jpeg_segment(&mut out, 0xDA, &[1, 1, 0x00, 0, 63, 0]);
        // Every block: DC difference 0 ("0"), end of block ("0") = 2 zero bits; the last
        // byte is padded with 1 bits.
        let blocks = u64::from(w).div_ceil(8) * u64::from(h).div_ceil(8);
        let bits = blocks * 2;
        let full = usize::try_from(bits / 8).unwrap_or(0);
        out.resize(out.len() + full, 0);
        let rest = bits % 8;
        if rest > 0 {
            out.push(0xFF >> rest);
        }
        out.extend_from_slice(&[0xFF, 0xD9]);
        out
    }

    /// A BMP file: 8-bit RLE8, a grey palette, declarations as tokens before the pixels.
    pub fn bmp(&self) -> Vec<u8> {
        let boxes = self.boxes();
        let mut pixels = Vec::new();
        let height = u64::from(self.height);
        for y in (0..height).rev() {
            for (grey, mut count) in self.row(&boxes, y) {
                while count > 0 {
                    let n = count.min(255);
                    pixels.extend_from_slice(&[u8::try_from(n).unwrap_or(255), grey]);
                    count -= n;
                }
            }
            // End of line, or end of bitmap after the last (top) row.
            pixels.extend_from_slice(if y == 0 { &[0, 1] } else { &[0, 0] });
        }
        if height == 0 {
            pixels.extend_from_slice(&[0, 1]);
        }
        let text = format!(" {} \n", tokens(&self.declarations()));
        let offset = 14 + 40 + 256 * 4 + text.len();
        let total = offset + pixels.len();
        let u32_of = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(b"BM");
        out.extend_from_slice(&u32_of(total).to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&u32_of(offset).to_le_bytes());
        out.extend_from_slice(&40u32.to_le_bytes());
        out.extend_from_slice(&i32::try_from(self.width).unwrap_or(i32::MAX).to_le_bytes());
        out.extend_from_slice(&i32::try_from(self.height).unwrap_or(i32::MAX).to_le_bytes());
        out.extend_from_slice(&1u16.to_le_bytes()); // planes
        out.extend_from_slice(&8u16.to_le_bytes()); // bits per pixel
        out.extend_from_slice(&1u32.to_le_bytes()); // BI_RLE8
        out.extend_from_slice(&u32_of(pixels.len()).to_le_bytes());
        out.extend_from_slice(&2835u32.to_le_bytes()); // 72 dpi
        out.extend_from_slice(&2835u32.to_le_bytes());
        out.extend_from_slice(&256u32.to_le_bytes()); // colours used
        out.extend_from_slice(&0u32.to_le_bytes());
        for grey in 0..=255u8 {
            out.extend_from_slice(&[grey, grey, grey, 0]);
        }
        out.extend_from_slice(text.as_bytes());
        out.extend_from_slice(&pixels);
        out
    }
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32_update(crc32_update(0xFFFF_FFFF, kind), data) ^ 0xFFFF_FFFF;
    out.extend_from_slice(&crc.to_be_bytes());
}

fn jpeg_segment(out: &mut Vec<u8>, marker: u8, data: &[u8]) {
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&u16::try_from(data.len() + 2).unwrap_or(u16::MAX).to_be_bytes());
    out.extend_from_slice(data);
}

/// Bits packed least significant first, as deflate wants them.
#[derive(Default)]
struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    count: u32,
}

impl BitWriter {
    /// The low `n` bits of `value`, least significant first.
    fn bits(&mut self, value: u32, n: u32) {
        self.acc |= u64::from(value & ((1u32 << n) - 1)) << self.count;
        self.count += n;
        while self.count >= 8 {
            self.out.push((self.acc & 0xFF) as u8);
            self.acc >>= 8;
            self.count -= 8;
        }
    }

    /// A Huffman code of `len` bits, most significant first.
    fn code(&mut self, code: u32, len: u32) {
        let reversed = code.reverse_bits() >> (32 - len);
        self.bits(reversed, len);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.count > 0 {
            self.out.push((self.acc & 0xFF) as u8);
        }
        self.out
    }
}

/// Deflate length codes 257–285: base lengths and extra bits.
const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
    227, 258,
];
const LENGTH_EXTRA: [u8; 29] =
    [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];

/// A zlib stream of one fixed-Huffman deflate block whose only matches are runs
/// (distance 1), fed with runs of equal bytes.
struct ZlibRle {
    bits: BitWriter,
    prev: Option<u8>,
    pending: u64,
    s1: u64,
    s2: u64,
}

impl ZlibRle {
    const ADLER_MOD: u128 = 65_521;

    fn new() -> Self {
        let mut bits = BitWriter::default();
        bits.out.extend_from_slice(&[0x78, 0x01]); // deflate, 32 KiB window, no dictionary
        bits.bits(1, 1); // last block
        bits.bits(1, 2); // fixed Huffman codes
        Self { bits, prev: None, pending: 0, s1: 1, s2: 0 }
    }

    fn symbol(&mut self, symbol: u16) {
        let s = u32::from(symbol);
        match s {
            0..=143 => self.bits.code(0x30 + s, 8),
            144..=255 => self.bits.code(0x190 + (s - 144), 9),
            256..=279 => self.bits.code(s - 256, 7),
            _ => self.bits.code(0xC0 + (s - 280), 8),
        }
    }

    /// A match of `len` (3–258) bytes at distance 1.
    fn repeat(&mut self, len: u16) {
        let index = LENGTH_BASE.iter().rposition(|&base| base <= len).unwrap_or(0);
        let base = LENGTH_BASE.get(index).copied().unwrap_or(3);
        let extra = LENGTH_EXTRA.get(index).copied().unwrap_or(0);
        self.symbol(257 + u16::try_from(index).unwrap_or(0));
        self.bits.bits(u32::from(len - base), u32::from(extra));
        self.bits.code(0, 5); // distance code 0: distance 1
    }

    fn flush(&mut self) {
        let Some(byte) = self.prev else { return };
        while self.pending >= 3 {
            let n = self.pending.min(258);
            self.repeat(u16::try_from(n).unwrap_or(258));
            self.pending -= n;
        }
        for _ in 0..self.pending {
            self.symbol(u16::from(byte));
        }
        self.pending = 0;
    }

    /// `count` bytes of value `byte`.
    fn run(&mut self, byte: u8, count: u64) {
        if count == 0 {
            return;
        }
        let (m, l, v) = (Self::ADLER_MOD, u128::from(count), u128::from(byte));
        let (s1, s2) = (u128::from(self.s1), u128::from(self.s2));
        let s2 = (s2 + l % m * s1 + v * (l * (l + 1) / 2 % m)) % m;
        let s1 = (s1 + l % m * v) % m;
        self.s1 = u64::try_from(s1).unwrap_or(0);
        self.s2 = u64::try_from(s2).unwrap_or(0);
        let mut count = count;
        if self.prev != Some(byte) {
            self.flush();
            self.symbol(u16::from(byte));
            self.prev = Some(byte);
            count -= 1;
        }
        self.pending += count;
    }

    fn finish(mut self) -> Vec<u8> {
        self.flush();
        self.symbol(256); // end of block
        let adler = (self.s2 << 16) | self.s1;
        let mut out = self.bits.finish();
        out.extend_from_slice(&u32::try_from(adler).unwrap_or(0).to_be_bytes());
        out
    }
}

// ---------------------------------------------------------------------------------------
// Videos
// ---------------------------------------------------------------------------------------

/// A test video to write: who is filmed, how long, which actions were performed.
///
/// Declarations that are not set are not written, so the engine's defaults apply (3 s,
/// alive, every requested action performed; see [`crate::engine`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestVideo {
    person: Option<String>,
    faces: Option<u32>,
    duration_ms: Option<u64>,
    alive: Option<bool>,
    actions: Option<Vec<u8>>,
    fps: Option<u32>,
    variant: Option<u64>,
    extra: Vec<(String, String)>,
}

impl Default for TestVideo {
    /// [`TestVideo::anonymous`].
    fn default() -> Self {
        Self::anonymous()
    }
}

impl TestVideo {
    /// A video of `person` (`frs:person`).
    pub fn person(person: &str) -> Self {
        Self { person: Some(person.to_owned()), ..Self::anonymous() }
    }

    /// A video that declares no person: the engine derives one from the bytes.
    pub fn anonymous() -> Self {
        Self {
            person: None,
            faces: None,
            duration_ms: None,
            alive: None,
            actions: None,
            fps: None,
            variant: None,
            extra: Vec::new(),
        }
    }

    /// The number of faces (`frs:faces`).
    #[must_use]
    pub fn faces(mut self, faces: u32) -> Self {
        self.faces = Some(faces);
        self
    }

    /// The length in milliseconds (`frs:duration_ms`); outside 1000–15000 the emulator
    /// refuses the video with FRS.0706.
    #[must_use]
    pub fn duration_ms(mut self, duration_ms: u64) -> Self {
        self.duration_ms = Some(duration_ms);
        self
    }

    /// Whether a live person is filmed (`frs:alive`).
    #[must_use]
    pub fn alive(mut self, alive: bool) -> Self {
        self.alive = Some(alive);
        self
    }

    /// The action codes actually performed (`frs:actions`; an empty list is written as
    /// `none`).
    #[must_use]
    pub fn actions(mut self, actions: &[u8]) -> Self {
        self.actions = Some(actions.to_vec());
        self
    }

    /// The frame rate (`frs:fps`).
    #[must_use]
    pub fn fps(mut self, fps: u32) -> Self {
        self.fps = Some(fps);
        self
    }

    /// Which recording of the person (`frs:variant`).
    #[must_use]
    pub fn variant(mut self, variant: u64) -> Self {
        self.variant = Some(variant);
        self
    }

    /// Any other declaration.
    #[must_use]
    pub fn declare(mut self, key: &str, value: &str) -> Self {
        self.extra.push((key.to_owned(), value.to_owned()));
        self
    }

    /// The declarations written, in order.
    pub fn declarations(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(person) = &self.person {
            out.push(("person".to_owned(), person.clone()));
        }
        if let Some(faces) = self.faces {
            out.push(("faces".to_owned(), faces.to_string()));
        }
        if let Some(duration) = self.duration_ms {
            out.push(("duration_ms".to_owned(), duration.to_string()));
        }
        if let Some(alive) = self.alive {
            out.push(("alive".to_owned(), alive.to_string()));
        }
        if let Some(actions) = &self.actions {
            let list = if actions.is_empty() {
                "none".to_owned()
            } else {
                actions.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
            };
            out.push(("actions".to_owned(), list));
        }
        if let Some(fps) = self.fps {
            out.push(("fps".to_owned(), fps.to_string()));
        }
        if let Some(variant) = self.variant {
            out.push(("variant".to_owned(), variant.to_string()));
        }
        out.extend(self.extra.iter().cloned());
        out
    }

    /// The declarations as the text written into the container.
    fn text(&self) -> Vec<u8> {
        format!(" {} ", tokens(&self.declarations())).into_bytes()
    }

    /// The video in `container`.
    pub fn container(&self, container: VideoFormat) -> Vec<u8> {
        match container {
            VideoFormat::Mp4 => self.mp4(),
            VideoFormat::Mov => self.mov(),
            VideoFormat::Avi => self.avi(),
            VideoFormat::Flv => self.flv(),
            VideoFormat::Webm => self.webm(),
            VideoFormat::Asf => self.asf(),
        }
    }

    /// An `ftyp` box (brand `isom`) and a `free` box carrying the declarations.
    pub fn mp4(&self) -> Vec<u8> {
        let mut out = Vec::new();
        mp4_box(&mut out, b"ftyp", b"isom\x00\x00\x02\x00isommp41");
        mp4_box(&mut out, b"free", &self.text());
        out
    }

    /// A QuickTime `ftyp` box (brand `qt  `) and a `free` box carrying the declarations.
    pub fn mov(&self) -> Vec<u8> {
        let mut out = Vec::new();
        mp4_box(&mut out, b"ftyp", b"qt  \x00\x00\x00\x00qt  ");
        mp4_box(&mut out, b"free", &self.text());
        out
    }

    /// A RIFF `AVI ` header and a `JUNK` chunk carrying the declarations.
    pub fn avi(&self) -> Vec<u8> {
        let mut text = self.text();
        if text.len() % 2 == 1 {
            text.push(b' ');
        }
        let len = |n: usize| u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes();
        let mut out = Vec::with_capacity(20 + text.len());
        out.extend_from_slice(b"RIFF");
        out.extend_from_slice(&len(4 + 8 + text.len()));
        out.extend_from_slice(b"AVI JUNK");
        out.extend_from_slice(&len(text.len()));
        out.extend_from_slice(&text);
        out
    }

    /// An FLV header (version 1, audio and video), the first previous-tag size, then the
    /// declarations.
    pub fn flv(&self) -> Vec<u8> {
        let mut out = b"FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00".to_vec();
        out.extend_from_slice(&self.text());
        out
    }

    /// A WebM EBML header (doc type `webm`) and a `Void` element carrying the
    /// declarations.
    pub fn webm(&self) -> Vec<u8> {
        let mut out = vec![0x1A, 0x45, 0xDF, 0xA3, 0x87, 0x42, 0x82, 0x84, b'w', b'e', b'b', b'm'];
        let text = self.text();
        out.push(0xEC); // Void
        out.push(0x01); // an 8-byte size
        out.extend_from_slice(&(text.len() as u64).to_be_bytes()[1..]);
        out.extend_from_slice(&text);
        out
    }

    /// An ASF header object GUID and size, then the declarations.
    pub fn asf(&self) -> Vec<u8> {
        let text = self.text();
        let mut out = vec![
            0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C,
        ];
        out.extend_from_slice(&(24 + text.len() as u64).to_le_bytes());
        out.extend_from_slice(&text);
        out
    }
}

fn mp4_box(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(8 + data.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::engine::{ImageRejection, ResolutionLimit, analyze_image, analyze_video, similarity};

    /// A table-driven CRC-32, independent of the bitwise one.
    fn crc32_table(data: &[u8]) -> u32 {
        let mut table = [0u32; 256];
        for (n, slot) in table.iter_mut().enumerate() {
            let mut c = n as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
            *slot = c;
        }
        !data.iter().fold(!0u32, |c, &b| table[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8))
    }

    fn adler32(data: &[u8]) -> u32 {
        let (mut a, mut b) = (1u32, 0u32);
        for &x in data {
            a = (a + u32::from(x)) % 65_521;
            b = (b + a) % 65_521;
        }
        (b << 16) | a
    }

    /// (type, data) of every chunk, checking each CRC with the table-driven CRC.
    fn chunks(png: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let mut at = 8;
        let mut out = Vec::new();
        while at < png.len() {
            let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
            let kind: [u8; 4] = png[at + 4..at + 8].try_into().unwrap();
            let data = png[at + 8..at + 8 + len].to_vec();
            let crc = u32::from_be_bytes(png[at + 8 + len..at + 12 + len].try_into().unwrap());
            assert_eq!(
                crc,
                crc32_table(&png[at + 4..at + 8 + len]),
                "CRC of {}",
                String::from_utf8_lossy(&kind)
            );
            out.push((kind, data));
            at += 12 + len;
        }
        assert_eq!(at, png.len());
        out
    }

    /// A minimal inflater for stored and fixed-Huffman blocks.
    fn inflate(data: &[u8]) -> Vec<u8> {
        struct Bits<'a> {
            data: &'a [u8],
            pos: usize,
        }
        impl Bits<'_> {
            fn bit(&mut self) -> u32 {
                let b = (self.data[self.pos / 8] >> (self.pos % 8)) & 1;
                self.pos += 1;
                u32::from(b)
            }
            fn bits(&mut self, n: u32) -> u32 {
                (0..n).fold(0, |acc, i| acc | (self.bit() << i))
            }
            fn code(&mut self, n: u32) -> u32 {
                (0..n).fold(0, |acc, _| (acc << 1) | self.bit())
            }
        }
        const DIST_BASE: [u32; 30] = [
            1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
            3073, 4097, 6145, 8193, 12289, 16385, 24577,
        ];
        let mut r = Bits { data, pos: 0 };
        let mut out = Vec::new();
        loop {
            let last = r.bits(1);
            match r.bits(2) {
                0 => {
                    r.pos = r.pos.div_ceil(8) * 8;
                    let len = r.bits(16) as usize;
                    let _nlen = r.bits(16);
                    for _ in 0..len {
                        out.push(r.bits(8) as u8);
                    }
                }
                1 => loop {
                    let mut code = r.code(7);
                    let symbol = if code <= 0x17 {
                        code + 256
                    } else {
                        code = (code << 1) | r.bit();
                        if (0x30..=0xBF).contains(&code) {
                            code - 0x30
                        } else if (0xC0..=0xC7).contains(&code) {
                            code - 0xC0 + 280
                        } else {
                            code = (code << 1) | r.bit();
                            code - 0x190 + 144
                        }
                    };
                    if symbol < 256 {
                        out.push(symbol as u8);
                    } else if symbol == 256 {
                        break;
                    } else {
                        let i = (symbol - 257) as usize;
                        let len = u32::from(LENGTH_BASE[i]) + r.bits(u32::from(LENGTH_EXTRA[i]));
                        let d = r.code(5) as usize;
                        let extra = if d < 4 { 0 } else { (d as u32 - 2) / 2 };
                        let dist = (DIST_BASE[d] + r.bits(extra)) as usize;
                        for _ in 0..len {
                            out.push(out[out.len() - dist]);
                        }
                    }
                },
                other => panic!("block type {other} not supported"),
            }
            if last == 1 {
                return out;
            }
        }
    }

    /// The pixels of a PNG written here: (width, height, grey bytes).
    fn png_pixels(png: &[u8]) -> (usize, usize, Vec<u8>) {
        let chunks = chunks(png);
        let ihdr = &chunks[0].1;
        let w = u32::from_be_bytes(ihdr[0..4].try_into().unwrap()) as usize;
        let h = u32::from_be_bytes(ihdr[4..8].try_into().unwrap()) as usize;
        let idat: Vec<u8> = chunks.iter().filter(|c| &c.0 == b"IDAT").flat_map(|c| c.1.clone()).collect();
        assert_eq!((idat[0], idat[1]), (0x78, 0x01));
        assert_eq!((u16::from(idat[0]) << 8 | u16::from(idat[1])) % 31, 0);
        let raw = inflate(&idat[2..idat.len() - 4]);
        let adler = u32::from_be_bytes(idat[idat.len() - 4..].try_into().unwrap());
        assert_eq!(adler, adler32(&raw));
        assert_eq!(raw.len(), h * (w + 1));
        let mut pixels = Vec::with_capacity(w * h);
        for row in raw.chunks(w + 1) {
            assert_eq!(row[0], 0, "filter type");
            pixels.extend_from_slice(&row[1..]);
        }
        (w, h, pixels)
    }

    #[test]
    fn crc32_known_values() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32_table(b"IEND"), 0xAE42_6082);
        let png = TestImage::person("x").png();
        assert_eq!(&png[png.len() - 12..], b"\0\0\0\0IEND\xAE\x42\x60\x82");
    }

    #[test]
    fn png_structure_and_pixels() {
        let image = TestImage::person("alice").faces(2).live(false).size(64, 40);
        let png = image.png();
        let chunks = chunks(&png);
        let kinds: Vec<&[u8]> = chunks.iter().map(|c| &c.0[..]).collect();
        assert_eq!(kinds, [&b"IHDR"[..], b"tEXt", b"tEXt", b"tEXt", b"IDAT", b"IEND"]);
        assert_eq!(chunks[0].1, [0, 0, 0, 64, 0, 0, 0, 40, 8, 0, 0, 0, 0]);
        assert_eq!(chunks[1].1, b"frs:person\0alice");
        assert_eq!(chunks[2].1, b"frs:faces\x002");
        assert_eq!(chunks[3].1, b"frs:live\0false");
        let (w, h, pixels) = png_pixels(&png);
        assert_eq!((w, h), (64, 40));
        let boxes = engine::face_boxes(64, 40, 2);
        let at = |x: i64, y: i64| pixels[y as usize * w + x as usize];
        for b in &boxes {
            assert_eq!(at(b.top_left_x, b.top_left_y), FACE);
            assert_eq!(at(b.top_left_x + b.width - 1, b.top_left_y + b.height - 1), FACE);
            assert_eq!(at(b.top_left_x + b.width / 2, b.top_left_y + b.height / 2), FACE);
        }
        assert_eq!(at(0, 0), BACKGROUND);
        let face_pixels = pixels.iter().filter(|&&p| p == FACE).count() as i64;
        assert_eq!(face_pixels, boxes.iter().map(|b| b.width * b.height).sum::<i64>());
        // Runs longer than 258 and short leftovers.
        for (w, h) in [(1, 1), (2, 1), (259, 3), (520, 2), (1000, 7)] {
            let (pw, ph, pixels) = png_pixels(&TestImage::anonymous().size(w, h).png());
            assert_eq!((pw, ph), (w as usize, h as usize));
            assert_eq!(pixels.len(), pw * ph);
        }
        let (_, _, none) = png_pixels(&TestImage::person("n").faces(0).size(30, 30).png());
        assert!(none.iter().all(|&p| p == BACKGROUND));
    }

    #[test]
    fn large_images_stay_small() {
        let big = TestImage::person("big").size(4096, 4096);
        let png = big.png();
        assert!(png.len() < 1_000_000, "PNG {} bytes", png.len());
        let (w, h, pixels) = png_pixels(&png);
        assert_eq!((w, h, pixels.len()), (4096, 4096, 4096 * 4096));
        assert!(big.jpeg().len() < 100_000, "JPEG {}", big.jpeg().len());
        assert!(big.bmp().len() < 1_000_000, "BMP {}", big.bmp().len());
        for bytes in [png, big.jpeg(), big.bmp()] {
            let err = analyze_image(&bytes).unwrap_err();
            assert!(
                matches!(err, ImageRejection::ResolutionTooLarge { width: 4096, height: 4096, .. }),
                "{err:?}"
            );
            assert!(engine::analyze_image_with_limit(&bytes, ResolutionLimit::CHINA_2025).is_err());
        }
        let limit = TestImage::person("l").size(3840, 2160);
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Bmp] {
            let bytes = limit.encode(format);
            let err = analyze_image(&bytes).unwrap_err();
            assert_eq!(err.error_code().as_str(), "FRS.0013");
            assert!(engine::analyze_image_with_limit(&bytes, ResolutionLimit::CHINA_2025).is_ok());
            let dci = TestImage::person("l").size(4096, 2160).encode(format);
            assert!(matches!(
                analyze_image(&dci),
                Err(ImageRejection::ResolutionTooLarge { width: 4096, height: 2160, .. })
            ));
            let ok = TestImage::person("l").size(4095, 2159).encode(format);
            assert_eq!(analyze_image(&ok).unwrap().width, 4095);
            let portrait = TestImage::person("l").size(2159, 4095).encode(format);
            assert_eq!(analyze_image(&portrait).unwrap().height, 4095);
        }
    }

    #[test]
    fn jpeg_structure() {
        let jpeg = TestImage::person("alice").faces(2).size(17, 9).jpeg();
        let mut markers = Vec::new();
        let mut at = 2;
        assert_eq!(&jpeg[..2], [0xFF, 0xD8]);
        loop {
            assert_eq!(jpeg[at], 0xFF);
            let marker = jpeg[at + 1];
            markers.push(marker);
            let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
            if marker == 0xFE {
                assert_eq!(&jpeg[at + 4..at + 2 + len], b"frs:person=alice frs:faces=2");
            }
            if marker == 0xC0 {
                assert_eq!(&jpeg[at + 4..at + 2 + len], [8, 0, 9, 0, 17, 1, 1, 0x11, 0]);
            }
            at += 2 + len;
            if marker == 0xDA {
                break;
            }
        }
        assert_eq!(markers, [0xE0, 0xFE, 0xDB, 0xC0, 0xC4, 0xC4, 0xDA]);
        // 3 x 2 blocks of 2 bits: 12 bits, one zero byte and 0b0000_1111.
        assert_eq!(&jpeg[at..], [0x00, 0x0F, 0xFF, 0xD9]);
        let analysis = analyze_image(&jpeg).unwrap();
        assert_eq!((analysis.width, analysis.height, analysis.format), (17, 9, ImageFormat::Jpeg));
    }

    /// Decodes the RLE8 pixels of a BMP written here (bottom-up) into rows.
    fn bmp_rows(bmp: &[u8]) -> Vec<Vec<u8>> {
        let le32 = |at: usize| u32::from_le_bytes(bmp[at..at + 4].try_into().unwrap()) as usize;
        assert_eq!(le32(2), bmp.len());
        assert_eq!(le32(30), 1);
        let offset = le32(10);
        assert_eq!(le32(34), bmp.len() - offset);
        let mut rows = vec![Vec::new()];
        let mut at = offset;
        loop {
            let (n, v) = (bmp[at], bmp[at + 1]);
            at += 2;
            match (n, v) {
                (0, 0) => rows.push(Vec::new()),
                (0, 1) => break,
                (0, _) => panic!("escape {v} not written"),
                _ => rows.last_mut().unwrap().extend(std::iter::repeat_n(v, usize::from(n))),
            }
        }
        assert_eq!(at, bmp.len());
        rows.reverse();
        rows
    }

    #[test]
    fn bmp_structure() {
        let image = TestImage::person("bo").faces(3).size(300, 20);
        let rows = bmp_rows(&image.bmp());
        assert_eq!(rows.len(), 20);
        assert!(rows.iter().all(|r| r.len() == 300));
        let faces: usize = rows.iter().map(|r| r.iter().filter(|&&p| p == FACE).count()).sum();
        let expected: i64 = engine::face_boxes(300, 20, 3).iter().map(|b| b.width * b.height).sum();
        assert_eq!(faces as i64, expected);
        let b = engine::face_boxes(300, 20, 3)[0];
        assert_eq!(rows[b.top_left_y as usize][b.top_left_x as usize], FACE);
        let a = analyze_image(&image.bmp()).unwrap();
        assert_eq!((a.width, a.height, a.faces.len()), (300, 20, 3));
    }

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
    fn unicode_person_in_png() {
        let png = TestImage::person("Zoë 张").png();
        assert!(chunks(&png).iter().any(|c| &c.0 == b"iTXt"));
        assert_eq!(analyze_image(&png).unwrap().faces[0].person, "Zoë 张");
        // In token form the other characters become `_`.
        assert_eq!(analyze_image(&TestImage::person("Zoë 张").jpeg()).unwrap().faces[0].person, "Zo___");
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

    #[test]
    fn every_video_declaration_round_trips() {
        for container in [
            VideoFormat::Mp4,
            VideoFormat::Mov,
            VideoFormat::Avi,
            VideoFormat::Flv,
            VideoFormat::Webm,
            VideoFormat::Asf,
        ] {
            let video = TestVideo::person("bob")
                .faces(2)
                .duration_ms(4500)
                .alive(false)
                .actions(&[1, 3])
                .fps(12)
                .variant(9);
            let bytes = video.container(container);
            assert_eq!(VideoFormat::detect(&bytes), Some(container));
            let v = analyze_video(&bytes).unwrap();
            assert_eq!(v.format, container);
            assert_eq!(v.person, "bob");
            assert_eq!(v.faces, 2);
            assert_eq!(v.duration_ms, 4500);
            assert!(!v.alive);
            assert_eq!(v.performed_actions, Some(vec![1, 3]));
            assert_eq!(v.fps, 12);
            assert_eq!(v.variant, 9);

            let v = analyze_video(&TestVideo::person("bob").actions(&[1, 3]).container(container)).unwrap();
            let (alive, confidences) = engine::judge_actions(&v, &[1, 3]);
            assert!(alive);
            assert!(confidences.iter().all(|c| c.1 >= 0.9));
            let (alive, confidences) = engine::judge_actions(&v, &[3, 2]);
            assert!(!alive);
            assert!(confidences[0].1 >= 0.9 && confidences[1].1 <= 0.3);

            let none = analyze_video(&TestVideo::person("c").actions(&[]).container(container)).unwrap();
            assert_eq!(none.performed_actions, Some(vec![]));
            let anon = TestVideo::anonymous().container(container);
            assert_eq!(analyze_video(&anon).unwrap().person, engine::default_person(&anon));
            for ms in [999, 15_001] {
                let err =
                    analyze_video(&TestVideo::person("d").duration_ms(ms).container(container)).unwrap_err();
                assert_eq!(err.error_code().as_str(), "FRS.0706");
            }
        }
        assert_eq!(
            TestVideo::person("bob").duration_ms(3000).actions(&[1, 3]).mp4(),
            b"\0\0\0\x18ftypisom\0\0\x02\0isommp41\0\0\0\x3Dfree frs:person=bob frs:duration_ms=3000 frs:actions=1,3 "
        );
    }
}
