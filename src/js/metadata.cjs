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
      "Only sign-in event types, the logEvents selection (okta_log_event) and, for factors, factor lifecycle events are read from the System Log.",
      "The System Log keeps 90 days; older sign-ins cannot be synced.",
      "Group memberships and application assignments are read one request chain per group or app on their first enumeration (opt-in group_members, app_assignments); later runs re-read only the groups and apps that changed."
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
      "description": "Instead of apiToken: sign in as an Okta API Services app with private_key_jwt and DPoP. { clientId, privateKey: { $secret: 'OKTA_PRIVATE_KEY' } (PEM PKCS#8 or a JWK; RSA or EC P-256), keyId?, scopes? }. Scopes default to what the enabled resources need (okta.users.read, okta.groups.read, okta.logs.read, okta.apps.read, okta.devices.read, okta.roles.read).",
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
      "description": "What to sync, any of: users, groups, auth_events, apps, factors, group_members, app_assignments, devices, admin_roles, log_events. Leave it out to sync what your dashboards use, or users, groups, auth_events when they name nothing.",
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
            "factors",
            "group_members",
            "app_assignments",
            "devices",
            "admin_roles",
            "log_events"
          ],
          "messages": {
            "type": "Expected one of \"users\", \"groups\", \"auth_events\", \"apps\", \"factors\", \"group_members\", \"app_assignments\", \"devices\", \"admin_roles\", \"log_events\".",
            "invalid": "Expected one of \"users\", \"groups\", \"auth_events\", \"apps\", \"factors\", \"group_members\", \"app_assignments\", \"devices\", \"admin_roles\", \"log_events\"."
          }
        },
        "messages": {
          "type": "Expected an array of \"users\", \"groups\", \"auth_events\", \"apps\", \"factors\", \"group_members\", \"app_assignments\", \"devices\", \"admin_roles\", \"log_events\".",
          "invalid": "Expected at least one of \"users\", \"groups\", \"auth_events\", \"apps\", \"factors\", \"group_members\", \"app_assignments\", \"devices\", \"admin_roles\", \"log_events\" (omit the field for all)."
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
    },
    {
      "name": "logEvents",
      "label": "System Log events",
      "description": "What okta_log_event (resources: log_events) stores: System Log families (admin, lifecycle, security, app_access, mfa) and/or exact event types such as user.account.lock. Leave it out for every family. The families' event types are listed in the README and in definition().logEventFamilies.",
      "secret": false,
      "required": false,
      "rule": {
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "string",
          "trim": true,
          "minLength": 1,
          "pattern": {
            "source": "^(admin|lifecycle|security|app_access|mfa|[A-Za-z0-9_]+([.][A-Za-z0-9_]+)+)$",
            "flags": ""
          },
          "messages": {
            "type": "Expected a System Log family (admin, lifecycle, security, app_access, mfa) or an exact event type such as \"user.account.lock\" (letters, digits and _ between dots).",
            "invalid": "Expected a System Log family (admin, lifecycle, security, app_access, mfa) or an exact event type such as \"user.account.lock\" (letters, digits and _ between dots)."
          }
        },
        "messages": {
          "type": "Expected a non-empty array of System Log families (admin, lifecycle, security, app_access, mfa) and/or event types such as \"user.account.lock\" (omit it for every family).",
          "invalid": "Expected a non-empty array of System Log families (admin, lifecycle, security, app_access, mfa) and/or event types such as \"user.account.lock\" (omit it for every family)."
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
    "okta_group_member": {
      "shape": "entity",
      "description": "Who is in which group: one record per membership (group and user), ACTIVE while the group lists the user and REMOVED after: for access reviews, members of a group and users in no group.",
      "endpoint": "GET /api/v1/groups/{id}/users",
      "fields": [
        {
          "name": "groupId",
          "description": "Okta id of the group."
        },
        {
          "name": "userId",
          "description": "Okta id of the member user."
        },
        {
          "name": "login",
          "description": "The member's login, or null."
        },
        {
          "name": "userStatus",
          "description": "The member's Okta user status (ACTIVE, SUSPENDED, ...), as of the last read of the group."
        },
        {
          "name": "status",
          "description": "ACTIVE while the group lists the user, REMOVED once it no longer does (or the group is deleted)."
        },
        {
          "name": "removedAt",
          "description": "When the membership was found removed (Unix ms), or null."
        }
      ],
      "filterable": [
        {
          "field": "groupId",
          "ops": [
            "eq"
          ]
        },
        {
          "field": "userId",
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
            "REMOVED"
          ]
        }
      ],
      "responses": "group_members",
      "setting": "group_members",
      "scope": {
        "types": [
          "okta_group_member"
        ]
      },
      "bucket": "groups",
      "label": "group memberships",
      "permission": "read groups and their members (okta.groups.read)",
      "oauthScope": "okta.groups.read",
      "default": false,
      "notes": "Opt-in. Okta has no bulk listing of memberships: the first enumeration reads every group's members (one Link chain of up to 1,000 members a page per group, paced in the groups bucket) on the run budget with its progress kept in storage, so it spans host runs. After it, each run lists the groups and reads the System Log's membership events since the last run, and re-reads only the groups whose lastMembershipUpdated moved or that the events name. rawdash cannot delete one entity: a membership that ended is kept with status REMOVED (filter widgets on status eq ACTIVE)."
    },
    "okta_app_assignment": {
      "shape": "entity",
      "description": "Which users and groups are assigned to which application, with the assignment's scope (direct or through a group) and status: one record per assignment, ACTIVE while the app lists it and REMOVED after. With the sign-in events this answers assigned but not used.",
      "endpoint": "GET /api/v1/apps/{id}/users",
      "fields": [
        {
          "name": "appId",
          "description": "Okta id of the application."
        },
        {
          "name": "principalType",
          "description": "USER (an assigned user, directly or through a group) or GROUP (an assigned group)."
        },
        {
          "name": "principalId",
          "description": "Okta id of the user or group."
        },
        {
          "name": "scope",
          "description": "USER (assigned directly) or GROUP (through a group assignment), as Okta gives it."
        },
        {
          "name": "assignmentStatus",
          "description": "The app user's Okta status (ACTIVE, PROVISIONED, STAGED, ...), or null for groups."
        },
        {
          "name": "userName",
          "description": "The app user's username in the application, or null."
        },
        {
          "name": "priority",
          "description": "A group assignment's priority, or null."
        },
        {
          "name": "status",
          "description": "ACTIVE while the app lists the assignment, REMOVED once it no longer does (or the app is deleted)."
        },
        {
          "name": "assignedAt",
          "description": "When the assignment was created (Unix ms), or null."
        },
        {
          "name": "removedAt",
          "description": "When the assignment was found removed (Unix ms), or null."
        }
      ],
      "filterable": [
        {
          "field": "appId",
          "ops": [
            "eq"
          ]
        },
        {
          "field": "principalType",
          "ops": [
            "eq"
          ],
          "values": [
            "USER",
            "GROUP"
          ]
        },
        {
          "field": "principalId",
          "ops": [
            "eq"
          ]
        },
        {
          "field": "scope",
          "ops": [
            "eq"
          ],
          "values": [
            "USER",
            "GROUP"
          ]
        },
        {
          "field": "status",
          "ops": [
            "eq"
          ],
          "values": [
            "ACTIVE",
            "REMOVED"
          ]
        }
      ],
      "responses": "app_assignments",
      "setting": "app_assignments",
      "scope": {
        "types": [
          "okta_app_assignment"
        ]
      },
      "bucket": "apps",
      "label": "app assignments",
      "permission": "read applications and their assignments (okta.apps.read)",
      "oauthScope": "okta.apps.read",
      "default": false,
      "notes": "Opt-in. Okta has no bulk listing of assignments: the first enumeration reads every app's assigned users (up to 500 a page) and groups (up to 200 a page), paced in the apps bucket, on the run budget with its progress kept in storage, so it spans host runs. After it, each run reads the System Log's app assignment events since the last run and re-reads only the apps they name. rawdash cannot delete one entity: an assignment that ended is kept with status REMOVED (filter widgets on status eq ACTIVE)."
    },
    "okta_device": {
      "shape": "entity",
      "description": "Every device registered with Okta (Okta Verify, FastPass) with its platform, maker, model, status, whether it is registered and managed, and its users: for device inventory and posture by platform.",
      "endpoint": "GET /api/v1/devices",
      "fields": [
        {
          "name": "status",
          "description": "ACTIVE, CREATED, SUSPENDED or DEACTIVATED."
        },
        {
          "name": "displayName",
          "description": "The device's name, or null."
        },
        {
          "name": "platform",
          "description": "ANDROID, IOS, MACOS or WINDOWS (kept as Okta gives it)."
        },
        {
          "name": "manufacturer",
          "description": "The device maker, e.g. Apple, or null."
        },
        {
          "name": "model",
          "description": "The device model, e.g. MacBookPro18,3, or null."
        },
        {
          "name": "osVersion",
          "description": "The operating system version, or null."
        },
        {
          "name": "registered",
          "description": "Whether the device is registered with Okta, or null."
        },
        {
          "name": "managed",
          "description": "Whether any of its users manages it through a device management system (managementStatus MANAGED), or null without users."
        },
        {
          "name": "userIds",
          "description": "Okta ids of the device's users (at most 100), empty when none."
        },
        {
          "name": "createdAt",
          "description": "When the device was registered (Unix ms), or null."
        },
        {
          "name": "lastUpdatedAt",
          "description": "When it last changed (Unix ms), or null."
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
            "CREATED",
            "SUSPENDED",
            "DEACTIVATED"
          ]
        },
        {
          "field": "platform",
          "ops": [
            "eq"
          ],
          "values": [
            "ANDROID",
            "IOS",
            "MACOS",
            "WINDOWS"
          ]
        }
      ],
      "responses": "devices",
      "setting": "devices",
      "scope": {
        "types": [
          "okta_device"
        ]
      },
      "bucket": "devices",
      "label": "devices",
      "permission": "read devices (okta.devices.read)",
      "oauthScope": "okta.devices.read",
      "default": false,
      "notes": "Opt-in: synced when the config's resources or the host's widgets name it. A full sync lists every device with its users embedded (expand=userSummary) and rewrites the set; an incremental sync reads the devices changed since the last run (search lastUpdated gt). A deleted device leaves at the next full sync; a deactivated one stays with status DEACTIVATED."
    },
    "okta_admin_role_assignment": {
      "shape": "entity",
      "description": "Every admin role assignment of the org: which users and groups hold Super Administrator, Organization Administrator, Read-Only Administrator, custom roles and the others: for privileged-access reviews.",
      "endpoint": "GET /api/v1/iam/assignees/users",
      "fields": [
        {
          "name": "principalType",
          "description": "USER or GROUP: who holds the role."
        },
        {
          "name": "principalId",
          "description": "Okta id of the user or group."
        },
        {
          "name": "assignee",
          "description": "principalType:principalId, e.g. USER:00u1 (what the fan-out re-reads)."
        },
        {
          "name": "roleType",
          "description": "SUPER_ADMIN, ORG_ADMIN, READ_ONLY_ADMIN, ..., or CUSTOM."
        },
        {
          "name": "roleLabel",
          "description": "The role's name, e.g. Super Administrator."
        },
        {
          "name": "roleId",
          "description": "The custom role's id (CUSTOM only), or null."
        },
        {
          "name": "resourceSetId",
          "description": "The custom role's resource set, or null."
        },
        {
          "name": "assignmentType",
          "description": "USER (assigned to the user) or GROUP (to a group)."
        },
        {
          "name": "status",
          "description": "ACTIVE, INACTIVE, or REMOVED once it is no longer held."
        },
        {
          "name": "createdAt",
          "description": "When the role was assigned (Unix ms), or null."
        },
        {
          "name": "lastUpdatedAt",
          "description": "When it last changed (Unix ms), or null."
        }
      ],
      "filterable": [
        {
          "field": "roleType",
          "ops": [
            "eq"
          ],
          "values": [
            "SUPER_ADMIN",
            "ORG_ADMIN",
            "APP_ADMIN",
            "USER_ADMIN",
            "HELP_DESK_ADMIN",
            "READ_ONLY_ADMIN",
            "MOBILE_ADMIN",
            "API_ACCESS_MANAGEMENT_ADMIN",
            "REPORT_ADMIN",
            "GROUP_MEMBERSHIP_ADMIN",
            "ACCESS_CERTIFICATIONS_ADMIN",
            "CUSTOM"
          ]
        },
        {
          "field": "principalType",
          "ops": [
            "eq"
          ],
          "values": [
            "USER",
            "GROUP"
          ]
        },
        {
          "field": "status",
          "ops": [
            "eq"
          ],
          "values": [
            "ACTIVE",
            "INACTIVE",
            "REMOVED"
          ]
        }
      ],
      "responses": "admin_roles",
      "setting": "admin_roles",
      "scope": {
        "types": [
          "okta_admin_role_assignment"
        ]
      },
      "bucket": "roles",
      "label": "admin role assignments",
      "permission": "read admin roles (okta.roles.read)",
      "oauthScope": "okta.roles.read",
      "default": false,
      "notes": "Opt-in. The first enumeration lists the users Okta reports as role assignees and reads each one's roles (admins only, not every user); the roles a user holds through a group are stored once, as the group's assignment. After it, each run reads the System Log's privilege grants and revocations (and user and group deletions) since the last run and re-reads only the users and groups they name; a deleted one's assignments become REMOVED. rawdash cannot delete one entity: an assignment no longer held is kept with status REMOVED (filter widgets on status)."
    },
    "okta_log_event": {
      "shape": "event",
      "description": "System Log events beyond sign-ins, one per event of the families in the logEvents setting (admin, lifecycle, security, app_access, mfa, or exact event types): who granted admin rights, which accounts were created, suspended or locked out, which threats Okta detected, which apps people sign in to.",
      "endpoint": "GET /api/v1/logs",
      "fields": [
        {
          "name": "eventType",
          "description": "System Log event type, e.g. user.account.privilege.grant."
        },
        {
          "name": "family",
          "description": "admin, lifecycle, security, app_access, mfa, or other (a type in no family)."
        },
        {
          "name": "result",
          "description": "Outcome: SUCCESS, FAILURE, ALLOW, DENY, CHALLENGE, SKIPPED, UNKNOWN."
        },
        {
          "name": "reason",
          "description": "Outcome reason, or null."
        },
        {
          "name": "severity",
          "description": "DEBUG, INFO, WARN or ERROR."
        },
        {
          "name": "actorId",
          "description": "Okta id of the actor."
        },
        {
          "name": "actorType",
          "description": "Actor type: User, PublicClientApp, SystemPrincipal, ..."
        },
        {
          "name": "actorAlternateId",
          "description": "The actor's login or other alternate id."
        },
        {
          "name": "actorDisplayName",
          "description": "The actor's display name."
        },
        {
          "name": "targetUserId",
          "description": "First User target's id (families admin, lifecycle, security, app_access, mfa, other), or null."
        },
        {
          "name": "targetUserType",
          "description": "Its type (User), or null."
        },
        {
          "name": "targetUserDisplayName",
          "description": "Its display name, or null."
        },
        {
          "name": "targetAppId",
          "description": "First AppInstance target's id (admin, security, app_access, other), or null."
        },
        {
          "name": "targetAppType",
          "description": "Its type (AppInstance), or null."
        },
        {
          "name": "targetAppDisplayName",
          "description": "Its display name (the app's label), or null."
        },
        {
          "name": "targetGroupId",
          "description": "First UserGroup target's id (admin, lifecycle, other), or null."
        },
        {
          "name": "targetGroupType",
          "description": "Its type (UserGroup), or null."
        },
        {
          "name": "targetGroupDisplayName",
          "description": "Its display name, or null."
        },
        {
          "name": "targetPolicyId",
          "description": "First PolicyEntity/PolicyRule target's id (admin, other), or null."
        },
        {
          "name": "targetPolicyType",
          "description": "Its type (PolicyEntity or PolicyRule), or null."
        },
        {
          "name": "targetPolicyDisplayName",
          "description": "Its display name, or null."
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
          "name": "city",
          "description": "Client city from geolocation."
        },
        {
          "name": "os",
          "description": "Client operating system from the user agent."
        },
        {
          "name": "browser",
          "description": "Client browser from the user agent."
        },
        {
          "name": "transactionId",
          "description": "The request's transaction id (events of one request share it)."
        },
        {
          "name": "displayMessage",
          "description": "Okta's one-line description of the event."
        },
        {
          "name": "threatSuspected",
          "description": "debugData.threatSuspected as true/false, or null."
        },
        {
          "name": "riskLevel",
          "description": "Risk level from debugData (LOW, MEDIUM, HIGH), or null."
        },
        {
          "name": "risk",
          "description": "debugData.risk as Okta wrote it (at most 256 characters), or null."
        },
        {
          "name": "behaviors",
          "description": "debugData.behaviors (at most 256 characters), or null."
        },
        {
          "name": "threatDetections",
          "description": "debugData.threatDetections (ThreatInsight, at most 256 characters), or null."
        },
        {
          "name": "privilegeGranted",
          "description": "debugData.privilegeGranted: the admin role granted (at most 256 characters), or null."
        },
        {
          "name": "requestUri",
          "description": "debugData.requestUri (at most 256 characters), or null."
        },
        {
          "name": "uuid",
          "description": "The event's uuid (one record per event)."
        }
      ],
      "filterable": [
        {
          "field": "family",
          "ops": [
            "eq"
          ],
          "values": [
            "admin",
            "lifecycle",
            "security",
            "app_access",
            "mfa",
            "other"
          ]
        },
        {
          "field": "eventType",
          "ops": [
            "eq"
          ]
        },
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
          "field": "severity",
          "ops": [
            "eq"
          ],
          "values": [
            "DEBUG",
            "INFO",
            "WARN",
            "ERROR"
          ]
        }
      ],
      "responses": "log_events",
      "setting": "log_events",
      "scope": {
        "names": [
          "okta_log_event"
        ]
      },
      "bucket": "logs",
      "label": "log events",
      "permission": "read the System Log (okta.logs.read)",
      "oauthScope": "okta.logs.read",
      "default": false,
      "notes": "Opt-in: synced when the config's resources or the host's widgets name it; the logEvents setting selects families and/or exact event types (default: every family). Read by the sign-in events' System Log backfill in the same requests (one filter for both), with progress kept per event type, so adding a family reads only the new types' history and removing one keeps what was stored."
    },
    "okta_sync_state": {
      "shape": "entity",
      "description": "The connector's own bookkeeping, not Okta data: one entity per progress record (id auth_events: the System Log backfill's covered time ranges; factors, group_members, app_assignments, admin_roles: a fan-out's progress; users, groups, apps, devices: when the last complete listing began). Not a resource to select or chart.",
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
    "phase": "auth_events",
    "phases": [
      "auth_events",
      "log_events"
    ]
  },
  "logEventFamilies": [
    {
      "name": "admin",
      "description": "Admin actions: privilege grants and revocations, admin role and group assignments, API tokens, app (OAuth client) lifecycle, policy and rule changes, identity providers and network zones.",
      "targets": [
        "targetUser",
        "targetApp",
        "targetGroup",
        "targetPolicy"
      ],
      "types": [
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
        "zone.delete"
      ]
    },
    {
      "name": "lifecycle",
      "description": "Account lifecycle: user create, activate, deactivate, suspend, unsuspend, delete, password and profile changes, group membership changes.",
      "targets": [
        "targetUser",
        "targetGroup"
      ],
      "types": [
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
        "group.lifecycle.delete"
      ]
    },
    {
      "name": "security",
      "description": "Security: threats detected (ThreatInsight), blocked requests, account lockouts and unlocks, impersonation, session revocation, suspicious-activity reports.",
      "targets": [
        "targetUser",
        "targetApp"
      ],
      "types": [
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
        "user.account.report_suspicious_activity_by_enduser"
      ]
    },
    {
      "name": "app_access",
      "description": "App access: single sign-on into each app, denied app access, app assignment changes.",
      "targets": [
        "targetUser",
        "targetApp"
      ],
      "types": [
        "user.authentication.sso",
        "app.generic.unauth_app_access_attempt",
        "application.user_membership.add",
        "application.user_membership.remove"
      ]
    },
    {
      "name": "mfa",
      "description": "MFA: factor enroll/activate, deactivate, reset, suspend, update, and org authenticator changes.",
      "targets": [
        "targetUser"
      ],
      "types": [
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
        "security.authenticator.lifecycle.deactivate"
      ]
    }
  ],
  "metricsState": {
    "type": "okta_sync_state",
    "id": "metrics",
    "phase": "auth_events"
  },
  "fanOutStates": [
    {
      "phase": "factors",
      "type": "okta_sync_state",
      "id": "factors"
    },
    {
      "phase": "group_members",
      "type": "okta_sync_state",
      "id": "group_members"
    },
    {
      "phase": "app_assignments",
      "type": "okta_sync_state",
      "id": "app_assignments"
    },
    {
      "phase": "admin_roles",
      "type": "okta_sync_state",
      "id": "admin_roles"
    }
  ],
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
    },
    {
      "phase": "devices",
      "type": "okta_sync_state",
      "id": "devices"
    }
  ],
  "defaultSyncBudgetSeconds": 240
}
