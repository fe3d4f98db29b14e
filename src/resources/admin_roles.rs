//! Admin role assignments (`okta_admin_role_assignment`, opt-in `admin_roles`): who
//! holds which admin role. Okta lists the users with role assignments
//! (`GET /api/v1/iam/assignees/users`), so the fan-out reads the roles of admins only
//! (`GET /api/v1/users/{id}/roles`), never one request per user of the org. A user's
//! roles include those it holds through a group (`assignmentType: GROUP`, the group
//! in `_links.assignee`): they are stored once, as the group's assignment. After the
//! first enumeration, the System Log's privilege events name the users and groups
//! whose roles changed, and only those are read again
//! (`GET /api/v1/groups/{id}/roles` for a group).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::mapping::{
  for_each_item, map_body, ms, text, updated_at, Collector, Entity, MapOptions, MappedPage, PageParseError,
};
use super::{ChildList, FanOut, Filterable, FirstRequest, ParentChange, Resource, ResourceModule, Runner, Shape, Spec};
use crate::okta::models::{Obj, Text};

/// Okta's standard admin role types, plus `CUSTOM` (filterable metadata; unknown
/// types are kept as given).
pub const ROLE_TYPES: [&str; 12] = [
  "SUPER_ADMIN",
  "ORG_ADMIN",
  "APP_ADMIN",
  "USER_ADMIN",
  "HELP_DESK_ADMIN",
  "READ_ONLY_ADMIN",
  "MOBILE_ADMIN",
  "API_ACCESS_MANAGEMENT_ADMIN",
  "REPORT_ADMIN",
  "GROUP_MEMBERSHIP_ADMIN",
  "ACCESS_CERTIFICATIONS_ADMIN",
  "CUSTOM",
];

/// Assignment statuses, plus `REMOVED` for one the principal no longer holds.
pub const ROLE_STATUSES: [&str; 3] = ["ACTIVE", "INACTIVE", "REMOVED"];

/// Who holds an assignment.
pub const PRINCIPAL_TYPES: [&str; 2] = ["USER", "GROUP"];

/// The System Log filter selecting role grants and revocations, and deletions of
/// users and groups (a deleted admin's assignments go without a revoke event).
pub const ROLE_EVENT_FILTER: &str = "eventType eq \"user.account.privilege.grant\" or eventType eq \"user.account.privilege.revoke\" or eventType eq \"group.privilege.grant\" or eventType eq \"group.privilege.revoke\" or eventType eq \"user.lifecycle.delete.initiated\" or eventType eq \"group.lifecycle.delete\"";

pub(super) const SPEC: Spec = Spec {
  setting: "admin_roles",
  name: "okta_admin_role_assignment",
  shape: Shape::Entity,
  path: "/api/v1/iam/assignees/users",
  bucket: "roles",
  page_limit: 100,
  label: "admin role assignments",
  description: "Every admin role assignment of the org: which users and groups hold Super Administrator, Organization Administrator, Read-Only Administrator, custom roles and the others: for privileged-access reviews.",
  fields: &[
    ("principalType", "USER or GROUP: who holds the role."),
    ("principalId", "Okta id of the user or group."),
    (
      "assignee",
      "principalType:principalId, e.g. USER:00u1 (what the fan-out re-reads).",
    ),
    ("roleType", "SUPER_ADMIN, ORG_ADMIN, READ_ONLY_ADMIN, ..., or CUSTOM."),
    ("roleLabel", "The role's name, e.g. Super Administrator."),
    ("roleId", "The custom role's id (CUSTOM only), or null."),
    ("resourceSetId", "The custom role's resource set, or null."),
    ("assignmentType", "USER (assigned to the user) or GROUP (to a group)."),
    ("status", "ACTIVE, INACTIVE, or REMOVED once it is no longer held."),
    ("createdAt", "When the role was assigned (Unix ms), or null."),
    ("lastUpdatedAt", "When it last changed (Unix ms), or null."),
  ],
  filterable: &[
    Filterable {
      field: "roleType",
      values: Some(&ROLE_TYPES),
      push_down: false,
    },
    Filterable {
      field: "principalType",
      values: Some(&PRINCIPAL_TYPES),
      push_down: false,
    },
    Filterable {
      field: "status",
      values: Some(&ROLE_STATUSES),
      push_down: false,
    },
  ],
  notes: Some("Opt-in. The first enumeration lists the users Okta reports as role assignees and reads each one's roles (admins only, not every user); the roles a user holds through a group are stored once, as the group's assignment. After it, each run reads the System Log's privilege grants and revocations (and user and group deletions) since the last run and re-reads only the users and groups they name; a deleted one's assignments become REMOVED. rawdash cannot delete one entity: an assignment no longer held is kept with status REMOVED (filter widgets on status)."),
  responses: "admin_roles",
  permission: "read admin roles (okta.roles.read)",
  scope: "okta.roles.read",
  runner: Runner::FanOut(&FAN_OUT),
};

/// The fan-out over role assignees.
const FAN_OUT: FanOut = FanOut {
  parent: Resource::AdminRoles,
  parents_url: assignees_url,
  parent_ids: assignees_of,
  child_lists: &[ChildList {
    url: assignee_roles_url,
    map: map_assignee_roles,
  }],
  changes_from: Resource::AuthEvents,
  changes_url: role_events_url,
  changes_in,
  parents_changed: None,
  state_id: "admin_roles",
  parent_field: "assignee",
  removed: ("status", "REMOVED"),
  removed_stamp: "lastUpdatedAt",
  parents_per_batch: 25,
  snapshot_when_current: false,
};

/// `_links.assignee` of a role assignment.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Href<'a> {
  #[serde(borrow, default)]
  pub href: Text<'a>,
}

/// `role._links`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct RoleLinks<'a> {
  #[serde(borrow, default)]
  pub assignee: Obj<Href<'a>>,
}

/// A role assignment from `GET /api/v1/users/{id}/roles` or `/groups/{id}/roles`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct RawRole<'a> {
  #[serde(borrow, default)]
  pub id: Text<'a>,
  #[serde(borrow, default, rename = "type")]
  pub role_type: Text<'a>,
  #[serde(borrow, default)]
  pub label: Text<'a>,
  /// The custom role's id (`CUSTOM` assignments).
  #[serde(borrow, default)]
  pub role: Text<'a>,
  #[serde(borrow, default, rename = "resource-set")]
  pub resource_set: Text<'a>,
  #[serde(borrow, default)]
  pub status: Text<'a>,
  #[serde(borrow, default, rename = "assignmentType")]
  pub assignment_type: Text<'a>,
  #[serde(borrow, default)]
  pub created: Text<'a>,
  #[serde(borrow, default, rename = "lastUpdated")]
  pub last_updated: Text<'a>,
  #[serde(borrow, default, rename = "_links")]
  pub links: Obj<RoleLinks<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RoleAttributes<'s> {
  principal_type: &'s str,
  principal_id: &'s str,
  assignee: &'s str,
  role_type: Option<&'s str>,
  role_label: Option<&'s str>,
  role_id: Option<&'s str>,
  resource_set_id: Option<&'s str>,
  assignment_type: &'s str,
  status: Option<&'s str>,
  created_at: Option<i64>,
  last_updated_at: Option<i64>,
}

/// A fan-out parent: `USER:<id>` or `GROUP:<id>`.
fn split_assignee(assignee: &str) -> Option<(&'static str, &str)> {
  let (kind, id) = assignee.split_once(':')?;
  let kind = PRINCIPAL_TYPES.into_iter().find(|k| *k == kind)?;
  (!id.is_empty()).then_some((kind, id))
}

/// The group id of an assignee link (`.../api/v1/groups/<id>`).
fn group_of(href: &str) -> Option<&str> {
  let rest = href.split_once("/api/v1/groups/")?.1;
  let id = rest.split(['/', '?', '#']).next()?;
  (!id.is_empty()).then_some(id)
}

fn map_role(r: &RawRole, index: usize, parent: (&str, &str), c: &mut Collector) {
  let Some(role_id) = r.id.get().filter(|id| !id.is_empty()) else {
    c.skip(format!("role assignment at index {index} has no id"));
    return;
  };
  // A user's role held through a group is the group's assignment.
  let (principal_type, principal_id) = match (parent.0, r.assignment_type.get()) {
    ("USER", Some("GROUP")) => {
      let group = r
        .links
        .get()
        .and_then(|l| l.assignee.get())
        .and_then(|a| a.href.get())
        .and_then(group_of);
      match group {
        Some(g) => ("GROUP", g),
        None => {
          c.skip(format!("group role assignment at index {index} names no group"));
          return;
        }
      }
    }
    _ => parent,
  };
  let id = format!("{principal_type}:{principal_id}:{role_id}");
  if !c.first_time(&id) {
    c.skip(format!(
      "role assignment {} appears twice in the list",
      crate::error::truncate(&id, 64)
    ));
    return;
  }
  let assignee = format!("{principal_type}:{principal_id}");
  c.push(&Entity {
    kind: SPEC.name,
    id: &id,
    attributes: RoleAttributes {
      principal_type,
      principal_id,
      assignee: &assignee,
      role_type: text(&r.role_type),
      role_label: text(&r.label),
      role_id: text(&r.role),
      resource_set_id: text(&r.resource_set),
      assignment_type: principal_type,
      status: text(&r.status),
      created_at: ms(&r.created),
      last_updated_at: ms(&r.last_updated),
    },
    updated_at: updated_at([&r.last_updated, &r.created]),
  });
}

/// Maps one assignee's role list: the records carry `assignee` (the parent), except
/// a user's roles held through a group, which are the group's.
pub fn map_assignee_roles(body: &[u8], assignee: &str) -> Result<MappedPage, PageParseError> {
  let parent = split_assignee(assignee).ok_or_else(|| PageParseError(format!("unknown role assignee {assignee}")))?;
  map_body(body, |b, c| {
    for_each_item::<RawRole>(b, c, |r, i, c| map_role(r, i, parent, c))
  })
}

/// `GET /api/v1/iam/assignees/users`: the users with role assignments.
pub fn assignees_url(origin: &Url) -> Url {
  let mut url = origin.clone();
  url.set_query(None);
  url.set_path(SPEC.path);
  url.query_pairs_mut().append_pair("limit", &SPEC.page_limit.to_string());
  url
}

/// One assignee's roles: `/api/v1/users/{id}/roles` or `/api/v1/groups/{id}/roles`
/// (the id is one path segment, escaped).
pub fn assignee_roles_url(origin: &Url, assignee: &str) -> Url {
  let (kind, id) = split_assignee(assignee).unwrap_or(("USER", assignee));
  let collection = if kind == "GROUP" { "groups" } else { "users" };
  let mut url = origin.clone();
  url.set_query(None);
  url.set_path("/");
  if let Ok(mut segments) = url.path_segments_mut() {
    segments.clear().extend(["api", "v1", collection, id, "roles"]);
  }
  url
}

/// A polling read of role grants and revocations from `since` (ascending, no `until`).
pub fn role_events_url(origin: &Url, since: &str) -> Url {
  super::changes::log_poll_url(origin, ROLE_EVENT_FILTER, since)
}

/// The assignees of an assignees page (`{ value: [{ id }], _links }`) as `USER:<id>`.
fn assignees_of(body: &[u8]) -> Result<Vec<String>, String> {
  let page: Value = serde_json::from_slice(body).map_err(|e| format!("the role assignees page is not JSON ({e})"))?;
  let items = page
    .get("value")
    .and_then(Value::as_array)
    .ok_or("the role assignees page has no value list")?;
  Ok(
    items
      .iter()
      .filter_map(|u| u.get("id").and_then(Value::as_str))
      .filter(|id| !id.is_empty() && id.len() <= 256)
      .map(|id| format!("USER:{id}"))
      .collect(),
  )
}

/// The privilege events of a System Log page: the users (`target` of type User) and
/// groups (`UserGroup`) each names.
fn changes_in(body: &[u8]) -> Result<Vec<ParentChange>, String> {
  super::changes::changes_with(body, |e| {
    e.get("target")
      .and_then(Value::as_array)
      .into_iter()
      .flatten()
      .filter_map(|t| {
        let kind = match t.get("type").and_then(Value::as_str)? {
          "User" => "USER",
          "UserGroup" => "GROUP",
          _ => return None,
        };
        let id = t
          .get("id")
          .and_then(Value::as_str)
          .filter(|id| !id.is_empty() && id.len() <= 256)?;
        Some(format!("{kind}:{id}"))
      })
      .collect()
  })
}

/// The admin roles module.
pub(super) struct AdminRoles;

impl ResourceModule for AdminRoles {
  fn spec(&self) -> &'static Spec {
    &SPEC
  }

  fn map_page(&self, body: &[u8], _opts: MapOptions) -> Result<MappedPage, PageParseError> {
    // A role list read without its assignee: a user's.
    map_body(body, |b, c| {
      for_each_item::<RawRole>(b, c, |r, i, c| map_role(r, i, ("USER", ""), c))
    })
  }

  fn first_page_url(&self, url: Url, _q: &FirstRequest) -> Url {
    // The fan-out starts from the role assignees.
    assignees_url(&url)
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use serde_json::json;

  fn records(body: &str, assignee: &str) -> (Vec<Value>, Vec<String>) {
    let page = map_assignee_roles(body.as_bytes(), assignee).unwrap();
    (serde_json::from_slice(&page.records_json).unwrap(), page.warnings)
  }

  #[test]
  fn a_users_roles_map_to_its_own_and_its_groups_assignments() {
    let (got, warnings) = records(
      r#"[{"id":"ra1","type":"SUPER_ADMIN","label":"Super Administrator","status":"ACTIVE","created":"2024-01-01T00:00:00.000Z","lastUpdated":"2024-01-02T00:00:00.000Z","assignmentType":"USER","_links":{"assignee":{"href":"https://acme.okta.com/api/v1/users/00u1"}}},
          {"id":"ra2","type":"READ_ONLY_ADMIN","label":"Read-Only Administrator","status":"ACTIVE","assignmentType":"GROUP","_links":{"assignee":{"href":"https://acme.okta.com/api/v1/groups/00g9"}}},
          {"id":"ra3","type":"CUSTOM","label":"Helpdesk+","role":"cr0abc","resource-set":"iam1","status":"ACTIVE","assignmentType":"USER"},
          {"id":"ra4","type":"ORG_ADMIN","assignmentType":"GROUP","_links":{}},
          {"type":"APP_ADMIN"}, {"id":"ra1","assignmentType":"USER"}]"#,
      "USER:00u1",
    );
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert_eq!(got.len(), 3);
    assert_eq!(
      got[0],
      json!({ "type": "okta_admin_role_assignment", "id": "USER:00u1:ra1", "attributes": {
        "principalType": "USER", "principalId": "00u1", "assignee": "USER:00u1", "roleType": "SUPER_ADMIN",
        "roleLabel": "Super Administrator", "roleId": null, "resourceSetId": null, "assignmentType": "USER",
        "status": "ACTIVE", "createdAt": 1704067200000i64, "lastUpdatedAt": 1704153600000i64 }, "updated_at": 1704153600000i64 })
    );
    assert_eq!(got[1]["id"], "GROUP:00g9:ra2");
    assert_eq!(got[1]["attributes"]["assignee"], "GROUP:00g9");
    assert_eq!(got[1]["attributes"]["assignmentType"], "GROUP");
    assert_eq!(got[2]["attributes"]["roleId"], "cr0abc");
    assert_eq!(got[2]["attributes"]["resourceSetId"], "iam1");
  }

  #[test]
  fn assignees_urls_and_events_are_read_tolerantly() {
    let origin = Url::parse("https://acme.okta.com").unwrap();
    assert_eq!(
      assignee_roles_url(&origin, "GROUP:00g/1").as_str(),
      "https://acme.okta.com/api/v1/groups/00g%2F1/roles"
    );
    assert_eq!(
      assignee_roles_url(&origin, "USER:00u1").as_str(),
      "https://acme.okta.com/api/v1/users/00u1/roles"
    );
    assert_eq!(
      assignees_of(br#"{"value":[{"id":"00u1","orn":"x"},{"orn":"y"},{"id":""}],"_links":{}}"#).unwrap(),
      ["USER:00u1"]
    );
    assert!(assignees_of(b"[]").is_err());
    let changes = changes_in(
      br#"[{"uuid":"e1","published":"2024-01-01T00:00:00.000Z","target":[{"id":"00u2","type":"User"},{"id":"00g3","type":"UserGroup"},{"id":"x","type":"ROLE"}]},{"target":null}]"#,
    )
    .unwrap();
    assert_eq!(changes[0].parents, ["USER:00u2", "GROUP:00g3"]);
    assert!(changes[1].parents.is_empty());
    assert!(map_assignee_roles(b"[]", "ROLE:1").is_err());
  }
}
