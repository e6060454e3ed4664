//! PNG: the size from `IHDR` and declarations from text chunks (reader); an 8-bit
//! greyscale file with a `tEXt`/`iTXt` chunk per declaration (writer).

use super::declaration::{keyword, parse_keyword};
use super::zlib::ZlibRle;
use super::{Picture, be_u32};

const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

// ---------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------

/// Width and height from `IHDR`, which must be the first chunk.
pub(crate) fn size(bytes: &[u8]) -> Option<(u32, u32)> {
    // The signature, then IHDR: length, "IHDR", width, height.
    if bytes.get(12..16) != Some(b"IHDR") {
        return None;
    }
    Some((be_u32(bytes, 16)?, be_u32(bytes, 20)?))
}

/// The chunks of a PNG file: (type, data), stopping at `IEND` or at the first chunk that
/// runs past the end. CRCs are not checked.
fn chunks(bytes: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut out = Vec::new();
    if !bytes.starts_with(&SIGNATURE) {
        return out;
    }
    let mut at = SIGNATURE.len();
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

/// `frs:` declarations from `tEXt` and uncompressed `iTXt` chunks, in file order.
pub(crate) fn text_declarations(bytes: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (kind, data) in chunks(bytes) {
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
        let Some(key) = parse_keyword(keyword) else { continue };
        out.push((key, text.trim().to_owned()));
    }
    out
}

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

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

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32_update(crc32_update(0xFFFF_FFFF, kind), data) ^ 0xFFFF_FFFF;
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A PNG file: 8-bit greyscale, declarations in `tEXt`/`iTXt` chunks.
pub(crate) fn write(picture: &Picture) -> Vec<u8> {
    let mut out = SIGNATURE.to_vec();
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&picture.width.to_be_bytes());
    ihdr.extend_from_slice(&picture.height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // depth 8, greyscale, deflate, filter 0, no interlace
    chunk(&mut out, b"IHDR", &ihdr);
    for (key, value) in &picture.declarations {
        let mut data = keyword(key).into_bytes();
        data.push(0);
        if value.is_ascii() {
            data.extend_from_slice(value.as_bytes());
            chunk(&mut out, b"tEXt", &data);
        } else {
            // Not compressed, no language tag, no translated keyword.
            data.extend_from_slice(&[0, 0, 0, 0]);
            data.extend_from_slice(value.as_bytes());
            chunk(&mut out, b"iTXt", &data);
        }
    }
    let mut z = ZlibRle::new();
    for y in 0..u64::from(picture.height) {
        z.run(0, 1); // filter type 0
        for (grey, count) in picture.row(y) {
            z.run(grey, count);
        }
    }
    chunk(&mut out, b"IDAT", &z.finish());
    chunk(&mut out, b"IEND", &[]);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::engine::{self, ImageRejection, ResolutionLimit, analyze_image};
    use crate::formats::zlib::tests::{adler32, inflate};
    use crate::formats::{BACKGROUND, FACE};
    use crate::testimage::TestImage;
    use frs_types::ImageFormat;

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
    fn unicode_person_in_png() {
        let png = TestImage::person("Zoë 张").png();
        assert!(chunks(&png).iter().any(|c| &c.0 == b"iTXt"));
        assert_eq!(analyze_image(&png).unwrap().faces[0].person, "Zoë 张");
        // In token form the other characters become `_`.
        assert_eq!(analyze_image(&TestImage::person("Zoë 张").jpeg()).unwrap().faces[0].person, "Zo___");
    }
}
