//! Daily sign-in metrics and the MFA coverage snapshot, as rawdash metric samples.
//!
//! rawdash widgets cannot count distinct values, divide or join, so the numbers a
//! sign-in dashboard needs are computed here and stored as samples (`ts` = start of
//! the UTC day). The engine decides WHICH days to (re)compute; the writer executes the
//! declared [`MetricsOp`]: one ranged `queryEvents` per day, the day's rows handed to
//! [`day_samples`] (through the binding), then `metrics(samples, { names,
//! replaceWindow })`, so a rewrite replaces exactly that day's samples.
//!
//! Which days: a day is written once it is completely covered by the System Log
//! backfill (never a partial day shown as final), and again when a later run stores
//! events in it (late events the edge's look-back picks up). The current day is
//! written from what is covered so far, marked `partial: true`, on every run. Which
//! complete days were computed, and which computed days got new events since, is kept
//! in storage (`okta_sync_state` / [`STATE_ID`]): a run the host aborts before its
//! metrics leaves them pending for the next one. The pending mark is written BEFORE
//! the page whose events touch an already computed day, so no abort can lose it.
//!
//! Everything here is pure: rows and clocks are passed in.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Value};

use crate::engine::coverage::Coverage;
use crate::engine::state::{ms_of, state_attributes, STATE_TYPE};
use crate::resources::Resource;

/// One UTC day in ms. Days are UTC: an event belongs to the day of its `published`
/// instant in UTC, whatever the org's or the host's time zone.
pub const DAY_MS: i64 = 86_400_000;
/// Entity id of the metrics bookkeeping record.
pub const STATE_ID: &str = "metrics";
/// Version of that record's layout.
pub const STATE_VERSION: u64 = 1;
/// The event attributes a day's computation reads, in the order of a row's columns
/// after `start_ts` (the writer projects stored events onto them).
pub const EVENT_FIELDS: [&str; 5] = ["eventType", "result", "actorId", "credentialType", "country"];
/// The event type whose outcomes are sign-in attempts.
pub const SIGN_IN_EVENT: &str = "user.session.start";
/// Per day and dimension at most this many values get their own sample (the most
/// frequent by attempts); the rest are summed into one sample with value
/// [`OTHER_VALUE`]. Keeps a day at most `4 * (1 + 2 * (CAP + 1))` samples.
pub const DIMENSION_CAP: usize = 20;
/// The dimension value of the samples that sum the values beyond the cap.
pub const OTHER_VALUE: &str = "(other)";
/// The dimension value of events without that attribute.
pub const NONE_VALUE: &str = "(none)";
/// The per-day dimensions (sample attributes).
pub const DIMENSIONS: [&str; 2] = ["credentialType", "country"];
/// Factor types that resist phishing: WebAuthn/FIDO2 (and legacy U2F), Okta Verify
/// with FastPass (`signed_nonce`), smart cards (`x509`).
pub const PHISHING_RESISTANT: [&str; 4] = ["webauthn", "u2f", "signed_nonce", "x509"];
/// The `okta_user` attributes the factor phase keeps (the users listing preserves them).
pub const USER_MFA_ATTRIBUTES: [&str; 2] = ["mfaEnrolled", "activeFactorTypes"];

/// The daily metrics of a run may take 1/20 (5%) of its System Log budget: no new
/// day starts after that (the first always does); the rest waits for the next runs.
pub const METRICS_BUDGET_DIVISOR: i64 = 20;

/// The daily sign-in metrics: `(name, description, unit)`.
pub const DAY_METRICS: [(&str, &str, &str); 4] = [
  (
    "okta_daily_active_users",
    "Distinct users (actor ids) with a successful sign-in (user.session.start, outcome SUCCESS) per UTC day.",
    "users",
  ),
  (
    "okta_sign_ins",
    "Sign-in attempts (user.session.start events, any outcome) per UTC day.",
    "attempts",
  ),
  (
    "okta_sign_in_failures",
    "Failed sign-in attempts (user.session.start with outcome FAILURE or DENY) per UTC day; anonymous attempts count.",
    "attempts",
  ),
  (
    "okta_sign_in_failure_rate",
    "Failed / all sign-in attempts (user.session.start) per UTC day, 0-1 (0 on a day without attempts).",
    "ratio",
  ),
];
/// The MFA snapshot metrics: `(name, description, unit)`.
pub const MFA_METRICS: [(&str, &str, &str); 3] = [
  ("okta_mfa_coverage", "Share (0-1) of ACTIVE users with at least one ACTIVE factor, a daily snapshot from the stored factors.", "ratio"),
  ("okta_mfa_phishing_resistant_coverage", "Share (0-1) of ACTIVE users with an ACTIVE phishing-resistant factor (webauthn, u2f, signed_nonce: Okta Verify FastPass, x509: smart card), a daily snapshot.", "ratio"),
  ("okta_mfa_factor_users", "ACTIVE users with an ACTIVE factor of the sample's factorType, a daily snapshot (one sample per factor type).", "users"),
];
/// The entity fields the snapshot reads: users, then factors (after the id).
pub const SNAPSHOT_USER_FIELDS: [&str; 3] = ["status", "mfaEnrolled", "activeFactorTypes"];
/// See [`SNAPSHOT_USER_FIELDS`].
pub const SNAPSHOT_FACTOR_FIELDS: [&str; 3] = ["userId", "factorType", "status"];

/// The resources a computed metric is computed from (none for other names): a
/// widget over it makes the sync read them.
pub fn sources_of(name: &str) -> &'static [Resource] {
  if DAY_METRICS.iter().any(|m| m.0 == name) {
    &[Resource::AuthEvents]
  } else if MFA_METRICS.iter().any(|m| m.0 == name) {
    &[Resource::Users, Resource::Factors]
  } else {
    &[]
  }
}

/// The daily metrics computed from the resource named `name` (its widgets' windows
/// count for the resource's window).
pub fn derived_from(name: &str) -> &'static [&'static str] {
  const DAY_NAMES: [&str; 4] = [DAY_METRICS[0].0, DAY_METRICS[1].0, DAY_METRICS[2].0, DAY_METRICS[3].0];
  if name == Resource::AuthEvents.resource_name() {
    &DAY_NAMES
  } else {
    &[]
  }
}

/// The start of the UTC day holding `ms`.
pub fn day_start(ms: i64) -> i64 {
  ms.div_euclid(DAY_MS) * DAY_MS
}

/// The metric resources as rawdash declares them (`shape: metric`, dimensions).
pub fn resource_definitions() -> Vec<(&'static str, Value)> {
  let dim = |name: &str, description: &str| json!({ "name": name, "description": description });
  let partial = dim("partial", "true on the current UTC day's samples (rewritten every run until the day is complete), false once the day is final.");
  let dimension = dim(
    "dimension",
    "Which breakdown the sample is: total (the day's number), credentialType or country.",
  );
  let mut out = Vec::new();
  for (name, description, unit) in DAY_METRICS {
    out.push((
      name,
      json!({
        "shape": "metric",
        "description": description,
        "endpoint": "computed from stored okta_auth_event events",
        "unit": unit,
        "granularity": "daily",
        "dimensions": [
          dimension,
          dim("credentialType", "The events' credentialType, on credentialType samples (the 20 most frequent a day; the rest as (other); (none) when absent)."),
          dim("country", "The client's country, on country samples (the 20 most frequent a day; the rest as (other); (none) when absent)."),
          partial,
        ],
        "notes": "ts is the start of the UTC day. The total for a day is the sample with dimension total (no credentialType or country attribute): filter widgets on dimension eq total. A complete day is written once the System Log backfill covers it completely and rewritten when late events change it.",
        // Computed, not synced: no setting, never in `settings.resources`.
        "bookkeeping": true,
      }),
    ));
  }
  for (name, description, unit) in MFA_METRICS {
    let mut dims = vec![partial.clone()];
    if name == "okta_mfa_factor_users" {
      dims.insert(
        0,
        dim("factorType", "The factor type (push, signed_nonce, webauthn, ...)."),
      );
    }
    out.push((
      name,
      json!({
        "shape": "metric",
        "description": description,
        "endpoint": "computed from stored okta_user and okta_factor entities",
        "unit": unit,
        "granularity": "daily",
        "dimensions": dims,
        "notes": "Written at the end of each factors phase once every user's factors were read: the current UTC day's sample is replaced (partial: true until the day ends), earlier days keep their last snapshot.",
        // Computed, not synced: no setting, never in `settings.resources`.
        "bookkeeping": true,
      }),
    ));
  }
  out
}

/// What the metrics record says: which complete days were computed, and which of
/// them got events since.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricsState {
  /// Complete days whose samples are written (ranges of whole days).
  pub computed: Coverage,
  /// Computed days with events stored since (day starts): recomputed next.
  pub pending: BTreeSet<i64>,
}

impl MetricsState {
  /// Reads the stored record (`Err(reason)` when unusable: start from nothing).
  pub fn from_record(record: Option<&Value>, host: &str) -> Result<MetricsState, String> {
    let Some(attrs) = state_attributes(record, "metrics record", STATE_VERSION, host)? else {
      return Ok(MetricsState::default());
    };
    let mut state = MetricsState::default();
    for range in attrs
      .get("computed")
      .and_then(Value::as_array)
      .into_iter()
      .flatten()
      .take(400)
    {
      let pair = range.as_array().filter(|p| p.len() == 2);
      match pair.and_then(|p| Some((ms_of(&p[0])?, ms_of(&p[1])?))) {
        Some((a, b)) if a < b => state.computed.add(a, b),
        _ => return Err("computed holds a range that is not [from, to] in ms".into()),
      }
    }
    for day in attrs
      .get("pending")
      .and_then(Value::as_array)
      .into_iter()
      .flatten()
      .take(400)
    {
      state.pending.insert(day_start(
        ms_of(day).ok_or("pending holds a value that is not a day in ms")?,
      ));
    }
    Ok(state)
  }

  /// The record to write.
  pub fn to_record(&self, host: &str, now_ms: i64) -> Value {
    json!({
      "type": STATE_TYPE,
      "id": STATE_ID,
      "attributes": {
        "version": STATE_VERSION,
        "host": host,
        "computed": self.computed.ranges().iter().map(|&(a, b)| json!([a, b])).collect::<Vec<_>>(),
        "pending": self.pending.iter().collect::<Vec<_>>(),
      },
      "updated_at": now_ms,
    })
  }
}

/// A storage operation on metric samples, declared to the writer.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricsOp {
  /// Recompute these UTC days from the stored events (`(day start, partial)`), then
  /// write `state` (may be only the state: a pending mark before a page).
  Days {
    /// The days: the current one first, then newest first.
    days: Vec<DayJob>,
    /// The metrics record to write after all of them.
    state: Value,
    /// No new day starts after this (ms) once `min_days` are done: days left are
    /// computed by the next runs (None: no limit).
    deadline_ms: Option<i64>,
    /// Days written whatever the deadline: the current day and one complete day, so
    /// every run makes progress on the complete days however slow the storage.
    min_days: usize,
  },
  /// Read the stored users and factors, write today's MFA snapshot and the users'
  /// MFA attributes that changed.
  Snapshot {
    /// Now (ms): the snapshot's day.
    now_ms: i64,
  },
}

impl MetricsOp {
  /// The declared operation, as JSON for the writer (`kind: "metrics"`).
  pub fn to_json(&self) -> Value {
    match self {
      MetricsOp::Days {
        days,
        state,
        deadline_ms,
        min_days,
      } => json!({
        "kind": "metrics",
        "op": "days",
        "event": Resource::AuthEvents.resource_name(),
        "fields": EVENT_FIELDS,
        "names": DAY_METRICS.iter().map(|m| m.0).collect::<Vec<_>>(),
        "days": days.iter().map(|d| json!({ "start": d.start, "end": d.start + DAY_MS - 1, "partial": d.partial, "state": d.state_after })).collect::<Vec<_>>(),
        "state": state,
        "deadlineMs": deadline_ms,
        "minDays": min_days,
      }),
      MetricsOp::Snapshot { now_ms } => {
        let start = day_start(*now_ms);
        json!({
          "kind": "metrics",
          "op": "snapshot",
          "nowMs": now_ms,
          "reads": [
            { "type": Resource::Users.resource_name(), "fields": SNAPSHOT_USER_FIELDS },
            { "type": Resource::Factors.resource_name(), "fields": SNAPSHOT_FACTOR_FIELDS },
          ],
          "patch": Resource::Users.resource_name(),
          "names": MFA_METRICS.iter().map(|m| m.0).collect::<Vec<_>>(),
          "window": { "start": start, "end": start + DAY_MS - 1 },
          "batch": crate::engine::wire::WRITE_BATCH,
        })
      }
    }
  }
}

/// The backfill's metric bookkeeping for one run: told which events each page
/// holds and, at the end, what the backfill covers; declares the days to compute.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricDays {
  state: MetricsState,
  host: String,
}

impl MetricDays {
  /// From the stored record; an unusable one is replaced (returned as the reason).
  pub fn new(record: Option<&Value>, host: &str) -> (MetricDays, Option<String>) {
    let (state, reason) = match MetricsState::from_record(record, host) {
      Ok(state) => (state, None),
      Err(reason) => (MetricsState::default(), Some(reason)),
    };
    (
      MetricDays {
        state,
        host: host.to_string(),
      },
      reason,
    )
  }

  /// A page holding events published within `range` (oldest, newest) is about to be
  /// written: the computed days it touches become pending. Returns the operation
  /// that records that (to be written BEFORE the page), when anything changed.
  pub fn touch(&mut self, range: Option<(i64, i64)>, now_ms: i64) -> Option<MetricsOp> {
    let (oldest, newest) = range?;
    let mut changed = false;
    let mut day = day_start(oldest);
    while day <= newest {
      if self.state.computed.covered_ms(day, day + DAY_MS) > 0 && self.state.pending.insert(day) {
        changed = true;
      }
      day += DAY_MS;
    }
    changed.then(|| MetricsOp::Days {
      days: Vec::new(),
      state: self.state.to_record(&self.host, now_ms),
      deadline_ms: None,
      min_days: 0,
    })
  }

  /// The end of the run's backfill: the complete days not computed yet, the pending
  /// ones, and the current day (partial, when covered from its start), to compute.
  pub fn finish(&mut self, covered: &Coverage, now_ms: i64, budget_ms: i64) -> MetricsOp {
    let today = day_start(now_ms);
    let (first, top) = match (covered.ranges().first(), covered.top()) {
      (Some(&(from, _)), Some(top)) => (day_start(from), top),
      _ => (today, today),
    };
    // The current day first (partial, when covered from its start), then the
    // complete days to (re)compute, newest first: what a dashboard shows first.
    let mut wanted = Vec::new();
    let upto = top.min(now_ms);
    if upto > today && covered.covered_ms(today, upto) == upto - today {
      wanted.push((today, true));
    }
    let mut day = today - DAY_MS;
    while day >= first {
      let complete = covered.covered_ms(day, day + DAY_MS) == DAY_MS;
      let computed = self.state.computed.covered_ms(day, day + DAY_MS) == DAY_MS;
      if complete && (!computed || self.state.pending.contains(&day)) {
        wanted.push((day, false));
      }
      day -= DAY_MS;
    }
    // Only days Okta still keeps are worth remembering.
    self.state.computed.clamp(today - 100 * DAY_MS, today);
    let min_days = 1 + usize::from(wanted.first().is_some_and(|d| d.1));
    let mut days = Vec::with_capacity(wanted.len());
    for (start, partial) in wanted {
      if !partial {
        self.state.computed.add(start, start + DAY_MS);
        self.state.pending.remove(&start);
      }
      days.push(DayJob {
        start,
        partial,
        state_after: self.state.to_record(&self.host, now_ms),
      });
    }
    MetricsOp::Days {
      days,
      state: self.state.to_record(&self.host, now_ms),
      deadline_ms: Some(now_ms + (budget_ms / METRICS_BUDGET_DIVISOR).max(0)),
      min_days,
    }
  }
}

/// One day to compute, and the metrics record to write once its samples landed (a
/// run that stops after it keeps what it did).
#[derive(Debug, Clone, PartialEq)]
pub struct DayJob {
  /// Start of the UTC day (ms).
  pub start: i64,
  /// The current day: its samples say `partial: true`.
  pub partial: bool,
  /// The metrics record once this day is written.
  pub state_after: Value,
}

/// One stored event as the writer projects it: `[start_ts, ...EVENT_FIELDS]`.
struct Row<'a> {
  event_type: Option<&'a str>,
  result: Option<&'a str>,
  actor: Option<&'a str>,
  dims: [Option<&'a str>; 2],
}

fn row(v: &Value) -> Option<Row<'_>> {
  let a = v.as_array()?;
  let text = |i: usize| a.get(i).and_then(Value::as_str).filter(|s| !s.is_empty());
  Some(Row {
    event_type: text(1),
    result: text(2),
    actor: text(3),
    dims: [text(4), text(5)],
  })
}

/// Counts of one group of sign-in attempts.
#[derive(Default)]
struct Tally<'a> {
  attempts: u64,
  failures: u64,
  actives: BTreeSet<&'a str>,
}

impl<'a> Tally<'a> {
  fn add(&mut self, r: &Row<'a>) {
    self.attempts += 1;
    match r.result {
      Some("SUCCESS") => {
        if let Some(actor) = r.actor {
          self.actives.insert(actor);
        }
      }
      Some("FAILURE") | Some("DENY") => self.failures += 1,
      _ => {}
    }
  }

  fn merge(&mut self, other: Tally<'a>) {
    self.attempts += other.attempts;
    self.failures += other.failures;
    self.actives.extend(other.actives);
  }

  fn samples(&self, ts: i64, attributes: &Value, out: &mut Vec<Value>) {
    let rate = if self.attempts == 0 {
      0.0
    } else {
      self.failures as f64 / self.attempts as f64
    };
    let values = [
      self.actives.len() as f64,
      self.attempts as f64,
      self.failures as f64,
      rate,
    ];
    for ((name, _, _), value) in DAY_METRICS.iter().zip(values) {
      out.push(json!({ "name": name, "ts": ts, "value": value, "attributes": attributes }));
    }
  }
}

/// The samples of one UTC day from its stored events (`rows`: `[start_ts,
/// ...EVENT_FIELDS]` each). DAU counts distinct actor ids of successful
/// `user.session.start`; anonymous attempts (no actor) count as attempts and
/// failures, never as active users; a day without events gets 0 samples.
pub fn day_samples(start: i64, partial: bool, rows: &[Value]) -> Vec<Value> {
  let mut total = Tally::default();
  let mut by_dim: [HashMap<&str, Tally>; 2] = [HashMap::new(), HashMap::new()];
  for r in rows.iter().filter_map(row) {
    if r.event_type != Some(SIGN_IN_EVENT) {
      continue;
    }
    total.add(&r);
    for (i, map) in by_dim.iter_mut().enumerate() {
      map.entry(r.dims[i].unwrap_or(NONE_VALUE)).or_default().add(&r);
    }
  }
  let mut out = Vec::new();
  total.samples(start, &json!({ "dimension": "total", "partial": partial }), &mut out);
  for (i, map) in by_dim.into_iter().enumerate() {
    let dim = DIMENSIONS[i];
    let mut groups: Vec<(&str, Tally)> = map.into_iter().collect();
    // Most attempts first, then by value, so the cap keeps the same values every time.
    groups.sort_by(|a, b| b.1.attempts.cmp(&a.1.attempts).then(a.0.cmp(b.0)));
    let mut other: Option<Tally> = None;
    for (n, (value, tally)) in groups.into_iter().enumerate() {
      if n < DIMENSION_CAP {
        tally.samples(
          start,
          &json!({ "dimension": dim, (dim): value, "partial": partial }),
          &mut out,
        );
      } else {
        other.get_or_insert_with(Tally::default).merge(tally);
      }
    }
    if let Some(other) = other {
      other.samples(
        start,
        &json!({ "dimension": dim, (dim): OTHER_VALUE, "partial": partial }),
        &mut out,
      );
    }
  }
  out
}

/// Today's MFA snapshot from the stored users (`[id, status, mfaEnrolled,
/// activeFactorTypes]` rows) and factors (`[id, userId, factorType, status]`), plus
/// the users whose MFA attributes differ from what is stored: `{ samples, patches:
/// [{ id, set: { mfaEnrolled, activeFactorTypes } }] }`.
pub fn mfa_snapshot(now_ms: i64, users: &[Value], factors: &[Value]) -> Value {
  let text = |r: &Value, i: usize| r.get(i).and_then(Value::as_str).map(str::to_string);
  let mut active: HashMap<String, BTreeSet<String>> = HashMap::new();
  for f in factors {
    if text(f, 3).as_deref() != Some("ACTIVE") {
      continue;
    }
    if let (Some(user), Some(kind)) = (text(f, 1), text(f, 2)) {
      active.entry(user).or_default().insert(kind);
    }
  }
  let mut patches = Vec::new();
  let (mut active_users, mut enrolled, mut resistant) = (0u64, 0u64, 0u64);
  let mut per_type: BTreeMap<String, u64> = BTreeMap::new();
  for u in users {
    let Some(id) = text(u, 0) else { continue };
    let types: Vec<String> = active.get(&id).map(|s| s.iter().cloned().collect()).unwrap_or_default();
    let want_enrolled = Value::Bool(!types.is_empty());
    let want_types = json!(types);
    if u.get(2) != Some(&want_enrolled) || u.get(3) != Some(&want_types) {
      patches.push(json!({ "id": id, "set": { "mfaEnrolled": want_enrolled, "activeFactorTypes": want_types } }));
    }
    if text(u, 1).as_deref() != Some("ACTIVE") {
      continue;
    }
    active_users += 1;
    if !types.is_empty() {
      enrolled += 1;
    }
    if types.iter().any(|t| PHISHING_RESISTANT.contains(&t.as_str())) {
      resistant += 1;
    }
    for t in types {
      *per_type.entry(t).or_default() += 1;
    }
  }
  let ts = day_start(now_ms);
  let share = |n: u64| {
    if active_users == 0 {
      0.0
    } else {
      n as f64 / active_users as f64
    }
  };
  let attrs = json!({ "partial": true });
  let mut samples = vec![
    json!({ "name": MFA_METRICS[0].0, "ts": ts, "value": share(enrolled), "attributes": attrs }),
    json!({ "name": MFA_METRICS[1].0, "ts": ts, "value": share(resistant), "attributes": attrs }),
  ];
  for (kind, n) in per_type {
    samples.push(
      json!({ "name": MFA_METRICS[2].0, "ts": ts, "value": n, "attributes": { "factorType": kind, "partial": true } }),
    );
  }
  json!({ "samples": samples, "patches": patches })
}

/// What the binding's `metricSamples` computes: `{ op: "day", start, partial, rows }`
/// gives the day's samples; `{ op: "snapshot", nowMs, reads: [users, factors] }` the
/// MFA snapshot. `Err` names what is malformed.
pub fn compute(input: &Value) -> Result<Value, String> {
  let rows = |v: Option<&Value>, what: &str| {
    v.and_then(Value::as_array)
      .cloned()
      .ok_or(format!("{what} is not a list of rows"))
  };
  match input.get("op").and_then(Value::as_str) {
    Some("day") => {
      let start = input.get("start").and_then(ms_of).ok_or("start is not a day in ms")?;
      let partial = input.get("partial").and_then(Value::as_bool).unwrap_or(false);
      Ok(Value::Array(day_samples(
        start,
        partial,
        &rows(input.get("rows"), "rows")?,
      )))
    }
    Some("snapshot") => {
      let now = input.get("nowMs").and_then(ms_of).ok_or("nowMs is not a time in ms")?;
      let reads = input.get("reads").and_then(Value::as_array).ok_or("reads is missing")?;
      let users = rows(reads.first(), "reads[0]")?;
      let factors = rows(reads.get(1), "reads[1]")?;
      Ok(mfa_snapshot(now, &users, &factors))
    }
    _ => Err("op is neither day nor snapshot".into()),
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  const D: i64 = 20_000 * DAY_MS;

  fn ev(ts: i64, ty: &str, result: &str, actor: Option<&str>, cred: &str, country: Option<&str>) -> Value {
    json!([ts, ty, result, actor, cred, country])
  }

  fn value(samples: &[Value], name: &str, dim: &str, key: Option<&str>) -> f64 {
    samples
      .iter()
      .find(|s| {
        s["name"] == name && s["attributes"]["dimension"] == dim && key.is_none_or(|k| s["attributes"][dim] == k)
      })
      .and_then(|s| s["value"].as_f64())
      .unwrap_or(f64::NAN)
  }

  #[test]
  fn a_day_counts_distinct_successful_actors_and_anonymous_failures() {
    let rows = vec![
      ev(D + 1, SIGN_IN_EVENT, "SUCCESS", Some("u1"), "PASSWORD", Some("US")),
      ev(D + 2, SIGN_IN_EVENT, "SUCCESS", Some("u1"), "PASSWORD", Some("US")),
      ev(D + 3, SIGN_IN_EVENT, "SUCCESS", Some("u2"), "ASSERTION", None),
      ev(D + 4, SIGN_IN_EVENT, "FAILURE", None, "PASSWORD", Some("DE")),
      ev(D + 5, SIGN_IN_EVENT, "DENY", Some("u3"), "PASSWORD", Some("DE")),
      ev(
        D + 6,
        "user.authentication.sso",
        "SUCCESS",
        Some("u9"),
        "PASSWORD",
        Some("US"),
      ),
      json!("not a row"),
    ];
    let s = day_samples(D, false, &rows);
    assert_eq!(value(&s, "okta_daily_active_users", "total", None), 2.0);
    assert_eq!(value(&s, "okta_sign_ins", "total", None), 5.0);
    assert_eq!(value(&s, "okta_sign_in_failures", "total", None), 2.0);
    assert_eq!(value(&s, "okta_sign_in_failure_rate", "total", None), 0.4);
    assert_eq!(value(&s, "okta_sign_ins", "country", Some(NONE_VALUE)), 1.0);
    assert_eq!(value(&s, "okta_sign_in_failures", "country", Some("DE")), 2.0);
    assert_eq!(
      value(&s, "okta_daily_active_users", "credentialType", Some("PASSWORD")),
      1.0
    );
    assert!(s.iter().all(|x| x["ts"] == D && x["attributes"]["partial"] == false));
    // A total sample carries no dimension attribute.
    let total = s.iter().find(|x| x["attributes"]["dimension"] == "total").unwrap();
    assert!(total["attributes"].get("country").is_none() && total["attributes"].get("credentialType").is_none());
  }

  #[test]
  fn an_empty_day_is_zero_not_a_gap_and_the_cap_folds_rare_values() {
    let s = day_samples(D, true, &[]);
    assert_eq!(s.len(), 4);
    assert!(s
      .iter()
      .all(|x| x["value"] == 0.0 && x["attributes"]["partial"] == true));
    let rows: Vec<Value> = (0..30)
      .map(|i| {
        ev(
          D + i,
          SIGN_IN_EVENT,
          "SUCCESS",
          Some("u"),
          "PASSWORD",
          Some(&format!("C{i:02}")),
        )
      })
      .collect();
    let s = day_samples(D, false, &rows);
    let countries = s
      .iter()
      .filter(|x| x["name"] == "okta_sign_ins" && x["attributes"]["dimension"] == "country")
      .count();
    assert_eq!(countries, DIMENSION_CAP + 1);
    assert_eq!(value(&s, "okta_sign_ins", "country", Some(OTHER_VALUE)), 10.0);
    assert_eq!(value(&s, "okta_daily_active_users", "country", Some(OTHER_VALUE)), 1.0);
  }

  #[test]
  fn complete_days_once_pending_days_again_and_today_partial() {
    let now = D + 10 * 3_600_000;
    let mut covered = Coverage::default();
    covered.add(D - 3 * DAY_MS + 5, now);
    let days_of = |op: MetricsOp| match op {
      MetricsOp::Days {
        days,
        state,
        deadline_ms,
        ..
      } => (
        days.iter().map(|d| (d.start, d.partial)).collect::<Vec<_>>(),
        state,
        days,
        deadline_ms,
      ),
      MetricsOp::Snapshot { .. } => panic!("not a days op"),
    };
    let (mut days, _) = MetricDays::new(None, "h");
    // D-3 is not complete (starts 5 ms late); D-2 and D-1 are; today (partial) first.
    let (list, state, jobs, deadline) = days_of(days.finish(&covered, now, 200_000));
    assert_eq!(list, vec![(D, true), (D - DAY_MS, false), (D - 2 * DAY_MS, false)]);
    assert_eq!(deadline, Some(now + 10_000), "a twentieth of the run budget");
    // Each day's record counts the days written so far: a stop after D-1 keeps it.
    assert_eq!(jobs[1].state_after["attributes"]["computed"], json!([[D - DAY_MS, D]]));
    let (mut stopped, _) = MetricDays::new(Some(&jobs[1].state_after), "h");
    assert_eq!(
      days_of(stopped.finish(&covered, now, 0)).0,
      vec![(D, true), (D - 2 * DAY_MS, false)]
    );
    // The record reads back; the next run computes only today, unless a page touched
    // a computed day.
    let (mut again, reason) = MetricDays::new(Some(&state), "h");
    assert_eq!(reason, None);
    assert!(again.touch(Some((now - 60_000, now)), now).is_none());
    assert_eq!(days_of(again.clone().finish(&covered, now, 0)).0, vec![(D, true)]);
    let (none, marked, _, deadline) = days_of(again.touch(Some((D - 60_000, D + 60_000)), now).expect("a mark"));
    assert!(none.is_empty() && deadline.is_none());
    assert_eq!(marked["attributes"]["pending"], json!([D - DAY_MS]));
    // An abort before the metrics: the pending mark survives in storage.
    let (mut after_abort, _) = MetricDays::new(Some(&marked), "h");
    let (list, state, _, _) = days_of(after_abort.finish(&covered, now, 0));
    assert_eq!(list, vec![(D, true), (D - DAY_MS, false)]);
    assert_eq!(state["attributes"]["pending"], json!([]));
    // Another host's record is not used.
    assert!(MetricDays::new(Some(&state), "other").1.is_some());
  }

  #[test]
  fn the_snapshot_counts_active_users_and_patches_only_changes() {
    let users = vec![
      json!(["u1", "ACTIVE", true, ["push"]]),
      json!(["u2", "ACTIVE", null, null]),
      json!(["u3", "ACTIVE", false, []]),
      json!(["u4", "SUSPENDED", null, null]),
    ];
    let factors = vec![
      json!(["f1", "u1", "push", "ACTIVE"]),
      json!(["f2", "u2", "webauthn", "ACTIVE"]),
      json!(["f3", "u2", "push", "ACTIVE"]),
      json!(["f4", "u3", "sms", "REMOVED"]),
      json!(["f5", "u4", "sms", "ACTIVE"]),
    ];
    let out = mfa_snapshot(D + 5, &users, &factors);
    let s = out["samples"].as_array().unwrap();
    assert_eq!(s[0]["value"].as_f64().unwrap(), 2.0 / 3.0);
    assert_eq!(s[1]["value"].as_f64().unwrap(), 1.0 / 3.0);
    assert_eq!(s[0]["ts"], D);
    let push = s.iter().find(|x| x["attributes"]["factorType"] == "push").unwrap();
    assert_eq!(push["value"], 2);
    let patched: Vec<&str> = out["patches"]
      .as_array()
      .unwrap()
      .iter()
      .map(|p| p["id"].as_str().unwrap())
      .collect();
    assert_eq!(patched, vec!["u2", "u4"]);
    assert_eq!(
      out["patches"][0]["set"]["activeFactorTypes"],
      json!(["push", "webauthn"])
    );
  }
}
