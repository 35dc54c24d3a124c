/// A half-open time range [start, end) in epoch milliseconds.
public struct TimeRange: Sendable, Equatable, CustomStringConvertible {
    public var start: EpochMillis
    public var end: EpochMillis

    public init(start: EpochMillis, end: EpochMillis) {
        self.start = start
        self.end = end
    }

    public var isEmpty: Bool { end <= start }
    var duration: EpochMillis { max(0, end - start) }

    public var description: String { "\(Timestamp.format(start))..\(Timestamp.format(end))" }

    /// Pieces of at most `length`, newest first.
    func chunksNewestFirst(length: EpochMillis) -> [TimeRange] {
        var chunks: [TimeRange] = []
        var upper = end
        while upper > start {
            let lower = max(start, upper - length)
            chunks.append(TimeRange(start: lower, end: upper))
            upper = lower
        }
        return chunks
    }
}
