//! Sign-in events (`okta_auth_event`): the System Log, read by the backfill runner.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use url::Url;

use super::mapping::{
  for_each_item, map_body, ms, nested, text, Collector, Event, MapOptions, MappedPage, PageParseError,
};
use super::{Filterable, FirstRequest, LogFeed, ResourceModule, Runner, Shape, Spec};
use crate::error::truncate;
use crate::okta::models::{Obj, Text};

/// The System Log filter selecting sign-in events (spec section 3).
pub const AUTH_EVENT_FILTER: &str = "eventType eq \"user.session.start\" or eventType eq \"user.authentication.auth_via_mfa\" or eventType eq \"user.authentication.sso\" or eventType eq \"user.session.access_admin_app\" or eventType eq \"user.authentication.auth_unauth_app\"";

/// Sign-in outcome results (filterable metadata).
pub const EVENT_RESULTS: [&str; 5] = ["SUCCESS", "FAILURE", "ALLOW", "DENY", "CHALLENGE"];

pub(super) const SPEC: Spec = Spec {
  setting: "auth_events",
  name: "okta_auth_event",
  shape: Shape::Event,
  path: "/api/v1/logs",
  bucket: "logs",
  page_limit: 1000,
  label: "sign-ins",
  description: "One event per sign-in from the Okta System Log (session starts, MFA challenges, SSO into apps, admin-console access, denied app access) with its outcome, factor, client IP and country: for sign-ins per day, failure rate and MFA share.",
  fields: &[
    ("eventType", "System Log event type, e.g. user.session.start."),
    ("result", "Outcome: SUCCESS, FAILURE, ALLOW, DENY or CHALLENGE."),
    ("reason", "Outcome reason, e.g. INVALID_CREDENTIALS."),
    ("actorId", "Okta id of the acting user."),
    ("actorType", "Actor type, usually User."),
    ("authenticationProvider", "OKTA_AUTHENTICATION_PROVIDER, FEDERATION, ..."),
    ("credentialType", "PASSWORD, OTP, SMS, ... (MFA analytics)."),
    ("ipAddress", "Client IP address."),
    ("country", "Client country from geolocation."),
    ("severity", "DEBUG, INFO, WARN or ERROR."),
  ],
  filterable: &[
    Filterable {
      field: "result",
      values: Some(&EVENT_RESULTS),
    push_down: false,
  },
    Filterable {
      field: "eventType",
      values: None,
    push_down: false,
  },
  ],
  notes: Some("Events are never cleared: full and incremental syncs fill what storage lacks in the sign-in window, newest first, with progress kept in storage (an okta_sync_state entity) so a history larger than one host run completes over several runs. Sign-in events Okta indexed late are picked up by the next run; none is stored twice."),
  responses: "auth_events",
  permission: "read the System Log (okta.logs.read)",
  scope: "okta.logs.read",
  runner: Runner::Backfill,
};

/// `event.outcome`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Outcome<'a> {
  #[serde(borrow, default)]
  pub result: Text<'a>,
  #[serde(borrow, default)]
  pub reason: Text<'a>,
}

/// `event.actor`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Actor<'a> {
  #[serde(borrow, default)]
  pub id: Text<'a>,
  #[serde(borrow, default, rename = "type")]
  pub actor_type: Text<'a>,
  #[serde(borrow, default, rename = "displayName")]
  pub display_name: Text<'a>,
  #[serde(borrow, default, rename = "alternateId")]
  pub alternate_id: Text<'a>,
}

/// `event.authenticationContext`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct AuthenticationContext<'a> {
  #[serde(borrow, default, rename = "authenticationProvider")]
  pub authentication_provider: Text<'a>,
  #[serde(borrow, default, rename = "credentialProvider")]
  pub credential_provider: Text<'a>,
  #[serde(borrow, default, rename = "credentialType")]
  pub credential_type: Text<'a>,
}

/// `event.client.geographicalContext`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct GeographicalContext<'a> {
  #[serde(borrow, default)]
  pub country: Text<'a>,
  #[serde(borrow, default)]
  pub city: Text<'a>,
}

/// `event.client.userAgent`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct UserAgent<'a> {
  #[serde(borrow, default)]
  pub browser: Text<'a>,
  #[serde(borrow, default)]
  pub os: Text<'a>,
}

/// `event.transaction`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Transaction<'a> {
  #[serde(borrow, default)]
  pub id: Text<'a>,
}

/// `event.client`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Client<'a> {
  #[serde(borrow, default, rename = "ipAddress")]
  pub ip_address: Text<'a>,
  #[serde(borrow, default, rename = "geographicalContext")]
  pub geographical_context: Obj<GeographicalContext<'a>>,
  #[serde(borrow, default, rename = "userAgent")]
  pub user_agent: Obj<UserAgent<'a>>,
}

/// A System Log event from `GET /api/v1/logs`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct RawEvent<'a> {
  #[serde(borrow, default)]
  pub uuid: Text<'a>,
  #[serde(borrow, default)]
  pub published: Text<'a>,
  #[serde(borrow, default, rename = "eventType")]
  pub event_type: Text<'a>,
  #[serde(borrow, default)]
  pub severity: Text<'a>,
  #[serde(borrow, default, rename = "displayMessage")]
  pub display_message: Text<'a>,
  #[serde(borrow, default)]
  pub outcome: Obj<Outcome<'a>>,
  #[serde(borrow, default)]
  pub actor: Obj<Actor<'a>>,
  #[serde(borrow, default, rename = "authenticationContext")]
  pub authentication_context: Obj<AuthenticationContext<'a>>,
  #[serde(borrow, default)]
  pub client: Obj<Client<'a>>,
  #[serde(borrow, default)]
  pub transaction: Obj<Transaction<'a>>,
  /// `event.target`, kept raw: only the log-event mapping reads it (any shape).
  #[serde(borrow, default)]
  pub target: Option<&'a RawValue>,
  /// `event.debugContext`, kept raw: only the log-event mapping reads it, and only
  /// the few fields it maps, so a huge `debugData` costs a scan, not a copy.
  #[serde(borrow, default, rename = "debugContext")]
  pub debug_context: Option<&'a RawValue>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EventAttributes<'s> {
  event_type: Option<&'s str>,
  result: Option<&'s str>,
  reason: Option<&'s str>,
  actor_id: Option<&'s str>,
  actor_type: Option<&'s str>,
  actor_display_name: Option<&'s str>,
  authentication_provider: Option<&'s str>,
  credential_provider: Option<&'s str>,
  credential_type: Option<&'s str>,
  ip_address: Option<&'s str>,
  country: Option<&'s str>,
  browser: Option<&'s str>,
  severity: Option<&'s str>,
  display_message: Option<&'s str>,
  uuid: Option<&'s str>,
}

fn map_event(e: &RawEvent, index: usize, opts: MapOptions, c: &mut Collector) {
  let Some(published) = ms(&e.published) else {
    return c.skip(format!("event at index {index} has no parseable published time"));
  };
  c.published_range = Some(match c.published_range {
    Some((lo, hi)) => (lo.min(published), hi.max(published)),
    None => (published, published),
  });
  if opts.events_after_ms.is_some_and(|since| published <= since) {
    return; // Not an anomaly: at or before `since` by design.
  }
  if opts
    .published_window
    .is_some_and(|(from, to)| published < from || published >= to)
  {
    return; // Outside the slice being read: another slice stores it.
  }
  push_sign_in(e, published, c);
}

/// Adds the sign-in record of `e` (published at `published`): the one mapping of
/// `okta_auth_event`, used by its own pages and by the System Log backfill's shared
/// pages ([`super::log_events::map_log_page`]).
pub(super) fn push_sign_in(e: &RawEvent, published: i64, c: &mut Collector) {
  if let Some(uuid) = e.uuid.get() {
    if !c.first_time(uuid) {
      return c.skip(format!("event {} appears twice in the page", truncate(uuid, 64)));
    }
  }
  let client = e.client.get();
  let auth = e.authentication_context.get();
  let actor = e.actor.get();
  c.push(&Event {
    name: SPEC.name,
    start_ts: published,
    end_ts: None,
    attributes: EventAttributes {
      event_type: text(&e.event_type),
      result: nested(&e.outcome, |o| text(&o.result)),
      reason: nested(&e.outcome, |o| text(&o.reason)),
      actor_id: actor.and_then(|a| text(&a.id)),
      actor_type: actor.and_then(|a| text(&a.actor_type)),
      actor_display_name: actor.and_then(|a| text(&a.display_name)),
      authentication_provider: auth.and_then(|a| text(&a.authentication_provider)),
      credential_provider: auth.and_then(|a| text(&a.credential_provider)),
      credential_type: auth.and_then(|a| text(&a.credential_type)),
      ip_address: client.and_then(|cl| text(&cl.ip_address)),
      country: client.and_then(|cl| nested(&cl.geographical_context, |g| text(&g.country))),
      browser: client.and_then(|cl| nested(&cl.user_agent, |u| text(&u.browser))),
      severity: text(&e.severity),
      display_message: text(&e.display_message),
      uuid: e.uuid.get(),
    },
  });
}

/// A System Log query of sign-in events from `since` (inclusive): a polling query
/// (ascending, no `until`: Okta keeps linking `next`, late events included) when
/// `until` is None, else a bounded one up to `until` (exclusive), newest first.
pub fn log_range_url(origin: &Url, since: &str, until: Option<&str>) -> Url {
  log_query_url(origin, AUTH_EVENT_FILTER, since, until)
}

/// [`log_range_url`] with any System Log `filter` (the backfill's shared reads).
pub fn log_query_url(origin: &Url, filter: &str, since: &str, until: Option<&str>) -> Url {
  let mut url = origin.clone();
  url.set_path(SPEC.path);
  {
    let mut pairs = url.query_pairs_mut();
    pairs.append_pair("limit", &SPEC.page_limit.to_string());
    pairs.append_pair("filter", filter);
    pairs.append_pair("since", since);
    match until {
      None => pairs.append_pair("sortOrder", "ASCENDING"),
      Some(until) => pairs.append_pair("until", until).append_pair("sortOrder", "DESCENDING"),
    };
  }
  url
}

/// The sign-in event types of [`AUTH_EVENT_FILTER`], in its order.
pub const SIGN_IN_EVENT_TYPES: [&str; 5] = [
  "user.session.start",
  "user.authentication.auth_via_mfa",
  "user.authentication.sso",
  "user.session.access_admin_app",
  "user.authentication.auth_unauth_app",
];

fn sign_in_types(_log_events: Option<&[String]>) -> Vec<String> {
  SIGN_IN_EVENT_TYPES.iter().map(|t| t.to_string()).collect()
}

/// How the System Log backfill feeds this resource: the five sign-in types.
pub(super) static FEED: LogFeed = LogFeed {
  event_types: sign_in_types,
  push: push_sign_in,
};

/// The sign-in events module.
pub(super) struct AuthEvents;

impl ResourceModule for AuthEvents {
  fn spec(&self) -> &'static Spec {
    &SPEC
  }

  fn map_page(&self, body: &[u8], opts: MapOptions) -> Result<MappedPage, PageParseError> {
    map_body(body, |b, c| {
      for_each_item::<RawEvent>(b, c, |e, i, c| map_event(e, i, opts, c))
    })
  }

  fn log_feed(&self) -> Option<&'static LogFeed> {
    Some(&FEED)
  }

  fn first_page_url(&self, mut url: Url, q: &FirstRequest) -> Url {
    {
      let mut pairs = url.query_pairs_mut();
      pairs.append_pair("filter", AUTH_EVENT_FILTER);
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

  #[test]
  fn the_filter_is_the_sign_in_types() {
    assert_eq!(
      AUTH_EVENT_FILTER,
      super::super::any_of("eventType", SIGN_IN_EVENT_TYPES)
    );
  }
}
