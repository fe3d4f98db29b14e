// The rawdash-okta command, run as a child process against the Okta simulator.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, access, stat } from 'node:fs/promises'
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

/** Output with wrapped lines joined back (every line fits 80 columns; see fitsColumns). */
const flat = (out) => out.replace(/\n {2,}/g, ' ')
/** Every line fits an 80-column terminal. */
const fitsColumns = (out) => {
  const wide = out.split('\n').filter((l) => [...l.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')].length > 80)
  assert.deepEqual(wide, [], 'lines wider than 80 columns')
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
  assert.match(out, /MFA = eventType user\.authentication\.auth_via_mfa,\n\s+or a credentialType other than PASSWORD/)
  // users, groups, the log pages, and the newest hour's poll ending on an empty page
  // (it may split a page with the older, newest-first part of the window).
  // Then apps (one page), and factors: the users they are read for (one page of 200
  // users or less) and one request per user who is not DEPROVISIONED.
  const readable = users.filter((u) => u.status !== 'DEPROVISIONED')
  const pages = 2 + 1 + Math.ceil(events.length / 1000) + 1 + 1 + Math.ceil(readable.length / 200) + readable.length
  const requests = count(out, /requests ([\d,]+) · 429s/)
  assert.ok(requests >= pages && requests <= pages + 1, `${requests} requests, ${pages} pages`)
  // MFA enrollment, computed independently: active users with an active factor.
  const activeUsers = users.filter((u) => u.status === 'ACTIVE')
  const enrolled = activeUsers.filter((u) => sim.factors(u.id).some((f) => f.status === 'ACTIVE')).length
  assert.match(out, new RegExp(`MFA enrollment\\s+[\\d.]+% of active users \\(${enrolled.toLocaleString('en-US')} of ${activeUsers.length.toLocaleString('en-US')}\\) have an active factor`))
  assert.match(out, /^Apps\s+12 \(11 active\)/m)
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
    assert.ok(sim.requests.every((q) => q.status === 200 && q.headers.authorization === 'SSWS <valid>'))

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
    assert.match(flat(r.stdout), /fix: the token is invalid, expired or revoked.*Security > API > Tokens/)
    fitsColumns(r.all)
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
    assert.match(flat(r.stdout), /^FAIL\s+auth_events\s+GET \/api\/v1\/logs\s+.*403 E0000006/m)
    assert.match(flat(r.stdout), /fix: the admin who created the token lacks permission to read the System Log.*Read-Only Administrator/)
    fitsColumns(r.all)
    assert.match(r.stdout, /1 of 3 resources not readable/)
  })
})

test('check with a bad host: exit 2 with the host message, no request made', async () => {
  await withSim({ users: 10, groups: 2, events: 10 }, async (sim) => {
    const r = await cli(['check', '--host', 'https://acme.okta.com/', '--base-url', sim.url], { OKTA_API_TOKEN: TOKEN })
    assert.equal(r.code, 2, r.all)
    assert.match(flat(r.stderr), /host: Use the org host only \(e\.g\. "acme\.okta\.com"\), without the protocol or path\./)
    assert.match(r.stderr, /fix: did you mean --host acme\.okta\.com\?/)
    assert.equal(flat(r.stderr).trim().split('\n').length, 2, 'one message plus the fix')
    fitsColumns(r.all)
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
  assert.match(r.stdout, new RegExp(`could not reach http://127\\.0\\.0\\.1:${port}`))
  // The base URL was the bad part, so the fix names it, not the host.
  assert.match(flat(r.stdout), new RegExp(`fix: nothing answers at http://127\\.0\\.0\\.1:${port}: check --base-url`))
  fitsColumns(r.all)
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

/** A port nothing listens on (connection refused). */
function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => resolve(p))
    })
  })
}

/** Spawns the CLI; `onStderr(text, child)` sees the stderr so far. Resolves on exit. */
function cliSpawn(args, env, { cwd, onStderr, onStdout } = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OKTA_') && k !== 'FORCE_COLOR'))
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...base, ...env }, cwd })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
      onStdout?.(stdout, child)
    })
    child.stderr.on('data', (d) => {
      stderr += d
      onStderr?.(stderr, child)
    })
    child.stdout.on('error', () => {})
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, all: stdout + stderr })
    })
  })
}

test('sync validates everything before the first request and reports every problem at once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rawdash-okta-cli-'))
  try {
    const r = await cli(['sync', '--host', 'acme', '--base-url', 'http://127.0.0.1:1/okta', '--resources', 'users,members', '--since', 'yesterday', '--mode', 'sometimes', '--out', join(dir, 'missing', 'okta.jsonl')])
    assert.equal(r.code, 2, r.all)
    noStack(r.all)
    fitsColumns(r.all)
    const text = flat(r.stderr)
    assert.match(text, /7 problems with the settings \(nothing was sent to Okta\)/)
    assert.match(text, /host: "acme" is not a full host name; an Okta org host looks like acme\.okta\.com/)
    assert.match(text, /fix: did you mean --host acme\.okta\.com\?/)
    assert.doesNotMatch(text, /without the protocol or path/, '"acme" has no protocol or path')
    assert.match(text, /baseUrl: .*origin.*\[--base-url \(or OKTA_BASE_URL\)\]/)
    assert.match(text, /resources\[1\]: Expected one of "users", "groups", "auth_events", "apps"/)
    assert.match(text, /--since must be an ISO time/)
    assert.match(text, /--mode must be full or latest/)
    assert.match(text, new RegExp(`--out .*: the directory ${join(dir, 'missing').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not exist`))
    assert.match(text, /no API token given/)
    assert.doesNotMatch(r.all, /config ok|\.tmp/)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  // One problem alone: the message and its fix.
  const single = await cli(['check', '--host', 'acme'], { OKTA_API_TOKEN: TOKEN })
  assert.equal(single.code, 2)
  assert.match(flat(single.stderr), /^rawdash-okta check: invalid config: host: "acme" is not a full host name/)
  assert.match(flat(single.stderr), /fix: did you mean --host acme\.okta\.com\?/)
})

test('check and sync with a bad --base-url fail before printing "config ok" or making a request', async () => {
  await withSim({ users: 10, groups: 2, events: 10 }, async (sim) => {
    const r = await cli(['check', '--base-url', `${sim.url}/api`], { OKTA_API_TOKEN: TOKEN, OKTA_HOST: 'acme.okta.com' })
    assert.equal(r.code, 2, r.all)
    assert.match(flat(r.stderr), /invalid config: baseUrl: /)
    assert.doesNotMatch(r.all, /config ok|FAIL/)
    const s = await cli(['sync', '--base-url', `${sim.url}?x=1`], { OKTA_API_TOKEN: TOKEN, OKTA_HOST: 'acme.okta.com' })
    assert.equal(s.code, 2, s.all)
    assert.equal(sim.requests.length, 0)
  })
})

test('sync --out into a missing directory fails at once, naming the directory, with no request made', async () => {
  await withSim({ users: 10, groups: 2, events: 10 }, async (sim) => {
    const file = join(tmpdir(), `no-such-dir-${process.pid}`, 'okta.jsonl')
    const r = await cli(['sync', '--base-url', sim.url, '--out', file], { OKTA_API_TOKEN: TOKEN })
    assert.equal(r.code, 2, r.all)
    assert.match(flat(r.stderr), /--out .*okta\.jsonl: the directory .*no-such-dir-\d+ does not exist/)
    assert.match(flat(r.stderr), /fix: create it first/)
    assert.doesNotMatch(r.all, /\.tmp/)
    assert.equal(sim.requests.length, 0)
  })
})

test('sync --out - | head -1: a closed pipe ends quietly with exit code 0', async () => {
  await withSim({ users: 600, groups: 20, events: 3000 }, async (sim) => {
    let first = null
    const r = await cliSpawn(['sync', '--base-url', sim.url, '--out', '-', '--quiet'], { OKTA_API_TOKEN: TOKEN }, {
      onStdout(text, child) {
        if (first === null && text.includes('\n')) {
          first = text.slice(0, text.indexOf('\n'))
          child.stdout.destroy() // what `head -1` does after its line
        }
      },
    })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(JSON.parse(first).type, 'okta_user')
    assert.doesNotMatch(r.stderr, /unexpected error|EPIPE|bug/)
  })
})

test('a --since in the future warns that nothing will be synced', async () => {
  await withSim({ users: 20, groups: 2, events: 50 }, async (sim) => {
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString()
    const r = await cli(['sync', '--base-url', sim.url, '--since', future, '--resources', 'auth_events'], { OKTA_API_TOKEN: TOKEN })
    assert.equal(r.code, 0, r.all)
    assert.match(flat(r.stderr), new RegExp(`warning: --since ${future.replace(/\./g, '\\.')} is in the future.*no sign-in events`))
    assert.equal(count(r.stdout, /^Sign-in events\s+([\d,]+)/m), 0)
    fitsColumns(r.all)
  })
})

test('sync with a refused connection fails fast, naming the URL used and --base-url in the fix', async () => {
  const port = await freePort()
  const started = Date.now()
  const r = await cli(['sync', '--base-url', `http://127.0.0.1:${port}`], { OKTA_API_TOKEN: TOKEN })
  const elapsed = Date.now() - started
  assert.equal(r.code, 1, r.all)
  assert.ok(elapsed < 5000, `took ${elapsed} ms (retries would take 15 s)`)
  assert.match(flat(r.stderr), new RegExp(`rawdash-okta sync: could not connect to http://127\\.0\\.0\\.1:${port}: .*Connection refused`))
  assert.match(flat(r.stderr), new RegExp(`fix: nothing answers at http://127\\.0\\.0\\.1:${port}: check --base-url`))
  noStack(r.all)
  fitsColumns(r.all)
  // A host that does not resolve: the URL is https://HOST and the fix names --host.
  const dns = await cli(['sync', '--host', 'no-such-org.invalid', '--resources', 'users'], { OKTA_API_TOKEN: TOKEN })
  assert.equal(dns.code, 1, dns.all)
  assert.match(flat(dns.stderr), /could not connect to https:\/\/no-such-org\.invalid: .*dns error/)
  assert.match(flat(dns.stderr), /fix: check --host \(or OKTA_HOST\)/)
})

test('Ctrl-C keeps what was synced and says how far it got; sync --resume finishes without duplicates', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rawdash-okta-resume-'))
  try {
    await withSim({ users: 500, groups: 30, events: 6000, latencyMs: 60 }, async (sim) => {
      const env = { OKTA_API_TOKEN: TOKEN }
      const first = await cliSpawn(['sync', '--base-url', sim.url], env, {
        cwd: dir,
        onStderr(text, child) {
          // Stop once the first sign-in page has arrived and some users are written.
          if (!child.sent && /sign-ins: page 1/.test(text) && /users: done/.test(text)) {
            child.sent = true
            child.kill('SIGINT')
          }
        },
      })
      assert.equal(first.code, 130, first.all)
      const text = flat(first.stderr)
      const m = /interrupted: ([\d,]+) users, ([\d,]+) groups?, ([\d,]+) sign-in events? synced so far, saved to \.rawdash-okta-resume\.json/.exec(text)
      assert.ok(m, text)
      assert.equal(Number(m[1].replace(/,/g, '')), 500)
      assert.match(text, /To continue without duplicates: rawdash-okta sync --resume/)
      fitsColumns(first.all)
      const state = await readFile(join(dir, '.rawdash-okta-resume.json'), 'utf8')
      assert.ok(!state.includes(TOKEN), 'the resume file holds no token')

      const file = join(dir, 'okta.jsonl')
      // The destination is given again (the resume file never chooses it), as the message says.
      assert.match(text, new RegExp(`rawdash-okta sync --resume --base-url ${sim.url.replace(/[.]/g, '\\.')}`))
      assert.equal((await stat(join(dir, '.rawdash-okta-resume.json'))).mode & 0o777, 0o600, 'the resume file is owner-only')
      const second = await cliSpawn(['sync', '--resume', '--base-url', sim.url, '--out', file], env, { cwd: dir })
      assert.equal(second.code, 0, second.all)
      assert.match(second.stderr, /resuming the sync interrupted at/)
      const records = (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l))
      const events = records.filter((x) => x.name === 'okta_auth_event')
      const signIns = [...sim.org.events()].filter((e) => SIGN_IN_EVENT_TYPES.includes(e.eventType)).length
      assert.equal(records.filter((x) => x.type === 'okta_user').length, 500)
      assert.equal(records.filter((x) => x.type === 'okta_group').length, 30)
      assert.equal(events.length, signIns)
      assert.equal(new Set(events.map((e) => e.attributes.uuid)).size, signIns, 'no duplicated event')
      await assert.rejects(access(join(dir, '.rawdash-okta-resume.json')), 'the resume file is removed once done')

      const nothing = await cliSpawn(['sync', '--resume'], env, { cwd: dir })
      assert.equal(nothing.code, 2)
      assert.match(nothing.stderr, /nothing to resume/)
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('the simulator command prints --help instead of starting a server', async () => {
  const SIM = fileURLToPath(new URL('../src/simulator/cli.cjs', import.meta.url))
  const r = await new Promise((resolve) => {
    execFile(process.execPath, [SIM, '--help'], { timeout: 5000 }, (err, stdout, stderr) => resolve({ code: err ? err.code ?? -1 : 0, stdout, stderr, killed: err?.killed }))
  })
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /^Usage: node src\/simulator\/cli\.cjs \[options\]/m)
  assert.match(r.stdout, /--token T/)
  assert.doesNotMatch(r.stdout, /"url"\s*:/)
  fitsColumns(r.stdout)
})

test('output fits 80 columns, plurals are right, and the demo explains the sign-in share', async () => {
  const org = { users: 300, groups: 1, events: 2000, days: 3, seed: 4 }
  const demo = await cli(['demo', '--users', org.users, '--groups', org.groups, '--events', org.events, '--days', org.days, '--seed', org.seed, '--fast'].map(String))
  assert.equal(demo.code, 0, demo.all)
  fitsColumns(demo.all)
  const signIns = count(demo.stdout, /^Sign-in events\s+([\d,]+)/m)
  assert.match(flat(demo.stdout), new RegExp(`2,000 System Log events over 3 days \\(seed 4\\); ${signIns.toLocaleString('en-US')} of the events are sign-ins \\(\\d+%\\), the rest: admin, lifecycle, security, app-access and MFA events \\(the security section\\)`))
  assert.match(demo.stdout, /^Security \(System Log\)\s+[\d,]+/m)
  assert.match(demo.stderr, /groups: done, 1 record in 1 page/)
  for (const help of [['--help'], ['demo', '--help'], ['check', '--help'], ['sync', '--help']]) fitsColumns((await cli(help)).stdout)

  await withSim({ users: 5, groups: 1, events: 10 }, async (sim) => {
    const one = await cli(['sync', '--base-url', sim.url, '--resources', 'groups'], { OKTA_API_TOKEN: TOKEN })
    assert.equal(one.code, 0, one.all)
    assert.match(one.stderr, /finished: 1 request, 0 rate limited \(429\), 0 waits/)
    assert.match(one.stdout, /1 sync\(\) call ·/)
    const check = await cli(['check', '--base-url', sim.url, '--resources', 'groups'], { OKTA_API_TOKEN: TOKEN })
    assert.match(check.stdout, /^1 resource, one request each/m)
    assert.match(check.stdout, /The resource is readable/)
    for (const out of [demo.all, one.all, check.all]) assert.doesNotMatch(out, /\b1 (requests|records|pages|resources|groups|users|waits|calls)\b/)
  })
})

test('sync --max-seconds stops reading the System Log at the budget, keeps what it stored and says how far it got', async () => {
  await withSim({ users: 20, groups: 2, events: 30_000, rateLimits: { logs: { limit: 4, windowMs: 1000 } } }, async (sim) => {
    const r = await cli(['sync', '--base-url', sim.url, '--max-seconds', '1', '--resources', 'auth_events'], { OKTA_API_TOKEN: TOKEN, OKTA_HOST: 'acme.okta.com' })
    assert.equal(r.code, 0, r.all)
    assert.match(flat(r.stderr), /sign-ins: stopped at the time budget with [\d.]+% of the window stored .*% left, about \d+ more runs?/)
    const signIns = [...sim.org.events()].filter((e) => SIGN_IN_EVENT_TYPES.includes(e.eventType)).length
    const shown = count(r.stdout, /^Sign-in events\s+([\d,]+)/m)
    assert.ok(shown > 0 && shown < signIns, `${shown} of ${signIns}`)
  })
})

test('check reports per resource what the token can read, apps and factors included', async () => {
  await withSim({ users: 30, groups: 2, events: 20, forbidden: ['factors'] }, async (sim) => {
    const r = await cli(['check', '--base-url', sim.url, '--resources', 'users,apps,factors'], { OKTA_API_TOKEN: TOKEN })
    assert.equal(r.code, 1, r.all)
    assert.match(r.stdout, /^OK\s+users\s/m)
    assert.match(r.stdout, /^OK\s+apps\s+GET \/api\/v1\/apps/m)
    assert.match(r.stdout, /^FAIL\s+factors\s+GET \/api\/v1\/users\/\{id\}\/factors/m)
    assert.ok(!r.all.includes(TOKEN))
  })
})

// ---- hostile servers and planted files (issue 21)

/** A loopback HTTP server answering `route(url, req)` with { status?, headers?, body }; records requests. */
async function fakeOkta(route) {
  const http = await import('node:http')
  const requests = []
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url, authorization: req.headers.authorization ?? null })
    const reply = route(new URL(req.url, 'http://127.0.0.1'), req)
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers })
    res.end(reply.body ?? '[]')
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${server.address().port}`
  return { origin, requests, close: () => new Promise((r) => (server.close(r), server.closeAllConnections())) }
}

/** A resume file as an interrupted sync writes it, for `settings` (host, baseUrl, ...). */
function resumeState(settings, cursor = null) {
  return JSON.stringify({
    version: 1,
    savedAt: '2025-01-01T00:00:00.000Z',
    settings: { host: null, baseUrl: null, resources: null, rateLimitShare: null, timeoutMs: null, mode: 'full', since: null, ...settings },
    cursor,
    counts: { users: 0, groups: 0, auth_events: 0 },
    entities: [],
    events: [],
  })
}

test('a planted resume file never chooses where requests go, and must be the user\'s own, writable by no one else', async () => {
  const { writeFile, chmod, chown, symlink } = await import('node:fs/promises')
  const dir = await mkdtemp(join(tmpdir(), 'rawdash-okta-planted-'))
  const evil = await fakeOkta(() => ({ body: '[]' }))
  try {
    await withSim({ users: 3, groups: 1, events: 5 }, async (sim) => {
      const file = join(dir, '.rawdash-okta-resume.json')
      const plant = async (settings, mode = 0o600) => {
        await rm(file, { force: true })
        await writeFile(file, resumeState(settings, { phase: 'users', page: `${evil.origin}/api/v1/users?after=x` }), { mode })
        await chmod(file, mode)
      }
      const env = { OKTA_API_TOKEN: TOKEN, OKTA_HOST: 'acme.okta.com' }
      // The file names another base URL: with none given now, or another one, it is refused.
      for (const args of [[], ['--base-url', sim.url]]) {
        await plant({ host: 'acme.okta.com', baseUrl: evil.origin })
        const r = await cli(['sync', '--resume', '--resume-file', file, '--resources', 'users', ...args], env)
        assert.equal(r.code, 2, r.all)
        assert.match(flat(r.stderr), /a resume file never chooses where requests go/)
        noStack(r.all)
      }
      // Another host than OKTA_HOST: refused too.
      await plant({ host: 'evil.okta.com', baseUrl: sim.url })
      const host = await cli(['sync', '--resume', '--resume-file', file, '--base-url', sim.url, '--resources', 'users'], env)
      assert.equal(host.code, 2, host.all)
      assert.match(flat(host.stderr), /saved for --host evil\.okta\.com, but this run has --host acme\.okta\.com/)
      assert.deepEqual(evil.requests, [], 'nothing (and no token) reached the planted origin')

      // Group- or world-writable, another user's, or a symbolic link: not read.
      for (const [what, prepare, says] of [
        ['group-writable', () => plant({ baseUrl: sim.url, host: 'acme.okta.com' }, 0o620), /can be written by other users \(mode 620\)/],
        ['world-writable', () => plant({ baseUrl: sim.url, host: 'acme.okta.com' }, 0o606), /can be written by other users/],
        ['another user\'s', async () => {
          await plant({ baseUrl: sim.url, host: 'acme.okta.com' })
          if (process.getuid() === 0) await chown(file, 65534, 65534)
        }, process.getuid() === 0 ? /belongs to another user \(uid 65534\)/ : null],
        ['a symbolic link', async () => {
          const real = join(dir, 'real.json')
          await writeFile(real, resumeState({ baseUrl: sim.url, host: 'acme.okta.com' }), { mode: 0o600 })
          await rm(file, { force: true })
          await symlink(real, file)
        }, /is a symbolic link/],
      ]) {
        await prepare()
        if (!says) continue
        const r = await cli(['sync', '--resume', '--resume-file', file, '--base-url', sim.url, '--resources', 'users'], env)
        assert.equal(r.code, 2, `${what}: ${r.all}`)
        assert.match(flat(r.stderr), says, what)
      }
      // The user's own 0600 file for the same destination resumes (the foreign cursor is ignored).
      await plant({ baseUrl: sim.url, host: 'acme.okta.com' })
      const ok = await cli(['sync', '--resume', '--resume-file', file, '--base-url', sim.url, '--resources', 'users'], env)
      assert.equal(ok.code, 0, ok.all)
      assert.deepEqual(evil.requests, [])
    })
  } finally {
    await evil.close()
    await rm(dir, { recursive: true, force: true })
  }
})

test('--out is written owner-only through an unpredictable temp file; a symbolic link is not followed', async () => {
  const { writeFile, symlink, lstat, readdir } = await import('node:fs/promises')
  const dir = await mkdtemp(join(tmpdir(), 'rawdash-okta-out-'))
  try {
    await withSim({ users: 40, groups: 2, events: 50, latencyMs: 30 }, async (sim) => {
      const victim = join(dir, 'victim.txt')
      await writeFile(victim, 'untouched', { mode: 0o644 })
      const out = join(dir, 'okta.jsonl')
      await writeFile(out, 'old', { mode: 0o644 })
      // The old temp name was `${out}.${pid}.tmp`: plant it as a link to the victim at once.
      const r = await new Promise((resolve) => {
        const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OKTA_')))
        const child = spawn(process.execPath, [CLI, 'sync', '--base-url', sim.url, '--out', out, '--quiet'], { env: { ...base, OKTA_API_TOKEN: TOKEN } })
        symlink(victim, `${out}.${child.pid}.tmp`).catch(() => {})
        let all = ''
        child.stdout.on('data', (d) => (all += d))
        child.stderr.on('data', (d) => (all += d))
        child.on('exit', (code) => resolve({ code, all }))
      })
      assert.equal(r.code, 0, r.all)
      assert.equal(await readFile(victim, 'utf8'), 'untouched', 'nothing written through the planted link')
      const info = await lstat(out)
      assert.ok(info.isFile())
      assert.equal(info.mode & 0o777, 0o600, '--out is owner-only')
      assert.ok((await readFile(out, 'utf8')).split('\n').filter(Boolean).length >= 40)
      assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('.okta.jsonl.')), [], 'no temp file left behind')

      // --out naming a symbolic link: refused before any request, the link and its target untouched.
      const link = join(dir, 'link.jsonl')
      await symlink(victim, link)
      const refused = await cli(['sync', '--base-url', sim.url, '--out', link], { OKTA_API_TOKEN: TOKEN })
      assert.equal(refused.code, 2, refused.all)
      assert.match(flat(refused.stderr), /is a symbolic link, which is not followed/)
      assert.ok((await lstat(link)).isSymbolicLink())
      assert.equal(await readFile(victim, 'utf8'), 'untouched')
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('server text reaches the terminal without control characters (check, sync, dashboard)', async () => {
  const OSC = '\x1b]0;owned\x07\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\'
  const CSI = '\x1b[2J\x1b[H\x1b[31mred\x1b[0m\r\b\u009b6n\u202eevil'
  const fake = await fakeOkta((url) => {
    if (url.pathname === '/api/v1/groups') {
      return { status: 403, body: JSON.stringify({ errorCode: 'E0000006', errorSummary: `You do not have permission ${OSC}${CSI}`, errorCauses: [{ errorSummary: CSI }] }) }
    }
    if (url.pathname === '/api/v1/users') return { body: JSON.stringify([{ id: 'u1', status: `ACTIVE${CSI}`, profile: { email: `a${OSC}@x.com` } }]) }
    if (url.pathname === '/api/v1/logs') {
      if (url.searchParams.get('after')) return { body: '[]', headers: { link: `<http://127.0.0.1${url.pathname}?after=z>; rel="next"` } }
      // Events dated the year 1 and 9999: no million-row dashboard, no stack overflow.
      const ev = (uuid, published) => ({ uuid, published, eventType: 'user.session.start', outcome: { result: 'FAILURE', reason: `bad${CSI}` }, client: { geographicalContext: { country: `Fr${OSC}` } } })
      return { body: JSON.stringify([ev('e1', '0001-01-01T00:00:00.000Z'), ev('e2', '9999-12-31T23:59:59.000Z'), ev('e3', new Date(Date.now() - 3600_000).toISOString())]) }
    }
    return { status: 404, body: '{}' }
  })
  try {
    const env = { OKTA_API_TOKEN: TOKEN }
    const clean = (what, out) => {
      assert.doesNotMatch(out, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/, `${what}: a control character reached the terminal`)
    }
    const check = await cli(['check', '--base-url', fake.origin, '--resources', 'users,groups'], env)
    assert.equal(check.code, 1, check.all)
    assert.match(flat(check.stdout), /You do not have permission/)
    clean('check', check.all)
    const json = await cli(['check', '--json', '--base-url', fake.origin, '--resources', 'groups'], env)
    clean('check --json', json.all)
    assert.match(JSON.parse(json.stdout).resources[0].errorSummary, /\x1b\]0;owned/, 'JSON keeps the text, escaped')

    const failing = await cli(['sync', '--base-url', fake.origin, '--resources', 'groups'], env)
    assert.notEqual(failing.code, 0, failing.all)
    clean('sync error', failing.all)

    const started = Date.now()
    const sync = await cli(['sync', '--base-url', fake.origin, '--resources', 'users,auth_events'], env)
    assert.equal(sync.code, 0, sync.all)
    assert.ok(Date.now() - started < 15_000, 'the dashboard of a year-1/9999 event log renders at once')
    clean('sync dashboard', sync.all)
    assert.match(sync.stdout, /^Sign-in events\s+3\b/m)
    assert.match(flat(sync.stdout), /2 events dated outside the sync window/)
    fitsColumns(sync.all)
  } finally {
    await fake.close()
  }
})

test('a server echoing the token (padded so a cut lands inside it) never gets a piece of it printed', async () => {
  const fake = await fakeOkta((url, req) => {
    const auth = req.headers.authorization ?? ''
    const echo = `${'x'.repeat(470)}${auth}`
    return { status: 401, headers: { 'x-okta-request-id': `${'r'.repeat(190)}${auth}`, 'www-authenticate': echo }, body: JSON.stringify({ errorCode: 'E0000011', errorSummary: echo, errorId: echo, errorCauses: [{ errorSummary: echo }] }) }
  })
  try {
    for (const args of [['check', '--resources', 'users'], ['check', '--json', '--resources', 'users'], ['sync', '--resources', 'users']]) {
      const r = await cli([...args, '--base-url', fake.origin], { OKTA_API_TOKEN: TOKEN })
      assert.equal(r.code, 1, r.all)
      for (let i = 0; i + 6 <= TOKEN.length; i++) assert.ok(!r.all.includes(TOKEN.slice(i, i + 6)), `${args.join(' ')} printed ${TOKEN.slice(i, i + 6)}`)
    }
  } finally {
    await fake.close()
  }
})
