import Foundation
import SWGateStore
import Testing

@Suite("Message identifiers: time-ordered gateway ids, random wire ids")
struct MessageIdentifierTests {
    @Test("Random ids are version 4 UUIDs in the canonical lower-case form, each one different")
    func randomIDs() throws {
        let ids = (0..<10_000).map { _ in MessageIdentifier.random() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(600) {  // more than one refill of the buffered random bits
            let uuid = try #require(UUID(uuidString: id))
            #expect(uuid.uuidString.lowercased() == id)
            let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
            #expect(bytes[6] >> 4 == 4)
            #expect(bytes[8] & 0xC0 == 0x80)
        }
    }

    @Test("Gateway ids are version 7 and sort by their millisecond")
    func timeOrderedIDs() throws {
        let earlier = MessageIdentifier.next(milliseconds: 1_764_990_000_000)
        let later = MessageIdentifier.next(milliseconds: 1_764_990_000_001)
        #expect(earlier < later)
        let uuid = try #require(UUID(uuidString: later))
        #expect(withUnsafeBytes(of: uuid.uuid) { $0[6] } >> 4 == 7)
    }
}
