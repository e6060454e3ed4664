//! Regions where FRS is offered, and the endpoints derived from them.

use std::borrow::Cow;
use std::fmt;

use crate::validation::{Problem, ValidationError, check_text};

/// A Huawei Cloud region, such as `cn-north-4`.
///
/// The six regions where FRS is documented are constants; any other well-formed id gives
/// the templated endpoint `https://face.{region}.myhuaweicloud.com`, so a region opened
/// after this release works without an SDK update. Nothing here panics.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Region(Cow<'static, str>);

/// Regions whose IAM endpoint the official SDK knows (`auth/endpoint.py`); all follow the
/// `https://iam.{region}.myhuaweicloud.com` template.
const IAM_REGIONS: [&str; 27] = [
    "cn-north-1",
    "cn-north-2",
    "cn-north-4",
    "cn-north-9",
    "cn-north-12",
    "cn-east-2",
    "cn-east-3",
    "cn-east-4",
    "cn-east-5",
    "cn-south-1",
    "cn-south-2",
    "cn-southwest-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "af-south-1",
    "sa-brazil-1",
    "la-south-2",
    "la-north-2",
    "na-mexico-1",
    "eu-west-0",
    "my-kualalumpur-1",
    "ru-moscow-1",
    "me-east-1",
    "ae-ad-1",
    "tr-west-1",
];

impl Region {
    /// Beijing-1.
    pub const CN_NORTH_1: Self = Self(Cow::Borrowed("cn-north-1"));
    /// Beijing-4, the documentation's example region.
    pub const CN_NORTH_4: Self = Self(Cow::Borrowed("cn-north-4"));
    /// Guangzhou.
    pub const CN_SOUTH_1: Self = Self(Cow::Borrowed("cn-south-1"));
    /// Shanghai-1.
    pub const CN_EAST_3: Self = Self(Cow::Borrowed("cn-east-3"));
    /// Hong Kong.
    pub const AP_SOUTHEAST_1: Self = Self(Cow::Borrowed("ap-southeast-1"));
    /// Bangkok.
    pub const AP_SOUTHEAST_2: Self = Self(Cow::Borrowed("ap-southeast-2"));

    /// The regions where FRS is documented, as the official SDK's region table lists them.
    pub const KNOWN: [Self; 6] = [
        Self::CN_NORTH_1,
        Self::CN_NORTH_4,
        Self::CN_SOUTH_1,
        Self::CN_EAST_3,
        Self::AP_SOUTHEAST_1,
        Self::AP_SOUTHEAST_2,
    ];

    /// A region by id. Known ids give the constant; other ids are accepted when they can
    /// form a host name (1–63 lower-case ASCII letters, digits and `-`, starting with a
    /// letter).
    ///
    /// # Errors
    /// A [`ValidationError`] for `region` when the id cannot be part of a host name.
    pub fn new(id: &str) -> Result<Self, ValidationError> {
        if let Some(known) = Self::KNOWN.iter().find(|r| r.id() == id) {
            return Ok(known.clone());
        }
        check_text(
            "region",
            id,
            1,
            63,
            |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
            "lower-case ASCII letters, digits and '-'",
        )?;
        if !id.starts_with(|c: char| c.is_ascii_lowercase()) || id.ends_with('-') {
            return Err(ValidationError::new(
                "region",
                Problem::Rule("must start with a letter and not end with '-'"),
            ));
        }
        Ok(Self(Cow::Owned(id.to_owned())))
    }

    /// The region id, e.g. `cn-north-4`.
    pub fn id(&self) -> &str {
        &self.0
    }

    /// Whether FRS is documented in this region (one of [`Region::KNOWN`]).
    pub fn is_known(&self) -> bool {
        Self::KNOWN.contains(self)
    }

    /// The FRS endpoint of the region: `https://face.{region}.myhuaweicloud.com`.
    pub fn endpoint(&self) -> String {
        format!("https://face.{}.myhuaweicloud.com", self.0)
    }

    /// The IAM endpoint used for tokens and project discovery in this region; regions the
    /// official SDK does not list fall back to the global `https://iam.myhuaweicloud.com`.
    pub fn iam_endpoint(&self) -> String {
        if IAM_REGIONS.contains(&self.id()) {
            format!("https://iam.{}.myhuaweicloud.com", self.0)
        } else {
            "https://iam.myhuaweicloud.com".to_owned()
        }
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Region({})", self.0)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Region {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_templated_endpoints() {
        assert_eq!(Region::CN_NORTH_4.endpoint(), "https://face.cn-north-4.myhuaweicloud.com");
        assert_eq!(Region::new("ap-southeast-2").unwrap(), Region::AP_SOUTHEAST_2);
        let future = Region::new("eu-west-101").unwrap();
        assert!(!future.is_known());
        assert_eq!(future.endpoint(), "https://face.eu-west-101.myhuaweicloud.com");
        assert_eq!(future.iam_endpoint(), "https://iam.myhuaweicloud.com");
        assert_eq!(Region::CN_EAST_3.iam_endpoint(), "https://iam.cn-east-3.myhuaweicloud.com");
        for bad in ["", "CN-NORTH-4", "cn north", "cn.north.4", "-x", "x-", "1abc"] {
            assert!(Region::new(bad).is_err(), "{bad:?}");
        }
    }
}
