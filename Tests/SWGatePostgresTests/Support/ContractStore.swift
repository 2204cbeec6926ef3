import Foundation
import Logging
import SWGatePostgres
import SWGateStore
import SWGateTesting

/// The store implementations the contract runs against.
enum StoreKind: String, CaseIterable, Sendable {
    case sqlite
    case postgres
}

/// A fresh PostgreSQL database on the shared test cluster.
func freshPostgresConfiguration(poolSize: Int = 4) async throws -> PostgresStoreConfiguration {
    let cluster = try await PostgresTestCluster.shared()
    let database = try await cluster.createDatabase()
    return try PostgresStoreConfiguration(url: cluster.url(database), password: nil, poolSize: poolSize)
}

/// A fresh, empty store of `kind` for one test, closed afterwards.
func withStore<T>(_ kind: StoreKind, _ body: (any SubmissionStore) async throws -> T) async throws -> T {
    switch kind {
    case .sqlite:
        let directory = try TemporaryDirectory(prefix: "swgate-contract")
        defer { directory.remove() }
        let store = try SQLiteOutboxStore(path: directory.path("outbox.sqlite"))
        defer { try? store.close() }
        return try await body(store)
    case .postgres:
        let store = try await PostgresOutboxStore(configuration: try await freshPostgresConfiguration())
        do {
            let value = try await body(store)
            await store.close()
            return value
        } catch {
            await store.close()
            throw error
        }
    }
}

/// A Form D message for `conversation` with one payload per destination.
func formD(
    _ wireID: String, conversation: String = "VN-2026-0001", function: MessageFunction = .issue, destinations: [String] = ["nsw"],
    key: IdempotencyKey? = nil, body: String? = nil, link: ConversationLink? = nil
) -> NewMessage {
    NewMessage(
        wireMessageID: wireID, conversation: conversation, documentType: "ATIGA-FORM-D", function: function, source: "portal",
        idempotencyKey: key, acknowledgement: Data("ack-\(wireID)".utf8),
        payloads: destinations.map {
            OutboundPayload(
                destination: $0, body: Data((body ?? "<FormD ref='\(conversation)' id='\(wireID)' to='\($0)'/>").utf8), contentType: "application/xml"
            )
        }, link: link)
}

extension OutboxStore {
    /// Claims for `destination` with a one-minute lease.
    func claimNow(_ destination: String = "nsw", limit: Int = 10, owner: String = "test", at now: Date = Date()) async throws -> [ClaimedDelivery] {
        try await claim(destination: destination, limit: limit, owner: owner, leaseDuration: .seconds(60), now: now)
    }

    /// Completes `delivery` with `transition`, as its lease owner would.
    @discardableResult
    func finish(
        _ delivery: ClaimedDelivery, _ transition: DeliveryCompletion.Transition, owner: String? = nil, followUp: NewMessage? = nil,
        signed: SignedPayload? = nil
    ) async throws -> CompletionResult {
        let outcome: AttemptOutcome =
            switch transition {
            case .delivered: .delivered
            case .failed: .permanentFailure
            case .retry, .dead: .transientFailure
            }
        return try await complete(
            DeliveryCompletion(
                deliveryID: delivery.deliveryID, owner: owner ?? delivery.owner, startedAt: Date(), duration: .milliseconds(3), outcome: outcome,
                httpStatus: outcome == .delivered ? 200 : 503, error: outcome == .delivered ? nil : "test failure", transition: transition,
                followUp: followUp, signed: signed))
    }
}

/// The `OutboxError` code `body` threw, or nil when it did not throw one.
func outboxErrorCode(_ body: () async throws -> Void) async -> OutboxError.Code? {
    do {
        try await body()
        return nil
    } catch let error as OutboxError {
        return error.code
    } catch {
        return OutboxError.Code("unexpected: \(error)")
    }
}

/// Two stores of `kind` on one fresh database, standing for two gateway instances (two processes
/// on one SQLite file, or two instances on one PostgreSQL database), closed afterwards.
func withTwoInstances<T>(_ kind: StoreKind, _ body: (any OutboxStore, any OutboxStore) async throws -> T) async throws -> T {
    switch kind {
    case .sqlite:
        let directory = try TemporaryDirectory(prefix: "swgate-contract")
        defer { directory.remove() }
        let a = try SQLiteOutboxStore(path: directory.path("outbox.sqlite"))
        defer { try? a.close() }
        let b = try SQLiteOutboxStore(path: directory.path("outbox.sqlite"))
        defer { try? b.close() }
        return try await body(a, b)
    case .postgres:
        let configuration = try await freshPostgresConfiguration()
        let a = try await PostgresOutboxStore(configuration: configuration)
        let b = try await PostgresOutboxStore(configuration: configuration)
        do {
            let value = try await body(a, b)
            await a.close()
            await b.close()
            return value
        } catch {
            await a.close()
            await b.close()
            throw error
        }
    }
}
