import Testing
@testable import Engine

@Suite struct JSONParserTests {
    @Test func parsesNestedDocumentsKeepingMemberOrder() throws {
        let value = try JSONParser().parse(#"{"b":1,"a":[true,false,null],"c":{"d":"x"}}"#)
        #expect(value.members?.map(\.key) == ["b", "a", "c"])
        #expect(value["a"] == [true, false, nil])
        #expect(value["c"]?["d"]?.string == "x")
    }

    @Test func keepsNumbersAsTheirOriginalText() throws {
        let value = try JSONParser().parse("[12345678901234567890123, 1.50, -0, 6.02e23]")
        #expect(value == .array([.number("12345678901234567890123"), .number("1.50"), .number("-0"), .number("6.02e23")]))
    }

    @Test(arguments: [
        (#""a\"b\\c\/d""#, "a\"b\\c/d"),
        (#""line\nbreak\ttab""#, "line\nbreak\ttab"),
        (#""\u00e9\u4e2d""#, "é中"),
        (#""\ud83d\ude00""#, "😀"),
        (#""lone \ud800 surrogate""#, "lone \u{FFFD} surrogate"),
    ])
    func decodesEscapes(input: String, expected: String) throws {
        #expect(try JSONParser().parse(input).string == expected)
    }

    @Test func invalidUTF8IsRepairedNotFatal() throws {
        let bytes: [UInt8] = [0x22, 0x61, 0xFF, 0x62, 0x22]
        #expect(try JSONParser().parse(bytes).string == "a\u{FFFD}b")
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"unterminated", "tru", "{} extra", "\"a\u{01}\"", "NaN"])
    func rejectsMalformedInput(input: String) {
        #expect(throws: JSONParseError.self) { try JSONParser().parse(input) }
    }

    @Test func lenientModeTurnsNonFiniteNumbersIntoNull() throws {
        let value = try JSONParser(lenient: true).parse(#"{"a":NaN,"b":Infinity,"c":-Infinity,"d":-1}"#)
        #expect(value["a"] == .null && value["b"] == .null && value["c"] == .null)
        #expect(value["d"] == .number("-1"))
    }

    @Test func deepNestingIsRejectedInsteadOfOverflowingTheStack() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser().parse(deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONParser().parse(fine)) != nil)
    }
}

@Suite struct JSONWriterTests {
    @Test func escapesWhatJSONRequiresAndRoundTrips() throws {
        let text = "quote\" backslash\\ nul\u{0} bell\u{7} newline\n unicode é 😀"
        var writer = JSONWriter()
        writer.string(text)
        let encoded = String(decoding: writer.bytes, as: UTF8.self)
        #expect(encoded.contains("\\u0000") && encoded.contains("\\u0007") && encoded.contains("\\n"))
        #expect(try JSONParser().parse(writer.bytes).string == text)
    }

    @Test func serializesValuesCompactly() {
        let value: JSONValue = ["a": [1, "x", nil, true], "b": ["c": .number("1.5")]]
        #expect(value.serializedString == #"{"a":[1,"x",null,true],"b":{"c":1.5}}"#)
    }
}
