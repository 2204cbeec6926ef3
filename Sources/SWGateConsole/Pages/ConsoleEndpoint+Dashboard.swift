import Foundation
import SWGateHTTP
import SWGateStore

extension ConsoleEndpoint {
    /// Counts by state and destination, the oldest pending age, circuit breakers, recent failures
    /// and certificates nearing expiry.
    func dashboard(_ layout: Layout, _ display: TimeDisplay) async throws -> EndpointResponse {
        let stats = try await context.store.stats()
        let failures = try await context.store.deliveries(matching: DeliveryFilter(states: [.failed, .dead], newestFirst: true, limit: 10))
        let breakers = await context.breakers()
        let certificates = context.certificates()
        let now = Date()
        let t = layout.session.language

        var body = #"<div class="tiles" id="totals">"#
        body += tile("messages", t("Messages"), stats.messageCount)
        for state in DeliveryState.allCases {
            body += tile("state-\(state.rawValue)", t(state.rawValue.capitalized), stats.total(state))
        }
        let oldest = stats.oldestPendingAcceptedAt.map { TimeDisplay.age(now.timeIntervalSince($0)) } ?? "none"
        body += #"<div class="tile" id="oldest-pending"><div class="n">\#(h(oldest))</div><div class="l">\#(t("Oldest pending"))</div></div></div>"#

        body += "<h2>\(t("By destination"))</h2>"
        let destinations = Array(Set(stats.rows.map(\.destination))).sorted()
        body += Layout.table(
            id: "by-destination", headers: [t("Destination")] + DeliveryState.allCases.map(\.rawValue),
            rows: destinations.map { destination in
                let cells = DeliveryState.allCases.map { state -> String in
                    let count = stats.rows.first { $0.destination == destination && $0.state == state }?.count ?? 0
                    guard count > 0 else { return "<td>0</td>" }
                    let href = "/console/messages?destination=\(HTML.percentEncode(destination))&state=\(state.rawValue)"
                    return #"<td><a href="\#(h(href))">\#(count)</a></td>"#
                }.joined()
                return "<tr><td>\(h(destination))</td>\(cells)</tr>"
            }, empty: "Nothing stored yet.")

        body += "<h2>\(t("Circuit breakers"))</h2>"
        let open = breakers.filter { $0.state != "closed" }
        body +=
            open.isEmpty
            ? #"<p class="notice good" id="breakers">All \#(breakers.count) destinations' breakers are closed.</p>"#
            : Layout.table(
                id: "breakers", headers: t(["Destination", "State", "Detail"]),
                rows: open.map { "<tr><td>\(h($0.destination))</td><td>\(Layout.badge($0.state))</td><td>\(h($0.detail))</td></tr>" }, empty: "")

        body += "<h2>\(t("Recent failures"))</h2>"
        body += Layout.table(
            id: "recent-failures", headers: t(["When", "Message", "Destination", "State", "Attempts", "Reason"]),
            rows: failures.map { f in
                "<tr><td class=when>\(h(display.format(f.updatedAt)))</td><td>\(Layout.messageLink(f.messageID))</td><td>\(h(f.destination))</td>"
                    + "<td>\(Layout.badge(f.state.rawValue))</td><td>\(f.attemptCount)</td><td>\(h(f.lastError ?? ""))</td></tr>"
            }, empty: "No failed or dead deliveries.")

        body += "<h2>\(t("Certificates"))</h2>"
        let attention = certificates.filter { $0.status != "ok" || $0.daysRemaining <= settings.certificateWarningDays }
        body +=
            attention.isEmpty
            ? #"<p class="notice good" id="certificates">All \#(certificates.count) certificates are valid for more than \#(settings.certificateWarningDays) days.</p>"#
            : Layout.table(
                id: "certificates", headers: t(["Role", "Subject", "Valid until", "Days left", "Status"]),
                rows: attention.sorted { $0.daysRemaining < $1.daysRemaining }.map { c in
                    "<tr><td>\(h(c.role))</td><td class=\"mono\">\(h(c.subject))</td><td class=when>\(h(display.format(c.notAfter)))</td>"
                        + "<td>\(c.daysRemaining)</td><td>\(Layout.badge(c.status))</td></tr>"
                }, empty: "")
        return Self.html(layout.page(title: t("Dashboard"), section: .dashboard, body: body))
    }

    private func tile(_ id: String, _ label: String, _ count: Int) -> String {
        #"<div class="tile" id="\#(h(id))"><div class="n">\#(count)</div><div class="l">\#(h(label))</div></div>"#
    }
}
