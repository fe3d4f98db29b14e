//! The mapping kit the resource modules share: raw Okta JSON to rawdash records
//! (spec section 4), pure.
//!
//! A module's `map_page` parses one page body with [`map_body`] and returns the
//! page's records as ONE JSON array string (the binding hands it to JS as-is: one `JSON.parse` per page is
//! cheaper than building JS objects field by field). Records the spec cannot map
//! (no id, unparseable `published`, duplicates in the page) are skipped with a
//! warning; they never fail the page.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::error::truncate;
use crate::okta::models::{Obj, Text};

/// Parses an Okta timestamp to Unix milliseconds: RFC 3339 (Okta's format), or a
/// date-only / zone-less ISO string read as UTC. `None` when it does not parse.
pub fn parse_ms(text: &str) -> Option<i64> {
  let t = text.trim();
  if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
    return Some(dt.timestamp_millis());
  }
  if let Ok(naive) = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f") {
    return Some(naive.and_utc().timestamp_millis());
  }
  NaiveDate::parse_from_str(t, "%Y-%m-%d")
    .ok()
    .and_then(|d| d.and_hms_opt(0, 0, 0))
    .map(|d| d.and_utc().timestamp_millis())
}

/// Formats Unix milliseconds as Okta's ISO form (`2024-01-01T00:00:00.000Z`).
pub fn format_ms(ms: i64) -> Option<String> {
  DateTime::from_timestamp_millis(ms).map(|d| d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
}

pub(crate) fn ms(t: &Text) -> Option<i64> {
  t.get().and_then(parse_ms)
}

/// `updated_at`: the first PRESENT of the candidates, in ms, else 0.
pub(crate) fn updated_at<const N: usize>(candidates: [&Text; N]) -> i64 {
  candidates
    .into_iter()
    .find_map(|t| t.get())
    .and_then(parse_ms)
    .unwrap_or(0)
}

pub(crate) fn text<'s>(t: &'s Text) -> Option<&'s str> {
  t.get()
}

pub(crate) fn nested<'s, T, R>(o: &'s Obj<T>, f: impl FnOnce(&'s T) -> Option<R>) -> Option<R> {
  o.get().and_then(f)
}

#[derive(Serialize)]
pub(crate) struct Entity<'s, A> {
  #[serde(rename = "type")]
  pub(crate) kind: &'static str,
  pub(crate) id: &'s str,
  pub(crate) attributes: A,
  pub(crate) updated_at: i64,
}

#[derive(Serialize)]
pub(crate) struct Event<A> {
  pub(crate) name: &'static str,
  pub(crate) start_ts: i64,
  pub(crate) end_ts: Option<i64>,
  pub(crate) attributes: A,
}

/// One page, mapped.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedPage {
  /// The records as one JSON array (ASCII only: see `ascii_json`).
  pub records_json: Vec<u8>,
  /// How many records `records_json` holds.
  pub count: usize,
  /// How many raw items the page had (the System Log phase ends at an empty page).
  pub raw_items: usize,
  /// Why records were skipped (at most [`MAX_WARNINGS`], plus a count line).
  pub warnings: Vec<String>,
  /// Earliest and latest `published` (ms) among the page's events, mapped or not.
  pub published_range: Option<(i64, i64)>,
  /// The keys the page was deduplicated on: its entities' ids (a reconciled listing
  /// collects them), its events' uuids. Kept from mapping, at no extra cost.
  pub ids: HashSet<String>,
}

/// Warnings kept per page; the rest are counted.
pub const MAX_WARNINGS: usize = 5;

/// Why a page body could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageParseError(pub String);

/// What mapping needs besides the body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MapOptions {
  /// Events at or before this instant (ms) are skipped.
  pub events_after_ms: Option<i64>,
  /// Events outside `[from, to)` (ms) are skipped: a System Log slice stores only
  /// what lies inside it, whatever the server's links returned.
  pub published_window: Option<(i64, i64)>,
}

pub(crate) struct Collector {
  out: Vec<u8>,
  count: usize,
  skipped: usize,
  warnings: Vec<String>,
  seen: HashSet<String>,
  pub(crate) published_range: Option<(i64, i64)>,
}

impl Collector {
  fn new(capacity: usize) -> Self {
    let mut out = Vec::with_capacity(capacity);
    out.push(b'[');
    Collector {
      out,
      count: 0,
      skipped: 0,
      warnings: Vec::new(),
      seen: HashSet::new(),
      published_range: None,
    }
  }

  pub(crate) fn push<T: Serialize>(&mut self, record: &T) {
    let mark = self.out.len();
    if self.count > 0 {
      self.out.push(b',');
    }
    // Serializing plain structs of strings and numbers into a Vec cannot fail, but
    // if it ever did, drop the partial bytes rather than emit broken JSON.
    if crate::ascii_json::write(&mut self.out, record).is_ok() {
      self.count += 1;
    } else {
      self.out.truncate(mark);
      self.skip(format!("record {} could not be serialized", self.count + self.skipped));
    }
  }

  /// The id of a `what` record at `index`: `None` (skipped with a warning) when it
  /// has none or the page already had it.
  pub(crate) fn new_id<'s>(&mut self, what: &str, id: Option<&'s str>, index: usize) -> Option<&'s str> {
    let Some(id) = id.filter(|id| !id.is_empty()) else {
      self.skip(format!("{what} at index {index} has no id"));
      return None;
    };
    if !self.first_time(id) {
      self.skip(format!("{what} {} appears twice in the page", truncate(id, 64)));
      return None;
    }
    Some(id)
  }

  /// Records `key` as seen; false if it was already in the page.
  pub(crate) fn first_time(&mut self, key: &str) -> bool {
    self.seen.insert(key.to_string())
  }

  pub(crate) fn skip(&mut self, why: String) {
    self.skipped += 1;
    if self.warnings.len() < MAX_WARNINGS {
      self.warnings.push(why);
    }
  }

  fn finish(mut self, raw_items: usize) -> MappedPage {
    self.out.push(b']');
    if self.skipped > self.warnings.len() {
      self
        .warnings
        .push(format!("{} more records skipped", self.skipped - self.warnings.len()));
    }
    MappedPage {
      records_json: self.out,
      count: self.count,
      raw_items,
      warnings: self.warnings,
      published_range: self.published_range,
      ids: self.seen,
    }
  }
}

/// Parses the page as an array of `T` in one pass; if that fails (a duplicate key,
/// say), falls back to item by item so one bad item cannot sink the page.
pub(crate) fn for_each_item<'b, T: serde::Deserialize<'b>>(
  body: &'b [u8],
  c: &mut Collector,
  mut f: impl FnMut(&T, usize, &mut Collector),
) -> Result<usize, Pass> {
  // Validating UTF-8 once for the whole body (ASCII fast path) lets serde_json's
  // `str` reader skip validating every string it meets.
  let parsed = match std::str::from_utf8(body) {
    Ok(text) => serde_json::from_str::<Vec<Obj<T>>>(text),
    Err(_) => serde_json::from_slice::<Vec<Obj<T>>>(body),
  };
  if let Ok(items) = parsed {
    for (i, item) in items.iter().enumerate() {
      match item.get() {
        Some(t) => f(t, i, c),
        None => c.skip(format!("item at index {i} is not an object")),
      }
    }
    return Ok(items.len());
  }
  let raw: Vec<&RawValue> =
    serde_json::from_slice(body).map_err(|e| Pass::Unreadable(PageParseError(describe(body, &e))))?;
  if let Some(repaired) = std::str::from_utf8(body).ok().and_then(replace_lone_surrogates) {
    // JSON.parse accepts unpaired surrogate escapes; serde_json does not. Map the
    // page again with U+FFFD in their place rather than drop those records.
    return Err(Pass::Repaired(repaired));
  }
  for (i, item) in raw.iter().enumerate() {
    match serde_json::from_str::<Obj<T>>(item.get()) {
      Ok(Obj(Some(t))) => f(&t, i, c),
      Ok(Obj(None)) => c.skip(format!("item at index {i} is not an object")),
      Err(e) => c.skip(format!(
        "item at index {i} is unreadable: {}",
        truncate(&e.to_string(), 200)
      )),
    }
  }
  Ok(raw.len())
}

/// Rewrites `\uXXXX` escapes of unpaired UTF-16 surrogates as `\ufffd`; `None`
/// when there are none (the common case, no allocation).
fn replace_lone_surrogates(json: &str) -> Option<String> {
  fn escape_at(b: &[u8], i: usize) -> Option<u16> {
    if b.get(i) != Some(&b'\\') || b.get(i + 1) != Some(&b'u') {
      return None;
    }
    let hex = std::str::from_utf8(b.get(i + 2..i + 6)?).ok()?;
    u16::from_str_radix(hex, 16).ok()
  }
  let b = json.as_bytes();
  let mut out: Option<String> = None;
  let mut copied = 0;
  let mut i = 0;
  while i < b.len() {
    if b[i] != b'\\' {
      i += 1;
      continue;
    }
    match escape_at(b, i) {
      Some(hi @ 0xD800..=0xDBFF) if matches!(escape_at(b, i + 6), Some(0xDC00..=0xDFFF)) => {
        let _ = hi;
        i += 12;
      }
      Some(0xD800..=0xDFFF) => {
        let o = out.get_or_insert_with(String::new);
        o.push_str(&json[copied..i]);
        o.push_str("\\ufffd");
        i += 6;
        copied = i;
      }
      Some(_) => i += 6,
      // Any other escape is two bytes (`\"`, `\\`, `\n`, ...).
      None => i += 2,
    }
  }
  out.map(|mut o| {
    o.push_str(&json[copied..]);
    o
  })
}

fn describe(body: &[u8], e: &serde_json::Error) -> String {
  let start: String = String::from_utf8_lossy(&body[..body.len().min(60)])
    .chars()
    .filter(|c| !c.is_control())
    .collect();
  if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'[') {
    format!("expected a JSON array, got a body starting with {start:?}")
  } else {
    format!("the JSON array does not parse ({e})")
  }
}

/// Why one mapping pass stopped.
pub(crate) enum Pass {
  /// The body is not a readable JSON array.
  Unreadable(PageParseError),
  /// The body had unpaired surrogate escapes: map this repaired copy instead.
  Repaired(String),
}

/// Maps a page body with `pass` (which reads the items into the collector and
/// returns how many raw items the page had); a body with unpaired surrogate escapes
/// is mapped once more, repaired.
pub(crate) fn map_body(
  body: &[u8],
  pass: impl Fn(&[u8], &mut Collector) -> Result<usize, Pass>,
) -> Result<MappedPage, PageParseError> {
  let once = |body: &[u8]| -> Result<MappedPage, Pass> {
    // Mapped records are roughly a third of Okta's verbose JSON.
    let mut c = Collector::new(body.len() / 3 + 16);
    let raw_items = pass(body, &mut c)?;
    Ok(c.finish(raw_items))
  };
  match once(body) {
    Ok(page) => Ok(page),
    Err(Pass::Unreadable(e)) => Err(e),
    Err(Pass::Repaired(text)) => once(text.as_bytes()).map_err(|pass| match pass {
      Pass::Unreadable(e) => e,
      Pass::Repaired(_) => PageParseError("unpaired surrogates could not be repaired".into()),
    }),
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::resources::Resource;
  use serde_json::{json, Value};

  fn records(resource: Resource, body: Value, opts: MapOptions) -> (Vec<Value>, MappedPage) {
    let page = resource.map_page(body.to_string().as_bytes(), opts).unwrap();
    assert!(page.records_json.is_ascii());
    let parsed: Vec<Value> = serde_json::from_slice(&page.records_json).unwrap();
    assert_eq!(parsed.len(), page.count);
    (parsed, page)
  }

  #[test]
  fn timestamps_parse_like_date_parse() {
    assert_eq!(parse_ms("2024-01-01T00:00:00.000Z"), Some(1_704_067_200_000));
    assert_eq!(parse_ms("2024-01-01T01:00:00+01:00"), Some(1_704_067_200_000));
    assert_eq!(parse_ms("2024-01-01"), Some(1_704_067_200_000));
    assert_eq!(parse_ms("2024-01-01T00:00:00"), Some(1_704_067_200_000));
    assert_eq!(parse_ms("yesterday"), None);
    assert_eq!(
      format_ms(1_704_067_200_000).as_deref(),
      Some("2024-01-01T00:00:00.000Z")
    );
  }

  #[test]
  fn maps_a_user_per_spec() {
    let (recs, _) = records(
      Resource::Users,
      json!([{
        "id": "00u1", "status": "ACTIVE", "created": "2024-01-01T00:00:00.000Z", "activated": null,
        "statusChanged": "2024-01-02T00:00:00.000Z", "lastLogin": "bad", "lastUpdated": null,
        "profile": { "email": "a@x.com", "login": "a@x.com", "firstName": "A", "lastName": null }
      }]),
      MapOptions::default(),
    );
    assert_eq!(
      recs[0],
      json!({ "type": "okta_user", "id": "00u1", "attributes": {
        "status": "ACTIVE", "email": "a@x.com", "login": "a@x.com", "firstName": "A", "lastName": null,
        "lastLogin": null, "createdAt": 1_704_067_200_000i64, "activatedAt": null
      }, "updated_at": 1_704_153_600_000i64 })
    );
  }

  #[test]
  fn updated_at_uses_first_present_even_if_unparseable() {
    let (recs, _) = records(
      Resource::Groups,
      json!([{ "id": "00g1", "lastUpdated": "nope", "created": "2024-01-01T00:00:00.000Z" }, { "id": "00g2" }]),
      MapOptions::default(),
    );
    assert_eq!(recs[0]["updated_at"], 0);
    assert_eq!(recs[1]["updated_at"], 0);
    assert_eq!(
      recs[1]["attributes"],
      json!({ "name": null, "description": null, "type": null, "createdAt": null, "lastMembershipUpdatedAt": null, "usersCount": null, "appsCount": null })
    );
  }

  #[test]
  fn group_stats_and_apps_map_per_table() {
    let (groups, page) = records(
      Resource::Groups,
      json!([
        { "id": "00g1", "_embedded": { "stats": { "usersCount": 42, "appsCount": 3, "hasAdminPrivilege": false } } },
        { "id": "00g2", "_embedded": { "stats": { "usersCount": -1, "appsCount": "7" } } },
        { "id": "00g3", "_embedded": [] }
      ]),
      MapOptions::default(),
    );
    assert_eq!(page.count, 3);
    assert_eq!(
      (
        groups[0]["attributes"]["usersCount"].clone(),
        groups[0]["attributes"]["appsCount"].clone()
      ),
      (json!(42), json!(3))
    );
    assert_eq!(groups[1]["attributes"]["usersCount"], Value::Null);
    assert_eq!(groups[1]["attributes"]["appsCount"], Value::Null);
    assert_eq!(groups[2]["attributes"]["usersCount"], Value::Null);
    let huge = "x".repeat(100_000);
    let (apps, page) = records(
      Resource::Apps,
      json!([
        { "id": "0oa1", "name": "slack", "label": "Slack", "status": "ACTIVE", "signOnMode": "SAML_2_0",
          "created": "2024-01-01T00:00:00.000Z", "lastUpdated": null },
        { "id": "0oa2", "label": huge, "status": 5 },
        { "label": "no id" }
      ]),
      MapOptions::default(),
    );
    assert_eq!(page.count, 2);
    assert_eq!(
      apps[0],
      json!({ "type": "okta_app", "id": "0oa1", "attributes": {
        "label": "Slack", "name": "slack", "status": "ACTIVE", "signOnMode": "SAML_2_0",
        "createdAt": 1_704_067_200_000i64, "lastUpdatedAt": null
      }, "updated_at": 1_704_067_200_000i64 })
    );
    assert_eq!(apps[1]["attributes"]["label"].as_str().map(str::len), Some(100_000));
    assert_eq!(apps[1]["attributes"]["status"], Value::Null);
    assert_eq!(page.warnings, ["app at index 2 has no id"]);
  }

  #[test]
  fn maps_events_and_skips_unmappable_ones() {
    let body = json!([
      { "uuid": "e1", "published": "2024-01-01T00:00:00.000Z", "eventType": "user.session.start",
        "outcome": { "result": "FAILURE", "reason": "INVALID_CREDENTIALS" },
        "actor": { "id": "00u1", "type": "User", "displayName": "A" },
        "authenticationContext": { "authenticationProvider": "OKTA_AUTHENTICATION_PROVIDER", "credentialProvider": null, "credentialType": "PASSWORD" },
        "client": { "ipAddress": "1.2.3.4", "geographicalContext": { "country": "France" }, "userAgent": { "browser": "CHROME" } },
        "severity": "WARN", "displayMessage": "User login to Okta" },
      { "uuid": "e2", "published": "garbage" },
      { "uuid": "e1", "published": "2024-01-01T00:00:00.000Z" },
      { "uuid": "e0", "published": "2023-12-31T00:00:00.000Z" },
      42
    ]);
    let (recs, page) = records(
      Resource::AuthEvents,
      body,
      MapOptions {
        events_after_ms: Some(parse_ms("2023-12-31T00:00:00.000Z").unwrap()),
        published_window: None,
      },
    );
    assert_eq!(page.raw_items, 5);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["name"], "okta_auth_event");
    assert_eq!(recs[0]["end_ts"], Value::Null);
    assert_eq!(recs[0]["attributes"]["country"], "France");
    assert_eq!(recs[0]["attributes"]["credentialProvider"], Value::Null);
    assert_eq!(page.warnings.len(), 3, "{:?}", page.warnings);
  }

  #[test]
  fn a_duplicate_key_only_skips_its_item() {
    let body = br#"[{"id":"00u1","id":"00u1"},{"id":"00u2"}]"#;
    let page = Resource::Users.map_page(body, MapOptions::default()).unwrap();
    assert_eq!(page.count, 1);
    assert!(String::from_utf8_lossy(&page.records_json).contains("00u2"));
  }

  #[test]
  fn lone_surrogates_are_replaced_not_fatal() {
    assert_eq!(replace_lone_surrogates(r#"{"a":"x"}"#), None);
    assert_eq!(replace_lone_surrogates(r#"{"a":"\ud83d\ude00"}"#), None);
    assert_eq!(replace_lone_surrogates(r#"{"a":"\\ud800"}"#), None);
    assert_eq!(
      replace_lone_surrogates(r#"{"a":"\ud800b"}"#).as_deref(),
      Some(r#"{"a":"\ufffdb"}"#)
    );
    let page = Resource::Users
      .map_page(br#"[{"id":"00u1","status":"\ud800"}]"#, MapOptions::default())
      .unwrap();
    assert_eq!(page.count, 1);
  }

  #[test]
  fn non_array_bodies_are_errors_naming_the_body() {
    let err = Resource::Users
      .map_page(b"<html>login</html>", MapOptions::default())
      .unwrap_err();
    assert!(err.0.contains("expected a JSON array"), "{}", err.0);
    let err = Resource::Users
      .map_page(b"[{\"id\":\"00u1\"", MapOptions::default())
      .unwrap_err();
    assert!(err.0.contains("does not parse"), "{}", err.0);
  }
}
