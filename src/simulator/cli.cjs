#!/usr/bin/env node
'use strict';
// Runs the Okta simulator as a separate process (benchmark, demo):
//   node src/simulator/cli.cjs --port 0 --users 20000 --groups 2000 --events 200000 --seed 1 \
//     --latency-ms 100 --rate-limit users=100/10000,groups=100/10000,logs=20/10000 --token T
// Prints one JSON line {"url","token","now"} once listening; runs until SIGTERM/SIGINT.
// Control endpoints (no auth): GET /__sim/stats, GET /__sim/requests, GET /__sim/org,
// POST /__sim/options, POST /__sim/reset, POST /__sim/{addUsers,updateUser,deleteUser,addGroups,
// updateGroup,deleteGroup,addEvents,
// enrollFactor,deactivateFactor,resetFactors,updateFactor,patchFactor,patchApp,userLifecycle}.

const { startSimulator } = require('./index.cjs');

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) args[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) args[a.slice(2)] = argv[++i];
    else args[a.slice(2)] = 'true';
  }
  return args;
}

/** "users=100/10000,logs=20/10000" -> { users: { limit: 100, windowMs: 10000 }, ... } */
function parseRateLimits(text) {
  const out = {};
  for (const part of text.split(',').filter(Boolean)) {
    const m = /^(\w+)=(\d+)(?:\/(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`bad --rate-limit entry ${part}`);
    out[m[1]] = { limit: Number(m[2]), windowMs: m[3] ? Number(m[3]) : 60000 };
  }
  return out;
}

/** "100" or "logs=200,users=50" */
function parsePerBucket(text) {
  if (/^\d+$/.test(text)) return Number(text);
  return Object.fromEntries(text.split(',').map((p) => {
    const [k, v] = p.split('=');
    return [k.trim(), Number(v)];
  }));
}

function optionsFromArgs(args) {
  const o = args.options ? JSON.parse(args.options) : {};
  const num = (k) => (args[k] != null ? Number(args[k]) : undefined);
  const set = (key, value) => { if (value !== undefined) o[key] = value; };
  set('port', num('port'));
  set('users', num('users'));
  set('groups', num('groups'));
  set('events', num('events'));
  set('apps', num('apps'));
  set('seed', args.seed != null ? (/^-?\d+$/.test(args.seed) ? Number(args.seed) : args.seed) : undefined);
  set('now', args.now != null ? (/^\d+$/.test(args.now) ? Number(args.now) : Date.parse(args.now)) : undefined);
  set('eventSpanMs', num('event-span-ms'));
  set('token', args.token);
  set('latencyMs', args['latency-ms'] != null ? parsePerBucket(args['latency-ms']) : undefined);
  set('latencyJitterMs', args['latency-jitter-ms'] != null ? parsePerBucket(args['latency-jitter-ms']) : undefined);
  set('rateLimits', args['rate-limit'] != null ? parseRateLimits(args['rate-limit']) : undefined);
  set('concurrencyLimit', num('concurrency-limit'));
  set('retryAfter', args['retry-after'] != null ? args['retry-after'] === 'true' || Number(args['retry-after']) || false : undefined);
  set('forbidden', args.forbidden != null ? args.forbidden.split(',').filter(Boolean) : undefined);
  set('faults', args.faults != null ? JSON.parse(args.faults) : undefined);
  set('logLimit', num('log-limit'));
  set('linkOrigin', args['link-origin']);
  set('linkPath', args['link-path']);
  set('quietMs', num('quiet-ms'));
  set('logNextSince', args['log-next']);
  set('logNextShiftMs', num('log-next-shift-ms'));
  set('logShuffle', args['log-shuffle'] != null ? args['log-shuffle'] === 'true' : undefined);
  set('logFamilies', args['log-families'] != null ? args['log-families'] === 'true' : undefined);
  return o;
}

const HELP = `okta simulator: a fake Okta org on 127.0.0.1 for rawdash-okta and tests

Usage: node src/simulator/cli.cjs [options]

Serves /api/v1/users, /api/v1/groups (expand=stats), /api/v1/logs, /api/v1/apps
and /api/v1/users/{id}/factors like Okta (SSWS auth, Link paging, filters,
X-Rate-Limit headers) until Ctrl-C. Once listening it
prints one JSON line: {"url", "token", "now"}. Point the connector at it:

  node src/simulator/cli.cjs --port 8123 --token sim-token
  OKTA_API_TOKEN=sim-token rawdash-okta check --base-url http://127.0.0.1:8123

Options:
  --port N                  port (default 0: any free port)
  --token T                 the SSWS token it accepts (default test-token)
  --users N --groups N      org size (defaults 250, 40)
  --events N                System Log events, about 85% sign-ins (default 2000)
  --apps N                  apps (default 12)
  --event-span-ms MS        how far back the events reach
  --quiet-ms MS             no generated events in the last MS (default 60000)
  --seed S                  same seed, same org (default 1)
  --now ISO|MS              the org's present (default: the real clock)
  --latency-ms N|b=N,...    latency, overall or per bucket (users, groups, logs,
                            apps, factors)
  --latency-jitter-ms N     random extra latency
  --rate-limit b=N/MS,...   limits, e.g. logs=20/60000 (Okta's default)
  --concurrency-limit N     concurrent requests before a concurrency 429
  --retry-after true|N      send Retry-After on 429s
  --forbidden b,...         buckets answered with 403 E0000006
  --faults JSON             injected faults, e.g.
                            '[{"type":"500","bucket":"logs","nth":[2]}]'
  --link-origin URL         serve next links on another origin
  --link-path PATH          serve next links on another path
  --log-next keep|drop|shift
                            what the next link of a bounded System Log query
                            (one with until) does with since: keep it (default),
                            drop it (the next page then starts 7 days below
                            until), or shift it later (see --log-next-shift-ms);
                            also OKTA_SIM_LOG_NEXT
  --log-next-shift-ms MS    how much later a shifted since is (default 3600000)
  --log-shuffle             System Log pages out of published order
  --log-families            also admin, lifecycle, security, app, MFA events
  --options JSON            any startSimulator() options as JSON
  -h, --help                this help

Control endpoints (no auth): GET /__sim/stats, /__sim/requests, /__sim/org;
POST /__sim/options, /__sim/reset, /__sim/addUsers, /__sim/updateUser,
/__sim/deleteUser, /__sim/addGroups, /__sim/updateGroup, /__sim/deleteGroup,
/__sim/addEvents, /__sim/enrollFactor,
/__sim/deactivateFactor, /__sim/resetFactors, /__sim/updateFactor,
/__sim/patchFactor, /__sim/patchApp (body: the argument list as a JSON array).
`;

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  const options = optionsFromArgs(parseArgs(argv));
  const sim = await startSimulator(options);
  process.stdout.write(`${JSON.stringify({ url: sim.url, token: sim.token, now: sim.org.now })}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    sim.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  // A bad argument is a usage error: one line and the help pointer, no stack.
  if (err && /^(unexpected argument|bad --rate-limit)/.test(err.message)) {
    process.stderr.write(`okta simulator: ${err.message}\nsee node src/simulator/cli.cjs --help\n`);
    process.exit(2);
  }
  process.stderr.write(`okta simulator: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
