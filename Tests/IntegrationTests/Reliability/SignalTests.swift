@testable import Engine
import Foundation
import Testing

/// SIGINT as an operator sends it: one signal ends the current page, saves the checkpoint
/// and exits 130 (not complete); a second one exits at once. Either way the next run
/// completes the copy with every event exactly once.
@Suite(.serialized) struct SignalTests {
    @Test func sigintStopsCleanlyAndASecondSignalExitsAtOnce() async throws {
        try await Rig.with(esProxy: true) { rig in
            let groups = ["/signal/a", "/signal/b"]
            let seeded = try await rig.seed(groups: groups, days: 2, eventsPerGroup: 8_000)
            let environment = rig.environment(groups: groups, checkpointPath: rig.directory + "/state/cp.json")
            func progressed() async throws -> Bool {
                var shipped = 0
                for group in groups { shipped += try await rig.documentCount(group: group) }
                return shipped > 0
            }

            // One SIGINT, once the run has shipped something: a clean stop.
            let first = try BackgroundProcess(ProjectPaths.binary, ["backfill", "--days", "3", "--batch-size", "200"], environment: environment)
            #expect(try await eventually(seconds: 60, watching: first) { try await progressed() }, "\(first.stderr.suffix(2000))")
            first.signal(SIGINT)
            // The page in hand is finished first, which a loaded machine may take a while over.
            let clean = await first.waitForExit(seconds: 240)
            #expect(clean == 130 && first.stderr.contains("backfill stopped by a signal"), "\(first.stderr.suffix(2000))")
            let verify = try await ProcessRunner.run(ProjectPaths.binary, ["checkpoint", "verify"], environment: environment)
            #expect(verify.status == 0, "\(verify.stderr)")

            // Two in a row: out at once, status 130, saying so. Both come while a bulk
            // request's answer is held, so the first signal's clean stop (which waits for that
            // answer) cannot end before the second arrives: a stop with no page in hand once
            // ended within the 50 ms, and the second signal met no process. The second is sent
            // once the process has said it received the first: two SIGINTs pending at once are
            // one to the kernel, which is what a loaded machine made of a 50 ms gap.
            try await rig.injectElasticsearchFault(["path": "/_bulk", "count": 1, "hold_ms": 30_000])
            let second = try BackgroundProcess(ProjectPaths.binary, ["backfill", "--days", "3", "--batch-size", "200"], environment: environment)
            #expect(await eventually(seconds: 60, watching: second) { (try? await rig.firedElasticsearchFaults()["hold"]) ?? 0 >= 1 },
                    "no bulk request was held: \(second.stderr.suffix(1500))")
            second.signal(SIGINT)
            #expect(await eventually(seconds: 25, watching: second) { second.stderr.contains("signal received") }, "\(second.stderr.suffix(1500))")
            second.signal(SIGINT)
            let hard = await second.waitForExit(seconds: 10)
            try await rig.clearElasticsearchFaults()
            #expect(hard == 130 && second.stderr.contains("second signal: exiting now"), "status \(String(describing: hard)): \(second.stderr.suffix(1500))")

            let last = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "3"], environment: environment)
            #expect(last.status == 0, "\(last.stderr.suffix(2000))")
            for group in groups {
                let (count, distinct) = try await rig.countAndDistinct(group: group)
                #expect(count == seeded[group] && distinct == count, "\(group)")
            }
        }
    }
}
