// The rawdash-okta command, run as a child process against the Okta simulator.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServer } from 'node:net'
import simulator from '../src/simulator/index.cjs'
import { Progress } from '../src/cli/progress.mjs'
import { isMfa, isFailure } from '../src/cli/dashboard.mjs'

const { startSimulator, generateOrg, SIGN_IN_EVENT_TYPES } = simulator
const CLI = fileURLToPath(new URL('../src/cli/rawdash-okta.mjs', import.meta.url))
const TOKEN = 'sim-S3cr3t-T0ken-4711'
const DAY = 86_400_000

/** Runs the CLI; never rejects. OKTA_* from the caller's environment are dropped. */
function cli(args, env = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OKTA_') && k !== 'FORCE_COLOR'))
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...base, ...env }, timeout: 25_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr, all: stdout + stderr })
    })
  })
}

async function withSim(options, fn) {
  const sim = await startSimulator({ token: TOKEN, ...options })
  try {
    return await fn(sim)
  } finally {
    await sim.close()
  }
}

const noStack = (out) => assert.doesNotMatch(out, /\n\s+at .+:\d+:\d+/, 'no stack trace')
const noAnsi = (out) => assert.doesNotMatch(out, /\x1b\[/, 'no ANSI escapes when not on a TTY')
const count = (text, re) => {
  const m = re.exec(text)
  assert.ok(m, `expected ${re} in:\n${text}`)
  return Number(m[1].replace(/,/g, ''))
}

test('--help: the command and each subcommand; unknown commands are usage errors', async () => {
  const main = await cli(['--help'])
  assert.equal(main.code, 0)
  for (const word of ['demo', 'check', 'sync', 'OKTA_API_TOKEN', 'Exit codes']) assert.ok(main.stdout.includes(word), word)
  for (const sub of ['demo', 'check', 'sync']) {
    const r = await cli([sub, '--help'])
    assert.equal(r.code, 0, sub)
    assert.match(r.stdout, new RegExp(`Usage: rawdash-okta ${sub}`))
  }
  const check = await cli(['help', 'check'])
  assert.match(check.stdout, /ONE request per/)
  const none = await cli([])
  assert.equal(none.code, 2)
  const unknown = await cli(['deploy'])
  assert.equal(unknown.code, 2)
  assert.match(unknown.stderr, /unknown command "deploy"/)
  assert.match(unknown.stderr, /fix:/)
  const badFlag = await cli(['sync', '--nope'])
  assert.equal(badFlag.code, 2)
  assert.match(badFlag.stderr, /--nope/)
  noStack(badFlag.all)
})

test('demo (not a TTY): plain progress lines, and dashboard numbers that match the simulated org', async () => {
  const org = { users: 320, groups: 24, events: 2400, days: 5, seed: 9 }
  const r = await cli(['demo', '--users', org.users, '--groups', org.groups, '--events', org.events, '--days', org.days, '--seed', org.seed, '--fast'].map(String))
  assert.equal(r.code, 0, r.all)
  noAnsi(r.all)
  // Progress: plain lines on stderr, one "done" per phase.
  assert.match(r.stderr, /^\[\s*[\d.]+s\] users: done, 320 records in 2 pages/m)
  assert.match(r.stderr, /^\[\s*[\d.]+s\] groups: done, 24 records in 1 page/m)
  assert.match(r.stderr, /^\[\s*[\d.]+s\] sign-ins: done, [\d,]+ records/m)

  // The same org, generated independently.
  const sim = generateOrg({ users: org.users, groups: org.groups, events: org.events, seed: org.seed, eventSpanMs: org.days * DAY })
  const users = [...sim.users()]
  const groups = [...sim.groups()]
  const events = [...sim.events()].filter((e) => SIGN_IN_EVENT_TYPES.includes(e.eventType))
  const attrs = events.map((e) => ({ eventType: e.eventType, result: e.outcome.result, credentialType: e.authenticationContext.credentialType }))

  const out = r.stdout
  for (const section of ['Users', 'Groups', 'Sign-in events', 'Failure rate', 'MFA share', 'Top countries', 'Sync']) assert.ok(out.includes(section), section)
  assert.equal(count(out, /^Users\s+([\d,]+)/m), org.users)
  assert.equal(count(out, /^Groups\s+([\d,]+)/m), org.groups)
  assert.equal(count(out, /^Sign-in events\s+([\d,]+)/m), events.length)
  const active = users.filter((u) => u.status === 'ACTIVE').length
  assert.equal(count(out, /^\s+ACTIVE\s+[█▉▊▋▌▍▎▏]*\s+([\d,]+)/m), active)
  const okta = groups.filter((g) => g.type === 'OKTA_GROUP').length
  assert.equal(count(out, /^\s+OKTA_GROUP\s+[█▉▊▋▌▍▎▏]*\s+([\d,]+)/m), okta)
  const failures = attrs.filter(isFailure).length
  assert.match(out, new RegExp(`${failures.toLocaleString('en-US')} of ${events.length.toLocaleString('en-US')} events had result FAILURE or DENY`))
  const mfa = attrs.filter(isMfa).length
  assert.ok(mfa > 0)
  assert.match(out, new RegExp(`${mfa.toLocaleString('en-US')} of ${events.length.toLocaleString('en-US')} events used a second factor`))
  assert.match(out, /MFA = eventType user\.authentication\.auth_via_mfa, or a credentialType other than PASSWORD/)
  // users, groups, the log pages, and the newest hour's poll ending on an empty page
  // (it may split a page with the older, newest-first part of the window).
  const pages = 2 + 1 + Math.ceil(events.length / 1000) + 1
  const requests = count(out, /requests ([\d,]+) · 429s/)
  assert.ok(requests >= pages && requests <= pages + 1, `${requests} requests, ${pages} pages`)
  assert.equal(count(out, /429s ([\d,]+)/), 0)
})

test('demo (default network): rate-limit waits and the injected 429 show in progress and totals', async () => {
  const r = await cli(['demo', '--users', '900', '--groups', '10', '--events', '6000', '--days', '3'])
  assert.equal(r.code, 0, r.all)
  assert.match(r.stderr, /rate limit, waiting/)
  assert.match(r.stderr, /HTTP 429/)
  assert.ok(count(r.stdout, /rate-limit waits ([\d,]+)/) >= 1)
  assert.equal(count(r.stdout, /429s ([\d,]+)/), 1)
})

test('check: every resource readable, exit 0, exactly one request per resource, token never printed', async () => {
  await withSim({ users: 450, groups: 230, events: 2500 }, async (sim) => {
    const r = await cli(['check', '--host', 'acme.okta.com', '--base-url', sim.url], { OKTA_API_TOKEN: TOKEN })
    assert.equal(r.code, 0, r.all)
    assert.equal((r.stdout.match(/^OK\s+/gm) ?? []).length, 3)
    assert.match(r.stdout, /All 3 resources are readable/)
    assert.ok(!r.all.includes(TOKEN))
    // Users and groups both have more than one page; the check still asks once each.
    assert.deepEqual(sim.requests.map((q) => q.bucket).sort(), ['groups', 'logs', 'users'])
    assert.ok(sim.requests.every((q) => q.status === 200 && q.headers.authorization === `SSWS ${TOKEN}`))

    sim.resetLog()
    const json = await cli(['check', '--json', '--resources', 'groups'], { OKTA_API_TOKEN: TOKEN, OKTA_HOST: 'acme.okta.com', OKTA_BASE_URL: sim.url })
    assert.equal(json.code, 0, json.all)
    const report = JSON.parse(json.stdout)
    assert.equal(report.ok, true)
    assert.deepEqual(report.resources.map((x) => [x.resource, x.readable, x.requests]), [['groups', true, 1]])
    assert.equal(sim.requests.length, 1)
  })
})

test('check with a wrong token: exit 1, E0000011 and the fix, the token is not printed', async () => {
  await withSim({ users: 50, groups: 5, events: 100 }, async (sim) => {
    const wrong = 'wrong-T0ken-Zz9-never-print'
    const r = await cli(['check', '--host', 'acme.okta.com', '--base-url', sim.url, '--token', wrong])
    assert.equal(r.code, 1, r.all)
    assert.match(r.stdout, /E0000011/)
    assert.match(r.stdout, /fix: the token is invalid, expired or revoked.*Security > API > Tokens/)
    assert.ok(!r.all.includes(wrong), 'token printed')
    assert.ok(!r.all.includes(TOKEN))
    assert.equal((r.stdout.match(/^FAIL\s+/gm) ?? []).length, 3)
    assert.equal(sim.requests.length, 3)
    noStack(r.all)
  })
})

test('check with forbidden logs: exit 1 naming auth_events and /api/v1/logs, with the permission fix', async () => {
  await withSim({ users: 50, groups: 5, events: 100, forbidden: ['logs'] }, async (sim) => {
    const r = await cli(['check', '--base-url', sim.url], { OKTA_API_TOKEN: TOKEN, OKTA_HOST: 'acme.okta.com' })
    assert.equal(r.code, 1, r.all)
    assert.match(r.stdout, /^OK\s+users/m)
    assert.match(r.stdout, /^OK\s+groups/m)
    assert.match(r.stdout, /^FAIL\s+auth_events\s+GET \/api\/v1\/logs\s+.*403 E0000006/m)
    assert.match(r.stdout, /fix: the admin who created the token lacks permission to read the System Log.*Read-Only Administrator/)
    assert.match(r.stdout, /1 of 3 resources not readable/)
  })
})

test('check with a bad host: exit 2 with the host message, no request made', async () => {
  await withSim({ users: 10, groups: 2, events: 10 }, async (sim) => {
    const r = await cli(['check', '--host', 'https://acme.okta.com/', '--base-url', sim.url], { OKTA_API_TOKEN: TOKEN })
    assert.equal(r.code, 2, r.all)
    assert.match(r.stderr, /host: Use the org host only \(e\.g\. "acme\.okta\.com"\), without the protocol or path\./)
    assert.match(r.stderr, /fix: did you mean --host acme\.okta\.com\?/)
    assert.equal(r.stderr.trim().split('\n').length, 2, 'one line plus the fix')
    assert.equal(sim.requests.length, 0)
    noStack(r.all)
  })
  const missing = await cli(['check', '--host', 'acme.okta.com'])
  assert.equal(missing.code, 2)
  assert.match(missing.stderr, /no API token given\nfix: set OKTA_API_TOKEN/)
  const noHost = await cli(['check'], { OKTA_API_TOKEN: TOKEN })
  assert.equal(noHost.code, 2)
  assert.match(noHost.stderr, /no Okta host given/)
})

test('check when the host is unreachable: exit 1, "could not reach" and the host fix', async () => {
  // A port that was just free: connection refused.
  const port = await new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => resolve(p))
    })
  })
  const r = await cli(['check', '--host', 'acme.okta.com', '--base-url', `http://127.0.0.1:${port}`, '--resources', 'users'], { OKTA_API_TOKEN: TOKEN })
  assert.equal(r.code, 1, r.all)
  assert.match(r.stdout, /could not reach/)
  assert.match(r.stdout, /fix: check the host is your Okta org domain/)
})

test('sync --out writes one JSON line per stored user, group and sign-in event', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rawdash-okta-cli-'))
  try {
    await withSim({ users: 260, groups: 15, events: 1500 }, async (sim) => {
      const file = join(dir, 'okta.jsonl')
      const r = await cli(['sync', '--base-url', sim.url, '--out', file], { OKTA_API_TOKEN: TOKEN, OKTA_HOST: 'acme.okta.com' })
      assert.equal(r.code, 0, r.all)
      noAnsi(r.all)
      assert.ok(!r.all.includes(TOKEN))
      const signIns = [...sim.org.events()].filter((e) => SIGN_IN_EVENT_TYPES.includes(e.eventType)).length
      const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean)
      assert.equal(lines.length, 260 + 15 + signIns)
      const records = lines.map((l) => JSON.parse(l))
      assert.equal(records.filter((x) => x.type === 'okta_user').length, 260)
      assert.equal(records.filter((x) => x.type === 'okta_group').length, 15)
      assert.equal(records.filter((x) => x.name === 'okta_auth_event').length, signIns)
      assert.match(r.stdout, new RegExp(`wrote ${(260 + 15 + signIns).toLocaleString('en-US')} records to`))
      assert.equal(count(r.stdout, /^Users\s+([\d,]+)/m), 260)

      // latest + a resource subset; a wrong token fails with one line and the fix.
      const bad = await cli(['sync', '--base-url', sim.url, '--resources', 'groups'], { OKTA_API_TOKEN: 'nope-nope-nope', OKTA_HOST: 'acme.okta.com' })
      assert.equal(bad.code, 1)
      assert.match(bad.stderr, /^rawdash-okta sync: Okta rejected the API token: 401 E0000011/m)
      assert.match(bad.stderr, /^fix: /m)
      noStack(bad.all)
      const usage = await cli(['sync', '--base-url', sim.url, '--mode', 'sometimes'], { OKTA_API_TOKEN: TOKEN })
      assert.equal(usage.code, 2)
      const since = await cli(['sync', '--base-url', sim.url, '--since', 'yesterday'], { OKTA_API_TOKEN: TOKEN })
      assert.equal(since.code, 2)
      assert.match(since.stderr, /--since must be/)
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('progress on a TTY redraws one block in place', () => {
  const writes = []
  const stream = { isTTY: true, columns: 100, write: (s) => writes.push(s) }
  const stats = { requests: 0, rateLimited: 0, waits: 0, waitMs: 0 }
  const p = new Progress({ stream, phases: ['users', 'groups', 'auth_events'], totals: { users: 400 }, title: 'Syncing t', stats: () => stats, tty: true })
  const log = p.logger()
  p.start()
  log.info('fetched page', { resource: 'okta_user', page: 0, items: 200 })
  log.info('rate limit wait', { resource: 'okta_user', wait_ms: 500, remaining: 0, reset: 0 })
  p.render()
  log.info('fetched page', { resource: 'okta_user', page: 1, items: 200 })
  log.info('resource done', { resource: 'okta_user', pages: 2, items: 400 })
  stats.requests = 2
  p.stop(true)
  const text = writes.join('')
  assert.ok(text.startsWith('\x1b[?25l'), 'hides the cursor')
  assert.ok(text.endsWith('\x1b[?25h'), 'restores the cursor')
  assert.equal((text.match(/\x1b\[5F/g) ?? []).length, writes.length - 3, 'every later frame moves up over the previous one (5 lines)')
  const last = writes.at(-2).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
  assert.match(last, /users\s+█{20}\s+400 \/ 400\s+2 pages\s+done in/)
  assert.match(last, /waiting|1 wait/)
  assert.match(last, /requests 2 · 429s 0/)
})

test('sync --max-seconds stops reading the System Log at the budget, keeps what it stored and says how far it got', async () => {
  await withSim({ users: 20, groups: 2, events: 30_000, rateLimits: { logs: { limit: 4, windowMs: 1000 } } }, async (sim) => {
    const r = await cli(['sync', '--base-url', sim.url, '--max-seconds', '1', '--resources', 'auth_events'], { OKTA_API_TOKEN: TOKEN, OKTA_HOST: 'acme.okta.com' })
    assert.equal(r.code, 0, r.all)
    assert.match(r.stderr, /sign-ins: stopped at the time budget with [\d.]+% of the window stored .*% left, about \d+ more runs?/)
    const signIns = [...sim.org.events()].filter((e) => SIGN_IN_EVENT_TYPES.includes(e.eventType)).length
    const shown = count(r.stdout, /^Sign-in events\s+([\d,]+)/m)
    assert.ok(shown > 0 && shown < signIns, `${shown} of ${signIns}`)
  })
})
