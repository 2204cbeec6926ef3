import Foundation
import SWGateHTTP
import SWGateStore

extension ConsoleEndpoint {
    /// `<id>`, `<id>/payload/<delivery>` or `<id>/receipt/<delivery>/<n>`.
    func messageRoute(_ rest: String, _ layout: Layout, _ display: TimeDisplay) async throws -> EndpointResponse {
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map { Self.percentDecodePath(String($0)) }
        guard let id = parts.first, !id.isEmpty, let record = try await context.store.message(id: id) else {
            return Self.html(
                status: 404, layout.page(title: "No such message", section: .messages, body: "<p>No message has this gateway or wire id.</p>"))
        }
        switch parts.count {
        case 1:
            return try await messagePage(record, layout, display)
        case 3 where parts[1] == "payload":
            guard let deliveryID = Int64(parts[2]), record.deliveries.contains(where: { $0.id == deliveryID }),
                let payload = try await context.store.payload(deliveryID: deliveryID)
            else { break }
            try await appendAudit(
                .payloadDownloaded, by: layout.session.operatorName, Self.describe(payload.body, contentType: payload.contentType),
                messageID: record.id, destination: payload.destination)
            return Self.download(payload.body, contentType: payload.contentType, filename: "\(record.id)-\(payload.destination).xml")
        case 4 where parts[1] == "receipt":
            guard let deliveryID = Int64(parts[2]), let index = Int(parts[3]), let delivery = record.deliveries.first(where: { $0.id == deliveryID }),
                delivery.receipts.indices.contains(index)
            else { break }
            let receipt = delivery.receipts[index]
            try await appendAudit(
                .receiptDownloaded, by: layout.session.operatorName,
                "receipt \(index + 1): " + Self.describe(receipt.body, contentType: receipt.contentType), messageID: record.id,
                destination: delivery.destination)
            return Self.download(
                receipt.body, contentType: receipt.contentType, filename: "\(record.id)-\(delivery.destination)-receipt-\(index + 1).xml")
        default:
            break
        }
        return Self.html(status: 404, layout.page(title: "Not found", section: .messages, body: "<p>No such download.</p>"))
    }

    /// Everything about one message: facts, each delivery with attempts and receipts, its audit
    /// story, and the other messages of its conversation.
    func messagePage(_ record: MessageRecord, _ layout: Layout, _ display: TimeDisplay) async throws -> EndpointResponse {
        let audit = try await context.store.auditEntries(messageID: record.id)
        let conversation = try await context.store.deliveries(matching: DeliveryFilter(conversation: record.conversation, limit: 500))
        let base = "/console/messages/" + HTML.percentEncode(record.id)
        let mayReplay = layout.session.role.mayReplay
        let t = layout.session.language
        var body = """
            <dl class="facts" id="facts">
            <dt>\(t("Gateway id"))</dt><dd class="mono" id="message-id">\(h(record.id))</dd>
            <dt>\(t("Wire message id"))</dt><dd class="mono">\(h(record.wireMessageID))</dd>
            <dt>\(t("Conversation"))</dt><dd class="mono"><a href="/console/messages?conversation=\(h(HTML.percentEncode(record.conversation)))">\(h(record.conversation))</a></dd>
            <dt>\(t("Document"))</dt><dd>\(h(record.documentType)) · \(h(record.function.rawValue))</dd>
            <dt>\(t("From"))</dt><dd>\(h(record.source))</dd>
            <dt>\(t("Accepted"))</dt><dd>\(h(display.format(record.acceptedAt)))</dd>
            </dl>
            """
        let replayable = record.deliveries.filter { $0.state == .failed || $0.state == .dead }
        if mayReplay && !replayable.isEmpty {
            body += """
                <form method="post" action="/console/replay" class="actions">\(hidden("csrf", layout.session.csrfToken))\(hidden("id", record.id))
                <button type="submit" name="scope" value="selection" id="replay">Replay \(replayable.count == 1 ? "the failed delivery" : "\(replayable.count) failed deliveries")… (dry run first)</button></form>
                """
        }
        for delivery in record.deliveries {
            let signed = audit.contains { $0.event.rawValue == "signed" && $0.destination == delivery.destination }
            body += """
                <h2 id="delivery-\(h(delivery.destination))">To \(h(delivery.destination)) \(Layout.badge(delivery.state.rawValue))</h2>
                <dl class="facts">
                <dt>\(t("Attempts"))</dt><dd>\(delivery.attemptCount)</dd>
                \(delivery.nextAttemptAt.map { "<dt>\(t("Next attempt"))</dt><dd>\(h(display.format($0)))</dd>" } ?? "")
                \(delivery.deliveredAt.map { "<dt>\(t("Delivered"))</dt><dd>\(h(display.format($0)))</dd>" } ?? "")
                \(delivery.lastError.map { "<dt>\(t(delivery.state == .delivered ? "Error before delivery" : "Last error"))</dt><dd>\(h($0))</dd>" } ?? "")
                <dt>\(t("Bytes"))</dt><dd><a id="payload-\(h(delivery.destination))" href="\(h(base + "/payload/\(delivery.id)"))">Download \(signed ? "the signed message as sent" : "the document as stored (signed at the first attempt)")</a> (\(h(delivery.contentType)), \(delivery.payloadSize) bytes)</dd>
                </dl>
                """
            body += "<h3>\(t("Attempts"))</h3>"
            body += Layout.table(
                id: "attempts-\(delivery.destination)", headers: t(["#", "Started", "Duration", "Outcome", "HTTP", "Error", "By"]),
                rows: delivery.attempts.map { a in
                    "<tr><td>\(a.number)</td><td class=when>\(h(display.format(a.startedAt)))</td><td>\(a.durationMilliseconds) ms</td><td>\(h(a.outcome.rawValue))</td>"
                        + "<td>\(a.httpStatus.map(String.init) ?? "–")</td><td>\(h(a.error ?? ""))</td><td>\(h(a.owner))</td></tr>"
                }, empty: "No attempt yet.")
            body += "<h3>\(t("Receipts"))</h3>"
            let verification = context.receiptVerification[delivery.destination] ?? ""
            body += Layout.table(
                id: "receipts-\(delivery.destination)", headers: t(["Received", "Type", "Size", "Checked", ""]),
                rows: delivery.receipts.enumerated().map { index, r in
                    "<tr><td class=when>\(h(display.format(r.receivedAt)))</td><td>\(h(r.contentType))</td><td>\(r.body.count) bytes</td>"
                        + "<td>\(h(verification))</td>"
                        + #"<td><a href="\#(h(base + "/receipt/\(delivery.id)/\(index)"))">\#(t("Download"))</a></td></tr>"#
                }, empty: "No receipt.")
        }
        body += "<h2>\(t("Story"))</h2>"
        body += Layout.table(
            id: "story", headers: t(["When", "Event", "Destination", "By", "Detail"]),
            rows: audit.map { e in
                "<tr><td class=when>\(h(display.format(e.at)))</td><td>\(h(e.event.rawValue))</td><td>\(h(e.destination ?? ""))</td><td>\(h(e.actor))</td><td>\(h(e.detail))</td></tr>"
            }, empty: "No audit entry (purged?).")
        body += #"<p><a href="/console/audit?message=\#(h(HTML.percentEncode(record.id)))">\#(t("Open in the audit view"))</a></p>"#
        body += "<h2>\(t("Conversation"))</h2>"
        var seen: [String] = []
        var states: [String: [String]] = [:]
        var heads: [String: DeliverySummary] = [:]
        for row in conversation {
            if heads[row.messageID] == nil {
                seen.append(row.messageID)
                heads[row.messageID] = row
            }
            states[row.messageID, default: []].append("\(h(row.destination)) \(Layout.badge(row.state.rawValue))")
        }
        body += Layout.table(
            id: "conversation", headers: t(["Accepted", "Message", "Function", "Deliveries"]),
            rows: seen.compactMap { id in
                guard let head = heads[id] else { return nil }
                return
                    "<tr\(id == record.id ? #" class="current""# : "")><td class=when>\(h(display.format(head.acceptedAt)))</td><td>\(Layout.messageLink(id))</td>"
                    + "<td>\(h(head.function.rawValue))</td><td>\((states[id] ?? []).joined(separator: " "))</td></tr>"
            }, empty: "No other message.")
        return Self.html(layout.page(title: t("Message") + " " + record.wireMessageID, section: .messages, body: body))
    }

    /// Percent-decoding of one path segment (`+` stays `+`).
    static func percentDecodePath(_ text: String) -> String {
        FormData.decode(Substring(text.replacingOccurrences(of: "+", with: "%2B")))
    }
}
