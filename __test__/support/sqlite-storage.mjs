// A storage handle on a real SQLite file with rawdash's SQLite/libSQL adapter's
// write costs (host contract section 4): every singular `entity()`/`event()` is its
// own INSERT statement (its own transaction), every plural writer runs its DELETE
// and one multi-row INSERT as one batch. So per-record writes cost what they cost
// in production (~1,400 a second on 2 cores), and a batch that binds too many
// values fails as SQLite fails it.
import { createClient } from '@libsql/client'

const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS entities (type TEXT NOT NULL, id TEXT NOT NULL, attributes TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (type, id))',
  'CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, name TEXT NOT NULL, start_ts INTEGER NOT NULL, end_ts INTEGER, attributes TEXT NOT NULL)',
  'CREATE INDEX IF NOT EXISTS events_by_time ON events (name, start_ts)',
]

const placeholders = (rows, cols) => Array.from({ length: rows }, () => `(${Array(cols).fill('?').join(',')})`).join(',')

export class SqliteStorage {
  /** Opens (creating) a database file. */
  static async open(path) {
    const client = createClient({ url: `file:${path}` })
    await client.batch(SCHEMA, 'write')
    return new SqliteStorage(client)
  }

  constructor(client) {
    this.client = client
    this.counts = { statements: 0, batches: 0, entity: 0, event: 0 }
  }

  async entity(e) {
    this.counts.statements++
    this.counts.entity++
    await this.client.execute({
      sql: 'INSERT OR REPLACE INTO entities (type, id, attributes, updated_at) VALUES (?, ?, ?, ?)',
      args: [e.type, e.id, JSON.stringify(e.attributes), e.updated_at],
    })
  }

  async event(e) {
    this.counts.statements++
    this.counts.event++
    await this.client.execute({
      sql: 'INSERT INTO events (name, start_ts, end_ts, attributes) VALUES (?, ?, ?, ?)',
      args: [e.name, e.start_ts, e.end_ts, JSON.stringify(e.attributes)],
    })
  }

  async entities(list, scope) {
    const types = scope?.types ?? [...new Set(list.map((e) => e.type))]
    const statements = []
    if (types.length) statements.push({ sql: `DELETE FROM entities WHERE type IN (${types.map(() => '?').join(',')})`, args: types })
    if (list.length) {
      statements.push({
        sql: `INSERT OR REPLACE INTO entities (type, id, attributes, updated_at) VALUES ${placeholders(list.length, 4)}`,
        args: list.flatMap((e) => [e.type, e.id, JSON.stringify(e.attributes), e.updated_at]),
      })
    }
    this.counts.batches++
    this.counts.entity += list.length
    if (statements.length) await this.client.batch(statements, 'write')
  }

  async events(list, scope) {
    const names = scope?.names ?? [...new Set(list.map((e) => e.name))]
    const statements = []
    if (names.length) statements.push({ sql: `DELETE FROM events WHERE name IN (${names.map(() => '?').join(',')})`, args: names })
    if (list.length) {
      statements.push({
        sql: `INSERT INTO events (name, start_ts, end_ts, attributes) VALUES ${placeholders(list.length, 4)}`,
        args: list.flatMap((e) => [e.name, e.start_ts, e.end_ts, JSON.stringify(e.attributes)]),
      })
    }
    this.counts.batches++
    this.counts.event += list.length
    if (statements.length) await this.client.batch(statements, 'write')
  }

  async queryEvents({ name, start, end } = {}) {
    const where = []
    const args = []
    if (name !== undefined) where.push('name = ?') && args.push(name)
    if (start !== undefined) where.push('start_ts >= ?') && args.push(start)
    if (end !== undefined) where.push('start_ts <= ?') && args.push(end)
    const rs = await this.client.execute({
      sql: `SELECT name, start_ts, end_ts, attributes FROM events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`,
      args,
    })
    return rs.rows.map((r) => ({ name: r.name, start_ts: Number(r.start_ts), end_ts: r.end_ts == null ? null : Number(r.end_ts), attributes: JSON.parse(r.attributes) }))
  }

  async getEntity(type, id) {
    const rs = await this.client.execute({ sql: 'SELECT type, id, attributes, updated_at FROM entities WHERE type = ? AND id = ?', args: [type, id] })
    const r = rs.rows[0]
    return r ? { type: r.type, id: r.id, attributes: JSON.parse(r.attributes), updated_at: Number(r.updated_at) } : null
  }

  async queryEntities({ type } = {}) {
    const rs = await this.client.execute(type === undefined ? 'SELECT * FROM entities' : { sql: 'SELECT * FROM entities WHERE type = ?', args: [type] })
    return rs.rows.map((r) => ({ type: r.type, id: r.id, attributes: JSON.parse(r.attributes), updated_at: Number(r.updated_at) }))
  }

  /** Event count per uuid, for exactly-once checks. */
  async eventUuidCounts(name = 'okta_auth_event') {
    const rs = await this.client.execute({ sql: "SELECT json_extract(attributes, '$.uuid') AS uuid, COUNT(*) AS n FROM events WHERE name = ? GROUP BY uuid", args: [name] })
    return new Map(rs.rows.map((r) => [r.uuid, Number(r.n)]))
  }

  /** A handle for one host run: writes are silently dropped once `signal` aborts. */
  guarded(signal) {
    const handle = {}
    for (const m of ['entity', 'event', 'entities', 'events']) handle[m] = (a, b) => (signal?.aborted ? Promise.resolve() : this[m](a, b))
    for (const m of ['queryEvents', 'getEntity', 'queryEntities']) handle[m] = (a, b) => this[m](a, b)
    return handle
  }

  close() {
    this.client.close()
  }
}
