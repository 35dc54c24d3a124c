/// Reads a FilterLogEvents response straight from its bytes into `LogEvent`s, without
/// building a generic JSON tree: the page is the hot path of every copy.
enum FilterLogEventsDecoder {
    struct Malformed: Error, CustomStringConvertible {
        var offset: Int
        var description: String { "FilterLogEvents response is not valid JSON (near byte \(offset))" }
    }

    static func decode(_ body: [UInt8]) throws -> LogEventPage {
        try body.withUnsafeBufferPointer { try decode($0) }
    }

    static func decode(_ body: UnsafeBufferPointer<UInt8>) throws -> LogEventPage {
        var scanner = JSONScanner(body, maxDepth: 512)
        var scratch: [UInt8] = []
        scratch.reserveCapacity(4096)
        var events: [LogEvent] = []
        var nextToken: String?
        func fail() -> Malformed { Malformed(offset: scanner.position) }

        guard scanner.expect(UInt8(ascii: "{")) else { throw fail() }
        if scanner.expect(UInt8(ascii: "}")) { return LogEventPage(events: [], nextToken: nil) }
        var lastStream: (bytes: [UInt8], name: String) = ([], "")
        repeat {
            scanner.skipWhitespace()
            guard scanner.peek() == UInt8(ascii: "\""), scanner.readString(into: &scratch), scanner.expect(UInt8(ascii: ":")) else { throw fail() }
            if scratch.elementsEqual("events".utf8) {
                guard scanner.expect(UInt8(ascii: "[")) else { throw fail() }
                if scanner.expect(UInt8(ascii: "]")) { continue }
                repeat {
                    guard let event = try decodeEvent(&scanner, &scratch, &lastStream) else { throw fail() }
                    if let event { events.append(event) }
                } while scanner.expect(UInt8(ascii: ","))
                guard scanner.expect(UInt8(ascii: "]")) else { throw fail() }
            } else if scratch.elementsEqual("nextToken".utf8) {
                scanner.skipWhitespace()
                if scanner.peek() == UInt8(ascii: "\"") {
                    guard scanner.readString(into: &scratch) else { throw fail() }
                    nextToken = String(decoding: scratch, as: UTF8.self)
                } else if scanner.skipValue() == nil {
                    throw fail()
                }
            } else if scanner.skipValue() == nil {
                throw fail()
            }
        } while scanner.expect(UInt8(ascii: ","))
        guard scanner.expect(UInt8(ascii: "}")) else { throw fail() }
        return LogEventPage(events: events, nextToken: nextToken)
    }

    /// One event object; `.some(nil)` when it lacks an id or timestamp (skipped), nil when malformed.
    private static func decodeEvent(_ scanner: inout JSONScanner, _ scratch: inout [UInt8], _ lastStream: inout (bytes: [UInt8], name: String)) throws -> LogEvent?? {
        guard scanner.expect(UInt8(ascii: "{")) else { return nil }
        var id: String?
        var timestamp: Int64?
        var ingestion: Int64?
        var message = ""
        var encodedMessage: [UInt8]?
        var stream = ""
        if !scanner.expect(UInt8(ascii: "}")) {
            repeat {
                scanner.skipWhitespace()
                guard scanner.peek() == UInt8(ascii: "\""), scanner.readString(into: &scratch), scanner.expect(UInt8(ascii: ":")) else { return nil }
                scanner.skipWhitespace()
                let isString = scanner.peek() == UInt8(ascii: "\"")
                switch scratch.count {
                case 7 where scratch.elementsEqual("message".utf8) && isString:
                    let start = scanner.position + 1
                    guard scanner.readString(into: &scratch) else { return nil }
                    if let valid = String(validating: scratch, as: UTF8.self) {
                        message = valid
                        encodedMessage = Array(UnsafeBufferPointer(rebasing: scanner.bytes[start..<scanner.position - 1]))
                    } else {
                        message = String(decoding: scratch, as: UTF8.self)
                    }
                case 7 where scratch.elementsEqual("eventId".utf8) && isString:
                    guard scanner.readString(into: &scratch) else { return nil }
                    id = String(decoding: scratch, as: UTF8.self)
                case 9 where scratch.elementsEqual("timestamp".utf8):
                    guard let value = scanner.readInt64() else { return nil }
                    timestamp = value
                case 13 where scratch.elementsEqual("ingestionTime".utf8):
                    guard let value = scanner.readInt64() else { return nil }
                    ingestion = value
                case 13 where scratch.elementsEqual("logStreamName".utf8) && isString:
                    guard scanner.readString(into: &scratch) else { return nil }
                    // Consecutive events mostly share a stream: reuse its String.
                    if scratch != lastStream.bytes {
                        lastStream = (scratch, String(decoding: scratch, as: UTF8.self))
                    }
                    stream = lastStream.name
                default:
                    guard scanner.skipValue() != nil else { return nil }
                }
            } while scanner.expect(UInt8(ascii: ","))
            guard scanner.expect(UInt8(ascii: "}")) else { return nil }
        }
        guard let id, let timestamp else { return .some(nil) }
        return .some(LogEvent(eventId: id, timestamp: timestamp, ingestionTime: ingestion, message: message, logStream: stream, encodedMessage: encodedMessage))
    }
}
