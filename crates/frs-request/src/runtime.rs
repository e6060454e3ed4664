//! The standard library's clock and sleep as a [`BlockingRuntime`], for every blocking
//! transport (it needs nothing of theirs).

use std::time::{Duration, SystemTime};

use crate::BlockingRuntime;

/// The runtime of a blocking client: the system clock and `std::thread::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StdRuntime;

impl BlockingRuntime for StdRuntime {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
    fn sleep(&self, wait: Duration) {
        std::thread::sleep(wait);
    }
    fn run_workers(&self, workers: usize, work: &(dyn Fn() + Sync)) {
        std::thread::scope(|scope| {
            for _ in 1..workers {
                scope.spawn(work);
            }
            // The calling thread is a worker too.
            work();
        });
    }
}
