import Foundation
import Logging
import SWGateConsole
import SWGateHTTP
import SWGateStore
import SWGateTesting
import Testing

/// The console called in-process over a real SQLite store: sign-in, CSRF, roles, replay, escaping,
/// CSV, headers.
struct ConsoleHarness {
    let directory: TemporaryDirectory
    let store: SQLiteOutboxStore
    let console: ConsoleEndpoint
    static let operatorPassword = "operator-password-1"
    static let viewerPassword = "viewer-password-1"
    static let operatorHash = PasswordHash.make(password: operatorPassword, iterations: 1_000).description
    static let viewerHash = PasswordHash.make(password: viewerPassword, iterations: 1_000).description

    /// `context` makes what the console reads beside the store (breakers, certificates) from the
    /// harness's store; the default reads the store alone.
    init(
        tls: Bool = false, logger: Logger? = nil,
        context: (SQLiteOutboxStore) -> ConsoleContext = { ConsoleContext(store: $0, version: "test") }
    ) throws {
        directory = try TemporaryDirectory(prefix: "swgate-console")
        store = try SQLiteOutboxStore(path: directory.path("outbox.sqlite"))
        var settings = ConsoleSettings()
        settings.signInFailures = 3
        settings.operators = [
            ConsoleOperator(name: "alice", passwordHash: Self.operatorHash, role: .operator),
            ConsoleOperator(name: "victor", passwordHash: Self.viewerHash, role: .viewer),
        ]
        console = ConsoleEndpoint(settings: settings, context: context(store), listenerUsesTLS: tls, logger: logger)
    }

    func close() {
        try? store.close()
        directory.remove()
    }

    func send(
        _ method: String, _ path: String, query: [String: String] = [:], cookie: String? = nil, form: [(String, String)] = [], raw: String? = nil
    ) async -> EndpointResponse {
        var headers: [String: String] = [:]
        if let cookie { headers["cookie"] = cookie }
        let body = form.map { "\(HTML.percentEncode($0.0))=\(HTML.percentEncode($0.1))" }.joined(separator: "&")
        if !form.isEmpty { headers["content-type"] = "application/x-www-form-urlencoded" }
        return await console.handle(
            EndpointRequest(method: method, path: path, query: query, headers: headers, body: Array(body.utf8), rawQuery: raw))
    }

    /// Signs in; returns the session cookie (`name=value`) and the session's CSRF token.
    func signIn(_ name: String, _ password: String) async throws -> (cookie: String, csrf: String) {
        let page = await send("GET", "/console/sign-in")
        let signInCookie = try #require(page.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
        let token = try #require(Self.csrf(in: page))
        let answer = await send("POST", "/console/sign-in", cookie: signInCookie, form: [("csrf", token), ("name", name), ("password", password)])
        try #require(answer.status == 303, "sign-in answered \(answer.status)")
        let cookie = try #require(answer.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
        let dashboard = await send("GET", "/console/", cookie: cookie)
        return (cookie, try #require(Self.csrf(in: dashboard)))
    }

    static func csrf(in response: EndpointResponse) -> String? {
        let text = String(decoding: response.body, as: UTF8.self)
        guard let range = text.range(of: #"name="csrf" value=""#) else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }

    /// Enqueues a message and lets its delivery to `nsw` die.
    func deadMessage(_ wireID: String, conversation: String) async throws -> String {
        _ = try await store.enqueue(
            NewMessage(
                wireMessageID: wireID, conversation: conversation, documentType: "ATIGA-FORM-D", function: .issue, source: "portal",
                payloads: [OutboundPayload(destination: "nsw", body: Data("<doc/>".utf8), contentType: "application/xml")]))
        let claimed = try #require(
            try await store.claim(destination: "nsw", limit: 10, owner: "test", leaseDuration: .seconds(60), now: Date()).first)
        _ = try await store.complete(
            DeliveryCompletion(
                deliveryID: claimed.deliveryID, owner: "test", startedAt: Date(), duration: .milliseconds(12), outcome: .transientFailure,
                httpStatus: 503, error: "HTTP 503 <Service Unavailable>", transition: .dead, followUp: nil))
        return claimed.messageID
    }

    /// Enqueues a message and delivers it to `nsw` with `receipt`.
    func deliveredMessage(_ wireID: String, conversation: String, function: MessageFunction = .issue, receipt: Data) async throws -> String {
        _ = try await store.enqueue(
            NewMessage(
                wireMessageID: wireID, conversation: conversation, documentType: "ATIGA-FORM-D", function: function, source: "portal",
                payloads: [OutboundPayload(destination: "nsw", body: Data("<doc id='\(wireID)'/>".utf8), contentType: "application/xml")]))
        let claimed = try #require(
            try await store.claim(destination: "nsw", limit: 10, owner: "test", leaseDuration: .seconds(60), now: Date()).first)
        _ = try await store.complete(
            DeliveryCompletion(
                deliveryID: claimed.deliveryID, owner: "test", startedAt: Date(), duration: .milliseconds(8), outcome: .delivered, httpStatus: 200,
                transition: .delivered(receipt: Receipt(contentType: "application/xml", body: receipt))))
        return claimed.messageID
    }
}

extension EndpointResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    /// The HTML of the element with this id, from its opening tag to the matching closing one.
    func element(_ id: String) -> String? {
        let text = self.text
        guard let marker = text.range(of: #"id="\#(id)""#), let open = text[..<marker.lowerBound].lastIndex(of: "<") else { return nil }
        let tag = String(text[text.index(after: open)...].prefix { $0.isLetter || $0.isNumber })
        var depth = 0
        var index = open
        while index < text.endIndex {
            if text[index...].hasPrefix("</\(tag)>") {
                depth -= 1
                if depth == 0 { return String(text[open..<text.index(index, offsetBy: tag.count + 3)]) }
            } else if text[index...].hasPrefix("<\(tag)"), !(text[text.index(index, offsetBy: tag.count + 1)...].first?.isLetter ?? false) {
                depth += 1
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// The element's text without its tags, spaces collapsed.
    func textOf(_ id: String) -> String? {
        element(id).map(Self.strip)
    }

    /// The body rows (`<tr>` inside `<tbody>`) of the table with this id, each as its cells' texts.
    func rows(_ id: String) -> [[String]] {
        guard let table = element(id), let body = table.range(of: "<tbody>") else { return [] }
        return table[body.upperBound...].components(separatedBy: "<tr").dropFirst().map { row in
            row.components(separatedBy: "<td").dropFirst().map { Self.strip(String($0.drop { $0 != ">" }.dropFirst())) }
        }
    }

    static func strip(_ html: String) -> String {
        var out = ""
        var inTag = false
        for character in html {
            if character == "<" {
                inTag = true
                out.append(" ")
            } else if character == ">" {
                inTag = false
            } else if !inTag {
                out.append(character)
            }
        }
        return out.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
