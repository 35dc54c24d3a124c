/// Where the tail stands in one log stream: the newest event timestamp and ingestion
/// time Elasticsearch has acknowledged, and how late this stream's events arrive.
public struct StreamCursor: Sendable, Equatable {
    var lastTimestamp: EpochMillis
    var lastIngestion: EpochMillis
    /// Smoothed high estimate of ingestion time minus event time, in milliseconds.
    public var lagMillis: EpochMillis

    init(lastTimestamp: EpochMillis, lastIngestion: EpochMillis, lagMillis: EpochMillis) {
        self.lastTimestamp = lastTimestamp
        self.lastIngestion = lastIngestion
        self.lagMillis = lagMillis
    }
}
