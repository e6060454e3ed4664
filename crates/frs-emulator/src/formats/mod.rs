//! The file formats the emulator reads and writes, one module per format.
//!
//! Each module holds both directions: the reader the [face engine](crate::engine) needs
//! (the size from the headers, declarations from the format's own text fields) and the
//! writer behind [`crate::testimage`]. The `frs:` grammar shared by every format is in
//! [`declaration`]; [`zlib`] is the compressed stream inside a PNG.

pub(crate) mod bmp;
pub(crate) mod declaration;
pub(crate) mod jpeg;
pub(crate) mod png;
pub(crate) mod video;
pub(crate) mod zlib;

use std::collections::BTreeMap;

use frs_types::ImageFormat;
use frs_types::models::common::BoundingBox;

/// The grey of the background of a written image.
pub(crate) const BACKGROUND: u8 = 0xB4;
/// The grey of a face in a written image.
pub(crate) const FACE: u8 = 0x5A;

pub(crate) fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(b.iter().fold(0, |acc, &x| (acc << 8) | u32::from(x)))
}

pub(crate) fn be_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(b.iter().fold(0, |acc, &x| (acc << 8) | u16::from(x)))
}

pub(crate) fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(b.iter().rev().fold(0, |acc, &x| (acc << 8) | u32::from(x)))
}

pub(crate) fn le_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(b.iter().rev().fold(0, |acc, &x| (acc << 8) | u16::from(x)))
}

/// Width and height from the headers of an image in `format`, when present and non-zero.
pub(crate) fn image_size(format: ImageFormat, bytes: &[u8]) -> Option<(u32, u32)> {
    let (w, h) = match format {
        ImageFormat::Png => png::size(bytes)?,
        ImageFormat::Jpeg => jpeg::size(bytes)?,
        ImageFormat::Bmp => bmp::size(bytes)?,
    };
    (w > 0 && h > 0).then_some((w, h))
}

/// Every declaration in the bytes, key → value; for each key the first one wins (PNG text
/// chunks before tokens). Includes keys the engine does not know.
pub fn declarations(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (key, value) in png::text_declarations(bytes).into_iter().chain(declaration::scan_tokens(bytes)) {
        out.entry(key).or_insert(value);
    }
    out
}

/// What an image writer draws: a light grey picture with a dark square per face, and the
/// declarations to embed.
pub(crate) struct Picture {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) declarations: Vec<(String, String)>,
    /// (x, y, width, height) of each face.
    faces: Vec<(u64, u64, u64, u64)>,
}

impl Picture {
    /// A `width` × `height` picture with `faces` drawn.
    pub(crate) fn new(
        width: u32,
        height: u32,
        faces: &[BoundingBox],
        declarations: Vec<(String, String)>,
    ) -> Self {
        let faces = faces
            .iter()
            .map(|b| {
                let c = |v: i64| u64::try_from(v).unwrap_or(0);
                (c(b.top_left_x), c(b.top_left_y), c(b.width), c(b.height))
            })
            .collect();
        Self { width, height, declarations, faces }
    }

    /// Row `y` as runs of (grey, count).
    pub(crate) fn row(&self, y: u64) -> Vec<(u8, u64)> {
        let width = u64::from(self.width);
        let mut spans: Vec<(u64, u64)> =
            self.faces.iter().filter(|b| b.1 <= y && y < b.1 + b.3).map(|b| (b.0, b.0 + b.2)).collect();
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
}
