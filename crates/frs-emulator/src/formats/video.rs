//! The video containers: the engine reads only their magic bytes
//! ([`VideoFormat::detect`]) and the declarations' tokens; the writer gives each container
//! its header and the tokens in a padding box, chunk or element where the format has one
//! (`free`, `JUNK`, `Void`). No media.

use frs_types::VideoFormat;

use super::declaration::tokens;

/// A video in `container` declaring `declarations`.
pub(crate) fn write(container: VideoFormat, declarations: &[(String, String)]) -> Vec<u8> {
    let text = format!(" {} ", tokens(declarations)).into_bytes();
    match container {
        VideoFormat::Mp4 => mp4(&text),
        VideoFormat::Mov => mov(&text),
        VideoFormat::Avi => avi(&text),
        VideoFormat::Flv => flv(&text),
        VideoFormat::Webm => webm(&text),
        VideoFormat::Asf => asf(&text),
    }
}

/// An `ftyp` box (brand `isom`) and a `free` box carrying the declarations.
fn mp4(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    mp4_box(&mut out, b"ftyp", b"isom\x00\x00\x02\x00isommp41");
    mp4_box(&mut out, b"free", text);
    out
}

/// A QuickTime `ftyp` box (brand `qt  `) and a `free` box carrying the declarations.
fn mov(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    mp4_box(&mut out, b"ftyp", b"qt  \x00\x00\x00\x00qt  ");
    mp4_box(&mut out, b"free", text);
    out
}

/// A RIFF `AVI ` header and a `JUNK` chunk carrying the declarations.
fn avi(text: &[u8]) -> Vec<u8> {
    let mut text = text.to_vec();
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
fn flv(text: &[u8]) -> Vec<u8> {
    let mut out = b"FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00".to_vec();
    out.extend_from_slice(text);
    out
}

/// A WebM EBML header (doc type `webm`) and a `Void` element carrying the
/// declarations.
fn webm(text: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1A, 0x45, 0xDF, 0xA3, 0x87, 0x42, 0x82, 0x84, b'w', b'e', b'b', b'm'];
    out.push(0xEC); // Void
    out.push(0x01); // an 8-byte size
    out.extend_from_slice(&(text.len() as u64).to_be_bytes()[1..]);
    out.extend_from_slice(text);
    out
}

/// An ASF header object GUID and size, then the declarations.
fn asf(text: &[u8]) -> Vec<u8> {
    let mut out =
        vec![0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C];
    out.extend_from_slice(&(24 + text.len() as u64).to_le_bytes());
    out.extend_from_slice(text);
    out
}

fn mp4_box(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(8 + data.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use frs_types::VideoFormat;

    use crate::engine::{self, analyze_video};
    use crate::testimage::TestVideo;

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
