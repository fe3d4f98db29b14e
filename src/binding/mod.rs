//! The napi binding: the only code that touches Node.
//!
//! Each export is a thin shell over one core function. Errors leave as JS errors
//! whose `code` is the stable [`ErrorCode`] string; the JS layer adds `kind` and the
//! Okta details. Panics are caught here and become `OKTA_INTERNAL` errors, so a bug
//! can never take down the host process.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use futures::future::FutureExt;
use futures::stream::{BoxStream, StreamExt};
use napi::bindgen_prelude::{within_runtime_if_available, AsyncGenerator, Buffer};
use napi_derive::napi;
use serde_json::Value;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use crate::config::{self, ClientConfig, ClientOptions};
use crate::engine::phase::ListedIds;
use crate::engine::state::CallEnd;
use crate::engine::wire::StreamItem;
use crate::error::{ErrorCode, OktaError};
use crate::http::client::OktaHttp;
use crate::resources::Resource;
use crate::sync::{self, SyncRequest};

/// The one conversion of core errors into JS errors: `code` is the stable code and
/// `cause.message` carries the full structured error as JSON (kind, status, Okta's
/// error body, request id, field issues) for the JS layer to expose as properties.
fn to_js(err: OktaError) -> napi::Error<String> {
  let mut js = napi::Error::new(err.code.as_str().to_string(), err.message.clone());
  js.set_cause(napi::Error::new(
    napi::Status::GenericFailure,
    err.to_json().to_string(),
  ));
  js
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
  let detail = payload
    .downcast_ref::<&str>()
    .map(|s| s.to_string())
    .or_else(|| payload.downcast_ref::<String>().cloned())
    .unwrap_or_else(|| "unknown panic".into());
  format!("Internal error in the Okta connector ({detail}); please report it.")
}

/// Runs `f`, turning a panic into an `OKTA_INTERNAL` error.
fn guard<T>(f: impl FnOnce() -> Result<T, OktaError>) -> napi::Result<T, String> {
  match catch_unwind(AssertUnwindSafe(f)) {
    Ok(result) => result.map_err(to_js),
    Err(payload) => Err(to_js(OktaError::new(
      ErrorCode::Internal,
      panic_message(payload.as_ref()),
    ))),
  }
}

/// Options from JS as `T`; a wrong type names the field, never the value (see
/// [`config::from_js`]).
fn parse<T: serde::de::DeserializeOwned>(value: Value, what: &str) -> Result<T, OktaError> {
  config::from_js(&value, what)
}

/// The connector's static definition as plain data: `id`, `version`, `doc`,
/// `configFields` (field metadata), `resources` and the error `code`/`kind` table.
#[napi]
pub fn definition() -> napi::Result<Value, String> {
  guard(|| Ok(crate::definition::definition()))
}

/// One invalid config field.
#[napi(object)]
pub struct ConfigIssue {
  /// The field at fault, e.g. `host` or `resources[1]`.
  pub field: String,
  /// What is wrong and how to fix it.
  pub message: String,
}

/// The result of [`check_config`]: the normalized config, or every issue.
#[napi(object)]
pub struct ConfigCheck {
  /// The normalized config (known keys only, strings trimmed; without plain secret
  /// values) when valid.
  pub config: Option<Value>,
  /// Every invalid field; empty when valid.
  pub issues: Vec<ConfigIssue>,
}

/// How [`check_config`] reads its input.
#[napi(object)]
pub struct ConfigCheckOptions {
  /// `'references'` (the default: config as a user writes it, secrets as `{ $secret }`
  /// references) or `'input'` (constructor input: plain token and key values too).
  pub credentials: Option<String>,
  /// A base URL override to check with the client's rule (https, or plain http to a
  /// loopback address only).
  pub base_url: Option<String>,
  /// Where `baseUrl` came from, naming it in issues: `'ctx.baseUrl'`,
  /// `'OKTA_BASE_URL'` or `'baseUrl'` (the default).
  pub base_url_from: Option<String>,
}

/// An `OKTA_INVALID_OPTION` for a bad [`ConfigCheckOptions`] field (the value is not shown).
fn check_option_error(field: &str, expected: &str) -> OktaError {
  let mut err = OktaError::new(
    ErrorCode::InvalidOption,
    format!("Invalid config check option {field}: expected {expected}."),
  );
  err.issues = vec![crate::error::FieldIssue::new(field, format!("Expected {expected}."))];
  err
}

/// Checks user config against the config rules without throwing (bad options throw
/// `OKTA_INVALID_OPTION`).
#[napi]
pub fn check_config(input: Value, options: Option<ConfigCheckOptions>) -> napi::Result<ConfigCheck, String> {
  guard(|| {
    let mut opts = config::CheckOptions::default();
    if let Some(o) = options {
      opts.credentials = match o.credentials.as_deref() {
        None | Some("references") => config::Credentials::References,
        Some("input") => config::Credentials::Inputs,
        Some(_) => return Err(check_option_error("credentials", "'references' or 'input'")),
      };
      opts.base_url = o.base_url;
      if let Some(from) = o.base_url_from {
        opts.base_url_from = config::BaseUrlSource::from_field(&from)
          .ok_or_else(|| check_option_error("baseUrlFrom", "'ctx.baseUrl', 'OKTA_BASE_URL' or 'baseUrl'"))?;
      }
    }
    Ok(match config::check_config_with(&input, &opts) {
      Ok(config) => ConfigCheck {
        config: Some(config),
        issues: Vec::new(),
      },
      Err(issues) => ConfigCheck {
        config: None,
        issues: issues
          .into_iter()
          .map(|i| ConfigIssue {
            field: i.field,
            message: i.message,
          })
          .collect(),
      },
    })
  })
}

/// Masks secrets in text the way every sink of the connector does (errors, log events),
/// for output the connector does not produce itself (the `rawdash-okta` command): every
/// run sharing 6 or more characters in a row with a secret, a secret shorter than that
/// anywhere, the first characters of a secret left before a cut marker `…`, and
/// anything shaped like a JWT become `[redacted]`. Redacts first, then cuts.
#[napi]
pub struct Redactor {
  secrets: crate::redact::Secrets,
}

#[napi]
impl Redactor {
  /// A redactor for `secrets` (empty strings are ignored).
  #[napi(constructor)]
  pub fn new(secrets: Vec<String>) -> Self {
    Redactor {
      secrets: crate::redact::Secrets::of(secrets.iter().map(String::as_str)),
    }
  }

  /// `text` with every secret masked, then cut to `max_chars` characters (and `…`)
  /// when given.
  #[napi]
  pub fn redact(&self, text: String, max_chars: Option<u32>) -> String {
    match max_chars {
      Some(max) => self.secrets.clean(&text, max as usize),
      None => self.secrets.scrub(&text).into_owned(),
    }
  }
}

/// A connection to one Okta org: HTTP client, per-endpoint pacing and counters.
/// Keep one per connector instance so pacing spans its syncs.
#[napi]
pub struct OktaClient {
  http: Arc<OktaHttp>,
  listed: Arc<ListedIds>,
}

#[napi]
impl OktaClient {
  /// Creates a client from `{ host, token | oauth: { clientId, privateKey, keyId?,
  /// scopes? }, resources?, baseUrl?, rateLimitShare?, requestTimeoutMs?, userAgent? }`
  /// (`privateKey` resolved: PEM text, JWK text or a JWK object). Throws `OKTA_INVALID_CONFIG` naming every bad field.
  #[napi(constructor)]
  pub fn new(options: Value) -> napi::Result<Self, String> {
    guard(|| {
      let opts: ClientOptions = parse(options, "client options")?;
      let cfg = ClientConfig::new(&opts)?;
      Ok(OktaClient {
        http: Arc::new(OktaHttp::new(cfg)?),
        listed: Arc::default(),
      })
    })
  }

  /// Request counters `{ requests, retries, rateLimited, waits, waitMs, bytes, pages,
  /// records }` plus `rateLimit`: the last window seen per bucket `{ limit, remaining, reset }`.
  #[napi]
  pub fn stats(&self) -> Value {
    self.http.stats_json()
  }

  /// The sign-in scheme, without secrets: `{ scheme: 'ssws' }` or `{ scheme: 'oauth',
  /// clientId, alg, requestedScopes, grantedScopes, tokenType, expiresIn, tokenRequests }`
  /// (granted scopes and token type once a token was fetched).
  #[napi]
  pub fn auth_info(&self) -> Value {
    self.http.auth_info()
  }

  /// The failure-streak rule (`RunInfo::after_call`): whether a call returns, backs off
  /// and returns `transientError`, or throws because failures outlasted the run budget.
  #[napi]
  pub fn end_call(&self, input: CallEndInput) -> napi::Result<CallEndOutput, String> {
    guard(|| {
      let run = crate::engine::cursor::run_of(Some(&input.run))
        .map_err(|e| OktaError::new(ErrorCode::Internal, format!("invalid run: {e}")))?
        .ok_or_else(|| OktaError::new(ErrorCode::Internal, "the run is missing"))?;
      let (run, end) = run.after_call(
        input.failed,
        input.progressed,
        input.now_ms as i64,
        input.deadline_ms as i64,
        input.call_end_ms as i64,
        rand::random::<f64>(),
      );
      let (action, wait_ms, throw_at_ms) = match end {
        CallEnd::Return => ("return", 0, 0),
        CallEnd::Retry { wait_ms, throw_at_ms } => ("retry", wait_ms, throw_at_ms),
        CallEnd::Throw => ("throw", 0, 0),
      };
      Ok(CallEndOutput {
        run: crate::engine::cursor::run_json(&run),
        action: action.into(),
        wait_ms: wait_ms as f64,
        throw_at_ms: throw_at_ms as f64,
      })
    })
  }

  /// Computes metric samples for a declared metrics operation (pure, in Rust):
  /// `{ op: 'day', start, partial, rows }` (rows: stored events projected onto the
  /// operation's fields, `[start_ts, ...fields]`) gives the day's samples; `{ op:
  /// 'snapshot', nowMs, reads: [userRows, factorRows] }` gives `{ samples, patches }`.
  #[napi]
  pub fn metric_samples(&self, input: Value) -> napi::Result<Value, String> {
    guard(|| {
      crate::engine::metrics::compute(&input)
        .map_err(|e| OktaError::new(ErrorCode::Internal, format!("invalid metrics input: {e}")))
    })
  }

  /// The phases (setting names) a sync with these options covers, in phase order:
  /// the planner's selection, so the writer reads only the stored states it needs.
  #[napi]
  pub fn phases(&self, request: Value) -> napi::Result<Vec<String>, String> {
    guard(|| {
      let req: SyncRequest = parse(request, "sync options")?;
      Ok(
        sync::plan::selected_resources(&req)
          .into_iter()
          .map(|r| r.setting_name().to_string())
          .collect(),
      )
    })
  }

  /// Starts a sync: fetches the planned phases concurrently and yields one ASCII JSON
  /// Buffer per item: a page `{ kind: 'page', phase, resource, shape, url, next,
  /// index, count, writing, batches, after, checkStored, removals, replaceScope,
  /// state, logs, records }` (the storage operations it declares, see
  /// `engine::wire::PageOut`), `{ kind: 'log', level, event, fields }` (a level
  /// `observation` is a response for `ctx.observer`), `{ kind: 'error', phase, error }`
  /// or `{ kind: 'skipped', ... }`. Pages of one phase arrive in order. The options
  /// are `{ mode, since?, cursor?, resources?, fetchSpecs?, requiredWindowMs?,
  /// settingsResources?, eventLookbackMs?, nowMs?, backfill?, backfillState?,
  /// fanOutStates?, metricsState?, entityStates?, reconcile?, budgetMs? }`; the stream's `plan()` is
  /// what was planned from them (planned once).
  #[napi]
  pub fn sync(&self, request: Value) -> napi::Result<PageStream, String> {
    guard(|| {
      let req: SyncRequest = parse(request, "sync options")?;
      let plan = sync::plan_sync(&req, self.http.origin())?;
      Ok(PageStream::start(self.http.clone(), self.listed.clone(), plan))
    })
  }

  /// Streams one resource (a setting name such as `users` or `factors`, or its rawdash
  /// name) page by page, with the same options and items as [`OktaClient::sync`].
  #[napi]
  pub fn stream(&self, resource: String, request: Value) -> napi::Result<PageStream, String> {
    guard(|| {
      let r = Resource::from_setting(&resource)
        .or_else(|| Resource::from_resource_name(&resource))
        .ok_or_else(|| {
          let names: Vec<&str> = Resource::ALL.iter().map(|r| r.setting_name()).collect();
          OktaError::invalid_option("resource", format!("Expected one of {}.", names.join(", ")))
        })?;
      let mut req: SyncRequest = parse(request, "sync options")?;
      req.settings_resources = Some(vec![r.setting_name().to_string()]);
      req.resources = None;
      let plan = sync::plan_sync(&req, self.http.origin())?;
      Ok(PageStream::start(self.http.clone(), self.listed.clone(), plan))
    })
  }

  /// Encodes the writer's state (`{ phases: { users: { page, skip } | { done: true }
  /// | { backfill, edgeDone } }, run }`) as a cursor both this package and the
  /// TypeScript one can resume from; `null` when every phase is done.
  #[napi]
  pub fn encode_cursor(&self, state: Value) -> napi::Result<Option<Value>, String> {
    guard(|| sync::encode_cursor(&state, self.http.origin()))
  }
}

/// An async iterator over sync items, each a Buffer of ASCII JSON (decode it with
/// `buf.toString('latin1')`, a plain copy, then `JSON.parse`). `break` out of `for await`, or
/// `cancel()`, stops every in-flight request and prefetch at once.
#[napi(async_iterator)]
pub struct PageStream {
  items: Arc<Mutex<BoxStream<'static, StreamItem>>>,
  cancel: CancellationToken,
  stop: CancellationToken,
  /// Counts the items handed over (`stats().crossings`); none for test streams.
  counter: Option<Arc<OktaHttp>>,
  /// The plan this stream runs, as JSON ([`sync::SyncPlan::to_json`]).
  plan: Value,
}

impl PageStream {
  fn start(http: Arc<OktaHttp>, listed: Arc<ListedIds>, plan: sync::SyncPlan) -> PageStream {
    let http_for_stats = http.clone();
    let plan_json = plan.to_json();
    let cancel = CancellationToken::new();
    let stop = CancellationToken::new();
    let (token, stop_token) = (cancel.clone(), stop.clone());
    let items = within_runtime_if_available(move || sync::run(http, plan, token, stop_token, listed));
    PageStream {
      items: Arc::new(Mutex::new(items)),
      cancel,
      stop,
      counter: Some(http_for_stats),
      plan: plan_json,
    }
  }
}

#[napi]
impl PageStream {
  /// What the stream runs: the phases, the writer's starting cursor state, the host
  /// run and the planner's warnings.
  #[napi]
  pub fn plan(&self) -> Value {
    self.plan.clone()
  }

  /// Cancels the stream: in-flight requests are dropped and the stream ends.
  #[napi]
  pub fn cancel(&self) {
    self.cancel.cancel();
  }

  /// Ends the stream gracefully: no new request starts, pages already in flight
  /// are still yielded, then the stream ends (the chunk budget).
  #[napi]
  pub fn finish(&self) {
    self.stop.cancel();
  }
}

impl AsyncGenerator for PageStream {
  type Yield = Buffer;
  type Next = ();
  type Return = ();

  fn next(
    &mut self,
    _value: Option<()>,
  ) -> impl std::future::Future<Output = napi::Result<Option<Buffer>>> + Send + 'static {
    let items = self.items.clone();
    let cancel = self.cancel.clone();
    let counter = self.counter.clone();
    async move {
      let next = AssertUnwindSafe(async move {
        let mut items = items.lock().await;
        let item = tokio::select! {
          _ = cancel.cancelled() => None,
          item = items.next() => item.map(|i| Buffer::from(i.to_json_bytes())),
        };
        if let (Some(http), Some(_)) = (&counter, &item) {
          crate::http::support::Stats::add(&http.stats.crossings, 1);
        }
        item
      })
      .catch_unwind()
      .await;
      next.map_err(|payload| napi::Error::new(napi::Status::GenericFailure, panic_message(payload.as_ref())))
    }
  }

  fn complete(
    &mut self,
    _value: Option<()>,
  ) -> impl std::future::Future<Output = napi::Result<Option<Buffer>>> + Send + 'static {
    self.cancel.cancel();
    async move { Ok(None) }
  }
}

impl Drop for PageStream {
  fn drop(&mut self) {
    self.cancel.cancel();
  }
}

/// How one `sync()` call ended, for [`end_call`].
#[napi(object)]
pub struct CallEndInput {
  /// The host run as the plan gave it (`plan.run`).
  pub run: Value,
  /// The call failed (a phase's error after the client's retries).
  pub failed: bool,
  /// Okta answered at least one page in this call.
  pub progressed: bool,
  /// Now (Unix ms).
  pub now_ms: f64,
  /// When the run budget ends (Unix ms).
  pub deadline_ms: f64,
  /// When this call's chunk budget ends (Unix ms).
  pub call_end_ms: f64,
}

/// What the writer does after a call, from [`end_call`].
#[napi(object)]
pub struct CallEndOutput {
  /// The host run to encode in the cursor (the failure streak updated).
  pub run: Value,
  /// `return` (the result as it is), `retry` (wait `waitMs`, then return the failure
  /// as `transientError`, or throw it if `Date.now() >= throwAtMs`) or `throw`.
  pub action: String,
  /// How long to wait before returning a failure.
  pub wait_ms: f64,
  /// Throw instead of returning once the wait ends at or after this (Unix ms).
  pub throw_at_ms: f64,
}

/// Test hook, only in builds with the `test-hooks` cargo feature (never shipped):
/// panics inside the addon (`'sync'` in this call, `'async'` inside a page stream's
/// `next()`), to prove a panic surfaces as a JS error (`OKTA_INTERNAL`) and never
/// crashes the process.
#[cfg(feature = "test-hooks")]
#[napi(js_name = "__testPanic")]
pub fn test_panic(where_: String) -> napi::Result<Option<PageStream>, String> {
  guard(|| {
    if where_ == "async" {
      let stream: BoxStream<'static, StreamItem> = futures::stream::once(async {
        panic!("deliberate test panic in a stream");
      })
      .boxed();
      return Ok(Some(PageStream {
        items: Arc::new(Mutex::new(stream)),
        cancel: CancellationToken::new(),
        stop: CancellationToken::new(),
        counter: None,
        plan: Value::Null,
      }));
    }
    panic!("deliberate test panic");
  })
}

/// One Tokio worker thread: a sync is bound by Okta's latency and rate limits, not
/// by parallel CPU, and a single worker avoids cross-thread wake-ups for every page.
#[napi_derive::module_init]
fn init_runtime() {
  if let Ok(rt) = tokio::runtime::Builder::new_multi_thread()
    .worker_threads(1)
    .enable_all()
    .build()
  {
    napi::bindgen_prelude::create_custom_tokio_runtime(rt);
  }
}
