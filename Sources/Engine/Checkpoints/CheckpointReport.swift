extension JSONValue {
    /// The checkpoints as `checkpoint show --json` prints them.
    public static func checkpointReport(_ state: CheckpointState, path: String) -> JSONValue {
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
                "shipped": .array(group.shipped.ranges.map { ["start": .string(Timestamp.format($0.start)), "end": .string(Timestamp.format($0.end))] }),
                "streams": .object(streams),
            ])
        }
        return ["path": .string(path), "groups": .object(groups)]
    }
}
