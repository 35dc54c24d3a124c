import Foundation
import Testing
@testable import Engine

@Suite struct DocumentIDTests {
    @Test func murmurMatchesReferenceVectors() {
        #expect(MurmurHash3.hash128(Array("".utf8)) == (0, 0))
        #expect(MurmurHash3.hash128(Array("hello".utf8)) == (0xcbd8_a7b3_41bd_9b02, 0x5b1e_906a_48ae_1d19))
        #expect(MurmurHash3.hash128(Array("The quick brown fox jumps over the lazy dog".utf8)) == (0xe34b_bc7b_bc07_1b6c, 0x7a43_3ca9_c49a_9347))
    }

    @Test func idIsDeterministicCompactAndURLSafe() {
        let id = DocumentID.make(logGroup: "/aws/lambda/x", eventId: "37516444758064312893585611464993386287645276585172697088")
        #expect(id == DocumentID.make(logGroup: "/aws/lambda/x", eventId: "37516444758064312893585611464993386287645276585172697088"))
        #expect(id.count == 22)
        #expect(id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }

    @Test func idIsTheBase64URLOfTheBigEndianHashOfGroupNulEventId() {
        let (high, low) = MurmurHash3.hash128(Array("/aws/lambda/x".utf8) + [0] + Array("12345".utf8))
        let bytes = (0..<16).map { UInt8(truncatingIfNeeded: ($0 < 8 ? high : low) >> (56 - 8 * UInt64($0 % 8))) }
        // Foundation's base64, turned into the URL-safe alphabet without padding, as the reference.
        let reference = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect(DocumentID.make(logGroup: "/aws/lambda/x", eventId: "12345") == reference)
        #expect(high == 0x3640_0229_86ec_0ffe && low == 0x0408_121f_afdd_aba5)
        #expect(DocumentID.make(logGroup: "", eventId: "").count == 22)
    }

    @Test func sameEventIdInAnotherGroupIsAnotherDocument() {
        #expect(DocumentID.make(logGroup: "a/b", eventId: "1") != DocumentID.make(logGroup: "a.b", eventId: "1"))
        #expect(DocumentID.make(logGroup: "g", eventId: "12") != DocumentID.make(logGroup: "g1", eventId: "2"))
    }
}

@Suite struct DocumentBuilderTests {
    let builder = DocumentBuilder(region: "eu-west-1")

    func build(_ message: String, ingestion: EpochMillis? = 1_714_521_601_000) throws -> JSONValue {
        let event = LogEvent(eventId: "42", timestamp: 1_714_521_600_123, ingestionTime: ingestion, message: message, logStream: "2024/05/01/[$LATEST]abc")
        let document = builder.document(for: event, logGroup: "/aws/lambda/api", index: "cloudwatch-aws-lambda-api")
        #expect(document.id == DocumentID.make(logGroup: "/aws/lambda/api", eventId: "42"))
        #expect(document.timestamp == 1_714_521_600_123)
        return try JSONParser().parse(document.source)
    }

    @Test func carriesTheECSFields() throws {
        let source = try build("START RequestId: 1 Version: $LATEST")
        #expect(source["@timestamp"]?.string == "2024-05-01T00:00:00.123Z")
        #expect(source["message"]?.string == "START RequestId: 1 Version: $LATEST")
        #expect(source["event"]?["id"]?.string == "42")
        #expect(source["event"]?["ingested"]?.string == "2024-05-01T00:00:01.000Z")
        #expect(source["cloud"]?["provider"]?.string == "aws")
        #expect(source["cloud"]?["region"]?.string == "eu-west-1")
        #expect(source["aws"]?["cloudwatch"]?["log_group"]?.string == "/aws/lambda/api")
        #expect(source["aws"]?["cloudwatch"]?["log_stream"]?.string == "2024/05/01/[$LATEST]abc")
    }

    @Test(arguments: ["", "   ", "tab\there \"quoted\" \\ back", "nul\u{0}byte", "Traceback (most recent call last):\n  File \"x\"\nKeyError: 'k'", "日本語 ✓ 😀"])
    func keepsTheMessageExactly(message: String) throws {
        #expect(try build(message)["message"]?.string == message)
    }

    @Test func omitsIngestedWhenUnknown() throws {
        #expect(try build("x", ingestion: nil)["event"]?["ingested"] == nil)
    }
}
