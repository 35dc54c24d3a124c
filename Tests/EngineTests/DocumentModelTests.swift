import Testing
@testable import Engine

/// The document model on real-world shaped messages.
@Suite struct DocumentModelTests {
    func source(_ message: String, options: DocumentOptions = DocumentOptions()) throws -> JSONValue {
        let event = LogEvent(eventId: "1", timestamp: 1_714_521_600_000, ingestionTime: nil, message: message, logStream: "s")
        let document = DocumentBuilder(region: "us-east-1", options: options).document(for: event, logGroup: "/g", index: "cloudwatch-g")
        return try JSONParser().parse(document.source)
    }

    @Test func lambdaRuntimeLinesStayTextWithTheirLevel() throws {
        let report = "REPORT RequestId: 3f5c\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 80 MB"
        let doc = try source(report)
        #expect(doc["message"]?.string == report)
        #expect(doc["json"] == nil)
        let start = try source("START RequestId: 3f5c Version: $LATEST")
        #expect(start["json"] == nil)
        let text = try source("2024-05-01T00:00:00.000Z\t6fbaa9ff-5ace-dabb-ee11-4afffcc206e3\tWARN\tslow downstream")
        #expect(text["log"]?["level"]?.string == "warn")
    }

    @Test func jsonAfterALambdaPrefixIsParsed() throws {
        let message = "2024-05-01T00:00:00.000Z\t6fbaa9ff-5ace-dabb-ee11-4afffcc206e3\tINFO\t{\"level\":\"INFO\",\"orderId\":42,\"latencyMs\":1.50}"
        let doc = try source(message)
        #expect(doc["message"]?.string == message)
        #expect(doc["json"]?["orderId"] == .number("42"))
        #expect(doc["json"]?["latencyMs"] == .number("1.50"))
        #expect(doc["log"]?["level"]?.string == "info")
    }

    @Test func apiGatewayAccessLogKeepsNumbersAsNumbers() throws {
        let doc = try source(#"{"requestId":"abc","status":404,"responseLength":1234,"ip":"203.0.113.9","httpMethod":"GET"}"#)
        #expect(doc["json"]?["status"] == .number("404"))
        #expect(doc["json"]?["responseLength"] == .number("1234"))
        #expect(doc["json"]?["httpMethod"]?.string == "GET")
    }

    @Test func ecsJSONWithNestingAndDottedNames() throws {
        let doc = try source(#"{"@version":1,"log.level":"ERROR","http":{"method":"POST","status_code":503},"msg":"x"}"#)
        #expect(doc["json"]?["http"]?["status_code"] == .number("503"))
        #expect(doc["json"]?["log.level"]?.string == "ERROR")
        #expect(doc["json"]?["@version"] == .number("1"))
        #expect(doc["log"]?["level"]?.string == "error")
    }

    @Test func pythonTracebackIsPlainText() throws {
        let traceback = "Traceback (most recent call last):\n  File \"/app/x.py\", line 3, in f\n    d = {'a': 1}\nKeyError: 'b'"
        let doc = try source(traceback)
        #expect(doc["message"]?.string == traceback)
        #expect(doc["json"] == nil)
    }

    @Test(arguments: ["日本語のログ ✓", "emoji 😀 in text", "{\"name\":\"Zoë\",\"city\":\"Kraków\"}"])
    func unicodeSurvives(message: String) throws {
        #expect(try source(message)["message"]?.string == message)
    }

    @Test func invalidUTF8BecomesReplacementCharactersNotAFailure() throws {
        let message = String(decoding: [0x61, 0xC3, 0x28, 0x62, 0xFF], as: UTF8.self)
        #expect(try source(message)["message"]?.string == message)
    }

    @Test func nonFiniteNumbersBecomeNull() throws {
        let doc = try source(#"{"a":NaN,"b":Infinity,"c":-Infinity,"d":1}"#)
        #expect(doc["json"]?["a"] == .null && doc["json"]?["b"] == .null && doc["json"]?["c"] == .null)
        #expect(doc["json"]?["d"] == .number("1"))
    }

    @Test(arguments: [
        ("_id", "id"), ("__meta", "meta"), (".edge.", "edge"), ("a..b", "a.b"), ("", "empty"), ("   ", "empty"),
        ("_", "empty"), ("tab\there", "tab_here"), ("ok_name", "ok_name"), ("ünï.cødé", "ünï.cødé"),
    ])
    func fieldNamesAreSanitised(raw: String, sanitised: String) {
        #expect(FieldName.sanitize(raw) == sanitised)
    }

    @Test func namesThatCollideAfterSanitisingAreKeptApart() throws {
        let doc = try source(#"{"_id":"one","id":"two","":"three"}"#)
        #expect(doc["json"]?["id"]?.string == "one")
        #expect(doc["json"]?["id_2"]?.string == "two")
        #expect(doc["json"]?["empty"]?.string == "three")
    }

    @Test func arraysOfObjectsAndMixedArraysAreMadeSafeForTheMapping() throws {
        let doc = try source(#"{"items":[{"sku":"a","qty":1},{"sku":"b","qty":"two"}],"tags":["x","y"],"mixed":[1,"a",true,null],"nested":[[1,2],[3]]}"#)
        #expect(doc["json"]?["items"]?.string == #"[{"sku":"a","qty":1},{"sku":"b","qty":"two"}]"#)
        #expect(doc["json"]?["tags"] == ["x", "y"])
        #expect(doc["json"]?["mixed"] == ["1", "a", "true", nil])
        #expect(doc["json"]?["nested"]?.string == "[[1,2],[3]]")
    }

    @Test func deepNestingBecomesTextBelowTheCap() throws {
        var message = "1"
        for level in (0..<40).reversed() { message = "{\"l\(level)\":\(message)}" }
        let doc = try source(message, options: DocumentOptions(maxDepth: 3))
        let third = doc["json"]?["l0"]?["l1"]?["l2"]
        #expect(third?.string?.hasPrefix("{\"l3\":{\"l4\":") == true)
        #expect(try JSONParser().parse(third?.string ?? "") != .null)
    }

    @Test func hostileNestingStaysAMessage() throws {
        let bomb = String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        let doc = try source(bomb)
        #expect(doc["message"]?.string?.utf8.count == bomb.utf8.count)
        #expect(doc["json"] == nil)
    }

    @Test func fiveThousandFieldsAreCappedAndCounted() throws {
        let members = (0..<5000).map { "\"f\($0)\":\($0)" }.joined(separator: ",")
        let doc = try source("{\(members)}", options: DocumentOptions(maxFields: 500))
        #expect(doc["json"]?.members?.count == 500)
        #expect(doc["json"]?["f499"] == .number("499"))
        #expect(doc["logstream"]?["json_fields_dropped"] == .number("4500"))
        #expect(doc["message"]?.string?.contains("\"f4999\":4999") == true)
    }

    @Test func oversizedMessagesAreTruncatedAndFlaggedNeverDropped() throws {
        let big = String(repeating: "é", count: 150_000)
        let doc = try source(big, options: DocumentOptions(maxMessageBytes: 100_001))
        let kept = try #require(doc["message"]?.string)
        #expect(kept.utf8.count == 100_000)
        #expect(kept.allSatisfy { $0 == "é" })
        #expect(doc["logstream"]?["truncated"] == true)
        #expect(doc["logstream"]?["original_bytes"] == .number("300000"))
    }

    @Test func threeHundredKilobyteMessagesAreKeptWholeByDefault() throws {
        let big = "{\"payload\":\"" + String(repeating: "x", count: 300_000) + "\"}"
        let doc = try source(big)
        #expect(doc["message"]?.string == big)
        #expect(doc["json"]?["payload"]?.string?.utf8.count == 300_000)
        #expect(doc["logstream"]?["truncated"] == nil)
    }

    @Test func emptyMessagesAreKept() throws {
        #expect(try source("")["message"]?.string == "")
    }

    @Test func parsingCanBeTurnedOff() throws {
        #expect(try source(#"{"a":1}"#, options: DocumentOptions(jsonField: nil))["json"] == nil)
        #expect(try source(#"{"a":1}"#, options: DocumentOptions(jsonField: "app"))["app"]?["a"] == .number("1"))
    }

    @Test func theObjectIsFoundAfterBracesThatAreNotJSON() throws {
        let doc = try source(#"retry {attempt 2} of {"op":"charge","ok":false}"#)
        #expect(doc["json"]?["op"]?.string == "charge")
        #expect(doc["json"]?["ok"] == false)
    }

    @Test func anObjectBrokenHalfwayLeavesNoFieldsBehind() throws {
        // Valid for a while, then not: what was written for it must be taken back.
        for message in [#"{"a":1,"b":{"c":[1,2}}"#, #"{"a":"x","b":tru}"#, #"{"a":{"b":{"c":1}},"d":}"#] {
            let doc = try source(message)
            #expect(doc["json"] == nil, "\(message)")
            #expect(doc["message"]?.string == message)
        }
    }

    @Test func textThatOnlyLooksLikeJSONStaysText() throws {
        for message in ["{not json}", "ends with } but {broken", "[1,2,3]", "{\"a\":1} trailing"] {
            #expect(try source(message)["json"] == nil, "\(message)")
        }
    }
}
