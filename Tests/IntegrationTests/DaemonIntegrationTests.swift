@testable import Engine
import Foundation
import Testing

/// `tail --follow` as the daemon: live events keep arriving while 30 days of history are
/// copied, both sides push back for a while, and a SIGTERM ends it cleanly.
@Suite(.serialized) struct DaemonIntegrationTests {
    @Test func theTailStaysCurrentWhileHistoryPausesUnderStressAndNothingIsLostOrDuplicated() async throws {
        try await Rig.with(esProxy: true) { rig in
            let live = "/daemon/live", history = "/daemon/history"
            let seeded = try await rig.seed(groups: [history], days: 30, eventsPerGroup: 6_000)
            try await rig.put(group: live, events: [(WallClock.nowMillis(), "first", "s")])
            let checkpoint = rig.directory + "/state/cp.json"
            let metricsFile = rig.directory + "/metrics.prom"
            var environment = rig.environment(groups: ["/daemon/*"], checkpointPath: checkpoint)
            environment["POLL_INTERVAL_SECS"] = "1"
            environment["BACKFILL_DAYS"] = "31"
            environment["RECONCILE_INTERVAL_SECS"] = "20"
            environment["BACKOFF_MAX_MS"] = "1000"
            environment["METRICS_FILE"] = metricsFile

            // Both sides are pushing back from the start: bulk requests answered 429, CloudWatch throttling.
            try await rig.injectElasticsearchFault(["path": "/_bulk", "count": 8, "status": 429])
            try await rig.injectCloudWatchFault(["target": "FilterLogEvents", "count": 6, "type": "ThrottlingException", "message": "Rate exceeded"])
            let daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment)

            // Live events, a batch every round; each must be searchable within the bound.
            var written = 1
            for round in 0..<8 {
                if round == 4 { try await rig.injectElasticsearchFault(["path": "/_bulk", "count": 4, "status": 503]) }
                let batch = (0..<25).map { (WallClock.nowMillis() + EpochMillis($0), "live \(round) \($0)", "s") }
                try await rig.put(group: live, events: batch)
                written += batch.count
                let arrived = try await eventually(seconds: 45, watching: daemon) { try await rig.documentCount(group: live) >= written }
                #expect(arrived, "round \(round): \(daemon.stderr.suffix(3000))")
            }

            // History arrives too, after the background work waited out the stress.
            #expect(try await eventually(seconds: 120, watching: daemon) { try await rig.documentCount(group: history) == seeded[history] }, "\(daemon.stderr.suffix(3000))")
            #expect(daemon.stderr.contains("background work paused"))
            #expect(daemon.stderr.contains("background work resumed"))
            #expect(daemon.stderr.contains("adaptive"))
            #expect(await eventually(seconds: 30, watching: daemon) { (try? String(contentsOfFile: metricsFile, encoding: .utf8))?.contains("logstream_tail_lag_seconds{group=\"/daemon/live\"}") == true })
            let metrics = (try? String(contentsOfFile: metricsFile, encoding: .utf8)) ?? ""
            #expect(metrics.contains("# TYPE logstream_bulk_batch_size gauge"))
            #expect(metrics.contains("logstream_stress_level{side=\"elasticsearch\"}"))

            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(seconds: 40) == 0, "\(daemon.stderr.suffix(2000))")
            #expect(daemon.stderr.contains("daemon stopped"))

            // A restart ships nothing twice, and every event is there exactly once.
            let again = try await ProcessRunner.run(ProjectPaths.binary, ["tail", "--json"], environment: environment)
            #expect(again.status == 0, "\(again.stderr)")
            let againGroups = try #require(try? JSONParser().parse(Array(again.stdout.utf8))["groups"]?.array, "\(again.stdout)")
            #expect(againGroups.count == 2 && againGroups.allSatisfy { $0["created"]?.int == 0 }, "\(againGroups)")
            #expect(try await rig.documentCount(group: live) == written)
            #expect(try await rig.documentCount(group: history) == seeded[history])
            for group in [live, history] {
                let distinct = try await rig.elasticsearch().json("POST", "/cloudwatch-*/_search", [
                    "size": 0, "query": ["term": ["aws.cloudwatch.log_group": .string(group)]],
                    "aggs": ["ids": ["cardinality": ["field": "event.id", "precision_threshold": 40_000]]],
                ])
                #expect(distinct["aggregations"]?["ids"]?["value"]?.int == (group == live ? written : seeded[history]))
            }
        }
    }

    @Test func theSeasonalModelSendsReconciliationStraightToAnOlderHole() async throws {
        try await Rig.with { rig in
            let group = "/daemon/steady"
            let seeded = try await rig.seed(groups: [group], days: 10, eventsPerGroup: 6_000)
            let checkpoint = rig.directory + "/state/cp.json"
            var environment = rig.environment(groups: [group], checkpointPath: checkpoint)
            environment["BACKFILL_DAYS"] = "11"
            let backfill = try await ProcessRunner.run(ProjectPaths.binary, ["backfill"], environment: environment)
            #expect(backfill.status == 0, "\(backfill.stderr)")
            // The model learns the group's usual volume from the last two days' hourly counts.
            let learn = try await ProcessRunner.run(ProjectPaths.binary, ["reconcile", "--days", "2"], environment: environment)
            #expect(learn.status == 0, "\(learn.stderr)")
            // Six days ago, a whole day vanished from Elasticsearch.
            let dayStart = (WallClock.nowMillis() - 6 * WallClock.millisPerDay) / WallClock.millisPerDay * WallClock.millisPerDay
            let deleted = try await rig.elasticsearch().json("POST", "/cloudwatch-*/_delete_by_query?refresh=true", [
                "query": ["range": ["@timestamp": ["gte": .int(dayStart), "lt": .int(dayStart + WallClock.millisPerDay), "format": "epoch_millis"]]],
            ])
            #expect((deleted["deleted"]?.int ?? 0) > 300)
            // Every stage of the verification schedule has passed over the history already:
            // only the seasonal model can send a round back to that day.
            let store = try CheckpointStore(path: checkpoint)
            for range in await store.shipped(group).ranges {
                for stage in VerificationSchedule.stages { try await store.markVerified(group, stage: stage.name, range) }
            }
            try await store.flush()

            environment["POLL_INTERVAL_SECS"] = "1"
            environment["RECONCILE_INTERVAL_SECS"] = "2"
            let daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment)
            // The first recent round asks Elasticsearch for short days and goes straight to
            // the hole, rather than walking back a day per round.
            let restored = try await eventually(seconds: 60, watching: daemon) { try await rig.documentCount(group: group) == seeded[group] }
            #expect(restored, "\(daemon.stderr.suffix(3000))")
            #expect(daemon.stderr.contains("a day looks short of its usual volume"))
            #expect(daemon.stderr.contains(Timestamp.format(dayStart)))
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(seconds: 40) == 0)
            #expect(FileManager.default.fileExists(atPath: rig.directory + "/state/seasonal.json"))
        }
    }
}
