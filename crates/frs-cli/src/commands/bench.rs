//! `frs bench delete-face|search|add-face`: a load generator on our own clients, for sizing a
//! QPS quota and for load-testing the emulator. It sends `--requests` calls from
//! `--concurrency` workers (threads over ureq, or tasks over reqwest on one runtime per core) and
//! prints one JSON object: counts, rate and latency percentiles in microseconds.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use frs_request::Config;
use frs_request::faces::{AddFaces, DeleteFaces};
use frs_request::search::SearchFaces;
use frs_types::Image;
use serde_json::json;

use crate::args::{BenchArgs, BenchOperation, BenchTransport, GlobalArgs};
use crate::client::{Runner, limits};
use crate::exit::CliError;
use crate::inputs;
use crate::output::write_out;

/// One operation, built once and sent `--requests` times.
enum Op {
    Delete(DeleteFaces),
    Search(SearchFaces),
    Add(AddFaces),
}

/// What every worker brings back: its latencies and its failed calls.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    errors: u64,
}

impl Tally {
    fn record<T, E>(&mut self, started: Instant, result: &Result<T, E>) {
        self.latencies_us.push(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
        self.errors += u64::from(result.is_err());
    }

    fn merge(&mut self, other: Self) {
        self.latencies_us.extend(other.latencies_us);
        self.errors += other.errors;
    }
}

/// Runs the benchmark and prints its JSON object.
///
/// # Errors
/// [`CliError::Usage`] for bad input (nothing is sent), [`CliError::Credentials`] without a
/// configuration, [`CliError::Failed`] when the async runtime cannot start.
pub(crate) fn run(args: &BenchArgs, global: &GlobalArgs) -> Result<(), CliError> {
    if args.requests == 0 || args.concurrency == 0 {
        return Err(CliError::usage("--requests and --concurrency must be at least 1"));
    }
    let set = args.face_set.parse()?;
    let image = || -> Result<Image, CliError> { inputs::image(&args.image) };
    let op = match args.operation {
        BenchOperation::DeleteFace => {
            Op::Delete(DeleteFaces::by_external_image_id(set, args.external_image_id.parse()?))
        }
        BenchOperation::Search => Op::Search(SearchFaces::by_image(set, image()?)),
        BenchOperation::AddFace => {
            Op::Add(AddFaces::new(set, image()?).external_image_id(args.external_image_id.parse()?))
        }
    };
    let started = Instant::now();
    let tally = match args.transport {
        BenchTransport::Blocking => blocking(&op, args, global)?,
        BenchTransport::Async => nonblocking(op, args, global)?,
    };
    report(args, tally, started.elapsed())
}

/// The next call's number, or `None` once `requests` have been handed out.
fn take(next: &AtomicU64, requests: u64) -> Option<u64> {
    let n = next.fetch_add(1, Ordering::Relaxed);
    (n < requests).then_some(n)
}

fn blocking(op: &Op, args: &BenchArgs, global: &GlobalArgs) -> Result<Tally, CliError> {
    let runner = Runner::new(global)?;
    let client = runner.client();
    let next = AtomicU64::new(0);
    let mut tally = Tally::default();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..args.concurrency)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Tally::default();
                    while take(&next, args.requests).is_some() {
                        let started = Instant::now();
                        match op {
                            Op::Delete(op) => mine.record(started, &client.execute(op)),
                            Op::Search(op) => mine.record(started, &client.execute(op)),
                            Op::Add(op) => mine.record(started, &client.execute(op)),
                        }
                    }
                    mine
                })
            })
            .collect();
        for worker in workers {
            // A worker that panicked has lost its tally; the others still count.
            if let Ok(mine) = worker.join() {
                tally.merge(mine);
            }
        }
    });
    Ok(tally)
}

/// Over reqwest: the tasks shared among one single-threaded runtime per core, each with a
/// client (and so a connection pool) of its own, as a load generator such as `wrk` runs a
/// loop per thread — a connection's readiness, its task and its answer stay on one thread,
/// with none of a work-stealing scheduler's cross-thread wake-ups.
fn nonblocking(op: Op, args: &BenchArgs, global: &GlobalArgs) -> Result<Tally, CliError> {
    let crate::settings::Resolved { config, .. } = crate::settings::from_process(global)?;
    let limits = limits(global);
    let (requests, concurrency) = (args.requests, args.concurrency);
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let threads = cores.min(concurrency);
    let (op, next) = (Arc::new(op), Arc::new(AtomicU64::new(0)));
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|i| {
                // Tasks dealt out as evenly as the count allows.
                let tasks = concurrency / threads + usize::from(i < concurrency % threads);
                let (config, limits, op, next) =
                    (config.clone(), limits.clone(), Arc::clone(&op), Arc::clone(&next));
                scope.spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| CliError::Failed(format!("cannot start the async runtime: {e}")))?;
                    runtime.block_on(async move {
                        let client = Arc::new(async_client(config, limits)?);
                        let tasks: Vec<_> = (0..tasks)
                            .map(|_| {
                                let (client, op, next) =
                                    (Arc::clone(&client), Arc::clone(&op), Arc::clone(&next));
                                tokio::spawn(async move {
                                    let mut mine = Tally::default();
                                    while take(&next, requests).is_some() {
                                        let started = Instant::now();
                                        match &*op {
                                            Op::Delete(op) => mine.record(started, &client.execute(op).await),
                                            Op::Search(op) => mine.record(started, &client.execute(op).await),
                                            Op::Add(op) => mine.record(started, &client.execute(op).await),
                                        }
                                    }
                                    mine
                                })
                            })
                            .collect();
                        let mut tally = Tally::default();
                        for task in tasks {
                            if let Ok(mine) = task.await {
                                tally.merge(mine);
                            }
                        }
                        Ok(tally)
                    })
                })
            })
            .collect();
        let mut tally = Tally::default();
        for worker in workers {
            match worker.join() {
                Ok(Ok(mine)) => tally.merge(mine),
                Ok(Err(e)) => return Err(e),
                // A worker that panicked has lost its tally; the others still count.
                Err(_) => {}
            }
        }
        Ok(tally)
    })
}

fn async_client(
    config: Config,
    limits: frs_request::TransportLimits,
) -> Result<frs_reqwest::Client, CliError> {
    let transport = frs_reqwest::ReqwestTransport::new(limits)
        .map_err(|e| CliError::Failed(format!("cannot build the HTTP client: {e}")))?;
    Ok(frs_reqwest::Client::with_transport(config, transport))
}

/// The `q`-quantile of sorted values (nearest rank).
fn quantile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    // Nearest rank: ceil(q * n), 1-based; the casts stay within the slice's length.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(args: &BenchArgs, mut tally: Tally, elapsed: Duration) -> Result<(), CliError> {
    tally.latencies_us.sort_unstable();
    let done = tally.latencies_us.len();
    let seconds = elapsed.as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let rate = if seconds > 0.0 { done as f64 / seconds } else { 0.0 };
    let lat = &tally.latencies_us;
    let object = json!({
        "operation": args.operation.name(),
        "requests": done,
        "errors": tally.errors,
        "seconds": (seconds * 1e6).round() / 1e6,
        "requests_per_second": (rate * 10.0).round() / 10.0,
        "p50_us": quantile(lat, 0.50),
        "p90_us": quantile(lat, 0.90),
        "p99_us": quantile(lat, 0.99),
        "max_us": lat.last().copied().unwrap_or(0),
        "transport": args.transport.name(),
        "concurrency": args.concurrency,
    });
    write_out(&format!("{object}\n"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn quantiles_are_nearest_rank() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(quantile(&values, 0.50), 50);
        assert_eq!(quantile(&values, 0.90), 90);
        assert_eq!(quantile(&values, 0.99), 99);
        assert_eq!(quantile(&[7], 0.99), 7);
        assert_eq!(quantile(&[], 0.5), 0);
    }
}
