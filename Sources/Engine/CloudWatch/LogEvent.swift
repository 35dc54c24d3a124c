/// One CloudWatch Logs event as FilterLogEvents returns it.
public struct LogEvent: Sendable, Equatable {
    public var eventId: String
    public var timestamp: EpochMillis
    public var ingestionTime: EpochMillis?
    public var message: String
    public var logStream: String
    /// The message as it appeared inside the response's JSON string (escaped, without the
    /// quotes), when it is known to be valid UTF-8: it can be copied into a document as is,
    /// which saves escaping it again.
    public var encodedMessage: [UInt8]?

    public init(eventId: String, timestamp: EpochMillis, ingestionTime: EpochMillis?, message: String, logStream: String, encodedMessage: [UInt8]? = nil) {
        self.eventId = eventId
        self.timestamp = timestamp
        self.ingestionTime = ingestionTime
        self.message = message
        self.encodedMessage = encodedMessage
        self.logStream = logStream
    }
}

/// One page of FilterLogEvents. An empty page may still carry a token: paging
/// ends only when the token is absent.
public struct LogEventPage: Sendable {
    public var events: [LogEvent]
    public var nextToken: String?
}
