'use strict';
// Deterministic hashing, a small PRNG and invertible Okta-style ids.
// Everything the simulator generates is a pure function of (seed, kind, index),
// so nothing has to be stored to serve the same object twice.

const ALNUM = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const HEX = '0123456789abcdef';

function fmix32(h) {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of three 32-bit integers. */
function hash3(a, b, c) {
  let h = fmix32(Math.imul((a ^ 0x9e3779b9) | 0, 0xcc9e2d51));
  h = fmix32((h ^ Math.imul(b | 0, 0x1b873593)) + 0x6b43a9b5);
  h = fmix32((h ^ Math.imul(c | 0, 0x27d4eb2f)) + 0x165667b1);
  return h;
}

/** Normalises a numeric or string seed to a uint32. */
function seedToUint32(seed) {
  if (typeof seed === 'number' && Number.isFinite(seed)) {
    const hi = Math.floor(seed / 4294967296);
    return fmix32((seed >>> 0) ^ Math.imul(hi | 0, 0x9e3779b1));
  }
  const s = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

/** mulberry32: fast, good enough for fake data, and tiny state. */
class Rng {
  constructor(state) {
    this.a = state >>> 0;
  }
  next() {
    this.a = (this.a + 0x6d2b79f5) | 0;
    let t = Math.imul(this.a ^ (this.a >>> 15), 1 | this.a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n) {
    return Math.floor(this.next() * n);
  }
  range(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo));
  }
  chance(p) {
    return this.next() < p;
  }
  pick(arr) {
    return arr[Math.floor(this.next() * arr.length)];
  }
  /** items: array of [weight, value]; weights need not sum to 1. */
  weighted(table) {
    let x = this.next() * table.total;
    for (const [w, v] of table.items) {
      if (x < w) return v;
      x -= w;
    }
    return table.items[table.items.length - 1][1];
  }
  chars(n, alphabet = ALNUM) {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
}

function weightedTable(items) {
  return { items, total: items.reduce((sum, [w]) => sum + w, 0) };
}

// Ids embed the index in 7 base-36 characters (a bijective scramble of a
// uint32), interleaved with 10 random characters: they look like real Okta ids
// yet map back to their index, so `after=<id>` and `id eq "..."` need no table.
const ID_MULT = 0x2545f491;
function inverse32(a) {
  let x = a;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(a, x));
  return x >>> 0;
}
const ID_MULT_INV = inverse32(ID_MULT);
const ENCODED_SLOTS = [0, 2, 4, 6, 8, 10, 12]; // offsets after the 3-char prefix

function makeId(prefix, key, index, randomState) {
  const x = (Math.imul(index, ID_MULT) ^ key) >>> 0;
  // Least significant digit first, so ids do not all start alike.
  const enc = x.toString(36).padStart(7, '0').split('').reverse().join('');
  const r = new Rng(randomState);
  let out = prefix;
  let e = 0;
  for (let k = 0; k < 17; k++) {
    if (e < 7 && k === ENCODED_SLOTS[e]) out += enc[e++];
    else out += ALNUM[Math.floor(r.next() * 62)];
  }
  return out;
}

/** Returns the index encoded in an id (not yet verified), or -1. */
function idToIndex(id, prefix, key) {
  if (typeof id !== 'string' || id.length !== 20 || !id.startsWith(prefix)) return -1;
  let enc = '';
  for (const slot of ENCODED_SLOTS) enc += id[3 + slot];
  if (!/^[0-9a-z]{7}$/.test(enc)) return -1;
  const x = parseInt(enc.split('').reverse().join(''), 36);
  if (x > 0xffffffff) return -1;
  return Math.imul((x ^ key) >>> 0, ID_MULT_INV) >>> 0;
}

const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Lowest `width` (4 or 8) hex digits of n, zero-padded. */
function hexOf(n, width) {
  const lo = BYTE_HEX[(n >>> 8) & 255] + BYTE_HEX[n & 255];
  return width === 4 ? lo : BYTE_HEX[(n >>> 24) & 255] + BYTE_HEX[(n >>> 16) & 255] + lo;
}

module.exports = { ALNUM, HEX, fmix32, hash3, seedToUint32, Rng, weightedTable, makeId, idToIndex, hexOf };
