@testable import Engine
import Foundation
import Testing

/// Each group's tail runs on its own: one group whose index refuses writes for a minute
/// (a write block, answered per document) delays only itself, even though the tails of all
/// groups share bulk requests.
@Suite(.serialized) struct TailIsolationIntegrationTests {
    @Test func aGroupWhoseWritesAreHeldDelaysOnlyItself() async throws {
        try await Rig.with { rig in
            let blocked = "/iso/blocked", healthy = ["/iso/a", "/iso/b", "/iso/c"]
            let all = [blocked] + healthy
            for group in all { try await rig.put(group: group, events: [(WallClock.nowMillis(), "first", "s")]) }
            let metricsFile = rig.directory + "/metrics.prom"
            var environment = rig.environment(groups: ["/iso/*"], checkpointPath: rig.directory + "/state/cp.json")
            let poll = 3
            environment["POLL_INTERVAL_SECS"] = "\(poll)"
            environment["BACKFILL_DAYS"] = "0"
            environment["METRICS_FILE"] = metricsFile
            let daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment)
            for group in all {
                #expect(try await eventually(seconds: 60, watching: daemon) { try await rig.documentCount(group: group) == 1 }, "\(daemon.stderr.suffix(2000))")
            }

            let es = rig.elasticsearch()
            try await es.json("PUT", "/cloudwatch-iso-blocked-v1/_settings", ["index.blocks.write": true])
            var written = [String: Int](uniqueKeysWithValues: all.map { ($0, 1) })
            let blockedAt = WallClock.monotonicSeconds()
            var round = 0
            while WallClock.monotonicSeconds() - blockedAt < 60 {
                for group in all {
                    try await rig.put(group: group, events: (0..<5).map { (WallClock.nowMillis() + EpochMillis($0), "round \(round) \($0)", "s") })
                    written[group, default: 0] += 5
                }
                for group in healthy {
                    let expected = written[group]!
                    let arrived = try await eventually(seconds: 30, watching: daemon) { try await rig.documentCount(group: group) == expected }
                    #expect(arrived, "round \(round), \(group): \(daemon.stderr.suffix(2000))")
                }
                round += 1
            }
            // A minute in: the healthy groups' last good pass is within two poll intervals,
            // the held group's is from before the block.
            let before = try? String(contentsOfFile: metricsFile, encoding: .utf8)
            #expect(await eventually(seconds: 30, watching: daemon) { (try? String(contentsOfFile: metricsFile, encoding: .utf8)) != before })
            let metrics = (try? String(contentsOfFile: metricsFile, encoding: .utf8)) ?? ""
            func lag(_ group: String) -> Double? {
                metrics.split(separator: "\n").first { $0.hasPrefix("logstream_tail_lag_seconds{group=\"\(group)\"}") }
                    .flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
            }
            for group in healthy {
                let value = try #require(lag(group), "\(metrics)")
                #expect(value <= Double(2 * poll), "\(group) lag \(value) s")
            }
            #expect((lag(blocked) ?? 0) >= 50, "the held group's lag shows the hold: \(lag(blocked) ?? -1)")
            #expect(try await rig.documentCount(group: blocked) == 1)

            // Unblocked, the held events arrive; nothing lost, nothing twice.
            try await es.json("PUT", "/cloudwatch-iso-blocked-v1/_settings", ["index.blocks.write": false])
            #expect(try await eventually(seconds: 120, watching: daemon) { try await rig.documentCount(group: blocked) == written[blocked] }, "\(daemon.stderr.suffix(3000))")
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(seconds: 40) == 0)
            for group in all {
                let (count, distinct) = try await rig.countAndDistinct(group: group)
                #expect(count == written[group] && distinct == written[group], "\(group)")
            }
        }
    }
}
