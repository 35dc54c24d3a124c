@testable import Engine
import Foundation
import Testing

/// `logstream reconcile` restores exact equality after damage on both sides.
@Suite(.serialized) struct ReconcileIntegrationTests {
    func run(_ rig: Rig, _ groups: [String], _ arguments: [String], checkpoint: String) async throws -> (ProcessResult, JSONValue?) {
        return try await ProcessRunner.logstream(arguments, environment: rig.environment(groups: groups, checkpointPath: checkpoint))
    }

    @Test func reconcileRepairsDeletionsGapsDuplicatesAndLateEventsThenFindsNothing() async throws {
        try await Rig.with { rig in
            let groups = ["/rec/api", "/rec/worker"]
            let checkpoint = rig.directory + "/cp.json"
            let seeded = try await rig.seed(groups: groups, days: 2, eventsPerGroup: 4_000)
            let (backfill, _) = try await run(rig, groups, ["backfill", "--days", "3", "--json"], checkpoint: checkpoint)
            #expect(backfill.status == 0, "\(backfill.stderr)")

            let es = rig.elasticsearch()
            // Damage: random documents, a whole hour, and copies in the group's standby target (as an interrupted heal leaves them).
            let sample = try await es.json("POST", "/cloudwatch-*/_search", [
                "size": 60, "query": ["term": ["aws.cloudwatch.log_group": "/rec/api"]], "sort": [["event.id": "asc"]],
            ])
            let hits = sample["hits"]?["hits"]?.array ?? []
            var bulk = ""
            for hit in hits.prefix(40) {
                bulk += #"{"delete":{"_index":"\#(hit["_index"]?.string ?? "")","_id":"\#(hit["_id"]?.string ?? "")"}}"# + "\n"
            }
            for hit in hits.suffix(20) {
                bulk += #"{"create":{"_index":"cloudwatch-rec-api-v2","_id":"\#(hit["_id"]?.string ?? "")"}}"# + "\n" + (hit["_source"]?.serializedString ?? "{}") + "\n"
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
            let againGroups = try #require(againReport?["groups"]?.array, "no groups in \(again.stdout)")
            #expect(againGroups.count == groups.count)
            for group in againGroups {
                #expect(group["discrepancies"]?.array?.isEmpty == true)
                #expect(group["status"]?.string == "consistent")
            }
        }
    }

    /// Deletes `count` documents of `group`; returns how many went.
    @Test func insightsCountsFindTheDamagedMinutesWithOneQueryPerDay() async throws {
        try await Rig.with { rig in
            let group = "/rec/insights"
            let checkpoint = rig.directory + "/cp.json"
            let seeded = try await rig.seed(groups: [group], days: 2, eventsPerGroup: 3_000)
            let (backfill, _) = try await run(rig, [group], ["backfill", "--days", "3"], checkpoint: checkpoint)
            #expect(backfill.status == 0, "\(backfill.stderr)")
            try await rig.setInsightsStats(true)
            let deleted = try await rig.deleteDocuments(group: group, count: 30)

            let (fix, report) = try await run(rig, [group], ["reconcile", "--days", "3", "--counts", "insights", "--json"], checkpoint: checkpoint)
            #expect(fix.status == 0, "\(fix.stderr)\n\(fix.stdout)")
            let result = report?["groups"]?[0]
            #expect(result?["reshipped"]?.int == deleted)
            #expect(try await rig.documentCount(group: group) == seeded[group])
            #expect(!fix.stderr.contains("answered without counts"))
            // Counting costs one query per day; only the bad minutes are read event by event.
            let bad = result?["discrepancies"]?.array?.count ?? 0
            let windows = result?["windows_checked"]?.int ?? 0
            #expect((result?["cloudwatch_queries"]?.int ?? 99) <= windows + bad, "\(fix.stdout)")
        }
    }

    @Test func whereInsightsGivesNoCountsTheEventsAreReadInstead() async throws {
        try await Rig.with { rig in
            let group = "/rec/no-insights"
            let checkpoint = rig.directory + "/cp.json"
            let seeded = try await rig.seed(groups: [group], days: 1, eventsPerGroup: 1_500)
            let (backfill, _) = try await run(rig, [group], ["backfill", "--days", "2"], checkpoint: checkpoint)
            #expect(backfill.status == 0, "\(backfill.stderr)")
            let deleted = try await rig.deleteDocuments(group: group, count: 12)

            let (fix, report) = try await run(rig, [group], ["reconcile", "--days", "2", "--counts", "insights", "--json"], checkpoint: checkpoint)
            #expect(fix.status == 0, "\(fix.stderr)")
            #expect(fix.stderr.contains("answered without counts"))
            #expect(report?["groups"]?[0]?["reshipped"]?.int == deleted)
            #expect(try await rig.documentCount(group: group) == seeded[group])
        }
    }
}
