//! Users (`okta_user`): `GET /api/v1/users`, one Link chain.

use serde::{Deserialize, Serialize};
use url::Url;

use super::mapping::{
  for_each_item, map_body, ms, text, updated_at, Collector, Entity, MapOptions, MappedPage, PageParseError,
};
use super::{and, any_of, Filterable, FirstRequest, ResourceModule, Runner, Shape, Spec};
use crate::okta::models::{Obj, Text};

/// Okta user statuses (the values `status eq` push-down accepts).
pub const USER_STATUSES: [&str; 8] = [
  "STAGED",
  "PROVISIONED",
  "ACTIVE",
  "RECOVERY",
  "LOCKED_OUT",
  "PASSWORD_EXPIRED",
  "SUSPENDED",
  "DEPROVISIONED",
];

/// A filter matching every user status: an unfiltered list omits DEPROVISIONED
/// users, so full syncs use this to get the complete set.
pub fn all_statuses_filter() -> String {
  any_of("status", USER_STATUSES)
}

pub(super) const SPEC: Spec = Spec {
  setting: "users",
  name: "okta_user",
  shape: Shape::Entity,
  path: "/api/v1/users",
  bucket: "users",
  page_limit: 200,
  label: "users",
  description: "Every user of the org, deactivated ones included, with lifecycle status, name, login and when they were created, activated and last signed in: for active-user counts and dormant accounts.",
  fields: &[
    ("status", "Lifecycle status (ACTIVE, SUSPENDED, DEPROVISIONED, ...)."),
    ("email", "Primary email from the user's profile."),
    ("login", "Okta login (usually an email address)."),
    ("firstName", "Given name from the profile."),
    ("lastName", "Family name from the profile."),
    ("lastLogin", "Last sign-in time (Unix ms), or null."),
    ("createdAt", "When the user was created (Unix ms)."),
    ("activatedAt", "When the user was activated (Unix ms), or null."),
    ("mfaEnrolled", "With factors synced: whether the user has at least one ACTIVE factor (kept by the factors phase; absent without factors)."),
    ("activeFactorTypes", "With factors synced: the factor types of the user's ACTIVE factors, sorted (kept by the factors phase; absent without factors)."),
  ],
  filterable: &[Filterable {
    field: "status",
    values: Some(&USER_STATUSES),
    push_down: true,
  }],
  notes: None,
  responses: "users",
  permission: "read users (okta.users.read)",
  scope: "okta.users.read",
  runner: Runner::Chain,
};

/// `user.profile`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct UserProfile<'a> {
  #[serde(borrow, default)]
  pub email: Text<'a>,
  #[serde(borrow, default)]
  pub login: Text<'a>,
  #[serde(borrow, default, rename = "firstName")]
  pub first_name: Text<'a>,
  #[serde(borrow, default, rename = "lastName")]
  pub last_name: Text<'a>,
}

/// A user from `GET /api/v1/users`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct RawUser<'a> {
  #[serde(borrow, default)]
  pub id: Text<'a>,
  #[serde(borrow, default)]
  pub status: Text<'a>,
  #[serde(borrow, default)]
  pub created: Text<'a>,
  #[serde(borrow, default)]
  pub activated: Text<'a>,
  #[serde(borrow, default, rename = "statusChanged")]
  pub status_changed: Text<'a>,
  #[serde(borrow, default, rename = "lastLogin")]
  pub last_login: Text<'a>,
  #[serde(borrow, default, rename = "lastUpdated")]
  pub last_updated: Text<'a>,
  #[serde(borrow, default)]
  pub profile: Obj<UserProfile<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserAttributes<'s> {
  status: Option<&'s str>,
  email: Option<&'s str>,
  login: Option<&'s str>,
  first_name: Option<&'s str>,
  last_name: Option<&'s str>,
  last_login: Option<i64>,
  created_at: Option<i64>,
  activated_at: Option<i64>,
}

fn map_user(u: &RawUser, index: usize, c: &mut Collector) {
  let Some(id) = c.new_id("user", u.id.get(), index) else {
    return;
  };
  let p = u.profile.get();
  c.push(&Entity {
    kind: "okta_user",
    id,
    attributes: UserAttributes {
      status: text(&u.status),
      email: p.and_then(|p| text(&p.email)),
      login: p.and_then(|p| text(&p.login)),
      first_name: p.and_then(|p| text(&p.first_name)),
      last_name: p.and_then(|p| text(&p.last_name)),
      last_login: ms(&u.last_login),
      created_at: ms(&u.created),
      activated_at: ms(&u.activated),
    },
    updated_at: updated_at([&u.last_updated, &u.status_changed, &u.created]),
  });
}

/// The users module.
pub(super) struct Users;

impl ResourceModule for Users {
  fn spec(&self) -> &'static Spec {
    &SPEC
  }

  fn map_page(&self, body: &[u8], _opts: MapOptions) -> Result<MappedPage, PageParseError> {
    map_body(body, |b, c| for_each_item::<RawUser>(b, c, map_user))
  }

  fn first_page_url(&self, mut url: Url, q: &FirstRequest) -> Url {
    let since = q.updated_since.as_ref().map(|s| format!("lastUpdated gt \"{s}\""));
    let filter = match &q.push_down {
      Some(value) => and(since, format!("status eq \"{value}\"")),
      // Users need SOME filter or Okta drops DEPROVISIONED users from the list.
      None => since.unwrap_or_else(all_statuses_filter),
    };
    url.query_pairs_mut().append_pair("filter", &filter);
    url
  }
}
