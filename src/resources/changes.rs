//! What the fan-outs share about their System Log change events: the polling read
//! and the page of events, each with the parents it names.

use serde_json::Value;
use url::Url;

use super::{parse_ms, ParentChange, Resource};

/// A polling System Log read of `filter` from `since` (ascending, no `until`).
pub fn log_poll_url(origin: &Url, filter: &str, since: &str) -> Url {
  let mut url = origin.clone();
  url.set_query(None);
  url.set_path(Resource::AuthEvents.path());
  url
    .query_pairs_mut()
    .append_pair("limit", &Resource::AuthEvents.page_limit().to_string())
    .append_pair("filter", filter)
    .append_pair("since", since)
    .append_pair("sortOrder", "ASCENDING");
  url
}

/// The change events of a System Log page, each with the parents `parents` finds in it.
pub fn changes_with(body: &[u8], parents: impl Fn(&Value) -> Vec<String>) -> Result<Vec<ParentChange>, String> {
  let items: Vec<Value> =
    serde_json::from_slice(body).map_err(|e| format!("the System Log page is not a JSON array ({e})"))?;
  Ok(
    items
      .iter()
      .map(|e| ParentChange {
        uuid: e.get("uuid").and_then(Value::as_str).map(str::to_string),
        published: e.get("published").and_then(Value::as_str).and_then(parse_ms),
        parents: parents(e),
      })
      .collect(),
  )
}

/// The change events of a System Log page with the `target` ids of the given types
/// each names (an event naming none names no parent).
pub fn changes_naming(body: &[u8], target_types: &[&str]) -> Result<Vec<ParentChange>, String> {
  changes_with(body, |e| {
    e.get("target")
      .and_then(Value::as_array)
      .into_iter()
      .flatten()
      .filter(|t| {
        t.get("type")
          .and_then(Value::as_str)
          .is_some_and(|k| target_types.contains(&k))
      })
      .filter_map(|t| t.get("id").and_then(Value::as_str))
      .filter(|id| !id.is_empty() && id.len() <= 256)
      .map(str::to_string)
      .collect()
  })
}
