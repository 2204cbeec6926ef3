import Foundation

/// The gateway's XML schemas, compiled into the program (`EmbeddedSchemas.swift`, generated from
/// the `.xsd` files beside this source by `scripts/embed-schemas.sh`), so an installed `swgate`
/// needs no resource bundle and schemas are never fetched at run time.
///
/// libxml2 compiles a schema from a file and resolves its `xs:import`s relative to it, so the
/// schemas are written once per process to a private temporary directory (`mkdtemp`, mode 0700,
/// under `$TMPDIR`), removed again when the process exits normally.
///
/// A process that is killed (SIGKILL, the OOM killer) cannot remove its copy, so every copy holds
/// an exclusive `flock` on its `.lock` file for as long as its process lives, and the next process
/// that writes a copy removes every `swgate-schemas-*` directory whose lock it can take: the kernel
/// drops a lock when its process dies, so a copy still in use is never touched, whatever the pids.
public enum SchemaDirectory {
    /// Why the schemas could not be written out.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Relative paths of every schema, e.g. `atiga-form-d.xsd`, `standard/xml.xsd`.
    public static var relativePaths: [String] { EmbeddedSchemas.files.keys.sorted() }

    /// The text of one schema from memory, e.g. `contents("nsw-envelope.xsd")`; nil if there is none.
    public static func contents(_ relativePath: String) -> String? {
        EmbeddedSchemas.files[relativePath]
    }

    /// Absolute path of the directory that holds `atiga-form-d.xsd`, `nsw-envelope.xsd` and the
    /// `standard/` schemas (SOAP, ebMS, XML-DSig, WS-Security); written on first use.
    public static func directory() throws(Failure) -> String {
        try written.get()
    }

    /// Absolute path of one schema file, e.g. `file("nsw-envelope.xsd")` or
    /// `file("standard/soap11-envelope.xsd")`.
    public static func file(_ relativePath: String) throws(Failure) -> String {
        try directory() + "/" + relativePath
    }

    /// Written once per process (a lazily initialised global is initialised exactly once, even
    /// under concurrent first use).
    private static let written: Result<String, Failure> = Result { () throws(Failure) in try write() }

    static let prefix = "swgate-schemas-"
    static let lockName = ".lock"

    private static func write() throws(Failure) -> String {
        let temporary = FileManager.default.temporaryDirectory.path
        removeAbandonedCopies(in: temporary)
        var template = Array((temporary + "/" + prefix + "XXXXXX").utf8CString)
        guard mkdtemp(&template) != nil else {
            throw Failure(description: "cannot create a temporary directory for the schemas under \(temporary)")
        }
        let directory = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        atexit { SchemaDirectory.removeWrittenCopy() }
        try holdLock(in: directory)
        for (relativePath, text) in EmbeddedSchemas.files {
            let url = URL(fileURLWithPath: directory + "/" + relativePath)
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
            } catch {
                throw Failure(description: "cannot write the schema \(url.path): \(error.localizedDescription)")
            }
        }
        return directory
    }

    /// Locks `directory/.lock` for the rest of the process (the descriptor is never closed). The
    /// lock is taken on a file of another name, then renamed: a `.lock` that another process can
    /// see is always already locked, so it never takes a copy being written for abandoned.
    private static func holdLock(in directory: String) throws(Failure) {
        let pending = directory + "/" + lockName + ".pending"
        let descriptor = open(pending, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0, flock(descriptor, LOCK_EX) == 0, rename(pending, directory + "/" + lockName) == 0 else {
            throw Failure(description: "cannot lock the schema directory \(directory): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes the copies in `temporary` whose process has died: those whose `.lock` can be
    /// locked. Only real directories of this user are looked at (not a link someone else put in a
    /// shared `/tmp`); a directory without a `.lock` (being created, or left by a version without
    /// locks) is kept.
    static func removeAbandonedCopies(in temporary: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: temporary) else { return }
        for name in names where name.hasPrefix(prefix) {
            let directory = temporary + "/" + name
            var status = stat()
            guard lstat(directory, &status) == 0, status.st_mode & S_IFMT == S_IFDIR, status.st_uid == getuid() else { continue }
            let descriptor = open(directory + "/" + lockName, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { continue }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    private static func removeWrittenCopy() {
        if case .success(let directory) = written {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}
