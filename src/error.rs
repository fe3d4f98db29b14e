//! The connector's one error type.
//!
//! Every failure is an [`OktaError`] whose [`ErrorCode`] is stable (JS branches on
//! `err.code`) and maps to exactly one host-facing [`ErrorKind`] (`err.kind`, the
//! rawdash host contract's classification). The binding serializes errors with
//! [`OktaError::to_json`]; nothing else decides how an error looks to JS.

use serde::Serialize;
use serde_json::{json, Value};

use crate::redact::Secrets;

/// The host contract's error classes: they decide whether `sync()` throws or
/// returns a `transientError` with a resumable cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
  /// 401/403: stop until the credential or its permissions change.
  Auth,
  /// 429 that could not be absorbed by waiting.
  RateLimit,
  /// Network failures, timeouts, 408, aborts: retry from the cursor.
  Transient,
  /// 5xx or a broken response body from Okta.
  UpstreamBug,
  /// Bad configuration, bad options or another 4xx: retrying will not help.
  ClientBug,
}

impl ErrorKind {
  /// The string JS sees as `err.kind`.
  pub fn as_str(self) -> &'static str {
    match self {
      ErrorKind::Auth => "auth",
      ErrorKind::RateLimit => "rate_limit",
      ErrorKind::Transient => "transient",
      ErrorKind::UpstreamBug => "upstream_bug",
      ErrorKind::ClientBug => "client_bug",
    }
  }
}

/// Stable machine-readable error codes (`err.code` in JS). Never rename one: users
/// branch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
  /// The connector config (host, token, resources, limits) is invalid.
  InvalidConfig,
  /// A sync option (`since`, `cursor`, ...) is invalid.
  InvalidOption,
  /// The `{ $secret }` reference of the token resolved to nothing.
  MissingSecret,
  /// Okta rejected the API token (401, `E0000011`).
  InvalidToken,
  /// The token lacks the admin permission for this endpoint (403, `E0000006`).
  Forbidden,
  /// Okta kept answering 429 beyond the retry budget.
  RateLimited,
  /// The request timed out (client timeout or 408).
  Timeout,
  /// The connection failed or broke (DNS, refused, reset, truncated body).
  Network,
  /// Okta answered 5xx.
  ServerError,
  /// The response was not the JSON Okta documents (malformed, wrong shape, too large).
  BadResponse,
  /// Okta answered 400 (bad filter, `since` too old, ...).
  BadRequest,
  /// Okta answered 404: usually a wrong host.
  NotFound,
  /// Another 4xx status.
  HttpError,
  /// Okta answered with a redirect, which is never followed (it could leak the token).
  RedirectRefused,
  /// The operation was cancelled through the abort signal.
  Aborted,
  /// A bug inside the connector (including a caught panic).
  Internal,
  /// OAuth: Okta rejected the client assertion (`invalid_client`): wrong client id,
  /// key not registered, or the app does not use public-key client authentication.
  OauthInvalidClient,
  /// OAuth: a requested scope is not granted to the app (`invalid_scope`).
  OauthInvalidScope,
  /// OAuth: the app may not use the client-credentials grant (`unauthorized_client`).
  OauthUnauthorizedClient,
  /// OAuth: the token endpoint refused the request for another reason (a rejected
  /// DPoP proof, an unsupported grant, ...).
  OauthTokenRejected,
  /// OAuth: Okta kept asking for a new DPoP nonce.
  DpopNonceLoop,
  /// OAuth: Okta rejected the assertion's or proof's time (`iat`/`exp`): this
  /// machine's clock is off.
  ClockSkew,
  /// OAuth: the access token lacks the scope an endpoint needs (403 `insufficient_scope`).
  InsufficientScope,
}

impl ErrorCode {
  /// Every code, for documentation and tests.
  pub const ALL: [ErrorCode; 23] = [
    ErrorCode::InvalidConfig,
    ErrorCode::InvalidOption,
    ErrorCode::MissingSecret,
    ErrorCode::InvalidToken,
    ErrorCode::Forbidden,
    ErrorCode::RateLimited,
    ErrorCode::Timeout,
    ErrorCode::Network,
    ErrorCode::ServerError,
    ErrorCode::BadResponse,
    ErrorCode::BadRequest,
    ErrorCode::NotFound,
    ErrorCode::HttpError,
    ErrorCode::RedirectRefused,
    ErrorCode::Aborted,
    ErrorCode::Internal,
    ErrorCode::OauthInvalidClient,
    ErrorCode::OauthInvalidScope,
    ErrorCode::OauthUnauthorizedClient,
    ErrorCode::OauthTokenRejected,
    ErrorCode::DpopNonceLoop,
    ErrorCode::ClockSkew,
    ErrorCode::InsufficientScope,
  ];

  /// The string JS sees as `err.code`.
  pub fn as_str(self) -> &'static str {
    match self {
      ErrorCode::InvalidConfig => "OKTA_INVALID_CONFIG",
      ErrorCode::InvalidOption => "OKTA_INVALID_OPTION",
      ErrorCode::MissingSecret => "OKTA_MISSING_SECRET",
      ErrorCode::InvalidToken => "OKTA_INVALID_TOKEN",
      ErrorCode::Forbidden => "OKTA_FORBIDDEN",
      ErrorCode::RateLimited => "OKTA_RATE_LIMITED",
      ErrorCode::Timeout => "OKTA_TIMEOUT",
      ErrorCode::Network => "OKTA_NETWORK",
      ErrorCode::ServerError => "OKTA_SERVER_ERROR",
      ErrorCode::BadResponse => "OKTA_BAD_RESPONSE",
      ErrorCode::BadRequest => "OKTA_BAD_REQUEST",
      ErrorCode::NotFound => "OKTA_NOT_FOUND",
      ErrorCode::HttpError => "OKTA_HTTP_ERROR",
      ErrorCode::RedirectRefused => "OKTA_REDIRECT_REFUSED",
      ErrorCode::Aborted => "OKTA_ABORTED",
      ErrorCode::Internal => "OKTA_INTERNAL",
      ErrorCode::OauthInvalidClient => "OKTA_OAUTH_INVALID_CLIENT",
      ErrorCode::OauthInvalidScope => "OKTA_OAUTH_INVALID_SCOPE",
      ErrorCode::OauthUnauthorizedClient => "OKTA_OAUTH_UNAUTHORIZED_CLIENT",
      ErrorCode::OauthTokenRejected => "OKTA_OAUTH_TOKEN_REJECTED",
      ErrorCode::DpopNonceLoop => "OKTA_DPOP_NONCE_LOOP",
      ErrorCode::ClockSkew => "OKTA_CLOCK_SKEW",
      ErrorCode::InsufficientScope => "OKTA_INSUFFICIENT_SCOPE",
    }
  }

  /// The host-facing class of this code.
  pub fn kind(self) -> ErrorKind {
    match self {
      ErrorCode::InvalidToken
      | ErrorCode::Forbidden
      | ErrorCode::MissingSecret
      | ErrorCode::OauthInvalidClient
      | ErrorCode::OauthInvalidScope
      | ErrorCode::OauthUnauthorizedClient
      | ErrorCode::OauthTokenRejected
      | ErrorCode::DpopNonceLoop
      | ErrorCode::ClockSkew
      | ErrorCode::InsufficientScope => ErrorKind::Auth,
      ErrorCode::RateLimited => ErrorKind::RateLimit,
      ErrorCode::Timeout | ErrorCode::Network | ErrorCode::Aborted => ErrorKind::Transient,
      ErrorCode::ServerError | ErrorCode::BadResponse => ErrorKind::UpstreamBug,
      ErrorCode::InvalidConfig
      | ErrorCode::InvalidOption
      | ErrorCode::BadRequest
      | ErrorCode::NotFound
      | ErrorCode::HttpError
      | ErrorCode::RedirectRefused
      | ErrorCode::Internal => ErrorKind::ClientBug,
    }
  }
}

/// One invalid config field or sync option, named as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldIssue {
  /// The field at fault, e.g. `host` or `resources[1]`.
  pub field: String,
  /// What is wrong and how to fix it.
  pub message: String,
}

impl FieldIssue {
  /// Builds an issue for `field`.
  pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
    FieldIssue {
      field: field.into(),
      message: message.into(),
    }
  }
}

/// Okta's JSON error body (`errorCode`, `errorSummary`, ...), when the response had one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OktaErrorBody {
  /// Okta's error code, e.g. `E0000011`.
  pub error_code: Option<String>,
  /// Okta's one-line summary.
  pub error_summary: Option<String>,
  /// Okta's `errorId`, useful to Okta support.
  pub error_id: Option<String>,
  /// The summaries of `errorCauses`.
  pub error_causes: Vec<String>,
}

impl OktaErrorBody {
  /// Parses an Okta error body; `None` when the body is not one (never fails). Every
  /// text is redacted with `secrets`, then cut to 500 characters.
  pub fn parse(body: &[u8], secrets: &Secrets) -> Option<OktaErrorBody> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let obj = value.as_object()?;
    let text = |key: &str| obj.get(key).and_then(Value::as_str).map(|s| secrets.clean(s, 500));
    let error_code = text("errorCode");
    let error_summary = text("errorSummary");
    if error_code.is_none() && error_summary.is_none() {
      return None;
    }
    let error_causes = obj
      .get("errorCauses")
      .and_then(Value::as_array)
      .map(|causes| {
        causes
          .iter()
          .take(20)
          .filter_map(|c| c.get("errorSummary").and_then(Value::as_str))
          .map(|s| secrets.clean(s, 500))
          .collect()
      })
      .unwrap_or_default();
    Some(OktaErrorBody {
      error_code,
      error_summary,
      error_id: text("errorId"),
      error_causes,
    })
  }
}

/// A connector failure: a stable code plus everything a user or Okta support needs.
#[derive(Debug, Clone, PartialEq)]
pub struct OktaError {
  /// Stable code; its [`ErrorCode::kind`] is the host-facing class.
  pub code: ErrorCode,
  /// Human-readable message saying what failed and how to fix it.
  pub message: String,
  /// HTTP status, when Okta answered.
  pub status: Option<u16>,
  /// Okta's error body, when there was one.
  pub okta: Option<OktaErrorBody>,
  /// `X-Okta-Request-Id` of the failing response.
  pub request_id: Option<String>,
  /// The rawdash resource being fetched (`okta_user`, ...).
  pub resource: Option<String>,
  /// The page URL being fetched (never carries the token).
  pub page: Option<String>,
  /// Invalid fields, for config and option errors.
  pub issues: Vec<FieldIssue>,
}

impl OktaError {
  /// An error with just a code and a message.
  pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
    OktaError {
      code,
      message: message.into(),
      status: None,
      okta: None,
      request_id: None,
      resource: None,
      page: None,
      issues: Vec::new(),
    }
  }

  /// A config error listing every bad field.
  pub fn invalid_config(issues: Vec<FieldIssue>) -> Self {
    let listed: Vec<String> = issues.iter().map(|i| format!("{}: {}", i.field, i.message)).collect();
    let mut err = OktaError::new(
      ErrorCode::InvalidConfig,
      format!("Invalid Okta connector config: {}", listed.join("; ")),
    );
    err.issues = issues;
    err
  }

  /// A sync-option error naming the option.
  pub fn invalid_option(field: &str, message: impl Into<String>) -> Self {
    let issue = FieldIssue::new(field, message);
    let mut err = OktaError::new(
      ErrorCode::InvalidOption,
      format!("Invalid sync option {}: {}", field, issue.message),
    );
    err.issues = vec![issue];
    err
  }

  /// Attaches the resource and page being fetched.
  pub fn at(mut self, resource: &str, page: &str) -> Self {
    self.resource = Some(resource.to_string());
    self.page = Some(page.to_string());
    self
  }

  /// The host-facing class.
  pub fn kind(&self) -> ErrorKind {
    self.code.kind()
  }

  /// Masks every secret in all text fields (see [`crate::redact`]): an upstream body,
  /// header or URL must never carry a token, assertion or proof into an error.
  pub fn redact(mut self, secrets: &Secrets) -> Self {
    let scrub = |s: &mut String| secrets.scrub_in_place(s);
    scrub(&mut self.message);
    for s in [&mut self.request_id, &mut self.resource, &mut self.page]
      .into_iter()
      .flatten()
    {
      scrub(s);
    }
    if let Some(body) = self.okta.as_mut() {
      for s in [&mut body.error_code, &mut body.error_summary, &mut body.error_id]
        .into_iter()
        .flatten()
      {
        scrub(s);
      }
      body.error_causes.iter_mut().for_each(scrub);
    }
    for issue in self.issues.iter_mut() {
      scrub(&mut issue.message);
    }
    self
  }

  /// The JSON shape the JS layer turns into an `OktaConnectorError`.
  pub fn to_json(&self) -> Value {
    let okta = self.okta.clone().unwrap_or_default();
    json!({
      "kind": self.kind().as_str(),
      "code": self.code.as_str(),
      "message": self.message,
      "status": self.status,
      "errorCode": okta.error_code,
      "errorSummary": okta.error_summary,
      "errorId": okta.error_id,
      "errorCauses": okta.error_causes,
      "requestId": self.request_id,
      "resource": self.resource,
      "page": self.page,
      "issues": self.issues,
    })
  }
}

impl std::fmt::Display for OktaError {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    write!(f, "{} ({})", self.message, self.code.as_str())
  }
}

impl std::error::Error for OktaError {}

/// Cuts `s` to at most `max` characters (on a char boundary), marking the cut: the
/// same cut as [`crate::redact::cut`]. Only for text without secrets, or text a sink
/// scrubs afterwards; text that may hold one is bounded with [`Secrets::clean`].
pub fn truncate(s: &str, max: usize) -> String {
  crate::redact::cut(s, max)
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn every_code_is_distinct_and_prefixed() {
    let mut seen = std::collections::HashSet::new();
    for code in ErrorCode::ALL {
      assert!(code.as_str().starts_with("OKTA_"));
      assert!(seen.insert(code.as_str()), "duplicate {}", code.as_str());
    }
  }

  #[test]
  fn kinds_follow_the_host_contract() {
    assert_eq!(ErrorCode::InvalidToken.kind(), ErrorKind::Auth);
    assert_eq!(ErrorCode::Forbidden.kind(), ErrorKind::Auth);
    assert_eq!(ErrorCode::RateLimited.kind(), ErrorKind::RateLimit);
    assert_eq!(ErrorCode::Timeout.kind(), ErrorKind::Transient);
    assert_eq!(ErrorCode::ServerError.kind(), ErrorKind::UpstreamBug);
    assert_eq!(ErrorCode::BadRequest.kind(), ErrorKind::ClientBug);
  }

  #[test]
  fn parses_okta_error_bodies() {
    let body = br#"{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oae1","errorCauses":[{"errorSummary":"x"}]}"#;
    let none = Secrets::new();
    let parsed = OktaErrorBody::parse(body, &none).unwrap();
    assert_eq!(parsed.error_code.as_deref(), Some("E0000011"));
    assert_eq!(parsed.error_causes, vec!["x".to_string()]);
    assert!(OktaErrorBody::parse(b"<html>", &none).is_none());
    assert!(OktaErrorBody::parse(b"{\"a\":1}", &none).is_none());
  }

  #[test]
  fn error_bodies_are_redacted_before_they_are_cut() {
    // A server pads its summary so that the cut at 500 falls inside the echoed token.
    let token = "00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-_abc";
    let summary = format!("{}{token}", "x".repeat(470));
    let body =
      json!({ "errorCode": "E0000011", "errorSummary": summary, "errorCauses": [{ "errorSummary": summary }] });
    let parsed = OktaErrorBody::parse(body.to_string().as_bytes(), &Secrets::of([token])).unwrap();
    for text in [parsed.error_summary.unwrap(), parsed.error_causes[0].clone()] {
      assert!(!text.contains(&token[..6]), "{text}");
      assert!(text.ends_with("[redacted]"), "{text}");
    }
  }

  #[test]
  fn redaction_scrubs_every_text_field() {
    let mut err = OktaError::new(ErrorCode::BadRequest, "token SECRET leaked").at("okta_user", "https://x/?q=SECRET");
    err.okta = Some(OktaErrorBody {
      error_summary: Some("echo SECRET".into()),
      error_causes: vec!["SECRET".into()],
      ..Default::default()
    });
    let json = err.redact(&Secrets::of(["SECRET"])).to_json().to_string();
    assert!(!json.contains("SECRET"), "{json}");
  }

  #[test]
  fn truncate_respects_char_boundaries() {
    assert_eq!(truncate("héllo", 2), "hé…");
    assert_eq!(truncate("hi", 5), "hi");
  }
}
