//! Per-resource request URLs: page size, `since`, status/type push-down filters and
//! the System Log sign-in filter (spec section 3).

use serde_json::Value;
use url::Url;

use crate::config::Resource;

/// The System Log filter selecting sign-in events (spec section 3).
pub const AUTH_EVENT_FILTER: &str = "eventType eq \"user.session.start\" or eventType eq \"user.authentication.auth_via_mfa\" or eventType eq \"user.authentication.sso\" or eventType eq \"user.session.access_admin_app\" or eventType eq \"user.authentication.auth_unauth_app\"";

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

/// Okta group types (the values `type eq` push-down accepts).
pub const GROUP_TYPES: [&str; 3] = ["OKTA_GROUP", "APP_GROUP", "BUILT_IN"];

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

/// Users whose factors are read: every status but DEPROVISIONED (a filter also makes
/// Okta list all of them, as for the users phase).
pub fn factor_users_url(origin: &Url) -> Url {
  let mut url = origin.clone();
  url.set_path(Resource::Users.path());
  let filter = USER_STATUSES
    .iter()
    .filter(|s| **s != "DEPROVISIONED")
    .map(|s| format!("status eq \"{s}\""))
    .collect::<Vec<_>>()
    .join(" or ");
  url
    .query_pairs_mut()
    .append_pair("limit", &Resource::Factors.page_limit().to_string())
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
  let mut url = origin.clone();
  url.set_path(Resource::AuthEvents.path());
  url
    .query_pairs_mut()
    .append_pair("limit", &Resource::AuthEvents.page_limit().to_string())
    .append_pair("filter", FACTOR_EVENT_FILTER)
    .append_pair("since", since)
    .append_pair("sortOrder", "ASCENDING");
  url
}

/// Sign-in outcome results (filterable metadata).
pub const EVENT_RESULTS: [&str; 5] = ["SUCCESS", "FAILURE", "ALLOW", "DENY", "CHALLENGE"];

/// How a phase's first request is filtered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointQuery {
  /// `lastUpdated gt` bound for entities (incremental syncs only), ISO string.
  pub updated_since: Option<String>,
  /// `since=` for the System Log, ISO string.
  pub log_since: Option<String>,
  /// A `status eq`/`type eq` value pushed down from the host's single widget filter.
  pub push_down: Option<String>,
}

/// A filter matching every user status: an unfiltered list omits DEPROVISIONED
/// users, so full syncs use this to get the complete set.
pub fn all_statuses_filter() -> String {
  USER_STATUSES
    .iter()
    .map(|s| format!("status eq \"{s}\""))
    .collect::<Vec<_>>()
    .join(" or ")
}

/// Joins two filter expressions as `(<a>) and (<b>)` (spec section 3).
fn and(existing: Option<String>, new: String) -> String {
  match existing {
    Some(e) => format!("({e}) and ({new})"),
    None => new,
  }
}

/// The first-page URL of `resource` on `origin`.
pub fn first_page_url(origin: &Url, resource: Resource, q: &EndpointQuery) -> Url {
  if resource == Resource::Factors {
    return factor_users_url(origin);
  }
  let mut url = origin.clone();
  url.set_path(resource.path());
  let limit = resource.page_limit().to_string();
  {
    let mut pairs = url.query_pairs_mut();
    pairs.append_pair("limit", &limit);
    match resource {
      Resource::Users | Resource::Groups => {
        let since = q.updated_since.as_ref().map(|s| format!("lastUpdated gt \"{s}\""));
        let field = if resource == Resource::Users { "status" } else { "type" };
        let filter = match &q.push_down {
          Some(value) => Some(and(since, format!("{field} eq \"{value}\""))),
          None => since,
        };
        // Users need SOME filter or Okta drops DEPROVISIONED users from the list.
        let filter = match (resource, filter) {
          (Resource::Users, None) => Some(all_statuses_filter()),
          (_, f) => f,
        };
        if let Some(f) = filter {
          pairs.append_pair("filter", &f);
        }
        // Member and app counts come with the groups at no extra request.
        if resource == Resource::Groups {
          pairs.append_pair("expand", "stats");
        }
      }
      // The factors phase starts from the users it reads them for (below).
      Resource::Factors => {}
      Resource::Apps => {
        // Okta cannot filter apps by change time; `status eq` pushes down.
        if let Some(status) = &q.push_down {
          pairs.append_pair("filter", &format!("status eq \"{status}\""));
        }
      }
      Resource::AuthEvents => {
        pairs.append_pair("filter", AUTH_EVENT_FILTER);
        pairs.append_pair("sortOrder", "ASCENDING");
        if let Some(since) = &q.log_since {
          pairs.append_pair("since", since);
        }
      }
    }
  }
  url
}

/// A System Log query of sign-in events from `since` (inclusive): a polling query
/// (ascending, no `until`: Okta keeps linking `next`, late events included) when
/// `until` is None, else a bounded one up to `until` (exclusive), newest first.
pub fn log_range_url(origin: &Url, since: &str, until: Option<&str>) -> Url {
  let mut url = origin.clone();
  url.set_path(Resource::AuthEvents.path());
  {
    let mut pairs = url.query_pairs_mut();
    pairs.append_pair("limit", &Resource::AuthEvents.page_limit().to_string());
    pairs.append_pair("filter", AUTH_EVENT_FILTER);
    pairs.append_pair("since", since);
    match until {
      None => pairs.append_pair("sortOrder", "ASCENDING"),
      Some(until) => pairs.append_pair("until", until).append_pair("sortOrder", "DESCENDING"),
    };
  }
  url
}

/// The push-down value for `resource` from `fetchSpecs`: only when there is exactly
/// one spec and its filter has a top-level `<field> eq "<known value>"` clause.
/// Unknown values are not pushed down (they could inject filter syntax).
pub fn push_down_value(resource: Resource, fetch_specs: Option<&Value>) -> Option<String> {
  let (field, allowed): (&str, &[&str]) = match resource {
    Resource::Users => ("status", &USER_STATUSES),
    Resource::Groups => ("type", &GROUP_TYPES),
    Resource::Apps => ("status", &APP_STATUSES),
    Resource::AuthEvents | Resource::Factors => return None,
  };
  let specs = fetch_specs?.get(resource.resource_name())?.as_array()?;
  let [spec] = specs.as_slice() else {
    return None;
  };
  spec.get("filter")?.as_array()?.iter().find_map(|clause| {
    let is_match = clause.get("field")?.as_str()? == field && clause.get("op")?.as_str()? == "eq";
    let value = clause.get("value")?.as_str()?;
    (is_match && allowed.contains(&value)).then(|| value.to_string())
  })
}

#[cfg(test)]
mod tests {
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
    let url = first_page_url(&origin(), Resource::Users, &EndpointQuery::default());
    assert_eq!(url.path(), "/api/v1/users");
    let q = query(&url);
    assert_eq!(q[0], ("limit".into(), "200".into()));
    assert!(q[1].1.contains("status eq \"DEPROVISIONED\""));
  }

  #[test]
  fn incremental_and_push_down_combine() {
    let q = EndpointQuery {
      updated_since: Some("2024-01-01T00:00:00.000Z".into()),
      push_down: Some("ACTIVE".into()),
      ..Default::default()
    };
    let url = first_page_url(&origin(), Resource::Users, &q);
    assert_eq!(
      query(&url)[1].1,
      "(lastUpdated gt \"2024-01-01T00:00:00.000Z\") and (status eq \"ACTIVE\")"
    );
    let groups = first_page_url(
      &origin(),
      Resource::Groups,
      &EndpointQuery {
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
    let url = first_page_url(&origin(), Resource::Apps, &EndpointQuery::default());
    assert_eq!(url.path(), "/api/v1/apps");
    assert_eq!(query(&url), [("limit".into(), "200".into())]);
    let since = EndpointQuery {
      updated_since: Some("2024-01-01T00:00:00.000Z".into()),
      push_down: Some("ACTIVE".into()),
      ..Default::default()
    };
    assert_eq!(
      query(&first_page_url(&origin(), Resource::Apps, &since)),
      [
        ("limit".into(), "200".into()),
        ("filter".into(), "status eq \"ACTIVE\"".into())
      ]
    );
  }

  #[test]
  fn logs_query_is_the_sign_in_poll() {
    let url = first_page_url(
      &origin(),
      Resource::AuthEvents,
      &EndpointQuery {
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
    assert_eq!(push_down_value(Resource::Users, Some(&one)).as_deref(), Some("ACTIVE"));
    let two = json!({ "okta_user": [{ "filter": [{ "field": "status", "op": "eq", "value": "ACTIVE" }] }, {}] });
    assert_eq!(push_down_value(Resource::Users, Some(&two)), None);
    let injected =
      json!({ "okta_user": [{ "filter": [{ "field": "status", "op": "eq", "value": "ACTIVE\" or id eq \"x" }] }] });
    assert_eq!(push_down_value(Resource::Users, Some(&injected)), None);
    let nested_or =
      json!({ "okta_group": [{ "filter": [{ "or": [{ "field": "type", "op": "eq", "value": "APP_GROUP" }] }] }] });
    assert_eq!(push_down_value(Resource::Groups, Some(&nested_or)), None);
    let group = json!({ "okta_group": [{ "filter": [{ "field": "type", "op": "eq", "value": "APP_GROUP" }] }] });
    assert_eq!(
      push_down_value(Resource::Groups, Some(&group)).as_deref(),
      Some("APP_GROUP")
    );
    assert_eq!(push_down_value(Resource::AuthEvents, Some(&group)), None);
  }
}
