/// A CloudWatch event ready for Elasticsearch: its `_id`, the index it goes to, and the
/// JSON source. Built once, so a retry re-sends identical bytes.
public struct LogDocument: Sendable {
    public var id: String
    public var index: String
    public var logGroup: String
    public var timestamp: EpochMillis
    public var source: [UInt8]
    /// How often `SafeForm` has rewritten this document after mapping refusals.
    public var safeFormRounds = 0

    public init(id: String, index: String, logGroup: String, timestamp: EpochMillis, source: [UInt8]) {
        self.id = id
        self.index = index
        self.logGroup = logGroup
        self.timestamp = timestamp
        self.source = source
    }
}
