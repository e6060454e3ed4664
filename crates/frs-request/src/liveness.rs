//! Liveness: whether a video shows a live person performing actions, and whether a photo
//! shows a live person.

use frs_types::models::liveness::{DetectLiveFaceResponse, DetectLiveResponse};
use frs_types::{Image, Problem, ValidationError, Video};
use http::Method;

use crate::error::BuildError;
use crate::form::Form;
use crate::operation::{ApiVersion, Idempotency, Operation, RequestSpec, json_answer};

/// An action the person in the video is asked to perform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// Shake the head to the left (code 1).
    ShakeLeft,
    /// Shake the head to the right (code 2).
    ShakeRight,
    /// Nod (code 3).
    Nod,
    /// Move the mouth (code 4).
    Mouth,
    /// Blink (code 5; listed by the SDK, not by every document).
    Blink,
}

impl Action {
    /// Every action, in code order.
    pub const ALL: [Self; 5] = [Self::ShakeLeft, Self::ShakeRight, Self::Nod, Self::Mouth, Self::Blink];

    /// The action with the service's code `code`, if there is one.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The service's code.
    pub fn code(self) -> u8 {
        match self {
            Self::ShakeLeft => 1,
            Self::ShakeRight => 2,
            Self::Nod => 3,
            Self::Mouth => 4,
            Self::Blink => 5,
        }
    }
}

/// The most actions one video may be checked for.
pub const MAX_ACTIONS: usize = 10;

/// Checks that the person in a short video (1–15 s) performs the actions:
/// `POST /v1/{project_id}/live-detect`, or `/v2/...` for the international variant.
///
/// ```
/// use std::time::SystemTime;
/// use frs_request::liveness::{Action, DetectLive};
/// use frs_request::{Config, Credentials, Endpoint};
/// use frs_types::Video;
///
/// let op = DetectLive::new(Video::from_url("/bucket/clip.mp4")?, &[Action::ShakeLeft, Action::Nod])?
///     .action_time(&[(1000, 3000), (4000, 7000)])?
///     .nod_threshold(12.5)?;
/// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
///                          "my-project".parse()?, Credentials::token("my-token"));
/// let request = config.prepare(&op, SystemTime::now())?;
/// assert_eq!(request.method(), http::Method::POST);
/// assert_eq!(request.uri().path(), "/v1/my-project/live-detect");
/// let body: serde_json::Value = serde_json::from_slice(request.body())?;
/// assert_eq!(body["video_url"], "/bucket/clip.mp4");
/// assert_eq!(body["actions"], "1,3");
/// assert_eq!(body["action_time"], "1000-3000,4000-7000");
/// assert_eq!(body["nod_threshold"], 12.5);
///
/// // The international variant is the same request under /v2.
/// let request = config.prepare(&op.intl(), SystemTime::now())?;
/// assert_eq!(request.uri().path(), "/v2/my-project/live-detect");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DetectLive {
    video: Video,
    actions: Vec<Action>,
    action_time: Option<Vec<(u32, u32)>>,
    nod_threshold: Option<f64>,
    intl: bool,
}

impl DetectLive {
    /// Checks `video` for `actions` (1 to 10, in order).
    ///
    /// # Errors
    /// A [`ValidationError`] for `actions` when there are none or more than 10.
    pub fn new(video: Video, actions: &[Action]) -> Result<Self, ValidationError> {
        if actions.is_empty() || actions.len() > MAX_ACTIONS {
            return Err(ValidationError::new("actions", Problem::Rule("give 1 to 10 actions")));
        }
        Ok(Self { video, actions: actions.to_vec(), action_time: None, nod_threshold: None, intl: false })
    }

    /// When each action happens, in milliseconds from the start: one `(start, end)` per
    /// action, in the same order.
    ///
    /// # Errors
    /// A [`ValidationError`] for `action_time` when the count differs from the actions or a
    /// start is not before its end.
    pub fn action_time(mut self, times: &[(u32, u32)]) -> Result<Self, ValidationError> {
        if times.len() != self.actions.len() {
            return Err(ValidationError::new(
                "action_time",
                Problem::Rule("give one start-end pair per action"),
            ));
        }
        if times.iter().any(|(start, end)| start >= end) {
            return Err(ValidationError::new(
                "action_time",
                Problem::Rule("each start must be before its end"),
            ));
        }
        self.action_time = Some(times.to_vec());
        Ok(self)
    }

    /// How far a nod must go to count, in degrees (1–90; the service's default is 10).
    ///
    /// # Errors
    /// A [`ValidationError`] for `nod_threshold` outside 1–90.
    pub fn nod_threshold(mut self, degrees: f64) -> Result<Self, ValidationError> {
        if !(1.0..=90.0).contains(&degrees) {
            return Err(ValidationError::new("nod_threshold", Problem::Rule("must be from 1 to 90 degrees")));
        }
        self.nod_threshold = Some(degrees);
        Ok(self)
    }

    /// Uses the international endpoint (`/v2/{project_id}/live-detect`) instead of
    /// `/v1/...`.
    #[must_use]
    pub fn intl(mut self) -> Self {
        self.intl = true;
        self
    }
}

impl Operation for DetectLive {
    type Output = DetectLiveResponse;
    const NAME: &'static str = "DetectLive";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        let mut form = Form::new();
        form.video(&self.video);
        let actions: Vec<String> = self.actions.iter().map(|a| a.code().to_string()).collect();
        form.text("actions", actions.join(","));
        if let Some(times) = &self.action_time {
            let times: Vec<String> = times.iter().map(|(s, e)| format!("{s}-{e}")).collect();
            form.text("action_time", times.join(","));
        }
        if let Some(t) = self.nod_threshold {
            form.scalar("nod_threshold", t);
        }
        let version = if self.intl { ApiVersion::V2 } else { ApiVersion::V1 };
        Ok(RequestSpec::frs(Method::POST, version, vec!["live-detect".into()]).body(form.into_body()?))
    }

    fn idempotency(&self) -> Idempotency {
        Idempotency::Idempotent
    }

    json_answer!();
}

/// Decides from one photo whether the face is of a live person (silent liveness):
/// `POST /v1/{project_id}/live-detect-face`.
///
/// ```
/// use std::{convert::Infallible, time::SystemTime};
/// use bytes::Bytes;
/// use frs_request::{execute_blocking, liveness::DetectLiveFace, Config, Credentials, Endpoint};
/// use frs_types::Image;
///
/// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
///                          "my-project".parse()?, Credentials::token("my-token"));
/// let transport = |req: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
///     assert_eq!(req.uri().path(), "/v1/my-project/live-detect-face");
///     let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
///     assert_eq!(body["image_url"], "/bucket/selfie.jpg");
///     Ok(http::Response::new(Bytes::from_static(br#"{"result": {"alive": true, "confidence": 0.98}}"#)))
/// };
/// let op = DetectLiveFace::new(Image::from_url("/bucket/selfie.jpg")?);
/// let reply = execute_blocking(&config, &transport, &op, SystemTime::now, |_| {})?;
/// assert_eq!(reply.value.result.and_then(|r| r.alive), Some(true));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DetectLiveFace {
    image: Image,
}

impl DetectLiveFace {
    /// Checks the largest face of `image`.
    pub fn new(image: Image) -> Self {
        Self { image }
    }
}

impl Operation for DetectLiveFace {
    type Output = DetectLiveFaceResponse;
    const NAME: &'static str = "DetectLiveFace";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        // Silent liveness takes smaller images than the other operations (2 MB).
        let limits = frs_types::MediaLimits::LIVENESS_IMAGE;
        let too_large = match &self.image {
            Image::Base64(b) => limits.check_base64_len(b.encoded_len()).is_err(),
            Image::File(f) => limits.check_file_len(u64::try_from(f.byte_len()).unwrap_or(u64::MAX)).is_err(),
            Image::Url(_) => false,
        };
        if too_large {
            return Err(BuildError::Invalid(ValidationError::new(
                "image",
                Problem::Rule("silent live detection takes images of at most 2 MB"),
            )));
        }
        let mut form = Form::new();
        form.image("image", &self.image);
        Ok(RequestSpec::frs(Method::POST, ApiVersion::V1, vec!["live-detect-face".into()])
            .body(form.into_body()?))
    }

    fn idempotency(&self) -> Idempotency {
        Idempotency::Idempotent
    }

    json_answer!();
}
