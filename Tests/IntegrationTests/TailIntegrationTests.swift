@testable import Engine
import Foundation
import Testing

/// `logstream tail` against moto and osmem: new events, late events, daemon shutdown.
@Suite(.serialized) struct TailIntegrationTests {
    func tail(_ rig: Rig, groups: [String], checkpoint: String, _ extra: [String] = [], environment extraEnvironment: [String: String] = [:]) async throws -> (ProcessResult, JSONValue?) {
        var environment = rig.environment(groups: groups, checkpointPath: checkpoint)
        environment.merge(extraEnvironment) { $1 }
        return try await ProcessRunner.logstream(["tail", "--json"] + extra, environment: environment)
    }

    @Test func lateEventsBehindTheCheckpointArriveExactlyOnce() async throws {
        try await Rig.with { rig in
            let group = "/app/late"
            let checkpoint = rig.directory + "/cp.json"
            let tuning = ["TAIL_MIN_OVERLAP_SECS": "1", "TAIL_MAX_OVERLAP_SECS": "3600"]
            let now = WallClock.nowMillis()
            // A punctual stream, and one whose events reach CloudWatch five minutes late.
            var first: [(timestamp: EpochMillis, message: String, stream: String)] = (0..<200).map { (now - 60_000 + EpochMillis($0), "fast \($0)", "fast") }
            first += (0..<100).map { (now - 300_000 + EpochMillis($0), "slow \($0)", "slow") }
            try await rig.put(group: group, events: first)
            let (pass1, report1) = try await tail(rig, groups: [group], checkpoint: checkpoint, environment: tuning)
            #expect(pass1.status == 0, "\(pass1.stderr)")
            #expect(report1?["groups"]?[0]?["created"]?.int == 300)

            // More of both; the slow stream's new events are older than everything shipped.
            let later = WallClock.nowMillis()
            var second: [(timestamp: EpochMillis, message: String, stream: String)] = (0..<50).map { (later + EpochMillis($0), "fast later \($0)", "fast") }
            second += (0..<40).map { (later - 330_000 + EpochMillis($0), "slow later \($0)", "slow") }
            try await rig.put(group: group, events: second)
            let (pass2, report2) = try await tail(rig, groups: [group], checkpoint: checkpoint, environment: tuning)
            #expect(pass2.status == 0, "\(pass2.stderr)")
            #expect(report2?["groups"]?[0]?["created"]?.int == 90)
            #expect(try await rig.documentCount(group: group) == 390)

            // Nothing new: a third pass re-reads the overlap and stores nothing twice.
            let (pass3, report3) = try await tail(rig, groups: [group], checkpoint: checkpoint, environment: tuning)
            #expect(pass3.status == 0)
            #expect(report3?["groups"]?[0]?["created"]?.int == 0)
            #expect(try await rig.documentCount(group: group) == 390)
        }
    }

    @Test func followShipsContinuouslyFindsNewGroupsAndStopsCleanlyOnSIGTERM() async throws {
        try await Rig.with { rig in
            let checkpoint = rig.directory + "/cp.json"
            let now = WallClock.nowMillis()
            try await rig.put(group: "/follow/a", events: (0..<100).map { (now - 10_000 + EpochMillis($0), "a \($0)", "s") })
            var environment = rig.environment(groups: ["/follow/*"], checkpointPath: checkpoint)
            environment["POLL_INTERVAL_SECS"] = "1"
            environment["GROUP_DISCOVERY_INTERVAL_SECS"] = "1"
            let daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment)

            #expect(try await eventually(seconds: 60, watching: daemon) { try await rig.documentCount(group: "/follow/a") == 100 }, "\(daemon.stderr)")
            try await rig.put(group: "/follow/a", events: (0..<50).map { (WallClock.nowMillis() + EpochMillis($0), "a more \($0)", "s") })
            try await rig.put(group: "/follow/b", events: (0..<70).map { (WallClock.nowMillis() + EpochMillis($0), "b \($0)", "s") })
            #expect(try await eventually(seconds: 60, watching: daemon) { try await rig.documentCount(group: "/follow/a") == 150 }, "\(daemon.stderr)")
            #expect(try await eventually(seconds: 60, watching: daemon) { try await rig.documentCount(group: "/follow/b") == 70 }, "\(daemon.stderr)")

            daemon.signal(SIGTERM)
            let status = await daemon.waitForExit(seconds: 30)
            #expect(status == 0, "\(daemon.stderr)")
            #expect(daemon.stderr.contains("signal received"))
            #expect(daemon.stderr.contains("new log group discovered"))

            // The checkpoint is intact, and a restart ships nothing twice.
            let (again, report) = try await tail(rig, groups: ["/follow/*"], checkpoint: checkpoint)
            #expect(again.status == 0, "\(again.stderr)")
            let reported = try #require(report?["groups"]?.array, "no groups in \(again.stdout)")
            #expect(reported.count == 2 && reported.allSatisfy { $0["created"]?.int == 0 }, "\(reported)")
            #expect(try await rig.documentCount(group: "/follow/a") == 150)
            #expect(try await rig.documentCount(group: "/follow/b") == 70)
        }
    }
}
