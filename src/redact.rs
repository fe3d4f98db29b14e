//! The one redaction every sink uses: errors, warnings, log fields and the CLI's output
//! (through the binding's `Redactor`).
//!
//! Rule: **redact first, then cut.** [`Secrets::clean`] masks secrets in the whole text
//! and only then cuts it to length, so a cut can never leave part of a secret behind;
//! [`Secrets::scrub`] and [`Secrets::scrub_json`] mask without cutting (errors and log
//! events on their way out). What is masked, each run replaced by [`MASK`]:
//! - every run of text sharing [`MIN_MATCH`] (6) consecutive bytes with a registered
//!   secret: the SSWS token, OAuth access tokens, client assertions and DPoP proofs.
//!   So a whole secret, a partial echo of one, or a piece cut out by someone else's
//!   truncation are all masked;
//! - a secret shorter than [`MIN_MATCH`] bytes, wherever it occurs whole;
//! - a text that ends with the cut marker `…` right after the first 1-5 characters of a
//!   secret (what a cut made before redaction would leave);
//! - anything shaped like a JWS/JWT (`eyJ` and 17 or more base64url characters, dots
//!   included): assertions, proofs and Okta access tokens, even one no longer kept.
//!
//! Secrets are kept as keyed hashes of their 6-byte windows (SipHash with a random key,
//! never the text); short ones are kept zeroized. The SSWS token stays for the life of
//! the client; the newest access tokens, assertions and proofs are kept (see
//! [`SecretKind`]), older ones are dropped.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
use std::sync::RwLock;

use serde_json::Value;
use zeroize::Zeroizing;

/// Bytes in a row shared with a secret that make a run of text a (piece of a) secret.
pub const MIN_MATCH: usize = 6;
/// What a masked run becomes.
pub const MASK: &str = "[redacted]";
/// The marker a cut text ends with.
pub const CUT_MARKER: char = '…';
/// The shortest JWT-shaped run masked by shape alone (`eyJ` + 17).
const MIN_JWT: usize = 20;

/// What a secret is: how many of its kind are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
  /// Kept for the life of the set (the SSWS token, the CLI's secrets).
  Static,
  /// An OAuth access token: the newest 4 are kept (one lives an hour).
  AccessToken,
  /// A client assertion: the newest 4.
  Assertion,
  /// A DPoP proof (one per request): the newest 64, enough for every request in flight.
  Proof,
}

impl SecretKind {
  fn slot(self) -> usize {
    match self {
      SecretKind::Static => 0,
      SecretKind::AccessToken => 1,
      SecretKind::Assertion => 2,
      SecretKind::Proof => 3,
    }
  }

  fn capacity(self) -> usize {
    match self {
      SecretKind::Static => usize::MAX,
      SecretKind::AccessToken | SecretKind::Assertion => 4,
      SecretKind::Proof => 64,
    }
  }
}

/// One kept secret: the hashes it added (to remove them again when it is dropped).
struct Kept {
  grams: Vec<u64>,
  prefixes: Vec<u64>,
  short: Option<Zeroizing<Vec<u8>>>,
}

#[derive(Default)]
struct Inner {
  keys: std::collections::hash_map::RandomState,
  /// Hashes of every 6-byte window of every kept secret, with how many secrets have it.
  grams: HashMap<u64, u32>,
  /// Hashes of the first 1-5 bytes of every kept secret (length folded in).
  prefixes: HashMap<u64, u32>,
  /// Kept secrets shorter than [`MIN_MATCH`], matched whole.
  short: Vec<Zeroizing<Vec<u8>>>,
  kept: [VecDeque<Kept>; 4],
}

impl Inner {
  fn hash(&self, bytes: &[u8]) -> u64 {
    self.keys.hash_one(bytes)
  }

  fn add(&mut self, kind: SecretKind, secret: &[u8]) {
    if secret.is_empty() {
      return;
    }
    let mut kept = Kept {
      grams: Vec::new(),
      prefixes: Vec::new(),
      short: None,
    };
    if secret.len() < MIN_MATCH {
      let short = Zeroizing::new(secret.to_vec());
      self.short.push(short.clone());
      kept.short = Some(short);
    } else {
      for window in secret.windows(MIN_MATCH) {
        let h = self.hash(window);
        *self.grams.entry(h).or_insert(0) += 1;
        kept.grams.push(h);
      }
    }
    for k in 1..MIN_MATCH.min(secret.len() + 1) {
      let h = self.hash(&secret[..k]);
      *self.prefixes.entry(h).or_insert(0) += 1;
      kept.prefixes.push(h);
    }
    let ring = &mut self.kept[kind.slot()];
    ring.push_back(kept);
    if ring.len() > kind.capacity() {
      if let Some(old) = ring.pop_front() {
        self.forget(old);
      }
    }
  }

  fn forget(&mut self, old: Kept) {
    for (map, hashes) in [(&mut self.grams, old.grams), (&mut self.prefixes, old.prefixes)] {
      for h in hashes {
        if let Some(n) = map.get_mut(&h) {
          *n -= 1;
          if *n == 0 {
            map.remove(&h);
          }
        }
      }
    }
    if let Some(short) = old.short {
      if let Some(i) = self.short.iter().position(|s| **s == *short) {
        self.short.swap_remove(i);
      }
    }
  }

  /// The byte ranges of `text` to mask (unsorted, may overlap).
  fn ranges(&self, text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if !self.grams.is_empty() && text.len() >= MIN_MATCH {
      for (i, window) in text.windows(MIN_MATCH).enumerate() {
        if self.grams.contains_key(&self.hash(window)) {
          out.push((i, i + MIN_MATCH));
        }
      }
    }
    for short in &self.short {
      let mut from = 0;
      while let Some(at) = find(&text[from..], short) {
        out.push((from + at, from + at + short.len()));
        from += at + 1;
      }
    }
    // A text cut right after the first characters of a secret.
    let marker = CUT_MARKER.len_utf8();
    if !self.prefixes.is_empty() && text.len() > marker && text.ends_with("…".as_bytes()) {
      let end = text.len() - marker;
      for k in (1..MIN_MATCH).rev() {
        if k <= end && self.prefixes.contains_key(&self.hash(&text[end - k..end])) {
          out.push((end - k, end));
          break;
        }
      }
    }
    jwt_runs(text, &mut out);
    out
  }
}

/// The first index of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
  if needle.is_empty() || hay.len() < needle.len() {
    return None;
  }
  hay.windows(needle.len()).position(|w| w == needle)
}

fn is_b64url(b: u8) -> bool {
  b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// JWT-shaped runs: `eyJ` (base64url of `{"`) then base64url characters and dots.
fn jwt_runs(text: &[u8], out: &mut Vec<(usize, usize)>) {
  let mut i = 0;
  while i + 3 <= text.len() {
    if &text[i..i + 3] == b"eyJ" {
      let mut end = i + 3;
      while end < text.len() && (is_b64url(text[end]) || text[end] == b'.') {
        end += 1;
      }
      if end - i >= MIN_JWT {
        out.push((i, end));
      }
      i = end;
    } else {
      i += 1;
    }
  }
}

/// Applies masked byte ranges to `text`, widened to character boundaries, merged.
fn apply(text: &str, mut ranges: Vec<(usize, usize)>) -> String {
  for r in ranges.iter_mut() {
    while r.0 > 0 && !text.is_char_boundary(r.0) {
      r.0 -= 1;
    }
    while r.1 < text.len() && !text.is_char_boundary(r.1) {
      r.1 += 1;
    }
  }
  ranges.sort_unstable();
  let mut out = String::with_capacity(text.len());
  let mut at = 0;
  let mut iter = ranges.into_iter().peekable();
  while let Some((start, mut end)) = iter.next() {
    while let Some(&(s, e)) = iter.peek() {
      if s > end {
        break;
      }
      end = end.max(e);
      iter.next();
    }
    if start < at {
      // Fully inside what was already masked.
      at = at.max(end);
      continue;
    }
    out.push_str(&text[at..start]);
    out.push_str(MASK);
    at = end;
  }
  out.push_str(&text[at.min(text.len())..]);
  out
}

/// Cuts `s` to at most `max` characters (on a char boundary), ending a cut text with
/// [`CUT_MARKER`]. Only for text already redacted (see [`Secrets::clean`]) or text that
/// carries no secret; a sink's [`Secrets::scrub`] still masks what a cut left.
pub fn cut(s: &str, max: usize) -> String {
  match s.char_indices().nth(max) {
    Some((idx, _)) => format!("{}{CUT_MARKER}", &s[..idx]),
    None => s.to_string(),
  }
}

/// The secrets a client (or the CLI) must never show. Cheap to share (`Arc`); every
/// method takes `&self`.
#[derive(Default)]
pub struct Secrets {
  inner: RwLock<Inner>,
}

impl std::fmt::Debug for Secrets {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.write_str("Secrets([redacted])")
  }
}

impl Secrets {
  /// An empty set.
  pub fn new() -> Secrets {
    Secrets::default()
  }

  /// A set holding `secrets` for good (empty strings are ignored).
  pub fn of<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Secrets {
    let set = Secrets::new();
    for s in secrets {
      set.add(SecretKind::Static, s);
    }
    set
  }

  fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
    // A poisoned lock only means a panic mid-update elsewhere; the sets stay usable.
    self.inner.read().unwrap_or_else(|p| p.into_inner())
  }

  /// Registers a secret of `kind` (the oldest of its kind beyond the kept number is
  /// dropped).
  pub fn add(&self, kind: SecretKind, secret: &str) {
    let mut inner = self.inner.write().unwrap_or_else(|p| p.into_inner());
    inner.add(kind, secret.as_bytes());
  }

  /// `text` with every secret masked (see the module docs); borrowed when clean.
  pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
    let ranges = self.read().ranges(text.as_bytes());
    if ranges.is_empty() {
      Cow::Borrowed(text)
    } else {
      Cow::Owned(apply(text, ranges))
    }
  }

  /// Redacts `text`, then cuts it to at most `max` characters: the one way to bound
  /// text that may hold a secret.
  pub fn clean(&self, text: &str, max: usize) -> String {
    cut(&self.scrub(text), max)
  }

  /// Masks secrets in every string of `value`, object keys included.
  pub fn scrub_json(&self, value: &mut Value) {
    match value {
      Value::String(s) => {
        if let Cow::Owned(clean) = self.scrub(s) {
          *s = clean;
        }
      }
      Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_json(v)),
      Value::Object(map) => {
        if map.keys().any(|k| matches!(self.scrub(k), Cow::Owned(_))) {
          let entries = std::mem::take(map);
          for (k, mut v) in entries {
            self.scrub_json(&mut v);
            map.insert(self.scrub(&k).into_owned(), v);
          }
        } else {
          map.values_mut().for_each(|v| self.scrub_json(v));
        }
      }
      _ => {}
    }
  }

  /// Masks secrets in `s` in place.
  pub fn scrub_in_place(&self, s: &mut String) {
    if let Cow::Owned(clean) = self.scrub(s) {
      *s = clean;
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use proptest::prelude::*;
  use serde_json::json;

  const TOKEN: &str = "00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-_abc";

  #[test]
  fn masks_whole_partial_and_cut_secrets() {
    let s = Secrets::of([TOKEN]);
    assert_eq!(s.scrub(&format!("token {TOKEN} echoed")), "token [redacted] echoed");
    // A piece of the token (someone else cut it) is still masked.
    assert_eq!(s.scrub(&format!("x{}y", &TOKEN[10..20])), "x[redacted]y");
    // A text cut right after the token's first characters.
    assert_eq!(s.scrub(&format!("summary: {}…", &TOKEN[..3])), "summary: [redacted]…");
    // Clean text is borrowed, untouched.
    assert!(matches!(s.scrub("nothing here"), Cow::Borrowed(_)));
  }

  #[test]
  fn redacts_before_cutting() {
    let s = Secrets::of([TOKEN]);
    let text = format!("{}{TOKEN}", "p".repeat(30));
    let out = s.clean(&text, 40);
    assert_eq!(out, format!("{}[redacted]", "p".repeat(30)));
    assert!(!out.contains(&TOKEN[..6]));
    // The old order (cut, then replace the whole token) leaked its first 10 characters.
    let old = cut(&text, 40).replace(TOKEN, MASK);
    assert!(old.contains(&TOKEN[..6]));
  }

  #[test]
  fn short_secrets_and_jwt_shapes() {
    let s = Secrets::of(["t0k"]);
    assert_eq!(s.scrub("a t0k b t0k"), "a [redacted] b [redacted]");
    let jwt = "eyJhbGciOiJFUzI1NiJ9.eyJodG0iOiJHRVQifQ.c2lnbmF0dXJl";
    assert_eq!(Secrets::new().scrub(&format!("proof={jwt};")), "proof=[redacted];");
    assert_eq!(Secrets::new().scrub(&format!("cut {}…", &jwt[..24])), "cut [redacted]…");
    assert!(matches!(Secrets::new().scrub("eyJ short"), Cow::Borrowed(_)));
  }

  #[test]
  fn keeps_only_the_newest_of_a_kind() {
    let s = Secrets::new();
    use sha2::Digest;
    // Distinct random-looking proofs (no 6 characters in common).
    let proofs: Vec<String> = (0..70u32)
      .map(|i| format!("{:x}", sha2::Sha256::digest(i.to_le_bytes())))
      .collect();
    for p in &proofs {
      s.add(SecretKind::Proof, p);
    }
    assert_eq!(s.scrub(&proofs[69]), MASK);
    assert_eq!(s.scrub(&proofs[6]), MASK);
    // The oldest six are gone.
    assert_eq!(s.scrub(&proofs[0]), proofs[0]);
    s.add(SecretKind::Static, TOKEN);
    for p in &proofs {
      s.add(SecretKind::Proof, p);
    }
    assert_eq!(s.scrub(TOKEN), MASK, "static secrets are never dropped");
  }

  #[test]
  fn multibyte_text_is_masked_on_char_boundaries() {
    let secret = "é😀secretvalue";
    let s = Secrets::of([secret]);
    assert_eq!(s.scrub(&format!("«{secret}»")), "«[redacted]»");
    assert_eq!(s.scrub(&format!("ü{}", &secret[2..])), "ü[redacted]");
  }

  #[test]
  fn json_values_and_keys() {
    let s = Secrets::of([TOKEN]);
    let mut v = json!({ "cursor": format!("https://x/?after={TOKEN}"), "list": [format!("a{TOKEN}b"), 1], TOKEN: { "deep": TOKEN } });
    s.scrub_json(&mut v);
    assert!(!v.to_string().contains(&TOKEN[..6]), "{v}");
  }

  fn cases() -> u32 {
    std::env::var("OKTA_PROPERTY_CASES")
      .ok()
      .and_then(|v| v.parse().ok())
      .unwrap_or(256)
  }

  /// No `MIN_MATCH`-character piece of any secret in `out`.
  fn assert_no_piece(out: &str, secrets: &[String]) -> Result<(), TestCaseError> {
    for secret in secrets {
      for piece in secret.as_bytes().windows(MIN_MATCH) {
        let piece = std::str::from_utf8(piece).unwrap_or("");
        prop_assert!(!out.contains(piece), "{piece:?} of a secret in {out:?}");
      }
    }
    Ok(())
  }

  // Token-like secrets (the alphabet of SSWS tokens, JWTs and PEM bodies) that do not
  // themselves contain a piece of the mask.
  fn arb_secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_.+/=-]{6,120}".prop_filter("overlaps the mask", |s| {
      !s.as_bytes()
        .windows(MIN_MATCH)
        .any(|w| MASK.as_bytes().windows(MIN_MATCH).any(|m| m == w))
    })
  }

  proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// Random secrets, random padding around any number of (whole or partial) echoes,
    /// random cut points: no 6-character piece of a secret survives `clean`.
    #[test]
    fn clean_never_leaves_a_piece_of_a_secret(
      secrets in proptest::collection::vec(arb_secret(), 1..4),
      parts in proptest::collection::vec((".{0,40}", 0usize..4, 0usize..200, 0usize..200), 1..6),
      max in 0usize..400,
    ) {
      let set = Secrets::of(secrets.iter().map(String::as_str));
      let mut text = String::new();
      for (padding, which, from, len) in &parts {
        text.push_str(padding);
        let secret = &secrets[which % secrets.len()];
        // A whole secret, or any piece of one at least MIN_MATCH long.
        let from = from % secret.len();
        let to = (from + MIN_MATCH + len).min(secret.len());
        if to - from >= MIN_MATCH { text.push_str(&secret[from..to]) } else { text.push_str(secret) }
      }
      assert_no_piece(&set.clean(&text, max), &secrets)?;
      assert_no_piece(&set.scrub(&text), &secrets)?;
      let mut v = json!({ "field": text.clone(), "list": [text.clone()] });
      set.scrub_json(&mut v);
      assert_no_piece(&v.to_string(), &secrets)?;
    }

    /// The same through the sinks as the connector uses them: an Okta error body (cut
    /// at 500) and an error's message and page, redacted and serialized for JS; a logged
    /// cursor (cut to 80 first, then scrubbed by the log sink); any truncated text.
    #[test]
    fn no_sink_leaves_a_piece_of_a_secret(
      secrets in proptest::collection::vec(arb_secret(), 1..3),
      padding in proptest::collection::vec(".{0,600}", 1..4),
      max in 0usize..700,
    ) {
      let set = Secrets::of(secrets.iter().map(String::as_str));
      let mut text = String::new();
      for (i, pad) in padding.iter().enumerate() {
        text.push_str(pad);
        text.push_str(&secrets[i % secrets.len()]);
      }
      let body = json!({ "errorCode": text, "errorSummary": text, "errorId": text, "errorCauses": [{ "errorSummary": text }] });
      let parsed = crate::error::OktaErrorBody::parse(body.to_string().as_bytes(), &set);
      let mut err = crate::error::OktaError::new(crate::error::ErrorCode::BadRequest, format!("Okta said: {}", crate::error::truncate(&text, max)))
        .at("okta_user", &text);
      err.okta = parsed;
      err.request_id = Some(crate::error::truncate(&text, max));
      assert_no_piece(&err.redact(&set).to_json().to_string(), &secrets)?;
      let mut logged = json!({ "cursor": crate::log::cut80(&text), "reason": crate::error::truncate(&text, max) });
      set.scrub_json(&mut logged);
      assert_no_piece(&logged.to_string(), &secrets)?;
    }

    /// A cut made before redaction (as a sink receives it) loses at most what the cut
    /// removed: the first characters left before the marker are masked too.
    #[test]
    fn a_text_cut_inside_a_secret_keeps_no_prefix(secret in arb_secret(), padding in "[ a-z]{0,40}", keep in 1usize..6) {
      let set = Secrets::of([secret.as_str()]);
      let keep = keep.min(secret.len());
      let text = format!("{padding}{}…", &secret[..keep]);
      let out = set.scrub(&text);
      prop_assert!(out.ends_with("[redacted]…"), "{out:?}");
    }
  }
}
