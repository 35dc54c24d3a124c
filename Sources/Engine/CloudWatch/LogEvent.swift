/// One CloudWatch Logs event as FilterLogEvents returns it.
public struct LogEvent: Sendable, Equatable {
    public var eventId: String
    public var timestamp: EpochMillis
    public var ingestionTime: EpochMillis?
    public var message: String
    public var logStream: String

    public init(eventId: String, timestamp: EpochMillis, ingestionTime: EpochMillis?, message: String, logStream: String) {
        self.eventId = eventId
        self.timestamp = timestamp
        self.ingestionTime = ingestionTime
        self.message = message
        self.logStream = logStream
    }
}

/// One page of FilterLogEvents. An empty page may still carry a token: paging
/// ends only when the token is absent.
public struct LogEventPage: Sendable {
    public var events: [LogEvent]
    public var nextToken: String?
}
