'use strict'
// Native errors carry a stable `code`; this module is the one place they become
// OktaConnectorError objects with the host's `kind` and Okta's details.
const native = require('./native.cjs')
const { errors } = require('./metadata.cjs')

const KIND_BY_CODE = new Map(errors.map((e) => [e.code, e.kind]))

/** An error from the Okta connector. Branch on `kind` (host contract) or `code`. */
class OktaConnectorError extends Error {
  constructor(payload) {
    super(payload.message)
    this.name = 'OktaConnectorError'
    this.code = payload.code
    this.kind = payload.kind ?? KIND_BY_CODE.get(payload.code) ?? 'client_bug'
    this.status = payload.status ?? null
    this.errorCode = payload.errorCode ?? null
    this.errorSummary = payload.errorSummary ?? null
    this.errorId = payload.errorId ?? null
    this.errorCauses = payload.errorCauses ?? []
    this.requestId = payload.requestId ?? null
    this.resource = payload.resource ?? null
    this.page = payload.page ?? null
    this.issues = payload.issues ?? []
  }

  toJSON() {
    const { name, message, code, kind, status, errorCode, errorSummary, errorId, errorCauses, requestId, resource, page, issues } = this
    return { name, message, code, kind, status, errorCode, errorSummary, errorId, errorCauses, requestId, resource, page, issues }
  }
}

/** Wraps an error thrown by the native addon (its `code` is an OKTA_* string). */
function fromNative(err) {
  // The addon itself could not load (native.cjs): that error says why and how to fix it.
  if (err instanceof OktaConnectorError || err?.code === 'OKTA_NATIVE_BINDING_MISSING') return err
  // The binding puts the full structured error, as JSON, in `cause.message`.
  try {
    const payload = JSON.parse(err?.cause?.message)
    if (payload && typeof payload.code === 'string' && KIND_BY_CODE.has(payload.code)) return new OktaConnectorError(payload)
  } catch {
    // Not a structured native error: fall through.
  }
  const code = typeof err?.code === 'string' && KIND_BY_CODE.has(err.code) ? err.code : 'OKTA_INTERNAL'
  return new OktaConnectorError({ code, message: String(err?.message ?? err) })
}

/** An error for invalid config, from `{ field, message }` issues. */
function configError(issues, code = 'OKTA_INVALID_CONFIG') {
  const listed = issues.map((i) => `${i.field}: ${i.message}`).join('; ')
  return new OktaConnectorError({ code, message: `Invalid Okta connector config: ${listed}`, issues })
}

/**
 * `value` without `undefined` object values (recursively, plain objects and arrays):
 * zod treats an undefined key as absent, and so must the native checker, which would
 * otherwise receive it as `null`.
 */
function withoutUndefined(value, depth = 0) {
  if (depth > 16 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v) => withoutUndefined(v, depth + 1))
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return value
  const out = {}
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = withoutUndefined(v, depth + 1)
  return out
}

/**
 * The native config check (src/config/rules.rs): `{ config, issues }`. `options`:
 * `{ credentials: 'input', baseUrl, baseUrlFrom }` for constructor input (see the
 * binding's checkConfig). Loads the addon.
 */
function checkNative(input, options) {
  try {
    return native.checkConfig(input === undefined ? null : withoutUndefined(input), options)
  } catch (err) {
    throw fromNative(err)
  }
}

/**
 * Validates user config (the config rules; secrets as `{ $secret }` references) and
 * returns it normalized (known keys only, host trimmed); throws an
 * OktaConnectorError (code OKTA_INVALID_CONFIG) whose `issues` name every bad field,
 * with the same fields and messages as `configFields.safeParse`.
 */
function validateConfig(input) {
  const check = checkNative(input)
  if (check.issues.length) throw configError(check.issues)
  return check.config
}

module.exports = { OktaConnectorError, fromNative, configError, validateConfig, checkNative, KIND_BY_CODE }
