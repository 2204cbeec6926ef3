import Foundation
import SWGateStore

/// The search form's fields, read from a query or a form, as a ``DeliveryFilter`` and back as
/// fields (for paging links, the CSV link and the replay-by-filter form).
struct SearchCriteria: Sendable {
    var id: String?
    var reference: String?
    var conversation: String?
    var destination: String?
    var state: DeliveryState?
    var function: String?
    /// `datetime-local` texts, read in the operator's zone.
    var from: String?
    var to: String?

    static let names = ["id", "reference", "conversation", "destination", "state", "function", "from", "to"]

    init(_ form: FormData) {
        func text(_ name: String) -> String? { form[name]?.trimmingCharacters(in: .whitespaces).nilIfEmpty }
        id = text("id")
        reference = text("reference")
        conversation = text("conversation")
        destination = text("destination")
        state = text("state").flatMap(DeliveryState.init(rawValue:))
        function = text("function")?.uppercased()
        from = text("from")
        to = text("to")
    }

    func filter(_ display: TimeDisplay) -> DeliveryFilter {
        DeliveryFilter(
            states: state.map { [$0] }, destination: destination, acceptedSince: from.flatMap(display.parseInput),
            acceptedBefore: to.flatMap(display.parseInput), messageID: id, conversation: conversation, reference: reference,
            function: function.map(MessageFunction.init))
    }

    /// Name and value of every criterion given.
    var fields: [(String, String)] {
        [
            ("id", id), ("reference", reference), ("conversation", conversation), ("destination", destination), ("state", state?.rawValue),
            ("function", function), ("from", from), ("to", to),
        ].compactMap { name, value in value.map { (name, $0) } }
    }

    /// The criteria as a query string (`a=b&c=d`).
    var query: String {
        fields.map { "\($0.0)=\(HTML.percentEncode($0.1))" }.joined(separator: "&")
    }

    var isEmpty: Bool { fields.isEmpty }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
