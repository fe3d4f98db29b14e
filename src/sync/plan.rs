//! The sync planner (pure): which phases run, where each starts (host options,
//! cursor, stored state), and which engine runner drives it.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};
use url::Url;

use crate::engine::backfill::{self, BackfillInputs, BackfillPlan, LogWindow, PlanNotes};
use crate::engine::cursor::{self, Position};
use crate::engine::fanout::{self, FanOutPlan};
use crate::engine::metrics::{MetricDays, USER_MFA_ATTRIBUTES};
use crate::engine::phase::{ChainStart, Listing};
use crate::engine::state::{iso, origin_key, ListingState, RunInfo, ENTITY_LOOKBACK_MS, ENTITY_LOOKBACK_NO_STATE_MS};
use crate::error::{ErrorCode, OktaError};
use crate::resources::{format_ms, parse_ms, selected_log_types, FirstRequest, MapOptions, Resource, Runner, Shape};

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
  /// `settings.logEvents`: the families and event types `okta_log_event` stores
  /// (absent = every family).
  pub settings_log_events: Option<Vec<String>>,
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
  /// The stored state entity of each fan-out phase, by setting name (`factors`):
  /// its enumeration progress and change-event position (`null`: none stored yet).
  pub fan_out_states: Option<Value>,
  /// The stored daily metrics record (`null`: none stored yet).
  pub metrics_state: Option<Value>,
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

/// Default run budget: fits rawdash's 300 s run with room for the writes.
pub const DEFAULT_BUDGET_MS: i64 = 240_000;

/// Where the System Log's window comes from: the sign-in widgets' fetch specs (and
/// a direct `options.requiredWindowMs`), never other resources' windows.
fn log_window(req: &SyncRequest, name: &str) -> LogWindow {
  let valid = |w: f64| (w.is_finite() && w > 0.0).then_some(w as i64);
  let mut widest = req
    .required_window_ms
    .as_ref()
    .and_then(|w| w.get(name))
    .and_then(Value::as_f64)
    .and_then(valid);
  // Widgets over the metrics computed from these events ask for their window too.
  let names = std::iter::once(name).chain(crate::engine::metrics::derived_from(name).iter().copied());
  let specs = names.filter_map(|n| {
    req
      .fetch_specs
      .as_ref()
      .and_then(|s| s.get(n))
      .and_then(Value::as_array)
  });
  for spec in specs.flatten() {
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

/// The widest of two event resources' windows.
fn wider(a: LogWindow, b: LogWindow) -> LogWindow {
  match (a, b) {
    (LogWindow::Unbounded, _) | (_, LogWindow::Unbounded) => LogWindow::Unbounded,
    (LogWindow::Widest(x), LogWindow::Widest(y)) => LogWindow::Widest(x.max(y)),
    (LogWindow::Widest(x), LogWindow::Unnamed) | (LogWindow::Unnamed, LogWindow::Widest(x)) => LogWindow::Widest(x),
    (LogWindow::Unnamed, LogWindow::Unnamed) => LogWindow::Unnamed,
  }
}

/// One phase: its resource and the engine runner that drives it, with where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct PhasePlan {
  /// The phase.
  pub resource: Resource,
  /// How it runs.
  pub run: PhaseRun,
}

/// The runner of a phase and its starting point.
#[derive(Debug, Clone, PartialEq)]
pub enum PhaseRun {
  /// One Link chain (entity listings; the System Log without backfill storage).
  Chain(ChainStart),
  /// The System Log read as a storage-kept backfill.
  Backfill(BackfillPlan),
  /// A fan-out over a parent list, resumed from its stored state.
  FanOut(FanOutPlan),
}

impl PhasePlan {
  /// The chain's start, for a chain phase.
  pub fn chain(&self) -> Option<&ChainStart> {
    match &self.run {
      PhaseRun::Chain(c) => Some(c),
      _ => None,
    }
  }

  /// The backfill plan, for the System Log backfill.
  pub fn backfill(&self) -> Option<&BackfillPlan> {
    match &self.run {
      PhaseRun::Backfill(b) => Some(b),
      _ => None,
    }
  }

  /// The fan-out plan, for a fan-out phase.
  pub fn fan_out(&self) -> Option<&FanOutPlan> {
    match &self.run {
      PhaseRun::FanOut(f) => Some(f),
      _ => None,
    }
  }
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
  /// The daily metrics bookkeeping, handed to the backfill runner (backfill syncs only).
  pub metric_days: Option<MetricDays>,
  /// Stored attributes the writer keeps on entities a listing rewrites, by type
  /// (the factor phase's MFA attributes on `okta_user`, when factors are synced).
  pub keep: Vec<(Resource, &'static [&'static str])>,
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
        let (position, first) = match &p.run {
          // Resumed from the stored state on every call.
          PhaseRun::FanOut(_) => (Position::Stored, None),
          PhaseRun::Backfill(b) => (
            Position::Backfill {
              edge_done: b.edge_since.is_none(),
              edge_from: b.edge_since,
            },
            None,
          ),
          PhaseRun::Chain(c) if c.clear => (Position::Start, Some(c)),
          PhaseRun::Chain(c) => (
            Position::At {
              page: c.url.clone(),
              skip: c.skip,
            },
            Some(c),
          ),
        };
        state.insert(p.resource, position);
        json!({
          "phase": p.resource.setting_name(),
          "resource": p.resource.resource_name(),
          "clear": first.is_some_and(|c| c.clear),
          "backfill": first.is_none(),
          "url": first.map(|c| c.url.as_str()),
          "skip": first.map_or(0, |c| c.skip),
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
      "warnings": warnings,
      "keep": self.keep.iter().map(|(r, attrs)| (r.resource_name().to_string(), json!(attrs))).collect::<serde_json::Map<_, _>>(),
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

/// Where a chain phase starts from its cursor position: `None` when it is done; the
/// page and records already written when resumed mid-chain; else its first page
/// (`clear`: whether a fresh start clears the scope). A backfill or stored position
/// reaching a chain (a handle that cannot keep that state) starts it over.
fn chain_start(position: Position, first: impl FnOnce() -> Url, clear: bool) -> Option<(Url, u64, bool)> {
  match position {
    Position::Done => None,
    Position::At { page, skip } => Some((page, skip, false)),
    Position::Start | Position::Stored | Position::Backfill { .. } => Some((first(), 0, clear)),
  }
}

/// The resources a sync with these options covers, in phase order: the settings'
/// (without a `resources` setting, what the host's widgets use, else the original
/// three, so an existing config makes no request it did not make before), narrowed to
/// what the host asks for this tick. The planner's rule, also used to read only the
/// stored states a sync needs.
pub fn selected_resources(req: &SyncRequest) -> Vec<Resource> {
  let host_names_some = req.resources.as_ref().is_some_and(|names| !names.is_empty());
  let settings: Vec<Resource> = match &req.settings_resources {
    None if host_names_some => Resource::ALL.to_vec(),
    None => Resource::DEFAULT.to_vec(),
    Some(names) => Resource::ALL
      .into_iter()
      .filter(|r| names.iter().any(|n| n == r.setting_name()))
      .collect(),
  };
  let wanted = |r: &Resource| match &req.resources {
    // A widget over a computed metric asks for the resources it is computed from.
    Some(names) if !names.is_empty() => names
      .iter()
      .any(|n| n == r.resource_name() || crate::engine::metrics::sources_of(n).contains(r)),
    _ => true,
  };
  settings.into_iter().filter(wanted).collect()
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
  if req.resources.as_ref().is_some_and(Vec::is_empty) {
    warnings.push((
      "no resources requested",
      json!({ "reason": "the host named no resource (only a status widget uses this connector): the default resources are synced so its health reflects Okta" }),
    ));
  }

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
        "since": iso(since),
        "now": iso(now_ms),
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
  let selected = selected_resources(req);
  // Every selected event resource the backfill feeds is read by one backfill: the
  // first of them is its phase.
  let fed: Vec<Resource> = selected
    .iter()
    .copied()
    .filter(|r| matches!(r.spec().runner, Runner::Backfill) && r.log_feed().is_some())
    .collect();
  for resource in selected {
    if future_since.is_some() && (!full || resource.spec().shape == Shape::Event) {
      done.push(resource);
      continue;
    }
    if let Runner::FanOut(fan) = resource.spec().runner {
      if cursor.position(resource) == Position::Done {
        done.push(resource);
        continue;
      }
      let started_ms = cursor.run.or(run).map_or(now_ms, |r| r.started_ms);
      let plan = fanout::plan_fan_out(
        resource,
        fan,
        req
          .fan_out_states
          .as_ref()
          .and_then(|s| s.get(resource.setting_name()))
          .filter(|record| !record.is_null()),
        origin,
        now_ms,
        started_ms.saturating_add(budget_ms),
        &mut warnings,
      );
      run = run.or(cursor.run).or(Some(RunInfo::new(started_ms, 0)));
      phases.push(PhasePlan {
        resource,
        run: PhaseRun::FanOut(plan),
      });
      continue;
    }
    if matches!(resource.spec().runner, Runner::Backfill) && backfill_on {
      if fed.first() != Some(&resource) {
        // Read by the lead's backfill, in the same requests.
        done.push(resource);
        continue;
      }
      let streams = backfill::streams_of(&fed, req.settings_log_events.as_deref());
      let window = fed
        .iter()
        .map(|r| log_window(req, r.resource_name()))
        .fold(LogWindow::Unnamed, wider);
      let (edge_done, edge_from) = match cursor.position(resource) {
        Position::Done => {
          done.push(resource);
          continue;
        }
        Position::Backfill { edge_done, edge_from } => (edge_done, edge_from),
        Position::Start | Position::Stored | Position::At { .. } => (false, None),
      };
      let mut notes = PlanNotes::default();
      let planned = backfill::plan_backfill(
        resource,
        &BackfillInputs {
          now_ms,
          full,
          since_ms,
          log_window: window,
          record: req.backfill_state.as_ref(),
          host: &host,
          streams: &streams,
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
            run: PhaseRun::Backfill(plan),
          });
        }
        None => done.push(resource),
      }
      continue;
    }
    if resource.spec().shape == Shape::Event {
      // The System Log without a backfill-capable storage: one Link chain, cleared
      // and re-read in full mode (the TypeScript package's behaviour).
      let query = FirstRequest {
        log_since: log_since.clone(),
        log_types: selected_log_types(req.settings_log_events.as_deref()).unwrap_or_default(),
        ..FirstRequest::default()
      };
      let map = MapOptions {
        events_after_ms,
        published_window: None,
      };
      let Some((url, skip, clear)) = chain_start(
        cursor.position(resource),
        || resource.first_page_url(origin, &query),
        full,
      ) else {
        done.push(resource);
        continue;
      };
      phases.push(PhasePlan {
        resource,
        run: PhaseRun::Chain(ChainStart {
          resource,
          url,
          skip,
          clear,
          map,
          listing: None,
          dedupe_before,
        }),
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
    let query = FirstRequest {
      updated_since: updated_since.and_then(format_ms),
      log_since: None,
      log_types: Vec::new(),
      // A pushed-down filter is only safe where the scope is replaced: in an
      // incremental listing `status eq "ACTIVE"` never returns a user who left it.
      push_down: if complete {
        resource.push_down_value(req.fetch_specs.as_ref())
      } else {
        None
      },
    };
    let reconcile = req.reconcile == Some(true);
    let fresh_clear = complete && !reconcile;
    let Some((url, skip, clear)) = chain_start(
      cursor.position(resource),
      || resource.first_page_url(origin, &query),
      fresh_clear,
    ) else {
      done.push(resource);
      continue;
    };
    let listing = Some(Listing {
      state_record: ListingState::record(resource, &host, run_started, false),
      reconcile: complete && reconcile,
      run_started,
    });
    phases.push(PhasePlan {
      resource,
      run: PhaseRun::Chain(ChainStart {
        resource,
        url,
        skip,
        clear,
        map: MapOptions::default(),
        listing,
        dedupe_before: None,
      }),
    });
  }
  let run = run.or(cursor.run).unwrap_or_else(|| RunInfo::new(now_ms, 0));
  let run = Some(RunInfo {
    failing_since_ms: cursor.run.and_then(|r| r.failing_since_ms),
    failures: cursor.run.map_or(0, |r| r.failures),
    ..run
  });
  // Daily metrics ride on the backfill: they need its coverage to know complete days.
  // They re-read stored events day by day, so they run only where a widget can show
  // them: when the host names a daily metric, or names nothing (every resource).
  let metrics_wanted = match &req.resources {
    Some(names) if !names.is_empty() => names
      .iter()
      .any(|n| crate::engine::metrics::derived_from(Resource::AuthEvents.resource_name()).contains(&n.as_str())),
    _ => true,
  };
  let metric_days = (metrics_wanted && phases.iter().any(|p| p.backfill().is_some())).then(|| {
    let (days, reason) = MetricDays::new(req.metrics_state.as_ref(), &host);
    if let Some(reason) = reason {
      warnings.push(("sync state ignored", json!({ "resource": "metrics", "reason": reason })));
    }
    days
  });
  // With factors synced, okta_user carries the factor phase's MFA attributes, which
  // the users listing (which cannot know them) must not wipe.
  let factors_on = selected_resources(req).contains(&Resource::Factors)
    || req
      .settings_resources
      .as_ref()
      .is_some_and(|names| names.iter().any(|n| n == Resource::Factors.setting_name()));
  let keep = if factors_on {
    vec![(Resource::Users, &USER_MFA_ATTRIBUTES[..])]
  } else {
    Vec::new()
  };
  Ok(SyncPlan {
    phases,
    done,
    dedupe_before,
    warnings,
    run,
    metric_days,
    keep,
  })
}

#[cfg(test)]
mod tests {
  use super::*;

  fn chain(p: &PhasePlan) -> &ChainStart {
    p.chain().expect("a chain phase")
  }

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
    assert!(plan.phases.iter().all(|p| chain(p).clear));
    assert!(!chain(&plan.phases[0]).url.as_str().contains("lastUpdated"));
    assert!(chain(&plan.phases[2])
      .url
      .as_str()
      .contains("since=2024-05-01T00%3A00%3A00.000Z"));
  }

  #[test]
  fn latest_filters_entities_by_since_and_never_clears() {
    let mut r = req("latest");
    r.since = Some(json!("2024-05-01T00:00:00Z"));
    let plan = plan_sync(&r, &origin()).unwrap();
    assert!(plan.phases.iter().all(|p| !chain(p).clear));
    let q: Vec<(String, String)> = chain(&plan.phases[0])
      .url
      .query_pairs()
      .map(|(k, v)| (k.into(), v.into()))
      .collect();
    // No listing state: a rawdash run (<= 300 s) plus the consistency margin.
    assert_eq!(q[1].1, "lastUpdated gt \"2024-04-30T23:50:00.000Z\"");
  }

  #[test]
  fn a_widget_over_a_daily_metric_reads_the_system_log_with_its_window_and_factors_keep_mfa_attributes() {
    let mut r = req("full");
    r.backfill = Some(true);
    r.resources = Some(vec!["okta_daily_active_users".into()]);
    r.fetch_specs = Some(json!({ "okta_daily_active_users": [{ "requiredWindowMs": 14.0 * 86_400_000.0 }] }));
    let plan = plan_sync(&r, &origin()).unwrap();
    assert_eq!(
      plan.phases.iter().map(|p| p.resource).collect::<Vec<_>>(),
      [Resource::AuthEvents]
    );
    let backfill = plan.phases[0].backfill().unwrap();
    assert_eq!(backfill.target_start, 1_717_200_000_000 - 15 * 86_400_000);
    assert!(
      plan.metric_days.is_some(),
      "the backfill carries the metrics bookkeeping"
    );
    assert!(plan.keep.is_empty(), "no factors: okta_user records unchanged");
    // Sign-in widgets without a daily-metric widget: no metrics work (no re-read of
    // the stored events); a host naming nothing gets every resource, metrics included.
    r.resources = Some(vec!["okta_auth_event".into()]);
    assert!(plan_sync(&r, &origin()).unwrap().metric_days.is_none());
    r.resources = None;
    assert!(plan_sync(&r, &origin()).unwrap().metric_days.is_some());
    // An MFA metric widget reads users and factors; the users listing keeps the MFA attributes.
    r.resources = Some(vec!["okta_mfa_coverage".into()]);
    let plan = plan_sync(&r, &origin()).unwrap();
    assert_eq!(
      plan.phases.iter().map(|p| p.resource).collect::<Vec<_>>(),
      [Resource::Users, Resource::Factors]
    );
    assert!(plan.metric_days.is_none());
    assert_eq!(
      plan.to_json()["keep"],
      json!({ "okta_user": ["mfaEnrolled", "activeFactorTypes"] })
    );
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
    let users = filter_of(&chain(&plan.phases[0]).url).unwrap();
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
    assert!(filter_of(&chain(&plan.phases[0]).url)
      .unwrap()
      .contains("status eq \"ACTIVE\""));
    assert!(
      !chain(&plan.phases[0]).clear,
      "reconciled at the end, not cleared first"
    );
    assert!(chain(&plan.phases[0]).listing.as_ref().unwrap().reconcile);
    // A replace that may have been cut short: the next latest run lists everything.
    r.entity_states = Some(json!({
      "users": ListingState::record(Resource::Users, &host, since_ms - 240_000, true),
    }));
    r.reconcile = Some(true);
    let plan = plan_sync(&r, &origin()).unwrap();
    assert!(!filter_of(&chain(&plan.phases[0]).url).unwrap().contains("lastUpdated"));
    assert!(chain(&plan.phases[0]).listing.as_ref().unwrap().reconcile);
  }

  #[test]
  fn the_log_window_is_the_sign_in_specs_plus_a_day() {
    let day = 86_400_000.0;
    let mut r = req("full");
    r.fetch_specs = Some(
      json!({ "okta_user": [{ "requiredWindowMs": 90.0 * day }], "okta_auth_event": [{ "requiredWindowMs": 7.0 * day }, { "filter": [], "requiredWindowMs": 3.0 * day }] }),
    );
    assert_eq!(log_window(&r, "okta_auth_event"), LogWindow::Widest(8 * 86_400_000));
    r.fetch_specs = Some(json!({ "okta_auth_event": [{ "requiredWindowMs": 7.0 * day }, { "filter": [] }] }));
    assert_eq!(log_window(&r, "okta_auth_event"), LogWindow::Unbounded);
    r.fetch_specs = Some(json!({ "okta_user": [{ "requiredWindowMs": 90.0 * day }] }));
    assert_eq!(log_window(&r, "okta_auth_event"), LogWindow::Unnamed);
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
    let since = chain(&plan.phases[2])
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
    assert!(!chain(&plan.phases[0]).clear && chain(&plan.phases[0]).url.as_str().ends_with("after=x"));
    assert!(chain(&plan.phases[1]).clear);
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
    assert_eq!(chain(&plan.phases[2]).map.events_after_ms, None);
    assert!(chain(&plan.phases[2])
      .url
      .as_str()
      .contains("since=2024-05-30T23%3A50%3A00.000Z"));
    r.mode = Some(json!("full"));
    let full = plan_sync(&r, &origin()).unwrap();
    assert_eq!(full.dedupe_before, None);
    assert_eq!(chain(&full.phases[2]).map.events_after_ms, Some(s));
  }
}
