//! System Log events beyond sign-ins (`okta_log_event`, opt-in): admin actions,
//! lifecycle changes, security threats, app access and MFA changes, selected by the
//! `logEvents` setting as families (this module's [`FAMILIES`], the one catalog)
//! and/or exact event types. Read by the System Log backfill in the same requests
//! as the sign-in events ([`map_log_page`] splits each page between them).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use url::Url;

use super::auth_events::RawEvent;
use super::mapping::{
  for_each_item, map_body, ms, nested, text, Collector, Event, MapOptions, MappedPage, PageParseError,
};
use super::{Filterable, FirstRequest, LogFeed, Resource, ResourceModule, Runner, Shape, Spec, EVENT_RESULTS};
use crate::error::truncate;
use crate::okta::models::{Obj, Text};

/// A kind of System Log target a family's records name (the first target of each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
  /// `User`: `targetUserId`, `targetUserType`, `targetUserDisplayName`.
  User,
  /// `AppInstance`: `targetApp*`.
  App,
  /// `UserGroup`: `targetGroup*`.
  Group,
  /// `PolicyEntity` / `PolicyRule`: `targetPolicy*`.
  Policy,
}

impl TargetKind {
  /// The attribute prefix (`targetUser`).
  pub fn prefix(self) -> &'static str {
    match self {
      TargetKind::User => "targetUser",
      TargetKind::App => "targetApp",
      TargetKind::Group => "targetGroup",
      TargetKind::Policy => "targetPolicy",
    }
  }

  /// Which kind an Okta target `type` is, if one of these.
  fn of(target_type: &str) -> Option<TargetKind> {
    match target_type {
      "User" => Some(TargetKind::User),
      "AppInstance" => Some(TargetKind::App),
      "UserGroup" => Some(TargetKind::Group),
      t if t.starts_with("Policy") => Some(TargetKind::Policy),
      _ => None,
    }
  }
}

const ALL_TARGETS: &[TargetKind] = &[TargetKind::User, TargetKind::App, TargetKind::Group, TargetKind::Policy];

/// A family of System Log event types (`logEvents: ["security"]`).
#[derive(Debug)]
pub struct Family {
  /// Its name in `logEvents` and in records' `family`.
  pub name: &'static str,
  /// What it holds.
  pub description: &'static str,
  /// The target kinds its records name.
  pub targets: &'static [TargetKind],
  /// Its Okta event types (Okta's event-type catalog).
  pub types: &'static [&'static str],
}

/// The family of event types in no family (an exact type given in `logEvents`, or
/// one Okta added later): kept with their raw type, every target kind mapped.
pub const OTHER_FAMILY: &str = "other";

/// The families, in the order docs list them. THE catalog: the config rule, the
/// records' `family`, `definition()` and the tests all read it.
pub const FAMILIES: [Family; 5] = [
  Family {
    name: "admin",
    description: "Admin actions: privilege grants and revocations, admin role and group assignments, API tokens, app (OAuth client) lifecycle, policy and rule changes, identity providers and network zones.",
    targets: ALL_TARGETS,
    types: &[
      "user.account.privilege.grant",
      "user.account.privilege.revoke",
      "group.privilege.grant",
      "group.privilege.revoke",
      "iam.role.create",
      "iam.role.delete",
      "iam.resourceset.bindings.add",
      "iam.resourceset.bindings.delete",
      "system.api_token.create",
      "system.api_token.revoke",
      "application.lifecycle.create",
      "application.lifecycle.update",
      "application.lifecycle.activate",
      "application.lifecycle.deactivate",
      "application.lifecycle.delete",
      "policy.lifecycle.create",
      "policy.lifecycle.update",
      "policy.lifecycle.activate",
      "policy.lifecycle.deactivate",
      "policy.lifecycle.delete",
      "policy.rule.add",
      "policy.rule.update",
      "policy.rule.activate",
      "policy.rule.deactivate",
      "policy.rule.delete",
      "system.idp.lifecycle.create",
      "system.idp.lifecycle.update",
      "system.idp.lifecycle.delete",
      "zone.create",
      "zone.update",
      "zone.delete",
    ],
  },
  Family {
    name: "lifecycle",
    description: "Account lifecycle: user create, activate, deactivate, suspend, unsuspend, delete, password and profile changes, group membership changes.",
    targets: &[TargetKind::User, TargetKind::Group],
    types: &[
      "user.lifecycle.create",
      "user.lifecycle.activate",
      "user.lifecycle.reactivate",
      "user.lifecycle.deactivate",
      "user.lifecycle.suspend",
      "user.lifecycle.unsuspend",
      "user.lifecycle.delete.initiated",
      "user.lifecycle.delete.completed",
      "user.account.update_password",
      "user.account.reset_password",
      "user.account.update_profile",
      "group.user_membership.add",
      "group.user_membership.remove",
      "group.lifecycle.create",
      "group.lifecycle.delete",
    ],
  },
  Family {
    name: "security",
    description: "Security: threats detected (ThreatInsight), blocked requests, account lockouts and unlocks, impersonation, session revocation, suspicious-activity reports.",
    targets: &[TargetKind::User, TargetKind::App],
    types: &[
      "security.threat.detected",
      "security.attack.start",
      "security.attack.end",
      "security.request.blocked",
      "user.account.lock",
      "user.account.lock.limit",
      "user.account.unlock",
      "user.account.unlock_by_admin",
      "user.session.impersonation.initiate",
      "user.session.impersonation.grant",
      "user.session.impersonation.end",
      "user.session.clear",
      "user.account.report_suspicious_activity_by_enduser",
    ],
  },
  Family {
    name: "app_access",
    description: "App access: single sign-on into each app, denied app access, app assignment changes.",
    targets: &[TargetKind::User, TargetKind::App],
    types: &[
      "user.authentication.sso",
      "app.generic.unauth_app_access_attempt",
      "application.user_membership.add",
      "application.user_membership.remove",
    ],
  },
  Family {
    name: "mfa",
    description: "MFA: factor enroll/activate, deactivate, reset, suspend, update, and org authenticator changes.",
    targets: &[TargetKind::User],
    types: &[
      "user.mfa.factor.activate",
      "user.mfa.factor.deactivate",
      "user.mfa.factor.reset_all",
      "user.mfa.factor.suspend",
      "user.mfa.factor.unsuspend",
      "user.mfa.factor.update",
      "system.mfa.factor.activate",
      "system.mfa.factor.deactivate",
      "security.authenticator.lifecycle.create",
      "security.authenticator.lifecycle.update",
      "security.authenticator.lifecycle.activate",
      "security.authenticator.lifecycle.deactivate",
    ],
  },
];

/// Record `family` values: the families and [`OTHER_FAMILY`].
pub const FAMILY_NAMES: [&str; 6] = ["admin", "lifecycle", "security", "app_access", "mfa", OTHER_FAMILY];

/// Event severities (filterable metadata).
pub const SEVERITIES: [&str; 4] = ["DEBUG", "INFO", "WARN", "ERROR"];

/// The regex source (shared with JS, see config rules) of one `logEvents` item: a
/// family name or a dotted System Log event type (letters, digits, `_`).
pub fn log_events_item_pattern() -> String {
  let names: Vec<&str> = FAMILIES.iter().map(|f| f.name).collect();
  format!("^({}|[A-Za-z0-9_]+([.][A-Za-z0-9_]+)+)$", names.join("|"))
}

/// The family of an event type: the first family listing it, else [`OTHER_FAMILY`].
pub fn family_of(event_type: &str) -> &'static str {
  family_def(event_type).map_or(OTHER_FAMILY, |f| f.name)
}

fn family_def(event_type: &str) -> Option<&'static Family> {
  FAMILIES.iter().find(|f| f.types.contains(&event_type))
}

/// The event types a `logEvents` setting selects (every family when it is not
/// given), sorted and without repeats. `Err(item)`: an item that is neither a
/// family nor a well-formed event type (the config rule rejects it first).
pub fn selected_log_types(setting: Option<&[String]>) -> Result<Vec<String>, String> {
  let mut out = BTreeSet::new();
  let all: Vec<String> = FAMILIES.iter().map(|f| f.name.to_string()).collect();
  for item in setting.unwrap_or(&all) {
    if let Some(family) = FAMILIES.iter().find(|f| f.name == item) {
      out.extend(family.types.iter().map(|t| t.to_string()));
    } else if is_event_type(item) {
      out.insert(item.clone());
    } else {
      return Err(item.clone());
    }
  }
  Ok(out.into_iter().collect())
}

/// A dotted event type of letters, digits and `_` (nothing that could leave the
/// filter's quotes).
fn is_event_type(t: &str) -> bool {
  let parts: Vec<&str> = t.split('.').collect();
  parts.len() >= 2
    && parts
      .iter()
      .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

/// `eventType eq "a" or eventType eq "b" ...` for well-formed types (others are left
/// out: they could inject filter syntax).
pub fn log_event_filter<S: AsRef<str>>(types: &[S]) -> String {
  types
    .iter()
    .map(AsRef::as_ref)
    .filter(|t| is_event_type(t))
    .map(|t| format!("eventType eq \"{t}\""))
    .collect::<Vec<_>>()
    .join(" or ")
}

pub(super) const SPEC: Spec = Spec {
  setting: "log_events",
  name: "okta_log_event",
  shape: Shape::Event,
  path: "/api/v1/logs",
  bucket: "logs",
  page_limit: 1000,
  label: "log events",
  description: "System Log events beyond sign-ins, one per event of the families in the logEvents setting (admin, lifecycle, security, app_access, mfa, or exact event types): who granted admin rights, which accounts were created, suspended or locked out, which threats Okta detected, which apps people sign in to.",
  fields: &[
    ("eventType", "System Log event type, e.g. user.account.privilege.grant."),
    ("family", "admin, lifecycle, security, app_access, mfa, or other (a type in no family)."),
    ("result", "Outcome: SUCCESS, FAILURE, ALLOW, DENY, CHALLENGE, SKIPPED, UNKNOWN."),
    ("reason", "Outcome reason, or null."),
    ("severity", "DEBUG, INFO, WARN or ERROR."),
    ("actorId", "Okta id of the actor."),
    ("actorType", "Actor type: User, PublicClientApp, SystemPrincipal, ..."),
    ("actorAlternateId", "The actor's login or other alternate id."),
    ("actorDisplayName", "The actor's display name."),
    ("targetUserId", "First User target's id (families admin, lifecycle, security, app_access, mfa, other), or null."),
    ("targetUserType", "Its type (User), or null."),
    ("targetUserDisplayName", "Its display name, or null."),
    ("targetAppId", "First AppInstance target's id (admin, security, app_access, other), or null."),
    ("targetAppType", "Its type (AppInstance), or null."),
    ("targetAppDisplayName", "Its display name (the app's label), or null."),
    ("targetGroupId", "First UserGroup target's id (admin, lifecycle, other), or null."),
    ("targetGroupType", "Its type (UserGroup), or null."),
    ("targetGroupDisplayName", "Its display name, or null."),
    ("targetPolicyId", "First PolicyEntity/PolicyRule target's id (admin, other), or null."),
    ("targetPolicyType", "Its type (PolicyEntity or PolicyRule), or null."),
    ("targetPolicyDisplayName", "Its display name, or null."),
    ("ipAddress", "Client IP address."),
    ("country", "Client country from geolocation."),
    ("city", "Client city from geolocation."),
    ("os", "Client operating system from the user agent."),
    ("browser", "Client browser from the user agent."),
    ("transactionId", "The request's transaction id (events of one request share it)."),
    ("displayMessage", "Okta's one-line description of the event."),
    ("threatSuspected", "debugData.threatSuspected as true/false, or null."),
    ("riskLevel", "Risk level from debugData (LOW, MEDIUM, HIGH), or null."),
    ("risk", "debugData.risk as Okta wrote it (at most 256 characters), or null."),
    ("behaviors", "debugData.behaviors (at most 256 characters), or null."),
    ("threatDetections", "debugData.threatDetections (ThreatInsight, at most 256 characters), or null."),
    ("privilegeGranted", "debugData.privilegeGranted: the admin role granted (at most 256 characters), or null."),
    ("requestUri", "debugData.requestUri (at most 256 characters), or null."),
    ("uuid", "The event's uuid (one record per event)."),
  ],
  filterable: &[
    Filterable {
      field: "family",
      values: Some(&FAMILY_NAMES),
      push_down: false,
    },
    Filterable {
      field: "eventType",
      values: None,
      push_down: false,
    },
    Filterable {
      field: "result",
      values: Some(&EVENT_RESULTS),
      push_down: false,
    },
    Filterable {
      field: "severity",
      values: Some(&SEVERITIES),
      push_down: false,
    },
  ],
  notes: Some("Opt-in: synced when the config's resources or the host's widgets name it; the logEvents setting selects families and/or exact event types (default: every family). Read by the sign-in events' System Log backfill in the same requests (one filter for both), with progress kept per event type, so adding a family reads only the new types' history and removing one keeps what was stored."),
  responses: "log_events",
  permission: "read the System Log (okta.logs.read)",
  scope: "okta.logs.read",
  runner: Runner::Backfill,
};

/// One entry of `event.target`.
#[derive(Debug, Default, Deserialize)]
struct RawTarget<'a> {
  #[serde(borrow, default)]
  id: Text<'a>,
  #[serde(borrow, default, rename = "type")]
  target_type: Text<'a>,
  #[serde(borrow, default, rename = "displayName")]
  display_name: Text<'a>,
}

/// `event.debugContext`.
#[derive(Debug, Default, Deserialize)]
struct DebugContext<'a> {
  #[serde(borrow, default, rename = "debugData")]
  debug_data: Obj<DebugData<'a>>,
}

/// The `debugData` fields mapped (everything else is skipped unread).
#[derive(Debug, Default, Deserialize)]
struct DebugData<'a> {
  #[serde(borrow, default, rename = "threatSuspected")]
  threat_suspected: Option<&'a RawValue>,
  #[serde(borrow, default)]
  risk: Text<'a>,
  #[serde(borrow, default)]
  behaviors: Text<'a>,
  #[serde(borrow, default, rename = "threatDetections")]
  threat_detections: Text<'a>,
  #[serde(borrow, default, rename = "privilegeGranted")]
  privilege_granted: Text<'a>,
  #[serde(borrow, default, rename = "requestUri")]
  request_uri: Text<'a>,
  #[serde(borrow, default, rename = "logOnlySecurityData")]
  log_only_security_data: Text<'a>,
}

/// The longest debugData text kept (Okta's `risk`/`behaviors` are short; a huge
/// value is cut, never stored whole).
const DEBUG_TEXT_MAX: usize = 256;

/// A target's `(id, type, displayName)`.
type TargetRef<'s> = (Option<&'s str>, Option<&'s str>, Option<&'s str>);

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogAttributes<'s> {
  event_type: Option<&'s str>,
  family: &'static str,
  result: Option<&'s str>,
  reason: Option<&'s str>,
  severity: Option<&'s str>,
  actor_id: Option<&'s str>,
  actor_type: Option<&'s str>,
  actor_alternate_id: Option<&'s str>,
  actor_display_name: Option<&'s str>,
  target_user_id: Option<&'s str>,
  target_user_type: Option<&'s str>,
  target_user_display_name: Option<&'s str>,
  target_app_id: Option<&'s str>,
  target_app_type: Option<&'s str>,
  target_app_display_name: Option<&'s str>,
  target_group_id: Option<&'s str>,
  target_group_type: Option<&'s str>,
  target_group_display_name: Option<&'s str>,
  target_policy_id: Option<&'s str>,
  target_policy_type: Option<&'s str>,
  target_policy_display_name: Option<&'s str>,
  ip_address: Option<&'s str>,
  country: Option<&'s str>,
  city: Option<&'s str>,
  os: Option<&'s str>,
  browser: Option<&'s str>,
  transaction_id: Option<&'s str>,
  display_message: Option<&'s str>,
  threat_suspected: Option<bool>,
  risk_level: Option<String>,
  risk: Option<String>,
  behaviors: Option<String>,
  threat_detections: Option<String>,
  privilege_granted: Option<String>,
  request_uri: Option<String>,
  uuid: Option<&'s str>,
}

/// `threatSuspected` as Okta writes it (`"true"`/`"false"`, or a JSON boolean).
fn flag(raw: Option<&RawValue>) -> Option<bool> {
  match raw.map(|r| r.get().trim()) {
    Some("true" | "\"true\"") => Some(true),
    Some("false" | "\"false\"") => Some(false),
    _ => None,
  }
}

/// The `level` of Okta's `risk` text (`{reasons=..., level=HIGH}`) or of the JSON in
/// `logOnlySecurityData` (`{"risk":{"level":"HIGH"}}`).
fn risk_level(risk: Option<&str>, security_data: Option<&str>) -> Option<String> {
  let word = |s: &str| -> Option<String> {
    let level: String = s.chars().take_while(|c| c.is_ascii_alphabetic() || *c == '_').collect();
    (!level.is_empty()).then(|| truncate(&level, 32))
  };
  if let Some(at) = risk.and_then(|r| r.find("level=").map(|i| &r[i + 6..])) {
    return word(at);
  }
  let data = security_data.filter(|d| d.len() <= 64 * 1024)?;
  let value: serde_json::Value = serde_json::from_str(data).ok()?;
  value.get("risk")?.get("level")?.as_str().and_then(word)
}

fn bounded(t: &Text) -> Option<String> {
  t.get().map(|s| truncate(s, DEBUG_TEXT_MAX))
}

/// Adds the `okta_log_event` record of `e`.
fn push_log(e: &RawEvent, published: i64, c: &mut Collector) {
  if let Some(uuid) = e.uuid.get() {
    // Keyed apart from the sign-in record the same event may also get in this page.
    if !c.first_time(&format!("{}/{uuid}", SPEC.name)) {
      return c.skip(format!("event {} appears twice in the page", truncate(uuid, 64)));
    }
  }
  let event_type = text(&e.event_type);
  let family = event_type.and_then(family_def);
  let kinds = family.map_or(ALL_TARGETS, |f| f.targets);
  let targets: Vec<Obj<RawTarget>> = e
    .target
    .and_then(|raw| serde_json::from_str(raw.get()).ok())
    .unwrap_or_default();
  let first = |kind: TargetKind| -> TargetRef {
    if !kinds.contains(&kind) {
      return (None, None, None);
    }
    targets
      .iter()
      .filter_map(Obj::get)
      .find(|t| t.target_type.get().and_then(TargetKind::of) == Some(kind))
      .map_or((None, None, None), |t| {
        (text(&t.id), text(&t.target_type), text(&t.display_name))
      })
  };
  let (user, app, group, policy) = (
    first(TargetKind::User),
    first(TargetKind::App),
    first(TargetKind::Group),
    first(TargetKind::Policy),
  );
  let debug: Obj<DebugContext> = e
    .debug_context
    .and_then(|raw| serde_json::from_str(raw.get()).ok())
    .unwrap_or_default();
  let data = debug.get().and_then(|d| d.debug_data.get());
  let client = e.client.get();
  let actor = e.actor.get();
  c.push(&Event {
    name: SPEC.name,
    start_ts: published,
    end_ts: None,
    attributes: LogAttributes {
      event_type,
      family: family.map_or(OTHER_FAMILY, |f| f.name),
      result: nested(&e.outcome, |o| text(&o.result)),
      reason: nested(&e.outcome, |o| text(&o.reason)),
      severity: text(&e.severity),
      actor_id: actor.and_then(|a| text(&a.id)),
      actor_type: actor.and_then(|a| text(&a.actor_type)),
      actor_alternate_id: actor.and_then(|a| text(&a.alternate_id)),
      actor_display_name: actor.and_then(|a| text(&a.display_name)),
      target_user_id: user.0,
      target_user_type: user.1,
      target_user_display_name: user.2,
      target_app_id: app.0,
      target_app_type: app.1,
      target_app_display_name: app.2,
      target_group_id: group.0,
      target_group_type: group.1,
      target_group_display_name: group.2,
      target_policy_id: policy.0,
      target_policy_type: policy.1,
      target_policy_display_name: policy.2,
      ip_address: client.and_then(|cl| text(&cl.ip_address)),
      country: client.and_then(|cl| nested(&cl.geographical_context, |g| text(&g.country))),
      city: client.and_then(|cl| nested(&cl.geographical_context, |g| text(&g.city))),
      os: client.and_then(|cl| nested(&cl.user_agent, |u| text(&u.os))),
      browser: client.and_then(|cl| nested(&cl.user_agent, |u| text(&u.browser))),
      transaction_id: nested(&e.transaction, |t| text(&t.id)),
      display_message: text(&e.display_message),
      threat_suspected: data.and_then(|d| flag(d.threat_suspected)),
      risk_level: data.and_then(|d| risk_level(d.risk.get(), d.log_only_security_data.get())),
      risk: data.and_then(|d| bounded(&d.risk)),
      behaviors: data.and_then(|d| bounded(&d.behaviors)),
      threat_detections: data.and_then(|d| bounded(&d.threat_detections)),
      privilege_granted: data.and_then(|d| bounded(&d.privilege_granted)),
      request_uri: data.and_then(|d| bounded(&d.request_uri)),
      uuid: e.uuid.get(),
    },
  });
}

/// Where the events of a System Log page go: `resource` stores the events of `types`.
#[derive(Debug, Clone, Copy)]
pub struct LogRoute<'a> {
  /// An event resource with a [`LogFeed`].
  pub resource: Resource,
  /// The event types it stores from this page.
  pub types: &'a BTreeSet<String>,
}

/// Maps a page's events: skips those without a parseable `published` (with a
/// warning) or outside the options' bounds, and hands the rest to `push`.
fn map_events(
  body: &[u8],
  opts: MapOptions,
  push: impl Fn(&RawEvent, i64, &mut Collector),
) -> Result<MappedPage, PageParseError> {
  map_body(body, |b, c| {
    for_each_item::<RawEvent>(b, c, |e, index, c| {
      let Some(published) = ms(&e.published) else {
        return c.skip(format!("event at index {index} has no parseable published time"));
      };
      c.published_range = Some(match c.published_range {
        Some((lo, hi)) => (lo.min(published), hi.max(published)),
        None => (published, published),
      });
      if opts.events_after_ms.is_some_and(|since| published <= since) {
        return;
      }
      if opts
        .published_window
        .is_some_and(|(from, to)| published < from || published >= to)
      {
        return;
      }
      push(e, published, c)
    })
  })
}

/// Maps one System Log page of the backfill's shared read: each event becomes the
/// record of every route whose types hold its type (a sign-in type also in a
/// selected family gives one record of each resource; a type no route holds gives
/// none). `published_range` covers every event of the page, routed or not.
pub fn map_log_page(body: &[u8], routes: &[LogRoute<'_>], opts: MapOptions) -> Result<MappedPage, PageParseError> {
  let feeds: Vec<(&LogRoute, &LogFeed)> = routes
    .iter()
    .filter_map(|r| r.resource.log_feed().map(|f| (r, f)))
    .collect();
  map_events(body, opts, |e, published, c| {
    let Some(event_type) = e.event_type.get() else {
      return;
    };
    for (route, feed) in &feeds {
      if route.types.contains(event_type) {
        (feed.push)(e, published, c);
      }
    }
  })
}

fn selected(log_events: Option<&[String]>) -> Vec<String> {
  // The config rule rejects bad items before a sync; here they are left out.
  selected_log_types(log_events).unwrap_or_else(|_| {
    let all: Vec<String> = FAMILIES.iter().map(|f| f.name.to_string()).collect();
    selected_log_types(Some(&all)).unwrap_or_default()
  })
}

/// How the System Log backfill feeds this resource: the `logEvents` selection.
static FEED: LogFeed = LogFeed {
  event_types: selected,
  push: push_log,
};

/// The log events module.
pub(super) struct LogEvents;

impl ResourceModule for LogEvents {
  fn spec(&self) -> &'static Spec {
    &SPEC
  }

  /// Without backfill storage the resource is its own Link chain, filtered to its
  /// types: every event of a page is its record.
  fn map_page(&self, body: &[u8], opts: MapOptions) -> Result<MappedPage, PageParseError> {
    map_events(body, opts, push_log)
  }

  fn log_feed(&self) -> Option<&'static LogFeed> {
    Some(&FEED)
  }

  fn first_page_url(&self, mut url: Url, q: &FirstRequest) -> Url {
    let types = if q.log_types.is_empty() {
      selected(None)
    } else {
      q.log_types.clone()
    };
    {
      let mut pairs = url.query_pairs_mut();
      pairs.append_pair("filter", &log_event_filter(&types));
      pairs.append_pair("sortOrder", "ASCENDING");
      if let Some(since) = &q.log_since {
        pairs.append_pair("since", since);
      }
    }
    url
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use serde_json::{json, Value};

  fn records(page: &MappedPage) -> Vec<Value> {
    serde_json::from_slice(&page.records_json).unwrap()
  }

  #[test]
  fn the_catalog_is_well_formed_and_each_type_has_one_family() {
    let mut seen = BTreeSet::new();
    for f in &FAMILIES {
      assert!(FAMILY_NAMES.contains(&f.name));
      for t in f.types {
        assert!(is_event_type(t), "{t}");
        assert!(seen.insert(*t), "{t} is in two families");
        assert_eq!(family_of(t), f.name);
      }
    }
    assert_eq!(family_of("system.brand.new.thing"), OTHER_FAMILY);
    let pattern = regex_lite::Regex::new(&log_events_item_pattern()).unwrap();
    for ok in [
      "admin",
      "mfa",
      "user.account.lock",
      "user.authentication.auth_via_AD_agent",
    ] {
      assert!(pattern.is_match(ok), "{ok}");
    }
    for bad in ["secruity", "user", "user..lock", "user.lock\" or true", "", "a.b c"] {
      assert!(!pattern.is_match(bad), "{bad}");
    }
  }

  #[test]
  fn selection_expands_families_dedupes_and_names_a_bad_item() {
    let s = |items: &[&str]| selected_log_types(Some(&items.iter().map(|s| s.to_string()).collect::<Vec<_>>()));
    let security = s(&["security", "user.account.lock", "x.custom"]).unwrap();
    assert_eq!(security.len(), FAMILIES[2].types.len() + 1);
    assert!(security.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(s(&["admin", "secruity"]), Err("secruity".to_string()));
    let all = selected_log_types(None).unwrap();
    assert_eq!(all.len(), FAMILIES.iter().map(|f| f.types.len()).sum::<usize>());
    assert_eq!(
      log_event_filter(&["a.b", "bad\"", "c.d"]),
      "eventType eq \"a.b\" or eventType eq \"c.d\""
    );
  }

  #[test]
  fn a_shared_page_is_split_between_the_resources_and_maps_every_field() {
    let huge = "x".repeat(100_000);
    let body = json!([
      { "uuid": "u1", "published": "2024-05-01T00:00:00.000Z", "eventType": "user.account.privilege.grant", "severity": "INFO",
        "displayMessage": "Grant user privilege", "outcome": { "result": "SUCCESS", "reason": null },
        "actor": { "id": "00u1", "type": "User", "alternateId": "a@x.io", "displayName": "A" },
        "client": { "ipAddress": "1.2.3.4", "geographicalContext": { "country": "Germany", "city": "Berlin" }, "userAgent": { "os": "Mac OS X", "browser": "CHROME" } },
        "transaction": { "id": "tx1" },
        "target": [{ "id": "00u2", "type": "User", "displayName": "B" }, { "id": "00u3", "type": "User" }, { "id": "0oa1", "type": "AppInstance", "displayName": "Slack" }],
        "debugContext": { "debugData": { "privilegeGranted": "Super administrator", "threatSuspected": "false", "risk": "{reasons=Anomalous Location, level=HIGH}", "huge": huge } } },
      { "uuid": "u2", "published": "2024-05-01T00:00:01.000Z", "eventType": "user.authentication.sso", "target": "not a list", "debugContext": { "debugData": { "behaviors": huge } } },
      { "uuid": "u3", "published": "2024-05-01T00:00:02.000Z", "eventType": "new.okta.type", "target": [{ "type": "PolicyRule", "id": "r1" }, 7, null],
        "debugContext": { "debugData": { "threatSuspected": true, "logOnlySecurityData": "{\"risk\":{\"level\":\"LOW\"}}" } } },
      { "uuid": "u4", "published": "2024-05-01T00:00:03.000Z", "eventType": "policy.evaluate_sign_on" },
    ])
    .to_string();
    let sign_in: BTreeSet<String> = ["user.authentication.sso".to_string()].into();
    let logs: BTreeSet<String> = [
      "user.account.privilege.grant",
      "user.authentication.sso",
      "new.okta.type",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let routes = [
      LogRoute {
        resource: Resource::AuthEvents,
        types: &sign_in,
      },
      LogRoute {
        resource: Resource::LogEvents,
        types: &logs,
      },
    ];
    let page = map_log_page(body.as_bytes(), &routes, MapOptions::default()).unwrap();
    let out = records(&page);
    let names: Vec<(&str, &str)> = out
      .iter()
      .map(|r| (r["name"].as_str().unwrap(), r["attributes"]["uuid"].as_str().unwrap()))
      .collect();
    assert_eq!(
      names,
      [
        ("okta_log_event", "u1"),
        ("okta_auth_event", "u2"),
        ("okta_log_event", "u2"),
        ("okta_log_event", "u3")
      ]
    );
    assert_eq!(page.raw_items, 4);
    assert_eq!(page.published_range.unwrap().1 - page.published_range.unwrap().0, 3000);
    let grant = &out[0]["attributes"];
    assert_eq!(grant["family"], "admin");
    assert_eq!(grant["targetUserId"], "00u2");
    assert_eq!(grant["targetUserDisplayName"], "B");
    assert_eq!(grant["targetAppDisplayName"], "Slack");
    assert_eq!(grant["targetGroupId"], Value::Null);
    assert_eq!(grant["privilegeGranted"], "Super administrator");
    assert_eq!(grant["riskLevel"], "HIGH");
    assert_eq!(grant["threatSuspected"], false);
    assert_eq!(grant["city"], "Berlin");
    assert_eq!(grant["os"], "Mac OS X");
    assert_eq!(grant["actorAlternateId"], "a@x.io");
    assert_eq!(grant["transactionId"], "tx1");
    let sso = &out[2]["attributes"];
    assert_eq!(sso["family"], "app_access");
    assert_eq!(sso["targetUserId"], Value::Null);
    assert!(sso["behaviors"].as_str().unwrap().chars().count() <= DEBUG_TEXT_MAX + 3);
    let other = &out[3]["attributes"];
    assert_eq!(other["family"], OTHER_FAMILY);
    assert_eq!(other["targetPolicyId"], "r1");
    assert_eq!(other["threatSuspected"], true);
    assert_eq!(other["riskLevel"], "LOW");
    // Every documented field is present on every record, null when absent.
    for r in &out[..1] {
      let attrs = r["attributes"].as_object().unwrap();
      let documented: Vec<&str> = SPEC.fields.iter().map(|(n, _)| *n).collect();
      assert_eq!(attrs.keys().map(String::as_str).collect::<Vec<_>>(), documented);
    }
    assert!(page.records_json.len() < 20_000, "huge debugData is not copied");
  }
}
