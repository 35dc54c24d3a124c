/// A Kinesis shard as logstream keys it in the checkpoint file and in leases:
/// `kinesis:<region>:<stream>:<shard id>` (stream names and shard ids have no `:`; a group's
/// key never starts with `kinesis:`, since an account is twelve digits).
struct ShardKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    let region: String
    let stream: String
    let shard: String

    static let prefix = "kinesis:"

    init(region: String, stream: String, shard: String) {
        (self.region, self.stream, self.shard) = (region, stream, shard)
    }

    /// nil when `rawValue` is not a shard's key (a group's).
    init?(_ rawValue: String) {
        guard rawValue.hasPrefix(Self.prefix) else { return nil }
        let pieces = rawValue.dropFirst(Self.prefix.count).split(separator: ":", omittingEmptySubsequences: false)
        guard pieces.count == 3, pieces.allSatisfy({ !$0.isEmpty }) else { return nil }
        (region, stream, shard) = (String(pieces[0]), String(pieces[1]), String(pieces[2]))
    }

    var rawValue: String { "\(Self.prefix)\(region):\(stream):\(shard)" }
    var description: String { rawValue }

    static func < (lhs: ShardKey, rhs: ShardKey) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// How far one shard has been read: the last sequence number whose records Elasticsearch
/// acknowledged, whether the shard (closed by a split or merge) was read to its end — its
/// children are read only then — and when it was last read with nothing left behind it.
struct ShardCheckpoint: Sendable, Equatable {
    var sequence: String?
    var finished = false
    /// When a read that came back with the shard's newest records started (MillisBehindLatest
    /// 0), every record of which was acknowledged: whatever reached the shard before is shipped.
    var caughtUpAt: EpochMillis?

    var json: JSONValue {
        var members: [JSONMember] = []
        if let sequence { members.append(JSONMember("sequence", .string(sequence))) }
        if finished { members.append(JSONMember("finished", true)) }
        if let caughtUpAt { members.append(JSONMember("caught_up_at", .int(caughtUpAt))) }
        return .object(members)
    }

    init(sequence: String? = nil, finished: Bool = false, caughtUpAt: EpochMillis? = nil) {
        (self.sequence, self.finished, self.caughtUpAt) = (sequence, finished, caughtUpAt)
    }

    /// nil when `json` is not a shard's checkpoint.
    init?(json: JSONValue) {
        guard json.members != nil else { return nil }
        sequence = json["sequence"]?.string
        if let sequence, !Self.isSequenceNumber(sequence) { return nil }
        finished = json["finished"]?.bool ?? false
        caughtUpAt = json["caught_up_at"]?.int64
    }

    /// What both records say: the later sequence number, finished if either says so.
    func merged(with other: ShardCheckpoint) -> ShardCheckpoint {
        ShardCheckpoint(sequence: Self.later(sequence, other.sequence), finished: finished || other.finished,
                        caughtUpAt: [caughtUpAt, other.caughtUpAt].compactMap { $0 }.max())
    }

    /// Kinesis sequence numbers are decimal numbers of up to 128 bits, written as text:
    /// compared by length, then digit by digit.
    static func later(_ a: String?, _ b: String?) -> String? {
        guard let a else { return b }
        guard let b else { return a }
        if a.utf8.count != b.utf8.count { return a.utf8.count > b.utf8.count ? a : b }
        return a >= b ? a : b
    }

    static func isSequenceNumber(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 128 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
