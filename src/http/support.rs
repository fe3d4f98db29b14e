//! What page requests (`client`) and token requests (`auth`) share: the request
//! counters, the clock and jitter, abortable sleeps, the per-bucket pacers, the
//! classification of transport errors and the fields of a failed-attempt warning.
//!
//! It sits below both so that neither imports the other's internals: the client hands
//! the token fetch a [`Transport`] (borrowed parts of itself) instead of itself.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::Rng;
use reqwest::header::HeaderMap;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::config::ClientConfig;
use crate::error::{ErrorCode, OktaError};
use crate::http::rate_limit::Pacer;
use crate::http::retry::{Retry, RetryPolicy};
use crate::log::{Level, LogEvent, LogSink};
use crate::redact::Secrets;

/// Request counters, shared by every sync of one connector instance.
#[derive(Debug, Default)]
pub struct Stats {
  /// HTTP requests sent (retries included).
  pub requests: AtomicU64,
  /// Attempts that were retried.
  pub retries: AtomicU64,
  /// 429 responses received.
  pub rate_limited: AtomicU64,
  /// Proactive and 429 waits.
  pub waits: AtomicU64,
  /// Total milliseconds spent waiting on rate limits.
  pub wait_ms: AtomicU64,
  /// Response body bytes received (decompressed).
  pub bytes: AtomicU64,
  /// Pages fetched successfully.
  pub pages: AtomicU64,
  /// Records mapped.
  pub records: AtomicU64,
  /// Items the page streams handed to JS (the native crossings: ideally one a page).
  pub crossings: AtomicU64,
}

impl Stats {
  /// A JSON snapshot of the counters for JS.
  pub(crate) fn snapshot(&self) -> serde_json::Value {
    let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
    json!({
      "requests": get(&self.requests),
      "retries": get(&self.retries),
      "rateLimited": get(&self.rate_limited),
      "waits": get(&self.waits),
      "waitMs": get(&self.wait_ms),
      "bytes": get(&self.bytes),
      "pages": get(&self.pages),
      "records": get(&self.records),
      "crossings": get(&self.crossings),
    })
  }

  /// Adds `n` to one of the counters.
  pub fn add(counter: &AtomicU64, n: u64) {
    counter.fetch_add(n, Ordering::Relaxed);
  }
}

/// Milliseconds since the Unix epoch (0 if the clock is before it), the pacers' clock.
pub(crate) fn now_ms() -> u64 {
  SystemTime::now()
    .duration_since(UNIX_EPOCH)
    .map(|d| d.as_millis() as u64)
    .unwrap_or(0)
}

/// The jitter added to a pacer's wait, so that concurrent phases do not wake together.
pub(crate) fn jitter_ms() -> u64 {
  rand::thread_rng().gen_range(20..150)
}

/// Sleeps, or returns `Aborted` as soon as `cancel`, `stop` or `waits` fires.
pub(crate) async fn sleep_unless(
  ms: u64,
  cancel: &CancellationToken,
  stop: &CancellationToken,
  waits: &CancellationToken,
) -> Result<(), OktaError> {
  tokio::select! {
    _ = cancel.cancelled() => Err(aborted()),
    _ = stop.cancelled() => Err(aborted()),
    _ = waits.cancelled() => Err(aborted()),
    _ = tokio::time::sleep(Duration::from_millis(ms)) => Ok(()),
  }
}

/// The error every cancelled request or wait ends with.
pub(crate) fn aborted() -> OktaError {
  OktaError::new(ErrorCode::Aborted, "The sync was aborted.")
}

/// Adds the fields every failed-attempt warning carries (`error`, `code`, `status`,
/// `attempt`, `retry_in_ms`) to `fields`.
pub(crate) fn failure_fields(
  fields: &mut serde_json::Value,
  error: &OktaError,
  attempt: u32,
  retry_in_ms: Option<u64>,
) {
  if let Some(map) = fields.as_object_mut() {
    map.insert("error".into(), json!(error.message));
    map.insert("code".into(), json!(error.code.as_str()));
    map.insert("status".into(), json!(error.status));
    map.insert("attempt".into(), json!(attempt));
    map.insert("retry_in_ms".into(), json!(retry_in_ms));
  }
}

/// A header's text, redacted, then cut to 200 characters.
pub(crate) fn header_text(headers: &HeaderMap, name: &str, secrets: &Secrets) -> Option<String> {
  headers.get(name)?.to_str().ok().map(|s| secrets.clean(s, 200))
}

/// Why one attempt failed, and whether to try again.
pub(crate) struct AttemptFailure {
  pub(crate) error: OktaError,
  pub(crate) retry: Retry,
}

/// One [`Pacer`] per rate-limit bucket, made on first use, behind one lock.
pub(crate) struct Pacers {
  /// The share of each window the pacers may spend ([`ClientConfig::rate_limit_share`]).
  share: f64,
  by_bucket: Mutex<HashMap<&'static str, Pacer>>,
}

impl Pacers {
  /// No pacer yet; each will spend `share` of its window.
  pub(crate) fn new(share: f64) -> Pacers {
    Pacers {
      share,
      by_bucket: Mutex::new(HashMap::new()),
    }
  }

  /// Runs `f` on `bucket`'s pacer, under the lock (so a check and a reservation are
  /// one step).
  pub(crate) fn with<T>(&self, bucket: &'static str, f: impl FnOnce(&mut Pacer) -> T) -> T {
    // A poisoned lock only means another thread panicked mid-update; the pacer's
    // state is still usable.
    let mut pacers = self.by_bucket.lock().unwrap_or_else(|p| p.into_inner());
    f(pacers.entry(bucket).or_insert_with(|| Pacer::new(self.share)))
  }

  /// The last window seen per bucket: `{ users: { limit, remaining, reset } }`.
  pub(crate) fn windows(&self) -> serde_json::Map<String, serde_json::Value> {
    let pacers = self.by_bucket.lock().unwrap_or_else(|p| p.into_inner());
    pacers
      .iter()
      .filter_map(|(bucket, p)| p.last_window().map(|w| (bucket.to_string(), w)))
      .map(|(bucket, (limit, remaining, reset))| {
        (
          bucket,
          json!({ "limit": limit, "remaining": remaining, "reset": reset }),
        )
      })
      .collect()
  }
}

/// The parts of a client that one request needs, borrowed: how to send it, pace it,
/// wait between attempts, count it and keep its secrets out of errors. The client
/// lends it to the token fetch, which therefore needs nothing else of the client.
pub(crate) struct Transport<'a> {
  /// The HTTP client (no redirects).
  pub(crate) client: &'a reqwest::Client,
  /// Origin, user agent, timeouts.
  pub(crate) cfg: &'a ClientConfig,
  /// The client's pacers.
  pub(crate) pacers: &'a Pacers,
  /// Retry bounds and backoff.
  pub(crate) policy: &'a RetryPolicy,
  /// The client's counters.
  pub(crate) stats: &'a Stats,
  /// Every secret of the client, for scrubbing transport errors.
  pub(crate) secrets: &'a Secrets,
}

impl Transport<'_> {
  /// The configured origin's host, for messages.
  pub(crate) fn host(&self) -> String {
    self.cfg.origin.host_str().unwrap_or("").to_string()
  }

  /// Runs `f` on `bucket`'s pacer (see [`Pacers::with`]).
  pub(crate) fn with_pacer<T>(&self, bucket: &'static str, f: impl FnOnce(&mut Pacer) -> T) -> T {
    self.pacers.with(bucket, f)
  }

  /// Counts a retry and sleeps `ms` (ended by `cancel`, `stop` or `waits`);
  /// `rate_limited` = `(bucket, resource label)` logs it as a rate-limit wait.
  pub(crate) async fn wait_to_retry(
    &self,
    ms: u64,
    rate_limited: Option<(&'static str, &str)>,
    cancel: &CancellationToken,
    stop: &CancellationToken,
    waits: &CancellationToken,
    log: &LogSink,
  ) -> Result<(), OktaError> {
    Stats::add(&self.stats.retries, 1);
    if let Some((bucket, label)) = rate_limited {
      self.log_wait_as(bucket, label, ms, log);
    }
    sleep_unless(ms, cancel, stop, waits).await
  }

  /// Logs a rate-limit wait in `bucket` under the `resource` label `resource`.
  pub(crate) fn log_wait_as(&self, bucket: &'static str, resource: &str, wait_ms: u64, log: &LogSink) {
    Stats::add(&self.stats.waits, 1);
    Stats::add(&self.stats.wait_ms, wait_ms);
    let (_, remaining, reset) = self.with_pacer(bucket, |p| p.last_window()).unwrap_or((0, 0, 0));
    log(LogEvent {
      level: Level::Info,
      event: "rate limit wait",
      fields: json!({ "resource": resource, "wait_ms": wait_ms, "remaining": remaining, "reset": reset }),
    });
  }

  /// A failed send or body read, classified (timeout, connect, mid-response): all
  /// passing faults, retried with backoff.
  pub(crate) fn transport_failure(&self, e: reqwest::Error) -> AttemptFailure {
    let host = self.host();
    let cause = error_chain(&e, self.secrets);
    let error = if e.is_timeout() {
      OktaError::new(
        ErrorCode::Timeout,
        format!(
          "Request to {host} timed out after {} ms ({cause}).",
          self.cfg.request_timeout_ms
        ),
      )
    } else if e.is_connect() {
      OktaError::new(
        ErrorCode::Network,
        format!("Could not connect to {host} ({cause}). Check the host setting and the network."),
      )
    } else {
      OktaError::new(
        ErrorCode::Network,
        format!("The connection to {host} failed mid-response ({cause})."),
      )
    };
    AttemptFailure {
      error,
      retry: Retry::Backoff,
    }
  }
}

/// The error and its sources, without the URL (which carries no token but is noise),
/// redacted, then cut.
fn error_chain(e: &reqwest::Error, secrets: &Secrets) -> String {
  let mut parts = Vec::new();
  let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
  while let Some(s) = source {
    parts.push(s.to_string());
    source = s.source();
  }
  if parts.is_empty() {
    parts.push(e.to_string());
  }
  secrets.clean(&parts.join(": "), 300)
}
