//! The base URL of a service: where FRS, IAM or the ECS metadata service is reached.

use std::fmt;

use frs_types::Region;
use http::uri::{Authority, Scheme};

use crate::error::BuildError;

/// The base URL of the service: `http(s)://host[:port]`, with no path.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    scheme: Scheme,
    authority: Authority,
}

impl Endpoint {
    /// Parses `https://face.cn-north-4.myhuaweicloud.com` or `http://127.0.0.1:8080`.
    ///
    /// The authority is kept verbatim: it is what `Host` carries and what is signed.
    ///
    /// # Errors
    /// [`BuildError::Endpoint`] for another scheme, a missing host, user info, a path, a
    /// query or a fragment.
    pub fn parse(url: &str) -> Result<Self, BuildError> {
        let err = |reason| BuildError::Endpoint { endpoint: url.to_owned(), reason };
        let url_trimmed = url.strip_suffix('/').unwrap_or(url);
        let uri: http::Uri = url_trimmed.parse().map_err(|_| err("not a valid URL"))?;
        let scheme = uri.scheme().cloned().ok_or_else(|| err("the scheme (https://) is missing"))?;
        if scheme != Scheme::HTTPS && scheme != Scheme::HTTP {
            return Err(err("the scheme must be http or https"));
        }
        let authority = uri.authority().cloned().ok_or_else(|| err("the host is missing"))?;
        if authority.host().is_empty() {
            return Err(err("the host is missing"));
        }
        if authority.as_str().contains('@') {
            return Err(err("user information is not allowed"));
        }
        if uri.path_and_query().is_some_and(|pq| pq.as_str() != "/" && !pq.as_str().is_empty()) {
            return Err(err("the endpoint must not have a path or query"));
        }
        if url.contains('#') {
            return Err(err("the endpoint must not have a fragment"));
        }
        Ok(Self { scheme, authority })
    }

    /// The global IAM endpoint, `https://iam.myhuaweicloud.com`.
    pub const GLOBAL_IAM: Self =
        Self { scheme: Scheme::HTTPS, authority: Authority::from_static("iam.myhuaweicloud.com") };

    /// The ECS metadata service every instance reaches, `http://169.254.169.254` (temporary
    /// credentials of the instance's agency; see [`metadata`](crate::metadata)).
    pub const ECS_METADATA: Self =
        Self { scheme: Scheme::HTTP, authority: Authority::from_static("169.254.169.254") };

    /// The endpoint of a region: `https://face.{region}.myhuaweicloud.com`.
    pub fn for_region(region: &Region) -> Self {
        Self::https(&region.endpoint())
    }

    /// The IAM endpoint of a region (see [`Region::iam_endpoint`]).
    pub fn iam_for_region(region: &Region) -> Self {
        Self::https(&region.iam_endpoint())
    }

    /// Parses an endpoint made from a validated region id; such an id always forms a valid
    /// host name, so the fallback is never taken.
    fn https(url: &str) -> Self {
        Self::parse(url).unwrap_or(Self::GLOBAL_IAM)
    }

    /// The scheme, `http` or `https`.
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// `host[:port]`, verbatim.
    pub fn authority(&self) -> &Authority {
        &self.authority
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint({self})")
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.authority)
    }
}

impl std::str::FromStr for Endpoint {
    type Err = BuildError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
