//! `bare-clients reqwest|hyper URL REQUESTS CONCURRENCY`: DELETE `URL` `REQUESTS` times from
//! `CONCURRENCY` tasks shared among one single-threaded tokio runtime per core, each with a
//! client of its own, with the headers of a signed delete-face (fixed, nothing is signed),
//! and print the rate. The same runtimes and loop as `frs bench --transport async`, without
//! the SDK: the ceiling of each HTTP stack.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use http_body_util::BodyExt as _;

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
        eprintln!("usage: bare-clients reqwest|hyper URL REQUESTS CONCURRENCY");
        std::process::exit(2);
    };
    let requests: u64 = requests.parse().expect("REQUESTS is a number");
    let concurrency: usize = concurrency.parse().expect("CONCURRENCY is a number");
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
    let seconds = started.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let rate = requests as f64 / seconds;
    println!(
        "{{\"stack\": \"{stack}\", \"concurrency\": {concurrency}, \"requests\": {requests}, \"requests_per_second\": {rate:.0}}}"
    );
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
            other => panic!("unknown stack {other}: reqwest or hyper"),
        };
        for task in tasks {
            task.await.expect("a task");
        }
    });
}
