import Glibc

/// The checkpoint file, shared by every task of the process. Every change is written
/// through atomically before the call returns, so a crash never loses an acknowledged step.
public actor CheckpointStore {
    public let path: String
    private(set) public var state: CheckpointState

    public init(path: String) throws {
        self.path = path
        if let bytes = try FileIO.read(path: path) {
            state = try CheckpointState.decode(bytes, path: path)
        } else {
            state = CheckpointState()
        }
    }

    public func shipped(_ group: String) -> IntervalSet {
        state.groups[group]?.shipped ?? IntervalSet()
    }

    public func group(_ name: String) -> CheckpointState.Group {
        state.groups[name] ?? CheckpointState.Group()
    }

    /// Records the tail's per-stream positions of `group` (only ever moving forward).
    public func advanceStreams(_ group: String, _ cursors: [String: StreamCursor], pruneBefore: EpochMillis? = nil) throws {
        var entry = state.groups[group] ?? CheckpointState.Group()
        for (stream, cursor) in cursors {
            if let existing = entry.streams[stream], existing.lastTimestamp > cursor.lastTimestamp {
                entry.streams[stream]?.lagMillis = cursor.lagMillis
                continue
            }
            entry.streams[stream] = cursor
        }
        if let pruneBefore {
            // Streams quiet for longer than the tail ever looks back no longer matter.
            entry.streams = entry.streams.filter { $0.value.lastTimestamp >= pruneBefore }
        }
        state.groups[group] = entry
        try FileIO.replaceAtomically(path: path, with: state.encoded())
    }

    /// Records that every event of `group` in `range` is acknowledged by Elasticsearch.
    public func markShipped(_ group: String, _ range: TimeRange) throws {
        var entry = state.groups[group] ?? CheckpointState.Group()
        entry.shipped.insert(range)
        state.groups[group] = entry
        try FileIO.replaceAtomically(path: path, with: state.encoded())
    }

    /// Records that `range` of `group` was compared with CloudWatch at `stage`'s age or later.
    public func markVerified(_ group: String, stage: String, _ range: TimeRange) throws {
        var entry = state.groups[group] ?? CheckpointState.Group()
        entry.verified[stage, default: IntervalSet()].insert(range)
        state.groups[group] = entry
        try FileIO.replaceAtomically(path: path, with: state.encoded())
    }

    /// Records when `group`'s most recent stretch was last compared with CloudWatch.
    public func markRecentVerified(_ group: String, at time: EpochMillis) throws {
        var entry = state.groups[group] ?? CheckpointState.Group()
        entry.recentVerifiedAt = max(entry.recentVerifiedAt ?? time, time)
        state.groups[group] = entry
        try FileIO.replaceAtomically(path: path, with: state.encoded())
    }

    /// Moves `group` (or one of its streams) back or forward to `time`: the tail resumes
    /// from there, and backfill treats everything after it as not shipped yet.
    public func set(_ group: String, stream: String?, to time: EpochMillis) throws {
        var entry = state.groups[group] ?? CheckpointState.Group()
        let cursor = StreamCursor(lastTimestamp: time, lastIngestion: time, lagMillis: 0)
        if let stream {
            entry.streams[stream] = cursor
        } else {
            entry.streams = entry.streams.isEmpty ? [Self.manualStream: cursor] : entry.streams.mapValues { _ in cursor }
            func before(_ set: IntervalSet) -> IntervalSet {
                var kept = IntervalSet()
                for range in set.ranges where range.start < time {
                    kept.insert(TimeRange(start: range.start, end: min(range.end, time)))
                }
                return kept
            }
            entry.shipped = before(entry.shipped)
            entry.verified = entry.verified.mapValues(before)
        }
        state.groups[group] = entry
        try FileIO.replaceAtomically(path: path, with: state.encoded())
    }

    /// Takes over a group's checkpoint from elsewhere (a lease another instance held).
    public func replace(_ group: String, with entry: CheckpointState.Group) throws {
        state.groups[group] = entry
        try FileIO.replaceAtomically(path: path, with: state.encoded())
    }

    /// The stream name `set` uses for a group that has no stream cursors yet.
    public static let manualStream = "(set by checkpoint set)"

    /// Forgets `group`, or every group; returns how many were removed.
    @discardableResult
    public func reset(_ group: String?) throws -> Int {
        let removed: Int
        if let group {
            removed = state.groups.removeValue(forKey: group) == nil ? 0 : 1
        } else {
            removed = state.groups.count
            state.groups.removeAll()
        }
        try FileIO.replaceAtomically(path: path, with: state.encoded())
        return removed
    }

    /// Moves an unreadable checkpoint file aside (never deletes it); returns the new name.
    public static func quarantine(path: String, now: EpochMillis = WallClock.nowMillis()) throws -> String {
        let aside = "\(path).corrupt-\(Timestamp.format(now).replacingOccurrences(of: ":", with: ""))"
        guard rename(path, aside) == 0 else { throw FileError(path: path, operation: "move aside", code: errno) }
        return aside
    }
}
