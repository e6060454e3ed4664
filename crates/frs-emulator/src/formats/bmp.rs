//! BMP: the size from the DIB header (reader); an 8-bit RLE8 file with a grey palette and
//! the declarations as tokens between the palette and the pixels (writer).

use super::declaration::tokens;
use super::{Picture, le_u16, le_u32};

// ---------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------

/// Width and height from the DIB header, when it is one of the known ones.
pub(crate) fn size(bytes: &[u8]) -> Option<(u32, u32)> {
    let header = le_u32(bytes, 14)?;
    if !matches!(header, 12 | 16 | 40 | 52 | 56 | 64 | 108 | 124) {
        return None; // not a known DIB header: the size is unknown
    }
    if header == 12 {
        // BITMAPCOREHEADER: 16-bit width and height.
        Some((u32::from(le_u16(bytes, 18)?), u32::from(le_u16(bytes, 20)?)))
    } else {
        // BITMAPINFOHEADER and later: signed 32-bit; a negative height is top-down.
        let w = le_u32(bytes, 18)?.cast_signed();
        let h = le_u32(bytes, 22)?.cast_signed();
        Some((w.unsigned_abs(), h.unsigned_abs()))
    }
}

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

/// A BMP file: 8-bit RLE8, a grey palette, declarations as tokens before the pixels.
pub(crate) fn write(picture: &Picture) -> Vec<u8> {
    let mut pixels = Vec::new();
    let height = u64::from(picture.height);
    for y in (0..height).rev() {
        for (grey, mut count) in picture.row(y) {
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
    let text = format!(" {} \n", tokens(&picture.declarations));
    let offset = 14 + 40 + 256 * 4 + text.len();
    let total = offset + pixels.len();
    let u32_of = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(b"BM");
    out.extend_from_slice(&u32_of(total).to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&u32_of(offset).to_le_bytes());
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&i32::try_from(picture.width).unwrap_or(i32::MAX).to_le_bytes());
    out.extend_from_slice(&i32::try_from(picture.height).unwrap_or(i32::MAX).to_le_bytes());
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use crate::engine::{self, analyze_image};
    use crate::formats::FACE;
    use crate::testimage::TestImage;

    #[test]
    fn size_from_the_dib_header() {
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
}
