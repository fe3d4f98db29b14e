// Terminal output helpers for the rawdash-okta command: colours (only on a TTY,
// honouring NO_COLOR / FORCE_COLOR), number formatting, unicode bars and
// sparklines, secret redaction applied to everything the command prints (the
// connector's own redaction, through the native Redactor), and `safe()` for every
// server-supplied string before it reaches the terminal.
import { createRequire } from 'node:module'

const { Redactor } = createRequire(import.meta.url)('../js/native.cjs')

const ESC = '\x1b['
const STYLES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], blue: [34, 39], cyan: [36, 39], gray: [90, 39] }

/** Whether `stream` should get ANSI colours. */
export function wantsColor(stream) {
  const env = process.env
  if ('NO_COLOR' in env && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true
  return Boolean(stream?.isTTY) && env.TERM !== 'dumb'
}

/** A palette: `c.red('x')` colours when enabled, returns the text unchanged otherwise. */
export function palette(enabled) {
  const c = {}
  for (const [name, [open, close]] of Object.entries(STYLES)) {
    c[name] = enabled ? (s) => `${ESC}${open}m${s}${ESC}${close}m` : (s) => String(s)
  }
  c.enabled = enabled
  return c
}

// ---- secrets: every line the command writes goes through redact().
const secrets = new Set()
let redactor = null
// The private members of a JWK (the rest is the public key).
const JWK_PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']

/**
 * Registers a value that must never be printed (the API token, the private key).
 * A PEM key is registered by its base64 lines and a JWK by its private members, so
 * the words of the PEM armour ("PRIVATE KEY") or JSON punctuation stay printable.
 */
export function addSecret(value) {
  if (typeof value !== 'string' || value.length < 4) return
  const pieces = []
  const text = value.trim()
  if (/^-----BEGIN /.test(text)) {
    for (const line of text.split(/\r?\n/)) if (!line.startsWith('-----') && line.trim().length >= 8) pieces.push(line.trim())
  } else if (text.startsWith('{')) {
    try {
      const jwk = JSON.parse(text)
      for (const k of JWK_PRIVATE) if (typeof jwk?.[k] === 'string' && jwk[k].length >= 8) pieces.push(jwk[k])
    } catch {
      // Not JSON: the whole value.
    }
  }
  if (pieces.length === 0) pieces.push(value)
  for (const p of pieces) secrets.add(p)
  redactor = new Redactor([...secrets])
}

/**
 * `text` with every registered secret masked: the connector's one redaction (a whole
 * secret, any 6 characters in a row of one, a JWT-shaped string), redacted first and,
 * with `maxChars`, cut afterwards.
 */
export function redact(text, maxChars) {
  const s = String(text)
  if (redactor) return redactor.redact(s, maxChars)
  return maxChars === undefined ? s : new Redactor([]).redact(s, maxChars)
}

// C0 and C1 control characters (ESC starts every terminal escape sequence, BEL and
// ST end OSC ones, CR and BS move the cursor), plus line separators and bidirectional
// overrides that reorder what is shown.
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
// eslint-disable-next-line no-control-regex
const BREAKS_RE = /[\t\n\v\f\r\u2028\u2029]/g

/**
 * A server-supplied string made safe to print: no control character survives (so no
 * escape sequence, cursor move or title change), line breaks and tabs become spaces.
 * `keepLines` keeps `\n` (for multi-line text such as a stack).
 */
export function safe(text, { keepLines = false } = {}) {
  const s = String(text ?? '')
  if (keepLines) return s.split('\n').map((line) => safe(line)).join('\n')
  return s.replace(BREAKS_RE, ' ').replace(CONTROL_RE, '')
}

// What JSON.stringify leaves raw although a terminal acts on it: DEL, C1 controls,
// line separators and bidirectional overrides.
const JSON_RAW_RE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** JSON.stringify with every character a terminal could act on written as a \u escape (same value). */
export function safeJson(value, space) {
  return JSON.stringify(value, null, space).replace(JSON_RAW_RE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Writes to a stream with redaction. */
export function writer(stream) {
  return (text = '') => stream.write(redact(text))
}

// ---- numbers and time
const nf = new Intl.NumberFormat('en-US')
export const num = (n) => nf.format(n)
export const pct = (part, whole, digits = 1) => (whole > 0 ? `${((100 * part) / whole).toFixed(digits)}%` : 'n/a')

export function duration(ms) {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const m = Math.floor(ms / 60_000)
  const s = Math.round((ms % 60_000) / 1000)
  return `${m} min ${s} s`
}

export function bytes(n) {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

// ---- layout
// eslint-disable-next-line no-control-regex
const ANSI_RE = /\x1b\[[0-9;?]*[A-Za-z]/g
export const stripAnsi = (s) => String(s).replace(ANSI_RE, '')
export const width = (s) => [...stripAnsi(s)].length

export function padEnd(s, n) {
  const w = width(s)
  return w >= n ? s : s + ' '.repeat(n - w)
}

export function padStart(s, n) {
  const w = width(s)
  return w >= n ? s : ' '.repeat(n - w) + s
}

/** Cuts a (possibly coloured) line to `cols` visible characters. */
export function truncate(line, cols) {
  if (width(line) <= cols) return line
  let out = ''
  let visible = 0
  let i = 0
  const s = String(line)
  while (i < s.length && visible < cols - 1) {
    if (s[i] === '\x1b') {
      const m = /^\x1b\[[0-9;?]*[A-Za-z]/.exec(s.slice(i))
      if (m) {
        out += m[0]
        i += m[0].length
        continue
      }
    }
    const ch = String.fromCodePoint(s.codePointAt(i))
    out += ch
    i += ch.length
    visible++
  }
  return `${out}…${s.includes('\x1b') ? `${ESC}0m` : ''}`
}

// ---- charts
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉']

/** A horizontal bar of `value / max` over `cells` characters, in eighth-cell steps. */
export function bar(value, max, cells) {
  if (!(max > 0) || !(value > 0)) return ''
  const eighths = Math.max(1, Math.round((value / max) * cells * 8))
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]
}

/** A progress bar with a track: `done / total` over `cells`. */
export function progressBar(done, total, cells) {
  const filled = bar(Math.min(done, total), total, cells)
  return filled + '░'.repeat(Math.max(0, cells - width(filled)))
}

const SPARKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█']

/** A sparkline of `values`, scaled from 0 to the maximum (any number of values). */
export function sparkline(values) {
  const max = values.reduce((m, v) => (v > m ? v : m), 0)
  return values.map((v) => (max > 0 && v > 0 ? SPARKS[Math.min(7, Math.floor((v / max) * 7.999))] : ' ')).join('')
}

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

// ---- words and lines
/** `1 request`, `2 requests` (`plural(n, 'entry', 'entries')` for irregular words). */
export function plural(n, word, many = `${word}s`) {
  return `${num(n)} ${n === 1 ? word : many}`
}

/** The terminal width every line the command prints must fit (an 80-column terminal). */
export const COLUMNS = 80

/**
 * Word-wraps one (possibly coloured) line to `cols` visible characters; continuation
 * lines are indented two more than the line's own indent. Words longer than a line
 * are left whole (a URL is better unbroken).
 */
export function wrap(line, cols = COLUMNS) {
  if (width(line) <= cols) return String(line).trimEnd()
  const plain = stripAnsi(line)
  const indent = ' '.repeat(Math.min(plain.length - plain.trimStart().length + 2, 24))
  const words = String(line).trimStart().split(' ')
  const lead = ' '.repeat(plain.length - plain.trimStart().length)
  const out = []
  let current = lead
  for (const w of words) {
    const next = current.trim() === '' ? current + w : `${current} ${w}`
    if (width(next) > cols && current.trim() !== '') {
      out.push(current)
      current = indent + w
    } else {
      current = next
    }
  }
  out.push(current)
  return out.map((l) => l.trimEnd()).join('\n')
}

/** Wraps every line of `text` to `cols`. */
export const wrapText = (text, cols = COLUMNS) =>
  String(text)
    .split('\n')
    .map((l) => wrap(l, cols))
    .join('\n')
