//! The Okta HTTP client: one origin, SSWS or OAuth/DPoP auth (see `auth`), timeouts, gzip, no redirects,
//! size-capped bodies, per-bucket pacing and bounded retries.
//!
//! [`OktaHttp::get_page`] is the only way the connector talks to Okta. It refuses any
//! URL outside the configured origin, so the token cannot be sent elsewhere even if a
//! caller passes a bad URL.
//!
//! What page and token requests share (counters, pacers, waits, transport errors) is
//! in `support`; the client lends its parts to the token fetch as a
//! `support::Transport`, so `auth` does not import this module.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, ACCEPT_ENCODING, AUTHORIZATION, CONTENT_ENCODING, USER_AGENT, WWW_AUTHENTICATE};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::config::ClientConfig;
use crate::error::{ErrorCode, OktaError, OktaErrorBody};
use crate::http::auth::{nonce_loop, AuthProvider, RequestAuth, MAX_NONCE_RETRIES};
use crate::http::chain::ChainGuard;
use crate::http::rate_limit::{retry_after_ms, Pacer, RateLimitSnapshot, TooManyRequests};
use crate::http::retry::{retry_for_status, Retry, RetryPolicy};
use crate::http::support::{
  aborted, failure_fields, header_text, jitter_ms, now_ms, sleep_unless, AttemptFailure, Pacers, Stats, Transport,
};
use crate::log::{cut80, Level, LogEvent, LogSink};
use crate::redact::{SecretKind, Secrets};
use crate::resources::Resource;

/// Largest response body accepted, compressed or decompressed. A 1000-event System
/// Log page is a few MB; anything near this is not an Okta page.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// A successfully fetched page.
#[derive(Debug)]
pub struct FetchedPage {
  /// The body (decompressed JSON bytes).
  pub body: Vec<u8>,
  /// Every `Link` header value, unparsed.
  pub links: Vec<String>,
  /// `X-Okta-Request-Id`.
  pub request_id: Option<String>,
}

/// A request counted in its bucket's pacer until it is answered or dropped.
struct InFlight<'a> {
  pacers: &'a Pacers,
  bucket: &'static str,
}

impl Drop for InFlight<'_> {
  fn drop(&mut self) {
    self.pacers.with(self.bucket, Pacer::finished);
  }
}

/// The Okta client of one connector instance.
pub struct OktaHttp {
  client: reqwest::Client,
  cfg: ClientConfig,
  auth: AuthProvider,
  pacers: Pacers,
  policy: RetryPolicy,
  /// Every secret this client must never show (the SSWS token, OAuth tokens,
  /// assertions and proofs): what every error and log event is scrubbed with.
  secrets: Arc<Secrets>,
  /// Page counts of the Link chains in progress (the endless-chain cap).
  chains: Mutex<ChainGuard>,
  /// Counters exposed to JS as `stats()`.
  pub stats: Stats,
}

impl OktaHttp {
  /// Builds the client; fails only if the TLS stack cannot initialize.
  pub fn new(cfg: ClientConfig) -> Result<OktaHttp, OktaError> {
    let policy = cfg.retry.clone();
    let secrets = Arc::new(Secrets::new());
    secrets.add(SecretKind::Static, &cfg.token);
    let auth = AuthProvider::new(&cfg.token, cfg.oauth.clone(), &cfg.origin, secrets.clone())?;
    let client = reqwest::Client::builder()
      .redirect(reqwest::redirect::Policy::none())
      .connect_timeout(Duration::from_secs(10))
      .pool_idle_timeout(Duration::from_secs(60))
      .build()
      .map_err(|e| OktaError::new(ErrorCode::Internal, format!("Could not build the HTTP client: {e}")))?;
    Ok(OktaHttp {
      client,
      pacers: Pacers::new(cfg.rate_limit_share),
      cfg,
      auth,
      chains: Mutex::new(ChainGuard::new(policy.max_chain_pages)),
      policy,
      secrets,
      stats: Stats::default(),
    })
  }

  /// Counters plus the last rate-limit window seen per bucket, as JSON for JS:
  /// `{ requests, ..., rateLimit: { users: { limit, remaining, reset } } }`.
  pub fn stats_json(&self) -> serde_json::Value {
    let mut out = self.stats.snapshot();
    out["rateLimit"] = serde_json::Value::Object(self.pacers.windows());
    out
  }

  /// The configured origin every request goes to.
  pub fn origin(&self) -> &Url {
    &self.cfg.origin
  }

  /// The secrets of this client (SSWS token, OAuth access tokens, assertions, DPoP
  /// proofs), for redacting errors and log events: `error.redact(http.secrets())`.
  pub fn secrets(&self) -> &Secrets {
    &self.secrets
  }

  /// A shared handle on [`OktaHttp::secrets`], for log sinks that outlive a borrow.
  pub fn secrets_arc(&self) -> Arc<Secrets> {
    self.secrets.clone()
  }

  /// Counts a page of `resource`'s Link chain about to be fetched at `url`; fails past
  /// the chain's page cap (see [`crate::http::chain`]), naming the resource.
  pub fn chain_page(&self, resource: Resource, url: &Url) -> Result<(), OktaError> {
    let mut chains = self.chains.lock().unwrap_or_else(|p| p.into_inner());
    chains
      .start(resource, url)
      .map_err(|e| e.at(resource.resource_name(), &self.secrets.scrub(url.as_str())))
  }

  /// The page of `resource` just fetched links `next` (`None`: its chain ended).
  pub fn chain_linked(&self, resource: Resource, next: Option<&Url>) {
    let mut chains = self.chains.lock().unwrap_or_else(|p| p.into_inner());
    chains.linked(resource, next);
  }

  /// The sign-in scheme and, for OAuth, requested and granted scopes (no secrets).
  pub fn auth_info(&self) -> serde_json::Value {
    self.auth.info()
  }

  /// The parts of this client a request needs, lent to the token fetch (`auth`) so
  /// that it depends on them rather than on the client.
  fn transport(&self) -> Transport<'_> {
    Transport {
      client: &self.client,
      cfg: &self.cfg,
      pacers: &self.pacers,
      policy: &self.policy,
      stats: &self.stats,
      secrets: &self.secrets,
    }
  }

  /// Fetches one page with pacing and retries (policy on [`RetryPolicy`] and in
  /// `rate_limit`). Honours `cancel` during waits and in-flight requests. `stop`
  /// means "start no new request": it ends waits and prevents the next attempt, but
  /// lets a request already in flight finish, so a page paid for is not thrown away
  /// (both end the call with `Aborted`). `waits` (the chunk budget) also ends every
  /// rate-limit wait (the pacer's, a 429's, the token bucket's): a chunk's first
  /// request may start after the chunk budget is spent (its `stop` is then only the
  /// run deadline, its `waits` the budget but at least a second into the call) so
  /// every chunk makes progress, but it never waits for a window much past the
  /// budget. Pass the same token twice when there is no difference.
  ///
  /// `parse` runs on every successful response; a body it rejects is retried like a
  /// transient failure (a truncated or garbled page is usually one).
  #[allow(clippy::too_many_arguments)]
  pub async fn get_page<T>(
    &self,
    resource: Resource,
    url: &Url,
    cancel: &CancellationToken,
    stop: &CancellationToken,
    waits: &CancellationToken,
    log: &LogSink,
    parse: impl Fn(&FetchedPage) -> Result<T, OktaError>,
  ) -> Result<(FetchedPage, T), OktaError> {
    if url.origin() != self.cfg.origin.origin() {
      return Err(OktaError::new(
        ErrorCode::Internal,
        "Refused to send a request outside the configured origin.",
      ));
    }
    let net = self.transport();
    let started = Instant::now();
    let mut backoff = self.policy.backoff();
    let mut attempts = 0u32;
    let mut rate_waits = 0u32;
    let (mut refreshes, mut nonce_retries) = (0u32, 0u32);
    loop {
      if cancel.is_cancelled() || stop.is_cancelled() {
        return Err(aborted());
      }
      // Check and reserve in one step, so concurrent requests of a bucket cannot all
      // pass the same check; after a wait, check again.
      let wait = self.pacers.with(resource.bucket(), |p| {
        let wait = p.delay_ms(now_ms(), jitter_ms());
        if wait.is_none() {
          p.started();
        }
        wait
      });
      if let Some(wait) = wait {
        if waits.is_cancelled() {
          return Err(aborted());
        }
        net.log_wait_as(resource.bucket(), resource.resource_name(), wait, log);
        sleep_unless(wait, cancel, stop, waits).await?;
        continue;
      }
      let in_flight = InFlight {
        pacers: &self.pacers,
        bucket: resource.bucket(),
      };
      let auth = self
        .auth
        .authorize(&net, "GET", url, cancel, stop, waits, log)
        .await
        .map_err(|e| e.at(resource.resource_name(), url.as_str()).redact(&self.secrets))?;
      attempts += 1;
      let failure = tokio::select! {
        _ = cancel.cancelled() => return Err(aborted()),
        result = self.attempt(resource, url, &auth, log) => match result {
          Ok(page) => match parse(&page) {
            Ok(parsed) => return Ok((page, parsed)),
            Err(mut error) => {
              error.request_id = page.request_id.clone();
              AttemptFailure { error, retry: Retry::Backoff }
            }
          },
          Err(f) => f,
        },
      };
      drop(in_flight);
      let mut error = failure
        .error
        .at(resource.resource_name(), url.as_str())
        .redact(&self.secrets);
      let delay = match failure.retry {
        Retry::Reauth { refresh: true } => {
          refreshes += 1;
          match (refreshes <= 1, self.auth.oauth(), &auth.token) {
            (true, Some(session), Some(token)) => {
              session.invalidate(token.generation).await;
              Some(0)
            }
            _ => None,
          }
        }
        Retry::Reauth { refresh: false } => {
          nonce_retries += 1;
          if nonce_retries > MAX_NONCE_RETRIES {
            let mut looped = nonce_loop(self.cfg.origin.host_str().unwrap_or("").to_string(), resource.path());
            looped.status = error.status;
            looped.request_id = error.request_id.clone();
            error = looped.at(resource.resource_name(), url.as_str()).redact(&self.secrets);
            None
          } else {
            Some(0)
          }
        }
        other => self
          .policy
          .delay(other, attempts, &mut rate_waits, &mut backoff, started),
      };
      let shown = cut80(&self.secrets.scrub(url.as_str()));
      let mut fields = json!({
        "resource": resource.resource_name(),
        "page": shown,
        "cursor": shown,
      });
      failure_fields(&mut fields, &error, attempts, delay);
      log(LogEvent {
        level: Level::Warn,
        event: "fetch page failed",
        fields,
      });
      match delay {
        None => return Err(error),
        Some(ms) => {
          let rate_limited = matches!(failure.retry, Retry::After { .. });
          if rate_limited && waits.is_cancelled() {
            return Err(aborted());
          }
          net
            .wait_to_retry(
              ms,
              rate_limited.then_some((resource.bucket(), resource.resource_name())),
              cancel,
              stop,
              if rate_limited { waits } else { stop },
              log,
            )
            .await?;
        }
      }
    }
  }

  /// Reports a response to the host's observer: the body as JSON (as text when it
  /// is not JSON). The sink scrubs every secret from it, the URL included.
  fn observe(&self, resource: Resource, url: &Url, status: u16, request_id: Option<&str>, body: &[u8], log: &LogSink) {
    let body = serde_json::from_slice::<serde_json::Value>(body)
      .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(body).into_owned()));
    log(LogEvent {
      level: Level::Observation,
      event: "response",
      fields: json!({
        "url": self.secrets.scrub(url.as_str()),
        "method": "GET",
        "status": status,
        "resource": resource.resource_name(),
        // As rawdash's connectors do: an id of our own when Okta sent none.
        "requestId": request_id.map_or_else(|| format!("okta-native-{:016x}", rand::random::<u64>()), str::to_string),
        "body": body,
      }),
    });
  }

  /// One HTTP round trip, classified.
  async fn attempt(
    &self,
    resource: Resource,
    url: &Url,
    auth: &RequestAuth,
    log: &LogSink,
  ) -> Result<FetchedPage, AttemptFailure> {
    let timeout = Duration::from_millis(self.cfg.request_timeout_ms);
    let mut request = self.client.get(url.clone());
    if let Some(proof) = &auth.dpop {
      request = request.header("DPoP", proof.clone());
    }
    let request = request
      .header(AUTHORIZATION, auth.authorization.clone())
      .header(ACCEPT, "application/json")
      .header(USER_AGENT, &self.cfg.user_agent)
      .header(ACCEPT_ENCODING, "gzip")
      .timeout(timeout);
    Stats::add(&self.stats.requests, 1);
    let mut response = request
      .send()
      .await
      .map_err(|e| self.transport().transport_failure(e))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let request_id = header_text(&headers, "x-okta-request-id", &self.secrets);
    let snapshot = RateLimitSnapshot::from_headers(&headers);
    let session = self.auth.oauth();
    // A nonce challenge is worth a retry when it names a nonce other than the one sent.
    let new_nonce = session
      .and_then(|s| s.observe_nonce(&headers, false))
      .is_some_and(|n| auth.nonce.as_deref() != Some(n.as_str()));

    let mut too_many = None;
    if status == 429 {
      Stats::add(&self.stats.rate_limited, 1);
      let retry_after = retry_after_ms(&headers);
      too_many = Some(self.pacers.with(resource.bucket(), |p| {
        p.on_too_many_requests(snapshot, retry_after, now_ms(), jitter_ms())
      }));
    } else if let Some(snap) = snapshot {
      self.pacers.with(resource.bucket(), |p| p.observe(snap, now_ms()));
    }

    let mut body = Vec::new();
    loop {
      match response.chunk().await {
        Ok(Some(chunk)) => {
          if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(AttemptFailure {
              error: with_status(
                OktaError::new(
                  ErrorCode::BadResponse,
                  format!("Response body larger than {MAX_BODY_BYTES} bytes."),
                ),
                status,
                request_id,
              ),
              retry: Retry::Never,
            });
          }
          body.extend_from_slice(&chunk);
        }
        Ok(None) => break,
        Err(e) => {
          let mut failure = self.transport().transport_failure(e);
          failure.error = with_status(failure.error, status, request_id);
          return Err(failure);
        }
      }
    }
    let gzipped = headers
      .get(CONTENT_ENCODING)
      .and_then(|v| v.to_str().ok())
      .is_some_and(|v| v.trim().eq_ignore_ascii_case("gzip"));
    if gzipped {
      body = gunzip(&body).map_err(|error| AttemptFailure {
        // A bomb is not a passing fault: retrying would only decode it again.
        retry: if error.code == ErrorCode::BadResponse {
          Retry::Never
        } else {
          Retry::Backoff
        },
        error: with_status(error, status, request_id.clone()),
      })?;
    }
    Stats::add(&self.stats.bytes, body.len() as u64);
    if self.cfg.observe {
      self.observe(resource, url, status, request_id.as_deref(), &body, log);
    }

    if (200..300).contains(&status) {
      let links = headers
        .get_all("link")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_string)
        .collect();
      return Ok(FetchedPage {
        body,
        links,
        request_id,
      });
    }

    let okta = OktaErrorBody::parse(&body, &self.secrets);
    let summary = okta
      .as_ref()
      .map(|b| {
        let code = b.error_code.as_deref().unwrap_or("");
        let text = b.error_summary.as_deref().unwrap_or("");
        let causes = if b.error_causes.is_empty() {
          String::new()
        } else {
          format!(" ({})", b.error_causes.join("; "))
        };
        format!("{code} {text}{causes}").trim().to_string()
      })
      .unwrap_or_else(|| format!("HTTP {status}"));
    let host = self.cfg.origin.host_str().unwrap_or("").to_string();
    let path = resource.path();
    let rid = request_id
      .as_deref()
      .map(|r| format!(" [X-Okta-Request-Id {r}]"))
      .unwrap_or_default();
    let challenge = header_text(&headers, WWW_AUTHENTICATE.as_str(), &self.secrets).unwrap_or_default();
    let oauth = session.is_some();
    let (code, message, retry) = match status {
      401 if oauth && challenge.contains("use_dpop_nonce") && new_nonce => (
        ErrorCode::InvalidToken,
        format!("Okta asked for a new DPoP nonce on {path}{rid}."),
        Retry::Reauth { refresh: false },
      ),
      // Asked for a nonce without sending a new one: retrying cannot help.
      401 if oauth && challenge.contains("use_dpop_nonce") => (
        ErrorCode::DpopNonceLoop,
        format!("{host} asked for a DPoP nonce on {path} without sending a new one in DPoP-Nonce{rid}. A proxy between the connector and Okta may be dropping the DPoP-Nonce header."),
        Retry::Never,
      ),
      401 if oauth => (
        ErrorCode::InvalidToken,
        format!("Okta rejected the OAuth access token for {host} on {path}: {summary}{rid}. A fresh token was requested once and was rejected too: check that the service app is active and its grant was not revoked (Admin Console > Applications > the app)."),
        Retry::Reauth { refresh: true },
      ),
      403 if oauth && challenge.contains("insufficient_scope") => (
        ErrorCode::InsufficientScope,
        format!("The service app's token lacks the scope {} needed to read {path} on {host}: {summary}{rid}. Grant {} on the app's Okta API Scopes tab, or remove \"{}\" from resources.", resource.scope(), resource.scope(), resource.setting_name()),
        Retry::Never,
      ),
      403 if oauth => (
        ErrorCode::Forbidden,
        format!("The service app may not read {path} on {host}: {summary}{rid}. Assign the app an admin role that can read {} (Admin Console > Applications > the app > Admin roles; Read-Only Administrator is enough), or remove \"{}\" from resources.", resource.resource_name(), resource.setting_name()),
        Retry::Never,
      ),
      401 => (
        ErrorCode::InvalidToken,
        format!("Okta rejected the API token for {host}: {summary}{rid}. Create a new API token (Security > API > Tokens) and update apiToken; unused tokens expire after 30 days."),
        Retry::Never,
      ),
      403 => (
        ErrorCode::Forbidden,
        format!("The API token may not read {path} on {host}: {summary}{rid}. Use a token created by an admin who can read {} (for example a Read-Only Administrator), or remove \"{}\" from resources.", resource.resource_name(), resource.setting_name()),
        Retry::Never,
      ),
      404 => (
        ErrorCode::NotFound,
        format!("{host} answered 404 for {path}: {summary}{rid}. Check that host is your Okta org host (e.g. acme.okta.com)."),
        Retry::Never,
      ),
      429 => {
        let retry = match too_many {
          Some(TooManyRequests::WindowSpent { wait_ms }) => Retry::After { wait_ms },
          _ => Retry::Backoff,
        };
        let what = if matches!(too_many, Some(TooManyRequests::Concurrency)) { "concurrency limit" } else { "rate limit" };
        (
          ErrorCode::RateLimited,
          format!("Okta's {what} for {path} on {host} was exceeded: {summary}{rid}. The sync resumes from its cursor once the limit resets; lower rateLimitShare if other integrations are starved."),
          retry,
        )
      }
      300..=399 => (
        ErrorCode::RedirectRefused,
        format!(
          "{host} answered {status} redirecting to {}; redirects are not followed so the token stays on the configured host. Check that host is the org's Okta domain.",
          header_text(&headers, "location", &self.secrets).map(|l| crate::redact::cut(&l, 120)).unwrap_or_else(|| "nowhere".into())
        ),
        Retry::Never,
      ),
      400 => (ErrorCode::BadRequest, format!("Okta rejected the request to {path}: {summary}{rid}."), Retry::Never),
      408 => (ErrorCode::Timeout, format!("Okta timed out on {path}: {summary}{rid}."), retry_for_status(status)),
      500..=599 => (ErrorCode::ServerError, format!("Okta failed on {path} with {status}: {summary}{rid}."), retry_for_status(status)),
      _ => (ErrorCode::HttpError, format!("Okta answered {status} for {path}: {summary}{rid}."), Retry::Never),
    };
    let mut error = with_status(OktaError::new(code, message), status, request_id);
    error.okta = okta;
    Err(AttemptFailure {
      error: error.redact(&self.secrets),
      retry,
    })
  }
}

/// The first output buffer for decoding `compressed_len` bytes of gzip whose trailer
/// claims `isize_hint` decoded bytes: the claim (a lying trailer only means a retry with
/// a larger buffer), else four times the input, never more than
/// [`MAX_BODY_BYTES`]` + 1` (one byte more tells "too large" from "exactly the cap").
pub(crate) fn first_gzip_buffer(compressed_len: usize, isize_hint: usize) -> usize {
  isize_hint
    .max(compressed_len.saturating_mul(4))
    .clamp(1024, MAX_BODY_BYTES + 1)
}

/// Decodes a gzip body in one shot, refusing more than [`MAX_BODY_BYTES`] of output
/// (a decompression bomb is a bad response, not an out-of-memory): no buffer is ever
/// larger than [`MAX_BODY_BYTES`]` + 1`.
fn gunzip(compressed: &[u8]) -> Result<Vec<u8>, OktaError> {
  // The gzip trailer's ISIZE is the decoded size (mod 2^32); libdeflate needs the
  // output buffer up front.
  let isize_hint = compressed
    .len()
    .checked_sub(4)
    .and_then(|at| compressed.get(at..))
    .and_then(|tail| <[u8; 4]>::try_from(tail).ok())
    .map(|tail| u32::from_le_bytes(tail) as usize)
    .unwrap_or(0);
  let corrupt = |why: &str| {
    OktaError::new(
      ErrorCode::Network,
      format!("The gzip response body is corrupt or truncated ({why})."),
    )
  };
  let too_large = || {
    OktaError::new(
      ErrorCode::BadResponse,
      format!("Response body larger than {MAX_BODY_BYTES} bytes once decompressed (a gzip bomb?)."),
    )
  };
  if isize_hint > MAX_BODY_BYTES {
    return Err(too_large());
  }
  let mut decompressor = libdeflater::Decompressor::new();
  let mut size = first_gzip_buffer(compressed.len(), isize_hint);
  loop {
    let mut out = vec![0u8; size];
    match decompressor.gzip_decompress(compressed, &mut out) {
      Ok(n) if n > MAX_BODY_BYTES => return Err(too_large()),
      Ok(n) => {
        out.truncate(n);
        return Ok(out);
      }
      Err(libdeflater::DecompressionError::InsufficientSpace) if size <= MAX_BODY_BYTES => {
        size = size.saturating_mul(2).min(MAX_BODY_BYTES + 1);
      }
      Err(libdeflater::DecompressionError::InsufficientSpace) => return Err(too_large()),
      Err(libdeflater::DecompressionError::BadData) => return Err(corrupt("bad data")),
    }
  }
}

fn with_status(mut error: OktaError, status: u16, request_id: Option<String>) -> OktaError {
  error.status = Some(status);
  error.request_id = request_id;
  error
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn gzip_buffers_never_exceed_the_cap() {
    // A 64 MiB compressed body used to get a 256 MiB buffer before the cap applied.
    assert!(first_gzip_buffer(MAX_BODY_BYTES, 0) <= MAX_BODY_BYTES + 1);
    assert!(first_gzip_buffer(usize::MAX, usize::MAX) <= MAX_BODY_BYTES + 1);
    assert_eq!(first_gzip_buffer(100, 5_000), 5_000);
    assert_eq!(first_gzip_buffer(10, 0), 1024);
  }

  fn gzip(data: &[u8]) -> Vec<u8> {
    let mut c = libdeflater::Compressor::new(libdeflater::CompressionLvl::fastest());
    let mut out = vec![0u8; c.gzip_compress_bound(data.len())];
    let n = c.gzip_compress(data, &mut out).unwrap();
    out.truncate(n);
    out
  }

  #[test]
  fn a_gzip_bomb_is_a_clear_error() {
    let bomb = gzip(&vec![b' '; MAX_BODY_BYTES + 4096]);
    // Its trailer claims a huge size: refused before any buffer.
    let mut claims_huge = bomb.clone();
    let at = claims_huge.len() - 4;
    claims_huge[at..].copy_from_slice(&u32::MAX.to_le_bytes());
    // Its trailer lies small: the buffer grows to the cap, then it is refused.
    let mut claims_small = bomb.clone();
    claims_small[at..].copy_from_slice(&16u32.to_le_bytes());
    for body in [bomb, claims_huge, claims_small] {
      let err = gunzip(&body).unwrap_err();
      assert_eq!(err.code, ErrorCode::BadResponse);
      assert!(err.message.contains("larger than"), "{}", err.message);
    }
    assert_eq!(gunzip(&gzip(b"[1,2]")).unwrap(), b"[1,2]");
  }
}
