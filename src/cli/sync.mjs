// `rawdash-okta sync`: the demo's sync against a real org (or --base-url), with
// --mode, --since, --resources and --out FILE.jsonl.
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { once } from 'node:events'
import { parse, intFlag, parseSince, connection, UsageError, CliError, HELP, RESOURCE_NAMES } from './args.mjs'
import { syncWithProgress, printDashboard } from './run-sync.mjs'
import { addSecret, num } from './ui.mjs'

export async function sync(argv, io) {
  const values = parse('sync', argv)
  if (values.help) return io.out(HELP.sync)
  const mode = values.mode ?? 'full'
  if (mode !== 'full' && mode !== 'latest') throw new UsageError(`--mode must be full or latest (got "${mode}")`)
  const since = parseSince(values.since)
  // Without --max-seconds the sync runs to completion; with it, the System Log
  // budget is N s, as syncBudgetSeconds bounds a run on a rawdash server.
  const maxSeconds = values['max-seconds'] === undefined ? null : intFlag(values, 'max-seconds', 240, 1, 86_400)
  const conn = connection(values)
  addSecret(conn.token)
  if (conn.oauth) addSecret(process.env.OKTA_PRIVATE_KEY)
  const toStdout = values.out === '-'
  const where = conn.baseUrl ? `${conn.host} via ${conn.baseUrl}` : conn.host

  const options = { mode }
  if (since) options.since = since
  const result = await syncWithProgress({
    settings: conn.settings,
    token: conn.token,
    oauth: conn.oauth,
    baseUrl: conn.baseUrl,
    host: conn.host,
    via: conn.baseUrl,
    resources: conn.resources,
    options,
    title: `Syncing ${where} (${mode}${since ? ` since ${since}` : ''})`,
    quiet: values.quiet,
    maxSeconds,
  })

  let written = null
  if (values.out !== undefined) written = await writeJsonl(result.storage, values.out, conn.resources)
  const notes = []
  if (mode === 'latest') notes.push(`latest mode: the counts above are only the records changed${since ? ` since ${since}` : ''}, not the whole org`)
  if (written !== null && !toStdout) notes.push(`wrote ${num(written)} records to ${values.out}`)
  if (!since && conn.resources.includes('auth_events')) notes.push('sign-ins: Okta returns the last 7 days of the System Log when no --since is given')
  await printDashboard(result, {
    stream: toStdout ? process.stderr : process.stdout,
    resources: conn.resources,
    title: `Okta identity dashboard · ${conn.host}`,
    subtitle: conn.baseUrl ? `via ${conn.baseUrl}` : undefined,
    notes,
  })
  return 0
}

/** Every stored record as one JSON line: users, then groups, then sign-in events. */
async function writeJsonl(storage, file, resources) {
  const records = []
  if (resources.includes('users')) records.push(...(await storage.queryEntities({ type: RESOURCE_NAMES.users.resource })))
  if (resources.includes('groups')) records.push(...(await storage.queryEntities({ type: RESOURCE_NAMES.groups.resource })))
  if (resources.includes('auth_events')) records.push(...(await storage.queryEvents({ name: RESOURCE_NAMES.auth_events.resource })))
  if (file === '-') {
    for (const r of records) if (!process.stdout.write(`${JSON.stringify(r)}\n`)) await once(process.stdout, 'drain')
    return records.length
  }
  // Written next to the target, then renamed: a failed run never leaves half a file.
  const tmp = `${file}.${process.pid}.tmp`
  const out = createWriteStream(tmp)
  try {
    await once(out, 'open')
    for (const r of records) if (!out.write(`${JSON.stringify(r)}\n`)) await once(out, 'drain')
    out.end()
    await once(out, 'finish')
    await rename(tmp, file)
  } catch (err) {
    out.destroy()
    await rm(tmp, { force: true })
    throw new CliError(`could not write ${file}: ${err.message}`, { fix: 'check the directory exists and is writable' })
  }
  return records.length
}
