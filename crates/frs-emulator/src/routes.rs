//! The route table: every (method, path template) the emulator serves and the endpoint
//! behind it.
//!
//! The router matches requests against [`ROUTES`] and nothing else, so the test below,
//! which holds the table against the SDK's generated catalogue of operations, checks what
//! is really served: a new operation cannot be forgotten, and no FRS path is served that
//! the catalogue does not know. The IAM and ECS metadata rows are not FRS operations and
//! are exempt from that check. The admin API (under [`crate::ADMIN_PREFIX`]) is answered
//! before routing and is not in the table.

use axum::http::Method;

/// What a route does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    CreateFaceSet,
    ShowAllFaceSets,
    ShowFaceSet,
    DeleteFaceSet,
    AddFaces,
    ShowFaces,
    UpdateFace,
    DeleteFaces,
    BatchDeleteFaces,
    Search,
    Detect,
    Compare,
    LiveDetect,
    LiveDetectFace,
    /// IAM: `POST /v3/auth/tokens`.
    IssueToken,
    /// IAM: `GET /v3/projects`.
    ListProjects,
    /// ECS metadata: `PUT /meta-data/latest/api/token`.
    MetadataToken,
    /// ECS metadata: `GET /openstack/latest/securitykey`.
    SecurityKey,
}

impl Endpoint {
    /// Whether the request carries a body to read (JSON or multipart).
    pub(crate) fn has_body(self) -> bool {
        matches!(
            self,
            Self::CreateFaceSet
                | Self::AddFaces
                | Self::UpdateFace
                | Self::BatchDeleteFaces
                | Self::Search
                | Self::Detect
                | Self::Compare
                | Self::LiveDetect
                | Self::LiveDetectFace
        )
    }
}

/// One row of the route table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Route {
    /// The HTTP method, as the catalogue writes it (`POST`).
    pub(crate) method: &'static str,
    /// The path template, as the catalogue writes it: `{name}` stands for one segment.
    pub(crate) path: &'static str,
    pub(crate) endpoint: Endpoint,
}

const fn route(method: &'static str, path: &'static str, endpoint: Endpoint) -> Route {
    Route { method, path, endpoint }
}

/// The segment of a path template that names the face set.
const FACE_SET: &str = "{face_set_name}";

/// Every route the emulator serves.
pub(crate) const ROUTES: &[Route] = &[
    route("POST", "/v2/{project_id}/face-sets", Endpoint::CreateFaceSet),
    route("GET", "/v2/{project_id}/face-sets", Endpoint::ShowAllFaceSets),
    route("GET", "/v2/{project_id}/face-sets/{face_set_name}", Endpoint::ShowFaceSet),
    route("DELETE", "/v2/{project_id}/face-sets/{face_set_name}", Endpoint::DeleteFaceSet),
    route("POST", "/v2/{project_id}/face-sets/{face_set_name}/faces", Endpoint::AddFaces),
    route("GET", "/v2/{project_id}/face-sets/{face_set_name}/faces", Endpoint::ShowFaces),
    route("PUT", "/v2/{project_id}/face-sets/{face_set_name}/faces", Endpoint::UpdateFace),
    route("DELETE", "/v2/{project_id}/face-sets/{face_set_name}/faces", Endpoint::DeleteFaces),
    route("DELETE", "/v2/{project_id}/face-sets/{face_set_name}/faces/batch", Endpoint::BatchDeleteFaces),
    route("POST", "/v2/{project_id}/face-sets/{face_set_name}/search", Endpoint::Search),
    route("POST", "/v2/{project_id}/face-detect", Endpoint::Detect),
    route("POST", "/v1/{project_id}/face-detect", Endpoint::Detect),
    route("POST", "/v2/{project_id}/face-compare", Endpoint::Compare),
    route("POST", "/v1/{project_id}/face-compare", Endpoint::Compare),
    route("POST", "/v1/{project_id}/live-detect", Endpoint::LiveDetect),
    route("POST", "/v2/{project_id}/live-detect", Endpoint::LiveDetect),
    route("POST", "/v1/{project_id}/live-detect-face", Endpoint::LiveDetectFace),
    route("POST", "/v3/auth/tokens", Endpoint::IssueToken),
    route("GET", "/v3/projects", Endpoint::ListProjects),
    route("PUT", "/meta-data/latest/api/token", Endpoint::MetadataToken),
    route("GET", "/openstack/latest/securitykey", Endpoint::SecurityKey),
];

/// A request matched to a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Matched<'a> {
    pub(crate) endpoint: Endpoint,
    /// The `{face_set_name}` segment; empty when the route has none.
    pub(crate) face_set: &'a str,
}

impl Route {
    /// The match of a request with `method` and (decoded) path `segments`, if this route
    /// serves it.
    fn matches<'a>(&self, method: &Method, segments: &[&'a str]) -> Option<Matched<'a>> {
        if method.as_str() != self.method {
            return None;
        }
        // Template and request walked side by side, nothing collected: this runs for every
        // route of the request's method, on every request. Over bytes rather than with
        // `split`, whose searcher cost more than the comparisons on segments this short.
        let mut rest = self.path.as_bytes();
        let mut face_set = "";
        for got in segments {
            rest = rest.strip_prefix(b"/")?;
            let (want, after) = rest.split_at(rest.iter().position(|&b| b == b'/').unwrap_or(rest.len()));
            if want == FACE_SET.as_bytes() {
                face_set = got;
            } else if want.first() != Some(&b'{') && want != got.as_bytes() {
                return None;
            }
            rest = after;
        }
        rest.is_empty().then_some(Matched { endpoint: self.endpoint, face_set })
    }
}

/// The route serving a request with `method` and (decoded) path `segments` (the path
/// split at `/`, without the empty first one).
pub(crate) fn find<'a>(method: &Method, segments: &[&'a str]) -> Option<Matched<'a>> {
    ROUTES.iter().find_map(|r| r.matches(method, segments))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::collections::BTreeSet;

    use frs_request::catalogue::{BodyKind, OPERATIONS};

    use super::*;

    /// The service's `/v1` paths that the catalogue, built from the official SDKs, does not
    /// list: the older versions of face detection and comparison.
    const SERVICE_V1_ONLY: [&str; 2] = ["/v1/{project_id}/face-detect", "/v1/{project_id}/face-compare"];

    /// A concrete request path for a template.
    fn concrete(template: &str) -> Vec<String> {
        template
            .split('/')
            .skip(1)
            .map(|s| match s {
                "{project_id}" => "0a1b2c3d".to_owned(),
                FACE_SET => "some-set".to_owned(),
                other => other.to_owned(),
            })
            .collect()
    }

    /// The endpoint and face set that a request for `template` (made concrete) is routed to.
    /// Requests against the table, segment by segment: a missing, extra or empty segment is
    /// no match; placeholders take any segment, the face set's is returned.
    #[test]
    fn segments_match_templates_exactly() {
        fn find_path<'a>(method: &str, path: &'a str) -> Option<(Endpoint, &'a str)> {
            let segments: Vec<&str> = path.split('/').skip(1).collect();
            find(&Method::from_bytes(method.as_bytes()).unwrap(), &segments).map(|m| (m.endpoint, m.face_set))
        }
        assert_eq!(find_path("DELETE", "/v2/p/face-sets/s/faces"), Some((Endpoint::DeleteFaces, "s")));
        assert_eq!(
            find_path("DELETE", "/v2/p/face-sets/s/faces/batch"),
            Some((Endpoint::BatchDeleteFaces, "s"))
        );
        assert_eq!(find_path("DELETE", "/v2/p/face-sets/s"), Some((Endpoint::DeleteFaceSet, "s")));
        assert_eq!(find_path("GET", "/v2/p/face-sets"), Some((Endpoint::ShowAllFaceSets, "")));
        assert_eq!(find_path("GET", "/v3/projects"), Some((Endpoint::ListProjects, "")));
        for (method, path) in [
            ("DELETE", "/v2/p/face-sets/s/faces/"),
            ("DELETE", "/v2/p/face-sets/s/faces/batch/x"),
            ("DELETE", "/v2/p/face-sets/s/face"),
            ("DELETE", "/v2/p/face-sets/s/facesx"),
            ("GET", "/v2/p"),
            ("GET", "/v2"),
            ("GET", "/"),
            ("PATCH", "/v2/p/face-sets"),
        ] {
            assert_eq!(find_path(method, path), None, "{method} {path}");
        }
    }

    fn route_of(method: &str, template: &str) -> Option<(Endpoint, String)> {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let segments = concrete(template);
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        find(&method, &segments).map(|m| (m.endpoint, m.face_set.to_owned()))
    }

    #[test]
    fn every_catalogue_operation_is_routed() {
        assert_eq!(OPERATIONS.len(), 36);
        for op in OPERATIONS {
            let (endpoint, face_set) = route_of(op.http_method, op.path)
                .unwrap_or_else(|| panic!("{} {} ({}) is not routed", op.http_method, op.path, op.rust));
            assert_eq!(
                endpoint.has_body(),
                op.body != BodyKind::None,
                "{} {}: body or not",
                op.http_method,
                op.path
            );
            let names_set = op.path.contains(FACE_SET);
            assert_eq!(face_set, if names_set { "some-set" } else { "" }, "{}", op.path);
        }
    }

    #[test]
    fn no_frs_route_the_catalogue_does_not_know() {
        let catalogue: BTreeSet<(&str, &str)> = OPERATIONS.iter().map(|o| (o.http_method, o.path)).collect();
        let mut extra = Vec::new();
        for r in ROUTES {
            // IAM and the ECS metadata service are not FRS operations.
            let is_iam = r.path.starts_with("/v3/");
            let is_metadata = matches!(r.endpoint, Endpoint::MetadataToken | Endpoint::SecurityKey);
            if is_iam || is_metadata || catalogue.contains(&(r.method, r.path)) {
                continue;
            }
            extra.push(r.path);
            // A /v1 path the service has, standing for a catalogued /v2 operation.
            assert!(SERVICE_V1_ONLY.contains(&r.path), "{} {} is not in the catalogue", r.method, r.path);
            let v2 = r.path.replacen("/v1/", "/v2/", 1);
            assert!(catalogue.contains(&(r.method, v2.as_str())), "{} {}: no {v2}", r.method, r.path);
            assert_eq!(route_of(r.method, &v2).map(|m| m.0), Some(r.endpoint));
        }
        assert_eq!(extra, SERVICE_V1_ONLY);
        // Each row is reachable: no earlier row shadows it.
        for r in ROUTES {
            assert_eq!(route_of(r.method, r.path).map(|m| m.0), Some(r.endpoint), "{}", r.path);
        }
    }

    #[test]
    fn unknown_paths_and_methods_are_not_routed() {
        let get = Method::GET;
        assert_eq!(find(&get, &["v2", "p", "face-sets", "s", "faces", "x"]), None);
        assert_eq!(find(&Method::PATCH, &["v2", "p", "face-sets"]), None);
        assert_eq!(find(&get, &["v1", "p", "face-sets"]), None);
        assert_eq!(find(&get, &["v2", "p", "face-detect"]), None);
        assert_eq!(
            find(&get, &["v2", "p", "face-sets", ""]),
            Some(Matched { endpoint: Endpoint::ShowFaceSet, face_set: "" })
        );
    }
}
