//! Detection, comparison and liveness: the operations on media that touch no face set.

use base64::Engine as _;
use frs_types::ErrorCode;
use serde_json::{Map, Value, json};

use super::{Outcome, image_failure, video_failure};
use crate::Shared;
use crate::engine;
use crate::inputs::{Failure, Inputs};

/// A one-pixel JPEG, returned as the `picture` of liveness results.
const PICTURE: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00,
    0x01, 0x00, 0x00, 0xFF, 0xD9,
];

/// The attributes asked for by code (`1,2,4`), from all of a face's attributes.
fn requested_attributes(
    codes: &str,
    all: &frs_types::models::detection::Attributes,
) -> Result<Value, Failure> {
    let mut out = Map::new();
    let full = serde_json::to_value(all).unwrap_or(Value::Null);
    for code in codes.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let keys: &[&str] = match code {
            "1" => &["gender"],
            "2" => &["age"],
            "4" => &["dress", "glass", "hat"],
            "6" => &["mask"],
            "7" => &["hair"],
            "8" => &["beard"],
            "11" => &["phototype"],
            "12" => &["quality"],
            "13" => &["expression"],
            "21" => &["face_angle"],
            other => {
                return Err(Failure::invalid(format!(
                    "attributes: {other} is not a supported attribute code"
                )));
            }
        };
        for key in keys {
            if let Some(v) = full.get(*key) {
                out.insert((*key).to_owned(), v.clone());
            }
        }
    }
    Ok(Value::Object(out))
}

/// `POST /v2/{project_id}/face-detect`.
pub(crate) fn detect(shared: &Shared, inputs: &Inputs) -> Outcome {
    let attributes = inputs.text("attributes")?;
    let bytes = inputs.media("image", &|url| shared.obs_object(url))?;
    let analysis = engine::analyze_image(&bytes).map_err(|r| image_failure(&r))?;
    if analysis.faces.is_empty() {
        return Err(Failure::new(ErrorCode::NoFaceDetected, "Detect no face, check out your picture."));
    }
    let mut faces = Vec::new();
    for face in &analysis.faces {
        let mut value = json!({ "bounding_box": face.bounding_box });
        if let Some(codes) = &attributes {
            value["attributes"] = requested_attributes(codes, &face.attributes)?;
        }
        faces.push(value);
    }
    Ok(json!({ "faces": faces }))
}

/// `POST /v2/{project_id}/face-compare`.
pub(crate) fn compare(shared: &Shared, inputs: &Inputs) -> Outcome {
    let one = inputs.media("image1", &|url| shared.obs_object(url))?;
    let two = inputs.media("image2", &|url| shared.obs_object(url))?;
    if one.len() + two.len() >= frs_types::media::MAX_IMAGE_BYTES {
        return Err(Failure::new(
            ErrorCode::BodyTooLarge,
            "The size of the request body is out of the range the two images must be smaller than 8MB together.",
        ));
    }
    let a = engine::analyze_image(&one).map_err(|r| image_failure(&r))?;
    let b = engine::analyze_image(&two).map_err(|r| image_failure(&r))?;
    let (Some(fa), Some(fb)) = (a.faces.first(), b.faces.first()) else {
        return Err(Failure::new(ErrorCode::NoFaceDetected, "Detect no face, check out your picture."));
    };
    Ok(json!({
        "image1_face": { "bounding_box": fa.bounding_box },
        "image2_face": { "bounding_box": fb.bounding_box },
        "similarity": engine::similarity((&fa.person, fa.variant), (&fb.person, fb.variant)),
    }))
}

/// `POST /v1/{project_id}/live-detect` (and `/v2/...`).
pub(crate) fn live_detect(shared: &Shared, inputs: &Inputs) -> Outcome {
    let actions_text = inputs.required_text("actions")?;
    let mut actions = Vec::new();
    for code in actions_text.split(',').map(str::trim) {
        match code.parse::<u8>() {
            Ok(c @ 1..=5) => actions.push(c),
            _ => {
                return Err(Failure::new(
                    ErrorCode::UnsupportedAction,
                    format!("Do not support action {code}."),
                ));
            }
        }
    }
    if actions.len() > 10 {
        return Err(Failure::new(ErrorCode::TooManyActions, "The number of action exceed 10."));
    }
    let mut windows: Option<Vec<(u64, u64)>> = None;
    if let Some(times) = inputs.text("action_time")? {
        let pairs: Vec<Option<(u64, u64)>> = times
            .split(',')
            .map(|p| {
                p.split_once('-').and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
            })
            .collect();
        if pairs.len() != actions.len() || pairs.iter().any(|p| p.is_none_or(|(a, b)| a >= b)) {
            return Err(Failure::new(
                ErrorCode::InvalidActionTime,
                "The action_time is invalid, check that the input is valid.",
            ));
        }
        windows = Some(pairs.into_iter().flatten().collect());
    }
    if let Some(t) = inputs.number("nod_threshold")?
        && !(1.0..=90.0).contains(&t)
    {
        return Err(Failure::invalid("nod_threshold must be from 1 to 90"));
    }
    let bytes = inputs.media("video", &|url| shared.obs_object(url))?;
    let video = engine::analyze_video(&bytes).map_err(|r| video_failure(&r))?;
    let (alive, judged) = engine::judge_timed_actions(&video, &actions, windows.as_deref());
    let results: Vec<Value> = judged
        .into_iter()
        .map(|(action, confidence)| json!({ "action": action, "confidence": confidence }))
        .collect();
    let warnings = engine::timed_video_warnings(&video, &actions, windows.as_deref());
    Ok(json!({
        "video-result": {
            "alive": alive,
            "actions": results,
            "picture": base64::engine::general_purpose::STANDARD.encode(PICTURE),
        },
        "warning-list": warnings,
    }))
}

/// `POST /v1/{project_id}/live-detect-face`: the largest face is judged; several faces add
/// warning 106.
pub(crate) fn live_detect_face(shared: &Shared, inputs: &Inputs) -> Outcome {
    let bytes = inputs.media("image", &|url| shared.obs_object(url))?;
    // 2 MB here (Huawei's current page), 8 MB for the other operations.
    let limits = frs_types::MediaLimits::LIVENESS_IMAGE;
    let too_large = match inputs.text("image_base64")? {
        Some(text) => limits.check_base64_len(text.len()).is_err(),
        None => limits.check_file_len(u64::try_from(bytes.len()).unwrap_or(u64::MAX)).is_err(),
    };
    if too_large {
        return Err(Failure::new(
            ErrorCode::BodyTooLarge,
            "The image size exceeds the limit: silent live detection takes images of at most 2MB.",
        ));
    }
    let analysis = engine::analyze_image(&bytes).map_err(|r| image_failure(&r))?;
    if analysis.faces.is_empty() {
        return Err(Failure::new(ErrorCode::NoFaceForLiveness, "Detect no face, check out your picture."));
    }
    let warnings: Vec<Value> = if analysis.faces.len() > 1 {
        vec![json!({ "warningCode": 106, "warningMsg": "the image contains several faces" })]
    } else {
        Vec::new()
    };
    Ok(json!({
        "result": {
            "alive": analysis.live,
            "confidence": analysis.live_confidence,
            "picture": base64::engine::general_purpose::STANDARD.encode(PICTURE),
        },
        "warning-list": warnings,
    }))
}
