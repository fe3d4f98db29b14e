//! The resources the connector syncs: one module each, and the ONE dispatch.
//!
//! A resource module holds everything about its resource: its row ([`Spec`]: names,
//! shape, endpoint, bucket, page size, texts, fields, filterable fields and which
//! one pushes down, OAuth scope, permission, and the [`Runner`] that drives it), its
//! raw Okta model, its mapping to rawdash records, and how its first request is
//! built. It is pure: no I/O, no engine. The engine (`crate::engine`) runs what the
//! row says; `definition()` exports the rows; the JS layer derives its lists from
//! them. [`Resource::module`] is the only `match` on resources in the code base.
//!
//! Adding a resource: a module here, its variant in [`Resource`] and one line in
//! [`Resource::module`], simulator data and tests (README, "Adding a resource").

mod admin_roles;
mod app_assignments;
mod apps;
mod auth_events;
mod changes;
mod devices;
mod factors;
mod group_members;
mod groups;
mod log_events;
pub mod mapping;
mod users;

use serde_json::Value;
use url::Url;

pub use app_assignments::{APP_ASSIGNMENT_EVENT_FILTER, ASSIGNMENT_STATUSES, PRINCIPAL_TYPES};
pub use apps::{APP_SIGN_ON_MODES, APP_STATUSES};
pub use auth_events::{log_query_url, log_range_url, AUTH_EVENT_FILTER, EVENT_RESULTS, SIGN_IN_EVENT_TYPES};
pub use factors::{FACTOR_EVENT_FILTER, FACTOR_STATUSES, FACTOR_TYPES};
pub use group_members::{GROUP_MEMBERSHIP_EVENT_FILTER, MEMBERSHIP_STATUSES};
pub use groups::GROUP_TYPES;
pub use log_events::{
  family_of, log_event_filter, log_events_item_pattern, map_log_page, selected_log_types, Family, LogRoute, TargetKind,
  FAMILIES, OTHER_FAMILY,
};
pub use mapping::{format_ms, parse_ms, MapOptions, MappedPage, PageParseError};
pub use users::{all_statuses_filter, USER_STATUSES};

/// A resource the connector syncs, in phase order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resource {
  /// Okta users -> `okta_user` entities.
  Users,
  /// Okta groups -> `okta_group` entities.
  Groups,
  /// System Log sign-in events -> `okta_auth_event` events.
  AuthEvents,
  /// Applications -> `okta_app` entities (opt-in: not in [`Resource::DEFAULT`]).
  Apps,
  /// Enrolled MFA factors of every user -> `okta_factor` entities (opt-in; one
  /// request per user, so it spans host runs like the System Log backfill).
  Factors,
  /// Group memberships -> `okta_group_member` entities (opt-in; a fan-out over groups).
  GroupMembers,
  /// App assignments -> `okta_app_assignment` entities (opt-in; a fan-out over apps).
  AppAssignments,
  /// Registered devices with their users -> `okta_device` entities (opt-in).
  Devices,
  /// Admin role assignments of users and groups -> `okta_admin_role_assignment`
  /// entities (opt-in; a fan-out over the role assignees, kept current by the
  /// System Log's privilege events).
  AdminRoles,
  /// System Log events beyond sign-ins (admin, lifecycle, security, app access,
  /// MFA: the `logEvents` setting) -> `okta_log_event` events (opt-in; read by the
  /// same backfill as sign-ins, in the same requests).
  LogEvents,
}

impl Resource {
  /// All resources in phase order. New resources go last, so a TypeScript-package
  /// cursor (which knows only the first three) resumes them from their start.
  pub const ALL: [Resource; 10] = [
    Resource::Users,
    Resource::Groups,
    Resource::AuthEvents,
    Resource::Apps,
    Resource::Factors,
    Resource::GroupMembers,
    Resource::AppAssignments,
    Resource::Devices,
    Resource::AdminRoles,
    Resource::LogEvents,
  ];

  /// What a sync covers when neither the settings nor the host name resources: the
  /// TypeScript package's three, so existing users get no requests they did not ask for.
  pub const DEFAULT: [Resource; 3] = [Resource::Users, Resource::Groups, Resource::AuthEvents];

  /// The resource's module: THE dispatch.
  pub fn module(self) -> &'static dyn ResourceModule {
    match self {
      Resource::Users => &users::Users,
      Resource::Groups => &groups::Groups,
      Resource::AuthEvents => &auth_events::AuthEvents,
      Resource::Apps => &apps::Apps,
      Resource::Factors => &factors::Factors,
      Resource::GroupMembers => &group_members::GroupMembers,
      Resource::AppAssignments => &app_assignments::AppAssignments,
      Resource::Devices => &devices::Devices,
      Resource::AdminRoles => &admin_roles::AdminRoles,
      Resource::LogEvents => &log_events::LogEvents,
    }
  }

  /// The resource's row.
  pub fn spec(self) -> &'static Spec {
    self.module().spec()
  }

  /// The fan-out parameters, for a resource the fan-out runner drives.
  pub fn fan_out(self) -> Option<&'static FanOut> {
    match self.spec().runner {
      Runner::FanOut(fan) => Some(fan),
      _ => None,
    }
  }

  /// How the System Log backfill feeds the resource, for one it feeds.
  pub fn log_feed(self) -> Option<&'static LogFeed> {
    self.module().log_feed()
  }

  /// The name used in `settings.resources` and in cursors' `phase`.
  pub fn setting_name(self) -> &'static str {
    self.spec().setting
  }

  /// The rawdash resource name (`options.resources`, `fetchSpecs` keys, logs).
  pub fn resource_name(self) -> &'static str {
    self.spec().name
  }

  /// The Okta API path of the resource's list endpoint.
  pub fn path(self) -> &'static str {
    self.spec().path
  }

  /// Okta's rate-limit bucket name for the endpoint.
  pub fn bucket(self) -> &'static str {
    self.spec().bucket
  }

  /// The OAuth scope an API Services app needs to read the resource.
  pub fn scope(self) -> &'static str {
    self.spec().scope
  }

  /// Page size requested (the endpoint's maximum the TypeScript package uses).
  pub fn page_limit(self) -> u32 {
    self.spec().page_limit
  }

  /// Parses a settings name (`users`, `groups`, `auth_events`).
  pub fn from_setting(name: &str) -> Option<Resource> {
    Resource::ALL.into_iter().find(|r| r.setting_name() == name)
  }

  /// Parses a rawdash resource name (`okta_user`, ...).
  pub fn from_resource_name(name: &str) -> Option<Resource> {
    Resource::ALL.into_iter().find(|r| r.resource_name() == name)
  }

  /// Maps one page body of the resource to records.
  pub fn map_page(self, body: &[u8], opts: MapOptions) -> Result<MappedPage, PageParseError> {
    self.module().map_page(body, opts)
  }

  /// The URL of the resource's first page on `origin`.
  pub fn first_page_url(self, origin: &Url, q: &FirstRequest) -> Url {
    let mut url = origin.clone();
    url.set_path(self.path());
    url
      .query_pairs_mut()
      .append_pair("limit", &self.page_limit().to_string());
    self.module().first_page_url(url, q)
  }

  /// The push-down value from `fetchSpecs`: only when there is exactly one spec and
  /// its filter has a top-level `<field> eq "<known value>"` clause on the row's
  /// push-down field. Unknown values are not pushed down (they could inject filter
  /// syntax).
  pub fn push_down_value(self, fetch_specs: Option<&Value>) -> Option<String> {
    let spec = self.spec();
    let filterable = spec.filterable.iter().find(|f| f.push_down)?;
    let allowed = filterable.values?;
    let specs = fetch_specs?.get(spec.name)?.as_array()?;
    let [one] = specs.as_slice() else {
      return None;
    };
    one.get("filter")?.as_array()?.iter().find_map(|clause| {
      let is_match = clause.get("field")?.as_str()? == filterable.field && clause.get("op")?.as_str()? == "eq";
      let value = clause.get("value")?.as_str()?;
      (is_match && allowed.contains(&value)).then(|| value.to_string())
    })
  }
}

/// What a resource module provides. Implemented once per resource, in its module.
pub trait ResourceModule: Sync {
  /// The resource's row.
  fn spec(&self) -> &'static Spec;

  /// Maps one page body to records (see [`mapping::map_body`]).
  fn map_page(&self, body: &[u8], opts: MapOptions) -> Result<MappedPage, PageParseError>;

  /// Adds the resource's query to its first-page URL, which already has the path
  /// and `limit` (Okta takes `filter` expressions joined with [`and`]).
  fn first_page_url(&self, url: Url, q: &FirstRequest) -> Url;

  /// How the System Log backfill feeds the resource (event resources it runs).
  fn log_feed(&self) -> Option<&'static LogFeed> {
    None
  }
}

/// How the System Log backfill feeds an event resource: which event types it stores
/// and how one event becomes its record. One log read serves every resource with a
/// feed: its filter is the union of their types, and each event of a page goes to
/// the resources that store its type.
pub struct LogFeed {
  /// The System Log event types the resource stores, given the `logEvents` setting
  /// (None: not given).
  pub event_types: fn(Option<&[String]>) -> Vec<String>,
  /// Adds the resource's record of one event, published at the given instant (ms).
  pub(crate) push: fn(&auth_events::RawEvent, i64, &mut mapping::Collector),
}

impl std::fmt::Debug for LogFeed {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.write_str("LogFeed")
  }
}

/// How a resource's records are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
  /// `storage.entities()`: upserted by `(type, id)`; a full sync rewrites the type.
  Entity,
  /// `storage.events()`: appended, never rewritten.
  Event,
}

impl Shape {
  /// `entity` or `event`, as rawdash names shapes.
  pub fn as_str(self) -> &'static str {
    match self {
      Shape::Entity => "entity",
      Shape::Event => "event",
    }
  }
}

/// A field widgets can filter on, with the values it takes when they are known.
#[derive(Debug)]
pub struct Filterable {
  /// The attribute name.
  pub field: &'static str,
  /// Known values (for `eq` push-down and setup forms), or None for free text.
  pub values: Option<&'static [&'static str]>,
  /// A single widget filter `field eq <known value>` is sent to Okta as a `filter`
  /// (at most one field per resource).
  pub push_down: bool,
}

/// Which engine runner drives a resource.
#[derive(Debug, Clone, Copy)]
pub enum Runner {
  /// One Link chain from the first page (a listing).
  Chain,
  /// The System Log backfill: newest-first slices with coverage kept in storage.
  Backfill,
  /// A fan-out over a parent list: one child list per parent (see [`FanOut`]).
  FanOut(&'static FanOut),
}

/// A fan-out resource's parameters: the parent list to enumerate, the child list
/// of each parent, and the System Log events that name parents whose child lists
/// changed (so runs after the first enumeration re-read only those).
#[derive(Debug)]
pub struct FanOut {
  /// The parent resource (its bucket paces the parent list).
  pub parent: Resource,
  /// The first page of the parents whose children are read.
  pub parents_url: fn(&Url) -> Url,
  /// The parent ids of a parents page (an id-less item is skipped).
  pub parent_ids: fn(&[u8]) -> Result<Vec<String>, String>,
  /// One parent's child lists, read one after the other (each a Link chain on its
  /// own path); together they are the parent's complete children.
  pub child_lists: &'static [ChildList],
  /// The resource whose endpoint serves the change events (its bucket paces them).
  pub changes_from: Resource,
  /// A polling System Log read of the change events from `since` (ISO).
  pub changes_url: fn(&Url, &str) -> Url,
  /// The change events of a System Log page and the parents each names.
  pub changes_in: fn(&[u8]) -> Result<Vec<ParentChange>, String>,
  /// Parents whose listing itself says when their children last changed (groups'
  /// `lastMembershipUpdated`): `(id, changed ms if stated)` of every parent of a
  /// parents page. With it, each
  /// run after the enumeration also lists the parents and re-reads those changed
  /// since the last run; `None`: only the change events say what changed.
  pub parents_changed: Option<ParentStamps>,
  /// The id of the fan-out's state record (`okta_sync_state`).
  pub state_id: &'static str,
  /// The child attribute naming the parent (`userId`).
  pub parent_field: &'static str,
  /// A stored child its parent no longer lists is kept with this attribute value
  /// (rawdash cannot delete one entity): `(attribute, value)`.
  pub removed: (&'static str, &'static str),
  /// The child attribute that records when it was marked removed (Unix ms).
  pub removed_stamp: &'static str,
  /// Parents whose child lists go into one write (one batch and one state write).
  pub parents_per_batch: usize,
  /// Once every parent's children are stored, each run ends by declaring the MFA
  /// snapshot over the stored parents and children (`crate::engine::metrics`).
  pub snapshot_when_current: bool,
}

impl PartialEq for FanOut {
  /// Each fan-out is one static: the same one is the same address.
  fn eq(&self, other: &FanOut) -> bool {
    std::ptr::eq(self, other)
  }
}

/// Reads every parent of a parents page with when its children last changed (ms),
/// if the page says.
pub type ParentStamps = fn(&[u8]) -> Result<Vec<(String, Option<i64>)>, String>;

/// One child list of a fan-out's parent: its first page and how a page maps.
#[derive(Debug)]
pub struct ChildList {
  /// The list's first page for a parent (its path is the one its `next` links
  /// must stay on).
  pub url: fn(&Url, &str) -> Url,
  /// Maps one page of the list: the records carry [`FanOut::parent_field`].
  pub map: fn(&[u8], &str) -> Result<MappedPage, PageParseError>,
}

/// One change event of a fan-out: its uuid, when, and the parents it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentChange {
  /// The event's uuid (remembered so an overlapping re-read does not act twice).
  pub uuid: Option<String>,
  /// When it was published (Unix ms).
  pub published: Option<i64>,
  /// The parents whose child lists it changed.
  pub parents: Vec<String>,
}

/// One row of the resource table.
#[derive(Debug)]
pub struct Spec {
  /// The name in `settings.resources` and in cursors (`users`).
  pub setting: &'static str,
  /// The rawdash resource name: entity type or event name (`okta_user`).
  pub name: &'static str,
  /// How its records are stored.
  pub shape: Shape,
  /// The Okta list endpoint's path.
  pub path: &'static str,
  /// Okta's rate-limit bucket for the endpoint.
  pub bucket: &'static str,
  /// Page size requested.
  pub page_limit: u32,
  /// A short plural label for progress lines (`sign-ins`).
  pub label: &'static str,
  /// What it is for, in the user's terms.
  pub description: &'static str,
  /// Record attributes and what they hold.
  pub fields: &'static [(&'static str, &'static str)],
  /// Filterable attributes.
  pub filterable: &'static [Filterable],
  /// How syncs treat it, when that needs saying.
  pub notes: Option<&'static str>,
  /// The tag of its raw response schema (`schemas[tag]`) and request logs.
  pub responses: &'static str,
  /// The admin permission a 403 on it means is missing.
  pub permission: &'static str,
  /// The OAuth scope an API Services app needs to read it.
  pub scope: &'static str,
  /// The engine runner that drives it.
  pub runner: Runner,
}

/// How a listing's first request is filtered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FirstRequest {
  /// `lastUpdated gt` bound for entities (incremental syncs only), ISO string.
  pub updated_since: Option<String>,
  /// `since=` for the System Log, ISO string.
  pub log_since: Option<String>,
  /// A value of the row's push-down field from the host's single widget filter.
  pub push_down: Option<String>,
  /// The System Log event types to read (`okta_log_event` without backfill storage).
  pub log_types: Vec<String>,
}

/// Joins two filter expressions as `(<a>) and (<b>)` (spec section 3).
pub fn and(existing: Option<String>, new: String) -> String {
  match existing {
    Some(e) => format!("({e}) and ({new})"),
    None => new,
  }
}

/// `<field> eq "<value>"` for each value, joined with `or`.
pub fn any_of(field: &str, values: impl IntoIterator<Item = &'static str>) -> String {
  values
    .into_iter()
    .map(|v| format!("{field} eq \"{v}\""))
    .collect::<Vec<_>>()
    .join(" or ")
}

#[cfg(test)]
mod tests {
  use super::*;
  use serde_json::json;

  fn origin() -> Url {
    Url::parse("https://acme.okta.com").unwrap()
  }

  #[test]
  fn names_are_unique_and_round_trip() {
    for r in Resource::ALL {
      assert_eq!(Resource::from_setting(r.spec().setting), Some(r));
      assert_eq!(Resource::from_resource_name(r.spec().name), Some(r));
      assert!(r.spec().path.starts_with("/api/v1/"));
      assert!(r
        .spec()
        .fields
        .iter()
        .all(|(name, text)| !name.is_empty() && !text.is_empty()));
      assert!(r.spec().filterable.iter().filter(|f| f.push_down).count() <= 1);
    }
  }

  #[test]
  fn push_down_needs_one_spec_with_a_known_value_of_the_rows_field() {
    let specs = json!({ "okta_user": [{ "filter": [{ "field": "status", "op": "eq", "value": "ACTIVE" }] }] });
    assert_eq!(Resource::Users.push_down_value(Some(&specs)).as_deref(), Some("ACTIVE"));
    let unknown = json!({ "okta_user": [{ "filter": [{ "field": "status", "op": "eq", "value": "X\" or true" }] }] });
    assert_eq!(Resource::Users.push_down_value(Some(&unknown)), None);
    let two = json!({ "okta_user": [{ "filter": [{ "field": "status", "op": "eq", "value": "ACTIVE" }] }, {}] });
    assert_eq!(Resource::Users.push_down_value(Some(&two)), None);
    let groups = json!({ "okta_group": [{ "filter": [{ "field": "type", "op": "eq", "value": "APP_GROUP" }] }] });
    assert_eq!(
      Resource::Groups.push_down_value(Some(&groups)).as_deref(),
      Some("APP_GROUP")
    );
    let events = json!({ "okta_auth_event": [{ "filter": [{ "field": "result", "op": "eq", "value": "FAILURE" }] }] });
    assert_eq!(Resource::AuthEvents.push_down_value(Some(&events)), None);
  }

  #[test]
  fn every_first_page_has_the_path_and_limit() {
    for r in Resource::ALL {
      let url = r.first_page_url(&origin(), &FirstRequest::default());
      assert_eq!(url.origin(), origin().origin());
      assert!(url
        .query_pairs()
        .any(|(k, v)| k == "limit" && v == r.page_limit().to_string()));
    }
  }
}

#[cfg(test)]
mod endpoint_tests {
  use super::*;
  use serde_json::json;

  fn origin() -> Url {
    Url::parse("https://acme.okta.com").unwrap()
  }

  fn query(url: &Url) -> Vec<(String, String)> {
    url
      .query_pairs()
      .map(|(k, v)| (k.into_owned(), v.into_owned()))
      .collect()
  }

  #[test]
  fn full_user_sync_filters_every_status() {
    let url = Resource::Users.first_page_url(&origin(), &FirstRequest::default());
    assert_eq!(url.path(), "/api/v1/users");
    let q = query(&url);
    assert_eq!(q[0], ("limit".into(), "200".into()));
    assert!(q[1].1.contains("status eq \"DEPROVISIONED\""));
  }

  #[test]
  fn incremental_and_push_down_combine() {
    let q = FirstRequest {
      updated_since: Some("2024-01-01T00:00:00.000Z".into()),
      push_down: Some("ACTIVE".into()),
      ..Default::default()
    };
    let url = Resource::Users.first_page_url(&origin(), &q);
    assert_eq!(
      query(&url)[1].1,
      "(lastUpdated gt \"2024-01-01T00:00:00.000Z\") and (status eq \"ACTIVE\")"
    );
    let groups = Resource::Groups.first_page_url(
      &origin(),
      &FirstRequest {
        push_down: Some("APP_GROUP".into()),
        ..Default::default()
      },
    );
    assert_eq!(
      query(&groups),
      [
        ("limit".into(), "200".into()),
        ("filter".into(), "type eq \"APP_GROUP\"".into()),
        ("expand".into(), "stats".into())
      ]
    );
  }

  #[test]
  fn apps_list_everything_and_push_down_status() {
    let url = Resource::Apps.first_page_url(&origin(), &FirstRequest::default());
    assert_eq!(url.path(), "/api/v1/apps");
    assert_eq!(query(&url), [("limit".into(), "200".into())]);
    let since = FirstRequest {
      updated_since: Some("2024-01-01T00:00:00.000Z".into()),
      push_down: Some("ACTIVE".into()),
      ..Default::default()
    };
    assert_eq!(
      query(&Resource::Apps.first_page_url(&origin(), &since)),
      [
        ("limit".into(), "200".into()),
        ("filter".into(), "status eq \"ACTIVE\"".into())
      ]
    );
  }

  #[test]
  fn logs_query_is_the_sign_in_poll() {
    let url = Resource::AuthEvents.first_page_url(
      &origin(),
      &FirstRequest {
        log_since: Some("2024-05-01T00:00:00.000Z".into()),
        ..Default::default()
      },
    );
    let q = query(&url);
    assert_eq!(q[0].1, "1000");
    assert_eq!(q[1].1, AUTH_EVENT_FILTER);
    assert_eq!(q[2], ("sortOrder".into(), "ASCENDING".into()));
    assert_eq!(q[3], ("since".into(), "2024-05-01T00:00:00.000Z".into()));
  }

  #[test]
  fn push_down_needs_exactly_one_spec_with_a_known_value() {
    let one = json!({ "okta_user": [{ "filter": [{ "field": "status", "op": "eq", "value": "ACTIVE" }] }] });
    assert_eq!(Resource::Users.push_down_value(Some(&one)).as_deref(), Some("ACTIVE"));
    let two = json!({ "okta_user": [{ "filter": [{ "field": "status", "op": "eq", "value": "ACTIVE" }] }, {}] });
    assert_eq!(Resource::Users.push_down_value(Some(&two)), None);
    let injected =
      json!({ "okta_user": [{ "filter": [{ "field": "status", "op": "eq", "value": "ACTIVE\" or id eq \"x" }] }] });
    assert_eq!(Resource::Users.push_down_value(Some(&injected)), None);
    let nested_or =
      json!({ "okta_group": [{ "filter": [{ "or": [{ "field": "type", "op": "eq", "value": "APP_GROUP" }] }] }] });
    assert_eq!(Resource::Groups.push_down_value(Some(&nested_or)), None);
    let group = json!({ "okta_group": [{ "filter": [{ "field": "type", "op": "eq", "value": "APP_GROUP" }] }] });
    assert_eq!(
      Resource::Groups.push_down_value(Some(&group)).as_deref(),
      Some("APP_GROUP")
    );
    assert_eq!(Resource::AuthEvents.push_down_value(Some(&group)), None);
  }
}
