/// How a message finds its conversation: the whole chain of replacements back to the first issue
/// (ISSUE X ← AMEND X-A1 ← CANCEL X-C are all conversation `X`), resolved by the store when it
/// accepts the message, inside the same transaction.
///
/// The store keeps a reference → conversation table that purges never shrink, so a chain stays
/// whole after its older messages were purged. See `docs/outbox.md`, "Conversations".
public struct ConversationLink: Sendable, Hashable {
    /// What to do when ``joins`` names a reference the store has never accepted.
    public enum UnknownReference: Sendable, Hashable {
        /// Refuse the message (``OutboxError/Code/unknownPredecessor``): an amendment or
        /// cancellation is never delivered ahead of an issue the gateway has not seen.
        case refuse
        /// Use ``NewMessage/conversation`` as given (an answer from a partner about a reference the
        /// gateway does not know still reaches the portal).
        case keepConversation
    }

    /// The reference whose conversation the message joins: the predecessor an AMEND or CANCEL
    /// replaces, or the reference a partner's answer is about.
    public var joins: String?
    /// The message's own reference, recorded as a member of the resolved conversation so that a
    /// later replacement naming it finds the chain.
    public var reference: String?
    public var ifUnknown: UnknownReference

    public init(joins: String?, reference: String?, ifUnknown: UnknownReference) {
        self.joins = joins
        self.reference = reference
        self.ifUnknown = ifUnknown
    }

    /// A business document: an ISSUE starts its own conversation; an AMEND or CANCEL joins the
    /// conversation of the document it replaces, which must be known.
    public static func document(reference: String, replaces predecessor: String?) -> ConversationLink {
        ConversationLink(joins: predecessor, reference: reference, ifUnknown: .refuse)
    }

    /// A business document from a partner (the NSW, the ASW): joins the conversation of the
    /// document it replaces when the gateway knows it, and records its own reference for the next
    /// link. The partner is the authority on its documents, so an unknown predecessor is not
    /// refused: the message keeps the conversation it was given (the predecessor's reference, so a
    /// late ISSUE still joins it) and is delivered in the order it arrived.
    public static func partnerDocument(reference: String, replaces predecessor: String?) -> ConversationLink {
        ConversationLink(joins: predecessor, reference: reference, ifUnknown: .keepConversation)
    }

    /// A partner's answer about `reference`: joins that reference's conversation when it is known.
    public static func answer(about reference: String) -> ConversationLink {
        ConversationLink(joins: reference, reference: nil, ifUnknown: .keepConversation)
    }
}
