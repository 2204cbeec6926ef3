public import Foundation
public import Logging
import Synchronization

/// A swift-log handler that writes one JSON object per line (`log.format: json`):
/// `{"time": …, "level": …, "label": …, "message": …, "metadata": {…}, "source": …}`, keys sorted,
/// time in ISO 8601 with milliseconds (UTC). Delivery and intake records carry `message_id` and
/// `conversation` in their metadata, so one message can be followed through the log.
///
/// Secrets never reach the output: metadata under a key that names a credential (`authorization`,
/// `token`, `password`, `passphrase`, `secret`, `cookie`, `key`, …) is written as `[redacted]`, and
/// a bearer token inside any text is replaced as well.
public struct JSONLogHandler: LogHandler {
    /// Where the lines go; one lock per output keeps concurrent lines whole.
    public final class Output: Sendable {
        private let write: @Sendable ([UInt8]) -> Void
        private let lock = Mutex(())

        /// Lines written by `write` (a test collects them).
        public init(_ write: @escaping @Sendable ([UInt8]) -> Void) { self.write = write }

        /// Standard error, where swift-log's default handler writes too.
        public static let standardError = Output { bytes in FileHandle.standardError.write(Data(bytes)) }

        func emit(_ line: [UInt8]) { lock.withLock { _ in write(line) } }
    }

    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    let label: String
    let output: Output

    public init(label: String, output: Output = .standardError, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.output = output
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var object: [String: Any] = [
            "time": Self.timestamp(Date()),
            "level": event.level.rawValue,
            "label": label,
            "message": Self.redacted(event.message.description),
            "source": event.source,
        ]
        if !merged.isEmpty { object["metadata"] = Self.json(merged) }
        if let error = event.error { object["error"] = Self.redacted("\(error)") }
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        line.append(0x0A)
        output.emit(Array(line))
    }

    /// Metadata keys whose values are never written.
    static let secretKeyParts = ["authorization", "token", "password", "passphrase", "secret", "cookie", "credential", "private", "key"]

    static func isSecret(_ key: String) -> Bool {
        let lower = key.lowercased()
        // Ids are not secrets even when their name contains "key" (idempotency_key is the client's own id).
        if lower == "idempotency_key" || lower == "idempotency-key" { return false }
        return secretKeyParts.contains { lower.contains($0) }
    }

    static func json(_ metadata: Logger.Metadata) -> [String: Any] {
        var out: [String: Any] = [:]
        for (key, value) in metadata { out[key] = isSecret(key) ? "[redacted]" : json(value) }
        return out
    }

    static func json(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let text): return redacted(text)
        case .stringConvertible(let convertible): return redacted(convertible.description)
        case .array(let values): return values.map(json)
        case .dictionary(let dictionary): return json(dictionary)
        }
    }

    /// `text` with any `Bearer <token>` credential replaced.
    static func redacted(_ text: String) -> String {
        guard text.range(of: "bearer", options: .caseInsensitive) != nil else { return text }
        return text.replacing(/(?i)(bearer)\s+[A-Za-z0-9\-._~+\/]+=*/) { "\($0.1) [redacted]" }
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
