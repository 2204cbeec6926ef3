#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import SWGateXML
import Synchronization

/// The business documents signed as text lately, parsed (``EmbeddedDocument``), by their bytes.
///
/// A document routed to the NSW and to the ASW is signed by both deliveries, usually within
/// moments of each other: the second finds the first one's parse and canonical form here instead
/// of parsing the document again. Entries are found by a hash of the bytes and compared byte for
/// byte; at most ``capacity`` are kept, the oldest dropped first. A document the text path does
/// not take is remembered as such.
final class EmbeddedDocumentCache: Sendable {
    private struct Entry {
        let bytes: [UInt8]
        let document: EmbeddedDocument?
        /// What the entry holds: the bytes and the canonical form.
        var size: Int { bytes.count + (document?.canonical.count ?? 0) }
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var order: [Int] = []
        var size = 0
        var parses = 0
    }

    /// At most this many documents are kept…
    static let capacity = 64
    /// …holding at most this many bytes (their text and canonical form) together; a larger
    /// document is not kept at all.
    static let capacityBytes = 16 << 20
    private let state = Mutex(State())

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
            guard entry.size <= Self.capacityBytes / 4 else { return }
            if let replaced = state.entries.updateValue(entry, forKey: key) {
                state.size -= replaced.size
            } else {
                state.order.append(key)
            }
            state.size += entry.size
            while state.order.count > Self.capacity || state.size > Self.capacityBytes {
                if let dropped = state.entries.removeValue(forKey: state.order.removeFirst()) { state.size -= dropped.size }
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
