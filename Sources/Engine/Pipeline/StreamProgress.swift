import Glibc

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
