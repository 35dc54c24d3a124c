/// Ids of events shipped recently, so that re-reading the tail's overlap window does not
/// send them to Elasticsearch again. Bucketed by minute of event time to forget old ones.
/// An event judged seen is never sent, so the key must identify it: the 128-bit
/// MurmurHash3 of its id — the hash a document's `_id` already rests on — not a 64-bit
/// `hashValue`, whose collisions would skip an event without a trace.
struct RecentEventIDs {
    struct Key: Hashable {
        var high: UInt64
        var low: UInt64

        init(_ id: String) {
            // Hashed where the string keeps its bytes: the generic hash128 copies them into
            // an array first, and this runs twice per event the tail reads.
            var id = id
            (high, low) = id.withUTF8 { MurmurHash3.hash128(UnsafeRawBufferPointer($0)) }
        }
    }

    private var buckets: [EpochMillis: Set<Key>] = [:]

    func contains(_ id: String, timestamp: EpochMillis) -> Bool {
        buckets[timestamp / 60_000]?.contains(Key(id)) ?? false
    }

    mutating func insert(_ id: String, timestamp: EpochMillis) {
        buckets[timestamp / 60_000, default: []].insert(Key(id))
    }

    /// Drops everything older than `cutoff`.
    mutating func forget(before cutoff: EpochMillis) {
        let minute = cutoff / 60_000
        buckets = buckets.filter { $0.key >= minute }
    }

    var count: Int { buckets.values.reduce(0) { $0 + $1.count } }
}
