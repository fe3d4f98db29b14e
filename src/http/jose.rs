//! The service app's private key and the two JWTs it signs: the `private_key_jwt`
//! client assertion and DPoP proofs (RFC 9449).
//!
//! No hand-written crypto: `rsa` and `p256` (RustCrypto) parse the key (PEM PKCS#8,
//! PKCS#1 or SEC1, or a private JWK) and give its public JWK; `jsonwebtoken` (RustCrypto
//! backend) builds and signs the JWS (RS256 for RSA, ES256 for EC P-256). Every copy of
//! the private key (`rsa`/`p256` keys, DER documents, `EncodingKey`) is zeroized on drop.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rand::RngCore;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use url::Url;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{ErrorCode, OktaError};

/// OID of `rsaEncryption` in a PKCS#8 `AlgorithmIdentifier`.
const OID_RSA: &str = "1.2.840.113549.1.1.1";
/// OID of `id-ecPublicKey`.
const OID_EC: &str = "1.2.840.10045.2.1";
/// OID of the P-256 curve (`prime256v1`).
const OID_P256: &str = "1.2.840.10045.3.1.7";
/// Smallest RSA modulus accepted (Okta requires 2048 bits).
const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted: Okta's keys go up to 4096 bits; a huge key would
/// make every signature (one per request with DPoP) cost seconds.
const MAX_RSA_BITS: usize = 8192;
/// Lifetime of a client assertion: Okta allows up to an hour; five minutes is plenty.
pub const ASSERTION_LIFETIME_SECS: u64 = 300;

/// The hint appended to every key error.
const KEY_HINT: &str = "Expected an unencrypted PEM private key (\"-----BEGIN PRIVATE KEY-----\", PKCS#8) or a private JWK, RSA (2048 to 8192 bits) or EC P-256.";

/// A private JWK as given (only the fields used). Zeroized on drop.
#[derive(serde::Deserialize, Zeroize, ZeroizeOnDrop)]
struct PrivateJwk {
  kty: Option<String>,
  crv: Option<String>,
  kid: Option<String>,
  n: Option<String>,
  e: Option<String>,
  d: Option<String>,
  p: Option<String>,
  q: Option<String>,
  x: Option<String>,
  y: Option<String>,
}

/// The parsed private key of the service app: signs client assertions and DPoP
/// proofs. `Debug` never shows key material.
pub struct SigningKey {
  alg: Algorithm,
  key: EncodingKey,
  /// The public half as a JWK (the DPoP proof's `jwk` header).
  jwk: Jwk,
  /// `kid` for client assertions: `keyId`, else the JWK's own `kid`.
  kid: Option<String>,
}

impl std::fmt::Debug for SigningKey {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_struct("SigningKey")
      .field("alg", &self.alg)
      .field("kid", &self.kid)
      .field("key", &"[redacted]")
      .finish()
  }
}

fn b64url(bytes: &[u8]) -> String {
  URL_SAFE_NO_PAD.encode(bytes)
}

fn b64url_decode(field: &str, value: &Option<String>) -> Result<Zeroizing<Vec<u8>>, String> {
  let text = value
    .as_deref()
    .ok_or_else(|| format!("The JWK has no \"{field}\". {KEY_HINT}"))?;
  URL_SAFE_NO_PAD
    .decode(text.trim_end_matches('='))
    .map(Zeroizing::new)
    .map_err(|_| format!("The JWK's \"{field}\" is not base64url. {KEY_HINT}"))
}

/// The exact bit length of a big-endian unsigned integer (leading zero bytes and bits
/// not counted): a 2041-bit modulus is 2041 bits, although it takes 256 bytes.
pub fn bit_length(big_endian: &[u8]) -> usize {
  match big_endian.iter().position(|b| *b != 0) {
    None => 0,
    Some(i) => (big_endian.len() - i - 1) * 8 + (8 - big_endian[i].leading_zeros() as usize),
  }
}

/// Checks an RSA modulus size (before any expensive work on the key).
fn check_rsa_bits(bits: usize) -> Result<(), String> {
  if bits < MIN_RSA_BITS {
    return Err(format!(
      "The RSA key has {bits} bits; Okta requires at least {MIN_RSA_BITS}. {KEY_HINT}"
    ));
  }
  if bits > MAX_RSA_BITS {
    return Err(format!(
      "The RSA key has {bits} bits; at most {MAX_RSA_BITS} are accepted (Okta uses 2048 to 4096). {KEY_HINT}"
    ));
  }
  Ok(())
}

/// The modulus size of a PKCS#1 `RSAPrivateKey` (DER), checked before the key is built.
fn check_pkcs1_modulus(der: &[u8]) -> Result<(), String> {
  let key =
    rsa::pkcs1::RsaPrivateKey::try_from(der).map_err(|_| format!("The RSA private key is malformed. {KEY_HINT}"))?;
  check_rsa_bits(bit_length(key.modulus.as_bytes()))
}

/// A fresh random `jti` (128 bits, base64url).
pub fn random_jti() -> String {
  let mut bytes = [0u8; 16];
  rand::thread_rng().fill_bytes(&mut bytes);
  b64url(&bytes)
}

/// `ath`: base64url(SHA-256(access token)).
pub fn access_token_hash(token: &str) -> String {
  b64url(&Sha256::digest(token.as_bytes()))
}

/// `htu`: the request URL without query or fragment.
pub fn htu(url: &Url) -> String {
  let mut u = url.clone();
  u.set_query(None);
  u.set_fragment(None);
  u.to_string()
}

impl SigningKey {
  /// Parses the private key: a PEM string, a JWK as JSON text, or a JWK object.
  /// The error is a message for the `oauth.privateKey` field; it never quotes the key.
  pub fn parse(input: &Value, key_id: Option<&str>) -> Result<SigningKey, String> {
    let mut key = match input {
      Value::String(text) if text.trim_start().starts_with('{') => {
        let jwk: PrivateJwk = serde_json::from_str(text).map_err(|_| format!("Not valid JWK JSON. {KEY_HINT}"))?;
        SigningKey::from_jwk(&jwk)?
      }
      Value::String(text) => SigningKey::from_pem(text.trim())?,
      Value::Object(_) => {
        let jwk: PrivateJwk =
          serde_json::from_value(input.clone()).map_err(|_| format!("Not a valid JWK object. {KEY_HINT}"))?;
        SigningKey::from_jwk(&jwk)?
      }
      _ => return Err(format!("Expected a string or a JWK object. {KEY_HINT}")),
    };
    if let Some(kid) = key_id.map(str::trim).filter(|k| !k.is_empty()) {
      key.kid = Some(kid.to_string());
    }
    Ok(key)
  }

  fn from_pem(text: &str) -> Result<SigningKey, String> {
    use p256::pkcs8::DecodePrivateKey;
    use rsa::pkcs1::DecodeRsaPrivateKey;
    let label = text
      .lines()
      .next()
      .unwrap_or("")
      .trim()
      .trim_start_matches("-----BEGIN ")
      .trim_end_matches("-----")
      .to_string();
    match label.as_str() {
      "PRIVATE KEY" => {
        let (_, doc) = pkcs8::SecretDocument::from_pem(text).map_err(|_| format!("The PEM is malformed. {KEY_HINT}"))?;
        let info =
          pkcs8::PrivateKeyInfo::try_from(doc.as_bytes()).map_err(|_| format!("The PEM is not a PKCS#8 private key. {KEY_HINT}"))?;
        let oid = info.algorithm.oid.to_string();
        if oid == OID_RSA {
          check_pkcs1_modulus(info.private_key)?;
          let key = rsa::RsaPrivateKey::from_pkcs8_der(doc.as_bytes())
            .map_err(|_| format!("The RSA private key is malformed. {KEY_HINT}"))?;
          SigningKey::from_rsa(key, None)
        } else if oid == OID_EC {
          let curve = info.algorithm.parameters_oid().map(|o| o.to_string()).unwrap_or_default();
          if curve != OID_P256 {
            return Err(format!(
              "Unsupported EC curve (OID {curve}): only P-256 (ES256) is supported. {KEY_HINT}"
            ));
          }
          let key =
            p256::SecretKey::from_pkcs8_der(doc.as_bytes()).map_err(|_| format!("The EC private key is malformed. {KEY_HINT}"))?;
          SigningKey::from_p256(key, None)
        } else {
          let name = match oid.as_str() {
            "1.3.101.112" => "Ed25519".to_string(),
            "1.3.101.113" => "Ed448".to_string(),
            "1.2.840.10040.4.1" => "DSA".to_string(),
            other => format!("OID {other}"),
          };
          Err(format!("Unsupported key type ({name}). {KEY_HINT}"))
        }
      }
      "RSA PRIVATE KEY" => {
        let (_, doc) = pkcs8::SecretDocument::from_pem(text).map_err(|_| format!("The PEM is malformed. {KEY_HINT}"))?;
        check_pkcs1_modulus(doc.as_bytes())?;
        let key = rsa::RsaPrivateKey::from_pkcs1_pem(text).map_err(|_| format!("The RSA private key is malformed. {KEY_HINT}"))?;
        SigningKey::from_rsa(key, None)
      }
      "EC PRIVATE KEY" => {
        let key = p256::SecretKey::from_sec1_pem(text)
          .map_err(|_| format!("The EC private key is malformed or not on the P-256 curve. {KEY_HINT}"))?;
        SigningKey::from_p256(key, None)
      }
      "ENCRYPTED PRIVATE KEY" => Err(format!(
        "The private key is encrypted; export it without a passphrase (openssl pkcs8 -topk8 -nocrypt). {KEY_HINT}"
      )),
      "PUBLIC KEY" | "RSA PUBLIC KEY" | "CERTIFICATE" => Err(format!(
        "This is a public key or certificate; the connector needs the private key (Okta keeps the public one). {KEY_HINT}"
      )),
      _ => Err(format!("Not a PEM private key or a JWK. {KEY_HINT}")),
    }
  }

  fn from_jwk(jwk: &PrivateJwk) -> Result<SigningKey, String> {
    if jwk.d.is_none() {
      return Err(format!(
        "The JWK is a public key (no \"d\"); the connector needs the private key. {KEY_HINT}"
      ));
    }
    match jwk.kty.as_deref() {
      Some("RSA") => {
        let big = |field: &str, v: &Option<String>| -> Result<rsa::BigUint, String> {
          b64url_decode(field, v).map(|bytes| rsa::BigUint::from_bytes_be(&bytes))
        };
        check_rsa_bits(bit_length(&b64url_decode("n", &jwk.n)?))?;
        let n = big("n", &jwk.n)?;
        let e = big("e", &jwk.e)?;
        let d = big("d", &jwk.d)?;
        let mut primes = Vec::new();
        if jwk.p.is_some() || jwk.q.is_some() {
          primes.push(big("p", &jwk.p)?);
          primes.push(big("q", &jwk.q)?);
        }
        let key = rsa::RsaPrivateKey::from_components(n, e, d, primes)
          .map_err(|_| format!("The RSA JWK is not a consistent private key. {KEY_HINT}"))?;
        key
          .validate()
          .map_err(|_| format!("The RSA JWK is not a consistent private key. {KEY_HINT}"))?;
        SigningKey::from_rsa(key, jwk.kid.clone())
      }
      Some("EC") => {
        if jwk.crv.as_deref() != Some("P-256") {
          return Err(format!(
            "Unsupported EC curve {:?}: only P-256 (ES256) is supported. {KEY_HINT}",
            jwk.crv.as_deref().unwrap_or("(none)")
          ));
        }
        let d = b64url_decode("d", &jwk.d)?;
        let key = p256::SecretKey::from_slice(&d)
          .map_err(|_| format!("The EC JWK's \"d\" is not a P-256 private key. {KEY_HINT}"))?;
        let signing = SigningKey::from_p256(key, jwk.kid.clone())?;
        // When the JWK carries its public point, it must be this key's.
        if let (Some(x), Some(y)) = (&jwk.x, &jwk.y) {
          let public = serde_json::to_value(&signing.jwk).unwrap_or(Value::Null);
          if public.get("x").and_then(Value::as_str) != Some(x.trim_end_matches('='))
            || public.get("y").and_then(Value::as_str) != Some(y.trim_end_matches('='))
          {
            return Err(format!("The EC JWK's x/y do not match its \"d\". {KEY_HINT}"));
          }
        }
        Ok(signing)
      }
      Some(other) => Err(format!("Unsupported key type (JWK kty {other:?}). {KEY_HINT}")),
      None => Err(format!("The JWK has no \"kty\". {KEY_HINT}")),
    }
  }

  fn from_rsa(key: rsa::RsaPrivateKey, kid: Option<String>) -> Result<SigningKey, String> {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::traits::PublicKeyParts;
    // Exact bits, not `size() * 8` (which counts a 2041-bit modulus as 2048).
    check_rsa_bits(key.n().bits())?;
    let der = key
      .to_pkcs1_der()
      .map_err(|_| format!("The RSA private key could not be encoded. {KEY_HINT}"))?;
    let jwk =
      public_jwk(json!({ "kty": "RSA", "n": b64url(&key.n().to_bytes_be()), "e": b64url(&key.e().to_bytes_be()) }))?;
    Ok(SigningKey {
      alg: Algorithm::RS256,
      key: EncodingKey::from_rsa_der(der.as_bytes()),
      jwk,
      kid,
    })
  }

  fn from_p256(key: p256::SecretKey, kid: Option<String>) -> Result<SigningKey, String> {
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    use p256::pkcs8::EncodePrivateKey;
    let der = key
      .to_pkcs8_der()
      .map_err(|_| format!("The EC private key could not be encoded. {KEY_HINT}"))?;
    let point = key.public_key().to_encoded_point(false);
    let (Some(x), Some(y)) = (point.x(), point.y()) else {
      return Err(format!("The EC public key could not be derived. {KEY_HINT}"));
    };
    let jwk = public_jwk(json!({ "kty": "EC", "crv": "P-256", "x": b64url(x), "y": b64url(y) }))?;
    Ok(SigningKey {
      alg: Algorithm::ES256,
      key: EncodingKey::from_ec_der(der.as_bytes()),
      jwk,
      kid,
    })
  }

  /// `RS256` or `ES256`.
  pub fn alg_name(&self) -> &'static str {
    match self.alg {
      Algorithm::ES256 => "ES256",
      _ => "RS256",
    }
  }

  /// The public key as a JWK (JSON), as sent in DPoP proofs.
  pub fn public_jwk(&self) -> Value {
    serde_json::to_value(&self.jwk).unwrap_or(Value::Null)
  }

  fn sign(&self, header: &Header, claims: &Value, what: &str) -> Result<Zeroizing<String>, OktaError> {
    jsonwebtoken::encode(header, claims, &self.key)
      .map(Zeroizing::new)
      .map_err(|e| OktaError::new(ErrorCode::Internal, format!("Could not sign the {what} ({e}).")))
  }

  /// The `private_key_jwt` client assertion: `iss` = `sub` = client id, `aud` = the
  /// org's token endpoint, `iat`, `exp` five minutes ahead, a unique `jti`, `kid`
  /// in the header when known.
  pub fn client_assertion(&self, client_id: &str, audience: &str, now_s: u64) -> Result<Zeroizing<String>, OktaError> {
    let mut header = Header::new(self.alg);
    header.kid = self.kid.clone();
    let claims = json!({
      "iss": client_id,
      "sub": client_id,
      "aud": audience,
      "iat": now_s,
      "exp": now_s + ASSERTION_LIFETIME_SECS,
      "jti": random_jti(),
    });
    self.sign(&header, &claims, "client assertion")
  }

  /// A DPoP proof for one request: header `typ: dpop+jwt` with the public `jwk`;
  /// claims `htm`, `htu` (no query or fragment), `iat`, a unique `jti`, plus
  /// `nonce` and `ath` when given.
  pub fn dpop_proof(
    &self,
    htm: &str,
    url: &Url,
    nonce: Option<&str>,
    ath: Option<&str>,
    now_s: u64,
  ) -> Result<Zeroizing<String>, OktaError> {
    let mut header = Header::new(self.alg);
    header.typ = Some("dpop+jwt".into());
    header.jwk = Some(self.jwk.clone());
    let mut claims = json!({ "htm": htm, "htu": htu(url), "iat": now_s, "jti": random_jti() });
    if let Some(nonce) = nonce {
      claims["nonce"] = Value::String(nonce.to_string());
    }
    if let Some(ath) = ath {
      claims["ath"] = Value::String(ath.to_string());
    }
    self.sign(&header, &claims, "DPoP proof")
  }
}

fn public_jwk(value: Value) -> Result<Jwk, String> {
  serde_json::from_value(value).map_err(|_| format!("The public key could not be expressed as a JWK. {KEY_HINT}"))
}

#[cfg(test)]
pub(crate) mod tests {
  use super::*;

  /// A 2048-bit RSA test key (PKCS#8), generated for these tests only.
  pub fn rsa_pem() -> String {
    use rsa::pkcs8::EncodePrivateKey;
    let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("rsa keygen");
    key.to_pkcs8_pem(Default::default()).expect("pem").to_string()
  }

  /// A P-256 test key (PKCS#8).
  pub fn ec_pem() -> String {
    use p256::pkcs8::EncodePrivateKey;
    let key = p256::SecretKey::random(&mut rand::thread_rng());
    key.to_pkcs8_pem(Default::default()).expect("pem").to_string()
  }

  fn parts(jwt: &str) -> (Value, Value) {
    let mut it = jwt.split('.');
    let h = URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap();
    let c = URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap();
    (serde_json::from_slice(&h).unwrap(), serde_json::from_slice(&c).unwrap())
  }

  #[test]
  fn parses_rsa_and_ec_pem_and_signs() {
    for (pem, alg, kty) in [(rsa_pem(), "RS256", "RSA"), (ec_pem(), "ES256", "EC")] {
      let key = SigningKey::parse(&Value::String(pem.clone()), Some("kid-1")).unwrap();
      assert_eq!(key.alg_name(), alg);
      assert!(!format!("{key:?}").contains(&pem[40..60]));
      let assertion = key
        .client_assertion("0oa1", "https://acme.okta.com/oauth2/v1/token", 1000)
        .unwrap();
      let (h, c) = parts(&assertion);
      assert_eq!(h["alg"], alg);
      assert_eq!(h["kid"], "kid-1");
      assert_eq!(c["iss"], "0oa1");
      assert_eq!(c["sub"], "0oa1");
      assert_eq!(c["exp"], 1300);
      let url = Url::parse("https://acme.okta.com/api/v1/users?limit=200#x").unwrap();
      let proof = key.dpop_proof("GET", &url, Some("n1"), Some("abc"), 1000).unwrap();
      let (h, c) = parts(&proof);
      assert_eq!(h["typ"], "dpop+jwt");
      assert_eq!(h["jwk"]["kty"], kty);
      assert!(h["jwk"].get("d").is_none(), "public JWK only");
      assert_eq!(c["htu"], "https://acme.okta.com/api/v1/users");
      assert_eq!(c["nonce"], "n1");
      assert_eq!(c["ath"], "abc");
      let other = key.dpop_proof("GET", &url, None, None, 1000).unwrap();
      assert_ne!(parts(&other).1["jti"], c["jti"], "unique jti");
    }
  }

  #[test]
  fn parses_private_jwks() {
    let ec = p256::SecretKey::random(&mut rand::thread_rng());
    let jwk: Value = serde_json::from_str(&ec.to_jwk_string()).unwrap();
    let key = SigningKey::parse(&jwk, None).unwrap();
    assert_eq!(key.alg_name(), "ES256");
    let as_text = SigningKey::parse(&Value::String(jwk.to_string()), None).unwrap();
    assert_eq!(as_text.public_jwk(), key.public_jwk());
    let mut public = jwk.clone();
    public.as_object_mut().unwrap().remove("d");
    assert!(SigningKey::parse(&public, None).unwrap_err().contains("public key"));
  }

  #[test]
  fn bad_keys_are_named_without_echoing() {
    let cases = [
      (Value::String("not a key".into()), "Not a PEM"),
      (
        Value::String("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----".into()),
        "malformed",
      ),
      (
        Value::String("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----".into()),
        "encrypted",
      ),
      (
        json!({ "kty": "OKP", "crv": "Ed25519", "d": "AAAA", "x": "AAAA" }),
        "Unsupported key type",
      ),
      (
        json!({ "kty": "EC", "crv": "P-384", "d": "AAAA" }),
        "Unsupported EC curve",
      ),
      (Value::from(42), "Expected a string"),
    ];
    for (input, expect) in cases {
      let err = SigningKey::parse(&input, None).unwrap_err();
      assert!(err.contains(expect), "{err}");
      assert!(!err.contains("AAAA"));
    }
  }

  #[test]
  fn bit_lengths_are_exact() {
    assert_eq!(bit_length(&[]), 0);
    assert_eq!(bit_length(&[0, 0]), 0);
    assert_eq!(bit_length(&[1]), 1);
    assert_eq!(bit_length(&[0, 0x80, 0]), 16);
    let mut m = vec![0u8; 256];
    m[0] = 0x01; // 2041 bits in 256 bytes
    assert_eq!(bit_length(&m), 2041);
  }

  /// A consistent RSA key of exactly `bits` bits (odd factors, not primes: the parser
  /// checks consistency, not primality, so this is fast at any size).
  fn rsa_of_bits(bits: usize) -> rsa::RsaPrivateKey {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::traits::PublicKeyParts;
    use rsa::BigUint;
    let mut rng = rand::thread_rng();
    let mut odd = |n: usize| {
      let mut bytes = vec![0u8; n.div_ceil(8)];
      rng.fill_bytes(&mut bytes);
      let extra = bytes.len() * 8 - n;
      bytes[0] &= 0xff >> extra;
      bytes[0] |= 0x80 >> extra;
      let last = bytes.len() - 1;
      bytes[last] |= 1;
      BigUint::from_bytes_be(&bytes)
    };
    loop {
      let (p, q) = (odd(bits / 2), odd(bits - bits / 2));
      if (&p * &q).bits() != bits {
        continue;
      }
      if let Ok(key) = rsa::RsaPrivateKey::from_p_q(p, q, BigUint::from(65_537u32)) {
        if key.to_pkcs1_der().is_ok() {
          assert_eq!(key.n().bits(), bits);
          return key;
        }
      }
    }
  }

  #[test]
  fn rsa_key_sizes_are_counted_exactly() {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::pkcs8::EncodePrivateKey;
    use rsa::traits::{PrivateKeyParts, PublicKeyParts};
    for (bits, ok, says) in [
      (2041, false, "2041 bits"),
      (16_384, false, "16384 bits"),
      (2048, true, ""),
    ] {
      let key = rsa_of_bits(bits);
      let pkcs8 = key.to_pkcs8_pem(Default::default()).unwrap().to_string();
      let pkcs1 = key.to_pkcs1_pem(Default::default()).unwrap().to_string();
      let jwk = json!({
        "kty": "RSA",
        "n": b64url(&key.n().to_bytes_be()),
        "e": b64url(&key.e().to_bytes_be()),
        "d": b64url(&key.d().to_bytes_be()),
        "p": b64url(&key.primes()[0].to_bytes_be()),
        "q": b64url(&key.primes()[1].to_bytes_be()),
      });
      for input in [Value::String(pkcs8), Value::String(pkcs1), jwk] {
        match SigningKey::parse(&input, None) {
          Ok(_) => assert!(ok, "{bits} bits accepted"),
          Err(msg) => {
            assert!(!ok, "{bits} bits: {msg}");
            assert!(msg.contains(says), "{msg}");
          }
        }
      }
    }
  }

  #[test]
  fn ath_is_sha256_base64url() {
    // SHA-256("abc") = ba7816bf...
    assert_eq!(access_token_hash("abc"), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
  }
}
