#!/usr/bin/env node
// A real OpenID Provider for compact-token's tests: `oidc-provider` (panva, pinned in
// package.json) on 127.0.0.1, with a small test-control surface so a test can obtain the
// provider's own tokens without a browser. See interop/README.md, "oidc-provider".
//
// Usage: node interop/oidc_provider.mjs [--port N]     (default: port 0, any free port)
// When ready it prints ONE JSON line on stdout:
//   {"issuer":"http://127.0.0.1:PORT","port":PORT,"library":"oidc-provider","version":"9.13.3"}
// and serves until killed (SIGTERM/SIGINT) or until its stdin closes (so it dies with the
// process that started it even if that one could not kill it).
//
// Every token is made and signed by oidc-provider itself; this file only configures it
// and drives its endpoints over HTTP like a client and a user agent would:
//   GET  /_test/tokens?alg=RS256|ES256|EdDSA&flow=code|code+id_token|code+id_token+token
//        [&resource=URI]
//        authorization request (nonce, state) -> login + consent auto-completed through
//        oidc-provider's interaction API -> redirect; `code` is redeemed at the token
//        endpoint, the hybrid flows return the front-channel ID token (c_hash, and at_hash
//        with `token`). -> {"id_token","access_token","code","nonce","client_id",
//        "resource","flow","alg","issuer"}
//   GET  /_test/client_credentials?alg=RS256|ES256|EdDSA[&resource=URI]
//        client_credentials grant at the token endpoint -> {"access_token","client_id",
//        "resource","issuer"}
//   POST /_test/rotate
//        replaces every signing key with fresh ones (new kids): a new Provider instance
//        with the same issuer, clients and storage serves from then on, so the JWKS
//        endpoint publishes only the new keys. -> {"kids":[...],"old_kids":[...]}
//   GET  /_test/kids -> {"kids":[...]}
// Resources (RFC 8707) are `https://api.example.com/<ALG>`: JWT access tokens (RFC 9068,
// `typ: at+jwt`) signed with <ALG>, audience the resource; `.../<ALG>/aud-array` gives the
// same with `aud` an array (the resource and https://other.example.com).

import http from 'node:http'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { exportJWK, generateKeyPair } from 'jose'
import Provider, { errors } from 'oidc-provider'

const ALGS = ['RS256', 'ES256', 'EdDSA']
const CLIENT_IDS = { RS256: 'rp-rs256', ES256: 'rp-es256', EdDSA: 'rp-eddsa' }
const SECRET = 'a-test-secret-that-is-long-enough-0123456789'
const REDIRECT_URI = 'https://rp.example.com/cb'
const API = 'https://api.example.com/'
const OTHER_AUDIENCE = 'https://other.example.com'
const ACCOUNT = 'user-8f14e45f'
const ACR = 'urn:example:loa:2'
const RESOURCE_SCOPE = 'read:orders write:orders'

const require = createRequire(import.meta.url)
const VERSION = JSON.parse(readFileSync(require.resolve('oidc-provider/package.json'), 'utf8')).version

function arg(name) {
  const i = process.argv.indexOf(name)
  return i === -1 ? undefined : process.argv[i + 1]
}

// Fresh private JWKs for the three algorithms. No kid: oidc-provider derives one from the
// public key (a SHA-256 of its members), so new keys always mean new kids.
async function freshKeys() {
  const params = {
    RS256: ['RS256', { modulusLength: 2048, extractable: true }],
    ES256: ['ES256', { extractable: true }],
    EdDSA: ['EdDSA', { crv: 'Ed25519', extractable: true }],
  }
  const keys = []
  for (const alg of ALGS) {
    const { privateKey } = await generateKeyPair(...params[alg])
    keys.push({ ...(await exportJWK(privateKey)), use: 'sig' })
  }
  return { keys }
}

// `https://api.example.com/<ALG>[/aud-array]` -> { alg, array } or undefined.
function parseResource(resource) {
  if (typeof resource !== 'string' || !resource.startsWith(API)) return undefined
  const [alg, extra, ...rest] = resource.slice(API.length).split('/')
  if (!ALGS.includes(alg) || rest.length || (extra !== undefined && extra !== 'aud-array')) return undefined
  return { alg, array: extra === 'aud-array' }
}

function configuration(jwks) {
  return {
    jwks,
    clients: ALGS.map((alg) => ({
      client_id: CLIENT_IDS[alg],
      client_secret: SECRET,
      redirect_uris: [REDIRECT_URI],
      response_types: ['code', 'code id_token', 'code id_token token'],
      grant_types: ['authorization_code', 'implicit', 'client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: alg,
      scope: `openid profile email ${RESOURCE_SCOPE}`,
      // `auth_time` in every ID token, and `sid` (its session) as for back-channel logout.
      require_auth_time: true,
      backchannel_logout_uri: 'https://rp.example.com/logout',
      backchannel_logout_session_required: true,
    })),
    acrValues: [ACR],
    responseTypes: ['code', 'code id_token', 'code id_token token', 'none'],
    scopes: ['openid', 'profile', 'email', 'read:orders', 'write:orders'],
    claims: {
      acr: null,
      auth_time: null,
      sid: null,
      // `amr` with every ID token (the methods the login below reports).
      openid: ['sub', 'amr'],
      profile: ['name', 'given_name', 'family_name', 'locale'],
      email: ['email', 'email_verified'],
    },
    // Profile claims in the ID token even when an access token is issued too: more real
    // claims for our reader.
    conformIdTokenClaims: false,
    async findAccount(_ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            name: 'Jane Doe',
            given_name: 'Jane',
            family_name: 'Doe',
            locale: 'en-US',
            email: 'jane.doe@example.com',
            email_verified: true,
          }
        },
      }
    },
    interactions: { url: (_ctx, interaction) => `/_test/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf,
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx, resource) {
          const parsed = parseResource(resource)
          if (!parsed) throw new errors.InvalidTarget()
          return {
            scope: RESOURCE_SCOPE,
            audience: resource,
            accessTokenTTL: 300,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: parsed.alg } },
          }
        },
      },
    },
    formats: {
      customizers: {
        // The provider's hook for JWT access token contents: an array `aud` on request.
        jwt(_ctx, token, jwt) {
          const parsed = parseResource(token.resourceServer?.identifier())
          if (parsed?.array) jwt.payload.aud = [jwt.payload.aud, OTHER_AUDIENCE]
        },
      },
    },
    ttl: {
      AccessToken: 300,
      ClientCredentials: 300,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    cookies: { keys: ['a-cookie-signing-key-for-tests-only'] },
    renderError(ctx, out) {
      ctx.type = 'application/json'
      ctx.body = out
    },
  }
}

let provider
let handler

async function startProvider(issuer) {
  const jwks = await freshKeys()
  const next = new Provider(issuer, configuration(jwks))
  next.on('server_error', (_ctx, err) => console.error('oidc-provider server_error:', err))
  provider = next
  handler = next.callback()
}

async function publishedKids() {
  const res = await fetch(`${provider.issuer}/jwks`)
  return (await res.json()).keys.map((k) => k.kid)
}

// Login and consent, done through oidc-provider's interaction API (what a login page
// would do after the user typed a password and pressed "allow").
async function completeInteraction(req, res) {
  const details = await provider.interactionDetails(req, res)
  const { prompt, params, session } = details
  let result
  if (prompt.name === 'login') {
    result = { login: { accountId: ACCOUNT, acr: ACR, amr: ['pwd', 'otp'] } }
  } else if (prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id })
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = prompt.details
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '))
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims)
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '))
    }
    result = { consent: { grantId: await grant.save() } }
  } else {
    throw new Error(`unexpected interaction prompt ${prompt.name}`)
  }
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true })
}

// A user agent with a cookie jar that follows redirects on the provider's own origin and
// stops at the client's redirect_uri.
async function userAgent(url) {
  const jar = new Map()
  for (let hops = 0; hops < 10; hops++) {
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    })
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const eq = pair.indexOf('=')
      const [name, value] = [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()]
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name)
      else jar.set(name, value)
    }
    const location = res.headers.get('location')
    if (res.status < 300 || res.status > 399 || !location) {
      throw new Error(`authorization stopped at ${url} with ${res.status}: ${await res.text()}`)
    }
    const next = new URL(location, url)
    if (next.href.startsWith(REDIRECT_URI)) return next
    url = next.href
  }
  throw new Error('too many redirects')
}

async function tokenEndpoint(clientId, body) {
  const res = await fetch(`${provider.issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(SECRET)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(body),
  })
  const json = await res.json()
  if (!res.ok) throw new Error(`token endpoint: ${res.status} ${JSON.stringify(json)}`)
  return json
}

function randomValue() {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')
}

async function tokens(query) {
  const alg = query.get('alg') ?? 'RS256'
  const flow = query.get('flow') ?? 'code'
  const resource = query.get('resource') ?? `${API}${alg}`
  const clientId = CLIENT_IDS[alg]
  if (!clientId) throw new RequestError(`alg must be one of ${ALGS.join(', ')}`)
  if (!['code', 'code id_token', 'code id_token token'].includes(flow)) {
    throw new RequestError('flow must be "code", "code id_token" or "code id_token token"')
  }
  const nonce = randomValue()
  const auth = new URL(`${provider.issuer}/auth`)
  auth.search = new URLSearchParams({
    client_id: clientId,
    response_type: flow,
    redirect_uri: REDIRECT_URI,
    scope: `openid profile email ${RESOURCE_SCOPE}`,
    resource,
    acr_values: ACR,
    nonce,
    state: randomValue(),
  })
  const back = await userAgent(auth.href)
  // Query for `code`, fragment for the hybrid flows (their default response modes).
  const params = new URLSearchParams(flow === 'code' ? back.search : back.hash.slice(1))
  if (params.get('error')) throw new Error(`authorization error: ${params}`)
  const code = params.get('code')
  let idToken = params.get('id_token')
  let accessToken = params.get('access_token')
  if (flow === 'code') {
    const res = await tokenEndpoint(clientId, {
      grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, resource,
    })
    idToken = res.id_token
    accessToken = res.access_token
  }
  return {
    id_token: idToken,
    access_token: accessToken,
    code,
    nonce,
    client_id: clientId,
    resource,
    flow,
    alg,
    issuer: provider.issuer,
  }
}

async function clientCredentials(query) {
  const alg = query.get('alg') ?? 'RS256'
  const clientId = CLIENT_IDS[alg]
  if (!clientId) throw new RequestError(`alg must be one of ${ALGS.join(', ')}`)
  const resource = query.get('resource') ?? `${API}${alg}`
  const res = await tokenEndpoint(clientId, {
    grant_type: 'client_credentials', scope: RESOURCE_SCOPE, resource,
  })
  return { access_token: res.access_token, client_id: clientId, resource, issuer: provider.issuer }
}

class RequestError extends Error {}

async function testControl(req, res, url) {
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(`${JSON.stringify(body)}\n`)
  }
  try {
    const route = `${req.method} ${url.pathname}`
    if (url.pathname.startsWith('/_test/interaction/')) {
      await completeInteraction(req, res)
    } else if (route === 'GET /_test/tokens') {
      send(200, await tokens(url.searchParams))
    } else if (route === 'GET /_test/client_credentials') {
      send(200, await clientCredentials(url.searchParams))
    } else if (route === 'POST /_test/rotate') {
      const oldKids = await publishedKids()
      await startProvider(provider.issuer)
      send(200, { kids: await publishedKids(), old_kids: oldKids })
    } else if (route === 'GET /_test/kids') {
      send(200, { kids: await publishedKids() })
    } else {
      send(404, { error: `no test route ${route}` })
    }
  } catch (err) {
    if (!(err instanceof RequestError)) console.error(err)
    if (!res.headersSent) send(err instanceof RequestError ? 400 : 500, { error: String(err?.message ?? err) })
  }
}

const server = http.createServer((req, res) => {
  // Listening comes first (the issuer needs the port); nothing is served until the
  // provider exists and the issuer line is printed.
  if (!provider) {
    res.writeHead(503, { 'content-type': 'application/json' })
    return res.end('{"error":"starting"}\n')
  }
  const url = new URL(req.url, 'http://127.0.0.1')
  if (url.pathname.startsWith('/_test/')) return testControl(req, res, url)
  return handler(req, res)
})

const requested = Number(arg('--port') ?? 0)
server.listen(requested, '127.0.0.1', async () => {
  const { port } = server.address()
  const issuer = `http://127.0.0.1:${port}`
  await startProvider(issuer)
  process.stdout.write(`${JSON.stringify({ issuer, port, library: 'oidc-provider', version: VERSION })}\n`)
})

const stop = () => process.exit(0)
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
// The parent's end of our stdin closes when it exits, however it exits.
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()
