import Foundation
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

    /// Every leaf path of `value` (objects descended into; arrays' objects too).
    func leaves(_ value: JSONValue, prefix: String = "") -> Set<String> {
        if let members = value.members {
            return members.reduce(into: Set<String>()) { paths, member in
                let path = prefix.isEmpty ? member.key : prefix + "." + member.key
                paths.formUnion(leaves(member.value, prefix: path))
            }
        }
        if let items = value.array, items.contains(where: { $0.members != nil }) {
            return items.reduce(into: Set<String>()) { $0.formUnion(leaves($1, prefix: prefix)) }
        }
        return [prefix]
    }

    /// The builder and the safe form write the table's fields and none of their own beside
    /// it (what a message's JSON holds goes under JSON_FIELD), and between them every field
    /// of the table.
    @Test func theBuilderAndTheSafeFormWriteTheTableAndNothingElseOfTheirOwn() throws {
        let options = DocumentOptions(jsonField: "json", maxDepth: 6, maxFields: 2, maxMessageBytes: 64)
        let events = [
            LogEvent(eventId: "e1", timestamp: 1_714_521_600_000, ingestionTime: 1_714_521_601_000,
                     message: #"{"level":"WARN","status":200,"a":1,"b":2}"#, logStream: "s"),
            LogEvent(eventId: "e2", timestamp: 1_714_521_600_001, ingestionTime: nil, message: String(repeating: "x", count: 100), logStream: "s"),
        ]
        let built = DocumentBuilder(region: "eu-west-1", account: "111122223333", options: options)
            .documents(for: events, logGroup: "111122223333:eu-west-1:/app", index: "x")
        let rewritten = try #require(SafeForm.rewrite(built[0], reason: "mapper_parsing_exception: failed to parse field [json.status] of type [long]"))
        let cut = try #require(SafeForm.cutDown(rewritten))
        var written: Set<String> = []
        for document in built + [rewritten, cut] {
            let own = leaves(try JSONParser().parse(document.source)).filter { !$0.hasPrefix("json.") && $0 != "json" }
            written.formUnion(own)
        }
        let table = Set(DocumentSchema.fields.map(\.path))
        #expect(written.subtracting(table).isEmpty, "written but not in the schema's table: \(written.subtracting(table).sorted())")
        #expect(table.subtracting(written).isEmpty, "in the table but never written: \(table.subtracting(written).sorted())")
    }

    /// Field names are spelled in the schema's table only (and, as raw bytes for speed, in the
    /// builder, which the test above holds to the table): a field renamed there is renamed
    /// everywhere. The dead-letter file's own record format has a `log_group` key of its own,
    /// and `log.level` is also one of the keys a message's JSON may state its level with.
    @Test func noOtherSourceSpellsADocumentField() throws {
        let engine = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Engine")
        let allowed: [String: Set<String>] = ["DocumentSchema.swift": ["*"], "DocumentBuilder.swift": ["*"], "DeadLetterFile.swift": ["log_group"],
                                         "MessageLevel.swift": ["log.level"]]
        let distinctive = DocumentSchema.fields.map(\.path).filter { $0.contains(".") }
            + ["log_group", "log_stream", "id_hash", "json_fields_dropped", "original_bytes", "@timestamp"]
        var found: [String] = []
        let files = FileManager.default.enumerator(at: engine, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        #expect(files.count > 50, "the sources were not found at \(engine.path)")
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let exempt = allowed[file.lastPathComponent] ?? []
            for name in distinctive where !exempt.contains("*") && !exempt.contains(name) {
                if text.contains("\"\(name)\"") || text.contains("\\\"\(name)\\\"") { found.append("\(file.lastPathComponent): \(name)") }
            }
        }
        #expect(found.isEmpty, "field names spelled outside the schema: \(found)")
    }
}
