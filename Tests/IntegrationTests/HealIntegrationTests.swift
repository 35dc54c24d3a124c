@testable import Engine
import Foundation
import Testing

/// `logstream heal` against real mapping conflicts in the engine.
@Suite(.serialized) struct HealIntegrationTests {
    let groups = ["/heal/orders", "/heal/status-text", "/heal/payments", "/heal/detail-text"]

    func run(_ rig: Rig, _ arguments: [String], checkpoint: String) async throws -> (ProcessResult, JSONValue?) {
        var environment = rig.environment(groups: groups, checkpointPath: checkpoint)
        environment["HTTP_TIMEOUT_SECS"] = "3"
        return try await ProcessRunner.logstream(arguments, environment: environment)
    }

    func families(_ rig: Rig) async throws -> [String: Set<FieldFamily>] {
        let caps = try await rig.elasticsearch().json("GET", "/cloudwatch-*/_field_caps?fields=*")
        var result: [String: Set<FieldFamily>] = [:]
        for field in caps["fields"]?.members ?? [] where !field.key.hasPrefix("_") {
            result[field.key] = Set((field.value.members ?? []).filter { $0.key != "unmapped" }.map { FieldFamily(type: $0.key) })
        }
        return result
    }

    @Test func conflictsAreSettledByDocumentsAndEveryDocumentSurvives() async throws {
        try await Rig.with { rig in
            let base = WallClock.nowMillis() - 6 * 3_600_000
            var expected: [String: Int] = [:]
            func put(_ group: String, _ messages: [String]) async throws {
                try await rig.put(group: group, events: messages.enumerated().map { (base + EpochMillis($0.offset * 1000), $0.element, "s") })
                expected[group] = messages.count
            }
            // json.status: numbers in 60 documents, text in 12; json.detail: an object in 30, text in 8.
            try await put(groups[0], (0..<40).map { #"{"status":\#(200 + $0 % 3),"path":"/o/\#($0)"}"# })
            try await put(groups[1], (0..<12).map { #"{"status":"\#($0 % 2 == 0 ? "OK" : "201")","path":"/s/\#($0)"}"# })
            try await put(groups[2], (0..<30).map { #"{"status":\#(500 + $0 % 4),"detail":{"code":\#($0),"retry":true}}"# })
            try await put(groups[3], (0..<8).map { #"{"detail":"plain words \#($0)"}"# })
            let checkpoint = rig.directory + "/cp.json"
            let (backfill, _) = try await run(rig, ["backfill", "--days", "1"], checkpoint: checkpoint)
            #expect(backfill.status == 0, "\(backfill.stderr)")
            #expect(try await families(rig)["json.status"] == [.number, .string])
            #expect(try await families(rig)["json.detail"] == [.object, .string])

            // A dry run shows the plan and changes nothing.
            let (dry, plan) = try await run(rig, ["heal", "--dry-run", "--json"], checkpoint: checkpoint)
            #expect(dry.status == 3, "\(dry.stderr)")
            let conflicts = plan?["conflicts"]?.array ?? []
            #expect(conflicts.first { $0["field"]?.string == "json.status" }?["winner"]?.string == "long")
            #expect(conflicts.first { $0["field"]?.string == "json.status" }?["losing_indices"] == ["cloudwatch-heal-status-text-v1"])
            #expect(conflicts.first { $0["field"]?.string == "json.detail" }?["winner"]?.string == "object")
            #expect(conflicts.first { $0["field"]?.string == "json.detail" }?["losing_indices"] == ["cloudwatch-heal-detail-text-v1"])
            #expect(plan?["rebuilds"]?.array?.count == 2)
            #expect(try await families(rig)["json.status"] == [.number, .string])

            let (heal, report) = try await run(rig, ["heal", "--json"], checkpoint: checkpoint)
            #expect(heal.status == 0, "\(heal.stderr)\n\(heal.stdout)")
            #expect(report?["remaining"]?.array?.isEmpty == true)
            let healed = try await families(rig)
            #expect(healed.values.allSatisfy { $0.count <= 1 }, "\(healed)")
            let es = rig.elasticsearch()
            for group in groups {
                #expect(try await rig.documentCount(group: group) == expected[group], "group \(group)")
                let stable = "cloudwatch-" + IndexLayout.slug(GroupKey(group))
                #expect(try await es.count(stable, query: ["match_all": [:]]) == expected[group], "stable name of \(group)")
            }
            // The text values were moved aside, not dropped; the numeric text was coerced.
            let rebuilt = try await rig.documents(group: groups[1])
            let moved = rebuilt.filter { $0["json"]?["status"] == nil }
            #expect(moved.count == 6)
            #expect(moved.allSatisfy { ($0["logstream"]?["conflicts"]?.array ?? []).contains { $0["field"]?.string == "json.status" && $0["value"]?.string == "\"OK\"" } })
            let aliases = try await es.json("GET", "/_alias/cloudwatch-heal-status-text")
            #expect(aliases["cloudwatch-heal-status-text-v2"] != nil && aliases["cloudwatch-heal-status-text-v1"] == nil)
            #expect(try await es.send("HEAD", "/cloudwatch-heal-status-text-v1").status == 404)

            // Nothing left to do, and writing again through the stable name duplicates nothing.
            let (again, _) = try await run(rig, ["heal"], checkpoint: checkpoint)
            #expect(again.status == 0)
            #expect(again.stdout.contains("no mapping conflicts"))
            try FileManager.default.removeItem(atPath: checkpoint)
            let (rerun, rerunReport) = try await run(rig, ["backfill", "--days", "1", "--json"], checkpoint: checkpoint)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            let rerunGroups = try #require(rerunReport?["groups"]?.array, "no groups in \(rerun.stdout)")
            #expect(rerunGroups.count == groups.count && rerunGroups.allSatisfy { $0["created"]?.int == 0 }, "\(rerunGroups)")
            let (reconcile, _) = try await run(rig, ["reconcile", "--days", "1"], checkpoint: checkpoint)
            #expect(reconcile.status == 0, "\(reconcile.stdout)\(reconcile.stderr)")
        }
    }
}
