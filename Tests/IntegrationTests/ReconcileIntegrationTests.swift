import Engine
import Foundation
import Testing

/// `logstream reconcile` restores exact equality after damage on both sides.
@Suite(.serialized) struct ReconcileIntegrationTests {
    func run(_ rig: Rig, _ groups: [String], _ arguments: [String], checkpoint: String) async throws -> (ProcessResult, JSONValue?) {
        let result = try await ProcessRunner.run(ProjectPaths.binary, arguments,
                                                 environment: rig.environment(groups: groups, checkpointPath: checkpoint))
        return (result, try? JSONParser().parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test func reconcileRepairsDeletionsGapsDuplicatesAndLateEventsThenFindsNothing() async throws {
        try await Rig.with { rig in
            let groups = ["/rec/api", "/rec/worker"]
            let checkpoint = rig.directory + "/cp.json"
            let seeded = try await rig.seed(groups: groups, days: 2, eventsPerGroup: 4_000)
            let (backfill, _) = try await run(rig, groups, ["backfill", "--days", "3", "--json"], checkpoint: checkpoint)
            #expect(backfill.status == 0, "\(backfill.stderr)")

            let es = rig.elasticsearch()
            // Damage: random documents, a whole hour, and copies in a sibling index.
            let sample = try await es.json("POST", "/cloudwatch-*/_search", [
                "size": 60, "query": ["term": ["aws.cloudwatch.log_group": "/rec/api"]], "sort": [["event.id": "asc"]],
            ])
            let hits = sample["hits"]?["hits"]?.array ?? []
            var bulk = ""
            for hit in hits.prefix(40) {
                bulk += #"{"delete":{"_index":"\#(hit["_index"]?.string ?? "")","_id":"\#(hit["_id"]?.string ?? "")"}}"# + "\n"
            }
            for hit in hits.suffix(20) {
                bulk += #"{"create":{"_index":"cloudwatch-zz-sibling","_id":"\#(hit["_id"]?.string ?? "")"}}"# + "\n" + (hit["_source"]?.serializedString ?? "{}") + "\n"
            }
            let damage = try await es.send("POST", "/_bulk?refresh=true", body: Array(bulk.utf8), contentType: "application/x-ndjson")
            #expect(damage.status == 200)
            let hourStart = WallClock.nowMillis() - 20 * 3_600_000
            let deletedHour = try await es.json("POST", "/cloudwatch-*/_delete_by_query?refresh=true", [
                "query": ["bool": ["filter": [
                    ["term": ["aws.cloudwatch.log_group": "/rec/worker"]],
                    ["range": ["@timestamp": ["gte": .int(hourStart), "lt": .int(hourStart + 3_600_000), "format": "epoch_millis"]]],
                ]]],
            ])
            let hourCount = deletedHour["deleted"]?.int ?? 0
            #expect(hourCount > 0)
            // Late events: written now, with timestamps inside the range already shipped.
            let lateBase = WallClock.nowMillis() - 30 * 3_600_000
            try await rig.put(group: "/rec/api", events: (0..<25).map { (lateBase + EpochMillis($0 * 1000), "late \($0)", "late-stream") })
            let expectedAPI = (seeded["/rec/api"] ?? 0) + 25

            let (dry, dryReport) = try await run(rig, groups, ["reconcile", "--days", "3", "--dry-run", "--json"], checkpoint: checkpoint)
            #expect(dry.status == 3, "\(dry.stderr)")
            #expect((dryReport?["groups"]?[0]?["discrepancies"]?.array?.count ?? 0) > 0)
            #expect(try await rig.documentCount(group: "/rec/api") == (seeded["/rec/api"] ?? 0) - 40 + 20)

            let (fix, fixReport) = try await run(rig, groups, ["reconcile", "--days", "3", "--json"], checkpoint: checkpoint)
            #expect(fix.status == 0, "\(fix.stderr)\n\(fix.stdout)")
            let api = fixReport?["groups"]?[0]
            let worker = fixReport?["groups"]?[1]
            #expect(api?["reshipped"]?.int == 40 + 25)
            #expect(api?["duplicates_removed"]?.int == 20)
            #expect(worker?["reshipped"]?.int == hourCount)
            #expect(try await rig.documentCount(group: "/rec/api") == expectedAPI)
            #expect(try await rig.documentCount(group: "/rec/worker") == seeded["/rec/worker"])

            // Logarithmic: each bad minute costs about two summaries per level of halving.
            for report in [api, worker] {
                let windows = report?["windows_checked"]?.int ?? 0
                let bad = report?["discrepancies"]?.array?.count ?? 0
                let queries = report?["elasticsearch_queries"]?.int ?? 0
                #expect(queries <= windows + bad * (2 * 12 + 4), "\(queries) Elasticsearch queries for \(bad) bad windows")
            }

            let (again, againReport) = try await run(rig, groups, ["reconcile", "--days", "3", "--json"], checkpoint: checkpoint)
            #expect(again.status == 0)
            for group in againReport?["groups"]?.array ?? [] {
                #expect(group["discrepancies"]?.array?.isEmpty == true)
                #expect(group["status"]?.string == "consistent")
            }
        }
    }
}
