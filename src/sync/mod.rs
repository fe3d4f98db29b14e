//! Sync orchestration without napi: plan the phases from the host's options and
//! cursor ([`plan::plan_sync`]), then run them concurrently on the engine ([`run`])
//! as a stream of mapped pages for the writer (the JS layer) to store one at a time.
//!
//! Each phase runs in its own task within its endpoint's paced budget and
//! prefetches: while the writer stores page N, page N+1 is already fetched and
//! page N+2 may be in flight. Within a phase, pages arrive in order. Nothing here
//! writes storage, so what counts as written (and so the cursor) is decided by the
//! writer alone; dropping the stream or cancelling stops every task at once.

pub mod plan;

use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::engine::phase::{first_waits_token, run_chain, stop_at_deadline, ListedIds, PhaseCtx};
use crate::engine::wire::StreamItem;
use crate::http::client::OktaHttp;
use crate::log::{Level, LogEvent, LogSink};

pub use plan::{encode_cursor, plan_sync, PhasePlan, PhaseRun, SyncPlan, SyncRequest};

/// Runs the plan's phases concurrently. Must be called inside a Tokio runtime.
/// The stream ends when every phase finished or failed, or after `cancel`.
/// `stop` ends it gracefully: no new request starts, pages already in flight are
/// still delivered (the chunk budget). The System Log backfill also stops by
/// itself at the run budget's deadline. `listed` keeps reconciled listings' ids
/// across calls: pass the same one for every call of a client.
pub fn run(
  http: Arc<OktaHttp>,
  plan: SyncPlan,
  cancel: CancellationToken,
  stop: CancellationToken,
  listed: Arc<ListedIds>,
) -> BoxStream<'static, StreamItem> {
  let (log_tx, log_rx) = mpsc::unbounded_channel::<StreamItem>();
  let first_waits = first_waits_token(&cancel, &stop);
  let mut streams: Vec<BoxStream<'static, StreamItem>> = Vec::new();
  let mut metric_days = plan.metric_days;
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
      listed: listed.clone(),
    };
    match phase.run {
      PhaseRun::FanOut(plan) => {
        stop_at_deadline(&ctx, plan.deadline_ms);
        tokio::spawn(crate::engine::fanout::run_fan_out(ctx, plan));
      }
      PhaseRun::Backfill(plan) => {
        stop_at_deadline(&ctx, plan.deadline_ms);
        tokio::spawn(crate::engine::backfill::run_backfill(ctx, plan, metric_days.take()));
      }
      PhaseRun::Chain(start) => {
        tokio::spawn(run_chain(ctx, start));
      }
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
