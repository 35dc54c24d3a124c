/// The names Elasticsearch gives a data stream's own indices:
/// `.ds-<data stream>-<yyyy.MM.dd>-<generation>` for backing indices and `.fs-…` for its
/// failure store — the date part missing before 7.11, as Elasticsearch's own tests allow
/// (`/\.ds-simple-data-stream1-(\d{4}\.\d{2}\.\d{2}-)?000001/`,
/// `modules/data-streams/src/yamlRestTest/…/80_resolve_index_data_streams.yml`).
/// A data stream's name may itself end in digits or contain dashes, so the name is read
/// from the end: generation, then an optional date, and the rest is the data stream.
/// `heal` rebuilds a backing index as `.healed-<its name>` and swaps it into the stream
/// (as Elasticsearch's own data stream migration does with `.migrated-…`): such a name
/// belongs to the same data stream.
struct BackingIndexName: Equatable {
    var dataStream: String
    var failureStore: Bool
    var generation: Int

    /// What `heal` puts before a backing index's name when it rebuilds it.
    static let healedPrefix = ".healed-"

    init?(_ name: String) {
        var index = Substring(name)
        while index.hasPrefix(Self.healedPrefix) { index = index.dropFirst(Self.healedPrefix.count) }
        let failureStore: Bool
        if index.hasPrefix(".ds-") {
            failureStore = false
        } else if index.hasPrefix(".fs-") {
            failureStore = true
        } else {
            return nil
        }
        var rest = Substring(index.dropFirst(4))
        guard let dash = rest.lastIndex(of: "-") else { return nil }
        let digits = rest[rest.index(after: dash)...]
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let generation = Int(digits) else { return nil }
        rest = rest[..<dash]
        if let dateDash = rest.lastIndex(of: "-"), Self.isDate(rest[rest.index(after: dateDash)...]) {
            rest = rest[..<dateDash]
        }
        guard !rest.isEmpty else { return nil }
        dataStream = String(rest)
        self.failureStore = failureStore
        self.generation = generation
    }

    /// `yyyy.MM.dd`.
    private static func isDate(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "."), bytes[7] == UInt8(ascii: ".") else { return false }
        return bytes.enumerated().allSatisfy { offset, byte in offset == 4 || offset == 7 || (byte >= 0x30 && byte <= 0x39) }
    }

    /// Whether a document's `_index` is `target` itself (a plain index) or one of the
    /// backing indices of the data stream `target`.
    static func index(_ index: String, belongsTo target: String) -> Bool {
        if index == target { return true }
        guard let name = BackingIndexName(index), !name.failureStore else { return false }
        return name.dataStream == target
    }
}
