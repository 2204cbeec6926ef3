import Foundation
import Logging
import SWGateHTTP
import SWGateStore

extension ConsoleEndpoint {
    /// Most deliveries one replay by filter shows and re-sends.
    static let replayLimit = 1_000

    /// A replay in two steps. Without `confirm`: a dry run that lists what would be re-sent, and a
    /// confirmation form naming exactly those deliveries (message and destination, as `id`/`to`
    /// pairs). With `confirm=yes`: the replay of those deliveries, one store replay per destination,
    /// audited with the operator's name. The store moves only deliveries that are still failed or
    /// dead at that moment, so a replay is safe while the engine delivers.
    func replay(_ form: FormData, session: ConsoleSession, _ layout: Layout, _ display: TimeDisplay) async throws -> EndpointResponse {
        let destination = form["destination"]
        let t = layout.session.language
        if form["confirm"] == "yes" {
            let ids = form.all("id")
            let destinations = form.all("to")
            guard !ids.isEmpty else { return nothingSelected(layout) }
            var changes: [ReplayChange] = []
            if destinations.count == ids.count {
                // Exactly the deliveries the dry run listed, even if other deliveries of the same
                // messages failed meanwhile.
                var byDestination: [String: [String]] = [:]
                for (id, to) in zip(ids, destinations) { byDestination[to, default: []].append(id) }
                for (to, messages) in byDestination.sorted(by: { $0.key < $1.key }) {
                    changes += try await context.store.replay(
                        ReplayRequest(selection: .messages(unique(messages)), destination: to, operatorName: session.operatorName, dryRun: false))
                }
            } else {
                changes = try await context.store.replay(
                    ReplayRequest(selection: .messages(unique(ids)), destination: destination, operatorName: session.operatorName, dryRun: false))
            }
            let replayed = changes.filter { $0.to != nil }
            if !replayed.isEmpty { context.wake() }
            logger.notice("console: \(session.operatorName) replayed \(replayed.count) deliveries")
            let body =
                #"<p class="notice good" id="replay-result">Replayed \#(replayed.count) deliver\#(replayed.count == 1 ? "y" : "ies"). The audit log records you as the operator.</p>"#
                + changesTable(changes, dryRun: false, t)
                + #"<p><a href="/console/messages">Back to messages</a></p>"#
            return Self.html(layout.page(title: t("Replayed"), section: .messages, body: body))
        }

        let selection: ReplayRequest.Selection
        var description: String
        if form["scope"] == "filter" {
            var filterForm = FormData("")
            for field in form.fields where field.name.hasPrefix("filter-") {
                filterForm.append(String(field.name.dropFirst("filter-".count)), field.value)
            }
            var filter = SearchCriteria(filterForm).filter(display)
            filter.limit = Self.replayLimit
            selection = .filter(filter)
            let criteria = SearchCriteria(filterForm)
            description =
                criteria.isEmpty
                ? "every failed or dead delivery"
                : "every failed or dead delivery matching " + criteria.fields.map { "\($0.0) = \($0.1)" }.joined(separator: ", ")
        } else {
            let ids = unique(form.all("id"))
            guard !ids.isEmpty else { return nothingSelected(layout) }
            selection = .messages(ids)
            description = ids.count == 1 ? "message \(ids[0])" : "\(ids.count) selected messages"
        }
        let plan = try await context.store.replay(
            ReplayRequest(selection: selection, destination: destination, operatorName: session.operatorName, dryRun: true))
        let replayable = plan.filter { $0.to != nil }
        var body =
            #"<p class="notice warn" id="dry-run">Dry run for \#(h(description)): \#(replayable.count) deliver\#(replayable.count == 1 ? "y" : "ies") would be re-sent. Nothing has changed yet.</p>"#
        body += changesTable(plan, dryRun: true, t)
        if replayable.isEmpty {
            body += #"<p><a href="/console/messages">Back to messages</a></p>"#
        } else {
            body += """
                <form method="post" action="/console/replay" class="actions">\(hidden("csrf", session.csrfToken))\(hidden("confirm", "yes"))
                \(replayable.map { hidden("id", $0.messageID) + hidden("to", $0.destination) }.joined())
                <button type="submit" class="danger" id="confirm-replay">Replay \(replayable.count) deliver\(replayable.count == 1 ? "y" : "ies") now</button>
                <a class="button secondary" href="/console/messages">Cancel</a></form>
                """
        }
        return Self.html(layout.page(title: t("Replay: dry run"), section: .messages, body: body))
    }

    private func changesTable(_ changes: [ReplayChange], dryRun: Bool, _ t: ConsoleLanguage) -> String {
        Layout.table(
            id: "changes", headers: t(["Message", "Destination", "Now", dryRun ? "Would become" : "Became"]),
            rows: changes.map { c in
                "<tr><td>\(Layout.messageLink(c.messageID))</td><td>\(h(c.destination))</td><td>\(Layout.badge(c.from.rawValue))</td>"
                    + "<td>\(c.to.map { Layout.badge($0.rawValue) } ?? #"<span class="muted">left alone</span>"#)</td></tr>"
            }, empty: "No delivery is failed or dead among those chosen.")
    }

    private func nothingSelected(_ layout: Layout) -> EndpointResponse {
        Self.html(
            status: 400,
            layout.page(
                title: "Nothing selected", section: .messages, body: #"<p>Select at least one message. <a href="/console/messages">Back</a></p>"#))
    }

    private func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}
