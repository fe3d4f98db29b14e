//! The phase context every runner holds (HTTP client, cancellation, the writer's
//! channel), one page's fetch-map-link step, and the Link-chain runner.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::engine::cursor::Position;
use crate::engine::wire::{CheckStored, PageOut, ReplaceScope, StreamItem};
use crate::error::{ErrorCode, OktaError};
use crate::http::client::OktaHttp;
use crate::http::paging::{next_link, sanitize_page_url};
use crate::log::{cut80, Level, LogEvent, LogSink};
use crate::resources::{MapOptions, Resource, Shape};

pub(crate) fn wall_ms() -> i64 {
  std::time::SystemTime::now()
    .duration_since(std::time::UNIX_EPOCH)
    .map(|d| d.as_millis() as i64)
    .unwrap_or(0)
}

/// Fires the phase's `deadline` (and so `stop`) at `deadline_ms` (wall clock).
/// A token cancelled once `stop` is, but not before [`MIN_FIRST_REQUEST_WAIT_MS`] from now.
pub(crate) fn first_waits_token(cancel: &CancellationToken, stop: &CancellationToken) -> CancellationToken {
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

pub(crate) fn stop_at_deadline(ctx: &PhaseCtx, deadline_ms: i64) {
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
  /// The ids reconciled listings returned so far (kept by the client across calls).
  pub(crate) listed: Arc<ListedIds>,
}

/// The ids each reconciled listing returned so far, across the `sync()` calls of one
/// client: a listing spans calls when the host resumes it from the cursor. At the
/// listing's end they decide which stored records are stale.
#[derive(Debug, Default)]
pub struct ListedIds(std::sync::Mutex<HashMap<Resource, (i64, Vec<String>)>>);

impl ListedIds {
  fn with<R>(&self, f: impl FnOnce(&mut HashMap<Resource, (i64, Vec<String>)>) -> R) -> R {
    // A panic elsewhere cannot leave the map half-written: each change is one insert.
    let mut map = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    f(&mut map)
  }

  /// Adds a page's ids to the listing of `resource` in run `run` (`start`: its first page).
  fn add(&self, resource: Resource, run: i64, start: bool, ids: &HashSet<String>) {
    self.with(|map| {
      if start {
        map.insert(resource, (run, Vec::new()));
      }
      if let Some((started, listed)) = map.get_mut(&resource) {
        if *started == run {
          listed.extend(ids.iter().cloned());
        }
      }
    });
  }

  /// The complete listing's ids, when this client saw all of it in run `run`.
  fn take(&self, resource: Resource, run: i64) -> Option<Vec<String>> {
    self.with(|map| match map.remove(&resource) {
      Some((started, ids)) if started == run => Some(ids),
      _ => None,
    })
  }
}

/// One fetched and mapped page of a Link chain.
pub(crate) struct ChainPage {
  pub(crate) mapped: crate::resources::MappedPage,
  /// The sanitized next link (None: the chain ends here, or its link was unsafe).
  pub(crate) next: Option<Url>,
  /// The chain ended by Okta's own signal (an empty log page, no next link), not
  /// because a next link was dropped.
  pub(crate) finished: bool,
  /// The page's log lines (`fetched page`, `records skipped`), handed over with it.
  pub(crate) logs: Vec<LogEvent>,
}

pub(crate) enum Fetch {
  Page(Box<ChainPage>),
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
  pub(crate) async fn fetch(&self, resource: Resource, url: &Url, map: MapOptions, index: u64) -> Fetch {
    self
      .fetch_with(resource, url, index, |body| resource.map_page(body, map), |error| error)
      .await
  }

  /// [`PhaseCtx::fetch`] with the page's own mapping (`map`), and `explain` to
  /// reword a failure before the writer gets it (the backfill names a rejected
  /// event type).
  pub(crate) async fn fetch_with(
    &self,
    resource: Resource,
    url: &Url,
    index: u64,
    map: impl Fn(&[u8]) -> Result<crate::resources::MappedPage, crate::resources::PageParseError>,
    explain: impl FnOnce(OktaError) -> OktaError,
  ) -> Fetch {
    let (stop, waits) = self.request_tokens(index == 0);
    if let Err(error) = self.http.chain_page(resource, url) {
      let _ = self.tx.send(StreamItem::Failed { resource, error }).await;
      return Fetch::Failed;
    }
    let fetched = self
      .http
      .get_page(resource, url, &self.cancel, stop, waits, &self.log, |page| {
        map(&page.body).map_err(|e| {
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
        let error = explain(error.at(resource.resource_name(), url.as_str())).redact(self.http.secrets());
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
    let ends_here = resource.spec().shape == Shape::Event && mapped.raw_items == 0;
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
    // The page's own lines travel with it: one crossing per page.
    let mut logs = vec![LogEvent {
      level: Level::Info,
      event: "fetched page",
      fields: json!({
        "resource": resource.resource_name(),
        "page": index,
        "items": mapped.count,
        "cursor": cut80(&self.http.secrets().scrub(url.as_str())),
        "next": next.as_ref().map(|n| cut80(&self.http.secrets().scrub(n.as_str()))),
      }),
    }];
    if !mapped.warnings.is_empty() {
      logs.push(LogEvent {
        level: Level::Warn,
        event: "records skipped",
        fields: json!({ "resource": resource.resource_name(), "page": index, "reasons": mapped.warnings }),
      });
    }
    Fetch::Page(Box::new(ChainPage {
      mapped,
      next,
      finished,
      logs,
    }))
  }

  /// Hands a page to the writer; false when the writer is gone. Its log lines are
  /// scrubbed here, as the sink scrubs every other line.
  pub(crate) async fn send(&self, mut page: PageOut) -> bool {
    for line in &mut page.logs {
      self.http.secrets().scrub_json(&mut line.fields);
    }
    self.tx.send(StreamItem::Page(Box::new(page))).await.is_ok()
  }
}

/// Where a Link chain starts, and what its listing does at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainStart {
  /// The resource.
  pub resource: Resource,
  /// First URL to fetch.
  pub url: Url,
  /// Records of that first page already written by an earlier chunk.
  pub skip: u64,
  /// Clear the scope before the first write.
  pub clear: bool,
  /// Mapping options.
  pub map: MapOptions,
  /// A complete listing from its first page (see [`Listing`]).
  pub listing: Option<Listing>,
  /// Events published at or before this (ms) may be stored already (an incremental
  /// sync's look-back): the writer checks them against storage.
  pub dedupe_before: Option<i64>,
}

/// What a complete entity listing does at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
  /// The state entity to write once the listing is complete.
  pub state_record: Value,
  /// The listed ids are collected and, at the end, stored records not among them
  /// are replaced away ([`ReplaceScope`]).
  pub reconcile: bool,
  /// The host run the listing belongs to (ids collected in another run do not count).
  pub run_started: i64,
}

/// One Link chain from the plan's URL (users, groups, apps, or the System Log
/// without a backfill-capable storage).
pub(crate) async fn run_chain(ctx: PhaseCtx, phase: ChainStart) {
  let resource = phase.resource;
  let mut url = phase.url;
  let mut clear = phase.clear;
  let mut skip = phase.skip;
  let mut index = 0u64;
  // A phase from its first page (not resumed mid-chain) starts a new listing.
  let mut listing_start = skip == 0 && url.query_pairs().all(|(k, _)| k != "after");
  loop {
    let page = match ctx.fetch(resource, &url, phase.map, index).await {
      Fetch::Page(page) => *page,
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
    let reconciled = phase.listing.as_ref().filter(|l| l.reconcile);
    let mut replace_scope = None;
    if let Some(listing) = reconciled {
      ctx
        .listed
        .add(resource, listing.run_started, listing_start, &page.mapped.ids);
      if listing_end {
        match ctx.listed.take(resource, listing.run_started) {
          Some(keep) => replace_scope = Some(ReplaceScope::new(resource, keep, &listing.state_record)),
          None => (ctx.log)(LogEvent {
            level: Level::Warn,
            event: "stale check skipped",
            fields: json!({ "resource": resource.resource_name(), "reason": "the listing began in another connector instance; records Okta no longer has are removed at the next full sync" }),
          }),
        }
      }
    }
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
      // A resumed page's last batch may or may not have landed; otherwise only the
      // incremental look-back can hold stored events.
      check_stored: match (resource.spec().shape, index == 0 && !clear) {
        (Shape::Entity, _) => CheckStored::None,
        (Shape::Event, true) => CheckStored::All,
        (Shape::Event, false) => phase.dedupe_before.map_or(CheckStored::None, CheckStored::UpTo),
      },
      removals: None,
      replace_scope,
      logs: page.logs,
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
