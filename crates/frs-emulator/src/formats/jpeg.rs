//! JPEG: the size from the first `SOF` marker (reader); a baseline JPEG of uniform grey
//! with the declarations as tokens in a `COM` segment (writer).

use super::declaration::tokens;
use super::{Picture, be_u16};

// ---------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------

/// Width and height from the first SOF marker before the scan.
pub(crate) fn size(bytes: &[u8]) -> Option<(u32, u32)> {
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

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

fn segment(out: &mut Vec<u8>, marker: u8, data: &[u8]) {
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&u16::try_from(data.len() + 2).unwrap_or(u16::MAX).to_be_bytes());
    out.extend_from_slice(data);
}

/// A baseline JPEG of uniform grey with the declarations in a `COM` segment.
pub(crate) fn write(picture: &Picture) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    // APP0: JFIF 1.1, no density units, 1:1, no thumbnail.
    out.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
    let mut comment = tokens(&picture.declarations).into_bytes();
    comment.truncate(65_533);
    if !comment.is_empty() {
        segment(&mut out, 0xFE, &comment);
    }
    // DQT: table 0, 8-bit, all ones.
    let mut dqt = vec![0u8];
    dqt.extend_from_slice(&[1; 64]);
    segment(&mut out, 0xDB, &dqt);
    // SOF0: 8-bit, height, width, one component (id 1, 1x1 sampling, table 0).
    let w = u16::try_from(picture.width).unwrap_or(u16::MAX);
    let h = u16::try_from(picture.height).unwrap_or(u16::MAX);
    let mut sof = vec![8];
    sof.extend_from_slice(&h.to_be_bytes());
    sof.extend_from_slice(&w.to_be_bytes());
    sof.extend_from_slice(&[1, 1, 0x11, 0]);
    segment(&mut out, 0xC0, &sof);
    // DHT: DC table 0 and AC table 0, each one 1-bit code ("0") for symbol 0
    // (DC: difference category 0; AC: end of block).
    for class_id in [0x00, 0x10] {
        let mut dht = vec![class_id, 1];
        dht.extend_from_slice(&[0; 15]);
        dht.push(0);
        segment(&mut out, 0xC4, &dht);
    }
    // SOS: one component, tables 0/0, spectral 0-63, no approximation.
    segment(&mut out, 0xDA, &[1, 1, 0x00, 0, 63, 0]);
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use frs_types::ImageFormat;

    use crate::engine::{ImageRejection, ResolutionLimit, analyze_image, analyze_image_with_limit};
    use crate::testimage::TestImage;

    #[test]
    fn size_from_the_sof_marker() {
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
        // Truncated: the default size.
        let a = analyze_image(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F']).unwrap();
        assert_eq!((a.width, a.height, a.size_from_headers), (640, 480, false));
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
}
