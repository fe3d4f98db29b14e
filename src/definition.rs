//! The connector's static description (`definition()`): documentation metadata,
//! config field metadata and resource definitions, as plain data. The JS layer
//! builds `doc`, `configFields` and `resources` from it.

use serde_json::{json, Value};

use crate::config::{Resource, DEFAULT_RATE_LIMIT_SHARE, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_SYNC_BUDGET_SECONDS};
use crate::error::ErrorCode;
use crate::okta::endpoints::{EVENT_RESULTS, GROUP_TYPES, USER_STATUSES};

/// The connector id: a permanent contract, it namespaces stored data.
pub const CONNECTOR_ID: &str = "okta";

fn resource_json(r: Resource) -> Value {
  match r {
    Resource::Users => json!({
      "shape": "entity",
      "description": "Okta users with status, identity and sign-in timestamps (all statuses, DEPROVISIONED included).",
      "endpoint": "GET /api/v1/users",
      "fields": [
        { "name": "status", "description": "Lifecycle status (ACTIVE, SUSPENDED, DEPROVISIONED, ...)." },
        { "name": "email", "description": "Primary email from the user's profile." },
        { "name": "login", "description": "Okta login (usually an email address)." },
        { "name": "firstName", "description": "Given name from the profile." },
        { "name": "lastName", "description": "Family name from the profile." },
        { "name": "lastLogin", "description": "Last sign-in time (Unix ms), or null." },
        { "name": "createdAt", "description": "When the user was created (Unix ms)." },
        { "name": "activatedAt", "description": "When the user was activated (Unix ms), or null." }
      ],
      "filterable": [{ "field": "status", "ops": ["eq"], "values": USER_STATUSES }],
      "responses": "users"
    }),
    Resource::Groups => json!({
      "shape": "entity",
      "description": "Okta groups with their type and membership-change time.",
      "endpoint": "GET /api/v1/groups",
      "fields": [
        { "name": "name", "description": "Group name." },
        { "name": "description", "description": "Group description, or null." },
        { "name": "type", "description": "OKTA_GROUP, APP_GROUP or BUILT_IN." },
        { "name": "createdAt", "description": "When the group was created (Unix ms)." },
        { "name": "lastMembershipUpdatedAt", "description": "Last membership change (Unix ms), or null." }
      ],
      "filterable": [{ "field": "type", "ops": ["eq"], "values": GROUP_TYPES }],
      "responses": "groups"
    }),
    Resource::AuthEvents => json!({
      "shape": "event",
      "description": "Sign-in events from the Okta System Log (session starts, MFA, SSO, admin-app access, unauthorized-app attempts) for sign-in volume, failure-rate and MFA analytics.",
      "endpoint": "GET /api/v1/logs",
      "fields": [
        { "name": "eventType", "description": "System Log event type, e.g. user.session.start." },
        { "name": "result", "description": "Outcome: SUCCESS, FAILURE, ALLOW, DENY or CHALLENGE." },
        { "name": "reason", "description": "Outcome reason, e.g. INVALID_CREDENTIALS." },
        { "name": "actorId", "description": "Okta id of the acting user." },
        { "name": "actorType", "description": "Actor type, usually User." },
        { "name": "authenticationProvider", "description": "OKTA_AUTHENTICATION_PROVIDER, FEDERATION, ..." },
        { "name": "credentialType", "description": "PASSWORD, OTP, SMS, ... (MFA analytics)." },
        { "name": "ipAddress", "description": "Client IP address." },
        { "name": "country", "description": "Client country from geolocation." },
        { "name": "severity", "description": "DEBUG, INFO, WARN or ERROR." }
      ],
      "filterable": [
        { "field": "result", "ops": ["eq"], "values": EVENT_RESULTS },
        { "field": "eventType", "ops": ["eq"] }
      ],
      "notes": "The scope is cleared and rewritten on every full sync; incremental syncs append events whose published is strictly newer than options.since (plus sign-in events Okta indexed late, checked against storage so none is stored twice).",
      "responses": "auth_events"
    }),
  }
}

/// Everything static about the connector, as plain JSON data.
pub fn definition() -> Value {
  let mut resources = serde_json::Map::new();
  for r in Resource::ALL {
    resources.insert(r.resource_name().into(), resource_json(r));
  }
  let errors: Vec<Value> = ErrorCode::ALL
    .iter()
    .map(|c| json!({ "code": c.as_str(), "kind": c.kind().as_str() }))
    .collect();
  json!({
    "id": CONNECTOR_ID,
    "version": env!("CARGO_PKG_VERSION"),
    "doc": {
      "displayName": "Okta",
      "category": "identity",
      "brandColor": "#007DC1",
      "tagline": "Users, groups and sign-in activity from your Okta org.",
      "vendor": "Okta",
      "auth": {
        "summary": "An Okta API token (SSWS) from an admin who can read users, groups and the System Log.",
        "setup": [
          "In the Okta Admin Console, open Security > API > Tokens.",
          "Create a token while signed in as an admin with read access (a Read-Only Administrator is enough).",
          "Store it as a secret (e.g. OKTA_API_TOKEN) and reference it as apiToken: { $secret: 'OKTA_API_TOKEN' }."
        ]
      },
      "rateLimit": "Okta limits each endpoint per minute for the whole org (/api/v1/logs can be as low as 20-120 a minute). The connector paces itself from the X-Rate-Limit headers and by default uses at most half of each endpoint's limit (rateLimitShare).",
      "limitations": [
        "Only sign-in event types are synced from the System Log.",
        "The System Log keeps 90 days; older sign-ins cannot be synced.",
        "Group memberships and application assignments are not synced."
      ]
    },
    "configFields": [
      { "name": "host", "label": "Org host", "description": "Your Okta org host, without protocol or path (e.g. acme.okta.com).", "placeholder": "acme.okta.com", "secret": false, "required": true },
      { "name": "apiToken", "label": "API token", "description": "An Okta API token (SSWS) created by an admin who can read users, groups and the System Log. Give either apiToken or oauth.", "placeholder": "00aBcD...", "secret": true, "required": false },
      { "name": "oauth", "label": "OAuth 2.0 service app", "description": "Instead of apiToken: sign in as an Okta API Services app with private_key_jwt and DPoP. { clientId, privateKey: { $secret: 'OKTA_PRIVATE_KEY' } (PEM PKCS#8 or a JWK; RSA or EC P-256), keyId?, scopes? }. Scopes default to what the enabled resources need (okta.users.read, okta.groups.read, okta.logs.read).", "secret": false, "required": false },
      { "name": "resources", "label": "Resources", "description": "Which data to sync: users, groups, auth_events. Defaults to all.", "secret": false, "required": false, "values": ["users", "groups", "auth_events"] },
      { "name": "rateLimitShare", "label": "Rate-limit share", "description": format!("Largest share (0-1] of each Okta endpoint's rate limit the connector may use, leaving the rest to the org's other integrations. Default {DEFAULT_RATE_LIMIT_SHARE}."), "secret": false, "required": false },
      { "name": "requestTimeoutMs", "label": "Request timeout (ms)", "description": format!("Per-request timeout in milliseconds (1000-300000). Default {DEFAULT_REQUEST_TIMEOUT_MS}: System Log queries can take up to 30 s."), "secret": false, "required": false },
      { "name": "syncBudgetSeconds", "label": "Sync budget (s)", "description": format!("Seconds one host run may spend reading the System Log (10-3600). Default {DEFAULT_SYNC_BUDGET_SECONDS}, inside rawdash's 300 s run: when it is used up the run ends successfully with what it stored, and the next run continues the sign-in history where it stopped."), "secret": false, "required": false }
    ],
    "resources": resources,
    "errors": errors,
    // Where the System Log backfill keeps its progress in storage (see backfill.rs).
    "backfillState": { "type": crate::backfill::STATE_TYPE, "id": crate::backfill::STATE_ID },
    "defaultSyncBudgetSeconds": DEFAULT_SYNC_BUDGET_SECONDS,
  })
}
