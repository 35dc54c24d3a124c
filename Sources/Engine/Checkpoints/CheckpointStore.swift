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
}
