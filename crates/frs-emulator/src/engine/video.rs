//! Videos and action liveness.

use frs_types::VideoFormat;
use frs_types::models::common::Warning;

use super::declared::{BadDeclaration, Declared};
use super::results::{VideoAnalysis, VideoRejection};
use super::{
    DEFAULT_FPS, DEFAULT_VIDEO_DURATION_MS, MAX_VIDEO_DURATION_MS, MIN_VIDEO_DURATION_MS, confidence,
};
use crate::formats::declaration::Key;
use crate::formats::declarations;

fn parse_actions(value: &str) -> Option<Vec<u8>> {
    if value == "none" {
        return Some(Vec::new());
    }
    value.split(',').map(|code| code.parse::<u8>().ok().filter(|c| *c > 0)).collect()
}

/// Analyses a video; see the [module documentation](super) for the rules.
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
    let declared = Declared::new(declarations(bytes));
    let duration_ms = match declared.get(Key::DurationMs) {
        None => DEFAULT_VIDEO_DURATION_MS,
        Some(value) => {
            let ms = value.parse::<u64>().map_err(|_| {
                invalid(Declared::bad(Key::DurationMs, value, "a whole number of milliseconds"))
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
    let alive = declared.flag(Key::Alive).map_err(invalid)?.unwrap_or(true);
    let fps = declared
        .number(Key::Fps, 1, 240, "a whole number from 1 to 240")
        .map_err(invalid)?
        .unwrap_or(DEFAULT_FPS);
    let performed_actions = match declared.get(Key::Actions) {
        None => None,
        Some(value) => Some(parse_actions(value).ok_or_else(|| {
            invalid(Declared::bad(Key::Actions, value, "action codes separated by commas (`1,3`) or `none`"))
        })?),
    };
    Ok(VideoAnalysis { format, duration_ms, person, variant, faces, alive, performed_actions, fps })
}

/// Which requested actions the video shows, in the requested order: the requested
/// actions must appear in the order the video performs them (a requested action performed
/// only before an earlier requested one does not count), and an action with a time window
/// (`action_time`, in ms) must fit in the video. Without declared actions every requested
/// action is performed, in order.
fn matched(video: &VideoAnalysis, requested: &[u8], windows: Option<&[(u64, u64)]>) -> Vec<bool> {
    let in_video =
        |i: usize| windows.and_then(|w| w.get(i)).is_none_or(|(_, end)| *end <= u64::from(video.duration_ms));
    let Some(done) = &video.performed_actions else {
        return (0..requested.len()).map(in_video).collect();
    };
    let mut next = 0;
    requested
        .iter()
        .enumerate()
        .map(|(i, action)| match done[next.min(done.len())..].iter().position(|d| d == action) {
            Some(at) if in_video(i) => {
                next += at + 1;
                true
            }
            _ => false,
        })
        .collect()
}

/// The verdict on `requested` actions: whether the video is alive (a live subject, a
/// face, every requested action performed, in the requested order) and a confidence per
/// requested action, in the requested order (0.90–0.99 when a live subject performed it,
/// 0.05–0.30 otherwise).
pub fn judge_actions(video: &VideoAnalysis, requested: &[u8]) -> (bool, Vec<(u8, f64)>) {
    judge_timed_actions(video, requested, None)
}

/// As [`judge_actions`], with the requested time window of each action (`action_time`, in
/// milliseconds from the start): an action whose window does not fit in the video is not
/// seen.
pub fn judge_timed_actions(
    video: &VideoAnalysis,
    requested: &[u8],
    windows: Option<&[(u64, u64)]>,
) -> (bool, Vec<(u8, f64)>) {
    let subject = video.alive && video.faces > 0;
    let seen = matched(video, requested, windows);
    let confidences = requested
        .iter()
        .zip(&seen)
        .enumerate()
        .map(|(i, (&action, &seen))| {
            let positive = subject && seen;
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
    let alive = subject && seen.iter().all(|s| *s);
    (alive, confidences)
}

/// The warnings for a video and its requested actions, by code: 4 several faces, 5 no
/// face, 6 a requested action was not performed (its amplitude was too small), 7 not a
/// live person. The messages are the emulator's own (the service's are not documented).
pub fn video_warnings(video: &VideoAnalysis, requested: &[u8]) -> Vec<Warning> {
    timed_video_warnings(video, requested, None)
}

/// As [`video_warnings`], with the requested time windows (see [`judge_timed_actions`]).
pub fn timed_video_warnings(
    video: &VideoAnalysis,
    requested: &[u8],
    windows: Option<&[(u64, u64)]>,
) -> Vec<Warning> {
    let warning = |code: i64, message: &str| Warning { code: Some(code), message: Some(message.to_owned()) };
    let mut out = Vec::new();
    if video.faces >= 2 {
        out.push(warning(4, "Two or more faces were detected in the video."));
    }
    if video.faces == 0 {
        out.push(warning(5, "No face was detected in the video."));
    }
    let seen = matched(video, requested, windows);
    let missing: Vec<String> =
        requested.iter().zip(&seen).filter(|(_, s)| !**s).map(|(a, _)| a.to_string()).collect();
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

    fn mp4(tokens: &str) -> Vec<u8> {
        let mut v = vec![0, 0, 0, 16];
        v.extend_from_slice(b"ftypisom\0\0\0\0");
        v.extend_from_slice(tokens.as_bytes());
        v
    }

    #[test]
    fn actions_count_in_the_order_performed_and_within_their_time() {
        // The video shows 2 then 3.
        let v = analyze_video(&mp4("frs:actions=2,3 frs:duration_ms=4000")).unwrap();
        assert!(judge_actions(&v, &[2, 3]).0);
        assert!(judge_actions(&v, &[3]).0 && judge_actions(&v, &[2]).0);
        let (alive, judged) = judge_actions(&v, &[3, 2]);
        assert!(!alive, "the wrong order is not alive");
        assert!(judged[0].1 > 0.9 && judged[1].1 < 0.5, "{judged:?}");
        assert_eq!(video_warnings(&v, &[3, 2]).iter().filter_map(|w| w.code).collect::<Vec<_>>(), [6]);
        // A window that ends after the video is not seen.
        assert!(judge_timed_actions(&v, &[2, 3], Some(&[(0, 1000), (1000, 4000)])).0);
        assert!(!judge_timed_actions(&v, &[2, 3], Some(&[(0, 1000), (1000, 5000)])).0);
        let free = analyze_video(&mp4("frs:duration_ms=3000")).unwrap();
        assert!(judge_actions(&free, &[4, 3]).0, "without declared actions every one is performed");
        assert!(!judge_timed_actions(&free, &[4], Some(&[(0, 3001)])).0);
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
