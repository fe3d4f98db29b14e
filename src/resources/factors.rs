//! MFA factors (`okta_factor`, opt-in): a fan-out over users, one
//! `GET /api/v1/users/{id}/factors` per user (Okta has no bulk listing), kept current
//! by the System Log's factor lifecycle events (the engine's fan-out runner).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::mapping::{
  for_each_item, map_body, ms, text, updated_at, Collector, Entity, MapOptions, MappedPage, PageParseError,
};
use super::{
  any_of, ChildList, FanOut, Filterable, FirstRequest, ParentChange, Resource, ResourceModule, Runner, Shape, Spec,
};
use crate::okta::models::Text;

/// Factor types Okta documents (filterable metadata; unknown ones are kept as given).
pub const FACTOR_TYPES: [&str; 12] = [
  "push",
  "token:software:totp",
  "token:hotp",
  "token:hardware",
  "token",
  "sms",
  "call",
  "email",
  "question",
  "webauthn",
  "u2f",
  "signed_nonce",
];

/// Factor statuses, plus `REMOVED` for a factor the user no longer has.
pub const FACTOR_STATUSES: [&str; 7] = [
  "ACTIVE",
  "PENDING_ACTIVATION",
  "NOT_SETUP",
  "ENROLLED",
  "DISABLED",
  "EXPIRED",
  "REMOVED",
];

/// The System Log filter selecting factor lifecycle events.
pub const FACTOR_EVENT_FILTER: &str = "eventType eq \"user.mfa.factor.activate\" or eventType eq \"user.mfa.factor.deactivate\" or eventType eq \"user.mfa.factor.reset_all\" or eventType eq \"user.mfa.factor.update\"";

pub(super) const SPEC: Spec = Spec {
  setting: "factors",
  name: "okta_factor",
  shape: Shape::Entity,
  path: "/api/v1/users/{id}/factors",
  bucket: "factors",
  page_limit: 200,
  label: "factors",
  description: "Every MFA factor users have enrolled (Okta Verify push, TOTP, SMS, WebAuthn, ...) with its type, provider and status: for the share of active users with MFA and the factor types in use.",
  fields: &[
    ("userId", "Okta id of the user the factor belongs to."),
    ("factorType", "push, token:software:totp, sms, email, webauthn, ... (kept as Okta gives it)."),
    ("provider", "OKTA, GOOGLE, DUO, YUBICO, ..."),
    ("vendorName", "The factor's vendor, e.g. OKTA."),
    ("status", "ACTIVE, PENDING_ACTIVATION, ..., or REMOVED once the user no longer has it."),
    ("createdAt", "When the factor was enrolled (Unix ms), or null."),
    ("lastUpdatedAt", "When it last changed (Unix ms), or null."),
  ],
  filterable: &[
    Filterable {
      field: "factorType",
      values: Some(&FACTOR_TYPES),
    push_down: false,
  },
    Filterable {
      field: "provider",
      values: None,
    push_down: false,
  },
    Filterable {
      field: "status",
      values: Some(&FACTOR_STATUSES),
    push_down: false,
  },
  ],
  notes: Some("Opt-in. Okta has no bulk listing: the first enumeration reads every user's factors (every user but DEPROVISIONED), one request per user, on the run budget with its progress kept in storage, so it spans host runs. After it, each run reads the System Log's factor lifecycle events since the last run and re-reads only the users they name. rawdash cannot delete one entity: a factor a user no longer has is kept with status REMOVED (filter widgets on status)."),
  responses: "factors",
  permission: "read users and their factors (okta.users.read)",
  scope: "okta.users.read",
  runner: Runner::FanOut(&FAN_OUT),
};

/// The fan-out over users.
const FAN_OUT: FanOut = FanOut {
  parent: Resource::Users,
  parents_url: factor_users_url,
  parent_ids: users_of,
  child_lists: &[ChildList {
    url: user_factors_url,
    map: map_user_factors,
  }],
  changes_from: Resource::AuthEvents,
  changes_url: factor_events_url,
  changes_in,
  parents_changed: None,
  state_id: "factors",
  parent_field: "userId",
  removed: ("status", "REMOVED"),
  removed_stamp: "lastUpdatedAt",
  parents_per_batch: 25,
  snapshot_when_current: true,
};

/// A factor from `GET /api/v1/users/{id}/factors`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct RawFactor<'a> {
  #[serde(borrow, default)]
  pub id: Text<'a>,
  #[serde(borrow, default, rename = "factorType")]
  pub factor_type: Text<'a>,
  #[serde(borrow, default)]
  pub provider: Text<'a>,
  #[serde(borrow, default, rename = "vendorName")]
  pub vendor_name: Text<'a>,
  #[serde(borrow, default)]
  pub status: Text<'a>,
  #[serde(borrow, default)]
  pub created: Text<'a>,
  #[serde(borrow, default, rename = "lastUpdated")]
  pub last_updated: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FactorAttributes<'s> {
  user_id: Option<&'s str>,
  factor_type: Option<&'s str>,
  provider: Option<&'s str>,
  vendor_name: Option<&'s str>,
  status: Option<&'s str>,
  created_at: Option<i64>,
  last_updated_at: Option<i64>,
}

fn map_factor(f: &RawFactor, index: usize, user_id: Option<&str>, c: &mut Collector) {
  let Some(id) = c.new_id("factor", f.id.get(), index) else {
    return;
  };
  c.push(&Entity {
    kind: SPEC.name,
    id,
    attributes: FactorAttributes {
      user_id,
      factor_type: text(&f.factor_type),
      provider: text(&f.provider),
      vendor_name: text(&f.vendor_name),
      status: text(&f.status),
      created_at: ms(&f.created),
      last_updated_at: ms(&f.last_updated),
    },
    updated_at: updated_at([&f.last_updated, &f.created]),
  });
}

/// Maps one user's factor list (`GET /api/v1/users/{id}/factors`): the records
/// carry `userId`, which the body itself does not.
pub fn map_user_factors(body: &[u8], user_id: &str) -> Result<MappedPage, PageParseError> {
  map_body(body, |b, c| {
    for_each_item::<RawFactor>(b, c, |f, i, c| map_factor(f, i, Some(user_id), c))
  })
}

/// Users whose factors are read: every status but DEPROVISIONED (a filter also makes
/// Okta list all of them, as for the users phase).
pub fn factor_users_url(origin: &Url) -> Url {
  let mut url = origin.clone();
  url.set_query(None);
  url.set_path(Resource::Users.path());
  let filter = any_of(
    "status",
    super::USER_STATUSES.into_iter().filter(|s| *s != "DEPROVISIONED"),
  );
  url
    .query_pairs_mut()
    .append_pair("limit", &SPEC.page_limit.to_string())
    .append_pair("filter", &filter);
  url
}

/// `GET /api/v1/users/{id}/factors` (the id is one path segment, escaped).
pub fn user_factors_url(origin: &Url, user_id: &str) -> Url {
  let mut url = origin.clone();
  url.set_path("/");
  if let Ok(mut segments) = url.path_segments_mut() {
    segments.clear().extend(["api", "v1", "users", user_id, "factors"]);
  }
  url
}

/// A polling read of factor lifecycle events from `since` (ascending, no `until`).
pub fn factor_events_url(origin: &Url, since: &str) -> Url {
  super::changes::log_poll_url(origin, FACTOR_EVENT_FILTER, since)
}

/// Users (their ids) of a users page whose factors are read (every status but DEPROVISIONED,
/// which the query already leaves out; an id-less item is skipped).
fn users_of(body: &[u8]) -> Result<Vec<String>, String> {
  let items: Vec<Value> =
    serde_json::from_slice(body).map_err(|e| format!("the users page is not a JSON array ({e})"))?;
  Ok(
    items
      .iter()
      .filter(|u| u.get("status").and_then(Value::as_str) != Some("DEPROVISIONED"))
      .filter_map(|u| u.get("id").and_then(Value::as_str))
      .filter(|id| !id.is_empty())
      .map(str::to_string)
      .collect(),
  )
}

/// The factor lifecycle events of a System Log page: the users each names (`target`
/// entries of type User, else the actor).
fn changes_in(body: &[u8]) -> Result<Vec<ParentChange>, String> {
  super::changes::changes_with(body, |e| {
    let targets: Vec<&str> = e
      .get("target")
      .and_then(Value::as_array)
      .into_iter()
      .flatten()
      .filter(|t| t.get("type").and_then(Value::as_str) == Some("User"))
      .filter_map(|t| t.get("id").and_then(Value::as_str))
      .collect();
    let mut users: Vec<String> = if targets.is_empty() {
      e.pointer("/actor/id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .into_iter()
        .collect()
    } else {
      targets.into_iter().map(str::to_string).collect()
    };
    users.retain(|u| !u.is_empty() && u.len() <= 256);
    users
  })
}

/// The factors module.
pub(super) struct Factors;

impl ResourceModule for Factors {
  fn spec(&self) -> &'static Spec {
    &SPEC
  }

  fn map_page(&self, body: &[u8], _opts: MapOptions) -> Result<MappedPage, PageParseError> {
    // Without the user the list belongs to (see `map_user_factors`).
    map_body(body, |b, c| {
      for_each_item::<RawFactor>(b, c, |f, i, c| map_factor(f, i, None, c))
    })
  }

  fn first_page_url(&self, url: Url, _q: &FirstRequest) -> Url {
    // The fan-out starts from the users it reads factors for.
    factor_users_url(&url)
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn users_and_lifecycle_targets_are_read_tolerantly() {
    let users = users_of(
      br#"[{"id":"00u1","status":"ACTIVE"},{"id":"00u2","status":"DEPROVISIONED"},{"status":"ACTIVE"},{"id":""}]"#,
    )
    .unwrap();
    assert_eq!(users, ["00u1"]);
    let changes = changes_in(
      br#"[{"uuid":"e1","published":"2024-01-01T00:00:00.000Z","actor":{"id":"00uA"},"target":[{"id":"00uB","type":"User"},{"id":"x","type":"AuthenticatorEnrollment"}]},
           {"published":"2024-01-02T00:00:00.000Z","actor":{"id":"00uC"},"target":null}]"#,
    )
    .unwrap();
    assert_eq!(changes[0].parents, ["00uB"]);
    assert_eq!(changes[0].uuid.as_deref(), Some("e1"));
    assert_eq!(changes[1].parents, ["00uC"]);
    assert_eq!(
      changes[1].published,
      crate::resources::parse_ms("2024-01-02T00:00:00.000Z")
    );
    assert!(users_of(b"{}").is_err());
  }
}
