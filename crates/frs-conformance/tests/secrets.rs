//! No secret, token, security token or signature in what a caller or an operator sees:
//! `Debug` of the client and its state, errors (`Display` and `Debug`), and the core's
//! `tracing` spans, for AK/SK, temporary-key and token calls over real HTTP — successes,
//! service errors, a refused signature with clock-skew correction, retries after faults.

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use frs_emulator::{AccessKeyPair, Emulator, EmulatorConfig, Fault};
use frs_request::faces::DeleteFaces;
use frs_request::{
    BlockingClient, Config, Credentials, Endpoint, RetryPolicy, SyncTransport, TransportLimits,
};
use frs_ureq::{StdRuntime, UreqTransport};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const SK: &str = EmulatorConfig::DEFAULT_SECRET_KEY;
const TEMP_SK: &str = "temporary-secret-key-42";
const STS: &str = "sts-security-token-secret";

/// Every span and event as text.
#[derive(Clone, Default)]
struct Capture {
    text: Arc<Mutex<String>>,
    ids: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl Capture {
    fn line(&self, head: &str, record: impl FnOnce(&mut Fields<'_>)) {
        let mut text = self.text.lock().unwrap_or_else(PoisonError::into_inner);
        text.push_str(head);
        record(&mut Fields(&mut text));
        text.push('\n');
    }
    fn text(&self) -> String {
        self.text.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.ids.fetch_add(1, Ordering::Relaxed) + 1;
        self.line(&format!("span {id} {}:", span.metadata().name()), |f| span.record(f));
        Id::from_u64(id)
    }
    fn record(&self, id: &Id, values: &Record<'_>) {
        self.line(&format!("record {}:", id.into_u64()), |f| values.record(f));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        self.line("event:", |f| event.record(f));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// The ureq transport, keeping every Authorization header it sends (the signatures).
#[derive(Clone)]
struct Keeping {
    inner: UreqTransport,
    sent: Arc<Mutex<Vec<String>>>,
}

impl SyncTransport for Keeping {
    type Error = frs_ureq::UreqError;
    fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, Self::Error> {
        if let Some(v) = request.headers().get("authorization").and_then(|v| v.to_str().ok()) {
            self.sent.lock().unwrap_or_else(PoisonError::into_inner).push(v.to_owned());
        }
        self.inner.send(request)
    }
}

#[test]
fn no_secret_in_debug_errors_or_spans() {
    let mut config = EmulatorConfig { clock_offset_secs: 1_200, ..EmulatorConfig::default() };
    config.access_keys.push(AccessKeyPair {
        access_key: "TEMPAK".into(),
        secret_key: TEMP_SK.into(),
        security_token: Some(STS.into()),
    });
    let emulator = Emulator::start(config).unwrap();
    emulator.seed_face_set("staff", &[]);
    let endpoint = Endpoint::parse(&emulator.endpoint()).unwrap();
    let retry = RetryPolicy { initial_backoff: Duration::from_millis(5), ..RetryPolicy::default() };
    let capture = Capture::default();
    let sent = Arc::new(Mutex::new(Vec::new()));
    let mut seen = String::new();
    let token = EmulatorConfig::DEFAULT_TOKEN;
    tracing::subscriber::with_default(capture.clone(), || {
        for credentials in [
            Credentials::access_key(EmulatorConfig::DEFAULT_ACCESS_KEY, SK),
            Credentials::temporary("TEMPAK", TEMP_SK, STS),
            Credentials::token(token),
            Credentials::access_key(EmulatorConfig::DEFAULT_ACCESS_KEY, "a-wrong-secret-key"),
        ] {
            let config = Config::new(
                endpoint.clone(),
                EmulatorConfig::DEFAULT_PROJECT_ID.parse().unwrap(),
                credentials,
            )
            .with_retry(retry.clone());
            let transport =
                Keeping { inner: UreqTransport::new(TransportLimits::default()), sent: Arc::clone(&sent) };
            let client: BlockingClient<Keeping, StdRuntime> =
                BlockingClient::with_transport(config, transport);
            emulator.inject(Fault::json(503, r#"{"error_code":"FRS.0018","error_msg":"busy"}"#), 1);
            emulator.inject(Fault::LoseAnswer, 1);
            let op = DeleteFaces::by_external_image_id("staff".parse().unwrap(), "img-1".parse().unwrap());
            match client.execute(&op) {
                Ok(reply) => {
                    let _ = write!(seen, "{reply:?}");
                }
                Err(e) => {
                    let _ = write!(seen, "{e} {e:?} {:?}", std::error::Error::source(&e));
                }
            }
            let _ = write!(seen, "{:?} {:?} {:?}", client.config(), client.shared(), client.config().retry());
        }
    });
    let spans = capture.text();
    assert!(spans.contains("frs.call") && spans.contains("frs.attempt"), "spans were recorded:\n{spans}");
    assert!(spans.contains("operation=\"DeleteFaces\"") && spans.contains("latency_ms="), "{spans}");
    assert!(spans.contains("code=\"FRS.0018\"") && spans.contains("wait_ms="), "{spans}");
    let signatures = sent.lock().unwrap_or_else(PoisonError::into_inner).clone();
    assert!(signatures.len() >= 6, "{signatures:?}");
    let all = format!("{spans}\n{seen}");
    let mut secrets = vec![
        SK.to_owned(),
        TEMP_SK.to_owned(),
        STS.to_owned(),
        token.to_owned(),
        "a-wrong-secret-key".to_owned(),
    ];
    secrets.extend(signatures.iter().filter_map(|a| a.split("Signature=").nth(1)).map(str::to_owned));
    for secret in &secrets {
        assert!(!all.contains(secret.as_str()), "{secret:?} leaked in:\n{all}");
    }
    assert!(!all.contains("Signature="), "{all}");
}
