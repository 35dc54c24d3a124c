@testable import Engine
import Foundation
import Testing

/// Events CloudWatch takes in well behind their timestamps (a batch flushed late, a new
/// stream replaying its buffer) are found by comparing the recent stretch: in the daemon
/// within RECONCILE_INTERVAL_SECS plus TAIL_MAX_OVERLAP_SECS, and by a plain `tail` run.
@Suite(.serialized) struct LateEventIntegrationTests {
    func lateEvents(_ count: Int, minutesBehind: Int, stream: String) -> [(EpochMillis, String, String)] {
        let base = WallClock.nowMillis() - EpochMillis(minutesBehind) * 60_000
        return (0..<count).map { (base + EpochMillis($0), "late \(minutesBehind)m \($0)", stream) }
    }

    @Test func theDaemonShipsAnEventTwentyMinutesLateWithinTheIntervalPlusTheOverlap() async throws {
        try await Rig.with { rig in
            let group = "/late/daemon"
            try await rig.put(group: group, events: [(WallClock.nowMillis(), "first", "live")])
            var environment = rig.environment(groups: [group], checkpointPath: rig.directory + "/state/cp.json")
            environment["POLL_INTERVAL_SECS"] = "1"
            environment["RECONCILE_INTERVAL_SECS"] = "5"
            environment["TAIL_MAX_OVERLAP_SECS"] = "60"
            environment["BACKFILL_DAYS"] = "1"
            let daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment)
            #expect(try await eventually(seconds: 60, watching: daemon) { try await rig.documentCount(group: group) == 1 }, "\(daemon.stderr.suffix(2000))")
            // Let the background copy of the last day finish, so the late events land in shipped history.
            #expect(await eventually(seconds: 60, watching: daemon) { daemon.stderr.contains("backfill window done") }, "\(daemon.stderr.suffix(2000))")

            // Twenty minutes behind, in a stream the tail has never seen: far outside its overlap.
            try await rig.put(group: group, events: lateEvents(5, minutesBehind: 20, stream: "replayed"))
            let arrivedAt = WallClock.monotonicSeconds()
            let arrived = try await eventually(seconds: 5 + 60 + 60, watching: daemon) { try await rig.documentCount(group: group) == 6 }
            #expect(arrived, "\(daemon.stderr.suffix(3000))")
            let waited = WallClock.monotonicSeconds() - arrivedAt
            print("late events shipped after \(Int(waited)) s (bound: interval 5 s + overlap 60 s, plus a round)")
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(seconds: 40) == 0)
            let (count, distinct) = try await rig.countAndDistinct(group: group)
            #expect(count == 6 && distinct == 6)
        }
    }

    @Test func aPlainTailRunShipsEventsThatArrivedLateSinceTheLastRun() async throws {
        try await Rig.with { rig in
            let group = "/late/cron"
            try await rig.put(group: group, events: lateEvents(3, minutesBehind: 90, stream: "s") + [(WallClock.nowMillis() - 1000, "now", "s")])
            var environment = rig.environment(groups: [group], checkpointPath: rig.directory + "/cp.json")
            environment["RECONCILE_INTERVAL_SECS"] = "1"
            environment["TAIL_MAX_OVERLAP_SECS"] = "60"
            // A first run, then the history behind it, as a cron setup would have it.
            let backfill = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "1"], environment: environment)
            #expect(backfill.status == 0, "\(backfill.stderr)")
            let first = try await ProcessRunner.run(ProjectPaths.binary, ["tail"], environment: environment)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(try await rig.documentCount(group: group) == 4)

            // Late events arrive between two runs: 20 and 50 minutes behind, in a new stream.
            try await rig.put(group: group, events: lateEvents(4, minutesBehind: 20, stream: "replayed") + lateEvents(2, minutesBehind: 50, stream: "replayed"))
            try await Task.sleep(nanoseconds: 1_100_000_000)
            let second = try await ProcessRunner.run(ProjectPaths.binary, ["tail", "--json"], environment: environment)
            #expect(second.status == 0, "\(second.stderr)")
            let (count, distinct) = try await rig.countAndDistinct(group: group)
            #expect(count == 10 && distinct == 10, "\(second.stdout)\n\(second.stderr.suffix(2000))")
        }
    }
}
