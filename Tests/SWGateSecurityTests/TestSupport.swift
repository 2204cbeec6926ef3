import Foundation
import SWGateSecurity
import SWGateTesting
import Testing

/// The development PKI and helpers shared by the signature tests.
enum TestPKI {
    /// The repository root, found from this file's path.
    static let root: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let certificates = root + "/Certificates"

    static func path(_ name: String) -> String { certificates + "/" + name }

    /// The development configuration (gateway key signs).
    static let services: SecurityServices = try! SecurityServices(configuration: .development(directory: certificates))

    /// The development configuration with another signing key from the development PKI.
    static func services(
        signingAs name: String, engine: SignatureEngine = .native,
        configure: (inout SecurityConfiguration) -> Void = { _ in }
    ) throws -> SecurityServices {
        var configuration = SecurityConfiguration.development(directory: certificates)
        configuration.systemKey = KeySource(keyPath: path(name + ".key"), certificatePath: path(name + ".pem"))
        configure(&configuration)
        return try SecurityServices(configuration: configuration, engine: engine)
    }

    /// The minimal Form D from the test resources.
    static let formD: [UInt8] = {
        let url = Bundle.module.url(forResource: "form-d-minimal", withExtension: "xml", subdirectory: "Resources")!
        return Array(try! Data(contentsOf: url))
    }()

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}

/// Expects `body` to throw a ``SignatureError`` with `code`.
func expectRefusal(
    _ code: SignatureError.Code, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected refusal with \(code), but it was accepted", sourceLocation: sourceLocation)
    } catch let error as SignatureError {
        #expect(error.code == code, "expected \(code), got \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected SignatureError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

/// A temporary directory removed when the value is released.
final class TemporaryDirectory {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "swgate-sec-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }
}

/// Result of a finished subprocess.
struct ProcessResult {
    let status: Int32
    let output: String
    let error: String
}

/// Runs `executable` with `arguments` (and `environment` added), killing it after `timeout`
/// seconds; waited for without holding a thread of the tasks' pool (``CommandRunner``).
func run(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:],
    currentDirectory: String? = nil, timeout: TimeInterval = 60
) async throws -> ProcessResult {
    let result = try await CommandRunner.run(
        executable, arguments, environment: environment, currentDirectory: currentDirectory, timeout: timeout)
    return ProcessResult(status: result.status, output: result.standardOutput, error: result.standardError)
}

/// The code `body` is refused with, or `nil` when it is accepted.
func refusalCode(_ body: () throws -> Void) -> SignatureError.Code? {
    do {
        try body()
        return nil
    } catch {
        return (error as? SignatureError)?.code ?? SignatureError.Code("notASignatureError")
    }
}
