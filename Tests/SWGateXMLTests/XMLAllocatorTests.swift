import CLibXML2
import Foundation
import Testing

@testable import SWGateXML

/// libxml2 allocates with the process's own `malloc` and `free` (TCMalloc's in `swgate`), with no
/// hooks between: the per-thread free lists the shim once installed there never served a chunk under
/// TCMalloc and only added a lookup to every allocation (`docs/benchmarks-server.md`, section
/// "2026-12-07 14:42–15:50").
@Suite("libxml2's allocator")
struct XMLAllocatorTests {
    @Test("libxml2's malloc and free are the process's")
    func libxml2UsesTheProcessAllocator() throws {
        _ = try XMLDocument(string: "<a/>")  // initialises libxml2 as the gateway does
        var free: xmlFreeFunc?
        var malloc: xmlMallocFunc?
        var realloc: xmlReallocFunc?
        var strdup: xmlStrdupFunc?
        #expect(xmlMemGet(&free, &malloc, &realloc, &strdup) == 0)
        // RTLD_DEFAULT: the definitions the dynamic loader binds for the whole process.
        let processMalloc = dlsym(nil, "malloc")
        let processFree = dlsym(nil, "free")
        #expect(processMalloc != nil && processFree != nil)
        #expect(malloc.map { unsafeBitCast($0, to: UnsafeMutableRawPointer.self) } == processMalloc)
        #expect(free.map { unsafeBitCast($0, to: UnsafeMutableRawPointer.self) } == processFree)
    }
}
