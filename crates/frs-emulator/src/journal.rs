//! The request journal behind `GET /__emulator/requests`: bounded in entries and bytes.
//!
//! Unbounded, 1,000 requests with a 300 KB header each would hold 300 MB, and the answer to
//! `GET /__emulator/requests` several times that; so the journal keeps at most
//! [`EmulatorConfig::journal_max_entries`](crate::EmulatorConfig::journal_max_entries)
//! entries and about
//! [`EmulatorConfig::journal_max_bytes`](crate::EmulatorConfig::journal_max_bytes) bytes,
//! dropping the oldest first, and truncates each header value to [`MAX_HEADER_VALUE`]
//! bytes.

use std::collections::VecDeque;

use crate::server::{ADMIN_TOKEN_HEADER, RecordedRequest};

/// The longest header value kept in the journal, in bytes; longer ones are cut and marked.
pub(crate) const MAX_HEADER_VALUE: usize = 1024;

/// Appends `value` as the journal keeps it: cut to [`MAX_HEADER_VALUE`] bytes and marked.
fn push_truncated(out: &mut String, value: &str) {
    if value.len() <= MAX_HEADER_VALUE {
        out.push_str(value);
        return;
    }
    let mut end = MAX_HEADER_VALUE;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    out.push_str(&value[..end]);
    out.push_str(&format!("… ({} bytes, truncated)", value.len()));
}

/// A request as the journal keeps it: the method, the target and all the headers in one
/// buffer — a few allocations per request rather than two per header, as every request is
/// recorded — made into a [`RecordedRequest`] only when read. Secret values are `***` and
/// long ones truncated as they are recorded.
#[derive(Debug)]
pub(crate) struct Received {
    method: http::Method,
    /// The target, then each header's name and value, back to back.
    text: String,
    target_end: usize,
    /// Where each header's name and value end in `text`.
    ends: Vec<(usize, usize)>,
    body_len: usize,
    canonical_request: Option<String>,
    string_to_sign: Option<String>,
}

impl Received {
    pub(crate) fn new(parts: &http::request::Parts, body_len: usize) -> Self {
        let target = parts.uri.path_and_query().map_or("", http::uri::PathAndQuery::as_str);
        let guess = target.len().min(MAX_HEADER_VALUE + 40)
            + parts
                .headers
                .iter()
                .map(|(n, v)| n.as_str().len() + v.len().min(MAX_HEADER_VALUE + 40))
                .sum::<usize>();
        let mut text = String::with_capacity(guess);
        push_truncated(&mut text, target);
        let target_end = text.len();
        let mut ends = Vec::with_capacity(parts.headers.len());
        for (name, value) in &parts.headers {
            text.push_str(name.as_str());
            let name_end = text.len();
            if matches!(
                name.as_str(),
                "authorization"
                    | "x-auth-token"
                    | "x-security-token"
                    | "x-metadata-token"
                    | ADMIN_TOKEN_HEADER
            ) {
                text.push_str("***");
            } else {
                // Checked as UTF-8 first: the lossy conversion's own scan is slower, and
                // every value of every request passes here.
                match std::str::from_utf8(value.as_bytes()) {
                    Ok(value) => push_truncated(&mut text, value),
                    Err(_) => push_truncated(&mut text, &String::from_utf8_lossy(value.as_bytes())),
                }
            }
            ends.push((name_end, text.len()));
        }
        Self {
            method: parts.method.clone(),
            text,
            target_end,
            ends,
            body_len,
            canonical_request: None,
            string_to_sign: None,
        }
    }

    fn size(&self) -> usize {
        self.method.as_str().len()
            + self.text.len()
            + self.canonical_request.as_ref().map_or(0, String::len)
            + self.string_to_sign.as_ref().map_or(0, String::len)
    }

    fn to_recorded(&self) -> RecordedRequest {
        let mut start = self.target_end;
        let headers = self
            .ends
            .iter()
            .map(|&(name_end, value_end)| {
                let pair = (self.text[start..name_end].to_owned(), self.text[name_end..value_end].to_owned());
                start = value_end;
                pair
            })
            .collect();
        RecordedRequest {
            method: self.method.to_string(),
            target: self.text[..self.target_end].to_owned(),
            headers,
            body_len: self.body_len,
            canonical_request: self.canonical_request.clone(),
            string_to_sign: self.string_to_sign.clone(),
        }
    }
}

/// The requests received lately, oldest first.
#[derive(Debug)]
pub(crate) struct Journal {
    /// Each request with its size and its request id.
    entries: VecDeque<(Received, usize, String)>,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
}

impl Journal {
    pub(crate) fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self { entries: VecDeque::new(), bytes: 0, max_entries, max_bytes }
    }

    /// Records a request answered with `request_id`, dropping the oldest ones beyond the
    /// bounds.
    pub(crate) fn push(&mut self, request: Received, request_id: String) {
        let n = request.size();
        self.entries.push_back((request, n, request_id));
        self.bytes += n;
        self.trim();
    }

    fn trim(&mut self) {
        while self.entries.len() > self.max_entries || (self.bytes > self.max_bytes && self.entries.len() > 1)
        {
            if let Some((_, n, _)) = self.entries.pop_front() {
                self.bytes -= n;
            }
        }
    }

    /// Adds the signature input the emulator computed to the request answered with
    /// `request_id` (if it is still in the journal).
    pub(crate) fn annotate(&mut self, request_id: &str, canonical_request: String, string_to_sign: String) {
        let Some((request, n, _)) = self.entries.iter_mut().rev().find(|(_, _, id)| id == request_id) else {
            return;
        };
        let added = canonical_request.len() + string_to_sign.len();
        request.canonical_request = Some(canonical_request);
        request.string_to_sign = Some(string_to_sign);
        *n += added;
        self.bytes += added;
        self.trim();
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }

    pub(crate) fn to_vec(&self) -> Vec<RecordedRequest> {
        self.entries.iter().map(|(r, _, _)| r.to_recorded()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(headers: &[(&str, &[u8])]) -> http::request::Parts {
        let mut builder = http::Request::builder().method("DELETE").uri("/v2/p/face-sets/s/faces?face_id=1");
        for (name, value) in headers {
            builder = builder.header(*name, http::HeaderValue::from_bytes(value).expect("a header value"));
        }
        builder.body(()).expect("a request").into_parts().0
    }

    #[test]
    fn header_values_are_kept_as_text_and_bytes_that_are_not_utf8_replaced() {
        let recorded = Received::new(
            &parts(&[
                ("x-plain", b"ascii value"),
                ("x-utf8", "caf\u{e9}".as_bytes()),
                ("x-latin1", b"caf\xe9 \xff"),
                ("authorization", b"SDK-HMAC-SHA256 Access=AK, Signature=00"),
            ]),
            7,
        )
        .to_recorded();
        assert_eq!(recorded.target, "/v2/p/face-sets/s/faces?face_id=1");
        assert_eq!(recorded.header("x-plain"), Some("ascii value"));
        assert_eq!(recorded.header("x-utf8"), Some("caf\u{e9}"));
        assert_eq!(recorded.header("x-latin1"), Some("caf\u{fffd} \u{fffd}"));
        assert_eq!(recorded.header("authorization"), Some("***"));
        assert_eq!(recorded.body_len, 7);
    }

    #[test]
    fn long_values_are_cut_at_a_character_boundary_and_marked() {
        let long = "\u{e9}".repeat(MAX_HEADER_VALUE); // two bytes each
        let recorded = Received::new(&parts(&[("x-long", long.as_bytes())]), 0).to_recorded();
        let kept = recorded.header("x-long").expect("recorded");
        assert_eq!(
            kept,
            format!("{}… ({} bytes, truncated)", "\u{e9}".repeat(MAX_HEADER_VALUE / 2), long.len())
        );
    }
}
