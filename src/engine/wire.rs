//! What the engine hands the writer: mapped pages with their cursor positions and
//! storage instructions, log lines, failures.

use serde_json::{json, Value};

use crate::engine::cursor::{self, Position};
use crate::error::OktaError;
use crate::log::LogEvent;
use crate::resources::{FanOut, Resource, Shape};

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
  /// Which of these events may be stored already, to check against storage.
  pub check_stored: CheckStored,
  /// A fan-out batch: mark the children its parents no longer have as removed.
  pub removals: Option<Removals>,
  /// The last page of a reconciled listing: replace its scope if storage holds
  /// records the listing did not return.
  pub replace_scope: Option<ReplaceScope>,
  /// Log lines of this page, for the host logger before the page is written (they
  /// travel with it: one crossing per page).
  pub logs: Vec<LogEvent>,
}

/// Records per plural write: rawdash's SQLite adapter binds every value of a batch,
/// and SQLite refuses statements with too many variables (20,000 rows fail).
pub const WRITE_BATCH: usize = 5000;

impl PageOut {
  /// The page's writes: `{ from, to, clear, after }` per batch of at most
  /// [`WRITE_BATCH`] records past `skip`; `clear` is the scope the first write of a
  /// clearing page replaces (an empty page still clears), `after` the phase's cursor
  /// position once the batch is written (none for storage-kept phases, whose position
  /// does not move within a page).
  pub fn batches(&self) -> Vec<Value> {
    let scope = match self.resource.spec().shape {
      Shape::Entity => json!({ "types": [self.resource.resource_name()] }),
      Shape::Event => json!({ "names": [self.resource.resource_name()] }),
    };
    let mut out = Vec::new();
    let mut from = (self.skip as usize).min(self.count);
    loop {
      let to = (from + WRITE_BATCH).min(self.count);
      let clear = self.clear && out.is_empty();
      if to > from || clear {
        let after = match &self.at {
          Position::At { page, .. } => Some(cursor::position_json(&Position::At {
            page: page.clone(),
            skip: to as u64,
          })),
          _ => None,
        };
        out.push(json!({ "from": from, "to": to, "clear": clear.then(|| scope.clone()), "after": after }));
      }
      if to >= self.count {
        return out;
      }
      from = to;
    }
  }

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
      check_stored: CheckStored::None,
      removals: None,
      replace_scope: None,
      logs: Vec::new(),
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
      "checkStored": self.check_stored.to_json(),
      "removals": self.removals.as_ref().map(|r| r.to_json(self.resource)),
      "replaceScope": self.replace_scope.as_ref().map(ReplaceScope::to_json),
      "logs": self.logs,
      "shape": self.resource.spec().shape.as_str(),
      // A full sync's first page clears the scope in the same batch that writes it;
      // until that batch lands the phase still starts from scratch.
      "writing": (!self.clear).then(|| cursor::position_json(&self.at)),
      "batches": self.batches(),
    }));
    let mut out = Vec::with_capacity(head.len() + self.records_json.len() + 16);
    out.extend_from_slice(&head[..head.len() - 1]);
    out.extend_from_slice(b",\"records\":");
    out.extend_from_slice(&self.records_json);
    out.push(b'}');
    out
  }
}

/// Which events of a page the writer checks against storage (by uuid) before
/// appending: events are never rewritten, so one stored already must not be stored
/// twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStored {
  /// None can be stored (a page read for the first time past everything stored).
  None,
  /// Any may be: a backfill page can overlap what an earlier run stored, and a
  /// resumed page's last batch may or may not have landed.
  All,
  /// Those published at or before this instant (ms): an incremental sync's
  /// look-back before `since`.
  UpTo(i64),
}

impl CheckStored {
  /// `"none"`, `"all"` or `{ "upTo": ms }`.
  pub fn to_json(self) -> Value {
    match self {
      CheckStored::None => json!("none"),
      CheckStored::All => json!("all"),
      CheckStored::UpTo(ms) => json!({ "upTo": ms }),
    }
  }
}

/// A storage operation the writer runs after a fan-out batch: the batch holds the
/// complete child lists of `parents`, so a stored child of theirs that is not in it
/// is gone from Okta. rawdash cannot delete one entity, so the writer upserts it with
/// the fan-out's `removed` attribute value and the time in its `removed_stamp`.
#[derive(Debug, Clone, PartialEq)]
pub struct Removals {
  /// The fan-out whose children these are.
  pub fan: &'static FanOut,
  /// The parents whose complete child lists the batch holds.
  pub parents: Vec<String>,
}

impl Removals {
  /// The declared operation: `{ type, parentField, parents, set, stamp }`.
  pub fn to_json(&self, resource: Resource) -> Value {
    let (attribute, value) = self.fan.removed;
    json!({
      "type": resource.resource_name(),
      "parentField": self.fan.parent_field,
      "parents": self.parents,
      "set": { (attribute): value },
      "stamp": self.fan.removed_stamp,
      "batch": WRITE_BATCH,
    })
  }
}

/// A storage operation the writer runs after the last page of a complete listing:
/// stored entities of `type` whose id is not in `keep` are gone from Okta. rawdash
/// cannot delete one entity, so the writer replaces the scope with the stored
/// records that are in `keep`, in batches of at most 5,000, after writing `marker`
/// (the listing state with `replacing: true`: a burst cut short makes the next run
/// list everything again). Nothing happens when no stored record is stale.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplaceScope {
  /// The entity type.
  pub resource: Resource,
  /// The ids the listing returned.
  pub keep: Vec<String>,
  /// The state record to write before replacing.
  pub marker: Value,
}

impl ReplaceScope {
  /// The operation for `resource`'s listing that returned `keep`, whose state record
  /// (written once the operation is done) is `state`.
  pub fn new(resource: Resource, keep: Vec<String>, state: &Value) -> ReplaceScope {
    let mut marker = state.clone();
    if let Some(attrs) = marker.get_mut("attributes").and_then(Value::as_object_mut) {
      attrs.insert("replacing".into(), Value::Bool(true));
    }
    ReplaceScope { resource, keep, marker }
  }

  /// `{ type, keep, marker }`.
  pub fn to_json(&self) -> Value {
    json!({ "type": self.resource.resource_name(), "keep": self.keep, "marker": self.marker, "batch": WRITE_BATCH })
  }
}

/// What the stream yields.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamItem {
  /// A mapped page.
  Page(Box<PageOut>),
  /// A log event for the host logger.
  Log(LogEvent),
  /// A storage operation on metric samples, as declared by `crate::engine::metrics`
  /// (`MetricsOp::to_json`; carried as its JSON so this module needs no metrics type).
  Metrics(Box<Value>),
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
      StreamItem::Metrics(op) => crate::ascii_json::to_vec(op),
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

#[cfg(test)]
mod tests {
  use super::*;

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
      check_stored: CheckStored::None,
      removals: None,
      replace_scope: None,
      logs: vec![LogEvent {
        level: crate::log::Level::Info,
        event: "fetched page",
        fields: json!({ "page": 0 }),
      }],
    };
    let v: Value = serde_json::from_slice(&p.to_json_bytes()).unwrap();
    assert_eq!(v["records"][0]["a"], 1);
    assert_eq!(v["clear"], true);
    assert_eq!(v["after"], json!({ "done": true }));
    assert_eq!(
      v["logs"][0],
      json!({ "level": "info", "event": "fetched page", "fields": { "page": 0 } })
    );
  }

  #[test]
  fn batches_split_past_skip_with_the_cursor_after_each() {
    let url = url::Url::parse("https://acme.okta.com/api/v1/logs?x=1").unwrap();
    let mut p = PageOut::phase_done(
      Resource::AuthEvents,
      0,
      Position::At {
        page: url.clone(),
        skip: 0,
      },
    );
    p.count = 12_001;
    p.skip = 2_000;
    let b = p.batches();
    assert_eq!(b.len(), 3);
    assert_eq!((b[0]["from"].as_u64(), b[0]["to"].as_u64()), (Some(2_000), Some(7_000)));
    assert_eq!(b[2]["to"], 12_001);
    assert_eq!(b[1]["after"], json!({ "page": url.as_str(), "skip": 12_000 }));
    assert!(b.iter().all(|x| x["clear"].is_null()));
    // A clearing page with no records still clears its scope once.
    p.count = 0;
    p.skip = 0;
    p.clear = true;
    assert_eq!(
      p.batches(),
      [
        json!({ "from": 0, "to": 0, "clear": { "names": ["okta_auth_event"] }, "after": { "page": url.as_str(), "skip": 0 } })
      ]
    );
    // Everything written already: nothing to do.
    p.clear = false;
    p.count = 10;
    p.skip = 10;
    assert!(p.batches().is_empty());
  }
}
