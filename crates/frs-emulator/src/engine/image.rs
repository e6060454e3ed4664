//! Images: faces, their persons and attributes, and the analysis.

use frs_types::ImageFormat;
use frs_types::models::common::BoundingBox;
use frs_types::models::detection::{Attributes, Dress, Expression, FaceQuality};

use super::declared::{BadDeclaration, Declared};
use super::results::{EngineFace, ImageAnalysis, ImageRejection, ResolutionLimit};
use super::{DEFAULT_HEIGHT, DEFAULT_WIDTH, Rng, confidence, quantize, round4, seed};
use crate::formats::declaration::Key;
use crate::formats::{self, declarations};
use crate::mix;

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

/// Analyses an image with the default [`ResolutionLimit::INTERNATIONAL`]; see the
/// [module documentation](super) for the rules.
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
    let size = formats::image_size(format, bytes);
    if let Some((width, height)) = size
        && !limit.allows(width, height)
    {
        return Err(ImageRejection::ResolutionTooLarge { width, height, limit });
    }
    let (width, height) = size.unwrap_or((DEFAULT_WIDTH, DEFAULT_HEIGHT));
    let invalid =
        |(key, value, expected): BadDeclaration| ImageRejection::InvalidDeclaration { key, value, expected };
    let declared = Declared::new(declarations(bytes));
    let person = declared.person(bytes).map_err(invalid)?;
    let face_count = declared.faces().map_err(invalid)?;
    let live = declared.flag(Key::Live).map_err(invalid)?.unwrap_or(true);
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::engine::{MAX_DECLARED_FACES, names, similarity};

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
}
