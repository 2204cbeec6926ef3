import SWGateXML
import Synchronization

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The business documents signed as text lately, parsed (``EmbeddedDocument``), by their bytes.
///
/// A document routed to the NSW and to the ASW is signed by both deliveries: the second finds the
/// first one's parse and canonical form here instead of parsing the document again. At a steady
/// rate the two are signed within moments of each other; when a backlog drains (after an outage)
/// each destination works through it at its own pace, and one runs hundreds of documents ahead of
/// the other. So the cache is bounded by the bytes it holds (``capacityBytes``: about 1,200 Form D)
/// more than by a count. Entries are found by a hash of the bytes and compared byte for
/// byte; the oldest are dropped first. A document the text path does not take is remembered as
/// such.
final class EmbeddedDocumentCache: Sendable {
    private struct Entry {
        let bytes: [UInt8]
        let document: EmbeddedDocument?
        /// What the entry holds: the bytes and the canonical form.
        var size: Int { bytes.count + (document?.canonical.count ?? 0) }
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        /// Keys from oldest to newest, from `first` on (the dropped ones before it are removed
        /// in bulk, so that dropping one is not a shift of thousands).
        var order: [Int] = []
        var first = 0
        var size = 0
        var parses = 0

        mutating func dropOldest() {
            let key = order[first]
            first += 1
            if first > 256 && first * 2 > order.count {
                order.removeFirst(first)
                first = 0
            }
            if let dropped = entries.removeValue(forKey: key) { size -= dropped.size }
        }
    }

    /// At most this many documents are kept…
    let capacity: Int
    /// …holding at most this many bytes (their text and canonical form) together; a document
    /// larger than a quarter of it is not kept at all.
    let capacityBytes: Int
    private let state = Mutex(State())

    /// The gateway's cache: 16 MiB, about 1,200 Form D of 6–8 KB with their canonical forms. A
    /// count of 64 (its first bound) kept too few for a backlog, where both destinations' signing
    /// of a document were often hundreds of documents apart: in `server-bench`'s relay of 5,500
    /// Form D, 1.88 parses per Form D with 64 kept, 1.73 with 2 MiB, 1.29 with 4 MiB, 1.00 with
    /// 8 MiB; in its relay of 15,500, 1.56 with 8 MiB and 1.00 with 16 MiB.
    init(capacity: Int = 4_096, capacityBytes: Int = 16 << 20) {
        self.capacity = capacity
        self.capacityBytes = capacityBytes
    }

    /// How many documents were parsed (not found in the cache) so far.
    var parses: Int { state.withLock { $0.parses } }
    /// How many documents are kept now.
    var count: Int { state.withLock { $0.entries.count } }

    /// The parsed document for `bytes`, from the cache or parsed now (and kept).
    func document(for bytes: [UInt8]) -> EmbeddedDocument? {
        let key = Self.key(bytes)
        if let entry = state.withLock({ $0.entries[key] }), Self.same(entry.bytes, bytes) { return entry.document }
        let document = EmbeddedDocument(bytes)
        let entry = Entry(bytes: bytes, document: document)
        state.withLock { state in
            state.parses += 1
            guard entry.size <= capacityBytes / 4 else { return }
            if let replaced = state.entries.updateValue(entry, forKey: key) {
                state.size -= replaced.size
            } else {
                state.order.append(key)
            }
            state.size += entry.size
            while state.order.count - state.first > capacity || state.size > capacityBytes {
                state.dropOldest()
            }
        }
        return document
    }

    /// A hash of all the bytes, eight at a time (a multiply and a shift per word): `Hasher` fed the
    /// whole document cost more than the rest of the lookup. Entries are compared byte for byte,
    /// so two documents with the same key only take each other's place.
    static func key(_ bytes: [UInt8]) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        bytes.withUnsafeBytes { all in
            var offset = 0
            while offset + 8 <= all.count {
                hash = (hash ^ all.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
                hash ^= hash >> 32
                offset += 8
            }
            while offset < all.count {
                hash = (hash ^ UInt64(all[offset])) &* 0x9E37_79B9_7F4A_7C15
                offset += 1
            }
        }
        var hasher = Hasher()
        hasher.combine(hash)
        hasher.combine(bytes.count)
        return hasher.finalize()
    }

    /// Compared with `memcmp`: `==` on two arrays of bytes compares them element by element
    /// (≈ 35,000 instructions for a Form D, once per Form D signed for both partners).
    static func same(_ first: [UInt8], _ second: [UInt8]) -> Bool {
        guard first.count == second.count else { return false }
        return first.withUnsafeBytes { a in
            second.withUnsafeBytes { b in
                a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
            }
        }
    }
}
