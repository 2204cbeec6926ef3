/// Python scripts run against signxml (written to a temporary directory by the tests).
enum InteropScripts {
    /// `verify.py nsw|as4 FILE CA CERT`: verifies with signxml; prints the signed element names.
    static let verify = #"""
    import sys
    from lxml import etree
    from signxml import XMLVerifier, SignatureConfiguration, SignatureMethod, DigestAlgorithm
    kind, path, ca, cert = sys.argv[1:5]
    data = open(path, "rb").read()
    config = SignatureConfiguration(signature_methods=frozenset({SignatureMethod.RSA_SHA256}),
                                    digest_algorithms=frozenset({DigestAlgorithm.SHA256}))
    if kind == "nsw":
        result = XMLVerifier().verify(data, ca_pem_file=ca, expect_config=config, id_attribute="Id")
        print("verified", etree.QName(result.signed_xml).localname)
    else:
        results = XMLVerifier().verify(data, x509_cert=open(cert).read(), expect_config=config, expect_references=3)
        print("verified", " ".join(sorted(etree.QName(r.signed_xml).localname for r in results)))
    """#

    /// `sign.py nsw|as4 IN OUT KEY CERT`: signs an unsigned NSW envelope (Content signature +
    /// enveloped SystemSignature) or AS4 message (Body, Messaging, Timestamp) with signxml.
    static let sign = #"""
    import sys
    from lxml import etree
    from signxml import XMLSigner, methods
    kind, source, target, keyfile, certfile = sys.argv[1:6]
    key, cert = open(keyfile, "rb").read(), open(certfile).read()
    DS = "http://www.w3.org/2000/09/xmldsig#"
    EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
    root = etree.fromstring(open(source, "rb").read())
    def signer(method):
        return XMLSigner(method=method, signature_algorithm="rsa-sha256", digest_algorithm="sha256", c14n_algorithm=EXC)
    if kind == "nsw":
        N = "urn:swgate:nsw:envelope:1"
        body = root.find("{%s}Body" % N)
        signature = signer(methods.detached).sign(root, key=key, cert=cert, reference_uri="#Content", id_attribute="Id")
        body.append(signature)
        holder = etree.SubElement(root, "{%s}SystemSignature" % N)
        etree.SubElement(holder, "{%s}Signature" % DS, Id="placeholder")
        root = signer(methods.enveloped).sign(root, key=key, cert=cert)
    else:
        WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
        WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
        ids = [e.get("{%s}Id" % WSU) for e in root.iter() if e.get("{%s}Id" % WSU)]
        body_id = [i for i in ids if i.startswith("body-")][0]
        msg_id = [i for i in ids if i.startswith("messaging-")][0]
        ts_id = [i for i in ids if i.startswith("ts-")][0]
        token_id = [i for i in ids if i.startswith("x509-")][0]
        signature = signer(methods.detached).sign(root, key=key, cert=cert, id_attribute="Id",
                                                  reference_uri=["#" + body_id, "#" + msg_id, "#" + ts_id])
        key_info = signature.find("{%s}KeyInfo" % DS)
        for child in list(key_info):
            key_info.remove(child)
        str_ = etree.SubElement(key_info, "{%s}SecurityTokenReference" % WSSE)
        etree.SubElement(str_, "{%s}Reference" % WSSE, URI="#" + token_id,
            ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3")
        root.find(".//{%s}Security" % WSSE).append(signature)
    open(target, "wb").write(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    print("signed")
    """#
}
