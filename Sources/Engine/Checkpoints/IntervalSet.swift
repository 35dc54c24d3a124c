/// Disjoint, sorted, merged ranges: what a group has already copied.
public struct IntervalSet: Sendable, Equatable {
    public private(set) var ranges: [TimeRange]

    init(_ ranges: [TimeRange] = []) {
        self.ranges = []
        for range in ranges { insert(range) }
    }

    mutating func insert(_ range: TimeRange) {
        guard !range.isEmpty else { return }
        var merged = range
        var kept: [TimeRange] = []
        for existing in ranges {
            if existing.end < merged.start || existing.start > merged.end {
                kept.append(existing)
            } else {
                merged = TimeRange(start: min(existing.start, merged.start), end: max(existing.end, merged.end))
            }
        }
        kept.append(merged)
        ranges = kept.sorted { $0.start < $1.start }
    }

    /// The parts of `range` not covered yet.
    func gaps(in range: TimeRange) -> [TimeRange] {
        var gaps: [TimeRange] = []
        var cursor = range.start
        for existing in ranges where existing.end > range.start && existing.start < range.end {
            if existing.start > cursor { gaps.append(TimeRange(start: cursor, end: existing.start)) }
            cursor = max(cursor, existing.end)
        }
        if cursor < range.end { gaps.append(TimeRange(start: cursor, end: range.end)) }
        return gaps
    }

    func covers(_ range: TimeRange) -> Bool { gaps(in: range).isEmpty }
}
