import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import SWGateAS4
import SWGateChannels
import SWGateDomain
import SWGateHTTP
import SWGateNSW
import SWGateSecurity
import SWGateServer
import SWGateTesting
import SWGateXML
import Synchronization
import Testing

/// A clock the test steps: the gateway chooses its signing key by it.
final class SteppedClock: Sendable {
    private let date: Mutex<Date>
    init(_ date: Date) { self.date = Mutex(date) }
    func set(_ value: Date) { date.withLock { $0 = value } }
    var now: @Sendable () -> Date { { self.date.withLock { $0 } } }
}

/// Passes every request to `inner` and keeps the request bodies and headers.
final class RecordingEndpoint: Endpoint {
    let inner: any Endpoint
    let bodies = Mutex<[[UInt8]]>([])
    let headers = Mutex<[[String: String]]>([])
    init(_ inner: any Endpoint) { self.inner = inner }
    func handle(_ request: EndpointRequest) async -> EndpointResponse {
        if request.method == "POST" {
            bodies.withLock { $0.append(request.body) }
            headers.withLock { $0.append(request.headers) }
        }
        return await inner.handle(request)
    }
}

func instant(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

@Suite("Keys and time: certificate rollover, partners' overlapping certificates, clock skew", .serialized)
struct KeysAndTimeTests {
    static func certificate(_ name: String) throws -> Certificate {
        try Certificate.load(pemFile: certificatesDirectory + "/" + name)[0]
    }

    /// The development keys with a schedule: `gateway` signs until 2030-01-15, `ecdsa` from
    /// 2030-01-01 (an overlap of two weeks in which the newer key signs).
    static func rolloverSecurity() -> SecurityConfiguration {
        var security = SecurityConfiguration.development(directory: certificatesDirectory)
        security.systemKeySchedule = [
            ScheduledKeySource(
                source: KeySource(keyPath: "gateway.key", certificatePath: "gateway.pem"), useUntil: instant("2030-01-15T00:00:00Z")),
            ScheduledKeySource(source: KeySource(keyPath: "ecdsa.key", certificatePath: "ecdsa.pem"), useFrom: instant("2030-01-01T00:00:00Z")),
        ].map {
            var scheduled = $0
            scheduled.source = scheduled.source.resolved(against: certificatesDirectory)
            return scheduled
        }
        return security
    }

    @Test("The key in force is chosen by date: the old key before the new one's start, the newer during the overlap, the new after the old one's end")
    func keyChosenByDate() throws {
        let clock = SteppedClock(instant("2029-12-31T12:00:00Z"))
        let services = try SecurityServices(configuration: Self.rolloverSecurity(), now: clock.now)
        let old = try Self.certificate("gateway.pem")
        let new = try Self.certificate("ecdsa.pem")
        #expect(services.systemIdentity.certificate.fingerprintSHA256 == old.fingerprintSHA256)
        clock.set(instant("2030-01-02T00:00:00Z"))
        #expect(services.systemIdentity.certificate.fingerprintSHA256 == new.fingerprintSHA256)
        clock.set(instant("2030-02-01T00:00:00Z"))
        #expect(services.systemIdentity.certificate.fingerprintSHA256 == new.fingerprintSHA256)
        // Before the schedule is reached the first key signs; certs check says what is in force.
        let report = services.certificateReport(warningDays: 30, at: instant("2029-12-31T12:00:00Z"))
        let first = try #require(report.first { $0.role == "system key 1" })
        #expect(first.status == .ok)
        #expect(first.detail.contains("the next key takes over"), "\(first.detail)")
        let second = try #require(report.first { $0.role == "system key 2" })
        #expect(second.detail.hasPrefix("next: signs from 2030-01-01"), "\(second.detail)")
    }

    @Test("certs check warns when the key in force expires within the window and no key takes over")
    func expiryWithoutSuccessor() throws {
        var security = SecurityConfiguration.development(directory: certificatesDirectory)
        security.systemKeySchedule = [
            ScheduledKeySource(
                source: KeySource(keyPath: "gateway.key", certificatePath: "gateway.pem").resolved(against: certificatesDirectory),
                useUntil: instant("2030-01-15T00:00:00Z"))
        ]
        let services = try SecurityServices(configuration: security)
        // One key only: the report keeps the single-key role and the certificate's own expiry.
        let gateway = try Self.certificate("gateway.pem")
        let late = gateway.notAfter.addingTimeInterval(-10 * 86_400)
        let entry = try #require(services.certificateReport(warningDays: 30, at: late).first { $0.role == "system key" })
        #expect(entry.status == .expiring)
        #expect(entry.daysRemaining == 9 || entry.daysRemaining == 10)

        // Two keys, the second never taking over before the first ends: warned.
        let rollover = try SecurityServices(configuration: Self.rolloverSecurity())
        var gap = Self.rolloverSecurity()
        gap.systemKeySchedule[1].useFrom = instant("2030-02-01T00:00:00Z")
        let withGap = try SecurityServices(configuration: gap)
        let near = instant("2030-01-05T00:00:00Z")
        let warned = try #require(withGap.certificateReport(warningDays: 30, at: near).first { $0.role == "system key 1" })
        #expect(warned.status == .expiring, "\(warned.detail)")
        #expect(warned.detail.contains("no configured key takes over"))
        // With a successor in time there is no warning, and the retired key is not a failure later.
        let covered = try #require(
            rollover.certificateReport(warningDays: 30, at: instant("2029-12-20T00:00:00Z")).first { $0.role == "system key 1" })
        #expect(covered.status == .ok)
        let retired = try #require(
            rollover.certificateReport(warningDays: 30, at: instant("2030-03-01T00:00:00Z")).first { $0.role == "system key 1" })
        #expect(retired.status == .ok)
        #expect(retired.detail.hasPrefix("retired"))
        // Between the two periods no key is in force: a failure.
        let between = try #require(withGap.certificateReport(warningDays: 30, at: instant("2030-01-20T00:00:00Z")).first { $0.status.isFailure })
        #expect(between.detail.contains("no system key is in force"))
    }

    @Test("system_keys in the YAML configuration: periods read, both spellings refused together, an empty period refused")
    func yamlSchedule() throws {
        let d = certificatesDirectory
        let section = { (keys: String) in
            """
            security:
            \(keys)
              trust_anchors: [\(d)/ca.pem]
              local_party: {name: M, identity: MOIT-VN, country_code: VN, ministry_code: MOIT, organization_code: XNK}
              nsw_party: {name: N, identity: NSW-VN, country_code: VN, ministry_code: MOF, organization_code: GDVC}
              partners:
                - {id: NSW-VN, certificate_files: [\(d)/nsw.pem, \(d)/officer.pem]}
            destinations:
              asw: {partner: NSW-VN}

            """
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let good = try directory.write(
            "good.yaml",
            Array(
                section(
                    """
                      system_keys:
                        - {key: \(d)/gateway.key, certificate: \(d)/gateway.pem, use_until: 2030-01-15T00:00:00Z}
                        - {key: \(d)/ecdsa.key, certificate: \(d)/ecdsa.pem, use_from: 2030-01-01}
                      organisation_keys:
                        - {key: \(d)/officer.key, certificate: \(d)/officer.pem, use_until: 2030-01-15}
                        - {key: \(d)/portal.key, certificate: \(d)/portal.pem, use_from: 2030-01-01}
                    """
                ).utf8))
        let configuration = try ConfigurationLoader(environment: [:]).load(file: good)
        let schedule = try #require(configuration.security?.systemKeySchedule)
        #expect(schedule.count == 2)
        #expect(schedule[0].useUntil == instant("2030-01-15T00:00:00Z"))
        #expect(schedule[1].useFrom == instant("2030-01-01T00:00:00Z"))
        #expect(configuration.security?.systemKey.keyPath == "\(d)/gateway.key")
        #expect(configuration.security?.organisationKeySchedule.map(\.useFrom) == [nil, instant("2030-01-01T00:00:00Z")])
        #expect(configuration.security?.organisationKey?.keyPath == "\(d)/officer.key")

        let both = try directory.write(
            "both.yaml",
            Array(
                section(
                    """
                      system_key: {key: \(d)/gateway.key, certificate: \(d)/gateway.pem}
                      system_keys:
                        - {key: \(d)/ecdsa.key, certificate: \(d)/ecdsa.pem}
                    """
                ).utf8))
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: [:]).load(file: both) }
        let empty = try directory.write(
            "empty.yaml",
            Array(
                section(
                    """
                      system_keys:
                        - {key: \(d)/ecdsa.key, certificate: \(d)/ecdsa.pem, use_from: 2030-02-01, use_until: 2030-01-01}
                    """
                ).utf8))
        do {
            _ = try ConfigurationLoader(environment: [:]).load(file: empty)
            Issue.record("an empty signing period was accepted")
        } catch {
            #expect("\(error)".contains("use_until: must be after use_from"), "\(error)")
        }
    }

    @Test(
        "A gateway with an old and a new key signs with the old before the switch and the new after; the NSW and ASW simulators trusting both accept both"
    )
    func rolloverEndToEnd() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let nsw = RecordingEndpoint(NSWSimulator(security: try SimulatedPartner.nsw.developmentSecurity(certificates: certificatesDirectory)))
        let asw = RecordingEndpoint(ASWSimulator(security: try SimulatedPartner.asw.developmentSecurity(certificates: certificatesDirectory)))
        let callback = CallbackRecorder()
        let (nswPort, nswTask) = try await startHost(EndpointHost(routes: [.init("/", nsw)]))
        let (aswPort, aswTask) = try await startHost(EndpointHost(routes: [.init("/", asw)]))
        let (callbackPort, callbackTask) = try await startHost(EndpointHost(routes: [.init("/", callback)]))
        defer { for task in [nswTask, aswTask, callbackTask] { task.cancel() } }
        var configuration = GatewayConfiguration()
        configuration.listen.port = 0
        configuration.storePath = directory.path("gw.sqlite")
        configuration.security = Self.rolloverSecurity()
        configuration.destinations["nsw"]?.url = "http://127.0.0.1:\(nswPort)/nsw"
        configuration.destinations["asw"]?.url = "http://127.0.0.1:\(aswPort)/as4"
        configuration.destinations["portal"]?.url = "http://127.0.0.1:\(callbackPort)/callback"
        configuration.logLevel = "error"
        let clock = SteppedClock(instant("2029-12-31T12:00:00Z"))
        let server = try GatewayServer(configuration: configuration, now: clock.now)
        let (port, run) = try await startGateway(server)
        let http = HTTPClient.forTest()
        let client = TestClient(base: "http://127.0.0.1:\(port)", client: http)
        defer {
            run.cancel()
            Task { try? await http.shutdown() }
        }
        let old = try Self.certificate("gateway.pem").base64
        let new = try Self.certificate("ecdsa.pem").base64

        func deliver(_ reference: String) async throws -> (nsw: String, asw: String) {
            let nswBefore = nsw.bodies.withLock { $0.count }
            let aswBefore = asw.bodies.withLock { $0.count }
            let accepted = try await client.submit(try FormDSamples.withReference(reference))
            #expect(accepted.status == 202, "\(accepted.text)")
            let id = try #require(accepted.json["id"] as? String)
            let delivered = try await eventually {
                try await client.get("/v1/messages/\(id)").json["status"] as? String == "delivered"
            }
            #expect(delivered, "message \(reference) was not delivered")
            let nswBody = nsw.bodies.withLock { $0.count > nswBefore ? String(decoding: $0[nswBefore], as: UTF8.self) : "" }
            let aswBody = asw.bodies.withLock { $0.count > aswBefore ? String(decoding: $0[aswBefore], as: UTF8.self) : "" }
            return (nswBody, aswBody)
        }

        let before = try await deliver("VN-TH 26/03/000501")
        // Signed XML goes out and comes back as it is: the gateway asks no partner to compress.
        for partner in [nsw, asw] {
            let sent = partner.headers.withLock { $0 }
            #expect(!sent.isEmpty && sent.allSatisfy { $0["accept-encoding"] == nil }, "\(sent)")
        }
        #expect(before.nsw.contains(old) && !before.nsw.contains(new))
        #expect(before.asw.contains(old) && !before.asw.contains(new))
        clock.set(instant("2030-01-02T00:00:00Z"))
        let after = try await deliver("VN-TH 26/03/000502")
        #expect(after.nsw.contains(new) && !after.nsw.contains(old))
        #expect(after.asw.contains(new) && !after.asw.contains(old))
        #expect(after.nsw.contains("ecdsa-sha256"))
        // /metrics shows each scheduled key's expiry; the old key has a successor in time, so no warning.
        let metrics = try await client.send(.GET, "/metrics").text
        #expect(metrics.contains("swgate_certificate_expiry_warning{role=\"system key 1\",subject=\""), "\(metrics)")
        let line = metrics.split(separator: "\n").first { $0.hasPrefix("swgate_certificate_expiry_warning{role=\"system key 1\"") }
        #expect(line?.hasSuffix(" 0.0") == true, "\(line ?? "")")
        let seconds = metrics.split(separator: "\n").first { $0.hasPrefix("swgate_certificate_expiry_seconds{role=\"system key 2\"") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
        let ecdsa = try Self.certificate("ecdsa.pem")
        // Counted from the gateway's clock (stepped to 2030-01-02).
        #expect(seconds.map { abs($0 - ecdsa.notAfter.timeIntervalSince(instant("2030-01-02T00:00:00Z"))) < 2 } == true, "\(seconds ?? -1)")
    }

    @Test(
        "A running gateway's /metrics raises swgate_certificate_expiry_warning once its clock is within the window of the key in force's end and no key takes over"
    )
    func expiryWarningMetricEndToEnd() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = GatewayConfiguration()
        configuration.listen.port = 0
        configuration.storePath = directory.path("gw.sqlite")
        // The first key signs until 2030-01-15; the second only from 2030-02-01: nothing takes over.
        var gap = Self.rolloverSecurity()
        gap.systemKeySchedule[1].useFrom = instant("2030-02-01T00:00:00Z")
        configuration.security = gap
        configuration.logLevel = "error"
        // 45 days before the first key's end: outside the default 30-day window.
        let clock = SteppedClock(instant("2029-12-01T00:00:00Z"))
        let server = try GatewayServer(configuration: configuration, now: clock.now)
        let (port, run) = try await startGateway(server)
        let http = HTTPClient.forTest()
        let client = TestClient(base: "http://127.0.0.1:\(port)", client: http)
        defer {
            run.cancel()
            Task { try? await http.shutdown() }
        }
        let first = "swgate_certificate_expiry_warning{role=\"system key 1\",subject=\"\(try Self.certificate("gateway.pem").subject)\"}"
        let second = "swgate_certificate_expiry_warning{role=\"system key 2\",subject=\"\(try Self.certificate("ecdsa.pem").subject)\"}"
        func scrape() async throws -> [String] {
            let response = try await client.send(.GET, "/metrics")
            #expect(response.status == 200)
            return response.text.split(separator: "\n").map(String.init)
        }

        let outside = try await scrape()
        #expect(outside.contains("\(first) 0.0"), "\(outside.filter { $0.hasPrefix("swgate_certificate_expiry") })")
        #expect(outside.contains("\(second) 0.0"), "\(outside.filter { $0.hasPrefix("swgate_certificate_expiry") })")
        // Ten days before the first key's end: the series the alert rule watches turns 1.
        clock.set(instant("2030-01-05T00:00:00Z"))
        let within = try await scrape()
        #expect(within.contains("\(first) 1.0"), "\(within.filter { $0.hasPrefix("swgate_certificate_expiry") })")
        #expect(within.contains("\(second) 0.0"), "\(within.filter { $0.hasPrefix("swgate_certificate_expiry") })")
    }

    @Test("Organisation keys roll over the same way: Content is signed with the organisation key in force, the SystemSignature with the system key")
    func organisationKeyRollover() throws {
        var security = SecurityConfiguration.development(directory: certificatesDirectory)
        security.organisationKeySchedule = [
            ScheduledKeySource(
                source: KeySource(keyPath: "officer.key", certificatePath: "officer.pem").resolved(against: certificatesDirectory),
                useUntil: instant("2030-01-15T00:00:00Z")),
            ScheduledKeySource(
                source: KeySource(keyPath: "portal.key", certificatePath: "portal.pem").resolved(against: certificatesDirectory),
                useFrom: instant("2030-01-01T00:00:00Z")),
        ]
        let clock = SteppedClock(instant("2029-12-20T00:00:00Z"))
        let services = try SecurityServices(configuration: security, now: clock.now)
        let officer = try Self.certificate("officer.pem").base64
        let portal = try Self.certificate("portal.pem").base64
        let gateway = try Self.certificate("gateway.pem").base64
        let document = try Fixtures.bytes("valid/formd-single-item.xml")
        let before = String(decoding: try services.signFormDForNSW(document), as: UTF8.self)
        #expect(before.contains(officer) && !before.contains(portal) && before.contains(gateway))
        clock.set(instant("2030-01-02T00:00:00Z"))
        let afterBytes = try services.signFormDForNSW(document)
        let after = String(decoding: afterBytes, as: UTF8.self)
        #expect(after.contains(portal) && !after.contains(officer) && after.contains(gateway))
        let verified = try services.verifyNSWEnvelope(afterBytes)
        #expect(verified.contentSignature.signerSubject.contains("portal.swgate.test"))
        let report = services.certificateReport(warningDays: 30, at: instant("2029-12-20T00:00:00Z"))
        #expect(report.first { $0.role == "organisation key 1" }?.detail.contains("then the next key takes over") == true)
        #expect(report.first { $0.role == "organisation key 2" }?.detail.hasPrefix("next: signs from") == true)
    }

    @Test("A partner's old and new certificates both verify while both are configured; a third certificate does not")
    func partnerOverlap() throws {
        var gateway = SecurityConfiguration.development(directory: certificatesDirectory)
        let nswIndex = try #require(gateway.partners.firstIndex { $0.id == "NSW-VN" })
        gateway.partners[nswIndex].certificateFiles = ["nsw.pem", "officer.pem"].map { certificatesDirectory + "/" + $0 }
        let services = try SecurityServices(configuration: gateway)
        func ack(signedWith key: String) throws -> [UInt8] {
            var partner = SecurityConfiguration.development(directory: certificatesDirectory)
            partner.systemKey = KeySource(keyPath: key + ".key", certificatePath: key + ".pem").resolved(against: certificatesDirectory)
            let signer = try SecurityServices(configuration: partner)
            let envelope = NSWAcknowledgement(refMessageId: "m-1", reference: "VN-TH 26/03/000123")
                .envelope(from: .developmentNSW, to: .developmentMinistry)
            return try signer.signNSWEnvelope(envelope)
        }
        let oldCertificate = try services.verifyNSWEnvelope(try ack(signedWith: "nsw"))
        #expect(oldCertificate.systemSignature.signerSubject.contains("nsw.swgate.test"))
        let newCertificate = try services.verifyNSWEnvelope(try ack(signedWith: "officer"))
        #expect(newCertificate.systemSignature.signerSubject.contains("Officer"))
        #expect(throws: SignatureError.self) { try services.verifyNSWEnvelope(try ack(signedWith: "portal")) }
        do {
            _ = try services.verifyNSWEnvelope(try ack(signedWith: "portal"))
        } catch {
            #expect((error as? SignatureError)?.code == .signerNotPartner)
        }
    }

    @Test(
        "An AS4 partner's old and new certificates are both accepted over /as4 while both are configured; a third certificate of the same CA is refused"
    )
    func as4PartnerOverlap() async throws {
        let gateway = try await PartnerGateway.start { configuration in
            var security = SecurityConfiguration.development(directory: certificatesDirectory)
            if let index = security.partners.firstIndex(where: { $0.id == "TH" }) {
                security.partners[index].certificateFiles = ["asw.pem", "officer.pem"].map { certificatesDirectory + "/" + $0 }
            }
            configuration.security = security
        }
        defer { Task { await gateway.stop() } }
        /// A UserMessage from TH carrying a Form D, signed with `key` (its certificate as the token).
        func message(_ id: String, reference: String, signedWith key: String) throws -> [UInt8] {
            var configuration = SimulatedPartner.asw.developmentConfiguration(certificates: certificatesDirectory)
            configuration.systemKey = KeySource(keyPath: key + ".key", certificatePath: key + ".pem").resolved(against: certificatesDirectory)
            let partner = try SecurityServices(configuration: configuration)
            let document = try FormDSamples.withReference(reference)
            var summary = try SecurityServices.formDSummary(document)
            summary.issuingCountry = "TH"
            summary.importingCountry = "VN"
            let text = AS4MessageBuilder().userMessage(
                document: document, summary: summary, codes: SecurityServices.formDProfile.as4!, certificate: partner.systemIdentity.certificate,
                messageId: id, at: Date())
            return try partner.signAS4Message(Array(text.utf8))
        }
        func send(_ body: [UInt8]) async throws -> HTTPResult {
            try await gateway.client.send(.POST, "/as4", headers: [("Content-Type", "application/soap+xml")], body: body)
        }
        // The certificate in use until the partner renews, and its successor, during the overlap.
        let old = try await send(try message("overlap-old@th", reference: "VN-TH 26/03/000611", signedWith: "asw"))
        #expect(old.status == 200 && old.text.contains("<eb:Receipt>"), "\(old.text)")
        let new = try await send(try message("overlap-new@th", reference: "VN-TH 26/03/000612", signedWith: "officer"))
        #expect(new.status == 200 && new.text.contains("<eb:Receipt>"), "\(new.text)")
        // Trusted by the CA but not configured for TH: refused, whoever issued it.
        let other = try await send(try message("overlap-other@th", reference: "VN-TH 26/03/000613", signedWith: "portal"))
        #expect(other.status >= 400, "\(other.text)")
        #expect(!other.text.contains("<eb:Receipt>"), "\(other.text)")
        #expect(other.text.contains("EBMS:0101") && other.text.contains("is not a certificate configured for partner TH"), "\(other.text)")
    }

    @Test(
        "Certificate validity is judged with the configured tolerance: a signer valid from 60 s ahead is accepted with 120 s, refused with 30 s naming the gap"
    )
    func certificateValidityTolerance() throws {
        let store = try TrustStore(anchors: [try Self.certificate("ca.pem")])
        let signer = try Self.certificate("nsw.pem")
        let early = signer.notBefore.addingTimeInterval(-60)
        try store.evaluate(signer, at: early, tolerance: 120)
        do {
            try store.evaluate(signer, at: early, tolerance: 30)
            Issue.record("accepted a certificate 60 s before its validity with a 30 s tolerance")
        } catch {
            #expect(error.code == .certificateNotYetValid)
            #expect(error.message.contains("60 s after the local time"), "\(error.message)")
            #expect(error.message.contains("tolerance 30 s"))
        }
        // 90 s after the end of its validity: refused with 60 s of tolerance, naming the gap. (Accepting
        // it with more would need a CA that outlives the signer; the development CA ends a second before it.)
        let late = signer.notAfter.addingTimeInterval(90)
        do {
            try store.evaluate(signer, at: late, tolerance: 60)
            Issue.record("accepted a certificate 90 s after its validity with a 60 s tolerance")
        } catch {
            #expect(error.code == .certificateExpired)
            #expect(error.message.contains("90 s before the local time"), "\(error.message)")
        }
    }

    @Test("Over /as4: a partner's timestamp 312 s ahead is refused naming the skew and the tolerance; within the tolerance it is accepted")
    func clockSkewOverAS4() async throws {
        let collected = Mutex<[UInt8]>([])
        let output = JSONLogHandler.Output { bytes in collected.withLock { $0 += bytes } }
        let logger = Logger(label: "swgate", factory: { JSONLogHandler(label: $0, output: output) })
        let gateway = try await PartnerGateway.start(logger: logger) { configuration in
            var security = SecurityConfiguration.development(directory: certificatesDirectory)
            security.clockSkewSeconds = 120
            configuration.security = security
            configuration.logLevel = "info"
        }
        defer { Task { await gateway.stop() } }
        let asw = try SimulatedPartner.asw.developmentSecurity(certificates: certificatesDirectory)
        func message(_ id: String, createdIn seconds: Double) throws -> [UInt8] {
            let document = try Fixtures.bytes("valid/formd-single-item.xml")
            var summary = try SecurityServices.formDSummary(document)
            summary.issuingCountry = "TH"
            summary.importingCountry = "VN"
            let text = AS4MessageBuilder().userMessage(
                document: document, summary: summary, codes: SecurityServices.formDProfile.as4!, certificate: asw.systemIdentity.certificate,
                messageId: id, at: Date().addingTimeInterval(seconds))
            return try asw.signAS4Message(Array(text.utf8))
        }
        let ahead = try await gateway.client.send(
            .POST, "/as4", headers: [("Content-Type", "application/soap+xml")], body: try message("skew-1@th", createdIn: 312))
        #expect(ahead.status >= 400)
        let description = ahead.text
        #expect(description.contains("EBMS:0101"), "\(description)")
        let match = description.firstMatch(of: /is (\d+) s in the future; tolerance 120 s/)
        let seconds = try #require(match.flatMap { Int($0.1) }, "\(description)")
        #expect((305...315).contains(seconds))
        let stale = try await gateway.client.send(
            .POST, "/as4", headers: [("Content-Type", "application/soap+xml")], body: try message("skew-2@th", createdIn: -900))
        #expect(stale.text.firstMatch(of: /Expires \S+ is \d+ s in the past; tolerance 120 s/) != nil, "\(stale.text)")
        // The gateway's own log names the skew too, with the partner's message id.
        let log = String(decoding: collected.withLock { $0 }, as: UTF8.self)
        let refusal = try #require(
            log.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .first { ($0["metadata"] as? [String: String])?["wire_message_id"] == "skew-1@th" }, "\(log)")
        #expect(refusal["level"] as? String == "warning")
        #expect((refusal["message"] as? String)?.contains("s in the future; tolerance 120 s") == true, "\(refusal)")
        #expect((refusal["metadata"] as? [String: String])?["reason"] == "timestampStale")
        let within = try await gateway.client.send(
            .POST, "/as4", headers: [("Content-Type", "application/soap+xml")], body: try message("skew-3@th", createdIn: 60))
        #expect(within.status == 200, "\(within.text)")
        // The accepted inbound message is logged with the gateway's id and the conversation.
        let records = String(decoding: collected.withLock { $0 }, as: UTF8.self).split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let accepted = try #require(records.first { $0["message"] as? String == "AS4 message accepted" })
        let metadata = try #require(accepted["metadata"] as? [String: String])
        #expect(metadata["wire_message_id"] == "skew-3@th")
        #expect(metadata["conversation"] == "VN-TH 26/03/000123")
        #expect(metadata["message_id"].map { !$0.isEmpty && $0 != "skew-3@th" } == true, "\(metadata)")
    }
}
