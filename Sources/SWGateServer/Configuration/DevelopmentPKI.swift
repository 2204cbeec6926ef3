import Foundation

/// Finds the development PKI (`certificates.directory`, `Certificates` by default) when no
/// `security` section names production keys, so that an installed `swgate` run from any
/// directory either finds it or says where it looked.
public enum DevelopmentPKI {
    /// The file whose presence marks a PKI directory.
    static let marker = "gateway.key"

    /// Where a relative `directory` is looked for, in order: below `baseDirectory` (the working
    /// directory), then beside the executable. An absolute `directory` is the only candidate.
    public static func candidates(_ directory: String, baseDirectory: String) -> [String] {
        if directory.hasPrefix("/") { return [directory] }
        var result = [join(baseDirectory, directory)]
        if let executableDirectory, !result.contains(join(executableDirectory, directory)) {
            result.append(join(executableDirectory, directory))
        }
        return result
    }

    /// The first candidate that holds `gateway.key`, or an error that names every place looked
    /// at and how to give keys instead.
    public static func locate(_ directory: String, baseDirectory: String) throws(GatewayStartupError) -> String {
        let places = candidates(directory, baseDirectory: baseDirectory)
        if let found = places.first(where: { FileManager.default.fileExists(atPath: join($0, marker)) }) { return found }
        throw GatewayStartupError(
            "keys",
            "the development PKI (\(marker)) is in neither \(places.joined(separator: " nor ")); "
                + "give production keys with --config FILE (a security section, see docs/configuration.md) "
                + "or point SWGATE_CERTIFICATES at a directory laid out like Certificates/")
    }

    /// The directory of the running program (`/proc/self/exe` on Linux), symbolic links resolved.
    static var executableDirectory: String? {
        let link = URL(fileURLWithPath: "/proc/self/exe")
        let executable = FileManager.default.fileExists(atPath: link.path) ? link.resolvingSymlinksInPath() : Bundle.main.executableURL
        return executable?.deletingLastPathComponent().path
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
