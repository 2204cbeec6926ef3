internal import CXMLSec
import SWGateXML

/// Process-wide xmlsec and OpenSSL state, set up exactly once, after libxml2.
///
/// `xmlSecInit` must run once per process (racing it from parallel tests corrupts the heap);
/// a lazily initialised global gives that. xmlsec errors are routed to a per-thread buffer by
/// a C callback (see the CXMLSec shim) instead of stderr, and read back by ``takeError()``.
enum XMLSecLibrary {
    private static let initialization: SignatureError? = {
        XMLLibrary.ensureInitialized()
        guard xmlSecInit() >= 0 else {
            return SignatureError(.internalFailure, "xmlsec initialisation failed")
        }
        guard swg_checkVersion() == 1 else {
            return SignatureError(.internalFailure, "the loaded xmlsec library is not compatible with its headers")
        }
        guard xmlSecOpenSSLAppInit(nil) >= 0, xmlSecOpenSSLInit() >= 0 else {
            return SignatureError(.internalFailure, "xmlsec OpenSSL backend initialisation failed")
        }
        swg_installErrorCallback()  // last: the init functions reinstall the stderr default
        return nil
    }()

    /// Initialises libxml2, xmlsec and its OpenSSL backend once.
    static func ensureInitialized() throws(SignatureError) {
        if let failure = initialization { throw failure }
    }

    /// Clears this thread's captured xmlsec error and OpenSSL error queue before a call.
    static func clearErrors() {
        swg_clearError()
        ERR_clear_error()
    }

    /// This thread's first xmlsec error since ``clearErrors()`` plus the drained OpenSSL queue.
    static func takeError() -> String {
        var parts: [String] = []
        let xmlsec = String(cString: swg_lastError())
        if !xmlsec.isEmpty { parts.append(xmlsec) }
        swg_clearError()
        parts.append(contentsOf: drainOpenSSLErrors())
        return parts.isEmpty ? "no further detail" : parts.joined(separator: "; ")
    }

    /// Empties OpenSSL's per-thread error queue into strings.
    static func drainOpenSSLErrors() -> [String] {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages
    }
}
