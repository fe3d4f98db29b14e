//! Groups (`okta_group`): `GET /api/v1/groups?expand=stats`, one Link chain.

use serde::{Deserialize, Deserializer, Serialize};
use url::Url;

use super::mapping::{
  for_each_item, map_body, ms, text, updated_at, Collector, Entity, MapOptions, MappedPage, PageParseError,
};
use super::{and, Filterable, FirstRequest, ResourceModule, Runner, Shape, Spec};
use crate::okta::models::{whole_number, Obj, Text};

/// Okta group types (the values `type eq` push-down accepts).
pub const GROUP_TYPES: [&str; 3] = ["OKTA_GROUP", "APP_GROUP", "BUILT_IN"];

pub(super) const SPEC: Spec = Spec {
  setting: "groups",
  name: "okta_group",
  shape: Shape::Entity,
  path: "/api/v1/groups",
  bucket: "groups",
  page_limit: 200,
  label: "groups",
  description:
    "Every group of the org with its name, type (Okta, app-imported or built-in) and when its membership last changed.",
  fields: &[
    ("name", "Group name."),
    ("description", "Group description, or null."),
    ("type", "OKTA_GROUP, APP_GROUP or BUILT_IN."),
    ("createdAt", "When the group was created (Unix ms)."),
    ("lastMembershipUpdatedAt", "Last membership change (Unix ms), or null."),
    ("usersCount", "Members of the group (Okta's group stats), or null."),
    (
      "appsCount",
      "Applications assigned to the group (Okta's group stats), or null.",
    ),
  ],
  filterable: &[Filterable {
    field: "type",
    values: Some(&GROUP_TYPES),
    push_down: true,
  }],
  notes: None,
  responses: "groups",
  permission: "read groups (okta.groups.read)",
  scope: "okta.groups.read",
  runner: Runner::Chain,
};

/// `group.profile`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct GroupProfile<'a> {
  #[serde(borrow, default)]
  pub name: Text<'a>,
  #[serde(borrow, default)]
  pub description: Text<'a>,
}

/// A group from `GET /api/v1/groups`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct RawGroup<'a> {
  #[serde(borrow, default)]
  pub id: Text<'a>,
  #[serde(borrow, default, rename = "type")]
  pub group_type: Text<'a>,
  #[serde(borrow, default)]
  pub created: Text<'a>,
  #[serde(borrow, default, rename = "lastUpdated")]
  pub last_updated: Text<'a>,
  #[serde(borrow, default, rename = "lastMembershipUpdated")]
  pub last_membership_updated: Text<'a>,
  #[serde(borrow, default)]
  pub profile: Obj<GroupProfile<'a>>,
  #[serde(default, rename = "_embedded")]
  pub embedded: Obj<GroupEmbedded>,
}

/// A count that is `None` when missing, null, negative, fractional or not a number.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Count(pub Option<u64>);

impl<'de> Deserialize<'de> for Count {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    // Anything else is read as "no count" rather than failing the record.
    let value = serde_json::Value::deserialize(d)?;
    Ok(Count(whole_number(&value)))
  }
}

/// `group._embedded.stats` (with `expand=stats`).
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct GroupStats {
  #[serde(default, rename = "usersCount")]
  pub users_count: Count,
  #[serde(default, rename = "appsCount")]
  pub apps_count: Count,
}

/// `group._embedded`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct GroupEmbedded {
  #[serde(default)]
  pub stats: Obj<GroupStats>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GroupAttributes<'s> {
  name: Option<&'s str>,
  description: Option<&'s str>,
  #[serde(rename = "type")]
  group_type: Option<&'s str>,
  created_at: Option<i64>,
  last_membership_updated_at: Option<i64>,
  users_count: Option<u64>,
  apps_count: Option<u64>,
}

fn map_group(g: &RawGroup, index: usize, c: &mut Collector) {
  let Some(id) = c.new_id("group", g.id.get(), index) else {
    return;
  };
  let p = g.profile.get();
  let stats = g.embedded.get().and_then(|e| e.stats.get());
  c.push(&Entity {
    kind: "okta_group",
    id,
    attributes: GroupAttributes {
      name: p.and_then(|p| text(&p.name)),
      description: p.and_then(|p| text(&p.description)),
      group_type: text(&g.group_type),
      created_at: ms(&g.created),
      last_membership_updated_at: ms(&g.last_membership_updated),
      users_count: stats.and_then(|s| s.users_count.0),
      apps_count: stats.and_then(|s| s.apps_count.0),
    },
    updated_at: updated_at([&g.last_updated, &g.last_membership_updated, &g.created]),
  });
}

/// The groups module.
pub(super) struct Groups;

impl ResourceModule for Groups {
  fn spec(&self) -> &'static Spec {
    &SPEC
  }

  fn map_page(&self, body: &[u8], _opts: MapOptions) -> Result<MappedPage, PageParseError> {
    map_body(body, |b, c| for_each_item::<RawGroup>(b, c, map_group))
  }

  fn first_page_url(&self, mut url: Url, q: &FirstRequest) -> Url {
    let since = q.updated_since.as_ref().map(|s| format!("lastUpdated gt \"{s}\""));
    let filter = match &q.push_down {
      Some(value) => Some(and(since, format!("type eq \"{value}\""))),
      None => since,
    };
    {
      let mut pairs = url.query_pairs_mut();
      if let Some(f) = filter {
        pairs.append_pair("filter", &f);
      }
      // Member and app counts come with the groups at no extra request.
      pairs.append_pair("expand", "stats");
    }
    url
  }
}
