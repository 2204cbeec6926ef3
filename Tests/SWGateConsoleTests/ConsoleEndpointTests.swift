import Foundation
import SWGateConsole
import SWGateHTTP
import SWGateStore
import SWGateTesting
import Testing

@Suite("Console: endpoint in-process")
struct ConsoleEndpointTests {
    @Test("Without a session pages redirect to sign-in and POSTs are refused")
    func noSession() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        let page = await harness.send("GET", "/console/messages")
        #expect(page.status == 303 && page.headers["location"] == "/console/sign-in")
        #expect(await harness.send("POST", "/console/replay", form: [("id", "x")]).status == 401)
        #expect(await harness.send("GET", "/console/", cookie: "swgate_console=forged").status == 303)
    }

    @Test("Sign-in sets an HttpOnly SameSite=Strict cookie, Secure only over TLS; wrong passwords and a missing form token are refused")
    func signIn() async throws {
        let plain = try ConsoleHarness()
        defer { plain.close() }
        let page = await plain.send("GET", "/console/sign-in")
        let token = try #require(ConsoleHarness.csrf(in: page))
        let signInCookie = try #require(page.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
        let noToken = await plain.send(
            "POST", "/console/sign-in", cookie: signInCookie, form: [("name", "alice"), ("password", ConsoleHarness.operatorPassword)])
        #expect(noToken.status == 403)
        let wrong = await plain.send(
            "POST", "/console/sign-in", cookie: signInCookie, form: [("csrf", token), ("name", "alice"), ("password", "nope")])
        #expect(wrong.status == 401 && wrong.text.contains("Wrong operator name or password"))
        let good = await plain.send(
            "POST", "/console/sign-in", cookie: signInCookie,
            form: [("csrf", token), ("name", "alice"), ("password", ConsoleHarness.operatorPassword)])
        let cookie = try #require(good.headers["set-cookie"])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/console") && !cookie.contains("Secure"))

        let tls = try ConsoleHarness(tls: true)
        defer { tls.close() }
        #expect(await tls.send("GET", "/console/sign-in").headers["set-cookie"]?.contains("; Secure") == true)
    }

    @Test("Repeated failures lock the account's sign-in with 429")
    func rateLimited() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        let page = await harness.send("GET", "/console/sign-in")
        let token = try #require(ConsoleHarness.csrf(in: page))
        let cookie = try #require(page.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
        for _ in 0..<3 {
            _ = await harness.send("POST", "/console/sign-in", cookie: cookie, form: [("csrf", token), ("name", "alice"), ("password", "guess")])
        }
        let locked = await harness.send(
            "POST", "/console/sign-in", cookie: cookie, form: [("csrf", token), ("name", "alice"), ("password", ConsoleHarness.operatorPassword)])
        #expect(locked.status == 429 && locked.headers["retry-after"] != nil)
    }

    @Test("Replay: refused without the CSRF token and for a viewer; a dry run changes nothing; the confirmation replays as the operator")
    func replay() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        let id = try await harness.deadMessage("W-1", conversation: "VN-1")
        let alice = try await harness.signIn("alice", ConsoleHarness.operatorPassword)
        #expect(await harness.send("POST", "/console/replay", cookie: alice.cookie, form: [("id", id)]).status == 403)
        // Another token: the session's with its first digit changed (to 1 if it is 0, else to 0).
        let forged = (alice.csrf.first == "0" ? "1" : "0") + alice.csrf.dropFirst()
        #expect(await harness.send("POST", "/console/replay", cookie: alice.cookie, form: [("id", id), ("csrf", forged)]).status == 403)

        let victor = try await harness.signIn("victor", ConsoleHarness.viewerPassword)
        let refused = await harness.send(
            "POST", "/console/replay", cookie: victor.cookie, form: [("csrf", victor.csrf), ("id", id), ("confirm", "yes")])
        #expect(refused.status == 403)
        #expect(!(await harness.send("GET", "/console/messages/\(id)", cookie: victor.cookie)).text.contains(#"id="replay""#))

        let dry = await harness.send(
            "POST", "/console/replay", cookie: alice.cookie, form: [("csrf", alice.csrf), ("scope", "filter"), ("filter-state", "dead")])
        #expect(dry.status == 200 && dry.text.contains("1 delivery would be re-sent"))
        #expect(try await harness.store.stats().total(.dead) == 1)
        let done = await harness.send("POST", "/console/replay", cookie: alice.cookie, form: [("csrf", alice.csrf), ("confirm", "yes"), ("id", id)])
        #expect(done.status == 200 && done.text.contains("Replayed 1 delivery"))
        #expect(try await harness.store.stats().total(.pending) == 1)
        let audit = try await harness.store.auditEntries(messageID: id).filter { $0.event == .replayed }
        #expect(audit.map(\.actor) == ["alice"])
    }

    @Test("Every value is escaped; no page carries a password hash or the session id; pages forbid framing and inline code")
    func escaping() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        let id = try await harness.deadMessage("<script>alert(1)</script>", conversation: "\"><img src=x onerror=alert(2)>")
        let alice = try await harness.signIn("alice", ConsoleHarness.operatorPassword)
        let sessionID = String(alice.cookie.split(separator: "=")[1])
        for path in ["/console/", "/console/messages", "/console/messages/\(id)", "/console/audit"] {
            let page = await harness.send("GET", path, cookie: alice.cookie)
            #expect(page.status == 200, "\(path)")
            #expect(!page.text.contains("<script>alert(1)") && !page.text.contains("<img src=x"), "\(path) carries unescaped input")
            #expect(
                !page.text.contains(ConsoleHarness.operatorHash) && !page.text.contains(ConsoleHarness.viewerHash) && !page.text.contains(sessionID))
            #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true)
            #expect(page.headers["x-frame-options"] == "DENY" && page.headers["cache-control"] == "no-store")
        }
        #expect(await harness.send("GET", "/console/messages/\(id)", cookie: alice.cookie).text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    @Test("Search filters and pages; the CSV export quotes cells and defuses formulas; downloads give the stored bytes")
    func searchAndExport() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        let id = try await harness.deadMessage("=HYPERLINK(\"x\")", conversation: "VN, 1")
        _ = try await harness.deadMessage("W-2", conversation: "VN-2")
        let alice = try await harness.signIn("alice", ConsoleHarness.operatorPassword)
        let found = await harness.send("GET", "/console/messages", query: ["conversation": "VN-2"], cookie: alice.cookie)
        #expect(found.text.contains("W-2") && !found.text.contains("HYPERLINK"))
        let csv = await harness.send("GET", "/console/messages", query: ["state": "dead", "format": "csv"], cookie: alice.cookie)
        #expect(csv.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(csv.text.contains(#""'=HYPERLINK(""x"")""#))
        #expect(csv.text.contains(#""VN, 1""#))
        let record = try #require(try await harness.store.message(id: id))
        let payload = await harness.send("GET", "/console/messages/\(id)/payload/\(record.deliveries[0].id)", cookie: alice.cookie)
        #expect(payload.text == "<doc/>" && payload.headers["content-disposition"]?.hasPrefix("attachment") == true)
    }

    @Test("Sign-out ends the session")
    func signOut() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        let alice = try await harness.signIn("alice", ConsoleHarness.operatorPassword)
        #expect(await harness.send("POST", "/console/sign-out", cookie: alice.cookie, form: [("csrf", alice.csrf)]).status == 303)
        #expect(await harness.send("GET", "/console/", cookie: alice.cookie).status == 303)
    }
}

@Suite("Console: replaying a selection")
struct ConsoleSelectionTests {
    @Test("A selection of two dead messages is dry-run, then replayed together; a delivered one in the selection is left alone")
    func selection() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        let first = try await harness.deadMessage("W-1", conversation: "VN-1")
        let second = try await harness.deadMessage("W-2", conversation: "VN-2")
        let alice = try await harness.signIn("alice", ConsoleHarness.operatorPassword)
        let dry = await harness.send(
            "POST", "/console/replay", cookie: alice.cookie, form: [("csrf", alice.csrf), ("scope", "selection"), ("id", first), ("id", second)])
        #expect(dry.text.contains("2 selected messages") && dry.text.contains("2 deliveries would be re-sent"))
        #expect(dry.text.components(separatedBy: #"name="to""#).count == 3, "the confirmation names both deliveries")
        #expect(try await harness.store.stats().total(.dead) == 2)
        let done = await harness.send(
            "POST", "/console/replay", cookie: alice.cookie, form: [("csrf", alice.csrf), ("confirm", "yes"), ("id", first), ("id", second)])
        #expect(done.text.contains("Replayed 2 deliveries"))
        let again = await harness.send(
            "POST", "/console/replay", cookie: alice.cookie, form: [("csrf", alice.csrf), ("scope", "selection"), ("id", first)])
        #expect(again.text.contains("0 deliveries would be re-sent") && again.text.contains("left alone"))
        #expect(!again.text.contains("confirm-replay"))
    }
}

@Suite("Console: labels in Vietnamese")
struct ConsoleLanguageTests {
    @Test("An operator configured for Vietnamese sees Vietnamese labels; the footer switches a session's language")
    func vietnamese() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        let alice = try await harness.signIn("alice", ConsoleHarness.operatorPassword)
        #expect(await harness.send("GET", "/console/", cookie: alice.cookie).text.contains(">Dashboard<"))
        let switched = await harness.send(
            "POST", "/console/preferences", cookie: alice.cookie, form: [("csrf", alice.csrf), ("language", "vi"), ("zone", "Asia/Bangkok")])
        #expect(switched.status == 303)
        let page = await harness.send("GET", "/console/", cookie: alice.cookie).text
        #expect(page.contains("Tổng quan") && page.contains(#"lang="vi""#) && page.contains(#"<option value="Asia/Bangkok" selected>"#))
    }
}

@Suite("Console: the confirmation replays what the dry run showed")
struct ConsoleConfirmationTests {
    @Test("A delivery that fails after the dry run is not replayed by its confirmation")
    func exactly() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        _ = try await harness.store.enqueue(
            NewMessage(
                wireMessageID: "W-9", conversation: "VN-9", documentType: "ATIGA-FORM-D", function: .issue, source: "portal",
                payloads: ["nsw", "asw"].map { OutboundPayload(destination: $0, body: Data("<doc/>".utf8), contentType: "application/xml") }))
        func kill(_ destination: String) async throws {
            let claimed = try #require(
                try await harness.store.claim(destination: destination, limit: 1, owner: "t", leaseDuration: .seconds(60), now: Date()).first)
            _ = try await harness.store.complete(
                DeliveryCompletion(
                    deliveryID: claimed.deliveryID, owner: "t", startedAt: Date(), duration: .milliseconds(1), outcome: .transientFailure,
                    transition: .dead))
        }
        try await kill("nsw")
        let alice = try await harness.signIn("alice", ConsoleHarness.operatorPassword)
        let dry = await harness.send(
            "POST", "/console/replay", cookie: alice.cookie, form: [("csrf", alice.csrf), ("scope", "filter"), ("filter-state", "dead")])
        #expect(dry.text.contains("1 delivery would be re-sent"))
        try await kill("asw")
        // The confirmation form as the dry run rendered it.
        let text = dry.text
        let confirm = text[text.range(of: #"name="confirm""#)!.lowerBound...]
        var fields: [(String, String)] = [("csrf", alice.csrf), ("confirm", "yes")]
        for name in ["id", "to"] {
            for part in confirm.components(separatedBy: #"name="\#(name)" value=""#).dropFirst() {
                fields.append((name, String(part.prefix { $0 != "\"" })))
            }
        }
        let done = await harness.send("POST", "/console/replay", cookie: alice.cookie, form: fields)
        #expect(done.text.contains("Replayed 1 delivery"))
        let record = try #require(try await harness.store.message(id: "W-9"))
        #expect(record.deliveries.map(\.state) == [.pending, .dead])
    }
}

@Suite("Console: time range in the operator's zone")
struct ConsoleTimeRangeTests {
    @Test("From and before are read in the session's zone; times are shown in it")
    func range() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        _ = try await harness.deadMessage("W-1", conversation: "VN-1")
        let alice = try await harness.signIn("alice", ConsoleHarness.operatorPassword)
        _ = await harness.send("POST", "/console/preferences", cookie: alice.cookie, form: [("csrf", alice.csrf), ("zone", "Asia/Ho_Chi_Minh")])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date())
        func local(_ hourShift: Int) -> String {
            let date = calendar.date(byAdding: .hour, value: hourShift, to: calendar.date(from: c)!)!
            let d = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
            return String(format: "%04d-%02d-%02dT%02d:%02d", d.year!, d.month!, d.day!, d.hour!, d.minute!)
        }
        // The message was accepted within the last minute, local time in Ho Chi Minh City.
        let inside = await harness.send("GET", "/console/messages", cookie: alice.cookie, raw: "from=\(local(-1))&to=\(local(1))")
        #expect(inside.text.contains("W-1") && inside.text.contains("UTC+7"))
        // The same wall-clock hour read as UTC would be seven hours earlier: nothing then.
        let later = await harness.send("GET", "/console/messages", cookie: alice.cookie, raw: "from=\(local(1))")
        #expect(!later.text.contains("W-1"))
        let earlier = await harness.send("GET", "/console/messages", cookie: alice.cookie, raw: "to=\(local(-1))")
        #expect(!earlier.text.contains("W-1"))
    }

    @Test("A search typed into the form (spaces as +) finds the reference")
    func plus() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        _ = try await harness.deadMessage("W-7", conversation: "VN-TH 26/12/000001")
        let alice = try await harness.signIn("alice", ConsoleHarness.operatorPassword)
        let found = await harness.send("GET", "/console/messages", cookie: alice.cookie, raw: "reference=VN-TH+26%2F12%2F000001&state=dead")
        #expect(found.text.contains("W-7"))
    }

    @Test("Sign-out says so on the sign-in page")
    func signedOut() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        #expect(await harness.send("GET", "/console/sign-in", query: ["signed-out": "1"]).text.contains("You are signed out."))
    }
}
