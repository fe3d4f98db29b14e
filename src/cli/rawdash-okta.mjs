#!/usr/bin/env node
// rawdash-okta: try (demo), verify (check) and run (sync) the Okta connector.
// Expected failures print one line and the fix, and exit 1 (or 2 for usage and
// config errors); anything else is a bug and prints its stack.
import { CliError, UsageError, HELP } from './args.mjs'
import { writer, palette, wantsColor, redact, safe, wrapText } from './ui.mjs'

const COMMANDS = {
  demo: () => import('./demo.mjs').then((m) => m.demo),
  check: () => import('./check.mjs').then((m) => m.check),
  sync: () => import('./sync.mjs').then((m) => m.sync),
}

async function main(argv) {
  const io = { out: writer(process.stdout), err: writer(process.stderr) }
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined
    if (topic !== undefined && !HELP[topic]) throw new UsageError(`unknown command "${topic}"`, { fix: 'commands: demo, check, sync' })
    io.out(HELP[topic ?? 'main'])
    return command === undefined ? 2 : 0
  }
  if (command === '--version' || command === '-v') {
    const { createRequire } = await import('node:module')
    io.out(`${createRequire(import.meta.url)('../../package.json').version}\n`)
    return 0
  }
  const load = COMMANDS[command]
  if (!load) throw new UsageError(`unknown command "${command}"`, { fix: 'run rawdash-okta --help; commands: demo, check, sync' })
  const run = await load()
  const code = await run(rest, io)
  return typeof code === 'number' ? code : 0
}

function report(err, command) {
  const c = palette(wantsColor(process.stderr))
  const name = ['demo', 'check', 'sync'].includes(command) ? `rawdash-okta ${command}` : 'rawdash-okta'
  // The message, details and fix can quote the server: no control character is printed.
  const lines = [`${c.red(`${name}:`)} ${safe(err.message)}`]
  for (const d of err.details ?? []) lines.push(`  ${safe(d, { keepLines: true })}`)
  if (err.fix) lines.push(`${c.yellow('fix:')} ${safe(err.fix)}`)
  process.stderr.write(redact(`${wrapText(lines.join('\n'))}\n`))
}

// A closed pipe (`rawdash-okta sync --out - | head -1`) is a normal way for output to
// end: stop quietly with exit code 0.
const isEpipe = (err) => err?.code === 'EPIPE' || err?.code === 'ERR_STREAM_DESTROYED'
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (isEpipe(err)) process.exit(0)
    throw err
  })
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    if (isEpipe(err)) {
      process.exitCode = 0
      return
    }
    if (err instanceof CliError) {
      report(err, process.argv[2])
      process.exitCode = err.exitCode
      return
    }
    process.stderr.write(redact(`rawdash-okta: unexpected error (a bug; please report it)\n${safe(err?.stack ?? err, { keepLines: true })}\n`))
    process.exitCode = 1
  },
)
