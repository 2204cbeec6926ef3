public import Logging

/// The text log format: swift-log's `StreamLogHandler` lines on standard error, with the metadata
/// set on a logger kept as it is and formatted only when a line is written.
///
/// `StreamLogHandler` formats its whole metadata again every time a key is set. The HTTP server sets
/// a request id on a copy of its logger for every request, so at the default level, where a request
/// writes no line, that formatting was work done per request for nothing.
public struct TextLogHandler: LogHandler {
    private var lines: any LogHandler
    public var metadata: Logger.Metadata = [:]

    public init(label: String) {
        lines = StreamLogHandler.standardError(label: label)
    }

    /// Hands the lines to `lines` (which should have no metadata of its own) instead.
    public init(writingTo lines: any LogHandler) {
        self.lines = lines
    }

    /// Makes this the process's log handler (`LoggingSystem.bootstrap`: once per process), as
    /// `swgate serve` does for `log_format: text`.
    public static func bootstrap() {
        LoggingSystem.bootstrap(TextLogHandler.init)
    }

    public var logLevel: Logger.Level {
        get { lines.logLevel }
        set { lines.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { lines.metadataProvider }
        set { lines.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            // The line's own metadata wins over the logger's, as in StreamLogHandler.
            event.metadata = metadata.merging(event.metadata ?? [:]) { _, line in line }
        }
        lines.log(event: event)
    }
}
