import Testing
import TestSupport
@testable import Engine

/// FilterLogEvents pages as the service sends them, through the decoder and the transform.
@Suite struct FilterLogEventsDecoderTests {
    func page(_ messageJSON: [UInt8]) -> [UInt8] {
        Array(#"{"events":[{"logStreamName":"s","timestamp":1714521600000,"message":"#.utf8) + messageJSON
            + Array(#","ingestionTime":1714521600500,"eventId":"42"}],"nextToken":null}"#.utf8)
    }

    func onlyEvent(_ messageJSON: [UInt8]) throws -> LogEvent {
        let decoded = try CloudWatchLogsClient.decodeFilterLogEventsPage(page(messageJSON))
        #expect(decoded.events.count == 1)
        return try #require(decoded.events.first)
    }

    @Test(arguments: [
        (#""plain text""#, "plain text"),
        (#""tab\there \"quoted\" back\\slash""#, "tab\there \"quoted\" back\\slash"),
        (#""caf\u00e9 \ud83d\ude00""#, "café 😀"),
        (#""{\"level\":\"INFO\",\"n\":1}""#, #"{"level":"INFO","n":1}"#),
        (#""""#, ""),
    ])
    func messagesAreUnescapedExactly(raw: String, text: String) throws {
        let event = try onlyEvent(Array(raw.utf8))
        #expect(event.message == text)
        let document = DocumentBuilder(region: "r").document(for: event, logGroup: "/g", index: "i")
        #expect(try JSONParser().parse(document.source)["message"]?.string == text)
    }

    @Test func invalidUTF8InTheResponseIsReplacedNotPassedOn() throws {
        // A raw 0xFF byte inside the JSON string, with and without escapes around it.
        for raw: [UInt8] in [[0x22, 0x61, 0xFF, 0x62, 0x22], [0x22, 0x5C, 0x6E, 0xC3, 0x28, 0x22]] {
            let event = try onlyEvent(raw)
            #expect(event.message.contains("\u{FFFD}"))
            let document = DocumentBuilder(region: "r").document(for: event, logGroup: "/g", index: "i")
            #expect(String(validating: document.source, as: UTF8.self) != nil)
            #expect(try JSONParser().parse(document.source)["message"]?.string == event.message)
        }
    }

    @Test func namesIdsAndStreamsWrittenWithEscapesReadTheSameAsPlainOnes() throws {
        let body = #"""
            {"events":[
              {"logStreamName":"web/1","timestamp":1,"message":"a","eventId":"1"},
              {"logStreamName":"web\/1","timestamp":2,"message":"b","eventId":"2"},
              {"\u006cogStreamName":"web/2","\u0074imestamp":3,"\u006dessage":"c","event\u0049d":"\u0033"},
              {"logStreamName":"web/2","timestamp":4,"message":"no id: skipped"},
              {"logStreamName":"","timestamp":5,"message":"e","eventId":"5","extra":{"nested":[1,"x",null]}},
              {"logStreamName":"web/2","timestamp":6,"message":"f","eventId":"6"}
            ],"searchedLogStreams":[],"next\u0054oken":"t\u0030"}
            """#
        let page = try CloudWatchLogsClient.decodeFilterLogEventsPage(Array(body.utf8))
        #expect(page.events.map(\.eventId) == ["1", "2", "3", "5", "6"])
        #expect(page.events.map(\.logStream) == ["web/1", "web/1", "web/2", "", "web/2"])
        #expect(page.events.map(\.message) == ["a", "b", "c", "e", "f"])
        #expect(page.events.map(\.timestamp) == [1, 2, 3, 5, 6])
        #expect(page.nextToken == "t0")
    }

    @Test func textThatIsNotASCIIIsStillValidatedAndEscapesThatMakeItAreTrusted() throws {
        // Raw UTF-8 beyond the first eight bytes, raw invalid bytes after escapes, and
        // non-ASCII that only \u escapes produce.
        let cases: [([UInt8], String)] = [
            (Array("\"0123456789 café\"".utf8), "0123456789 café"),
            (Array("\"0123456789 \\u00e9\"".utf8), "0123456789 é"),
            ([0x22] + Array("0123456789\\n".utf8) + [0xE9, 0x22], "0123456789\n\u{FFFD}"),
        ]
        for (raw, text) in cases {
            #expect(try onlyEvent(raw).message == text)
        }
    }

    @Test func everyMessageOfAPageKeepsItsOwnTextWhetherEscapedPlainSkippedOrInvalid() throws {
        var body = Array(#"{"events":["#.utf8)
        let messages: [(raw: [UInt8], id: String?)] = [
            (Array(#""a\"1""#.utf8), "1"), (Array(#""plain""#.utf8), "2"), (Array(#""x\ty""#.utf8), nil),
            ([0x22, 0x5C, 0x74, 0xFF, 0x22], "4"), (Array(#""c\\n \u00e9""#.utf8), "5"), (Array(#""""#.utf8), "6"),
        ]
        for (index, message) in messages.enumerated() {
            if index > 0 { body += Array(",".utf8) }
            body += Array(#"{"timestamp":\#(index),"message":"#.utf8) + message.raw
            if let id = message.id { body += Array(#","eventId":"\#(id)""#.utf8) }
            body += Array("}".utf8)
        }
        body += Array("]}".utf8)
        let page = try CloudWatchLogsClient.decodeFilterLogEventsPage(body)
        #expect(page.events.map(\.eventId) == ["1", "2", "4", "5", "6"])
        #expect(page.events.map(\.message) == ["a\"1", "plain", "\t\u{FFFD}", "c\\n é", ""])
        for event in page.events {
            let document = DocumentBuilder(region: "r").document(for: event, logGroup: "/g", index: "i")
            #expect(try JSONParser().parse(document.source)["message"]?.string == event.message)
        }
    }

    @Test func aRepeatedMessageKeyKeepsTheLastTextWhicheverWasEscaped() throws {
        for (first, second, text) in [(#""a\"b""#, #""plain""#, "plain"), (#""plain""#, #""a\"b""#, "a\"b")] {
            let body = #"{"events":[{"eventId":"1","timestamp":1,"message":\#(first),"message":\#(second)}]}"#
            let page = try CloudWatchLogsClient.decodeFilterLogEventsPage(Array(body.utf8))
            #expect(page.events.map(\.message) == [text])
            let document = DocumentBuilder(region: "r").document(for: page.events[0], logGroup: "/g", index: "i")
            #expect(try JSONParser().parse(document.source)["message"]?.string == text)
        }
    }

    /// Pages of many messages mixing plain runs of every length (around the sixteen bytes
    /// read at a time), every kind of escape and raw UTF-8: each message reads as an
    /// independent reading of JSON strings reads it, and escaped ones after plain ones keep their own text
    /// in the page's shared buffer.
    @Test func everyMessageOfALongMixedPageReadsAsAnIndependentReadingReadsIt() throws {
        let pieces = ["a", "abc", "0123456", "0123456789abcde", "0123456789abcdef", "0123456789abcdef0", "\\\"", "\\\\",
                      "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u00e9", "\\u20AC", "\\ud83d\\ude00", "\\ud83d", "caf\u{e9}", "\u{1F600}"]
        var generator = SeededGenerator()
        for _ in 0..<40 {
            let messages = (0..<Int.random(in: 1...60, using: &generator)).map { _ in
                (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            }
            let events = messages.enumerated().map { #"{"timestamp":\#($0.offset),"message":"\#($0.element)","eventId":"\#($0.offset)"}"# }
            let body = Array(#"{"events":[\#(events.joined(separator: ","))]}"#.utf8)
            let expected = messages.map { ReferenceJSONString.decode($0) }
            let page = try CloudWatchLogsClient.decodeFilterLogEventsPage(body)
            #expect(expected.count == messages.count)
            #expect(page.events.map { Optional($0.message) } == expected, "\(generator)")
        }
    }

    @Test func unknownEscapesAndCutEscapesInAMessageAreRefusedAsMalformed() {
        for raw in [#""ab\x""#, #""ab\u12""#, #""ab\u12g4""#, #""0123456789abcdef\q""#] {
            #expect(throws: (any Error).self, "\(raw)") { try CloudWatchLogsClient.decodeFilterLogEventsPage(page(Array(raw.utf8))) }
        }
    }

    @Test func anEmptyAnswerIsRefusedAsMalformed() {
        #expect(throws: (any Error).self) { try CloudWatchLogsClient.decodeFilterLogEventsPage([]) }
    }

    @Test func controlCharactersInAMessageAreRefusedAsMalformed() {
        #expect(throws: (any Error).self) { try CloudWatchLogsClient.decodeFilterLogEventsPage(page([0x22, 0x61, 0x0A, 0x22])) }
    }
}

@Suite struct UTF8ValidationTests {
    @Test(arguments: [
        ([0x61, 0x62], true), ([0xC3, 0xA9], true), ([0xE2, 0x9C, 0x93], true), ([0xF0, 0x9F, 0x98, 0x80], true),
        ([0xC3], false), ([0xC0, 0xAF], false), ([0xE0, 0x80, 0xAF], false), ([0xED, 0xA0, 0x80], false),
        ([0xF4, 0x90, 0x80, 0x80], false), ([0xFF], false), ([0x80], false),
    ] as [([UInt8], Bool)])
    func agreesWithTheStandardLibrary(bytes: [UInt8], valid: Bool) {
        // Padded with ASCII on both sides so the eight-byte fast path is crossed too.
        let padded = Array("0123456789".utf8) + bytes + Array("abcdefghij".utf8)
        #expect(padded.withUnsafeBufferPointer { UTF8Validation.isValid($0) } == valid)
        #expect((String(validating: padded, as: UTF8.self) != nil) == valid)
    }
}

@Suite struct PlainRunTests {
    @Test func findsTheFirstQuoteBackslashOrControlByteAtEveryOffset() {
        for special: UInt8 in [0x22, 0x5C, 0x00, 0x1F, 0x0A] {
            for length in 0..<40 {
                for position in 0...length {
                    var bytes = Array(repeating: UInt8(ascii: "a"), count: length)
                    // Bytes just above the special ones must not count as special.
                    for index in stride(from: 1, to: length, by: 3) { bytes[index] = [0x20, 0x21, 0x23, 0x5D, 0x7F, 0xC3][index % 6] }
                    if position < length { bytes[position] = special }
                    let expected = bytes.firstIndex { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 } ?? length
                    let found = bytes.withUnsafeBufferPointer { JSONScanner.endOfPlainRun($0, from: 0) }
                    #expect(found == expected, "special \(special) length \(length) position \(position)")
                }
            }
        }
    }

    @Test func skippingAStringNotesEscapesAndNonASCIIBytesAtEveryOffset() {
        for length in 1..<40 {
            for position in 0..<length {
                for (inserted, escaped, ascii) in [([UInt8(0xC3), 0xA9], false, false), (Array("\\n".utf8), true, true), (Array("\\u00e9".utf8), true, true)] {
                    var text = Array(repeating: UInt8(ascii: "a"), count: length)
                    text.replaceSubrange(position..<position + 1, with: inserted)
                    let quoted = [0x22] + text + [0x22, 0x2C]
                    quoted.withUnsafeBufferPointer { bytes in
                        var scanner = JSONScanner(bytes)
                        var shape = JSONScanner.StringShape()
                        let skipped = scanner.skipString(noting: &shape)
                        #expect(skipped)
                        #expect(scanner.position == quoted.count - 1)
                        #expect(shape.escaped == escaped && shape.ascii == ascii, "length \(length) position \(position) \(inserted)")
                    }
                }
            }
        }
    }
}

@Suite struct UnescapingTests {
    /// Random string contents of plain runs of every length, every kind of escape
    /// (surrogate pairs and lone halves too) and raw UTF-8, unescaped as the decoder and the
    /// JSON parser do it (one lexer) and as an independent byte-by-byte reading does it.
    @Test func unescapingAgreesWithAnIndependentReading() throws {
        let pieces = ["a", "abc", "0123456", "01234567", "0123456789abcdef0", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n",
                      "\\r", "\\t", "\\u00e9", "\\u20AC", "\\ud83d\\ude00", "\\ud83d", "\\ude00", "\\ud83dx", "café"]
        var generator = SeededGenerator()
        for _ in 0..<3000 {
            let contents = (0..<Int.random(in: 0...14, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let raw = Array(contents.utf8)
            let unescaped = raw.withUnsafeBufferPointer { JSONScanner.unescaped($0) }
            let parsed = try JSONParser().parse(Array(("\"" + contents + "\"").utf8)).string
            let reference = ReferenceJSONString.decode(contents)
            #expect(String(decoding: unescaped, as: UTF8.self) == reference, "\(contents), \(generator)")
            #expect(parsed == reference, "the JSON parser: \(contents), \(generator)")
        }
    }
}

@Suite struct IntegerReadingTests {
    @Test(arguments: [
        (" 42 ,", Int64?.some(42)), ("0", 0), ("-5", -5), ("1714521600000", 1_714_521_600_000),
        ("9223372036854775807", Int64.max), ("9223372036854775808", nil), ("01", nil), ("1.5", nil), ("1e3", nil),
        ("2E3", nil), ("-", nil), ("\"12\"", nil), ("", nil), ("true", nil),
    ] as [(String, Int64?)])
    func readsWholeNumbersOnly(text: String, expected: Int64?) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            let value = scanner.readInt64()
            #expect(value == expected, "\(text)")
            if expected != nil {
                #expect(scanner.expect(UInt8(ascii: ",")) || scanner.atEnd)
            }
        }
    }
}
