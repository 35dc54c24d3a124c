
/// Everything logstream remembers between runs, per log group.
public struct CheckpointState: Sendable, Equatable {
    /// Days of history `checkpoint show` draws (and its JSON reports) per group.
    public static let historyDaysShown = 30

    public struct Group: Sendable, Equatable {
        /// Time ranges whose events Elasticsearch has acknowledged.
        public var shipped = IntervalSet()
        /// Per-stream tail positions.
        public var streams: [String: StreamCursor] = [:]
        /// Per stage of the verification schedule (`VerificationSchedule.Stage.name`): the
        /// ranges compared with CloudWatch at that age or later.
        var verified: [String: IntervalSet] = [:]
        /// When the most recent stretch was last compared (`VerificationSchedule`).
        var recentVerifiedAt: EpochMillis?
        /// Streams whose newest event is older than this were dropped (the tail no longer
        /// looks back that far); a merge drops them from the other side too.
        var prunedBefore: EpochMillis?
        /// Bumped by an operator's `set` or `reset` of the group: a process that last saw an
        /// older epoch takes the file's entry over its own instead of merging (see `merged`).
        var epoch = 0

        init(shipped: IntervalSet = IntervalSet(), streams: [String: StreamCursor] = [:],
             verified: [String: IntervalSet] = [:], recentVerifiedAt: EpochMillis? = nil, epoch: Int = 0) {
            self.shipped = shipped
            self.streams = streams
            self.verified = verified
            self.recentVerifiedAt = recentVerifiedAt
            self.epoch = epoch
        }

        /// Nothing recorded (a group never shipped, or one an operator reset).
        public var isEmpty: Bool {
            shipped.ranges.isEmpty && streams.isEmpty && verified.values.allSatisfy(\.ranges.isEmpty) && recentVerifiedAt == nil
        }

        /// The newest acknowledged event timestamp over all streams.
        public var tailPosition: EpochMillis? { streams.values.map(\.lastTimestamp).max() }

        /// `{"shipped": [[start, end], …], "streams": {name: {"ts", "ingested", "lag_ms"}},
        /// "verified": {stage: [[start, end], …]}, "recent_verified_at": ms}`: in the checkpoint
        /// file, and in a lease when instances share the groups. The verification members are
        /// left out while empty, so a file without them reads the same in older versions.
        var json: JSONValue {
            func ranges(_ set: IntervalSet) -> JSONValue { .array(set.ranges.map { [.int($0.start), .int($0.end)] }) }
            let members: [JSONMember] = streams.keys.sorted().map { stream in
                let cursor = streams[stream]!
                return JSONMember(stream, ["ts": .int(cursor.lastTimestamp), "ingested": .int(cursor.lastIngestion), "lag_ms": .int(cursor.lagMillis)])
            }
            var group: [JSONMember] = [JSONMember("shipped", ranges(shipped)), JSONMember("streams", .object(members))]
            let stages = verified.keys.sorted().filter { !verified[$0]!.ranges.isEmpty }
            if !stages.isEmpty { group.append(JSONMember("verified", .object(stages.map { JSONMember($0, ranges(verified[$0]!)) }))) }
            if let recentVerifiedAt { group.append(JSONMember("recent_verified_at", .int(recentVerifiedAt))) }
            if let prunedBefore { group.append(JSONMember("pruned_before", .int(prunedBefore))) }
            if epoch != 0 { group.append(JSONMember("epoch", .int(epoch))) }
            return .object(group)
        }

        /// nil when `json` is not a group's checkpoint.
        public init?(json: JSONValue) {
            func ranges(_ value: JSONValue?) -> IntervalSet? {
                var set = IntervalSet()
                for pair in value?.array ?? [] {
                    guard let start = pair[0]?.int64, let end = pair[1]?.int64, start <= end else { return nil }
                    set.insert(TimeRange(start: start, end: end))
                }
                return set
            }
            guard let shipped = ranges(json["shipped"]) else { return nil }
            self.shipped = shipped
            for stage in json["verified"]?.members ?? [] {
                guard let set = ranges(stage.value) else { return nil }
                verified[stage.key] = set
            }
            recentVerifiedAt = json["recent_verified_at"]?.int64
            prunedBefore = json["pruned_before"]?.int64
            epoch = json["epoch"]?.int ?? 0
            for stream in json["streams"]?.members ?? [] {
                guard let ts = stream.value["ts"]?.int64, let ingested = stream.value["ingested"]?.int64 else { return nil }
                streams[stream.key] = StreamCursor(lastTimestamp: ts, lastIngestion: ingested, lagMillis: stream.value["lag_ms"]?.int64 ?? 0)
            }
        }
    }

    public var groups: [String: Group] = [:]
    /// Per Kinesis shard (`ShardKey`'s text): how far its subscription records were read.
    var shards: [String: ShardCheckpoint] = [:]
    /// Bumped by `reset` of every group: a process that last saw an older generation takes
    /// the file as it is.
    var generation = 0

    init(groups: [String: Group] = [:]) {
        self.groups = groups
    }

    static let format = "logstream-checkpoints"
    static let version = 1

    func encoded() -> [UInt8] {
        var groupMembers: [JSONMember] = []
        for name in groups.keys.sorted() {
            groupMembers.append(JSONMember(name, groups[name]!.json))
        }
        let groupsValue = JSONValue.object(groupMembers)
        let shardsValue: JSONValue? = shards.isEmpty ? nil : .object(shards.keys.sorted().map { JSONMember($0, shards[$0]!.json) })
        var document: [JSONMember] = [
            JSONMember("format", .string(Self.format)),
            JSONMember("version", .int(Self.version)),
            JSONMember("written_at", .string(Timestamp.format(WallClock.nowMillis()))),
        ]
        if generation != 0 { document.append(JSONMember("generation", .int(generation))) }
        document.append(JSONMember("groups", groupsValue))
        if let shardsValue { document.append(JSONMember("shards", shardsValue)) }
        document.append(JSONMember("checksum", .string(Self.checksum(of: groupsValue, shards: shardsValue))))
        return JSONValue.object(document).serialized + [UInt8(ascii: "\n")]
    }

    /// CRC-32 of the groups' canonical JSON, and the shards' after it when there are any:
    /// catches a file edited or damaged in place.
    static func checksum(of groups: JSONValue, shards: JSONValue?) -> String {
        let bytes = groups.serialized + (shards?.serialized ?? [])
        let crc = Gzip.crc32(bytes)
        let hex = String(crc, radix: 16)
        return "crc32:" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    public static func decode(_ bytes: [UInt8], path: String) throws -> CheckpointState {
        func corrupt(_ why: String) -> CheckpointError { .corrupt(path: path, reason: why) }
        let json: JSONValue
        do {
            json = try JSONParser().parse(bytes)
        } catch {
            throw corrupt(bytes.isEmpty ? "the file is empty" : "\(error)")
        }
        guard json["format"]?.string == format else { throw corrupt("it is not a logstream checkpoint file") }
        guard json["version"]?.int == version else {
            throw corrupt("version \(json["version"]?.int.map(String.init) ?? "?") is not supported by this logstream (expects \(version))")
        }
        guard let groups = json["groups"], groups.members != nil else { throw corrupt("it has no groups") }
        let shards = json["shards"]
        if let recorded = json["checksum"]?.string, recorded != checksum(of: groups, shards: shards) {
            throw corrupt("its checksum does not match its contents (edited or damaged)")
        }
        var state = CheckpointState()
        state.generation = json["generation"]?.int ?? 0
        for member in groups.members ?? [] {
            guard let group = Group(json: member.value) else { throw corrupt("group \(member.key) is malformed") }
            state.groups[member.key] = group
        }
        for member in shards?.members ?? [] {
            guard ShardKey(member.key) != nil, let shard = ShardCheckpoint(json: member.value) else { throw corrupt("shard \(member.key) is malformed") }
            state.shards[member.key] = shard
        }
        return state
    }
}

public enum CheckpointError: Error, CustomStringConvertible, Sendable {
    case corrupt(path: String, reason: String)

    /// What is wrong with the file, without the advice.
    public var reasonText: String {
        switch self {
        case .corrupt(_, let reason): return "damaged checkpoint file: \(reason)"
        }
    }

    public var description: String {
        switch self {
        case .corrupt(let path, let reason):
            return "checkpoint file \(path) is unreadable: \(reason). Nothing was changed. Move it aside (or run 'logstream checkpoint reset') to start over; already shipped events are not duplicated because documents are created by id"
        }
    }
}
