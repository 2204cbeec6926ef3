import Foundation
import NIOCore
import PostgresNIO
import SWGateStore

/// Stores a run of enqueues of one group commit with a fixed number of statements, whatever their
/// number: the lookups they need (idempotency keys, remembered submissions, conversation links)
/// in one query each, the decisions in memory, then one `INSERT … SELECT FROM unnest(…)` per
/// table. Stored one by one, a Form D costs four to six loopback round trips; here a batch of a
/// hundred costs about seven.
///
/// The decisions are the ones ``PostgresOutboxStore/insert(_:_:)`` and
/// `enqueue(_:rememberingSubmission:)` make unit by unit, taken in the units' order, each unit
/// seeing what the earlier units of the run stored (a second submission with a key the first
/// one used is its duplicate; an AMEND joins the ISSUE stored just before it). A unit's own
/// refusal (a conflict, an unknown predecessor) is its result and stores nothing. If a statement
/// fails, or the database disagrees with a decision (a unique constraint found a row the lookups
/// did not), the whole run throws and the committer falls back to storing units one by one.
enum BulkEnqueue {
    /// One enqueue: the message, and the `Idempotency-Key` to remember with it, if any.
    struct Unit: Sendable {
        let prepared: PostgresOutboxStore.PreparedMessage
        let submission: IdempotencyKey?
    }

    /// The database disagreed with a decision made from the lookups.
    struct Disagreement: Error {
        let detail: String
    }

    /// A message stored earlier (in the database or by an earlier unit of the run).
    private struct Stored {
        let result: EnqueueResult
        let digest: String
    }

    private struct NewRow {
        let unit: Unit
        let id: String
        let conversation: String
    }

    static func store(_ transaction: WriteTransaction, _ units: [Unit]) async throws -> [Result<EnqueueResult, OutboxError>] {
        let now = Date().storeMilliseconds
        var submissions = try await rememberedSubmissions(transaction, units.compactMap(\.submission))
        var byKey = try await storedMessages(transaction, keys: units.compactMap(\.prepared.message.idempotencyKey))
        var byID: [String: Stored] = [:]
        let missing = Set(submissions.values.map(\.messageID)).subtracting(byKey.values.map(\.result.id))
        for stored in try await storedMessages(transaction, ids: Array(missing)) { byID[stored.result.id] = stored }
        for stored in byKey.values { byID[stored.result.id] = stored }
        var links = try await knownLinks(
            transaction, units.compactMap(\.prepared.message.link).flatMap { [$0.joins, $0.reference].compactMap(\.self) })

        var results: [Result<EnqueueResult, OutboxError>] = []
        var rows: [NewRow] = []
        var newLinks: [(reference: String, conversation: String)] = []
        var newSubmissions: [(key: IdempotencyKey, messageID: String, digest: String)] = []
        results.reserveCapacity(units.count)
        for unit in units {
            let message = unit.prepared.message
            let digest = unit.prepared.digest
            if let key = unit.submission, let earlier = submissions[key] {
                if earlier.contentDigest != digest {
                    results.append(
                        .failure(
                            OutboxError(
                                .submissionConflict, "Idempotency-Key \(key.key) was used for different content (message \(earlier.messageID))")))
                } else if let original = byID[earlier.messageID] {
                    results.append(.success(original.result))
                } else {
                    results.append(.failure(OutboxError(.submissionConflict, "the message remembered under Idempotency-Key \(key.key) was purged")))
                }
                continue
            }
            if let key = message.idempotencyKey, let original = byKey[key] {
                guard original.digest == digest else {
                    results.append(
                        .failure(
                            OutboxError(
                                .idempotencyConflict,
                                "idempotency key \(key.scope)/\(key.key) was already used for message \(original.result.id) with different content")))
                    continue
                }
                if let submission = unit.submission {
                    submissions[submission] = SubmissionRecord(messageID: original.result.id, contentDigest: digest)
                    newSubmissions.append((submission, original.result.id, digest))
                }
                results.append(.success(original.result))
                continue
            }
            var conversation = message.conversation
            if let link = message.link {
                if let joins = link.joins {
                    if let known = links[joins] {
                        conversation = known
                    } else if link.ifUnknown == .refuse {
                        results.append(
                            .failure(
                                OutboxError(
                                    .unknownPredecessor,
                                    "\(message.function.rawValue) names \(joins) as the document it replaces, and no message with that reference was accepted"
                                )))
                        continue
                    }
                }
                if let reference = link.reference, links[reference] == nil {
                    links[reference] = conversation
                    newLinks.append((reference, conversation))
                }
            }
            let id = MessageIdentifier.next(milliseconds: now)
            let result = EnqueueResult(
                id: id, wireMessageID: message.wireMessageID, isDuplicate: false, acknowledgement: message.acknowledgement,
                acceptedAt: Date(storeMilliseconds: now), destinations: unit.prepared.destinations)
            var duplicate = result
            duplicate.isDuplicate = true
            let stored = Stored(result: duplicate, digest: digest)
            if let key = message.idempotencyKey { byKey[key] = stored }
            byID[id] = stored
            if let submission = unit.submission {
                submissions[submission] = SubmissionRecord(messageID: id, contentDigest: digest)
                newSubmissions.append((submission, id, digest))
            }
            rows.append(NewRow(unit: unit, id: id, conversation: conversation))
            results.append(.success(result))
        }

        try await insertLinks(transaction, newLinks)
        try await insertMessages(transaction, rows, now: now)
        try await insertSubmissions(transaction, newSubmissions)
        for row in rows {
            try await transaction.append(
                at: now, event: .accepted, messageID: row.id, destination: nil, actor: row.unit.prepared.message.source,
                detail: row.unit.prepared.auditDetail(conversation: row.conversation))
        }
        if !rows.isEmpty { transaction.notify = true }
        return results
    }

    // MARK: Lookups (one statement each, none when there is nothing to look up)

    private static func rememberedSubmissions(_ transaction: WriteTransaction, _ keys: [IdempotencyKey]) async throws
        -> [IdempotencyKey: SubmissionRecord]
    {
        guard !keys.isEmpty else { return [:] }
        var found: [IdempotencyKey: SubmissionRecord] = [:]
        for row in try await transaction.rows(
            """
            SELECT s.scope, s.key, s.message_id, s.content_digest FROM submission_key s
            JOIN unnest(\(keys.map(\.scope))::text[], \(keys.map(\.key))::text[]) AS wanted(scope, key)
              ON s.scope = wanted.scope AND s.key = wanted.key
            """)
        {
            found[IdempotencyKey(scope: try row.value("scope"), key: try row.value("key"))] = SubmissionRecord(
                messageID: try row.value("message_id"), contentDigest: try row.value("content_digest"))
        }
        return found
    }

    private static let storedColumns = """
        SELECT m.idempotency_scope, m.idempotency_key, m.id, m.wire_message_id, m.content_digest, m.acknowledgement, m.accepted_at,
            ARRAY(SELECT d.destination FROM delivery d WHERE d.message_seq = m.seq ORDER BY d.id) AS destinations
        FROM message m
        """

    private static func storedMessages(_ transaction: WriteTransaction, keys: [IdempotencyKey]) async throws -> [IdempotencyKey: Stored] {
        guard !keys.isEmpty else { return [:] }
        let rows = try await transaction.rows(
            PostgresQuery(
                unsafeSQL: storedColumns + """

                    JOIN unnest($1::text[], $2::text[]) AS wanted(scope, key)
                      ON m.idempotency_scope = wanted.scope AND m.idempotency_key = wanted.key
                    """,
                binds: bindings(keys.map(\.scope), keys.map(\.key))))
        var found: [IdempotencyKey: Stored] = [:]
        for row in rows {
            let key = IdempotencyKey(scope: try row.value("idempotency_scope"), key: try row.value("idempotency_key"))
            found[key] = try stored(row)
        }
        return found
    }

    private static func storedMessages(_ transaction: WriteTransaction, ids: [String]) async throws -> [Stored] {
        guard !ids.isEmpty else { return [] }
        let rows = try await transaction.rows(PostgresQuery(unsafeSQL: storedColumns + "\nWHERE m.id = ANY($1)", binds: bindings(ids)))
        return try rows.map(stored)
    }

    private static func stored(_ row: PostgresRandomAccessRow) throws -> Stored {
        Stored(
            result: EnqueueResult(
                id: try row.value("id"), wireMessageID: try row.value("wire_message_id"), isDuplicate: true,
                acknowledgement: try row.optionalData("acknowledgement"), acceptedAt: try row.date("accepted_at"),
                destinations: try row.value("destinations", as: [String].self)),
            digest: try row.value("content_digest"))
    }

    private static func knownLinks(_ transaction: WriteTransaction, _ references: [String]) async throws -> [String: String] {
        guard !references.isEmpty else { return [:] }
        var links: [String: String] = [:]
        for row in try await transaction.rows("SELECT reference, conversation FROM conversation_link WHERE reference = ANY(\(references))") {
            links[try row.value("reference")] = try row.value("conversation")
        }
        return links
    }

    // MARK: Inserts (one statement per table)

    private static func insertLinks(_ transaction: WriteTransaction, _ links: [(reference: String, conversation: String)]) async throws {
        guard !links.isEmpty else { return }
        let inserted = try await transaction.rows(
            """
            INSERT INTO conversation_link (reference, conversation)
            SELECT * FROM unnest(\(links.map(\.reference))::text[], \(links.map(\.conversation))::text[])
            ON CONFLICT (reference) DO NOTHING RETURNING reference
            """)
        guard inserted.count == links.count else {
            throw Disagreement(detail: "\(links.count - inserted.count) conversation links appeared meanwhile")
        }
    }

    private static func insertMessages(_ transaction: WriteTransaction, _ rows: [NewRow], now: Int64) async throws {
        guard !rows.isEmpty else { return }
        let messages = rows.map(\.unit.prepared.message)
        let keys = messages.map(\.idempotencyKey)
        let acknowledgements = messages.map(\.acknowledgement)
        let summaries = messages.map(\.summary)
        let inserted = try await transaction.rows(
            """
            INSERT INTO message (id, wire_message_id, conversation, document_type, function, source,
                idempotency_scope, idempotency_key, content_digest, acknowledgement, accepted_at, summary)
            SELECT i, w, c, t, f, s, CASE WHEN hk THEN ks END, CASE WHEN hk THEN kk END, dg, CASE WHEN ha THEN a END, \(now),
                CASE WHEN hs THEN su END
            FROM unnest(\(rows.map(\.id))::text[], \(messages.map(\.wireMessageID))::text[], \(rows.map(\.conversation))::text[],
                \(messages.map(\.documentType))::text[], \(messages.map(\.function.rawValue))::text[], \(messages.map(\.source))::text[],
                \(keys.map { $0 != nil })::bool[], \(keys.map { $0?.scope ?? "" })::text[], \(keys.map { $0?.key ?? "" })::text[],
                \(rows.map(\.unit.prepared.digest))::text[],
                \(acknowledgements.map { $0 != nil })::bool[], \(acknowledgements.map { buffer($0) })::bytea[],
                \(summaries.map { $0 != nil })::bool[], \(summaries.map { buffer($0) })::bytea[])
                AS n(i, w, c, t, f, s, hk, ks, kk, dg, ha, a, hs, su)
            ON CONFLICT (idempotency_scope, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING id, seq
            """)
        guard inserted.count == rows.count else {
            throw Disagreement(detail: "\(rows.count - inserted.count) idempotency keys were taken meanwhile")
        }
        var sequence: [String: Int64] = [:]
        for row in inserted { sequence[try row.value("id")] = try row.value("seq", as: Int64.self) }
        var seqs: [Int64] = []
        var destinations: [String] = []
        var conversations: [String] = []
        var bodies: [ByteBuffer] = []
        var contentTypes: [String] = []
        for row in rows {
            guard let seq = sequence[row.id] else { throw Disagreement(detail: "message \(row.id) was not stored") }
            for payload in row.unit.prepared.message.payloads {
                seqs.append(seq)
                destinations.append(payload.destination)
                conversations.append(row.conversation)
                bodies.append(ByteBuffer(bytes: payload.body))
                contentTypes.append(payload.contentType)
            }
        }
        try await transaction.rows(
            """
            INSERT INTO delivery (message_seq, destination, conversation, state, payload, content_type,
                budget_started_at, next_attempt_at, updated_at)
            SELECT q, d, c, 'pending', p, t, \(now), \(now), \(now)
            FROM unnest(\(seqs)::bigint[], \(destinations)::text[], \(conversations)::text[], \(bodies)::bytea[], \(contentTypes)::text[])
                AS n(q, d, c, p, t)
            """)
    }

    private static func insertSubmissions(_ transaction: WriteTransaction, _ submissions: [(key: IdempotencyKey, messageID: String, digest: String)])
        async throws
    {
        guard !submissions.isEmpty else { return }
        let inserted = try await transaction.rows(
            """
            INSERT INTO submission_key (scope, key, message_id, content_digest)
            SELECT * FROM unnest(\(submissions.map(\.key.scope))::text[], \(submissions.map(\.key.key))::text[],
                \(submissions.map(\.messageID))::text[], \(submissions.map(\.digest))::text[])
            ON CONFLICT (scope, key) DO NOTHING RETURNING key
            """)
        guard inserted.count == submissions.count else {
            throw Disagreement(detail: "\(submissions.count - inserted.count) Idempotency-Keys were taken meanwhile")
        }
    }

    private static func buffer(_ data: Data?) -> ByteBuffer {
        data.map { ByteBuffer(bytes: $0) } ?? ByteBuffer()
    }

    private static func bindings(_ columns: [String]...) -> PostgresBindings {
        var bindings = PostgresBindings()
        for column in columns { bindings.append(column) }
        return bindings
    }
}
