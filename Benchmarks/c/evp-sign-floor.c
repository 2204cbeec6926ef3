/* The RSA-2048 floor for the signing target: EVP_DigestSign (fresh EVP_MD_CTX, SHA-256, 1 KB) with
 * the gateway key, CPU time per signature. Compare with `openssl speed rsa2048` in the same minute.
 *   cc -O2 Benchmarks/c/evp-sign-floor.c -o /tmp/evp-sign-floor -lcrypto && /tmp/evp-sign-floor Certificates/gateway.key */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <time.h>
int main(int argc, char **argv) {
    FILE *f = fopen(argv[1], "r"); EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL); fclose(f);
    unsigned char data[1024] = {0}, sig[512]; size_t len;
    struct timespec a, b; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
    int n = 2000;
    for (int i = 0; i < n; i++) { EVP_MD_CTX *c = EVP_MD_CTX_new(); EVP_DigestSignInit(c, NULL, EVP_sha256(), NULL, k); len = sizeof sig; EVP_DigestSign(c, sig, &len, data, sizeof data); EVP_MD_CTX_free(c); }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
    double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
    printf("EVP_DigestSign rsa2048: %.0f/s CPU (%.1f us each)\n", n / s, 1e6 * s / n);
}
