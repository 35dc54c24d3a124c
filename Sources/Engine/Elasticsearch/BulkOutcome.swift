/// Counts of what happened to documents handed to the sink.
public struct BulkOutcome: Sendable, Equatable {
    public var created = 0
    /// Already stored: an earlier write got there first (409 on create, or found by the presence lookup).
    public var alreadyPresent = 0
    public var deadLettered = 0
    /// Documents resent in the safe form after a mapping refusal (also counted as created when stored).
    public var rewritten = 0

    init(created: Int = 0, alreadyPresent: Int = 0, deadLettered: Int = 0, rewritten: Int = 0) {
        self.created = created
        self.alreadyPresent = alreadyPresent
        self.deadLettered = deadLettered
        self.rewritten = rewritten
    }

    var acknowledged: Int { created + alreadyPresent + deadLettered }

    static func + (lhs: BulkOutcome, rhs: BulkOutcome) -> BulkOutcome {
        BulkOutcome(created: lhs.created + rhs.created, alreadyPresent: lhs.alreadyPresent + rhs.alreadyPresent,
                    deadLettered: lhs.deadLettered + rhs.deadLettered, rewritten: lhs.rewritten + rhs.rewritten)
    }

    init(_ fates: some Sequence<DocumentFate>) {
        for fate in fates {
            switch fate.end {
            case .created: created += 1
            case .alreadyPresent: alreadyPresent += 1
            case .deadLettered: deadLettered += 1
            }
            if fate.rewritten { rewritten += 1 }
        }
    }
}

/// What became of one document: every document the sink accepts ends in one of these.
struct DocumentFate: Sendable {
    enum End: Sendable {
        case created, alreadyPresent, deadLettered
    }

    var end: End
    /// It went through the safe form on the way.
    var rewritten: Bool
}
