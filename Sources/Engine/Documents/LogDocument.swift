/// A CloudWatch event ready for Elasticsearch: its `_id`, the index it goes to, and its
/// two bulk lines (the `create` action and the JSON source). Built once, so a retry
/// re-sends identical bytes.
///
/// The lines live in a `DocumentPage` that the documents built from one page of events
/// share: a batch of consecutive documents is then one contiguous run of bytes, sent
/// without copying, and copying a document costs one reference count, not one per field.
package struct LogDocument: Sendable {
    let page: DocumentPage
    /// Where the action line starts and the source line's newline ends, in `page.storage`.
    let lines: Range<Int>
    /// Where the source starts in `page.storage` (it ends before the final newline).
    let sourceStart: Int
    /// The id's bytes in `page.storage`, as they are (not JSON-escaped).
    let idBytes: Range<Int>
    let timestamp: EpochMillis
    /// How often `SafeForm` has rewritten this document after mapping refusals.
    var safeFormRounds = 0

    /// `viaAlias`: `index` is a stable name, and the write must fail rather than create an
    /// index of that name when the alias is gone (`require_alias`).
    init(id: String, index: String, logGroup: GroupKey, timestamp: EpochMillis, source: [UInt8], viaAlias: Bool = false) {
        var writer = JSONWriter(capacity: source.count + 2 * id.utf8.count + index.utf8.count + 60)
        let sourceStart = Self.appendAction(id: id, index: index, viaAlias: viaAlias, to: &writer)
        writer.bytes.append(contentsOf: source)
        writer.byte(UInt8(ascii: "\n"))
        let lines = 0..<writer.bytes.count
        // The id may need escaping in the action line: its plain bytes follow the lines.
        writer.raw(text: id)
        self.init(page: DocumentPage(storage: writer.bytes, index: index, logGroup: logGroup, viaAlias: viaAlias), lines: lines,
                  sourceStart: sourceStart, idBytes: lines.upperBound..<writer.bytes.count, timestamp: timestamp)
    }

    init(page: DocumentPage, lines: Range<Int>, sourceStart: Int, idBytes: Range<Int>, timestamp: EpochMillis) {
        self.page = page
        self.lines = lines
        self.sourceStart = sourceStart
        self.idBytes = idBytes
        self.timestamp = timestamp
    }

    var id: String { String(decoding: page.storage[idBytes], as: UTF8.self) }
    var index: String { page.index }
    var logGroup: GroupKey { page.logGroup }

    /// The JSON source, copied out; for the rare paths (rewrites, dead letters, tests).
    var source: [UInt8] { Array(page.storage[sourceStart..<lines.upperBound - 1]) }

    /// The bytes this document adds to a bulk body.
    var bulkBytes: Int { lines.count }

    /// The same document with another source (and its own storage).
    func replacingSource(_ source: [UInt8]) -> LogDocument {
        var copy = LogDocument(id: id, index: index, logGroup: logGroup, timestamp: timestamp, source: source, viaAlias: page.viaAlias)
        copy.safeFormRounds = safeFormRounds
        return copy
    }

    /// Writes `{"create":{"_index":…,"_id":…}}` (with `"require_alias":true` when `viaAlias`)
    /// and a newline; returns where the source starts.
    static func appendAction(id: String, index: String, viaAlias: Bool, to writer: inout JSONWriter) -> Int {
        writer.raw("{\"create\":{\"_index\":")
        writer.string(index)
        if viaAlias { writer.raw(",\"require_alias\":true") }
        writer.raw(",\"_id\":")
        writer.string(id)
        writer.raw("}}\n")
        return writer.bytes.count
    }
}

/// The bytes of documents built together, and what they have in common.
final class DocumentPage: Sendable {
    let storage: [UInt8]
    let index: String
    let logGroup: GroupKey
    /// The action lines carry `require_alias` (see `LogDocument.init`).
    let viaAlias: Bool

    init(storage: [UInt8], index: String, logGroup: GroupKey, viaAlias: Bool) {
        self.storage = storage
        self.index = index
        self.logGroup = logGroup
        self.viaAlias = viaAlias
    }
}
