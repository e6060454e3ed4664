//! Faults injected in place of the next answers.

use std::collections::VecDeque;
use std::time::Duration;

/// A failure to produce instead of serving a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status, content type and body (e.g. a proxy's HTML 502).
    Respond {
        /// HTTP status.
        status: u16,
        /// `Content-Type` of the body.
        content_type: String,
        /// The body.
        body: Vec<u8>,
    },
    /// Wait this long, then serve the request normally.
    Delay(Duration),
    /// Never answer (until the emulator stops).
    Hang,
    /// Send the status line and headers announcing `declared_len` bytes, send `sent` bytes
    /// of `body`, then close the connection.
    Truncate {
        /// HTTP status.
        status: u16,
        /// The body, of which only `sent` bytes go out.
        body: Vec<u8>,
        /// How many bytes are sent before the connection is closed.
        sent: usize,
    },
}

impl Fault {
    /// An HTML error page such as a proxy in front of the service sends.
    pub fn html(status: u16, html: &str) -> Self {
        Self::Respond { status, content_type: "text/html".into(), body: html.as_bytes().to_vec() }
    }

    /// A JSON answer with the given status.
    pub fn json(status: u16, json: &str) -> Self {
        Self::Respond {
            status,
            content_type: "application/json;charset=UTF-8".into(),
            body: json.as_bytes().to_vec(),
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    queue: VecDeque<(Fault, u32)>,
}

impl FaultQueue {
    pub(crate) fn push(&mut self, fault: Fault, times: u32) {
        if times > 0 {
            self.queue.push_back((fault, times));
        }
    }

    /// The fault for the next request, if any.
    pub(crate) fn next(&mut self) -> Option<Fault> {
        let (fault, left) = self.queue.front_mut()?;
        let fault = fault.clone();
        *left -= 1;
        if *left == 0 {
            self.queue.pop_front();
        }
        Some(fault)
    }
}
