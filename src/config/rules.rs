//! The config rules and their messages, written once.
//!
//! Every rule a config field must satisfy (type, whether it is required, length and
//! range bounds, regex sources, enum values) and the message each kind of bad value
//! gets live in this one table. The native checker ([`check`], [`check_field`])
//! interprets it; [`to_json`] exports it through `definition()` (and so through the
//! committed `src/js/metadata.cjs`), from which `src/js/schemas.cjs` builds the zod
//! `configFields`. Both sides therefore report the same fields with the same
//! messages, in the same order: the fields in table order, then the exactly-one rule.
//!
//! The patterns are written in the regex subset that JavaScript's `RegExp` and the
//! `regex-lite` crate read alike (no look-around, ASCII classes, `\xNN` escapes),
//! so both compile the very same source.

use std::sync::OnceLock;

use regex_lite::Regex;
use serde_json::{json, Map, Value};

use super::RESERVED_TLDS;
use crate::error::FieldIssue;
use crate::resources::Resource;

/// The rejection message for a host that is not a bare org host (spec section 1).
pub const HOST_MESSAGE: &str = "Use the org host only (e.g. \"acme.okta.com\"), without the protocol or path.";

/// The issue message for a bad `$secret` name.
pub const SECRET_NAME_MESSAGE: &str =
  "Expected a secret reference whose name is an environment variable name (A-Z, 0-9 and _, not starting with a digit), e.g. { $secret: \"OKTA_API_TOKEN\" }.";

/// A plain API token (constructor input, or a resolved secret) that is blank.
pub const TOKEN_EMPTY_MESSAGE: &str = "The API token is empty.";

/// A plain API token with characters that are not visible ASCII (they could inject headers).
pub const TOKEN_CHARS_MESSAGE: &str =
  "The API token contains spaces, line breaks or non-ASCII characters; paste it again without them.";

/// The issue field of a config that is not an object at all.
pub const NOT_OBJECT_FIELD: &str = "(config)";

/// Largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`, zod's `.int()` bound).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A regex source shared with JS (`new RegExp(source, flags)`).
pub struct Pattern {
  /// The source, exactly as JS compiles it.
  pub source: String,
  /// `""`, or `"i"` for ASCII case-insensitive matching.
  pub flags: &'static str,
  regex: Option<Regex>,
}

impl Pattern {
  fn new(source: impl Into<String>, flags: &'static str) -> Pattern {
    let source = source.into();
    let full = if flags.contains('i') {
      format!("(?i){source}")
    } else {
      source.clone()
    };
    Pattern {
      regex: Regex::new(&full).ok(),
      source,
      flags,
    }
  }

  /// Does `text` match? A pattern that failed to compile matches nothing (fail
  /// closed; a unit test compiles every pattern of the table).
  pub fn matches(&self, text: &str) -> bool {
    self.regex.as_ref().is_some_and(|r| r.is_match(text))
  }

  fn to_json(&self) -> Value {
    json!({ "source": self.source, "flags": self.flags })
  }
}

/// What a bad value of one rule is told.
pub struct Messages {
  /// A required field is missing (or `null`); `None` for optional fields.
  pub required: Option<String>,
  /// The value has the wrong JSON type.
  pub wrong_type: String,
  /// The value has the right type but breaks a bound, a pattern or the choices.
  pub invalid: String,
  /// Secret fields, constructor input only: the value is neither a reference nor
  /// an accepted plain value.
  pub input: Option<String>,
}

impl Messages {
  /// One message for every kind of bad value.
  fn one(message: impl Into<String>) -> Messages {
    let message = message.into();
    Messages {
      required: None,
      wrong_type: message.clone(),
      invalid: message,
      input: None,
    }
  }

  /// The same message, for a required field.
  fn one_required(message: impl Into<String>) -> Messages {
    let message = message.into();
    Messages {
      required: Some(message.clone()),
      ..Messages::one(message)
    }
  }

  fn to_json(&self) -> Value {
    let mut out = json!({ "type": self.wrong_type, "invalid": self.invalid });
    if let Some(required) = &self.required {
      out["required"] = json!(required);
    }
    if let Some(input) = &self.input {
      out["input"] = json!(input);
    }
    out
  }
}

/// What a secret field accepts as a plain value in constructor input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plain {
  /// An API token: visible ASCII only ([`super::check_token`]).
  Token,
  /// A private key: PEM or JWK text, or a JWK object (parsed when the client is built).
  Key,
}

/// The shape and bounds of a value.
pub enum Kind {
  /// A string, trimmed first when `trim` (as JS trims), never empty; at most
  /// `max_len` UTF-16 units; matching `pattern` and not matching `reject`.
  Text {
    /// Trim before checking (the normalized config keeps the trimmed text).
    trim: bool,
    /// Longest accepted length in UTF-16 units (JS string length).
    max_len: Option<usize>,
    /// A pattern the text must match.
    pattern: Option<Pattern>,
    /// A pattern the text must not match.
    reject: Option<Pattern>,
  },
  /// A number from `min` (excluded when `min_exclusive`) to `max`, whole when `integer`.
  Number {
    /// Lower bound.
    min: f64,
    /// Whether `min` itself is refused.
    min_exclusive: bool,
    /// Upper bound (included).
    max: f64,
    /// Whether only whole numbers are accepted.
    integer: bool,
  },
  /// One of fixed strings.
  Choice {
    /// The accepted strings.
    values: Vec<&'static str>,
  },
  /// An array of `item` values, at least `min_items` of them; a bad item is
  /// reported as `field[i]`.
  List {
    /// The rule of every item.
    item: Box<Rule>,
    /// Fewest items accepted.
    min_items: usize,
  },
  /// A secret: a `{ $secret: NAME }` reference whose name is an environment
  /// variable's name; in constructor input also a plain value (see [`Plain`]).
  Secret {
    /// What plain value constructor input may give instead.
    plain: Plain,
  },
  /// An object of known fields (unknown keys are dropped).
  Object {
    /// Its fields, in order.
    fields: Vec<Field>,
  },
}

/// A rule: the value's kind and its messages.
pub struct Rule {
  /// Shape and bounds.
  pub kind: Kind,
  /// What each kind of bad value is told.
  pub messages: Messages,
}

impl Rule {
  /// The message of a missing required value.
  fn missing(&self) -> &str {
    self.messages.required.as_deref().unwrap_or(&self.messages.wrong_type)
  }
}

/// A config field.
pub struct Field {
  /// Its key.
  pub name: &'static str,
  /// Whether it must be given.
  pub required: bool,
  /// What its value must be.
  pub rule: Rule,
}

/// Exactly one of two fields must be given.
pub struct ExactlyOne {
  /// The two fields.
  pub fields: [&'static str; 2],
  /// Where and what to report when neither is given.
  pub neither: (&'static str, String),
  /// Where and what to report when both are given.
  pub both: (&'static str, String),
}

/// The whole table.
pub struct Rules {
  /// The top-level fields, in order.
  pub fields: Vec<Field>,
  /// The sign-in method: `apiToken` or `oauth`.
  pub exactly_one: ExactlyOne,
  /// The message of a config that is not an object.
  pub not_object: String,
  /// The `$secret` name rule of every secret field.
  pub secret_name: Pattern,
}

/// How secret fields are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Credentials {
  /// Config as a user writes it (`validateConfig`, `create()`, `configFields`):
  /// secret fields must be `{ $secret: NAME }` references.
  #[default]
  References,
  /// Constructor input: secret fields may also hold plain values (a token string;
  /// PEM or JWK text, or a JWK object). Plain values are checked but never copied
  /// into the normalized output.
  Inputs,
}

/// The table, built once.
pub fn rules() -> &'static Rules {
  static RULES: OnceLock<Rules> = OnceLock::new();
  RULES.get_or_init(build)
}

fn text(trim: bool, pattern: Option<Pattern>) -> Kind {
  Kind::Text {
    trim,
    max_len: None,
    pattern,
    reject: None,
  }
}

fn build() -> Rules {
  let settings: Vec<&'static str> = Resource::ALL.iter().map(|r| r.setting_name()).collect();
  let quoted = super::setting_names();
  // Visible ASCII (header-safe).
  let visible = || Some(Pattern::new(r"^[\x21-\x7e]+$", ""));
  let secret = |plain, required: Option<&str>, wrong_type: &str, input: &str| Rule {
    kind: Kind::Secret { plain },
    messages: Messages {
      required: required.map(String::from),
      wrong_type: wrong_type.into(),
      invalid: SECRET_NAME_MESSAGE.into(),
      input: Some(input.into()),
    },
  };
  let number = |min, min_exclusive, max, integer, message: String| Rule {
    kind: Kind::Number {
      min,
      min_exclusive,
      max,
      integer,
    },
    messages: Messages::one(message),
  };
  let (timeout_min, timeout_max) = super::REQUEST_TIMEOUT_RANGE_MS;
  let (budget_min, budget_max) = super::SYNC_BUDGET_RANGE_SECONDS;
  let families = crate::resources::FAMILIES
    .iter()
    .map(|f| f.name)
    .collect::<Vec<_>>()
    .join(", ");
  let oauth_fields = vec![
    Field {
      name: "clientId",
      required: true,
      rule: Rule {
        kind: text(true, visible()),
        messages: Messages::one_required(
          "Required: the service app's client ID (General tab of the API Services app, e.g. 0oa1b2c3d4EXAMPLE).",
        ),
      },
    },
    Field {
      name: "privateKey",
      required: true,
      rule: secret(
        Plain::Key,
        Some("Required: a secret reference such as { $secret: \"OKTA_PRIVATE_KEY\" } holding the app's private key (PEM PKCS#8 or a JWK)."),
        "Expected a secret reference { $secret: \"OKTA_PRIVATE_KEY\" }, not a plain value: keep the key out of the config.",
        "Expected the app's private key (PEM text or a JWK object) or a secret reference such as { $secret: \"OKTA_PRIVATE_KEY\" }.",
      ),
    },
    Field {
      name: "keyId",
      required: false,
      rule: Rule {
        kind: text(true, visible()),
        messages: Messages::one("Expected the key's KID as shown on the app's Public keys list (a non-empty string)."),
      },
    },
    Field {
      name: "scopes",
      required: false,
      rule: Rule {
        kind: Kind::List {
          // Visible ASCII without `"` and `\`: a scope token of RFC 6749.
          item: Box::new(Rule {
            kind: text(false, Some(Pattern::new(r"^[\x21\x23-\x5b\x5d-\x7e]+$", ""))),
            messages: Messages::one(
              "Expected a scope such as \"okta.users.read\" (printable characters, no spaces, quotes or backslashes).",
            ),
          }),
          min_items: 1,
        },
        messages: Messages::one(
          "Expected a non-empty array of scopes such as [\"okta.users.read\"] (omit it to request what the enabled resources need).",
        ),
      },
    },
  ];
  let fields = vec![
    Field {
      name: "host",
      required: true,
      rule: Rule {
        kind: Kind::Text {
          trim: true,
          max_len: Some(253),
          // Two or more DNS labels of 1-63 letters, digits and inner hyphens, the
          // last one 2-63 letters (IP addresses never match).
          pattern: Some(Pattern::new(
            r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$",
            "",
          )),
          // A top-level domain that resolves to this machine or a private network.
          reject: Some(Pattern::new(format!(r"\.(?:{})$", RESERVED_TLDS.join("|")), "i")),
        },
        messages: Messages {
          required: Some("Required: the Okta org host, e.g. \"acme.okta.com\".".into()),
          wrong_type: "Expected a string such as \"acme.okta.com\".".into(),
          invalid: HOST_MESSAGE.into(),
          input: None,
        },
      },
    },
    Field {
      name: "apiToken",
      required: false,
      rule: secret(
        Plain::Token,
        None,
        "Expected a secret reference { $secret: \"OKTA_API_TOKEN\" }, not a plain value: keep the token out of the config.",
        "Expected the API token as a string or a secret reference such as { $secret: \"OKTA_API_TOKEN\" }.",
      ),
    },
    Field {
      name: "oauth",
      required: false,
      rule: Rule {
        kind: Kind::Object { fields: oauth_fields },
        messages: Messages::one(
          "Expected an object { clientId, privateKey: { $secret: \"OKTA_PRIVATE_KEY\" }, keyId?, scopes? }.",
        ),
      },
    },
    Field {
      name: "resources",
      required: false,
      rule: Rule {
        kind: Kind::List {
          item: Box::new(Rule {
            kind: Kind::Choice { values: settings },
            messages: Messages::one(format!("Expected one of {quoted}.")),
          }),
          min_items: 1,
        },
        messages: Messages {
          required: None,
          wrong_type: format!("Expected an array of {quoted}."),
          invalid: format!("Expected at least one of {quoted} (omit the field for all)."),
          input: None,
        },
      },
    },
    Field {
      name: "rateLimitShare",
      required: false,
      rule: number(
        0.0,
        true,
        1.0,
        false,
        format!(
          "Expected a number greater than 0 and at most 1 (the share of each endpoint's rate limit to use; default {}).",
          super::DEFAULT_RATE_LIMIT_SHARE
        ),
      ),
    },
    Field {
      name: "requestTimeoutMs",
      required: false,
      rule: number(
        timeout_min as f64,
        false,
        timeout_max as f64,
        true,
        format!("Expected a whole number of milliseconds from {timeout_min} to {timeout_max}."),
      ),
    },
    Field {
      name: "syncBudgetSeconds",
      required: false,
      rule: number(
        budget_min as f64,
        false,
        budget_max as f64,
        true,
        format!(
          "Expected a whole number of seconds from {budget_min} to {budget_max} (default {}, within rawdash's 300 s run).",
          super::DEFAULT_SYNC_BUDGET_SECONDS
        ),
      ),
    },
    Field {
      name: "logEvents",
      required: false,
      rule: Rule {
        kind: Kind::List {
          item: Box::new(Rule {
            kind: text(true, Some(Pattern::new(crate::resources::log_events_item_pattern(), ""))),
            messages: Messages::one(format!(
              "Expected a System Log family ({families}) or an exact event type such as \"user.account.lock\" (letters, digits and _ between dots)."
            )),
          }),
          min_items: 1,
        },
        messages: Messages::one(format!(
          "Expected a non-empty array of System Log families ({families}) and/or event types such as \"user.account.lock\" (omit it for every family)."
        )),
      },
    },
  ];
  Rules {
    fields,
    exactly_one: ExactlyOne {
      fields: ["apiToken", "oauth"],
      neither: (
        "apiToken",
        "Required: a secret reference such as { $secret: \"OKTA_API_TOKEN\" }, or oauth: { clientId, privateKey } for an OAuth 2.0 service app.".into(),
      ),
      both: (
        "oauth",
        "Use either apiToken (SSWS) or oauth (an OAuth 2.0 service app), not both: remove one.".into(),
      ),
    },
    not_object: "Expected an object with host and apiToken.".into(),
    secret_name: Pattern::new(r"^[A-Z_][A-Z0-9_]*$", ""),
  }
}

/// Is `c` whitespace to JavaScript's `String.prototype.trim` (WhiteSpace and
/// LineTerminator: Zs, tab, VT, FF, BOM, LF, CR, LS, PS)? Rust's `str::trim`
/// differs (it trims U+0085 and keeps U+FEFF), so the checker trims as zod does.
fn is_js_space(c: char) -> bool {
  matches!(
    c,
    '\u{9}'..='\u{d}'
      | ' '
      | '\u{a0}'
      | '\u{1680}'
      | '\u{2000}'..='\u{200a}'
      | '\u{2028}'
      | '\u{2029}'
      | '\u{202f}'
      | '\u{205f}'
      | '\u{3000}'
      | '\u{feff}'
  )
}

/// `text` trimmed as JavaScript (and so zod's `.trim()`) trims it.
pub fn js_trim(text: &str) -> &str {
  text.trim_matches(is_js_space)
}

/// Interprets the table for one input.
struct Checker<'a> {
  rules: &'a Rules,
  mode: Credentials,
  issues: &'a mut Vec<FieldIssue>,
}

impl Checker<'_> {
  fn fail(&mut self, path: &str, message: &str) -> Option<Value> {
    self.issues.push(FieldIssue::new(path, message));
    None
  }

  /// The known fields of `obj`, checked in table order; the normalized ones.
  fn fields(&mut self, fields: &[Field], obj: &Map<String, Value>, prefix: &str) -> Map<String, Value> {
    let mut out = Map::new();
    for field in fields {
      let path = if prefix.is_empty() {
        field.name.to_string()
      } else {
        format!("{prefix}.{}", field.name)
      };
      match obj.get(field.name) {
        None | Some(Value::Null) if field.required => {
          self.fail(&path, field.rule.missing());
        }
        None => {}
        Some(value) => {
          if let Some(value) = self.value(&field.rule, &path, value, field.required) {
            out.insert(field.name.to_string(), value);
          }
        }
      }
    }
    out
  }

  /// The normalized `value`, or `None`: an issue was recorded, or a plain secret
  /// (constructor input) was accepted and is not copied.
  fn value(&mut self, rule: &Rule, path: &str, value: &Value, required: bool) -> Option<Value> {
    let m = &rule.messages;
    match &rule.kind {
      Kind::Text {
        trim,
        max_len,
        pattern,
        reject,
      } => {
        let Value::String(raw) = value else {
          return self.fail(path, &m.wrong_type);
        };
        let text = if *trim { js_trim(raw) } else { raw.as_str() };
        if text.is_empty() {
          return self.fail(path, if required { rule.missing() } else { &m.invalid });
        }
        let too_long = max_len.is_some_and(|max| text.encode_utf16().count() > max);
        if too_long
          || pattern.as_ref().is_some_and(|p| !p.matches(text))
          || reject.as_ref().is_some_and(|p| p.matches(text))
        {
          return self.fail(path, &m.invalid);
        }
        Some(Value::String(text.to_string()))
      }
      Kind::Number {
        min,
        min_exclusive,
        max,
        integer,
      } => {
        let Some(n) = value.as_f64() else {
          return self.fail(path, &m.wrong_type);
        };
        let whole = n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER;
        let above = if *min_exclusive { n > *min } else { n >= *min };
        if (*integer && !whole) || !above || n > *max {
          return self.fail(path, &m.invalid);
        }
        Some(value.clone())
      }
      Kind::Choice { values } => match value.as_str() {
        Some(s) if values.contains(&s) => Some(value.clone()),
        Some(_) => self.fail(path, &m.invalid),
        None => self.fail(path, &m.wrong_type),
      },
      Kind::List { item, min_items } => {
        let Value::Array(items) = value else {
          return self.fail(path, &m.wrong_type);
        };
        let before = self.issues.len();
        let mut out = Vec::with_capacity(items.len());
        for (i, v) in items.iter().enumerate() {
          if let Some(v) = self.value(item, &format!("{path}[{i}]"), v, false) {
            out.push(v);
          }
        }
        if items.len() < *min_items {
          self.fail(path, &m.invalid);
        }
        (self.issues.len() == before).then_some(Value::Array(out))
      }
      Kind::Secret { plain } => self.secret(rule, *plain, path, value),
      Kind::Object { fields } => {
        let Value::Object(obj) = value else {
          return self.fail(path, &m.wrong_type);
        };
        Some(Value::Object(self.fields(fields, obj, path)))
      }
    }
  }

  fn secret(&mut self, rule: &Rule, plain: Plain, path: &str, value: &Value) -> Option<Value> {
    let m = &rule.messages;
    let references = self.mode == Credentials::References;
    match value {
      // An object is a reference, except a JWK given as the private key.
      Value::Object(obj) if references || plain == Plain::Token || obj.contains_key("$secret") => {
        match obj.get("$secret") {
          Some(Value::String(name)) if self.rules.secret_name.matches(name) => Some(json!({ "$secret": name })),
          _ => self.fail(path, &m.invalid),
        }
      }
      _ if references => self.fail(path, &m.wrong_type),
      Value::String(text) => match plain {
        Plain::Token => match super::check_token(text) {
          Ok(()) => None,
          Err(message) => self.fail(path, message),
        },
        Plain::Key if js_trim(text).is_empty() => self.fail(path, rule.missing()),
        Plain::Key => None,
      },
      Value::Object(_) => None,
      _ => self.fail(path, m.input.as_deref().unwrap_or(&m.wrong_type)),
    }
  }
}

impl ExactlyOne {
  fn check(&self, obj: &Map<String, Value>, issues: &mut Vec<FieldIssue>) {
    let [a, b] = self.fields;
    match (obj.contains_key(a), obj.contains_key(b)) {
      (true, true) => issues.push(FieldIssue::new(self.both.0, self.both.1.as_str())),
      (false, false) => issues.push(FieldIssue::new(self.neither.0, self.neither.1.as_str())),
      _ => {}
    }
  }
}

/// Checks a config against the table: the normalized config (known keys only,
/// strings trimmed where the rule says so; in [`Credentials::Inputs`] mode without
/// plain secret values), or every issue: the fields in table order, then the
/// exactly-one rule. A present key counts as given, even when `null`.
pub fn check(input: &Value, mode: Credentials) -> Result<Value, Vec<FieldIssue>> {
  let rules = rules();
  let Some(obj) = input.as_object() else {
    return Err(vec![FieldIssue::new(NOT_OBJECT_FIELD, rules.not_object.as_str())]);
  };
  let mut issues = Vec::new();
  let out = Checker {
    rules,
    mode,
    issues: &mut issues,
  }
  .fields(&rules.fields, obj, "");
  rules.exactly_one.check(obj, &mut issues);
  if issues.is_empty() {
    Ok(Value::Object(out))
  } else {
    Err(issues)
  }
}

/// Checks one field's value by its path (`host`, `oauth.clientId`) as constructor
/// input (so the client options get the config's messages): the normalized value,
/// or `None` with the issue recorded in `issues`. `null` is a missing value.
pub fn check_field(path: &str, value: &Value, issues: &mut Vec<FieldIssue>) -> Option<Value> {
  let rules = rules();
  let mut fields = rules.fields.as_slice();
  let mut found = None;
  for part in path.split('.') {
    let Some(field) = fields.iter().find(|f| f.name == part) else {
      issues.push(FieldIssue::new(path, "is not a config field"));
      return None;
    };
    if let Kind::Object { fields: inner } = &field.rule.kind {
      fields = inner;
    }
    found = Some(field);
  }
  let field = found?;
  let mut checker = Checker {
    rules,
    mode: Credentials::Inputs,
    issues,
  };
  match value {
    Value::Null if field.required => checker.fail(path, field.rule.missing()),
    Value::Null => None,
    _ => checker.value(&field.rule, path, value, field.required),
  }
}

impl Rule {
  fn to_json(&self, rules: &Rules) -> Value {
    let mut out = match &self.kind {
      Kind::Text {
        trim,
        max_len,
        pattern,
        reject,
      } => {
        let mut out = json!({ "type": "string", "trim": trim, "minLength": 1 });
        if let Some(max) = max_len {
          out["maxLength"] = json!(max);
        }
        if let Some(p) = pattern {
          out["pattern"] = p.to_json();
        }
        if let Some(p) = reject {
          out["reject"] = p.to_json();
        }
        out
      }
      Kind::Number {
        min,
        min_exclusive,
        max,
        integer,
      } => json!({ "type": "number", "min": min, "minExclusive": min_exclusive, "max": max, "integer": integer }),
      Kind::Choice { values } => json!({ "type": "enum", "values": values }),
      Kind::List { item, min_items } => json!({ "type": "array", "minItems": min_items, "items": item.to_json(rules) }),
      Kind::Secret { plain } => {
        let mut out = json!({
          "type": "secret",
          "name": rules.secret_name.to_json(),
          "plain": match plain { Plain::Token => "token", Plain::Key => "key" },
        });
        if *plain == Plain::Token {
          out["plainMessages"] = json!({ "empty": TOKEN_EMPTY_MESSAGE, "chars": TOKEN_CHARS_MESSAGE });
        }
        out
      }
      Kind::Object { fields } => json!({ "type": "object", "fields": fields_json(fields, rules) }),
    };
    out["messages"] = self.messages.to_json();
    out
  }
}

fn fields_json(fields: &[Field], rules: &Rules) -> Vec<Value> {
  fields
    .iter()
    .map(|f| json!({ "name": f.name, "required": f.required, "rule": f.rule.to_json(rules) }))
    .collect()
}

/// The top-level fields' rules, in order: `[{ name, required, rule }]`, where a rule
/// is `{ type: 'string' | 'number' | 'enum' | 'array' | 'secret' | 'object', ...
/// bounds, messages: { required?, type, invalid, input? } }`.
pub fn fields_to_json() -> Vec<Value> {
  let rules = rules();
  fields_json(&rules.fields, rules)
}

/// The rules across fields: `{ notObject: { field, message }, exactlyOne: { fields,
/// neither: { field, message }, both: { field, message } } }`.
pub fn checks_to_json() -> Value {
  let rules = rules();
  let one = &rules.exactly_one;
  json!({
    "notObject": { "field": NOT_OBJECT_FIELD, "message": rules.not_object },
    "exactlyOne": {
      "fields": one.fields,
      "neither": { "field": one.neither.0, "message": one.neither.1 },
      "both": { "field": one.both.0, "message": one.both.1 },
    },
  })
}

#[cfg(test)]
mod tests {
  use super::*;

  fn patterns(fields: &[Field], out: &mut Vec<String>) {
    for f in fields {
      let mut rule = &f.rule;
      while let Kind::List { item, .. } = &rule.kind {
        rule = item;
      }
      match &rule.kind {
        Kind::Text { pattern, reject, .. } => {
          for p in pattern.iter().chain(reject) {
            assert!(p.regex.is_some(), "{} does not compile", p.source);
            out.push(p.source.clone());
          }
        }
        Kind::Object { fields } => patterns(fields, out),
        _ => {}
      }
    }
  }

  #[test]
  fn every_pattern_compiles() {
    let mut seen = Vec::new();
    patterns(&rules().fields, &mut seen);
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert!(rules().secret_name.regex.is_some());
  }

  #[test]
  fn trims_as_javascript_does() {
    assert_eq!(js_trim("\u{feff}\u{a0} a.io\u{2028}\t"), "a.io");
    assert_eq!(js_trim("\u{85}a.io"), "\u{85}a.io", "NEL is not JS whitespace");
  }

  #[test]
  fn one_field_by_path() {
    let mut issues = Vec::new();
    assert_eq!(
      check_field("oauth.clientId", &json!(" 0oa1 "), &mut issues),
      Some(json!("0oa1"))
    );
    assert_eq!(check_field("oauth.scopes", &json!(["a", "b c"]), &mut issues), None);
    assert_eq!(check_field("host", &Value::Null, &mut issues), None);
    assert_eq!(check_field("nope", &json!(1), &mut issues), None);
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["oauth.scopes[1]", "host", "nope"]);
    assert_eq!(
      issues[1].message,
      "Required: the Okta org host, e.g. \"acme.okta.com\"."
    );
  }

  #[test]
  fn constructor_input_takes_plain_secrets_and_never_copies_them() {
    let input = json!({ "host": "acme.okta.com", "apiToken": "t0kSECRET" });
    let out = check(&input, Credentials::Inputs).unwrap();
    assert_eq!(out, json!({ "host": "acme.okta.com" }));
    assert!(check(&input, Credentials::References).is_err());
    let jwk = json!({ "host": "a.io", "oauth": { "clientId": "x", "privateKey": { "kty": "EC", "d": "SECRET" } } });
    assert_eq!(
      check(&jwk, Credentials::Inputs).unwrap()["oauth"],
      json!({ "clientId": "x" })
    );
    let bad = check(
      &json!({ "host": "a.io", "apiToken": "a b", "oauth": null }),
      Credentials::Inputs,
    )
    .unwrap_err();
    let shown: Vec<(&str, &str)> = bad.iter().map(|i| (i.field.as_str(), i.message.as_str())).collect();
    assert_eq!(
      shown,
      [
        ("apiToken", TOKEN_CHARS_MESSAGE),
        (
          "oauth",
          "Expected an object { clientId, privateKey: { $secret: \"OKTA_PRIVATE_KEY\" }, keyId?, scopes? }."
        ),
        ("oauth", rules().exactly_one.both.1.as_str()),
      ]
    );
    let number = check(&json!({ "host": "a.io", "apiToken": 42 }), Credentials::Inputs).unwrap_err();
    assert_eq!(
      number[0].message,
      "Expected the API token as a string or a secret reference such as { $secret: \"OKTA_API_TOKEN\" }."
    );
  }

  #[test]
  fn export_names_every_field_and_message() {
    let fields = fields_to_json();
    let names: Vec<&str> = fields.iter().filter_map(|f| f["name"].as_str()).collect();
    assert_eq!(
      names,
      [
        "host",
        "apiToken",
        "oauth",
        "resources",
        "rateLimitShare",
        "requestTimeoutMs",
        "syncBudgetSeconds",
        "logEvents"
      ]
    );
    assert_eq!(fields[0]["rule"]["messages"]["invalid"], HOST_MESSAGE);
    assert_eq!(fields[0]["rule"]["maxLength"], 253);
    assert_eq!(fields[3]["rule"]["items"]["values"][0], "users");
    assert_eq!(checks_to_json()["exactlyOne"]["both"]["field"], "oauth");
  }
}
