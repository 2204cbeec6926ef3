public import Foundation

/// One finding of `swgate doctor`: what was checked, about what, the verdict and why.
public struct DoctorFinding: Codable, Sendable, Hashable {
    /// The verdict, in increasing gravity.
    public enum Status: String, Codable, Sendable, Comparable {
        case ok, warning, failure

        public static func < (lhs: Status, rhs: Status) -> Bool {
            let order: [Status] = [.ok, .warning, .failure]
            return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
        }
    }

    /// The kind of check: `configuration`, `keys`, `trust`, `certificates`, `store`, `partner`, `clock`.
    public var check: String
    /// What it is about: a key's role, a destination's name, the store's location.
    public var subject: String
    /// The verdict.
    public var status: Status
    /// Why, in words.
    public var detail: String

    public init(check: String, subject: String, status: Status, detail: String) {
        self.check = check
        self.subject = subject
        self.status = status
        self.detail = detail
    }
}

/// Everything `swgate doctor` found, in the order it checked.
public struct DoctorReport: Codable, Sendable {
    /// The findings.
    public var findings: [DoctorFinding]
    /// When the checks ran (local clock).
    public var checkedAt: Date

    public init(findings: [DoctorFinding], checkedAt: Date) {
        self.findings = findings
        self.checkedAt = checkedAt
    }

    /// The worst verdict: `ok` when every check passed.
    public var status: DoctorFinding.Status { findings.map(\.status).max() ?? .ok }

    /// 0 every check passed, 1 warnings only, 2 at least one failure.
    public var exitCode: Int32 {
        switch status {
        case .ok: 0
        case .warning: 1
        case .failure: 2
        }
    }

    /// Counts by verdict.
    public func count(_ status: DoctorFinding.Status) -> Int { findings.filter { $0.status == status }.count }

    private enum CodingKeys: String, CodingKey { case status, exitCode, checkedAt, findings, summary }
    private struct Summary: Codable { var ok: Int; var warnings: Int; var failures: Int }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(exitCode, forKey: .exitCode)
        try container.encode(checkedAt, forKey: .checkedAt)
        try container.encode(findings, forKey: .findings)
        try container.encode(Summary(ok: count(.ok), warnings: count(.warning), failures: count(.failure)), forKey: .summary)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        findings = try container.decode([DoctorFinding].self, forKey: .findings)
        checkedAt = try container.decode(Date.self, forKey: .checkedAt)
    }
}
