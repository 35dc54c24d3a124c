@testable import Engine
import Foundation
import Testing

/// `heal` killed where a second copy of every document exists — during the copy into the
/// standby, and after the standby was made visible but before the old target was removed —
/// then run again: the interrupted rebuild continues at once (the dead process's claim does
/// not hold the group for half an hour), and the end holds every event id exactly once.
@Suite(.serialized) struct HealCrashTests {
    let numbers = "/healcrash/numbers"
    let text = "/healcrash/text"

    @Test func healKilledMidCopyAndBeforeTheOldTargetIsRemovedEndsWithEveryEventOnce() async throws {
        try await Rig.with(esProxy: true) { rig in
            let base = WallClock.nowMillis() - 6 * 3_600_000
            try await rig.put(group: numbers, events: (0..<200).map { (base + EpochMillis($0 * 1000), #"{"status":\#(200 + $0 % 3)}"#, "s") })
            try await rig.put(group: text, events: (0..<150).map { (base + EpochMillis($0 * 1000), #"{"status":"text \#($0)"}"#, "s") })
            var environment = rig.environment(groups: [numbers, text], checkpointPath: rig.directory + "/cp.json")
            // The held request must still be held when the test, polling, notices it: under the
            // sanitizers on a loaded machine that took longer than a 5 s timeout once.
            environment["HTTP_TIMEOUT_SECS"] = "15"
            let backfill = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "1"], environment: environment)
            #expect(backfill.status == 0, "\(backfill.stderr)")
            let losing = "cloudwatch-\(IndexLayout.slug(GroupKey(text)))-v1"
            let standby = "cloudwatch-\(IndexLayout.slug(GroupKey(text)))-v2"

            func healKilled(holding rule: JSONValue) async throws -> String {
                try await rig.clearElasticsearchFaults()
                try await rig.injectElasticsearchFault(rule)
                let held = try await rig.firedElasticsearchFaults()["hold"] ?? 0
                let heal = try BackgroundProcess(ProjectPaths.binary, ["heal"], environment: environment)
                #expect(try await eventually(seconds: 90, watching: heal) { try await rig.firedElasticsearchFaults()["hold"] ?? 0 > held },
                        "the request to hold never came: \(heal.stderr.suffix(2000))")
                #expect(heal.process.isRunning, "heal ended before the kill: \(heal.stderr.suffix(2000))")
                heal.signal(SIGKILL)
                _ = await heal.waitForExit(seconds: 10)
                try await rig.clearElasticsearchFaults()
                return heal.stderr
            }

            // 1. Killed while its copy into the standby is being written.
            let first = try await healKilled(holding: ["path": "/_bulk", "count": 1, "hold_ms": 60_000])
            #expect(first.contains("heal: standby created"), "\(first.suffix(2000))")
            #expect(try await rig.elasticsearch().send("HEAD", "/\(losing)").status == 200)

            // 2. Run again: it continues at once, and is killed after the standby became
            //    visible and before the old target is gone — both copies are searchable now.
            let second = try await healKilled(holding: ["path": .string("/\(standby)/_settings"), "count": 1, "hold_ms": 60_000])
            #expect(!second.contains("another process is moving"), "the dead run's claim held the group: \(second.suffix(2000))")
            let midway = try await rig.compareIDs(group: text)
            #expect(midway.lost.isEmpty && midway.duplicates == midway.cloudWatch,
                    "between the two steps every event is in both targets, and the comparison sees it: \(midway)\n\(second.suffix(2000))")

            // 3. Run again: it verifies the standby holds everything and removes the old target.
            let last = try await ProcessRunner.run(ProjectPaths.binary, ["heal", "--json"], environment: environment)
            #expect(last.status == 0, "\(last.stderr.suffix(2000))\n\(last.stdout)")
            #expect(try await rig.elasticsearch().send("HEAD", "/\(losing)").status == 404)
            var comparisons: [IDComparison] = []
            for group in [numbers, text] {
                let comparison = try await rig.compareIDs(group: group)
                #expect(comparison.isExact, "\(group): \(comparison)")
                comparisons.append(comparison)
            }
            Soak.record(Soak.entry("heal kills", comparisons, kills: 2))
        }
    }
}
