/* The floor that xmlsec itself sets on this machine, in plain C, for one enveloped signature:
 * parse only, exclusive C14N only, xmlsec verify only (document parsed once), parse + verify.
 * signature-bench writes its 5 KB sample when BENCH_SAMPLE=FILE is set. Build and run:
 *   cc Benchmarks/c/xmlsec-floor.c -o /tmp/xmlsec-floor $(pkg-config --cflags --libs xmlsec1-openssl)
 *   /tmp/xmlsec-floor FILE Certificates/gateway.pem
 */
#include <stdio.h>
#include <time.h>
#include <libxml/parser.h>
#include <libxml/c14n.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/evp.h>
#include <openssl/pem.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int verify(xmlDocPtr doc, xmlSecKeyPtr key) {
    xmlNodePtr node = xmlSecFindNode(xmlDocGetRootElement(doc), xmlSecNodeSignature, xmlSecDSigNs);
    xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(NULL);
    ctx->signKey = key;
    int ok = node != NULL && xmlSecDSigCtxVerify(ctx, node) >= 0 && ctx->status == xmlSecDSigStatusSucceeded;
    ctx->signKey = NULL;
    xmlSecDSigCtxDestroy(ctx);
    return ok;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s SIGNED.xml CERT.pem\n", argv[0]); return 2; }
    xmlInitParser();
    if (xmlSecInit() < 0 || xmlSecOpenSSLAppInit(NULL) < 0 || xmlSecOpenSSLInit() < 0) return 2;
    FILE *file = fopen(argv[2], "r");
    X509 *cert = file ? PEM_read_X509(file, NULL, NULL, NULL) : NULL;
    if (cert == NULL) return 2;
    xmlSecKeyPtr key = xmlSecKeyCreate();
    xmlSecKeySetValue(key, xmlSecOpenSSLEvpKeyAdopt(X509_get_pubkey(cert)));
    const int n = 2000;
    xmlDocPtr doc = xmlReadFile(argv[1], NULL, 0);
    if (doc == NULL || !verify(doc, key)) { fprintf(stderr, "sample does not verify\n"); return 1; }
    double t = now();
    for (int i = 0; i < n; i++) xmlFreeDoc(xmlReadFile(argv[1], NULL, 0));
    printf("| parse (libxml2) | %.0f |\n", n / (now() - t));
    t = now();
    for (int i = 0; i < n; i++) {
        xmlChar *out = NULL;
        xmlC14NDocDumpMemory(doc, NULL, XML_C14N_EXCLUSIVE_1_0, NULL, 0, &out);
        xmlFree(out);
    }
    printf("| exclusive C14N of the whole document (libxml2) | %.0f |\n", n / (now() - t));
    t = now();
    for (int i = 0; i < n; i++) verify(doc, key);
    printf("| xmlSecDSigCtxVerify only (shared key, parsed once) | %.0f |\n", n / (now() - t));
    t = now();
    for (int i = 0; i < n; i++) {
        xmlDocPtr d = xmlReadFile(argv[1], NULL, 0);
        verify(d, key);
        xmlFreeDoc(d);
    }
    printf("| parse + xmlSecDSigCtxVerify | %.0f |\n", n / (now() - t));
    return 0;
}
