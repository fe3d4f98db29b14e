'use strict';
// The lazy, deterministic Okta org: users, groups, apps, factors and System Log
// events are pure functions of (seed, index); only runtime changes (added users/
// groups/events, user updates, factor changes, patches) are stored.

const { hash3, seedToUint32, Rng, makeId, idToIndex, hexOf, ALNUM, HEX } = require('./rng.cjs');
const D = require('./data.cjs');

const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;

// Distinct hash streams per entity kind.
const K = {
  user: 1, userId: 2, group: 3, groupId: 4, event: 5, eventKey: 6, app: 7, misc: 8,
  userAdded: 9, groupAdded: 10, eventAdded: 11, type: 12, appData: 13, factor: 14, factorId: 15,
  factorAdded: 16, groupStats: 17,
};
// Device streams (kept apart from the numbers above so other kinds can be added there).
const KD = { device: 31, deviceId: 32, role: 33 };

// Standard admin roles (GET /api/v1/users/{id}/roles `type` and `label`).
const ROLE_LABELS = {
  SUPER_ADMIN: 'Super Administrator',
  ORG_ADMIN: 'Organization Administrator',
  APP_ADMIN: 'Application Administrator',
  USER_ADMIN: 'Group Administrator',
  HELP_DESK_ADMIN: 'Help Desk Administrator',
  READ_ONLY_ADMIN: 'Read-Only Administrator',
  REPORT_ADMIN: 'Report Administrator',
};

// Device models by platform (GET /api/v1/devices profile fields).
const DEVICE_MODELS = [
  { platform: 'MACOS', manufacturer: 'Apple', model: 'MacBookPro18,3', osVersion: '14.4.1', name: 'MacBook Pro' },
  { platform: 'WINDOWS', manufacturer: 'Dell Inc.', model: 'Latitude 7440', osVersion: '10.0.22631', name: 'Latitude' },
  { platform: 'IOS', manufacturer: 'Apple', model: 'iPhone15,2', osVersion: '17.4.1', name: 'iPhone' },
  { platform: 'ANDROID', manufacturer: 'Google', model: 'Pixel 8', osVersion: '14', name: 'Pixel' },
  { platform: 'MACOS', manufacturer: 'Apple', model: 'Mac14,2', osVersion: '13.6.4', name: 'MacBook Air' },
];

const USER_ID_CACHE = 100000;

const ORG_DEFAULTS = {
  users: 250,
  groups: 40,
  events: 2000,
  apps: 12,
  devices: 24,
  seed: 1,
  eventSpanMs: 5 * DAY,
  // The generated events end this long before `now` (the newest stretch has none).
  quietMs: MINUTE,
  origin: 'http://127.0.0.1',
  // Some generated non-sign-in events become admin, lifecycle, security, app-access
  // and MFA events (data.cjs FAMILY_EVENT_TYPES); sign-in events stay as they are.
  logFamilies: false,
};

const SIGN_IN_TYPES = new Set(D.SIGN_IN_EVENT_TYPES);

// ISO 8601 with milliseconds, as Okta writes them. The date part is cached per day
// because formatting millions of event timestamps is on the serving hot path.
let isoDay = NaN;
let isoDayPrefix = '';
const pad2 = (n) => (n < 10 ? `0${n}` : `${n}`);
function iso(ms) {
  if (ms == null) return null;
  const day = Math.floor(ms / DAY);
  if (day !== isoDay || !(ms >= 0 && ms < 253402300800000)) {
    if (!(ms >= 0 && ms < 253402300800000)) return new Date(ms).toISOString();
    isoDay = day;
    isoDayPrefix = new Date(day * DAY).toISOString().slice(0, 11);
  }
  let rest = ms - day * DAY;
  const h = Math.floor(rest / 3600000);
  rest -= h * 3600000;
  const m = Math.floor(rest / 60000);
  rest -= m * 60000;
  const sec = Math.floor(rest / 1000);
  const milli = rest - sec * 1000;
  return `${isoDayPrefix}${pad2(h)}:${pad2(m)}:${pad2(sec)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

const slugCache = new Map();
function asciiSlug(name) {
  let slug = slugCache.get(name);
  if (slug === undefined) {
    slug = name.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
    slugCache.set(name, slug);
  }
  return slug;
}

// JSON string literal; most generated strings need no escaping.
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
function S(s) {
  if (s == null) return 'null';
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

// Pre-serialised fragments of the static vocabularies (event JSON is built as text).
for (const [, ua] of D.USER_AGENTS.items) {
  ua.json = JSON.stringify({ rawUserAgent: ua.raw, os: ua.os, browser: ua.browser });
}
for (const loc of D.LOCATIONS) {
  const geo = (postalCode) => JSON.stringify({
    city: loc.city, state: loc.state, country: loc.country, postalCode, geolocation: { lat: loc.lat, lon: loc.lon },
  });
  loc.geoJson = geo(loc.postalCode);
  loc.geoJsonNoPostal = geo(null);
  const sec = (isProxy) => JSON.stringify({ asNumber: loc.asNumber, asOrg: loc.asOrg, isp: loc.isp, domain: loc.domain, isProxy });
  loc.secJson = sec(false);
  loc.secJsonProxy = sec(true);
}

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep-merges `patch` into a copy of `base`: objects merge, everything else replaces. */
function deepMerge(base, patch) {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(base[k]) ? deepMerge(base[k], v) : v;
  }
  return out;
}

class Org {
  constructor(options = {}) {
    const o = { ...ORG_DEFAULTS, ...stripUndefined(options) };
    this.seed = o.seed;
    const createdAt = Date.now();
    this.now = o.now ?? createdAt;
    this.eventSpanMs = o.eventSpanMs;
    if (!(o.quietMs >= 0)) throw new TypeError('quietMs must be a non-negative number of ms');
    this.quietMs = o.quietMs;
    this.origin = o.origin;
    // The org's current time: `now` plus real elapsed time, so a fixed `now`
    // gives a coherent simulated present (equal to the real clock by default).
    this.clock = typeof o.clock === 'function' ? o.clock : () => this.now + (Date.now() - createdAt);
    this.initialUsers = nonNegInt(o.users, 'users');
    this.initialGroups = nonNegInt(o.groups, 'groups');
    this.initialEvents = nonNegInt(o.events, 'events');
    this.initialApps = nonNegInt(o.apps, 'apps');
    this.initialDevices = nonNegInt(o.devices, 'devices');
    this.logFamilies = !!o.logFamilies;

    const s = seedToUint32(o.seed);
    this.s = s;
    this.userKey = hash3(s, K.userId, 0);
    this.groupKey = hash3(s, K.groupId, 0);
    this.eventKey = hash3(s, K.eventKey, 0);
    this.userTypeId = makeId('oty', hash3(s, K.type, 0), 0, hash3(s, K.type, 1));
    this.apps = D.APPS.map((app, i) => {
      const id = makeId('0oa', hash3(s, K.app, 0), i, hash3(s, K.app, i + 1));
      const targetJson = JSON.stringify({ id, type: 'AppInstance', alternateId: app.label, displayName: app.label, detailEntry: { signOnModeType: app.signOnMode } });
      return { ...app, id, targetJson };
    });
    this.appKey = hash3(s, K.app, 0);
    this.adminAppId = makeId('0oa', hash3(s, K.app, 0), 99, hash3(s, K.app, 999));
    this.policyId = makeId('00p', hash3(s, K.misc, 1), 0, hash3(s, K.misc, 2));
    this.policyRuleId = makeId('0pr', hash3(s, K.misc, 3), 0, hash3(s, K.misc, 4));

    // Events are evenly spaced over [now - span, now - quietMs], monotonic in index.
    this.tEnd = this.now - this.quietMs;
    this.tStart = Math.min(this.tEnd, this.now - this.eventSpanMs);

    this.userIdCache = [];

    // Runtime changes (the only stored state).
    this.addedUsers = []; // { addedAt, overrides }
    this.userOverrides = new Map(); // index -> { status, profile, lastUpdated, statusChanged, activated }
    this.deletedUsers = new Set(); // indexes of users deleted at runtime (gone from every endpoint)
    this.addedGroups = []; // { addedAt }
    this.groupOverrides = new Map(); // index -> { profile, lastUpdated }
    this.deletedGroups = new Set();
    this.addedEvents = []; // { event, publishedMs, persistedMs }
    this.factorLists = new Map(); // user index -> that user's factors, stored from its first change
    this.factorSeq = 0; // factors enrolled at runtime
    this.appPatches = new Map(); // app index -> [{ patch, unset }]
    // Access (group memberships, app assignments): generated, plus these changes.
    this.maxGroupMembers = o.maxGroupMembers == null ? Infinity : nonNegInt(o.maxGroupMembers, 'maxGroupMembers');
    this.memberChanges = new Map(); // group index -> { added: Set, removed: Set } of user indexes
    this.memberChangedAt = new Map(); // group index -> lastMembershipUpdated (ms) after a change
    this.appUserChanges = new Map(); // app index -> { added: Set, removed: Set } of directly assigned user indexes
    this.appGroupChanges = new Map(); // app index -> { added: Set, removed: Set } of group indexes
    this.deletedApps = new Set();
    this.accessVersion = 0; // bumped on every change that can alter an access list (caches key on it)
    this.accessCache = new Map();
    this.deviceKey = hash3(s, KD.deviceId, 0);
    this.addedDevices = []; // { addedAt, userIndex, model }
    this.deviceOverrides = new Map(); // device index -> { status, lastUpdated }
    this.deletedDevices = new Set();
    this.roleKey = hash3(s, KD.role, 0);
    this.roleSeq = 0;
    this._roles = null; // role assignments, built on first use (see roleAssignments)
  }

  get userCount() { return this.initialUsers + this.addedUsers.length; }
  get groupCount() { return this.initialGroups + this.addedGroups.length; }
  get eventCount() { return this.initialEvents + this.addedEvents.length; }
  get appCount() { return this.initialApps; }

  // ---------------------------------------------------------------- users

  userId(i) {
    // Event actors reference users constantly: memoise ids of the first users (bounded memory).
    if (i < USER_ID_CACHE) {
      const cached = this.userIdCache[i];
      if (cached !== undefined) return cached;
      return (this.userIdCache[i] = makeId('00u', this.userKey, i, hash3(this.s, K.userId, i + 1)));
    }
    return makeId('00u', this.userKey, i, hash3(this.s, K.userId, i + 1));
  }

  /** Index of a user id (or -1 when not a user of this org; deleted users too unless `includeDeleted`). */
  userIndex(id, includeDeleted = false) {
    const i = idToIndex(id, '00u', this.userKey);
    if (!(i >= 0 && i < this.userCount && this.userId(i) === id)) return -1;
    return includeDeleted || !this.deletedUsers.has(i) ? i : -1;
  }

  /** Users that exist (userCount counts index positions, deleted users included). */
  get liveUserCount() { return this.userCount - this.deletedUsers.size; }
  get liveGroupCount() { return this.groupCount - this.deletedGroups.size; }

  /** Names and login only: cheap, used for event actors. */
  userNames(i) {
    const r = new Rng(hash3(this.s, K.user, i));
    const firstName = r.pick(D.FIRST_NAMES);
    const lastName = r.pick(D.LAST_NAMES);
    const login = `${asciiSlug(firstName)}.${asciiSlug(lastName)}${i === 0 ? '' : i}@example.com`;
    return { r, firstName, lastName, login };
  }

  /** The user at index i; `generated` skips runtime changes of a generated user. */
  user(i, generated = false) {
    if (!(i >= 0 && i < this.userCount)) return undefined;
    if (!generated && this.deletedUsers.has(i)) return undefined;
    const { r, firstName, lastName, login } = this.userNames(i);
    let status = r.weighted(D.USER_STATUSES);
    const provider = r.weighted(D.CREDENTIAL_PROVIDERS);
    const mobilePhone = r.chance(0.6) ? `+1 ${r.range(201, 990)}-555-${String(r.int(10000)).padStart(4, '0')}` : null;
    const secondEmail = r.chance(0.3) ? `${asciiSlug(firstName)}${r.int(1000)}@personal.example.net` : null;
    const now = this.now;
    let created, activated, statusChanged, lastLogin, lastUpdated, passwordChanged;
    if (i < this.initialUsers) {
      const createdAgo = r.range(DAY, 730 * DAY);
      created = now - createdAgo;
      lastUpdated = now - r.int(Math.min(90 * DAY, createdAgo));
      activated = status === 'STAGED' ? null : created + r.int(Math.min(DAY, lastUpdated - created) + 1);
      statusChanged = status === 'STAGED' ? null
        : status === 'ACTIVE' && r.chance(0.5) ? activated : activated + r.int(lastUpdated - activated + 1);
      const neverLoggedIn = status === 'STAGED' || status === 'PROVISIONED' || r.chance(0.08);
      lastLogin = neverLoggedIn ? null : activated + r.int(now - activated);
      passwordChanged = status === 'STAGED' || status === 'PROVISIONED' || provider.type === 'FEDERATION'
        ? null : activated + r.int(lastUpdated - activated + 1);
    } else {
      // Users added at runtime: brand new, active, never logged in.
      const added = this.addedUsers[i - this.initialUsers];
      status = 'ACTIVE';
      created = activated = statusChanged = lastUpdated = passwordChanged = added.addedAt;
      lastLogin = null;
    }
    let user = {
      id: this.userId(i),
      status,
      created: iso(created),
      activated: iso(activated),
      statusChanged: iso(statusChanged),
      lastLogin: iso(lastLogin),
      lastUpdated: iso(lastUpdated),
      passwordChanged: iso(passwordChanged),
      type: { id: this.userTypeId },
      profile: { firstName, lastName, mobilePhone, secondEmail, login, email: login },
      credentials: provider.type === 'FEDERATION'
        ? { provider: { ...provider } }
        : { password: {}, provider: { ...provider } },
      _links: { self: { href: `${this.origin}/api/v1/users/${this.userId(i)}` } },
    };
    if (i >= this.initialUsers) user = applyUserChange(user, this.addedUsers[i - this.initialUsers].overrides);
    else if (generated) return user;
    const change = this.userOverrides.get(i);
    if (change) user = applyUserChange(user, change);
    return user;
  }

  *users() {
    for (let i = 0; i < this.userCount; i++) {
      const u = this.user(i);
      if (u) yield u;
    }
  }

  /**
   * Deletes a user (Okta: deactivate, then delete): gone from /users, /users/{id} and
   * its factors; its System Log events stay. Returns the user as it was.
   */
  deleteUser(id) {
    const i = typeof id === 'number' ? id : this.userIndex(id);
    if (i < 0 || i >= this.userCount || this.deletedUsers.has(i)) throw new Error(`deleteUser: unknown user ${id}`);
    const before = this.user(i);
    const groups = [];
    for (let g = 0; g < this.groupCount; g++) if (!this.deletedGroups.has(g) && this.groupMemberIndexes(g).includes(i)) groups.push(g);
    this.deletedUsers.add(i);
    this._accessChanged();
    // Its memberships end: those groups' lastMembershipUpdated moves (no log event).
    const at = this.clock();
    for (const g of groups) this.memberChangedAt.set(g, at);
    return before;
  }

  /** Adds n new ACTIVE users (optionally with `{status, profile}` overrides); returns them. */
  addUsers(n = 1, overrides = {}) {
    const at = this.clock();
    const out = [];
    for (let k = 0; k < n; k++) {
      this.addedUsers.push({ addedAt: at, overrides: { ...overrides } });
      out.push(this.user(this.userCount - 1));
    }
    // New users join Everyone.
    if (n > 0 && this.initialGroups > 0) this.memberChangedAt.set(0, at);
    this._accessChanged();
    return out;
  }

  /** Changes a user's status and/or profile and bumps lastUpdated; returns the user. */
  updateUser(id, change = {}) {
    const i = typeof id === 'number' ? id : this.userIndex(id);
    if (i < 0 || i >= this.userCount) throw new Error(`updateUser: unknown user ${id}`);
    const before = this.user(i);
    const at = Math.max(this.clock(), Date.parse(before.lastUpdated) + 1);
    const prev = this.userOverrides.get(i) || {};
    const next = { ...prev, lastUpdated: at };
    if (change.profile) next.profile = { ...(prev.profile || {}), ...change.profile };
    if (change.status && change.status !== before.status) {
      next.status = change.status;
      next.statusChanged = at;
      if (before.activated == null && change.status !== 'STAGED') next.activated = at;
    }
    this.userOverrides.set(i, next);
    return this.user(i);
  }

  // --------------------------------------------------------------- groups

  groupId(i) { return makeId('00g', this.groupKey, i, hash3(this.s, K.groupId, i + 1)); }

  groupIndex(id, includeDeleted = false) {
    const i = idToIndex(id, '00g', this.groupKey);
    if (!(i >= 0 && i < this.groupCount && this.groupId(i) === id)) return -1;
    return includeDeleted || !this.deletedGroups.has(i) ? i : -1;
  }

  /** The group at index i; `{ expand: 'stats' }` adds `_embedded.stats` as `?expand=stats` serves it. */
  group(i, options) {
    if (!(i >= 0 && i < this.groupCount) || this.deletedGroups.has(i)) return undefined;
    if (options && options.expand === 'stats') return { ...this.group(i), _embedded: { stats: this.groupStats(i) } };
    const r = new Rng(hash3(this.s, K.group, i));
    const id = this.groupId(i);
    const now = this.now;
    let type = r.weighted(D.GROUP_TYPES);
    const dept = r.pick(D.DEPARTMENTS);
    const kind = r.pick(D.GROUP_KINDS);
    let name = `${dept} ${kind} ${i}`;
    let description = r.chance(0.3) ? null : `${kind} of the ${dept} department`;
    let created, lastUpdated, lastMembershipUpdated;
    if (i < this.initialGroups) {
      const createdAgo = r.range(DAY, 730 * DAY);
      created = now - createdAgo;
      lastUpdated = now - r.int(Math.min(90 * DAY, createdAgo));
      lastMembershipUpdated = now - r.int(Math.min(90 * DAY, createdAgo));
    } else {
      type = 'OKTA_GROUP';
      created = lastUpdated = lastMembershipUpdated = this.addedGroups[i - this.initialGroups].addedAt;
    }
    if (i === 0 && i < this.initialGroups) {
      type = 'BUILT_IN';
      name = 'Everyone';
      description = 'All users in your organization';
      created = now - 730 * DAY;
    } else if (i === 1 && this.initialGroups >= 10) {
      type = 'BUILT_IN';
      name = 'Okta Administrators';
      description = 'Okta manages this group, which contains all administrators in your organization.';
    }
    const change = this.groupOverrides.get(i);
    if (change && change.profile) {
      if (change.profile.name !== undefined) name = change.profile.name;
      if (change.profile.description !== undefined) description = change.profile.description;
    }
    if (change && change.lastUpdated != null) lastUpdated = change.lastUpdated;
    if (this.memberChangedAt.has(i)) lastMembershipUpdated = this.memberChangedAt.get(i);
    let profile;
    if (type === 'APP_GROUP') {
      const sam = `${asciiSlug(dept)}-${asciiSlug(kind)}-${i}`;
      profile = {
        name: change && change.profile && change.profile.name !== undefined ? name : sam,
        description,
        groupType: 'Security',
        samAccountName: sam,
        objectSid: `S-1-5-21-${r.range(1e8, 4e9)}-${r.range(1e8, 4e9)}-${r.range(1e8, 4e9)}-${1000 + i}`,
        groupScope: 'Global',
        dn: `CN=${sam},OU=Groups,DC=corp,DC=example,DC=com`,
        windowsDomainQualifiedName: `CORP\\${sam}`,
        externalId: Buffer.from(hexOf(hash3(this.s, K.group, i + 7), 8) + hexOf(i, 8), 'hex').toString('base64'),
      };
    } else {
      profile = { name, description };
    }
    const href = `${this.origin}/api/v1/groups/${id}`;
    const links = {
      logo: [
        { name: 'medium', href: 'https://ok12static.oktacdn.com/assets/img/logos/groups/odyssey/okta-medium.png', type: 'image/png' },
        { name: 'large', href: 'https://ok12static.oktacdn.com/assets/img/logos/groups/odyssey/okta-large.png', type: 'image/png' },
      ],
      users: { href: `${href}/users` },
      apps: { href: `${href}/apps` },
    };
    if (type === 'APP_GROUP') links.source = { href: `${this.origin}/api/v1/apps/${this.apps[0].id}` };
    return {
      id,
      created: iso(created),
      lastUpdated: iso(lastUpdated),
      lastMembershipUpdated: iso(lastMembershipUpdated),
      objectClass: [type === 'APP_GROUP' ? 'okta:windows_security_principal' : 'okta:user_group'],
      type,
      profile,
      _links: links,
    };
  }

  *groups(options) {
    for (let i = 0; i < this.groupCount; i++) {
      const g = this.group(i, options);
      if (g) yield g;
    }
  }

  /** Renames / re-describes a group (`{ profile: { name?, description? } }`) and bumps lastUpdated; returns it. */
  updateGroup(id, change = {}) {
    const i = typeof id === 'number' ? id : this.groupIndex(id);
    if (i < 0 || i >= this.groupCount || this.deletedGroups.has(i)) throw new Error(`updateGroup: unknown group ${id}`);
    const before = this.group(i);
    const at = Math.max(this.clock(), Date.parse(before.lastUpdated) + 1);
    const prev = this.groupOverrides.get(i) || {};
    this.groupOverrides.set(i, { ...prev, profile: { ...(prev.profile || {}), ...(change.profile || {}) }, lastUpdated: at });
    return this.group(i);
  }

  /** Deletes a group: gone from /groups and /groups/{id}. Returns it as it was. */
  deleteGroup(id) {
    const i = typeof id === 'number' ? id : this.groupIndex(id);
    if (i < 0 || i >= this.groupCount || this.deletedGroups.has(i)) throw new Error(`deleteGroup: unknown group ${id}`);
    const before = this.group(i);
    const apps = this.groupAppIndexes(i);
    this.deletedGroups.add(i);
    this._accessChanged();
    // Its app assignments end with it, then the group is gone.
    for (const a of apps) this._accessEvent('group.application_assignment.remove', 'Remove assigned application from group', [this._appTarget(a), this._groupTarget(i, before)]);
    this._accessEvent('group.lifecycle.delete', 'Delete Okta group', [this._groupTarget(i, before)]);
    return before;
  }

  addGroups(n = 1) {
    const at = this.clock();
    const out = [];
    for (let k = 0; k < n; k++) {
      this.addedGroups.push({ addedAt: at });
      out.push(this.group(this.groupCount - 1));
    }
    return out;
  }

  /** `_embedded.stats` of group i (GET /api/v1/groups?expand=stats). */
  groupStats(i) {
    if (!(i >= 0 && i < this.groupCount) || this.deletedGroups.has(i)) return undefined;
    const r = new Rng(hash3(this.s, K.groupStats, i));
    let stats;
    if (i >= this.initialGroups) {
      stats = { usersCount: 0, appsCount: 0, groupPushMappingsCount: 0, hasAdminPrivilege: false };
    } else if (i === 0) {
      stats = { usersCount: this.liveUserCount, appsCount: Math.min(this.appCount, 3), groupPushMappingsCount: 0, hasAdminPrivilege: false };
    } else if (i === 1 && this.initialGroups >= 10) {
      stats = { usersCount: Math.min(this.userCount, r.range(1, 6)), appsCount: 0, groupPushMappingsCount: 0, hasAdminPrivilege: true };
    } else {
      stats = {
        usersCount: r.int(Math.ceil(this.userCount * 0.15) + 1),
        appsCount: r.int(Math.min(this.appCount, 4) + 1),
        groupPushMappingsCount: r.chance(0.1) ? r.range(1, 3) : 0,
        hasAdminPrivilege: r.chance(0.03),
      };
    }
    // Consistent with /groups/{id}/users and /apps/{id}/groups.
    if (i > 0) {
      // Unchanged groups are counted without listing their members.
      const untouched = !this.memberChanges.has(i) && this.deletedUsers.size === 0;
      stats.usersCount = untouched ? this._generatedMemberCount(i) : this.groupMemberIndexes(i).length;
    }
    stats.appsCount = this.groupAppIndexes(i).length;
    stats._links = { self: { href: `${this.origin}/api/v1/groups/${this.groupId(i)}/stats` } };
    return stats;
  }

  // ----------------------------------------------------------------- apps

  /** App ids: the first D.APPS.length are `this.apps` (the ones System Log events reference). */
  appId(i) {
    return i < this.apps.length ? this.apps[i].id : makeId('0oa', this.appKey, i, hash3(this.s, K.app, i + 1));
  }

  appIndex(id) {
    const i = idToIndex(id, '0oa', this.appKey);
    return i >= 0 && i < this.appCount && this.appId(i) === id ? i : -1;
  }

  app(i) {
    if (!(i >= 0 && i < this.appCount) || this.deletedApps.has(i)) return undefined;
    const r = new Rng(hash3(this.s, K.appData, i));
    const base = D.APPS.length;
    let def = D.APPS[i];
    let label = def && def.label;
    let status = 'ACTIVE';
    if (i >= base) {
      const k = i - base;
      def = D.MORE_APPS[k % D.MORE_APPS.length];
      const round = Math.floor(k / D.MORE_APPS.length);
      label = round ? `${def.label} ${round + 1}` : def.label;
      if (k % 5 === 1) status = 'INACTIVE'; // every fifth generated app, the second one first
    }
    const id = this.appId(i);
    const mode = def.signOnMode;
    const createdAgo = r.range(DAY, 1500 * DAY);
    const created = this.now - createdAgo;
    const lastUpdated = this.now - r.int(Math.min(180 * DAY, createdAgo));
    const credentials = { userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' }, signing: {} };
    if (mode === 'SAML_2_0' || mode === 'WS_FEDERATION' || mode === 'OPENID_CONNECT') credentials.signing = { kid: r.chars(43) };
    if (mode === 'OPENID_CONNECT') credentials.oauthClient = { autoKeyRotation: true, client_id: id, token_endpoint_auth_method: 'client_secret_basic' };
    if (mode === 'BROWSER_PLUGIN' || mode === 'BASIC_AUTH') credentials.scheme = 'EDIT_USERNAME_AND_PASSWORD';
    const appSettings = mode === 'BOOKMARK' ? { requestIntegration: false, url: `https://${asciiSlug(label)}.example.com/` }
      : mode === 'BASIC_AUTH' ? { url: `https://${asciiSlug(label)}.example.com/`, authURL: `https://${asciiSlug(label)}.example.com/login` } : {};
    const href = `${this.origin}/api/v1/apps/${id}`;
    const lifecycle = status === 'ACTIVE' ? 'deactivate' : 'activate';
    let app = {
      id,
      name: def.name,
      label,
      status,
      lastUpdated: iso(lastUpdated),
      created: iso(created),
      accessibility: { selfService: false, errorRedirectUrl: null, loginRedirectUrl: null },
      visibility: { autoLaunch: false, autoSubmitToolbar: false, hide: { iOS: false, web: mode === 'OPENID_CONNECT' }, appLinks: { [`${def.name}_link`]: true } },
      features: mode === 'SAML_2_0' && r.chance(0.3) ? ['PUSH_NEW_USERS', 'PUSH_USER_DEACTIVATION', 'IMPORT_NEW_USERS'] : [],
      signOnMode: mode,
      credentials,
      settings: {
        app: appSettings,
        notifications: { vpn: { network: { connection: 'DISABLED' }, message: null, helpUrl: null } },
        manualProvisioning: false,
        implicitAssignment: false,
        notes: { admin: null, enduser: null },
      },
      _links: {
        appLinks: [{ name: `${def.name}_link`, href: `${this.origin}/home/${def.name}/${id}/${r.range(10, 99)}`, type: 'text/html' }],
        groups: { href: `${href}/groups` },
        logo: [{ name: 'medium', href: 'https://ok12static.oktacdn.com/assets/img/logos/default.6770228fb0dab49a1695ef440a5279bb.png', type: 'image/png' }],
        users: { href: `${href}/users` },
        [lifecycle]: { href: `${href}/lifecycle/${lifecycle}` },
      },
    };
    const patches = this.appPatches.get(i);
    if (patches) for (const p of patches) app = applyPatch(app, p.patch, p.unset);
    return app;
  }

  *appsList() {
    for (let i = 0; i < this.appCount; i++) if (!this.deletedApps.has(i)) yield this.app(i);
  }

  /**
   * Test hook for hostile data: deep-merges `patch` into the app as served (objects
   * merge, anything else replaces) and removes the dotted paths in `unset`. No event,
   * no lastUpdated bump. Returns the app as now served.
   */
  patchApp(id, patch = {}, { unset = [] } = {}) {
    const i = typeof id === 'number' ? id : this.appIndex(id);
    if (!(i >= 0 && i < this.appCount)) throw new Error(`patchApp: unknown app ${id}`);
    const list = this.appPatches.get(i) || [];
    list.push({ patch: structuredClone(patch), unset: [...unset] });
    this.appPatches.set(i, list);
    return this.app(i);
  }

  // -------------------------------------------------------------- devices

  get deviceCount() { return this.initialDevices + this.addedDevices.length; }

  deviceId(i) { return makeId('guo', this.deviceKey, i, hash3(this.s, KD.deviceId, i + 1)); }

  deviceIndex(id, includeDeleted = false) {
    const i = idToIndex(id, 'guo', this.deviceKey);
    if (!(i >= 0 && i < this.deviceCount && this.deviceId(i) === id)) return -1;
    return includeDeleted || !this.deletedDevices.has(i) ? i : -1;
  }

  /** The user index a device belongs to (generated devices spread over the first users). */
  deviceUserIndex(i) {
    if (i >= this.initialDevices) return this.addedDevices[i - this.initialDevices].userIndex;
    return this.initialUsers > 0 ? (i * 7 + 3) % this.initialUsers : -1;
  }

  /**
   * Device i as GET /api/v1/devices serves it; `expand` 'userSummary' or 'user' embeds
   * its users (`_embedded.users[]`: `{ created, managementStatus, screenLockType, user }`),
   * a user deleted since is left out.
   */
  device(i, expand = null) {
    if (!(i >= 0 && i < this.deviceCount) || this.deletedDevices.has(i)) return undefined;
    const r = new Rng(hash3(this.s, KD.device, i));
    const added = i >= this.initialDevices ? this.addedDevices[i - this.initialDevices] : null;
    const def = added ? added.model : DEVICE_MODELS[r.int(DEVICE_MODELS.length)];
    let status = added ? 'ACTIVE' : i % 9 === 4 ? 'DEACTIVATED' : i % 11 === 5 ? 'SUSPENDED' : i % 13 === 7 ? 'CREATED' : 'ACTIVE';
    let created, lastUpdated;
    if (added) {
      created = lastUpdated = added.addedAt;
    } else {
      const createdAgo = r.range(DAY, 400 * DAY);
      created = this.now - createdAgo;
      lastUpdated = this.now - r.int(Math.min(60 * DAY, createdAgo));
    }
    const managementStatus = r.chance(0.5) ? 'MANAGED' : 'NOT_MANAGED';
    const change = this.deviceOverrides.get(i);
    if (change) {
      if (change.status) status = change.status;
      if (change.lastUpdated != null) lastUpdated = change.lastUpdated;
    }
    const id = this.deviceId(i);
    const href = `${this.origin}/api/v1/devices/${id}`;
    const displayName = `${def.name} ${i}`;
    const device = {
      id,
      status,
      created: iso(created),
      lastUpdated: iso(lastUpdated),
      profile: {
        displayName,
        platform: def.platform,
        manufacturer: def.manufacturer,
        model: def.model,
        osVersion: def.osVersion,
        serialNumber: r.chars(12, ALNUM).toUpperCase(),
        registered: status !== 'CREATED',
        secureHardwarePresent: r.chance(0.7),
        diskEncryptionType: def.platform === 'ANDROID' ? 'USER' : 'ALL_INTERNAL_VOLUMES',
      },
      resourceType: 'UDDevice',
      resourceDisplayName: { value: displayName, sensitive: false },
      resourceAlternateId: null,
      resourceId: id,
      _links: { self: { href }, users: { href: `${href}/users` } },
    };
    if (expand === 'userSummary' || expand === 'user') {
      const ui = this.deviceUserIndex(i);
      const user = ui >= 0 ? this.user(ui) : undefined;
      const users = [];
      if (user) {
        const summary = expand === 'user' ? user : {
          id: user.id,
          realmId: null,
          profile: { firstName: user.profile.firstName, lastName: user.profile.lastName, login: user.profile.login, email: user.profile.email },
          _links: user._links,
        };
        users.push({ created: iso(created), managementStatus, screenLockType: 'BIOMETRIC', user: summary });
      }
      device._embedded = { users };
    }
    return device;
  }

  *devices(expand = null) {
    for (let i = 0; i < this.deviceCount; i++) {
      const d = this.device(i, expand);
      if (d) yield d;
    }
  }

  _deviceIndexOrThrow(id, what) {
    const i = typeof id === 'number' ? id : this.deviceIndex(id);
    if (!(i >= 0 && i < this.deviceCount) || this.deletedDevices.has(i)) throw new Error(`${what}: unknown device ${id}`);
    return i;
  }

  /** Sets a device's status (Okta's lifecycle: activate, deactivate, suspend...) and bumps lastUpdated. */
  updateDevice(id, change = {}) {
    const i = this._deviceIndexOrThrow(id, 'updateDevice');
    const before = this.device(i);
    const at = Math.max(this.clock(), Date.parse(before.lastUpdated) + 1);
    this.deviceOverrides.set(i, { ...(this.deviceOverrides.get(i) || {}), ...change, lastUpdated: at });
    return this.device(i, 'userSummary');
  }

  /** Deletes a device (Okta deletes only DEACTIVATED ones): gone from /devices. Returns it as it was. */
  deleteDevice(id) {
    const i = this._deviceIndexOrThrow(id, 'deleteDevice');
    const before = this.device(i, 'userSummary');
    this.deletedDevices.add(i);
    return before;
  }

  /** Registers n new ACTIVE devices of `userId` (a platform of DEVICE_MODELS optional); returns them. */
  addDevices(n = 1, { userId = null, platform = null } = {}) {
    const at = this.clock();
    const userIndex = userId == null ? 0 : this._userIndexOrThrow(userId, 'addDevices');
    const model = DEVICE_MODELS.find((m) => platform == null || m.platform === platform);
    if (!model) throw new Error(`addDevices: unknown platform ${platform}`);
    const out = [];
    for (let k = 0; k < n; k++) {
      this.addedDevices.push({ addedAt: at, userIndex, model });
      out.push(this.device(this.deviceCount - 1, 'userSummary'));
    }
    return out;
  }

  // ---------------------------------------------------------- admin roles

  /**
   * The org's admin role assignments: `{ id, principalType, principalIndex, type, label,
   * role?, resourceSet?, status, created, lastUpdated }`, plus the members of the groups
   * that hold roles (`roleGroupMembers`: group index -> user indexes). Seeded on first
   * use: two super admins, an org admin, a read-only admin, a custom role, and a group
   * holding READ_ONLY_ADMIN whose first member also has a role of their own.
   */
  roleAssignments() {
    if (this._roles) return this._roles;
    this._roles = [];
    this.roleGroupMembers = new Map();
    const at = this.now - 30 * DAY;
    const u = (i) => (i < this.initialUsers ? i : -1);
    const seed = [
      ['USER', u(0), 'SUPER_ADMIN'], ['USER', u(1), 'SUPER_ADMIN'], ['USER', u(1), 'ORG_ADMIN'],
      ['USER', u(2), 'READ_ONLY_ADMIN'], ['USER', u(3), 'CUSTOM'], ['USER', u(6), 'HELP_DESK_ADMIN'],
    ];
    for (const [kind, i, type] of seed) if (i >= 0) this._addRole(kind, i, type, at);
    const g = this.initialGroups > 2 ? 2 : -1;
    if (g >= 0) {
      this._addRole('GROUP', g, 'READ_ONLY_ADMIN', at);
      this.roleGroupMembers.set(g, [6, 7, 8].filter((i) => i < this.initialUsers));
    }
    return this._roles;
  }

  _addRole(principalType, principalIndex, type, at) {
    const n = this.roleSeq++;
    const role = {
      id: makeId('irb', this.roleKey, n, hash3(this.s, KD.role, n + 1)),
      principalType, principalIndex, type,
      label: type === 'CUSTOM' ? 'Help Desk Plus' : ROLE_LABELS[type] || type,
      status: 'ACTIVE', created: at, lastUpdated: at,
    };
    if (type === 'CUSTOM') {
      role.role = makeId('cr0', this.roleKey, 0, hash3(this.s, KD.role, 999));
      role.resourceSet = makeId('iam', this.roleKey, 0, hash3(this.s, KD.role, 998));
    }
    this._roles.push(role);
    return role;
  }

  _principalId(kind, i) { return kind === 'GROUP' ? this.groupId(i) : this.userId(i); }

  /** One assignment as Okta serves it; `viaGroup` on a user's list marks one held through a group. */
  _roleJson(role) {
    const assignee = role.principalType === 'GROUP' ? 'groups' : 'users';
    const out = {
      id: role.id,
      label: role.label,
      type: role.type,
      status: role.status,
      created: iso(role.created),
      lastUpdated: iso(role.lastUpdated),
      assignmentType: role.principalType,
      _links: { assignee: { href: `${this.origin}/api/v1/${assignee}/${this._principalId(role.principalType, role.principalIndex)}` } },
    };
    if (role.role) {
      out.role = role.role;
      out['resource-set'] = role.resourceSet;
      out._links.role = { href: `${this.origin}/api/v1/iam/roles/${role.role}` };
      out._links['resource-set'] = { href: `${this.origin}/api/v1/iam/resource-sets/${role.resourceSet}` };
    }
    return out;
  }

  /** GET /api/v1/users/{id}/roles: the user's own roles, then those of its groups (assignmentType GROUP). */
  userRoles(userId) {
    const i = this._userIndexOrThrow(userId, 'userRoles');
    const roles = this.roleAssignments();
    const own = roles.filter((r) => r.principalType === 'USER' && r.principalIndex === i);
    const groups = [...this.roleGroupMembers].filter(([g, members]) => members.includes(i) && !this.deletedGroups.has(g)).map(([g]) => g);
    const inherited = roles.filter((r) => r.principalType === 'GROUP' && groups.includes(r.principalIndex));
    return [...own, ...inherited].map((r) => this._roleJson(r));
  }

  /** GET /api/v1/groups/{id}/roles. */
  groupRoles(groupId) {
    const g = typeof groupId === 'number' ? groupId : this.groupIndex(groupId);
    if (g < 0) throw new Error(`groupRoles: unknown group ${groupId}`);
    return this.roleAssignments().filter((r) => r.principalType === 'GROUP' && r.principalIndex === g).map((r) => this._roleJson(r));
  }

  /**
   * The user indexes GET /api/v1/iam/assignees/users lists, in index order: users with a
   * role of their own, and (`includeGroupMembers`) members of groups holding one.
   */
  roleAssigneeIndexes(includeGroupMembers = true) {
    const roles = this.roleAssignments();
    const out = new Set(roles.filter((r) => r.principalType === 'USER').map((r) => r.principalIndex));
    if (includeGroupMembers) {
      for (const r of roles) if (r.principalType === 'GROUP' && !this.deletedGroups.has(r.principalIndex)) for (const m of this.roleGroupMembers.get(r.principalIndex) || []) out.add(m);
    }
    return [...out].filter((i) => !this.deletedUsers.has(i)).sort((a, b) => a - b);
  }

  /**
   * Assigns an admin role to a user (`{ userId }`) or a group (`{ groupId, members? }`:
   * user ids of the group's members) and logs user.account.privilege.grant /
   * group.privilege.grant. Returns the assignment as Okta serves it.
   */
  grantRole({ userId = null, groupId = null, type = 'READ_ONLY_ADMIN', members = null } = {}) {
    this.roleAssignments();
    const at = this.clock();
    const group = groupId != null;
    const i = group ? this.groupIndex(groupId) : this._userIndexOrThrow(userId, 'grantRole');
    if (i < 0) throw new Error(`grantRole: unknown group ${groupId}`);
    const role = this._addRole(group ? 'GROUP' : 'USER', i, type, at);
    if (group && members) this.roleGroupMembers.set(i, members.map((id) => this._userIndexOrThrow(id, 'grantRole')));
    this._roleEvent(role, 'grant', at);
    return this._roleJson(role);
  }

  /** Unassigns a role assignment (by id) and logs the revoke event. Returns it as it was. */
  revokeRole(assignmentId) {
    const roles = this.roleAssignments();
    const k = roles.findIndex((r) => r.id === assignmentId);
    if (k < 0) throw new Error(`revokeRole: unknown role assignment ${assignmentId}`);
    const [role] = roles.splice(k, 1);
    this._roleEvent(role, 'revoke', this.clock());
    return this._roleJson(role);
  }

  _roleEvent(role, kind, at) {
    const group = role.principalType === 'GROUP';
    const id = this._principalId(role.principalType, role.principalIndex);
    const target = group
      ? { id, type: 'UserGroup', alternateId: 'unknown', displayName: this.group(role.principalIndex)?.profile.name ?? id, detailEntry: null }
      : { id, type: 'User', alternateId: this.userNames(role.principalIndex).login, displayName: id, detailEntry: null };
    return this.addEvents([{
      eventType: group ? `group.privilege.${kind}` : `user.account.privilege.${kind}`,
      displayMessage: group ? `${kind === 'grant' ? 'Grant' : 'Revoke'} group privilege` : `${kind === 'grant' ? 'Grant' : 'Revoke'} user privilege`,
      published: at,
      severity: 'INFO',
      outcome: { result: 'SUCCESS', reason: null },
      actor: { id: this.userId(0) },
      target: [target],
      debugContext: { debugData: { privilegeGranted: role.label } },
    }])[0];
  }

  // -------------------------------------------------------------- factors

  _userIndexOrThrow(id, what) {
    const i = typeof id === 'number' ? id : this.userIndex(id);
    if (!(i >= 0 && i < this.userCount)) throw new Error(`${what}: unknown user ${id}`);
    return i;
  }

  /** One factor object as Okta serves it. */
  _factor(user, def, id, status, created, lastUpdated, r) {
    const login = user.profile.login;
    let profile;
    switch (def.factorType) {
      case 'push':
      case 'signed_nonce': {
        const [name, platform, version, deviceType] = r.pick(D.DEVICES);
        profile = def.factorType === 'push' ? { credentialId: login, deviceType, name, platform, version } : { deviceType, name, platform, version };
        break;
      }
      case 'sms':
      case 'call':
        profile = { phoneNumber: user.profile.mobilePhone || `+1 ${r.range(201, 990)}-555-${String(r.int(10000)).padStart(4, '0')}` };
        break;
      case 'email':
        profile = { email: user.profile.email };
        break;
      case 'webauthn':
        profile = { credentialId: r.chars(43), authenticatorName: r.pick(['MacBook Pro Touch ID', 'YubiKey 5 NFC', 'Windows Hello']) };
        break;
      case 'token:hardware':
        profile = { credentialId: `cccccc${r.chars(6, 'bcdefghijklnrtuv')}` };
        break;
      default:
        profile = { credentialId: login };
    }
    const userHref = `${this.origin}/api/v1/users/${user.id}`;
    const href = `${userHref}/factors/${id}`;
    const links = { self: { href, hints: { allow: ['GET', 'DELETE'] } } };
    if (status === 'ACTIVE') links.verify = { href: `${href}/verify`, hints: { allow: ['POST'] } };
    if (status === 'PENDING_ACTIVATION') links.activate = { href: `${href}/lifecycle/activate`, hints: { allow: ['POST'] } };
    links.user = { href: userHref, hints: { allow: ['GET'] } };
    return {
      id,
      factorType: def.factorType,
      provider: def.provider,
      vendorName: def.vendorName,
      status,
      created: iso(created),
      lastUpdated: iso(lastUpdated),
      profile,
      _links: links,
    };
  }

  /** The factors a generated user starts with (0 to 4; none unless enrolled status). */
  _generatedFactors(i) {
    if (i >= this.initialUsers) return [];
    const user = this.user(i, true);
    if (user.status === 'STAGED' || user.status === 'PROVISIONED' || user.status === 'DEPROVISIONED') return [];
    const r = new Rng(hash3(this.s, K.factor, i));
    const n = r.weighted(D.FACTOR_COUNTS);
    const from = Date.parse(user.activated);
    const out = [];
    const seen = new Set();
    for (let k = 0; k < n; k++) {
      let def = r.weighted(D.FACTOR_TYPES);
      for (let tries = 0; seen.has(def) && tries < 8; tries++) def = r.weighted(D.FACTOR_TYPES);
      if (seen.has(def)) continue;
      seen.add(def);
      const created = from + r.int(Math.max(1, this.now - from));
      const lastUpdated = created + r.int(Math.max(1, this.now - created));
      const id = `${def.prefix}${new Rng(hash3(this.s, K.factorId, i * 8 + k)).chars(17)}`;
      out.push(this._factor(user, def, id, r.weighted(D.FACTOR_STATUSES), created, lastUpdated, r));
    }
    return out;
  }

  /** The user's enrolled factors (GET /api/v1/users/{id}/factors): fresh objects; [] when DEPROVISIONED. */
  factors(id) {
    const i = typeof id === 'number' ? id : this.userIndex(id);
    const user = this.user(i);
    if (!user) return undefined;
    if (user.status === 'DEPROVISIONED') return [];
    const stored = this.factorLists.get(i);
    return stored ? structuredClone(stored) : this._generatedFactors(i);
  }

  /** The user's stored factor list (materialized from the generated one on first change). */
  _factorList(i) {
    let list = this.factorLists.get(i);
    if (!list) this.factorLists.set(i, (list = this._generatedFactors(i)));
    return list;
  }

  _findFactor(i, factorId, what) {
    const list = this._factorList(i);
    const k = list.findIndex((f) => f && f.id === factorId);
    if (k < 0) throw new Error(`${what}: user ${this.userId(i)} has no factor ${factorId}`);
    return { list, k };
  }

  /** Appends the System Log event of a factor change (actor and target: the user). */
  _factorEvent(i, kind, factor, at) {
    const ev = D.FACTOR_EVENTS[kind];
    const { login, firstName, lastName } = this.userNames(i);
    const id = this.userId(i);
    const debugData = factor ? { factor: factor.factorType, factorId: factor.id, provider: factor.provider } : {};
    return this.addEvents([{
      eventType: ev.eventType,
      displayMessage: ev.displayMessage,
      legacyEventType: ev.legacyEventType,
      published: at,
      severity: 'INFO',
      outcome: { result: 'SUCCESS', reason: null },
      actor: { id },
      target: [{ id, type: 'User', alternateId: login, displayName: `${firstName} ${lastName}`, detailEntry: null }],
      debugContext: { debugData },
    }])[0];
  }

  /**
   * Enrolls and activates a new factor (`partial` deep-merged over a generated one;
   * a `factorType` outside the catalog is kept as given) and logs
   * user.mfa.factor.activate. Returns the factor.
   */
  enrollFactor(userId, partial = {}) {
    const i = this._userIndexOrThrow(userId, 'enrollFactor');
    const user = this.user(i);
    if (user.status === 'DEPROVISIONED') throw new Error(`enrollFactor: user ${user.id} is DEPROVISIONED`);
    const list = this._factorList(i);
    const at = this.clock();
    const r = new Rng(hash3(this.s, K.factorAdded, this.factorSeq++));
    let def = r.weighted(D.FACTOR_TYPES);
    if (partial && partial.factorType != null) {
      def = D.FACTOR_TYPES.items.map(([, d]) => d).find((d) => d.factorType === partial.factorType && (partial.provider == null || d.provider === partial.provider))
        || { factorType: partial.factorType, provider: partial.provider ?? 'OKTA', vendorName: partial.vendorName ?? partial.provider ?? 'OKTA', prefix: 'fac' };
    }
    const factor = deepMerge(this._factor(user, def, `${def.prefix}${r.chars(17)}`, 'ACTIVE', at, at, r), structuredClone(partial || {}));
    list.push(factor);
    this._factorEvent(i, 'activate', factor, at);
    return structuredClone(factor);
  }

  /** Unenrolls a factor (gone from /factors) and logs user.mfa.factor.deactivate. Returns it. */
  deactivateFactor(userId, factorId) {
    const i = this._userIndexOrThrow(userId, 'deactivateFactor');
    const { list, k } = this._findFactor(i, factorId, 'deactivateFactor');
    const [factor] = list.splice(k, 1);
    this._factorEvent(i, 'deactivate', factor, this.clock());
    return factor;
  }

  /** Removes all of the user's factors and logs user.mfa.factor.reset_all. Returns the removed ones. */
  resetFactors(userId) {
    const i = this._userIndexOrThrow(userId, 'resetFactors');
    const removed = this._factorList(i);
    this.factorLists.set(i, []);
    this._factorEvent(i, 'reset_all', null, this.clock());
    return removed;
  }

  /**
   * Changes a factor (`change` deep-merged, e.g. `{status, profile}`), bumps its
   * lastUpdated and logs user.mfa.factor.update. Returns the factor.
   */
  updateFactor(userId, factorId, change = {}) {
    const i = this._userIndexOrThrow(userId, 'updateFactor');
    const { list, k } = this._findFactor(i, factorId, 'updateFactor');
    const prev = Date.parse(list[k].lastUpdated);
    const at = Math.max(this.clock(), Number.isNaN(prev) ? 0 : prev + 1);
    list[k] = { ...deepMerge(list[k], structuredClone(change)), lastUpdated: iso(at) };
    this._factorEvent(i, 'update', list[k], at);
    return structuredClone(list[k]);
  }

  /**
   * Test hook for hostile data: deep-merges `patch` into a stored factor and removes
   * the dotted paths in `unset`; no event, no lastUpdated bump. Returns the factor.
   */
  patchFactor(userId, factorId, patch = {}, { unset = [] } = {}) {
    const i = this._userIndexOrThrow(userId, 'patchFactor');
    const { list, k } = this._findFactor(i, factorId, 'patchFactor');
    list[k] = applyPatch(list[k], structuredClone(patch), unset);
    return structuredClone(list[k]);
  }

  // --------------------------------------------------------------- access
  // Group memberships and app assignments: generated from the seed (consistent with
  // the group stats), changed by the methods below, which log what Okta logs.

  _accessChanged() {
    this.accessVersion++;
    this.accessCache.clear();
  }

  _cached(key, build) {
    let v = this.accessCache.get(key);
    if (v === undefined) this.accessCache.set(key, (v = build()));
    return v;
  }

  /** `count` distinct indexes below n from a seeded start and stride (coprime to n). */
  _spread(seedKey, count, n) {
    if (n <= 0 || count <= 0) return [];
    const r = new Rng(hash3(this.s, K.groupStats, seedKey));
    const start = r.int(n);
    let step = 1 + r.int(Math.max(1, n - 1));
    const gcd = (a, b) => (b === 0 ? a : gcd(b, a % b));
    while (gcd(step, n) !== 1) step = (step % n) + 1;
    const out = [];
    for (let k = 0; k < Math.min(count, n); k++) out.push((start + k * step) % n);
    return out;
  }

  /** Members of generated group i among the initial users (Everyone: see groupMemberIndexes). */
  _generatedMembers(i) {
    return this._spread(1_000_000 + i, this._generatedMemberCount(i), this.initialUsers);
  }

  /** How many members generated group i starts with (not Everyone). */
  _generatedMemberCount(i) {
    if (i >= this.initialGroups || i === 0) return 0;
    const r = new Rng(hash3(this.s, K.groupStats, i));
    const n = this.initialUsers;
    const count = i === 1 && this.initialGroups >= 10 ? Math.min(n, r.range(1, 6)) : r.int(Math.ceil(n * 0.15) + 1);
    return Math.min(count, this.maxGroupMembers, n);
  }

  /** User indexes of group i's members, ascending ([] for a deleted group). */
  groupMemberIndexes(i) {
    if (!(i >= 0 && i < this.groupCount) || this.deletedGroups.has(i)) return [];
    return this._cached(`m${i}`, () => {
      if (i === 0) {
        const all = [];
        for (let u = 0; u < this.userCount; u++) if (!this.deletedUsers.has(u)) all.push(u);
        return all;
      }
      const set = new Set(this._generatedMembers(i));
      const ch = this.memberChanges.get(i);
      if (ch) {
        for (const u of ch.removed) set.delete(u);
        for (const u of ch.added) set.add(u);
      }
      return [...set].filter((u) => !this.deletedUsers.has(u)).sort((a, b) => a - b);
    });
  }

  /** GET /api/v1/groups/{id}/users: the member users, ascending by index. */
  groupMembers(i) {
    return this.groupMemberIndexes(i).map((u) => this.user(u));
  }

  /** App indexes group i is assigned to (ascending). */
  groupAppIndexes(i) {
    if (!(i >= 0 && i < this.groupCount) || this.deletedGroups.has(i)) return [];
    const out = [];
    for (let a = 0; a < this.appCount; a++) if (!this.deletedApps.has(a) && this.appGroupIndexes(a).includes(i)) out.push(a);
    return out;
  }

  /** Whether generated group g is assigned to app a (group stats appsCount apps from g on). */
  _generatedAppGroup(a, g) {
    if (g >= this.initialGroups || this.appCount === 0) return false;
    let count;
    if (g === 0) count = Math.min(this.appCount, 3);
    else if (g === 1 && this.initialGroups >= 10) count = 0;
    else {
      const r = new Rng(hash3(this.s, K.groupStats, g));
      r.int(1); // usersCount's draw
      count = r.int(Math.min(this.appCount, 4) + 1);
    }
    return (a - (g % this.appCount) + this.appCount) % this.appCount < count;
  }

  /** Group indexes assigned to app a (ascending; [] for a deleted app). */
  appGroupIndexes(a) {
    if (!(a >= 0 && a < this.appCount) || this.deletedApps.has(a)) return [];
    return this._cached(`g${a}`, () => {
      const set = new Set();
      for (let g = 0; g < this.initialGroups; g++) if (this._generatedAppGroup(a, g)) set.add(g);
      const ch = this.appGroupChanges.get(a);
      if (ch) {
        for (const g of ch.removed) set.delete(g);
        for (const g of ch.added) set.add(g);
      }
      return [...set].filter((g) => !this.deletedGroups.has(g)).sort((x, y) => x - y);
    });
  }

  /** User indexes assigned to app a directly (ascending). */
  appDirectUserIndexes(a) {
    if (!(a >= 0 && a < this.appCount) || this.deletedApps.has(a)) return [];
    return this._cached(`d${a}`, () => {
      const n = this.initialUsers;
      const r = new Rng(hash3(this.s, K.appData, 5_000 + a));
      const set = new Set(this._spread(2_000_000 + a, r.int(Math.min(n, 30) + 1), n));
      const ch = this.appUserChanges.get(a);
      if (ch) {
        for (const u of ch.removed) set.delete(u);
        for (const u of ch.added) set.add(u);
      }
      return [...set].filter((u) => !this.deletedUsers.has(u)).sort((x, y) => x - y);
    });
  }

  /** App a's assigned users as `[userIndex, scope]` (USER when assigned directly, else GROUP). */
  appUserScopes(a) {
    if (!(a >= 0 && a < this.appCount) || this.deletedApps.has(a)) return [];
    return this._cached(`u${a}`, () => {
      const scope = new Map();
      for (const g of this.appGroupIndexes(a)) for (const u of this.groupMemberIndexes(g)) scope.set(u, 'GROUP');
      for (const u of this.appDirectUserIndexes(a)) scope.set(u, 'USER');
      return [...scope].sort((x, y) => x[0] - y[0]);
    });
  }

  /** GET /api/v1/apps/{id}/users: one app user per assigned user. */
  appUsers(a) {
    return this.appUserScopes(a).map(([u, scope]) => this.appUser(a, u, scope));
  }

  /** One app user (user index u assigned to app a with `scope`). */
  appUser(a, u, scope) {
    const appId = this.appId(a);
    {
      const user = this.user(u);
      return {
        id: user.id,
        externalId: null,
        created: user.created,
        lastUpdated: user.lastUpdated,
        scope,
        status: user.status === 'ACTIVE' ? 'PROVISIONED' : 'INACTIVE',
        statusChanged: user.statusChanged,
        syncState: 'DISABLED',
        credentials: { userName: user.profile.login },
        profile: {},
        _links: { app: { href: `${this.origin}/api/v1/apps/${appId}` }, user: { href: `${this.origin}/api/v1/users/${user.id}` } },
      };
    }
  }

  /** GET /api/v1/apps/{id}/groups: one assignment per assigned group. */
  appGroups(a) {
    const appId = this.appId(a);
    return this.appGroupIndexes(a).map((g, k) => ({
      id: this.groupId(g),
      lastUpdated: this.group(g).lastUpdated,
      priority: k,
      profile: {},
      _links: { app: { href: `${this.origin}/api/v1/apps/${appId}` }, group: { href: `${this.origin}/api/v1/groups/${this.groupId(g)}` } },
    }));
  }

  _groupTarget(g, group = this.group(g)) {
    return { id: this.groupId(g), type: 'UserGroup', alternateId: 'unknown', displayName: group ? group.profile.name : 'unknown', detailEntry: null };
  }

  _userTarget(u) {
    const { login, firstName, lastName } = this.userNames(u);
    return { id: this.userId(u), type: 'User', alternateId: login, displayName: `${firstName} ${lastName}`, detailEntry: null };
  }

  _appTarget(a) {
    const app = this.app(a) || {};
    return { id: this.appId(a), type: 'AppInstance', alternateId: app.label || 'unknown', displayName: app.label || 'unknown', detailEntry: null };
  }

  /** Appends an admin's access-change event (actor: the first user). */
  _accessEvent(eventType, displayMessage, target, at = this.clock()) {
    return this.addEvents([{
      eventType,
      displayMessage,
      legacyEventType: null,
      published: at,
      severity: 'INFO',
      outcome: { result: 'SUCCESS', reason: null },
      actor: this.userCount > 0 ? { id: this.userId(0) } : undefined,
      target,
      debugContext: { debugData: {} },
    }])[0];
  }

  _index(kind, id, what) {
    const i = typeof id === 'number' ? id : kind === 'group' ? this.groupIndex(id) : kind === 'user' ? this.userIndex(id) : this.appIndex(id);
    const count = kind === 'group' ? this.groupCount : kind === 'user' ? this.userCount : this.appCount;
    const gone = kind === 'group' ? this.deletedGroups : kind === 'user' ? this.deletedUsers : this.deletedApps;
    if (!(i >= 0 && i < count) || gone.has(i)) throw new Error(`${what}: unknown ${kind} ${id}`);
    return i;
  }

  _change(map, key) {
    let ch = map.get(key);
    if (!ch) map.set(key, (ch = { added: new Set(), removed: new Set() }));
    return ch;
  }

  /**
   * Adds a user to a group: lastMembershipUpdated moves and group.user_membership.add
   * is logged (plus application.user_membership.add for each app the group is
   * assigned to, whose user list now has them). Returns false if already a member.
   */
  addGroupMember(groupId, userId) {
    const g = this._index('group', groupId, 'addGroupMember');
    const u = this._index('user', userId, 'addGroupMember');
    if (g === 0) throw new Error('addGroupMember: Everyone has every user');
    if (this.groupMemberIndexes(g).includes(u)) return false;
    const ch = this._change(this.memberChanges, g);
    ch.removed.delete(u);
    ch.added.add(u);
    return this._membershipChanged(g, u, 'add');
  }

  /** Removes a user from a group (as addGroupMember, with the .remove events). */
  removeGroupMember(groupId, userId) {
    const g = this._index('group', groupId, 'removeGroupMember');
    const u = this._index('user', userId, 'removeGroupMember');
    if (g === 0) throw new Error('removeGroupMember: Everyone has every user');
    if (!this.groupMemberIndexes(g).includes(u)) return false;
    const ch = this._change(this.memberChanges, g);
    ch.added.delete(u);
    ch.removed.add(u);
    return this._membershipChanged(g, u, 'remove');
  }

  _membershipChanged(g, u, kind) {
    const appsBefore = this.groupAppIndexes(g);
    this._accessChanged();
    const at = this.clock();
    this.memberChangedAt.set(g, at);
    this._accessEvent(`group.user_membership.${kind}`, kind === 'add' ? 'Add user to group membership' : 'Remove user from group membership', [this._userTarget(u), this._groupTarget(g)], at);
    for (const a of appsBefore) {
      this._accessEvent(`application.user_membership.${kind}`, kind === 'add' ? 'Add user to application membership' : 'Remove user from application membership', [this._userTarget(u), this._appTarget(a)], at);
    }
    return true;
  }

  /** Assigns a user to an app directly and logs application.user_membership.add. */
  assignUserToApp(appId, userId) {
    const a = this._index('app', appId, 'assignUserToApp');
    const u = this._index('user', userId, 'assignUserToApp');
    const ch = this._change(this.appUserChanges, a);
    ch.removed.delete(u);
    ch.added.add(u);
    this._accessChanged();
    this._accessEvent('application.user_membership.add', 'Add user to application membership', [this._userTarget(u), this._appTarget(a)]);
    return true;
  }

  /** Removes a user's direct assignment and logs application.user_membership.remove. */
  unassignUserFromApp(appId, userId) {
    const a = this._index('app', appId, 'unassignUserFromApp');
    const u = this._index('user', userId, 'unassignUserFromApp');
    const ch = this._change(this.appUserChanges, a);
    ch.added.delete(u);
    ch.removed.add(u);
    this._accessChanged();
    this._accessEvent('application.user_membership.remove', 'Remove user from application membership', [this._userTarget(u), this._appTarget(a)]);
    return true;
  }

  /** Assigns a group to an app and logs group.application_assignment.add. */
  assignGroupToApp(appId, groupId) {
    const a = this._index('app', appId, 'assignGroupToApp');
    const g = this._index('group', groupId, 'assignGroupToApp');
    const ch = this._change(this.appGroupChanges, a);
    ch.removed.delete(g);
    ch.added.add(g);
    this._accessChanged();
    this._accessEvent('group.application_assignment.add', 'Add assigned application to group', [this._appTarget(a), this._groupTarget(g)]);
    return true;
  }

  /** Removes a group's assignment and logs group.application_assignment.remove. */
  unassignGroupFromApp(appId, groupId) {
    const a = this._index('app', appId, 'unassignGroupFromApp');
    const g = this._index('group', groupId, 'unassignGroupFromApp');
    const ch = this._change(this.appGroupChanges, a);
    ch.added.delete(g);
    ch.removed.add(g);
    this._accessChanged();
    this._accessEvent('group.application_assignment.remove', 'Remove assigned application from group', [this._appTarget(a), this._groupTarget(g)]);
    return true;
  }

  /** Deletes an app (gone from /apps and its lists) and logs application.lifecycle.delete. */
  deleteApp(appId) {
    const a = this._index('app', appId, 'deleteApp');
    const target = [this._appTarget(a)];
    this.deletedApps.add(a);
    this._accessChanged();
    this._accessEvent('application.lifecycle.delete', 'Delete application', target);
    return true;
  }

  // --------------------------------------------------------------- events

  /** `published` (ms) of the event at persistence position p. */
  publishedMs(p) {
    if (p < this.initialEvents) {
      const n = this.initialEvents;
      return n <= 1 ? this.tEnd : this.tStart + Math.floor((p * (this.tEnd - this.tStart)) / (n - 1));
    }
    return this.addedEvents[p - this.initialEvents].publishedMs;
  }

  /** Persistence time (ms): equals `published` for generated events, the add time for added ones. */
  persistedMs(p) {
    return p < this.initialEvents ? this.publishedMs(p) : this.addedEvents[p - this.initialEvents].persistedMs;
  }

  /** First generated position whose published is >= ms (binary search; published is monotonic). */
  generatedLowerBound(ms) {
    let lo = 0;
    let hi = this.initialEvents;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.publishedMs(mid) < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The cheap part of a generated event: type, outcome, actor (enough for most filters). */
  eventCore(p) {
    const r = new Rng(hash3(this.s, K.event, p));
    let type = r.weighted(D.EVENT_TYPES);
    let eventType = type.eventType;
    let targetUser = -1;
    // Sign-in events draw nothing more: their stream is the same with or without families.
    if (this.logFamilies && !SIGN_IN_TYPES.has(eventType) && r.chance(0.6)) {
      type = r.weighted(D.FAMILY_EVENT_TYPES);
      eventType = type.eventType;
      if (type.lifecycle && this.initialUsers > 0) {
        // The event the target's generated status follows from.
        targetUser = r.int(this.initialUsers);
        eventType = r.pick(D.LIFECYCLE_BY_STATUS[this.user(targetUser, true).status] || [eventType]);
      }
    }
    const [result, reasons] = r.weighted(type.outcomes);
    const reason = reasons ? r.pick(reasons) : null;
    const actorIndex = this.initialUsers > 0 ? r.int(this.initialUsers) : -1;
    return { r, type, eventType, targetUser, result, reason, actorIndex };
  }

  /** A minimal object with eventType, outcome, actor.id and published, for filter evaluation. */
  eventView(p, withActor = true, withPublished = true) {
    if (p >= this.initialEvents) return this.addedEvents[p - this.initialEvents].view;
    const c = this.eventCore(p);
    // actor.id and published cost the most; skip them when the filter does not read them.
    return {
      eventType: c.eventType,
      outcome: { result: c.result, reason: c.reason },
      actor: withActor ? { id: c.actorIndex >= 0 ? this.userId(c.actorIndex) : this.adminAppId } : undefined,
      published: withPublished ? iso(this.publishedMs(p)) : undefined,
    };
  }

  /** The raw event at persistence position p (a fresh object each call). */
  event(p) {
    if (!(p >= 0 && p < this.eventCount)) return undefined;
    return JSON.parse(this.eventJson(p));
  }

  /** The event as served (JSON text): the server's hot path, no intermediate object. */
  eventJson(p) {
    if (p >= this.initialEvents) return this.addedEvents[p - this.initialEvents].json;
    return this.buildEventJson(p, this.eventCore(p), this.publishedMs(p));
  }

  eventUuid(p) {
    const h = hash3(this.s, K.eventKey + 200, p);
    const h2 = hash3(this.s, K.eventKey + 100, p);
    // Last 8 hex digits carry the position: uuids are unique within the org.
    return `${hexOf(h, 8)}-${hexOf(h2, 4)}-11ef-${hexOf(0x8000 | (h2 >>> 18), 4)}-${hexOf(h >>> 8, 4)}${hexOf((Math.imul(p, 0x2545f491) ^ this.eventKey) >>> 0, 8)}`;
  }

  _userRef(i, type) {
    const u = this.userNames(i);
    return `{"id":"${this.userId(i)}","type":"${type}","alternateId":${S(u.login)},"displayName":${S(`${u.firstName} ${u.lastName}`)},"detailEntry":null}`;
  }

  /** Builds a generated event's JSON directly (much faster than building and stringifying objects). */
  buildEventJson(p, core, published) {
    const { r, type, result, reason, actorIndex } = core;
    const eventType = core.eventType ?? type.eventType;
    const displayMessage = type.lifecycle ? D.LIFECYCLE_MESSAGES[eventType] ?? type.displayMessage : type.displayMessage;
    let actorJson;
    let actorLogin = 'unknown';
    let actorName = 'unknown';
    let actorId;
    if (actorIndex >= 0) {
      const u = this.userNames(actorIndex);
      actorLogin = u.login;
      actorName = `${u.firstName} ${u.lastName}`;
      actorId = this.userId(actorIndex);
      actorJson = `{"id":"${actorId}","type":"User","alternateId":${S(actorLogin)},"displayName":${S(actorName)},"detailEntry":null}`;
    } else {
      actorId = this.adminAppId;
      actorJson = `{"id":"${actorId}","type":"PublicClientApp","alternateId":"Okta System","displayName":"Okta System","detailEntry":null}`;
    }

    const ua = r.weighted(D.USER_AGENTS);
    const privateNetwork = r.chance(0.04);
    const loc = privateNetwork ? null : r.pick(D.LOCATIONS);
    const ip = privateNetwork ? `10.${r.int(256)}.${r.int(256)}.${r.range(1, 255)}`
      : `${r.range(11, 223)}.${r.int(256)}.${r.int(256)}.${r.range(1, 255)}`;
    const geo = loc ? (r.chance(0.1) ? loc.geoJsonNoPostal : loc.geoJson) : 'null';
    const requestId = r.chars(27);
    const externalSessionId = type.auth === 'none' ? null : r.chance(0.5) ? `102${r.chars(22)}` : `idx${r.chars(22)}`;

    let authenticationProvider = null;
    let credentialProvider = null;
    let credentialType = null;
    let issuer = 'null';
    let factor = null;
    if (type.auth === 'password') {
      const provider = r.weighted(D.CREDENTIAL_PROVIDERS).type;
      authenticationProvider = provider === 'OKTA' ? 'OKTA_AUTHENTICATION_PROVIDER' : provider;
      credentialProvider = provider === 'OKTA' ? 'OKTA_CREDENTIAL_PROVIDER' : null;
      credentialType = provider === 'FEDERATION' ? null : 'PASSWORD';
    } else if (type.auth === 'mfa') {
      factor = r.pick(D.MFA_FACTORS);
      authenticationProvider = 'FACTOR_PROVIDER';
      credentialProvider = factor.credentialProvider;
      credentialType = factor.credentialType;
    } else if (type.auth === 'oauth') {
      issuer = '{"id":"aus1a2b3c4d5e6f7g8h9","type":"AuthorizationServer"}';
    }

    const app = r.pick(this.apps);
    let target;
    switch (type.target) {
      case 'authenticator':
        target = `[{"id":"aut${r.chars(17)}","type":"AuthenticatorEnrollment","alternateId":"unknown","displayName":${S(factor ? factor.factor : 'Okta Verify')},"detailEntry":null}]`;
        break;
      case 'app':
        target = `[${app.targetJson},{"id":"0ua${r.chars(17)}","type":"AppUser","alternateId":${S(actorLogin)},"displayName":${S(actorName)},"detailEntry":null}]`;
        break;
      case 'adminApp':
        target = `[{"id":"${this.adminAppId}","type":"AppInstance","alternateId":"Okta Admin Console","displayName":"Okta Admin Console","detailEntry":null}]`;
        break;
      case 'policy':
        target = `[{"id":"${this.policyId}","type":"PolicyEntity","alternateId":"unknown","displayName":"Default Policy","detailEntry":{"policyType":"OktaSignOn"}},`
          + `{"id":"${this.policyRuleId}","type":"PolicyRule","alternateId":"${this.policyId}","displayName":"Default Rule","detailEntry":null}]`;
        break;
      case 'group':
        if (this.initialGroups > 0) {
          const g = this.group(r.int(this.initialGroups));
          target = `[{"id":"${g.id}","type":"UserGroup","alternateId":"unknown","displayName":${S(g.profile.name)},"detailEntry":null}]`;
        } else target = '[]';
        break;
      case 'appOnly':
        target = `[${app.targetJson}]`;
        break;
      case 'userAndApp':
        target = this.initialUsers > 0 ? `[${this._userRef(r.int(this.initialUsers), 'User')},${app.targetJson}]` : `[${app.targetJson}]`;
        break;
      case 'apiToken':
        target = `[{"id":"00T${r.chars(17)}","type":"Token","alternateId":"unknown","displayName":"rawdash","detailEntry":null}]`;
        break;
      case 'threat':
        target = 'null';
        break;
      case 'adminGrant':
      case 'user':
      case 'userAndGroup': {
        const parts = [];
        if (core.targetUser >= 0) parts.push(this._userRef(core.targetUser, 'User'));
        else if (this.initialUsers > 0) parts.push(this._userRef(r.int(this.initialUsers), 'User'));
        if (type.target === 'userAndGroup' && this.initialGroups > 0) {
          const g = this.group(r.int(this.initialGroups));
          parts.push(`{"id":"${g.id}","type":"UserGroup","alternateId":"unknown","displayName":${S(g.profile.name)},"detailEntry":null}`);
        }
        target = `[${parts.join(',')}]`;
        break;
      }
      case 'token':
        target = `[{"id":"AT.${r.chars(43)}","type":"access_token","alternateId":"unknown","displayName":"Access Token","detailEntry":{"expires":"${iso(published + 3600 * 1000)}","subject":"${actorId}","hash":"${r.chars(22)}"}}]`;
        break;
      default:
        target = r.chance(0.6) ? 'null' : '[]';
    }

    const requestUri = type.auth === 'mfa' || type.auth === 'password' ? '/idp/idx/challenge/answer'
      : type.target === 'app' ? `/app/${app.name}/${app.id}/sso/saml` : '/api/v1/authn';
    const threat = type.target === 'threat';
    let debugData = `{"requestId":"${requestId}","requestUri":"${requestUri}","url":"${requestUri}?","threatSuspected":"${threat}"`;
    if (threat) {
      debugData += `,"threatDetections":"${r.pick(['{Password Spray=HIGH}', '{Brute Force=MEDIUM}', '{Credential Stuffing=HIGH}'])}","risk":"{reasons=Known malicious IP, level=HIGH}"`;
    } else if (type.target === 'adminGrant') {
      debugData += `,"privilegeGranted":${S(r.pick(D.ADMIN_ROLES))}`;
    }
    if (type.auth !== 'none') {
      debugData += `,"dtHash":"${r.chars(64, HEX)}"`;
      if (r.chance(0.3)) debugData += ',"behaviors":"{New Geo-Location=NEGATIVE, New Device=NEGATIVE, New IP=POSITIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}"';
      if (r.chance(0.3)) debugData += `,"risk":"${r.chance(0.8) ? '{level=LOW}' : '{reasons=Anomalous Location, level=MEDIUM}'}"`;
    }
    debugData += '}';
    const device = ua.raw.startsWith('OktaVerify')
      ? `{"id":"guo${r.chars(17)}","name":"MacBook Pro","os_platform":"OSX","os_version":"14.4.1","managed":false,"registered":true,"device_integrator":null,"disk_encryption_type":"ALL_INTERNAL_VOLUMES","screen_lock_type":"BIOMETRIC","jailbreak":null,"secure_hardware_present":true}`
      : 'null';
    const warn = type.severity === 'WARN' || result === 'FAILURE' || result === 'DENY' || eventType === 'user.account.lock';
    const zone = r.chance(0.9) ? '"null"' : '"OFF_NETWORK"';
    const securityContext = loc ? (r.chance(0.02) ? loc.secJsonProxy : loc.secJson)
      : '{"asNumber":null,"asOrg":null,"isp":null,"domain":null,"isProxy":null}';

    return `{"actor":${actorJson}`
      + `,"client":{"userAgent":${ua.json},"zone":${zone},"device":"${ua.device}","id":null,"ipAddress":"${ip}","geographicalContext":${geo}}`
      + `,"device":${device}`
      + `,"authenticationContext":{"authenticationProvider":${S(authenticationProvider)},"credentialProvider":${S(credentialProvider)},"credentialType":${S(credentialType)},"issuer":${issuer},"interface":null,"authenticationStep":0,"externalSessionId":${S(externalSessionId)}}`
      + `,"displayMessage":${S(displayMessage)},"eventType":${S(eventType)}`
      + `,"outcome":{"result":${S(result)},"reason":${S(reason)}}`
      + `,"published":"${iso(published)}"`
      + `,"securityContext":${securityContext}`
      + `,"severity":"${warn ? 'WARN' : 'INFO'}"`
      + `,"debugContext":{"debugData":${debugData}}`
      + `,"legacyEventType":${S(type.legacy[result] || null)}`
      + `,"transaction":{"type":"WEB","id":"${requestId}","detail":{}}`
      + `,"uuid":"${this.eventUuid(p)}","version":"0"`
      + `,"request":{"ipChain":[{"ip":"${ip}","geographicalContext":${geo},"version":"V4","source":null}]}`
      + `,"target":${target}}`;
  }

  /**
   * Applies a status-setting lifecycle event to a user (data.cjs STATUS_AFTER_EVENT:
   * user.lifecycle.suspend, user.account.lock, ...): changes the user's status and
   * logs the event, so the System Log and /users agree. Returns the event.
   */
  userLifecycle(userId, eventType) {
    const status = D.STATUS_AFTER_EVENT[eventType];
    if (!status) throw new Error(`userLifecycle: ${eventType} sets no status (one of ${Object.keys(D.STATUS_AFTER_EVENT).join(', ')})`);
    const i = this._userIndexOrThrow(userId, 'userLifecycle');
    this.updateUser(i, { status });
    const { login, firstName, lastName } = this.userNames(i);
    return this.addEvents([{
      eventType,
      displayMessage: D.LIFECYCLE_MESSAGES[eventType],
      severity: eventType === 'user.account.lock' ? 'WARN' : 'INFO',
      outcome: { result: 'SUCCESS', reason: null },
      actor: { id: this.userId(0) },
      target: [{ id: this.userId(i), type: 'User', alternateId: login, displayName: `${firstName} ${lastName}`, detailEntry: null }],
    }])[0];
  }

  *events() {
    for (let p = 0; p < this.eventCount; p++) yield this.event(p);
  }

  /**
   * Persists events (partial raw events; defaults filled from a generated one,
   * `published` defaults to now, a fresh uuid unless given) after all existing
   * ones, like Okta's late-arriving events. Returns the stored events.
   */
  addEvents(partials = []) {
    const list = Array.isArray(partials) ? partials : [partials];
    const at = this.clock();
    return list.map((partial) => {
      const p = this.eventCount;
      const base = JSON.parse(this.buildEventJson(p, this.eventCore(p), at));
      const patch = { ...(partial || {}) };
      if (typeof patch.published === 'number') patch.published = iso(patch.published);
      // An actor given by user id gets that user's login and name unless they are given too.
      const actorIndex = patch.actor && patch.actor.id ? this.userIndex(patch.actor.id) : -1;
      if (actorIndex >= 0) {
        const u = this.userNames(actorIndex);
        patch.actor = { type: 'User', alternateId: u.login, displayName: `${u.firstName} ${u.lastName}`, ...patch.actor };
      }
      const event = deepMerge(base, patch);
      if (!(partial && partial.uuid)) event.uuid = this.eventUuid(p);
      const parsed = Date.parse(event.published);
      const json = JSON.stringify(event);
      // `view` is a private copy used for filter evaluation.
      this.addedEvents.push({ json, view: JSON.parse(json), publishedMs: Number.isNaN(parsed) ? at : parsed, persistedMs: at });
      return JSON.parse(json);
    });
  }
}

function applyUserChange(user, change) {
  if (!change) return user;
  const out = { ...user };
  if (change.status) out.status = change.status;
  if (change.profile) out.profile = { ...user.profile, ...change.profile };
  if (change.lastUpdated != null) out.lastUpdated = iso(change.lastUpdated);
  if (change.statusChanged != null) out.statusChanged = iso(change.statusChanged);
  if (change.activated != null) out.activated = iso(change.activated);
  return out;
}

/** deepMerge, then deletes each dotted path of `unset` (on a copy). */
function applyPatch(obj, patch, unset = []) {
  const out = structuredClone(deepMerge(obj, patch || {}));
  for (const path of unset) {
    const keys = String(path).split('.');
    let o = out;
    for (const key of keys.slice(0, -1)) o = o != null && typeof o === 'object' ? o[key] : undefined;
    if (o != null && typeof o === 'object') delete o[keys[keys.length - 1]];
  }
  return out;
}

function nonNegInt(v, name) {
  if (!Number.isInteger(v) || v < 0) throw new TypeError(`${name} must be a non-negative integer`);
  return v;
}

function stripUndefined(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Builds the lazy org (no server). */
function generateOrg(options = {}) {
  return new Org(options);
}

module.exports = { Org, generateOrg, ORG_DEFAULTS, DAY, MINUTE, iso, deepMerge };
