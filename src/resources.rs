//! The resource table: every static fact about a resource in one row, so the rest
//! of the connector asks the table instead of keeping its own list. [`Resource`]
//! names a row; `definition()` exports the rows to JS, which derives its storage
//! scopes, the `resources` config values, the CLI's names and labels from them.
//!
//! Adding a resource: a row here (and its [`Resource`] variant), its endpoint query
//! in `okta::endpoints`, its mapping in `records`, simulator data and tests (README,
//! "Adding a resource").

use crate::config::Resource;
use crate::okta::endpoints::{
  APP_SIGN_ON_MODES, APP_STATUSES, EVENT_RESULTS, FACTOR_STATUSES, FACTOR_TYPES, GROUP_TYPES, USER_STATUSES,
};

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
}

/// One row of the table.
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
}

const USERS: Spec = Spec {
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
  ],
  filterable: &[Filterable {
    field: "status",
    values: Some(&USER_STATUSES),
  }],
  notes: None,
  responses: "users",
  permission: "read users (okta.users.read)",
  scope: "okta.users.read",
};

const GROUPS: Spec = Spec {
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
  }],
  notes: None,
  responses: "groups",
  permission: "read groups (okta.groups.read)",
  scope: "okta.groups.read",
};

const AUTH_EVENTS: Spec = Spec {
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
    },
    Filterable {
      field: "eventType",
      values: None,
    },
  ],
  notes: Some("Events are never cleared: full and incremental syncs fill what storage lacks in the sign-in window, newest first, with progress kept in storage (an okta_sync_state entity) so a history larger than one host run completes over several runs. Sign-in events Okta indexed late are picked up by the next run; none is stored twice."),
  responses: "auth_events",
  permission: "read the System Log (okta.logs.read)",
  scope: "okta.logs.read",
};

const APPS: Spec = Spec {
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
    },
    Filterable {
      field: "signOnMode",
      values: Some(&APP_SIGN_ON_MODES),
    },
  ],
  notes: Some("Opt-in: synced when the config's resources or the host's widgets name it. Every sync lists all apps (Okta cannot filter apps by change time; an org has few); a full sync rewrites the set."),
  responses: "apps",
  permission: "read applications (okta.apps.read)",
  scope: "okta.apps.read",
};

const FACTORS: Spec = Spec {
  setting: "factors",
  name: "okta_factor",
  shape: Shape::Entity,
  path: "/api/v1/users/{id}/factors",
  bucket: "factors",
  page_limit: 200,
  label: "factors",
  description: "Every MFA factor users have enrolled (Okta Verify push, TOTP, SMS, WebAuthn, ...) with its type, provider and status: for the share of active users with MFA and the factor types in use.",
  fields: &[
    ("userId", "Okta id of the user the factor belongs to."),
    ("factorType", "push, token:software:totp, sms, email, webauthn, ... (kept as Okta gives it)."),
    ("provider", "OKTA, GOOGLE, DUO, YUBICO, ..."),
    ("vendorName", "The factor's vendor, e.g. OKTA."),
    ("status", "ACTIVE, PENDING_ACTIVATION, ..., or REMOVED once the user no longer has it."),
    ("createdAt", "When the factor was enrolled (Unix ms), or null."),
    ("lastUpdatedAt", "When it last changed (Unix ms), or null."),
  ],
  filterable: &[
    Filterable {
      field: "factorType",
      values: Some(&FACTOR_TYPES),
    },
    Filterable {
      field: "provider",
      values: None,
    },
    Filterable {
      field: "status",
      values: Some(&FACTOR_STATUSES),
    },
  ],
  notes: Some("Opt-in. Okta has no bulk listing: the first enumeration reads every user's factors (every user but DEPROVISIONED), one request per user, on the run budget with its progress kept in storage, so it spans host runs. After it, each run reads the System Log's factor lifecycle events since the last run and re-reads only the users they name. rawdash cannot delete one entity: a factor a user no longer has is kept with status REMOVED (filter widgets on status)."),
  responses: "factors",
  permission: "read users and their factors (okta.users.read)",
  scope: "okta.users.read",
};

impl Resource {
  /// The resource's row of the table.
  pub fn spec(self) -> &'static Spec {
    match self {
      Resource::Users => &USERS,
      Resource::Groups => &GROUPS,
      Resource::AuthEvents => &AUTH_EVENTS,
      Resource::Apps => &APPS,
      Resource::Factors => &FACTORS,
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

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
    }
  }
}
