import Glibc

/// Reads a FilterLogEvents response straight from its bytes into `LogEvent`s, without
/// building a generic JSON tree: the page is the hot path of every copy.
enum FilterLogEventsDecoder {
    struct Malformed: Error, CustomStringConvertible {
        var offset: Int
        var description: String { "FilterLogEvents response is not valid JSON (near byte \(offset))" }
    }

    static func decode(_ body: [UInt8]) throws -> LogEventPage {
        try body.withUnsafeBufferPointer { try decode($0, storage: body) }
    }

    /// `storage` holds the same bytes as `body`: messages are slices of it where they can be.
    private static func decode(_ body: UnsafeBufferPointer<UInt8>, storage: [UInt8]) throws -> LogEventPage {
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
            if Self.equals(scratch, "events") {
                guard scanner.expect(UInt8(ascii: "[")) else { throw fail() }
                if scanner.expect(UInt8(ascii: "]")) { continue }
                repeat {
                    guard let event = try decodeEvent(&scanner, &scratch, &lastStream, storage) else { throw fail() }
                    if let event { events.append(event) }
                } while scanner.expect(UInt8(ascii: ","))
                guard scanner.expect(UInt8(ascii: "]")) else { throw fail() }
            } else if Self.equals(scratch, "nextToken") {
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

    /// Compares bytes with a literal without going through generic sequence code: the
    /// decoder does it five times per event.
    @inline(__always)
    private static func equals(_ bytes: [UInt8], _ literal: StaticString) -> Bool {
        bytes.count == literal.utf8CodeUnitCount && bytes.withUnsafeBufferPointer { $0.isEmpty || memcmp($0.baseAddress!, literal.utf8Start, $0.count) == 0 }
    }

    /// One event object; `.some(nil)` when it lacks an id or timestamp (skipped), nil when malformed.
    private static func decodeEvent(_ scanner: inout JSONScanner, _ scratch: inout [UInt8], _ lastStream: inout (bytes: [UInt8], name: String), _ storage: [UInt8]) throws -> LogEvent?? {
        guard scanner.expect(UInt8(ascii: "{")) else { return nil }
        var id: String?
        var timestamp: Int64?
        var ingestion: Int64?
        var message: ArraySlice<UInt8> = []
        var encodedMessage: ArraySlice<UInt8>?
        var stream = ""
        if !scanner.expect(UInt8(ascii: "}")) {
            repeat {
                scanner.skipWhitespace()
                guard scanner.peek() == UInt8(ascii: "\""), scanner.readString(into: &scratch), scanner.expect(UInt8(ascii: ":")) else { return nil }
                scanner.skipWhitespace()
                let isString = scanner.peek() == UInt8(ascii: "\"")
                switch scratch.count {
                case 7 where Self.equals(scratch, "message") && isString:
                    let start = scanner.position + 1
                    guard scanner.skipString() else { return nil }
                    let raw = UnsafeBufferPointer(rebasing: scanner.bytes[start..<scanner.position - 1])
                    if raw.isEmpty || memchr(raw.baseAddress!, 0x5C, raw.count) == nil {
                        // No escapes: the text is the bytes themselves, and already safe to copy into JSON.
                        let valid = UTF8Validation.isValid(raw)
                        message = valid ? storage[start..<scanner.position - 1] : ArraySlice(String(decoding: raw, as: UTF8.self).utf8)
                        encodedMessage = valid ? message : nil
                    } else {
                        scanner.position = start - 1
                        guard scanner.readString(into: &scratch) else { return nil }
                        let valid = scratch.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
                        message = valid ? ArraySlice(scratch) : ArraySlice(String(decoding: scratch, as: UTF8.self).utf8)
                        encodedMessage = valid ? storage[start..<scanner.position - 1] : nil
                    }
                case 7 where Self.equals(scratch, "eventId") && isString:
                    guard scanner.readString(into: &scratch) else { return nil }
                    id = String(decoding: scratch, as: UTF8.self)
                case 9 where Self.equals(scratch, "timestamp"):
                    guard let value = scanner.readInt64() else { return nil }
                    timestamp = value
                case 13 where Self.equals(scratch, "ingestionTime"):
                    guard let value = scanner.readInt64() else { return nil }
                    ingestion = value
                case 13 where Self.equals(scratch, "logStreamName") && isString:
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
        return .some(LogEvent(eventId: id, timestamp: timestamp, ingestionTime: ingestion, messageUTF8: message, logStream: stream, encodedMessage: encodedMessage))
    }
}
