import Foundation
import SWGateTesting
import Testing

/// The gateway's memory allocator is TCMalloc (`Package.swift`, `docs/install.md`): every `malloc`
/// of the `swgate` process, its own and that of the libraries it loads (the Swift runtime, libxml2,
/// SQLite, OpenSSL, glibc itself), is bound to `libtcmalloc_minimal`, not to glibc's allocator.
@Suite("The memory allocator")
struct AllocatorTests {
    @Test("Every malloc and free of swgate is TCMalloc's")
    func everyAllocationIsTCMalloc() async throws {
        // glibc's dynamic loader reports each symbol it binds on standard error.
        let result = try await CommandRunner.swgate(["--version"], environment: ["LD_DEBUG": "bindings"])
        #expect(result.status == 0, "\(result.standardError.suffix(2_000))")
        let bindings = result.standardError.split(separator: "\n").filter {
            // "…: normal symbol `malloc'", with " [GLIBC_2.2.5]" after it when bound to glibc.
            $0.contains("normal symbol `malloc'") || $0.contains("normal symbol `free'")
        }
        #expect(bindings.count >= 4, "too few malloc and free bindings reported: \(bindings)")
        let elsewhere = bindings.filter { !$0.contains("libtcmalloc_minimal.so") }
        #expect(elsewhere.isEmpty, "bound to another allocator: \(elsewhere.prefix(5))")
        // glibc's own calls (getaddrinfo, stdio) included.
        #expect(bindings.contains { $0.contains("/libc.so.6 [0] to ") })
    }
}
