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

use crate::server::RecordedRequest;

/// The longest header value kept in the journal, in bytes; longer ones are cut and marked.
pub(crate) const MAX_HEADER_VALUE: usize = 1024;

/// A header value as the journal keeps it.
pub(crate) fn truncated(value: &str) -> String {
    if value.len() <= MAX_HEADER_VALUE {
        return value.to_owned();
    }
    let mut end = MAX_HEADER_VALUE;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes, truncated)", &value[..end], value.len())
}

/// The requests received lately, oldest first.
#[derive(Debug)]
pub(crate) struct Journal {
    /// Each request with its size and its request id.
    entries: VecDeque<(RecordedRequest, usize, String)>,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
}

fn size(request: &RecordedRequest) -> usize {
    request.method.len()
        + request.target.len()
        + request.headers.iter().map(|(n, v)| n.len() + v.len()).sum::<usize>()
        + request.canonical_request.as_ref().map_or(0, String::len)
        + request.string_to_sign.as_ref().map_or(0, String::len)
}

impl Journal {
    pub(crate) fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self { entries: VecDeque::new(), bytes: 0, max_entries, max_bytes }
    }

    /// Records a request answered with `request_id`, dropping the oldest ones beyond the
    /// bounds.
    pub(crate) fn push(&mut self, request: RecordedRequest, request_id: String) {
        let n = size(&request);
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
        self.entries.iter().map(|(r, _, _)| r.clone()).collect()
    }
}
