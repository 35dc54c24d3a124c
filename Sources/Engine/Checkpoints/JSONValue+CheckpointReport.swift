extension JSONValue {
    /// The checkpoints as `checkpoint show --json` prints them.
    public static func checkpointReport(_ state: CheckpointState, path: String, now: EpochMillis = WallClock.nowMillis(), historyDays: Int = CheckpointState.historyDaysShown) -> JSONValue {
        let groups: [JSONMember] = state.groups.keys.sorted().map { name in
            let group = state.groups[name]!
            let streams: [JSONMember] = group.streams.keys.sorted().map { stream in
                let cursor = group.streams[stream]!
                return JSONMember(stream, [
                    "last_event": .string(Timestamp.format(cursor.lastTimestamp)),
                    "last_ingested": .string(Timestamp.format(cursor.lastIngestion)),
                    "lag_ms": .int(cursor.lagMillis),
                ])
            }
            return JSONMember(name, [
                "tail_position": group.tailPosition.map { .string(Timestamp.format($0)) } ?? .null,
                "tail_behind_ms": group.tailPosition.map { .int(max(0, now - $0)) } ?? .null,
                "history": .array(group.history(days: historyDays, now: now).map { ["day": .string(Timestamp.format($0.start)), "state": .string($0.state.rawValue)] }),
                "shipped": .array(group.shipped.ranges.map { ["start": .string(Timestamp.format($0.start)), "end": .string(Timestamp.format($0.end))] }),
                "streams": .object(streams),
            ])
        }
        var report: [JSONMember] = [JSONMember("path", .string(path)), JSONMember("groups", .object(groups))]
        if !state.shards.isEmpty {
            report.append(JSONMember("shards", .object(state.shardRows(now: now).map { row in
                JSONMember(row.key, ["sequence": row.sequence.map { .string($0) } ?? .null, "finished": .bool(row.finished),
                                     "caught_up_at": row.caughtUpAt.map { .string(Timestamp.format($0)) } ?? .null])
            })))
        }
        return .object(report)
    }
}

extension CheckpointState {
    /// One Kinesis shard's checkpoint, as `checkpoint show` prints it.
    public struct ShardRow: Sendable {
        public var key: String
        public var sequence: String?
        public var finished: Bool
        public var caughtUpAt: EpochMillis?
    }

    /// Every shard's checkpoint, by key.
    public func shardRows(now: EpochMillis) -> [ShardRow] {
        shards.keys.sorted().map { key in
            let shard = shards[key]!
            return ShardRow(key: key, sequence: shard.sequence, finished: shard.finished, caughtUpAt: shard.caughtUpAt)
        }
    }
}

extension CheckpointState.Group {
    /// How much of a day the checkpoint says is in Elasticsearch.
    public enum DayState: String, Sendable {
        /// Shipped whole, and compared with CloudWatch by some verification stage.
        case verified
        case shipped
        case partly
        case none
    }

    /// The last `days` days (today so far included), oldest first.
    public func history(days: Int, now: EpochMillis) -> [(start: EpochMillis, state: DayState)] {
        let today = now / WallClock.millisPerDay * WallClock.millisPerDay
        return (0..<days).reversed().map { back in
            let start = today - EpochMillis(back) * WallClock.millisPerDay
            let day = TimeRange(start: start, end: min(now, start + WallClock.millisPerDay))
            let missing = shipped.gaps(in: day).reduce(0) { $0 + $1.duration }
            let state: DayState
            if missing == 0 {
                state = verified.values.contains { $0.covers(day) } ? .verified : .shipped
            } else {
                state = missing < day.duration ? .partly : .none
            }
            return (start, state)
        }
    }
}
