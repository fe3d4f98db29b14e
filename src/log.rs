//! Structured log events, handed to the host's `ctx.logger` by the JS layer.
//!
//! The core never prints: it emits [`LogEvent`]s into a [`LogSink`].

use std::sync::Arc;

use serde_json::Value;

/// Log level of an event (the host logger has `info` and `warn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
  /// `logger.info(...)`.
  Info,
  /// `logger.warn(...)`.
  Warn,
}

/// One `logger.info/warn(event, fields)` call.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LogEvent {
  /// Level.
  pub level: Level,
  /// The event name, e.g. `rate limit wait`.
  pub event: &'static str,
  /// The event's fields (never a token or a URL carrying one).
  pub fields: Value,
}

/// Where log events go.
pub type LogSink = Arc<dyn Fn(LogEvent) + Send + Sync>;

/// Cuts a cursor or URL to the host contract's 80 characters for logs.
pub fn cut80(s: &str) -> String {
  s.chars().take(80).collect()
}

/// Replaces every occurrence of `secret` in the string values of `value` (and in
/// object keys), so no log event can carry the token, whatever a server or a cursor
/// put into the URLs and reasons it logs.
pub fn redact(value: &mut Value, secret: &str) {
  if secret.is_empty() {
    return;
  }
  match value {
    Value::String(s) if s.contains(secret) => *s = s.replace(secret, "[redacted]"),
    Value::Array(items) => items.iter_mut().for_each(|v| redact(v, secret)),
    Value::Object(map) if map.keys().any(|k| k.contains(secret)) => {
      let entries = std::mem::take(map);
      for (k, mut v) in entries {
        redact(&mut v, secret);
        map.insert(k.replace(secret, "[redacted]"), v);
      }
    }
    Value::Object(map) => map.values_mut().for_each(|v| redact(v, secret)),
    _ => {}
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use serde_json::json;

  #[test]
  fn redacts_values_and_keys_at_any_depth() {
    let mut v = json!({ "cursor": "https://x/?after=TOK", "list": ["aTOKb", 1], "TOK": { "deep": "TOK" } });
    redact(&mut v, "TOK");
    assert!(!v.to_string().contains("TOK"), "{v}");
  }
}
