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
        // An empty answer is not JSON; the room below needs at least a byte to point at.
        guard !body.isEmpty else { throw Malformed(offset: 0) }
        var events: [LogEvent] = []
        var nextToken: String?
        var unescapedMessages: [(event: Int, text: Range<Int>)] = []
        // The page's messages that had escapes, unescaped one after another: one buffer for
        // the page rather than one per message. Unescaping never lengthens text, so room for
        // the whole response is room for all of them.
        let unescaped = try [UInt8](unsafeUninitializedCapacity: body.count) { room, used in
            // Not nil: the capacity is at least one byte.
            var page = PageDecoding(room: room.baseAddress!)
            defer {
                used = page.used
                unescapedMessages = page.unescapedMessages
            }
            var scanner = JSONScanner(body, maxDepth: 512)
            func fail() -> Malformed { Malformed(offset: scanner.position) }

            guard scanner.expect(UInt8(ascii: "{")) else { throw fail() }
            if scanner.expect(UInt8(ascii: "}")) { return }
            repeat {
                guard let key = scanner.memberName(among: Self.names, other: .other) else { throw fail() }
                if key == .events {
                    guard scanner.expect(UInt8(ascii: "[")) else { throw fail() }
                    if scanner.expect(UInt8(ascii: "]")) { continue }
                    repeat {
                        guard decodeEvent(&scanner, &page, storage, appendingTo: &events) else { throw fail() }
                    } while scanner.expect(UInt8(ascii: ","))
                    guard scanner.expect(UInt8(ascii: "]")) else { throw fail() }
                } else if key == .nextToken {
                    scanner.skipWhitespace()
                    if scanner.peek() == UInt8(ascii: "\"") {
                        var token: [UInt8] = []
                        guard scanner.readString(into: &token) else { throw fail() }
                        nextToken = String(decoding: token, as: UTF8.self)
                    } else if scanner.skipValue() == nil {
                        throw fail()
                    }
                } else if scanner.skipValue() == nil {
                    throw fail()
                }
            } while scanner.expect(UInt8(ascii: ","))
            guard scanner.expect(UInt8(ascii: "}")) else { throw fail() }
        }
        for (event, range) in unescapedMessages { events[event].messageUTF8 = unescaped[range] }
        return LogEventPage(events: events, nextToken: nextToken)
    }

    /// What decoding a page keeps from one event to the next.
    private struct PageDecoding {
        /// The last stream name as written, and as a String: consecutive events mostly share it.
        var lastStream: (bytes: [UInt8], name: String) = ([], "")
        /// Where unescaped messages go: room for as many bytes as the response has, of which
        /// `used` are taken. A message's unescaped text is never longer than the part of the
        /// response from its start on, and the messages before it took at most what lies
        /// before it, so the room left always suffices. Lent by the array being initialised
        /// with it: valid while that array's initialiser runs, which is this struct's life.
        let room: UnsafeMutablePointer<UInt8>
        private(set) var used = 0
        /// Which event's message is where in the room; the slices are made once it is full.
        var unescapedMessages: [(event: Int, text: Range<Int>)] = []

        init(room: UnsafeMutablePointer<UInt8>) {
            self.room = room
        }

        /// Where the next unescaped message is written.
        var next: UnsafeMutablePointer<UInt8> { room + used }

        /// Keeps the `count` bytes just written at `next`: the unescaped message of `event`.
        mutating func keep(_ count: Int, forEvent event: Int) {
            unescapedMessages.append((event, used..<used + count))
            used += count
        }
    }

    /// The member names the decoder acts on.
    private enum Key {
        case events, nextToken, message, eventId, timestamp, ingestionTime, logStreamName, other
    }

    private static let names: [(name: StaticString, key: Key)] = [
        ("events", .events), ("message", .message), ("eventId", .eventId), ("nextToken", .nextToken), ("timestamp", .timestamp),
        ("ingestionTime", .ingestionTime), ("logStreamName", .logStreamName),
    ]

    /// Reads one event object into `events` (one without an id or timestamp is skipped);
    /// false when it is malformed.
    private static func decodeEvent(_ scanner: inout JSONScanner, _ page: inout PageDecoding, _ storage: [UInt8],
                                    appendingTo events: inout [LogEvent]) -> Bool {
        guard scanner.expect(UInt8(ascii: "{")) else { return false }
        // Written in place in the page's array as its members come (removed again when it
        // turns out to have no id or timestamp): an event built from separate values and then
        // appended was copied once more on the way (a retain and a release per field).
        let slot = events.count
        events.append(LogEvent(eventIdUTF8: [], timestamp: 0, ingestionTime: nil, messageUTF8: [], logStream: "", encodedMessage: nil))
        var hasId = false, hasTimestamp = false
        /// The length of the message unescaped at `page.next`, when it had escapes.
        var unescapedMessage: Int?
        if !scanner.expect(UInt8(ascii: "}")) {
            repeat {
                guard let key = scanner.memberName(among: Self.names, other: .other) else { return false }
                let isString = scanner.peekAfterWhitespace() == UInt8(ascii: "\"")
                switch key {
                case .message where isString:
                    guard readMessage(&scanner, &page, storage, into: &events[slot], unescaped: &unescapedMessage) else { return false }
                case .eventId where isString:
                    let start = scanner.position + 1
                    var shape = JSONScanner.StringShape()
                    guard scanner.skipString(noting: &shape) else { return false }
                    let raw = storage[start..<scanner.position - 1]
                    events[slot].eventIdUTF8 = shape.escaped ? raw.withUnsafeBufferPointer { JSONScanner.unescaped($0)[...] } : raw
                    hasId = true
                case .timestamp:
                    guard let value = scanner.readInt64() else { return false }
                    events[slot].timestamp = value
                    hasTimestamp = true
                case .ingestionTime:
                    guard let value = scanner.readInt64() else { return false }
                    events[slot].ingestionTime = value
                case .logStreamName where isString:
                    let start = scanner.position + 1
                    var shape = JSONScanner.StringShape()
                    guard scanner.skipString(noting: &shape) else { return false }
                    let raw = UnsafeBufferPointer(rebasing: scanner.bytes[start..<scanner.position - 1])
                    // Consecutive events mostly share a stream: compare as written, reuse its String.
                    let same = page.lastStream.bytes.withUnsafeBufferPointer {
                        $0.count == raw.count && (raw.isEmpty || memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0)
                    }
                    if !same {
                        let name = shape.escaped ? JSONScanner.unescaped(raw) : Array(raw)
                        page.lastStream = (Array(raw), String(decoding: name, as: UTF8.self))
                    }
                    events[slot].logStream = page.lastStream.name
                default:
                    guard scanner.skipValue() != nil else { return false }
                }
            } while scanner.expect(UInt8(ascii: ","))
            guard scanner.expect(UInt8(ascii: "}")) else { return false }
        }
        guard hasId && hasTimestamp else {
            events.removeLast()
            return true
        }
        if let unescapedMessage { page.keep(unescapedMessage, forEvent: slot) }
        return true
    }
    /// The message at the scanner, into `event`: checked and, when it has escapes, unescaped
    /// into the page's buffer in one pass (`unescaped`: its length there, for the page to
    /// keep); false when it is malformed.
    @inline(__always)
    private static func readMessage(_ scanner: inout JSONScanner, _ page: inout PageDecoding, _ storage: [UInt8],
                                    into event: inout LogEvent, unescaped: inout Int?) -> Bool {
        guard let string = scanner.readString(unescapingInto: page.next) else { return false }
        let (start, end, written, ascii) = (string.contents.lowerBound, string.contents.upperBound, string.written, string.ascii)
        unescaped = nil
        if written == 0 {
            // No escapes: the text is the bytes themselves, and already safe to copy into JSON.
            let raw = UnsafeBufferPointer(rebasing: scanner.bytes[start..<end])
            let valid = ascii || UTF8Validation.isValid(raw)
            event.messageUTF8 = valid ? storage[start..<end] : ArraySlice(String(decoding: raw, as: UTF8.self).utf8)
            event.encodedMessage = valid ? event.messageUTF8 : nil
        } else {
            let text = UnsafeBufferPointer(start: page.next, count: written)
            if ascii || UTF8Validation.isValid(text) {
                unescaped = written
                event.encodedMessage = storage[start..<end]
            } else {
                event.messageUTF8 = ArraySlice(String(decoding: text, as: UTF8.self).utf8)
                event.encodedMessage = nil
            }
        }
        return true
    }
}
