import Glibc

/// The checkpoint file, shared by every task of the process. Progress (what Elasticsearch
/// acknowledged, what was verified) is kept in memory and written atomically at most about
/// once a second, and by `flush()` when a command ends or the daemon stops — not twice per
/// page per group. A crash loses at most the last second of progress, never an event: the
/// next start reads those pages again and Elasticsearch answers that their documents exist.
/// Operator changes (`set`, `reset`, `replace`) are written through before they return.
///
/// Several processes may share the file (a daemon and a one-off `backfill` on one volume,
/// each in its own pid namespace): every write takes the lock beside it (`<path>.lock`,
/// `flock`), reads what the others wrote and merges it with this process's progress
/// (`CheckpointState.merged`), so nobody's progress is overwritten and the file is never
/// half-written; an operator's `set` or `reset` wins over progress recorded before it.
public actor CheckpointStore {
    let path: String
    private(set) public var state: CheckpointState
    /// Progress not written yet.
    private var dirty = false
    private var lastWrite = -Double.infinity
    private var pendingWrite: Task<Void, Never>?
    /// Seconds between writes of progress.
    let writeInterval: Double
    /// The file as this process last read or wrote it: while it is still that file, no other
    /// process has written since, and a write need not read it back to merge.
    private var seen: FileIO.Identity?

    public init(path: String, writeInterval: Double = 1) throws {
        self.path = path
        self.writeInterval = writeInterval
        let bytes: [UInt8]?
        do {
            (bytes, seen) = try FileIO.withLock(Self.lockPath(of: path)) {
                // Temporary files are written only under the lock: any there now belong to a
                // process killed mid-write.
                FileIO.removeStaleTemporaries(of: path)
                return (try FileIO.read(path: path), FileIO.identity(of: path))
            }
        } catch let error as FileError where error.path == Self.lockPath(of: path) {
            // A location this process cannot write to (a read-only volume, say): `show` still
            // reads it, and the first write reports the error.
            bytes = try FileIO.read(path: path)
        }
        state = try bytes.map { try CheckpointState.decode($0, path: path) } ?? CheckpointState()
    }

    /// The lock file every process writing `path` takes first.
    static func lockPath(of path: String) -> String { path + ".lock" }

    /// Writes progress kept in memory now (at the end of a command, at shutdown).
    func flush() throws {
        pendingWrite?.cancel()
        pendingWrite = nil
        guard dirty else { return }
        try write()
    }

    /// Under the lock: merges what other processes wrote since, applies `edit` (an
    /// operator's change) to the result, and replaces the file with it.
    private func write(_ edit: ((inout CheckpointState) -> Void)? = nil) throws {
        state = try FileIO.withLock(Self.lockPath(of: path)) {
            var merged = state
            if FileIO.identity(of: path) != seen, let bytes = try FileIO.read(path: path) {
                do {
                    merged = state.merged(withFile: try CheckpointState.decode(bytes, path: path))
                } catch {
                    Log.warn("the checkpoint file on disk is unreadable; this process's checkpoints replace it", ("file", path), ("error", error))
                }
            }
            edit?(&merged)
            try FileIO.replaceAtomically(path: path, with: merged.encoded())
            seen = FileIO.identity(of: path)
            return merged
        }
        dirty = false
        lastWrite = WallClock.monotonicSeconds()
    }

    /// Progress changed: written now if the last write is a second old, else within a second.
    private func progressed() throws {
        dirty = true
        let wait = writeInterval - (WallClock.monotonicSeconds() - lastWrite)
        if wait <= 0 {
            pendingWrite?.cancel()
            pendingWrite = nil
            try write()
        } else if pendingWrite == nil {
            pendingWrite = Task { [weak self] in
                try? await Task.sleep(nanoseconds: UInt64(wait * 1e9))
                guard !Task.isCancelled else { return }
                await self?.writeLater()
            }
        }
    }

    private func writeLater() {
        pendingWrite = nil
        guard dirty else { return }
        do {
            try write()
        } catch {
            // The next change tries again at once; a command's final flush reports it.
            Log.error("could not write the checkpoint file; progress is kept in memory and written again", ("file", path), ("error", error))
        }
    }

    func shipped(_ group: String) -> IntervalSet {
        state.groups[group]?.shipped ?? IntervalSet()
    }

    func group(_ name: String) -> CheckpointState.Group {
        state.groups[name] ?? CheckpointState.Group()
    }

    /// Records the tail's per-stream positions of `group` (only ever moving forward).
    func advanceStreams(_ group: String, _ cursors: [String: StreamCursor], pruneBefore: EpochMillis? = nil) throws {
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
            entry.prunedBefore = max(entry.prunedBefore ?? pruneBefore, pruneBefore)
        }
        state.groups[group] = entry
        try progressed()
    }

    /// Records that every event of `group` in `range` is acknowledged by Elasticsearch.
    func markShipped(_ group: String, _ range: TimeRange) throws {
        var entry = state.groups[group] ?? CheckpointState.Group()
        entry.shipped.insert(range)
        state.groups[group] = entry
        try progressed()
    }

    /// Records that `range` of `group` was compared with CloudWatch at `stage`'s age or later.
    func markVerified(_ group: String, stage: String, _ range: TimeRange) throws {
        var entry = state.groups[group] ?? CheckpointState.Group()
        entry.verified[stage, default: IntervalSet()].insert(range)
        state.groups[group] = entry
        try progressed()
    }

    /// Records when `group`'s most recent stretch was last compared with CloudWatch.
    func markRecentVerified(_ group: String, at time: EpochMillis) throws {
        var entry = state.groups[group] ?? CheckpointState.Group()
        entry.recentVerifiedAt = max(entry.recentVerifiedAt ?? time, time)
        state.groups[group] = entry
        try progressed()
    }

    /// Moves `group` (or one of its streams) back or forward to `time`: the tail resumes
    /// from there, and backfill treats everything after it as not shipped yet.
    public func set(_ group: String, stream: String?, to time: EpochMillis) throws {
        try write { state in
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
            entry.epoch += 1
            state.groups[group] = entry
        }
    }

    /// Takes over a group's checkpoint from elsewhere (a lease another instance held).
    func replace(_ group: String, with entry: CheckpointState.Group) throws {
        state.groups[group] = entry
        try write()
    }

    /// How far `shard` has been read (nothing recorded: a shard never read).
    func shard(_ shard: ShardKey) -> ShardCheckpoint {
        state.shards[shard.rawValue] ?? ShardCheckpoint()
    }

    /// Records how far `shard` was read and acknowledged (only ever moving forward).
    func advanceShard(_ shard: ShardKey, to progress: ShardCheckpoint) throws {
        state.shards[shard.rawValue] = (state.shards[shard.rawValue] ?? ShardCheckpoint()).merged(with: progress)
        try progressed()
    }

    /// What a lease on `name` (a group's or a shard's) carries to the next owner.
    func leaseCheckpoint(_ name: String) -> JSONValue {
        ShardKey(name).map { shard($0).json } ?? group(name).json
    }

    /// Takes over a lease's checkpoint from the instance that held it before; false when it
    /// is not one (left as it is).
    @discardableResult
    func takeOver(_ name: String, from json: JSONValue) throws -> Bool {
        if ShardKey(name) != nil {
            guard let entry = ShardCheckpoint(json: json) else { return false }
            state.shards[name] = entry
            try write()
            return true
        }
        guard let entry = CheckpointState.Group(json: json) else { return false }
        try replace(name, with: entry)
        return true
    }

    /// The stream name `set` uses for a group that has no stream cursors yet.
    static let manualStream = "(set by checkpoint set)"

    /// Forgets `group`, or every group; returns how many were removed.
    @discardableResult
    public func reset(_ group: String?) throws -> Int {
        var removed = 0
        try write { state in
            if let group {
                // Kept as an empty entry of a newer epoch, so that a process still holding the
                // group's old progress takes the reset instead of writing that progress back.
                guard let entry = state.groups[group], !entry.isEmpty else { return }
                removed = 1
                state.groups[group] = CheckpointState.Group(epoch: entry.epoch + 1)
            } else {
                removed = state.groups.values.filter { !$0.isEmpty }.count
                state.groups.removeAll()
                state.shards.removeAll()
                state.generation += 1
            }
        }
        return removed
    }

    /// Moves an unreadable checkpoint file aside (never deletes it); returns the new name.
    public static func quarantine(path: String, now: EpochMillis = WallClock.nowMillis()) throws -> String {
        let aside = "\(path).corrupt-\(Timestamp.format(now).replacingOccurrences(of: ":", with: ""))"
        guard rename(path, aside) == 0 else { throw FileError(path: path, operation: "move aside", code: errno) }
        return aside
    }
}
