import Testing
@testable import Engine

@Suite struct SafeFormTests {
    func document(_ source: String) -> LogDocument {
        LogDocument(id: "x", index: "i", logGroup: "g", timestamp: 0, source: Array(source.utf8))
    }

    @Test func movesTheNamedFieldToConflictsAndKeepsTheRest() throws {
        let original = document(#"{"@timestamp":"t","message":"m","json":{"status":"OK","path":"/a","http":{"code":"x"}}}"#)
        let reason = "mapper_parsing_exception: failed to parse field [json.status] of type [long] in document with id 'x'"
        let safe = try #require(SafeForm.rewrite(original, reason: reason))
        let source = try JSONParser().parse(safe.source)
        #expect(source["json"]?["status"] == nil)
        #expect(source["json"]?["path"]?.string == "/a")
        #expect(source["message"]?.string == "m")
        let conflict = try #require(source["logstream"]?["conflicts"]?[0])
        #expect(conflict["field"]?.string == "json.status")
        #expect(conflict["value"]?.string == "\"OK\"")
        #expect(conflict["reason"]?.string?.contains("long") == true)
    }

    @Test func findsNestedAndDottedKeys() throws {
        let original = document(#"{"message":"m","json":{"http":{"status_code":"bad"},"log.level":{"x":1}}}"#)
        let nested = try #require(SafeForm.rewrite(original, reason: "failed to parse field [json.http.status_code] of type [long]"))
        #expect(try JSONParser().parse(nested.source)["json"]?["http"]?["status_code"] == nil)
        let dotted = try #require(SafeForm.rewrite(original, reason: "object mapping for [json.log.level] tried to parse field [level] as object, but found a concrete value"))
        #expect(try JSONParser().parse(dotted.source)["json"]?["log.level"] == nil)
    }

    @Test func unattributableRefusalsMoveTheWholeParsedObject() throws {
        let original = document(#"{"message":"m","event":{"id":"1"},"json":{"a":1,"b":2}}"#)
        let safe = try #require(SafeForm.rewrite(original, reason: "illegal_argument_exception: Limit of total fields [1000] has been exceeded"))
        let source = try JSONParser().parse(safe.source)
        #expect(source["json"] == nil)
        #expect(source["event"]?["id"]?.string == "1")
        #expect(source["logstream"]?["conflicts"]?[0]?["value"]?.string == #"{"a":1,"b":2}"#)
    }

    @Test func repeatedRefusalsEndWithEverythingMovedThenGiveUp() throws {
        var document = document(#"{"message":"m","json":{"a":{"x":1},"b":{"y":2},"c":{"z":3},"d":4}}"#)
        let reasons = ["failed to parse field [json.a]", "failed to parse field [json.b]", "failed to parse field [json.c]", "failed to parse field [json.d]"]
        for (round, reason) in reasons.enumerated() {
            document = try #require(SafeForm.rewrite(document, reason: reason), "round \(round)")
        }
        let source = try JSONParser().parse(document.source)
        #expect(source["json"] == nil)
        #expect(source["logstream"]?["conflicts"]?.array?.count == 4)
        #expect(SafeForm.rewrite(document, reason: "failed to parse field [logstream.conflicts.value]") == nil)
    }

    @Test func aDocumentWithNothingDynamicCannotBeRewritten() {
        #expect(SafeForm.rewrite(document(#"{"message":"m","event":{"id":"1"}}"#), reason: "failed to parse field [message]") == nil)
    }
}
