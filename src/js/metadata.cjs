// Generated from the Rust definition() (src/definition.rs, src/config/rules.rs) by
// `npm run metadata`: do not edit. `cargo test` fails when this file is stale.
'use strict'
module.exports = {
  "id": "okta",
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
  "configFields": [
    {
      "name": "host",
      "label": "Org host",
      "description": "The domain your users sign in to, e.g. acme.okta.com or acme.oktapreview.com: the host only, without https:// or a path.",
      "placeholder": "acme.okta.com",
      "secret": false,
      "required": true,
      "rule": {
        "type": "string",
        "trim": true,
        "minLength": 1,
        "maxLength": 253,
        "pattern": {
          "source": "^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}$",
          "flags": ""
        },
        "reject": {
          "source": "\\.(?:localhost|local|localdomain|internal|intranet|lan|home|corp|private|arpa|test|onion)$",
          "flags": "i"
        },
        "messages": {
          "type": "Expected a string such as \"acme.okta.com\".",
          "invalid": "Use the org host only (e.g. \"acme.okta.com\"), without the protocol or path.",
          "required": "Required: the Okta org host, e.g. \"acme.okta.com\"."
        }
      }
    },
    {
      "name": "apiToken",
      "label": "API token",
      "description": "An Okta API token (SSWS) created under Security > API > Tokens by a read-only admin (Read-Only Administrator is enough). Give it as a secret reference, e.g. secret('OKTA_API_TOKEN'); never paste the token into the config. Give either apiToken or oauth.",
      "placeholder": "00aBcD...",
      "secret": true,
      "required": false,
      "rule": {
        "type": "secret",
        "name": {
          "source": "^[A-Z_][A-Z0-9_]*$",
          "flags": ""
        },
        "plain": "token",
        "plainMessages": {
          "empty": "The API token is empty.",
          "chars": "The API token contains spaces, line breaks or non-ASCII characters; paste it again without them."
        },
        "messages": {
          "type": "Expected a secret reference { $secret: \"OKTA_API_TOKEN\" }, not a plain value: keep the token out of the config.",
          "invalid": "Expected a secret reference whose name is an environment variable name (A-Z, 0-9 and _, not starting with a digit), e.g. { $secret: \"OKTA_API_TOKEN\" }.",
          "input": "Expected the API token as a string or a secret reference such as { $secret: \"OKTA_API_TOKEN\" }."
        }
      }
    },
    {
      "name": "oauth",
      "label": "OAuth 2.0 service app",
      "description": "Instead of apiToken: sign in as an Okta API Services app with private_key_jwt and DPoP. { clientId, privateKey: { $secret: 'OKTA_PRIVATE_KEY' } (PEM PKCS#8 or a JWK; RSA or EC P-256), keyId?, scopes? }. Scopes default to what the enabled resources need (okta.users.read, okta.groups.read, okta.logs.read, okta.apps.read).",
      "secret": false,
      "required": false,
      "rule": {
        "type": "object",
        "fields": [
          {
            "name": "clientId",
            "required": true,
            "rule": {
              "type": "string",
              "trim": true,
              "minLength": 1,
              "pattern": {
                "source": "^[\\x21-\\x7e]+$",
                "flags": ""
              },
              "messages": {
                "type": "Required: the service app's client ID (General tab of the API Services app, e.g. 0oa1b2c3d4EXAMPLE).",
                "invalid": "Required: the service app's client ID (General tab of the API Services app, e.g. 0oa1b2c3d4EXAMPLE).",
                "required": "Required: the service app's client ID (General tab of the API Services app, e.g. 0oa1b2c3d4EXAMPLE)."
              }
            }
          },
          {
            "name": "privateKey",
            "required": true,
            "rule": {
              "type": "secret",
              "name": {
                "source": "^[A-Z_][A-Z0-9_]*$",
                "flags": ""
              },
              "plain": "key",
              "messages": {
                "type": "Expected a secret reference { $secret: \"OKTA_PRIVATE_KEY\" }, not a plain value: keep the key out of the config.",
                "invalid": "Expected a secret reference whose name is an environment variable name (A-Z, 0-9 and _, not starting with a digit), e.g. { $secret: \"OKTA_API_TOKEN\" }.",
                "required": "Required: a secret reference such as { $secret: \"OKTA_PRIVATE_KEY\" } holding the app's private key (PEM PKCS#8 or a JWK).",
                "input": "Expected the app's private key (PEM text or a JWK object) or a secret reference such as { $secret: \"OKTA_PRIVATE_KEY\" }."
              }
            }
          },
          {
            "name": "keyId",
            "required": false,
            "rule": {
              "type": "string",
              "trim": true,
              "minLength": 1,
              "pattern": {
                "source": "^[\\x21-\\x7e]+$",
                "flags": ""
              },
              "messages": {
                "type": "Expected the key's KID as shown on the app's Public keys list (a non-empty string).",
                "invalid": "Expected the key's KID as shown on the app's Public keys list (a non-empty string)."
              }
            }
          },
          {
            "name": "scopes",
            "required": false,
            "rule": {
              "type": "array",
              "minItems": 1,
              "items": {
                "type": "string",
                "trim": false,
                "minLength": 1,
                "pattern": {
                  "source": "^[\\x21\\x23-\\x5b\\x5d-\\x7e]+$",
                  "flags": ""
                },
                "messages": {
                  "type": "Expected a scope such as \"okta.users.read\" (printable characters, no spaces, quotes or backslashes).",
                  "invalid": "Expected a scope such as \"okta.users.read\" (printable characters, no spaces, quotes or backslashes)."
                }
              },
              "messages": {
                "type": "Expected a non-empty array of scopes such as [\"okta.users.read\"] (omit it to request what the enabled resources need).",
                "invalid": "Expected a non-empty array of scopes such as [\"okta.users.read\"] (omit it to request what the enabled resources need)."
              }
            }
          }
        ],
        "messages": {
          "type": "Expected an object { clientId, privateKey: { $secret: \"OKTA_PRIVATE_KEY\" }, keyId?, scopes? }.",
          "invalid": "Expected an object { clientId, privateKey: { $secret: \"OKTA_PRIVATE_KEY\" }, keyId?, scopes? }."
        }
      }
    },
    {
      "name": "resources",
      "label": "Resources",
      "description": "What to sync: users, groups, auth_events (sign-in events from the System Log) and apps. Leave it out to sync what your dashboards use, or users, groups and auth_events when they name nothing.",
      "secret": false,
      "required": false,
      "rule": {
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "enum",
          "values": [
            "users",
            "groups",
            "auth_events",
            "apps",
            "factors"
          ],
          "messages": {
            "type": "Expected one of \"users\", \"groups\", \"auth_events\", \"apps\", \"factors\".",
            "invalid": "Expected one of \"users\", \"groups\", \"auth_events\", \"apps\", \"factors\"."
          }
        },
        "messages": {
          "type": "Expected an array of \"users\", \"groups\", \"auth_events\", \"apps\", \"factors\".",
          "invalid": "Expected at least one of \"users\", \"groups\", \"auth_events\", \"apps\", \"factors\" (omit the field for all)."
        }
      }
    },
    {
      "name": "rateLimitShare",
      "label": "Rate-limit share",
      "description": "Largest share (0-1] of each Okta endpoint's rate limit the connector may use, leaving the rest to the org's other integrations. Default 0.5.",
      "secret": false,
      "required": false,
      "rule": {
        "type": "number",
        "min": 0.0,
        "minExclusive": true,
        "max": 1.0,
        "integer": false,
        "messages": {
          "type": "Expected a number greater than 0 and at most 1 (the share of each endpoint's rate limit to use; default 0.5).",
          "invalid": "Expected a number greater than 0 and at most 1 (the share of each endpoint's rate limit to use; default 0.5)."
        }
      }
    },
    {
      "name": "requestTimeoutMs",
      "label": "Request timeout (ms)",
      "description": "Per-request timeout in milliseconds (1000-300000). Default 30000: System Log queries can take up to 30 s.",
      "secret": false,
      "required": false,
      "rule": {
        "type": "number",
        "min": 1000.0,
        "minExclusive": false,
        "max": 300000.0,
        "integer": true,
        "messages": {
          "type": "Expected a whole number of milliseconds from 1000 to 300000.",
          "invalid": "Expected a whole number of milliseconds from 1000 to 300000."
        }
      }
    },
    {
      "name": "syncBudgetSeconds",
      "label": "Sync budget (s)",
      "description": "Seconds one host run may spend reading the System Log (10-3600). Default 240, inside rawdash's 300 s run: when it is used up the run ends successfully with what it stored, and the next run continues the sign-in history where it stopped.",
      "secret": false,
      "required": false,
      "rule": {
        "type": "number",
        "min": 10.0,
        "minExclusive": false,
        "max": 3600.0,
        "integer": true,
        "messages": {
          "type": "Expected a whole number of seconds from 10 to 3600 (default 240, within rawdash's 300 s run).",
          "invalid": "Expected a whole number of seconds from 10 to 3600 (default 240, within rawdash's 300 s run)."
        }
      }
    }
  ],
  "configRules": {
    "notObject": {
      "field": "(config)",
      "message": "Expected an object with host and apiToken."
    },
    "exactlyOne": {
      "fields": [
        "apiToken",
        "oauth"
      ],
      "neither": {
        "field": "apiToken",
        "message": "Required: a secret reference such as { $secret: \"OKTA_API_TOKEN\" }, or oauth: { clientId, privateKey } for an OAuth 2.0 service app."
      },
      "both": {
        "field": "oauth",
        "message": "Use either apiToken (SSWS) or oauth (an OAuth 2.0 service app), not both: remove one."
      }
    }
  },
  "resources": {
    "okta_user": {
      "shape": "entity",
      "description": "Every user of the org, deactivated ones included, with lifecycle status, name, login and when they were created, activated and last signed in: for active-user counts and dormant accounts.",
      "endpoint": "GET /api/v1/users",
      "fields": [
        {
          "name": "status",
          "description": "Lifecycle status (ACTIVE, SUSPENDED, DEPROVISIONED, ...)."
        },
        {
          "name": "email",
          "description": "Primary email from the user's profile."
        },
        {
          "name": "login",
          "description": "Okta login (usually an email address)."
        },
        {
          "name": "firstName",
          "description": "Given name from the profile."
        },
        {
          "name": "lastName",
          "description": "Family name from the profile."
        },
        {
          "name": "lastLogin",
          "description": "Last sign-in time (Unix ms), or null."
        },
        {
          "name": "createdAt",
          "description": "When the user was created (Unix ms)."
        },
        {
          "name": "activatedAt",
          "description": "When the user was activated (Unix ms), or null."
        },
        {
          "name": "mfaEnrolled",
          "description": "With factors synced: whether the user has at least one ACTIVE factor (kept by the factors phase; absent without factors)."
        },
        {
          "name": "activeFactorTypes",
          "description": "With factors synced: the factor types of the user's ACTIVE factors, sorted (kept by the factors phase; absent without factors)."
        }
      ],
      "filterable": [
        {
          "field": "status",
          "ops": [
            "eq"
          ],
          "values": [
            "STAGED",
            "PROVISIONED",
            "ACTIVE",
            "RECOVERY",
            "LOCKED_OUT",
            "PASSWORD_EXPIRED",
            "SUSPENDED",
            "DEPROVISIONED"
          ]
        }
      ],
      "responses": "users",
      "setting": "users",
      "scope": {
        "types": [
          "okta_user"
        ]
      },
      "bucket": "users",
      "label": "users",
      "permission": "read users (okta.users.read)",
      "oauthScope": "okta.users.read",
      "default": true
    },
    "okta_group": {
      "shape": "entity",
      "description": "Every group of the org with its name, type (Okta, app-imported or built-in) and when its membership last changed.",
      "endpoint": "GET /api/v1/groups",
      "fields": [
        {
          "name": "name",
          "description": "Group name."
        },
        {
          "name": "description",
          "description": "Group description, or null."
        },
        {
          "name": "type",
          "description": "OKTA_GROUP, APP_GROUP or BUILT_IN."
        },
        {
          "name": "createdAt",
          "description": "When the group was created (Unix ms)."
        },
        {
          "name": "lastMembershipUpdatedAt",
          "description": "Last membership change (Unix ms), or null."
        },
        {
          "name": "usersCount",
          "description": "Members of the group (Okta's group stats), or null."
        },
        {
          "name": "appsCount",
          "description": "Applications assigned to the group (Okta's group stats), or null."
        }
      ],
      "filterable": [
        {
          "field": "type",
          "ops": [
            "eq"
          ],
          "values": [
            "OKTA_GROUP",
            "APP_GROUP",
            "BUILT_IN"
          ]
        }
      ],
      "responses": "groups",
      "setting": "groups",
      "scope": {
        "types": [
          "okta_group"
        ]
      },
      "bucket": "groups",
      "label": "groups",
      "permission": "read groups (okta.groups.read)",
      "oauthScope": "okta.groups.read",
      "default": true
    },
    "okta_auth_event": {
      "shape": "event",
      "description": "One event per sign-in from the Okta System Log (session starts, MFA challenges, SSO into apps, admin-console access, denied app access) with its outcome, factor, client IP and country: for sign-ins per day, failure rate and MFA share.",
      "endpoint": "GET /api/v1/logs",
      "fields": [
        {
          "name": "eventType",
          "description": "System Log event type, e.g. user.session.start."
        },
        {
          "name": "result",
          "description": "Outcome: SUCCESS, FAILURE, ALLOW, DENY or CHALLENGE."
        },
        {
          "name": "reason",
          "description": "Outcome reason, e.g. INVALID_CREDENTIALS."
        },
        {
          "name": "actorId",
          "description": "Okta id of the acting user."
        },
        {
          "name": "actorType",
          "description": "Actor type, usually User."
        },
        {
          "name": "authenticationProvider",
          "description": "OKTA_AUTHENTICATION_PROVIDER, FEDERATION, ..."
        },
        {
          "name": "credentialType",
          "description": "PASSWORD, OTP, SMS, ... (MFA analytics)."
        },
        {
          "name": "ipAddress",
          "description": "Client IP address."
        },
        {
          "name": "country",
          "description": "Client country from geolocation."
        },
        {
          "name": "severity",
          "description": "DEBUG, INFO, WARN or ERROR."
        }
      ],
      "filterable": [
        {
          "field": "result",
          "ops": [
            "eq"
          ],
          "values": [
            "SUCCESS",
            "FAILURE",
            "ALLOW",
            "DENY",
            "CHALLENGE"
          ]
        },
        {
          "field": "eventType",
          "ops": [
            "eq"
          ]
        }
      ],
      "responses": "auth_events",
      "setting": "auth_events",
      "scope": {
        "names": [
          "okta_auth_event"
        ]
      },
      "bucket": "logs",
      "label": "sign-ins",
      "permission": "read the System Log (okta.logs.read)",
      "oauthScope": "okta.logs.read",
      "default": true,
      "notes": "Events are never cleared: full and incremental syncs fill what storage lacks in the sign-in window, newest first, with progress kept in storage (an okta_sync_state entity) so a history larger than one host run completes over several runs. Sign-in events Okta indexed late are picked up by the next run; none is stored twice."
    },
    "okta_app": {
      "shape": "entity",
      "description": "Every application integration of the org with its label, sign-on mode (SAML, OpenID Connect, ...) and status: for active-app counts and sign-on modes in use.",
      "endpoint": "GET /api/v1/apps",
      "fields": [
        {
          "name": "label",
          "description": "The name users see, e.g. Slack."
        },
        {
          "name": "name",
          "description": "Okta's integration name, e.g. slack."
        },
        {
          "name": "status",
          "description": "ACTIVE or INACTIVE."
        },
        {
          "name": "signOnMode",
          "description": "SAML_2_0, OPENID_CONNECT, WS_FEDERATION, BOOKMARK, ..."
        },
        {
          "name": "createdAt",
          "description": "When the app was added (Unix ms)."
        },
        {
          "name": "lastUpdatedAt",
          "description": "When the app was last changed (Unix ms), or null."
        }
      ],
      "filterable": [
        {
          "field": "status",
          "ops": [
            "eq"
          ],
          "values": [
            "ACTIVE",
            "INACTIVE"
          ]
        },
        {
          "field": "signOnMode",
          "ops": [
            "eq"
          ],
          "values": [
            "SAML_2_0",
            "SAML_1_1",
            "OPENID_CONNECT",
            "WS_FEDERATION",
            "BOOKMARK",
            "BROWSER_PLUGIN",
            "SECURE_PASSWORD_STORE",
            "AUTO_LOGIN",
            "BASIC_AUTH"
          ]
        }
      ],
      "responses": "apps",
      "setting": "apps",
      "scope": {
        "types": [
          "okta_app"
        ]
      },
      "bucket": "apps",
      "label": "apps",
      "permission": "read applications (okta.apps.read)",
      "oauthScope": "okta.apps.read",
      "default": false,
      "notes": "Opt-in: synced when the config's resources or the host's widgets name it. Every sync lists all apps (Okta cannot filter apps by change time; an org has few); a full sync rewrites the set."
    },
    "okta_factor": {
      "shape": "entity",
      "description": "Every MFA factor users have enrolled (Okta Verify push, TOTP, SMS, WebAuthn, ...) with its type, provider and status: for the share of active users with MFA and the factor types in use.",
      "endpoint": "GET /api/v1/users/{id}/factors",
      "fields": [
        {
          "name": "userId",
          "description": "Okta id of the user the factor belongs to."
        },
        {
          "name": "factorType",
          "description": "push, token:software:totp, sms, email, webauthn, ... (kept as Okta gives it)."
        },
        {
          "name": "provider",
          "description": "OKTA, GOOGLE, DUO, YUBICO, ..."
        },
        {
          "name": "vendorName",
          "description": "The factor's vendor, e.g. OKTA."
        },
        {
          "name": "status",
          "description": "ACTIVE, PENDING_ACTIVATION, ..., or REMOVED once the user no longer has it."
        },
        {
          "name": "createdAt",
          "description": "When the factor was enrolled (Unix ms), or null."
        },
        {
          "name": "lastUpdatedAt",
          "description": "When it last changed (Unix ms), or null."
        }
      ],
      "filterable": [
        {
          "field": "factorType",
          "ops": [
            "eq"
          ],
          "values": [
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
            "signed_nonce"
          ]
        },
        {
          "field": "provider",
          "ops": [
            "eq"
          ]
        },
        {
          "field": "status",
          "ops": [
            "eq"
          ],
          "values": [
            "ACTIVE",
            "PENDING_ACTIVATION",
            "NOT_SETUP",
            "ENROLLED",
            "DISABLED",
            "EXPIRED",
            "REMOVED"
          ]
        }
      ],
      "responses": "factors",
      "setting": "factors",
      "scope": {
        "types": [
          "okta_factor"
        ]
      },
      "bucket": "factors",
      "label": "factors",
      "permission": "read users and their factors (okta.users.read)",
      "oauthScope": "okta.users.read",
      "default": false,
      "notes": "Opt-in. Okta has no bulk listing: the first enumeration reads every user's factors (every user but DEPROVISIONED), one request per user, on the run budget with its progress kept in storage, so it spans host runs. After it, each run reads the System Log's factor lifecycle events since the last run and re-reads only the users they name. rawdash cannot delete one entity: a factor a user no longer has is kept with status REMOVED (filter widgets on status)."
    },
    "okta_sync_state": {
      "shape": "entity",
      "description": "The connector's own bookkeeping, not Okta data: one entity per progress record (id auth_events: the System Log backfill's covered time ranges; factors: the MFA factor fan-out's progress; users, groups, apps: when the last complete listing began). Not a resource to select or chart.",
      "fields": [
        {
          "name": "version",
          "description": "Format version of the progress record."
        },
        {
          "name": "host",
          "description": "The Okta org host the progress belongs to (progress for another host is ignored)."
        }
      ],
      "filterable": [],
      "bookkeeping": true
    },
    "okta_daily_active_users": {
      "shape": "metric",
      "description": "Distinct users (actor ids) with a successful sign-in (user.session.start, outcome SUCCESS) per UTC day.",
      "endpoint": "computed from stored okta_auth_event events",
      "unit": "users",
      "granularity": "daily",
      "dimensions": [
        {
          "name": "dimension",
          "description": "Which breakdown the sample is: total (the day's number), credentialType or country."
        },
        {
          "name": "credentialType",
          "description": "The events' credentialType, on credentialType samples (the 20 most frequent a day; the rest as (other); (none) when absent)."
        },
        {
          "name": "country",
          "description": "The client's country, on country samples (the 20 most frequent a day; the rest as (other); (none) when absent)."
        },
        {
          "name": "partial",
          "description": "true on the current UTC day's samples (rewritten every run until the day is complete), false once the day is final."
        }
      ],
      "notes": "ts is the start of the UTC day. The total for a day is the sample with dimension total (no credentialType or country attribute): filter widgets on dimension eq total. A complete day is written once the System Log backfill covers it completely and rewritten when late events change it.",
      "bookkeeping": true
    },
    "okta_sign_ins": {
      "shape": "metric",
      "description": "Sign-in attempts (user.session.start events, any outcome) per UTC day.",
      "endpoint": "computed from stored okta_auth_event events",
      "unit": "attempts",
      "granularity": "daily",
      "dimensions": [
        {
          "name": "dimension",
          "description": "Which breakdown the sample is: total (the day's number), credentialType or country."
        },
        {
          "name": "credentialType",
          "description": "The events' credentialType, on credentialType samples (the 20 most frequent a day; the rest as (other); (none) when absent)."
        },
        {
          "name": "country",
          "description": "The client's country, on country samples (the 20 most frequent a day; the rest as (other); (none) when absent)."
        },
        {
          "name": "partial",
          "description": "true on the current UTC day's samples (rewritten every run until the day is complete), false once the day is final."
        }
      ],
      "notes": "ts is the start of the UTC day. The total for a day is the sample with dimension total (no credentialType or country attribute): filter widgets on dimension eq total. A complete day is written once the System Log backfill covers it completely and rewritten when late events change it.",
      "bookkeeping": true
    },
    "okta_sign_in_failures": {
      "shape": "metric",
      "description": "Failed sign-in attempts (user.session.start with outcome FAILURE or DENY) per UTC day; anonymous attempts count.",
      "endpoint": "computed from stored okta_auth_event events",
      "unit": "attempts",
      "granularity": "daily",
      "dimensions": [
        {
          "name": "dimension",
          "description": "Which breakdown the sample is: total (the day's number), credentialType or country."
        },
        {
          "name": "credentialType",
          "description": "The events' credentialType, on credentialType samples (the 20 most frequent a day; the rest as (other); (none) when absent)."
        },
        {
          "name": "country",
          "description": "The client's country, on country samples (the 20 most frequent a day; the rest as (other); (none) when absent)."
        },
        {
          "name": "partial",
          "description": "true on the current UTC day's samples (rewritten every run until the day is complete), false once the day is final."
        }
      ],
      "notes": "ts is the start of the UTC day. The total for a day is the sample with dimension total (no credentialType or country attribute): filter widgets on dimension eq total. A complete day is written once the System Log backfill covers it completely and rewritten when late events change it.",
      "bookkeeping": true
    },
    "okta_sign_in_failure_rate": {
      "shape": "metric",
      "description": "Failed / all sign-in attempts (user.session.start) per UTC day, 0-1 (0 on a day without attempts).",
      "endpoint": "computed from stored okta_auth_event events",
      "unit": "ratio",
      "granularity": "daily",
      "dimensions": [
        {
          "name": "dimension",
          "description": "Which breakdown the sample is: total (the day's number), credentialType or country."
        },
        {
          "name": "credentialType",
          "description": "The events' credentialType, on credentialType samples (the 20 most frequent a day; the rest as (other); (none) when absent)."
        },
        {
          "name": "country",
          "description": "The client's country, on country samples (the 20 most frequent a day; the rest as (other); (none) when absent)."
        },
        {
          "name": "partial",
          "description": "true on the current UTC day's samples (rewritten every run until the day is complete), false once the day is final."
        }
      ],
      "notes": "ts is the start of the UTC day. The total for a day is the sample with dimension total (no credentialType or country attribute): filter widgets on dimension eq total. A complete day is written once the System Log backfill covers it completely and rewritten when late events change it.",
      "bookkeeping": true
    },
    "okta_mfa_coverage": {
      "shape": "metric",
      "description": "Share (0-1) of ACTIVE users with at least one ACTIVE factor, a daily snapshot from the stored factors.",
      "endpoint": "computed from stored okta_user and okta_factor entities",
      "unit": "ratio",
      "granularity": "daily",
      "dimensions": [
        {
          "name": "partial",
          "description": "true on the current UTC day's samples (rewritten every run until the day is complete), false once the day is final."
        }
      ],
      "notes": "Written at the end of each factors phase once every user's factors were read: the current UTC day's sample is replaced (partial: true until the day ends), earlier days keep their last snapshot.",
      "bookkeeping": true
    },
    "okta_mfa_phishing_resistant_coverage": {
      "shape": "metric",
      "description": "Share (0-1) of ACTIVE users with an ACTIVE phishing-resistant factor (webauthn, u2f, signed_nonce: Okta Verify FastPass, x509: smart card), a daily snapshot.",
      "endpoint": "computed from stored okta_user and okta_factor entities",
      "unit": "ratio",
      "granularity": "daily",
      "dimensions": [
        {
          "name": "partial",
          "description": "true on the current UTC day's samples (rewritten every run until the day is complete), false once the day is final."
        }
      ],
      "notes": "Written at the end of each factors phase once every user's factors were read: the current UTC day's sample is replaced (partial: true until the day ends), earlier days keep their last snapshot.",
      "bookkeeping": true
    },
    "okta_mfa_factor_users": {
      "shape": "metric",
      "description": "ACTIVE users with an ACTIVE factor of the sample's factorType, a daily snapshot (one sample per factor type).",
      "endpoint": "computed from stored okta_user and okta_factor entities",
      "unit": "users",
      "granularity": "daily",
      "dimensions": [
        {
          "name": "factorType",
          "description": "The factor type (push, signed_nonce, webauthn, ...)."
        },
        {
          "name": "partial",
          "description": "true on the current UTC day's samples (rewritten every run until the day is complete), false once the day is final."
        }
      ],
      "notes": "Written at the end of each factors phase once every user's factors were read: the current UTC day's sample is replaced (partial: true until the day ends), earlier days keep their last snapshot.",
      "bookkeeping": true
    }
  },
  "errors": [
    {
      "code": "OKTA_INVALID_CONFIG",
      "kind": "client_bug"
    },
    {
      "code": "OKTA_INVALID_OPTION",
      "kind": "client_bug"
    },
    {
      "code": "OKTA_MISSING_SECRET",
      "kind": "auth"
    },
    {
      "code": "OKTA_INVALID_TOKEN",
      "kind": "auth"
    },
    {
      "code": "OKTA_FORBIDDEN",
      "kind": "auth"
    },
    {
      "code": "OKTA_RATE_LIMITED",
      "kind": "rate_limit"
    },
    {
      "code": "OKTA_TIMEOUT",
      "kind": "transient"
    },
    {
      "code": "OKTA_NETWORK",
      "kind": "transient"
    },
    {
      "code": "OKTA_SERVER_ERROR",
      "kind": "upstream_bug"
    },
    {
      "code": "OKTA_BAD_RESPONSE",
      "kind": "upstream_bug"
    },
    {
      "code": "OKTA_BAD_REQUEST",
      "kind": "client_bug"
    },
    {
      "code": "OKTA_NOT_FOUND",
      "kind": "client_bug"
    },
    {
      "code": "OKTA_HTTP_ERROR",
      "kind": "client_bug"
    },
    {
      "code": "OKTA_REDIRECT_REFUSED",
      "kind": "client_bug"
    },
    {
      "code": "OKTA_ABORTED",
      "kind": "transient"
    },
    {
      "code": "OKTA_INTERNAL",
      "kind": "client_bug"
    },
    {
      "code": "OKTA_OAUTH_INVALID_CLIENT",
      "kind": "auth"
    },
    {
      "code": "OKTA_OAUTH_INVALID_SCOPE",
      "kind": "auth"
    },
    {
      "code": "OKTA_OAUTH_UNAUTHORIZED_CLIENT",
      "kind": "auth"
    },
    {
      "code": "OKTA_OAUTH_TOKEN_REJECTED",
      "kind": "auth"
    },
    {
      "code": "OKTA_DPOP_NONCE_LOOP",
      "kind": "auth"
    },
    {
      "code": "OKTA_CLOCK_SKEW",
      "kind": "auth"
    },
    {
      "code": "OKTA_INSUFFICIENT_SCOPE",
      "kind": "auth"
    }
  ],
  "backfillState": {
    "type": "okta_sync_state",
    "id": "auth_events",
    "phase": "auth_events"
  },
  "factorsState": {
    "type": "okta_sync_state",
    "id": "factors",
    "phase": "factors"
  },
  "metricsState": {
    "type": "okta_sync_state",
    "id": "metrics",
    "phase": "auth_events"
  },
  "listingStates": [
    {
      "phase": "users",
      "type": "okta_sync_state",
      "id": "users"
    },
    {
      "phase": "groups",
      "type": "okta_sync_state",
      "id": "groups"
    },
    {
      "phase": "apps",
      "type": "okta_sync_state",
      "id": "apps"
    }
  ],
  "defaultSyncBudgetSeconds": 240
}
