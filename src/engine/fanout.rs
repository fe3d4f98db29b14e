//! The fan-out runner: a parent list, one child list per parent, spanning host runs
//! (factors today: users -> `GET /api/v1/users/{id}/factors`). What to list and how
//! to read it is the resource's [`FanOut`]; this runner does the rest.
//!
//! Okta has no bulk listing of such children, so the first **enumeration** (every
//! parent of the parents URL) runs on the run budget like the System Log backfill,
//! with its progress in a state entity (`okta_sync_state` / the fan-out's
//! `state_id`): the parents page being fanned out, as a URL re-checked against the
//! origin when read back, and how many of its parents are done. After it, each run
//! stays **current** cheaply: it reads the System Log's change events since the last
//! run and re-reads only the parents they name.
//!
//! Every batch handed to the writer says which parents' complete child lists it
//! holds ([`Removals`]), so a child a parent no longer lists is kept marked
//! removed (rawdash cannot delete one entity).

use std::collections::BTreeSet;

use futures::stream::{self, StreamExt};

use serde_json::{json, Value};
use url::Url;

use crate::engine::backfill::LOOKBACK_MS;
use crate::engine::cursor::Position;
use crate::engine::phase::{wall_ms, PhaseCtx};
use crate::engine::state::{iso, ms_of, origin_key, state_attributes, STATE_TYPE};
use crate::engine::wire::{CheckStored, PageOut, Removals, StreamItem};
use crate::error::{ErrorCode, OktaError};
use crate::http::client::FetchedPage;
use crate::http::paging::{next_link, sanitize_page_url};
use crate::log::{cut80, Level, LogEvent};
use crate::okta::models::whole_number;
use crate::resources::{format_ms, FanOut, MappedPage, Resource};

/// Version of the fan-out state record's layout.
pub const STATE_VERSION: u64 = 1;
/// Change event uuids remembered from the look-back window.
pub const MAX_HANDLED: usize = 1000;
/// Parents kept to re-read after a change read (more changed parents than this in
/// one run: the rest wait for their next change or the next enumeration).
pub const MAX_PENDING: usize = 20_000;

/// Where the factors phase stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
  /// Reading every parent's children: the parents page being fanned out and how
  /// many of its parents are done.
  Enumerate {
    /// The parents page (on the configured origin, the parent's path).
    page: Url,
    /// Parents of that page whose children are stored.
    done: u64,
  },
  /// Enumerated: change events are read from `events_since_ms`.
  Current,
}

/// The fan-out state, as kept in storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FanOutState {
  /// Where the phase stands.
  pub stage: Stage,
  /// When the enumeration started: the lifecycle read starts there once it ends, so
  /// changes made while it ran are picked up.
  pub started_ms: i64,
  /// Where the lifecycle read continues (meaningful in [`Stage::Current`]).
  pub events_since_ms: i64,
  /// Parents whose children were read so far in this enumeration.
  pub parents_read: u64,
  /// Children stored so far in this enumeration.
  pub children_seen: u64,
  /// Change events already acted on within the look-back window (by uuid), so
  /// the overlap the next read re-reads does not re-read their parents again.
  pub handled: Vec<String>,
  /// Parents of the current page past `done` whose children are already stored.
  pub ahead: Vec<String>,
  /// Parents named by changes already read (the change position is past them) whose
  /// children are not re-read yet: a change run longer than a host run resumes here.
  pub pending: Vec<String>,
}

impl FanOutState {
  /// A new enumeration from the first parents page.
  pub fn fresh(fan: &FanOut, origin: &Url, now_ms: i64) -> FanOutState {
    FanOutState {
      stage: Stage::Enumerate {
        page: (fan.parents_url)(origin),
        done: 0,
      },
      started_ms: now_ms,
      events_since_ms: now_ms,
      parents_read: 0,
      children_seen: 0,
      handled: Vec::new(),
      ahead: Vec::new(),
      pending: Vec::new(),
    }
  }

  /// The state entity to write.
  pub fn to_record(&self, fan: &FanOut, host: &str, now_ms: i64) -> Value {
    let (stage, page, done) = match &self.stage {
      Stage::Enumerate { page, done } => ("enumerate", Value::String(page.to_string()), *done),
      Stage::Current => ("current", Value::Null, 0),
    };
    json!({
      "type": STATE_TYPE,
      "id": fan.state_id,
      "attributes": {
        "version": STATE_VERSION,
        "host": host,
        "stage": stage,
        "page": page,
        "done": done,
        "startedAt": self.started_ms,
        "eventsSince": self.events_since_ms,
        "parentsRead": self.parents_read,
        "childrenSeen": self.children_seen,
        "handled": self.handled,
        "ahead": self.ahead,
        "pending": self.pending,
      },
      "updated_at": now_ms,
    })
  }

  /// Reads a stored state entity: `Ok(None)` when there is none, `Err(reason)` when
  /// it cannot be used (another version or org host, unreadable, or a page that is
  /// not a users page on the configured origin: never followed blindly).
  pub fn from_record(
    fan: &FanOut,
    record: Option<&Value>,
    host: &str,
    origin: &Url,
  ) -> Result<Option<FanOutState>, String> {
    let what = format!("{} state", fan.state_id);
    let Some(a) = state_attributes(record, &what, STATE_VERSION, host)? else {
      return Ok(None);
    };
    let ms = |name: &str| {
      a.get(name)
        .and_then(ms_of)
        .ok_or(format!("{what} {name} is not a time in ms"))
    };
    // Records written before the fan-out was generic name the counts after factors.
    let count = |name: &str, old: &str| a.get(name).or_else(|| a.get(old)).and_then(whole_number).unwrap_or(0);
    let stage = match a.get("stage").and_then(Value::as_str) {
      Some("current") => Stage::Current,
      Some("enumerate") => {
        let raw = a
          .get("page")
          .and_then(Value::as_str)
          .ok_or(format!("{what} page is missing"))?;
        let page = sanitize_page_url(raw, origin, fan.parent.path()).ok_or(format!(
          "{what} page is not a {} page on the configured origin",
          fan.parent.setting_name()
        ))?;
        Stage::Enumerate {
          page,
          done: count("done", "done"),
        }
      }
      _ => return Err(format!("{what} stage is neither enumerate nor current")),
    };
    Ok(Some(FanOutState {
      stage,
      started_ms: ms("startedAt")?,
      events_since_ms: ms("eventsSince")?,
      parents_read: count("parentsRead", "usersRead"),
      children_seen: count("childrenSeen", "factorsSeen"),
      handled: a
        .get("handled")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|u| u.len() <= 128)
        .take(MAX_HANDLED)
        .map(str::to_string)
        .collect(),
      ahead: a
        .get("ahead")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|u| u.len() <= 256)
        .take(CONCURRENT_READS * 4)
        .map(str::to_string)
        .collect(),
      pending: a
        .get("pending")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|u| !u.is_empty() && u.len() <= 256)
        .take(MAX_PENDING)
        .map(str::to_string)
        .collect(),
    }))
  }
}

/// What a fan-out phase does this chunk.
#[derive(Debug, Clone, PartialEq)]
pub struct FanOutPlan {
  /// The fan-out resource.
  pub resource: Resource,
  /// Its parameters.
  pub fan: &'static FanOut,
  /// The state to continue from.
  pub state: FanOutState,
  /// No factors request starts after this (Unix ms): the run budget.
  pub deadline_ms: i64,
  /// Parents read when this run started (for the progress estimate).
  pub parents_at_run_start: u64,
}

/// Plans a fan-out phase from the stored state (pure). Warnings go to `warnings`.
pub fn plan_fan_out(
  resource: Resource,
  fan: &'static FanOut,
  record: Option<&Value>,
  origin: &Url,
  now_ms: i64,
  deadline_ms: i64,
  warnings: &mut Vec<(&'static str, Value)>,
) -> FanOutPlan {
  let host = origin_key(origin);
  let state = match FanOutState::from_record(fan, record, &host, origin) {
    Ok(Some(state)) => state,
    Ok(None) => FanOutState::fresh(fan, origin, now_ms),
    Err(reason) => {
      warnings.push((
        "sync state ignored",
        json!({ "resource": resource.resource_name(), "reason": reason }),
      ));
      FanOutState::fresh(fan, origin, now_ms)
    }
  };
  FanOutPlan {
    resource,
    fan,
    parents_at_run_start: state.parents_read,
    state,
    deadline_ms,
  }
}

/// What reading one parent's children gave.
enum Read {
  /// Its child lists, page by page; `complete` is false when a list's `next` link
  /// pointed elsewhere and was not followed (so nothing is marked removed for it).
  Children { pages: Vec<MappedPage>, complete: bool },
  /// Deleted between listing and reading (404): nothing to store.
  Gone,
  /// Stopped (chunk budget or deadline) or cancelled before it was sent.
  Stopped,
}

/// The children collected for one write.
#[derive(Default)]
struct Batch {
  records: Vec<u8>,
  count: usize,
  /// Every parent read into this batch (progress).
  parents: Vec<String>,
  /// The parents whose complete child lists the batch holds (removals).
  complete: Vec<String>,
}

impl Batch {
  fn add(&mut self, parent: &str, read: Option<(Vec<MappedPage>, bool)>) {
    let complete = match read {
      Some((pages, complete)) => {
        for page in pages {
          // `records_json` is a JSON array: splice its items into ours.
          let inner = &page.records_json[1..page.records_json.len().saturating_sub(1)];
          if !inner.is_empty() {
            if self.count > 0 {
              self.records.push(b',');
            }
            self.records.extend_from_slice(inner);
            self.count += page.count;
          }
        }
        complete
      }
      // Gone: it has no children any more.
      None => true,
    };
    self.parents.push(parent.to_string());
    if complete {
      self.complete.push(parent.to_string());
    }
  }

  fn json(&self) -> Vec<u8> {
    let mut out = Vec::with_capacity(self.records.len() + 2);
    out.push(b'[');
    out.extend_from_slice(&self.records);
    out.push(b']');
    out
  }
}

/// Child-list reads in flight at once: per-parent requests are small, so latency,
/// not bandwidth, bounds them; the bucket's pacing still caps the rate.
pub const CONCURRENT_READS: usize = 8;

/// A batch of the enumeration is written once its first parent waited this long,
/// however few parents it holds.
pub const BATCH_MAX_WAIT_MS: i64 = 1000;

/// Pages read from one child list at most (a loop guard: 1,000 pages of 1,000
/// members is a million-member group).
pub const MAX_CHILD_PAGES: usize = 1000;

/// Reads one parent's child lists, each a Link chain kept on its own path. `Err`
/// carries the URL and the error for the writer. `first`: the chunk's first request
/// (see [`PhaseCtx::request_tokens`]).
async fn read_children(
  ctx: &PhaseCtx,
  (resource, fan): (Resource, &'static FanOut),
  parent: &str,
  first: bool,
) -> Result<Read, (Url, OktaError)> {
  let mut pages = Vec::new();
  let mut complete = true;
  let mut started = false;
  for list in fan.child_lists {
    let start = (list.url)(ctx.http.origin(), parent);
    let mut url = start.clone();
    for _ in 0..MAX_CHILD_PAGES {
      // Once a parent's first page is read, its lists are finished within the run
      // budget (not cut at the chunk budget): a half-read parent is worth nothing,
      // and a list longer than a chunk (the Everyone group) must still complete.
      let (stop, waits) = if started {
        (&ctx.deadline, &ctx.deadline)
      } else {
        ctx.request_tokens(first)
      };
      started = true;
      let page = match ctx
        .http
        .get_page(resource, &url, &ctx.cancel, stop, waits, &ctx.log, |_| Ok(()))
        .await
      {
        Ok((page, ())) => page,
        Err(e) if e.code == ErrorCode::NotFound => return Ok(Read::Gone),
        Err(e) if e.code == ErrorCode::Aborted => return Ok(Read::Stopped),
        Err(e) => return Err((url, e)),
      };
      let mapped = (list.map)(&page.body, parent).map_err(|e| {
        let error = OktaError::new(
          ErrorCode::BadResponse,
          format!(
            "Okta returned an unreadable {} list for {} {}: {}.",
            resource.spec().label.trim_end_matches('s'),
            fan.parent.spec().label.trim_end_matches('s'),
            cut80(&ctx.http.secrets().scrub(parent)),
            e.0
          ),
        );
        (url.clone(), error)
      })?;
      if !mapped.warnings.is_empty() {
        (ctx.log)(LogEvent {
          level: Level::Warn,
          event: "records skipped",
          fields: json!({ "resource": resource.resource_name(), "parent": cut80(&ctx.http.secrets().scrub(parent)), "reasons": mapped.warnings }),
        });
      }
      let items = mapped.raw_items;
      pages.push(mapped);
      let raw_next = next_link(page.links.iter().map(String::as_str));
      let next = raw_next
        .as_deref()
        .and_then(|raw| sanitize_page_url(raw, ctx.http.origin(), start.path()));
      if raw_next.is_some() && next.is_none() {
        // Never sent elsewhere: what was read is kept, nothing is marked removed.
        complete = false;
        (ctx.log)(LogEvent {
          level: Level::Warn,
          event: "next link dropped",
          fields: json!({
            "resource": resource.resource_name(),
            "parent": cut80(&ctx.http.secrets().scrub(parent)),
            "reason": "not on the configured origin and the child list's endpoint: not followed, and the list counts as incomplete (nothing of it is marked removed)",
          }),
        });
      }
      match next {
        Some(next) if items > 0 && next != url => url = next,
        _ => break,
      }
    }
  }
  Ok(Read::Children { pages, complete })
}

struct Runner<'a> {
  ctx: &'a PhaseCtx,
  plan: FanOutPlan,
  host: String,
  /// Requests made in this chunk (the first one is exempt from the chunk stop).
  requests: u64,
  items: u64,
}

/// The error of a parents page whose items cannot be read.
fn unreadable_parents(fan: &FanOut, reason: &str) -> OktaError {
  OktaError::new(
    ErrorCode::BadResponse,
    format!(
      "Okta returned an unreadable {} page: {reason}.",
      fan.parent.setting_name()
    ),
  )
}

impl Runner<'_> {
  async fn get(&mut self, resource: Resource, url: &Url) -> Result<FetchedPage, OktaError> {
    let (stop, waits) = self.ctx.request_tokens(self.requests == 0);
    self.requests += 1;
    self
      .ctx
      .http
      .get_page(resource, url, &self.ctx.cancel, stop, waits, &self.ctx.log, |_| Ok(()))
      .await
      .map(|(page, ())| page)
  }

  /// Sends a failure to the writer, as the fan-out phase's (a 403 skips the phase).
  async fn fail(&self, url: &Url, error: OktaError) {
    let resource = self.plan.resource;
    let error = error
      .at(resource.resource_name(), url.as_str())
      .redact(self.ctx.http.secrets());
    let item = if error.code == ErrorCode::Forbidden {
      StreamItem::Skipped { resource, error }
    } else {
      StreamItem::Failed { resource, error }
    };
    let _ = self.ctx.tx.send(item).await;
  }

  /// One parent's children; `None` when the read failed (reported to the writer).
  async fn children(&mut self, parent: &str) -> Option<Read> {
    let first = self.requests == 0;
    self.requests += 1;
    match read_children(self.ctx, (self.plan.resource, self.plan.fan), parent, first).await {
      Ok(read) => Some(read),
      Err((url, error)) => {
        self.fail(&url, error).await;
        None
      }
    }
  }

  /// Hands a batch to the writer with the state that covers it.
  async fn send(&mut self, batch: &Batch, cursor: &Url) -> bool {
    let state = self.plan.state.to_record(self.plan.fan, &self.host, wall_ms());
    let fetched = LogEvent {
      level: Level::Info,
      event: "fetched page",
      fields: json!({
        "resource": self.plan.resource.resource_name(),
        "page": self.items,
        "items": batch.count,
        "parents": batch.parents.len(),
        "cursor": cut80(&self.ctx.http.secrets().scrub(cursor.as_str())),
        "next": Value::Null,
      }),
    };
    let position = Position::Stored;
    let out = PageOut {
      resource: self.plan.resource,
      url: cursor.to_string(),
      next: None,
      index: self.items,
      clear: false,
      skip: 0,
      count: batch.count,
      records_json: batch.json(),
      at: position.clone(),
      after: position,
      state_record: Some(state),
      check_stored: CheckStored::None,
      removals: Some(Removals {
        fan: self.plan.fan,
        parents: batch.complete.clone(),
      }),
      replace_scope: None,
      logs: vec![fetched],
    };
    self.items += 1;
    self.ctx.send(out).await
  }

  /// The enumeration from where the state stands; true when it finished.
  async fn enumerate(&mut self) -> Option<bool> {
    loop {
      let Stage::Enumerate { page, done } = self.plan.state.stage.clone() else {
        return Some(true);
      };
      // The parents listing is a Link chain like any other: capped (counted as the fan-out's).
      let (resource, fan) = (self.plan.resource, self.plan.fan);
      if let Err(e) = self.ctx.http.chain_page(resource, &page) {
        self.fail(&page, e).await;
        return None;
      }
      let listing = match self.get(fan.parent, &page).await {
        Ok(listing) => listing,
        Err(e) if e.code == ErrorCode::Aborted => return Some(false),
        Err(e) => {
          self.fail(&page, e).await;
          return None;
        }
      };
      let users = match (fan.parent_ids)(&listing.body) {
        Ok(users) => users,
        Err(reason) => {
          self.fail(&page, unreadable_parents(fan, &reason)).await;
          return None;
        }
      };
      let raw_next = next_link(listing.links.iter().map(String::as_str)).or_else(|| body_next_link(&listing.body));
      let next = raw_next
        .as_deref()
        .and_then(|raw| sanitize_page_url(raw, self.ctx.http.origin(), fan.parent.path()))
        .filter(|n| *n != page || users.is_empty());
      if raw_next.is_some() && next.is_none() {
        (self.ctx.log)(LogEvent {
          level: Level::Warn,
          event: "next link dropped",
          fields: json!({ "resource": resource.resource_name(), "reason": "the parents page's next link is not on the configured origin and endpoint (or repeats the page): not followed" }),
        });
      }
      self.ctx.http.chain_linked(resource, next.as_ref());
      let start = (done as usize).min(users.len());
      // Users beyond the position already read by an earlier chunk (reads run
      // concurrently, so a stop can land behind ones that completed).
      let ahead: std::collections::HashSet<String> = std::mem::take(&mut self.plan.state.ahead).into_iter().collect();
      let ids: Vec<(usize, String)> = users
        .iter()
        .enumerate()
        .skip(start)
        .filter(|(_, u)| !ahead.contains(*u))
        .map(|(i, u)| (i, u.clone()))
        .collect();
      let last_index = ids.last().map(|(i, _)| *i);
      let mut batch = Batch::default();
      let mut batch_started: Option<i64> = None;
      // The first user not read yet (the position to store), once a read was stopped.
      let mut stopped_at: Option<usize> = None;
      let mut read_ahead: Vec<String> = Vec::new();
      let ctx = self.ctx;
      // The chunk's first request only waits for the run deadline (progress each chunk).
      let first_free = self.requests == 0;
      let mut reads = stream::iter(ids)
        .map(|(i, user)| {
          let first = first_free && i == start;
          async move {
            let result = read_children(ctx, (resource, fan), &user, first).await;
            (i, user, result)
          }
        })
        .buffered(CONCURRENT_READS);
      while let Some((i, user, result)) = reads.next().await {
        let read = match result {
          Ok(Read::Children { pages, complete }) => Some((pages, complete)),
          Ok(Read::Gone) => None,
          Ok(Read::Stopped) => {
            stopped_at.get_or_insert(i);
            continue;
          }
          Err((url, error)) => {
            self.fail(&url, error).await;
            return None;
          }
        };
        self.requests += 1;
        batch.add(&user, read);
        if stopped_at.is_some() {
          // Read after the stop point: stored now, skipped when the page resumes.
          read_ahead.push(user);
          continue;
        }
        let last = Some(i) == last_index;
        // The chunk's first batch holds one user, so progress (and `check`) shows at once;
        // a batch is also written once it has waited a second, so slow parents (long
        // lists, a tight bucket) still make progress a host timeout cannot take back.
        let due = batch_started
          .get_or_insert_with(wall_ms)
          .saturating_add(BATCH_MAX_WAIT_MS)
          <= wall_ms();
        if batch.parents.len() >= fan.parents_per_batch || last || self.items == 0 || due {
          self.advance(&page, (i + 1) as u64, &batch, last, next.as_ref());
          if !last {
            let rest = users.get(i + 1..).unwrap_or_default();
            self.plan.state.ahead = rest.iter().filter(|u| ahead.contains(*u)).cloned().collect();
          }
          if !self.send(&batch, &page).await {
            return None;
          }
          batch = Batch::default();
          batch_started = None;
        }
      }
      drop(reads);
      if let Some(at) = stopped_at {
        let position = users.get(at..).unwrap_or_default();
        // What was read beyond the stop, and earlier reads still ahead of it.
        let mut still_ahead: Vec<String> = position.iter().filter(|u| ahead.contains(*u)).cloned().collect();
        still_ahead.extend(read_ahead);
        self.advance(&page, at as u64, &batch, false, None);
        self.plan.state.ahead = still_ahead;
        if !batch.parents.is_empty() && !self.send(&batch, &page).await {
          return None;
        }
        return Some(false);
      }
      if last_index.is_none() {
        // An empty (or already read) rest of the page: move on without a write.
        self.advance(&page, users.len() as u64, &Batch::default(), true, next.as_ref());
      }
      if matches!(self.plan.state.stage, Stage::Current) {
        (self.ctx.log)(LogEvent {
          level: Level::Info,
          event: "fan-out enumerated",
          fields: json!({
            "resource": resource.resource_name(),
            "parents": self.plan.state.parents_read,
            "items": self.plan.state.children_seen,
          }),
        });
        return Some(true);
      }
    }
  }

  /// Drops a batch's parents from the pending re-reads (its write carries the state).
  fn settle(&mut self, batch: &Batch) {
    let done: std::collections::HashSet<&String> = batch.parents.iter().collect();
    self.plan.state.pending.retain(|p| !done.contains(p));
  }

  /// Moves the state past `done` users of `page`; at the page's end, to the next
  /// page or, after the last one, to the lifecycle stage.
  fn advance(&mut self, page: &Url, done: u64, batch: &Batch, page_end: bool, next: Option<&Url>) {
    let state = &mut self.plan.state;
    state.parents_read += batch.parents.len() as u64;
    state.children_seen += batch.count as u64;
    state.stage = match (page_end, next) {
      (false, _) => Stage::Enumerate {
        page: page.clone(),
        done,
      },
      (true, Some(next)) => Stage::Enumerate {
        page: next.clone(),
        done: 0,
      },
      (true, None) => {
        state.events_since_ms = state.started_ms;
        Stage::Current
      }
    };
  }

  /// Reads change events since the stored position and re-reads the parents they
  /// name; true when caught up.
  async fn stay_current(&mut self) -> Option<bool> {
    let (resource, fan) = (self.plan.resource, self.plan.fan);
    let since_ms = self.plan.state.events_since_ms - LOOKBACK_MS;
    let since = format_ms(since_ms).unwrap_or_default();
    let mut url = (fan.changes_url)(self.ctx.http.origin(), &since);
    let mut users = BTreeSet::new();
    let mut seen: Vec<(String, i64)> = Vec::new();
    let caught_up_at;
    loop {
      let requested_at = wall_ms();
      let page = match self.get(fan.changes_from, &url).await {
        Ok(page) => page,
        Err(e) if e.code == ErrorCode::Aborted => return Some(false),
        Err(e) => {
          self.fail(&url, e).await;
          return None;
        }
      };
      let changes = match (fan.changes_in)(&page.body) {
        Ok(read) => read,
        Err(reason) => {
          let error = OktaError::new(
            ErrorCode::BadResponse,
            format!("Okta returned an unreadable System Log page: {reason}."),
          );
          self.fail(&url, error).await;
          return None;
        }
      };
      let items = changes.len();
      for change in changes {
        // Acted on by an earlier run (the look-back overlap): its users are current.
        if change
          .uuid
          .as_ref()
          .is_some_and(|u| self.plan.state.handled.contains(u))
        {
          continue;
        }
        if let (Some(uuid), Some(published)) = (change.uuid, change.published) {
          seen.push((uuid, published));
        }
        users.extend(change.parents);
      }
      let next = next_link(page.links.iter().map(String::as_str))
        .and_then(|raw| sanitize_page_url(&raw, self.ctx.http.origin(), fan.changes_from.path()));
      match next {
        Some(next) if items > 0 && next != url => url = next,
        _ => {
          caught_up_at = requested_at;
          break;
        }
      }
    }
    if let Some(parents_changed) = fan.parents_changed {
      // The parents listing says itself which parents' children changed since.
      let mut page_url = (fan.parents_url)(self.ctx.http.origin());
      loop {
        let page = match self.get(fan.parent, &page_url).await {
          Ok(page) => page,
          Err(e) if e.code == ErrorCode::Aborted => return Some(false),
          Err(e) => {
            self.fail(&page_url, e).await;
            return None;
          }
        };
        let stamps = match parents_changed(&page.body) {
          Ok(stamps) => stamps,
          Err(reason) => {
            self.fail(&page_url, unreadable_parents(fan, &reason)).await;
            return None;
          }
        };
        let items = stamps.len();
        for (parent, changed_ms) in stamps {
          let Some(changed_ms) = changed_ms.filter(|at| *at >= since_ms) else {
            continue;
          };
          // Remembered like an event, so the look-back does not re-read it again.
          let key = format!("{parent}@{changed_ms}");
          if self.plan.state.handled.contains(&key) {
            continue;
          }
          seen.push((key, changed_ms));
          users.insert(parent);
        }
        let raw_next = next_link(page.links.iter().map(String::as_str));
        let next = raw_next
          .as_deref()
          .and_then(|raw| sanitize_page_url(raw, self.ctx.http.origin(), fan.parent.path()));
        if raw_next.is_some() && next.is_none() {
          (self.ctx.log)(LogEvent {
            level: Level::Warn,
            event: "next link dropped",
            fields: json!({ "resource": resource.resource_name(), "reason": "the parents page's next link is not on the configured origin and endpoint: not followed" }),
          });
        }
        match next {
          Some(next) if items > 0 && next != page_url => page_url = next,
          _ => break,
        }
      }
    }
    // The change position moves now; the parents it named are kept as pending, so
    // their re-reads resume in the next run if this one is cut short.
    users.extend(std::mem::take(&mut self.plan.state.pending));
    let users: Vec<String> = users.into_iter().take(MAX_PENDING).collect();
    (self.ctx.log)(LogEvent {
      level: Level::Info,
      event: "fan-out changes",
      fields: json!({ "resource": resource.resource_name(), "since": iso(since_ms), "parents": users.len() }),
    });
    let state = &mut self.plan.state;
    state.events_since_ms = caught_up_at;
    // Remember what the next read's look-back will see again.
    let keep_from = caught_up_at - LOOKBACK_MS;
    let mut handled: Vec<(String, i64)> = seen.into_iter().filter(|(_, p)| *p >= keep_from).collect();
    handled.sort_by_key(|(_, p)| std::cmp::Reverse(*p));
    let mut kept: Vec<String> = handled.into_iter().map(|(u, _)| u).take(MAX_HANDLED).collect();
    kept.extend(
      state
        .handled
        .iter()
        .take(MAX_HANDLED.saturating_sub(kept.len()))
        .cloned(),
    );
    state.handled = kept;
    state.pending = users.clone();
    let mut batch = Batch::default();
    let mut batch_started: Option<i64> = None;
    for user in &users {
      match self.children(user).await {
        Some(Read::Children { pages, complete }) => batch.add(user, Some((pages, complete))),
        Some(Read::Gone) => batch.add(user, None),
        Some(Read::Stopped) => {
          if !batch.parents.is_empty() {
            self.settle(&batch);
            self.send(&batch, &url).await;
          }
          return Some(false);
        }
        None => return None,
      }
      let due = batch_started
        .get_or_insert_with(wall_ms)
        .saturating_add(BATCH_MAX_WAIT_MS)
        <= wall_ms();
      if batch.parents.len() >= fan.parents_per_batch || due {
        self.settle(&batch);
        if !self.send(&batch, &url).await {
          return None;
        }
        batch = Batch::default();
        batch_started = None;
      }
    }
    self.settle(&batch);
    // The last batch (possibly empty: then it carries the moved change position alone).
    self.send(&batch, &url).await;
    Some(true)
  }
}

/// The `next` link a JSON object page carries in its body (`_links.next.href`), for
/// parent lists that page that way (Okta's IAM lists, e.g. the role assignees) when no
/// `Link` header names one. The URL is checked like a header's.
fn body_next_link(body: &[u8]) -> Option<String> {
  if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
    return None;
  }
  let page: Value = serde_json::from_slice(body).ok()?;
  page
    .pointer("/_links/next/href")
    .and_then(Value::as_str)
    .map(str::to_string)
}

/// A fan-out phase: the enumeration (or what remains of it), then the change read.
/// Stops at the run budget's deadline with a `fan-out incomplete` log, or quietly
/// at the chunk budget.
pub(crate) async fn run_fan_out(ctx: PhaseCtx, plan: FanOutPlan) {
  let host = origin_key(ctx.http.origin());
  let mut runner = Runner {
    ctx: &ctx,
    plan,
    host,
    requests: 0,
    items: 0,
  };
  let finished = match runner.enumerate().await {
    None => return,
    Some(true) => runner.stay_current().await,
    Some(false) => Some(false),
  };
  let Some(finished) = finished else { return };
  if ctx.cancel.is_cancelled() {
    return;
  }
  let now = wall_ms();
  if !finished {
    if now < runner.plan.deadline_ms {
      return; // The chunk budget: the next chunk continues from the stored state.
    }
    let state = &runner.plan.state;
    (ctx.log)(LogEvent {
      level: Level::Info,
      event: "fan-out incomplete",
      fields: json!({
        "resource": runner.plan.resource.resource_name(),
        "parents_read": state.parents_read,
        "items": state.children_seen,
        "parents_this_run": state.parents_read.saturating_sub(runner.plan.parents_at_run_start),
        "enumerating": matches!(state.stage, Stage::Enumerate { .. }),
      }),
    });
  }
  // Metrics hook: today's MFA snapshot, once the stored children are complete.
  if runner.plan.fan.snapshot_when_current && runner.plan.state.stage == Stage::Current {
    let op = crate::engine::metrics::MetricsOp::Snapshot { now_ms: now };
    if ctx.tx.send(StreamItem::Metrics(Box::new(op.to_json()))).await.is_err() {
      return;
    }
  }
  let position = Position::Stored;
  let _ = ctx
    .send(PageOut::phase_done(runner.plan.resource, runner.items, position))
    .await;
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::resources::Runner;

  fn origin() -> Url {
    Url::parse("https://acme.okta.com").unwrap()
  }

  fn factors() -> &'static FanOut {
    match Resource::Factors.spec().runner {
      Runner::FanOut(fan) => fan,
      _ => panic!("factors is a fan-out"),
    }
  }

  #[test]
  fn state_round_trips_and_refuses_foreign_pages() {
    let fan = factors();
    let mut state = FanOutState::fresh(fan, &origin(), 1_000);
    state.stage = Stage::Enumerate {
      page: Url::parse("https://acme.okta.com/api/v1/users?limit=200&after=00u5").unwrap(),
      done: 7,
    };
    state.parents_read = 207;
    state.pending = vec!["00u9".into()];
    let record = state.to_record(fan, "acme.okta.com", 2_000);
    assert_eq!(record["id"], "factors");
    assert_eq!(
      FanOutState::from_record(fan, Some(&record), "acme.okta.com", &origin()),
      Ok(Some(state.clone()))
    );
    // A record written before the runner was generic still reads.
    let mut old = record.clone();
    let attrs = old["attributes"].as_object_mut().unwrap();
    attrs.remove("parentsRead");
    attrs.insert("usersRead".into(), json!(207));
    assert_eq!(
      FanOutState::from_record(fan, Some(&old), "acme.okta.com", &origin())
        .unwrap()
        .unwrap()
        .parents_read,
      207
    );
    let mut evil = record.clone();
    evil["attributes"]["page"] = json!("https://evil.com/api/v1/users?after=1");
    assert!(FanOutState::from_record(fan, Some(&evil), "acme.okta.com", &origin()).is_err());
    let mut other_path = record.clone();
    other_path["attributes"]["page"] = json!("https://acme.okta.com/api/v1/groups");
    assert!(FanOutState::from_record(fan, Some(&other_path), "acme.okta.com", &origin()).is_err());
    assert!(FanOutState::from_record(fan, Some(&record), "other.okta.com", &origin()).is_err());
    let mut warnings = Vec::new();
    let plan = plan_fan_out(
      Resource::Factors,
      fan,
      Some(&evil),
      &origin(),
      5_000,
      9_000,
      &mut warnings,
    );
    assert_eq!(plan.state, FanOutState::fresh(fan, &origin(), 5_000));
    assert_eq!(warnings[0].0, "sync state ignored");
  }

  #[test]
  fn a_body_next_link_is_read_from_object_pages_only() {
    assert_eq!(
      body_next_link(
        br#" {"value":[],"_links":{"next":{"href":"https://acme.okta.com/api/v1/iam/assignees/users?after=x"}}}"#
      )
      .as_deref(),
      Some("https://acme.okta.com/api/v1/iam/assignees/users?after=x")
    );
    assert_eq!(body_next_link(br#"{"value":[],"_links":{"next":{"href":5}}}"#), None);
    assert_eq!(body_next_link(br#"[{"_links":{"next":{"href":"x"}}}]"#), None);
    assert_eq!(body_next_link(b"{not json"), None);
  }

  #[test]
  fn a_batch_splices_record_arrays() {
    let fan = factors();
    let mut batch = Batch::default();
    let map = fan.child_lists[0].map;
    let page = map(
      br#"[{"id":"f1","factorType":"push"},{"id":"f2","factorType":"sms"}]"#,
      "00u1",
    )
    .unwrap();
    batch.add("00u1", Some((vec![page], true)));
    batch.add("00u2", Some((vec![map(b"[]", "00u2").unwrap()], true)));
    batch.add("00u3", None);
    // A list whose next link was dropped: stored, but nothing marked removed.
    batch.add("00u4", Some((vec![map(br#"[{"id":"f3"}]"#, "00u4").unwrap()], false)));
    let parsed: Vec<Value> = serde_json::from_slice(&batch.json()).unwrap();
    assert_eq!(parsed.len(), 3);
    assert_eq!(parsed[1]["attributes"]["userId"], "00u1");
    assert_eq!(batch.parents, ["00u1", "00u2", "00u3", "00u4"]);
    assert_eq!(batch.complete, ["00u1", "00u2", "00u3"]);
  }
}
