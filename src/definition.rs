//! The connector's static description (`definition()`): documentation metadata,
//! config field metadata and resource definitions, as plain data. The JS layer
//! builds `doc`, `configFields` and `resources` from it.

use serde_json::{json, Value};

use crate::config::{DEFAULT_RATE_LIMIT_SHARE, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_SYNC_BUDGET_SECONDS};
use crate::engine::state::STATE_TYPE;
use crate::error::ErrorCode;
use crate::resources::{Resource, Runner, Shape};

/// The connector id: a permanent contract, it namespaces stored data.
pub const CONNECTOR_ID: &str = "okta";

/// A resource's row as rawdash's resource definition, plus the machine-readable
/// keys the JS layer derives its lists from (`setting`, `scope`, `bucket`, `label`).
fn resource_json(r: Resource) -> Value {
  let spec = r.spec();
  let fields: Vec<Value> = spec
    .fields
    .iter()
    .map(|(name, description)| json!({ "name": name, "description": description }))
    .collect();
  let filterable: Vec<Value> = spec
    .filterable
    .iter()
    .map(|f| match f.values {
      Some(values) => json!({ "field": f.field, "ops": ["eq"], "values": values }),
      None => json!({ "field": f.field, "ops": ["eq"] }),
    })
    .collect();
  let scope = match spec.shape {
    Shape::Entity => json!({ "types": [spec.name] }),
    Shape::Event => json!({ "names": [spec.name] }),
  };
  let mut out = json!({
    "shape": spec.shape.as_str(),
    "description": spec.description,
    "endpoint": format!("GET {}", spec.path),
    "fields": fields,
    "filterable": filterable,
    "responses": spec.responses,
    "setting": spec.setting,
    "scope": scope,
    "bucket": spec.bucket,
    "label": spec.label,
    "permission": spec.permission,
    "oauthScope": spec.scope,
    "default": Resource::DEFAULT.contains(&r),
  });
  if let Some(notes) = spec.notes {
    out["notes"] = json!(notes);
  }
  out
}

/// The labels, descriptions and placeholders of the user-facing config fields (what
/// rawdash's setup forms show), by field; the rules are [`crate::config::rules`].
fn field_meta() -> Value {
  json!({
    "host": { "label": "Org host", "description": "The domain your users sign in to, e.g. acme.okta.com or acme.oktapreview.com: the host only, without https:// or a path.", "placeholder": "acme.okta.com", "secret": false },
    "apiToken": { "label": "API token", "description": "An Okta API token (SSWS) created under Security > API > Tokens by a read-only admin (Read-Only Administrator is enough). Give it as a secret reference, e.g. secret('OKTA_API_TOKEN'); never paste the token into the config. Give either apiToken or oauth.", "placeholder": "00aBcD...", "secret": true },
    "oauth": { "label": "OAuth 2.0 service app", "description": "Instead of apiToken: sign in as an Okta API Services app with private_key_jwt and DPoP. { clientId, privateKey: { $secret: 'OKTA_PRIVATE_KEY' } (PEM PKCS#8 or a JWK; RSA or EC P-256), keyId?, scopes? }. Scopes default to what the enabled resources need (okta.users.read, okta.groups.read, okta.logs.read, okta.apps.read).", "secret": false },
    "resources": { "label": "Resources", "description": "What to sync: users, groups, auth_events (sign-in events from the System Log) and apps. Leave it out to sync what your dashboards use, or users, groups and auth_events when they name nothing.", "secret": false },
    "rateLimitShare": { "label": "Rate-limit share", "description": format!("Largest share (0-1] of each Okta endpoint's rate limit the connector may use, leaving the rest to the org's other integrations. Default {DEFAULT_RATE_LIMIT_SHARE}."), "secret": false },
    "requestTimeoutMs": { "label": "Request timeout (ms)", "description": format!("Per-request timeout in milliseconds (1000-300000). Default {DEFAULT_REQUEST_TIMEOUT_MS}: System Log queries can take up to 30 s."), "secret": false },
    "syncBudgetSeconds": { "label": "Sync budget (s)", "description": format!("Seconds one host run may spend reading the System Log (10-3600). Default {DEFAULT_SYNC_BUDGET_SECONDS}, inside rawdash's 300 s run: when it is used up the run ends successfully with what it stored, and the next run continues the sign-in history where it stopped."), "secret": false },
  })
}

/// The config fields, in the rules' order: `{ name, label, description,
/// placeholder?, secret, required, rule }` (see [`crate::config::rules::fields_to_json`]).
fn config_fields() -> Vec<Value> {
  let meta = field_meta();
  crate::config::rules::fields_to_json()
    .into_iter()
    .map(|field| {
      let mut out = json!({ "name": field["name"] });
      if let (Some(m), Some(out)) = (
        meta
          .get(field["name"].as_str().unwrap_or(""))
          .and_then(Value::as_object),
        out.as_object_mut(),
      ) {
        out.extend(m.clone());
      }
      out["required"] = field["required"].clone();
      out["rule"] = field["rule"].clone();
      out
    })
    .collect()
}

/// The entity type the connector stores its own bookkeeping under (backfill and
/// listing progress). rawdash requires every stored type to be declared, so it is a
/// `resources` entry; `"bookkeeping": true` marks it as no resource to select or sync
/// (no setting name, never in `settings.resources`, the CLI's lists or the defaults).
fn sync_state_json() -> Value {
  json!({
    "shape": "entity",
    "description": "The connector's own bookkeeping, not Okta data: one entity per progress record (id auth_events: the System Log backfill's covered time ranges; factors: the MFA factor fan-out's progress; users, groups, apps: when the last complete listing began). Not a resource to select or chart.",
    "fields": [
      { "name": "version", "description": "Format version of the progress record." },
      { "name": "host", "description": "The Okta org host the progress belongs to (progress for another host is ignored)." }
    ],
    "filterable": [],
    "bookkeeping": true,
  })
}

/// Everything static about the connector, as plain JSON data.
pub fn definition() -> Value {
  let mut resources = serde_json::Map::new();
  for r in Resource::ALL {
    resources.insert(r.resource_name().into(), resource_json(r));
  }
  resources.insert(STATE_TYPE.into(), sync_state_json());
  // The computed daily metrics (shape metric; see engine/metrics.rs).
  for (name, metric) in crate::engine::metrics::resource_definitions() {
    resources.insert(name.into(), metric);
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
      "category": "security",
      "brandColor": "#007DC1",
      "tagline": "Sign-in volume, failure rate and MFA use from Okta's System Log, MFA enrollment by factor type, your users by status, groups and apps.",
      "vendor": {
        "name": "Okta",
        "domain": "okta.com",
        "apiDocs": "https://developer.okta.com/docs/reference/",
        "website": "https://www.okta.com"
      },
      "auth": {
        "summary": "A read-only admin's Okta API token (SSWS), or an OAuth 2.0 service app with read-only scopes (least privilege), kept as a secret and never in the config itself.",
        "setup": [
          "Sign in to the Okta Admin Console as an admin who can read users, groups and the System Log: the Read-Only Administrator role is enough, and the token can do no more than its admin.",
          "Open Security > API > Tokens, choose Create token, name it (e.g. rawdash) and copy the value: Okta shows it only once.",
          "Store the value as a secret of your rawdash server, e.g. the environment variable OKTA_API_TOKEN, and reference it in the config as apiToken: secret('OKTA_API_TOKEN') (which is { $secret: 'OKTA_API_TOKEN' }).",
          "Okta revokes a token after 30 days without use or when its admin is deactivated; if a sync reports an invalid token, create a new one and update the secret."
        ]
      },
      "rateLimit": "Okta limits each endpoint per minute for the whole org (/api/v1/logs can be as low as 20-120 a minute). The connector paces itself from the X-Rate-Limit headers and by default uses at most half of each endpoint's limit (rateLimitShare).",
      "limitations": [
        "Only sign-in event types (and, for factors, factor lifecycle events) are read from the System Log.",
        "The System Log keeps 90 days; older sign-ins cannot be synced.",
        "Group memberships and application assignments are not synced."
      ]
    },
    "configFields": config_fields(),
    "configRules": crate::config::rules::checks_to_json(),
    "resources": resources,
    "errors": errors,
    // Where the System Log backfill keeps its progress in storage (see backfill.rs).
    "backfillState": { "type": STATE_TYPE, "id": crate::engine::backfill::STATE_ID, "phase": Resource::AuthEvents.setting_name() },
    "factorsState": { "type": STATE_TYPE, "id": Resource::Factors.fan_out().map(|f| f.state_id), "phase": Resource::Factors.setting_name() },
    // Where the daily metrics record which days are computed (see engine/metrics.rs).
    "metricsState": { "type": STATE_TYPE, "id": crate::engine::metrics::STATE_ID, "phase": Resource::AuthEvents.setting_name() },
    // Where each entity listing records its last complete start (see sync.rs).
    "listingStates": Resource::ALL
      .iter()
      .filter(|r| r.spec().shape == Shape::Entity && matches!(r.spec().runner, Runner::Chain))
      .map(|r| json!({ "phase": r.setting_name(), "type": STATE_TYPE, "id": r.setting_name() }))
      .collect::<Vec<_>>(),
    "defaultSyncBudgetSeconds": DEFAULT_SYNC_BUDGET_SECONDS,
  })
}

/// Where the committed metadata module lives, relative to the crate root.
pub const METADATA_PATH: &str = "src/js/metadata.cjs";

/// The text of `src/js/metadata.cjs`: [`definition()`] without its `version` (so a
/// version bump does not stale it), as a CommonJS module. The JS layer reads it for
/// `id`, `doc`, `configFields`, `resources` and `schemas` without loading the addon;
/// a unit test fails when the committed file differs (`npm run metadata` rewrites it).
pub fn metadata_module() -> String {
  let mut def = definition();
  if let Some(obj) = def.as_object_mut() {
    obj.shift_remove("version");
  }
  let body = serde_json::to_string_pretty(&def).unwrap_or_default();
  format!(
    "// Generated from the Rust definition() (src/definition.rs, src/config/rules.rs) by\n\
     // `npm run metadata`: do not edit. `cargo test` fails when this file is stale.\n\
     'use strict'\n\
     module.exports = {body}\n"
  )
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn metadata_module_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(METADATA_PATH);
    let want = metadata_module();
    if std::env::var_os("UPDATE_METADATA").is_some() {
      std::fs::write(&path, &want).unwrap();
      return;
    }
    let got = std::fs::read_to_string(&path).unwrap_or_default().replace("\r\n", "\n");
    assert!(
      got == want,
      "{METADATA_PATH} is stale (it must equal definition()): run `npm run metadata` and commit it"
    );
  }

  #[test]
  fn every_config_field_has_form_metadata() {
    let fields = definition()["configFields"].as_array().cloned().unwrap_or_default();
    let meta = field_meta();
    assert_eq!(fields.len(), meta.as_object().map_or(0, |m| m.len()));
    for f in &fields {
      assert!(f["label"].is_string() && f["description"].is_string(), "{f}");
      assert!(f["rule"]["messages"]["type"].is_string(), "{f}");
    }
  }

  /// rawdash's `connectorDocSchema` categories (host contract section 1).
  const CATEGORIES: [&str; 11] = [
    "engineering",
    "product",
    "analytics",
    "marketing",
    "sales",
    "support",
    "finance",
    "infrastructure",
    "security",
    "hr",
    "mobile",
  ];

  #[test]
  fn doc_has_the_contract_shape() {
    let def = definition();
    let doc = &def["doc"];
    let category = doc["category"].as_str().unwrap();
    assert!(CATEGORIES.contains(&category), "category {category}");
    assert_eq!(category, "security");
    assert_eq!(doc["vendor"]["name"], "Okta");
    assert_eq!(doc["vendor"]["domain"], "okta.com");
    assert!(doc["auth"]["setup"].as_array().is_some_and(|s| !s.is_empty()));
    let tagline = doc["tagline"].as_str().unwrap();
    for promise in ["Sign-in volume", "failure rate", "MFA"] {
      assert!(tagline.contains(promise), "tagline names {promise}");
    }
  }

  #[test]
  fn version_matches_package_json() {
    let pkg: Value = serde_json::from_str(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/package.json"))).unwrap();
    assert_eq!(
      definition()["version"],
      pkg["version"],
      "Cargo.toml and package.json versions differ"
    );
  }
}
