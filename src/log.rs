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

/// A sink that drops everything (tests, one-off requests).
pub fn discard() -> LogSink {
  Arc::new(|_| {})
}

/// Cuts a cursor or URL to the host contract's 80 characters for logs.
pub fn cut80(s: &str) -> String {
  s.chars().take(80).collect()
}
