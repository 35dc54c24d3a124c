import Testing
@testable import Engine

/// Records as CloudWatch Logs writes them into Kinesis (the shape of AWS's subscription
/// examples: `messageType`, `owner`, `logGroup`, `logStream`, `subscriptionFilters`,
/// `logEvents` with `id`, `timestamp`, `message`), gzip-compressed.
@Suite struct SubscriptionRecordTests {
    func gzipped(_ text: String) throws -> [UInt8] { try Gzip.compress(Array(text.utf8)) }

    @Test func aDataMessageCarriesItsGroupsEventsWithTheirIds() throws {
        let record = try SubscriptionRecord.decode(gzipped(#"""
            {"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/lambda/api","logStream":"2026/12/03/[$LATEST]abc",
             "subscriptionFilters":["logstream"],"logEvents":[
              {"id":"31953106606966983378809025079804211143289615424298221568","timestamp":1764720000000,"message":"START \"quoted\" é"},
              {"id":"31953106606966983378809025079804211143289615424298221569","timestamp":1764720000001,"message":"{\"level\":\"warn\"}"}]}
            """#), arrival: 1_764_720_000_500)
        #expect(record.kind == .data && record.owner == "123456789012" && record.logGroup == "/aws/lambda/api")
        #expect(record.events.map(\.eventId) == ["31953106606966983378809025079804211143289615424298221568",
                                                 "31953106606966983378809025079804211143289615424298221569"])
        #expect(record.events.map(\.message) == ["START \"quoted\" é", #"{"level":"warn"}"#])
        #expect(record.events.allSatisfy { $0.logStream == "2026/12/03/[$LATEST]abc" && $0.ingestionTime == 1_764_720_000_500 })
    }

    /// moto writes its FilterLogEvents ids as numbers: the same id either way.
    @Test func aNumericIdIsTheSameIdAsText() throws {
        let record = try SubscriptionRecord.decode(gzipped(#"{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"/g","logStream":"s","logEvents":[{"id":42,"timestamp":5,"message":"m"}]}"#), arrival: nil)
        #expect(record.events.first?.eventId == "42")
    }

    @Test func aControlMessageCarriesNoEvents() throws {
        let record = try SubscriptionRecord.decode(gzipped(#"{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1,"message":"CWL CONTROL MESSAGE: Checking health of destination Kinesis stream."}]}"#), arrival: nil)
        #expect(record.kind == .control && record.events.isEmpty)
    }

    @Test(arguments: [
        #"{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"/g","logStream":"s","logEvents":[{"timestamp":5,"message":"m"}]}"#,
        #"{"messageType":"DATA_MESSAGE","owner":"1","logStream":"s","logEvents":[]}"#,
        #"{"messageType":"SOMETHING_ELSE"}"#,
    ])
    func malformedRecordsAreRefusedWithTheReason(json: String) throws {
        #expect(throws: SubscriptionRecord.Malformed.self) { try SubscriptionRecord.decode(gzipped(json), arrival: nil) }
    }

    @Test func bytesThatAreNotGzipAreRefused() {
        #expect(throws: SubscriptionRecord.Malformed.self) { try SubscriptionRecord.decode(Array("not gzip".utf8), arrival: nil) }
    }
}
