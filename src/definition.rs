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

/// The setting names of `resources`, as a list in a sentence.
fn settings_text(resources: &[Resource]) -> String {
  resources
    .iter()
    .map(|r| r.setting_name())
    .collect::<Vec<_>>()
    .join(", ")
}

/// The distinct OAuth scopes of the resource table, in table order.
fn oauth_scopes() -> String {
  let mut scopes: Vec<&str> = Vec::new();
  for r in Resource::ALL {
    if !scopes.contains(&r.scope()) {
      scopes.push(r.scope());
    }
  }
  scopes.join(", ")
}

/// The resources whose complete listings record their start (`listingStates`).
fn listing_resources() -> impl Iterator<Item = Resource> {
  Resource::ALL
    .into_iter()
    .filter(|r| r.spec().shape == Shape::Entity && matches!(r.spec().runner, Runner::Chain))
}

/// The state record ids of the fan-out resources.
fn fan_out_state_ids() -> Vec<&'static str> {
  Resource::ALL
    .iter()
    .filter_map(|r| r.fan_out())
    .map(|f| f.state_id)
    .collect()
}

/// The labels, descriptions and placeholders of the user-facing config fields (what
/// rawdash's setup forms show), by field; the rules are [`crate::config::rules`].
fn field_meta() -> Value {
  json!({
    "host": { "label": "Org host", "description": "The domain your users sign in to, e.g. acme.okta.com or acme.oktapreview.com: the host only, without https:// or a path.", "placeholder": "acme.okta.com", "secret": false },
    "apiToken": { "label": "API token", "description": "An Okta API token (SSWS) created under Security > API > Tokens by a read-only admin (Read-Only Administrator is enough). Give it as a secret reference, e.g. secret('OKTA_API_TOKEN'); never paste the token into the config. Give either apiToken or oauth.", "placeholder": "00aBcD...", "secret": true },
    "oauth": { "label": "OAuth 2.0 service app", "description": format!("Instead of apiToken: sign in as an Okta API Services app with private_key_jwt and DPoP. {{ clientId, privateKey: {{ $secret: 'OKTA_PRIVATE_KEY' }} (PEM PKCS#8 or a JWK; RSA or EC P-256), keyId?, scopes? }}. Scopes default to what the enabled resources need ({}).", oauth_scopes()), "secret": false },
    "resources": { "label": "Resources", "description": format!("What to sync, any of: {}. Leave it out to sync what your dashboards use, or {} when they name nothing.", settings_text(&Resource::ALL), settings_text(&Resource::DEFAULT)), "secret": false },
    "rateLimitShare": { "label": "Rate-limit share", "description": format!("Largest share (0-1] of each Okta endpoint's rate limit the connector may use, leaving the rest to the org's other integrations. Default {DEFAULT_RATE_LIMIT_SHARE}."), "secret": false },
    "requestTimeoutMs": { "label": "Request timeout (ms)", "description": format!("Per-request timeout in milliseconds (1000-300000). Default {DEFAULT_REQUEST_TIMEOUT_MS}: System Log queries can take up to 30 s."), "secret": false },
    "logEvents": { "label": "System Log events", "description": "What okta_log_event (resources: log_events) stores: System Log families (admin, lifecycle, security, app_access, mfa) and/or exact event types such as user.account.lock. Leave it out for every family. The families' event types are listed in the README and in definition().logEventFamilies.", "secret": false },
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
    "description": format!("The connector's own bookkeeping, not Okta data: one entity per progress record (id {}: the System Log backfill's covered time ranges; {}: a fan-out's progress; {}: when the last complete listing began). Not a resource to select or chart.", crate::engine::backfill::STATE_ID, fan_out_state_ids().join(", "), listing_resources().map(Resource::setting_name).collect::<Vec<_>>().join(", ")),
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
        "Only sign-in event types, the logEvents selection (okta_log_event) and, for factors, factor lifecycle events are read from the System Log.",
        "The System Log keeps 90 days; older sign-ins cannot be synced.",
        "Group memberships and application assignments are read one request chain per group or app on their first enumeration (opt-in group_members, app_assignments); later runs re-read only the groups and apps that changed."
      ]
    },
    "configFields": config_fields(),
    "configRules": crate::config::rules::checks_to_json(),
    "resources": resources,
    "errors": errors,
    // Where the System Log backfill keeps its progress in storage (see backfill.rs);
    // `phases`: every phase the backfill can run as (it reads the record for any).
    "backfillState": {
      "type": STATE_TYPE,
      "id": crate::engine::backfill::STATE_ID,
      "phase": Resource::AuthEvents.setting_name(),
      "phases": Resource::ALL.iter().filter(|r| r.log_feed().is_some()).map(|r| r.setting_name()).collect::<Vec<_>>(),
    },
    // The System Log families of the logEvents setting (okta_log_event), the one catalog.
    "logEventFamilies": crate::resources::FAMILIES.iter().map(|f| json!({
      "name": f.name,
      "description": f.description,
      "targets": f.targets.iter().map(|t| t.prefix()).collect::<Vec<_>>(),
      "types": f.types,
    })).collect::<Vec<_>>(),
    // Where the daily metrics record which days are computed (see engine/metrics.rs).
    "metricsState": { "type": STATE_TYPE, "id": crate::engine::metrics::STATE_ID, "phase": Resource::AuthEvents.setting_name() },
    // Where each fan-out keeps its progress (see engine/fanout.rs).
    "fanOutStates": Resource::ALL
      .iter()
      .filter_map(|r| r.fan_out().map(|f| json!({ "phase": r.setting_name(), "type": STATE_TYPE, "id": f.state_id })))
      .collect::<Vec<_>>(),
    // Where each entity listing records its last complete start (see sync.rs).
    "listingStates": listing_resources()
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

/// Where the hand-written part of `index.d.ts` lives, relative to the crate root.
pub const TYPES_PATH: &str = "src/js/types.d.ts";

/// The markers around the generated block of [`TYPES_PATH`].
const TYPES_BEGIN: &str =
  "// BEGIN resource names (generated from the Rust table by `npm run metadata`: do not edit)\n";
const TYPES_END: &str = "// END resource names\n";

/// The resource name unions of `index.d.ts`, generated from the resource table so no
/// TypeScript list of resources is kept by hand: the settings (`OktaResource`), the
/// `resources` keys (`OktaResourceName`) and the `schemas` tags (`OktaResponseTag`).
pub fn resource_types() -> String {
  let union = |names: Vec<&str>| names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(" | ");
  let settings = Resource::ALL.iter().map(|r| r.setting_name()).collect();
  let mut names: Vec<&str> = Resource::ALL.iter().map(|r| r.resource_name()).collect();
  names.push(STATE_TYPE);
  let tags = Resource::ALL.iter().map(|r| r.spec().responses).collect();
  format!(
    "{TYPES_BEGIN}/** The resources a config can select. */\n\
     export type OktaResource = {}\n\
     /** The stored resource names (`resources` keys), the bookkeeping `okta_sync_state` included. */\n\
     export type OktaResourceName = {}\n\
     /** The raw response schema tags (`schemas` keys). */\n\
     export type OktaResponseTag = {}\n\
     {TYPES_END}",
    union(settings),
    union(names),
    union(tags)
  )
}

/// `text` with its generated block replaced by [`resource_types`], or None when the
/// markers are missing.
pub fn with_resource_types(text: &str) -> Option<String> {
  let begin = text.find(TYPES_BEGIN)?;
  let end = text[begin..].find(TYPES_END)? + begin + TYPES_END.len();
  Some(format!("{}{}{}", &text[..begin], resource_types(), &text[end..]))
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn metadata_types_are_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(TYPES_PATH);
    let got = std::fs::read_to_string(&path).unwrap_or_default().replace("\r\n", "\n");
    let want = with_resource_types(&got).expect("the generated block's markers in src/js/types.d.ts");
    if std::env::var_os("UPDATE_METADATA").is_some() {
      std::fs::write(&path, &want).unwrap();
      return;
    }
    assert!(
      got == want,
      "the resource names in {TYPES_PATH} are stale: run `npm run metadata` (then `npm run build`) and commit"
    );
  }

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
