//! Applications (`okta_app`, opt-in): `GET /api/v1/apps`, one Link chain.

use serde::{Deserialize, Serialize};
use url::Url;

use super::mapping::{
  for_each_item, map_body, ms, text, updated_at, Collector, Entity, MapOptions, MappedPage, PageParseError,
};
use super::{Filterable, FirstRequest, ResourceModule, Runner, Shape, Spec};
use crate::okta::models::Text;

/// Application statuses (the values `status eq` push-down accepts for apps).
pub const APP_STATUSES: [&str; 2] = ["ACTIVE", "INACTIVE"];

/// Application sign-on modes (filterable metadata).
pub const APP_SIGN_ON_MODES: [&str; 9] = [
  "SAML_2_0",
  "SAML_1_1",
  "OPENID_CONNECT",
  "WS_FEDERATION",
  "BOOKMARK",
  "BROWSER_PLUGIN",
  "SECURE_PASSWORD_STORE",
  "AUTO_LOGIN",
  "BASIC_AUTH",
];

pub(super) const SPEC: Spec = Spec {
  setting: "apps",
  name: "okta_app",
  shape: Shape::Entity,
  path: "/api/v1/apps",
  bucket: "apps",
  page_limit: 200,
  label: "apps",
  description: "Every application integration of the org with its label, sign-on mode (SAML, OpenID Connect, ...) and status: for active-app counts and sign-on modes in use.",
  fields: &[
    ("label", "The name users see, e.g. Slack."),
    ("name", "Okta's integration name, e.g. slack."),
    ("status", "ACTIVE or INACTIVE."),
    ("signOnMode", "SAML_2_0, OPENID_CONNECT, WS_FEDERATION, BOOKMARK, ..."),
    ("createdAt", "When the app was added (Unix ms)."),
    ("lastUpdatedAt", "When the app was last changed (Unix ms), or null."),
  ],
  filterable: &[
    Filterable {
      field: "status",
      values: Some(&APP_STATUSES),
    push_down: true,
  },
    Filterable {
      field: "signOnMode",
      values: Some(&APP_SIGN_ON_MODES),
    push_down: false,
  },
  ],
  notes: Some("Opt-in: synced when the config's resources or the host's widgets name it. Every sync lists all apps (Okta cannot filter apps by change time; an org has few); a full sync rewrites the set."),
  responses: "apps",
  permission: "read applications (okta.apps.read)",
  scope: "okta.apps.read",
  runner: Runner::Chain,
};

/// An app from `GET /api/v1/apps`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct RawApp<'a> {
  #[serde(borrow, default)]
  pub id: Text<'a>,
  #[serde(borrow, default)]
  pub name: Text<'a>,
  #[serde(borrow, default)]
  pub label: Text<'a>,
  #[serde(borrow, default)]
  pub status: Text<'a>,
  #[serde(borrow, default, rename = "signOnMode")]
  pub sign_on_mode: Text<'a>,
  #[serde(borrow, default)]
  pub created: Text<'a>,
  #[serde(borrow, default, rename = "lastUpdated")]
  pub last_updated: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AppAttributes<'s> {
  label: Option<&'s str>,
  name: Option<&'s str>,
  status: Option<&'s str>,
  sign_on_mode: Option<&'s str>,
  created_at: Option<i64>,
  last_updated_at: Option<i64>,
}

fn map_app(a: &RawApp, index: usize, c: &mut Collector) {
  let Some(id) = c.new_id("app", a.id.get(), index) else {
    return;
  };
  c.push(&Entity {
    kind: SPEC.name,
    id,
    attributes: AppAttributes {
      label: text(&a.label),
      name: text(&a.name),
      status: text(&a.status),
      sign_on_mode: text(&a.sign_on_mode),
      created_at: ms(&a.created),
      last_updated_at: ms(&a.last_updated),
    },
    updated_at: updated_at([&a.last_updated, &a.created]),
  });
}

/// The apps module.
pub(super) struct Apps;

impl ResourceModule for Apps {
  fn spec(&self) -> &'static Spec {
    &SPEC
  }

  fn map_page(&self, body: &[u8], _opts: MapOptions) -> Result<MappedPage, PageParseError> {
    map_body(body, |b, c| for_each_item::<RawApp>(b, c, map_app))
  }

  fn first_page_url(&self, mut url: Url, q: &FirstRequest) -> Url {
    // Okta cannot filter apps by change time; `status eq` pushes down.
    if let Some(status) = &q.push_down {
      url
        .query_pairs_mut()
        .append_pair("filter", &format!("status eq \"{status}\""));
    }
    url
  }
}
