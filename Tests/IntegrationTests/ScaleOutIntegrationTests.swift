@testable import Engine
import Foundation
import Testing

/// Several `tail --follow` instances share the groups through leases in Elasticsearch.
@Suite(.serialized) struct ScaleOutIntegrationTests {
    func leases(_ rig: Rig) async throws -> [(group: String, owner: String, expires: EpochMillis, written: EpochMillis)] {
        let answer = try await rig.elasticsearch().json("POST", "/cloudwatch-logstream-state/_search?ignore_unavailable=true", [
            "size": 1000, "query": ["term": ["kind": "lease"]],
        ])
        return (answer["hits"]?["hits"]?.array ?? []).compactMap { hit in
            guard let source = hit["_source"], let group = source["group"]?.string else { return nil }
            return (group, source["owner"]?.string ?? "", source["expires_at"]?.int64 ?? 0, source["written_at"]?.int64 ?? 0)
        }
    }

    @Test func threeInstancesShareTheGroupsAndTakeOverFromOneThatWasKilled() async throws {
        try await Rig.with { rig in
            let groups = (0..<12).map { String(format: "/scale/g-%02d", $0) }
            var expected = try await rig.seed(groups: groups, days: 2, eventsPerGroup: 600)
            let lease = 6
            func environment(_ name: String) -> [String: String] {
                var environment = rig.environment(groups: ["/scale/*"], checkpointPath: rig.directory + "/\(name)/cp.json")
                environment["COORDINATION"] = "elasticsearch"
                environment["INSTANCE_ID"] = name
                environment["LEASE_SECS"] = String(lease)
                environment["POLL_INTERVAL_SECS"] = "1"
                environment["BACKFILL_DAYS"] = "3"
                return environment
            }
            var instances: [String: BackgroundProcess] = [:]
            for name in ["alpha", "bravo", "charlie"] {
                instances[name] = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment(name))
            }
            // Everyone gets a fair share: 12 groups, 3 instances, 4 each.
            let shared = try await eventually(seconds: 60) {
                let held = try await leases(rig).filter { $0.expires > WallClock.nowMillis() && !$0.owner.isEmpty }
                let perOwner = Dictionary(grouping: held, by: \.owner).mapValues(\.count)
                return held.count == 12 && perOwner.count == 3 && perOwner.values.allSatisfy { $0 == 4 }
            }
            let afterStart = try await leases(rig)
            #expect(shared, "\(afterStart)")

            // Mid-run, one instance dies without a word.
            let charlieHeld = Dictionary(uniqueKeysWithValues: afterStart.filter { $0.owner == "charlie" }.map { ($0.group, $0.expires) })
            instances["charlie"]?.signal(SIGKILL)
            _ = await instances["charlie"]?.waitForExit(seconds: 10)
            // A deadline for a loaded machine, not a measurement: what is checked is what happened.
            let takenOver = try await eventually(seconds: Double(20 * lease)) {
                let held = try await leases(rig).filter { $0.expires > WallClock.nowMillis() && !$0.owner.isEmpty }
                return held.count == 12 && held.allSatisfy { $0.owner != "charlie" }
            }
            let afterKill = try await leases(rig)
            #expect(takenOver, "\(afterKill)")
            // Every group charlie held went to a survivor, and not before charlie's lease ran out:
            // charlie renewed after `afterStart`, so its last expiry is no earlier than the one seen
            // then, and a takeover written before that would mean two owners at once.
            #expect(charlieHeld.count == 4, "\(afterStart)")
            for held in afterKill where charlieHeld[held.group] != nil {
                let seenExpiry = charlieHeld[held.group] ?? .max
                #expect(["alpha", "bravo"].contains(held.owner), "\(held)")
                #expect(held.written >= seenExpiry, "\(held) was written before charlie's lease (expiring \(seenExpiry)) ran out")
            }

            // Events keep arriving; all of them, and all history, end up there exactly once.
            for group in groups.prefix(4) {
                try await rig.put(group: group, events: (0..<30).map { (WallClock.nowMillis() + EpochMillis($0), "after the takeover \($0)", "live") })
                expected[group, default: 0] += 30
            }
            let complete = try await eventually(seconds: 150) {
                for group in groups where try await rig.documentCount(group: group) != expected[group] { return false }
                return true
            }
            #expect(complete, "\(instances["alpha"]?.stderr.suffix(2000) ?? "")")
            let show = try await ProcessRunner.run(ProjectPaths.binary, ["checkpoint", "show"], environment: environment("alpha"))
            #expect(show.status == 0 && show.stdout.contains("OWNER") && show.stdout.contains("bravo"), "\(show.stdout)\(show.stderr)")

            for name in ["alpha", "bravo"] { instances[name]?.signal(SIGTERM) }
            for name in ["alpha", "bravo"] {
                #expect(await instances[name]?.waitForExit(seconds: 40) == 0, "\(instances[name]?.stderr.suffix(2000) ?? "")")
            }
            for group in groups {
                let (count, distinct) = try await rig.countAndDistinct(group: group)
                #expect(count == expected[group] && distinct == count, "\(group): \(count) documents, \(distinct) distinct, \(expected[group] ?? 0) in CloudWatch")
            }
            // Stopping cleanly handed the leases back.
            let handedBack = try await leases(rig)
            #expect(handedBack.count == 12 && handedBack.allSatisfy { $0.owner.isEmpty }, "\(handedBack)")
        }
    }
}
