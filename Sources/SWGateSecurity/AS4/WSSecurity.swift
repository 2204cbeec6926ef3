import SWGateXML

/// WS-Security and ebMS constants.
package enum WSSecurity {
    package static let x509v3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
    package static let base64Binary = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
    package static let partyIdType = "urn:oasis:names:tc:ebcore:partyid-type:iso3166-1"
    package static let initiatorRole = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/initiator"
    package static let responderRole = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/responder"
}
