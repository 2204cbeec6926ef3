import Foundation

/// The frame every signed-in page shares: navigation, the operator's name and role, sign-out,
/// and the time-zone choice. `body` is HTML the page built with every value escaped.
struct Layout {
    enum Section: String { case dashboard, messages, audit }

    let session: ConsoleSession
    let version: String

    func page(title: String, section: Section?, body: String) -> String {
        let t = session.language
        func link(_ target: Section, _ href: String, _ label: String) -> String {
            #"<a href="\#(href)"\#(section == target ? #" class="active""# : "")>\#(label)</a>"#
        }
        let zoneOptions = ([session.timeZone.identifier] + Self.zones).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            .map { #"<option value="\#(h($0))"\#($0 == session.timeZone.identifier ? " selected" : "")>\#(h($0))</option>"# }.joined()
        let languageOptions = ConsoleLanguage.allCases
            .map { #"<option value="\#($0.rawValue)"\#($0 == t ? " selected" : "")>\#(h($0.name))</option>"# }.joined()
        return """
            <!doctype html>
            <html lang="\(t.rawValue)">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(h(title)) · SWGate console</title><link rel="stylesheet" href="/console/static/console.css"></head>
            <body>
            <header>
            <span class="brand">SWGate</span>
            <nav>\(link(.dashboard, "/console/", t("Dashboard"))) \(link(.messages, "/console/messages", t("Messages"))) \(link(.audit, "/console/audit", t("Audit")))</nav>
            <span class="who"><span id="operator">\(h(session.operatorName)) (\(h(session.role.rawValue)))</span>
            <form method="post" action="/console/sign-out">\(hidden("csrf", session.csrfToken))<button type="submit" id="sign-out">\(t("Sign out"))</button></form></span>
            </header>
            <main>
            <h1>\(h(title))</h1>
            \(body)
            </main>
            <footer>
            <form method="post" action="/console/preferences">\(hidden("csrf", session.csrfToken))
            <label for="zone">\(t("Times shown in"))</label><select id="zone" name="zone">\(zoneOptions)</select>
            <label for="language">\(t("Language"))</label><select id="language" name="language">\(languageOptions)</select>
            <button type="submit" class="secondary" id="apply-preferences">\(t("Apply"))</button></form>
            <span>SWGate \(h(version))</span>
            </footer>
            </body></html>
            """
    }

    /// The zones offered besides the operator's own: the ASEAN members' and UTC.
    static let zones = [
        "UTC", "Asia/Ho_Chi_Minh", "Asia/Bangkok", "Asia/Singapore", "Asia/Kuala_Lumpur", "Asia/Jakarta", "Asia/Makassar", "Asia/Manila",
        "Asia/Brunei", "Asia/Phnom_Penh", "Asia/Vientiane", "Asia/Yangon", "Europe/Brussels",
    ]

    /// A state shown as a coloured badge.
    static func badge(_ state: String) -> String {
        #"<span class="state state-\#(h(state))">\#(h(state))</span>"#
    }

    /// A table inside a sideways-scrolling box.
    static func table(id: String? = nil, headers: [String], rows: [String], empty: String) -> String {
        guard !rows.isEmpty else { return #"<p class="muted">\#(h(empty))</p>"# }
        let head = headers.map { "<th>\(h($0))</th>" }.joined()
        return #"<div class="scroll"><table\#(id.map { #" id="\#(h($0))""# } ?? "")><thead><tr>\#(head)</tr></thead><tbody>"#
            + rows.joined(separator: "\n") + "</tbody></table></div>"
    }

    /// The link to a message's page.
    static func messageLink(_ id: String, label: String? = nil) -> String {
        #"<a class="mono" href="/console/messages/\#(h(HTML.percentEncode(id)))">\#(h(label ?? id))</a>"#
    }
}
