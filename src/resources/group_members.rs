//! Group memberships (`okta_group_member`, opt-in): a fan-out over groups, one
//! `GET /api/v1/groups/{id}/users` chain per group, kept current by the groups
//! listing's `lastMembershipUpdated` and the System Log's membership events (the
//! engine's fan-out runner).
//!
//! One entity per membership, id `<groupId>:<userId>`, with `status` `ACTIVE`, or
//! `REMOVED` once the group no longer lists the user (or the group is gone): rawdash
//! cannot delete one entity, and a plural replace of every membership would exceed
//! SQLite's limits.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::mapping::{
  for_each_item, map_body, parse_ms, text, Collector, Entity, MapOptions, MappedPage, PageParseError,
};
use super::{ChildList, FanOut, Filterable, FirstRequest, ParentChange, Resource, ResourceModule, Runner, Shape, Spec};
use crate::okta::models::{Obj, Text};

/// Membership statuses: `ACTIVE` while the group lists the user, then `REMOVED`.
pub const MEMBERSHIP_STATUSES: [&str; 2] = ["ACTIVE", "REMOVED"];

/// The System Log filter selecting group membership changes and group deletions.
pub const GROUP_MEMBERSHIP_EVENT_FILTER: &str = "eventType eq \"group.user_membership.add\" or eventType eq \"group.user_membership.remove\" or eventType eq \"group.lifecycle.delete\"";

/// Members per page (`/api/v1/groups/{id}/users` takes up to 1,000).
pub const MEMBERS_PAGE_LIMIT: u32 = 1000;

pub(super) const SPEC: Spec = Spec {
  setting: "group_members",
  name: "okta_group_member",
  shape: Shape::Entity,
  path: "/api/v1/groups/{id}/users",
  bucket: "groups",
  // The first request is a groups page (each group's members: MEMBERS_PAGE_LIMIT a page).
  page_limit: 200,
  label: "group memberships",
  description: "Who is in which group: one record per membership (group and user), ACTIVE while the group lists the user and REMOVED after: for access reviews, members of a group and users in no group.",
  fields: &[
    ("groupId", "Okta id of the group."),
    ("userId", "Okta id of the member user."),
    ("login", "The member's login, or null."),
    ("userStatus", "The member's Okta user status (ACTIVE, SUSPENDED, ...), as of the last read of the group."),
    ("status", "ACTIVE while the group lists the user, REMOVED once it no longer does (or the group is deleted)."),
    ("removedAt", "When the membership was found removed (Unix ms), or null."),
  ],
  filterable: &[
    Filterable {
      field: "groupId",
      values: None,
      push_down: false,
    },
    Filterable {
      field: "userId",
      values: None,
      push_down: false,
    },
    Filterable {
      field: "status",
      values: Some(&MEMBERSHIP_STATUSES),
      push_down: false,
    },
  ],
  notes: Some("Opt-in. Okta has no bulk listing of memberships: the first enumeration reads every group's members (one Link chain of up to 1,000 members a page per group, paced in the groups bucket) on the run budget with its progress kept in storage, so it spans host runs. After it, each run lists the groups and reads the System Log's membership events since the last run, and re-reads only the groups whose lastMembershipUpdated moved or that the events name. rawdash cannot delete one entity: a membership that ended is kept with status REMOVED (filter widgets on status eq ACTIVE)."),
  responses: "group_members",
  permission: "read groups and their members (okta.groups.read)",
  scope: "okta.groups.read",
  runner: Runner::FanOut(&FAN_OUT),
};

/// The fan-out over groups.
const FAN_OUT: FanOut = FanOut {
  parent: Resource::Groups,
  parents_url: groups_url,
  parent_ids: groups_of,
  child_lists: &[ChildList {
    url: group_members_url,
    map: map_group_members,
  }],
  changes_from: Resource::AuthEvents,
  changes_url: membership_events_url,
  changes_in,
  parents_changed: Some(membership_stamps),
  state_id: "group_members",
  parent_field: "groupId",
  removed: ("status", "REMOVED"),
  removed_stamp: "removedAt",
  parents_per_batch: 25,
  snapshot_when_current: false,
};

/// `user.profile` of a member (the part kept).
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct MemberProfile<'a> {
  #[serde(borrow, default)]
  pub login: Text<'a>,
}

/// A member user from `GET /api/v1/groups/{id}/users`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct RawMember<'a> {
  #[serde(borrow, default)]
  pub id: Text<'a>,
  #[serde(borrow, default)]
  pub status: Text<'a>,
  #[serde(borrow, default)]
  pub profile: Obj<MemberProfile<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MemberAttributes<'s> {
  group_id: &'s str,
  user_id: &'s str,
  login: Option<&'s str>,
  user_status: Option<&'s str>,
  status: &'static str,
  removed_at: Option<i64>,
}

fn map_member(m: &RawMember, index: usize, group_id: &str, c: &mut Collector) {
  let Some(user_id) = c.new_id("member", m.id.get(), index) else {
    return;
  };
  let id = format!("{group_id}:{user_id}");
  c.push(&Entity {
    kind: SPEC.name,
    id: &id,
    attributes: MemberAttributes {
      group_id,
      user_id,
      login: m.profile.get().and_then(|p| text(&p.login)),
      user_status: text(&m.status),
      status: "ACTIVE",
      removed_at: None,
    },
    // Okta does not say when a user joined; 0 keeps re-reads from moving it.
    updated_at: 0,
  });
}

/// Maps one page of a group's members: the records carry `groupId`.
pub fn map_group_members(body: &[u8], group_id: &str) -> Result<MappedPage, PageParseError> {
  map_body(body, |b, c| {
    for_each_item::<RawMember>(b, c, |m, i, c| map_member(m, i, group_id, c))
  })
}

/// Every group (no `expand`: the memberships need only ids and stamps).
pub fn groups_url(origin: &Url) -> Url {
  let mut url = origin.clone();
  url.set_query(None);
  url.set_path(Resource::Groups.path());
  url
    .query_pairs_mut()
    .append_pair("limit", &Resource::Groups.page_limit().to_string());
  url
}

/// `GET /api/v1/groups/{id}/users?limit=1000` (the id is one path segment, escaped).
pub fn group_members_url(origin: &Url, group_id: &str) -> Url {
  let mut url = origin.clone();
  url.set_query(None);
  url.set_path("/");
  if let Ok(mut segments) = url.path_segments_mut() {
    segments.clear().extend(["api", "v1", "groups", group_id, "users"]);
  }
  url
    .query_pairs_mut()
    .append_pair("limit", &MEMBERS_PAGE_LIMIT.to_string());
  url
}

/// A polling read of membership events from `since` (ascending, no `until`).
pub fn membership_events_url(origin: &Url, since: &str) -> Url {
  super::changes::log_poll_url(origin, GROUP_MEMBERSHIP_EVENT_FILTER, since)
}

/// The group ids of a groups page (an id-less item is skipped).
fn groups_of(body: &[u8]) -> Result<Vec<String>, String> {
  Ok(membership_stamps(body)?.into_iter().map(|(id, _)| id).collect())
}

/// Every group of a groups page with its `lastMembershipUpdated` (ms), if stated.
fn membership_stamps(body: &[u8]) -> Result<Vec<(String, Option<i64>)>, String> {
  let items: Vec<Value> =
    serde_json::from_slice(body).map_err(|e| format!("the groups page is not a JSON array ({e})"))?;
  Ok(
    items
      .iter()
      .filter_map(|g| {
        let id = g
          .get("id")
          .and_then(Value::as_str)
          .filter(|id| !id.is_empty() && id.len() <= 256)?;
        let stamp = g
          .get("lastMembershipUpdated")
          .and_then(Value::as_str)
          .and_then(parse_ms);
        Some((id.to_string(), stamp))
      })
      .collect(),
  )
}

/// The membership events of a System Log page: the groups each names (`target`
/// entries of type UserGroup).
fn changes_in(body: &[u8]) -> Result<Vec<ParentChange>, String> {
  super::changes::changes_naming(body, &["UserGroup"])
}

/// The group memberships module.
pub(super) struct GroupMembers;

impl ResourceModule for GroupMembers {
  fn spec(&self) -> &'static Spec {
    &SPEC
  }

  fn map_page(&self, body: &[u8], _opts: MapOptions) -> Result<MappedPage, PageParseError> {
    // Without the group the list belongs to (see `map_group_members`).
    map_group_members(body, "")
  }

  fn first_page_url(&self, url: Url, _q: &FirstRequest) -> Url {
    // The fan-out starts from the groups it reads members of.
    groups_url(&url)
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn members_carry_their_group_and_a_composite_id() {
    let page = map_group_members(
      br#"[{"id":"00u1","status":"ACTIVE","profile":{"login":"a@x"}},{"id":"00u1"},{"status":"ACTIVE"}]"#,
      "00g1",
    )
    .unwrap();
    let records: Vec<Value> = serde_json::from_slice(&page.records_json).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["id"], "00g1:00u1");
    assert_eq!(records[0]["attributes"]["groupId"], "00g1");
    assert_eq!(records[0]["attributes"]["status"], "ACTIVE");
    assert_eq!(page.warnings.len(), 2);
  }

  #[test]
  fn groups_and_their_stamps_are_read_tolerantly() {
    let stamps = membership_stamps(
      br#"[{"id":"00g1","lastMembershipUpdated":"2024-01-01T00:00:00.000Z"},{"id":"00g2","lastMembershipUpdated":null},{"id":""}]"#,
    )
    .unwrap();
    assert_eq!(
      stamps,
      [
        ("00g1".to_string(), parse_ms("2024-01-01T00:00:00.000Z")),
        ("00g2".to_string(), None)
      ]
    );
    assert!(groups_of(b"{}").is_err());
    let url = group_members_url(&Url::parse("https://acme.okta.com").unwrap(), "00g/../x");
    assert_eq!(url.path(), "/api/v1/groups/00g%2F..%2Fx/users");
  }
}
