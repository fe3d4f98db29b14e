// A storage handle on a real SQLite file with rawdash's SQLite/libSQL adapter's
// semantics and write costs (host contract section 4):
// - every singular writer (`entity`, `event`, `metric`, `edge`, `distribution`) is its
//   own statement (its own transaction), so per-record writes cost what they cost in
//   production (~1,400 a second on 2 cores);
// - every plural writer runs its DELETE of the scope and one multi-row INSERT as one
//   batch; rows bind 5 values (the connector name namespaces every row), so a batch
//   above 6,553 rows fails as SQLite fails it ("too many SQL variables");
// - events are indexed by (connector, name, start_ts);
// - `guarded(signal)` is the handle one host run gets: writes are silently dropped once
//   `signal` aborts.
// Readers: queryEvents, getEntity, queryEntities, queryMetrics, traverse,
// queryDistributions; for tests, countEntities (a SQL count) and sample() (a value read
// every N ms while a sync runs).
import { createClient } from '@libsql/client'

const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS entities (connector TEXT NOT NULL, type TEXT NOT NULL, id TEXT NOT NULL, attributes TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (connector, type, id))',
  'CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, connector TEXT NOT NULL, name TEXT NOT NULL, start_ts INTEGER NOT NULL, end_ts INTEGER, attributes TEXT NOT NULL)',
  'CREATE INDEX IF NOT EXISTS events_by_time ON events (connector, name, start_ts)',
  'CREATE TABLE IF NOT EXISTS metrics (seq INTEGER PRIMARY KEY, connector TEXT NOT NULL, name TEXT NOT NULL, ts INTEGER NOT NULL, value REAL, attributes TEXT NOT NULL)',
  'CREATE INDEX IF NOT EXISTS metrics_by_time ON metrics (connector, name, ts)',
  'CREATE TABLE IF NOT EXISTS edges (connector TEXT NOT NULL, from_type TEXT NOT NULL, from_id TEXT NOT NULL, kind TEXT NOT NULL, to_type TEXT NOT NULL, to_id TEXT NOT NULL, attributes TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (connector, kind, from_type, from_id, to_type, to_id))',
  'CREATE TABLE IF NOT EXISTS distributions (seq INTEGER PRIMARY KEY, connector TEXT NOT NULL, name TEXT NOT NULL, ts INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, attributes TEXT NOT NULL)',
]

const WRITERS = ['entity', 'event', 'entities', 'events', 'metric', 'metrics', 'edge', 'edges', 'distribution', 'distributions']
const READERS = ['queryEvents', 'getEntity', 'queryEntities', 'queryMetrics', 'traverse', 'queryDistributions']

const rows = (n, cols) => Array.from({ length: n }, () => `(${Array(cols).fill('?').join(',')})`).join(',')
const inList = (values) => values.map(() => '?').join(',')
const json = (v) => JSON.stringify(v ?? {})

export class SqliteStorage {
  /** Opens (creating) a database file; `connector` namespaces the rows (default 'okta'). */
  static async open(path, { connector = 'okta' } = {}) {
    const client = createClient({ url: `file:${path}` })
    await client.batch(SCHEMA, 'write')
    return new SqliteStorage(client, connector)
  }

  constructor(client, connector = 'okta') {
    this.client = client
    this.connector = connector
    this.counts = { statements: 0, batches: 0, entity: 0, event: 0, metric: 0, edge: 0, distribution: 0, dropped: 0 }
  }

  async #one(sql, args) {
    this.counts.statements++
    await this.client.execute({ sql, args })
  }

  /** A plural writer: the scope's DELETE and the INSERT of `list` as one batch. */
  async #replace(deleteSql, deleteArgs, insertSql, cols, list, toRow) {
    const statements = []
    if (deleteSql) statements.push({ sql: deleteSql, args: deleteArgs })
    if (list.length) statements.push({ sql: `${insertSql} VALUES ${rows(list.length, cols)}`, args: list.flatMap(toRow) })
    this.counts.batches++
    if (statements.length) await this.client.batch(statements, 'write')
  }

  async entity(e) {
    this.counts.entity++
    await this.#one('INSERT OR REPLACE INTO entities (connector, type, id, attributes, updated_at) VALUES (?, ?, ?, ?, ?)', [this.connector, e.type, e.id, json(e.attributes), e.updated_at])
  }

  async event(e) {
    this.counts.event++
    await this.#one('INSERT INTO events (connector, name, start_ts, end_ts, attributes) VALUES (?, ?, ?, ?, ?)', [this.connector, e.name, e.start_ts, e.end_ts ?? null, json(e.attributes)])
  }

  /** Replaces every entity of `scope.types` (else of the types in `list`) with `list`. */
  async entities(list, scope) {
    const types = scope?.types ?? [...new Set(list.map((e) => e.type))]
    this.counts.entity += list.length
    await this.#replace(
      types.length ? `DELETE FROM entities WHERE connector = ? AND type IN (${inList(types)})` : null,
      [this.connector, ...types],
      'INSERT OR REPLACE INTO entities (connector, type, id, attributes, updated_at)',
      5,
      list,
      (e) => [this.connector, e.type, e.id, json(e.attributes), e.updated_at],
    )
  }

  /** Replaces every event of `scope.names` (else of the names in `list`) with `list`. */
  async events(list, scope) {
    const names = scope?.names ?? [...new Set(list.map((e) => e.name))]
    this.counts.event += list.length
    await this.#replace(
      names.length ? `DELETE FROM events WHERE connector = ? AND name IN (${inList(names)})` : null,
      [this.connector, ...names],
      'INSERT INTO events (connector, name, start_ts, end_ts, attributes)',
      5,
      list,
      (e) => [this.connector, e.name, e.start_ts, e.end_ts ?? null, json(e.attributes)],
    )
  }

  async metric(m) {
    this.counts.metric++
    await this.#one('INSERT INTO metrics (connector, name, ts, value, attributes) VALUES (?, ?, ?, ?, ?)', [this.connector, m.name, m.ts, m.value ?? null, json(m.attributes)])
  }

  /**
   * Replaces the samples of `scope.names` (else of the names in `list`), only those with
   * start <= ts <= end when `scope.replaceWindow` is given, then writes `list`.
   */
  async metrics(list, scope) {
    const names = scope?.names ?? [...new Set(list.map((m) => m.name))]
    const win = scope?.replaceWindow
    this.counts.metric += list.length
    await this.#replace(
      names.length ? `DELETE FROM metrics WHERE connector = ? AND name IN (${inList(names)})${win ? ' AND ts >= ? AND ts <= ?' : ''}` : null,
      [this.connector, ...names, ...(win ? [win.start, win.end] : [])],
      'INSERT INTO metrics (connector, name, ts, value, attributes)',
      5,
      list,
      (m) => [this.connector, m.name, m.ts, m.value ?? null, json(m.attributes)],
    )
  }

  async edge(e) {
    this.counts.edge++
    await this.#one(
      'INSERT OR REPLACE INTO edges (connector, from_type, from_id, kind, to_type, to_id, attributes, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [this.connector, e.from_type, e.from_id, e.kind, e.to_type, e.to_id, json(e.attributes), e.updated_at],
    )
  }

  /** Replaces every edge of `scope.kinds` (else of the kinds in `list`) with `list`. */
  async edges(list, scope) {
    const kinds = scope?.kinds ?? [...new Set(list.map((e) => e.kind))]
    this.counts.edge += list.length
    await this.#replace(
      kinds.length ? `DELETE FROM edges WHERE connector = ? AND kind IN (${inList(kinds)})` : null,
      [this.connector, ...kinds],
      'INSERT OR REPLACE INTO edges (connector, from_type, from_id, kind, to_type, to_id, attributes, updated_at)',
      8,
      list,
      (e) => [this.connector, e.from_type, e.from_id, e.kind, e.to_type, e.to_id, json(e.attributes), e.updated_at],
    )
  }

  async distribution(d) {
    this.counts.distribution++
    await this.#one('INSERT INTO distributions (connector, name, ts, kind, data, attributes) VALUES (?, ?, ?, ?, ?, ?)', [this.connector, d.name, d.ts, d.kind ?? 'histogram', json(d.data), json(d.attributes)])
  }

  async distributions(list, scope) {
    const names = scope?.names ?? [...new Set(list.map((d) => d.name))]
    const win = scope?.replaceWindow
    this.counts.distribution += list.length
    await this.#replace(
      names.length ? `DELETE FROM distributions WHERE connector = ? AND name IN (${inList(names)})${win ? ' AND ts >= ? AND ts <= ?' : ''}` : null,
      [this.connector, ...names, ...(win ? [win.start, win.end] : [])],
      'INSERT INTO distributions (connector, name, ts, kind, data, attributes)',
      6,
      list,
      (d) => [this.connector, d.name, d.ts, d.kind ?? 'histogram', json(d.data), json(d.attributes)],
    )
  }

  /** Events by name and start_ts range (inclusive), in insertion order. */
  async queryEvents({ name, start, end } = {}) {
    const where = ['connector = ?']
    const args = [this.connector]
    if (name !== undefined) where.push('name = ?') && args.push(name)
    if (start !== undefined) where.push('start_ts >= ?') && args.push(start)
    if (end !== undefined) where.push('start_ts <= ?') && args.push(end)
    const rs = await this.client.execute({ sql: `SELECT name, start_ts, end_ts, attributes FROM events WHERE ${where.join(' AND ')} ORDER BY seq`, args })
    return rs.rows.map((r) => ({ name: r.name, start_ts: Number(r.start_ts), end_ts: r.end_ts == null ? null : Number(r.end_ts), attributes: JSON.parse(r.attributes) }))
  }

  async getEntity(type, id) {
    const rs = await this.client.execute({ sql: 'SELECT type, id, attributes, updated_at FROM entities WHERE connector = ? AND type = ? AND id = ?', args: [this.connector, type, id] })
    const r = rs.rows[0]
    return r ? { type: r.type, id: r.id, attributes: JSON.parse(r.attributes), updated_at: Number(r.updated_at) } : null
  }

  async queryEntities({ type } = {}) {
    const rs = await this.client.execute(
      type === undefined
        ? { sql: 'SELECT type, id, attributes, updated_at FROM entities WHERE connector = ?', args: [this.connector] }
        : { sql: 'SELECT type, id, attributes, updated_at FROM entities WHERE connector = ? AND type = ?', args: [this.connector, type] },
    )
    return rs.rows.map((r) => ({ type: r.type, id: r.id, attributes: JSON.parse(r.attributes), updated_at: Number(r.updated_at) }))
  }

  async queryMetrics({ name, start, end } = {}) {
    const where = ['connector = ?']
    const args = [this.connector]
    if (name !== undefined) where.push('name = ?') && args.push(name)
    if (start !== undefined) where.push('ts >= ?') && args.push(start)
    if (end !== undefined) where.push('ts <= ?') && args.push(end)
    const rs = await this.client.execute({ sql: `SELECT name, ts, value, attributes FROM metrics WHERE ${where.join(' AND ')} ORDER BY ts, seq`, args })
    return rs.rows.map((r) => ({ name: r.name, ts: Number(r.ts), value: r.value == null ? null : Number(r.value), attributes: JSON.parse(r.attributes) }))
  }

  /** Edges matching every given field (`kind`, `fromType`, `fromId`, `toType`, `toId`). */
  async traverse({ kind, fromType, fromId, toType, toId } = {}) {
    const where = ['connector = ?']
    const args = [this.connector]
    for (const [col, v] of [['kind', kind], ['from_type', fromType], ['from_id', fromId], ['to_type', toType], ['to_id', toId]]) {
      if (v !== undefined) where.push(`${col} = ?`) && args.push(v)
    }
    const rs = await this.client.execute({ sql: `SELECT * FROM edges WHERE ${where.join(' AND ')}`, args })
    return rs.rows.map((r) => ({ from_type: r.from_type, from_id: r.from_id, kind: r.kind, to_type: r.to_type, to_id: r.to_id, attributes: JSON.parse(r.attributes), updated_at: Number(r.updated_at) }))
  }

  async queryDistributions({ name, start, end } = {}) {
    const where = ['connector = ?']
    const args = [this.connector]
    if (name !== undefined) where.push('name = ?') && args.push(name)
    if (start !== undefined) where.push('ts >= ?') && args.push(start)
    if (end !== undefined) where.push('ts <= ?') && args.push(end)
    const rs = await this.client.execute({ sql: `SELECT name, ts, kind, data, attributes FROM distributions WHERE ${where.join(' AND ')} ORDER BY ts, seq`, args })
    return rs.rows.map((r) => ({ name: r.name, ts: Number(r.ts), kind: r.kind, data: JSON.parse(r.data), attributes: JSON.parse(r.attributes) }))
  }

  /**
   * Entities of `type`, optionally only those whose attribute `field` equals `value`:
   * one SQL count (cheap enough to sample while a sync writes).
   */
  async countEntities(type, where) {
    const rs = where
      ? await this.client.execute({ sql: "SELECT COUNT(*) AS n FROM entities WHERE connector = ? AND type = ? AND json_extract(attributes, '$.' || ?) = ?", args: [this.connector, type, where.field, where.value] })
      : await this.client.execute({ sql: 'SELECT COUNT(*) AS n FROM entities WHERE connector = ? AND type = ?', args: [this.connector, type] })
    return Number(rs.rows[0].n)
  }

  /** Event count per uuid, for exactly-once checks. */
  async eventUuidCounts(name = 'okta_auth_event') {
    const rs = await this.client.execute({ sql: "SELECT json_extract(attributes, '$.uuid') AS uuid, COUNT(*) AS n FROM events WHERE connector = ? AND name = ? GROUP BY uuid", args: [this.connector, name] })
    return new Map(rs.rows.map((r) => [r.uuid, Number(r.n)]))
  }

  /**
   * Reads `read()` every `everyMs` until `stop()` (which resolves to the samples
   * `[{ t, value }]`, t in ms since start): what a dashboard viewed during a sync shows.
   * A read still running when the next is due is not doubled up.
   */
  sample(read, everyMs = 100) {
    const samples = []
    const t0 = Date.now()
    let busy = null
    const tick = () => {
      if (busy) return
      busy = Promise.resolve()
        .then(read)
        .then((value) => samples.push({ t: Date.now() - t0, value }))
        .catch((err) => samples.push({ t: Date.now() - t0, error: String(err?.message ?? err) }))
        .finally(() => { busy = null })
    }
    tick()
    const timer = setInterval(tick, everyMs)
    return {
      samples,
      async stop() {
        clearInterval(timer)
        if (busy) await busy
        await Promise.resolve().then(read).then((value) => samples.push({ t: Date.now() - t0, value, final: true }))
        return samples
      },
    }
  }

  /** A handle for one host run: writes are silently dropped once `signal` aborts. */
  guarded(signal) {
    const handle = {}
    for (const m of WRITERS) {
      handle[m] = (a, b) => {
        if (signal?.aborted) {
          this.counts.dropped++
          return Promise.resolve()
        }
        return this[m](a, b)
      }
    }
    for (const m of READERS) handle[m] = (a, b) => this[m](a, b)
    return handle
  }

  close() {
    this.client.close()
  }
}
