import Foundation

/// Bytes this process handed to `write`/`pwrite` (`wchar` in /proc/self/io): the store's write-ahead
/// log and checkpoints, plus sockets.
public enum ProcessIO {
    public static func writtenBytes() -> Double {
        guard let io = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8),
            let line = io.split(separator: "\n").first(where: { $0.hasPrefix("wchar:") }),
            let bytes = line.split(separator: " ").compactMap({ Double($0) }).first
        else { return 0 }
        return bytes
    }
}
