//! MFA factors (`okta_factor`): a fan-out over users that spans host runs.
//!
//! Okta has no bulk listing of factors: `GET /api/v1/users/{id}/factors` is one
//! request per user. So the first **enumeration** (every user but DEPROVISIONED) runs
//! on the run budget like the System Log backfill, with its progress in a state
//! entity (`okta_sync_state` / `factors`): the users page being fanned out, as a URL
//! re-checked against the origin when read back, and how many of its users are done.
//! After it, each run stays **current** cheaply: it reads the System Log's factor
//! lifecycle events since the last run and re-reads only the users they name.
//!
//! Every batch handed to the writer says which users' complete factor lists it holds
//! (`replace_for`), so the writer can mark a factor a user no longer has as
//! `REMOVED` (rawdash cannot delete one entity).

use std::collections::BTreeSet;

use futures::stream::{self, StreamExt};

use serde_json::{json, Value};
use url::Url;

use crate::backfill::{iso, ms_of, state_attributes, LOOKBACK_MS, STATE_TYPE};
use crate::config::{whole_number, Resource};
use crate::cursor::Position;
use crate::error::{ErrorCode, OktaError};
use crate::http::client::FetchedPage;
use crate::http::paging::{next_link, sanitize_page_url};
use crate::log::{cut80, Level, LogEvent};
use crate::okta::endpoints::{factor_events_url, factor_users_url, user_factors_url};
use crate::records::{format_ms, map_user_factors, parse_ms, MappedPage};
use crate::sync::{origin_key, wall_ms, PageOut, PhaseCtx, StreamItem};

/// Entity id of the factors state record (type [`STATE_TYPE`]).
pub const STATE_ID: &str = "factors";
/// Version of the factors state record's layout.
pub const STATE_VERSION: u64 = 1;
/// Users whose factor lists go into one write (one batch and one state write).
pub const USERS_PER_BATCH: usize = 25;
/// Lifecycle event uuids remembered from the look-back window.
pub const MAX_HANDLED: usize = 1000;

/// Where the factors phase stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
  /// Reading every user's factors: the users page being fanned out and how many of
  /// its users are done.
  Enumerate {
    /// The users page (on the configured origin, `/api/v1/users`).
    page: Url,
    /// Users of that page whose factors are stored.
    done: u64,
  },
  /// Enumerated: lifecycle events are read from `events_since_ms`.
  Current,
}

/// The factors state, as kept in storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactorState {
  /// Where the phase stands.
  pub stage: Stage,
  /// When the enumeration started: the lifecycle read starts there once it ends, so
  /// changes made while it ran are picked up.
  pub started_ms: i64,
  /// Where the lifecycle read continues (meaningful in [`Stage::Current`]).
  pub events_since_ms: i64,
  /// Users whose factors were read so far in this enumeration.
  pub users_read: u64,
  /// Factors stored so far in this enumeration.
  pub factors_seen: u64,
  /// Lifecycle events already acted on within the look-back window (by uuid), so
  /// the overlap the next read re-reads does not re-read their users again.
  pub handled: Vec<String>,
  /// Users of the current page past `done` whose factors are already stored.
  pub ahead: Vec<String>,
}

impl FactorState {
  /// A new enumeration from the first users page.
  pub fn fresh(origin: &Url, now_ms: i64) -> FactorState {
    FactorState {
      stage: Stage::Enumerate {
        page: factor_users_url(origin),
        done: 0,
      },
      started_ms: now_ms,
      events_since_ms: now_ms,
      users_read: 0,
      factors_seen: 0,
      handled: Vec::new(),
      ahead: Vec::new(),
    }
  }

  /// The state entity to write.
  pub fn to_record(&self, host: &str, now_ms: i64) -> Value {
    let (stage, page, done) = match &self.stage {
      Stage::Enumerate { page, done } => ("enumerate", Value::String(page.to_string()), *done),
      Stage::Current => ("current", Value::Null, 0),
    };
    json!({
      "type": STATE_TYPE,
      "id": STATE_ID,
      "attributes": {
        "version": STATE_VERSION,
        "host": host,
        "stage": stage,
        "page": page,
        "done": done,
        "startedAt": self.started_ms,
        "eventsSince": self.events_since_ms,
        "usersRead": self.users_read,
        "factorsSeen": self.factors_seen,
        "handled": self.handled,
        "ahead": self.ahead,
      },
      "updated_at": now_ms,
    })
  }

  /// Reads a stored state entity: `Ok(None)` when there is none, `Err(reason)` when
  /// it cannot be used (another version or org host, unreadable, or a page that is
  /// not a users page on the configured origin: never followed blindly).
  pub fn from_record(record: Option<&Value>, host: &str, origin: &Url) -> Result<Option<FactorState>, String> {
    let Some(a) = state_attributes(record, "factors state", STATE_VERSION, host)? else {
      return Ok(None);
    };
    let ms = |name: &str| {
      a.get(name)
        .and_then(ms_of)
        .ok_or(format!("factors state {name} is not a time in ms"))
    };
    let count = |name: &str| a.get(name).and_then(whole_number).unwrap_or(0);
    let stage = match a.get("stage").and_then(Value::as_str) {
      Some("current") => Stage::Current,
      Some("enumerate") => {
        let raw = a
          .get("page")
          .and_then(Value::as_str)
          .ok_or("factors state page is missing")?;
        let page = sanitize_page_url(raw, origin, Resource::Users.path())
          .ok_or("factors state page is not a users page on the configured origin")?;
        Stage::Enumerate {
          page,
          done: count("done"),
        }
      }
      _ => return Err("factors state stage is neither enumerate nor current".into()),
    };
    Ok(Some(FactorState {
      stage,
      started_ms: ms("startedAt")?,
      events_since_ms: ms("eventsSince")?,
      users_read: count("usersRead"),
      factors_seen: count("factorsSeen"),
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
    }))
  }
}

/// What the factors phase does this chunk.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorPlan {
  /// The state to continue from.
  pub state: FactorState,
  /// No factors request starts after this (Unix ms): the run budget.
  pub deadline_ms: i64,
  /// Users read when this run started (for the progress estimate).
  pub users_at_run_start: u64,
}

/// Plans the factors phase from the stored state (pure). Warnings go to `warnings`.
pub fn plan_factors(
  record: Option<&Value>,
  origin: &Url,
  now_ms: i64,
  deadline_ms: i64,
  warnings: &mut Vec<(&'static str, Value)>,
) -> FactorPlan {
  let host = origin_key(origin);
  let state = match FactorState::from_record(record, &host, origin) {
    Ok(Some(state)) => state,
    Ok(None) => FactorState::fresh(origin, now_ms),
    Err(reason) => {
      warnings.push((
        "sync state ignored",
        json!({ "resource": Resource::Factors.resource_name(), "reason": reason }),
      ));
      FactorState::fresh(origin, now_ms)
    }
  };
  FactorPlan {
    users_at_run_start: state.users_read,
    state,
    deadline_ms,
  }
}

/// Users (their ids) of a users page whose factors are read (every status but DEPROVISIONED,
/// which the query already leaves out; an id-less item is skipped).
fn users_of(body: &[u8]) -> Result<Vec<String>, String> {
  let items: Vec<Value> =
    serde_json::from_slice(body).map_err(|e| format!("the users page is not a JSON array ({e})"))?;
  Ok(
    items
      .iter()
      .filter(|u| u.get("status").and_then(Value::as_str) != Some("DEPROVISIONED"))
      .filter_map(|u| u.get("id").and_then(Value::as_str))
      .filter(|id| !id.is_empty())
      .map(str::to_string)
      .collect(),
  )
}

/// One factor lifecycle event: its uuid, when, and the users it names.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Change {
  uuid: Option<String>,
  published: Option<i64>,
  users: Vec<String>,
}

/// The factor lifecycle events of a System Log page: the users each names (`target`
/// entries of type User, else the actor).
fn changes_in(body: &[u8]) -> Result<Vec<Change>, String> {
  let items: Vec<Value> =
    serde_json::from_slice(body).map_err(|e| format!("the System Log page is not a JSON array ({e})"))?;
  let mut changes = Vec::with_capacity(items.len());
  for e in &items {
    let mut users = Vec::new();
    let targets: Vec<&str> = e
      .get("target")
      .and_then(Value::as_array)
      .into_iter()
      .flatten()
      .filter(|t| t.get("type").and_then(Value::as_str) == Some("User"))
      .filter_map(|t| t.get("id").and_then(Value::as_str))
      .collect();
    if targets.is_empty() {
      if let Some(actor) = e.pointer("/actor/id").and_then(Value::as_str) {
        users.push(actor.to_string());
      }
    } else {
      users.extend(targets.into_iter().map(str::to_string));
    }
    users.retain(|u| !u.is_empty() && u.len() <= 256);
    changes.push(Change {
      uuid: e.get("uuid").and_then(Value::as_str).map(str::to_string),
      published: e.get("published").and_then(Value::as_str).and_then(parse_ms),
      users,
    });
  }
  Ok(changes)
}

/// What reading one user's factors gave.
enum Read {
  Factors(MappedPage),
  /// Deleted between listing and reading (404): nothing to store.
  Gone,
  /// Stopped (chunk budget or deadline) or cancelled before it was sent.
  Stopped,
}

/// The factors collected for one write.
#[derive(Default)]
struct Batch {
  records: Vec<u8>,
  count: usize,
  users: Vec<String>,
}

impl Batch {
  fn add(&mut self, user: &str, page: Option<MappedPage>) {
    if let Some(page) = page {
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
    self.users.push(user.to_string());
  }

  fn json(&self) -> Vec<u8> {
    let mut out = Vec::with_capacity(self.records.len() + 2);
    out.push(b'[');
    out.extend_from_slice(&self.records);
    out.push(b']');
    out
  }
}

/// Factor reads in flight at once: per-user requests are small, so latency, not
/// bandwidth, bounds them; the bucket's pacing still caps the rate.
pub const CONCURRENT_READS: usize = 8;

/// Reads one user's factors. `Err` carries the URL and the error for the writer.
/// `first`: the chunk's first request (see [`PhaseCtx::request_tokens`]).
async fn read_user_factors(ctx: &PhaseCtx, user: &str, first: bool) -> Result<Read, (Url, OktaError)> {
  let url = user_factors_url(ctx.http.origin(), user);
  let (stop, waits) = ctx.request_tokens(first);
  match ctx
    .http
    .get_page(Resource::Factors, &url, &ctx.cancel, stop, waits, &ctx.log, |_| Ok(()))
    .await
  {
    Ok((page, ())) => match map_user_factors(&page.body, user) {
      Ok(mapped) => {
        if !mapped.warnings.is_empty() {
          (ctx.log)(LogEvent {
            level: Level::Warn,
            event: "records skipped",
            fields: json!({ "resource": Resource::Factors.resource_name(), "user": cut80(&ctx.http.secrets().scrub(user)), "reasons": mapped.warnings }),
          });
        }
        Ok(Read::Factors(mapped))
      }
      Err(e) => Err((
        url,
        OktaError::new(
          ErrorCode::BadResponse,
          format!(
            "Okta returned an unreadable factor list for user {}: {}.",
            cut80(&ctx.http.secrets().scrub(user)),
            e.0
          ),
        ),
      )),
    },
    Err(e) if e.code == ErrorCode::NotFound => Ok(Read::Gone),
    Err(e) if e.code == ErrorCode::Aborted => Ok(Read::Stopped),
    Err(e) => Err((url, e)),
  }
}

struct Runner<'a> {
  ctx: &'a PhaseCtx,
  plan: FactorPlan,
  host: String,
  /// Requests made in this chunk (the first one is exempt from the chunk stop).
  requests: u64,
  items: u64,
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

  /// Sends a failure to the writer, as the factors phase's (a 403 skips the phase).
  async fn fail(&self, url: &Url, error: OktaError) {
    let resource = Resource::Factors;
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

  /// One user's factors; `None` when the read failed (reported to the writer).
  async fn user_factors(&mut self, user: &str) -> Option<Read> {
    let first = self.requests == 0;
    self.requests += 1;
    match read_user_factors(self.ctx, user, first).await {
      Ok(read) => Some(read),
      Err((url, error)) => {
        self.fail(&url, error).await;
        None
      }
    }
  }

  /// Hands a batch to the writer with the state that covers it.
  async fn send(&mut self, batch: &Batch, cursor: &Url) -> bool {
    let state = self.plan.state.to_record(&self.host, wall_ms());
    (self.ctx.log)(LogEvent {
      level: Level::Info,
      event: "fetched page",
      fields: json!({
        "resource": Resource::Factors.resource_name(),
        "page": self.items,
        "items": batch.count,
        "users": batch.users.len(),
        "cursor": cut80(&self.ctx.http.secrets().scrub(cursor.as_str())),
        "next": Value::Null,
      }),
    });
    let position = Position::Backfill {
      edge_done: false,
      edge_from: None,
    };
    let out = PageOut {
      resource: Resource::Factors,
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
      dedupe: false,
      replace_for: Some(batch.users.clone()),
      reconcile: false,
      listing_start: false,
      listing_end: false,
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
      // The users listing is a Link chain like any other: capped (counted as the factors').
      if let Err(e) = self.ctx.http.chain_page(Resource::Factors, &page) {
        self.fail(&page, e).await;
        return None;
      }
      let listing = match self.get(Resource::Users, &page).await {
        Ok(listing) => listing,
        Err(e) if e.code == ErrorCode::Aborted => return Some(false),
        Err(e) => {
          self.fail(&page, e).await;
          return None;
        }
      };
      let users = match users_of(&listing.body) {
        Ok(users) => users,
        Err(reason) => {
          let error = OktaError::new(
            ErrorCode::BadResponse,
            format!("Okta returned an unreadable users page: {reason}."),
          );
          self.fail(&page, error).await;
          return None;
        }
      };
      let next = next_link(listing.links.iter().map(String::as_str))
        .and_then(|raw| sanitize_page_url(&raw, self.ctx.http.origin(), Resource::Users.path()))
        .filter(|n| *n != page || users.is_empty());
      self.ctx.http.chain_linked(Resource::Factors, next.as_ref());
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
            let result = read_user_factors(ctx, &user, first).await;
            (i, user, result)
          }
        })
        .buffered(CONCURRENT_READS);
      while let Some((i, user, result)) = reads.next().await {
        let read = match result {
          Ok(Read::Factors(mapped)) => Some(mapped),
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
        // The chunk's first batch holds one user, so progress (and `check`) shows at once.
        if batch.users.len() >= USERS_PER_BATCH || last || self.items == 0 {
          self.advance(&page, (i + 1) as u64, &batch, last, next.as_ref());
          if !last {
            let rest = users.get(i + 1..).unwrap_or_default();
            self.plan.state.ahead = rest.iter().filter(|u| ahead.contains(*u)).cloned().collect();
          }
          if !self.send(&batch, &page).await {
            return None;
          }
          batch = Batch::default();
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
        if !batch.users.is_empty() && !self.send(&batch, &page).await {
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
          event: "factors enumerated",
          fields: json!({ "users": self.plan.state.users_read, "factors": self.plan.state.factors_seen }),
        });
        return Some(true);
      }
    }
  }

  /// Moves the state past `done` users of `page`; at the page's end, to the next
  /// page or, after the last one, to the lifecycle stage.
  fn advance(&mut self, page: &Url, done: u64, batch: &Batch, page_end: bool, next: Option<&Url>) {
    let state = &mut self.plan.state;
    state.users_read += batch.users.len() as u64;
    state.factors_seen += batch.count as u64;
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

  /// Reads factor lifecycle events since the stored position and re-reads the users
  /// they name; true when caught up.
  async fn stay_current(&mut self) -> Option<bool> {
    let since_ms = self.plan.state.events_since_ms - LOOKBACK_MS;
    let since = format_ms(since_ms).unwrap_or_default();
    let mut url = factor_events_url(self.ctx.http.origin(), &since);
    let mut users = BTreeSet::new();
    let mut seen: Vec<(String, i64)> = Vec::new();
    let caught_up_at;
    loop {
      let requested_at = wall_ms();
      let page = match self.get(Resource::AuthEvents, &url).await {
        Ok(page) => page,
        Err(e) if e.code == ErrorCode::Aborted => return Some(false),
        Err(e) => {
          self.fail(&url, e).await;
          return None;
        }
      };
      let changes = match changes_in(&page.body) {
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
        users.extend(change.users);
      }
      let next = next_link(page.links.iter().map(String::as_str))
        .and_then(|raw| sanitize_page_url(&raw, self.ctx.http.origin(), Resource::AuthEvents.path()));
      match next {
        Some(next) if items > 0 && next != url => url = next,
        _ => {
          caught_up_at = requested_at;
          break;
        }
      }
    }
    let users: Vec<String> = users.into_iter().collect();
    (self.ctx.log)(LogEvent {
      level: Level::Info,
      event: "factor changes",
      fields: json!({ "since": iso(since_ms), "users": users.len() }),
    });
    for chunk in users.chunks(USERS_PER_BATCH) {
      let mut batch = Batch::default();
      for user in chunk {
        match self.user_factors(user).await {
          Some(Read::Factors(mapped)) => batch.add(user, Some(mapped)),
          Some(Read::Gone) => batch.add(user, None),
          // The position is not advanced: the next run reads these events again.
          Some(Read::Stopped) => {
            if !batch.users.is_empty() {
              self.send(&batch, &url).await;
            }
            return Some(false);
          }
          None => return None,
        }
      }
      if !self.send(&batch, &url).await {
        return None;
      }
    }
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
    self.send(&Batch::default(), &url).await;
    Some(true)
  }
}

/// The factors phase: the enumeration (or what remains of it), then the lifecycle
/// read. Stops at the run budget's deadline with a `factors incomplete` log, or
/// quietly at the chunk budget.
pub(crate) async fn run_factors(ctx: PhaseCtx, plan: FactorPlan) {
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
      event: "factors incomplete",
      fields: json!({
        "users_read": state.users_read,
        "factors": state.factors_seen,
        "users_this_run": state.users_read.saturating_sub(runner.plan.users_at_run_start),
        "enumerating": matches!(state.stage, Stage::Enumerate { .. }),
      }),
    });
  }
  let position = Position::Backfill {
    edge_done: false,
    edge_from: None,
  };
  let _ = ctx
    .send(PageOut::phase_done(Resource::Factors, runner.items, position))
    .await;
}

#[cfg(test)]
mod tests {
  use super::*;

  fn origin() -> Url {
    Url::parse("https://acme.okta.com").unwrap()
  }

  #[test]
  fn state_round_trips_and_refuses_foreign_pages() {
    let mut state = FactorState::fresh(&origin(), 1_000);
    state.stage = Stage::Enumerate {
      page: Url::parse("https://acme.okta.com/api/v1/users?limit=200&after=00u5").unwrap(),
      done: 7,
    };
    state.users_read = 207;
    let record = state.to_record("acme.okta.com", 2_000);
    assert_eq!(
      FactorState::from_record(Some(&record), "acme.okta.com", &origin()),
      Ok(Some(state.clone()))
    );
    let mut evil = record.clone();
    evil["attributes"]["page"] = json!("https://evil.com/api/v1/users?after=1");
    assert!(FactorState::from_record(Some(&evil), "acme.okta.com", &origin()).is_err());
    let mut other_path = record.clone();
    other_path["attributes"]["page"] = json!("https://acme.okta.com/api/v1/groups");
    assert!(FactorState::from_record(Some(&other_path), "acme.okta.com", &origin()).is_err());
    assert!(FactorState::from_record(Some(&record), "other.okta.com", &origin()).is_err());
    let mut warnings = Vec::new();
    let plan = plan_factors(Some(&evil), &origin(), 5_000, 9_000, &mut warnings);
    assert_eq!(plan.state, FactorState::fresh(&origin(), 5_000));
    assert_eq!(warnings[0].0, "sync state ignored");
  }

  #[test]
  fn users_and_lifecycle_targets_are_read_tolerantly() {
    let users = users_of(
      br#"[{"id":"00u1","status":"ACTIVE"},{"id":"00u2","status":"DEPROVISIONED"},{"status":"ACTIVE"},{"id":""}]"#,
    )
    .unwrap();
    assert_eq!(users, ["00u1"]);
    let changes = changes_in(
      br#"[{"uuid":"e1","published":"2024-01-01T00:00:00.000Z","actor":{"id":"00uA"},"target":[{"id":"00uB","type":"User"},{"id":"x","type":"AuthenticatorEnrollment"}]},
           {"published":"2024-01-02T00:00:00.000Z","actor":{"id":"00uC"},"target":null}]"#,
    )
    .unwrap();
    assert_eq!(changes[0].users, ["00uB"]);
    assert_eq!(changes[0].uuid.as_deref(), Some("e1"));
    assert_eq!(changes[1].users, ["00uC"]);
    assert_eq!(changes[1].published, parse_ms("2024-01-02T00:00:00.000Z"));
    assert!(users_of(b"{}").is_err());
  }

  #[test]
  fn a_batch_splices_record_arrays() {
    let mut batch = Batch::default();
    let page = map_user_factors(
      br#"[{"id":"f1","factorType":"push"},{"id":"f2","factorType":"sms"}]"#,
      "00u1",
    )
    .unwrap();
    batch.add("00u1", Some(page));
    batch.add("00u2", Some(map_user_factors(b"[]", "00u2").unwrap()));
    batch.add("00u3", None);
    let parsed: Vec<Value> = serde_json::from_slice(&batch.json()).unwrap();
    assert_eq!(parsed.len(), 2);
    assert_eq!(parsed[1]["attributes"]["userId"], "00u1");
    assert_eq!(batch.users, ["00u1", "00u2", "00u3"]);
  }
}
