//! Sync orchestration without napi: plan the phases from the host's options and
//! cursor ([`plan_sync`]), then fetch them concurrently ([`run`]) as a stream of
//! mapped pages for the writer (the JS layer) to store one at a time.
//!
//! Each phase runs in its own task within its endpoint's paced budget and
//! prefetches: while the writer stores page N, page N+1 is already fetched and
//! page N+2 may be in flight. Within a phase, pages arrive in order. Nothing here
//! writes storage, so what counts as written (and so the cursor) is decided by the
//! writer alone; dropping the stream or cancelling stops every task at once.

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::config::Resource;
use crate::cursor::{self, Position};
use crate::error::{ErrorCode, OktaError};
use crate::http::client::OktaHttp;
use crate::http::paging::{next_link, sanitize_page_url};
use crate::log::{cut80, Level, LogEvent, LogSink};
use crate::okta::endpoints::{first_page_url, push_down_value, EndpointQuery};
use crate::records::{format_ms, map_page, parse_ms, MapOptions};

/// Okta returns no System Log data older than 90 days and rejects `since` more than
/// 180 days back; older bounds are clamped to this so wide dashboard windows work.
pub const LOG_RETENTION_MS: i64 = 90 * 24 * 3600 * 1000;

/// The host's sync options plus what the JS layer adds.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncRequest {
  /// `full` or `latest`.
  pub mode: Option<Value>,
  /// ISO lower bound.
  pub since: Option<Value>,
  /// A cursor from a previous `{ done: false, cursor }`.
  pub cursor: Option<Value>,
  /// Rawdash resource names wanted this tick (empty/absent = all).
  pub resources: Option<Vec<String>>,
  /// Widget filters by resource name.
  pub fetch_specs: Option<Value>,
  /// `settings.resources` (absent = all).
  pub settings_resources: Option<Vec<String>>,
  /// Incremental syncs re-read this far before `since` (Okta's indexing delay) and
  /// keep events at or before `since` for the writer to check against storage: late
  /// events are stored, ones already stored are not (0 = off: the strict rule).
  pub event_lookback_ms: Option<f64>,
  /// The current time in ms (injected so planning stays pure).
  pub now_ms: Option<f64>,
}

/// Where and how one phase starts.
#[derive(Debug, Clone, PartialEq)]
pub struct PhasePlan {
  /// The phase.
  pub resource: Resource,
  /// First URL to fetch.
  pub url: Url,
  /// Records of that first page already written by an earlier chunk.
  pub skip: u64,
  /// Clear the scope before the first write (full syncs from a phase's start).
  pub clear: bool,
  /// Mapping options.
  pub map: MapOptions,
}

/// What [`plan_sync`] decided.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncPlan {
  /// Phases to run, in phase order.
  pub phases: Vec<PhasePlan>,
  /// Phases the cursor says are finished (kept finished in the next cursor).
  pub done: Vec<Resource>,
  /// Incremental event syncs: events published at or before this instant (ms) may
  /// already be stored; the writer skips those whose uuid it finds stored.
  pub dedupe_before: Option<i64>,
  /// Why a cursor was ignored, etc.
  pub warnings: Vec<String>,
}

impl SyncPlan {
  /// The plan as JSON for the writer: phases with their starting cursor state.
  pub fn to_json(&self) -> Value {
    let mut state = BTreeMap::new();
    for r in &self.done {
      state.insert(*r, Position::Done);
    }
    let phases: Vec<Value> = self
      .phases
      .iter()
      .map(|p| {
        let position = if p.clear {
          Position::Start
        } else {
          Position::At {
            page: p.url.clone(),
            skip: p.skip,
          }
        };
        state.insert(p.resource, position);
        json!({
          "phase": p.resource.setting_name(),
          "resource": p.resource.resource_name(),
          "clear": p.clear,
          "url": p.url.as_str(),
          "skip": p.skip,
        })
      })
      .collect();
    json!({
      "phases": phases,
      "state": cursor::phases_json(&state),
      "dedupeBefore": self.dedupe_before,
      "warnings": self.warnings,
    })
  }
}

/// Encodes the writer's per-phase state (`{ users: { page, skip } | { done: true } }`)
/// as the cursor to return; `None` when every phase is done.
pub fn encode_cursor(state: &Value, origin: &Url) -> Result<Option<Value>, OktaError> {
  let wrapped = json!({ "phase": "users", "page": null, "v": 2, "phases": state });
  let decoded = cursor::decode(Some(&wrapped), origin)
    .map_err(|e| OktaError::new(ErrorCode::Internal, format!("invalid writer state: {e}")))?
    .unwrap_or_default();
  Ok(cursor::encode(&decoded.positions))
}

/// Plans a sync (pure): phase selection, start URLs, cursor resume, clearing.
pub fn plan_sync(req: &SyncRequest, origin: &Url) -> Result<SyncPlan, OktaError> {
  let full = match req.mode.as_ref().and_then(Value::as_str) {
    Some("full") => true,
    Some("latest") => false,
    _ => return Err(OktaError::invalid_option("mode", "Expected \"full\" or \"latest\".")),
  };
  let since_ms = match &req.since {
    None | Some(Value::Null) => None,
    Some(Value::String(s)) => Some(parse_ms(s).ok_or_else(|| {
      OktaError::invalid_option(
        "since",
        format!(
          "{:?} is not an ISO timestamp such as 2024-05-01T00:00:00.000Z.",
          crate::error::truncate(s, 60)
        ),
      )
    })?),
    Some(_) => return Err(OktaError::invalid_option("since", "Expected an ISO timestamp string.")),
  };
  let now_ms = req.now_ms.unwrap_or(0.0) as i64;

  let mut warnings = Vec::new();
  let settings: Vec<Resource> = match &req.settings_resources {
    None => Resource::ALL.to_vec(),
    Some(names) => Resource::ALL
      .into_iter()
      .filter(|r| names.iter().any(|n| n == r.setting_name()))
      .collect(),
  };
  let wanted = |r: Resource| match &req.resources {
    Some(names) if !names.is_empty() => names.iter().any(|n| n == r.resource_name()),
    _ => true,
  };

  let cursor = match cursor::decode(req.cursor.as_ref(), origin) {
    Ok(c) => c.unwrap_or_default(),
    Err(reason) => {
      warnings.push(format!("cursor ignored, starting over: {reason}"));
      Default::default()
    }
  };

  let lookback = if full {
    0
  } else {
    req.event_lookback_ms.unwrap_or(0.0).max(0.0) as i64
  };
  let log_floor = (now_ms > 0).then(|| now_ms - LOG_RETENTION_MS);
  let log_since = since_ms
    .map(|s| s - lookback)
    .map(|s| log_floor.map_or(s, |floor| s.max(floor)))
    .and_then(format_ms);
  let dedupe_before = since_ms.filter(|_| lookback > 0);
  // With the look-back on, the writer (which can read storage) decides about events
  // at or before `since`; otherwise the spec's strict rule drops them here.
  let events_after_ms = if dedupe_before.is_some() { None } else { since_ms };

  let mut phases = Vec::new();
  let mut done = Vec::new();
  for resource in settings.into_iter().filter(|r| wanted(*r)) {
    let query = EndpointQuery {
      updated_since: if full { None } else { since_ms.and_then(format_ms) },
      log_since: log_since.clone(),
      push_down: push_down_value(resource, req.fetch_specs.as_ref()),
    };
    let map = MapOptions {
      events_after_ms: if resource == Resource::AuthEvents {
        events_after_ms
      } else {
        None
      },
    };
    match cursor.position(resource) {
      Position::Done => done.push(resource),
      Position::Start => phases.push(PhasePlan {
        resource,
        url: first_page_url(origin, resource, &query),
        skip: 0,
        clear: full,
        map,
      }),
      Position::At { page, skip } => phases.push(PhasePlan {
        resource,
        url: page,
        skip,
        clear: false,
        map,
      }),
    }
  }
  Ok(SyncPlan {
    phases,
    done,
    dedupe_before,
    warnings,
  })
}

/// One mapped page for the writer.
#[derive(Debug, Clone, PartialEq)]
pub struct PageOut {
  /// The phase.
  pub resource: Resource,
  /// This page's URL (the cursor to refetch it).
  pub url: String,
  /// The next page's URL, `None` when this is the phase's last page.
  pub next: Option<String>,
  /// 0-based page index within this run of the phase.
  pub index: u64,
  /// Clear the phase's scope before writing this page.
  pub clear: bool,
  /// Skip this many leading records (written by an earlier chunk).
  pub skip: u64,
  /// The records, as an ASCII JSON array.
  pub records_json: Vec<u8>,
  /// Number of records.
  pub count: usize,
}

impl PageOut {
  /// The page as ASCII JSON bytes (records embedded verbatim, not re-serialized).
  pub fn to_json_bytes(&self) -> Vec<u8> {
    let head = crate::ascii_json::to_vec(&json!({
      "kind": "page",
      "phase": self.resource.setting_name(),
      "resource": self.resource.resource_name(),
      "url": self.url,
      "next": self.next,
      "index": self.index,
      "clear": self.clear,
      "skip": self.skip,
      "count": self.count,
    }));
    let mut out = Vec::with_capacity(head.len() + self.records_json.len() + 16);
    out.extend_from_slice(&head[..head.len() - 1]);
    out.extend_from_slice(b",\"records\":");
    out.extend_from_slice(&self.records_json);
    out.push(b'}');
    out
  }
}

/// What the stream yields.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamItem {
  /// A mapped page.
  Page(PageOut),
  /// A log event for the host logger.
  Log(LogEvent),
  /// A phase failed after retries; the writer decides (throw or transientError).
  Failed {
    /// The phase.
    resource: Resource,
    /// The error (token redacted).
    error: OktaError,
  },
}

impl StreamItem {
  /// ASCII JSON bytes for the binding.
  pub fn to_json_bytes(&self) -> Vec<u8> {
    match self {
      StreamItem::Page(p) => p.to_json_bytes(),
      StreamItem::Log(l) => {
        crate::ascii_json::to_vec(&json!({ "kind": "log", "level": l.level, "event": l.event, "fields": l.fields }))
      }
      StreamItem::Failed { resource, error } => crate::ascii_json::to_vec(
        &json!({ "kind": "error", "phase": resource.setting_name(), "error": error.to_json() }),
      ),
    }
  }
}

/// Runs the plan's phases concurrently. Must be called inside a Tokio runtime.
/// The stream ends when every phase finished or failed, or after `cancel`.
pub fn run(http: Arc<OktaHttp>, plan: SyncPlan, cancel: CancellationToken) -> BoxStream<'static, StreamItem> {
  let (log_tx, log_rx) = mpsc::unbounded_channel::<StreamItem>();
  let mut streams: Vec<BoxStream<'static, StreamItem>> = Vec::new();
  for phase in plan.phases {
    // Capacity 1: one page waits for the writer while the next is fetched.
    let (tx, rx) = mpsc::channel::<StreamItem>(1);
    let log_tx = log_tx.clone();
    let token = http.token().to_string();
    let log: LogSink = Arc::new(move |mut event: LogEvent| {
      // The one place log events leave the core: scrub the token here.
      crate::log::redact(&mut event.fields, &token);
      let _ = log_tx.send(StreamItem::Log(event));
    });
    tokio::spawn(run_phase(http.clone(), phase, cancel.clone(), tx, log));
    streams.push(receiver_stream(rx));
  }
  drop(log_tx);
  let token = http.token().to_string();
  let warnings = plan.warnings.into_iter().map(|reason| {
    let reason = if token.is_empty() {
      reason
    } else {
      reason.replace(&token, "[redacted]")
    };
    StreamItem::Log(LogEvent {
      level: Level::Warn,
      event: "cursor ignored",
      fields: json!({ "reason": reason }),
    })
  });
  let logs = stream::iter(warnings.collect::<Vec<_>>()).chain(unbounded_stream(log_rx));
  // Logs first, so a page's "fetched page" line precedes the writer's own lines.
  stream::select_with_strategy(logs, stream::select_all(streams), |_: &mut ()| stream::PollNext::Left).boxed()
}

fn receiver_stream(rx: mpsc::Receiver<StreamItem>) -> BoxStream<'static, StreamItem> {
  stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) }).boxed()
}

fn unbounded_stream(rx: mpsc::UnboundedReceiver<StreamItem>) -> BoxStream<'static, StreamItem> {
  stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) }).boxed()
}

async fn run_phase(
  http: Arc<OktaHttp>,
  phase: PhasePlan,
  cancel: CancellationToken,
  tx: mpsc::Sender<StreamItem>,
  log: LogSink,
) {
  let resource = phase.resource;
  let origin = http.origin().clone();
  let mut url = phase.url;
  let mut clear = phase.clear;
  let mut skip = phase.skip;
  let mut index = 0u64;
  loop {
    let fetched = http
      .get_page(resource, &url, &cancel, &log, |page| {
        map_page(resource, &page.body, phase.map).map_err(|e| {
          OktaError::new(
            ErrorCode::BadResponse,
            format!(
              "Okta returned an unreadable {} page: {}.",
              resource.resource_name(),
              e.0
            ),
          )
        })
      })
      .await;
    let (page, mapped) = match fetched {
      Ok(ok) => ok,
      Err(error) if error.code == ErrorCode::Aborted => return,
      Err(error) => {
        let error = error.at(resource.resource_name(), url.as_str()).redact(http.token());
        let _ = tx.send(StreamItem::Failed { resource, error }).await;
        return;
      }
    };
    http.stats.pages.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    http
      .stats
      .records
      .fetch_add(mapped.count as u64, std::sync::atomic::Ordering::Relaxed);

    // The System Log always links a next page; an empty page is the end.
    let ends_here = resource == Resource::AuthEvents && mapped.raw_items == 0;
    let raw_next = if ends_here {
      None
    } else {
      next_link(page.links.iter().map(String::as_str))
    };
    let mut next = raw_next
      .as_deref()
      .and_then(|raw| sanitize_page_url(raw, &origin, resource.path()));
    if raw_next.is_some() && next.is_none() {
      log(LogEvent {
        level: Level::Warn,
        event: "next link dropped",
        fields: json!({ "resource": resource.resource_name(), "page": index, "reason": "not on the configured origin and endpoint" }),
      });
    }
    if next.as_ref() == Some(&url) && mapped.raw_items > 0 {
      // A server repeating the same non-empty page would loop forever.
      next = None;
    }
    log(LogEvent {
      level: Level::Info,
      event: "fetched page",
      fields: json!({
        "resource": resource.resource_name(),
        "page": index,
        "items": mapped.count,
        "cursor": cut80(url.as_str()),
        "next": next.as_ref().map(|n| cut80(n.as_str())),
      }),
    });
    if !mapped.warnings.is_empty() {
      log(LogEvent {
        level: Level::Warn,
        event: "records skipped",
        fields: json!({ "resource": resource.resource_name(), "page": index, "reasons": mapped.warnings }),
      });
    }
    let out = PageOut {
      resource,
      url: url.to_string(),
      next: next.as_ref().map(Url::to_string),
      index,
      clear,
      skip,
      count: mapped.count,
      records_json: mapped.records_json,
    };
    if tx.send(StreamItem::Page(out)).await.is_err() {
      return; // The writer is gone.
    }
    match next {
      Some(n) => url = n,
      None => return,
    }
    index += 1;
    clear = false;
    skip = 0;
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn origin() -> Url {
    Url::parse("https://acme.okta.com").unwrap()
  }

  fn req(mode: &str) -> SyncRequest {
    SyncRequest {
      mode: Some(json!(mode)),
      now_ms: Some(1_717_200_000_000.0),
      ..Default::default()
    }
  }

  #[test]
  fn full_sync_plans_every_phase_with_clearing_and_no_entity_since() {
    let mut r = req("full");
    r.since = Some(json!("2024-05-01T00:00:00.000Z"));
    let plan = plan_sync(&r, &origin()).unwrap();
    assert_eq!(
      plan.phases.iter().map(|p| p.resource).collect::<Vec<_>>(),
      Resource::ALL
    );
    assert!(plan.phases.iter().all(|p| p.clear));
    assert!(!plan.phases[0].url.as_str().contains("lastUpdated"));
    assert!(plan.phases[2]
      .url
      .as_str()
      .contains("since=2024-05-01T00%3A00%3A00.000Z"));
  }

  #[test]
  fn latest_filters_entities_by_since_and_never_clears() {
    let mut r = req("latest");
    r.since = Some(json!("2024-05-01T00:00:00Z"));
    let plan = plan_sync(&r, &origin()).unwrap();
    assert!(plan.phases.iter().all(|p| !p.clear));
    let q: Vec<(String, String)> = plan.phases[0]
      .url
      .query_pairs()
      .map(|(k, v)| (k.into(), v.into()))
      .collect();
    assert_eq!(q[1].1, "lastUpdated gt \"2024-05-01T00:00:00.000Z\"");
  }

  #[test]
  fn resources_settings_and_options_both_limit_phases() {
    let mut r = req("full");
    r.settings_resources = Some(vec!["users".into(), "auth_events".into()]);
    r.resources = Some(vec!["okta_auth_event".into(), "okta_group".into()]);
    let plan = plan_sync(&r, &origin()).unwrap();
    assert_eq!(
      plan.phases.iter().map(|p| p.resource).collect::<Vec<_>>(),
      [Resource::AuthEvents]
    );
  }

  #[test]
  fn bad_options_name_the_field() {
    assert_eq!(
      plan_sync(&req("sometimes"), &origin()).unwrap_err().issues[0].field,
      "mode"
    );
    let mut r = req("latest");
    r.since = Some(json!("last tuesday"));
    let err = plan_sync(&r, &origin()).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidOption);
    assert_eq!(err.issues[0].field, "since");
  }

  #[test]
  fn old_since_is_clamped_to_log_retention() {
    let mut r = req("full");
    r.since = Some(json!("2020-01-01T00:00:00.000Z"));
    let plan = plan_sync(&r, &origin()).unwrap();
    let since = plan.phases[2]
      .url
      .query_pairs()
      .find(|(k, _)| k == "since")
      .unwrap()
      .1
      .into_owned();
    assert_eq!(parse_ms(&since), Some(1_717_200_000_000 - LOG_RETENTION_MS));
  }

  #[test]
  fn resumes_from_cursor_and_ignores_bad_ones() {
    let mut r = req("full");
    r.cursor = Some(json!({ "phase": "groups", "page": "https://acme.okta.com/api/v1/groups?after=x" }));
    let plan = plan_sync(&r, &origin()).unwrap();
    assert_eq!(plan.done, [Resource::Users]);
    assert!(!plan.phases[0].clear && plan.phases[0].url.as_str().ends_with("after=x"));
    assert!(plan.phases[1].clear);
    r.cursor = Some(json!({ "phase": "groups", "page": "https://evil.com/api/v1/groups" }));
    let plan = plan_sync(&r, &origin()).unwrap();
    assert_eq!(plan.phases.len(), 3);
    assert_eq!(plan.warnings.len(), 1);
  }

  #[test]
  fn lookback_widens_the_event_query_for_incremental_syncs_only() {
    let mut r = req("latest");
    r.since = Some(json!("2024-05-31T00:00:00.000Z"));
    r.event_lookback_ms = Some(600_000.0);
    let plan = plan_sync(&r, &origin()).unwrap();
    let s = parse_ms("2024-05-31T00:00:00.000Z").unwrap();
    assert_eq!(plan.dedupe_before, Some(s));
    assert_eq!(plan.phases[2].map.events_after_ms, None);
    assert!(plan.phases[2]
      .url
      .as_str()
      .contains("since=2024-05-30T23%3A50%3A00.000Z"));
    r.mode = Some(json!("full"));
    let full = plan_sync(&r, &origin()).unwrap();
    assert_eq!(full.dedupe_before, None);
    assert_eq!(full.phases[2].map.events_after_ms, Some(s));
  }

  #[test]
  fn page_json_embeds_records() {
    let p = PageOut {
      resource: Resource::Users,
      url: "u".into(),
      next: None,
      index: 0,
      clear: true,
      skip: 0,
      records_json: b"[{\"a\":1}]".to_vec(),
      count: 1,
    };
    let v: Value = serde_json::from_slice(&p.to_json_bytes()).unwrap();
    assert_eq!(v["records"][0]["a"], 1);
    assert_eq!(v["clear"], true);
  }
}
