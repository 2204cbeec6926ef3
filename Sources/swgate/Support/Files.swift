import Foundation

/// A file's bytes, or the fact that it is over the size limit (found without reading it).
enum DocumentInput {
    case bytes([UInt8])
    case tooLarge(Int)
}

/// Why a file named on the command line could not be used.
struct InputProblem: Error {
    var message: String
}

/// Reads `path`, refusing to load more than `limit` bytes into memory.
func readDocument(_ path: String, limit: Int) -> Result<DocumentInput, InputProblem> {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        return .failure(InputProblem(message: "cannot read \(path): no such file"))
    }
    guard !isDirectory.boolValue else {
        return .failure(InputProblem(message: "cannot read \(path): it is a directory"))
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    if size > limit { return .success(.tooLarge(size)) }
    guard let data = FileManager.default.contents(atPath: path) else {
        return .failure(InputProblem(message: "cannot read \(path): permission denied or I/O error"))
    }
    return .success(.bytes([UInt8](data)))
}

/// Writes `message` and a newline to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
