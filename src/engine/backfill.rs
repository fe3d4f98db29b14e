//! The System Log backfill: which time ranges of the log window are completely
//! stored, per event type, and the plan that fills the rest newest first across
//! host runs.
//!
//! rawdash's server gives a run 300 s and throws the cursor away when a run times
//! out, so progress cannot live in the cursor. It lives in storage, as one state
//! entity (`okta_sync_state` / `auth_events`) whose attributes list the covered
//! time ranges of each **stream**: an event resource with a [`LogFeed`](crate::resources::LogFeed) and one
//! System Log event type it stores ([`StreamKey`], e.g. `okta_auth_event` /
//! `user.session.start`). The writer stores it after the events it covers, so it
//! never claims more than storage holds; a lost state write only costs a re-read
//! page, whose events the writer finds already stored.
//!
//! Every selected event resource is read by ONE backfill (the first selected one
//! is the phase): each read's filter is the union of its streams' types, and each
//! page is split between the resources on the way in ([`map_log_page`](crate::resources::map_log_page)). Coverage
//! per stream is what lets a selection change widen coverage: a stream added later
//! has its own gaps, read with a filter of only the streams missing there, so
//! nothing stored for the unchanged ones is read again; a stream removed keeps its
//! ranges (a later re-selection reads only what it missed).
//!
//! A run reads, in this order:
//! 1. the **edge**: Okta's polling pattern (`since`, no `until`, ascending, follow
//!    `next` until an empty page) of every stream from [`LOOKBACK_MS`] before the
//!    latest covered top, at most [`EDGE_MAX_MS`] back, so events Okta indexed late
//!    are still picked up;
//! 2. the **gaps** of the target window, newest first, each one bounded
//!    `since`/`until` query of the streams missing there, read in descending order,
//!    so a run that runs out of budget has stored a contiguous stretch back from now.
//!
//! Everything here is pure except [`run_backfill`]: the clock and the stored record
//! are passed in.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::{json, Value};
use url::Url;

use crate::engine::cursor::Position;
use crate::engine::metrics::MetricDays;
use crate::engine::phase::{wall_ms, Fetch, PhaseCtx};
use crate::engine::state::{iso, ms_of, origin_key, state_attributes, RunInfo, STATE_TYPE};
use crate::engine::wire::{CheckStored, PageOut, StreamItem};
use crate::error::{ErrorCode, OktaError};
use crate::log::{cut80, Level, LogEvent};
use crate::resources::{
  format_ms, log_event_filter, log_query_url, map_log_page, parse_ms, LogRoute, MapOptions, Resource,
  AUTH_EVENT_FILTER, SIGN_IN_EVENT_TYPES,
};

/// Entity id of the System Log state record (one per connector instance: the host
/// namespaces storage by connector name).
pub const STATE_ID: &str = "auth_events";
/// Version of the state record's layout. Records of other versions are ignored.
pub const STATE_VERSION: u64 = 1;
/// How far before the covered top the edge re-reads: Okta indexes events late.
pub const LOOKBACK_MS: i64 = 5 * 60_000;
/// The edge reads at most this far back in polling order; anything older is a gap
/// read newest first, so a long pause does not turn into an oldest-first read.
pub const EDGE_MAX_MS: i64 = 3_600_000;
/// The window when nothing names one: Okta's own default for `since` (7 days).
pub const DEFAULT_WINDOW_MS: i64 = 7 * DAY_MS;
/// Okta keeps 90 days of System Log; nothing older can be fetched.
pub const RETENTION_MS: i64 = 90 * DAY_MS;
/// Okta's default span of a bounded query: `since` defaults to 7 days before
/// `until`. Whether a `next` link keeps `since` is undocumented; where it does not,
/// later pages fall back to this span.
pub const OKTA_DEFAULT_SPAN_MS: i64 = 7 * DAY_MS;
/// The widest bounded query (slice) the backfill sends: a day inside Okta's default
/// span, so a chain whose links drop `since` still reaches below the slice, where
/// the reader sees it pass and stops.
pub const SLICE_MS: i64 = 6 * DAY_MS;
/// rawdash adds this to a widget's window when it plans a backfill.
pub const WINDOW_BUFFER_MS: i64 = DAY_MS;
/// Streams kept in the record (selected and formerly selected); beyond this the
/// record is not read further.
pub const MAX_STREAMS: usize = 1024;
/// A covered top later than now by more than this means the clock went back.
pub const CLOCK_SKEW_TOLERANCE_MS: i64 = 60_000;
const DAY_MS: i64 = 24 * 3_600_000;

pub use crate::engine::coverage::{Coverage, MAX_RANGES};

/// A covered range `[from, to)` in Unix ms.
type Range = (i64, i64);

/// One stream of the backfill: an event resource and one System Log event type it
/// stores. Its coverage says that every event of the type in those ranges is stored
/// as that resource's record.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamKey {
  /// The event resource (one with a [`LogFeed`](crate::resources::LogFeed)).
  pub resource: Resource,
  /// The System Log event type.
  pub event_type: String,
}

impl StreamKey {
  /// `okta_auth_event/user.session.start`, as the record lists it.
  pub fn text(&self) -> String {
    format!("{}/{}", self.resource.resource_name(), self.event_type)
  }

  /// Reads [`StreamKey::text`]; None for a resource without a feed or a bad type.
  pub fn parse(text: &str) -> Option<StreamKey> {
    let (name, event_type) = text.split_once('/')?;
    let resource = Resource::from_resource_name(name).filter(|r| r.log_feed().is_some())?;
    (!log_event_filter(&[event_type]).is_empty()).then(|| StreamKey {
      resource,
      event_type: event_type.to_string(),
    })
  }
}

/// The streams a sync reads: every `(resource, type)` the selected event resources'
/// feeds name (the `logEvents` setting decides `okta_log_event`'s), sorted.
pub fn streams_of(resources: &[Resource], log_events: Option<&[String]>) -> Vec<StreamKey> {
  let mut out = BTreeSet::new();
  for &resource in resources {
    if let Some(feed) = resource.log_feed() {
      for event_type in (feed.event_types)(log_events) {
        out.insert(StreamKey { resource, event_type });
      }
    }
  }
  out.into_iter().collect()
}

/// What the state record says, once validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackfillState {
  /// The start of the last target window (used when no widget names one).
  pub window_start: Option<i64>,
  /// Completely stored ranges, per stream (selected now or before).
  pub coverage: BTreeMap<StreamKey, Coverage>,
}

/// Parses `[[from, to], ...]` (JS numbers cross as floats).
fn ranges_of(list: Option<&Value>) -> Result<Coverage, String> {
  let list = list
    .and_then(Value::as_array)
    .ok_or("covered is not a list of [from, to] ranges")?;
  let mut covered = Coverage::default();
  for range in list.iter().take(MAX_RANGES * 4) {
    let pair = range.as_array().filter(|p| p.len() == 2);
    let bounds = pair.and_then(|p| Some((ms_of(&p[0])?, ms_of(&p[1])?)));
    match bounds {
      Some((a, b)) if a < b => covered.add(a, b),
      _ => return Err("covered holds a range that is not [from, to] in ms with from < to".into()),
    }
  }
  covered.bound();
  Ok(covered)
}

fn ranges_json(c: &Coverage) -> Vec<Value> {
  c.ranges().iter().map(|&(a, b)| json!([a, b])).collect()
}

impl BackfillState {
  /// The ranges covered for every one of `keys` (nothing when `keys` is empty).
  pub fn covered(&self, keys: &[StreamKey]) -> Coverage {
    let mut out: Option<Coverage> = None;
    for key in keys {
      let c = self.coverage.get(key).cloned().unwrap_or_default();
      out = Some(match out {
        None => c,
        Some(o) => o.intersect(&c),
      });
    }
    out.unwrap_or_default()
  }

  /// Records `[from, to)` as completely stored for each of `keys`.
  pub fn add(&mut self, keys: &[StreamKey], from: i64, to: i64) {
    for key in keys {
      let c = self.coverage.entry(key.clone()).or_default();
      c.add(from, to);
      c.bound();
    }
  }

  /// The state entity to write: `{ type, id, attributes, updated_at }`. Streams with
  /// the same ranges are written together: the largest group as `types`/`covered`
  /// (usually every stream: their edge reads are shared), the others in `partial`.
  pub fn to_record(&self, host: &str, now_ms: i64) -> Value {
    let mut groups: BTreeMap<&[(i64, i64)], Vec<String>> = BTreeMap::new();
    for (key, c) in self.coverage.iter().take(MAX_STREAMS) {
      groups.entry(c.ranges()).or_default().push(key.text());
    }
    let mut groups: Vec<(&[Range], Vec<String>)> = groups.into_iter().collect();
    // The largest group first (ties: the one covering most).
    groups.sort_by_key(|(r, keys)| {
      (
        std::cmp::Reverse(keys.len()),
        std::cmp::Reverse(r.iter().map(|(a, b)| b - a).sum::<i64>()),
      )
    });
    let mut groups = groups.into_iter();
    let (main_ranges, main_types) = groups.next().unwrap_or((&[], Vec::new()));
    let main = Coverage(main_ranges.to_vec());
    let partial: Vec<Value> = groups
      .map(|(r, types)| json!({ "types": types, "covered": ranges_json(&Coverage(r.to_vec())) }))
      .collect();
    json!({
      "type": STATE_TYPE,
      "id": STATE_ID,
      "attributes": {
        "version": STATE_VERSION,
        "host": host,
        "windowStart": self.window_start,
        "types": main_types,
        "covered": ranges_json(&main),
        "coveredText": main.ranges().iter()
          .map(|&(a, b)| format!("{}..{}", iso(a), iso(b)))
          .collect::<Vec<_>>()
          .join(", "),
        "partial": partial,
      },
      "updated_at": now_ms,
    })
  }

  /// Reads a stored state entity. `Ok(None)` when there is none; `Err(reason)` when
  /// it cannot be used (unreadable, another org host, another version, a record of
  /// an earlier release made for another filter): the caller starts from nothing and
  /// says why. The record holds no URLs, only times and stream names, so nothing in
  /// it can redirect a request or reach a filter unchecked ([`StreamKey::parse`]).
  pub fn from_record(record: Option<&Value>, host: &str) -> Result<Option<BackfillState>, String> {
    let Some(attrs) = state_attributes(record, "state record", STATE_VERSION, host)? else {
      return Ok(None);
    };
    let window_start = match attrs.get("windowStart") {
      None | Some(Value::Null) => None,
      Some(v) => Some(ms_of(v).ok_or("windowStart is not a whole number of ms")?),
    };
    let mut state = BackfillState {
      window_start,
      coverage: BTreeMap::new(),
    };
    let covered = ranges_of(attrs.get("covered"))?;
    let main_types: Vec<StreamKey> = match attrs.get("types") {
      // An earlier release's record: the sign-in filter's ranges.
      None | Some(Value::Null) => {
        if attrs.get("filter").and_then(Value::as_str) != Some(AUTH_EVENT_FILTER) {
          return Err("the state record was made for a different System Log filter".into());
        }
        SIGN_IN_EVENT_TYPES
          .iter()
          .map(|t| StreamKey {
            resource: Resource::AuthEvents,
            event_type: t.to_string(),
          })
          .collect()
      }
      Some(list) => stream_list(list)?,
    };
    for key in main_types {
      state.coverage.insert(key, covered.clone());
    }
    if let Some(partial) = attrs.get("partial").filter(|p| !p.is_null()) {
      let groups = partial
        .as_array()
        .ok_or("partial is not a list of { types, covered }")?;
      for group in groups.iter().take(MAX_STREAMS) {
        let covered = ranges_of(group.get("covered"))?;
        for key in stream_list(group.get("types").unwrap_or(&Value::Null))? {
          state.coverage.insert(key, covered.clone());
        }
      }
    }
    Ok(Some(state))
  }
}

/// A record's list of stream names; names this release does not know are dropped.
fn stream_list(list: &Value) -> Result<Vec<StreamKey>, String> {
  let list = list.as_array().ok_or("types is not a list of stream names")?;
  Ok(
    list
      .iter()
      .take(MAX_STREAMS)
      .filter_map(|v| v.as_str().and_then(StreamKey::parse))
      .collect(),
  )
}

/// Where the System Log's target window comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogWindow {
  /// The widest window of the sign-in widgets' fetch specs, rawdash's one-day
  /// buffer included (ms).
  Widest(i64),
  /// A sign-in widget without a window: everything Okta keeps (90 days).
  Unbounded,
  /// No sign-in fetch spec: full mode's `since`, else what was covered before.
  Unnamed,
}

/// Splits `[from, to)` into slices of at most [`SLICE_MS`], newest first.
pub fn slices(from: i64, to: i64) -> Vec<(i64, i64)> {
  let mut out = Vec::new();
  let mut hi = to;
  while hi > from {
    let lo = hi.saturating_sub(SLICE_MS).max(from);
    out.push((lo, hi));
    hi = lo;
  }
  out
}

/// What the backfill planner needs.
#[derive(Debug, Clone)]
pub struct BackfillInputs<'a> {
  /// Now (Unix ms).
  pub now_ms: i64,
  /// Full mode?
  pub full: bool,
  /// The host's `since` (ms).
  pub since_ms: Option<i64>,
  /// Where the target window comes from.
  pub log_window: LogWindow,
  /// The stored state entity (None: none stored).
  pub record: Option<&'a Value>,
  /// The configured org host (a record from another host is ignored).
  pub host: &'a str,
  /// The streams this sync reads ([`streams_of`]).
  pub streams: &'a [StreamKey],
  /// This run, when the cursor carried it (None: a new run starts now).
  pub run: Option<RunInfo>,
  /// Whether this run already read the edge.
  pub edge_done: bool,
  /// Where this run's edge read continues, when an earlier chunk began it.
  pub edge_from: Option<i64>,
  /// The run budget.
  pub budget_ms: i64,
}

/// A bounded read of the plan: `[from, to)` (at most [`SLICE_MS`]) of the streams
/// whose coverage misses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
  /// Start (ms, inclusive).
  pub from: i64,
  /// End (ms, exclusive).
  pub to: i64,
  /// The streams to read there.
  pub streams: Arc<Vec<StreamKey>>,
}

/// The System Log part of a sync.
#[derive(Debug, Clone, PartialEq)]
pub struct BackfillPlan {
  /// The phase: the first selected event resource; its pages carry every stream's records.
  pub lead: Resource,
  /// Every stream this sync reads (the edge reads them all).
  pub streams: Arc<Vec<StreamKey>>,
  /// Start of the target window (ms).
  pub target_start: i64,
  /// `since` of the edge's polling read; None when this run already read it.
  pub edge_since: Option<i64>,
  /// Bounded slices to read, newest first, each at most [`SLICE_MS`] wide.
  pub gaps: Vec<Gap>,
  /// The state at plan time; updated as pages are read.
  pub state: BackfillState,
  /// This run.
  pub run: RunInfo,
  /// When the run budget ends (Unix ms): no System Log request starts after it.
  pub deadline_ms: i64,
}

impl BackfillPlan {
  /// The ranges covered for every stream of this sync.
  pub fn covered(&self) -> Coverage {
    self.state.covered(&self.streams)
  }
}

/// What [`plan_backfill`] adds to the log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanNotes {
  /// Warnings (state ignored, clock skew, since in the future).
  pub warnings: Vec<(&'static str, Value)>,
}

/// The missing stretches of `[from, ends[k])` of each stream `k`, merged: oldest
/// first, each with the streams missing it (adjacent stretches missing the same
/// streams are one).
fn combined_gaps(
  state: &BackfillState,
  streams: &[StreamKey],
  from: i64,
  ends: &[i64],
) -> Vec<(i64, i64, Vec<StreamKey>)> {
  let per: Vec<Vec<(i64, i64)>> = streams
    .iter()
    .zip(ends)
    .map(|(k, &end)| state.coverage.get(k).cloned().unwrap_or_default().gaps(from, end))
    .collect();
  let mut bounds: Vec<i64> = per.iter().flatten().flat_map(|&(a, b)| [a, b]).collect();
  bounds.sort_unstable();
  bounds.dedup();
  let mut at = vec![0usize; per.len()];
  let mut out: Vec<(i64, i64, Vec<StreamKey>)> = Vec::new();
  for w in bounds.windows(2) {
    let (a, b) = (w[0], w[1]);
    let mut missing = Vec::new();
    for (k, gaps) in per.iter().enumerate() {
      while at[k] < gaps.len() && gaps[at[k]].1 <= a {
        at[k] += 1;
      }
      if gaps.get(at[k]).is_some_and(|&(ga, gb)| ga <= a && b <= gb) {
        missing.push(streams[k].clone());
      }
    }
    if missing.is_empty() {
      continue;
    }
    match out.last_mut() {
      Some(last) if last.1 == a && last.2 == missing => last.1 = b,
      _ => out.push((a, b, missing)),
    }
  }
  out
}

/// Plans the System Log read: target window, edge and gaps. `None` when there is
/// nothing to read (a window that lies in the future).
pub fn plan_backfill(lead: Resource, input: &BackfillInputs<'_>, notes: &mut PlanNotes) -> Option<BackfillPlan> {
  let now = input.now_ms;
  let state = match BackfillState::from_record(input.record, input.host) {
    Ok(state) => state,
    Err(reason) => {
      notes.warnings.push(("sync state ignored", json!({ "reason": reason })));
      None
    }
  };
  let had_state = state.is_some();
  let mut state = state.unwrap_or_default();
  let streams: Vec<StreamKey> = input.streams.to_vec();
  if let Some(top) = state
    .coverage
    .values()
    .filter_map(Coverage::top)
    .max()
    .filter(|top| *top > now + CLOCK_SKEW_TOLERANCE_MS)
  {
    notes.warnings.push((
      "clock skew",
      json!({ "reason": "the stored sync state reaches past this machine's clock; ranges after now are read again", "covered_to": iso(top), "now": iso(now) }),
    ));
  }
  let floor = now - RETENTION_MS;
  for c in state.coverage.values_mut() {
    c.clamp(floor, now);
  }

  if let Some(since) = input.since_ms.filter(|s| *s > now) {
    notes.warnings.push((
      "since in the future",
      json!({ "since": iso(since), "now": iso(now), "reason": "nothing to fetch from the System Log; check the clock of the host or the since option" }),
    ));
    return None;
  }
  // Only the event widgets' windows decide how far back the log is read: rawdash's
  // connector-wide `since` is widened by every resource's widgets.
  let window_start = match input.log_window {
    LogWindow::Widest(w) => Some(now.saturating_sub(w)),
    LogWindow::Unbounded => Some(floor),
    LogWindow::Unnamed if input.full => input.since_ms,
    LogWindow::Unnamed => None,
  };
  let window_start = window_start
    .or(state.window_start)
    .or(if had_state { None } else { input.since_ms })
    .unwrap_or(now - DEFAULT_WINDOW_MS)
    .max(floor);
  state.window_start = Some(window_start);

  let top = |k: &StreamKey| state.coverage.get(k).and_then(Coverage::top);
  // The edge starts where the most advanced stream needs it; streams behind it have
  // the stretch below as a gap of their own (read with only their types).
  let edge_since = if input.edge_done {
    None
  } else if let Some(from) = input.edge_from {
    Some(from.clamp(window_start, now))
  } else {
    let since_of = |k: &StreamKey| {
      let from_top = top(k).map(|t| t - LOOKBACK_MS).unwrap_or(i64::MIN);
      from_top.max(now - EDGE_MAX_MS).max(window_start).min(now)
    };
    Some(
      streams
        .iter()
        .map(since_of)
        .max()
        .unwrap_or((now - EDGE_MAX_MS).max(window_start).min(now)),
    )
  };
  // Gaps end where the edge starts, or, once the edge is read, at each covered top.
  let ends: Vec<i64> = streams.iter().map(|k| edge_since.or(top(k)).unwrap_or(now)).collect();
  let mut merged = combined_gaps(&state, &streams, window_start, &ends);
  merged.reverse();
  let gaps = merged
    .into_iter()
    .flat_map(|(a, b, keys)| {
      let keys = Arc::new(keys);
      slices(a, b).into_iter().map(move |(from, to)| Gap {
        from,
        to,
        streams: keys.clone(),
      })
    })
    .collect();
  let run = input
    .run
    .unwrap_or_else(|| RunInfo::new(now, state.covered(&streams).covered_ms(window_start, now)));
  Some(BackfillPlan {
    lead,
    streams: Arc::new(streams),
    target_start: window_start,
    edge_since,
    gaps,
    state,
    run,
    deadline_ms: run.started_ms.saturating_add(input.budget_ms),
  })
}

/// Progress of the target window over every stream of the sync, for the
/// `backfill incomplete` / `complete` logs.
pub fn progress(plan: &BackfillPlan, now_ms: i64) -> Value {
  let window = (plan.target_start, now_ms);
  let span = (window.1 - window.0).max(1);
  let all = plan.covered();
  let covered = all.covered_ms(window.0, window.1);
  let remaining = (span - covered).max(0);
  let filled_this_run = covered - plan.run.covered_at_start_ms;
  let runs = (remaining > 0 && filled_this_run > 0).then(|| (remaining + filled_this_run - 1) / filled_this_run);
  let newest = all.ranges().last().copied();
  json!({
    "window_from": iso(window.0),
    "covered_from": newest.map(|r| iso(r.0)),
    "covered_to": newest.map(|r| iso(r.1)),
    "covered_percent": (covered as f64 * 1000.0 / span as f64).round() / 10.0,
    "remaining_percent": (remaining as f64 * 1000.0 / span as f64).round() / 10.0,
    "estimated_runs_left": runs,
    "streams": plan.streams.len(),
  })
}

/// One read of the backfill: the polling edge of every stream, or a bounded gap
/// read newest first of the streams missing it.
#[derive(Debug, Clone)]
enum Chain {
  Edge {
    since: i64,
  },
  Gap {
    from: i64,
    to: i64,
    streams: Arc<Vec<StreamKey>>,
  },
}

/// A read's filter (the union of its streams' types) and where its events go.
fn routes_of(streams: &[StreamKey]) -> (String, Vec<(Resource, BTreeSet<String>)>) {
  let types: BTreeSet<&str> = streams.iter().map(|k| k.event_type.as_str()).collect();
  // The sign-in types first, in the spec's order, so a sign-ins-only read sends
  // exactly the sign-in filter (spec section 3); the others sorted after them.
  let sign_in = |t: &str| SIGN_IN_EVENT_TYPES.iter().position(|s| *s == t);
  let mut types: Vec<&str> = types.into_iter().collect();
  types.sort_by_key(|t| (sign_in(t).unwrap_or(usize::MAX), *t));
  let mut routes: Vec<(Resource, BTreeSet<String>)> = Vec::new();
  for k in streams {
    match routes.iter_mut().find(|(r, _)| *r == k.resource) {
      Some((_, set)) => {
        set.insert(k.event_type.clone());
      }
      None => routes.push((k.resource, BTreeSet::from([k.event_type.clone()]))),
    }
  }
  (log_event_filter(&types), routes)
}

/// A 400 from Okta on a read: names the selected event type its message names, so
/// the user knows which `logEvents` entry to remove (nothing of the read is stored).
fn explain_rejection(error: OktaError, streams: &[StreamKey]) -> OktaError {
  if error.code != ErrorCode::BadRequest {
    return error;
  }
  let said = error
    .okta
    .as_ref()
    .map(|b| {
      format!(
        "{} {}",
        b.error_summary.clone().unwrap_or_default(),
        b.error_causes.join(" ")
      )
    })
    .unwrap_or_default();
  let rejected = streams
    .iter()
    .map(|k| k.event_type.as_str())
    .filter(|t| said.contains(t))
    .max_by_key(|t| t.len());
  match rejected {
    Some(t) => {
      let mut e = error;
      e.message = format!(
        "Okta rejected the System Log filter for the event type \"{t}\": {}. Remove \"{t}\" from the logEvents setting (or check its spelling against Okta's event-type catalog); nothing of this read was stored.",
        e.message.trim_end_matches('.')
      );
      e
    }
    None => error,
  }
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
  param("since").unwrap_or_else(|| param("until").unwrap_or(now_ms) - OKTA_DEFAULT_SPAN_MS)
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
/// wider than [`SLICE_MS`], each page handed over with the state record
/// that covers it. A slice counts as covered only as far as its pages prove: its
/// chain reached an event older than the slice (then it stops: nothing outside the
/// slice is stored or paid for), or ended where the lower bound its requests really
/// applied lies at or below the slice. What a chain could not prove is read again
/// at once as a new bounded query. Stops at the run budget's deadline with a
/// `backfill incomplete` log, or quietly at the chunk budget. `metrics`: the daily
/// metrics' bookkeeping, told which days each page touches and, at the end, which
/// days to compute.
pub(crate) async fn run_backfill(ctx: PhaseCtx, mut plan: BackfillPlan, mut metrics: Option<MetricDays>) {
  let resource = plan.lead;
  let origin = ctx.http.origin().clone();
  let host = origin_key(&origin);
  let had_gaps = !plan.gaps.is_empty();
  let mut edge_done = plan.edge_since.is_none();
  let mut edge_from = plan.edge_since;
  let mut chains: std::collections::VecDeque<Chain> = plan
    .edge_since
    .map(|since| Chain::Edge { since })
    .into_iter()
    .chain(plan.gaps.iter().map(|g| Chain::Gap {
      from: g.from,
      to: g.to,
      streams: g.streams.clone(),
    }))
    .collect();
  let mut index = 0u64;
  // Links not followed this run (the first is warned about, the rest counted).
  let mut links_refused = 0u64;
  while let Some(chain) = chains.pop_front() {
    let (since, until, streams) = match &chain {
      Chain::Edge { since } => (*since, None, plan.streams.clone()),
      Chain::Gap { from, to, streams } => (*from, Some(*to), streams.clone()),
    };
    let (filter, routes) = routes_of(&streams);
    let routes: Vec<LogRoute> = routes
      .iter()
      .map(|(resource, types)| LogRoute {
        resource: *resource,
        types,
      })
      .collect();
    let (Some(since_text), Ok(until_text)) = (format_ms(since), until.map(format_ms).map(|u| u.ok_or(())).transpose())
    else {
      continue;
    };
    let mut url = log_query_url(&origin, &filter, &since_text, until_text.as_deref());
    // The highest lower bound any request of this chain applied.
    let mut applied_since = since;
    loop {
      let requested_at = wall_ms();
      applied_since = applied_since.max(effective_since(&url, requested_at));
      let map = MapOptions {
        events_after_ms: None,
        published_window: until.map(|to| (since, to)),
      };
      let fetched = ctx
        .fetch_with(
          resource,
          &url,
          index,
          |body| map_log_page(body, &routes, map),
          |error| explain_rejection(error, &streams),
        )
        .await;
      let mut page = match fetched {
        Fetch::Page(page) => *page,
        Fetch::Failed => return,
        Fetch::Stopped => return finish_backfill(&ctx, &plan, (edge_done, edge_from), index, false, metrics).await,
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
      // Metrics hook: computed days this page's events land in are marked first.
      if let Some(op) = metrics.as_mut().and_then(|m| m.touch(range, wall_ms())) {
        if ctx.tx.send(StreamItem::Metrics(Box::new(op.to_json()))).await.is_err() {
          return;
        }
      }
      let state = &mut plan.state;
      // While older gaps wait, a short edge page means the edge has caught up with
      // what Okta had: skip the confirming empty page and claim only up to the
      // newest event seen (the next run's look-back re-reads from there).
      let short_edge_page =
        !plan.gaps.is_empty() && page.mapped.raw_items > 0 && page.mapped.raw_items < resource.page_limit() as usize;
      // Whether this chain goes on with the page's next link.
      let mut follow = true;
      match chain {
        Chain::Edge { since } if page.finished => {
          state.add(&streams, since, requested_at.max(since));
          edge_done = true;
        }
        Chain::Edge { since } if short_edge_page || page.next.is_none() => {
          // Caught up, or a link that cannot be followed: the next run's edge
          // re-reads from the newest event seen.
          if let Some((_, newest)) = range {
            state.add(&streams, since, newest + 1);
          }
          edge_done = true;
          follow = false;
        }
        Chain::Edge { since } => {
          if let Some((_, newest)) = range {
            state.add(&streams, since, newest + 1);
            // A later chunk of this run continues after what this page held.
            edge_from = edge_from.map(|from| from.max(newest + 1));
          }
        }
        Chain::Gap { from, to, .. } => {
          let passed_below = range.is_some_and(|(oldest, _)| oldest < from);
          if passed_below || (page.finished && applied_since <= from) {
            state.add(&streams, from, to);
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
            state.add(&streams, proven_from, to);
            if page.next.is_none() {
              // The chain ended above the slice's bottom (a lower bound applied
              // by the server, or a link not followed): read the rest as a new
              // bounded query, unless nothing was gained (a server repeating itself).
              if proven_from < to && proven_from > from {
                chains.push_front(Chain::Gap {
                  from,
                  to: proven_from,
                  streams: streams.clone(),
                });
              } else if proven_from >= to {
                (ctx.log)(LogEvent {
                  level: Level::Warn,
                  event: "backfill slice unproven",
                  fields: json!({ "resource": resource.resource_name(), "from": iso(from), "to": iso(to), "reason": "the System Log's pages proved nothing of this slice; it is read again next run" }),
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
        state_record: Some(plan.state.to_record(&host, wall_ms())),
        check_stored: CheckStored::All,
        removals: None,
        replace_scope: None,
        logs: std::mem::take(&mut page.logs),
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
    let mut fields = progress(&plan, wall_ms());
    fields["next_links_not_followed"] = json!(links_refused);
    (ctx.log)(LogEvent {
      level: Level::Info,
      event: "backfill complete",
      fields,
    });
  }
  finish_backfill(&ctx, &plan, (edge_done, edge_from), index, true, metrics).await
}

/// Ends the backfill for this run (all read, or the run budget is used up: the
/// phase is done until the next run) or for this chunk (the position stays).
async fn finish_backfill(
  ctx: &PhaseCtx,
  plan: &BackfillPlan,
  (edge_done, edge_from): (bool, Option<i64>),
  index: u64,
  complete: bool,
  metrics: Option<MetricDays>,
) {
  if ctx.cancel.is_cancelled() {
    return;
  }
  let now = wall_ms();
  if !complete {
    if now < plan.deadline_ms {
      return; // The chunk budget: the next chunk re-plans from the stored state.
    }
    let mut fields = progress(plan, now);
    fields["budget_ms"] = json!(plan.deadline_ms - plan.run.started_ms);
    (ctx.log)(LogEvent {
      level: Level::Info,
      event: "backfill incomplete",
      fields,
    });
  }
  // Metrics hook: the days this run completed or changed, and today's partial one.
  if let Some(mut m) = metrics {
    // The metrics count sign-in events: their days are complete when every sign-in
    // stream of this sync covers them.
    let sign_ins: Vec<StreamKey> = plan
      .streams
      .iter()
      .filter(|k| k.resource == Resource::AuthEvents)
      .cloned()
      .collect();
    let op = m.finish(
      &plan.state.covered(&sign_ins),
      now,
      plan.deadline_ms - plan.run.started_ms,
    );
    if ctx.tx.send(StreamItem::Metrics(Box::new(op.to_json()))).await.is_err() {
      return;
    }
  }
  let _ = ctx
    .send(PageOut::phase_done(
      plan.lead,
      index,
      Position::Backfill { edge_done, edge_from },
    ))
    .await;
}

#[cfg(test)]
mod tests {
  use super::*;

  const NOW: i64 = 1_800_000_000_000;
  const H: i64 = 3_600_000;
  const HOST: &str = "acme.okta.com";

  fn sliced(gaps: &[(i64, i64)]) -> Vec<(i64, i64)> {
    gaps.iter().flat_map(|&(a, b)| slices(a, b)).collect()
  }

  /// The five sign-in streams.
  fn keys() -> Vec<StreamKey> {
    streams_of(&[Resource::AuthEvents], None)
  }

  fn log_key(t: &str) -> StreamKey {
    StreamKey {
      resource: Resource::LogEvents,
      event_type: t.into(),
    }
  }

  fn plan_of(i: &BackfillInputs<'_>, notes: &mut PlanNotes) -> Option<BackfillPlan> {
    plan_backfill(Resource::AuthEvents, i, notes)
  }

  fn ranges(gaps: &[Gap]) -> Vec<(i64, i64)> {
    gaps.iter().map(|g| (g.from, g.to)).collect()
  }

  /// A state whose every sign-in stream covers `ranges`.
  fn state_with(ranges: &[(i64, i64)]) -> BackfillState {
    let mut state = BackfillState::default();
    for &(a, b) in ranges {
      state.add(&keys(), a, b);
    }
    state
  }

  #[test]
  fn slices_are_newest_first_contiguous_and_never_wider_than_okta_default_span() {
    let s = slices(0, 20 * 24 * H);
    assert_eq!(s[0], (14 * 24 * H, 20 * 24 * H));
    assert_eq!(s.last().unwrap().0, 0);
    for w in s.windows(2) {
      assert_eq!(w[0].0, w[1].1);
    }
    assert!(s
      .iter()
      .all(|(a, b)| b - a <= SLICE_MS && SLICE_MS < OKTA_DEFAULT_SPAN_MS));
    assert!(slices(5, 5).is_empty());
  }

  #[test]
  fn the_log_window_comes_from_the_sign_in_specs_only() {
    let mut i = inputs(None);
    // rawdash's connector-wide since is 91 days back (a 90-day users widget).
    i.since_ms = Some(NOW - 91 * 24 * H);
    i.log_window = LogWindow::Widest(8 * 24 * H);
    assert_eq!(
      plan_of(&i, &mut PlanNotes::default()).unwrap().target_start,
      NOW - 8 * 24 * H
    );
    i.log_window = LogWindow::Unbounded;
    assert_eq!(
      plan_of(&i, &mut PlanNotes::default()).unwrap().target_start,
      NOW - RETENTION_MS
    );
    i.log_window = LogWindow::Unnamed;
    i.since_ms = Some(NOW - 3 * 24 * H);
    assert_eq!(
      plan_of(&i, &mut PlanNotes::default()).unwrap().target_start,
      NOW - 3 * 24 * H
    );
  }

  static KEYS: std::sync::OnceLock<Vec<StreamKey>> = std::sync::OnceLock::new();

  fn inputs<'a>(record: Option<&'a Value>) -> BackfillInputs<'a> {
    BackfillInputs {
      now_ms: NOW,
      full: true,
      since_ms: Some(NOW - 31 * 24 * H),
      log_window: LogWindow::Widest(31 * 24 * H),
      record,
      host: HOST,
      streams: KEYS.get_or_init(keys),
      run: None,
      edge_done: false,
      edge_from: None,
      budget_ms: 240_000,
    }
  }

  #[test]
  fn records_written_by_js_read_back() {
    // JS numbers cross as floats; an earlier release's record (the sign-in filter's
    // ranges) reads as those ranges for every sign-in stream.
    let record = json!({ "attributes": { "version": 1.0, "host": HOST, "filter": AUTH_EVENT_FILTER, "windowStart": 5.0, "covered": [[1.0, 2.0]] } });
    let state = BackfillState::from_record(Some(&record), HOST).unwrap().unwrap();
    assert_eq!(state.window_start, Some(5));
    assert_eq!(state.covered(&keys()).ranges(), &[(1, 2)]);
    assert_eq!(state.coverage.len(), 5);
  }

  #[test]
  fn coverage_merges_and_finds_gaps() {
    let mut c = Coverage::default();
    c.add(10, 20);
    c.add(30, 40);
    c.add(20, 25);
    assert_eq!(c.ranges(), &[(10, 25), (30, 40)]);
    assert_eq!(c.gaps(0, 50), vec![(0, 10), (25, 30), (40, 50)]);
    assert_eq!(c.gaps(12, 35), vec![(25, 30)]);
    assert_eq!(c.gaps(30, 40), vec![]);
    assert_eq!(c.covered_ms(0, 35), 20);
    c.add(5, 45);
    assert_eq!(c.ranges(), &[(5, 45)]);
    c.add(7, 7);
    assert_eq!(c.ranges(), &[(5, 45)]);
    c.clamp(10, 20);
    assert_eq!(c.ranges(), &[(10, 20)]);
    assert_eq!(c.top(), Some(20));
  }

  #[test]
  fn first_run_reads_the_last_hour_then_the_window_newest_first() {
    let mut notes = PlanNotes::default();
    let plan = plan_of(&inputs(None), &mut notes).unwrap();
    assert_eq!(plan.target_start, NOW - 31 * 24 * H);
    assert_eq!(plan.edge_since, Some(NOW - H));
    assert_eq!(ranges(&plan.gaps), sliced(&[(NOW - 31 * 24 * H, NOW - H)]));
    assert_eq!(plan.deadline_ms, NOW + 240_000);
    assert!(notes.warnings.is_empty());
  }

  #[test]
  fn state_round_trips_and_later_runs_poll_from_the_covered_top() {
    let state = state_with(&[(NOW - 10 * 24 * H, NOW - 2 * H), (NOW - 40 * H, NOW - 30 * H)]); // merges
    let record = state.to_record(HOST, NOW);
    let mut notes = PlanNotes::default();
    let plan = plan_of(&inputs(Some(&record)), &mut notes).unwrap();
    assert_eq!(plan.covered().ranges(), &[(NOW - 10 * 24 * H, NOW - 2 * H)]);
    // Covered top is 2 h ago: older than the edge's reach, so the edge starts 1 h ago
    // and the hour between is a gap, read first.
    assert_eq!(plan.edge_since, Some(NOW - H));
    assert_eq!(
      ranges(&plan.gaps),
      sliced(&[(NOW - 2 * H, NOW - H), (NOW - 31 * 24 * H, NOW - 10 * 24 * H)])
    );
    let recent = state_with(&[(NOW - 31 * 24 * H, NOW - 10 * 60_000)]);
    let record = recent.to_record(HOST, NOW);
    let plan = plan_of(&inputs(Some(&record)), &mut notes).unwrap();
    assert_eq!(plan.edge_since, Some(NOW - 10 * 60_000 - LOOKBACK_MS));
    assert!(plan.gaps.is_empty());
  }

  #[test]
  fn a_run_that_read_its_edge_continues_with_gaps_below_the_covered_top() {
    let state = state_with(&[(NOW - 3 * H, NOW - 60_000)]);
    let record = state.to_record(HOST, NOW);
    let mut i = inputs(Some(&record));
    i.edge_done = true;
    i.run = Some(RunInfo::new(NOW - 100_000, 0));
    let plan = plan_of(&i, &mut PlanNotes::default()).unwrap();
    assert_eq!(plan.edge_since, None);
    assert_eq!(ranges(&plan.gaps), sliced(&[(NOW - 31 * 24 * H, NOW - 3 * H)]));
    assert_eq!(plan.deadline_ms, NOW + 140_000);
  }

  #[test]
  fn foreign_corrupt_and_future_records_are_ignored_with_a_reason() {
    let good = BackfillState::default().to_record(HOST, NOW);
    let mut other_host = good.clone();
    other_host["attributes"]["host"] = json!("evil.okta.com");
    // An earlier release's record made for another filter.
    let other_filter = json!({ "attributes": { "version": 1, "host": HOST, "filter": "eventType eq \"x\"", "covered": [[NOW - 5 * H, NOW]] } });
    let mut future = good.clone();
    future["attributes"]["version"] = json!(2);
    let mut corrupt = good.clone();
    corrupt["attributes"]["covered"] = json!([[5, 1]]);
    for (bad, why) in [
      (other_host, "another Okta org host"),
      (other_filter, "different System Log filter"),
      (future, "version 2"),
      (corrupt, "from < to"),
      (json!("garbage"), "no attributes"),
    ] {
      let mut notes = PlanNotes::default();
      let plan = plan_of(&inputs(Some(&bad)), &mut notes).unwrap();
      assert_eq!(ranges(&plan.gaps), sliced(&[(NOW - 31 * 24 * H, NOW - H)]), "{why}");
      assert_eq!(notes.warnings.len(), 1);
      assert!(notes.warnings[0].1["reason"].as_str().unwrap().contains(why), "{why}");
    }
  }

  #[test]
  fn window_rules_retention_future_since_and_clock_skew() {
    // Latest mode without a widget window keeps the stored window.
    let state = BackfillState {
      window_start: Some(NOW - 20 * 24 * H),
      coverage: BTreeMap::new(),
    };
    let record = state.to_record(HOST, NOW);
    let mut i = inputs(Some(&record));
    i.full = false;
    i.log_window = LogWindow::Unnamed;
    i.since_ms = Some(NOW - H);
    assert_eq!(
      plan_of(&i, &mut PlanNotes::default()).unwrap().target_start,
      NOW - 20 * 24 * H
    );
    // Never older than retention.
    let mut i = inputs(None);
    i.log_window = LogWindow::Unnamed;
    i.since_ms = Some(NOW - 200 * 24 * H);
    assert_eq!(
      plan_of(&i, &mut PlanNotes::default()).unwrap().target_start,
      NOW - RETENTION_MS
    );
    // A since in the future reads nothing and says so.
    let mut i = inputs(None);
    i.since_ms = Some(NOW + H);
    let mut notes = PlanNotes::default();
    assert!(plan_of(&i, &mut notes).is_none());
    assert_eq!(notes.warnings[0].0, "since in the future");
    // A covered top after now (the clock went back) is trimmed and reported.
    let skewed = state_with(&[(NOW - 5 * H, NOW + 2 * H)]);
    let record = skewed.to_record(HOST, NOW);
    let mut notes = PlanNotes::default();
    let plan = plan_of(&inputs(Some(&record)), &mut notes).unwrap();
    assert_eq!(notes.warnings[0].0, "clock skew");
    assert_eq!(plan.covered().top(), Some(NOW));
    assert_eq!(plan.edge_since, Some(NOW - LOOKBACK_MS));
  }

  #[test]
  fn progress_estimates_runs_left_from_this_runs_rate() {
    let mut plan = plan_of(&inputs(None), &mut PlanNotes::default()).unwrap();
    let streams = plan.streams.clone();
    plan.state.add(&streams, NOW - 3 * 24 * H, NOW);
    let p = progress(&plan, NOW);
    // 3 of 31 days covered in this run: 28 days left at 3 a run = 10 runs.
    assert_eq!(p["estimated_runs_left"], 10);
    assert_eq!(p["remaining_percent"], 90.3);
  }

  #[test]
  fn effective_since_and_link_checks_follow_okta_defaults() {
    let url = |q: &str| Url::parse(&format!("https://acme.okta.com/api/v1/logs?{q}")).unwrap();
    let now = 1_717_200_000_000;
    let until = parse_ms("2024-05-20T00:00:00.000Z").unwrap();
    assert_eq!(
      effective_since(&url("until=2024-05-20T00:00:00.000Z&after=x"), now),
      until - OKTA_DEFAULT_SPAN_MS
    );
    assert_eq!(effective_since(&url("after=x"), now), now - OKTA_DEFAULT_SPAN_MS);
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
  fn coverage_intersects() {
    let mut a = Coverage::default();
    a.add(0, 10);
    a.add(20, 30);
    let mut b = Coverage::default();
    b.add(5, 25);
    assert_eq!(a.intersect(&b).ranges(), &[(5, 10), (20, 25)]);
    assert_eq!(a.intersect(&Coverage::default()).ranges(), &[]);
  }

  #[test]
  fn streams_with_the_same_ranges_are_one_group_and_the_record_round_trips() {
    let mut state = state_with(&[(NOW - 5 * H, NOW - H)]);
    let new = [log_key("user.account.lock"), log_key("security.threat.detected")];
    state.add(&new, NOW - 2 * H, NOW - H);
    state.window_start = Some(NOW - 24 * H);
    let record = state.to_record(HOST, NOW);
    let attrs = &record["attributes"];
    assert_eq!(attrs["types"].as_array().unwrap().len(), 5);
    assert_eq!(attrs["covered"], json!([[NOW - 5 * H, NOW - H]]));
    assert_eq!(attrs["partial"][0]["types"].as_array().unwrap().len(), 2);
    assert_eq!(BackfillState::from_record(Some(&record), HOST).unwrap().unwrap(), state);
    // Unknown and malformed stream names are dropped, not read into a filter.
    let mut odd = record.clone();
    odd["attributes"]["types"] = json!(["okta_user/x.y", "okta_log_event/a\" or true", "nonsense", 7]);
    let read = BackfillState::from_record(Some(&odd), HOST).unwrap().unwrap();
    assert_eq!(read.coverage.len(), 2);
  }

  #[test]
  fn a_widened_selection_reads_only_the_new_streams_over_what_is_covered() {
    // Sign-ins covered for the whole window up to 10 minutes ago.
    let state = state_with(&[(NOW - 31 * 24 * H, NOW - 10 * 60_000)]);
    let record = state.to_record(HOST, NOW);
    let mut all = keys();
    all.push(log_key("user.account.lock"));
    all.sort();
    let mut i = inputs(Some(&record));
    i.streams = &all;
    let plan = plan_of(&i, &mut PlanNotes::default()).unwrap();
    // The edge starts where the sign-ins need it (no re-read of their last hour) ...
    assert_eq!(plan.edge_since, Some(NOW - 10 * 60_000 - LOOKBACK_MS));
    // ... and the new stream's history is read with only its type, newest first.
    assert!(!plan.gaps.is_empty());
    assert!(plan
      .gaps
      .iter()
      .all(|g| g.streams.as_slice() == [log_key("user.account.lock")]));
    assert_eq!(plan.gaps[0].to, NOW - 10 * 60_000 - LOOKBACK_MS);
    assert_eq!(plan.gaps.last().unwrap().from, NOW - 31 * 24 * H);
    let (filter, routes) = routes_of(&plan.gaps[0].streams);
    assert_eq!(filter, "eventType eq \"user.account.lock\"");
    assert_eq!(routes.len(), 1);
    // Where both miss, one read serves both (one filter, two routes).
    let mut fresh = inputs(None);
    fresh.streams = &all;
    let plan = plan_of(&fresh, &mut PlanNotes::default()).unwrap();
    assert_eq!(ranges(&plan.gaps), sliced(&[(NOW - 31 * 24 * H, NOW - H)]));
    assert!(plan.gaps.iter().all(|g| g.streams.len() == 6));
    let (filter, routes) = routes_of(&plan.gaps[0].streams);
    assert_eq!(filter.matches(" or ").count(), 5);
    assert_eq!(routes.len(), 2);
    assert!(filter.starts_with(AUTH_EVENT_FILTER), "{filter}");
    let (sign_ins, _) = routes_of(&keys());
    assert_eq!(sign_ins, AUTH_EVENT_FILTER);
  }

  #[test]
  fn a_rejected_type_is_named() {
    let mut error = OktaError::new(ErrorCode::BadRequest, "Okta answered 400: Invalid search criteria.");
    error.okta = Some(crate::error::OktaErrorBody {
      error_code: Some("E0000031".into()),
      error_summary: Some("Invalid search criteria.".into()),
      error_id: None,
      error_causes: vec!["filter: The event type 'x.custom' is not a valid event type.".into()],
    });
    let named = explain_rejection(error, &[log_key("x.custom"), log_key("user.account.lock")]);
    assert_eq!(named.code, ErrorCode::BadRequest);
    assert!(named.message.contains("\"x.custom\""), "{}", named.message);
    assert!(named.message.contains("logEvents"));
  }
}
