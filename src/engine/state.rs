//! The connector's bookkeeping in storage (`okta_sync_state` entities, versioned
//! and checked against the org host) and the host run carried in the cursor.

use serde_json::{json, Value};
use url::Url;

use crate::okta::models::whole_number;
use crate::resources::{format_ms, Resource};

/// A whole number of ms as JS hands it over (JSON numbers from JS arrive as floats).
pub fn ms_of(v: &Value) -> Option<i64> {
  v.as_i64()
    .or_else(|| whole_number(v).and_then(|n| i64::try_from(n).ok()))
}

/// Entity type of the state record.
pub const STATE_TYPE: &str = "okta_sync_state";

/// The attributes of a stored sync-state entity (`what` names it in reasons), once
/// its layout version and org host are checked: `Ok(None)` when none is stored,
/// `Err(reason)` when it cannot be used.
pub fn state_attributes<'a>(
  record: Option<&'a Value>,
  what: &str,
  version: u64,
  host: &str,
) -> Result<Option<&'a serde_json::Map<String, Value>>, String> {
  let record = match record {
    None | Some(Value::Null) => return Ok(None),
    Some(r) => r,
  };
  let attrs = record
    .get("attributes")
    .and_then(Value::as_object)
    .ok_or(format!("the {what} has no attributes object"))?;
  match attrs.get("version").and_then(whole_number) {
    Some(v) if v == version => {}
    Some(v) => {
      return Err(format!(
        "the {what} is version {v}, this package reads version {version}"
      ))
    }
    None => return Err(format!("the {what} has no version")),
  }
  if attrs.get("host").and_then(Value::as_str) != Some(host) {
    return Err(format!("the {what} was made for another Okta org host"));
  }
  Ok(Some(attrs))
}

/// ISO form of a ms instant for logs (`?` when out of range).
pub fn iso(ms: i64) -> String {
  format_ms(ms).unwrap_or_else(|| "?".into())
}

/// Where this host run stands (carried in the cursor between its `sync()` calls).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunInfo {
  /// When the run's first `sync()` call started (Unix ms).
  pub started_ms: i64,
  /// Covered ms of the target window when the run started (for the rate estimate).
  pub covered_at_start_ms: i64,
  /// Since when this run's `sync()` calls have failed without writing anything (Unix
  /// ms); None while they make progress. A streak that outlasts the run budget is
  /// thrown to the host instead of retried.
  pub failing_since_ms: Option<i64>,
  /// How many calls in a row failed (sets the retry delay).
  pub failures: u32,
}

impl RunInfo {
  /// A run that starts at `started_ms`.
  pub fn new(started_ms: i64, covered_at_start_ms: i64) -> RunInfo {
    RunInfo {
      started_ms,
      covered_at_start_ms,
      failing_since_ms: None,
      failures: 0,
    }
  }
}

/// What the writer does once a `sync()` call's stream ended (see [`RunInfo::after_call`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CallEnd {
  /// Return the result (`done`, or a cursor to resume).
  Return,
  /// A failure: wait `wait_ms` (the host re-calls at once, so backing off is the
  /// connector's job), then return it as `transientError`, or throw it if the run
  /// budget ended meanwhile (`throw_at_ms`).
  Retry {
    /// How long to wait first.
    wait_ms: u64,
    /// Throw instead of returning when the wait ends at or after this (Unix ms).
    throw_at_ms: i64,
  },
  /// The failures outlasted the run budget: throw the last one.
  Throw,
}

/// Retry delays between failed calls: exponential from this, with jitter.
pub const CALL_RETRY_BASE_MS: u64 = 1000;
/// The longest delay between failed calls.
pub const CALL_RETRY_MAX_MS: u64 = 30_000;

impl RunInfo {
  /// The failure streak after a call that `failed` (Okta's 5xx, timeouts, resets,
  /// after the client's own retries) and/or `progressed` (Okta answered a page), and
  /// what the writer does next. The host records success if the run ends "done" and
  /// ignores `transientError`, so the streak is carried across calls in the cursor
  /// and thrown once the run budget (`deadline_ms`) is used up without progress.
  /// The wait stays within the call (`call_end_ms`) and the run. `jitter` in [0, 1).
  pub fn after_call(
    self,
    failed: bool,
    progressed: bool,
    now_ms: i64,
    deadline_ms: i64,
    call_end_ms: i64,
    jitter: f64,
  ) -> (RunInfo, CallEnd) {
    let mut run = self;
    if failed {
      if progressed || run.failing_since_ms.is_none() {
        run.failing_since_ms = Some(now_ms);
        run.failures = 1;
      } else {
        run.failures = run.failures.saturating_add(1);
      }
    } else if progressed {
      run.failing_since_ms = None;
      run.failures = 0;
    }
    if run.failing_since_ms.is_some() && now_ms >= deadline_ms {
      return (run, CallEnd::Throw);
    }
    if !failed {
      return (run, CallEnd::Return);
    }
    let exp = run.failures.saturating_sub(1).min(16);
    let base = CALL_RETRY_BASE_MS.saturating_mul(1 << exp).min(CALL_RETRY_MAX_MS);
    let jittered = (base as f64 * (0.5 + jitter.clamp(0.0, 1.0) * 0.5)) as u64;
    let left = deadline_ms.min(call_end_ms).saturating_sub(now_ms).max(0) as u64;
    (
      run,
      CallEnd::Retry {
        wait_ms: jittered.min(left),
        throw_at_ms: deadline_ms,
      },
    )
  }
}

/// Incremental entity listings re-read this far before the later of `since` and the
/// last listing's start: Okta's list endpoints are eventually consistent.
pub const ENTITY_LOOKBACK_MS: i64 = 5 * 60_000;
/// Without a stored listing state, incremental entity listings re-read this far
/// before `since`: rawdash's `since` is when the previous run ENDED, and a run lasts
/// at most 300 s; the rest is the consistency margin.
pub const ENTITY_LOOKBACK_NO_STATE_MS: i64 = 300_000 + ENTITY_LOOKBACK_MS;
/// Layout version of the entity listing state records.
pub const LISTING_STATE_VERSION: u64 = 1;

/// What a stored entity listing state says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListingState {
  /// When the last complete listing started (Unix ms): everything Okta changed
  /// before it is stored.
  pub listed_from: Option<i64>,
  /// A scope replace began and may not have finished: storage may hold a partial
  /// set, so the next listing must be complete.
  pub replacing: bool,
}

impl ListingState {
  /// Reads the stored record of `resource`'s listing (`Err(reason)` when unusable).
  pub fn from_record(record: Option<&Value>, resource: Resource, host: &str) -> Result<ListingState, String> {
    let what = format!("{} listing state", resource.setting_name());
    let Some(attrs) = state_attributes(record, &what, LISTING_STATE_VERSION, host)? else {
      return Ok(ListingState::default());
    };
    Ok(ListingState {
      listed_from: attrs.get("listedFrom").and_then(ms_of),
      replacing: attrs.get("replacing").and_then(Value::as_bool) == Some(true),
    })
  }

  /// The state entity that records a complete listing begun at `listed_from`.
  pub fn record(resource: Resource, host: &str, listed_from: i64, replacing: bool) -> Value {
    json!({
      "type": STATE_TYPE,
      "id": resource.setting_name(),
      "attributes": {
        "version": LISTING_STATE_VERSION,
        "host": host,
        "listedFrom": listed_from,
        "listedFromText": iso(listed_from),
        "replacing": replacing,
      },
      "updated_at": listed_from,
    })
  }
}

/// The state record's notion of "the org host": host and port of the origin.
pub(crate) fn origin_key(origin: &Url) -> String {
  match origin.port() {
    Some(port) => format!("{}:{port}", origin.host_str().unwrap_or_default()),
    None => origin.host_str().unwrap_or_default().to_string(),
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn a_failure_streak_backs_off_and_is_thrown_at_the_run_deadline() {
    let run = RunInfo::new(0, 0);
    let (run, end) = run.after_call(true, false, 1_000, 240_000, 31_000, 0.0);
    assert_eq!(run.failing_since_ms, Some(1_000));
    assert_eq!(
      end,
      CallEnd::Retry {
        wait_ms: 500,
        throw_at_ms: 240_000
      }
    );
    let (run, end) = run.after_call(true, false, 2_000, 240_000, 32_000, 0.999_999);
    assert_eq!((run.failures, run.failing_since_ms), (2, Some(1_000)));
    assert!(matches!(end, CallEnd::Retry { wait_ms: 1_999, .. }));
    // The wait never outlasts the call or the run.
    let (_, end) = run.after_call(true, false, 239_900, 240_000, 300_000, 0.5);
    assert!(matches!(end, CallEnd::Retry { wait_ms: 100, .. }));
    let (_, end) = run.after_call(true, false, 240_000, 240_000, 300_000, 0.5);
    assert_eq!(end, CallEnd::Throw);
    // Progress ends the streak; a later failure starts a new one.
    let (ok, end) = run.after_call(false, true, 3_000, 240_000, 33_000, 0.5);
    assert_eq!((ok.failures, ok.failing_since_ms, end), (0, None, CallEnd::Return));
    let (again, _) = run.after_call(true, true, 4_000, 240_000, 34_000, 0.5);
    assert_eq!((again.failures, again.failing_since_ms), (1, Some(4_000)));
    // No failure and no progress (a chunk that only waited) keeps the streak.
    let (kept, end) = run.after_call(false, false, 5_000, 240_000, 35_000, 0.5);
    assert_eq!((kept.failures, end), (2, CallEnd::Return));
  }
}
