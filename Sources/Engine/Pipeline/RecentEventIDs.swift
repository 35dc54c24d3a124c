/// Ids of events shipped recently, so that re-reading the tail's overlap window does not
/// send them to Elasticsearch again. Bucketed by minute of event time to forget old ones.
struct RecentEventIDs {
    private var buckets: [EpochMillis: Set<Int>] = [:]

    func contains(_ id: String, timestamp: EpochMillis) -> Bool {
        buckets[timestamp / 60_000]?.contains(id.hashValue) ?? false
    }

    mutating func insert(_ id: String, timestamp: EpochMillis) {
        buckets[timestamp / 60_000, default: []].insert(id.hashValue)
    }

    /// Drops everything older than `cutoff`.
    mutating func forget(before cutoff: EpochMillis) {
        let minute = cutoff / 60_000
        buckets = buckets.filter { $0.key >= minute }
    }

    var count: Int { buckets.values.reduce(0) { $0 + $1.count } }
}
