/* An out-of-tree program built against an installed compact_token with nothing but
 * pkg-config (ffi/tests/install/run.sh): checks it runs the library version it was
 * compiled for, then issues and verifies an access token. Exit 0 on success. */
#include <compact_token.h>
#include <stdio.h>
#include <string.h>

#define NOW 1764000000ULL

static ct_str S(const char *s) {
    ct_str v = {(const uint8_t *)s, strlen(s)};
    return v;
}

int main(void) {
    if (ct_version() != CT_VERSION || CT_VERSION_MAJOR != (CT_VERSION >> 16)) {
        fprintf(stderr, "consumer: header %u, library %u\n", (unsigned)CT_VERSION,
                (unsigned)ct_version());
        return 1;
    }
    static const uint8_t seed[32] = {7};
    ct_key *key = NULL;
    ct_result r = ct_key_new_ed25519_seed(seed, CT_KEY_USE_ACCESS, &key);
    if (r != CT_OK) return 2;

    ct_access_claims c;
    memset(&c, 0, sizeof c);
    c.iss = S("https://auth.example.com");
    c.sub = S("user-8f14e45f");
    c.aud[0] = S("https://api.example.com");
    c.aud_len = 1;
    c.client_id = S("s6BhdRkqt3");
    c.iat = NOW;
    c.exp = NOW + 300;
    c.jti = S("b1c2d3e4f5a6b7c8");

    uint8_t token[CT_ACCESS_MAX_BYTES];
    size_t len = 0;
    r = ct_access_issue(key, CT_PROFILE_COMPACT, NULL, &c, token, sizeof token, &len);
    if (r != CT_OK) return 3;

    static uint8_t scratch[CT_ACCESS_SCRATCH_BYTES];
    ct_access_claims out;
    r = ct_access_verify(key, CT_PROFILE_COMPACT, NULL, token, len, S("https://auth.example.com"),
                         S("https://api.example.com"), NOW + 10, scratch, sizeof scratch, &out);
    ct_key_free(key);
    if (r != CT_OK || out.sub.len != strlen("user-8f14e45f")) {
        fprintf(stderr, "consumer: verify gave %u (%s)\n", (unsigned)r, ct_error_message(r));
        return 4;
    }
    printf("consumer: compact_token %s: issued and verified a %zu-byte access token\n",
           ct_version_string(), len);
    return 0;
}
