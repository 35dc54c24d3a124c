/// A logger that carries the metadata of what it logs about — the log group, and the
/// source (`account:region`) of a group read from a `[[source]]` — into every line, so a
/// call site says only what is new. `Log.group(key)` makes one.
struct Logger: Sendable {
    let metadata: [(String, String)]

    func debug(_ message: String, _ fields: (String, Any)...) { emit(.debug, message, fields) }
    func info(_ message: String, _ fields: (String, Any)...) { emit(.info, message, fields) }
    func warn(_ message: String, _ fields: (String, Any)...) { emit(.warn, message, fields) }
    func error(_ message: String, _ fields: (String, Any)...) { emit(.error, message, fields) }

    private func emit(_ level: LogLevel, _ message: String, _ fields: [(String, Any)]) {
        Log.emit(level, message, metadata.map { ($0.0, $0.1 as Any) } + fields)
    }
}

extension Log {
    /// A logger for one group (a `GroupKey`): its name, and its source when it has one.
    static func shard(_ key: ShardKey) -> Logger {
        Logger(metadata: [("stream", key.stream), ("shard", key.shard)])
    }

    /// The logger of what a lease is on: a group, or a shard of a subscription stream.
    static func lease(_ name: String) -> Logger {
        ShardKey(name).map(shard) ?? group(GroupKey(name))
    }

    static func group(_ key: GroupKey) -> Logger {
        guard let source = key.source else { return Logger(metadata: [("group", key.name)]) }
        return Logger(metadata: [("group", key.name), ("source", source)])
    }
}
