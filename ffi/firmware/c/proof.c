/* The firmware proof: with no libc, no heap and no OS, through the C ABI of the no_std
 * build (libcompact_token.a from ffi/firmware), issue an access token with an Ed25519 key
 * and an ID token with HS256 and an access token with ES256, verify them with the public
 * keys / secret, and check the refusals firmware relies on. Linked -nostdlib with
 * nostd-proof's _start (which calls ct_nostd_proof and exits with its result) and memory
 * routines. Returns 0 on success, else the number of the failed check. */
#include "compact_token.h"

#define NOW 1764000000ULL
#define LEN(s) (sizeof(s) - 1)
#define S(s) ((ct_str){(const uint8_t *)(s), LEN(s)})
#define ISS "https://auth.example.com"
#define AUD "https://api.example.com"
#define CLIENT "s6BhdRkqt3"

static uint8_t token[CT_ACCESS_MAX_BYTES];
static uint8_t id_token[CT_ID_MAX_BYTES];
static uint8_t scratch[CT_ID_SCRATCH_BYTES];

static int same(ct_str v, const char *s, size_t n) {
    if (v.ptr == NULL || v.len != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (v.ptr[i] != (uint8_t)s[i]) return 0;
    return 1;
}

/* DPoP replay check without a heap: remembers one jti (a device keeps a small ring). */
static uint8_t seen_jti[64];
static size_t seen_len;

static ct_result replay_check(void *ctx, const uint8_t *jti, size_t jti_len, uint64_t until,
                              uint64_t now) {
    (void)ctx;
    (void)until;
    (void)now;
    if (jti_len > sizeof seen_jti) return CT_DPOP_REPLAY_CACHE_FULL;
    if (jti_len == seen_len) {
        size_t i = 0;
        while (i < jti_len && seen_jti[i] == jti[i]) i++;
        if (i == jti_len) return CT_DPOP_REPLAYED;
    }
    for (size_t i = 0; i < jti_len; i++) seen_jti[i] = jti[i];
    seen_len = jti_len;
    return CT_OK;
}

int ct_nostd_proof(void) {
    static const uint8_t seed[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    static const uint8_t secret[32] = {42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42};
    uint8_t pub[32];
    ct_key *signer = NULL, *verifier = NULL, *hs = NULL;
    if (ct_version() != CT_VERSION) return 1;
    if (ct_key_new_ed25519_seed(seed, CT_KEY_USE_BOTH, &signer) != CT_OK) return 2;
    if (ct_key_ed25519_public_bytes(signer, pub) != CT_OK) return 3;
    if (ct_key_new_ed25519_public(pub, CT_KEY_USE_BOTH, &verifier) != CT_OK) return 4;
    if (ct_key_set_kid(verifier, (const uint8_t *)"k1", 2) != CT_OK) return 5;
    if (ct_key_set_kid(signer, (const uint8_t *)"k1", 2) != CT_OK) return 6;
    if (ct_key_new_hs256(secret, sizeof secret, CT_KEY_USE_ID, &hs) != CT_OK) return 7;

    ct_access_claims a = {0};
    a.iss = S(ISS);
    a.sub = S("user-8f14e45f");
    a.aud[0] = S(AUD);
    a.aud_len = 1;
    a.client_id = S(CLIENT);
    a.iat = NOW;
    a.exp = NOW + 300;
    a.jti = S("b1c2d3e4f5a6b7c8");
    a.scope = S("read:orders write:orders");
    for (ct_profile p = CT_PROFILE_JWT; p <= CT_PROFILE_COMPACT; p++) {
        size_t n = 0;
        if (ct_access_issue(signer, p, NULL, &a, token, sizeof token, &n) != CT_OK) return 10;
        ct_access_claims v;
        if (ct_access_verify(verifier, p, NULL, token, n, S(ISS), S(AUD), NOW + 10, scratch,
                             sizeof scratch, &v) != CT_OK)
            return 11;
        if (!same(v.sub, "user-8f14e45f", LEN("user-8f14e45f"))) return 12;
        token[n / 2] ^= 1;
        ct_result r = ct_access_verify(verifier, p, NULL, token, n, S(ISS), S(AUD), NOW + 10,
                                       scratch, sizeof scratch, &v);
        if (r == CT_OK) return 13;
        token[n / 2] ^= 1;
        if (ct_access_verify(verifier, p, NULL, token, n, S(ISS), S(AUD), NOW + 400, scratch,
                             sizeof scratch, &v) != CT_EXPIRED)
            return 14;
        /* no heap here: no private scratch buffer, no registry copies */
        if (ct_access_verify(verifier, p, NULL, token, n, S(ISS), S(AUD), NOW + 10, NULL, 0,
                             NULL) != CT_ERR_UNSUPPORTED)
            return 15;
    }

    ct_id_claims c = {0};
    c.iss = S(ISS);
    c.sub = S("user-8f14e45f");
    c.aud[0] = S(CLIENT);
    c.aud_len = 1;
    c.iat = NOW;
    c.exp = NOW + 600;
    c.nonce = S("n-0S6_WzA2Mj");
    c.name = S("Jane Doe");
    size_t m = 0;
    if (ct_id_issue(hs, CT_PROFILE_COMPACT, NULL, &c, id_token, sizeof id_token, &m) != CT_OK)
        return 20;
    ct_id_claims w;
    if (ct_id_verify(hs, CT_PROFILE_COMPACT, NULL, id_token, m, S(ISS), S(CLIENT),
                     S("n-0S6_WzA2Mj"), (ct_str){0, 0}, NOW + 10, scratch, sizeof scratch,
                     &w) != CT_OK)
        return 21;
    if (!same(w.name, "Jane Doe", LEN("Jane Doe"))) return 22;
    /* an ID token is never an access token */
    ct_access_claims v;
    if (ct_access_verify(hs, CT_PROFILE_COMPACT, NULL, id_token, m, S(ISS), S(CLIENT),
                         NOW + 10, scratch, sizeof scratch, &v) != CT_KEY_USE_MISMATCH)
        return 23;

    /* ES256 (P-256): a key from its scalar, the verifier from the SEC1 point it gives */
    static const uint8_t scalar[32] = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                                       7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
    uint8_t point[65];
    ct_key *es = NULL, *es_pub = NULL, *none = NULL;
    if (ct_key_new_es256_private(scalar, CT_KEY_USE_ACCESS, &es) != CT_OK) return 50;
    if (ct_key_es256_public_bytes(es, point) != CT_OK || point[0] != 4) return 51;
    if (ct_key_new_es256_public(point, sizeof point, CT_KEY_USE_ACCESS, &es_pub) != CT_OK)
        return 52;
    if (ct_key_algorithm(es_pub) != CT_ALG_ES256) return 53;
    for (ct_profile p = CT_PROFILE_JWT; p <= CT_PROFILE_COMPACT; p++) {
        size_t n = 0;
        if (ct_access_issue(es, p, NULL, &a, token, sizeof token, &n) != CT_OK) return 54;
        if (ct_access_verify(es_pub, p, NULL, token, n, S(ISS), S(AUD), NOW + 10, scratch,
                             sizeof scratch, &v) != CT_OK)
            return 55;
        if (!same(v.sub, "user-8f14e45f", LEN("user-8f14e45f"))) return 56;
        token[n - 2] ^= 1;
        if (ct_access_verify(es_pub, p, NULL, token, n, S(ISS), S(AUD), NOW + 10, scratch,
                             sizeof scratch, &v) == CT_OK)
            return 57;
        /* an EdDSA key never verifies an ES256 token */
        token[n - 2] ^= 1;
        if (ct_access_verify(verifier, p, NULL, token, n, S(ISS), S(AUD), NOW + 10, scratch,
                             sizeof scratch, &v) != CT_ALGORITHM_MISMATCH)
            return 58;
    }
    point[64] ^= 1;
    if (ct_key_new_es256_public(point, sizeof point, CT_KEY_USE_ACCESS, &none) != CT_INVALID_KEY)
        return 59;
    /* key documents need a heap: not in this build */
    if (ct_key_new_jwk((const uint8_t *)"{}", 2, CT_ALG_UNSPECIFIED, CT_KEY_USE_BOTH, &none) !=
            CT_ERR_UNSUPPORTED || none != NULL)
        return 60;
    if (ct_key_new_pem((const uint8_t *)"-", 1, CT_ALG_UNSPECIFIED, CT_KEY_USE_BOTH, &none) !=
            CT_ERR_UNSUPPORTED || none != NULL)
        return 61;
    /* DPoP: a token bound to the ES256 client key (cnf.jkt through the extras JSON), its
     * proof, verified with the callback replay check; then the same proof is a replay, and
     * the replay cache handle (heap) is not in this build. */
    {
        static uint8_t proof[CT_DPOP_MAX_PROOF_LEN];
        static char cnf[64] = "{\"cnf\":{\"jkt\":\"";
        ct_access_claims b = a;
        ct_access_policy pol = {0};
        ct_dpop_request req = {0};
        ct_replay_cache *cache = NULL;
        size_t n = 0, pn = 0;
        if (ct_dpop_jkt(es_pub, (uint8_t *)cnf + 15) != CT_OK) return 70;
        cnf[15 + CT_DPOP_JKT_LEN] = '"';
        cnf[16 + CT_DPOP_JKT_LEN] = '}';
        cnf[17 + CT_DPOP_JKT_LEN] = '}';
        b.extra.json = (ct_str){(const uint8_t *)cnf, 18 + CT_DPOP_JKT_LEN};
#ifdef CT_PROOF_NO_CUSTOM_CLAIMS
        /* built without compact-custom-claims: compact refuses custom claims; the same
         * claims still go into a jwt token, which is verified (its DPoP binding included) */
        if (ct_access_issue(signer, CT_PROFILE_COMPACT, NULL, &b, token, sizeof token, &n) !=
            CT_CUSTOM_CLAIMS_DISABLED)
            return 78;
#define PROOF_PROFILE CT_PROFILE_JWT
#else
#define PROOF_PROFILE CT_PROFILE_COMPACT
#endif
        if (ct_access_issue(signer, PROOF_PROFILE, NULL, &b, token, sizeof token, &n) != CT_OK)
            return 71;
        if (ct_dpop_proof_issue(es, S("GET"), S("https://api.example.com/orders"), NOW,
                                S("fw-jti-0000000001"), (ct_str){token, n}, (ct_str){0},
                                proof, sizeof proof, &pn) != CT_OK)
            return 72;
        pol.issuer = S(ISS);
        pol.audience = S(AUD);
        req.proof = (ct_str){proof, pn};
        req.htm = S("GET");
        req.htu = S("https://api.example.com/orders");
        req.replay_check = replay_check;
        if (ct_access_verify_dpop(verifier, PROOF_PROFILE, NULL, token, n, &pol, &req,
                                  NOW + 1, scratch, sizeof scratch, &v, NULL) != CT_OK)
            return 73;
        if (!same(v.sub, "user-8f14e45f", LEN("user-8f14e45f"))) return 74;
        if (ct_access_verify_dpop(verifier, PROOF_PROFILE, NULL, token, n, &pol, &req,
                                  NOW + 1, scratch, sizeof scratch, &v, NULL) !=
            CT_DPOP_REPLAYED)
            return 75;
        req.htm = S("POST");
        if (ct_access_verify_dpop(verifier, PROOF_PROFILE, NULL, token, n, &pol, &req,
                                  NOW + 1, scratch, sizeof scratch, &v, NULL) !=
            CT_DPOP_WRONG_METHOD)
            return 76;
        if (ct_replay_cache_new(16, &cache) != CT_ERR_UNSUPPORTED || cache != NULL) return 77;
    }
    ct_key_free(es);
    ct_key_free(es_pub);

    ct_registry *reg = NULL;
    if (ct_registry_new(NULL, 0, &reg) != CT_ERR_UNSUPPORTED || reg != NULL) return 30;

    /* the static key pool: 8 handles, then CT_ERR_NO_HANDLE until one is freed */
    ct_key *more[8] = {0};
    int made = 0;
    ct_result r = CT_OK;
    while (made < 8 && (r = ct_key_new_hs256(secret, 32, CT_KEY_USE_ID, &more[made])) == CT_OK)
        made++;
    if (r != CT_ERR_NO_HANDLE || made != 5) return 40;
    ct_key_free(more[0]);
    if (ct_key_new_hs256(secret, 32, CT_KEY_USE_ID, &more[0]) != CT_OK) return 41;
    for (int i = 0; i < made; i++) ct_key_free(more[i]);

    ct_key_free(signer);
    ct_key_free(verifier);
    ct_key_free(hs);
    return 0;
}
