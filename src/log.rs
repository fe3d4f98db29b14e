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
  /// Not a log line: a response for the host's `ctx.observer` (`{ url, method,
  /// status, resource, requestId, body }`), emitted only when observing.
  Observation,
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

/// Cuts a cursor or URL to the host contract's 80 characters for logs (79 and the cut
/// marker `…` when longer). Redact first: `cut80(&secrets.scrub(url))`. Every log event
/// is scrubbed again where it leaves the core (`sync::run`'s sink, with
/// [`crate::redact::Secrets::scrub_json`]), which also masks the first characters of a
/// secret that a cut left before the marker.
pub fn cut80(s: &str) -> String {
  if s.chars().nth(80).is_none() {
    return s.to_string();
  }
  crate::redact::cut(s, 79)
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn cut80_keeps_80_characters_with_the_marker() {
    let long = "u".repeat(200);
    assert_eq!(cut80(&long).chars().count(), 80);
    assert!(cut80(&long).ends_with('…'));
    assert_eq!(cut80(&long[..80]), long[..80]);
  }
}
