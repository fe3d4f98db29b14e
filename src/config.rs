//! Config validation: raw user input to a validated, normalized config.
//!
//! The rules and their messages live once, in [`rules`]: [`check_config`] applies them
//! to config as a user writes it (secrets as `{ $secret }` references) and reports
//! EVERY bad field at once; [`check_config_with`] applies them to constructor input
//! (plain tokens and keys accepted too) plus the base URL override; and
//! [`ClientConfig::new`] applies the same field rules to what the HTTP client needs
//! (origin, resolved token or key, limits). `definition()` exports the table, and the
//! JS zod `configFields` is built from that export.

use serde_json::{Map, Value};
use url::{Host, Url};

use crate::error::{FieldIssue, OktaError};
use crate::http::retry::RetryPolicy;
use crate::okta::models::whole_number;
use crate::resources::Resource;

pub mod rules;

pub use rules::{Credentials, HOST_MESSAGE, SECRET_NAME_MESSAGE};

/// Default share of each endpoint's rate limit the connector may spend.
pub const DEFAULT_RATE_LIMIT_SHARE: f64 = 0.5;
/// Default per-request timeout: System Log queries can take up to 30 s server-side.
pub const DEFAULT_REQUEST_TIMEOUT_MS: u64 = 30_000;
/// Bounds for `requestTimeoutMs`.
pub const REQUEST_TIMEOUT_RANGE_MS: (u64, u64) = (1_000, 300_000);
/// Default run budget (`syncBudgetSeconds`): fits rawdash's 300 s server run.
pub const DEFAULT_SYNC_BUDGET_SECONDS: u64 = 240;
/// Bounds for `syncBudgetSeconds`.
pub const SYNC_BUDGET_RANGE_SECONDS: (u64, u64) = (10, 3600);

/// Top-level domains whose names resolve to this machine or a private network
/// (special-use names of RFC 6761/6762/7686 and common internal ones): an Okta org is
/// never under them, and a host there (`foo.localhost`, `metadata.google.internal`,
/// `printer.local`) is a local machine the token must not be sent to. `.invalid` and
/// `.example` stay accepted: they never resolve (the CLI tests use `.invalid` for an
/// org that does not exist).
pub const RESERVED_TLDS: [&str; 12] = [
  "localhost",
  "local",
  "localdomain",
  "internal",
  "intranet",
  "lan",
  "home",
  "corp",
  "private",
  "arpa",
  "test",
  "onion",
];

/// Is `host` a bare public DNS name (case-insensitive, already trimmed)? The `host`
/// rule of [`rules`]: at most 253 characters; two or more dot-separated labels of 1-63
/// letters, digits and inner hyphens (no empty label, none starting or ending with
/// `-`); the last label 2-63 letters and not one of [`RESERVED_TLDS`]. So
/// `acme.okta.com` and `dev-1.oktapreview.com` pass, while `a..b.com`, `x-.com`,
/// `-x.com`, `127.0.0.1`, `foo.localhost` and `metadata.google.internal` do not.
pub fn is_valid_host(host: &str) -> bool {
  let value = Value::String(host.to_string());
  rules::check_field("host", &value, &mut Vec::new()).is_some_and(|v| v == value)
}

/// Is `name` a valid `{ $secret: NAME }` name (`^[A-Z_][A-Z0-9_]*$`, an environment
/// variable's name)? Anything else is refused before it is looked up anywhere.
pub fn is_valid_secret_name(name: &str) -> bool {
  rules::rules().secret_name.matches(name)
}

/// Checks a token for header safety: visible ASCII only, so it cannot inject headers.
pub fn check_token(token: &str) -> Result<(), &'static str> {
  if token.trim().is_empty() {
    return Err(rules::TOKEN_EMPTY_MESSAGE);
  }
  if !token.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
    return Err(rules::TOKEN_CHARS_MESSAGE);
  }
  Ok(())
}

/// The accepted `resources` values, quoted, for messages: `"users", "groups", ...`.
fn setting_names() -> String {
  Resource::ALL
    .iter()
    .map(|r| format!("\"{}\"", r.setting_name()))
    .collect::<Vec<_>>()
    .join(", ")
}

/// Validates user config against the rules ([`Credentials::References`]: secrets as
/// `{ $secret }` references), returning the normalized config (known keys only,
/// strings trimmed) or every bad field.
pub fn check_config(input: &Value) -> Result<Value, Vec<FieldIssue>> {
  rules::check(input, Credentials::References)
}

/// Where a base URL override came from: its issues name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
pub enum BaseUrlSource {
  /// The client option itself (`baseUrl`): the CLI's `--base-url`, direct clients.
  #[default]
  #[serde(rename = "baseUrl")]
  Option,
  /// The connector's constructor context, `ctx.baseUrl`.
  #[serde(rename = "ctx.baseUrl")]
  Context,
  /// The `OKTA_BASE_URL` environment variable.
  #[serde(rename = "OKTA_BASE_URL")]
  Environment,
}

impl BaseUrlSource {
  /// Every source, in the order of [`BaseUrlSource::field`] names.
  pub const ALL: [BaseUrlSource; 3] = [
    BaseUrlSource::Option,
    BaseUrlSource::Context,
    BaseUrlSource::Environment,
  ];

  /// The source named `name` (`baseUrl`, `ctx.baseUrl`, `OKTA_BASE_URL`).
  pub fn from_field(name: &str) -> Option<BaseUrlSource> {
    BaseUrlSource::ALL.into_iter().find(|s| s.field() == name)
  }

  /// The name issues give the override.
  pub fn field(self) -> &'static str {
    match self {
      BaseUrlSource::Option => "baseUrl",
      BaseUrlSource::Context => "ctx.baseUrl",
      BaseUrlSource::Environment => "OKTA_BASE_URL",
    }
  }
}

/// What [`check_config_with`] checks besides the config fields.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
  /// How secret fields are read.
  pub credentials: Credentials,
  /// A base URL override to check with the same rule as [`ClientConfig::new`].
  pub base_url: Option<String>,
  /// Where `base_url` came from.
  pub base_url_from: BaseUrlSource,
}

/// Validates config (or, with [`Credentials::Inputs`], constructor input) and an
/// optional base URL override at once: the normalized config or every issue (the
/// config's first, then the override's).
pub fn check_config_with(input: &Value, opts: &CheckOptions) -> Result<Value, Vec<FieldIssue>> {
  let checked = rules::check(input, opts.credentials);
  let base = opts.base_url.as_deref().map(str::trim).filter(|s| !s.is_empty());
  let Some(Err(message)) = base.map(parse_base_url) else {
    return checked;
  };
  let mut issues = checked.err().unwrap_or_default();
  issues.push(FieldIssue::new(opts.base_url_from.field(), message));
  Err(issues)
}

/// The scopes the enabled resources need, in phase order.
pub fn required_scopes(resources: &[Resource]) -> Vec<String> {
  let mut scopes: Vec<String> = Vec::new();
  for r in Resource::ALL {
    if resources.contains(&r) && !scopes.iter().any(|s| s == r.scope()) {
      scopes.push(r.scope().to_string());
    }
  }
  scopes
}

/// A secret JSON value (the private key as the JS layer resolved it): never shown
/// by `Debug`, its strings zeroized on drop.
#[derive(Clone, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct SecretValue(pub Value);

impl std::fmt::Debug for SecretValue {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.write_str("[redacted]")
  }
}

fn zeroize_value(v: &mut Value) {
  use zeroize::Zeroize;
  match v {
    Value::String(s) => s.zeroize(),
    Value::Array(items) => items.iter_mut().for_each(zeroize_value),
    Value::Object(map) => map.values_mut().for_each(zeroize_value),
    _ => {}
  }
}

impl Drop for SecretValue {
  fn drop(&mut self) {
    zeroize_value(&mut self.0);
  }
}

/// OAuth options as the JS layer passes them (the private key already resolved).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthOptions {
  /// The service app's client id.
  pub client_id: Option<String>,
  /// The resolved private key: PEM text, JWK JSON text or a JWK object.
  pub private_key: Option<SecretValue>,
  /// `kid` of the key registered with the app.
  pub key_id: Option<String>,
  /// Scopes to request instead of what the enabled resources need.
  pub scopes: Option<Vec<String>>,
}

/// Validated OAuth settings for the HTTP client.
#[derive(Clone)]
pub struct OAuthClientConfig {
  /// The service app's client id (`iss`/`sub` of the client assertion).
  pub client_id: String,
  /// The parsed private key.
  pub key: std::sync::Arc<crate::http::jose::SigningKey>,
  /// Scopes requested with every token.
  pub scopes: Vec<String>,
  /// `aud` of the client assertion: `https://{host}/oauth2/v1/token`.
  pub audience: String,
}

/// What the HTTP client needs, validated.
#[derive(Clone)]
pub struct ClientConfig {
  /// Every request goes to this origin (`https://{host}`, or the test/proxy base URL).
  pub origin: Url,
  /// The resolved API token (never logged or serialized).
  pub token: String,
  /// Share of each endpoint's rate limit the connector may spend, in (0, 1].
  pub rate_limit_share: f64,
  /// Per-request timeout.
  pub request_timeout_ms: u64,
  /// `User-Agent` sent with every request.
  pub user_agent: String,
  /// Retry bounds and backoff.
  pub retry: RetryPolicy,
  /// OAuth 2.0 service-app sign-in instead of the SSWS token (then `token` is empty).
  pub oauth: Option<OAuthClientConfig>,
  /// Every API response is reported as a [`crate::log::Level::Observation`] event.
  pub observe: bool,
}

impl std::fmt::Debug for ClientConfig {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_struct("ClientConfig")
      .field("origin", &self.origin.as_str())
      .field("token", &"[redacted]")
      .field("rate_limit_share", &self.rate_limit_share)
      .field("request_timeout_ms", &self.request_timeout_ms)
      .field("oauth", &self.oauth.as_ref().map(|o| (&o.client_id, &o.scopes)))
      .finish()
  }
}

/// Raw client options as the JS layer passes them. `Debug` never shows the token.
#[derive(Default, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientOptions {
  /// Org host (`acme.okta.com`).
  pub host: Option<String>,
  /// Replaces `https://{host}` for every request (tests, simulators, proxies): an
  /// https origin, or plain http to a loopback address only.
  pub base_url: Option<String>,
  /// Where `base_url` came from (`ctx.baseUrl`, `OKTA_BASE_URL`): its issues name it.
  pub base_url_from: Option<BaseUrlSource>,
  /// The resolved token.
  pub token: Option<String>,
  /// See [`ClientConfig::rate_limit_share`].
  pub rate_limit_share: Option<f64>,
  /// See [`ClientConfig::request_timeout_ms`] (JS numbers arrive as floats).
  pub request_timeout_ms: Option<f64>,
  /// Overrides the user agent's suffix (the host application).
  pub user_agent: Option<String>,
  /// Retry tuning (tests and unusual networks); defaults are `RetryPolicy::default()`.
  pub retry: Option<RetryOptions>,
  /// OAuth 2.0 service-app sign-in (instead of `token`).
  pub oauth: Option<OAuthOptions>,
  /// Enabled resources (`users`, ...): they decide the default OAuth scopes.
  pub resources: Option<Vec<String>>,
  /// Report every API response to the host's observer (`ctx.observer`).
  pub observe: Option<bool>,
}

impl std::fmt::Debug for ClientOptions {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_struct("ClientOptions")
      .field("host", &self.host)
      .field("base_url", &self.base_url)
      .field("base_url_from", &self.base_url_from)
      .field("token", &self.token.as_ref().map(|_| "[redacted]"))
      .field("rate_limit_share", &self.rate_limit_share)
      .field("request_timeout_ms", &self.request_timeout_ms)
      .field("user_agent", &self.user_agent)
      .field("retry", &self.retry)
      .field("oauth", &self.oauth)
      .field("resources", &self.resources)
      .field("observe", &self.observe)
      .finish()
  }
}

/// Deserializes options from JS as `T`. A value of the wrong type is reported by its
/// field path (`oauth`, `retry.maxAttempts`) only, never with the value given: serde's
/// own message quotes it, and a misplaced private key or token must not end up in an
/// error (`OKTA_INVALID_OPTION`, the path as the issue's field).
pub fn from_js<T: serde::de::DeserializeOwned>(value: &Value, what: &str) -> Result<T, OktaError> {
  match T::deserialize(value) {
    Ok(parsed) => Ok(parsed),
    Err(_) => {
      let path = bad_field::<T>(value);
      let (field, message) = match &path {
        Some(path) => (
          path.clone(),
          format!("has the wrong type for the {what} (the value given is not shown)"),
        ),
        None => ("(options)".to_string(), format!("Expected the {what} as an object")),
      };
      let mut err = OktaError::new(
        crate::error::ErrorCode::InvalidOption,
        format!("Invalid {what}: {field} {message}."),
      );
      err.issues = vec![FieldIssue::new(field, message)];
      Err(err)
    }
  }
}

/// The path of the first field of `value` that `T` rejects, found by deserializing
/// one field at a time (nested objects are searched the same way).
fn bad_field<T: serde::de::DeserializeOwned>(value: &Value) -> Option<String> {
  let nest = |path: &[String], leaf: &Value| {
    path.iter().rev().fold(leaf.clone(), |inner, key| {
      let mut map = Map::new();
      map.insert(key.clone(), inner);
      Value::Object(map)
    })
  };
  let mut path: Vec<String> = Vec::new();
  let mut at = value;
  while let Some(obj) = at.as_object() {
    let culprit = obj.iter().find(|(key, v)| {
      let mut candidate = path.clone();
      candidate.push((*key).clone());
      T::deserialize(&nest(&candidate, v)).is_err()
    });
    match culprit {
      Some((key, v)) => {
        path.push(key.clone());
        at = v;
      }
      None => break,
    }
  }
  (!path.is_empty()).then(|| path.join("."))
}

/// Retry tuning from JS (all optional, milliseconds as JS numbers).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryOptions {
  /// Attempts per page for ordinary failures (1-10).
  pub max_attempts: Option<f64>,
  /// 429 waits per page (0-20).
  pub max_rate_limit_waits: Option<f64>,
  /// First backoff delay.
  pub min_delay_ms: Option<f64>,
  /// Largest backoff delay.
  pub max_delay_ms: Option<f64>,
  /// Total retry time per page.
  pub max_elapsed_ms: Option<f64>,
  /// Pages one Link chain may have before it is called endless (tests; the default is
  /// per resource, see `http::chain`).
  pub max_chain_pages: Option<f64>,
}

impl ClientConfig {
  /// Validates client options, naming every bad field. The config fields among them
  /// (host, resources, limits, the OAuth client) are checked by the [`rules`] table,
  /// with its messages; the token and key are the resolved values.
  pub fn new(opts: &ClientOptions) -> Result<ClientConfig, OktaError> {
    let mut issues = Vec::new();
    let host = rules::check_field("host", &Value::from(opts.host.clone()), &mut issues)
      .and_then(|v| v.as_str().map(str::to_string));
    if let Some(resources) = &opts.resources {
      rules::check_field("resources", &Value::from(resources.clone()), &mut issues);
    }
    let token = opts.token.clone().unwrap_or_default();
    let oauth = match &opts.oauth {
      Some(_) if !token.is_empty() => {
        let (field, message) = &rules::rules().exactly_one.both;
        issues.push(FieldIssue::new(*field, message.as_str()));
        None
      }
      Some(o) => oauth_config(o, host.as_deref().unwrap_or(""), opts.resources.as_deref(), &mut issues),
      None => {
        if let Err(msg) = check_token(&token) {
          issues.push(FieldIssue::new("apiToken", msg));
        }
        None
      }
    };
    let origin = match opts.base_url.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
      Some(base) => match parse_base_url(base) {
        Ok(url) => Some(url),
        Err(msg) => {
          issues.push(FieldIssue::new(opts.base_url_from.unwrap_or_default().field(), msg));
          None
        }
      },
      None => host
        .as_deref()
        .and_then(|h| Url::parse(&format!("https://{}", h.to_ascii_lowercase())).ok()),
    };
    let share = match opts.rate_limit_share {
      None => DEFAULT_RATE_LIMIT_SHARE,
      Some(share) => rules::check_field("rateLimitShare", &number(share), &mut issues)
        .and_then(|v| v.as_f64())
        .unwrap_or(DEFAULT_RATE_LIMIT_SHARE),
    };
    let timeout = match opts.request_timeout_ms {
      None => DEFAULT_REQUEST_TIMEOUT_MS,
      Some(ms) => rules::check_field("requestTimeoutMs", &number(ms), &mut issues)
        .and_then(|v| whole_number(&v))
        .unwrap_or(DEFAULT_REQUEST_TIMEOUT_MS),
    };
    let suffix = opts.user_agent.as_deref().unwrap_or("").trim();
    if !suffix.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
      issues.push(FieldIssue::new("userAgent", "Expected printable ASCII only."));
    }
    let retry = retry_policy(opts.retry.as_ref().cloned().unwrap_or_default(), &mut issues);
    match origin {
      Some(origin) if issues.is_empty() => {
        let base = concat!("rawdash-connector-okta/", env!("CARGO_PKG_VERSION"), " (native)");
        let user_agent = if suffix.is_empty() {
          base.to_string()
        } else {
          format!("{base} {suffix}")
        };
        Ok(ClientConfig {
          origin,
          token,
          rate_limit_share: share,
          request_timeout_ms: timeout,
          user_agent,
          retry,
          oauth,
          observe: opts.observe == Some(true),
        })
      }
      _ => Err(OktaError::invalid_config(issues)),
    }
  }
}

/// A JS number as JSON; a non-finite one (which JSON cannot hold) as its text, so
/// the number rule refuses it instead of reading it as absent.
fn number(n: f64) -> Value {
  serde_json::Number::from_f64(n)
    .map(Value::Number)
    .unwrap_or_else(|| Value::String(n.to_string()))
}

/// Validates OAuth options (parsing the private key), naming every bad field.
fn oauth_config(
  o: &OAuthOptions,
  host: &str,
  resources: Option<&[String]>,
  issues: &mut Vec<FieldIssue>,
) -> Option<OAuthClientConfig> {
  let before = issues.len();
  let client_id = rules::check_field("oauth.clientId", &Value::from(o.client_id.clone()), issues)
    .and_then(|v| v.as_str().map(str::to_string));
  if let Some(kid) = &o.key_id {
    rules::check_field("oauth.keyId", &Value::from(kid.clone()), issues);
  }
  let scopes = match &o.scopes {
    Some(list) => {
      rules::check_field("oauth.scopes", &Value::from(list.clone()), issues);
      list.clone()
    }
    None => {
      // Without a resources setting, the default resources' scopes: an opt-in resource
      // the host asks for later without its scope is skipped with a warning.
      let enabled: Vec<Resource> = match resources {
        Some(names) => names.iter().filter_map(|n| Resource::from_setting(n)).collect(),
        None => Resource::DEFAULT.to_vec(),
      };
      required_scopes(&enabled)
    }
  };
  let key = match &o.private_key {
    None => {
      rules::check_field("oauth.privateKey", &Value::Null, issues);
      None
    }
    Some(secret) => match crate::http::jose::SigningKey::parse(&secret.0, o.key_id.as_deref()) {
      Ok(key) => Some(key),
      Err(msg) => {
        issues.push(FieldIssue::new("oauth.privateKey", msg));
        None
      }
    },
  };
  let (client_id, key) = (client_id?, key?);
  (issues.len() == before).then(|| OAuthClientConfig {
    client_id,
    key: std::sync::Arc::new(key),
    scopes,
    audience: format!("https://{}/oauth2/v1/token", host.to_ascii_lowercase()),
  })
}

/// Applies retry tuning over the defaults, naming out-of-range fields.
fn retry_policy(opts: RetryOptions, issues: &mut Vec<FieldIssue>) -> RetryPolicy {
  let mut policy = RetryPolicy::default();
  let mut take = |value: Option<f64>, field: &str, range: (u64, u64)| -> Option<u64> {
    let v = value?;
    match whole_number(&Value::from(v)).filter(|n| (range.0..=range.1).contains(n)) {
      Some(n) => Some(n),
      None => {
        issues.push(FieldIssue::new(
          format!("retry.{field}"),
          format!("Expected a whole number from {} to {}.", range.0, range.1),
        ));
        None
      }
    }
  };
  if let Some(n) = take(opts.max_attempts, "maxAttempts", (1, 10)) {
    policy.max_attempts = n as u32;
  }
  if let Some(n) = take(opts.max_rate_limit_waits, "maxRateLimitWaits", (0, 20)) {
    policy.max_rate_limit_waits = n as u32;
  }
  if let Some(n) = take(opts.min_delay_ms, "minDelayMs", (1, 60_000)) {
    policy.min_delay = std::time::Duration::from_millis(n);
  }
  if let Some(n) = take(opts.max_delay_ms, "maxDelayMs", (1, 300_000)) {
    policy.max_delay = std::time::Duration::from_millis(n);
  }
  if let Some(n) = take(opts.max_elapsed_ms, "maxElapsedMs", (1, 3_600_000)) {
    policy.max_elapsed = std::time::Duration::from_millis(n);
  }
  if let Some(n) = take(opts.max_chain_pages, "maxChainPages", (1, 10_000_000)) {
    policy.max_chain_pages = Some(n);
  }
  policy
}

/// The rule of a base URL override, as its issues state it.
pub const BASE_URL_RULE: &str = "Expected https://, or plain http:// only to a loopback address (127.0.0.0/8, [::1] or localhost): every request, and the credential with it, goes to this origin.";

/// Is `host` a loopback address: 127.0.0.0/8, `::1` or `localhost`?
fn is_loopback(host: Option<Host<&str>>) -> bool {
  match host {
    Some(Host::Ipv4(ip)) => ip.is_loopback(),
    Some(Host::Ipv6(ip)) => ip.is_loopback(),
    Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
    None => false,
  }
}

/// Parses a base URL override: an origin only (no credentials, path, query or
/// fragment), https, or plain http to a loopback address only ([`BASE_URL_RULE`]):
/// the token must not cross a network unencrypted. The message never quotes the URL.
pub fn parse_base_url(raw: &str) -> Result<Url, String> {
  let url = Url::parse(raw).map_err(|e| format!("Not a URL ({e}); expected e.g. http://127.0.0.1:8123."))?;
  if !matches!(url.scheme(), "http" | "https") {
    return Err("Expected an http:// or https:// URL.".into());
  }
  if !url.username().is_empty() || url.password().is_some() {
    return Err("Must not contain credentials.".into());
  }
  if url.host_str().is_none() || url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
    return Err("Expected an origin only, e.g. http://127.0.0.1:8123 (no path or query).".into());
  }
  if url.scheme() == "http" && !is_loopback(url.host()) {
    return Err(BASE_URL_RULE.into());
  }
  Ok(url)
}

#[cfg(test)]
mod tests {
  use super::*;
  use serde_json::json;

  #[test]
  fn host_rule_matches_the_spec_regex() {
    for ok in [
      "acme.okta.com",
      "ACME.OKTA.COM",
      "a.io",
      "dev-123.oktapreview.com",
      "9x.example.org",
    ] {
      assert!(is_valid_host(ok), "{ok}");
    }
    for bad in [
      "https://acme.okta.com",
      "acme.okta.com/api",
      "acme.okta.com:443",
      "acme",
      "-acme.okta.com",
      ".okta.com",
      "acme.okta.c",
      "acme.okta.c0m",
      "acme okta.com",
      "",
      "a..b.com",
      "x-.com",
      "acme.-okta.com",
      "acme.okta-.com",
      "acme.okta.com.",
      "127.0.0.1",
      "foo.localhost",
      "metadata.google.internal",
      "printer.local",
      "acme.TEST",
      &format!("{}.com", "a".repeat(64)),
      &format!("{}.com", "a.".repeat(130)),
    ] {
      assert!(!is_valid_host(bad), "{bad}");
    }
    assert!(is_valid_host(&format!("{}.com", "a".repeat(63))));
    assert!(is_valid_host("xn--bcher-kva.okta.com"));
  }

  #[test]
  fn secret_names_are_environment_variable_names() {
    for ok in ["OKTA_API_TOKEN", "_X", "A1"] {
      assert!(is_valid_secret_name(ok), "{ok}");
    }
    for bad in ["", "okta_token", "1ABC", "A-B", "A B", "__proto__", "PATH=x", "É"] {
      assert!(!is_valid_secret_name(bad), "{bad}");
    }
    let issues = check_config(&json!({ "host": "acme.okta.com", "apiToken": { "$secret": "lower" } })).unwrap_err();
    assert_eq!(issues[0].field, "apiToken");
  }

  #[test]
  fn valid_config_is_normalized() {
    let out = check_config(&json!({
      "host": "  acme.okta.com ", "apiToken": { "$secret": "OKTA_API_TOKEN" },
      "resources": ["users", "auth_events"], "extra": 1
    }))
    .unwrap();
    assert_eq!(
      out,
      json!({ "host": "acme.okta.com", "apiToken": { "$secret": "OKTA_API_TOKEN" }, "resources": ["users", "auth_events"] })
    );
  }

  #[test]
  fn every_bad_field_is_reported() {
    let issues =
      check_config(&json!({ "host": "https://acme.okta.com", "apiToken": "plain", "resources": ["users", "members"] }))
        .unwrap_err();
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["host", "apiToken", "resources[1]"]);
    assert_eq!(issues[0].message, HOST_MESSAGE);
  }

  #[test]
  fn tokens_with_header_injection_are_rejected() {
    assert!(check_token("abc\r\nX-Evil: 1").is_err());
    assert!(check_token("abc def").is_err());
    assert!(check_token("").is_err());
    assert!(check_token("00aBcD-_xyz").is_ok());
  }

  #[test]
  fn client_config_uses_base_url_and_names_bad_fields() {
    let cfg = ClientConfig::new(&ClientOptions {
      host: Some("acme.okta.com".into()),
      base_url: Some("http://127.0.0.1:8123".into()),
      token: Some("t0k".into()),
      ..Default::default()
    })
    .unwrap();
    assert_eq!(cfg.origin.as_str(), "http://127.0.0.1:8123/");
    assert!(!format!("{cfg:?}").contains("t0k"));
    let err = ClientConfig::new(&ClientOptions {
      host: Some("acme.okta.com".into()),
      base_url: Some("http://127.0.0.1:8123/path".into()),
      token: Some("bad token".into()),
      rate_limit_share: Some(2.0),
      ..Default::default()
    })
    .unwrap_err();
    let fields: Vec<&str> = err.issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["apiToken", "baseUrl", "rateLimitShare"]);
    assert!(!err.message.contains("bad token"));
  }

  #[test]
  fn base_url_override_is_https_or_loopback_http() {
    for ok in [
      "https://okta-proxy.example.com",
      "https://10.0.0.5:8443",
      "http://127.0.0.1:8123",
      "http://127.9.8.7",
      "http://[::1]:8080",
      "http://localhost:3000",
      "http://LOCALHOST",
      "http://127.1:80",
    ] {
      assert!(parse_base_url(ok).is_ok(), "{ok}");
    }
    for bad in [
      "http://192.0.2.2:8123",
      "http://0.0.0.0:8123",
      "http://10.0.0.5",
      "http://[::ffff:127.0.0.1]",
      "http://[fd00::2]",
      "http://localhost.evil.com",
      "http://foo.localhost",
      "http://okta.example.com",
    ] {
      assert_eq!(parse_base_url(bad).unwrap_err(), BASE_URL_RULE, "{bad}");
    }
    for source in [BaseUrlSource::Context, BaseUrlSource::Environment] {
      let err = ClientConfig::new(&ClientOptions {
        host: Some("acme.okta.com".into()),
        base_url: Some("http://okta-proxy.example.com:8080".into()),
        base_url_from: Some(source),
        token: Some("t0k".into()),
        ..Default::default()
      })
      .unwrap_err();
      assert_eq!(err.code, crate::error::ErrorCode::InvalidConfig);
      assert_eq!(err.issues[0].field, source.field());
      assert!(
        err.message.contains(source.field()) && err.message.contains("loopback"),
        "{}",
        err.message
      );
      assert!(!err.message.contains("okta-proxy"), "the URL is not quoted");
    }
  }

  #[test]
  fn constructor_input_and_base_url_are_checked_at_once() {
    let opts = CheckOptions {
      credentials: Credentials::Inputs,
      base_url: Some("http://192.0.2.2".into()),
      base_url_from: BaseUrlSource::Environment,
    };
    let issues = check_config_with(&json!({ "host": "acme", "apiToken": "t0k" }), &opts).unwrap_err();
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["host", "OKTA_BASE_URL"]);
    let fine = CheckOptions {
      base_url: Some("https://proxy.example.com".into()),
      ..opts
    };
    assert_eq!(
      check_config_with(&json!({ "host": "acme.okta.com", "apiToken": "t0k" }), &fine).unwrap(),
      json!({ "host": "acme.okta.com" })
    );
  }

  #[test]
  fn client_options_get_the_config_messages() {
    let err = ClientConfig::new(&ClientOptions {
      host: Some("acme.okta.com".into()),
      token: Some("t0k".into()),
      rate_limit_share: Some(f64::NAN),
      request_timeout_ms: Some(5.0),
      resources: Some(vec!["members".into()]),
      ..Default::default()
    })
    .unwrap_err();
    let expected = check_config(&json!({
      "host": "acme.okta.com", "apiToken": { "$secret": "T" }, "resources": ["members"],
      "rateLimitShare": 2, "requestTimeoutMs": 5
    }))
    .unwrap_err();
    let shown = |issues: &[FieldIssue]| -> Vec<(String, String)> {
      let mut out: Vec<(String, String)> = issues.iter().map(|i| (i.field.clone(), i.message.clone())).collect();
      out.sort();
      out
    };
    assert_eq!(shown(&err.issues), shown(&expected));
  }

  #[test]
  fn option_type_errors_name_the_field_never_the_value() {
    let pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
    for (input, field) in [
      (json!({ "host": "acme.okta.com", "oauth": pem }), "oauth"),
      (
        json!({ "host": "acme.okta.com", "oauth": { "clientId": "x", "scopes": pem } }),
        "oauth.scopes",
      ),
      (
        json!({ "host": "acme.okta.com", "token": "t", "resources": pem }),
        "resources",
      ),
      (json!({ "host": "acme.okta.com", "token": ["t0kSECRETt0k"] }), "token"),
      (json!(pem), "(options)"),
    ] {
      let err = from_js::<ClientOptions>(&input, "client options").unwrap_err();
      let text = err.to_json().to_string();
      assert_eq!(err.issues[0].field, field, "{text}");
      assert!(
        !text.contains("MIIE") && !text.contains("BEGIN") && !text.contains("SECRET"),
        "{text}"
      );
    }
    assert!(from_js::<ClientOptions>(&json!({ "host": "a.io" }), "client options").is_ok());
  }

  #[test]
  fn client_options_debug_hides_the_token() {
    let opts = ClientOptions {
      host: Some("acme.okta.com".into()),
      token: Some("t0kSECRETt0k".into()),
      ..Default::default()
    };
    let shown = format!("{opts:?}");
    assert!(!shown.contains("SECRET") && shown.contains("acme.okta.com"), "{shown}");
  }

  #[test]
  fn exactly_one_sign_in_method() {
    let oauth = json!({ "clientId": " 0oa1 ", "privateKey": { "$secret": "K" }, "junk": 1 });
    let out = check_config(&json!({ "host": "acme.okta.com", "oauth": oauth })).unwrap();
    assert_eq!(
      out["oauth"],
      json!({ "clientId": "0oa1", "privateKey": { "$secret": "K" } })
    );
    let both =
      check_config(&json!({ "host": "acme.okta.com", "apiToken": { "$secret": "T" }, "oauth": oauth })).unwrap_err();
    assert_eq!(both[0].field, "oauth");
    let plain_key = check_config(
      &json!({ "host": "acme.okta.com", "oauth": { "clientId": "x", "privateKey": "-----BEGIN PRIVATE KEY-----" } }),
    )
    .unwrap_err();
    assert_eq!(plain_key[0].field, "oauth.privateKey");
    assert!(!plain_key[0].message.contains("BEGIN"));
    let neither = check_config(&json!({ "host": "acme.okta.com" })).unwrap_err();
    assert_eq!(neither[0].field, "apiToken");
  }

  #[test]
  fn oauth_client_config_derives_scopes_and_audience() {
    let opts = |resources: Option<Vec<String>>, key: &str| ClientOptions {
      host: Some("Acme.okta.com".into()),
      oauth: Some(OAuthOptions {
        client_id: Some("0oa1".into()),
        private_key: Some(SecretValue(Value::String(key.to_string()))),
        key_id: None,
        scopes: None,
      }),
      resources,
      ..Default::default()
    };
    let pem = crate::http::jose::tests::ec_pem();
    let cfg = ClientConfig::new(&opts(Some(vec!["users".into(), "auth_events".into()]), &pem)).unwrap();
    let oauth = cfg.oauth.as_ref().unwrap();
    assert_eq!(oauth.scopes, ["okta.users.read", "okta.logs.read"]);
    assert_eq!(oauth.audience, "https://acme.okta.com/oauth2/v1/token");
    assert!(!format!("{cfg:?}").contains(&pem[30..60]));
    let all = ClientConfig::new(&opts(None, &pem)).unwrap();
    assert_eq!(
      all.oauth.unwrap().scopes,
      ["okta.users.read", "okta.groups.read", "okta.logs.read"]
    );
    let err = ClientConfig::new(&opts(None, "garbage")).unwrap_err();
    assert_eq!(err.issues[0].field, "oauth.privateKey");
    let mut both = opts(None, &pem);
    both.token = Some("t0k".into());
    assert_eq!(ClientConfig::new(&both).unwrap_err().issues[0].field, "oauth");
  }
}
