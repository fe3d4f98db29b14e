// `rawdash-okta sync`: the demo's sync against a real org (or --base-url), with
// --mode, --since, --resources and --out FILE.jsonl. Ctrl-C stops after the current
// write and saves what was synced plus the cursor to a resume file; `sync --resume`
// continues from there.
//
// Files: --out and the resume file hold the org's data (emails, names, IPs), so both
// are written owner-only (0600) to an exclusively created, randomly named temp file
// next to the target, then renamed over it (atomic; a symbolic link at the target is
// replaced, never followed; --out refuses a link up front). A resume file is read only
// when it is a regular file of the current user that no one else can write, and it
// never chooses where requests go: its host and base URL must equal the current ones.
import { randomBytes } from 'node:crypto'
import { access, constants, lstat, open, rename, rm, stat } from 'node:fs/promises'
import { once } from 'node:events'
import { basename, dirname, join, resolve } from 'node:path'
import { parse, intFlag, parseSince, connection, targetUrl, UsageError, CliError, HELP, RESOURCE_NAMES } from './args.mjs'
import { syncWithProgress, printDashboard } from './run-sync.mjs'
import { MemoryStorage } from '../js/host.mjs'
import { addSecret, num, plural, safe, safeJson, wrapText } from './ui.mjs'

/** Where an interrupted sync is saved (the current directory), unless --resume-file says otherwise. */
export const RESUME_FILE = '.rawdash-okta-resume.json'
const RESUME_VERSION = 1

export async function sync(argv, io) {
  const values = parse('sync', argv)
  if (values.help) return io.out(HELP.sync)
  const resumeFile = values['resume-file'] ?? RESUME_FILE
  const saved = values.resume ? await loadResume(resumeFile) : null
  if (saved) applyResume(values, saved, resumeFile, process.env)

  // Every problem with the arguments is reported at once, before any request.
  const problems = []
  const check = (fn) => {
    try {
      return fn()
    } catch (err) {
      if (!(err instanceof UsageError)) throw err
      problems.push({ field: 'option', summary: err.message, fix: err.fix })
      return undefined
    }
  }
  const mode = values.mode ?? 'full'
  if (mode !== 'full' && mode !== 'latest') problems.push({ field: 'option', summary: `--mode must be full or latest (got "${mode}")`, fix: 'use --mode full or --mode latest' })
  const since = check(() => parseSince(values.since))
  // Without --max-seconds the sync runs to completion; with it, the System Log
  // budget is N s, as syncBudgetSeconds bounds a run on a rawdash server.
  const maxSeconds = values['max-seconds'] === undefined ? null : check(() => intFlag(values, 'max-seconds', 240, 1, 86_400))
  const outProblem = values.out === undefined || values.out === '-' ? null : await checkOut(values.out)
  if (outProblem) problems.push(outProblem)
  const conn = connection(values, process.env, problems)
  addSecret(conn.token)
  if (conn.oauth) addSecret(process.env.OKTA_PRIVATE_KEY)
  const toStdout = values.out === '-'
  const err = (text) => process.stderr.write(`${wrapText(text)}\n`)
  if (since && Date.parse(since) > Date.now()) {
    err(`warning: --since ${since} is in the future, so nothing has changed after it yet: this sync will store ${mode === 'full' ? 'no sign-in events' : 'nothing'}. For the last 7 days, use --since 7d.`)
  }
  const where = conn.baseUrl ? `${conn.host} via ${conn.baseUrl}` : conn.host

  const options = { mode }
  if (since) options.since = since
  let storage
  if (saved) {
    storage = await restoreStorage(saved)
    options.cursor = saved.cursor
    err(`resuming the sync interrupted at ${safe(saved.savedAt)} (${describeStored(saved.counts)} already synced)`)
  }
  const result = await syncWithProgress({
    settings: conn.settings,
    token: conn.token,
    oauth: conn.oauth,
    baseUrl: conn.baseUrl,
    host: conn.host,
    via: conn.baseUrl,
    resources: conn.resources,
    options,
    storage,
    title: `${saved ? 'Resuming' : 'Syncing'} ${where} (${mode}${since ? ` since ${since}` : ''})`,
    quiet: values.quiet,
    maxSeconds,
    interruptible: true,
  })

  if (result.interrupted) {
    const counts = await storedCounts(result.storage)
    await saveResume(resumeFile, { values, conn, mode, since, cursor: result.cursor, storage: result.storage, counts })
    err(
      `interrupted: ${describeStored(counts)} synced so far, saved to ${resumeFile} (with the cursor to continue from; no token).\n` +
        // The same destination flags: the resume file never chooses where requests go.
        `To continue without duplicates: rawdash-okta sync --resume${values.host ? ` --host ${values.host}` : ''}${values['base-url'] ? ` --base-url ${values['base-url']}` : ''}${values['resume-file'] ? ` --resume-file ${resumeFile}` : ''}`,
    )
    return 130
  }

  let written = null
  if (values.out !== undefined) written = await writeJsonl(result.storage, values.out, conn.resources)
  if (saved) await rm(resumeFile, { force: true })
  const notes = []
  if (saved) notes.push(`resumed from ${resumeFile} (now removed)`)
  if (mode === 'latest') notes.push(`latest mode: the counts above are only the records changed${since ? ` since ${since}` : ''}, not the whole org`)
  if (written !== null && !toStdout) notes.push(`wrote ${plural(written, 'record')} to ${values.out}`)
  if (!since && conn.resources.includes('auth_events')) notes.push('sign-ins: Okta returns the last 7 days of the System Log when no --since is given')
  await printDashboard(result, {
    stream: toStdout ? process.stderr : process.stdout,
    resources: conn.resources,
    window: since ? { from: Date.parse(since) } : undefined,
    title: `Okta identity dashboard · ${conn.host}`,
    subtitle: conn.baseUrl ? `via ${targetUrl(conn)}` : undefined,
    notes,
  })
  return 0
}

/** A problem with --out FILE found before the sync (so it is not discovered after it). */
async function checkOut(file) {
  const target = resolve(file)
  const dir = dirname(target)
  const problem = (message, fix) => ({ field: 'out', summary: `--out ${file}: ${message}`, fix })
  const info = await stat(dir).catch(() => null)
  if (!info) return problem(`the directory ${dir} does not exist`, `create it first (mkdir -p ${dir}) or choose another path`)
  if (!info.isDirectory()) return problem(`${dir} is not a directory`, 'choose a path inside a directory')
  const existing = await lstat(target).catch(() => null)
  if (existing?.isSymbolicLink()) return problem('is a symbolic link, which is not followed', 'give the path of a regular file (or a new one)')
  if (existing?.isDirectory()) return problem('is a directory', 'give a file name, e.g. --out okta.jsonl')
  try {
    await access(dir, constants.W_OK)
  } catch {
    return problem(`the directory ${dir} is not writable`, 'choose a directory you can write to')
  }
  return null
}

/** Every stored record as one JSON line, resource by resource in table order. */
async function writeJsonl(storage, file, resources) {
  const records = []
  for (const [setting, r] of Object.entries(RESOURCE_NAMES)) {
    if (!resources.includes(setting)) continue
    records.push(...(await (r.shape === 'event' ? storage.queryEvents({ name: r.resource }) : storage.queryEntities({ type: r.resource }))))
  }
  if (file === '-') {
    for (const r of records) if (!process.stdout.write(`${safeJson(r)}\n`)) await once(process.stdout, 'drain')
    return records.length
  }
  try {
    await writePrivate(file, (write) => write((function* lines() {
      for (const r of records) yield `${safeJson(r)}\n`
    })()))
  } catch (err) {
    throw new CliError(`could not write ${file} (${err.code ?? 'write failed'})`, { fix: 'check the directory exists, is writable and has space' })
  }
  return records.length
}


/**
 * Writes `file` owner-only (0600): `fill(write)` writes the content (chunks of text)
 * into a temp file next to it, created exclusively (O_EXCL, O_NOFOLLOW) under a random
 * name, which is then renamed over `file`. A failed run never leaves half a file, no
 * other user can read it or plant the temp file, and a symbolic link at `file` is
 * replaced rather than followed.
 */
export async function writePrivate(file, fill) {
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(8).toString('hex')}.tmp`)
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0)
  const handle = await open(tmp, flags, 0o600)
  try {
    // A umask can only narrow the mode; this makes it exact even on odd filesystems.
    await handle.chmod(0o600).catch(() => {})
    const BATCH = 1 << 20
    let pending = ''
    await fill(async (chunks) => {
      for (const chunk of chunks) {
        pending += chunk
        if (pending.length >= BATCH) {
          await handle.write(pending)
          pending = ''
        }
      }
    })
    if (pending) await handle.write(pending)
    await handle.close()
    await rename(tmp, file)
  } catch (err) {
    await handle.close().catch(() => {})
    await rm(tmp, { force: true })
    throw err
  }
}

// ---- resume

async function storedCounts(storage) {
  return {
    users: (await storage.queryEntities({ type: RESOURCE_NAMES.users.resource })).length,
    groups: (await storage.queryEntities({ type: RESOURCE_NAMES.groups.resource })).length,
    auth_events: (await storage.queryEvents({ name: RESOURCE_NAMES.auth_events.resource })).length,
  }
}

const describeStored = (counts) => `${plural(counts.users, 'user')}, ${plural(counts.groups, 'group')}, ${plural(counts.auth_events, 'sign-in event')}`

/** Saves what an interrupted sync stored, its settings (never the token) and its cursor. */
async function saveResume(file, { values, conn, mode, since, cursor, storage, counts }) {
  const state = {
    version: RESUME_VERSION,
    savedAt: new Date().toISOString(),
    settings: { host: values.host ?? process.env.OKTA_HOST ?? null, baseUrl: conn.baseUrl ?? null, resources: values.resources ?? null, rateLimitShare: values['rate-limit-share'] ?? null, timeoutMs: values['timeout-ms'] ?? null, mode, since: since ?? null },
    cursor: cursor ?? null,
    counts,
    entities: await storage.queryEntities({}),
    events: await storage.queryEvents({}),
  }
  await writePrivate(file, (write) => write([JSON.stringify(state)]))
}

/** Reads the resume file: a regular file of this user that nobody else may write. */
async function loadResume(file) {
  let handle
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
  } catch (err) {
    if (err.code === 'ELOOP') throw new UsageError(`${file} is a symbolic link: a resume file is never read through one`, { fix: `delete ${file} and run the sync again` })
    throw new UsageError(`nothing to resume: ${file} does not exist`, { fix: 'run rawdash-okta sync (without --resume); press Ctrl-C to stop it and keep what it synced' })
  }
  let text
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw new UsageError(`${file} is not a regular file`, { fix: `delete it and run the sync again` })
    // POSIX only (Windows has no uid or mode bits here).
    if (typeof process.getuid === 'function') {
      if (info.uid !== process.getuid()) {
        throw new UsageError(`${file} belongs to another user (uid ${info.uid}): it is not resumed`, { fix: `delete it and run the sync again; a resume file is only read when it is your own` })
      }
      if (info.mode & 0o022) {
        throw new UsageError(`${file} can be written by other users (mode ${(info.mode & 0o777).toString(8)}): it is not resumed`, { fix: `delete it and run the sync again (rawdash-okta writes it with mode 600)` })
      }
    }
    text = await handle.readFile('utf8')
  } finally {
    await handle.close()
  }
  let state
  try {
    state = JSON.parse(text)
  } catch {
    state = null
  }
  if (state?.version !== RESUME_VERSION || !Array.isArray(state.entities) || !Array.isArray(state.events)) {
    throw new UsageError(`${file} is not a resume file of this version of rawdash-okta`, { fix: `delete it and run the sync again` })
  }
  return state
}

/**
 * The interrupted run's settings; flags given now must not contradict them. Where the
 * requests go is never taken from the file: its host and base URL must equal the ones
 * given now (flags, else OKTA_HOST / OKTA_BASE_URL), or it is refused.
 */
function applyResume(values, saved, file, env) {
  const s = saved.settings ?? {}
  const norm = (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null)
  for (const [flag, name, savedValue, now, fold] of [
    ['host', 'OKTA_HOST', s.host, values.host ?? env.OKTA_HOST, (v) => v.toLowerCase()],
    ['base-url', 'OKTA_BASE_URL', s.baseUrl, values['base-url'] ?? env.OKTA_BASE_URL, (v) => v.replace(/\/+$/, '')],
  ]) {
    const a = norm(savedValue)
    const b = norm(now)
    if ((a === null ? null : fold(a)) !== (b === null ? null : fold(b))) {
      const was = a === null ? `no --${flag}` : `--${flag} ${safe(a)}`
      const is = b === null ? `no --${flag}` : `--${flag} ${safe(b)}`
      throw new UsageError(`${file} was saved for ${was}, but this run has ${is}: a resume file never chooses where requests go`, {
        fix: `resume with the same ${a === null ? `settings (unset --${flag} and ${name})` : `--${flag} (or ${name})`}, or delete ${file} to start a new sync`,
      })
    }
  }
  const pairs = [
    ['resources', s.resources],
    ['rate-limit-share', s.rateLimitShare],
    ['timeout-ms', s.timeoutMs],
    ['mode', s.mode],
  ]
  for (const [flag, value] of pairs) {
    if (value === null || value === undefined) continue
    if (values[flag] !== undefined && values[flag] !== value) {
      throw new UsageError(`--${flag} ${safe(values[flag])} differs from the interrupted sync's ${safe(String(value))}`, { fix: `leave --${flag} out to resume, or delete ${file} to start a new sync` })
    }
    values[flag] = value
  }
  if (values.since !== undefined) throw new UsageError('--since cannot change when resuming', { fix: `leave --since out to resume, or delete ${file} to start a new sync` })
  if (s.since) values.since = s.since
}

async function restoreStorage(saved) {
  const storage = new MemoryStorage()
  for (const e of saved.entities) await storage.entity(e)
  for (const e of saved.events) await storage.event(e)
  return storage
}
