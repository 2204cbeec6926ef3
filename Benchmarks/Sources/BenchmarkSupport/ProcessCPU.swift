import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// CPU seconds (user + system) of a process, from /proc.
public enum ProcessCPU {
    public static func selfSeconds() -> Double { seconds(pid: nil) }

    public static func seconds(pid: Int32?) -> Double {
        let (user, system) = split(pid: pid)
        return user + system
    }

    /// This process's CPU seconds in user space and in the kernel.
    public static func selfSplit() -> (user: Double, system: Double) { split(pid: nil) }

    private static func split(pid: Int32?) -> (user: Double, system: Double) {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid.map(String.init) ?? "self")/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return (0, 0) }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return (0, 0) }
        let tick = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user / tick, system / tick)
    }
}
