/// What a run did for one log group.
public struct GroupReport: Sendable, Equatable {
    public var group: String
    public var index: String
    public var eventsRead = 0
    public var outcome = BulkOutcome()
    var rangesCopied = 0
    public var error: ReportedError?

    init(group: String, index: String) {
        self.group = group
        self.index = index
    }
}
