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
    entries: VecDeque<(RecordedRequest, usize)>,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
}

fn size(request: &RecordedRequest) -> usize {
    request.method.len()
        + request.target.len()
        + request.headers.iter().map(|(n, v)| n.len() + v.len()).sum::<usize>()
}

impl Journal {
    pub(crate) fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self { entries: VecDeque::new(), bytes: 0, max_entries, max_bytes }
    }

    /// Records a request, dropping the oldest ones beyond the bounds.
    pub(crate) fn push(&mut self, request: RecordedRequest) {
        let n = size(&request);
        self.entries.push_back((request, n));
        self.bytes += n;
        while self.entries.len() > self.max_entries || (self.bytes > self.max_bytes && self.entries.len() > 1)
        {
            if let Some((_, n)) = self.entries.pop_front() {
                self.bytes -= n;
            }
        }
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }

    pub(crate) fn to_vec(&self) -> Vec<RecordedRequest> {
        self.entries.iter().map(|(r, _)| r.clone()).collect()
    }
}
