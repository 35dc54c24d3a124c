import CCurl

/// Everything logstream remembers between runs, per log group.
public struct CheckpointState: Sendable, Equatable {
    public struct Group: Sendable, Equatable {
        /// Time ranges whose events Elasticsearch has acknowledged.
        public var shipped = IntervalSet()
        /// Per-stream tail positions.
        public var streams: [String: StreamCursor] = [:]

        public init(shipped: IntervalSet = IntervalSet(), streams: [String: StreamCursor] = [:]) {
            self.shipped = shipped
            self.streams = streams
        }

        /// The newest acknowledged event timestamp over all streams.
        public var tailPosition: EpochMillis? { streams.values.map(\.lastTimestamp).max() }

        /// `{"shipped": [[start, end], …], "streams": {name: {"ts", "ingested", "lag_ms"}}}`: in the
        /// checkpoint file, and in a lease when instances share the groups.
        public var json: JSONValue {
            let ranges: [JSONValue] = shipped.ranges.map { [.int($0.start), .int($0.end)] }
            let members: [JSONMember] = streams.keys.sorted().map { stream in
                let cursor = streams[stream]!
                return JSONMember(stream, ["ts": .int(cursor.lastTimestamp), "ingested": .int(cursor.lastIngestion), "lag_ms": .int(cursor.lagMillis)])
            }
            return ["shipped": .array(ranges), "streams": .object(members)]
        }

        /// nil when `json` is not a group's checkpoint.
        public init?(json: JSONValue) {
            for pair in json["shipped"]?.array ?? [] {
                guard let start = pair[0]?.int64, let end = pair[1]?.int64, start <= end else { return nil }
                shipped.insert(TimeRange(start: start, end: end))
            }
            for stream in json["streams"]?.members ?? [] {
                guard let ts = stream.value["ts"]?.int64, let ingested = stream.value["ingested"]?.int64 else { return nil }
                streams[stream.key] = StreamCursor(lastTimestamp: ts, lastIngestion: ingested, lagMillis: stream.value["lag_ms"]?.int64 ?? 0)
            }
        }
    }

    public var groups: [String: Group] = [:]

    public init(groups: [String: Group] = [:]) {
        self.groups = groups
    }

    static let format = "logstream-checkpoints"
    static let version = 1

    public func encoded() -> [UInt8] {
        var groupMembers: [JSONMember] = []
        for name in groups.keys.sorted() {
            groupMembers.append(JSONMember(name, groups[name]!.json))
        }
        let groupsValue = JSONValue.object(groupMembers)
        let document: JSONValue = [
            "format": .string(Self.format),
            "version": .int(Self.version),
            "written_at": .string(Timestamp.format(WallClock.nowMillis())),
            "groups": groupsValue,
            "checksum": .string(Self.checksum(of: groupsValue)),
        ]
        return document.serialized + [UInt8(ascii: "\n")]
    }

    /// CRC-32 of the groups' canonical JSON: catches a file edited or damaged in place.
    static func checksum(of groups: JSONValue) -> String {
        let bytes = groups.serialized
        let crc = bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
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
        if let recorded = json["checksum"]?.string, recorded != checksum(of: groups) {
            throw corrupt("its checksum does not match its contents (edited or damaged)")
        }
        var state = CheckpointState()
        for member in groups.members ?? [] {
            guard let group = Group(json: member.value) else { throw corrupt("group \(member.key) is malformed") }
            state.groups[member.key] = group
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
