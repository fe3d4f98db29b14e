//! Which failures are retried, and how long to wait between attempts.
//!
//! Policy ([`RetryPolicy::default`]):
//! - Retried: network errors (refused, reset, truncated body), timeouts, 408, 5xx,
//!   malformed 2xx bodies, and 429s. Never retried: 401, 403, other 4xx, redirects.
//! - Backoff: exponential from 500 ms, factor 2, capped at 8 s per wait, with jitter
//!   (backon's `ExponentialBuilder`), at most 4 attempts per page for ordinary failures.
//! - 429s are waited out separately (see `rate_limit`): up to 6 per page, each until
//!   the window's reset (or `Retry-After`), concurrency 429s with the backoff above.
//! - Every page gives up after 3 minutes of retrying in total, so a sync never spins;
//!   the caller then returns a resumable `transientError` to the host.

use std::time::{Duration, Instant};

use backon::{BackoffBuilder, ExponentialBuilder};

/// Bounds and backoff for retrying one page request.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
  /// Attempts per page for ordinary transient failures (first try included).
  pub max_attempts: u32,
  /// 429 waits per page before giving up with `OKTA_RATE_LIMITED`.
  pub max_rate_limit_waits: u32,
  /// First backoff delay.
  pub min_delay: Duration,
  /// Largest backoff delay.
  pub max_delay: Duration,
  /// Total time one page may spend retrying.
  pub max_elapsed: Duration,
  /// Pages one Link chain may have (tests lower it); `None`: the per-resource default
  /// of [`crate::http::chain::max_chain_pages`].
  pub max_chain_pages: Option<u64>,
}

impl Default for RetryPolicy {
  fn default() -> Self {
    RetryPolicy {
      max_attempts: 4,
      max_rate_limit_waits: 6,
      min_delay: Duration::from_millis(500),
      max_delay: Duration::from_secs(8),
      max_elapsed: Duration::from_secs(180),
      max_chain_pages: None,
    }
  }
}

impl RetryPolicy {
  /// A fresh backoff sequence (jittered, exponential) for one page.
  pub fn backoff(&self) -> impl Iterator<Item = Duration> {
    ExponentialBuilder::default()
      .with_min_delay(self.min_delay)
      .with_max_delay(self.max_delay)
      .with_factor(2.0)
      .with_jitter()
      .without_max_times()
      .build()
  }

  /// The wait before retrying after `retry` (`None`: give up): 429 waits up to
  /// `max_rate_limit_waits`, backoff up to `max_attempts`, all within `max_elapsed`
  /// of `started`. (`Reauth` is decided by the caller.)
  pub(crate) fn delay(
    &self,
    retry: Retry,
    attempts: u32,
    rate_waits: &mut u32,
    backoff: &mut impl Iterator<Item = Duration>,
    started: Instant,
  ) -> Option<u64> {
    let delay = match retry {
      Retry::Never | Retry::Reauth { .. } => None,
      Retry::After { wait_ms } => {
        *rate_waits += 1;
        (*rate_waits <= self.max_rate_limit_waits).then_some(wait_ms)
      }
      Retry::Backoff => (attempts < self.max_attempts)
        .then(|| backoff.next().map(|d| d.as_millis() as u64))
        .flatten(),
    };
    delay.filter(|d| started.elapsed() + Duration::from_millis(*d) <= self.max_elapsed)
  }
}

/// Whether a failed attempt may be retried, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
  /// Do not retry.
  Never,
  /// Retry after the next backoff delay.
  Backoff,
  /// Retry after this exact wait (rate-limit reset or `Retry-After`).
  After {
    /// Milliseconds to wait.
    wait_ms: u64,
  },
  /// OAuth 401: retry at once, with a fresh token (`refresh`) or with the DPoP
  /// nonce the response just carried (bounded by the caller).
  Reauth {
    /// Fetch a new token first (else: only the nonce changed).
    refresh: bool,
  },
}

/// The retry class of an HTTP status (429 is decided by the pacer instead).
pub fn retry_for_status(status: u16) -> Retry {
  match status {
    408 | 500..=599 => Retry::Backoff,
    _ => Retry::Never,
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn statuses_are_classified() {
    assert_eq!(retry_for_status(500), Retry::Backoff);
    assert_eq!(retry_for_status(503), Retry::Backoff);
    assert_eq!(retry_for_status(408), Retry::Backoff);
    for s in [400, 401, 403, 404, 302] {
      assert_eq!(retry_for_status(s), Retry::Never, "{s}");
    }
  }

  #[test]
  fn backoff_grows_and_is_capped() {
    let policy = RetryPolicy::default();
    let delays: Vec<Duration> = policy.backoff().take(8).collect();
    assert_eq!(delays.len(), 8);
    // Jitter adds up to one more base delay, so each stays within [base, 2*base].
    assert!(delays[0] >= Duration::from_millis(500) && delays[0] <= Duration::from_millis(1000));
    assert!(delays.iter().all(|d| *d <= Duration::from_secs(16)));
    assert!(delays[7] >= Duration::from_secs(8));
  }
}
