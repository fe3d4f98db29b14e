'use strict';
// Okta filter expression language (a SCIM-like subset):
//   attr op "value" | attr pr | expr and expr | expr or expr | not expr | ( expr )
// ops: eq ne gt ge lt le sw co ew pr. Keywords are case-insensitive.

class FilterError extends Error {}

const OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'sw', 'co', 'ew', 'pr']);
const KEYWORDS = new Set(['and', 'or', 'not', ...OPS]);
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Milliseconds of a strict ISO 8601 date-time, or NaN. */
function parseIsoDate(s) {
  if (typeof s !== 'string' || !ISO_RE.test(s)) return NaN;
  return Date.parse(s);
}

function tokenize(text) {
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(' || c === ')') { tokens.push({ t: c }); i++; continue; }
    if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterError('Unterminated string literal');
        const d = text[i++];
        if (d === '"') break;
        if (d === '\\') {
          if (i >= text.length) throw new FilterError('Unterminated string literal');
          s += text[i++];
        } else s += d;
      }
      tokens.push({ t: 'str', v: s });
      continue;
    }
    const m = /^[A-Za-z0-9_.:$\-+]+/.exec(text.slice(i, i + 512));
    if (!m) throw new FilterError(`Unexpected character '${c}'`);
    tokens.push({ t: 'word', v: m[0] });
    i += m[0].length;
  }
  return tokens;
}

/** Parses a filter into an AST; throws FilterError. */
function parseFilter(text) {
  const tokens = tokenize(String(text));
  let pos = 0;
  const peek = () => tokens[pos];
  const isKw = (tok, kw) => tok && tok.t === 'word' && tok.v.toLowerCase() === kw;

  function parseOr() {
    let left = parseAnd();
    while (isKw(peek(), 'or')) {
      pos++;
      left = { type: 'or', left, right: parseAnd() };
    }
    return left;
  }
  function parseAnd() {
    let left = parseUnary();
    while (isKw(peek(), 'and')) {
      pos++;
      left = { type: 'and', left, right: parseUnary() };
    }
    return left;
  }
  function parseUnary() {
    const tok = peek();
    if (!tok) throw new FilterError('Unexpected end of filter');
    if (isKw(tok, 'not')) {
      pos++;
      return { type: 'not', expr: parseUnary() };
    }
    if (tok.t === '(') {
      pos++;
      const expr = parseOr();
      if (!peek() || peek().t !== ')') throw new FilterError('Missing closing parenthesis');
      pos++;
      return expr;
    }
    if (tok.t !== 'word' || KEYWORDS.has(tok.v.toLowerCase()) || !/^[A-Za-z_][A-Za-z0-9_.]*$/.test(tok.v)) {
      throw new FilterError(`Expected an attribute name, got '${tok.v ?? tok.t}'`);
    }
    pos++;
    const opTok = peek();
    if (!opTok || opTok.t !== 'word' || !OPS.has(opTok.v.toLowerCase())) {
      throw new FilterError(`Expected an operator after '${tok.v}'`);
    }
    pos++;
    const op = opTok.v.toLowerCase();
    if (op === 'pr') return { type: 'cmp', attr: tok.v, op, value: null };
    const valTok = peek();
    if (!valTok) throw new FilterError(`Expected a value after '${tok.v} ${op}'`);
    pos++;
    let value;
    if (valTok.t === 'str') value = valTok.v;
    else if (valTok.t === 'word' && /^(true|false)$/i.test(valTok.v)) value = valTok.v.toLowerCase() === 'true';
    else if (valTok.t === 'word' && /^null$/i.test(valTok.v)) value = null;
    else if (valTok.t === 'word' && /^-?\d+(\.\d+)?$/.test(valTok.v)) value = Number(valTok.v);
    else throw new FilterError(`Invalid value '${valTok.v ?? valTok.t}' (strings must be double-quoted)`);
    return { type: 'cmp', attr: tok.v, op, value };
  }

  if (tokens.length === 0) throw new FilterError('Empty filter');
  const ast = parseOr();
  if (pos !== tokens.length) throw new FilterError(`Unexpected '${tokens[pos].v ?? tokens[pos].t}'`);
  return ast;
}

function walkComparisons(ast, fn) {
  if (ast.type === 'cmp') fn(ast);
  else if (ast.type === 'not') walkComparisons(ast.expr, fn);
  else { walkComparisons(ast.left, fn); walkComparisons(ast.right, fn); }
}

/** The attribute paths a filter reads. */
function filterAttributes(ast) {
  const out = new Set();
  walkComparisons(ast, (c) => out.add(c.attr));
  return out;
}

function getPath(obj, path) {
  let v = obj;
  for (const part of path.split('.')) {
    if (v == null) return undefined;
    v = v[part];
  }
  return v;
}

/**
 * Compiles a filter into a predicate.
 * options.allowed(attr, op) -> boolean: reject unsupported attribute/op pairs.
 * options.dateAttrs: attributes compared as date-times (literals must be ISO 8601).
 */
function compileFilter(text, options = {}) {
  const ast = parseFilter(text);
  const dateAttrs = options.dateAttrs || new Set();
  walkComparisons(ast, (c) => {
    if (options.allowed && !options.allowed(c.attr, c.op)) {
      throw new FilterError(`Unsupported filter: '${c.attr} ${c.op}'`);
    }
    if (dateAttrs.has(c.attr) && c.op !== 'pr') {
      c.time = parseIsoDate(c.value);
      if (Number.isNaN(c.time)) throw new FilterError(`Invalid date-time '${c.value}' for ${c.attr}`);
    }
  });
  const build = (node) => {
    switch (node.type) {
      case 'and': { const l = build(node.left); const r = build(node.right); return (o) => l(o) && r(o); }
      case 'or': { const l = build(node.left); const r = build(node.right); return (o) => l(o) || r(o); }
      case 'not': { const e = build(node.expr); return (o) => !e(o); }
      default: return compileComparison(node);
    }
  };
  const predicate = build(ast);
  predicate.attributes = filterAttributes(ast);
  predicate.ast = ast;
  return predicate;
}

function compileComparison({ attr, op, value, time }) {
  const get = attr.includes('.') ? (o) => getPath(o, attr) : (o) => o[attr];
  if (op === 'pr') return (o) => get(o) != null;
  if (time !== undefined) {
    const cmp = CMP[op];
    if (!cmp) return () => false;
    return (o) => {
      const v = get(o);
      if (typeof v !== 'string') return op === 'ne';
      const t = Date.parse(v);
      return !Number.isNaN(t) && cmp(t, time);
    };
  }
  switch (op) {
    case 'eq': return (o) => get(o) === value;
    case 'ne': return (o) => get(o) !== value;
    case 'sw': return (o) => { const v = get(o); return typeof v === 'string' && typeof value === 'string' && v.startsWith(value); };
    case 'co': return (o) => { const v = get(o); return typeof v === 'string' && typeof value === 'string' && v.includes(value); };
    case 'ew': return (o) => { const v = get(o); return typeof v === 'string' && typeof value === 'string' && v.endsWith(value); };
    default: {
      const cmp = CMP[op];
      return (o) => {
        const v = get(o);
        return v != null && value != null && typeof v === typeof value && cmp(v, value);
      };
    }
  }
}

const CMP = {
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
};

module.exports = { FilterError, parseFilter, compileFilter, filterAttributes, parseIsoDate, getPath };
