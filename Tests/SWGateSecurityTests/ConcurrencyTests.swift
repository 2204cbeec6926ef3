import SWGateTesting
import Foundation
import SWGateSecurity
import Testing

@Suite struct ConcurrencyTests {
    /// One shared SecurityServices (shared private key, trust store and caches) used from many
    /// tasks at once: every signature still verifies and every tampered one is still refused.
    @Test func sharedKeysSignAndVerifyConcurrently() async throws {
        let services = TestPKI.services
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var good = 0
                    for round in 0..<25 {
                        let signed = (worker + round) % 2 == 0
                            ? try services.signFormDForNSW(TestPKI.formD) : try services.signFormDForAS4(TestPKI.formD)
                        let text = TestPKI.text(signed)
                        if text.contains("<SystemSignature>") {
                            _ = try services.verifyNSWEnvelope(signed)
                        } else {
                            _ = try services.verifyAS4Message(signed)
                        }
                        let tampered = TestPKI.bytes(text.replacingOccurrences(of: "Frozen shrimp", with: "Frozen shrimq"))
                        let code = refusalCode {
                            if text.contains("<SystemSignature>") { _ = try services.verifyNSWEnvelope(tampered) } else { _ = try services.verifyAS4Message(tampered) }
                        }
                        if code == .digestMismatch { good += 1 }
                    }
                    return good
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(results == 200)
    }

    @Test func commentsInTheInputAreRemovedBeforeSigning() throws {
        let services = TestPKI.services
        let commented = TestPKI.bytes(TestPKI.text(TestPKI.formD)
            .replacingOccurrences(of: "<Item>", with: "<!-- checked by officer --><Item><?review done?>"))
        let nsw = try services.signFormDForNSW(commented)
        #expect(!TestPKI.text(nsw).contains("<!--"))
        _ = try services.verifyNSWEnvelope(nsw)
        _ = try services.verifyAS4Message(services.signFormDForAS4(commented))
    }
}
