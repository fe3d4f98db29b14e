// The access benchmark's connector process: the first enumeration of group
// memberships and app assignments (a full sync), then changes made through the
// simulator's control endpoints, then a changes-only sync; prints one JSON line.
import OktaConnector from '../../src/js/index.mjs'
import { MemoryStorage, runSync } from '../../src/js/host.mjs'

const { url, token, changes } = JSON.parse(process.argv[2])
const control = async (name, args) => {
  const r = await fetch(`${url}/__sim/${name}`, { method: 'POST', body: JSON.stringify(args) })
  if (!r.ok) throw new Error(`${name}: ${await r.text()}`)
}
const storage = new MemoryStorage({ validate: false })
const connector = new OktaConnector({ host: 'acme.okta.com', resources: ['group_members', 'app_assignments'] }, { apiToken: token }, { baseUrl: url, logger: { info() {}, warn() {} } })
const timed = async (options) => {
  const t0 = process.hrtime.bigint()
  const run = await runSync(connector, storage, options)
  return { done: run.done, calls: run.calls, wallMs: Number(process.hrtime.bigint() - t0) / 1e6 }
}
const first = await timed({ mode: 'full' })
const count = async (type) => (await storage.queryEntities({ type })).filter((e) => e.attributes.status === 'ACTIVE').length
const afterFirst = { members: await count('okta_group_member'), assignments: await count('okta_app_assignment') }
const firstStats = await (await fetch(`${url}/__sim/stats`)).json()
await control('reset')
// Changes: users joining groups (each also changes the apps those groups are assigned to) and direct app assignments.
for (let k = 0; k < changes.groups; k++) await control('addGroupMember', [2 + k, 1 + k])
for (let k = 0; k < changes.apps; k++) await control('assignUserToApp', [3 + k, 2 + k])
const second = await timed({ mode: 'latest', since: new Date(Date.now() - 60_000).toISOString() })
process.stdout.write(JSON.stringify({ first, second, afterFirst, firstStats, afterSecond: { members: await count('okta_group_member'), assignments: await count('okta_app_assignment') } }) + '\n')
