/// What one side holds for a time window: how many events, and the sum of their
/// `logstream.id_hash` — equal counts with different events give different sums.
public struct WindowSummary: Sendable, Equatable {
    public var count: Int
    public var hashSum: Int64

    public init(count: Int = 0, hashSum: Int64 = 0) {
        self.count = count
        self.hashSum = hashSum
    }

    public static func + (lhs: WindowSummary, rhs: WindowSummary) -> WindowSummary {
        WindowSummary(count: lhs.count + rhs.count, hashSum: lhs.hashSum &+ rhs.hashSum)
    }
}

/// CloudWatch's side of a range, per minute, from one read of the events.
public struct MinuteSummaries: Sendable {
    public private(set) var byMinute: [EpochMillis: WindowSummary] = [:]

    public init() {}

    public mutating func add(timestamp: EpochMillis, checksum: Int64) {
        let minute = Self.minute(of: timestamp)
        byMinute[minute, default: WindowSummary()] = byMinute[minute, default: WindowSummary()] + WindowSummary(count: 1, hashSum: checksum)
    }

    /// The total for `range`, whose bounds must be whole minutes.
    public func summary(of range: TimeRange) -> WindowSummary {
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
