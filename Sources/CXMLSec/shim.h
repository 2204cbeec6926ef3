#ifndef SWGATE_CXMLSEC_SHIM_H
#define SWGATE_CXMLSEC_SHIM_H

/* SwiftPM drops the -D flags that `pkg-config --cflags xmlsec1-openssl` prints, and a
 * system-library target takes no cSettings. Without them xmlsec/crypto.h fails or, worse,
 * xmlSecSize is seen as 8 bytes while the library uses 4 (silent struct-layout mismatch).
 * Every flag printed on this machine (xmlsec1 1.2.37, Debian 12) is repeated here; the test
 * suite compares MemoryLayout of xmlsec structs with a C program built with pkg-config's flags. */
#define __XMLSEC_FUNCTION__ __func__
#define XMLSEC_NO_SIZE_T 1
#define XMLSEC_OPENSSL3_ENGINES 1
#define XMLSEC_NO_GOST 1
#define XMLSEC_NO_GOST2012 1
#define XMLSEC_NO_CRYPTO_DYNAMIC_LOADING 1
#define XMLSEC_CRYPTO_OPENSSL 1

/* Same ICU clash as in CLibXML2: the version header first, then switch ICU off. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <libxml/xmlmemory.h>
#include <libxml/c14n.h>
#include <libxml/xmlIO.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/errors.h>
#include <xmlsec/keys.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/keyinfo.h>
#include <xmlsec/transforms.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/openssl/x509.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

/* ---- Layout check: sizes as the library's own headers see them, for the test suite ---- */
static inline size_t swg_sizeofDSigCtx(void) { return sizeof(xmlSecDSigCtx); }

/* ---- Macros and globals Swift cannot import ------------------------------------------ */
static inline void swg_xmlsec_xmlFree(void *p) { xmlFree(p); }
static inline void swg_opensslFree(void *p) { OPENSSL_free(p); }
static inline int swg_checkVersion(void) { return xmlSecCheckVersion(); }
static inline unsigned long swg_nameFlagsRFC2253(void) { return XN_FLAG_RFC2253; }

static inline STACK_OF(X509) *swg_x509StackNew(void) { return sk_X509_new_null(); }
static inline int swg_x509StackPush(STACK_OF(X509) *stack, X509 *cert) { return sk_X509_push(stack, cert); }
static inline void swg_x509StackFree(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }
static inline int swg_x509StackCount(STACK_OF(X509) *stack) { return stack == NULL ? 0 : sk_X509_num(stack); }
static inline X509 *swg_x509StackAt(STACK_OF(X509) *stack, int i) { return sk_X509_value(stack, i); }

/* ---- xmlsec errors -------------------------------------------------------------------
 * xmlsec reports errors through one process-wide callback. Each signing or verification
 * runs synchronously on one thread, so the callback keeps the first message per thread;
 * the Swift side clears it before a call and reads it right after, on the same thread. */
static inline char *swg_errorBuffer(void) {
    static __thread char buffer[512];
    return buffer;
}

static inline void swg_xmlsecErrorCallback(const char *file, int line, const char *func,
                                           const char *errorObject, const char *errorSubject,
                                           int reason, const char *msg) {
    (void)file; (void)line;
    char *buffer = swg_errorBuffer();
    if (buffer[0] != '\0') return; /* keep the first, most specific error */
    const char *reasonText = "";
    for (xmlSecSize i = 0; i < XMLSEC_ERRORS_MAX_NUMBER; i++) {
        const char *text = xmlSecErrorsGetMsg(i);
        if (text == NULL) break;
        if (xmlSecErrorsGetCode(i) == reason) { reasonText = text; break; }
    }
    snprintf(buffer, 512, "%s%s%s: %s (%s)", errorObject ? errorObject : "",
             errorSubject ? " " : "", errorSubject ? errorSubject : (func ? func : ""),
             reasonText, msg ? msg : "");
}

static inline void swg_installErrorCallback(void) { xmlSecErrorsSetCallback(swg_xmlsecErrorCallback); }
static inline void swg_clearError(void) { swg_errorBuffer()[0] = '\0'; }
static inline const char *swg_lastError(void) { return swg_errorBuffer(); }

/* ---- Canonical octets straight into a digest or a signature -------------------------
 * SWGateXML canonicalises (its `Canonicalization`); this writer, handed to it as a C function
 * with a sink as context, feeds the octets to OpenSSL without an intermediate buffer. */
enum { SWG_FEED_DIGEST = 0, SWG_FEED_SIGN = 1, SWG_FEED_VERIFY = 2 };

typedef struct {
    EVP_MD_CTX *context;
    int kind;
} swg_c14n_sink;

static inline int swg_c14nSinkWrite(void *user, const char *buffer, int length) {
    const swg_c14n_sink *sink = (const swg_c14n_sink *)user;
    int ok;
    switch (sink->kind) {
    case SWG_FEED_SIGN: ok = EVP_DigestSignUpdate(sink->context, buffer, (size_t)length); break;
    case SWG_FEED_VERIFY: ok = EVP_DigestVerifyUpdate(sink->context, buffer, (size_t)length); break;
    default: ok = EVP_DigestUpdate(sink->context, buffer, (size_t)length); break;
    }
    return ok == 1 ? length : -1;
}

/* ---- ECDSA SignatureValue: XML-DSig writes r‖s (each the size of the group order), OpenSSL
 * signs and verifies DER ECDSA-Sig-Value. */
static inline int swg_ecdsaDerToRaw(const unsigned char *der, long derLength, unsigned char *raw, int half) {
    const unsigned char *cursor = der;
    ECDSA_SIG *signature = d2i_ECDSA_SIG(NULL, &cursor, derLength);
    if (signature == NULL) return -1;
    const BIGNUM *r = NULL, *s = NULL;
    ECDSA_SIG_get0(signature, &r, &s);
    int ok = BN_bn2binpad(r, raw, half) == half && BN_bn2binpad(s, raw + half, half) == half;
    ECDSA_SIG_free(signature);
    return ok ? 0 : -1;
}

/* Returns the DER length and sets *der (free with OPENSSL_free), or -1. */
static inline int swg_ecdsaRawToDer(const unsigned char *raw, int rawLength, unsigned char **der) {
    if (rawLength <= 0 || rawLength % 2 != 0) return -1;
    int half = rawLength / 2;
    ECDSA_SIG *signature = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, half, NULL);
    BIGNUM *s = BN_bin2bn(raw + half, half, NULL);
    if (signature == NULL || r == NULL || s == NULL || ECDSA_SIG_set0(signature, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(signature);
        return -1;
    }
    *der = NULL;
    int length = i2d_ECDSA_SIG(signature, der);
    ECDSA_SIG_free(signature);
    return length;
}

#endif
