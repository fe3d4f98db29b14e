// Tests of the Okta simulator itself (src/simulator): run with
//   node --test __test__/simulator.test.mjs
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import sim_ from '../src/simulator/index.cjs';

const { startSimulator, generateOrg, SIGN_IN_EVENT_TYPES, parseFilter } = sim_;
const CLI = fileURLToPath(new URL('../src/simulator/cli.cjs', import.meta.url));
const DAY = 86400000;
const AUTH_FILTER = SIGN_IN_EVENT_TYPES.map((t) => `eventType eq "${t}"`).join(' or ');

/**
 * Raw GET: resolves { status, headers, rawHeaders, links, body (decoded string), json() };
 * rejects on socket errors (reset, truncation).
 */
function get(url, { token = 'test-token', headers = {}, agent } = {}) {
  return new Promise((resolve, reject) => {
    const h = { accept: 'application/json', 'user-agent': 'sim-test/1.0', ...headers };
    if (token != null) h.authorization = `SSWS ${token}`;
    const req = http.get(url, { headers: h, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('aborted')));
      res.on('end', () => {
        if (!res.complete) return reject(new Error('incomplete response'));
        let buf = Buffer.concat(chunks);
        if (res.headers['content-encoding'] === 'gzip') buf = zlib.gunzipSync(buf);
        const body = buf.toString('utf8');
        const links = {};
        const linkLines = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (res.rawHeaders[i].toLowerCase() === 'link') linkLines.push(res.rawHeaders[i + 1]);
        }
        for (const line of linkLines) {
          const m = /^<([^>]+)>; rel="(\w+)"$/.exec(line);
          if (m) links[m[2]] = m[1];
        }
        resolve({ status: res.statusCode, headers: res.headers, linkLines, links, body, json: () => JSON.parse(body) });
      });
    });
    req.on('error', reject);
  });
}

/** Follows rel="next" until it disappears (or an empty page for polling). */
async function collect(firstUrl, { stopOnEmpty = false, maxPages = 10000 } = {}) {
  const items = [];
  const pages = [];
  let url = firstUrl;
  for (let n = 0; url && n < maxPages; n++) {
    const r = await get(url);
    assert.equal(r.status, 200, r.body);
    const page = r.json();
    pages.push({ url, size: page.length, next: r.links.next });
    items.push(...page);
    if (stopOnEmpty && page.length === 0) break;
    url = r.links.next;
  }
  return { items, pages };
}

describe('generateOrg', () => {
  const now = Date.parse('2025-03-01T12:00:00.000Z');
  const org = generateOrg({ users: 300, groups: 30, events: 5000, seed: 7, now });

  test('is deterministic per seed', () => {
    const again = generateOrg({ users: 300, groups: 30, events: 5000, seed: 7, now });
    const other = generateOrg({ users: 300, groups: 30, events: 5000, seed: 8, now });
    assert.deepEqual(again.user(42), org.user(42));
    assert.deepEqual(again.group(3), org.group(3));
    assert.deepEqual(again.event(1234), org.event(1234));
    assert.notEqual(other.user(42).id, org.user(42).id);
  });

  test('users look like Okta users, with every status and invertible ids', () => {
    const users = [...org.users()];
    assert.equal(users.length, 300);
    assert.equal(new Set(users.map((u) => u.id)).size, 300);
    const statuses = new Set(users.map((u) => u.status));
    for (const s of ['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'LOCKED_OUT', 'PASSWORD_EXPIRED', 'SUSPENDED', 'DEPROVISIONED']) {
      assert.ok(statuses.has(s), `status ${s} present`);
    }
    assert.ok(users.filter((u) => u.status === 'ACTIVE').length > 150);
    for (const [i, u] of users.entries()) {
      assert.match(u.id, /^00u[0-9A-Za-z]{17}$/);
      assert.equal(org.userIndex(u.id), i);
      assert.ok(Date.parse(u.created) <= Date.parse(u.lastUpdated));
      assert.ok(Date.parse(u.lastUpdated) >= now - 90 * DAY && Date.parse(u.lastUpdated) <= now);
      assert.ok(Date.parse(u.created) >= now - 731 * DAY);
      assert.equal(typeof u.profile.login, 'string');
      assert.equal(u.profile.email, u.profile.login);
      assert.ok(u._links.self.href.endsWith(`/api/v1/users/${u.id}`));
      if (u.status === 'STAGED') assert.equal(u.activated, null);
    }
    assert.equal(new Set(users.map((u) => u.profile.login)).size, 300);
    assert.ok(users.some((u) => u.lastLogin === null));
  });

  test('groups: mostly OKTA_GROUP, some APP_GROUP, Everyone BUILT_IN', () => {
    const groups = [...org.groups()];
    assert.equal(groups.length, 30);
    assert.deepEqual(groups[0].profile.name, 'Everyone');
    assert.equal(groups[0].type, 'BUILT_IN');
    const types = groups.map((g) => g.type);
    assert.ok(types.filter((t) => t === 'OKTA_GROUP').length > 10);
    assert.ok(types.includes('APP_GROUP'));
    assert.ok(groups.some((g) => g.profile.description === null));
    for (const g of groups) assert.match(g.id, /^00g[0-9A-Za-z]{17}$/);
  });

  test('events: monotonic published inside the window, unique uuids, ~85% sign-in', () => {
    let prev = 0;
    const uuids = new Set();
    let signIn = 0;
    const results = new Set();
    const countries = new Set();
    for (const e of org.events()) {
      const t = Date.parse(e.published);
      assert.ok(t >= prev);
      prev = t;
      uuids.add(e.uuid);
      if (SIGN_IN_EVENT_TYPES.includes(e.eventType)) signIn++;
      results.add(e.outcome.result);
      countries.add(e.client.geographicalContext?.country ?? null);
      assert.equal(org.userIndex(e.actor.id) >= 0, true);
    }
    assert.equal(uuids.size, 5000);
    assert.ok(signIn / 5000 > 0.8 && signIn / 5000 < 0.9, `sign-in share ${signIn / 5000}`);
    for (const r of ['SUCCESS', 'FAILURE', 'ALLOW', 'DENY', 'CHALLENGE']) assert.ok(results.has(r), r);
    assert.ok(countries.size > 5 && countries.has(null));
    assert.equal(Date.parse(org.event(0).published), now - 5 * DAY);
    assert.equal(Date.parse(org.event(4999).published), now - 60000);
  });

  test('filter parser accepts the connector filters and rejects junk', () => {
    assert.equal(parseFilter(AUTH_FILTER).type, 'or');
    assert.equal(parseFilter('(lastUpdated gt "2024-01-01T00:00:00.000Z") and (status eq "ACTIVE")').type, 'and');
    for (const bad of ['status eq ACTIVE', 'status eq', '(status eq "A"', 'status foo "A"', 'and', 'status eq "A" or']) {
      assert.throws(() => parseFilter(bad), undefined, bad);
    }
  });
});

describe('HTTP server', () => {
  let sim;
  before(async () => {
    // Explicit 'keep': these tests hold under OKTA_SIM_LOG_NEXT=drop too.
    sim = await startSimulator({ users: 450, groups: 25, events: 6000, seed: 3, logNextSince: 'keep' });
  });
  after(() => sim.close());

  test('auth: missing/wrong token is 401 E0000011, with rate-limit headers and request id', async () => {
    for (const token of [null, 'wrong']) {
      const r = await get(`${sim.url}/api/v1/users`, { token });
      assert.equal(r.status, 401);
      assert.equal(r.json().errorCode, 'E0000011');
      assert.equal(r.json().errorSummary, 'Invalid token provided');
      assert.ok(r.headers['x-rate-limit-limit']);
      assert.ok(r.headers['x-rate-limit-remaining']);
      assert.ok(r.headers['x-rate-limit-reset']);
      assert.ok(r.headers['x-okta-request-id']);
      assert.ok(r.headers.date);
    }
    const nf = await get(`${sim.url}/api/v1/nothing`);
    assert.equal(nf.status, 404);
    assert.equal(nf.json().errorCode, 'E0000007');
    assert.match(nf.json().errorSummary, /^Not found: Resource not found: /);
  });

  test('users: paging with separate Link lines, DEPROVISIONED omitted without a filter', async () => {
    const first = await get(`${sim.url}/api/v1/users?limit=200`);
    assert.equal(first.linkLines.length, 2);
    assert.equal(first.links.self, `${sim.url}/api/v1/users?limit=200`);
    assert.ok(first.links.next.startsWith(`${sim.url}/api/v1/users?limit=200&after=00u`));
    const { items, pages } = await collect(`${sim.url}/api/v1/users?limit=200`);
    const expected = [...sim.org.users()].filter((u) => u.status !== 'DEPROVISIONED');
    assert.deepEqual(items, expected);
    assert.equal(pages.at(-1).next, undefined);
    assert.ok(pages.length === 3);

    const clamped = await get(`${sim.url}/api/v1/users?limit=1000`);
    assert.equal(clamped.json().length, 200);
    const bad = await get(`${sim.url}/api/v1/users?limit=abc`);
    assert.equal(bad.status, 400);
  });

  test('users: filters (status, lastUpdated, profile, and/or/parens) include DEPROVISIONED', async () => {
    const all = [...sim.org.users()];
    const q = (f) => `${sim.url}/api/v1/users?limit=200&filter=${encodeURIComponent(f)}`;
    const depro = await collect(q('status eq "DEPROVISIONED"'));
    assert.ok(depro.items.length > 0);
    assert.deepEqual(depro.items.map((u) => u.id), all.filter((u) => u.status === 'DEPROVISIONED').map((u) => u.id));

    const since = new Date(Date.now() - 30 * DAY).toISOString();
    const recent = await collect(q(`lastUpdated gt "${since}"`));
    assert.deepEqual(recent.items.map((u) => u.id), all.filter((u) => Date.parse(u.lastUpdated) > Date.parse(since)).map((u) => u.id));
    assert.ok(recent.items.some((u) => u.status === 'DEPROVISIONED') || !all.some((u) => u.status === 'DEPROVISIONED' && Date.parse(u.lastUpdated) > Date.parse(since)));

    const combined = await collect(q(`(lastUpdated gt "${since}") and (status eq "ACTIVE" or status eq "SUSPENDED")`));
    assert.deepEqual(combined.items.map((u) => u.id), all.filter((u) => Date.parse(u.lastUpdated) > Date.parse(since) && ['ACTIVE', 'SUSPENDED'].includes(u.status)).map((u) => u.id));

    const one = await get(q(`profile.login eq "${all[17].profile.login}"`));
    assert.deepEqual(one.json().map((u) => u.id), [all[17].id]);
    const byId = await get(q(`id eq "${all[5].id}"`));
    assert.deepEqual(byId.json().map((u) => u.id), [all[5].id]);

    for (const f of ['status eq ACTIVE', 'status gt "A"', 'profile.title eq "x"', 'lastUpdated gt "yesterday"', '(status eq "ACTIVE"']) {
      const r = await get(q(f));
      assert.equal(r.status, 400, f);
      assert.equal(r.json().errorCode, 'E0000031');
      assert.equal(r.json().errorSummary, 'Invalid search criteria.');
    }
  });

  test('groups: default limit returns everything; type and lastUpdated filters', async () => {
    const r = await get(`${sim.url}/api/v1/groups`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [...sim.org.groups()]);
    assert.equal(r.links.next, undefined);
    const paged = await collect(`${sim.url}/api/v1/groups?limit=10`);
    assert.equal(paged.items.length, 25);
    assert.equal(paged.pages.length, 3);
    const builtIn = await get(`${sim.url}/api/v1/groups?filter=${encodeURIComponent('type eq "BUILT_IN"')}`);
    assert.ok(builtIn.json().every((g) => g.type === 'BUILT_IN'));
    assert.ok(builtIn.json().some((g) => g.profile.name === 'Everyone'));
    const since = new Date(Date.now() - 20 * DAY).toISOString();
    const recent = await get(`${sim.url}/api/v1/groups?limit=200&filter=${encodeURIComponent(`lastUpdated gt "${since}" and type eq "OKTA_GROUP"`)}`);
    assert.deepEqual(recent.json().map((g) => g.id), [...sim.org.groups()].filter((g) => g.type === 'OKTA_GROUP' && Date.parse(g.lastUpdated) > Date.parse(since)).map((g) => g.id));
    const bad = await get(`${sim.url}/api/v1/groups?filter=${encodeURIComponent('profile.name eq "x"')}`);
    assert.equal(bad.status, 400);
  });

  test('logs: AUTH filter, ascending paging, polling next link on every page', async () => {
    const url = `${sim.url}/api/v1/logs?limit=1000&filter=${encodeURIComponent(AUTH_FILTER)}&sortOrder=ASCENDING`;
    const { items, pages } = await collect(url, { stopOnEmpty: true });
    const expected = [...sim.org.events()].filter((e) => SIGN_IN_EVENT_TYPES.includes(e.eventType));
    assert.equal(items.length, expected.length);
    assert.deepEqual(items.map((e) => e.uuid), expected.map((e) => e.uuid));
    assert.equal(pages.at(-1).size, 0);
    assert.ok(pages.every((p) => p.next), 'every polling page has a next link');
    assert.ok(pages.at(-1).next.includes('filter=eventType%20eq%20%22user.session.start%22'));
    assert.ok(pages.at(-1).next.includes('sortOrder=ASCENDING'));
    // An empty polling page repeats its position.
    const again = await get(pages.at(-1).next);
    assert.equal(again.json().length, 0);
    assert.equal(new URL(again.links.next).searchParams.get('after').split('_')[1], new URL(pages.at(-1).next).searchParams.get('after').split('_')[1]);

    // since: binary-searched lower bound on published.
    const since = sim.org.event(4000).published;
    const fromSince = await collect(`${url}&since=${encodeURIComponent(since)}`, { stopOnEmpty: true });
    assert.deepEqual(fromSince.items.map((e) => e.uuid), expected.filter((e) => e.published >= since).map((e) => e.uuid));
    assert.ok(fromSince.pages[0].next.includes(`since=${encodeURIComponent(since)}`));
  });

  test('logs: other filters, DESCENDING and bounded queries end without next', async () => {
    const all = [...sim.org.events()];
    const f = encodeURIComponent('outcome.result eq "FAILURE" and actor.id eq "' + all[10].actor.id + '"');
    const r = await collect(`${sim.url}/api/v1/logs?filter=${f}&until=${encodeURIComponent(new Date().toISOString())}`);
    assert.deepEqual(r.items.map((e) => e.uuid), all.filter((e) => e.outcome.result === 'FAILURE' && e.actor.id === all[10].actor.id).map((e) => e.uuid));

    const desc = await collect(`${sim.url}/api/v1/logs?limit=1000&sortOrder=DESCENDING`);
    assert.deepEqual(desc.items.map((e) => e.uuid), all.map((e) => e.uuid).reverse());
    assert.equal(desc.pages.length, 6);
    assert.equal(desc.pages.at(-1).next, undefined);

    const since = all[100].published;
    const until = all[300].published;
    const bounded = await collect(`${sim.url}/api/v1/logs?limit=50&since=${encodeURIComponent(since)}&until=${encodeURIComponent(until)}`);
    assert.deepEqual(bounded.items.map((e) => e.uuid), all.filter((e) => e.published >= since && e.published < until).map((e) => e.uuid));
    assert.equal(bounded.pages.at(-1).next, undefined);

    // A nested attribute outside the cheap view (full events are built to filter).
    const chrome = await get(`${sim.url}/api/v1/logs?limit=1000&filter=${encodeURIComponent('client.userAgent.browser eq "FIREFOX"')}`);
    assert.deepEqual(chrome.json().map((e) => e.uuid), all.filter((e) => e.client.userAgent.browser === 'FIREFOX').slice(0, 1000).map((e) => e.uuid));
  });

  test('logs: since validation, 90-day cutoff, late-arriving events', async () => {
    const old = await get(`${sim.url}/api/v1/logs?since=${encodeURIComponent(new Date(Date.now() - 181 * DAY).toISOString())}`);
    assert.equal(old.status, 400);
    assert.equal(old.json().errorCode, 'E0000053');
    assert.match(old.json().errorSummary, /^Invalid date\. 'since' must be/);
    assert.equal((await get(`${sim.url}/api/v1/logs?since=yesterday`)).status, 400);
    assert.equal((await get(`${sim.url}/api/v1/logs?filter=${encodeURIComponent('eventType eq')}`)).json().errorCode, 'E0000031');

    // Catch up, then add a late event (published 2 days ago) and an ancient one (> 90 days).
    const url = `${sim.url}/api/v1/logs?limit=1000&filter=${encodeURIComponent(AUTH_FILTER)}&sortOrder=ASCENDING`;
    const first = await collect(url, { stopOnEmpty: true });
    const cursor = first.pages.at(-1).next;
    const late = new Date(Date.now() - 2 * DAY).toISOString();
    const [added] = sim.addEvents([
      { eventType: 'user.session.start', published: late, outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' } },
      { eventType: 'user.session.start', published: new Date(Date.now() - 100 * DAY).toISOString() },
      { eventType: 'user.lifecycle.create' },
    ]);
    assert.equal(added.published, late);
    assert.equal(added.outcome.reason, 'INVALID_CREDENTIALS');
    assert.ok(added.actor.id && added.client.ipAddress && added.uuid);
    const next = await get(cursor);
    assert.deepEqual(next.json().map((e) => e.uuid), [added.uuid]);
    const after = await get(next.links.next);
    assert.equal(after.json().length, 0);
    assert.equal(sim.org.eventCount, 6003);
    assert.deepEqual(sim.org.event(6000), added);
  });

  test('gzip only when asked for', async () => {
    const plain = await get(`${sim.url}/api/v1/groups`, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(plain.headers['content-encoding'], undefined);
    const gz = await get(`${sim.url}/api/v1/groups`, { headers: { 'accept-encoding': 'gzip, deflate' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gz.body, plain.body);
    assert.ok(Number(gz.headers['content-length']) < Number(plain.headers['content-length']));
  });

  test('runtime mutations: addUsers, updateUser, addGroups feed incremental filters', async () => {
    const t0 = new Date(Date.now() - 1).toISOString();
    const user = sim.org.user(3);
    const updated = sim.updateUser(user.id, { status: 'SUSPENDED', profile: { lastName: 'Renamed' } });
    assert.equal(updated.status, 'SUSPENDED');
    assert.equal(updated.profile.lastName, 'Renamed');
    assert.equal(updated.profile.firstName, user.profile.firstName);
    const [newUser] = sim.addUsers(1);
    const [newGroup] = sim.addGroups(1);
    const users = await get(`${sim.url}/api/v1/users?filter=${encodeURIComponent(`lastUpdated gt "${t0}"`)}`);
    assert.deepEqual(users.json().map((u) => u.id), [user.id, newUser.id]);
    assert.deepEqual(users.json()[0], sim.org.user(3));
    const groups = await get(`${sim.url}/api/v1/groups?filter=${encodeURIComponent(`lastUpdated gt "${t0}"`)}`);
    assert.deepEqual(groups.json().map((g) => g.id), [newGroup.id]);
    assert.equal(sim.org.userCount, 451);
  });

  test('request log and stats; control endpoints are not counted', async () => {
    sim.resetLog();
    await get(`${sim.url}/api/v1/users?limit=5`, { headers: { 'accept-encoding': 'gzip' } });
    await get(`${sim.url}/api/v1/logs?limit=5&filter=${encodeURIComponent('eventType eq "user.session.start"')}`);
    const stats = await get(`${sim.url}/__sim/stats`, { token: null });
    assert.equal(stats.json().requests, 2);
    assert.equal(stats.json().byBucket.users.requests, 1);
    assert.equal(stats.json().byBucket.logs.maxInWindow, 1);
    assert.equal(sim.requests.length, 2);
    const [u, l] = sim.requests;
    assert.equal(u.seq + 1, l.seq);
    assert.equal(u.method, 'GET');
    assert.equal(u.path, '/api/v1/users');
    assert.deepEqual(u.query, { limit: '5' });
    assert.equal(u.headers.authorization, 'SSWS <valid>');
    assert.equal(u.headers.accept, 'application/json');
    assert.equal(u.headers['user-agent'], 'sim-test/1.0');
    assert.equal(u.headers['accept-encoding'], 'gzip');
    assert.equal(u.bucket, 'users');
    assert.equal(u.status, 200);
    assert.ok(u.bytes > 0 && u.endedAt >= u.startedAt && u.inFlightAtStart >= 1);
    assert.equal(l.query.filter, 'eventType eq "user.session.start"');
    assert.equal(l.windowStart % 1000, 0);
    const opt = await fetch(`${sim.url}/__sim/options`, { method: 'POST', body: JSON.stringify({ forbidden: ['groups'] }) });
    assert.equal(opt.status, 200);
    const forbidden = await get(`${sim.url}/api/v1/groups`);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.json().errorCode, 'E0000006');
    sim.setOptions({ forbidden: [] });
    await fetch(`${sim.url}/__sim/reset`, { method: 'POST' });
    assert.equal(sim.stats().requests, 0);
    assert.equal(sim.requests.length, 0);
  });

  test('linkOrigin / linkPath override the origin and path of Link URLs', async () => {
    sim.setOptions({ linkOrigin: 'https://evil.example.com', linkPath: '/api/v1/other' });
    const r = await get(`${sim.url}/api/v1/users?limit=2`);
    assert.ok(r.links.next.startsWith('https://evil.example.com/api/v1/other?limit=2&after='));
    sim.setOptions({ linkOrigin: null, linkPath: { logs: '/api/v1/users' } });
    assert.ok((await get(`${sim.url}/api/v1/users?limit=2`)).links.next.startsWith(`${sim.url}/api/v1/users?limit=2&after=`));
    assert.ok((await get(`${sim.url}/api/v1/logs?limit=2`)).links.next.startsWith(`${sim.url}/api/v1/users?limit=2&after=`), 'only the logs bucket');
    sim.setOptions({ linkOrigin: null, linkPath: null });
  });
});

describe('rate limits, concurrency and faults', () => {
  test('fixed windows: headers count down, then 429 E0000047 (Retry-After on request)', async () => {
    const sim = await startSimulator({ users: 10, rateLimits: { users: { limit: 3, windowMs: 2000 } }, retryAfter: true });
    try {
      const seen = [];
      for (let i = 0; i < 4; i++) seen.push(await get(`${sim.url}/api/v1/users`));
      assert.deepEqual(seen.map((r) => r.status), [200, 200, 200, 429]);
      assert.deepEqual(seen.map((r) => r.headers['x-rate-limit-remaining']), ['2', '1', '0', '0']);
      assert.ok(seen.every((r) => r.headers['x-rate-limit-limit'] === '3'));
      const reset = Number(seen[0].headers['x-rate-limit-reset']);
      assert.ok(reset * 1000 > Date.now() - 100 && reset * 1000 <= Date.now() + 2100);
      assert.equal((reset * 1000 - sim.requests[0].windowStart), 2000);
      const body = seen[3].json();
      assert.equal(body.errorCode, 'E0000047');
      assert.equal(body.errorSummary, 'API call exceeded rate limit due to too many requests.');
      assert.match(body.errorId, /^oae/);
      assert.deepEqual(body.errorCauses, []);
      assert.ok(Number(seen[3].headers['retry-after']) >= 0);
      // Other buckets are independent.
      assert.equal((await get(`${sim.url}/api/v1/groups`)).status, 200);
      const stats = sim.stats();
      assert.equal(stats.status429, 1);
      assert.equal(stats.byBucket.users.status429, 1);
      assert.equal(stats.byBucket.users.maxInWindow, 4);
      // Runtime change of the limit.
      sim.setOptions({ rateLimits: { users: { limit: 100, windowMs: 1000 } } });
      assert.equal((await get(`${sim.url}/api/v1/users`)).status, 200);
    } finally {
      await sim.close();
    }
  });

  test('concurrency limit: excess in-flight requests get 429 describing the concurrency limit', async () => {
    const sim = await startSimulator({ users: 10, concurrencyLimit: 2, latencyMs: 150 });
    try {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
      const results = await Promise.all(Array.from({ length: 5 }, () => get(`${sim.url}/api/v1/users`, { agent })));
      const limited = results.filter((r) => r.status === 429);
      assert.equal(limited.length, 3);
      for (const r of limited) {
        assert.equal(r.headers['x-rate-limit-limit'], '2');
        assert.equal(r.headers['x-rate-limit-remaining'], '0');
        assert.ok(Number(r.headers['x-rate-limit-reset']) >= Math.floor(Date.now() / 1000) + 58);
        assert.equal(r.json().errorCode, 'E0000047');
      }
      assert.equal(sim.stats().concurrency429, 3);
      assert.ok(sim.stats().maxInFlight >= 5);
      agent.destroy();
    } finally {
      await sim.close();
    }
  });

  test('latency and seeded jitter delay responses', async () => {
    const sim = await startSimulator({ users: 5, latencyMs: { logs: 120 }, latencyJitterMs: { logs: 30 } });
    try {
      let t = Date.now();
      await get(`${sim.url}/api/v1/users`);
      assert.ok(Date.now() - t < 100);
      t = Date.now();
      await get(`${sim.url}/api/v1/logs`);
      assert.ok(Date.now() - t >= 115);
    } finally {
      await sim.close();
    }
  });

  test('faults: 5xx, 429, malformed, html, reset, truncate, counted and logged', async () => {
    const sim = await startSimulator({
      users: 50,
      faults: [
        { type: '500', bucket: 'users', nth: [1] },
        { type: '503', bucket: 'users', nth: [2] },
        { type: '429', bucket: 'users', nth: [3] },
        { type: 'malformed', bucket: 'users', nth: [4] },
        { type: 'html', bucket: 'users', nth: [5] },
        { type: 'reset', bucket: 'users', nth: [6] },
        { type: 'truncate', bucket: 'users', nth: [7] },
        { type: '502', path: '/api/v1/groups', count: 1 },
      ],
    });
    try {
      const u = `${sim.url}/api/v1/users`;
      const r1 = await get(u);
      assert.equal(r1.status, 500);
      assert.equal(r1.json().errorCode, 'E0000009');
      assert.equal(r1.json().errorSummary, 'Internal Server Error');
      assert.equal((await get(u)).status, 503);
      const r3 = await get(u);
      assert.equal(r3.status, 429);
      assert.equal(r3.headers['x-rate-limit-remaining'], '0');
      assert.equal(r3.json().errorCode, 'E0000047');
      const r4 = await get(u);
      assert.equal(r4.status, 200);
      assert.throws(() => r4.json());
      const r5 = await get(u);
      assert.equal(r5.status, 200);
      assert.match(r5.headers['content-type'], /^text\/html/);
      await assert.rejects(get(u));
      await assert.rejects(get(u, { headers: { 'accept-encoding': 'gzip' } }));
      assert.equal((await get(u)).status, 200);
      assert.equal((await get(`${sim.url}/api/v1/groups`)).status, 502);
      assert.equal((await get(`${sim.url}/api/v1/groups`)).status, 200);
      await new Promise((r) => setTimeout(r, 20));
      const log = sim.requests;
      assert.deepEqual(log.map((e) => e.fault ?? null), ['500', '503', '429', 'malformed', 'html', 'reset', 'truncate', null, '502', null]);
      assert.equal(log[5].status, 0);
      assert.ok(log[6].bytes > 0 && log[6].status === 200);
      assert.equal(sim.stats().byBucket.users.requests, 8);
      assert.equal(sim.stats().faults, 8);
    } finally {
      await sim.close();
    }
  });

  test('faults: seeded rate is deterministic; concurrency429 fault', async () => {
    const run = async () => {
      const sim = await startSimulator({ users: 5, seed: 9, faults: [{ type: '500', rate: 0.3 }] });
      const statuses = [];
      for (let i = 0; i < 30; i++) statuses.push((await get(`${sim.url}/api/v1/users`)).status);
      await sim.close();
      return statuses;
    };
    const a = await run();
    assert.deepEqual(await run(), a);
    const n500 = a.filter((s) => s === 500).length;
    assert.ok(n500 > 2 && n500 < 20, String(n500));

    const sim = await startSimulator({ users: 5, concurrencyLimit: 75, faults: [{ type: 'concurrency429', bucket: 'logs', nth: [1] }] });
    try {
      const r = await get(`${sim.url}/api/v1/logs`);
      assert.equal(r.status, 429);
      assert.equal(r.headers['x-rate-limit-limit'], '75');
      assert.equal((await get(`${sim.url}/api/v1/logs`)).status, 200);
    } finally {
      await sim.close();
    }
  });

  test('slow fault does not keep close() from finishing', async () => {
    const sim = await startSimulator({ users: 5, faults: [{ type: 'slow', delayMs: 60000 }] });
    const pending = get(`${sim.url}/api/v1/users`).catch((e) => e);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(sim.stats().inFlight, 1);
    const t = Date.now();
    await sim.close();
    assert.ok(Date.now() - t < 1000);
    assert.ok((await pending) instanceof Error);
  });
});

describe('cli', () => {
  test('prints one JSON line, serves, exposes stats, stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, '--port', '0', '--users', '300', '--groups', '20', '--events', '3000',
      '--seed', '1', '--apps', '30', '--rate-limit', 'users=100/10000,groups=100/10000,logs=20/10000,apps=7/10000', '--token', 'T'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      while (!out.includes('\n')) {
        const [chunk] = await once(child.stdout, 'data');
        out += chunk;
      }
      const info = JSON.parse(out.trim());
      assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(info.token, 'T');
      const r = await get(`${info.url}/api/v1/logs?limit=10`, { token: 'T' });
      assert.equal(r.status, 200);
      assert.equal(r.headers['x-rate-limit-limit'], '20');
      assert.equal(r.headers['x-rate-limit-remaining'], '19');
      const expected = generateOrg({ users: 300, groups: 20, events: 3000, apps: 30, seed: 1, now: info.now, origin: info.url });
      // All events are inside the default 7-day window: the first page starts at event 0.
      assert.deepEqual(r.json(), Array.from({ length: 10 }, (_, i) => expected.event(i)));
      const stats = await (await fetch(`${info.url}/__sim/stats`)).json();
      assert.equal(stats.requests, 1);
      assert.equal(stats.byBucket.logs.requests, 1);
      const apps = await get(`${info.url}/api/v1/apps?limit=200`, { token: 'T' });
      assert.equal(apps.headers['x-rate-limit-limit'], '7');
      assert.deepEqual(apps.json(), [...expected.appsList()].slice(0, 30));
      assert.equal(apps.json().length, 30);
      assert.equal((await (await fetch(`${info.url}/__sim/org`)).json()).appCount, 30);
    } finally {
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
    }
  });

  test('--help lists the apps and factors endpoints and the --apps flag', async () => {
    const child = spawn(process.execPath, [CLI, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    assert.match(out, /--apps N\s+apps \(default 12\)/);
    assert.match(out, /\/api\/v1\/apps/);
    assert.match(out, /\/api\/v1\/users\/\{id\}\/factors/);
    assert.match(out, /\/__sim\/enrollFactor/);
    assert.ok(out.split('\n').every((line) => line.length <= 80));
  });
});

describe('fixed now', () => {
  test('a past `now` is the simulated present for logs windows and mutations', async () => {
    const now = Date.parse('2024-01-10T00:00:00.000Z');
    const sim = await startSimulator({ users: 20, groups: 3, events: 500, now, seed: 2 });
    try {
      const page = await get(`${sim.url}/api/v1/logs?limit=1000`);
      assert.equal(page.json().length, 500);
      assert.deepEqual(page.json()[0], generateOrg({ users: 20, groups: 3, events: 500, now, seed: 2 }).event(0));
      const ok = await get(`${sim.url}/api/v1/logs?since=${encodeURIComponent('2023-12-01T00:00:00.000Z')}`);
      assert.equal(ok.status, 200);
      const tooOld = await get(`${sim.url}/api/v1/logs?since=${encodeURIComponent('2023-07-01T00:00:00.000Z')}`);
      assert.equal(tooOld.status, 400);
      const u = sim.updateUser(sim.org.user(0).id, { status: 'LOCKED_OUT' });
      assert.ok(Math.abs(Date.parse(u.lastUpdated) - now) < 5000);
      assert.equal(u.statusChanged, u.lastUpdated);
    } finally {
      await sim.close();
    }
  });
});

describe('scale', () => {
  test('a 1M-event org serves filtered 1000-event pages quickly; the log is bounded', async () => {
    const sim = await startSimulator({ users: 20000, groups: 10, events: 1_000_000, logLimit: 3 });
    try {
      const since = sim.org.event(700_000).published;
      const url = `${sim.url}/api/v1/logs?limit=1000&filter=${encodeURIComponent(AUTH_FILTER)}&sortOrder=ASCENDING&since=${encodeURIComponent(since)}`;
      let next = url;
      const t = Date.now();
      let first = null;
      for (let i = 0; i < 5; i++) {
        const r = await get(next, { headers: { 'accept-encoding': 'gzip' } });
        const page = r.json();
        assert.equal(page.length, 1000);
        first ??= page[0];
        next = r.links.next;
      }
      assert.ok(Date.now() - t < 3000, `5 pages took ${Date.now() - t} ms`);
      assert.ok(first.published >= since);
      assert.ok(SIGN_IN_EVENT_TYPES.includes(first.eventType));
      // A sparse filter scans the whole org in one request.
      const actor = sim.org.userId(123);
      const t2 = Date.now();
      const sparse = await get(`${sim.url}/api/v1/logs?limit=1000&filter=${encodeURIComponent(`actor.id eq "${actor}"`)}`);
      assert.ok(Date.now() - t2 < 4000, `sparse scan took ${Date.now() - t2} ms`);
      assert.ok(sparse.json().length > 10 && sparse.json().every((e) => e.actor.id === actor));
      assert.equal(sim.requests.length, 3);
      assert.equal(sim.requests[0].seq, 4);
      assert.equal(sim.stats().requests, 6);
    } finally {
      await sim.close();
    }
  });
});

describe('apps, group stats and factors', () => {
  let sim;
  before(async () => {
    sim = await startSimulator({ users: 400, groups: 15, events: 500, apps: 45, seed: 5 });
  });
  after(() => sim.close());
  const FACTOR_EVENT_TYPES = ['user.mfa.factor.activate', 'user.mfa.factor.deactivate', 'user.mfa.factor.reset_all', 'user.mfa.factor.update'];
  const factorsUrl = (id) => `${sim.url}/api/v1/users/${id}/factors`;
  const lastEvent = () => sim.org.event(sim.org.eventCount - 1);

  test('apps: default limit 20, Link paging by id, Okta app shape, own bucket', async () => {
    const expected = [...sim.org.appsList()];
    assert.equal(expected.length, 45);
    const first = await get(`${sim.url}/api/v1/apps`);
    assert.equal(first.status, 200);
    assert.equal(first.headers['x-rate-limit-limit'], '100');
    assert.deepEqual(first.json(), expected.slice(0, 20));
    assert.equal(first.links.next, `${sim.url}/api/v1/apps?after=${expected[19].id}`);
    const { items, pages } = await collect(`${sim.url}/api/v1/apps?limit=7`);
    assert.deepEqual(items, expected);
    assert.equal(pages.length, 7);
    assert.equal(pages.at(-1).next, undefined);
    assert.equal(sim.requests.at(-1).bucket, 'apps');
    assert.equal(new Set(items.map((a) => a.id)).size, 45);
    // The first apps are the ones System Log events reference.
    assert.deepEqual(items.slice(0, sim.org.apps.length).map((a) => [a.id, a.label]), sim.org.apps.map((a) => [a.id, a.label]));
    const modes = new Set();
    for (const a of items) {
      assert.match(a.id, /^0oa[0-9A-Za-z]{17}$/);
      for (const k of ['name', 'label', 'status', 'signOnMode', 'created', 'lastUpdated', 'accessibility', 'visibility', 'features', 'credentials', 'settings', '_links']) {
        assert.ok(a[k] !== undefined, `${a.id} has ${k}`);
      }
      assert.ok(Date.parse(a.created) <= Date.parse(a.lastUpdated));
      assert.ok(Array.isArray(a.features));
      assert.equal(a._links.users.href, `${sim.url}/api/v1/apps/${a.id}/users`);
      assert.ok(a._links[a.status === 'ACTIVE' ? 'deactivate' : 'activate']);
      modes.add(a.signOnMode);
    }
    for (const m of ['SAML_2_0', 'OPENID_CONNECT', 'BOOKMARK', 'WS_FEDERATION']) assert.ok(modes.has(m), m);
    assert.equal(new Set(items.map((a) => a.label)).size, 45, 'labels are unique');

    const one = await get(`${sim.url}/api/v1/apps/${expected[30].id}`);
    assert.deepEqual(one.json(), expected[30]);
    const missing = await get(`${sim.url}/api/v1/apps/0oa00000000000000000`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json().errorCode, 'E0000007');
  });

  test('apps: limit max 200 (over it a 400), status filter, deterministic per seed', async () => {
    assert.equal((await get(`${sim.url}/api/v1/apps?limit=200`)).json().length, 45);
    for (const limit of ['201', '0', 'x']) {
      const r = await get(`${sim.url}/api/v1/apps?limit=${limit}`);
      assert.equal(r.status, 400, limit);
      assert.equal(r.json().errorCode, 'E0000001');
    }
    const all = [...sim.org.appsList()];
    const inactive = await collect(`${sim.url}/api/v1/apps?limit=3&filter=${encodeURIComponent('status eq "INACTIVE"')}`);
    assert.ok(inactive.items.length >= 5);
    assert.deepEqual(inactive.items, all.filter((a) => a.status === 'INACTIVE'));
    const active = await collect(`${sim.url}/api/v1/apps?limit=200&filter=${encodeURIComponent('status eq "ACTIVE"')}`);
    assert.equal(active.items.length + inactive.items.length, 45);
    assert.ok(active.items.every((a) => a.status === 'ACTIVE'));
    const oidc = await get(`${sim.url}/api/v1/apps?filter=${encodeURIComponent('name eq "oidc_client" and status eq "ACTIVE"')}`);
    assert.deepEqual(oidc.json().map((a) => a.id), all.filter((a) => a.name === 'oidc_client' && a.status === 'ACTIVE').map((a) => a.id));
    assert.ok(oidc.json().length >= 2);
    assert.deepEqual((await get(`${sim.url}/api/v1/apps?q=sla`)).json().map((a) => a.label), ['Slack']);
    const bad = await get(`${sim.url}/api/v1/apps?filter=${encodeURIComponent('label eq "Slack"')}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json().errorCode, 'E0000031');

    const now = sim.org.now;
    const a = generateOrg({ seed: 11, now });
    assert.equal(a.appCount, 12);
    assert.deepEqual([...a.appsList()], [...generateOrg({ seed: 11, now }).appsList()]);
    assert.notDeepEqual([...a.appsList()].map((x) => x.id), [...generateOrg({ seed: 12, now }).appsList()].map((x) => x.id));
    const statuses = [...a.appsList()].map((x) => x.status);
    assert.ok(statuses.includes('INACTIVE') && statuses.filter((s) => s === 'ACTIVE').length >= 9);
    assert.equal(generateOrg({ apps: 0 }).appCount, 0);
  });

  test('apps and factors: own rate-limit buckets, forbidden-able', async () => {
    const s2 = await startSimulator({ users: 30, seed: 5, rateLimits: { apps: { limit: 2, windowMs: 60000 }, factors: { limit: 3, windowMs: 60000 } } });
    try {
      const uid = s2.org.user(0).id;
      const apps = [];
      for (let i = 0; i < 3; i++) apps.push(await get(`${s2.url}/api/v1/apps`));
      assert.deepEqual(apps.map((r) => r.status), [200, 200, 429]);
      assert.equal(apps[2].json().errorCode, 'E0000047');
      const factors = [];
      for (let i = 0; i < 4; i++) factors.push(await get(`${s2.url}/api/v1/users/${uid}/factors`));
      assert.deepEqual(factors.map((r) => r.status), [200, 200, 200, 429]);
      assert.deepEqual(factors.map((r) => r.headers['x-rate-limit-remaining']), ['2', '1', '0', '0']);
      // The users bucket is untouched by both.
      const user = await get(`${s2.url}/api/v1/users/${uid}`);
      assert.equal(user.status, 200);
      assert.equal(user.headers['x-rate-limit-remaining'], '599');
      const stats = s2.stats().byBucket;
      assert.deepEqual([stats.apps.requests, stats.apps.status429, stats.factors.requests, stats.factors.status429, stats.users.requests], [3, 1, 4, 1, 1]);
      assert.equal(stats.apps.limit, 2);

      s2.setOptions({ forbidden: ['apps', 'factors'], rateLimits: { apps: { limit: 100 }, factors: { limit: 600 } } });
      for (const path of ['/api/v1/apps', `/api/v1/apps/${s2.org.appId(0)}`, `/api/v1/users/${uid}/factors`]) {
        const r = await get(`${s2.url}${path}`);
        assert.equal(r.status, 403, path);
        assert.equal(r.json().errorCode, 'E0000006');
      }
      assert.equal((await get(`${s2.url}/api/v1/users/${uid}`)).status, 200);
    } finally {
      await s2.close();
    }
    const { DEFAULT_RATE_LIMITS } = sim_;
    assert.deepEqual(DEFAULT_RATE_LIMITS.apps, { limit: 100, windowMs: 60000 });
    assert.deepEqual(DEFAULT_RATE_LIMITS.factors, { limit: 600, windowMs: 60000 });
  });

  test('groups?expand=stats embeds stats; without expand nothing changes', async () => {
    const plain = await get(`${sim.url}/api/v1/groups`);
    assert.deepEqual(plain.json(), [...sim.org.groups()]);
    assert.ok(plain.json().every((g) => g._embedded === undefined));
    const { items } = await collect(`${sim.url}/api/v1/groups?limit=4&expand=stats`);
    assert.equal(items.length, 15);
    const again = generateOrg({ users: 400, groups: 15, events: 500, apps: 45, seed: 5, now: sim.org.now });
    for (const [i, g] of items.entries()) {
      const { _embedded, ...rest } = g;
      assert.deepEqual(rest, plain.json()[i]);
      const s = _embedded.stats;
      assert.deepEqual(Object.keys(s).slice(0, 4), ['usersCount', 'appsCount', 'groupPushMappingsCount', 'hasAdminPrivilege']);
      for (const k of ['usersCount', 'appsCount', 'groupPushMappingsCount']) assert.ok(Number.isInteger(s[k]) && s[k] >= 0, k);
      assert.ok(s.usersCount <= sim.org.userCount && s.appsCount <= sim.org.appCount);
      assert.equal(typeof s.hasAdminPrivilege, 'boolean');
      const { _links, ...expected } = again.groupStats(i);
      assert.deepEqual({ ...s, _links: undefined }, { ...expected, _links: undefined });
    }
    assert.deepEqual(items, [...sim.org.groups({ expand: 'stats' })]);
    assert.deepEqual(items[2], sim.org.group(2, { expand: 'stats' }));
    assert.equal(items[0].profile.name, 'Everyone');
    assert.equal(items[0]._embedded.stats.usersCount, sim.org.userCount);
    assert.equal(items[1].profile.name, 'Okta Administrators');
    assert.equal(items[1]._embedded.stats.hasAdminPrivilege, true);
    assert.ok(new Set(items.slice(2).map((g) => g._embedded.stats.usersCount)).size > 3, 'counts vary');
    // expand is a comma list; the single-group route expands too; filters still apply.
    const one = await get(`${sim.url}/api/v1/groups/${items[0].id}?expand=app,stats`);
    assert.equal(one.json()._embedded.stats.usersCount, sim.org.userCount);
    const builtIn = await get(`${sim.url}/api/v1/groups?expand=stats&filter=${encodeURIComponent('type eq "BUILT_IN"')}`);
    assert.deepEqual(builtIn.json().map((g) => g.id), items.filter((g) => g.type === 'BUILT_IN').map((g) => g.id));
    assert.ok(builtIn.json().every((g) => g._embedded.stats));
    assert.equal((await get(`${sim.url}/api/v1/groups?expand=app`)).json()[0]._embedded, undefined);
  });

  test('factors: per-user arrays, no paging, status-dependent, deterministic', async () => {
    const org = sim.org;
    const counts = [0, 0, 0, 0, 0];
    const types = new Set();
    const providers = new Set();
    const statuses = new Set();
    const ids = new Set();
    let activeUsers = 0;
    let activeOneOrTwo = 0;
    const agent = new http.Agent({ keepAlive: true });
    for (let i = 0; i < org.userCount; i++) {
      const user = org.user(i);
      const r = await get(factorsUrl(user.id), { agent });
      assert.equal(r.status, 200);
      assert.equal(r.headers.link, undefined);
      const list = r.json();
      assert.ok(Array.isArray(list));
      assert.deepEqual(list, org.factors(i));
      if (['STAGED', 'PROVISIONED', 'DEPROVISIONED'].includes(user.status)) assert.deepEqual(list, [], `${user.status} user has none`);
      if (user.status === 'ACTIVE') {
        activeUsers++;
        if (list.length === 1 || list.length === 2) activeOneOrTwo++;
      }
      counts[list.length]++;
      for (const f of list) {
        assert.match(f.id, /^[a-z]{3}[0-9A-Za-z]{17}$/);
        ids.add(f.id);
        types.add(f.factorType);
        providers.add(f.provider);
        statuses.add(f.status);
        assert.equal(typeof f.vendorName, 'string');
        assert.ok(Date.parse(f.created) >= Date.parse(user.activated) && Date.parse(f.created) <= Date.parse(f.lastUpdated));
        assert.ok(f.profile && typeof f.profile === 'object');
        assert.equal(f._links.self.href, `${sim.url}/api/v1/users/${user.id}/factors/${f.id}`);
        assert.equal(f._links.user.href, `${sim.url}/api/v1/users/${user.id}`);
      }
      assert.equal(new Set(list.map((f) => `${f.factorType}/${f.provider}`)).size, list.length, 'no duplicate enrollments');
    }
    agent.destroy();
    assert.ok(counts[0] > 0 && counts[1] > 0 && counts[2] > 0 && counts[3] + counts[4] > 0, String(counts));
    assert.ok(activeOneOrTwo / activeUsers > 0.6, `${activeOneOrTwo}/${activeUsers}`);
    for (const t of ['push', 'token:software:totp', 'sms', 'email', 'webauthn', 'signed_nonce']) assert.ok(types.has(t), t);
    for (const p of ['OKTA', 'GOOGLE', 'FIDO']) assert.ok(providers.has(p), p);
    assert.ok(statuses.has('ACTIVE') && statuses.has('PENDING_ACTIVATION'));
    assert.equal(ids.size, counts.reduce((sum, n, k) => sum + n * k, 0), 'factor ids are unique');
    assert.ok(sim.requests.slice(-5).every((e) => e.bucket === 'factors'));
    assert.equal(org.factorLists.size, 0, 'reading stores nothing');

    const again = generateOrg({ users: 400, groups: 15, events: 500, apps: 45, seed: 5, now: org.now, origin: sim.url });
    for (const i of [0, 7, 123, 399]) assert.deepEqual(again.factors(i), org.factors(i));

    const withFactors = [...Array(org.userCount).keys()].find((i) => org.factors(i).length > 0);
    const f = org.factors(withFactors)[0];
    const single = await get(`${factorsUrl(org.userId(withFactors))}/${f.id}`);
    assert.deepEqual(single.json(), f);
    for (const url of [factorsUrl('00uNOTAUSER000000000'), factorsUrl(org.user(0).profile.login), `${factorsUrl(org.userId(withFactors))}/opfNOTAFACTOR0000000`]) {
      const r = await get(url);
      assert.equal(r.status, 404, url);
      assert.equal(r.json().errorCode, 'E0000007');
      assert.match(r.json().errorSummary, /^Not found: Resource not found: /);
    }
  });

  test('factor changes: /factors and the System Log agree', async () => {
    const org = sim.org;
    const i = [...Array(org.userCount).keys()].find((k) => org.user(k).status === 'ACTIVE' && org.factors(k).length === 2);
    const user = org.user(i);
    const before = org.factors(i);
    const logsBefore = org.eventCount;
    const t0 = new Date(Date.now() - 1).toISOString();

    const enrolled = sim.enrollFactor(user.id, { factorType: 'token:hardware', provider: 'YUBICO' });
    assert.equal(enrolled.status, 'ACTIVE');
    assert.equal(enrolled.vendorName, 'YUBICO');
    assert.match(enrolled.id, /^ykf/);
    const afterEnroll = (await get(factorsUrl(user.id))).json();
    assert.deepEqual(afterEnroll, [...before, enrolled]);
    const ev = lastEvent();
    assert.equal(ev.eventType, 'user.mfa.factor.activate');
    assert.equal(ev.outcome.result, 'SUCCESS');
    assert.equal(ev.published, enrolled.created);
    assert.deepEqual([ev.actor.id, ev.actor.type, ev.actor.alternateId], [user.id, 'User', user.profile.login]);
    assert.deepEqual(ev.target, [{ id: user.id, type: 'User', alternateId: user.profile.login, displayName: `${user.profile.firstName} ${user.profile.lastName}`, detailEntry: null }]);
    assert.equal(ev.debugContext.debugData.factorId, enrolled.id);

    const target = before[0];
    const updated = sim.updateFactor(user.id, target.id, { status: 'DISABLED' });
    assert.equal(updated.status, 'DISABLED');
    assert.ok(Date.parse(updated.lastUpdated) > Date.parse(target.lastUpdated));
    assert.deepEqual(org.factors(i).find((f) => f.id === target.id), updated);
    assert.equal(lastEvent().eventType, 'user.mfa.factor.update');
    assert.equal(lastEvent().published, updated.lastUpdated);

    const removed = sim.deactivateFactor(user.id, before[1].id);
    assert.equal(removed.id, before[1].id);
    assert.deepEqual((await get(factorsUrl(user.id))).json().map((f) => f.id), [target.id, enrolled.id]);
    assert.equal(lastEvent().eventType, 'user.mfa.factor.deactivate');
    assert.equal(lastEvent().target[0].id, user.id);

    assert.equal(sim.resetFactors(user.id).length, 2);
    assert.deepEqual((await get(factorsUrl(user.id))).json(), []);
    assert.equal(lastEvent().eventType, 'user.mfa.factor.reset_all');
    assert.equal(org.eventCount, logsBefore + 4);
    assert.throws(() => sim.deactivateFactor(user.id, target.id), /no factor/);
    assert.throws(() => sim.enrollFactor('00uNOTAUSER000000000'), /unknown user/);

    // Served by /api/v1/logs (polling) in order, and never as sign-ins.
    for (const t of FACTOR_EVENT_TYPES) assert.ok(!SIGN_IN_EVENT_TYPES.includes(t), t);
    const filter = FACTOR_EVENT_TYPES.map((t) => `eventType eq "${t}"`).join(' or ');
    const logs = await collect(`${sim.url}/api/v1/logs?limit=1000&sortOrder=ASCENDING&since=${encodeURIComponent(t0)}&filter=${encodeURIComponent(filter)}`, { stopOnEmpty: true });
    assert.deepEqual(logs.items.map((e) => e.eventType), ['user.mfa.factor.activate', 'user.mfa.factor.update', 'user.mfa.factor.deactivate', 'user.mfa.factor.reset_all']);
    assert.ok(logs.items.every((e) => e.actor.id === user.id && e.target[0].id === user.id));
    const signIns = await collect(`${sim.url}/api/v1/logs?limit=1000&sortOrder=ASCENDING&since=${encodeURIComponent(t0)}&filter=${encodeURIComponent(AUTH_FILTER)}`, { stopOnEmpty: true });
    assert.equal(signIns.items.length, 0);
    // The generated history has none of them.
    assert.ok([...generateOrg({ users: 50, events: 3000, seed: 5 }).events()].every((e) => !FACTOR_EVENT_TYPES.includes(e.eventType)));

    // A DEPROVISIONED user answers [] and cannot enroll.
    const gone = [...Array(org.userCount).keys()].find((k) => org.user(k).status === 'DEPROVISIONED');
    assert.deepEqual((await get(factorsUrl(org.userId(gone)))).json(), []);
    assert.throws(() => sim.enrollFactor(org.userId(gone)), /DEPROVISIONED/);
    const other = [...Array(org.userCount).keys()].find((k) => k !== i && org.factors(k).length > 0);
    sim.updateUser(org.userId(other), { status: 'DEPROVISIONED' });
    assert.deepEqual((await get(factorsUrl(org.userId(other)))).json(), []);
  });

  test('factor changes over /__sim/, hundreds of factors for one user', async () => {
    const org = sim.org;
    const i = [...Array(org.userCount).keys()].find((k) => org.user(k).status === 'ACTIVE' && org.factors(k).length === 1);
    const uid = org.userId(i);
    const post = async (name, args) => {
      const r = await fetch(`${sim.url}/__sim/${name}`, { method: 'POST', body: JSON.stringify(args) });
      return { status: r.status, body: await r.json() };
    };
    const enrolled = await post('enrollFactor', [uid, { factorType: 'email' }]);
    assert.equal(enrolled.status, 200);
    assert.equal(enrolled.body.result.factorType, 'email');
    assert.equal(enrolled.body.result.profile.email, org.user(i).profile.email);
    assert.equal(lastEvent().eventType, 'user.mfa.factor.activate');
    assert.equal((await post('updateFactor', [uid, enrolled.body.result.id, { profile: { email: 'new@example.com' } }])).body.result.profile.email, 'new@example.com');
    assert.equal((await post('deactivateFactor', [uid, enrolled.body.result.id])).status, 200);
    assert.equal((await post('deactivateFactor', [uid, enrolled.body.result.id])).status, 400);
    assert.equal((await post('enrollFactor', ['00uNOTAUSER000000000'])).status, 400);
    const org2 = await (await fetch(`${sim.url}/__sim/org`)).json();
    assert.equal(org2.appCount, 45);

    for (let k = 0; k < 300; k++) sim.enrollFactor(uid);
    const r = await get(factorsUrl(uid));
    const list = r.json();
    assert.equal(list.length, 301);
    assert.equal(r.headers.link, undefined);
    assert.equal(new Set(list.map((f) => f.id)).size, 301);
    assert.ok(new Set(list.map((f) => f.factorType)).size >= 5);
    assert.equal(await post('resetFactors', [uid]).then((x) => x.body.result.length), 301);
    assert.deepEqual((await get(factorsUrl(uid))).json(), []);
  });

  test('hostile data: factors with missing fields or unknown types, huge app labels', async () => {
    const org = sim.org;
    const i = [...Array(org.userCount).keys()].find((k) => org.user(k).status === 'ACTIVE' && org.factors(k).length >= 1 && !org.factorLists.has(k));
    const uid = org.userId(i);
    const [first] = org.factors(i);
    const events = org.eventCount;
    const patched = sim.patchFactor(uid, first.id, { status: 'SOMETHING_NEW', profile: { nested: { deep: [1, { x: null }] } } }, { unset: ['provider', 'created', 'profile.credentialId', '_links.self'] });
    assert.equal(org.eventCount, events, 'patches log nothing');
    const served = (await get(factorsUrl(uid))).json()[0];
    assert.deepEqual(served, patched);
    assert.equal(served.status, 'SOMETHING_NEW');
    for (const k of ['provider', 'created']) assert.ok(!(k in served), k);
    assert.ok(!('credentialId' in served.profile) && !('self' in served._links));
    assert.equal(served.lastUpdated, first.lastUpdated);

    const odd = sim.enrollFactor(uid, { factorType: 'quantum:entanglement', provider: 'ACME', profile: { qubits: 7 } });
    const list = (await get(factorsUrl(uid))).json();
    assert.deepEqual(list.at(-1), odd);
    assert.deepEqual([odd.factorType, odd.provider, odd.vendorName, odd.profile.qubits], ['quantum:entanglement', 'ACME', 'ACME', 7]);
    assert.equal(lastEvent().debugContext.debugData.factor, 'quantum:entanglement');

    const app = org.app(3);
    const label = 'L'.repeat(1 << 20);
    sim.patchApp(app.id, { label, settings: { app: null } }, { unset: ['signOnMode', 'credentials.userNameTemplate'] });
    const page = (await get(`${sim.url}/api/v1/apps?limit=200`)).json();
    assert.equal(page[3].label, label);
    assert.equal(page[3].settings.app, null);
    assert.ok(!('signOnMode' in page[3]) && !('userNameTemplate' in page[3].credentials));
    assert.equal(page[3].id, app.id);
    assert.deepEqual(page[4], org.app(4));
    // Events keep referencing the app by its original label.
    assert.equal(org.apps[3].label, app.label);
    const viaControl = await fetch(`${sim.url}/__sim/patchApp`, { method: 'POST', body: JSON.stringify([app.id, { label: 'short' }]) });
    assert.equal((await viaControl.json()).result.label, 'short');
    assert.equal((await get(`${sim.url}/api/v1/apps/${app.id}`)).json().label, 'short');
  });

  test('lazy at scale: 100k users and 50k apps serve factors and deep app pages without materializing', async () => {
    const big = await startSimulator({ users: 100_000, groups: 5, events: 10, apps: 50_000, seed: 8 });
    try {
      const t = Date.now();
      const agent = new http.Agent({ keepAlive: true });
      let total = 0;
      for (let k = 0; k < 200; k++) {
        const r = await get(`${big.url}/api/v1/users/${big.org.userId(99_999 - k * 431)}/factors`, { agent });
        assert.equal(r.status, 200);
        total += r.json().length;
      }
      const deep = await get(`${big.url}/api/v1/apps?limit=200&after=${big.org.appId(49_900)}`, { agent });
      assert.deepEqual(deep.json().map((a) => a.id), Array.from({ length: 99 }, (_, k) => big.org.appId(49_901 + k)));
      assert.equal(deep.links.next, undefined);
      const stats = await get(`${big.url}/api/v1/groups?expand=stats`, { agent });
      assert.equal(stats.json()[0]._embedded.stats.usersCount, 100_000);
      big.addUsers(2);
      const grown = await get(`${big.url}/api/v1/groups/${big.org.groupId(0)}?expand=stats`, { agent });
      assert.equal(grown.json()._embedded.stats.usersCount, 100_002, 'Everyone counts users added at runtime');
      agent.destroy();
      assert.ok(Date.now() - t < 3000, `took ${Date.now() - t} ms`);
      assert.ok(total > 100, String(total));
      assert.equal(big.org.factorLists.size, 0);
    } finally {
      await big.close();
    }
  });
});

test('the request log records the auth scheme and whether the token matched, never the token', async () => {
  const sim = await startSimulator({ users: 3, groups: 1, events: 1, token: 'sekrit-token-value' });
  try {
    await get(`${sim.url}/api/v1/users`, { token: 'sekrit-token-value' });
    await get(`${sim.url}/api/v1/users`, { token: 'wrong-token-value' });
    assert.deepEqual(sim.requests.map((r) => [r.headers.authorization, r.authScheme, r.status]), [['SSWS <valid>', 'SSWS', 200], ['SSWS <other>', 'SSWS', 401]]);
    assert.ok(!JSON.stringify(sim.requests).includes('token-value'));
  } finally {
    await sim.close();
  }
});

describe('System Log paging where Okta is silent (logNextSince, logShuffle) and its default since', () => {
  // 3000 events over 30 days: 100 a day. Bounded 30-day queries need many pages.
  const ORG = { users: 40, groups: 2, events: 3000, seed: 21, eventSpanMs: 30 * DAY };
  let sim;
  before(async () => {
    sim = await startSimulator({ ...ORG, logNextSince: 'keep' });
  });
  after(() => sim.close());
  const q = (params) => `${sim.url}/api/v1/logs?${new URLSearchParams(params)}`;
  const published = (e) => Date.parse(e.published);
  const all = () => [...sim.org.events()];
  const uuids = (list) => list.map((e) => e.uuid).sort();

  test("`since` defaults to 7 days before `until` (before now without `until`), and the log records the bounds applied", async () => {
    const until = Date.now() - 10 * DAY;
    sim.resetLog();
    const r = await collect(q({ until: new Date(until).toISOString(), limit: '1000' }));
    const want = all().filter((e) => published(e) >= until - 7 * DAY && published(e) < until);
    assert.ok(want.length > 500);
    assert.deepEqual(uuids(r.items), uuids(want));
    assert.equal(sim.requests[0].logSince, until - 7 * DAY);
    assert.equal(sim.requests[0].logUntil, until);
    const polling = await get(q({ limit: '1000', sortOrder: 'ASCENDING' }));
    const first = polling.json()[0];
    assert.ok(published(first) >= Date.now() - 7 * DAY - 5000 && published(first) < Date.now() - 7 * DAY + 2 * 3600_000, first.published);
    assert.equal(sim.requests.at(-1).logUntil, null);
    assert.ok(Math.abs(sim.requests.at(-1).logSince - (Date.now() - 7 * DAY)) < 5000);
  });

  test("logNextSince 'keep' (default): a bounded 30-day query pages through all of it, both orders", async () => {
    const since = new Date(Date.now() - 30 * DAY - 3600_000).toISOString();
    const until = new Date().toISOString();
    const want = uuids(all().filter((e) => published(e) >= Date.parse(since) && published(e) < Date.parse(until)));
    for (const sortOrder of ['DESCENDING', 'ASCENDING']) {
      const r = await collect(q({ since, until, limit: '100', sortOrder }));
      assert.deepEqual(uuids(r.items), want, sortOrder);
      assert.ok(r.pages.length >= 30);
      assert.ok(r.pages.slice(0, -1).every((p) => new URL(p.next).searchParams.get('since') === since));
    }
  });

  test("logNextSince 'drop': the next link of a bounded query omits since, so the chain silently ends 7 days below until", async () => {
    sim.setOptions({ logNextSince: 'drop' });
    try {
      const sinceMs = Date.now() - 30 * DAY - 3600_000;
      const untilMs = Date.now();
      const since = new Date(sinceMs).toISOString();
      const until = new Date(untilMs).toISOString();
      const inRange = (lo) => all().filter((e) => published(e) >= lo && published(e) < untilMs)
      const desc = await collect(q({ since, until, limit: '100', sortOrder: 'DESCENDING' }));
      assert.equal(new URL(desc.pages[0].next).searchParams.get('since'), null);
      assert.equal(new URL(desc.pages[0].next).searchParams.get('until'), until);
      assert.deepEqual(uuids(desc.items), uuids(inRange(untilMs - 7 * DAY)), 'descending: only the newest 7 days');
      assert.ok(desc.pages.at(-1).next === undefined, 'and the chain ends as if complete');
      // Ascending: the first page starts at since, the next ones jump to until - 7 days.
      const asc = await collect(q({ since, until, limit: '100', sortOrder: 'ASCENDING' }));
      const oldest = inRange(sinceMs).slice(0, 100);
      assert.deepEqual(uuids(asc.items), uuids([...oldest, ...inRange(untilMs - 7 * DAY)]));
      // A narrower query loses nothing but reads past its since, down to until - 7 days
      // (pages a client pays for and must not store); polling requests (no until) keep since.
      sim.resetLog();
      const week = await collect(q({ since: new Date(untilMs - 2 * DAY).toISOString(), until, limit: '100', sortOrder: 'DESCENDING' }));
      assert.deepEqual(uuids(week.items), uuids(inRange(untilMs - 7 * DAY)));
      // The request log says which pages lie below what the chain asked for.
      assert.ok(sim.requests.every((r) => r.logChainSince === untilMs - 2 * DAY));
      const wasted = sim.requests.filter((r) => r.logItems > 0 && r.logBelowChain === r.logItems);
      assert.ok(wasted.length >= 4, `${wasted.length} pages entirely below the chain's since`);
      assert.equal(sim.requests.reduce((n, r) => n + r.logBelowChain, 0), inRange(untilMs - 7 * DAY).length - inRange(untilMs - 2 * DAY).length);
      const poll = await get(q({ since, limit: '100', sortOrder: 'ASCENDING' }));
      assert.equal(new URL(poll.links.next).searchParams.get('since'), since);
    } finally {
      sim.setOptions({ logNextSince: 'keep' });
    }
  });

  test("logNextSince 'shift': the next link carries a later since (logNextShiftMs), capped at until", async () => {
    sim.setOptions({ logNextSince: 'shift' });
    try {
      const sinceMs = Date.now() - 5 * DAY;
      const untilMs = Date.now();
      const since = new Date(sinceMs).toISOString();
      const until = new Date(untilMs).toISOString();
      const r = await collect(q({ since, until, limit: '100', sortOrder: 'DESCENDING' }));
      assert.equal(new URL(r.pages[0].next).searchParams.get('since'), new Date(sinceMs + 3600_000).toISOString());
      assert.equal(new URL(r.pages[1].next).searchParams.get('since'), new Date(sinceMs + 2 * 3600_000).toISOString());
      const want = all().filter((e) => published(e) >= sinceMs && published(e) < untilMs);
      assert.ok(r.items.length < want.length, `${r.items.length} of ${want.length}: a client trusting the link loses events`);
      assert.ok(r.items.every((e) => published(e) >= sinceMs && published(e) < untilMs));
      sim.setOptions({ logNextShiftMs: 10 * DAY });
      const capped = await get(q({ since, until, limit: '10', sortOrder: 'DESCENDING' }));
      assert.equal(new URL(capped.links.next).searchParams.get('since'), until);
      assert.equal((await get(capped.links.next)).status, 200, 'since == until is a valid (empty) range');
    } finally {
      sim.setOptions({ logNextSince: 'keep', logNextShiftMs: 3600_000 });
    }
    assert.throws(() => sim.setOptions({ logNextSince: 'sometimes' }), /keep, drop, shift/);
  });

  test('OKTA_SIM_LOG_NEXT sets the default reading for a whole process; the option wins; a bad value is refused', async () => {
    const saved = process.env.OKTA_SIM_LOG_NEXT;
    try {
      process.env.OKTA_SIM_LOG_NEXT = 'drop';
      const fromEnv = await startSimulator({ users: 1, groups: 1, events: 1 });
      const explicit = await startSimulator({ users: 1, groups: 1, events: 1, logNextSince: 'keep' });
      assert.equal(fromEnv.options.logNextSince, 'drop');
      assert.equal(explicit.options.logNextSince, 'keep');
      await Promise.all([fromEnv.close(), explicit.close()]);
      process.env.OKTA_SIM_LOG_NEXT = 'maybe';
      await assert.rejects(() => startSimulator({ users: 1 }), /OKTA_SIM_LOG_NEXT must be one of keep, drop, shift/);
    } finally {
      if (saved === undefined) delete process.env.OKTA_SIM_LOG_NEXT;
      else process.env.OKTA_SIM_LOG_NEXT = saved;
    }
  });

  test('logShuffle: each page holds the same events, out of published order, the same way every time', async () => {
    const url = q({ since: new Date(Date.now() - 3 * DAY).toISOString(), until: new Date().toISOString(), limit: '100', sortOrder: 'DESCENDING' });
    const plain = await collect(url);
    sim.setOptions({ logShuffle: true });
    try {
      const shuffled = await collect(url);
      const again = await collect(url);
      assert.deepEqual(shuffled.items.map((e) => e.uuid), again.items.map((e) => e.uuid), 'deterministic');
      assert.equal(shuffled.pages.length, plain.pages.length);
      for (let i = 0, off = 0; i < plain.pages.length; off += plain.pages[i].size, i++) {
        const a = plain.items.slice(off, off + plain.pages[i].size).map((e) => e.uuid);
        const b = shuffled.items.slice(off, off + plain.pages[i].size).map((e) => e.uuid);
        assert.deepEqual([...b].sort(), [...a].sort(), `page ${i} holds the same events`);
      }
      const times = shuffled.items.slice(0, 100).map(published);
      const sortedDesc = [...times].sort((x, y) => y - x);
      assert.notDeepEqual(times, sortedDesc, 'out of published order');
    } finally {
      sim.setOptions({ logShuffle: false });
    }
  });

  test('faults: a persistent 503 on one bucket answers every request there, the other buckets stay up', async () => {
    sim.setOptions({ faults: [{ type: '503', bucket: 'logs' }] });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await get(q({ limit: '10' }))).status, 503);
      assert.equal((await get(`${sim.url}/api/v1/users?limit=5`)).status, 200);
    } finally {
      sim.setOptions({ faults: [] });
    }
  });

  test('onResponse sees every answered request with whether it had a next link', async () => {
    const seen = [];
    sim.setOptions({ onResponse: (entry) => seen.push([entry.bucket, entry.status, entry.next]) });
    try {
      await get(`${sim.url}/api/v1/users?limit=30`);
      await get(`${sim.url}/api/v1/users?limit=200`);
      await get(`${sim.url}/api/v1/nothing`);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(seen, [['users', 200, true], ['users', 200, false], ['other', 404, false]]);
    } finally {
      sim.setOptions({ onResponse: null });
    }
  });
});

describe('runtime deletions, group changes and a quiet newest stretch', () => {
  test('deleteUser, updateGroup and deleteGroup change every endpoint; quietMs leaves the newest stretch empty', async () => {
    const sim = await startSimulator({ users: 12, groups: 6, events: 200, seed: 4, quietMs: 2 * DAY, eventSpanMs: 10 * DAY });
    try {
      const [a, b] = [...sim.org.users()]
      const gone = sim.deleteUser(a.id);
      assert.equal(gone.id, a.id);
      const listed = (await collect(`${sim.url}/api/v1/users?limit=5`)).items.map((u) => u.id);
      assert.ok(!listed.includes(a.id) && listed.includes(b.id));
      const filtered = (await collect(`${sim.url}/api/v1/users?limit=5&filter=${encodeURIComponent('status eq "ACTIVE" or status eq "DEPROVISIONED" or status eq "SUSPENDED" or status eq "STAGED" or status eq "PROVISIONED" or status eq "LOCKED_OUT" or status eq "RECOVERY" or status eq "PASSWORD_EXPIRED"')}`)).items.map((u) => u.id);
      assert.equal(filtered.length, 11);
      assert.equal((await get(`${sim.url}/api/v1/users/${a.id}`)).status, 404);
      assert.equal((await get(`${sim.url}/api/v1/users/${a.id}/factors`)).status, 404);
      assert.throws(() => sim.updateUser(a.id, { status: 'ACTIVE' }), /unknown user/);
      assert.equal(sim.org.liveUserCount, 11);
      assert.equal((await get(`${sim.url}/api/v1/groups/${sim.org.groupId(0)}?expand=stats`)).json()._embedded.stats.usersCount, 11);

      const g = sim.org.group(3);
      const renamed = sim.updateGroup(g.id, { profile: { name: 'Renamed', description: null } });
      assert.equal(renamed.profile.name, 'Renamed');
      assert.ok(Date.parse(renamed.lastUpdated) > Date.parse(g.lastUpdated));
      const recent = await get(`${sim.url}/api/v1/groups?filter=${encodeURIComponent(`lastUpdated gt "${new Date(Date.now() - 60_000).toISOString()}"`)}`);
      assert.deepEqual(recent.json().map((x) => x.id), [g.id]);
      sim.deleteGroup(sim.org.groupId(4));
      const groups = (await collect(`${sim.url}/api/v1/groups?limit=2`)).items.map((x) => x.id);
      assert.equal(groups.length, 5);
      assert.ok(!groups.includes(sim.org.groupId(4)));
      assert.equal(sim.org.liveGroupCount, 5);

      // (deleteGroup logs group.lifecycle.delete and its app unassignments now, as Okta does: the generated events are the quiet ones)
      const newest = Math.max(...[...sim.org.events()].filter((e) => !e.eventType.startsWith('group.')).map((e) => Date.parse(e.published)));
      assert.ok(newest <= Date.now() - 2 * DAY && newest > Date.now() - 2 * DAY - 3600_000);
    } finally {
      await sim.close();
    }
  });
});
