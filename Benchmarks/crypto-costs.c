/* Per-operation costs of the libsodium primitives a SecAgg+ client must run, and the ChaCha20 keystream rate,
 * measured in the same process: the inputs of the "crypto floor" in Docs/benchmarks.md (issue 18, goal 3).
 * Build and run with Benchmarks/crypto-costs.sh. Prints one JSON object. */
#include <sodium.h>
#include <stdio.h>
#include <time.h>

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(void) {
    if (sodium_init() < 0) return 1;
    enum { N = 20000, STREAM = 1 << 20, STREAMS = 2000 };
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
    unsigned char message[64];
    randombytes_buf(message, sizeof message);
    crypto_sign_keypair(pk, sk);
    double t0 = seconds();
    for (int i = 0; i < N; i++) crypto_sign_detached(sig, NULL, message, sizeof message, sk);
    double sign = (seconds() - t0) / N;
    t0 = seconds();
    for (int i = 0; i < N; i++)
        if (crypto_sign_verify_detached(sig, message, sizeof message, pk) != 0) return 2;
    double verify = (seconds() - t0) / N;
    unsigned char a[32], b[32], shared[32];
    randombytes_buf(a, sizeof a);
    crypto_scalarmult_base(b, a);
    t0 = seconds();
    for (int i = 0; i < N; i++)
        if (crypto_scalarmult(shared, a, b) != 0) return 3;
    double agree = (seconds() - t0) / N;
    static unsigned char buffer[STREAM];
    unsigned char nonce[crypto_stream_chacha20_NONCEBYTES] = {0}, key[crypto_stream_chacha20_KEYBYTES] = {0};
    t0 = seconds();
    for (int i = 0; i < STREAMS; i++) crypto_stream_chacha20(buffer, sizeof buffer, nonce, key);
    double rate = (double)STREAM * STREAMS / (seconds() - t0);
    sodium_memzero(sk, sizeof sk);
    printf("{\"libsodium\": \"%s\", \"ed25519_sign_us\": %.2f, \"ed25519_verify_us\": %.2f, "
           "\"x25519_us\": %.2f, \"chacha20_bytes_per_s\": %.4g}\n",
           sodium_version_string(), sign * 1e6, verify * 1e6, agree * 1e6, rate);
    return 0;
}
