/// What one side holds for a time window: how many events, and the sum of their
/// `logstream.id_hash` — equal counts with different events give different sums.
public struct WindowSummary: Sendable, Equatable {
    public var count: Int
    var hashSum: Int64

    init(count: Int = 0, hashSum: Int64 = 0) {
        self.count = count
        self.hashSum = hashSum
    }

    static func + (lhs: WindowSummary, rhs: WindowSummary) -> WindowSummary {
        WindowSummary(count: lhs.count + rhs.count, hashSum: lhs.hashSum &+ rhs.hashSum)
    }
}

/// CloudWatch's side of a range, per minute: from one read of the events (counts and
/// checksums), or from Logs Insights (counts only).
struct MinuteSummaries: Sendable {
    private(set) var byMinute: [EpochMillis: WindowSummary] = [:]
    /// False when only counts are known; comparisons then look at counts alone.
    private(set) var hasChecksums = true

    init() {}

    init(counts: [EpochMillis: Int]) {
        for (minute, count) in counts { byMinute[Self.minute(of: minute), default: WindowSummary()].count += count }
        hasChecksums = false
    }

    /// Events per hour the range touches, the range's part of its first and last hour
    /// included (keyed by the hour's start): what Elasticsearch's hourly counts of the same
    /// range compare with.
    func perHour(within range: TimeRange) -> [EpochMillis: Int] {
        let hour = WallClock.millisPerHour
        var counts: [EpochMillis: Int] = [:]
        var start = range.start / hour * hour
        while start < range.end {
            counts[start] = 0
            start += hour
        }
        for (minute, summary) in byMinute where minute >= range.start && minute < range.end {
            counts[minute / hour * hour, default: 0] += summary.count
        }
        return counts
    }

    /// Events per whole hour inside `range` (0 for hours without events): what the seasonal
    /// model learns from.
    func hourly(within range: TimeRange) -> [EpochMillis: Int] {
        perHour(within: range).filter { $0.key >= range.start && $0.key + WallClock.millisPerHour <= range.end }
    }

    /// Whether Elasticsearch's summary of `range` agrees with what is known of CloudWatch's.
    func matches(_ elasticsearch: WindowSummary, in range: TimeRange) -> Bool {
        let mine = summary(of: range)
        return hasChecksums ? mine == elasticsearch : mine.count == elasticsearch.count
    }

    mutating func add(timestamp: EpochMillis, checksum: Int64) {
        let minute = Self.minute(of: timestamp)
        byMinute[minute, default: WindowSummary()] = byMinute[minute, default: WindowSummary()] + WindowSummary(count: 1, hashSum: checksum)
    }

    /// The total for `range`, whose bounds must be whole minutes.
    func summary(of range: TimeRange) -> WindowSummary {
        var total = WindowSummary()
        for (minute, summary) in byMinute where minute >= range.start && minute < range.end {
            total = total + summary
        }
        return total
    }

    static func minute(of timestamp: EpochMillis) -> EpochMillis {
        (timestamp >= 0 ? timestamp : timestamp - 59_999) / 60_000 * 60_000
    }
}
