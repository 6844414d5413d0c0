#!/usr/bin/env node
// jose (npm) interop peer for compact-token.
//
// Reads ONE JSON value from stdin (a request object, or an array of request
// objects for batch mode) and writes ONE JSON value to stdout (a response
// object, or an array of responses in the same order). The protocol is
// documented in interop/README.md and is identical to interop/pyjwt_peer.py.
//
// Every cryptographic and JWT operation is done by jose; this file only
// translates the line protocol. jose supports everything the protocol asks
// for natively: an explicit clock (`currentDate`), the `typ` check (with the
// RFC 7515 section 4.1.9 "application/" prefix and case rules), audience and
// issuer, pinned algorithms, local JWK Sets.
//
// Exit status: 0 when every request was answered, including requests that
// were answered {"ok": false, ...} because jose rejected them. 1 when a
// request hit an error that did not come from jose or from a protocol check
// here (a bug in this peer); those are still answered with "internal": true.
// 2 when stdin is not JSON.

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import {
  SignJWT,
  CompactSign,
  jwtVerify,
  compactVerify,
  importJWK,
  exportJWK,
  generateKeyPair,
  generateSecret,
  createLocalJWKSet,
  decodeProtectedHeader,
  base64url,
  errors,
} from 'jose'

const PEER = 'jose'
const ALGS = ['EdDSA', 'HS256', 'ES256', 'RS256', 'PS256']
const HERE = path.dirname(fileURLToPath(import.meta.url))

class PeerError extends Error {
  constructor(message, errorType = 'PeerError') {
    super(message)
    this.errorType = errorType
  }
}

function need(req, name, kind = 'string') {
  if (!(name in req)) throw new PeerError(`missing field "${name}"`, 'BadRequest')
  const value = req[name]
  const ok =
    kind === 'array' ? Array.isArray(value)
      : kind === 'object' ? value !== null && typeof value === 'object' && !Array.isArray(value)
        : typeof value === kind
  if (!ok) throw new PeerError(`field "${name}" has the wrong type`, 'BadRequest')
  return value
}

function needAlg(req) {
  const alg = need(req, 'alg')
  if (!ALGS.includes(alg)) {
    throw new PeerError(`unsupported alg "${alg}" (this peer speaks ${ALGS.join(', ')})`, 'BadRequest')
  }
  return alg
}

// The algorithm comes from the request, never from the token: the key pins it.
const loadKey = (jwk, alg) => importJWK(jwk, alg)

function cleanHeader(req, alg) {
  const header = { ...(req.header ?? {}) }
  delete header.alg
  // alg first, then the caller's parameters in the caller's order.
  return { alg, ...header }
}

function verifyOptions(req) {
  const opts = {}
  if (req.audience !== undefined && req.audience !== null) opts.audience = req.audience
  if (req.issuer !== undefined && req.issuer !== null) opts.issuer = req.issuer
  if (req.typ !== undefined && req.typ !== null) opts.typ = req.typ
  if (req.now !== undefined && req.now !== null) {
    if (typeof req.now !== 'number') throw new PeerError('field "now" must be a number', 'BadRequest')
    opts.currentDate = new Date(req.now * 1000)
  }
  return opts
}

// ------------------------------------------------------------ operations

async function opIssue(req) {
  const alg = needAlg(req)
  const key = await loadKey(need(req, 'key', 'object'), alg)
  const claims = need(req, 'claims', 'object')
  // Note: jose adds no "typ" of its own; the header is exactly alg + req.header.
  const token = await new SignJWT(claims).setProtectedHeader(cleanHeader(req, alg)).sign(key)
  return { ok: true, token }
}

async function opSignJws(req) {
  const alg = needAlg(req)
  const key = await loadKey(need(req, 'key', 'object'), alg)
  const payload = base64url.decode(need(req, 'payload_b64'))
  const token = await new CompactSign(payload).setProtectedHeader(cleanHeader(req, alg)).sign(key)
  return { ok: true, token }
}

async function verifyWith(req, key, alg) {
  const token = need(req, 'token')
  const { payload, protectedHeader } = await jwtVerify(token, key, {
    algorithms: [alg],
    ...verifyOptions(req),
  })
  return { ok: true, header: protectedHeader, claims: payload }
}

async function opVerify(req) {
  const alg = needAlg(req)
  const key = await loadKey(need(req, 'key', 'object'), alg)
  return verifyWith(req, key, alg)
}

async function opVerifyJws(req) {
  const alg = needAlg(req)
  const key = await loadKey(need(req, 'key', 'object'), alg)
  const token = need(req, 'token')
  // Signature check only: compactVerify returns the raw payload bytes.
  const { payload, protectedHeader } = await compactVerify(token, key, { algorithms: [alg] })
  return { ok: true, header: protectedHeader, payload_b64: base64url.encode(payload) }
}

function inferAlg(jwk) {
  if (typeof jwk.alg === 'string') return jwk.alg
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA'
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256'
  if (jwk.kty === 'oct') return 'HS256'
  // An RSA key without "alg" could be RS256 or PS256; RS256 is the JOSE default.
  if (jwk.kty === 'RSA') return 'RS256'
  return undefined
}

async function opJwks(req) {
  const keys = need(req, 'keys', 'array')
  const jwks = createLocalJWKSet({ keys }) // throws JWKSInvalid on a malformed set
  // jose's local JWK Set exposes no key list, only a lookup. Count the members
  // that jose's own lookup resolves to a usable verification key, asking for
  // each member by its kid and its algorithm. jose serves public keys for
  // asymmetric algorithms only: "oct" members and private keys are not usable.
  const kids = []
  const skipped = []
  for (const jwk of keys) {
    const alg = jwk && typeof jwk === 'object' ? inferAlg(jwk) : undefined
    try {
      if (alg === undefined) throw new errors.JOSENotSupported('no algorithm for this key')
      await jwks({ alg, kid: jwk.kid })
      kids.push(jwk.kid ?? null)
    } catch (e) {
      if (e instanceof errors.JWKSMultipleMatchingKeys) {
        kids.push(jwk.kid ?? null) // usable, but its kid is not unique
      } else {
        skipped.push({ kid: jwk?.kid ?? null, error: e.message, error_type: errorType(e) })
      }
    }
  }
  if (kids.length === 0) {
    throw new PeerError('The JWK Set did not contain any usable keys', 'NoUsableKeys')
  }
  return { ok: true, kids, count: kids.length, skipped }
}

async function opJwksVerify(req) {
  const jwks = createLocalJWKSet(need(req, 'jwks', 'object'))
  const token = need(req, 'token')
  let alg = req.alg
  if (alg === undefined || alg === null) {
    // Without a pinned alg, allow the algorithms this protocol speaks; jose's
    // JWK Set still requires the key (by kid) to match the header's alg.
    const header = decodeProtectedHeader(token)
    alg = ALGS.includes(header.alg) ? header.alg : ALGS[0]
  } else if (!ALGS.includes(alg)) {
    throw new PeerError(`unsupported alg "${alg}"`, 'BadRequest')
  }
  return verifyWith(req, jwks, alg)
}

async function opKeygen(req) {
  const alg = needAlg(req)
  if (alg === 'HS256') {
    const secret = await exportJWK(await generateSecret('HS256', { extractable: true }))
    return { ok: true, private_jwk: secret, public_jwk: secret }
  }
  // EdDSA: Ed25519; ES256: P-256; RS256/PS256: RSA 2048 (jose's defaults).
  const options = alg === 'EdDSA' ? { crv: 'Ed25519', extractable: true } : { extractable: true }
  const { publicKey, privateKey } = await generateKeyPair(alg, options)
  const [privateJwk, publicJwk] = [await exportJWK(privateKey), await exportJWK(publicKey)]
  if (alg === 'RS256' || alg === 'PS256') {
    // An RSA JWK does not say RS256 or PS256; "alg" pins it (RFC 7517 section 4.4).
    privateJwk.alg = publicJwk.alg = alg
  }
  return { ok: true, private_jwk: privateJwk, public_jwk: publicJwk }
}

async function opVersion() {
  const pkg = JSON.parse(readFileSync(path.join(HERE, 'node_modules', 'jose', 'package.json'), 'utf8'))
  return { ok: true, peer: PEER, library: 'jose', version: pkg.version, node: process.versions.node }
}

const OPS = {
  issue: opIssue,
  sign_jws: opSignJws,
  verify: opVerify,
  verify_jws: opVerifyJws,
  jwks: opJwks,
  jwks_verify: opJwksVerify,
  keygen: opKeygen,
  version: opVersion,
}

// ------------------------------------------------------------ driver

// jose errors carry a string code (ERR_...); WebCrypto DOMExceptions a numeric one.
const errorType = (e) => (typeof e?.code === 'string' ? e.code : e?.name ?? 'Error')

const JOSE_DIR = path.join(HERE, 'node_modules', 'jose') + path.sep

function fromLibrary(e) {
  if (e instanceof errors.JOSEError) return true
  // jose throws TypeError for invalid key material / arguments; accept errors
  // whose innermost frame is inside jose (or inside Node's WebCrypto, which
  // jose drives).
  const frame = String(e?.stack ?? '').split('\n').find((l) => l.trim().startsWith('at '))
  return frame !== undefined && (frame.includes(JOSE_DIR) || frame.includes('node:internal/crypto'))
}

async function handle(req) {
  try {
    if (req === null || typeof req !== 'object' || Array.isArray(req)) {
      throw new PeerError('request must be a JSON object', 'BadRequest')
    }
    const fn = typeof req.op === 'string' && Object.hasOwn(OPS, req.op) ? OPS[req.op] : undefined
    if (!fn) throw new PeerError(`unknown op ${JSON.stringify(req.op)}`, 'BadRequest')
    return [await fn(req), false]
  } catch (e) {
    if (e instanceof PeerError) return [{ ok: false, error: e.message, error_type: e.errorType }, false]
    if (fromLibrary(e)) return [{ ok: false, error: e.message, error_type: errorType(e) }, false]
    process.stderr.write(`${e?.stack ?? e}\n`)
    return [{ ok: false, error: `${e?.name}: ${e?.message}`, error_type: 'Internal', internal: true }, true]
  }
}

async function main() {
  const raw = readFileSync(0, 'utf8')
  let request
  try {
    request = JSON.parse(raw)
  } catch (e) {
    process.stderr.write(`${PEER}_peer: stdin is not JSON: ${e.message}\n`)
    return 2
  }
  let out
  let crashed = false
  if (Array.isArray(request)) {
    out = []
    for (const r of request) {
      const [resp, c] = await handle(r)
      out.push(resp)
      crashed ||= c
    }
  } else {
    ;[out, crashed] = await handle(request)
  }
  process.stdout.write(JSON.stringify(out) + '\n')
  return crashed ? 1 : 0
}

process.exitCode = await main()
