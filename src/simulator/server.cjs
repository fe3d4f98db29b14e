'use strict';
// The Okta simulator HTTP server: /api/v1/users, /api/v1/groups, /api/v1/logs,
// /api/v1/apps, /api/v1/devices and /api/v1/users/{id}/factors over a lazy org, with Okta-style auth, rate limits, paging links, gzip,
// injectable faults, a bounded request log and /__sim/ control endpoints.

const http = require('http');
const zlib = require('zlib');
const { Org, DAY } = require('./org.cjs');
const { compileFilter, FilterError, parseIsoDate } = require('./filter.cjs');
const { hash3, seedToUint32, Rng } = require('./rng.cjs');
const { OAuthServer, TOKEN_PATH } = require('./oauth.cjs');

const BUCKETS = ['users', 'groups', 'logs', 'apps', 'factors', 'devices', 'roles'];
const DEFAULT_RATE_LIMITS = {
  users: { limit: 600, windowMs: 60000 },
  groups: { limit: 500, windowMs: 60000 },
  logs: { limit: 120, windowMs: 60000 },
  // POST /oauth2/v1/token (OAuth service apps).
  token: { limit: 600, windowMs: 60000 },
  apps: { limit: 100, windowMs: 60000 },
  factors: { limit: 600, windowMs: 60000 },
  devices: { limit: 300, windowMs: 60000 },
  roles: { limit: 300, windowMs: 60000 },
  // Anything else under the API (unknown paths): Okta's catch-all bucket.
  other: { limit: 1000, windowMs: 60000 },
};
const FAULT_TYPES = new Set(['500', '502', '503', '504', '429', 'concurrency429', 'reset', 'truncate', 'malformed', 'slow', 'html', '404']);
const DATE_ATTRS = new Set(['lastUpdated', 'created', 'activated', 'statusChanged', 'lastLogin', 'passwordChanged', 'lastMembershipUpdated', 'published']);
const USER_EQ_ATTRS = new Set(['status', 'id', 'profile.login', 'profile.email', 'profile.firstName', 'profile.lastName', 'type.id']);
const GROUP_EQ_ATTRS = new Set(['type', 'id']);
const APP_EQ_ATTRS = new Set(['status', 'name']);
// GET /api/v1/devices `search` (SCIM): status, id, lastUpdated and the profile's properties.
const DEVICE_SEARCH_ATTR = /^(status|id|lastUpdated|created|profile\.[A-Za-z]+)$/;
const TIME_OPS = new Set(['eq', 'gt', 'ge', 'lt', 'le']);
// Attributes of the cheap event view (see Org.eventView): filters on these skip building full events.
const EVENT_VIEW_ATTRS = new Set(['eventType', 'outcome.result', 'outcome.reason', 'actor.id', 'published']);

const RATE_LIMIT_SUMMARY = 'API call exceeded rate limit due to too many requests.';
// How the `next` link of a BOUNDED System Log request (one with `until`) treats `since`,
// which Okta does not document: 'keep' (every parameter carried over), 'drop' (the link
// omits `since`, so the following page falls back to the default `until` - 7 days) or
// 'shift' (the link carries another `since`, `logNextShiftMs` later than the request's).
const LOG_NEXT_SINCE = new Set(['keep', 'drop', 'shift']);
const HOUR = 3600 * 1000;

function logNextSinceOption(value, where) {
  const v = String(value);
  if (!LOG_NEXT_SINCE.has(v)) throw new TypeError(`${where} must be one of keep, drop, shift (got ${value})`);
  return v;
}

class ApiError extends Error {
  constructor(status, code, summary, causes = []) {
    super(summary);
    this.status = status;
    this.code = code;
    this.causes = causes;
  }
}

function normalizeFaults(faults) {
  if (faults == null) return [];
  if (!Array.isArray(faults)) throw new TypeError('faults must be an array');
  return faults.map((f) => {
    const rule = { ...f, type: String(f.type) };
    if (!FAULT_TYPES.has(rule.type)) throw new TypeError(`unknown fault type ${f.type}`);
    return rule;
  });
}

function normalizeRateLimits(base, patch) {
  const out = { ...base };
  for (const [bucket, v] of Object.entries(patch || {})) {
    if (v == null) continue;
    const limit = v.limit ?? out[bucket]?.limit ?? DEFAULT_RATE_LIMITS.other.limit;
    const windowMs = v.windowMs ?? out[bucket]?.windowMs ?? 60000;
    if (!(limit >= 0) || !(windowMs > 0)) throw new TypeError(`invalid rate limit for ${bucket}`);
    out[bucket] = { limit, windowMs };
  }
  return out;
}

/** Reads a per-bucket option that may be a number or `{users, groups, logs, default}`. */
function perBucket(value, bucket) {
  if (value == null) return 0;
  if (typeof value === 'number') return value;
  return value[bucket] ?? value.default ?? 0;
}

function acceptsGzip(req) {
  const ae = req.headers['accept-encoding'];
  if (!ae) return false;
  return ae.split(',').some((part) => {
    const [name, ...params] = part.trim().split(';');
    if (name.trim().toLowerCase() !== 'gzip' && name.trim() !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  });
}

function encodeQuery(entries) {
  return entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/** `limit`: a positive integer; above `max` it is clamped, or a 400 when `rejectOverMax`. */
function parseLimit(raw, def, max, rejectOverMax = false) {
  if (raw == null || raw === '') return def;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new ApiError(400, 'E0000001', 'Api validation failed: limit', ['limit: The limit must be a positive integer.']);
  }
  if (rejectOverMax && Number(raw) > max) {
    throw new ApiError(400, 'E0000001', 'Api validation failed: limit', [`limit: The limit must be between 1 and ${max}.`]);
  }
  return Math.min(Number(raw), max);
}

class Simulator {
  constructor(options = {}) {
    const o = options;
    this.seed32 = seedToUint32(o.seed ?? 1);
    this.org = new Org({
      users: o.users, groups: o.groups, events: o.events, apps: o.apps, seed: o.seed, now: o.now,
      eventSpanMs: o.eventSpanMs, quietMs: o.quietMs, clock: o.clock, maxGroupMembers: o.maxGroupMembers,
      devices: o.devices, logFamilies: o.logFamilies,
    });
    // Logs semantics (default since, 90/180-day limits) use the org's clock; rate-limit
    // windows and headers always use real time.
    this.clock = () => this.org.clock();
    this.options = {
      token: 'test-token',
      rateLimits: normalizeRateLimits(DEFAULT_RATE_LIMITS, {}),
      retryAfter: false,
      concurrencyLimit: Infinity,
      latencyMs: 0,
      latencyJitterMs: 0,
      forbidden: [],
      faults: [],
      linkOrigin: null,
      linkPath: null,
      logLimit: 100000,
      // OKTA_SIM_LOG_NEXT runs a whole test file under another reading; the option wins.
      logNextSince: process.env.OKTA_SIM_LOG_NEXT ? logNextSinceOption(process.env.OKTA_SIM_LOG_NEXT, 'OKTA_SIM_LOG_NEXT') : 'keep',
      logNextShiftMs: HOUR,
      logShuffle: false,
      // Event types a System Log filter may not name: 400 naming the type.
      logRejectEventTypes: [],
      onResponse: null,
      // GET /api/v1/iam/assignees/users, where Okta's docs are silent: whether users who
      // hold a role only through a group are listed (true), and where the next link is
      // ('both': a Link header and the body's _links.next; 'body': the body only).
      assigneesIncludeGroupMembers: true,
      assigneesPaging: 'both',
    };
    // OAuth 2.0 service apps (see oauth.cjs): options.oauth = { clients, ... }.
    this.oauth = new OAuthServer(this, o.oauth || {});
    this.setOptions({ ...o, oauth: undefined });
    this.requestCounter = 0; // never reset: keeps X-Okta-Request-Id unique
    this.logChains = new Map(); // System Log `after` value -> the since its chain started with
    this.seq = 0;
    this.inFlight = 0;
    this.timers = new Set();
    this.closed = false;
    this.startedAt = Date.now();
    // Rate-limit windows are aligned to whole seconds, starting at server start.
    this.windowBase = Math.floor(this.startedAt / 1000) * 1000;
    this._resetCounters();
    this.server = http.createServer((req, res) => this._onRequest(req, res));
    this.server.keepAliveTimeout = 5000;
    this.port = null;
    this.url = null;
  }

  get token() { return this.options.token; }
  get requests() { return this.log; }

  listen(port = 0) {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = this.server.address().port;
        this.url = `http://127.0.0.1:${this.port}`;
        this.org.origin = this.url;
        resolve(this);
      });
    });
  }

  /**
   * Changes runtime behaviour: token, rateLimits, faults, latency, forbidden, concurrency,
   * links, logLimit, the System Log's undocumented paging (logNextSince, logNextShiftMs,
   * logShuffle) and the onResponse test hook.
   */
  setOptions(partial = {}) {
    const o = this.options;
    if (partial.token !== undefined) o.token = String(partial.token);
    if (partial.rateLimits !== undefined) {
      o.rateLimits = normalizeRateLimits(o.rateLimits, partial.rateLimits);
      if (this.bucketStats) for (const b of Object.values(this.bucketStats)) b.current = null;
    }
    if (partial.retryAfter !== undefined) o.retryAfter = partial.retryAfter;
    if (partial.concurrencyLimit !== undefined) o.concurrencyLimit = partial.concurrencyLimit ?? Infinity;
    if (partial.latencyMs !== undefined) o.latencyMs = partial.latencyMs;
    if (partial.latencyJitterMs !== undefined) o.latencyJitterMs = partial.latencyJitterMs;
    if (partial.forbidden !== undefined) o.forbidden = [...(partial.forbidden || [])];
    if (partial.linkOrigin !== undefined) o.linkOrigin = partial.linkOrigin;
    if (partial.linkPath !== undefined) o.linkPath = partial.linkPath;
    if (partial.logLimit !== undefined) o.logLimit = partial.logLimit;
    if (partial.childPageLimit !== undefined) o.childPageLimit = partial.childPageLimit == null ? null : Number(partial.childPageLimit);
    if (partial.assigneesIncludeGroupMembers !== undefined) o.assigneesIncludeGroupMembers = !!partial.assigneesIncludeGroupMembers;
    if (partial.assigneesPaging !== undefined) {
      if (!['both', 'body'].includes(partial.assigneesPaging)) throw new TypeError(`assigneesPaging must be both or body (got ${partial.assigneesPaging})`);
      o.assigneesPaging = partial.assigneesPaging;
    }
    if (partial.logNextSince !== undefined) o.logNextSince = partial.logNextSince == null ? 'keep' : logNextSinceOption(partial.logNextSince, 'logNextSince');
    if (partial.logNextShiftMs !== undefined) {
      if (!(Number(partial.logNextShiftMs) > 0)) throw new TypeError('logNextShiftMs must be a positive number of ms');
      o.logNextShiftMs = Number(partial.logNextShiftMs);
    }
    if (partial.logShuffle !== undefined) o.logShuffle = !!partial.logShuffle;
    if (partial.logRejectEventTypes !== undefined) o.logRejectEventTypes = [...(partial.logRejectEventTypes || [])].map(String);
    if (partial.onResponse !== undefined) {
      if (partial.onResponse !== null && typeof partial.onResponse !== 'function') throw new TypeError('onResponse must be a function or null');
      o.onResponse = partial.onResponse;
    }
    if (partial.oauth !== undefined && this.oauth) this.oauth.setOptions(partial.oauth);
    if (partial.faults !== undefined) {
      o.faults = normalizeFaults(partial.faults);
      this.faultStates = o.faults.map((rule) => ({ rule, matched: 0, fired: 0 }));
    }
  }

  /** Clears the request log, stats counters, rate-limit windows and fault counters. */
  resetLog() {
    this._resetCounters();
  }

  _resetCounters() {
    this.log = [];
    this.counters = { requests: 0, status429: 0, concurrency429: 0, maxInFlight: this.inFlight, bytes: 0, faults: 0, byStatus: {} };
    this.bucketStats = {};
    for (const b of BUCKETS) this._bucket(b);
    this.faultStates = this.options.faults.map((rule) => ({ rule, matched: 0, fired: 0 }));
  }

  _bucket(name) {
    let b = this.bucketStats[name];
    if (!b) b = this.bucketStats[name] = { requests: 0, status429: 0, maxInWindow: 0, windows: [], current: null };
    return b;
  }

  stats() {
    const byBucket = {};
    for (const [name, b] of Object.entries(this.bucketStats)) {
      const lim = this.options.rateLimits[name] || this.options.rateLimits.other;
      byBucket[name] = {
        requests: b.requests,
        status429: b.status429,
        maxInWindow: b.maxInWindow,
        limit: lim.limit,
        windowMs: lim.windowMs,
        windows: b.windows.map((w) => ({ start: w.start, count: w.count })),
      };
    }
    const c = this.counters;
    return {
      requests: c.requests,
      byBucket,
      status429: c.status429,
      concurrency429: c.concurrency429,
      maxInFlight: c.maxInFlight,
      inFlight: this.inFlight,
      bytes: c.bytes,
      faults: c.faults,
      byStatus: { ...c.byStatus },
      oauth: this.oauth.stats(),
    };
  }

  // Runtime org mutations (for incremental-sync tests).
  addUsers(n, overrides) { return this.org.addUsers(n, overrides); }
  updateUser(id, change) { return this.org.updateUser(id, change); }
  addGroups(n) { return this.org.addGroups(n); }
  updateGroup(id, change) { return this.org.updateGroup(id, change); }
  deleteGroup(id) { return this.org.deleteGroup(id); }
  deleteUser(id) { return this.org.deleteUser(id); }
  addEvents(events) { return this.org.addEvents(events); }
  userLifecycle(userId, eventType) { return this.org.userLifecycle(userId, eventType); }
  enrollFactor(userId, partial) { return this.org.enrollFactor(userId, partial); }
  deactivateFactor(userId, factorId) { return this.org.deactivateFactor(userId, factorId); }
  resetFactors(userId) { return this.org.resetFactors(userId); }
  updateFactor(userId, factorId, change) { return this.org.updateFactor(userId, factorId, change); }
  patchFactor(userId, factorId, patch, options) { return this.org.patchFactor(userId, factorId, patch, options); }
  patchApp(appId, patch, options) { return this.org.patchApp(appId, patch, options); }
  addGroupMember(groupId, userId) { return this.org.addGroupMember(groupId, userId); }
  removeGroupMember(groupId, userId) { return this.org.removeGroupMember(groupId, userId); }
  assignUserToApp(appId, userId) { return this.org.assignUserToApp(appId, userId); }
  unassignUserFromApp(appId, userId) { return this.org.unassignUserFromApp(appId, userId); }
  assignGroupToApp(appId, groupId) { return this.org.assignGroupToApp(appId, groupId); }
  unassignGroupFromApp(appId, groupId) { return this.org.unassignGroupFromApp(appId, groupId); }
  deleteApp(appId) { return this.org.deleteApp(appId); }

  close() {
    if (this._closing) return this._closing;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this._closing = new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections(); // also drops slow/hanging responses
    });
    return this._closing;
  }

  _sleep(ms) {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  /** Counts a request in its bucket's fixed window; returns the header values. */
  _hit(bucket, now) {
    const lim = this.options.rateLimits[bucket] || this.options.rateLimits.other;
    const b = this._bucket(bucket);
    const k = Math.floor((now - this.windowBase) / lim.windowMs);
    if (!b.current || b.current.k !== k || b.current.windowMs !== lim.windowMs) {
      const start = this.windowBase + k * lim.windowMs;
      b.current = { k, windowMs: lim.windowMs, start, count: 0 };
      b.windows.push(b.current);
      if (b.windows.length > 10000) b.windows.shift();
    }
    const count = ++b.current.count;
    if (count > b.maxInWindow) b.maxInWindow = count;
    return {
      limit: lim.limit,
      remaining: Math.max(0, lim.limit - count),
      resetMs: b.current.start + lim.windowMs,
      reset: Math.ceil((b.current.start + lim.windowMs) / 1000),
      windowStart: b.current.start,
      exceeded: count > lim.limit,
    };
  }

  _pickFault(entry) {
    let chosen = null;
    this.faultStates.forEach((st, idx) => {
      const { rule } = st;
      if (rule.bucket && (Array.isArray(rule.bucket) ? !rule.bucket.includes(entry.bucket) : rule.bucket !== entry.bucket)) return;
      if (rule.path && !(entry.path === rule.path || entry.path.startsWith(rule.path))) return;
      st.matched++;
      if (chosen) return;
      if (rule.count != null && st.fired >= rule.count) return;
      let fire;
      if (rule.nth == null && rule.rate == null) fire = true;
      else {
        fire = Array.isArray(rule.nth) && rule.nth.includes(st.matched);
        if (!fire && rule.rate != null) fire = new Rng(hash3(this.seed32, 1000 + idx, st.matched)).next() < rule.rate;
      }
      if (fire) {
        st.fired++;
        chosen = rule;
      }
    });
    return chosen;
  }

  _randomId(stream, n, len) {
    return new Rng(hash3(this.seed32, stream, n)).chars(len);
  }

  _errorBody(code, summary, causes = []) {
    return JSON.stringify({
      errorCode: code,
      errorSummary: summary,
      errorLink: code,
      errorId: `oae${this._randomId(41, this.requestCounter, 19)}`,
      errorCauses: causes.map((s) => ({ errorSummary: s })),
    });
  }

  _onRequest(req, res) {
    let url;
    try {
      url = new URL(req.url, 'http://127.0.0.1');
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (url.pathname.startsWith('/__sim/')) {
      this._control(req, res, url).catch((err) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: String(err && err.message) }));
      });
      return;
    }

    const now = Date.now();
    const n = ++this.requestCounter;
    this.inFlight++;
    if (this.inFlight > this.counters.maxInFlight) this.counters.maxInFlight = this.inFlight;
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const bucket = bucketOf(path);
    const rl = this._hit(bucket, now);
    const entry = {
      seq: ++this.seq,
      method: req.method,
      path,
      query: Object.fromEntries(url.searchParams),
      rawUrl: req.url,
      headers: {
        // The scheme and whether the credential was the expected one; never a secret.
        authorization: redactAuthorization(req.headers.authorization, this.options.token),
        accept: req.headers.accept ?? null,
        'user-agent': req.headers['user-agent'] ?? null,
        'accept-encoding': req.headers['accept-encoding'] ?? null,
      },
      bucket,
      authScheme: null, // 'SSWS' | 'DPoP' | 'Bearer' | 'private_key_jwt' (never a secret)
      status: null,
      startedAt: now,
      endedAt: null,
      inFlightAtStart: this.inFlight,
      windowStart: rl.windowStart,
      bytes: 0,
      next: false,
      requestId: `${this._randomId(31, n, 20)}${n.toString(36).padStart(7, '0')}`,
    };
    this.log.push(entry);
    while (this.log.length > this.options.logLimit) this.log.shift();
    this.counters.requests++;
    this._bucket(bucket).requests++;

    res.once('close', () => {
      this.inFlight--;
      if (entry.endedAt == null) entry.endedAt = Date.now();
      if (entry.status == null) entry.status = 0; // client went away before we answered
    });
    this._respond(req, res, url, entry, rl).catch(() => res.destroy());
  }

  async _respond(req, res, url, entry, rl) {
    const o = this.options;
    const concurrencyExceeded = entry.inFlightAtStart > o.concurrencyLimit;
    const fault = concurrencyExceeded ? null : this._pickFault(entry);
    if (fault) {
      entry.fault = fault.type;
      this.counters.faults++;
    }
    let delay = perBucket(o.latencyMs, entry.bucket);
    const jitter = perBucket(o.latencyJitterMs, entry.bucket);
    if (jitter > 0) delay += Math.floor(new Rng(hash3(this.seed32, 51, entry.seq)).next() * jitter);
    if (fault && fault.type === 'slow') delay += fault.delayMs ?? 60000;
    if (delay > 0) await this._sleep(delay);
    if (this.closed || res.destroyed) return;

    const headers = {
      'Content-Type': 'application/json',
      'X-Okta-Request-Id': entry.requestId,
      'X-Rate-Limit-Limit': String(rl.limit),
      'X-Rate-Limit-Remaining': String(rl.remaining),
      'X-Rate-Limit-Reset': String(rl.reset),
    };
    if (fault && fault.type === 'reset') {
      entry.status = 0;
      entry.endedAt = Date.now();
      req.socket.destroy();
      return;
    }

    let out;
    if (concurrencyExceeded || (fault && fault.type === 'concurrency429')) {
      out = this._concurrency429(headers);
    } else if (fault && FAULT_RESPONSES[fault.type]) {
      out = FAULT_RESPONSES[fault.type].call(this, headers, rl);
    } else if (entry.path === TOKEN_PATH) {
      out = rl.exceeded ? this._rateLimited(headers, rl) : await this.oauth.token(req, entry, headers);
      if (this.closed || res.destroyed) return;
    } else {
      out = this._normal(req, url, entry, rl, headers);
    }
    if (fault && fault.type === 'truncate') out.truncate = true;
    await this._send(req, res, entry, out);
  }

  _rateLimited(headers, rl) {
    const h = { ...headers, 'X-Rate-Limit-Remaining': '0' };
    if (this.options.retryAfter) {
      h['Retry-After'] = String(typeof this.options.retryAfter === 'number'
        ? this.options.retryAfter : Math.max(0, Math.ceil((rl.resetMs - Date.now()) / 1000)));
    }
    return { status: 429, headers: h, body: this._errorBody('E0000047', RATE_LIMIT_SUMMARY) };
  }

  _concurrency429(headers) {
    // Okta then describes the concurrency limit; the reset is only an estimate.
    const resetMs = Date.now() + 60000;
    const h = {
      ...headers,
      'X-Rate-Limit-Limit': String(this.options.concurrencyLimit),
      'X-Rate-Limit-Remaining': '0',
      'X-Rate-Limit-Reset': String(Math.ceil(resetMs / 1000)),
    };
    if (this.options.retryAfter) h['Retry-After'] = String(typeof this.options.retryAfter === 'number' ? this.options.retryAfter : 60);
    this.counters.concurrency429++;
    return { status: 429, headers: h, body: this._errorBody('E0000047', RATE_LIMIT_SUMMARY) };
  }

  _normal(req, url, entry, rl, headers) {
    const o = this.options;
    if (rl.exceeded) return this._rateLimited(headers, rl);
    const error = (status, code, summary, causes) => ({ status, headers, body: this._errorBody(code, summary, causes) });
    const authorization = req.headers.authorization || '';
    if (/^(DPoP|Bearer) /.test(authorization)) {
      // OAuth access token (oauth.cjs): expiry, DPoP proof, scope per endpoint, admin role.
      const withHeaders = (status, code, summary, extra = {}) => ({ status, headers: { ...headers, ...extra }, body: this._errorBody(code, summary) });
      const denied = this.oauth.authenticate(req, entry, withHeaders);
      if (denied) return denied;
      Object.assign(headers, this.oauth.apiHeaders());
    } else {
      entry.authScheme = authorization.startsWith('SSWS ') ? 'SSWS' : null;
      if (authorization !== `SSWS ${o.token}`) return error(401, 'E0000011', 'Invalid token provided');
    }
    if (o.forbidden.includes(entry.bucket)) return error(403, 'E0000006', 'You do not have permission to perform the requested action');
    if (req.method !== 'GET') return error(405, 'E0000022', 'The endpoint does not support the provided HTTP method');
    try {
      const result = this._route(url, entry.path);
      if (!result) return error(404, 'E0000007', `Not found: Resource not found: ${entry.path} (Path)`);
      const h = { ...headers };
      if (result.links) h.Link = result.links;
      entry.next = !!result.links && result.links.some((l) => l.endsWith('rel="next"'));
      if (result.logWindow) {
        // The bounds the simulator applied (after defaults): what the request really asked for.
        entry.logSince = result.logWindow.since;
        entry.logUntil = result.logWindow.until;
        entry.logChainSince = result.logWindow.chainSince;
        entry.logItems = result.logWindow.items;
        entry.logBelowChain = result.logWindow.belowChain;
      }
      return { status: 200, headers: h, body: result.body };
    } catch (err) {
      if (err instanceof FilterError) return error(400, 'E0000031', 'Invalid search criteria.', [err.message]);
      if (err instanceof ApiError) return error(err.status, err.code, err.message, err.causes);
      throw err;
    }
  }

  _route(url, path) {
    if (path === '/api/v1/devices') return this._listDevices(url);
    if (path === '/api/v1/iam/assignees/users') return this._listRoleAssignees(url);
    const roles = /^\/api\/v1\/(users|groups)\/([^/]+)\/roles$/.exec(path);
    if (roles) return this._roles(roles[1], decodeURIComponent(roles[2]));
    const f = /^\/api\/v1\/users\/([^/]+)\/factors(?:\/([^/]+))?$/.exec(path);
    if (f) return this._factors(decodeURIComponent(f[1]), f[2] == null ? null : decodeURIComponent(f[2]));
    const access = /^\/api\/v1\/(groups|apps)\/([^/]+)\/(users|groups)$/.exec(path);
    if (access) return this._accessList(url, access[1], decodeURIComponent(access[2]), access[3]);
    const m = /^\/api\/v1\/(users|groups|logs|apps)(?:\/([^/]+))?$/.exec(path);
    if (!m) return null;
    const [, kind, id] = m;
    if (id != null) {
      const key = decodeURIComponent(id);
      if (kind === 'users') {
        let i = this.org.userIndex(key);
        if (i < 0) {
          // Okta also accepts a login here.
          for (let j = 0; j < this.org.userCount && i < 0; j++) if (this.org.userNames(j).login === key) i = j;
        }
        const user = i >= 0 ? this.org.user(i) : null;
        if (!user) throw new ApiError(404, 'E0000007', `Not found: Resource not found: ${key} (User)`);
        return { body: JSON.stringify(user) };
      }
      if (kind === 'groups') {
        const i = this.org.groupIndex(key);
        if (i < 0) throw new ApiError(404, 'E0000007', `Not found: Resource not found: ${key} (UserGroup)`);
        const group = this.org.group(i);
        return { body: JSON.stringify(expands(url, 'stats') ? this._withStats(group, i) : group) };
      }
      if (kind === 'apps') {
        const i = this.org.appIndex(key);
        if (i < 0) throw new ApiError(404, 'E0000007', `Not found: Resource not found: ${key} (AppInstance)`);
        return { body: JSON.stringify(this.org.app(i)) };
      }
      return null;
    }
    if (kind === 'users') return this._listUsers(url);
    if (kind === 'groups') return this._listGroups(url);
    if (kind === 'apps') return this._listApps(url);
    return this._listLogs(url);
  }

  /** GET /api/v1/users/{id}/factors[/{factorId}]: no paging (Okta has none here). */
  _factors(userId, factorId) {
    const org = this.org;
    const i = org.userIndex(userId);
    if (i < 0) throw new ApiError(404, 'E0000007', `Not found: Resource not found: ${userId} (User)`);
    const list = org.factors(i);
    if (factorId == null) return { body: JSON.stringify(list) };
    const factor = list.find((x) => x && x.id === factorId);
    if (!factor) throw new ApiError(404, 'E0000007', `Not found: Resource not found: ${factorId} (UserFactor)`);
    return { body: JSON.stringify(factor) };
  }

  /**
   * GET /api/v1/groups/{id}/users (limit up to 1000), /api/v1/apps/{id}/users (up to
   * 500) and /api/v1/apps/{id}/groups (up to 200): Link paging by the last item's id
   * (resumed after its index, so a change between pages shifts nothing). The
   * `childPageLimit` option caps the page size below what was asked.
   */
  _accessList(url, parentKind, key, list) {
    const org = this.org;
    let items;
    let indexOf;
    if (parentKind === 'groups') {
      if (list !== 'users') return null;
      const g = org.groupIndex(key);
      if (g < 0 || !org.group(g)) throw new ApiError(404, 'E0000007', `Not found: Resource not found: ${key} (UserGroup)`);
      items = org.groupMemberIndexes(g).map((u) => [u, () => org.user(u)]);
      indexOf = (id) => org.userIndex(id, true);
    } else {
      const a = org.appIndex(key);
      if (a < 0 || !org.app(a)) throw new ApiError(404, 'E0000007', `Not found: Resource not found: ${key} (AppInstance)`);
      if (list === 'users') {
        items = org.appUserScopes(a).map(([u, scope]) => [u, () => org.appUser(a, u, scope)]);
        indexOf = (id) => org.userIndex(id, true);
      } else {
        const all = org.appGroups(a);
        items = org.appGroupIndexes(a).map((g, k) => [g, () => all[k]]);
        indexOf = (id) => org.groupIndex(id, true);
      }
    }
    const [def, max] = parentKind === 'groups' ? [1000, 1000] : list === 'users' ? [50, 500] : [20, 200];
    let limit = parseLimit(url.searchParams.get('limit'), def, max);
    if (this.options.childPageLimit > 0) limit = Math.min(limit, this.options.childPageLimit);
    const after = url.searchParams.get('after');
    let start = 0;
    if (after != null && after !== '') {
      const at = indexOf(after);
      if (at < 0) throw new ApiError(400, 'E0000001', 'Api validation failed: after', ['after: Invalid paging cursor.']);
      while (start < items.length && items[start][0] <= at) start++;
    }
    const page = items.slice(start, start + limit).map(([, get]) => get());
    const more = start + limit < items.length;
    return { body: JSON.stringify(page), links: this._links(url, more ? page[page.length - 1].id : null) };
  }

  _withStats(group, i) {
    return { ...group, _embedded: { stats: this.org.groupStats(i) } };
  }

  /** Link header lines; `rewrite(entries)` may change the next link's other parameters. */
  _links(url, nextAfter, rewrite = null) {
    const origin = this.options.linkOrigin || this.url;
    // `linkPath`: one path for every endpoint, or per bucket ({ logs: '/api/v1/users' }).
    const lp = this.options.linkPath;
    const path = (lp && typeof lp === 'object' ? lp[bucketOf(url.pathname)] : lp) || url.pathname;
    const links = [`<${origin}${path}${url.search}>; rel="self"`];
    if (nextAfter != null) {
      let entries = [...url.searchParams].filter(([k]) => k !== 'after');
      if (rewrite) entries = rewrite(entries);
      entries.push(['after', nextAfter]);
      links.push(`<${origin}${path}?${encodeQuery(entries)}>; rel="next"`);
    }
    return links;
  }

  /** Generic id-cursor list over users or groups. */
  _listEntities(url, { count, get, indexOf, limit, predicate, present }) {
    let start = 0;
    const after = url.searchParams.get('after');
    if (after != null && after !== '') {
      const i = indexOf(after);
      if (i < 0) throw new ApiError(400, 'E0000001', 'Api validation failed: after', ['after: Invalid paging cursor.']);
      start = i + 1;
    }
    const items = [];
    let i = start;
    // Deleted users and groups leave holes (get() is undefined there).
    for (; i < count && items.length < limit; i++) {
      const item = get(i);
      if (item && predicate(item)) items.push(item);
    }
    let more = false;
    for (let j = i; j < count && !more; j++) {
      const item = get(j);
      more = !!item && predicate(item);
    }
    return {
      body: JSON.stringify(present ? items.map(present) : items),
      links: this._links(url, more ? items[items.length - 1].id : null),
    };
  }

  _listUsers(url) {
    const q = url.searchParams;
    const limit = parseLimit(q.get('limit'), 200, 200);
    const filter = q.get('filter');
    const search = q.get('search');
    const text = q.get('q');
    const preds = [];
    if (filter) {
      preds.push(compileFilter(filter, {
        dateAttrs: DATE_ATTRS,
        allowed: (attr, op) => (USER_EQ_ATTRS.has(attr) && op === 'eq') || (attr === 'lastUpdated' && TIME_OPS.has(op)),
      }));
    }
    if (search) preds.push(compileFilter(search, { dateAttrs: DATE_ATTRS }));
    // Real Okta quirk: a plain list (no filter/search) omits DEPROVISIONED users.
    if (!filter && !search) preds.push((u) => u.status !== 'DEPROVISIONED');
    if (text) {
      const t = text.toLowerCase();
      preds.push((u) => [u.profile.firstName, u.profile.lastName, u.profile.email].some((v) => typeof v === 'string' && v.toLowerCase().startsWith(t)));
    }
    const org = this.org;
    return this._listEntities(url, {
      count: org.userCount,
      get: (i) => org.user(i),
      indexOf: (id) => org.userIndex(id, true),
      limit,
      predicate: (u) => preds.every((p) => p(u)),
    });
  }

  _listGroups(url) {
    const q = url.searchParams;
    const limit = parseLimit(q.get('limit'), 10000, 10000);
    const filter = q.get('filter');
    const search = q.get('search');
    const text = q.get('q');
    const preds = [];
    if (filter) {
      preds.push(compileFilter(filter, {
        dateAttrs: DATE_ATTRS,
        allowed: (attr, op) => (GROUP_EQ_ATTRS.has(attr) && op === 'eq')
          || ((attr === 'lastUpdated' || attr === 'lastMembershipUpdated') && TIME_OPS.has(op)),
      }));
    }
    if (search) preds.push(compileFilter(search, { dateAttrs: DATE_ATTRS }));
    if (text) {
      const t = text.toLowerCase();
      preds.push((g) => typeof g.profile.name === 'string' && g.profile.name.toLowerCase().startsWith(t));
    }
    const org = this.org;
    return this._listEntities(url, {
      count: org.groupCount,
      get: (i) => org.group(i),
      indexOf: (id) => org.groupIndex(id, true),
      limit,
      predicate: (g) => preds.every((p) => p(g)),
      // Group ids map back to their index, so stats are added to the page only.
      present: expands(url, 'stats') ? (g) => this._withStats(g, org.groupIndex(g.id)) : null,
    });
  }

  _listApps(url) {
    const q = url.searchParams;
    const limit = parseLimit(q.get('limit'), 20, 200, true);
    const filter = q.get('filter');
    const text = q.get('q');
    const preds = [];
    if (filter) {
      preds.push(compileFilter(filter, {
        dateAttrs: DATE_ATTRS,
        allowed: (attr, op) => APP_EQ_ATTRS.has(attr) && op === 'eq',
      }));
    }
    if (text) {
      const t = text.toLowerCase();
      preds.push((a) => [a.name, a.label].some((v) => typeof v === 'string' && v.toLowerCase().startsWith(t)));
    }
    const org = this.org;
    return this._listEntities(url, {
      count: org.appCount,
      get: (i) => org.app(i),
      indexOf: (id) => org.appIndex(id),
      limit,
      predicate: (a) => preds.every((p) => p(a)),
    });
  }

  /** GET /api/v1/devices: `search` (SCIM), `expand=userSummary|user` embeds each device's users. */
  _listDevices(url) {
    const q = url.searchParams;
    const limit = parseLimit(q.get('limit'), 200, 200);
    const search = q.get('search');
    const expand = q.get('expand');
    const preds = [];
    if (search) {
      preds.push(compileFilter(search, { dateAttrs: DATE_ATTRS, allowed: (attr) => DEVICE_SEARCH_ATTR.test(attr) }));
    }
    const org = this.org;
    return this._listEntities(url, {
      count: org.deviceCount,
      get: (i) => org.device(i),
      indexOf: (id) => org.deviceIndex(id, true),
      limit,
      predicate: (d) => preds.every((p) => p(d)),
      present: expand === 'userSummary' || expand === 'user' ? (d) => org.device(org.deviceIndex(d.id), expand) : null,
    });
  }

  /** GET /api/v1/users/{id}/roles or /api/v1/groups/{id}/roles: no paging. */
  _roles(kind, id) {
    const org = this.org;
    if (kind === 'users') {
      if (org.userIndex(id) < 0) throw new ApiError(404, 'E0000007', `Not found: Resource not found: ${id} (User)`);
      return { body: JSON.stringify(org.userRoles(id)) };
    }
    if (org.groupIndex(id) < 0) throw new ApiError(404, 'E0000007', `Not found: Resource not found: ${id} (UserGroup)`);
    return { body: JSON.stringify(org.groupRoles(id)) };
  }

  /** GET /api/v1/iam/assignees/users: `{ value: [{ id, orn, _links }], _links: { next? } }`. */
  _listRoleAssignees(url) {
    const org = this.org;
    const limit = parseLimit(url.searchParams.get('limit'), 100, 100);
    const all = org.roleAssigneeIndexes(this.options.assigneesIncludeGroupMembers).map((i) => org.userId(i));
    const after = url.searchParams.get('after');
    const start = after ? all.indexOf(after) + 1 : 0;
    if (after && start === 0) throw new ApiError(400, 'E0000001', 'Api validation failed: after', ['after: Invalid paging cursor.']);
    const page = all.slice(start, start + limit);
    const more = start + limit < all.length;
    const links = this._links(url, more ? page[page.length - 1] : null);
    const next = links.find((l) => l.endsWith('rel="next"'));
    const body = {
      value: page.map((id) => ({
        id,
        orn: `orn:okta:directory:00o1sim:users:${id}`,
        _links: { self: { href: `${org.origin}/api/v1/users/${id}` }, roles: { href: `${org.origin}/api/v1/users/${id}/roles` } },
      })),
      _links: next ? { next: { href: next.slice(1, next.indexOf('>')) } } : {},
    };
    return { body: JSON.stringify(body), links: this.options.assigneesPaging === 'both' ? links : [] };
  }

  _listLogs(url) {
    const q = url.searchParams;
    const org = this.org;
    const now = this.clock();
    const limit = parseLimit(q.get('limit'), 100, 1000);
    const sortOrder = (q.get('sortOrder') || 'ASCENDING').toUpperCase();
    if (sortOrder !== 'ASCENDING' && sortOrder !== 'DESCENDING') {
      throw new ApiError(400, 'E0000001', 'Api validation failed: sortOrder', ['sortOrder: must be ASCENDING or DESCENDING']);
    }
    const untilRaw = q.get('until');
    const until = untilRaw ? parseIsoDate(untilRaw) : null;
    if (Number.isNaN(until)) {
      throw new ApiError(400, 'E0000053', "Invalid date. 'until' must be a valid ISO 8601 date-time.");
    }
    // Okta: `since` defaults to 7 days before `until` (before now without `until`).
    const sinceRaw = q.get('since');
    const since = sinceRaw ? parseIsoDate(sinceRaw) : (until ?? now) - 7 * DAY;
    if (Number.isNaN(since) || since < now - 180 * DAY) {
      throw new ApiError(400, 'E0000053', "Invalid date. 'since' must be a valid ISO 8601 date-time no more than 180 days in the past.");
    }
    if (until != null && until < since) {
      throw new ApiError(400, 'E0000001', "Api validation failed: 'since' must be before 'until'");
    }
    const filter = q.get('filter');
    const rejected = filter && this.options.logRejectEventTypes.find((t) => filter.includes(`eventType eq "${t}"`));
    if (rejected) {
      throw new ApiError(400, 'E0000031', 'Invalid search criteria.', [`filter: The event type '${rejected}' is not a valid event type.`]);
    }
    const pred = filter ? compileFilter(filter, { dateAttrs: DATE_ATTRS }) : null;
    const viewOnly = pred && [...pred.attributes].every((a) => EVENT_VIEW_ATTRS.has(a));
    const viewActor = !!pred && pred.attributes.has('actor.id');
    const viewPublished = !!pred && pred.attributes.has('published');

    // A polling request (ascending, no until) bounds `since` on persistence
    // time, so late-arriving events still show up; bounded ones use published.
    const polling = sortOrder === 'ASCENDING' && until == null;
    const cutoff = now - 90 * DAY; // older events are never returned
    const G = org.initialEvents;
    const total = org.eventCount;
    // Generated events: published == persisted and monotonic, so [lo, hi) is the time window.
    const lo = org.generatedLowerBound(Math.max(since, cutoff));
    const hi = until != null ? org.generatedLowerBound(until) : G;
    const matches = (p) => {
      if (p >= G) {
        const pub = org.publishedMs(p);
        if (pub < cutoff) return false;
        if (polling ? org.persistedMs(p) < since : pub < since || (until != null && pub >= until)) return false;
      }
      return !pred || pred(viewOnly || p >= G ? org.eventView(p, viewActor, viewPublished) : org.event(p));
    };

    let start = null;
    const after = q.get('after');
    if (after != null && after !== '') {
      const m = /^\d+_(\d+)$/.exec(after);
      if (!m) throw new ApiError(400, 'E0000001', 'Api validation failed: after', ['after: Invalid paging cursor.']);
      start = Number(m[1]);
    }

    const items = new LogPage(this.options.logShuffle ? new Rng(hash3(this.seed32, 71, hash3(start ?? -1, since, until ?? -1))) : null);
    // The lower bound the chain's first request asked for, kept along its next links: a
    // page entirely below it was paid for nothing (a client that trusts a rewritten link).
    const chainSince = (after ? this.logChains.get(after) : undefined) ?? since;
    const logWindow = { since, until, chainSince, items: 0, belowChain: 0 };
    const push = (pos) => {
      items.push(org.eventJson(pos));
      logWindow.items++;
      if (org.publishedMs(pos) < chainSince) logWindow.belowChain++;
    };
    const nextAfter = (more, pos) => {
      if (!more) return null;
      const key = `${now}_${pos}`;
      this.logChains.set(key, chainSince);
      if (this.logChains.size > 100000) this.logChains.delete(this.logChains.keys().next().value);
      return key;
    };
    const rewrite = until == null ? null : this._nextSinceRewrite(since, until);
    let p;
    if (sortOrder === 'ASCENDING') {
      // Next position to look at, skipping generated positions outside [lo, hi).
      const norm = (x) => {
        if (x >= G) return x;
        if (x < lo) x = lo;
        return x >= hi ? G : x;
      };
      p = start ?? 0;
      while (items.length < limit) {
        p = norm(p);
        if (p >= total) break;
        if (matches(p)) push(p);
        p++;
      }
      p = norm(p); // the cursor: where the next page starts (== total when caught up)
      let more = polling; // polling requests always get a next link
      for (let x = p; !more && (x = norm(x)) < total; x++) more = matches(x);
      return { body: items.finish(), links: this._links(url, nextAfter(more, p), rewrite), logWindow };
    }
    const norm = (x) => (x < G && x >= hi ? hi - 1 : x);
    p = Math.min(start ?? total - 1, total - 1);
    while (items.length < limit) {
      p = norm(p);
      if (p < 0 || (p < G && p < lo)) break;
      if (matches(p)) push(p);
      p--;
    }
    let more = false;
    for (let x = p; !more; x--) {
      x = norm(x);
      if (x < 0 || (x < G && x < lo)) break;
      more = matches(x);
    }
    return { body: items.finish(), links: this._links(url, nextAfter(more, p), rewrite), logWindow };
  }

  /** How the next link of a bounded log request rewrites `since` (the logNextSince knob). */
  _nextSinceRewrite(since, until) {
    const mode = this.options.logNextSince;
    if (mode === 'drop') return (entries) => entries.filter(([k]) => k !== 'since');
    if (mode === 'shift') {
      // Later than the request's (never past `until`, which would be a 400).
      const shifted = new Date(Math.min(since + this.options.logNextShiftMs, until)).toISOString();
      return (entries) => [...entries.filter(([k]) => k !== 'since'), ['since', shifted]];
    }
    return null;
  }

  async _send(req, res, entry, out) {
    let body = Buffer.isBuffer(out.body) ? out.body : Buffer.from(out.body == null ? '' : out.body);
    const headers = { ...out.headers };
    if (body.length > 0 && acceptsGzip(req)) {
      body = await new Promise((resolve, reject) => zlib.gzip(body, { level: 1 }, (err, buf) => (err ? reject(err) : resolve(buf))));
      headers['Content-Encoding'] = 'gzip';
    }
    headers.Vary = 'Accept-Encoding';
    headers['Content-Length'] = String(body.length);
    if (this.closed || res.destroyed) return;
    entry.status = out.status;
    const c = this.counters;
    c.byStatus[out.status] = (c.byStatus[out.status] || 0) + 1;
    if (out.status === 429) {
      c.status429++;
      this._bucket(entry.bucket).status429++;
    }
    res.once('finish', () => {
      entry.endedAt = Date.now();
      const hook = this.options.onResponse;
      if (hook) {
        try {
          hook(entry);
        } catch {
          // A test hook's failure must not take the server down.
        }
      }
    });
    res.writeHead(out.status, headers);
    if (out.truncate) {
      // Promise the full body, deliver half, then drop the connection.
      const half = body.subarray(0, Math.floor(body.length / 2));
      entry.bytes = half.length;
      c.bytes += half.length;
      res.write(half, () => {
        entry.endedAt = Date.now();
        res.destroy();
      });
      return;
    }
    entry.bytes = body.length;
    c.bytes += body.length;
    res.end(body);
  }

  async _control(req, res, url) {
    const send = (status, value) => {
      const body = JSON.stringify(value);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    };
    const name = url.pathname.slice('/__sim/'.length);
    let input;
    if (req.method === 'POST') {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('utf8').trim();
      input = text ? JSON.parse(text) : undefined;
    }
    if (req.method === 'GET' && name === 'stats') return send(200, this.stats());
    if (req.method === 'GET' && name === 'requests') {
      const since = Number(url.searchParams.get('sinceSeq') || 0);
      return send(200, this.log.filter((e) => e.seq > since));
    }
    if (req.method === 'GET' && name === 'org') {
      const org = this.org;
      return send(200, { seed: org.seed, now: org.now, userCount: org.userCount, groupCount: org.groupCount, eventCount: org.eventCount, appCount: org.appCount });
    }
    if (req.method === 'POST' && name === 'options') {
      this.setOptions(input || {});
      return send(200, { ok: true });
    }
    if (req.method === 'POST' && name === 'expireTokens') {
      this.oauth.expireTokens();
      return send(200, { ok: true });
    }
    if (req.method === 'POST' && name === 'reset') {
      this.resetLog();
      return send(200, { ok: true });
    }
    // POST /__sim/addUsers etc.: the body is the method's argument list.
    if (req.method === 'POST' && CONTROL_METHODS.includes(name)) {
      const args = Array.isArray(input) ? input : input === undefined ? [] : [input];
      let result;
      try {
        result = this[name](...args);
      } catch (err) {
        return send(400, { error: String(err && err.message) });
      }
      return send(200, { ok: true, result });
    }
    return send(404, { error: `unknown control endpoint ${req.method} ${url.pathname}` });
  }
}

/**
 * A System Log page: events in the order found, or (logShuffle) in a deterministic
 * shuffled order, so a page's events are out of `published` order.
 */
class LogPage {
  constructor(rng) {
    this.rng = rng;
    this.jsons = rng ? [] : null;
    this.writer = rng ? null : new JsonArrayWriter();
  }
  get length() { return this.jsons ? this.jsons.length : this.writer.length; }
  push(json) {
    if (this.jsons) this.jsons.push(json);
    else this.writer.push(json);
  }
  finish() {
    if (!this.jsons) return this.writer.finish();
    const a = this.jsons;
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    const writer = new JsonArrayWriter();
    for (const json of a) writer.push(json);
    return writer.finish();
  }
}

// Pages of events are assembled in one reusable scratch buffer: writing each
// event's JSON text straight into it is about twice as fast as joining the
// strings and encoding the result (less flattening, less garbage).
let scratch = Buffer.allocUnsafe(4 << 20);
class JsonArrayWriter {
  constructor() {
    this.off = 0;
    this.count = 0;
    scratch[this.off++] = 0x5b; // [
  }
  get length() { return this.count; }
  push(json) {
    const need = this.off + json.length * 3 + 2;
    if (need > scratch.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
      scratch.copy(bigger, 0, 0, this.off);
      scratch = bigger;
    }
    if (this.count++ > 0) scratch[this.off++] = 0x2c; // ,
    this.off += scratch.utf8Write(json, this.off);
  }
  /** A private copy of the page (the scratch buffer is reused by the next page). */
  finish() {
    scratch[this.off++] = 0x5d; // ]
    return Buffer.from(scratch.subarray(0, this.off));
  }
}

// POST /__sim/<name> calls these with the body as the argument list.
const CONTROL_METHODS = [
  'addUsers', 'updateUser', 'deleteUser', 'addGroups', 'updateGroup', 'deleteGroup', 'addEvents',
  'enrollFactor', 'deactivateFactor', 'resetFactors', 'updateFactor', 'patchFactor', 'patchApp',
  'addGroupMember', 'removeGroupMember', 'assignUserToApp', 'unassignUserFromApp', 'assignGroupToApp', 'unassignGroupFromApp', 'deleteApp',
  'userLifecycle',
];

/** Whether `expand` (a comma list) asks for `what`. */
function expands(url, what) {
  const e = url.searchParams.get('expand');
  return e != null && e.split(',').some((x) => x.trim() === what);
}

const FACTORS_PATH = /^\/api\/v1\/users\/[^/]+\/factors(?:\/|$)/;
const ROLES_PATH = /^\/api\/v1\/(users|groups)\/[^/]+\/roles$/;

/** `SSWS <valid>` / `SSWS <other>` for API tokens, `<scheme> <token>` otherwise. */
function redactAuthorization(value, token) {
  if (value == null) return null;
  const [scheme] = String(value).split(' ', 1);
  if (scheme === 'SSWS') return value === `SSWS ${token}` ? 'SSWS <valid>' : 'SSWS <other>';
  return `${scheme} <token>`;
}

function bucketOf(path) {
  if (path === TOKEN_PATH) return 'token';
  if (FACTORS_PATH.test(path)) return 'factors';
  if (path.startsWith('/api/v1/iam/') || ROLES_PATH.test(path)) return 'roles';
  if (path === '/api/v1/users' || path.startsWith('/api/v1/users/')) return 'users';
  if (path === '/api/v1/groups' || path.startsWith('/api/v1/groups/')) return 'groups';
  if (path === '/api/v1/logs' || path.startsWith('/api/v1/logs/')) return 'logs';
  if (path === '/api/v1/apps' || path.startsWith('/api/v1/apps/')) return 'apps';
  if (path === '/api/v1/devices' || path.startsWith('/api/v1/devices/')) return 'devices';
  return 'other';
}

// Fault responses that replace the normal one (reset/truncate/slow alter delivery instead).
const FAULT_RESPONSES = {
  500(headers) {
    return { status: 500, headers, body: this._errorBody('E0000009', 'Internal Server Error') };
  },
  // The object is gone (e.g. a user deleted between a listing and a read of their factors).
  404(headers) {
    return { status: 404, headers, body: this._errorBody('E0000007', 'Not found: Resource not found') };
  },
  502(headers) {
    return { status: 502, headers: { ...headers, 'Content-Type': 'text/html' }, body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n' };
  },
  503(headers) {
    return { status: 503, headers, body: this._errorBody('E0000009', 'Service Unavailable') };
  },
  504(headers) {
    return { status: 504, headers: { ...headers, 'Content-Type': 'text/html' }, body: '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n</body>\r\n</html>\r\n' };
  },
  429(headers, rl) {
    return this._rateLimited(headers, rl);
  },
  malformed(headers) {
    return { status: 200, headers, body: '[{"id":"00u1a2b3c4d5e6f7g8h9","status":"ACTIVE","created":"2024-01-0' };
  },
  html(headers) {
    return {
      status: 200,
      headers: { ...headers, 'Content-Type': 'text/html;charset=utf-8' },
      body: '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Sign In</title></head>\n<body><div id="okta-sign-in">Please sign in to continue.</div></body></html>\n',
    };
  },
};

async function startSimulator(options = {}) {
  const sim = new Simulator(options);
  await sim.listen(options.port ?? 0);
  return sim;
}

module.exports = { Simulator, startSimulator, DEFAULT_RATE_LIMITS, FAULT_TYPES, LOG_NEXT_SINCE, bucketOf };
