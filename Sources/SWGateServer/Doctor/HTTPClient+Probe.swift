import AsyncHTTPClient

extension HTTPClient.Configuration {
    /// The settings `swgate doctor` probes partners with, as close to what deliveries do
    /// (`PartnerHTTPClient`) as a `GET` allows: the system's trust roots (the same TLS
    /// configuration), **no redirects followed** (a redirect is a finding: deliveries follow none
    /// and fail with `http-redirect`), no decompression, and a connection that cannot be
    /// established reported at once instead of retried until the timeout.
    static var probe: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        configuration.redirectConfiguration = .disallow
        return configuration
    }
}
