//! Faults injected in place of the next answers, for a number of requests or at random.

use std::collections::VecDeque;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::mix::SplitMix64;

/// A failure to produce instead of serving a request.
///
/// In the admin API a fault is JSON tagged by `kind`: `{"kind": "respond", "status": 502,
/// "content_type": "text/html", "body": "<html>…"}`, `{"kind": "delay", "ms": 500}`,
/// `{"kind": "hang"}`, `{"kind": "drop"}`, `{"kind": "truncate", "status": 200, "body":
/// "{…}", "sent": 10}`, `{"kind": "lose_answer"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status, content type and body (e.g. a proxy's HTML 502).
    Respond {
        /// HTTP status.
        status: u16,
        /// `Content-Type` of the body.
        #[serde(default = "default_content_type")]
        content_type: String,
        /// The body.
        #[serde(with = "text_bytes", default)]
        body: Vec<u8>,
    },
    /// Wait this long, then serve the request normally.
    Delay {
        /// The wait, in milliseconds.
        ms: u64,
    },
    /// Never answer (until the emulator stops or the client gives up).
    Hang,
    /// Close the connection without sending anything.
    Drop,
    /// Send the status line and headers announcing the whole body, send `sent` bytes of it,
    /// then close the connection.
    Truncate {
        /// HTTP status.
        status: u16,
        /// The body, of which only `sent` bytes go out.
        #[serde(with = "text_bytes")]
        body: Vec<u8>,
        /// How many bytes are sent before the connection is closed.
        sent: usize,
    },
    /// Serve the request — the state changes as usual — then close the connection without
    /// answering: the lost answer that makes a retry dangerous (an add resent enrols the
    /// face twice; a delete resent finds nothing).
    LoseAnswer,
}

fn default_content_type() -> String {
    "application/json;charset=UTF-8".to_owned()
}

/// Bodies are text in the admin API's JSON.
mod text_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&String::from_utf8_lossy(bytes))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        Ok(String::deserialize(d)?.into_bytes())
    }
}

impl Fault {
    /// An HTML error page such as a proxy in front of the service sends.
    pub fn html(status: u16, html: &str) -> Self {
        Self::Respond { status, content_type: "text/html".into(), body: html.as_bytes().to_vec() }
    }

    /// A JSON answer with the given status.
    pub fn json(status: u16, json: &str) -> Self {
        Self::Respond { status, content_type: default_content_type(), body: json.as_bytes().to_vec() }
    }

    /// A delay before the request is served.
    pub fn delay(wait: Duration) -> Self {
        Self::Delay { ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX) }
    }
}

/// How faults are chosen.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    queue: VecDeque<(Fault, u32)>,
    random: Option<RandomFault>,
}

#[derive(Debug)]
struct RandomFault {
    fault: Fault,
    probability: f64,
    /// Seeded by the caller, so a run can be replayed.
    draws: SplitMix64,
}

impl FaultQueue {
    /// The next `times` requests get `fault`.
    pub(crate) fn push(&mut self, fault: Fault, times: u32) {
        if times > 0 {
            self.queue.push_back((fault, times));
        }
    }

    /// Every request gets `fault` with `probability`, drawn from a generator seeded with
    /// `seed`, so a run can be replayed.
    pub(crate) fn set_random(&mut self, fault: Fault, probability: f64, seed: u64) {
        self.random = Some(RandomFault {
            fault,
            probability: probability.clamp(0.0, 1.0),
            draws: SplitMix64::new(seed),
        });
    }

    /// No more faults.
    pub(crate) fn clear(&mut self) {
        self.queue.clear();
        self.random = None;
    }

    /// The fault for the next request, if any: queued faults first, then the random one.
    pub(crate) fn next(&mut self) -> Option<Fault> {
        if let Some((fault, left)) = self.queue.front_mut() {
            let fault = fault.clone();
            *left -= 1;
            if *left == 0 {
                self.queue.pop_front();
            }
            return Some(fault);
        }
        let random = self.random.as_mut()?;
        (random.draws.unit() < random.probability).then(|| random.fault.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_faults_run_out_and_random_ones_follow_their_seed() {
        let mut q = FaultQueue::default();
        q.push(Fault::Hang, 2);
        assert_eq!(q.next(), Some(Fault::Hang));
        assert_eq!(q.next(), Some(Fault::Hang));
        assert_eq!(q.next(), None);
        q.set_random(Fault::Drop, 0.3, 42);
        let draws: Vec<bool> = (0..1000).map(|_| q.next().is_some()).collect();
        let hits = draws.iter().filter(|d| **d).count();
        assert!((200..400).contains(&hits), "{hits}");
        q.set_random(Fault::Drop, 0.3, 42);
        let again: Vec<bool> = (0..1000).map(|_| q.next().is_some()).collect();
        assert_eq!(draws, again, "the same seed replays the same faults");
    }

    #[test]
    fn faults_read_from_admin_json() {
        let f: Fault = serde_json::from_str(
            r#"{"kind":"respond","status":502,"content_type":"text/html","body":"<html>x</html>"}"#,
        )
        .unwrap();
        assert_eq!(f, Fault::html(502, "<html>x</html>"));
        let f: Fault = serde_json::from_str(r#"{"kind":"delay","ms":250}"#).unwrap();
        assert_eq!(f, Fault::delay(Duration::from_millis(250)));
        assert!(serde_json::from_str::<Fault>(r#"{"kind":"explode"}"#).is_err());
    }
}
