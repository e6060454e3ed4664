//! What the clones of a client share across calls: the retry budget, the clock offset
//! learnt from the service, and the client-side rate limit.
//!
//! The core still reads no clock: every method takes the time from the caller (the
//! client's runtime). The state sits behind one `Arc<Mutex<..>>`, held for a few
//! arithmetic operations at a time and never across I/O or a sleep.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use crate::retry::RetryBudget;

/// A client-side rate limit: at most `per_second` requests a second, spread evenly, for
/// all the clones of a client together (FRS quotas are bought in requests per second).
///
/// With `adaptive`, an answer that says the quota is exhausted (HTTP 429, `APIGW.0308`)
/// halves the rate in force, down to a tenth of the setting, and every success wins back
/// a twentieth of the setting, up to the setting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Requests per second; a value that is not a positive number means no limit.
    pub per_second: f64,
    /// Whether throttling answers slow the client down further.
    pub adaptive: bool,
}

impl RateLimit {
    /// At most `per_second` requests a second, not adaptive.
    pub fn per_second(per_second: f64) -> Self {
        Self { per_second, adaptive: false }
    }

    /// The same limit, slowing down on throttling answers.
    pub fn adaptive(self) -> Self {
        Self { adaptive: true, ..self }
    }

    fn is_active(&self) -> bool {
        self.per_second.is_finite() && self.per_second > 0.0
    }
}

/// The state the clones of one client share (see the module documentation). Cloning it
/// shares it; [`SharedState::default`] is a fresh one.
#[derive(Debug, Clone, Default)]
pub struct SharedState {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Tokens left in the retry budget; `None` until the first retry or success (a full
    /// bucket, whatever its capacity).
    tokens: Option<u32>,
    /// The service's clock minus ours, in seconds, once a refused signature showed one.
    clock_offset_secs: Option<i64>,
    limit: Option<RateLimit>,
    /// The rate in force (below the setting after throttling, in adaptive mode).
    current_rate: f64,
    /// The earliest time the next request may go.
    next_free: Option<SystemTime>,
}

impl SharedState {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // The state stays consistent at every step, so a panic elsewhere does not spoil it.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The offset between the service's clock and the local one (positive: the service
    /// is ahead), once a refused signature revealed one; requests are signed with the
    /// local time plus this offset.
    pub fn clock_offset(&self) -> Option<i64> {
        self.lock().clock_offset_secs
    }

    pub(crate) fn set_clock_offset(&self, secs: i64) {
        self.lock().clock_offset_secs = Some(secs);
    }

    /// Tokens left in the retry budget, given its settings.
    pub fn retry_tokens(&self, budget: &RetryBudget) -> u32 {
        self.lock().tokens.unwrap_or(budget.capacity).min(budget.capacity)
    }

    /// Takes `cost` tokens for a retry; `false` (and nothing taken) when too few are left.
    pub(crate) fn withdraw(&self, budget: &RetryBudget, cost: u32) -> bool {
        let mut inner = self.lock();
        let tokens = inner.tokens.unwrap_or(budget.capacity).min(budget.capacity);
        if tokens < cost {
            inner.tokens = Some(tokens);
            return false;
        }
        inner.tokens = Some(tokens - cost);
        true
    }

    /// Gives `amount` tokens back, up to the capacity.
    pub(crate) fn refund(&self, budget: &RetryBudget, amount: u32) {
        let mut inner = self.lock();
        let tokens = inner.tokens.unwrap_or(budget.capacity);
        inner.tokens = Some(tokens.saturating_add(amount).min(budget.capacity));
    }

    /// The rate limit in force, if any.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.lock().limit
    }

    /// The rate (requests per second) in force now: the setting, or less after throttling
    /// in adaptive mode.
    pub fn current_rate(&self) -> Option<f64> {
        let inner = self.lock();
        inner.limit.filter(RateLimit::is_active).map(|_| inner.current_rate)
    }

    /// Sets (or, with `None`, lifts) the rate limit of every clone.
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        let mut inner = self.lock();
        inner.limit = limit;
        inner.current_rate = limit.map_or(0.0, |l| l.per_second);
        inner.next_free = None;
    }

    /// Reserves the next slot for a request at `now`: how long to wait before sending.
    pub(crate) fn reserve(&self, now: SystemTime) -> Duration {
        let mut inner = self.lock();
        if !inner.limit.is_some_and(|l| l.is_active()) || inner.current_rate <= 0.0 {
            return Duration::ZERO;
        }
        let interval = Duration::from_secs_f64(1.0 / inner.current_rate);
        let slot = match inner.next_free {
            Some(free) if free > now => free,
            _ => now,
        };
        inner.next_free = Some(slot + interval);
        slot.duration_since(now).unwrap_or(Duration::ZERO)
    }

    /// An answer said the quota is exhausted: in adaptive mode, halve the rate.
    pub(crate) fn throttled(&self) {
        let mut inner = self.lock();
        if let Some(limit) = inner.limit.filter(|l| l.adaptive && l.is_active()) {
            inner.current_rate = (inner.current_rate / 2.0).max(limit.per_second / 10.0);
        }
    }

    /// A request succeeded: in adaptive mode, win back some rate.
    pub(crate) fn succeeded(&self) {
        let mut inner = self.lock();
        if let Some(limit) = inner.limit.filter(|l| l.adaptive && l.is_active()) {
            inner.current_rate = (inner.current_rate + limit.per_second / 20.0).min(limit.per_second);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_runs_dry_and_refills() {
        let budget = RetryBudget { capacity: 10, retry_cost: 5, timeout_cost: 10, success_refund: 1 };
        let state = SharedState::default();
        assert!(state.withdraw(&budget, 5));
        assert!(state.withdraw(&budget, 5));
        assert!(!state.withdraw(&budget, 5));
        for _ in 0..5 {
            state.refund(&budget, 1);
        }
        assert!(state.withdraw(&budget, 5));
        state.refund(&budget, 100);
        assert_eq!(state.retry_tokens(&budget), 10);
    }

    #[test]
    fn slots_are_spread_evenly_and_adapt() {
        let state = SharedState::default();
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!(state.reserve(t0), Duration::ZERO);
        state.set_rate_limit(Some(RateLimit::per_second(10.0).adaptive()));
        assert_eq!(state.reserve(t0), Duration::ZERO);
        assert_eq!(state.reserve(t0), Duration::from_millis(100));
        assert_eq!(state.reserve(t0), Duration::from_millis(200));
        state.throttled();
        assert_eq!(state.current_rate(), Some(5.0));
        for _ in 0..10 {
            state.throttled();
        }
        assert_eq!(state.current_rate(), Some(1.0));
        for _ in 0..100 {
            state.succeeded();
        }
        assert_eq!(state.current_rate(), Some(10.0));
    }
}
