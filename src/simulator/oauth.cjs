'use strict';
// The simulator's OAuth 2.0 authorization server and DPoP resource checks, as Okta
// runs them for API Services apps: POST /oauth2/v1/token (client credentials with a
// private_key_jwt client assertion, DPoP with the use_dpop_nonce dance, granted
// scopes) and `Authorization: DPoP|Bearer <token>` on /api/v1/* (token expiry, proof
// checks, a scope per endpoint, the app's admin role). Signatures are verified with
// node:crypto. Nothing secret is logged: the request log gets the scheme only.

const crypto = require('crypto');

const TOKEN_PATH = '/oauth2/v1/token';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The scope each rate-limit bucket's endpoints need. */
const SCOPE_BY_BUCKET = { users: 'okta.users.read', factors: 'okta.users.read', groups: 'okta.groups.read', logs: 'okta.logs.read', apps: 'okta.apps.read', devices: 'okta.devices.read', roles: 'okta.roles.read' };
const IAT_WINDOW_S = 60;

class OAuthError extends Error {
  constructor(status, error, description, headers = {}) {
    super(description);
    this.status = status;
    this.error = error;
    this.headers = headers;
  }
}

function b64urlJson(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/** Splits a compact JWS; throws on anything malformed. */
function decodeJws(jws) {
  if (typeof jws !== 'string') throw new Error('not a string');
  const parts = jws.split('.');
  if (parts.length !== 3) throw new Error('not a compact JWS');
  return { header: b64urlJson(parts[0]), payload: b64urlJson(parts[1]), input: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
}

/** Verifies an RS256 or ES256 signature with `key` (a KeyObject). */
function verifySignature(jws, key) {
  const { alg } = jws.header;
  if (alg === 'RS256' && key.asymmetricKeyType === 'rsa') {
    return crypto.verify('sha256', Buffer.from(jws.input), key, jws.signature);
  }
  if (alg === 'ES256' && key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return crypto.verify('sha256', Buffer.from(jws.input), { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
  }
  return false;
}

/** RFC 7638 thumbprint of a public JWK. */
function thumbprint(jwk) {
  const members = jwk.kty === 'RSA' ? { e: jwk.e, kty: 'RSA', n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return crypto.createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function toPublicKey(input) {
  if (input instanceof crypto.KeyObject) return input.type === 'private' ? crypto.createPublicKey(input) : input;
  if (typeof input === 'string') return crypto.createPublicKey(input);
  return crypto.createPublicKey({ key: input, format: 'jwk' });
}

function randomId(bytes = 24) {
  return crypto.randomBytes(bytes).toString('base64url');
}

/** A bounded set of seen `jti`s (replay detection). */
class SeenSet {
  constructor(max = 100000) {
    this.max = max;
    this.set = new Set();
  }
  add(v) {
    if (this.set.has(v)) return false;
    this.set.add(v);
    if (this.set.size > this.max) this.set.delete(this.set.values().next().value);
    return true;
  }
}

class OAuthServer {
  /**
   * options: { clients: [{ clientId, publicKey (PEM | JWK | KeyObject), kid?, scopes (granted),
   * dpop = true, adminRole = true, grantTypes = ['client_credentials'] }], host = 'acme.okta.com'
   * (the assertion audience is https://{host}/oauth2/v1/token), tokenLifetimeSeconds = 3600,
   * clockSkewSeconds = 0 (the server's clock runs ahead by this much), nonceLoop = false
   * (every token request gets a new nonce), apiNonce = false (API calls need the nonce too),
   * nonceRotateEvery = 0 (API requests per nonce rotation) }
   */
  constructor(sim, options = {}) {
    this.sim = sim;
    this.options = { clients: [], host: 'acme.okta.com', tokenLifetimeSeconds: 3600, clockSkewSeconds: 0, nonceLoop: false, apiNonce: false, nonceRotateEvery: 0 };
    this.clients = new Map();
    this.tokens = new Map();
    this.assertionJtis = new SeenSet();
    this.proofJtis = new SeenSet();
    this.nonce = randomId(16);
    // The resource server's own nonce (apiNonce), distinct from the token endpoint's.
    this.apiNonceValue = randomId(16);
    this.apiRequests = 0;
    this.counters = { tokensIssued: 0, nonceChallenges: 0, tokenErrors: {} };
    this.setOptions(options);
  }

  setOptions(partial = {}) {
    const o = this.options;
    for (const k of ['host', 'tokenLifetimeSeconds', 'clockSkewSeconds', 'nonceLoop', 'apiNonce', 'nonceRotateEvery']) {
      if (partial[k] !== undefined) o[k] = partial[k];
    }
    if (partial.clients !== undefined) {
      this.clients = new Map();
      for (const c of partial.clients) {
        this.clients.set(c.clientId, {
          clientId: c.clientId,
          key: toPublicKey(c.publicKey),
          kid: c.kid ?? null,
          scopes: new Set(c.scopes ?? Object.values(SCOPE_BY_BUCKET)),
          dpop: c.dpop !== false,
          adminRole: c.adminRole !== false,
          grantTypes: c.grantTypes ?? ['client_credentials'],
        });
      }
    }
  }

  /** Expires every issued token now (as if an hour had passed). */
  expireTokens() {
    for (const t of this.tokens.values()) t.exp = 0;
  }

  nowS() {
    return Math.floor(Date.now() / 1000) + (this.options.clockSkewSeconds || 0);
  }

  /** Headers every OAuth-aware response carries (the server's clock). */
  baseHeaders() {
    return this.options.clockSkewSeconds ? { Date: new Date(this.nowS() * 1000).toUTCString() } : {};
  }

  stats() {
    return { ...this.counters, tokenErrors: { ...this.counters.tokenErrors }, activeTokens: this.tokens.size };
  }

  /** POST /oauth2/v1/token. Returns `{ status, headers, body }`. */
  async token(req, entry, headers) {
    const text = await readBody(req);
    const form = new URLSearchParams(text);
    const info = { grantType: form.get('grant_type'), scope: form.get('scope'), clientId: null, assertionAlg: null, dpop: !!req.headers.dpop, nonce: false };
    entry.oauth = info;
    entry.authScheme = 'private_key_jwt';
    const h = { ...headers, ...this.baseHeaders(), 'Cache-Control': 'no-store' };
    try {
      if (req.method !== 'POST') throw new OAuthError(405, 'invalid_request', 'The token endpoint only accepts POST.');
      if (form.get('grant_type') !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', 'The grant type is not supported by the authorization server.');
      const client = this._client(form, info);
      if (!client.grantTypes.includes('client_credentials')) {
        throw new OAuthError(400, 'unauthorized_client', 'The client is not authorized to use the provided grant type. Configured grant types: [authorization_code].');
      }
      const requested = (form.get('scope') || '').split(' ').filter(Boolean);
      if (requested.length === 0) throw new OAuthError(400, 'invalid_scope', 'The authorization server requires a scope for client credentials.');
      const denied = requested.filter((s) => !client.scopes.has(s));
      if (denied.length) throw new OAuthError(400, 'invalid_scope', `The following scopes are not allowed: [${denied.join(', ')}]`);
      let jkt = null;
      if (client.dpop) {
        const proof = this._proof(req, 'POST', `${this.sim.url}${TOKEN_PATH}`, null);
        info.nonce = proof.payload.nonce != null;
        if (this.options.nonceLoop) this.nonce = randomId(16);
        if (proof.payload.nonce !== this.nonce) {
          this.counters.nonceChallenges++;
          throw new OAuthError(400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.', { 'DPoP-Nonce': this.nonce });
        }
        jkt = thumbprint(proof.header.jwk);
      }
      const accessToken = `sim_at.${randomId()}`;
      const lifetime = this.options.tokenLifetimeSeconds;
      this.tokens.set(accessToken, { clientId: client.clientId, scopes: new Set(requested), exp: Date.now() + lifetime * 1000, jkt });
      this.counters.tokensIssued++;
      entry.oauth.issued = true;
      return {
        status: 200,
        headers: h,
        body: JSON.stringify({ token_type: jkt ? 'DPoP' : 'Bearer', expires_in: lifetime, access_token: accessToken, scope: requested.join(' ') }),
      };
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      this.counters.tokenErrors[err.error] = (this.counters.tokenErrors[err.error] || 0) + 1;
      entry.oauth.error = err.error;
      return { status: err.status, headers: { ...h, ...err.headers }, body: JSON.stringify({ error: err.error, error_description: err.message }) };
    }
  }

  /** Verifies the client assertion; returns the client. */
  _client(form, info) {
    const bad = (why) => new OAuthError(401, 'invalid_client', why);
    if (form.get('client_assertion_type') !== ASSERTION_TYPE || !form.get('client_assertion')) {
      throw bad('Client authentication failed. Either the client or the client credentials are invalid.');
    }
    let jws;
    try {
      jws = decodeJws(form.get('client_assertion'));
    } catch {
      throw bad('The client_assertion is not a valid JWT.');
    }
    const { header, payload } = jws;
    info.assertionAlg = header.alg ?? null;
    info.clientId = typeof payload.iss === 'string' ? payload.iss : null;
    const client = this.clients.get(payload.iss);
    if (!client) throw bad('Client authentication failed. Either the client or the client credentials are invalid.');
    if (payload.sub !== payload.iss) throw bad("The client_assertion token's 'sub' must equal its 'iss' (the client id).");
    if (client.kid && header.kid && header.kid !== client.kid) throw bad('The client_assertion was signed with a key that is not registered for the client (kid mismatch).');
    if (!verifySignature(jws, client.key)) throw bad('The client_assertion signature is invalid.');
    const aud = `https://${this.options.host}${TOKEN_PATH}`;
    if (payload.aud !== aud && !(Array.isArray(payload.aud) && payload.aud.includes(aud))) {
      throw bad(`The audience of the client_assertion must be ${aud}.`);
    }
    const now = this.nowS();
    if (typeof payload.exp !== 'number' || payload.exp <= now) throw bad('The client_assertion token is expired.');
    if (typeof payload.iat === 'number' && payload.iat > now + IAT_WINDOW_S) throw bad('The client_assertion token was issued in the future.');
    if (payload.exp - (payload.iat ?? now) > 3600) throw bad('The client_assertion token has an expiration too far in the future.');
    if (typeof payload.jti !== 'string' || !this.assertionJtis.add(payload.jti)) throw bad("The client_assertion token's 'jti' is missing or was already used.");
    return client;
  }

  /** Verifies a DPoP proof for `htm`/`htu` (and `ath` of `token` when given). */
  _proof(req, htm, htu, token, status = 400) {
    const bad = (why) => new OAuthError(status, 'invalid_dpop_proof', why);
    const raw = req.headers.dpop;
    if (!raw) throw bad('DPoP proof JWT header is missing.');
    let jws;
    try {
      jws = decodeJws(raw);
    } catch {
      throw bad('The DPoP proof is not a valid JWT.');
    }
    const { header, payload } = jws;
    if (header.typ !== 'dpop+jwt') throw bad("The DPoP proof 'typ' must be 'dpop+jwt'.");
    if (!header.jwk || header.jwk.d !== undefined) throw bad("The DPoP proof must carry a public 'jwk'.");
    let key;
    try {
      key = toPublicKey(header.jwk);
    } catch {
      throw bad("The DPoP proof 'jwk' is not a valid public key.");
    }
    if (!verifySignature(jws, key)) throw bad('The DPoP proof signature is invalid.');
    if (payload.htm !== htm) throw bad(`The DPoP proof 'htm' must be ${htm}.`);
    if (payload.htu !== htu) throw bad(`The DPoP proof 'htu' does not match the request URL.`);
    const now = this.nowS();
    if (typeof payload.iat !== 'number' || Math.abs(payload.iat - now) > IAT_WINDOW_S) {
      throw bad("The DPoP proof 'iat' is outside the acceptable range (issued in the future or too old).");
    }
    if (typeof payload.jti !== 'string' || !this.proofJtis.add(payload.jti)) throw bad("The DPoP proof 'jti' is missing or was already used.");
    if (token != null) {
      const ath = crypto.createHash('sha256').update(token).digest('base64url');
      if (payload.ath !== ath) throw bad("The DPoP proof 'ath' does not match the access token.");
    }
    return jws;
  }

  /**
   * Checks `Authorization: DPoP|Bearer` on an API request. Returns null when allowed,
   * else `{ status, headers, body }` (built with `error(status, code, summary, extraHeaders)`).
   */
  authenticate(req, entry, error) {
    const auth = req.headers.authorization || '';
    const [scheme, token] = auth.split(' ', 2);
    entry.authScheme = scheme || null;
    entry.headers.authorization = `${scheme} [redacted]`;
    entry.dpop = !!req.headers.dpop;
    const challenge = (err, description) => `${scheme === 'Bearer' ? 'Bearer' : 'DPoP'} error="${err}", error_description="${description}"`;
    const invalid = (description) => error(401, 'E0000011', 'Invalid token provided', { 'WWW-Authenticate': challenge('invalid_token', description) });
    const record = this.tokens.get(token);
    if (!record) return invalid('The access token is invalid.');
    if (record.exp <= Date.now()) return invalid('The access token is expired.');
    if (scheme === 'Bearer' && record.jkt) return invalid('The DPoP-bound access token was presented as a Bearer token.');
    if (scheme === 'DPoP') {
      if (!record.jkt) return invalid('The access token is not DPoP-bound.');
      let proof;
      try {
        proof = this._proof(req, req.method, `${this.sim.url}${entry.path}`, token, 401);
      } catch (err) {
        if (!(err instanceof OAuthError)) throw err;
        return error(401, 'E0000011', 'Invalid token provided', { 'WWW-Authenticate': challenge('invalid_dpop_proof', err.message) });
      }
      if (thumbprint(proof.header.jwk) !== record.jkt) return invalid('The DPoP proof key does not match the access token.');
      if (this.options.apiNonce && proof.payload.nonce !== this.apiNonceValue) {
        this.counters.nonceChallenges++;
        return error(401, 'E0000011', 'Invalid token provided', { 'WWW-Authenticate': challenge('use_dpop_nonce', 'Resource server requires nonce in DPoP proof.'), 'DPoP-Nonce': this.apiNonceValue });
      }
    }
    const client = this.clients.get(record.clientId);
    const needed = SCOPE_BY_BUCKET[entry.bucket];
    if (needed && !record.scopes.has(needed)) {
      return error(403, 'E0000006', 'You do not have permission to perform the requested action', {
        'WWW-Authenticate': `${scheme} error="insufficient_scope", error_description="The access token provided does not contain the required scopes."`,
      });
    }
    if (!client || !client.adminRole) return error(403, 'E0000006', 'You do not have permission to perform the requested action');
    return null;
  }

  /** Headers for a successful API response (the nonce, rotated every N requests). */
  apiHeaders() {
    if (!this.options.apiNonce) return {};
    this.apiRequests++;
    const every = this.options.nonceRotateEvery;
    if (every > 0 && this.apiRequests % every === 0) this.apiNonceValue = randomId(16);
    return { 'DPoP-Nonce': this.apiNonceValue };
  }
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > 64 * 1024) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

module.exports = { OAuthServer, TOKEN_PATH, SCOPE_BY_BUCKET, thumbprint, decodeJws };
