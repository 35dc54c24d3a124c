/// Everything logstream remembers between runs, per log group.
public struct CheckpointState: Sendable, Equatable {
    public struct Group: Sendable, Equatable {
        /// Time ranges whose events Elasticsearch has acknowledged.
        public var shipped = IntervalSet()

        public init(shipped: IntervalSet = IntervalSet()) {
            self.shipped = shipped
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
            let ranges: [JSONValue] = groups[name]!.shipped.ranges.map { [.int($0.start), .int($0.end)] }
            groupMembers.append(JSONMember(name, ["shipped": .array(ranges)]))
        }
        let document: JSONValue = [
            "format": .string(Self.format),
            "version": .int(Self.version),
            "written_at": .string(Timestamp.format(WallClock.nowMillis())),
            "groups": .object(groupMembers),
        ]
        return document.serialized + [UInt8(ascii: "\n")]
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
        var state = CheckpointState()
        for member in json["groups"]?.members ?? [] {
            var shipped = IntervalSet()
            for pair in member.value["shipped"]?.array ?? [] {
                guard let start = pair[0]?.int64, let end = pair[1]?.int64, start <= end else {
                    throw corrupt("group \(member.key) has a malformed range")
                }
                shipped.insert(TimeRange(start: start, end: end))
            }
            state.groups[member.key] = Group(shipped: shipped)
        }
        return state
    }
}

public enum CheckpointError: Error, CustomStringConvertible, Sendable {
    case corrupt(path: String, reason: String)

    public var description: String {
        switch self {
        case .corrupt(let path, let reason):
            return "checkpoint file \(path) is unreadable: \(reason). Nothing was changed. Move it aside (or run 'logstream checkpoint reset') to start over; already shipped events are not duplicated because documents are created by id"
        }
    }
}
