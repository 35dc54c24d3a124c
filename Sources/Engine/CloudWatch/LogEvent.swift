/// One CloudWatch Logs event as FilterLogEvents returns it.
package struct LogEvent: Sendable, Equatable {
    /// The eventId's bytes, mostly a slice of the response: most uses hash or copy them,
    /// and a String per event is measurable.
    var eventIdUTF8: ArraySlice<UInt8>
    var timestamp: EpochMillis
    var ingestionTime: EpochMillis?
    /// The message as valid UTF-8 (invalid sequences replaced). Kept as bytes, a slice of
    /// the response itself or, when it was written with escapes, of a buffer its page's
    /// unescaped messages share: the transform reads bytes, and a copy per event is measurable.
    var messageUTF8: ArraySlice<UInt8>
    var logStream: String
    /// The message as it appeared inside the response's JSON string (escaped, without the
    /// quotes), when it is known to be valid UTF-8: it can be copied into a document as is,
    /// which saves escaping it again. Shares storage with `messageUTF8` when the response
    /// had no escapes in it.
    var encodedMessage: ArraySlice<UInt8>?

    init(eventId: String, timestamp: EpochMillis, ingestionTime: EpochMillis?, message: String, logStream: String) {
        self.init(eventIdUTF8: ArraySlice(eventId.utf8), timestamp: timestamp, ingestionTime: ingestionTime, messageUTF8: ArraySlice(message.utf8),
                  logStream: logStream, encodedMessage: nil)
    }

    init(eventIdUTF8: ArraySlice<UInt8>, timestamp: EpochMillis, ingestionTime: EpochMillis?, messageUTF8: ArraySlice<UInt8>, logStream: String, encodedMessage: ArraySlice<UInt8>?) {
        self.eventIdUTF8 = eventIdUTF8
        self.timestamp = timestamp
        self.ingestionTime = ingestionTime
        self.messageUTF8 = messageUTF8
        self.encodedMessage = encodedMessage
        self.logStream = logStream
    }

    var eventId: String {
        get { String(decoding: eventIdUTF8, as: UTF8.self) }
        set { eventIdUTF8 = ArraySlice(newValue.utf8) }
    }

    var message: String { String(decoding: messageUTF8, as: UTF8.self) }
}

/// One page of FilterLogEvents. An empty page may still carry a token: paging
/// ends only when the token is absent.
package struct LogEventPage: Sendable {
    package var events: [LogEvent]
    var nextToken: String?
}
