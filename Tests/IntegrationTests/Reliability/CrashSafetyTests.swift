import Engine
import Foundation
import Testing
import TestSupport

/// SIGKILL at any moment — mid-page, mid-bulk, mid-checkpoint-write — and restart: the
/// end state is every event exactly once.
@Suite(.serialized) struct CrashSafetyTests {
    @Test func backfillKilledAgainAndAgainEndsWithEveryEventExactlyOnce() async throws {
        try await Rig.with { rig in
            let groups = (0..<Soak.scale(ci: 3, soak: 4)).map { "/crash/group-\($0)" }
            let perGroup = Soak.scale(ci: 5_000, soak: 15_000)
            let kills = Soak.scale(ci: 5, soak: 12)
            let seeded = try await rig.seed(groups: groups, days: 3, eventsPerGroup: perGroup)
            let environment = rig.environment(groups: groups, checkpointPath: rig.directory + "/state/cp.json")
            var random = SeededGenerator()
            var survived = 0
            var delays: [Int] = []
            for _ in 0..<kills {
                let run = try BackgroundProcess(ProjectPaths.binary, ["backfill", "--days", "4", "--batch-size", "500"], environment: environment)
                // Anywhere from before the first bulk to deep into the run.
                let delay = Int.random(in: 150...2_500, using: &random)
                delays.append(delay)
                try await Task.sleep(nanoseconds: UInt64(delay) * 1_000_000)
                run.signal(SIGKILL)
                if await run.waitForExit(seconds: 10) != nil { survived += 1 }
                let verify = try await ProcessRunner.run(ProjectPaths.binary, ["checkpoint", "verify"], environment: environment)
                #expect(verify.status == 0, "checkpoint damaged after a kill at \(delay) ms (\(random)): \(verify.stderr)")
            }
            let last = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "4", "--json"], environment: environment)
            #expect(last.status == 0, "\(last.stderr)")
            var lost = 0
            var duplicates = 0
            for group in groups {
                let (count, distinct) = try await rig.countAndDistinct(group: group)
                lost += max(0, (seeded[group] ?? 0) - distinct)
                duplicates += count - distinct
                #expect(count == seeded[group], "group \(group) after kills at \(delays) ms, \(random)")
                #expect(distinct == count, "duplicates in \(group), \(random)")
            }
            Soak.record(Soak.Entry(test: "backfill kills", kills: survived, events: seeded.values.reduce(0, +), lost: lost, duplicates: duplicates))
        }
    }

    @Test func theDaemonKilledWhileEventsArriveLosesNothing() async throws {
        try await Rig.with { rig in
            let group = "/crash/live"
            let checkpoint = rig.directory + "/state/cp.json"
            var environment = rig.environment(groups: [group], checkpointPath: checkpoint)
            environment["POLL_INTERVAL_SECS"] = "1"
            environment["BACKFILL_DAYS"] = "1"
            var random = SeededGenerator()
            var written = 0
            let rounds = Soak.scale(ci: 3, soak: 8)
            for round in 0..<rounds {
                let daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment)
                let batch = (0..<200).map { (WallClock.nowMillis() - 30_000 + EpochMillis($0), "round \(round) event \($0)", "s\(round % 2)") }
                try await rig.put(group: group, events: batch)
                written += batch.count
                try await Task.sleep(nanoseconds: UInt64(Int.random(in: 300...2_000, using: &random)) * 1_000_000)
                daemon.signal(SIGKILL)
                _ = await daemon.waitForExit(seconds: 10)
            }
            // One clean pass afterwards, as a restarted service would make.
            let pass = try await ProcessRunner.run(ProjectPaths.binary, ["tail"], environment: environment)
            #expect(pass.status == 0, "\(pass.stderr)")
            let (count, distinct) = try await rig.countAndDistinct(group: group)
            #expect(count == written, "\(random)")
            #expect(distinct == written, "\(random)")
            Soak.record(Soak.Entry(test: "daemon kills", kills: rounds, events: written, lost: max(0, written - distinct), duplicates: count - distinct))
        }
    }
}
