//! Proactive pacing from Okta's `X-Rate-Limit-*` headers (pure: the clock is passed in).
//!
//! Policy, per endpoint bucket (users, groups, logs), one [`Pacer`] each:
//! - The connector may spend `budget = max(1, floor(limit * share))` requests of each
//!   window (`share` defaults to 0.5); the rest is the org's other clients' reserve.
//! - Before a request, if the window of the last response is still open and either we
//!   already sent `budget` requests in it or Okta reports `remaining <= limit - budget`
//!   (others are using the reserve), wait until `X-Rate-Limit-Reset` plus a little
//!   jitter. So a steady sync never sees a 429 and never spends the last part of a window.
//! - A 429 whose headers describe the same window means the window is spent: wait for
//!   its reset. A 429 whose limit differs from the known window limit is a
//!   concurrency-limit 429 (Okta then reports the concurrency limit and only an
//!   estimated reset): back off briefly instead of waiting a whole window.
//! - `Retry-After`, when Okta sends it, wins.
//! - Waits are capped at [`MAX_WAIT_MS`] so a bogus header can never stall a sync.
//! - A response cannot poison the state: a reset further ahead than
//!   [`MAX_RESET_AHEAD_MS`] (Okta's windows are one minute) is stored clamped to that,
//!   and the next real window replaces a clamped one even though its reset is earlier
//!   (a late response of an older *real* window still never rolls the window back). A
//!   reset in the past opens the window at once; a `Retry-After` of any size waits at
//!   most [`MAX_WAIT_MS`].
//! - The caller bounds every wait by the call's chunk budget and the run budget (see
//!   `OktaHttp::get_page`): a wait never outlasts the `sync()` call that waits.

use reqwest::header::HeaderMap;

/// The longest single wait a header can cause (Okta windows are one minute).
pub const MAX_WAIT_MS: u64 = 70_000;
/// The furthest ahead a stored window reset may be: one Okta window plus a minute of
/// clock difference between this machine and Okta. A header claiming more is clamped.
pub const MAX_RESET_AHEAD_MS: u64 = 120_000;

/// The rate-limit headers of one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSnapshot {
  /// `X-Rate-Limit-Limit`.
  pub limit: u64,
  /// `X-Rate-Limit-Remaining`.
  pub remaining: u64,
  /// `X-Rate-Limit-Reset`: UTC epoch seconds when the window resets.
  pub reset_epoch_s: u64,
}

impl RateLimitSnapshot {
  /// Reads the three headers; `None` if any is missing or not a number.
  pub fn from_headers(headers: &HeaderMap) -> Option<RateLimitSnapshot> {
    let num = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
    Some(RateLimitSnapshot {
      limit: num("x-rate-limit-limit")?,
      remaining: num("x-rate-limit-remaining")?,
      reset_epoch_s: num("x-rate-limit-reset")?,
    })
  }

  fn reset_ms(&self) -> u64 {
    self.reset_epoch_s.saturating_mul(1000)
  }
}

/// Reads `Retry-After` as delay seconds (Okta does not send HTTP dates here).
pub fn retry_after_ms(headers: &HeaderMap) -> Option<u64> {
  let secs: u64 = headers.get("retry-after")?.to_str().ok()?.trim().parse().ok()?;
  Some(secs.saturating_mul(1000).min(MAX_WAIT_MS))
}

/// What a 429 means for the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooManyRequests {
  /// The rate-limit window is spent: wait this long (until its reset).
  WindowSpent {
    /// Milliseconds until the window resets (plus jitter).
    wait_ms: u64,
  },
  /// Too many requests in flight org-wide: back off with the retry policy.
  Concurrency,
}

/// The current window as seen from the responses of one bucket.
#[derive(Debug, Clone, Copy)]
struct Window {
  limit: u64,
  remaining: u64,
  reset_ms: u64,
  used: u64,
  /// The header's reset was implausibly far ahead and was clamped: any later window
  /// replaces this one.
  clamped: bool,
}

/// Paces one endpoint bucket. See the module docs for the policy.
#[derive(Debug, Clone)]
pub struct Pacer {
  share: f64,
  window: Option<Window>,
  /// Requests sent whose response has not been observed yet: they count against the
  /// budget too, so concurrent requests in one bucket cannot overshoot it.
  in_flight: u64,
}

impl Pacer {
  /// A pacer that may spend `share` (0, 1] of each window.
  pub fn new(share: f64) -> Pacer {
    Pacer {
      share: share.clamp(0.000_001, 1.0),
      window: None,
      in_flight: 0,
    }
  }

  /// Our request budget for a window of `limit`.
  pub fn budget(&self, limit: u64) -> u64 {
    ((limit as f64 * self.share).floor() as u64).max(1)
  }

  /// A request of this bucket is being sent (pair with [`Pacer::finished`]).
  pub fn started(&mut self) {
    self.in_flight += 1;
  }

  /// A request of this bucket got its answer, or was dropped.
  pub fn finished(&mut self) {
    self.in_flight = self.in_flight.saturating_sub(1);
  }

  /// Records the headers of a (non-concurrency-429) response sent at our request,
  /// received at `now_ms`.
  pub fn observe(&mut self, snap: RateLimitSnapshot, now_ms: u64) {
    let limit_ms = now_ms.saturating_add(MAX_RESET_AHEAD_MS);
    let clamped = snap.reset_ms() > limit_ms;
    let reset_ms = snap.reset_ms().min(limit_ms);
    match self.window.as_mut() {
      Some(w) if (w.reset_ms == reset_ms || (w.clamped && clamped)) && w.limit == snap.limit => {
        // The same window (a bogus far reset again is the same bogus window: it
        // cannot push the clamp further out).
        w.used += 1;
        w.remaining = w.remaining.min(snap.remaining);
      }
      // An older real window's late response must not roll the window back.
      Some(w) if reset_ms < w.reset_ms && !w.clamped => {}
      _ => {
        self.window = Some(Window {
          limit: snap.limit,
          remaining: snap.remaining,
          reset_ms,
          used: 1,
          clamped,
        })
      }
    }
  }

  /// How long to wait before the next request, if at all.
  pub fn delay_ms(&self, now_ms: u64, jitter_ms: u64) -> Option<u64> {
    let w = self.window?;
    if now_ms >= w.reset_ms {
      return None;
    }
    let budget = self.budget(w.limit);
    let reserve = w.limit.saturating_sub(budget);
    if w.used + self.in_flight >= budget || w.remaining <= reserve + self.in_flight {
      Some((w.reset_ms - now_ms + jitter_ms).min(MAX_WAIT_MS))
    } else {
      None
    }
  }

  /// Interprets a 429's headers (see module docs) and records a spent window.
  pub fn on_too_many_requests(
    &mut self,
    snap: Option<RateLimitSnapshot>,
    retry_after_ms: Option<u64>,
    now_ms: u64,
    jitter_ms: u64,
  ) -> TooManyRequests {
    if let Some(wait_ms) = retry_after_ms {
      // Okta said exactly when to come back: trust that over the window headers,
      // and relearn the window from the next response.
      self.window = None;
      return TooManyRequests::WindowSpent { wait_ms };
    }
    let Some(snap) = snap else {
      return TooManyRequests::Concurrency;
    };
    let known_limit = self.window.map(|w| w.limit);
    if known_limit.is_some_and(|limit| limit != snap.limit) || snap.remaining > 0 {
      return TooManyRequests::Concurrency;
    }
    self.observe(snap, now_ms);
    let reset_ms = self.window.map_or(0, |w| w.reset_ms);
    let wait_ms = reset_ms
      .saturating_sub(now_ms)
      .saturating_add(jitter_ms)
      .min(MAX_WAIT_MS);
    TooManyRequests::WindowSpent { wait_ms }
  }

  /// The last known window as (limit, remaining, reset epoch seconds).
  pub fn last_window(&self) -> Option<(u64, u64, u64)> {
    self.window.map(|w| (w.limit, w.remaining, w.reset_ms / 1000))
  }
}

#[cfg(test)]
mod in_flight_tests {
  use super::*;

  #[test]
  fn requests_in_flight_count_against_the_budget() {
    let mut p = Pacer::new(0.5);
    let snap = RateLimitSnapshot {
      limit: 10,
      remaining: 9,
      reset_epoch_s: 2_000,
    };
    let now = 1_000_000;
    p.observe(snap, now);
    assert_eq!(p.delay_ms(now, 0), None);
    for _ in 0..4 {
      p.started();
    }
    // 1 answered + 4 in flight = the budget of 5 (half of 10).
    assert!(p.delay_ms(now, 0).is_some());
    p.finished();
    assert_eq!(p.delay_ms(now, 0), None);
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use reqwest::header::{HeaderMap, HeaderValue};

  fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
      h.insert(*k, HeaderValue::from_str(v).unwrap());
    }
    h
  }

  fn snap(limit: u64, remaining: u64, reset: u64) -> RateLimitSnapshot {
    RateLimitSnapshot {
      limit,
      remaining,
      reset_epoch_s: reset,
    }
  }

  #[test]
  fn parses_literal_headers() {
    let h = headers(&[
      ("X-Rate-Limit-Limit", "600"),
      ("X-Rate-Limit-Remaining", "599"),
      ("X-Rate-Limit-Reset", "1700000060"),
    ]);
    assert_eq!(RateLimitSnapshot::from_headers(&h), Some(snap(600, 599, 1_700_000_060)));
    assert_eq!(
      RateLimitSnapshot::from_headers(&headers(&[("X-Rate-Limit-Limit", "x")])),
      None
    );
    assert_eq!(retry_after_ms(&headers(&[("Retry-After", "3")])), Some(3000));
    assert_eq!(
      retry_after_ms(&headers(&[("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")])),
      None
    );
  }

  #[test]
  fn spends_only_the_share_then_waits_for_reset() {
    let mut p = Pacer::new(0.5);
    let now = 1_000_000_000u64;
    let reset = now / 1000 + 10;
    // limit 20, share 0.5: ten requests per window.
    for i in 0..10u64 {
      assert_eq!(p.delay_ms(now, 0), None, "request {i}");
      p.observe(snap(20, 19 - i, reset), now);
    }
    assert_eq!(p.delay_ms(now, 50), Some(10_050));
    // After the reset the new window is open.
    assert_eq!(p.delay_ms(reset * 1000, 0), None);
  }

  #[test]
  fn backs_off_when_other_clients_use_the_reserve() {
    let mut p = Pacer::new(0.5);
    let now = 5_000_000u64;
    p.observe(snap(100, 50, now / 1000 + 30), now);
    assert!(p.delay_ms(now, 0).is_some(), "others left only the reserve");
  }

  #[test]
  fn stale_window_responses_do_not_roll_back() {
    let mut p = Pacer::new(0.5);
    p.observe(snap(10, 4, 200), 150_000);
    p.observe(snap(10, 9, 100), 150_000);
    assert_eq!(p.last_window(), Some((10, 4, 200)));
  }

  #[test]
  fn classifies_429s() {
    let mut p = Pacer::new(0.5);
    let now = 1_000_000u64;
    p.observe(snap(600, 300, 1_060), now);
    // Same limit, nothing remaining: the window is spent.
    assert_eq!(
      p.on_too_many_requests(Some(snap(600, 0, 1_060)), None, now, 10),
      TooManyRequests::WindowSpent { wait_ms: 60_010 }
    );
    // Different limit: the concurrency limit.
    assert_eq!(
      p.on_too_many_requests(Some(snap(75, 0, 1_060)), None, now, 0),
      TooManyRequests::Concurrency
    );
    assert_eq!(p.on_too_many_requests(None, None, now, 0), TooManyRequests::Concurrency);
    // Retry-After wins, and the spent window no longer blocks after it.
    assert_eq!(
      p.on_too_many_requests(Some(snap(600, 0, 1_060)), Some(2_000), now, 0),
      TooManyRequests::WindowSpent { wait_ms: 2_000 }
    );
    assert_eq!(p.delay_ms(now + 2_000, 0), None);
  }

  #[test]
  fn waits_are_capped() {
    let mut p = Pacer::new(1.0);
    p.observe(snap(1, 0, u64::MAX / 2000), 0);
    assert_eq!(p.delay_ms(0, 0), Some(MAX_RESET_AHEAD_MS.min(MAX_WAIT_MS)));
  }

  /// Year 3000, in epoch seconds.
  const YEAR_3000: u64 = 32_503_680_000;

  #[test]
  fn a_reset_in_the_year_3000_is_clamped_and_a_real_window_replaces_it() {
    let mut p = Pacer::new(0.5);
    let now = 1_700_000_000_000u64;
    p.observe(snap(600, 0, YEAR_3000), now);
    let (_, _, reset) = p.last_window().unwrap();
    assert_eq!(
      reset * 1000,
      now + MAX_RESET_AHEAD_MS,
      "stored clamped, not in the year 3000"
    );
    assert!(p.delay_ms(now, 0).unwrap() <= MAX_RESET_AHEAD_MS);
    // The same bogus header again cannot push the window further out.
    p.observe(snap(600, 0, YEAR_3000), now + 60_000);
    assert_eq!(p.last_window().unwrap().2 * 1000, now + MAX_RESET_AHEAD_MS);
    // A real window (reset 40 s ahead, earlier than the clamp) replaces it at once.
    let real = (now + 40_000) / 1000;
    p.observe(snap(600, 599, real), now + 1_000);
    assert_eq!(p.last_window(), Some((600, 599, real)));
    assert_eq!(p.delay_ms(now + 1_000, 0), None);
    // Past the clamp, nothing blocks even if no real window came.
    let mut q = Pacer::new(0.5);
    q.observe(snap(600, 0, YEAR_3000), now);
    assert_eq!(q.delay_ms(now + MAX_RESET_AHEAD_MS, 0), None);
  }

  #[test]
  fn a_429_with_a_far_reset_waits_at_most_the_cap_and_a_past_reset_not_at_all() {
    let now = 1_700_000_000_000u64;
    let mut p = Pacer::new(0.5);
    assert_eq!(
      p.on_too_many_requests(Some(snap(600, 0, YEAR_3000)), None, now, 0),
      TooManyRequests::WindowSpent { wait_ms: MAX_WAIT_MS }
    );
    let mut q = Pacer::new(0.5);
    assert_eq!(
      q.on_too_many_requests(Some(snap(600, 0, 1)), None, now, 25),
      TooManyRequests::WindowSpent { wait_ms: 25 }
    );
    assert_eq!(q.delay_ms(now, 0), None, "a reset in the past opens the window");
    let h = {
      let mut h = HeaderMap::new();
      h.insert("retry-after", HeaderValue::from_static("999999999"));
      h
    };
    assert_eq!(retry_after_ms(&h), Some(MAX_WAIT_MS));
  }
}
