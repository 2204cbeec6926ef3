import Foundation
import Synchronization

/// A fuzz target: one entry point of the gateway that reads bytes from outside.
protocol FuzzTarget: Sendable {
    /// The name scripts/fuzz.sh and SWGATE_FUZZ_TARGET use; also the folder of its seed corpus.
    var name: String { get }
    /// Signed messages made at start-up with the development keys (empty for most targets).
    func generatedSeeds() -> [[UInt8]]
    /// Runs the entry point on one input. A finding traps (libFuzzer records the input);
    /// a refusal of bad input is the expected outcome, not a finding.
    func run(_ input: [UInt8])
}

extension FuzzTarget {
    func generatedSeeds() -> [[UInt8]] { [] }
}

enum FuzzTargets {
    /// Every target, built lazily: keys and schemas are loaded only for the one chosen.
    static let all: [String: @Sendable () -> any FuzzTarget] = [
        "xml-validate": { XMLValidateTarget() },
        "nsw-inbound": { NSWInboundTarget() },
        "as4-inbound": { AS4InboundTarget() },
        "nsw-answer": { NSWAnswerTarget() },
        "as4-answer": { AS4AnswerTarget() },
        "config-yaml": { ConfigurationTarget() },
        "c14n-diff": { C14NDifferentialTarget() },
        "signature-diff": { SignatureDifferentialTarget() },
    ]

    static var names: [String] { all.keys.sorted() }

    static func named(_ name: String) -> (any FuzzTarget)? { all[name]?() }

    /// The chosen target. libFuzzer runs inputs one at a time on one thread; the mutex only
    /// satisfies Swift's checks for a global.
    final class Selection: Sendable {
        private let chosen = Mutex<(any FuzzTarget)?>(nil)
        func initialize(_ target: any FuzzTarget) { chosen.withLock { $0 = target } }
        var target: any FuzzTarget {
            guard let target = chosen.withLock({ $0 }) else { fatalError("LLVMFuzzerInitialize did not run") }
            return target
        }
    }

    static let selected = Selection()
}

/// Stops the run with a message that says what the finding is; libFuzzer keeps the input.
func finding(_ message: String) -> Never {
    FileHandle.standardError.write(Data("FINDING: \(message)\n".utf8))
    fatalError(message)
}

/// With SWGATE_FUZZ_VERBOSE set (running single inputs by hand), prints what the entry point said.
let verboseOutput = ProcessInfo.processInfo.environment["SWGATE_FUZZ_VERBOSE"] != nil

func verbose(_ message: @autoclosure () -> String) {
    if verboseOutput { FileHandle.standardError.write(Data("outcome: \(message())\n".utf8)) }
}
