import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SWGateDelivery

/// Reaches each configured destination the way delivery does (the same TLS trust, and no redirect
/// followed: ``HTTPClient/Configuration/probe``) with a `GET`, and
/// reads the partner's clock from its `Date` header.
struct PartnerProbe {
    var timeout: Duration
    /// The clock skew partners tolerate (the gateway's `security.clock_skew`), in seconds.
    var tolerance: Double
    var now: @Sendable () -> Date

    func findings(_ configuration: GatewayConfiguration) async -> [DoctorFinding] {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .probe)
        var findings: [DoctorFinding] = []
        for (name, destination) in configuration.destinations.sorted(by: { $0.key < $1.key }) {
            findings += await probe(name: name, kind: destination.kind, url: destination.url, client: client)
        }
        try? await client.shutdown()
        return findings
    }

    private func probe(name: String, kind: DestinationKind, url: String, client: HTTPClient) async -> [DoctorFinding] {
        let subject = "\(name) (\(kind.rawValue)) \(url)"
        let target = kind == .nsw ? url + (url.contains("?") ? "&wsdl" : "?wsdl") : url
        var request = HTTPClientRequest(url: target)
        request.method = .GET
        let sent = now()
        let status: Int
        let headers: HTTPHeaders
        let body: String
        do {
            let (seconds, attoseconds) = timeout.components
            let response = try await client.execute(request, timeout: .milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000))
            let bytes = try await response.body.collect(upTo: 4 << 20)
            status = Int(response.status.code)
            headers = response.headers
            body = String(decoding: bytes.readableBytesView, as: UTF8.self)
        } catch {
            return [.init(check: "partner", subject: subject, status: .failure, detail: Self.describe(error, url: url))]
        }
        let received = now()
        var findings: [DoctorFinding] = []
        let transport = url.hasPrefix("https:") ? "TLS handshake and certificate verified; " : ""
        if let refusal = Self.refusal(status: status, location: headers.first(name: "Location"), kind: kind) {
            findings.append(.init(check: "partner", subject: subject, status: .failure, detail: transport + refusal))
        } else {
            switch kind {
            case .nsw:
                if status == 200, body.contains("definitions"), body.contains("http://schemas.xmlsoap.org/wsdl/") {
                    findings.append(.init(check: "partner", subject: subject, status: .ok, detail: transport + "serves its WSDL at ?wsdl"))
                } else {
                    findings.append(
                        .init(
                            check: "partner", subject: subject, status: .warning,
                            detail: transport + "answers, but HTTP \(status) and no WSDL at ?wsdl"))
                }
            case .as4, .http:
                if status >= 500 {
                    findings.append(.init(check: "partner", subject: subject, status: .warning, detail: transport + "answers HTTP \(status) to GET"))
                } else {
                    findings.append(.init(check: "partner", subject: subject, status: .ok, detail: transport + "answers (HTTP \(status) to GET)"))
                }
            }
        }
        findings.append(clock(subject: subject, header: headers.first(name: "Date"), sent: sent, received: received))
        return findings
    }

    /// Why an answer shows that deliveries to the URL cannot succeed: a redirect, whatever the
    /// destination's kind (delivery follows none and fails with `http-redirect`); for an `as4` or
    /// `http` destination 404 or 410, nothing at that path (a wrong URL: deliveries fail with
    /// `http-client-error`). An NSW's 404 to `?wsdl` may only mean it does not publish its WSDL
    /// there, so it stays the warning of a missing WSDL. Nil for any other answer.
    static func refusal(status: Int, location: String?, kind: DestinationKind) -> String? {
        switch status {
        case 300..<400:
            let target = location.map { "redirects to \($0)" } ?? "answers with a redirect without a Location"
            return "HTTP \(status) to GET: the destination \(target); deliveries follow no redirect and fail (http-redirect): "
                + "configure that address if it is the right one"
        case 404, 410:
            guard kind != .nsw else { return nil }
            return "HTTP \(status) to GET: nothing at this path; deliveries would fail (http-client-error): check the destination's URL"
        default:
            return nil
        }
    }

    /// The partner's clock against ours: the `Date` header (whole seconds) against the middle of the
    /// exchange. Within 5 s plus the round trip: ok; within the tolerance partners
    /// apply to timestamps: a warning; beyond it: a failure (timestamps would be refused).
    private func clock(subject: String, header: String?, sent: Date, received: Date) -> DoctorFinding {
        guard let header, let remote = Self.httpDate(header) else {
            return .init(check: "clock", subject: subject, status: .warning, detail: "no HTTP Date header to compare the clocks with")
        }
        let local = sent.addingTimeInterval(received.timeIntervalSince(sent) / 2)
        let skew = remote.timeIntervalSince(local)
        // The header has whole seconds and servers cache it for up to a second; a loaded host adds
        // scheduling delay: differences within 5 s plus the round trip are noise, not skew.
        let slack = 5 + received.timeIntervalSince(sent)
        let direction = skew >= 0 ? "ahead of" : "behind"
        let amount = Int(abs(skew).rounded())
        let detail =
            "partner's clock \(header) is \(amount) s \(direction) the local clock \(local.formatted(.iso8601)); tolerance \(Int(tolerance)) s"
        if abs(skew) <= slack { return .init(check: "clock", subject: subject, status: .ok, detail: "agrees with the local clock (\(header))") }
        if abs(skew) <= tolerance { return .init(check: "clock", subject: subject, status: .warning, detail: detail) }
        return .init(check: "clock", subject: subject, status: .failure, detail: detail)
    }

    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }

    private static func describe(_ error: any Error, url: String) -> String {
        let text = String(describing: error)
        if let error = error as? HTTPClientError, error == .connectTimeout || error == .deadlineExceeded || error == .readTimeout {
            return "no answer within the timeout: \(text)"
        }
        let lower = text.lowercased()
        if url.hasPrefix("https:"), lower.contains("ssl") || lower.contains("certificate") || lower.contains("handshake") || lower.contains("tls") {
            return "TLS handshake failed (is the partner's certificate trusted by this host?): \(text)"
        }
        if lower.contains("connection refused") || lower.contains("connectionrefused") || lower.contains("econnrefused") {
            return "unreachable: connection refused: \(text)"
        }
        return "unreachable: \(text)"
    }
}
