//! Property tests (proptest) over the pure parsers: the Link parser, the page-URL
//! sanitizer, the filter builder, the record mapper and the cursor codec.
//!
//! Strategies are bounded (short strings, shallow random JSON, a few huge strings)
//! so the whole module runs in a few seconds in a debug build.

use std::collections::{BTreeMap, HashSet};

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Map, Value};
use url::Url;

use rawdash_connector_okta::engine::cursor::{decode, encode, Position};
use rawdash_connector_okta::http::paging::{next_link, parse_link_values, sanitize_page_url};
use rawdash_connector_okta::resources::mapping::MAX_WARNINGS;
use rawdash_connector_okta::resources::{
  all_statuses_filter, format_ms, parse_ms, FirstRequest, MapOptions, Resource, APP_STATUSES, AUTH_EVENT_FILTER,
  GROUP_TYPES, USER_STATUSES,
};

fn config() -> ProptestConfig {
  ProptestConfig {
    cases: 256,
    failure_persistence: None,
    ..ProptestConfig::default()
  }
}

/// The resources these properties model (each has an oracle below; the per-user
/// factors and newer resources have their own tests), so adding a resource leaves
/// this file alone.
fn arb_resource() -> impl Strategy<Value = Resource> {
  select(vec![
    Resource::Users,
    Resource::Groups,
    Resource::AuthEvents,
    Resource::Apps,
  ])
}

// ---------------------------------------------------------------------------
// Shared generators
// ---------------------------------------------------------------------------

/// Short strings that stress escaping: quotes, backslashes, control characters,
/// separators, non-BMP and combining characters.
fn arb_tricky_text() -> impl Strategy<Value = String> {
  prop_oneof![
    4 => ".{0,12}",
    2 => "[\"\\\\,;=<>\u{0}\u{1f}\t\n a-zA-Z0-9_.-]{0,12}",
    1 => "[\u{e9}\u{263a}\u{1f600}\u{301}\u{feff}\u{2028}\u{fffd}a]{1,8}",
    1 => select(vec![
      String::new(),
      "\"".to_string(),
      "\\".to_string(),
      "ACTIVE\" or id eq \"x".to_string(),
      "ACTIVE\\".to_string(),
      " ACTIVE".to_string(),
      "active".to_string(),
      "OKTA_GROUP ".to_string(),
      "\u{0}".to_string(),
    ]),
  ]
}

/// Arbitrary JSON of bounded depth and size.
fn arb_json() -> impl Strategy<Value = Value> {
  let leaf = prop_oneof![
    Just(Value::Null),
    any::<bool>().prop_map(Value::Bool),
    any::<i64>().prop_map(Value::from),
    any::<u64>().prop_map(Value::from),
    any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f).map(Value::Number)),
    arb_tricky_text().prop_map(Value::String),
  ];
  leaf.prop_recursive(4, 32, 5, |inner| {
    prop_oneof![
      prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
      prop::collection::vec((arb_key(), inner), 0..5).prop_map(|kv| Value::Object(kv.into_iter().collect())),
    ]
  })
}

/// Object keys: mostly names the code looks at, sometimes anything.
fn arb_key() -> impl Strategy<Value = String> {
  prop_oneof![
    3 => select(vec![
      "id", "status", "type", "profile", "filter", "field", "op", "value", "phase", "page", "spec", "phases",
      "skip", "done", "v", "okta_user", "okta_group", "users", "groups", "auth_events", "published", "uuid",
    ])
    .prop_map(str::to_string),
    1 => arb_tricky_text(),
  ]
}

/// A value nested `depth` levels deep (alternating arrays and objects).
fn deep(depth: usize, leaf: Value) -> Value {
  let mut v = leaf;
  for i in 0..depth {
    v = if i % 2 == 0 { json!([v]) } else { json!({ "a": v }) };
  }
  v
}

// ---------------------------------------------------------------------------
// Link parser
// ---------------------------------------------------------------------------

/// Text with many of the characters the Link parser branches on.
fn arb_linkish() -> impl Strategy<Value = String> {
  prop_oneof![
    2 => ".{0,40}",
    3 => "[<>;,=\"\\\\ \ta-z:/?&]{0,60}",
    1 => "(<[a-z:/?=,;\"]{0,10}>?[; ]{0,2}(rel|title|REL)? ?=? ?\"?[a-z ,;<>\\\\]{0,8}\"?,? ?){0,4}",
  ]
}

fn ws() -> impl Strategy<Value = &'static str> {
  select(vec!["", "", " ", "  ", "\t", " \t "])
}

/// A URL with a query holding `,`, `;`, `=`, quotes and percent escapes (never
/// `<`, `>` or whitespace, which cannot appear between the angle brackets).
fn arb_link_url() -> impl Strategy<Value = String> {
  (
    select(vec![
      "https://acme.okta.com",
      "http://127.0.0.1:8123",
      "https://evil.example",
      "http://[::1]:9",
    ]),
    select(vec!["/api/v1/users", "/api/v1/groups", "/api/v1/logs", "/x;y=1,2", ""]),
    prop::collection::vec(("[a-zA-Z_]{1,6}", "[a-zA-Z0-9,;=%._~'\"!$()*+:@/?-]{0,16}"), 0..4),
  )
    .prop_map(|(origin, path, pairs)| {
      let query: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
      if query.is_empty() {
        format!("{origin}{path}")
      } else {
        format!("{origin}{path}?{}", query.join("&"))
      }
    })
}

/// A quoted-string param value (escaped), content with separators and brackets.
fn arb_quoted() -> impl Strategy<Value = String> {
  "[a-z ,;<>=\"\\\\\u{e9}]{0,12}".prop_map(|s| {
    let escaped: String = s
      .chars()
      .flat_map(|c| match c {
        '"' | '\\' => vec!['\\', c],
        c => vec![c],
      })
      .collect();
    format!("\"{escaped}\"")
  })
}

/// A `rel` param whose values include `next`, in the spellings servers use.
fn next_rel() -> impl Strategy<Value = String> {
  (
    select(vec!["rel", "REL", "Rel"]),
    ws(),
    ws(),
    select(vec![
      "\"next\"",
      "next",
      "NEXT",
      "\"Next\"",
      "\"prev next\"",
      "\"next last\"",
      "\" next \"",
      "\"first\tnext\"",
    ]),
  )
    .prop_map(|(k, a, b, v)| format!("{k}{a}={b}{v}"))
}

/// A `rel` param (or none) that never means `next`.
fn other_rel() -> impl Strategy<Value = Option<String>> {
  prop::option::weighted(
    0.8,
    (
      select(vec!["rel", "REL"]),
      select(vec![
        "\"self\"",
        "self",
        "\"prev\"",
        "\"first last\"",
        "\"nextpage\"",
        "next-page",
        "\"previous\"",
        "\"alternate\"",
        "\"\"",
      ]),
    )
      .prop_map(|(k, v)| format!("{k}={v}")),
  )
}

/// Params other than rel: quoted strings with separators, tokens, bare names.
fn extra_param() -> impl Strategy<Value = String> {
  prop_oneof![
    ("[a-z]{1,6}", arb_quoted()).prop_map(|(k, v)| format!("{k}={v}")),
    select(vec![
      "type=application/json",
      "hreflang=en",
      "anchor=\"#x\"",
      "foo",
      "title*=UTF-8''a%2Cb"
    ])
    .prop_map(str::to_string),
  ]
}

/// One link entry: `<url>` then params in random order with random whitespace.
fn link_entry(url: String, rel: Option<String>, extras: Vec<String>, rel_at: usize, spaces: Vec<&str>) -> String {
  let mut params = extras;
  if let Some(rel) = rel {
    let at = rel_at % (params.len() + 1);
    params.insert(at, rel);
  }
  let sp = |i: usize| spaces[i % spaces.len()];
  let mut out = format!("<{}{url}{}>", sp(0), sp(1));
  for (i, p) in params.iter().enumerate() {
    out.push_str(&format!("{};{}{p}", sp(i + 2), sp(i + 3)));
  }
  out
}

#[derive(Debug, Clone)]
struct LinkCase {
  values: Vec<String>,
  /// Every entry's (uri, whether it is the next link), in order.
  entries: Vec<(String, bool)>,
  next: String,
}

fn arb_link_case() -> impl Strategy<Value = LinkCase> {
  let other = (
    arb_link_url(),
    other_rel(),
    prop::collection::vec(extra_param(), 0..3),
    any::<usize>(),
    prop::collection::vec(ws(), 1..6),
  )
    .prop_map(|(u, r, x, at, sp)| (link_entry(u.clone(), r, x, at, sp), u, false));
  let next = (
    arb_link_url(),
    next_rel(),
    prop::collection::vec(extra_param(), 0..3),
    any::<usize>(),
    prop::collection::vec(ws(), 1..6),
  )
    .prop_map(|(u, r, x, at, sp)| (link_entry(u.clone(), Some(r), x, at, sp), u, true));
  (
    prop::collection::vec(other, 0..4),
    next,
    any::<usize>(),
    // Per boundary: start a new header value (true) or comma-join (false).
    prop::collection::vec(any::<bool>(), 5),
    prop::collection::vec(select(vec![",", ", ", " , ", ",\t", ", ,", " ,, "]), 5),
    prop::collection::vec(select(vec!["", "garbage", "   ", "rel=next", ";;"]), 0..2),
  )
    .prop_map(|(others, next, pos, split, commas, junk)| {
      let mut all = others;
      let at = pos % (all.len() + 1);
      all.insert(at, next.clone());
      let mut values = vec![String::new()];
      for (i, (text, _, _)) in all.iter().enumerate() {
        if i > 0 {
          if split[i % split.len()] {
            values.push(String::new());
          } else {
            values.last_mut().unwrap().push_str(commas[i % commas.len()]);
          }
        }
        values.last_mut().unwrap().push_str(text);
      }
      // Junk header values carry no `<`, so they add no entry.
      for (i, j) in junk.into_iter().enumerate() {
        let at = i % (values.len() + 1);
        values.insert(at, j.to_string());
      }
      LinkCase {
        values,
        entries: all.iter().map(|(_, u, n)| (u.clone(), *n)).collect(),
        next: next.1,
      }
    })
}

proptest! {
  #![proptest_config(config())]

  #[test]
  fn link_parser_never_panics_on_any_text(values in prop::collection::vec(prop_oneof![any::<String>(), arb_linkish()], 0..5)) {
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    let links = parse_link_values(refs.iter().copied());
    let next = next_link(refs.iter().copied());
    // next_link is the first link whose rels include "next".
    prop_assert_eq!(next, links.iter().find(|l| l.rels.iter().any(|r| r == "next")).map(|l| l.uri.clone()));
    for l in &links {
      prop_assert!(l.rels.iter().all(|r| !r.is_empty() && *r == r.to_ascii_lowercase()));
    }
  }

  #[test]
  fn link_parser_finds_the_generated_next_url(case in arb_link_case()) {
    let refs: Vec<&str> = case.values.iter().map(String::as_str).collect();
    let next = next_link(refs.iter().copied());
    prop_assert_eq!(next.as_deref(), Some(case.next.as_str()), "values {:?}", case.values);
    let links = parse_link_values(refs.iter().copied());
    let uris: Vec<&str> = links.iter().map(|l| l.uri.as_str()).collect();
    let expected: Vec<&str> = case.entries.iter().map(|(u, _)| u.as_str()).collect();
    prop_assert_eq!(uris, expected, "values {:?}", case.values);
    for (link, (_, is_next)) in links.iter().zip(&case.entries) {
      prop_assert_eq!(link.rels.iter().any(|r| r == "next"), *is_next, "values {:?}", case.values);
    }
  }
}

// ---------------------------------------------------------------------------
// Page-URL sanitizer
// ---------------------------------------------------------------------------

/// How a URL component compares with the origin's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Same {
  /// Canonically the origin's: must be accepted when everything else is.
  Yes,
  /// An alternative spelling of the same thing (normalized by URL parsing): may be
  /// accepted or rejected; if accepted, the result is on the origin.
  Equivalent,
  /// Different: must be rejected.
  No,
}

type Variants = Vec<(&'static str, Same)>;

struct OriginCase {
  origin: &'static str,
  schemes: Variants,
  hosts: Variants,
  ports: Variants,
}

fn origin_cases() -> Vec<OriginCase> {
  use Same::*;
  vec![
    OriginCase {
      origin: "https://acme.okta.com",
      schemes: vec![
        ("https", Yes),
        ("HTTPS", Yes),
        ("Https", Yes),
        ("http", No),
        ("ftp", No),
        ("wss", No),
        ("javascript", No),
      ],
      hosts: vec![
        ("acme.okta.com", Yes),
        ("ACME.OKTA.COM", Yes),
        ("Acme.Okta.Com", Yes),
        ("%61cme.okta.com", Equivalent),
        ("acme.okta.com.", Equivalent),
        ("acme.okta.com.evil.com", No),
        ("ACME.OKTA.COM.EVIL.COM", No),
        ("evil.com", No),
        ("EVIL.COM", No),
        ("acme.okta.co", No),
        ("acme.okta.comm", No),
        ("acme-okta.com", No),
        ("okta.com", No),
        ("www.acme.okta.com", No),
        ("acme.okt\u{e0}.com", No),
        ("xn--acme.okta.com", No),
        ("127.0.0.1", No),
        ("[::1]", No),
        ("[::ffff:7f00:1]", No),
      ],
      ports: vec![
        ("", Yes),
        (":443", Yes),
        (":0443", Equivalent),
        (":8443", No),
        (":80", No),
        (":444", No),
        (":1", No),
      ],
    },
    OriginCase {
      origin: "http://127.0.0.1:8123",
      schemes: vec![("http", Yes), ("HTTP", Yes), ("https", No), ("ws", No), ("file", No)],
      hosts: vec![
        ("127.0.0.1", Yes),
        ("0x7f.0.0.1", Equivalent),
        ("2130706433", Equivalent),
        ("127.1", Equivalent),
        ("127.0.0.2", No),
        ("localhost", No),
        ("LOCALHOST", No),
        ("127.0.0.1.nip.io", No),
        ("[::1]", No),
        ("[::ffff:127.0.0.1]", No),
        ("0.0.0.0", No),
      ],
      ports: vec![
        (":8123", Yes),
        (":08123", Equivalent),
        ("", No),
        (":80", No),
        (":8124", No),
        (":18123", No),
      ],
    },
    OriginCase {
      origin: "http://[::1]:8080",
      schemes: vec![("http", Yes), ("HTTP", Yes), ("https", No)],
      hosts: vec![
        ("[::1]", Yes),
        ("[0:0:0:0:0:0:0:1]", Equivalent),
        ("[::0:1]", Equivalent),
        ("[::2]", No),
        ("[::ffff:127.0.0.1]", No),
        ("[fe80::1]", No),
        ("127.0.0.1", No),
        ("localhost", No),
      ],
      ports: vec![(":8080", Yes), ("", No), (":80", No), (":8081", No)],
    },
  ]
}

fn userinfos() -> Variants {
  use Same::*;
  vec![
    ("", Yes),
    ("user@", No),
    ("user:pw@", No),
    (":pw@", No),
    ("acme.okta.com@", No),
    ("127.0.0.1:8123@", No),
    ("%40@", No),
  ]
}

/// Spellings of `path` (the phase's endpoint); `other` is another endpoint.
fn paths(path: &'static str, other: &'static str) -> Vec<(String, Same)> {
  use Same::*;
  let tail = path.rsplit('/').next().unwrap();
  vec![
    (path.to_string(), Yes),
    (format!("/api/v1/x/../{tail}"), Equivalent),
    (format!("/api/v1/./{tail}"), Equivalent),
    (format!("/api/v1/{tail}/%2e%2e/{tail}"), Equivalent),
    (format!("/api/v1/{tail}/%2E./{tail}"), Equivalent),
    (path.replace('/', "\\"), Equivalent),
    (other.to_string(), No),
    (format!("{path}/"), No),
    (format!("{path}/.."), No),
    (format!("{path}/%2e%2e{other}"), No),
    (format!("{path}/%2e%2e/%2e%2e/%2e%2e/evil"), No),
    (format!("{path}%2F..%2F{tail}x"), No),
    (format!("{path}/../../{tail}"), No),
    (format!("{path}\\..\\x"), No),
    (path.to_ascii_uppercase(), No),
    (format!("/{path}"), No),
    (format!("//evil.com{path}"), No),
    (format!("{path};x=1"), No),
    (format!("{path}%00"), No),
    (format!("{path}%20"), No),
    (format!("{path}.json"), No),
    (String::new(), No),
    ("/".to_string(), No),
  ]
}

fn queries() -> Vec<&'static str> {
  vec![
    "",
    "?after=00u1&limit=200",
    "?a=%2e%2e/../x&b=,;",
    "?x=@evil.com",
    "?u=https://evil.com/api/v1/users",
    "?",
    "?after=a%23b",
  ]
}

fn fragments() -> Variants {
  vec![
    ("", Same::Yes),
    ("#x", Same::No),
    ("#", Same::No),
    ("#@evil.com", Same::No),
  ]
}

/// Asserts that `u` is on exactly `origin` and `path`, with no credentials or fragment.
fn assert_on_origin(u: &Url, origin: &Url, path: &str) -> Result<(), TestCaseError> {
  prop_assert_eq!(u.scheme(), origin.scheme());
  prop_assert_eq!(u.host(), origin.host());
  prop_assert_eq!(u.port_or_known_default(), origin.port_or_known_default());
  prop_assert_eq!(u.origin(), origin.origin());
  prop_assert_eq!(u.path(), path);
  prop_assert!(u.username().is_empty() && u.password().is_none() && u.fragment().is_none());
  let prefix = format!("{}{}", origin.origin().ascii_serialization(), path);
  let s = u.as_str();
  prop_assert!(
    s == prefix || s.starts_with(&format!("{prefix}?")),
    "{s} is not under {prefix}"
  );
  // Sanitizing is idempotent.
  let again = sanitize_page_url(s, origin, path);
  prop_assert_eq!(again.as_ref(), Some(u));
  Ok(())
}

#[derive(Debug, Clone)]
struct UrlCase {
  origin: &'static str,
  path: &'static str,
  raw: String,
  verdict: Same,
}

fn arb_url_case() -> impl Strategy<Value = UrlCase> {
  let resources = vec![
    ("/api/v1/users", "/api/v1/groups"),
    ("/api/v1/groups", "/api/v1/users"),
    ("/api/v1/logs", "/api/v1/users"),
  ];
  // Per component: (prefer the origin's own value, index). Preferring it 3 times in
  // 4 makes fully-same URLs common, so acceptance is exercised as much as rejection.
  let picks = prop::collection::vec((prop::bool::weighted(0.75), any::<usize>()), 7);
  (0..origin_cases().len(), select(resources), picks).prop_map(|(o, (path, other), picks)| {
    let oc = &origin_cases()[o];
    fn choose<T: Clone>(v: &[(T, Same)], (same, i): (bool, usize)) -> (T, Same) {
      let yes: Vec<&(T, Same)> = v.iter().filter(|(_, s)| *s == Same::Yes).collect();
      if same && !yes.is_empty() {
        yes[i % yes.len()].clone()
      } else {
        v[i % v.len()].clone()
      }
    }
    let (scheme, s1) = choose(&oc.schemes, picks[0]);
    let (userinfo, s2) = choose(&userinfos(), picks[1]);
    let (host, s3) = choose(&oc.hosts, picks[2]);
    let (port, s4) = choose(&oc.ports, picks[3]);
    let (p, s5) = choose(&paths(path, other), picks[4]);
    let q = queries()[picks[5].1 % queries().len()];
    let (frag, s6) = choose(&fragments(), picks[6]);
    let verdicts = [s1, s2, s3, s4, s5, s6];
    let verdict = if verdicts.contains(&Same::No) {
      Same::No
    } else if verdicts.contains(&Same::Equivalent) {
      Same::Equivalent
    } else {
      Same::Yes
    };
    UrlCase {
      origin: oc.origin,
      path,
      raw: format!("{scheme}://{userinfo}{host}{port}{p}{q}{frag}"),
      verdict,
    }
  })
}

/// Raw strings that must never pass for `https://acme.okta.com` + `/api/v1/users`.
const HOSTILE_URLS: &[&str] = &[
  "https://evil.com\\@acme.okta.com/api/v1/users",
  "https://acme.okta.com\\@evil.com/api/v1/users",
  "https:\\\\evil.com\\api\\v1\\users",
  "https:evil.com/api/v1/users",
  "https://acme.okta.com:443@evil.com/api/v1/users",
  "https://acme.okta.com%40evil.com/api/v1/users",
  "https://acme.okta.com%2f@evil.com/api/v1/users",
  "https://evil.com#@acme.okta.com/api/v1/users",
  "https://evil.com?@acme.okta.com/api/v1/users",
  "https://evil.com/@acme.okta.com/api/v1/users",
  "https://acme.okta.com.evil.com/api/v1/users",
  "https://acme.okta.com%2eevil.com/api/v1/users",
  "https://acme.okta.com\u{3002}evil.com/api/v1/users",
  "//acme.okta.com/api/v1/users",
  "///acme.okta.com/api/v1/users",
  "/api/v1/users?after=1",
  "api/v1/users",
  "?after=1",
  "javascript:alert(1)",
  "javascript://acme.okta.com/api/v1/users",
  "JAVASCRIPT://acme.okta.com/api/v1/users?x=%0aalert(1)",
  "data:text/html,https://acme.okta.com/api/v1/users",
  "file:///api/v1/users",
  "http://acme.okta.com/api/v1/users",
  "https://[::1]/api/v1/users",
  "https://[acme.okta.com]/api/v1/users",
  "https://acme.okta.com:65536/api/v1/users",
  "https://acme.okta.com:-1/api/v1/users",
  "https://acme.okta.com/api/v1/users/%2e%2e/groups",
  "https://acme.okta.com/api/v1/users/%2e%2e%2fgroups",
  "https://acme.okta.com/api/v1/users#after=1",
  "",
  " ",
];

proptest! {
  #![proptest_config(config())]

  #[test]
  fn sanitizer_never_panics_and_only_returns_on_origin_urls(
    o in 0..3usize,
    r in arb_resource(),
    raw in prop_oneof![
      any::<String>(),
      arb_linkish(),
      ".{0,20}".prop_map(|s| format!("https://acme.okta.com{s}")),
      ".{0,20}".prop_map(|s| format!("https://acme.okta.com/api/v1/users{s}")),
      ".{0,20}".prop_map(|s| format!("http://127.0.0.1:8123/api/v1/logs{s}")),
      "[a-zA-Z:/\\\\@.%0-9\\[\\]#?]{0,40}",
      (select(vec!["https://", "http://", "HTTPS://", "https:", "//", ""]), "[a-zA-Z@.:%0-9\\[\\]\\\\/]{0,24}", select(vec!["/api/v1/users", "/api/v1/logs", ""]))
        .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
    ],
  ) {
    let origin = Url::parse(origin_cases()[o].origin).unwrap();
    if let Some(u) = sanitize_page_url(&raw, &origin, r.path()) {
      assert_on_origin(&u, &origin, r.path())?;
    }
  }

  #[test]
  fn sanitizer_accepts_exactly_the_origin_and_path(case in arb_url_case()) {
    let origin = Url::parse(case.origin).unwrap();
    let got = sanitize_page_url(&case.raw, &origin, case.path);
    match case.verdict {
      Same::Yes => prop_assert!(got.is_some(), "rejected {}", case.raw),
      Same::No => prop_assert!(got.is_none(), "accepted {} as {:?}", case.raw, got.map(|u| u.to_string())),
      Same::Equivalent => {}
    }
    if let Some(u) = got {
      assert_on_origin(&u, &origin, case.path)?;
    }
  }
}

#[test]
fn sanitizer_rejects_hostile_urls() {
  let origin = Url::parse("https://acme.okta.com").unwrap();
  for raw in HOSTILE_URLS {
    let got = sanitize_page_url(raw, &origin, "/api/v1/users");
    assert!(got.is_none(), "accepted {raw:?} as {:?}", got.map(|u| u.to_string()));
  }
  // Oversized input is refused before parsing.
  let long = format!("https://acme.okta.com/api/v1/users?after={}", "a".repeat(9000));
  assert!(sanitize_page_url(&long, &origin, "/api/v1/users").is_none());
}

// ---------------------------------------------------------------------------
// Filter builder
// ---------------------------------------------------------------------------

/// `fetchSpecs`-shaped JSON: resource keys, spec arrays of random length, filter
/// clauses with random fields/ops/values (allowed ones, injections, non-strings),
/// nested `or`/`and` groups; sometimes anything at all.
fn arb_fetch_specs() -> impl Strategy<Value = Value> {
  let value = prop_oneof![
    3 => select(USER_STATUSES.iter().chain(GROUP_TYPES.iter()).map(|s| s.to_string()).collect::<Vec<_>>())
      .prop_map(Value::String),
    2 => arb_tricky_text().prop_map(Value::String),
    1 => arb_json(),
  ];
  let clause = prop_oneof![
    6 => (
      prop::option::weighted(0.95, prop_oneof![
        6 => select(vec!["status", "type"]).prop_map(|s| Value::String(s.into())),
        2 => select(vec!["eventType", "result", "Status", "status ", ""]).prop_map(|s| Value::String(s.into())),
        1 => arb_json(),
      ]),
      prop::option::weighted(0.95, prop_oneof![
        6 => Just(Value::String("eq".into())),
        2 => select(vec!["ne", "EQ", "in", "contains", "eq "]).prop_map(|s| Value::String(s.into())),
        1 => arb_json(),
      ]),
      prop::option::weighted(0.95, value),
    )
      .prop_map(|(f, o, v)| {
        let mut m = Map::new();
        if let Some(f) = f { m.insert("field".into(), f); }
        if let Some(o) = o { m.insert("op".into(), o); }
        if let Some(v) = v { m.insert("value".into(), v); }
        Value::Object(m)
      }),
    1 => arb_json(),
  ];
  let filter = prop_oneof![
    6 => prop::collection::vec(clause.clone(), 0..4).prop_map(Value::Array),
    1 => prop::collection::vec(clause, 0..3).prop_map(|c| json!([{ "or": c }])),
    1 => arb_json(),
  ];
  let spec = prop_oneof![
    6 => prop::option::weighted(0.9, filter).prop_map(|f| match f {
      Some(f) => json!({ "filter": f, "fields": ["status"] }),
      None => json!({}),
    }),
    1 => arb_json(),
  ];
  let specs = prop_oneof![
    4 => prop::collection::vec(spec.clone(), 1..2).prop_map(Value::Array),
    1 => prop::collection::vec(spec, 0..4).prop_map(Value::Array),
    1 => arb_json(),
  ];
  let by_resource = (
    prop::option::weighted(0.8, specs.clone()),
    prop::option::weighted(0.8, specs.clone()),
    prop::collection::vec((select(vec!["okta_auth_event", "users", "x"]), specs), 0..2),
  )
    .prop_map(|(user, group, rest)| {
      let mut m: Map<String, Value> = rest.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
      if let Some(v) = user {
        m.insert("okta_user".into(), v);
      }
      if let Some(v) = group {
        m.insert("okta_group".into(), v);
      }
      Value::Object(m)
    });
  prop_oneof![
    6 => by_resource,
    1 => arb_json(),
  ]
}

/// The spec's push-down: exactly one spec, the first top-level `<field> eq "<v>"`
/// clause with an allowed value.
fn expected_push_down(resource: Resource, specs: &Value) -> Option<String> {
  let (field, allowed): (&str, &[&str]) = match resource {
    Resource::Users => ("status", &USER_STATUSES),
    Resource::Groups => ("type", &GROUP_TYPES),
    Resource::Apps => ("status", &APP_STATUSES),
    Resource::AuthEvents => return None,
    other => unreachable!("arb_resource leaves out {other:?}"),
  };
  let list = specs.get(resource.resource_name())?.as_array()?;
  if list.len() != 1 {
    return None;
  }
  list[0].get("filter")?.as_array()?.iter().find_map(|c| {
    let ok = c.get("field")?.as_str()? == field && c.get("op")?.as_str()? == "eq";
    let v = c.get("value")?.as_str()?;
    (ok && allowed.contains(&v)).then(|| v.to_string())
  })
}

/// Quoted strings of a filter expression; `None` if a quote is unbalanced.
fn quoted_parts(filter: &str) -> Option<Vec<&str>> {
  let parts: Vec<&str> = filter.split('"').collect();
  (parts.len() % 2 == 1).then(|| parts.iter().skip(1).step_by(2).copied().collect())
}

/// Milliseconds within what Okta's ISO form can express (years 0000-9999).
fn arb_ms() -> impl Strategy<Value = i64> {
  prop_oneof![
    3 => 0i64..4_102_444_800_000,
    1 => -62_167_219_200_000i64..=253_402_300_799_999,
    1 => select(vec![0i64, -1, 1, 1_704_067_200_000, -62_167_219_200_000, 253_402_300_799_999]),
  ]
}

proptest! {
  #![proptest_config(config())]

  #[test]
  fn push_down_only_yields_allowed_values(specs in arb_fetch_specs(), resource in arb_resource()) {
    let got = resource.push_down_value(Some(&specs));
    prop_assert_eq!(&got, &expected_push_down(resource, &specs), "specs {}", specs);
    match resource {
      Resource::Users => prop_assert!(got.iter().all(|v| USER_STATUSES.contains(&v.as_str()))),
      Resource::Groups => prop_assert!(got.iter().all(|v| GROUP_TYPES.contains(&v.as_str()))),
      Resource::Apps => prop_assert!(got.iter().all(|v| APP_STATUSES.contains(&v.as_str()))),
      Resource::AuthEvents => prop_assert!(got.is_none()),
      other => unreachable!("arb_resource leaves out {other:?}"),
    }
    prop_assert_eq!(resource.push_down_value(None), None);
  }

  #[test]
  fn first_page_filter_is_balanced_and_only_holds_allowed_values(
    specs in arb_fetch_specs(),
    resource in arb_resource(),
    since in prop::option::of(arb_ms()),
    o in 0..3usize,
  ) {
    let origin = Url::parse(origin_cases()[o].origin).unwrap();
    let since = since.and_then(format_ms);
    let push_down = resource.push_down_value(Some(&specs));
    let q = FirstRequest { updated_since: since.clone(), log_since: since.clone(), push_down: push_down.clone(), log_types: Vec::new() };
    let url = resource.first_page_url(&origin, &q);
    assert_on_origin(&url, &origin, resource.path())?;
    let pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    prop_assert_eq!(&pairs[0], &("limit".to_string(), resource.page_limit().to_string()));
    let filters: Vec<&str> = pairs.iter().filter(|(k, _)| k == "filter").map(|(_, v)| v.as_str()).collect();
    prop_assert!(filters.len() <= 1);
    if let Some(filter) = filters.first() {
      let quoted = quoted_parts(filter);
      prop_assert!(quoted.is_some(), "unbalanced quotes in {}", filter);
      let allowed: Vec<&str> = match resource {
        Resource::Users => USER_STATUSES.to_vec(),
        Resource::Groups => GROUP_TYPES.to_vec(),
        Resource::Apps => APP_STATUSES.to_vec(),
        Resource::AuthEvents => vec![
          "user.session.start",
          "user.authentication.auth_via_mfa",
          "user.authentication.sso",
          "user.session.access_admin_app",
          "user.authentication.auth_unauth_app",
        ],
        other => unreachable!("arb_resource leaves out {other:?}"),
      };
      for part in quoted.unwrap() {
        prop_assert!(allowed.contains(&part) || Some(part) == since.as_deref(), "{:?} in {}", part, filter);
      }
    }
    // The exact expression (spec section 3).
    match resource {
      Resource::Users | Resource::Groups => {
        let field = if resource == Resource::Users { "status" } else { "type" };
        let since_part = since.as_ref().map(|s| format!("lastUpdated gt \"{s}\""));
        let pd_part = push_down.as_ref().map(|v| format!("{field} eq \"{v}\""));
        let expected = match (since_part, pd_part) {
          (Some(a), Some(b)) => Some(format!("({a}) and ({b})")),
          (a, b) => a.or(b),
        };
        let expected = match (resource, expected) {
          (Resource::Users, None) => Some(all_statuses_filter()),
          (_, e) => e,
        };
        prop_assert_eq!(filters.first().copied(), expected.as_deref());
        let expand = resource == Resource::Groups;
        prop_assert_eq!(pairs.len(), 1 + usize::from(expected.is_some()) + usize::from(expand));
        if expand {
          prop_assert_eq!(pairs.last(), Some(&("expand".to_string(), "stats".to_string())));
        }
      }
      Resource::Apps => {
        let expected = push_down.as_ref().map(|v| format!("status eq \"{v}\""));
        prop_assert_eq!(filters.first().copied(), expected.as_deref());
        prop_assert_eq!(pairs.len(), 1 + usize::from(expected.is_some()));
      }
      Resource::AuthEvents => {
        let mut expected = vec![
          ("limit".to_string(), "1000".to_string()),
          ("filter".to_string(), AUTH_EVENT_FILTER.to_string()),
          ("sortOrder".to_string(), "ASCENDING".to_string()),
        ];
        if let Some(s) = &since {
          expected.push(("since".to_string(), s.clone()));
        }
        prop_assert_eq!(pairs, expected);
      }
      other => unreachable!("arb_resource leaves out {other:?}"),
    }
  }

  #[test]
  fn format_ms_round_trips_through_parse_ms(ms in arb_ms()) {
    let s = format_ms(ms);
    prop_assert!(s.is_some(), "{} does not format", ms);
    let s = s.unwrap();
    prop_assert_eq!(s.len(), 24, "{}", s);
    prop_assert!(s.ends_with('Z') && !s.contains('"'));
    prop_assert_eq!(parse_ms(&s), Some(ms), "{}", s);
  }

  #[test]
  fn parse_ms_never_panics(s in prop_oneof![
    any::<String>(),
    "[0-9+:.TZ -]{0,30}",
    "[+-]?[0-9]{1,7}-[0-9]{1,2}-[0-9]{1,2}(T[0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\\.[0-9]{0,12})?)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?",
  ]) {
    if let Some(ms) = parse_ms(&s) {
      // Whatever parses is a real instant chrono can format back.
      prop_assert!(format_ms(ms).is_some());
    }
  }
}

// ---------------------------------------------------------------------------
// Record mapping
// ---------------------------------------------------------------------------

/// Where a field sits in the raw Okta object, and what it should hold.
#[derive(Clone, Copy)]
enum Field {
  Text,
  Time,
  Obj(&'static [(&'static str, Field)]),
}

const USER_FIELDS: &[(&str, Field)] = &[
  ("id", Field::Text),
  ("status", Field::Text),
  ("created", Field::Time),
  ("activated", Field::Time),
  ("statusChanged", Field::Time),
  ("lastLogin", Field::Time),
  ("lastUpdated", Field::Time),
  (
    "profile",
    Field::Obj(&[
      ("email", Field::Text),
      ("login", Field::Text),
      ("firstName", Field::Text),
      ("lastName", Field::Text),
    ]),
  ),
];

const GROUP_FIELDS: &[(&str, Field)] = &[
  ("id", Field::Text),
  ("type", Field::Text),
  ("created", Field::Time),
  ("lastUpdated", Field::Time),
  ("lastMembershipUpdated", Field::Time),
  (
    "profile",
    Field::Obj(&[("name", Field::Text), ("description", Field::Text)]),
  ),
];

const EVENT_FIELDS: &[(&str, Field)] = &[
  ("uuid", Field::Text),
  ("published", Field::Time),
  ("eventType", Field::Text),
  ("severity", Field::Text),
  ("displayMessage", Field::Text),
  (
    "outcome",
    Field::Obj(&[("result", Field::Text), ("reason", Field::Text)]),
  ),
  (
    "actor",
    Field::Obj(&[("id", Field::Text), ("type", Field::Text), ("displayName", Field::Text)]),
  ),
  (
    "authenticationContext",
    Field::Obj(&[
      ("authenticationProvider", Field::Text),
      ("credentialProvider", Field::Text),
      ("credentialType", Field::Text),
    ]),
  ),
  (
    "client",
    Field::Obj(&[
      ("ipAddress", Field::Text),
      ("geographicalContext", Field::Obj(&[("country", Field::Text)])),
      ("userAgent", Field::Obj(&[("browser", Field::Text)])),
    ]),
  ),
];

const APP_FIELDS: &[(&str, Field)] = &[
  ("id", Field::Text),
  ("name", Field::Text),
  ("label", Field::Text),
  ("status", Field::Text),
  ("signOnMode", Field::Text),
  ("created", Field::Time),
  ("lastUpdated", Field::Time),
];

fn fields_of(resource: Resource) -> &'static [(&'static str, Field)] {
  match resource {
    Resource::Users => USER_FIELDS,
    Resource::Groups => GROUP_FIELDS,
    Resource::Apps => APP_FIELDS,
    Resource::AuthEvents => EVENT_FIELDS,
    other => unreachable!("arb_resource leaves out {other:?}"),
  }
}

/// A timestamp-ish string: Okta's form, other ISO forms, or garbage.
fn arb_time_text() -> impl Strategy<Value = String> {
  prop_oneof![
    4 => arb_ms().prop_map(|ms| format_ms(ms).unwrap()),
    1 => (0i64..4_102_444_800_000).prop_map(|ms| format_ms(ms).unwrap().replace(".000Z", "+02:00").replace('Z', "-05:30")),
    1 => (0i64..4_102_444_800_000).prop_map(|ms| format_ms(ms).unwrap()[..10].to_string()),
    1 => (0i64..4_102_444_800_000).prop_map(|ms| format_ms(ms).unwrap().trim_end_matches('Z').to_string()),
    1 => select(vec!["", "yesterday", "2024-13-45T00:00:00.000Z", "2024-02-30", "0", "NaN", "+275760-09-13T00:00:00.000Z", "2024-01-01T00:00:00.000Z\u{0}"])
      .prop_map(str::to_string),
    1 => arb_tricky_text(),
  ]
}

/// A short string, an id from a small pool (so duplicates happen), or a huge one.
fn arb_text_value(id_like: bool) -> BoxedStrategy<String> {
  let pool = prop_oneof![
    select(vec!["00u1", "00u2", "00g1", "e1", "e2", "", "\u{1f600}", "a\"b\\c"]).prop_map(str::to_string),
    arb_tricky_text(),
  ];
  if id_like {
    pool.boxed()
  } else {
    prop_oneof![
      40 => arb_tricky_text(),
      1 => (60_000usize..300_000, "[a\u{e9}\"\\\\\u{1f600}]").prop_map(|(n, c)| c.repeat(n / 4)),
    ]
    .boxed()
  }
}

/// A raw value for `field`: right type, null, missing (`None`), or wrong type.
fn arb_field(name: &'static str, field: Field, depth: u32) -> BoxedStrategy<Option<Value>> {
  let wrong = prop_oneof![
    Just(Value::Null),
    any::<i64>().prop_map(Value::from),
    any::<bool>().prop_map(Value::Bool),
    Just(json!([])),
    Just(json!({})),
    arb_json(),
  ];
  let right: BoxedStrategy<Value> = match field {
    Field::Text => arb_text_value(matches!(name, "id" | "uuid"))
      .prop_map(Value::String)
      .boxed(),
    Field::Time => arb_time_text().prop_map(Value::String).boxed(),
    Field::Obj(children) if depth < 4 => arb_object(children, depth + 1).boxed(),
    Field::Obj(_) => Just(json!({})).boxed(),
  };
  prop_oneof![
    6 => right.prop_map(Some),
    1 => Just(None),
    1 => wrong.prop_map(Some),
  ]
  .boxed()
}

/// An object with `fields` (each maybe missing or wrongly typed) plus junk keys.
fn arb_object(fields: &'static [(&'static str, Field)], depth: u32) -> BoxedStrategy<Value> {
  let parts: Vec<BoxedStrategy<Option<Value>>> = fields.iter().map(|(n, f)| arb_field(n, *f, depth)).collect();
  (parts, prop::collection::vec((arb_key(), arb_json()), 0..3))
    .prop_map(move |(values, junk)| {
      let mut m = Map::new();
      for (k, v) in junk {
        if !fields.iter().any(|(n, _)| *n == k) {
          m.insert(k, v);
        }
      }
      for ((name, _), v) in fields.iter().zip(values) {
        if let Some(v) = v {
          m.insert(name.to_string(), v);
        }
      }
      Value::Object(m)
    })
    .boxed()
}

/// One raw item plus how to serialize it.
#[derive(Debug, Clone)]
struct RawItem {
  value: Value,
  /// Serialize a second copy of this top-level key (JSON with a duplicate key).
  duplicate_key: Option<&'static str>,
}

/// Replaces the value at a random path of known fields (or a junk key) with a
/// value nested up to ~60 levels.
fn nest_deep(mut v: Value, path: &[&str], depth: usize, leaf: Value) -> Value {
  let mut slot = &mut v;
  for key in path {
    let Some(obj) = slot.as_object_mut() else { return v };
    slot = obj.entry(key.to_string()).or_insert_with(|| json!({}));
  }
  *slot = deep(depth, leaf);
  v
}

fn arb_item(resource: Resource) -> impl Strategy<Value = RawItem> {
  let deep_paths: Vec<Vec<&'static str>> = match resource {
    Resource::Users => vec![
      vec!["profile"],
      vec!["profile", "email"],
      vec!["id"],
      vec!["lastUpdated"],
      vec!["zz"],
    ],
    Resource::Groups => vec![vec!["profile"], vec!["profile", "name"], vec!["type"], vec!["zz"]],
    Resource::Apps => vec![vec!["label"], vec!["id"], vec!["settings", "app"], vec!["zz"]],
    Resource::AuthEvents => vec![
      vec!["client"],
      vec!["client", "geographicalContext", "country"],
      vec!["actor", "id"],
      vec!["published"],
      vec!["zz"],
    ],
    other => unreachable!("arb_resource leaves out {other:?}"),
  };
  let dup_keys: Vec<&'static str> = match resource {
    Resource::Users => vec!["id", "status", "profile"],
    Resource::Groups => vec!["id", "type"],
    Resource::Apps => vec!["id", "label"],
    Resource::AuthEvents => vec!["uuid", "published", "client"],
    other => unreachable!("arb_resource leaves out {other:?}"),
  };
  let object = (
    arb_object(fields_of(resource), 0),
    prop::option::weighted(0.15, (select(deep_paths), 1usize..60, arb_json())),
    prop::option::weighted(0.05, select(dup_keys)),
  )
    .prop_map(|(v, deep_at, dup)| {
      let v = match deep_at {
        Some((path, depth, leaf)) => nest_deep(v, &path, depth, leaf),
        None => v,
      };
      RawItem {
        value: v,
        duplicate_key: dup,
      }
    });
  prop_oneof![
    12 => object,
    1 => arb_json().prop_map(|value| RawItem { value, duplicate_key: None }),
  ]
}

/// Serializes items as a JSON array, writing duplicate keys where asked.
fn body_of(items: &[RawItem]) -> Vec<u8> {
  let mut out = String::from("[");
  for (i, item) in items.iter().enumerate() {
    if i > 0 {
      out.push(',');
    }
    match (&item.value, item.duplicate_key) {
      (Value::Object(m), Some(key)) => {
        out.push('{');
        out.push_str(&format!(
          "{}:\"first\",{}:{}",
          json!(key),
          json!(key),
          m.get(key).unwrap_or(&Value::Null)
        ));
        for (k, v) in m.iter().filter(|(k, _)| k.as_str() != key) {
          out.push_str(&format!(",{}:{}", json!(k), v));
        }
        out.push('}');
      }
      (v, _) => out.push_str(&v.to_string()),
    }
  }
  out.push(']');
  out.into_bytes()
}

// The spec's section 4 over `serde_json::Value` (a wrongly typed field is null).

fn s(v: &Value, path: &[&str]) -> Value {
  let mut cur = v;
  for key in path {
    match cur.get(key) {
      Some(next) => cur = next,
      None => return Value::Null,
    }
  }
  match cur {
    Value::String(s) if !path.is_empty() => Value::String(s.clone()),
    _ => Value::Null,
  }
}

fn time(v: &Value, key: &str) -> Option<i64> {
  v.get(key).and_then(Value::as_str).and_then(parse_ms)
}

fn ms_value(v: &Value, key: &str) -> Value {
  time(v, key).map_or(Value::Null, Value::from)
}

fn updated_at<const N: usize>(v: &Value, keys: [&str; N]) -> i64 {
  keys
    .iter()
    .find_map(|k| v.get(*k).and_then(Value::as_str))
    .and_then(parse_ms)
    .unwrap_or(0)
}

struct Expected {
  records: Vec<Value>,
  /// Items skipped as anomalies (warned about); `since` skips are not anomalies.
  anomalies: usize,
}

fn expected_records(resource: Resource, items: &[RawItem], opts: MapOptions) -> Expected {
  let mut records = Vec::new();
  let mut anomalies = 0;
  let mut seen = HashSet::new();
  for item in items {
    let v = &item.value;
    if !v.is_object() || item.duplicate_key.is_some() {
      anomalies += 1;
      continue;
    }
    match resource {
      Resource::Users | Resource::Groups | Resource::Apps => {
        let id = match v.get("id").and_then(Value::as_str) {
          Some(id) if !id.is_empty() => id.to_string(),
          _ => {
            anomalies += 1;
            continue;
          }
        };
        if !seen.insert(id.clone()) {
          anomalies += 1;
          continue;
        }
        records.push(if resource == Resource::Apps {
          json!({
            "type": "okta_app",
            "id": id,
            "attributes": {
              "label": s(v, &["label"]),
              "name": s(v, &["name"]),
              "status": s(v, &["status"]),
              "signOnMode": s(v, &["signOnMode"]),
              "createdAt": ms_value(v, "created"),
              "lastUpdatedAt": ms_value(v, "lastUpdated"),
            },
            "updated_at": updated_at(v, ["lastUpdated", "created"]),
          })
        } else if resource == Resource::Users {
          json!({
            "type": "okta_user",
            "id": id,
            "attributes": {
              "status": s(v, &["status"]),
              "email": s(v, &["profile", "email"]),
              "login": s(v, &["profile", "login"]),
              "firstName": s(v, &["profile", "firstName"]),
              "lastName": s(v, &["profile", "lastName"]),
              "lastLogin": ms_value(v, "lastLogin"),
              "createdAt": ms_value(v, "created"),
              "activatedAt": ms_value(v, "activated"),
            },
            "updated_at": updated_at(v, ["lastUpdated", "statusChanged", "created"]),
          })
        } else {
          json!({
            "type": "okta_group",
            "id": id,
            "attributes": {
              "name": s(v, &["profile", "name"]),
              "description": s(v, &["profile", "description"]),
              "type": s(v, &["type"]),
              "createdAt": ms_value(v, "created"),
              "lastMembershipUpdatedAt": ms_value(v, "lastMembershipUpdated"),
              // The generator leaves out _embedded.stats (the mapping's unit tests cover it).
              "usersCount": null,
              "appsCount": null,
            },
            "updated_at": updated_at(v, ["lastUpdated", "lastMembershipUpdated", "created"]),
          })
        });
      }
      Resource::AuthEvents => {
        let Some(published) = time(v, "published") else {
          anomalies += 1;
          continue;
        };
        if opts.events_after_ms.is_some_and(|since| published <= since) {
          continue;
        }
        if let Some(uuid) = v.get("uuid").and_then(Value::as_str) {
          if !seen.insert(uuid.to_string()) {
            anomalies += 1;
            continue;
          }
        }
        records.push(json!({
          "name": "okta_auth_event",
          "start_ts": published,
          "end_ts": null,
          "attributes": {
            "eventType": s(v, &["eventType"]),
            "result": s(v, &["outcome", "result"]),
            "reason": s(v, &["outcome", "reason"]),
            "actorId": s(v, &["actor", "id"]),
            "actorType": s(v, &["actor", "type"]),
            "actorDisplayName": s(v, &["actor", "displayName"]),
            "authenticationProvider": s(v, &["authenticationContext", "authenticationProvider"]),
            "credentialProvider": s(v, &["authenticationContext", "credentialProvider"]),
            "credentialType": s(v, &["authenticationContext", "credentialType"]),
            "ipAddress": s(v, &["client", "ipAddress"]),
            "country": s(v, &["client", "geographicalContext", "country"]),
            "browser": s(v, &["client", "userAgent", "browser"]),
            "severity": s(v, &["severity"]),
            "displayMessage": s(v, &["displayMessage"]),
            "uuid": s(v, &["uuid"]),
          },
        }));
      }
      other => unreachable!("arb_resource leaves out {other:?}"),
    }
  }
  Expected { records, anomalies }
}

const USER_ATTRS: &[&str] = &[
  "status",
  "email",
  "login",
  "firstName",
  "lastName",
  "lastLogin",
  "createdAt",
  "activatedAt",
];
const GROUP_ATTRS: &[&str] = &[
  "name",
  "description",
  "type",
  "createdAt",
  "lastMembershipUpdatedAt",
  "usersCount",
  "appsCount",
];
const APP_ATTRS: &[&str] = &["label", "name", "status", "signOnMode", "createdAt", "lastUpdatedAt"];
const EVENT_ATTRS: &[&str] = &[
  "eventType",
  "result",
  "reason",
  "actorId",
  "actorType",
  "actorDisplayName",
  "authenticationProvider",
  "credentialProvider",
  "credentialType",
  "ipAddress",
  "country",
  "browser",
  "severity",
  "displayMessage",
  "uuid",
];

fn keys(v: &Value) -> Vec<&str> {
  v.as_object()
    .map(|m| m.keys().map(String::as_str).collect())
    .unwrap_or_default()
}

/// Shape checks that hold for any record, independent of the oracle.
fn check_shape(resource: Resource, record: &Value) -> Result<(), TestCaseError> {
  let (top, attrs): (&[&str], &[&str]) = match resource {
    Resource::Users => (&["type", "id", "attributes", "updated_at"], USER_ATTRS),
    Resource::Groups => (&["type", "id", "attributes", "updated_at"], GROUP_ATTRS),
    Resource::Apps => (&["type", "id", "attributes", "updated_at"], APP_ATTRS),
    Resource::AuthEvents => (&["name", "start_ts", "end_ts", "attributes"], EVENT_ATTRS),
    other => unreachable!("arb_resource leaves out {other:?}"),
  };
  prop_assert_eq!(keys(record), top.to_vec());
  prop_assert_eq!(keys(&record["attributes"]), attrs.to_vec());
  for (k, v) in record["attributes"].as_object().unwrap() {
    let is_ms = k.ends_with("At") || k == "lastLogin";
    let is_count = k.ends_with("Count");
    prop_assert!(
      v.is_null()
        || if is_ms {
          v.is_i64()
        } else if is_count {
          v.is_u64()
        } else {
          v.is_string()
        },
      "{} = {}",
      k,
      v
    );
  }
  match resource {
    Resource::Users | Resource::Groups | Resource::Apps => {
      prop_assert!(record["id"].as_str().is_some_and(|id| !id.is_empty()));
      prop_assert!(record["updated_at"].is_i64());
    }
    Resource::AuthEvents => {
      prop_assert!(record["start_ts"].is_i64());
      prop_assert!(record["end_ts"].is_null());
    }
    other => unreachable!("arb_resource leaves out {other:?}"),
  }
  Ok(())
}

fn arb_page() -> impl Strategy<Value = (Resource, Vec<RawItem>, MapOptions)> {
  arb_resource().prop_flat_map(|resource| {
    (
      Just(resource),
      prop::collection::vec(arb_item(resource), 0..12),
      prop::option::weighted(0.3, arb_ms()).prop_map(|events_after_ms| MapOptions {
        events_after_ms,
        published_window: None,
      }),
    )
  })
}

proptest! {
  #![proptest_config(config())]

  #[test]
  fn map_page_follows_the_spec_on_hostile_items((resource, items, opts) in arb_page()) {
    let body = body_of(&items);
    let page = resource.map_page(&body, opts);
    prop_assert!(page.is_ok(), "{:?}", page.err());
    let page = page.unwrap();
    prop_assert!(page.records_json.is_ascii());
    let records: Vec<Value> = serde_json::from_slice(&page.records_json).expect("records_json is a JSON array");
    prop_assert_eq!(records.len(), page.count);
    prop_assert_eq!(page.raw_items, items.len());
    for r in &records {
      check_shape(resource, r)?;
    }
    // Events: start_ts is parse_ms(published) of an item with that uuid.
    let expected = expected_records(resource, &items, opts);
    prop_assert_eq!(&records, &expected.records);
    if expected.anomalies > 0 {
      prop_assert!(!page.warnings.is_empty());
    } else {
      prop_assert!(page.warnings.is_empty(), "{:?}", page.warnings);
    }
    prop_assert!(page.warnings.len() <= MAX_WARNINGS + 1);
    if resource != Resource::AuthEvents {
      let ids: HashSet<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
      prop_assert_eq!(ids.len(), records.len(), "one entity per unique id");
    }
  }

  #[test]
  fn map_page_never_panics_on_arbitrary_json_arrays(
    resource in arb_resource(),
    items in prop::collection::vec(arb_json(), 0..8),
    since in prop::option::of(arb_ms()),
  ) {
    let body = serde_json::to_vec(&items).unwrap();
    let page = resource.map_page(&body, MapOptions { events_after_ms: since, published_window: None }).expect("a JSON array is a page");
    prop_assert!(page.records_json.is_ascii());
    let records: Vec<Value> = serde_json::from_slice(&page.records_json).unwrap();
    prop_assert_eq!(records.len(), page.count);
    for r in &records {
      check_shape(resource, r)?;
    }
  }

  #[test]
  fn map_page_rejects_bodies_that_are_not_json_arrays(
    resource in arb_resource(),
    body in prop_oneof![
      prop::collection::vec(any::<u8>(), 0..200),
      ".{0,60}".prop_map(String::into_bytes),
      arb_json().prop_map(|v| v.to_string().into_bytes()),
      "[\\[\\]{}\",:0-9a-z \\\\]{0,40}".prop_map(String::into_bytes),
      prop::collection::vec(arb_json(), 0..3).prop_map(|v| {
        // A truncated array.
        let s = serde_json::to_string(&v).unwrap();
        s.as_bytes()[..s.len() - 1].to_vec()
      }),
    ],
  ) {
    let is_array = matches!(serde_json::from_slice::<Value>(&body), Ok(Value::Array(_)));
    let result = resource.map_page(&body, MapOptions::default());
    if !is_array {
      prop_assert!(result.is_err(), "body {:?} mapped", String::from_utf8_lossy(&body));
    } else if let Ok(page) = result {
      prop_assert!(page.records_json.is_ascii());
    }
  }

  #[test]
  fn deep_nesting_up_to_the_documented_limit_never_panics(
    resource in arb_resource(),
    depth in 0usize..200,
    key in select(vec!["id", "profile", "client", "published", "zz"]),
  ) {
    let item = json!({ "id": "00u1", "uuid": "e1", "published": "2024-01-01T00:00:00.000Z" });
    let item = nest_deep(item, &[key], depth, json!("x"));
    let body = format!("[{}]", item);
    match resource.map_page(body.as_bytes(), MapOptions::default()) {
      Ok(page) => {
        prop_assert!(page.records_json.is_ascii());
        prop_assert!(page.count <= 1);
      }
      // serde_json's recursion limit (128): README, Limitations.
      Err(e) => prop_assert!(depth > 120, "depth {} failed: {}", depth, e.0),
    }
  }
}

// ---------------------------------------------------------------------------
// Cursor
// ---------------------------------------------------------------------------

fn arb_page_url(origin: &'static str) -> impl Strategy<Value = String> {
  prop_oneof![
    3 => (arb_resource(), prop::collection::vec(("[a-z]{1,5}", "[a-zA-Z0-9%,;=._~-]{0,10}"), 0..3)).prop_map(move |(r, q)| {
      let q: Vec<String> = q.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
      format!("{origin}{}?{}", r.path(), q.join("&"))
    }),
    1 => select(HOSTILE_URLS.to_vec()).prop_map(str::to_string),
    1 => arb_tricky_text(),
  ]
}

/// Cursor-shaped JSON: both shapes, with random and hostile field values.
fn arb_cursor_json(origin: &'static str) -> impl Strategy<Value = Value> {
  let phase = prop_oneof![
    4 => select(vec!["users", "groups", "auth_events"]).prop_map(|s| Value::String(s.into())),
    1 => select(vec!["okta_user", "apps", "", "USERS"]).prop_map(|s| Value::String(s.into())),
    1 => arb_json(),
  ];
  let page = prop_oneof![
    2 => Just(Value::Null),
    3 => arb_page_url(origin).prop_map(Value::String),
    1 => arb_json(),
  ];
  let number = prop_oneof![
    any::<u64>().prop_map(Value::from),
    any::<i64>().prop_map(Value::from),
    any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f).map(Value::Number)),
    select(vec![
      json!(0),
      json!(3.0),
      json!(-1),
      json!(1.5),
      json!(9.0e15),
      json!(1e300)
    ]),
    arb_json(),
  ];
  let state = prop_oneof![
    (
      prop::option::of(page.clone()),
      prop::option::of(number.clone()),
      prop::option::of(prop_oneof![Just(json!(true)), Just(json!(false)), arb_json()])
    )
      .prop_map(|(p, s, d)| {
        let mut m = Map::new();
        if let Some(p) = p {
          m.insert("page".into(), p);
        }
        if let Some(s) = s {
          m.insert("skip".into(), s);
        }
        if let Some(d) = d {
          m.insert("done".into(), d);
        }
        Value::Object(m)
      }),
    arb_json(),
  ];
  let phases = prop::collection::vec(
    (
      prop_oneof![4 => select(vec!["users", "groups", "auth_events"]).prop_map(str::to_string), 1 => arb_tricky_text()],
      state,
    ),
    0..4,
  )
  .prop_map(|kv| Value::Object(kv.into_iter().collect()));
  prop_oneof![
    5 => (prop::option::of(phase), prop::option::of(page), prop::option::of(number), prop::option::of(prop_oneof![Just(json!(2)), arb_json()]), prop::option::weighted(0.5, prop_oneof![4 => phases, 1 => arb_json()]))
      .prop_map(|(ph, pg, sp, v, phs)| {
        let mut m = Map::new();
        if let Some(x) = ph { m.insert("phase".into(), x); }
        if let Some(x) = pg { m.insert("page".into(), x); }
        if let Some(x) = sp { m.insert("spec".into(), x); }
        if let Some(x) = v { m.insert("v".into(), x); }
        if let Some(x) = phs { m.insert("phases".into(), x); }
        Value::Object(m)
      }),
    1 => arb_json(),
  ]
}

fn arb_position(origin: &'static str) -> impl Strategy<Value = (Resource, Position)> {
  arb_resource().prop_flat_map(move |r| {
    let page =
      prop::collection::vec(("[a-zA-Z]{1,6}", "[a-zA-Z0-9%,;=._~ \"<>\u{e9}-]{0,12}"), 0..3).prop_map(move |q| {
        let mut u = Url::parse(origin).unwrap();
        u.set_path(r.path());
        if !q.is_empty() {
          let mut pairs = u.query_pairs_mut();
          for (k, v) in q {
            pairs.append_pair(&k, &v);
          }
        }
        u
      });
    (
      Just(r),
      prop_oneof![
        Just(Position::Start),
        Just(Position::Done),
        (page, prop_oneof![0u64..2000, any::<u64>()]).prop_map(|(page, skip)| Position::At { page, skip }),
      ],
    )
  })
}

proptest! {
  #![proptest_config(config())]

  #[test]
  fn cursor_decode_never_panics_and_only_keeps_on_origin_pages(
    o in 0..3usize,
    raw in prop_oneof![arb_json(), arb_cursor_json("https://acme.okta.com"), arb_cursor_json("http://127.0.0.1:8123")],
  ) {
    let origin = Url::parse(origin_cases()[o].origin).unwrap();
    if let Ok(Some(cursor)) = decode(Some(&raw), &origin) {
      for (resource, position) in &cursor.positions {
        if let Position::At { page, .. } = position {
          assert_on_origin(page, &origin, resource.path())?;
        }
      }
    }
  }

  #[test]
  fn cursor_round_trips(
    o in 0..3usize,
    positions in prop::collection::vec(arb_position("https://acme.okta.com"), 0..4),
    local in prop::collection::vec(arb_position("http://127.0.0.1:8123"), 0..4),
  ) {
    let (origin, positions) = match o {
      0 => ("https://acme.okta.com", positions),
      _ => ("http://127.0.0.1:8123", local),
    };
    let origin = Url::parse(origin).unwrap();
    let positions: BTreeMap<Resource, Position> = positions.into_iter().collect();
    match encode(&positions, None) {
      None => prop_assert!(positions.values().all(|p| *p == Position::Done)),
      Some(encoded) => {
        // Through text, as the host stores it.
        let text = serde_json::to_string(&encoded).unwrap();
        let reread: Value = serde_json::from_str(&text).unwrap();
        let decoded = decode(Some(&reread), &origin);
        prop_assert_eq!(decoded.as_ref().map(|c| c.as_ref().map(|c| &c.positions)), Ok(Some(&positions)), "{}", text);
        // The TypeScript package's reading: phases before `phase` done, `phase` at `page`.
        let (first, pos) = positions.iter().find(|(_, p)| **p != Position::Done).unwrap();
        prop_assert_eq!(encoded["phase"].as_str(), Some(first.setting_name()));
        match pos {
          Position::At { page, .. } => prop_assert_eq!(encoded["page"].as_str(), Some(page.as_str())),
          _ => prop_assert!(encoded["page"].is_null()),
        }
        let mut ts_shape = encoded.clone();
        ts_shape.as_object_mut().unwrap().remove("phases");
        ts_shape.as_object_mut().unwrap().remove("v");
        let ts = decode(Some(&ts_shape), &origin).unwrap().unwrap();
        match pos {
          Position::At { page, .. } => prop_assert_eq!(ts.position(*first), Position::At { page: page.clone(), skip: 0 }),
          _ => prop_assert_eq!(ts.position(*first), Position::Start),
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Known gap (reported, not fixed here: records.rs / models.rs are not ours)
// ---------------------------------------------------------------------------

proptest! {
  #![proptest_config(ProptestConfig { cases: 64, ..config() })]

  /// JSON allows unpaired surrogate escapes (`"\ud800"`) and `JSON.parse` accepts
  /// them, so the TypeScript package stores such a record. A wrongly formed string
  /// should at worst become null (README, Security: "parsed tolerantly"); today the
  /// whole record is skipped as unreadable.
  #[test]
  fn a_lone_surrogate_in_a_text_field_does_not_drop_the_record(
    resource in arb_resource(),
    escape in select(vec!["\\ud800", "\\udc00", "a\\ud83d", "\\ude00b"]),
    field in 0usize..3,
  ) {
    let (key_field, fields): (&str, &[&str]) = match resource {
      Resource::Users => ("\"id\":\"00u1\"", &["status", "lastLogin", "created"]),
      Resource::Groups => ("\"id\":\"00g1\"", &["type", "created", "lastUpdated"]),
      Resource::Apps => ("\"id\":\"0oa1\"", &["label", "status", "created"]),
      Resource::AuthEvents => ("\"uuid\":\"e1\",\"published\":\"2024-01-01T00:00:00.000Z\"", &["displayMessage", "severity", "eventType"]),
      other => unreachable!("arb_resource leaves out {other:?}"),
    };
    let body = format!("[{{{key_field},\"{}\":\"{escape}\"}}]", fields[field]);
    let page = resource.map_page(body.as_bytes(), MapOptions::default()).unwrap();
    prop_assert_eq!(page.count, 1, "{} -> {:?}", body, page.warnings);
  }
}

proptest! {
  #![proptest_config(ProptestConfig { cases: 32, ..config() })]

  /// A `records skipped` reason names the duplicate id; a hostile id of any length
  /// must not turn into a log line of that length.
  #[test]
  fn skip_reasons_are_bounded(resource in arb_resource(), len in 1_000usize..200_000) {
    let id = "x".repeat(len);
    let item = json!({ "id": id, "uuid": id, "published": "2024-01-01T00:00:00.000Z" });
    let body = serde_json::to_vec(&json!([item, item])).unwrap();
    let page = resource.map_page(&body, MapOptions::default()).unwrap();
    prop_assert_eq!(page.count, 1);
    for w in &page.warnings {
      prop_assert!(w.len() <= 512, "a {}-byte reason", w.len());
    }
  }

  /// The reason an invalid cursor is ignored is logged: it must stay short whatever
  /// the cursor holds.
  #[test]
  fn cursor_errors_are_bounded(len in 1_000usize..200_000, per_phase in any::<bool>()) {
    let name = "p".repeat(len);
    let cursor = if per_phase {
      json!({ "phase": "users", "page": null, "v": 2, "phases": { name: { "page": null } } })
    } else {
      json!({ "phase": name, "page": null })
    };
    let origin = Url::parse("https://acme.okta.com").unwrap();
    let reason = decode(Some(&cursor), &origin).unwrap_err();
    prop_assert!(reason.len() <= 512, "a {}-byte reason", reason.len());
  }
}
