import SWGateXML

extension FormDRules {
    /// Shipment to issue: up to this many days is a normal issue; later is retroactive.
    static let retroactiveAfterDays = 3
    /// A retroactive certificate is issued within one year of shipment.
    static let retroactiveLimitDays = 365

    func checkDates(_ formD: XMLElement, _ findings: inout RuleFindings) {
        guard let (issueDate, issueElement) = formD.date("IssueDate") else { return }
        if today.days(to: issueDate) > futureToleranceDays {
            findings.fail(.issueDateFuture, at: issueElement, "issue date \(issueDate) is in the future (today is \(today))")
        }
        let declaration = formD.child("ExporterDeclaration")?.date("Date")
        let certification = formD.child("Certification")?.date("Date")
        if let (declared, element) = declaration, let (certified, _) = certification, declared > certified {
            findings.fail(
                .declarationDate, at: element,
                "exporter's declaration dated \(declared) is after the certification dated \(certified)")
        }
        if let (certified, element) = certification, certified != issueDate {
            findings.fail(
                .certificationDate, at: element, "certification date \(certified) differs from the issue date \(issueDate)")
        }
        for item in formD.children("Item") {
            if let (invoiced, element) = item.child("Invoice")?.date("Date"), invoiced > issueDate {
                findings.fail(.invoiceDate, at: element, "invoice dated \(invoiced) is after the issue date \(issueDate)")
            }
        }
        checkRetroactive(formD, issueDate: issueDate, issueElement: issueElement, &findings)
    }

    private func checkRetroactive(
        _ formD: XMLElement, issueDate: CalendarDate, issueElement: XMLElement, _ findings: inout RuleFindings
    ) {
        guard let (departure, _) = formD.child("Transport")?.date("DepartureDate") else { return }
        let lag = departure.days(to: issueDate)
        let marked = formD.child("Flags")?.flag("IssuedRetroactively") ?? false
        if lag > Self.retroactiveLimitDays {
            findings.fail(
                .retroactive, at: issueElement,
                "issued \(lag) days after shipment on \(departure); a certificate cannot be issued more than one year after shipment")
        } else if lag > Self.retroactiveAfterDays, !marked {
            findings.fail(
                .retroactive, at: issueElement,
                "issued \(lag) days after shipment on \(departure) but not marked IssuedRetroactively (box 13)")
        } else if lag <= Self.retroactiveAfterDays, marked, let flag = formD.child("Flags")?.child("IssuedRetroactively") {
            findings.fail(
                .retroactive, at: flag,
                "marked IssuedRetroactively but issued \(lag) days after shipment (retroactive means more than \(Self.retroactiveAfterDays))")
        }
    }
}
