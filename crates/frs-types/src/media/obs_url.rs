//! URLs of objects in Huawei Cloud Object Storage Service (OBS), the only URLs the service
//! reads images and videos from.

use std::fmt;
use std::ops::Range;

use serde::{Serialize, Serializer};

use super::MediaError;

/// Longest OBS URL accepted, in bytes.
///
/// The service documents no limit; 2048 is the common URL limit and leaves room for any
/// OBS object key (at most 1024 bytes) plus the host.
pub const MAX_OBS_URL_LEN: usize = 2048;

/// The two accepted OBS URL forms, as error messages show them.
pub(super) const OBS_URL_FORMS: &str = "the path form `/bucket/object-path` (recommended) or \
                             `https://{bucket}.obs.{region}.myhuaweicloud.com/{object}`";

/// A URL of an object in Huawei Cloud Object Storage Service (OBS), the only kind of URL
/// the service reads images and videos from (after "service authorization").
///
/// Two forms are accepted:
///
/// - the path form `/bucket/object-path`, which the FAQ recommends (FRS.0022);
/// - `https://{bucket}.obs.{region}.myhuaweicloud.com/{object}` (virtual-hosted style),
///   without port, user information, query or fragment.
///
/// The bucket name must follow the OBS naming rules (3–63 characters: lower-case letters,
/// digits, `-`, `.`, starting and ending with a letter or digit); the object path must not
/// be empty. No white space or control characters anywhere, at most [`MAX_OBS_URL_LEN`]
/// bytes. The object path is kept verbatim (not percent-decoded).
///
/// ```
/// use frs_types::ObsUrl;
///
/// let path = ObsUrl::new("/photos/2024/a.jpg")?;
/// assert_eq!((path.bucket(), path.object(), path.region()), ("photos", "2024/a.jpg", None));
///
/// let https = ObsUrl::new("https://photos.obs.cn-north-4.myhuaweicloud.com/2024/a.jpg")?;
/// assert_eq!((https.bucket(), https.region()), ("photos", Some("cn-north-4")));
///
/// assert!(ObsUrl::new("https://example.com/a.jpg").is_err());
/// # Ok::<(), frs_types::MediaError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ObsUrl {
    url: Box<str>,
    bucket: Range<usize>,
    object_start: usize,
    region: Option<Range<usize>>,
}

impl ObsUrl {
    /// Checks `url` against the two accepted forms (errors name the field `url`).
    ///
    /// # Errors
    /// [`MediaError::Empty`], [`MediaError::UrlTooLong`] or [`MediaError::InvalidUrl`]
    /// saying what is wrong and which forms are expected.
    pub fn new(url: impl Into<String>) -> Result<Self, MediaError> {
        Self::parse("url", url.into())
    }

    /// Checks `url` and reports errors under the wire name `field`.
    pub(super) fn parse(field: &'static str, url: String) -> Result<Self, MediaError> {
        let invalid = |reason: String| MediaError::InvalidUrl { field, reason };
        if url.is_empty() {
            return Err(MediaError::Empty { field, expected: "an OBS URL" });
        }
        if url.len() > MAX_OBS_URL_LEN {
            return Err(MediaError::UrlTooLong { field, len: url.len(), limit: MAX_OBS_URL_LEN });
        }
        if let Some((position, ch)) = url.char_indices().find(|(_, c)| c.is_whitespace() || c.is_control()) {
            return Err(invalid(format!("character {ch:?} at position {position} is not allowed")));
        }
        if let Some(rest) = url.strip_prefix('/') {
            let Some((bucket, object)) = rest.split_once('/') else {
                return Err(invalid("the object path after the bucket is missing".to_owned()));
            };
            check_bucket(bucket).map_err(invalid)?;
            if object.is_empty() {
                return Err(invalid("the object path is empty".to_owned()));
            }
            let bucket = 1..1 + bucket.len();
            let object_start = bucket.end + 1;
            return Ok(Self { url: url.into_boxed_str(), bucket, object_start, region: None });
        }
        const HTTPS: &str = "https://";
        if url.get(..HTTPS.len()).is_some_and(|s| s.eq_ignore_ascii_case(HTTPS)) {
            let rest = url.get(HTTPS.len()..).unwrap_or_default();
            let (host, object) = rest.split_once('/').unwrap_or((rest, ""));
            if host.contains('@') {
                return Err(invalid("user information in the URL is not allowed".to_owned()));
            }
            if host.contains(':') {
                return Err(invalid("a port is not allowed".to_owned()));
            }
            const SUFFIX: &str = ".myhuaweicloud.com";
            const OBS: &str = ".obs";
            let not_obs = || invalid(format!("host {host:?} is not an OBS endpoint"));
            let stem = strip_suffix_ignore_case(host, SUFFIX).ok_or_else(not_obs)?;
            let (front, region) = stem.rsplit_once('.').ok_or_else(not_obs)?;
            let bucket = strip_suffix_ignore_case(front, OBS).ok_or_else(not_obs)?;
            if region.is_empty() || !region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(invalid(format!("region {region:?} in the host is not a region id")));
            }
            check_bucket(bucket).map_err(invalid)?;
            if object.is_empty() {
                return Err(invalid("the object path is missing".to_owned()));
            }
            if object.contains(['?', '#']) {
                return Err(invalid("a query or fragment is not allowed".to_owned()));
            }
            let bucket_range = HTTPS.len()..HTTPS.len() + bucket.len();
            let region_start = bucket_range.end + OBS.len() + 1;
            let region_range = region_start..region_start + region.len();
            let object_start = HTTPS.len() + host.len() + 1;
            return Ok(Self {
                url: url.into_boxed_str(),
                bucket: bucket_range,
                object_start,
                region: Some(region_range),
            });
        }
        if let Some(at) = url.find("://") {
            let scheme = url.get(..at).unwrap_or_default();
            return Err(invalid(format!("the scheme {scheme:?} is not accepted (only https)")));
        }
        Err(invalid("the URL must start with '/' (path form) or 'https://'".to_owned()))
    }

    /// The URL as given, as sent in the JSON `image_url` / `video_url` field.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The bucket name.
    pub fn bucket(&self) -> &str {
        self.url.get(self.bucket.clone()).unwrap_or_default()
    }

    /// The object path (key) inside the bucket, verbatim, without the leading `/`.
    pub fn object(&self) -> &str {
        self.url.get(self.object_start..).unwrap_or_default()
    }

    /// The region of an `https://` URL; `None` for the path form.
    pub fn region(&self) -> Option<&str> {
        self.region.as_ref().and_then(|r| self.url.get(r.clone()))
    }

    /// Whether the URL is in the path form `/bucket/object-path`.
    pub fn is_path_form(&self) -> bool {
        self.region.is_none()
    }
}

/// `text` without `suffix`, compared ignoring ASCII case (host names are case-insensitive);
/// `None` when `text` does not end with it.
fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let at = text.len().checked_sub(suffix.len())?;
    text.get(at..).filter(|end| end.eq_ignore_ascii_case(suffix)).and_then(|_| text.get(..at))
}

/// Checks an OBS bucket name; the error is the reason, for [`MediaError::InvalidUrl`].
fn check_bucket(bucket: &str) -> Result<(), String> {
    if bucket.is_empty() {
        return Err("the bucket name is empty".to_owned());
    }
    if let Some((position, ch)) = bucket
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'))
    {
        return Err(format!(
            "character {ch:?} at position {position} of the bucket name is not allowed \
             (lower-case letters, digits, '-' and '.')"
        ));
    }
    if !(3..=63).contains(&bucket.len()) {
        return Err(format!("the bucket name must be 3 to 63 characters long, got {}", bucket.len()));
    }
    let alnum = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
    if !alnum(bucket.as_bytes().first()) || !alnum(bucket.as_bytes().last()) {
        return Err("the bucket name must start and end with a letter or digit".to_owned());
    }
    Ok(())
}

impl fmt::Debug for ObsUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObsUrl({:?})", &*self.url)
    }
}

impl fmt::Display for ObsUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

impl AsRef<str> for ObsUrl {
    fn as_ref(&self) -> &str {
        &self.url
    }
}

impl std::str::FromStr for ObsUrl {
    type Err = MediaError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl Serialize for ObsUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.url)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::media::{Image, Video};

    #[test]
    fn obs_url_path_form() {
        let url = ObsUrl::new("/my-bucket/faces/2024/a b.jpg");
        assert!(url.is_err(), "spaces are rejected");
        let url = ObsUrl::new("/my-bucket/faces/2024/a.jpg").unwrap();
        assert_eq!(url.bucket(), "my-bucket");
        assert_eq!(url.object(), "faces/2024/a.jpg");
        assert_eq!(url.region(), None);
        assert!(url.is_path_form());
        assert_eq!(serde_json::to_string(&url).unwrap(), "\"/my-bucket/faces/2024/a.jpg\"");
    }

    #[test]
    fn obs_url_https_form() {
        let url = ObsUrl::new("https://my.bucket-1.obs.cn-north-4.myhuaweicloud.com/faces/a.jpg").unwrap();
        assert_eq!(url.bucket(), "my.bucket-1");
        assert_eq!(url.region(), Some("cn-north-4"));
        assert_eq!(url.object(), "faces/a.jpg");
        assert!(!url.is_path_form());
        assert!(ObsUrl::new("HTTPS://b12.OBS.ap-southeast-1.MyHuaweiCloud.com/x").is_ok());
    }

    #[test]
    fn obs_url_rejections() {
        let cases = [
            ("http://bkt.obs.cn-north-4.myhuaweicloud.com/a.jpg", "scheme \"http\""),
            ("ftp://x/y", "scheme \"ftp\""),
            ("obs://bkt/a.jpg", "scheme \"obs\""),
            ("bkt/a.jpg", "must start with '/'"),
            ("https://example.com/a.jpg", "not an OBS endpoint"),
            ("https://bkt.obs.cn-north-4.myhuaweicloud.com.evil.com/a.jpg", "not an OBS endpoint"),
            ("https://bkt.cn-north-4.myhuaweicloud.com/a.jpg", "not an OBS endpoint"),
            ("https://obs.cn-north-4.myhuaweicloud.com/bkt/a.jpg", "not an OBS endpoint"),
            ("https://.obs.cn-north-4.myhuaweicloud.com/a.jpg", "bucket name is empty"),
            ("https://bkt.obs..myhuaweicloud.com/a.jpg", "region"),
            ("https://bkt.obs.cn-north-4.myhuaweicloud.com", "object path is missing"),
            ("https://bkt.obs.cn-north-4.myhuaweicloud.com/", "object path is missing"),
            ("https://bkt.obs.cn-north-4.myhuaweicloud.com:443/a", "port"),
            ("https://u@bkt.obs.cn-north-4.myhuaweicloud.com/a", "user information"),
            ("https://bkt.obs.cn-north-4.myhuaweicloud.com/a.jpg?x=1", "query"),
            ("/bucket", "object path after the bucket is missing"),
            ("/bucket/", "object path is empty"),
            ("//a.jpg", "bucket name is empty"),
            ("/My_Bucket/a.jpg", "character 'M' at position 0"),
            ("/ab/a.jpg", "3 to 63"),
            ("/-ab/a.jpg", "start and end"),
            ("/bucket/a\tb", "character '\\t' at position 9"),
            ("/bucket/a\u{7f}", "character '\\u{7f}'"),
        ];
        for (url, needle) in cases {
            let err = Image::from_url(url).unwrap_err();
            let text = err.to_string();
            assert_eq!(err.field(), "image_url");
            assert!(text.contains(needle), "{url}: {text}");
            assert!(text.contains("`/bucket/object-path`") || matches!(err, MediaError::UrlTooLong { .. }));
        }
        let long = format!("/bucket/{}", "a".repeat(MAX_OBS_URL_LEN - 8));
        assert_eq!(long.len(), MAX_OBS_URL_LEN);
        assert!(ObsUrl::new(long.clone()).is_ok());
        let err = Video::from_url(format!("{long}a")).unwrap_err();
        assert_eq!(
            err,
            MediaError::UrlTooLong { field: "video_url", len: MAX_OBS_URL_LEN + 1, limit: MAX_OBS_URL_LEN }
        );
    }
}
