//! Link-header paging and page-URL sanitizing (pure; tested on literal headers).
//!
//! Okta links pages with `Link: <url>; rel="next"`, sometimes one header line per
//! rel, sometimes comma-joined. A next URL is followed only when it stays on the
//! configured origin (scheme, host and port) and the phase's endpoint path: a
//! hostile or misconfigured server must never steer the token elsewhere.

use url::Url;

/// One parsed `Link` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkEntry {
  /// The URI between the angle brackets, verbatim.
  pub uri: String,
  /// The `rel` values (space-separated rels are split), lower-cased.
  pub rels: Vec<String>,
}

/// Parses every `Link` header value (RFC 8288): angle-bracketed URIs, `;`-separated
/// params, quoted strings that may contain `,` or `;`. Malformed entries are skipped,
/// never fatal.
pub fn parse_link_values<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<LinkEntry> {
  let mut out = Vec::new();
  for value in values {
    let mut rest = value;
    while let Some(start) = rest.find('<') {
      let after = &rest[start + 1..];
      let Some(end) = after.find('>') else { break };
      let uri = after[..end].trim().to_string();
      let (params, next_rest) = split_params(&after[end + 1..]);
      let rels = params
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("rel"))
        .flat_map(|(_, v)| v.split_ascii_whitespace().map(str::to_ascii_lowercase))
        .collect();
      out.push(LinkEntry { uri, rels });
      rest = next_rest;
    }
  }
  out
}

/// Reads `;key=value` params up to the comma that ends the entry; returns the params
/// and the text after that comma.
fn split_params(mut s: &str) -> (Vec<(String, String)>, &str) {
  let mut params = Vec::new();
  loop {
    s = s.trim_start();
    match s.chars().next() {
      Some(';') => s = &s[1..],
      Some(',') => return (params, &s[1..]),
      None => return (params, s),
      // Junk between params: skip to the next separator.
      Some(_) => match s.find([';', ',']) {
        Some(i) => {
          s = &s[i..];
          continue;
        }
        None => return (params, ""),
      },
    }
    s = s.trim_start();
    let key_end = s.find(['=', ';', ',']).unwrap_or(s.len());
    let key = s[..key_end].trim().to_string();
    s = &s[key_end..];
    let mut value = String::new();
    if let Some(stripped) = s.strip_prefix('=') {
      s = stripped.trim_start();
      if let Some(quoted) = s.strip_prefix('"') {
        let mut chars = quoted.char_indices();
        let mut consumed = quoted.len();
        while let Some((i, c)) = chars.next() {
          match c {
            '\\' => {
              if let Some((_, escaped)) = chars.next() {
                value.push(escaped);
              }
            }
            '"' => {
              consumed = i + 1;
              break;
            }
            _ => value.push(c),
          }
        }
        s = &quoted[consumed.min(quoted.len())..];
      } else {
        let end = s.find([';', ',']).unwrap_or(s.len());
        value = s[..end].trim().to_string();
        s = &s[end..];
      }
    }
    if !key.is_empty() {
      params.push((key, value));
    }
  }
}

/// The URI of the first `rel="next"` link, if any.
pub fn next_link<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<String> {
  parse_link_values(values)
    .into_iter()
    .find(|l| l.rels.iter().any(|r| r == "next"))
    .map(|l| l.uri)
}

/// Accepts a page URL only if it is absolute, on exactly `origin` (scheme, host,
/// port), on `path`, and carries no credentials or fragment. Otherwise `None`: the
/// caller drops it and ends the phase rather than send the token elsewhere.
pub fn sanitize_page_url(raw: &str, origin: &Url, path: &str) -> Option<Url> {
  if raw.len() > 8192 {
    return None;
  }
  let url = Url::parse(raw).ok()?;
  let same_origin = url.scheme() == origin.scheme()
    && url.host_str().map(str::to_ascii_lowercase) == origin.host_str().map(str::to_ascii_lowercase)
    && url.port_or_known_default() == origin.port_or_known_default();
  let clean = url.username().is_empty() && url.password().is_none() && url.fragment().is_none();
  (same_origin && clean && url.path() == path).then_some(url)
}

#[cfg(test)]
mod tests {
  use super::*;

  fn origin() -> Url {
    Url::parse("https://acme.okta.com").unwrap()
  }

  #[test]
  fn reads_next_from_separate_header_lines() {
    let values = [
      r#"<https://acme.okta.com/api/v1/users?limit=200>; rel="self""#,
      r#"<https://acme.okta.com/api/v1/users?after=00u2&limit=200>; rel="next""#,
    ];
    assert_eq!(
      next_link(values).as_deref(),
      Some("https://acme.okta.com/api/v1/users?after=00u2&limit=200")
    );
  }

  #[test]
  fn reads_next_from_a_comma_joined_header() {
    let v =
      r#"<https://acme.okta.com/api/v1/logs?a=1,2>; rel="self", <https://acme.okta.com/api/v1/logs?after=x>; rel=next"#;
    assert_eq!(
      next_link([v]).as_deref(),
      Some("https://acme.okta.com/api/v1/logs?after=x")
    );
  }

  #[test]
  fn handles_quoted_params_with_separators_and_multi_rels() {
    let v = r#"<https://a.okta.com/x>; title="a, b; c"; rel="prev next""#;
    let links = parse_link_values([v]);
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].rels, ["prev", "next"]);
  }

  #[test]
  fn no_next_and_garbage_are_none() {
    assert_eq!(next_link([r#"<https://acme.okta.com/api/v1/users>; rel="self""#]), None);
    assert_eq!(next_link(["garbage", "<unterminated", ""]), None);
    assert_eq!(next_link(Vec::<&str>::new()), None);
  }

  #[test]
  fn sanitizer_keeps_only_same_origin_same_path() {
    let path = "/api/v1/users";
    assert!(sanitize_page_url("https://acme.okta.com/api/v1/users?after=1", &origin(), path).is_some());
    assert!(sanitize_page_url("https://ACME.okta.com:443/api/v1/users?after=1", &origin(), path).is_some());
    for bad in [
      "http://acme.okta.com/api/v1/users?after=1",
      "https://evil.com/api/v1/users?after=1",
      "https://acme.okta.com.evil.com/api/v1/users",
      "https://acme.okta.com:8443/api/v1/users",
      "https://user:pw@acme.okta.com/api/v1/users",
      "https://acme.okta.com/api/v1/groups?after=1",
      "https://acme.okta.com/api/v1/users/../groups",
      "/api/v1/users?after=1",
      "javascript:alert(1)",
    ] {
      assert!(sanitize_page_url(bad, &origin(), path).is_none(), "{bad}");
    }
  }

  #[test]
  fn sanitizer_anchors_on_a_base_url_origin() {
    let base = Url::parse("http://127.0.0.1:8123").unwrap();
    assert!(sanitize_page_url("http://127.0.0.1:8123/api/v1/logs?after=a", &base, "/api/v1/logs").is_some());
    assert!(sanitize_page_url("http://127.0.0.1:9999/api/v1/logs?after=a", &base, "/api/v1/logs").is_none());
  }
}
