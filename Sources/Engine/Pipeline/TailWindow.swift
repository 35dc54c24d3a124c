import Glibc

/// How far back a tail pass re-reads, so that events CloudWatch ingests late are not
/// skipped: from the newest ingestion time seen, back by twice the largest ingestion lag
/// measured on the group's recently active streams plus a margin — never less than
/// `minOverlap`, never more than `maxOverlap`. Events later than that are left to
/// reconciliation.
public struct TailWindow: Sendable, Equatable {
    public var minOverlap: EpochMillis
    public var maxOverlap: EpochMillis
    public static let margin: EpochMillis = 30_000

    public init(minOverlap: EpochMillis, maxOverlap: EpochMillis) {
        self.minOverlap = minOverlap
        self.maxOverlap = max(minOverlap, maxOverlap)
    }

    public func overlap(for group: CheckpointState.Group) -> EpochMillis {
        guard let newest = group.streams.values.map(\.lastIngestion).max() else { return maxOverlap }
        let active = group.streams.values.filter { $0.lastIngestion >= newest - maxOverlap }
        let lag = active.map(\.lagMillis).max() ?? 0
        return min(maxOverlap, max(minOverlap, 2 * lag + Self.margin))
    }

    /// Where the next pass starts reading; nil when the group has never been tailed.
    public func start(for group: CheckpointState.Group) -> EpochMillis? {
        guard let newestIngestion = group.streams.values.map(\.lastIngestion).max(),
              let newestEvent = group.tailPosition else { return nil }
        // Ingestion time is when the last pass could see data; event time bounds it from
        // below for streams whose clocks run ahead.
        return min(newestIngestion, newestEvent) - overlap(for: group)
    }
}

/// Per-stream positions and lag measured during one pass.
struct StreamProgress {
    private(set) var cursors: [String: StreamCursor] = [:]
    /// How long an old lag spike takes to count half: by time, not by pass, so a stream
    /// that flushes every few minutes is still read with its lag in mind at its next flush
    /// (per pass, 0.8 at a 15 s poll was a 46-second half-life).
    static let lagHalfLife: EpochMillis = 3_600_000

    /// `elapsed`: since the pass that measured `previous`.
    init(previous: [String: StreamCursor], elapsed: EpochMillis) {
        let factor = pow(0.5, Double(max(0, elapsed)) / Double(Self.lagHalfLife))
        for (stream, cursor) in previous {
            var decayed = cursor
            decayed.lagMillis = EpochMillis(Double(cursor.lagMillis) * factor)
            cursors[stream] = decayed
        }
    }

    mutating func record(_ event: LogEvent) {
        let ingestion = event.ingestionTime ?? event.timestamp
        let lag = max(0, ingestion - event.timestamp)
        if var cursor = cursors[event.logStream] {
            cursor.lastTimestamp = max(cursor.lastTimestamp, event.timestamp)
            cursor.lastIngestion = max(cursor.lastIngestion, ingestion)
            cursor.lagMillis = max(cursor.lagMillis, lag)
            cursors[event.logStream] = cursor
        } else {
            cursors[event.logStream] = StreamCursor(lastTimestamp: event.timestamp, lastIngestion: ingestion, lagMillis: lag)
        }
    }
}
