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

use crate::backfill::{self, BackfillInputs, BackfillPlan, LogWindow, PlanNotes, RunInfo};
use crate::config::Resource;
use crate::cursor::{self, Position};
use crate::error::{ErrorCode, OktaError};
use crate::factors::FactorPlan;
use crate::http::client::OktaHttp;
use crate::http::paging::{next_link, sanitize_page_url};
use crate::log::{cut80, Level, LogEvent, LogSink};
use crate::okta::endpoints::{first_page_url, log_range_url, push_down_value, EndpointQuery, AUTH_EVENT_FILTER};
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
  /// The storage handle can keep the backfill state (`getEntity`): the System Log
  /// is read as a backfill that spans runs instead of a clear-and-reread.
  pub backfill: Option<bool>,
  /// The stored backfill state entity (`null`: none stored yet).
  pub backfill_state: Option<Value>,
  /// The stored factors state entity (`null`: none stored yet).
  pub factors_state: Option<Value>,
  /// The run budget in ms (`syncBudgetSeconds`).
  pub budget_ms: Option<f64>,
  /// The host's `options.requiredWindowMs` (by resource name).
  pub required_window_ms: Option<Value>,
  /// The stored listing state of each entity phase, by setting name (`users`,
  /// `groups`, `apps`): when its last complete listing started, and whether a scope
  /// replace was under way.
  pub entity_states: Option<Value>,
  /// The storage handle can list stored entities (`queryEntities`): full listings
  /// upsert page by page and replace the scope only when Okta no longer has some
  /// stored record (no dip). Without it a full listing clears its scope first.
  pub reconcile: Option<bool>,
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
    let Some(attrs) = backfill::state_attributes(record, &what, LISTING_STATE_VERSION, host)? else {
      return Ok(ListingState::default());
    };
    Ok(ListingState {
      listed_from: attrs.get("listedFrom").and_then(backfill::ms_of),
      replacing: attrs.get("replacing").and_then(Value::as_bool) == Some(true),
    })
  }

  /// The state entity that records a complete listing begun at `listed_from`.
  pub fn record(resource: Resource, host: &str, listed_from: i64, replacing: bool) -> Value {
    json!({
      "type": backfill::STATE_TYPE,
      "id": resource.setting_name(),
      "attributes": {
        "version": LISTING_STATE_VERSION,
        "host": host,
        "listedFrom": listed_from,
        "listedFromText": backfill::iso(listed_from),
        "replacing": replacing,
      },
      "updated_at": listed_from,
    })
  }
}

/// Default run budget: fits rawdash's 300 s run with room for the writes.
pub const DEFAULT_BUDGET_MS: i64 = 240_000;

/// Where the System Log's window comes from: the sign-in widgets' fetch specs (and
/// a direct `options.requiredWindowMs`), never other resources' windows.
fn log_window(req: &SyncRequest) -> LogWindow {
  let name = Resource::AuthEvents.resource_name();
  let valid = |w: f64| (w.is_finite() && w > 0.0).then_some(w as i64);
  let mut widest = req
    .required_window_ms
    .as_ref()
    .and_then(|w| w.get(name))
    .and_then(Value::as_f64)
    .and_then(valid);
  let specs = req
    .fetch_specs
    .as_ref()
    .and_then(|s| s.get(name))
    .and_then(Value::as_array);
  for spec in specs.into_iter().flatten() {
    match spec.get("requiredWindowMs") {
      // rawdash leaves the window out of a spec that wants everything.
      None | Some(Value::Null) => return LogWindow::Unbounded,
      Some(w) => {
        if let Some(w) = w.as_f64().and_then(valid) {
          widest = Some(widest.map_or(w, |x| x.max(w)));
        }
      }
    }
  }
  match widest {
    Some(w) => LogWindow::Widest(w.saturating_add(backfill::WINDOW_BUFFER_MS)),
    None => LogWindow::Unnamed,
  }
}

/// The state record's notion of "the org host": host and port of the origin.
pub(crate) fn origin_key(origin: &Url) -> String {
  match origin.port() {
    Some(port) => format!("{}:{port}", origin.host_str().unwrap_or_default()),
    None => origin.host_str().unwrap_or_default().to_string(),
  }
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
  /// The System Log read as a storage-kept backfill (instead of one Link chain).
  pub backfill: Option<BackfillPlan>,
  /// The factors fan-out.
  pub factors: Option<FactorPlan>,
  /// A complete entity listing from its first page: its last page carries the
  /// listing state record, and (with `reconcile`) the writer replaces the scope if
  /// storage holds records the listing did not return.
  pub listing: Option<Listing>,
}

/// What a complete entity listing does at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
  /// The state entity to write once the listing is complete.
  pub state_record: Value,
  /// The writer collects the listed ids and replaces stale stored records.
  pub reconcile: bool,
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
  /// Warnings for the host log: `(event, fields)`.
  pub warnings: Vec<(&'static str, Value)>,
  /// The host run (backfill syncs only).
  pub run: Option<RunInfo>,
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
        let position = match (&p.backfill, p.clear) {
          _ if p.factors.is_some() => Position::Backfill {
            edge_done: false,
            edge_from: None,
          },
          (Some(b), _) => Position::Backfill {
            edge_done: b.edge_since.is_none(),
            edge_from: b.edge_since,
          },
          (None, true) => Position::Start,
          (None, false) => Position::At {
            page: p.url.clone(),
            skip: p.skip,
          },
        };
        state.insert(p.resource, position);
        json!({
          "phase": p.resource.setting_name(),
          "resource": p.resource.resource_name(),
          "clear": p.clear,
          "backfill": p.backfill.is_some() || p.factors.is_some(),
          "url": p.url.as_str(),
          "skip": p.skip,
        })
      })
      .collect();
    let warnings: Vec<Value> = self
      .warnings
      .iter()
      .map(|(event, fields)| json!({ "event": event, "fields": fields }))
      .collect();
    json!({
      "phases": phases,
      "state": cursor::phases_json(&state),
      "run": self.run.as_ref().map(cursor::run_json),
      "dedupeBefore": self.dedupe_before,
      "warnings": warnings,
    })
  }
}

/// Encodes the writer's state (`{ phases: { users: { page, skip } | { done: true } |
/// { backfill, edgeDone } }, run }`) as the cursor to return; `None` when every
/// phase is done.
pub fn encode_cursor(state: &Value, origin: &Url) -> Result<Option<Value>, OktaError> {
  let wrapped =
    json!({ "phase": "users", "page": null, "v": 2, "phases": state.get("phases"), "run": state.get("run") });
  let decoded = cursor::decode(Some(&wrapped), origin)
    .map_err(|e| OktaError::new(ErrorCode::Internal, format!("invalid writer state: {e}")))?
    .unwrap_or_default();
  Ok(cursor::encode(&decoded.positions, decoded.run))
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
  let host_names_some = req.resources.as_ref().is_some_and(|names| !names.is_empty());
  let settings: Vec<Resource> = match &req.settings_resources {
    // No resources setting: what the host's widgets use, else the original three,
    // so an existing config makes no request it did not make before.
    None if host_names_some => Resource::ALL.to_vec(),
    None => Resource::DEFAULT.to_vec(),
    Some(names) => Resource::ALL
      .into_iter()
      .filter(|r| names.iter().any(|n| n == r.setting_name()))
      .collect(),
  };
  if req.resources.as_ref().is_some_and(Vec::is_empty) {
    warnings.push((
      "no resources requested",
      json!({ "reason": "the host named no resource (only a status widget uses this connector): the default resources are synced so its health reflects Okta" }),
    ));
  }
  let wanted = |r: Resource| match &req.resources {
    Some(names) if !names.is_empty() => names.iter().any(|n| n == r.resource_name()),
    _ => true,
  };

  let cursor = match cursor::decode(req.cursor.as_ref(), origin) {
    Ok(c) => c.unwrap_or_default(),
    Err(reason) => {
      warnings.push((
        "cursor ignored",
        json!({ "reason": format!("cursor ignored, starting over: {reason}") }),
      ));
      Default::default()
    }
  };
  // A since in the future selects nothing: say so once instead of silently
  // syncing nothing (latest mode filters every phase by it, full mode the log).
  let future_since = since_ms.filter(|s| now_ms > 0 && *s > now_ms);
  if let Some(since) = future_since {
    warnings.push((
      "since in the future",
      json!({
        "since": backfill::iso(since),
        "now": backfill::iso(now_ms),
        "reason": "nothing newer than since can exist yet; check the host's clock and the since option",
      }),
    ));
  }
  let backfill_on = req.backfill == Some(true);
  let host = origin_key(origin);
  let run_started = cursor.run.map_or(now_ms, |r| r.started_ms);
  let budget_ms = req.budget_ms.map(|b| b as i64).unwrap_or(DEFAULT_BUDGET_MS);
  let mut run = None;

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
    if future_since.is_some() && (!full || resource == Resource::AuthEvents) {
      done.push(resource);
      continue;
    }
    if resource == Resource::Factors {
      if cursor.position(resource) == Position::Done {
        done.push(resource);
        continue;
      }
      let started_ms = cursor.run.or(run).map_or(now_ms, |r| r.started_ms);
      let plan = crate::factors::plan_factors(
        req.factors_state.as_ref(),
        origin,
        now_ms,
        started_ms.saturating_add(budget_ms),
        &mut warnings,
      );
      run = run.or(cursor.run).or(Some(RunInfo::new(started_ms, 0)));
      phases.push(PhasePlan {
        resource,
        url: first_page_url(origin, resource, &EndpointQuery::default()),
        skip: 0,
        clear: false,
        map: MapOptions::default(),
        backfill: None,
        factors: Some(plan),
        listing: None,
      });
      continue;
    }
    if resource == Resource::AuthEvents && backfill_on {
      let (edge_done, edge_from) = match cursor.position(resource) {
        Position::Done => {
          done.push(resource);
          continue;
        }
        Position::Backfill { edge_done, edge_from } => (edge_done, edge_from),
        Position::Start | Position::At { .. } => (false, None),
      };
      let mut notes = PlanNotes::default();
      let planned = backfill::plan_backfill(
        &BackfillInputs {
          now_ms,
          full,
          since_ms,
          log_window: log_window(req),
          record: req.backfill_state.as_ref(),
          host: &host,
          filter: AUTH_EVENT_FILTER,
          run: cursor.run,
          edge_done,
          edge_from,
          budget_ms,
        },
        &mut notes,
      );
      warnings.extend(notes.warnings);
      match planned {
        Some(plan) => {
          run = Some(plan.run);
          phases.push(PhasePlan {
            resource,
            url: first_page_url(origin, resource, &EndpointQuery::default()),
            skip: 0,
            clear: false,
            map: MapOptions::default(),
            backfill: Some(plan),
            factors: None,
            listing: None,
          });
        }
        None => done.push(resource),
      }
      continue;
    }
    if resource == Resource::AuthEvents {
      // The System Log without a backfill-capable storage: one Link chain, cleared
      // and re-read in full mode (the TypeScript package's behaviour).
      let query = EndpointQuery {
        log_since: log_since.clone(),
        ..EndpointQuery::default()
      };
      let map = MapOptions {
        events_after_ms,
        published_window: None,
      };
      let (url, skip, clear) = match cursor.position(resource) {
        Position::Done => {
          done.push(resource);
          continue;
        }
        Position::At { page, skip } => (page, skip, false),
        // A backfill position reaching a handle that cannot keep the backfill state
        // starts the phase over, like a fresh one.
        Position::Start | Position::Backfill { .. } => (first_page_url(origin, resource, &query), 0, full),
      };
      phases.push(PhasePlan {
        resource,
        url,
        skip,
        clear,
        map,
        backfill: None,
        factors: None,
        listing: None,
      });
      continue;
    }
    // Entities: users, groups, apps.
    let listing_state = match req.entity_states.as_ref().and_then(|s| s.get(resource.setting_name())) {
      None => ListingState::default(),
      Some(record) => ListingState::from_record(Some(record), resource, &host).unwrap_or_else(|reason| {
        warnings.push((
          "sync state ignored",
          json!({ "resource": resource.resource_name(), "reason": reason }),
        ));
        ListingState::default()
      }),
    };
    // A replace that may have been cut short left a partial set: list everything.
    let complete = full || listing_state.replacing;
    let updated_since = if complete {
      None
    } else {
      since_ms.map(|since| {
        // rawdash's since is when the previous run ended; the last listing began
        // earlier, and anything changed after its start may be missing.
        let from = listing_state
          .listed_from
          .map_or(since - ENTITY_LOOKBACK_NO_STATE_MS, |listed| {
            since.min(listed) - ENTITY_LOOKBACK_MS
          });
        from.min(since - ENTITY_LOOKBACK_MS)
      })
    };
    let query = EndpointQuery {
      updated_since: updated_since.and_then(format_ms),
      log_since: None,
      // A pushed-down filter is only safe where the scope is replaced: in an
      // incremental listing `status eq "ACTIVE"` never returns a user who left it.
      push_down: if complete {
        push_down_value(resource, req.fetch_specs.as_ref())
      } else {
        None
      },
    };
    let reconcile = req.reconcile == Some(true);
    let (url, skip, clear) = match cursor.position(resource) {
      Position::Done => {
        done.push(resource);
        continue;
      }
      Position::At { page, skip } => (page, skip, false),
      Position::Start | Position::Backfill { .. } => {
        (first_page_url(origin, resource, &query), 0, complete && !reconcile)
      }
    };
    let listing = Some(Listing {
      state_record: ListingState::record(resource, &host, run_started, false),
      reconcile: complete && reconcile,
    });
    phases.push(PhasePlan {
      resource,
      url,
      skip,
      clear,
      map: MapOptions::default(),
      backfill: None,
      factors: None,
      listing,
    });
  }
  let run = run.or(cursor.run).unwrap_or_else(|| RunInfo::new(now_ms, 0));
  let run = Some(RunInfo {
    failing_since_ms: cursor.run.and_then(|r| r.failing_since_ms),
    failures: cursor.run.map_or(0, |r| r.failures),
    ..run
  });
  Ok(SyncPlan {
    phases,
    done,
    dedupe_before,
    warnings,
    run,
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
  /// The phase's cursor position while this page is being written.
  pub at: Position,
  /// The phase's cursor position once this page is written.
  pub after: Position,
  /// Entity to write after the page's records (the backfill state that covers them).
  pub state_record: Option<Value>,
  /// Some of these events may be stored already: check every one against storage.
  pub dedupe: bool,
  /// The records are the complete factor lists of these users: a stored factor of
  /// theirs that is not among them was removed.
  pub replace_for: Option<Vec<String>>,
  /// A page of a complete listing whose scope is reconciled at its end: the writer
  /// collects the ids it lists.
  pub reconcile: bool,
  /// The first page of a listing (the writer starts a new id collection).
  pub listing_start: bool,
  /// The last page of a complete listing (Okta's own end): with `reconcile`, stored
  /// records the listing did not return are stale and the scope is replaced; then
  /// the state record is written.
  pub listing_end: bool,
}

impl PageOut {
  /// The last item of a storage-kept phase (backfill, factors) in this run: no
  /// records, and the phase is done until the next run.
  pub fn phase_done(resource: Resource, index: u64, at: Position) -> PageOut {
    PageOut {
      resource,
      url: String::new(),
      next: None,
      index,
      clear: false,
      skip: 0,
      count: 0,
      records_json: b"[]".to_vec(),
      at,
      after: Position::Done,
      state_record: None,
      dedupe: false,
      replace_for: None,
      reconcile: false,
      listing_start: false,
      listing_end: false,
    }
  }

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
      "at": cursor::position_json(&self.at),
      "after": cursor::position_json(&self.after),
      "state": self.state_record,
      "dedupe": self.dedupe,
      "replaceFor": self.replace_for,
      "reconcile": self.reconcile,
      "listingStart": self.listing_start,
      "listingEnd": self.listing_end,
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
  /// The token may not read this resource (403): the phase is skipped and the
  /// others go on; the writer warns, naming the missing permission.
  Skipped {
    /// The phase.
    resource: Resource,
    /// The 403 (token redacted).
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
      StreamItem::Skipped { resource, error } => crate::ascii_json::to_vec(&json!({
        "kind": "skipped",
        "phase": resource.setting_name(),
        "resource": resource.resource_name(),
        "permission": resource.spec().permission,
        "error": error.to_json(),
      })),
    }
  }
}

/// Runs the plan's phases concurrently. Must be called inside a Tokio runtime.
/// The stream ends when every phase finished or failed, or after `cancel`.
/// `stop` ends it gracefully: no new request starts, pages already in flight are
/// still delivered (the chunk budget). The System Log backfill also stops by
/// itself at the run budget's deadline.
pub fn run(
  http: Arc<OktaHttp>,
  plan: SyncPlan,
  cancel: CancellationToken,
  stop: CancellationToken,
) -> BoxStream<'static, StreamItem> {
  let (log_tx, log_rx) = mpsc::unbounded_channel::<StreamItem>();
  let first_waits = first_waits_token(&cancel, &stop);
  let mut streams: Vec<BoxStream<'static, StreamItem>> = Vec::new();
  for phase in plan.phases {
    // Capacity 1: one page waits for the writer while the next is fetched.
    let (tx, rx) = mpsc::channel::<StreamItem>(1);
    let log_tx = log_tx.clone();
    let secrets = http.secrets_arc();
    let log: LogSink = Arc::new(move |mut event: LogEvent| {
      // The one place log events leave the core: scrub every secret here.
      secrets.scrub_json(&mut event.fields);
      let _ = log_tx.send(StreamItem::Log(event));
    });
    let ctx = PhaseCtx {
      http: http.clone(),
      cancel: cancel.clone(),
      stop: stop.child_token(),
      deadline: CancellationToken::new(),
      first_waits: first_waits.child_token(),
      tx,
      log,
    };
    if let Some(factors) = phase.factors {
      stop_at_deadline(&ctx, factors.deadline_ms);
      tokio::spawn(crate::factors::run_factors(ctx, factors));
    } else if let Some(backfill) = phase.backfill {
      stop_at_deadline(&ctx, backfill.deadline_ms);
      tokio::spawn(run_backfill(ctx, backfill));
    } else {
      tokio::spawn(run_phase(ctx, phase));
    }
    streams.push(receiver_stream(rx));
  }
  drop(log_tx);
  let secrets = http.secrets_arc();
  let warnings: Vec<StreamItem> = plan
    .warnings
    .into_iter()
    .map(|(event, mut fields)| {
      secrets.scrub_json(&mut fields);
      StreamItem::Log(LogEvent {
        level: Level::Warn,
        event,
        fields,
      })
    })
    .collect();
  let logs = stream::iter(warnings).chain(unbounded_stream(log_rx));
  // Logs first, so a page's "fetched page" line precedes the writer's own lines.
  stream::select_with_strategy(logs, stream::select_all(streams), |_: &mut ()| stream::PollNext::Left).boxed()
}

fn receiver_stream(rx: mpsc::Receiver<StreamItem>) -> BoxStream<'static, StreamItem> {
  stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) }).boxed()
}

fn unbounded_stream(rx: mpsc::UnboundedReceiver<StreamItem>) -> BoxStream<'static, StreamItem> {
  stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) }).boxed()
}

pub(crate) fn wall_ms() -> i64 {
  std::time::SystemTime::now()
    .duration_since(std::time::UNIX_EPOCH)
    .map(|d| d.as_millis() as i64)
    .unwrap_or(0)
}

/// Fires the phase's `deadline` (and so `stop`) at `deadline_ms` (wall clock).
/// A token cancelled once `stop` is, but not before [`MIN_FIRST_REQUEST_WAIT_MS`] from now.
fn first_waits_token(cancel: &CancellationToken, stop: &CancellationToken) -> CancellationToken {
  let token = CancellationToken::new();
  let (cancel, stop, fired) = (cancel.clone(), stop.clone(), token.clone());
  let earliest = tokio::time::Instant::now() + std::time::Duration::from_millis(MIN_FIRST_REQUEST_WAIT_MS);
  tokio::spawn(async move {
    tokio::select! {
      _ = cancel.cancelled() => {}
      _ = async {
        stop.cancelled().await;
        tokio::time::sleep_until(earliest).await;
      } => fired.cancel(),
    }
  });
  token
}

fn stop_at_deadline(ctx: &PhaseCtx, deadline_ms: i64) {
  let (stop, deadline, first_waits) = (ctx.stop.clone(), ctx.deadline.clone(), ctx.first_waits.clone());
  // Capped so an effectively unlimited budget (the CLI) cannot overflow the timer.
  const MAX_WAIT_MS: i64 = 30 * 24 * 3_600_000;
  let wait = std::time::Duration::from_millis((deadline_ms - wall_ms()).clamp(0, MAX_WAIT_MS) as u64);
  tokio::spawn(async move {
    tokio::select! {
      _ = deadline.cancelled() => {}
      _ = tokio::time::sleep(wait) => {
        deadline.cancel();
        stop.cancel();
        first_waits.cancel();
      }
    }
  });
}

/// What every phase task holds.
pub(crate) struct PhaseCtx {
  pub(crate) http: Arc<OktaHttp>,
  pub(crate) cancel: CancellationToken,
  /// Start no new request: the chunk budget (or the run deadline).
  pub(crate) stop: CancellationToken,
  /// The run budget's deadline alone. A chunk's first request of a phase only
  /// waits for this one, so every chunk makes progress, however small its budget.
  pub(crate) deadline: CancellationToken,
  /// Ends the rate-limit waits of a chunk's first request: once the chunk budget is
  /// spent, but never before [`MIN_FIRST_REQUEST_WAIT_MS`] into the call (or at the
  /// deadline). The host re-calls at once and allows 1000 calls a run, so a tiny
  /// budget must not spin through them while Okta's window is still closed.
  pub(crate) first_waits: CancellationToken,
  pub(crate) tx: mpsc::Sender<StreamItem>,
  pub(crate) log: LogSink,
}

/// One fetched and mapped page of a Link chain.
struct ChainPage {
  mapped: crate::records::MappedPage,
  /// The sanitized next link (None: the chain ends here, or its link was unsafe).
  next: Option<Url>,
  /// The chain ended by Okta's own signal (an empty log page, no next link), not
  /// because a next link was dropped.
  finished: bool,
}

enum Fetch {
  Page(ChainPage),
  /// Cancelled or stopped before a page arrived.
  Stopped,
  /// Failed after retries (already reported to the writer).
  Failed,
}

/// The least a chunk's first request waits for a closed rate-limit window before the
/// call returns without a page (see [`PhaseCtx::first_waits`]).
pub const MIN_FIRST_REQUEST_WAIT_MS: u64 = 1000;

impl PhaseCtx {
  /// The `(stop, waits)` tokens of a request: a chunk's first one (`first`) stops only
  /// at the deadline and waits at least [`MIN_FIRST_REQUEST_WAIT_MS`]; the others
  /// stop, and stop waiting, at the chunk budget.
  pub(crate) fn request_tokens(&self, first: bool) -> (&CancellationToken, &CancellationToken) {
    if first {
      (&self.deadline, &self.first_waits)
    } else {
      (&self.stop, &self.stop)
    }
  }

  /// Fetches `url` of `resource`, maps it, and works out its next link; logs the
  /// page. Failures are sent to the writer.
  async fn fetch(&self, resource: Resource, url: &Url, map: MapOptions, index: u64) -> Fetch {
    let (stop, waits) = self.request_tokens(index == 0);
    if let Err(error) = self.http.chain_page(resource, url) {
      let _ = self.tx.send(StreamItem::Failed { resource, error }).await;
      return Fetch::Failed;
    }
    let fetched = self
      .http
      .get_page(resource, url, &self.cancel, stop, waits, &self.log, |page| {
        map_page(resource, &page.body, map).map_err(|e| {
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
      Err(error) if error.code == ErrorCode::Aborted => return Fetch::Stopped,
      Err(error) => {
        let error = error
          .at(resource.resource_name(), url.as_str())
          .redact(self.http.secrets());
        let item = if error.code == ErrorCode::Forbidden {
          StreamItem::Skipped { resource, error }
        } else {
          StreamItem::Failed { resource, error }
        };
        let _ = self.tx.send(item).await;
        return Fetch::Failed;
      }
    };
    let stats = &self.http.stats;
    stats.pages.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    stats
      .records
      .fetch_add(mapped.count as u64, std::sync::atomic::Ordering::Relaxed);

    // The System Log always links a next page when polling; an empty page is the end.
    let ends_here = resource == Resource::AuthEvents && mapped.raw_items == 0;
    let raw_next = if ends_here {
      None
    } else {
      next_link(page.links.iter().map(String::as_str))
    };
    let mut next = raw_next
      .as_deref()
      .and_then(|raw| sanitize_page_url(raw, self.http.origin(), resource.path()));
    let mut finished = raw_next.is_none();
    if raw_next.is_some() && next.is_none() {
      (self.log)(LogEvent {
        level: Level::Warn,
        event: "next link dropped",
        fields: json!({ "resource": resource.resource_name(), "page": index, "reason": "not on the configured origin and endpoint" }),
      });
    }
    if next.as_ref() == Some(url) && mapped.raw_items > 0 {
      // A server repeating the same non-empty page would loop forever.
      next = None;
      finished = false;
    }
    self.http.chain_linked(resource, next.as_ref());
    (self.log)(LogEvent {
      level: Level::Info,
      event: "fetched page",
      fields: json!({
        "resource": resource.resource_name(),
        "page": index,
        "items": mapped.count,
        "cursor": cut80(&self.http.secrets().scrub(url.as_str())),
        "next": next.as_ref().map(|n| cut80(&self.http.secrets().scrub(n.as_str()))),
      }),
    });
    if !mapped.warnings.is_empty() {
      (self.log)(LogEvent {
        level: Level::Warn,
        event: "records skipped",
        fields: json!({ "resource": resource.resource_name(), "page": index, "reasons": mapped.warnings }),
      });
    }
    Fetch::Page(ChainPage { mapped, next, finished })
  }

  /// Hands a page to the writer; false when the writer is gone.
  pub(crate) async fn send(&self, page: PageOut) -> bool {
    self.tx.send(StreamItem::Page(page)).await.is_ok()
  }
}

/// One Link chain from the plan's URL (users, groups, or the System Log without a
/// backfill-capable storage).
async fn run_phase(ctx: PhaseCtx, phase: PhasePlan) {
  let resource = phase.resource;
  let mut url = phase.url;
  let mut clear = phase.clear;
  let mut skip = phase.skip;
  let mut index = 0u64;
  // A phase from its first page (not resumed mid-chain) starts a new listing.
  let mut listing_start = skip == 0 && url.query_pairs().all(|(k, _)| k != "after");
  loop {
    let page = match ctx.fetch(resource, &url, phase.map, index).await {
      Fetch::Page(page) => page,
      Fetch::Stopped | Fetch::Failed => return,
    };
    let after = match &page.next {
      Some(next) => Position::At {
        page: next.clone(),
        skip: 0,
      },
      None => Position::Done,
    };
    // Only Okta's own end of the chain proves the listing complete (a dropped
    // next link does not).
    let listing_end = page.next.is_none() && page.finished;
    let out = PageOut {
      resource,
      url: url.to_string(),
      next: page.next.as_ref().map(Url::to_string),
      index,
      clear,
      skip,
      count: page.mapped.count,
      records_json: page.mapped.records_json,
      at: Position::At {
        page: url.clone(),
        skip,
      },
      after,
      state_record: phase
        .listing
        .as_ref()
        .filter(|_| listing_end)
        .map(|l| l.state_record.clone()),
      dedupe: false,
      replace_for: None,
      reconcile: phase.listing.as_ref().is_some_and(|l| l.reconcile),
      listing_start,
      listing_end,
    };
    if !ctx.send(out).await {
      return;
    }
    match page.next {
      Some(n) => url = n,
      None => return,
    }
    index += 1;
    clear = false;
    skip = 0;
    listing_start = false;
  }
}

/// One read of the backfill: the polling edge, or a bounded gap read newest first.
#[derive(Debug, Clone, Copy)]
enum Chain {
  Edge { since: i64 },
  Gap { from: i64, to: i64 },
}

/// The lower bound (Unix ms) a System Log request really applies: its `since`, else
/// Okta's default of 7 days before its `until` (before now without one).
fn effective_since(url: &Url, now_ms: i64) -> i64 {
  let param = |name: &str| {
    url
      .query_pairs()
      .find(|(k, _)| k == name)
      .and_then(|(_, v)| parse_ms(&v))
  };
  param("since").unwrap_or_else(|| param("until").unwrap_or(now_ms) - backfill::OKTA_DEFAULT_SPAN_MS)
}

/// Whether a System Log `next` link still asks what `current` asked: the same filter
/// and order, and `since`/`until` either kept or left out (Okta does not document
/// which; a left-out `since` falls back to its default, which the reader accounts
/// for). A link that changes any of them is not followed.
fn link_keeps_query(next: &Url, current: &Url) -> Result<(), &'static str> {
  let value = |url: &Url, name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
  for name in ["filter", "sortOrder"] {
    if value(next, name) != value(current, name) {
      return Err("the next link changes the query's filter or order");
    }
  }
  for name in ["since", "until"] {
    if let Some(v) = value(next, name) {
      if value(current, name).as_deref() != Some(v.as_str()) {
        return Err("the next link changes the query's time bounds");
      }
    }
  }
  Ok(())
}

/// The System Log as a backfill: the edge, then the gaps newest first in slices no
/// wider than [`backfill::SLICE_MS`], each page handed over with the state record
/// that covers it. A slice counts as covered only as far as its pages prove: its
/// chain reached an event older than the slice (then it stops: nothing outside the
/// slice is stored or paid for), or ended where the lower bound its requests really
/// applied lies at or below the slice. What a chain could not prove is read again
/// at once as a new bounded query. Stops at the run budget's deadline with a
/// `backfill incomplete` log, or quietly at the chunk budget.
async fn run_backfill(ctx: PhaseCtx, mut plan: BackfillPlan) {
  let resource = Resource::AuthEvents;
  let origin = ctx.http.origin().clone();
  let host = origin_key(&origin);
  let had_gaps = !plan.gaps.is_empty();
  let mut edge_done = plan.edge_since.is_none();
  let mut edge_from = plan.edge_since;
  let mut chains: std::collections::VecDeque<Chain> = plan
    .edge_since
    .map(|since| Chain::Edge { since })
    .into_iter()
    .chain(plan.gaps.iter().map(|&(from, to)| Chain::Gap { from, to }))
    .collect();
  let mut index = 0u64;
  // Links not followed this run (the first is warned about, the rest counted).
  let mut links_refused = 0u64;
  while let Some(chain) = chains.pop_front() {
    let (since, until) = match chain {
      Chain::Edge { since } => (since, None),
      Chain::Gap { from, to } => (from, Some(to)),
    };
    let (Some(since_text), Ok(until_text)) = (format_ms(since), until.map(format_ms).map(|u| u.ok_or(())).transpose())
    else {
      continue;
    };
    let mut url = log_range_url(&origin, &since_text, until_text.as_deref());
    // The highest lower bound any request of this chain applied.
    let mut applied_since = since;
    loop {
      let requested_at = wall_ms();
      applied_since = applied_since.max(effective_since(&url, requested_at));
      let map = MapOptions {
        events_after_ms: None,
        published_window: until.map(|to| (since, to)),
      };
      let mut page = match ctx.fetch(resource, &url, map, index).await {
        Fetch::Page(page) => page,
        Fetch::Failed => return,
        Fetch::Stopped => return finish_backfill(&ctx, &plan, (edge_done, edge_from), index, false).await,
      };
      if let Some(next) = &page.next {
        if let Err(reason) = link_keeps_query(next, &url) {
          links_refused += 1;
          if links_refused == 1 {
            (ctx.log)(LogEvent {
              level: Level::Warn,
              event: "next link not followed",
              fields: json!({ "resource": resource.resource_name(), "page": index, "reason": reason, "next": cut80(next.as_str()), "remedy": "the rest of the range is read as a new bounded query; later cases this run are counted in 'backfill complete'" }),
            });
          }
          page.next = None;
          page.finished = false;
        }
      }
      let at = Position::Backfill { edge_done, edge_from };
      let range = page.mapped.published_range;
      let covered = &mut plan.state.covered;
      // While older gaps wait, a short edge page means the edge has caught up with
      // what Okta had: skip the confirming empty page and claim only up to the
      // newest event seen (the next run's look-back re-reads from there).
      let short_edge_page = !plan.gaps.is_empty()
        && page.mapped.raw_items > 0
        && page.mapped.raw_items < Resource::AuthEvents.page_limit() as usize;
      // Whether this chain goes on with the page's next link.
      let mut follow = true;
      match chain {
        Chain::Edge { since } if page.finished => {
          covered.add(since, requested_at.max(since));
          edge_done = true;
        }
        Chain::Edge { since } if short_edge_page || page.next.is_none() => {
          // Caught up, or a link that cannot be followed: the next run's edge
          // re-reads from the newest event seen.
          if let Some((_, newest)) = range {
            covered.add(since, newest + 1);
          }
          edge_done = true;
          follow = false;
        }
        Chain::Edge { since } => {
          if let Some((_, newest)) = range {
            covered.add(since, newest + 1);
            // A later chunk of this run continues after what this page held.
            edge_from = edge_from.map(|from| from.max(newest + 1));
          }
        }
        Chain::Gap { from, to } => {
          let passed_below = range.is_some_and(|(oldest, _)| oldest < from);
          if passed_below || (page.finished && applied_since <= from) {
            covered.add(from, to);
            follow = false;
          } else {
            // Newest first: everything after the page's oldest instant is read
            // (events at that very instant may continue on the next page).
            let proven_to = match range {
              Some((oldest, _)) => (oldest + 1).min(to),
              None => to,
            };
            let proven_from = if page.finished {
              applied_since.min(proven_to)
            } else {
              proven_to
            };
            covered.add(proven_from, to);
            if page.next.is_none() {
              // The chain ended above the slice's bottom (a lower bound applied
              // by the server, or a link not followed): read the rest as a new
              // bounded query, unless nothing was gained (a server repeating itself).
              if proven_from < to && proven_from > from {
                chains.push_front(Chain::Gap { from, to: proven_from });
              } else if proven_from >= to {
                (ctx.log)(LogEvent {
                  level: Level::Warn,
                  event: "backfill slice unproven",
                  fields: json!({ "resource": resource.resource_name(), "from": backfill::iso(from), "to": backfill::iso(to), "reason": "the System Log's pages proved nothing of this slice; it is read again next run" }),
                });
              }
            }
          }
        }
      }
      let out = PageOut {
        resource,
        url: url.to_string(),
        next: page.next.as_ref().filter(|_| follow).map(Url::to_string),
        index,
        clear: false,
        skip: 0,
        count: page.mapped.count,
        records_json: page.mapped.records_json,
        at,
        after: Position::Backfill { edge_done, edge_from },
        state_record: Some(plan.state.to_record(&host, AUTH_EVENT_FILTER, wall_ms())),
        dedupe: true,
        replace_for: None,
        reconcile: false,
        listing_start: false,
        listing_end: false,
      };
      if !ctx.send(out).await {
        return;
      }
      index += 1;
      match page.next {
        Some(next) if follow => url = next,
        _ => break,
      }
    }
  }
  if had_gaps {
    let mut fields = backfill::progress(&plan, wall_ms());
    fields["next_links_not_followed"] = json!(links_refused);
    (ctx.log)(LogEvent {
      level: Level::Info,
      event: "backfill complete",
      fields,
    });
  }
  finish_backfill(&ctx, &plan, (edge_done, edge_from), index, true).await
}

/// Ends the backfill for this run (all read, or the run budget is used up: the
/// phase is done until the next run) or for this chunk (the position stays).
async fn finish_backfill(
  ctx: &PhaseCtx,
  plan: &BackfillPlan,
  (edge_done, edge_from): (bool, Option<i64>),
  index: u64,
  complete: bool,
) {
  if ctx.cancel.is_cancelled() {
    return;
  }
  let now = wall_ms();
  if !complete {
    if now < plan.deadline_ms {
      return; // The chunk budget: the next chunk re-plans from the stored state.
    }
    let mut fields = backfill::progress(plan, now);
    fields["budget_ms"] = json!(plan.deadline_ms - plan.run.started_ms);
    (ctx.log)(LogEvent {
      level: Level::Info,
      event: "backfill incomplete",
      fields,
    });
  }
  let _ = ctx
    .send(PageOut::phase_done(
      Resource::AuthEvents,
      index,
      Position::Backfill { edge_done, edge_from },
    ))
    .await;
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
      Resource::DEFAULT
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
    // No listing state: a rawdash run (<= 300 s) plus the consistency margin.
    assert_eq!(q[1].1, "lastUpdated gt \"2024-04-30T23:50:00.000Z\"");
  }

  fn filter_of(url: &Url) -> Option<String> {
    url
      .query_pairs()
      .find(|(k, _)| k == "filter")
      .map(|(_, v)| v.into_owned())
  }

  #[test]
  fn latest_looks_back_to_the_last_listing_and_never_pushes_filters_down() {
    let since = "2024-05-31T12:00:00.000Z";
    let since_ms = parse_ms(since).unwrap();
    let host = origin_key(&origin());
    let specs = json!({ "okta_user": [{ "filter": [{ "field": "status", "op": "eq", "value": "ACTIVE" }] }] });
    let mut r = req("latest");
    r.since = Some(json!(since));
    r.fetch_specs = Some(specs.clone());
    // The last users listing began 4 minutes before the previous run ended.
    r.entity_states = Some(json!({
      "users": ListingState::record(Resource::Users, &host, since_ms - 240_000, false),
    }));
    let plan = plan_sync(&r, &origin()).unwrap();
    let users = filter_of(&plan.phases[0].url).unwrap();
    assert_eq!(
      users,
      format!(
        "lastUpdated gt \"{}\"",
        format_ms(since_ms - 240_000 - ENTITY_LOOKBACK_MS).unwrap()
      )
    );
    assert!(!users.contains("ACTIVE"), "{users}");
    // Full mode pushes the single widget filter down (its scope is replaced).
    let mut f = req("full");
    f.fetch_specs = Some(specs);
    f.reconcile = Some(true);
    let plan = plan_sync(&f, &origin()).unwrap();
    assert!(filter_of(&plan.phases[0].url).unwrap().contains("status eq \"ACTIVE\""));
    assert!(!plan.phases[0].clear, "reconciled at the end, not cleared first");
    assert!(plan.phases[0].listing.as_ref().unwrap().reconcile);
    // A replace that may have been cut short: the next latest run lists everything.
    r.entity_states = Some(json!({
      "users": ListingState::record(Resource::Users, &host, since_ms - 240_000, true),
    }));
    r.reconcile = Some(true);
    let plan = plan_sync(&r, &origin()).unwrap();
    assert!(!filter_of(&plan.phases[0].url).unwrap().contains("lastUpdated"));
    assert!(plan.phases[0].listing.as_ref().unwrap().reconcile);
  }

  #[test]
  fn the_log_window_is_the_sign_in_specs_plus_a_day() {
    let day = 86_400_000.0;
    let mut r = req("full");
    r.fetch_specs = Some(
      json!({ "okta_user": [{ "requiredWindowMs": 90.0 * day }], "okta_auth_event": [{ "requiredWindowMs": 7.0 * day }, { "filter": [], "requiredWindowMs": 3.0 * day }] }),
    );
    assert_eq!(log_window(&r), LogWindow::Widest(8 * 86_400_000));
    r.fetch_specs = Some(json!({ "okta_auth_event": [{ "requiredWindowMs": 7.0 * day }, { "filter": [] }] }));
    assert_eq!(log_window(&r), LogWindow::Unbounded);
    r.fetch_specs = Some(json!({ "okta_user": [{ "requiredWindowMs": 90.0 * day }] }));
    assert_eq!(log_window(&r), LogWindow::Unnamed);
  }

  #[test]
  fn effective_since_and_link_checks_follow_okta_defaults() {
    let url = |q: &str| Url::parse(&format!("https://acme.okta.com/api/v1/logs?{q}")).unwrap();
    let now = 1_717_200_000_000;
    let until = parse_ms("2024-05-20T00:00:00.000Z").unwrap();
    assert_eq!(
      effective_since(&url("until=2024-05-20T00:00:00.000Z&after=x"), now),
      until - backfill::OKTA_DEFAULT_SPAN_MS
    );
    assert_eq!(
      effective_since(&url("after=x"), now),
      now - backfill::OKTA_DEFAULT_SPAN_MS
    );
    assert_eq!(
      effective_since(&url("since=2024-05-19T00:00:00.000Z"), now),
      until - 86_400_000
    );
    let current = url("filter=f&sortOrder=DESCENDING&since=2024-05-19T00:00:00.000Z&until=2024-05-20T00:00:00.000Z");
    assert!(link_keeps_query(
      &url("filter=f&sortOrder=DESCENDING&until=2024-05-20T00:00:00.000Z&after=1"),
      &current
    )
    .is_ok());
    assert!(link_keeps_query(&current, &current).is_ok());
    assert!(link_keeps_query(
      &url("filter=f&sortOrder=DESCENDING&since=2024-05-19T01:00:00.000Z&after=1"),
      &current
    )
    .is_err());
    assert!(link_keeps_query(&url("sortOrder=DESCENDING&after=1"), &current).is_err());
    assert!(link_keeps_query(&url("filter=f&after=1"), &current).is_err());
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
  fn defaults_stay_drop_in_and_the_host_can_ask_for_more() {
    let phases = |r: &SyncRequest| {
      plan_sync(r, &origin())
        .unwrap()
        .phases
        .iter()
        .map(|p| p.resource)
        .collect::<Vec<_>>()
    };
    // No setting, no host names: the original three, no apps.
    assert_eq!(phases(&req("full")), Resource::DEFAULT);
    // The host's widgets name apps: apps are synced without a setting.
    let mut r = req("full");
    r.resources = Some(vec!["okta_app".into(), "okta_user".into()]);
    assert_eq!(phases(&r), [Resource::Users, Resource::Apps]);
    // A setting limits what the host may ask for.
    r.settings_resources = Some(vec!["users".into()]);
    assert_eq!(phases(&r), [Resource::Users]);
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
      at: Position::Start,
      after: Position::Done,
      state_record: None,
      dedupe: false,
      replace_for: None,
      reconcile: false,
      listing_start: false,
      listing_end: false,
    };
    let v: Value = serde_json::from_slice(&p.to_json_bytes()).unwrap();
    assert_eq!(v["records"][0]["a"], 1);
    assert_eq!(v["clear"], true);
    assert_eq!(v["after"], json!({ "done": true }));
  }
}
