//! The example runtime over hyper under load: `hyper/transport.rs` driving the core's async
//! client, one delete-face after another, the way `frs bench --transport async` drives
//! `frs_reqwest` — one single-threaded tokio runtime per core, each with a client of its own
//! and its share of the tasks. `cargo xtask bench-compare` runs it next to hyper alone
//! (`bare-clients hyper`, the same loop with no SDK code): what the core costs on a lean
//! HTTP stack, where reqwest's own cost hides it.
//!
//! `cargo run --release -p frs-conformance --example hyper_bench -- FACE_SET IMAGE_ID
//! REQUESTS CONCURRENCY`, with the endpoint and credentials in `FRS_ENDPOINT`,
//! `HUAWEICLOUD_SDK_PROJECT_ID`, `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK`; prints one
//! JSON object (`requests`, `errors`, `seconds`, `requests_per_second`, `concurrency`).

#[path = "../hyper/transport.rs"]
mod transport;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime};

use frs_request::faces::DeleteFaces;
use frs_request::{AsyncClient, Config, Credentials, Endpoint, TransportLimits};

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [set, image, requests, concurrency] = &args[..] else {
        return Err("usage: hyper_bench FACE_SET IMAGE_ID REQUESTS CONCURRENCY".into());
    };
    let env = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let config = Config::new(
        Endpoint::parse(&env("FRS_ENDPOINT")?)?,
        env("HUAWEICLOUD_SDK_PROJECT_ID")?.parse()?,
        Credentials::access_key(env("HUAWEICLOUD_SDK_AK")?, env("HUAWEICLOUD_SDK_SK")?),
    );
    let op = Arc::new(DeleteFaces::by_external_image_id(set.parse()?, image.parse()?));
    let (requests, concurrency): (u64, usize) = (requests.parse()?, concurrency.parse()?);
    if concurrency == 0 {
        return Err("CONCURRENCY must be at least 1".into());
    }
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let threads = cores.min(concurrency);
    let (next, errors) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let started = Instant::now();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|i| {
                // Tasks dealt out as evenly as the count allows.
                let tasks = concurrency / threads + usize::from(i < concurrency % threads);
                let (config, op, next, errors) =
                    (config.clone(), Arc::clone(&op), Arc::clone(&next), Arc::clone(&errors));
                scope.spawn(move || run(config, op, tasks, requests, next, errors))
            })
            .collect();
        workers
            .into_iter()
            .try_for_each(|worker| worker.join().map_err(|_| Failure::from("a worker panicked"))?)
    })?;
    let seconds = started.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let rate = requests as f64 / seconds;
    println!(
        "{{\"runtime\": \"hyper\", \"requests\": {requests}, \"errors\": {}, \"seconds\": {seconds:.3}, \
         \"requests_per_second\": {rate:.0}, \"concurrency\": {concurrency}}}",
        errors.load(Ordering::Relaxed)
    );
    Ok(())
}

/// `tasks` tasks on a single-threaded runtime of this thread, with a client of their own,
/// deleting until `requests` have been handed out.
fn run(
    config: Config,
    op: Arc<DeleteFaces>,
    tasks: usize,
    requests: u64,
    next: Arc<AtomicU64>,
    errors: Arc<AtomicU64>,
) -> Result<(), Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async move {
        let transport = transport::HyperTransport::new(TransportLimits::default());
        let client =
            Arc::new(AsyncClient::with_runtime(config, transport, (SystemTime::now, tokio::time::sleep)));
        let tasks: Vec<_> = (0..tasks)
            .map(|_| {
                let (client, op, next, errors) =
                    (Arc::clone(&client), Arc::clone(&op), Arc::clone(&next), Arc::clone(&errors));
                tokio::spawn(async move {
                    while next.fetch_add(1, Ordering::Relaxed) < requests {
                        if client.execute(&*op).await.is_err() {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await?;
        }
        Ok(())
    })
}
