import Testing
@testable import Engine

/// The builder writes, and the template maps, every field the schema names; reconcile and
/// the filters read the same names from the schema.
@Suite struct DocumentSchemaTests {
    func value(_ document: JSONValue, _ path: String) -> JSONValue? {
        path == DocumentSchema.timestamp ? document[path]
            : path.split(separator: ".").reduce(Optional(document)) { $0?[String($1)] }
    }

    func mapping(_ mappings: JSONValue, _ path: String) -> JSONValue? {
        path == DocumentSchema.timestamp ? mappings["properties"]?[path]
            : path.split(separator: ".").reduce(Optional(mappings)) { $0?["properties"]?[String($1)] }
    }

    @Test func everyFieldTheSchemaNamesIsWrittenAndMapped() throws {
        let events = [LogEvent(eventId: "e1", timestamp: 1_714_521_600_000, ingestionTime: 1_714_521_601_000,
                               message: #"{"level":"WARN","status":200}"#, logStream: "s")]
        let built = DocumentBuilder(region: "eu-west-1", account: "111122223333").documents(for: events, logGroup: "111122223333:eu-west-1:/app", index: "x")
        let document = try JSONParser().parse(built[0].source)
        for path in DocumentSchema.always + [DocumentSchema.ingested, DocumentSchema.cloudAccount, DocumentSchema.level, DocumentSchema.source] {
            #expect(value(document, path) != nil, "the builder does not write \(path): \(document)")
        }
        let template = IndexTemplate.body(layout: IndexLayout(prefix: "cloudwatch"))
        let mappings = try #require(template["template"]?["mappings"])
        for path in DocumentSchema.always + [DocumentSchema.ingested, DocumentSchema.cloudAccount, DocumentSchema.level, DocumentSchema.source, DocumentSchema.conflicts] {
            #expect(mapping(mappings, path) != nil, "the template does not map \(path)")
        }
        for root in DocumentSchema.reservedTopLevel {
            #expect(mappings["properties"]?[root] != nil, "reserved \(root) is not one of the template's top-level fields")
        }
    }
}
