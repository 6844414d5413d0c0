#!/usr/bin/env node
// DPoP (RFC 9449) interop peer for compact-token: proofs made by the `dpop` client library
// (panva, 2.1.2) and proofs checked with `jose` (6.2.18) — neither written by us.
//
// Reads ONE JSON array of requests from stdin, writes ONE JSON array of responses (same
// order) to stdout:
//   {"op":"key","alg":"ES256"|"Ed25519"}
//     -> {"ok":true,"private_jwk","public_jwk","jkt"}: a key pair made by `dpop`'s
//        generateKeyPair, both halves as JWKs, the thumbprint by `dpop`'s calculateThumbprint.
//   {"op":"proof","alg","private_jwk","public_jwk","htm","htu","now","nonce"?,"access_token"?}
//     -> {"ok":true,"proof"}: a proof made by `dpop`'s generateProof with that key pair at
//        the fixed time `now` (Unix seconds).
//   {"op":"verify","proof","now"}
//     -> {"ok":true,"header","payload","jkt","ath_of"?}: the proof verified by jose's
//        jwtVerify with EmbeddedJWK (typ dpop+jwt, ES256/EdDSA/Ed25519, clock `now`), its
//        key's thumbprint by jose's calculateJwkThumbprint. The caller compares the claims.
//     -> {"ok":false,"error"} when jose refuses it.
// `dpop` is a client library with no verifier, hence jose on that side.
// Exit status: 0 when every request was answered; 2 when stdin is not a JSON array;
// 3 when the packages are not installed (run `bash interop/install.sh --node-only`).

import { readFileSync, existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const here = path.dirname(fileURLToPath(import.meta.url))
for (const pkg of ['dpop', 'jose']) {
  if (!existsSync(path.join(here, 'node_modules', pkg, 'package.json'))) {
    process.stderr.write(`dpop_peer: ${pkg} is not installed; run: bash interop/install.sh --node-only\n`)
    process.exit(3)
  }
}
const DPoP = await import('dpop')
const { jwtVerify, EmbeddedJWK, calculateJwkThumbprint } = await import('jose')

const realNow = Date.now
async function atTime(now, f) {
  // generateProof reads the clock itself: pin it for the call.
  Date.now = () => now * 1000
  try {
    return await f()
  } finally {
    Date.now = realNow
  }
}

const WEBCRYPTO = {
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  Ed25519: { name: 'Ed25519' },
}

async function key(req) {
  const keys = await DPoP.generateKeyPair(req.alg, { extractable: true })
  return {
    ok: true,
    private_jwk: await crypto.subtle.exportKey('jwk', keys.privateKey),
    public_jwk: await crypto.subtle.exportKey('jwk', keys.publicKey),
    jkt: await DPoP.calculateThumbprint(keys.publicKey),
  }
}

async function proof(req) {
  const alg = WEBCRYPTO[req.alg]
  const keys = {
    privateKey: await crypto.subtle.importKey('jwk', req.private_jwk, alg, false, ['sign']),
    publicKey: await crypto.subtle.importKey('jwk', req.public_jwk, alg, true, ['verify']),
  }
  const jwt = await atTime(req.now, () =>
    DPoP.generateProof(keys, req.htu, req.htm, req.nonce ?? undefined, req.access_token ?? undefined),
  )
  return { ok: true, proof: jwt }
}

async function verify(req) {
  try {
    const { payload, protectedHeader } = await jwtVerify(req.proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: ['ES256', 'EdDSA', 'Ed25519'],
      currentDate: new Date(req.now * 1000),
      maxTokenAge: 60,
    })
    const jkt = await calculateJwkThumbprint(protectedHeader.jwk, 'sha256')
    return { ok: true, header: protectedHeader, payload, jkt }
  } catch (e) {
    return { ok: false, error: `${e.code ?? e.name}: ${e.message}` }
  }
}

let requests
try {
  requests = JSON.parse(readFileSync(0, 'utf8'))
  if (!Array.isArray(requests)) throw new Error('not an array')
} catch (e) {
  process.stderr.write(`dpop_peer: stdin is not a JSON array: ${e.message}\n`)
  process.exit(2)
}
const out = []
for (const req of requests) {
  if (req.op === 'key') out.push(await key(req))
  else if (req.op === 'proof') out.push(await proof(req))
  else if (req.op === 'verify') out.push(await verify(req))
  else out.push({ ok: false, error: `unknown op ${req.op}` })
}
process.stdout.write(JSON.stringify(out))
