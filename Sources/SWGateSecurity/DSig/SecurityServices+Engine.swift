import SWGateXML
extension SecurityServices {
    /// Fills the signature template `template` with `identity`, using the configured engine.
    func sign(_ template: NodePointer, with identity: SigningIdentity) throws(SignatureError) {
        switch engine {
        case .native:
            try NativeSigner.sign(template, with: identity)
        case .xmlsec:
            try DSigContext().sign(template, with: identity.key)
        }
    }
}
