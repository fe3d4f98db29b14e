// Types of @rawdash/connector-okta/simulator: a deterministic fake Okta org served
// over loopback HTTP (users, groups, apps, per-user factors, System Log; SSWS auth, paging, filters, rate
// limits, injectable faults), for testing rawdash configs and dashboards without an
// Okta org. Point the connector at it with `ctx.baseUrl` or OKTA_BASE_URL.

/** A per-endpoint rate limit: `limit` requests per `windowMs`. */
export interface SimRateLimit {
  limit?: number
  windowMs?: number
}

/** An Okta rate-limit bucket of the simulator. */
export type SimBucket = 'users' | 'groups' | 'logs' | 'apps' | 'factors' | 'devices' | 'roles' | 'other'

/** A number for every bucket, or per bucket with a `default`. */
export type PerBucket = number | Partial<Record<SimBucket | 'default', number>>

/** An injected fault: answer some requests of a bucket with an error. */
export interface SimFault {
  type: '500' | '502' | '503' | '504' | '429' | 'concurrency429' | 'reset' | 'truncate' | 'malformed' | 'slow' | 'html' | '404'
  bucket?: SimBucket
  /** Which matching requests fail (1-based). */
  nth?: number[]
  [key: string]: unknown
}

/** Runtime behaviour, changeable with `sim.setOptions()`. */
export interface SimulatorBehaviour {
  /** The SSWS token the simulator accepts (default `test-token`). */
  token?: string
  rateLimits?: Partial<Record<SimBucket, SimRateLimit>>
  /** Send `Retry-After` on 429s. */
  retryAfter?: boolean | number
  concurrencyLimit?: number
  latencyMs?: PerBucket
  latencyJitterMs?: PerBucket
  /** Buckets answered with 403 E0000006. */
  forbidden?: SimBucket[]
  faults?: SimFault[]
  /** Serve next links on another origin (to test link sanitizing). */
  linkOrigin?: string | null
  /** Serve next links on another path (a link pointing at another endpoint): for every endpoint, or per bucket. */
  linkPath?: string | Partial<Record<SimBucket, string>> | null
  /** Most requests kept in `sim.requests`. */
  logLimit?: number
  /** Caps the page size of /groups/{id}/users, /apps/{id}/users and /apps/{id}/groups below what was asked (a server serving less). */
  childPageLimit?: number | null
  /**
   * What the `next` link of a BOUNDED System Log request (one with `until`) does with
   * `since`, which Okta does not document: `'keep'` (default: every parameter carried
   * over), `'drop'` (the link omits `since`; the following page then uses Okta's
   * default lower bound, `until` - 7 days, so a wider query silently ends there), or
   * `'shift'` (the link carries a `since` `logNextShiftMs` later than the request's,
   * capped at `until`: a client trusting it loses events). Polling requests (no
   * `until`) always keep it. Default from the `OKTA_SIM_LOG_NEXT` environment variable
   * when set; this option wins over it.
   */
  logNextSince?: 'keep' | 'drop' | 'shift'
  /** How much later a shifted `since` is (default 3600000: one hour). */
  logNextShiftMs?: number
  /** Events inside each System Log page out of `published` order (a shuffle fixed by the seed). */
  logShuffle?: boolean
  /** Event types a System Log filter may not name: such a request gets a 400 (E0000031) naming the type. */
  logRejectEventTypes?: string[]
  /**
   * Test hook, called once each response has been sent, with its request-log entry
   * (`status`, `bucket`, `path`, `query`, `next`: whether a next link was served, and for
   * /api/v1/logs `logSince` / `logUntil`: the bounds applied after defaults, ms or null).
   */
  onResponse?: ((entry: SimRequest) => void) | null
}

/** Options of `startSimulator()`: the generated org plus its behaviour. */
export interface SimulatorOptions extends SimulatorBehaviour {
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number
  users?: number
  groups?: number
  /** Caps how many members a generated group starts with (not Everyone, which has every user); default no cap. */
  maxGroupMembers?: number
  /** System Log events (about 85% of them sign-in event types). */
  events?: number
  /**
   * Apps served by /api/v1/apps (default 12). The first 9 are the apps System Log
   * events reference (`org.apps`); the rest are generated, every fifth of those
   * INACTIVE (the 11th app first).
   */
  apps?: number
  /** Seed of the generated org: the same seed gives the same org. */
  seed?: number | string
  /** The org's present (Unix ms); default the real clock. */
  now?: number
  /** How far back the events reach, in ms. */
  eventSpanMs?: number
  /** The generated events end this long before `now` (default 60000): a newest stretch with no events. */
  quietMs?: number
  /**
   * Some generated non-sign-in events become admin, lifecycle, security, app-access
   * and MFA events (realistic targets, debug data and outcomes; a lifecycle event
   * follows its user's status). Sign-in events are the same with or without it.
   */
  logFamilies?: boolean
}

/** One request the simulator served. */
export interface SimRequest {
  method: string
  path: string
  /** The query parameters as received. */
  query: Record<string, string>
  bucket: SimBucket
  status: number
  headers: Record<string, string | string[] | undefined>
  /** Whether the response carried a rel="next" link. */
  next?: boolean
  /** /api/v1/logs: the lower bound applied (ms), after Okta's default (7 days before `until`, else before now). */
  logSince?: number
  /** /api/v1/logs: the upper bound applied (ms), or null for a polling request. */
  logUntil?: number | null
  /** /api/v1/logs: the lower bound the chain's first request applied, carried along its next links (ms). */
  logChainSince?: number
  /** /api/v1/logs: events in the page. */
  logItems?: number
  /** /api/v1/logs: events in the page older than `logChainSince` (paid for outside what the chain asked). */
  logBelowChain?: number
  [key: string]: unknown
}

/** An enrolled MFA factor as GET /api/v1/users/{id}/factors serves it. */
export interface SimFactor {
  /** 20 characters: a 3-letter prefix by type (opf push, pfd signed_nonce, ost/uft totp, mbl sms, clf call, emf email, fwf webauthn, ykf token:hardware, dsf web, fac unknown). */
  id: string
  /** push, signed_nonce, token:software:totp, sms, call, email, webauthn, token:hardware, web (DUO), or anything given to enrollFactor. */
  factorType: string
  /** OKTA, GOOGLE, FIDO, YUBICO, DUO, ... */
  provider: string
  vendorName: string
  /** ACTIVE (most), PENDING_ACTIVATION, DISABLED; anything after updateFactor/patchFactor. */
  status: string
  created: string
  lastUpdated: string
  profile: Record<string, any>
  _links: Record<string, any>
  [key: string]: any
}

/** Options of the hostile-data hooks: dotted paths to delete, e.g. `['provider', 'profile.credentialId']`. */
export interface SimPatchOptions {
  unset?: string[]
}

/**
 * Runtime factor changes (each appends its System Log event: actor and target the
 * user, published now) and hostile-data hooks; on `sim.org` and on the simulator,
 * and as POST /__sim/<name> with the argument list as a JSON array (400 on a bad argument).
 */
export interface SimFactorChanges {
  /**
   * Enrolls a new ACTIVE factor (created = lastUpdated = now; `partial` deep-merged
   * over it; a `factorType` outside the catalog is kept as given, provider `OKTA`
   * unless given) and appends a `user.mfa.factor.activate` event. Throws for unknown
   * or DEPROVISIONED users. Returns the factor.
   */
  enrollFactor(user: string | number, partial?: Partial<SimFactor>): SimFactor
  /** Unenrolls a factor (gone from /factors) and appends `user.mfa.factor.deactivate`. Returns the removed factor. */
  deactivateFactor(user: string | number, factorId: string): SimFactor
  /** Removes every factor of the user and appends `user.mfa.factor.reset_all`. Returns the removed factors. */
  resetFactors(user: string | number): SimFactor[]
  /** Deep-merges `change` into a factor, bumps its lastUpdated and appends `user.mfa.factor.update`. Returns the factor. */
  updateFactor(user: string | number, factorId: string, change: Partial<SimFactor>): SimFactor
  /** Hostile data: deep-merges `patch`, deletes `unset` paths; no event, no lastUpdated bump. Returns the factor. */
  patchFactor(user: string | number, factorId: string, patch: Record<string, unknown>, options?: SimPatchOptions): SimFactor
  /** Hostile data: same for an app (by id or index), kept across requests; events keep the original label. Returns the app. */
  patchApp(app: string | number, patch: Record<string, unknown>, options?: SimPatchOptions): Record<string, any>
}

/**
 * Access changes: group memberships and app assignments (each appends the System Log
 * events Okta logs: `group.user_membership.add`/`.remove` with `application.user_membership.*`
 * for the apps the group is assigned to, `application.user_membership.add`/`.remove`,
 * `group.application_assignment.add`/`.remove`, `application.lifecycle.delete`); ids or
 * indexes; on `sim.org`, on the simulator and as POST /__sim/<name>.
 */
export interface SimAccessChanges {
  /** Adds a user to a group (not Everyone) and moves its lastMembershipUpdated; false if already a member. */
  addGroupMember(group: string | number, user: string | number): boolean
  /** Removes a user from a group (not Everyone); false if not a member. */
  removeGroupMember(group: string | number, user: string | number): boolean
  assignUserToApp(app: string | number, user: string | number): boolean
  unassignUserFromApp(app: string | number, user: string | number): boolean
  assignGroupToApp(app: string | number, group: string | number): boolean
  unassignGroupFromApp(app: string | number, group: string | number): boolean
  /** Deletes an app: gone from /apps and its lists (404). */
  deleteApp(app: string | number): boolean
}

/** The generated org (raw Okta JSON objects). */
export interface SimOrg extends SimFactorChanges, SimAccessChanges {
  /** User indexes of a group's members, ascending (consistent with its stats usersCount). */
  groupMemberIndexes(group: number): number[]
  /** Group indexes assigned to an app, ascending. */
  appGroupIndexes(app: number): number[]
  /** User indexes assigned to an app directly. */
  appDirectUserIndexes(app: number): number[]
  /** An app's assigned users as [userIndex, scope] (USER when direct, else GROUP). */
  appUserScopes(app: number): Array<[number, 'USER' | 'GROUP']>
  readonly now: number
  /** Index positions of users (deleted users included); `liveUserCount` counts those that exist. */
  readonly userCount: number
  readonly liveUserCount: number
  readonly groupCount: number
  readonly liveGroupCount: number
  readonly eventCount: number
  readonly appCount: number
  /** The apps System Log events reference (the first 9 apps; `id`, `name`, `label`, `signOnMode`). */
  readonly apps: ReadonlyArray<{ id: string; name: string; label: string; signOnMode: string }>
  users(): IterableIterator<Record<string, any>>
  /** `{ expand: 'stats' }`: each group as `GET /api/v1/groups?expand=stats` serves it. */
  groups(options?: { expand?: 'stats' }): IterableIterator<Record<string, any>>
  events(): IterableIterator<Record<string, any>>
  /** Every app, in /api/v1/apps order. */
  appsList(): IterableIterator<Record<string, any>>
  user(index: number): Record<string, any> | undefined
  userId(index: number): string
  /** Index of a user id, -1 if none. */
  userIndex(id: string): number
  group(index: number, options?: { expand?: 'stats' }): Record<string, any> | undefined
  groupId(index: number): string
  /** `_embedded.stats` of a group (`usersCount`, `appsCount`, `groupPushMappingsCount`, `hasAdminPrivilege`, `_links`). Everyone's usersCount is `userCount`. */
  groupStats(index: number): Record<string, any> | undefined
  app(index: number): Record<string, any> | undefined
  appId(index: number): string
  appIndex(id: string): number
  /** The raw event at persistence position p (added events after generated ones). */
  event(position: number): Record<string, any> | undefined
  /** A user's factors as served (by id or index); `[]` for DEPROVISIONED users, undefined for unknown users. */
  factors(user: string | number): SimFactor[] | undefined
  addEvents(events: Array<Record<string, unknown>>): Array<Record<string, any>>
  addUsers(n: number, overrides?: Record<string, unknown>): Array<Record<string, any>>
  updateUser(id: string | number, change: { status?: string; profile?: Record<string, unknown> }): Record<string, any>
  /** Deletes a user: gone from every endpoint (its System Log events stay). Returns it as it was. */
  deleteUser(id: string | number): Record<string, any>
  addGroups(n: number): Array<Record<string, any>>
  /** Renames or re-describes a group and bumps its lastUpdated. Returns it. */
  updateGroup(id: string | number, change: { profile?: { name?: string; description?: string | null } }): Record<string, any>
  /** Deletes a group: gone from /groups (logs group.lifecycle.delete and its app unassignments). Returns it as it was. */
  deleteGroup(id: string | number): Record<string, any>
}

/** A running simulator. */
export interface Simulator extends SimFactorChanges, SimAccessChanges {
  /** `http://127.0.0.1:PORT`: the base URL to give the connector. */
  readonly url: string
  /** The token it accepts. */
  readonly token: string
  readonly org: SimOrg
  /** Every request served since start or `resetLog()`. */
  readonly requests: SimRequest[]
  /** Request, 429 and byte counters, overall and per bucket. */
  stats(): { requests: number; status429: number; concurrency429: number; bytes: number; byBucket: Record<string, unknown>; [key: string]: unknown }
  setOptions(partial: SimulatorBehaviour): void
  resetLog(): void
  addUsers(n: number, overrides?: Record<string, unknown>): unknown
  updateUser(id: string, change: { status?: string; profile?: Record<string, unknown> }): unknown
  deleteUser(id: string | number): unknown
  addGroups(n: number): unknown
  updateGroup(id: string | number, change: { profile?: { name?: string; description?: string | null } }): unknown
  deleteGroup(id: string | number): unknown
  addEvents(events: Array<Record<string, unknown>>): unknown
  /** Sets a user's status by a lifecycle event type (user.lifecycle.suspend, user.account.lock, ...) and logs the event. */
  userLifecycle(userId: string, eventType: string): Record<string, any>
  close(): Promise<void>
}

/** Starts a simulator on loopback. */
export declare function startSimulator(options?: SimulatorOptions): Promise<Simulator>
/** Generates an org without serving it (same seed, same data as a simulator's). */
export declare function generateOrg(options?: Omit<SimulatorOptions, keyof SimulatorBehaviour | 'port'>): SimOrg
/** The System Log event types the connector syncs as sign-ins. */
export declare const SIGN_IN_EVENT_TYPES: readonly string[]
/** The default per-bucket rate limits (Okta's defaults, per minute). */
export declare const DEFAULT_RATE_LIMITS: Readonly<Record<SimBucket, Required<SimRateLimit>>>
/** The fault types `faults` accepts. */
export declare const FAULT_TYPES: ReadonlySet<string>
/** The values `logNextSince` accepts. */
export declare const LOG_NEXT_SINCE: ReadonlySet<'keep' | 'drop' | 'shift'>
/** The simulator class behind `startSimulator` (call `listen(port)` yourself). */
export declare const Simulator: new (options?: SimulatorOptions) => Simulator & { listen(port?: number): Promise<Simulator> }
/** The org generator behind `generateOrg`. */
export declare const Org: new (options?: Omit<SimulatorOptions, keyof SimulatorBehaviour | 'port'>) => SimOrg
/** Parses an Okta `filter` expression (as the simulator understands it). */
export declare function parseFilter(text: string): unknown
/** Compiles a parsed filter into a predicate over raw Okta objects. */
export declare function compileFilter(text: string, options?: Record<string, unknown>): (item: Record<string, any>) => boolean
/** A filter the simulator rejects (answered with 400 E0000031). */
export declare class FilterError extends Error {}
