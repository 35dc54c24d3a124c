/// Turns LOG_GROUPS entries into group names: exact names as given, entries ending in
/// `*` expanded to every group with that prefix.
struct GroupResolver: Sendable {
    let source: CloudWatchLogsClient

    /// Whether `name` is one of `entries`: named as it is, or under a prefix ending in `*`.
    static func matches(_ entries: [String], _ name: String) -> Bool {
        entries.contains { $0.hasSuffix("*") ? name.hasPrefix($0.dropLast()) : $0 == name }
    }

    func resolve(_ entries: [String]) async throws -> [String] {
        var names: [String] = []
        for entry in entries {
            if entry.hasSuffix("*") {
                let matches = try await source.describeLogGroups(prefix: String(entry.dropLast()))
                if matches.isEmpty {
                    Log.warn("no log group matches the prefix", ("pattern", entry))
                }
                names += matches
            } else {
                names.append(entry)
            }
        }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}
