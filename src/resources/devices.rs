//! Devices (`okta_device`, opt-in): `GET /api/v1/devices?expand=userSummary`, one
//! Link chain. The summaries of each device's users come embedded in the same
//! response (`_embedded.users`), so a device's users cost no request of their own.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use url::Url;

use super::mapping::{
  for_each_item, map_body, ms, text, updated_at, Collector, Entity, MapOptions, MappedPage, PageParseError,
};
use super::{and, Filterable, FirstRequest, ResourceModule, Runner, Shape, Spec};
use crate::okta::models::{Obj, Text};

/// Device statuses (the values `status eq` push-down accepts).
pub const DEVICE_STATUSES: [&str; 4] = ["ACTIVE", "CREATED", "SUSPENDED", "DEACTIVATED"];

/// Device platforms Okta documents (filterable metadata; others are kept as given).
pub const DEVICE_PLATFORMS: [&str; 4] = ["ANDROID", "IOS", "MACOS", "WINDOWS"];

/// Embedded users a device record keeps (Okta embeds every user of the device; a
/// shared kiosk could list hundreds, which no widget needs).
const MAX_DEVICE_USERS: usize = 100;

pub(super) const SPEC: Spec = Spec {
  setting: "devices",
  name: "okta_device",
  shape: Shape::Entity,
  path: "/api/v1/devices",
  bucket: "devices",
  page_limit: 200,
  label: "devices",
  description: "Every device registered with Okta (Okta Verify, FastPass) with its platform, maker, model, status, whether it is registered and managed, and its users: for device inventory and posture by platform.",
  fields: &[
    ("status", "ACTIVE, CREATED, SUSPENDED or DEACTIVATED."),
    ("displayName", "The device's name, or null."),
    ("platform", "ANDROID, IOS, MACOS or WINDOWS (kept as Okta gives it)."),
    ("manufacturer", "The device maker, e.g. Apple, or null."),
    ("model", "The device model, e.g. MacBookPro18,3, or null."),
    ("osVersion", "The operating system version, or null."),
    ("registered", "Whether the device is registered with Okta, or null."),
    (
      "managed",
      "Whether any of its users manages it through a device management system (managementStatus MANAGED), or null without users.",
    ),
    ("userIds", "Okta ids of the device's users (at most 100), empty when none."),
    ("createdAt", "When the device was registered (Unix ms), or null."),
    ("lastUpdatedAt", "When it last changed (Unix ms), or null."),
  ],
  filterable: &[
    Filterable {
      field: "status",
      values: Some(&DEVICE_STATUSES),
      push_down: true,
    },
    Filterable {
      field: "platform",
      values: Some(&DEVICE_PLATFORMS),
      push_down: false,
    },
  ],
  notes: Some("Opt-in: synced when the config's resources or the host's widgets name it. A full sync lists every device with its users embedded (expand=userSummary) and rewrites the set; an incremental sync reads the devices changed since the last run (search lastUpdated gt). A deleted device leaves at the next full sync; a deactivated one stays with status DEACTIVATED."),
  responses: "devices",
  permission: "read devices (okta.devices.read)",
  scope: "okta.devices.read",
  runner: Runner::Chain,
};

/// `device.profile`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct DeviceProfile<'a> {
  #[serde(borrow, default, rename = "displayName")]
  pub display_name: Text<'a>,
  #[serde(borrow, default)]
  pub platform: Text<'a>,
  #[serde(borrow, default)]
  pub manufacturer: Text<'a>,
  #[serde(borrow, default)]
  pub model: Text<'a>,
  #[serde(borrow, default, rename = "osVersion")]
  pub os_version: Text<'a>,
  #[serde(default)]
  pub registered: Flag,
}

/// A device from `GET /api/v1/devices`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct RawDevice<'a> {
  #[serde(borrow, default)]
  pub id: Text<'a>,
  #[serde(borrow, default)]
  pub status: Text<'a>,
  #[serde(borrow, default)]
  pub created: Text<'a>,
  #[serde(borrow, default, rename = "lastUpdated")]
  pub last_updated: Text<'a>,
  #[serde(borrow, default)]
  pub profile: Obj<DeviceProfile<'a>>,
  /// `_embedded` as given: its users are read one by one, so one odd entry costs
  /// only itself.
  #[serde(default, rename = "_embedded")]
  pub embedded: Value,
}

/// A boolean that is `None` when missing, null or not a boolean.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Flag(pub Option<bool>);

impl<'de> Deserialize<'de> for Flag {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    // Anything else is read as "unknown" rather than failing the record.
    Ok(Flag(Value::deserialize(d)?.as_bool()))
  }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeviceAttributes<'s> {
  status: Option<&'s str>,
  display_name: Option<&'s str>,
  platform: Option<&'s str>,
  manufacturer: Option<&'s str>,
  model: Option<&'s str>,
  os_version: Option<&'s str>,
  registered: Option<bool>,
  managed: Option<bool>,
  user_ids: Vec<&'s str>,
  created_at: Option<i64>,
  last_updated_at: Option<i64>,
}

/// The embedded users (`_embedded.users[]`: `{ managementStatus, user: { id } }` with
/// `expand=userSummary` or `expand=user`): their ids, and whether any manages the device.
fn device_users(embedded: &Value) -> (Vec<&str>, Option<bool>) {
  let Some(users) = embedded.get("users").and_then(Value::as_array) else {
    return (Vec::new(), None);
  };
  let mut ids: Vec<&str> = Vec::new();
  let mut managed = None;
  for u in users {
    if let Some(status) = u.get("managementStatus").and_then(Value::as_str) {
      managed = Some(managed.unwrap_or(false) || status == "MANAGED");
    }
    let id = u
      .pointer("/user/id")
      .and_then(Value::as_str)
      .filter(|id| !id.is_empty());
    if let Some(id) = id {
      if ids.len() < MAX_DEVICE_USERS && !ids.contains(&id) {
        ids.push(id);
      }
    }
  }
  (ids, managed)
}

fn map_device(d: &RawDevice, index: usize, c: &mut Collector) {
  let Some(id) = c.new_id("device", d.id.get(), index) else {
    return;
  };
  let p = d.profile.get();
  let (user_ids, managed) = device_users(&d.embedded);
  c.push(&Entity {
    kind: SPEC.name,
    id,
    attributes: DeviceAttributes {
      status: text(&d.status),
      display_name: p.and_then(|p| text(&p.display_name)),
      platform: p.and_then(|p| text(&p.platform)),
      manufacturer: p.and_then(|p| text(&p.manufacturer)),
      model: p.and_then(|p| text(&p.model)),
      os_version: p.and_then(|p| text(&p.os_version)),
      registered: p.and_then(|p| p.registered.0),
      managed,
      user_ids,
      created_at: ms(&d.created),
      last_updated_at: ms(&d.last_updated),
    },
    updated_at: updated_at([&d.last_updated, &d.created]),
  });
}

/// The devices module.
pub(super) struct Devices;

impl ResourceModule for Devices {
  fn spec(&self) -> &'static Spec {
    &SPEC
  }

  fn map_page(&self, body: &[u8], _opts: MapOptions) -> Result<MappedPage, PageParseError> {
    map_body(body, |b, c| for_each_item::<RawDevice>(b, c, map_device))
  }

  fn first_page_url(&self, mut url: Url, q: &FirstRequest) -> Url {
    // The devices list takes a SCIM `search`, not `filter` (same expression syntax).
    let since = q.updated_since.as_ref().map(|s| format!("lastUpdated gt \"{s}\""));
    let search = match &q.push_down {
      Some(status) => Some(and(since, format!("status eq \"{status}\""))),
      None => since,
    };
    {
      let mut pairs = url.query_pairs_mut();
      if let Some(s) = search {
        pairs.append_pair("search", &s);
      }
      // Each device's users, summarised, in the same response.
      pairs.append_pair("expand", "userSummary");
    }
    url
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::resources::Resource;
  use serde_json::json;

  fn records(body: &str) -> (Vec<Value>, usize) {
    let page = Resource::Devices
      .map_page(body.as_bytes(), MapOptions::default())
      .unwrap();
    (serde_json::from_slice(&page.records_json).unwrap(), page.warnings.len())
  }

  #[test]
  fn maps_a_device_with_its_embedded_users() {
    let (got, warnings) = records(
      r#"[{"id":"guo1","status":"ACTIVE","created":"2024-01-01T00:00:00.000Z","lastUpdated":"2024-02-01T00:00:00.000Z",
          "profile":{"displayName":"Pixel","platform":"ANDROID","manufacturer":"Google","model":"Pixel 6","osVersion":"13","registered":true},
          "_embedded":{"users":[{"managementStatus":"NOT_MANAGED","user":{"id":"00u1"}},{"managementStatus":"MANAGED","user":{"id":"00u2"}},{"user":{"id":"00u1"}},{"user":null},7]}}]"#,
    );
    assert_eq!(warnings, 0);
    assert_eq!(
      got[0],
      json!({ "type": "okta_device", "id": "guo1", "attributes": {
        "status": "ACTIVE", "displayName": "Pixel", "platform": "ANDROID", "manufacturer": "Google", "model": "Pixel 6",
        "osVersion": "13", "registered": true, "managed": true, "userIds": ["00u1", "00u2"],
        "createdAt": 1704067200000i64, "lastUpdatedAt": 1706745600000i64 }, "updated_at": 1706745600000i64 })
    );
  }

  #[test]
  fn odd_fields_become_null_and_an_id_less_device_is_skipped() {
    let (got, warnings) = records(
      r#"[{"id":"guo2","profile":{"registered":"yes","platform":5},"_embedded":{"users":"x"}},{"status":"ACTIVE"}]"#,
    );
    assert_eq!(got.len(), 1);
    assert_eq!(warnings, 1);
    let a = &got[0]["attributes"];
    assert_eq!(a["registered"], Value::Null);
    assert_eq!(a["platform"], Value::Null);
    assert_eq!(a["managed"], Value::Null);
    assert_eq!(a["userIds"], json!([]));
    assert_eq!(got[0]["updated_at"], 0);
  }

  #[test]
  fn first_page_searches_changes_and_pushes_status_down() {
    let origin = Url::parse("https://acme.okta.com").unwrap();
    let url = Resource::Devices.first_page_url(&origin, &FirstRequest::default());
    assert_eq!(
      url.as_str(),
      "https://acme.okta.com/api/v1/devices?limit=200&expand=userSummary"
    );
    let q = FirstRequest {
      updated_since: Some("2024-01-01T00:00:00.000Z".into()),
      push_down: Some("ACTIVE".into()),
      ..FirstRequest::default()
    };
    let url = Resource::Devices.first_page_url(&origin, &q);
    let search: Vec<_> = url
      .query_pairs()
      .filter(|(k, _)| k == "search")
      .map(|(_, v)| v.into_owned())
      .collect();
    assert_eq!(
      search,
      ["(lastUpdated gt \"2024-01-01T00:00:00.000Z\") and (status eq \"ACTIVE\")"]
    );
  }
}
