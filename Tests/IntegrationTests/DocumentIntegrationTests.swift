@testable import Engine
import Foundation
import Testing

/// Awkward payloads through the real pipeline: every event ends up in Elasticsearch.
@Suite(.serialized) struct DocumentIntegrationTests {
    @Test func typeConflictsAndHostileMessagesAreAllIndexed() async throws {
        try await Rig.with { rig in
            let group = "/Svc/Mixed_Payloads.v2#prod"
            let base = WallClock.nowMillis() - 3_600_000
            var events: [(timestamp: EpochMillis, message: String, stream: String)] = []
            for index in 0..<50 { events.append((base + EpochMillis(index), #"{"status":200,"path":"/a","n":\#(index)}"#, "a")) }
            for index in 50..<80 { events.append((base + EpochMillis(index), #"{"status":"OK","path":"/b","n":\#(index)}"#, "b")) }
            for index in 80..<90 { events.append((base + EpochMillis(index), #"{"status":{"code":7},"path":{"deep":true},"n":\#(index)}"#, "a")) }
            events.append((base + 100, "nul \u{0} byte and bell \u{7}", "c"))
            events.append((base + 101, String(repeating: "{\"a\":", count: 5000) + "1" + String(repeating: "}", count: 5000), "c"))
            events.append((base + 102, "{" + (0..<3000).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}", "c"))
            events.append((base + 103, String(repeating: "x", count: 900_000), "c"))
            events.append((base + 104, #"{"_id":"spoof","_source":"x","":"blank",".a.":"dots"}"#, "c"))
            events.append((base + 105, #"{"ts":"not-a-date-2024","when":"2024-05-01T00:00:00Z"}"#, "c"))
            events.append((base + 106, #"{"ts":"2024-05-01T00:00:00Z","when":"soon"}"#, "c"))
            try await rig.put(group: group, events: events)

            let result = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "1", "--json"],
                                                     environment: rig.environment(groups: [group], checkpointPath: rig.directory + "/cp.json"))
            #expect(result.status == 0, "\(result.stderr)")
            let report = try #require(result.json, "\(result.stdout)")["groups"]?[0]
            #expect(report?["created"]?.int == events.count)
            #expect(report?["dead_lettered"]?.int == 0)
            #expect((report?["rewritten"]?.int ?? 0) >= 40)

            let documents = try await rig.documents(group: group)
            #expect(documents.count == events.count)
            let ok = try #require(documents.first { $0["json"]?["n"] == .number("60") })
            #expect(ok["json"]?["status"] == nil)
            #expect(ok["logstream"]?["conflicts"]?[0]?["field"]?.string == "json.status")
            #expect(ok["logstream"]?["conflicts"]?[0]?["value"]?.string == "\"OK\"")
            #expect(ok["json"]?["path"]?.string == "/b")
            let messages = Set(documents.compactMap { $0["message"]?.string })
            let missing = events.filter { !messages.contains($0.message) }.map { String($0.message.prefix(80)) }
            #expect(missing.isEmpty, "messages missing from Elasticsearch: \(missing.prefix(5))")
        }
    }
}
