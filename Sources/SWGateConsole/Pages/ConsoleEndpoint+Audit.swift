import Foundation
import SWGateHTTP
import SWGateStore

extension ConsoleEndpoint {
    /// Most entries the audit view shows (newest first).
    static let auditLimit = 500

    /// Audit entries filtered by message and by actor (operator or instance), and the chain
    /// verification's result when the operator asked for it.
    func audit(_ form: FormData, verification: AuditReport?, _ layout: Layout, _ display: TimeDisplay) async throws -> EndpointResponse {
        let message = form["message"]?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        let actor = form["actor"]?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        let t = layout.session.language
        var messageID = message
        if let message, let record = try await context.store.message(id: message) { messageID = record.id }
        var entries = try await context.store.auditEntries(messageID: messageID)
        if let actor { entries = entries.filter { $0.actor == actor } }
        let total = entries.count
        entries = Array(entries.reversed().prefix(Self.auditLimit))

        var body = ""
        if let report = verification {
            body +=
                report.isIntact
                ? #"<p class="notice good" id="verification">The audit chain is intact: \#(report.entryCount) entries checked, up to entry \#(report.lastSequence.map(String.init) ?? "–").</p>"#
                : #"<p class="notice bad" id="verification">The audit chain is BROKEN: \#(report.problems.count) problem(s). "#
                    + report.problems.prefix(20).map { "Entry \($0.sequence): \(h($0.reason))" }.joined(separator: "; ") + "</p>"
        }
        body += """
            <form class="filters" method="get" action="/console/audit" id="audit-filter">
            <label>\(t("Message (gateway or wire id)"))<input id="a-message" name="message" value="\(h(message ?? ""))"></label>
            <label>\(t("By (operator or instance)"))<input id="a-actor" name="actor" value="\(h(actor ?? ""))"></label>
            <div class="actions"><button type="submit">\(t("Filter"))</button><a class="button secondary" href="/console/audit">\(t("Clear"))</a></div>
            </form>
            <form method="post" action="/console/audit/verify" class="actions">\(hidden("csrf", layout.session.csrfToken))
            \(message.map { hidden("message", $0) } ?? "")\(actor.map { hidden("actor", $0) } ?? "")
            <button type="submit" id="verify-chain">\(t("Verify the whole chain"))</button>
            <span class="muted">Recomputes every entry's hash from the first; shows where the chain breaks, if it does.</span></form>
            <p class="muted">\(total) entr\(total == 1 ? "y" : "ies")\(total > Self.auditLimit ? ", newest \(Self.auditLimit) shown" : ""), newest first.</p>
            """
        body += Layout.table(
            id: "audit", headers: t(["#", "When", "Event", "Message", "Destination", "By", "Detail"]),
            rows: entries.map { e in
                "<tr><td>\(e.sequence)</td><td class=when>\(h(display.format(e.at)))</td><td>\(h(e.event.rawValue))</td>"
                    + "<td>\(e.messageID.map { Layout.messageLink($0) } ?? "")</td><td>\(h(e.destination ?? ""))</td><td>\(h(e.actor))</td><td>\(h(e.detail))</td></tr>"
            }, empty: "No entry matches.")
        return Self.html(layout.page(title: t("Audit log"), section: .audit, body: body))
    }
}
