import Foundation
import SWGateHTTP
import SWGateStore

extension ConsoleEndpoint {
    static let pageSize = 50
    /// Most rows one CSV export holds.
    static let exportLimit = 10_000

    /// The search form, one page of matching deliveries (newest first) with checkboxes for a
    /// replay of the selection, and the CSV export (`format=csv`).
    func search(_ form: FormData, _ layout: Layout, _ display: TimeDisplay) async throws -> EndpointResponse {
        let criteria = SearchCriteria(form)
        let t = layout.session.language
        var filter = criteria.filter(display)
        filter.newestFirst = true
        if form["format"] == "csv" {
            filter.limit = Self.exportLimit
            let rows = try await context.store.deliveries(matching: filter)
            var csv = CSV.row([
                "message_id", "wire_message_id", "destination", "state", "conversation", "function", "attempts", "accepted_at", "updated_at",
                "last_error",
            ])
            let iso = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
            for r in rows {
                csv += CSV.row([
                    r.messageID, r.wireMessageID, r.destination, r.state.rawValue, r.conversation, r.function.rawValue, String(r.attemptCount),
                    r.acceptedAt.formatted(iso), r.updatedAt.formatted(iso), r.lastError ?? "",
                ])
            }
            let matching = criteria.isEmpty ? "all" : criteria.fields.map { "\($0.0) = \($0.1)" }.joined(separator: ", ")
            try await appendAudit(
                .exported, by: layout.session.operatorName, "CSV of \(rows.count) deliver\(rows.count == 1 ? "y" : "ies"); search: \(matching)")
            return Self.download(Data(csv.utf8), contentType: "text/csv; charset=utf-8", filename: "swgate-messages.csv")
        }
        let page = max(1, Int(form["page"] ?? "") ?? 1)
        filter.offset = (page - 1) * Self.pageSize
        filter.limit = Self.pageSize + 1
        var rows = try await context.store.deliveries(matching: filter)
        let hasMore = rows.count > Self.pageSize
        rows = Array(rows.prefix(Self.pageSize))
        let stats = try await context.store.stats()
        let destinations = Array(Set(stats.rows.map(\.destination))).sorted()

        var body = searchForm(criteria, destinations: destinations, t)
        let mayReplay = layout.session.role.mayReplay
        let table = Layout.table(
            id: "results",
            headers: (mayReplay ? ["", t("Message")] : [t("Message")])
                + t(["Wire id", "Destination", "State", "Conversation", "Function", "Attempts", "Accepted", "Last error"]),
            rows: rows.map { r in
                let box =
                    r.state == .failed || r.state == .dead
                    ? #"<td><input type="checkbox" name="id" value="\#(h(r.messageID))" aria-label="select \#(h(r.messageID))"></td>"# : "<td></td>"
                return "<tr>\(mayReplay ? box : "")<td>\(Layout.messageLink(r.messageID))</td><td class=\"mono\">\(h(r.wireMessageID))</td>"
                    + "<td>\(h(r.destination))</td><td>\(Layout.badge(r.state.rawValue))</td><td class=\"mono\">\(h(r.conversation))</td>"
                    + "<td>\(h(r.function.rawValue))</td><td>\(r.attemptCount)</td><td class=when>\(h(display.format(r.acceptedAt)))</td><td>\(h(r.lastError ?? ""))</td></tr>"
            }, empty: "No delivery matches.")
        let base = "/console/messages?" + criteria.query
        var pager = #"<div class="actions"><span class="muted">Page \#(page)</span>"#
        if page > 1 { pager += #"<a class="button secondary" id="previous" href="\#(h(base + "&page=\(page - 1)"))">\#(t("Previous"))</a>"# }
        if hasMore { pager += #"<a class="button secondary" id="next" href="\#(h(base + "&page=\(page + 1)"))">\#(t("Next"))</a>"# }
        pager += #"<a class="button secondary" id="export" href="\#(h(base + "&format=csv"))">\#(t("Export CSV"))</a></div>"#
        if mayReplay {
            let filterFields = criteria.fields.map { hidden("filter-" + $0.0, $0.1) }.joined()
            body += """
                <form method="post" action="/console/replay">\(hidden("csrf", layout.session.csrfToken))
                \(table)\(pager)
                <div class="actions">
                <button type="submit" name="scope" value="selection" id="replay-selected">\(t("Replay selected… (dry run first)"))</button>
                <button type="submit" name="scope" value="filter" class="secondary" id="replay-matching">\(t("Replay every failed or dead delivery matching the search… (dry run first)"))</button>
                </div>\(filterFields)</form>
                """
        } else {
            body += table + pager
        }
        return Self.html(layout.page(title: t("Messages"), section: .messages, body: body))
    }

    private func searchForm(_ c: SearchCriteria, destinations: [String], _ t: ConsoleLanguage) -> String {
        func input(_ name: String, _ label: String, _ value: String?, type: String = "text") -> String {
            #"<label>\#(h(t(label)))<input type="\#(type)" id="q-\#(name)" name="\#(name)" value="\#(h(value ?? ""))"></label>"#
        }
        func select(_ name: String, _ label: String, _ options: [String], _ value: String?) -> String {
            let items = ([""] + options).map {
                #"<option value="\#(h($0))"\#($0 == (value ?? "") ? " selected" : "")>\#(h($0.isEmpty ? "any" : $0))</option>"#
            }
            return #"<label>\#(h(t(label)))<select id="q-\#(name)" name="\#(name)">\#(items.joined())</select></label>"#
        }
        let functions = [MessageFunction.issue, .amend, .cancel, .ack, .reject, .status].map(\.rawValue)
        return """
            <form class="filters" method="get" action="/console/messages" id="search">
            \(input("id", "Gateway or wire message id", c.id))
            \(input("reference", "C/O or licence reference", c.reference))
            \(input("conversation", "Conversation", c.conversation))
            \(select("destination", "Destination", destinations, c.destination))
            \(select("state", "State", DeliveryState.allCases.map(\.rawValue), c.state?.rawValue))
            \(select("function", "Function", functions, c.function))
            \(input("from", "Accepted from", c.from, type: "datetime-local"))
            \(input("to", "Accepted before", c.to, type: "datetime-local"))
            <div class="actions"><button type="submit" id="search-button">\(t("Search"))</button><a class="button secondary" href="/console/messages">\(t("Clear"))</a></div>
            </form>
            """
    }
}
