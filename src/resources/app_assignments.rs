//! Application assignments (`okta_app_assignment`, opt-in): a fan-out over apps,
//! two child lists per app (`GET /api/v1/apps/{id}/users`, then
//! `GET /api/v1/apps/{id}/groups`), kept current by the System Log's app
//! assignment events (the engine's fan-out runner).
//!
//! One entity per assignment, id `<appId>:user:<userId>` or `<appId>:group:<groupId>`,
//! with `status` `ACTIVE`, or `REMOVED` once the app no longer lists it (or the app is
//! gone): rawdash cannot delete one entity.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::changes::{changes_naming, log_poll_url};
use super::mapping::{
  for_each_item, map_body, ms, text, updated_at, Collector, Entity, MapOptions, MappedPage, PageParseError,
};
use super::{ChildList, FanOut, Filterable, FirstRequest, ParentChange, Resource, ResourceModule, Runner, Shape, Spec};
use crate::okta::models::{Obj, Text};

/// Assignment statuses: `ACTIVE` while the app lists the assignment, then `REMOVED`.
pub const ASSIGNMENT_STATUSES: [&str; 2] = ["ACTIVE", "REMOVED"];

/// Who an assignment is for.
pub const PRINCIPAL_TYPES: [&str; 2] = ["USER", "GROUP"];

/// The System Log filter selecting app assignment changes and app deletions.
pub const APP_ASSIGNMENT_EVENT_FILTER: &str = "eventType eq \"application.user_membership.add\" or eventType eq \"application.user_membership.remove\" or eventType eq \"application.user_membership.update\" or eventType eq \"group.application_assignment.add\" or eventType eq \"group.application_assignment.remove\" or eventType eq \"group.application_assignment.update\" or eventType eq \"application.lifecycle.delete\"";

/// Assigned users per page (`/api/v1/apps/{id}/users` takes up to 500).
pub const APP_USERS_PAGE_LIMIT: u32 = 500;
/// Assigned groups per page (`/api/v1/apps/{id}/groups` takes up to 200).
pub const APP_GROUPS_PAGE_LIMIT: u32 = 200;

pub(super) const SPEC: Spec = Spec {
  setting: "app_assignments",
  name: "okta_app_assignment",
  shape: Shape::Entity,
  path: "/api/v1/apps/{id}/users",
  bucket: "apps",
  // The first request is an apps page (assignments: APP_USERS_PAGE_LIMIT, APP_GROUPS_PAGE_LIMIT).
  page_limit: 200,
  label: "app assignments",
  description: "Which users and groups are assigned to which application, with the assignment's scope (direct or through a group) and status: one record per assignment, ACTIVE while the app lists it and REMOVED after. With the sign-in events this answers assigned but not used.",
  fields: &[
    ("appId", "Okta id of the application."),
    ("principalType", "USER (an assigned user, directly or through a group) or GROUP (an assigned group)."),
    ("principalId", "Okta id of the user or group."),
    ("scope", "USER (assigned directly) or GROUP (through a group assignment), as Okta gives it."),
    ("assignmentStatus", "The app user's Okta status (ACTIVE, PROVISIONED, STAGED, ...), or null for groups."),
    ("userName", "The app user's username in the application, or null."),
    ("priority", "A group assignment's priority, or null."),
    ("status", "ACTIVE while the app lists the assignment, REMOVED once it no longer does (or the app is deleted)."),
    ("assignedAt", "When the assignment was created (Unix ms), or null."),
    ("removedAt", "When the assignment was found removed (Unix ms), or null."),
  ],
  filterable: &[
    Filterable {
      field: "appId",
      values: None,
      push_down: false,
    },
    Filterable {
      field: "principalType",
      values: Some(&PRINCIPAL_TYPES),
      push_down: false,
    },
    Filterable {
      field: "principalId",
      values: None,
      push_down: false,
    },
    Filterable {
      field: "scope",
      values: Some(&PRINCIPAL_TYPES),
      push_down: false,
    },
    Filterable {
      field: "status",
      values: Some(&ASSIGNMENT_STATUSES),
      push_down: false,
    },
  ],
  notes: Some("Opt-in. Okta has no bulk listing of assignments: the first enumeration reads every app's assigned users (up to 500 a page) and groups (up to 200 a page), paced in the apps bucket, on the run budget with its progress kept in storage, so it spans host runs. After it, each run reads the System Log's app assignment events since the last run and re-reads only the apps they name. rawdash cannot delete one entity: an assignment that ended is kept with status REMOVED (filter widgets on status eq ACTIVE)."),
  responses: "app_assignments",
  permission: "read applications and their assignments (okta.apps.read)",
  scope: "okta.apps.read",
  runner: Runner::FanOut(&FAN_OUT),
};

/// The fan-out over apps.
const FAN_OUT: FanOut = FanOut {
  parent: Resource::Apps,
  parents_url: apps_url,
  parent_ids: apps_of,
  child_lists: &[
    ChildList {
      url: app_users_url,
      map: map_app_users,
    },
    ChildList {
      url: app_groups_url,
      map: map_app_groups,
    },
  ],
  changes_from: Resource::AuthEvents,
  changes_url: assignment_events_url,
  changes_in,
  parents_changed: None,
  state_id: "app_assignments",
  parent_field: "appId",
  removed: ("status", "REMOVED"),
  removed_stamp: "removedAt",
  parents_per_batch: 10,
  snapshot_when_current: false,
};

/// `appUser.credentials` (the part kept).
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct AppUserCredentials<'a> {
  #[serde(borrow, default, rename = "userName")]
  pub user_name: Text<'a>,
}

/// An assigned user from `GET /api/v1/apps/{id}/users`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct RawAppUser<'a> {
  #[serde(borrow, default)]
  pub id: Text<'a>,
  #[serde(borrow, default)]
  pub scope: Text<'a>,
  #[serde(borrow, default)]
  pub status: Text<'a>,
  #[serde(borrow, default)]
  pub created: Text<'a>,
  #[serde(borrow, default, rename = "lastUpdated")]
  pub last_updated: Text<'a>,
  #[serde(borrow, default)]
  pub credentials: Obj<AppUserCredentials<'a>>,
}

/// An assigned group from `GET /api/v1/apps/{id}/groups`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct RawAppGroup<'a> {
  #[serde(borrow, default)]
  pub id: Text<'a>,
  #[serde(default)]
  pub priority: Option<Value>,
  #[serde(borrow, default, rename = "lastUpdated")]
  pub last_updated: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AssignmentAttributes<'s> {
  app_id: &'s str,
  principal_type: &'static str,
  principal_id: &'s str,
  scope: Option<&'s str>,
  assignment_status: Option<&'s str>,
  user_name: Option<&'s str>,
  priority: Option<u64>,
  status: &'static str,
  assigned_at: Option<i64>,
  removed_at: Option<i64>,
}

fn map_app_user(u: &RawAppUser, index: usize, app_id: &str, c: &mut Collector) {
  let Some(user_id) = c.new_id("app user", u.id.get(), index) else {
    return;
  };
  let id = format!("{app_id}:user:{user_id}");
  c.push(&Entity {
    kind: SPEC.name,
    id: &id,
    attributes: AssignmentAttributes {
      app_id,
      principal_type: "USER",
      principal_id: user_id,
      scope: text(&u.scope),
      assignment_status: text(&u.status),
      user_name: u.credentials.get().and_then(|c| text(&c.user_name)),
      priority: None,
      status: "ACTIVE",
      assigned_at: ms(&u.created),
      removed_at: None,
    },
    updated_at: updated_at([&u.last_updated, &u.created]),
  });
}

fn map_app_group(g: &RawAppGroup, index: usize, app_id: &str, c: &mut Collector) {
  let Some(group_id) = c.new_id("app group", g.id.get(), index) else {
    return;
  };
  let id = format!("{app_id}:group:{group_id}");
  c.push(&Entity {
    kind: SPEC.name,
    id: &id,
    attributes: AssignmentAttributes {
      app_id,
      principal_type: "GROUP",
      principal_id: group_id,
      scope: Some("GROUP"),
      assignment_status: None,
      user_name: None,
      priority: g.priority.as_ref().and_then(crate::okta::models::whole_number),
      status: "ACTIVE",
      assigned_at: None,
      removed_at: None,
    },
    updated_at: updated_at([&g.last_updated]),
  });
}

/// Maps one page of an app's assigned users: the records carry `appId`.
pub fn map_app_users(body: &[u8], app_id: &str) -> Result<MappedPage, PageParseError> {
  map_body(body, |b, c| {
    for_each_item::<RawAppUser>(b, c, |u, i, c| map_app_user(u, i, app_id, c))
  })
}

/// Maps one page of an app's assigned groups: the records carry `appId`.
pub fn map_app_groups(body: &[u8], app_id: &str) -> Result<MappedPage, PageParseError> {
  map_body(body, |b, c| {
    for_each_item::<RawAppGroup>(b, c, |g, i, c| map_app_group(g, i, app_id, c))
  })
}

/// Every app (active or not: an inactive app keeps its assignments).
pub fn apps_url(origin: &Url) -> Url {
  let mut url = origin.clone();
  url.set_query(None);
  url.set_path(Resource::Apps.path());
  url
    .query_pairs_mut()
    .append_pair("limit", &Resource::Apps.page_limit().to_string());
  url
}

/// `/api/v1/apps/{id}/<list>?limit=<limit>` (the id is one path segment, escaped).
fn app_list_url(origin: &Url, app_id: &str, list: &str, limit: u32) -> Url {
  let mut url = origin.clone();
  url.set_query(None);
  url.set_path("/");
  if let Ok(mut segments) = url.path_segments_mut() {
    segments.clear().extend(["api", "v1", "apps", app_id, list]);
  }
  url.query_pairs_mut().append_pair("limit", &limit.to_string());
  url
}

/// `GET /api/v1/apps/{id}/users?limit=500`.
pub fn app_users_url(origin: &Url, app_id: &str) -> Url {
  app_list_url(origin, app_id, "users", APP_USERS_PAGE_LIMIT)
}

/// `GET /api/v1/apps/{id}/groups?limit=200`.
pub fn app_groups_url(origin: &Url, app_id: &str) -> Url {
  app_list_url(origin, app_id, "groups", APP_GROUPS_PAGE_LIMIT)
}

/// A polling read of app assignment events from `since`.
pub fn assignment_events_url(origin: &Url, since: &str) -> Url {
  log_poll_url(origin, APP_ASSIGNMENT_EVENT_FILTER, since)
}

/// The app ids of an apps page (an id-less item is skipped).
fn apps_of(body: &[u8]) -> Result<Vec<String>, String> {
  let items: Vec<Value> =
    serde_json::from_slice(body).map_err(|e| format!("the apps page is not a JSON array ({e})"))?;
  Ok(
    items
      .iter()
      .filter_map(|a| a.get("id").and_then(Value::as_str))
      .filter(|id| !id.is_empty() && id.len() <= 256)
      .map(str::to_string)
      .collect(),
  )
}

/// The app assignment events of a System Log page: the apps each names.
fn changes_in(body: &[u8]) -> Result<Vec<ParentChange>, String> {
  changes_naming(body, &["AppInstance"])
}

/// The app assignments module.
pub(super) struct AppAssignments;

impl ResourceModule for AppAssignments {
  fn spec(&self) -> &'static Spec {
    &SPEC
  }

  fn map_page(&self, body: &[u8], _opts: MapOptions) -> Result<MappedPage, PageParseError> {
    // Without the app the list belongs to (see `map_app_users`).
    map_app_users(body, "")
  }

  fn first_page_url(&self, url: Url, _q: &FirstRequest) -> Url {
    // The fan-out starts from the apps it reads assignments of.
    apps_url(&url)
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn users_and_groups_map_to_one_assignment_each() {
    let users = map_app_users(
      br#"[{"id":"00u1","scope":"GROUP","status":"PROVISIONED","created":"2024-01-01T00:00:00.000Z","credentials":{"userName":"a@x"}},{"id":""}]"#,
      "0oa1",
    )
    .unwrap();
    let records: Vec<Value> = serde_json::from_slice(&users.records_json).unwrap();
    assert_eq!(records[0]["id"], "0oa1:user:00u1");
    assert_eq!(records[0]["attributes"]["scope"], "GROUP");
    assert_eq!(records[0]["attributes"]["principalType"], "USER");
    assert_eq!(records[0]["attributes"]["userName"], "a@x");
    assert_eq!(users.warnings.len(), 1);
    let groups = map_app_groups(br#"[{"id":"00g1","priority":0},{"id":"00g2","priority":"x"}]"#, "0oa1").unwrap();
    let records: Vec<Value> = serde_json::from_slice(&groups.records_json).unwrap();
    assert_eq!(records[0]["id"], "0oa1:group:00g1");
    assert_eq!(records[0]["attributes"]["priority"], 0);
    assert_eq!(records[1]["attributes"]["priority"], Value::Null);
  }

  #[test]
  fn events_name_their_apps() {
    let changes = changes_naming(
      br#"[{"uuid":"e1","published":"2024-01-01T00:00:00.000Z","target":[{"id":"00u1","type":"User"},{"id":"0oa1","type":"AppInstance"}]},{"target":null}]"#,
      &["AppInstance"],
    )
    .unwrap();
    assert_eq!(changes[0].parents, ["0oa1"]);
    assert!(changes[1].parents.is_empty());
    assert!(changes_naming(b"{", &["AppInstance"]).is_err());
    assert_eq!(apps_of(br#"[{"id":"0oa1"},{}]"#).unwrap(), ["0oa1"]);
  }
}
