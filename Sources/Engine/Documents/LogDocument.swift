/// A CloudWatch event ready for Elasticsearch: its `_id`, the index it goes to, and its
/// two bulk lines (the `create` action and the JSON source). Built once, so a retry
/// re-sends identical bytes.
///
/// The lines live in `storage`, which the documents built from one page share: a batch
/// of consecutive documents is then one contiguous run of bytes, sent without copying.
public struct LogDocument: Sendable {
    public let id: String
    public let index: String
    public let logGroup: String
    public let timestamp: EpochMillis
    /// How often `SafeForm` has rewritten this document after mapping refusals.
    public var safeFormRounds = 0
    let storage: [UInt8]
    /// Where the action line starts and the source line's newline ends, in `storage`.
    let lines: Range<Int>
    /// Where the source starts in `storage` (it ends before the final newline).
    let sourceStart: Int

    public init(id: String, index: String, logGroup: String, timestamp: EpochMillis, source: [UInt8]) {
        var writer = JSONWriter(capacity: source.count + id.utf8.count + index.utf8.count + 40)
        let sourceStart = Self.appendAction(id: id, index: index, to: &writer)
        writer.bytes.append(contentsOf: source)
        writer.byte(UInt8(ascii: "\n"))
        self.init(id: id, index: index, logGroup: logGroup, timestamp: timestamp, storage: writer.bytes,
                  lines: 0..<writer.bytes.count, sourceStart: sourceStart)
    }

    init(id: String, index: String, logGroup: String, timestamp: EpochMillis, storage: [UInt8], lines: Range<Int>, sourceStart: Int) {
        self.id = id
        self.index = index
        self.logGroup = logGroup
        self.timestamp = timestamp
        self.storage = storage
        self.lines = lines
        self.sourceStart = sourceStart
    }

    /// The JSON source, copied out; for the rare paths (rewrites, dead letters, tests).
    public var source: [UInt8] { Array(storage[sourceStart..<lines.upperBound - 1]) }

    /// The bytes this document adds to a bulk body.
    public var bulkBytes: Int { lines.count }

    /// The same document with another source (and its own storage).
    public func replacingSource(_ source: [UInt8]) -> LogDocument {
        var copy = LogDocument(id: id, index: index, logGroup: logGroup, timestamp: timestamp, source: source)
        copy.safeFormRounds = safeFormRounds
        return copy
    }

    /// Writes `{"create":{"_index":…,"_id":…}}` and a newline; returns where the source starts.
    static func appendAction(id: String, index: String, to writer: inout JSONWriter) -> Int {
        writer.raw("{\"create\":{\"_index\":")
        writer.string(index)
        writer.raw(",\"_id\":")
        writer.string(id)
        writer.raw("}}\n")
        return writer.bytes.count
    }
}
