//! The sync cursor: where each phase resumes.
//!
//! Two shapes are read:
//! - the TypeScript package's `{ phase, page, spec? }`: phases before `phase` are
//!   done, `phase` resumes at `page` (`null` = its start), later phases start fresh;
//! - ours, a superset: `{ phase, page, v: 2, phases: { users: { page, skip } |
//!   { done: true }, ... } }`. `skip` counts records of `page` already written, so a
//!   chunk that stopped mid-page resumes exactly after the last written record
//!   (exactly-once for appended events). `phase`/`page` name the first unfinished
//!   phase, so the TypeScript package can resume from our cursor too.
//! - the System Log phase with a storage-kept backfill state resumes from that
//!   state, not from a URL: `{ backfill: true, edgeDone }` says whether this host run
//!   already read the newest edge; `run: { started, covered }` carries the run's
//!   start (for the run budget) across its `sync()` calls.
//!
//! Every page URL is sanitized against the configured origin and the phase's path;
//! an invalid cursor is reported and ignored (the sync starts over).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};
use url::Url;

use crate::engine::state::RunInfo;
use crate::error::truncate;
use crate::http::paging::sanitize_page_url;
use crate::okta::models::whole_number;
use crate::resources::Resource;

/// Where one phase resumes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
  /// From the phase's first page (full syncs clear the scope first).
  Start,
  /// At `page`, after its first `skip` records.
  At {
    /// The page to fetch.
    page: Url,
    /// Records of that page already written.
    skip: u64,
  },
  /// The phase finished.
  Done,
  /// A fan-out resumes from its stored state (`okta_sync_state`) on every call.
  Stored,
  /// The System Log backfill resumes from its stored state.
  Backfill {
    /// This host run already read the newest edge.
    edge_done: bool,
    /// Where this run's edge read continues (Unix ms), once it has begun.
    edge_from: Option<i64>,
  },
}

/// A decoded cursor: a position per phase (phases not named start fresh).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cursor {
  /// Positions by phase.
  pub positions: BTreeMap<Resource, Position>,
  /// The host run this cursor belongs to (absent in older and TypeScript cursors).
  pub run: Option<RunInfo>,
}

impl Cursor {
  /// The position of `resource` (Start when the cursor does not name it).
  pub fn position(&self, resource: Resource) -> Position {
    self.positions.get(&resource).cloned().unwrap_or(Position::Start)
  }
}

fn page_of(value: Option<&Value>, resource: Resource, origin: &Url) -> Result<Option<Url>, String> {
  match value {
    None | Some(Value::Null) => Ok(None),
    Some(Value::String(raw)) => sanitize_page_url(raw, origin, resource.path())
      .map(Some)
      .ok_or_else(|| {
        format!(
          "page of phase {} is not a URL on the configured origin and endpoint",
          resource.setting_name()
        )
      }),
    Some(_) => Err(format!(
      "page of phase {} must be a string or null",
      resource.setting_name()
    )),
  }
}

/// Reads a run as [`run_json`] writes it (`Ok(None)` for none).
pub fn run_of(value: Option<&Value>) -> Result<Option<RunInfo>, String> {
  let Some(run) = value.filter(|v| !v.is_null()) else {
    return Ok(None);
  };
  let field = |name: &str| run.get(name).and_then(crate::engine::state::ms_of);
  let failing_since_ms = field("failingSince").filter(|ms| *ms > 0);
  let failures = run
    .get("failures")
    .and_then(whole_number)
    .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX));
  match (field("started"), field("covered")) {
    (Some(started_ms), Some(covered_at_start_ms)) if started_ms > 0 && covered_at_start_ms >= 0 => Ok(Some(RunInfo {
      started_ms,
      covered_at_start_ms,
      failing_since_ms,
      failures,
    })),
    _ => Err("cursor.run must be { started, covered } in whole ms".into()),
  }
}

/// Decodes an incoming cursor. `Ok(None)` for no cursor, `Err(reason)` for an invalid
/// one (the caller ignores it and starts over).
pub fn decode(value: Option<&Value>, origin: &Url) -> Result<Option<Cursor>, String> {
  let obj = match value {
    None | Some(Value::Null) => return Ok(None),
    Some(Value::Object(obj)) => obj,
    Some(_) => return Err("cursor must be an object".into()),
  };
  let phase_name = obj
    .get("phase")
    .and_then(Value::as_str)
    .ok_or("cursor.phase must be a string")?;
  let phase =
    Resource::from_setting(phase_name).ok_or_else(|| format!("unknown cursor phase {:?}", truncate(phase_name, 40)))?;
  if let Some(spec) = obj.get("spec") {
    if !spec.is_null() && whole_number(spec).is_none() {
      return Err("cursor.spec must be a non-negative integer".into());
    }
  }
  let top_page = page_of(obj.get("page"), phase, origin)?;

  let mut cursor = Cursor::default();
  if let Some(Value::Object(phases)) = obj.get("phases") {
    for (name, state) in phases {
      // Names only ever reach error text after being recognized (unknown ones are cut).
      let resource =
        Resource::from_setting(name).ok_or_else(|| format!("unknown cursor phase {:?}", truncate(name, 40)))?;
      let state = state
        .as_object()
        .ok_or_else(|| format!("cursor.phases.{name} must be an object"))?;
      let position = if state.get("done").and_then(Value::as_bool) == Some(true) {
        Position::Done
      } else if state.get("stored").and_then(Value::as_bool) == Some(true)
        // Cursors written before `stored` existed marked a fan-out as a backfill.
        || (resource.fan_out().is_some() && state.get("backfill").and_then(Value::as_bool) == Some(true))
      {
        Position::Stored
      } else if state.get("backfill").and_then(Value::as_bool) == Some(true) {
        Position::Backfill {
          edge_done: state.get("edgeDone").and_then(Value::as_bool) == Some(true),
          edge_from: state.get("edgeFrom").and_then(crate::engine::state::ms_of),
        }
      } else {
        let skip = match state.get("skip") {
          None | Some(Value::Null) => 0,
          Some(v) => {
            whole_number(v).ok_or_else(|| format!("cursor.phases.{name}.skip must be a non-negative integer"))?
          }
        };
        match page_of(state.get("page"), resource, origin)? {
          Some(page) => Position::At { page, skip },
          None if skip == 0 => Position::Start,
          None => return Err(format!("cursor.phases.{name} has skip without a page")),
        }
      };
      cursor.positions.insert(resource, position);
    }
    cursor.run = run_of(obj.get("run"))?;
    return Ok(Some(cursor));
  }

  // The TypeScript package's shape.
  for resource in Resource::ALL {
    let position = match resource.cmp(&phase) {
      std::cmp::Ordering::Less => Position::Done,
      std::cmp::Ordering::Equal => match &top_page {
        Some(page) => Position::At {
          page: page.clone(),
          skip: 0,
        },
        None => Position::Start,
      },
      std::cmp::Ordering::Greater => Position::Start,
    };
    cursor.positions.insert(resource, position);
  }
  Ok(Some(cursor))
}

/// Encodes positions as a cursor readable by both packages; `None` when every
/// phase is done (the sync is complete).
pub fn encode(positions: &BTreeMap<Resource, Position>, run: Option<RunInfo>) -> Option<Value> {
  let first_open = positions.iter().find(|(_, p)| **p != Position::Done)?;
  let page_json = |p: &Position| match p {
    Position::At { page, .. } => Value::String(page.to_string()),
    _ => Value::Null,
  };
  let mut cursor = json!({
    "phase": first_open.0.setting_name(),
    "page": page_json(first_open.1),
    "v": 2,
    "phases": phases_json(positions),
  });
  if let Some(run) = run {
    cursor["run"] = run_json(&run);
  }
  Some(cursor)
}

/// A run as cursor JSON (`{ started, covered, failingSince?, failures? }`).
pub fn run_json(run: &RunInfo) -> Value {
  let mut out = json!({ "started": run.started_ms, "covered": run.covered_at_start_ms });
  if let Some(since) = run.failing_since_ms {
    out["failingSince"] = json!(since);
    out["failures"] = json!(run.failures);
  }
  out
}

/// One phase's position as cursor JSON (`{ page, skip }`, `{ done: true }` or
/// `{ backfill: true, edgeDone }` or `{ stored: true }`).
pub fn position_json(position: &Position) -> Value {
  match position {
    Position::Done => json!({ "done": true }),
    Position::Stored => json!({ "stored": true }),
    Position::Start => json!({ "page": null, "skip": 0 }),
    Position::At { page, skip } => json!({ "page": page.as_str(), "skip": skip }),
    Position::Backfill { edge_done, edge_from } => {
      json!({ "backfill": true, "edgeDone": edge_done, "edgeFrom": edge_from })
    }
  }
}

/// The `phases` part of a cursor: `{ users: { page, skip } | { done: true }, ... }`
/// (also the writer's starting state).
pub fn phases_json(positions: &BTreeMap<Resource, Position>) -> Value {
  let mut phases = Map::new();
  for (resource, position) in positions {
    phases.insert(resource.setting_name().to_string(), position_json(position));
  }
  Value::Object(phases)
}

#[cfg(test)]
mod tests {
  use super::*;

  fn origin() -> Url {
    Url::parse("https://acme.okta.com").unwrap()
  }

  #[test]
  fn reads_the_typescript_shape() {
    let c = decode(
      Some(&json!({ "phase": "groups", "page": "https://acme.okta.com/api/v1/groups?after=00g5&limit=200" })),
      &origin(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(c.position(Resource::Users), Position::Done);
    assert!(matches!(c.position(Resource::Groups), Position::At { skip: 0, .. }));
    assert_eq!(c.position(Resource::AuthEvents), Position::Start);
    let start = decode(
      Some(&json!({ "phase": "auth_events", "page": null, "spec": 0 })),
      &origin(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(start.position(Resource::AuthEvents), Position::Start);
  }

  #[test]
  fn rejects_invalid_cursors() {
    for bad in [
      json!("x"),
      json!({ "phase": "members", "page": null }),
      json!({ "phase": "users", "page": 5 }),
      json!({ "phase": "users", "page": null, "spec": -1 }),
      json!({ "phase": "users", "page": "https://evil.com/api/v1/users?after=1" }),
      json!({ "phase": "users", "page": "https://acme.okta.com/api/v1/groups?after=1" }),
      json!({ "phase": "users", "page": null, "v": 2, "phases": { "users": { "page": null, "skip": 3 } } }),
    ] {
      assert!(decode(Some(&bad), &origin()).is_err(), "{bad}");
    }
    assert_eq!(decode(None, &origin()), Ok(None));
  }

  #[test]
  fn round_trips_our_shape_and_stays_typescript_readable() {
    let page = Url::parse("https://acme.okta.com/api/v1/logs?after=abc&limit=1000").unwrap();
    let positions = BTreeMap::from([
      (Resource::Users, Position::Done),
      (Resource::Groups, Position::Start),
      (
        Resource::AuthEvents,
        Position::At {
          page: page.clone(),
          skip: 17,
        },
      ),
    ]);
    let mut run = RunInfo::new(1_700_000_000_000, 5);
    run.failing_since_ms = Some(1_700_000_001_000);
    run.failures = 3;
    let encoded = encode(&positions, Some(run)).unwrap();
    assert_eq!(encoded["phase"], "groups");
    assert_eq!(encoded["page"], Value::Null);
    let decoded = decode(Some(&encoded), &origin()).unwrap().unwrap();
    assert_eq!(decoded.positions, positions);
    assert_eq!(decoded.run, Some(run));
    let all_done = BTreeMap::from([(Resource::Users, Position::Done)]);
    assert_eq!(encode(&all_done, None), None);
    let backfill = BTreeMap::from([
      (Resource::Users, Position::Done),
      (
        Resource::AuthEvents,
        Position::Backfill {
          edge_done: false,
          edge_from: Some(1_700_000_000_000),
        },
      ),
    ]);
    let encoded = encode(&backfill, None).unwrap();
    assert_eq!(encoded["phase"], "auth_events");
    assert_eq!(decode(Some(&encoded), &origin()).unwrap().unwrap().positions, backfill);
  }

  #[test]
  fn a_fan_out_resumes_from_stored_state_and_old_cursors_still_say_so() {
    let stored = BTreeMap::from([(Resource::Factors, Position::Stored)]);
    let encoded = encode(&stored, None).unwrap();
    assert_eq!(encoded["phases"]["factors"], json!({ "stored": true }));
    let back = decode(Some(&encoded), &origin()).unwrap().unwrap();
    assert_eq!(back.position(Resource::Factors), Position::Stored);
    // Before `stored`, a fan-out's position was written as a backfill's.
    let old = json!({ "phase": "users", "page": null, "v": 2, "phases": { "factors": { "backfill": true, "edgeDone": false } } });
    assert_eq!(
      decode(Some(&old), &origin())
        .unwrap()
        .unwrap()
        .position(Resource::Factors),
      Position::Stored
    );
  }
}
