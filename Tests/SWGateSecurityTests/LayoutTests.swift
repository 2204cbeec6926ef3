import CXMLSec
import Foundation
import Testing

/// The shim header must see xmlsec's structs exactly as the library was built (pkg-config's
/// -D flags change xmlSecSize from 8 to 4 bytes): compare with a C program built with those flags.
@Test func xmlsecStructLayoutMatchesTheLibrary() async throws {
    let directory = try TemporaryDirectory()
    let source = try directory.write(
        "layout.c",
        Array(
            """
            #include <stdio.h>
            #include <xmlsec/xmlsec.h>
            #include <xmlsec/xmldsig.h>
            #include <xmlsec/keyinfo.h>
            #include <xmlsec/transforms.h>
            int main(void) {
                printf("%zu %zu %zu\\n", sizeof(xmlSecDSigCtx), sizeof(xmlSecKeyInfoCtx), sizeof(xmlSecTransformCtx));
                return 0;
            }
            """.utf8))
    let flags = try await run("/usr/bin/pkg-config", ["--cflags", "xmlsec1-openssl"]).output
        .split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    let binary = directory.path + "/layout"
    let compile = try await run("/usr/bin/env", ["cc"] + flags + [source, "-o", binary])
    try #require(compile.status == 0, "cc failed: \(compile.error)")
    let sizes = try await run(binary, []).output.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    #expect(sizes == [MemoryLayout<xmlSecDSigCtx>.size, MemoryLayout<xmlSecKeyInfoCtx>.size, MemoryLayout<xmlSecTransformCtx>.size])
    #expect(Int(swg_sizeofDSigCtx()) == MemoryLayout<xmlSecDSigCtx>.size)
}
