//! Faults injected in place of the next answers: for a number of requests, in sequences,
//! or at random; for every request or only those of an operation, a face set or a path
//! pattern. Also the per-project QPS quota.

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
        /// Further headers, such as `Retry-After` (`[["Retry-After", "2"]]` in the admin
        /// API's JSON).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        headers: Vec<(String, String)>,
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
    /// Wait `ms` ± `jitter_ms` (uniformly, drawn from the generator seeded with `seed`),
    /// then serve the request normally.
    Latency {
        /// The mean wait, in milliseconds.
        ms: u64,
        /// The largest difference from `ms`, in milliseconds.
        #[serde(default)]
        jitter_ms: u64,
        /// Seeds the draws, so a run can be replayed.
        #[serde(default)]
        seed: u64,
    },
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
        Self::Respond {
            status,
            content_type: "text/html".into(),
            body: html.as_bytes().to_vec(),
            headers: Vec::new(),
        }
    }

    /// A JSON answer with the given status.
    pub fn json(status: u16, json: &str) -> Self {
        Self::Respond {
            status,
            content_type: default_content_type(),
            body: json.as_bytes().to_vec(),
            headers: Vec::new(),
        }
    }

    /// The same answer with one more header (`Retry-After`, say); other faults are kept as
    /// they are.
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Self::Respond { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }

    /// A delay before the request is served.
    pub fn delay(wait: Duration) -> Self {
        Self::Delay { ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX) }
    }

    /// The HTTP status the fault answers with, if it answers.
    pub(crate) fn status(&self) -> Option<u16> {
        match self {
            Self::Respond { status, .. } | Self::Truncate { status, .. } => Some(*status),
            Self::Delay { .. } | Self::Latency { .. } | Self::Hang | Self::Drop | Self::LoseAnswer => None,
        }
    }
}

/// Which requests a fault rule applies to; every request when all are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct Scope {
    /// The operation, by its snake-case name (`search`, `add_faces`, ...).
    #[serde(default)]
    pub(crate) operation: Option<String>,
    /// The face set named in the path.
    #[serde(default)]
    pub(crate) face_set: Option<String>,
    /// A pattern for the path: `*` stands for any run of characters.
    #[serde(default)]
    pub(crate) path: Option<String>,
}

/// What a scope is matched against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    pub(crate) path: &'a str,
    /// The operation's snake-case name, when the path is routed.
    pub(crate) operation: Option<&'a str>,
    pub(crate) face_set: Option<&'a str>,
}

/// An operation's name in fault scopes: the route's endpoint in snake case (`Search` is
/// `search`, `AddFaces` is `add_faces`).
pub(crate) fn operation_name(endpoint: crate::routes::Endpoint) -> String {
    let mut out = String::new();
    for (i, c) in format!("{endpoint:?}").chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let Some(first) = parts.next() else { return true };
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else { return rest.is_empty() };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

impl Scope {
    fn admits(&self, target: &Target<'_>) -> bool {
        self.operation.as_deref().is_none_or(|op| target.operation == Some(op))
            && self.face_set.as_deref().is_none_or(|set| target.face_set == Some(set))
            && self.path.as_deref().is_none_or(|p| glob(p, target.path))
    }
}

/// A queued rule: steps taken in order by the requests in its scope; a step without a
/// fault lets its requests through (the "then succeed" of a sequence).
#[derive(Debug)]
struct Rule {
    scope: Scope,
    steps: VecDeque<(Option<Fault>, u32)>,
}

/// How faults are chosen.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    queue: VecDeque<Rule>,
    random: Option<RandomFault>,
    /// Draws for `Latency` faults.
    jitter: Option<SplitMix64>,
}

#[derive(Debug)]
struct RandomFault {
    fault: Fault,
    probability: f64,
    scope: Scope,
    /// Seeded by the caller, so a run can be replayed.
    draws: SplitMix64,
}

impl FaultQueue {
    /// The next `times` requests get `fault`.
    pub(crate) fn push(&mut self, fault: Fault, times: u32) {
        self.push_sequence(Scope::default(), vec![(Some(fault), times)]);
    }

    /// The requests in `scope` take the steps in order: `times` requests each, with the
    /// step's fault or (`None`) none.
    pub(crate) fn push_sequence(&mut self, scope: Scope, steps: Vec<(Option<Fault>, u32)>) {
        let steps: VecDeque<_> = steps.into_iter().filter(|(_, times)| *times > 0).collect();
        if !steps.is_empty() {
            self.queue.push_back(Rule { scope, steps });
        }
    }

    /// Every request gets `fault` with `probability`, drawn from a generator seeded with
    /// `seed`, so a run can be replayed.
    pub(crate) fn set_random(&mut self, fault: Fault, probability: f64, seed: u64) {
        self.set_random_in(Scope::default(), fault, probability, seed);
    }

    /// As [`FaultQueue::set_random`], for the requests in `scope` only.
    pub(crate) fn set_random_in(&mut self, scope: Scope, fault: Fault, probability: f64, seed: u64) {
        self.random = Some(RandomFault {
            fault,
            probability: probability.clamp(0.0, 1.0),
            scope,
            draws: SplitMix64::new(seed),
        });
    }

    /// No more faults.
    pub(crate) fn clear(&mut self) {
        self.queue.clear();
        self.random = None;
        self.jitter = None;
    }

    /// The fault for the next request, if any: queued faults first, then the random one.
    #[cfg(test)]
    pub(crate) fn next(&mut self) -> Option<Fault> {
        self.next_for(&Target { path: "/", operation: None, face_set: None })
    }

    /// Whether no fault is armed (then [`FaultQueue::next_for`] is `None` for every request).
    pub(crate) fn is_idle(&self) -> bool {
        self.queue.is_empty() && self.random.is_none()
    }

    /// The fault for a request to `target`, if any: the first queued rule in scope, else the
    /// random one.
    pub(crate) fn next_for(&mut self, target: &Target<'_>) -> Option<Fault> {
        if let Some(i) = self.queue.iter().position(|r| r.scope.admits(target)) {
            let rule = &mut self.queue[i];
            let (fault, left) = rule.steps.front_mut()?;
            let fault = fault.clone();
            *left -= 1;
            if *left == 0 {
                rule.steps.pop_front();
                if rule.steps.is_empty() {
                    self.queue.remove(i);
                }
            }
            return fault;
        }
        let random = self.random.as_mut().filter(|r| r.scope.admits(target))?;
        (random.draws.unit() < random.probability).then(|| random.fault.clone())
    }

    /// How long a `Latency` fault waits this time.
    pub(crate) fn latency(&mut self, ms: u64, jitter_ms: u64, seed: u64) -> Duration {
        let draws = self.jitter.get_or_insert_with(|| SplitMix64::new(seed));
        let spread = jitter_ms.saturating_mul(2).saturating_add(1);
        let offset = draws.below(spread);
        Duration::from_millis(ms.saturating_sub(jitter_ms).saturating_add(offset))
    }
}

/// The per-project quota of requests per second; beyond it the gateway answers
/// `APIGW.0308` (429).
#[derive(Debug, Default)]
pub(crate) struct Quota {
    qps: Option<u32>,
    window: Option<std::time::Instant>,
    used: u32,
}

impl Quota {
    pub(crate) fn new(qps: Option<u32>) -> Self {
        Self { qps, window: None, used: 0 }
    }

    pub(crate) fn set(&mut self, qps: Option<u32>) {
        *self = Self::new(qps);
    }

    pub(crate) fn limit(&self) -> Option<u32> {
        self.qps
    }

    /// Takes one request from this second's allowance: `Err(limit)` when none is left.
    pub(crate) fn take(&mut self, now: std::time::Instant) -> Result<(), u32> {
        let Some(limit) = self.qps else { return Ok(()) };
        match self.window {
            Some(start) if now.duration_since(start) < Duration::from_secs(1) => {}
            _ => {
                self.window = Some(now);
                self.used = 0;
            }
        }
        if self.used >= limit {
            return Err(limit);
        }
        self.used += 1;
        Ok(())
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
    fn scopes_sequences_and_latency() {
        let mut q = FaultQueue::default();
        let search = Target {
            path: "/v2/p/face-sets/staff/search",
            operation: Some("search"),
            face_set: Some("staff"),
        };
        let list = Target { path: "/v2/p/face-sets", operation: Some("show_all_face_sets"), face_set: None };
        let scope = Scope { operation: Some("search".into()), ..Scope::default() };
        q.push_sequence(scope, vec![(Some(Fault::json(503, "{}")), 2), (None, 1), (Some(Fault::Hang), 1)]);
        assert_eq!(q.next_for(&list), None, "out of scope");
        assert_eq!(q.next_for(&search), Some(Fault::json(503, "{}")));
        assert_eq!(q.next_for(&list), None);
        assert_eq!(q.next_for(&search), Some(Fault::json(503, "{}")));
        assert_eq!(q.next_for(&search), None, "then succeed");
        assert_eq!(q.next_for(&search), Some(Fault::Hang));
        assert_eq!(q.next_for(&search), None, "the sequence is over");

        let by_set = Scope { face_set: Some("other".into()), ..Scope::default() };
        q.push_sequence(by_set, vec![(Some(Fault::Drop), 1)]);
        assert_eq!(q.next_for(&search), None);
        let by_path = Scope { path: Some("/v2/*/face-sets/*/search".into()), ..Scope::default() };
        q.push_sequence(by_path, vec![(Some(Fault::Drop), 1)]);
        assert_eq!(q.next_for(&list), None);
        assert_eq!(q.next_for(&search), Some(Fault::Drop));

        for _ in 0..100 {
            let wait = q.latency(100, 20, 5);
            assert!((80..=120).contains(&wait.as_millis()), "{wait:?}");
        }
        assert!(
            glob("*", "") && glob("/a/*", "/a/b/c") && !glob("/a/*/c", "/a/b/d") && glob("a*b*c", "aXbYc")
        );
    }

    #[test]
    fn the_quota_counts_each_second() {
        let start = std::time::Instant::now();
        let mut quota = Quota::new(Some(2));
        assert_eq!([quota.take(start), quota.take(start), quota.take(start)], [Ok(()), Ok(()), Err(2)]);
        assert_eq!(quota.take(start + Duration::from_millis(1001)), Ok(()));
        quota.set(None);
        assert!((0..100).all(|_| quota.take(start).is_ok()));
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
