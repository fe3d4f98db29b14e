//! How requests are authenticated: a static SSWS header, or an OAuth 2.0 service app
//! (client credentials with `private_key_jwt`, DPoP-bound tokens).
//!
//! OAuth in short:
//! - The token comes from `{origin}/oauth2/v1/token` (the configured origin only, no
//!   redirects), paced in its own rate-limit bucket (`token`) and retried like pages.
//! - Every token request carries a DPoP proof; a `use_dpop_nonce` answer is retried
//!   with the server's nonce (at most [`MAX_NONCE_RETRIES`] times, then
//!   `OKTA_DPOP_NONCE_LOOP`). A `token_type: Bearer` answer (an app without DPoP) is
//!   accepted and then used without proofs.
//! - One token is cached per client and shared by every phase: whoever finds it
//!   missing or due fetches it while holding the lock, the others wait for that
//!   result (no stampede). It is refreshed ahead of expiry ([`refresh_margin`]) and
//!   once more after a 401 (see `OktaHttp::get_page`).
//! - API requests send `Authorization: DPoP <token>` and a fresh proof (`htm`, `htu`
//!   without query, `iat`, unique `jti`, `ath`, the latest nonce). A `DPoP-Nonce`
//!   header on any response replaces the nonce.
//! - The token request is sent, paced (in the client's pacers), retried and counted
//!   through the `support::Transport` the requesting client lends, so nothing here depends
//!   on the client itself (`client` imports this module, not the reverse).
//! - Tokens, assertions and proofs never reach logs or errors: each is registered in
//!   the client's [`Secrets`] as it is made or received, and every error and log event
//!   is redacted with them (`crate::redact`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use url::Url;
use zeroize::Zeroizing;

use crate::config::{check_token, OAuthClientConfig};
use crate::error::{ErrorCode, OktaError, OktaErrorBody};
use crate::http::jose::access_token_hash;
use crate::http::rate_limit::{retry_after_ms, RateLimitSnapshot, TooManyRequests};
use crate::http::retry::{retry_for_status, Retry};
use crate::http::support::{aborted, failure_fields, header_text, jitter_ms, now_ms, sleep_unless, Stats, Transport};
use crate::log::{Level, LogEvent, LogSink};
use crate::redact::{SecretKind, Secrets};

/// The rate-limit bucket of the token endpoint.
pub const TOKEN_BUCKET: &str = "token";
/// The `resource` field of the token endpoint's log events (`rate limit wait`).
pub const TOKEN_LOG_LABEL: &str = "oauth2_token";
/// The token endpoint's path on the org.
pub const TOKEN_PATH: &str = "/oauth2/v1/token";
/// `use_dpop_nonce` answers retried per token request or page before
/// `OKTA_DPOP_NONCE_LOOP`: one is expected, a second can follow a nonce rotation.
pub const MAX_NONCE_RETRIES: u32 = 2;
/// Largest token response accepted.
const MAX_TOKEN_BODY: usize = 256 * 1024;

/// How long before expiry a token is replaced: a tenth of its lifetime, at most a minute.
pub fn refresh_margin(lifetime: Duration) -> Duration {
  (lifetime / 10).min(Duration::from_secs(60))
}

fn now_s() -> u64 {
  SystemTime::now()
    .duration_since(UNIX_EPOCH)
    .map(|d| d.as_secs())
    .unwrap_or(0)
}

/// A cached access token. The value is zeroized when the last holder drops it.
pub struct AccessToken {
  value: Zeroizing<String>,
  /// DPoP-bound (`token_type: DPoP`) or plain `Bearer`.
  pub dpop: bool,
  refresh_at: Instant,
  /// Increments with every token fetched by this client.
  pub generation: u64,
}

impl AccessToken {
  /// The token text, for building headers and redacting errors.
  pub fn secret(&self) -> &str {
    &self.value
  }
}

/// The cached token, or the error of the last fetch.
#[derive(Default)]
struct TokenSlot {
  token: Option<Arc<AccessToken>>,
  failure: Option<OktaError>,
}

/// What the last token response granted.
#[derive(Debug, Clone)]
struct Grant {
  token_type: &'static str,
  scopes: Option<Vec<String>>,
  expires_in: u64,
}

/// State of an OAuth sign-in: config, the cached token and the DPoP nonce.
pub struct OAuthSession {
  cfg: OAuthClientConfig,
  token_url: Url,
  token: tokio::sync::Mutex<TokenSlot>,
  /// Completed token fetches (success or failure): lets a phase that waited for a
  /// fetch tell that it just failed, and share that error instead of retrying.
  fetches: AtomicU64,
  /// The latest `DPoP-Nonce` of the token endpoint and of the API (RFC 9449 lets
  /// each server keep its own).
  token_nonce: StdMutex<Option<String>>,
  api_nonce: StdMutex<Option<String>>,
  generation: AtomicU64,
  token_requests: AtomicU64,
  grant: StdMutex<Option<Grant>>,
  /// The client's secrets: every token, assertion and proof is added as it is made.
  secrets: Arc<Secrets>,
}

/// The request authentication scheme of a client.
pub enum AuthProvider {
  /// `Authorization: SSWS <token>`, built once.
  Ssws(HeaderValue),
  /// OAuth 2.0 service app.
  OAuth(Box<OAuthSession>),
}

/// Headers authenticating one request.
pub struct RequestAuth {
  /// `Authorization`.
  pub authorization: HeaderValue,
  /// `DPoP` proof, for DPoP-bound tokens.
  pub dpop: Option<HeaderValue>,
  /// The OAuth token used (for refresh decisions and redaction).
  pub token: Option<Arc<AccessToken>>,
  /// The DPoP nonce the proof carried.
  pub nonce: Option<String>,
}

fn sensitive(text: &str) -> Result<HeaderValue, OktaError> {
  let mut value = HeaderValue::from_str(text).map_err(|_| {
    OktaError::new(
      ErrorCode::BadResponse,
      "Okta issued an access token that is not a valid header value.",
    )
  })?;
  value.set_sensitive(true);
  Ok(value)
}

impl AuthProvider {
  /// SSWS with `token`, or OAuth when `oauth` is set. `origin` is where the token
  /// endpoint is (`https://{host}`, or the test/proxy base URL). OAuth registers every
  /// access token, assertion and proof in `secrets`.
  pub fn new(
    token: &str,
    oauth: Option<OAuthClientConfig>,
    origin: &Url,
    secrets: Arc<Secrets>,
  ) -> Result<AuthProvider, OktaError> {
    match oauth {
      Some(cfg) => {
        let token_url = origin
          .join(TOKEN_PATH)
          .map_err(|e| OktaError::new(ErrorCode::Internal, format!("Could not build the token URL: {e}")))?;
        Ok(AuthProvider::OAuth(Box::new(OAuthSession {
          cfg,
          token_url,
          token: tokio::sync::Mutex::new(TokenSlot::default()),
          fetches: AtomicU64::new(0),
          token_nonce: StdMutex::new(None),
          api_nonce: StdMutex::new(None),
          generation: AtomicU64::new(0),
          token_requests: AtomicU64::new(0),
          grant: StdMutex::new(None),
          secrets,
        })))
      }
      None => {
        let mut auth = HeaderValue::from_str(&format!("SSWS {token}")).map_err(|_| {
          OktaError::new(
            ErrorCode::InvalidConfig,
            "apiToken: contains characters not allowed in a header.",
          )
        })?;
        auth.set_sensitive(true);
        Ok(AuthProvider::Ssws(auth))
      }
    }
  }

  /// The OAuth session, when signing in with OAuth.
  pub fn oauth(&self) -> Option<&OAuthSession> {
    match self {
      AuthProvider::OAuth(s) => Some(s),
      AuthProvider::Ssws(_) => None,
    }
  }

  /// `{ scheme, clientId, alg, requestedScopes, grantedScopes, tokenType, expiresIn,
  /// tokenRequests }` (no secrets), for `check` and diagnostics.
  pub fn info(&self) -> Value {
    match self {
      AuthProvider::Ssws(_) => json!({ "scheme": "ssws" }),
      AuthProvider::OAuth(s) => {
        let grant = s.grant.lock().unwrap_or_else(|p| p.into_inner()).clone();
        json!({
          "scheme": "oauth",
          "clientId": s.cfg.client_id,
          "alg": s.cfg.key.alg_name(),
          "requestedScopes": s.cfg.scopes,
          "grantedScopes": grant.as_ref().and_then(|g| g.scopes.clone()),
          "tokenType": grant.as_ref().map(|g| g.token_type),
          "expiresIn": grant.as_ref().map(|g| g.expires_in),
          "tokenRequests": s.token_requests.load(Ordering::Relaxed),
        })
      }
    }
  }
}

impl OAuthSession {
  fn slot(&self, token_endpoint: bool) -> &StdMutex<Option<String>> {
    if token_endpoint {
      &self.token_nonce
    } else {
      &self.api_nonce
    }
  }

  fn nonce(&self, token_endpoint: bool) -> Option<String> {
    self
      .slot(token_endpoint)
      .lock()
      .unwrap_or_else(|p| p.into_inner())
      .clone()
  }

  /// Records the `DPoP-Nonce` of a response (token endpoint or API) and returns it.
  pub fn observe_nonce(&self, headers: &HeaderMap, token_endpoint: bool) -> Option<String> {
    let nonce = headers
      .get("dpop-nonce")
      .and_then(|v| v.to_str().ok())
      .map(str::trim)
      .filter(|n| !n.is_empty() && n.len() <= 512)?;
    *self.slot(token_endpoint).lock().unwrap_or_else(|p| p.into_inner()) = Some(nonce.to_string());
    Some(nonce.to_string())
  }

  /// Drops the cached token if it is still generation `generation` (after a 401).
  pub async fn invalidate(&self, generation: u64) {
    let mut slot = self.token.lock().await;
    if slot.token.as_ref().is_some_and(|t| t.generation == generation) {
      slot.token = None;
    }
  }

  /// The proof for one API request with `token` (or the token request, without),
  /// and the nonce it carries.
  fn proof(&self, method: &str, url: &Url, token: Option<&str>) -> Result<(HeaderValue, Option<String>), OktaError> {
    let ath = token.map(access_token_hash);
    let nonce = self.nonce(token.is_none());
    let proof = self
      .cfg
      .key
      .dpop_proof(method, url, nonce.as_deref(), ath.as_deref(), now_s())?;
    self.secrets.add(SecretKind::Proof, &proof);
    Ok((sensitive(&proof)?, nonce))
  }
}

/// One token-endpoint round trip's outcome.
enum TokenStep {
  Done(AccessToken),
  /// `use_dpop_nonce`: retry at once with the nonce just received.
  Nonce,
  Fail(OktaError, Retry),
}

impl AuthProvider {
  /// Headers for one request to `url`: the SSWS header, or a (possibly new) OAuth
  /// token with a fresh DPoP proof. A token is fetched through `net`, the requesting
  /// client's transport (its pacers, retry policy and counters).
  // Eight arguments: the client's three stop signals and its log sink pass through to
  // the token fetch unchanged, as `OktaHttp::get_page` receives them.
  #[allow(clippy::too_many_arguments)]
  pub(crate) async fn authorize(
    &self,
    net: &Transport<'_>,
    method: &str,
    url: &Url,
    cancel: &CancellationToken,
    stop: &CancellationToken,
    waits: &CancellationToken,
    log: &LogSink,
  ) -> Result<RequestAuth, OktaError> {
    match self {
      AuthProvider::Ssws(header) => Ok(RequestAuth {
        authorization: header.clone(),
        dpop: None,
        token: None,
        nonce: None,
      }),
      AuthProvider::OAuth(session) => {
        let token = session.access_token(net, cancel, stop, waits, log).await?;
        let scheme = if token.dpop { "DPoP" } else { "Bearer" };
        let authorization = sensitive(&format!("{scheme} {}", token.secret()))?;
        let (dpop, nonce) = if token.dpop {
          let (proof, nonce) = session.proof(method, url, Some(token.secret()))?;
          (Some(proof), nonce)
        } else {
          (None, None)
        };
        Ok(RequestAuth {
          authorization,
          dpop,
          token: Some(token),
          nonce,
        })
      }
    }
  }
}

impl OAuthSession {
  /// The shared token: cached, or fetched while holding the lock so concurrent
  /// phases wait for one request instead of each sending their own.
  async fn access_token(
    &self,
    net: &Transport<'_>,
    cancel: &CancellationToken,
    stop: &CancellationToken,
    waits: &CancellationToken,
    log: &LogSink,
  ) -> Result<Arc<AccessToken>, OktaError> {
    let seen = self.fetches.load(Ordering::Acquire);
    let mut slot = tokio::select! {
      _ = cancel.cancelled() => return Err(aborted()),
      slot = self.token.lock() => slot,
    };
    if let Some(token) = slot.token.as_ref().filter(|t| Instant::now() < t.refresh_at) {
      return Ok(token.clone());
    }
    // A fetch failed while this phase waited for it: share its error, do not retry.
    if let Some(failure) = slot
      .failure
      .as_ref()
      .filter(|_| self.fetches.load(Ordering::Acquire) != seen)
    {
      return Err(failure.clone());
    }
    let fetched = self.fetch_token(net, cancel, stop, waits, log).await;
    self.fetches.fetch_add(1, Ordering::AcqRel);
    match fetched {
      Ok(token) => {
        let fresh = Arc::new(token);
        slot.token = Some(fresh.clone());
        slot.failure = None;
        Ok(fresh)
      }
      Err(error) => {
        slot.token = None;
        slot.failure = Some(error.clone());
        Err(error)
      }
    }
  }

  /// Requests a token: paced in the `token` bucket, nonce retries, bounded retries
  /// of transient failures and 429s.
  async fn fetch_token(
    &self,
    net: &Transport<'_>,
    cancel: &CancellationToken,
    stop: &CancellationToken,
    waits: &CancellationToken,
    log: &LogSink,
  ) -> Result<AccessToken, OktaError> {
    let started = Instant::now();
    let mut backoff = net.policy.backoff();
    let (mut attempts, mut rate_waits, mut nonce_retries) = (0u32, 0u32, 0u32);
    loop {
      if cancel.is_cancelled() || stop.is_cancelled() {
        return Err(aborted());
      }
      if let Some(wait) = net.with_pacer(TOKEN_BUCKET, |p| p.delay_ms(now_ms(), jitter_ms())) {
        if waits.is_cancelled() {
          return Err(aborted());
        }
        net.log_wait_as(TOKEN_BUCKET, TOKEN_LOG_LABEL, wait, log);
        sleep_unless(wait, cancel, stop, waits).await?;
      }
      attempts += 1;
      let step = tokio::select! {
        _ = cancel.cancelled() => return Err(aborted()),
        step = self.token_attempt(net) => step,
      };
      let (error, retry) = match step {
        TokenStep::Done(token) => return Ok(token),
        TokenStep::Nonce => {
          nonce_retries += 1;
          if nonce_retries <= MAX_NONCE_RETRIES {
            continue;
          }
          (nonce_loop(net.host(), "the token endpoint"), Retry::Never)
        }
        TokenStep::Fail(error, retry) => (error, retry),
      };
      let delay = net
        .policy
        .delay(retry, attempts, &mut rate_waits, &mut backoff, started);
      let mut fields = json!({ "resource": TOKEN_LOG_LABEL });
      failure_fields(&mut fields, &error, attempts, delay);
      log(LogEvent {
        level: Level::Warn,
        event: "token request failed",
        fields,
      });
      match delay {
        None => return Err(error),
        Some(ms) => {
          let rate_limited = matches!(retry, Retry::After { .. });
          if rate_limited && waits.is_cancelled() {
            return Err(aborted());
          }
          net
            .wait_to_retry(
              ms,
              rate_limited.then_some((TOKEN_BUCKET, TOKEN_LOG_LABEL)),
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

  /// One POST to the token endpoint.
  async fn token_attempt(&self, net: &Transport<'_>) -> TokenStep {
    let cfg = &self.cfg;
    let assertion = match cfg.key.client_assertion(&cfg.client_id, &cfg.audience, now_s()) {
      Ok(a) => a,
      Err(e) => return TokenStep::Fail(e, Retry::Never),
    };
    self.secrets.add(SecretKind::Assertion, &assertion);
    let proof = match self.proof("POST", &self.token_url, None) {
      Ok((p, _)) => p,
      Err(e) => return TokenStep::Fail(e, Retry::Never),
    };
    match self.token_round_trip(net, &assertion, proof).await {
      // Whatever the server echoed, the assertion, the proof and tokens stay out of errors.
      TokenStep::Fail(error, retry) => TokenStep::Fail(error.redact(&self.secrets), retry),
      step => step,
    }
  }

  /// Sends the token request with `assertion` and the DPoP `proof`, and classifies the answer.
  async fn token_round_trip(&self, net: &Transport<'_>, assertion: &str, proof: HeaderValue) -> TokenStep {
    let cfg = &self.cfg;
    let host = net.host();
    let body = Zeroizing::new(
      url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("scope", &cfg.scopes.join(" "))
        .append_pair(
          "client_assertion_type",
          "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        )
        .append_pair("client_assertion", assertion)
        .finish(),
    );
    self.token_requests.fetch_add(1, Ordering::Relaxed);
    Stats::add(&net.stats.requests, 1);
    let request = net
      .client
      .post(self.token_url.clone())
      .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
      .header(ACCEPT, "application/json")
      .header(USER_AGENT, &net.cfg.user_agent)
      .header("DPoP", proof)
      .body(body.as_bytes().to_vec())
      .timeout(Duration::from_millis(net.cfg.request_timeout_ms));
    let mut response = match request.send().await {
      Ok(r) => r,
      Err(e) => {
        let failure = net.transport_failure(e);
        return TokenStep::Fail(failure.error, failure.retry);
      }
    };
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let request_id = header_text(&headers, "x-okta-request-id", &self.secrets);
    self.observe_nonce(&headers, true);
    let snapshot = RateLimitSnapshot::from_headers(&headers);
    let mut too_many = None;
    if status == 429 {
      Stats::add(&net.stats.rate_limited, 1);
      let retry_after = retry_after_ms(&headers);
      too_many = Some(net.with_pacer(TOKEN_BUCKET, |p| {
        p.on_too_many_requests(snapshot, retry_after, now_ms(), jitter_ms())
      }));
    } else if let Some(snap) = snapshot {
      net.with_pacer(TOKEN_BUCKET, |p| p.observe(snap, now_ms()));
    }
    let mut bytes = Vec::new();
    loop {
      match response.chunk().await {
        Ok(Some(chunk)) if bytes.len() + chunk.len() <= MAX_TOKEN_BODY => bytes.extend_from_slice(&chunk),
        Ok(Some(_)) => {
          return TokenStep::Fail(
            status_error(
              ErrorCode::BadResponse,
              "The token response is too large.".into(),
              status,
              request_id,
            ),
            Retry::Never,
          )
        }
        Ok(None) => break,
        Err(e) => {
          let failure = net.transport_failure(e);
          return TokenStep::Fail(failure.error, failure.retry);
        }
      }
    }
    let bytes = Zeroizing::new(bytes);
    let rid = request_id
      .as_deref()
      .map(|r| format!(" [X-Okta-Request-Id {r}]"))
      .unwrap_or_default();
    if (200..300).contains(&status) {
      return match parse_token(&bytes) {
        Ok((value, dpop, expires_in, scopes)) => {
          self.secrets.add(SecretKind::AccessToken, &value);
          let lifetime = Duration::from_secs(expires_in);
          let generation = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
          *self.grant.lock().unwrap_or_else(|p| p.into_inner()) = Some(Grant {
            token_type: if dpop { "DPoP" } else { "Bearer" },
            scopes,
            expires_in,
          });
          TokenStep::Done(AccessToken {
            value,
            dpop,
            refresh_at: Instant::now() + lifetime - refresh_margin(lifetime),
            generation,
          })
        }
        Err(msg) => TokenStep::Fail(
          status_error(
            ErrorCode::BadResponse,
            format!("{host} answered the token request with {msg}{rid}."),
            status,
            request_id,
          ),
          Retry::Backoff,
        ),
      };
    }
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let text = |k: &str| body.get(k).and_then(Value::as_str).map(|s| self.secrets.clean(s, 300));
    let oauth_error = text("error").or_else(|| text("errorCode"));
    let description = text("error_description")
      .or_else(|| text("errorSummary"))
      .unwrap_or_default();
    if oauth_error.as_deref() == Some("use_dpop_nonce") {
      if headers.contains_key("dpop-nonce") {
        return TokenStep::Nonce;
      }
      return TokenStep::Fail(nonce_loop(host, "the token endpoint"), Retry::Never);
    }
    let summary = match (&oauth_error, description.is_empty()) {
      (Some(e), false) => format!("{e}: {description}"),
      (Some(e), true) => e.clone(),
      (None, _) => format!("HTTP {status}"),
    };
    let scopes = cfg.scopes.join(" ");
    let client = &cfg.client_id;
    let skewed = {
      let d = description.to_ascii_lowercase();
      [
        "iat",
        "issued",
        "expired",
        "expiration",
        "future",
        "clock",
        "not yet valid",
      ]
      .iter()
      .any(|w| d.contains(w))
    };
    let (code, message, retry) = match (status, oauth_error.as_deref()) {
      (300..=399, _) => (
        ErrorCode::RedirectRefused,
        format!("{host} answered the token request with a {status} redirect; redirects are not followed so the client assertion stays on the configured host. Check that host is the org's Okta domain."),
        Retry::Never,
      ),
      (429, _) => {
        let retry = match too_many {
          Some(TooManyRequests::WindowSpent { wait_ms }) => Retry::After { wait_ms },
          _ => Retry::Backoff,
        };
        (ErrorCode::RateLimited, format!("Okta's rate limit for {TOKEN_PATH} on {host} was exceeded: {summary}{rid}."), retry)
      }
      (_, Some("invalid_client" | "invalid_dpop_proof")) if skewed => (
        ErrorCode::ClockSkew,
        format!("Okta rejected the time in the signed token request ({summary}){rid}{}. Sync this machine's clock (NTP): assertions and DPoP proofs must be issued within about a minute of Okta's time.", clock_difference(&headers)),
        Retry::Never,
      ),
      (_, Some("invalid_client")) => (
        ErrorCode::OauthInvalidClient,
        format!("Okta rejected the client assertion of client {client} on {host} ({summary}){rid}. Check oauth.clientId (the API Services app's client ID), that the app's client authentication is \"Public key / Private key\", and that the public key of oauth.privateKey is on the app's Public keys list{}.", cfg.key_hint()),
        Retry::Never,
      ),
      (_, Some("invalid_scope")) => (
        ErrorCode::OauthInvalidScope,
        format!("Okta refused the scopes \"{scopes}\" for client {client} ({summary}){rid}. Grant them on the app's Okta API Scopes tab (Admin Console > Applications > the app), or remove the resources that need them (or set oauth.scopes)."),
        Retry::Never,
      ),
      (_, Some("unauthorized_client")) => (
        ErrorCode::OauthUnauthorizedClient,
        format!("Client {client} may not use the client-credentials grant ({summary}){rid}. Use an API Services app (Admin Console > Applications > Create App Integration > API Services) with the Client Credentials grant."),
        Retry::Never,
      ),
      (_, Some("invalid_dpop_proof")) => (
        ErrorCode::OauthTokenRejected,
        format!("Okta rejected the DPoP proof of the token request ({summary}){rid}. This is a connector or proxy problem; please report it with the request id."),
        Retry::Never,
      ),
      (408 | 500..=599, _) => (
        if status == 408 { ErrorCode::Timeout } else { ErrorCode::ServerError },
        format!("Okta failed the token request with {status}: {summary}{rid}."),
        retry_for_status(status),
      ),
      (404, _) => (
        ErrorCode::NotFound,
        format!("{host} answered 404 for {TOKEN_PATH}: {summary}{rid}. Check that host is your Okta org host (e.g. acme.okta.com)."),
        Retry::Never,
      ),
      _ => (
        ErrorCode::OauthTokenRejected,
        format!("Okta refused the token request for client {client} with {status} ({summary}){rid}. Check the service app's settings (API Services app, Client Credentials grant, public-key client authentication)."),
        Retry::Never,
      ),
    };
    let mut error = status_error(code, message, status, request_id);
    error.okta = Some(OktaErrorBody {
      error_code: oauth_error,
      error_summary: (!description.is_empty()).then_some(description),
      error_id: text("errorId"),
      error_causes: Vec::new(),
    });
    TokenStep::Fail(error, retry)
  }
}

impl OAuthClientConfig {
  fn key_hint(&self) -> String {
    format!(" (signing with {})", self.key.alg_name())
  }
}

/// Parses a token response: `(token, dpop?, expires_in, granted scopes)`.
/// A token response's fields: `(token, dpop?, expires_in, granted scopes)`.
type ParsedToken = (Zeroizing<String>, bool, u64, Option<Vec<String>>);

fn parse_token(bytes: &[u8]) -> Result<ParsedToken, String> {
  #[derive(serde::Deserialize)]
  struct TokenResponse {
    access_token: Option<Zeroizing<String>>,
    token_type: Option<String>,
    expires_in: Option<f64>,
    scope: Option<String>,
  }
  let parsed: TokenResponse =
    serde_json::from_slice(bytes).map_err(|_| "a body that is not a token response".to_string())?;
  let token = parsed.access_token.ok_or("no access_token")?;
  if check_token(&token).is_err() {
    return Err("an access_token that is not a valid header value".into());
  }
  let dpop = match parsed.token_type.as_deref().map(str::to_ascii_lowercase).as_deref() {
    Some("dpop") => true,
    Some("bearer") => false,
    other => return Err(format!("an unsupported token_type {:?}", other.unwrap_or("(none)"))),
  };
  let expires_in = parsed
    .expires_in
    .filter(|s| s.is_finite() && *s >= 1.0)
    .map(|s| s.min(86_400.0) as u64)
    .unwrap_or(3600);
  let scopes = parsed.scope.map(|s| s.split_whitespace().map(str::to_string).collect());
  Ok((token, dpop, expires_in, scopes))
}

fn status_error(code: ErrorCode, message: String, status: u16, request_id: Option<String>) -> OktaError {
  let mut error = OktaError::new(code, message);
  error.status = Some(status);
  error.request_id = request_id;
  error
}

/// The nonce-loop error.
pub fn nonce_loop(host: String, what: &str) -> OktaError {
  OktaError::new(
    ErrorCode::DpopNonceLoop,
    format!("{host} kept asking {what} for a new DPoP nonce ({MAX_NONCE_RETRIES} retries with the nonce it sent did not satisfy it). A proxy between the connector and Okta may be dropping the DPoP or DPoP-Nonce header; otherwise report it with the request id."),
  )
}

/// ", and Okta's clock differs from this machine's by N s" when the `Date` header says so.
fn clock_difference(headers: &HeaderMap) -> String {
  let Some(date) = headers.get("date").and_then(|v| v.to_str().ok()) else {
    return String::new();
  };
  let Ok(server) = chrono::DateTime::parse_from_rfc2822(date) else {
    return String::new();
  };
  let diff = now_s() as i64 - server.timestamp();
  if diff.abs() < 5 {
    return String::new();
  }
  let ahead = if diff > 0 { "ahead of" } else { "behind" };
  format!("; this machine's clock is about {} s {ahead} Okta's", diff.abs())
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn refresh_margin_is_a_tenth_capped_at_a_minute() {
    assert_eq!(refresh_margin(Duration::from_secs(3600)), Duration::from_secs(60));
    assert_eq!(refresh_margin(Duration::from_secs(10)), Duration::from_secs(1));
  }

  #[test]
  fn token_responses_are_checked() {
    let (t, dpop, exp, scopes) = parse_token(
      br#"{"access_token":"eyJ.a.b","token_type":"DPoP","expires_in":3600,"scope":"okta.users.read okta.logs.read"}"#,
    )
    .unwrap();
    assert_eq!((t.as_str(), dpop, exp), ("eyJ.a.b", true, 3600));
    assert_eq!(scopes.unwrap(), ["okta.users.read", "okta.logs.read"]);
    let (_, dpop, _, _) = parse_token(br#"{"access_token":"x","token_type":"Bearer"}"#).unwrap();
    assert!(!dpop);
    assert!(parse_token(br#"{"access_token":"x","token_type":"mac"}"#).is_err());
    assert!(parse_token(br#"{"access_token":"a b","token_type":"DPoP"}"#).is_err());
    assert!(parse_token(b"<html>").is_err());
  }
}
