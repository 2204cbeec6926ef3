// libFuzzer's entry points. libFuzzer provides `main` (the package is built with
// `-sanitize=fuzzer,address -parse-as-library`); SWGATE_FUZZ_TARGET chooses the target.
import CFuzzerDriver
import Foundation

/// Called once before any input: picks the target, loads keys and schemas, and writes freshly
/// signed seeds to SWGATE_FUZZ_GENERATED (scripts/fuzz.sh passes that directory as a corpus too,
/// so signed messages start out with signatures that verify today).
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?)
    -> CInt
{
    let environment = ProcessInfo.processInfo.environment
    guard let name = environment["SWGATE_FUZZ_TARGET"], let target = FuzzTargets.named(name) else {
        FileHandle.standardError.write(Data("set SWGATE_FUZZ_TARGET to one of: \(FuzzTargets.names.joined(separator: ", "))\n".utf8))
        exit(2)
    }
    FuzzTargets.selected.initialize(target)
    if let directory = environment["SWGATE_FUZZ_GENERATED"] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (index, seed) in target.generatedSeeds().enumerated() {
                try Data(seed).write(to: URL(fileURLWithPath: directory + "/generated-\(index)"))
            }
        } catch {
            FileHandle.standardError.write(Data("cannot write generated seeds to \(directory): \(error)\n".utf8))
            exit(2)
        }
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzTargets.selected.target.run(bytes)
    return 0
}

/// The executable's entry point. SwiftPM defines `main` as the module's entry symbol, so libFuzzer's
/// own `main` is not linked; this hands the arguments to libFuzzer's driver, which calls
/// ``fuzzInitialize(_:_:)`` and then ``fuzzOne(_:_:)`` for every input.
@_cdecl("swgate_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOne(data, size) }
}
