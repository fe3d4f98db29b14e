// Live sync progress from the connector's log events. On a TTY it redraws a block
// of lines in place (ANSI cursor movement, throttled); otherwise it prints plain,
// throttled lines. Both read the same per-phase state.
import { palette, wantsColor, redact, safe, num, duration, padEnd, padStart, progressBar, truncate, plural, wrap, SPINNER } from './ui.mjs'
import { BY_RESOURCE, RESOURCE_NAMES } from './args.mjs'

const REDRAW_MS = 100
const PLAIN_EVERY_MS = 1000

/**
 * @param {object} opts
 * @param {NodeJS.WriteStream} opts.stream  where progress goes (stderr)
 * @param {string[]} opts.phases            resource keys in order: users, groups, auth_events
 * @param {Record<string, number>} [opts.totals]  expected records per phase (bars when known)
 * @param {string} opts.title
 * @param {() => object} [opts.stats]       connector.stats()
 * @param {boolean} [opts.tty]              force redraw mode on/off (default: stream.isTTY)
 * @param {boolean} [opts.quiet]            print nothing
 */
export class Progress {
  constructor({ stream, phases, totals = {}, title, stats, tty, quiet = false }) {
    this.stream = stream
    this.tty = tty ?? Boolean(stream.isTTY)
    this.quiet = quiet
    this.c = palette(this.tty && wantsColor(stream))
    this.title = title
    this.stats = stats ?? (() => null)
    this.started = Date.now()
    this.phases = new Map(
      phases.map((key) => [
        key,
        { key, label: RESOURCE_NAMES[key]?.label ?? key, total: totals[key], status: 'queued', pages: 0, records: 0, waits: 0, waitMs: 0, waitUntil: 0, retries: 0, startedAt: null, doneAt: null, lastPlain: 0, note: '' },
      ]),
    )
    this.drawn = 0
    this.dirty = true
    this.timer = null
    this.frame = 0
    this.calls = 0
  }

  /** A ConnectorLogger feeding this display. */
  logger() {
    return { info: (event, fields) => this.onEvent('info', event, fields ?? {}), warn: (event, fields) => this.onEvent('warn', event, fields ?? {}) }
  }

  phaseOf(fields) {
    const info = BY_RESOURCE[fields.resource]
    return info ? this.phases.get(info.key) : undefined
  }

  onEvent(level, event, fields) {
    const p = this.phaseOf(fields)
    const now = Date.now()
    if (p && p.startedAt === null) p.startedAt = this.started
    switch (event) {
      case 'fetched page':
        if (!p) break
        p.pages++
        p.records += fields.items ?? 0
        p.status = 'fetching'
        p.waitUntil = 0
        p.note = ''
        this.plain(p, `${p.label}: page ${p.pages}, ${p.total ? `${num(p.records)} of ${plural(p.total, 'record')}` : plural(p.records, 'record')}`, p.pages === 1)
        break
      case 'resource done':
        if (!p) break
        p.status = 'done'
        p.doneAt = now
        this.plain(p, `${p.label}: done, ${plural(p.records, 'record')} in ${plural(p.pages, 'page')} (${duration(now - p.startedAt)})`, true)
        break
      case 'rate limit wait':
        if (!p) break
        p.waits++
        p.waitMs += fields.wait_ms ?? 0
        p.waitUntil = now + (fields.wait_ms ?? 0)
        p.status = 'waiting'
        this.plain(p, `${p.label}: rate limit, waiting ${duration(fields.wait_ms ?? 0)} (${typeof fields.remaining === 'number' ? plural(fields.remaining, 'request') : '? requests'} left in the window)`, p.waits === 1)
        break
      case 'fetch page failed':
        if (!p) break
        p.retries++
        p.status = fields.retry_in_ms == null ? 'failed' : 'retrying'
        p.note = safe(`${fields.status ? `HTTP ${fields.status} ` : ''}${fields.code ?? ''}`).trim()
        this.plain(p, `${p.label}: request failed (${p.note || 'error'})${fields.retry_in_ms == null ? '' : `, retrying in ${duration(fields.retry_in_ms)}`}`, true)
        break
      case 'backfill incomplete':
        this.plainLine(
          `sign-ins: stopped at the time budget with ${fields.covered_percent}% of the window stored (${fields.covered_from ?? '?'} to ${fields.covered_to ?? '?'}); ${fields.remaining_percent}% left, about ${fields.estimated_runs_left ?? '?'} more run${fields.estimated_runs_left === 1 ? '' : 's'} like this one`,
        )
        break
      case 'base url override':
        // The title already says "via URL".
        break
      case 'chunk budget reached':
        this.plainLine(`sync chunk budget reached after ${duration(fields.elapsed_ms ?? 0)}; resuming from the cursor`)
        break
      default:
        if (level === 'warn') this.plainLine(`${event}${fields.resource ? ` (${fields.resource})` : ''}`)
    }
    this.dirty = true
  }

  /** Host loop callback: one per sync() call. */
  onResult(result) {
    this.calls++
    if (result?.transientError) this.plainLine(`sync call ${this.calls} returned a transient error (${result.transientError.code ?? 'error'}); resuming from the cursor`)
  }

  plain(p, text, force) {
    if (this.quiet || this.tty) return
    const now = Date.now()
    if (!force && now - p.lastPlain < PLAIN_EVERY_MS) return
    p.lastPlain = now
    this.plainLine(text)
  }

  plainLine(text) {
    if (this.quiet || this.tty) return
    const t = ((Date.now() - this.started) / 1000).toFixed(1).padStart(5)
    // Plain lines carry no colour: anything from a log field is made safe to print.
    this.stream.write(redact(`${wrap(`[${t}s] ${safe(text)}`)}\n`))
  }

  start() {
    if (this.quiet) return this
    if (!this.tty) {
      this.plainLine(this.title)
      return this
    }
    this.stream.write('\x1b[?25l') // hide the cursor while redrawing
    this.render()
    this.timer = setInterval(() => {
      this.frame++
      this.render()
    }, REDRAW_MS)
    this.timer.unref?.()
    return this
  }

  /** Final frame; `ok` false marks unfinished phases as stopped. */
  stop(ok = true) {
    if (this.quiet) return
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    for (const p of this.phases.values()) if (p.status !== 'done' && !ok) p.status = p.status === 'failed' ? 'failed' : 'stopped'
    if (this.tty) {
      this.render(true)
      this.stream.write('\x1b[?25h')
    } else {
      const s = this.stats()
      if (s) this.plainLine(`${ok ? 'finished' : 'stopped'}: ${plural(s.requests, 'request')}, ${num(s.rateLimited)} rate limited (429), ${plural(s.waits, 'wait')}, ${duration(Date.now() - this.started)}`)
    }
  }

  /** Restores the cursor (on Ctrl-C). */
  restore() {
    if (this.timer) clearInterval(this.timer)
    if (this.tty && !this.quiet) this.stream.write('\x1b[?25h\n')
  }

  lines(final = false) {
    const c = this.c
    const now = Date.now()
    const s = this.stats() ?? {}
    const spin = final ? ' ' : c.cyan(SPINNER[this.frame % SPINNER.length])
    const head = `${spin} ${c.bold(this.title)}  ${c.dim(duration(now - this.started))}`
    const tail = c.dim(`requests ${num(s.requests ?? 0)} · 429s ${num(s.rateLimited ?? 0)} · waits ${num(s.waits ?? 0)} (${duration(s.waitMs ?? 0)})`)
    const out = [head]
    for (const p of this.phases.values()) {
      const label = padEnd(`  ${p.label}`, 12)
      const gauge = p.total ? progressBar(p.records, p.total, 20) : p.status === 'done' ? '█'.repeat(20) : padEnd(p.status === 'queued' ? '' : c.cyan(SPINNER[(this.frame + p.key.length) % SPINNER.length]), 20)
      const colored = p.status === 'done' ? c.green(gauge) : p.status === 'failed' || p.status === 'stopped' ? c.red(gauge) : c.cyan(gauge)
      const count = padStart(num(p.records), 8) + (p.total ? c.dim(` / ${padEnd(num(p.total), 7)}`) : ' records ')
      const pages = padStart(`${num(p.pages)} page${p.pages === 1 ? ' ' : 's'}`, 10)
      let state
      if (p.status === 'done') state = c.green(`done in ${duration(p.doneAt - p.startedAt)}`)
      else if (p.status === 'waiting' && p.waitUntil > now) state = c.yellow(`waiting ${duration(p.waitUntil - now)} (rate limit)`)
      else if (p.status === 'retrying') state = c.yellow(`retrying after ${p.note || 'an error'}`)
      else if (p.status === 'failed') state = c.red(`failed ${p.note}`)
      else if (p.status === 'stopped') state = c.red('stopped')
      else if (p.status === 'queued') state = c.dim('starting')
      else state = 'fetching'
      const waits = p.waits ? c.dim(`  ${p.waits} wait${p.waits === 1 ? '' : 's'}`) : ''
      out.push(`${label}${colored} ${count} ${pages}  ${state}${waits}`)
    }
    out.push(`  ${tail}`)
    return out
  }

  render(final = false) {
    if (!final && !this.dirty && this.frame % 2) return
    this.dirty = false
    const cols = Math.max(40, (this.stream.columns || 100) - 1)
    const lines = this.lines(final).map((l) => truncate(redact(l), cols))
    let buf = this.drawn ? `\x1b[${this.drawn}F` : ''
    for (const l of lines) buf += `\x1b[2K${l}\n`
    this.stream.write(buf)
    this.drawn = lines.length
  }
}
