#ifndef SWGATE_CLIBXML2_SHIM_H
#define SWGATE_CLIBXML2_SHIM_H

/* Debian's libxml2 headers pull in the system ICU, which clashes with the ICU that
 * Foundation bundles ("'UErrorCode' has different definitions"). Include the version
 * header first and switch ICU off before any other libxml2 header. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlsave.h>
#include <libxml/c14n.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

/* Swift 6 rejects the mutable C global `xmlFree` as not concurrency-safe. */
static inline void swg_xmlFree(void *p) { xmlFree(p); }

/* ---- Hardened parsing -------------------------------------------------------------
 * Limits are enforced inside the SAX callbacks, so a hostile document is refused
 * while it is being read, before any tree for it exists. */

enum {
    SWG_VIOLATION_NONE = 0,
    SWG_VIOLATION_DTD = 1,
    SWG_VIOLATION_DEPTH = 2,
    SWG_VIOLATION_NODES = 3,
};

typedef struct {
    int maxDepth;
    long maxNodes;
    long nodeCount;
    int violation;
    int line;
    int column;
} swg_parse_limits;

static inline void swg_stop(xmlParserCtxtPtr ctxt, int violation) {
    swg_parse_limits *limits = (swg_parse_limits *)ctxt->_private;
    if (limits->violation == SWG_VIOLATION_NONE) {
        limits->violation = violation;
        limits->line = xmlSAX2GetLineNumber(ctxt);
        limits->column = xmlSAX2GetColumnNumber(ctxt);
    }
    xmlStopParser(ctxt);
}

/* Any DOCTYPE, internal or external, stops the parser: no DTD is ever read or used,
 * so no entity can be declared, expanded or fetched. */
static inline void swg_internalSubset(void *ctx, const xmlChar *name, const xmlChar *externalID,
                                      const xmlChar *systemID) {
    (void)name; (void)externalID; (void)systemID;
    swg_stop((xmlParserCtxtPtr)ctx, SWG_VIOLATION_DTD);
}

static inline void swg_entityDecl(void *ctx, const xmlChar *name, int type, const xmlChar *publicId,
                                  const xmlChar *systemId, xmlChar *content) {
    (void)name; (void)type; (void)publicId; (void)systemId; (void)content;
    swg_stop((xmlParserCtxtPtr)ctx, SWG_VIOLATION_DTD);
}

static inline void swg_startElementNs(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                                      const xmlChar *URI, int nb_namespaces, const xmlChar **namespaces,
                                      int nb_attributes, int nb_defaulted, const xmlChar **attributes) {
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;
    swg_parse_limits *limits = (swg_parse_limits *)ctxt->_private;
    limits->nodeCount += 1 + nb_attributes + nb_namespaces;
    if (limits->nodeCount > limits->maxNodes) {
        swg_stop(ctxt, SWG_VIOLATION_NODES);
        return;
    }
    if (ctxt->nodeNr >= limits->maxDepth) {
        swg_stop(ctxt, SWG_VIOLATION_DEPTH);
        return;
    }
    xmlSAX2StartElementNs(ctx, localname, prefix, URI, nb_namespaces, namespaces, nb_attributes,
                          nb_defaulted, attributes);
}

/* Creates a parser context over `buffer` with the hardened handlers installed.
 * `limits` must outlive the parse. Returns NULL when libxml2 cannot allocate. */
static inline xmlParserCtxtPtr swg_newHardenedParser(const char *buffer, int size, int options,
                                                     swg_parse_limits *limits) {
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(buffer, size);
    if (ctxt == NULL) return NULL;
    xmlCtxtUseOptions(ctxt, options);
    ctxt->_private = limits;
    ctxt->sax->internalSubset = swg_internalSubset;
    ctxt->sax->externalSubset = swg_internalSubset;
    ctxt->sax->entityDecl = swg_entityDecl;
    ctxt->sax->startElementNs = swg_startElementNs;
    ctxt->sax->error = NULL;
    ctxt->sax->warning = NULL;
    ctxt->vctxt.error = NULL;
    ctxt->vctxt.warning = NULL;
    return ctxt;
}

/* ---- External resources -----------------------------------------------------------
 * One process-wide loader: files below a registered schema directory may be read
 * (xs:import / xs:include between the gateway's own schemas); every other URL --
 * file, http, ftp, anything -- is refused, whatever the parse options say. */

#define SWG_MAX_ALLOWED 8
typedef struct {
    char paths[SWG_MAX_ALLOWED][1024];
    int count;
} swg_allow_table;

/* Storage lives in a function-local static: Swift emits inline functions from this header
 * into the one module that calls them (SWGateXML), so there is exactly one table. */
static inline swg_allow_table *swg_allowTable(void) {
    static swg_allow_table table;
    return &table;
}

static inline xmlParserInputPtr swg_denyingLoader(const char *URL, const char *ID, xmlParserCtxtPtr ctxt) {
    (void)ID;
    if (URL == NULL) return NULL;
    const char *path = URL;
    if (strncmp(path, "file://", 7) == 0) path += 7;
    if (strstr(path, "..") != NULL) return NULL;
    swg_allow_table *table = swg_allowTable();
    int count = __atomic_load_n(&table->count, __ATOMIC_ACQUIRE);
    for (int i = 0; i < count; i++) {
        size_t n = strlen(table->paths[i]);
        if (n > 0 && strncmp(path, table->paths[i], n) == 0) {
            return xmlNewInputFromFile(ctxt, path);
        }
    }
    return NULL;
}

/* Installs the loader. Called once per process. */
static inline void swg_installLoader(void) { xmlSetExternalEntityLoader(swg_denyingLoader); }

/* Allows reading files below `directory` (an absolute path ending in '/').
 * Callers serialise calls to this function. Returns 0 when the table is full. */
static inline int swg_allowDirectory(const char *directory) {
    swg_allow_table *table = swg_allowTable();
    int count = __atomic_load_n(&table->count, __ATOMIC_ACQUIRE);
    for (int i = 0; i < count; i++) {
        if (strcmp(table->paths[i], directory) == 0) return 1;
    }
    if (count >= SWG_MAX_ALLOWED || strlen(directory) >= sizeof(table->paths[0])) return 0;
    strcpy(table->paths[count], directory);
    __atomic_store_n(&table->count, count + 1, __ATOMIC_RELEASE);
    return 1;
}

/* The name libxml2 gives ordinary text nodes (`xmlStringText`, compared by address). */
static inline const xmlChar *swg_xmlStringText(void) {
    return xmlStringText;
}

/* ---- Canonicalisation of part of a document into a writer ---------------------------
 * For the two signature profiles the gateway accepts, visibility is a subtree test:
 * `include` (NULL: the whole document) minus `exclude` (NULL: nothing; the enveloping
 * ds:Signature for the enveloped-signature transform). Namespace nodes are judged by the
 * element libxml2 passes as `parent`, as in the XPath data model. */
typedef struct {
    xmlNodePtr include;
    xmlNodePtr exclude;
} swg_c14n_scope;

static inline int swg_isInside(xmlNodePtr node, xmlNodePtr ancestor) {
    for (; node != NULL; node = node->parent) {
        if (node == ancestor) return 1;
    }
    return 0;
}

static inline int swg_c14nVisible(void *user, xmlNodePtr node, xmlNodePtr parent) {
    const swg_c14n_scope *scope = (const swg_c14n_scope *)user;
    xmlNodePtr element = (node == NULL || node->type == XML_NAMESPACE_DECL) ? parent : node;
    if (element == NULL) return scope->include == NULL;
    if (scope->include != NULL && !swg_isInside(element, scope->include)) return 0;
    if (scope->exclude != NULL && swg_isInside(element, scope->exclude)) return 0;
    return 1;
}

/* Where canonical octets go: returns `length`, or -1 to stop with an error. */
typedef int (*swg_c14n_writer)(void *context, const char *buffer, int length);

/* Canonicalises `doc` (C14N `mode`, no comments, optional inclusive prefixes for exclusive
 * C14N) into `write`, without an intermediate buffer; with `scope` NULL every node is rendered
 * without a visibility callback. Returns 0 on success, -1 on failure. */
static inline int swg_c14nWrite(xmlDocPtr doc, const swg_c14n_scope *scope, int mode, xmlChar **inclusivePrefixes,
                                swg_c14n_writer write, void *context) {
    xmlOutputBufferPtr output = xmlOutputBufferCreateIO(write, NULL, context, NULL);
    if (output == NULL) return -1;
    int written = xmlC14NExecute(doc, scope == NULL ? NULL : swg_c14nVisible, (void *)scope, mode, inclusivePrefixes, 0, output);
    int closed = xmlOutputBufferClose(output);
    return (written < 0 || closed < 0) ? -1 : 0;
}

static inline int swg_c14nExclusive(void) { return XML_C14N_EXCLUSIVE_1_0; }
static inline int swg_c14nInclusive(void) { return XML_C14N_1_0; }

#endif
