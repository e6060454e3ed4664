//! `bare-clients reqwest|hyper|ureq URL REQUESTS CONCURRENCY`: DELETE `URL` `REQUESTS` times
//! with the headers of a signed delete-face (fixed, nothing is signed), and print the rate.
//! reqwest and hyper: `CONCURRENCY` tasks shared among one single-threaded tokio runtime per
//! core, each with a client of its own — the runtimes and loop of `frs bench --transport
//! async`. ureq: `CONCURRENCY` threads sharing one agent, each request configured as
//! `frs_ureq::UreqTransport` configures it (error statuses as answers, no redirects, connect
//! and total timeouts, the body read with a cap) — the loop of `frs bench --transport
//! blocking`. Without the SDK: the ceiling of each HTTP stack.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use http_body_util::BodyExt as _;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

const HEADERS: [(&str, &str); 4] = [
    ("content-type", "application/json"),
    ("x-project-id", "b0f0a1b2c3d4e5f60718293a4b5c6d7e"),
    ("x-sdk-date", "20261202T190000Z"),
    (
        "authorization",
        "SDK-HMAC-SHA256 Access=BENCHAK00000000000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date, \
         Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, stack, url, requests, concurrency] = &args[..] else {
        eprintln!("usage: bare-clients reqwest|hyper|ureq URL REQUESTS CONCURRENCY");
        std::process::exit(2);
    };
    let requests: u64 = requests.parse().expect("REQUESTS is a number");
    let concurrency: usize = concurrency.parse().expect("CONCURRENCY is a number");
    if stack == "ureq" {
        let started = Instant::now();
        blocking(url, requests, concurrency);
        return report(stack, concurrency, requests, started);
    }
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let threads = cores.min(concurrency);
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    std::thread::scope(|scope| {
        for i in 0..threads {
            let tasks = concurrency / threads + usize::from(i < concurrency % threads);
            let next = Arc::clone(&next);
            scope.spawn(move || {
                run(stack, url, tasks, move || next.fetch_add(1, Ordering::Relaxed) < requests)
            });
        }
    });
    report(stack, concurrency, requests, started);
}

fn report(stack: &str, concurrency: usize, requests: u64, started: Instant) {
    let seconds = started.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let rate = requests as f64 / seconds;
    println!(
        "{{\"stack\": \"{stack}\", \"concurrency\": {concurrency}, \"requests\": {requests}, \"requests_per_second\": {rate:.0}}}"
    );
}

/// `concurrency` threads sharing one ureq agent, as `frs bench --transport blocking` shares
/// one client: its pool as `UreqTransport::new` builds it, each request configured as
/// `UreqTransport::send` does, the host resolved once
/// (`UreqTransport::new` caches the lookup for a minute: ureq's own resolver, with a timeout
/// set, spawns a thread for every lookup).
fn blocking(url: &str, requests: u64, concurrency: usize) {
    let uri: http::Uri = url.parse().expect("a URL");
    // The pool `UreqTransport::new` builds: up to 256 idle connections (ureq keeps 3 a host).
    let config =
        ureq::Agent::config_builder().max_idle_connections(256).max_idle_connections_per_host(256).build();
    let addrs =
        DefaultResolver::default().resolve(&uri, &config, NextTimeout::default()).expect("an address");
    let agent = ureq::Agent::with_parts(config, DefaultConnector::new(), Resolved(addrs));
    let next = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for _ in 0..concurrency {
            scope.spawn(|| {
                while next.fetch_add(1, Ordering::Relaxed) < requests {
                    let mut request = http::Request::delete(url);
                    for (name, value) in HEADERS {
                        request = request.header(name, value);
                    }
                    let request = request.body(&[][..]).expect("a request");
                    let request = agent
                        .configure_request(request)
                        .http_status_as_error(false)
                        .max_redirects(0)
                        .timeout_connect(Some(Duration::from_secs(10)))
                        .timeout_global(Some(Duration::from_secs(30)))
                        .build();
                    let answer = agent.run(request).expect("an answer");
                    let body =
                        answer.into_body().with_config().limit(10 << 20).read_to_vec().expect("a body");
                    assert!(!body.is_empty());
                }
            });
        }
    });
}

/// The addresses looked up once, for every request.
#[derive(Debug)]
struct Resolved(ResolvedSocketAddrs);

impl Resolver for Resolved {
    fn resolve(
        &self,
        _: &http::Uri,
        _: &ureq::config::Config,
        _: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        Ok(self.0.clone())
    }
}

/// `tasks` tasks on a single-threaded runtime of this thread, sending while `more()`.
fn run(stack: &str, url: &str, tasks: usize, more: impl Fn() -> bool + Clone + Send + 'static) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let tasks: Vec<_> = match stack {
            "reqwest" => {
                let client = reqwest::Client::builder().http1_only().build().expect("a client");
                (0..tasks)
                    .map(|_| {
                        let (client, url, more) = (client.clone(), url.to_owned(), more.clone());
                        tokio::spawn(async move {
                            while more() {
                                let mut request = client.delete(&url);
                                for (name, value) in HEADERS {
                                    request = request.header(name, value);
                                }
                                let body =
                                    request.send().await.expect("an answer").bytes().await.expect("a body");
                                assert!(!body.is_empty());
                            }
                        })
                    })
                    .collect()
            }
            "hyper" => {
                let client =
                    hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                        .build_http::<http_body_util::Full<bytes::Bytes>>();
                let uri: http::Uri = url.parse().expect("a URL");
                (0..tasks)
                    .map(|_| {
                        let (client, uri, more) = (client.clone(), uri.clone(), more.clone());
                        tokio::spawn(async move {
                            while more() {
                                let mut request = http::Request::delete(uri.clone());
                                for (name, value) in HEADERS {
                                    request = request.header(name, value);
                                }
                                let request =
                                    request.body(http_body_util::Full::default()).expect("a request");
                                let answer = client.request(request).await.expect("an answer");
                                let body = answer.into_body().collect().await.expect("a body").to_bytes();
                                assert!(!body.is_empty());
                            }
                        })
                    })
                    .collect()
            }
            other => panic!("unknown stack {other}: reqwest, hyper or ureq"),
        };
        for task in tasks {
            task.await.expect("a task");
        }
    });
}
