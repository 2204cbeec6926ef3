import ArgumentParser
import Foundation
import SWGateStore

/// `--store PATH` shared by the outbox and audit commands.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The outbox store: a SQLite file or postgres://user@host:port/db, password in $SWGATE_STORE_PASSWORD (default: $SWGATE_STORE, else data/swgate.sqlite).")
    var store: String?

    var path: String {
        store ?? ProcessInfo.processInfo.environment["SWGATE_STORE"] ?? "data/swgate.sqlite"
    }

    /// Opens an existing store (a SQLite file, or PostgreSQL when the location is a
    /// `postgres://` URL); never creates or migrates one. Store errors exit with code 2.
    func open() async throws -> any SubmissionStore {
        try await OperatorStore.open(location: path)
    }
}

/// Parses `30s`, `15m`, `2h`, `7d`; a bad one is a usage error (exit 2).
func duration(_ text: String) throws -> Int64 {
    do {
        return try HumanDuration.seconds(text)
    } catch {
        throw CommandFailure.usage(error.reason)
    }
}
