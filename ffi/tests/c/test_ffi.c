/* C tests of the compact-token C ABI, built against the staticlib by ffi/tests/run.sh.
 * Every check asserts an exact result code. The last line is "N passed, M failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compact_token.h"
#include "test_keys.h"

static int passed, failed;

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (cond) {                                                             \
            passed++;                                                           \
        } else {                                                                \
            failed++;                                                           \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);     \
        }                                                                       \
    } while (0)

#define CHECK_CODE(expr, want)                                                  \
    do {                                                                        \
        ct_result got_ = (expr);                                                \
        if (got_ == (ct_result)(want)) {                                        \
            passed++;                                                           \
        } else {                                                                \
            failed++;                                                           \
            fprintf(stderr, "FAIL %s:%d: %s\n  got %u (%s), want %u (%s)\n",    \
                    __FILE__, __LINE__, #expr, got_, ct_error_message(got_),    \
                    (unsigned)(want), ct_error_message(want));                  \
        }                                                                       \
    } while (0)

#define NOW 1764000000ULL
#define ISS "https://auth.example.com"
#define AUD "https://api.example.com"
#define CLIENT "s6BhdRkqt3"

static ct_str S(const char *s) {
    ct_str v = {(const uint8_t *)s, strlen(s)};
    return v;
}

static int eq(ct_str v, const char *s) {
    return v.ptr != NULL && v.len == strlen(s) && memcmp(v.ptr, s, v.len) == 0;
}

static const ct_str NONE = {NULL, 0};

static ct_key *ed, *ed_pub, *hs, *ed_access_only;
static ct_registry *reg;

static ct_access_claims access_claims(void) {
    ct_access_claims c;
    memset(&c, 0, sizeof c);
    c.iss = S(ISS);
    c.sub = S("user-8f14e45f");
    c.aud[0] = S(AUD);
    c.aud_len = 1;
    c.client_id = S(CLIENT);
    c.iat = NOW;
    c.exp = NOW + 300;
    c.jti = S("b1c2d3e4f5a6b7c8");
    c.scope = S("read:orders write:orders");
    return c;
}

static ct_id_claims id_claims(void) {
    ct_id_claims c;
    memset(&c, 0, sizeof c);
    c.iss = S(ISS);
    c.sub = S("user-8f14e45f");
    c.aud[0] = S(CLIENT);
    c.aud_len = 1;
    c.iat = NOW;
    c.exp = NOW + 600;
    c.has_auth_time = true;
    c.auth_time = NOW - 10;
    c.nonce = S("n-0S6_WzA2Mj");
    c.azp = S(CLIENT);
    c.name = S("Jane Doe");
    c.given_name = S("Jane");
    c.family_name = S("Doe");
    c.email = S("jane.doe@example.com");
    c.has_email_verified = true;
    c.email_verified = true;
    c.picture = S("https://example.com/jane.jpg");
    c.locale = S("en-US");
    return c;
}

/* The policies of verify_access and verify_id (no nonce), for the _with functions. */
static ct_access_policy access_policy(void) {
    ct_access_policy p;
    memset(&p, 0, sizeof p);
    p.issuer = S(ISS);
    p.audience = S(AUD);
    return p;
}

static ct_id_policy id_policy(void) {
    ct_id_policy p;
    memset(&p, 0, sizeof p);
    p.issuer = S(ISS);
    p.client_id = S(CLIENT);
    return p;
}

/* A token issued into out (cap bytes), NUL-terminated for the string functions the tests
 * use on it (the library does not terminate it); returns its length (0 on failure,
 * reported). */
static size_t terminated(ct_result rc, char *out, size_t cap, size_t n) {
    CHECK_CODE(rc, CT_OK);
    if (rc != CT_OK || n >= cap) {
        out[0] = '\0';
        return 0;
    }
    out[n] = '\0';
    return n;
}

static size_t issue_access(ct_key *key, ct_profile p, ct_registry *r, char *out, size_t cap) {
    ct_access_claims c = access_claims();
    size_t n = 0;
    ct_result rc = ct_access_issue(key, p, r, &c, (uint8_t *)out, cap, &n);
    return terminated(rc, out, cap, n);
}

static size_t issue_id(ct_key *key, ct_profile p, ct_registry *r, char *out, size_t cap) {
    ct_id_claims c = id_claims();
    size_t n = 0;
    ct_result rc = ct_id_issue(key, p, r, &c, (uint8_t *)out, cap, &n);
    return terminated(rc, out, cap, n);
}

static uint8_t scratch[16384];

static ct_result verify_access_at(ct_key *key, ct_profile p, ct_registry *r, const char *t,
                                  size_t n, uint64_t now) {
    ct_access_claims out;
    return ct_access_verify(key, p, r, (const uint8_t *)t, n, S(ISS), S(AUD), now, scratch,
                            sizeof scratch, &out);
}

static ct_result verify_access(ct_key *key, ct_profile p, const char *t, size_t n) {
    return verify_access_at(key, p, p == CT_PROFILE_COMPACT ? reg : NULL, t, n, NOW + 10);
}

static ct_result verify_id(ct_key *key, ct_profile p, const char *t, size_t n) {
    ct_id_claims out;
    return ct_id_verify(key, p, p == CT_PROFILE_COMPACT ? reg : NULL, (const uint8_t *)t, n,
                        S(ISS), S(CLIENT), S("n-0S6_WzA2Mj"), NONE, NOW + 10, scratch,
                        sizeof scratch, &out);
}

/* base64url without padding */
static size_t b64url(const char *in, size_t n, char *out) {
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0, i;
    for (i = 0; i + 2 < n; i += 3) {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
        out[o++] = A[v >> 18 & 63]; out[o++] = A[v >> 12 & 63];
        out[o++] = A[v >> 6 & 63]; out[o++] = A[v & 63];
    }
    if (n - i == 1) {
        unsigned v = (unsigned char)in[i] << 16;
        out[o++] = A[v >> 18 & 63]; out[o++] = A[v >> 12 & 63];
    } else if (n - i == 2) {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
        out[o++] = A[v >> 18 & 63]; out[o++] = A[v >> 12 & 63]; out[o++] = A[v >> 6 & 63];
    }
    out[o] = 0;
    return o;
}

/* Replaces the header of `token` by base64url(header); keeps payload and signature. */
static size_t with_header(const char *token, size_t n, const char *header, char *out) {
    const char *dot = memchr(token, '.', n);
    size_t h = b64url(header, strlen(header), out);
    size_t rest = n - (size_t)(dot - token);
    memcpy(out + h, dot, rest);
    out[h + rest] = 0;
    return h + rest;
}

static void test_roundtrips(void) {
    char tok[4096], tok2[4096];
    size_t n;
    ct_access_claims a;
    ct_id_claims id;
    ct_profile profiles[2] = {CT_PROFILE_JWT, CT_PROFILE_COMPACT};
    ct_key *signers[2] = {ed, hs};
    ct_key *verifiers[2] = {ed_pub, hs};
    for (int p = 0; p < 2; p++) {
        for (int k = 0; k < 2; k++) {
            ct_registry *r = profiles[p] == CT_PROFILE_COMPACT ? reg : NULL;
            n = issue_access(signers[k], profiles[p], r, tok, sizeof tok);
            CHECK(n > 0);
            memset(&a, 0, sizeof a);
            CHECK_CODE(ct_access_verify(verifiers[k], profiles[p], r, (uint8_t *)tok, n, S(ISS),
                                        S(AUD), NOW + 10, scratch, sizeof scratch, &a),
                       CT_OK);
            CHECK(eq(a.iss, ISS) && eq(a.sub, "user-8f14e45f") && eq(a.client_id, CLIENT));
            CHECK(a.aud_len == 1 && eq(a.aud[0], AUD));
            CHECK(eq(a.scope, "read:orders write:orders") && eq(a.jti, "b1c2d3e4f5a6b7c8"));
            CHECK(a.iat == NOW && a.exp == NOW + 300 && !a.has_nbf && !a.has_auth_time);
            CHECK(a.acr.ptr == NULL && a.amr_len == 0);
            /* claims only, no scratch */
            CHECK_CODE(ct_access_verify(verifiers[k], profiles[p], r, (uint8_t *)tok, n, S(ISS),
                                        S(AUD), NOW + 10, NULL, 0, NULL),
                       CT_OK);

            n = issue_id(signers[k], profiles[p], r, tok2, sizeof tok2);
            CHECK(n > 0);
            memset(&id, 0, sizeof id);
            CHECK_CODE(ct_id_verify(verifiers[k], profiles[p], r, (uint8_t *)tok2, n, S(ISS),
                                    S(CLIENT), S("n-0S6_WzA2Mj"), NONE, NOW + 10, scratch,
                                    sizeof scratch, &id),
                       CT_OK);
            CHECK(eq(id.sub, "user-8f14e45f") && eq(id.name, "Jane Doe") && eq(id.email, "jane.doe@example.com"));
            CHECK(id.has_email_verified && id.email_verified && eq(id.locale, "en-US"));
            CHECK(eq(id.nonce, "n-0S6_WzA2Mj") && eq(id.azp, CLIENT) && id.has_auth_time && id.auth_time == NOW - 10);
            CHECK(id.middle_name.ptr == NULL && !id.has_phone_number_verified && !id.has_updated_at);
            /* no nonce expectation */
            CHECK_CODE(ct_id_verify(verifiers[k], profiles[p], r, (uint8_t *)tok2, n, S(ISS),
                                    S(CLIENT), NONE, NONE, NOW + 10, NULL, 0, NULL),
                       CT_OK);
        }
    }
    /* compact with the registry is smaller than jwt (194 B here since format version 2 and
     * its 16-byte registry fingerprint; 404 B as jwt) */
    size_t jwt_len = issue_access(ed, CT_PROFILE_JWT, NULL, tok, sizeof tok);
    size_t compact_len = issue_access(ed, CT_PROFILE_COMPACT, reg, tok, sizeof tok);
    printf("access token EdDSA: jwt %zu B, compact+registry %zu B\n", jwt_len, compact_len);
    CHECK(compact_len > 0 && compact_len <= 200 && compact_len < jwt_len);
    /* registry values: views may point into the registry */
    CHECK_CODE(ct_access_verify(ed_pub, CT_PROFILE_COMPACT, reg, (uint8_t *)tok, compact_len,
                                S(ISS), S(AUD), NOW, scratch, sizeof scratch, &a),
               CT_OK);
    CHECK(eq(a.iss, ISS) && eq(a.aud[0], AUD));
}

static void test_attacks(void) {
    char tok[4096], idt[4096], forged[8192];
    size_t n, m, f;
    ct_access_claims out;

    /* alg none (any case), and algorithm substitution */
    n = issue_access(ed, CT_PROFILE_JWT, NULL, tok, sizeof tok);
    const char *nones[] = {"{\"alg\":\"none\",\"typ\":\"at+jwt\"}", "{\"alg\":\"NONE\",\"typ\":\"at+jwt\"}"};
    for (int i = 0; i < 2; i++) {
        f = with_header(tok, n, nones[i], forged);
        f = (size_t)(strrchr(forged, '.') - forged) + 1; /* empty signature */
        CHECK_CODE(verify_access(ed_pub, CT_PROFILE_JWT, forged, f), CT_ALGORITHM_MISMATCH);
        CHECK_CODE(verify_access(hs, CT_PROFILE_JWT, forged, f), CT_ALGORITHM_MISMATCH);
    }
    CHECK_CODE(verify_access(hs, CT_PROFILE_JWT, tok, n), CT_ALGORITHM_MISMATCH);
    m = issue_access(hs, CT_PROFILE_JWT, NULL, idt, sizeof idt);
    CHECK_CODE(verify_access(ed_pub, CT_PROFILE_JWT, idt, m), CT_ALGORITHM_MISMATCH);
    m = issue_access(hs, CT_PROFILE_COMPACT, reg, idt, sizeof idt);
    CHECK_CODE(verify_access(ed_pub, CT_PROFILE_COMPACT, idt, m), CT_ALGORITHM_MISMATCH);

    /* header key injection and crit */
    const char *bad_headers[] = {
        "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"crit\":[\"exp\"]}",
        "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"jku\":\"https://attacker.example/jwks\"}",
        "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AAAA\"}}",
        "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"x5u\":\"https://attacker.example/c\"}",
    };
    for (int i = 0; i < 4; i++) {
        f = with_header(tok, n, bad_headers[i], forged);
        CHECK_CODE(verify_access(ed_pub, CT_PROFILE_JWT, forged, f), CT_UNSUPPORTED_HEADER);
    }

    /* kind confusion, both ways, both profiles */
    for (int p = 0; p < 2; p++) {
        ct_profile prof = p ? CT_PROFILE_COMPACT : CT_PROFILE_JWT;
        ct_registry *r = p ? reg : NULL;
        n = issue_access(ed, prof, r, tok, sizeof tok);
        m = issue_id(ed, prof, r, idt, sizeof idt);
        CHECK_CODE(verify_access(ed_pub, prof, idt, m), CT_WRONG_KIND);
        CHECK_CODE(verify_id(ed_pub, prof, tok, n), CT_WRONG_KIND);
        /* profile confusion */
        CHECK_CODE(verify_access(ed_pub, p ? CT_PROFILE_JWT : CT_PROFILE_COMPACT, tok, n),
                   CT_WRONG_PROFILE);
    }

    /* a tampered byte in the payload, a truncated token */
    n = issue_access(ed, CT_PROFILE_JWT, NULL, tok, sizeof tok);
    char *payload = strchr(tok, '.') + 1;
    char saved = payload[10];
    payload[10] = saved == 'A' ? 'B' : 'A';
    CHECK_CODE(verify_access(ed_pub, CT_PROFILE_JWT, tok, n), CT_BAD_SIGNATURE);
    payload[10] = saved;
    CHECK_CODE(verify_access(ed_pub, CT_PROFILE_JWT, tok, n), CT_OK);
    size_t sig_start = (size_t)(strrchr(tok, '.') - tok) + 1;
    CHECK_CODE(verify_access(ed_pub, CT_PROFILE_JWT, tok, sig_start + 40), CT_BAD_SIGNATURE);
    CHECK_CODE(verify_access(ed_pub, CT_PROFILE_JWT, tok, sig_start), CT_BAD_SIGNATURE);
    CHECK_CODE(verify_access(ed_pub, CT_PROFILE_JWT, tok, sig_start - 1), CT_MALFORMED);
    CHECK_CODE(verify_access(ed_pub, CT_PROFILE_JWT, tok, 0), CT_MALFORMED);
    /* the same for compact */
    n = issue_access(hs, CT_PROFILE_COMPACT, reg, tok, sizeof tok);
    payload = strchr(tok, '.') + 1;
    saved = payload[3];
    payload[3] = saved == 'A' ? 'B' : 'A';
    CHECK_CODE(verify_access(hs, CT_PROFILE_COMPACT, tok, n), CT_BAD_SIGNATURE);
    payload[3] = saved;
    /* one character short: a 31-byte MAC, still canonical base64url */
    CHECK_CODE(verify_access(hs, CT_PROFILE_COMPACT, tok, n - 1), CT_BAD_SIGNATURE);
    CHECK_CODE(verify_access(hs, CT_PROFILE_COMPACT, tok, n - 2), CT_BASE64);

    /* over budget: issuing, and verifying a long token */
    {
        static char big[2000];
        memset(big, 'x', sizeof big - 1);
        ct_access_claims c = access_claims();
        c.sub = S(big);
        size_t w = 12345;
        CHECK_CODE(ct_access_issue(ed, CT_PROFILE_JWT, NULL, &c, (uint8_t *)forged, sizeof forged, &w),
                   CT_OVER_BUDGET);
        CHECK(w == 12345);
        memset(forged, 'A', 1500);
        forged[500] = '.';
        forged[1000] = '.';
        CHECK_CODE(verify_access(ed_pub, CT_PROFILE_JWT, forged, 1500), CT_OVER_BUDGET);
    }

    /* time and policy */
    n = issue_access(ed, CT_PROFILE_JWT, NULL, tok, sizeof tok);
    CHECK_CODE(verify_access_at(ed_pub, CT_PROFILE_JWT, NULL, tok, n, NOW + 300 + 31), CT_EXPIRED);
    CHECK_CODE(verify_access_at(ed_pub, CT_PROFILE_JWT, NULL, tok, n, NOW - 31), CT_ISSUED_IN_FUTURE);
    CHECK_CODE(ct_access_verify(ed_pub, CT_PROFILE_JWT, NULL, (uint8_t *)tok, n, S("https://evil.example"),
                                S(AUD), NOW, scratch, sizeof scratch, &out),
               CT_WRONG_ISSUER);
    CHECK_CODE(ct_access_verify(ed_pub, CT_PROFILE_JWT, NULL, (uint8_t *)tok, n, S(ISS),
                                S("https://other.example"), NOW, scratch, sizeof scratch, &out),
               CT_WRONG_AUDIENCE);
    m = issue_id(ed, CT_PROFILE_JWT, NULL, idt, sizeof idt);
    CHECK_CODE(ct_id_verify(ed_pub, CT_PROFILE_JWT, NULL, (uint8_t *)idt, m, S(ISS), S(CLIENT),
                            S("another-nonce"), NONE, NOW, scratch, sizeof scratch, NULL),
               CT_WRONG_NONCE);
    CHECK_CODE(ct_id_verify(ed_pub, CT_PROFILE_JWT, NULL, (uint8_t *)idt, m, S(ISS), S(CLIENT),
                            NONE, S("not-the-access-token"), NOW, scratch, sizeof scratch, NULL),
               CT_ACCESS_TOKEN_HASH_MISMATCH);
    {
        ct_access_claims c = access_claims();
        size_t w = 777;
        c.exp = NOW + 3600;
        CHECK_CODE(ct_access_issue(ed, CT_PROFILE_JWT, NULL, &c, (uint8_t *)forged, sizeof forged, &w),
                   CT_LIFETIME_TOO_LONG);
        CHECK(w == 777);
    }

    /* non-UTF-8 token and claim */
    memcpy(forged, tok, n);
    forged[5] = (char)0xff;
    CHECK_CODE(verify_access(ed_pub, CT_PROFILE_JWT, forged, n), CT_ERR_INVALID_UTF8);
    {
        ct_access_claims c = access_claims();
        size_t w = 0;
        c.sub = S("\xc3\x28");
        CHECK_CODE(ct_access_issue(ed, CT_PROFILE_JWT, NULL, &c, (uint8_t *)forged, sizeof forged, &w),
                   CT_ERR_INVALID_UTF8);
    }

    /* registry mismatch */
    {
        ct_registry *other = NULL;
        ct_str vals[2] = {S(AUD), S(ISS)};
        CHECK_CODE(ct_registry_new(vals, 2, &other), CT_OK);
        n = issue_access(ed, CT_PROFILE_COMPACT, reg, tok, sizeof tok);
        CHECK_CODE(verify_access_at(ed_pub, CT_PROFILE_COMPACT, other, tok, n, NOW), CT_REGISTRY_MISMATCH);
        ct_registry_free(other);
    }

    /* key id */
    {
        ct_key *k1 = NULL, *k2 = NULL;
        uint8_t seed[32], pub[32];
        memset(seed, 9, sizeof seed);
        CHECK_CODE(ct_key_new_ed25519_seed(seed, CT_KEY_USE_ACCESS, &k1), CT_OK);
        CHECK_CODE(ct_key_set_kid(k1, (const uint8_t *)"k1", 2), CT_OK);
        CHECK_CODE(ct_key_ed25519_public_bytes(k1, pub), CT_OK);
        CHECK_CODE(ct_key_new_ed25519_public(pub, CT_KEY_USE_ACCESS, &k2), CT_OK);
        CHECK_CODE(ct_key_set_kid(k2, (const uint8_t *)"k2", 2), CT_OK);
        n = issue_access(k1, CT_PROFILE_JWT, NULL, tok, sizeof tok);
        CHECK_CODE(verify_access(k2, CT_PROFILE_JWT, tok, n), CT_KEY_ID_MISMATCH);
        CHECK_CODE(ct_key_set_kid(k2, (const uint8_t *)"k1", 2), CT_OK);
        CHECK_CODE(verify_access(k2, CT_PROFILE_JWT, tok, n), CT_OK);
        CHECK_CODE(verify_access(k1, CT_PROFILE_JWT, tok, n), CT_OK);
        CHECK_CODE(ct_key_set_kid(k2, (const uint8_t *)"", 0), CT_INVALID_KEY);
        /* the compact header carries the kid as it is: one JSON must escape issues no
         * compact token (the key unchanged), while jwt tokens take it */
        ct_access_claims c = access_claims();
        size_t w = 0;
        CHECK_CODE(ct_key_set_kid(k1, (const uint8_t *)"k\"1", 3), CT_OK);
        CHECK_CODE(ct_access_issue(k1, CT_PROFILE_COMPACT, NULL, &c, (uint8_t *)tok, sizeof tok, &w),
                   CT_INVALID_KEY);
        CHECK_CODE(ct_access_issue(k1, CT_PROFILE_JWT, NULL, &c, (uint8_t *)tok, sizeof tok, &w),
                   CT_OK);
        /* a verify-only key cannot sign */
        CHECK_CODE(ct_access_issue(k2, CT_PROFILE_JWT, NULL, &c, (uint8_t *)tok, sizeof tok, &w),
                   CT_ERR_KEY_CANNOT_SIGN);
        ct_key_free(k1);
        ct_key_free(k2);
    }
}

static void test_abi_contract(void) {
    char tok[4096];
    size_t n, w;
    ct_access_claims c = access_claims();
    ct_id_claims ic = id_claims();
    ct_key *k = NULL;
    ct_registry *r = NULL;
    uint8_t seed[32] = {0};

    /* buffer too small: the exact length needed, nothing else written */
    n = issue_access(ed, CT_PROFILE_JWT, NULL, tok, sizeof tok);
    memset(tok, '#', sizeof tok);
    w = 0;
    CHECK_CODE(ct_access_issue(ed, CT_PROFILE_JWT, NULL, &c, (uint8_t *)tok, 10, &w), CT_BUFFER_TOO_SMALL);
    CHECK(w == n);
    CHECK(tok[0] == '#' && tok[9] == '#');
    w = 0;
    CHECK_CODE(ct_access_issue(ed, CT_PROFILE_JWT, NULL, &c, (uint8_t *)tok, n - 1, &w), CT_BUFFER_TOO_SMALL);
    CHECK(w == n);
    CHECK_CODE(ct_access_issue(ed, CT_PROFILE_JWT, NULL, &c, (uint8_t *)tok, n, &w), CT_OK);
    CHECK(w == n);
    w = 0;
    CHECK_CODE(ct_id_issue(ed, CT_PROFILE_COMPACT, reg, &ic, (uint8_t *)tok, 16, &w), CT_BUFFER_TOO_SMALL);
    CHECK(w > 16);
    /* scratch too small when verifying */
    n = issue_access(ed, CT_PROFILE_JWT, NULL, tok, sizeof tok);
    {
        ct_access_claims out;
        uint8_t small[8];
        CHECK_CODE(ct_access_verify(ed_pub, CT_PROFILE_JWT, NULL, (uint8_t *)tok, n, S(ISS), S(AUD), NOW,
                                    small, sizeof small, &out),
                   CT_BUFFER_TOO_SMALL);
        /* claims wanted but no scratch */
        CHECK_CODE(ct_access_verify(ed_pub, CT_PROFILE_JWT, NULL, (uint8_t *)tok, n, S(ISS), S(AUD), NOW,
                                    NULL, 0, &out),
                   CT_ERR_NULL_POINTER);
    }

    /* NULL pointers, outputs untouched */
    w = 4242;
    CHECK_CODE(ct_access_issue(NULL, CT_PROFILE_JWT, NULL, &c, (uint8_t *)tok, sizeof tok, &w), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_access_issue(ed, CT_PROFILE_JWT, NULL, NULL, (uint8_t *)tok, sizeof tok, &w), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_access_issue(ed, CT_PROFILE_JWT, NULL, &c, NULL, sizeof tok, &w), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_access_issue(ed, CT_PROFILE_JWT, NULL, &c, (uint8_t *)tok, sizeof tok, NULL), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_id_issue(ed, CT_PROFILE_JWT, NULL, NULL, (uint8_t *)tok, sizeof tok, &w), CT_ERR_NULL_POINTER);
    CHECK(w == 4242);
    c.iss = NONE;
    CHECK_CODE(ct_access_issue(ed, CT_PROFILE_JWT, NULL, &c, (uint8_t *)tok, sizeof tok, &w), CT_ERR_NULL_POINTER);
    c = access_claims();
    c.aud[0] = NONE;
    CHECK_CODE(ct_access_issue(ed, CT_PROFILE_JWT, NULL, &c, (uint8_t *)tok, sizeof tok, &w), CT_ERR_NULL_POINTER);
    CHECK(w == 4242);
    c = access_claims();
    CHECK_CODE(ct_access_verify(NULL, CT_PROFILE_JWT, NULL, (uint8_t *)tok, n, S(ISS), S(AUD), NOW, NULL, 0, NULL),
               CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_access_verify(ed_pub, CT_PROFILE_JWT, NULL, NULL, n, S(ISS), S(AUD), NOW, NULL, 0, NULL),
               CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_access_verify(ed_pub, CT_PROFILE_JWT, NULL, (uint8_t *)tok, n, NONE, S(AUD), NOW, NULL, 0, NULL),
               CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_id_verify(NULL, CT_PROFILE_JWT, NULL, (uint8_t *)tok, n, S(ISS), S(CLIENT), NONE, NONE, NOW,
                            NULL, 0, NULL),
               CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_new_ed25519_seed(NULL, CT_KEY_USE_ACCESS, &k), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_new_ed25519_seed(seed, CT_KEY_USE_ACCESS, NULL), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_new_ed25519_public(NULL, CT_KEY_USE_ACCESS, &k), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_new_hs256(NULL, 32, CT_KEY_USE_ACCESS, &k), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_set_kid(NULL, (const uint8_t *)"a", 1), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_set_kid(ed, NULL, 1), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_ed25519_public_bytes(NULL, seed), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_registry_new(NULL, 1, &r), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_registry_new(NULL, 0, NULL), CT_ERR_NULL_POINTER);
    CHECK(k == NULL && r == NULL);
    ct_key_free(NULL);
    ct_registry_free(NULL);

    /* arguments out of range, keys */
    CHECK_CODE(ct_access_issue(ed, 7, NULL, &c, (uint8_t *)tok, sizeof tok, &w), CT_ERR_INVALID_ARGUMENT);
    CHECK_CODE(ct_key_new_ed25519_seed(seed, 0, &k), CT_ERR_INVALID_ARGUMENT);
    CHECK_CODE(ct_key_new_hs256(seed, 16, CT_KEY_USE_ACCESS, &k), CT_INVALID_KEY);
    memset(seed, 0, sizeof seed); /* the identity point: a weak key */
    seed[0] = 1;
    CHECK_CODE(ct_key_new_ed25519_public(seed, CT_KEY_USE_ACCESS, &k), CT_INVALID_KEY);
    CHECK(k == NULL);
    c.aud_len = CT_MAX_AUDIENCES + 1;
    CHECK_CODE(ct_access_issue(ed, CT_PROFILE_JWT, NULL, &c, (uint8_t *)tok, sizeof tok, &w), CT_TOO_MANY_VALUES);
    c = access_claims();
    CHECK_CODE(ct_id_issue(ed_access_only, CT_PROFILE_JWT, NULL, &ic, (uint8_t *)tok, sizeof tok, &w),
               CT_KEY_USE_MISMATCH);
    {
        ct_str dup[2] = {S(ISS), S(ISS)};
        CHECK_CODE(ct_registry_new(dup, 2, &r), CT_INVALID_POLICY);
        CHECK(r == NULL);
        CHECK_CODE(ct_registry_new(NULL, 0, &r), CT_OK);
        ct_registry_free(r);
    }

    /* messages */
    CHECK(strcmp(ct_error_message(CT_OK), "ok") == 0);
    CHECK(strcmp(ct_error_message(CT_BAD_SIGNATURE), "bad signature") == 0);
    CHECK(strcmp(ct_error_message(CT_ERR_NULL_POINTER), "null pointer argument") == 0);
    CHECK(strcmp(ct_error_message(9999), "unknown result code") == 0);
    for (ct_result code = 0; code < 200; code++) CHECK(ct_error_message(code) != NULL);
}

/* Audit issue 10: the budget is checked before any work, a caller's length is never an
 * allocation size, and a scratch buffer may not alias the inputs. */
static void test_lengths_and_aliasing(void) {
    char tok[4096], tok2[4096];
    size_t n, w;
    ct_access_claims c = access_claims(), out;
    ct_id_claims ic = id_claims();

    /* Over budget: refused before the UTF-8 scan and before any allocation, so 2 MiB of
     * non-UTF-8 bytes are CT_OVER_BUDGET (not CT_ERR_INVALID_UTF8), with or without
     * scratch, in both profiles, for both kinds; the budget is the kind's. */
    {
        size_t big_len = (size_t)2 << 20;
        uint8_t *big = malloc(big_len);
        CHECK(big != NULL);
        if (big != NULL) {
            memset(big, 0xff, big_len);
            CHECK_CODE(ct_access_verify(ed_pub, CT_PROFILE_JWT, NULL, big, big_len, S(ISS), S(AUD), NOW,
                                        NULL, 0, NULL),
                       CT_OVER_BUDGET);
            CHECK_CODE(ct_access_verify(ed_pub, CT_PROFILE_COMPACT, reg, big, big_len, S(ISS), S(AUD), NOW,
                                        scratch, sizeof scratch, &out),
                       CT_OVER_BUDGET);
            CHECK_CODE(ct_id_verify(hs, CT_PROFILE_COMPACT, reg, big, big_len, S(ISS), S(CLIENT), NONE, NONE,
                                    NOW, NULL, 0, NULL),
                       CT_OVER_BUDGET);
            CHECK_CODE(ct_access_verify(ed_pub, CT_PROFILE_JWT, NULL, big, 1025, S(ISS), S(AUD), NOW, NULL, 0,
                                        NULL),
                       CT_OVER_BUDGET);
            CHECK_CODE(ct_id_verify(ed_pub, CT_PROFILE_JWT, NULL, big, 1025, S(ISS), S(CLIENT), NONE, NONE, NOW,
                                    NULL, 0, NULL),
                       CT_ERR_INVALID_UTF8);
            CHECK_CODE(ct_id_verify(ed_pub, CT_PROFILE_JWT, NULL, big, 4097, S(ISS), S(CLIENT), NONE, NONE, NOW,
                                    NULL, 0, NULL),
                       CT_OVER_BUDGET);
            free(big);
        }
    }

    /* out_len is a capacity, never an allocation size: SIZE_MAX (or anything past
     * PTRDIFF_MAX) means "large enough"; exactly the token is written. */
    {
        size_t caps[2] = {SIZE_MAX, SIZE_MAX / 2 + 1};
        for (int i = 0; i < 2; i++) {
            n = issue_access(ed, CT_PROFILE_JWT, NULL, tok, sizeof tok);
            memset(tok2, '#', sizeof tok2);
            w = 0;
            CHECK_CODE(ct_access_issue(ed, CT_PROFILE_JWT, NULL, &c, (uint8_t *)tok2, caps[i], &w), CT_OK);
            CHECK(w == n && memcmp(tok, tok2, n) == 0 && tok2[n] == '#');
            n = issue_id(hs, CT_PROFILE_COMPACT, reg, tok, sizeof tok);
            memset(tok2, '#', sizeof tok2);
            w = 0;
            CHECK_CODE(ct_id_issue(hs, CT_PROFILE_COMPACT, reg, &ic, (uint8_t *)tok2, caps[i], &w), CT_OK);
            CHECK(w == n && memcmp(tok, tok2, n) == 0 && tok2[n] == '#');
        }
        /* a token over budget is still over budget, not "buffer too small" */
        static char long_sub[2000];
        memset(long_sub, 'x', sizeof long_sub - 1);
        ct_access_claims big = access_claims();
        big.sub = S(long_sub);
        w = 4242;
        CHECK_CODE(ct_access_issue(ed, CT_PROFILE_JWT, NULL, &big, (uint8_t *)tok2, SIZE_MAX, &w),
                   CT_OVER_BUDGET);
        CHECK(w == 4242);
    }

    /* The scratch buffer may not overlap the token, an expected value or the claims
     * output: CT_ERR_INVALID_ARGUMENT, nothing written, the caller's values intact. */
    {
        static uint8_t shared[8192];
        size_t iss_len = strlen(ISS);
        n = issue_access(ed, CT_PROFILE_JWT, NULL, tok, sizeof tok);
        memset(shared, 0, sizeof shared);
        memcpy(shared, ISS, iss_len);
        ct_str iss_in = {shared, iss_len};
        memset(&out, 0, sizeof out);
        CHECK_CODE(ct_access_verify(ed_pub, CT_PROFILE_JWT, NULL, (uint8_t *)tok, n, iss_in, S(AUD), NOW,
                                    shared, sizeof shared, &out),
                   CT_ERR_INVALID_ARGUMENT);
        CHECK(memcmp(shared, ISS, iss_len) == 0 && out.iss.ptr == NULL);
        /* one shared byte is enough: the audience's last byte is the scratch's first */
        memcpy(shared + 100, AUD, strlen(AUD));
        ct_str aud_in = {shared + 100, strlen(AUD)};
        CHECK_CODE(ct_access_verify(ed_pub, CT_PROFILE_JWT, NULL, (uint8_t *)tok, n, S(ISS), aud_in, NOW,
                                    shared + 100 + strlen(AUD) - 1, 4096, &out),
                   CT_ERR_INVALID_ARGUMENT);
        /* adjacent is not overlapping: scratch just after the audience verifies */
        CHECK_CODE(ct_access_verify(ed_pub, CT_PROFILE_JWT, NULL, (uint8_t *)tok, n, S(ISS), aud_in, NOW,
                                    shared + 100 + strlen(AUD), 4096, &out),
                   CT_OK);
        CHECK(eq(out.sub, "user-8f14e45f"));
        /* the token inside the scratch buffer, with and without a claims output */
        memcpy(shared + 4096, tok, n);
        CHECK_CODE(ct_access_verify(ed_pub, CT_PROFILE_JWT, NULL, shared + 4096, n, S(ISS), S(AUD), NOW,
                                    shared, sizeof shared, &out),
                   CT_ERR_INVALID_ARGUMENT);
        CHECK_CODE(ct_access_verify(ed_pub, CT_PROFILE_JWT, NULL, shared + 4096, n, S(ISS), S(AUD), NOW,
                                    shared, sizeof shared, NULL),
                   CT_ERR_INVALID_ARGUMENT);
        CHECK(memcmp(shared + 4096, tok, n) == 0);
        /* the claims output inside the scratch buffer */
        {
            static struct {
                ct_access_claims claims;
                uint8_t bytes[4096];
            } both;
            CHECK_CODE(ct_access_verify(ed_pub, CT_PROFILE_JWT, NULL, (uint8_t *)tok, n, S(ISS), S(AUD), NOW,
                                        (uint8_t *)&both, sizeof both, &both.claims),
                       CT_ERR_INVALID_ARGUMENT);
        }
        /* ID tokens: the nonce and the access token are inputs too */
        n = issue_id(ed, CT_PROFILE_COMPACT, reg, tok, sizeof tok);
        memcpy(shared, "n-0S6_WzA2Mj", 12);
        ct_str nonce_in = {shared, 12};
        CHECK_CODE(ct_id_verify(ed_pub, CT_PROFILE_COMPACT, reg, (uint8_t *)tok, n, S(ISS), S(CLIENT), nonce_in,
                                NONE, NOW, shared, sizeof shared, NULL),
                   CT_ERR_INVALID_ARGUMENT);
        ct_str at_in = {shared + 20, 10};
        CHECK_CODE(ct_id_verify(ed_pub, CT_PROFILE_COMPACT, reg, (uint8_t *)tok, n, S(ISS), S(CLIENT), NONE,
                                at_in, NOW, shared, sizeof shared, NULL),
                   CT_ERR_INVALID_ARGUMENT);
        CHECK_CODE(ct_id_verify(ed_pub, CT_PROFILE_COMPACT, reg, (uint8_t *)tok, n, S(ISS), S(CLIENT), nonce_in,
                                NONE, NOW, shared + 12, sizeof shared - 12, NULL),
                   CT_OK);
    }
}

/* Policies (required scopes, leeway, tightened limits), the scratch size reported by the
 * _with verify functions, at_hash / c_hash, peeking at the kid, version and sizes. */
static void test_policies_and_helpers(void) {
    char tok[4096], idt[4096];
    static uint8_t small[4096];
    ct_access_claims a;
    ct_id_claims id;
    size_t needed;
    for (int p = 0; p < 2; p++) {
        ct_profile prof = p ? CT_PROFILE_COMPACT : CT_PROFILE_JWT;
        ct_registry *r = p ? reg : NULL;
        size_t n = issue_access(ed, prof, r, tok, sizeof tok);
        ct_str scopes[2] = {S("read:orders"), S("write:orders")};
        ct_access_policy pol;
        memset(&pol, 0, sizeof pol);
        pol.issuer = S(ISS);
        pol.audience = S(AUD);
        pol.required_scopes = scopes;
        pol.required_scopes_len = 2;
        CHECK_CODE(ct_access_verify_with(ed_pub, prof, r, (uint8_t *)tok, n, &pol, NOW + 10,
                                         scratch, sizeof scratch, &a, NULL), CT_OK);
        ct_str missing[1] = {S("admin")};
        pol.required_scopes = missing;
        pol.required_scopes_len = 1;
        CHECK_CODE(ct_access_verify_with(ed_pub, prof, r, (uint8_t *)tok, n, &pol, NOW + 10,
                                         scratch, sizeof scratch, &a, NULL), CT_MISSING_SCOPE);
        pol.required_scopes_len = CT_MAX_REQUIRED_SCOPES + 1;
        CHECK_CODE(ct_access_verify_with(ed_pub, prof, r, (uint8_t *)tok, n, &pol, NOW + 10,
                                         scratch, sizeof scratch, &a, NULL), CT_INVALID_POLICY);
        pol.required_scopes = NULL;
        pol.required_scopes_len = 1;
        CHECK_CODE(ct_access_verify_with(ed_pub, prof, r, (uint8_t *)tok, n, &pol, NOW + 10,
                                         scratch, sizeof scratch, &a, NULL), CT_ERR_NULL_POINTER);
        pol.required_scopes_len = 0;
        /* a scope view inside the scratch buffer is refused, untouched */
        memcpy(scratch, "read:orders", 11);
        ct_str aliased[1] = {{scratch, 11}};
        pol.required_scopes = aliased;
        pol.required_scopes_len = 1;
        CHECK_CODE(ct_access_verify_with(ed_pub, prof, r, (uint8_t *)tok, n, &pol, NOW + 10,
                                         scratch, sizeof scratch, &a, NULL),
                   CT_ERR_INVALID_ARGUMENT);
        CHECK(memcmp(scratch, "read:orders", 11) == 0);
        pol.required_scopes = NULL;
        pol.required_scopes_len = 0;
        /* leeway: exp is NOW + 300 */
        pol.has_leeway = true;
        pol.leeway = 0;
        CHECK_CODE(ct_access_verify_with(ed_pub, prof, r, (uint8_t *)tok, n, &pol, NOW + 310,
                                         scratch, sizeof scratch, &a, NULL), CT_EXPIRED);
        pol.leeway = 60;
        CHECK_CODE(ct_access_verify_with(ed_pub, prof, r, (uint8_t *)tok, n, &pol, NOW + 310,
                                         scratch, sizeof scratch, &a, NULL), CT_OK);
        pol.leeway = 301;
        CHECK_CODE(ct_access_verify_with(ed_pub, prof, r, (uint8_t *)tok, n, &pol, NOW + 10,
                                         scratch, sizeof scratch, &a, NULL), CT_INVALID_POLICY);
        pol.has_leeway = false;
        /* tightened limits: budget and lifetime (300 s) */
        pol.limits.max_bytes = n - 1;
        CHECK_CODE(ct_access_verify_with(ed_pub, prof, r, (uint8_t *)tok, n, &pol, NOW + 10,
                                         scratch, sizeof scratch, &a, NULL), CT_OVER_BUDGET);
        pol.limits.max_bytes = n;
        pol.limits.max_lifetime = 299;
        CHECK_CODE(ct_access_verify_with(ed_pub, prof, r, (uint8_t *)tok, n, &pol, NOW + 10,
                                         scratch, sizeof scratch, &a, NULL),
                   CT_LIFETIME_TOO_LONG);
        pol.limits.max_lifetime = 300;
        CHECK_CODE(ct_access_verify_with(ed_pub, prof, r, (uint8_t *)tok, n, &pol, NOW + 10,
                                         scratch, sizeof scratch, &a, NULL), CT_OK);
        pol.limits.max_bytes = CT_ACCESS_MAX_BYTES + 1;
        CHECK_CODE(ct_access_verify_with(ed_pub, prof, r, (uint8_t *)tok, n, &pol, NOW + 10,
                                         scratch, sizeof scratch, &a, NULL), CT_INVALID_POLICY);
        pol.limits.max_bytes = 0;
        CHECK_CODE(ct_access_verify_with(ed_pub, prof, r, (uint8_t *)tok, n, NULL, NOW + 10,
                                         scratch, sizeof scratch, &a, NULL), CT_ERR_NULL_POINTER);
        /* scratch too small: the size needed, then success with exactly that */
        needed = 0;
        CHECK_CODE(ct_access_verify_with(ed_pub, prof, r, (uint8_t *)tok, n, &pol, NOW + 10,
                                         small, 10, &a, &needed), CT_BUFFER_TOO_SMALL);
        CHECK(needed > 10 && needed <= ct_verify_scratch_len(prof, n));
        CHECK_CODE(ct_access_verify_with(ed_pub, prof, r, (uint8_t *)tok, n, &pol, NOW + 10,
                                         small, needed, &a, &needed), CT_OK);
        CHECK(eq(a.sub, "user-8f14e45f"));

        /* issuing under tighter limits */
        ct_access_claims c = access_claims();
        ct_limits lim = {n - 1, 0};
        size_t w = 0;
        CHECK_CODE(ct_access_issue_with(ed, prof, r, &c, &lim, (uint8_t *)tok, sizeof tok, &w),
                   CT_OVER_BUDGET);
        lim.max_bytes = 0;
        lim.max_lifetime = 200;
        CHECK_CODE(ct_access_issue_with(ed, prof, r, &c, &lim, (uint8_t *)tok, sizeof tok, &w),
                   CT_LIFETIME_TOO_LONG);
        lim.max_lifetime = 601;
        CHECK_CODE(ct_access_issue_with(ed, prof, r, &c, &lim, (uint8_t *)tok, sizeof tok, &w),
                   CT_INVALID_POLICY);
        lim.max_lifetime = 300;
        lim.max_bytes = n;
        CHECK_CODE(ct_access_issue_with(ed, prof, r, &c, &lim, (uint8_t *)tok, sizeof tok, &w),
                   CT_OK);
        CHECK(w == n);

        /* at_hash: the ID token binds the access token; its policy checks it */
        uint8_t at[CT_MAX_HASH_LEN];
        size_t at_len = 0;
        CHECK_CODE(ct_at_hash(ed, (uint8_t *)tok, n, at, sizeof at, &at_len), CT_OK);
        CHECK(at_len == 43); /* EdDSA: SHA-512 */
        size_t hs_len = 0;
        CHECK_CODE(ct_at_hash(hs, (uint8_t *)tok, n, at, sizeof at, &hs_len), CT_OK);
        CHECK(hs_len == 22); /* HS256: SHA-256 */
        CHECK_CODE(ct_at_hash(ed, (uint8_t *)tok, n, at, 42, &at_len), CT_BUFFER_TOO_SMALL);
        CHECK(at_len == 43);
        CHECK_CODE(ct_at_hash(ed, (uint8_t *)tok, n, at, sizeof at, &at_len), CT_OK);
        CHECK_CODE(ct_at_hash(NULL, (uint8_t *)tok, n, at, sizeof at, &at_len),
                   CT_ERR_NULL_POINTER);
        ct_id_claims ic = id_claims();
        ic.at_hash.ptr = at;
        ic.at_hash.len = at_len;
        uint8_t ch[CT_MAX_HASH_LEN];
        size_t ch_len = 0;
        CHECK_CODE(ct_c_hash(ed, (const uint8_t *)"SplxlOBeZQQYbYS6WxSbIA", 22, ch, sizeof ch,
                             &ch_len), CT_OK);
        ic.c_hash.ptr = ch;
        ic.c_hash.len = ch_len;
        size_t m = 0;
        CHECK_CODE(ct_id_issue_with(ed, prof, r, &ic, NULL, (uint8_t *)idt, sizeof idt, &m),
                   CT_OK);
        ct_id_policy ip;
        memset(&ip, 0, sizeof ip);
        ip.issuer = S(ISS);
        ip.client_id = S(CLIENT);
        ip.nonce = S("n-0S6_WzA2Mj");
        ip.access_token.ptr = (const uint8_t *)tok;
        ip.access_token.len = n;
        CHECK_CODE(ct_id_verify_with(ed_pub, prof, r, (uint8_t *)idt, m, &ip, NOW + 10, scratch,
                                     sizeof scratch, &id, NULL), CT_OK);
        CHECK(id.at_hash.len == 43 && memcmp(id.at_hash.ptr, at, 43) == 0);
        CHECK(id.c_hash.len == ch_len && memcmp(id.c_hash.ptr, ch, ch_len) == 0);
        ip.access_token.len = n - 1;
        CHECK_CODE(ct_id_verify_with(ed_pub, prof, r, (uint8_t *)idt, m, &ip, NOW + 10, scratch,
                                     sizeof scratch, &id, NULL), CT_ACCESS_TOKEN_HASH_MISMATCH);
        ip.access_token.len = n;
        ip.has_leeway = true;
        ip.leeway = 0;
        CHECK_CODE(ct_id_verify_with(ed_pub, prof, r, (uint8_t *)idt, m, &ip, NOW + 610, scratch,
                                     sizeof scratch, &id, NULL), CT_EXPIRED);
        ip.has_leeway = false;
        ip.limits.max_lifetime = 599;
        CHECK_CODE(ct_id_verify_with(ed_pub, prof, r, (uint8_t *)idt, m, &ip, NOW + 10, scratch,
                                     sizeof scratch, &id, NULL), CT_LIFETIME_TOO_LONG);
        ip.limits.max_lifetime = 0;
        needed = 0;
        CHECK_CODE(ct_id_verify_with(ed_pub, prof, r, (uint8_t *)idt, m, &ip, NOW + 10, small, 10,
                                     &id, &needed), CT_BUFFER_TOO_SMALL);
        CHECK(needed > 10 && needed <= ct_verify_scratch_len(prof, m));
        CHECK_CODE(ct_id_verify_with(ed_pub, prof, r, (uint8_t *)idt, m, &ip, NOW + 10, small,
                                     needed, &id, &needed), CT_OK);
        CHECK(eq(id.name, "Jane Doe"));
    }

    /* peek at the kid */
    uint8_t kid[CT_MAX_KID_LEN];
    size_t kid_len = 99;
    bool has = true;
    ct_key *k1 = NULL;
    uint8_t seed[32];
    memset(seed, 9, sizeof seed);
    CHECK_CODE(ct_key_new_ed25519_seed(seed, CT_KEY_USE_BOTH, &k1), CT_OK);
    size_t n = issue_access(k1, CT_PROFILE_JWT, NULL, tok, sizeof tok);
    CHECK_CODE(ct_token_peek_kid((uint8_t *)tok, n, kid, sizeof kid, &kid_len, &has), CT_OK);
    CHECK(!has && kid_len == 0);
    CHECK_CODE(ct_key_set_kid(k1, (const uint8_t *)"2026-rotation-b", 15), CT_OK);
    for (int p = 0; p < 2; p++) {
        ct_profile prof = p ? CT_PROFILE_COMPACT : CT_PROFILE_JWT;
        n = issue_access(k1, prof, NULL, tok, sizeof tok);
        CHECK_CODE(ct_token_peek_kid((uint8_t *)tok, n, kid, sizeof kid, &kid_len, &has), CT_OK);
        CHECK(has && kid_len == 15 && memcmp(kid, "2026-rotation-b", 15) == 0);
        kid_len = 0;
        CHECK_CODE(ct_token_peek_kid((uint8_t *)tok, n, kid, 14, &kid_len, &has),
                   CT_BUFFER_TOO_SMALL);
        CHECK(kid_len == 15);
    }
    CHECK_CODE(ct_token_peek_kid((const uint8_t *)"e30.e30.", 8, kid, sizeof kid, &kid_len, &has),
               CT_MALFORMED_HEADER); /* {} has no alg */
    CHECK_CODE(ct_token_peek_kid((const uint8_t *)"abc", 3, kid, sizeof kid, &kid_len, &has),
               CT_MALFORMED);
    CHECK_CODE(ct_token_peek_kid((uint8_t *)tok, CT_ID_MAX_BYTES + 1, kid, sizeof kid, &kid_len,
                                 &has), CT_OVER_BUDGET);
    CHECK_CODE(ct_token_peek_kid(NULL, 0, kid, sizeof kid, &kid_len, &has), CT_ERR_NULL_POINTER);
    ct_key_free(k1);

    /* version and sizes */
    CHECK(ct_version() == CT_VERSION);
    CHECK(strcmp(ct_version_string(), "0.1.0") == 0);
    CHECK(ct_verify_scratch_len(CT_PROFILE_JWT, 100) == CT_VERIFY_SCRATCH_FACTOR * 100);
    CHECK(ct_verify_scratch_len(7, 100) == 0);
    CHECK(ct_verify_scratch_len(CT_PROFILE_COMPACT, SIZE_MAX) == SIZE_MAX);
    CHECK(strcmp(ct_error_message(CT_ERR_UNSUPPORTED), "not available in this build") == 0);
    CHECK(strcmp(ct_error_message(CT_ERR_NO_HANDLE), "no free handle") == 0);
}

/* Custom claims: issued from JSON text in both kinds and profiles, read back by name and
 * path with every typed getter, iterated, required by policies; every refusal its code. */
#define EXTRA_JSON                                                                      \
    "{\"roles\":[\"admin\",\"ops\"],\"tenant\":\"acme\",\"level\":-42,\"beta\":true,"   \
    "\"nothing\":null,\"ratio\":1.5,\"url\":\"https:\\/\\/e.com\\/\\u00e9\\ud83d\\ude00\","   \
    "\"realm_access\":{\"roles\":[\"offline_access\",\"uma\"]},"                          \
    "\"cnf\":{\"jkt\":\"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I\"}}"

static void test_custom_claims(void) {
    char tok[4096];
    static uint8_t sc[8192];
    uint8_t buf[64];
    size_t n, w;
    int64_t i64;
    bool b;
    ct_json_type t;
    ct_str json;
    ct_str roles[1] = {S("roles")};
    ct_str tenant[1] = {S("tenant")};
    ct_str realm_roles[2] = {S("realm_access"), S("roles")};
    ct_str jkt[2] = {S("cnf"), S("jkt")};
    for (int kind = 0; kind < 2; kind++) {
        for (int p = 0; p < 2; p++) {
            ct_profile prof = p ? CT_PROFILE_COMPACT : CT_PROFILE_JWT;
            ct_registry *r = p ? reg : NULL;
            ct_extras e;
            if (kind == 0) {
                ct_access_claims c = access_claims(), a;
                c.extra.json = S(EXTRA_JSON);
                CHECK_CODE(ct_access_issue(ed, prof, r, &c, (uint8_t *)tok, sizeof tok, &n), CT_OK);
                memset(&a, 0, sizeof a);
                CHECK_CODE(ct_access_verify(ed_pub, prof, r, (uint8_t *)tok, n, S(ISS), S(AUD),
                                            NOW + 10, sc, sizeof sc, &a), CT_OK);
                e = a.extra;
                CHECK(e.kind == CT_KIND_ACCESS);
                /* the typed claims are the struct's, not custom claims */
                CHECK_CODE(ct_extras_type(&e, (ct_str[]){S("iss")}, 1, &t), CT_ERR_CLAIM_NOT_FOUND);
            } else {
                ct_id_claims c = id_claims(), a;
                c.extra.json = S(EXTRA_JSON);
                CHECK_CODE(ct_id_issue(ed, prof, r, &c, (uint8_t *)tok, sizeof tok, &n), CT_OK);
                memset(&a, 0, sizeof a);
                CHECK_CODE(ct_id_verify(ed_pub, prof, r, (uint8_t *)tok, n, S(ISS), S(CLIENT),
                                        NONE, NONE, NOW + 10, sc, sizeof sc, &a), CT_OK);
                e = a.extra;
                CHECK(e.kind == CT_KIND_ID);
                CHECK_CODE(ct_extras_type(&e, (ct_str[]){S("nonce")}, 1, &t), CT_ERR_CLAIM_NOT_FOUND);
            }
            /* the view points into the scratch buffer */
            CHECK(e.json.ptr >= sc && e.json.ptr + e.json.len <= sc + sizeof sc);
            /* iteration: exactly the nine custom claims, in order, names decoded */
            CHECK_CODE(ct_extras_count(&e, &n), CT_OK);
            CHECK(n == 9);
            CHECK_CODE(ct_extras_member(&e, 0, buf, sizeof buf, &w, &json), CT_OK);
            CHECK(w == 5 && memcmp(buf, "roles", 5) == 0 && eq(json, "[\"admin\",\"ops\"]"));
            CHECK_CODE(ct_extras_member(&e, 8, buf, sizeof buf, &w, &json), CT_OK);
            CHECK(w == 3 && memcmp(buf, "cnf", 3) == 0);
            w = 99;
            CHECK_CODE(ct_extras_member(&e, 9, buf, sizeof buf, &w, &json), CT_ERR_CLAIM_NOT_FOUND);
            CHECK(w == 99);
            CHECK_CODE(ct_extras_member(&e, 7, buf, 3, &w, &json), CT_BUFFER_TOO_SMALL);
            CHECK(w == 12); /* realm_access */
            CHECK_CODE(ct_extras_member(&e, 0, NULL, 8, &w, &json), CT_ERR_NULL_POINTER);
            CHECK_CODE(ct_extras_member(&e, 0, buf, 8, NULL, &json), CT_ERR_NULL_POINTER);
            CHECK_CODE(ct_extras_member(&e, 0, buf, 8, &w, NULL), CT_ERR_NULL_POINTER);
            CHECK_CODE(ct_extras_count(NULL, &n), CT_ERR_NULL_POINTER);
            CHECK_CODE(ct_extras_count(&e, NULL), CT_ERR_NULL_POINTER);
            /* strings: decoded, exact needed length, nothing written when too small */
            CHECK_CODE(ct_extras_get_str(&e, tenant, 1, buf, sizeof buf, &w), CT_OK);
            CHECK(w == 4 && memcmp(buf, "acme", 4) == 0);
            CHECK_CODE(ct_extras_get_str(&e, (ct_str[]){S("url")}, 1, buf, sizeof buf, &w), CT_OK);
            CHECK(w == 20 && memcmp(buf, "https://e.com/\xc3\xa9\xf0\x9f\x98\x80", 20) == 0);
            memset(buf, 'x', sizeof buf);
            CHECK_CODE(ct_extras_get_str(&e, (ct_str[]){S("url")}, 1, buf, 19, &w), CT_BUFFER_TOO_SMALL);
            CHECK(w == 20 && buf[0] == 'x');
            CHECK_CODE(ct_extras_get_str(&e, jkt, 2, buf, sizeof buf, &w), CT_OK);
            CHECK(w == 43 && memcmp(buf, "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I", 43) == 0);
            w = 99;
            CHECK_CODE(ct_extras_get_str(&e, (ct_str[]){S("missing")}, 1, buf, sizeof buf, &w),
                       CT_ERR_CLAIM_NOT_FOUND);
            CHECK(w == 99);
            CHECK_CODE(ct_extras_get_str(&e, (ct_str[]){S("level")}, 1, buf, sizeof buf, &w),
                       CT_ERR_CLAIM_TYPE);
            CHECK_CODE(ct_extras_get_str(&e, (ct_str[]){S("cnf"), S("nope")}, 2, buf, sizeof buf, &w),
                       CT_ERR_CLAIM_NOT_FOUND);
            CHECK_CODE(ct_extras_get_str(&e, (ct_str[]){S("tenant"), S("x")}, 2, buf, sizeof buf, &w),
                       CT_ERR_CLAIM_NOT_FOUND);
            CHECK_CODE(ct_extras_get_str(&e, NULL, 1, buf, sizeof buf, &w), CT_ERR_NULL_POINTER);
            CHECK_CODE(ct_extras_get_str(&e, tenant, 0, buf, sizeof buf, &w), CT_ERR_INVALID_ARGUMENT);
            CHECK_CODE(ct_extras_get_str(&e, tenant, CT_MAX_CLAIM_PATH + 1, buf, sizeof buf, &w),
                       CT_ERR_INVALID_ARGUMENT);
            CHECK_CODE(ct_extras_get_str(&e, tenant, 1, NULL, 8, &w), CT_ERR_NULL_POINTER);
            CHECK_CODE(ct_extras_get_str(&e, tenant, 1, buf, 8, NULL), CT_ERR_NULL_POINTER);
            CHECK_CODE(ct_extras_get_str(NULL, tenant, 1, buf, 8, &w), CT_ERR_NULL_POINTER);
            /* an output inside the extras text is refused, the text untouched */
            CHECK_CODE(ct_extras_get_str(&e, tenant, 1, (uint8_t *)e.json.ptr, 8, &w),
                       CT_ERR_INVALID_ARGUMENT);
            CHECK(e.json.ptr[0] == '{');
            ct_str bad_utf8[1] = {{(const uint8_t *)"\xff", 1}};
            CHECK_CODE(ct_extras_get_str(&e, bad_utf8, 1, buf, sizeof buf, &w), CT_ERR_INVALID_UTF8);
            /* integers, booleans */
            i64 = 7;
            CHECK_CODE(ct_extras_get_i64(&e, (ct_str[]){S("level")}, 1, &i64), CT_OK);
            CHECK(i64 == -42);
            i64 = 7;
            CHECK_CODE(ct_extras_get_i64(&e, (ct_str[]){S("ratio")}, 1, &i64), CT_ERR_CLAIM_TYPE);
            CHECK_CODE(ct_extras_get_i64(&e, tenant, 1, &i64), CT_ERR_CLAIM_TYPE);
            CHECK(i64 == 7);
            CHECK_CODE(ct_extras_get_i64(&e, (ct_str[]){S("nope")}, 1, &i64), CT_ERR_CLAIM_NOT_FOUND);
            CHECK_CODE(ct_extras_get_i64(&e, tenant, 1, NULL), CT_ERR_NULL_POINTER);
            b = false;
            CHECK_CODE(ct_extras_get_bool(&e, (ct_str[]){S("beta")}, 1, &b), CT_OK);
            CHECK(b == true);
            CHECK_CODE(ct_extras_get_bool(&e, (ct_str[]){S("nothing")}, 1, &b), CT_ERR_CLAIM_TYPE);
            CHECK_CODE(ct_extras_get_bool(&e, (ct_str[]){S("nope")}, 1, &b), CT_ERR_CLAIM_NOT_FOUND);
            CHECK_CODE(ct_extras_get_bool(&e, tenant, 1, NULL), CT_ERR_NULL_POINTER);
            /* types */
            CHECK_CODE(ct_extras_type(&e, (ct_str[]){S("nothing")}, 1, &t), CT_OK);
            CHECK(t == CT_JSON_NULL);
            CHECK_CODE(ct_extras_type(&e, (ct_str[]){S("realm_access")}, 1, &t), CT_OK);
            CHECK(t == CT_JSON_OBJECT);
            CHECK_CODE(ct_extras_type(&e, realm_roles, 2, &t), CT_OK);
            CHECK(t == CT_JSON_ARRAY);
            CHECK_CODE(ct_extras_type(&e, (ct_str[]){S("ratio")}, 1, &t), CT_OK);
            CHECK(t == CT_JSON_NUMBER);
            CHECK_CODE(ct_extras_type(&e, tenant, 1, NULL), CT_ERR_NULL_POINTER);
            /* arrays, nested arrays */
            CHECK_CODE(ct_extras_array_len(&e, roles, 1, &n), CT_OK);
            CHECK(n == 2);
            CHECK_CODE(ct_extras_array_len(&e, tenant, 1, &n), CT_ERR_CLAIM_TYPE);
            CHECK_CODE(ct_extras_array_len(&e, (ct_str[]){S("nope")}, 1, &n), CT_ERR_CLAIM_NOT_FOUND);
            CHECK_CODE(ct_extras_array_len(&e, roles, 1, NULL), CT_ERR_NULL_POINTER);
            CHECK_CODE(ct_extras_array_get_str(&e, roles, 1, 1, buf, sizeof buf, &w), CT_OK);
            CHECK(w == 3 && memcmp(buf, "ops", 3) == 0);
            CHECK_CODE(ct_extras_array_get_str(&e, realm_roles, 2, 0, buf, sizeof buf, &w), CT_OK);
            CHECK(w == 14 && memcmp(buf, "offline_access", 14) == 0);
            CHECK_CODE(ct_extras_array_get_str(&e, realm_roles, 2, 0, buf, 13, &w),
                       CT_BUFFER_TOO_SMALL);
            CHECK(w == 14);
            CHECK_CODE(ct_extras_array_get_str(&e, roles, 1, 2, buf, sizeof buf, &w),
                       CT_ERR_CLAIM_NOT_FOUND);
            CHECK_CODE(ct_extras_array_get_str(&e, tenant, 1, 0, buf, sizeof buf, &w),
                       CT_ERR_CLAIM_TYPE);
            CHECK_CODE(ct_extras_array_get_str(&e, roles, 1, 0, NULL, 8, &w), CT_ERR_NULL_POINTER);
            /* raw JSON of anything, as a view into the scratch buffer */
            CHECK_CODE(ct_extras_get_json(&e, (ct_str[]){S("realm_access")}, 1, &json), CT_OK);
            CHECK(eq(json, "{\"roles\":[\"offline_access\",\"uma\"]}"));
            CHECK(json.ptr >= sc && json.ptr < sc + sizeof sc);
            CHECK_CODE(ct_extras_get_json(&e, tenant, 1, &json), CT_OK);
            CHECK(eq(json, "\"acme\""));
            CHECK_CODE(ct_extras_get_json(&e, (ct_str[]){S("nope")}, 1, &json), CT_ERR_CLAIM_NOT_FOUND);
            CHECK_CODE(ct_extras_get_json(&e, tenant, 1, NULL), CT_ERR_NULL_POINTER);
            /* a bad kind, and text the reader refuses */
            ct_extras bad = e;
            bad.kind = 3;
            CHECK_CODE(ct_extras_count(&bad, &n), CT_ERR_INVALID_ARGUMENT);
            /* policies on custom claims: index of the failed requirement reported */
            ct_claim_requirement reqs[4] = {
                {roles, 1, CT_RULE_CONTAINS, S("admin")},
                {tenant, 1, CT_RULE_EQUALS, S("acme")},
                {realm_roles, 2, CT_RULE_CONTAINS, S("uma")},
                {(ct_str[]){S("beta")}, 1, CT_RULE_IS_TRUE, NONE},
            };
            size_t failed_at = 99;
            ct_claim_requirements cr = {reqs, 4, &failed_at};
            ct_result ok, missing, mismatch, badrule, nullpath, longpath, nullvalue;
#define RUN_POLICY(out)                                                                 \
    do {                                                                                \
        if (kind == 0) {                                                                \
            ct_access_policy pol;                                                       \
            memset(&pol, 0, sizeof pol);                                                \
            pol.issuer = S(ISS);                                                        \
            pol.audience = S(AUD);                                                      \
            pol.claims = cr;                                                            \
            out = ct_access_verify_with(ed_pub, prof, r, (uint8_t *)tok, n, &pol,       \
                                        NOW + 10, sc, sizeof sc, NULL, NULL);           \
        } else {                                                                        \
            ct_id_policy pol;                                                           \
            memset(&pol, 0, sizeof pol);                                                \
            pol.issuer = S(ISS);                                                        \
            pol.client_id = S(CLIENT);                                                  \
            pol.claims = cr;                                                            \
            out = ct_id_verify_with(ed_pub, prof, r, (uint8_t *)tok, n, &pol,           \
                                    NOW + 10, sc, sizeof sc, NULL, NULL);               \
        }                                                                               \
    } while (0)
            /* the token again (the scratch buffer held it only as decoded claims) */
            if (kind == 0) {
                ct_access_claims c = access_claims();
                c.extra.json = S(EXTRA_JSON);
                CHECK_CODE(ct_access_issue(ed, prof, r, &c, (uint8_t *)tok, sizeof tok, &n), CT_OK);
            } else {
                ct_id_claims c = id_claims();
                c.extra.json = S(EXTRA_JSON);
                CHECK_CODE(ct_id_issue(ed, prof, r, &c, (uint8_t *)tok, sizeof tok, &n), CT_OK);
            }
            RUN_POLICY(ok);
            CHECK_CODE(ok, CT_OK);
            CHECK(failed_at == 99);
            reqs[2].value = S("admin");
            RUN_POLICY(mismatch);
            CHECK_CODE(mismatch, CT_REQUIRED_CLAIM_MISMATCH);
            CHECK(failed_at == 2);
            reqs[2].value = S("uma");
            reqs[3].path = (ct_str[]){S("gamma")};
            RUN_POLICY(missing);
            CHECK_CODE(missing, CT_REQUIRED_CLAIM_MISSING);
            CHECK(failed_at == 3);
            reqs[3].path = (ct_str[]){S("beta")};
            reqs[1].rule = 9;
            failed_at = 99;
            RUN_POLICY(badrule);
            CHECK_CODE(badrule, CT_INVALID_POLICY);
            CHECK(failed_at == 99);
            reqs[1].rule = CT_RULE_EQUALS;
            reqs[0].path = NULL;
            RUN_POLICY(nullpath);
            CHECK_CODE(nullpath, CT_ERR_NULL_POINTER);
            reqs[0].path = roles;
            reqs[0].path_len = CT_MAX_CLAIM_PATH + 1;
            RUN_POLICY(longpath);
            CHECK_CODE(longpath, CT_INVALID_POLICY);
            reqs[0].path_len = 1;
            reqs[0].value = NONE;
            RUN_POLICY(nullvalue);
            CHECK_CODE(nullvalue, CT_ERR_NULL_POINTER);
            reqs[0].value = S("admin");
            cr.len = CT_MAX_REQUIRED_CLAIMS + 1;
            RUN_POLICY(badrule);
            CHECK_CODE(badrule, CT_INVALID_POLICY);
            cr.len = 1;
            cr.list = NULL;
            RUN_POLICY(nullpath);
            CHECK_CODE(nullpath, CT_ERR_NULL_POINTER);
            /* the failed-index output inside the scratch buffer: refused, untouched */
            cr.list = reqs;
            cr.out_failed_index = (size_t *)(void *)(sc + 64);
            RUN_POLICY(badrule);
            CHECK_CODE(badrule, CT_ERR_INVALID_ARGUMENT);
#undef RUN_POLICY
        }
    }
    /* issue refusals, each with core's code, nothing written */
    struct { const char *json; ct_result want; } bad[] = {
        {"{\"iss\":\"x\"}", CT_CLAIM_COLLISION},
        {"{\"a\":1,\"a\":2}", CT_DUPLICATE_MEMBER},
        {"{\"a\":{\"b\":1,\"b\":2}}", CT_DUPLICATE_MEMBER},
        {"{\"a\":\"\\u0000\"}", CT_MALFORMED_CLAIMS},
        {"[1]", CT_MALFORMED_CLAIMS},
        {"{\"a\":", CT_MALFORMED_CLAIMS},
        {"{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
         CT_NESTING_TOO_DEEP},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        for (int p = 0; p < 2; p++) {
            ct_profile prof = p ? CT_PROFILE_COMPACT : CT_PROFILE_JWT;
            ct_access_claims c = access_claims();
            ct_id_claims d = id_claims();
            c.extra.json = S(bad[i].json);
            d.extra.json = S(bad[i].json);
            size_t written = 12345;
            tok[0] = 'z';
            CHECK_CODE(ct_access_issue(ed, prof, NULL, &c, (uint8_t *)tok, sizeof tok, &written),
                       bad[i].want);
            CHECK_CODE(ct_id_issue(ed, prof, NULL, &d, (uint8_t *)tok, sizeof tok, &written),
                       bad[i].want == CT_CLAIM_COLLISION ? CT_CLAIM_COLLISION : bad[i].want);
            CHECK(written == 12345 && tok[0] == 'z');
        }
    }
    {
        /* client_id is an ID token's custom claim, an access token's typed one */
        ct_access_claims c = access_claims();
        ct_id_claims d = id_claims();
        c.extra.json = S("{\"client_id\":\"x\"}");
        d.extra.json = S("{\"client_id\":\"x\"}");
        CHECK_CODE(ct_access_issue(ed, CT_PROFILE_JWT, NULL, &c, (uint8_t *)tok, sizeof tok, &n),
                   CT_CLAIM_COLLISION);
        CHECK_CODE(ct_id_issue(ed, CT_PROFILE_JWT, NULL, &d, (uint8_t *)tok, sizeof tok, &n), CT_OK);
        /* not UTF-8 */
        c.extra.json.ptr = (const uint8_t *)"{\"a\":\"\xff\"}";
        c.extra.json.len = 9;
        CHECK_CODE(ct_access_issue(ed, CT_PROFILE_JWT, NULL, &c, (uint8_t *)tok, sizeof tok, &n),
                   CT_ERR_INVALID_UTF8);
        /* over budget with custom claims */
        static char big[1200];
        memset(big, 'a', sizeof big);
        memcpy(big, "{\"pad\":\"", 8);
        memcpy(big + sizeof big - 3, "\"}", 3);
        c.extra.json = S(big);
        CHECK_CODE(ct_access_issue(ed, CT_PROFILE_JWT, NULL, &c, (uint8_t *)tok, sizeof tok, &n),
                   CT_OVER_BUDGET);
        /* a caller-built view: kind NONE reads every member; refused text gives its code */
        ct_extras mine = {S("{\"iss\":\"me\",\"n\":1}"), CT_KIND_NONE};
        CHECK_CODE(ct_extras_count(&mine, &n), CT_OK);
        CHECK(n == 2);
        mine.kind = CT_KIND_ACCESS;
        CHECK_CODE(ct_extras_count(&mine, &n), CT_OK);
        CHECK(n == 1);
        ct_extras broken = {S("{\"a\":1,\"a\":2}"), CT_KIND_NONE};
        CHECK_CODE(ct_extras_count(&broken, &n), CT_DUPLICATE_MEMBER);
        ct_extras none = {NONE, CT_KIND_NONE};
        CHECK_CODE(ct_extras_count(&none, &n), CT_OK);
        CHECK(n == 0);
        CHECK_CODE(ct_extras_get_json(&none, (ct_str[]){S("a")}, 1, &json), CT_ERR_CLAIM_NOT_FOUND);
        /* a token without custom claims has none */
        size_t m = issue_access(ed, CT_PROFILE_JWT, NULL, tok, sizeof tok);
        ct_access_claims a;
        CHECK_CODE(ct_access_verify(ed_pub, CT_PROFILE_JWT, NULL, (uint8_t *)tok, m, S(ISS), S(AUD),
                                    NOW + 10, sc, sizeof sc, &a), CT_OK);
        CHECK_CODE(ct_extras_count(&a.extra, &n), CT_OK);
        CHECK(n == 0);
        CHECK(strcmp(ct_error_message(CT_ERR_CLAIM_NOT_FOUND), "no custom claim at that path") == 0);
        CHECK(strcmp(ct_error_message(CT_ERR_CLAIM_TYPE), "custom claim of another type") == 0);
    }
}

/* Key sets from a JWK set: the token's kid picks the key (ct_*_verify_keyset). */
static size_t jwk_ed25519(ct_key *key, const char *kid, const char *extra, char *out) {
    uint8_t x[32];
    char x64[64];
    CHECK_CODE(ct_key_ed25519_public_bytes(key, x), CT_OK);
    b64url((const char *)x, sizeof x, x64);
    return (size_t)sprintf(out, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"%s\"%s}",
                           x64, kid, extra);
}

static ct_result keyset_of(const char *json, ct_keyset **out) {
    return ct_keyset_new_jwks((const uint8_t *)json, strlen(json), CT_KEY_USE_BOTH, out);
}

static void test_keysets(void) {
    uint8_t seed[32];
    ct_key *ka, *kb, *kc, *bare;
    memset(seed, 1, sizeof seed);
    CHECK_CODE(ct_key_new_ed25519_seed(seed, CT_KEY_USE_BOTH, &ka), CT_OK);
    CHECK_CODE(ct_key_new_ed25519_seed(seed, CT_KEY_USE_BOTH, &bare), CT_OK);
    CHECK_CODE(ct_key_set_kid(ka, (const uint8_t *)"a", 1), CT_OK);
    memset(seed, 2, sizeof seed);
    CHECK_CODE(ct_key_new_ed25519_seed(seed, CT_KEY_USE_BOTH, &kb), CT_OK);
    CHECK_CODE(ct_key_set_kid(kb, (const uint8_t *)"b", 1), CT_OK);
    memset(seed, 3, sizeof seed);
    CHECK_CODE(ct_key_new_ed25519_seed(seed, CT_KEY_USE_BOTH, &kc), CT_OK);
    CHECK_CODE(ct_key_set_kid(kc, (const uint8_t *)"c", 1), CT_OK);

    /* a: both kinds; b: access tokens only (token_use); an X25519 key, skipped */
    static char jwks[1024], one[512];
    size_t n = (size_t)sprintf(jwks, "{\"keys\":[");
    n += jwk_ed25519(ka, "a", "", jwks + n);
    jwks[n++] = ',';
    n += jwk_ed25519(kb, "b", ",\"token_use\":\"access\"", jwks + n);
    sprintf(jwks + n, ",{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"AAAA\"}]}");
    ct_keyset *set = NULL, *only_b = NULL;
    CHECK_CODE(keyset_of(jwks, &set), CT_OK);
    n = (size_t)sprintf(one, "{\"keys\":[");
    n += jwk_ed25519(kb, "b", ",\"token_use\":\"access\"", one + n);
    sprintf(one + n, "]}");
    CHECK_CODE(keyset_of(one, &only_b), CT_OK);
    if (set == NULL || only_b == NULL) {
        return;
    }

    ct_access_policy ap = access_policy();
    ct_id_policy ip = id_policy();
    static char tok[4096];
    static uint8_t sc[8192];
    size_t m, needed;
    ct_access_claims a;
    ct_id_claims id;
    const ct_profile profiles[2] = {CT_PROFILE_JWT, CT_PROFILE_COMPACT};
    ct_key *keys[2] = {ka, kb};
    for (int p = 0; p < 2; p++) {
        ct_registry *r = profiles[p] == CT_PROFILE_COMPACT ? reg : NULL;
        for (int k = 0; k < 2; k++) {
            /* each key's tokens verify, custom claims included */
            ct_access_claims c = access_claims();
            c.extra.json = S("{\"tenant\":\"acme\",\"roles\":[\"admin\"]}");
            CHECK_CODE(ct_access_issue(keys[k], profiles[p], r, &c, (uint8_t *)tok, sizeof tok, &m),
                       CT_OK);
            memset(&a, 0, sizeof a);
            CHECK_CODE(ct_access_verify_keyset(set, profiles[p], r, (uint8_t *)tok, m, &ap, NOW + 10,
                                               sc, sizeof sc, &a, NULL), CT_OK);
            CHECK(eq(a.sub, "user-8f14e45f") && eq(a.client_id, CLIENT) && a.aud_len == 1);
            uint8_t buf[16];
            size_t w = 0;
            CHECK_CODE(ct_extras_get_str(&a.extra, (ct_str[]){S("tenant")}, 1, buf, sizeof buf, &w),
                       CT_OK);
            CHECK(w == 4 && memcmp(buf, "acme", 4) == 0);
            /* scratch too small: the size needed, then it is enough */
            needed = 0;
            CHECK_CODE(ct_access_verify_keyset(set, profiles[p], r, (uint8_t *)tok, m, &ap, NOW + 10,
                                               sc, 16, &a, &needed), CT_BUFFER_TOO_SMALL);
            CHECK(needed > 16 && needed <= sizeof sc);
            CHECK_CODE(ct_access_verify_keyset(set, profiles[p], r, (uint8_t *)tok, m, &ap, NOW + 10,
                                               sc, needed, &a, NULL), CT_OK);
            /* an expired token: the token's own error */
            CHECK_CODE(ct_access_verify_keyset(set, profiles[p], r, (uint8_t *)tok, m, &ap, NOW + 400,
                                               sc, sizeof sc, &a, NULL), CT_EXPIRED);
            /* ID tokens: a is for both kinds; b only for access tokens in the set */
            ct_id_claims d = id_claims();
            CHECK_CODE(ct_id_issue(keys[k], profiles[p], r, &d, (uint8_t *)tok, sizeof tok, &m), CT_OK);
            CHECK_CODE(ct_id_verify_keyset(set, profiles[p], r, (uint8_t *)tok, m, &ip, NOW + 10, sc,
                                           sizeof sc, &id, NULL),
                       k == 0 ? CT_OK : CT_KEY_USE_MISMATCH);
            if (k == 0) {
                CHECK(eq(id.sub, "user-8f14e45f") && eq(id.name, "Jane Doe"));
                /* an ID token offered as an access token: as with the key itself */
                ct_result want = ct_access_verify_with(ka, profiles[p], r, (uint8_t *)tok, m, &ap,
                                                       NOW + 10, sc, sizeof sc, &a, NULL);
                CHECK(want != CT_OK);
                CHECK_CODE(ct_access_verify_keyset(set, profiles[p], r, (uint8_t *)tok, m, &ap,
                                                   NOW + 10, sc, sizeof sc, &a, NULL), want);
            }
        }
        /* a kid the set does not have */
        m = issue_access(kc, profiles[p], r, tok, sizeof tok);
        CHECK_CODE(ct_access_verify_keyset(set, profiles[p], r, (uint8_t *)tok, m, &ap, NOW + 10, sc,
                                           sizeof sc, &a, NULL), CT_ERR_UNKNOWN_KEY_ID);
        /* no kid: verified only when one key of the set is a candidate */
        m = issue_access(bare, profiles[p], r, tok, sizeof tok);
        CHECK_CODE(ct_access_verify_keyset(set, profiles[p], r, (uint8_t *)tok, m, &ap, NOW + 10, sc,
                                           sizeof sc, &a, NULL), CT_ERR_AMBIGUOUS_KEY);
        CHECK_CODE(ct_access_verify_keyset(only_b, profiles[p], r, (uint8_t *)tok, m, &ap, NOW + 10,
                                           sc, sizeof sc, &a, NULL), CT_BAD_SIGNATURE);
        m = issue_id(bare, profiles[p], r, tok, sizeof tok);
        CHECK_CODE(ct_id_verify_keyset(set, profiles[p], r, (uint8_t *)tok, m, &ip, NOW + 10, sc,
                                       sizeof sc, &id, NULL), CT_OK);
        CHECK_CODE(ct_id_verify_keyset(only_b, profiles[p], r, (uint8_t *)tok, m, &ip, NOW + 10, sc,
                                       sizeof sc, &id, NULL), CT_ERR_NO_MATCHING_KEY);
    }

    /* the ABI contract: NULLs, enums, a header that cannot be read, a token over budget */
    m = issue_access(ka, CT_PROFILE_JWT, NULL, tok, sizeof tok);
    CHECK_CODE(ct_access_verify_keyset(NULL, CT_PROFILE_JWT, NULL, (uint8_t *)tok, m, &ap, NOW + 10,
                                       sc, sizeof sc, &a, NULL), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_id_verify_keyset(NULL, CT_PROFILE_JWT, NULL, (uint8_t *)tok, m, &ip, NOW + 10, sc,
                                   sizeof sc, &id, NULL), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_access_verify_keyset(set, CT_PROFILE_JWT, NULL, NULL, m, &ap, NOW + 10, sc,
                                       sizeof sc, &a, NULL), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_access_verify_keyset(set, CT_PROFILE_JWT, NULL, (uint8_t *)tok, m, NULL, NOW + 10,
                                       sc, sizeof sc, &a, NULL), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_access_verify_keyset(set, CT_PROFILE_JWT, NULL, (uint8_t *)tok, m, &ap, NOW + 10,
                                       NULL, 0, &a, NULL), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_access_verify_keyset(set, 7, NULL, (uint8_t *)tok, m, &ap, NOW + 10, sc, sizeof sc,
                                       &a, NULL), CT_ERR_INVALID_ARGUMENT);
    /* no claims wanted: no scratch needed */
    CHECK_CODE(ct_access_verify_keyset(set, CT_PROFILE_JWT, NULL, (uint8_t *)tok, m, &ap, NOW + 10,
                                       NULL, 0, NULL, NULL), CT_OK);
    CHECK_CODE(ct_access_verify_keyset(set, CT_PROFILE_JWT, NULL, (const uint8_t *)"abc", 3, &ap,
                                       NOW + 10, sc, sizeof sc, &a, NULL), CT_MALFORMED);
    CHECK_CODE(ct_access_verify_keyset(set, CT_PROFILE_JWT, NULL, (uint8_t *)tok, 5000, &ap,
                                       NOW + 10, sc, sizeof sc, &a, NULL), CT_OVER_BUDGET);

    /* sets that are refused; outputs untouched */
    ct_keyset *bad = (ct_keyset *)sc;
    CHECK_CODE(keyset_of("{\"keys\":[]}", &bad), CT_ERR_JWKS_NO_USABLE_KEY);
    CHECK_CODE(keyset_of("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"AAAA\"}]}", &bad),
               CT_ERR_JWKS_NO_USABLE_KEY);
    /* an HS256 secret never belongs in a public set */
    CHECK_CODE(keyset_of("{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
                         "\"kid\":\"h\"}]}", &bad), CT_ERR_JWKS_PRIVATE_KEY);
    CHECK_CODE(keyset_of("not json", &bad), CT_ERR_INVALID_JWKS);
    CHECK_CODE(keyset_of("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AAAA\"}]}", &bad),
               CT_ERR_INVALID_JWKS);
    n = (size_t)sprintf(one, "{\"keys\":[");
    n += jwk_ed25519(ka, "a", "", one + n);
    one[n++] = ',';
    n += jwk_ed25519(kb, "a", "", one + n);
    sprintf(one + n, "]}");
    CHECK_CODE(keyset_of(one, &bad), CT_ERR_INVALID_JWKS);
    CHECK_CODE(ct_keyset_new_jwks((const uint8_t *)jwks, strlen(jwks), 9, &bad), CT_ERR_INVALID_ARGUMENT);
    CHECK_CODE(ct_keyset_new_jwks((const uint8_t *)"{\"keys\":[\xff]}", 12, CT_KEY_USE_BOTH, &bad),
               CT_ERR_INVALID_UTF8);
    CHECK_CODE(ct_keyset_new_jwks(NULL, 0, CT_KEY_USE_BOTH, &bad), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_keyset_new_jwks((const uint8_t *)jwks, strlen(jwks), CT_KEY_USE_BOTH, NULL),
               CT_ERR_NULL_POINTER);
    CHECK(bad == (ct_keyset *)sc);
    CHECK(strcmp(ct_error_message(CT_ERR_UNKNOWN_KEY_ID), "no key of the set has the token's kid") == 0);
    CHECK(strcmp(ct_error_message(CT_ERR_JWKS_NO_USABLE_KEY), "no usable key in the jwk set") == 0);

    ct_keyset_free(NULL);
    ct_keyset_free(set);
    ct_keyset_free(only_b);
    ct_key_free(ka);
    ct_key_free(kb);
    ct_key_free(kc);
    ct_key_free(bare);
}

/* ES256 and RSA keys: raw bytes, JWK (and PEM when the library has it) */

static ct_result key_jwk(const char *json, ct_alg alg, ct_key **out) {
    return ct_key_new_jwk((const uint8_t *)json, strlen(json), alg, CT_KEY_USE_BOTH, out);
}

/* The public JWK of key, NUL-terminated in out (cap bytes); 0 on failure (reported). */
static size_t public_jwk(ct_key *key, char *out, size_t cap) {
    size_t n = 0;
    ct_result rc = ct_key_public_jwk(key, (uint8_t *)out, cap - 1, &n);
    CHECK_CODE(rc, CT_OK);
    out[rc == CT_OK ? n : 0] = '\0';
    return rc == CT_OK ? n : 0;
}

/* Issues an access and an ID token with signer in both profiles, verifies them with
 * verifier; returns how many of the four verified. */
static int four_roundtrips(ct_key *signer, ct_key *verifier) {
    static char tok[4096];
    int ok = 0;
    for (int p = 0; p < 2; p++) {
        ct_profile prof = p ? CT_PROFILE_COMPACT : CT_PROFILE_JWT;
        ct_registry *r = p ? reg : NULL;
        size_t n = issue_access(signer, prof, r, tok, sizeof tok);
        ct_access_claims a;
        memset(&a, 0, sizeof a);
        ct_result rc = ct_access_verify(verifier, prof, r, (uint8_t *)tok, n, S(ISS), S(AUD),
                                        NOW + 10, scratch, sizeof scratch, &a);
        CHECK_CODE(rc, CT_OK);
        ok += rc == CT_OK && eq(a.sub, "user-8f14e45f");
        n = issue_id(signer, prof, r, tok, sizeof tok);
        CHECK_CODE(rc = verify_id(verifier, prof, tok, n), CT_OK);
        ok += rc == CT_OK;
    }
    return ok;
}

/* A public key asked to sign: CT_ERR_KEY_CANNOT_SIGN, nothing written. */
static void check_cannot_sign(ct_key *key) {
    uint8_t tok[CT_ACCESS_MAX_BYTES];
    size_t n = 7;
    ct_access_claims c = access_claims();
    tok[0] = 0xAA;
    CHECK_CODE(ct_access_issue(key, CT_PROFILE_JWT, NULL, &c, tok, sizeof tok, &n),
               CT_ERR_KEY_CANNOT_SIGN);
    CHECK(n == 7 && tok[0] == 0xAA);
}

static void test_es256_keys(void) {
    ct_key *es = NULL, *es_pub = NULL, *es_c = NULL, *es_jwk = NULL, *es_pub_jwk = NULL;
    ct_key *back = NULL, *k = (ct_key *)&k;
    uint8_t point[65], bad[65], compressed[33];
    static char json[2048];

    /* raw bytes: the scalar gives the OpenSSL key's point; public keys from the point */
    CHECK_CODE(ct_key_new_es256_private(EC_SCALAR, CT_KEY_USE_BOTH, &es), CT_OK);
    CHECK_CODE(ct_key_es256_public_bytes(es, point), CT_OK);
    CHECK(memcmp(point, EC_POINT, 65) == 0);
    CHECK_CODE(ct_key_new_es256_public(EC_POINT, 65, CT_KEY_USE_BOTH, &es_pub), CT_OK);
    compressed[0] = (uint8_t)(2 | (EC_POINT[64] & 1));
    memcpy(compressed + 1, EC_POINT + 1, 32);
    CHECK_CODE(ct_key_new_es256_public(compressed, 33, CT_KEY_USE_BOTH, &es_c), CT_OK);
    CHECK(ct_key_algorithm(es) == CT_ALG_ES256 && ct_key_algorithm(es_pub) == CT_ALG_ES256);
    CHECK(ct_key_algorithm(NULL) == CT_ALG_UNSPECIFIED);
    CHECK(four_roundtrips(es, es_pub) == 4);
    CHECK(four_roundtrips(es, es_c) == 4);
    CHECK(four_roundtrips(es, es) == 4);
    CHECK_CODE(ct_key_es256_public_bytes(es_c, point), CT_OK);
    CHECK(memcmp(point, EC_POINT, 65) == 0);

    /* JWK: the private one signs for the raw public key, the public one cannot sign */
    CHECK_CODE(key_jwk(EC_PRIVATE_JWK, CT_ALG_UNSPECIFIED, &es_jwk), CT_OK);
    CHECK_CODE(key_jwk(EC_PUBLIC_JWK, CT_ALG_ES256, &es_pub_jwk), CT_OK);
    CHECK(four_roundtrips(es_jwk, es_pub) == 4);
    CHECK(four_roundtrips(es, es_pub_jwk) == 4);
    static char tok[4096];
    size_t n = 0;
    check_cannot_sign(es_pub_jwk);
    /* the public JWK written reads back as the same key, kid and use included */
    CHECK_CODE(ct_key_set_kid(es, (const uint8_t *)"ec-1", 4), CT_OK);
    CHECK(public_jwk(es, json, sizeof json) > 0);
    CHECK(strstr(json, "\"kid\": \"ec-1\"") != NULL && strstr(json, "\"alg\": \"ES256\"") != NULL);
    CHECK(strstr(json, "\"d\"") == NULL);
    CHECK_CODE(key_jwk(json, CT_ALG_UNSPECIFIED, &back), CT_OK);
    CHECK(four_roundtrips(es, back) == 4);
    n = issue_access(es, CT_PROFILE_JWT, NULL, tok, sizeof tok);
    CHECK_CODE(verify_access(es_pub, CT_PROFILE_JWT, tok, n), CT_OK);
    CHECK_CODE(ct_key_set_kid(back, (const uint8_t *)"ec-2", 4), CT_OK);
    CHECK_CODE(verify_access(back, CT_PROFILE_JWT, tok, n), CT_KEY_ID_MISMATCH);
    /* a signature by another P-256 key */
    ct_key *other = NULL;
    uint8_t scalar[32];
    memcpy(scalar, EC_SCALAR, 32);
    scalar[31] ^= 1;
    CHECK_CODE(ct_key_new_es256_private(scalar, CT_KEY_USE_BOTH, &other), CT_OK);
    n = issue_access(other, CT_PROFILE_JWT, NULL, tok, sizeof tok);
    CHECK_CODE(verify_access(es_pub, CT_PROFILE_JWT, tok, n), CT_BAD_SIGNATURE);
    n = issue_access(other, CT_PROFILE_COMPACT, reg, tok, sizeof tok);
    CHECK_CODE(verify_access(es_pub, CT_PROFILE_COMPACT, tok, n), CT_BAD_SIGNATURE);

    /* invalid points and scalars, a private key where a public one belongs */
    memcpy(bad, EC_POINT, 65);
    bad[64] ^= 1; /* off the curve */
    CHECK_CODE(ct_key_new_es256_public(bad, 65, CT_KEY_USE_BOTH, &k), CT_INVALID_KEY);
    CHECK_CODE(ct_key_new_es256_public(EC_POINT, 64, CT_KEY_USE_BOTH, &k), CT_INVALID_KEY);
    CHECK_CODE(ct_key_new_es256_public(EC_POINT + 1, 64, CT_KEY_USE_BOTH, &k), CT_INVALID_KEY);
    memcpy(bad, compressed, 33);
    bad[0] = 5;
    CHECK_CODE(ct_key_new_es256_public(bad, 33, CT_KEY_USE_BOTH, &k), CT_INVALID_KEY);
    memset(bad, 0, sizeof bad); /* the identity, and zero coordinates */
    CHECK_CODE(ct_key_new_es256_public(bad, 1, CT_KEY_USE_BOTH, &k), CT_INVALID_KEY);
    bad[0] = 4;
    CHECK_CODE(ct_key_new_es256_public(bad, 65, CT_KEY_USE_BOTH, &k), CT_INVALID_KEY);
    CHECK_CODE(ct_key_new_es256_public(EC_SCALAR, 32, CT_KEY_USE_BOTH, &k), CT_INVALID_KEY);
    memset(scalar, 0, 32);
    CHECK_CODE(ct_key_new_es256_private(scalar, CT_KEY_USE_BOTH, &k), CT_INVALID_KEY);
    memset(scalar, 0xff, 32); /* above the group order */
    CHECK_CODE(ct_key_new_es256_private(scalar, CT_KEY_USE_BOTH, &k), CT_INVALID_KEY);
    CHECK(k == (ct_key *)&k);

    /* NULLs, enums, the wrong key type; outputs untouched */
    CHECK_CODE(ct_key_new_es256_private(NULL, CT_KEY_USE_BOTH, &k), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_new_es256_private(EC_SCALAR, CT_KEY_USE_BOTH, NULL), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_new_es256_private(EC_SCALAR, 9, &k), CT_ERR_INVALID_ARGUMENT);
    CHECK_CODE(ct_key_new_es256_public(NULL, 65, CT_KEY_USE_BOTH, &k), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_new_es256_public(EC_POINT, 65, CT_KEY_USE_BOTH, NULL), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_new_es256_public(EC_POINT, 65, 0, &k), CT_ERR_INVALID_ARGUMENT);
    CHECK(k == (ct_key *)&k);
    memset(point, 0xAA, sizeof point);
    CHECK_CODE(ct_key_es256_public_bytes(ed, point), CT_ERR_INVALID_ARGUMENT);
    CHECK_CODE(ct_key_es256_public_bytes(hs, point), CT_ERR_INVALID_ARGUMENT);
    CHECK_CODE(ct_key_es256_public_bytes(NULL, point), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_es256_public_bytes(es, NULL), CT_ERR_NULL_POINTER);
    CHECK(point[0] == 0xAA && point[64] == 0xAA);
    CHECK_CODE(ct_key_ed25519_public_bytes(es, point), CT_ERR_INVALID_ARGUMENT);

    /* the use a key is made with still binds */
    ct_key *access_only = NULL;
    CHECK_CODE(ct_key_new_es256_public(EC_POINT, 65, CT_KEY_USE_ACCESS, &access_only), CT_OK);
    n = issue_id(es, CT_PROFILE_JWT, NULL, tok, sizeof tok);
    CHECK_CODE(verify_id(access_only, CT_PROFILE_JWT, tok, n), CT_KEY_USE_MISMATCH);

    /* at_hash for ES256 is SHA-256 (22 characters) */
    uint8_t h[CT_MAX_HASH_LEN];
    size_t hn = 0;
    CHECK_CODE(ct_at_hash(es, (const uint8_t *)"token", 5, h, sizeof h, &hn), CT_OK);
    CHECK(hn == 22);

    ct_key_free(es);
    ct_key_free(es_pub);
    ct_key_free(es_c);
    ct_key_free(es_jwk);
    ct_key_free(es_pub_jwk);
    ct_key_free(back);
    ct_key_free(other);
    ct_key_free(access_only);
}

static void test_rsa_keys(void) {
    ct_key *rs = NULL, *ps = NULL, *rs_pub = NULL, *ps_pub = NULL, *back = NULL;
    ct_key *k = (ct_key *)&k;
    static char json[8192], tok[4096];

    /* the same RSA key material pins RS256 or PS256 as the caller says */
    CHECK_CODE(key_jwk(RSA_PRIVATE_JWK, CT_ALG_UNSPECIFIED, &k), CT_ERR_ALGORITHM_REQUIRED);
    CHECK_CODE(key_jwk(RSA_PUBLIC_JWK, CT_ALG_UNSPECIFIED, &k), CT_ERR_ALGORITHM_REQUIRED);
    CHECK_CODE(key_jwk(RSA_PRIVATE_JWK, CT_ALG_ES256, &k), CT_ERR_ALGORITHM_CONFLICT);
    CHECK_CODE(key_jwk(RSA_PUBLIC_JWK, CT_ALG_HS256, &k), CT_ERR_ALGORITHM_CONFLICT);
    CHECK_CODE(key_jwk(RSA_PRIVATE_JWK, 77, &k), CT_ERR_INVALID_ARGUMENT);
    CHECK(k == (ct_key *)&k);
    CHECK_CODE(key_jwk(RSA_PRIVATE_JWK, CT_ALG_RS256, &rs), CT_OK);
    CHECK_CODE(key_jwk(RSA_PRIVATE_JWK, CT_ALG_PS256, &ps), CT_OK);
    CHECK_CODE(key_jwk(RSA_PUBLIC_JWK, CT_ALG_RS256, &rs_pub), CT_OK);
    CHECK_CODE(key_jwk(RSA_PUBLIC_JWK, CT_ALG_PS256, &ps_pub), CT_OK);
    CHECK(ct_key_algorithm(rs) == CT_ALG_RS256 && ct_key_algorithm(rs_pub) == CT_ALG_RS256);
    CHECK(ct_key_algorithm(ps) == CT_ALG_PS256 && ct_key_algorithm(ps_pub) == CT_ALG_PS256);
    CHECK(four_roundtrips(rs, rs_pub) == 4);
    CHECK(four_roundtrips(ps, ps_pub) == 4);
    /* one key never verifies the other scheme's signature */
    size_t n = issue_access(rs, CT_PROFILE_JWT, NULL, tok, sizeof tok);
    CHECK(n > 256 && n < CT_ACCESS_MAX_BYTES);
    CHECK_CODE(verify_access(ps_pub, CT_PROFILE_JWT, tok, n), CT_ALGORITHM_MISMATCH);
    n = issue_access(ps, CT_PROFILE_COMPACT, reg, tok, sizeof tok);
    CHECK_CODE(verify_access(rs_pub, CT_PROFILE_COMPACT, tok, n), CT_ALGORITHM_MISMATCH);

    /* the JWK's own alg decides, and an explicit one must agree with it */
    char with_alg[8192];
    snprintf(with_alg, sizeof with_alg, "{\"alg\":\"PS256\",%s", RSA_PUBLIC_JWK + 1);
    CHECK_CODE(key_jwk(with_alg, CT_ALG_RS256, &k), CT_ERR_ALGORITHM_CONFLICT);
    CHECK_CODE(key_jwk(with_alg, CT_ALG_UNSPECIFIED, &back), CT_OK);
    CHECK(ct_key_algorithm(back) == CT_ALG_PS256);
    n = issue_access(ps, CT_PROFILE_JWT, NULL, tok, sizeof tok);
    CHECK_CODE(verify_access(back, CT_PROFILE_JWT, tok, n), CT_OK);
    ct_key_free(back);
    back = NULL;
    snprintf(with_alg, sizeof with_alg, "{\"alg\":\"RS512\",%s", RSA_PUBLIC_JWK + 1);
    CHECK_CODE(key_jwk(with_alg, CT_ALG_RS256, &k), CT_ERR_INVALID_JWK);
    /* the public JWK written names the algorithm and reads back without one given */
    CHECK_CODE(ct_key_set_kid(ps, (const uint8_t *)"rsa-1", 5), CT_OK);
    CHECK(public_jwk(ps, json, sizeof json) > 0);
    CHECK(strstr(json, "\"alg\": \"PS256\"") != NULL && strstr(json, "\"d\"") == NULL);
    CHECK_CODE(key_jwk(json, CT_ALG_UNSPECIFIED, &back), CT_OK);
    CHECK(ct_key_algorithm(back) == CT_ALG_PS256);
    CHECK(four_roundtrips(ps, back) == 4);
    /* a public key cannot sign; at_hash is SHA-256 */
    check_cannot_sign(rs_pub);
    uint8_t h[CT_MAX_HASH_LEN];
    size_t hn = 0;
    CHECK_CODE(ct_at_hash(rs, (const uint8_t *)"token", 5, h, sizeof h, &hn), CT_OK);
    CHECK(hn == 22);

    /* short keys, broken members, a private part that does not match */
    CHECK_CODE(key_jwk(RSA_SHORT_PUBLIC_JWK, CT_ALG_RS256, &k), CT_INVALID_KEY);
    CHECK_CODE(key_jwk("{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}", CT_ALG_RS256, &k),
               CT_INVALID_KEY);
    CHECK_CODE(key_jwk("{\"kty\":\"RSA\",\"e\":\"AQAB\"}", CT_ALG_RS256, &k), CT_ERR_INVALID_JWK);
    CHECK(k == (ct_key *)&k);

    ct_key_free(rs);
    ct_key_free(ps);
    ct_key_free(rs_pub);
    ct_key_free(ps_pub);
    ct_key_free(back);
}

static void test_key_documents(void) {
    ct_key *k = (ct_key *)&k, *ed_jwk = NULL, *hs_jwk = NULL;
    static char json[2048];
    uint8_t out[16];
    size_t n = 99;

    /* Ed25519 and oct JWKs */
    CHECK(public_jwk(ed, json, sizeof json) > 0);
    CHECK(strstr(json, "\"kty\": \"OKP\"") != NULL && strstr(json, "\"alg\": \"EdDSA\"") != NULL);
    CHECK_CODE(key_jwk(json, CT_ALG_EDDSA, &ed_jwk), CT_OK);
    CHECK(ct_key_algorithm(ed_jwk) == CT_ALG_EDDSA);
    CHECK(four_roundtrips(ed, ed_jwk) == 4);
    CHECK_CODE(key_jwk(json, CT_ALG_ES256, &k), CT_ERR_ALGORITHM_CONFLICT);
    /* the secret of hs (32 bytes of 0x42) */
    const char *oct = "{\"kty\":\"oct\",\"k\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI\"}";
    CHECK_CODE(key_jwk(oct, CT_ALG_UNSPECIFIED, &hs_jwk), CT_OK);
    CHECK(ct_key_algorithm(hs_jwk) == CT_ALG_HS256);
    CHECK(four_roundtrips(hs_jwk, hs) == 4);
    CHECK_CODE(key_jwk(oct, CT_ALG_RS256, &k), CT_ERR_ALGORITHM_CONFLICT);

    /* refusals, each with its code */
    const struct {
        const char *json;
        ct_result want;
    } bad[] = {
        {"{", CT_ERR_INVALID_JWK},
        {"[]", CT_ERR_INVALID_JWK},
        {"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\"}", CT_ERR_INVALID_JWK},
        {"{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"AAAA\"}", CT_ERR_UNSUPPORTED_KEY_TYPE},
        {"{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"AAAA\",\"y\":\"AAAA\"}", CT_ERR_UNSUPPORTED_KEY_TYPE},
        {"{\"kty\":\"XYZ\"}", CT_ERR_UNSUPPORTED_KEY_TYPE},
        {"{\"kty\":\"oct\",\"k\":\"QkJC\"}", CT_INVALID_KEY},
        {"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
         "\"y\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", CT_INVALID_KEY},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_CODE(key_jwk(bad[i].json, CT_ALG_UNSPECIFIED, &k), bad[i].want);
    }
    char mixed[1024];
    snprintf(mixed, sizeof mixed, "{\"alg\":\"RS256\",%s", EC_PUBLIC_JWK + 1);
    CHECK_CODE(key_jwk(mixed, CT_ALG_UNSPECIFIED, &k), CT_ERR_INVALID_JWK);
    snprintf(mixed, sizeof mixed, "{\"use\":\"enc\",%s", EC_PUBLIC_JWK + 1);
    CHECK_CODE(key_jwk(mixed, CT_ALG_UNSPECIFIED, &k), CT_ERR_INVALID_JWK);
    /* d of another key: the halves do not match */
    snprintf(mixed, sizeof mixed, "%.*s,\"d\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI\"}",
             (int)strlen(EC_PUBLIC_JWK) - 1, EC_PUBLIC_JWK);
    CHECK_CODE(key_jwk(mixed, CT_ALG_UNSPECIFIED, &k), CT_INVALID_KEY);
    CHECK_CODE(ct_key_new_jwk((const uint8_t *)"{\"kty\":\"\xff\"}", 12, CT_ALG_UNSPECIFIED,
                              CT_KEY_USE_BOTH, &k),
               CT_ERR_INVALID_UTF8);
    CHECK_CODE(ct_key_new_jwk(NULL, 2, CT_ALG_UNSPECIFIED, CT_KEY_USE_BOTH, &k), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_new_jwk((const uint8_t *)EC_PUBLIC_JWK, strlen(EC_PUBLIC_JWK), CT_ALG_UNSPECIFIED,
                              CT_KEY_USE_BOTH, NULL),
               CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_new_jwk((const uint8_t *)EC_PUBLIC_JWK, strlen(EC_PUBLIC_JWK), CT_ALG_UNSPECIFIED,
                              4, &k),
               CT_ERR_INVALID_ARGUMENT);
    CHECK(k == (ct_key *)&k);

    /* the public JWK: buffer too small gives the length, an HS256 key has none */
    memset(out, 0xAA, sizeof out);
    CHECK_CODE(ct_key_public_jwk(ed, out, sizeof out, &n), CT_BUFFER_TOO_SMALL);
    CHECK(n == strlen(json) && out[0] == 0xAA);
    n = 99;
    CHECK_CODE(ct_key_public_jwk(hs, out, sizeof out, &n), CT_ERR_INVALID_ARGUMENT);
    CHECK_CODE(ct_key_public_jwk(NULL, out, sizeof out, &n), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_public_jwk(ed, NULL, sizeof out, &n), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_public_jwk(ed, out, sizeof out, NULL), CT_ERR_NULL_POINTER);
    CHECK(n == 99 && out[0] == 0xAA);

    CHECK(strcmp(ct_error_message(CT_ERR_ALGORITHM_REQUIRED),
                 "rsa key needs an algorithm (rs256 or ps256)") == 0);
    CHECK(strcmp(ct_error_message(CT_ERR_INVALID_JWK), "not a valid jwk") == 0);
    ct_key_free(ed_jwk);
    ct_key_free(hs_jwk);
}

static ct_result key_pem(const char *pem, ct_alg alg, ct_key **out) {
    return ct_key_new_pem((const uint8_t *)pem, strlen(pem), alg, CT_KEY_USE_BOTH, out);
}

/* PEM: PKCS#8 and SPKI from OpenSSL, pinned as JWKs are */
static void test_pem_keys(void) {
    ct_key *es = NULL, *es_pub = NULL, *es_raw = NULL, *rs = NULL, *rs_pub = NULL, *ps_pub = NULL;
    ct_key *k = (ct_key *)&k;
    CHECK_CODE(key_pem(EC_PRIVATE_PEM, CT_ALG_UNSPECIFIED, &es), CT_OK);
    CHECK_CODE(key_pem(EC_PUBLIC_PEM, CT_ALG_ES256, &es_pub), CT_OK);
    CHECK_CODE(ct_key_new_es256_public(EC_POINT, 65, CT_KEY_USE_BOTH, &es_raw), CT_OK);
    CHECK(ct_key_algorithm(es) == CT_ALG_ES256 && ct_key_algorithm(es_pub) == CT_ALG_ES256);
    CHECK(four_roundtrips(es, es_pub) == 4);
    CHECK(four_roundtrips(es, es_raw) == 4);
    static char tok[4096];
    size_t n = 0;
    check_cannot_sign(es_pub);

    CHECK_CODE(key_pem(RSA_PRIVATE_PEM, CT_ALG_UNSPECIFIED, &k), CT_ERR_ALGORITHM_REQUIRED);
    CHECK_CODE(key_pem(RSA_PUBLIC_PEM, CT_ALG_UNSPECIFIED, &k), CT_ERR_ALGORITHM_REQUIRED);
    CHECK_CODE(key_pem(RSA_PRIVATE_PEM, CT_ALG_ES256, &k), CT_ERR_ALGORITHM_CONFLICT);
    CHECK_CODE(key_pem(EC_PRIVATE_PEM, CT_ALG_RS256, &k), CT_ERR_ALGORITHM_CONFLICT);
    CHECK_CODE(key_pem(EC_PUBLIC_PEM, CT_ALG_EDDSA, &k), CT_ERR_ALGORITHM_CONFLICT);
    CHECK_CODE(key_pem(RSA_PRIVATE_PEM, CT_ALG_RS256, &rs), CT_OK);
    CHECK_CODE(key_pem(RSA_PUBLIC_PEM, CT_ALG_RS256, &rs_pub), CT_OK);
    CHECK_CODE(key_pem(RSA_PUBLIC_PEM, CT_ALG_PS256, &ps_pub), CT_OK);
    CHECK(ct_key_algorithm(rs) == CT_ALG_RS256 && ct_key_algorithm(ps_pub) == CT_ALG_PS256);
    CHECK(four_roundtrips(rs, rs_pub) == 4);
    n = issue_access(rs, CT_PROFILE_JWT, NULL, tok, sizeof tok);
    CHECK_CODE(verify_access(ps_pub, CT_PROFILE_JWT, tok, n), CT_ALGORITHM_MISMATCH);
    CHECK_CODE(verify_access(es_pub, CT_PROFILE_JWT, tok, n), CT_ALGORITHM_MISMATCH);
    /* the PEM and the JWK of one RSA key are one key */
    ct_key *rs_jwk = NULL;
    CHECK_CODE(key_jwk(RSA_PUBLIC_JWK, CT_ALG_RS256, &rs_jwk), CT_OK);
    CHECK_CODE(verify_access(rs_jwk, CT_PROFILE_JWT, tok, n), CT_OK);

    /* refusals */
    CHECK_CODE(key_pem(RSA_SHORT_PUBLIC_PEM, CT_ALG_RS256, &k), CT_INVALID_KEY);
    CHECK_CODE(key_pem("not pem", CT_ALG_UNSPECIFIED, &k), CT_ERR_INVALID_PEM);
    CHECK_CODE(key_pem("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n",
                       CT_ALG_UNSPECIFIED, &k),
               CT_ERR_INVALID_PEM);
    char truncated[1024];
    snprintf(truncated, sizeof truncated, "%.*s\n-----END PUBLIC KEY-----\n", 60, EC_PUBLIC_PEM);
    CHECK_CODE(key_pem(truncated, CT_ALG_UNSPECIFIED, &k), CT_ERR_INVALID_PEM);
    CHECK_CODE(key_pem(EC_PUBLIC_PEM, 9, &k), CT_ERR_INVALID_ARGUMENT);
    CHECK_CODE(ct_key_new_pem((const uint8_t *)EC_PUBLIC_PEM, strlen(EC_PUBLIC_PEM),
                              CT_ALG_UNSPECIFIED, 7, &k),
               CT_ERR_INVALID_ARGUMENT);
    CHECK_CODE(ct_key_new_pem(NULL, 1, CT_ALG_UNSPECIFIED, CT_KEY_USE_BOTH, &k), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_new_pem((const uint8_t *)EC_PUBLIC_PEM, strlen(EC_PUBLIC_PEM),
                              CT_ALG_UNSPECIFIED, CT_KEY_USE_BOTH, NULL),
               CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_key_new_pem((const uint8_t *)"\xff\xfe", 2, CT_ALG_UNSPECIFIED, CT_KEY_USE_BOTH, &k),
               CT_ERR_INVALID_UTF8);
    CHECK(k == (ct_key *)&k);
    CHECK(strcmp(ct_error_message(CT_ERR_INVALID_PEM), "not a valid pem key") == 0);

    ct_key_free(es);
    ct_key_free(es_pub);
    ct_key_free(es_raw);
    ct_key_free(rs);
    ct_key_free(rs_pub);
    ct_key_free(ps_pub);
    ct_key_free(rs_jwk);
}

/* Tokens signed with one algorithm never verify with a key of another, whatever the
 * header says: ES256 vs RS256 vs HS256 vs EdDSA, and alg none. */
static void test_substitution_across_key_types(void) {
    ct_key *es = NULL, *es_pub = NULL, *rs = NULL, *rs_pub = NULL;
    static char tok[4096], forged[8192];
    CHECK_CODE(ct_key_new_es256_private(EC_SCALAR, CT_KEY_USE_BOTH, &es), CT_OK);
    CHECK_CODE(ct_key_new_es256_public(EC_POINT, 65, CT_KEY_USE_BOTH, &es_pub), CT_OK);
    CHECK_CODE(key_jwk(RSA_PRIVATE_JWK, CT_ALG_RS256, &rs), CT_OK);
    CHECK_CODE(key_jwk(RSA_PUBLIC_JWK, CT_ALG_RS256, &rs_pub), CT_OK);
    ct_key *signers[4] = {es, rs, hs, ed};
    ct_key *verifiers[4] = {es_pub, rs_pub, hs, ed_pub};
    const char *names[4] = {"ES256", "RS256", "HS256", "EdDSA"};
    for (int p = 0; p < 2; p++) {
        ct_profile prof = p ? CT_PROFILE_COMPACT : CT_PROFILE_JWT;
        for (int s = 0; s < 4; s++) {
            size_t n = issue_access(signers[s], prof, p ? reg : NULL, tok, sizeof tok);
            for (int v = 0; v < 4; v++) {
                CHECK_CODE(verify_access(verifiers[v], prof, tok, n),
                           s == v ? CT_OK : CT_ALGORITHM_MISMATCH);
            }
        }
    }
    /* a jwt header rewritten to name the verifier's algorithm: the signature is not one */
    for (int s = 0; s < 4; s++) {
        size_t n = issue_access(signers[s], CT_PROFILE_JWT, NULL, tok, sizeof tok);
        for (int v = 0; v < 4; v++) {
            if (s == v) continue;
            char header[64];
            snprintf(header, sizeof header, "{\"alg\":\"%s\",\"typ\":\"at+jwt\"}", names[v]);
            size_t f = with_header(tok, n, header, forged);
            ct_result rc = verify_access(verifiers[v], CT_PROFILE_JWT, forged, f);
            CHECK(rc == CT_BAD_SIGNATURE);
        }
        /* alg none, with and without the signature */
        size_t f = with_header(tok, n, "{\"alg\":\"none\",\"typ\":\"at+jwt\"}", forged);
        CHECK_CODE(verify_access(verifiers[s], CT_PROFILE_JWT, forged, f), CT_ALGORITHM_MISMATCH);
        f = (size_t)(strrchr(forged, '.') - forged) + 1;
        CHECK_CODE(verify_access(verifiers[s], CT_PROFILE_JWT, forged, f), CT_ALGORITHM_MISMATCH);
    }
    ct_key_free(es);
    ct_key_free(es_pub);
    ct_key_free(rs);
    ct_key_free(rs_pub);
}

/* A JWK set of an EC, an RSA and an OKP key: the token's kid picks the key. */
static void test_mixed_keyset(void) {
    ct_key *es = NULL, *rs = NULL, *edk = NULL, *liar = NULL;
    static char jwks[8192], tok[4096];
    static uint8_t sc[8192];
    uint8_t seed[32];
    memset(seed, 5, sizeof seed);
    CHECK_CODE(ct_key_new_es256_private(EC_SCALAR, CT_KEY_USE_BOTH, &es), CT_OK);
    CHECK_CODE(key_jwk(RSA_PRIVATE_JWK, CT_ALG_RS256, &rs), CT_OK);
    CHECK_CODE(ct_key_new_ed25519_seed(seed, CT_KEY_USE_BOTH, &edk), CT_OK);
    /* an RSA key claiming the EC key's kid */
    CHECK_CODE(key_jwk(RSA_PRIVATE_JWK, CT_ALG_RS256, &liar), CT_OK);
    ct_key *keys[3] = {es, rs, edk};
    const char *kids[3] = {"ec", "rsa", "ed"};
    size_t n = (size_t)sprintf(jwks, "{\"keys\":[");
    for (int i = 0; i < 3; i++) {
        CHECK_CODE(ct_key_set_kid(keys[i], (const uint8_t *)kids[i], strlen(kids[i])), CT_OK);
        if (i) jwks[n++] = ',';
        n += public_jwk(keys[i], jwks + n, sizeof jwks - n - 8);
    }
    sprintf(jwks + n, "]}");
    CHECK_CODE(ct_key_set_kid(liar, (const uint8_t *)"ec", 2), CT_OK);
    ct_keyset *set = NULL;
    CHECK_CODE(keyset_of(jwks, &set), CT_OK);
    ct_access_policy ap = access_policy();
    ct_id_policy ip = id_policy();
    ct_access_claims a;
    ct_id_claims id;
    for (int p = 0; p < 2 && set; p++) {
        ct_profile prof = p ? CT_PROFILE_COMPACT : CT_PROFILE_JWT;
        ct_registry *r = p ? reg : NULL;
        for (int i = 0; i < 3; i++) {
            size_t m = issue_access(keys[i], prof, r, tok, sizeof tok);
            memset(&a, 0, sizeof a);
            CHECK_CODE(ct_access_verify_keyset(set, prof, r, (uint8_t *)tok, m, &ap, NOW + 10, sc,
                                               sizeof sc, &a, NULL),
                       CT_OK);
            CHECK(eq(a.sub, "user-8f14e45f"));
            m = issue_id(keys[i], prof, r, tok, sizeof tok);
            CHECK_CODE(ct_id_verify_keyset(set, prof, r, (uint8_t *)tok, m, &ip, NOW + 10, sc,
                                           sizeof sc, &id, NULL),
                       CT_OK);
        }
        /* the kid names the EC key, the token is RS256: the EC key pins ES256 */
        size_t m = issue_access(liar, prof, r, tok, sizeof tok);
        CHECK_CODE(ct_access_verify_keyset(set, prof, r, (uint8_t *)tok, m, &ap, NOW + 10, sc,
                                           sizeof sc, &a, NULL),
                   CT_ALGORITHM_MISMATCH);
    }
    /* no kid: the one key of the set for the token's algorithm */
    ct_key *bare = NULL;
    CHECK_CODE(key_jwk(RSA_PRIVATE_JWK, CT_ALG_RS256, &bare), CT_OK);
    size_t m = issue_access(bare, CT_PROFILE_JWT, NULL, tok, sizeof tok);
    CHECK_CODE(ct_access_verify_keyset(set, CT_PROFILE_JWT, NULL, (uint8_t *)tok, m, &ap, NOW + 10,
                                       sc, sizeof sc, &a, NULL),
               CT_OK);
    ct_key_free(bare);
    CHECK_CODE(key_jwk(RSA_PRIVATE_JWK, CT_ALG_PS256, &bare), CT_OK);
    m = issue_access(bare, CT_PROFILE_JWT, NULL, tok, sizeof tok);
    CHECK_CODE(ct_access_verify_keyset(set, CT_PROFILE_JWT, NULL, (uint8_t *)tok, m, &ap, NOW + 10,
                                       sc, sizeof sc, &a, NULL),
               CT_ERR_NO_MATCHING_KEY);
    ct_key_free(bare);
    /* a private key in a public set, a short RSA key */
    ct_keyset *none = (ct_keyset *)&none;
    snprintf(jwks, sizeof jwks, "{\"keys\":[%s]}", EC_PRIVATE_JWK);
    CHECK_CODE(keyset_of(jwks, &none), CT_ERR_JWKS_PRIVATE_KEY);
    snprintf(jwks, sizeof jwks, "{\"keys\":[%s]}", RSA_PRIVATE_JWK);
    CHECK_CODE(keyset_of(jwks, &none), CT_ERR_JWKS_PRIVATE_KEY);
    snprintf(jwks, sizeof jwks, "{\"keys\":[%s]}", RSA_SHORT_PUBLIC_JWK);
    CHECK_CODE(keyset_of(jwks, &none), CT_INVALID_KEY);
    CHECK(none == (ct_keyset *)&none);
    ct_keyset_free(set);
    ct_key_free(es);
    ct_key_free(rs);
    ct_key_free(edk);
    ct_key_free(liar);
}

/* DPoP (RFC 9449): a bound access token verified with its proof in one call. */

#define HTU "https://api.example.com/orders"

/* A replay store of the caller's for the callback: up to 4 jtis, no heap. */
struct seen {
    char jti[4][65];
    size_t n;
    int calls;
};

static ct_result seen_check(void *ctx, const uint8_t *jti, size_t jti_len, uint64_t until,
                            uint64_t now) {
    struct seen *s = ctx;
    size_t i;
    s->calls++;
    if (jti_len > 64 || until < now) {
        return CT_ERR_INVALID_ARGUMENT; /* taken as a replay: fails closed */
    }
    for (i = 0; i < s->n; i++) {
        if (strlen(s->jti[i]) == jti_len && memcmp(s->jti[i], jti, jti_len) == 0) {
            return CT_DPOP_REPLAYED;
        }
    }
    if (s->n == 4) {
        return CT_DPOP_REPLAY_CACHE_FULL;
    }
    memcpy(s->jti[s->n], jti, jti_len);
    s->jti[s->n][jti_len] = '\0';
    s->n++;
    return CT_OK;
}

/* An access token of server bound to client's key (or unbound when client is NULL). */
static size_t issue_bound(ct_key *server, ct_key *client, ct_profile p, char *out,
                          size_t cap) {
    char json[64] = "{\"cnf\":{\"jkt\":\"";
    uint8_t jkt[CT_DPOP_JKT_LEN];
    ct_access_claims c = access_claims();
    size_t n = 0;
    if (client != NULL) {
        CHECK_CODE(ct_dpop_jkt(client, jkt), CT_OK);
        memcpy(json + 15, jkt, sizeof jkt);
        memcpy(json + 15 + sizeof jkt, "\"}}", 4);
        c.extra.json = S(json);
    }
    ct_result rc = ct_access_issue(server, p, p == CT_PROFILE_COMPACT ? reg : NULL, &c,
                                   (uint8_t *)out, cap, &n);
    return terminated(rc, out, cap, n);
}

static size_t proof_of(ct_key *client, const char *htm, const char *htu, uint64_t iat,
                       const char *jti, const char *token, const char *nonce, char *out,
                       size_t cap) {
    size_t n = 0;
    ct_result rc = ct_dpop_proof_issue(client, S(htm), S(htu), iat, S(jti),
                                       token ? S(token) : NONE, nonce ? S(nonce) : NONE,
                                       (uint8_t *)out, cap - 1, &n);
    return terminated(rc, out, cap, n);
}

static ct_dpop_request dpop_request(const char *proof, const char *htm, const char *htu) {
    ct_dpop_request r;
    memset(&r, 0, sizeof r);
    r.proof = proof ? S(proof) : NONE;
    r.htm = S(htm);
    r.htu = S(htu);
    return r;
}

static ct_result verify_dpop_at(ct_key *server, ct_profile p, const char *token,
                                const ct_dpop_request *r, uint64_t now) {
    ct_access_policy pol = access_policy();
    ct_access_claims out;
    return ct_access_verify_dpop(server, p, p == CT_PROFILE_COMPACT ? reg : NULL,
                                 (const uint8_t *)token, strlen(token), &pol, r, now, scratch,
                                 sizeof scratch, &out, NULL);
}

static void test_dpop(void) {
    uint8_t scalar[32];
    uint8_t seed[32];
    uint8_t jkt[CT_DPOP_JKT_LEN], jkt2[CT_DPOP_JKT_LEN];
    uint8_t point[65];
    ct_key *es = NULL, *es_pub = NULL, *edc = NULL, *other = NULL;
    ct_replay_cache *cache = NULL, *small = NULL;
    char token[1024], unbound[1024];
    char proof[CT_DPOP_MAX_PROOF_LEN + 1], p2[CT_DPOP_MAX_PROOF_LEN + 1];
    ct_dpop_request r;
    struct seen seen;
    int pi;
    memset(scalar, 9, sizeof scalar);
    memset(seed, 3, sizeof seed);
    CHECK_CODE(ct_key_new_es256_private(scalar, CT_KEY_USE_BOTH, &es), CT_OK);
    CHECK_CODE(ct_key_es256_public_bytes(es, point), CT_OK);
    CHECK_CODE(ct_key_new_es256_public(point, sizeof point, CT_KEY_USE_BOTH, &es_pub), CT_OK);
    CHECK_CODE(ct_key_new_ed25519_seed(seed, CT_KEY_USE_BOTH, &edc), CT_OK);
    seed[0] = 4;
    CHECK_CODE(ct_key_new_ed25519_seed(seed, CT_KEY_USE_BOTH, &other), CT_OK);
    CHECK_CODE(ct_replay_cache_new(64, &cache), CT_OK);
    CHECK_CODE(ct_replay_cache_new(1, &small), CT_OK);
    if (es == NULL || es_pub == NULL || edc == NULL || other == NULL || cache == NULL) {
        return;
    }

    /* The thumbprint: the same for a private key and its public half; only proof keys. */
    CHECK_CODE(ct_dpop_jkt(es, jkt), CT_OK);
    CHECK_CODE(ct_dpop_jkt(es_pub, jkt2), CT_OK);
    CHECK(memcmp(jkt, jkt2, sizeof jkt) == 0);
    CHECK_CODE(ct_dpop_jkt(edc, jkt2), CT_OK);
    CHECK(memcmp(jkt, jkt2, sizeof jkt) != 0);
    CHECK_CODE(ct_dpop_jkt(hs, jkt2), CT_ERR_UNSUPPORTED_KEY_TYPE);
    CHECK_CODE(ct_dpop_jkt(NULL, jkt2), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_dpop_jkt(es, NULL), CT_ERR_NULL_POINTER);
    CHECK_CODE(ct_replay_cache_new(0, &small), CT_ERR_INVALID_ARGUMENT);
    CHECK_CODE(ct_replay_cache_new(1, NULL), CT_ERR_NULL_POINTER);
    ct_replay_cache_free(NULL);

    /* Issuing proofs: refusals, exact length on a short buffer, nothing written on error. */
    {
        size_t n = 0, need = 0;
        uint8_t small_out[16];
        memset(small_out, 0xAB, sizeof small_out);
        CHECK_CODE(ct_dpop_proof_issue(es_pub, S("GET"), S(HTU), NOW, S("jti-pub-00000001"), NONE,
                                       NONE, (uint8_t *)proof, sizeof proof, &n),
                   CT_ERR_KEY_CANNOT_SIGN);
        CHECK_CODE(ct_dpop_proof_issue(hs, S("GET"), S(HTU), NOW, S("jti-hs-000000001"), NONE,
                                       NONE, (uint8_t *)proof, sizeof proof, &n),
                   CT_ERR_UNSUPPORTED_KEY_TYPE);
        CHECK_CODE(ct_dpop_proof_issue(es, S("GET"), S("https://api.example.com/o?q=1"), NOW,
                                       S("jti-q-0000000001"), NONE, NONE, (uint8_t *)proof,
                                       sizeof proof, &n),
                   CT_DPOP_WRONG_URI);
        CHECK_CODE(ct_dpop_proof_issue(es, S("GET"), S(HTU), NOW, S(""), NONE, NONE,
                                       (uint8_t *)proof, sizeof proof, &n),
                   CT_DPOP_PROOF_MALFORMED);
        CHECK_CODE(ct_dpop_proof_issue(es, S("GET"), NONE, NOW, S("jti-null-0000001"), NONE,
                                       NONE, (uint8_t *)proof, sizeof proof, &n),
                   CT_ERR_NULL_POINTER);
        CHECK_CODE(ct_dpop_proof_issue(es, S("GET"), S(HTU), NOW, S("jti-short-000001"), NONE,
                                       NONE, small_out, sizeof small_out, &need),
                   CT_BUFFER_TOO_SMALL);
        CHECK(small_out[0] == 0xAB && small_out[15] == 0xAB);
        CHECK_CODE(ct_dpop_proof_issue(es, S("GET"), S(HTU), NOW, S("jti-short-000001"), NONE,
                                       NONE, (uint8_t *)proof, sizeof proof, &n),
                   CT_OK);
        CHECK(need == n && n > 100);
    }

    for (pi = 0; pi < 2; pi++) {
        ct_profile p = pi == 0 ? CT_PROFILE_JWT : CT_PROFILE_COMPACT;
        ct_key *client = pi == 0 ? es : edc; /* an ES256 and an EdDSA client */
        char jti[32];
        size_t tn = issue_bound(ed, client, p, token, sizeof token);
        size_t un = issue_bound(ed, NULL, p, unbound, sizeof unbound);
        CHECK(tn > 0 && un > 0);
        snprintf(jti, sizeof jti, "jti-valid-%d-000000", pi);
        CHECK(proof_of(client, "GET", HTU, NOW, jti, token, NULL, proof, sizeof proof) > 0);

        /* A bound token and a valid proof verify; the claims come back; the same proof again
         * is a replay (through the cache handle). */
        r = dpop_request(proof, "GET", HTU "?page=2");
        r.replay_cache = cache;
        {
            ct_access_policy pol = access_policy();
            ct_access_claims out;
            CHECK_CODE(ct_access_verify_dpop(ed, p, p == CT_PROFILE_COMPACT ? reg : NULL,
                                             (const uint8_t *)token, tn, &pol, &r, NOW + 1,
                                             scratch, sizeof scratch, &out, NULL),
                       CT_OK);
            CHECK(eq(out.sub, "user-8f14e45f"));
        }
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 1), CT_DPOP_REPLAYED);

        /* Each failure with its code, checked before the replay check (the cache does not
         * remember these proofs: the good one verifies after them). */
        snprintf(jti, sizeof jti, "jti-fail-%d-0000000", pi);
        CHECK(proof_of(client, "GET", HTU, NOW, jti, token, NULL, proof, sizeof proof) > 0);
        r = dpop_request(proof, "POST", HTU);
        r.replay_cache = cache;
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 1), CT_DPOP_WRONG_METHOD);
        r.htm = S("get");
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 1), CT_DPOP_WRONG_METHOD);
        r = dpop_request(proof, "GET", "https://api.example.com/order");
        r.replay_cache = cache;
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 1), CT_DPOP_WRONG_URI);
        r = dpop_request(proof, "GET", HTU);
        r.replay_cache = cache;
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 61), CT_DPOP_PROOF_STALE);
        r.has_window = true;
        r.max_age = 120;
        r.max_future = 5;
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 130), CT_DPOP_PROOF_STALE);
        r.max_age = 601;
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 1), CT_INVALID_POLICY);
        r.has_window = false;
        r.nonce = S("server-nonce-1");
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 1), CT_DPOP_NONCE_MISMATCH);
        r.nonce = NONE;
        /* The unbound token with a proof for it. */
        CHECK(proof_of(client, "GET", HTU, NOW, "jti-unbound-0001", unbound, NULL, p2, sizeof p2) >
              0);
        r.proof = S(p2);
        CHECK_CODE(verify_dpop_at(ed, p, unbound, &r, NOW + 1), CT_DPOP_TOKEN_NOT_BOUND);
        /* ath of another token. */
        CHECK(proof_of(client, "GET", HTU, NOW, "jti-ath-00000001", unbound, NULL, p2, sizeof p2) > 0);
        r.proof = S(p2);
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 1),
                   CT_DPOP_ACCESS_TOKEN_HASH_MISMATCH);
        /* Another key's proof. */
        CHECK(proof_of(other, "GET", HTU, NOW, "jti-other-000001", token, NULL, p2, sizeof p2) >
              0);
        r.proof = S(p2);
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 1), CT_DPOP_KEY_NOT_BOUND);
        /* A proof from the future; none at all; the token's own errors come first. */
        CHECK(proof_of(client, "GET", HTU, NOW + 100, "jti-future-00001", token, NULL, p2,
                       sizeof p2) > 0);
        r.proof = S(p2);
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 1), CT_DPOP_PROOF_IN_FUTURE);
        r.proof = NONE;
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 1), CT_DPOP_PROOF_MISSING);
        r.proof = S(proof);
        CHECK_CODE(verify_dpop_at(hs, p, token, &r, NOW + 1), CT_ALGORITHM_MISMATCH);
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 400), CT_EXPIRED);
        /* Not one of those was remembered: the good proof still verifies once. */
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 1), CT_OK);
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 1), CT_DPOP_REPLAYED);

        /* The callback: fresh, then a replay; a nonce required and carried. */
        memset(&seen, 0, sizeof seen);
        snprintf(jti, sizeof jti, "jti-cb-%d-000000000", pi);
        CHECK(proof_of(client, "GET", HTU, NOW, jti, token, "server-nonce-1", p2,
                       sizeof p2) > 0);
        r = dpop_request(p2, "GET", HTU);
        r.replay_check = seen_check;
        r.replay_ctx = &seen;
        r.nonce = S("server-nonce-1");
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 1), CT_OK);
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 1), CT_DPOP_REPLAYED);
        CHECK(seen.calls == 2 && seen.n == 1);
        r.proof = S(proof);
        r.nonce = NONE;
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 1), CT_OK); /* another store */
        /* A full store refuses. */
        seen.n = 4;
        CHECK(proof_of(client, "GET", HTU, NOW, "jti-full-0000001", token, NULL, p2, sizeof p2) > 0);
        r.proof = S(p2);
        CHECK_CODE(verify_dpop_at(ed, p, token, &r, NOW + 1), CT_DPOP_REPLAY_CACHE_FULL);
    }

    /* The cache handle when full refuses rather than evict. */
    {
        size_t tn = issue_bound(ed, es, CT_PROFILE_JWT, token, sizeof token);
        CHECK(tn > 0);
        CHECK(proof_of(es, "GET", HTU, NOW, "jti-small-000001", token, NULL, proof,
                       sizeof proof) > 0);
        CHECK(proof_of(es, "GET", HTU, NOW + 30, "jti-small-000002", token, NULL, p2,
                       sizeof p2) > 0);
        r = dpop_request(proof, "GET", HTU);
        r.replay_cache = small;
        r.has_window = true;
        r.max_age = 60;
        r.max_future = 60;
        CHECK_CODE(verify_dpop_at(ed, CT_PROFILE_JWT, token, &r, NOW + 1), CT_OK);
        r.proof = S(p2);
        CHECK_CODE(verify_dpop_at(ed, CT_PROFILE_JWT, token, &r, NOW + 1),
                   CT_DPOP_REPLAY_CACHE_FULL);
        /* Once the first is stale it is forgotten, and the second fits. */
        CHECK_CODE(verify_dpop_at(ed, CT_PROFILE_JWT, token, &r, NOW + 61), CT_OK);

        /* Replay arguments: none, both, unknown flags; the dangerous flag alone skips it. */
        r = dpop_request(proof, "GET", HTU);
        CHECK_CODE(verify_dpop_at(ed, CT_PROFILE_JWT, token, &r, NOW + 1),
                   CT_ERR_INVALID_ARGUMENT);
        r.replay_cache = cache;
        r.replay_check = seen_check;
        r.replay_ctx = &seen;
        CHECK_CODE(verify_dpop_at(ed, CT_PROFILE_JWT, token, &r, NOW + 1),
                   CT_ERR_INVALID_ARGUMENT);
        r.replay_check = NULL;
        r.flags = CT_DPOP_NO_REPLAY_CHECK;
        CHECK_CODE(verify_dpop_at(ed, CT_PROFILE_JWT, token, &r, NOW + 1),
                   CT_ERR_INVALID_ARGUMENT);
        r.replay_cache = NULL;
        CHECK_CODE(verify_dpop_at(ed, CT_PROFILE_JWT, token, &r, NOW + 1), CT_OK);
        CHECK_CODE(verify_dpop_at(ed, CT_PROFILE_JWT, token, &r, NOW + 1), CT_OK);
        r.flags = 2;
        CHECK_CODE(verify_dpop_at(ed, CT_PROFILE_JWT, token, &r, NOW + 1),
                   CT_ERR_INVALID_ARGUMENT);

        /* NULLs, an oversized proof, scratch over the proof, outputs untouched on error. */
        r = dpop_request(proof, "GET", HTU);
        r.replay_cache = cache;
        CHECK_CODE(verify_dpop_at(ed, CT_PROFILE_JWT, token, NULL, NOW + 1), CT_ERR_NULL_POINTER);
        r.htu = NONE;
        CHECK_CODE(verify_dpop_at(ed, CT_PROFILE_JWT, token, &r, NOW + 1), CT_ERR_NULL_POINTER);
        r.htu = S(HTU);
        {
            static char big[CT_DPOP_MAX_PROOF_LEN + 2];
            ct_access_policy pol = access_policy();
            ct_access_claims out;
            size_t needed = 777;
            memset(big, 'a', sizeof big - 1);
            r.proof = S(big);
            CHECK_CODE(verify_dpop_at(ed, CT_PROFILE_JWT, token, &r, NOW + 1),
                       CT_DPOP_PROOF_MALFORMED);
            r.proof = S(proof);
            memset(&out, 0xAB, sizeof out);
            CHECK_CODE(ct_access_verify_dpop(ed, CT_PROFILE_JWT, NULL, (const uint8_t *)token,
                                             tn, &pol, &r, NOW + 1, (uint8_t *)proof,
                                             sizeof proof, &out, &needed),
                       CT_ERR_INVALID_ARGUMENT);
            r.proof = S(p2);
            CHECK_CODE(ct_access_verify_dpop(ed, CT_PROFILE_JWT, NULL, (const uint8_t *)token,
                                             tn, &pol, &r, NOW + 100, scratch, sizeof scratch,
                                             &out, &needed),
                       CT_DPOP_PROOF_STALE);
            CHECK(((const uint8_t *)&out)[0] == 0xAB && needed == 777);
        }

        /* A proof whose jwk carries the private key: refused. The header is rewritten over a
         * valid proof's claims and signature (the key is refused before any signature). */
        {
            char jwk[512], header[700], forged[CT_DPOP_MAX_PROOF_LEN + 1];
            size_t jn = 0, fn;
            CHECK_CODE(ct_key_public_jwk(edc, (uint8_t *)jwk, sizeof jwk - 1, &jn), CT_OK);
            jwk[jn] = '\0';
            snprintf(header, sizeof header,
                     "{\"typ\":\"dpop+jwt\",\"alg\":\"EdDSA\",\"jwk\":{\"d\":"
                     "\"AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM\",%s}",
                     jwk + 1);
            fn = with_header(proof, strlen(proof), header, forged);
            r = dpop_request(forged, "GET", HTU);
            r.replay_cache = cache;
            (void)fn;
            CHECK_CODE(verify_dpop_at(ed, CT_PROFILE_JWT, token, &r, NOW + 1),
                       CT_DPOP_PRIVATE_KEY);
        }
    }

    ct_replay_cache_free(cache);
    ct_replay_cache_free(small);
    ct_key_free(es);
    ct_key_free(es_pub);
    ct_key_free(edc);
    ct_key_free(other);
}

int main(void) {
    uint8_t seed[32], secret[32], pub[32];
    memset(seed, 7, sizeof seed);
    memset(secret, 0x42, sizeof secret);
    CHECK_CODE(ct_key_new_ed25519_seed(seed, CT_KEY_USE_BOTH, &ed), CT_OK);
    CHECK_CODE(ct_key_ed25519_public_bytes(ed, pub), CT_OK);
    CHECK_CODE(ct_key_new_ed25519_public(pub, CT_KEY_USE_BOTH, &ed_pub), CT_OK);
    CHECK_CODE(ct_key_new_hs256(secret, sizeof secret, CT_KEY_USE_BOTH, &hs), CT_OK);
    CHECK_CODE(ct_key_new_ed25519_seed(seed, CT_KEY_USE_ACCESS, &ed_access_only), CT_OK);
    ct_str values[4] = {S(ISS), S(AUD), S("read:orders"), S(CLIENT)};
    CHECK_CODE(ct_registry_new(values, 4, &reg), CT_OK);
    if (failed) {
        printf("%d passed, %d failed\n", passed, failed);
        return 1;
    }

    test_roundtrips();
    test_attacks();
    test_abi_contract();
    test_lengths_and_aliasing();
    test_policies_and_helpers();
    test_custom_claims();
    test_keysets();
    test_es256_keys();
    test_rsa_keys();
    test_key_documents();
    test_pem_keys();
    test_substitution_across_key_types();
    test_mixed_keyset();
    test_dpop();

    ct_key_free(ed);
    ct_key_free(ed_pub);
    ct_key_free(hs);
    ct_key_free(ed_access_only);
    ct_registry_free(reg);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
